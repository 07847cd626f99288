//! The disaster volunteer centre over HTTP: registration and its refusals, check-in by
//! registration number, the day's team proposal, leader reports carrying a request over to the
//! next day, the roster PDF read back as text, and the day's statistics.

mod common;

use common::{Resp, TestServer, pdf_pages, registrant};
use serde_json::{Value, json};

const BASE: &str = "/api/v1/volunteer-centre";
const DAY1: &str = "2026-07-10";
const DAY2: &str = "2026-07-11";

fn volunteer(name: &str) -> Value {
    json!({
        "name": name,
        "name_kana": "ボランティア",
        "phone": "090-1234-5678",
        "age_band": "30_39",
        "insured": true,
        "insurance_date": "2026-07-01",
        "skills": [],
        "equipment": ["長靴"]
    })
}

/// Registers a volunteer and returns (id, registration number).
fn register(server: &TestServer, body: &Value) -> (i64, String) {
    let r = server.post(&format!("{BASE}/volunteers"), body);
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.json["id"].as_i64().unwrap_or_default(),
        r.json["registration_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn check_in(server: &TestServer, key: &str, day: &str) -> Resp {
    server.post(
        &format!("{BASE}/volunteers/{key}/check-ins"),
        &json!({"date": day}),
    )
}

/// A help request at (lat, lon) for `people` people; returns its id.
fn request(server: &TestServer, address: &str, lat: f64, lon: f64, people: i64) -> i64 {
    let r = server.post(
        &format!("{BASE}/help-requests"),
        &json!({
            "requester_name": format!("依頼 {address}"),
            "phone": "0942-11-2222",
            "address": address,
            "latitude": lat,
            "longitude": lon,
            "work_types": ["mud_removal", "furniture_moving"],
            "people_needed": people,
            "tools": ["スコップ"],
            "priority": 2
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "open");
    r.json["id"].as_i64().unwrap_or_default()
}

fn propose(server: &TestServer, day: &str) -> Value {
    let r = server.post(&format!("{BASE}/teams/proposals?date={day}"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

fn team_serving(proposal: &Value, request: i64) -> Option<Value> {
    proposal["teams"].as_array()?.iter().find_map(|t| {
        t["requests"]
            .as_array()?
            .iter()
            .any(|r| r["id"] == request)
            .then(|| t.clone())
    })
}

#[test]
fn volunteer_without_insurance_is_refused_with_422_naming_insured() {
    let server = TestServer::start();
    for insured in [json!(false), Value::Null] {
        let mut body = volunteer("保険 なし");
        match insured {
            Value::Null => {
                body.as_object_mut().unwrap().remove("insured");
            }
            v => body["insured"] = v,
        }
        let r = server.post(&format!("{BASE}/volunteers"), &body);
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.error_fields(), vec!["insured"]);
        assert_eq!(
            r.json["errors"][0]["message"],
            "ボランティア活動保険への加入が必要です"
        );
    }
    // A centre that enrols people on the spot may allow it.
    let lenient = TestServer::start_with(|s| s.volunteer_insurance_required = false);
    let mut body = volunteer("保険 なし");
    body["insured"] = json!(false);
    let r = lenient.post(&format!("{BASE}/volunteers"), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["insured"], false);
}

#[test]
fn minor_without_guardian_consent_is_refused_naming_the_field() {
    let server = TestServer::start();
    let mut body = volunteer("高校 一年");
    body["age_band"] = json!("under_18");
    let r = server.post(&format!("{BASE}/volunteers"), &body);
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["guardian_consent"]);
    body["guardian_consent"] = json!(true);
    let (_, number) = register(&server, &body);
    assert!(number.starts_with("V-"), "{number}");
}

#[test]
fn group_registers_together_and_a_bad_member_is_named() {
    let server = TestServer::start();
    let mut bad = volunteer("電話 なし");
    bad.as_object_mut().unwrap().remove("phone");
    let r = server.post(
        &format!("{BASE}/volunteers"),
        &json!({"party_name": "久留米建設", "members": [volunteer("建設 一郎"), bad]}),
    );
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["members[1].phone"]);

    let r = server.post(
        &format!("{BASE}/volunteers"),
        &json!({"party_name": "久留米建設", "members": [volunteer("建設 一郎"), volunteer("建設 二郎")]}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let members = r.json["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["party_id"], r.json["party_id"]);
    assert_eq!(members[1]["party_id"], r.json["party_id"]);
    assert_eq!(members[1]["party_name"], "久留米建設");
    assert_ne!(
        members[0]["registration_number"],
        members[1]["registration_number"]
    );
}

#[test]
fn returning_volunteer_checks_in_by_registration_number() {
    let server = TestServer::start();
    let (id, number) = register(&server, &volunteer("常連 花子"));
    assert_eq!(number, format!("V-{id:06}"));

    let first = check_in(&server, &number, DAY1);
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json["volunteer_id"], id);
    assert_eq!(first.json["day"], DAY1);
    assert_eq!(first.json["insured"], true);
    // A second scan at the desk does not make a second visit.
    let again = check_in(&server, &number, DAY1);
    assert_eq!(again.status, 200);
    assert_eq!(again.json["id"], first.json["id"]);

    let out = server.post(
        &format!("{BASE}/volunteers/{number}/check-out"),
        &json!({"date": DAY1}),
    );
    assert_eq!(out.status, 200, "{}", out.text);
    assert!(out.json["checked_out_at"].is_string());
    server
        .post(
            &format!("{BASE}/volunteers/{number}/check-out"),
            &json!({"date": DAY1}),
        )
        .assert_problem(409, "wrong_state");

    // The next day, typed in lower case at the desk.
    let next = check_in(&server, &number.to_lowercase(), DAY2);
    assert_eq!(next.status, 201, "{}", next.text);
    assert_eq!(next.json["day"], DAY2);
    // By numeric id too, and reading the record back either way.
    assert_eq!(check_in(&server, &id.to_string(), DAY2).status, 200);
    assert_eq!(
        server.get(&format!("{BASE}/volunteers/{number}")).json["id"],
        id
    );
    check_in(&server, "V-999999", DAY1).assert_problem(404, "not_found");
    server
        .post(
            &format!("{BASE}/volunteers/{number}/check-ins"),
            &json!({"date": "2026-13-01"}),
        )
        .assert_problem(422, "validation_failed");
}

#[test]
fn help_request_from_a_registrant_is_flagged_and_bad_input_is_named() {
    let server = TestServer::start().with_districts();
    let person = server.post("/api/v1/registrants", &registrant());
    assert_eq!(person.status, 201, "{}", person.text);
    let body = json!({
        "requester_name": "久留米 花子",
        "address": "ひばり野市本町1-2-3",
        "latitude": 33.31,
        "longitude": 130.50,
        "work_types": ["cleaning"],
        "people_needed": 2,
        "registrant_id": person.json["id"]
    });
    let r = server.post(&format!("{BASE}/help-requests"), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["is_registrant"], true);
    assert_eq!(r.json["priority"], 2);

    let mut unknown = body.clone();
    unknown["registrant_id"] = json!(999_999);
    let r = server.post(&format!("{BASE}/help-requests"), &unknown);
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["registrant_id"]);

    let r = server.post(
        &format!("{BASE}/help-requests"),
        &json!({"requester_name": "某", "address": "某所", "latitude": 33.3, "longitude": 130.5,
                "work_types": ["sandbags"], "people_needed": 0, "priority": 5}),
    );
    r.assert_problem(422, "validation_failed");
    assert_eq!(
        r.error_fields(),
        vec!["work_types[0]", "people_needed", "priority"]
    );
    let list = server.get(&format!("{BASE}/help-requests?status=open"));
    assert_eq!(list.status, 200);
    assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
}

#[test]
fn proposal_meets_headcounts_and_skills_from_those_present() {
    let server = TestServer::start();
    let mut ids = Vec::new();
    for i in 0..12 {
        let mut body = volunteer(&format!("参加 {i}郎"));
        if i == 9 {
            body["skills"] = json!(["chainsaw"]);
        }
        let (id, number) = register(&server, &body);
        assert_eq!(check_in(&server, &number, DAY1).status, 201);
        ids.push(id);
    }
    // Registered but checked out again: not proposed.
    let (gone, gone_number) = register(&server, &volunteer("帰宅 済"));
    check_in(&server, &gone_number, DAY1);
    server.post(
        &format!("{BASE}/volunteers/{gone}/check-out"),
        &json!({"date": DAY1}),
    );
    let needs_saw = server.post(
        &format!("{BASE}/help-requests"),
        &json!({"requester_name": "倒木 宅", "address": "久留米市田主丸町1", "latitude": 33.35,
                "longitude": 130.70, "work_types": ["debris_removal"], "people_needed": 3,
                "skills_needed": ["chainsaw"], "priority": 1}),
    );
    assert_eq!(needs_saw.status, 201, "{}", needs_saw.text);
    let saw = needs_saw.json["id"].as_i64().unwrap();
    let mud = request(&server, "久留米市城島町1", 33.25, 130.45, 4);

    let proposal = propose(&server, DAY1);
    let teams = proposal["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 2, "{proposal}");
    assert_eq!(teams[0]["number"], 1);
    assert_eq!(teams[1]["number"], 2);
    let saw_team = team_serving(&proposal, saw).expect("the chainsaw request has a team");
    let mud_team = team_serving(&proposal, mud).expect("the mud request has a team");
    assert_eq!(saw_team["number"], 1, "priority 1 first");
    let member_ids = |t: &Value| -> Vec<i64> {
        t["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(member_ids(&saw_team).len(), 3);
    assert!(member_ids(&saw_team).contains(&ids[9]), "{saw_team}");
    assert_eq!(member_ids(&mud_team).len(), 4);
    for t in [&saw_team, &mud_team] {
        assert!(!member_ids(t).contains(&gone));
        assert!(member_ids(t).contains(&t["leader"]["id"].as_i64().unwrap()));
        assert_eq!(t["status"], "proposed");
    }
    assert_eq!(proposal["idle"].as_array().unwrap().len(), 5);

    // Staff adjust: someone who is not here cannot join, a present idle volunteer can.
    let team_id = mud_team["id"].as_i64().unwrap();
    let read = server.get(&format!("{BASE}/teams/{team_id}"));
    let etag = read.etag.clone().unwrap();
    let mut members = member_ids(&mud_team);
    members.push(gone);
    let r = server.patch(
        &format!("{BASE}/teams/{team_id}"),
        &json!({"members": members}),
        Some(&etag),
    );
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["members[4]"]);
    let idle = proposal["idle"][0].as_i64().unwrap();
    members.pop();
    members.push(idle);
    let r = server.patch(
        &format!("{BASE}/teams/{team_id}"),
        &json!({"members": members, "leader_id": idle}),
        Some(&etag),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["leader"]["id"], idle);
    assert_eq!(r.json["members"].as_array().unwrap().len(), 5);
    // The old ETag is stale now.
    server
        .patch(&format!("{BASE}/teams/{team_id}"), &json!({}), Some(&etag))
        .assert_problem(412, "version_conflict");

    // Confirming assigns the requests; a second proposal keeps the confirmed team.
    let confirmed = server.post(&format!("{BASE}/teams/{team_id}/confirm"), &json!({}));
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_eq!(confirmed.json["requests"][0]["status"], "assigned");
    let again = propose(&server, DAY1);
    let kept = team_serving(&again, mud).unwrap();
    assert_eq!(kept["id"], team_id);
    assert_eq!(kept["status"], "confirmed");
    assert_eq!(again["teams"].as_array().unwrap().len(), 2);

    // Each read and change of the team is recorded naming its volunteers and its places.
    assert!(server.add_user("kansa", "auditor", &[]));
    server.use_token(Some(server.login("kansa", common::PASSWORD)));
    let log = server.get("/api/v1/audit?limit=1000");
    let entries = log.json["items"].as_array().cloned().unwrap_or_default();
    let mut named: Vec<i64> = members.clone();
    named.sort_unstable();
    let named: Vec<String> = named.iter().map(i64::to_string).collect();
    let expected = format!(
        "volunteer centre: team {team_id} confirmed: volunteers {}; help requests {mud}",
        named.join(",")
    );
    assert!(
        entries.iter().any(|e| e["target"] == json!(expected)),
        "{expected}: {entries:#?}"
    );
    let first_read = entries
        .iter()
        .filter_map(|e| e["target"].as_str())
        .find(|t| t.starts_with(&format!("volunteer centre: team {team_id}: volunteers ")));
    assert!(first_read.is_some(), "the plain read is recorded too");
}

#[test]
fn continuing_request_comes_back_first_the_next_day_and_stats_count_the_day() {
    let server = TestServer::start();
    // Needs three: unmet on day 1 with two people, and older than the carried-over one.
    let older = request(&server, "久留米市北野町5", 33.40, 130.60, 3);
    let carried = request(&server, "久留米市城島町7", 33.25, 130.45, 2);
    let mut numbers = Vec::new();
    for i in 0..3 {
        numbers.push(register(&server, &volunteer(&format!("継続 {i}郎"))).1);
    }
    for n in &numbers[..2] {
        check_in(&server, n, DAY1);
    }
    let day1 = propose(&server, DAY1);
    let team = team_serving(&day1, carried).expect("day 1 serves the smaller request");
    assert!(team_serving(&day1, older).is_none());
    assert_eq!(day1["unmet"][0]["request_id"], older);
    assert_eq!(
        day1["unmet"][0]["reason"],
        "人数が足りません（必要3人、残り2人）"
    );
    let team_id = team["id"].as_i64().unwrap();
    let path = |step: &str| format!("{BASE}/teams/{team_id}/{step}");

    // A report is refused until the team is confirmed; departing too.
    let report = json!({"request_id": carried, "outcome": "continuing", "notes": "床下の泥が残る"});
    server
        .post(&path("report"), &report)
        .assert_problem(409, "wrong_state");
    server
        .post(&path("depart"), &json!({}))
        .assert_problem(409, "wrong_state");
    assert_eq!(server.post(&path("confirm"), &json!({})).status, 200);
    let lent = server.post(
        &path("equipment"),
        &json!({"items": [{"item": "スコップ", "quantity": 2}, {"item": "一輪車"}]}),
    );
    assert_eq!(lent.status, 200, "{}", lent.text);
    assert_eq!(lent.json["equipment"].as_array().unwrap().len(), 2);
    let departed = server.post(&path("depart"), &json!({}));
    assert!(
        departed.json["departed_at"].is_string(),
        "{}",
        departed.text
    );
    let r = server.post(
        &path("report"),
        &json!({"request_id": older, "outcome": "done"}),
    );
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["request_id"]);
    let reported = server.post(&path("report"), &report);
    assert_eq!(reported.status, 200, "{}", reported.text);
    assert_eq!(reported.json["requests"][0]["status"], "continuing");
    assert_eq!(reported.json["requests"][0]["outcome"], "continuing");
    let returned = server.post(&path("return"), &json!({}));
    assert!(
        returned.json["returned_at"].is_string(),
        "{}",
        returned.text
    );
    let back = server.post(&path("equipment/return"), &json!({}));
    assert!(
        back.json["equipment"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["returned_at"].is_string())
    );

    let stats = server.get(&format!("{BASE}/stats/{DAY1}"));
    assert_eq!(stats.status, 200, "{}", stats.text);
    assert_eq!(stats.json["volunteers_checked_in"], 2);
    assert_eq!(stats.json["teams"], 1);
    assert_eq!(stats.json["requests_done"], 0);
    assert_eq!(stats.json["requests_continuing"], 1);
    assert_eq!(stats.json["requests_open"], 1);
    let (status, content_type, _, csv) =
        server.get_bytes(&format!("{BASE}/stats/{DAY1}.csv"), "content-disposition");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"));
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("日付,受付したボランティア数,班数"));
    assert_eq!(lines[1], format!("{DAY1},2,1,0,1,1"));

    // Day 2: three people; the carried-over request goes first although it is newer.
    for n in &numbers {
        check_in(&server, n, DAY2);
    }
    let day2 = propose(&server, DAY2);
    let first = &day2["teams"][0];
    assert_eq!(first["number"], 1);
    assert_eq!(first["requests"][0]["id"], carried, "{day2}");
    assert_eq!(day2["unmet"][0]["request_id"], older);
}

#[test]
fn roster_pdf_lists_teams_with_the_header_on_every_page_and_is_registered() {
    // Enrolled on the spot: some have no insurance yet, and the roster must show it.
    let server = TestServer::start_with(|s| s.volunteer_insurance_required = false);
    let mut people = Vec::new();
    for i in 0..48 {
        let mut body = volunteer(&format!("名簿 {i}番"));
        if i % 4 == 1 {
            body["insured"] = json!(false);
        }
        let (_, number) = register(&server, &body);
        check_in(&server, &number, DAY1);
        people.push(number);
    }
    let mut addresses = Vec::new();
    for i in 0..12 {
        let address = format!("久留米市城島町{}-{}", 100 + i, i + 1);
        request(
            &server,
            &address,
            33.20 + f64::from(i) * 0.01,
            130.40 + f64::from(i % 4) * 0.01,
            4,
        );
        addresses.push(address);
    }
    let proposal = propose(&server, DAY1);
    assert_eq!(proposal["teams"].as_array().unwrap().len(), 12);
    let first = proposal["teams"][0].clone();
    let leader = first["leader"]["name"].as_str().unwrap().replace(' ', "");
    let mark = |m: &Value| {
        let sign = if m["insured"] == true { '✓' } else { '×' };
        format!(
            "{sign}{}{}",
            m["name"].as_str().unwrap().replace(' ', ""),
            m["registration_number"].as_str().unwrap()
        )
    };
    let marks: Vec<String> = proposal["teams"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["members"].as_array().unwrap().iter().map(mark))
        .collect();
    assert!(marks.iter().any(|m| m.starts_with('×')));
    let members: Vec<String> = first["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().replace(' ', ""))
        .collect();

    let (status, content_type, serial, bytes) = server.get_bytes(
        &format!("{BASE}/rosters/{DAY1}.pdf?holder=%E6%9C%AC%E9%83%A8"),
        "x-print-serial",
    );
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/pdf");
    let serial = serial.expect("the copy has a serial");
    if let Some(pages) = pdf_pages(&bytes) {
        assert!(pages.len() >= 3, "12 teams and a map take several pages");
        for (i, page) in pages.iter().enumerate() {
            assert!(page.contains("活動者名簿"), "title on page {}", i + 1);
            assert!(page.contains("令和8年7月10日"), "date on page {}", i + 1);
            assert!(page.contains(&serial), "serial on page {}", i + 1);
            assert!(
                page.contains(&format!("{}/{}ページ", i + 1, pages.len())),
                "page number on page {}",
                i + 1
            );
        }
        let table_pages = &pages[..pages.len() - 1];
        for page in table_pages {
            assert!(page.contains("リーダー・電話") && page.contains("活動先・住所"));
        }
        let all = pages.join("");
        assert!(all.contains(&leader), "leader {leader}");
        // The leader's phone, whole (in the narrow leader column without the ☎ mark).
        assert!(all.contains("090-1234-5678"));
        // No phone configured: a line to write the centre's number on, and the safety notes.
        assert!(pages[0].contains("本部電話：") && pages[0].contains("心がけと注意点"));
        for m in &members {
            assert!(all.contains(m.as_str()), "member {m}");
        }
        for a in &addresses {
            assert!(all.contains(a.as_str()), "address {a}");
        }
        for m in &marks {
            assert!(all.contains(m.as_str()), "insurance mark {m}");
        }
        assert!(all.contains("［個人］"));
        assert!(pages.last().unwrap().contains("活動先の地図"));
    }
    let register = server.get("/api/v1/prints");
    let copy = register.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["serial"] == serial.as_str())
        .cloned()
        .unwrap();
    assert_eq!(copy["kind"], "roster");
    assert_eq!(copy["holder"], "本部");

    let team_id = first["id"].as_i64().unwrap();
    let (status, _, slip_serial, slip) = server.get_bytes(
        &format!("{BASE}/teams/{team_id}/slip.pdf"),
        "x-print-serial",
    );
    assert_eq!(status, 200);
    assert_ne!(slip_serial.as_deref(), Some(serial.as_str()));
    if let Some(slip_pages) = pdf_pages(&slip) {
        assert_eq!(slip_pages.len(), 1);
        assert!(slip_pages[0].contains("派遣票第1班"));
        assert!(slip_pages[0].contains(&leader));
        assert!(slip_pages[0].contains("☎090-1234-5678"));
        assert!(slip_pages[0].contains("本部電話：") && slip_pages[0].contains("心がけと注意点"));
        assert!(slip_pages[0].contains("活動先の地図"));
    }
    common::assert_no_overlaps(&bytes, "roster");
    common::assert_no_overlaps(&slip, "dispatch slip");
    server
        .get(&format!("{BASE}/rosters/2026-02-30.pdf"))
        .assert_problem(422, "validation_failed");
}

#[test]
fn today_is_japans_day_from_the_one_clock_for_check_ins_and_the_register_alike() {
    use sasaeai::services::volunteer_centre as centre;
    let db = common::TestDatabase::new();
    let settings = sasaeai::config::Settings {
        database_url: db.url.clone(),
        ..sasaeai::config::Settings::default()
    };
    // 00:30 on 1 April in Japan is still 31 March in UTC.
    let utc = chrono::NaiveDate::from_ymd_opt(2026, 3, 31)
        .and_then(|d| d.and_hms_opt(15, 30, 0))
        .unwrap_or_default();
    let ctx = sasaeai::services::AppContext::open(settings)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_clock(sasaeai::services::Clock::fixed(utc));
    let april_first = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    assert_eq!(ctx.today(), april_first);
    let desk = sasaeai::services::access::Caller::local("desk");
    let mut body = volunteer("時計 一郎");
    body["insurance_date"] = json!("2026-03-01");
    let input: sasaeai::domain::volunteer::VolunteerInput =
        serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"));
    let v = centre::register_volunteer(&ctx, &desk, &input).unwrap_or_else(|e| panic!("{e}"));
    let checked = centre::check_in(
        &ctx,
        &desk,
        &v.registration_number,
        &centre::DayInput::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        checked.check_in.day, april_first,
        "the Japanese day, not UTC's"
    );
    // A consent dated 1 April is not "in the future" at 00:30 Japan time.
    let person = sasaeai::services::registrants::create(
        &ctx,
        &serde_json::from_value(common::registrant()).unwrap_or_else(|e| panic!("{e}")),
        &desk,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let consent = serde_json::from_value(json!({"kind": "register_sharing", "given": true,
        "date": "2026-04-01", "evidence_note": "同意書"}))
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        sasaeai::services::registrants::record_consent(&ctx, person.registrant.id, &consent, &desk)
            .is_ok()
    );
}
