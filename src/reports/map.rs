//! The map toolkit every printed map shares: a north-up projection fitted to the points that
//! matter, hazard zones each filled by itself (nonzero rule, holes as holes) from shallow to
//! deep with one grey per flood depth rank and one hatching per landslide class, markers,
//! labels placed where they overlap no other label, marker, the scale bar, the north arrow or
//! the frame, the scale bar, the north arrow, the frame and the legend. Plans and dispatch
//! slips draw their maps with it.

use printpdf::{Op, PaintMode};

use super::page::Pages;
use super::pdf::{MM_PER_PT, circle, grey, line_height, oriented, size, stroke_style};
use crate::domain::location::EARTH_RADIUS_M;

/// Flood depth ranks (A31) and their printed ranges, shallow to deep.
pub const FLOOD_RANKS: [&str; 6] = [
    "0.5m未満",
    "0.5〜3.0m",
    "3.0〜5.0m",
    "5.0〜10.0m",
    "10.0〜20.0m",
    "20.0m以上",
];

/// Landslide zone classes: 1 warning area (yellow), 2 special warning area (red).
pub const LANDSLIDE_CLASSES: [&str; 2] = ["土砂災害警戒区域", "土砂災害特別警戒区域"];

/// Grey of each flood depth rank: darker is deeper, each step far enough from the next to
/// survive a black-and-white photocopy.
const FLOOD_GREYS: [f32; 6] = [0.91, 0.80, 0.68, 0.56, 0.44, 0.32];

/// What a hazard zone is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneKind {
    /// A flood inundation area of depth rank 1 (under 0.5 m) to 6 (20 m and more).
    Flood(u8),
    /// A landslide area of class 1 (警戒区域) or 2 (特別警戒区域).
    Landslide(u8),
}

impl ZoneKind {
    /// The printed name of the style, as in the legend.
    pub fn label(self) -> &'static str {
        match self {
            Self::Flood(rank) => FLOOD_RANKS[usize::from(rank.clamp(1, 6) - 1)],
            Self::Landslide(class) => LANDSLIDE_CLASSES[usize::from(class.clamp(1, 2) - 1)],
        }
    }

    /// Drawing order: floods shallow to deep (the deepest on top), then landslide hatching
    /// over them.
    fn order(self) -> (u8, u8) {
        match self {
            Self::Flood(rank) => (0, rank),
            Self::Landslide(class) => (1, class),
        }
    }
}

/// One hazard zone: its style and its polygons, each a list of rings (exterior first, then
/// holes) of WGS84 `(latitude, longitude)` degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct MapZone {
    pub kind: ZoneKind,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// How a point is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// A filled square (the person's home).
    Home,
    /// An open circle (a supporter's home).
    Supporter,
    /// A filled triangle (a shelter or other destination).
    Destination,
    /// A filled dot (a place of work on a dispatch slip).
    Place,
}

/// A marked point with its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub at: (f64, f64),
    pub label: String,
}

/// Everything a map shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapContent {
    /// The points the map is fitted to, labelled.
    pub markers: Vec<Marker>,
    /// Straight lines from the first point to each of the others, labelled with their length
    /// (the route to each destination).
    pub lines: Vec<((f64, f64), (f64, f64))>,
    /// Label each line with its length.
    pub label_lines: bool,
    /// The route drawn by staff, `(latitude, longitude)` points: a heavy line labelled with its
    /// length along the way. With a route, the straight lines are thin and dashed.
    pub path: Vec<(f64, f64)>,
    pub zones: Vec<MapZone>,
    /// A district boundary's rings.
    pub boundary: Vec<Vec<(f64, f64)>>,
}

/// An axis-aligned box on the page, mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boxed {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Boxed {
    fn overlaps(&self, o: &Boxed) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn inside(&self, o: &Boxed) -> bool {
        self.x >= o.x
            && self.y >= o.y
            && self.x + self.w <= o.x + o.w
            && self.y + self.h <= o.y + o.h
    }

    fn grown(&self, by: f32) -> Boxed {
        Boxed {
            x: self.x - by,
            y: self.y - by,
            w: self.w + 2.0 * by,
            h: self.h + 2.0 * by,
        }
    }
}

/// Equirectangular projection (x east, y down, mm of the map box), longitudes scaled by
/// cos(latitude) so that a metre is a metre both ways at town scale.
pub struct Projection {
    centre: (f64, f64),
    cos_lat: f64,
    /// Millimetres on paper per metre on the ground.
    pub mm_per_m: f64,
    origin: (f64, f64),
}

impl Projection {
    /// Fits `points` into a `w` × `h` mm box with room around them for labels; a single point
    /// shows about 400 m around it.
    pub fn fit(points: &[(f64, f64)], w: f32, h: f32) -> Self {
        let centre = points.first().copied().unwrap_or_default();
        let cos_lat = centre.0.to_radians().cos().max(0.01);
        let mut proj = Projection {
            centre,
            cos_lat,
            mm_per_m: 1.0,
            origin: (0.0, 0.0),
        };
        let mut min = (0.0_f64, 0.0_f64);
        let mut max = (0.0_f64, 0.0_f64);
        for p in points {
            let (x, y) = proj.metres(*p);
            min = (min.0.min(x), min.1.min(y));
            max = (max.0.max(x), max.1.max(y));
        }
        let (w, h) = (f64::from(w), f64::from(h));
        let span_x = (max.0 - min.0).max(200.0);
        let span_y = (max.1 - min.1).max(200.0);
        // 15 % of the box free on each side for labels and the map's furniture.
        proj.mm_per_m = (w * 0.7 / span_x).min(h * 0.7 / span_y);
        let mid = ((min.0 + max.0) / 2.0, (min.1 + max.1) / 2.0);
        proj.origin = (
            w / 2.0 - mid.0 * proj.mm_per_m,
            h / 2.0 - mid.1 * proj.mm_per_m,
        );
        proj
    }

    fn metres(&self, (lat, lon): (f64, f64)) -> (f64, f64) {
        let x = (lon - self.centre.1).to_radians() * EARTH_RADIUS_M * self.cos_lat;
        let y = -(lat - self.centre.0).to_radians() * EARTH_RADIUS_M;
        (x, y)
    }

    /// Position in the map box, mm from its top-left corner. Far-away points are kept within
    /// a few metres of paper so that clipping, not overflow, handles them.
    pub fn mm(&self, p: (f64, f64)) -> (f32, f32) {
        let (x, y) = self.metres(p);
        let clamp = |v: f64| v.clamp(-5_000.0, 5_000.0) as f32;
        (
            clamp(self.origin.0 + x * self.mm_per_m),
            clamp(self.origin.1 + y * self.mm_per_m),
        )
    }
}

/// `約420 m` below a kilometre, `約1.2 km` above, from whole metres.
pub fn distance_label(metres: f64) -> String {
    let metres = metres.round();
    if metres < 1000.0 {
        format!("約{} m", (metres / 10.0).round() * 10.0)
    } else {
        format!("約{:.1} km", metres / 1000.0)
    }
}

/// Draws the zone's fill or hatching for `kind` over the closed `rings` (page mm, already
/// oriented), the same way on the map and in the legend.
fn paint_zone(p: &mut Pages<'_>, kind: ZoneKind, rings: Vec<Vec<(f32, f32)>>) {
    match kind {
        ZoneKind::Flood(rank) => {
            let level = FLOOD_GREYS[usize::from(rank.clamp(1, 6) - 1)];
            p.ops().push(Op::SetFillColor { col: grey(level) });
            p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            p.ops().extend(stroke_style(0.3, &[]));
            p.polygon(rings, PaintMode::FillStroke);
        }
        ZoneKind::Landslide(class) => {
            let bounds = rings.first().cloned().unwrap_or_default();
            p.ops().push(Op::SaveGraphicsState);
            p.polygon(rings.clone(), PaintMode::Clip);
            p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            if class >= 2 {
                // Special warning area: dense cross-hatching and a solid heavy outline.
                p.ops().extend(stroke_style(0.6, &[]));
                hatch(p, &bounds, 1.6, false);
                hatch(p, &bounds, 1.6, true);
                p.ops().push(Op::RestoreGraphicsState);
                p.ops().extend(stroke_style(1.4, &[]));
            } else {
                // Warning area: single diagonal hatching and a dashed outline.
                p.ops().extend(stroke_style(0.5, &[]));
                hatch(p, &bounds, 2.2, false);
                p.ops().push(Op::RestoreGraphicsState);
                p.ops().extend(stroke_style(1.0, &[3.0, 2.0]));
            }
            p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            p.polygon(rings, PaintMode::Stroke);
        }
    }
}

/// Diagonal lines every `spacing` mm over the bounding box of `pts`, to be clipped by the
/// caller; `back` slants the other way.
fn hatch(p: &mut Pages<'_>, pts: &[(f32, f32)], spacing: f32, back: bool) {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in pts {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    }
    let (pw, ph) = (p.paper.w, p.paper.h);
    let (min_x, max_x) = (min_x.max(-20.0), max_x.min(pw + 20.0));
    let (min_y, max_y) = (min_y.max(-20.0), max_y.min(ph + 20.0));
    let h = max_y - min_y;
    // Lines are aligned to the page grid, so that the map and the legend swatch show the
    // same pattern.
    let mut x = ((min_x - h) / spacing).floor() * spacing;
    // All the lines as one stroked path of two-point subpaths (closing one retraces it): one
    // operator instead of one per line.
    let mut lines = Vec::new();
    while x < max_x {
        lines.push(if back {
            vec![(x, min_y), (x + h, max_y)]
        } else {
            vec![(x, max_y), (x + h, min_y)]
        });
        x += spacing;
    }
    if !lines.is_empty() {
        p.ops()
            .push(super::pdf::polygon(ph, lines, PaintMode::Stroke));
    }
}

fn draw_marker(p: &mut Pages<'_>, kind: MarkerKind, x: f32, y: f32) {
    // A white halo keeps every marker visible on the darkest band.
    p.ops().push(Op::SetFillColor { col: grey(1.0) });
    p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
    match kind {
        MarkerKind::Home => {
            p.rect(x - 2.7, y - 2.7, 5.4, 5.4, PaintMode::Fill);
            p.ops().push(Op::SetFillColor { col: grey(0.0) });
            p.rect(x - 2.0, y - 2.0, 4.0, 4.0, PaintMode::Fill);
        }
        MarkerKind::Supporter => {
            p.polygon(vec![circle(x, y, 2.5)], PaintMode::Fill);
            p.ops().extend(stroke_style(1.2, &[]));
            p.polygon(vec![circle(x, y, 1.8)], PaintMode::FillStroke);
        }
        MarkerKind::Destination => {
            p.polygon(
                vec![vec![(x, y - 3.5), (x - 3.4, y + 2.4), (x + 3.4, y + 2.4)]],
                PaintMode::Fill,
            );
            p.ops().push(Op::SetFillColor { col: grey(0.0) });
            p.polygon(
                vec![vec![(x, y - 2.6), (x - 2.6, y + 1.8), (x + 2.6, y + 1.8)]],
                PaintMode::Fill,
            );
        }
        MarkerKind::Place => {
            p.polygon(vec![circle(x, y, 2.2)], PaintMode::Fill);
            p.ops().push(Op::SetFillColor { col: grey(0.0) });
            p.polygon(vec![circle(x, y, 1.5)], PaintMode::Fill);
        }
    }
}

/// Half the size of a marker's box, mm.
const MARKER_HALF: f32 = 2.8;

/// The label box of `text` with its anchor corner per placement, and the baseline.
struct LabelBox {
    area: Boxed,
    baseline: f32,
}

fn label_box(p: &Pages<'_>, text: &str, x: f32, y: f32) -> LabelBox {
    let w = p.font.width_mm(text, size::BODY) + 1.2;
    let h = size::BODY * MM_PER_PT * 1.25;
    LabelBox {
        area: Boxed { x, y, w, h },
        baseline: y + h * 0.8,
    }
}

/// Candidate places for a label of `w` × `h` beside a point at (`x`, `y`), nearest first: right,
/// left, above, below, the four corners, then the same further out.
fn candidates(x: f32, y: f32, w: f32, h: f32) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for ring in 0..6 {
        let d = MARKER_HALF + 0.6 + ring as f32 * 3.5;
        out.extend([
            (x + d, y - h / 2.0),
            (x - d - w, y - h / 2.0),
            (x - w / 2.0, y - d - h),
            (x - w / 2.0, y + d),
            (x + d, y - d - h + 1.0),
            (x + d, y + d - 1.0),
            (x - d - w, y - d - h + 1.0),
            (x - d - w, y + d - 1.0),
        ]);
    }
    out
}

/// What [`draw`] put on the map, for the legend.
pub struct Drawn {
    pub kinds: Vec<MarkerKind>,
    pub boundary: bool,
    /// A drawn route, and straight lines beside it.
    pub path: bool,
    pub straight: bool,
    /// Labels that found no free place and were left off (none on any realistic map).
    pub unplaced: Vec<String>,
}

/// Draws `content` in the frame at (`x0`, `y0`), `w` × `h` mm, titled `title` in its corner.
pub fn draw(p: &mut Pages<'_>, frame: Boxed, title: &str, content: &MapContent) -> Drawn {
    let points: Vec<(f64, f64)> = content
        .markers
        .iter()
        .map(|m| m.at)
        .chain(content.path.iter().copied())
        .collect();
    let proj = Projection::fit(&points, frame.w, frame.h);
    let to_page = |pt: (f64, f64)| {
        let (x, y) = proj.mm(pt);
        (frame.x + x, frame.y + y)
    };

    p.ops().push(Op::SaveGraphicsState);
    p.rect(frame.x, frame.y, frame.w, frame.h, PaintMode::Clip);

    // Zones, each polygon by itself, shallow to deep, landslide hatching last.
    let mut zones: Vec<&MapZone> = content.zones.iter().collect();
    zones.sort_by_key(|z| z.kind.order());
    for zone in zones {
        for polygon in &zone.polygons {
            let rings: Vec<Vec<(f32, f32)>> = polygon
                .iter()
                .map(|ring| ring.iter().map(|&pt| to_page(pt)).collect::<Vec<_>>())
                .filter(|ring| ring.len() >= 3)
                .collect();
            if rings.is_empty() {
                continue;
            }
            paint_zone(p, zone.kind, oriented(rings));
        }
    }
    if !content.boundary.is_empty() {
        p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        p.ops().extend(stroke_style(2.0, &[8.0, 3.0, 2.0, 3.0]));
        for ring in &content.boundary {
            let pts: Vec<_> = ring.iter().map(|&pt| to_page(pt)).collect();
            let op = super::pdf::polyline(p.paper.h, &pts, true);
            p.ops().push(op);
        }
    }
    // Routes: straight lines to each destination, then the drawn route over them.
    let has_path = content.path.len() >= 2;
    let mut line_labels = Vec::new();
    for &(from, to) in &content.lines {
        let (a, b) = (to_page(from), to_page(to));
        if has_path {
            p.line(&[a, b], STRAIGHT_W, STRAIGHT_DASH);
        } else {
            p.line(&[a, b], 1.6, &[]);
        }
        if !content.label_lines {
            continue;
        }
        let metres = crate::domain::location::distance_m(from, to);
        line_labels.push((
            ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
            format!("直線 {}", distance_label(metres)),
        ));
    }

    if has_path {
        let pts: Vec<(f32, f32)> = content.path.iter().map(|&pt| to_page(pt)).collect();
        path_line(p, &pts);
        let metres = crate::domain::location::path_length_m(&content.path);
        // The label sits at the middle of the longest leg, where there is room.
        let leg = pts
            .windows(2)
            .max_by(|a, b| seg_len(a).total_cmp(&seg_len(b)))
            .map_or(pts[0], |w| {
                ((w[0].0 + w[1].0) / 2.0, (w[0].1 + w[1].1) / 2.0)
            });
        line_labels.insert(0, (leg, format!("経路 {}", distance_label(metres))));
    }

    // The furniture: title, north arrow and scale bar, each an obstacle for labels.
    let title_w = p.font.width_mm(title, size::HEADING) + 4.0;
    let title_box = Boxed {
        x: frame.x,
        y: frame.y,
        w: title_w,
        h: line_height(size::HEADING) + 0.6,
    };
    let north_box = Boxed {
        x: frame.x + frame.w - 14.0,
        y: frame.y + 2.0,
        w: 12.0,
        h: 16.0,
    };
    let scale = scale_length(proj.mm_per_m);
    let scale_text = scale_text(scale.0);
    let scale_w = scale.1.max(p.font.width_mm(&scale_text, size::BODY)) + 3.0;
    let scale_box = Boxed {
        x: frame.x + 2.0,
        y: frame.y + frame.h - 10.5,
        w: scale_w,
        h: 8.5,
    };
    let mut taken = vec![title_box, north_box, scale_box];
    let placed_markers: Vec<(MarkerKind, (f32, f32), &str)> = content
        .markers
        .iter()
        .map(|m| (m.kind, to_page(m.at), m.label.as_str()))
        .collect();
    for &(_, (x, y), _) in &placed_markers {
        taken.push(Boxed {
            x: x - MARKER_HALF,
            y: y - MARKER_HALF,
            w: 2.0 * MARKER_HALF,
            h: 2.0 * MARKER_HALF,
        });
    }
    // Markers, the home (the first) last so that it is on top.
    for &(kind, (x, y), _) in placed_markers.iter().rev() {
        draw_marker(p, kind, x, y);
    }
    let inner = frame.grown(-1.0);
    let mut unplaced = Vec::new();
    let mut place = |p: &mut Pages<'_>, taken: &mut Vec<Boxed>, (x, y): (f32, f32), text: &str| {
        let probe = label_box(p, text, 0.0, 0.0);
        let found = candidates(x, y, probe.area.w, probe.area.h)
            .into_iter()
            .map(|(cx, cy)| label_box(p, text, cx, cy))
            .find(|b| {
                b.area.inside(&inner) && taken.iter().all(|t| !t.overlaps(&b.area.grown(0.3)))
            });
        match found {
            Some(b) => {
                p.ops().push(Op::SetFillColor { col: grey(1.0) });
                p.rect(b.area.x, b.area.y, b.area.w, b.area.h, PaintMode::Fill);
                p.text_at(b.area.x + 0.6, b.baseline, size::BODY, text);
                taken.push(b.area);
            }
            None => unplaced.push(text.to_owned()),
        }
    };
    for &(_, at, text) in &placed_markers {
        place(p, &mut taken, at, text);
    }
    for (at, text) in &line_labels {
        place(p, &mut taken, *at, text);
    }

    // Furniture on white grounds, over everything drawn so far.
    p.ops().push(Op::SetFillColor { col: grey(0.88) });
    p.rect(
        title_box.x,
        title_box.y,
        title_box.w,
        title_box.h,
        PaintMode::Fill,
    );
    p.text_at(
        frame.x + 2.0,
        frame.y + line_height(size::HEADING) * 0.8,
        size::HEADING,
        title,
    );
    north_arrow(p, north_box);
    scale_bar(p, scale_box, scale, &scale_text);
    p.ops().push(Op::RestoreGraphicsState);

    p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
    p.ops().extend(stroke_style(0.8, &[]));
    p.rect(frame.x, frame.y, frame.w, frame.h, PaintMode::Stroke);

    let mut kinds: Vec<MarkerKind> = Vec::new();
    for m in &content.markers {
        if !kinds.contains(&m.kind) {
            kinds.push(m.kind);
        }
    }
    Drawn {
        kinds,
        boundary: !content.boundary.is_empty(),
        path: has_path,
        straight: has_path && !content.lines.is_empty(),
        unplaced,
    }
}

/// Width of a drawn route, pt: a white casing under a black line, so that it reads over the
/// flood greys and the hatching.
const PATH_W: f32 = 2.6;
const PATH_CASING_W: f32 = 4.6;
/// A straight line beside a drawn route: thin and dashed, a guide only.
const STRAIGHT_W: f32 = 0.7;
const STRAIGHT_DASH: &[f32] = &[3.0, 2.0];

fn seg_len(w: &[(f32, f32)]) -> f32 {
    (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1)
}

/// A drawn route: black over a white casing, round joins.
fn path_line(p: &mut Pages<'_>, pts: &[(f32, f32)]) {
    p.ops().extend(stroke_style(PATH_CASING_W, &[]));
    p.ops().push(Op::SetOutlineColor { col: grey(1.0) });
    p.ops().push(Op::SetLineJoinStyle {
        join: printpdf::LineJoinStyle::Round,
    });
    let op = super::pdf::polyline(p.paper.h, pts, false);
    p.ops().push(op);
    p.line(pts, PATH_W, &[]);
    // Back to the default, so that the legend's boxes drawn after keep square corners.
    p.ops().push(Op::SetLineJoinStyle {
        join: printpdf::LineJoinStyle::Miter,
    });
}

/// A round length (10 m … 20 km) no longer than 40 mm on paper, and its length in mm.
fn scale_length(mm_per_m: f64) -> (f64, f32) {
    const STEPS: [f64; 11] = [
        10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0,
    ];
    let metres = STEPS
        .iter()
        .rev()
        .copied()
        .find(|m| m * mm_per_m <= 40.0)
        .unwrap_or(STEPS[0]);
    (metres, (metres * mm_per_m) as f32)
}

fn scale_text(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{metres} m")
    } else {
        format!("{} km", metres / 1000.0)
    }
}

fn scale_bar(p: &mut Pages<'_>, at: Boxed, (_, len): (f64, f32), text: &str) {
    p.ops().push(Op::SetFillColor { col: grey(1.0) });
    p.rect(at.x, at.y, at.w, at.h, PaintMode::Fill);
    let (x, y) = (at.x + 1.0, at.y + at.h - 1.0);
    p.line(
        &[(x, y - 1.5), (x, y), (x + len, y), (x + len, y - 1.5)],
        1.2,
        &[],
    );
    p.ops().push(Op::SetFillColor { col: grey(0.0) });
    p.rect(x, y - 0.8, len / 2.0, 0.8, PaintMode::Fill);
    p.text_at(x, y - 2.2, size::BODY, text);
}

/// An arrow pointing up (the projection keeps north up) with N and 北.
fn north_arrow(p: &mut Pages<'_>, at: Boxed) {
    p.ops().push(Op::SetFillColor { col: grey(1.0) });
    p.rect(at.x, at.y, at.w, at.h, PaintMode::Fill);
    let (x, y) = (at.x + 5.0, at.y + 1.0);
    p.ops().push(Op::SetFillColor { col: grey(0.0) });
    p.polygon(
        vec![vec![
            (x, y + 5.0),
            (x - 2.5, y + 13.0),
            (x, y + 11.0),
            (x + 2.5, y + 13.0),
        ]],
        PaintMode::Fill,
    );
    p.text_at(x - 1.5, y + 4.0, size::BODY, "N");
    p.text_at(x + 2.8, y + 12.0, size::BODY, "北");
}

/// Where a legend swatch's box sits relative to its label.
pub const SWATCH_W: f32 = 6.5;
const SWATCH_GAP: f32 = 1.0;

/// The key under a map: the markers shown, every flood depth rank (whether drawn or not, so
/// that a reader can tell a shallow band from a deep one), the landslide classes, and the
/// district boundary, drawn exactly as on the map.
pub fn legend(p: &mut Pages<'_>, x0: f32, width: f32, drawn: &Drawn, names: &[(MarkerKind, &str)]) {
    let mut row = LegendRow { x0, width, x: x0 };
    p.y += LEGEND_LINE;
    for (kind, name) in names {
        if drawn.kinds.contains(kind) {
            row.entry(p, name, &|p, b| {
                draw_marker(p, *kind, b.x + b.w / 2.0, b.y + b.h / 2.0)
            });
        }
    }
    if drawn.path {
        row.entry(p, "避難経路", &|p, b| {
            path_line(p, &[(b.x, b.y + b.h / 2.0), (b.x + b.w, b.y + b.h / 2.0)]);
        });
    }
    if drawn.straight {
        row.entry(p, "直線", &|p, b| {
            p.line(
                &[(b.x, b.y + b.h / 2.0), (b.x + b.w, b.y + b.h / 2.0)],
                STRAIGHT_W,
                STRAIGHT_DASH,
            );
        });
    }
    if drawn.boundary {
        row.entry(p, "地区境界", &|p, b| {
            p.line(
                &[(b.x, b.y + b.h / 2.0), (b.x + b.w, b.y + b.h / 2.0)],
                2.0,
                &[8.0, 3.0, 2.0, 3.0],
            );
        });
    }
    // The flood scale on its own row, shallow to deep.
    row.new_line(p);
    let head = "浸水深";
    p.text_at(row.x, p.y, size::BODY, head);
    row.x += p.font.width_mm(head, size::BODY) + 2.0;
    for rank in 1..=6u8 {
        let kind = ZoneKind::Flood(rank);
        row.entry(p, FLOOD_LEGEND[usize::from(rank - 1)], &|p, b| {
            swatch(p, kind, b)
        });
    }
    row.new_line(p);
    for class in 1..=2u8 {
        let kind = ZoneKind::Landslide(class);
        row.entry(p, kind.label(), &|p, b| swatch(p, kind, b));
    }
    p.ops().extend(stroke_style(1.0, &[]));
    p.y += LEGEND_LINE * 0.3;
}

/// The legend's flood labels, short enough for one row.
pub const FLOOD_LEGEND: [&str; 6] = [
    "0.5m未満",
    "0.5〜3m",
    "3〜5m",
    "5〜10m",
    "10〜20m",
    "20m以上",
];

const LEGEND_LINE: f32 = 6.0;

struct LegendRow {
    x0: f32,
    width: f32,
    x: f32,
}

impl LegendRow {
    fn new_line(&mut self, p: &mut Pages<'_>) {
        self.x = self.x0;
        p.y += LEGEND_LINE;
    }

    fn entry(&mut self, p: &mut Pages<'_>, label: &str, draw: &dyn Fn(&mut Pages<'_>, Boxed)) {
        let w = p.font.width_mm(label, size::BODY);
        if self.x + SWATCH_W + SWATCH_GAP + w > self.x0 + self.width {
            self.new_line(p);
        }
        let sw = Boxed {
            x: self.x,
            y: p.y - 3.9,
            w: SWATCH_W,
            h: 4.6,
        };
        draw(p, sw);
        p.text_at(self.x + SWATCH_W + SWATCH_GAP, p.y, size::BODY, label);
        self.x += SWATCH_W + SWATCH_GAP + w + 2.5;
    }
}

fn swatch(p: &mut Pages<'_>, kind: ZoneKind, b: Boxed) {
    let ring = vec![
        (b.x, b.y),
        (b.x + b.w, b.y),
        (b.x + b.w, b.y + b.h),
        (b.x, b.y + b.h),
    ];
    paint_zone(p, kind, oriented(vec![ring]));
}

/// The height [`legend`] takes, mm, for planning a page.
pub fn legend_height() -> f32 {
    3.3 * LEGEND_LINE + 1.0
}
