//! Queries on `districts`; boundaries are GeoJSON text.

use diesel::prelude::*;
use geo::MultiPolygon;

use super::schema::districts;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::DistrictId;
use crate::domain::district::{District, DistrictSummary, NewDistrict};

/// What changes whenever a district is added or its boundary replaced: the count and the
/// latest `updated_at`.
///
/// # Errors
/// A query error.
pub fn stamp(conn: &mut DbConnection) -> StorageResult<(i64, Option<chrono::NaiveDateTime>)> {
    Ok(districts::table
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(districts::updated_at),
        ))
        .first(conn)?)
}

/// A MultiPolygon as GeoJSON geometry text.
pub(super) fn geometry_to_text(area: &MultiPolygon<f64>) -> String {
    geojson::Geometry::new(geojson::GeometryValue::from(area)).to_string()
}

/// Reads GeoJSON geometry text back into a MultiPolygon (a Polygon is widened).
pub(super) fn geometry_from_text(column: &str, text: &str) -> StorageResult<MultiPolygon<f64>> {
    let corrupt = |e: String| StorageError::Corrupt(format!("{column}: {e}"));
    let geometry: geojson::Geometry = text
        .parse()
        .map_err(|e: geojson::Error| corrupt(e.to_string()))?;
    match geo::Geometry::<f64>::try_from(geometry).map_err(|e| corrupt(e.to_string()))? {
        geo::Geometry::MultiPolygon(mp) => Ok(mp),
        geo::Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        _ => Err(corrupt("not a polygon".to_owned())),
    }
}

/// All districts with their boundaries.
pub fn all(conn: &mut DbConnection) -> StorageResult<Vec<District>> {
    let rows: Vec<(i64, String, String, String)> = districts::table
        .order(districts::id.asc())
        .select((
            districts::id,
            districts::code,
            districts::name,
            districts::boundary,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, code, name, boundary)| {
            Ok(District {
                id: DistrictId(id),
                code,
                name,
                boundary: geometry_from_text("districts.boundary", &boundary)?,
            })
        })
        .collect()
}

/// Ids, names and codes, in code order.
pub fn summaries(conn: &mut DbConnection) -> StorageResult<Vec<DistrictSummary>> {
    let rows: Vec<(i64, String, String)> = districts::table
        .order((districts::code.asc(), districts::id.asc()))
        .select((districts::id, districts::name, districts::code))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, code)| DistrictSummary {
            id: DistrictId(id),
            name,
            code,
        })
        .collect())
}

/// Whether a district id exists.
pub fn exists(conn: &mut DbConnection, id: DistrictId) -> StorageResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(districts::table.find(id.0))).get_result(conn)?)
}

/// Inserts a district.
pub fn insert(
    conn: &mut DbConnection,
    district: &NewDistrict,
    now: chrono::NaiveDateTime,
) -> StorageResult<DistrictId> {
    let id = diesel::insert_into(districts::table)
        .values((
            districts::code.eq(&district.code),
            districts::name.eq(&district.name),
            districts::boundary.eq(geometry_to_text(&district.boundary)),
            districts::version.eq(1_i64),
            districts::created_at.eq(now),
            districts::updated_at.eq(now),
        ))
        .returning(districts::id)
        .get_result(conn)?;
    Ok(DistrictId(id))
}

/// How many districts are stored.
pub fn count(conn: &mut DbConnection) -> StorageResult<i64> {
    Ok(districts::table.count().get_result(conn)?)
}

/// The district with this code, if any.
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> StorageResult<Option<DistrictId>> {
    Ok(districts::table
        .filter(districts::code.eq(code))
        .select(districts::id)
        .first::<i64>(conn)
        .optional()?
        .map(DistrictId))
}

/// Replaces a district's name and boundary.
pub fn update(
    conn: &mut DbConnection,
    id: DistrictId,
    district: &NewDistrict,
    now: chrono::NaiveDateTime,
) -> StorageResult<()> {
    diesel::update(districts::table.find(id.0))
        .set((
            districts::name.eq(&district.name),
            districts::boundary.eq(geometry_to_text(&district.boundary)),
            districts::version.eq(districts::version + 1),
            districts::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
