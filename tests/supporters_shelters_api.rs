//! Supporters and shelters over HTTP: the same create / get / patch / list shape as registrants.

mod common;

use common::{Resp, TestServer, shelter, supporter};
use serde_json::{Value, json};

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

fn ids(resp: &Resp) -> Vec<i64> {
    resp.json["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[test]
fn supporter_lifecycle_create_get_patch_list_history() {
    let server = TestServer::start().with_districts();
    let created = server.post("/api/v1/supporters", &supporter());
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    assert_eq!(created.json["kind"], "neighbour");
    assert_eq!(
        created.json["capabilities"],
        json!(["wheelchair", "night_time"])
    );
    assert_eq!(created.json["status"], "active");
    let d1 = server.get("/api/v1/districts").json["items"][0]["id"].clone();
    assert_eq!(created.json["district_id"], d1);
    let path = format!("/api/v1/supporters/{}", created.json["id"]);
    assert_eq!(server.get(&path).json, created.json);

    server
        .patch(&path, &json!({"capacity": 3}), None)
        .assert_problem(428, "precondition_required");
    let updated = server.patch(
        &path,
        &json!({"capacity": 3, "status": "inactive"}),
        created.etag.as_deref(),
    );
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(
        (
            updated.json["capacity"].clone(),
            updated.json["status"].clone()
        ),
        (json!(3), json!("inactive"))
    );
    server
        .patch(&path, &json!({"capacity": 4}), created.etag.as_deref())
        .assert_problem(412, "version_conflict");

    let other = server.post(
        "/api/v1/supporters",
        &with(
            with(supporter(), "kind", json!("fire_brigade")),
            "longitude",
            json!(130.52),
        ),
    );
    assert_eq!(other.status, 201);
    assert_eq!(
        ids(&server.get("/api/v1/supporters?kind=fire_brigade")),
        vec![other.json["id"].as_i64().unwrap_or(0)]
    );
    assert_eq!(
        ids(&server.get(&format!("/api/v1/supporters?district_id={d1}"))),
        vec![created.json["id"].as_i64().unwrap_or(0)]
    );
    let page = server.get("/api/v1/supporters?limit=1");
    assert_eq!(ids(&page).len(), 1);
    assert!(page.json["next_cursor"].is_string());
    server
        .get("/api/v1/supporters?kind=alien")
        .assert_problem(422, "validation_failed");

    let history = server.get(&format!("{path}/history"));
    assert_eq!(
        history.json["items"][1]["changed_fields"],
        json!(["capacity", "status"])
    );
}

#[test]
fn supporter_bad_input_names_the_field_and_writes_nothing() {
    let server = TestServer::start();
    let cases: Vec<(Value, &str)> = vec![
        (with(supporter(), "kind", json!("hero")), "kind"),
        (with(supporter(), "capacity", json!(0)), "capacity"),
        (
            with(supporter(), "capabilities", json!(["flying"])),
            "capabilities[0]",
        ),
        (with(supporter(), "latitude", json!(-95)), "latitude"),
        (with(supporter(), "phone", json!("")), "phone"),
        (
            with(supporter(), "consent_date", Value::Null),
            "consent_date",
        ),
    ];
    for (body, field) in cases {
        let resp = server.post("/api/v1/supporters", &body);
        resp.assert_problem(422, "validation_failed");
        assert_eq!(resp.error_fields(), vec![field.to_owned()], "{}", resp.text);
    }
    server
        .get("/api/v1/supporters/424242")
        .assert_problem(404, "not_found");
    server
        .patch(
            "/api/v1/supporters/424242",
            &json!({"capacity": 2}),
            Some("\"1\""),
        )
        .assert_problem(404, "not_found");
    assert_eq!(ids(&server.get("/api/v1/supporters")), Vec::<i64>::new());
}

#[test]
fn shelter_lifecycle_create_get_patch_list() {
    let server = TestServer::start().with_districts();
    let created = server.post("/api/v1/shelters", &shelter());
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["hazards"], json!(["earthquake", "large_fire"]));
    assert_eq!(created.json["is_open"], true);
    let d2 = server.get("/api/v1/districts").json["items"][1]["id"].clone();
    assert_eq!(created.json["district_id"], d2);
    let path = format!("/api/v1/shelters/{}", created.json["id"]);
    assert_eq!(server.get(&path).etag.as_deref(), Some("\"1\""));

    let closed = server.patch(
        &path,
        &json!({"is_open": false, "capacity": 350}),
        created.etag.as_deref(),
    );
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(
        (
            closed.json["is_open"].clone(),
            closed.json["capacity"].clone()
        ),
        (json!(false), json!(350))
    );

    let welfare = json!({
        "name": "特別養護老人ホーム ひばり荘", "address": "ひばり野市西町5-5", "latitude": 33.31, "longitude": 130.50,
        "kind": "welfare_shelter", "capacity": 20, "welfare_targets": ["elderly", "medical_care"], "accessibility": ["power_backup"]
    });
    let welfare = server.post("/api/v1/shelters", &welfare);
    assert_eq!(welfare.status, 201, "{}", welfare.text);
    assert_eq!(
        welfare.json["is_open"], false,
        "welfare shelters open on request"
    );
    assert_eq!(
        ids(&server.get("/api/v1/shelters?kind=welfare_shelter")),
        vec![welfare.json["id"].as_i64().unwrap_or(0)]
    );

    let duplicate = server.post("/api/v1/shelters", &shelter());
    duplicate.assert_problem(409, "duplicate");
    assert!(
        duplicate.json["detail"]
            .as_str()
            .is_some_and(|d| d.contains("gsi_id"))
    );
}

#[test]
fn shelter_rules_refuse_inconsistent_designations() {
    let server = TestServer::start();
    let cases: Vec<(Value, &str)> = vec![
        (
            with(
                with(shelter(), "kind", json!("emergency_site")),
                "hazards",
                json!([]),
            ),
            "hazards",
        ),
        (with(shelter(), "hazards", json!(["meteor"])), "hazards[0]"),
        (
            with(shelter(), "welfare_targets", json!(["elderly"])),
            "welfare_targets",
        ),
        (with(shelter(), "capacity", json!(-1)), "capacity"),
        (with(shelter(), "kind", json!("hotel")), "kind"),
    ];
    for (body, field) in cases {
        let resp = server.post("/api/v1/shelters", &body);
        resp.assert_problem(422, "validation_failed");
        assert_eq!(resp.error_fields(), vec![field.to_owned()], "{}", resp.text);
    }
    assert_eq!(ids(&server.get("/api/v1/shelters")), Vec::<i64>::new());
}
