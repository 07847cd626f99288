//! The binary as a child process: commands, and `serve` on port 0 with its address read from its
//! log.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::TestDatabase;

/// The binary on `db`, with an operator named.
pub fn sasaeai(db: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sasaeai"));
    command
        .env("SASAEAI_DATABASE_URL", &db.url)
        .env("SASAEAI_OPERATOR", "test-operator")
        .env_remove("SASAEAI_BIND");
    command
}

/// A running server process, killed when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve` with the given flags on port 0 and returns the base URL from its log.
pub fn serve(db: &TestDatabase, flags: &[&str]) -> (Running, String, Vec<String>) {
    let mut child = sasaeai(db)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(flags)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start sasaeai serve");
    let stderr = child.stderr.take().expect("stderr");
    let running = Running(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut lines = Vec::new();
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        lines.push(line.clone());
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let addr = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_end_matches(',');
            return (running, format!("http://{addr}"), lines);
        }
    }
    panic!("server did not start: {lines:#?}");
}

/// Runs the binary with `input` on standard input.
pub fn with_stdin(db: &TestDatabase, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = sasaeai(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sasaeai");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for sasaeai")
}
