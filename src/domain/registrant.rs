//! A person on the register (避難行動要支援者): the legal minimum, the practical fields of the
//! city's forms, and the lifecycle that replaces deletion.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{
    BuildingType, CommunicationNeed, HazardType, Household, IntellectualGrade, MedicalDevice,
    Mobility, RegistrantStatus, Sex, SupportReason, parse_code_list,
};
use super::text::{self, MAX_NOTE, MAX_SHORT};
use super::{DistrictId, GeoPoint, RegistrantId, ValidationErrors};

/// Most emergency contacts a record keeps (the forms have two lines).
pub const MAX_EMERGENCY_CONTACTS: usize = 2;

/// A registrant as stored: server-kept fields plus the data staff entered.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Registrant {
    pub id: RegistrantId,
    /// Incremented on every change; the ETag carries it.
    pub version: i64,
    pub status: RegistrantStatus,
    pub status_reason: Option<String>,
    pub status_date: Option<NaiveDate>,
    /// For status `merged`: the record this one was merged into.
    pub merged_into: Option<RegistrantId>,
    #[serde(flatten)]
    pub facts: LocationFacts,
    #[serde(flatten)]
    pub data: RegistrantData,
    #[serde(with = "crate::domain::time::utc")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(with = "crate::domain::time::utc")]
    pub updated_at: chrono::NaiveDateTime,
}

impl Registrant {
    /// Keys of the JSON form that the server keeps and a client may not write.
    pub const SERVER_FIELDS: &'static [&'static str] = &[
        "id",
        "version",
        "status",
        "status_reason",
        "status_date",
        "merged_into",
        "district_id",
        "district_needs_review",
        "hazard_exposure",
        "created_at",
        "updated_at",
    ];
}

/// What the home's location implies, derived by the spatial index on every create, move and
/// geodata import; never typed by staff.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct LocationFacts {
    /// The district whose polygon contains the home; null outside every district.
    pub district_id: Option<DistrictId>,
    /// The home lies outside every district but within a few metres of this one: check it.
    pub district_needs_review: bool,
    /// For each hazard type, the highest level of the zones containing the home (flood: depth
    /// rank 1–6; landslide: 1 warning area, 2 special warning area).
    #[schema(value_type = Object)]
    pub hazard_exposure: BTreeMap<HazardType, i32>,
}

/// The validated data of a registrant, built only by [`RegistrantData::parse`] from input.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RegistrantData {
    pub name: String,
    /// Katakana.
    pub name_kana: Option<String>,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub address: String,
    pub phone: Option<String>,
    pub support_reasons: Vec<SupportReason>,
    pub reason_note: Option<String>,
    /// The home, once located.
    #[serde(flatten, serialize_with = "super::location::optional_flat::serialize")]
    #[schema(value_type = super::location::OptionalPoint)]
    pub location: Option<GeoPoint>,
    /// Id in the city's own system (宛名番号).
    pub external_id: Option<String>,
    pub household: Option<Household>,
    /// 要介護度 1–5.
    pub care_level: Option<u8>,
    pub mobility: Option<Mobility>,
    pub medical_devices: Vec<MedicalDevice>,
    /// Depends on mains electricity for a device (ventilator, oxygen concentrator…).
    pub electricity_dependent: bool,
    pub communication_needs: Vec<CommunicationNeed>,
    pub dwelling: Option<Dwelling>,
    pub disability: Option<Disability>,
    /// Name of the designated intractable disease (指定難病), if any.
    pub intractable_disease: Option<String>,
    pub emergency_contacts: Vec<Contact>,
    pub family_doctor: Option<Doctor>,
    pub medicines: Option<String>,
    pub allergies: Option<String>,
    pub care_manager: Option<CareManager>,
    /// Notes for supporters.
    pub notes: Option<String>,
}

/// Where and how the registrant lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Dwelling {
    pub building_type: Option<BuildingType>,
    /// Floor of the bedroom (1 = ground floor).
    pub bedroom_floor: Option<i32>,
    /// e.g. 「平日の日中はひとり」.
    pub daytime_situation: Option<String>,
}

/// Disability certificates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Disability {
    /// 身体障害者手帳 grade 1–6.
    pub physical_grade: Option<u8>,
    /// 療育手帳 A or B.
    pub intellectual_grade: Option<IntellectualGrade>,
    /// 精神障害者保健福祉手帳 grade 1–3.
    pub mental_grade: Option<u8>,
}

/// An emergency contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub relation: Option<String>,
    pub phone: String,
}

/// The family doctor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Doctor {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub clinic: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// The care manager (ケアマネジャー).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareManager {
    pub name: String,
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A registrant as sent by a client: every field optional here so that a missing one is reported
/// by name, in Japanese, together with all other problems.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrantInput {
    pub name: Option<String>,
    pub name_kana: Option<String>,
    /// YYYY-MM-DD.
    pub birth_date: Option<String>,
    /// `female`, `male` or `unspecified`.
    pub sex: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// Codes such as `elderly_only_household`, `care_level`.
    pub support_reasons: Option<Vec<String>>,
    pub reason_note: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub external_id: Option<String>,
    pub household: Option<String>,
    pub care_level: Option<i64>,
    pub mobility: Option<String>,
    pub medical_devices: Option<Vec<String>>,
    pub electricity_dependent: Option<bool>,
    pub communication_needs: Option<Vec<String>>,
    pub dwelling: Option<DwellingInput>,
    pub disability: Option<DisabilityInput>,
    pub intractable_disease: Option<String>,
    pub emergency_contacts: Option<Vec<Contact>>,
    pub family_doctor: Option<Doctor>,
    pub medicines: Option<String>,
    pub allergies: Option<String>,
    pub care_manager: Option<CareManager>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DwellingInput {
    pub building_type: Option<String>,
    pub bedroom_floor: Option<i64>,
    pub daytime_situation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisabilityInput {
    pub physical_grade: Option<i64>,
    pub intellectual_grade: Option<String>,
    pub mental_grade: Option<i64>,
}

/// Records "必須項目です" under `field` when the value is missing.
pub(crate) fn require<'a, T: ?Sized>(
    field: &str,
    value: Option<&'a T>,
    errors: &mut ValidationErrors,
) -> Option<&'a T> {
    if value.is_none() {
        errors.push(field, "必須項目です");
    }
    value
}

/// Parses an ISO date that must not lie in the future.
pub(crate) fn past_date(value: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| "日付は YYYY-MM-DD の形式で入力してください".to_owned())?;
    if date > today {
        return Err("未来の日付は入力できません".to_owned());
    }
    Ok(date)
}

fn in_range(
    field: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
    errors: &mut ValidationErrors,
) -> Option<u8> {
    let value = value?;
    if range.contains(&value) {
        u8::try_from(value).ok()
    } else {
        errors.push(
            field,
            format!("{}〜{}の範囲で入力してください", range.start(), range.end()),
        );
        None
    }
}

fn optional_code<T>(
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    errors.check(field, parse(value))
}

fn optional_phone(
    field: &str,
    value: Option<&str>,
    errors: &mut ValidationErrors,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    errors.check(field, text::phone(value))
}

impl RegistrantData {
    /// Checks every field of `input` and returns the typed record, or every problem found.
    ///
    /// `today` is the date against which birth dates are checked (no future dates, none before 1900).
    ///
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(input: &RegistrantInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = require("name", input.name.as_deref(), &mut e)
            .and_then(|v| e.check("name", text::required(v, MAX_SHORT)));
        let name_kana = input
            .name_kana
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .and_then(|v| e.check("name_kana", text::kana(v)));
        let birth_date = require("birth_date", input.birth_date.as_deref(), &mut e)
            .and_then(|v| e.check("birth_date", past_date(v, today)))
            .and_then(|d| {
                let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d);
                if d < earliest {
                    e.push("birth_date", "1900年以降の日付を入力してください");
                    None
                } else {
                    Some(d)
                }
            });
        let sex = require("sex", input.sex.as_deref(), &mut e)
            .and_then(|v| e.check("sex", Sex::parse(v.trim())));
        let address = require("address", input.address.as_deref(), &mut e)
            .and_then(|v| e.check("address", text::required(v, MAX_SHORT)));
        let phone = optional_phone("phone", input.phone.as_deref(), &mut e);
        let support_reasons =
            match require("support_reasons", input.support_reasons.as_ref(), &mut e) {
                Some(codes) if codes.is_empty() => {
                    e.push("support_reasons", "支援が必要な理由を1つ以上選んでください");
                    Vec::new()
                }
                Some(codes) => {
                    parse_code_list("support_reasons", codes, SupportReason::parse, &mut e)
                }
                None => Vec::new(),
            };
        let reason_note = e
            .check(
                "reason_note",
                text::optional(input.reason_note.as_deref(), MAX_NOTE),
            )
            .flatten();
        if support_reasons.contains(&SupportReason::Other) && reason_note.is_none() {
            e.push(
                "reason_note",
                "理由に「その他」を選んだときは内容を入力してください",
            );
        }
        let location = GeoPoint::parse_pair(input.latitude, input.longitude, &mut e);
        let external_id = e
            .check(
                "external_id",
                text::optional(input.external_id.as_deref(), 64),
            )
            .flatten();
        let household = optional_code(
            "household",
            input.household.as_deref(),
            Household::parse,
            &mut e,
        );
        let care_level = in_range("care_level", input.care_level, 1..=5, &mut e);
        let mobility = optional_code(
            "mobility",
            input.mobility.as_deref(),
            Mobility::parse,
            &mut e,
        );
        let medical_devices = parse_code_list(
            "medical_devices",
            input.medical_devices.as_deref().unwrap_or_default(),
            MedicalDevice::parse,
            &mut e,
        );
        let communication_needs = parse_code_list(
            "communication_needs",
            input.communication_needs.as_deref().unwrap_or_default(),
            CommunicationNeed::parse,
            &mut e,
        );
        let dwelling = input.dwelling.as_ref().map(|d| Dwelling {
            building_type: optional_code(
                "dwelling.building_type",
                d.building_type.as_deref(),
                BuildingType::parse,
                &mut e,
            ),
            bedroom_floor: d.bedroom_floor.and_then(|f| {
                if (-5..=100).contains(&f) {
                    i32::try_from(f).ok()
                } else {
                    e.push(
                        "dwelling.bedroom_floor",
                        "階数は -5〜100 の範囲で入力してください",
                    );
                    None
                }
            }),
            daytime_situation: e
                .check(
                    "dwelling.daytime_situation",
                    text::optional(d.daytime_situation.as_deref(), MAX_SHORT),
                )
                .flatten(),
        });
        let disability = input.disability.as_ref().map(|d| Disability {
            physical_grade: in_range("disability.physical_grade", d.physical_grade, 1..=6, &mut e),
            intellectual_grade: optional_code(
                "disability.intellectual_grade",
                d.intellectual_grade.as_deref(),
                IntellectualGrade::parse,
                &mut e,
            ),
            mental_grade: in_range("disability.mental_grade", d.mental_grade, 1..=3, &mut e),
        });
        let intractable_disease = e
            .check(
                "intractable_disease",
                text::optional(input.intractable_disease.as_deref(), MAX_SHORT),
            )
            .flatten();
        let contacts = input.emergency_contacts.as_deref().unwrap_or_default();
        if contacts.len() > MAX_EMERGENCY_CONTACTS {
            e.push(
                "emergency_contacts",
                format!("緊急連絡先は{MAX_EMERGENCY_CONTACTS}件までです"),
            );
        }
        let emergency_contacts = contacts
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let f = |name: &str| format!("emergency_contacts[{i}].{name}");
                let name = e.check(&f("name"), text::required(&c.name, MAX_SHORT));
                let relation = e
                    .check(
                        &f("relation"),
                        text::optional(c.relation.as_deref(), MAX_SHORT),
                    )
                    .flatten();
                let phone = e.check(&f("phone"), text::phone(&c.phone));
                Some(Contact {
                    name: name?,
                    relation,
                    phone: phone?,
                })
            })
            .collect();
        let family_doctor = input.family_doctor.as_ref().map(|d| Doctor {
            name: e
                .check(
                    "family_doctor.name",
                    text::optional(d.name.as_deref(), MAX_SHORT),
                )
                .flatten(),
            clinic: e
                .check(
                    "family_doctor.clinic",
                    text::optional(d.clinic.as_deref(), MAX_SHORT),
                )
                .flatten(),
            phone: optional_phone("family_doctor.phone", d.phone.as_deref(), &mut e),
        });
        let medicines = e
            .check(
                "medicines",
                text::optional(input.medicines.as_deref(), MAX_NOTE),
            )
            .flatten();
        let allergies = e
            .check(
                "allergies",
                text::optional(input.allergies.as_deref(), MAX_NOTE),
            )
            .flatten();
        let care_manager = input.care_manager.as_ref().and_then(|c| {
            let name = e.check("care_manager.name", text::required(&c.name, MAX_SHORT));
            let office = e
                .check(
                    "care_manager.office",
                    text::optional(c.office.as_deref(), MAX_SHORT),
                )
                .flatten();
            let phone = optional_phone("care_manager.phone", c.phone.as_deref(), &mut e);
            Some(CareManager {
                name: name?,
                office,
                phone,
            })
        });
        let notes = e
            .check("notes", text::optional(input.notes.as_deref(), MAX_NOTE))
            .flatten();

        match (name, birth_date, sex, address) {
            (Some(name), Some(birth_date), Some(sex), Some(address)) if e.is_empty() => Ok(Self {
                name,
                name_kana,
                birth_date,
                sex,
                address,
                phone,
                support_reasons,
                reason_note,
                location,
                external_id,
                household,
                care_level,
                mobility,
                medical_devices,
                electricity_dependent: input.electricity_dependent.unwrap_or(false),
                communication_needs,
                dwelling,
                disability,
                intractable_disease,
                emergency_contacts,
                family_doctor,
                medicines,
                allergies,
                care_manager,
                notes,
            }),
            _ => Err(e),
        }
    }

    /// Age in whole years on `date`.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date).unwrap_or(0)
    }
}

/// A change of lifecycle status: people leave the register this way, never by deletion.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub status: RegistrantStatus,
    pub reason: Option<String>,
    pub date: NaiveDate,
}

/// A status change as sent by a client.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeInput {
    /// `active`, `moved`, `deceased`, `withdrawn` or `in_care_facility`.
    pub status: Option<String>,
    /// Required for every status but `active`.
    pub reason: Option<String>,
    /// YYYY-MM-DD, today when omitted.
    pub date: Option<String>,
}

impl StatusChange {
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(input: &StatusChangeInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let status = require("status", input.status.as_deref(), &mut e)
            .and_then(|v| e.check("status", RegistrantStatus::parse(v.trim())));
        if status == Some(RegistrantStatus::Merged) {
            e.push(
                "status",
                "重複の統合は「統合」の操作（/merge）で行ってください",
            );
        }
        let reason = e
            .check("reason", text::optional(input.reason.as_deref(), MAX_NOTE))
            .flatten();
        if reason.is_none() && status.is_some_and(|s| s != RegistrantStatus::Active) {
            e.push("reason", "登録状態を変更する理由を入力してください");
        }
        let date = match input.date.as_deref() {
            Some(d) => e.check("date", past_date(d, today)),
            None => Some(today),
        };
        match (status, date) {
            (Some(status), Some(date)) if e.is_empty() => Ok(Self {
                status,
                reason,
                date,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default()
    }

    fn minimal() -> RegistrantInput {
        RegistrantInput {
            name: Some("山田　花子".into()),
            name_kana: Some("やまだ　はなこ".into()),
            birth_date: Some("1940-05-06".into()),
            sex: Some("female".into()),
            address: Some("久留米市城南町15-3".into()),
            phone: Some("０９４２－００－１２３４".into()),
            support_reasons: Some(vec!["care_level".into(), "care_level".into()]),
            latitude: Some(33.31),
            longitude: Some(130.51),
            care_level: Some(3),
            ..RegistrantInput::default()
        }
    }

    #[test]
    fn minimal_input_is_normalised() {
        let data = RegistrantData::parse(&minimal(), today()).unwrap();
        assert_eq!(data.name, "山田 花子");
        assert_eq!(data.name_kana.as_deref(), Some("ヤマダ ハナコ"));
        assert_eq!(data.phone.as_deref(), Some("0942-00-1234"));
        assert_eq!(data.support_reasons, vec![SupportReason::CareLevel]);
        assert_eq!(data.age_on(today()), 85);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let input = RegistrantInput {
            name: Some("  ".into()),
            birth_date: Some("2030-01-01".into()),
            sex: Some("x".into()),
            support_reasons: Some(vec!["care_level".into(), "flying".into()]),
            latitude: Some(91.0),
            longitude: Some(130.0),
            care_level: Some(6),
            emergency_contacts: Some(vec![Contact {
                name: "子".into(),
                relation: None,
                phone: "abc".into(),
            }]),
            ..RegistrantInput::default()
        };
        let errors = RegistrantData::parse(&input, today()).unwrap_err();
        assert_eq!(
            errors.fields(),
            vec![
                "name",
                "birth_date",
                "sex",
                "address",
                "support_reasons[1]",
                "latitude",
                "care_level",
                "emergency_contacts[0].phone"
            ]
        );
    }

    #[test]
    fn other_reason_needs_a_note() {
        let input = RegistrantInput {
            support_reasons: Some(vec!["other".into()]),
            ..minimal()
        };
        assert_eq!(
            RegistrantData::parse(&input, today()).unwrap_err().fields(),
            vec!["reason_note"]
        );
    }

    #[test]
    fn leaving_the_register_needs_a_reason() {
        let input = StatusChangeInput {
            status: Some("moved".into()),
            ..Default::default()
        };
        assert_eq!(
            StatusChange::parse(&input, today()).unwrap_err().fields(),
            vec!["reason"]
        );
        let back = StatusChangeInput {
            status: Some("active".into()),
            ..Default::default()
        };
        assert_eq!(StatusChange::parse(&back, today()).unwrap().date, today());
    }
}
