//! Backups and restores, recorded in the audit log like any other access to the register.

use std::path::Path;

use serde::Serialize;

use super::access::{Caller, caller_record, record};
use super::audit_chain::{self, ChainCheck};
use super::{AppContext, ServiceError, ServiceResult};
use crate::config::Settings;
use crate::storage::{self, DatabaseUrl, backup};

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub file: String,
    pub backend: &'static str,
    pub bytes: u64,
    /// The audit key file, which the backup does not hold: keep a copy of it apart from the
    /// backups, or the restored log cannot be verified.
    pub audit_key_file: String,
}

/// Writes a consistent copy of the running database to `out` (a new file, mode 0600), safe
/// while the server runs. The backup's own audit entry is written first, so the copy holds it.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless the caller has the register; storage errors, or the
/// backup's own (the file exists, `pg_dump` is missing).
pub fn backup(ctx: &AppContext, caller: &Caller, out: &Path) -> ServiceResult<BackupReport> {
    super::registrants::require_register(caller)?;
    let url = DatabaseUrl::parse(&ctx.settings.database_url)?;
    record(
        ctx,
        caller_record(
            caller,
            "backup",
            &format!("backup to {}", out.display()),
            Vec::new(),
            Vec::new(),
        ),
    )?;
    backup::write_backup(&mut *ctx.conn()?, &url, out)?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        file: out.display().to_string(),
        backend: url.backend(),
        bytes,
        audit_key_file: audit_chain::key_path(&ctx.settings).display().to_string(),
    })
}

/// What a restore brought back.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub file: String,
    pub registrants: i64,
    /// The restored audit chain, checked with the key and the anchors taken up to the backup.
    pub audit: ChainCheck,
}

/// Restores `from` into the database of `settings`, which must be empty (new, or without any
/// of the register's rows), then checks the restored audit chain and records the restore in it.
/// The audit key file of the backed-up database must be in place (`--audit-key-file`).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless the caller has the register; the restore's own errors
/// (a non-empty target, a damaged file, the other backend's file, the key file missing).
pub fn restore(settings: Settings, caller: &Caller, from: &Path) -> ServiceResult<RestoreReport> {
    super::registrants::require_register(caller)?;
    let url = DatabaseUrl::parse(&settings.database_url)?;
    let key = audit_chain::key_path(&settings);
    if !key.exists() {
        return Err(ServiceError::AuditFiles(format!(
            "the audit key file {} is not there: put the backed-up database's key file in place \
             (or name it with --audit-key-file) before restoring, or its audit log cannot be \
             verified",
            key.display()
        )));
    }
    backup::restore(from, &url)?;
    let ctx = AppContext::open(settings)?;
    let audit = audit_chain::verify_restored(&ctx)?;
    let registrants = storage::registrants::count(&mut *ctx.conn()?)?;
    record(
        &ctx,
        caller_record(
            caller,
            "restore",
            &format!("restore from {}", from.display()),
            Vec::new(),
            Vec::new(),
        ),
    )?;
    Ok(RestoreReport {
        file: from.display().to_string(),
        registrants,
        audit,
    })
}
