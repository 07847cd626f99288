//! Access control: every route × every role against an expected table; what a district user
//! sees by district, consent, consent model and incident; sessions (expiry, logout,
//! throttling); the audit chain and its tamper check; and no personal data in the logs.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{PASSWORD, TestServer, registrant, supporter};
use serde_json::{Value, json};

/// The expected table, written independently of the server's: route → roles allowed.
const EXPECTED: &[(&str, &str)] = &[
    (
        "DELETE /api/v1/sessions/current",
        "admin staff district volunteer_centre auditor",
    ),
    ("GET /api/v1/readiness", "admin staff"),
    ("GET /api/v1/audit", "auditor"),
    ("GET /api/v1/users", "admin"),
    ("POST /api/v1/users", "admin"),
    ("GET /api/v1/incidents", "admin staff district"),
    ("POST /api/v1/incidents", "admin staff"),
    ("POST /api/v1/incidents/{id}/close", "admin staff"),
    (
        "GET /api/v1/districts",
        "admin staff district volunteer_centre",
    ),
    (
        "GET /api/v1/districts/{id}/plans.pdf",
        "admin staff district",
    ),
    (
        "GET /api/v1/districts/{id}/safety-check-sheet.pdf",
        "admin staff district",
    ),
    (
        "GET /api/v1/hazard-zones",
        "admin staff district volunteer_centre",
    ),
    (
        "GET /api/v1/hazard-zones/{id}/registrants",
        "admin staff district",
    ),
    ("GET /api/v1/imports/hazard-codes", "admin staff"),
    ("POST /api/v1/imports/{kind}", "admin staff"),
    ("GET /api/v1/matching/runs/{id}", "admin staff"),
    ("GET /api/v1/matching/runs/{id}/proposals", "admin staff"),
    ("POST /api/v1/matching/runs", "admin staff"),
    ("POST /api/v1/proposals/{id}/confirm", "admin staff"),
    ("POST /api/v1/proposals/{id}/reject", "admin staff"),
    ("GET /api/v1/reports/supporter-gaps", "admin staff"),
    ("GET /api/v1/reports/supporter-gaps.csv", "admin staff"),
    ("GET /api/v1/prints", "admin staff"),
    ("POST /api/v1/prints/{serial}/return", "admin staff"),
    ("GET /api/v1/registrants", "admin staff district"),
    ("POST /api/v1/registrants", "admin staff"),
    (
        "POST /api/v1/registrants/within-area",
        "admin staff district",
    ),
    ("GET /api/v1/registrants/{id}", "admin staff district"),
    ("PATCH /api/v1/registrants/{id}", "admin staff"),
    ("GET /api/v1/registrants/{id}/history", "admin staff"),
    ("GET /api/v1/registrants/{id}/consents", "admin staff"),
    ("POST /api/v1/registrants/{id}/consents", "admin staff"),
    ("POST /api/v1/registrants/{id}/status", "admin staff"),
    ("GET /api/v1/registrants/{id}/plan", "admin staff district"),
    ("PUT /api/v1/registrants/{id}/plan", "admin staff"),
    ("GET /api/v1/registrants/{id}/plan/history", "admin staff"),
    (
        "GET /api/v1/registrants/{id}/plan/check",
        "admin staff district",
    ),
    (
        "GET /api/v1/registrants/{id}/plan.pdf",
        "admin staff district",
    ),
    ("GET /api/v1/supporters", "admin staff"),
    ("POST /api/v1/supporters", "admin staff"),
    ("GET /api/v1/supporters/within", "admin staff"),
    ("GET /api/v1/supporters/{id}", "admin staff"),
    ("PATCH /api/v1/supporters/{id}", "admin staff"),
    ("GET /api/v1/supporters/{id}/history", "admin staff"),
    (
        "GET /api/v1/shelters",
        "admin staff district volunteer_centre",
    ),
    ("POST /api/v1/shelters", "admin staff"),
    (
        "GET /api/v1/shelters/nearest",
        "admin staff district volunteer_centre",
    ),
    (
        "GET /api/v1/shelters/{id}",
        "admin staff district volunteer_centre",
    ),
    ("PATCH /api/v1/shelters/{id}", "admin staff"),
    ("GET /api/v1/shelters/{id}/history", "admin staff"),
    ("POST /api/v1/imports/registrants", "admin staff"),
    ("POST /api/v1/imports/supporters", "admin staff"),
    ("GET /api/v1/exports/supporters.csv", "admin staff"),
    ("GET /api/v1/exports/registrants.csv", "admin staff"),
    ("GET /api/v1/exports/{layer}.geojson", "admin staff"),
    ("GET /api/v1/registrants/duplicates", "admin staff"),
    ("POST /api/v1/registrants/{id}/merge", "admin staff"),
    (
        "POST /api/v1/volunteer-centre/volunteers",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/volunteers/{id}",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/volunteers/{id}/check-ins",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/volunteers/{id}/check-out",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/help-requests",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/help-requests",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/help-requests/{id}",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/proposals",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/teams",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/teams/{id}",
        "admin staff volunteer_centre",
    ),
    (
        "PATCH /api/v1/volunteer-centre/teams/{id}",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/{id}/confirm",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/{id}/equipment",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/{id}/equipment/return",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/{id}/depart",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/{id}/return",
        "admin staff volunteer_centre",
    ),
    (
        "POST /api/v1/volunteer-centre/teams/{id}/report",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/teams/{id}/slip.pdf",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/rosters/{date}.pdf",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/stats/{date}",
        "admin staff volunteer_centre",
    ),
    (
        "GET /api/v1/volunteer-centre/stats/{date}.csv",
        "admin staff volunteer_centre",
    ),
];

const ROLES: [&str; 5] = ["admin", "staff", "district", "volunteer_centre", "auditor"];

/// A person in district D1 (or D2 when `east`), with a register-sharing answer.
fn person(server: &TestServer, name: &str, east: bool, sharing: Option<bool>) -> i64 {
    let mut body = registrant();
    body["name"] = json!(name);
    body["notes"] = json!("主治医の所見: 秘密の病名");
    body["external_id"] = json!(format!("EXT-{name}"));
    if east {
        body["longitude"] = json!(130.52);
    }
    let created = server.post("/api/v1/registrants", &body);
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_i64().unwrap_or(0);
    if let Some(given) = sharing {
        let consent = json!({"kind": "register_sharing", "given": given, "date": "2026-04-01", "evidence_note": "同意書"});
        let path = format!("/api/v1/registrants/{id}/consents");
        assert_eq!(server.post(&path, &consent).status, 201);
    }
    id
}

fn tokens(server: &TestServer) -> Vec<(&'static str, String)> {
    ROLES
        .iter()
        .map(|role| {
            let name = format!("user-{role}");
            let districts: &[&str] = if *role == "district" { &["D1"] } else { &[] };
            assert!(server.add_user(&name, role, districts));
            (*role, server.login(&name, PASSWORD))
        })
        .collect()
}

#[test]
fn every_route_answers_each_role_as_the_table_says() {
    let server = TestServer::start().with_districts();
    let id = person(&server, "共有 一郎", false, Some(true));
    let doc = server.get("/api/v1/openapi.json");
    let mut operations: Vec<String> = doc.json["paths"]
        .as_object()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |(m, _)| format!("{} {path}", m.to_uppercase()))
        })
        .filter(|o| !o.ends_with(" /healthz") && o != "POST /api/v1/sessions")
        .collect();
    operations.sort_by_key(|o| o.starts_with("DELETE"));
    let listed: Vec<&str> = EXPECTED.iter().map(|(o, _)| *o).collect();
    for operation in &operations {
        assert!(
            listed.contains(&operation.as_str()),
            "{operation} has no expected row"
        );
    }
    let tokens = tokens(&server);
    for operation in &operations {
        let (method, path) = operation.split_once(' ').unwrap_or_default();
        let path = path
            .replace("{id}", &id.to_string())
            .replace("{kind}", "districts")
            .replace("{serial}", "P-000001")
            .replace("{date}", "2026-07-01")
            .replace("{layer}", "districts");
        let allowed = EXPECTED
            .iter()
            .find(|(o, _)| o == operation)
            .map(|(_, roles)| roles.split(' ').collect::<Vec<_>>())
            .unwrap_or_default();
        let call = || match method {
            "GET" => server.get(&path),
            "DELETE" => server.delete(&path),
            other => server.send(other, &path, "application/json", b"{}", Some("\"1\"")),
        };
        server.use_token(None);
        assert_eq!(call().status, 401, "{operation} without a token");
        server.use_token(Some("not-a-token".into()));
        assert_eq!(call().status, 401, "{operation} with a forged token");
        for (role, token) in &tokens {
            server.use_token(Some(token.clone()));
            let response = call();
            if allowed.contains(role) {
                assert!(
                    response.status != 403 && response.status != 401,
                    "{operation} wrongly denied to {role}: {}",
                    response.text
                );
            } else {
                response.assert_problem(403, "forbidden");
            }
        }
    }
}

/// Whether `token` can see person `id`. Every way a district user may reach a person must
/// agree: the direct read, the list, the area search, and the plan routes (which, for a person
/// without a plan, say "plan not found" when the person is visible and "registrant not found"
/// when not, so that a hidden person is not even confirmed to exist).
fn sees(server: &TestServer, token: &str, id: i64) -> bool {
    server.use_token(Some(token.to_owned()));
    let direct = server.get(&format!("/api/v1/registrants/{id}"));
    let visible = match direct.status {
        200 => true,
        404 => false,
        other => panic!("unexpected {other}: {}", direct.text),
    };
    let contains = |response: &common::Resp| {
        assert_eq!(response.status, 200, "{}", response.text);
        response.json["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r["id"] == id))
    };
    let listed = server.get("/api/v1/registrants?limit=200");
    assert_eq!(contains(&listed), visible, "list disagrees for {id}");
    let everywhere = json!({"type": "Polygon", "coordinates": [[[130.0, 33.0], [131.0, 33.0], [131.0, 34.0], [130.0, 34.0], [130.0, 33.0]]]});
    let found = server.post("/api/v1/registrants/within-area?limit=200", &everywhere);
    assert_eq!(contains(&found), visible, "area search disagrees for {id}");
    for route in [
        "/api/v1/registrants/{id}/plan",
        "/api/v1/registrants/{id}/plan/check",
        "/api/v1/registrants/{id}/plan.pdf?holder=x",
    ] {
        let path = route.replace("{id}", &id.to_string());
        let response = server.get(&path);
        response.assert_problem(404, "not_found");
        let expected = if visible { "plan" } else { "registrant" };
        assert!(
            response.json["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with(expected)),
            "{path}: {}",
            response.text
        );
    }
    visible
}

#[test]
fn a_district_user_sees_their_consenting_people_and_everyone_there_during_an_incident() {
    let server = TestServer::start().with_districts();
    let admin = server.login("admin", PASSWORD);
    let consenting = person(&server, "同意 花子", false, Some(true));
    let refused = person(&server, "拒否 次郎", false, Some(false));
    let unasked = person(&server, "未回答 三郎", false, None);
    let east = person(&server, "東 四郎", true, Some(true));
    assert!(server.add_user("kita", "district", &["D1"]));
    assert!(server.add_user("higashi", "district", &["D2"]));
    let kita = server.login("kita", PASSWORD);
    let higashi = server.login("higashi", PASSWORD);
    let view = |server: &TestServer| {
        [consenting, refused, unasked, east].map(|id| sees(server, &kita, id))
    };
    assert_eq!(
        view(&server),
        [true, false, false, false],
        "normal times, opt_in"
    );
    assert!(sees(&server, &higashi, east));
    assert!(!sees(&server, &higashi, consenting));

    // Only the fields support needs, and the rule that shared them.
    server.use_token(Some(kita.clone()));
    let shown = server.get(&format!("/api/v1/registrants/{consenting}"));
    assert_eq!(shown.json["name"], "同意 花子");
    assert!(shown.json.get("notes").is_none() && shown.json.get("external_id").is_none());
    assert_eq!(shown.json["shared_by"]["rule"], "consent");
    server.use_token(Some(admin.clone()));
    assert_eq!(
        server
            .get(&format!("/api/v1/registrants/{consenting}"))
            .json["notes"],
        "主治医の所見: 秘密の病名"
    );

    // The safety-check sheet of a district user lists only whom they may see, and another
    // district's sheet does not exist for them.
    server.use_token(Some(kita.clone()));
    let d1 = shown.json["district_id"].as_i64().unwrap_or(0);
    let (status, _, _, bytes) = server.get_bytes(
        &format!("/api/v1/districts/{d1}/safety-check-sheet.pdf?holder=kita"),
        "x-print-serial",
    );
    assert_eq!(status, 200);
    if let Some(sheet) = common::pdf_pages(&bytes).map(|p| p.concat()) {
        assert!(sheet.contains("同意花子"), "{sheet}");
        assert!(
            !sheet.contains("拒否次郎")
                && !sheet.contains("未回答三郎")
                && !sheet.contains("東四郎")
        );
    }
    server
        .get(&format!(
            "/api/v1/districts/{}/safety-check-sheet.pdf?holder=kita",
            d1 + 1
        ))
        .assert_problem(404, "not_found");
    server.use_token(Some(admin.clone()));

    // An incident elsewhere changes nothing; one over D1 opens D1 for its duration.
    let d2 = server.get("/api/v1/registrants?limit=1").json["items"][0]["district_id"].clone();
    let elsewhere = server.post(
        "/api/v1/incidents",
        &json!({"name": "東部の浸水", "hazard_type": "flood", "district_ids": [d2.as_i64().unwrap_or(0) + 1]}),
    );
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.text);
    assert_eq!(
        view(&server),
        [true, false, false, false],
        "incident elsewhere"
    );
    server.use_token(Some(admin.clone()));
    let area = json!({"type": "Polygon", "coordinates": [[[130.49, 33.30], [130.51, 33.30], [130.51, 33.32], [130.49, 33.32], [130.49, 33.30]]]});
    let covering = server.post(
        "/api/v1/incidents",
        &json!({"name": "西部の豪雨", "hazard_type": "flood", "area": area}),
    );
    assert_eq!(covering.status, 201, "{}", covering.text);
    assert_eq!(
        view(&server),
        [true, true, true, false],
        "incident covering D1"
    );
    server.use_token(Some(kita.clone()));
    let widened = server.get(&format!("/api/v1/registrants/{refused}"));
    assert_eq!(widened.json["shared_by"]["rule"], "incident");
    assert!(
        !sees(&server, &higashi, refused),
        "D2's user gains nothing from D1's incident"
    );

    // The audit log marks the access granted by the incident.
    assert!(server.add_user("kansa", "auditor", &[]));
    let auditor = server.login("kansa", PASSWORD);
    server.use_token(Some(auditor));
    let log = server.get("/api/v1/audit?limit=1000");
    let entries = log.json["items"].as_array().cloned().unwrap_or_default();
    let incident_id = covering.json["id"].clone();
    assert!(
        entries.iter().any(|e| e["actor"] == "kita"
            && e["action"] == "read"
            && e["incident_grants"] == json!([[refused, incident_id]])),
        "{entries:#?}"
    );
    assert!(entries.iter().any(|e| {
        e["actor"] == "kita"
            && e["action"] == "list"
            && e["registrant_ids"]
                .as_array()
                .is_some_and(|ids| ids.contains(&json!(unasked)))
    }));

    // Closing narrows the view again at once.
    server.use_token(Some(admin));
    let closed = server.post(
        &format!("/api/v1/incidents/{incident_id}/close"),
        &json!({}),
    );
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(closed.json["open"], false);
    assert_eq!(
        view(&server),
        [true, false, false, false],
        "after the incident"
    );
}

#[test]
fn an_incident_area_declared_or_closed_on_one_server_applies_on_another_at_once() {
    let server = TestServer::start().with_districts();
    let at = |name: &str, lon: f64, lat: f64| {
        let mut body = registrant();
        body["name"] = json!(name);
        body["longitude"] = json!(lon);
        body["latitude"] = json!(lat);
        let created = server.post("/api/v1/registrants", &body);
        assert_eq!(created.status, 201, "{}", created.text);
        created.json["id"].as_i64().unwrap_or(0)
    };
    let in_hole = at("穴 一子", 130.500, 33.310);
    let in_area = at("域 二郎", 130.495, 33.303);
    assert!(server.add_user("kita", "district", &["D1"]));
    let other = server.beside();
    let kita = other.login("kita", PASSWORD);
    let view = || [in_hole, in_area].map(|id| sees(&other, &kita, id));
    assert_eq!(view(), [false, false], "normal times, no consent");

    // Declared on the first server: D1's square with a hole around the first home.
    let ring = |x0: f64, y0: f64, x1: f64, y1: f64| {
        json!([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])
    };
    let with_hole = json!({"type": "MultiPolygon", "coordinates": [[
        ring(130.49, 33.30, 130.51, 33.32),
        ring(130.498, 33.308, 130.502, 33.312),
    ]]});
    let declared = server.post(
        "/api/v1/incidents",
        &json!({"name": "西部の豪雨", "hazard_type": "flood", "area": with_hole}),
    );
    assert_eq!(declared.status, 201, "{}", declared.text);
    assert_eq!(
        view(),
        [false, true],
        "the other server applies the area, hole and all"
    );

    let id = declared.json["id"].as_i64().unwrap_or(0);
    let closed = server.post(&format!("/api/v1/incidents/{id}/close"), &json!({}));
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(view(), [false, false], "closed on the first server");

    let small = json!({"type": "Polygon", "coordinates": [ring(130.499, 33.309, 130.501, 33.311)]});
    let next = server.post(
        "/api/v1/incidents",
        &json!({"name": "西部の土砂災害", "hazard_type": "landslide", "area": small}),
    );
    assert_eq!(next.status, 201, "{}", next.text);
    assert_eq!(view(), [true, false], "a new incident's area");
}

#[test]
fn the_consent_model_setting_decides_who_is_shared_without_an_answer() {
    for (model, days, expected) in [
        ("opt_out", 30, [true, false, true]),
        ("presumed", 30, [true, false, false]),
        ("presumed", 0, [true, false, true]),
    ] {
        let server = TestServer::start_with(|s| {
            s.consent_model =
                sasaeai::domain::codes::ConsentModel::parse(model).unwrap_or(s.consent_model);
            s.presumed_consent_days = days;
        })
        .with_districts();
        let ids = [
            person(&server, "同意 花子", false, Some(true)),
            person(&server, "拒否 次郎", false, Some(false)),
            person(&server, "未回答 三郎", false, None),
        ];
        assert!(server.add_user("kita", "district", &["D1"]));
        let kita = server.login("kita", PASSWORD);
        assert_eq!(
            ids.map(|id| sees(&server, &kita, id)),
            expected,
            "{model} {days}"
        );
    }
}

#[test]
fn sessions_expire_end_at_logout_and_failed_logins_are_throttled() {
    let server = TestServer::start_with(|s| {
        s.session_ttl = std::time::Duration::from_secs(3);
        s.login_max_failures = 3;
        s.login_first_delay = std::time::Duration::from_secs(1);
    });
    assert!(server.add_user("tanaka", "staff", &[]));
    let token = server.login("tanaka", PASSWORD);
    server.use_token(Some(token.clone()));
    assert_eq!(server.get("/api/v1/districts").status, 200);
    std::thread::sleep(std::time::Duration::from_millis(3100));
    server
        .get("/api/v1/districts")
        .assert_problem(401, "unauthenticated");

    let token = server.login("tanaka", PASSWORD);
    server.use_token(Some(token));
    assert_eq!(server.delete("/api/v1/sessions/current").status, 204);
    server
        .get("/api/v1/districts")
        .assert_problem(401, "unauthenticated");

    server.use_token(None);
    // A second server on the same database, as behind a load balancer or after a restart.
    let other = server.beside();
    other.use_token(None);
    let attempt = |server: &TestServer, password: &str| {
        server.post(
            "/api/v1/sessions",
            &json!({"username": "tanaka", "password": password}),
        )
    };
    for _ in 0..3 {
        attempt(&server, "wrong-password-123").assert_problem(401, "unauthenticated");
    }
    // Now even the right password waits, from this address.
    let refused = attempt(&server, PASSWORD);
    refused.assert_problem(429, "too_many_attempts");
    assert_eq!(refused.retry_after.as_deref(), Some("1"), "{refused:?}");

    // The other server refuses it too: the failures are in the database.
    attempt(&other, PASSWORD).assert_problem(429, "too_many_attempts");

    // Each further failure doubles the wait.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    attempt(&other, "wrong-password-123").assert_problem(401, "unauthenticated");
    let refused = attempt(&server, PASSWORD);
    refused.assert_problem(429, "too_many_attempts");
    assert_eq!(refused.retry_after.as_deref(), Some("2"), "{refused:?}");

    // An unknown name is refused exactly like a wrong password.
    server
        .post(
            "/api/v1/sessions",
            &json!({"username": "nobody", "password": PASSWORD}),
        )
        .assert_problem(401, "unauthenticated");
    server
        .post("/api/v1/sessions", &json!({}))
        .assert_problem(422, "validation_failed");
}

#[test]
fn a_guessable_password_for_a_new_user_is_refused_with_422_saying_why() {
    let server = TestServer::start();
    let weak = server.post(
        "/api/v1/users",
        &json!({"username": "suzuki", "role": "staff", "password": "kurume2026!!"}),
    );
    weak.assert_problem(422, "validation_failed");
    assert_eq!(weak.error_fields(), vec!["password"], "{}", weak.text);
    let message = weak.json["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("推測されやすいパスワードです") && message.contains("kurume"),
        "{message}"
    );
    let strong = server.post(
        "/api/v1/users",
        &json!({"username": "suzuki", "role": "staff", "password": "yellow kettle sings quietly"}),
    );
    assert_eq!(strong.status, 201, "{}", strong.text);
}

fn sql(url: &str, statement: &str) {
    use diesel::{Connection, RunQueryDsl};
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut conn = diesel::SqliteConnection::establish(path).unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(statement)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{e}"));
    } else {
        let mut conn = diesel::PgConnection::establish(url).unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(statement)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn audit_verify(url: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sasaeai"))
        .args(["--database", url, "audit", "verify"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn audit_verify_passes_an_intact_chain_and_names_the_first_tampered_entry() {
    let server = TestServer::start().with_districts();
    let id = person(&server, "監査 太郎", false, Some(true));
    for _ in 0..3 {
        assert_eq!(server.get(&format!("/api/v1/registrants/{id}")).status, 200);
    }
    let (ok, out) = audit_verify(&server.db.url);
    assert!(ok, "{out}");
    assert!(out.contains("\"first_broken\": null"), "{out}");

    // Someone rewrites who read the record in entry 4.
    sql(
        &server.db.url,
        "UPDATE audit_log SET actor = 'someone-else' WHERE id = 4",
    );
    let (ok, out) = audit_verify(&server.db.url);
    assert!(!ok);
    assert!(out.contains("entry 4"), "{out}");
    sql(
        &server.db.url,
        "UPDATE audit_log SET actor = 'admin' WHERE id = 4",
    );
    assert!(audit_verify(&server.db.url).0);

    // An entry whose content can no longer be read is named too.
    sql(
        &server.db.url,
        "UPDATE audit_log SET registrant_ids = 'not json' WHERE id = 5",
    );
    let (ok, out) = audit_verify(&server.db.url);
    assert!(!ok);
    assert!(
        out.contains("entry 5") && out.contains("unreadable"),
        "{out}"
    );
    sql(
        &server.db.url,
        &format!("UPDATE audit_log SET registrant_ids = '[{id}]' WHERE id = 5"),
    );
    assert!(audit_verify(&server.db.url).0);

    // Someone removes an entry from the middle.
    sql(&server.db.url, "DELETE FROM audit_log WHERE id = 3");
    let (ok, out) = audit_verify(&server.db.url);
    assert!(!ok);
    assert!(out.contains("entry 3"), "{out}");
}

/// `audit verify` with its stdout parsed: (success, the check, stdout and stderr).
fn audit_check(url: &str) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sasaeai"))
        .args(["--database", url, "audit", "verify"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let check = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success(), check, text)
}

fn connect(url: &str) -> sasaeai::storage::DbConnection {
    sasaeai::storage::DatabaseUrl::parse(url)
        .and_then(|u| u.connect())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What an attacker with the database (and not the key file) can do: rewrite every entry from
/// `from` on with hashes of their own making, so that each fits the one before.
fn rehash_from(
    url: &str,
    from: i64,
    hash: impl Fn(&str, &sasaeai::storage::audit::AuditEntry) -> String,
) {
    let entries = sasaeai::storage::audit::page(&mut connect(url), 0, 100_000)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut prev = sasaeai::domain::access::GENESIS_HASH.to_owned();
    for entry in entries {
        if entry.id >= from {
            let new = hash(&prev, &entry);
            sql(
                url,
                &format!(
                    "UPDATE audit_log SET prev_hash = '{prev}', hash = '{new}' WHERE id = {}",
                    entry.id
                ),
            );
            prev = new;
        } else {
            prev = entry.hash;
        }
    }
}

#[test]
fn audit_verify_fails_a_chain_recomputed_without_the_key() {
    use sasaeai::domain::access::{AuditKey, chain_hash, keyed_chain_hash};
    let server = TestServer::start().with_districts();
    let id = person(&server, "監査 次郎", false, Some(true));
    for _ in 0..3 {
        assert_eq!(server.get(&format!("/api/v1/registrants/{id}")).status, 200);
    }
    let (ok, check, out) = audit_check(&server.db.url);
    assert!(ok, "{out}");
    assert_eq!(
        check["legacy_until"], 0,
        "a new database is keyed from the start"
    );

    // Entry 4 rewritten, and it and every later hash recomputed with plain SHA-256.
    sql(
        &server.db.url,
        "UPDATE audit_log SET actor = 'someone-else' WHERE id = 4",
    );
    rehash_from(&server.db.url, 4, |prev, e| {
        chain_hash(prev, e.id, e.at, &e.record)
    });
    let (ok, _, out) = audit_check(&server.db.url);
    assert!(!ok, "{out}");
    assert!(
        out.contains("broken at entry 4") && out.contains("without the key"),
        "{out}"
    );

    // The same with HMAC under a key of the attacker's own.
    let guessed = AuditKey::from_bytes([0x42; 32]);
    rehash_from(&server.db.url, 4, |prev, e| {
        keyed_chain_hash(&guessed, prev, e.id, e.at, &e.record)
    });
    let (ok, _, out) = audit_check(&server.db.url);
    assert!(!ok, "{out}");
    assert!(out.contains("broken at entry 4"), "{out}");

    // Or the whole log rehashed the old way and the start record removed, so that at the
    // next start every entry passes for a legacy one: the anchors still name the real chain.
    rehash_from(&server.db.url, 1, |prev, e| {
        chain_hash(prev, e.id, e.at, &e.record)
    });
    sql(&server.db.url, "DELETE FROM audit_chain");
    let (ok, _, out) = audit_check(&server.db.url);
    assert!(!ok, "{out}");
    assert!(out.contains("start record was replaced"), "{out}");
}

#[test]
fn audit_verify_detects_a_cut_tail_against_the_last_anchor() {
    let server = TestServer::start().with_districts();
    let id = person(&server, "監査 三郎", false, Some(true));
    for _ in 0..4 {
        assert_eq!(server.get(&format!("/api/v1/registrants/{id}")).status, 200);
    }
    let (ok, check, out) = audit_check(&server.db.url);
    assert!(ok, "{out}");
    let last = check["last_id"].as_i64().unwrap_or(0);
    assert!(last >= 5, "{check}");
    assert!(out.contains("Head for the record") && out.contains(&format!("last id {last}")));
    let (_, anchors) = server.db.audit_files();
    let lines = std::fs::read_to_string(&anchors).unwrap_or_default();
    assert!(
        lines
            .lines()
            .last()
            .unwrap_or_default()
            .contains(&format!("\"last_id\":{last}")),
        "{lines}"
    );

    // The last two entries removed: every link that is left still fits.
    sql(
        &server.db.url,
        &format!("DELETE FROM audit_log WHERE id > {}", last - 2),
    );
    let (ok, check, out) = audit_check(&server.db.url);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("broken at entry {}", last - 1)) && out.contains("was cut"),
        "{out}"
    );
    assert_eq!(check["entries"], last - 2, "{check}");
    assert!(
        check["anchored_at"].is_null(),
        "a broken chain is not anchored"
    );
}

#[test]
fn a_log_written_before_the_key_existed_still_verifies_and_its_boundary_cannot_be_moved() {
    use diesel::{ExpressionMethods, RunQueryDsl};
    use sasaeai::domain::access::{AuditRecord, GENESIS_HASH, chain_hash};
    use sasaeai::storage::schema::audit_log;
    let db = common::TestDatabase::new();
    // A database as the version before the key left it: its schema, entries chained with
    // plain SHA-256, no key file and no record of where a keyed chain begins.
    {
        let mut conn = connect(&db.url);
        sasaeai::storage::run_migrations(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        for statement in [
            "DROP TABLE audit_chain",
            "DELETE FROM __diesel_schema_migrations WHERE version = '20261201210000'",
        ] {
            diesel::sql_query(statement)
                .execute(&mut conn)
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        let mut prev = GENESIS_HASH.to_owned();
        for id in 1..=3_i64 {
            let at = sasaeai::storage::now();
            let record = AuditRecord {
                actor: "cli:old".into(),
                role: None,
                action: "login".into(),
                target: format!("/old/{id}"),
                registrant_ids: vec![],
                incident_grants: vec![],
                outcome: "ok".into(),
            };
            let hash = chain_hash(&prev, id, at, &record);
            diesel::insert_into(audit_log::table)
                .values((
                    audit_log::id.eq(id),
                    audit_log::at.eq(at),
                    audit_log::actor.eq(&record.actor),
                    audit_log::role.eq(None::<String>),
                    audit_log::action.eq(&record.action),
                    audit_log::target.eq(&record.target),
                    audit_log::registrant_ids.eq("[]"),
                    audit_log::incident_grants.eq("[]"),
                    audit_log::outcome.eq(&record.outcome),
                    audit_log::prev_hash.eq(&prev),
                    audit_log::hash.eq(&hash),
                ))
                .execute(&mut conn)
                .unwrap_or_else(|e| panic!("{e}"));
            prev = hash;
        }
    }
    let (key_file, _) = db.audit_files();
    assert!(!key_file.exists());

    // The new version opens it: the key is made, entries 1-3 are the legacy part, and what
    // it writes from now on is keyed.
    let settings = sasaeai::config::Settings {
        database_url: db.url.clone(),
        ..sasaeai::config::Settings::default()
    };
    {
        let ctx = sasaeai::services::AppContext::open(settings).unwrap_or_else(|e| panic!("{e}"));
        let record = sasaeai::services::access::caller_record(
            &sasaeai::services::access::Caller::local("cli:new"),
            "read",
            "/new",
            vec![],
            vec![],
        );
        sasaeai::services::access::record(&ctx, record).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(key_file.exists(), "the key is made at the first start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
    }
    let (ok, check, out) = audit_check(&db.url);
    assert!(ok, "{out}");
    assert_eq!(check["legacy_until"], 3, "{check}");
    assert_eq!(check["entries"], 4, "{check}");

    // A legacy entry edited is still found.
    sql(
        &db.url,
        "UPDATE audit_log SET target = '/other' WHERE id = 2",
    );
    let (ok, _, out) = audit_check(&db.url);
    assert!(!ok && out.contains("broken at entry 2"), "{out}");
    sql(
        &db.url,
        "UPDATE audit_log SET target = '/old/2' WHERE id = 2",
    );
    assert!(audit_check(&db.url).0);

    // Moving the boundary, so that keyed entries could be passed off as legacy ones, needs
    // the key: the start is refused.
    sql(&db.url, "UPDATE audit_chain SET legacy_until = 4");
    let (ok, _, out) = audit_check(&db.url);
    assert!(!ok && out.contains("audit_chain was changed"), "{out}");
    sql(&db.url, "UPDATE audit_chain SET legacy_until = 3");
    assert!(audit_check(&db.url).0);

    // A key file others may read, or none at all, stops every command with the fix.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let open = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(&key_file, open).unwrap_or_else(|e| panic!("{e}"));
        let (ok, _, out) = audit_check(&db.url);
        assert!(!ok && out.contains("chmod 600"), "{out}");
        let closed = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(&key_file, closed).unwrap_or_else(|e| panic!("{e}"));
    }
    let kept = key_file.with_extension("kept");
    std::fs::rename(&key_file, &kept).unwrap_or_else(|e| panic!("{e}"));
    let (ok, _, out) = audit_check(&db.url);
    assert!(
        !ok && out.contains("is missing") && out.contains("Restore"),
        "{out}"
    );
    assert!(!key_file.exists(), "no new key replaces a lost one");
    std::fs::rename(&kept, &key_file).unwrap_or_else(|e| panic!("{e}"));
    assert!(audit_check(&db.url).0);
}

#[test]
fn a_full_api_run_writes_no_personal_data_to_the_log() {
    let db = common::TestDatabase::new();
    let mut add = Command::new(env!("CARGO_BIN_EXE_sasaeai"))
        .args([
            "--database",
            &db.url,
            "--operator",
            "test-admin",
            "user",
            "add",
            "--username",
            "logtest",
            "--role",
            "staff",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = add.stdin.take() {
        writeln!(stdin, "{PASSWORD}").unwrap_or_default();
    }
    assert!(add.wait().is_ok_and(|s| s.success()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sasaeai"))
        .args(["--database", &db.url, "serve", "--bind", "127.0.0.1:0"])
        .env("SASAEAI_LOG", "debug")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = child.stderr.take().unwrap_or_else(|| panic!("stderr"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut log = Vec::new();
    let base = loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("{e}: {log:#?}"));
        log.push(line.clone());
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break format!(
                "http://{}",
                rest.split_whitespace().next().unwrap_or_default()
            );
        }
    };
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let call = |method: &str, path: &str, token: &str, body: Option<Value>| -> Value {
        let url = format!("{base}{path}");
        let auth = format!("Bearer {token}");
        let mut response = match (method, body) {
            ("GET", _) => agent.get(&url).header("authorization", &auth).call(),
            (_, body) => agent
                .post(&url)
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .send(body.unwrap_or_default().to_string().as_bytes()),
        }
        .unwrap_or_else(|e| panic!("{e}"));
        response.body_mut().read_json().unwrap_or_default()
    };
    // A failed login with a name, then a real one.
    call(
        "POST",
        "/api/v1/sessions",
        "",
        Some(json!({"username": "logtest", "password": "秘密の合言葉です"})),
    );
    let token = call(
        "POST",
        "/api/v1/sessions",
        "",
        Some(json!({"username": "logtest", "password": PASSWORD})),
    )["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let created = call("POST", "/api/v1/registrants", &token, Some(registrant()));
    let id = created["id"].as_i64().unwrap_or(0);
    assert!(id > 0, "{created}");
    call("POST", "/api/v1/supporters", &token, Some(supporter()));
    call("GET", &format!("/api/v1/registrants/{id}"), &token, None);
    call(
        "GET",
        "/api/v1/registrants?q=%E4%B9%85%E7%95%99%E7%B1%B3",
        &token,
        None,
    ); // q=久留米
    call(
        "POST",
        "/api/v1/registrants",
        &token,
        Some(json!({"name": "久留米 花子", "birth_date": "not-a-date"})),
    );
    call("POST", "/api/v1/matching/runs", &token, Some(json!({})));
    let _ = child.kill();
    let _ = child.wait();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(500)) {
        log.push(line);
    }
    let text = log.join("\n");
    assert!(
        text.contains("/api/v1/registrants"),
        "requests are logged: {text}"
    );
    for personal in [
        "久留米",
        "花子",
        "くるめ",
        "クルメ",
        "ひばり野市本町",
        "0942-00-1234",
        "090-0000-1111",
        "090-0000-2222",
        "筑後",
        "1941-03-15",
        "秘密の合言葉",
        PASSWORD,
    ] {
        assert!(
            !text.contains(personal),
            "{personal} found in the log:\n{text}"
        );
    }
}
