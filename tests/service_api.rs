//! Health, the OpenAPI document, the browsable API page and unknown routes.

mod common;

use std::sync::Arc;

use common::{TestDatabase, TestServer};
use sasaeai::config::Settings;
use sasaeai::services::AppContext;

#[test]
fn healthz_is_ok_when_the_database_answers() {
    let server = TestServer::start();
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json, serde_json::json!({"status": "ok"}));
}

#[test]
fn healthz_is_503_when_the_database_is_unreachable() {
    // Port 1 on loopback refuses connections: a database that is down.
    let settings = Settings {
        database_url: "postgres://nobody:nothing@127.0.0.1:1/none".into(),
        db_timeout: std::time::Duration::from_millis(500),
        workers: 1,
        ..Settings::default()
    };
    let ctx = Arc::new(AppContext::detached(settings).expect("context"));
    let server = TestServer::serve(ctx, TestDatabase::new());
    server.get("/healthz").assert_problem(503, "unavailable");
    // A token cannot be checked either: unavailable, not unauthenticated.
    server.use_token(Some("some-token".into()));
    server
        .get("/api/v1/districts")
        .assert_problem(503, "unavailable");
}

/// Every documented operation is served (no `no_route`), and every route the tests use is
/// documented.
#[test]
fn openapi_document_lists_every_route_and_every_listed_route_exists() {
    let server = TestServer::start();
    let doc = server.get("/api/v1/openapi.json");
    assert_eq!(doc.status, 200);
    assert!(
        doc.json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    let paths = doc.json["paths"].as_object().cloned().unwrap_or_default();
    let mut operations: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flat_map(move |ops| {
                ops.keys()
                    .map(move |m| format!("{} {path}", m.to_uppercase()))
            })
        })
        .collect();
    operations.sort();
    let expected = [
        "GET /api/v1/districts",
        "GET /api/v1/readiness",
        "GET /api/v1/hazard-zones",
        "GET /api/v1/hazard-zones/{id}/registrants",
        "GET /api/v1/imports/hazard-codes",
        "GET /api/v1/registrants",
        "GET /api/v1/registrants/{id}",
        "GET /api/v1/registrants/{id}/consents",
        "GET /api/v1/registrants/{id}/history",
        "GET /api/v1/shelters",
        "GET /api/v1/shelters/nearest",
        "GET /api/v1/shelters/{id}",
        "GET /api/v1/shelters/{id}/history",
        "GET /api/v1/supporters",
        "GET /api/v1/supporters/within",
        "GET /api/v1/supporters/{id}",
        "GET /api/v1/supporters/{id}/history",
        "GET /healthz",
        "PATCH /api/v1/registrants/{id}",
        "PATCH /api/v1/shelters/{id}",
        "PATCH /api/v1/supporters/{id}",
        "POST /api/v1/imports/{kind}",
        "POST /api/v1/imports/registrants",
        "POST /api/v1/imports/supporters",
        "GET /api/v1/exports/supporters.csv",
        "GET /api/v1/exports/registrants.csv",
        "GET /api/v1/exports/{layer}.geojson",
        "GET /api/v1/registrants/duplicates",
        "POST /api/v1/registrants/{id}/merge",
        "POST /api/v1/registrants",
        "POST /api/v1/registrants/within-area",
        "POST /api/v1/registrants/{id}/consents",
        "POST /api/v1/registrants/{id}/status",
        "POST /api/v1/shelters",
        "POST /api/v1/supporters",
        "GET /api/v1/matching/runs/{id}",
        "GET /api/v1/matching/runs/{id}/proposals",
        "POST /api/v1/matching/runs",
        "POST /api/v1/proposals/{id}/confirm",
        "POST /api/v1/proposals/{id}/reject",
        "GET /api/v1/reports/supporter-gaps",
        "GET /api/v1/reports/supporter-gaps.csv",
        "GET /api/v1/registrants/{id}/plan",
        "PUT /api/v1/registrants/{id}/plan",
        "GET /api/v1/registrants/{id}/plan/history",
        "GET /api/v1/registrants/{id}/plan/check",
        "GET /api/v1/prints",
        "GET /api/v1/registrants/{id}/plan.pdf",
        "POST /api/v1/prints/{serial}/return",
        "GET /api/v1/districts/{id}/plans.pdf",
        "GET /api/v1/districts/{id}/safety-check-sheet.pdf",
        "POST /api/v1/sessions",
        "DELETE /api/v1/sessions/current",
        "GET /api/v1/users",
        "POST /api/v1/users",
        "GET /api/v1/incidents",
        "POST /api/v1/incidents",
        "POST /api/v1/incidents/{id}/close",
        "GET /api/v1/audit",
        "POST /api/v1/volunteer-centre/volunteers",
        "GET /api/v1/volunteer-centre/volunteers/{id}",
        "POST /api/v1/volunteer-centre/volunteers/{id}/check-ins",
        "POST /api/v1/volunteer-centre/volunteers/{id}/check-out",
        "POST /api/v1/volunteer-centre/help-requests",
        "GET /api/v1/volunteer-centre/help-requests",
        "GET /api/v1/volunteer-centre/help-requests/{id}",
        "POST /api/v1/volunteer-centre/teams/proposals",
        "GET /api/v1/volunteer-centre/teams",
        "GET /api/v1/volunteer-centre/teams/{id}",
        "PATCH /api/v1/volunteer-centre/teams/{id}",
        "POST /api/v1/volunteer-centre/teams/{id}/confirm",
        "POST /api/v1/volunteer-centre/teams/{id}/equipment",
        "POST /api/v1/volunteer-centre/teams/{id}/equipment/return",
        "POST /api/v1/volunteer-centre/teams/{id}/depart",
        "POST /api/v1/volunteer-centre/teams/{id}/return",
        "POST /api/v1/volunteer-centre/teams/{id}/report",
        "GET /api/v1/volunteer-centre/teams/{id}/slip.pdf",
        "GET /api/v1/volunteer-centre/rosters/{date}.pdf",
        "GET /api/v1/volunteer-centre/stats/{date}",
        "GET /api/v1/volunteer-centre/stats/{date}.csv",
    ];
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(operations, expected);

    // Logging out goes last, so that every other call is made with a live session.
    let mut ordered = operations.clone();
    ordered.sort_by_key(|o| o.starts_with("DELETE"));
    for operation in &ordered {
        let (method, path) = operation.split_once(' ').unwrap_or_default();
        let path = path
            .replace("{id}", "1")
            .replace("{kind}", "districts")
            .replace("{layer}", "districts")
            .replace("{serial}", "P-000001")
            .replace("{date}", "2026-07-10");
        let resp = match method {
            "GET" => server.get(&path),
            "DELETE" => server.delete(&path),
            other => server.send(other, &path, "application/json", b"{}", Some("\"1\"")),
        };
        assert_ne!(
            resp.code(),
            "no_route",
            "{operation} is documented but not served"
        );
        assert_ne!(resp.status, 405, "{operation}");
    }
    for schema in [
        "Registrant",
        "RegistrantInput",
        "Problem",
        "Supporter",
        "Shelter",
        "Consent",
    ] {
        assert!(
            doc.json["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
    // Two Rust types named alike must not overwrite one another's schema.
    let schemas = &doc.json["components"]["schemas"];
    assert!(
        schemas["Proposal"]["properties"]["registrant_id"].is_object(),
        "the matching run's proposal: {}",
        schemas["Proposal"]
    );
    assert!(schemas["TeamProposal"]["properties"]["teams"].is_object());
}

#[test]
fn browsable_api_page_is_served_without_network() {
    let server = TestServer::start();
    let page = server.get("/api/v1/docs/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(
        page.text.contains("swagger"),
        "{}",
        &page.text[..page.text.len().min(300)]
    );
    let typed_without_slash = server.get("/api/v1/docs");
    assert_eq!(typed_without_slash.status, 200, "redirected to the page");
    assert_eq!(typed_without_slash.text, page.text);
    let bundle = server.get("/api/v1/docs/swagger-ui-bundle.js");
    assert_eq!(bundle.status, 200);
    assert!(
        bundle.text.len() > 100_000,
        "the UI is vendored into the binary"
    );
}

#[test]
fn unknown_route_is_a_problem_json_404() {
    let server = TestServer::start();
    server
        .get("/api/v1/nothing-here")
        .assert_problem(404, "no_route");
}
