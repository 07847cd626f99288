//! A busy office: 16 clients at once for 20 seconds, editing the same few records and plans,
//! recording consents and reading lists. Every acknowledged change must have its audit entry,
//! no request may fail with a server error, and every lost race on a record or a plan is a
//! 412, never a 500.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{TestServer, registrant, supporter};
use serde_json::json;

const CLIENTS: usize = 16;
const PEOPLE: usize = 4;

/// How long the clients run (seconds); `SASAEAI_CONCURRENCY_SECS` shortens it for a quick
/// local look, CI runs the full 20.
fn duration() -> Duration {
    let secs = std::env::var("SASAEAI_CONCURRENCY_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(secs)
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    /// Acknowledged changes, as the audit target each must have.
    changes: Vec<String>,
    /// Lost races (412).
    conflicts: usize,
    reads: usize,
    /// Any answer that is neither success nor a lost race, with its status and body.
    unexpected: Vec<String>,
}

fn client(server: &TestServer, n: usize, people: &[i64], helper: i64, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut step = n;
    while Instant::now() < until {
        step = step.wrapping_mul(31).wrapping_add(7);
        let person = people[step % people.len()];
        match step % 4 {
            0 => {
                let current = server.get(&format!("/api/v1/registrants/{person}"));
                if current.status != 200 {
                    tally
                        .unexpected
                        .push(format!("read {}: {}", current.status, current.text));
                    continue;
                }
                let phone = format!("0942-{:02}-{:04}", n, step % 10_000);
                let patched = server.patch(
                    &format!("/api/v1/registrants/{person}"),
                    &json!({"phone": phone}),
                    current.etag.as_deref(),
                );
                match patched.status {
                    200 => tally.changes.push(format!(
                        "registrant {person} v{} updated",
                        patched.json["version"]
                    )),
                    412 => tally.conflicts += 1,
                    _ => tally
                        .unexpected
                        .push(format!("patch {}: {}", patched.status, patched.text)),
                }
            }
            1 => {
                let path = format!("/api/v1/registrants/{person}/plan");
                let current = server.get(&path);
                let plan = json!({"author": format!("担当 {n}"), "supporters": [{"supporter_id": helper}],
                    "notes_for_supporters": format!("{step}")});
                let written = server.send(
                    "PUT",
                    &path,
                    "application/json",
                    plan.to_string().as_bytes(),
                    current.etag.as_deref(),
                );
                match written.status {
                    200 | 201 => tally.changes.push(format!(
                        "plan {person} v{} {}",
                        written.json["version"],
                        if written.status == 201 {
                            "created"
                        } else {
                            "updated"
                        }
                    )),
                    // A plan created by another client since this one read: stale too.
                    412 | 428 => tally.conflicts += 1,
                    _ => tally
                        .unexpected
                        .push(format!("plan {}: {}", written.status, written.text)),
                }
            }
            2 => {
                let consent = json!({"kind": "register_sharing", "given": step.is_multiple_of(2),
                    "date": "2026-04-01", "evidence_note": format!("client {n}")});
                let recorded =
                    server.post(&format!("/api/v1/registrants/{person}/consents"), &consent);
                match recorded.status {
                    201 => tally.changes.push(format!(
                        "registrant {person} consent register_sharing recorded"
                    )),
                    _ => tally
                        .unexpected
                        .push(format!("consent {}: {}", recorded.status, recorded.text)),
                }
            }
            _ => {
                let list = server.get("/api/v1/registrants?limit=10");
                if list.status == 200 {
                    tally.reads += 1;
                } else {
                    tally
                        .unexpected
                        .push(format!("list {}: {}", list.status, list.text));
                }
            }
        }
    }
    tally
}

#[test]
fn sixteen_clients_at_once_get_no_server_error_and_every_change_is_audited() {
    let server = TestServer::start();
    let people: Vec<i64> = (0..PEOPLE)
        .map(|_| {
            server.post("/api/v1/registrants", &registrant()).json["id"]
                .as_i64()
                .unwrap_or(0)
        })
        .collect();
    let helper = server.post("/api/v1/supporters", &supporter()).json["id"]
        .as_i64()
        .unwrap_or(0);
    let until = Instant::now() + duration();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (server, people) = (&server, &people);
                scope.spawn(move || client(server, n, people, helper, until))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| panic!("a client panicked")))
            .collect()
    });
    let unexpected: Vec<&String> = tallies.iter().flat_map(|t| &t.unexpected).collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected answers, first: {:?}",
        unexpected.len(),
        unexpected.first()
    );
    let changes: Vec<&String> = tallies.iter().flat_map(|t| &t.changes).collect();
    let conflicts: usize = tallies.iter().map(|t| t.conflicts).sum();
    let reads: usize = tallies.iter().map(|t| t.reads).sum();
    assert!(
        changes.len() > 50 && conflicts > 0 && reads > 50,
        "the clients really raced: {} changes, {conflicts} lost races, {reads} reads",
        changes.len()
    );

    let log = common::audit_log(&server.ctx);
    let targets: Vec<&str> = log.iter().map(|e| e.record.target.as_str()).collect();
    // Versioned changes are each one entry; consents are counted per person.
    let versioned: BTreeSet<&String> = changes
        .iter()
        .copied()
        .filter(|c| !c.contains("consent"))
        .collect();
    for change in &versioned {
        assert!(
            targets.contains(&change.as_str()),
            "acknowledged but not audited: {change}"
        );
    }
    for person in &people {
        let acknowledged = changes
            .iter()
            .filter(|c| **c == &format!("registrant {person} consent register_sharing recorded"))
            .count();
        let audited = targets
            .iter()
            .filter(|t| **t == format!("registrant {person} consent register_sharing recorded"))
            .count();
        assert_eq!(acknowledged, audited, "consents of {person}");
    }
    eprintln!(
        "{} changes, {conflicts} lost races (all 412), {reads} list reads, {} audit entries",
        changes.len(),
        log.len()
    );
}
