//! Queries on `audit_log`: append-only, each row chained to the one before by its hash.
//!
//! Ids are assigned here as the last id + 1, so the chain has no gaps and two writers racing
//! for the same place collide on the primary key instead of forking the chain.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::{from_text, to_text};
use super::schema::audit_log;
use super::{DbConnection, StorageResult};
use crate::domain::access::{AuditRecord, GENESIS_HASH, chain_hash};
use crate::domain::codes::Role;
use crate::domain::{IncidentId, RegistrantId};

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "crate::domain::time::utc")]
    pub at: NaiveDateTime,
    #[serde(flatten)]
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

type Row = (
    i64,
    NaiveDateTime,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn entry(row: Row) -> StorageResult<AuditEntry> {
    let (id, at, actor, role, action, target, ids, grants, outcome, prev_hash, hash) = row;
    Ok(AuditEntry {
        id,
        at,
        record: AuditRecord {
            actor,
            // An unknown role in the log is kept out of the record, and the hash then fails.
            role: role.and_then(|r| Role::parse(&r).ok()),
            action,
            target,
            registrant_ids: from_text::<Vec<RegistrantId>>("audit_log.registrant_ids", &ids)?,
            incident_grants: from_text::<Vec<(RegistrantId, IncidentId)>>(
                "audit_log.incident_grants",
                &grants,
            )?,
            outcome,
        },
        prev_hash,
        hash,
    })
}

macro_rules! columns {
    () => {
        (
            audit_log::id,
            audit_log::at,
            audit_log::actor,
            audit_log::role,
            audit_log::action,
            audit_log::target,
            audit_log::registrant_ids,
            audit_log::incident_grants,
            audit_log::outcome,
            audit_log::prev_hash,
            audit_log::hash,
        )
    };
}

/// The PostgreSQL advisory lock that serialises appends to the chain across every server.
const APPEND_LOCK: i64 = 0x5a5a_a001;

/// Appends an entry after the current last one and returns its id. Call it inside the
/// transaction of what it records, as its last statement: on PostgreSQL it takes a transaction
/// lock that every other appender (of any server) waits for until this transaction ends; on
/// SQLite the write transaction holds the database's write lock already.
pub fn append(
    conn: &mut DbConnection,
    record: &AuditRecord,
    at: NaiveDateTime,
) -> StorageResult<i64> {
    if matches!(conn, DbConnection::Postgres(_)) {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})")).execute(conn)?;
    }
    let last: Option<(i64, String)> = audit_log::table
        .select((audit_log::id, audit_log::hash))
        .order(audit_log::id.desc())
        .first(conn)
        .optional()?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hash = chain_hash(&prev_hash, id, at, record);
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(id),
            audit_log::at.eq(at),
            audit_log::actor.eq(&record.actor),
            audit_log::role.eq(record.role.map(Role::as_str)),
            audit_log::action.eq(&record.action),
            audit_log::target.eq(&record.target),
            audit_log::registrant_ids.eq(to_text(&record.registrant_ids)),
            audit_log::incident_grants.eq(to_text(&record.incident_grants)),
            audit_log::outcome.eq(&record.outcome),
            audit_log::prev_hash.eq(&prev_hash),
            audit_log::hash.eq(&hash),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Entries with an id above `after`, oldest first, at most `limit`.
pub fn page(conn: &mut DbConnection, after: i64, limit: i64) -> StorageResult<Vec<AuditEntry>> {
    checked_page(conn, after, limit)?
        .into_iter()
        .map(|(_, entry)| entry)
        .collect()
}

/// Like [`page`], but each row read on its own: an unreadable row is reported with its id
/// instead of failing the page (for checking the chain).
pub fn checked_page(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> StorageResult<Vec<(i64, StorageResult<AuditEntry>)>> {
    let rows: Vec<Row> = audit_log::table
        .filter(audit_log::id.gt(after))
        .select(columns!())
        .order(audit_log::id.asc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(|row| (row.0, entry(row))).collect())
}
