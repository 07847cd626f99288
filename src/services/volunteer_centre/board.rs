//! The day's board: counts of volunteers, teams and requests, as JSON and CSV.

use super::*;

/// The day's figures for the centre's daily report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayStats {
    pub date: NaiveDate,
    /// Distinct volunteers who checked in that day.
    pub volunteers_checked_in: i64,
    /// Teams of the day (any status).
    pub teams: i64,
    /// Requests reported done by that day's teams.
    pub requests_done: i64,
    /// Requests reported to continue by that day's teams.
    pub requests_continuing: i64,
    /// Requests open now (taken, no team yet).
    pub requests_open: i64,
}

/// The day's statistics.
///
/// # Errors
/// A storage error.
pub fn stats(ctx: &AppContext, day: NaiveDate) -> ServiceResult<DayStats> {
    let mut conn = ctx.conn()?;
    let conn = &mut *conn;
    let outcomes = teams::outcomes_on(conn, day)?;
    let count = |o: ReportOutcome| {
        i64::try_from(outcomes.iter().filter(|(_, x)| *x == o).count()).unwrap_or(i64::MAX)
    };
    Ok(DayStats {
        date: day,
        volunteers_checked_in: volunteers::count_checked_in(conn, day)?,
        teams: i64::try_from(teams::for_day(conn, day)?.len()).unwrap_or(i64::MAX),
        requests_done: count(ReportOutcome::Done),
        requests_continuing: count(ReportOutcome::Continuing),
        requests_open: help_requests::count_status(conn, HelpRequestStatus::Open)?,
    })
}

/// The day's statistics as CSV (UTF-8 with BOM, so Excel opens it), Japanese headers.
///
/// Every cell is a date or a count the service formats itself, never typed text, so none
/// needs the formula guard of [`crate::exchange::excel_safe`]; a text column added here must
/// go through it.
pub fn stats_csv(s: &DayStats) -> String {
    format!(
        "\u{feff}日付,受付したボランティア数,班数,完了したニーズ,継続のニーズ,未対応のニーズ\r\n{},{},{},{},{},{}\r\n",
        s.date,
        s.volunteers_checked_in,
        s.teams,
        s.requests_done,
        s.requests_continuing,
        s.requests_open
    )
}
