//! Hazard zones from GeoJSON: flood inundation areas (国土数値情報 A31a, depth rank) and
//! landslide warning areas (A33, zone class and phenomenon). Pure: text in, zones and a report
//! out.
//!
//! Numeric codes differ between sources and editions, so they are read through a
//! [`HazardCodeTable`] that the API shows to users and that a caller may change.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::features::{self, RawFeature};
use super::{FormatError, Parsed};
use crate::domain::codes::HazardType;
use crate::domain::hazard::{LandslidePhenomenon, NewHazardZone};
use crate::domain::text::{self, MAX_SHORT};

/// A feature property that, when present, says per feature which kind of zone it is: `flood`
/// or `landslide` (the demo town's files mix both).
pub const KIND_PROPERTY: &str = "hazard_type";
/// Properties tried for a zone's name; without one a name is made from the codes' labels.
pub const NAME_PROPERTIES: &[&str] = &["name"];
/// Properties put in front of a made-up name: A31a's river name, A33's zone name.
const NAME_PREFIX_PROPERTIES: &[&str] = &["A31a_202", "A33_005"];

/// Which kind of zone a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    /// 洪水浸水想定区域, level = depth rank 1–6.
    Flood,
    /// 土砂災害警戒区域, level = zone class 1 (warning) or 2 (special warning).
    Landslide,
}

impl HazardKind {
    pub fn hazard_type(self) -> HazardType {
        match self {
            Self::Flood => HazardType::Flood,
            Self::Landslide => HazardType::Landslide,
        }
    }

    fn level_name(self) -> &'static str {
        match self {
            Self::Flood => "浸水深ランク",
            Self::Landslide => "区域区分",
        }
    }

    fn max_level(self) -> i32 {
        match self {
            Self::Flood => 6,
            Self::Landslide => 2,
        }
    }
}

/// Properties to read instead of the table's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct HazardOptions {
    pub level_property: Option<String>,
    pub phenomenon_property: Option<String>,
    pub name_property: Option<String>,
}

/// One source code and what it means here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry<T> {
    /// The value in the file, as text (`"2"` matches `2`, `"2"` and `"02"`).
    pub code: String,
    pub value: T,
    /// What the code means, in Japanese.
    pub label: String,
}

impl<T> CodeEntry<T> {
    fn new(code: &str, value: T, label: &str) -> Self {
        Self {
            code: code.to_owned(),
            value,
            label: label.to_owned(),
        }
    }
}

/// How to read hazard codes: which properties hold them and what each value means.
///
/// [`Default`] follows 国土数値情報: A31a (`A31a_205` 浸水深ランク 1–6) and A33 (`A33_001`
/// 現象の種類 1 急傾斜地の崩壊, 2 土石流, 3 地すべり; `A33_002` 区域区分 1 警戒区域,
/// 2 特別警戒区域, and 3/4 for the same zones published before designation), plus this
/// service's own codes (`level`, `phenomenon` = `steep_slope`…) used by the demo town. Older A31
/// editions code depth differently (other bands), so they are not mapped by default: add
/// entries for them rather than guessing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardCodeTable {
    /// Properties tried, in order, for a flood zone's depth rank.
    pub flood_level_properties: Vec<String>,
    /// Source code → depth rank (1 under 0.5 m … 6 20 m and more).
    pub flood_levels: Vec<CodeEntry<i32>>,
    /// Properties tried, in order, for a landslide zone's class.
    pub landslide_level_properties: Vec<String>,
    /// Source code → zone class (1 警戒区域, 2 特別警戒区域).
    pub landslide_levels: Vec<CodeEntry<i32>>,
    /// Properties tried, in order, for a landslide zone's phenomenon (optional in a file).
    pub phenomenon_properties: Vec<String>,
    pub phenomena: Vec<CodeEntry<LandslidePhenomenon>>,
}

impl Default for HazardCodeTable {
    fn default() -> Self {
        use LandslidePhenomenon::{DebrisFlow, Landslide, SteepSlope};
        let strings = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect();
        Self {
            flood_level_properties: strings(&["A31a_205", "level"]),
            flood_levels: vec![
                CodeEntry::new("1", 1, "0.5m未満"),
                CodeEntry::new("2", 2, "0.5m以上3.0m未満"),
                CodeEntry::new("3", 3, "3.0m以上5.0m未満"),
                CodeEntry::new("4", 4, "5.0m以上10.0m未満"),
                CodeEntry::new("5", 5, "10.0m以上20.0m未満"),
                CodeEntry::new("6", 6, "20.0m以上"),
            ],
            landslide_level_properties: strings(&["A33_002", "level"]),
            landslide_levels: vec![
                CodeEntry::new("1", 1, "土砂災害警戒区域"),
                CodeEntry::new("2", 2, "土砂災害特別警戒区域"),
                CodeEntry::new("3", 1, "土砂災害警戒区域（指定前・基礎調査結果の公表）"),
                CodeEntry::new("4", 2, "土砂災害特別警戒区域（指定前・基礎調査結果の公表）"),
            ],
            phenomenon_properties: strings(&["A33_001", "phenomenon"]),
            phenomena: vec![
                CodeEntry::new("1", SteepSlope, "急傾斜地の崩壊"),
                CodeEntry::new("2", DebrisFlow, "土石流"),
                CodeEntry::new("3", Landslide, "地すべり"),
                CodeEntry::new("steep_slope", SteepSlope, "急傾斜地の崩壊"),
                CodeEntry::new("debris_flow", DebrisFlow, "土石流"),
                CodeEntry::new("landslide", Landslide, "地すべり"),
            ],
        }
    }
}

impl HazardCodeTable {
    /// The table as JSON for the API, so that users can see how their file will be read.
    pub fn describe(&self) -> Value {
        let levels = |entries: &[CodeEntry<i32>]| -> Vec<Value> {
            entries
                .iter()
                .map(|e| json!({"code": e.code, "level": e.value, "label": e.label}))
                .collect()
        };
        let phenomena: Vec<Value> = self
            .phenomena
            .iter()
            .map(|e| json!({"code": e.code, "phenomenon": e.value.as_str(), "label": e.label}))
            .collect();
        json!({
            "kind_property": KIND_PROPERTY,
            "name_properties": NAME_PROPERTIES,
            "flood": {
                "level_properties": self.flood_level_properties,
                "levels": levels(&self.flood_levels),
            },
            "landslide": {
                "level_properties": self.landslide_level_properties,
                "levels": levels(&self.landslide_levels),
                "phenomenon_properties": self.phenomenon_properties,
                "phenomena": phenomena,
            },
        })
    }
}

/// Reads hazard zones from a GeoJSON FeatureCollection of Polygon/MultiPolygon features.
///
/// `kind` is the kind of every feature, except that a feature's own [`KIND_PROPERTY`] wins
/// (so the demo town's mixed file imports in one call). Level and phenomenon values may be
/// numbers or numeric strings; a value missing from `table` rejects the row, naming the value.
///
/// # Errors
/// [`FormatError`] when the text is not a GeoJSON FeatureCollection.
pub fn parse_hazards(
    text: &str,
    kind: HazardKind,
    opts: &HazardOptions,
    table: &HazardCodeTable,
) -> Result<Parsed<NewHazardZone>, FormatError> {
    let mut parsed = Parsed::default();
    for feature in features::read_collection(text)? {
        let key = name_property(&feature, opts);
        let result = zone(&feature, kind, opts, table);
        parsed.push(feature.row, key, result);
    }
    Ok(parsed)
}

fn name_property(feature: &RawFeature, opts: &HazardOptions) -> Option<String> {
    match &opts.name_property {
        Some(key) => features::text(&feature.properties, key),
        None => features::first_text(&feature.properties, NAME_PROPERTIES.iter().copied())
            .map(|(_, name)| name),
    }
}

/// The first property of `chosen` or else `defaults` that has a value, as a code.
fn read_code<'a>(
    feature: &RawFeature,
    chosen: Option<&'a String>,
    defaults: &'a [String],
) -> Result<(&'a str, String), String> {
    let keys: Vec<&str> = match chosen {
        Some(key) => vec![key.as_str()],
        None => defaults.iter().map(String::as_str).collect(),
    };
    features::first_text(&feature.properties, keys.iter().copied())
        .map(|(key, value)| (key, features::code_text(value)))
        .ok_or_else(|| keys.join("・"))
}

fn lookup<'t, T>(
    entries: &'t [CodeEntry<T>],
    (key, code): (&str, String),
    what: &str,
) -> Result<&'t CodeEntry<T>, String> {
    entries
        .iter()
        .find(|e| features::code_text(e.code.clone()) == code)
        .ok_or_else(|| {
            let known: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
            format!(
                "{what}「{code}」（{key}）は対応表にありません（使える値: {}）",
                known.join(", ")
            )
        })
}

fn zone(
    feature: &RawFeature,
    default_kind: HazardKind,
    opts: &HazardOptions,
    table: &HazardCodeTable,
) -> Result<NewHazardZone, String> {
    let kind = match features::text(&feature.properties, KIND_PROPERTY).as_deref() {
        None => default_kind,
        Some("flood") => HazardKind::Flood,
        Some("landslide") => HazardKind::Landslide,
        Some(other) => {
            return Err(format!(
                "{KIND_PROPERTY}「{other}」には対応していません（flood・landslide）"
            ));
        }
    };
    let what = kind.level_name();
    let (level_keys, level_table) = match kind {
        HazardKind::Flood => (&table.flood_level_properties, &table.flood_levels),
        HazardKind::Landslide => (&table.landslide_level_properties, &table.landslide_levels),
    };
    let level_code = read_code(feature, opts.level_property.as_ref(), level_keys)
        .map_err(|keys| format!("{what}がありません（{keys}）"))?;
    let level = lookup(level_table, level_code, what)?;
    if !(1..=kind.max_level()).contains(&level.value) {
        return Err(format!(
            "対応表で{what}「{}」が{}になっていますが、1〜{}でなければなりません",
            level.code,
            level.value,
            kind.max_level()
        ));
    }
    let phenomenon = match kind {
        HazardKind::Flood => None,
        HazardKind::Landslide => {
            match read_code(
                feature,
                opts.phenomenon_property.as_ref(),
                &table.phenomenon_properties,
            ) {
                Ok(code) => Some(lookup(&table.phenomena, code, "現象の種類")?),
                Err(_) => None,
            }
        }
    };
    let area = features::area(feature.geometry.as_ref())?;
    let name = match name_property(feature, opts) {
        Some(name) => name,
        None => {
            let prefix =
                features::first_text(&feature.properties, NAME_PREFIX_PROPERTIES.iter().copied())
                    .map(|(_, p)| p);
            let labels = match kind {
                HazardKind::Flood => vec![format!("洪水浸水想定区域（{}）", level.label)],
                HazardKind::Landslide => phenomenon
                    .map(|p| p.label.clone())
                    .into_iter()
                    .chain([level.label.clone()])
                    .collect(),
            };
            prefix
                .into_iter()
                .chain(labels)
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    Ok(NewHazardZone {
        hazard_type: kind.hazard_type(),
        level: level.value,
        phenomenon: phenomenon.map(|p| p.value),
        name: text::required(&name, MAX_SHORT).map_err(|e| format!("名称: {e}"))?,
        area,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use LandslidePhenomenon::{DebrisFlow, SteepSlope};

    fn collection(properties: &[&str]) -> String {
        let square = r#"{"type":"Polygon","coordinates":[[[130.5,33.3],[130.6,33.3],[130.6,33.4],[130.5,33.4],[130.5,33.3]]]}"#;
        let features: Vec<String> = properties
            .iter()
            .map(|p| format!(r#"{{"type":"Feature","properties":{p},"geometry":{square}}}"#))
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn parse(text: &str, kind: HazardKind) -> Parsed<NewHazardZone> {
        parse_hazards(
            text,
            kind,
            &HazardOptions::default(),
            &HazardCodeTable::default(),
        )
        .unwrap()
    }

    fn reasons(parsed: &Parsed<NewHazardZone>) -> Vec<(usize, &str)> {
        parsed
            .rejected
            .iter()
            .map(|r| (r.row, r.reason.as_str()))
            .collect()
    }

    #[test]
    fn the_demo_town_file_imports_whole_in_one_call() {
        let text = include_str!("../../geodata/hazard_zones.geojson");
        let parsed = parse(text, HazardKind::Flood);
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(parsed.accepted.len(), 18);
        let count = |t: HazardType, level: i32, p: Option<LandslidePhenomenon>| {
            parsed
                .accepted
                .iter()
                .filter(|(_, z)| z.hazard_type == t && z.level == level && z.phenomenon == p)
                .count()
        };
        assert_eq!(count(HazardType::Flood, 3, None), 2);
        assert_eq!(count(HazardType::Flood, 4, None), 2);
        assert_eq!(count(HazardType::Landslide, 2, Some(SteepSlope)), 3);
        assert_eq!(count(HazardType::Landslide, 1, Some(DebrisFlow)), 2);
        assert_eq!(parsed.accepted[0].1.name, "筑川 洪水浸水想定区域(0.5m未満)");
        assert_eq!(
            parsed.accepted[0].1.area.0[0].interiors().len(),
            1,
            "the rank-1 band keeps its hole"
        );
    }

    #[test]
    fn a31a_depth_ranks_are_read_from_numbers_and_strings() {
        let text = collection(&[
            r#"{"A31a_202":"筑後川","A31a_205":2}"#,
            r#"{"A31a_205":"6"}"#,
            r#"{"A31a_205":7}"#,
            r#"{"A31a_201":"8"}"#,
            r#"{"A31a_205":"2.0","name":"名前つき"}"#,
        ]);
        let parsed = parse(&text, HazardKind::Flood);
        let got: Vec<_> = parsed
            .accepted
            .iter()
            .map(|(row, z)| (*row, z.hazard_type, z.level, z.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    1,
                    HazardType::Flood,
                    2,
                    "筑後川 洪水浸水想定区域（0.5m以上3.0m未満）"
                ),
                (2, HazardType::Flood, 6, "洪水浸水想定区域（20.0m以上）"),
                (5, HazardType::Flood, 2, "名前つき"),
            ]
        );
        assert_eq!(
            reasons(&parsed),
            [
                (
                    3,
                    "浸水深ランク「7」（A31a_205）は対応表にありません（使える値: 1, 2, 3, 4, 5, 6）"
                ),
                (4, "浸水深ランクがありません（A31a_205・level）"),
            ]
        );
    }

    #[test]
    fn a33_codes_give_class_and_phenomenon() {
        let text = collection(&[
            r#"{"A33_001":"2","A33_002":2,"A33_005":"大谷川"}"#,
            r#"{"A33_001":1,"A33_002":"4"}"#,
            r#"{"A33_001":9,"A33_002":1}"#,
            r#"{"A33_002":1}"#,
            r#"{"A33_001":1}"#,
            r#"{"hazard_type":"tsunami","level":1}"#,
        ]);
        let parsed = parse(&text, HazardKind::Landslide);
        let got: Vec<_> = parsed
            .accepted
            .iter()
            .map(|(row, z)| (*row, z.level, z.phenomenon, z.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, 2, Some(DebrisFlow), "大谷川 土石流 土砂災害特別警戒区域"),
                (
                    2,
                    2,
                    Some(SteepSlope),
                    "急傾斜地の崩壊 土砂災害特別警戒区域（指定前・基礎調査結果の公表）"
                ),
                (4, 1, None, "土砂災害警戒区域"),
            ]
        );
        let rejected = reasons(&parsed);
        assert_eq!(rejected[0].0, 3);
        assert!(
            rejected[0]
                .1
                .starts_with("現象の種類「9」（A33_001）は対応表にありません")
        );
        assert_eq!(rejected[1], (5, "区域区分がありません（A33_002・level）"));
        assert_eq!(
            rejected[2],
            (
                6,
                "hazard_type「tsunami」には対応していません（flood・landslide）"
            )
        );
    }

    #[test]
    fn a_chosen_property_and_an_extended_table_read_other_sources() {
        let text = collection(&[r#"{"RANK":"12","KIND":"がけ"}"#, r#"{"RANK":"11"}"#]);
        let mut table = HazardCodeTable::default();
        table
            .flood_levels
            .push(CodeEntry::new("11", 1, "0.5m未満（旧区分）"));
        table.flood_levels.push(CodeEntry::new("12", 9, "誤った行"));
        let opts = HazardOptions {
            level_property: Some("RANK".into()),
            ..HazardOptions::default()
        };
        let parsed = parse_hazards(&text, HazardKind::Flood, &opts, &table).unwrap();
        assert_eq!(parsed.accepted.len(), 1);
        assert_eq!(parsed.accepted[0].0, 2);
        assert_eq!(parsed.accepted[0].1.level, 1);
        assert_eq!(
            reasons(&parsed),
            [(
                1,
                "対応表で浸水深ランク「12」が9になっていますが、1〜6でなければなりません"
            )]
        );
    }

    #[test]
    fn describe_shows_properties_and_labels() {
        let described = HazardCodeTable::default().describe();
        assert_eq!(described["flood"]["level_properties"][0], "A31a_205");
        assert_eq!(described["flood"]["levels"][5]["label"], "20.0m以上");
        assert_eq!(described["landslide"]["level_properties"][0], "A33_002");
        assert_eq!(
            described["landslide"]["phenomena"][1]["phenomenon"],
            "debris_flow"
        );
        assert_eq!(described["landslide"]["phenomena"][1]["code"], "2");
    }

    #[test]
    fn geometry_problems_reject_the_row() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"A31a_205":1},"geometry":null},
            {"type":"Feature","properties":{"A31a_205":1},"geometry":{"type":"LineString","coordinates":[[130.5,33.3],[130.6,33.3]]}}
        ]}"#;
        let parsed = parse(text, HazardKind::Flood);
        assert!(parsed.accepted.is_empty());
        assert_eq!(parsed.rejected.len(), 2);
        assert!(parsed.rejected[1].reason.contains("LineString"));
    }
}
