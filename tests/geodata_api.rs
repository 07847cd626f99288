//! Geodata over HTTP: importing the real Kurume files and the demo town's zones, reports for bad
//! rows, re-imports that update rather than duplicate, homes re-placed by new polygons, and the
//! spatial queries.

mod common;

use common::{TestServer, registrant, supporter};
use serde_json::{Value, json};

fn file(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The real Kurume files, or `None` (the test skips, and says so) on a fresh clone.
fn kurume_files() -> Option<[Vec<u8>; 3]> {
    let read = |name: &str| sasaeai::real_data::kurume(name).map(std::fs::read);
    Some([
        read("a27-school-districts-2021-40203.geojson")?.ok()?,
        read("gsi-designated-shelters-402036.geojson")?.ok()?,
        read("gsi-emergency-sites-402036.geojson")?.ok()?,
    ])
}

fn fixture(name: &str) -> Vec<u8> {
    file(&format!("geodata/fixtures/{name}"))
}

fn import(server: &TestServer, kind: &str, query: &str, body: &[u8]) -> common::Resp {
    server.send(
        "POST",
        &format!("/api/v1/imports/{kind}{query}"),
        "application/octet-stream",
        body,
        None,
    )
}

#[test]
fn real_kurume_files_import_with_their_counts_and_reimport_updates_instead_of_duplicating() {
    let Some([a27, designated_file, sites_file]) = kurume_files() else {
        return;
    };
    let server = TestServer::start();
    let districts = import(&server, "districts", "", &a27);
    assert_eq!(districts.status, 200, "{}", districts.text);
    assert_eq!(
        (
            districts.json["accepted"].clone(),
            districts.json["rejected"].clone()
        ),
        (json!(44), json!(0))
    );
    assert_eq!(
        server.get("/api/v1/districts").json["items"]
            .as_array()
            .map(Vec::len),
        Some(44)
    );

    let designated = import(&server, "shelters", "", &designated_file);
    assert_eq!(designated.status, 200, "{}", designated.text);
    assert_eq!(
        (
            designated.json["accepted"].clone(),
            designated.json["created"].clone()
        ),
        (json!(142), json!(142))
    );
    let sites = import(&server, "shelters", "", &sites_file);
    assert_eq!(
        (
            sites.json["accepted"].clone(),
            sites.json["rejected"].clone()
        ),
        (json!(11), json!(0))
    );

    let emergency = server.get("/api/v1/shelters?kind=emergency_site&limit=200");
    let items = emergency.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 11);
    assert!(
        items.iter().all(|s| s["hazards"] == json!(["landslide"])),
        "{items:?}"
    );
    assert!(
        items.iter().all(|s| s["district_id"].is_i64()),
        "every site lies in a district"
    );
    let designated_count = server
        .get("/api/v1/shelters?kind=designated_shelter&limit=200")
        .json["items"]
        .as_array()
        .map(Vec::len);
    assert_eq!(designated_count, Some(142));

    let again = import(&server, "shelters", "", &designated_file);
    assert_eq!(
        (
            again.json["created"].clone(),
            again.json["unchanged"].clone()
        ),
        (json!(0), json!(142))
    );
    let districts_again = import(&server, "districts", "", &a27);
    assert_eq!(
        (
            districts_again.json["created"].clone(),
            districts_again.json["updated"].clone()
        ),
        (json!(0), json!(44))
    );
    assert_eq!(
        server.get("/api/v1/districts").json["items"]
            .as_array()
            .map(Vec::len),
        Some(44)
    );
}

#[test]
fn rejected_rows_are_reported_by_number_and_reason_and_accepted_rows_are_stored() {
    let server = TestServer::start();
    let csv = "\u{feff}NO,共通ID,都道府県名及び市町村名,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,指定避難所との住所同一,緯度,経度,備考\r\n\
               1,E4099900000101,福岡県テスト市,第一公園,テスト市1-1,1,,,1,,,,,,33.31,130.51,\r\n\
               2,E4099900000102,福岡県テスト市,座標なし広場,テスト市1-2,1,,,,,,,,,,,\r\n";
    let report = import(&server, "shelters", "?format=gsi_csv", csv.as_bytes());
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(
        (
            report.json["accepted"].clone(),
            report.json["rejected"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(report.json["rows"][0]["row"], 2);
    assert_eq!(report.json["rows"][0]["key"], "E4099900000102");
    assert!(
        report.json["rows"][0]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    let stored = server.get("/api/v1/shelters");
    assert_eq!(
        stored.json["items"][0]["hazards"],
        json!(["flood", "earthquake"])
    );

    let junk = import(&server, "shelters", "", &[0, 159, 146, 150, 0, 1, 2]);
    junk.assert_problem(422, "validation_failed");
    assert_eq!(junk.error_fields(), vec!["file"]);
    import(&server, "volcanoes", "", b"{}").assert_problem(404, "no_route");
    assert_eq!(
        server.get("/api/v1/shelters").json["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn new_polygons_re_place_existing_homes_and_expose_them_to_hazards() {
    let server = TestServer::start();
    // A home in the demo town's river valley, stored before any geodata exists.
    let home = json!({"latitude": 33.2995, "longitude": 130.505});
    let mut body = registrant();
    body["latitude"] = home["latitude"].clone();
    body["longitude"] = home["longitude"].clone();
    let created = server.post("/api/v1/registrants", &body);
    assert!(created.json["district_id"].is_null());
    assert_eq!(created.json["hazard_exposure"], json!({}));

    let districts = import(&server, "districts", "", &file("geodata/districts.geojson"));
    assert_eq!(
        districts.json["rederived"]["registrants"], 1,
        "{}",
        districts.text
    );
    let zones = import(
        &server,
        "hazards",
        "?source=demo",
        &file("geodata/hazard_zones.geojson"),
    );
    assert_eq!(zones.json["accepted"], 18, "{}", zones.text);

    let read = server.get(&format!("/api/v1/registrants/{}", created.json["id"]));
    assert!(read.json["district_id"].is_i64(), "{}", read.text);
    let exposure = &read.json["hazard_exposure"];
    let flood = exposure["flood"].as_i64().unwrap_or(0);
    assert!(flood >= 1, "the valley home is in a flood zone: {exposure}");
    let reasons: Vec<&str> = read.json["priority"]["reasons"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        reasons.contains(&format!("flood_rank_{flood}").as_str()),
        "{reasons:?}"
    );

    // Re-importing the same source replaces its zones rather than doubling them.
    let again = import(
        &server,
        "hazards",
        "?source=demo",
        &file("geodata/hazard_zones.geojson"),
    );
    assert_eq!(
        (again.json["updated"].clone(), again.json["created"].clone()),
        (json!(18), json!(18))
    );
    assert_eq!(
        server.get("/api/v1/hazard-zones").json["items"]
            .as_array()
            .map(Vec::len),
        Some(18)
    );
    assert!(server.get("/api/v1/imports/hazard-codes").json.is_object());

    // The zone containing the home lists it.
    let zone = server.get("/api/v1/hazard-zones").json["items"]
        .as_array()
        .and_then(|zones| {
            zones
                .iter()
                .find(|z| z["hazard_type"] == "flood" && z["level"].as_i64() == Some(flood))
                .map(|z| z["id"].clone())
        })
        .unwrap_or(Value::Null);
    let inside = server.get(&format!("/api/v1/hazard-zones/{zone}/registrants"));
    assert_eq!(inside.status, 200, "{}", inside.text);
    let ids: Vec<Value> = inside.json["items"]
        .as_array()
        .map(|a| a.iter().map(|r| r["id"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec![created.json["id"].clone()]);
    server
        .get("/api/v1/hazard-zones/999999/registrants")
        .assert_problem(404, "not_found");
}

#[test]
fn nearest_shelters_for_a_hazard_are_designated_open_and_outside_its_zones() {
    let server = TestServer::start();
    assert_eq!(
        import(&server, "districts", "", &file("geodata/districts.geojson")).status,
        200
    );
    assert_eq!(
        import(
            &server,
            "hazards",
            "",
            &file("geodata/hazard_zones.geojson")
        )
        .status,
        200
    );
    // The demo file uses the service's own property names, not GSI's: create its shelters
    // through the API.
    let demo: Value =
        serde_json::from_slice(&file("geodata/shelters.geojson")).unwrap_or(Value::Null);
    for feature in demo["features"].as_array().cloned().unwrap_or_default() {
        let mut body = feature["properties"].clone();
        body["longitude"] = feature["geometry"]["coordinates"][0].clone();
        body["latitude"] = feature["geometry"]["coordinates"][1].clone();
        let created = server.post("/api/v1/shelters", &body);
        assert_eq!(created.status, 201, "{}", created.text);
    }

    for (lat, lon) in [
        (33.30, 130.49),
        (33.31, 130.51),
        (33.295, 130.53),
        (33.325, 130.48),
    ] {
        let nearest = server.get(&format!(
            "/api/v1/shelters/nearest?lat={lat}&lon={lon}&hazard=flood&limit=50"
        ));
        assert_eq!(nearest.status, 200, "{}", nearest.text);
        let items = nearest.json["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!items.is_empty());
        let distances: Vec<f64> = items
            .iter()
            .filter_map(|s| s["distance_m"].as_f64())
            .collect();
        assert!(
            distances.windows(2).all(|w| w[0] <= w[1]),
            "nearest first: {distances:?}"
        );
        for shelter in &items {
            assert!(
                shelter["hazards"]
                    .as_array()
                    .is_some_and(|h| h.contains(&json!("flood"))),
                "{shelter}"
            );
            assert_eq!(shelter["is_open"], true);
        }
    }
    // Shelters the demo town places inside flood zones are never proposed for floods.
    let all_flood: Vec<Value> = server
        .get("/api/v1/shelters/nearest?lat=33.31&lon=130.51&hazard=flood&limit=50")
        .json["items"]
        .as_array()
        .map(|a| a.iter().map(|s| s["name"].clone()).collect())
        .unwrap_or_default();
    for inside in ["柳原公民館", "東雲公民館", "川添小学校 体育館"] {
        assert!(
            !all_flood.contains(&json!(inside)),
            "{inside} lies in a flood zone"
        );
    }
    // Even a site wrongly designated for floods is never proposed while it lies in a flood zone,
    // and it is as soon as it is moved out of the zone.
    let wrong = json!({
        "name": "河川敷広場", "address": "ひばり野市川添町", "latitude": 33.2995, "longitude": 130.505,
        "kind": "emergency_site", "hazards": ["flood"]
    });
    let wrong = server.post("/api/v1/shelters", &wrong);
    assert_eq!(wrong.status, 201, "{}", wrong.text);
    let near_it = |server: &TestServer| -> Vec<Value> {
        server
            .get("/api/v1/shelters/nearest?lat=33.2995&lon=130.505&hazard=flood&limit=50")
            .json["items"]
            .as_array()
            .map(|a| a.iter().map(|s| s["id"].clone()).collect())
            .unwrap_or_default()
    };
    assert!(!near_it(&server).contains(&wrong.json["id"]));
    let moved = server.patch(
        &format!("/api/v1/shelters/{}", wrong.json["id"]),
        &json!({"latitude": 33.325, "longitude": 130.48}),
        wrong.etag.as_deref(),
    );
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert!(
        near_it(&server).contains(&wrong.json["id"]),
        "out of the zone it may be proposed"
    );

    let bad = server.get("/api/v1/shelters/nearest?lat=95&lon=130.5&hazard=meteor&limit=0");
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["lat", "hazard", "limit"]);
}

#[test]
fn supporters_within_a_radius_come_nearest_first_with_distances() {
    let server = TestServer::start();
    let mut far = supporter();
    far["latitude"] = json!(33.3150);
    assert_eq!(server.post("/api/v1/supporters", &supporter()).status, 201);
    assert_eq!(server.post("/api/v1/supporters", &far).status, 201);
    let within = server.get("/api/v1/supporters/within?lat=33.31&lon=130.50&radius_m=300");
    assert_eq!(within.status, 200, "{}", within.text);
    let items = within.json["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "the one 555 m away is outside 300 m");
    let d = items[0]["distance_m"].as_f64().unwrap_or(0.0);
    // 0.0005° north (55.6 m) and 0.0005° east (46.5 m at this latitude): 72.5 m.
    assert!((d - 72.5).abs() < 0.5, "about 72.5 m: {d}");
    let wide = server.get("/api/v1/supporters/within?lat=33.31&lon=130.50&radius_m=1000");
    assert_eq!(wide.json["items"].as_array().map(Vec::len), Some(2));
    server
        .get("/api/v1/supporters/within?lat=33.31&lon=130.50&radius_m=50000")
        .assert_problem(422, "validation_failed");
}

#[test]
fn registrants_inside_a_posted_polygon() {
    let server = TestServer::start();
    let inside = server.post("/api/v1/registrants", &registrant());
    let mut body = registrant();
    body["longitude"] = json!(130.60);
    server.post("/api/v1/registrants", &body);
    let area = json!({"type": "Polygon", "coordinates": [[[130.49, 33.30], [130.51, 33.30], [130.51, 33.32], [130.49, 33.32], [130.49, 33.30]]]});
    let found = server.post("/api/v1/registrants/within-area", &area);
    assert_eq!(found.status, 200, "{}", found.text);
    let ids: Vec<Value> = found.json["items"]
        .as_array()
        .map(|a| a.iter().map(|r| r["id"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec![inside.json["id"].clone()]);
    let bad = server.post(
        "/api/v1/registrants/within-area",
        &json!({"type": "Point", "coordinates": [130.5, 33.3]}),
    );
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["area"]);
}

/// The district a registrant created at (lat, lon) is placed in: (name, flagged for review).
fn placed_at(server: &TestServer, lat: f64, lon: f64) -> (Option<String>, bool) {
    let mut body = registrant();
    body["latitude"] = json!(lat);
    body["longitude"] = json!(lon);
    let created = server.post("/api/v1/registrants", &body);
    assert_eq!(created.status, 201, "{}", created.text);
    let district = created.json["district_id"].as_i64().map(|id| {
        let all = server.get("/api/v1/districts");
        all.json["items"]
            .as_array()
            .and_then(|items| items.iter().find(|d| d["id"] == json!(id)))
            .and_then(|d| d["name"].as_str())
            .unwrap_or_default()
            .to_owned()
    });
    (
        district,
        created.json["district_needs_review"].as_bool() == Some(true),
    )
}

#[test]
fn a27_quirks_hold_on_the_fixture_parts_enclaves_and_slivers() {
    let server = TestServer::start();
    let report = import(
        &server,
        "districts",
        "",
        &fixture("a27-districts-sample.geojson"),
    );
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(
        (
            report.json["accepted"].clone(),
            report.json["rejected"].clone()
        ),
        (json!(5), json!(0))
    );
    let named = |name: &str| (Some(name.to_owned()), false);
    // Each of the three outer rings of one MultiPolygon belongs to the same district.
    assert_eq!(placed_at(&server, 33.305, 130.675), named("三つ島小学校"));
    assert_eq!(placed_at(&server, 33.305, 130.715), named("三つ島小学校"));
    // A home in the hole of a district belongs to the enclave, not to the ring around it.
    assert_eq!(placed_at(&server, 33.310, 130.650), named("中島小学校"));
    assert_eq!(placed_at(&server, 33.302, 130.642), named("外輪小学校"));
    // In the 3.7 m sliver between two neighbours: the nearer one, flagged for review.
    assert_eq!(
        placed_at(&server, 33.310, 130.610_015),
        (Some("西岸小学校".to_owned()), true)
    );
    // 900 m from any district: none, and not silently given one.
    assert_eq!(placed_at(&server, 33.310, 130.630), (None, false));
}

fn finding_codes(server: &TestServer) -> Vec<(String, Option<String>)> {
    let readiness = server.get("/api/v1/readiness");
    assert_eq!(readiness.status, 200, "{}", readiness.text);
    readiness.json["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["hazard_type"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn flood_without_shelter(codes: &[(String, Option<String>)]) -> bool {
    codes.contains(&(
        "hazard_without_shelter".to_owned(),
        Some("flood".to_owned()),
    ))
}

#[test]
fn readiness_names_what_stops_plans_and_forgets_it_once_fixed() {
    let server = TestServer::start();
    let empty = server.get("/api/v1/readiness");
    assert_eq!(empty.json["ready"], json!(false), "{}", empty.text);
    let codes = finding_codes(&server);
    for code in ["no_districts", "no_shelters", "no_hazard_zones"] {
        assert!(codes.iter().any(|(c, _)| c == code), "{code}: {codes:?}");
    }
    assert!(
        empty.json["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("登録されていません")),
        "messages are Japanese: {}",
        empty.text
    );

    import(
        &server,
        "districts",
        "",
        &fixture("a27-districts-sample.geojson"),
    );
    import(
        &server,
        "shelters",
        "",
        &fixture("gsi-designated-shelters-sample.geojson"),
    );
    let flood = import(
        &server,
        "hazards",
        "?hazard=flood",
        &fixture("kurume-flood-zone-sample.geojson"),
    );
    assert_eq!(flood.json["accepted"], json!(1), "{}", flood.text);
    let mut unlocated = registrant();
    unlocated["latitude"] = Value::Null;
    unlocated["longitude"] = Value::Null;
    let unlocated = server.post("/api/v1/registrants", &unlocated).json["id"].clone();
    let mut unconsented = supporter();
    unconsented["consent_given"] = json!(false);
    unconsented["consent_date"] = Value::Null;
    let unconsented = server.post("/api/v1/supporters", &unconsented);
    assert_eq!(unconsented.status, 201, "{}", unconsented.text);

    let readiness = server.get("/api/v1/readiness");
    assert_eq!(readiness.json["ready"], json!(false));
    let codes = finding_codes(&server);
    assert!(flood_without_shelter(&codes), "{codes:?}");
    let find = |code: &str| {
        readiness.json["findings"]
            .as_array()
            .and_then(|all| all.iter().find(|f| f["code"] == json!(code)).cloned())
            .unwrap_or_else(|| panic!("no {code} in {}", readiness.text))
    };
    assert_eq!(
        find("hazard_without_shelter")["severity"],
        json!("blocking")
    );
    assert_eq!(
        find("registrant_without_location")["ids"],
        json!([unlocated])
    );
    assert_eq!(
        find("supporter_without_consent")["ids"],
        json!([unconsented.json["id"]])
    );
    // 東岸 and 三つ島 have no shelter of the three in the file.
    assert_eq!(find("district_without_shelter")["count"], json!(2));
    assert!(!codes.iter().any(|(c, _)| c == "no_districts"));

    let sites = import(
        &server,
        "shelters",
        "",
        &fixture("kurume-da-flood-sites-sample.csv"),
    );
    assert_eq!(sites.json["accepted"], json!(3), "{}", sites.text);
    let codes = finding_codes(&server);
    assert!(!flood_without_shelter(&codes), "{codes:?}");
    assert_eq!(
        server.get("/api/v1/readiness").json["ready"],
        json!(true),
        "only warnings remain"
    );
}

#[test]
fn real_kurume_files_leave_floods_without_a_shelter_until_flagged_sites_come() {
    let Some([a27, designated, sites]) = kurume_files() else {
        return;
    };
    let server = TestServer::start();
    for (kind, body) in [
        ("districts", &a27),
        ("shelters", &designated),
        ("shelters", &sites),
    ] {
        assert_eq!(import(&server, kind, "", body).status, 200);
    }
    import(
        &server,
        "hazards",
        "?hazard=flood",
        &fixture("kurume-flood-zone-sample.geojson"),
    );
    let codes = finding_codes(&server);
    assert!(flood_without_shelter(&codes), "{codes:?}");
    let flood_near_centre = "/api/v1/shelters/nearest?lat=33.319&lon=130.508&hazard=flood";
    assert_eq!(server.get(flood_near_centre).json["items"], json!([]));

    import(
        &server,
        "shelters",
        "",
        &fixture("kurume-da-flood-sites-sample.csv"),
    );
    let codes = finding_codes(&server);
    assert!(!flood_without_shelter(&codes), "{codes:?}");
    assert!(
        server.get(flood_near_centre).json["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
    );
}
