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

/// Most points of a drawn route.
pub const MAX_ROUTE_POINTS: usize = 500;
/// Longest drawn route, metres: a walk to a shelter, not a drive across the prefecture.
pub const MAX_ROUTE_M: f64 = 20_000.0;

/// The way to walk, drawn on the map by staff: a GeoJSON LineString of `[longitude, latitude]`
/// points (WGS84 degrees), from the home towards the destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanRoute {
    /// Always `LineString`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `[longitude, latitude]` pairs, 2 to 500 of them.
    pub coordinates: Vec<[f64; 2]>,
}

impl PlanRoute {
    /// The points as `(latitude, longitude)`, the order the maps and distances use.
    pub fn lat_lon(&self) -> Vec<(f64, f64)> {
        self.coordinates
            .iter()
            .map(|&[lon, lat]| (lat, lon))
            .collect()
    }

    /// The length along the line, metres (great-circle between points).
    pub fn length_m(&self) -> f64 {
        super::location::path_length_m(&self.lat_lon())
    }

    /// Checks a client's route: a LineString of 2–500 points in range, at most 20 km long.
    /// `None` (no route) is fine; errors are pushed on `field`.
    fn parse(input: &PlanRouteInput, field: &str, e: &mut ValidationErrors) -> Option<Self> {
        if input.kind.as_deref().map(str::trim) != Some("LineString") {
            e.push(
                format!("{field}.type"),
                "経路は LineString で指定してください",
            );
            return None;
        }
        let points = input.coordinates.as_deref().unwrap_or_default();
        if points.len() < 2 || points.len() > MAX_ROUTE_POINTS {
            e.push(
                format!("{field}.coordinates"),
                format!("経路の点は2〜{MAX_ROUTE_POINTS}個にしてください"),
            );
            return None;
        }
        let mut coordinates = Vec::with_capacity(points.len());
        for (i, point) in points.iter().enumerate() {
            match point.as_slice() {
                [lon, lat] if super::GeoPoint::new(*lat, *lon).is_ok() => {
                    coordinates.push([*lon, *lat]);
                }
                _ => {
                    e.push(
                        format!("{field}.coordinates[{i}]"),
                        "経度・緯度の組が正しくありません（経度 -180〜180、緯度 -90〜90）",
                    );
                    return None;
                }
            }
        }
        let route = Self {
            kind: "LineString".to_owned(),
            coordinates,
        };
        if route.length_m() > MAX_ROUTE_M {
            e.push(
                format!("{field}.coordinates"),
                "経路が長すぎます（20km まで）。地図の点を確かめてください",
            );
            return None;
        }
        Some(route)
    }
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
    /// The route drawn on the map, printed on the plan's map with its length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<PlanRoute>,
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
    /// The route drawn on the map: a GeoJSON LineString of `[longitude, latitude]` points.
    pub route: Option<PlanRouteInput>,
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

/// A route as sent by a client.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRouteInput {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub coordinates: Option<Vec<Vec<f64>>>,
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
            route: input
                .route
                .as_ref()
                .and_then(|r| PlanRoute::parse(r, "route", &mut e)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_route(route: serde_json::Value) -> Result<PlanData, ValidationErrors> {
        let input: PlanInput = serde_json::from_value(serde_json::json!({
            "author": "山田 花子",
            "route": route,
        }))
        .unwrap();
        PlanData::parse(&input, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    }

    fn fields(e: &ValidationErrors) -> Vec<String> {
        e.errors().iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn a_route_is_kept_as_drawn_with_its_length() {
        let plan = parse_route(serde_json::json!({
            "type": "LineString",
            "coordinates": [[130.5083, 33.3192], [130.5115, 33.3192], [130.5115, 33.3228]],
        }))
        .unwrap();
        let route = plan.route.expect("route");
        assert_eq!(route.coordinates.len(), 3);
        assert_eq!(route.lat_lon()[0], (33.3192, 130.5083));
        // 0.0032° of longitude at 33.3° (≈ 297 m) and 0.0036° of latitude (≈ 400 m).
        assert!(
            (route.length_m() - 697.0).abs() < 5.0,
            "{}",
            route.length_m()
        );
        // The stored form reads back the same.
        let text = serde_json::to_string(&route).unwrap();
        assert!(text.starts_with(r#"{"type":"LineString","coordinates":[[130.5083,33.3192]"#));
    }

    #[test]
    fn a_plan_without_a_route_stores_none_and_reads_old_rows() {
        assert_eq!(parse_route(serde_json::Value::Null).unwrap().route, None);
        let old = serde_json::json!({
            "status": "draft", "author": "a", "author_relation": null,
            "written_on": "2026-01-01", "next_review_on": null,
            "community_association": null, "neighbourhood_group": null,
            "welfare_commissioner": null, "supporters": [], "destinations": [],
            "route_note": null, "when_to_leave": "x", "items_to_take": null,
            "notes_for_supporters": null, "notes_for_shelter_staff": null,
        });
        let data: PlanData = serde_json::from_value(old).unwrap();
        assert_eq!(data.route, None);
        assert!(!serde_json::to_string(&data).unwrap().contains("route\""));
    }

    #[test]
    fn bad_routes_name_their_field() {
        let cases = [
            (
                serde_json::json!({"type": "Point", "coordinates": [[130.5, 33.3], [130.6, 33.3]]}),
                "route.type",
            ),
            (
                serde_json::json!({"type": "LineString", "coordinates": [[130.5, 33.3]]}),
                "route.coordinates",
            ),
            (
                serde_json::json!({"type": "LineString", "coordinates": [[130.5, 33.3], [33.3, 130.5]]}),
                "route.coordinates[1]",
            ),
            (
                serde_json::json!({"type": "LineString", "coordinates": [[130.5, 33.3], [130.5]]}),
                "route.coordinates[1]",
            ),
            // Tokyo from Kurume: a slip of the mouse, not a walk.
            (
                serde_json::json!({"type": "LineString", "coordinates": [[130.5, 33.3], [139.7, 35.7]]}),
                "route.coordinates",
            ),
        ];
        for (route, field) in cases {
            let e = parse_route(route.clone()).unwrap_err();
            assert_eq!(fields(&e), vec![field.to_owned()], "{route}");
        }
        let many: Vec<[f64; 2]> = (0..=MAX_ROUTE_POINTS)
            .map(|i| [130.5 + i as f64 * 1e-6, 33.3])
            .collect();
        let e = parse_route(serde_json::json!({"type": "LineString", "coordinates": many}))
            .unwrap_err();
        assert_eq!(fields(&e), vec!["route.coordinates".to_owned()]);
    }
}
