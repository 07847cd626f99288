//! Backups of a live database and restores into an empty one.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy from one read transaction, while writers go
//! on (WAL). PostgreSQL: `pg_dump --format=custom`, itself a consistent snapshot, and
//! `pg_restore`. A restore only ever goes into an empty database: one that does not exist yet,
//! or holds none of the register's rows.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{DatabaseUrl, DbConnection, StorageError, StorageResult};

/// Tables whose rows make a database "not empty": the register, its plans and the audit log.
const CONTENT_TABLES: &[&str] = &[
    "registrants",
    "supporters",
    "shelters",
    "districts",
    "plans",
    "users",
    "volunteers",
    "help_requests",
    "audit_log",
];

/// What a backup file holds, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// A SQLite database file (`SQLite format 3`).
    Sqlite,
    /// A `pg_dump` custom-format archive (`PGDMP`).
    PgDump,
}

impl BackupKind {
    /// # Errors
    /// [`StorageError::Backup`] when the file cannot be read or is neither kind.
    pub fn of(path: &Path) -> StorageResult<Self> {
        use std::io::Read;
        let mut head = [0_u8; 16];
        let read = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| StorageError::Backup(format!("cannot read {}: {e}", path.display())))?;
        let head = &head[..read];
        if head.starts_with(b"SQLite format 3\0") {
            Ok(Self::Sqlite)
        } else if head.starts_with(b"PGDMP") {
            Ok(Self::PgDump)
        } else {
            Err(StorageError::Backup(format!(
                "{} is neither a SQLite database nor a pg_dump archive",
                path.display()
            )))
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The register's tables that hold rows, by name (none in an empty or a new database).
///
/// # Errors
/// A query error.
pub fn tables_with_rows(conn: &mut DbConnection) -> StorageResult<Vec<&'static str>> {
    let listing = match conn {
        DbConnection::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table'",
        DbConnection::Postgres(_) => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema()"
        }
    };
    let present: Vec<String> = diesel::sql_query(listing)
        .load::<Name>(conn)?
        .into_iter()
        .map(|n| n.name)
        .collect();
    let mut full = Vec::new();
    for table in CONTENT_TABLES {
        if !present.iter().any(|p| p == table) {
            continue;
        }
        // The names are this module's constants, never input.
        let rows: Vec<Count> = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM {table} LIMIT 1) t"
        ))
        .load(conn)?;
        if rows.first().is_some_and(|c| c.n > 0) {
            full.push(*table);
        }
    }
    Ok(full)
}

/// Writes a consistent copy of the live database to `out`, which must not exist yet; the
/// copy is readable by its owner only.
///
/// # Errors
/// [`StorageError::Backup`] when `out` exists, the copy fails, or `pg_dump` is missing.
pub fn write_backup(conn: &mut DbConnection, url: &DatabaseUrl, out: &Path) -> StorageResult<()> {
    if out.exists() {
        return Err(StorageError::Backup(format!(
            "{} exists already: name a new file, so that no earlier backup is overwritten",
            out.display()
        )));
    }
    match url {
        DatabaseUrl::Sqlite(_) => {
            let target = out.to_str().ok_or_else(|| {
                StorageError::Backup(format!("{} is not a UTF-8 path", out.display()))
            })?;
            let quoted = target.replace('\'', "''");
            conn.batch_execute(&format!("VACUUM INTO '{quoted}'"))?;
        }
        DatabaseUrl::Postgres(url) => {
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(out)
                .arg(format!("--dbname={url}"))
                .status()
                .map_err(|e| {
                    StorageError::Backup(format!(
                        "pg_dump cannot be run ({e}): install PostgreSQL's client tools (Debian: \
                         postgresql-client, of the server's major version or newer), or back up \
                         with `pg_dump --format=custom` yourself"
                    ))
                })?;
            if !status.success() {
                let _ = std::fs::remove_file(out);
                return Err(StorageError::Backup(format!("pg_dump failed ({status})")));
            }
        }
    }
    private_and_synced(out)
}

/// Restores the backup at `from` into the database at `url`, which must be empty.
///
/// # Errors
/// [`StorageError::Backup`] when the target holds rows, the file is of the other backend or
/// damaged, or `pg_restore` is missing or fails.
pub fn restore(from: &Path, url: &DatabaseUrl) -> StorageResult<()> {
    let kind = BackupKind::of(from)?;
    match (kind, url) {
        (BackupKind::Sqlite, DatabaseUrl::Sqlite(path)) => restore_sqlite(from, Path::new(path)),
        (BackupKind::PgDump, DatabaseUrl::Postgres(target)) => {
            refuse_unless_empty(&mut url.connect()?)?;
            let status = Command::new("pg_restore")
                .args([
                    "--no-owner",
                    "--no-privileges",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                ])
                .arg(format!("--dbname={target}"))
                .arg(from)
                .status()
                .map_err(|e| {
                    StorageError::Backup(format!(
                        "pg_restore cannot be run ({e}): install PostgreSQL's client tools \
                         (Debian: postgresql-client)"
                    ))
                })?;
            if status.success() {
                Ok(())
            } else {
                Err(StorageError::Backup(format!(
                    "pg_restore failed ({status})"
                )))
            }
        }
        (BackupKind::Sqlite, DatabaseUrl::Postgres(_)) => Err(StorageError::Backup(
            "this backup is a SQLite file: restore it into a sqlite:// database".into(),
        )),
        (BackupKind::PgDump, DatabaseUrl::Sqlite(_)) => Err(StorageError::Backup(
            "this backup is a pg_dump archive: restore it into a postgres:// database".into(),
        )),
    }
}

fn refuse_unless_empty(conn: &mut DbConnection) -> StorageResult<()> {
    let full = tables_with_rows(conn)?;
    if full.is_empty() {
        Ok(())
    } else {
        Err(StorageError::Backup(format!(
            "the target database is not empty (rows in {}): restore only into a new, empty \
             database, so that nothing in it is lost",
            full.join(", ")
        )))
    }
}

/// Copies the file beside the target, checks it, and only then renames it into place.
fn restore_sqlite(from: &Path, target: &Path) -> StorageResult<()> {
    if target.exists() {
        let url = DatabaseUrl::Sqlite(target.display().to_string());
        refuse_unless_empty(&mut url.connect()?)?;
    }
    let staging = sibling(target, "restoring");
    std::fs::copy(from, &staging).map_err(|e| io(&staging, &e))?;
    let checked = (|| {
        let url = DatabaseUrl::Sqlite(staging.display().to_string());
        let mut conn = url.connect()?;
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = Text)]
            integrity_check: String,
        }
        let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(&mut conn)?;
        match rows.first().map(|r| r.integrity_check.as_str()) {
            Some("ok") => Ok(()),
            other => Err(StorageError::Backup(format!(
                "the backup is damaged (integrity check: {})",
                other.unwrap_or("no answer")
            ))),
        }
    })();
    if let Err(e) = checked {
        remove_with_journal(&staging);
        return Err(e);
    }
    private_and_synced(&staging)?;
    // An empty target's own journal must not be applied to the restored file.
    remove_with_journal(target);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sibling_raw(&staging, suffix));
    }
    std::fs::rename(&staging, target).map_err(|e| io(target, &e))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

fn remove_with_journal(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sibling_raw(path, suffix));
    }
}

fn sibling(path: &Path, what: &str) -> PathBuf {
    sibling_raw(path, &format!(".{what}-{}", std::process::id()))
}

fn sibling_raw(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn private_and_synced(path: &Path) -> StorageResult<()> {
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| io(path, &e))?;
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(path, &e))
}

fn io(path: &Path, e: &std::io::Error) -> StorageError {
    StorageError::Backup(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_file_is_told_by_its_first_bytes() {
        let dir = std::env::temp_dir().join(format!("sasaeai-kind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let sqlite = write("a.db", b"SQLite format 3\0rest");
        let dump = write("a.dump", b"PGDMP\x01\x0e");
        let other = write("a.txt", b"hello");
        assert_eq!(BackupKind::of(&sqlite).unwrap(), BackupKind::Sqlite);
        assert_eq!(BackupKind::of(&dump).unwrap(), BackupKind::PgDump);
        assert!(BackupKind::of(&other).is_err());
        assert!(BackupKind::of(&dir.join("missing")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
