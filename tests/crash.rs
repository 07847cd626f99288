//! `kill -9` of the server while clients write, again and again: after each restart every
//! acknowledged write and its audit entry is there, SQLite's `integrity_check` is ok and
//! `audit verify` passes. On PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::process::{sasaeai, serve, with_stdin};
use common::{PASSWORD, TestDatabase, registrant};
use sasaeai::config::Settings;
use sasaeai::services::AppContext;
use sasaeai::services::access::Caller;
use serde_json::{Value, json};

const WRITERS: usize = 6;
const KILLS: usize = 4;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent()
}

/// Sends a JSON request; the status and body, or None when the server is gone.
fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: &str,
    body: &Value,
    if_match: Option<&str>,
) -> Option<(u16, Value, Option<String>)> {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    let request = match if_match {
        Some(tag) => request.header("if-match", tag),
        None => request,
    };
    let request = request.body(body.to_string()).ok()?;
    let mut response = agent.run(request).ok()?;
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.body_mut().read_to_string().ok()?;
    Some((
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        etag,
    ))
}

/// What the writers were told was done: registrants created, and phones changed.
#[derive(Default)]
struct Acknowledged {
    created: Vec<i64>,
    changed: Vec<(i64, String)>,
    unexpected: Vec<String>,
}

#[test]
fn killing_the_server_mid_write_loses_no_acknowledged_write_or_its_audit_entry() {
    let db = TestDatabase::new();
    let added = with_stdin(
        &db,
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let base = Mutex::new(String::new());
    let done = AtomicBool::new(false);
    let acknowledged = Mutex::new(Acknowledged::default());
    let (mut server, first, _) = serve(&db, &[]);
    *base.lock().unwrap_or_else(|e| e.into_inner()) = first.clone();
    let login = send(
        &agent(),
        "POST",
        &format!("{first}/api/v1/sessions"),
        "",
        &json!({"username": "admin", "password": PASSWORD}),
        None,
    );
    let token = login
        .and_then(|(_, body, _)| body["token"].as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(!token.is_empty(), "logged in");
    let mut seed = 0x5eed_u64;
    let mut kills = 0;
    std::thread::scope(|scope| {
        for n in 0..WRITERS {
            let (base, done, acknowledged, token) = (&base, &done, &acknowledged, &token);
            scope.spawn(move || {
                let agent = agent();
                let mut i = 0;
                while !done.load(Ordering::SeqCst) {
                    let url = base.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    let mut body = registrant();
                    body["name"] = json!(format!("停電 {n}-{i}"));
                    i += 1;
                    let Some((status, created, etag)) = send(
                        &agent,
                        "POST",
                        &format!("{url}/api/v1/registrants"),
                        token,
                        &body,
                        None,
                    ) else {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    };
                    let mut ack = acknowledged.lock().unwrap_or_else(|e| e.into_inner());
                    if status != 201 {
                        ack.unexpected.push(format!("create {status}: {created}"));
                        continue;
                    }
                    let id = created["id"].as_i64().unwrap_or(0);
                    ack.created.push(id);
                    drop(ack);
                    let phone = format!("0942-{n:02}-{:04}", i % 10_000);
                    let patched = send(
                        &agent,
                        "PATCH",
                        &format!("{url}/api/v1/registrants/{id}"),
                        token,
                        &json!({"phone": phone}),
                        etag.as_deref(),
                    );
                    let mut ack = acknowledged.lock().unwrap_or_else(|e| e.into_inner());
                    match patched {
                        Some((200, _, _)) => ack.changed.push((id, phone)),
                        Some((status, body, _)) => {
                            ack.unexpected.push(format!("patch {status}: {body}"));
                        }
                        None => {}
                    }
                }
            });
        }
        for _ in 0..KILLS {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            std::thread::sleep(Duration::from_millis(400 + (seed >> 33) % 1_200));
            // SIGKILL: no shutdown, no flush, no goodbye.
            let _ = server.0.kill();
            let _ = server.0.wait();
            kills += 1;
            let (again, url, _) = serve(&db, &[]);
            server = again;
            *base.lock().unwrap_or_else(|e| e.into_inner()) = url;
        }
        std::thread::sleep(Duration::from_millis(500));
        done.store(true, Ordering::SeqCst);
    });
    drop(server);
    let acknowledged = acknowledged.into_inner().unwrap_or_else(|e| e.into_inner());
    assert!(
        acknowledged.unexpected.is_empty(),
        "{} unexpected answers, first: {:?}",
        acknowledged.unexpected.len(),
        acknowledged.unexpected.first()
    );
    assert!(
        acknowledged.created.len() > 50 && kills == KILLS,
        "the writers really wrote around {kills} kills: {} created",
        acknowledged.created.len()
    );

    if !db.is_postgres() {
        use diesel::{Connection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let path = db.url.trim_start_matches("sqlite://");
        let mut conn = diesel::SqliteConnection::establish(path)
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut conn)
            .unwrap_or_default();
        assert_eq!(rows.first().map(|r| r.integrity_check.as_str()), Some("ok"));
    }
    let verified = sasaeai(&db)
        .args(["audit", "verify"])
        .output()
        .unwrap_or_else(|e| panic!("audit verify: {e}"));
    assert!(
        verified.status.success(),
        "audit verify: {}",
        String::from_utf8_lossy(&verified.stdout)
    );

    let ctx = AppContext::open(Settings {
        database_url: db.url.clone(),
        ..Settings::default()
    })
    .unwrap_or_else(|e| panic!("open after the kills: {e}"));
    let caller = Caller::local("crash-test");
    for id in &acknowledged.created {
        let found =
            sasaeai::services::registrants::get(&ctx, &caller, sasaeai::domain::RegistrantId(*id));
        assert!(found.is_ok(), "acknowledged registrant {id} is missing");
    }
    for (id, phone) in &acknowledged.changed {
        let found =
            sasaeai::services::registrants::get(&ctx, &caller, sasaeai::domain::RegistrantId(*id))
                .unwrap_or_else(|e| panic!("registrant {id}: {e}"));
        let json = serde_json::to_value(&found).unwrap_or_default();
        assert_eq!(json["phone"], json!(phone), "acknowledged change of {id}");
    }
    let targets: std::collections::HashSet<String> = common::audit_log(&ctx)
        .into_iter()
        .map(|e| e.record.target)
        .collect();
    for id in &acknowledged.created {
        assert!(
            targets.contains(&format!("registrant {id} v1 created")),
            "audit of {id}"
        );
    }
    for (id, _) in &acknowledged.changed {
        assert!(
            targets.contains(&format!("registrant {id} v2 updated")),
            "audit of change {id}"
        );
    }
    eprintln!(
        "{kills} kills: {} creates and {} changes acknowledged, all there with their audit entries",
        acknowledged.created.len(),
        acknowledged.changed.len()
    );
}
