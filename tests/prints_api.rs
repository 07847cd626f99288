//! The print register: serials are unique, copies still out are listed by holder, and a copy is
//! returned once.

mod common;

use common::{TestServer, registrant};
use sasaeai::domain::RegistrantId;
use sasaeai::services::prints::register_copy;
use serde_json::json;

#[test]
fn copies_get_unique_serials_and_can_be_recalled_by_holder() {
    let server = TestServer::start();
    let person = RegistrantId(
        server.post("/api/v1/registrants", &registrant()).json["id"]
            .as_i64()
            .unwrap_or(0),
    );
    let staff = sasaeai::services::access::Caller::local("staff");
    let a = register_copy(
        &server.ctx,
        "plan",
        &[person],
        "東校区 自主防災会長",
        &staff,
    )
    .expect("register");
    let b = register_copy(
        &server.ctx,
        "plan",
        &[person],
        "東校区 自主防災会長",
        &staff,
    )
    .expect("register");
    let c = register_copy(
        &server.ctx,
        "safety_check_sheet",
        &[person],
        "民生委員 田中",
        &staff,
    )
    .expect("register");
    assert_eq!(
        (a.serial.as_str(), b.serial.as_str(), c.serial.as_str()),
        ("P-000001", "P-000002", "P-000003")
    );

    let holder =
        "%E6%9D%B1%E6%A0%A1%E5%8C%BA%20%E8%87%AA%E4%B8%BB%E9%98%B2%E7%81%BD%E4%BC%9A%E9%95%B7"; // 東校区 自主防災会長
    let serials = |path: &str| -> Vec<String> {
        server.get(path).json["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["serial"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        serials(&format!("/api/v1/prints?outstanding=true&holder={holder}")),
        vec!["P-000001", "P-000002"]
    );

    let returned = server.post("/api/v1/prints/P-000001/return", &json!({}));
    assert_eq!(returned.status, 200, "{}", returned.text);
    assert!(returned.json["returned_at"].is_string());
    assert_eq!(returned.json["registrant_ids"], json!([person.0]));
    server
        .post("/api/v1/prints/P-000001/return", &json!({}))
        .assert_problem(409, "already_returned");
    server
        .post("/api/v1/prints/P-999999/return", &json!({}))
        .assert_problem(404, "not_found");

    assert_eq!(
        serials(&format!("/api/v1/prints?outstanding=true&holder={holder}")),
        vec!["P-000002"]
    );
    assert_eq!(
        serials("/api/v1/prints?outstanding=true"),
        vec!["P-000002", "P-000003"]
    );
    assert_eq!(
        serials("/api/v1/prints"),
        vec!["P-000001", "P-000002", "P-000003"]
    );
}
