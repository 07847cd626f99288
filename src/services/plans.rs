//! Individual evacuation plans: read and replace a registrant's plan (with If-Match), with the
//! consents it depends on and its history.

use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use super::records::record_change;
use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::codes::ConsentKind;
use crate::domain::plan::{Plan, PlanData, PlanInput};
use crate::domain::registrant::Registrant;
use crate::domain::{RegistrantId, SupporterId, ValidationErrors};
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

/// The plan of a registrant.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown registrant or one without a plan yet.
pub fn get(ctx: &AppContext, registrant: RegistrantId) -> ServiceResult<PlanView> {
    let mut conn = ctx.conn()?;
    if registrants::find(&mut conn, registrant)?.is_none() {
        return Err(ServiceError::NotFound("registrant"));
    }
    let plan = plans::find(&mut conn, registrant)?.ok_or(ServiceError::NotFound("plan"))?;
    view(&mut conn, plan)
}

/// Every named supporter and shelter must exist.
fn check_references(conn: &mut DbConnection, data: &PlanData) -> ServiceResult<()> {
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
        if let Some(shelter) = d.shelter_id
            && shelters::find(conn, shelter)?.is_none()
        {
            errors.push(
                format!("destinations[{i}].shelter_id"),
                "この避難所は登録されていません",
            );
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
    let data = PlanData::parse(input, ctx.today())?;
    let mut conn = ctx.conn()?;
    let (plan, created) = conn.transaction(|conn| {
        if registrants::find(conn, registrant)?.is_none() {
            return Err(ServiceError::NotFound("registrant"));
        }
        check_references(conn, &data)?;
        let now = storage::now();
        let (plan, created) = match (plans::find(conn, registrant)?, expected_version) {
            (None, None) => (plans::insert(conn, registrant, &data, now)?, true),
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
        record_change(conn, &plan, action, &[], actor)?;
        Ok((plan, created))
    })?;
    Ok((view(&mut conn, plan)?, created))
}

/// Every version of a registrant's plan, oldest first.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown registrant.
pub fn history(ctx: &AppContext, registrant: RegistrantId) -> ServiceResult<Vec<HistoryEntry>> {
    let mut conn = ctx.conn()?;
    if registrants::find(&mut conn, registrant)?.is_none() {
        return Err(ServiceError::NotFound("registrant"));
    }
    Ok(change_log::history(&mut conn, Entity::Plan, registrant.0)?)
}

/// One reason a plan may not be printed as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanIssue {
    /// `supporter_inactive`, `supporter_without_consent`, `supporter_not_linked`,
    /// `no_plan_creation_consent`, `no_plan_sharing_consent`, `registrant_not_active`,
    /// `no_supporter`.
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
pub fn check(ctx: &AppContext, registrant: RegistrantId) -> ServiceResult<Vec<PlanIssue>> {
    let view = get(ctx, registrant)?;
    let mut conn = ctx.conn()?;
    let person =
        registrants::find(&mut conn, registrant)?.ok_or(ServiceError::NotFound("registrant"))?;
    let links = ConfirmedLinks::load(&mut conn)?;
    issues(&mut conn, &view, &person, &links)
}

/// Every confirmed person–supporter link, loaded once for checking many plans.
pub(super) struct ConfirmedLinks(Vec<(RegistrantId, SupporterId)>);

impl ConfirmedLinks {
    pub(super) fn load(conn: &mut DbConnection) -> ServiceResult<Self> {
        let mut links: Vec<_> = storage::proposals::confirmed(conn, "supporter")?
            .into_iter()
            .filter_map(|p| Some((p.registrant_id, p.supporter_id?)))
            .collect();
        links.sort_unstable();
        Ok(Self(links))
    }

    fn contains(&self, registrant: RegistrantId, supporter: SupporterId) -> bool {
        self.0.binary_search(&(registrant, supporter)).is_ok()
    }
}

/// The problems of one plan (see [`check`]), with the links loaded by the caller.
pub(super) fn issues(
    conn: &mut DbConnection,
    view: &PlanView,
    person: &Registrant,
    links: &ConfirmedLinks,
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
