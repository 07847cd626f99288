//! Queries on `plans`. The plan's content is one JSON column; status, author and dates are also
//! columns so that lists (plans due for review, by status) can filter on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::{from_text, to_text};
use super::schema::plans;
use super::{DbConnection, StorageResult};
use crate::domain::RegistrantId;
use crate::domain::plan::{Plan, PlanData};

type Row = (i64, i64, String, NaiveDateTime, NaiveDateTime);

fn plan(
    registrant: RegistrantId,
    (version, _, content, created_at, updated_at): (i64, i64, String, NaiveDateTime, NaiveDateTime),
) -> StorageResult<Plan> {
    Ok(Plan {
        registrant_id: registrant,
        version,
        data: from_text::<PlanData>("plans.content", &content)?,
        created_at,
        updated_at,
    })
}

fn select(conn: &mut DbConnection, registrant: RegistrantId) -> StorageResult<Option<Row>> {
    Ok(plans::table
        .filter(plans::registrant_id.eq(registrant.0))
        .select((
            plans::version,
            plans::id,
            plans::content,
            plans::created_at,
            plans::updated_at,
        ))
        .first(conn)
        .optional()?)
}

/// The plan of a registrant, if one was written.
pub fn find(conn: &mut DbConnection, registrant: RegistrantId) -> StorageResult<Option<Plan>> {
    select(conn, registrant)?
        .map(|row| plan(registrant, row))
        .transpose()
}

/// Stores a first plan at version 1.
pub fn insert(
    conn: &mut DbConnection,
    registrant: RegistrantId,
    data: &PlanData,
    now: NaiveDateTime,
) -> StorageResult<Plan> {
    diesel::insert_into(plans::table)
        .values((
            plans::registrant_id.eq(registrant.0),
            plans::version.eq(1_i64),
            plans::status.eq(data.status.as_str()),
            plans::author.eq(&data.author),
            plans::author_relation.eq(data.author_relation.as_deref()),
            plans::written_on.eq(data.written_on),
            plans::next_review_on.eq(data.next_review_on),
            plans::content.eq(to_text(data)),
            plans::created_at.eq(now),
            plans::updated_at.eq(now),
        ))
        .execute(conn)?;
    find(conn, registrant)?.ok_or(super::StorageError::Query(diesel::result::Error::NotFound))
}

/// Replaces a plan if it is still at `expected_version`; `None` when the version moved on.
pub fn update(
    conn: &mut DbConnection,
    registrant: RegistrantId,
    expected_version: i64,
    data: &PlanData,
    now: NaiveDateTime,
) -> StorageResult<Option<Plan>> {
    let changed = diesel::update(
        plans::table
            .filter(plans::registrant_id.eq(registrant.0))
            .filter(plans::version.eq(expected_version)),
    )
    .set((
        plans::version.eq(expected_version + 1),
        plans::status.eq(data.status.as_str()),
        plans::author.eq(&data.author),
        plans::author_relation.eq(data.author_relation.as_deref()),
        plans::written_on.eq(data.written_on),
        plans::next_review_on.eq(data.next_review_on),
        plans::content.eq(to_text(data)),
        plans::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        Ok(None)
    } else {
        find(conn, registrant)
    }
}

/// The registrants whose plan is in `status`, by id.
pub fn registrants_with_status(
    conn: &mut DbConnection,
    status: crate::domain::codes::PlanStatus,
) -> StorageResult<Vec<RegistrantId>> {
    let ids: Vec<i64> = plans::table
        .filter(plans::status.eq(status.as_str()))
        .order(plans::registrant_id.asc())
        .select(plans::registrant_id)
        .load(conn)?;
    Ok(ids.into_iter().map(RegistrantId).collect())
}
