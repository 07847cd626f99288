//! The R-trees against brute force on seeded random data, near the antimeridian and the poles
//! too.

use geo::{Intersects, LineString, MultiPolygon, Point, Polygon};

use super::points::{PointIndex, distance_m};
use crate::domain::GeoPoint;

/// SplitMix64: a small seeded generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        crate::rng::splitmix64(&mut self.0)
    }

    fn unit(&mut self) -> f64 {
        crate::rng::unit(self.next())
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// Clusters of points around a centre, with longitudes wrapped into [-180, 180].
fn cloud(rng: &mut Rng, centre: (f64, f64), spread_deg: f64, n: usize) -> Vec<(u32, GeoPoint)> {
    (0..n)
        .map(|i| {
            let lat = (centre.0 + rng.range(-spread_deg, spread_deg)).clamp(-90.0, 90.0);
            let mut lon = centre.1 + rng.range(-spread_deg, spread_deg) * 3.0;
            if lon > 180.0 {
                lon -= 360.0;
            }
            if lon < -180.0 {
                lon += 360.0;
            }
            (u32::try_from(i).unwrap(), GeoPoint::new(lat, lon).unwrap())
        })
        .collect()
}

const PLACES: [(&str, (f64, f64), f64); 5] = [
    ("kurume", (33.31, 130.51), 0.05),
    ("japan", (36.0, 138.0), 8.0),
    ("antimeridian", (-16.0, 179.95), 0.2),
    ("north pole", (89.9, 0.0), 0.2),
    ("south pole", (-89.95, 45.0), 0.1),
];

fn brute_force(points: &[(u32, GeoPoint)], q: GeoPoint) -> Vec<(u32, f64)> {
    let mut all: Vec<(u32, f64)> = points
        .iter()
        .map(|(k, p)| (*k, distance_m(q, *p)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    all
}

#[test]
fn nearest_agrees_with_brute_force_everywhere() {
    let mut rng = Rng(1);
    for (place, centre, spread) in PLACES {
        let points = cloud(&mut rng, centre, spread, 3_000);
        let index = PointIndex::build(points.clone());
        for _ in 0..100 {
            let q = cloud(&mut rng, centre, spread, 1)[0].1;
            let expected = brute_force(&points, q);
            let got: Vec<(u32, f64)> = index.nearest(q).take(10).collect();
            for (i, (key, d)) in got.iter().enumerate() {
                // Equal distances may come in either order; the distances must match exactly.
                assert!(
                    (d - expected[i].1).abs() < 1e-6,
                    "{place}: #{i} {key} at {d} vs {:?}",
                    expected[i]
                );
            }
            assert_eq!(got[0].0, expected[0].0, "{place}: nearest of {q:?}");
        }
    }
}

#[test]
fn within_radius_agrees_with_brute_force_everywhere() {
    let mut rng = Rng(2);
    for (place, centre, spread) in PLACES {
        let points = cloud(&mut rng, centre, spread, 3_000);
        let index = PointIndex::build(points.clone());
        let scale = if spread > 1.0 { 200_000.0 } else { 2_000.0 };
        for _ in 0..100 {
            let q = cloud(&mut rng, centre, spread, 1)[0].1;
            let radius = rng.range(0.0, scale);
            let mut expected: Vec<u32> = brute_force(&points, q)
                .into_iter()
                .filter(|(_, d)| *d <= radius)
                .map(|(k, _)| k)
                .collect();
            let mut got: Vec<u32> = index
                .within(q, radius)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected, "{place}: within {radius} m of {q:?}");
        }
    }
}

#[test]
fn points_in_polygons_agree_with_brute_force() {
    let mut rng = Rng(3);
    for (place, centre, spread) in PLACES.iter().filter(|p| p.1.0.abs() < 89.0) {
        let points = cloud(&mut rng, *centre, *spread, 3_000);
        let index = PointIndex::build(points.clone());
        for _ in 0..50 {
            // A random star-shaped polygon around a random point, kept within [-180, 180].
            let c = cloud(&mut rng, *centre, *spread, 1)[0].1;
            let r = spread * rng.range(0.1, 0.8);
            let ring: Vec<(f64, f64)> = (0..=12)
                .map(|i| {
                    let a = f64::from(i % 12) / 12.0 * std::f64::consts::TAU;
                    let k = if i % 2 == 0 { 1.0 } else { 0.5 };
                    (
                        (c.lon() + 3.0 * r * k * a.cos()).clamp(-180.0, 180.0),
                        (c.lat() + r * k * a.sin()).clamp(-90.0, 90.0),
                    )
                })
                .collect();
            let area = MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]);
            let mut expected: Vec<u32> = points
                .iter()
                .filter(|(_, p)| area.intersects(&Point::new(p.lon(), p.lat())))
                .map(|(k, _)| *k)
                .collect();
            let mut got = index.within_area(&area);
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected, "{place}");
        }
    }
}

#[test]
fn moves_and_removals_keep_the_tree_equal_to_the_truth() {
    let mut rng = Rng(4);
    let mut truth: std::collections::BTreeMap<u32, Option<GeoPoint>> =
        std::collections::BTreeMap::new();
    let mut index = PointIndex::default();
    for step in 0..5_000 {
        let key = u32::try_from(rng.next() % 300).unwrap();
        let before = truth.get(&key).copied().flatten();
        let after = match rng.next() % 3 {
            0 => None,
            _ => Some(cloud(&mut rng, (33.31, 130.51), 0.05, 1)[0].1),
        };
        assert_eq!(index.get(key), before, "the index knows where {key} is");
        index.set(key, after);
        truth.insert(key, after);
        if step % 500 == 0 {
            let mut expected: Vec<u32> = truth
                .iter()
                .filter(|(_, p)| p.is_some())
                .map(|(k, _)| *k)
                .collect();
            let mut got: Vec<u32> = index.entries().map(|(k, _)| k).collect();
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected);
        }
    }
}
