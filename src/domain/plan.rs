//! The individual evacuation plan (個別避難計画) of one registrant: who helps, where to go for
//! each hazard type, when to leave, what to take, and the notes for supporters and shelter staff.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{HazardType, PlanStatus};
use super::registrant::{past_date, require};
use super::text::{self, MAX_NOTE, MAX_SHORT};
use super::{RegistrantId, ShelterId, SupporterId, ValidationErrors};

/// Most supporters one plan names.
pub const MAX_PLAN_SUPPORTERS: usize = 10;

/// When to leave, if the plan says nothing else (alert level 3, 高齢者等避難).
pub const DEFAULT_WHEN_TO_LEAVE: &str =
    "警戒レベル3「高齢者等避難」が発令されたら、支援者と一緒に避難を始める";

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Plan {
    pub registrant_id: RegistrantId,
    pub version: i64,
    #[serde(flatten)]
    pub data: PlanData,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: chrono::NaiveDateTime,
}

impl Plan {
    /// Keys of the JSON form that the server keeps.
    pub const SERVER_FIELDS: &'static [&'static str] =
        &["registrant_id", "version", "created_at", "updated_at"];
}

/// A supporter named in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanSupporter {
    pub supporter_id: SupporterId,
    /// e.g. 「近所の方」「長男」.
    pub relation: Option<String>,
}

/// Where to go for one hazard type: a shelter, or another place typed by staff (a relative's
/// home, a care facility).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanDestination {
    pub hazard_type: HazardType,
    pub shelter_id: Option<ShelterId>,
    pub place: Option<String>,
}

/// The validated content of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanData {
    pub status: PlanStatus,
    /// Who wrote it (a welfare commissioner, a care manager…).
    pub author: String,
    pub author_relation: Option<String>,
    pub written_on: NaiveDate,
    pub next_review_on: Option<NaiveDate>,
    pub community_association: Option<String>,
    /// 班: the neighbourhood group within the community association.
    pub neighbourhood_group: Option<String>,
    pub welfare_commissioner: Option<String>,
    pub supporters: Vec<PlanSupporter>,
    pub destinations: Vec<PlanDestination>,
    pub route_note: Option<String>,
    pub when_to_leave: String,
    pub items_to_take: Option<String>,
    pub notes_for_supporters: Option<String>,
    pub notes_for_shelter_staff: Option<String>,
}

/// A plan as sent by a client (PUT replaces the whole plan).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// `draft` (default), `confirmed` or `needs_review`.
    pub status: Option<String>,
    pub author: Option<String>,
    pub author_relation: Option<String>,
    /// YYYY-MM-DD; today when omitted.
    pub written_on: Option<String>,
    pub next_review_on: Option<String>,
    pub community_association: Option<String>,
    /// 班 (e.g. `3班`).
    pub neighbourhood_group: Option<String>,
    pub welfare_commissioner: Option<String>,
    pub supporters: Option<Vec<PlanSupporterInput>>,
    pub destinations: Option<Vec<PlanDestinationInput>>,
    pub route_note: Option<String>,
    pub when_to_leave: Option<String>,
    pub items_to_take: Option<String>,
    pub notes_for_supporters: Option<String>,
    pub notes_for_shelter_staff: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanSupporterInput {
    pub supporter_id: Option<i64>,
    pub relation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDestinationInput {
    pub hazard_type: Option<String>,
    pub shelter_id: Option<i64>,
    pub place: Option<String>,
}

impl PlanData {
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field. A confirmed plan needs at least one
    /// supporter and one destination.
    pub fn parse(input: &PlanInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let status = match input.status.as_deref() {
            Some(s) => e.check("status", PlanStatus::parse(s.trim())),
            None => Some(PlanStatus::Draft),
        };
        let author = require("author", input.author.as_deref(), &mut e)
            .and_then(|v| e.check("author", text::required(v, MAX_SHORT)));
        let short = |e: &mut ValidationErrors, field: &str, v: Option<&str>| {
            e.check(field, text::optional(v, MAX_SHORT)).flatten()
        };
        let note = |e: &mut ValidationErrors, field: &str, v: Option<&str>| {
            e.check(field, text::optional(v, MAX_NOTE)).flatten()
        };
        let author_relation = short(&mut e, "author_relation", input.author_relation.as_deref());
        let written_on = match input.written_on.as_deref() {
            Some(d) => e.check("written_on", past_date(d, today)),
            None => Some(today),
        };
        let next_review_on = input.next_review_on.as_deref().and_then(|d| {
            let parsed = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d");
            match (parsed, written_on) {
                (Ok(next), Some(written)) if next <= written => {
                    e.push("next_review_on", "次の見直し日は作成日より後にしてください");
                    None
                }
                (Ok(next), _) => Some(next),
                (Err(_), _) => {
                    e.push(
                        "next_review_on",
                        "日付は YYYY-MM-DD の形式で入力してください",
                    );
                    None
                }
            }
        });
        let supporters_in = input.supporters.as_deref().unwrap_or_default();
        if supporters_in.len() > MAX_PLAN_SUPPORTERS {
            e.push(
                "supporters",
                format!("支援者は{MAX_PLAN_SUPPORTERS}人までです"),
            );
        }
        let mut supporters: Vec<PlanSupporter> = Vec::new();
        for (i, s) in supporters_in.iter().enumerate() {
            let relation = short(
                &mut e,
                &format!("supporters[{i}].relation"),
                s.relation.as_deref(),
            );
            match s.supporter_id {
                Some(id) if supporters.iter().any(|p| p.supporter_id.0 == id) => {
                    e.push(
                        format!("supporters[{i}].supporter_id"),
                        "同じ支援者が2回あります",
                    );
                }
                Some(id) => supporters.push(PlanSupporter {
                    supporter_id: SupporterId(id),
                    relation,
                }),
                None => e.push(format!("supporters[{i}].supporter_id"), "必須項目です"),
            }
        }
        let mut destinations: Vec<PlanDestination> = Vec::new();
        for (i, d) in input
            .destinations
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let field = |name: &str| format!("destinations[{i}].{name}");
            let hazard = require(&field("hazard_type"), d.hazard_type.as_deref(), &mut e)
                .and_then(|h| e.check(&field("hazard_type"), HazardType::parse(h.trim())));
            let place = short(&mut e, &field("place"), d.place.as_deref());
            if d.shelter_id.is_none() && place.is_none() {
                e.push(
                    field("shelter_id"),
                    "避難先の避難所か場所を入力してください",
                );
            }
            if let Some(hazard) = hazard {
                if destinations.iter().any(|x| x.hazard_type == hazard) {
                    e.push(field("hazard_type"), "同じ災害の避難先が2つあります");
                } else {
                    destinations.push(PlanDestination {
                        hazard_type: hazard,
                        shelter_id: d.shelter_id.map(ShelterId),
                        place,
                    });
                }
            }
        }
        if status == Some(PlanStatus::Confirmed) {
            if supporters.is_empty() && input.supporters.as_deref().is_none_or(<[_]>::is_empty) {
                e.push("supporters", "確定した計画には支援者が1人以上必要です");
            }
            if destinations.is_empty() && input.destinations.as_deref().is_none_or(<[_]>::is_empty)
            {
                e.push("destinations", "確定した計画には避難先が1つ以上必要です");
            }
        }
        let plan = Self {
            status: status.unwrap_or(PlanStatus::Draft),
            author: author.unwrap_or_default(),
            author_relation,
            written_on: written_on.unwrap_or(today),
            next_review_on,
            community_association: short(
                &mut e,
                "community_association",
                input.community_association.as_deref(),
            ),
            neighbourhood_group: short(
                &mut e,
                "neighbourhood_group",
                input.neighbourhood_group.as_deref(),
            ),
            welfare_commissioner: short(
                &mut e,
                "welfare_commissioner",
                input.welfare_commissioner.as_deref(),
            ),
            supporters,
            destinations,
            route_note: note(&mut e, "route_note", input.route_note.as_deref()),
            when_to_leave: note(&mut e, "when_to_leave", input.when_to_leave.as_deref())
                .unwrap_or_else(|| DEFAULT_WHEN_TO_LEAVE.to_owned()),
            items_to_take: note(&mut e, "items_to_take", input.items_to_take.as_deref()),
            notes_for_supporters: note(
                &mut e,
                "notes_for_supporters",
                input.notes_for_supporters.as_deref(),
            ),
            notes_for_shelter_staff: note(
                &mut e,
                "notes_for_shelter_staff",
                input.notes_for_shelter_staff.as_deref(),
            ),
        };
        e.into_result(|| plan)
    }
}
