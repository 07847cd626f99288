//! Queries on `registrants`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::json::{code, from_text, optional_point, to_text};
use super::schema::{plans, registrants};
use super::{DbConnection, StorageResult};
use crate::domain::codes::{
    CommunicationNeed, Household, MedicalDevice, Mobility, PlanStatus, RegistrantStatus, Sex,
    SupportReason,
};
use crate::domain::registrant::LocationFacts;
use crate::domain::registrant::{
    CareManager, Contact, Disability, Doctor, Dwelling, Registrant, RegistrantData, StatusChange,
};
use crate::domain::{DistrictId, GeoPoint, RegistrantId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = registrants)]
struct Row {
    id: i64,
    version: i64,
    status: String,
    status_reason: Option<String>,
    status_date: Option<NaiveDate>,
    merged_into: Option<i64>,
    external_id: Option<String>,
    district_id: Option<i64>,
    name: String,
    name_kana: Option<String>,
    birth_date: NaiveDate,
    sex: String,
    address: String,
    phone: Option<String>,
    support_reasons: String,
    reason_note: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    household: Option<String>,
    care_level: Option<i32>,
    mobility: Option<String>,
    electricity_dependent: bool,
    profile: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    hazard_exposure: String,
    district_needs_review: bool,
}

/// The practical fields that no query filters on, kept together as one JSON column.
#[derive(Serialize, Deserialize, Default)]
struct Profile {
    #[serde(default)]
    medical_devices: Vec<MedicalDevice>,
    #[serde(default)]
    communication_needs: Vec<CommunicationNeed>,
    dwelling: Option<Dwelling>,
    disability: Option<Disability>,
    intractable_disease: Option<String>,
    #[serde(default)]
    emergency_contacts: Vec<Contact>,
    family_doctor: Option<Doctor>,
    medicines: Option<String>,
    allergies: Option<String>,
    care_manager: Option<CareManager>,
    notes: Option<String>,
}

// `None` is written as NULL, not DEFAULT, so that SQLite can take rows in one statement.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = registrants, treat_none_as_null = true, treat_none_as_default_value = false)]
struct DataColumns<'a> {
    external_id: Option<&'a str>,
    district_id: Option<i64>,
    name: &'a str,
    name_kana: Option<&'a str>,
    birth_date: NaiveDate,
    sex: &'a str,
    address: &'a str,
    phone: Option<&'a str>,
    support_reasons: String,
    reason_note: Option<&'a str>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    household: Option<&'a str>,
    care_level: Option<i32>,
    mobility: Option<&'a str>,
    electricity_dependent: bool,
    profile: String,
    updated_at: NaiveDateTime,
    hazard_exposure: String,
    district_needs_review: bool,
}

impl<'a> DataColumns<'a> {
    fn new(data: &'a RegistrantData, facts: &LocationFacts, now: NaiveDateTime) -> Self {
        let profile = Profile {
            medical_devices: data.medical_devices.clone(),
            communication_needs: data.communication_needs.clone(),
            dwelling: data.dwelling.clone(),
            disability: data.disability.clone(),
            intractable_disease: data.intractable_disease.clone(),
            emergency_contacts: data.emergency_contacts.clone(),
            family_doctor: data.family_doctor.clone(),
            medicines: data.medicines.clone(),
            allergies: data.allergies.clone(),
            care_manager: data.care_manager.clone(),
            notes: data.notes.clone(),
        };
        Self {
            external_id: data.external_id.as_deref(),
            district_id: facts.district_id.map(|d| d.0),
            name: &data.name,
            name_kana: data.name_kana.as_deref(),
            birth_date: data.birth_date,
            sex: data.sex.as_str(),
            address: &data.address,
            phone: data.phone.as_deref(),
            support_reasons: to_text(&data.support_reasons),
            reason_note: data.reason_note.as_deref(),
            latitude: data.location.map(GeoPoint::lat),
            longitude: data.location.map(GeoPoint::lon),
            household: data.household.map(Household::as_str),
            care_level: data.care_level.map(i32::from),
            mobility: data.mobility.map(Mobility::as_str),
            electricity_dependent: data.electricity_dependent,
            profile: to_text(&profile),
            updated_at: now,
            hazard_exposure: to_text(&facts.hazard_exposure),
            district_needs_review: facts.district_needs_review,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = registrants, treat_none_as_default_value = false)]
struct NewRow<'a> {
    version: i64,
    status: &'a str,
    created_at: NaiveDateTime,
    #[diesel(embed)]
    data: DataColumns<'a>,
}

impl TryFrom<Row> for Registrant {
    type Error = super::StorageError;

    fn try_from(row: Row) -> StorageResult<Self> {
        let profile: Profile = from_text("registrants.profile", &row.profile)?;
        Ok(Self {
            id: RegistrantId(row.id),
            version: row.version,
            status: code("registrants.status", &row.status, RegistrantStatus::parse)?,
            status_reason: row.status_reason,
            status_date: row.status_date,
            merged_into: row.merged_into.map(RegistrantId),
            facts: LocationFacts {
                district_id: row.district_id.map(DistrictId),
                district_needs_review: row.district_needs_review,
                hazard_exposure: from_text("registrants.hazard_exposure", &row.hazard_exposure)?,
            },
            data: RegistrantData {
                name: row.name,
                name_kana: row.name_kana,
                birth_date: row.birth_date,
                sex: code("registrants.sex", &row.sex, Sex::parse)?,
                address: row.address,
                phone: row.phone,
                support_reasons: from_text::<Vec<SupportReason>>(
                    "registrants.support_reasons",
                    &row.support_reasons,
                )?,
                reason_note: row.reason_note,
                location: optional_point("registrants", row.latitude, row.longitude)?,
                external_id: row.external_id,
                household: row
                    .household
                    .as_deref()
                    .map(|h| code("registrants.household", h, Household::parse))
                    .transpose()?,
                care_level: row.care_level.and_then(|c| u8::try_from(c).ok()),
                mobility: row
                    .mobility
                    .as_deref()
                    .map(|m| code("registrants.mobility", m, Mobility::parse))
                    .transpose()?,
                medical_devices: profile.medical_devices,
                electricity_dependent: row.electricity_dependent,
                communication_needs: profile.communication_needs,
                dwelling: profile.dwelling,
                disability: profile.disability,
                intractable_disease: profile.intractable_disease,
                emergency_contacts: profile.emergency_contacts,
                family_doctor: profile.family_doctor,
                medicines: profile.medicines,
                allergies: profile.allergies,
                care_manager: profile.care_manager,
                notes: profile.notes,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Inserts an active registrant at version 1.
pub fn insert(
    conn: &mut DbConnection,
    data: &RegistrantData,
    facts: &LocationFacts,
    now: NaiveDateTime,
) -> StorageResult<Registrant> {
    let row = diesel::insert_into(registrants::table)
        .values(NewRow {
            version: 1,
            status: RegistrantStatus::Active.as_str(),
            created_at: now,
            data: DataColumns::new(data, facts, now),
        })
        .returning(registrants::id)
        .get_result(conn)?;
    find_existing(conn, row)
}

/// Reads back a row this transaction has just written.
fn find_existing(conn: &mut DbConnection, id: i64) -> StorageResult<Registrant> {
    find(conn, RegistrantId(id))?.ok_or(super::StorageError::Query(diesel::result::Error::NotFound))
}

/// Reads one registrant.
pub fn find(conn: &mut DbConnection, id: RegistrantId) -> StorageResult<Option<Registrant>> {
    registrants::table
        .find(id.0)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Registrant::try_from)
        .transpose()
}

/// Replaces the data of a registrant if it is still at `expected_version`; returns the new
/// record, or `None` when the version moved on (or the id is unknown).
pub fn update_data(
    conn: &mut DbConnection,
    id: RegistrantId,
    expected_version: i64,
    data: &RegistrantData,
    facts: &LocationFacts,
    now: NaiveDateTime,
) -> StorageResult<Option<Registrant>> {
    diesel::update(
        registrants::table
            .filter(registrants::id.eq(id.0))
            .filter(registrants::version.eq(expected_version)),
    )
    .set((
        DataColumns::new(data, facts, now),
        registrants::version.eq(expected_version + 1),
    ))
    .returning(registrants::id)
    .get_result::<i64>(conn)
    .optional()?
    .map(|id| find_existing(conn, id))
    .transpose()
}

/// Sets the lifecycle status if the record is still at `expected_version`.
pub fn update_status(
    conn: &mut DbConnection,
    id: RegistrantId,
    expected_version: i64,
    change: &StatusChange,
    now: NaiveDateTime,
) -> StorageResult<Option<Registrant>> {
    diesel::update(
        registrants::table
            .filter(registrants::id.eq(id.0))
            .filter(registrants::version.eq(expected_version)),
    )
    .set((
        registrants::status.eq(change.status.as_str()),
        registrants::status_reason.eq(change.reason.as_deref()),
        registrants::status_date.eq(Some(change.date)),
        registrants::version.eq(expected_version + 1),
        registrants::updated_at.eq(now),
    ))
    .returning(registrants::id)
    .get_result::<i64>(conn)
    .optional()?
    .map(|id| find_existing(conn, id))
    .transpose()
}

/// Filters of a registrant list; ids ascend, `after` is the cursor.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub district: Option<DistrictId>,
    /// Only registrants of one of these districts (a district user's own).
    pub districts: Option<Vec<DistrictId>>,
    pub status: Option<RegistrantStatus>,
    /// Substring of the name or the kana (already converted to katakana).
    pub text: Option<String>,
    /// Only registrants whose plan is in this state.
    pub plan: Option<PlanFilter>,
    pub after: Option<RegistrantId>,
    pub limit: i64,
}

/// A registrant list filter on the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFilter {
    /// No plan written yet.
    None,
    /// A plan in this status.
    Status(PlanStatus),
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern.
pub(super) fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Lists registrants in id order.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> StorageResult<Vec<Registrant>> {
    let mut query = registrants::table
        .select(Row::as_select())
        .order(registrants::id.asc())
        .limit(filter.limit)
        .into_boxed();
    if let Some(district) = filter.district {
        query = query.filter(registrants::district_id.eq(district.0));
    }
    if let Some(districts) = &filter.districts {
        let ids: Vec<i64> = districts.iter().map(|d| d.0).collect();
        query = query.filter(registrants::district_id.eq_any(ids));
    }
    if let Some(status) = filter.status {
        query = query.filter(registrants::status.eq(status.as_str()));
    }
    if let Some(text) = &filter.text {
        let pattern = like_pattern(text);
        // Kana is stored in katakana; a search typed in hiragana still finds it.
        let kana = like_pattern(&crate::domain::text::to_katakana(text));
        query = query.filter(
            registrants::name
                .like(pattern.clone())
                .escape('\\')
                .or(registrants::name_kana.like(kana).escape('\\')),
        );
    }
    match filter.plan {
        None => {}
        Some(PlanFilter::None) => {
            query = query.filter(diesel::dsl::not(diesel::dsl::exists(
                plans::table.filter(plans::registrant_id.eq(registrants::id)),
            )));
        }
        Some(PlanFilter::Status(status)) => {
            query = query.filter(
                registrants::id.eq_any(
                    plans::table
                        .filter(plans::status.eq(status.as_str()))
                        .select(plans::registrant_id),
                ),
            );
        }
    }
    if let Some(after) = filter.after {
        query = query.filter(registrants::id.gt(after.0));
    }
    query
        .load(conn)?
        .into_iter()
        .map(Registrant::try_from)
        .collect()
}

/// How many registrants are stored, in any status.
pub fn count(conn: &mut DbConnection) -> StorageResult<i64> {
    Ok(registrants::table.count().get_result(conn)?)
}

/// Ids and homes of active registrants with a known location, for the spatial index.
pub fn active_locations(conn: &mut DbConnection) -> StorageResult<Vec<(RegistrantId, f64, f64)>> {
    let rows: Vec<(i64, Option<f64>, Option<f64>)> = registrants::table
        .filter(registrants::status.eq(RegistrantStatus::Active.as_str()))
        .select((
            registrants::id,
            registrants::latitude,
            registrants::longitude,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, lat, lon)| Some((RegistrantId(id), lat?, lon?)))
        .collect())
}

/// Homes and derived facts of every registrant, for recomputing the facts after new geodata.
pub fn all_facts(
    conn: &mut DbConnection,
) -> StorageResult<Vec<(RegistrantId, Option<GeoPoint>, LocationFacts)>> {
    type FactsRow = (i64, Option<f64>, Option<f64>, Option<i64>, bool, String);
    let rows: Vec<FactsRow> = registrants::table
        .order(registrants::id.asc())
        .select((
            registrants::id,
            registrants::latitude,
            registrants::longitude,
            registrants::district_id,
            registrants::district_needs_review,
            registrants::hazard_exposure,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, lat, lon, district, review, exposure)| {
            let home = lat
                .zip(lon)
                .and_then(|(lat, lon)| GeoPoint::new(lat, lon).ok());
            let facts = LocationFacts {
                district_id: district.map(DistrictId),
                district_needs_review: review,
                hazard_exposure: from_text("registrants.hazard_exposure", &exposure)?,
            };
            Ok((RegistrantId(id), home, facts))
        })
        .collect()
}

/// Stores recomputed location facts (derived data: the version stays).
pub fn set_facts(
    conn: &mut DbConnection,
    id: RegistrantId,
    facts: &LocationFacts,
) -> StorageResult<()> {
    diesel::update(registrants::table.find(id.0))
        .set((
            registrants::district_id.eq(facts.district_id.map(|d| d.0)),
            registrants::district_needs_review.eq(facts.district_needs_review),
            registrants::hazard_exposure.eq(to_text(&facts.hazard_exposure)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The rows with these ids, in the order of `ids` (unknown ids are skipped).
pub fn find_many(conn: &mut DbConnection, ids: &[RegistrantId]) -> StorageResult<Vec<Registrant>> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    // Chunks stay below SQLite's limit on bound parameters.
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|id| id.0).collect();
        for row in registrants::table
            .filter(registrants::id.eq_any(raw))
            .select(Row::as_select())
            .load(conn)?
        {
            let record = Registrant::try_from(row)?;
            found.insert(record.id, record);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Every active registrant with a known home, in one district or all, in id order.
pub fn active_located(
    conn: &mut DbConnection,
    district: Option<DistrictId>,
) -> StorageResult<Vec<Registrant>> {
    let mut query = registrants::table
        .filter(registrants::status.eq(RegistrantStatus::Active.as_str()))
        .filter(registrants::latitude.is_not_null())
        .filter(registrants::longitude.is_not_null())
        .order(registrants::id.asc())
        .select(Row::as_select())
        .into_boxed();
    if let Some(district) = district {
        query = query.filter(registrants::district_id.eq(district.0));
    }
    query
        .load(conn)?
        .into_iter()
        .map(Registrant::try_from)
        .collect()
}

/// Every registrant, in any status, in id order (for imports and exports, which compare or
/// write the whole register at once).
pub fn all(conn: &mut DbConnection) -> StorageResult<Vec<Registrant>> {
    registrants::table
        .order(registrants::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Registrant::try_from)
        .collect()
}

/// Inserts active registrants at version 1 in multi-row statements; returns their ids in
/// input order.
///
/// diesel's multi-row INSERT does not compile over the two-backend connection, so this matches
/// on the backend and writes the same statement through each concrete connection.
pub fn insert_many(
    conn: &mut DbConnection,
    items: &[(&RegistrantData, &LocationFacts)],
    now: NaiveDateTime,
) -> StorageResult<Vec<RegistrantId>> {
    let mut ids = Vec::with_capacity(items.len());
    // 500 rows x 23 columns stays below SQLite's limit on bound parameters (32,766).
    for chunk in items.chunks(500) {
        let rows: Vec<NewRow<'_>> = chunk
            .iter()
            .map(|(data, facts)| NewRow {
                version: 1,
                status: RegistrantStatus::Active.as_str(),
                created_at: now,
                data: DataColumns::new(data, facts, now),
            })
            .collect();
        let insert = diesel::insert_into(registrants::table).values(rows);
        let mut new: Vec<i64> = match conn {
            DbConnection::Sqlite(c) => insert.returning(registrants::id).get_results(c)?,
            DbConnection::Postgres(c) => insert.returning(registrants::id).get_results(c)?,
        };
        // Ids ascend in insertion order within one statement on both backends.
        new.sort_unstable();
        ids.extend(new.into_iter().map(RegistrantId));
    }
    Ok(ids)
}

/// Replaces the data of a registrant at `expected_version` without reading it back; returns
/// whether a row was updated.
pub fn update_data_in_place(
    conn: &mut DbConnection,
    id: RegistrantId,
    expected_version: i64,
    data: &RegistrantData,
    facts: &LocationFacts,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let n = diesel::update(
        registrants::table
            .filter(registrants::id.eq(id.0))
            .filter(registrants::version.eq(expected_version)),
    )
    .set((
        DataColumns::new(data, facts, now),
        registrants::version.eq(expected_version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks `duplicate` as merged into `kept` (status `merged`, inactive) if it is still at
/// `expected_version`, and bumps `kept` to `kept_version + 1` so that its history shows the
/// merge. Consents, the plan and proposals of the duplicate move to the kept record for each
/// kind the kept record lacks. Returns false when either version moved on.
#[expect(
    clippy::too_many_arguments,
    reason = "one conditional write of two records in one call"
)]
pub fn merge(
    conn: &mut DbConnection,
    kept: RegistrantId,
    kept_version: i64,
    duplicate: RegistrantId,
    duplicate_version: i64,
    reason: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    use super::schema::{plans, proposals, registrant_consents};
    let kept_kinds: Vec<String> = registrant_consents::table
        .filter(registrant_consents::registrant_id.eq(kept.0))
        .select(registrant_consents::kind)
        .distinct()
        .load(conn)?;
    diesel::update(
        registrant_consents::table
            .filter(registrant_consents::registrant_id.eq(duplicate.0))
            .filter(registrant_consents::kind.ne_all(kept_kinds)),
    )
    .set(registrant_consents::registrant_id.eq(kept.0))
    .execute(conn)?;
    let kept_has_plan: i64 = plans::table
        .filter(plans::registrant_id.eq(kept.0))
        .count()
        .get_result(conn)?;
    if kept_has_plan == 0 {
        diesel::update(plans::table.filter(plans::registrant_id.eq(duplicate.0)))
            .set(plans::registrant_id.eq(kept.0))
            .execute(conn)?;
    }
    let kept_has_proposals: i64 = proposals::table
        .filter(proposals::registrant_id.eq(kept.0))
        .count()
        .get_result(conn)?;
    if kept_has_proposals == 0 {
        diesel::update(proposals::table.filter(proposals::registrant_id.eq(duplicate.0)))
            .set(proposals::registrant_id.eq(kept.0))
            .execute(conn)?;
    }
    let marked = diesel::update(
        registrants::table
            .filter(registrants::id.eq(duplicate.0))
            .filter(registrants::version.eq(duplicate_version)),
    )
    .set((
        registrants::status.eq(RegistrantStatus::Merged.as_str()),
        registrants::status_reason.eq(Some(reason)),
        registrants::status_date.eq(Some(today)),
        registrants::merged_into.eq(Some(kept.0)),
        registrants::version.eq(duplicate_version + 1),
        registrants::updated_at.eq(now),
    ))
    .execute(conn)?;
    let bumped = diesel::update(
        registrants::table
            .filter(registrants::id.eq(kept.0))
            .filter(registrants::version.eq(kept_version)),
    )
    .set((
        registrants::version.eq(kept_version + 1),
        registrants::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(marked == 1 && bumped == 1)
}

/// The record a merged registrant was merged into.
pub fn merged_into(
    conn: &mut DbConnection,
    id: RegistrantId,
) -> StorageResult<Option<RegistrantId>> {
    Ok(registrants::table
        .find(id.0)
        .select(registrants::merged_into)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten()
        .map(RegistrantId))
}

/// (id, home known, district, district flagged for review).
pub type Placement = (RegistrantId, bool, Option<DistrictId>, bool);

/// Where each active registrant stands on the map, by id.
pub fn active_placement(conn: &mut DbConnection) -> StorageResult<Vec<Placement>> {
    type Row = (i64, Option<f64>, Option<f64>, Option<i64>, bool);
    let rows: Vec<Row> = registrants::table
        .filter(registrants::status.eq(RegistrantStatus::Active.as_str()))
        .order(registrants::id.asc())
        .select((
            registrants::id,
            registrants::latitude,
            registrants::longitude,
            registrants::district_id,
            registrants::district_needs_review,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, lat, lon, district, review)| {
            (
                RegistrantId(id),
                lat.is_some() && lon.is_some(),
                district.map(DistrictId),
                review,
            )
        })
        .collect())
}
