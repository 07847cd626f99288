//! The disaster volunteer centre: volunteers register (alone or as a group) and check in by
//! registration number, households' help requests are taken, the day's teams are proposed from
//! who is present and what is open (`matching::teams`), adjusted and confirmed by staff, sent
//! out with lent equipment, and the leader's report closes or carries over each request. The
//! day's roster and each team's dispatch slip print through the print register.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::{Actor, AppContext, Page, ServiceError, ServiceResult, prints};
use crate::domain::codes::{
    AgeBand, HelpRequestStatus, ReportOutcome, TeamStatus, VolunteerSkill, WorkType,
};
use crate::domain::volunteer::{
    GroupData, GroupInput, HelpRequest, HelpRequestData, HelpRequestInput, Volunteer,
    VolunteerData, VolunteerInput,
};
use crate::domain::{HelpRequestId, TeamId, ValidationErrors, VolunteerId, text};
use crate::matching::teams as algorithm;
use crate::reports::roster::{
    DispatchSlip, Roster, RosterMember, RosterRequest, RosterTeam, render_roster, render_slip,
};
use crate::storage::teams::{TeamChange, TeamRecord};
use crate::storage::volunteers::CheckIn;
use crate::storage::{self, DbConnection, help_requests, registrants, teams, volunteers};

/// The holder recorded for printed rosters when the request names none.
pub const DEFAULT_HOLDER: &str = "災害ボランティアセンター本部";

/// Parses a `YYYY-MM-DD` day, naming `field` when it is not one.
///
/// # Errors
/// [`ValidationErrors`] under `field`.
pub fn parse_day(field: &str, value: &str) -> Result<NaiveDate, ValidationErrors> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ValidationErrors::one(field, "日付は YYYY-MM-DD の形式で指定してください"))
}

mod board;
mod matching_desk;
mod needs;
mod papers;
mod reception;

pub use board::*;
pub use matching_desk::*;
pub use needs::*;
pub use papers::*;
pub use reception::*;

/// Runs a change of the volunteer centre in one write transaction with its audit entry (the
/// volunteers' and households' data is personal data too).
fn audited<T>(
    ctx: &AppContext,
    caller: &Caller,
    what: &str,
    f: impl FnOnce(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    audited_as(ctx, caller, |conn| Ok((f(conn)?, what.to_owned())))
}

/// [`audited`] where `f` also returns the entry's target, naming the ids it touched.
fn audited_as<T>(
    ctx: &AppContext,
    caller: &Caller,
    f: impl FnOnce(&mut DbConnection) -> ServiceResult<(T, String)>,
) -> ServiceResult<T> {
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let (out, what) = f(conn)?;
        super::access::audit_change(ctx, conn, caller, &format!("volunteer centre: {what}"), &[])?;
        Ok(out)
    })
}

/// Runs a read of the volunteer centre and records it in the same transaction.
fn audited_read<T>(
    ctx: &AppContext,
    caller: &Caller,
    what: &str,
    mut f: impl FnMut(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    audited_read_as(ctx, caller, |conn| Ok((f(conn)?, what.to_owned())))
}

/// [`audited_read`] where `f` also returns the entry's target, naming the ids it read.
fn audited_read_as<T>(
    ctx: &AppContext,
    caller: &Caller,
    mut f: impl FnMut(&mut DbConnection) -> ServiceResult<(T, String)>,
) -> ServiceResult<T> {
    super::access::read_recorded(ctx, caller, |conn| {
        let (out, what) = f(conn)?;
        Ok((out, format!("volunteer centre: {what}")))
    })
}

/// Finds a volunteer by numeric id or by registration number (`V-000123`, any case).
fn find_volunteer(conn: &mut DbConnection, key: &str) -> ServiceResult<Volunteer> {
    let key = key.trim();
    let found = match key.parse::<i64>() {
        Ok(id) => volunteers::find(conn, VolunteerId(id))?,
        Err(_) => volunteers::find_by_number(conn, &key.to_ascii_uppercase())?,
    };
    found.ok_or(ServiceError::NotFound("volunteer"))
}
