//! A district's plans in one PDF and its safety-check sheet, over HTTP and from the command
//! line: who is in, who is left out and why, page counts, serials and the print register.

mod common;

use common::{TestServer, pdf_pages, registrant, supporter};
use serde_json::{Value, json};

const HOLDER: &str = "%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"; // 民生委員

/// Four people in district D1 with two supporters; the matching run's supporter proposal of
/// each person is returned as (person, helper, proposal id).
struct Town {
    district: i64,
    people: Vec<(i64, i64, i64)>,
}

fn town(server: &TestServer) -> Town {
    let names = ["青木 一子", "井上 二子", "上田 三子", "江藤 四子"];
    let kana = [
        "アオキ カズコ",
        "イノウエ フタコ",
        "ウエダ ミツコ",
        "エトウ ヨツコ",
    ];
    let mut ids = Vec::new();
    for (i, (name, kana)) in names.iter().zip(kana).enumerate() {
        let mut person = registrant();
        person["name"] = json!(name);
        person["name_kana"] = json!(kana);
        person["phone"] = json!(format!("0942-00-100{i}"));
        let created = server.post("/api/v1/registrants", &person);
        assert_eq!(created.status, 201, "{}", created.text);
        ids.push(created.json["id"].as_i64().unwrap_or(0));
    }
    for (name, phone) in [
        ("筑後 太郎", "090-0000-2222"),
        ("筑後 次郎", "090-0000-3333"),
    ] {
        let mut helper = supporter();
        helper["name"] = json!(name);
        helper["phone"] = json!(phone);
        assert_eq!(server.post("/api/v1/supporters", &helper).status, 201);
    }
    let run = server.post("/api/v1/matching/runs", &json!({}));
    let proposals = server.get(&format!(
        "/api/v1/matching/runs/{}/proposals?limit=200",
        run.json["run_id"]
    ));
    let items = proposals.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let people = ids
        .iter()
        .map(|&person| {
            let p = items
                .iter()
                .find(|p| p["kind"] == "supporter" && p["registrant_id"] == person)
                .unwrap_or_else(|| panic!("a supporter is proposed for {person}"));
            (
                person,
                p["supporter_id"].as_i64().unwrap_or(0),
                p["id"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    let district = server.get(&format!("/api/v1/registrants/{}", ids[0])).json["district_id"]
        .as_i64()
        .unwrap_or(0);
    Town { district, people }
}

fn plan(helper: i64, status: &str, notes: &str) -> Value {
    json!({
        "status": status,
        "author": "筑後 民生委員",
        "written_on": "2026-04-01",
        "supporters": [{"supporter_id": helper, "relation": "近所の方"}],
        "destinations": [{"hazard_type": "flood", "place": "長男宅（久留米市東町）"}],
        "items_to_take": "お薬手帳",
        "notes_for_supporters": notes
    })
}

/// A (confirmed, consistent), B (confirmed, consistent, two pages), C (draft), D (confirmed,
/// but its supporter link was never confirmed).
fn plans(server: &TestServer, town: &Town) {
    for (i, &(person, helper, proposal)) in town.people.iter().enumerate() {
        if i != 3 {
            let confirmed =
                server.post(&format!("/api/v1/proposals/{proposal}/confirm"), &json!({}));
            assert_eq!(confirmed.status, 200, "{}", confirmed.text);
        }
        for kind in ["plan_creation", "plan_sharing"] {
            let consent = json!({"kind": kind, "given": true, "date": "2026-03-20", "evidence_note": "同意書"});
            let path = format!("/api/v1/registrants/{person}/consents");
            assert_eq!(server.post(&path, &consent).status, 201);
        }
        let notes = if i == 1 {
            "夜間は玄関の鍵を内側から掛けています。".repeat(60)
        } else {
            "玄関の鍵は郵便受けの中".to_owned()
        };
        let status = if i == 2 { "draft" } else { "confirmed" };
        // Confirming the proposal wrote a draft plan with the supporter; staff complete it.
        let path = format!("/api/v1/registrants/{person}/plan");
        let draft = server.get(&path);
        assert_eq!(
            draft.status,
            if i == 3 { 404 } else { 200 },
            "{}",
            draft.text
        );
        let written = server.send(
            "PUT",
            &path,
            "application/json",
            plan(helper, status, &notes).to_string().as_bytes(),
            draft.etag.as_deref(),
        );
        assert_eq!(
            written.status,
            if i == 3 { 201 } else { 200 },
            "{}",
            written.text
        );
    }
}

#[test]
fn a_district_batch_prints_each_consistent_plan_after_a_cover_that_names_the_rest() {
    let server = TestServer::start().with_districts();
    let town = town(&server);
    plans(&server, &town);
    let path = format!(
        "/api/v1/districts/{}/plans.pdf?holder={HOLDER}",
        town.district
    );
    let (status, content_type, serial, bytes) = server.get_bytes(&path, "x-print-serial");
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert_eq!(serial.as_deref(), Some("P-000001"));
    if let Some(pages) = pdf_pages(&bytes) {
        // The cover, A on two pages (the consents and signatures on the second), B (long
        // notes) on two as well; C (draft) and D (not linked) left out.
        assert_eq!(pages.len(), 5, "{pages:#?}");
        let cover = &pages[0];
        for expected in ["地区一括印刷", "D1西校区", "2件", "民生委員", "P-000001"] {
            assert!(cover.contains(expected), "cover lacks {expected}: {cover}");
        }
        assert!(cover.contains("上田三子様") && cover.contains("計画が確定していません"));
        assert!(cover.contains("江藤四子様") && cover.contains("確定されていません"));
        assert!(pages[1].contains("青木一子様") && pages[1].contains("1/2ページ"));
        assert!(pages[2].contains("青木一子様") && pages[2].contains("2/2ページ"));
        assert!(pages[3].contains("井上二子様") && pages[3].contains("1/2ページ"));
        assert!(pages[4].contains("2/2ページ") && pages[4].contains("本人署名"));
        // One receipt, on the cover.
        assert!(cover.contains("受領者氏名"));
        assert!(pages[1..].iter().all(|p| !p.contains("受領者氏名")));
        for page in &pages {
            assert!(
                page.contains("P-000001") && page.contains("取扱注意"),
                "{page}"
            );
            assert!(!page.contains("上田三子様（") && !page.contains("個別避難計画上田"));
        }
    }
    // The register holds one copy with exactly the people printed.
    let register = server.get("/api/v1/prints?outstanding=true");
    let copy = &register.json["items"][0];
    assert_eq!(copy["kind"], "plan_batch");
    assert_eq!(copy["holder"], "民生委員");
    assert_eq!(
        copy["registrant_ids"],
        json!([town.people[0].0, town.people[1].0])
    );
}

#[test]
fn a_batch_of_one_tier_holds_only_that_tier_and_bad_requests_are_refused() {
    let server = TestServer::start().with_districts();
    let town = town(&server);
    plans(&server, &town);
    let tier_of = |person: i64| {
        server.get(&format!("/api/v1/registrants/{person}")).json["priority"]["tier"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let tier = tier_of(town.people[0].0);
    let path = format!(
        "/api/v1/districts/{}/plans.pdf?holder={HOLDER}&tier={tier}",
        town.district
    );
    let (status, _, _, bytes) = server.get_bytes(&path, "x-plans-printed");
    assert_eq!(status, 200);
    let expected_people = town.people[..2]
        .iter()
        .filter(|p| tier_of(p.0) == tier)
        .count();
    if let Some(pages) = pdf_pages(&bytes) {
        let cover = &pages[0];
        assert!(cover.contains(&format!("{expected_people}件")), "{cover}");
        assert!(cover.contains(&format!("{tier}のみ")));
    }
    let other = ["A", "B", "C", "D"]
        .into_iter()
        .find(|t| town.people.iter().all(|p| tier_of(p.0) != *t))
        .unwrap_or("A");
    server
        .get(&format!(
            "/api/v1/districts/{}/plans.pdf?holder={HOLDER}&tier={other}",
            town.district
        ))
        .assert_problem(409, "nothing_to_print");
    server
        .get(&format!(
            "/api/v1/districts/{}/plans.pdf?holder={HOLDER}&tier=Z",
            town.district
        ))
        .assert_problem(422, "validation_failed");
    server
        .get(&format!("/api/v1/districts/{}/plans.pdf", town.district))
        .assert_problem(422, "validation_failed");
    server
        .get(&format!("/api/v1/districts/999/plans.pdf?holder={HOLDER}"))
        .assert_problem(404, "not_found");
    // Refusals register nothing: only the one batch above is out.
    assert_eq!(
        server.get("/api/v1/prints").json["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn the_safety_check_sheet_lists_everyone_with_supporters_and_repeats_its_header() {
    let server = TestServer::start().with_districts();
    let town = town(&server);
    plans(&server, &town);
    // Enough further people for several pages.
    for i in 0..20 {
        let mut person = registrant();
        person["name"] = json!(format!("本町 住人{i}"));
        person["address"] = json!(format!("ひばり野市本町9-{i}"));
        assert_eq!(server.post("/api/v1/registrants", &person).status, 201);
    }
    let path = format!(
        "/api/v1/districts/{}/safety-check-sheet.pdf?holder={HOLDER}",
        town.district
    );
    let (status, content_type, serial, bytes) = server.get_bytes(&path, "x-print-serial");
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    let serial = serial.unwrap_or_default();
    if let Some(pages) = pdf_pages(&bytes) {
        assert!(
            pages.len() >= 4,
            "24 people need several pages and the summary: {}",
            pages.len()
        );
        let (list, summary) = pages.split_at(pages.len() - 1);
        for (i, page) in pages.iter().enumerate() {
            for expected in [
                "安否確認リスト",
                "D1西校区",
                "この名簿には個人情報",
                &serial,
            ] {
                assert!(page.contains(expected), "page {} lacks {expected}", i + 1);
            }
            assert!(page.contains(&format!("{}/{}ページ", i + 1, pages.len())));
        }
        for (i, page) in list.iter().enumerate() {
            for expected in [
                "住所・電話",
                "支援者・電話",
                "避難先",
                "確認者",
                "所在・メモ",
                "この頁：",
            ] {
                assert!(page.contains(expected), "page {} lacks {expected}", i + 1);
            }
        }
        assert!(summary[0].contains("集計表") && summary[0].contains("合計24名"));
        let all: String = pages.concat();
        assert_eq!(
            all.matches("避難済先").count(),
            24,
            "one row and its status boxes per person"
        );
        for name in ["青木一子", "井上二子", "上田三子", "江藤四子", "本町住人19"]
        {
            assert_eq!(all.matches(name).count(), 1, "{name}");
        }
        // Address order reads numbers as numbers: 本町9-2 before 本町9-10.
        let at = |name: &str| all.find(name).unwrap_or(usize::MAX);
        assert!(at("本町住人2") < at("本町住人10"));
        // A's confirmed plan gives the sheet its supporter and destination.
        assert!(all.contains("0942-00-1000"));
        assert!(all.contains("洪水：長男宅"));
        assert!(all.contains("筑後太郎") || all.contains("筑後次郎"));
    }
    common::assert_no_overlaps(&bytes, "safety-check sheet");
    let register = server.get("/api/v1/prints");
    assert_eq!(register.json["items"][0]["kind"], "safety_check_sheet");
    assert_eq!(
        register.json["items"][0]["registrant_ids"]
            .as_array()
            .map(Vec::len),
        Some(24)
    );
    server
        .get("/api/v1/districts/999/safety-check-sheet.pdf?holder=x")
        .assert_problem(404, "not_found");
}

#[test]
fn the_sheet_prints_the_destinations_of_the_hazard_asked_and_refuses_an_unknown_one() {
    let server = TestServer::start().with_districts();
    let town = town(&server);
    plans(&server, &town);
    // A's plan names a place for an earthquake too.
    let (person, helper, _) = town.people[0];
    let path = format!("/api/v1/registrants/{person}/plan");
    let current = server.get(&path);
    let mut body = plan(helper, "confirmed", "玄関の鍵は郵便受けの中");
    body["destinations"] = json!([
        {"hazard_type": "flood", "place": "長男宅（久留米市東町）"},
        {"hazard_type": "earthquake", "place": "北公園"}
    ]);
    let written = server.send(
        "PUT",
        &path,
        "application/json",
        body.to_string().as_bytes(),
        current.etag.as_deref(),
    );
    assert_eq!(written.status, 200, "{}", written.text);
    let sheet = |query: &str| {
        let (status, _, _, bytes) = server.get_bytes(
            &format!(
                "/api/v1/districts/{}/safety-check-sheet.pdf?holder={HOLDER}{query}",
                town.district
            ),
            "x-print-serial",
        );
        assert_eq!(status, 200, "{query}");
        pdf_pages(&bytes).map(|p| p.concat())
    };
    if let Some(all) = sheet("") {
        assert!(
            all.contains("洪水：長男宅") && all.contains("地震：北公園"),
            "{all}"
        );
    }
    if let Some(flood) = sheet("&hazard=flood") {
        assert!(flood.contains("洪水：長男宅"));
        assert!(!flood.contains("地震："), "only flood destinations");
        assert!(flood.contains("（洪水の避難先）"));
    }
    if let Some(quake) = sheet("&hazard=earthquake") {
        assert!(quake.contains("地震：北公園") && !quake.contains("洪水："));
    }
    let before = server.get("/api/v1/prints").json["items"]
        .as_array()
        .map(Vec::len);
    let refused = server.get(&format!(
        "/api/v1/districts/{}/safety-check-sheet.pdf?holder={HOLDER}&hazard=nonsense",
        town.district
    ));
    refused.assert_problem(422, "validation_failed");
    assert!(refused.text.contains("\"hazard\""), "{}", refused.text);
    let after = server.get("/api/v1/prints").json["items"]
        .as_array()
        .map(Vec::len);
    assert_eq!(before, after, "a refused sheet registers no copy");
}

#[test]
fn the_command_line_prints_a_batch_and_a_sheet_to_files_with_a_progress_bar() {
    let server = TestServer::start().with_districts();
    let town = town(&server);
    plans(&server, &town);
    let dir = std::env::temp_dir().join(format!("sasaeai-print-{}", town.people[0].0));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sasaeai"))
            .arg("--database")
            .arg(&server.db.url)
            .arg("print")
            .args(args)
            .env("SASAEAI_OPERATOR", "西校区 民生委員")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap_or_else(|e| panic!("run sasaeai: {e}"))
    };
    let plans_file = dir.join(format!("plans-{}.pdf", std::process::id()));
    let out = run(&[
        "plans",
        "--district",
        "D1",
        "--holder",
        "西校区 民生委員",
        "--out",
        plans_file.to_str().unwrap_or_default(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("2/2 plans"), "progress bar: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(report["printed"], 2);
    assert_eq!(report["omitted"], 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&plans_file).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(
            mode.ok(),
            Some(0o600),
            "printed plans are readable by their owner only"
        );
    }
    let bytes = std::fs::read(&plans_file).unwrap_or_default();
    if let Some(pages) = pdf_pages(&bytes) {
        assert_eq!(pages.len(), 5);
    }

    let sheet_file = dir.join(format!("sheet-{}.pdf", std::process::id()));
    let out = run(&[
        "sheet",
        "--district",
        "D1",
        "--hazard",
        "flood",
        "--holder",
        "西校区 民生委員",
        "--out",
        sheet_file.to_str().unwrap_or_default(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("4/4 rows"));
    if let Some(sheet) =
        pdf_pages(&std::fs::read(&sheet_file).unwrap_or_default()).map(|p| p.concat())
    {
        assert!(sheet.contains("江藤四子"));
        assert!(sheet.contains("（洪水の避難先）"), "--hazard is passed on");
    }
    // Both copies are in the register, held by the holder named on the command line.
    let held = server.get("/api/v1/prints?outstanding=true");
    let holders: Vec<&str> = held.json["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["holder"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(holders, vec!["西校区 民生委員", "西校区 民生委員"]);

    // An unknown district is a usage error, and no file is left behind.
    let missing = dir.join(format!("none-{}.pdf", std::process::id()));
    let out = run(&[
        "plans",
        "--district",
        "D9",
        "--holder",
        "x",
        "--out",
        missing.to_str().unwrap_or_default(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("D9"));
    assert!(!missing.exists());
    std::fs::remove_dir_all(&dir).unwrap_or_default();
}
