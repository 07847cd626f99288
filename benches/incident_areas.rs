//! `cargo bench --bench incident_areas` (on a shared machine, `cargo bench --profile dev
//! --bench incident_areas`): what an open incident with a 40,000-vertex area costs a district
//! user's view of the register, per person.
//!
//! A temporary SQLite database with one district and 2,000 homes in it, none of them consenting
//! (so the district user sees each one only through the incident), and a district user. Two
//! figures per case: the visibility check alone (`Scope::of` and `Scope::grants`, per page of
//! 200 as a view makes them), and the whole view as `GET /api/v1/registrants` builds it
//! (`services::registrants::list` and `access::disclose_page` page by page, audit entries
//! included). Cases: no incident; an incident by district (no area test); an incident by a
//! 40,000-vertex area, traced (a ragged outline of bends of many sizes), then spiky (a star
//! that jumps at every vertex: the worst case for any test that counts crossings along a
//! line). The area's cost per person is the check with the area minus the check by district.
//! For comparison, the old way: parsing the stored GeoJSON on every page and geo's plain
//! `Contains` on the raw polygon per person.

#![expect(
    clippy::expect_used,
    reason = "a benchmark step that fails should stop at once"
)]

use std::time::{Duration, Instant};

use geo::{Contains, LineString, MultiPolygon, Point, Polygon};
use sasaeai::config::Settings;
use sasaeai::domain::access::IncidentInput;
use sasaeai::domain::district::NewDistrict;
use sasaeai::domain::registrant::{Registrant, RegistrantInput};
use sasaeai::services::access::{self, Caller, NewUser};
use sasaeai::services::registrants::{self, ListQuery};
use sasaeai::services::{AppContext, districts, nearby};

const HOMES: usize = 2_000;
const VERTICES: usize = 40_000;
const ROUNDS: usize = 5;
/// The district: a square of about 19 km × 22 km around (130.5, 33.3).
const WEST: f64 = 130.4;
const EAST: f64 = 130.6;
const SOUTH: f64 = 33.2;
const NORTH: f64 = 33.4;

struct Rng(u64);

impl Rng {
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * sasaeai::rng::unit(sasaeai::rng::splitmix64(&mut self.0))
    }
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
    LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
}

/// A ragged ring of `VERTICES` vertices around the district's centre, like a traced flood
/// line: its radius (0.06° on average, about 6 km) wanders with bends of several sizes (from
/// two bulges around the ring down to wiggles of about 50 m) and jitters by up to 2 m from one
/// vertex (5 to 10 m apart) to the next. It covers part of the district. With `spiky`, the
/// radius instead jumps anywhere between 0.04° and 0.08° at every vertex: a pathological star
/// whose every horizontal line crosses thousands of edges.
fn flood_area(rng: &mut Rng, spiky: bool) -> MultiPolygon<f64> {
    let bends: Vec<(f64, f64, f64)> = [
        (2.0, 0.008),
        (7.0, 0.004),
        (23.0, 0.002),
        (71.0, 0.001),
        (233.0, 0.0005),
        (701.0, 0.0002),
    ]
    .iter()
    .map(|&(k, a)| (k, a, rng.range(0.0, std::f64::consts::TAU)))
    .collect();
    let mut ring: Vec<(f64, f64)> = (0..VERTICES - 1)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / (VERTICES - 1) as f64;
            let r = if spiky {
                rng.range(0.04, 0.08)
            } else {
                let wander: f64 = bends
                    .iter()
                    .map(|(k, a, phase)| a * (k * angle + phase).sin())
                    .sum();
                0.06 + wander + rng.range(-0.00002, 0.00002)
            };
            (130.5 + r * angle.cos(), 33.3 + r * angle.sin())
        })
        .collect();
    ring.push(ring[0]);
    MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])])
}

fn home(rng: &mut Rng, i: usize) -> RegistrantInput {
    serde_json::from_value(serde_json::json!({
        "name": format!("避難 {i}"),
        "name_kana": "ひなん",
        "birth_date": "1941-03-15",
        "sex": "female",
        "address": format!("ひばり野市本町{i}"),
        "phone": "0942-00-1234",
        "support_reasons": ["elderly_only_household"],
        "latitude": rng.range(SOUTH + 0.001, NORTH - 0.001),
        "longitude": rng.range(WEST + 0.001, EAST - 0.001),
        "household": "alone",
    }))
    .expect("a valid registrant")
}

/// Walks every page of the register as `caller` sees it (the service examines everyone of
/// their districts and returns whom they may see); (time, people seen).
fn district_view(ctx: &AppContext, caller: &Caller) -> (Duration, usize) {
    let start = Instant::now();
    let mut seen = 0;
    let mut cursor = None;
    loop {
        let query = ListQuery {
            limit: Some(200),
            cursor: cursor.take(),
            ..ListQuery::default()
        };
        let page = registrants::list(ctx, caller, &query).expect("list");
        seen += page.items.len();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    (start.elapsed(), seen)
}

/// Every person of the register, as the list pages hold them for staff.
fn everyone(ctx: &AppContext, staff: &Caller) -> Vec<Registrant> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let query = ListQuery {
            limit: Some(200),
            cursor: cursor.take(),
            ..ListQuery::default()
        };
        let page = registrants::list(ctx, staff, &query).expect("list");
        all.extend(page.items.into_iter().map(|v| v.record.registrant));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
}

/// The visibility check alone, as each page of a view makes it (the scope of the caller, then
/// a grant per person), over everyone in pages of 200: the median of `ROUNDS` runs in
/// milliseconds, and how many people were granted.
fn median_check(ctx: &AppContext, caller: &Caller, people: &[Registrant]) -> (f64, usize) {
    let mut times = Vec::new();
    let mut granted = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        granted = 0;
        for page in people.chunks(200) {
            granted += access::grants_of(ctx, caller, page)
                .expect("grants")
                .iter()
                .filter(|g| g.is_some())
                .count();
        }
        times.push(start.elapsed());
    }
    times.sort_unstable();
    (times[ROUNDS / 2].as_secs_f64() * 1000.0, granted)
}

/// The median of `ROUNDS` walks, in milliseconds, with the counts of the last.
fn median_view(ctx: &AppContext, caller: &Caller) -> (f64, usize) {
    let mut times = Vec::new();
    let mut seen = 0;
    for _ in 0..ROUNDS {
        let (t, count) = district_view(ctx, caller);
        times.push(t);
        seen = count;
    }
    times.sort_unstable();
    (times[ROUNDS / 2].as_secs_f64() * 1000.0, seen)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("sasaeai-bench-ia-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.join("bench.db").display()),
        pool_size: 4,
        ..Settings::default()
    };
    let ctx = AppContext::open(settings).expect("open database");
    let staff = Caller::local("bench");
    let mut rng = Rng(0x0A5E_A5ED);
    districts::add_geodata(
        &ctx,
        &staff,
        &[NewDistrict {
            code: "D1".into(),
            name: "中央校区".into(),
            boundary: MultiPolygon(vec![Polygon::new(square(WEST, SOUTH, EAST, NORTH), vec![])]),
        }],
        &[],
    )
    .expect("district");
    let start = Instant::now();
    for i in 0..HOMES {
        registrants::create(&ctx, &home(&mut rng, i), &staff).expect("registrant");
    }
    println!(
        "registered {HOMES} homes in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let user = access::add_user(
        &ctx,
        &staff,
        &NewUser {
            username: Some("kita".into()),
            role: Some("district".into()),
            districts: Some(vec!["D1".into()]),
            password: Some("yellow kettle sings quietly".into()),
        },
    )
    .expect("district user");
    let district_id = user.districts[0].0;
    let caller = Caller { user };

    let people = everyone(&ctx, &staff);
    let n = people.len() as f64;
    let report = |case: &str| {
        let (check_ms, granted) = median_check(&ctx, &caller, &people);
        let (view_ms, seen) = median_view(&ctx, &caller);
        assert_eq!(seen, granted);
        let examined = people.len();
        println!(
            "{case}: check {:.4} ms a person, whole view {:.4} ms a person ({view_ms:.1} ms for {examined} people, {seen} seen)",
            check_ms / n,
            view_ms / n,
        );
        check_ms
    };
    report("no incident");

    let declare = |input: IncidentInput| {
        sasaeai::services::incidents::declare(&ctx, &staff, &input).expect("declare incident")
    };
    let by_district = declare(IncidentInput {
        name: Some("校区の浸水".into()),
        hazard_type: Some("flood".into()),
        district_ids: Some(vec![district_id]),
        ..IncidentInput::default()
    });
    let district_ms = report("incident by district (no area test)");
    sasaeai::services::incidents::close(&ctx, &staff, by_district.id).expect("close");

    let mut stored_areas = Vec::new();
    for (shape, spiky) in [("traced", false), ("spiky (worst case)", true)] {
        let area = flood_area(&mut rng, spiky);
        let geojson = serde_json::to_value(geojson::Geometry::from(&area)).expect("GeoJSON");
        stored_areas.push((shape, geojson.to_string()));
        let by_area = declare(IncidentInput {
            name: Some("河川の氾濫".into()),
            hazard_type: Some("flood".into()),
            area: Some(geojson),
            ..IncidentInput::default()
        });
        let (cold, _) = district_view(&ctx, &caller);
        println!(
            "{shape} {VERTICES}-vertex area, first view (reads, parses and prepares the area): {:.1} ms",
            cold.as_secs_f64() * 1000.0
        );
        let area_ms = report(&format!("{shape} {VERTICES}-vertex area"));
        println!(
            "{shape} {VERTICES}-vertex area: the area test costs {:.4} ms a person (check with the area minus check by district; goal < 0.1 ms)",
            (area_ms - district_ms) / n
        );
        sasaeai::services::incidents::close(&ctx, &staff, by_area.id).expect("close");
    }

    // The old way, for comparison: the stored text parsed on every page, and the raw polygon
    // tested per person.
    let homes: Vec<Point<f64>> = (0..200)
        .map(|_| Point::new(rng.range(WEST, EAST), rng.range(SOUTH, NORTH)))
        .collect();
    for (shape, stored) in &stored_areas {
        let t = Instant::now();
        let parsed: serde_json::Value = serde_json::from_str(stored).expect("stored area");
        let raw = nearby::parse_area(&parsed).expect("area");
        let parse_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let inside = homes.iter().filter(|p| raw.contains(*p)).count();
        let plain_ms = t.elapsed().as_secs_f64() * 1000.0 / homes.len() as f64;
        let t = Instant::now();
        let prepared = sasaeai::spatial::PreparedArea::new(&raw);
        let build_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let inside_prepared = homes.iter().filter(|p| prepared.contains(p)).count();
        let prepared_ms = t.elapsed().as_secs_f64() * 1000.0 / homes.len() as f64;
        assert_eq!(inside, inside_prepared, "the two tests disagree");
        println!(
            "{shape} area, the old way: parsing the stored area {parse_ms:.1} ms a page, plain Contains {plain_ms:.4} ms a person; prepared once in {build_ms:.1} ms, then {prepared_ms:.5} ms a person"
        );
    }

    drop(ctx);
    let _ = std::fs::remove_dir_all(&dir);
}
