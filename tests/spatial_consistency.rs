//! After a random sequence of creates, moves and status changes through the API, the in-memory
//! trees hold exactly what the database says they should.

mod common;

use common::{TestServer, registrant, shelter, supporter};
use sasaeai::services::health::{IndexDrift, index_drift};
use serde_json::{Value, json};

#[test]
fn trees_equal_the_database_after_random_changes() {
    let server = TestServer::start().with_districts();
    let mut seed = 7_u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    let mut records: Vec<(String, Value, String)> = Vec::new(); // (collection, id, etag)
    for step in 0..150 {
        let choice = next() % 6;
        if choice < 2 || records.is_empty() {
            let (collection, mut body) = match next() % 3 {
                0 => ("registrants", registrant()),
                1 => ("supporters", supporter()),
                _ => ("shelters", shelter()),
            };
            body["latitude"] = json!(33.30 + (next() % 200) as f64 / 10_000.0);
            body["longitude"] = json!(130.49 + (next() % 400) as f64 / 10_000.0);
            if collection == "shelters" {
                body["gsi_id"] = json!(format!("E{step:013}"));
            }
            let created = server.post(&format!("/api/v1/{collection}"), &body);
            assert_eq!(created.status, 201, "{}", created.text);
            records.push((
                collection.to_owned(),
                created.json["id"].clone(),
                created.etag.unwrap_or_default(),
            ));
            continue;
        }
        let i = usize::try_from(next()).unwrap_or(0) % records.len();
        let (collection, id, etag) = records[i].clone();
        const STATUSES: [&str; 4] = ["moved", "active", "deceased", "in_care_facility"];
        let status = STATUSES[usize::try_from(next() % 4).unwrap_or(0)];
        let supporter_status = ["active", "inactive"][usize::try_from(next() % 2).unwrap_or(0)];
        let resp = match (collection.as_str(), choice) {
            ("registrants", 2) => server.post_if_match(
                &format!("/api/v1/registrants/{id}/status"),
                &json!({"status": status, "reason": "テスト"}),
                Some(&etag),
            ),
            ("supporters", 2) => server.patch(
                &format!("/api/v1/supporters/{id}"),
                &json!({ "status": supporter_status }),
                Some(&etag),
            ),
            ("registrants", 3) => server.patch(&format!("/api/v1/registrants/{id}"), &json!({"latitude": null, "longitude": null}), Some(&etag)),
            _ => server.patch(
                &format!("/api/v1/{collection}/{id}"),
                &json!({"latitude": 33.30 + (next() % 200) as f64 / 10_000.0, "longitude": 130.49 + (next() % 400) as f64 / 10_000.0}),
                Some(&etag),
            ),
        };
        assert_eq!(resp.status, 200, "{}", resp.text);
        records[i].2 = resp.etag.unwrap_or_default();
        assert_eq!(
            index_drift(&server.ctx).expect("drift"),
            IndexDrift::default(),
            "after step {step}"
        );
    }
    let kinds: Vec<&str> = records.iter().map(|r| r.0.as_str()).collect();
    assert!(
        ["registrants", "supporters", "shelters"]
            .iter()
            .all(|k| kinds.contains(k))
    );
}
