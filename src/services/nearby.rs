//! Spatial questions: the nearest shelters for a hazard, supporters within walking distance,
//! registrants inside an area or a hazard zone. The R-trees answer; the database supplies the
//! records.

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::{Caller, Scope, audit_in};
use super::registrants::{RegistrantView, page_params};
use super::visibility::{Seen, seen_of, visible_page};
use super::{AppContext, Page, ServiceError, ServiceResult};
use crate::domain::codes::HazardType;
use crate::domain::shelter::Shelter;
use crate::domain::supporter::Supporter;
use crate::domain::{GeoPoint, HazardZoneId, RegistrantId, ValidationErrors};
use crate::storage::{self, hazard_zones, registrants, shelters, supporters};

/// Most items a nearest-shelter query returns.
pub const MAX_NEAREST: i64 = 50;
/// Largest radius of a supporter query, metres.
pub const MAX_RADIUS_M: f64 = 5_000.0;

/// A record and its great-circle distance from the query point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Nearby<T> {
    #[serde(flatten)]
    pub item: T,
    /// Metres, rounded to 0.1 m.
    pub distance_m: f64,
}

/// `lat`, `lon` and a hazard type.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct NearestShelterQuery {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// A hazard type code, e.g. `flood`.
    pub hazard: Option<String>,
    /// 5 by default, at most 50.
    pub limit: Option<i64>,
}

/// `lat`, `lon` and a radius.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct WithinQuery {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Metres, at most 5,000.
    pub radius_m: Option<f64>,
}

/// Paging of an area query.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AreaQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn point(lat: Option<f64>, lon: Option<f64>, errors: &mut ValidationErrors) -> Option<GeoPoint> {
    if lat.is_none() {
        errors.push("lat", "必須項目です");
    }
    if lon.is_none() {
        errors.push("lon", "必須項目です");
    }
    let mut renamed = ValidationErrors::new();
    let point = GeoPoint::parse_pair(lat, lon, &mut renamed);
    for e in renamed.errors() {
        let field = if e.field == "latitude" { "lat" } else { "lon" };
        if lat.is_some() && lon.is_some() {
            errors.push(field, e.message.clone());
        }
    }
    point
}

fn rounded(metres: f64) -> f64 {
    (metres * 10.0).round() / 10.0
}

/// Pairs records (in the order of `found`) with their distances, by id, so that a record the
/// database no longer has can never shift a distance onto the wrong one.
fn with_distances<K: Copy + Eq + std::hash::Hash, T>(
    found: &[(K, f64)],
    records: Vec<T>,
    id: impl Fn(&T) -> K,
) -> Vec<Nearby<T>> {
    let distance: std::collections::HashMap<K, f64> = found.iter().copied().collect();
    records
        .into_iter()
        .filter_map(|item| {
            Some(Nearby {
                distance_m: rounded(*distance.get(&id(&item))?),
                item,
            })
        })
        .collect()
}

/// The nearest shelters that may be proposed for a hazard: open, designated for it and never
/// inside a zone of it.
///
/// # Errors
/// [`ServiceError::Invalid`] naming a missing or out-of-range `lat`, `lon`, `hazard`, `limit`.
pub fn nearest_shelters(
    ctx: &AppContext,
    query: &NearestShelterQuery,
) -> ServiceResult<Vec<Nearby<Shelter>>> {
    let mut errors = ValidationErrors::new();
    let at = point(query.lat, query.lon, &mut errors);
    let hazard = match query.hazard.as_deref() {
        Some(h) => errors.check("hazard", HazardType::parse(h.trim())),
        None => {
            errors.push("hazard", "必須項目です");
            None
        }
    };
    let limit = query.limit.unwrap_or(5);
    if !(1..=MAX_NEAREST).contains(&limit) {
        errors.push("limit", format!("1〜{MAX_NEAREST}の範囲で指定してください"));
    }
    let (Some(at), Some(hazard)) = (at, hazard) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let found: Vec<_> = ctx
        .spatial()
        .nearest_shelters(at, hazard)
        .take(usize::try_from(limit).unwrap_or(5))
        .collect();
    let ids: Vec<_> = found.iter().map(|(id, _)| *id).collect();
    let records = shelters::find_many(&mut *ctx.conn()?, &ids)?;
    Ok(with_distances(&found, records, |s| s.id))
}

/// Active supporters within `radius_m` of a point, nearest first.
///
/// # Errors
/// [`ServiceError::Invalid`] naming a missing or out-of-range `lat`, `lon`, `radius_m`.
pub fn supporters_within(
    ctx: &AppContext,
    caller: &Caller,
    query: &WithinQuery,
) -> ServiceResult<Vec<Nearby<Supporter>>> {
    super::registrants::require_register(caller)?;
    let mut errors = ValidationErrors::new();
    let at = point(query.lat, query.lon, &mut errors);
    let radius = query.radius_m.unwrap_or(500.0);
    if !(radius > 0.0 && radius <= MAX_RADIUS_M) {
        errors.push(
            "radius_m",
            format!("0より大きく{MAX_RADIUS_M}以下で指定してください"),
        );
    }
    let Some(at) = at.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let mut found = ctx.spatial().supporters.within(at, radius);
    found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let ids: Vec<_> = found.iter().map(|(id, _)| *id).collect();
    super::access::read_recorded(ctx, caller, |conn| {
        let records = supporters::find_many(conn, &ids)?;
        let target =
            super::access::ids_target("/api/v1/supporters/within", records.iter().map(|s| s.id.0));
        Ok((with_distances(&found, records, |s| s.id), target))
    })
}

/// Reads a GeoJSON Polygon or MultiPolygon (geometry, Feature or FeatureCollection).
///
/// # Errors
/// [`ValidationErrors`] under `area` when the body holds no polygon.
pub fn parse_area(body: &serde_json::Value) -> Result<MultiPolygon<f64>, ValidationErrors> {
    let invalid = |m: &str| ValidationErrors::one("area", m.to_owned());
    let geojson = body
        .to_string()
        .parse::<geojson::GeoJson>()
        .map_err(|_| invalid("GeoJSON の Polygon または MultiPolygon を送ってください"))?;
    let geometries: Vec<geojson::Geometry> = match geojson {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => f.geometry.into_iter().collect(),
        geojson::GeoJson::FeatureCollection(c) => {
            c.features.into_iter().filter_map(|f| f.geometry).collect()
        }
    };
    let mut polygons = Vec::new();
    for geometry in geometries {
        let parts: Vec<&geojson::PolygonType> = match &geometry.value {
            geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
            geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
            _ => return Err(invalid("Polygon または MultiPolygon だけを送ってください")),
        };
        // geojson's conversion to geo indexes a position's first two numbers unchecked: a
        // position such as [32] would panic there instead of being refused.
        if parts
            .iter()
            .flat_map(|rings| rings.iter().flatten())
            .any(|position| position.len() < 2)
        {
            return Err(invalid("座標は [経度, 緯度] の数値の組で送ってください"));
        }
        match geo::Geometry::<f64>::try_from(geometry) {
            Ok(geo::Geometry::Polygon(p)) => polygons.push(p),
            Ok(geo::Geometry::MultiPolygon(mp)) => polygons.extend(mp.0),
            _ => return Err(invalid("Polygon または MultiPolygon だけを送ってください")),
        }
    }
    if polygons.is_empty() {
        return Err(invalid("範囲が空です"));
    }
    Ok(MultiPolygon(polygons))
}

fn registrants_in(
    ctx: &AppContext,
    caller: &Caller,
    area: &MultiPolygon<f64>,
    query: &AreaQuery,
    target: &str,
) -> ServiceResult<Page<Seen<RegistrantView>>> {
    let mut errors = ValidationErrors::new();
    let (limit, after) = page_params(ctx, query.limit, query.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut ids = ctx.spatial().registrants.within_area(area);
    ids.sort_unstable();
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let scope = Scope::of(ctx, conn, caller)?;
        let fetch = |conn: &mut storage::DbConnection, after: Option<RegistrantId>, n: i64| {
            let start = ids.partition_point(|id| after.is_some_and(|a| *id <= a));
            let batch: Vec<RegistrantId> = ids[start..]
                .iter()
                .take(usize::try_from(n).unwrap_or(usize::MAX))
                .copied()
                .collect();
            let mut records = registrants::find_many(conn, &batch)?;
            records.sort_by_key(|r| r.id);
            Ok(records)
        };
        let page = visible_page(
            ctx,
            conn,
            &scope,
            after.map(RegistrantId),
            limit,
            fetch,
            |_, _| Ok(true),
        )?;
        audit_in(ctx, conn, caller, "list", target, &seen_of(&page.items))?;
        Ok(page)
    })
}

/// Active registrants whose home lies inside a GeoJSON area, in id order, as `caller` may see
/// them.
///
/// # Errors
/// [`ServiceError::Invalid`] when the body is not a polygon.
pub fn registrants_in_area(
    ctx: &AppContext,
    caller: &Caller,
    body: &serde_json::Value,
    query: &AreaQuery,
) -> ServiceResult<Page<Seen<RegistrantView>>> {
    let area = parse_area(body)?;
    registrants_in(ctx, caller, &area, query, "/api/v1/registrants/within-area")
}

/// Active registrants whose home lies inside a hazard zone, in id order, as `caller` may see
/// them.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown zone.
pub fn registrants_in_zone(
    ctx: &AppContext,
    caller: &Caller,
    zone: HazardZoneId,
    query: &AreaQuery,
) -> ServiceResult<Page<Seen<RegistrantView>>> {
    let area = hazard_zones::find_area(&mut *ctx.conn()?, zone)?
        .ok_or(ServiceError::NotFound("hazard zone"))?;
    let target = format!("/api/v1/hazard-zones/{zone}/registrants");
    registrants_in(ctx, caller, &area, query, &target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_with_a_position_of_one_number_is_refused_not_a_panic() {
        // Found by the json_bodies fuzz target (minimised): geojson's conversion panicked on [32].
        let body: serde_json::Value = serde_json::from_str(
            r#"{"type": "MultiPolygon", "coordinates": [[[[130.5, 33.3], [130.51, 33.3], [32], [130.5, 33.3]]]]}"#,
        )
        .unwrap();
        let error = parse_area(&body).unwrap_err();
        assert_eq!(error.fields(), vec!["area"]);
        let empty = serde_json::json!({"type": "Polygon", "coordinates": [[[], [130.5, 33.3]]]});
        assert!(parse_area(&empty).is_err());
    }

    #[test]
    fn an_area_of_positions_with_two_or_more_numbers_is_read() {
        let body = serde_json::json!({"type": "Feature", "properties": {}, "geometry": {
            "type": "Polygon",
            "coordinates": [[[130.5, 33.3, 10.0], [130.6, 33.3], [130.6, 33.4], [130.5, 33.3]]]
        }});
        assert_eq!(parse_area(&body).unwrap().0.len(), 1);
        let point = serde_json::json!({"type": "Point", "coordinates": [130.5]});
        assert!(
            parse_area(&point).is_err(),
            "a Point is refused before conversion"
        );
    }
}
