//! `cargo bench --bench matching`: the spatial side of matching at city and national scale, with
//! a brute-force baseline on a sample in the same run. Prints one line per case.
//!
//! City: 15,000 registrants, 30,000 supporters, 150 shelters, hazard polygons with 100,000
//! vertices. National: 1,000,000 registrants, 2,000,000 supporters, 100,000 shelters.

use std::hint::black_box;
use std::time::Instant;

use geo::{LineString, MultiPolygon, Polygon};
use sasaeai::domain::codes::{HazardType, ShelterKind, WelfareTarget};
use sasaeai::domain::hazard::HazardZone;
use sasaeai::domain::shelter::ShelterData;
use sasaeai::domain::{GeoPoint, HazardZoneId, RegistrantId, ShelterId, SupporterId};
use sasaeai::matching::par_flat_map;
use sasaeai::matching::shelters::{Destination, Request, assign};
use sasaeai::matching::supporters::{Candidates, Caps, Need, Offer, Problem, solve_stats};
use sasaeai::spatial::points::distance_m;
use sasaeai::spatial::{PointIndex, SpatialIndex};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        sasaeai::rng::splitmix64(&mut self.0)
    }
    fn unit(&mut self) -> f64 {
        sasaeai::rng::unit(self.next())
    }
}

/// The centres of `towns` towns: one at Kurume, the rest spread over Japan.
fn towns(rng: &mut Rng, towns: usize) -> Vec<(f64, f64)> {
    (0..towns.max(1))
        .map(|t| {
            if t == 0 {
                (33.31, 130.51)
            } else {
                (31.5 + 12.0 * rng.unit(), 130.0 + 12.0 * rng.unit())
            }
        })
        .collect()
}

/// `n` points clustered around 40 neighbourhood centres per town, the neighbourhoods spread over
/// about 18 km × 14 km (Kurume is 230 km²).
fn people(rng: &mut Rng, n: usize, towns: &[(f64, f64)]) -> Vec<GeoPoint> {
    let mut hood_rng = Rng(7);
    let hoods: Vec<(f64, f64)> = towns
        .iter()
        .flat_map(|c| (0..40).map(move |_| *c).collect::<Vec<_>>())
        .map(|(lat, lon)| {
            (
                lat + (hood_rng.unit() - 0.5) * 0.126,
                lon + (hood_rng.unit() - 0.5) * 0.193,
            )
        })
        .collect();
    (0..n)
        .map(|_| {
            let (lat, lon) = hoods[(rng.next() % hoods.len() as u64) as usize];
            let (a, b) = (rng.unit() - 0.5, rng.unit() - 0.5);
            GeoPoint::new(lat + a * 0.03, lon + b * 0.036).unwrap_or_else(|_| unreachable!())
        })
        .collect()
}

/// Shelters designated for random subsets of the eight hazard types; every tenth is a welfare
/// shelter with 20 places.
fn shelters(rng: &mut Rng, points: &[GeoPoint]) -> Vec<(ShelterId, ShelterData)> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let welfare = i % 10 == 9;
            let hazards: Vec<HazardType> = HazardType::ALL
                .iter()
                .copied()
                .filter(|h| *h == HazardType::Earthquake || rng.unit() < 0.5)
                .collect();
            (
                ShelterId(i as i64 + 1),
                ShelterData {
                    gsi_id: None,
                    name: format!("避難所{i}"),
                    address: String::new(),
                    location: *p,
                    kind: if welfare {
                        ShelterKind::WelfareShelter
                    } else {
                        ShelterKind::DesignatedShelter
                    },
                    hazards,
                    capacity: Some(if welfare { 20 } else { 300 }),
                    welfare_targets: if welfare {
                        vec![WelfareTarget::Elderly, WelfareTarget::Disabled]
                    } else {
                        Vec::new()
                    },
                    accessibility: Vec::new(),
                    is_open: true,
                    notes: None,
                },
            )
        })
        .collect()
}

/// Supporters within the walking radius, from the point index (ids are indices here).
struct Nearby<'a> {
    index: &'a SpatialIndex,
    homes: &'a [GeoPoint],
}

impl Candidates for Nearby<'_> {
    fn within(&self, need: usize, out: &mut Vec<(u32, u32)>) {
        for (id, metres) in self
            .index
            .supporters
            .within_unsorted(self.homes[need], 500.0)
        {
            out.push((
                u32::try_from(id.0).unwrap_or(u32::MAX),
                metres.ceil() as u32,
            ));
        }
        out.sort_unstable_by_key(|&(offer, metres)| (metres, offer));
    }
}

/// Supporters and shelters for everyone, as a matching run does it, without the database.
fn full_matching(
    name: &str,
    rng: &mut Rng,
    index: &SpatialIndex,
    homes: &[GeoPoint],
    supporters: usize,
) {
    let needs: Vec<Need> = homes
        .iter()
        .map(|_| {
            let r = rng.unit();
            let (places, required) = if r < 0.10 {
                (2, Caps::STRETCHER)
            } else if r < 0.25 {
                (1, Caps::WHEELCHAIR)
            } else {
                (1, Caps::NONE)
            };
            Need {
                places,
                tier: (rng.next() % 4) as u8,
                required,
            }
        })
        .collect();
    let offers: Vec<Offer> = (0..supporters)
        .map(|_| {
            let mut caps = Caps::NONE;
            if rng.unit() < 0.15 {
                caps = caps | Caps::WHEELCHAIR;
            }
            if rng.unit() < 0.07 {
                caps = caps | Caps::STRETCHER;
            }
            if rng.unit() < 0.3 {
                caps = caps | Caps::CAR;
            }
            Offer {
                capacity: if rng.unit() < 0.15 { 2 } else { 1 },
                caps,
            }
        })
        .collect();
    let start = Instant::now();
    let candidates = Nearby { index, homes };
    let (solution, stats) = solve_stats(&Problem {
        needs: &needs,
        offers: &offers,
        fixed: &[],
        candidates: &candidates,
    });
    let supporter_time = start.elapsed();
    let open: u64 = solution.shortfall.iter().map(|s| u64::from(s.1)).sum();
    let needed: u64 = needs.iter().map(|n| u64::from(n.places)).sum();

    let shelter_start = Instant::now();
    let (ids, position) = index.shelter_ids();
    let capacity: Vec<Option<u32>> = ids
        .iter()
        .map(|id| {
            index
                .shelter(*id)
                .and_then(|s| s.capacity)
                .map(|c| c as u32)
        })
        .collect();
    let hazards: Vec<HazardType> = HazardType::ALL
        .iter()
        .copied()
        .filter(|h| index.has_eligible_shelters(*h))
        .collect();
    let outcomes = par_flat_map(&hazards, |&hazard| {
        let requests: Vec<Request> = homes
            .iter()
            .enumerate()
            .map(|(i, home)| {
                let needs_care = needs[i].places == 2 || i % 7 == 0;
                let welfare = if needs_care {
                    index
                        .nearest_welfare_shelters(*home)
                        .filter(|(id, _)| !index.shelter_in_zone_of(*id, hazard))
                        .map(|(id, m)| (position[&id], m.ceil() as u32))
                        .take(10)
                        .collect()
                } else {
                    Vec::new()
                };
                let ordinary = index
                    .nearest_shelter(*home, hazard)
                    .map(|(id, m)| (position[&id], m.ceil() as u32))
                    .into_iter()
                    .collect();
                Request {
                    person: i,
                    tier: needs[i].tier,
                    score: 0,
                    welfare,
                    ordinary,
                    needs_care,
                }
            })
            .collect();
        assign(&requests, &mut capacity.clone())
    });
    let planned = outcomes
        .iter()
        .filter(|o| !matches!(o.destination, Destination::NoShelter))
        .count();
    let welfare_places = outcomes
        .iter()
        .filter(|o| matches!(o.destination, Destination::Shelter { welfare: true, .. }))
        .count();
    let shelter_time = shelter_start.elapsed();
    println!(
        "{name}: full matching {:.0} ms (supporters {:.0} ms: {open} of {needed} places open, {} components, largest {} registrants, {} pairs held; shelters for every hazard type {:.0} ms: {planned} destinations, {welfare_places} welfare places); peak memory {:.0} MiB",
        (supporter_time + shelter_time).as_secs_f64() * 1e3,
        supporter_time.as_secs_f64() * 1e3,
        stats.components,
        stats.largest_component_needs,
        stats.edges_considered,
        shelter_time.as_secs_f64() * 1e3,
        peak_rss_mib()
    );
    black_box(solution);
}

/// Flood zones along a meandering river: `zones` polygons of `vertices` vertices in all.
fn flood_zones(zones: usize, vertices: usize) -> Vec<HazardZone> {
    // Twenty bands along a river, 5,000 vertices each.
    let per = vertices / zones;
    (0..zones)
        .map(|z| {
            let lat0 = 33.28 + 0.04 * z as f64 / zones as f64;
            let half = per / 2;
            let mut ring: Vec<(f64, f64)> = (0..half)
                .map(|i| {
                    let x = 130.45 + 0.12 * i as f64 / half as f64;
                    (x, lat0 + 0.002 * (x * 300.0).sin())
                })
                .collect();
            ring.extend((0..half).rev().map(|i| {
                let x = 130.45 + 0.12 * i as f64 / half as f64;
                (x, lat0 + 0.003 + 0.002 * (x * 300.0).sin())
            }));
            ring.push(ring[0]);
            HazardZone {
                id: HazardZoneId(z as i64 + 1),
                hazard_type: HazardType::Flood,
                level: 1 + (z % 4) as i32,
                phenomenon: None,
                name: String::new(),
                area: MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]),
            }
        })
        .collect()
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn case(
    name: &str,
    registrants: usize,
    supporters: usize,
    shelter_count: usize,
    towns: usize,
    vertices: usize,
) {
    let mut rng = Rng(42);
    let towns = self::towns(&mut rng, towns);
    let homes = people(&mut rng, registrants, &towns);
    let helpers = people(&mut rng, supporters, &towns);
    let shelter_points = people(&mut rng, shelter_count, &towns);
    let sites = shelters(&mut rng, &shelter_points);
    let zones = flood_zones(20, vertices);

    let start = Instant::now();
    let mut index = SpatialIndex::new(10.0);
    index.registrants = PointIndex::build(
        homes
            .iter()
            .enumerate()
            .map(|(i, p)| (RegistrantId(i as i64), *p)),
    );
    index.supporters = PointIndex::build(
        helpers
            .iter()
            .enumerate()
            .map(|(i, p)| (SupporterId(i as i64), *p)),
    );
    index.set_hazard_zones(&zones);
    index.set_shelters(sites.clone());
    let build = start.elapsed();
    println!(
        "{name}: index build {:.1} ms ({} registrants, {} supporters, {} shelters, {} hazard vertices)",
        build.as_secs_f64() * 1e3,
        registrants,
        supporters,
        shelter_count,
        vertices
    );

    // Nearest eligible flood shelter, one core.
    let queries = 200_000.min(registrants * 4);
    let start = Instant::now();
    let mut found = 0usize;
    for i in 0..queries {
        if let Some((id, _)) = index.nearest_shelter(homes[i % homes.len()], HazardType::Flood) {
            found += usize::try_from(id.0).unwrap_or(0) & 1;
        }
    }
    black_box(found);
    let per_second = queries as f64 / start.elapsed().as_secs_f64();
    println!(
        "{name}: nearest flood shelter {per_second:.0} queries/s on one core ({queries} queries)"
    );

    // Brute-force baseline on a sample: same answers, and how long the naive scan takes.
    let sample = 200;
    let start = Instant::now();
    let mut mismatches = 0;
    for home in homes.iter().take(sample) {
        let brute = sites
            .iter()
            .filter(|(_, s)| s.hazards.contains(&HazardType::Flood))
            .filter(|(_, s)| !index.in_zone_of(s.location, HazardType::Flood))
            .map(|(id, s)| (*id, distance_m(*home, s.location)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let tree = index.nearest_shelter(*home, HazardType::Flood);
        if brute.map(|b| b.1) != tree.map(|t| t.1)
            && brute
                .zip(tree)
                .is_none_or(|(b, t)| (b.1 - t.1).abs() > 1e-6)
        {
            mismatches += 1;
        }
    }
    let brute_per_second = sample as f64 / start.elapsed().as_secs_f64();
    println!(
        "{name}: brute-force baseline {brute_per_second:.0} queries/s on a {sample}-home sample, {mismatches} answers differ"
    );

    // Supporters within 500 m of every registrant: the candidate pairs of matching.
    let start = Instant::now();
    let mut pairs = 0usize;
    for home in &homes {
        pairs += index.supporters.within_unsorted(*home, 500.0).count();
    }
    println!(
        "{name}: candidate pairs within 500 m {pairs} in {:.0} ms; peak memory {:.0} MiB",
        start.elapsed().as_secs_f64() * 1e3,
        peak_rss_mib()
    );

    // Brute-force baseline for the candidate pairs on a sample: the same pairs, by a full scan.
    let start = Instant::now();
    let mut differ = 0;
    for home in homes.iter().take(200) {
        let mut brute: Vec<i64> = helpers
            .iter()
            .enumerate()
            .filter(|(_, p)| distance_m(*home, **p) <= 500.0)
            .map(|(i, _)| i as i64)
            .collect();
        let mut tree: Vec<i64> = index
            .supporters
            .within_unsorted(*home, 500.0)
            .map(|(id, _)| id.0)
            .collect();
        brute.sort_unstable();
        tree.sort_unstable();
        differ += usize::from(brute != tree);
    }
    println!(
        "{name}: brute-force candidate scan {:.0} homes/s on a 200-home sample, {differ} homes differ",
        200.0 / start.elapsed().as_secs_f64()
    );

    full_matching(name, &mut rng, &index, &homes, supporters);
}

fn main() {
    case("city", 15_000, 30_000, 150, 1, 100_000);
    if std::env::args().any(|a| a == "--city-only") {
        return;
    }
    case("national", 1_000_000, 2_000_000, 100_000, 70, 100_000);
}
