//! Registrant CSV exchange over HTTP: dry runs that report every row, all-or-nothing applies,
//! round trips through both encodings, Excel and CP932 files, malformed files that write
//! nothing, and duplicates flagged for review.

mod common;

use common::{TestServer, registrant};
use serde_json::{Value, json};

const HEADER: &str =
    "宛名番号,氏名,フリガナ,生年月日,性別,住所,電話番号,避難支援を要する理由,緯度,経度";

fn import(server: &TestServer, query: &str, body: &[u8]) -> common::Resp {
    server.send(
        "POST",
        &format!("/api/v1/imports/registrants{query}"),
        "application/octet-stream",
        body,
        None,
    )
}

fn sjis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "test text must be CP932");
    bytes.into_owned()
}

fn outcomes(report: &Value) -> Vec<String> {
    report["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| r["outcome"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn seed(server: &TestServer, external_id: &str, name: &str) -> Value {
    let mut body = registrant();
    body["external_id"] = json!(external_id);
    body["name"] = json!(name);
    let created = server.post("/api/v1/registrants", &body);
    assert_eq!(created.status, 201, "{}", created.text);
    created.json
}

#[test]
fn cp932_file_with_variant_kanji_circled_digits_and_half_width_kana_is_dry_run_then_applied() {
    let server = TestServer::start().with_districts();
    let text = format!(
        "{HEADER}\r\n\
         1001,髙﨑　①子,ﾀｶｻｷ ﾏﾙｺ,昭和25年4月1日,女,ひばり野市本町１－２,０９４２－００－１１１１,要介護認定、65歳以上のみの世帯,33.31,130.50\r\n\
         1002,山田 太郎,やまだ たろう,S10.1.2,男性,ひばり野市本町3,,elderly_only_household;care_level,,\r\n"
    );
    let body = sjis(&text);

    let dry = import(&server, "", &body);
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(outcomes(&dry.json), ["created", "created"]);
    assert_eq!(dry.json["applied"], json!(false));
    assert_eq!(
        server.all_registrants(),
        json!([]),
        "a dry run writes nothing"
    );

    let applied = import(&server, "?dry_run=false&encoding=shift_jis", &body);
    assert_eq!(applied.status, 200, "{}", applied.text);
    assert_eq!(applied.json["applied"], json!(true));
    assert_eq!(applied.json["created"], json!(2));
    let id = applied.json["rows"][0]["id"]
        .as_i64()
        .expect("id of created row");
    let stored = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(stored.json["name"], json!("髙﨑 ①子"));
    assert_eq!(stored.json["name_kana"], json!("タカサキ マルコ"));
    assert_eq!(stored.json["birth_date"], json!("1950-04-01"));
    assert_eq!(stored.json["phone"], json!("0942-00-1111"));
    assert!(
        stored.json["district_id"].is_i64(),
        "placed in its district"
    );
    let history = server.get(&format!("/api/v1/registrants/{id}/history"));
    assert_eq!(
        history.json["items"][0]["action"],
        json!("created"),
        "{}",
        history.text
    );

    let again = import(&server, "?dry_run=false", &body);
    assert_eq!(outcomes(&again.json), ["unchanged", "unchanged"]);
}

#[test]
fn excel_file_with_bom_crlf_and_quoted_newlines_updates_by_external_id_into_the_history() {
    let server = TestServer::start();
    let seeded = seed(&server, "E-1", "久留米 花子");
    let id = seeded["id"].as_i64().expect("id");
    let text = "\u{feff}宛名番号,氏名,支援者への伝達事項,列外のメモ\r\nE-1,久留米 花子,\"夜間は\r\n玄関の鍵を開けておく\",x\r\n";
    let report = import(&server, "?dry_run=false", text.as_bytes());
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(outcomes(&report.json), ["updated"], "{}", report.text);
    assert_eq!(report.json["rows"][0]["id"], json!(id));
    assert_eq!(report.json["ignored_columns"], json!(["列外のメモ"]));
    let stored = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(stored.json["version"], json!(2));
    assert_eq!(
        stored.json["care_level"],
        json!(3),
        "columns not in the file are kept"
    );
    assert!(
        stored.json["notes"]
            .as_str()
            .is_some_and(|n| n.contains("玄関"))
    );
    let history = server.get(&format!("/api/v1/registrants/{id}/history"));
    let entries = history.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(entries.len(), 2, "{}", history.text);
    assert_eq!(entries[1]["action"], json!("updated"));
    assert_eq!(entries[1]["changed_fields"], json!(["notes"]));
}

#[test]
fn a_file_with_one_bad_row_applies_nothing_and_names_the_column() {
    let server = TestServer::start();
    let text = format!(
        "{HEADER}\n2001,良い 行,,1950-01-01,女,市内,,その他,,\n2002,悪い 行,,1950-02-30,女,市内,,要介護認定,,\n2003,良い 行二,,1950-01-01,女,市内,,要介護認定,,\n"
    );
    let report = import(&server, "?dry_run=false", text.as_bytes());
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report.json["applied"], json!(false));
    assert!(
        report.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("どの行も登録していません"))
    );
    assert_eq!(outcomes(&report.json), ["rejected", "rejected", "created"]);
    assert_eq!(
        report.json["rows"][0]["errors"][0]["column"],
        json!("理由の補足")
    );
    assert_eq!(
        report.json["rows"][1]["errors"][0]["column"],
        json!("生年月日")
    );
    assert_eq!(report.json["rejected"], json!(2));
    assert_eq!(server.all_registrants(), json!([]));
}

#[test]
fn export_then_import_is_unchanged_for_every_row_in_both_encodings() {
    let server = TestServer::start().with_districts();
    seed(&server, "R-1", "髙橋 一郎");
    seed(&server, "R-2", "渡邊 ﾊﾅｺ");
    let mut no_external = registrant();
    no_external["name"] = json!("山﨑 三郎");
    no_external["notes"] = json!("階段に注意,\"二階\"\n寝室");
    assert_eq!(server.post("/api/v1/registrants", &no_external).status, 201);
    // Text that Excel would run as a formula when the file is opened.
    let mut formulas = registrant();
    formulas["external_id"] = json!("R-3");
    formulas["name"] = json!("=HYPERLINK(\"http://x\",\"y\")");
    formulas["notes"] = json!("+1");
    formulas["medicines"] = json!("@SUM(A1)");
    formulas["allergies"] = json!("-");
    assert_eq!(server.post("/api/v1/registrants", &formulas).status, 201);

    for encoding in ["utf8", "shift_jis"] {
        let (status, content_type, _, bytes) = server.get_bytes(
            &format!("/api/v1/exports/registrants.csv?encoding={encoding}"),
            "content-disposition",
        );
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        if encoding == "utf8" {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
        } else {
            assert!(std::str::from_utf8(&bytes).is_err(), "CP932, not UTF-8");
        }
        let text = if encoding == "utf8" {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned()
        };
        let cells = csv_row_of(&text, "R-3");
        assert!(cells["氏名"].starts_with("'="), "{encoding}: {cells:?}");
        assert_eq!(cells["氏名"], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(cells["支援者への伝達事項"], "'+1");
        assert_eq!(cells["服薬"], "'@SUM(A1)");
        assert_eq!(cells["アレルギー"], "'-");
        assert_eq!(
            cells["電話番号"], "0942-00-1234",
            "a phone number is not a formula"
        );
        assert_eq!(cells["緯度"], "33.31", "coordinates stay numbers");

        let report = import(&server, "", &bytes);
        assert_eq!(report.status, 200, "{}", report.text);
        assert_eq!(
            outcomes(&report.json),
            ["unchanged", "unchanged", "unchanged", "unchanged"],
            "{encoding}: {}",
            report.text
        );
    }
}

/// The cells of the exported row with this 宛名番号, by header.
fn csv_row_of(text: &str, external_id: &str) -> std::collections::HashMap<String, String> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    reader
        .records()
        .map_while(Result::ok)
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .find(|cells: &std::collections::HashMap<String, String>| {
            cells.get("宛名番号").map(String::as_str) == Some(external_id)
        })
        .unwrap_or_else(|| panic!("no row {external_id} in {text}"))
}

#[test]
fn cp932_export_of_a_character_it_cannot_encode_is_422_naming_the_row() {
    let server = TestServer::start();
    seed(&server, "X-1", "𠮷田 花子");
    let (status, content_type, _, body) =
        server.get_bytes("/api/v1/exports/registrants.csv?encoding=shift_jis", "x");
    assert_eq!(status, 422);
    assert_eq!(content_type, "application/problem+json");
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("1行目") && text.contains("氏名"), "{text}");
}

#[test]
fn malformed_files_give_a_clear_error_and_write_nothing() {
    let server = TestServer::start();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "wrong encoding",
            sjis(&format!("{HEADER}\n1,山田,,1950-01-01,女,市内,,その他,,\n")),
        ),
        ("binary junk", (0..=255u8).cycle().take(5000).collect()),
        ("no known column", b"foo,bar\n1,2\n".to_vec()),
    ];
    for (what, body) in cases {
        let query = if what == "wrong encoding" {
            "?encoding=utf8"
        } else {
            ""
        };
        let response = import(&server, query, &body);
        response.assert_problem(422, "validation_failed");
        assert_eq!(response.error_fields(), ["file"], "{what}");
    }

    let started = std::time::Instant::now();
    let mut huge = format!("{HEADER}\n").into_bytes();
    huge.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    let response = import(&server, "?dry_run=false", &huge);
    response.assert_problem(422, "validation_failed");
    assert!(response.text.contains("長すぎます"), "{}", response.text);
    assert!(started.elapsed().as_secs() < 20, "refused quickly");

    let ragged = format!("{HEADER}\n1,山田\n2,a,b,c,d,e,f,g,h,i,j,k\n");
    let report = import(&server, "?dry_run=false", ragged.as_bytes());
    assert_eq!(
        outcomes(&report.json),
        ["rejected", "rejected"],
        "{}",
        report.text
    );
    assert_eq!(server.all_registrants(), json!([]));
}

#[test]
fn variant_spellings_of_one_person_are_listed_as_duplicates_and_flagged_on_import() {
    let server = TestServer::start();
    let first = seed(&server, "D-1", "髙橋 一郎");
    let mut second = registrant();
    second["name"] = json!("高橋　一郎");
    second["name_kana"] = json!("たかはし　いちろう");
    let second = server.post("/api/v1/registrants", &second);
    assert_eq!(second.status, 201, "{}", second.text);

    let pairs = server.get("/api/v1/registrants/duplicates");
    assert_eq!(pairs.status, 200, "{}", pairs.text);
    assert_eq!(pairs.json["items"][0]["registrant_id"], first["id"]);
    assert_eq!(pairs.json["items"][0]["duplicate_id"], second.json["id"]);
    assert!(
        pairs.json["items"][0]["reasons"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("same_name_and_birth_date")))
    );

    let text = "氏名,生年月日,性別,住所,避難支援を要する理由\n高橋一郎,昭和16年3月15日,女,市内,要介護認定\n";
    let report = import(&server, "", text.as_bytes());
    assert_eq!(outcomes(&report.json), ["created"]);
    let flagged = &report.json["rows"][0]["possible_duplicate_of"];
    assert!(
        flagged
            .as_array()
            .is_some_and(|ids| ids.contains(&first["id"])),
        "{}",
        report.text
    );
}

#[test]
fn merging_keeps_one_record_moves_missing_consents_and_records_both_histories() {
    let server = TestServer::start();
    let kept = seed(&server, "M-1", "渡辺 花子");
    let dup = seed(&server, "M-2", "渡邊　花子");
    let (kept_id, dup_id) = (
        kept["id"].as_i64().unwrap_or(0),
        dup["id"].as_i64().unwrap_or(0),
    );
    let consent = json!({"kind": "register_sharing", "given": true, "date": "2026-04-01", "evidence_note": "申請書"});
    let recorded = server.post(&format!("/api/v1/registrants/{dup_id}/consents"), &consent);
    assert_eq!(recorded.status, 201, "{}", recorded.text);
    let etag = server.get(&format!("/api/v1/registrants/{kept_id}")).etag;

    let path = format!("/api/v1/registrants/{kept_id}/merge");
    server
        .post_if_match(&path, &json!({"duplicate_id": dup_id}), Some("\"99\""))
        .assert_problem(412, "version_conflict");
    let merged = server.post_if_match(&path, &json!({"duplicate_id": dup_id}), etag.as_deref());
    assert_eq!(merged.status, 200, "{}", merged.text);
    assert_eq!(merged.json["version"], json!(2));

    let gone = server.get(&format!("/api/v1/registrants/{dup_id}"));
    assert_eq!(gone.json["status"], json!("merged"));
    assert_eq!(gone.json["merged_into"], json!(kept_id));
    assert!(
        gone.json["status_reason"]
            .as_str()
            .is_some_and(|r| r.contains(&kept_id.to_string()))
    );
    let moved = server.get(&format!("/api/v1/registrants/{kept_id}/consents"));
    assert_eq!(
        moved.json["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        moved.text
    );
    for id in [kept_id, dup_id] {
        let history = server.get(&format!("/api/v1/registrants/{id}/history"));
        let last = history.json["items"]
            .as_array()
            .and_then(|a| a.last().cloned());
        assert_eq!(
            last.map(|e| e["action"].clone()),
            Some(json!("merged")),
            "{}",
            history.text
        );
    }
    assert_eq!(
        server.get("/api/v1/registrants/duplicates").json["items"],
        json!([]),
        "a merged record is no longer suggested"
    );
    server
        .post_if_match(&path, &json!({"duplicate_id": dup_id}), Some("\"2\""))
        .assert_problem(422, "validation_failed");
    let status = server.post_if_match(
        &format!("/api/v1/registrants/{kept_id}/status"),
        &json!({"status": "merged", "reason": "x"}),
        Some("\"2\""),
    );
    status.assert_problem(422, "validation_failed");
}

#[test]
fn every_layer_exports_as_a_geojson_feature_collection_for_qgis() {
    let server = TestServer::start().with_districts();
    seed(&server, "G-1", "地図 花子");
    for (layer, geometry) in [
        ("registrants", Some("Point")),
        ("supporters", None),
        ("shelters", None),
        ("districts", Some("MultiPolygon")),
    ] {
        let collection = server.get(&format!("/api/v1/exports/{layer}.geojson"));
        assert_eq!(collection.status, 200, "{layer}: {}", collection.text);
        assert_eq!(collection.json["type"], json!("FeatureCollection"));
        if let Some(geometry) = geometry {
            assert_eq!(
                collection.json["features"][0]["geometry"]["type"],
                json!(geometry),
                "{layer}"
            );
        }
    }
    assert_eq!(
        server.get("/api/v1/exports/registrants.geojson").json["features"][0]["properties"]["external_id"],
        json!("G-1")
    );
    server
        .get("/api/v1/exports/people.geojson")
        .assert_problem(404, "no_route");
}

#[test]
fn supporters_import_with_japanese_labels_and_read_back_unchanged_from_their_export() {
    let server = TestServer::start().with_districts();
    let text = "宛名番号,氏名,フリガナ,電話番号,住所,緯度,経度,区分,支援可能人数,対応できること,同意,同意日,同意の記録\r\n\
                S-1,筑後　太郎,ﾁｸｺﾞ ﾀﾛｳ,０９０－００００－２２２２,ひばり野市本町1-5-8,33.31,130.50,民生委員,2,車いす介助|夜間対応,○,令和8年4月1日,同意書\r\n";
    let dry = server.send(
        "POST",
        "/api/v1/imports/supporters",
        "application/octet-stream",
        &sjis(text),
        None,
    );
    assert_eq!(outcomes(&dry.json), ["created"], "{}", dry.text);
    let applied = server.send(
        "POST",
        "/api/v1/imports/supporters?dry_run=false",
        "application/octet-stream",
        &sjis(text),
        None,
    );
    assert_eq!(applied.json["applied"], json!(true), "{}", applied.text);
    let id = applied.json["rows"][0]["id"].as_i64().unwrap_or(0);
    let stored = server.get(&format!("/api/v1/supporters/{id}"));
    assert_eq!(
        stored.json["kind"],
        json!("welfare_commissioner"),
        "{}",
        stored.text
    );
    assert_eq!(
        stored.json["capabilities"],
        json!(["wheelchair", "night_time"])
    );

    for encoding in ["utf8", "shift_jis"] {
        let (status, _, _, bytes) = server.get_bytes(
            &format!("/api/v1/exports/supporters.csv?encoding={encoding}"),
            "x",
        );
        assert_eq!(status, 200);
        let report = server.send(
            "POST",
            "/api/v1/imports/supporters",
            "application/octet-stream",
            &bytes,
            None,
        );
        assert_eq!(
            outcomes(&report.json),
            ["unchanged"],
            "{encoding}: {}",
            report.text
        );
    }
}

#[test]
fn a_dry_run_and_a_rejected_file_are_recorded_as_reads_of_the_people_they_matched() {
    let server = TestServer::start().with_districts();
    let seeded = seed(&server, "E-7", "筑後 次郎");
    let id = seeded["id"].as_i64().unwrap_or(0);
    let text = format!(
        "{HEADER}\nE-7,筑後 次郎,チクゴ ジロウ,1940-01-02,男,ひばり野市本町9,,要介護認定,,\n"
    );
    let dry = import(&server, "", text.as_bytes());
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.json["rows"][0]["id"], json!(id), "{}", dry.text);
    let bad = format!("{text}E-8,,,1940-13-40,男,ひばり野市,,要介護認定,,\n");
    let rejected = import(&server, "?dry_run=false", bad.as_bytes());
    assert_eq!(rejected.json["applied"], json!(false), "{}", rejected.text);

    assert!(server.add_user("kansa", "auditor", &[]));
    server.use_token(Some(server.login("kansa", common::PASSWORD)));
    let log = server.get("/api/v1/audit?limit=1000");
    let entries = log.json["items"].as_array().cloned().unwrap_or_default();
    for why in ["dry run", "rejected"] {
        assert!(
            entries.iter().any(|e| e["action"] == "read"
                && e["target"].as_str().is_some_and(|t| t.contains(why))
                && e["registrant_ids"] == json!([id])),
            "{why}: {entries:#?}"
        );
    }
}
