//! `sasaeai backup` while clients write, and `sasaeai restore` into an empty database: every
//! write acknowledged before the backup began is in the restored database with its audit
//! entry, the restored audit chain verifies, and a database holding data is refused.
//!
//! On PostgreSQL (`TEST_DATABASE_URL`) the backup is `pg_dump`'s; where `pg_dump` is not
//! installed that part says it is skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{TestDatabase, TestServer, registrant};
use sasaeai::config::Settings;
use sasaeai::services::AppContext;
use sasaeai::services::access::Caller;
use serde_json::{Value, json};

const WRITERS: usize = 4;

fn cli(db: &str, key: &Path, anchors: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sasaeai"))
        .args(["--operator", "backup-test", "--database", db])
        .arg("--audit-key-file")
        .arg(key)
        .arg("--audit-anchor-file")
        .arg(anchors)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run sasaeai: {e}"))
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("sasaeai_backup_{}_{name}", std::process::id()))
}

fn tools_present(server: &TestServer) -> bool {
    if !server.db.is_postgres() {
        return true;
    }
    let present = ["pg_dump", "pg_restore"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !present {
        common::skipped("backup on PostgreSQL: pg_dump/pg_restore are not installed");
    }
    present
}

#[test]
fn a_backup_taken_during_writes_restores_every_write_acknowledged_before_it() {
    let server = TestServer::start().with_districts();
    if !tools_present(&server) {
        return;
    }
    let (key, anchors) = server.db.audit_files();
    let acknowledged: Mutex<Vec<(Instant, i64)>> = Mutex::new(Vec::new());
    let stop = Instant::now() + Duration::from_secs(4);
    let out = temp("during-writes.backup");
    let _ = std::fs::remove_file(&out);
    let mut began = None;
    std::thread::scope(|scope| {
        for n in 0..WRITERS {
            let (server, acknowledged) = (&server, &acknowledged);
            scope.spawn(move || {
                let mut i = 0;
                while Instant::now() < stop {
                    let mut body = registrant();
                    body["name"] = json!(format!("書込 {n}-{i}"));
                    let created = server.post("/api/v1/registrants", &body);
                    assert_eq!(created.status, 201, "{}", created.text);
                    let id = created.json["id"].as_i64().unwrap_or(0);
                    acknowledged
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((Instant::now(), id));
                    i += 1;
                }
            });
        }
        std::thread::sleep(Duration::from_millis(1_500));
        began = Some(Instant::now());
        let backup = cli(
            &server.db.url,
            &key,
            &anchors,
            &["backup", "--out", &out.display().to_string()],
        );
        assert!(
            backup.status.success(),
            "backup: {}",
            String::from_utf8_lossy(&backup.stderr)
        );
    });
    let began = began.unwrap_or_else(Instant::now);
    let acknowledged = acknowledged.into_inner().unwrap_or_else(|e| e.into_inner());
    let before: Vec<i64> = acknowledged
        .iter()
        .filter(|(at, _)| *at < began)
        .map(|(_, id)| *id)
        .collect();
    let after = acknowledged.len() - before.len();
    assert!(
        before.len() > 10 && after > 10,
        "writes went on around the backup: {} before, {after} after",
        before.len()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600), "the backup is for its owner only");
    }

    // A backup never overwrites an earlier one.
    let again = cli(
        &server.db.url,
        &key,
        &anchors,
        &["backup", "--out", &out.display().to_string()],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // A database that holds data is refused: the live one.
    let anchors_copy = temp("anchors-copy");
    std::fs::copy(&anchors, &anchors_copy).unwrap_or_else(|e| panic!("copy anchors: {e}"));
    let refused = cli(
        &server.db.url,
        &key,
        &anchors_copy,
        &["restore", &out.display().to_string()],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // Into a new, empty database, with the live database's key and a copy of its anchors
    // (which by now name entries written after the backup).
    let target = TestDatabase::new();
    let restored = cli(
        &target.url,
        &key,
        &anchors_copy,
        &["restore", &out.display().to_string()],
    );
    assert!(
        restored.status.success(),
        "restore: {}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let report: Value = serde_json::from_slice(&restored.stdout).unwrap_or_default();
    assert_eq!(report["audit"]["first_broken"], Value::Null, "{report}");
    assert!(
        report["audit"]["anchors_checked"].as_u64() >= Some(1),
        "{report}"
    );

    let ctx = AppContext::open(Settings {
        database_url: target.url.clone(),
        audit_key_file: Some(key.clone()),
        audit_anchor_file: Some(anchors_copy.clone()),
        ..Settings::default()
    })
    .unwrap_or_else(|e| panic!("open the restored database: {e}"));
    let caller = Caller::local("backup-test");
    for id in &before {
        let found =
            sasaeai::services::registrants::get(&ctx, &caller, sasaeai::domain::RegistrantId(*id));
        assert!(
            found.is_ok(),
            "registrant {id}, acknowledged before the backup, is missing"
        );
    }
    let targets: Vec<String> = common::audit_log(&ctx)
        .into_iter()
        .map(|e| e.record.target)
        .collect();
    for id in &before {
        assert!(
            targets.contains(&format!("registrant {id} v1 created")),
            "the audit entry of registrant {id}"
        );
    }
    assert!(targets.iter().any(|t| t.starts_with("backup to ")));
    assert!(targets.iter().any(|t| t.starts_with("restore from ")));

    // Restoring twice into the same database is refused: it is not empty any more.
    let twice = cli(
        &target.url,
        &key,
        &anchors_copy,
        &["restore", &out.display().to_string()],
    );
    assert!(!twice.status.success());
    drop(ctx);
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(&anchors_copy);
}

#[test]
fn a_restore_without_the_audit_key_or_from_a_foreign_file_changes_nothing() {
    let server = TestServer::start();
    if !tools_present(&server) {
        return;
    }
    let (key, anchors) = server.db.audit_files();
    let out = temp("no-key.backup");
    let _ = std::fs::remove_file(&out);
    let made = cli(
        &server.db.url,
        &key,
        &anchors,
        &["backup", "--out", &out.display().to_string()],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let target = TestDatabase::new();
    let missing_key = temp("missing.key");
    let refused = cli(
        &target.url,
        &missing_key,
        &temp("missing.anchors"),
        &["restore", &out.display().to_string()],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("audit key file"));
    let foreign = temp("foreign.txt");
    std::fs::write(&foreign, "氏名,住所\n").unwrap_or_else(|e| panic!("{e}"));
    let refused = cli(
        &target.url,
        &key,
        &temp("foreign.anchors"),
        &["restore", &foreign.display().to_string()],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("neither a SQLite database"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    for file in [out, foreign] {
        let _ = std::fs::remove_file(file);
    }
}
