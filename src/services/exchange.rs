//! Registrant files: CSV import with a dry run (every row's outcome, nothing written) and an
//! all-or-nothing apply in one transaction; CSV export; suspected duplicates for review.
//!
//! An import reads the whole register once (external id → record), so it makes no query per
//! row; new people are inserted in batches and the spatial index is rebuilt once at the end.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::access::Caller;
use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::codes::RegistrantStatus;
use crate::domain::normalize::{address_key, kana_key, name_key, phone_key};
use crate::domain::registrant::{LocationFacts, Registrant, RegistrantData};
use crate::domain::{RegistrantId, ValidationErrors};
use crate::exchange::registrants::{
    CellError, Table, build, check_line_length, read_rows, write_csv,
};
use crate::exchange::{Encoding, FormatError, decode};
use crate::storage::change_log::{self, Action, Change, Entity};
use crate::storage::{self, DbConnection, registrants};

/// How to read a registrant file.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RegistrantImportOptions {
    /// `utf8` or `shift_jis`; detected when omitted.
    pub encoding: Option<Encoding>,
    /// `true` (the default over HTTP): report every row's outcome and write nothing.
    pub dry_run: Option<bool>,
}

/// What happened (or, in a dry run, would happen) to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RowReport {
    /// 1-based data row; the header is row 0.
    pub row: usize,
    pub outcome: Outcome,
    /// The stored record; for a created row, known only once applied.
    pub id: Option<i64>,
    pub external_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CellError>,
    /// Fields an updated row changes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed_fields: Vec<String>,
    /// Stored people a new row looks like (same name or kana, birth date…): check before
    /// applying; they are never merged automatically.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_duplicate_of: Vec<i64>,
}

/// The report of a registrant import.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExchangeReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub dry_run: bool,
    /// Whether the rows were written; never partly: all rows or none.
    pub applied: bool,
    /// What happened, in Japanese, for staff.
    pub message: String,
    /// Headers that match no column; their cells were ignored.
    pub ignored_columns: Vec<String>,
    pub rows: Vec<RowReport>,
}

fn format_error(error: FormatError) -> ServiceError {
    ValidationErrors::one("file", error.to_string()).into()
}

/// Comparison keys of a person for duplicate detection.
struct Keys {
    name: String,
    kana: Option<String>,
    address: String,
    phone: Option<String>,
    birth: NaiveDate,
}

impl Keys {
    fn of(data: &RegistrantData) -> Self {
        Self {
            name: name_key(&data.name),
            kana: data
                .name_kana
                .as_deref()
                .map(kana_key)
                .filter(|k| !k.is_empty()),
            address: address_key(&data.address),
            phone: data
                .phone
                .as_deref()
                .map(phone_key)
                .filter(|k| !k.is_empty()),
            birth: data.birth_date,
        }
    }
}

/// Why two records look like one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// Same name (after folding width, variant kanji and spaces) and birth date.
    SameNameAndBirthDate,
    /// Same kana reading, birth date and address.
    SameKanaBirthDateAndAddress,
    /// Same phone number and birth date.
    SamePhoneAndBirthDate,
}

impl DuplicateReason {
    /// The reason in Japanese, for staff.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::SameNameAndBirthDate => "氏名と生年月日が同じ",
            Self::SameKanaBirthDateAndAddress => "フリガナ・生年月日・住所が同じ",
            Self::SamePhoneAndBirthDate => "電話番号と生年月日が同じ",
        }
    }
}

/// Index of stored people by duplicate keys.
#[derive(Default)]
struct DuplicateIndex {
    by_key: HashMap<(DuplicateReason, String, NaiveDate), Vec<i64>>,
}

impl DuplicateIndex {
    fn keys(k: &Keys) -> Vec<(DuplicateReason, String)> {
        let mut out = vec![(DuplicateReason::SameNameAndBirthDate, k.name.clone())];
        if let Some(kana) = &k.kana {
            out.push((
                DuplicateReason::SameKanaBirthDateAndAddress,
                format!("{kana}\u{1f}{}", k.address),
            ));
        }
        if let Some(phone) = &k.phone {
            out.push((DuplicateReason::SamePhoneAndBirthDate, phone.clone()));
        }
        out
    }

    fn add(&mut self, id: i64, data: &RegistrantData) {
        let k = Keys::of(data);
        for (reason, key) in Self::keys(&k) {
            self.by_key
                .entry((reason, key, k.birth))
                .or_default()
                .push(id);
        }
    }

    /// Stored ids matching `data`, with the reasons.
    fn matches(&self, data: &RegistrantData) -> Vec<(i64, DuplicateReason)> {
        let k = Keys::of(data);
        let mut out = Vec::new();
        for (reason, key) in Self::keys(&k) {
            if let Some(ids) = self.by_key.get(&(reason, key, k.birth)) {
                out.extend(ids.iter().map(|id| (*id, reason)));
            }
        }
        out
    }
}

fn is_candidate(r: &Registrant) -> bool {
    r.status == RegistrantStatus::Active
}

/// The row's plan: what to write if applied.
enum Plan {
    Create(RegistrantData, LocationFacts),
    /// Report row, index in the stored register, new data.
    Update(usize, usize, RegistrantData, LocationFacts),
}

/// Reads a registrant CSV and reports every row's outcome; unless `dry_run`, and only when no
/// row is rejected, writes every row in one transaction (history entries included) and rebuilds
/// the spatial index once.
///
/// A file with a rejected row writes nothing: the report says `applied: false` with a message,
/// so that staff fix the file and send it again whole.
///
/// # Errors
/// [`ServiceError::Invalid`] (field `file`) when the file as a whole cannot be read.
pub fn import_registrants(
    ctx: &AppContext,
    bytes: &[u8],
    encoding: Option<Encoding>,
    dry_run: bool,
    actor: Actor<'_>,
) -> ServiceResult<ExchangeReport> {
    super::registrants::require_register(actor)?;
    check_line_length(bytes).map_err(format_error)?;
    let text = decode(bytes, encoding).map_err(format_error)?;
    let file = read_rows(&text).map_err(format_error)?;
    let today = ctx.today();
    let mut conn = ctx.conn()?;
    let stored = registrants::all(&mut conn)?;
    let by_external: HashMap<&str, usize> = stored
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.data.external_id.as_deref()?, i)))
        .collect();
    let by_id: HashMap<i64, usize> = stored
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.0, i))
        .collect();
    let mut duplicates = DuplicateIndex::default();
    for r in stored.iter().filter(|r| is_candidate(r)) {
        duplicates.add(r.id.0, &r.data);
    }

    let mut rows = Vec::with_capacity(file.rows.len());
    let mut plans = Vec::new();
    let mut seen_external = HashSet::new();
    let mut seen_stored = HashSet::new();
    let spatial = ctx.spatial();
    for row in &file.rows {
        let mut report = RowReport {
            row: row.row,
            outcome: Outcome::Rejected,
            id: None,
            external_id: row.external_id.clone(),
            errors: Vec::new(),
            changed_fields: Vec::new(),
            possible_duplicate_of: Vec::new(),
        };
        let reject = |report: &mut RowReport, column: &str, reason: &str| {
            report.errors.push(CellError {
                column: column.to_owned(),
                reason: reason.to_owned(),
            });
        };
        if let Some(external) = &row.external_id
            && !seen_external.insert(external.clone())
        {
            reject(
                &mut report,
                &file.header_of("external_id"),
                "同じ宛名番号の行がファイルの前の方にあります",
            );
            rows.push(report);
            continue;
        }
        let base = match (&row.external_id, row.id) {
            (Some(external), _) if by_external.contains_key(external.as_str()) => {
                by_external.get(external.as_str()).copied()
            }
            (_, Some(id)) => match by_id.get(&id) {
                // A 登録番号 of a person whose external id differs names someone else.
                Some(&i)
                    if row.external_id.is_none()
                        || stored
                            .get(i)
                            .and_then(|r| r.data.external_id.as_ref())
                            .is_none() =>
                {
                    Some(i)
                }
                _ if row.external_id.is_some() => None,
                _ => {
                    reject(
                        &mut report,
                        &file.header_of("id"),
                        "この登録番号の人は登録されていません",
                    );
                    rows.push(report);
                    continue;
                }
            },
            _ => None,
        };
        if let Some(i) = base
            && !seen_stored.insert(i)
        {
            reject(
                &mut report,
                &file.header_of("id"),
                "同じ人の行がファイルの前の方にあります",
            );
            rows.push(report);
            continue;
        }
        let current = base.and_then(|i| stored.get(i));
        report.id = current.map(|r| r.id.0);
        match build(&file, row, current.map(|r| &r.data), today) {
            Err(errors) => report.errors = errors,
            Ok(data) => match current {
                Some(r) if r.data == data => report.outcome = Outcome::Unchanged,
                Some(r) => {
                    report.outcome = Outcome::Updated;
                    report.changed_fields = changed_fields(&r.data, &data);
                    let facts = spatial.facts(data.location);
                    plans.push(Plan::Update(
                        rows.len(),
                        base.unwrap_or_default(),
                        data,
                        facts,
                    ));
                }
                None => {
                    report.outcome = Outcome::Created;
                    let mut ids: Vec<i64> = duplicates
                        .matches(&data)
                        .into_iter()
                        .map(|(id, _)| id)
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    report.possible_duplicate_of = ids;
                    let facts = spatial.facts(data.location);
                    plans.push(Plan::Create(data, facts));
                }
            },
        }
        rows.push(report);
    }
    drop(spatial);

    let mut report = tally(rows, dry_run, &file.ignored_columns);
    if report.rejected > 0 || dry_run {
        report.message = summary_message(&report);
        checked(ctx, &mut conn, actor, Table::Registrants, &report)?;
        return Ok(report);
    }
    apply(ctx, &mut conn, &stored, plans, &mut report, actor)?;
    report.applied = true;
    report.message = summary_message(&report);
    Ok(report)
}

/// Names of the top-level fields that differ.
fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

fn apply(
    ctx: &AppContext,
    conn: &mut storage::DbConnection,
    stored: &[Registrant],
    plans: Vec<Plan>,
    report: &mut ExchangeReport,
    actor: Actor<'_>,
) -> ServiceResult<()> {
    let now = storage::now();
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for plan in plans {
        match plan {
            Plan::Create(data, facts) => creates.push((data, facts)),
            Plan::Update(row, index, data, facts) => updates.push((row, index, data, facts)),
        }
    }
    let created_report_rows: Vec<usize> = report
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.outcome == Outcome::Created)
        .map(|(i, _)| i)
        .collect();
    storage::write_transaction(conn, |conn| {
        let items: Vec<(&RegistrantData, &LocationFacts)> =
            creates.iter().map(|(d, f)| (d, f)).collect();
        let ids = registrants::insert_many(conn, &items, now)?;
        let mut snapshots = Vec::with_capacity(ids.len() + updates.len());
        let mut changes_meta = Vec::with_capacity(ids.len() + updates.len());
        for ((id, (data, facts)), row) in ids.iter().zip(creates).zip(&created_report_rows) {
            if let Some(r) = report.rows.get_mut(*row) {
                r.id = Some(id.0);
            }
            let record = Registrant {
                id: *id,
                version: 1,
                status: RegistrantStatus::Active,
                status_reason: None,
                status_date: None,
                merged_into: None,
                facts,
                data,
                created_at: now,
                updated_at: now,
            };
            snapshots.push(serde_json::to_value(&record).unwrap_or(Value::Null));
            changes_meta.push((id.0, 1, Action::Created, Vec::new()));
        }
        for (row, index, data, facts) in updates {
            let (Some(r), Some(old)) = (report.rows.get(row), stored.get(index)) else {
                continue;
            };
            if !registrants::update_data_in_place(conn, old.id, old.version, &data, &facts, now)? {
                return Err(ServiceError::VersionConflict {
                    current: old.version,
                });
            }
            let record = Registrant {
                version: old.version + 1,
                facts,
                data,
                updated_at: now,
                ..old.clone()
            };
            snapshots.push(serde_json::to_value(&record).unwrap_or(Value::Null));
            changes_meta.push((
                old.id.0,
                old.version + 1,
                Action::Updated,
                r.changed_fields.clone(),
            ));
        }
        let changes: Vec<Change<'_>> = changes_meta
            .iter()
            .zip(&snapshots)
            .map(|((id, version, action, fields), snapshot)| Change {
                entity: Entity::Registrant,
                entity_id: *id,
                version: *version,
                action: *action,
                changed_fields: fields,
                snapshot,
                changed_by: actor.actor(),
                changed_at: now,
            })
            .collect();
        change_log::append_many(conn, &changes)?;
        let people: Vec<RegistrantId> = changes_meta
            .iter()
            .map(|(id, ..)| RegistrantId(*id))
            .collect();
        let target = format!("import registrants: {} rows written", people.len());
        super::access::audit_change(ctx, conn, actor, &target, &people)?;
        Ok::<_, ServiceError>(())
    })?;
    ctx.rebuild_spatial(conn)
}

/// Which registrants an export writes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ExportOptions {
    /// `utf8` (with a byte-order mark, the default) or `shift_jis` (CP932).
    pub encoding: Option<Encoding>,
}

/// Every active registrant as CSV with the Japanese headers the import reads.
///
/// # Errors
/// [`ServiceError::Invalid`] (field `encoding`) naming the row CP932 cannot represent.
pub fn export_registrants_csv(
    ctx: &AppContext,
    caller: &Caller,
    encoding: Encoding,
) -> ServiceResult<Vec<u8>> {
    exported(ctx, caller, "/api/v1/exports/registrants.csv", |conn| {
        let all = registrants::all(conn)?;
        let active: Vec<&Registrant> = all
            .iter()
            .filter(|r| r.status == RegistrantStatus::Active)
            .collect();
        let records: Vec<(i64, &RegistrantData)> =
            active.iter().map(|r| (r.id.0, &r.data)).collect();
        let bytes = write_csv(&records, encoding)
            .map_err(|e| ValidationErrors::one("encoding", e.to_string()))?;
        Ok((bytes, active.iter().map(|r| r.id).collect()))
    })
}

/// Runs an export for staff and records it, naming every person exported, in one
/// transaction: the file is handed out only once the audit entry is written.
fn exported(
    ctx: &AppContext,
    caller: &Caller,
    target: &str,
    export: impl FnOnce(&mut DbConnection) -> ServiceResult<(Vec<u8>, Vec<RegistrantId>)>,
) -> ServiceResult<Vec<u8>> {
    super::registrants::require_register(caller)?;
    storage::write_transaction(&mut *ctx.conn()?, |conn| {
        let (bytes, people) = export(conn)?;
        let record = super::access::caller_record(caller, "export", target, people, Vec::new());
        super::access::record_in(ctx, conn, &record)?;
        Ok(bytes)
    })
}

/// The layers exported as GeoJSON for QGIS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Registrants,
    Supporters,
    Shelters,
    Districts,
}

impl Layer {
    /// The layer's name in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registrants => "registrants",
            Self::Supporters => "supporters",
            Self::Shelters => "shelters",
            Self::Districts => "districts",
        }
    }

    /// Parses `registrants`, `supporters`, `shelters` or `districts`.
    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }
}

fn feature(id: i64, geometry: Value, properties: Value) -> Value {
    serde_json::json!({"type": "Feature", "id": id, "geometry": geometry, "properties": properties})
}

/// A record as JSON properties.
fn json<T: Serialize>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

fn point(lat: f64, lon: f64) -> Value {
    serde_json::json!({"type": "Point", "coordinates": [lon, lat]})
}

/// One layer as a GeoJSON FeatureCollection (WGS84 lon/lat; properties = the record's fields):
/// active registrants with a known home and every supporter and shelter as Points, districts
/// as MultiPolygons.
///
/// # Errors
/// A storage error.
pub fn export_geojson(ctx: &AppContext, caller: &Caller, layer: Layer) -> ServiceResult<Vec<u8>> {
    let target = format!("/api/v1/exports/{}.geojson", layer.as_str());
    exported(ctx, caller, &target, |conn| geojson_layer(ctx, conn, layer))
}

/// The features of one layer, and the people in it. A person's properties are the record as
/// the API shows it to the register's staff (with its priority), so the map and the screen
/// carry the same fields.
fn geojson_layer(
    ctx: &AppContext,
    conn: &mut DbConnection,
    layer: Layer,
) -> ServiceResult<(Vec<u8>, Vec<RegistrantId>)> {
    let mut people = Vec::new();
    let features: Vec<Value> = match layer {
        Layer::Registrants => {
            let located: Vec<_> = registrants::all(conn)?
                .into_iter()
                .filter(|r| r.status == RegistrantStatus::Active && r.data.location.is_some())
                .collect();
            super::registrants::views(conn, ctx, located)?
                .iter()
                .filter_map(|v| {
                    let (id, p) = (v.registrant.id, v.registrant.data.location?);
                    people.push(id);
                    Some(feature(id.0, point(p.lat(), p.lon()), json(v)))
                })
                .collect()
        }
        Layer::Supporters => {
            let filter = storage::supporters::ListFilter {
                limit: i64::MAX,
                ..Default::default()
            };
            storage::supporters::list(conn, &filter)?
                .iter()
                .map(|s| {
                    feature(
                        s.id.0,
                        point(s.data.location.lat(), s.data.location.lon()),
                        json(s),
                    )
                })
                .collect()
        }
        Layer::Shelters => storage::shelters::all(conn)?
            .iter()
            .map(|s| {
                let p = s.data.location;
                feature(s.id.0, point(p.lat(), p.lon()), json(s))
            })
            .collect(),
        Layer::Districts => storage::districts::all(conn)?
            .iter()
            .map(|d| {
                let geometry = serde_json::to_value(geojson::Geometry::from(&d.boundary))
                    .unwrap_or(Value::Null);
                let properties = serde_json::json!({"id": d.id.0, "code": d.code, "name": d.name});
                feature(d.id.0, geometry, properties)
            })
            .collect(),
    };
    let collection = serde_json::json!({"type": "FeatureCollection", "features": features});
    Ok((serde_json::to_vec(&collection).unwrap_or_default(), people))
}

/// Two records that may be one person.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DuplicatePair {
    /// The older record (smaller id).
    pub registrant_id: i64,
    pub duplicate_id: i64,
    pub reasons: Vec<DuplicateReason>,
    /// The reasons in Japanese.
    pub reasons_ja: Vec<&'static str>,
}

/// Suspected duplicates among active registrants, for staff to review; nothing is merged.
///
/// # Errors
/// A storage error.
pub fn duplicates(ctx: &AppContext, caller: &Caller) -> ServiceResult<Vec<DuplicatePair>> {
    super::registrants::require_register(caller)?;
    storage::audited_read(&mut *ctx.conn()?, |conn| {
        let pairs = duplicate_pairs(conn)?;
        let ids = pairs
            .iter()
            .flat_map(|p| [p.registrant_id, p.duplicate_id])
            .map(RegistrantId)
            .collect();
        let record = super::access::caller_record(
            caller,
            "list",
            "/api/v1/registrants/duplicates",
            ids,
            Vec::new(),
        );
        super::access::record_in(ctx, conn, &record)?;
        Ok(pairs)
    })
}

fn duplicate_pairs(conn: &mut DbConnection) -> ServiceResult<Vec<DuplicatePair>> {
    let all = registrants::all(conn)?;
    let mut index = DuplicateIndex::default();
    let mut pairs: HashMap<(i64, i64), Vec<DuplicateReason>> = HashMap::new();
    for r in all.iter().filter(|r| is_candidate(r)) {
        for (other, reason) in index.matches(&r.data) {
            pairs.entry((other, r.id.0)).or_default().push(reason);
        }
        index.add(r.id.0, &r.data);
    }
    let mut out: Vec<DuplicatePair> = pairs
        .into_iter()
        .map(|((a, b), mut reasons)| {
            reasons.sort_unstable();
            reasons.dedup();
            DuplicatePair {
                registrant_id: a,
                duplicate_id: b,
                reasons_ja: reasons.iter().map(|r| r.label_ja()).collect(),
                reasons,
            }
        })
        .collect();
    out.sort_by_key(|p| (p.registrant_id, p.duplicate_id));
    Ok(out)
}

/// What to merge into the record that stays.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The record that becomes `merged` and points to the kept one.
    pub duplicate_id: Option<i64>,
}

/// Merges a duplicate into `kept` (at `expected_version`): the kept record stays, the duplicate
/// gets status `merged` with `merged_into`, its consents, plan and proposals move to the kept
/// record where it has none of that kind, and both histories get a `merged` entry.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::VersionConflict`], [`ServiceError::Invalid`]
/// (same record, or either already merged).
pub fn merge(
    ctx: &AppContext,
    kept: crate::domain::RegistrantId,
    expected_version: i64,
    input: &MergeInput,
    actor: Actor<'_>,
) -> ServiceResult<super::registrants::RegistrantView> {
    use super::records::record_change;
    use crate::domain::RegistrantId;
    let Some(duplicate) = input.duplicate_id.map(RegistrantId) else {
        return Err(ValidationErrors::one("duplicate_id", "必須項目です").into());
    };
    if duplicate == kept {
        return Err(ValidationErrors::one("duplicate_id", "同じ人どうしは統合できません").into());
    }
    let mut conn = ctx.conn()?;
    let (_, after_dup) = storage::write_transaction(&mut conn, |conn| {
        let find = |conn: &mut storage::DbConnection, id| {
            registrants::find(conn, id)?.ok_or(ServiceError::NotFound("registrant"))
        };
        let kept_record = find(conn, kept)?;
        let dup_record = find(conn, duplicate)?;
        if kept_record.version != expected_version {
            return Err(ServiceError::VersionConflict {
                current: kept_record.version,
            });
        }
        for (field, record) in [("id", &kept_record), ("duplicate_id", &dup_record)] {
            if record.status == RegistrantStatus::Merged {
                return Err(ValidationErrors::one(field, "すでに統合済みの記録です").into());
            }
        }
        let reason = format!("登録番号{}と同一人物のため統合", kept.0);
        let now = storage::now();
        if !registrants::merge(
            conn,
            kept,
            kept_record.version,
            duplicate,
            dup_record.version,
            &reason,
            ctx.today(),
            now,
        )? {
            return Err(ServiceError::VersionConflict {
                current: kept_record.version,
            });
        }
        let kept_after = find(conn, kept)?;
        let dup_after = find(conn, duplicate)?;
        record_change(
            ctx,
            conn,
            &kept_after,
            Action::Merged,
            &[format!("merged_from:{}", duplicate.0)],
            actor,
        )?;
        record_change(
            ctx,
            conn,
            &dup_after,
            Action::Merged,
            &["status".to_owned(), format!("merged_into:{}", kept.0)],
            actor,
        )?;
        Ok::<_, ServiceError>((dup_record, dup_after))
    })?;
    // The duplicate leaves the point index: merged people are not active.
    ctx.spatial_mut().registrants.set(after_dup.id, None);
    Ok(super::registrants::get(ctx, actor, kept)?.record)
}

/// Reads a supporter CSV like [`import_registrants`]: matched by 宛名番号 then 登録番号,
/// columns the file lacks keep their stored values, a dry run writes nothing, and an apply
/// writes every row with its history entry in one transaction, or none when a row is rejected.
///
/// # Errors
/// [`ServiceError::Invalid`] (field `file`) when the file as a whole cannot be read.
pub fn import_supporters(
    ctx: &AppContext,
    bytes: &[u8],
    encoding: Option<Encoding>,
    dry_run: bool,
    actor: Actor<'_>,
) -> ServiceResult<ExchangeReport> {
    super::registrants::require_register(actor)?;
    use super::records::record_change;
    use crate::domain::supporter::{SupporterData, SupporterInput};
    use crate::exchange::registrants::{build_with, read_table};
    check_line_length(bytes).map_err(format_error)?;
    let text = decode(bytes, encoding).map_err(format_error)?;
    let file = read_table(&text, Table::Supporters).map_err(format_error)?;
    let today = ctx.today();
    let mut conn = ctx.conn()?;
    let filter = storage::supporters::ListFilter {
        limit: i64::MAX,
        ..Default::default()
    };
    let stored = storage::supporters::list(&mut conn, &filter)?;
    let by_external: HashMap<&str, usize> = stored
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.data.external_id.as_deref()?, i)))
        .collect();
    let by_id: HashMap<i64, usize> = stored
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.0, i))
        .collect();
    let mut rows = Vec::with_capacity(file.rows.len());
    let mut plans: Vec<(usize, Option<usize>, SupporterData)> = Vec::new();
    let mut seen = HashSet::new();
    for row in &file.rows {
        let mut report = RowReport {
            row: row.row,
            outcome: Outcome::Rejected,
            id: None,
            external_id: row.external_id.clone(),
            errors: Vec::new(),
            changed_fields: Vec::new(),
            possible_duplicate_of: Vec::new(),
        };
        let base = row
            .external_id
            .as_deref()
            .and_then(|e| by_external.get(e).copied())
            .or_else(|| row.id.and_then(|id| by_id.get(&id).copied()));
        let key = base.map_or_else(|| row.external_id.clone(), |i| Some(i.to_string()));
        if row.id.is_some() && base.is_none() && row.external_id.is_none() {
            report.errors.push(CellError {
                column: file.header_of("id"),
                reason: "この登録番号の人は登録されていません".to_owned(),
            });
        } else if key.is_some_and(|k| !seen.insert(k)) {
            report.errors.push(CellError {
                column: file.header_of("external_id"),
                reason: "同じ人の行がファイルの前の方にあります".to_owned(),
            });
        } else {
            let current = base.and_then(|i| stored.get(i));
            report.id = current.map(|s| s.id.0);
            match build_with(
                &file,
                row,
                current.map(|s| &s.data),
                |i: &SupporterInput| SupporterData::parse(i, today),
            ) {
                Err(errors) => report.errors = errors,
                Ok(data) => match current {
                    Some(s) if s.data == data => report.outcome = Outcome::Unchanged,
                    Some(s) => {
                        report.outcome = Outcome::Updated;
                        report.changed_fields = changed_fields(&s.data, &data);
                        plans.push((rows.len(), base, data));
                    }
                    None => {
                        report.outcome = Outcome::Created;
                        plans.push((rows.len(), None, data));
                    }
                },
            }
        }
        rows.push(report);
    }
    let mut report = tally(rows, dry_run, &file.ignored_columns);
    if report.rejected > 0 || dry_run {
        report.message = summary_message(&report);
        checked(ctx, &mut conn, actor, Table::Supporters, &report)?;
        return Ok(report);
    }
    let districts: Vec<_> = {
        let spatial = ctx.spatial();
        plans
            .iter()
            .map(|(_, _, d)| spatial.district_of(d.location))
            .collect()
    };
    let now = storage::now();
    storage::write_transaction(&mut conn, |conn| {
        for ((row, base, data), district) in plans.iter().zip(districts) {
            let (record, action, fields) = match base.and_then(|i| stored.get(i)) {
                Some(old) => {
                    let updated = storage::supporters::update_data(
                        conn,
                        old.id,
                        old.version,
                        data,
                        district,
                        now,
                    )?
                    .ok_or(ServiceError::VersionConflict {
                        current: old.version,
                    })?;
                    let fields = changed_fields(&old.data, data);
                    (updated, Action::Updated, fields)
                }
                None => (
                    storage::supporters::insert(conn, data, district, now)?,
                    Action::Created,
                    Vec::new(),
                ),
            };
            record_change(ctx, conn, &record, action, &fields, actor)?;
            if let Some(r) = report.rows.get_mut(*row) {
                r.id = Some(record.id.0);
            }
        }
        Ok::<_, ServiceError>(())
    })?;
    ctx.rebuild_spatial(&mut conn)?;
    report.applied = true;
    report.message = summary_message(&report);
    Ok(report)
}

/// The report of a file's rows, counted by outcome; not applied yet.
/// Records a file that was checked against the register but not written (a dry run, or a
/// file with a rejected row): the report tells which stored records the rows matched, which
/// fields differ and who may be a duplicate, so it is a read of those records, and it is
/// handed out only once recorded.
///
/// # Errors
/// A storage error; the report is then not returned.
fn checked(
    ctx: &AppContext,
    conn: &mut DbConnection,
    actor: Actor<'_>,
    table: Table,
    report: &ExchangeReport,
) -> ServiceResult<()> {
    let mut ids: Vec<i64> = report
        .rows
        .iter()
        .flat_map(|r| {
            r.id.into_iter()
                .chain(r.possible_duplicate_of.iter().copied())
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let why = if report.dry_run {
        "dry run"
    } else {
        "rejected"
    };
    let record = match table {
        Table::Registrants => super::access::caller_record(
            actor,
            "read",
            &format!(
                "import registrants ({why}): {} rows checked",
                report.rows.len()
            ),
            ids.into_iter().map(RegistrantId).collect(),
            Vec::new(),
        ),
        Table::Supporters => super::access::caller_record(
            actor,
            "read",
            &super::access::ids_target(&format!("import supporters ({why}): supporters"), ids),
            Vec::new(),
            Vec::new(),
        ),
    };
    storage::audited_read(conn, |conn| super::access::record_in(ctx, conn, &record))
}

fn tally(rows: Vec<RowReport>, dry_run: bool, ignored_columns: &[String]) -> ExchangeReport {
    let count = |o: Outcome| rows.iter().filter(|r| r.outcome == o).count();
    ExchangeReport {
        created: count(Outcome::Created),
        updated: count(Outcome::Updated),
        unchanged: count(Outcome::Unchanged),
        rejected: count(Outcome::Rejected),
        dry_run,
        applied: false,
        message: String::new(),
        ignored_columns: ignored_columns.to_vec(),
        rows,
    }
}

/// The report's message for staff.
fn summary_message(report: &ExchangeReport) -> String {
    if report.rejected > 0 {
        format!(
            "{}行に誤りがあります。{}誤りを直して、ファイル全体をもう一度取り込んでください。",
            report.rejected,
            if report.dry_run {
                ""
            } else {
                "どの行も登録していません。"
            }
        )
    } else if report.applied {
        format!(
            "登録しました: 新規{}件、更新{}件、変更なし{}件",
            report.created, report.updated, report.unchanged
        )
    } else {
        format!(
            "確認のみ（登録していません）: 新規{}件、更新{}件、変更なし{}件",
            report.created, report.updated, report.unchanged
        )
    }
}

/// Every supporter as CSV with the Japanese headers the import reads.
///
/// # Errors
/// As [`export_registrants_csv`].
pub fn export_supporters_csv(
    ctx: &AppContext,
    caller: &Caller,
    encoding: Encoding,
) -> ServiceResult<Vec<u8>> {
    exported(ctx, caller, "/api/v1/exports/supporters.csv", |conn| {
        let filter = storage::supporters::ListFilter {
            limit: i64::MAX,
            ..Default::default()
        };
        let all = storage::supporters::list(conn, &filter)?;
        let records: Vec<_> = all.iter().map(|s| (s.id.0, &s.data)).collect();
        let bytes = crate::exchange::registrants::write_supporters_csv(&records, encoding)
            .map_err(|e| ValidationErrors::one("encoding", e.to_string()))?;
        Ok((bytes, Vec::new()))
    })
}
