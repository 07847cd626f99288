//! Storage: diesel over one connection type for SQLite and PostgreSQL.
//!
//! The URL scheme picks the backend (`sqlite://…` or `postgres://…`). Migrations for both trees
//! are embedded in the binary. Each table has its own query file; services open transactions and
//! call these functions, nothing above `services` touches this module.

pub mod audit;
pub mod backup;
pub mod change_log;
pub mod consents;
pub mod districts;
pub mod hazard_zones;
pub mod help_requests;
pub mod incidents;
pub mod json;
pub mod login_failures;
pub mod plans;
pub mod prints;
pub mod proposals;
pub mod registrants;
pub mod schema;
pub mod shelters;
pub mod supporters;
pub mod teams;
pub mod users;
pub mod volunteers;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection to either backend; every query in this crate is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("database connection pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// A backup or restore could not be made; the message says why and what to do.
    #[error("{0}")]
    Backup(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

/// A row's id, latitude, longitude and district, for recomputing districts.
pub type Placed<I> = (I, f64, f64, Option<crate::domain::DistrictId>);

/// Which database a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (created when missing).
    Sqlite(String),
    /// A libpq connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://sasaeai.db` (relative), `sqlite:///var/lib/sasaeai.db` (absolute),
    /// `postgres://user:pass@host/db` or `postgresql://…`.
    ///
    /// # Errors
    /// [`StorageError::UnsupportedUrl`] for any other scheme or an empty SQLite path.
    pub fn parse(url: &str) -> StorageResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"));
        match path {
            Some(path) if !path.is_empty() => Ok(Self::Sqlite(path.to_owned())),
            _ => Err(StorageError::UnsupportedUrl(url.to_owned())),
        }
    }

    /// The backend's name, for logs (never the URL: it may hold a password).
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Opens one connection, with SQLite's pragmas set: WAL, foreign keys, busy timeout.
    ///
    /// # Errors
    /// [`StorageError::Connection`] when the database cannot be reached or opened.
    pub fn connect(&self) -> StorageResult<DbConnection> {
        match self {
            Self::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(
                    // The busy timeout first: switching to WAL takes a lock that other
                    // connections of the pool, opening at the same time, must wait for.
                    // synchronous = FULL: a write acknowledged is on disk, through a power cut
                    // too (NORMAL in WAL mode may lose the last commits).
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Self::Postgres(url) => Ok(DbConnection::Postgres(PgConnection::establish(url)?)),
        }
    }
}

/// Opens connections for the pool by the URL's own scheme (diesel's derived `establish` would try
/// each backend in turn and could open a file named like a PostgreSQL URL).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = StorageError;

    fn connect(&self) -> Result<DbConnection, StorageError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StorageError> {
        conn.ping().map_err(StorageError::from)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Builds a pool without connecting yet, so that a server can start (and report 503 on
/// `/healthz`) while its database is down.
pub fn pool(url: &DatabaseUrl, max_size: u32, connection_timeout: Duration) -> Pool {
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(connection_timeout)
        .build_unchecked(ConnectionManager { url: url.clone() })
}

/// Applies pending migrations of the connection's backend; returns how many ran.
///
/// # Errors
/// [`StorageError::Migration`] when a migration fails.
pub fn run_migrations(conn: &mut DbConnection) -> StorageResult<usize> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| StorageError::Migration(e.to_string()))
}

/// Reverts every migration (for tests of the down scripts).
///
/// # Errors
/// [`StorageError::Migration`] when a down script fails.
pub fn revert_all_migrations(conn: &mut DbConnection) -> StorageResult<usize> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    reverted.map_err(|e| StorageError::Migration(e.to_string()))
}

/// Runs `f` in a transaction that takes the write lock at its start (SQLite's `BEGIN
/// IMMEDIATE`; an ordinary `BEGIN` on PostgreSQL, whose row locks need no upgrade). A
/// transaction that reads first and writes later (every audited read does: it appends its audit
/// entry last) then waits for other writers at its start, within the busy timeout, instead of
/// failing when it tries to turn its read lock into a write lock after another writer
/// committed. Transactions opened inside `f` become savepoints.
///
/// # Errors
/// Whatever `f` returns, or the database's error from beginning or committing; on any error
/// the transaction is rolled back.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    immediate(conn, "FULL", f)
}

/// [`write_transaction`] for a read whose only write is its own audit entry. On SQLite its
/// commit is not waited for on disk (`synchronous = NORMAL` for this transaction): the entry
/// is in the log at once for every reader and survives the process being killed, and it
/// reaches the disk with the next change's commit (whose sync covers everything before it) or
/// the next checkpoint, so only a power cut in between can lose the record of the last reads,
/// never a change. Without this every read waited for a disk sync (3.5 ms on the benchmark
/// machine) while holding the one write lock. On PostgreSQL likewise
/// (`synchronous_commit = off` for this transaction only): the audit chain's lock is held from
/// the append to the commit, which then no longer waits for the disk; a crash of the database
/// server itself may lose the last fraction of a second of read records, never a change.
///
/// On SQLite the read itself runs without the write lock (`BEGIN DEFERRED`), beside other
/// readers and the one writer; only the audit entry at its end takes the lock. Should another
/// write have committed since the read began, or hold the lock just then, SQLite refuses the
/// entry at once (the chain's head the read saw is no longer the head) and the whole read runs
/// again under `BEGIN IMMEDIATE`, which waits for its turn: `f` may run twice, and only what the
/// second run read is returned and recorded.
///
/// # Errors
/// As [`write_transaction`].
pub fn audited_read<T, E, F>(conn: &mut DbConnection, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error> + Contended,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConnection::Postgres(pg) => {
            let nested = AnsiTransactionManager::transaction_manager_status_mut(pg)
                .transaction_depth()?
                .is_some();
            // Inside a change's transaction the setting would reach the change's commit: not
            // there.
            conn.transaction(|conn| {
                if !nested {
                    conn.batch_execute("SET LOCAL synchronous_commit = off")?;
                }
                f(conn)
            })
        }
        DbConnection::Sqlite(inner) => {
            let nested = AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()?
                .is_some();
            if nested {
                return conn.transaction(f);
            }
            inner.batch_execute("PRAGMA synchronous = NORMAL")?;
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN DEFERRED")?;
            let first = f(conn);
            match finish(conn, first) {
                Err(e) if e.contended() => immediate(conn, "NORMAL", f),
                other => other,
            }
        }
    }
}

/// Whether an error is a lost race for a lock, worth one more try in turn.
pub trait Contended {
    fn contended(&self) -> bool;
}

impl Contended for diesel::result::Error {
    fn contended(&self) -> bool {
        match self {
            diesel::result::Error::DatabaseError(_, info) => {
                let m = info.message();
                m.contains("database is locked") || m.contains("database is busy")
            }
            _ => false,
        }
    }
}

/// Commits the SQLite transaction `result` ran in, or rolls it back on any error.
fn finish<T, E>(conn: &mut DbConnection, result: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(inner) = conn else {
        return result;
    };
    match result {
        Ok(value) => match AnsiTransactionManager::commit_transaction(inner) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(inner);
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = AnsiTransactionManager::rollback_transaction(inner);
            Err(e)
        }
    }
}

fn immediate<T, E, F>(conn: &mut DbConnection, synchronous: &str, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    let DbConnection::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    let nested = AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()?
        .is_some();
    if nested {
        // Inside a transaction already (which holds the lock it needs): a savepoint.
        return conn.transaction(f);
    }
    // Set for every transaction, so that a pooled connection never carries a read's setting
    // into a change.
    inner.batch_execute(&format!("PRAGMA synchronous = {synchronous}"))?;
    let _turn = WriterGate::enter();
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    finish(conn, result)
}

/// The turn of this process's SQLite writers. SQLite's own busy handler makes a waiting
/// writer sleep and poll, up to 100 ms a time, so under load a writer could lose the race
/// again and again (seen: 1 s at the tail of the load benchmark while p50 was 38 ms). Writers
/// of one process therefore queue here first and are woken the moment the one before them
/// commits; SQLite's busy timeout still arbitrates between processes. A thread that already
/// holds the turn (a change that writes on a second connection) passes, and no one waits here
/// longer than [`WriterGate::PATIENCE`]: past it they go on to SQLite's own waiting, so the
/// gate can slow a writer but never hang one.
struct WriterGate {
    entered: bool,
}

static GATE: (std::sync::Mutex<bool>, std::sync::Condvar) =
    (std::sync::Mutex::new(false), std::sync::Condvar::new());

thread_local! {
    static HOLDS_TURN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl WriterGate {
    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

    fn enter() -> Self {
        if HOLDS_TURN.with(std::cell::Cell::get) {
            return Self { entered: false };
        }
        let (busy, freed) = &GATE;
        let Ok(guard) = busy.lock() else {
            return Self { entered: false };
        };
        match freed.wait_timeout_while(guard, Self::PATIENCE, |busy| *busy) {
            Ok((mut guard, timeout)) if !timeout.timed_out() => {
                *guard = true;
                HOLDS_TURN.with(|h| h.set(true));
                Self { entered: true }
            }
            _ => Self { entered: false },
        }
    }
}

impl Drop for WriterGate {
    fn drop(&mut self) {
        if !self.entered {
            return;
        }
        HOLDS_TURN.with(|h| h.set(false));
        let (busy, freed) = &GATE;
        if let Ok(mut guard) = busy.lock() {
            *guard = false;
        }
        freed.notify_one();
    }
}

/// Current time as stored: UTC without zone, whole microseconds (PostgreSQL's precision), so that
/// a value reads back equal on both backends.
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    let micros = now.and_utc().timestamp_micros();
    chrono::DateTime::from_timestamp_micros(micros).map_or(now, |t| t.naive_utc())
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;

    use super::*;

    #[derive(diesel::QueryableByName)]
    struct Synchronous {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        synchronous: i32,
    }

    fn synchronous(conn: &mut DbConnection) -> diesel::QueryResult<i32> {
        let rows: Vec<Synchronous> = diesel::sql_query("PRAGMA synchronous").load(conn)?;
        Ok(rows.first().map_or(-1, |r| r.synchronous))
    }

    #[test]
    fn a_change_waits_for_the_disk_and_a_read_with_its_audit_entry_does_not() {
        let path = std::env::temp_dir().join(format!("sasaeai-sync-{}.db", std::process::id()));
        let url = DatabaseUrl::Sqlite(path.display().to_string());
        let mut conn = url.connect().expect("connect");
        assert_eq!(synchronous(&mut conn), Ok(2), "FULL from the start");
        // NORMAL is 1, FULL is 2; each transaction sets its own, whatever the one before left.
        for _ in 0..2 {
            assert_eq!(audited_read(&mut conn, synchronous), Ok(1));
            assert_eq!(write_transaction(&mut conn, synchronous), Ok(2));
        }
        let _ = audited_read(&mut conn, |_| {
            Err::<(), _>(diesel::result::Error::RollbackTransaction)
        });
        assert_eq!(
            write_transaction(&mut conn, synchronous),
            Ok(2),
            "after a failed read"
        );
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    fn scratch(name: &str) -> (std::path::PathBuf, DatabaseUrl) {
        let path = std::env::temp_dir().join(format!("sasaeai-{name}-{}.db", std::process::id()));
        let url = DatabaseUrl::Sqlite(path.display().to_string());
        (path, url)
    }

    fn remove(path: &std::path::Path) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    fn count(conn: &mut DbConnection) -> diesel::QueryResult<i64> {
        let rows: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM t").load(conn)?;
        Ok(rows.first().map_or(-1, |r| r.n))
    }

    #[test]
    fn an_audited_read_holds_no_write_lock_until_its_entry_and_runs_again_when_it_lost_the_race() {
        let (path, url) = scratch("deferred");
        let mut reader = url.connect().expect("connect");
        let mut writer = url.connect().expect("connect");
        reader.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        // A write waits at most 200 ms for the lock here: were the read holding it, the
        // write inside the read would fail.
        writer.batch_execute("PRAGMA busy_timeout = 200").unwrap();
        let mut runs = 0;
        let seen = audited_read(&mut reader, |conn| {
            runs += 1;
            let before = count(conn)?;
            if runs == 1 {
                // Another connection writes while this read is under way: it is not blocked.
                write_transaction(&mut writer, |w| w.batch_execute("INSERT INTO t VALUES (1)"))
                    .expect("a write beside a running read");
            }
            // The read's own entry: refused on the first run (the head it saw moved on).
            conn.batch_execute("INSERT INTO t VALUES (2)")?;
            Ok::<_, diesel::result::Error>(before)
        });
        assert_eq!(runs, 2, "the read ran again in turn");
        assert_eq!(seen, Ok(1), "the second run saw the other write");
        assert_eq!(count(&mut reader), Ok(2), "one entry, from the second run");
        drop((reader, writer));
        remove(&path);
    }

    #[test]
    fn an_audited_read_waits_its_turn_while_another_holds_the_write_lock() {
        let (path, url) = scratch("turn");
        let mut reader = url.connect().expect("connect");
        reader.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        let holder = std::thread::spawn(move || {
            let mut writer = url.connect().expect("connect");
            write_transaction(&mut writer, |w| {
                w.batch_execute("INSERT INTO t VALUES (1)")?;
                std::thread::sleep(std::time::Duration::from_millis(300));
                Ok::<_, diesel::result::Error>(())
            })
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut runs = 0;
        let seen = audited_read(&mut reader, |conn| {
            runs += 1;
            let before = count(conn)?;
            conn.batch_execute("INSERT INTO t VALUES (2)")?;
            Ok::<_, diesel::result::Error>(before)
        });
        assert_eq!(holder.join().unwrap(), Ok(()));
        assert_eq!(runs, 2);
        assert_eq!(
            seen,
            Ok(1),
            "the entry was written after the other write, seeing it"
        );
        drop(reader);
        remove(&path);
    }
}
