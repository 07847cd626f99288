//! The disaster volunteer centre (災害ボランティアセンター): volunteers who register and check
//! in, and households' help requests (ニーズ). Teams are formed from both by `matching::teams`.
//!
//! Only plain types and the rules an input must meet; no I/O.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{AgeBand, HelpRequestStatus, VolunteerSkill, WorkType, parse_code_list};
use super::registrant::{past_date, require};
use super::text::{self, MAX_NOTE, MAX_SHORT};
use super::{GeoPoint, HelpRequestId, RegistrantId, ValidationErrors, VolunteerId};

/// The message when a volunteer has no volunteer activity insurance (天災タイプ).
pub const INSURANCE_REQUIRED: &str = "ボランティア活動保険への加入が必要です";
/// The message when a minor registers without a guardian's consent.
pub const GUARDIAN_CONSENT_REQUIRED: &str = "18歳未満の方は保護者の同意が必要です";
/// Most people one help request may ask for.
pub const MAX_PEOPLE_NEEDED: i64 = 50;
/// Most items in a list of equipment, tools or days.
const MAX_ITEMS: usize = 30;

/// A registered volunteer.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Volunteer {
    pub id: VolunteerId,
    /// Printed on the name tag and used to check in, e.g. `V-000123`.
    pub registration_number: String,
    pub version: i64,
    /// Volunteers registered together as a group share the id of its first member.
    pub party_id: Option<VolunteerId>,
    /// The group's name (a company, a school club), if registered as a group.
    pub party_name: Option<String>,
    #[serde(flatten)]
    pub data: VolunteerData,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: NaiveDateTime,
}

/// The validated data of a volunteer, built only by [`VolunteerData::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VolunteerData {
    pub name: String,
    /// Katakana.
    pub name_kana: Option<String>,
    /// Contact phone.
    pub phone: String,
    pub age_band: AgeBand,
    /// Holds volunteer activity insurance (ボランティア活動保険, 天災タイプ).
    pub insured: bool,
    /// The day the insurance was taken out, if known.
    pub insurance_date: Option<NaiveDate>,
    /// A guardian consented (required under 18).
    pub guardian_consent: bool,
    pub skills: Vec<VolunteerSkill>,
    /// Equipment the volunteer brings (スコップ, 一輪車…).
    pub equipment: Vec<String>,
    /// Days the volunteer can come.
    pub available_dates: Vec<NaiveDate>,
    pub notes: Option<String>,
}

impl VolunteerData {
    /// Under 18.
    pub fn is_minor(&self) -> bool {
        self.age_band.is_minor()
    }
}

/// A volunteer as sent by a client; every field optional so that each missing one is named.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerInput {
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub phone: Option<String>,
    /// `under_18`, `18_29`, `30_39`, `40_49`, `50_59`, `60_69` or `70_plus`.
    pub age_band: Option<String>,
    pub insured: Option<bool>,
    /// YYYY-MM-DD.
    pub insurance_date: Option<String>,
    pub guardian_consent: Option<bool>,
    /// `driving`, `heavy_machinery`, `nursing`, `chainsaw`, `carpentry`, `first_aid`.
    pub skills: Option<Vec<String>>,
    pub equipment: Option<Vec<String>>,
    /// YYYY-MM-DD each.
    pub available_dates: Option<Vec<String>>,
    pub notes: Option<String>,
}

/// A group registered together: the party's name and its members.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub party_name: Option<String>,
    pub members: Option<Vec<VolunteerInput>>,
}

/// A group as validated: its name and each member's data.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupData {
    pub party_name: String,
    pub members: Vec<VolunteerData>,
}

/// Checks a list of short free texts (equipment, tools), naming a bad element as `field[i]`.
fn short_list(field: &str, items: Option<&[String]>, e: &mut ValidationErrors) -> Vec<String> {
    let items = items.unwrap_or_default();
    if items.len() > MAX_ITEMS {
        e.push(field, format!("{MAX_ITEMS}件以内で入力してください"));
        return Vec::new();
    }
    items
        .iter()
        .enumerate()
        .filter_map(|(i, v)| e.check(&format!("{field}[{i}]"), text::required(v, MAX_SHORT)))
        .collect()
}

fn date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| "日付は YYYY-MM-DD の形式で入力してください".to_owned())
}

impl VolunteerData {
    /// Checks every field. Insurance is required unless `insurance_required` is false (a
    /// setting); a minor needs a guardian's consent.
    ///
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(
        input: &VolunteerInput,
        today: NaiveDate,
        insurance_required: bool,
    ) -> Result<Self, ValidationErrors> {
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
        let age_band = require("age_band", input.age_band.as_deref(), &mut e)
            .and_then(|v| e.check("age_band", AgeBand::parse(v.trim())));
        let insured = input.insured.unwrap_or(false);
        if !insured && insurance_required {
            e.push("insured", INSURANCE_REQUIRED);
        }
        let insurance_date = input
            .insurance_date
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| e.check("insurance_date", past_date(v, today)));
        let guardian_consent = input.guardian_consent.unwrap_or(false);
        if age_band.is_some_and(AgeBand::is_minor) && !guardian_consent {
            e.push("guardian_consent", GUARDIAN_CONSENT_REQUIRED);
        }
        let skills = parse_code_list(
            "skills",
            input.skills.as_deref().unwrap_or_default(),
            VolunteerSkill::parse,
            &mut e,
        );
        let equipment = short_list("equipment", input.equipment.as_deref(), &mut e);
        let mut available_dates: Vec<NaiveDate> = input
            .available_dates
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, v)| e.check(&format!("available_dates[{i}]"), date(v)))
            .collect();
        available_dates.sort_unstable();
        available_dates.dedup();
        let notes = e
            .check("notes", text::optional(input.notes.as_deref(), MAX_NOTE))
            .flatten();
        match (name, phone, age_band) {
            (Some(name), Some(phone), Some(age_band)) if e.is_empty() => Ok(Self {
                name,
                name_kana,
                phone,
                age_band,
                insured,
                insurance_date,
                guardian_consent,
                skills,
                equipment,
                available_dates,
                notes,
            }),
            _ => Err(e),
        }
    }
}

impl GroupData {
    /// Checks the party's name and every member; a member's problems are named
    /// `members[i].field`.
    ///
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(
        input: &GroupInput,
        today: NaiveDate,
        insurance_required: bool,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let party_name = require("party_name", input.party_name.as_deref(), &mut e)
            .and_then(|v| e.check("party_name", text::required(v, MAX_SHORT)));
        let inputs = input.members.as_deref().unwrap_or_default();
        if inputs.len() < 2 {
            e.push("members", "グループは2人以上で登録してください");
        }
        let mut members = Vec::with_capacity(inputs.len());
        for (i, member) in inputs.iter().enumerate() {
            match VolunteerData::parse(member, today, insurance_required) {
                Ok(data) => members.push(data),
                Err(errors) => {
                    for fe in errors.errors() {
                        e.push(format!("members[{i}].{}", fe.field), fe.message.clone());
                    }
                }
            }
        }
        // A minors-only group has nobody to look after them on site.
        if !members.is_empty() && members.iter().all(VolunteerData::is_minor) {
            e.push("members", "18歳以上の方を1人以上含めてください");
        }
        match party_name {
            Some(party_name) if e.is_empty() => Ok(Self {
                party_name,
                members,
            }),
            _ => Err(e),
        }
    }
}

/// A household's request for volunteer work (ニーズ受付票), as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HelpRequest {
    pub id: HelpRequestId,
    pub version: i64,
    pub status: HelpRequestStatus,
    /// The requester is a person on the evacuation-support register.
    pub is_registrant: bool,
    #[serde(flatten)]
    pub data: HelpRequestData,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: NaiveDateTime,
}

/// The validated data of a help request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HelpRequestData {
    pub requester_name: String,
    pub phone: Option<String>,
    pub address: String,
    /// Where the work is: teams are formed by distance and the roster draws a map.
    #[serde(flatten)]
    pub location: GeoPoint,
    pub work_types: Vec<WorkType>,
    pub people_needed: u32,
    pub skills_needed: Vec<VolunteerSkill>,
    pub tools: Vec<String>,
    pub notes: Option<String>,
    /// 1 = highest .. 3 = lowest.
    pub priority: u8,
    /// The requester's record on the register, when they are on it.
    pub registrant_id: Option<RegistrantId>,
}

/// A help request as sent by a client.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpRequestInput {
    pub requester_name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `mud_removal`, `furniture_moving`, `cleaning`, `debris_removal`, `other`.
    pub work_types: Option<Vec<String>>,
    pub people_needed: Option<i64>,
    pub skills_needed: Option<Vec<String>>,
    pub tools: Option<Vec<String>>,
    pub notes: Option<String>,
    /// 1 (highest) to 3; 2 when omitted.
    pub priority: Option<i64>,
    pub registrant_id: Option<i64>,
}

impl HelpRequestData {
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(input: &HelpRequestInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let requester_name = require("requester_name", input.requester_name.as_deref(), &mut e)
            .and_then(|v| e.check("requester_name", text::required(v, MAX_SHORT)));
        let phone = input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .and_then(|v| e.check("phone", text::phone(v)));
        let address = require("address", input.address.as_deref(), &mut e)
            .and_then(|v| e.check("address", text::required(v, MAX_SHORT)));
        if input.latitude.is_none() && input.longitude.is_none() {
            e.push("latitude", "作業場所の位置（緯度・経度）は必須です");
        }
        let location = GeoPoint::parse_pair(input.latitude, input.longitude, &mut e);
        let work_types = match require("work_types", input.work_types.as_ref(), &mut e) {
            Some(codes) if codes.is_empty() => {
                e.push("work_types", "作業の種類を1つ以上選んでください");
                Vec::new()
            }
            Some(codes) => parse_code_list("work_types", codes, WorkType::parse, &mut e),
            None => Vec::new(),
        };
        let people_needed = match input.people_needed {
            None => {
                e.push("people_needed", "必須項目です");
                None
            }
            Some(n) if (1..=MAX_PEOPLE_NEEDED).contains(&n) => u32::try_from(n).ok(),
            Some(_) => {
                e.push(
                    "people_needed",
                    format!("必要な人数は1〜{MAX_PEOPLE_NEEDED}人で入力してください"),
                );
                None
            }
        };
        let skills_needed = parse_code_list(
            "skills_needed",
            input.skills_needed.as_deref().unwrap_or_default(),
            VolunteerSkill::parse,
            &mut e,
        );
        let tools = short_list("tools", input.tools.as_deref(), &mut e);
        let notes = e
            .check("notes", text::optional(input.notes.as_deref(), MAX_NOTE))
            .flatten();
        let priority = match input.priority {
            None => Some(2),
            Some(p @ 1..=3) => u8::try_from(p).ok(),
            Some(_) => {
                e.push("priority", "優先度は1（高）〜3（低）で入力してください");
                None
            }
        };
        match (requester_name, address, location, people_needed, priority) {
            (
                Some(requester_name),
                Some(address),
                Some(location),
                Some(people_needed),
                Some(priority),
            ) if e.is_empty() => Ok(Self {
                requester_name,
                phone,
                address,
                location,
                work_types,
                people_needed,
                skills_needed,
                tools,
                notes,
                priority,
                registrant_id: input.registrant_id.map(RegistrantId),
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, 10).unwrap()
    }

    fn adult() -> VolunteerInput {
        VolunteerInput {
            name: Some("筑後 一郎".into()),
            phone: Some("090-1111-2222".into()),
            age_band: Some("30_39".into()),
            insured: Some(true),
            ..VolunteerInput::default()
        }
    }

    #[test]
    fn uninsured_volunteer_is_refused_unless_the_setting_allows_it() {
        let mut input = adult();
        input.insured = None;
        let e = VolunteerData::parse(&input, today(), true).unwrap_err();
        assert_eq!(e.fields(), vec!["insured"]);
        assert_eq!(e.errors()[0].message, INSURANCE_REQUIRED);
        assert!(VolunteerData::parse(&input, today(), false).is_ok());
    }

    #[test]
    fn minor_without_guardian_consent_is_refused() {
        let mut input = adult();
        input.age_band = Some("under_18".into());
        let e = VolunteerData::parse(&input, today(), true).unwrap_err();
        assert_eq!(e.fields(), vec!["guardian_consent"]);
        input.guardian_consent = Some(true);
        assert!(
            VolunteerData::parse(&input, today(), true)
                .unwrap()
                .is_minor()
        );
    }

    #[test]
    fn group_member_errors_name_the_member() {
        let mut bad = adult();
        bad.phone = None;
        let input = GroupInput {
            party_name: Some("筑後建設".into()),
            members: Some(vec![adult(), bad]),
        };
        let e = GroupData::parse(&input, today(), true).unwrap_err();
        assert_eq!(e.fields(), vec!["members[1].phone"]);
    }

    #[test]
    fn help_request_needs_a_place_work_and_headcount() {
        let e = HelpRequestData::parse(&HelpRequestInput::default()).unwrap_err();
        for field in [
            "requester_name",
            "address",
            "latitude",
            "work_types",
            "people_needed",
        ] {
            assert!(e.fields().contains(&field.to_owned()), "{field}");
        }
        let input = HelpRequestInput {
            requester_name: Some("山田 花子".into()),
            address: Some("久留米市城島町1-2".into()),
            latitude: Some(33.3),
            longitude: Some(130.5),
            work_types: Some(vec!["mud_removal".into()]),
            people_needed: Some(4),
            priority: Some(4),
            ..HelpRequestInput::default()
        };
        assert_eq!(
            HelpRequestData::parse(&input).unwrap_err().fields(),
            vec!["priority"]
        );
    }
}
