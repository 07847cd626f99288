//! GeoJSON pieces shared by the parsers. Pure.
//!
//! A FeatureCollection is split into features that are read one at a time, so that a broken
//! feature rejects its own row and not the file. Geometry is read from the JSON directly (not
//! through the `geojson` crate) so that every problem gets a Japanese reason.

use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon, Rect};
use serde_json::{Map, Value};

use super::FormatError;
use crate::domain::text::normalize_spaces;

/// One feature of a collection.
pub(super) struct RawFeature {
    /// 1-based feature index.
    pub row: usize,
    pub properties: Map<String, Value>,
    /// `None` when absent or `null`.
    pub geometry: Option<Value>,
}

/// Splits a FeatureCollection into its features.
pub(super) fn read_collection(text: &str) -> Result<Vec<RawFeature>, FormatError> {
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        FormatError::Json {
            line: e.line(),
            column: e.column(),
        }
    })?;
    let Value::Object(mut root) = root else {
        return Err(FormatError::NotFeatureCollection("なし".to_owned()));
    };
    match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        other => {
            return Err(FormatError::NotFeatureCollection(
                other.unwrap_or("なし").to_owned(),
            ));
        }
    }
    let Some(Value::Array(features)) = root.remove("features") else {
        return Err(FormatError::NoFeatures);
    };
    Ok(features
        .into_iter()
        .enumerate()
        .map(|(i, feature)| {
            let (properties, geometry) = match feature {
                Value::Object(mut f) => (
                    match f.remove("properties") {
                        Some(Value::Object(p)) => p,
                        _ => Map::new(),
                    },
                    f.remove("geometry").filter(|g| !g.is_null()),
                ),
                _ => (Map::new(), None),
            };
            RawFeature {
                row: i + 1,
                properties,
                geometry,
            }
        })
        .collect())
}

/// A property as text: strings with spaces normalised, numbers and booleans written out.
/// Missing, `null`, empty, arrays and objects give `None`.
pub(super) fn text(properties: &Map<String, Value>, key: &str) -> Option<String> {
    match properties.get(key)? {
        Value::String(s) => Some(normalize_spaces(s)).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The first of `keys` that has text, with the key.
pub(super) fn first_text<'k>(
    properties: &Map<String, Value>,
    keys: impl IntoIterator<Item = &'k str>,
) -> Option<(&'k str, String)> {
    keys.into_iter()
        .find_map(|key| text(properties, key).map(|value| (key, value)))
}

/// A code value as text, with numbers in one spelling: `2`, `2.0`, `"2"` and `"02"` all give
/// `"2"`; other text is kept as it is.
pub(super) fn code_text(value: String) -> String {
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        _ => value,
    }
}

/// A Point geometry as (longitude, latitude).
pub(super) fn point(geometry: Option<&Value>) -> Result<(f64, f64), String> {
    let g = geometry.ok_or("ジオメトリ（位置）がありません")?;
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => position(g.get("coordinates")).map(|c| (c.x, c.y)),
        other => Err(format!(
            "ジオメトリが{}です（Pointが必要です）",
            other.unwrap_or("不明な型")
        )),
    }
}

/// A Polygon or MultiPolygon geometry as a validated multipolygon.
pub(super) fn area(geometry: Option<&Value>) -> Result<MultiPolygon<f64>, String> {
    let g = geometry.ok_or("ジオメトリ（区域の形）がありません")?;
    let coordinates = g.get("coordinates");
    let polygons = match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => rings_to_polygons(coordinates)?,
        Some("MultiPolygon") => {
            let mut all = Vec::new();
            for (i, part) in array(coordinates)?.iter().enumerate() {
                let part = rings_to_polygons(Some(part))
                    .map_err(|e| format!("MultiPolygonの{}番目の部分: {e}", i + 1))?;
                all.extend(part);
            }
            all
        }
        other => {
            return Err(format!(
                "ジオメトリが{}です（PolygonかMultiPolygonが必要です）",
                other.unwrap_or("不明な型")
            ));
        }
    };
    if polygons.is_empty() {
        return Err("ポリゴンが空です".to_owned());
    }
    Ok(MultiPolygon::new(polygons))
}

fn array(value: Option<&Value>) -> Result<&Vec<Value>, String> {
    value
        .and_then(Value::as_array)
        .ok_or_else(|| "座標（coordinates）が配列ではありません".to_owned())
}

fn position(value: Option<&Value>) -> Result<Coord<f64>, String> {
    let pair = array(value)?;
    let (Some(lon), Some(lat)) = (
        pair.first().and_then(Value::as_f64),
        pair.get(1).and_then(Value::as_f64),
    ) else {
        return Err("座標が[経度, 緯度]の数値の組ではありません".to_owned());
    };
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("経度{lon}は範囲外です（-180〜180）"));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("緯度{lat}は範囲外です（-90〜90）"));
    }
    Ok(Coord { x: lon, y: lat })
}

fn ring(value: &Value) -> Result<LineString<f64>, String> {
    let positions = array(Some(value))?;
    if positions.len() < 4 {
        return Err(format!(
            "リングの座標が{}個しかありません（閉じたリングには4個以上必要です）",
            positions.len()
        ));
    }
    let coords = positions
        .iter()
        .map(|p| position(Some(p)))
        .collect::<Result<Vec<_>, _>>()?;
    // An unclosed ring is closed by `Polygon::new`; Shapefile conversions always close them.
    Ok(LineString::new(coords))
}

/// An outer ring being assembled, with its holes.
struct Outer {
    shell: Polygon<f64>,
    bounds: Rect<f64>,
    holes: Vec<LineString<f64>>,
}

/// The rings of one GeoJSON Polygon as one or more polygons.
///
/// GeoJSON says that the rings after the first are holes, but Shapefile conversions sometimes
/// write a record with several outer rings as one Polygon. A later ring is therefore taken as
/// a hole only if it lies inside an outer ring (its box within the outer's box and one of its
/// vertices strictly inside); otherwise it starts a polygon of its own, so that a district's
/// second part is not silently turned into a hole outside it.
fn rings_to_polygons(value: Option<&Value>) -> Result<Vec<Polygon<f64>>, String> {
    let mut outers: Vec<Outer> = Vec::new();
    for ring_value in array(value)? {
        let ring = ring(ring_value)?;
        let Some(bounds) = ring.bounding_rect() else {
            return Err("リングが空です".to_owned());
        };
        let host = outers.iter_mut().find(|outer| {
            within(bounds, outer.bounds)
                && ring
                    .points()
                    .take(8)
                    .any(|p: Point<f64>| outer.shell.contains(&p))
        });
        match host {
            Some(outer) => outer.holes.push(ring),
            None => {
                let shell = Polygon::new(ring, Vec::new());
                if shell.unsigned_area() == 0.0 {
                    return Err("ポリゴンの面積がゼロです（点や線に潰れています）".to_owned());
                }
                outers.push(Outer {
                    shell,
                    bounds,
                    holes: Vec::new(),
                });
            }
        }
    }
    Ok(outers
        .into_iter()
        .map(|outer| Polygon::new(outer.shell.into_inner().0, outer.holes))
        .collect())
}

fn within(inner: Rect<f64>, outer: Rect<f64>) -> bool {
    inner.min().x >= outer.min().x
        && inner.min().y >= outer.min().y
        && inner.max().x <= outer.max().x
        && inner.max().y <= outer.max().y
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x: f64, y: f64, size: f64) -> Value {
        json!([
            [x, y],
            [x + size, y],
            [x + size, y + size],
            [x, y + size],
            [x, y]
        ])
    }

    #[test]
    fn a_ring_inside_the_first_is_a_hole() {
        let g = json!({"type": "Polygon", "coordinates": [square(130.0, 33.0, 1.0), square(130.2, 33.2, 0.1)]});
        let area = area(Some(&g)).unwrap();
        assert_eq!(area.0.len(), 1);
        assert_eq!(area.0[0].interiors().len(), 1);
    }

    #[test]
    fn a_second_outer_ring_in_a_polygon_becomes_its_own_part() {
        let g = json!({"type": "Polygon", "coordinates": [
            square(130.0, 33.0, 1.0), square(131.5, 33.0, 0.5), square(130.2, 33.2, 0.1)
        ]});
        let area = area(Some(&g)).unwrap();
        assert_eq!(area.0.len(), 2, "the disjoint ring is a second part");
        assert_eq!(
            area.0[0].interiors().len(),
            1,
            "the inner ring stays a hole"
        );
        assert!(area.0[1].interiors().is_empty());
    }

    #[test]
    fn degenerate_geometry_is_refused_with_a_reason() {
        let cases = [
            (json!(null), "ジオメトリ"),
            (
                json!({"type": "Point", "coordinates": [130.0, 33.0]}),
                "Point",
            ),
            (json!({"type": "Polygon", "coordinates": []}), "空"),
            (json!({"type": "MultiPolygon", "coordinates": []}), "空"),
            (
                json!({"type": "Polygon", "coordinates": [[[130.0, 33.0], [130.1, 33.0], [130.0, 33.0]]]}),
                "3個",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[130.0, 33.0], [130.1, 33.0], [130.2, 33.0], [130.0, 33.0]]]}),
                "面積がゼロ",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[130.0, 33.0], [130.1, 95.0], [130.2, 33.1], [130.0, 33.0]]]}),
                "緯度95",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[130.0, 33.0], ["x", 33.0], [130.2, 33.1], [130.0, 33.0]]]}),
                "数値の組",
            ),
            (json!({"type": "Polygon", "coordinates": "no"}), "配列"),
        ];
        for (geometry, expected) in cases {
            let geometry = (!geometry.is_null()).then_some(geometry);
            let reason = area(geometry.as_ref()).unwrap_err();
            assert!(
                reason.contains(expected),
                "{reason} should mention {expected}"
            );
        }
    }

    #[test]
    fn codes_are_spelled_one_way() {
        assert_eq!(code_text("2".into()), "2");
        assert_eq!(code_text("02".into()), "2");
        assert_eq!(code_text("2.0".into()), "2");
        assert_eq!(code_text("2.5".into()), "2.5");
        assert_eq!(code_text("steep_slope".into()), "steep_slope");
    }

    #[test]
    fn a_collection_must_be_a_feature_collection() {
        assert!(matches!(
            read_collection(r#"{"type": "Feature"}"#),
            Err(FormatError::NotFeatureCollection(t)) if t == "Feature"
        ));
        assert_eq!(
            read_collection(r#"{"type": "FeatureCollection"}"#).err(),
            Some(FormatError::NoFeatures)
        );
        assert!(matches!(
            read_collection("{\"type\": "),
            Err(FormatError::Json { line: 1, .. })
        ));
        assert!(matches!(
            read_collection("[1, 2]"),
            Err(FormatError::NotFeatureCollection(_))
        ));
    }
}
