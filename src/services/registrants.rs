//! The register of people who need help evacuating: create, read, correct, change status, list,
//! consents, and the history of every change.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::access::{Caller, Scope, audit_in};
use super::records::{prepare_patch, record_change, stale_or_missing};
use super::visibility::{Seen, project, see, seen_of, visible_page};
use super::{Actor, AppContext, Page, ServiceError, ServiceResult};
use crate::domain::codes::{PlanStatus, RegistrantStatus};
use crate::domain::consent::{Consent, ConsentData, ConsentInput};
use crate::domain::priority::{self, Priority};
use crate::domain::registrant::LocationFacts;
use crate::domain::registrant::{
    Registrant, RegistrantData, RegistrantInput, StatusChange, StatusChangeInput,
};
use crate::domain::{DistrictId, RegistrantId, ValidationErrors};
use crate::storage::change_log::{self, Action, Change, Entity, HistoryEntry};
use crate::storage::registrants::PlanFilter;
use crate::storage::{self, DbConnection, consents, proposals, registrants};

/// Query parameters of a registrant list, as received.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only registrants of this district.
    pub district_id: Option<i64>,
    /// A status code, or `any`; `active` when omitted.
    pub status: Option<String>,
    /// Part of the name or of the kana (hiragana is accepted).
    pub q: Option<String>,
    /// The plan's state: `none` (no plan yet), `draft`, `confirmed` or `needs_review`.
    pub plan_status: Option<String>,
    /// `true`: only people whose plan can be printed now (confirmed, supporters linked and
    /// consented, plan consents given, home located); `false`: people with a plan that cannot.
    pub printable: Option<bool>,
    /// Only people with this support reason (`care_level`, `physical_disability`…).
    pub reason: Option<String>,
    /// Only people whose home lies in a zone of this hazard (`flood`, `landslide`…).
    pub hazard: Option<String>,
    /// Items per page; capped by the server's maximum.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Validates the limit and cursor shared by every list.
pub(super) fn page_params(
    ctx: &AppContext,
    limit: Option<i64>,
    cursor: Option<&str>,
    errors: &mut ValidationErrors,
) -> (i64, Option<i64>) {
    let limit = match limit {
        None => ctx.settings.list_limit_default,
        Some(l) if l >= 1 => l.min(ctx.settings.list_limit_max),
        Some(_) => {
            errors.push("limit", "1以上の数を指定してください");
            1
        }
    };
    let after = cursor
        .filter(|c| !c.is_empty())
        .and_then(|c| match c.parse::<i64>() {
            Ok(id) if id >= 0 => Some(id),
            _ => {
                errors.push("cursor", "カーソルが正しくありません");
                None
            }
        });
    (limit, after)
}

/// Builds a page from `limit + 1` fetched items.
pub(super) fn page<T>(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|item| id(item).to_string())
    } else {
        None
    };
    Page { items, next_cursor }
}

fn facts(ctx: &AppContext, data: &RegistrantData) -> LocationFacts {
    ctx.spatial().facts(data.location)
}

/// Where a registrant belongs in the point index: active people with a known home.
fn indexed_at(registrant: &Registrant) -> Option<crate::domain::GeoPoint> {
    if registrant.status == RegistrantStatus::Active {
        registrant.data.location
    } else {
        None
    }
}

/// Brings the point index up to date after a committed change.
fn reindex(ctx: &AppContext, after: &Registrant) {
    ctx.spatial_mut()
        .registrants
        .set(after.id, indexed_at(after));
}

/// Adds a person to the register, with status `active` and version 1.
///
/// # Errors
/// [`ServiceError::Invalid`] naming each invalid field; [`ServiceError::Duplicate`] for a used
/// external id.
pub fn create(
    ctx: &AppContext,
    input: &RegistrantInput,
    actor: Actor<'_>,
) -> ServiceResult<RegistrantView> {
    require_register(actor)?;
    let data = RegistrantData::parse(input, ctx.today())?;
    let facts = facts(ctx, &data);
    let mut conn = ctx.conn()?;
    let registrant = storage::write_transaction(&mut conn, |conn| {
        let registrant = registrants::insert(conn, &data, &facts, storage::now())?;
        record_change(ctx, conn, &registrant, Action::Created, &[], actor)?;
        Ok::<_, ServiceError>(registrant)
    })?;
    reindex(ctx, &registrant);
    view_one(&mut conn, ctx, registrant)
}

/// Reads one registrant as `caller` may see them, and records the read.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id, or one the caller may not see.
pub fn get(
    ctx: &AppContext,
    caller: &Caller,
    id: RegistrantId,
) -> ServiceResult<Seen<RegistrantView>> {
    require_register_reader(caller)?;
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let (record, grant) = see(ctx, conn, caller, id)?;
        let view = project(view_one(conn, ctx, record)?, grant);
        audit_in(
            ctx,
            conn,
            caller,
            "read",
            &format!("/api/v1/registrants/{id}"),
            &[(id, grant)],
        )?;
        Ok(Seen {
            record: view,
            grant,
        })
    })
}

/// Refuses a caller who may not change the register or read its case files (only staff and
/// administrators may; the route table says the same for HTTP).
pub(super) fn require_register(caller: &Caller) -> ServiceResult<()> {
    if caller.sees_register() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The register's staff, or a district user (who sees what their scope lets them); the
/// auditor and the volunteer centre do not read the register (their scope would show no one,
/// but a face must not offer them an empty register as if it were the city's).
pub(super) fn require_register_reader(caller: &Caller) -> ServiceResult<()> {
    use crate::domain::codes::Role;
    if matches!(caller.role(), Role::Admin | Role::Staff | Role::District) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// A staff read of a person's record (history, consents): audited inside `f`'s transaction.
fn staff_read<T>(
    ctx: &AppContext,
    caller: &Caller,
    id: RegistrantId,
    target: &str,
    mut f: impl FnMut(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    require_register(caller)?;
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let (_, grant) = see(ctx, conn, caller, id)?;
        let found = f(conn)?;
        audit_in(ctx, conn, caller, "read", target, &[(id, grant)])?;
        Ok(found)
    })
}

fn load(conn: &mut DbConnection, id: RegistrantId) -> ServiceResult<Registrant> {
    registrants::find(conn, id)?.ok_or(ServiceError::NotFound("registrant"))
}

/// A registrant as the API shows it: the record and its plan-making priority.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrantView {
    #[serde(flatten)]
    pub registrant: Registrant,
    pub priority: Priority,
}

/// Adds priorities to records (one query for who has a confirmed supporter).
pub(super) fn views(
    conn: &mut DbConnection,
    ctx: &AppContext,
    records: Vec<Registrant>,
) -> ServiceResult<Vec<RegistrantView>> {
    let ids: Vec<RegistrantId> = records.iter().map(|r| r.id).collect();
    let supported = proposals::with_confirmed_supporter(conn, &ids)?;
    let weights = &ctx.settings.priority_weights;
    Ok(records
        .into_iter()
        .map(|r| {
            let has_supporter = supported.binary_search(&r.id).is_ok();
            let priority = priority::score(&r.data, &r.facts, has_supporter, weights);
            RegistrantView {
                registrant: r,
                priority,
            }
        })
        .collect())
}

fn view_one(
    conn: &mut DbConnection,
    ctx: &AppContext,
    record: Registrant,
) -> ServiceResult<RegistrantView> {
    let mut views = views(conn, ctx, vec![record])?;
    views.pop().ok_or(ServiceError::NotFound("registrant"))
}

/// Corrects a registrant's data with a JSON merge patch, if `expected_version` is still current.
/// A patch that changes nothing returns the record as it is.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::VersionConflict`] (also when another change
/// commits first), [`ServiceError::Invalid`], [`ServiceError::Duplicate`].
pub fn patch(
    ctx: &AppContext,
    id: RegistrantId,
    expected_version: i64,
    patch: &Value,
    actor: Actor<'_>,
) -> ServiceResult<RegistrantView> {
    require_register(actor)?;
    let mut conn = ctx.conn()?;
    let current = load(&mut conn, id)?;
    let Some((data, fields)) = prepare_patch(&current, expected_version, patch, ctx.today())?
    else {
        return view_one(&mut conn, ctx, current);
    };
    let facts = facts(ctx, &data);
    let updated = storage::write_transaction(&mut conn, |conn| {
        // The conditional update comes first so that SQLite takes its write lock at once.
        let updated =
            registrants::update_data(conn, id, expected_version, &data, &facts, storage::now())?
                .ok_or_else(|| conflict(conn, id))?;
        record_change(ctx, conn, &updated, Action::Updated, &fields, actor)?;
        Ok::<_, ServiceError>(updated)
    })?;
    reindex(ctx, &updated);
    view_one(&mut conn, ctx, updated)
}

fn conflict(conn: &mut DbConnection, id: RegistrantId) -> ServiceError {
    match registrants::find(conn, id) {
        Ok(found) => stale_or_missing(found.map(|r| r.version), "registrant"),
        Err(e) => e.into(),
    }
}

/// Moves a registrant through the lifecycle (moved, deceased, withdrawn, in care facility, or
/// back to active); nobody is ever deleted.
///
/// # Errors
/// As [`patch`].
pub fn change_status(
    ctx: &AppContext,
    id: RegistrantId,
    expected_version: i64,
    input: &StatusChangeInput,
    actor: Actor<'_>,
) -> ServiceResult<RegistrantView> {
    require_register(actor)?;
    let change = StatusChange::parse(input, ctx.today())?;
    let mut conn = ctx.conn()?;
    let updated = storage::write_transaction(&mut conn, |conn| {
        let updated =
            registrants::update_status(conn, id, expected_version, &change, storage::now())?
                .ok_or_else(|| conflict(conn, id))?;
        let fields = ["status".to_owned()];
        record_change(ctx, conn, &updated, Action::StatusChanged, &fields, actor)?;
        Ok::<_, ServiceError>(updated)
    })?;
    reindex(ctx, &updated);
    view_one(&mut conn, ctx, updated)
}

/// Every version of a registrant, oldest first.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id.
pub fn history(
    ctx: &AppContext,
    caller: &Caller,
    id: RegistrantId,
) -> ServiceResult<Vec<HistoryEntry>> {
    let target = format!("/api/v1/registrants/{id}/history");
    staff_read(ctx, caller, id, &target, |conn| {
        Ok(change_log::history(conn, Entity::Registrant, id.0)?)
    })
}

/// Lists the registrants `caller` may see, in id order, one page at a time, each projected for
/// the caller; the page, its cursor and the audit entry name only people the caller may see.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unknown status, a bad limit or cursor.
pub fn list(
    ctx: &AppContext,
    caller: &Caller,
    query: &ListQuery,
) -> ServiceResult<Page<Seen<RegistrantView>>> {
    require_register_reader(caller)?;
    let mut errors = ValidationErrors::new();
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") => Some(RegistrantStatus::Active),
        Some("any") => None,
        Some(code) => errors.check("status", RegistrantStatus::parse(code)),
    };
    let (limit, after) = page_params(ctx, query.limit, query.cursor.as_deref(), &mut errors);
    let text = query
        .q
        .as_deref()
        .map(crate::domain::text::normalize_spaces)
        .filter(|q| !q.is_empty());
    let plan = match query.plan_status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(PlanFilter::None),
        Some(code) => errors
            .check("plan_status", PlanStatus::parse(code))
            .map(PlanFilter::Status),
    };
    let reason = match query.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => errors.check("reason", crate::domain::codes::SupportReason::parse(code)),
    };
    let hazard = match query.hazard.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => errors.check("hazard", crate::domain::codes::HazardType::parse(code)),
    };
    if query.printable.is_some() && plan == Some(PlanFilter::None) {
        errors.push(
            "printable",
            "計画のない方は印刷できるかどうかで絞り込めません（plan_status=none と一緒に使えません）",
        );
    }
    if query.printable == Some(true)
        && plan.is_some_and(|p| p != PlanFilter::Status(PlanStatus::Confirmed))
    {
        errors.push("printable", "印刷できるのは確定した計画だけです");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut filter = registrants::ListFilter {
        district: query.district_id.map(DistrictId),
        status,
        text,
        plan,
        after: None,
        limit: 0,
        ..registrants::ListFilter::default()
    };
    if query.printable == Some(true) {
        filter.plan = Some(PlanFilter::Status(PlanStatus::Confirmed));
    }
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let scope = Scope::of(ctx, conn, caller)?;
        // A district user's candidates come from their districts only; consent and incidents
        // decide the rest, person by person.
        filter.districts = scope.districts().map(<[_]>::to_vec);
        let links = match query.printable {
            Some(_) => Some(super::plans::ConfirmedLinks::load(ctx, conn)?),
            None => None,
        };
        let fetch = |conn: &mut DbConnection, after: Option<RegistrantId>, n: i64| {
            let batch = registrants::ListFilter {
                after,
                limit: n,
                ..filter.clone()
            };
            Ok(registrants::list(conn, &batch)?)
        };
        // Printability is decided per plan (links, consents, home), not by a column.
        let keep = |conn: &mut DbConnection, person: &Registrant| {
            if reason.is_some_and(|r| !person.data.support_reasons.contains(&r))
                || hazard.is_some_and(|h| !person.facts.hazard_exposure.contains_key(&h))
            {
                return Ok(false);
            }
            match (&links, query.printable) {
                (Some(links), Some(wanted)) => {
                    Ok(super::plans::printable_now(conn, person, links)? == Some(wanted))
                }
                _ => Ok(true),
            }
        };
        let page = visible_page(
            ctx,
            conn,
            &scope,
            after.map(RegistrantId),
            limit,
            fetch,
            keep,
        )?;
        audit_in(
            ctx,
            conn,
            caller,
            "list",
            "/api/v1/registrants",
            &seen_of(&page.items),
        )?;
        Ok(page)
    })
}

/// Records a consent given or refused; earlier ones stay as evidence.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Invalid`].
pub fn record_consent(
    ctx: &AppContext,
    id: RegistrantId,
    input: &ConsentInput,
    actor: Actor<'_>,
) -> ServiceResult<Consent> {
    require_register(actor)?;
    let data = ConsentData::parse(input, ctx.today())?;
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let consent = consents::insert(conn, id, &data, storage::now())
            .map_err(|e| missing_registrant(e, "registrant"))?;
        let registrant =
            registrants::find(conn, id)?.ok_or(ServiceError::NotFound("registrant"))?;
        let mut snapshot = serde_json::to_value(&registrant).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut snapshot {
            map.insert(
                "consent".to_owned(),
                serde_json::to_value(&consent).unwrap_or(Value::Null),
            );
        }
        change_log::append(
            conn,
            &Change {
                entity: Entity::Registrant,
                entity_id: id.0,
                version: registrant.version,
                action: Action::ConsentRecorded,
                changed_fields: &[format!("consents.{}", data.kind)],
                snapshot: &snapshot,
                changed_by: actor.actor(),
                changed_at: consent.recorded_at,
            },
        )?;
        super::access::audit_change(
            ctx,
            conn,
            actor,
            &format!("registrant {id} consent {} recorded", data.kind),
            &[id],
        )?;
        Ok(consent)
    })
}

/// A foreign-key failure on insert means the parent id does not exist.
fn missing_registrant(error: storage::StorageError, what: &'static str) -> ServiceError {
    use diesel::result::{DatabaseErrorKind, Error as Diesel};
    match error {
        storage::StorageError::Query(Diesel::DatabaseError(
            DatabaseErrorKind::ForeignKeyViolation,
            _,
        )) => ServiceError::NotFound(what),
        other => other.into(),
    }
}

/// Every consent of a registrant, oldest first.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id.
pub fn consents(
    ctx: &AppContext,
    caller: &Caller,
    id: RegistrantId,
) -> ServiceResult<Vec<Consent>> {
    let target = format!("/api/v1/registrants/{id}/consents");
    staff_read(ctx, caller, id, &target, |conn| {
        Ok(consents::list_for(conn, id)?)
    })
}
