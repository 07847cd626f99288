//! The demo town of `serve --demo`: the geodata in `geodata/` (embedded in the binary) and a
//! deterministic synthetic population, loaded into an empty database so a newcomer sees a
//! living town.

mod names;
mod population;

use geo::{BoundingRect, MultiPolygon};
use geojson::{Feature, FeatureCollection};

use super::records::record_change;
use super::{AppContext, ServiceError, ServiceResult};
use crate::domain::codes::Role;
use crate::domain::codes::{ConsentKind, HazardType};
use crate::domain::consent::ConsentData;
use crate::domain::district::NewDistrict;
use crate::domain::hazard::{LandslidePhenomenon, NewHazardZone};
use crate::domain::registrant::RegistrantData;
use crate::domain::shelter::{ShelterData, ShelterInput};
use crate::domain::supporter::SupporterData;
use crate::domain::{GeoPoint, ValidationErrors};
use crate::storage::change_log::Action;
use crate::storage::{self, consents, registrants, shelters, supporters};

const DISTRICTS: &str = include_str!("../../../geodata/districts.geojson");
const SHELTERS: &str = include_str!("../../../geodata/shelters.geojson");
const HAZARD_ZONES: &str = include_str!("../../../geodata/hazard_zones.geojson");

/// The fictional town's name, used in addresses.
pub const TOWN_NAME: &str = "ひばり野市";
/// Registrants in the demo town.
pub const REGISTRANTS: usize = 1_500;
/// Supporters in the demo town.
pub const SUPPORTERS: usize = 3_000;
const SEED: u64 = 0x5a5a_e1a1;
const ACTOR: &str = "demo";

/// The caller that loads the demo town: written into its histories and the audit log.
fn demo_caller() -> super::access::Caller {
    super::access::Caller::local(ACTOR)
}

/// What was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub districts: usize,
    pub hazard_zones: usize,
    pub shelters: usize,
    pub registrants: usize,
    pub supporters: usize,
    /// Confirmed individual evacuation plans written for a share of the registrants.
    pub plans: usize,
}

fn broken(what: &str, message: impl std::fmt::Display) -> ServiceError {
    ValidationErrors::one(format!("geodata/{what}"), message.to_string()).into()
}

fn collection(what: &str, text: &str) -> ServiceResult<FeatureCollection> {
    text.parse::<FeatureCollection>()
        .map_err(|e| broken(what, e))
}

fn text_property(feature: &Feature, key: &str) -> Option<String> {
    feature
        .property(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn area(what: &str, feature: &Feature) -> ServiceResult<MultiPolygon<f64>> {
    let geometry = feature
        .geometry
        .clone()
        .ok_or_else(|| broken(what, "feature without geometry"))?;
    match geo::Geometry::<f64>::try_from(geometry).map_err(|e| broken(what, e))? {
        geo::Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(mp) => Ok(mp),
        _ => Err(broken(what, "not a polygon")),
    }
}

fn demo_districts() -> ServiceResult<Vec<NewDistrict>> {
    collection("districts.geojson", DISTRICTS)?
        .features
        .iter()
        .map(|f| {
            Ok(NewDistrict {
                code: text_property(f, "code")
                    .ok_or_else(|| broken("districts.geojson", "code missing"))?,
                name: text_property(f, "name")
                    .ok_or_else(|| broken("districts.geojson", "name missing"))?,
                boundary: area("districts.geojson", f)?,
            })
        })
        .collect()
}

fn demo_hazard_zones() -> ServiceResult<Vec<NewHazardZone>> {
    collection("hazard_zones.geojson", HAZARD_ZONES)?
        .features
        .iter()
        .map(|f| {
            let what = "hazard_zones.geojson";
            let hazard_type = text_property(f, "hazard_type").unwrap_or_default();
            Ok(NewHazardZone {
                hazard_type: HazardType::parse(&hazard_type).map_err(|e| broken(what, e))?,
                level: f
                    .property("level")
                    .and_then(serde_json::Value::as_i64)
                    .and_then(|l| i32::try_from(l).ok())
                    .ok_or_else(|| broken(what, "level missing"))?,
                phenomenon: text_property(f, "phenomenon")
                    .and_then(|p| LandslidePhenomenon::parse(&p)),
                name: text_property(f, "name").unwrap_or_default(),
                area: area(what, f)?,
            })
        })
        .collect()
}

fn demo_shelters() -> ServiceResult<Vec<ShelterInput>> {
    collection("shelters.geojson", SHELTERS)?
        .features
        .iter()
        .map(|f| {
            let point = match f.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::Point { coordinates }) if coordinates.len() >= 2 => {
                    coordinates.clone()
                }
                _ => return Err(broken("shelters.geojson", "shelter without a point")),
            };
            let mut properties =
                serde_json::Value::Object(f.properties.clone().unwrap_or_default());
            if let serde_json::Value::Object(map) = &mut properties {
                map.insert("longitude".to_owned(), point[0].into());
                map.insert("latitude".to_owned(), point[1].into());
            }
            super::input::from_json(properties).map_err(ServiceError::from)
        })
        .collect()
}

/// Loads the demo town into an empty database; does nothing when any district or registrant is
/// already stored (returns `None`).
///
/// # Errors
/// A storage error, or [`ServiceError::Invalid`] if the embedded geodata does not parse; nothing
/// is written then.
pub fn load(ctx: &AppContext) -> ServiceResult<Option<DemoSummary>> {
    {
        let mut conn = ctx.conn()?;
        if storage::districts::count(&mut conn)? > 0 || registrants::count(&mut conn)? > 0 {
            return Ok(None);
        }
    }
    let districts = demo_districts()?;
    let zones = demo_hazard_zones()?;
    let today = ctx.today();
    let shelter_data = demo_shelters()?
        .iter()
        .map(|input| ShelterData::parse(input, today))
        .collect::<Result<Vec<_>, _>>()?;
    super::districts::add_geodata(ctx, &demo_caller(), &districts, &zones)?;

    let spatial = ctx.spatial();
    let district_names: Vec<String> = districts.iter().map(|d| d.name.clone()).collect();
    let codes: Vec<&str> = districts.iter().map(|d| d.code.as_str()).collect();
    let stored = super::districts::list(ctx)?;
    let bounds = districts
        .iter()
        .filter_map(|d| d.boundary.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
        .ok_or_else(|| broken("districts.geojson", "no districts"))?;
    let place = |u: f64, v: f64| -> Option<(GeoPoint, usize)> {
        let lon = bounds.min().x + u * bounds.width();
        let lat = bounds.min().y + v * bounds.height();
        let point = GeoPoint::new(lat, lon).ok()?;
        let id = spatial.district_of(point)?;
        let code = stored.iter().find(|d| d.id == id)?.code.as_str();
        Some((point, codes.iter().position(|c| *c == code)?))
    };
    let people = population::generate(
        SEED,
        REGISTRANTS,
        SUPPORTERS,
        today,
        TOWN_NAME,
        &district_names,
        &place,
    );
    let registrant_data = people
        .registrants
        .iter()
        .map(|input| RegistrantData::parse(input, today))
        .collect::<Result<Vec<_>, _>>()?;
    let supporter_data = people
        .supporters
        .iter()
        .map(|input| SupporterData::parse(input, today))
        .collect::<Result<Vec<_>, _>>()?;
    let locate = |p: Option<GeoPoint>| p.and_then(|p| spatial.district_of(p));

    let mut conn = ctx.conn()?;
    let now = storage::now();
    storage::write_transaction(&mut conn, |conn| {
        for data in &shelter_data {
            let shelter = shelters::insert(conn, data, locate(Some(data.location)), now)?;
            record_change(ctx, conn, &shelter, Action::Created, &[], &demo_caller())?;
        }
        for (i, data) in registrant_data.iter().enumerate() {
            let registrant = registrants::insert(conn, data, &spatial.facts(data.location), now)?;
            record_change(ctx, conn, &registrant, Action::Created, &[], &demo_caller())?;
            // Most people agreed to share the register when they applied; some refused.
            let consent = ConsentData {
                kind: ConsentKind::RegisterSharing,
                given: i % 10 != 0,
                date: today - chrono::Days::new(30 + (i as u64 % 700)),
                evidence_note: "登録申請書の同意欄".to_owned(),
            };
            consents::insert(conn, registrant.id, &consent, now)?;
        }
        for data in &supporter_data {
            let supporter = supporters::insert(conn, data, locate(Some(data.location)), now)?;
            record_change(ctx, conn, &supporter, Action::Created, &[], &demo_caller())?;
        }
        Ok::<_, ServiceError>(())
    })?;
    drop(spatial);
    ctx.rebuild_spatial(&mut conn)?;
    let plans = confirmed_plans(ctx, &mut conn, today)?;
    Ok(Some(DemoSummary {
        districts: districts.len(),
        hazard_zones: zones.len(),
        shelters: shelter_data.len(),
        registrants: registrant_data.len(),
        supporters: supporter_data.len(),
        plans,
    }))
}

/// A walk along the street grid, from the home to the first proposed shelter: east or west
/// first, then north or south.
fn demo_route(
    conn: &mut storage::DbConnection,
    registrant: crate::domain::RegistrantId,
    items: &[crate::storage::proposals::Proposal],
) -> ServiceResult<Option<crate::domain::plan::PlanRoute>> {
    let Some(shelter) = items.iter().find_map(|p| p.shelter_id) else {
        return Ok(None);
    };
    let home = storage::registrants::find(conn, registrant)?.and_then(|r| r.data.location);
    let to = storage::shelters::find(conn, shelter)?.map(|s| s.data.location);
    let (Some(home), Some(to)) = (home, to) else {
        return Ok(None);
    };
    let corner = [to.lon(), home.lat()];
    Ok(Some(crate::domain::plan::PlanRoute {
        kind: "LineString".to_owned(),
        coordinates: vec![[home.lon(), home.lat()], corner, [to.lon(), to.lat()]],
    }))
}

/// Runs matching for the whole town and, for every third registrant whose supporters and
/// shelters were all found, confirms the proposals, records the plan consents and writes a
/// confirmed plan, so that a newcomer can print one at once. Returns how many plans were written.
fn confirmed_plans(
    ctx: &AppContext,
    conn: &mut storage::DbConnection,
    today: chrono::NaiveDate,
) -> ServiceResult<usize> {
    use std::collections::BTreeMap;

    use crate::domain::plan::{PlanData, PlanDestination, PlanSupporter};
    use crate::storage::proposals::{self, Proposal};

    let run = super::matching::run(ctx, &super::matching::RunRequest::default(), &demo_caller())?;
    let mut by_person: BTreeMap<crate::domain::RegistrantId, Vec<Proposal>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = proposals::list_for_run(conn, run.run_id, after, 5_000)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for p in page {
            by_person.entry(p.registrant_id).or_default().push(p);
        }
    }
    let now = storage::now();
    let written_on = today - chrono::Days::new(60);
    storage::write_transaction(conn, |conn| {
        let mut written = 0;
        for (registrant, items) in &by_person {
            let complete = items.iter().all(|p| p.kind != "unmatched")
                && items.iter().any(|p| p.kind == "supporter");
            if !complete || registrant.0 % 3 != 0 {
                continue;
            }
            for p in items {
                proposals::decide(conn, p.id, "confirmed", ACTOR, now)?;
            }
            for kind in [ConsentKind::PlanCreation, ConsentKind::PlanSharing] {
                let consent = ConsentData {
                    kind,
                    given: true,
                    date: written_on,
                    evidence_note: "個別避難計画 同意書".to_owned(),
                };
                consents::insert(conn, *registrant, &consent, now)?;
            }
            let data = PlanData {
                status: crate::domain::codes::PlanStatus::Confirmed,
                author: "ひばり野市 地域福祉課".to_owned(),
                author_relation: Some("市職員（民生委員と訪問）".to_owned()),
                written_on,
                next_review_on: Some(written_on + chrono::Days::new(365)),
                community_association: Some(format!("ひばり野{}丁目自治会", registrant.0 % 5 + 1)),
                neighbourhood_group: Some(format!("{}班", registrant.0 % 8 + 1)),
                welfare_commissioner: Some(
                    ["田中 和子", "松尾 正樹", "古賀 道子", "江頭 勝"][(registrant.0 % 4) as usize]
                        .to_owned(),
                ),
                supporters: items
                    .iter()
                    .filter_map(|p| {
                        Some(PlanSupporter {
                            supporter_id: p.supporter_id?,
                            relation: Some("近所の方".to_owned()),
                        })
                    })
                    .collect(),
                destinations: items
                    .iter()
                    .filter_map(|p| {
                        Some(PlanDestination {
                            hazard_type: p.hazard_type?,
                            shelter_id: p.shelter_id,
                            place: None,
                        })
                    })
                    .collect(),
                route_note: Some("支援者と一緒に、明るく広い道を通って避難する".to_owned()),
                route: demo_route(conn, *registrant, items)?,
                when_to_leave: crate::domain::plan::DEFAULT_WHEN_TO_LEAVE.to_owned(),
                items_to_take: Some("お薬手帳、常備薬、眼鏡、保険証の写し、懐中電灯".to_owned()),
                notes_for_supporters: Some("声をかけてから玄関を開けてください".to_owned()),
                notes_for_shelter_staff: None,
            };
            let plan = storage::plans::insert(conn, *registrant, &data, now)?;
            record_change(ctx, conn, &plan, Action::Created, &[], &demo_caller())?;
            written += 1;
        }
        Ok::<_, ServiceError>(written)
    })
}

/// One demo user per role, created only into an empty user table, with random passwords that
/// are returned once for the operator to see and never stored in clear.
///
/// # Errors
/// A storage error.
pub fn users(ctx: &AppContext) -> ServiceResult<Vec<(String, Role, String)>> {
    if super::access::user_count(ctx)? > 0 {
        return Ok(Vec::new());
    }
    let district = super::districts::list(ctx)?
        .into_iter()
        .next()
        .map(|d| d.code);
    let mut created = Vec::new();
    for (name, role) in [
        ("demo-admin", Role::Admin),
        ("demo-staff", Role::Staff),
        ("demo-district", Role::District),
        ("demo-volunteer", Role::VolunteerCentre),
        ("demo-auditor", Role::Auditor),
    ] {
        let password = super::access::random_password()?;
        let districts = match (role, &district) {
            (Role::District, Some(code)) => vec![code.clone()],
            (Role::District, None) => continue,
            _ => Vec::new(),
        };
        super::access::add_user(
            ctx,
            &demo_caller(),
            &super::access::NewUser {
                username: Some(name.to_owned()),
                role: Some(role.as_str().to_owned()),
                districts: Some(districts),
                password: Some(password.clone()),
            },
        )?;
        created.push((name.to_owned(), role, password));
    }
    Ok(created)
}
