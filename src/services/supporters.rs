//! Supporters: the neighbours, commissioners and groups who help registrants evacuate.

use diesel::Connection;
use serde::Deserialize;
use serde_json::Value;

use super::records::{prepare_patch, record_change, stale_or_missing};
use super::registrants::{page, page_params};
use super::{Actor, AppContext, Page, ServiceError, ServiceResult};
use crate::domain::codes::SupporterKind;
use crate::domain::supporter::{Supporter, SupporterData, SupporterInput};
use crate::domain::{DistrictId, SupporterId, ValidationErrors};
use crate::storage::change_log::{self, Action, Entity, HistoryEntry};
use crate::storage::{self, supporters};

/// Query parameters of a supporter list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub district_id: Option<i64>,
    /// A supporter kind code.
    pub kind: Option<String>,
    /// Part of the name or kana.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Adds a supporter.
///
/// # Errors
/// [`ServiceError::Invalid`], [`ServiceError::Duplicate`].
pub fn create(
    ctx: &AppContext,
    input: &SupporterInput,
    actor: Actor<'_>,
) -> ServiceResult<Supporter> {
    let data = SupporterData::parse(input, ctx.today())?;
    let district = data.location().and_then(|p| ctx.spatial().district_of(p));
    ctx.conn()?.transaction(|conn| {
        let supporter = supporters::insert(conn, &data, district, storage::now())?;
        record_change(conn, &supporter, Action::Created, &[], actor)?;
        Ok(supporter)
    })
}

/// Reads one supporter.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get(ctx: &AppContext, id: SupporterId) -> ServiceResult<Supporter> {
    supporters::find(&mut *ctx.conn()?, id)?.ok_or(ServiceError::NotFound("supporter"))
}

/// Corrects a supporter with a JSON merge patch at `expected_version`.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::VersionConflict`], [`ServiceError::Invalid`].
pub fn patch(
    ctx: &AppContext,
    id: SupporterId,
    expected_version: i64,
    patch: &Value,
    actor: Actor<'_>,
) -> ServiceResult<Supporter> {
    let current = get(ctx, id)?;
    let Some((data, fields)) = prepare_patch(&current, expected_version, patch, ctx.today())?
    else {
        return Ok(current);
    };
    let district = data.location().and_then(|p| ctx.spatial().district_of(p));
    ctx.conn()?.transaction(|conn| {
        let updated = match supporters::update_data(
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
                    supporters::find(conn, id)?.map(|s| s.version),
                    "supporter",
                ));
            }
        };
        record_change(conn, &updated, Action::Updated, &fields, actor)?;
        Ok(updated)
    })
}

/// Every version of a supporter, oldest first.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn history(ctx: &AppContext, id: SupporterId) -> ServiceResult<Vec<HistoryEntry>> {
    let mut conn = ctx.conn()?;
    if supporters::find(&mut conn, id)?.is_none() {
        return Err(ServiceError::NotFound("supporter"));
    }
    Ok(change_log::history(&mut conn, Entity::Supporter, id.0)?)
}

/// Lists supporters in id order.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unknown kind or a bad limit or cursor.
pub fn list(ctx: &AppContext, query: &ListQuery) -> ServiceResult<Page<Supporter>> {
    let mut errors = ValidationErrors::new();
    let kind = query
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .and_then(|k| errors.check("kind", SupporterKind::parse(k.trim())));
    let (limit, after) = page_params(ctx, query.limit, query.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let filter = supporters::ListFilter {
        district: query.district_id.map(DistrictId),
        kind,
        text: query
            .q
            .as_deref()
            .map(crate::domain::text::normalize_spaces)
            .filter(|q| !q.is_empty()),
        after: after.map(SupporterId),
        limit: limit + 1,
    };
    let items = supporters::list(&mut *ctx.conn()?, &filter)?;
    Ok(page(items, limit, |s| s.id.0))
}
