//! Areas prepared for many point-in-area tests.
//!
//! An incident declared by a drawn or imported area may have tens of thousands of vertices, and
//! every district view tests each person's home against it. geo's plain `Contains` walks every
//! edge on each call; a [`PreparedArea`] is built once per area instead: an R-tree of its
//! polygons' bounding boxes, and per polygon geo's interval tree of edges by latitude, so that a
//! test looks only at the edges level with the point (a winding-number count with geo's robust
//! orientation predicate). Built by services and kept while the incident is open.

use std::fmt;
use std::sync::Arc;

use geo::indexed::IntervalTreeMultiPolygon;
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Contains, CoordsIter, MultiPolygon, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A polygon or multi-polygon in lon/lat degrees, prepared so that [`PreparedArea::contains`]
/// costs about the logarithm of its vertex count, not the count. Cheap to clone (shared).
///
/// It answers exactly as geo's `Contains<Point>` on the original: inside some polygon and in
/// none of that polygon's holes; a point on a boundary is not contained. Rings may wind either
/// way (each polygon is oriented before it is indexed, so that its holes count against it).
///
/// ```
/// use geo::{Contains, LineString, MultiPolygon, Point, Polygon};
/// use sasaeai::spatial::PreparedArea;
///
/// let ring = |x0: f64, y0: f64, d: f64| {
///     LineString::from(vec![(x0, y0), (x0 + d, y0), (x0 + d, y0 + d), (x0, y0 + d), (x0, y0)])
/// };
/// let square_with_hole = Polygon::new(ring(130.0, 33.0, 1.0), vec![ring(130.4, 33.4, 0.2)]);
/// let area = PreparedArea::new(&MultiPolygon(vec![square_with_hole]));
/// assert!(area.contains(&Point::new(130.1, 33.1)));
/// assert!(!area.contains(&Point::new(130.5, 33.5)), "in the hole");
/// assert!(!area.contains(&Point::new(131.5, 33.5)), "outside");
/// assert_eq!(area.vertices(), 10);
/// ```
#[derive(Clone)]
pub struct PreparedArea(Arc<Parts>);

struct Parts {
    /// Bounding boxes of the polygons; the data is the index into `polygons`.
    boxes: RTree<BoxEntry>,
    /// Each polygon's rings, oriented, in an interval tree of edges.
    polygons: Vec<IntervalTreeMultiPolygon<f64>>,
    vertices: usize,
}

impl PreparedArea {
    /// Prepares `area` (lon/lat degrees). Time and memory grow with the number of vertices,
    /// once; empty polygons are left out and never contain anything.
    pub fn new(area: &MultiPolygon<f64>) -> Self {
        let mut boxes = Vec::new();
        let mut polygons = Vec::new();
        for polygon in &area.0 {
            let Some(rect) = polygon.bounding_rect() else {
                continue;
            };
            // The interval tree counts windings over all rings it holds, so a hole must wind
            // against its exterior; GeoJSON asks for that (RFC 7946) but does not enforce it.
            let oriented = polygon.orient(Direction::Default);
            boxes.push(GeomWithData::new(
                Rectangle::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]),
                polygons.len(),
            ));
            polygons.push(IntervalTreeMultiPolygon::new(&MultiPolygon(vec![oriented])));
        }
        Self(Arc::new(Parts {
            boxes: RTree::bulk_load(boxes),
            polygons,
            vertices: area.coords_count(),
        }))
    }

    /// Whether `point` (lon, lat) lies inside the area, not on its boundary.
    pub fn contains(&self, point: &Point<f64>) -> bool {
        self.0
            .boxes
            .locate_all_at_point(&[point.x(), point.y()])
            .any(|entry| self.0.polygons[entry.data].contains(point))
    }

    /// How many vertices the original area had.
    pub fn vertices(&self) -> usize {
        self.0.vertices
    }
}

impl Contains<Point<f64>> for PreparedArea {
    fn contains(&self, point: &Point<f64>) -> bool {
        PreparedArea::contains(self, point)
    }
}

impl fmt::Debug for PreparedArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedArea")
            .field("polygons", &self.0.polygons.len())
            .field("vertices", &self.0.vertices)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use geo::{Contains, LineString, MultiPolygon, Point, Polygon};

    use super::PreparedArea;

    struct Rng(u64);

    impl Rng {
        fn unit(&mut self) -> f64 {
            crate::rng::unit(crate::rng::splitmix64(&mut self.0))
        }

        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.unit()
        }
    }

    /// A ragged ring of `n` vertices around (`cx`, `cy`): the radius wanders between 0.6 and
    /// 1.0 times `r`, like a traced river bank. Counter-clockwise unless `clockwise`.
    fn ragged_ring(
        rng: &mut Rng,
        (cx, cy): (f64, f64),
        r: f64,
        n: usize,
        clockwise: bool,
    ) -> LineString<f64> {
        let mut points: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let angle = std::f64::consts::TAU * i as f64 / n as f64;
                let radius = r * rng.range(0.6, 1.0);
                (cx + radius * angle.cos(), cy + radius * angle.sin())
            })
            .collect();
        if clockwise {
            points.reverse();
        }
        points.push(points[0]);
        LineString::from(points)
    }

    /// A multi-polygon of about 20,000 vertices: a large ragged polygon with two holes, a
    /// second polygon inside one of the holes (an island), and a third apart from both. Outer
    /// rings wind clockwise when `outer_cw`, holes when `holes_cw` (RFC 7946 asks for false,
    /// true; files from elsewhere may have anything).
    fn generated(rng: &mut Rng, outer_cw: bool, holes_cw: bool) -> MultiPolygon<f64> {
        let main = Polygon::new(
            ragged_ring(rng, (130.5, 33.3), 0.10, 12_000, outer_cw),
            vec![
                ragged_ring(rng, (130.47, 33.3), 0.025, 2_000, holes_cw),
                ragged_ring(rng, (130.53, 33.3), 0.025, 2_000, holes_cw),
            ],
        );
        let island = Polygon::new(
            ragged_ring(rng, (130.53, 33.3), 0.01, 1_000, outer_cw),
            vec![],
        );
        let apart = Polygon::new(
            ragged_ring(rng, (130.8, 33.5), 0.05, 3_000, outer_cw),
            vec![],
        );
        MultiPolygon(vec![main, island, apart])
    }

    #[test]
    fn a_prepared_area_answers_as_plain_contains_on_random_points_holes_and_parts() {
        // As RFC 7946 winds them, and every ring the same way (holes then wind with, not
        // against, their exterior).
        for (outer_cw, holes_cw) in [(false, true), (true, true)] {
            let mut rng = Rng(0x1ced_a7ea);
            let area = generated(&mut rng, outer_cw, holes_cw);
            let prepared = PreparedArea::new(&area);
            assert!(prepared.vertices() > 20_000, "{prepared:?}");
            let (mut inside, mut in_holes, mut in_island, mut in_apart) = (0, 0, 0, 0);
            // Half over the main polygon, a quarter around its holes, a quarter over the
            // separate polygon.
            let centres = [
                (130.5, 33.3, 0.1),
                (130.47, 33.3, 0.03),
                (130.53, 33.3, 0.03),
            ];
            for i in 0..3_000 {
                let (x, y, r) = match i % 4 {
                    0 | 1 => centres[0],
                    2 => centres[1 + usize::from(rng.unit() < 0.5)],
                    _ => (130.8, 33.5, 0.05),
                };
                let p = Point::new(rng.range(x - r, x + r), rng.range(y - r, y + r));
                let expected = area.contains(&p);
                assert_eq!(
                    prepared.contains(&p),
                    expected,
                    "{p:?} ({outer_cw}, {holes_cw})"
                );
                inside += usize::from(expected);
                let near = |(x, y): (f64, f64), r: f64| (p.x() - x).hypot(p.y() - y) < r;
                if !expected && near((130.47, 33.3), 0.015) {
                    in_holes += 1;
                }
                if expected && near((130.53, 33.3), 0.006) {
                    in_island += 1;
                }
                if expected && near((130.8, 33.5), 0.05) {
                    in_apart += 1;
                }
            }
            // The sample reached every kind of place, so agreement means something.
            assert!(inside > 600 && inside < 2_400, "{inside}");
            assert!(in_holes > 10, "{in_holes} points in a hole");
            assert!(
                in_island > 3,
                "{in_island} points on the island in the other hole"
            );
            assert!(in_apart > 100, "{in_apart} points in the separate polygon");
        }
    }

    #[test]
    fn vertices_are_on_the_boundary_and_not_contained() {
        let mut rng = Rng(7);
        let area = generated(&mut rng, false, true);
        let prepared = PreparedArea::new(&area);
        for polygon in &area.0 {
            for line in polygon.exterior().lines().step_by(97) {
                for p in [line.start, line.end] {
                    let p = Point::from(p);
                    assert_eq!(prepared.contains(&p), area.contains(&p), "{p:?}");
                    assert!(!prepared.contains(&p), "{p:?} is a vertex");
                }
            }
        }
    }

    #[test]
    fn an_empty_area_contains_nothing() {
        let prepared = PreparedArea::new(&MultiPolygon(vec![]));
        assert!(!prepared.contains(&Point::new(130.5, 33.3)));
        assert_eq!(prepared.vertices(), 0);
    }
}
