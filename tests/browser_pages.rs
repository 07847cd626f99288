//! The pages in headless Chromium, as a welfare officer uses them: sign in, find a person by
//! kana, add a consent, edit them and meet a colleague's change made meanwhile, register a new
//! person with a birth date in the Japanese era and the home placed by a click on the map. Each page visited
//! is checked for what every page must have: Japanese, labelled inputs, 16 px text or more.
//!
//! Skipped, with a line saying so, where Chromium or chromedriver is not installed.

mod common;

use common::pages::{Browser, as_pairs, form_fields, set_field};
use common::webdriver::{Chromium, ENTER, TAB};
use common::{TestServer, registrant};
use serde_json::{Value, json};

/// What every page must pass: the language, a label for every input a person fills in, text
/// of 16 px or more, one h1, and no text told by colour alone in the notices (each has a title).
fn check_page(browser: &Chromium) {
    let report = browser.script(
        r#"
        const problems = [];
        if (document.documentElement.lang !== 'ja') problems.push('lang is not ja');
        for (const input of document.querySelectorAll('input, select, textarea')) {
            if (input.type === 'hidden') continue;
            const labelled = (input.labels && input.labels.length > 0)
                || input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
            if (!labelled) problems.push('unlabelled ' + (input.name || input.id || input.type));
        }
        const size = parseFloat(getComputedStyle(document.body).fontSize);
        if (size < 16) problems.push('body text ' + size + 'px');
        for (const el of document.querySelectorAll('main p, main td, main dd, main label')) {
            const s = parseFloat(getComputedStyle(el).fontSize);
            if (s < 16 && el.offsetParent !== null) problems.push('small text ' + s + 'px: ' + el.textContent.slice(0, 30));
        }
        if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count ' + document.querySelectorAll('h1').length);
        for (const notice of document.querySelectorAll('.notice')) {
            if (!notice.querySelector('.notice-title')) problems.push('notice without a title');
        }
        return problems;
        "#,
    );
    assert_eq!(report, json!([]), "page {}", browser.url());
    check_accessibility(browser);
}

/// axe-core (vendored for the tests, tests/assets/axe) finds no serious or critical
/// violation on the page as it stands.
fn check_accessibility(browser: &Chromium) {
    const AXE: &str = include_str!("assets/axe/axe.min.js");
    browser.script(&format!("{AXE}\nreturn true;"));
    let violations = browser.script_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {resultTypes: ['violations']}).then(r => done(
             r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))
         )).catch(e => done(['axe failed: ' + e]));",
    );
    assert_eq!(violations, json!([]), "accessibility of {}", browser.url());
}

fn shot(browser: &Chromium, name: &str) {
    // For a person to look at; kept out of the repository.
    let dir = std::env::temp_dir().join("sasaeai-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    browser.screenshot(&dir.join(format!("{name}.png")));
}

#[test]
fn a_welfare_officer_finds_edits_and_registers_people_in_the_browser() {
    let Some(browser) = Chromium::start(1280, 1000) else {
        return;
    };
    let server = TestServer::start().with_districts();
    assert!(server.add_user("officer", "staff", &[]));
    assert!(server.add_user("colleague", "staff", &[]));
    let mut body = registrant();
    body["name"] = json!("久留米 花子");
    body["name_kana"] = json!("クルメ ハナコ");
    let created = server.post("/api/v1/registrants", &body);
    assert_eq!(created.status, 201);
    let id = created.json["id"].as_i64().expect("id");

    // Sign in: the page asked for sends the browser to the login and back.
    browser.open(&server.url("/registrants"));
    browser.find("#username").type_text("officer");
    browser.find("#password").type_text(common::PASSWORD);
    check_page(&browser);
    shot(&browser, "login");
    browser.keys(ENTER);
    browser.wait_for(
        "the register",
        "return location.pathname === '/registrants'",
    );
    check_page(&browser);

    // Find her by kana typed in hiragana, open her record.
    browser.find("#f-q").type_text("くるめ");
    browser.keys(ENTER);
    browser.wait_for("the search", "return location.search.includes('q=')");
    assert!(browser.text("#registrants").contains("久留米 花子"));
    shot(&browser, "register");
    browser
        .find(&format!("a[href='/registrants/{id}']"))
        .click();
    browser.wait_for(
        "her record",
        &format!("return location.pathname === '/registrants/{id}'"),
    );
    check_page(&browser);
    assert!(browser.text("#record").contains("昭和16年3月15日"));
    browser.wait_for(
        "the map of her home",
        "return !!(window.sasaeaiMap && window.sasaeaiMap.maps.length && window.sasaeaiMap.maps[0].counts.home === 1)",
    );
    shot(&browser, "person");

    // Add a consent, the date typed in the era; it is listed on her page.
    browser
        .script("document.getElementById('f-consent.kind').value = 'plan_creation'; return true;");
    browser.find("#consent-date").type_text("R8.4.1");
    browser.find("#consent-evidence").type_text("訪問で確認");
    browser
        .find("form[action$='/consents'] button[type=submit]")
        .click();
    browser.wait_for(
        "the recorded consent",
        "return location.search.includes('done=consent')",
    );
    check_page(&browser);
    let consents = browser.text("#consents");
    assert!(consents.contains("個別避難計画の作成"), "{consents}");
    assert!(
        consents.contains("令和8年4月1日") && consents.contains("訪問で確認"),
        "{consents}"
    );

    // Edit: a colleague saves a change first; the officer meets it, then saves again.
    browser.find("a[href$='/edit']").click();
    browser.wait_for(
        "the edit form",
        "return location.pathname.endsWith('/edit')",
    );
    check_page(&browser);
    let address = browser.find("#f-address");
    address.clear();
    address.type_text("ひばり野市本町9-9-9");
    let colleague = Browser::signed_in(&server, "colleague");
    let theirs = colleague.get(&format!("/registrants/{id}/edit"));
    let mut fields = form_fields(&theirs.body, &format!("/registrants/{id}/edit"));
    set_field(&mut fields, "phone", "0942-77-6666");
    let saved = colleague.post(&format!("/registrants/{id}/edit"), &as_pairs(&fields));
    assert_eq!(saved.status, 303, "{}", saved.body);
    browser.find("form.stack button[type=submit]").click();
    browser.wait_for(
        "the conflict notice",
        "return !!document.getElementById('conflict')",
    );
    let notice = browser.text("#conflict");
    assert!(notice.contains("colleague"), "{notice}");
    assert!(notice.contains("0942-77-6666"), "{notice}");
    assert_eq!(browser.find("#f-address").value(), "ひばり野市本町9-9-9");
    check_page(&browser);
    shot(&browser, "conflict");
    browser.find("form.stack button[type=submit]").click();
    browser.wait_for(
        "the saved record",
        "return location.search.includes('done=saved')",
    );
    let record = server.get(&format!("/api/v1/registrants/{id}"));
    assert_eq!(record.json["address"], "ひばり野市本町9-9-9");
    assert_eq!(record.json["phone"], "0942-77-6666");

    // A new person: the birth date in the era, the home by a click on the map.
    browser.open(&server.url("/registrants/new"));
    check_page(&browser);
    browser.find("#f-name").type_text("筑後 三郎");
    browser.find("#f-birth_date").type_text("昭和25年4月1日");
    browser.find("#f-address").type_text("ひばり野市本町3-3-3");
    browser.script("document.getElementById('f-sex').value = 'male'; return true;");
    browser
        .find("input[name=support_reasons][value=care_level]")
        .click();
    browser.wait_for(
        "the map",
        "return !!(window.sasaeaiMap && window.sasaeaiMap.maps.length)",
    );
    browser.script(
        "const m = window.sasaeaiMap.maps[0].map; m.setView([33.31, 130.50], 16); return true;",
    );
    browser.find("#pick-map").click();
    let lat = browser.find("#f-latitude").value();
    let lon = browser.find("#f-longitude").value();
    let near = |v: &str, want: f64| v.parse::<f64>().is_ok_and(|x| (x - want).abs() < 0.005);
    assert!(
        near(&lat, 33.31) && near(&lon, 130.50),
        "the click set {lat}, {lon}"
    );
    shot(&browser, "new-person");
    browser.find("form.stack button[type=submit]").click();
    browser.wait_for(
        "the new record",
        "return location.search.includes('done=created')",
    );
    check_page(&browser);
    assert!(browser.text("#record").contains("昭和25年4月1日"));
    let new_id: i64 = browser
        .url()
        .rsplit('/')
        .next()
        .and_then(|p| p.split('?').next())
        .and_then(|n| n.parse().ok())
        .expect("the new person's id");
    let record = server.get(&format!("/api/v1/registrants/{new_id}"));
    assert_eq!(record.json["birth_date"], "1950-04-01");
    assert_eq!(
        record.json["district_id"],
        Value::from(server_district(&server, "D1"))
    );
}

#[test]
fn a_plan_is_made_from_the_proposals_with_a_route_drawn_on_the_map() {
    let Some(browser) = Chromium::start(1280, 1000) else {
        return;
    };
    let server = TestServer::start().with_districts();
    assert!(server.add_user("officer", "staff", &[]));
    let id = |v: &Value| v["id"].as_i64().unwrap_or_else(|| panic!("an id in {v}"));
    let person = id(&server.post("/api/v1/registrants", &registrant()).json);
    let helper = id(&server.post("/api/v1/supporters", &common::supporter()).json);
    let site = id(&server.post("/api/v1/shelters", &common::shelter()).json);
    assert_eq!(server.post("/api/v1/matching/runs", &json!({})).status, 201);

    browser.open(&server.url(&format!("/registrants/{person}/plan")));
    browser.find("#username").type_text("officer");
    browser.find("#password").type_text(common::PASSWORD);
    browser.keys(ENTER);
    browser.wait_for(
        "the plan page",
        "return location.pathname.endsWith('/plan')",
    );
    browser.wait_for(
        "the route map",
        "return !!(window.sasaeaiMap && window.sasaeaiMap.maps.length && window.sasaeaiMap.maps[0].map)",
    );
    check_page(&browser);
    assert!(
        browser.find(&format!("#sup-{helper}")).is_selected(),
        "the proposed supporter comes ticked"
    );
    // Two clicks on the map, the second after moving it: a route of two points.
    browser.find("#plan-map").click();
    browser.script(
        "const m = window.sasaeaiMap.maps[0].map; m.panBy([0, 150], {animate: false}); return true;",
    );
    browser.find("#plan-map").click();
    let length = browser.text("#f-route-length");
    assert!(length.contains("経路の長さ: 約"), "{length}");
    let route: Value =
        serde_json::from_str(&browser.find("#f-route").value()).unwrap_or(Value::Null);
    assert_eq!(route["type"], "LineString", "{route}");
    assert_eq!(
        route["coordinates"].as_array().map(Vec::len),
        Some(2),
        "{route}"
    );
    shot(&browser, "plan");
    browser.find("form.stack button[type=submit]").click();
    browser.wait_for(
        "the saved plan",
        "return location.search.includes('done=saved')",
    );
    check_page(&browser);
    let plan = server.get(&format!("/api/v1/registrants/{person}/plan"));
    assert_eq!(
        plan.json["route"], route,
        "the drawn route is stored as drawn"
    );
    assert_eq!(plan.json["supporters"][0]["supporter_id"], helper);
    assert!(
        plan.json["destinations"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["shelter_id"] == site)),
        "{}",
        plan.text
    );
    // The saved route is drawn again when the page opens.
    browser.wait_for(
        "the route redrawn",
        "return document.getElementById('f-route-length').textContent.includes('約')",
    );
}

/// The id of the district with `code`.
fn server_district(server: &TestServer, code: &str) -> i64 {
    let all = server.get("/api/v1/districts");
    all.json["items"]
        .as_array()
        .or_else(|| all.json.as_array())
        .into_iter()
        .flatten()
        .find(|d| d["code"] == code)
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("no district {code}: {}", all.text))
}

#[test]
fn the_pages_work_by_keyboard_alone_and_at_twice_the_size() {
    // 640 CSS pixels wide: a 1280-pixel screen at 200 % zoom.
    let Some(browser) = Chromium::start(640, 900) else {
        return;
    };
    let server = TestServer::start().with_districts();
    assert!(server.add_user("officer", "staff", &[]));
    let mut body = registrant();
    body["name"] = json!("久留米 花子");
    let id = server.post("/api/v1/registrants", &body).json["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a registrant"));

    // Sign in with the keyboard only: the name field has the focus, Tab to the password,
    // Enter to send.
    browser.open(&server.url("/login"));
    browser.wait_for(
        "the login form",
        "return document.activeElement && document.activeElement.id === 'username'",
    );
    browser.keys("officer");
    browser.keys(TAB);
    browser.keys(common::PASSWORD);
    browser.keys(ENTER);
    browser.wait_for("the home page", "return location.pathname === '/'");

    // The first Tab reaches the skip link, which is then visible, and the focus is drawn.
    browser.keys(TAB);
    let focused = browser.script(
        "const a = document.activeElement; const s = getComputedStyle(a); \
         return [a.className, s.outlineStyle, a.getBoundingClientRect().height > 0];",
    );
    assert_eq!(focused[0], "skip-link", "{focused}");
    assert_ne!(focused[1], "none", "the focus is not drawn: {focused}");
    assert_eq!(focused[2], true, "the skip link stays hidden when focused");
    browser.keys(ENTER);
    browser.wait_for(
        "the focus in the main part",
        "return document.activeElement.id === 'main'",
    );

    for path in [
        "/".to_owned(),
        "/registrants".to_owned(),
        format!("/registrants/{id}"),
        format!("/registrants/{id}/edit"),
        format!("/registrants/{id}/plan"),
        "/prints".to_owned(),
    ] {
        browser.open(&server.url(&path));
        browser.wait_for("the page", "return document.readyState === 'complete'");
        check_page(&browser);
        let overflow =
            browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
        assert!(
            overflow.as_i64().is_some_and(|o| o <= 1),
            "{path} scrolls sideways at 200 %: {overflow} px"
        );
        shot(&browser, &format!("zoom{}", path.replace('/', "_")));
    }

    // The edit form saves with the keyboard alone: Enter in a text field sends it.
    browser.open(&server.url(&format!("/registrants/{id}/edit")));
    browser.find("#f-phone").click();
    browser.script("document.getElementById('f-phone').select(); return true;");
    browser.keys("0942-11-2222");
    browser.keys(ENTER);
    browser.wait_for(
        "the saved record",
        "return location.search.includes('done=saved')",
    );
    assert_eq!(
        server.get(&format!("/api/v1/registrants/{id}")).json["phone"],
        "0942-11-2222"
    );
}
