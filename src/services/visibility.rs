//! What a caller may see of the register, decided once for every face (JSON, CSV, GeoJSON,
//! PDF, pages): which people ([`super::access::Scope`]), which of their fields
//! ([`crate::domain::access::project_registrant`]), and pages that run over the visible people
//! only, so that items, cursors and counts tell nothing of anyone hidden.
//!
//! Services call these inside the transaction that also writes the audit entry of the read.

use serde::Serialize;

use super::access::{Caller, Scope, shown};
use super::registrants::{RegistrantView, page, views};
use super::{AppContext, Page, ServiceError, ServiceResult};
use crate::domain::RegistrantId;
use crate::domain::access::{Grant, project_priority, project_registrant};
use crate::domain::registrant::Registrant;
use crate::storage::{DbConnection, registrants};

/// A record as one caller may see it: already projected for the grant, and serialised as the
/// JSON that caller may see (for a district user, only the fields support needs, with
/// `shared_by` naming the rule that shares the person).
#[derive(Debug, Clone)]
pub struct Seen<T> {
    pub record: T,
    pub grant: Grant,
}

impl<T: Serialize> Serialize for Seen<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        shown(&self.record, self.grant).serialize(serializer)
    }
}

/// A registrant cut to what `grant` shows: the fields a district user may not see are cleared
/// and the priority keeps only the reasons they may see, so a printout made from it cannot
/// show more than the screen.
pub fn project(view: RegistrantView, grant: Grant) -> RegistrantView {
    if grant == Grant::Register {
        return view;
    }
    let RegistrantView {
        mut registrant,
        priority,
    } = view;
    registrant.data = project_registrant(&registrant.data, grant);
    RegistrantView {
        registrant,
        priority: project_priority(&priority, grant),
    }
}

/// Projects a bare record (no priority) for `grant`.
pub fn project_record(mut registrant: Registrant, grant: Grant) -> Registrant {
    registrant.data = project_registrant(&registrant.data, grant);
    registrant
}

/// One registrant as `caller` may see them, or [`ServiceError::NotFound`] when unknown or
/// hidden (a hidden person is not confirmed to exist).
///
/// # Errors
/// As above, and storage errors.
pub(super) fn see(
    ctx: &AppContext,
    conn: &mut DbConnection,
    caller: &Caller,
    id: RegistrantId,
) -> ServiceResult<(Registrant, Grant)> {
    let record = registrants::find(conn, id)?.ok_or(ServiceError::NotFound("registrant"))?;
    let scope = Scope::of(ctx, conn, caller)?;
    let grant = scope
        .grants(ctx, conn, std::slice::from_ref(&record))?
        .pop()
        .flatten()
        .ok_or(ServiceError::NotFound("registrant"))?;
    Ok((record, grant))
}

/// A page over the people `scope` lets its caller see. `fetch(conn, after, n)` gives up to `n`
/// candidates in ascending id order after `after` (`None`: from the start); hidden candidates
/// and those `keep` refuses are skipped, and the next batch is fetched until the page is full,
/// so the page and its cursor are what a database holding only the visible people would give.
///
/// # Errors
/// Storage errors.
pub(super) fn visible_page(
    ctx: &AppContext,
    conn: &mut DbConnection,
    scope: &Scope,
    start: Option<RegistrantId>,
    limit: i64,
    mut fetch: impl FnMut(
        &mut DbConnection,
        Option<RegistrantId>,
        i64,
    ) -> ServiceResult<Vec<Registrant>>,
    mut keep: impl FnMut(&mut DbConnection, &Registrant) -> ServiceResult<bool>,
) -> ServiceResult<Page<Seen<RegistrantView>>> {
    let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
    // A district user sees a share of the candidates: fetch more than the page at a time.
    let batch = if scope.is_limited() {
        (limit + 1).max(200)
    } else {
        limit + 1
    };
    let mut after = start;
    let mut kept: Vec<(Registrant, Grant)> = Vec::new();
    loop {
        let candidates = fetch(conn, after, batch)?;
        let exhausted = usize::try_from(batch).is_ok_and(|b| candidates.len() < b);
        after = candidates.last().map(|r| r.id);
        let grants = scope.grants(ctx, conn, &candidates)?;
        for (record, grant) in candidates.into_iter().zip(grants) {
            let Some(grant) = grant else { continue };
            if keep(conn, &record)? {
                kept.push((record, grant));
                if kept.len() == wanted {
                    break;
                }
            }
        }
        if exhausted || kept.len() == wanted || after.is_none() {
            break;
        }
    }
    let (records, grants): (Vec<Registrant>, Vec<Grant>) = kept.into_iter().unzip();
    let items = views(conn, ctx, records)?
        .into_iter()
        .zip(grants)
        .map(|(view, grant)| Seen {
            record: project(view, grant),
            grant,
        })
        .collect();
    Ok(page(items, limit, |s: &Seen<RegistrantView>| {
        s.record.registrant.id.0
    }))
}

/// The people of a page with the grant each was seen under, for the audit entry.
pub(super) fn seen_of(items: &[Seen<RegistrantView>]) -> Vec<(RegistrantId, Grant)> {
    items
        .iter()
        .map(|s| (s.record.registrant.id, s.grant))
        .collect()
}
