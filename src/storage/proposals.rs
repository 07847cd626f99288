//! Queries on `matching_runs` and `proposals`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::code;
use super::schema::{matching_runs, proposals};
use super::{DbConnection, StorageResult};
use crate::domain::codes::HazardType;
use crate::domain::{DistrictId, RegistrantId, ShelterId, SupporterId};

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Proposal {
    pub id: i64,
    pub run_id: i64,
    pub registrant_id: RegistrantId,
    /// `supporter`, `shelter` or `unmatched`.
    pub kind: String,
    pub supporter_id: Option<SupporterId>,
    pub shelter_id: Option<ShelterId>,
    pub hazard_type: Option<HazardType>,
    /// Great-circle metres from the home.
    pub distance_m: Option<f64>,
    /// Why places stay open (`unmatched` only): `nobody_within_radius`, `nobody_capable`,
    /// `all_nearby_at_capacity`, `no_shelter`.
    pub reason: Option<String>,
    /// Places still open (`unmatched` only).
    pub missing: Option<i32>,
    /// `proposed`, `confirmed`, `rejected` or `superseded`.
    pub status: String,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = proposals)]
struct Row {
    id: i64,
    run_id: i64,
    registrant_id: i64,
    kind: String,
    supporter_id: Option<i64>,
    shelter_id: Option<i64>,
    hazard_type: Option<String>,
    distance_m: Option<f64>,
    reason: Option<String>,
    missing: Option<i32>,
    status: String,
    decided_at: Option<NaiveDateTime>,
    decided_by: Option<String>,
}

impl TryFrom<Row> for Proposal {
    type Error = super::StorageError;

    fn try_from(row: Row) -> StorageResult<Self> {
        Ok(Self {
            id: row.id,
            run_id: row.run_id,
            registrant_id: RegistrantId(row.registrant_id),
            kind: row.kind,
            supporter_id: row.supporter_id.map(SupporterId),
            shelter_id: row.shelter_id.map(ShelterId),
            hazard_type: row
                .hazard_type
                .as_deref()
                .map(|h| code("proposals.hazard_type", h, HazardType::parse))
                .transpose()?,
            distance_m: row.distance_m,
            reason: row.reason,
            missing: row.missing,
            status: row.status,
            decided_at: row.decided_at,
            decided_by: row.decided_by,
        })
    }
}

/// A proposal to add.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = proposals)]
pub struct NewProposal {
    pub run_id: i64,
    pub registrant_id: i64,
    pub kind: &'static str,
    pub supporter_id: Option<i64>,
    pub shelter_id: Option<i64>,
    pub hazard_type: Option<&'static str>,
    pub distance_m: Option<f64>,
    pub reason: Option<&'static str>,
    pub missing: Option<i32>,
    pub status: &'static str,
}

/// Starts a run.
pub fn insert_run(
    conn: &mut DbConnection,
    district: Option<DistrictId>,
    created_by: &str,
    now: NaiveDateTime,
) -> StorageResult<i64> {
    Ok(diesel::insert_into(matching_runs::table)
        .values((
            matching_runs::district_id.eq(district.map(|d| d.0)),
            matching_runs::created_at.eq(now),
            matching_runs::created_by.eq(created_by),
            matching_runs::summary.eq("{}"),
        ))
        .returning(matching_runs::id)
        .get_result(conn)?)
}

/// Stores a run's summary (JSON text).
pub fn set_summary(conn: &mut DbConnection, run: i64, summary: &str) -> StorageResult<()> {
    diesel::update(matching_runs::table.find(run))
        .set(matching_runs::summary.eq(summary))
        .execute(conn)?;
    Ok(())
}

/// A run's summary text, if the run exists.
pub fn run_summary(conn: &mut DbConnection, run: i64) -> StorageResult<Option<String>> {
    Ok(matching_runs::table
        .find(run)
        .select(matching_runs::summary)
        .first(conn)
        .optional()?)
}

/// Adds proposals in batches. The multi-backend connection cannot insert several rows in one
/// statement, so this bulk path uses the backend's own connection.
pub fn insert_many(conn: &mut DbConnection, rows: &[NewProposal]) -> StorageResult<()> {
    for chunk in rows.chunks(200) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(proposals::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(proposals::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Open places without a supporter: (district of the home, reason, places) for every current
/// `unmatched` supporter proposal.
pub fn open_supporter_gaps(
    conn: &mut DbConnection,
) -> StorageResult<Vec<(Option<i64>, String, i32)>> {
    use super::schema::registrants;
    Ok(proposals::table
        .inner_join(registrants::table)
        .filter(proposals::kind.eq("unmatched"))
        .filter(proposals::status.eq("proposed"))
        .filter(proposals::hazard_type.is_null())
        .select((
            registrants::district_id,
            proposals::reason.assume_not_null(),
            proposals::missing.assume_not_null(),
        ))
        .load(conn)?)
}

/// Marks every still open proposal of these registrants as superseded by a new run.
pub fn supersede_open(conn: &mut DbConnection, registrants: &[RegistrantId]) -> StorageResult<()> {
    for chunk in registrants.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|r| r.0).collect();
        diesel::update(
            proposals::table
                .filter(proposals::status.eq("proposed"))
                .filter(proposals::registrant_id.eq_any(ids)),
        )
        .set(proposals::status.eq("superseded"))
        .execute(conn)?;
    }
    Ok(())
}

/// Proposals of a run, in id order, a page at a time.
pub fn list_for_run(
    conn: &mut DbConnection,
    run: i64,
    after: i64,
    limit: i64,
) -> StorageResult<Vec<Proposal>> {
    proposals::table
        .filter(proposals::run_id.eq(run))
        .filter(proposals::id.gt(after))
        .order(proposals::id.asc())
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Proposal::try_from)
        .collect()
}

/// One proposal.
pub fn find(conn: &mut DbConnection, id: i64) -> StorageResult<Option<Proposal>> {
    proposals::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Proposal::try_from)
        .transpose()
}

/// Decides a proposal that is still `proposed`; false when it was not (decided already or
/// superseded).
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    by: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let changed = diesel::update(
        proposals::table
            .find(id)
            .filter(proposals::status.eq("proposed")),
    )
    .set((
        proposals::status.eq(status),
        proposals::decided_at.eq(Some(now)),
        proposals::decided_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Every confirmed proposal of a kind (`supporter` or `shelter`).
pub fn confirmed(conn: &mut DbConnection, kind: &str) -> StorageResult<Vec<Proposal>> {
    by_status(conn, kind, "confirmed")
}

/// Every rejected proposal of a kind.
pub fn rejected(conn: &mut DbConnection, kind: &str) -> StorageResult<Vec<Proposal>> {
    by_status(conn, kind, "rejected")
}

fn by_status(conn: &mut DbConnection, kind: &str, status: &str) -> StorageResult<Vec<Proposal>> {
    proposals::table
        .filter(proposals::kind.eq(kind))
        .filter(proposals::status.eq(status))
        .order(proposals::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Proposal::try_from)
        .collect()
}

/// Which of these registrants have at least one confirmed supporter.
pub fn with_confirmed_supporter(
    conn: &mut DbConnection,
    registrants: &[RegistrantId],
) -> StorageResult<Vec<RegistrantId>> {
    let mut found = Vec::new();
    for chunk in registrants.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|r| r.0).collect();
        let rows: Vec<i64> = proposals::table
            .filter(proposals::kind.eq("supporter"))
            .filter(proposals::status.eq("confirmed"))
            .filter(proposals::registrant_id.eq_any(ids))
            .select(proposals::registrant_id)
            .distinct()
            .load(conn)?;
        found.extend(rows.into_iter().map(RegistrantId));
    }
    found.sort_unstable();
    Ok(found)
}

/// A registrant's proposals still open (`proposed`), in id order.
pub fn open_for(conn: &mut DbConnection, registrant: RegistrantId) -> StorageResult<Vec<Proposal>> {
    proposals::table
        .filter(proposals::registrant_id.eq(registrant.0))
        .filter(proposals::status.eq("proposed"))
        .order(proposals::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Proposal::try_from)
        .collect()
}
