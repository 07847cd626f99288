//! The binary as an operator runs it: `migrate`, and `serve --demo` on an empty database.
#![expect(
    clippy::expect_used,
    reason = "a helper step that fails should stop the test at once"
)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestDatabase;
use common::process::{Running, sasaeai, serve, with_stdin};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// Logs in over HTTP and returns the bearer token.
fn login(base: &str, username: &str, password: &str) -> String {
    let body = serde_json::json!({"username": username, "password": password});
    let response: serde_json::Value = agent()
        .post(&format!("{base}/api/v1/sessions"))
        .header("content-type", "application/json")
        .send(body.to_string().as_bytes())
        .expect("login request")
        .body_mut()
        .read_json()
        .expect("json body");
    response["token"].as_str().unwrap_or_default().to_owned()
}

fn get_json(url: &str) -> serde_json::Value {
    get_json_as(url, "")
}

fn get_json_as(url: &str, token: &str) -> serde_json::Value {
    agent()
        .get(url)
        .header("authorization", format!("Bearer {token}"))
        .call()
        .expect("request")
        .body_mut()
        .read_json()
        .expect("json body")
}

#[test]
fn migrate_creates_the_schema_and_is_idempotent() {
    let db = TestDatabase::new();
    for _ in 0..2 {
        let out = sasaeai(&db).arg("migrate").output().expect("run migrate");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    }
}

#[test]
fn serve_anchors_the_audit_chain_at_start_where_the_flags_say() {
    let db = TestDatabase::new();
    let dir = std::env::temp_dir().join(format!("sasaeai-cli-anchor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (key, anchors) = (dir.join("audit.key"), dir.join("audit.anchors"));
    let flags = |command: &mut Command| {
        command.arg("--audit-key-file").arg(&key);
        command.env("SASAEAI_AUDIT_ANCHOR_FILE", &anchors);
    };
    let mut migrate = sasaeai(&db);
    flags(migrate.arg("migrate"));
    assert!(migrate.status().expect("migrate").success());
    assert!(key.exists(), "the key is made where the flag says");
    assert!(!db.audit_files().0.exists(), "and not in the default place");
    let count =
        |path: &std::path::Path| std::fs::read_to_string(path).map_or(0, |t| t.lines().count());
    // The first start anchors the chain's start.
    assert_eq!(count(&anchors), 1);

    let mut child = sasaeai(&db);
    flags(child.args(["serve", "--bind", "127.0.0.1:0"]));
    let running = Running(
        child
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&anchors) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(running);
    let text = std::fs::read_to_string(&anchors).unwrap_or_default();
    assert_eq!(count(&anchors), 2, "the server anchors at start: {text}");
    let last: serde_json::Value =
        serde_json::from_str(text.lines().last().unwrap_or_default()).expect("a JSON line");
    assert!(
        last["last_hash"].is_string() && last["at"].is_string(),
        "{last}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_database_url_fails_with_a_clear_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_sasaeai"))
        .args(["--database", "mysql://x@y/z", "migrate"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[test]
fn serve_demo_loads_a_living_town_once_and_says_it_binds_loopback() {
    let db = TestDatabase::new();
    let (server, base, log) = serve(&db, &["--demo"]);
    assert!(log.iter().any(|l| l.contains("loopback only")), "{log:#?}");
    let loaded = log
        .iter()
        .find(|l| l.contains("demo town loaded"))
        .cloned()
        .unwrap_or_default();
    let plans: usize = loaded
        .split(", ")
        .find(|part| part.ends_with("confirmed plans"))
        .and_then(|part| part.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    assert!(
        plans > 100,
        "a share of the demo town has confirmed plans: {loaded}"
    );

    // One demo user per role, passwords shown once on the console.
    let password_of = |name: &str| {
        log.iter()
            .find(|l| l.trim_start().starts_with(name))
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap_or_default()
            .to_owned()
    };
    for name in [
        "demo-admin",
        "demo-staff",
        "demo-district",
        "demo-volunteer",
        "demo-auditor",
    ] {
        assert_eq!(password_of(name).len(), 20, "{name}: {log:#?}");
    }
    assert_eq!(get_json(&format!("{base}/healthz"))["status"], "ok");
    assert_eq!(
        get_json(&format!("{base}/api/v1/districts"))["code"],
        "unauthenticated"
    );
    let token = login(&base, "demo-staff", &password_of("demo-staff"));
    let get_json = |url: &str| get_json_as(url, &token);
    let districts = get_json(&format!("{base}/api/v1/districts"));
    assert_eq!(districts["items"].as_array().map(Vec::len), Some(8));
    let shelters = get_json(&format!("{base}/api/v1/shelters?limit=200"));
    assert_eq!(shelters["items"].as_array().map(Vec::len), Some(20));
    let mut registrants = 0;
    let mut located = 0;
    let mut cursor = String::new();
    loop {
        let page = get_json(&format!(
            "{base}/api/v1/registrants?status=any&limit=200&cursor={cursor}"
        ));
        for r in page["items"].as_array().cloned().unwrap_or_default() {
            registrants += 1;
            located += usize::from(r["district_id"].is_i64());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(registrants, sasaeai::services::demo::REGISTRANTS);
    assert_eq!(located, registrants, "every demo home lies in a district");
    drop(server);

    // A second start finds the data and leaves it alone, users and passwords included.
    let (server, base, log) = serve(&db, &["--demo"]);
    assert!(
        log.iter().any(|l| l.contains("demo town not loaded")),
        "{log:#?}"
    );
    assert!(!log.iter().any(|l| l.contains("demo users")), "{log:#?}");
    assert_eq!(
        get_json(&format!("{base}/api/v1/districts"))["items"]
            .as_array()
            .map(Vec::len),
        Some(8)
    );
    drop(server);

    // `match` proposes for one district, then for the whole town, and names a bad district.
    let one = sasaeai(&db)
        .args(["match", "--district", "D05"])
        .output()
        .expect("run match");
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).expect("summary JSON");
    let all = sasaeai(&db).arg("match").output().expect("run match");
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).expect("summary JSON");
    let count = |v: &serde_json::Value| v["registrants"].as_u64().unwrap_or(0);
    assert!(
        count(&one) > 0 && count(&one) < count(&all),
        "{one} / {all}"
    );
    assert_eq!(count(&all), sasaeai::services::demo::REGISTRANTS as u64);
    let matched =
        all["fully_matched"].as_u64().unwrap_or(0) + all["partly_matched"].as_u64().unwrap_or(0);
    assert!(
        matched * 2 > count(&all),
        "most of the demo town finds supporters: {all}"
    );
    let bad = sasaeai(&db)
        .args(["match", "--district", "XX"])
        .output()
        .expect("run match");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no district with code XX"));
}

#[test]
fn import_prints_a_report_and_refuses_an_unreadable_file() {
    let db = TestDatabase::new();
    let out = sasaeai(&db)
        .args([
            "import",
            "districts",
            "geodata/fixtures/a27-districts-sample.geojson",
        ])
        .output()
        .expect("run import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report JSON");
    assert_eq!(
        (report["accepted"].clone(), report["rejected"].clone()),
        (serde_json::json!(5), serde_json::json!(0))
    );
    let junk = std::env::temp_dir().join(format!("sasaeai-junk-{}.bin", std::process::id()));
    std::fs::write(&junk, [0_u8, 159, 146, 150, 0, 1]).expect("write junk");
    let bad = sasaeai(&db)
        .args(["import", "shelters"])
        .arg(&junk)
        .output()
        .expect("run import");
    let _ = std::fs::remove_file(&junk);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("file:"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn volunteer_centre_proposes_and_prints_the_days_roster_from_the_command_line() {
    use sasaeai::domain::volunteer::{HelpRequestInput, VolunteerInput};
    use sasaeai::services::volunteer_centre as centre;
    let db = TestDatabase::new();
    {
        let settings = sasaeai::config::Settings {
            database_url: db.url.clone(),
            ..sasaeai::config::Settings::default()
        };
        let ctx = sasaeai::services::AppContext::open(settings).expect("open");
        let setup = sasaeai::services::access::Caller::local("test-setup");
        for i in 0..3 {
            let v = centre::register_volunteer(
                &ctx,
                &setup,
                &VolunteerInput {
                    name: Some(format!("当日 {i}郎")),
                    phone: Some("090-0000-0000".into()),
                    age_band: Some("40_49".into()),
                    insured: Some(true),
                    ..VolunteerInput::default()
                },
            )
            .expect("register");
            let day = centre::DayInput {
                date: Some("2026-07-10".into()),
            };
            centre::check_in(&ctx, &setup, &v.registration_number, &day).expect("check in");
        }
        centre::create_help_request(
            &ctx,
            &setup,
            &HelpRequestInput {
                requester_name: Some("依頼 宅".into()),
                address: Some("久留米市城島町9-9".into()),
                latitude: Some(33.25),
                longitude: Some(130.45),
                work_types: Some(vec!["mud_removal".into()]),
                people_needed: Some(3),
                ..HelpRequestInput::default()
            },
        )
        .expect("help request");
    }
    let out = sasaeai(&db)
        .args(["volunteer-centre", "propose", "--date", "2026-07-10"])
        .output()
        .expect("run propose");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let proposal: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(proposal["teams"][0]["number"], 1);
    assert_eq!(
        proposal["teams"][0]["members"].as_array().map(Vec::len),
        Some(3)
    );

    let file = std::env::temp_dir().join(format!("sasaeai-roster-{}.pdf", std::process::id()));
    let out = sasaeai(&db)
        .args([
            "volunteer-centre",
            "roster",
            "--date",
            "2026-07-10",
            "--out",
        ])
        .arg(&file)
        .output()
        .expect("run roster");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        mode(&file),
        0o600,
        "a printed roster is readable by its owner only"
    );
    let bytes = std::fs::read(&file).expect("the roster was written");
    let _ = std::fs::remove_file(&file);
    if let Some(pages) = common::pdf_pages(&bytes) {
        assert!(pages[0].contains("久留米市城島町9-9"));
        assert!(pages[0].contains(printed["serial"].as_str().unwrap_or("?")));
    }
    let out = sasaeai(&db)
        .args(["volunteer-centre", "roster", "--date", "July 10", "--out"])
        .arg(&file)
        .output()
        .expect("run roster");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--date"));
    assert!(!file.exists(), "no file for a refused command");
}

#[test]
fn registrants_import_dry_run_apply_and_export_round_trip_from_the_command_line() {
    let db = TestDatabase::new();
    let dir = std::env::temp_dir().join(format!("sasaeai-cli-exchange-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("in.csv");
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
        "宛名番号,氏名,生年月日,性別,住所,避難支援を要する理由\r\nC-1,髙﨑 ﾊﾅ,S25.4.1,女,久留米市,要介護認定\r\n",
    );
    std::fs::write(&input, &bytes).expect("write csv");
    let run = |args: &[&str], file: &std::path::Path| {
        let out = sasaeai(&db).args(args).arg(file).output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let dry: serde_json::Value =
        serde_json::from_slice(&run(&["import", "registrants", "--dry-run"], &input))
            .expect("json");
    assert_eq!(dry["created"], serde_json::json!(1));
    assert_eq!(dry["applied"], serde_json::json!(false));
    let applied: serde_json::Value = serde_json::from_slice(&run(
        &["import", "registrants", "--encoding", "shift_jis"],
        &input,
    ))
    .expect("json");
    assert_eq!(applied["applied"], serde_json::json!(true));

    let exported = dir.join("out.csv");
    run(
        &[
            "export",
            "registrants",
            "--format",
            "csv",
            "--encoding",
            "shift_jis",
            "--out",
        ],
        &exported,
    );
    let again: serde_json::Value =
        serde_json::from_slice(&run(&["import", "registrants", "--dry-run"], &exported))
            .expect("json");
    assert_eq!(again["unchanged"], serde_json::json!(1), "{again}");
    assert_eq!(
        mode(&exported),
        0o600,
        "an export is readable by its owner only"
    );
    let geojson = dir.join("out.geojson");
    // A file already there, readable by everyone, is narrowed before the register goes in.
    std::fs::write(&geojson, b"old").expect("write");
    set_mode(&geojson, 0o644);
    run(
        &["export", "registrants", "--format", "geojson", "--out"],
        &geojson,
    );
    let collection: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&geojson).expect("read")).expect("geojson");
    assert_eq!(collection["type"], serde_json::json!("FeatureCollection"));
    assert_eq!(mode(&geojson), 0o600);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The permission bits of a file (0o777 part of its mode).
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(not(unix))]
fn mode(_: &std::path::Path) -> u32 {
    0o600
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(not(unix))]
fn set_mode(_: &std::path::Path, _: u32) {}

#[test]
fn user_passwd_sets_a_new_password_and_ends_the_users_sessions() {
    let db = TestDatabase::new();
    let added = with_stdin(
        &db,
        &[
            "user",
            "add",
            "--username",
            "clerk",
            "--role",
            "staff",
            "--password-stdin",
        ],
        "first long passphrase 2026\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let (server, base, _) = serve(&db, &[]);
    let old_token = login(&base, "clerk", "first long passphrase 2026");
    assert!(!old_token.is_empty());
    let districts = format!("{base}/api/v1/districts");
    assert!(get_json_as(&districts, &old_token)["items"].is_array());

    let changed = with_stdin(
        &db,
        &["user", "passwd", "--username", "clerk", "--password-stdin"],
        "second long passphrase 2026\n",
    );
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    assert_eq!(
        get_json_as(&districts, &old_token)["code"],
        "unauthenticated"
    );
    assert!(login(&base, "clerk", "first long passphrase 2026").is_empty());
    let new_token = login(&base, "clerk", "second long passphrase 2026");
    assert!(get_json_as(&districts, &new_token)["items"].is_array());
    drop(server);

    let blank = with_stdin(
        &db,
        &["user", "passwd", "--username", "clerk", "--password-stdin"],
        "            \n",
    );
    assert!(!blank.status.success());
    assert!(
        String::from_utf8_lossy(&blank.stderr).contains("空白を除いて12文字以上"),
        "{}",
        String::from_utf8_lossy(&blank.stderr)
    );
    let guessable = with_stdin(
        &db,
        &["user", "passwd", "--username", "clerk", "--password-stdin"],
        "clerk2026!!!\n",
    );
    assert!(!guessable.status.success());
    assert!(
        String::from_utf8_lossy(&guessable.stderr).contains("推測されやすいパスワードです"),
        "{}",
        String::from_utf8_lossy(&guessable.stderr)
    );
    let unknown = with_stdin(
        &db,
        &["user", "passwd", "--username", "nobody", "--password-stdin"],
        "third long passphrase 2026\n",
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("user not found"));
}

#[test]
fn check_lists_what_stops_plans_in_japanese_and_passes_once_fixed() {
    let db = TestDatabase::new();
    let empty = sasaeai(&db).arg("check").output().expect("run check");
    assert!(!empty.status.success(), "an empty city is not ready");
    let text = String::from_utf8_lossy(&empty.stdout);
    assert!(text.contains("[要対応] 校区が登録されていません"), "{text}");
    assert!(text.contains("対処: 国土数値情報 A27"), "{text}");

    for (kind, file) in [
        ("districts", "geodata/fixtures/a27-districts-sample.geojson"),
        (
            "shelters",
            "geodata/fixtures/gsi-emergency-sites-sample.geojson",
        ),
    ] {
        let out = sasaeai(&db)
            .args(["import", kind, file])
            .output()
            .expect("import");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ready = sasaeai(&db)
        .args(["check", "--json"])
        .output()
        .expect("run check");
    let report: serde_json::Value = serde_json::from_slice(&ready.stdout).expect("JSON");
    assert_eq!(report["ready"], serde_json::json!(true), "{report}");
    assert!(ready.status.success());
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"no_hazard_zones"), "{codes:?}");
    assert!(!codes.contains(&"no_districts"), "{codes:?}");
}

#[test]
fn commands_on_personal_data_refuse_to_run_without_a_named_operator_and_record_it() {
    let db = TestDatabase::new();
    let file = std::env::temp_dir().join(format!("sasaeai-anon-{}.csv", std::process::id()));
    for args in [
        vec!["export", "registrants", "--format", "csv", "--out"],
        vec!["match"],
        vec!["check"],
    ] {
        let mut command = sasaeai(&db);
        command.env_remove("SASAEAI_OPERATOR").args(&args);
        if args[0] == "export" {
            command.arg(&file);
        }
        let out = command.output().expect("run");
        assert!(!out.status.success(), "{args:?} ran without an operator");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--operator NAME"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(!file.exists(), "nothing was written");

    let named = sasaeai(&db)
        .args([
            "--operator",
            "山田 課長",
            "export",
            "registrants",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&file)
        .output()
        .expect("run export");
    assert!(
        named.status.success(),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
    let _ = std::fs::remove_file(&file);
    let settings = sasaeai::config::Settings {
        database_url: db.url.clone(),
        ..sasaeai::config::Settings::default()
    };
    let ctx = sasaeai::services::AppContext::open(settings).expect("open");
    let log = sasaeai::services::access::audit_page(&ctx, 0, 100).expect("audit log");
    let by_operator: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.record.actor == "cli:山田 課長")
        .map(|e| (e.record.action.as_str(), e.record.target.as_str()))
        .collect();
    assert!(
        by_operator
            .iter()
            .any(|(action, target)| *action == "command"
                && target.starts_with("sasaeai --operator 山田 課長 export registrants")),
        "{by_operator:?}"
    );
    assert!(
        by_operator
            .iter()
            .any(|(action, target)| *action == "export"
                && *target == "/api/v1/exports/registrants.csv"),
        "{by_operator:?}"
    );
}
