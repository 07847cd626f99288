//! The register over HTTP: create, read, correct with If-Match, lifecycle, history, lists, and
//! every kind of bad input refused without writing anything.

mod common;

use std::sync::{Arc, Barrier};

use common::{Resp, TestServer, registrant};
use serde_json::{Value, json};

fn create(server: &TestServer, body: &Value) -> Resp {
    let created = server.post("/api/v1/registrants", body);
    assert_eq!(created.status, 201, "{}", created.text);
    created
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[test]
fn created_registrant_reads_back_with_etag_and_district() {
    let server = TestServer::start().with_districts();
    let created = create(&server, &registrant());
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    let body = &created.json;
    assert_eq!(body["version"], 1);
    assert_eq!(body["status"], "active");
    assert_eq!(body["name"], "久留米 花子");
    assert_eq!(
        body["name_kana"], "クルメ ハナコ",
        "hiragana is stored as katakana"
    );
    assert_eq!(
        body["support_reasons"],
        json!(["elderly_only_household", "care_level"])
    );
    assert_eq!(body["emergency_contacts"][0]["relation"], "長男");
    let districts = server.get("/api/v1/districts");
    assert_eq!(districts.json["items"][0]["code"], "D1");
    assert_eq!(body["district_id"], districts.json["items"][0]["id"]);

    let read = server.get(&format!("/api/v1/registrants/{}", body["id"]));
    assert_eq!(read.status, 200);
    assert_eq!(read.etag, created.etag);
    assert_eq!(read.json, created.json);
}

#[test]
fn district_follows_the_home_and_is_null_outside_every_district() {
    let server = TestServer::start().with_districts();
    let east = create(&server, &with(registrant(), "longitude", json!(130.52)));
    let d2 = server.get("/api/v1/districts").json["items"][1]["id"].clone();
    assert_eq!(east.json["district_id"], d2);
    let far = create(&server, &with(registrant(), "latitude", json!(35.0)));
    assert!(far.json["district_id"].is_null());
    let unlocated = registrant().as_object().cloned().map(|mut m| {
        m.remove("latitude");
        m.remove("longitude");
        Value::Object(m)
    });
    let unlocated = create(&server, &unlocated.unwrap_or_default());
    assert!(unlocated.json["district_id"].is_null());
    assert!(unlocated.json["latitude"].is_null());

    // Moving the home to the east district moves the registrant with it.
    let id = far.json["id"].clone();
    let moved = server.patch(
        &format!("/api/v1/registrants/{id}"),
        &json!({"latitude": 33.31, "longitude": 130.52}),
        far.etag.as_deref(),
    );
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json["district_id"], d2);
}

#[test]
fn patch_needs_if_match_and_refuses_a_stale_version() {
    let server = TestServer::start();
    let created = create(&server, &registrant());
    let path = format!("/api/v1/registrants/{}", created.json["id"]);

    server
        .patch(&path, &json!({"phone": "0942-00-9999"}), None)
        .assert_problem(428, "precondition_required");
    let updated = server.patch(
        &path,
        &json!({"phone": "0942-00-9999"}),
        created.etag.as_deref(),
    );
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.etag.as_deref(), Some("\"2\""));
    assert_eq!(updated.json["phone"], "0942-00-9999");
    assert_eq!(
        updated.json["name"], "久留米 花子",
        "fields not in the patch stay"
    );

    let stale = server.patch(
        &path,
        &json!({"phone": "0942-00-0000"}),
        created.etag.as_deref(),
    );
    stale.assert_problem(412, "version_conflict");
    assert_eq!(stale.json["current_version"], 2);
    server
        .patch(&path, &json!({"phone": "0942-00-0000"}), Some("garbage"))
        .assert_problem(412, "version_conflict");
    assert_eq!(server.get(&path).json["phone"], "0942-00-9999");
}

#[test]
fn patch_with_null_clears_an_optional_field_and_refuses_server_fields() {
    let server = TestServer::start();
    let created = create(&server, &registrant());
    let path = format!("/api/v1/registrants/{}", created.json["id"]);
    let cleared = server.patch(
        &path,
        &json!({"phone": null, "care_level": null}),
        created.etag.as_deref(),
    );
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert!(cleared.json["phone"].is_null() && cleared.json["care_level"].is_null());

    for field in ["id", "version", "status", "district_id"] {
        let refused = server.patch(&path, &json!({ field: 1 }), cleared.etag.as_deref());
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.error_fields(), vec![field.to_owned()]);
    }
    // Clearing a required field is invalid input, not a silent change.
    let refused = server.patch(&path, &json!({"name": null}), cleared.etag.as_deref());
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["name"]);
    assert_eq!(server.get(&path).json, cleared.json);
}

#[test]
fn two_clients_updating_the_same_version_one_wins_and_history_shows_one_change() {
    let server = Arc::new(TestServer::start());
    let created = create(&server, &registrant());
    let id = created.json["id"].clone();
    let etag = created.etag.clone().unwrap_or_default();
    let barrier = Arc::new(Barrier::new(2));
    let clients: Vec<_> = ["0942-00-1111", "0942-00-2222"]
        .into_iter()
        .map(|phone| {
            let (server, barrier, etag, id) =
                (server.clone(), barrier.clone(), etag.clone(), id.clone());
            std::thread::spawn(move || {
                barrier.wait();
                server.patch(
                    &format!("/api/v1/registrants/{id}"),
                    &json!({ "phone": phone }),
                    Some(&etag),
                )
            })
        })
        .collect();
    let results: Vec<Resp> = clients
        .into_iter()
        .map(|c| c.join().expect("client thread"))
        .collect();
    let mut statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 412], "{results:?}");
    let winner = results
        .iter()
        .find(|r| r.status == 200)
        .map(|r| r.json["phone"].clone());

    let history = server.get(&format!("/api/v1/registrants/{id}/history"));
    assert_eq!(history.status, 200);
    let actions: Vec<&str> = history.json["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, vec!["created", "updated"]);
    assert_eq!(history.json["items"][1]["changed_fields"], json!(["phone"]));
    assert_eq!(
        history.json["items"][1]["snapshot"]["phone"],
        winner.unwrap_or_default()
    );
    assert_eq!(
        server.get(&format!("/api/v1/registrants/{id}")).json["version"],
        2
    );
}

#[test]
fn lifecycle_status_changes_are_kept_in_history_and_nobody_is_deleted() {
    let server = TestServer::start();
    let created = create(&server, &registrant());
    let id = created.json["id"].clone();
    let path = format!("/api/v1/registrants/{id}/status");

    server
        .post_if_match(
            &path,
            &json!({"status": "moved", "reason": "市外へ転出"}),
            None,
        )
        .assert_problem(428, "precondition_required");
    let no_reason =
        server.post_if_match(&path, &json!({"status": "moved"}), created.etag.as_deref());
    no_reason.assert_problem(422, "validation_failed");
    assert_eq!(no_reason.error_fields(), vec!["reason"]);
    let unknown = server.post_if_match(
        &path,
        &json!({"status": "deleted", "reason": "x"}),
        created.etag.as_deref(),
    );
    assert_eq!(unknown.error_fields(), vec!["status"]);

    let moved = server.post_if_match(
        &path,
        &json!({"status": "moved", "reason": "市外へ転出", "date": "2026-10-01"}),
        created.etag.as_deref(),
    );
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json["status"], "moved");
    assert_eq!(moved.json["status_reason"], "市外へ転出");
    assert_eq!(moved.json["status_date"], "2026-10-01");
    assert_eq!(moved.etag.as_deref(), Some("\"2\""));

    // The default list shows active people only; status=any and status=moved still find them.
    assert_eq!(server.get("/api/v1/registrants").json["items"], json!([]));
    assert_eq!(
        server.get("/api/v1/registrants?status=moved").json["items"][0]["id"],
        id
    );
    assert_eq!(
        server.get("/api/v1/registrants?status=any").json["items"][0]["id"],
        id
    );

    let back = server.post_if_match(&path, &json!({"status": "active"}), moved.etag.as_deref());
    assert_eq!(back.status, 200, "{}", back.text);
    let history = server.get(&format!("/api/v1/registrants/{id}/history"));
    let entries = history.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let summary: Vec<(i64, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["version"].as_i64().unwrap_or(0),
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["snapshot"]["status"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "created".to_owned(), "active".to_owned()),
            (2, "status_changed".to_owned(), "moved".to_owned()),
            (3, "status_changed".to_owned(), "active".to_owned()),
        ]
    );
    assert_eq!(entries[1]["changed_by"], "admin");
}

#[test]
fn list_filters_by_district_and_name_or_kana_and_pages_with_a_cursor() {
    let server = TestServer::start().with_districts();
    let names = [
        ("古賀 一郎", "コガ イチロウ", 130.50),
        ("古賀 花子", "コガ ハナコ", 130.52),
        ("江口 正", "エグチ タダシ", 130.50),
    ];
    for (name, kana, lon) in names {
        let body = with(
            with(
                with(registrant(), "name", json!(name)),
                "name_kana",
                json!(kana),
            ),
            "longitude",
            json!(lon),
        );
        create(&server, &body);
    }
    let names_of = |resp: &Resp| -> Vec<String> {
        resp.json["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let d1 = server.get("/api/v1/districts").json["items"][0]["id"].clone();
    assert_eq!(
        names_of(&server.get(&format!("/api/v1/registrants?district_id={d1}"))),
        vec!["古賀 一郎", "江口 正"]
    );
    assert_eq!(
        names_of(&server.get("/api/v1/registrants?q=%E5%8F%A4%E8%B3%80")),
        vec!["古賀 一郎", "古賀 花子"]
    );
    // Kana search accepts hiragana: えぐち
    assert_eq!(
        names_of(&server.get("/api/v1/registrants?q=%E3%81%88%E3%81%90%E3%81%A1")),
        vec!["江口 正"]
    );
    // LIKE wildcards in q are literal.
    assert_eq!(
        names_of(&server.get("/api/v1/registrants?q=%25")),
        Vec::<String>::new()
    );

    let first = server.get("/api/v1/registrants?limit=2");
    assert_eq!(names_of(&first), vec!["古賀 一郎", "古賀 花子"]);
    let cursor = first.json["next_cursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!cursor.is_empty());
    let second = server.get(&format!("/api/v1/registrants?limit=2&cursor={cursor}"));
    assert_eq!(names_of(&second), vec!["江口 正"]);
    assert!(second.json["next_cursor"].is_null());

    let bad = server.get("/api/v1/registrants?limit=0&cursor=abc&status=gone");
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["status", "limit", "cursor"]);
}

#[test]
fn list_limit_is_capped() {
    let server = TestServer::start_with(|s| s.list_limit_max = 2);
    for _ in 0..3 {
        create(&server, &registrant());
    }
    let page = server.get("/api/v1/registrants?limit=1000");
    assert_eq!(page.status, 200);
    assert_eq!(page.json["items"].as_array().map(Vec::len), Some(2));
    assert!(page.json["next_cursor"].is_string());
}

#[test]
fn each_kind_of_bad_input_is_refused_with_its_field_and_nothing_is_written() {
    let server = TestServer::start();
    let existing = create(&server, &registrant());
    let before = server.all_registrants();
    let history_before = server
        .get(&format!(
            "/api/v1/registrants/{}/history",
            existing.json["id"]
        ))
        .json;

    let cases: Vec<(Value, &str)> = vec![
        (with(registrant(), "latitude", json!(91)), "latitude"),
        (with(registrant(), "longitude", json!(-181.5)), "longitude"),
        (
            with(registrant(), "birth_date", json!("2999-01-01")),
            "birth_date",
        ),
        (
            with(registrant(), "birth_date", json!("1941-02-30")),
            "birth_date",
        ),
        (
            with(
                registrant(),
                "support_reasons",
                json!(["care_level", "flying"]),
            ),
            "support_reasons[1]",
        ),
        (
            with(registrant(), "support_reasons", json!([])),
            "support_reasons",
        ),
        (with(registrant(), "name", json!("   ")), "name"),
        (with(registrant(), "name", json!(42)), "name"),
        (with(registrant(), "sex", json!("x")), "sex"),
        (with(registrant(), "phone", json!("call me")), "phone"),
        (with(registrant(), "name_kana", json!("山田")), "name_kana"),
        (with(registrant(), "care_level", json!(6)), "care_level"),
        (with(registrant(), "latitude", json!("north")), "latitude"),
        (
            with(registrant(), "unknown_field", json!(1)),
            "unknown_field",
        ),
        (
            with(
                registrant(),
                "emergency_contacts",
                json!([{"name": "子", "phone": "x"}]),
            ),
            "emergency_contacts[0].phone",
        ),
    ];
    for (body, field) in cases {
        let resp = server.post("/api/v1/registrants", &body);
        resp.assert_problem(422, "validation_failed");
        assert_eq!(resp.error_fields(), vec![field.to_owned()], "{}", resp.text);
        assert!(
            resp.json["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        // The same bad value is refused as a patch too.
        if field != "unknown_field" && !field.contains('[') {
            let patch = json!({ field: body[field].clone() });
            let resp = server.patch(
                &format!("/api/v1/registrants/{}", existing.json["id"]),
                &patch,
                existing.etag.as_deref(),
            );
            resp.assert_problem(422, "validation_failed");
        }
    }

    server
        .send(
            "POST",
            "/api/v1/registrants",
            "application/json",
            b"{\"name\": ",
            None,
        )
        .assert_problem(400, "invalid_json");
    server
        .send(
            "POST",
            "/api/v1/registrants",
            "text/plain",
            registrant().to_string().as_bytes(),
            None,
        )
        .assert_problem(415, "unsupported_media_type");
    let huge = json!({"name": "x".repeat(2 * 1024 * 1024)});
    server
        .post("/api/v1/registrants", &huge)
        .assert_problem(413, "payload_too_large");
    server
        .get("/api/v1/registrants/999999")
        .assert_problem(404, "not_found");
    server
        .get("/api/v1/registrants/999999/history")
        .assert_problem(404, "not_found");
    server
        .patch(
            "/api/v1/registrants/999999",
            &json!({"phone": "0942-00-1111"}),
            Some("\"1\""),
        )
        .assert_problem(404, "not_found");
    server
        .get("/api/v1/registrants/abc")
        .assert_problem(404, "no_route");

    assert_eq!(
        server.all_registrants(),
        before,
        "a failed request must not write"
    );
    assert_eq!(
        server
            .get(&format!(
                "/api/v1/registrants/{}/history",
                existing.json["id"]
            ))
            .json,
        history_before
    );
}

#[test]
fn duplicate_external_id_is_a_conflict() {
    let server = TestServer::start();
    create(
        &server,
        &with(registrant(), "external_id", json!("K000000001")),
    );
    let again = server.post(
        "/api/v1/registrants",
        &with(registrant(), "external_id", json!("K000000001")),
    );
    again.assert_problem(409, "duplicate");
    assert_eq!(server.all_registrants().as_array().map(Vec::len), Some(1));
}

#[test]
fn consents_are_recorded_with_date_and_evidence_and_never_overwritten() {
    let server = TestServer::start();
    let created = create(&server, &registrant());
    let path = format!("/api/v1/registrants/{}/consents", created.json["id"]);
    let given = server.post(&path, &json!({"kind": "register_sharing", "given": true, "date": "2026-04-01", "evidence_note": "申請書の同意欄"}));
    assert_eq!(given.status, 201, "{}", given.text);
    let refused = server.post(&path, &json!({"kind": "register_sharing", "given": false, "date": "2026-05-01", "evidence_note": "電話で撤回の申出"}));
    assert_eq!(refused.status, 201);
    let list = server.get(&path);
    let givens: Vec<bool> = list.json["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["given"].as_bool()).collect())
        .unwrap_or_default();
    assert_eq!(givens, vec![true, false]);

    let bad = server.post(
        &path,
        &json!({"kind": "marketing", "given": true, "date": "2999-01-01"}),
    );
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["kind", "date", "evidence_note"]);
    server.post("/api/v1/registrants/999999/consents", &json!({"kind": "plan_creation", "given": true, "date": "2026-04-01", "evidence_note": "x"})).assert_problem(404, "not_found");
    assert_eq!(
        server.get(&path).json["items"].as_array().map(Vec::len),
        Some(2)
    );

    let history = server.get(&format!(
        "/api/v1/registrants/{}/history",
        created.json["id"]
    ));
    assert_eq!(history.json["items"][2]["action"], "consent_recorded");
    assert_eq!(
        history.json["items"][2]["changed_fields"],
        json!(["consents.register_sharing"])
    );
}
