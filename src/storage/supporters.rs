//! Queries on `supporters`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::json::{code, from_text, point, to_text};
use super::registrants::like_pattern;
use super::schema::supporters;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::codes::{Capability, SupporterKind, SupporterStatus};
use crate::domain::supporter::{Supporter, SupporterData};
use crate::domain::{DistrictId, SupporterId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = supporters)]
struct Row {
    id: i64,
    version: i64,
    district_id: Option<i64>,
    name: String,
    name_kana: Option<String>,
    phone: String,
    address: String,
    latitude: f64,
    longitude: f64,
    kind: String,
    status: String,
    capacity: i32,
    capabilities: String,
    consent_given: bool,
    consent_date: Option<NaiveDate>,
    consent_note: Option<String>,
    external_id: Option<String>,
    notes: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = supporters, treat_none_as_null = true)]
struct DataColumns<'a> {
    district_id: Option<i64>,
    name: &'a str,
    name_kana: Option<&'a str>,
    phone: &'a str,
    address: &'a str,
    latitude: f64,
    longitude: f64,
    kind: &'a str,
    status: &'a str,
    capacity: i32,
    capabilities: String,
    consent_given: bool,
    consent_date: Option<NaiveDate>,
    consent_note: Option<&'a str>,
    external_id: Option<&'a str>,
    notes: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> DataColumns<'a> {
    fn new(data: &'a SupporterData, district: Option<DistrictId>, now: NaiveDateTime) -> Self {
        Self {
            district_id: district.map(|d| d.0),
            name: &data.name,
            name_kana: data.name_kana.as_deref(),
            phone: &data.phone,
            address: &data.address,
            latitude: data.location.lat(),
            longitude: data.location.lon(),
            kind: data.kind.as_str(),
            status: data.status.as_str(),
            capacity: data.capacity,
            capabilities: to_text(&data.capabilities),
            consent_given: data.consent_given,
            consent_date: data.consent_date,
            consent_note: data.consent_note.as_deref(),
            external_id: data.external_id.as_deref(),
            notes: data.notes.as_deref(),
            updated_at: now,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = supporters)]
struct NewRow<'a> {
    version: i64,
    created_at: NaiveDateTime,
    #[diesel(embed)]
    data: DataColumns<'a>,
}

impl TryFrom<Row> for Supporter {
    type Error = StorageError;

    fn try_from(row: Row) -> StorageResult<Self> {
        Ok(Self {
            id: SupporterId(row.id),
            version: row.version,
            district_id: row.district_id.map(DistrictId),
            data: SupporterData {
                name: row.name,
                name_kana: row.name_kana,
                phone: row.phone,
                address: row.address,
                location: point("supporters", row.latitude, row.longitude)?,
                kind: code("supporters.kind", &row.kind, SupporterKind::parse)?,
                status: code("supporters.status", &row.status, SupporterStatus::parse)?,
                capacity: row.capacity,
                capabilities: from_text::<Vec<Capability>>(
                    "supporters.capabilities",
                    &row.capabilities,
                )?,
                consent_given: row.consent_given,
                consent_date: row.consent_date,
                consent_note: row.consent_note,
                external_id: row.external_id,
                notes: row.notes,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Inserts a supporter at version 1.
pub fn insert(
    conn: &mut DbConnection,
    data: &SupporterData,
    district: Option<DistrictId>,
    now: NaiveDateTime,
) -> StorageResult<Supporter> {
    let id = diesel::insert_into(supporters::table)
        .values(NewRow {
            version: 1,
            created_at: now,
            data: DataColumns::new(data, district, now),
        })
        .returning(supporters::id)
        .get_result(conn)?;
    find_existing(conn, id)
}

/// Reads back a row this transaction has just written.
fn find_existing(conn: &mut DbConnection, id: i64) -> StorageResult<Supporter> {
    find(conn, SupporterId(id))?.ok_or(super::StorageError::Query(diesel::result::Error::NotFound))
}

/// Reads one supporter.
pub fn find(conn: &mut DbConnection, id: SupporterId) -> StorageResult<Option<Supporter>> {
    supporters::table
        .find(id.0)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Supporter::try_from)
        .transpose()
}

/// Replaces the data if still at `expected_version`; `None` when it moved on or is unknown.
pub fn update_data(
    conn: &mut DbConnection,
    id: SupporterId,
    expected_version: i64,
    data: &SupporterData,
    district: Option<DistrictId>,
    now: NaiveDateTime,
) -> StorageResult<Option<Supporter>> {
    diesel::update(
        supporters::table
            .filter(supporters::id.eq(id.0))
            .filter(supporters::version.eq(expected_version)),
    )
    .set((
        DataColumns::new(data, district, now),
        supporters::version.eq(expected_version + 1),
    ))
    .returning(supporters::id)
    .get_result::<i64>(conn)
    .optional()?
    .map(|id| find_existing(conn, id))
    .transpose()
}

/// Filters of a supporter list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub district: Option<DistrictId>,
    pub kind: Option<SupporterKind>,
    pub text: Option<String>,
    pub after: Option<SupporterId>,
    pub limit: i64,
}

/// Lists supporters in id order.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> StorageResult<Vec<Supporter>> {
    let mut query = supporters::table
        .select(Row::as_select())
        .order(supporters::id.asc())
        .limit(filter.limit)
        .into_boxed();
    if let Some(district) = filter.district {
        query = query.filter(supporters::district_id.eq(district.0));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(supporters::kind.eq(kind.as_str()));
    }
    if let Some(text) = &filter.text {
        let pattern = like_pattern(text);
        // Kana is stored in katakana; a search typed in hiragana still finds it.
        let kana = like_pattern(&crate::domain::text::to_katakana(text));
        query = query.filter(
            supporters::name
                .like(pattern.clone())
                .escape('\\')
                .or(supporters::name_kana.like(kana).escape('\\')),
        );
    }
    if let Some(after) = filter.after {
        query = query.filter(supporters::id.gt(after.0));
    }
    query
        .load(conn)?
        .into_iter()
        .map(Supporter::try_from)
        .collect()
}

/// Ids and homes of active supporters, for the spatial index.
pub fn active_locations(conn: &mut DbConnection) -> StorageResult<Vec<(SupporterId, f64, f64)>> {
    let rows: Vec<(i64, f64, f64)> = supporters::table
        .filter(supporters::status.eq(SupporterStatus::Active.as_str()))
        .select((supporters::id, supporters::latitude, supporters::longitude))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, lat, lon)| (SupporterId(id), lat, lon))
        .collect())
}

/// Places and districts of every row, for recomputing districts after new geodata.
pub fn all_districts(conn: &mut DbConnection) -> StorageResult<Vec<super::Placed<SupporterId>>> {
    let rows: Vec<(i64, f64, f64, Option<i64>)> = supporters::table
        .order(supporters::id.asc())
        .select((
            supporters::id,
            supporters::latitude,
            supporters::longitude,
            supporters::district_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, lat, lon, d)| (SupporterId(id), lat, lon, d.map(DistrictId)))
        .collect())
}

/// Stores a recomputed district (derived data: the version stays).
pub fn set_district(
    conn: &mut DbConnection,
    id: SupporterId,
    district: Option<DistrictId>,
) -> StorageResult<()> {
    diesel::update(supporters::table.find(id.0))
        .set(supporters::district_id.eq(district.map(|d| d.0)))
        .execute(conn)?;
    Ok(())
}

/// The rows with these ids, in the order of `ids` (unknown ids are skipped).
pub fn find_many(conn: &mut DbConnection, ids: &[SupporterId]) -> StorageResult<Vec<Supporter>> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    // Chunks stay below SQLite's limit on bound parameters.
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|id| id.0).collect();
        for row in supporters::table
            .filter(supporters::id.eq_any(raw))
            .select(Row::as_select())
            .load(conn)?
        {
            let record = Supporter::try_from(row)?;
            found.insert(record.id, record);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Every active supporter who consented to be named, in id order (the ones matching may use).
pub fn available(conn: &mut DbConnection) -> StorageResult<Vec<Supporter>> {
    supporters::table
        .filter(supporters::status.eq(SupporterStatus::Active.as_str()))
        .filter(supporters::consent_given.eq(true))
        .order(supporters::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Supporter::try_from)
        .collect()
}
