//! Shelters from open data: 国土地理院 (GSI) CSV and GeoJSON, and the Digital Agency's
//! recommended dataset 指定緊急避難場所一覧 (CSV). Pure: text in, validated shelters and a
//! report out.
//!
//! Every row becomes a [`ShelterInput`] and is validated by [`ShelterData::parse`], so an
//! imported shelter obeys the same rules as one typed into the API.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{FormatError, Parsed, RowNote, features};
use crate::domain::ValidationErrors;
use crate::domain::codes::{HazardType, ShelterKind};
use crate::domain::shelter::{ShelterData, ShelterInput};

/// The shelter file formats read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShelterFormat {
    /// GSI CSV: 共通ID, 施設・場所名, 住所, hazard flags (emergency sites), 緯度, 経度, 備考.
    GsiCsv,
    /// GSI GeoJSON: the same properties on Point features.
    GsiGeoJson,
    /// Digital Agency CSV: 全国地方公共団体コード, ID, 名称, 住所, 緯度, 経度, 災害種別_…, 想定収容人数.
    DigitalAgencyCsv,
}

/// The eight hazard columns in GSI spelling; the Digital Agency prefixes them with `災害種別_`.
const HAZARD_COLUMNS: [(&str, HazardType); 8] = [
    ("洪水", HazardType::Flood),
    ("崖崩れ、土石流及び地滑り", HazardType::Landslide),
    ("高潮", HazardType::StormSurge),
    ("地震", HazardType::Earthquake),
    ("津波", HazardType::Tsunami),
    ("大規模な火事", HazardType::LargeFire),
    ("内水氾濫", HazardType::InlandFlood),
    ("火山現象", HazardType::Volcano),
];
/// Digital Agency address columns, tried in order; the parts are joined when neither whole
/// address is present.
const ADDRESS_COLUMNS: [&str; 2] = ["住所", "所在地_連結表記"];
const ADDRESS_PARTS: [&str; 4] = [
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
];
/// Japan's rough extent in degrees; a point outside is a typo or swapped columns.
const JAPAN_LAT: std::ops::RangeInclusive<f64> = 20.0..=46.0;
const JAPAN_LON: std::ops::RangeInclusive<f64> = 122.0..=154.0;

/// Guesses the format from the content: `{` is GeoJSON, a CSV header with `共通ID` is GSI, one
/// with `全国地方公共団体コード` or `災害種別_洪水` is the Digital Agency's.
/// `None` means none of these; report it as [`FormatError::UnknownFormat`].
///
/// ```
/// use sasaeai::exchange::shelters::{ShelterFormat, detect_shelter_format};
/// assert_eq!(detect_shelter_format("\u{feff}NO,共通ID,施設・場所名"), Some(ShelterFormat::GsiCsv));
/// assert_eq!(detect_shelter_format("name,lat,lon"), None);
/// ```
pub fn detect_shelter_format(text: &str) -> Option<ShelterFormat> {
    let text = text.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if text.starts_with('{') {
        return Some(ShelterFormat::GsiGeoJson);
    }
    let header = text.lines().next()?;
    if header.contains("共通ID") {
        Some(ShelterFormat::GsiCsv)
    } else if header.contains("全国地方公共団体コード") || header.contains("災害種別_洪水")
    {
        Some(ShelterFormat::DigitalAgencyCsv)
    } else {
        None
    }
}

/// Reads shelters.
///
/// A file with hazard columns lists emergency sites (kind `emergency_site`, hazards from the
/// flags `1`, `○`, `〇`, `TRUE`); any other file lists `default_kind`, or designated shelters
/// when it is `None`. A row is rejected when its id repeats an earlier row's, its coordinates are
/// missing, unreadable or outside Japan (lat 20–46, lon 122–154), or [`ShelterData::parse`]
/// refuses it. Blank CSV rows are skipped. A 全国地方公共団体コード that lost its leading zero
/// is repaired to six digits and reported in [`Parsed::notes`].
///
/// # Errors
/// [`FormatError`] when the text is not of `format` or a required column is missing.
pub fn parse_shelters(
    text: &str,
    format: ShelterFormat,
    default_kind: Option<ShelterKind>,
    today: NaiveDate,
) -> Result<Parsed<ShelterData>, FormatError> {
    let mut out = Collector {
        parsed: Parsed::default(),
        ids: HashSet::new(),
        default_kind,
        today,
    };
    match format {
        ShelterFormat::GsiGeoJson => read_geojson(text, &mut out)?,
        ShelterFormat::GsiCsv => read_csv(text, true, &mut out)?,
        ShelterFormat::DigitalAgencyCsv => read_csv(text, false, &mut out)?,
    }
    Ok(out.parsed)
}

fn read_geojson(text: &str, out: &mut Collector) -> Result<(), FormatError> {
    let features = features::read_collection(text)?;
    let emergency = features.iter().any(|f| {
        HAZARD_COLUMNS
            .iter()
            .any(|(column, _)| f.properties.contains_key(*column))
    });
    for f in features {
        let get = |name: &str| features::text(&f.properties, name);
        let raw = Raw {
            id: get("共通ID"),
            name: get("施設・場所名"),
            address: get("住所"),
            position: features::point(f.geometry.as_ref()).map(|(lon, lat)| (lat, lon)),
            hazards: HAZARD_COLUMNS
                .iter()
                .filter(|(column, _)| get(column).is_some_and(|v| flag(&v)))
                .map(|(_, hazard)| *hazard)
                .collect(),
            capacity: Ok(None),
            notes: get("備考"),
            municipality: None,
        };
        out.finish(f.row, raw, emergency);
    }
    Ok(())
}

/// Where each field is in a CSV file.
struct Layout {
    id: Option<usize>,
    name: usize,
    /// One whole-address column, or the parts to join.
    address: Vec<usize>,
    lat: usize,
    lon: usize,
    hazards: Vec<(usize, HazardType)>,
    capacity: Option<usize>,
    notes: Option<usize>,
    municipality: Option<usize>,
}

impl Layout {
    fn new(columns: &Columns, gsi: bool) -> Result<Self, FormatError> {
        let id = if gsi {
            Some(columns.require("共通ID")?)
        } else {
            columns.find("ID")
        };
        let name = columns.require(if gsi { "施設・場所名" } else { "名称" })?;
        let address: Vec<usize> = if gsi {
            vec![columns.require("住所")?]
        } else {
            match ADDRESS_COLUMNS.iter().find_map(|c| columns.find(c)) {
                Some(i) => vec![i],
                None => ADDRESS_PARTS
                    .iter()
                    .filter_map(|c| columns.find(c))
                    .collect(),
            }
        };
        if address.is_empty() {
            return Err(FormatError::MissingColumn("住所".to_owned()));
        }
        Ok(Self {
            id,
            name,
            address,
            lat: columns.require("緯度")?,
            lon: columns.require("経度")?,
            hazards: HAZARD_COLUMNS
                .iter()
                .filter_map(|(column, hazard)| {
                    columns
                        .find(column)
                        .or_else(|| columns.find(&format!("災害種別_{column}")))
                        .map(|i| (i, *hazard))
                })
                .collect(),
            capacity: columns.find("想定収容人数"),
            notes: columns.find("備考"),
            municipality: columns.find("全国地方公共団体コード"),
        })
    }

    fn raw(&self, record: &csv::StringRecord) -> Raw {
        let cell = |i: usize| {
            record
                .get(i)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let address: String = self.address.iter().filter_map(|i| cell(*i)).collect();
        Raw {
            id: self.id.and_then(cell),
            name: cell(self.name),
            address: Some(address).filter(|a| !a.is_empty()),
            position: position(cell(self.lat), cell(self.lon)),
            hazards: self
                .hazards
                .iter()
                .filter(|(i, _)| cell(*i).is_some_and(|v| flag(&v)))
                .map(|(_, hazard)| *hazard)
                .collect(),
            capacity: read_capacity(self.capacity.and_then(cell)),
            notes: self.notes.and_then(cell),
            municipality: self.municipality.and_then(cell),
        }
    }
}

fn read_csv(text: &str, gsi: bool, out: &mut Collector) -> Result<(), FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader
        .headers()
        .map_err(|e| FormatError::Csv(e.to_string()))?;
    let columns = Columns(header.iter().map(normalize_header).collect());
    if columns.0.iter().all(String::is_empty) {
        return Err(FormatError::NoHeader);
    }
    let layout = Layout::new(&columns, gsi)?;
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        match record {
            Err(e) => out
                .parsed
                .reject(row, None, format!("CSVの行を読めません: {e}")),
            // Excel leaves rows of empty cells below the data; they are not rows to report.
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Ok(record) => out.finish(row, layout.raw(&record), !layout.hazards.is_empty()),
        }
    }
    Ok(())
}

/// One source row before validation.
struct Raw {
    id: Option<String>,
    name: Option<String>,
    address: Option<String>,
    /// (latitude, longitude), or why there is none.
    position: Result<(f64, f64), String>,
    hazards: Vec<HazardType>,
    capacity: Result<Option<i64>, String>,
    notes: Option<String>,
    municipality: Option<String>,
}

struct Collector {
    parsed: Parsed<ShelterData>,
    ids: HashSet<String>,
    default_kind: Option<ShelterKind>,
    today: NaiveDate,
}

impl Collector {
    /// Validates one row of a file that lists emergency sites or not, and records the outcome.
    fn finish(&mut self, row: usize, raw: Raw, emergency: bool) {
        let kind = match (emergency, self.default_kind) {
            (true, _) => ShelterKind::EmergencySite,
            (false, kind) => kind.unwrap_or(ShelterKind::DesignatedShelter),
        };
        let key = raw.id.clone().or_else(|| raw.name.clone());
        let note = raw.municipality.as_deref().and_then(municipality_note);
        let result = self.validate(raw, kind);
        if let (Ok(_), Some(message)) = (&result, note) {
            self.parsed.notes.push(RowNote {
                row,
                key: key.clone(),
                message,
            });
        }
        self.parsed.push(row, key, result);
    }

    fn validate(&mut self, raw: Raw, kind: ShelterKind) -> Result<ShelterData, String> {
        if let Some(id) = &raw.id
            && !self.ids.insert(id.clone())
        {
            return Err(format!(
                "ID「{id}」が前の行と重複しています（後の行を取り込みません）"
            ));
        }
        let (lat, lon) = raw.position?;
        if !JAPAN_LAT.contains(&lat) || !JAPAN_LON.contains(&lon) {
            let swapped = JAPAN_LAT.contains(&lon) && JAPAN_LON.contains(&lat);
            return Err(format!(
                "緯度{lat}・経度{lon}は日本の範囲（緯度20〜46度、経度122〜154度）の外です{}",
                if swapped {
                    "（緯度と経度が入れ替わっているようです）"
                } else {
                    ""
                }
            ));
        }
        let input = ShelterInput {
            gsi_id: raw.id,
            name: raw.name,
            address: raw.address,
            latitude: Some(lat),
            longitude: Some(lon),
            kind: Some(kind.as_str().to_owned()),
            hazards: Some(raw.hazards.iter().map(|h| h.as_str().to_owned()).collect()),
            capacity: raw.capacity?,
            notes: raw.notes,
            ..ShelterInput::default()
        };
        ShelterData::parse(&input, self.today).map_err(|e| reason(&e))
    }
}

/// The validation errors as one Japanese sentence naming each field.
fn reason(errors: &ValidationErrors) -> String {
    let parts: Vec<String> = errors
        .errors()
        .iter()
        .map(|e| format!("{}: {}", field_label(&e.field), e.message))
        .collect();
    parts.join("／")
}

/// The Japanese name of a [`ShelterInput`] field (`hazards[0]` is 災害種別).
fn field_label(field: &str) -> &str {
    match field.split('[').next().unwrap_or(field) {
        "gsi_id" => "ID",
        "name" => "名称",
        "address" => "住所",
        "latitude" => "緯度",
        "longitude" => "経度",
        "kind" => "種別",
        "hazards" => "災害種別",
        "capacity" => "想定収容人数",
        "notes" => "備考",
        other => other,
    }
}

/// Header names compared without spaces, with the half-width middle dot and commas unified.
fn normalize_header(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '･' => '・',
            ',' | '，' => '、',
            other => other,
        })
        .collect()
}

struct Columns(Vec<String>);

impl Columns {
    fn find(&self, name: &str) -> Option<usize> {
        let name = normalize_header(name);
        self.0.iter().position(|c| *c == name)
    }

    fn require(&self, name: &str) -> Result<usize, FormatError> {
        self.find(name)
            .ok_or_else(|| FormatError::MissingColumn(name.to_owned()))
    }
}

/// A hazard flag as published: `1`, `○`, `〇`, `◯` or `TRUE`; anything else is not set.
fn flag(value: &str) -> bool {
    matches!(value.trim(), "1" | "１" | "○" | "〇" | "◯")
        || value.trim().eq_ignore_ascii_case("true")
}

/// Full-width digits, point and minus as ASCII, as Excel users type them.
fn half_width(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '．' => '.',
            '－' | '−' => '-',
            other => other,
        })
        .collect()
}

fn position(lat: Option<String>, lon: Option<String>) -> Result<(f64, f64), String> {
    let number = |value: &str, what: &str| {
        half_width(value)
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("{what}「{value}」を数値として読めません"))
    };
    match (lat, lon) {
        (Some(lat), Some(lon)) => Ok((number(&lat, "緯度")?, number(&lon, "経度")?)),
        (None, None) => Err("緯度・経度がありません".to_owned()),
        (None, Some(_)) => Err("緯度がありません".to_owned()),
        (Some(_), None) => Err("経度がありません".to_owned()),
    }
}

fn read_capacity(value: Option<String>) -> Result<Option<i64>, String> {
    let Some(value) = value else { return Ok(None) };
    let digits: String = half_width(&value)
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '人'))
        .collect();
    digits
        .parse::<i64>()
        .map(Some)
        .map_err(|_| format!("想定収容人数「{value}」を人数として読めません"))
}

/// Checks a 全国地方公共団体コード (five digits and a check digit) and says how it was
/// repaired, if it was: spreadsheets drop the leading zero (`12050` for `012050`) and some
/// lists give the five digits without the check digit (`40203` for `402036`).
fn municipality_note(raw: &str) -> Option<String> {
    let code = raw.trim();
    let check = |five: &str| -> Option<char> {
        let sum = five
            .chars()
            .zip([6, 5, 4, 3, 2])
            .map(|(c, w)| c.to_digit(10).map(|d| d * w))
            .sum::<Option<u32>>()?;
        char::from_digit((11 - sum % 11) % 10, 10)
    };
    let valid = |six: &str| six.len() == 6 && six.get(..5).and_then(check) == six.chars().last();
    if code.is_empty() || code.len() > 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!(
            "全国地方公共団体コード「{raw}」は6桁の数字ではありません"
        ));
    }
    if code.len() == 6 {
        return (!valid(code))
            .then(|| format!("全国地方公共団体コード「{code}」の検査数字が合いません"));
    }
    let padded = format!("{code:0>6}");
    if valid(&padded) {
        return Some(format!(
            "全国地方公共団体コード「{code}」は先頭の0が落ちていたため「{padded}」と読みました"
        ));
    }
    let five = format!("{code:0>5}");
    let digit = check(&five)?;
    Some(format!(
        "全国地方公共団体コード「{code}」は検査数字がないため「{five}{digit}」と読みました"
    ))
}

#[cfg(test)]
mod tests;
