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

    // One table, written here independently of the server: the record's fields each role
    // receives as JSON, and the plan's lines each receives on paper.
    let keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    };
    let mut district_fields: Vec<String> = DISTRICT_JSON.iter().map(|k| (*k).to_owned()).collect();
    district_fields.sort();
    let read = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(
        keys(&read.json),
        district_fields,
        "district JSON of one person"
    );
    let listed = server.get("/api/v1/registrants?limit=200");
    assert_eq!(
        keys(&listed.json["items"][0]),
        district_fields,
        "district JSON in a list"
    );
    let plan_pdf = |server: &TestServer| {
        let (_, _, _, bytes) = server.get_bytes(&format!("{plan_path}.pdf?holder=x"), "x");
        common::pdf_text(&bytes)
    };
    let district_paper = plan_pdf(&server);
    server.use_token(Some(server.login("admin", PASSWORD)));
    let staff_read = server.get(&format!("/api/v1/registrants/{id}"));
    for field in STAFF_ONLY_JSON {
        assert!(
            staff_read.json.get(*field).is_some(),
            "staff receive {field}"
        );
        assert!(!district_fields.contains(&(*field).to_owned()));
    }
    let staff_paper = plan_pdf(&server);
    if let (Some(staff_paper), Some(district_paper)) = (staff_paper, district_paper) {
        for (label, staff_sees, district_sees) in PAPER_LINES {
            assert_eq!(
                staff_paper.contains(label),
                *staff_sees,
                "staff plan: {label}"
            );
            assert_eq!(
                district_paper.contains(label),
                *district_sees,
                "district plan: {label}"
            );
        }
    }
    let csv = server.get("/api/v1/exports/registrants.csv");
    for header in ["服薬", "アレルギー", "宛名番号"] {
        assert!(csv.text.contains(header), "staff CSV has {header}");
    }
}

/// The JSON fields of a registrant that a district user receives, and nothing else.
const DISTRICT_JSON: &[&str] = &[
    "id",
    "version",
    "status",
    "district_id",
    "hazard_exposure",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "address",
    "phone",
    "latitude",
    "longitude",
    "support_reasons",
    "household",
    "care_level",
    "mobility",
    "medical_devices",
    "electricity_dependent",
    "communication_needs",
    "dwelling",
    "emergency_contacts",
    "priority",
    "shared_by",
];

/// Fields of the city's case file: staff receive them, district users never.
const STAFF_ONLY_JSON: &[&str] = &[
    "external_id",
    "reason_note",
    "disability",
    "intractable_disease",
    "family_doctor",
    "medicines",
    "allergies",
    "care_manager",
    "notes",
];

/// Lines of the printed plan: (label, on the staff copy, on the district copy).
const PAPER_LINES: &[(&str, bool, bool)] = &[
    ("主治医・服薬", true, false),
    ("緊急連絡先1", true, true),
    ("支援者1", true, true),
    ("避難先", true, true),
    ("世帯・住まい", true, true),
];
