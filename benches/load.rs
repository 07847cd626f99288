//! `cargo bench --bench load`: a busy day over HTTP. The real server (actix on a TCP port,
//! sessions, audit entries and all) over the demo town (1,500 people, supporters, shelters and
//! plans), and 32 clients at once for 60 seconds, each looping over a realistic mix:
//!
//! | share | request | who |
//! |---|---|---|
//! | 25 % | search the register by name (`GET /registrants?q=…`) | staff |
//! | 15 % | read one person (`GET /registrants/{id}`) | staff |
//! | 10 % | the district's list (`GET /registrants?limit=50`) | district user |
//! | 15 % | correct a phone number (`GET`, then `PATCH` with `If-Match`) | staff |
//! | 10 % | write a plan (`GET` plan, then `PUT` with `If-Match`, or a first plan) | staff |
//! | 10 % | print a plan (`GET /registrants/{id}/plan.pdf`) | staff |
//! | 15 % | check a volunteer in at the centre's desk | volunteer centre |
//!
//! Every HTTP request is timed by itself (the `GET` before an edit or a plan write counts as a
//! read, the `PATCH` or `PUT` as a write). It prints requests per second, p50 and p99 per kind
//! and for reads and writes, the lost races
//! (412, expected when two clients edit one person) and the server errors (5xx), which must be
//! 0. SQLite in a temporary folder by default; with `BENCH_DATABASE_URL=postgres://…` (a role
//! that may create databases) on a database of its own on that server, dropped afterwards.
//! `BENCH_SECONDS` and `BENCH_CLIENTS` change the 60 s and the 32 clients.

#![expect(
    clippy::expect_used,
    reason = "a benchmark step that fails should stop at once"
)]

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use sasaeai::config::Settings;
use sasaeai::services::AppContext;
use sasaeai::services::access::Caller;
use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        sasaeai::rng::splitmix64(&mut self.0) % n
    }
}

/// A database for the run, removed afterwards.
struct Database {
    url: String,
    drop_pg: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Database {
    fn new() -> Self {
        let tag = format!(
            "{}_{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        );
        if let Ok(admin) = std::env::var("BENCH_DATABASE_URL") {
            let name = format!("sasaeai_load_{tag}");
            let mut conn = PgConnection::establish(&admin).expect("connect BENCH_DATABASE_URL");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            return Self {
                url: format!("{base}/{name}"),
                drop_pg: Some((admin.clone(), name)),
                dir: None,
            };
        }
        let dir = std::env::temp_dir().join(format!("sasaeai-load-{tag}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self {
            url: format!("sqlite://{}", dir.join("load.db").display()),
            drop_pg: None,
            dir: Some(dir),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.drop_pg {
            if let Ok(mut conn) = PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
            let settings = Settings {
                database_url: self.url.clone(),
                ..Settings::default()
            };
            let _ = std::fs::remove_file(sasaeai::services::audit_chain::key_path(&settings));
            let _ = std::fs::remove_file(sasaeai::services::audit_chain::anchor_path(&settings));
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

struct Client {
    agent: ureq::Agent,
    base: String,
}

/// One answer: status, body, ETag.
struct Answer {
    status: u16,
    body: Value,
    etag: Option<String>,
}

impl Client {
    fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Answer {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {token}"));
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(body.to_string()),
            None => request.body(String::new()),
        }
        .expect("request");
        let mut response = self.agent.run(request).expect("the server answers");
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let is_json = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        let body = if is_json {
            response.body_mut().read_json().unwrap_or(Value::Null)
        } else {
            let _ = response.body_mut().read_to_vec();
            Value::Null
        };
        Answer { status, body, etag }
    }
}

/// What one client measured: per kind, latencies; and the odd answers.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    conflicts: usize,
    server_errors: Vec<String>,
    other: Vec<String>,
}

impl Tally {
    fn record(&mut self, kind: &'static str, took: Duration, answer: &Answer, ok: &[u16]) {
        self.latencies.entry(kind).or_default().push(took);
        if answer.status >= 500 {
            self.server_errors
                .push(format!("{kind} {}: {}", answer.status, answer.body));
        } else if answer.status == 412 || (answer.status == 428 && kind.starts_with("plan")) {
            // A lost race: the record moved on, or another client wrote the first plan
            // between this one's read and its write.
            self.conflicts += 1;
        } else if !ok.contains(&answer.status) {
            self.other
                .push(format!("{kind} {}: {}", answer.status, answer.body));
        }
    }
}

struct Tokens {
    staff: String,
    district: String,
    desk: String,
}

/// The town as the clients use it.
struct Town {
    people: Vec<i64>,
    district_people: usize,
    printable: Vec<i64>,
    planless: Vec<i64>,
    volunteers: Vec<String>,
    names: Vec<String>,
}

const PLAN: &str = r#"{"status":"draft","author":"負荷 試験","when_to_leave":"高齢者等避難の発令で","items_to_take":"薬、眼鏡"}"#;

fn client(n: usize, client: &Client, tokens: &Tokens, town: &Town, until: Instant) -> Tally {
    let mut rng = Rng(0xC0FF_EE00 + n as u64);
    let mut tally = Tally::default();
    let plan: Value = serde_json::from_str(PLAN).expect("plan JSON");
    let day = |d: u64| format!("2026-07-{:02}", 1 + d % 28);
    while Instant::now() < until {
        let person = town.people[rng.below(town.people.len() as u64) as usize];
        let roll = rng.below(100);
        let t = Instant::now();
        match roll {
            0..25 => {
                let name = &town.names[rng.below(town.names.len() as u64) as usize];
                let q: String = url_encode(name);
                let a = client.send(
                    "GET",
                    &format!("/api/v1/registrants?q={q}&limit=20"),
                    &tokens.staff,
                    None,
                    None,
                );
                tally.record("search", t.elapsed(), &a, &[200]);
            }
            25..40 => {
                let a = client.send(
                    "GET",
                    &format!("/api/v1/registrants/{person}"),
                    &tokens.staff,
                    None,
                    None,
                );
                tally.record("read", t.elapsed(), &a, &[200]);
            }
            40..50 => {
                let a = client.send(
                    "GET",
                    "/api/v1/registrants?limit=50",
                    &tokens.district,
                    None,
                    None,
                );
                tally.record("district list", t.elapsed(), &a, &[200]);
            }
            50..65 => {
                let read = client.send(
                    "GET",
                    &format!("/api/v1/registrants/{person}"),
                    &tokens.staff,
                    None,
                    None,
                );
                tally.record("read before an edit", t.elapsed(), &read, &[200]);
                let phone = format!("0942-{:02}-{:04}", n % 100, rng.below(10_000));
                let t = Instant::now();
                let a = client.send(
                    "PATCH",
                    &format!("/api/v1/registrants/{person}"),
                    &tokens.staff,
                    Some(&json!({"phone": phone})),
                    read.etag.as_deref(),
                );
                tally.record("edit (patch, If-Match)", t.elapsed(), &a, &[200]);
            }
            65..75 => {
                let who = town.planless[rng.below(town.planless.len() as u64) as usize];
                let path = format!("/api/v1/registrants/{who}/plan");
                let read = client.send("GET", &path, &tokens.staff, None, None);
                tally.record("read before a plan write", t.elapsed(), &read, &[200, 404]);
                let tag = (read.status == 200).then_some(read.etag).flatten();
                let t = Instant::now();
                let a = client.send("PUT", &path, &tokens.staff, Some(&plan), tag.as_deref());
                tally.record("plan write (put)", t.elapsed(), &a, &[200, 201]);
            }
            75..85 => {
                let who = town.printable[rng.below(town.printable.len() as u64) as usize];
                let a = client.send(
                    "GET",
                    &format!("/api/v1/registrants/{who}/plan.pdf?holder=load-test"),
                    &tokens.staff,
                    None,
                    None,
                );
                tally.record("print plan PDF", t.elapsed(), &a, &[200]);
            }
            _ => {
                let number = &town.volunteers[rng.below(town.volunteers.len() as u64) as usize];
                let a = client.send(
                    "POST",
                    &format!("/api/v1/volunteer-centre/volunteers/{number}/check-ins"),
                    &tokens.desk,
                    Some(&json!({"date": day(rng.below(28))})),
                    None,
                );
                tally.record("volunteer check-in", t.elapsed(), &a, &[200, 201]);
            }
        }
    }
    tally
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn login(client: &Client, username: &str, password: &str) -> String {
    let a = client.send(
        "POST",
        "/api/v1/sessions",
        "",
        Some(&json!({"username": username, "password": password})),
        None,
    );
    assert_eq!(a.status, 201, "login {username}: {}", a.body);
    a.body["token"].as_str().unwrap_or_default().to_owned()
}

/// What `synchronous = FULL` costs a write on this disk: 500 one-row transactions in WAL mode,
/// with NORMAL and with FULL, on a scratch file; milliseconds per commit.
fn commit_cost() -> (f64, f64) {
    use diesel::connection::SimpleConnection;
    let dir = std::env::temp_dir().join(format!("sasaeai-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut per_commit = Vec::new();
    for mode in ["NORMAL", "FULL"] {
        let path = dir.join(format!("{mode}.db"));
        let mut conn = diesel::SqliteConnection::establish(&path.display().to_string())
            .expect("scratch database");
        conn.batch_execute(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {mode}; \
             CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
        ))
        .expect("scratch table");
        let start = Instant::now();
        for i in 0..500 {
            conn.batch_execute(&format!(
                "BEGIN IMMEDIATE; INSERT INTO t (v) VALUES ('row {i}'); COMMIT;"
            ))
            .expect("insert");
        }
        per_commit.push(start.elapsed().as_secs_f64() * 1000.0 / 500.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    (per_commit[0], per_commit[1])
}

fn main() {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let clients: usize = std::env::var("BENCH_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    let db = Database::new();
    let backend = if db.drop_pg.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    if db.drop_pg.is_none() {
        let (normal, full) = commit_cost();
        println!(
            "SQLite commit in WAL mode on this disk: synchronous=NORMAL {normal:.3} ms, FULL {full:.3} ms a transaction"
        );
    }
    let settings = Settings {
        database_url: db.url.clone(),
        ..Settings::default()
    };
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    println!(
        "{backend}, {clients} clients for {seconds} s; server: {workers} workers, pool of {}",
        settings.pool_size
    );
    let ctx = Arc::new(AppContext::open(settings).expect("open database"));
    let start = Instant::now();
    sasaeai::services::demo::load(&ctx).expect("demo town");
    let users = sasaeai::services::demo::users(&ctx).expect("demo users");
    let password = |name: &str| {
        users
            .iter()
            .find(|(u, _, _)| u == name)
            .map(|(_, _, p)| p.clone())
            .expect("demo user")
    };
    println!("demo town loaded in {:.1} s", start.elapsed().as_secs_f64());

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let server_ctx = ctx.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = sasaeai::http::serve(server_ctx, listener).expect("serve");
            tx.send(server.handle()).expect("handle");
            let _ = server.await;
        });
    });
    let handle = rx.recv().expect("server started");
    let agent = || Client {
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent(),
        base: base.clone(),
    };
    let setup = agent();
    let tokens = Tokens {
        staff: login(&setup, "demo-staff", &password("demo-staff")),
        district: login(&setup, "demo-district", &password("demo-district")),
        desk: login(&setup, "demo-volunteer", &password("demo-volunteer")),
    };

    // Who is there: everyone, the printable plans, people without one, some volunteers.
    let caller = Caller::local("load-setup");
    let mut people = Vec::new();
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/registrants?limit=200&cursor={c}"),
            None => "/api/v1/registrants?limit=200".to_owned(),
        };
        let page = setup.send("GET", &path, &tokens.staff, None, None);
        for item in page.body["items"].as_array().cloned().unwrap_or_default() {
            people.push(item["id"].as_i64().unwrap_or(0));
            if let Some(name) = item["name"].as_str() {
                // A family name, as staff type it.
                names.push(name.split_whitespace().next().unwrap_or(name).to_owned());
            }
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let district_people = setup
        .send(
            "GET",
            "/api/v1/registrants?limit=200",
            &tokens.district,
            None,
            None,
        )
        .body["items"]
        .as_array()
        .map_or(0, Vec::len);
    let mut printable = Vec::new();
    let mut planless = Vec::new();
    for id in &people {
        let check = setup.send(
            "GET",
            &format!("/api/v1/registrants/{id}/plan/check"),
            &tokens.staff,
            None,
            None,
        );
        if check.status == 200 && check.body["printable"] == json!(true) {
            printable.push(*id);
        } else if check.status == 404 || planless.len() < 300 {
            planless.push(*id);
        }
    }
    planless.retain(|id| !printable.contains(id));
    let mut volunteers = Vec::new();
    for i in 0..300 {
        let v = sasaeai::services::volunteer_centre::register_volunteer(
            &ctx,
            &caller,
            &sasaeai::domain::volunteer::VolunteerInput {
                name: Some(format!("参加 {i}")),
                phone: Some(format!("090-0000-{i:04}")),
                age_band: Some("30_39".into()),
                insured: Some(true),
                ..Default::default()
            },
        )
        .expect("volunteer");
        volunteers.push(v.registration_number);
    }
    assert!(!printable.is_empty(), "the demo town has printable plans");
    let town = Town {
        people,
        district_people,
        printable,
        planless,
        volunteers,
        names,
    };
    println!(
        "{} people ({} seen by the district user on a first page), {} printable plans, {} volunteers",
        town.people.len(),
        town.district_people,
        town.printable.len(),
        town.volunteers.len()
    );

    let until = Instant::now() + Duration::from_secs(seconds);
    let began = Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|n| {
                let (tokens, town) = (&tokens, &town);
                let c = agent();
                scope.spawn(move || client(n, &c, tokens, town, until))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    let elapsed = began.elapsed().as_secs_f64();

    let mut by_kind: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let (mut conflicts, mut errors, mut other) = (0, Vec::new(), Vec::new());
    for t in tallies {
        for (kind, mut l) in t.latencies {
            by_kind.entry(kind).or_default().append(&mut l);
        }
        conflicts += t.conflicts;
        errors.extend(t.server_errors);
        other.extend(t.other);
    }
    let total: usize = by_kind.values().map(Vec::len).sum();
    println!(
        "{total} requests in {elapsed:.1} s: {:.0} requests/s; lost races (412, or 428 for a first plan written meanwhile): {conflicts}; server errors (5xx): {}; other refusals: {}",
        total as f64 / elapsed,
        errors.len(),
        other.len()
    );
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for (kind, l) in &mut by_kind {
        l.sort_unstable();
        println!(
            "  {kind:<26} {:>7} requests  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
            l.len(),
            percentile(l, 0.5),
            percentile(l, 0.99),
            percentile(l, 1.0)
        );
        if matches!(*kind, "search" | "read" | "district list") || kind.starts_with("read ") {
            reads.extend_from_slice(l);
        } else if !kind.starts_with("print") {
            writes.extend_from_slice(l);
        }
    }
    reads.sort_unstable();
    writes.sort_unstable();
    println!(
        "reads: p50 {:.1} ms, p99 {:.1} ms (goal < 100 ms); writes: p50 {:.1} ms, p99 {:.1} ms (goal < 100 ms)",
        percentile(&reads, 0.5),
        percentile(&reads, 0.99),
        percentile(&writes, 0.5),
        percentile(&writes, 0.99)
    );
    for e in errors.iter().take(5) {
        println!("server error: {e}");
    }
    for e in other.iter().take(5) {
        println!("refused: {e}");
    }
    actix_web::rt::System::new().block_on(handle.stop(true));
    drop(ctx);
    drop(db);
    if !errors.is_empty() {
        std::process::exit(1);
    }
}
