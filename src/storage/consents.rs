//! Queries on `registrant_consents` (append-only).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::json::code;
use super::schema::registrant_consents;
use super::{DbConnection, StorageResult};
use crate::domain::RegistrantId;
use crate::domain::codes::ConsentKind;
use crate::domain::consent::{Consent, ConsentData};

#[derive(Queryable, Selectable)]
#[diesel(table_name = registrant_consents)]
struct Row {
    id: i64,
    registrant_id: i64,
    kind: String,
    given: bool,
    consent_date: NaiveDate,
    evidence_note: String,
    recorded_at: NaiveDateTime,
}

impl TryFrom<Row> for Consent {
    type Error = super::StorageError;

    fn try_from(row: Row) -> StorageResult<Self> {
        Ok(Self {
            id: row.id,
            registrant_id: RegistrantId(row.registrant_id),
            kind: code("registrant_consents.kind", &row.kind, ConsentKind::parse)?,
            given: row.given,
            date: row.consent_date,
            evidence_note: row.evidence_note,
            recorded_at: row.recorded_at,
        })
    }
}

/// Records a consent.
pub fn insert(
    conn: &mut DbConnection,
    registrant: RegistrantId,
    data: &ConsentData,
    now: NaiveDateTime,
) -> StorageResult<Consent> {
    let id = diesel::insert_into(registrant_consents::table)
        .values((
            registrant_consents::registrant_id.eq(registrant.0),
            registrant_consents::kind.eq(data.kind.as_str()),
            registrant_consents::given.eq(data.given),
            registrant_consents::consent_date.eq(data.date),
            registrant_consents::evidence_note.eq(&data.evidence_note),
            registrant_consents::recorded_at.eq(now),
        ))
        .returning(registrant_consents::id)
        .get_result::<i64>(conn)?;
    Ok(Consent {
        id,
        registrant_id: registrant,
        kind: data.kind,
        given: data.given,
        date: data.date,
        evidence_note: data.evidence_note.clone(),
        recorded_at: now,
    })
}

/// Every consent of a registrant, oldest first.
pub fn list_for(conn: &mut DbConnection, registrant: RegistrantId) -> StorageResult<Vec<Consent>> {
    registrant_consents::table
        .filter(registrant_consents::registrant_id.eq(registrant.0))
        .order(registrant_consents::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Consent::try_from)
        .collect()
}

/// The latest consent of `kind` (by its date, then by when it was recorded) of each of `ids`
/// that has one.
pub fn latest_of_kind(
    conn: &mut DbConnection,
    kind: ConsentKind,
    ids: &[RegistrantId],
) -> StorageResult<Vec<Consent>> {
    let mut latest: std::collections::BTreeMap<RegistrantId, Consent> =
        std::collections::BTreeMap::new();
    for chunk in ids.chunks(500) {
        let raw: Vec<i64> = chunk.iter().map(|r| r.0).collect();
        let rows = registrant_consents::table
            .filter(registrant_consents::kind.eq(kind.as_str()))
            .filter(registrant_consents::registrant_id.eq_any(raw))
            .order(registrant_consents::id.asc())
            .select(Row::as_select())
            .load(conn)?;
        for row in rows {
            let consent = Consent::try_from(row)?;
            let newer = latest
                .get(&consent.registrant_id)
                .is_none_or(|old| (consent.date, consent.id) >= (old.date, old.id));
            if newer {
                latest.insert(consent.registrant_id, consent);
            }
        }
    }
    Ok(latest.into_values().collect())
}
