//! The demo town's printouts read back as a district team reads them: every district's
//! safety-check sheet and batch (which holds every printable plan of the town), and plans
//! printed one by one with the supporters' tear-off page, checked with `pdftotext -bbox` for
//! text printed over text, and with `pdftotext -layout` for phone numbers broken across lines.

mod common;

use common::{TestServer, assert_no_overlaps, pdf_text, pdf_words};
use serde_json::Value;

const HOLDER: &str = "%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1"; // 民生委員

fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Fails when a phone number of someone whose name the document prints is not whole on one
/// line of the page.
fn assert_phones_whole(bytes: &[u8], people: &[Value], what: &str) -> usize {
    let Some(text) = pdf_text(bytes) else {
        return 0;
    };
    let flat = without_spaces(&text);
    let lines: Vec<String> = text.lines().map(without_spaces).collect();
    let mut checked = 0;
    for person in people {
        let name = without_spaces(person["name"].as_str().unwrap_or_default());
        let Some(phone) = person["phone"].as_str() else {
            continue;
        };
        if name.is_empty() || !flat.contains(&format!("氏名{name}様")) {
            continue;
        }
        // Names repeat in a town: the check holds when any person of that name has their
        // phone whole on a line.
        let namesakes: Vec<Option<&str>> = people
            .iter()
            .filter(|p| without_spaces(p["name"].as_str().unwrap_or_default()) == name)
            .map(|p| p["phone"].as_str())
            .collect();
        let whole = |phone: &Option<&str>| match phone {
            Some(phone) => lines.iter().any(|l| l.contains(phone)),
            None => lines.iter().any(|l| l.starts_with("電話なし")),
        };
        if !namesakes.iter().any(whole) {
            let kept = std::env::temp_dir().join("sasaeai-print-layout-failure.pdf");
            let _ = std::fs::write(&kept, bytes);
            panic!(
                "{what}: {phone} of {name} is not whole on any line (see {})",
                kept.display()
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn every_district_batch_of_the_demo_town_prints_without_overlaps_or_broken_numbers() {
    let server = TestServer::start();
    let summary = sasaeai::services::demo::load(&server.ctx)
        .expect("load the demo town")
        .expect("an empty database");
    let people: Vec<Value> = server
        .all_registrants()
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!people.is_empty());
    // The demo's plans name only shelters designated for their hazard and outside its zones.
    let readiness = server.get("/api/v1/readiness");
    assert_eq!(readiness.status, 200);
    assert!(
        !readiness.text.contains("destination_"),
        "{}",
        readiness.text
    );
    let districts = server.get("/api/v1/districts");
    let districts = districts.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(districts.len(), summary.districts);
    let mut printed = 0;
    let mut phones = 0;
    for district in &districts {
        let id = district["id"].as_i64().unwrap_or(0);
        let sheet = format!("/api/v1/districts/{id}/safety-check-sheet.pdf?holder={HOLDER}");
        let (status, _, _, bytes) = server.get_bytes(&sheet, "x-print-serial");
        assert_eq!(status, 200, "{sheet}");
        assert_no_overlaps(&bytes, &format!("sheet {}", district["code"]));
        let path = format!("/api/v1/districts/{id}/plans.pdf?holder={HOLDER}");
        let (status, _, serial, bytes) = server.get_bytes(&path, "x-print-serial");
        if status == 409 {
            continue; // nothing printable in this district
        }
        assert_eq!(status, 200, "{path}");
        let what = format!(
            "batch {} ({})",
            district["code"],
            serial.unwrap_or_default()
        );
        assert_no_overlaps(&bytes, &what);
        phones += assert_phones_whole(&bytes, &people, &what);
        let Some(pages) = pdf_words(&bytes) else {
            return;
        };
        // Each plan's first page, after the cover, starts with the title.
        printed += pages
            .iter()
            .filter(|words| words.first().is_some_and(|w| w.text == "個別避難計画"))
            .count();
    }
    assert!(printed > 100, "only {printed} plans printed");
    assert!(phones > 100, "only {phones} phone numbers checked");

    // A few plans one by one, with the supporters' tear-off page.
    let printable = server.get("/api/v1/registrants?printable=true&limit=5");
    let items = printable.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 5);
    for person in &items {
        let path = format!(
            "/api/v1/registrants/{}/plan.pdf?holder={HOLDER}&tear_off=true",
            person["id"]
        );
        let (status, _, _, bytes) = server.get_bytes(&path, "x-print-serial");
        assert_eq!(status, 200, "{path}");
        let what = format!("plan of {}", person["id"]);
        assert_no_overlaps(&bytes, &what);
        assert!(assert_phones_whole(&bytes, &people, &what) >= 1 || pdf_text(&bytes).is_none());
        if let Some(text) = pdf_text(&bytes) {
            let flat = without_spaces(&text);
            for expected in ["支援者用控え", "受領者氏名", "本人署名", "代理人署名"]
            {
                assert!(flat.contains(expected), "{what} lacks {expected}");
            }
        }
    }
}
