//! The individual evacuation plan over HTTP: first write without a version, replacements with
//! If-Match, validation of content and references, consents shown beside it, and its history.

mod common;

use common::{TestServer, registrant, shelter, supporter};
use serde_json::{Value, json};

fn setup(server: &TestServer) -> (i64, i64, i64) {
    let person = server.post("/api/v1/registrants", &registrant()).json["id"]
        .as_i64()
        .unwrap_or(0);
    let helper = server.post("/api/v1/supporters", &supporter()).json["id"]
        .as_i64()
        .unwrap_or(0);
    let site = server.post("/api/v1/shelters", &shelter()).json["id"]
        .as_i64()
        .unwrap_or(0);
    (person, helper, site)
}

fn plan(helper: i64, site: i64) -> Value {
    json!({
        "status": "confirmed",
        "author": "筑後 民生委員",
        "author_relation": "民生委員",
        "written_on": "2026-04-01",
        "next_review_on": "2027-04-01",
        "supporters": [{"supporter_id": helper, "relation": "近所の方"}],
        "destinations": [
            {"hazard_type": "earthquake", "shelter_id": site},
            {"hazard_type": "flood", "place": "長男宅（久留米市東町）"}
        ],
        "route_note": "県道を避け、公民館前を通る",
        "route": {"type": "LineString", "coordinates": [[130.52, 33.31], [130.521, 33.31], [130.521, 33.306]]},
        "items_to_take": "お薬手帳、常備薬、眼鏡",
        "notes_for_supporters": "玄関の鍵は郵便受けの中"
    })
}

#[test]
fn a_plan_is_written_once_then_replaced_only_with_the_version_read() {
    let server = TestServer::start();
    let (person, helper, site) = setup(&server);
    let path = format!("/api/v1/registrants/{person}/plan");
    server.get(&path).assert_problem(404, "not_found");

    let created = server.send(
        "PUT",
        &path,
        "application/json",
        plan(helper, site).to_string().as_bytes(),
        None,
    );
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    assert_eq!(created.json["supporters"][0]["relation"], "近所の方");
    assert_eq!(
        created.json["destinations"][1]["place"],
        "長男宅（久留米市東町）"
    );
    assert!(
        created.json["when_to_leave"]
            .as_str()
            .is_some_and(|w| w.contains("警戒レベル3")),
        "a sensible default"
    );
    assert_eq!(
        created.json["consents"]["supporters"][0]["consent_given"],
        true
    );
    assert!(
        created.json["consents"]["plan_creation"].is_null(),
        "not recorded yet"
    );
    assert_eq!(
        created.json["route"]["coordinates"][2],
        json!([130.521, 33.306]),
        "the drawn route is stored with the plan"
    );
    assert_eq!(server.get(&path).json, created.json);

    let mut changed = plan(helper, site);
    changed["items_to_take"] = json!("お薬手帳、常備薬、眼鏡、補聴器");
    let body = changed.to_string();
    server
        .send("PUT", &path, "application/json", body.as_bytes(), None)
        .assert_problem(428, "precondition_required");
    let updated = server.send(
        "PUT",
        &path,
        "application/json",
        body.as_bytes(),
        Some("\"1\""),
    );
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.etag.as_deref(), Some("\"2\""));
    server
        .send(
            "PUT",
            &path,
            "application/json",
            body.as_bytes(),
            Some("\"1\""),
        )
        .assert_problem(412, "version_conflict");

    // Consents recorded on the registrant appear beside the plan.
    let consent = json!({"kind": "plan_creation", "given": true, "date": "2026-03-20", "evidence_note": "同意書"});
    assert_eq!(
        server
            .post(&format!("/api/v1/registrants/{person}/consents"), &consent)
            .status,
        201
    );
    assert_eq!(
        server.get(&path).json["consents"]["plan_creation"]["given"],
        true
    );

    let history = server.get(&format!("{path}/history"));
    let versions: Vec<i64> = history.json["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["version"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(versions, vec![1, 2]);
    assert_eq!(
        history.json["items"][1]["snapshot"]["items_to_take"],
        "お薬手帳、常備薬、眼鏡、補聴器"
    );
}

#[test]
fn bad_plans_name_their_fields_and_write_nothing() {
    let server = TestServer::start();
    let (person, helper, site) = setup(&server);
    let path = format!("/api/v1/registrants/{person}/plan");
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"status": "confirmed", "author": "x"}),
            vec!["supporters", "destinations"],
        ),
        (json!({"author": " "}), vec!["author"]),
        (json!({"author": "x", "status": "done"}), vec!["status"]),
        (
            json!({"author": "x", "written_on": "2999-01-01"}),
            vec!["written_on"],
        ),
        (
            json!({"author": "x", "written_on": "2026-04-01", "next_review_on": "2026-03-01"}),
            vec!["next_review_on"],
        ),
        (
            json!({"author": "x", "supporters": [{"supporter_id": 999_999}]}),
            vec!["supporters[0].supporter_id"],
        ),
        (
            json!({"author": "x", "supporters": [{"supporter_id": helper}, {"supporter_id": helper}]}),
            vec!["supporters[1].supporter_id"],
        ),
        (
            json!({"author": "x", "destinations": [{"hazard_type": "flood"}]}),
            vec!["destinations[0].shelter_id"],
        ),
        (
            json!({"author": "x", "destinations": [{"hazard_type": "meteor", "place": "x"}]}),
            vec!["destinations[0].hazard_type"],
        ),
        (
            json!({"author": "x", "destinations": [{"hazard_type": "flood", "shelter_id": 999_999}]}),
            vec!["destinations[0].shelter_id"],
        ),
        (
            json!({"author": "x", "destinations": [{"hazard_type": "flood", "shelter_id": site}, {"hazard_type": "flood", "place": "y"}]}),
            vec!["destinations[1].hazard_type"],
        ),
        (
            json!({"author": "x", "route": {"type": "LineString", "coordinates": [[130.52, 33.31], [130.52, 95.0]]}}),
            vec!["route.coordinates[1]"],
        ),
        (
            json!({"author": "x", "route": {"type": "LineString", "coordinates": [[130.52, 33.31]]}}),
            vec!["route.coordinates"],
        ),
    ];
    for (body, fields) in cases {
        let resp = server.send(
            "PUT",
            &path,
            "application/json",
            body.to_string().as_bytes(),
            None,
        );
        resp.assert_problem(422, "validation_failed");
        assert_eq!(resp.error_fields(), fields, "{}", resp.text);
    }
    server.get(&path).assert_problem(404, "not_found");
    let unknown = server.send(
        "PUT",
        "/api/v1/registrants/999999/plan",
        "application/json",
        plan(helper, site).to_string().as_bytes(),
        None,
    );
    unknown.assert_problem(404, "not_found");
    server
        .get("/api/v1/registrants/999999/plan/history")
        .assert_problem(404, "not_found");
}

/// Confirms `helper` for `person` through a matching run and records both plan consents.
fn confirm_supporter_and_consents(server: &TestServer, person: i64, helper: i64) {
    let run = server.post("/api/v1/matching/runs", &json!({}));
    let proposals = server.get(&format!(
        "/api/v1/matching/runs/{}/proposals?limit=200",
        run.json["run_id"]
    ));
    let link = proposals.json["items"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|p| p["kind"] == "supporter" && p["supporter_id"] == helper)
                .map(|p| p["id"].clone())
        })
        .unwrap_or_default();
    assert_eq!(
        server
            .post(&format!("/api/v1/proposals/{link}/confirm"), &json!({}))
            .status,
        200
    );
    for kind in ["plan_creation", "plan_sharing"] {
        let consent =
            json!({"kind": kind, "given": true, "date": "2026-03-20", "evidence_note": "同意書"});
        assert_eq!(
            server
                .post(&format!("/api/v1/registrants/{person}/consents"), &consent)
                .status,
            201
        );
    }
}

/// Writes the example plan as a first plan (201).
fn write_plan(server: &TestServer, path: &str, helper: i64, site: i64) {
    let written = server.send(
        "PUT",
        path,
        "application/json",
        plan(helper, site).to_string().as_bytes(),
        None,
    );
    assert_eq!(written.status, 201, "{}", written.text);
}

fn codes(check: &common::Resp) -> Vec<String> {
    check.json["issues"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_plan_is_printable_only_while_its_links_and_consents_hold() {
    let server = TestServer::start();
    let (person, helper, site) = setup(&server);
    let path = format!("/api/v1/registrants/{person}/plan");
    write_plan(&server, &path, helper, site);

    let check = server.get(&format!("{path}/check"));
    assert_eq!(check.status, 200, "{}", check.text);
    assert_eq!(check.json["printable"], false);
    assert_eq!(
        codes(&check),
        vec![
            "no_plan_creation_consent",
            "no_plan_sharing_consent",
            "supporter_not_linked"
        ]
    );

    // Confirm the supporter through matching and record both plan consents.
    confirm_supporter_and_consents(&server, person, helper);
    let check = server.get(&format!("{path}/check"));
    assert_eq!(check.json["printable"], true, "{}", check.text);

    // A supporter who stops is caught before anything is printed.
    let current = server.get(&format!("/api/v1/supporters/{helper}"));
    let stopped = server.patch(
        &format!("/api/v1/supporters/{helper}"),
        &json!({"status": "inactive"}),
        current.etag.as_deref(),
    );
    assert_eq!(stopped.status, 200);
    let check = server.get(&format!("{path}/check"));
    assert_eq!(codes(&check), vec!["supporter_inactive"]);
    assert_eq!(check.json["issues"][0]["supporter_id"], helper);
    server
        .get("/api/v1/registrants/999999/plan/check")
        .assert_problem(404, "not_found");
}

#[test]
fn a_consistent_plan_prints_with_its_serial_and_an_inconsistent_one_is_refused() {
    let server = TestServer::start();
    let (person, helper, site) = setup(&server);
    let path = format!("/api/v1/registrants/{person}/plan");
    write_plan(&server, &path, helper, site);

    // Not yet consistent: refused with the reasons, and nothing is registered.
    let refused = server.get(&format!(
        "{path}.pdf?holder=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"
    ));
    refused.assert_problem(409, "plan_not_printable");
    assert!(
        refused
            .error_fields()
            .contains(&"supporter_not_linked".to_owned()),
        "{}",
        refused.text
    );
    assert_eq!(server.get("/api/v1/prints").json["items"], json!([]));

    confirm_supporter_and_consents(&server, person, helper);
    server
        .get(&format!("{path}.pdf"))
        .assert_problem(422, "validation_failed");

    let (status, content_type, serial, bytes) = server.get_bytes(
        &format!("{path}.pdf?holder=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"),
        "x-print-serial",
    );
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert_eq!(serial.as_deref(), Some("P-000001"));
    assert!(
        bytes.len() < 100 * 1024,
        "a one-page plan stays small: {} bytes",
        bytes.len()
    );
    if let Some(text) = common::pdf_text(&bytes) {
        for expected in [
            "久留米 花子",
            "筑後 太郎",
            "090-0000-2222",
            "東小学校 体育館",
            "長男宅",
            "令和8年4月1日",
            "P-000001",
            "地図の太線の道順",
        ] {
            assert!(
                text.contains(expected),
                "{expected} missing from the printed plan:\n{text}"
            );
        }
    }
    let (_, _, second, _) = server.get_bytes(
        &format!("{path}.pdf?holder=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"),
        "x-print-serial",
    );
    assert_eq!(
        second.as_deref(),
        Some("P-000002"),
        "every copy has its own serial"
    );
    let register = server.get("/api/v1/prints?outstanding=true");
    assert_eq!(register.json["items"][0]["holder"], "民生委員");
    assert_eq!(register.json["items"][0]["registrant_ids"], json!([person]));
}

/// The ids a registrant list answers for `query`.
fn listed(server: &TestServer, query: &str) -> Vec<i64> {
    let page = server.get(&format!("/api/v1/registrants?{query}"));
    assert_eq!(page.status, 200, "{query}: {}", page.text);
    page.json["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|r| r["id"].as_i64()).collect())
        .unwrap_or_default()
}

/// The open proposal of `kind` for `person` in the latest run.
fn proposal(proposals: &Value, person: i64, kind: &str, hazard: Option<&str>) -> i64 {
    proposals["items"]
        .as_array()
        .and_then(|items| {
            items.iter().find(|p| {
                p["registrant_id"] == person
                    && p["kind"] == kind
                    && hazard.is_none_or(|h| p["hazard_type"] == h)
            })
        })
        .and_then(|p| p["id"].as_i64())
        .unwrap_or_else(|| panic!("no {kind} proposal for {person}: {proposals}"))
}

#[test]
fn confirmed_proposals_build_the_plan_that_the_list_finds_and_that_prints() {
    let server = TestServer::start();
    let mut body = registrant();
    body["care_level"] = json!(1);
    let person = server.post("/api/v1/registrants", &body).json["id"].clone();
    body["name"] = json!("筑後 次郎");
    body["name_kana"] = json!("ちくご じろう");
    let other = server.post("/api/v1/registrants", &body).json["id"].clone();
    let helper = server.post("/api/v1/supporters", &supporter()).json["id"].clone();
    let site = server.post("/api/v1/shelters", &shelter()).json["id"].clone();
    let (person, other, helper) = (
        person.as_i64().unwrap_or(0),
        other.as_i64().unwrap_or(0),
        helper.as_i64().unwrap_or(0),
    );
    let path = format!("/api/v1/registrants/{person}/plan");
    assert_eq!(listed(&server, "plan_status=none"), [person, other]);

    let run = server.post("/api/v1/matching/runs", &json!({}));
    assert_eq!(run.status, 201, "{}", run.text);
    let proposals = server.get(&format!(
        "/api/v1/matching/runs/{}/proposals?limit=200",
        run.json["run_id"]
    ));
    let confirmed = server.post(
        &format!(
            "/api/v1/proposals/{}/confirm",
            proposal(&proposals.json, person, "supporter", None)
        ),
        &json!({}),
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_eq!(
        confirmed.json["plan"],
        json!({"version": 1, "status": "draft", "created": true})
    );
    let draft = server.get(&path);
    assert_eq!(draft.status, 200, "{}", draft.text);
    assert_eq!(
        draft.json["supporters"],
        json!([{"supporter_id": helper, "relation": null}])
    );
    assert_eq!(draft.json["status"], "draft");

    let quake = server.post(
        &format!(
            "/api/v1/proposals/{}/confirm",
            proposal(&proposals.json, person, "shelter", Some("earthquake"))
        ),
        &json!({}),
    );
    assert_eq!(quake.json["plan"]["version"], 2, "{}", quake.text);
    let draft = server.get(&path);
    assert_eq!(
        draft.json["destinations"],
        json!([{"hazard_type": "earthquake", "shelter_id": site, "place": null}])
    );
    assert_eq!(
        server.get(&format!("{path}/history")).json["items"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "each confirmation is a version of the plan"
    );
    // A client still holding the first version cannot overwrite what matching added.
    let stale = server.send(
        "PUT",
        &path,
        "application/json",
        plan(helper, site.as_i64().unwrap_or(0))
            .to_string()
            .as_bytes(),
        Some("\"1\""),
    );
    stale.assert_problem(412, "version_conflict");

    assert_eq!(listed(&server, "plan_status=draft"), [person]);
    assert_eq!(listed(&server, "plan_status=none"), [other]);
    assert!(listed(&server, "printable=true").is_empty());
    assert_eq!(listed(&server, "printable=false"), [person]);

    for kind in ["plan_creation", "plan_sharing"] {
        let consent =
            json!({"kind": kind, "given": true, "date": "2026-03-20", "evidence_note": "同意書"});
        let path = format!("/api/v1/registrants/{person}/consents");
        assert_eq!(server.post(&path, &consent).status, 201);
    }
    let mut full = plan(helper, site.as_i64().unwrap_or(0));
    full["destinations"][0]["shelter_id"] = site.clone();
    let completed = server.send(
        "PUT",
        &path,
        "application/json",
        full.to_string().as_bytes(),
        draft.etag.as_deref(),
    );
    assert_eq!(completed.status, 200, "{}", completed.text);
    assert_eq!(listed(&server, "printable=true"), [person]);
    assert_eq!(
        listed(&server, "plan_status=confirmed&printable=true&limit=1"),
        [person]
    );
    assert!(listed(&server, "printable=false").is_empty());
    assert_eq!(
        listed(&server, "printable=true&q=%E3%81%AF%E3%81%AA%E3%81%93"),
        [person]
    );
    assert!(listed(&server, "printable=true&q=%E3%81%98%E3%82%8D%E3%81%86").is_empty());

    let (status, content_type, serial, bytes) = server.get_bytes(
        &format!("{path}.pdf?holder=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"),
        "x-print-serial",
    );
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert_eq!(serial.as_deref(), Some("P-000001"));
    if let Some(text) = common::pdf_text(&bytes) {
        assert!(
            text.contains("筑後 太郎") && text.contains("東小学校 体育館"),
            "{text}"
        );
    }

    // Rejecting leaves a plan that staff wrote by hand exactly as it was.
    let other_path = format!("/api/v1/registrants/{other}/plan");
    let by_hand = server.send(
        "PUT",
        &other_path,
        "application/json",
        json!({"author": "筑後 民生委員", "supporters": [{"supporter_id": helper, "relation": "隣の方"}]})
            .to_string()
            .as_bytes(),
        None,
    );
    assert_eq!(by_hand.status, 201, "{}", by_hand.text);
    let rejected = server.post(
        &format!(
            "/api/v1/proposals/{}/reject",
            proposal(&proposals.json, other, "supporter", None)
        ),
        &json!({}),
    );
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json["plan"], Value::Null);
    let kept = server.get(&other_path);
    assert_eq!(kept.etag.as_deref(), Some("\"1\""));
    assert_eq!(kept.json["supporters"][0]["relation"], "隣の方");

    server
        .get("/api/v1/registrants?plan_status=someday")
        .assert_problem(422, "validation_failed");
    server
        .get("/api/v1/registrants?plan_status=none&printable=true")
        .assert_problem(422, "validation_failed");
}

#[test]
fn a_destination_must_be_designated_for_its_hazard_when_written_and_when_printed() {
    let server = TestServer::start();
    let (person, helper, site) = setup(&server);
    let path = format!("/api/v1/registrants/{person}/plan");
    // The shelter is designated for earthquake and large fire only.
    let mut wrong = plan(helper, site);
    wrong["destinations"] = json!([{"hazard_type": "flood", "shelter_id": site}]);
    let refused = server.send(
        "PUT",
        &path,
        "application/json",
        wrong.to_string().as_bytes(),
        None,
    );
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["destinations[0].shelter_id"]);
    assert!(
        refused.text.contains("洪水の指定避難所"),
        "{}",
        refused.text
    );
    assert_eq!(server.get(&path).status, 404, "nothing was written");

    // A plan written while the designation held, then the shelter loses it: the check says
    // why, and the plan cannot be printed until someone fixes it.
    write_plan(&server, &path, helper, site);
    confirm_supporter_and_consents(&server, person, helper);
    assert_eq!(server.get(&format!("{path}/check")).json["printable"], true);
    let current = server.get(&format!("/api/v1/shelters/{site}"));
    let changed = server.patch(
        &format!("/api/v1/shelters/{site}"),
        &json!({"hazards": ["large_fire"]}),
        current.etag.as_deref(),
    );
    assert_eq!(changed.status, 200, "{}", changed.text);
    let check = server.get(&format!("{path}/check"));
    assert_eq!(codes(&check), vec!["destination_not_designated"]);
    assert!(check.text.contains("地震の指定避難所"), "{}", check.text);
    let (status, _, _, _) = server.get_bytes(
        &format!("{path}.pdf?holder=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"),
        "x-print-serial",
    );
    assert_eq!(status, 409);
    let readiness = server.get("/api/v1/readiness");
    assert!(
        readiness.text.contains("destination_not_designated"),
        "the readiness check names the plans a shelter change made wrong: {}",
        readiness.text
    );
}
