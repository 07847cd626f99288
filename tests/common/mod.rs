//! Test harness: a real server on port 0 over a fresh database, and a small HTTP client.
//!
//! The backend is SQLite (a temporary file) unless `TEST_DATABASE_URL` names a PostgreSQL
//! server; then every test gets a database of its own, created here and dropped afterwards.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]
#![expect(
    clippy::expect_used,
    reason = "a harness step that fails should stop the test at once"
)]

pub mod pages;
pub mod process;
pub mod webdriver;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::{Connection, PgConnection, RunQueryDsl};
use sasaeai::config::Settings;
use sasaeai::domain::district::NewDistrict;
use sasaeai::services::AppContext;
use serde_json::{Value, json};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A database made for one test, removed when dropped.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another handle on a database someone else removes.
    None,
}

impl TestDatabase {
    pub fn new() -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}_{}_{}", std::process::id(), n, nanos());
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let name = format!("sasaeai_test_{tag}");
                let mut conn =
                    PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create test database");
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                let url = format!("{base}/{name}");
                Self {
                    url,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            None => {
                let path = std::env::temp_dir().join(format!("sasaeai_test_{tag}.db"));
                Self {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }

    /// The same database again, left in place when dropped (its first handle removes it).
    pub fn again(&self) -> Self {
        Self {
            url: self.url.clone(),
            cleanup: Cleanup::None,
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

impl TestDatabase {
    /// The audit key and anchor files the service uses for this database by default.
    pub fn audit_files(&self) -> (PathBuf, PathBuf) {
        let settings = Settings {
            database_url: self.url.clone(),
            ..Settings::default()
        };
        (
            sasaeai::services::audit_chain::key_path(&settings),
            sasaeai::services::audit_chain::anchor_path(&settings),
        )
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if matches!(self.cleanup, Cleanup::None) {
            // Another handle's database: its audit files stay with it.
            return;
        }
        let (key, anchors) = self.audit_files();
        let _ = std::fs::remove_file(key);
        let _ = std::fs::remove_file(anchors);
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn);
                }
            }
            Cleanup::None => {}
        }
    }
}

/// One HTTP response, body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub etag: Option<String>,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub text: String,
    pub json: Value,
}

impl Resp {
    /// The `field`s of a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or_default()
    }

    /// Asserts a problem+json response with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(
            self.content_type, "application/problem+json",
            "content type of {}",
            self.text
        );
        assert_eq!(self.code(), code, "code of {}", self.text);
        assert_eq!(self.json["status"], status, "status field of {}", self.text);
        assert!(
            self.json["title"].is_string() && self.json["detail"].is_string(),
            "{}",
            self.text
        );
    }
}

/// A running server over its own database.
pub struct TestServer {
    pub base: String,
    pub ctx: Arc<AppContext>,
    handle: actix_web::dev::ServerHandle,
    agent: ureq::Agent,
    pub db: TestDatabase,
    /// The bearer token sent with every request (the admin's unless changed).
    token: std::sync::Mutex<Option<String>>,
}

/// Every entry of the audit log, oldest first.
pub fn audit_log(ctx: &AppContext) -> Vec<sasaeai::storage::audit::AuditEntry> {
    let mut log: Vec<sasaeai::storage::audit::AuditEntry> = Vec::new();
    loop {
        let after = log.last().map_or(0, |e| e.id);
        let page = sasaeai::services::access::audit_page(ctx, after, 1000).expect("audit");
        if page.is_empty() {
            return log;
        }
        log.extend(page);
    }
}

/// The password of every user the harness creates.
pub const PASSWORD: &str = "test-password-0123";

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    pub fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let db = TestDatabase::new();
        let mut settings = Settings {
            database_url: db.url.clone(),
            workers: 2,
            pool_size: 4,
            ..Settings::default()
        };
        adjust(&mut settings);
        let ctx = Arc::new(AppContext::open(settings).expect("open test database"));
        Self::serve(ctx, db)
    }

    /// Serves an already built context (e.g. one whose database is unreachable).
    pub fn serve(ctx: Arc<AppContext>, db: TestDatabase) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let (tx, rx) = std::sync::mpsc::channel();
        let server_ctx = ctx.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = sasaeai::http::serve(server_ctx, listener).expect("start server");
                tx.send(server.handle()).expect("send handle");
                let _ = server.await;
            });
        });
        let handle = rx.recv().expect("server started");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let server = Self {
            base,
            ctx,
            handle,
            agent,
            db,
            token: std::sync::Mutex::new(None),
        };
        // Every test talks as an administrator unless it logs in as someone else; a context
        // whose database is down has no users.
        if server.add_user("admin", "admin", &[]) {
            let token = server.login("admin", PASSWORD);
            server.use_token(Some(token));
        }
        server
    }

    /// A second server on this server's database with a context of its own, as after a
    /// restart or beside it behind a load balancer; it talks as the administrator. Drop it
    /// before this one.
    pub fn beside(&self) -> Self {
        let ctx = Arc::new(
            AppContext::open(self.ctx.settings.clone()).expect("open the same database again"),
        );
        let server = Self::serve(ctx, self.db.again());
        let token = server.login("admin", PASSWORD);
        server.use_token(Some(token));
        server
    }

    /// Adds two square districts side by side: D1 west of lon 130.51, D2 east of it, both
    /// between lat 33.30 and 33.32.
    pub fn with_districts(self) -> Self {
        let square = |x0: f64, x1: f64| {
            let ring = vec![
                (x0, 33.30),
                (x1, 33.30),
                (x1, 33.32),
                (x0, 33.32),
                (x0, 33.30),
            ];
            geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString::from(ring), vec![])])
        };
        let districts = [
            NewDistrict {
                code: "D1".into(),
                name: "西校区".into(),
                boundary: square(130.49, 130.51),
            },
            NewDistrict {
                code: "D2".into(),
                name: "東校区".into(),
                boundary: square(130.51, 130.53),
            },
        ];
        sasaeai::services::districts::add_geodata(
            &self.ctx,
            &sasaeai::services::access::Caller::local("test-setup"),
            &districts,
            &[],
        )
        .expect("add districts");
        self
    }

    /// Adds a user with [`PASSWORD`]; false when the database cannot be reached.
    pub fn add_user(&self, username: &str, role: &str, districts: &[&str]) -> bool {
        let new = sasaeai::services::access::NewUser {
            username: Some(username.to_owned()),
            role: Some(role.to_owned()),
            districts: Some(districts.iter().map(|d| (*d).to_owned()).collect()),
            password: Some(PASSWORD.to_owned()),
        };
        let admin = sasaeai::services::access::Caller::local("test-setup");
        sasaeai::services::access::add_user(&self.ctx, &admin, &new).is_ok()
    }

    /// Logs in over HTTP and returns the token.
    pub fn login(&self, username: &str, password: &str) -> String {
        let body = json!({"username": username, "password": password});
        let response = Self::finish(
            self.agent
                .post(&self.url("/api/v1/sessions"))
                .header("content-type", "application/json")
                .send(body.to_string().as_bytes()),
        );
        assert_eq!(response.status, 201, "login {username}: {}", response.text);
        response.json["token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Sends `token` (or none) with every later request.
    pub fn use_token(&self, token: Option<String>) {
        *self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = token;
    }

    fn authed<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        let token = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match token {
            Some(token) => request.header("authorization", format!("Bearer {token}")),
            None => request,
        }
    }

    pub fn delete(&self, path: &str) -> Resp {
        Self::finish(self.authed(self.agent.delete(&self.url(path))).call())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut response = response.expect("request reaches the server");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header("etag");
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            etag,
            content_type,
            retry_after,
            text,
            json,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        Self::finish(self.authed(self.agent.get(&self.url(path))).call())
    }

    /// A GET whose body is not text (a PDF): status, content type, one header, the bytes.
    pub fn get_bytes(&self, path: &str, header: &str) -> (u16, String, Option<String>, Vec<u8>) {
        let mut response = self
            .authed(self.agent.get(&self.url(path)))
            .call()
            .expect("request reaches the server");
        let value = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (content_type, wanted) = (value("content-type").unwrap_or_default(), value(header));
        let bytes = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_default();
        (response.status().as_u16(), content_type, wanted, bytes)
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.send(
            "POST",
            path,
            "application/json",
            body.to_string().as_bytes(),
            None,
        )
    }

    pub fn patch(&self, path: &str, body: &Value, if_match: Option<&str>) -> Resp {
        self.send(
            "PATCH",
            path,
            "application/merge-patch+json",
            body.to_string().as_bytes(),
            if_match,
        )
    }

    pub fn post_if_match(&self, path: &str, body: &Value, if_match: Option<&str>) -> Resp {
        self.send(
            "POST",
            path,
            "application/json",
            body.to_string().as_bytes(),
            if_match,
        )
    }

    /// A request with any content type and raw body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
        if_match: Option<&str>,
    ) -> Resp {
        let url = self.url(path);
        let mut request = match method {
            "POST" => self.agent.post(&url),
            "PATCH" => self.agent.patch(&url),
            "PUT" => self.agent.put(&url),
            other => panic!("unsupported method {other}"),
        };
        request = self.authed(request);
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        Self::finish(request.send(body))
    }

    /// Every registrant in any status, as the API shows them: used to prove nothing changed.
    pub fn all_registrants(&self) -> Value {
        let mut all = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = self.get(&format!(
                "/api/v1/registrants?status=any&limit=200&cursor={cursor}"
            ));
            assert_eq!(page.status, 200, "{}", page.text);
            all.extend(page.json["items"].as_array().cloned().unwrap_or_default());
            match page.json["next_cursor"].as_str() {
                Some(next) => cursor = next.to_owned(),
                None => return Value::Array(all),
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Stop the server so that its connections close before the database is dropped.
        let handle = self.handle.clone();
        let stopped =
            std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)));
        let _ = stopped.join();
    }
}

/// A valid registrant at lon 130.50 (district D1 of `with_districts`).
pub fn registrant() -> Value {
    json!({
        "name": "久留米 花子",
        "name_kana": "くるめ はなこ",
        "birth_date": "1941-03-15",
        "sex": "female",
        "address": "ひばり野市本町1-2-3",
        "phone": "0942-00-1234",
        "support_reasons": ["elderly_only_household", "care_level"],
        "latitude": 33.31,
        "longitude": 130.50,
        "household": "alone",
        "care_level": 3,
        "mobility": "wheelchair",
        "emergency_contacts": [{"name": "久留米 一郎", "relation": "長男", "phone": "090-0000-1111"}]
    })
}

/// A valid supporter near the registrant.
pub fn supporter() -> Value {
    json!({
        "name": "筑後 太郎",
        "name_kana": "チクゴ タロウ",
        "phone": "090-0000-2222",
        "address": "ひばり野市本町1-5-8",
        "latitude": 33.3105,
        "longitude": 130.5005,
        "kind": "neighbour",
        "capacity": 2,
        "capabilities": ["wheelchair", "night_time"],
        "consent_given": true,
        "consent_date": "2026-04-01",
        "consent_note": "同意書受領"
    })
}

/// A valid designated shelter in district D2.
pub fn shelter() -> Value {
    json!({
        "gsi_id": "E4099900009001",
        "name": "東小学校 体育館",
        "address": "ひばり野市東町2-1",
        "latitude": 33.305,
        "longitude": 130.52,
        "kind": "designated_shelter",
        "hazards": ["earthquake", "large_fire"],
        "capacity": 400,
        "accessibility": ["step_free", "accessible_toilet"]
    })
}

/// The text of a PDF as poppler's pdftotext reads it; pages end with a form feed. `None` when
/// pdftotext is not installed (a machine with only Rust): the caller's text checks are
/// skipped, with one line on the terminal. Under CI it must be there (`.ci/run` installs it).
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    pdftotext(bytes, "-layout", "the printed text is not read back")
}

/// `pdftotext FLAG file -`: its output, or `None` (with a skip line saying `unread`) when
/// poppler is not installed. Fails on any complaint on stderr (a broken embedded font shows
/// as one while the text still extracts).
fn pdftotext(bytes: &[u8], flag: &str, unread: &str) -> Option<String> {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("sasaeai-pdf-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("write the PDF to a temporary file");
    let out = std::process::Command::new("pdftotext")
        .arg(flag)
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            skipped(&format!(
                "pdftotext (poppler-utils) is not installed; {unread}"
            ));
            return None;
        }
        Err(e) => panic!("pdftotext: {e}"),
    };
    assert!(
        out.stderr.is_empty(),
        "pdftotext complained: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Says on the terminal (past the test harness's capture) that part of the running test was
/// skipped and why; under CI a skip is a failure.
pub fn skipped(why: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    assert!(
        !sasaeai::real_data::under_ci(),
        "{test}: {why}, and CI must run it"
    );
    let _ = writeln!(std::io::stderr(), "skipped part of {test}: {why}");
}

/// The pages of a PDF as text, whitespace removed (layout spacing differs between poppler
/// versions, the words do not).
pub fn pdf_pages(bytes: &[u8]) -> Option<Vec<String>> {
    Some(
        pdf_text(bytes)?
            .split('\u{c}')
            .map(|page| {
                page.chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
            })
            .filter(|page| !page.is_empty())
            .collect(),
    )
}

/// A word of a PDF page and its box in points from the page's top-left corner, as poppler's
/// `pdftotext -bbox` reads it.
#[derive(Debug, Clone)]
pub struct PdfWord {
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

/// The words of each page of a PDF with their boxes; `None` (with a skip line) when pdftotext
/// is not installed.
pub fn pdf_words(bytes: &[u8]) -> Option<Vec<Vec<PdfWord>>> {
    let html = pdftotext(bytes, "-bbox", "word boxes are not read back")?;
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let start = tag.find(&key).map(|i| i + key.len()).unwrap_or(0);
        tag[start..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(f32::NAN)
    };
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let mut pages = Vec::new();
    for page in html.split("<page ").skip(1) {
        let mut words = Vec::new();
        for part in page.split("<word ").skip(1) {
            let Some((tag, rest)) = part.split_once('>') else {
                continue;
            };
            let text = rest.split("</word>").next().unwrap_or_default();
            words.push(PdfWord {
                text: unescape(text),
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
            });
        }
        pages.push(words);
    }
    Some(pages)
}

/// Fails when two words of a page overlap. Poppler's boxes run from the font's ascender to its
/// descender (about 1.45 em for Noto Sans JP), taller than the 1.3 em line pitch, so each box
/// is first cut to its middle em: what overlaps then is ink on ink.
pub fn assert_no_overlaps(bytes: &[u8], what: &str) {
    let Some(pages) = pdf_words(bytes) else {
        return;
    };
    for (p, words) in pages.iter().enumerate() {
        let boxes: Vec<(f32, f32, f32, f32)> = words
            .iter()
            .map(|w| {
                let h = w.y_max - w.y_min;
                let cut = h * (1.0 - 1.0 / 1.45) / 2.0;
                (w.x_min + 0.3, w.y_min + cut, w.x_max - 0.3, w.y_max - cut)
            })
            .collect();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                let (a, b) = (boxes[i], boxes[j]);
                let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                assert!(
                    !overlap,
                    "{what}, page {}: 「{}」 overlaps 「{}」 ({:?} / {:?})",
                    p + 1,
                    words[i].text,
                    words[j].text,
                    words[i],
                    words[j]
                );
            }
        }
    }
}
