//! A supporter (避難支援等関係者): who helps, from where, with what, and their own consent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{Capability, SupporterKind, SupporterStatus, parse_code_list};
use super::registrant::{past_date, require};
use super::text::{self, MAX_NOTE, MAX_SHORT};
use super::{DistrictId, GeoPoint, SupporterId, ValidationErrors};

/// The most people one supporter may be asked to help.
pub const MAX_CAPACITY: i64 = 20;

/// A supporter as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Supporter {
    pub id: SupporterId,
    pub version: i64,
    pub district_id: Option<DistrictId>,
    #[serde(flatten)]
    pub data: SupporterData,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: chrono::NaiveDateTime,
}

impl Supporter {
    /// Keys of the JSON form that the server keeps.
    pub const SERVER_FIELDS: &'static [&'static str] =
        &["id", "version", "district_id", "created_at", "updated_at"];
}

/// The validated data of a supporter.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SupporterData {
    pub name: String,
    pub name_kana: Option<String>,
    pub phone: String,
    pub address: String,
    /// Where the supporter lives: supporters are matched by walking distance.
    #[serde(flatten)]
    pub location: GeoPoint,
    pub kind: SupporterKind,
    pub status: SupporterStatus,
    /// How many registrants this supporter can help at once.
    pub capacity: i32,
    pub capabilities: Vec<Capability>,
    /// The supporter's own consent to be named in plans and to receive them.
    pub consent_given: bool,
    pub consent_date: Option<NaiveDate>,
    pub consent_note: Option<String>,
    pub external_id: Option<String>,
    pub notes: Option<String>,
}

/// A supporter as sent by a client.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupporterInput {
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `neighbour`, `welfare_commissioner`, `voluntary_group`, `community_association`,
    /// `fire_brigade`, `family` or `care_professional`.
    pub kind: Option<String>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
    /// 1 by default.
    pub capacity: Option<i64>,
    /// `wheelchair`, `stretcher`, `car`, `night_time`.
    pub capabilities: Option<Vec<String>>,
    pub consent_given: Option<bool>,
    /// YYYY-MM-DD; required when consent is given.
    pub consent_date: Option<String>,
    pub consent_note: Option<String>,
    pub external_id: Option<String>,
    pub notes: Option<String>,
}

impl SupporterData {
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(input: &SupporterInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = require("name", input.name.as_deref(), &mut e)
            .and_then(|v| e.check("name", text::required(v, MAX_SHORT)));
        let name_kana = input
            .name_kana
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .and_then(|v| e.check("name_kana", text::kana(v)));
        let phone = require("phone", input.phone.as_deref(), &mut e)
            .and_then(|v| e.check("phone", text::phone(v)));
        let address = require("address", input.address.as_deref(), &mut e)
            .and_then(|v| e.check("address", text::required(v, MAX_SHORT)));
        if input.latitude.is_none() && input.longitude.is_none() {
            e.push("latitude", "支援者の位置（緯度・経度）は必須です");
        }
        let location = GeoPoint::parse_pair(input.latitude, input.longitude, &mut e);
        let kind = require("kind", input.kind.as_deref(), &mut e)
            .and_then(|v| e.check("kind", SupporterKind::parse(v.trim())));
        let status = match input.status.as_deref() {
            Some(v) => e.check("status", SupporterStatus::parse(v.trim())),
            None => Some(SupporterStatus::Active),
        };
        let capacity = match input.capacity {
            None => Some(1),
            Some(c) if (1..=MAX_CAPACITY).contains(&c) => i32::try_from(c).ok(),
            Some(_) => {
                e.push(
                    "capacity",
                    format!("支援できる人数は1〜{MAX_CAPACITY}の範囲で入力してください"),
                );
                None
            }
        };
        let capabilities = parse_code_list(
            "capabilities",
            input.capabilities.as_deref().unwrap_or_default(),
            Capability::parse,
            &mut e,
        );
        let consent_given = input.consent_given.unwrap_or(false);
        let consent_date = input
            .consent_date
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| e.check("consent_date", past_date(v, today)));
        if consent_given
            && input
                .consent_date
                .as_deref()
                .is_none_or(|v| v.trim().is_empty())
        {
            e.push("consent_date", "同意を得た日を入力してください");
        }
        let consent_note = e
            .check(
                "consent_note",
                text::optional(input.consent_note.as_deref(), MAX_NOTE),
            )
            .flatten();
        let external_id = e
            .check(
                "external_id",
                text::optional(input.external_id.as_deref(), 64),
            )
            .flatten();
        let notes = e
            .check("notes", text::optional(input.notes.as_deref(), MAX_NOTE))
            .flatten();
        match (name, phone, address, location, kind, status, capacity) {
            (
                Some(name),
                Some(phone),
                Some(address),
                Some(location),
                Some(kind),
                Some(status),
                Some(capacity),
            ) if e.is_empty() => Ok(Self {
                name,
                name_kana,
                phone,
                address,
                location,
                kind,
                status,
                capacity,
                capabilities,
                consent_given,
                consent_date,
                consent_note,
                external_id,
                notes,
            }),
            _ => Err(e),
        }
    }
}
