//! Queries on `volunteers` and `volunteer_check_ins`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::json::{code, from_text, to_text};
use super::schema::{volunteer_check_ins, volunteers};
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::VolunteerId;
use crate::domain::codes::AgeBand;
use crate::domain::volunteer::{Volunteer, VolunteerData};

type Row = (
    i64,
    String,
    i64,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    bool,
    Option<NaiveDate>,
    bool,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            volunteers::id,
            volunteers::registration_number,
            volunteers::version,
            volunteers::party_id,
            volunteers::party_name,
            volunteers::name,
            volunteers::name_kana,
            volunteers::phone,
            volunteers::age_band,
            volunteers::insured,
            volunteers::insurance_date,
            volunteers::guardian_consent,
            volunteers::skills,
            volunteers::equipment,
            volunteers::available_dates,
            volunteers::notes,
            volunteers::created_at,
            volunteers::updated_at,
        )
    };
}

fn volunteer(row: Row) -> StorageResult<Volunteer> {
    let (
        id,
        registration_number,
        version,
        party_id,
        party_name,
        name,
        name_kana,
        phone,
        age_band,
        insured,
        insurance_date,
        guardian_consent,
        skills,
        equipment,
        available_dates,
        notes,
        created_at,
        updated_at,
    ) = row;
    Ok(Volunteer {
        id: VolunteerId(id),
        registration_number,
        version,
        party_id: party_id.map(VolunteerId),
        party_name,
        data: VolunteerData {
            name,
            name_kana,
            phone,
            age_band: code("volunteers.age_band", &age_band, AgeBand::parse)?,
            insured,
            insurance_date,
            guardian_consent,
            skills: from_text("volunteers.skills", &skills)?,
            equipment: from_text("volunteers.equipment", &equipment)?,
            available_dates: from_text("volunteers.available_dates", &available_dates)?,
            notes,
        },
        created_at,
        updated_at,
    })
}

/// The registration number of the row `id`: `V-` and six digits (more once past a million).
pub fn registration_number(id: i64) -> String {
    format!("V-{id:06}")
}

/// Adds a volunteer (in a group when `party` names it) and gives them a registration number.
pub fn insert(
    conn: &mut DbConnection,
    data: &VolunteerData,
    party: Option<(Option<VolunteerId>, &str)>,
    now: NaiveDateTime,
) -> StorageResult<Volunteer> {
    // The row id makes the number; a placeholder unique per insert holds the constraint until
    // it is set in the same transaction.
    // (a counter, since the members of a group share `now`).
    static PENDING: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let placeholder = format!(
        "pending-{}-{}",
        now.and_utc().timestamp_nanos_opt().unwrap_or_default(),
        PENDING.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let id: i64 = diesel::insert_into(volunteers::table)
        .values((
            volunteers::registration_number.eq(&placeholder),
            volunteers::version.eq(1_i64),
            volunteers::party_id.eq(party.and_then(|(id, _)| id).map(|id| id.0)),
            volunteers::party_name.eq(party.map(|(_, name)| name)),
            volunteers::name.eq(&data.name),
            volunteers::name_kana.eq(&data.name_kana),
            volunteers::phone.eq(&data.phone),
            volunteers::age_band.eq(data.age_band.as_str()),
            volunteers::insured.eq(data.insured),
            volunteers::insurance_date.eq(data.insurance_date),
            volunteers::guardian_consent.eq(data.guardian_consent),
            volunteers::skills.eq(to_text(&data.skills)),
            volunteers::equipment.eq(to_text(&data.equipment)),
            volunteers::available_dates.eq(to_text(&data.available_dates)),
            volunteers::notes.eq(&data.notes),
            volunteers::created_at.eq(now),
            volunteers::updated_at.eq(now),
        ))
        .returning(volunteers::id)
        .get_result(conn)?;
    // The first member of a group is its party id, known only now.
    let party_id = match party {
        Some((None, _)) => Some(id),
        Some((Some(p), _)) => Some(p.0),
        None => None,
    };
    diesel::update(volunteers::table.find(id))
        .set((
            volunteers::registration_number.eq(registration_number(id)),
            volunteers::party_id.eq(party_id),
        ))
        .execute(conn)?;
    find(conn, VolunteerId(id))?.ok_or(StorageError::Query(diesel::result::Error::NotFound))
}

pub fn find(conn: &mut DbConnection, id: VolunteerId) -> StorageResult<Option<Volunteer>> {
    volunteers::table
        .find(id.0)
        .select(columns!())
        .first::<Row>(conn)
        .optional()?
        .map(volunteer)
        .transpose()
}

/// The volunteer with this registration number (e.g. `V-000123`).
pub fn find_by_number(conn: &mut DbConnection, number: &str) -> StorageResult<Option<Volunteer>> {
    volunteers::table
        .filter(volunteers::registration_number.eq(number))
        .select(columns!())
        .first::<Row>(conn)
        .optional()?
        .map(volunteer)
        .transpose()
}

/// Volunteers by id, in id order; unknown ids are left out.
pub fn find_many(conn: &mut DbConnection, ids: &[VolunteerId]) -> StorageResult<Vec<Volunteer>> {
    let mut out = Vec::with_capacity(ids.len());
    // Chunks keep the bind count under SQLite's limit.
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|id| id.0).collect();
        let rows = volunteers::table
            .filter(volunteers::id.eq_any(raw))
            .select(columns!())
            .load::<Row>(conn)?;
        for row in rows {
            out.push(volunteer(row)?);
        }
    }
    out.sort_by_key(|v| v.id);
    Ok(out)
}

/// A day's visit: when the volunteer came and left.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct CheckIn {
    pub id: i64,
    pub volunteer_id: VolunteerId,
    pub day: NaiveDate,
    #[serde(with = "crate::domain::time::utc")]
    pub checked_in_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub checked_out_at: Option<NaiveDateTime>,
}

type CheckInRow = (i64, i64, NaiveDate, NaiveDateTime, Option<NaiveDateTime>);

fn check_in(row: CheckInRow) -> CheckIn {
    let (id, volunteer, day, checked_in_at, checked_out_at) = row;
    CheckIn {
        id,
        volunteer_id: VolunteerId(volunteer),
        day,
        checked_in_at,
        checked_out_at,
    }
}

/// The volunteer's check-in of `day` that has no check-out yet.
pub fn open_check_in(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
    day: NaiveDate,
) -> StorageResult<Option<CheckIn>> {
    Ok(volunteer_check_ins::table
        .filter(volunteer_check_ins::volunteer_id.eq(volunteer.0))
        .filter(volunteer_check_ins::day.eq(day))
        .filter(volunteer_check_ins::checked_out_at.is_null())
        .order(volunteer_check_ins::id.desc())
        .first::<CheckInRow>(conn)
        .optional()?
        .map(check_in))
}

pub fn insert_check_in(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
    day: NaiveDate,
    now: NaiveDateTime,
) -> StorageResult<CheckIn> {
    let row = diesel::insert_into(volunteer_check_ins::table)
        .values((
            volunteer_check_ins::volunteer_id.eq(volunteer.0),
            volunteer_check_ins::day.eq(day),
            volunteer_check_ins::checked_in_at.eq(now),
        ))
        .returning((
            volunteer_check_ins::id,
            volunteer_check_ins::volunteer_id,
            volunteer_check_ins::day,
            volunteer_check_ins::checked_in_at,
            volunteer_check_ins::checked_out_at,
        ))
        .get_result::<CheckInRow>(conn)?;
    Ok(check_in(row))
}

pub fn check_out(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> StorageResult<CheckIn> {
    let row = diesel::update(volunteer_check_ins::table.find(id))
        .set(volunteer_check_ins::checked_out_at.eq(Some(now)))
        .returning((
            volunteer_check_ins::id,
            volunteer_check_ins::volunteer_id,
            volunteer_check_ins::day,
            volunteer_check_ins::checked_in_at,
            volunteer_check_ins::checked_out_at,
        ))
        .get_result::<CheckInRow>(conn)?;
    Ok(check_in(row))
}

/// Volunteers checked in on `day` and not checked out, in id order.
pub fn present_on(conn: &mut DbConnection, day: NaiveDate) -> StorageResult<Vec<Volunteer>> {
    volunteers::table
        .filter(
            volunteers::id.eq_any(
                volunteer_check_ins::table
                    .filter(volunteer_check_ins::day.eq(day))
                    .filter(volunteer_check_ins::checked_out_at.is_null())
                    .select(volunteer_check_ins::volunteer_id),
            ),
        )
        .select(columns!())
        .order(volunteers::id.asc())
        .load::<Row>(conn)?
        .into_iter()
        .map(volunteer)
        .collect()
}

/// Ids of volunteers who checked in on some day before `day` (they have done the work before).
pub fn came_before(conn: &mut DbConnection, day: NaiveDate) -> StorageResult<Vec<VolunteerId>> {
    let mut ids: Vec<i64> = volunteer_check_ins::table
        .filter(volunteer_check_ins::day.lt(day))
        .select(volunteer_check_ins::volunteer_id)
        .distinct()
        .load(conn)?;
    ids.sort_unstable();
    Ok(ids.into_iter().map(VolunteerId).collect())
}

/// How many distinct volunteers checked in on `day`.
pub fn count_checked_in(conn: &mut DbConnection, day: NaiveDate) -> StorageResult<i64> {
    let ids: Vec<i64> = volunteer_check_ins::table
        .filter(volunteer_check_ins::day.eq(day))
        .select(volunteer_check_ins::volunteer_id)
        .distinct()
        .load(conn)?;
    Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
}
