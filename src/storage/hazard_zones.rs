//! Queries on `hazard_zones`.

use diesel::prelude::*;

use super::districts::{geometry_from_text, geometry_to_text};
use super::json::code;
use super::schema::hazard_zones;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::HazardZoneId;
use crate::domain::codes::HazardType;
use crate::domain::hazard::{HazardZone, LandslidePhenomenon, NewHazardZone};

/// What changes whenever zones are imported (a source's zones are replaced by new rows): the
/// count and the largest id.
///
/// # Errors
/// A query error.
pub fn stamp(conn: &mut DbConnection) -> StorageResult<(i64, Option<i64>)> {
    Ok(hazard_zones::table
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(hazard_zones::id),
        ))
        .first(conn)?)
}

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

/// Removes every zone imported from `source` (hazard zones are geodata, not personal data: a
/// re-import replaces them). Returns how many were removed.
pub fn delete_source(conn: &mut DbConnection, source: &str) -> StorageResult<usize> {
    Ok(
        diesel::delete(hazard_zones::table.filter(hazard_zones::source.eq(source)))
            .execute(conn)?,
    )
}

/// Ids, types, levels, names and sources of every zone (without geometry).
pub fn summaries(conn: &mut DbConnection) -> StorageResult<Vec<HazardZoneSummary>> {
    let rows: Vec<(i64, String, i32, Option<String>, String, String)> = hazard_zones::table
        .order(hazard_zones::id.asc())
        .select((
            hazard_zones::id,
            hazard_zones::hazard_type,
            hazard_zones::level,
            hazard_zones::phenomenon,
            hazard_zones::name,
            hazard_zones::source,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, hazard_type, level, phenomenon, name, source)| {
            Ok(HazardZoneSummary {
                id: HazardZoneId(id),
                hazard_type: code("hazard_zones.hazard_type", &hazard_type, HazardType::parse)?,
                level,
                phenomenon,
                name,
                source,
            })
        })
        .collect()
}

/// A hazard zone as listed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HazardZoneSummary {
    pub id: HazardZoneId,
    pub hazard_type: HazardType,
    /// Flood: depth rank 1–6; landslide: 1 warning area, 2 special warning area.
    pub level: i32,
    /// Landslide only: `steep_slope`, `debris_flow` or `landslide`.
    pub phenomenon: Option<String>,
    pub name: String,
    /// The import it came from; re-importing the same source replaces it.
    pub source: String,
}

/// The polygon of one zone.
pub fn find_area(
    conn: &mut DbConnection,
    id: HazardZoneId,
) -> StorageResult<Option<geo::MultiPolygon<f64>>> {
    let area: Option<String> = hazard_zones::table
        .find(id.0)
        .select(hazard_zones::area)
        .first(conn)
        .optional()?;
    area.map(|a| geometry_from_text("hazard_zones.area", &a))
        .transpose()
}
