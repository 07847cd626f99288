//! Households' help requests (ニーズ): taken, read and listed.

use super::*;

/// Takes a help request; it starts `open`.
///
/// # Errors
/// [`ServiceError::Invalid`] naming each invalid field, `registrant_id` when it names nobody.
pub fn create_help_request(
    ctx: &AppContext,
    caller: &Caller,
    input: &HelpRequestInput,
) -> ServiceResult<HelpRequest> {
    let data = HelpRequestData::parse(input)?;
    audited(ctx, caller, "help request taken", |conn| {
        if let Some(id) = data.registrant_id
            && registrants::find(conn, id)?.is_none()
        {
            return Err(
                ValidationErrors::one("registrant_id", "名簿にこの番号の方はいません").into(),
            );
        }
        Ok(help_requests::insert(conn, &data, storage::now())?)
    })
}

/// Reads one help request.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get_help_request(
    ctx: &AppContext,
    caller: &Caller,
    id: HelpRequestId,
) -> ServiceResult<HelpRequest> {
    audited_read(ctx, caller, &format!("help request {id}"), |conn| {
        help_requests::find(conn, id)?.ok_or(ServiceError::NotFound("help request"))
    })
}

/// Filters of the help-request list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct HelpRequestQuery {
    /// Comma-separated statuses (`open,continuing`); every status when omitted.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Help requests in id order, a page at a time.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unknown status or a bad limit or cursor.
pub fn list_help_requests(
    ctx: &AppContext,
    caller: &Caller,
    query: &HelpRequestQuery,
) -> ServiceResult<Page<HelpRequest>> {
    let mut e = ValidationErrors::new();
    let statuses: Vec<HelpRequestStatus> = query
        .status
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .filter_map(|s| e.check("status", HelpRequestStatus::parse(s)))
        .collect();
    let (limit, after) = crate::services::registrants::page_params(
        ctx,
        query.limit,
        query.cursor.as_deref(),
        &mut e,
    );
    if !e.is_empty() {
        return Err(e.into());
    }
    let items = audited_read(ctx, caller, "help requests", |conn| {
        Ok(help_requests::list(conn, &statuses, after, limit + 1)?)
    })?;
    Ok(crate::services::registrants::page(items, limit, |r| r.id.0))
}
