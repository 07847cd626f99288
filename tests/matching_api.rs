//! Matching over HTTP: proposals with reasons, confirmed links that survive re-runs, rejected
//! pairs never proposed again, determinism, shelters never inside the hazard's zone, and the
//! supporter-gap report.

mod common;

use common::{Resp, TestServer, registrant, supporter};
use serde_json::{Value, json};

fn person(server: &TestServer, name: &str, lat: f64, lon: f64, mobility: &str) -> i64 {
    let mut body = registrant();
    body["name"] = json!(name);
    body["latitude"] = json!(lat);
    body["longitude"] = json!(lon);
    body["mobility"] = json!(mobility);
    let created = server.post("/api/v1/registrants", &body);
    assert_eq!(created.status, 201, "{}", created.text);
    created.json["id"].as_i64().unwrap_or(0)
}

fn helper(server: &TestServer, name: &str, lat: f64, lon: f64, capabilities: Value) -> i64 {
    let mut body = supporter();
    body["name"] = json!(name);
    body["latitude"] = json!(lat);
    body["longitude"] = json!(lon);
    body["capacity"] = json!(1);
    body["capabilities"] = capabilities;
    let created = server.post("/api/v1/supporters", &body);
    assert_eq!(created.status, 201, "{}", created.text);
    created.json["id"].as_i64().unwrap_or(0)
}

fn run(server: &TestServer) -> Resp {
    let run = server.post("/api/v1/matching/runs", &json!({}));
    assert_eq!(run.status, 201, "{}", run.text);
    run
}

fn proposals(server: &TestServer, run: &Resp) -> Vec<Value> {
    let page = server.get(&format!(
        "/api/v1/matching/runs/{}/proposals?limit=200",
        run.json["run_id"]
    ));
    assert_eq!(page.status, 200, "{}", page.text);
    page.json["items"].as_array().cloned().unwrap_or_default()
}

fn supporter_of(proposals: &[Value], registrant: i64) -> Vec<i64> {
    proposals
        .iter()
        .filter(|p| p["kind"] == "supporter" && p["registrant_id"] == registrant)
        .filter_map(|p| p["supporter_id"].as_i64())
        .collect()
}

fn reason_of(proposals: &[Value], registrant: i64) -> Option<String> {
    proposals
        .iter()
        .find(|p| {
            p["kind"] == "unmatched"
                && p["registrant_id"] == registrant
                && p["hazard_type"].is_null()
        })
        .and_then(|p| p["reason"].as_str().map(str::to_owned))
}

#[test]
fn proposals_explain_every_open_place_and_staff_decisions_stick() {
    let server = TestServer::start().with_districts();
    let wheelchair = person(&server, "車いす 利用者", 33.3100, 130.5000, "wheelchair");
    let walker = person(&server, "歩行 可能", 33.3104, 130.5004, "walks");
    let remote = person(&server, "離れた 住まい", 33.3190, 130.5290, "walks");
    let bedridden = person(&server, "寝たきり 患者", 33.3098, 130.4997, "bedridden");
    let pusher = helper(
        &server,
        "車いす 介助者",
        33.3102,
        130.5001,
        json!(["wheelchair"]),
    );
    let neighbour = helper(&server, "近所 住民", 33.3105, 130.5006, json!([]));

    let first = run(&server);
    assert_eq!(first.json["registrants"], 4);
    assert_eq!(
        first.json["places_needed"], 5,
        "two places for the bedridden person"
    );
    let items = proposals(&server, &first);
    assert_eq!(supporter_of(&items, wheelchair), vec![pusher]);
    assert_eq!(supporter_of(&items, walker), vec![neighbour]);
    assert_eq!(
        reason_of(&items, remote).as_deref(),
        Some("nobody_within_radius")
    );
    assert_eq!(
        reason_of(&items, bedridden).as_deref(),
        Some("nobody_capable")
    );
    assert_eq!(first.json["by_reason"]["nobody_within_radius"], 1);
    assert_eq!(first.json["by_reason"]["nobody_capable"], 1);
    assert_eq!(first.json["unmatched"], 2);

    // The same data gives the same proposals.
    let again = run(&server);
    let shape = |items: &[Value]| -> Vec<(Value, Value, Value, Value, Value)> {
        items
            .iter()
            .map(|p| {
                (
                    p["registrant_id"].clone(),
                    p["kind"].clone(),
                    p["supporter_id"].clone(),
                    p["shelter_id"].clone(),
                    p["hazard_type"].clone(),
                )
            })
            .collect()
    };
    let items = proposals(&server, &again);
    assert_eq!(shape(&items), shape(&proposals(&server, &first)));
    // The first run's open proposals were superseded by the second.
    let stale = proposals(&server, &first)
        .into_iter()
        .find(|p| p["kind"] == "supporter")
        .map(|p| p["id"].clone());
    server
        .post(
            &format!("/api/v1/proposals/{}/confirm", stale.unwrap_or_default()),
            &json!({}),
        )
        .assert_problem(409, "proposal_not_pending");

    // Confirm the wheelchair link, reject the neighbour for the walker.
    let link = |who: i64| {
        items
            .iter()
            .find(|p| p["kind"] == "supporter" && p["registrant_id"] == who)
            .map(|p| p["id"].clone())
            .unwrap_or_default()
    };
    let confirmed = server.post(
        &format!("/api/v1/proposals/{}/confirm", link(wheelchair)),
        &json!({}),
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_eq!(confirmed.json["status"], "confirmed");
    let rejected = server.post(
        &format!("/api/v1/proposals/{}/reject", link(walker)),
        &json!({}),
    );
    assert_eq!(rejected.json["status"], "rejected");
    server
        .post(
            &format!("/api/v1/proposals/{}/reject", link(walker)),
            &json!({}),
        )
        .assert_problem(409, "proposal_not_pending");

    // A new supporter next door with every capability: the confirmed link survives, the rejected
    // pair is never proposed again.
    let strong = helper(
        &server,
        "消防団 員",
        33.3101,
        130.5002,
        json!(["wheelchair", "stretcher", "car"]),
    );
    let third = run(&server);
    assert_eq!(third.json["places_confirmed"], 1);
    let items = proposals(&server, &third);
    assert_eq!(
        supporter_of(&items, wheelchair),
        Vec::<i64>::new(),
        "confirmed, not proposed again"
    );
    assert!(
        !supporter_of(&items, walker).contains(&neighbour),
        "a rejected pair is never proposed again"
    );
    let proposed: Vec<i64> = [walker, bedridden]
        .iter()
        .flat_map(|r| supporter_of(&items, *r))
        .collect();
    assert!(proposed.contains(&strong), "{items:?}");
    let person_view = server.get(&format!("/api/v1/registrants/{wheelchair}"));
    let reasons: Vec<&str> = person_view.json["priority"]["reasons"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        !reasons.contains(&"no_supporter"),
        "a confirmed supporter counts: {reasons:?}"
    );

    // The gap report lists who still needs supporters, per district, in JSON and CSV.
    let gaps = server.get("/api/v1/reports/supporter-gaps");
    assert_eq!(gaps.status, 200);
    let open: i64 = gaps.json["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|g| g["registrants"].as_i64()).sum())
        .unwrap_or(0);
    let third_short = third.json["unmatched"].as_i64().unwrap_or(0)
        + third.json["partly_matched"].as_i64().unwrap_or(0);
    assert!(open >= 1 && open <= third_short.max(1) + 1, "{}", gaps.text);
    let csv = server.get("/api/v1/reports/supporter-gaps.csv");
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(
        csv.text.starts_with('\u{feff}') && csv.text.contains("校区コード"),
        "{}",
        csv.text
    );
    assert!(
        csv.text.contains("東校区"),
        "the remote home is in the east district: {}",
        csv.text
    );

    server
        .post("/api/v1/matching/runs", &json!({"district_id": 999}))
        .assert_problem(422, "validation_failed");
    server
        .get("/api/v1/matching/runs/999/proposals")
        .assert_problem(404, "not_found");
    server
        .post("/api/v1/proposals/999999/confirm", &json!({}))
        .assert_problem(404, "not_found");
}

#[test]
fn a_shelter_inside_the_flood_zone_is_never_proposed_for_floods() {
    let server = TestServer::start().with_districts();
    let zone = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"hazard_type": "flood", "level": 2, "name": "テスト浸水区域"},
        "geometry": {"type": "Polygon", "coordinates": [[[130.495, 33.305], [130.505, 33.305], [130.505, 33.315], [130.495, 33.315], [130.495, 33.305]]]}}]});
    let imported = server.send(
        "POST",
        "/api/v1/imports/hazards",
        "application/geo+json",
        zone.to_string().as_bytes(),
        None,
    );
    assert_eq!(imported.json["accepted"], 1, "{}", imported.text);
    let home = person(&server, "浸水区域 住民", 33.3100, 130.5000, "walks");
    let site = |name: &str, lat: f64, lon: f64| -> i64 {
        let body = json!({"name": name, "address": "テスト", "latitude": lat, "longitude": lon, "kind": "emergency_site", "hazards": ["flood", "earthquake"]});
        let created = server.post("/api/v1/shelters", &body);
        assert_eq!(created.status, 201, "{}", created.text);
        created.json["id"].as_i64().unwrap_or(0)
    };
    let inside = site("区域内の公園", 33.3101, 130.5001);
    let outside = site("高台の学校", 33.3190, 130.5100);

    let result = run(&server);
    let items = proposals(&server, &result);
    let shelter_for = |hazard: &str| {
        items
            .iter()
            .find(|p| {
                p["kind"] == "shelter" && p["registrant_id"] == home && p["hazard_type"] == hazard
            })
            .and_then(|p| p["shelter_id"].as_i64())
    };
    assert_eq!(
        shelter_for("flood"),
        Some(outside),
        "the nearer site lies in the flood zone"
    );
    assert_eq!(
        shelter_for("earthquake"),
        Some(inside),
        "for earthquakes the nearest site is fine"
    );
    let home_view = server.get(&format!("/api/v1/registrants/{home}"));
    assert_eq!(home_view.json["hazard_exposure"]["flood"], 2);
}
