//! Queries on `help_requests`, the households' requests for volunteer work (ニーズ).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::{code, from_text, point, to_text};
use super::schema::help_requests;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::codes::HelpRequestStatus;
use crate::domain::volunteer::{HelpRequest, HelpRequestData};
use crate::domain::{HelpRequestId, RegistrantId};

type Row = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    f64,
    f64,
    String,
    i32,
    String,
    String,
    Option<String>,
    i32,
    Option<i64>,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            help_requests::id,
            help_requests::version,
            help_requests::status,
            help_requests::requester_name,
            help_requests::phone,
            help_requests::address,
            help_requests::latitude,
            help_requests::longitude,
            help_requests::work_types,
            help_requests::people_needed,
            help_requests::skills_needed,
            help_requests::tools,
            help_requests::notes,
            help_requests::priority,
            help_requests::registrant_id,
            help_requests::created_at,
            help_requests::updated_at,
        )
    };
}

fn request(row: Row) -> StorageResult<HelpRequest> {
    let (
        id,
        version,
        status,
        requester_name,
        phone,
        address,
        latitude,
        longitude,
        work_types,
        people_needed,
        skills_needed,
        tools,
        notes,
        priority,
        registrant_id,
        created_at,
        updated_at,
    ) = row;
    Ok(HelpRequest {
        id: HelpRequestId(id),
        version,
        status: code("help_requests.status", &status, HelpRequestStatus::parse)?,
        is_registrant: registrant_id.is_some(),
        data: HelpRequestData {
            requester_name,
            phone,
            address,
            location: point("help_requests", latitude, longitude)?,
            work_types: from_text("help_requests.work_types", &work_types)?,
            people_needed: u32::try_from(people_needed).unwrap_or(1),
            skills_needed: from_text("help_requests.skills_needed", &skills_needed)?,
            tools: from_text("help_requests.tools", &tools)?,
            notes,
            priority: u8::try_from(priority).unwrap_or(3),
            registrant_id: registrant_id.map(RegistrantId),
        },
        created_at,
        updated_at,
    })
}

pub fn insert(
    conn: &mut DbConnection,
    data: &HelpRequestData,
    now: NaiveDateTime,
) -> StorageResult<HelpRequest> {
    let id: i64 = diesel::insert_into(help_requests::table)
        .values((
            help_requests::version.eq(1_i64),
            help_requests::status.eq(HelpRequestStatus::Open.as_str()),
            help_requests::requester_name.eq(&data.requester_name),
            help_requests::phone.eq(&data.phone),
            help_requests::address.eq(&data.address),
            help_requests::latitude.eq(data.location.lat()),
            help_requests::longitude.eq(data.location.lon()),
            help_requests::work_types.eq(to_text(&data.work_types)),
            help_requests::people_needed.eq(i32::try_from(data.people_needed).unwrap_or(i32::MAX)),
            help_requests::skills_needed.eq(to_text(&data.skills_needed)),
            help_requests::tools.eq(to_text(&data.tools)),
            help_requests::notes.eq(&data.notes),
            help_requests::priority.eq(i32::from(data.priority)),
            help_requests::registrant_id.eq(data.registrant_id.map(|r| r.0)),
            help_requests::created_at.eq(now),
            help_requests::updated_at.eq(now),
        ))
        .returning(help_requests::id)
        .get_result(conn)?;
    find(conn, HelpRequestId(id))?.ok_or(StorageError::Query(diesel::result::Error::NotFound))
}

pub fn find(conn: &mut DbConnection, id: HelpRequestId) -> StorageResult<Option<HelpRequest>> {
    help_requests::table
        .find(id.0)
        .select(columns!())
        .first::<Row>(conn)
        .optional()?
        .map(request)
        .transpose()
}

/// Requests by id, in id order; unknown ids are left out.
pub fn find_many(
    conn: &mut DbConnection,
    ids: &[HelpRequestId],
) -> StorageResult<Vec<HelpRequest>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|id| id.0).collect();
        for row in help_requests::table
            .filter(help_requests::id.eq_any(raw))
            .select(columns!())
            .load::<Row>(conn)?
        {
            out.push(request(row)?);
        }
    }
    out.sort_by_key(|r| r.id);
    Ok(out)
}

/// A page of requests after id `after`, optionally only of some statuses.
pub fn list(
    conn: &mut DbConnection,
    statuses: &[HelpRequestStatus],
    after: Option<i64>,
    limit: i64,
) -> StorageResult<Vec<HelpRequest>> {
    let mut query = help_requests::table
        .select(columns!())
        .order(help_requests::id.asc())
        .limit(limit)
        .into_boxed();
    if !statuses.is_empty() {
        query = query.filter(help_requests::status.eq_any(statuses.iter().map(|s| s.as_str())));
    }
    if let Some(after) = after {
        query = query.filter(help_requests::id.gt(after));
    }
    query.load::<Row>(conn)?.into_iter().map(request).collect()
}

/// Sets the status of requests and bumps their version.
pub fn set_status(
    conn: &mut DbConnection,
    ids: &[HelpRequestId],
    status: HelpRequestStatus,
    now: NaiveDateTime,
) -> StorageResult<()> {
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|id| id.0).collect();
        diesel::update(help_requests::table.filter(help_requests::id.eq_any(raw)))
            .set((
                help_requests::status.eq(status.as_str()),
                help_requests::version.eq(help_requests::version + 1),
                help_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// How many requests are in `status` now.
pub fn count_status(conn: &mut DbConnection, status: HelpRequestStatus) -> StorageResult<i64> {
    Ok(help_requests::table
        .filter(help_requests::status.eq(status.as_str()))
        .count()
        .get_result(conn)?)
}
