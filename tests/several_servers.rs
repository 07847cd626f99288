//! Two servers on one database, as behind a load balancer: what is written through one is
//! found by the other's spatial queries within a second (each follows the change log), also
//! across a restart; districts imported through one place the other's writes.

mod common;

use std::time::{Duration, Instant};

use common::{TestServer, registrant, shelter, supporter};
use serde_json::{Value, json};

/// The time the issue allows for a write to reach another server's index.
const WITHIN: Duration = Duration::from_secs(1);

fn square(lon: f64, lat: f64, d: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d],
        [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]})
}

fn ids(found: &common::Resp, key: &str) -> Vec<i64> {
    found.json["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.pointer(key).and_then(Value::as_i64))
                .collect()
        })
        .unwrap_or_default()
}

/// Asks `found` until `done` says yes; how long it took, or None after [`WITHIN`].
fn within_a_second(mut found: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() <= WITHIN {
        if found() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    found().then(|| start.elapsed())
}

fn in_area(server: &TestServer, lon: f64, lat: f64) -> Vec<i64> {
    let found = server.post("/api/v1/registrants/within-area", &square(lon, lat, 0.002));
    assert_eq!(found.status, 200, "{}", found.text);
    ids(&found, "/id")
}

#[test]
fn a_write_through_one_server_reaches_the_other_servers_index_within_a_second() {
    let one = TestServer::start().with_districts();
    let other = one.beside();

    // A new person, through one; found by area on the other.
    let created = one.post("/api/v1/registrants", &registrant());
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_i64().unwrap_or(0);
    let took = within_a_second(|| in_area(&other, 130.50, 33.31).contains(&id));
    assert!(
        took.is_some(),
        "registrant {id} not found on the other server"
    );

    // Moved through one: gone from the old place and found at the new one on the other.
    let read = one.get(&format!("/api/v1/registrants/{id}"));
    let moved = one.patch(
        &format!("/api/v1/registrants/{id}"),
        &json!({"latitude": 33.315, "longitude": 130.52}),
        read.etag.as_deref(),
    );
    assert_eq!(moved.status, 200, "{}", moved.text);
    let took = within_a_second(|| {
        in_area(&other, 130.52, 33.315).contains(&id)
            && !in_area(&other, 130.50, 33.31).contains(&id)
    });
    assert!(
        took.is_some(),
        "the move of {id} did not reach the other server"
    );

    // Moved off the register (deceased): left out of the other's area queries.
    let gone = one.send(
        "POST",
        &format!("/api/v1/registrants/{id}/status"),
        "application/json",
        json!({"status": "deceased", "date": "2026-11-30", "reason": "ご逝去"})
            .to_string()
            .as_bytes(),
        moved.etag.as_deref(),
    );
    assert_eq!(gone.status, 200, "{}", gone.text);
    let took = within_a_second(|| !in_area(&other, 130.52, 33.315).contains(&id));
    assert!(took.is_some(), "{id} still in the other server's index");

    // A supporter and a shelter, through one; found nearby on the other.
    let helper = one.post("/api/v1/supporters", &supporter());
    assert_eq!(helper.status, 201, "{}", helper.text);
    let helper = helper.json["id"].as_i64().unwrap_or(0);
    let took = within_a_second(|| {
        let near = other.get("/api/v1/supporters/within?lat=33.3105&lon=130.5005&radius_m=500");
        ids(&near, "/supporter/id").contains(&helper) || ids(&near, "/id").contains(&helper)
    });
    assert!(
        took.is_some(),
        "supporter {helper} not found on the other server"
    );
    let site = one.post("/api/v1/shelters", &shelter());
    assert_eq!(site.status, 201, "{}", site.text);
    let site = site.json["id"].as_i64().unwrap_or(0);
    let took = within_a_second(|| {
        let near = other.get("/api/v1/shelters/nearest?lat=33.305&lon=130.52&hazard=earthquake");
        ids(&near, "/shelter/id").contains(&site) || ids(&near, "/id").contains(&site)
    });
    assert!(
        took.is_some(),
        "shelter {site} not found on the other server"
    );

    // The other way round, too.
    let back = other.post("/api/v1/registrants", &registrant());
    let back = back.json["id"].as_i64().unwrap_or(0);
    assert!(within_a_second(|| in_area(&one, 130.50, 33.31).contains(&back)).is_some());
}

#[test]
fn after_a_restart_and_after_districts_change_elsewhere_the_index_is_current() {
    let one = TestServer::start().with_districts();
    let other = one.beside();
    drop(other);
    // Written while the other server is down; it starts again from the database.
    let created = one.post("/api/v1/registrants", &registrant());
    let id = created.json["id"].as_i64().unwrap_or(0);
    let other = one.beside();
    assert!(
        in_area(&other, 130.50, 33.31).contains(&id),
        "built from the database at start"
    );
    let later = one.post("/api/v1/registrants", &registrant());
    let later = later.json["id"].as_i64().unwrap_or(0);
    assert!(within_a_second(|| in_area(&other, 130.50, 33.31).contains(&later)).is_some());

    // A third district, added through one: the other places its own writes in it.
    let ring = vec![
        (130.49, 33.32),
        (130.53, 33.32),
        (130.53, 33.34),
        (130.49, 33.34),
        (130.49, 33.32),
    ];
    let north = sasaeai::domain::district::NewDistrict {
        code: "D3".into(),
        name: "北校区".into(),
        boundary: geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString::from(ring), vec![])]),
    };
    sasaeai::services::districts::add_geodata(
        &one.ctx,
        &sasaeai::services::access::Caller::local("test-setup"),
        &[north],
        &[],
    )
    .unwrap_or_else(|e| panic!("add a district: {e}"));
    let listed = one.get("/api/v1/districts").json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let d3 = listed
        .iter()
        .find(|d| d["code"] == "D3")
        .and_then(|d| d["id"].as_i64())
        .unwrap_or(0);
    assert!(d3 > 0, "{listed:?}");
    let took = within_a_second(|| {
        let mut body = registrant();
        body["latitude"] = json!(33.33);
        body["longitude"] = json!(130.51);
        let placed = other.post("/api/v1/registrants", &body);
        placed.json["district_id"] == json!(d3)
    });
    assert!(
        took.is_some(),
        "the other server did not learn of district D3"
    );
}
