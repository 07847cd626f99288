//! What a district user may see, tested as the other side would: every list-shaped route pages
//! exactly as it would over a database holding only the people that user may see (items and
//! cursors alike), and no format, JSON or printed, shows them more than the support fields.

mod common;

use common::{PASSWORD, TestServer, registrant, shelter, supporter};
use serde_json::{Value, json};

/// One person of the differential test: name, kana tag, east (district D2), sharing consent.
struct Person {
    name: &'static str,
    kana: &'static str,
    east: bool,
    sharing: Option<bool>,
}

impl Person {
    /// Whether a `district` user of D1 may see them under the default `opt_in` model.
    fn visible(&self) -> bool {
        !self.east && self.sharing == Some(true)
    }
}

const PEOPLE: &[Person] = &[
    Person {
        name: "可視 一子",
        kana: "かし いちこ",
        east: false,
        sharing: Some(true),
    },
    Person {
        name: "拒否 二郎",
        kana: "かし じろう",
        east: false,
        sharing: Some(false),
    },
    Person {
        name: "未回答 三郎",
        kana: "かし さぶろう",
        east: false,
        sharing: None,
    },
    Person {
        name: "可視 四子",
        kana: "ほか よんこ",
        east: false,
        sharing: Some(true),
    },
    Person {
        name: "東 五郎",
        kana: "かし ごろう",
        east: true,
        sharing: Some(true),
    },
    Person {
        name: "拒否 六子",
        kana: "かし ろくこ",
        east: false,
        sharing: Some(false),
    },
    Person {
        name: "可視 七郎",
        kana: "かし ななろう",
        east: false,
        sharing: Some(true),
    },
    Person {
        name: "未回答 八子",
        kana: "ほか はちこ",
        east: false,
        sharing: None,
    },
    Person {
        name: "可視 九郎",
        kana: "ほか くろう",
        east: false,
        sharing: Some(true),
    },
    Person {
        name: "東 十子",
        kana: "かし とおこ",
        east: true,
        sharing: None,
    },
];

/// Creates `people` in order, with their consents; returns their ids.
fn create(server: &TestServer, people: &[&Person]) -> Vec<i64> {
    people
        .iter()
        .map(|p| {
            let mut body = registrant();
            body["name"] = json!(p.name);
            body["name_kana"] = json!(p.kana);
            if p.east {
                body["longitude"] = json!(130.52);
            }
            let created = server.post("/api/v1/registrants", &body);
            assert_eq!(created.status, 201, "{}", created.text);
            let id = created.json["id"].as_i64().unwrap_or(0);
            if let Some(given) = p.sharing {
                let consent = json!({"kind": "register_sharing", "given": given, "date": "2026-04-01", "evidence_note": "同意書"});
                let path = format!("/api/v1/registrants/{id}/consents");
                assert_eq!(server.post(&path, &consent).status, 201);
            }
            id
        })
        .collect()
}

/// A server holding `people` (plus a flood zone over the test area) and the token of a
/// district user of D1.
fn town(people: &[&Person]) -> (TestServer, String) {
    let server = TestServer::start().with_districts();
    create(&server, people);
    let zone = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"A31a_205": 2},
        "geometry": {"type": "Polygon", "coordinates": [[[130.49, 33.30], [130.53, 33.30], [130.53, 33.32], [130.49, 33.32], [130.49, 33.30]]]}}]});
    let imported = server.send(
        "POST",
        "/api/v1/imports/hazards?hazard=flood&source=test",
        "application/octet-stream",
        zone.to_string().as_bytes(),
        None,
    );
    assert_eq!(imported.status, 200, "{}", imported.text);
    assert!(server.add_user("kita", "district", &["D1"]));
    let token = server.login("kita", PASSWORD);
    (server, token)
}

/// Walks every page of a list from `first`, as `token`: each page's names, and the name of
/// the person its cursor points after (the cursor must be the last item's id).
fn walk(
    server: &TestServer,
    token: &str,
    method: &str,
    first: &str,
) -> Vec<(Vec<String>, Option<String>)> {
    server.use_token(Some(token.to_owned()));
    let area = json!({"type": "Polygon", "coordinates": [[[130.40, 33.20], [130.60, 33.20], [130.60, 33.40], [130.40, 33.40], [130.40, 33.20]]]});
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let sep = if first.contains('?') { '&' } else { '?' };
        let path = match &cursor {
            Some(c) => format!("{first}{sep}cursor={c}"),
            None => first.to_owned(),
        };
        let page = if method == "POST" {
            server.post(&path, &area)
        } else {
            server.get(&path)
        };
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        let items = page.json["items"].as_array().cloned().unwrap_or_default();
        let names: Vec<String> = items
            .iter()
            .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        let next = page.json["next_cursor"].as_str().map(str::to_owned);
        let points_after = next.as_ref().map(|c| {
            let last = items
                .last()
                .map(|r| r["id"].to_string())
                .unwrap_or_default();
            assert_eq!(*c, last, "{path}: the cursor is the last item's id");
            names.last().cloned().unwrap_or_default()
        });
        pages.push((names, points_after));
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    pages
}

#[test]
fn a_district_users_pages_equal_those_of_a_database_holding_only_whom_they_may_see() {
    let everyone: Vec<&Person> = PEOPLE.iter().collect();
    let visible: Vec<&Person> = PEOPLE.iter().filter(|p| p.visible()).collect();
    let (full, full_token) = town(&everyone);
    let (only, only_token) = town(&visible);
    let kashi = "%E3%81%8B%E3%81%97"; // かし, the tag of hidden and visible people alike
    let lists = [
        ("GET", "/api/v1/registrants".to_owned()),
        ("GET", "/api/v1/registrants?limit=1".to_owned()),
        ("GET", "/api/v1/registrants?limit=2".to_owned()),
        ("GET", "/api/v1/registrants?limit=3&status=any".to_owned()),
        ("GET", format!("/api/v1/registrants?q={kashi}&limit=1")),
        ("GET", format!("/api/v1/registrants?q={kashi}&limit=2")),
        (
            "GET",
            "/api/v1/registrants?q=%E6%8B%92%E5%90%A6&limit=1".to_owned(),
        ), // 拒否
        (
            "GET",
            "/api/v1/registrants?plan_status=none&limit=2".to_owned(),
        ),
        ("POST", "/api/v1/registrants/within-area?limit=1".to_owned()),
        ("POST", "/api/v1/registrants/within-area?limit=3".to_owned()),
        (
            "GET",
            "/api/v1/hazard-zones/1/registrants?limit=1".to_owned(),
        ),
        (
            "GET",
            "/api/v1/hazard-zones/1/registrants?limit=2".to_owned(),
        ),
    ];
    for (method, path) in &lists {
        let seen = walk(&full, &full_token, method, path);
        let expected = walk(&only, &only_token, method, path);
        assert_eq!(seen, expected, "{method} {path}");
    }
    // The search for a hidden person's name finds nothing and points nowhere.
    assert_eq!(
        walk(
            &full,
            &full_token,
            "GET",
            "/api/v1/registrants?q=%E6%8B%92%E5%90%A6&limit=1"
        ),
        vec![(Vec::<String>::new(), None)]
    );
    // The audit log names only visible people for the district user's reads.
    full.use_token(Some(full.login("admin", PASSWORD)));
    let hidden: Vec<Value> = full.get("/api/v1/registrants?status=any&limit=200").json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| !r["name"].as_str().unwrap_or_default().starts_with("可視"))
        .map(|r| r["id"].clone())
        .collect();
    let log = sasaeai::services::access::audit_page(&full.ctx, 0, 10_000).expect("audit log");
    for entry in log.iter().filter(|e| e.record.actor == "kita") {
        for id in &entry.record.registrant_ids {
            assert!(
                !hidden.contains(&json!(id.0)),
                "{} names hidden person {}",
                entry.record.target,
                id.0
            );
        }
    }
}

/// Values of the city's case file that a district user may never receive.
const CASE_FILE: &[&str] = &[
    "秘薬ミカルディス",
    "そば粉アレルギー",
    "主治医 山本",
    "山本内科",
    "パーキンソン病",
    "介護 太郎",
    "秘密の所見",
    "EXT-SECRET",
];

#[test]
fn a_district_user_never_receives_the_case_file_in_any_format() {
    let server = TestServer::start().with_districts();
    let mut body = registrant();
    body["external_id"] = json!("EXT-SECRET");
    body["medicines"] = json!("秘薬ミカルディス");
    body["allergies"] = json!("そば粉アレルギー");
    body["family_doctor"] =
        json!({"name": "主治医 山本", "clinic": "山本内科", "phone": "0942-11-2222"});
    body["intractable_disease"] = json!("パーキンソン病");
    body["care_manager"] =
        json!({"name": "介護 太郎", "office": "ケアプラン東", "phone": "0942-33-4444"});
    body["notes"] = json!("秘密の所見");
    body["disability"] = json!({"physical_grade": 1});
    body["care_level"] = json!(1);
    body["dwelling"] = json!({"building_type": "detached", "bedroom_floor": 2, "daytime_situation": "平日はデイサービス"});
    body["medical_devices"] = json!(["oxygen"]);
    body["communication_needs"] = json!(["hearing"]);
    let person = server.post("/api/v1/registrants", &body);
    assert_eq!(person.status, 201, "{}", person.text);
    let id = person.json["id"].as_i64().unwrap_or(0);
    let helper = server.post("/api/v1/supporters", &supporter()).json["id"].clone();
    let site = server.post("/api/v1/shelters", &shelter()).json["id"].clone();
    for kind in ["register_sharing", "plan_creation", "plan_sharing"] {
        let consent =
            json!({"kind": kind, "given": true, "date": "2026-03-20", "evidence_note": "同意書"});
        assert_eq!(
            server
                .post(&format!("/api/v1/registrants/{id}/consents"), &consent)
                .status,
            201
        );
    }
    let run = server.post("/api/v1/matching/runs", &json!({}));
    let proposals = server.get(&format!(
        "/api/v1/matching/runs/{}/proposals?limit=200",
        run.json["run_id"]
    ));
    let link = proposals.json["items"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|p| p["kind"] == "supporter")
                .map(|p| p["id"].clone())
        })
        .unwrap_or_default();
    assert_eq!(
        server
            .post(&format!("/api/v1/proposals/{link}/confirm"), &json!({}))
            .status,
        200
    );
    let plan_path = format!("/api/v1/registrants/{id}/plan");
    let draft = server.get(&plan_path);
    let plan = json!({"status": "confirmed", "author": "筑後 民生委員",
        "supporters": [{"supporter_id": helper, "relation": "近所の方"}],
        "destinations": [{"hazard_type": "earthquake", "shelter_id": site}]});
    let written = server.send(
        "PUT",
        &plan_path,
        "application/json",
        plan.to_string().as_bytes(),
        draft.etag.as_deref(),
    );
    assert_eq!(written.status, 200, "{}", written.text);
    let district = person.json["district_id"].as_i64().unwrap_or(0);

    // What each role is handed, in every format it may ask for.
    let formats = |server: &TestServer| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for path in [
            format!("/api/v1/registrants/{id}"),
            "/api/v1/registrants?limit=200".to_owned(),
            format!("{plan_path}/check"),
        ] {
            let resp = server.get(&path);
            assert_eq!(resp.status, 200, "{path}: {}", resp.text);
            out.push((path, resp.text));
        }
        let area = json!({"type": "Polygon", "coordinates": [[[130.40, 33.20], [130.60, 33.20], [130.60, 33.40], [130.40, 33.40], [130.40, 33.20]]]});
        let found = server.post("/api/v1/registrants/within-area", &area);
        out.push(("within-area".to_owned(), found.text));
        for path in [
            format!("{plan_path}.pdf?holder=x"),
            format!("/api/v1/districts/{district}/plans.pdf?holder=x"),
            format!("/api/v1/districts/{district}/safety-check-sheet.pdf?holder=x"),
        ] {
            let (status, _, _, bytes) = server.get_bytes(&path, "x-print-serial");
            assert_eq!(status, 200, "{path}");
            if let Some(text) = common::pdf_text(&bytes) {
                out.push((path, text));
            }
        }
        out
    };
    let staff = formats(&server);
    for secret in ["秘薬ミカルディス", "主治医 山本", "EXT-SECRET"] {
        assert!(
            staff.iter().any(|(_, text)| text.contains(secret)),
            "staff see {secret} somewhere, so the check below can fail"
        );
    }
    assert!(staff[0].1.contains("severe_physical_disability"));

    assert!(server.add_user("kita", "district", &["D1"]));
    server.use_token(Some(server.login("kita", PASSWORD)));
    for (path, text) in formats(&server) {
        if !path.ends_with("/check") {
            assert!(text.contains("久留米"), "{path}: the person is shown");
        }
        for secret in CASE_FILE {
            assert!(
                !text.contains(secret),
                "{path} shows {secret} to a district user"
            );
        }
        assert!(!text.contains("severe_physical_disability"), "{path}");
        assert!(!text.contains("身体障害者手帳1・2級"), "{path}");
    }
    for export in [
        "/api/v1/exports/registrants.csv",
        "/api/v1/exports/registrants.geojson",
    ] {
        server.get(export).assert_problem(403, "forbidden");
    }

    // One table, written here independently of the server: for each field of a person, the
    // formats that carry it and the roles that receive it. Every format each role may ask for
    // is checked against it, both ways: nothing missing and nothing more.
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let keys = |value: &Value| -> Vec<String> {
        sorted(
            value
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
        )
    };
    let expected_json = |district: bool| {
        sorted(
            FIELDS
                .iter()
                .filter(|f| if district { f.district } else { f.staff })
                .map(|f| f.json.to_owned())
                .collect(),
        )
    };
    let read = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(
        keys(&read.json),
        expected_json(true),
        "district JSON of one person"
    );
    let listed = server.get("/api/v1/registrants?limit=200");
    assert_eq!(
        keys(&listed.json["items"][0]),
        expected_json(true),
        "district JSON in a list"
    );
    let area = json!({"type": "Polygon", "coordinates": [[[130.40, 33.20], [130.60, 33.20], [130.60, 33.40], [130.40, 33.40], [130.40, 33.20]]]});
    let found = server.post("/api/v1/registrants/within-area", &area);
    assert_eq!(
        keys(&found.json["items"][0]),
        expected_json(true),
        "district JSON by area"
    );
    let plan_pdf = |server: &TestServer| {
        let (_, _, _, bytes) = server.get_bytes(&format!("{plan_path}.pdf?holder=x"), "x");
        common::pdf_text(&bytes)
    };
    let district_paper = plan_pdf(&server);

    server.use_token(Some(server.login("admin", PASSWORD)));
    let staff_read = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(keys(&staff_read.json), expected_json(false), "staff JSON");
    let geojson = server.get("/api/v1/exports/registrants.geojson");
    let feature = geojson.json["features"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == json!(id)).cloned())
        .unwrap_or_default();
    assert_eq!(
        keys(&feature["properties"]),
        expected_json(false),
        "staff GeoJSON properties"
    );
    let csv = server.get("/api/v1/exports/registrants.csv");
    let header = csv
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let headers = sorted(
        header
            .split(',')
            .map(|h| h.trim_matches('"').to_owned())
            .collect(),
    );
    let expected_csv = sorted(
        FIELDS
            .iter()
            .filter_map(|f| f.csv)
            .map(str::to_owned)
            .collect(),
    );
    assert_eq!(headers, expected_csv, "staff CSV header");
    let staff_paper = plan_pdf(&server);
    if let (Some(staff_paper), Some(district_paper)) = (staff_paper, district_paper) {
        for (label, role_sees) in FIELDS
            .iter()
            .filter_map(|f| f.paper.map(|label| (label, f)))
            .map(|(label, f)| (label, (f.staff, f.district)))
        {
            assert_eq!(
                staff_paper.contains(label),
                role_sees.0,
                "staff plan: {label}"
            );
            assert_eq!(
                district_paper.contains(label),
                role_sees.1,
                "district plan: {label}"
            );
        }
        for label in PLAN_LINES {
            assert!(
                staff_paper.contains(label) && district_paper.contains(label),
                "{label}"
            );
        }
    }
}

/// A field of a registrant and where it goes. `csv` is the header of the flat exchange file
/// (None: the flat file does not carry it; nested parts stay in the record on re-import,
/// which merges a row into it). `paper` is the line of the printed plan that shows it.
struct Field {
    json: &'static str,
    csv: Option<&'static str>,
    paper: Option<&'static str>,
    staff: bool,
    district: bool,
}

const fn both(json: &'static str, csv: Option<&'static str>, paper: Option<&'static str>) -> Field {
    Field {
        json,
        csv,
        paper,
        staff: true,
        district: true,
    }
}

/// The city's case file: staff receive it, district users never, in no format.
const fn staff(
    json: &'static str,
    csv: Option<&'static str>,
    paper: Option<&'static str>,
) -> Field {
    Field {
        json,
        csv,
        paper,
        staff: true,
        district: false,
    }
}

/// Every field of a registrant in JSON (and as GeoJSON properties), CSV and on the plan.
/// CSV and GeoJSON exports are for the register's staff only (403 for a district user).
const FIELDS: &[Field] = &[
    both("id", Some("登録番号"), None),
    both("version", None, None),
    both("status", None, None),
    both("district_id", None, None),
    both("hazard_exposure", None, Some("自宅：洪水")),
    both("name", Some("氏名"), Some("氏名")),
    both("name_kana", Some("フリガナ"), None),
    both("birth_date", Some("生年月日"), Some("生年月日・性別")),
    both("sex", Some("性別"), Some("生年月日・性別")),
    both("address", Some("住所"), Some("住所")),
    both("phone", Some("電話番号"), Some("電話")),
    both(
        "support_reasons",
        Some("避難支援を要する理由"),
        Some("支援が必要な理由"),
    ),
    both("latitude", Some("緯度"), None),
    both("longitude", Some("経度"), None),
    both("household", Some("世帯状況"), Some("世帯")),
    both("care_level", Some("要介護度"), None),
    both("mobility", Some("移動手段"), Some("移動・必要な支援")),
    both(
        "medical_devices",
        Some("医療機器"),
        Some("医療的ケア・機器"),
    ),
    both("electricity_dependent", Some("電源依存"), None),
    both(
        "communication_needs",
        Some("意思疎通の配慮"),
        Some("意思疎通"),
    ),
    both("dwelling", None, Some("住まい・寝室")),
    both("emergency_contacts", None, Some("緊急連絡先1")),
    both("priority", None, None),
    staff("status_date", None, None),
    staff("status_reason", None, None),
    staff("merged_into", None, None),
    staff("district_needs_review", None, None),
    staff("created_at", None, None),
    staff("updated_at", None, None),
    staff("external_id", Some("宛名番号"), None),
    staff("reason_note", Some("理由の補足"), None),
    staff("disability", None, None),
    staff("intractable_disease", Some("指定難病"), None),
    staff("family_doctor", None, Some("主治医・服薬")),
    staff("medicines", Some("服薬"), Some("主治医・服薬")),
    staff("allergies", Some("アレルギー"), None),
    staff("care_manager", None, None),
    staff("notes", Some("支援者への伝達事項"), Some("その他")),
    Field {
        json: "shared_by",
        csv: None,
        paper: None,
        staff: false,
        district: true,
    },
];

/// Lines of the plan itself (not of the person) that both roles' copies carry.
const PLAN_LINES: &[&str] = &["支援者1", "避難先"];
