//! Points in time as the API shows them: RFC 3339 in UTC with its `Z` (`2026-12-01T20:42:45Z`),
//! so that nobody reads a stored UTC time as Japanese time. Stored times are UTC without a zone
//! (`NaiveDateTime`, portable across both databases); these serde helpers add the zone on the
//! way out and accept any offset, or none (read as UTC), on the way in.
//!
//! ```
//! use chrono::NaiveDate;
//! let t = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap().and_hms_opt(0, 30, 0).unwrap();
//! assert_eq!(sasaeai::domain::time::rfc3339(t), "2026-04-01T00:30:00Z");
//! assert_eq!(sasaeai::domain::time::parse("2026-04-01T09:30:00+09:00"), Some(t));
//! assert_eq!(sasaeai::domain::time::parse("2026-04-01T00:30:00"), Some(t));
//! ```

use chrono::{DateTime, NaiveDateTime, SecondsFormat};

/// Japan Standard Time is UTC+9 all year (no daylight saving).
pub const JAPAN_OFFSET_HOURS: i64 = 9;

/// The date in Japan at a UTC time: what "today" means for a register, a print or a day of the
/// volunteer centre.
///
/// ```
/// use chrono::NaiveDate;
/// let utc = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap().and_hms_opt(15, 0, 0).unwrap();
/// assert_eq!(sasaeai::domain::time::japan_date(utc), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
/// ```
pub fn japan_date(utc: NaiveDateTime) -> chrono::NaiveDate {
    (utc + chrono::Duration::hours(JAPAN_OFFSET_HOURS)).date()
}

/// A stored UTC time as RFC 3339 with `Z`.
pub fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An RFC 3339 time with any offset, as UTC; a time without an offset is taken as UTC.
pub fn parse(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .ok()
        .or_else(|| text.parse::<NaiveDateTime>().ok())
}

/// `#[serde(with = "crate::domain::time::utc")]` on a `NaiveDateTime` holding UTC.
pub mod utc {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    /// # Errors
    /// Never, beyond the serializer's own.
    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::rfc3339(*t))
    }

    /// # Errors
    /// When the text is not an RFC 3339 time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse(&text).ok_or_else(|| {
            serde::de::Error::custom("日時は 2026-04-01T09:00:00+09:00 の形式で入力してください")
        })
    }
}

/// The same for `Option<NaiveDateTime>`; use with `default` on input types.
pub mod utc_opt {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    /// # Errors
    /// Never, beyond the serializer's own.
    pub fn serialize<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::rfc3339(*t)),
            None => s.serialize_none(),
        }
    }

    /// # Errors
    /// When the text is not an RFC 3339 time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => super::parse(&text).map(Some).ok_or_else(|| {
                serde::de::Error::custom(
                    "日時は 2026-04-01T09:00:00+09:00 の形式で入力してください",
                )
            }),
        }
    }
}
