//! Queries on `prints`, the register of printed copies.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::{from_text, to_text};
use super::schema::prints;
use super::{DbConnection, StorageResult};
use crate::domain::{DistrictId, RegistrantId};

/// A printed copy.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PrintedCopy {
    /// Printed on every page of the copy, e.g. `P-000042`.
    pub serial: String,
    /// `plan`, `plan_batch` or `safety_check_sheet`.
    pub kind: String,
    pub registrant_ids: Vec<RegistrantId>,
    pub district_id: Option<DistrictId>,
    pub printed_by: String,
    /// Who holds the copy (a person or a role, e.g. 「東校区 自主防災会長 山田」).
    pub holder: String,
    #[serde(with = "crate::domain::time::utc")]
    pub printed_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub returned_at: Option<NaiveDateTime>,
    pub returned_by: Option<String>,
}

type Row = (
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
);

fn copy(row: Row) -> StorageResult<PrintedCopy> {
    let (serial, kind, ids, district, printed_by, holder, printed_at, returned_at, returned_by) =
        row;
    Ok(PrintedCopy {
        serial,
        kind,
        registrant_ids: from_text("prints.registrant_ids", &ids)?,
        district_id: district.map(DistrictId),
        printed_by,
        holder,
        printed_at,
        returned_at,
        returned_by,
    })
}

macro_rules! columns {
    () => {
        (
            prints::serial,
            prints::kind,
            prints::registrant_ids,
            prints::district_id,
            prints::printed_by,
            prints::holder,
            prints::printed_at,
            prints::returned_at,
            prints::returned_by,
        )
    };
}

/// Registers a new copy and returns it with its serial (`P-` and the row number, six digits).
pub fn register(
    conn: &mut DbConnection,
    kind: &str,
    registrants: &[RegistrantId],
    district: Option<DistrictId>,
    printed_by: &str,
    holder: &str,
    now: NaiveDateTime,
) -> StorageResult<PrintedCopy> {
    // The row id makes the serial; a placeholder unique per insert keeps the constraint happy
    // until it is set in the same transaction.
    let placeholder = format!(
        "pending-{}",
        now.and_utc().timestamp_nanos_opt().unwrap_or_default()
    );
    let id: i64 = diesel::insert_into(prints::table)
        .values((
            prints::serial.eq(&placeholder),
            prints::kind.eq(kind),
            prints::registrant_ids.eq(to_text(registrants)),
            prints::district_id.eq(district.map(|d| d.0)),
            prints::printed_by.eq(printed_by),
            prints::holder.eq(holder),
            prints::printed_at.eq(now),
        ))
        .returning(prints::id)
        .get_result(conn)?;
    let serial = format!("P-{id:06}");
    diesel::update(prints::table.find(id))
        .set(prints::serial.eq(&serial))
        .execute(conn)?;
    find(conn, &serial)?.ok_or(super::StorageError::Query(diesel::result::Error::NotFound))
}

/// Removes a copy that was registered but never made (its rendering failed).
///
/// # Errors
/// A query error.
pub fn withdraw(conn: &mut DbConnection, serial: &str) -> StorageResult<()> {
    diesel::delete(prints::table.filter(prints::serial.eq(serial))).execute(conn)?;
    Ok(())
}

/// One copy by serial.
pub fn find(conn: &mut DbConnection, serial: &str) -> StorageResult<Option<PrintedCopy>> {
    prints::table
        .filter(prints::serial.eq(serial))
        .select(columns!())
        .first::<Row>(conn)
        .optional()?
        .map(copy)
        .transpose()
}

/// Copies in serial order, optionally only those still out and only one holder's.
pub fn list(
    conn: &mut DbConnection,
    outstanding: bool,
    holder: Option<&str>,
) -> StorageResult<Vec<PrintedCopy>> {
    let mut query = prints::table
        .select(columns!())
        .order(prints::id.asc())
        .into_boxed();
    if outstanding {
        query = query.filter(prints::returned_at.is_null());
    }
    if let Some(holder) = holder {
        query = query.filter(prints::holder.eq(holder));
    }
    query.load::<Row>(conn)?.into_iter().map(copy).collect()
}

/// Marks a copy returned; false when it was returned already or is unknown.
pub fn mark_returned(
    conn: &mut DbConnection,
    serial: &str,
    by: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let changed = diesel::update(
        prints::table
            .filter(prints::serial.eq(serial))
            .filter(prints::returned_at.is_null()),
    )
    .set((
        prints::returned_at.eq(Some(now)),
        prints::returned_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
