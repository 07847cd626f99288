//! An R-tree of points on the unit sphere: exact nearest-neighbour and radius queries anywhere.
//!
//! A point at latitude φ, longitude λ becomes (cos φ cos λ, cos φ sin λ, sin φ). The straight
//! (chord) distance between two such points grows strictly with the great-circle angle between
//! them, so ordering by chord is ordering by great-circle distance: no projection, no seam at the
//! antimeridian, no distortion near the poles. Distances reported are great-circle metres on the
//! mean earth sphere.

use std::collections::HashMap;
use std::hash::Hash;

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::domain::GeoPoint;

pub use crate::domain::location::EARTH_RADIUS_M;

/// The unit-sphere position of a point.
pub fn unit_vector(point: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (point.lat().to_radians(), point.lon().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Great-circle metres for a squared chord length on the unit sphere.
pub fn chord2_to_metres(chord2: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * (chord2.max(0.0).sqrt() / 2.0).min(1.0).asin()
}

/// The squared chord length on the unit sphere that spans `metres` of great circle.
pub fn metres_to_chord2(metres: f64) -> f64 {
    let half_angle = (metres.max(0.0) / EARTH_RADIUS_M / 2.0).min(std::f64::consts::FRAC_PI_2);
    let chord = 2.0 * half_angle.sin();
    chord * chord
}

/// Great-circle distance in metres between two points: the service's one distance
/// ([`crate::domain::location::distance_m`]), for callers that hold points. The index below
/// ranks by chord length, which orders points exactly as this distance does.
///
/// ```
/// use sasaeai::domain::GeoPoint;
/// use sasaeai::spatial::points::distance_m;
/// // One degree of latitude is about 111.2 km on the mean sphere.
/// let d = distance_m(GeoPoint::new(33.0, 130.5).unwrap(), GeoPoint::new(34.0, 130.5).unwrap());
/// assert!((d - 111_195.0).abs() < 1.0);
/// ```
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    crate::domain::location::distance_m((a.lat(), a.lon()), (b.lat(), b.lon()))
}

type Entry<K> = GeomWithData<[f64; 3], K>;

/// Points keyed by `K` (an id), mirroring rows of one table: one point per key at most, and
/// where each key is, so that a change learnt from elsewhere (another server's write) can move
/// a key without knowing its old place.
#[derive(Debug)]
pub struct PointIndex<K> {
    tree: RTree<Entry<K>>,
    at: HashMap<K, GeoPoint>,
}

impl<K> Default for PointIndex<K> {
    fn default() -> Self {
        Self {
            tree: RTree::new(),
            at: HashMap::new(),
        }
    }
}

impl<K: Copy + Eq + Hash> PointIndex<K> {
    /// Bulk-loads the points (a key given twice keeps its last point).
    pub fn build(points: impl IntoIterator<Item = (K, GeoPoint)>) -> Self {
        let at: HashMap<K, GeoPoint> = points.into_iter().collect();
        Self {
            tree: RTree::bulk_load(
                at.iter()
                    .map(|(k, p)| GeomWithData::new(unit_vector(*p), *k))
                    .collect(),
            ),
            at,
        }
    }

    /// Puts `key` at `point`, moving it if it was elsewhere.
    pub fn insert(&mut self, key: K, point: GeoPoint) {
        self.set(key, Some(point));
    }

    /// Removes `key`; false when it was not there.
    pub fn remove(&mut self, key: K) -> bool {
        match self.at.remove(&key) {
            Some(was) => self
                .tree
                .remove(&GeomWithData::new(unit_vector(was), key))
                .is_some(),
            None => false,
        }
    }

    /// Puts `key` where it should be now (`Some`), or nowhere: the one update after any
    /// committed change, whoever made it.
    pub fn set(&mut self, key: K, point: Option<GeoPoint>) {
        if self.at.get(&key).copied() == point {
            return;
        }
        self.remove(key);
        if let Some(point) = point {
            self.tree.insert(GeomWithData::new(unit_vector(point), key));
            self.at.insert(key, point);
        }
    }

    /// Where `key` is indexed.
    pub fn get(&self, key: K) -> Option<GeoPoint> {
        self.at.get(&key).copied()
    }

    /// Keys in order of distance from `point`, with great-circle metres; lazy, so a caller can
    /// stop at the first that fits its own rules.
    pub fn nearest(&self, point: GeoPoint) -> impl Iterator<Item = (K, f64)> + '_ {
        let query = unit_vector(point);
        self.tree
            .nearest_neighbor_iter_with_distance_2(&query)
            .map(|(entry, chord2)| (entry.data, chord2_to_metres(chord2)))
    }

    /// The nearest key to `point`, with great-circle metres (cheaper than `nearest().next()`).
    pub fn nearest_one(&self, point: GeoPoint) -> Option<(K, f64)> {
        let query = unit_vector(point);
        self.tree.nearest_neighbor(&query).map(|entry| {
            (
                entry.data,
                chord2_to_metres(distance2(entry.geom(), &query)),
            )
        })
    }

    /// Every key within `radius_m` great-circle metres of `point`, nearest first (ties in the
    /// tree's order; callers that need a total order sort by key too).
    pub fn within(&self, point: GeoPoint, radius_m: f64) -> Vec<(K, f64)> {
        let mut found: Vec<(K, f64)> = self.within_unsorted(point, radius_m).collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1));
        found
    }

    /// Every key within `radius_m` great-circle metres of `point`, in no particular order, with
    /// the distance; for callers that sort by their own key anyway.
    pub fn within_unsorted(
        &self,
        point: GeoPoint,
        radius_m: f64,
    ) -> impl Iterator<Item = (K, f64)> + '_ {
        let query = unit_vector(point);
        self.tree
            .locate_within_distance(query, metres_to_chord2(radius_m))
            .map(move |entry| {
                (
                    entry.data,
                    chord2_to_metres(distance2(entry.geom(), &query)),
                )
            })
    }

    /// How many points are indexed.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Every (key, unit vector) pair, in no particular order (for comparing with the database).
    pub fn entries(&self) -> impl Iterator<Item = (K, [f64; 3])> + '_ {
        self.tree.iter().map(|e| (e.data, *e.geom()))
    }
}

fn distance2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// Latitude and longitude in degrees of a unit vector.
pub fn to_lat_lon(v: &[f64; 3]) -> (f64, f64) {
    (
        v[2].clamp(-1.0, 1.0).asin().to_degrees(),
        v[1].atan2(v[0]).to_degrees(),
    )
}

/// The smallest 3-D box holding every unit vector whose latitude lies in `lat` and longitude in
/// `lon` (degrees; `lon.0 <= lon.1`, no wrap). Extremes of x and y lie at the box's corners or
/// where it crosses the equator or a multiple of 90° longitude.
pub fn lat_lon_box_envelope(lat: (f64, f64), lon: (f64, f64)) -> rstar::AABB<[f64; 3]> {
    let mut lats = vec![lat.0, lat.1];
    if lat.0 < 0.0 && lat.1 > 0.0 {
        lats.push(0.0);
    }
    let mut lons = vec![lon.0, lon.1];
    for quarter in [-180.0, -90.0, 0.0, 90.0, 180.0] {
        if lon.0 < quarter && quarter < lon.1 {
            lons.push(quarter);
        }
    }
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for &la in &lats {
        for &lo_deg in &lons {
            let (la, ln) = (la.to_radians(), lo_deg.to_radians());
            let v = [la.cos() * ln.cos(), la.cos() * ln.sin(), la.sin()];
            for i in 0..3 {
                lo[i] = lo[i].min(v[i]);
                hi[i] = hi[i].max(v[i]);
            }
        }
    }
    // A hair of slack against rounding in the trigonometry.
    let eps = 1e-12;
    rstar::AABB::from_corners(
        [lo[0] - eps, lo[1] - eps, lo[2] - eps],
        [hi[0] + eps, hi[1] + eps, hi[2] + eps],
    )
}

impl<K: Copy + PartialEq> PointIndex<K> {
    /// Keys of every point inside `area` (lon/lat polygons; on the boundary counts as inside).
    pub fn within_area(&self, area: &geo::MultiPolygon<f64>) -> Vec<K> {
        use geo::{BoundingRect, Intersects};
        let Some(rect) = area.bounding_rect() else {
            return Vec::new();
        };
        let envelope =
            lat_lon_box_envelope((rect.min().y, rect.max().y), (rect.min().x, rect.max().x));
        self.tree
            .locate_in_envelope(&envelope)
            .filter(|entry| {
                let (lat, lon) = to_lat_lon(entry.geom());
                area.intersects(&geo::Point::new(lon, lat))
            })
            .map(|entry| entry.data)
            .collect()
    }
}
