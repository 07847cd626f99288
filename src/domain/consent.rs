//! Consents a registrant gives or refuses, each kept with its date and evidence.
//!
//! Consents are never overwritten: a new record is added, and the latest per kind is in force.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::ConsentKind;
use super::registrant::{past_date, require};
use super::text::{self, MAX_NOTE};
use super::{RegistrantId, ValidationErrors};

/// A recorded consent.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Consent {
    pub id: i64,
    pub registrant_id: RegistrantId,
    pub kind: ConsentKind,
    pub given: bool,
    pub date: NaiveDate,
    /// How the consent was obtained (「申請書 2026-04-01 受付」).
    pub evidence_note: String,
    #[serde(with = "crate::domain::time::utc")]
    pub recorded_at: chrono::NaiveDateTime,
}

/// The validated part of a consent that staff enter.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentData {
    pub kind: ConsentKind,
    pub given: bool,
    pub date: NaiveDate,
    pub evidence_note: String,
}

/// A consent as sent by a client.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// `register_sharing`, `plan_creation` or `plan_sharing`.
    pub kind: Option<String>,
    /// True when given, false when refused.
    pub given: Option<bool>,
    /// YYYY-MM-DD.
    pub date: Option<String>,
    pub evidence_note: Option<String>,
}

impl ConsentData {
    /// # Errors
    /// [`ValidationErrors`] naming each invalid field.
    pub fn parse(input: &ConsentInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind = require("kind", input.kind.as_deref(), &mut e)
            .and_then(|v| e.check("kind", ConsentKind::parse(v.trim())));
        let given = require("given", input.given.as_ref(), &mut e).copied();
        let date = require("date", input.date.as_deref(), &mut e)
            .and_then(|v| e.check("date", past_date(v, today)));
        let evidence_note = require("evidence_note", input.evidence_note.as_deref(), &mut e)
            .and_then(|v| e.check("evidence_note", text::required(v, MAX_NOTE)));
        match (kind, given, date, evidence_note) {
            (Some(kind), Some(given), Some(date), Some(evidence_note)) if e.is_empty() => {
                Ok(Self {
                    kind,
                    given,
                    date,
                    evidence_note,
                })
            }
            _ => Err(e),
        }
    }
}
