//! The plan page over HTTP: a plan made from the proposals of matching with a drawn route,
//! saved and printed with the route on its map; errors beside their fields; a colleague's
//! save meanwhile; only eligible shelters offered; the read audited; district users refused.
#![expect(
    clippy::expect_used,
    reason = "a helper step that fails should stop the test at once"
)]

mod common;

use common::pages::{Browser, as_pairs, form_fields, set_field};
use common::{TestServer, audit_log, registrant, shelter, supporter};
use serde_json::{Value, json};

/// East about 300 m from the home at (33.31, 130.50), then north about 400 m.
const ROUTE: &str =
    r#"{"type":"LineString","coordinates":[[130.5,33.31],[130.5032,33.31],[130.5032,33.3136]]}"#;

struct Town {
    server: TestServer,
    person: i64,
    helper: i64,
    site: i64,
    flood_only: i64,
}

/// A person, a consenting supporter next door, an earthquake shelter and a flood-only site,
/// and a matching run that proposes the supporter and the shelter.
fn town() -> Town {
    let server = TestServer::start().with_districts();
    assert!(server.add_user("staff1", "staff", &[]));
    assert!(server.add_user("staff2", "staff", &[]));
    assert!(server.add_user("west", "district", &["D1"]));
    let id = |v: &Value| v["id"].as_i64().expect("id");
    let person = id(&server.post("/api/v1/registrants", &registrant()).json);
    let helper = id(&server.post("/api/v1/supporters", &supporter()).json);
    let site = id(&server.post("/api/v1/shelters", &shelter()).json);
    let mut flood = shelter();
    flood["gsi_id"] = json!("E4099900009002");
    flood["name"] = json!("西公民館");
    flood["latitude"] = json!(33.3102);
    flood["longitude"] = json!(130.5012);
    flood["kind"] = json!("emergency_site");
    flood["hazards"] = json!(["flood"]);
    let flood_only = id(&server.post("/api/v1/shelters", &flood).json);
    let run = server.post("/api/v1/matching/runs", &json!({}));
    assert_eq!(run.status, 201, "{}", run.text);
    Town {
        server,
        person,
        helper,
        site,
        flood_only,
    }
}

fn plan_path(town: &Town) -> String {
    format!("/registrants/{}/plan", town.person)
}

#[test]
fn a_plan_is_made_from_the_proposals_with_a_drawn_route_and_printed_with_it() {
    let town = town();
    let server = &town.server;
    let browser = Browser::signed_in(server, "staff1");
    let path = plan_path(&town);
    let page = browser.get(&path);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("この方の計画はまだありません"));
    // The proposal comes ticked, the proposed shelter chosen for earthquakes.
    assert!(
        page.body.contains(&format!(
            "name=\"supporter\" value=\"{}\" checked",
            town.helper
        )),
        "{}",
        page.body
    );
    let mut fields = form_fields(&page.body, &path);
    let chosen = |fields: &[(String, String)], name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(chosen(&fields, "dest-earthquake"), town.site.to_string());
    // The flood-only site is offered for floods only.
    let earthquake_select =
        &page.body[page.body.find("name=\"dest-earthquake\"").expect("select")..];
    let earthquake_select = &earthquake_select[..earthquake_select.find("</select>").expect("end")];
    assert!(
        !earthquake_select.contains("西公民館"),
        "{earthquake_select}"
    );
    assert!(page.body.contains("西公民館（指定緊急避難場所"));

    set_field(&mut fields, "status", "confirmed");
    set_field(&mut fields, "route", ROUTE);
    set_field(
        &mut fields,
        &format!("relation-{}", town.helper),
        "お隣の方",
    );
    set_field(&mut fields, "items_to_take", "お薬手帳、眼鏡");
    let saved = browser.post(&path, &as_pairs(&fields));
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some(&*format!("{path}?done=saved"))
    );

    let plan = server.get(&format!("/api/v1/registrants/{}/plan", town.person));
    assert_eq!(plan.json["status"], "confirmed");
    assert_eq!(plan.json["supporters"][0]["supporter_id"], town.helper);
    assert_eq!(plan.json["supporters"][0]["relation"], "お隣の方");
    assert_eq!(
        plan.json["route"]["coordinates"][2],
        json!([130.5032, 33.3136])
    );
    let destinations = plan.json["destinations"].as_array().expect("destinations");
    assert!(
        destinations
            .iter()
            .any(|d| d["hazard_type"] == "earthquake" && d["shelter_id"] == town.site),
        "{destinations:?}"
    );
    assert_eq!(
        plan.json["written_on"],
        server.ctx.today().to_string(),
        "a new plan is written today unless the form says otherwise"
    );

    // Choosing the proposals confirmed them: only the plan consents are missing now.
    let check = server.get(&format!("/api/v1/registrants/{}/plan/check", town.person));
    let codes: Vec<&str> = check.json["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["code"].as_str())
        .collect();
    assert!(!codes.contains(&"supporter_not_linked"), "{codes:?}");
    assert!(codes.contains(&"no_plan_creation_consent"), "{codes:?}");
    let shown = browser.get(&format!("{path}?done=saved"));
    assert!(shown.body.contains("このままでは印刷できません"));
    assert!(shown.body.contains("計画を保存しました"));
    for kind in ["plan_creation", "plan_sharing"] {
        let consent =
            json!({"kind": kind, "given": true, "date": "2026-04-01", "evidence_note": "同意書"});
        let added = server.post(
            &format!("/api/v1/registrants/{}/consents", town.person),
            &consent,
        );
        assert_eq!(added.status, 201, "{}", added.text);
    }
    let ready = browser.get(&path);
    assert!(ready.body.contains("✓ 印刷できます"), "{}", ready.body);
    assert!(
        ready
            .body
            .contains(&format!("action=\"/registrants/{}/plan.pdf\"", town.person))
    );

    let printed = browser.post(
        &format!("/registrants/{}/plan.pdf", town.person),
        &[("csrf", &ready.csrf()), ("holder", "本人")],
    );
    assert_eq!(printed.status, 200, "{}", printed.body);
    assert!(printed.bytes.starts_with(b"%PDF"));
    if let Some(text) = common::pdf_text(&printed.bytes) {
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.contains("地図の太線の道順（約700m）"), "{flat}");
        assert!(
            flat.contains("経路約700m"),
            "the route's label on the map: {flat}"
        );
    }
    let copies = server.get("/api/v1/prints");
    assert_eq!(copies.json["items"][0]["holder"], "本人");
}

#[test]
fn errors_stand_beside_their_fields_and_nothing_is_written() {
    let town = town();
    let browser = Browser::signed_in(&town.server, "staff1");
    let path = plan_path(&town);
    let page = browser.get(&path);
    let mut fields = form_fields(&page.body, &path);
    set_field(&mut fields, "route", "33.31, 130.50");
    set_field(&mut fields, "written_on", "令和99年1月1日");
    set_field(&mut fields, "dest-flood", &town.site.to_string());
    let refused = browser.post(&path, &as_pairs(&fields));
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"f-route-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"f-written_on-error\""));
    // What was typed stays.
    assert!(refused.body.contains("33.31, 130.50"));
    assert!(
        town.server
            .get(&format!("/api/v1/registrants/{}/plan", town.person))
            .status
            == 404,
        "nothing written"
    );

    // A shelter not designated for floods, posted by hand: refused by the service, beside the
    // flood select, named in the summary.
    set_field(&mut fields, "route", ROUTE);
    set_field(&mut fields, "written_on", "");
    let refused = browser.post(&path, &as_pairs(&fields));
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"f-dest-flood-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("避難先（洪水）："),
        "{}",
        refused.body
    );
    assert_eq!(
        town.server
            .get(&format!("/api/v1/registrants/{}/plan", town.person))
            .status,
        404
    );
    set_field(&mut fields, "dest-flood", &town.flood_only.to_string());
    let saved = browser.post(&path, &as_pairs(&fields));
    assert_eq!(saved.status, 303, "{}", saved.body);
}

#[test]
fn a_colleagues_save_meanwhile_is_shown_and_not_overwritten_unasked() {
    let town = town();
    let path = plan_path(&town);
    let first = Browser::signed_in(&town.server, "staff1");
    let saved = {
        let page = first.get(&path);
        first.post(&path, &as_pairs(&form_fields(&page.body, &path)))
    };
    assert_eq!(saved.status, 303, "{}", saved.body);
    let mine = first.get(&path);
    let theirs_browser = Browser::signed_in(&town.server, "staff2");
    let theirs = theirs_browser.get(&path);
    let mut fields = form_fields(&theirs.body, &path);
    set_field(&mut fields, "items_to_take", "補聴器");
    assert_eq!(theirs_browser.post(&path, &as_pairs(&fields)).status, 303);

    let mut fields = form_fields(&mine.body, &path);
    set_field(&mut fields, "notes_for_supporters", "玄関の鍵は郵便受け");
    let conflict = first.post(&path, &as_pairs(&fields));
    assert_eq!(conflict.status, 412, "{}", conflict.body);
    assert!(conflict.body.contains("id=\"conflict\""));
    assert!(conflict.body.contains("staff2"), "{}", conflict.body);
    assert!(conflict.body.contains("持ち出す物"), "{}", conflict.body);
    assert!(
        conflict.body.contains("玄関の鍵は郵便受け"),
        "the typed note stays"
    );
    let plan = town
        .server
        .get(&format!("/api/v1/registrants/{}/plan", town.person));
    assert_eq!(plan.json["items_to_take"], "補聴器");
    assert!(plan.json["notes_for_supporters"].is_null());
    // Saving again, on the version the conflict view carries, applies the user's form.
    let fields = form_fields(&conflict.body, &path);
    assert_eq!(first.post(&path, &as_pairs(&fields)).status, 303);
    let plan = town
        .server
        .get(&format!("/api/v1/registrants/{}/plan", town.person));
    assert_eq!(plan.json["notes_for_supporters"], "玄関の鍵は郵便受け");
}

#[test]
fn the_plan_page_is_the_registers_own_and_every_read_of_it_is_audited() {
    let town = town();
    let path = plan_path(&town);
    let district = Browser::signed_in(&town.server, "west");
    assert_eq!(district.get(&path).status, 403);
    let page = district.get("/account/password");
    let refused = district.post(&path, &[("csrf", &page.csrf()), ("author", "x")]);
    assert_eq!(refused.status, 403);
    assert_eq!(
        town.server
            .get(&format!("/api/v1/registrants/{}/plan", town.person))
            .status,
        404
    );

    let staff = Browser::signed_in(&town.server, "staff1");
    assert_eq!(staff.get(&path).status, 200);
    let reads: Vec<_> = audit_log(&town.server.ctx)
        .into_iter()
        .filter(|e| e.record.actor == "staff1" && e.record.action == "read")
        .collect();
    assert!(
        reads.iter().any(|e| e
            .record
            .registrant_ids
            .contains(&sasaeai::domain::RegistrantId(town.person))
            && e.record.target.contains("/plan/edit")
            && e.record.target.contains(&town.helper.to_string())),
        "the page read names the person and the supporters shown: {reads:?}"
    );
}
