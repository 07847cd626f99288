//! The matching desk and the return desk: the day's teams proposed from who is present and
//! what is open, adjusted and confirmed by staff, sent out with lent equipment, and the
//! leader's report that closes or carries over each request.

use super::*;

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
    /// Tools the household asks the team to bring.
    pub tools: Vec<String>,
    /// The request's notes, for the roster and the slip.
    pub notes: Option<String>,
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

/// Teams as shown, for naming in the audit entry the volunteers and help requests they show.
trait TeamsShown {
    fn teams(&self) -> Vec<&TeamView>;
}

impl TeamsShown for TeamView {
    fn teams(&self) -> Vec<&TeamView> {
        vec![self]
    }
}

impl TeamsShown for Vec<TeamView> {
    fn teams(&self) -> Vec<&TeamView> {
        self.iter().collect()
    }
}

impl TeamsShown for Proposal {
    fn teams(&self) -> Vec<&TeamView> {
        self.teams.iter().collect()
    }
}

/// `what` and the people and places the teams show: `team 4: volunteers 3,5; help requests 8`.
fn team_target(what: &str, shown: &impl TeamsShown) -> String {
    let teams = shown.teams();
    let volunteers: BTreeSet<i64> = teams
        .iter()
        .flat_map(|t| t.members.iter().chain(&t.leader).map(|m| m.id.0))
        .collect();
    let requests: BTreeSet<i64> = teams
        .iter()
        .flat_map(|t| t.requests.iter().map(|r| r.id.0))
        .collect();
    format!(
        "{what}: {}; {}",
        super::super::access::ids_target("volunteers", volunteers),
        super::super::access::ids_target("help requests", requests)
    )
}

/// A change at the matching desk, recorded naming the people and places of the teams it shows.
fn teams_changed<T: TeamsShown>(
    ctx: &AppContext,
    caller: &Caller,
    what: &str,
    f: impl FnOnce(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    audited_as(ctx, caller, |conn| {
        let shown = f(conn)?;
        let target = team_target(what, &shown);
        Ok((shown, target))
    })
}

/// A read at the matching desk, recorded naming the people and places it shows.
fn teams_read<T: TeamsShown>(
    ctx: &AppContext,
    caller: &Caller,
    what: &str,
    mut f: impl FnMut(&mut DbConnection) -> ServiceResult<T>,
) -> ServiceResult<T> {
    audited_read_as(ctx, caller, |conn| {
        let shown = f(conn)?;
        let target = team_target(what, &shown);
        Ok((shown, target))
    })
}

/// Builds views of teams with two queries for all their people and places.
pub(super) fn views(
    conn: &mut DbConnection,
    records: Vec<TeamRecord>,
) -> ServiceResult<Vec<TeamView>> {
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
                        latitude: r.data.location.lat(),
                        longitude: r.data.location.lon(),
                        work_types: r.data.work_types.clone(),
                        people_needed: r.data.people_needed,
                        skills_needed: r.data.skills_needed.clone(),
                        tools: r.data.tools.clone(),
                        notes: r.data.notes.clone(),
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

pub(super) fn load_team(conn: &mut DbConnection, id: TeamId) -> ServiceResult<TeamRecord> {
    teams::find(conn, id)?.ok_or(ServiceError::NotFound("team"))
}

pub(super) fn view_team(conn: &mut DbConnection, id: TeamId) -> ServiceResult<TeamView> {
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

/// The day's proposal as stored. Named `TeamProposal` in the OpenAPI document, apart from the
/// matching run's `Proposal`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TeamProposal)]
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
    teams_changed(ctx, caller, &format!("teams proposed for {day}"), |conn| {
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
                lat: r.data.location.lat(),
                lon: r.data.location.lon(),
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
pub fn teams_of_day(
    ctx: &AppContext,
    caller: &Caller,
    day: NaiveDate,
) -> ServiceResult<Vec<TeamView>> {
    teams_read(ctx, caller, &format!("teams of {day}"), |conn| {
        let records = teams::for_day(conn, day)?;
        views(conn, records)
    })
}

/// Reads one team.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get_team(ctx: &AppContext, caller: &Caller, id: TeamId) -> ServiceResult<TeamView> {
    teams_read(ctx, caller, &format!("team {id}"), |conn| {
        view_team(conn, id)
    })
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

pub(super) fn bump(
    conn: &mut DbConnection,
    team: &TeamRecord,
    change: &TeamChange,
) -> ServiceResult<()> {
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
    teams_changed(ctx, caller, &format!("team {id} changed"), |conn| {
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
    teams_changed(ctx, caller, &format!("team {id} {}", to.as_str()), |conn| {
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
    teams_changed(ctx, caller, &format!("team {id} equipment lent"), |conn| {
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
    teams_changed(
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
    teams_changed(ctx, caller, &format!("team {id} report"), |conn| {
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
