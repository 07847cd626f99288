//! Every migration runs up, down and up again on the backend under test.

mod common;

use common::TestDatabase;
use diesel::RunQueryDsl;
use sasaeai::storage::{DatabaseUrl, revert_all_migrations, run_migrations};

const TABLES: [&str; 24] = [
    "districts",
    "hazard_zones",
    "registrants",
    "registrant_consents",
    "supporters",
    "shelters",
    "change_log",
    "matching_runs",
    "proposals",
    "plans",
    "prints",
    "users",
    "sessions",
    "incidents",
    "audit_log",
    "audit_chain",
    "volunteers",
    "volunteer_check_ins",
    "help_requests",
    "teams",
    "team_members",
    "team_requests",
    "team_equipment",
    "login_failures",
];

fn tables_answer(conn: &mut sasaeai::storage::DbConnection) -> Vec<bool> {
    TABLES
        .iter()
        .map(|t| {
            diesel::sql_query(format!("SELECT COUNT(*) FROM {t}"))
                .execute(conn)
                .is_ok()
        })
        .collect()
}

#[test]
fn migrations_run_up_down_up() {
    let db = TestDatabase::new();
    let mut conn = DatabaseUrl::parse(&db.url)
        .and_then(|u| u.connect())
        .expect("connect");
    let applied = run_migrations(&mut conn).expect("up");
    assert!(applied >= 1);
    assert_eq!(tables_answer(&mut conn), vec![true; TABLES.len()]);
    assert_eq!(
        run_migrations(&mut conn).expect("up again"),
        0,
        "nothing pending after up"
    );

    assert_eq!(revert_all_migrations(&mut conn).expect("down"), applied);
    assert_eq!(tables_answer(&mut conn), vec![false; TABLES.len()]);

    assert_eq!(run_migrations(&mut conn).expect("up after down"), applied);
    assert_eq!(tables_answer(&mut conn), vec![true; TABLES.len()]);
}

#[test]
fn database_url_scheme_picks_the_backend() {
    assert_eq!(
        DatabaseUrl::parse("sqlite://a.db").ok(),
        Some(DatabaseUrl::Sqlite("a.db".into()))
    );
    assert_eq!(
        DatabaseUrl::parse("sqlite:///var/x.db").ok(),
        Some(DatabaseUrl::Sqlite("/var/x.db".into()))
    );
    assert!(matches!(
        DatabaseUrl::parse("postgres://u@h/d"),
        Ok(DatabaseUrl::Postgres(_))
    ));
    assert!(matches!(
        DatabaseUrl::parse("postgresql://u@h/d"),
        Ok(DatabaseUrl::Postgres(_))
    ));
    assert!(DatabaseUrl::parse("mysql://u@h/d").is_err());
    assert!(DatabaseUrl::parse("sqlite://").is_err());
}
