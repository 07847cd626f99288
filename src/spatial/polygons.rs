//! An R-tree of polygon bounding boxes with exact point-in-polygon after.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::domain::GeoPoint;

type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Polygons keyed by `K`, in lon/lat degrees.
///
/// ```
/// use geo::{LineString, MultiPolygon, Polygon};
/// use sasaeai::domain::GeoPoint;
/// use sasaeai::spatial::PolygonIndex;
///
/// let ring = LineString::from(vec![(130.0, 33.0), (131.0, 33.0), (131.0, 34.0), (130.0, 34.0), (130.0, 33.0)]);
/// let square = MultiPolygon(vec![Polygon::new(ring, vec![])]);
/// let index = PolygonIndex::build(vec![(7_u32, square)]);
/// assert_eq!(index.containing(GeoPoint::new(33.5, 130.5).unwrap()).collect::<Vec<_>>(), vec![7]);
/// assert_eq!(index.containing(GeoPoint::new(35.0, 130.5).unwrap()).count(), 0);
/// ```
#[derive(Debug)]
pub struct PolygonIndex<K> {
    tree: RTree<BoxEntry>,
    polygons: Vec<(K, MultiPolygon<f64>)>,
}

impl<K> Default for PolygonIndex<K> {
    fn default() -> Self {
        Self {
            tree: RTree::new(),
            polygons: Vec::new(),
        }
    }
}

impl<K: Copy> PolygonIndex<K> {
    /// Bulk-loads the bounding boxes; empty polygons are kept but never match.
    pub fn build(polygons: Vec<(K, MultiPolygon<f64>)>) -> Self {
        let boxes = polygons
            .iter()
            .enumerate()
            .filter_map(|(i, (_, area))| {
                let rect = area.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners(
                        [rect.min().x, rect.min().y],
                        [rect.max().x, rect.max().y],
                    ),
                    i,
                ))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(boxes),
            polygons,
        }
    }

    /// Keys of every polygon that contains `point` or has it on its boundary.
    pub fn containing(&self, point: GeoPoint) -> impl Iterator<Item = K> + '_ {
        let p = Point::new(point.lon(), point.lat());
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.x(), p.y()]))
            .filter_map(move |entry| {
                let (key, area) = &self.polygons[entry.data];
                area.intersects(&p).then_some(*key)
            })
    }

    /// How many polygons the index holds.
    pub fn len(&self) -> usize {
        self.polygons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty()
    }
}

impl<K: Copy> PolygonIndex<K> {
    /// Keys of polygons whose boundary lies within `tolerance_m` metres of `point` (but do not
    /// contain it), with the distance in metres, nearest first.
    pub fn near(&self, point: GeoPoint, tolerance_m: f64) -> Vec<(K, f64)> {
        use geo::{Closest, ClosestPoint};
        let p = Point::new(point.lon(), point.lat());
        let dlat = tolerance_m / 111_000.0;
        let dlon = tolerance_m / (111_000.0 * point.lat().to_radians().cos().max(0.01));
        let envelope =
            AABB::from_corners([p.x() - dlon, p.y() - dlat], [p.x() + dlon, p.y() + dlat]);
        let mut found: Vec<(K, f64)> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|entry| {
                let (key, area) = &self.polygons[entry.data];
                let closest = match area.closest_point(&p) {
                    Closest::Intersection(c) | Closest::SinglePoint(c) => c,
                    Closest::Indeterminate => return None,
                };
                let at = GeoPoint::new(closest.y(), closest.x()).ok()?;
                let d = super::points::distance_m(point, at);
                (d <= tolerance_m).then_some((*key, d))
            })
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1));
        found
    }
}
