//! The map layers of the pages, as GeoJSON for the vendored Leaflet: one person's home with
//! its district, the hazard zones and the shelters around it.
//!
//! A person's home is personal data: the layer is built from the record as the caller may see
//! it, and the read is audited in the same transaction, like every other read of a person.

use geo::{BoundingRect, Intersects, Rect};
use serde_json::{Value, json};

use super::access::{Caller, audit_in};
use super::visibility::{project_record, see};
use super::{AppContext, ServiceResult};
use crate::domain::codes::HazardType;
use crate::domain::{GeoPoint, RegistrantId};
use crate::spatial::points::distance_m;
use crate::storage::{self, districts, hazard_zones, shelters};

/// How far around the home the layers reach, in metres: a walk to the nearest shelters.
pub const REACH_M: f64 = 2_000.0;

/// The layers of one person's map: `home` (when the caller may see where they live), the
/// boundary of their `district`, the flood and landslide zones and the shelters within
/// [`REACH_M`] of the home. Features carry `layer`, `label`, and `rank`, `class` or `kind`.
///
/// # Errors
/// [`super::ServiceError::NotFound`] for an unknown person or one the caller may not see.
pub fn person_layers(ctx: &AppContext, caller: &Caller, id: RegistrantId) -> ServiceResult<Value> {
    super::registrants::require_register_reader(caller)?;
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let (record, grant) = see(ctx, conn, caller, id)?;
        let person = project_record(record, grant);
        let mut features = Vec::new();
        if let Some(district) = person.facts.district_id
            && let Some(d) = districts::all(conn)?.into_iter().find(|d| d.id == district)
        {
            features.push(feature(
                geojson_geometry(&d.boundary),
                json!({"layer": "district", "label": format!("{} {}", d.code, d.name)}),
            ));
        }
        if let Some(home) = person.data.location {
            let reach = reach_around(home);
            for zone in hazard_zones::all(conn)? {
                if !zone
                    .area
                    .bounding_rect()
                    .is_some_and(|r| r.intersects(&reach))
                {
                    continue;
                }
                let properties = match zone.hazard_type {
                    HazardType::Flood => {
                        json!({"layer": "flood", "rank": zone.level.clamp(1, 6), "label": zone.name})
                    }
                    HazardType::Landslide => {
                        json!({"layer": "landslide", "class": zone.level.clamp(1, 2), "label": zone.name})
                    }
                    _ => continue,
                };
                features.push(feature(geojson_geometry(&zone.area), properties));
            }
            for shelter in shelters::all(conn)? {
                if distance_m(home, shelter.data.location) > REACH_M {
                    continue;
                }
                let hazards: Vec<&str> =
                    shelter.data.hazards.iter().map(|h| h.label_ja()).collect();
                features.push(feature(
                    point(shelter.data.location),
                    json!({
                        "layer": "shelter",
                        "kind": shelter.data.kind.as_str(),
                        "label": format!("{}（{}）", shelter.data.name, hazards.join("・")),
                    }),
                ));
            }
            features.push(feature(
                point(home),
                json!({"layer": "home", "label": format!("{} 様の自宅", person.data.name)}),
            ));
        }
        audit_in(
            ctx,
            conn,
            caller,
            "read",
            &format!("/registrants/{id}/map.geojson"),
            &[(id, grant)],
        )?;
        Ok(json!({"type": "FeatureCollection", "features": features}))
    })
}

/// Every district's boundary with its code and name, for finding one's way on a map with no
/// tiles (the new-person form). Geodata, not personal data; the auditor has no use for it.
///
/// # Errors
/// [`super::ServiceError::Forbidden`] for the auditor.
pub fn district_layers(ctx: &AppContext, caller: &Caller) -> ServiceResult<Value> {
    if caller.role() == crate::domain::codes::Role::Auditor {
        return Err(super::ServiceError::Forbidden);
    }
    let mut conn = ctx.conn()?;
    let features: Vec<Value> = districts::all(&mut conn)?
        .iter()
        .map(|d| {
            feature(
                geojson_geometry(&d.boundary),
                json!({"layer": "district", "label": format!("{} {}", d.code, d.name)}),
            )
        })
        .collect();
    Ok(json!({"type": "FeatureCollection", "features": features}))
}

/// A box of [`REACH_M`] around `home`, in degrees (lon, lat).
fn reach_around(home: GeoPoint) -> Rect<f64> {
    let dlat = REACH_M / 111_320.0;
    let dlon = REACH_M / (111_320.0 * home.lat().to_radians().cos().max(0.01));
    Rect::new(
        geo::coord! { x: home.lon() - dlon, y: home.lat() - dlat },
        geo::coord! { x: home.lon() + dlon, y: home.lat() + dlat },
    )
}

fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

fn point(p: GeoPoint) -> Value {
    json!({"type": "Point", "coordinates": [p.lon(), p.lat()]})
}

fn geojson_geometry(area: &geo::MultiPolygon<f64>) -> Value {
    let polygons: Vec<Value> = area
        .0
        .iter()
        .map(|polygon| {
            let ring = |r: &geo::LineString<f64>| -> Value {
                r.coords().map(|c| json!([c.x, c.y])).collect()
            };
            let mut rings = vec![ring(polygon.exterior())];
            rings.extend(polygon.interiors().iter().map(ring));
            Value::Array(rings)
        })
        .collect();
    json!({"type": "MultiPolygon", "coordinates": polygons})
}
