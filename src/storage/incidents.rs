//! Queries on `incidents`: declared disasters that widen what district teams may see.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::{code, from_text, to_text};
use super::schema::incidents;
use super::{DbConnection, StorageResult};
use crate::domain::access::Incident;
use crate::domain::codes::HazardType;
use crate::domain::{DistrictId, IncidentId};

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    String,
    Option<String>,
);

fn incident(row: Row, now: NaiveDateTime) -> StorageResult<Incident> {
    let (id, name, hazard, districts, area, starts_at, ends_at, closed_at, declared_by, closed_by) =
        row;
    let mut incident = Incident {
        id: IncidentId(id),
        name,
        hazard_type: code("incidents.hazard_type", &hazard, HazardType::parse)?,
        districts: from_text::<Vec<DistrictId>>("incidents.district_ids", &districts)?,
        area: area
            .map(|a| from_text::<serde_json::Value>("incidents.area", &a))
            .transpose()?,
        starts_at,
        ends_at,
        closed_at,
        declared_by,
        closed_by,
        open: false,
    };
    incident.open = incident.is_open_at(now);
    Ok(incident)
}

macro_rules! columns {
    () => {
        (
            incidents::id,
            incidents::name,
            incidents::hazard_type,
            incidents::district_ids,
            incidents::area,
            incidents::starts_at,
            incidents::ends_at,
            incidents::closed_at,
            incidents::declared_by,
            incidents::closed_by,
        )
    };
}

/// What a new incident holds.
pub struct NewIncident<'a> {
    pub name: &'a str,
    pub hazard_type: HazardType,
    pub districts: &'a [DistrictId],
    pub area: Option<&'a serde_json::Value>,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub declared_by: &'a str,
}

/// Declares an incident.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewIncident<'_>,
    now: NaiveDateTime,
) -> StorageResult<Incident> {
    let id: i64 = diesel::insert_into(incidents::table)
        .values((
            incidents::name.eq(new.name),
            incidents::hazard_type.eq(new.hazard_type.as_str()),
            incidents::district_ids.eq(to_text(new.districts)),
            incidents::area.eq(new.area.map(to_text)),
            incidents::starts_at.eq(new.starts_at),
            incidents::ends_at.eq(new.ends_at),
            incidents::declared_by.eq(new.declared_by),
        ))
        .returning(incidents::id)
        .get_result(conn)?;
    find(conn, IncidentId(id), now)?
        .ok_or(super::StorageError::Query(diesel::result::Error::NotFound))
}

/// One incident.
pub fn find(
    conn: &mut DbConnection,
    id: IncidentId,
    now: NaiveDateTime,
) -> StorageResult<Option<Incident>> {
    let row: Option<Row> = incidents::table
        .find(id.0)
        .select(columns!())
        .first(conn)
        .optional()?;
    row.map(|r| incident(r, now)).transpose()
}

/// Every incident, newest first.
pub fn list(conn: &mut DbConnection, now: NaiveDateTime) -> StorageResult<Vec<Incident>> {
    let rows: Vec<Row> = incidents::table
        .select(columns!())
        .order(incidents::id.desc())
        .load(conn)?;
    rows.into_iter().map(|r| incident(r, now)).collect()
}

/// Incidents not closed (their time window is checked by the caller).
pub fn not_closed(conn: &mut DbConnection, now: NaiveDateTime) -> StorageResult<Vec<Incident>> {
    let rows: Vec<Row> = incidents::table
        .filter(incidents::closed_at.is_null())
        .select(columns!())
        .order(incidents::id.asc())
        .load(conn)?;
    rows.into_iter().map(|r| incident(r, now)).collect()
}

/// Incidents not closed, without their areas, each with whether it has one: an area can be
/// megabytes of GeoJSON, and a caller that tests homes against it keeps it prepared (read it
/// once with [`area`]). Their time window is checked by the caller.
pub fn not_closed_without_area(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> StorageResult<Vec<(Incident, bool)>> {
    type Light = (
        i64,
        String,
        String,
        String,
        bool,
        NaiveDateTime,
        Option<NaiveDateTime>,
        String,
    );
    let rows: Vec<Light> = incidents::table
        .filter(incidents::closed_at.is_null())
        .select((
            incidents::id,
            incidents::name,
            incidents::hazard_type,
            incidents::district_ids,
            incidents::area.is_not_null(),
            incidents::starts_at,
            incidents::ends_at,
            incidents::declared_by,
        ))
        .order(incidents::id.asc())
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, name, hazard, districts, has_area, starts_at, ends_at, by)| {
                let row = (
                    id, name, hazard, districts, None, starts_at, ends_at, None, by, None,
                );
                Ok((incident(row, now)?, has_area))
            },
        )
        .collect()
}

/// The stored area of an incident (GeoJSON), if it has one.
pub fn area(conn: &mut DbConnection, id: IncidentId) -> StorageResult<Option<serde_json::Value>> {
    let area: Option<Option<String>> = incidents::table
        .find(id.0)
        .select(incidents::area)
        .first(conn)
        .optional()?;
    area.flatten()
        .map(|a| from_text::<serde_json::Value>("incidents.area", &a))
        .transpose()
}

/// Closes an incident; false when it was closed already.
pub fn close(
    conn: &mut DbConnection,
    id: IncidentId,
    by: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let n = diesel::update(
        incidents::table
            .find(id.0)
            .filter(incidents::closed_at.is_null()),
    )
    .set((incidents::closed_at.eq(now), incidents::closed_by.eq(by)))
    .execute(conn)?;
    Ok(n > 0)
}
