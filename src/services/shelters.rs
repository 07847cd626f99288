//! Shelters: emergency sites, designated shelters and welfare shelters.

use diesel::Connection;
use serde::Deserialize;
use serde_json::Value;

use super::records::{prepare_patch, record_change, stale_or_missing};
use super::registrants::{page, page_params};
use super::{Actor, AppContext, Page, ServiceError, ServiceResult};
use crate::domain::codes::ShelterKind;
use crate::domain::shelter::{Shelter, ShelterData, ShelterInput};
use crate::domain::{DistrictId, ShelterId, ValidationErrors};
use crate::storage::change_log::{self, Action, Entity, HistoryEntry};
use crate::storage::{self, shelters};

/// Query parameters of a shelter list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub district_id: Option<i64>,
    /// A shelter kind code.
    pub kind: Option<String>,
    /// Part of the name.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Adds a shelter.
///
/// # Errors
/// [`ServiceError::Invalid`], [`ServiceError::Duplicate`].
pub fn create(ctx: &AppContext, input: &ShelterInput, actor: Actor<'_>) -> ServiceResult<Shelter> {
    let data = ShelterData::parse(input, ctx.today())?;
    let district = data.location().and_then(|p| ctx.spatial().district_of(p));
    ctx.conn()?.transaction(|conn| {
        let shelter = shelters::insert(conn, &data, district, storage::now())?;
        record_change(conn, &shelter, Action::Created, &[], actor)?;
        Ok(shelter)
    })
}

/// Reads one shelter.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get(ctx: &AppContext, id: ShelterId) -> ServiceResult<Shelter> {
    shelters::find(&mut *ctx.conn()?, id)?.ok_or(ServiceError::NotFound("shelter"))
}

/// Corrects a shelter with a JSON merge patch at `expected_version`.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::VersionConflict`], [`ServiceError::Invalid`].
pub fn patch(
    ctx: &AppContext,
    id: ShelterId,
    expected_version: i64,
    patch: &Value,
    actor: Actor<'_>,
) -> ServiceResult<Shelter> {
    let current = get(ctx, id)?;
    let Some((data, fields)) = prepare_patch(&current, expected_version, patch, ctx.today())?
    else {
        return Ok(current);
    };
    let district = data.location().and_then(|p| ctx.spatial().district_of(p));
    ctx.conn()?.transaction(|conn| {
        let updated = match shelters::update_data(
            conn,
            id,
            expected_version,
            &data,
            district,
            storage::now(),
        )? {
            Some(updated) => updated,
            None => {
                return Err(stale_or_missing(
                    shelters::find(conn, id)?.map(|s| s.version),
                    "shelter",
                ));
            }
        };
        record_change(conn, &updated, Action::Updated, &fields, actor)?;
        Ok(updated)
    })
}

/// Every version of a shelter, oldest first.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn history(ctx: &AppContext, id: ShelterId) -> ServiceResult<Vec<HistoryEntry>> {
    let mut conn = ctx.conn()?;
    if shelters::find(&mut conn, id)?.is_none() {
        return Err(ServiceError::NotFound("shelter"));
    }
    Ok(change_log::history(&mut conn, Entity::Shelter, id.0)?)
}

/// Lists shelters in id order.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unknown kind or a bad limit or cursor.
pub fn list(ctx: &AppContext, query: &ListQuery) -> ServiceResult<Page<Shelter>> {
    let mut errors = ValidationErrors::new();
    let kind = query
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .and_then(|k| errors.check("kind", ShelterKind::parse(k.trim())));
    let (limit, after) = page_params(ctx, query.limit, query.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let filter = shelters::ListFilter {
        district: query.district_id.map(DistrictId),
        kind,
        text: query
            .q
            .as_deref()
            .map(crate::domain::text::normalize_spaces)
            .filter(|q| !q.is_empty()),
        after: after.map(ShelterId),
        limit: limit + 1,
    };
    let items = shelters::list(&mut *ctx.conn()?, &filter)?;
    Ok(page(items, limit, |s| s.id.0))
}
