//! School districts (校区) from GeoJSON: 国土数値情報 A27 or any FeatureCollection of
//! Polygon/MultiPolygon features with a name. Pure: text in, districts and a report out.

use std::collections::HashSet;

use super::features::{self, RawFeature};
use super::{FormatError, Parsed};
use crate::domain::district::NewDistrict;
use crate::domain::text::{self, MAX_SHORT};

/// Properties tried for the name when none is chosen: A27's school name first.
pub const NAME_PROPERTIES: &[&str] = &["A27_004", "name", "名称"];
/// Properties tried for the code when none is chosen (A27's school code, the demo town's
/// `code`); without either the name is the code.
pub const CODE_PROPERTIES: &[&str] = &["A27_003", "code"];

/// Which properties hold a district's name and code, when not the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistrictOptions {
    pub name_property: Option<String>,
    pub code_property: Option<String>,
}

/// Reads districts from a GeoJSON FeatureCollection.
///
/// Name: `name_property`, else the first of [`NAME_PROPERTIES`] present. Code: `code_property`,
/// else the first of [`CODE_PROPERTIES`] present, else the name. A feature is rejected when it
/// has no name, no Polygon/MultiPolygon geometry, a degenerate ring (fewer than 4 positions,
/// zero area, coordinates out of range), or a code already used by an earlier feature.
///
/// # Errors
/// [`FormatError`] when the text is not a GeoJSON FeatureCollection.
pub fn parse_districts(
    text: &str,
    opts: &DistrictOptions,
) -> Result<Parsed<NewDistrict>, FormatError> {
    let mut parsed = Parsed::default();
    let mut codes = HashSet::new();
    for feature in features::read_collection(text)? {
        let name = match &opts.name_property {
            Some(key) => features::text(&feature.properties, key),
            None => features::first_text(&feature.properties, NAME_PROPERTIES.iter().copied())
                .map(|(_, name)| name),
        };
        let result = district(&feature, name.as_deref(), opts, &mut codes);
        parsed.push(feature.row, name, result);
    }
    Ok(parsed)
}

fn district(
    feature: &RawFeature,
    name: Option<&str>,
    opts: &DistrictOptions,
    codes: &mut HashSet<String>,
) -> Result<NewDistrict, String> {
    let Some(name) = name else {
        let keys = match &opts.name_property {
            Some(key) => key.clone(),
            None => NAME_PROPERTIES.join("・"),
        };
        return Err(format!("校区名がありません（{keys}）"));
    };
    let name = text::required(name, MAX_SHORT).map_err(|e| format!("校区名: {e}"))?;
    let code = match &opts.code_property {
        Some(key) => features::text(&feature.properties, key)
            .ok_or_else(|| format!("校区コードがありません（{key}）"))?,
        None => features::first_text(&feature.properties, CODE_PROPERTIES.iter().copied())
            .map_or_else(|| name.clone(), |(_, code)| code),
    };
    let code = text::required(&code, MAX_SHORT).map_err(|e| format!("校区コード: {e}"))?;
    if !codes.insert(code.clone()) {
        return Err(format!(
            "校区コード「{code}」が前の行と重複しています（後の行を取り込みません）"
        ));
    }
    let boundary = features::area(feature.geometry.as_ref())?;
    Ok(NewDistrict {
        code,
        name,
        boundary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kurume_a27_gives_44_districts_with_both_multipolygons_whole() {
        let Some(text) = crate::real_data::kurume_text("a27-school-districts-2021-40203.geojson")
        else {
            return;
        };
        let parsed = parse_districts(&text, &DistrictOptions::default()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(parsed.accepted.len(), 44);
        let parts = |name: &str| {
            let (_, d) = parsed
                .accepted
                .iter()
                .find(|(_, d)| d.name == name)
                .unwrap();
            (d.boundary.0.len(), d.code.clone())
        };
        assert_eq!(parts("田主丸小学校"), (6, "田主丸小学校".to_owned()));
        assert_eq!(parts("城島小学校").0, 2);
        let (_, kawai) = parsed
            .accepted
            .iter()
            .find(|(_, d)| d.name == "川会小学校")
            .unwrap();
        assert_eq!(kawai.boundary.0.len(), 1);
        assert_eq!(kawai.boundary.0[0].interiors().len(), 4, "holes stay holes");
        assert_eq!(parsed.accepted[0].0, 1);
        assert_eq!(parsed.accepted[43].0, 44);
    }

    #[test]
    fn the_a27_fixture_keeps_every_outer_ring_and_every_hole() {
        let text = include_str!("../../geodata/fixtures/a27-districts-sample.geojson");
        let parsed = parse_districts(text, &DistrictOptions::default()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        let shape = |name: &str| {
            let (_, d) = parsed
                .accepted
                .iter()
                .find(|(_, d)| d.name == name)
                .unwrap();
            let holes: usize = d.boundary.0.iter().map(|p| p.interiors().len()).sum();
            (d.boundary.0.len(), holes, d.code.clone())
        };
        assert_eq!(shape("三つ島小学校"), (3, 0, "三つ島小学校".to_owned()));
        assert_eq!(
            shape("外輪小学校"),
            (1, 1, "外輪小学校".to_owned()),
            "one ring with its hole"
        );
        assert_eq!(shape("中島小学校").0, 1);
        assert_eq!(parsed.accepted.len(), 5);
    }

    #[test]
    fn the_demo_town_reads_its_codes() {
        let text = include_str!("../../geodata/districts.geojson");
        let parsed = parse_districts(text, &DistrictOptions::default()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        let codes: Vec<_> = parsed
            .accepted
            .iter()
            .map(|(_, d)| d.code.as_str())
            .collect();
        assert_eq!(
            codes,
            ["D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08"]
        );
    }

    #[test]
    fn bad_features_are_rejected_row_by_row() {
        let square = "[[[130.5,33.3],[130.6,33.3],[130.6,33.4],[130.5,33.4],[130.5,33.3]]]";
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"A27_004":"荘島小学校","A27_003":"B1"}},"geometry":{{"type":"Polygon","coordinates":{square}}}}},
            {{"type":"Feature","properties":{{"A27_004":"　"}},"geometry":{{"type":"Polygon","coordinates":{square}}}}},
            {{"type":"Feature","properties":{{"name":"点の校区"}},"geometry":{{"type":"Point","coordinates":[130.5,33.3]}}}},
            {{"type":"Feature","properties":{{"name":"形のない校区"}},"geometry":null}},
            {{"type":"Feature","properties":{{"A27_004":"別の荘島","A27_003":"B1"}},"geometry":{{"type":"Polygon","coordinates":{square}}}}},
            {{"type":"Feature","properties":{{"名称":"三角の校区"}},"geometry":{{"type":"Polygon","coordinates":[[[130.5,33.3],[130.6,33.3],[130.5,33.3]]]}}}},
            {{"type":"Feature","properties":{{"名称":"合う校区","A27_003":2}},"geometry":{{"type":"MultiPolygon","coordinates":[{square}]}}}}
            ]}}"#
        );
        let parsed = parse_districts(&text, &DistrictOptions::default()).unwrap();
        let rows: Vec<_> = parsed
            .accepted
            .iter()
            .map(|(row, d)| (*row, d.code.as_str()))
            .collect();
        assert_eq!(rows, [(1, "B1"), (7, "2")]);
        let rejected: Vec<_> = parsed
            .rejected
            .iter()
            .map(|r| (r.row, r.key.as_deref(), r.reason.as_str()))
            .collect();
        assert_eq!(rejected.len(), 5);
        assert_eq!(
            rejected[0],
            (2, None, "校区名がありません（A27_004・name・名称）")
        );
        assert_eq!(rejected[1].0, 3);
        assert!(rejected[1].2.contains("Point"));
        assert_eq!(rejected[2].1, Some("形のない校区"));
        assert!(rejected[2].2.contains("ジオメトリ"));
        assert_eq!(
            rejected[3],
            (
                5,
                Some("別の荘島"),
                "校区コード「B1」が前の行と重複しています（後の行を取り込みません）"
            )
        );
        assert_eq!(rejected[4].0, 6);
        assert!(rejected[4].2.contains("3個"));
    }

    #[test]
    fn chosen_properties_are_used_and_required() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"S":"東校区","C":"E"},"geometry":{"type":"Polygon","coordinates":[[[130.5,33.3],[130.6,33.3],[130.6,33.4],[130.5,33.3]]]}},
            {"type":"Feature","properties":{"S":"西校区"},"geometry":{"type":"Polygon","coordinates":[[[130.5,33.3],[130.6,33.3],[130.6,33.4],[130.5,33.3]]]}}
        ]}"#;
        let opts = DistrictOptions {
            name_property: Some("S".into()),
            code_property: Some("C".into()),
        };
        let parsed = parse_districts(text, &opts).unwrap();
        assert_eq!(parsed.accepted.len(), 1);
        assert_eq!(parsed.accepted[0].1.code, "E");
        assert_eq!(parsed.rejected[0].reason, "校区コードがありません（C）");
    }

    #[test]
    fn a_file_that_is_not_a_collection_is_a_format_error() {
        let opts = DistrictOptions::default();
        assert!(parse_districts("NO,共通ID\n", &opts).is_err());
        assert!(parse_districts(r#"{"type":"Polygon","coordinates":[]}"#, &opts).is_err());
    }
}
