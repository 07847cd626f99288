//! The print register: every printed copy of personal data gets a serial, recorded with the
//! people it shows, who printed it and who holds it; copies are marked returned, and the list of
//! copies still out lets a role change recall every one.

use serde::Deserialize;

use super::access::Caller;
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
        printed_by.actor(),
        holder,
        storage::now(),
    )?)
}

/// The register, in serial order.
///
/// # Errors
/// [`ServiceError::Unavailable`] when the database is down.
pub fn list(
    ctx: &AppContext,
    caller: &Caller,
    query: &PrintQuery,
) -> ServiceResult<Vec<PrintedCopy>> {
    super::registrants::require_register(caller)?;
    let holder = query
        .holder
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty());
    storage::audited_read(&mut *ctx.conn()?, |conn| {
        let copies = prints::list(conn, query.outstanding.unwrap_or(false), holder)?;
        // The register names who holds whose data: reading it is recorded too.
        let mut people: Vec<RegistrantId> = copies
            .iter()
            .flat_map(|c| c.registrant_ids.iter().copied())
            .collect();
        people.sort_unstable();
        people.dedup();
        let record =
            super::access::caller_record(caller, "list", "/api/v1/prints", people, Vec::new());
        super::access::record_in(ctx, conn, &record)?;
        Ok(copies)
    })
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
    super::registrants::require_register(actor)?;
    storage::write_transaction(&mut *ctx.conn()?, |conn| {
        if !prints::mark_returned(conn, serial, actor.actor(), storage::now())? {
            return match prints::find(conn, serial)? {
                Some(_) => Err(ServiceError::AlreadyReturned),
                None => Err(ServiceError::NotFound("printed copy")),
            };
        }
        let copy = prints::find(conn, serial)?.ok_or(ServiceError::NotFound("printed copy"))?;
        let target = format!("print {serial} returned");
        super::access::audit_change(ctx, conn, actor, &target, &copy.registrant_ids)?;
        Ok(copy)
    })
}

/// Withdraws a registered copy whose rendering failed, and records the failure, in one
/// transaction; returns the failure for the caller to answer with.
///
/// # Errors
/// A storage error; else `failure`.
pub(crate) fn withdraw_failed(
    ctx: &AppContext,
    conn: &mut crate::storage::DbConnection,
    actor: Actor<'_>,
    serial: &str,
    shown: &[RegistrantId],
    failure: ServiceError,
) -> ServiceError {
    let recorded = crate::storage::write_transaction(conn, |conn| {
        crate::storage::prints::withdraw(conn, serial)?;
        let record = super::access::caller_record(
            actor,
            "print failed",
            &format!("{serial} withdrawn: {failure}"),
            shown.to_vec(),
            Vec::new(),
        );
        super::access::record_in(ctx, conn, &record)
    });
    match recorded {
        Ok(()) => failure,
        Err(e) => e,
    }
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
    crate::storage::write_transaction(&mut *ctx.conn()?, |conn| {
        let copy = register(conn, kind, registrants, None, actor, holder)?;
        let record = super::access::caller_record(
            actor,
            "print",
            &copy.serial,
            registrants.to_vec(),
            Vec::new(),
        );
        super::access::record_in(ctx, conn, &record)?;
        Ok(copy)
    })
}
