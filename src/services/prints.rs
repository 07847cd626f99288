//! The print register: every printed copy of personal data gets a serial, recorded with the
//! people it shows, who printed it and who holds it; copies are marked returned, and the list of
//! copies still out lets a role change recall every one.

use serde::Deserialize;

use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::{DistrictId, RegistrantId};
use crate::storage::prints::{self, PrintedCopy};
use crate::storage::{self, DbConnection};

/// Filters of the register.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PrintQuery {
    /// Only copies not yet returned.
    pub outstanding: Option<bool>,
    /// Only copies held by this holder.
    pub holder: Option<String>,
}

/// Registers a copy about to be printed, inside the caller's transaction, and returns it with
/// the serial to print on every page.
pub(crate) fn register(
    conn: &mut DbConnection,
    kind: &str,
    registrants: &[RegistrantId],
    district: Option<DistrictId>,
    printed_by: Actor<'_>,
    holder: &str,
) -> ServiceResult<PrintedCopy> {
    Ok(prints::register(
        conn,
        kind,
        registrants,
        district,
        printed_by,
        holder,
        storage::now(),
    )?)
}

/// The register, in serial order.
///
/// # Errors
/// [`ServiceError::Unavailable`] when the database is down.
pub fn list(ctx: &AppContext, query: &PrintQuery) -> ServiceResult<Vec<PrintedCopy>> {
    let holder = query
        .holder
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty());
    Ok(prints::list(
        &mut *ctx.conn()?,
        query.outstanding.unwrap_or(false),
        holder,
    )?)
}

/// Marks a copy returned.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown serial; [`ServiceError::AlreadyReturned`].
pub fn mark_returned(
    ctx: &AppContext,
    serial: &str,
    actor: Actor<'_>,
) -> ServiceResult<PrintedCopy> {
    let mut conn = ctx.conn()?;
    if !prints::mark_returned(&mut conn, serial, actor, storage::now())? {
        return match prints::find(&mut conn, serial)? {
            Some(_) => Err(ServiceError::AlreadyReturned),
            None => Err(ServiceError::NotFound("printed copy")),
        };
    }
    prints::find(&mut conn, serial)?.ok_or(ServiceError::NotFound("printed copy"))
}

/// Registers a copy in its own transaction (for tools and tests that print outside a request).
///
/// # Errors
/// A storage error.
pub fn register_copy(
    ctx: &AppContext,
    kind: &str,
    registrants: &[RegistrantId],
    holder: &str,
    actor: Actor<'_>,
) -> ServiceResult<PrintedCopy> {
    use diesel::Connection;
    ctx.conn()?
        .transaction(|conn| register(conn, kind, registrants, None, actor, holder))
}
