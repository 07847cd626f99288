//! Printing: a registrant's plan, a district's plans in one batch, and a district's
//! safety-check sheet, as PDF. A plan's links are checked first (an inconsistent plan is
//! refused with its reasons, or left out of a batch and named on its cover), every copy is
//! registered with a serial printed on every page. The copy is registered and the print
//! audited in one short transaction, and the document is rendered after it commits, outside
//! the database's write lock (a district's batch takes seconds, during which everyone else
//! writes on); it is handed out only then. If rendering fails the registration is withdrawn
//! and the failure recorded.

use geo::{BoundingRect, Intersects, MultiPolygon, Rect, coord};
use serde::Deserialize;

use super::access::{self, Caller, Scope};
use super::plans::{self, PlanIssue};
use super::registrants::RegistrantView;
use super::{AppContext, ServiceError, ServiceResult};
use crate::domain::access::Grant;
use crate::domain::codes::{ConsentKind, HazardType, Household, PlanStatus, RegistrantStatus};
use crate::domain::district::District;
use crate::domain::hazard::HazardZone;
use crate::domain::plan::PlanData;
use crate::domain::registrant::Registrant;
use crate::domain::text;
use crate::domain::{DistrictId, GeoPoint, RegistrantId, ValidationErrors};
use crate::reports::plan::{
    BatchCover, Community, ConsentLine, Destination, FLOOD_RANKS, LANDSLIDE_CLASSES, MapZone,
    Person, PlanDocument, PlanMap, PlanSupporter, RenderError, ZoneKind, render, render_batch,
};
use crate::reports::sheet::{SafetySheet, SheetRow, render_sheet};
use crate::spatial::points::distance_m;
use crate::storage::registrants::ListFilter;
use crate::storage::{
    self, DbConnection, districts, hazard_zones, registrants, shelters, supporters,
};

/// How far around the home the map looks for hazard areas, degrees (about 3 km).
const MAP_REACH_DEG: f64 = 0.03;

/// A multipolygon's polygons as `(latitude, longitude)` rings: exterior first, then holes.
fn polygons(area: &MultiPolygon<f64>) -> Vec<Vec<Vec<(f64, f64)>>> {
    let ring = |r: &geo::LineString<f64>| r.0.iter().map(|c| (c.y, c.x)).collect::<Vec<_>>();
    area.0
        .iter()
        .map(|p| {
            std::iter::once(ring(p.exterior()))
                .chain(p.interiors().iter().map(ring))
                .collect()
        })
        .collect()
}

fn exteriors(area: &MultiPolygon<f64>) -> Vec<Vec<(f64, f64)>> {
    polygons(area)
        .into_iter()
        .filter_map(|rings| rings.into_iter().next())
        .collect()
}

/// The hazard's name as it fits the plan's label column.
fn short_label(hazard: HazardType) -> &'static str {
    match hazard {
        HazardType::Landslide => "土砂災害",
        other => other.label_ja(),
    }
}

/// The home's exposure in words, as printed beside the map: the flood depth band, the
/// landslide class, and any other zone the home lies in.
pub fn exposure_words(exposure: &std::collections::BTreeMap<HazardType, i32>) -> String {
    let flood = match exposure.get(&HazardType::Flood) {
        Some(&rank) => {
            let i = usize::try_from(rank.clamp(1, 6) - 1).unwrap_or(0);
            format!("洪水 浸水想定 {}", FLOOD_RANKS[i])
        }
        None => "洪水 浸水想定区域外".to_owned(),
    };
    let landslide = match exposure.get(&HazardType::Landslide) {
        Some(&class) if class >= 2 => format!("{}内", LANDSLIDE_CLASSES[1]),
        Some(_) => format!("{}内", LANDSLIDE_CLASSES[0]),
        None => format!("{}外", LANDSLIDE_CLASSES[0]),
    };
    let mut words = vec![flood, landslide];
    for hazard in exposure.keys() {
        if !matches!(hazard, HazardType::Flood | HazardType::Landslide) {
            words.push(format!("{} 想定区域内", hazard.label_ja()));
        }
    }
    words.join("、")
}

/// The hazard's name in two or three characters, for the sheet's narrow destination column.
fn sheet_label(hazard: HazardType) -> &'static str {
    match hazard {
        HazardType::Flood => "洪水",
        HazardType::Landslide => "土砂",
        HazardType::StormSurge => "高潮",
        HazardType::Earthquake => "地震",
        HazardType::Tsunami => "津波",
        HazardType::LargeFire => "火事",
        HazardType::InlandFlood => "内水",
        HazardType::Volcano => "火山",
    }
}

fn metres(a: GeoPoint, b: Option<GeoPoint>) -> Option<u32> {
    b.map(|b| distance_m(a, b).round() as u32)
}

/// The map layers every plan of a print job draws from, read once per job.
struct MapLayers {
    zones: Vec<HazardZone>,
    districts: Vec<District>,
}

impl MapLayers {
    fn load(conn: &mut DbConnection) -> ServiceResult<Self> {
        Ok(Self {
            zones: hazard_zones::all(conn)?,
            districts: districts::all(conn)?,
        })
    }

    /// The flood and landslide zones whose bounding box meets `reach`, with their rank or
    /// class and their holes.
    fn near(&self, reach: &Rect<f64>) -> Vec<MapZone> {
        self.zones
            .iter()
            .filter(|z| z.area.bounding_rect().is_some_and(|r| r.intersects(reach)))
            .filter_map(|z| {
                let level = u8::try_from(z.level.clamp(1, 6)).unwrap_or(1);
                let kind = match z.hazard_type {
                    HazardType::Flood => ZoneKind::Flood(level),
                    HazardType::Landslide => ZoneKind::Landslide(level.min(2)),
                    _ => return None,
                };
                Some(MapZone {
                    kind,
                    polygons: polygons(&z.area),
                })
            })
            .collect()
    }

    fn boundary(&self, district: Option<DistrictId>) -> Vec<Vec<(f64, f64)>> {
        self.districts
            .iter()
            .find(|d| Some(d.id) == district)
            .map(|d| exteriors(&d.boundary))
            .unwrap_or_default()
    }
}

/// The three consents as recorded, latest of each kind; how each was given is printed only
/// for the register's staff, who see it on screen too.
fn consent_lines(
    conn: &mut DbConnection,
    person: RegistrantId,
    grant: Grant,
) -> ServiceResult<Vec<ConsentLine>> {
    let recorded = storage::consents::list_for(conn, person)?;
    Ok([
        ConsentKind::RegisterSharing,
        ConsentKind::PlanCreation,
        ConsentKind::PlanSharing,
    ]
    .into_iter()
    .map(|kind| {
        let latest = recorded.iter().rev().find(|c| c.kind == kind);
        ConsentLine {
            label: kind.label_ja().to_owned(),
            given: latest.map(|c| c.given),
            date: latest.map(|c| c.date),
            evidence: latest
                .filter(|_| grant == Grant::Register)
                .map(|c| c.evidence_note.clone()),
        }
    })
    .collect())
}

/// How a copy is printed.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintOptions {
    /// Add the supporters' tear-off page to each plan.
    pub tear_off: bool,
}

/// A checked plan ready to render: everything read from the register (`person` already
/// projected for `grant`), the serial left for the print register to fill.
fn plan_document(
    ctx: &AppContext,
    conn: &mut DbConnection,
    layers: &MapLayers,
    (person, grant): (&Registrant, Grant),
    plan: &PlanData,
    options: PrintOptions,
) -> ServiceResult<PlanDocument> {
    let data = &person.data;
    let home = data.location.ok_or_else(|| {
        ValidationErrors::one(
            "latitude",
            "自宅の位置が登録されていないため地図を描けません",
        )
    })?;
    let ids: Vec<_> = plan.supporters.iter().map(|s| s.supporter_id).collect();
    let helpers = supporters::find_many(conn, &ids)?;
    let mut destinations = Vec::new();
    for d in &plan.destinations {
        let shelter = match d.shelter_id {
            Some(id) => shelters::find(conn, id)?,
            None => None,
        };
        let at = shelter.as_ref().map(|s| s.data.location);
        destinations.push(Destination {
            hazard_label: short_label(d.hazard_type).to_owned(),
            shelter_name: shelter
                .map(|s| s.data.name)
                .or_else(|| d.place.clone())
                .unwrap_or_default(),
            distance_m: metres(home, at),
            at: at.map(|p| (p.lat(), p.lon())),
        });
    }
    let reach = Rect::new(
        coord! { x: home.lon() - MAP_REACH_DEG, y: home.lat() - MAP_REACH_DEG },
        coord! { x: home.lon() + MAP_REACH_DEG, y: home.lat() + MAP_REACH_DEG },
    );
    let dwelling = data.dwelling.as_ref();
    let dwelling_words = dwelling.and_then(|d| {
        let parts: Vec<String> = [
            d.building_type.map(|b| b.label_ja().to_owned()),
            d.bedroom_floor.map(|f| format!("寝室は{f}階")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("・"))
    });
    let mut medical: Vec<String> = data
        .medical_devices
        .iter()
        .map(|d| d.label_ja().to_owned())
        .collect();
    if data.electricity_dependent {
        medical.push("停電時に電源が必要".to_owned());
    }
    let review_days = u64::from(ctx.settings.plan_review_days);
    Ok(PlanDocument {
        serial: String::new(),
        printed_on: ctx.today(),
        written_on: plan.written_on,
        next_review_on: plan
            .next_review_on
            .unwrap_or(plan.written_on + chrono::Days::new(review_days)),
        author: match &plan.author_relation {
            Some(relation) => format!("{}（{}）", plan.author, relation),
            None => plan.author.clone(),
        },
        person: Person {
            name: data.name.clone(),
            name_kana: data.name_kana.clone().unwrap_or_default(),
            birth_date: data.birth_date,
            sex_label: data.sex.label_ja().to_owned(),
            address: data.address.clone(),
            phone: data.phone.clone(),
            reasons: data
                .support_reasons
                .iter()
                .map(|r| r.label_ja().to_owned())
                .collect(),
            household: data.household.map(|h| h.label_ja().to_owned()),
            dwelling: dwelling_words,
            daytime: dwelling.and_then(|d| d.daytime_situation.clone()),
            care_level: data.care_level.map(|c| format!("要介護{c}")),
            mobility: data.mobility.map(|m| m.label_ja().to_owned()),
            communication: data
                .communication_needs
                .iter()
                .map(|c| c.label_ja().to_owned())
                .collect(),
            medical,
            exposure: exposure_words(&person.facts.hazard_exposure),
            emergency_contacts: data
                .emergency_contacts
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        c.relation.clone().unwrap_or_default(),
                        c.phone.clone(),
                    )
                })
                .collect(),
            doctor: data.family_doctor.as_ref().map(|d| {
                [d.clinic.clone(), d.name.clone(), d.phone.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            medicines: data.medicines.clone(),
            notes: data.notes.clone(),
        },
        community: Community {
            association: plan.community_association.clone(),
            group: plan.neighbourhood_group.clone(),
            welfare_commissioner: plan.welfare_commissioner.clone(),
        },
        supporters: plan
            .supporters
            .iter()
            .filter_map(|s| {
                let helper = helpers.iter().find(|h| h.id == s.supporter_id)?;
                Some(PlanSupporter {
                    name: helper.data.name.clone(),
                    relation: s
                        .relation
                        .clone()
                        .unwrap_or_else(|| helper.data.kind.label_ja().to_owned()),
                    phone: helper.data.phone.clone(),
                    address: helper.data.address.clone(),
                    distance_m: metres(home, Some(helper.data.location)),
                })
            })
            .collect(),
        destinations,
        when_to_leave: plan.when_to_leave.clone(),
        items_to_take: plan.items_to_take.clone().unwrap_or_default(),
        route_note: plan.route_note.clone(),
        notes_for_supporters: plan.notes_for_supporters.clone(),
        notes_for_shelter_staff: plan.notes_for_shelter_staff.clone(),
        consents: consent_lines(conn, person.id, grant)?,
        map: PlanMap {
            home: (home.lat(), home.lon()),
            supporters: helpers
                .iter()
                .map(|h| h.data.location)
                .map(|p| (p.lat(), p.lon()))
                .collect(),
            zones: layers.near(&reach),
            district_boundary: layers.boundary(person.facts.district_id),
            route: plan.route.as_ref().map(|r| r.lat_lon()).unwrap_or_default(),
        },
        tear_off: options.tear_off,
        receipt: true,
    })
}

fn rendering_failed(e: RenderError) -> ServiceError {
    ServiceError::System(format!("rendering a document: {e}"))
}

fn holder_of(holder: &str) -> ServiceResult<String> {
    Ok(text::required(holder, text::MAX_SHORT).map_err(|m| ValidationErrors::one("holder", m))?)
}

/// What a printed copy is and for whom.
struct CopyOf<'a> {
    kind: &'a str,
    /// The people it shows, with the grant that let the caller see each.
    seen: &'a [(RegistrantId, Grant)],
    district: Option<DistrictId>,
    caller: &'a Caller,
    holder: &'a str,
}

/// Registers a copy and records the print in the audit log in one transaction, then renders
/// it with its serial once that has committed: nothing is handed out unregistered or
/// unrecorded, and the write lock is not held while pages are drawn. A copy that fails to
/// render is withdrawn from the register and the failure recorded.
fn print_copy(
    ctx: &AppContext,
    conn: &mut DbConnection,
    copy: &CopyOf<'_>,
    render: impl FnOnce(&str) -> Result<Vec<u8>, RenderError>,
) -> ServiceResult<(Vec<u8>, String)> {
    let serial = storage::write_transaction(conn, |conn| {
        let ids: Vec<RegistrantId> = copy.seen.iter().map(|(id, _)| *id).collect();
        let registered = super::prints::register(
            conn,
            copy.kind,
            &ids,
            copy.district,
            copy.caller,
            copy.holder,
        )?;
        let record = access::access_record(copy.caller, "print", &registered.serial, copy.seen);
        access::record_in(ctx, conn, &record)?;
        Ok::<_, ServiceError>(registered.serial)
    })?;
    match render(&serial) {
        Ok(bytes) => Ok((bytes, serial)),
        Err(e) => {
            let shown: Vec<RegistrantId> = copy.seen.iter().map(|(id, _)| *id).collect();
            let failure = rendering_failed(e);
            Err(super::prints::withdraw_failed(
                ctx,
                conn,
                copy.caller,
                &serial,
                &shown,
                failure,
            ))
        }
    }
}

/// The plan of `registrant` as a one- or two-page PDF for `holder`, and the copy's serial.
///
/// # Errors
/// [`ServiceError::NotFound`] without a plan; [`ServiceError::Invalid`] for a missing holder;
/// [`ServiceError::NotPrintable`] when the plan's links or consents do not hold.
pub fn plan_pdf(
    ctx: &AppContext,
    caller: &Caller,
    registrant: RegistrantId,
    holder: &str,
    options: PrintOptions,
) -> ServiceResult<(Vec<u8>, String)> {
    let holder = holder_of(holder)?;
    let mut conn = ctx.conn()?;
    let (person, grant) = super::visibility::see(ctx, &mut conn, caller, registrant)?;
    let plan =
        storage::plans::find(&mut conn, registrant)?.ok_or(ServiceError::NotFound("plan"))?;
    let view = plans::view(&mut conn, plan)?;
    let links = plans::ConfirmedLinks::load(ctx, &mut conn)?;
    let issues = plans::issues(&mut conn, &view, &person, &links)?;
    if !issues.is_empty() {
        return Err(ServiceError::NotPrintable(
            issues
                .into_iter()
                .map(|PlanIssue { code, message, .. }| (code, message))
                .collect(),
        ));
    }
    // The page is made from what the caller may see of the person, never from more.
    let person = super::visibility::project_record(person, grant);
    let layers = MapLayers::load(&mut conn)?;
    let document = plan_document(
        ctx,
        &mut conn,
        &layers,
        (&person, grant),
        &view.plan.data,
        options,
    )?;
    let copy = CopyOf {
        kind: "plan",
        seen: &[(registrant, grant)],
        district: person.facts.district_id,
        caller,
        holder: &holder,
    };
    print_copy(ctx, &mut conn, &copy, |serial| {
        render(&PlanDocument {
            serial: serial.to_owned(),
            ..document
        })
    })
}

/// Which plans of a district to print together.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct BatchQuery {
    /// Who receives and keeps the copy (required).
    pub holder: Option<String>,
    /// Only registrants of this priority tier: `A`, `B`, `C` or `D`.
    pub tier: Option<String>,
    /// Add each plan's supporters' tear-off page.
    pub tear_off: Option<bool>,
}

/// A printed district document and what went into it.
#[derive(Debug, Clone)]
pub struct PrintedBatch {
    pub bytes: Vec<u8>,
    pub serial: String,
    /// People printed.
    pub printed: usize,
    /// Plans left out (not confirmed or not consistent); named on the cover.
    pub omitted: usize,
}

/// The district's code and name as printed, or NotFound.
fn district_label(conn: &mut DbConnection, district: DistrictId) -> ServiceResult<String> {
    districts::all(conn)?
        .into_iter()
        .find(|d| d.id == district)
        .map(|d| format!("{} {}", d.code, d.name))
        .ok_or(ServiceError::NotFound("district"))
}

/// Active registrants of a district that `caller` may see, with their priority and the grant
/// that lets the caller see them, projected for that grant (so that no printout shows more of
/// a person than the caller's screen). A district user asking for another district's is told
/// it does not exist.
fn district_people(
    ctx: &AppContext,
    conn: &mut DbConnection,
    district: DistrictId,
    caller: &Caller,
) -> ServiceResult<Vec<(RegistrantView, Grant)>> {
    let scope = Scope::of(ctx, conn, caller)?;
    if scope.is_limited() && !caller.user.districts.contains(&district) {
        return Err(ServiceError::NotFound("district"));
    }
    let records = registrants::list(
        conn,
        &ListFilter {
            district: Some(district),
            status: Some(RegistrantStatus::Active),
            limit: i64::MAX,
            ..ListFilter::default()
        },
    )?;
    let grants = scope.grants(ctx, conn, &records)?;
    let (records, grants): (Vec<_>, Vec<_>) = records
        .into_iter()
        .zip(grants)
        .filter_map(|(record, grant)| Some((record, grant?)))
        .unzip();
    Ok(super::registrants::views(conn, ctx, records)?
        .into_iter()
        .zip(grants)
        .map(|(view, grant)| (super::visibility::project(view, grant), grant))
        .collect())
}

/// Every confirmed, consistent plan of a district (or of one priority tier in it) in one PDF,
/// after a cover that says what it holds and names the plans left out and why. The batch is
/// one registered copy listing everyone in it. `progress` gets (plans rendered, plans in all).
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown district; [`ServiceError::Invalid`] for a
/// missing holder or an unknown tier; [`ServiceError::NothingToPrint`] when no plan qualifies.
pub fn district_plans_pdf(
    ctx: &AppContext,
    district: DistrictId,
    query: &BatchQuery,
    caller: &Caller,
    progress: &mut dyn FnMut(usize, usize),
) -> ServiceResult<PrintedBatch> {
    let holder = holder_of(query.holder.as_deref().unwrap_or_default())?;
    let tier = match query.tier.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t @ ("A" | "B" | "C" | "D")) => t.chars().next(),
        Some(_) => {
            return Err(ValidationErrors::one("tier", "優先度は A・B・C・D のいずれかです").into());
        }
    };
    let mut conn = ctx.conn()?;
    let label = district_label(&mut conn, district)?;
    let mut people = district_people(ctx, &mut conn, district, caller)?;
    people.retain(|(p, _)| tier.is_none_or(|t| p.priority.tier == t));
    people.sort_by(|(a, _), (b, _)| {
        (
            a.priority.tier,
            &a.registrant.data.name_kana,
            a.registrant.id,
        )
            .cmp(&(
                b.priority.tier,
                &b.registrant.data.name_kana,
                b.registrant.id,
            ))
    });
    let layers = MapLayers::load(&mut conn)?;
    let links = plans::ConfirmedLinks::load(ctx, &mut conn)?;
    let mut documents = Vec::new();
    let mut printed_ids = Vec::new();
    let mut omitted = Vec::new();
    let mut seen = Vec::new();
    for (person, grant) in people {
        let person = person.registrant;
        let Some(plan) = storage::plans::find(&mut conn, person.id)? else {
            continue;
        };
        let name = person.data.name.clone();
        if plan.data.status != PlanStatus::Confirmed {
            omitted.push((
                name,
                format!("計画が確定していません（{}）", plan.data.status.label_ja()),
            ));
            continue;
        }
        let view = plans::view(&mut conn, plan)?;
        let issues = plans::issues(&mut conn, &view, &person, &links)?;
        if !issues.is_empty() {
            let reasons: Vec<String> = issues.into_iter().map(|i| i.message).collect();
            omitted.push((name, reasons.join("。")));
            continue;
        }
        let options = PrintOptions {
            tear_off: query.tear_off.unwrap_or(false),
        };
        match plan_document(
            ctx,
            &mut conn,
            &layers,
            (&person, grant),
            &view.plan.data,
            options,
        ) {
            Ok(document) => {
                printed_ids.push(person.id);
                seen.push((person.id, grant));
                documents.push(document);
            }
            Err(ServiceError::Invalid(e)) => omitted.push((
                name,
                e.errors()
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("。"),
            )),
            Err(other) => return Err(other),
        }
    }
    if documents.is_empty() {
        return Err(ServiceError::NothingToPrint(omitted.len()));
    }
    let copy = CopyOf {
        kind: "plan_batch",
        seen: &seen,
        district: Some(district),
        caller,
        holder: &holder,
    };
    let (bytes, serial) = print_copy(ctx, &mut conn, &copy, |serial| {
        let cover = BatchCover {
            serial: serial.to_owned(),
            district: label,
            tier: tier.map(String::from),
            printed_by: caller.actor().to_owned(),
            holder: holder.clone(),
            printed_on: ctx.today(),
            omitted: omitted.clone(),
        };
        render_batch(&cover, &documents, progress)
    })?;
    Ok(PrintedBatch {
        bytes,
        serial,
        printed: documents.len(),
        omitted: omitted.len(),
    })
}

/// The safety-check sheet (安否確認リスト) of a district: every active registrant, in address
/// order, with phone, what to know at the door (communication needs, living alone,
/// power-dependent devices), the supporters and destinations of their confirmed plan, and
/// boxes to tick. `hazard` (a code such as `flood`) prints only that hazard's destination;
/// `None` prints every hazard of the plan. One registered copy listing everyone on it.
/// `progress` gets (rows, all).
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown district; [`ServiceError::Invalid`] for a
/// missing holder or an unknown hazard code (naming `hazard`).
pub fn safety_sheet_pdf(
    ctx: &AppContext,
    district: DistrictId,
    holder: &str,
    hazard: Option<&str>,
    caller: &Caller,
    progress: &mut dyn FnMut(usize, usize),
) -> ServiceResult<PrintedBatch> {
    let holder = holder_of(holder)?;
    let hazard = match hazard.map(str::trim).filter(|h| !h.is_empty()) {
        Some(code) => {
            Some(HazardType::parse(code).map_err(|m| ValidationErrors::one("hazard", m))?)
        }
        None => None,
    };
    let mut conn = ctx.conn()?;
    let label = district_label(&mut conn, district)?;
    let mut people: Vec<(Registrant, Grant)> = district_people(ctx, &mut conn, district, caller)?
        .into_iter()
        .map(|(v, g)| (v.registrant, g))
        .collect();
    people.sort_by(|(a, _), (b, _)| {
        text::natural_cmp(&a.data.address, &b.data.address)
            .then_with(|| (&a.data.name_kana, a.id).cmp(&(&b.data.name_kana, b.id)))
    });
    let today = ctx.today();
    let mut rows = Vec::with_capacity(people.len());
    for (person, _) in &people {
        let plan = storage::plans::find(&mut conn, person.id)?
            .filter(|p| p.data.status != PlanStatus::Draft);
        let (helpers, destinations) = match &plan {
            Some(plan) => {
                let ids: Vec<_> = plan
                    .data
                    .supporters
                    .iter()
                    .map(|s| s.supporter_id)
                    .collect();
                let found = supporters::find_many(&mut conn, &ids)?;
                // In the plan's order of call.
                let helpers: Vec<(String, String)> = ids
                    .iter()
                    .filter_map(|id| found.iter().find(|h| h.id == *id))
                    .map(|h| (h.data.name.clone(), h.data.phone.clone()))
                    .collect();
                // Hazards that share a place share a line (洪水・土砂・内水：桜台公民館): one
                // line per hazard made a row of five hazards a third of a page tall.
                let mut groups: Vec<(Vec<&'static str>, String)> = Vec::new();
                for d in plan
                    .data
                    .destinations
                    .iter()
                    .filter(|d| hazard.is_none_or(|h| d.hazard_type == h))
                {
                    let name = match d.shelter_id {
                        Some(id) => shelters::find(&mut conn, id)?.map(|s| s.data.name),
                        None => d.place.clone(),
                    };
                    let Some(name) = name else { continue };
                    let label = sheet_label(d.hazard_type);
                    match groups.iter_mut().find(|(_, n)| *n == name) {
                        Some((labels, _)) => labels.push(label),
                        None => groups.push((vec![label], name)),
                    }
                }
                let destinations = groups
                    .into_iter()
                    .map(|(labels, name)| format!("{}：{}", labels.join("・"), name))
                    .collect();
                (helpers, destinations)
            }
            None => (Vec::new(), Vec::new()),
        };
        // What the caller's projection of the person shows, and nothing more.
        let data = &person.data;
        // At the door what counts is how the person moves and their care level; why they are
        // on the register is on their plan. Long reason lists made every row twice as tall.
        let mut needs: Vec<String> = Vec::new();
        if let Some(level) = data.care_level {
            needs.push(format!("要介護{level}"));
        }
        if let Some(mobility) = data.mobility {
            needs.push(mobility.label_ja().to_owned());
        }
        rows.push(SheetRow {
            name: data.name.clone(),
            name_kana: data.name_kana.clone().unwrap_or_default(),
            age: person.data.age_on(today),
            address: data.address.clone(),
            phone: data.phone.clone(),
            needs: needs.join("、"),
            communication: data
                .communication_needs
                .iter()
                .map(|c| c.label_ja().to_owned())
                .collect(),
            lives_alone: data.household == Some(Household::Alone),
            power_dependent: data.electricity_dependent,
            devices: data
                .medical_devices
                .iter()
                .map(|d| d.label_ja().to_owned())
                .collect(),
            supporters: helpers,
            destinations,
        });
    }
    let seen: Vec<(RegistrantId, Grant)> = people.iter().map(|(p, g)| (p.id, *g)).collect();
    let copy = CopyOf {
        kind: "safety_check_sheet",
        seen: &seen,
        district: Some(district),
        caller,
        holder: &holder,
    };
    let printed = rows.len();
    let (bytes, serial) = print_copy(ctx, &mut conn, &copy, |serial| {
        let sheet = SafetySheet {
            serial: serial.to_owned(),
            district: label,
            hazard: hazard.map(|h| short_label(h).to_owned()),
            printed_on: today,
            printed_by: caller.actor().to_owned(),
            holder: holder.clone(),
            rows,
        };
        render_sheet(&sheet, progress)
    })?;
    Ok(PrintedBatch {
        bytes,
        serial,
        printed,
        omitted: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn a_copy_that_fails_to_render_is_withdrawn_and_the_failure_recorded() {
        let path =
            std::env::temp_dir().join(format!("sasaeai-print-fail-{}.db", std::process::id()));
        let settings = Settings {
            database_url: format!("sqlite://{}", path.display()),
            ..Settings::default()
        };
        let ctx = AppContext::open(settings.clone()).expect("open");
        let caller = Caller::local("print-test");
        let person = RegistrantId(7);
        let copy = CopyOf {
            kind: "plan",
            seen: &[(person, crate::domain::access::Grant::Register)],
            district: None,
            caller: &caller,
            holder: "holder",
        };
        let mut conn = ctx.conn().expect("conn");
        let failed = print_copy(&ctx, &mut conn, &copy, |_| {
            Err(RenderError::InvalidCoordinate { what: "home" })
        });
        assert!(matches!(failed, Err(ServiceError::System(_))), "{failed:?}");
        let made = print_copy(&ctx, &mut conn, &copy, |serial| {
            Ok(serial.as_bytes().to_vec())
        });
        let (bytes, serial) = made.expect("printed");
        assert_eq!(
            bytes,
            serial.as_bytes(),
            "rendered with its registered serial"
        );
        let register = storage::prints::list(&mut conn, false, None).expect("list");
        let serials: Vec<&str> = register.iter().map(|c| c.serial.as_str()).collect();
        assert_eq!(
            serials,
            [serial.as_str()],
            "only the copy that was made is registered"
        );
        let log = access::audit_page(&ctx, 0, 100).expect("audit");
        let actions: Vec<&str> = log.iter().map(|e| e.record.action.as_str()).collect();
        assert_eq!(actions, ["print", "print failed", "print"]);
        assert!(log[1].record.target.contains("withdrawn"));
        assert_eq!(log[1].record.registrant_ids, [person]);
        drop(conn);
        drop(ctx);
        for suffix in ["", "-wal", "-shm", ".audit-key", ".audit-anchors"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
