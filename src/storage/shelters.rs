//! Queries on `shelters`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::{code, from_text, point, to_text};
use super::registrants::like_pattern;
use super::schema::shelters;
use super::{DbConnection, StorageError, StorageResult};
use crate::domain::codes::{Accessibility, HazardType, ShelterKind, WelfareTarget};
use crate::domain::shelter::{Shelter, ShelterData};
use crate::domain::{DistrictId, ShelterId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = shelters)]
struct Row {
    id: i64,
    version: i64,
    district_id: Option<i64>,
    gsi_id: Option<String>,
    name: String,
    address: String,
    latitude: f64,
    longitude: f64,
    kind: String,
    hazards: String,
    capacity: Option<i32>,
    welfare_targets: String,
    accessibility: String,
    is_open: bool,
    notes: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = shelters, treat_none_as_null = true)]
struct DataColumns<'a> {
    district_id: Option<i64>,
    gsi_id: Option<&'a str>,
    name: &'a str,
    address: &'a str,
    latitude: f64,
    longitude: f64,
    kind: &'a str,
    hazards: String,
    capacity: Option<i32>,
    welfare_targets: String,
    accessibility: String,
    is_open: bool,
    notes: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> DataColumns<'a> {
    fn new(data: &'a ShelterData, district: Option<DistrictId>, now: NaiveDateTime) -> Self {
        Self {
            district_id: district.map(|d| d.0),
            gsi_id: data.gsi_id.as_deref(),
            name: &data.name,
            address: &data.address,
            latitude: data.location.lat(),
            longitude: data.location.lon(),
            kind: data.kind.as_str(),
            hazards: to_text(&data.hazards),
            capacity: data.capacity,
            welfare_targets: to_text(&data.welfare_targets),
            accessibility: to_text(&data.accessibility),
            is_open: data.is_open,
            notes: data.notes.as_deref(),
            updated_at: now,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = shelters)]
struct NewRow<'a> {
    version: i64,
    created_at: NaiveDateTime,
    #[diesel(embed)]
    data: DataColumns<'a>,
}

impl TryFrom<Row> for Shelter {
    type Error = StorageError;

    fn try_from(row: Row) -> StorageResult<Self> {
        Ok(Self {
            id: ShelterId(row.id),
            version: row.version,
            district_id: row.district_id.map(DistrictId),
            data: ShelterData {
                gsi_id: row.gsi_id,
                name: row.name,
                address: row.address,
                location: point("shelters", row.latitude, row.longitude)?,
                kind: code("shelters.kind", &row.kind, ShelterKind::parse)?,
                hazards: from_text::<Vec<HazardType>>("shelters.hazards", &row.hazards)?,
                capacity: row.capacity,
                welfare_targets: from_text::<Vec<WelfareTarget>>(
                    "shelters.welfare_targets",
                    &row.welfare_targets,
                )?,
                accessibility: from_text::<Vec<Accessibility>>(
                    "shelters.accessibility",
                    &row.accessibility,
                )?,
                is_open: row.is_open,
                notes: row.notes,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Inserts a shelter at version 1.
pub fn insert(
    conn: &mut DbConnection,
    data: &ShelterData,
    district: Option<DistrictId>,
    now: NaiveDateTime,
) -> StorageResult<Shelter> {
    let id = diesel::insert_into(shelters::table)
        .values(NewRow {
            version: 1,
            created_at: now,
            data: DataColumns::new(data, district, now),
        })
        .returning(shelters::id)
        .get_result(conn)?;
    find_existing(conn, id)
}

/// Reads back a row this transaction has just written.
fn find_existing(conn: &mut DbConnection, id: i64) -> StorageResult<Shelter> {
    find(conn, ShelterId(id))?.ok_or(super::StorageError::Query(diesel::result::Error::NotFound))
}

/// Reads one shelter.
pub fn find(conn: &mut DbConnection, id: ShelterId) -> StorageResult<Option<Shelter>> {
    shelters::table
        .find(id.0)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Shelter::try_from)
        .transpose()
}

/// Replaces the data if still at `expected_version`; `None` when it moved on or is unknown.
pub fn update_data(
    conn: &mut DbConnection,
    id: ShelterId,
    expected_version: i64,
    data: &ShelterData,
    district: Option<DistrictId>,
    now: NaiveDateTime,
) -> StorageResult<Option<Shelter>> {
    diesel::update(
        shelters::table
            .filter(shelters::id.eq(id.0))
            .filter(shelters::version.eq(expected_version)),
    )
    .set((
        DataColumns::new(data, district, now),
        shelters::version.eq(expected_version + 1),
    ))
    .returning(shelters::id)
    .get_result::<i64>(conn)
    .optional()?
    .map(|id| find_existing(conn, id))
    .transpose()
}

/// Filters of a shelter list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub district: Option<DistrictId>,
    pub kind: Option<ShelterKind>,
    pub text: Option<String>,
    pub after: Option<ShelterId>,
    pub limit: i64,
}

/// Lists shelters in id order.
pub fn list(conn: &mut DbConnection, filter: &ListFilter) -> StorageResult<Vec<Shelter>> {
    let mut query = shelters::table
        .select(Row::as_select())
        .order(shelters::id.asc())
        .limit(filter.limit)
        .into_boxed();
    if let Some(district) = filter.district {
        query = query.filter(shelters::district_id.eq(district.0));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(shelters::kind.eq(kind.as_str()));
    }
    if let Some(text) = &filter.text {
        query = query.filter(shelters::name.like(like_pattern(text)).escape('\\'));
    }
    if let Some(after) = filter.after {
        query = query.filter(shelters::id.gt(after.0));
    }
    query
        .load(conn)?
        .into_iter()
        .map(Shelter::try_from)
        .collect()
}

/// Every shelter.
pub fn all(conn: &mut DbConnection) -> StorageResult<Vec<Shelter>> {
    shelters::table
        .order(shelters::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Shelter::try_from)
        .collect()
}

/// Places and districts of every row, for recomputing districts after new geodata.
pub fn all_districts(conn: &mut DbConnection) -> StorageResult<Vec<super::Placed<ShelterId>>> {
    let rows: Vec<(i64, f64, f64, Option<i64>)> = shelters::table
        .order(shelters::id.asc())
        .select((
            shelters::id,
            shelters::latitude,
            shelters::longitude,
            shelters::district_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, lat, lon, d)| (ShelterId(id), lat, lon, d.map(DistrictId)))
        .collect())
}

/// Stores a recomputed district (derived data: the version stays).
pub fn set_district(
    conn: &mut DbConnection,
    id: ShelterId,
    district: Option<DistrictId>,
) -> StorageResult<()> {
    diesel::update(shelters::table.find(id.0))
        .set(shelters::district_id.eq(district.map(|d| d.0)))
        .execute(conn)?;
    Ok(())
}

/// The rows with these ids, in the order of `ids` (unknown ids are skipped).
pub fn find_many(conn: &mut DbConnection, ids: &[ShelterId]) -> StorageResult<Vec<Shelter>> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    // Chunks stay below SQLite's limit on bound parameters.
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|id| id.0).collect();
        for row in shelters::table
            .filter(shelters::id.eq_any(raw))
            .select(Row::as_select())
            .load(conn)?
        {
            let record = Shelter::try_from(row)?;
            found.insert(record.id, record);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The shelter with this GSI common id, if any.
pub fn find_by_gsi_id(conn: &mut DbConnection, gsi_id: &str) -> StorageResult<Option<Shelter>> {
    shelters::table
        .filter(shelters::gsi_id.eq(gsi_id))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Shelter::try_from)
        .transpose()
}
