//! Shelters: emergency sites, designated shelters and welfare shelters.

use serde::Deserialize;
use serde_json::Value;

use super::records::{create_placed, get_placed, history_placed, patch_placed};
use super::registrants::{page, page_params};
use super::{Actor, AppContext, Page, ServiceResult};
use crate::domain::codes::ShelterKind;
use crate::domain::shelter::{Shelter, ShelterInput};
use crate::domain::{DistrictId, ShelterId, ValidationErrors};
use crate::storage::change_log::HistoryEntry;
use crate::storage::shelters;

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
/// [`super::ServiceError::Invalid`], [`super::ServiceError::Duplicate`].
pub fn create(ctx: &AppContext, input: &ShelterInput, actor: Actor<'_>) -> ServiceResult<Shelter> {
    create_placed(ctx, input, actor)
}

/// Reads one shelter.
///
/// # Errors
/// [`super::ServiceError::NotFound`].
pub fn get(ctx: &AppContext, id: ShelterId) -> ServiceResult<Shelter> {
    get_placed(ctx, id)
}

/// Corrects a shelter with a JSON merge patch at `expected_version`.
///
/// # Errors
/// [`super::ServiceError::NotFound`], [`super::ServiceError::VersionConflict`],
/// [`super::ServiceError::Invalid`].
pub fn patch(
    ctx: &AppContext,
    id: ShelterId,
    expected_version: i64,
    patch: &Value,
    actor: Actor<'_>,
) -> ServiceResult<Shelter> {
    patch_placed(ctx, id, expected_version, patch, actor)
}

/// Every version of a shelter, oldest first.
///
/// # Errors
/// [`super::ServiceError::NotFound`].
pub fn history(ctx: &AppContext, id: ShelterId) -> ServiceResult<Vec<HistoryEntry>> {
    history_placed::<Shelter>(ctx, id, id.0)
}

/// Lists shelters in id order.
///
/// # Errors
/// [`super::ServiceError::Invalid`] for an unknown kind or a bad limit or cursor.
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
