//! What the register's editable records have in common: a version, a JSON merge-patch flow and a
//! history entry for every change.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::input::apply_patch;
use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::ValidationErrors;
use crate::domain::codes::SupporterStatus;
use crate::domain::plan::{Plan, PlanData, PlanInput};
use crate::domain::registrant::{Registrant, RegistrantData, RegistrantInput};
use crate::domain::shelter::{Shelter, ShelterData, ShelterInput};
use crate::domain::supporter::{Supporter, SupporterData, SupporterInput};
use crate::domain::{DistrictId, GeoPoint, ShelterId, SupporterId};
use crate::spatial::SpatialIndex;
use crate::storage::DbConnection;
use crate::storage::change_log::{self, Action, Change, Entity, HistoryEntry};
use crate::storage::{self, StorageResult};

/// A stored record with a version, editable by merge patch.
pub(super) trait Versioned: Serialize {
    type Data: Serialize;
    type Input: DeserializeOwned;
    const ENTITY: Entity;
    const SERVER_FIELDS: &'static [&'static str];
    fn id(&self) -> i64;
    fn version(&self) -> i64;
    fn updated_at(&self) -> NaiveDateTime;
    fn data(&self) -> &Self::Data;
    fn parse(input: &Self::Input, today: NaiveDate) -> Result<Self::Data, ValidationErrors>;
}

macro_rules! versioned {
    ($record:ty, $data:ty, $input:ty, $entity:expr) => {
        impl Versioned for $record {
            type Data = $data;
            type Input = $input;
            const ENTITY: Entity = $entity;
            const SERVER_FIELDS: &'static [&'static str] = <$record>::SERVER_FIELDS;
            fn id(&self) -> i64 {
                self.key()
            }
            fn version(&self) -> i64 {
                self.version
            }
            fn updated_at(&self) -> NaiveDateTime {
                self.updated_at
            }
            fn data(&self) -> &$data {
                &self.data
            }
            fn parse(input: &$input, today: NaiveDate) -> Result<$data, ValidationErrors> {
                <$data>::parse(input, today)
            }
        }
    };
}

versioned!(
    Registrant,
    RegistrantData,
    RegistrantInput,
    Entity::Registrant
);
versioned!(Supporter, SupporterData, SupporterInput, Entity::Supporter);
versioned!(Shelter, ShelterData, ShelterInput, Entity::Shelter);
versioned!(Plan, PlanData, PlanInput, Entity::Plan);

/// The id a history entry is filed under.
trait Key {
    fn key(&self) -> i64;
}

impl Key for Registrant {
    fn key(&self) -> i64 {
        self.id.0
    }
}

impl Key for Supporter {
    fn key(&self) -> i64 {
        self.id.0
    }
}

impl Key for Shelter {
    fn key(&self) -> i64 {
        self.id.0
    }
}

/// A plan's history is filed under its registrant.
impl Key for Plan {
    fn key(&self) -> i64 {
        self.registrant_id.0
    }
}

/// Checks the client's version and validates the patched data. `None` when the patch changes
/// nothing.
///
/// # Errors
/// [`ServiceError::VersionConflict`] for a stale version, [`ServiceError::Invalid`] for bad data.
pub(super) fn prepare_patch<R: Versioned>(
    current: &R,
    expected_version: i64,
    patch: &Value,
    today: NaiveDate,
) -> ServiceResult<Option<(R::Data, Vec<String>)>> {
    if current.version() != expected_version {
        return Err(ServiceError::VersionConflict {
            current: current.version(),
        });
    }
    let (input, fields) = apply_patch::<_, R::Input>(current.data(), patch, R::SERVER_FIELDS)?;
    let data = R::parse(&input, today)?;
    Ok((!fields.is_empty()).then_some((data, fields)))
}

/// Appends the history entry for a record just written, with the whole record as snapshot,
/// and the audit entry of the change, both in the transaction that wrote the record: the
/// change, its history and its audit entry commit together or not at all.
pub(super) fn record_change<R: Versioned>(
    ctx: &AppContext,
    conn: &mut DbConnection,
    record: &R,
    action: Action,
    fields: &[String],
    actor: Actor<'_>,
) -> ServiceResult<()> {
    let snapshot = serde_json::to_value(record).unwrap_or(Value::Null);
    change_log::append(
        conn,
        &Change {
            entity: R::ENTITY,
            entity_id: record.id(),
            version: record.version(),
            action,
            changed_fields: fields,
            snapshot: &snapshot,
            changed_by: actor.actor(),
            changed_at: record.updated_at(),
        },
    )?;
    let people: &[crate::domain::RegistrantId] = match R::ENTITY {
        Entity::Registrant | Entity::Plan => &[crate::domain::RegistrantId(record.id())],
        Entity::Supporter | Entity::Shelter => &[],
    };
    let target = format!(
        "{} {} v{} {}",
        R::ENTITY.as_str(),
        record.id(),
        record.version(),
        action.as_str()
    );
    super::access::audit_change(ctx, conn, actor, &target, people)
}

/// The error for a conditional update that matched no row: the version moved on (the record
/// exists at `current`), or the record does not exist.
pub(super) fn stale_or_missing(current: Option<i64>, what: &'static str) -> ServiceError {
    match current {
        Some(current) => ServiceError::VersionConflict { current },
        None => ServiceError::NotFound(what),
    }
}

/// A record placed by one point (supporters, shelters): stored with its district, mirrored in
/// one point index.
pub(super) trait PlacedRecord: Versioned + Sized {
    type Id: Copy + PartialEq;
    const WHAT: &'static str;
    fn insert(
        conn: &mut DbConnection,
        data: &Self::Data,
        district: Option<DistrictId>,
    ) -> StorageResult<Self>;
    fn find(conn: &mut DbConnection, id: Self::Id) -> StorageResult<Option<Self>>;
    fn update(
        conn: &mut DbConnection,
        id: Self::Id,
        expected_version: i64,
        data: &Self::Data,
        district: Option<DistrictId>,
    ) -> StorageResult<Option<Self>>;
    fn location(data: &Self::Data) -> Option<GeoPoint>;
    /// Brings the spatial index up to date after a committed change (the index knows where
    /// the record was).
    fn reindex(&self, spatial: &mut SpatialIndex);
}

impl PlacedRecord for Supporter {
    type Id = SupporterId;
    const WHAT: &'static str = "supporter";
    fn insert(
        conn: &mut DbConnection,
        data: &SupporterData,
        district: Option<DistrictId>,
    ) -> StorageResult<Self> {
        storage::supporters::insert(conn, data, district, storage::now())
    }
    fn find(conn: &mut DbConnection, id: SupporterId) -> StorageResult<Option<Self>> {
        storage::supporters::find(conn, id)
    }
    fn update(
        conn: &mut DbConnection,
        id: SupporterId,
        expected_version: i64,
        data: &SupporterData,
        district: Option<DistrictId>,
    ) -> StorageResult<Option<Self>> {
        storage::supporters::update_data(conn, id, expected_version, data, district, storage::now())
    }
    fn location(data: &SupporterData) -> Option<GeoPoint> {
        Some(data.location)
    }
    fn reindex(&self, spatial: &mut SpatialIndex) {
        // Active supporters are indexed where they live.
        let at = |s: &Self| (s.data.status == SupporterStatus::Active).then_some(s.data.location);
        spatial.supporters.set(self.id, at(self));
    }
}

impl PlacedRecord for Shelter {
    type Id = ShelterId;
    const WHAT: &'static str = "shelter";
    fn insert(
        conn: &mut DbConnection,
        data: &ShelterData,
        district: Option<DistrictId>,
    ) -> StorageResult<Self> {
        storage::shelters::insert(conn, data, district, storage::now())
    }
    fn find(conn: &mut DbConnection, id: ShelterId) -> StorageResult<Option<Self>> {
        storage::shelters::find(conn, id)
    }
    fn update(
        conn: &mut DbConnection,
        id: ShelterId,
        expected_version: i64,
        data: &ShelterData,
        district: Option<DistrictId>,
    ) -> StorageResult<Option<Self>> {
        storage::shelters::update_data(conn, id, expected_version, data, district, storage::now())
    }
    fn location(data: &ShelterData) -> Option<GeoPoint> {
        Some(data.location)
    }
    fn reindex(&self, spatial: &mut SpatialIndex) {
        spatial.upsert_shelter(self.id, self.data.clone());
    }
}

/// Validates and stores a new record, logs it, then indexes it.
pub(super) fn create_placed<R: PlacedRecord>(
    ctx: &AppContext,
    input: &R::Input,
    actor: Actor<'_>,
) -> ServiceResult<R> {
    let data = R::parse(input, ctx.today())?;
    let district = R::location(&data).and_then(|p| ctx.spatial().district_of(p));
    let record = storage::write_transaction(&mut *ctx.conn()?, |conn| {
        let record = R::insert(conn, &data, district)?;
        record_change(ctx, conn, &record, Action::Created, &[], actor)?;
        Ok::<_, ServiceError>(record)
    })?;
    record.reindex(&mut ctx.spatial_mut());
    Ok(record)
}

/// Reads one record.
pub(super) fn get_placed<R: PlacedRecord>(ctx: &AppContext, id: R::Id) -> ServiceResult<R> {
    R::find(&mut *ctx.conn()?, id)?.ok_or(ServiceError::NotFound(R::WHAT))
}

/// Applies a merge patch at `expected_version`, logs the change, then moves the index entry.
pub(super) fn patch_placed<R: PlacedRecord>(
    ctx: &AppContext,
    id: R::Id,
    expected_version: i64,
    patch: &Value,
    actor: Actor<'_>,
) -> ServiceResult<R> {
    let current: R = get_placed(ctx, id)?;
    let Some((data, fields)) = prepare_patch(&current, expected_version, patch, ctx.today())?
    else {
        return Ok(current);
    };
    let district = R::location(&data).and_then(|p| ctx.spatial().district_of(p));
    let updated = storage::write_transaction(&mut *ctx.conn()?, |conn| {
        // The conditional update comes first so that SQLite takes its write lock at once.
        let Some(updated) = R::update(conn, id, expected_version, &data, district)? else {
            return Err(stale_or_missing(
                R::find(conn, id)?.map(|r| r.version()),
                R::WHAT,
            ));
        };
        record_change(ctx, conn, &updated, Action::Updated, &fields, actor)?;
        Ok(updated)
    })?;
    updated.reindex(&mut ctx.spatial_mut());
    Ok(updated)
}

/// Every version of a record, oldest first.
pub(super) fn history_placed<R: PlacedRecord>(
    ctx: &AppContext,
    id: R::Id,
    raw_id: i64,
) -> ServiceResult<Vec<HistoryEntry>> {
    let mut conn = ctx.conn()?;
    if R::find(&mut conn, id)?.is_none() {
        return Err(ServiceError::NotFound(R::WHAT));
    }
    Ok(change_log::history(&mut conn, R::ENTITY, raw_id)?)
}
