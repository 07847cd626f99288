//! `cargo bench --bench matching`: the spatial side of matching at city and national scale, with
//! a brute-force baseline on a sample in the same run. Prints one line per case.
//!
//! City: 15,000 registrants, 30,000 supporters, 150 shelters, hazard polygons with 100,000
//! vertices. National: 1,000,000 registrants, 2,000,000 supporters, 100,000 shelters.

use std::hint::black_box;
use std::time::Instant;

use geo::{LineString, MultiPolygon, Polygon};
use sasaeai::domain::codes::{HazardType, ShelterKind};
use sasaeai::domain::hazard::HazardZone;
use sasaeai::domain::shelter::ShelterData;
use sasaeai::domain::{GeoPoint, HazardZoneId, RegistrantId, ShelterId, SupporterId};
use sasaeai::spatial::points::distance_m;
use sasaeai::spatial::{PointIndex, SpatialIndex};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A town of `n` points clustered around neighbourhood centres (≈ 6 km × 5 km per town), with
/// `towns` towns spread over Japan.
fn people(rng: &mut Rng, n: usize, towns: usize) -> Vec<GeoPoint> {
    let centres: Vec<(f64, f64)> = (0..towns.max(1))
        .map(|_| {
            if towns <= 1 {
                (33.31, 130.51)
            } else {
                (31.5 + 12.0 * rng.unit(), 130.0 + 12.0 * rng.unit())
            }
        })
        .collect();
    let hoods: Vec<(f64, f64)> = centres
        .iter()
        .flat_map(|c| (0..40).map(move |_| *c).collect::<Vec<_>>())
        .map(|(lat, lon)| {
            (
                lat + (rng.unit() - 0.5) * 0.045,
                lon + (rng.unit() - 0.5) * 0.065,
            )
        })
        .collect();
    (0..n)
        .map(|_| {
            let (lat, lon) = hoods[(rng.next() % hoods.len() as u64) as usize];
            let (a, b) = (rng.unit() - 0.5, rng.unit() - 0.5);
            GeoPoint::new(lat + a * 0.006, lon + b * 0.007).unwrap_or_else(|_| unreachable!())
        })
        .collect()
}

fn shelters(points: &[GeoPoint]) -> Vec<(ShelterId, ShelterData)> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let hazards = if i % 3 == 0 {
                vec![HazardType::Flood, HazardType::Earthquake]
            } else {
                vec![HazardType::Earthquake]
            };
            (
                ShelterId(i as i64 + 1),
                ShelterData {
                    gsi_id: None,
                    name: format!("避難所{i}"),
                    address: String::new(),
                    latitude: p.lat(),
                    longitude: p.lon(),
                    kind: ShelterKind::EmergencySite,
                    hazards,
                    capacity: Some(300),
                    welfare_targets: Vec::new(),
                    accessibility: Vec::new(),
                    is_open: true,
                    notes: None,
                },
            )
        })
        .collect()
}

/// Flood zones along a meandering river: `zones` polygons of `vertices` vertices in all.
fn flood_zones(zones: usize, vertices: usize) -> Vec<HazardZone> {
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
    let homes = people(&mut rng, registrants, towns);
    let helpers = people(&mut rng, supporters, towns);
    let sites = shelters(&people(&mut rng, shelter_count, towns));
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
        if let Some((id, _)) = index
            .nearest_shelters(homes[i % homes.len()], HazardType::Flood)
            .next()
        {
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
            .filter(|(_, s)| {
                s.location()
                    .is_some_and(|p| !index.in_zone_of(p, HazardType::Flood))
            })
            .map(|(id, s)| {
                (
                    *id,
                    s.location().map_or(f64::INFINITY, |p| distance_m(*home, p)),
                )
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let tree = index.nearest_shelters(*home, HazardType::Flood).next();
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
        pairs += index.supporters.within(*home, 500.0).len();
    }
    println!(
        "{name}: candidate pairs within 500 m {pairs} in {:.0} ms; peak memory {:.0} MiB",
        start.elapsed().as_secs_f64() * 1e3,
        peak_rss_mib()
    );
}

fn main() {
    case("city", 15_000, 30_000, 150, 1, 100_000);
    if std::env::args().any(|a| a == "--city-only") {
        return;
    }
    case("national", 1_000_000, 2_000_000, 100_000, 70, 100_000);
}
