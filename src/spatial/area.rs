//! Areas that many points are tested against: an open incident's area, drawn or traced, may
//! have tens of thousands of vertices, and every district view tests every home of the district
//! against it.
//!
//! geo's `Contains<Point>` on a raw polygon walks every edge on each call; a [`PreparedArea`] is
//! built once per area instead: a uniform grid over the area's bounding box, each cell holding
//! the edges that touch it and the winding number at one reference point inside it. A test
//! looks only at the edges of its own cell: the winding number at the point is the cell's
//! plus the signed crossings of the short segment from the reference point to the point, with
//! geo's robust orientation predicate, so the answer is exact. A cell crossed by no edge
//! answers at once. Built by services and kept while the incident is open.
//!
//! Even a pathological star whose every horizontal line crosses thousands of edges costs a
//! point only the few dozen edges of one cell.

use std::fmt;
use std::sync::Arc;

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Coord, CoordsIter, MultiPolygon, Point};

/// A polygon or multi-polygon in lon/lat degrees, prepared so that [`PreparedArea::contains`]
/// costs the edges of one grid cell, not all the edges. Cheap to clone (shared).
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
/// assert!(!area.contains(&Point::new(130.0, 33.5)), "on the boundary");
/// assert_eq!(area.vertices(), 10);
/// ```
#[derive(Clone)]
pub struct PreparedArea(Arc<Grid>);

/// Cells per vertex of the area: about four cells for each edge keeps a cell's list short for
/// traced outlines and a few dozen edges for the worst stars.
const CELLS_PER_VERTEX: usize = 4;
/// The grid's largest side, in cells (memory stays a few megabytes).
const MAX_SIDE: usize = 1_024;

struct Grid {
    /// The bounding box: south-west corner and cell size.
    origin: Coord<f64>,
    cell: Coord<f64>,
    columns: usize,
    rows: usize,
    /// Every edge of every ring, oriented so that the inside of a polygon lies to its left.
    edges: Vec<(Coord<f64>, Coord<f64>)>,
    /// The edges touching each cell (row-major), as offsets into `cell_edges`.
    offsets: Vec<u32>,
    cell_edges: Vec<u32>,
    /// Each cell's reference point and the winding number there; None in the rare cell whose
    /// every candidate point lies on an edge (its points are counted against every edge).
    reference: Vec<(Coord<f64>, Option<i32>)>,
    vertices: usize,
    /// The area as given, for the rare point that lies exactly on an edge (on one polygon's
    /// boundary it may still be inside another that overlaps it).
    original: MultiPolygon<f64>,
}

impl PreparedArea {
    /// Prepares `area` (lon/lat degrees). Time and memory grow with the number of vertices,
    /// once; empty polygons are left out and never contain anything.
    pub fn new(area: &MultiPolygon<f64>) -> Self {
        let mut edges = Vec::new();
        for polygon in &area.0 {
            // Winding numbers count every ring, so a hole must wind against its exterior;
            // GeoJSON asks for that (RFC 7946) but does not enforce it.
            let oriented = polygon.orient(Direction::Default);
            for ring in std::iter::once(oriented.exterior()).chain(oriented.interiors()) {
                edges.extend(
                    ring.lines()
                        .filter(|l| l.start != l.end)
                        .map(|l| (l.start, l.end)),
                );
            }
        }
        Self(Arc::new(Grid::build(area.clone(), edges)))
    }

    /// Whether `point` (lon, lat) lies inside the area, not on its boundary.
    pub fn contains(&self, point: &Point<f64>) -> bool {
        match self.0.winding(point.0) {
            Some(winding) => winding != 0,
            None => geo::Contains::contains(&self.0.original, point),
        }
    }

    /// How many vertices the original area had.
    pub fn vertices(&self) -> usize {
        self.0.vertices
    }
}

/// The side of the line through `a` and `b` that `p` lies on, a point on the line counting as
/// left: this consistent tie rule is a symbolic perturbation of the vertices, under which every
/// crossing counted is a proper one.
fn left_of(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> bool {
    RobustKernel::orient2d(a, b, p) != Orientation::Clockwise
}

/// Whether `p` lies on the edge from `a` to `b` (exactly).
fn on_edge(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> bool {
    RobustKernel::orient2d(a, b, p) == Orientation::Collinear
        && p.x >= a.x.min(b.x)
        && p.x <= a.x.max(b.x)
        && p.y >= a.y.min(b.y)
        && p.y <= a.y.max(b.y)
}

/// How the winding number changes from `from` to `to` across the edge `a`→`b`: +1 when the
/// segment crosses it from its right to its left, -1 the other way, else 0. Neither end may lie
/// on the edge.
fn crossing(a: Coord<f64>, b: Coord<f64>, from: Coord<f64>, to: Coord<f64>) -> i32 {
    if left_of(from, to, a) == left_of(from, to, b) {
        return 0;
    }
    match (
        RobustKernel::orient2d(a, b, from),
        RobustKernel::orient2d(a, b, to),
    ) {
        (Orientation::Clockwise, Orientation::CounterClockwise) => 1,
        (Orientation::CounterClockwise, Orientation::Clockwise) => -1,
        _ => 0,
    }
}

impl Grid {
    fn build(original: MultiPolygon<f64>, edges: Vec<(Coord<f64>, Coord<f64>)>) -> Self {
        let bounds = original.bounding_rect();
        let vertices = original.coords_count();
        let empty = |edges, original| Self {
            origin: Coord::zero(),
            cell: Coord { x: 1.0, y: 1.0 },
            columns: 0,
            rows: 0,
            edges,
            offsets: vec![0],
            cell_edges: Vec::new(),
            reference: Vec::new(),
            vertices,
            original,
        };
        let Some(bounds) = bounds.filter(|_| !edges.is_empty()) else {
            return empty(edges, original);
        };
        let (width, height) = (bounds.width(), bounds.height());
        if !(width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite()) {
            return empty(edges, original);
        }
        // Square-ish cells, about CELLS_PER_VERTEX of them per edge.
        let target = (edges.len() * CELLS_PER_VERTEX).max(16) as f64;
        let side = (width * height / target).sqrt();
        let columns = ((width / side).ceil() as usize).clamp(1, MAX_SIDE);
        let rows = ((height / side).ceil() as usize).clamp(1, MAX_SIDE);
        let cell = Coord {
            x: width / columns as f64,
            y: height / rows as f64,
        };
        let origin = bounds.min();
        // Edges are listed in every cell they touch, with a margin far above rounding so that a
        // point computed into a neighbouring cell still finds them.
        let margin = Coord {
            x: cell.x * 1e-6,
            y: cell.y * 1e-6,
        };
        let column_of =
            |x: f64| (((x - origin.x) / cell.x).floor().max(0.0) as usize).min(columns - 1);
        let row_of = |y: f64| (((y - origin.y) / cell.y).floor().max(0.0) as usize).min(rows - 1);
        // The cells an edge touches: per row of its band, the columns of its part there.
        let cells_of = |(a, b): (Coord<f64>, Coord<f64>), visit: &mut dyn FnMut(usize)| {
            let (lo_y, hi_y) = (a.y.min(b.y), a.y.max(b.y));
            for row in row_of(lo_y - margin.y)..=row_of(hi_y + margin.y) {
                let band_lo = (origin.y + row as f64 * cell.y - margin.y).max(lo_y);
                let band_hi = (origin.y + (row + 1) as f64 * cell.y + margin.y).min(hi_y);
                let (x1, x2) = if b.y == a.y {
                    (a.x.min(b.x), a.x.max(b.x))
                } else {
                    let x_at =
                        |y: f64| a.x + (b.x - a.x) * ((y - a.y) / (b.y - a.y)).clamp(0.0, 1.0);
                    let (p, q) = (x_at(band_lo), x_at(band_hi));
                    (p.min(q), p.max(q))
                };
                for column in column_of(x1 - margin.x)..=column_of(x2 + margin.x) {
                    visit(row * columns + column);
                }
            }
        };
        // Two passes, counting then filling, so that each cell's list comes out in edge order
        // (sorted) without sorting millions of pairs.
        let mut offsets = vec![0_u32; rows * columns + 1];
        for &edge in &edges {
            cells_of(edge, &mut |c| offsets[c + 1] += 1);
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut next: Vec<u32> = offsets[..rows * columns].to_vec();
        let mut cell_edges = vec![0_u32; offsets[rows * columns] as usize];
        for (index, &edge) in edges.iter().enumerate() {
            cells_of(edge, &mut |c| {
                cell_edges[next[c] as usize] = index as u32;
                next[c] += 1;
            });
        }
        let mut grid = Self {
            origin,
            cell,
            columns,
            rows,
            edges,
            offsets,
            cell_edges,
            reference: Vec::with_capacity(rows * columns),
            vertices,
            original,
        };
        grid.reference = grid.references();
        grid
    }

    fn edges_of(&self, cell: usize) -> &[u32] {
        &self.cell_edges[self.offsets[cell] as usize..self.offsets[cell + 1] as usize]
    }

    /// A reference point in each cell, on no edge, and the winding number there, carried along
    /// each row from a point left of the box (winding 0) from one cell's point to the next.
    /// The segment between two neighbours' points lies within the two cells, so only their
    /// edges can cross it.
    fn references(&self) -> Vec<(Coord<f64>, Option<i32>)> {
        let mut out = Vec::with_capacity(self.rows * self.columns);
        for row in 0..self.rows {
            // The last reference point with a known winding number, and its cell.
            let mut previous = Some((
                Coord {
                    x: self.origin.x - self.cell.x,
                    y: self.origin.y + (row as f64 + 0.5) * self.cell.y,
                },
                0,
                None::<usize>,
            ));
            for column in 0..self.columns {
                let index = row * self.columns + column;
                let Some(point) = self.reference_point(row, column, index) else {
                    out.push((Coord::zero(), None));
                    previous = None;
                    continue;
                };
                let winding = match previous {
                    Some((from, winding, from_cell)) => {
                        let here = self.edges_of(index);
                        let crossings = |list: &[u32], skip: &[u32]| -> i32 {
                            list.iter()
                                .filter(|e| skip.binary_search(e).is_err())
                                .map(|&e| {
                                    let (a, b) = self.edges[e as usize];
                                    crossing(a, b, from, point)
                                })
                                .sum()
                        };
                        // Each edge of the two cells once: the lists are sorted.
                        let before = from_cell.map_or(&[][..], |c| self.edges_of(c));
                        winding + crossings(here, &[]) + crossings(before, here)
                    }
                    None => self.winding_by_all_edges(point),
                };
                out.push((point, Some(winding)));
                previous = Some((point, winding, Some(index)));
            }
        }
        out
    }

    /// The cell's centre or, when that lies on an edge (an axis-parallel outline through it),
    /// one of a few other points of the cell's inner part; None if every one does.
    fn reference_point(&self, row: usize, column: usize, index: usize) -> Option<Coord<f64>> {
        let at = |fx: f64, fy: f64| Coord {
            x: self.origin.x + (column as f64 + fx) * self.cell.x,
            y: self.origin.y + (row as f64 + fy) * self.cell.y,
        };
        let edges = self.edges_of(index);
        let free = |p: Coord<f64>| {
            edges.iter().all(|&e| {
                let (a, b) = self.edges[e as usize];
                !on_edge(a, b, p)
            })
        };
        const CANDIDATES: [(f64, f64); 6] = [
            (0.5, 0.5),
            (0.4142, 0.5773),
            (0.6180, 0.3819),
            (0.3090, 0.7013),
            (0.7320, 0.2679),
            (0.5877, 0.6871),
        ];
        CANDIDATES
            .iter()
            .map(|&(fx, fy)| at(fx, fy))
            .find(|&p| free(p))
    }

    /// The winding number at `p` (0 outside the box); None on an edge, or for an area too thin
    /// to grid.
    fn winding(&self, p: Coord<f64>) -> Option<i32> {
        if !p.x.is_finite() || !p.y.is_finite() {
            return Some(0);
        }
        if self.columns == 0 {
            return None;
        }
        let max = Coord {
            x: self.origin.x + self.columns as f64 * self.cell.x,
            y: self.origin.y + self.rows as f64 * self.cell.y,
        };
        if p.x < self.origin.x || p.y < self.origin.y || p.x > max.x || p.y > max.y {
            return Some(0);
        }
        let column = (((p.x - self.origin.x) / self.cell.x) as usize).min(self.columns - 1);
        let row = (((p.y - self.origin.y) / self.cell.y) as usize).min(self.rows - 1);
        let index = row * self.columns + column;
        let (reference, winding) = self.reference[index];
        let edges = self.edges_of(index);
        if edges.iter().any(|&e| {
            let (a, b) = self.edges[e as usize];
            on_edge(a, b, p)
        }) {
            return None;
        }
        let Some(winding) = winding else {
            return Some(self.winding_by_all_edges(p));
        };
        let change: i32 = edges
            .iter()
            .map(|&e| {
                let (a, b) = self.edges[e as usize];
                crossing(a, b, reference, p)
            })
            .sum();
        Some(winding + change)
    }

    /// The winding number at `p` (on no edge) from every edge, by a ray to the east.
    fn winding_by_all_edges(&self, p: Coord<f64>) -> i32 {
        self.edges
            .iter()
            .map(|&(a, b)| {
                if a.y <= p.y
                    && b.y > p.y
                    && RobustKernel::orient2d(a, b, p) == Orientation::CounterClockwise
                {
                    1
                } else if b.y <= p.y
                    && a.y > p.y
                    && RobustKernel::orient2d(a, b, p) == Orientation::Clockwise
                {
                    -1
                } else {
                    0
                }
            })
            .sum()
    }
}

impl geo::Contains<Point<f64>> for PreparedArea {
    fn contains(&self, point: &Point<f64>) -> bool {
        PreparedArea::contains(self, point)
    }
}

impl fmt::Debug for PreparedArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedArea")
            .field("columns", &self.0.columns)
            .field("rows", &self.0.rows)
            .field("edges", &self.0.edges.len())
            .field("cell_edges", &self.0.cell_edges.len())
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
    fn a_star_crossing_every_line_thousands_of_times_answers_as_plain_contains() {
        let mut rng = Rng(0x57a2);
        let n = 20_000;
        let mut ring: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let angle = std::f64::consts::TAU * i as f64 / n as f64;
                let r = rng.range(0.04, 0.08);
                (130.5 + r * angle.cos(), 33.3 + r * angle.sin())
            })
            .collect();
        ring.push(ring[0]);
        let area = MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]);
        let prepared = PreparedArea::new(&area);
        let mut inside = 0;
        for _ in 0..4_000 {
            let p = Point::new(rng.range(130.41, 130.59), rng.range(33.21, 33.39));
            let expected = area.contains(&p);
            assert_eq!(prepared.contains(&p), expected, "{p:?}");
            inside += usize::from(expected);
        }
        assert!(inside > 1_000 && inside < 3_000, "{inside}");
    }

    #[test]
    fn outlines_along_the_grid_and_points_on_edges_cell_lines_and_corners_agree() {
        // Axis-parallel squares on round coordinates put edges through cell centres and along
        // cell lines; overlapping parts and a hole wound the same way as its exterior.
        let ring = |x0: f64, y0: f64, x1: f64, y1: f64| {
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        };
        let area = MultiPolygon(vec![
            Polygon::new(ring(0.0, 0.0, 8.0, 8.0), vec![ring(2.0, 2.0, 4.0, 4.0)]),
            Polygon::new(ring(6.0, 6.0, 10.0, 10.0), vec![]),
            Polygon::new(ring(3.0, 3.0, 3.5, 3.5), vec![]),
        ]);
        let prepared = PreparedArea::new(&area);
        let mut checked = 0;
        for i in -2..=42 {
            for j in -2..=42 {
                let p = Point::new(f64::from(i) * 0.25, f64::from(j) * 0.25);
                assert_eq!(
                    prepared.contains(&p),
                    area.contains(&p),
                    "{p:?} {prepared:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 2_000);
        assert!(!prepared.contains(&Point::new(8.0, 5.0)), "on an edge");
        assert!(prepared.contains(&Point::new(7.0, 7.0)), "in both squares");
        assert!(!prepared.contains(&Point::new(2.5, 2.5)), "in the hole");
        assert!(
            prepared.contains(&Point::new(3.25, 3.25)),
            "the island in the hole"
        );
    }

    #[test]
    fn an_empty_area_contains_nothing() {
        let prepared = PreparedArea::new(&MultiPolygon(vec![]));
        assert!(!prepared.contains(&Point::new(130.5, 33.3)));
        assert_eq!(prepared.vertices(), 0);
    }

    #[test]
    #[ignore = "open: PreparedArea sums winding numbers over the polygons, so a self-intersecting \
                polygon overlapping another can cancel it; found by the json_bodies fuzz target"]
    fn a_self_intersecting_polygon_over_another_answers_as_geo() {
        // The fuzzer's input (an area body): a small quadrilateral, and a self-intersecting
        // ring whose loop (winding -1 once the polygon is oriented) lies over it.
        let ring = |points: &[(f64, f64)]| LineString::from(points.to_vec());
        let area = MultiPolygon(vec![
            Polygon::new(
                ring(&[
                    (129.5, 33.3),
                    (130.51, 33.3),
                    (130.51, 33.309_999_999_999_995),
                    (130.5, 33.309_999_995),
                    (130.5, 33.3),
                ]),
                vec![],
            ),
            Polygon::new(
                ring(&[
                    (130.6, 33.3),
                    (1.0, 3.31),
                    (130.6, 33.33),
                    (130.61, 37.3),
                    (13.06, 33.3),
                ]),
                vec![],
            ),
        ]);
        let point = Point::new(130.507_500_000_999_98, 33.309_999_997_75);
        assert!(area.contains(&point), "geo: inside the first polygon");
        assert_eq!(
            PreparedArea::new(&area).contains(&point),
            area.contains(&point)
        );
    }
}
