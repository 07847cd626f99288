//! The staff pages over HTTP, as a browser meets them: signing in, the session cookie, CSRF,
//! the security headers, the register's list and person pages, the edit conflict, the new
//! person form with a Japanese-era birth date, and what a district user may see.
#![expect(
    clippy::expect_used,
    reason = "a helper step that fails should stop the test at once"
)]

mod common;

use common::pages::{Browser, as_pairs, field_value, form_fields, set_field};
use common::{PASSWORD, TestServer, audit_log, registrant};
use serde_json::json;

fn server() -> TestServer {
    let server = TestServer::start().with_districts();
    assert!(server.add_user("staff1", "staff", &[]));
    assert!(server.add_user("staff2", "staff", &[]));
    assert!(server.add_user("west", "district", &["D1"]));
    server
}

/// Adds a person through the API with a register-sharing consent given or refused; their id.
fn person(server: &TestServer, name: &str, kana: &str, consent: bool) -> i64 {
    let mut body = registrant();
    body["name"] = json!(name);
    body["name_kana"] = json!(kana);
    let created = server.post("/api/v1/registrants", &body);
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_i64().expect("id");
    let consent = json!({"kind": "register_sharing", "given": consent, "date": "2026-04-01", "evidence_note": "同意書 受付123"});
    assert_eq!(
        server
            .post(&format!("/api/v1/registrants/{id}/consents"), &consent)
            .status,
        201
    );
    id
}

#[test]
fn a_page_without_a_session_sends_the_browser_to_the_login_and_back() {
    let server = server();
    let browser = Browser::new(&server);
    let answer = browser.get("/registrants?q=%E3%81%8F");
    assert_eq!(answer.status, 303);
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?next=%2Fregistrants%3Fq%3D%25E3%2581%258F")
    );
    let login = browser.get("/login?next=/registrants");
    assert_eq!(login.status, 200);
    assert!(login.body.contains("<h1>ログイン</h1>"), "{}", login.body);
}

#[test]
fn signing_in_sets_a_cookie_no_script_can_read_and_no_other_site_sends() {
    let server = server();
    let mut browser = Browser::new(&server);
    let wrong = browser.login("staff1", "not-the-password");
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("ユーザー名またはパスワードが違います"));
    assert!(wrong.set_cookie.is_empty());
    let right = browser.login("staff1", PASSWORD);
    assert_eq!(right.status, 303, "{}", right.body);
    let cookie = right.set_cookie.first().expect("a session cookie");
    for part in ["sasaeai_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{part} missing from {cookie}");
    }
    // Plain HTTP here: the Secure flag would make the browser drop the cookie.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let home = browser.get("/");
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("staff1（市職員）"));
}

#[test]
fn every_page_has_a_strict_policy_and_no_inline_script() {
    let server = server();
    let id = person(&server, "久留米 花子", "くるめ はなこ", true);
    let browser = Browser::signed_in(&server, "staff1");
    for path in [
        "/login".to_owned(),
        "/".to_owned(),
        "/registrants".to_owned(),
        format!("/registrants/{id}"),
        format!("/registrants/{id}/edit"),
        "/registrants/new".to_owned(),
        "/account/password".to_owned(),
    ] {
        let answer = browser.get(&path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let csp = answer.csp.unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        // Every script is a file of this server; no inline script, no inline handler.
        for script in answer.body.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains("src=\"/assets/"),
                "{path}: inline script <script{tag}>"
            );
            assert!(
                script
                    .split('>')
                    .nth(1)
                    .is_some_and(|b| b.starts_with("</script")),
                "{path}: a script with a body"
            );
        }
        assert!(!answer.body.contains(" onclick="), "{path}");
        assert!(
            !answer.body.contains("style=\""),
            "{path}: an inline style attribute"
        );
        assert!(answer.body.contains("<html lang=\"ja\">"), "{path}");
    }
}

#[test]
fn a_form_without_the_sessions_token_or_from_another_site_changes_nothing() {
    let server = server();
    let id = person(&server, "久留米 花子", "くるめ はなこ", true);
    let browser = Browser::signed_in(&server, "staff1");
    let consent = [
        ("consent.kind", "plan_creation"),
        ("given", "true"),
        ("date", "R8.4.1"),
        ("evidence_note", "訪問で確認"),
    ];
    let path = format!("/registrants/{id}/consents");
    let without = browser.post(&path, &consent);
    assert_eq!(without.status, 403, "{}", without.body);
    let token = browser.get(&format!("/registrants/{id}")).csrf();
    let mut with_token = consent.to_vec();
    with_token.push(("csrf", &token));
    let foreign = browser.post_from(&path, &with_token, "https://evil.example");
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    let wrong = [("csrf", "0123456789abcdef0123456789abcdef")];
    let mut wrong_token = consent.to_vec();
    wrong_token.extend(wrong);
    assert_eq!(browser.post(&path, &wrong_token).status, 403);
    let consents = server.get(&format!("/api/v1/registrants/{id}/consents"));
    assert_eq!(
        consents.json["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        consents.text
    );
    let done = browser.post(&path, &with_token);
    assert_eq!(done.status, 303, "{}", done.body);
    let consents = server.get(&format!("/api/v1/registrants/{id}/consents"));
    assert_eq!(
        consents.json["items"].as_array().map(Vec::len),
        Some(2),
        "{}",
        consents.text
    );
    assert!(
        consents.text.contains("\"date\":\"2026-04-01\""),
        "{}",
        consents.text
    );
}

#[test]
fn the_register_is_found_by_kana_typed_in_hiragana_or_katakana() {
    let server = server();
    let hanako = person(&server, "久留米 花子", "クルメ ハナコ", true);
    let other = person(&server, "筑後 次郎", "チクゴ ジロウ", true);
    let browser = Browser::signed_in(&server, "staff1");
    for q in ["くるめ", "クルメ", "久留米"] {
        let found = browser.get(&format!("/registrants?q={}", common::pages::encode(q)));
        assert_eq!(found.status, 200, "{}", found.body);
        assert!(
            found
                .body
                .contains(&format!("href=\"/registrants/{hanako}\"")),
            "{q}"
        );
        assert!(
            !found
                .body
                .contains(&format!("href=\"/registrants/{other}\"")),
            "{q}"
        );
    }
    let bad = browser.get("/registrants?plan_status=unknown");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("field-error"), "{}", bad.body);
}

#[test]
fn a_district_user_sees_on_the_pages_only_what_the_api_shows_them_and_every_read_is_audited() {
    let server = server();
    let shared = person(&server, "久留米 花子", "くるめ はなこ", true);
    let refused = person(&server, "筑後 次郎", "ちくご じろう", false);
    let browser = Browser::signed_in(&server, "west");
    let list = browser.get("/registrants");
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains(&format!("/registrants/{shared}\"")));
    assert!(!list.body.contains(&format!("/registrants/{refused}\"")));
    assert!(!list.body.contains("筑後 次郎"));
    let hidden = browser.get(&format!("/registrants/{refused}"));
    assert_eq!(hidden.status, 404);
    let page = browser.get(&format!("/registrants/{shared}"));
    assert_eq!(page.status, 200);
    // The record as the district projection holds it: no case file, no consents, no history.
    for staff_only in [
        "宛名番号",
        "支援者へのメモ",
        "同意を記録する",
        "変更の記録",
        "記録を直す",
    ] {
        assert!(
            !page.body.contains(staff_only),
            "{staff_only} shown to a district user"
        );
    }
    assert!(page.body.contains("本人の同意により"));
    assert_eq!(
        browser.get(&format!("/registrants/{shared}/edit")).status,
        403
    );
    let reads: Vec<_> = audit_log(&server.ctx)
        .into_iter()
        .filter(|e| e.record.actor == "west" && e.record.action == "read")
        .collect();
    assert!(
        reads.iter().any(|e| e
            .record
            .registrant_ids
            .contains(&sasaeai::domain::RegistrantId(shared))),
        "the page read of {shared} is not in the audit log: {reads:?}"
    );
    let layers = browser.get(&format!("/registrants/{shared}/map.geojson"));
    assert_eq!(layers.status, 200);
    assert!(
        layers.body.contains("\"layer\":\"home\""),
        "{}",
        layers.body
    );
    assert_eq!(
        browser
            .get(&format!("/registrants/{refused}/map.geojson"))
            .status,
        404
    );
}

#[test]
fn an_edit_that_meets_another_users_change_shows_it_and_saving_again_keeps_both() {
    let server = server();
    let id = person(&server, "久留米 花子", "くるめ はなこ", true);
    let first = Browser::signed_in(&server, "staff1");
    let second = Browser::signed_in(&server, "staff2");
    let opened = first.get(&format!("/registrants/{id}/edit"));
    assert_eq!(opened.status, 200, "{}", opened.body);
    let edit = format!("/registrants/{id}/edit");
    // The second user changes the phone and saves first.
    let theirs = second.get(&edit);
    let mut their_fields = form_fields(&theirs.body, &edit);
    set_field(&mut their_fields, "phone", "0942-99-8888");
    let saved = second.post(&edit, &as_pairs(&their_fields));
    assert_eq!(saved.status, 303, "{}", saved.body);
    // The first user, on the old version, changes the address.
    let mut my_fields = form_fields(&opened.body, &edit);
    set_field(&mut my_fields, "address", "ひばり野市本町9-9-9");
    let conflict = first.post(&edit, &as_pairs(&my_fields));
    assert_eq!(conflict.status, 412, "{}", conflict.body);
    assert!(
        conflict
            .body
            .contains("ほかの人がこの方の記録を変更しました")
    );
    assert!(conflict.body.contains("staff2"), "who changed it is named");
    assert!(
        conflict.body.contains("電話番号：0942-99-8888"),
        "{}",
        conflict.body
    );
    assert_eq!(
        field_value(&conflict.body, "address").as_deref(),
        Some("ひばり野市本町9-9-9"),
        "the user's own input stays in the form"
    );
    // The form as it came back still shows the old phone (the user's own view); saving again
    // applies only the address, the field the user changed.
    let again = form_fields(&conflict.body, &edit);
    let resolved = first.post(&edit, &as_pairs(&again));
    assert_eq!(resolved.status, 303, "{}", resolved.body);
    let record = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(record.json["address"], "ひばり野市本町9-9-9");
    assert_eq!(
        record.json["phone"], "0942-99-8888",
        "the other change is kept"
    );
}

#[test]
fn a_new_person_is_registered_with_a_birth_date_in_the_japanese_era_and_errors_stand_by_their_fields()
 {
    let server = server();
    let browser = Browser::signed_in(&server, "staff1");
    let form = browser.get("/registrants/new");
    let token = form.csrf();
    let missing = browser.post(
        "/registrants/new",
        &[
            ("csrf", &token),
            ("name", "久留米 三郎"),
            ("birth_date", "昭和25年13月1日"),
        ],
    );
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(
        missing.body.contains("id=\"f-birth_date-error\""),
        "{}",
        missing.body
    );
    assert!(
        missing.body.contains("id=\"f-address-error\""),
        "{}",
        missing.body
    );
    assert_eq!(
        field_value(&missing.body, "name").as_deref(),
        Some("久留米 三郎")
    );
    for (typed, stored) in [
        ("昭和25年4月1日", "1950-04-01"),
        ("S25.4.2", "1950-04-02"),
        ("1950-04-03", "1950-04-03"),
    ] {
        let created = browser.post(
            "/registrants/new",
            &[
                ("csrf", &token),
                ("name", "久留米 三郎"),
                ("birth_date", typed),
                ("sex", "male"),
                ("address", "ひばり野市本町3-3-3"),
                ("latitude", "33.31"),
                ("longitude", "130.50"),
                ("support_reasons", "care_level"),
            ],
        );
        assert_eq!(created.status, 303, "{typed}: {}", created.body);
        let location = created.location.expect("the new person's page");
        let id: i64 = location
            .trim_start_matches("/registrants/")
            .split('?')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("an id");
        let record = server.get(&format!("/api/v1/registrants/{id}"));
        assert_eq!(record.json["birth_date"], stored, "{typed}");
        let shown = browser.get(&location);
        assert!(shown.body.contains("登録しました"));
        assert!(shown.body.contains("昭和25年4月"), "{}", shown.body);
    }
}

#[test]
fn the_home_page_counts_each_district_as_the_register_holds_it() {
    let server = server();
    person(&server, "久留米 花子", "くるめ はなこ", true);
    person(&server, "筑後 次郎", "ちくご じろう", false);
    let browser = Browser::signed_in(&server, "staff1");
    let home = browser.get("/");
    let row = home
        .body
        .split("<tr>")
        .find(|r| r.contains("D1 西校区"))
        .expect("a row for D1");
    let cells: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or_default())
        .collect();
    assert_eq!(cells, ["2", "1", "0", "0%", "0"], "{row}");
}

#[test]
fn the_home_page_says_when_an_incident_is_open_and_what_it_opens() {
    let server = server();
    let browser = Browser::signed_in(&server, "west");
    assert!(!browser.get("/").body.contains("災害対応中"));
    let d1 = server.get("/api/v1/districts").json["items"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|d| d["code"] == "D1")
                .and_then(|d| d["id"].as_i64())
        })
        .expect("D1");
    let declared = server.post(
        "/api/v1/incidents",
        &json!({"name": "西部の豪雨", "hazard_type": "flood", "district_ids": [d1]}),
    );
    assert_eq!(declared.status, 201, "{}", declared.text);
    let home = browser.get("/");
    assert!(home.body.contains("災害対応中"), "{}", home.body);
    assert!(home.body.contains("西部の豪雨（洪水、"), "{}", home.body);
    assert!(home.body.contains("D1 西校区"));
}

#[test]
fn the_assets_are_served_from_the_binary() {
    let server = server();
    let browser = Browser::new(&server);
    for (path, kind) in [
        ("/assets/sasaeai.css", "text/css"),
        ("/assets/htmx.min.js", "text/javascript"),
        ("/assets/leaflet/leaflet.js", "text/javascript"),
        ("/assets/map.js", "text/javascript"),
        ("/assets/leaflet/images/marker-icon.png", "image/png"),
    ] {
        let answer = browser.get(path);
        assert_eq!(answer.status, 200, "{path}");
        assert!(
            answer.content_type.starts_with(kind),
            "{path}: {}",
            answer.content_type
        );
        assert!(
            answer.bytes.len() > 100,
            "{path}: {} bytes",
            answer.bytes.len()
        );
    }
    let png = browser.get("/assets/leaflet/images/marker-icon.png");
    assert!(
        png.bytes.starts_with(b"\x89PNG"),
        "the image is sent as bytes, unchanged"
    );
    assert_eq!(browser.get("/assets/../Cargo.toml").status, 404);
    assert_eq!(browser.get("/assets/nothing.js").status, 404);
}

#[test]
fn a_district_batch_printed_from_the_page_is_registered_and_can_be_marked_returned() {
    let server = server();
    person(&server, "久留米 花子", "くるめ はなこ", true);
    let browser = Browser::signed_in(&server, "staff1");
    let page = browser.get("/prints");
    assert_eq!(page.status, 200, "{}", page.body);
    let token = page.csrf();
    let d1 = field_value_of_option(&page.body, "D1 西校区");
    // Without a holder: refused beside the field, nothing registered.
    let refused = browser.post(
        "/prints/sheet",
        &[("csrf", &token), ("district_id", &d1), ("holder", "")],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"sheet-holder-error\""),
        "{}",
        refused.body
    );
    assert_eq!(
        server.get("/api/v1/prints").json["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let sheet = browser.post(
        "/prints/sheet",
        &[
            ("csrf", &token),
            ("district_id", &d1),
            ("holder", "西校区 民生委員"),
            ("hazard", "flood"),
        ],
    );
    assert_eq!(sheet.status, 200, "{}", sheet.body);
    assert!(sheet.bytes.starts_with(b"%PDF"), "a PDF");
    if let Some(text) = common::pdf_text(&sheet.bytes) {
        assert!(
            text.contains("久留米"),
            "the sheet lists the district's people"
        );
    }
    let copies = server.get("/api/v1/prints");
    let copy = &copies.json["items"][0];
    assert_eq!(copy["holder"], "西校区 民生委員");
    assert_eq!(copy["kind"], "safety_check_sheet");
    let serial = copy["serial"].as_str().expect("a serial").to_owned();
    let register = browser.get("/prints");
    assert!(
        register.body.contains(&serial),
        "the copy is in the page's register"
    );
    let returned = browser.post(&format!("/prints/{serial}/return"), &[("csrf", &token)]);
    assert_eq!(returned.status, 303);
    let copies = server.get("/api/v1/prints");
    assert!(
        copies.json["items"][0]["returned_at"].is_string(),
        "{}",
        copies.text
    );
}

#[test]
fn a_district_user_prints_only_for_their_own_district() {
    let server = server();
    let mut east = registrant();
    east["name"] = json!("東 太郎");
    east["longitude"] = json!(130.52);
    let created = server.post("/api/v1/registrants", &east);
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_i64().expect("id");
    let consent = json!({"kind": "register_sharing", "given": true, "date": "2026-04-01", "evidence_note": "同意書"});
    assert_eq!(
        server
            .post(&format!("/api/v1/registrants/{id}/consents"), &consent)
            .status,
        201
    );
    let browser = Browser::signed_in(&server, "west");
    let page = browser.get("/prints");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("D1 西校区") && !page.body.contains("D2 東校区"),
        "only their district is offered"
    );
    assert!(
        !page.body.contains("印刷物の台帳"),
        "the print register is the register's staff's"
    );
    let d2 = server.get("/api/v1/districts").json["items"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|d| d["code"] == "D2")
                .and_then(|d| d["id"].as_i64())
        })
        .expect("D2");
    let token = page.csrf();
    let sheet = browser.post(
        "/prints/sheet",
        &[
            ("csrf", &token),
            ("district_id", &d2.to_string()),
            ("holder", "西校区"),
        ],
    );
    if sheet.bytes.starts_with(b"%PDF") {
        let text = common::pdf_text(&sheet.bytes).unwrap_or_default();
        assert!(
            !text.contains("東"),
            "a district user printed another district's sheet"
        );
    }
    assert_ne!(sheet.status, 200, "another district's sheet is refused");
}

/// The value of the option whose label is `label`.
fn field_value_of_option(html: &str, label: &str) -> String {
    let at = html
        .find(&format!(">{label}</option>"))
        .expect("the option");
    let start = html[..at].rfind("value=\"").expect("its value") + 7;
    html[start..start + html[start..].find('"').expect("end")].to_owned()
}

#[test]
fn an_administrator_adds_a_user_from_the_page_and_others_may_not_see_it() {
    let server = server();
    assert!(server.add_user("boss", "admin", &[]));
    let admin = Browser::signed_in(&server, "boss");
    let page = admin.get("/users");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("west") && page.body.contains("D1 西校区"),
        "{}",
        page.body
    );
    let token = page.csrf();
    let weak = admin.post(
        "/users",
        &[
            ("csrf", &token),
            ("username", "east"),
            ("role", "district"),
            ("districts", "D2"),
            ("password", "short"),
        ],
    );
    assert_eq!(weak.status, 422, "{}", weak.body);
    assert!(
        weak.body.contains("id=\"f-password-error\""),
        "{}",
        weak.body
    );
    assert_eq!(field_value(&weak.body, "username").as_deref(), Some("east"));
    let added = admin.post(
        "/users",
        &[
            ("csrf", &token),
            ("username", "east"),
            ("role", "district"),
            ("districts", "D2"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let east = Browser::signed_in(&server, "east");
    assert_eq!(east.get("/").status, 200);
    for who in ["staff1", "west"] {
        let other = Browser::signed_in(&server, who);
        assert_eq!(other.get("/users").status, 403, "{who}");
        assert_eq!(other.get("/audit").status, 403, "{who}");
    }
}

#[test]
fn the_auditor_reads_the_log_and_checks_its_chain_from_the_page() {
    let server = server();
    assert!(server.add_user("inspector", "auditor", &[]));
    let id = person(&server, "久留米 花子", "くるめ はなこ", true);
    let staff = Browser::signed_in(&server, "staff1");
    assert_eq!(staff.get(&format!("/registrants/{id}")).status, 200);
    let auditor = Browser::signed_in(&server, "inspector");
    assert_eq!(
        auditor.get("/registrants").status,
        403,
        "the auditor does not read the register"
    );
    let log = auditor.get("/audit");
    assert_eq!(log.status, 200, "{}", log.body);
    assert!(log.body.contains("staff1"), "the staff's read is listed");
    assert!(
        log.body.contains("<td>閲覧</td>"),
        "actions in the auditor's words"
    );
    assert!(
        log.body.contains(&format!("/api/v1/registrants/{id}")),
        "{}",
        log.body
    );
    let checked = auditor.post("/audit/verify", &[("csrf", &log.csrf())]);
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(
        checked.body.contains("すべてつながっています"),
        "{}",
        checked.body
    );
}

#[test]
fn the_register_is_filtered_by_support_reason_and_by_the_hazard_at_home_on_the_api_and_the_page() {
    let server = server();
    let ring = vec![
        (130.495, 33.305),
        (130.505, 33.305),
        (130.505, 33.315),
        (130.495, 33.315),
        (130.495, 33.305),
    ];
    let zone = sasaeai::domain::hazard::NewHazardZone {
        hazard_type: sasaeai::domain::codes::HazardType::Flood,
        level: 3,
        phenomenon: None,
        name: "本川 洪水浸水想定区域".into(),
        area: geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString::from(ring), vec![])]),
    };
    sasaeai::services::districts::add_geodata(
        &server.ctx,
        &sasaeai::services::access::Caller::local("test-setup"),
        &[],
        &[zone],
    )
    .expect("add the flood zone");
    // Inside the zone, with care_level; outside it, physical_disability only.
    let wet = person(&server, "久留米 花子", "くるめ はなこ", true);
    let mut dry = registrant();
    dry["name"] = json!("筑後 次郎");
    dry["latitude"] = json!(33.318);
    dry["longitude"] = json!(130.492);
    dry["support_reasons"] = json!(["physical_disability"]);
    let dry = server.post("/api/v1/registrants", &dry).json["id"]
        .as_i64()
        .expect("id");
    let ids = |path: &str| -> Vec<i64> {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        page.json["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_i64())
            .collect()
    };
    assert_eq!(ids("/api/v1/registrants?hazard=flood"), [wet]);
    assert_eq!(ids("/api/v1/registrants?reason=physical_disability"), [dry]);
    assert_eq!(
        ids("/api/v1/registrants?reason=care_level&hazard=flood"),
        [wet]
    );
    assert!(ids("/api/v1/registrants?reason=physical_disability&hazard=flood").is_empty());
    server
        .get("/api/v1/registrants?hazard=typhoon")
        .assert_problem(422, "validation_failed");
    let browser = Browser::signed_in(&server, "staff1");
    let page = browser.get("/registrants?hazard=flood");
    assert!(
        page.body.contains("<option value=\"flood\" selected>"),
        "the filter shows as chosen"
    );
    assert!(page.body.contains(&format!("/registrants/{wet}\"")));
    assert!(!page.body.contains(&format!("/registrants/{dry}\"")));
    let page = browser.get("/registrants?reason=physical_disability");
    assert!(page.body.contains(&format!("/registrants/{dry}\"")));
    assert!(!page.body.contains(&format!("/registrants/{wet}\"")));
}

#[test]
fn a_user_changes_their_own_password_and_every_session_ends() {
    let server = server();
    let mut browser = Browser::signed_in(&server, "staff1");
    let other = Browser::signed_in(&server, "staff1");
    let token = browser.get("/account/password").csrf();
    let new = "tsuyu-no-hare-ma-2026";
    let wrong = browser.post(
        "/account/password",
        &[
            ("csrf", &token),
            ("current_password", "not-mine-at-all"),
            ("new_password", new),
            ("new_password_again", new),
        ],
    );
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(
        wrong.body.contains("id=\"f-current_password-error\""),
        "{}",
        wrong.body
    );
    let mismatch = browser.post(
        "/account/password",
        &[
            ("csrf", &token),
            ("current_password", PASSWORD),
            ("new_password", new),
            ("new_password_again", "something-else-2026"),
        ],
    );
    assert_eq!(mismatch.status, 422);
    assert!(mismatch.body.contains("id=\"f-new_password_again-error\""));
    let changed = browser.post(
        "/account/password",
        &[
            ("csrf", &token),
            ("current_password", PASSWORD),
            ("new_password", new),
            ("new_password_again", new),
        ],
    );
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        changed.location.as_deref(),
        Some("/login?password_changed=true")
    );
    // Both sessions ended; the old password no longer opens one, the new one does.
    assert_eq!(other.get("/").status, 303);
    assert_eq!(browser.login("staff1", PASSWORD).status, 401);
    assert_eq!(browser.login("staff1", new).status, 303);
    assert_eq!(browser.get("/").status, 200);
}

#[test]
fn a_status_change_needs_the_confirmation_tick_and_keeps_the_person_on_record() {
    let server = server();
    let id = person(&server, "久留米 花子", "くるめ はなこ", true);
    let browser = Browser::signed_in(&server, "staff1");
    let page = browser.get(&format!("/registrants/{id}"));
    let (token, version) = (
        page.csrf(),
        field_value(&page.body, "version").expect("version"),
    );
    let path = format!("/registrants/{id}/status");
    let fields = [
        ("csrf", token.as_str()),
        ("version", version.as_str()),
        ("status.status", "moved"),
        ("reason", "市外へ転出"),
        ("date", "R8.11.30"),
    ];
    let unconfirmed = browser.post(&path, &fields);
    assert_eq!(unconfirmed.status, 422, "{}", unconfirmed.body);
    assert!(unconfirmed.body.contains("id=\"status-confirm-error\""));
    assert_eq!(
        server.get(&format!("/api/v1/registrants/{id}")).json["status"],
        "active"
    );
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "yes"));
    assert_eq!(browser.post(&path, &confirmed).status, 303);
    let record = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(record.json["status"], "moved");
    assert_eq!(record.json["status_date"], "2026-11-30");
}
