//! Queries on `hazard_zones`.

use diesel::prelude::*;

use super::districts::{geometry_from_text, geometry_to_text};
use super::json::code;
use super::schema::hazard_zones;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::HazardZoneId;
use crate::domain::codes::HazardType;
use crate::domain::hazard::{HazardZone, LandslidePhenomenon, NewHazardZone};

/// Every hazard zone.
pub fn all(conn: &mut DbConnection) -> StorageResult<Vec<HazardZone>> {
    let rows: Vec<(i64, String, i32, Option<String>, String, String)> = hazard_zones::table
        .order(hazard_zones::id.asc())
        .select((
            hazard_zones::id,
            hazard_zones::hazard_type,
            hazard_zones::level,
            hazard_zones::phenomenon,
            hazard_zones::name,
            hazard_zones::area,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, hazard_type, level, phenomenon, name, area)| {
            Ok(HazardZone {
                id: HazardZoneId(id),
                hazard_type: code("hazard_zones.hazard_type", &hazard_type, HazardType::parse)?,
                level,
                phenomenon: phenomenon
                    .map(|p| {
                        LandslidePhenomenon::parse(&p).ok_or_else(|| {
                            StorageError::Corrupt(format!("hazard_zones.phenomenon: {p:?}"))
                        })
                    })
                    .transpose()?,
                name,
                area: geometry_from_text("hazard_zones.area", &area)?,
            })
        })
        .collect()
}

/// Inserts a hazard zone.
pub fn insert(
    conn: &mut DbConnection,
    zone: &NewHazardZone,
    source: &str,
    now: chrono::NaiveDateTime,
) -> StorageResult<HazardZoneId> {
    let id = diesel::insert_into(hazard_zones::table)
        .values((
            hazard_zones::hazard_type.eq(zone.hazard_type.as_str()),
            hazard_zones::level.eq(zone.level),
            hazard_zones::phenomenon.eq(zone.phenomenon.map(LandslidePhenomenon::as_str)),
            hazard_zones::name.eq(&zone.name),
            hazard_zones::area.eq(geometry_to_text(&zone.area)),
            hazard_zones::created_at.eq(now),
            hazard_zones::source.eq(source),
        ))
        .returning(hazard_zones::id)
        .get_result(conn)?;
    Ok(HazardZoneId(id))
}
