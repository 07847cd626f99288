//! Headless Chromium over WebDriver (Debian's `chromium` and `chromium-driver`), for tests that
//! use the pages as a person does: typing, clicking, pressing Enter, reading what is shown.
//!
//! [`Chromium::start`] gives `None`, with a skip line, where the browser or its driver is not
//! installed (a machine with only Rust); under CI that is a failure (`.ci/run` installs both).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The key code WebDriver sends for Enter.
pub const ENTER: &str = "\u{E007}";
/// The key code WebDriver sends for Tab.
pub const TAB: &str = "\u{E004}";

/// A chromedriver process and one browser session on it.
pub struct Chromium {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile_dir::Dir,
}

/// A fresh, empty browser profile folder, removed afterwards.
mod tempfile_dir {
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Chromium {
    /// Starts chromedriver and a headless Chromium of `width` × `height`.
    pub fn start(width: u32, height: u32) -> Option<Self> {
        if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists()
        {
            super::skipped(
                "chromium and chromium-driver are not installed; the browser walk is skipped",
            );
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile =
            std::env::temp_dir().join(format!("sasaeai-chromium-{}-{port}", std::process::id()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        }}});
        let mut browser = Self {
            driver,
            base,
            session: String::new(),
            agent,
            _profile: tempfile_dir::Dir(profile),
        };
        let answer = browser.call("POST", "/session", Some(capabilities));
        browser.session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {answer}"))
            .to_owned();
        Some(browser)
    }

    /// One WebDriver command; its `value`. Panics on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string().as_bytes()),
        };
        let mut response = response.expect("chromedriver answers");
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(error) = value["value"]["error"].as_str() {
            panic!(
                "WebDriver {method} {path}: {error}: {}",
                value["value"]["message"]
            );
        }
        value["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The first element matching `css`, waiting up to 10 s for it to appear.
    pub fn find(&self, css: &str) -> Element<'_> {
        let started = Instant::now();
        loop {
            let found = self.try_find(css);
            if let Some(found) = found {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no element {css} on {}: {}",
                self.url(),
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let url = format!("{}/session/{}/element", self.base, self.session);
        let body = json!({"using": "css selector", "value": css});
        let mut response = self
            .agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body.to_string().as_bytes())
            .expect("chromedriver answers");
        let value: Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap_or_default())
                .unwrap_or(Value::Null);
        let id = value["value"]
            .as_object()?
            .iter()
            .find(|(k, _)| k.starts_with("element-"))?
            .1
            .as_str()?
            .to_owned();
        Some(Element { browser: self, id })
    }

    /// The visible text of the first element matching `css` ("" when none).
    pub fn text(&self, css: &str) -> String {
        self.try_find(css).map(|e| e.text()).unwrap_or_default()
    }

    /// Runs `script` in the page (its `return` value back as JSON).
    pub fn script(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Runs `script` asynchronously: it ends by calling its last argument with the result.
    pub fn script_async(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until `script` returns true (up to 10 s).
    pub fn wait_for(&self, what: &str, script: &str) {
        let started = Instant::now();
        while self.script(script) != Value::Bool(true) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what} on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types keys into whatever has the focus.
    pub fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.session_call("DELETE", "/actions", None);
    }

    /// The page as a PNG file at `path` (for a person to look at).
    pub fn screenshot(&self, path: &std::path::Path) {
        let data = self.session_call("GET", "/screenshot", None);
        let bytes = decode_base64(data.as_str().unwrap_or_default());
        std::fs::write(path, bytes).expect("write the screenshot");
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(&format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// An element of the page.
pub struct Element<'b> {
    browser: &'b Chromium,
    id: String,
}

impl Element<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.browser
            .session_call(method, &format!("/element/{}{path}", self.id), body)
    }

    pub fn click(&self) {
        self.call("POST", "/click", None);
    }

    /// Types into the element (after what it holds).
    pub fn type_text(&self, text: &str) {
        self.call("POST", "/value", Some(json!({"text": text})));
    }

    pub fn clear(&self) {
        self.call("POST", "/clear", None);
    }

    pub fn text(&self) -> String {
        self.call("GET", "/text", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether a checkbox or radio button is ticked, or an option chosen.
    pub fn is_selected(&self) -> bool {
        self.call("GET", "/selected", None)
            .as_bool()
            .unwrap_or(false)
    }

    /// The element's current `value` property (what an input holds now).
    pub fn value(&self) -> String {
        self.call("GET", "/property/value", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == byte) else {
            continue;
        };
        buffer = (buffer << 6) | u32::try_from(v).unwrap_or(0);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).unwrap_or(0));
        }
    }
    out
}
