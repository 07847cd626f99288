//! Printing: a registrant's plan as PDF. The plan's links are checked first (an inconsistent
//! plan is refused with its reasons), the copy is registered with a serial, and the serial is
//! printed on every page; if rendering fails the registration is rolled back.

use diesel::Connection;
use geo::{BoundingRect, Intersects, MultiPolygon, Rect, coord};

use super::plans::{self, PlanIssue};
use super::{Actor, AppContext, ServiceError, ServiceResult};
use crate::domain::codes::HazardType;
use crate::domain::text;
use crate::domain::{GeoPoint, RegistrantId, ValidationErrors};
use crate::reports::plan::{Destination, Person, PlanDocument, PlanMap, PlanSupporter, render};
use crate::spatial::points::distance_m;
use crate::storage::{districts, hazard_zones, registrants, shelters, supporters};

/// How far around the home the map looks for hazard areas, degrees (about 3 km).
const MAP_REACH_DEG: f64 = 0.03;

fn rings(area: &MultiPolygon<f64>) -> Vec<Vec<(f64, f64)>> {
    area.0
        .iter()
        .map(|p| p.exterior().0.iter().map(|c| (c.y, c.x)).collect())
        .collect()
}

/// The hazard's name as it fits the plan's label column.
fn short_label(hazard: HazardType) -> &'static str {
    match hazard {
        HazardType::Landslide => "土砂災害",
        other => other.label_ja(),
    }
}

fn metres(a: GeoPoint, b: Option<GeoPoint>) -> Option<u32> {
    b.map(|b| distance_m(a, b).round() as u32)
}

/// The plan of `registrant` as a one- or two-page PDF for `holder`, and the copy's serial.
///
/// # Errors
/// [`ServiceError::NotFound`] without a plan; [`ServiceError::Invalid`] for a missing holder;
/// [`ServiceError::NotPrintable`] when the plan's links or consents do not hold.
pub fn plan_pdf(
    ctx: &AppContext,
    registrant: RegistrantId,
    holder: &str,
    actor: Actor<'_>,
) -> ServiceResult<(Vec<u8>, String)> {
    let holder =
        text::required(holder, text::MAX_SHORT).map_err(|m| ValidationErrors::one("holder", m))?;
    let view = plans::get(ctx, registrant)?;
    let issues = plans::check(ctx, registrant)?;
    if !issues.is_empty() {
        return Err(ServiceError::NotPrintable(
            issues
                .into_iter()
                .map(|PlanIssue { code, message, .. }| (code, message))
                .collect(),
        ));
    }
    let mut conn = ctx.conn()?;
    let person =
        registrants::find(&mut conn, registrant)?.ok_or(ServiceError::NotFound("registrant"))?;
    let data = &person.data;
    let home = data.location().ok_or_else(|| {
        ValidationErrors::one(
            "latitude",
            "自宅の位置が登録されていないため地図を描けません",
        )
    })?;
    let ids: Vec<_> = view
        .plan
        .data
        .supporters
        .iter()
        .map(|s| s.supporter_id)
        .collect();
    let helpers = supporters::find_many(&mut conn, &ids)?;
    let mut destinations = Vec::new();
    let mut destination_point = None;
    for d in &view.plan.data.destinations {
        let shelter = match d.shelter_id {
            Some(id) => shelters::find(&mut conn, id)?,
            None => None,
        };
        let at = shelter.as_ref().and_then(|s| s.data.location());
        if destination_point.is_none() || d.hazard_type == HazardType::Flood {
            destination_point = at.or(destination_point);
        }
        destinations.push(Destination {
            hazard_label: short_label(d.hazard_type).to_owned(),
            shelter_name: shelter
                .map(|s| s.data.name)
                .or_else(|| d.place.clone())
                .unwrap_or_default(),
            distance_m: metres(home, at),
        });
    }
    let reach = Rect::new(
        coord! { x: home.lon() - MAP_REACH_DEG, y: home.lat() - MAP_REACH_DEG },
        coord! { x: home.lon() + MAP_REACH_DEG, y: home.lat() + MAP_REACH_DEG },
    );
    let zones = hazard_zones::all(&mut conn)?;
    let near = |t: HazardType| -> Vec<Vec<(f64, f64)>> {
        zones
            .iter()
            .filter(|z| {
                z.hazard_type == t && z.area.bounding_rect().is_some_and(|r| r.intersects(&reach))
            })
            .flat_map(|z| rings(&z.area))
            .collect()
    };
    let boundary = match person.facts.district_id {
        Some(id) => districts::all(&mut conn)?
            .into_iter()
            .find(|d| d.id == id)
            .map(|d| rings(&d.boundary))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let document = |serial: String| PlanDocument {
        serial,
        written_on: view.plan.data.written_on,
        author: match &view.plan.data.author_relation {
            Some(relation) => format!("{}（{}）", view.plan.data.author, relation),
            None => view.plan.data.author.clone(),
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
            care_level: data.care_level.map(|c| format!("要介護{c}")),
            mobility: data.mobility.map(|m| m.label_ja().to_owned()),
            medical: data
                .medical_devices
                .iter()
                .map(|d| d.label_ja().to_owned())
                .collect(),
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
        supporters: view
            .plan
            .data
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
                    distance_m: metres(home, helper.data.location()),
                })
            })
            .collect(),
        destinations,
        when_to_leave: view.plan.data.when_to_leave.clone(),
        items_to_take: view.plan.data.items_to_take.clone().unwrap_or_default(),
        notes_for_supporters: view.plan.data.notes_for_supporters.clone(),
        map: PlanMap {
            home: (home.lat(), home.lon()),
            supporters: helpers
                .iter()
                .filter_map(|h| h.data.location())
                .map(|p| (p.lat(), p.lon()))
                .collect(),
            destination: destination_point.map(|p| (p.lat(), p.lon())),
            flood_areas: near(HazardType::Flood),
            landslide_areas: near(HazardType::Landslide),
            district_boundary: boundary,
        },
    };
    conn.transaction(|conn| {
        let copy = super::prints::register(
            conn,
            "plan",
            &[registrant],
            person.facts.district_id,
            actor,
            &holder,
        )?;
        let bytes = render(&document(copy.serial.clone())).map_err(|e| {
            ServiceError::Storage(crate::storage::StorageError::Corrupt(format!(
                "rendering the plan: {e}"
            )))
        })?;
        Ok((bytes, copy.serial))
    })
}
