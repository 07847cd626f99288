//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`, run with
//! `cargo +nightly fuzz run TARGET`) and the corpus replay test (`tests/fuzz_corpora.rs`, run
//! by `cargo test` on stable).
//!
//! Each function takes arbitrary bytes and drives one input path the way the services do: the
//! CSV register import, era dates, the GeoJSON district and hazard importers, the shelter
//! readers and the JSON request bodies. Bad input must come back as an error, never as a panic,
//! a hang or unbounded memory; on top of that each function asserts cheap invariants that the
//! code promises (an export reads back as the record it was written from, an era date prints
//! and reads back as itself, a prepared area answers as geo does). A panic here is a finding.
//!
//! `today` is fixed ([`today`]) so that a run replays exactly. Depends on `exchange`, `domain`,
//! `services::input` and `spatial`'s pure parts only: nothing here opens a database.

use chrono::{Datelike, NaiveDate};
use geo::{Contains, CoordsIter, MultiPolygon, Point};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::domain::ValidationErrors;
use crate::domain::access::IncidentInput;
use crate::domain::consent::{ConsentData, ConsentInput};
use crate::domain::era::{parse_date, wareki};
use crate::domain::plan::{Plan, PlanData, PlanInput};
use crate::domain::registrant::{
    Registrant, RegistrantData, RegistrantInput, StatusChange, StatusChangeInput,
};
use crate::domain::shelter::{Shelter, ShelterData, ShelterInput};
use crate::domain::supporter::{Supporter, SupporterData, SupporterInput};
use crate::domain::volunteer::{
    GroupData, GroupInput, HelpRequestData, HelpRequestInput, VolunteerData, VolunteerInput,
};
use crate::exchange::districts::{DistrictOptions, parse_districts};
use crate::exchange::hazards::{HazardCodeTable, HazardKind, HazardOptions, parse_hazards};
use crate::exchange::registrants::{
    MAX_LINE_BYTES, RegistrantRows, Table, build, build_with, check_line_length, read_rows,
    read_table, write_csv, write_supporters_csv,
};
use crate::exchange::shelters::{ShelterFormat, detect_shelter_format, parse_shelters};
use crate::exchange::{Encoding, decode, excel_safe, excel_unguard};
use crate::services::input::{apply_patch, from_json, merge_patch};
use crate::services::nearby::parse_area;
use crate::spatial::PreparedArea;

/// The fixed date every target validates against: 2026-12-01.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

/// The register CSV import (`services::exchange::import_registrants` and
/// `import_supporters`): line-length check, decoding, both tables, and every row built on its
/// own and over a stored record. An accepted row exported with `write_csv` (UTF-8 and CP932)
/// reads back as the same record, and every cell survives the formula guard.
pub fn csv(data: &[u8]) {
    match check_line_length(data) {
        Ok(()) => assert!(
            data.split(|b| *b == b'\n')
                .all(|line| line.len() <= MAX_LINE_BYTES + 1),
            "check_line_length let a line over the limit through"
        ),
        // The service refuses the file here.
        Err(_) => {
            assert!(
                data.split(|b| *b == b'\n')
                    .any(|line| line.len() > MAX_LINE_BYTES),
                "check_line_length refused a file without a long line"
            );
            return;
        }
    }
    for encoding in [Some(Encoding::Utf8), Some(Encoding::ShiftJis)] {
        let _ = decode(data, encoding);
    }
    let Ok(text) = decode(data, None) else { return };
    for line in text.lines().take(64) {
        for cell in line.split(',').take(64) {
            assert_eq!(excel_unguard(&excel_safe(cell)), cell, "formula guard");
        }
    }
    if let Ok(rows) = read_rows(&text) {
        let base = base_registrant();
        for row in &rows.rows {
            if let Ok(record) = build(&rows, row, None, today()) {
                registrant_reads_back(&record);
            }
            if let Some(base) = &base {
                let _ = build(&rows, row, Some(base), today());
            }
        }
    }
    if let Ok(rows) = read_table(&text, Table::Supporters) {
        let base = base_supporter();
        for row in &rows.rows {
            if let Ok(record) = build_supporter(&rows, row, None) {
                supporter_reads_back(&record);
            }
            if let Some(base) = &base {
                let _ = build_supporter(&rows, row, Some(base));
            }
        }
    }
}

fn build_supporter(
    rows: &RegistrantRows,
    row: &crate::exchange::registrants::RowInput,
    base: Option<&SupporterData>,
) -> Result<SupporterData, Vec<crate::exchange::registrants::CellError>> {
    build_with(rows, row, base, |input: &SupporterInput| {
        SupporterData::parse(input, today())
    })
}

/// README, "CSV exchange": importing an export back reports every row unchanged.
fn registrant_reads_back(record: &RegistrantData) {
    for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
        let Ok(bytes) = write_csv(&[(1, record)], encoding) else {
            assert_eq!(encoding, Encoding::ShiftJis, "UTF-8 can write anything");
            continue;
        };
        let text = decode(&bytes, Some(encoding));
        let rows = text.as_deref().map(read_rows);
        let Ok(Ok(rows)) = rows else {
            panic!("an export does not read back: {rows:?}");
        };
        let [row] = rows.rows.as_slice() else {
            panic!(
                "an export of one record reads back as {} rows",
                rows.rows.len()
            );
        };
        let again = build(&rows, row, None, today());
        assert_eq!(again.as_ref(), Ok(record), "{encoding:?} export round trip");
    }
}

fn supporter_reads_back(record: &SupporterData) {
    for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
        let Ok(bytes) = write_supporters_csv(&[(1, record)], encoding) else {
            assert_eq!(encoding, Encoding::ShiftJis, "UTF-8 can write anything");
            continue;
        };
        let text = decode(&bytes, Some(encoding));
        let rows = text.as_deref().map(|t| read_table(t, Table::Supporters));
        let Ok(Ok(rows)) = rows else {
            panic!("a supporter export does not read back: {rows:?}");
        };
        let [row] = rows.rows.as_slice() else {
            panic!(
                "an export of one supporter reads back as {} rows",
                rows.rows.len()
            );
        };
        let again = build_supporter(&rows, row, None);
        assert_eq!(
            again.as_ref(),
            Ok(record),
            "{encoding:?} supporter round trip"
        );
    }
}

/// Era dates as the CSV import and the forms read them. A date read prints in the era form
/// and reads back from it (from 明治 on), from the ISO form and from the Latin abbreviation.
pub fn era_date(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(date) = parse_date(text) else { return };
    let printed = wareki(date);
    let meiji = NaiveDate::from_ymd_opt(1868, 10, 23).unwrap_or(date);
    if date >= meiji {
        assert_eq!(parse_date(&printed), Ok(date), "{text:?} -> {printed}");
        if let Some(rest) = printed.get(6..) {
            // 令和8年4月1日 -> R8.4.1 (元 as 1).
            let letter = match printed.get(..6) {
                Some("明治") => 'M',
                Some("大正") => 'T',
                Some("昭和") => 'S',
                Some("平成") => 'H',
                _ => 'R',
            };
            let short: String = rest
                .replace('元', "1")
                .replace(['年', '月'], ".")
                .replace('日', "");
            assert_eq!(
                parse_date(&format!("{letter}{short}")),
                Ok(date),
                "{text:?} -> {letter}{short}"
            );
        }
    }
    // `%Y` writes years past 9999 with a sign (令和9999年 is +12017), which no form reads.
    if (1..=9999).contains(&date.year()) {
        let iso = date.format("%Y-%m-%d").to_string();
        assert_eq!(parse_date(&iso), Ok(date), "{text:?} -> {iso}");
    }
}

/// The district import (`services::imports::import`, districts): decoding and
/// `parse_districts` with the default properties and with chosen ones. Accepted districts
/// have unique codes and a non-empty boundary of coordinates in range.
pub fn districts(data: &[u8]) {
    let Ok(text) = decode(data, None) else { return };
    let chosen = DistrictOptions {
        name_property: Some("name".to_owned()),
        code_property: Some("code".to_owned()),
    };
    for opts in [DistrictOptions::default(), chosen] {
        let Ok(parsed) = parse_districts(&text, &opts) else {
            continue;
        };
        let mut codes = std::collections::HashSet::new();
        for (_, district) in &parsed.accepted {
            assert!(codes.insert(district.code.as_str()), "code repeated");
            assert!(!district.name.trim().is_empty(), "empty name");
            area_in_range(&district.boundary);
        }
    }
}

/// The hazard import: `parse_hazards` as flood and as landslide with the default code table.
pub fn hazards(data: &[u8]) {
    let Ok(text) = decode(data, None) else { return };
    let table = HazardCodeTable::default();
    for kind in [HazardKind::Flood, HazardKind::Landslide] {
        let Ok(parsed) = parse_hazards(&text, kind, &HazardOptions::default(), &table) else {
            continue;
        };
        for (_, zone) in &parsed.accepted {
            assert!((1..=6).contains(&zone.level), "level {}", zone.level);
            area_in_range(&zone.area);
        }
    }
}

fn area_in_range(area: &MultiPolygon<f64>) {
    assert!(!area.0.is_empty(), "empty area accepted");
    for c in area.coords_iter() {
        assert!(
            (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y),
            "coordinate out of range: {c:?}"
        );
    }
}

/// The shelter import: format detection, then each of the three formats (GSI GeoJSON, GSI CSV,
/// Digital Agency CSV) on the same text. Accepted shelters lie in Japan and have unique GSI ids.
pub fn shelters(data: &[u8]) {
    let Ok(text) = decode(data, None) else { return };
    let detected = detect_shelter_format(&text);
    for format in [
        ShelterFormat::GsiGeoJson,
        ShelterFormat::GsiCsv,
        ShelterFormat::DigitalAgencyCsv,
    ] {
        let Ok(parsed) = parse_shelters(&text, format, None, today()) else {
            continue;
        };
        if detected == Some(format) {
            let mut ids = std::collections::HashSet::new();
            for (_, shelter) in &parsed.accepted {
                if let Some(id) = &shelter.gsi_id {
                    assert!(ids.insert(id.as_str()), "GSI id {id} repeated");
                }
                let (lat, lon) = (shelter.location.lat(), shelter.location.lon());
                assert!(
                    (20.0..=46.0).contains(&lat) && (122.0..=154.0).contains(&lon),
                    "shelter outside Japan: {lat}, {lon}"
                );
            }
        }
    }
}

/// The JSON request bodies: the bytes as JSON (as `http::extract::JsonBody`), then as every
/// input type through `from_json` and its domain `parse`, and as a merge patch over a stored
/// record (`apply_patch`, as `services::records::prepare_patch`). A record that parses gives
/// itself back when patched with `{}`; merge patches are idempotent; an incident area prepared
/// for point tests answers as geo's `Contains` at its own vertices and around them.
pub fn json_bodies(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let today = today();
    record::<RegistrantInput, _>(&value, Registrant::SERVER_FIELDS, |i| {
        RegistrantData::parse(i, today)
    });
    if let Some(base) = base_registrant() {
        patch::<RegistrantInput, _>(&base, &value, Registrant::SERVER_FIELDS, |i| {
            RegistrantData::parse(i, today)
        });
    }
    record::<SupporterInput, _>(&value, Supporter::SERVER_FIELDS, |i| {
        SupporterData::parse(i, today)
    });
    if let Some(base) = base_supporter() {
        patch::<SupporterInput, _>(&base, &value, Supporter::SERVER_FIELDS, |i| {
            SupporterData::parse(i, today)
        });
    }
    record::<ShelterInput, _>(&value, Shelter::SERVER_FIELDS, |i| {
        ShelterData::parse(i, today)
    });
    record::<PlanInput, _>(&value, Plan::SERVER_FIELDS, |i| PlanData::parse(i, today));
    if let Ok(input) = from_json::<HelpRequestInput>(value.clone()) {
        let _ = HelpRequestData::parse(&input);
    }
    if let Ok(input) = from_json::<VolunteerInput>(value.clone()) {
        let _ = VolunteerData::parse(&input, today, true);
        let _ = VolunteerData::parse(&input, today, false);
    }
    if let Ok(input) = from_json::<GroupInput>(value.clone()) {
        let _ = GroupData::parse(&input, today, true);
    }
    if let Ok(input) = from_json::<ConsentInput>(value.clone()) {
        let _ = ConsentData::parse(&input, today);
    }
    if let Ok(input) = from_json::<StatusChangeInput>(value.clone()) {
        let _ = StatusChange::parse(&input, today);
    }
    if let Ok(input) = from_json::<IncidentInput>(value.clone())
        && let Some(area) = &input.area
    {
        prepared_area_agrees(area);
    }
    prepared_area_agrees(&value);
}

/// `from_json` then `parse`; a record that parses reads back from its own JSON form.
fn record<I, D>(
    value: &Value,
    server_fields: &[&str],
    parse: impl Fn(&I) -> Result<D, ValidationErrors>,
) where
    I: DeserializeOwned,
    D: Serialize + PartialEq + std::fmt::Debug,
{
    let Ok(input) = from_json::<I>(value.clone()) else {
        return;
    };
    let Ok(data) = parse(&input) else { return };
    match apply_patch::<D, I>(&data, &json!({}), server_fields) {
        Ok((input, fields)) => {
            assert!(fields.is_empty(), "an empty patch changed {fields:?}");
            assert_eq!(parse(&input).as_ref(), Ok(&data), "JSON round trip");
        }
        Err(e) => panic!("a parsed record does not read back from its JSON: {e:?}"),
    }
}

/// `value` as a merge patch over `base`; merging it twice is merging it once.
fn patch<I, D>(
    base: &D,
    value: &Value,
    server_fields: &[&str],
    parse: impl Fn(&I) -> Result<D, ValidationErrors>,
) where
    I: DeserializeOwned,
    D: Serialize,
{
    if let Ok((input, _)) = apply_patch::<D, I>(base, value, server_fields) {
        let _ = parse(&input);
    }
    let mut once = serde_json::to_value(base).unwrap_or(Value::Null);
    merge_patch(&mut once, value);
    let mut twice = once.clone();
    merge_patch(&mut twice, value);
    assert_eq!(once, twice, "merge patch is not idempotent");
}

/// An area body: `parse_area`, then [`PreparedArea`] against geo at a few points derived from
/// the area's own vertices (on them, between them and just beside them), where disagreements
/// would hide.
///
/// Only for valid (OGC) areas of at most 256 vertices: geo's validity check is quadratic. On
/// invalid ones the two are known to disagree: where a self-intersecting polygon overlaps
/// another, the winding numbers PreparedArea sums over the polygons can cancel (see the
/// ignored test in `spatial::area`); that is open, not hidden here.
fn prepared_area_agrees(value: &Value) {
    let Ok(area) = parse_area(value) else { return };
    let vertices: Vec<_> = area.coords_iter().take(257).collect();
    if vertices.len() > 256 || !geo::Validation::is_valid(&area) {
        return;
    }
    let prepared = PreparedArea::new(&area);
    let mut probes = Vec::new();
    for pair in vertices.windows(2).take(64) {
        let (a, b) = (pair[0], pair[1]);
        probes.push(a);
        probes.push((a + b) / 2.0);
        probes.push(geo::Coord {
            x: a.x + (b.x - a.x) * 0.25 + 1e-9,
            y: a.y + (b.y - a.y) * 0.25 - 1e-9,
        });
    }
    for c in probes {
        let point = Point(c);
        assert_eq!(
            prepared.contains(&point),
            area.contains(&point),
            "PreparedArea and geo disagree at {c:?}"
        );
    }
}

/// A stored registrant that rows and patches are laid over.
fn base_registrant() -> Option<RegistrantData> {
    let input: RegistrantInput = from_json(json!({
        "name": "久留米 花子", "name_kana": "くるめ はなこ", "birth_date": "1950-04-01",
        "sex": "female", "address": "福岡県久留米市城南町15-3", "phone": "0942-30-9000",
        "support_reasons": ["elderly_only_household"], "latitude": 33.319, "longitude": 130.508,
        "external_id": "1001", "household": "alone", "care_level": 2,
        "emergency_contacts": [{"name": "久留米 一郎", "relation": "長男", "phone": "090-1234-5678"}]
    }))
    .ok()?;
    RegistrantData::parse(&input, today()).ok()
}

/// A stored supporter that rows and patches are laid over.
fn base_supporter() -> Option<SupporterData> {
    let input: SupporterInput = from_json(json!({
        "name": "筑後 次郎", "phone": "0942-30-9001", "address": "福岡県久留米市城南町16-1",
        "latitude": 33.32, "longitude": 130.509, "kind": "neighbour", "capacity": 2,
        "consent_given": true, "consent_date": "2026-04-01", "external_id": "S-1"
    }))
    .ok()?;
    SupporterData::parse(&input, today()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_records_are_valid() {
        assert!(base_registrant().is_some());
        assert!(base_supporter().is_some());
    }

    #[test]
    fn empty_and_junk_inputs_pass_every_target() {
        for data in [&b""[..], b"\xff\xfe\0", b"{}", b"[]", b"null", b"\"x\""] {
            csv(data);
            era_date(data);
            districts(data);
            hazards(data);
            shelters(data);
            json_bodies(data);
        }
    }
}
