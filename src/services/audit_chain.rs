//! Tamper evidence for the audit log that holds against someone who can write to the database:
//! the key of the chain and the anchors of its head live in files outside it.
//!
//! - **Key.** Entries are chained with HMAC-SHA256 under a 32-byte key in a file (setting
//!   `audit_key_file`), created at first start with mode 0600 and never overwritten; a key file
//!   that group or others may read refuses the start. Without the key nobody can recompute a
//!   chain that fits, so an edited entry cannot be covered up by rehashing everything after it.
//! - **Legacy entries.** A database whose log began before there was a key holds entries
//!   chained with plain SHA-256. When the key is first used, `audit_chain` records the last such
//!   entry, sealed by an HMAC under the key; those entries are checked the old way, the rest
//!   keyed.
//! - **Anchors.** The head (entries, last id, last hash) is appended as a JSON line to an
//!   anchor file (setting `audit_anchor_file`) at every `audit verify` and by a running server
//!   at start and daily. The chain must still hold every anchored entry with its hash, so a cut
//!   tail or a rewritten chain shows.
//!
//! File I/O and the check itself; the hashes are `domain::access`, the queries
//! `storage::audit`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::Connection;
use serde::{Deserialize, Serialize};

use super::{AppContext, ServiceError, ServiceResult};
use crate::config::Settings;
use crate::domain::access::{AuditKey, ChainStart, GENESIS_HASH, entry_hash};
use crate::storage::{self, DatabaseUrl, DbConnection, audit};

/// The key file: the setting, else beside the SQLite file (`NAME.db.audit-key`), else
/// `sasaeai-audit-DBNAME.key` in the current folder for PostgreSQL. Named after the database
/// so that two databases (a trial copy, the tests) never share a chain's files.
pub fn key_path(settings: &Settings) -> PathBuf {
    if let Some(path) = &settings.audit_key_file {
        return path.clone();
    }
    match DatabaseUrl::parse(&settings.database_url) {
        Ok(DatabaseUrl::Sqlite(path)) => PathBuf::from(format!("{path}.audit-key")),
        Ok(DatabaseUrl::Postgres(url)) => {
            let name: String = url
                .split('?')
                .next()
                .and_then(|u| u.rsplit('/').next())
                .unwrap_or_default()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                .collect();
            if name.is_empty() {
                PathBuf::from("sasaeai-audit.key")
            } else {
                PathBuf::from(format!("sasaeai-audit-{name}.key"))
            }
        }
        Err(_) => PathBuf::from("sasaeai-audit.key"),
    }
}

/// The anchor file: the setting, else beside the key file with `anchors` in place of a final
/// `key` (`sasaeai.db.audit-key` → `sasaeai.db.audit-anchors`), else the key file's name plus
/// `.anchors`.
pub fn anchor_path(settings: &Settings) -> PathBuf {
    if let Some(path) = &settings.audit_anchor_file {
        return path.clone();
    }
    let key = key_path(settings);
    let name = key
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let anchors = match name.strip_suffix("key") {
        Some(stem) => format!("{stem}anchors"),
        None => format!("{name}.anchors"),
    };
    key.with_file_name(anchors)
}

fn files_error(message: String) -> ServiceError {
    ServiceError::AuditFiles(message)
}

/// Reads the key file; `None` when there is none.
///
/// # Errors
/// [`ServiceError::AuditFiles`] when group or others may use the file, or it holds no key.
fn load_key(path: &Path) -> ServiceResult<Option<AuditKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(files_error(format!(
                "cannot read the audit key file {}: {e}",
                path.display()
            )));
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| files_error(format!("{}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(files_error(format!(
                "the audit key file {path} may be used by group or others (mode {mode:03o}); \
                 whoever reads it can rewrite the audit log undetected. Make it the owner's \
                 only: chmod 600 {path}",
                path = path.display(),
                mode = mode & 0o777,
            )));
        }
    }
    AuditKey::parse_hex(&text).map(Some).map_err(|why| {
        files_error(format!(
            "the audit key file {} holds no key ({why})",
            path.display()
        ))
    })
}

/// Creates the key file with 32 random bytes, hex, mode 0600. `create_new`: a file that
/// appeared meanwhile (another process starting at the same moment) is never overwritten but
/// read, once its writer has finished.
fn create_key(path: &Path) -> ServiceResult<AuditKey> {
    let mut bytes = [0u8; AuditKey::LEN];
    getrandom::fill(&mut bytes)
        .map_err(|e| files_error(format!("no system randomness for the audit key: {e}")))?;
    let key = AuditKey::from_bytes(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let cannot = |e: std::io::Error| {
        files_error(format!(
            "cannot create the audit key file {}: {e}",
            path.display()
        ))
    };
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(format!("{}\n", key.to_hex()).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(cannot)?;
            log::warn!(
                "created the audit key {}: back it up now, apart from the database (README, \
                 \"Access, consent and the audit log\")",
                path.display()
            );
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            for _ in 0..50 {
                if let Ok(Some(key)) = load_key(path) {
                    return Ok(key);
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            load_key(path)?.ok_or_else(|| cannot(e))
        }
        Err(e) => Err(cannot(e)),
    }
}

/// The key of this database's chain and where its keyed part begins, creating both at first
/// start. Called by `AppContext::open` after the migrations; `true` when the start was
/// recorded just now (the caller then anchors it).
///
/// # Errors
/// [`ServiceError::AuditFiles`] when the key file is missing although the log was keyed (it
/// must be restored, a new one could not verify anything), when it is not the key the log was
/// chained with, or when it cannot be read or made.
pub(super) fn open_chain(
    conn: &mut DbConnection,
    settings: &Settings,
) -> ServiceResult<(AuditKey, bool)> {
    let path = key_path(settings);
    let recorded = audit::chain_start(conn)?;
    let key = match (load_key(&path)?, &recorded) {
        (Some(key), _) => key,
        (None, Some(start)) => {
            return Err(files_error(format!(
                "the audit key file {} is missing, but this database's audit log has been \
                 chained with a key since {}Z. Restore the file from its backup (or set \
                 --audit-key-file / SASAEAI_AUDIT_KEY_FILE to where it is); a new key could \
                 not verify the log",
                path.display(),
                start.keyed_since.format("%Y-%m-%dT%H:%M:%S")
            )));
        }
        (None, None) => create_key(&path)?,
    };
    let (start, created) = match recorded {
        Some(start) => (start, false),
        None => {
            let attempt = conn.transaction(|c| {
                let legacy_until = audit::last(c)?.map_or(0, |(id, _)| id);
                let start = ChainStart::new(&key, legacy_until, storage::now());
                audit::insert_chain_start(c, &start)?;
                Ok::<_, storage::StorageError>(start)
            });
            match attempt {
                Ok(start) => {
                    if start.legacy_until > 0 {
                        log::info!(
                            "audit log: entries 1 to {} were chained with plain SHA-256 before \
                             there was an audit key; from now on entries are keyed",
                            start.legacy_until
                        );
                    }
                    (start, true)
                }
                // Another process recorded it first: use theirs.
                Err(e) => (audit::chain_start(conn)?.ok_or(e)?, false),
            }
        }
    };
    if !start.is_sealed_by(&key) {
        return Err(files_error(format!(
            "the audit key file {} is not the key this database's audit log is chained with \
             (or the record in table audit_chain was changed). Use the key file from the \
             backup made when the chain began ({}Z)",
            path.display(),
            start.keyed_since.format("%Y-%m-%dT%H:%M:%S")
        )));
    }
    Ok((key, created))
}

/// One line of the anchor file: the head of the chain at a moment, and which chain it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    #[serde(with = "crate::domain::time::utc")]
    pub at: NaiveDateTime,
    pub entries: i64,
    pub last_id: i64,
    pub last_hash: String,
    /// The chain's start record ([`ChainStart`]) when anchored: a database replaced, or a
    /// start record removed and made anew, shows as anchors of another chain.
    pub legacy_until: i64,
    #[serde(with = "crate::domain::time::utc")]
    pub chain_since: NaiveDateTime,
}

/// The anchors in the file, in order; each line read on its own (an unreadable line is kept
/// as its 1-based number). No file: no anchors yet.
fn read_anchors(path: &Path) -> ServiceResult<Vec<Result<Anchor, usize>>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(files_error(format!(
                "cannot read the audit anchor file {}: {e}",
                path.display()
            )));
        }
    };
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|_| i + 1))
        .collect())
}

/// Appends one anchor as a JSON line (one write, so that concurrent appends do not mix), in a
/// file created with mode 0600.
fn append_anchor(path: &Path, anchor: &Anchor) -> ServiceResult<()> {
    let mut line = serde_json::to_string(anchor).unwrap_or_default();
    line.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| {
            file.write_all(line.as_bytes())?;
            file.sync_all()
        })
        .map_err(|e| {
            files_error(format!(
                "cannot append to the audit anchor file {}: {e}",
                path.display()
            ))
        })
}

/// The outcome of checking the audit chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainCheck {
    /// Entries that fit the chain (all of them when intact).
    pub entries: i64,
    /// Id of the last entry that fits.
    pub last_id: i64,
    /// Hash of that entry: with `entries` and `last_id`, the head to keep on paper.
    pub head_hash: String,
    /// Entries up to this id were chained with plain SHA-256, before there was a key.
    pub legacy_until: i64,
    /// Anchors the chain was checked against.
    pub anchors_checked: usize,
    pub key_file: String,
    pub anchor_file: String,
    /// When this check's head was appended to the anchor file (only when intact).
    #[serde(with = "crate::domain::time::utc_opt")]
    pub anchored_at: Option<NaiveDateTime>,
    /// The first problem: the entry it concerns (0 when none does), and why.
    pub first_broken: Option<(i64, String)>,
}

/// Walks the whole audit log and checks every link, then the chain against every anchor.
///
/// # Errors
/// A storage error other than an unreadable row (which is reported as broken), or
/// [`ServiceError::AuditFiles`] when the anchor file cannot be read.
pub fn verify_audit(ctx: &AppContext) -> ServiceResult<ChainCheck> {
    verify(ctx, false)
}

/// [`verify_audit`] for a database just restored from a backup: anchors taken after the
/// backup (beyond the restored chain's last entry) are left out, since the restore rightly
/// lacks what came later; every anchor up to the backup must still match.
///
/// # Errors
/// As [`verify_audit`].
pub fn verify_restored(ctx: &AppContext) -> ServiceResult<ChainCheck> {
    verify(ctx, true)
}

fn verify(ctx: &AppContext, restored: bool) -> ServiceResult<ChainCheck> {
    let key = ctx.audit_key()?;
    let anchor_file = anchor_path(&ctx.settings);
    let mut anchors = read_anchors(&anchor_file)?;
    let mut conn = ctx.conn()?;
    let mut check = ChainCheck {
        entries: 0,
        last_id: 0,
        head_hash: GENESIS_HASH.to_owned(),
        legacy_until: 0,
        anchors_checked: 0,
        key_file: key_path(&ctx.settings).display().to_string(),
        anchor_file: anchor_file.display().to_string(),
        anchored_at: None,
        first_broken: None,
    };
    let Some(start) = audit::chain_start(&mut conn)? else {
        check.first_broken = Some((
            0,
            "the record of where the keyed chain begins (table audit_chain) is missing".into(),
        ));
        return Ok(check);
    };
    check.legacy_until = start.legacy_until;
    if !start.is_sealed_by(key) {
        check.first_broken = Some((
            0,
            "the record of where the keyed chain begins (table audit_chain) does not fit the key"
                .into(),
        ));
        return Ok(check);
    }
    // The hash of every anchored id, filled in by the walk.
    let mut anchored: HashMap<i64, Option<String>> = anchors
        .iter()
        .filter_map(|a| a.as_ref().ok())
        .map(|a| (a.last_id, None))
        .collect();
    if let Some(broken) = walk(&mut conn, key, &start, &mut check, &mut anchored)? {
        check.first_broken = Some(broken);
        return Ok(check);
    }
    if restored {
        anchors.retain(|a| {
            a.as_ref().map_or(true, |a| {
                a.last_id <= check.last_id && a.entries <= check.entries
            })
        });
    }
    check.first_broken = check_anchors(&check, &start, &anchors, &anchored);
    check.anchors_checked = anchors.len();
    Ok(check)
}

/// Walks the chain from the first entry, advancing `check`'s head over every entry that fits
/// and noting the hash of each anchored id; the first entry that does not fit, and why.
fn walk(
    conn: &mut DbConnection,
    key: &AuditKey,
    start: &ChainStart,
    check: &mut ChainCheck,
    anchored: &mut HashMap<i64, Option<String>>,
) -> ServiceResult<Option<(i64, String)>> {
    loop {
        let page = audit::checked_page(conn, check.last_id, 1000)?;
        if page.is_empty() {
            return Ok(None);
        }
        for (id, entry) in page {
            let expected = check.last_id + 1;
            if id != expected {
                return Ok(Some((expected, "missing: the entry was removed".into())));
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return Ok(Some((id, format!("unreadable: {e}")))),
            };
            if entry.prev_hash != check.head_hash {
                return Ok(Some((id, "previous hash does not match".into())));
            }
            let hash = entry_hash(key, start, &check.head_hash, id, entry.at, &entry.record);
            if hash != entry.hash {
                let how = if id <= start.legacy_until {
                    "content does not match its hash (a legacy SHA-256 entry)"
                } else {
                    "content does not match its keyed hash: edited, or rehashed without the key"
                };
                return Ok(Some((id, how.into())));
            }
            if let Some(slot) = anchored.get_mut(&id) {
                *slot = Some(entry.hash.clone());
            }
            check.head_hash = entry.hash;
            check.last_id = id;
            check.entries += 1;
        }
    }
}

/// The first anchor the intact chain does not honour, if any.
fn check_anchors(
    check: &ChainCheck,
    start: &ChainStart,
    anchors: &[Result<Anchor, usize>],
    hashes: &HashMap<i64, Option<String>>,
) -> Option<(i64, String)> {
    let when = |t: NaiveDateTime| crate::domain::time::rfc3339(t);
    for anchor in anchors {
        let anchor = match anchor {
            Ok(anchor) => anchor,
            Err(line) => {
                return Some((0, format!("line {line} of the anchor file cannot be read")));
            }
        };
        if anchor.chain_since != start.keyed_since || anchor.legacy_until != start.legacy_until {
            return Some((
                0,
                format!(
                    "the anchor of {} belongs to a chain that began {} (legacy entries up to {}), \
                     but this log's chain began {} (up to {}): its start record was replaced. If \
                     this database was deliberately replaced, move the old anchor file away",
                    when(anchor.at),
                    when(anchor.chain_since),
                    anchor.legacy_until,
                    when(start.keyed_since),
                    start.legacy_until
                ),
            ));
        }
        if anchor.last_id > check.last_id || anchor.entries > check.entries {
            return Some((
                check.last_id + 1,
                format!(
                    "the log was cut: it ends at entry {} ({} entries), but on {} it had {} \
                     entries up to entry {}",
                    check.last_id,
                    check.entries,
                    when(anchor.at),
                    anchor.entries,
                    anchor.last_id
                ),
            ));
        }
        if anchor.last_id == 0 {
            continue;
        }
        let now = hashes.get(&anchor.last_id).cloned().flatten();
        if now.as_deref() != Some(anchor.last_hash.as_str()) {
            return Some((
                anchor.last_id,
                format!(
                    "the chain was rewritten: entry {} no longer has the hash anchored on {}",
                    anchor.last_id,
                    when(anchor.at)
                ),
            ));
        }
    }
    None
}

/// Checks the chain and, when it is intact, appends its head to the anchor file. What
/// `sasaeai audit verify` runs, and a running server at start and every
/// `audit_anchor_interval`. A broken chain is not anchored: its head is not one to vouch for.
///
/// # Errors
/// As [`verify_audit`], and [`ServiceError::AuditFiles`] when the anchor cannot be written.
pub fn anchor_now(ctx: &AppContext) -> ServiceResult<ChainCheck> {
    let mut check = verify_audit(ctx)?;
    if check.first_broken.is_some() {
        return Ok(check);
    }
    let start = audit::chain_start(&mut *ctx.conn()?)?
        .ok_or_else(|| files_error("the audit chain's start record vanished".into()))?;
    let at = storage::now();
    append_anchor(
        &anchor_path(&ctx.settings),
        &Anchor {
            at,
            entries: check.entries,
            last_id: check.last_id,
            last_hash: check.head_hash.clone(),
            legacy_until: start.legacy_until,
            chain_since: start.keyed_since,
        },
    )?;
    check.anchored_at = Some(at);
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> Settings {
        Settings {
            database_url: url.to_owned(),
            ..Settings::default()
        }
    }

    #[test]
    fn the_key_and_anchors_sit_beside_the_sqlite_file_or_are_named_after_the_postgres_database() {
        let s = settings("sqlite:///var/lib/sasaeai/city.db");
        assert_eq!(
            key_path(&s),
            PathBuf::from("/var/lib/sasaeai/city.db.audit-key")
        );
        assert_eq!(
            anchor_path(&s),
            PathBuf::from("/var/lib/sasaeai/city.db.audit-anchors")
        );
        let s = settings("postgres://u:p@db.example:5432/kurume?sslmode=require");
        assert_eq!(key_path(&s), PathBuf::from("sasaeai-audit-kurume.key"));
        assert_eq!(
            anchor_path(&s),
            PathBuf::from("sasaeai-audit-kurume.anchors")
        );
        let s = Settings {
            audit_key_file: Some("/etc/sasaeai/audit.key".into()),
            ..settings("postgres://u@h/db")
        };
        assert_eq!(anchor_path(&s), PathBuf::from("/etc/sasaeai/audit.anchors"));
        let s = Settings {
            audit_key_file: Some("/etc/sasaeai/secret".into()),
            audit_anchor_file: None,
            ..settings("postgres://u@h/db")
        };
        assert_eq!(
            anchor_path(&s),
            PathBuf::from("/etc/sasaeai/secret.anchors")
        );
    }

    fn temp(name: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        std::env::temp_dir().join(format!(
            "sasaeai-audit-unit-{}-{nanos}-{name}",
            std::process::id()
        ))
    }

    #[test]
    fn a_new_key_file_is_the_owners_only_and_is_read_back_not_overwritten() {
        let path = temp("key");
        let key = create_key(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(load_key(&path).unwrap(), Some(key.clone()));
        // A second start racing the first finds the file and takes its key.
        assert_eq!(create_key(&path).unwrap(), key);
        let _ = std::fs::remove_file(&path);
        assert_eq!(load_key(&path).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_that_others_may_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp("open-key");
        std::fs::write(&path, format!("{}\n", "ab".repeat(32))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = load_key(&path).unwrap_err().to_string();
        assert!(
            error.contains("chmod 600") && error.contains("644"),
            "{error}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load_key(&path).unwrap().is_some());
        std::fs::write(&path, "not a key").unwrap();
        let error = load_key(&path).unwrap_err().to_string();
        assert!(error.contains("holds no key"), "{error}");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn anchors_append_as_json_lines_and_a_bad_line_is_named() {
        let path = temp("anchors");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
            .and_then(|d| d.and_hms_micro_opt(6, 0, 0, 123_456))
            .unwrap();
        let anchor = Anchor {
            at,
            entries: 3,
            last_id: 3,
            last_hash: "ab".repeat(32),
            legacy_until: 0,
            chain_since: at,
        };
        append_anchor(&path, &anchor).unwrap();
        append_anchor(&path, &anchor).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"{oops\n").unwrap();
        let read = read_anchors(&path).unwrap();
        assert_eq!(read, vec![Ok(anchor.clone()), Ok(anchor), Err(3)]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_file(&path);
        assert_eq!(read_anchors(&path).unwrap(), vec![]);
    }
}
