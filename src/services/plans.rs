//! Individual evacuation plans: read and replace a registrant's plan (with If-Match), with the
//! consents it depends on and its history.

use serde::Serialize;
use utoipa::ToSchema;

use super::access::{Caller, audit_in};
use super::records::record_change;
use super::visibility::see;
use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::codes::{ConsentKind, HazardType, PlanStatus};
use crate::domain::plan::{Plan, PlanData, PlanInput};
use crate::domain::registrant::Registrant;
use crate::domain::{RegistrantId, ShelterId, SupporterId, ValidationErrors};
use crate::spatial::SpatialIndex;
use crate::storage::change_log::{self, Action, Entity, HistoryEntry};
use crate::storage::{self, DbConnection, consents, plans, registrants, shelters, supporters};

/// A consent in force: the latest recorded for its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsentState {
    pub given: bool,
    pub date: chrono::NaiveDate,
}

/// A named supporter's own consent to be named and to receive the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SupporterConsent {
    pub supporter_id: SupporterId,
    pub consent_given: bool,
    pub consent_date: Option<chrono::NaiveDate>,
}

/// The three consents a plan needs: to create it, to share it, and each supporter's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanConsents {
    pub plan_creation: Option<ConsentState>,
    pub plan_sharing: Option<ConsentState>,
    pub supporters: Vec<SupporterConsent>,
}

/// A plan as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    pub consents: PlanConsents,
}

pub(super) fn view(conn: &mut DbConnection, plan: Plan) -> ServiceResult<PlanView> {
    let recorded = consents::list_for(conn, plan.registrant_id)?;
    let latest = |kind: ConsentKind| {
        recorded
            .iter()
            .rev()
            .find(|c| c.kind == kind)
            .map(|c| ConsentState {
                given: c.given,
                date: c.date,
            })
    };
    let ids: Vec<SupporterId> = plan
        .data
        .supporters
        .iter()
        .map(|s| s.supporter_id)
        .collect();
    let named = supporters::find_many(conn, &ids)?;
    let consents = PlanConsents {
        plan_creation: latest(ConsentKind::PlanCreation),
        plan_sharing: latest(ConsentKind::PlanSharing),
        supporters: named
            .iter()
            .map(|s| SupporterConsent {
                supporter_id: s.id,
                consent_given: s.data.consent_given,
                consent_date: s.data.consent_date,
            })
            .collect(),
    };
    Ok(PlanView { plan, consents })
}

/// Reads the plan of a registrant `caller` may see, with `f`, and records the read, in one
/// transaction. A hidden person is "registrant not found", never "plan not found".
fn read_plan<T>(
    ctx: &AppContext,
    caller: &Caller,
    registrant: RegistrantId,
    target: &str,
    mut f: impl FnMut(&mut DbConnection, &Registrant, PlanView) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let (person, grant) = see(ctx, conn, caller, registrant)?;
        let plan = plans::find(conn, registrant)?.ok_or(ServiceError::NotFound("plan"))?;
        let plan = view(conn, plan)?;
        let found = f(conn, &person, plan)?;
        audit_in(ctx, conn, caller, "read", target, &[(registrant, grant)])?;
        Ok(found)
    })
}

/// The plan of a registrant, as `caller` may see it; the read is recorded.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown or hidden registrant, or one without a plan yet.
pub fn get(ctx: &AppContext, caller: &Caller, registrant: RegistrantId) -> ServiceResult<PlanView> {
    let target = format!("/api/v1/registrants/{registrant}/plan");
    read_plan(ctx, caller, registrant, &target, |_, _, plan| Ok(plan))
}

/// Every named supporter and shelter must exist.
fn check_references(
    ctx: &AppContext,
    conn: &mut DbConnection,
    data: &PlanData,
) -> ServiceResult<()> {
    let mut errors = ValidationErrors::new();
    for (i, s) in data.supporters.iter().enumerate() {
        if supporters::find(conn, s.supporter_id)?.is_none() {
            errors.push(
                format!("supporters[{i}].supporter_id"),
                "この支援者は登録されていません",
            );
        }
    }
    for (i, d) in data.destinations.iter().enumerate() {
        let Some(id) = d.shelter_id else { continue };
        let field = format!("destinations[{i}].shelter_id");
        match shelters::find(conn, id)? {
            None => errors.push(field, "この避難所は登録されていません"),
            Some(shelter) => {
                let problem = destination_problem(
                    &ctx.spatial(),
                    id,
                    &shelter.data.name,
                    &shelter.data.hazards,
                    d.hazard_type,
                );
                if let Some((_, message)) = problem {
                    errors.push(field, message);
                }
            }
        }
    }
    Ok(errors.into_result(|| ())?)
}

/// Writes a registrant's plan: a first plan needs no version; replacing one needs the version
/// read (`If-Match`). Returns the plan and whether it was created.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown registrant; [`ServiceError::VersionRequired`] when
/// a plan exists and no version was given; [`ServiceError::VersionConflict`] when it is stale;
/// [`ServiceError::Invalid`] for bad content or unknown supporters and shelters.
pub fn put(
    ctx: &AppContext,
    registrant: RegistrantId,
    expected_version: Option<i64>,
    input: &PlanInput,
    actor: Actor<'_>,
) -> ServiceResult<(PlanView, bool)> {
    super::registrants::require_register(actor)?;
    let data = PlanData::parse(input, ctx.today())?;
    let mut conn = ctx.conn()?;
    let (plan, created) = storage::write_transaction(&mut conn, |conn| {
        if registrants::find(conn, registrant)?.is_none() {
            return Err(ServiceError::NotFound("registrant"));
        }
        check_references(ctx, conn, &data)?;
        let now = storage::now();
        let (plan, created) = match (plans::find(conn, registrant)?, expected_version) {
            (None, None) => match plans::insert(conn, registrant, &data, now) {
                Ok(plan) => (plan, true),
                // Another writer created the first plan since this one looked: a lost race,
                // answered like any stale version (PostgreSQL; SQLite serialises writers).
                Err(e) => {
                    return Err(match ServiceError::from(e) {
                        ServiceError::Duplicate { .. } => {
                            ServiceError::VersionConflict { current: 1 }
                        }
                        other => other,
                    });
                }
            },
            (None, Some(_)) => return Err(ServiceError::NotFound("plan")),
            (Some(_), None) => return Err(ServiceError::VersionRequired),
            (Some(current), Some(expected)) => {
                match plans::update(conn, registrant, expected, &data, now)? {
                    Some(plan) => (plan, false),
                    None => {
                        return Err(ServiceError::VersionConflict {
                            current: current.version,
                        });
                    }
                }
            }
        };
        let action = if created {
            Action::Created
        } else {
            Action::Updated
        };
        record_change(ctx, conn, &plan, action, &[], actor)?;
        Ok((plan, created))
    })?;
    Ok((view(&mut conn, plan)?, created))
}

/// Every version of a registrant's plan, oldest first.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown registrant.
pub fn history(
    ctx: &AppContext,
    caller: &Caller,
    registrant: RegistrantId,
) -> ServiceResult<Vec<HistoryEntry>> {
    super::registrants::require_register(caller)?;
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let (_, grant) = see(ctx, conn, caller, registrant)?;
        let history = change_log::history(conn, Entity::Plan, registrant.0)?;
        let target = format!("/api/v1/registrants/{registrant}/plan/history");
        audit_in(ctx, conn, caller, "read", &target, &[(registrant, grant)])?;
        Ok(history)
    })
}

/// One reason a plan may not be printed as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanIssue {
    /// `supporter_inactive`, `supporter_without_consent`, `supporter_not_linked`,
    /// `no_plan_creation_consent`, `no_plan_sharing_consent`, `registrant_not_active`,
    /// `no_supporter`, `destination_not_designated`, `destination_in_hazard_zone`,
    /// `destination_unknown`.
    pub code: String,
    pub supporter_id: Option<SupporterId>,
    /// Japanese explanation for staff.
    pub message: String,
}

/// Checks, before printing, that the person–supporter links a plan shows are still true: each
/// supporter active, consented and confirmed for this registrant, and the plan consents given.
/// An empty list means the plan may be printed.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown registrant or one without a plan.
pub fn check(
    ctx: &AppContext,
    caller: &Caller,
    registrant: RegistrantId,
) -> ServiceResult<Vec<PlanIssue>> {
    let target = format!("/api/v1/registrants/{registrant}/plan/check");
    read_plan(ctx, caller, registrant, &target, |conn, person, plan| {
        let links = ConfirmedLinks::load(ctx, conn)?;
        issues(conn, &plan, person, &links)
    })
}

/// Every confirmed person–supporter link, loaded once for checking many plans, and the
/// context whose spatial index says what each shelter may be a destination for.
pub(super) struct ConfirmedLinks<'c> {
    links: Vec<(RegistrantId, SupporterId)>,
    ctx: &'c AppContext,
}

impl<'c> ConfirmedLinks<'c> {
    pub(super) fn load(ctx: &'c AppContext, conn: &mut DbConnection) -> ServiceResult<Self> {
        let mut links: Vec<_> = storage::proposals::confirmed(conn, "supporter")?
            .into_iter()
            .filter_map(|p| Some((p.registrant_id, p.supporter_id?)))
            .collect();
        links.sort_unstable();
        Ok(Self { links, ctx })
    }

    fn contains(&self, registrant: RegistrantId, supporter: SupporterId) -> bool {
        self.links.binary_search(&(registrant, supporter)).is_ok()
    }

    /// Why shelter `id` cannot be the destination for `hazard` (see [`destination_problem`]),
    /// read for this shelter alone.
    fn destination(&self, id: ShelterId, hazard: HazardType) -> Option<(&'static str, String)> {
        let spatial = self.ctx.spatial();
        match spatial.shelter(id) {
            Some(s) => destination_problem(&spatial, id, &s.name, &s.hazards, hazard),
            None => Some((
                "destination_unknown",
                format!(
                    "{}の避難先（避難所 {id}）が登録されていません",
                    hazard.label_ja()
                ),
            )),
        }
    }
}

/// Why shelter `id` (named `name`, designated for `designated`) cannot be the destination for
/// `hazard`: `(code, Japanese message)`, or `None` when it can. The one rule for plan writes,
/// plan checks and printing.
fn destination_problem(
    spatial: &SpatialIndex,
    id: ShelterId,
    name: &str,
    designated: &[HazardType],
    hazard: HazardType,
) -> Option<(&'static str, String)> {
    if !designated.contains(&hazard) {
        return Some((
            "destination_not_designated",
            format!(
                "「{name}」は{}の指定避難所・避難場所ではありません",
                hazard.label_ja()
            ),
        ));
    }
    if spatial.shelter_in_zone_of(id, hazard) {
        return Some((
            "destination_in_hazard_zone",
            format!("「{name}」は{}の想定区域内にあります", hazard.label_ja()),
        ));
    }
    None
}

/// The problems of one plan (see [`check`]), with the links loaded by the caller.
pub(super) fn issues(
    conn: &mut DbConnection,
    view: &PlanView,
    person: &Registrant,
    links: &ConfirmedLinks<'_>,
) -> ServiceResult<Vec<PlanIssue>> {
    use crate::domain::codes::{RegistrantStatus, SupporterStatus};

    let registrant = person.id;
    let mut issues = Vec::new();
    let mut issue = |code: &str, supporter_id: Option<SupporterId>, message: String| {
        issues.push(PlanIssue {
            code: code.to_owned(),
            supporter_id,
            message,
        });
    };
    if person.status != RegistrantStatus::Active {
        issue(
            "registrant_not_active",
            None,
            format!("本人の登録状態が「{}」です", person.status.label_ja()),
        );
    }
    if view
        .consents
        .plan_creation
        .as_ref()
        .is_none_or(|c| !c.given)
    {
        issue(
            "no_plan_creation_consent",
            None,
            "計画作成の同意が記録されていません".to_owned(),
        );
    }
    if view.consents.plan_sharing.as_ref().is_none_or(|c| !c.given) {
        issue(
            "no_plan_sharing_consent",
            None,
            "計画の外部提供の同意が記録されていません".to_owned(),
        );
    }
    if view.plan.data.supporters.is_empty() {
        issue(
            "no_supporter",
            None,
            "支援者が1人も記載されていません".to_owned(),
        );
    }
    let ids: Vec<SupporterId> = view
        .plan
        .data
        .supporters
        .iter()
        .map(|s| s.supporter_id)
        .collect();
    for d in &view.plan.data.destinations {
        let Some(id) = d.shelter_id else { continue };
        let problem = links.destination(id, d.hazard_type);
        if let Some((code, message)) = problem {
            issue(code, None, message);
        }
    }
    for supporter in supporters::find_many(conn, &ids)? {
        let id = Some(supporter.id);
        if supporter.data.status != SupporterStatus::Active {
            issue(
                "supporter_inactive",
                id,
                format!("支援者「{}」は活動を休止しています", supporter.data.name),
            );
        }
        if !supporter.data.consent_given {
            issue(
                "supporter_without_consent",
                id,
                format!("支援者「{}」の同意がありません", supporter.data.name),
            );
        }
        if !links.contains(registrant, supporter.id) {
            issue(
                "supporter_not_linked",
                id,
                format!(
                    "支援者「{}」はこの方の支援者として確定されていません",
                    supporter.data.name
                ),
            );
        }
    }
    Ok(issues)
}

/// Why the plan of `person` cannot be printed now, as codes: `plan_not_confirmed`, the issues
/// of [`check`], and `no_home_location` when there is no home to draw on the map; empty when it
/// can. `None` when the person has no plan. The one rule of "printable now" for the register
/// list and the readiness check alike.
pub(super) fn print_problems(
    conn: &mut DbConnection,
    person: &Registrant,
    links: &ConfirmedLinks<'_>,
) -> ServiceResult<Option<Vec<String>>> {
    let Some(plan) = plans::find(conn, person.id)? else {
        return Ok(None);
    };
    let mut codes = Vec::new();
    if plan.data.status != PlanStatus::Confirmed {
        codes.push("plan_not_confirmed".to_owned());
    }
    let view = view(conn, plan)?;
    codes.extend(
        issues(conn, &view, person, links)?
            .into_iter()
            .map(|i| i.code),
    );
    if person.data.location.is_none() {
        codes.push("no_home_location".to_owned());
    }
    codes.dedup();
    Ok(Some(codes))
}

/// Whether the plan of `person` can be printed now (see [`print_problems`]); `None` without
/// a plan.
pub(super) fn printable_now(
    conn: &mut DbConnection,
    person: &Registrant,
    links: &ConfirmedLinks<'_>,
) -> ServiceResult<Option<bool>> {
    Ok(print_problems(conn, person, links)?.map(|codes| codes.is_empty()))
}

/// What a confirmed proposal did to the person's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanChange {
    /// The plan's version after the change; send it in `If-Match` to edit the plan further.
    pub version: i64,
    pub status: PlanStatus,
    /// A draft plan was created because the person had none.
    pub created: bool,
}

/// Writes a confirmed proposal into the registrant's plan, inside the caller's transaction:
/// a supporter joins the plan's supporters, a shelter becomes the destination for its hazard
/// type. Without a plan, a draft is created with `actor` as its author. The plan's version
/// moves on, so an edit based on an earlier read gets 412; a confirmed plan whose content
/// changes becomes `needs_review`, since what was agreed and printed no longer holds.
/// `None` when the plan already says this.
///
/// # Errors
/// [`ServiceError::Invalid`] when the plan names the most supporters it may.
pub(super) fn apply_confirmed_proposal(
    ctx: &AppContext,
    conn: &mut DbConnection,
    proposal: &crate::storage::proposals::Proposal,
    actor: Actor<'_>,
    today: chrono::NaiveDate,
) -> ServiceResult<Option<PlanChange>> {
    use crate::domain::plan::{MAX_PLAN_SUPPORTERS, PlanDestination, PlanSupporter};

    let current = plans::find(conn, proposal.registrant_id)?;
    let mut data = match &current {
        Some(plan) => plan.data.clone(),
        None => PlanData::parse(
            &PlanInput {
                author: Some(actor.actor().to_owned()),
                ..PlanInput::default()
            },
            today,
        )?,
    };
    let mut fields = Vec::new();
    match (
        proposal.supporter_id,
        proposal.shelter_id,
        proposal.hazard_type,
    ) {
        (Some(supporter_id), _, _) => {
            if data
                .supporters
                .iter()
                .any(|s| s.supporter_id == supporter_id)
            {
                return Ok(None);
            }
            if data.supporters.len() >= MAX_PLAN_SUPPORTERS {
                return Err(ValidationErrors::one(
                    "id",
                    format!(
                        "この方の計画にはすでに支援者が{MAX_PLAN_SUPPORTERS}人います。計画から外してから確定してください"
                    ),
                )
                .into());
            }
            data.supporters.push(PlanSupporter {
                supporter_id,
                relation: None,
            });
            fields.push("supporters".to_owned());
        }
        (None, Some(shelter_id), Some(hazard_type)) => {
            let destination = PlanDestination {
                hazard_type,
                shelter_id: Some(shelter_id),
                place: None,
            };
            match data
                .destinations
                .iter_mut()
                .find(|d| d.hazard_type == hazard_type)
            {
                Some(d) if *d == destination => return Ok(None),
                Some(d) => *d = destination,
                None => data.destinations.push(destination),
            }
            fields.push("destinations".to_owned());
        }
        _ => return Ok(None),
    }
    if data.status == PlanStatus::Confirmed {
        data.status = PlanStatus::NeedsReview;
        fields.push("status".to_owned());
    }
    let now = storage::now();
    let (plan, action) = match current {
        None => (
            plans::insert(conn, proposal.registrant_id, &data, now)?,
            Action::Created,
        ),
        Some(current) => (
            plans::update(conn, proposal.registrant_id, current.version, &data, now)?.ok_or(
                ServiceError::VersionConflict {
                    current: current.version,
                },
            )?,
            Action::Updated,
        ),
    };
    let created = action == Action::Created;
    record_change(
        ctx,
        conn,
        &plan,
        action,
        if created { &[] } else { &fields },
        actor,
    )?;
    Ok(Some(PlanChange {
        version: plan.version,
        status: plan.data.status,
        created,
    }))
}

/// Every confirmed plan that could not be printed as it stands, with the codes of
/// [`print_problems`], by registrant id.
pub(super) fn confirmed_plans_failing_check(
    ctx: &AppContext,
    conn: &mut DbConnection,
) -> ServiceResult<Vec<(RegistrantId, Vec<String>)>> {
    let links = ConfirmedLinks::load(ctx, conn)?;
    let mut failing = Vec::new();
    for id in plans::registrants_with_status(conn, PlanStatus::Confirmed)? {
        let Some(person) = registrants::find(conn, id)? else {
            continue;
        };
        if let Some(codes) = print_problems(conn, &person, &links)?
            && !codes.is_empty()
        {
            failing.push((id, codes));
        }
    }
    Ok(failing)
}

/// How far the plan page looks for consenting supporters beyond the proposals, metres.
pub const EDITOR_SUPPORTER_RADIUS_M: f64 = 1_000.0;
/// Most nearby supporters the plan page offers beyond those named and proposed.
pub const EDITOR_NEARBY_SUPPORTERS: usize = 8;
/// Most eligible shelters offered per hazard type, nearest first.
pub const EDITOR_SHELTERS: usize = 8;

/// Where a supporter on the plan page comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupporterSource {
    /// Named in the plan as it stands.
    Named,
    /// An open proposal of a matching run.
    Proposed,
    /// Active, consenting and within walking distance.
    Nearby,
}

/// A supporter the plan page offers to name.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SupporterOption {
    pub supporter: crate::domain::supporter::Supporter,
    pub source: SupporterSource,
    /// Great-circle metres from the home, when it is placed.
    pub distance_m: Option<f64>,
    /// The open proposal, when there is one.
    pub proposal_id: Option<i64>,
    /// The relation the plan gives (e.g. 「近所の方」).
    pub relation: Option<String>,
}

/// A shelter the plan page offers for one hazard type.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ShelterOption {
    pub id: ShelterId,
    pub name: String,
    pub kind: crate::domain::codes::ShelterKind,
    pub distance_m: Option<f64>,
    /// Why it may not be chosen (only for the plan's present choice, kept so that staff see it).
    pub problem: Option<String>,
}

/// The choices for one hazard type: eligible shelters nearest first, the present one first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DestinationOptions {
    pub hazard_type: HazardType,
    pub shelters: Vec<ShelterOption>,
    /// The shelter an open proposal suggests.
    pub proposed: Option<ShelterId>,
}

/// What the plan page needs: the person, the plan as it stands with its check, and the
/// choices of supporters and shelters.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanEditor {
    pub registrant: Registrant,
    pub plan: Option<PlanView>,
    /// The check's findings (empty without a plan or when it may be printed).
    pub issues: Vec<PlanIssue>,
    pub supporters: Vec<SupporterOption>,
    pub destinations: Vec<DestinationOptions>,
}

/// The plan of a registrant with everything needed to write it: the supporters named,
/// proposed or nearby (active and consenting), and per hazard type the eligible shelters; the
/// read is recorded, naming the supporters shown. For the register's staff.
///
/// # Errors
/// [`ServiceError::Forbidden`] for other roles; [`ServiceError::NotFound`] for an unknown
/// registrant.
pub fn editor(
    ctx: &AppContext,
    caller: &Caller,
    registrant: RegistrantId,
) -> ServiceResult<PlanEditor> {
    super::registrants::require_register(caller)?;
    let mut conn = ctx.conn()?;
    storage::audited_read(&mut conn, |conn| {
        let (person, grant) = see(ctx, conn, caller, registrant)?;
        let plan = plans::find(conn, registrant)?
            .map(|p| view(conn, p))
            .transpose()?;
        let issues = match &plan {
            Some(plan) => {
                let links = ConfirmedLinks::load(ctx, conn)?;
                issues(conn, plan, &person, &links)?
            }
            None => Vec::new(),
        };
        let open = crate::storage::proposals::open_for(conn, registrant)?;
        let supporters = supporter_options(ctx, conn, &person, plan.as_ref(), &open)?;
        let destinations = destination_options(ctx, conn, &person, plan.as_ref(), &open)?;
        let target = super::access::ids_target(
            &format!("/registrants/{registrant}/plan/edit supporters"),
            supporters.iter().map(|s| s.supporter.id.0),
        );
        audit_in(ctx, conn, caller, "read", &target, &[(registrant, grant)])?;
        Ok(PlanEditor {
            registrant: person,
            plan,
            issues,
            supporters,
            destinations,
        })
    })
}

fn supporter_options(
    ctx: &AppContext,
    conn: &mut DbConnection,
    person: &Registrant,
    plan: Option<&PlanView>,
    open: &[crate::storage::proposals::Proposal],
) -> ServiceResult<Vec<SupporterOption>> {
    use crate::domain::codes::SupporterStatus;

    let home = person.data.location;
    let named = plan
        .map(|p| p.plan.data.supporters.as_slice())
        .unwrap_or_default();
    let mut wanted: Vec<(SupporterId, SupporterSource, Option<i64>)> = named
        .iter()
        .map(|s| (s.supporter_id, SupporterSource::Named, None))
        .collect();
    for p in open {
        let Some(id) = p.supporter_id else { continue };
        match wanted.iter_mut().find(|w| w.0 == id) {
            Some(w) => w.2 = Some(p.id),
            None => wanted.push((id, SupporterSource::Proposed, Some(p.id))),
        }
    }
    let mut nearby: Vec<(SupporterId, f64)> = home
        .map(|at| {
            ctx.spatial()
                .supporters
                .within(at, EDITOR_SUPPORTER_RADIUS_M)
        })
        .unwrap_or_default();
    nearby.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let ids: Vec<SupporterId> = wanted
        .iter()
        .map(|w| w.0)
        .chain(nearby.iter().map(|n| n.0))
        .collect();
    let records = supporters::find_many(conn, &ids)?;
    let find = |id: SupporterId| records.iter().find(|s| s.id == id).cloned();
    let distance = |s: &crate::domain::supporter::Supporter| {
        home.map(|h| crate::spatial::points::distance_m(h, s.data.location).round())
    };
    let mut options: Vec<SupporterOption> = wanted
        .iter()
        .filter_map(|&(id, source, proposal_id)| {
            let supporter = find(id)?;
            Some(SupporterOption {
                distance_m: distance(&supporter),
                relation: named
                    .iter()
                    .find(|n| n.supporter_id == id)
                    .and_then(|n| n.relation.clone()),
                supporter,
                source,
                proposal_id,
            })
        })
        .collect();
    let mut added = 0;
    for (id, _) in nearby {
        if added >= EDITOR_NEARBY_SUPPORTERS {
            break;
        }
        let Some(supporter) = find(id) else { continue };
        let usable =
            supporter.data.status == SupporterStatus::Active && supporter.data.consent_given;
        if !usable || options.iter().any(|o| o.supporter.id == id) {
            continue;
        }
        options.push(SupporterOption {
            distance_m: distance(&supporter),
            supporter,
            source: SupporterSource::Nearby,
            proposal_id: None,
            relation: None,
        });
        added += 1;
    }
    Ok(options)
}

fn destination_options(
    ctx: &AppContext,
    conn: &mut DbConnection,
    person: &Registrant,
    plan: Option<&PlanView>,
    open: &[crate::storage::proposals::Proposal],
) -> ServiceResult<Vec<DestinationOptions>> {
    let spatial = ctx.spatial();
    let home = person.data.location;
    let present = plan
        .map(|p| p.plan.data.destinations.as_slice())
        .unwrap_or_default();
    let mut out = Vec::new();
    for &hazard in HazardType::ALL {
        let chosen = present
            .iter()
            .find(|d| d.hazard_type == hazard)
            .and_then(|d| d.shelter_id);
        if !spatial.has_eligible_shelters(hazard) && chosen.is_none() {
            continue;
        }
        let mut ids: Vec<(ShelterId, Option<f64>)> = match home {
            Some(at) => spatial
                .nearest_shelters(at, hazard)
                .take(EDITOR_SHELTERS)
                .map(|(id, m)| (id, Some(m.round())))
                .collect(),
            None => Vec::new(),
        };
        let proposed = open
            .iter()
            .find(|p| p.hazard_type == Some(hazard) && p.shelter_id.is_some())
            .and_then(|p| p.shelter_id);
        for extra in [proposed, chosen].into_iter().flatten() {
            if !ids.iter().any(|(id, _)| *id == extra) {
                let metres = spatial
                    .shelter(extra)
                    .zip(home)
                    .map(|(s, h)| crate::spatial::points::distance_m(h, s.location).round());
                ids.insert(0, (extra, metres));
            }
        }
        let records = shelters::find_many(conn, &ids.iter().map(|i| i.0).collect::<Vec<_>>())?;
        let shelters = ids
            .iter()
            .filter_map(|&(id, distance_m)| {
                let s = records.iter().find(|s| s.id == id)?;
                Some(ShelterOption {
                    id,
                    name: s.data.name.clone(),
                    kind: s.data.kind,
                    distance_m,
                    problem: destination_problem(
                        &spatial,
                        id,
                        &s.data.name,
                        &s.data.hazards,
                        hazard,
                    )
                    .map(|(_, message)| message),
                })
            })
            .collect();
        out.push(DestinationOptions {
            hazard_type: hazard,
            shelters,
            proposed,
        });
    }
    Ok(out)
}

/// Writes a plan from the plan page: as [`put`], then confirms the open proposals the plan now
/// follows (a proposed supporter it names, a proposed shelter it chose for that hazard), so
/// that choosing a proposal on the page is confirming it, as on the matching page. Proposals
/// not taken stay open. Returns the plan and the proposals confirmed.
///
/// # Errors
/// As [`put`]; a proposal decided meanwhile by someone else is left as they decided it.
pub fn save_from_page(
    ctx: &AppContext,
    registrant: RegistrantId,
    expected_version: Option<i64>,
    input: &PlanInput,
    actor: Actor<'_>,
) -> ServiceResult<(PlanView, Vec<i64>)> {
    let (plan, _) = put(ctx, registrant, expected_version, input, actor)?;
    let open = crate::storage::proposals::open_for(&mut *ctx.conn()?, registrant)?;
    let data = &plan.plan.data;
    let followed = open
        .iter()
        .filter(|p| match (p.supporter_id, p.shelter_id) {
            (Some(s), _) => data.supporters.iter().any(|n| n.supporter_id == s),
            (None, Some(shelter)) => data
                .destinations
                .iter()
                .any(|d| Some(d.hazard_type) == p.hazard_type && d.shelter_id == Some(shelter)),
            (None, None) => false,
        });
    let mut confirmed = Vec::new();
    for p in followed {
        match super::matching::decide(ctx, p.id, true, actor) {
            Ok(_) => confirmed.push(p.id),
            Err(ServiceError::NotPending(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // A confirmation writes into the plan only what it does not say yet, so the plan is as
    // written.
    Ok((plan, confirmed))
}
