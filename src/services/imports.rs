//! Geodata imports: districts, hazard zones and shelters from the files cities and open data
//! publish. Every accepted row is stored in one transaction (nothing half-applied), rejected
//! rows are reported with their number and reason, and what depends on the polygons (each
//! home's district and hazard exposure) is recomputed before the transaction commits.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::districts::{Rederived, rederive};
use super::records::record_change;
use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::ValidationErrors;
use crate::domain::codes::ShelterKind;
use crate::exchange::districts::{DistrictOptions, parse_districts};
use crate::exchange::hazards::{HazardCodeTable, HazardKind, HazardOptions, parse_hazards};
use crate::exchange::shelters::{ShelterFormat, detect_shelter_format, parse_shelters};
use crate::exchange::{Encoding, FormatError, Parsed, RejectedRow, RowNote, decode};
use crate::storage::change_log::Action;
use crate::storage::{self, districts, hazard_zones, shelters};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Districts,
    Hazards,
    Shelters,
}

impl ImportKind {
    /// Parses `districts`, `hazards` or `shelters`.
    pub fn parse(kind: &str) -> Option<Self> {
        match kind {
            "districts" => Some(Self::Districts),
            "hazards" => Some(Self::Hazards),
            "shelters" => Some(Self::Shelters),
            _ => None,
        }
    }
}

/// How to read a file; every field is optional.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ImportOptions {
    /// Shelters: `gsi_csv`, `gsi_geo_json` or `digital_agency_csv`; detected from the content
    /// when omitted.
    pub format: Option<ShelterFormat>,
    /// `utf8` or `shift_jis`; detected when omitted.
    pub encoding: Option<Encoding>,
    /// Districts: property with the name (default `A27_004`, then `name`).
    pub name_property: Option<String>,
    /// Districts: property with the code (default `A27_003`, then `code`, then the name).
    pub code_property: Option<String>,
    /// Hazards: `flood` or `landslide` (a feature's own `hazard_type` wins).
    pub hazard: Option<HazardKind>,
    /// Hazards: property with the depth rank or zone class.
    pub level_property: Option<String>,
    /// Hazards: property with the landslide phenomenon.
    pub phenomenon_property: Option<String>,
    /// Hazards: label of the source; re-importing the same source replaces its zones
    /// (default: the hazard kind).
    pub source: Option<String>,
    /// Shelters: kind for files without hazard columns (default `designated_shelter`).
    pub default_kind: Option<ShelterKind>,
}

/// The outcome of an import.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// Rows read and valid.
    pub accepted: usize,
    /// Rows refused; each is listed in `rows` with its number and reason.
    pub rejected: usize,
    /// Accepted rows stored as new records.
    pub created: usize,
    /// Accepted rows that updated a record with the same key (district code, GSI id); for
    /// hazards, the zones of the same source that were replaced.
    pub updated: usize,
    /// Accepted rows identical to what is stored.
    pub unchanged: usize,
    pub rows: Vec<RejectedRow>,
    /// Repairs made while reading (e.g. a municipality code that lost its leading zero).
    pub notes: Vec<RowNote>,
    /// Stored rows whose district or hazard exposure changed because of this import.
    pub rederived: Rederived,
}

fn format_error(error: FormatError) -> ServiceError {
    ValidationErrors::one("file", error.to_string()).into()
}

fn report<T>(kind: ImportKind, parsed: &Parsed<T>) -> ImportReport {
    ImportReport {
        kind,
        accepted: parsed.accepted.len(),
        rejected: parsed.rejected.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        rows: parsed.rejected.clone(),
        notes: parsed.notes.clone(),
        rederived: Rederived::default(),
    }
}

/// Reads `bytes` as `kind` and stores every accepted row in one transaction.
///
/// # Errors
/// [`ServiceError::Invalid`] (field `file`) when the file cannot be read at all; nothing is
/// written then.
pub fn import(
    ctx: &AppContext,
    kind: ImportKind,
    bytes: &[u8],
    options: &ImportOptions,
    actor: Actor<'_>,
) -> ServiceResult<ImportReport> {
    super::registrants::require_register(actor)?;
    let text = decode(bytes, options.encoding).map_err(format_error)?;
    let tolerance = ctx.settings.district_tolerance_m;
    let mut conn = ctx.conn()?;
    let now = storage::now();
    let report = match kind {
        ImportKind::Districts => {
            let opts = DistrictOptions {
                name_property: options.name_property.clone(),
                code_property: options.code_property.clone(),
            };
            let parsed = parse_districts(&text, &opts).map_err(format_error)?;
            let mut report = report(kind, &parsed);
            report.rederived = storage::write_transaction(&mut conn, |conn| {
                for (_, district) in &parsed.accepted {
                    match districts::find_by_code(conn, &district.code)? {
                        Some(id) => {
                            districts::update(conn, id, district, now)?;
                            report.updated += 1;
                        }
                        None => {
                            districts::insert(conn, district, now)?;
                            report.created += 1;
                        }
                    }
                }
                let rederived = rederive(conn, tolerance)?;
                let target = format!("import districts: {} rows", parsed.accepted.len());
                super::access::audit_change(ctx, conn, actor, &target, &[])?;
                Ok::<_, ServiceError>(rederived)
            })?;
            report
        }
        ImportKind::Hazards => {
            let hazard = options.hazard.unwrap_or(HazardKind::Flood);
            let opts = HazardOptions {
                level_property: options.level_property.clone(),
                phenomenon_property: options.phenomenon_property.clone(),
                name_property: None,
            };
            let parsed = parse_hazards(&text, hazard, &opts, &HazardCodeTable::default())
                .map_err(format_error)?;
            let source = options
                .source
                .clone()
                .unwrap_or_else(|| hazard.hazard_type().as_str().to_owned());
            let mut report = report(kind, &parsed);
            report.rederived = storage::write_transaction(&mut conn, |conn| {
                report.updated = hazard_zones::delete_source(conn, &source)?;
                for (_, zone) in &parsed.accepted {
                    hazard_zones::insert(conn, zone, &source, now)?;
                    report.created += 1;
                }
                let rederived = rederive(conn, tolerance)?;
                let target = format!("import hazards {source}: {} zones", parsed.accepted.len());
                super::access::audit_change(ctx, conn, actor, &target, &[])?;
                Ok::<_, ServiceError>(rederived)
            })?;
            report
        }
        ImportKind::Shelters => {
            let format = match options.format {
                Some(format) => format,
                None => detect_shelter_format(&text)
                    .ok_or_else(|| format_error(FormatError::UnknownFormat))?,
            };
            let parsed = parse_shelters(&text, format, options.default_kind, ctx.today())
                .map_err(format_error)?;
            let mut report = report(kind, &parsed);
            let spatial = ctx.spatial();
            storage::write_transaction(&mut conn, |conn| {
                for (_, data) in &parsed.accepted {
                    let district = spatial.district_of(data.location);
                    let existing = match &data.gsi_id {
                        Some(gsi) => shelters::find_by_gsi_id(conn, gsi)?,
                        None => None,
                    };
                    let (shelter, action) = match existing {
                        Some(old) if old.data == *data && old.district_id == district => continue,
                        Some(old) => {
                            let updated = shelters::update_data(
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
                            report.updated += 1;
                            (updated, Action::Updated)
                        }
                        None => {
                            report.created += 1;
                            (
                                shelters::insert(conn, data, district, now)?,
                                Action::Created,
                            )
                        }
                    };
                    record_change(ctx, conn, &shelter, action, &[], actor)?;
                }
                Ok::<_, ServiceError>(())
            })?;
            drop(spatial);
            report.unchanged = report.accepted - report.created - report.updated;
            report
        }
    };
    ctx.rebuild_spatial(&mut conn)?;
    Ok(report)
}

/// The code table used to read hazard files (A31 depth ranks, A33 zone classes and phenomena),
/// for staff to see how a file's codes are understood.
pub fn hazard_code_table() -> serde_json::Value {
    HazardCodeTable::default().describe()
}
