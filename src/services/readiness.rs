//! The readiness check: what stops plans from being made in this city as its data stands, and
//! how to fix it, in Japanese for the staff who import a city's own files. Served as
//! `GET /api/v1/readiness` and `sasaeai check`; both run this one function.
//!
//! Findings name records by id and count only (never a person's name), so the check can be
//! pasted into a ticket. It is still a read of the register, so it is written to the audit log.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::access::{self, Caller};
use super::{AppContext, ServiceResult};
use crate::domain::RegistrantId;
use crate::domain::codes::{HazardType, ShelterKind, SupporterStatus};
use crate::storage::{districts, hazard_zones, registrants, shelters, supporters};

/// How much a finding stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nobody (or nobody facing a hazard) can get a complete plan until it is fixed.
    Blocking,
    /// Some people's plans are held up, or matching will be poorer than it could be.
    Warning,
}

/// One thing that stops plans, with what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Finding {
    /// A stable code: `no_districts`, `no_shelters`, `no_hazard_zones`,
    /// `hazard_without_shelter`, `district_without_shelter`, `welfare_shelter_incomplete`,
    /// `registrant_outside_districts`, `registrant_district_review`,
    /// `registrant_without_location`, `supporter_without_consent`, `plan_check_failed`.
    pub code: String,
    pub severity: Severity,
    /// The hazard type concerned (`hazard_without_shelter` only).
    pub hazard_type: Option<HazardType>,
    /// What is wrong, in Japanese.
    pub message: String,
    /// How to fix it, in Japanese.
    pub fix: String,
    /// How many records are concerned.
    pub count: usize,
    /// The first ids concerned (registrants, supporters, shelters or districts, as `code`
    /// says), at most [`MAX_IDS`].
    pub ids: Vec<i64>,
}

/// Ids listed per finding; the count gives the rest.
pub const MAX_IDS: usize = 50;

/// The whole check.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Readiness {
    /// No blocking finding.
    pub ready: bool,
    /// Blocking findings first.
    pub findings: Vec<Finding>,
}

fn finding(code: &str, severity: Severity, message: String, fix: &str, ids: Vec<i64>) -> Finding {
    Finding {
        code: code.to_owned(),
        severity,
        hazard_type: None,
        message,
        fix: fix.to_owned(),
        count: ids.len(),
        ids: ids.into_iter().take(MAX_IDS).collect(),
    }
}

/// Checks the city's data and lists what stops plans from being made, blocking findings
/// first. Recorded in the audit log under the caller, with the registrant ids it names.
///
/// # Errors
/// [`super::ServiceError::Unavailable`] when the database is down.
pub fn check(ctx: &AppContext, caller: &Caller) -> ServiceResult<Readiness> {
    let mut conn = ctx.conn()?;
    let mut findings = Vec::new();

    let all_districts = districts::summaries(&mut conn)?;
    if all_districts.is_empty() {
        findings.push(finding(
            "no_districts",
            Severity::Blocking,
            "校区が登録されていません。自宅がどの校区か決まらず、地区の担当者には誰も見えません".into(),
            "国土数値情報 A27（小学校区）の GeoJSON を sasaeai import districts FILE で取り込んでください",
            Vec::new(),
        ));
    }
    let all_shelters = shelters::all(&mut conn)?;
    if all_shelters.is_empty() {
        findings.push(finding(
            "no_shelters",
            Severity::Blocking,
            "避難所が登録されていません。避難先を決められません".into(),
            "国土地理院の指定緊急避難場所・指定避難所、またはデジタル庁の指定緊急避難場所データを sasaeai import shelters FILE で取り込んでください",
            Vec::new(),
        ));
    }

    let zones = hazard_zones::summaries(&mut conn)?;
    let zone_types: BTreeSet<HazardType> = zones.iter().map(|z| z.hazard_type).collect();
    if zones.is_empty() {
        findings.push(finding(
            "no_hazard_zones",
            Severity::Warning,
            "ハザード区域（洪水浸水想定区域・土砂災害警戒区域）が登録されていません。自宅の危険度で優先順位を付けられず、区域の中の避難所を除けません".into(),
            "国土数値情報 A31（洪水浸水想定区域）・A33（土砂災害警戒区域）の GeoJSON を sasaeai import hazards FILE --hazard flood|landslide で取り込んでください",
            Vec::new(),
        ));
    }
    {
        let spatial = ctx.spatial();
        for hazard in &zone_types {
            if spatial.has_eligible_shelters(*hazard) {
                continue;
            }
            let designated: Vec<i64> = all_shelters
                .iter()
                .filter(|s| s.data.hazards.contains(hazard))
                .map(|s| s.id.0)
                .collect();
            let label = hazard.label_ja();
            let why = if designated.is_empty() {
                format!("{label}に指定された避難所が1つもありません")
            } else {
                format!(
                    "{label}に指定された避難所{}か所は、どれも閉じているか{label}の区域の中にあります",
                    designated.len()
                )
            };
            findings.push(Finding {
                hazard_type: Some(*hazard),
                ..finding(
                    "hazard_without_shelter",
                    Severity::Blocking,
                    format!(
                        "{label}の区域がありますが、{why}。{label}の避難先をだれにも提案できません"
                    ),
                    &format!(
                        "デジタル庁の「指定緊急避難場所一覧」（災害種別_{label}に 1 または ○）を sasaeai import shelters FILE で取り込むか、避難所の hazards に {} を加えてください（開設中で、{label}の区域の外にあること）",
                        hazard.as_str()
                    ),
                    designated,
                )
            });
        }
    }

    let mut shelters_per_district: BTreeMap<i64, usize> = BTreeMap::new();
    for s in &all_shelters {
        if let Some(d) = s.district_id {
            *shelters_per_district.entry(d.0).or_default() += 1;
        }
    }
    let bare: Vec<i64> = all_districts
        .iter()
        .filter(|d| !shelters_per_district.contains_key(&d.id.0))
        .map(|d| d.id.0)
        .collect();
    if !bare.is_empty() && !all_shelters.is_empty() {
        let names: Vec<&str> = all_districts
            .iter()
            .filter(|d| bare.contains(&d.id.0))
            .take(10)
            .map(|d| d.name.as_str())
            .collect();
        findings.push(finding(
            "district_without_shelter",
            Severity::Warning,
            format!(
                "避難所が1つもない校区が{}あります（{}{}）。住民は隣の校区へ避難することになります",
                bare.len(),
                names.join("、"),
                if bare.len() > names.len() { "ほか" } else { "" }
            ),
            "避難所の位置が正しいか確かめ、校区内の避難所が未登録なら取り込んでください。隣の校区で足りる場合はこのままで構いません",
            bare,
        ));
    }

    let incomplete: Vec<i64> = all_shelters
        .iter()
        .filter(|s| {
            s.data.kind == ShelterKind::WelfareShelter
                && (s.data.capacity.is_none() || s.data.welfare_targets.is_empty())
        })
        .map(|s| s.id.0)
        .collect();
    if !incomplete.is_empty() {
        findings.push(finding(
            "welfare_shelter_incomplete",
            Severity::Warning,
            format!(
                "受入人数または対象者が未登録の福祉避難所が{}か所あります。介護や医療の必要な方を割り当てられません",
                incomplete.len()
            ),
            "福祉避難所ごとに capacity（受入人数）と welfare_targets（対象者）を入力してください（PATCH /api/v1/shelters/{id}）",
            incomplete,
        ));
    }

    let placement = registrants::active_placement(&mut conn)?;
    let outside: Vec<i64> = placement
        .iter()
        .filter(|(_, located, district, _)| *located && district.is_none())
        .map(|(id, ..)| id.0)
        .collect();
    let review: Vec<i64> = placement
        .iter()
        .filter(|(.., review)| *review)
        .map(|(id, ..)| id.0)
        .collect();
    let unlocated: Vec<i64> = placement
        .iter()
        .filter(|(_, located, ..)| !*located)
        .map(|(id, ..)| id.0)
        .collect();
    if !outside.is_empty() {
        findings.push(finding(
            "registrant_outside_districts",
            Severity::Warning,
            format!(
                "どの校区にも入らない方が{}人います。地区の担当者の名簿に載りません",
                outside.len()
            ),
            "自宅の緯度・経度を確かめて直すか、校区の境界データを取り込み直してください",
            outside.clone(),
        ));
    }
    if !review.is_empty() {
        findings.push(finding(
            "registrant_district_review",
            Severity::Warning,
            format!(
                "校区の境界のすき間にあり、近い校区に仮に入れた方が{}人います",
                review.len()
            ),
            "自宅の位置と校区を確かめてください（district_needs_review が付いています）",
            review,
        ));
    }
    if !unlocated.is_empty() {
        findings.push(finding(
            "registrant_without_location",
            Severity::Warning,
            format!(
                "自宅の位置（緯度・経度）が未登録の方が{}人います。支援者と避難先を探せず、計画の地図も描けません",
                unlocated.len()
            ),
            "名簿の latitude・longitude を入力してください（CSV の 緯度・経度 列でも取り込めます）",
            unlocated,
        ));
    }

    let without_consent: Vec<i64> = supporters::list(
        &mut conn,
        &supporters::ListFilter {
            limit: i64::MAX,
            ..Default::default()
        },
    )?
    .into_iter()
    .filter(|s| s.data.status == SupporterStatus::Active && !s.data.consent_given)
    .map(|s| s.id.0)
    .collect();
    if !without_consent.is_empty() {
        findings.push(finding(
            "supporter_without_consent",
            Severity::Warning,
            format!(
                "同意の記録がない支援者が{}人います。この方々は提案されず、計画にも載せられません",
                without_consent.len()
            ),
            "支援者本人の同意を確かめ、consent_given・consent_date を記録してください",
            without_consent,
        ));
    }

    let failing = super::plans::confirmed_plans_failing_check(ctx, &mut conn)?;
    if !failing.is_empty() {
        let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
        for (_, codes) in &failing {
            for code in codes {
                *by_code.entry(code.clone()).or_default() += 1;
            }
        }
        let reasons: Vec<String> = by_code
            .iter()
            .map(|(code, n)| format!("{code} {n}件"))
            .collect();
        findings.push(finding(
            "plan_check_failed",
            Severity::Warning,
            format!(
                "確定した計画のうち{}件が、今は印刷前の確認を通りません（{}）",
                failing.len(),
                reasons.join("、")
            ),
            "GET /api/v1/registrants/{id}/plan/check で理由を確かめ、支援者の確定・同意や計画を直してください",
            failing.iter().map(|(id, _)| id.0).collect(),
        ));
    }
    drop(conn);

    findings.sort_by_key(|f| f.severity);
    let named: Vec<RegistrantId> = findings
        .iter()
        .filter(|f| f.code.starts_with("registrant_") || f.code == "plan_check_failed")
        .flat_map(|f| f.ids.iter().map(|id| RegistrantId(*id)))
        .collect();
    access::record(
        ctx,
        access::caller_record(caller, "readiness", "/api/v1/readiness", named, Vec::new()),
    )?;
    Ok(Readiness {
        ready: findings.iter().all(|f| f.severity != Severity::Blocking),
        findings,
    })
}
