//! Shelters: emergency sites designated per hazard, designated shelters, welfare shelters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{Accessibility, HazardType, ShelterKind, WelfareTarget, parse_code_list};
use super::registrant::require;
use super::text::{self, MAX_NOTE, MAX_SHORT};
use super::{DistrictId, GeoPoint, ShelterId, ValidationErrors};

/// A shelter as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Shelter {
    pub id: ShelterId,
    pub version: i64,
    pub district_id: Option<DistrictId>,
    #[serde(flatten)]
    pub data: ShelterData,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: chrono::NaiveDateTime,
}

impl Shelter {
    /// Keys of the JSON form that the server keeps.
    pub const SERVER_FIELDS: &'static [&'static str] =
        &["id", "version", "district_id", "created_at", "updated_at"];
}

/// The validated data of a shelter.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ShelterData {
    /// GSI common id (共通ID), the key for re-imports.
    pub gsi_id: Option<String>,
    pub name: String,
    pub address: String,
    /// Where the site is.
    #[serde(flatten)]
    pub location: GeoPoint,
    pub kind: ShelterKind,
    /// Hazard types the site is designated for.
    pub hazards: Vec<HazardType>,
    /// Persons; unknown for GSI data, which has no capacity column.
    pub capacity: Option<i32>,
    /// Published target groups of a welfare shelter.
    pub welfare_targets: Vec<WelfareTarget>,
    pub accessibility: Vec<Accessibility>,
    pub is_open: bool,
    pub notes: Option<String>,
}

/// A shelter as sent by a client.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShelterInput {
    pub gsi_id: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `emergency_site`, `designated_shelter` or `welfare_shelter`.
    pub kind: Option<String>,
    pub hazards: Option<Vec<String>>,
    pub capacity: Option<i64>,
    pub welfare_targets: Option<Vec<String>>,
    pub accessibility: Option<Vec<String>>,
    /// Open by default, except welfare shelters, which open on request.
    pub is_open: Option<bool>,
    pub notes: Option<String>,
}

impl ShelterData {
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(input: &ShelterInput, _today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let gsi_id = e
            .check("gsi_id", text::optional(input.gsi_id.as_deref(), 64))
            .flatten();
        let name = require("name", input.name.as_deref(), &mut e)
            .and_then(|v| e.check("name", text::required(v, MAX_SHORT)));
        let address = require("address", input.address.as_deref(), &mut e)
            .and_then(|v| e.check("address", text::required(v, MAX_SHORT)));
        if input.latitude.is_none() && input.longitude.is_none() {
            e.push("latitude", "避難所の位置（緯度・経度）は必須です");
        }
        let location = GeoPoint::parse_pair(input.latitude, input.longitude, &mut e);
        let kind = require("kind", input.kind.as_deref(), &mut e)
            .and_then(|v| e.check("kind", ShelterKind::parse(v.trim())));
        let hazards = parse_code_list(
            "hazards",
            input.hazards.as_deref().unwrap_or_default(),
            HazardType::parse,
            &mut e,
        );
        if kind == Some(ShelterKind::EmergencySite)
            && hazards.is_empty()
            && input.hazards.as_deref().is_none_or(<[String]>::is_empty)
        {
            e.push(
                "hazards",
                "指定緊急避難場所は対象とする災害の種類を1つ以上選んでください",
            );
        }
        let capacity = match input.capacity {
            None => None,
            Some(c) if (0..=1_000_000).contains(&c) => i32::try_from(c).ok(),
            Some(_) => {
                e.push("capacity", "収容人数は0〜1000000の範囲で入力してください");
                None
            }
        };
        let welfare_targets = parse_code_list(
            "welfare_targets",
            input.welfare_targets.as_deref().unwrap_or_default(),
            WelfareTarget::parse,
            &mut e,
        );
        if !welfare_targets.is_empty() && kind.is_some_and(|k| k != ShelterKind::WelfareShelter) {
            e.push(
                "welfare_targets",
                "受入対象者は福祉避難所にだけ設定できます",
            );
        }
        let accessibility = parse_code_list(
            "accessibility",
            input.accessibility.as_deref().unwrap_or_default(),
            Accessibility::parse,
            &mut e,
        );
        let notes = e
            .check("notes", text::optional(input.notes.as_deref(), MAX_NOTE))
            .flatten();
        match (name, address, location, kind) {
            (Some(name), Some(address), Some(location), Some(kind)) if e.is_empty() => Ok(Self {
                gsi_id,
                name,
                address,
                location,
                kind,
                hazards,
                capacity,
                welfare_targets,
                accessibility,
                is_open: input.is_open.unwrap_or(kind != ShelterKind::WelfareShelter),
                notes,
            }),
            _ => Err(e),
        }
    }
}
