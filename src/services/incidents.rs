//! Declared incidents (災害): an incident names a hazard and the districts or the area it
//! covers, and while it is open it widens what district teams may see there (see
//! [`super::access::Scope`]). Declaring and closing are audited; open incidents' areas are
//! prepared once and kept here for the district views.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use super::access::{Caller, audit_change};
use super::{AppContext, ServiceError, ServiceResult};
use crate::domain::access::{Incident, IncidentInput};
use crate::domain::codes::HazardType;
use crate::domain::text;
use crate::domain::{DistrictId, IncidentId, ValidationErrors};
use crate::spatial::PreparedArea;
use crate::storage::{self, incidents};

/// The prepared areas of open incidents, by incident id, kept in the [`AppContext`] so that a
/// district request neither reads nor parses an area of tens of thousands of vertices, nor
/// walks all its edges for each person. An incident's area never changes once declared (there
/// is no way to edit it), so the id is its version. Each scope drops the incidents that are no
/// longer open, however they were closed (by this server, another, or by their end time);
/// closing one here drops it at once.
#[derive(Debug, Default)]
pub(crate) struct IncidentAreas(RwLock<HashMap<IncidentId, PreparedArea>>);

impl IncidentAreas {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<IncidentId, PreparedArea>> {
        // Derived data: a panic while writing leaves it no worse than incomplete.
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<IncidentId, PreparedArea>> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The areas of `open` incidents (those with one), from the cache or read and prepared
    /// now; entries of incidents not among them are dropped.
    pub(super) fn of_open(
        &self,
        conn: &mut storage::DbConnection,
        open: &[(Incident, bool)],
    ) -> ServiceResult<HashMap<IncidentId, PreparedArea>> {
        let wanted: Vec<IncidentId> = open
            .iter()
            .filter(|(_, has_area)| *has_area)
            .map(|(i, _)| i.id)
            .collect();
        let (mut found, stale) = {
            let cache = self.read();
            let found: HashMap<IncidentId, PreparedArea> = wanted
                .iter()
                .filter_map(|id| Some((*id, cache.get(id)?.clone())))
                .collect();
            (found, cache.keys().any(|id| !wanted.contains(id)))
        };
        if stale {
            self.write().retain(|id, _| wanted.contains(id));
        }
        for &id in &wanted {
            if found.contains_key(&id) {
                continue;
            }
            let Some(value) = incidents::area(conn, id)? else {
                continue;
            };
            match super::nearby::parse_area(&value) {
                Ok(area) => {
                    let prepared = PreparedArea::new(&area);
                    self.write().insert(id, prepared.clone());
                    found.insert(id, prepared);
                }
                // Areas are checked when declared; one that no longer parses is left out
                // (its districts still count) rather than failing every district request.
                Err(_) => log::error!("incident {id}: stored area does not parse"),
            }
        }
        Ok(found)
    }

    pub(super) fn forget(&self, id: IncidentId) {
        self.write().remove(&id);
    }
}

/// Declares an incident.
///
/// # Errors
/// [`ServiceError::Invalid`] for a missing hazard, unknown districts, a bad area, neither
/// districts nor an area, or an end before the start.
pub fn declare(
    ctx: &AppContext,
    caller: &Caller,
    input: &IncidentInput,
) -> ServiceResult<Incident> {
    let mut errors = ValidationErrors::new();
    let name = text::required(input.name.as_deref().unwrap_or_default(), text::MAX_SHORT)
        .map_err(|m| errors.push("name", m))
        .unwrap_or_default();
    let hazard = HazardType::parse(input.hazard_type.as_deref().unwrap_or_default())
        .map_err(|m| errors.push("hazard_type", m))
        .ok();
    let mut conn = ctx.conn()?;
    let mut districts = Vec::new();
    for &id in input.district_ids.iter().flatten() {
        if storage::districts::exists(&mut conn, DistrictId(id))? {
            districts.push(DistrictId(id));
        } else {
            errors.push("district_ids", format!("地区 {id} は登録されていません"));
        }
    }
    if let Some(area) = &input.area
        && let Err(e) = super::nearby::parse_area(area)
    {
        for f in e.errors() {
            errors.push("area", f.message.clone());
        }
    }
    if districts.is_empty() && input.area.is_none() && input.district_ids.is_none() {
        errors.push("district_ids", "地区または範囲（area）を指定してください");
    }
    let now = storage::now();
    let starts_at = input.starts_at.unwrap_or(now);
    if input.ends_at.is_some_and(|e| e <= starts_at) {
        errors.push("ends_at", "終了は開始より後にしてください");
    }
    errors.into_result(|| ())?;
    let Some(hazard_type) = hazard else {
        return Err(ValidationErrors::one("hazard_type", "必須項目です").into());
    };
    let incident = storage::write_transaction(&mut conn, |conn| {
        let incident = incidents::insert(
            conn,
            &incidents::NewIncident {
                name: &name,
                hazard_type,
                districts: &districts,
                area: input.area.as_ref(),
                starts_at,
                ends_at: input.ends_at,
                declared_by: caller.actor(),
            },
            now,
        )?;
        audit_change(
            ctx,
            conn,
            caller,
            &format!("incident {} declared", incident.id),
            &[],
        )?;
        Ok::<_, ServiceError>(incident)
    })?;
    log::info!("incident {} declared", incident.id);
    Ok(incident)
}

/// Closes an incident: the widened view ends at once.
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::NotPending`] when closed already.
pub fn close(ctx: &AppContext, caller: &Caller, id: IncidentId) -> ServiceResult<Incident> {
    let now = storage::now();
    let closed = storage::write_transaction(&mut *ctx.conn()?, |conn| {
        let found = incidents::find(conn, id, now)?.ok_or(ServiceError::NotFound("incident"))?;
        if !incidents::close(conn, id, caller.actor(), now)? {
            return Err(ServiceError::NotPending(format!(
                "closed at {}",
                found.closed_at.unwrap_or(now)
            )));
        }
        audit_change(ctx, conn, caller, &format!("incident {id} closed"), &[])?;
        incidents::find(conn, id, now)?.ok_or(ServiceError::NotFound("incident"))
    })?;
    ctx.incident_areas.forget(id);
    log::info!("incident {id} closed");
    Ok(closed)
}

/// Every incident, newest first.
///
/// # Errors
/// [`ServiceError::Unavailable`].
pub fn list(ctx: &AppContext) -> ServiceResult<Vec<Incident>> {
    Ok(incidents::list(&mut *ctx.conn()?, storage::now())?)
}
