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

// ---------------------------------------------------------------------------------------------
// Volunteers

/// A group registered together.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Party {
    pub party_id: VolunteerId,
    pub party_name: String,
    pub members: Vec<Volunteer>,
}

/// Registers one volunteer and gives them a registration number.
///
/// # Errors
/// [`ServiceError::Invalid`] naming each invalid field (no insurance, a minor without a
/// guardian's consent…).
pub fn register_volunteer(
    ctx: &AppContext,
    caller: &Caller,
    input: &VolunteerInput,
) -> ServiceResult<Volunteer> {
    let data = VolunteerData::parse(
        input,
        ctx.today(),
        ctx.settings.volunteer_insurance_required,
    )?;
    audited(ctx, caller, "volunteer registered", |conn| {
        Ok(volunteers::insert(conn, &data, None, storage::now())?)
    })
}

/// Registers a group: every member gets a registration number; they share a party id (the
/// first member's) so that a proposal never splits them.
///
/// # Errors
/// [`ServiceError::Invalid`] naming each invalid field as `members[i].field`.
pub fn register_group(
    ctx: &AppContext,
    caller: &Caller,
    input: &GroupInput,
) -> ServiceResult<Party> {
    let group = GroupData::parse(
        input,
        ctx.today(),
        ctx.settings.volunteer_insurance_required,
    )?;
    audited(ctx, caller, "volunteer group registered", |conn| {
        let now = storage::now();
        let mut members = Vec::with_capacity(group.members.len());
        let mut party = None;
        for data in &group.members {
            let v = volunteers::insert(conn, data, Some((party, &group.party_name)), now)?;
            party = party.or(v.party_id);
            members.push(v);
        }
        Ok(Party {
            party_id: party.unwrap_or(VolunteerId(0)),
            party_name: group.party_name.clone(),
            members,
        })
    })
}

/// Runs a change of the volunteer centre in one write transaction with its audit entry (the
/// volunteers' and households' data is personal data too).
fn audited<T>(
    ctx: &AppContext,
    caller: &Caller,
    what: &str,
    f: impl FnOnce(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let out = f(conn)?;
        super::access::audit_change(ctx, conn, caller, &format!("volunteer centre: {what}"), &[])?;
        Ok(out)
    })
}

/// Runs a read of the volunteer centre and records it in the same transaction.
fn audited_read<T>(
    ctx: &AppContext,
    caller: &Caller,
    what: &str,
    f: impl FnOnce(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let out = f(conn)?;
        let record = super::access::caller_record(
            caller,
            "read",
            &format!("volunteer centre: {what}"),
            Vec::new(),
            Vec::new(),
        );
        super::access::record_in(ctx, conn, &record)?;
        Ok(out)
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

/// Reads one volunteer.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get_volunteer(ctx: &AppContext, caller: &Caller, key: &str) -> ServiceResult<Volunteer> {
    audited_read(ctx, caller, &format!("volunteer {}", key.trim()), |conn| {
        find_volunteer(conn, key)
    })
}

/// The day of a check-in or check-out; today in Japan when omitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// YYYY-MM-DD; today (Japan time) when omitted.
    pub date: Option<String>,
}

impl DayInput {
    fn day(&self, ctx: &AppContext) -> Result<NaiveDate, ValidationErrors> {
        match self.date.as_deref() {
            Some(d) => parse_day("date", d),
            None => Ok(ctx.today()),
        }
    }
}

/// A check-in and whether it was made now (false: the volunteer was already checked in).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckInResult {
    #[serde(flatten)]
    pub check_in: CheckIn,
    pub registration_number: String,
    pub name: String,
    pub insured: bool,
    pub created: bool,
}

/// Checks a returning volunteer in for the day; checking in twice returns the open check-in.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id or number; [`ServiceError::Invalid`] for a bad
/// date.
pub fn check_in(
    ctx: &AppContext,
    caller: &Caller,
    key: &str,
    input: &DayInput,
) -> ServiceResult<CheckInResult> {
    let day = input.day(ctx)?;
    audited(
        ctx,
        caller,
        &format!("volunteer {} check-in", key.trim()),
        |conn| {
            let v = find_volunteer(conn, key)?;
            let (check_in, created) = match volunteers::open_check_in(conn, v.id, day)? {
                Some(open) => (open, false),
                None => (
                    volunteers::insert_check_in(conn, v.id, day, storage::now())?,
                    true,
                ),
            };
            Ok(CheckInResult {
                check_in,
                registration_number: v.registration_number,
                name: v.data.name,
                insured: v.data.insured,
                created,
            })
        },
    )
}

/// Checks a volunteer out.
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::WrongState`] when not checked in that day.
pub fn check_out(
    ctx: &AppContext,
    caller: &Caller,
    key: &str,
    input: &DayInput,
) -> ServiceResult<CheckIn> {
    let day = input.day(ctx)?;
    audited(
        ctx,
        caller,
        &format!("volunteer {} check-out", key.trim()),
        |conn| {
            let v = find_volunteer(conn, key)?;
            let open = volunteers::open_check_in(conn, v.id, day)?.ok_or_else(|| {
                ServiceError::WrongState("この日の受付（チェックイン）がありません".into())
            })?;
            Ok(volunteers::check_out(conn, open.id, storage::now())?)
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Help requests

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
    let (limit, after) =
        super::registrants::page_params(ctx, query.limit, query.cursor.as_deref(), &mut e);
    if !e.is_empty() {
        return Err(e.into());
    }
    let items = audited_read(ctx, caller, "help requests", |conn| {
        Ok(help_requests::list(conn, &statuses, after, limit + 1)?)
    })?;
    Ok(super::registrants::page(items, limit, |r| r.id.0))
}

// ---------------------------------------------------------------------------------------------
// Teams

/// A member as a team shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub id: VolunteerId,
    pub registration_number: String,
    pub name: String,
    pub phone: String,
    pub age_band: AgeBand,
    pub insured: bool,
    pub party_name: Option<String>,
    pub skills: Vec<VolunteerSkill>,
}

impl From<&Volunteer> for MemberView {
    fn from(v: &Volunteer) -> Self {
        Self {
            id: v.id,
            registration_number: v.registration_number.clone(),
            name: v.data.name.clone(),
            phone: v.data.phone.clone(),
            age_band: v.data.age_band,
            insured: v.data.insured,
            party_name: v.party_name.clone(),
            skills: v.data.skills.clone(),
        }
    }
}

/// A destination as a team shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRequestView {
    pub id: HelpRequestId,
    pub requester_name: String,
    pub address: String,
    pub phone: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub work_types: Vec<WorkType>,
    pub people_needed: u32,
    pub skills_needed: Vec<VolunteerSkill>,
    pub priority: u8,
    pub status: HelpRequestStatus,
    pub is_registrant: bool,
    pub outcome: Option<ReportOutcome>,
    pub report_notes: Option<String>,
}

/// A team with its people and places spelled out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    pub id: TeamId,
    pub version: i64,
    pub date: NaiveDate,
    pub number: i32,
    pub status: TeamStatus,
    pub leader: Option<MemberView>,
    pub members: Vec<MemberView>,
    pub requests: Vec<TeamRequestView>,
    pub equipment: Vec<crate::storage::teams::Equipment>,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub departed_at: Option<chrono::NaiveDateTime>,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub returned_at: Option<chrono::NaiveDateTime>,
}

/// Builds views of teams with two queries for all their people and places.
fn views(conn: &mut DbConnection, records: Vec<TeamRecord>) -> ServiceResult<Vec<TeamView>> {
    let vids: BTreeSet<VolunteerId> = records
        .iter()
        .flat_map(|t| t.member_ids.iter().copied().chain(t.leader_id))
        .collect();
    let rids: BTreeSet<HelpRequestId> = records
        .iter()
        .flat_map(|t| t.requests.iter().map(|r| r.request_id))
        .collect();
    let people: BTreeMap<VolunteerId, Volunteer> =
        volunteers::find_many(conn, &vids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
    let places: BTreeMap<HelpRequestId, HelpRequest> =
        help_requests::find_many(conn, &rids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    Ok(records
        .into_iter()
        .map(|t| TeamView {
            id: t.id,
            version: t.version,
            date: t.day,
            number: t.number,
            status: t.status,
            leader: t
                .leader_id
                .and_then(|l| people.get(&l))
                .map(MemberView::from),
            members: t
                .member_ids
                .iter()
                .filter_map(|m| people.get(m))
                .map(MemberView::from)
                .collect(),
            requests: t
                .requests
                .iter()
                .filter_map(|tr| {
                    let r = places.get(&tr.request_id)?;
                    Some(TeamRequestView {
                        id: r.id,
                        requester_name: r.data.requester_name.clone(),
                        address: r.data.address.clone(),
                        phone: r.data.phone.clone(),
                        latitude: r.data.latitude,
                        longitude: r.data.longitude,
                        work_types: r.data.work_types.clone(),
                        people_needed: r.data.people_needed,
                        skills_needed: r.data.skills_needed.clone(),
                        priority: r.data.priority,
                        status: r.status,
                        is_registrant: r.is_registrant,
                        outcome: tr.outcome,
                        report_notes: tr.report_notes.clone(),
                    })
                })
                .collect(),
            equipment: t.equipment,
            departed_at: t.departed_at,
            returned_at: t.returned_at,
        })
        .collect())
}

fn load_team(conn: &mut DbConnection, id: TeamId) -> ServiceResult<TeamRecord> {
    teams::find(conn, id)?.ok_or(ServiceError::NotFound("team"))
}

fn view_team(conn: &mut DbConnection, id: TeamId) -> ServiceResult<TeamView> {
    let record = load_team(conn, id)?;
    views(conn, vec![record])?
        .pop()
        .ok_or(ServiceError::NotFound("team"))
}

/// A request the proposal could not staff, and why (Japanese, for staff).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmetRequest {
    pub request_id: HelpRequestId,
    pub reason: String,
}

/// The day's proposal as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    pub date: NaiveDate,
    /// Every team of the day: the confirmed ones kept, the new proposals after them.
    pub teams: Vec<TeamView>,
    pub unmet: Vec<UnmetRequest>,
    /// Volunteers present but in no team.
    pub idle: Vec<VolunteerId>,
}

/// Proposes the day's teams from the volunteers checked in (and not out) and the open and
/// continuing requests, replacing earlier proposals of the day that staff have not confirmed.
/// Confirmed teams stay, and their people and requests are not proposed again.
///
/// # Errors
/// A storage error.
pub fn propose(ctx: &AppContext, caller: &Caller, day: NaiveDate) -> ServiceResult<Proposal> {
    audited(ctx, caller, &format!("teams proposed for {day}"), |conn| {
        teams::delete_proposed(conn, day)?;
        let kept = teams::for_day(conn, day)?;
        let busy: BTreeSet<VolunteerId> = kept
            .iter()
            .flat_map(|t| t.member_ids.iter().copied())
            .collect();
        let taken: BTreeSet<HelpRequestId> = kept
            .iter()
            .flat_map(|t| t.requests.iter().map(|r| r.request_id))
            .collect();
        let experienced = volunteers::came_before(conn, day)?;
        let people: Vec<algorithm::Volunteer> = volunteers::present_on(conn, day)?
            .into_iter()
            .filter(|v| !busy.contains(&v.id))
            .map(|v| algorithm::Volunteer {
                id: v.id.0,
                party: v.party_id.map(|p| p.0),
                skills: v
                    .data
                    .skills
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
                experienced: experienced.binary_search(&v.id).is_ok(),
                minor: v.data.is_minor(),
            })
            .collect();
        let open = help_requests::list(
            conn,
            &[HelpRequestStatus::Open, HelpRequestStatus::Continuing],
            None,
            i64::MAX,
        )?;
        let requests: Vec<algorithm::Request> = open
            .iter()
            .filter(|r| !taken.contains(&r.id))
            .map(|r| algorithm::Request {
                id: r.id.0,
                lat: r.data.latitude,
                lon: r.data.longitude,
                people_needed: r.data.people_needed,
                skills_needed: r
                    .data
                    .skills_needed
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
                priority: r.data.priority,
                continuing: r.status == HelpRequestStatus::Continuing,
            })
            .collect();
        let plan = algorithm::propose(&people, &requests, &algorithm::Options::default());
        let first = teams::max_number(conn, day)?;
        let now = storage::now();
        for (team, number) in plan.teams.iter().zip(first + 1..) {
            let members: Vec<VolunteerId> = team.members.iter().copied().map(VolunteerId).collect();
            let places: Vec<HelpRequestId> =
                team.requests.iter().copied().map(HelpRequestId).collect();
            teams::insert(
                conn,
                day,
                number,
                Some(VolunteerId(team.leader)),
                &members,
                &places,
                now,
            )?;
        }
        let all = teams::for_day(conn, day)?;
        Ok(Proposal {
            date: day,
            teams: views(conn, all)?,
            unmet: plan
                .unmet
                .into_iter()
                .map(|u| UnmetRequest {
                    request_id: HelpRequestId(u.request),
                    reason: u.reason,
                })
                .collect(),
            idle: plan.idle.into_iter().map(VolunteerId).collect(),
        })
    })
}

/// The teams of a day.
///
/// # Errors
/// A storage error.
pub fn teams_of_day(ctx: &AppContext, day: NaiveDate) -> ServiceResult<Vec<TeamView>> {
    let mut conn = ctx.conn()?;
    let records = teams::for_day(&mut conn, day)?;
    views(&mut conn, records)
}

/// Reads one team.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get_team(ctx: &AppContext, id: TeamId) -> ServiceResult<TeamView> {
    view_team(&mut *ctx.conn()?, id)
}

/// Staff's adjustment of a team; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    /// The whole new member list (volunteer ids).
    pub members: Option<Vec<i64>>,
    pub leader_id: Option<i64>,
    /// The whole new list of destinations (help request ids), in serving order.
    pub request_ids: Option<Vec<i64>>,
}

fn bump(conn: &mut DbConnection, team: &TeamRecord, change: &TeamChange) -> ServiceResult<()> {
    if teams::update(conn, team.id, team.version, change, storage::now())? {
        Ok(())
    } else {
        let current = load_team(conn, team.id)?.version;
        Err(ServiceError::VersionConflict { current })
    }
}

/// Changes a team's members, leader or destinations, checked against the day: members must be
/// checked in and in no other team, destinations open (or continuing) and in no other team.
///
/// # Errors
/// [`ServiceError::VersionConflict`] when `version` is stale; [`ServiceError::Invalid`] naming
/// the member or request at fault; [`ServiceError::WrongState`] once the team has left.
pub fn update_team(
    ctx: &AppContext,
    caller: &Caller,
    id: TeamId,
    version: i64,
    patch: &TeamPatch,
) -> ServiceResult<TeamView> {
    audited(ctx, caller, &format!("team {id} changed"), |conn| {
        let team = load_team(conn, id)?;
        if team.version != version {
            return Err(ServiceError::VersionConflict {
                current: team.version,
            });
        }
        if !matches!(team.status, TeamStatus::Proposed | TeamStatus::Confirmed) {
            return Err(ServiceError::WrongState(
                "出発した班の編成は変更できません".into(),
            ));
        }
        let others: Vec<TeamRecord> = teams::for_day(conn, team.day)?
            .into_iter()
            .filter(|t| t.id != team.id)
            .collect();
        let mut e = ValidationErrors::new();
        let members: Vec<VolunteerId> = match &patch.members {
            Some(ids) => {
                let present: BTreeSet<VolunteerId> = volunteers::present_on(conn, team.day)?
                    .into_iter()
                    .map(|v| v.id)
                    .collect();
                let elsewhere: BTreeSet<VolunteerId> = others
                    .iter()
                    .flat_map(|t| t.member_ids.iter().copied())
                    .collect();
                if ids.is_empty() {
                    e.push("members", "メンバーを1人以上指定してください");
                }
                for (i, &raw) in ids.iter().enumerate() {
                    let v = VolunteerId(raw);
                    if !present.contains(&v) {
                        e.push(
                            format!("members[{i}]"),
                            "この日に受付（チェックイン）していない方です",
                        );
                    } else if elsewhere.contains(&v) {
                        e.push(format!("members[{i}]"), "ほかの班に入っている方です");
                    }
                }
                let mut m: Vec<VolunteerId> = ids.iter().copied().map(VolunteerId).collect();
                m.sort_unstable();
                m.dedup();
                m
            }
            None => team.member_ids.clone(),
        };
        let leader = patch.leader_id.map(VolunteerId).or(team.leader_id);
        match leader {
            Some(l) if members.contains(&l) => {}
            _ => e.push("leader_id", "リーダーは班のメンバーから選んでください"),
        }
        let current: Vec<HelpRequestId> = team.requests.iter().map(|r| r.request_id).collect();
        let requests: Vec<HelpRequestId> = match &patch.request_ids {
            Some(ids) => {
                let elsewhere: BTreeSet<HelpRequestId> = others
                    .iter()
                    .flat_map(|t| t.requests.iter().map(|r| r.request_id))
                    .collect();
                let wanted: Vec<HelpRequestId> = ids.iter().copied().map(HelpRequestId).collect();
                let found: BTreeMap<HelpRequestId, HelpRequest> =
                    help_requests::find_many(conn, &wanted)?
                        .into_iter()
                        .map(|r| (r.id, r))
                        .collect();
                for (i, rid) in wanted.iter().enumerate() {
                    let field = format!("request_ids[{i}]");
                    match found.get(rid) {
                        None => e.push(field, "この番号のニーズはありません"),
                        Some(_) if elsewhere.contains(rid) => {
                            e.push(field, "ほかの班が担当しているニーズです")
                        }
                        Some(r)
                            if !current.contains(rid)
                                && !matches!(
                                    r.status,
                                    HelpRequestStatus::Open | HelpRequestStatus::Continuing
                                ) =>
                        {
                            e.push(field, "未対応または継続のニーズだけを割り当てられます")
                        }
                        Some(_) => {}
                    }
                }
                let mut seen = BTreeSet::new();
                wanted.into_iter().filter(|r| seen.insert(*r)).collect()
            }
            None => current.clone(),
        };
        if !e.is_empty() {
            return Err(e.into());
        }
        bump(
            conn,
            &team,
            &TeamChange {
                leader_id: Some(leader),
                ..TeamChange::default()
            },
        )?;
        if patch.members.is_some() {
            teams::replace_members(conn, team.id, &members)?;
        }
        if patch.request_ids.is_some() {
            teams::replace_requests(conn, team.id, &requests)?;
            if team.status == TeamStatus::Confirmed {
                let now = storage::now();
                let added: Vec<_> = requests
                    .iter()
                    .filter(|r| !current.contains(r))
                    .copied()
                    .collect();
                let removed: Vec<_> = current
                    .iter()
                    .filter(|r| !requests.contains(r))
                    .copied()
                    .collect();
                help_requests::set_status(conn, &added, HelpRequestStatus::Assigned, now)?;
                help_requests::set_status(conn, &removed, HelpRequestStatus::Open, now)?;
            }
        }
        view_team(conn, team.id)
    })
}

/// Moves a team from one status to the next, with the request updates that go with it.
fn transition(
    ctx: &AppContext,
    caller: &Caller,
    id: TeamId,
    from: TeamStatus,
    to: TeamStatus,
    refusal: &str,
) -> ServiceResult<TeamView> {
    audited(ctx, caller, &format!("team {id} {}", to.as_str()), |conn| {
        let team = load_team(conn, id)?;
        if team.status != from {
            return Err(ServiceError::WrongState(format!(
                "{refusal}（現在の状態: {}）",
                team.status.label_ja()
            )));
        }
        let now = storage::now();
        let change = TeamChange {
            status: Some(to),
            departed_at: (to == TeamStatus::Departed).then_some(now),
            returned_at: (to == TeamStatus::Returned).then_some(now),
            ..TeamChange::default()
        };
        bump(conn, &team, &change)?;
        if to == TeamStatus::Confirmed {
            if team.member_ids.is_empty() || team.leader_id.is_none() {
                return Err(ServiceError::WrongState(
                    "メンバーとリーダーのいない班は確定できません".into(),
                ));
            }
            let ids: Vec<HelpRequestId> = team.requests.iter().map(|r| r.request_id).collect();
            help_requests::set_status(conn, &ids, HelpRequestStatus::Assigned, now)?;
        }
        view_team(conn, id)
    })
}

/// Staff confirm a proposed team; its requests become `assigned`.
///
/// # Errors
/// [`ServiceError::WrongState`] unless the team is proposed.
pub fn confirm_team(ctx: &AppContext, caller: &Caller, id: TeamId) -> ServiceResult<TeamView> {
    transition(
        ctx,
        caller,
        id,
        TeamStatus::Proposed,
        TeamStatus::Confirmed,
        "提案中の班だけを確定できます",
    )
}

/// Records the departure time of a confirmed team.
///
/// # Errors
/// [`ServiceError::WrongState`] unless the team is confirmed.
pub fn depart_team(ctx: &AppContext, caller: &Caller, id: TeamId) -> ServiceResult<TeamView> {
    transition(
        ctx,
        caller,
        id,
        TeamStatus::Confirmed,
        TeamStatus::Departed,
        "確定した班だけが出発できます",
    )
}

/// Records the return time of a team that departed.
///
/// # Errors
/// [`ServiceError::WrongState`] unless the team departed.
pub fn return_team(ctx: &AppContext, caller: &Caller, id: TeamId) -> ServiceResult<TeamView> {
    transition(
        ctx,
        caller,
        id,
        TeamStatus::Departed,
        TeamStatus::Returned,
        "出発した班だけが帰着できます",
    )
}

/// One lent item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EquipmentItem {
    pub item: Option<String>,
    /// 1 when omitted.
    pub quantity: Option<i64>,
}

/// Equipment lent to a team.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LendInput {
    pub items: Option<Vec<EquipmentItem>>,
}

/// Equipment returned: the listed ids, or everything still out when `ids` is omitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    pub ids: Option<Vec<i64>>,
}

/// Records equipment lent to a team.
///
/// # Errors
/// [`ServiceError::Invalid`] naming `items[i].item` or `items[i].quantity`.
pub fn lend_equipment(
    ctx: &AppContext,
    caller: &Caller,
    id: TeamId,
    input: &LendInput,
) -> ServiceResult<TeamView> {
    let mut e = ValidationErrors::new();
    let items = input.items.as_deref().unwrap_or_default();
    if items.is_empty() {
        e.push("items", "貸し出す資機材を1つ以上入力してください");
    }
    let mut rows = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let name = match it.item.as_deref() {
            Some(v) => e.check(
                &format!("items[{i}].item"),
                text::required(v, text::MAX_SHORT),
            ),
            None => {
                e.push(format!("items[{i}].item"), "必須項目です");
                None
            }
        };
        let quantity = match it.quantity.unwrap_or(1) {
            q @ 1..=1000 => i32::try_from(q).ok(),
            _ => {
                e.push(
                    format!("items[{i}].quantity"),
                    "数量は1〜1000で入力してください",
                );
                None
            }
        };
        if let (Some(name), Some(q)) = (name, quantity) {
            rows.push((name, q));
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    audited(ctx, caller, &format!("team {id} equipment lent"), |conn| {
        let team = load_team(conn, id)?;
        teams::lend(conn, team.id, &rows, storage::now())?;
        view_team(conn, id)
    })
}

/// Records equipment returned by a team.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown team.
pub fn return_equipment(
    ctx: &AppContext,
    caller: &Caller,
    id: TeamId,
    input: &ReturnInput,
) -> ServiceResult<TeamView> {
    audited(
        ctx,
        caller,
        &format!("team {id} equipment returned"),
        |conn| {
            let team = load_team(conn, id)?;
            teams::return_equipment(
                conn,
                team.id,
                input.ids.as_deref().unwrap_or_default(),
                storage::now(),
            )?;
            view_team(conn, id)
        },
    )
}

/// The leader's report on one destination.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub request_id: Option<i64>,
    /// `done` or `continuing` (carried over: proposed again first the next day).
    pub outcome: Option<String>,
    pub notes: Option<String>,
}

/// Records the leader's report: the request becomes `done`, or `continuing` and comes back
/// first in the next day's proposal.
///
/// # Errors
/// [`ServiceError::Invalid`] naming `request_id` (not this team's) or `outcome`;
/// [`ServiceError::WrongState`] for a team not yet confirmed.
pub fn report(
    ctx: &AppContext,
    caller: &Caller,
    id: TeamId,
    input: &ReportInput,
) -> ServiceResult<TeamView> {
    let mut e = ValidationErrors::new();
    let outcome = match input.outcome.as_deref() {
        Some(o) => e.check("outcome", ReportOutcome::parse(o.trim())),
        None => {
            e.push("outcome", "必須項目です");
            None
        }
    };
    if input.request_id.is_none() {
        e.push("request_id", "必須項目です");
    }
    let notes = e
        .check(
            "notes",
            text::optional(input.notes.as_deref(), text::MAX_NOTE),
        )
        .flatten();
    let (Some(outcome), Some(request)) = (outcome, input.request_id.map(HelpRequestId)) else {
        return Err(e.into());
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    audited(ctx, caller, &format!("team {id} report"), |conn| {
        let team = load_team(conn, id)?;
        if team.status == TeamStatus::Proposed {
            return Err(ServiceError::WrongState(
                "確定していない班の報告は受け付けられません".into(),
            ));
        }
        let now = storage::now();
        if !teams::report(conn, team.id, request, outcome, notes.as_deref(), now)? {
            return Err(ValidationErrors::one("request_id", "この班の活動先ではありません").into());
        }
        let status = match outcome {
            ReportOutcome::Done => HelpRequestStatus::Done,
            ReportOutcome::Continuing => HelpRequestStatus::Continuing,
        };
        help_requests::set_status(conn, &[request], status, now)?;
        bump(conn, &team, &TeamChange::default())?;
        view_team(conn, id)
    })
}

// ---------------------------------------------------------------------------------------------
// Printing and statistics

/// A printed document and its serial.
#[derive(Debug, Clone)]
pub struct Printed {
    pub bytes: Vec<u8>,
    pub serial: String,
}

fn roster_team(view: &TeamView) -> RosterTeam {
    let member = |m: &MemberView| RosterMember {
        registration_number: m.registration_number.clone(),
        name: m.name.clone(),
        phone: m.phone.clone(),
        insured: m.insured,
        party_name: m.party_name.clone(),
        minor: m.age_band.is_minor(),
    };
    RosterTeam {
        number: view.number,
        status: view.status.label_ja().to_owned(),
        leader: view.leader.as_ref().map(member),
        members: view.members.iter().map(member).collect(),
        requests: view
            .requests
            .iter()
            .map(|r| RosterRequest {
                id: r.id.0,
                requester_name: r.requester_name.clone(),
                address: r.address.clone(),
                phone: r.phone.clone(),
                work: r
                    .work_types
                    .iter()
                    .map(|w| w.label_ja())
                    .collect::<Vec<_>>()
                    .join("・"),
                people_needed: r.people_needed,
                details: if r.skills_needed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "必要な技能: {}",
                        r.skills_needed
                            .iter()
                            .map(|s| s.label_ja())
                            .collect::<Vec<_>>()
                            .join("・")
                    )
                },
                latitude: r.latitude,
                longitude: r.longitude,
            })
            .collect(),
        equipment: view
            .equipment
            .iter()
            .map(|e| {
                let back = if e.returned_at.is_some() {
                    "（返却済）"
                } else {
                    ""
                };
                format!("{}×{}{back}", e.item, e.quantity)
            })
            .collect(),
    }
}

/// Registrants of the register whose homes the listed teams visit: the print register must
/// know every printed copy that carries their data.
fn registrants_shown(
    conn: &mut DbConnection,
    views: &[TeamView],
) -> ServiceResult<Vec<crate::domain::RegistrantId>> {
    let ids: Vec<HelpRequestId> = views
        .iter()
        .flat_map(|t| t.requests.iter().filter(|r| r.is_registrant).map(|r| r.id))
        .collect();
    let mut out: Vec<_> = help_requests::find_many(conn, &ids)?
        .into_iter()
        .filter_map(|r| r.data.registrant_id)
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The day's roster as PDF, registered in the print register (kind `roster`). If rendering
/// fails the registration is rolled back.
///
/// # Errors
/// A storage error, or [`ServiceError::Storage`] wrapping a render failure.
pub fn roster_pdf(
    ctx: &AppContext,
    day: NaiveDate,
    holder: &str,
    actor: Actor<'_>,
) -> ServiceResult<Printed> {
    let holder = holder_or_default(holder);
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let records = teams::for_day(conn, day)?;
        let views = views(conn, records)?;
        let shown = registrants_shown(conn, &views)?;
        let copy = prints::register(conn, "roster", &shown, None, actor, &holder)?;
        super::access::record_in(
            ctx,
            conn,
            &super::access::caller_record(actor, "print", &copy.serial, shown.clone(), Vec::new()),
        )?;
        let roster = Roster {
            serial: copy.serial.clone(),
            day,
            printed_by: actor.actor().to_owned(),
            holder,
            teams: views.iter().map(roster_team).collect(),
        };
        let bytes = render_roster(&roster).map_err(render_failed)?;
        Ok(Printed {
            bytes,
            serial: copy.serial,
        })
    })
}

/// One team's dispatch slip as PDF, registered (kind `dispatch_slip`), held by the leader.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown team.
pub fn slip_pdf(ctx: &AppContext, id: TeamId, actor: Actor<'_>) -> ServiceResult<Printed> {
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let view = view_team(conn, id)?;
        let shown = registrants_shown(conn, std::slice::from_ref(&view))?;
        let holder = match &view.leader {
            Some(l) => format!("第{}班リーダー {}", view.number, l.registration_number),
            None => format!("第{}班", view.number),
        };
        let copy = prints::register(conn, "dispatch_slip", &shown, None, actor, &holder)?;
        super::access::record_in(
            ctx,
            conn,
            &super::access::caller_record(actor, "print", &copy.serial, shown.clone(), Vec::new()),
        )?;
        let slip = DispatchSlip {
            serial: copy.serial.clone(),
            day: view.date,
            printed_by: actor.actor().to_owned(),
            team: roster_team(&view),
        };
        let bytes = render_slip(&slip).map_err(render_failed)?;
        Ok(Printed {
            bytes,
            serial: copy.serial,
        })
    })
}

fn holder_or_default(holder: &str) -> String {
    let holder = text::normalize_spaces(holder);
    if holder.is_empty() {
        DEFAULT_HOLDER.to_owned()
    } else {
        holder
    }
}

fn render_failed(e: crate::reports::roster::RenderError) -> ServiceError {
    ServiceError::System(format!("rendering a document: {e}"))
}

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
