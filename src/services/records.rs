//! What the register's editable records have in common: a version, a JSON merge-patch flow and a
//! history entry for every change.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::input::apply_patch;
use super::{Actor, ServiceError, ServiceResult};
use crate::domain::ValidationErrors;
use crate::domain::registrant::{Registrant, RegistrantData, RegistrantInput};
use crate::domain::shelter::{Shelter, ShelterData, ShelterInput};
use crate::domain::supporter::{Supporter, SupporterData, SupporterInput};
use crate::storage::DbConnection;
use crate::storage::change_log::{self, Action, Change, Entity};

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
                self.id.0
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

/// Appends the history entry for a record just written, with the whole record as snapshot.
pub(super) fn record_change<R: Versioned>(
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
            changed_by: actor,
            changed_at: record.updated_at(),
        },
    )?;
    Ok(())
}

/// The error for a conditional update that matched no row: the version moved on (the record
/// exists at `current`), or the record does not exist.
pub(super) fn stale_or_missing(current: Option<i64>, what: &'static str) -> ServiceError {
    match current {
        Some(current) => ServiceError::VersionConflict { current },
        None => ServiceError::NotFound(what),
    }
}
