//! Queries on `teams` and their `team_members`, `team_requests` and `team_equipment`.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::code;
use super::schema::{team_equipment, team_members, team_requests, teams};
use super::{DbConnection, StorageResult};
use crate::domain::codes::{ReportOutcome, TeamStatus};
use crate::domain::{HelpRequestId, TeamId, VolunteerId};

/// A team as stored, with its members, destinations and lent equipment.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TeamRecord {
    pub id: TeamId,
    pub version: i64,
    pub day: NaiveDate,
    /// 1, 2, … within the day; what the roster and the leader's armband show.
    pub number: i32,
    pub status: TeamStatus,
    pub leader_id: Option<VolunteerId>,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub departed_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub returned_at: Option<NaiveDateTime>,
    pub member_ids: Vec<VolunteerId>,
    pub requests: Vec<TeamRequest>,
    pub equipment: Vec<Equipment>,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: NaiveDateTime,
}

/// One destination of a team and the leader's report on it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TeamRequest {
    pub request_id: HelpRequestId,
    pub position: i32,
    pub outcome: Option<ReportOutcome>,
    pub report_notes: Option<String>,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub reported_at: Option<NaiveDateTime>,
}

/// Equipment lent to a team.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Equipment {
    pub id: i64,
    pub item: String,
    pub quantity: i32,
    #[serde(with = "crate::domain::time::utc")]
    pub lent_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub returned_at: Option<NaiveDateTime>,
}

type Row = (
    i64,
    i64,
    NaiveDate,
    i32,
    String,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            teams::id,
            teams::version,
            teams::day,
            teams::number,
            teams::status,
            teams::leader_id,
            teams::departed_at,
            teams::returned_at,
            teams::created_at,
            teams::updated_at,
        )
    };
}

/// Attaches members, requests and equipment to team rows (three queries for any number).
fn complete(conn: &mut DbConnection, rows: Vec<Row>) -> StorageResult<Vec<TeamRecord>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut members: BTreeMap<i64, Vec<VolunteerId>> = BTreeMap::new();
    let mut requests: BTreeMap<i64, Vec<TeamRequest>> = BTreeMap::new();
    let mut equipment: BTreeMap<i64, Vec<Equipment>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let m: Vec<(i64, i64)> = team_members::table
            .filter(team_members::team_id.eq_any(chunk))
            .select((team_members::team_id, team_members::volunteer_id))
            .order((team_members::team_id, team_members::volunteer_id))
            .load(conn)?;
        for (team, volunteer) in m {
            members
                .entry(team)
                .or_default()
                .push(VolunteerId(volunteer));
        }
        type RequestRow = (
            i64,
            i64,
            i32,
            Option<String>,
            Option<String>,
            Option<NaiveDateTime>,
        );
        let r: Vec<RequestRow> = team_requests::table
            .filter(team_requests::team_id.eq_any(chunk))
            .select((
                team_requests::team_id,
                team_requests::request_id,
                team_requests::position,
                team_requests::outcome,
                team_requests::report_notes,
                team_requests::reported_at,
            ))
            .order((team_requests::team_id, team_requests::position))
            .load(conn)?;
        for (team, request, position, outcome, report_notes, reported_at) in r {
            let outcome = outcome
                .map(|o| code("team_requests.outcome", &o, ReportOutcome::parse))
                .transpose()?;
            requests.entry(team).or_default().push(TeamRequest {
                request_id: HelpRequestId(request),
                position,
                outcome,
                report_notes,
                reported_at,
            });
        }
        type EquipmentRow = (i64, i64, String, i32, NaiveDateTime, Option<NaiveDateTime>);
        let e: Vec<EquipmentRow> = team_equipment::table
            .filter(team_equipment::team_id.eq_any(chunk))
            .select((
                team_equipment::team_id,
                team_equipment::id,
                team_equipment::item,
                team_equipment::quantity,
                team_equipment::lent_at,
                team_equipment::returned_at,
            ))
            .order(team_equipment::id)
            .load(conn)?;
        for (team, id, item, quantity, lent_at, returned_at) in e {
            equipment.entry(team).or_default().push(Equipment {
                id,
                item,
                quantity,
                lent_at,
                returned_at,
            });
        }
    }
    rows.into_iter()
        .map(|row| {
            let (
                id,
                version,
                day,
                number,
                status,
                leader_id,
                departed_at,
                returned_at,
                created_at,
                updated_at,
            ) = row;
            Ok(TeamRecord {
                id: TeamId(id),
                version,
                day,
                number,
                status: code("teams.status", &status, TeamStatus::parse)?,
                leader_id: leader_id.map(VolunteerId),
                departed_at,
                returned_at,
                member_ids: members.remove(&id).unwrap_or_default(),
                requests: requests.remove(&id).unwrap_or_default(),
                equipment: equipment.remove(&id).unwrap_or_default(),
                created_at,
                updated_at,
            })
        })
        .collect()
}

pub fn find(conn: &mut DbConnection, id: TeamId) -> StorageResult<Option<TeamRecord>> {
    let rows = teams::table
        .find(id.0)
        .select(columns!())
        .load::<Row>(conn)?;
    Ok(complete(conn, rows)?.pop())
}

/// The teams of a day, by number.
pub fn for_day(conn: &mut DbConnection, day: NaiveDate) -> StorageResult<Vec<TeamRecord>> {
    let rows = teams::table
        .filter(teams::day.eq(day))
        .select(columns!())
        .order(teams::number.asc())
        .load::<Row>(conn)?;
    complete(conn, rows)
}

/// Removes the day's teams still only proposed (a new proposal replaces them).
pub fn delete_proposed(conn: &mut DbConnection, day: NaiveDate) -> StorageResult<usize> {
    let ids: Vec<i64> = teams::table
        .filter(teams::day.eq(day))
        .filter(teams::status.eq(TeamStatus::Proposed.as_str()))
        .select(teams::id)
        .load(conn)?;
    // Children first: SQLite enforces ON DELETE CASCADE only with foreign keys on, and being
    // explicit keeps both backends alike.
    for chunk in ids.chunks(500) {
        diesel::delete(team_members::table.filter(team_members::team_id.eq_any(chunk)))
            .execute(conn)?;
        diesel::delete(team_requests::table.filter(team_requests::team_id.eq_any(chunk)))
            .execute(conn)?;
        diesel::delete(team_equipment::table.filter(team_equipment::team_id.eq_any(chunk)))
            .execute(conn)?;
        diesel::delete(teams::table.filter(teams::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(ids.len())
}

/// The highest team number used on a day (0 when none).
pub fn max_number(conn: &mut DbConnection, day: NaiveDate) -> StorageResult<i32> {
    let max: Option<i32> = teams::table
        .filter(teams::day.eq(day))
        .select(diesel::dsl::max(teams::number))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// Adds a proposed team.
pub fn insert(
    conn: &mut DbConnection,
    day: NaiveDate,
    number: i32,
    leader: Option<VolunteerId>,
    members: &[VolunteerId],
    requests: &[HelpRequestId],
    now: NaiveDateTime,
) -> StorageResult<TeamId> {
    let id: i64 = diesel::insert_into(teams::table)
        .values((
            teams::version.eq(1_i64),
            teams::day.eq(day),
            teams::number.eq(number),
            teams::status.eq(TeamStatus::Proposed.as_str()),
            teams::leader_id.eq(leader.map(|l| l.0)),
            teams::created_at.eq(now),
            teams::updated_at.eq(now),
        ))
        .returning(teams::id)
        .get_result(conn)?;
    replace_members(conn, TeamId(id), members)?;
    replace_requests(conn, TeamId(id), requests)?;
    Ok(TeamId(id))
}

pub fn replace_members(
    conn: &mut DbConnection,
    team: TeamId,
    members: &[VolunteerId],
) -> StorageResult<()> {
    diesel::delete(team_members::table.filter(team_members::team_id.eq(team.0))).execute(conn)?;
    let rows: Vec<_> = members
        .iter()
        .map(|m| {
            (
                team_members::team_id.eq(team.0),
                team_members::volunteer_id.eq(m.0),
            )
        })
        .collect();
    // One row at a time: the multi-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(team_members::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn replace_requests(
    conn: &mut DbConnection,
    team: TeamId,
    requests: &[HelpRequestId],
) -> StorageResult<()> {
    diesel::delete(team_requests::table.filter(team_requests::team_id.eq(team.0))).execute(conn)?;
    let rows: Vec<_> = requests
        .iter()
        .zip(1_i32..)
        .map(|(r, position)| {
            (
                team_requests::team_id.eq(team.0),
                team_requests::request_id.eq(r.0),
                team_requests::position.eq(position),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(team_requests::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// What changes on a team row besides members and requests.
#[derive(Debug, Default)]
pub struct TeamChange {
    pub leader_id: Option<Option<VolunteerId>>,
    pub status: Option<TeamStatus>,
    pub departed_at: Option<NaiveDateTime>,
    pub returned_at: Option<NaiveDateTime>,
}

/// Applies a change when the team is still at `version`; false when it is not.
pub fn update(
    conn: &mut DbConnection,
    team: TeamId,
    version: i64,
    change: &TeamChange,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let target = teams::table
        .filter(teams::id.eq(team.0))
        .filter(teams::version.eq(version));
    let changed = diesel::update(target)
        .set((teams::version.eq(version + 1), teams::updated_at.eq(now)))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    let row = teams::table.filter(teams::id.eq(team.0));
    if let Some(leader) = change.leader_id {
        diesel::update(row)
            .set(teams::leader_id.eq(leader.map(|l| l.0)))
            .execute(conn)?;
    }
    if let Some(status) = change.status {
        diesel::update(row)
            .set(teams::status.eq(status.as_str()))
            .execute(conn)?;
    }
    if let Some(at) = change.departed_at {
        diesel::update(row)
            .set(teams::departed_at.eq(Some(at)))
            .execute(conn)?;
    }
    if let Some(at) = change.returned_at {
        diesel::update(row)
            .set(teams::returned_at.eq(Some(at)))
            .execute(conn)?;
    }
    Ok(true)
}

/// Records the leader's report on one destination.
pub fn report(
    conn: &mut DbConnection,
    team: TeamId,
    request: HelpRequestId,
    outcome: ReportOutcome,
    notes: Option<&str>,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let changed = diesel::update(
        team_requests::table
            .filter(team_requests::team_id.eq(team.0))
            .filter(team_requests::request_id.eq(request.0)),
    )
    .set((
        team_requests::outcome.eq(Some(outcome.as_str())),
        team_requests::report_notes.eq(notes),
        team_requests::reported_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn lend(
    conn: &mut DbConnection,
    team: TeamId,
    items: &[(String, i32)],
    now: NaiveDateTime,
) -> StorageResult<()> {
    let rows: Vec<_> = items
        .iter()
        .map(|(item, quantity)| {
            (
                team_equipment::team_id.eq(team.0),
                team_equipment::item.eq(item),
                team_equipment::quantity.eq(*quantity),
                team_equipment::lent_at.eq(now),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(team_equipment::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Marks lent equipment returned: the listed rows, or every row still out when `ids` is empty.
pub fn return_equipment(
    conn: &mut DbConnection,
    team: TeamId,
    ids: &[i64],
    now: NaiveDateTime,
) -> StorageResult<usize> {
    let mut query = diesel::update(team_equipment::table)
        .filter(team_equipment::team_id.eq(team.0))
        .filter(team_equipment::returned_at.is_null())
        .into_boxed();
    if !ids.is_empty() {
        query = query.filter(team_equipment::id.eq_any(ids));
    }
    Ok(query
        .set(team_equipment::returned_at.eq(Some(now)))
        .execute(conn)?)
}

/// (team number, outcome) of every report on the day's teams.
pub fn outcomes_on(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> StorageResult<Vec<(HelpRequestId, ReportOutcome)>> {
    let rows: Vec<(i64, String)> = team_requests::table
        .inner_join(teams::table)
        .filter(teams::day.eq(day))
        .filter(team_requests::outcome.is_not_null())
        .select((
            team_requests::request_id,
            team_requests::outcome.assume_not_null(),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, o)| {
            Ok((
                HelpRequestId(id),
                code("team_requests.outcome", &o, ReportOutcome::parse)?,
            ))
        })
        .collect()
}
