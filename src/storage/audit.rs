//! Queries on `audit_log`: append-only, each row chained to the one before by its hash; and on
//! `audit_chain`, the one row that says where the keyed part of the chain begins.
//!
//! Ids are assigned here as the last id + 1, so the chain has no gaps and two writers racing
//! for the same place collide on the primary key instead of forking the chain.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::{from_text, to_text};
use super::schema::{audit_chain, audit_log};
use super::{DbConnection, StorageResult};
use crate::domain::access::{AuditKey, AuditRecord, ChainStart, GENESIS_HASH, keyed_chain_hash};
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

/// The id and hash of the last entry, if any.
pub fn last(conn: &mut DbConnection) -> StorageResult<Option<(i64, String)>> {
    Ok(audit_log::table
        .select((audit_log::id, audit_log::hash))
        .order(audit_log::id.desc())
        .first(conn)
        .optional()?)
}

/// Appends an entry after the current last one, chained under `key`, and returns its id.
/// Every entry appended by this version is keyed: the database's [`ChainStart`] is recorded
/// (at the last legacy entry) before anything is appended. Call it inside the transaction of
/// what it records, as its last statement: on PostgreSQL it takes a transaction lock that every
/// other appender (of any server) waits for until this transaction ends; on SQLite the write
/// transaction holds the database's write lock already.
pub fn append(
    conn: &mut DbConnection,
    record: &AuditRecord,
    at: NaiveDateTime,
    key: &AuditKey,
) -> StorageResult<i64> {
    if matches!(conn, DbConnection::Postgres(_)) {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})")).execute(conn)?;
    }
    let (id, prev_hash) = match last(conn)? {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hash = keyed_chain_hash(key, &prev_hash, id, at, record);
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

/// Where the keyed chain begins, once recorded.
pub fn chain_start(conn: &mut DbConnection) -> StorageResult<Option<ChainStart>> {
    let row: Option<(i64, NaiveDateTime, String)> = audit_chain::table
        .filter(audit_chain::id.eq(1))
        .select((
            audit_chain::legacy_until,
            audit_chain::keyed_since,
            audit_chain::mac,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(legacy_until, keyed_since, mac)| ChainStart {
        legacy_until,
        keyed_since,
        mac,
    }))
}

/// Records where the keyed chain begins. The row has the fixed id 1, so a second writer
/// fails on the primary key instead of moving the boundary.
pub fn insert_chain_start(conn: &mut DbConnection, start: &ChainStart) -> StorageResult<()> {
    diesel::insert_into(audit_chain::table)
        .values((
            audit_chain::id.eq(1),
            audit_chain::legacy_until.eq(start.legacy_until),
            audit_chain::keyed_since.eq(start.keyed_since),
            audit_chain::mac.eq(&start.mac),
        ))
        .execute(conn)?;
    Ok(())
}
