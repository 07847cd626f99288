//! The home page's figures: per district, how far the register has got (registered,
//! consenting to sharing, with a confirmed plan, still needing supporters), as district
//! offices count them.
//!
//! Counts only, never a person: still, a district user gets only their own districts.

use std::collections::{BTreeMap, BTreeSet};

use super::access::{Caller, Scope};
use super::{AppContext, ServiceResult};
use crate::domain::DistrictId;
use crate::domain::codes::{ConsentKind, PlanStatus};
use crate::storage::{consents, districts, plans, proposals, registrants};

/// One district's figures (`district_id` None: people outside every district).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DistrictProgress {
    pub district_id: Option<DistrictId>,
    pub code: String,
    pub name: String,
    /// Active registrants.
    pub registered: usize,
    /// Of whom the latest register-sharing consent is given.
    pub consenting: usize,
    /// Of whom the plan is confirmed.
    pub confirmed_plans: usize,
    /// Of whom the latest matching left at least one supporter place open.
    pub needing_supporters: usize,
}

/// The figures of every district the caller may see, in code order, and the city's total
/// (for a district user, the total of their districts).
///
/// # Errors
/// [`super::ServiceError::Unavailable`] when the database is down.
pub fn by_district(
    ctx: &AppContext,
    caller: &Caller,
) -> ServiceResult<(Vec<DistrictProgress>, DistrictProgress)> {
    super::registrants::require_register_reader(caller)?;
    let mut conn = ctx.conn()?;
    let conn = &mut conn;
    let scope = Scope::of(ctx, conn, caller)?;
    let mine: Option<BTreeSet<DistrictId>> = scope.districts().map(|d| d.iter().copied().collect());
    let seen = |d: Option<DistrictId>| {
        mine.as_ref()
            .is_none_or(|m| d.is_some_and(|d| m.contains(&d)))
    };
    let placed: Vec<_> = registrants::active_placement(conn)?
        .into_iter()
        .filter(|(_, _, d, _)| seen(*d))
        .collect();
    let ids: Vec<_> = placed.iter().map(|(id, ..)| *id).collect();
    let consenting: BTreeSet<_> =
        consents::latest_of_kind(conn, ConsentKind::RegisterSharing, &ids)?
            .into_iter()
            .filter(|c| c.given)
            .map(|c| c.registrant_id)
            .collect();
    let confirmed: BTreeSet<_> = plans::registrants_with_status(conn, PlanStatus::Confirmed)?
        .into_iter()
        .collect();
    let mut needing: BTreeMap<Option<i64>, usize> = BTreeMap::new();
    for (district, _, _) in proposals::open_supporter_gaps(conn)? {
        *needing.entry(district).or_default() += 1;
    }
    let names = districts::summaries(conn)?;
    let mut rows: BTreeMap<Option<DistrictId>, DistrictProgress> = BTreeMap::new();
    for d in &names {
        if seen(Some(d.id)) {
            rows.insert(Some(d.id), progress(Some(d.id), &d.code, &d.name));
        }
    }
    for (id, _, district, _) in &placed {
        let row = rows
            .entry(*district)
            .or_insert_with(|| progress(None, "", "校区外"));
        row.registered += 1;
        row.consenting += usize::from(consenting.contains(id));
        row.confirmed_plans += usize::from(confirmed.contains(id));
    }
    for (district, row) in &mut rows {
        row.needing_supporters = needing.get(&district.map(|d| d.0)).copied().unwrap_or(0);
    }
    let mut total = progress(None, "", "合計");
    for row in rows.values() {
        total.registered += row.registered;
        total.consenting += row.consenting;
        total.confirmed_plans += row.confirmed_plans;
        total.needing_supporters += row.needing_supporters;
    }
    let mut rows: Vec<_> = rows.into_values().collect();
    // Districts by code; people outside every district last.
    rows.sort_by(|a, b| {
        (a.district_id.is_none(), &a.code).cmp(&(b.district_id.is_none(), &b.code))
    });
    Ok((rows, total))
}

fn progress(district_id: Option<DistrictId>, code: &str, name: &str) -> DistrictProgress {
    DistrictProgress {
        district_id,
        code: code.to_owned(),
        name: name.to_owned(),
        registered: 0,
        consenting: 0,
        confirmed_plans: 0,
        needing_supporters: 0,
    }
}
