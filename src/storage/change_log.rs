//! The change log: one row per version of a registrant, supporter or shelter.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::{from_text, to_text};
use super::schema::change_log;
use super::{DbConnection, StorageResult};

/// The kind of record a history entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Registrant,
    Supporter,
    Shelter,
    Plan,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registrant => "registrant",
            Self::Supporter => "supporter",
            Self::Shelter => "shelter",
            Self::Plan => "plan",
        }
    }

    fn parse(code: &str) -> Result<Self, String> {
        [Self::Registrant, Self::Supporter, Self::Shelter, Self::Plan]
            .into_iter()
            .find(|e| e.as_str() == code)
            .ok_or_else(|| code.to_owned())
    }
}

/// What kind of change made a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Updated,
    StatusChanged,
    ConsentRecorded,
    /// Two records of one person were merged (on both: the kept and the duplicate).
    Merged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::StatusChanged => "status_changed",
            Self::ConsentRecorded => "consent_recorded",
            Self::Merged => "merged",
        }
    }

    fn parse(code: &str) -> Result<Self, String> {
        match code {
            "created" => Ok(Self::Created),
            "updated" => Ok(Self::Updated),
            "status_changed" => Ok(Self::StatusChanged),
            "consent_recorded" => Ok(Self::ConsentRecorded),
            "merged" => Ok(Self::Merged),
            other => Err(other.to_owned()),
        }
    }
}

/// One entry of a record's history.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub version: i64,
    pub action: Action,
    /// Names of the fields that changed in this version.
    pub changed_fields: Vec<String>,
    /// The whole record as it was after this change.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    pub changed_by: String,
    #[serde(with = "crate::domain::time::utc")]
    pub changed_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = change_log)]
struct NewRow<'a> {
    entity: &'a str,
    entity_id: i64,
    version: i64,
    action: &'a str,
    changed_fields: String,
    snapshot: String,
    changed_by: &'a str,
    changed_at: NaiveDateTime,
}

/// A change to append.
pub struct Change<'a> {
    pub entity: Entity,
    pub entity_id: i64,
    pub version: i64,
    pub action: Action,
    pub changed_fields: &'a [String],
    pub snapshot: &'a serde_json::Value,
    pub changed_by: &'a str,
    pub changed_at: NaiveDateTime,
}

/// Appends one history entry.
pub fn append(conn: &mut DbConnection, change: &Change<'_>) -> StorageResult<()> {
    diesel::insert_into(change_log::table)
        .values(NewRow {
            entity: change.entity.as_str(),
            entity_id: change.entity_id,
            version: change.version,
            action: change.action.as_str(),
            changed_fields: to_text(change.changed_fields),
            snapshot: to_text(change.snapshot),
            changed_by: change.changed_by,
            changed_at: change.changed_at,
        })
        .execute(conn)?;
    Ok(())
}

/// Appends many history entries (bulk imports) in multi-row statements, written through the
/// concrete connection (diesel's multi-row INSERT does not compile over the two-backend one).
pub fn append_many(conn: &mut DbConnection, changes: &[Change<'_>]) -> StorageResult<()> {
    for chunk in changes.chunks(1000) {
        let rows: Vec<NewRow<'_>> = chunk
            .iter()
            .map(|change| NewRow {
                entity: change.entity.as_str(),
                entity_id: change.entity_id,
                version: change.version,
                action: change.action.as_str(),
                changed_fields: to_text(change.changed_fields),
                snapshot: to_text(change.snapshot),
                changed_by: change.changed_by,
                changed_at: change.changed_at,
            })
            .collect();
        let insert = diesel::insert_into(change_log::table).values(rows);
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// The id of the newest entry (0 when there is none).
///
/// # Errors
/// A query error.
pub fn last_id(conn: &mut DbConnection) -> StorageResult<i64> {
    Ok(change_log::table
        .select(diesel::dsl::max(change_log::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// The feed of changes for other servers: entries after `after` (at most `limit`) and those
/// among `also` (ids not seen before, of transactions that may commit late), oldest first, as
/// (entry id, entity, record id).
///
/// # Errors
/// A query error, or an entity code this version does not know.
pub fn feed(
    conn: &mut DbConnection,
    after: i64,
    also: &[i64],
    limit: i64,
) -> StorageResult<Vec<(i64, Entity, i64)>> {
    let rows: Vec<(i64, String, i64)> = change_log::table
        .filter(change_log::id.gt(after).or(change_log::id.eq_any(also)))
        .order(change_log::id.asc())
        .limit(limit)
        .select((change_log::id, change_log::entity, change_log::entity_id))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, entity, record)| {
            Ok((
                id,
                super::json::code("change_log.entity", &entity, Entity::parse)?,
                record,
            ))
        })
        .collect()
}

/// Every entry of one record, oldest first.
pub fn history(
    conn: &mut DbConnection,
    entity: Entity,
    entity_id: i64,
) -> StorageResult<Vec<HistoryEntry>> {
    let rows: Vec<(i64, String, String, String, String, NaiveDateTime)> = change_log::table
        .filter(change_log::entity.eq(entity.as_str()))
        .filter(change_log::entity_id.eq(entity_id))
        .order(change_log::id.asc())
        .select((
            change_log::version,
            change_log::action,
            change_log::changed_fields,
            change_log::snapshot,
            change_log::changed_by,
            change_log::changed_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(version, action, fields, snapshot, changed_by, changed_at)| {
                Ok(HistoryEntry {
                    version,
                    action: super::json::code("change_log.action", &action, Action::parse)?,
                    changed_fields: from_text("change_log.changed_fields", &fields)?,
                    snapshot: from_text("change_log.snapshot", &snapshot)?,
                    changed_by,
                    changed_at,
                })
            },
        )
        .collect()
}
