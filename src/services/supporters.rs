//! Supporters: the neighbours, commissioners and groups who help registrants evacuate.

use serde::Deserialize;
use serde_json::Value;

use super::access::{Caller, ids_target, read_recorded};
use super::records::{create_placed, history_placed, patch_placed};
use super::registrants::require_register;
use super::registrants::{page, page_params};
use super::{Actor, AppContext, Page, ServiceError, ServiceResult};
use crate::domain::codes::SupporterKind;
use crate::domain::supporter::{Supporter, SupporterInput};
use crate::domain::{DistrictId, SupporterId, ValidationErrors};
use crate::storage::change_log::HistoryEntry;
use crate::storage::supporters;

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
/// [`super::ServiceError::Invalid`], [`super::ServiceError::Duplicate`].
pub fn create(
    ctx: &AppContext,
    input: &SupporterInput,
    actor: Actor<'_>,
) -> ServiceResult<Supporter> {
    create_placed(ctx, input, actor)
}

/// Reads one supporter.
///
/// # Errors
/// [`super::ServiceError::NotFound`].
pub fn get(ctx: &AppContext, caller: &Caller, id: SupporterId) -> ServiceResult<Supporter> {
    require_register(caller)?;
    read_recorded(ctx, caller, |conn| {
        let found = supporters::find(conn, id)?.ok_or(ServiceError::NotFound("supporter"))?;
        Ok((found, format!("/api/v1/supporters/{id}")))
    })
}

/// Corrects a supporter with a JSON merge patch at `expected_version`.
///
/// # Errors
/// [`super::ServiceError::NotFound`], [`super::ServiceError::VersionConflict`],
/// [`super::ServiceError::Invalid`].
pub fn patch(
    ctx: &AppContext,
    id: SupporterId,
    expected_version: i64,
    patch: &Value,
    actor: Actor<'_>,
) -> ServiceResult<Supporter> {
    patch_placed(ctx, id, expected_version, patch, actor)
}

/// Every version of a supporter, oldest first.
///
/// # Errors
/// [`super::ServiceError::NotFound`].
pub fn history(
    ctx: &AppContext,
    caller: &Caller,
    id: SupporterId,
) -> ServiceResult<Vec<HistoryEntry>> {
    require_register(caller)?;
    let history = history_placed::<Supporter>(ctx, id, id.0)?;
    read_recorded(ctx, caller, |_| {
        Ok((history.clone(), format!("/api/v1/supporters/{id}/history")))
    })
}

/// Lists supporters in id order.
///
/// # Errors
/// [`super::ServiceError::Invalid`] for an unknown kind or a bad limit or cursor.
pub fn list(
    ctx: &AppContext,
    caller: &Caller,
    query: &ListQuery,
) -> ServiceResult<Page<Supporter>> {
    require_register(caller)?;
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
    read_recorded(ctx, caller, |conn| {
        let found = page(supporters::list(conn, &filter)?, limit, |s| s.id.0);
        let target = ids_target("/api/v1/supporters", found.items.iter().map(|s| s.id.0));
        Ok((found, target))
    })
}
