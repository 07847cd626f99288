//! Tests of the shelter parsers on Kurume's real GSI files and the fixtures of
//! `geodata/fixtures/` (see its README for how they were made).

use super::*;
use crate::exchange::{Encoding, decode};
use HazardType::{Earthquake, Flood, InlandFlood, Landslide, LargeFire};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
}

fn read(path: &str) -> String {
    let bytes = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    decode(&bytes, None).unwrap()
}

/// A real Kurume file, decoded; `None` (the test skips) on a fresh clone.
fn kurume(file: &str) -> Option<String> {
    let path = crate::real_data::kurume(file)?;
    Some(decode(&std::fs::read(path).unwrap(), None).unwrap())
}

fn parse(text: &str) -> Parsed<ShelterData> {
    let format = detect_shelter_format(text).unwrap();
    parse_shelters(text, format, None, today()).unwrap()
}

fn rejected(parsed: &Parsed<ShelterData>) -> Vec<(usize, Option<&str>, &str)> {
    parsed
        .rejected
        .iter()
        .map(|r| (r.row, r.key.as_deref(), r.reason.as_str()))
        .collect()
}

#[test]
fn kurume_designated_shelters_are_142_designated_shelters() {
    let Some(text) = kurume("gsi-designated-shelters-402036.geojson") else {
        return;
    };
    assert_eq!(
        detect_shelter_format(&text),
        Some(ShelterFormat::GsiGeoJson)
    );
    let parsed = parse(&text);
    assert_eq!(rejected(&parsed), vec![]);
    assert_eq!(parsed.accepted.len(), 142);
    assert!(
        parsed
            .accepted
            .iter()
            .all(|(_, s)| s.kind == ShelterKind::DesignatedShelter
                && s.hazards.is_empty()
                && s.capacity.is_none()
                && s.is_open
                && s.notes.is_none())
    );
    let (row, first) = &parsed.accepted[0];
    assert_eq!(*row, 1);
    assert_eq!(first.gsi_id.as_deref(), Some("E4020300001111"));
    assert_eq!(first.name, "南部浄化センター");
    assert_eq!(first.address, "福岡県久留米市安武町住吉1900");
    assert_eq!(
        (first.location.lat(), first.location.lon()),
        (33.282252, 130.462355)
    );
}

#[test]
fn kurume_emergency_sites_are_11_landslide_sites() {
    let Some(text) = kurume("gsi-emergency-sites-402036.geojson") else {
        return;
    };
    let parsed = parse(&text);
    assert_eq!(rejected(&parsed), vec![]);
    assert_eq!(parsed.accepted.len(), 11);
    for (_, site) in &parsed.accepted {
        assert_eq!(site.kind, ShelterKind::EmergencySite);
        assert_eq!(site.hazards, [Landslide], "{}", site.name);
    }
}

#[test]
fn a_default_kind_applies_to_files_without_hazard_columns_only() {
    let Some(text) = kurume("gsi-designated-shelters-402036.geojson") else {
        return;
    };
    let welfare = Some(ShelterKind::WelfareShelter);
    let parsed = parse_shelters(&text, ShelterFormat::GsiGeoJson, welfare, today()).unwrap();
    assert!(
        parsed
            .accepted
            .iter()
            .all(|(_, s)| s.kind == ShelterKind::WelfareShelter && !s.is_open)
    );
    let Some(text) = kurume("gsi-emergency-sites-402036.geojson") else {
        return;
    };
    let parsed = parse_shelters(&text, ShelterFormat::GsiGeoJson, welfare, today()).unwrap();
    assert!(
        parsed
            .accepted
            .iter()
            .all(|(_, s)| s.kind == ShelterKind::EmergencySite)
    );
}

#[test]
fn gsi_designated_geojson_fixture_reads_japanese_properties_without_hazards() {
    let text = read("geodata/fixtures/gsi-designated-shelters-sample.geojson");
    assert_eq!(
        detect_shelter_format(&text),
        Some(ShelterFormat::GsiGeoJson)
    );
    let parsed = parse(&text);
    assert_eq!(rejected(&parsed), vec![]);
    let names: Vec<_> = parsed
        .accepted
        .iter()
        .map(|(_, s)| s.name.as_str())
        .collect();
    assert_eq!(names, ["外輪小学校 体育館", "中島公民館", "西岸小学校"]);
    assert!(parsed.accepted.iter().all(|(_, s)| {
        s.kind == ShelterKind::DesignatedShelter && s.hazards.is_empty() && s.capacity.is_none()
    }));
    let (_, first) = &parsed.accepted[0];
    assert_eq!(first.gsi_id.as_deref(), Some("E4099900101001"));
    assert_eq!(first.address, "福岡県ひばり野市外輪1-1");
    assert_eq!(
        (first.location.lat(), first.location.lon()),
        (33.302, 130.642)
    );
    // With a BOM in front, as some tools save GeoJSON, the file reads the same.
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(parse(&with_bom).accepted, parsed.accepted);
}

#[test]
fn a_default_kind_applies_to_the_fixture_without_hazard_columns_only() {
    let welfare = Some(ShelterKind::WelfareShelter);
    let text = read("geodata/fixtures/gsi-designated-shelters-sample.geojson");
    let parsed = parse_shelters(&text, ShelterFormat::GsiGeoJson, welfare, today()).unwrap();
    assert_eq!(parsed.accepted.len(), 3);
    assert!(
        parsed
            .accepted
            .iter()
            .all(|(_, s)| s.kind == ShelterKind::WelfareShelter && !s.is_open)
    );
    let text = read("geodata/fixtures/gsi-emergency-sites-sample.geojson");
    let parsed = parse_shelters(&text, ShelterFormat::GsiGeoJson, welfare, today()).unwrap();
    assert_eq!(parsed.accepted.len(), 2);
    for (_, site) in &parsed.accepted {
        assert_eq!(site.kind, ShelterKind::EmergencySite);
        assert_eq!(site.hazards, [Landslide], "{}", site.name);
    }
}

#[test]
fn gsi_csv_with_bom_and_crlf_is_reported_row_by_row() {
    let text = read("geodata/fixtures/gsi-emergency-sites-sample.csv");
    assert_eq!(detect_shelter_format(&text), Some(ShelterFormat::GsiCsv));
    let parsed = parse(&text);
    let accepted: Vec<_> = parsed
        .accepted
        .iter()
        .map(|(row, s)| {
            (
                *row,
                s.gsi_id.as_deref(),
                s.name.as_str(),
                s.hazards.clone(),
            )
        })
        .collect();
    assert_eq!(
        accepted,
        [
            (
                1,
                Some("E4099900001001"),
                "西ヶ丘小学校 グラウンド",
                vec![Flood, Earthquake, LargeFire, InlandFlood]
            ),
            (
                4,
                Some("E4099900003001"),
                "本町公園（東側, 芝生広場）",
                vec![Earthquake, LargeFire]
            ),
        ]
    );
    let (_, park) = &parsed.accepted[1];
    assert_eq!(park.kind, ShelterKind::EmergencySite);
    assert_eq!(park.notes.as_deref(), Some("駐車場なし"));
    assert_eq!(
        (park.location.lat(), park.location.lon()),
        (33.310422, 130.508871)
    );
    assert_eq!(
        rejected(&parsed),
        [
            (2, Some("E4099900002001"), "緯度・経度がありません"),
            (
                3,
                Some("E4099900001001"),
                "ID「E4099900001001」が前の行と重複しています（後の行を取り込みません）"
            ),
            (
                5,
                Some("E4099900004001"),
                "災害種別: 指定緊急避難場所は対象とする災害の種類を1つ以上選んでください"
            ),
            (
                6,
                Some("E4099900005001"),
                "緯度130.531・経度33.309は日本の範囲（緯度20〜46度、経度122〜154度）の外です（緯度と経度が入れ替わっているようです）"
            ),
        ]
    );
    assert_eq!(parsed.notes, vec![]);
}

#[test]
fn digital_agency_csv_in_cp932_is_normalised_and_reported() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/fixtures/da-emergency-sites-sample-cp932.csv"
    ))
    .unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is CP932");
    let text = decode(&bytes, None).unwrap();
    assert_eq!(text, decode(&bytes, Some(Encoding::ShiftJis)).unwrap());
    assert_eq!(
        detect_shelter_format(&text),
        Some(ShelterFormat::DigitalAgencyCsv)
    );
    let parsed = parse(&text);
    let accepted: Vec<_> = parsed
        .accepted
        .iter()
        .map(|(row, s)| {
            (
                *row,
                s.gsi_id.as_deref(),
                s.name.as_str(),
                s.hazards.clone(),
                s.capacity,
            )
        })
        .collect();
    assert_eq!(
        accepted,
        [
            (
                1,
                Some("0001"),
                "ひばり野市役所",
                vec![Flood, Earthquake],
                Some(300)
            ),
            (
                2,
                Some("0002"),
                "桜台公民館",
                vec![Earthquake, LargeFire],
                Some(1200)
            ),
            (
                3,
                Some("0003"),
                "若葉中学校",
                vec![Earthquake, InlandFlood],
                None
            ),
        ]
    );
    assert!(
        parsed
            .accepted
            .iter()
            .all(|(_, s)| s.kind == ShelterKind::EmergencySite)
    );
    assert_eq!(parsed.accepted[0].1.address, "福岡県ひばり野市本町1-1");
    assert_eq!(
        rejected(&parsed),
        [
            (4, Some("0004"), "緯度「北緯33度」を数値として読めません"),
            (
                5,
                Some("0005"),
                "災害種別: 指定緊急避難場所は対象とする災害の種類を1つ以上選んでください"
            ),
        ]
    );
    let notes: Vec<_> = parsed
        .notes
        .iter()
        .map(|n| (n.row, n.message.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                2,
                "全国地方公共団体コード「12050」は先頭の0が落ちていたため「012050」と読みました"
            ),
            (
                3,
                "全国地方公共団体コード「40999」は検査数字がないため「409995」と読みました"
            ),
        ]
    );
}

#[test]
fn digital_agency_address_parts_are_joined() {
    let text = "全国地方公共団体コード,ID,名称,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,緯度,経度\n\
                402036,1,市役所,福岡県,久留米市,城南町,15-3,33.319,130.508\n";
    let parsed = parse(text);
    assert_eq!(parsed.accepted[0].1.address, "福岡県久留米市城南町15-3");
    assert_eq!(parsed.accepted[0].1.kind, ShelterKind::DesignatedShelter);
    assert_eq!(parsed.notes, vec![]);
}

#[test]
fn a_csv_without_the_latitude_column_names_it() {
    let text = "NO,共通ID,施設・場所名,住所,経度\n1,E1,公民館,久留米市,130.5\n";
    let error = parse_shelters(text, ShelterFormat::GsiCsv, None, today()).unwrap_err();
    assert_eq!(error, FormatError::MissingColumn("緯度".to_owned()));
    assert_eq!(error.to_string(), "必要な列「緯度」がありません");
    let text = "全国地方公共団体コード,名称,緯度,経度\n";
    assert_eq!(
        parse_shelters(text, ShelterFormat::DigitalAgencyCsv, None, today()).unwrap_err(),
        FormatError::MissingColumn("住所".to_owned())
    );
}

#[test]
fn junk_and_wrong_formats_are_errors_not_panics() {
    let junk: Vec<u8> = (0u32..2048).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(decode(&junk, None).is_err());
    let lossy = String::from_utf8_lossy(&junk);
    assert_eq!(detect_shelter_format(&lossy), None);
    for format in [
        ShelterFormat::GsiCsv,
        ShelterFormat::GsiGeoJson,
        ShelterFormat::DigitalAgencyCsv,
    ] {
        assert!(parse_shelters(&lossy, format, None, today()).is_err());
        assert!(parse_shelters("", format, None, today()).is_err());
    }
    assert_eq!(
        parse_shelters("", ShelterFormat::GsiCsv, None, today()).unwrap_err(),
        FormatError::NoHeader
    );
    assert!(matches!(
        parse_shelters(
            "{\"type\":\"FeatureCollection\"",
            ShelterFormat::GsiGeoJson,
            None,
            today()
        ),
        Err(FormatError::Json { .. })
    ));
}

#[test]
fn ragged_and_blank_csv_rows_do_not_panic() {
    let text = "共通ID,施設・場所名,住所,緯度,経度\r\n\
                E1,公民館\r\n\
                ,,,,\r\n\
                E2,\"集会所\",久留米市,３３．３,１３０．５,extra,cells\r\n\
                E3,広場,久留米市,33.3,130.5\r\n";
    let parsed = parse(text);
    assert_eq!(
        rejected(&parsed),
        [(1, Some("E1"), "緯度・経度がありません")]
    );
    let rows: Vec<_> = parsed
        .accepted
        .iter()
        .map(|(row, s)| (*row, s.location.lat()))
        .collect();
    assert_eq!(
        rows,
        [(3, 33.3), (4, 33.3)],
        "the blank row keeps its number"
    );
}

#[test]
fn geojson_rows_without_a_point_or_a_name_are_rejected() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"共通ID":"E1","施設・場所名":"公民館","住所":"久留米市"},"geometry":null},
        {"type":"Feature","properties":{"共通ID":"E2","住所":"久留米市"},"geometry":{"type":"Point","coordinates":[130.5,33.3]}},
        {"type":"Feature","properties":{"共通ID":"E3","施設・場所名":"広場","住所":"久留米市"},"geometry":{"type":"Point","coordinates":[10.5,33.3]}},
        {"type":"Feature","properties":{"共通ID":"E4","施設・場所名":"体育館","住所":" "},"geometry":{"type":"Point","coordinates":[130.5,33.3]}}
    ]}"#;
    let parsed = parse(text);
    assert!(parsed.accepted.is_empty());
    let got = rejected(&parsed);
    assert_eq!(got[0], (1, Some("E1"), "ジオメトリ（位置）がありません"));
    assert_eq!(got[1], (2, Some("E2"), "名称: 必須項目です"));
    assert!(got[2].2.contains("日本の範囲"), "{}", got[2].2);
    assert_eq!(got[3], (4, Some("E4"), "住所: 必須項目です"));
}

#[test]
fn municipality_codes_are_checked() {
    assert_eq!(municipality_note("402036"), None);
    assert_eq!(
        municipality_note("131041"),
        None,
        "remainder 0 gives check digit 1"
    );
    assert!(
        municipality_note("402035")
            .unwrap()
            .contains("検査数字が合いません")
    );
    assert!(municipality_note("1205").unwrap().contains("「012050」"));
    assert!(
        municipality_note("40-203")
            .unwrap()
            .contains("6桁の数字ではありません")
    );
}
