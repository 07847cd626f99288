//! Login throttling through the service, where the client's address can be any address: a
//! name attacked from one address stays open from another, one address guessing many names is
//! slowed for all of them, a success clears only its own address's failures, a restart keeps
//! the throttle, and old failures are purged. (`tests/access_api.rs` checks the HTTP side:
//! 429, `Retry-After`, a second server, growing waits.)

#![expect(
    clippy::expect_used,
    reason = "a test step that fails should stop the test at once"
)]

mod common;

use std::net::IpAddr;

use common::{PASSWORD, TestDatabase};
use diesel::RunQueryDsl;
use sasaeai::config::Settings;
use sasaeai::services::access::{self, Credentials, NewUser, Session};
use sasaeai::services::{AppContext, ServiceError};

const A: &str = "192.0.2.10";
const B: &str = "198.51.100.20";

fn open(db: &TestDatabase, adjust: impl FnOnce(&mut Settings)) -> AppContext {
    let mut settings = Settings {
        database_url: db.url.clone(),
        pool_size: 2,
        ..Settings::default()
    };
    adjust(&mut settings);
    AppContext::open(settings).expect("open the test database")
}

fn add_tanaka(ctx: &AppContext) {
    access::add_user(
        ctx,
        &access::Caller::local("test-setup"),
        &NewUser {
            username: Some("tanaka".into()),
            role: Some("staff".into()),
            districts: None,
            password: Some(PASSWORD.into()),
        },
    )
    .expect("add tanaka");
}

fn login(
    ctx: &AppContext,
    name: &str,
    password: &str,
    from: &str,
) -> Result<Session, ServiceError> {
    let credentials = Credentials {
        username: Some(name.into()),
        password: Some(password.into()),
    };
    access::login(
        ctx,
        &credentials,
        Some(from.parse::<IpAddr>().expect("an address")),
    )
}

fn fails(result: Result<Session, ServiceError>) -> bool {
    matches!(result, Err(ServiceError::Unauthenticated))
}

fn throttled(result: Result<Session, ServiceError>) -> bool {
    matches!(result, Err(ServiceError::Throttled { .. }))
}

#[test]
fn failures_from_one_address_do_not_lock_the_user_out_from_another() {
    let db = TestDatabase::new();
    let ctx = open(&db, |_| {});
    add_tanaka(&ctx);
    for _ in 0..5 {
        assert!(fails(login(&ctx, "tanaka", "wrong guess number one", A)));
    }
    assert!(throttled(login(&ctx, "tanaka", PASSWORD, A)), "A waits");
    assert!(
        login(&ctx, "tanaka", PASSWORD, B).is_ok(),
        "the real user at B is not locked out"
    );
    assert!(
        fails(login(&ctx, "someone-else", "wrong guess number one", A)),
        "A may still try other names"
    );
}

#[test]
fn one_address_trying_many_names_is_slowed_for_every_name() {
    let db = TestDatabase::new();
    let ctx = open(&db, |s| s.login_client_max_failures = 6);
    add_tanaka(&ctx);
    for i in 0..6 {
        let name = format!("guess{i}");
        assert!(
            fails(login(&ctx, &name, "wrong guess number one", A)),
            "{name}"
        );
    }
    assert!(throttled(login(&ctx, "guess-new", "wrong guess", A)));
    assert!(
        throttled(login(&ctx, "tanaka", PASSWORD, A)),
        "a name A never tried waits too"
    );
    assert!(login(&ctx, "tanaka", PASSWORD, B).is_ok());
}

#[test]
fn a_success_clears_the_failures_of_that_name_from_that_address_only() {
    let db = TestDatabase::new();
    let ctx = open(&db, |_| {});
    add_tanaka(&ctx);
    for _ in 0..4 {
        assert!(fails(login(&ctx, "tanaka", "wrong guess number one", A)));
        assert!(fails(login(&ctx, "tanaka", "wrong guess number one", B)));
    }
    assert!(login(&ctx, "tanaka", PASSWORD, A).is_ok());
    for _ in 0..4 {
        assert!(
            fails(login(&ctx, "tanaka", "wrong guess number one", A)),
            "A's earlier failures were cleared"
        );
    }
    assert!(fails(login(&ctx, "tanaka", "wrong guess number one", B)));
    assert!(
        throttled(login(&ctx, "tanaka", PASSWORD, B)),
        "B's failures were not cleared by A's success"
    );
}

#[test]
fn a_restarted_service_keeps_the_throttle() {
    let db = TestDatabase::new();
    let first = open(&db, |_| {});
    add_tanaka(&first);
    for _ in 0..5 {
        assert!(fails(login(&first, "tanaka", "wrong guess number one", A)));
    }
    drop(first);
    let restarted = open(&db, |_| {});
    assert!(throttled(login(&restarted, "tanaka", PASSWORD, A)));
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn failures_stored(db: &TestDatabase, condition: &str) -> i64 {
    let mut conn = sasaeai::storage::DatabaseUrl::parse(&db.url)
        .and_then(|u| u.connect())
        .expect("connect");
    diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM login_failures WHERE {condition}"
    ))
    .get_result::<Count>(&mut conn)
    .expect("count")
    .n
}

#[test]
fn failures_older_than_a_day_are_purged_at_login_and_recent_ones_kept() {
    let db = TestDatabase::new();
    let ctx = open(&db, |_| {});
    add_tanaka(&ctx);
    assert!(fails(login(&ctx, "tanaka", "wrong guess number one", A)));
    let mut conn = sasaeai::storage::DatabaseUrl::parse(&db.url)
        .and_then(|u| u.connect())
        .expect("connect");
    diesel::sql_query(
        "INSERT INTO login_failures (at, username, client) \
         VALUES ('2020-01-01 00:00:00', 'old', '203.0.113.1')",
    )
    .execute(&mut conn)
    .expect("an old failure");
    assert_eq!(failures_stored(&db, "username = 'old'"), 1);
    assert!(login(&ctx, "tanaka", PASSWORD, B).is_ok());
    assert_eq!(failures_stored(&db, "username = 'old'"), 0, "purged");
    assert_eq!(
        failures_stored(&db, &format!("username = 'tanaka' AND client = '{A}'")),
        1,
        "a recent failure from another address is kept"
    );
}
