//! Matching runs: optimal supporter proposals (see [`crate::matching::supporters`]) and a
//! shelter per hazard type (see [`crate::matching::shelters`]) for every active registrant of a
//! district or the whole city. Confirmed links stay fixed; rejected pairs are never proposed
//! again; every open place gets a reason. Staff confirm or reject each proposal.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plans::PlanChange;
use super::registrants::page_params;
use super::{Actor, AppContext, Page, ServiceError, ServiceResult};
use crate::domain::codes::{Accessibility, Capability, HazardType, Mobility, WelfareTarget};
use crate::domain::priority::{self, Priority};
use crate::domain::registrant::Registrant;
use crate::domain::supporter::Supporter;
use crate::domain::{DistrictId, GeoPoint, RegistrantId, SupporterId, ValidationErrors};
use crate::matching::shelters::{self as shelter_matching, Destination, Request, WelfareShortfall};
use crate::matching::supporters::{
    self as supporter_matching, Candidates, Caps, Fixed, Need, Offer, Problem, Unmatched,
};
use crate::spatial::SpatialIndex;
use crate::storage::proposals::{self, NewProposal, Proposal};
use crate::storage::{self, registrants, supporters};

/// Walking radius within which a supporter may be proposed, metres.
pub const WALKING_RADIUS_M: f64 = 500.0;
/// Welfare shelters considered per person and hazard, nearest first.
const WELFARE_CANDIDATES: usize = 10;

/// The body of a run request: a district, or nothing for the whole city.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub district_id: Option<i64>,
}

/// What a run proposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunSummary {
    pub run_id: i64,
    pub district_id: Option<i64>,
    /// Active registrants with a known home in scope.
    pub registrants: usize,
    /// Every supporter place filled and a shelter for every planned hazard type.
    pub fully_matched: usize,
    /// Some but not all.
    pub partly_matched: usize,
    /// No supporter at all.
    pub unmatched: usize,
    /// Registrants with open places, by reason: `nobody_within_radius`, `nobody_capable`,
    /// `all_nearby_at_capacity`; plus `no_shelter` and `welfare_shelter_full` /
    /// `no_fitting_welfare_shelter` counted per (registrant, hazard).
    pub by_reason: BTreeMap<String, usize>,
    /// Supporter places needed, already confirmed, newly proposed, still open.
    pub places_needed: u64,
    pub places_confirmed: u64,
    pub places_proposed: u64,
    pub places_open: u64,
    /// Hazard types a destination was planned for (those with at least one eligible shelter).
    pub hazards: Vec<HazardType>,
    pub total_distance_m: u64,
    pub elapsed_ms: u64,
}

/// What a registrant needs from supporters: two for a bedridden person, and the capabilities
/// their mobility asks for.
fn need_of(registrant: &Registrant, priority: &Priority) -> Need {
    let (places, required) = match registrant.data.mobility {
        Some(Mobility::Bedridden) => (2, Caps::STRETCHER),
        Some(Mobility::Wheelchair) => (1, Caps::WHEELCHAIR),
        _ => (1, Caps::NONE),
    };
    Need {
        places,
        tier: priority.tier_index(),
        required,
    }
}

fn caps_of(supporter: &Supporter) -> Caps {
    supporter
        .data
        .capabilities
        .iter()
        .fold(Caps::NONE, |caps, c| {
            caps | match c {
                Capability::Wheelchair => Caps::WHEELCHAIR,
                Capability::Stretcher => Caps::STRETCHER,
                Capability::Car => Caps::CAR,
                Capability::NightTime => Caps::NIGHT_TIME,
            }
        })
}

/// The welfare target groups a registrant belongs to, and whether they need care at all.
fn welfare_groups(registrant: &Registrant, today: chrono::NaiveDate) -> Vec<WelfareTarget> {
    let d = &registrant.data;
    let mut groups = Vec::new();
    let needs_care = d.care_level.is_some_and(|c| c >= 3)
        || d.mobility == Some(Mobility::Bedridden)
        || d.electricity_dependent
        || !d.medical_devices.is_empty();
    if !needs_care {
        return groups;
    }
    if d.age_on(today) >= 65 {
        groups.push(WelfareTarget::Elderly);
    }
    if d.disability.as_ref().is_some_and(|x| {
        x.physical_grade.is_some() || x.intellectual_grade.is_some() || x.mental_grade.is_some()
    }) {
        groups.push(WelfareTarget::Disabled);
    }
    if d.electricity_dependent || !d.medical_devices.is_empty() {
        groups.push(WelfareTarget::MedicalCare);
    }
    if groups.is_empty() {
        groups.push(WelfareTarget::Disabled);
    }
    groups
}

/// Supporters within walking distance of each home, from the point index.
struct Nearby<'a> {
    spatial: &'a SpatialIndex,
    homes: &'a [GeoPoint],
    offer_of: &'a HashMap<SupporterId, u32>,
    registrant_ids: &'a [RegistrantId],
    rejected: &'a HashSet<(RegistrantId, SupporterId)>,
}

impl Candidates for Nearby<'_> {
    fn within(&self, need: usize, out: &mut Vec<(u32, u32)>) {
        let registrant = self.registrant_ids[need];
        for (supporter, metres) in self
            .spatial
            .supporters
            .within_unsorted(self.homes[need], WALKING_RADIUS_M)
        {
            if self.rejected.contains(&(registrant, supporter)) {
                continue;
            }
            if let Some(&offer) = self.offer_of.get(&supporter) {
                // Whole metres, rounded up so that a pair never looks nearer than it is.
                out.push((offer, metres.ceil() as u32));
            }
        }
        out.sort_unstable_by_key(|&(offer, metres)| (metres, offer));
    }
}

fn reason_code(reason: Unmatched) -> &'static str {
    match reason {
        Unmatched::NobodyWithinRadius => "nobody_within_radius",
        Unmatched::NobodyCapable => "nobody_capable",
        Unmatched::AllNearbyAtCapacity => "all_nearby_at_capacity",
    }
}

/// Proposes supporters and shelters for every active registrant with a known home in
/// `district` (or the whole city), replacing the open proposals of an earlier run.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unknown district.
pub fn run(ctx: &AppContext, request: &RunRequest, actor: Actor<'_>) -> ServiceResult<RunSummary> {
    super::registrants::require_register(actor)?;
    let started = Instant::now();
    let today = ctx.today();
    let mut conn = ctx.conn()?;
    let district = request.district_id.map(DistrictId);
    if let Some(d) = district
        && !storage::districts::exists(&mut conn, d)?
    {
        return Err(ValidationErrors::one("district_id", "この校区はありません").into());
    }
    let people = registrants::active_located(&mut conn, district)?;
    let helpers = supporters::available(&mut conn)?;
    let confirmed_supporters = proposals::confirmed(&mut conn, "supporter")?;
    let confirmed_shelters = proposals::confirmed(&mut conn, "shelter")?;
    let rejected: HashSet<(RegistrantId, SupporterId)> =
        proposals::rejected(&mut conn, "supporter")?
            .into_iter()
            .filter_map(|p| Some((p.registrant_id, p.supporter_id?)))
            .collect();
    let supported: HashSet<RegistrantId> = confirmed_supporters
        .iter()
        .map(|p| p.registrant_id)
        .collect();

    let weights = &ctx.settings.priority_weights;
    let priorities: Vec<Priority> = people
        .iter()
        .map(|r| priority::score(&r.data, &r.facts, supported.contains(&r.id), weights))
        .collect();
    let needs: Vec<Need> = people
        .iter()
        .zip(&priorities)
        .map(|(r, p)| need_of(r, p))
        .collect();
    let homes: Vec<GeoPoint> = people.iter().filter_map(|r| r.data.location).collect();
    let registrant_ids: Vec<RegistrantId> = people.iter().map(|r| r.id).collect();
    let need_of_id: HashMap<RegistrantId, usize> = registrant_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let offers: Vec<Offer> = helpers
        .iter()
        .map(|s| Offer {
            capacity: u32::try_from(s.data.capacity).unwrap_or(1),
            caps: caps_of(s),
        })
        .collect();
    let offer_of: HashMap<SupporterId, u32> = helpers
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let fixed: Vec<Fixed> = confirmed_supporters
        .iter()
        .filter_map(|p| {
            let need = *need_of_id.get(&p.registrant_id)?;
            let offer = *offer_of.get(&p.supporter_id?)? as usize;
            Some(Fixed { need, offer })
        })
        .collect();

    let spatial = ctx.spatial();
    let candidates = Nearby {
        spatial: &spatial,
        homes: &homes,
        offer_of: &offer_of,
        registrant_ids: &registrant_ids,
        rejected: &rejected,
    };
    let solution = supporter_matching::solve(&Problem {
        needs: &needs,
        offers: &offers,
        fixed: &fixed,
        candidates: &candidates,
    });

    // Shelters: a destination for every hazard type the city has eligible shelters for.
    let hazards: Vec<HazardType> = HazardType::ALL
        .iter()
        .copied()
        .filter(|h| spatial.has_eligible_shelters(*h))
        .collect();
    let fixed_shelter: HashSet<(RegistrantId, HazardType)> = confirmed_shelters
        .iter()
        .filter_map(|p| Some((p.registrant_id, p.hazard_type?)))
        .collect();
    let (shelter_ids, shelter_index) = spatial.shelter_ids();
    // Welfare places per shelter. Each hazard type is its own scenario, so each starts from the
    // full capacity less the places confirmed for that hazard.
    let base_capacity: Vec<Option<u32>> = shelter_ids
        .iter()
        .map(|id| {
            spatial
                .shelter(*id)
                .and_then(|s| s.capacity)
                .map(|c| u32::try_from(c).unwrap_or(0))
        })
        .collect();
    // Each hazard type is its own scenario: plan them side by side on every core.
    let plan = |hazard: &HazardType| -> Vec<(HazardType, shelter_matching::Outcome)> {
        let mut capacity_left = base_capacity.clone();
        for p in confirmed_shelters
            .iter()
            .filter(|p| p.hazard_type == Some(*hazard))
        {
            if let Some(Some(left)) = p
                .shelter_id
                .and_then(|s| shelter_index.get(&s))
                .map(|&i| &mut capacity_left[i])
            {
                *left = left.saturating_sub(1);
            }
        }
        let requests: Vec<Request> = people
            .iter()
            .enumerate()
            .filter(|(_, r)| !fixed_shelter.contains(&(r.id, *hazard)))
            .map(|(i, r)| {
                let groups = welfare_groups(r, today);
                let home = homes[i];
                let needs_step_free = matches!(
                    r.data.mobility,
                    Some(Mobility::Wheelchair | Mobility::Bedridden)
                );
                let welfare = if groups.is_empty() {
                    Vec::new()
                } else {
                    spatial
                        .nearest_welfare_shelters(home)
                        .filter_map(|(id, metres)| {
                            let s = spatial.shelter(id)?;
                            // A welfare place is a destination for this hazard only where it is
                            // designated for it, like any shelter.
                            let fits = s.welfare_targets.iter().any(|t| groups.contains(t))
                                && s.hazards.contains(hazard)
                                && (!needs_step_free
                                    || s.accessibility.contains(&Accessibility::StepFree))
                                && (!r.data.electricity_dependent
                                    || s.accessibility.contains(&Accessibility::PowerBackup))
                                && !spatial.shelter_in_zone_of(id, *hazard);
                            fits.then(|| (shelter_index[&id], metres.ceil() as u32))
                        })
                        .take(WELFARE_CANDIDATES)
                        .collect()
                };
                let ordinary = spatial
                    .nearest_shelter(home, *hazard)
                    .map(|(id, metres)| (shelter_index[&id], metres.ceil() as u32))
                    .into_iter()
                    .collect();
                Request {
                    person: i,
                    tier: priorities[i].tier_index(),
                    score: priorities[i].score,
                    welfare,
                    ordinary,
                    needs_care: !groups.is_empty(),
                }
            })
            .collect();
        let mut planned = Vec::new();
        for outcome in shelter_matching::assign(&requests, &mut capacity_left) {
            planned.push((*hazard, outcome));
        }
        planned
    };
    let shelter_rows = crate::matching::par_flat_map(&hazards, plan);
    drop(spatial);

    // Summary and rows.
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut assigned = vec![0u32; people.len()];
    let mut rows: Vec<NewProposal> = Vec::new();
    let mut places_proposed = 0;
    for a in &solution.assignments {
        assigned[a.need] += 1;
        if !a.fixed {
            places_proposed += 1;
            rows.push(NewProposal {
                run_id: 0,
                registrant_id: registrant_ids[a.need].0,
                kind: "supporter",
                supporter_id: Some(helpers[a.offer].id.0),
                shelter_id: None,
                hazard_type: None,
                distance_m: Some(f64::from(a.distance_m)),
                reason: None,
                missing: None,
                status: "proposed",
            });
        }
    }
    let mut short = vec![false; people.len()];
    for &(need, missing, reason) in &solution.shortfall {
        short[need] = true;
        *by_reason.entry(reason_code(reason).to_owned()).or_default() += 1;
        rows.push(NewProposal {
            run_id: 0,
            registrant_id: registrant_ids[need].0,
            kind: "unmatched",
            supporter_id: None,
            shelter_id: None,
            hazard_type: None,
            distance_m: None,
            reason: Some(reason_code(reason)),
            missing: Some(i32::try_from(missing).unwrap_or(i32::MAX)),
            status: "proposed",
        });
    }
    let mut no_shelter = vec![false; people.len()];
    for (hazard, outcome) in &shelter_rows {
        let registrant_id = registrant_ids[outcome.person].0;
        if let Some(shortfall) = outcome.welfare_shortfall {
            let code = match shortfall {
                WelfareShortfall::NoneFits => "no_fitting_welfare_shelter",
                WelfareShortfall::AllFull => "welfare_shelter_full",
            };
            *by_reason.entry(code.to_owned()).or_default() += 1;
        }
        match outcome.destination {
            Destination::Shelter {
                shelter,
                distance_m,
                ..
            } => rows.push(NewProposal {
                run_id: 0,
                registrant_id,
                kind: "shelter",
                supporter_id: None,
                shelter_id: Some(shelter_ids[shelter].0),
                hazard_type: Some(hazard.as_str()),
                distance_m: Some(f64::from(distance_m)),
                reason: None,
                missing: None,
                status: "proposed",
            }),
            Destination::NoShelter => {
                no_shelter[outcome.person] = true;
                *by_reason.entry("no_shelter".to_owned()).or_default() += 1;
                rows.push(NewProposal {
                    run_id: 0,
                    registrant_id,
                    kind: "unmatched",
                    supporter_id: None,
                    shelter_id: None,
                    hazard_type: Some(hazard.as_str()),
                    distance_m: None,
                    reason: Some("no_shelter"),
                    missing: Some(1),
                    status: "proposed",
                });
            }
        }
    }
    let places_needed: u64 = needs.iter().map(|n| u64::from(n.places)).sum();
    let places_open: u64 = solution.shortfall.iter().map(|s| u64::from(s.1)).sum();
    let unmatched = assigned.iter().filter(|&&a| a == 0).count();
    let fully = (0..people.len())
        .filter(|&i| !short[i] && !no_shelter[i])
        .count();
    let mut summary = RunSummary {
        run_id: 0,
        district_id: request.district_id,
        registrants: people.len(),
        fully_matched: fully,
        partly_matched: people.len() - fully - unmatched,
        unmatched,
        by_reason,
        places_needed,
        places_confirmed: solution.assignments.iter().filter(|a| a.fixed).count() as u64,
        places_proposed,
        places_open,
        hazards,
        total_distance_m: solution.total_distance_m,
        elapsed_ms: 0,
    };

    storage::write_transaction(&mut conn, |conn| {
        let run_id = proposals::insert_run(conn, district, actor.actor(), storage::now())?;
        proposals::supersede_open(conn, &registrant_ids)?;
        for row in &mut rows {
            row.run_id = run_id;
        }
        proposals::insert_many(conn, &rows)?;
        summary.run_id = run_id;
        summary.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        proposals::set_summary(
            conn,
            run_id,
            &serde_json::to_string(&summary).unwrap_or_default(),
        )?;
        let target = format!("matching run {run_id}");
        super::access::audit_change(ctx, conn, actor, &target, &registrant_ids)?;
        Ok::<_, ServiceError>(())
    })?;
    Ok(summary)
}

/// The summary of an earlier run.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown run.
pub fn summary(ctx: &AppContext, run: i64) -> ServiceResult<RunSummary> {
    let text = proposals::run_summary(&mut *ctx.conn()?, run)?
        .ok_or(ServiceError::NotFound("matching run"))?;
    serde_json::from_str(&text)
        .map_err(|e| storage::StorageError::Corrupt(format!("matching_runs.summary: {e}")).into())
}

/// Paging of a proposal list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ProposalQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The proposals of a run, in id order.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown run; [`ServiceError::Invalid`] for a bad page.
pub fn proposals_of(
    ctx: &AppContext,
    run: i64,
    query: &ProposalQuery,
) -> ServiceResult<Page<Proposal>> {
    let mut errors = ValidationErrors::new();
    let (limit, after) = page_params(ctx, query.limit, query.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut conn = ctx.conn()?;
    if proposals::run_summary(&mut conn, run)?.is_none() {
        return Err(ServiceError::NotFound("matching run"));
    }
    let items = proposals::list_for_run(&mut conn, run, after.unwrap_or(0), limit + 1)?;
    Ok(super::registrants::page(items, limit, |p| p.id))
}

/// A decided proposal, and what confirming it wrote into the person's plan.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Decision {
    #[serde(flatten)]
    pub proposal: Proposal,
    /// The plan after a confirmation changed it (`null` after a rejection, or when the plan
    /// already said this).
    pub plan: Option<PlanChange>,
}

/// Confirms or rejects a proposal that is still open. A confirmation also writes the supporter
/// or the destination into the person's plan (see [`super::plans`]), in the same transaction;
/// a rejection changes no plan, so nothing that staff wrote there is removed.
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::NotPending`] when it was decided or superseded;
/// [`ServiceError::Invalid`] when the plan cannot take another supporter.
pub fn decide(
    ctx: &AppContext,
    id: i64,
    confirm: bool,
    actor: Actor<'_>,
) -> ServiceResult<Decision> {
    super::registrants::require_register(actor)?;
    let today = ctx.today();
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |conn| {
        let status = if confirm { "confirmed" } else { "rejected" };
        if !proposals::decide(conn, id, status, actor.actor(), storage::now())? {
            return match proposals::find(conn, id)? {
                Some(p) => Err(ServiceError::NotPending(p.status)),
                None => Err(ServiceError::NotFound("proposal")),
            };
        }
        let proposal = proposals::find(conn, id)?.ok_or(ServiceError::NotFound("proposal"))?;
        if proposal.kind == "unmatched" {
            return Err(ValidationErrors::one("id", "未マッチの記録は確定・却下できません").into());
        }
        let plan = if confirm {
            super::plans::apply_confirmed_proposal(ctx, conn, &proposal, actor, today)?
        } else {
            None
        };
        let target = format!("proposal {id} {status}");
        super::access::audit_change(ctx, conn, actor, &target, &[proposal.registrant_id])?;
        Ok(Decision { proposal, plan })
    })
}

/// People still needing supporters, per district and reason.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SupporterGap {
    pub district_id: Option<i64>,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    /// Registrants with at least one open place.
    pub registrants: usize,
    /// Open places in all.
    pub open_places: i64,
    /// Registrants by reason.
    pub by_reason: BTreeMap<String, usize>,
}

/// The supporter-gap report: for each district, who still needs supporters and why, from the
/// latest run covering each registrant.
///
/// # Errors
/// [`ServiceError::Unavailable`] when the database is down.
pub fn supporter_gaps(ctx: &AppContext) -> ServiceResult<Vec<SupporterGap>> {
    let mut conn = ctx.conn()?;
    let districts = storage::districts::summaries(&mut conn)?;
    let mut gaps: BTreeMap<Option<i64>, SupporterGap> = BTreeMap::new();
    for (district, reason, missing) in proposals::open_supporter_gaps(&mut conn)? {
        let named = districts.iter().find(|d| Some(d.id.0) == district);
        let gap = gaps.entry(district).or_insert_with(|| SupporterGap {
            district_id: district,
            district_code: named.map(|d| d.code.clone()),
            district_name: named.map(|d| d.name.clone()),
            registrants: 0,
            open_places: 0,
            by_reason: BTreeMap::new(),
        });
        gap.registrants += 1;
        gap.open_places += i64::from(missing);
        *gap.by_reason.entry(reason).or_default() += 1;
    }
    let mut gaps: Vec<SupporterGap> = gaps.into_values().collect();
    gaps.sort_by(|a, b| a.district_code.cmp(&b.district_code));
    Ok(gaps)
}

/// The supporter-gap report as CSV (UTF-8 with BOM, so Excel opens it), Japanese headers.
pub fn supporter_gaps_csv(gaps: &[SupporterGap]) -> String {
    let reasons = [
        "nobody_within_radius",
        "nobody_capable",
        "all_nearby_at_capacity",
    ];
    let mut out = String::from(
        "\u{feff}校区コード,校区名,支援者未定の人数,不足している支援者数,近くに支援者がいない,必要な支援ができる人がいない,近くの支援者が手一杯\r\n",
    );
    for gap in gaps {
        // District codes and names come from imported files: guarded like every text cell
        // (crate::exchange::excel_safe); the counts are the service's own numbers.
        let quote = |s: &str| {
            format!(
                "\"{}\"",
                crate::exchange::excel_safe(s).replace('"', "\"\"")
            )
        };
        let mut line = vec![
            quote(gap.district_code.as_deref().unwrap_or("")),
            quote(gap.district_name.as_deref().unwrap_or("（校区外）")),
            gap.registrants.to_string(),
            gap.open_places.to_string(),
        ];
        line.extend(
            reasons
                .iter()
                .map(|r| gap.by_reason.get(*r).copied().unwrap_or(0).to_string()),
        );
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supporter_gap_csv_guards_imported_district_text_and_keeps_counts_as_numbers() {
        let gaps = [SupporterGap {
            district_id: Some(1),
            district_code: Some("-D1".into()),
            district_name: Some("=HYPERLINK(\"http://x\",\"y\")".into()),
            registrants: 3,
            open_places: 4,
            by_reason: BTreeMap::from([("nobody_capable".to_owned(), 3)]),
        }];
        let csv = supporter_gaps_csv(&gaps);
        let row = csv.lines().nth(1).unwrap_or_default();
        assert_eq!(
            row,
            "\"'-D1\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3,4,0,3,0"
        );
    }
}
