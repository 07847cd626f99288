//! The individual evacuation plan (個別避難計画) as an A4 portrait PDF.
//!
//! Pure: a [`PlanDocument`] (plain strings, dates and WGS84 degrees) goes in, PDF bytes come
//! out; no I/O, no database. Depends only on std, chrono and printpdf.
//!
//! The page follows docs/domain.md's plan form and DESIGN.md's printing rules: Noto Sans JP embedded
//! and subset (no system font needed, a one-page plan stays well under 100 KB), body text at
//! 11 pt, names and phone numbers at 14 pt or more, era dates with the Western date beside, a
//! vector route map that survives a black-and-white photocopy (flood zones grey, landslide zones
//! hatched with a dashed outline, the district boundary dash-dotted), the no-liability
//! statement, and on every page the confidentiality footer, the copy's serial number and
//! "page x / y". Content that does not fit flows onto further pages.

use chrono::NaiveDate;
use printpdf::{FontId, Mm, Op, PaintMode, PdfPage};

pub use super::pdf::RenderError;
use super::pdf::{
    self, Font, MM_PER_PT, circle, embedded_font, grey, line_height, save, stroke_style, wrap,
};
use crate::domain::era::wareki_with_western;

/// The printed no-liability statement required on every plan.
pub const NO_LIABILITY: &str =
    "避難支援等関係者は、避難支援について法的な責任や義務を負うものではありません。";
/// The confidentiality line printed at the foot of every page.
pub const CONFIDENTIAL: &str =
    "取扱注意：この計画には個人情報が含まれます。目的外の利用・複製を禁じます。";

/// One individual evacuation plan, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDocument {
    /// The copy's serial number (e.g. `P-000123`), printed on every page.
    pub serial: String,
    /// The day the plan was written.
    pub written_on: NaiveDate,
    /// Who wrote it, with their relation if useful (e.g. `山田花子（民生委員）`).
    pub author: String,
    /// The person the plan is for.
    pub person: Person,
    /// The supporters who will actually help, in order of call.
    pub supporters: Vec<PlanSupporter>,
    /// Where to go, per hazard type.
    pub destinations: Vec<Destination>,
    /// When to leave (e.g. at alert level 3, 高齢者等避難).
    pub when_to_leave: String,
    /// What to take.
    pub items_to_take: String,
    /// How to get there (e.g. which road to avoid when it floods).
    pub route_note: Option<String>,
    /// Notes for supporters.
    pub notes_for_supporters: Option<String>,
    /// Notes for the staff of the shelter.
    pub notes_for_shelter_staff: Option<String>,
    /// The route map's content.
    pub map: PlanMap,
}

/// The person needing support, as printed on the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Reading of the name in kana.
    pub name_kana: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Japanese label of the sex code (女, 男, 不明・回答なし).
    pub sex_label: String,
    /// Home address.
    pub address: String,
    /// Phone number, if any.
    pub phone: Option<String>,
    /// Japanese labels of the reasons for support.
    pub reasons: Vec<String>,
    /// Household and dwelling (e.g. `一人暮らし・木造2階建ての1階`).
    pub household: Option<String>,
    /// Care level label (e.g. `要介護3`).
    pub care_level: Option<String>,
    /// Mobility and what help is needed.
    pub mobility: Option<String>,
    /// Medical care and devices.
    pub medical: Vec<String>,
    /// Emergency contacts: (name, relation, phone).
    pub emergency_contacts: Vec<(String, String, String)>,
    /// Family doctor.
    pub doctor: Option<String>,
    /// Medicines.
    pub medicines: Option<String>,
    /// Other notes (allergies, care manager…).
    pub notes: Option<String>,
}

/// A supporter as printed on the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSupporter {
    /// Full name.
    pub name: String,
    /// Relation to the person (e.g. `近隣住民`).
    pub relation: String,
    /// Phone number.
    pub phone: String,
    /// Address.
    pub address: String,
    /// Distance from the person's home, in metres.
    pub distance_m: Option<u32>,
}

/// Where to go for one hazard type.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    /// Japanese label of the hazard type (e.g. `洪水`).
    pub hazard_label: String,
    /// Name of the shelter or other place.
    pub shelter_name: String,
    /// Distance from home, in metres.
    pub distance_m: Option<u32>,
}

/// The content of the route map. Coordinates are WGS84 `(latitude, longitude)` in degrees.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanMap {
    /// The person's home.
    pub home: (f64, f64),
    /// The supporters' homes.
    pub supporters: Vec<(f64, f64)>,
    /// The destination the route goes to.
    pub destination: Option<(f64, f64)>,
    /// Flood zone rings.
    pub flood_areas: Vec<Vec<(f64, f64)>>,
    /// Landslide zone rings.
    pub landslide_areas: Vec<Vec<(f64, f64)>>,
    /// District boundary rings.
    pub district_boundary: Vec<Vec<(f64, f64)>>,
}

/// Renders the plan as an A4 portrait PDF and returns its bytes.
///
/// The font is embedded as a subset of the glyphs used. A plan that does not fit one page
/// continues on the next; every page carries the confidentiality footer, the serial number and
/// "x / y".
///
/// # Errors
///
/// [`RenderError::InvalidCoordinate`] when a map coordinate is not finite or out of range;
/// [`RenderError::Font`] if the embedded font cannot be parsed.
pub fn render(plan: &PlanDocument) -> Result<Vec<u8>, RenderError> {
    validate_map(&plan.map)?;
    let font = embedded_font()?;
    let pages = plan_pages(font, &FontId::new(), plan);
    save(font, &format!("個別避難計画 {}", plan.serial), pages)
}

/// What the cover page of a batch says.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchCover {
    /// The batch copy's serial, printed on every page of the batch.
    pub serial: String,
    /// The district's code and name (e.g. `D01 ひばり野小学校区`).
    pub district: String,
    /// The priority tier printed, when the batch is one tier only (e.g. `A`).
    pub tier: Option<String>,
    /// Who printed the batch.
    pub printed_by: String,
    /// Who receives and keeps it.
    pub holder: String,
    /// The day of printing.
    pub printed_on: NaiveDate,
    /// Plans of the district left out, with the person's name and the reason in Japanese.
    pub omitted: Vec<(String, String)>,
}

/// Renders a cover page and then every plan, each starting on a new page with its own page
/// numbers and the batch's serial, as one PDF. `progress` is called with (plans done, plans in all) after each plan.
///
/// # Errors
/// As [`render`]; a plan with an invalid map coordinate fails the whole batch.
pub fn render_batch(
    cover: &BatchCover,
    plans: &[PlanDocument],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, RenderError> {
    for plan in plans {
        validate_map(&plan.map)?;
    }
    let font = embedded_font()?;
    let font_id = FontId::new();
    let mut pages = cover_pages(font, &font_id, cover, plans);
    for (i, plan) in plans.iter().enumerate() {
        // The batch is one registered copy: its serial is the one on every page.
        let plan = PlanDocument {
            serial: cover.serial.clone(),
            ..plan.clone()
        };
        pages.extend(plan_pages(font, &font_id, &plan));
        progress(i + 1, plans.len());
    }
    save(
        font,
        &format!("個別避難計画 {} {}", cover.district, cover.serial),
        pages,
    )
}

/// The pages of one plan, footers included, laid out with `font_id`.
fn plan_pages(font: &Font, font_id: &FontId, plan: &PlanDocument) -> Vec<PdfPage> {
    let mut layout = Layout::new(
        font,
        font_id.clone(),
        format!("個別避難計画（続き）　{} 様", plan.person.name),
    );
    layout.body(plan);
    layout.finish(&plan.serial, None)
}

/// The cover of a batch: what it holds, for whom, and the reminder to return it; a long list
/// of names continues on a second cover page.
fn cover_pages(
    font: &Font,
    font_id: &FontId,
    cover: &BatchCover,
    plans: &[PlanDocument],
) -> Vec<PdfPage> {
    let mut layout = Layout::new(
        font,
        font_id.clone(),
        format!("個別避難計画 表紙（続き）　{}", cover.district),
    );
    layout.y += line_height(20.0);
    layout.text_at(LEFT, layout.y, 20.0, "個別避難計画（地区一括印刷）");
    layout.y += 4.0;
    layout.field("地区", &cover.district, LARGE);
    if let Some(tier) = &cover.tier {
        layout.field("優先度", &format!("{tier} のみ"), BODY);
    }
    layout.field("収録件数", &format!("{} 件", plans.len()), LARGE);
    layout.field("印刷日", &wareki_with_western(cover.printed_on), BODY);
    layout.field("印刷者", &cover.printed_by, BODY);
    layout.field("受領者（保管者）", &cover.holder, BODY);
    layout.field("整理番号", &cover.serial, LARGE);
    layout.y += 3.0;
    layout.paragraph(
        LEFT,
        RIGHT - LEFT,
        BODY,
        "この冊子は個人情報です。鍵のかかる場所に保管し、役割を交代するときや計画が更新されたときは、整理番号を添えて市へ返却してください。",
    );
    layout.heading("収録されている方", line_height(BODY));
    // Three columns, in the order the plans follow; a name never breaks across lines.
    let column_w = (RIGHT - LEFT) / 3.0;
    let lh = line_height(BODY);
    for row in plans.chunks(3).enumerate() {
        let (r, people) = row;
        layout.need(lh);
        layout.y += lh;
        for (c, plan) in people.iter().enumerate() {
            let text = format!("{}. {} 様", r * 3 + c + 1, plan.person.name);
            let x = LEFT + c as f32 * column_w;
            layout.text_at(x, layout.y - lh * 0.25, BODY, &text);
        }
    }
    if !cover.omitted.is_empty() {
        layout.heading("印刷しなかった計画（要確認）", line_height(BODY));
        for (name, reason) in &cover.omitted {
            layout.field(&format!("{name} 様"), reason, BODY);
        }
    }
    layout.finish(&cover.serial, Some("表紙"))
}

// ---------------------------------------------------------------------------------------------
// Page geometry (millimetres, y measured down from the top edge)

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 15.0;
const RIGHT: f32 = PAGE_W - 15.0;
const TOP: f32 = 14.0;
/// Content stops here; the footer lives below.
const CONTENT_BOTTOM: f32 = 273.5;

/// Body text size: DESIGN.md asks for 11 pt or more for elderly readers.
const BODY: f32 = 11.0;
/// Names and phone numbers are printed larger.
const LARGE: f32 = 14.0;
const LABEL_W: f32 = 34.0;

const MAP_W: f32 = 170.0;
const MAP_H: f32 = 80.0;
/// The map shrinks down to this height rather than push itself onto a second page.
const MAP_MIN_H: f32 = 60.0;

fn polygon(rings: Vec<Vec<(f32, f32)>>, mode: PaintMode) -> Op {
    pdf::polygon(PAGE_H, rings, mode)
}

fn polyline(points: &[(f32, f32)], closed: bool) -> Op {
    pdf::polyline(PAGE_H, points, closed)
}

fn rect(x: f32, y_top: f32, w: f32, h: f32, mode: PaintMode) -> Op {
    pdf::rect(PAGE_H, x, y_top, w, h, mode)
}

// ---------------------------------------------------------------------------------------------
// Layout: a cursor down the page that starts a new page when content would reach the footer

struct Layout<'f> {
    font: &'f Font,
    font_id: FontId,
    pages: Vec<Vec<Op>>,
    y: f32,
    /// Printed at the top of continuation pages so that a loose sheet still says whose it is.
    continued_title: String,
}

impl<'f> Layout<'f> {
    fn new(font: &'f Font, font_id: FontId, continued_title: String) -> Self {
        Layout {
            font,
            font_id,
            pages: vec![Vec::new()],
            y: TOP,
            continued_title,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `height_mm` still fits above the footer.
    fn need(&mut self, height_mm: f32) {
        if self.y + height_mm > CONTENT_BOTTOM && self.y > TOP + 12.0 {
            self.pages.push(Vec::new());
            self.y = TOP;
            let title = self.continued_title.clone();
            self.y += line_height(BODY);
            self.text_at(LEFT, self.y, BODY, &title);
            self.y += 3.0;
        }
    }

    /// Text with its baseline at `baseline` (mm from top).
    fn text_at(&mut self, x: f32, baseline: f32, size_pt: f32, text: &str) {
        let ops = pdf::text(&self.font_id, PAGE_H, x, baseline, size_pt, text);
        self.ops().extend(ops);
    }

    /// Wrapped text from `x` to `x + width`, advancing the cursor, across pages if need be.
    fn paragraph(&mut self, x: f32, width: f32, size_pt: f32, text: &str) {
        let lh = line_height(size_pt);
        for line in wrap(self.font, text, size_pt, width) {
            self.need(lh);
            self.y += lh;
            self.text_at(x, self.y - lh * 0.25, size_pt, &line);
        }
    }

    /// A label in the left column and its value wrapped in the right one.
    fn field(&mut self, label: &str, value: &str, size_pt: f32) {
        let lh = line_height(size_pt);
        self.need(lh);
        let first_baseline = self.y + lh * 0.75;
        self.text_at(LEFT, first_baseline, BODY, label);
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        self.paragraph(LEFT + LABEL_W, RIGHT - LEFT - LABEL_W, size_pt, value);
        self.y += 0.1;
    }

    fn optional_field(&mut self, label: &str, value: Option<&str>) {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            self.field(label, value, BODY);
        }
    }

    /// A section heading: a grey band, kept together with at least `keep_with_mm` below it.
    fn heading(&mut self, title: &str, keep_with_mm: f32) {
        let h = line_height(12.0) + 0.6;
        self.need(h + keep_with_mm + 1.2);
        self.y += 1.2;
        let y = self.y;
        self.ops().extend([Op::SetFillColor { col: grey(0.88) }]);
        self.ops()
            .push(rect(LEFT, y, RIGHT - LEFT, h, PaintMode::Fill));
        self.text_at(LEFT + 1.5, y + h * 0.72, 12.0, title);
        self.y += h + 0.8;
    }

    // -----------------------------------------------------------------------------------------
    // The plan form

    fn body(&mut self, plan: &PlanDocument) {
        let p = &plan.person;
        // Title and header.
        self.y += line_height(18.0);
        self.text_at(LEFT, self.y - 1.5, 18.0, "個別避難計画");
        let serial = format!("整理番号 {}", plan.serial);
        let w = self.font.width_mm(&serial, BODY);
        self.text_at(RIGHT - w, self.y - 1.5, BODY, &serial);
        self.y += 1.0;
        self.field(
            "作成日",
            &format!(
                "{}　作成者：{}",
                wareki_with_western(plan.written_on),
                plan.author
            ),
            BODY,
        );

        self.heading("本人", 20.0);
        // The name large, its reading beside it in body size.
        let name = format!("{} 様", p.name);
        let name_w = self.font.width_mm(&name, 16.0);
        let baseline = self.y + line_height(16.0) * 0.75;
        self.field("氏名", &name, 16.0);
        if !p.name_kana.trim().is_empty() && name_w < RIGHT - LEFT - LABEL_W - 50.0 {
            let kana = format!("（{}）", p.name_kana);
            self.text_at(LEFT + LABEL_W + name_w + 3.0, baseline, BODY, &kana);
        }
        self.field(
            "生年月日・性別",
            &format!("{}　{}", wareki_with_western(p.birth_date), p.sex_label),
            BODY,
        );
        self.field("住所", &p.address, BODY);
        self.field("電話", p.phone.as_deref().unwrap_or("なし"), LARGE);
        let mut reasons = p.reasons.join("、");
        if let Some(level) = p.care_level.as_deref().filter(|l| !l.trim().is_empty()) {
            reasons.push_str(&format!("（{level}）"));
        }
        self.field("支援が必要な理由", &reasons, BODY);
        self.optional_field("世帯・住まい", p.household.as_deref());
        self.optional_field("移動・必要な支援", p.mobility.as_deref());
        if !p.medical.is_empty() {
            self.field("医療的ケア・機器", &p.medical.join("、"), BODY);
        }
        let health: Vec<&str> = [p.doctor.as_deref(), p.medicines.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        if !health.is_empty() {
            self.field("主治医・服薬", &health.join("／"), BODY);
        }
        for (i, (name, relation, phone)) in p.emergency_contacts.iter().enumerate() {
            self.field(
                &format!("緊急連絡先{}", i + 1),
                &format!("{name}（{relation}）　{phone}"),
                LARGE,
            );
        }
        self.optional_field("その他", p.notes.as_deref());

        self.heading("避難支援等実施者", 2.0 * line_height(LARGE));
        if plan.supporters.is_empty() {
            self.field("", "未定", BODY);
        }
        for (i, s) in plan.supporters.iter().enumerate() {
            self.field(
                &format!("支援者{}", i + 1),
                &format!("{}（{}）　{}", s.name, s.relation, s.phone),
                LARGE,
            );
            let distance = s
                .distance_m
                .map(|d| format!("　自宅から{}", distance_label(f64::from(d))));
            self.field(
                "",
                &format!("{}{}", s.address, distance.unwrap_or_default()),
                BODY,
            );
        }

        self.heading(
            "避難先（災害の種類ごと）と避難のタイミング",
            line_height(BODY) * 2.0,
        );
        if plan.destinations.is_empty() {
            self.field("", "未定", BODY);
        }
        // Hazards that share a destination share a line, so that a plan naming one school
        // for five hazards still fits one page with its map.
        let mut groups: Vec<(Vec<&str>, &Destination)> = Vec::new();
        for d in &plan.destinations {
            match groups
                .iter_mut()
                .find(|(_, g)| g.shelter_name == d.shelter_name && g.distance_m == d.distance_m)
            {
                Some((labels, _)) => labels.push(&d.hazard_label),
                None => groups.push((vec![&d.hazard_label], d)),
            }
        }
        for (labels, d) in groups {
            let distance = d
                .distance_m
                .map(|m| format!("（自宅から{}）", distance_label(f64::from(m))));
            let place = format!("{}{}", d.shelter_name, distance.unwrap_or_default());
            let joined = labels.join("・");
            if self.font.width_mm(&joined, BODY) <= LABEL_W - 1.0 {
                self.field(&joined, &place, BODY);
            } else {
                self.field(
                    "避難先",
                    &format!("{place}\n（{}）", labels.join("・")),
                    BODY,
                );
            }
        }

        self.optional_field("避難経路", plan.route_note.as_deref());
        self.field("避難のタイミング", &plan.when_to_leave, BODY);
        self.field("持ち出す物", &plan.items_to_take, BODY);
        if let Some(notes) = plan
            .notes_for_supporters
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        {
            self.field("申し送り", notes, BODY);
        }
        self.optional_field("避難所への連絡", plan.notes_for_shelter_staff.as_deref());

        self.map(&plan.map);

        // The no-liability statement, boxed so that it cannot be missed.
        let lines = wrap(self.font, NO_LIABILITY, BODY, RIGHT - LEFT - 6.0);
        let h = lines.len() as f32 * line_height(BODY) + 3.0;
        self.need(h + 3.0);
        self.y += 3.0;
        let top = self.y;
        self.ops().extend(stroke_style(0.8, &[]));
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.ops()
            .push(rect(LEFT, top, RIGHT - LEFT, h, PaintMode::Stroke));
        self.y += 1.5;
        self.paragraph(LEFT + 3.0, RIGHT - LEFT - 6.0, BODY, NO_LIABILITY);
        self.y = top + h;
    }

    /// Adds the footer to every page, now that the page count is known.
    /// `label` names the part of a batch the pages belong to (e.g. 表紙).
    fn finish(mut self, serial: &str, label: Option<&str>) -> Vec<PdfPage> {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, mut ops) in pages.into_iter().enumerate() {
            self.pages = vec![Vec::new()];
            self.ops().extend(stroke_style(0.5, &[]));
            self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            self.ops()
                .push(polyline(&[(LEFT, 275.0), (RIGHT, 275.0)], false));
            self.text_at(LEFT, 281.0, BODY, CONFIDENTIAL);
            self.text_at(LEFT, 287.5, BODY, &format!("整理番号 {serial}"));
            let page = format!(
                "{}{} / {} ページ",
                label.map(|l| format!("{l} ")).unwrap_or_default(),
                i + 1,
                total
            );
            let w = self.font.width_mm(&page, BODY);
            self.text_at(RIGHT - w, 287.5, BODY, &page);
            ops.append(&mut self.pages[0]);
            out.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // The map

    fn map(&mut self, map: &PlanMap) {
        let legend_h = line_height(BODY) + 2.0;
        // Room left above the no-liability box (two lines and its margins).
        let below = legend_h + 3.0 + 2.0 * line_height(BODY) + 8.0;
        let room = CONTENT_BOTTOM - self.y - 2.0 - below;
        // Shrink to the room left, or start a new page with the full height.
        let map_h = if room >= MAP_MIN_H {
            room.min(MAP_H)
        } else {
            MAP_H
        };
        self.need(map_h + below);
        self.y += 2.0;
        let x0 = LEFT + (RIGHT - LEFT - MAP_W) / 2.0;
        let y0 = self.y;
        let proj = Projection::fit(map, MAP_W, map_h);
        let to_page = |p: (f64, f64)| {
            let (x, y) = proj.mm(p);
            (x0 + x, y0 + y)
        };
        let ring_pts =
            |ring: &Vec<(f64, f64)>| ring.iter().map(|&p| to_page(p)).collect::<Vec<_>>();

        let mut ops = vec![Op::SaveGraphicsState];
        // Everything outside the frame is clipped away.
        ops.push(rect(x0, y0, MAP_W, map_h, PaintMode::Clip));
        ops.push(Op::SetOutlineColor { col: grey(0.0) });

        // Flood zones: light grey fill with a thin solid outline.
        if !map.flood_areas.is_empty() {
            let rings: Vec<_> = map.flood_areas.iter().map(ring_pts).collect();
            ops.push(Op::SetFillColor { col: grey(0.82) });
            ops.push(polygon(rings.clone(), PaintMode::Fill));
            ops.extend(stroke_style(0.4, &[]));
            ops.push(polygon(rings, PaintMode::Stroke));
        }
        // Landslide zones: diagonal hatching and a dashed outline; no fill, so they stay
        // distinct from flood zones on a monochrome copy even where the two overlap.
        for ring in &map.landslide_areas {
            let pts = ring_pts(ring);
            if pts.len() < 3 {
                continue;
            }
            ops.push(Op::SaveGraphicsState);
            ops.push(polygon(vec![pts.clone()], PaintMode::Clip));
            ops.extend(stroke_style(0.5, &[]));
            hatch(&mut ops, &pts, 2.0);
            ops.push(Op::RestoreGraphicsState);
            ops.extend(stroke_style(1.0, &[3.0, 2.0]));
            ops.push(polygon(vec![pts], PaintMode::Stroke));
        }
        // District boundary: thick dash-dot line.
        if !map.district_boundary.is_empty() {
            ops.extend(stroke_style(2.0, &[8.0, 3.0, 2.0, 3.0]));
            for ring in &map.district_boundary {
                ops.push(polyline(&ring_pts(ring), true));
            }
        }
        self.ops().append(&mut ops);

        // Route: a straight line home → destination with its geodesic length.
        let home = to_page(map.home);
        if let Some(dest) = map.destination {
            let d = to_page(dest);
            self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            self.ops().extend(stroke_style(1.6, &[]));
            self.ops().push(polyline(&[home, d], false));
            let label = format!(
                "直線 {}",
                distance_label(crate::domain::location::distance_m(map.home, dest))
            );
            let mid = ((home.0 + d.0) / 2.0, (home.1 + d.1) / 2.0);
            self.label(mid.0 + 2.0, mid.1, &label);
        }
        // Supporters: open circles.
        for (i, &s) in map.supporters.iter().enumerate() {
            let (x, y) = to_page(s);
            self.ops().push(Op::SetFillColor { col: grey(1.0) });
            self.ops().extend(stroke_style(1.2, &[]));
            self.ops()
                .push(polygon(vec![circle(x, y, 1.8)], PaintMode::FillStroke));
            self.label(x + 2.5, y + 1.5, &format!("支援者{}", i + 1));
        }
        // Destination: filled triangle.
        if let Some(dest) = map.destination {
            let (x, y) = to_page(dest);
            self.ops().push(Op::SetFillColor { col: grey(0.0) });
            self.ops().push(polygon(
                vec![vec![(x, y - 2.6), (x - 2.6, y + 1.8), (x + 2.6, y + 1.8)]],
                PaintMode::Fill,
            ));
            self.label(x + 3.2, y + 1.5, "避難先");
        }
        // Home: filled square.
        self.ops().push(Op::SetFillColor { col: grey(0.0) });
        self.ops()
            .push(rect(home.0 - 2.0, home.1 - 2.0, 4.0, 4.0, PaintMode::Fill));
        self.label(home.0 + 3.0, home.1 + 1.5, "自宅");

        self.scale_bar(x0 + 3.0, y0 + map_h - 4.0, proj.mm_per_m);
        // The map's title sits in its corner rather than in a heading band: it saves a line
        // that a one-page plan needs.
        self.ops().push(Op::SetFillColor { col: grey(0.88) });
        let title_w = self.font.width_mm("避難経路図", 12.0);
        self.ops().push(rect(
            x0,
            y0,
            title_w + 4.0,
            line_height(12.0) + 0.6,
            PaintMode::Fill,
        ));
        self.text_at(x0 + 2.0, y0 + line_height(12.0) * 0.8, 12.0, "避難経路図");
        self.north_arrow(x0 + MAP_W - 9.0, y0 + 3.0);
        self.ops().push(Op::RestoreGraphicsState);

        // Frame.
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.ops().extend(stroke_style(0.8, &[]));
        self.ops()
            .push(rect(x0, y0, MAP_W, map_h, PaintMode::Stroke));
        self.y = y0 + map_h + 1.0;
        self.legend(x0);
    }

    /// A map label on a white ground so that it stays readable over hatching and lines.
    fn label(&mut self, x: f32, baseline: f32, text: &str) {
        let w = self.font.width_mm(text, BODY);
        let h = BODY * MM_PER_PT;
        self.ops().push(Op::SetFillColor { col: grey(1.0) });
        self.ops().push(rect(
            x - 0.6,
            baseline - h * 0.95,
            w + 1.2,
            h * 1.25,
            PaintMode::Fill,
        ));
        self.text_at(x, baseline, BODY, text);
    }

    /// A scale bar of a round length (50 m, 100 m, 200 m, 500 m, 1 km…) no longer than 40 mm.
    fn scale_bar(&mut self, x: f32, y: f32, mm_per_m: f64) {
        const STEPS: [f64; 11] = [
            10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0,
        ];
        let metres = STEPS
            .iter()
            .rev()
            .copied()
            .find(|m| m * mm_per_m <= 40.0)
            .unwrap_or(STEPS[0]);
        let len = (metres * mm_per_m) as f32;
        let text = if metres < 1000.0 {
            format!("{metres} m")
        } else {
            format!("{} km", metres / 1000.0)
        };
        let tw = self.font.width_mm(&text, BODY);
        self.ops().push(Op::SetFillColor { col: grey(1.0) });
        self.ops().push(rect(
            x - 1.0,
            y - 6.5,
            len.max(tw) + 3.0,
            8.0,
            PaintMode::Fill,
        ));
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.ops().extend(stroke_style(1.2, &[]));
        self.ops().push(polyline(
            &[(x, y - 1.5), (x, y), (x + len, y), (x + len, y - 1.5)],
            false,
        ));
        self.ops().push(Op::SetFillColor { col: grey(0.0) });
        self.ops()
            .push(rect(x, y - 0.8, len / 2.0, 0.8, PaintMode::Fill));
        self.text_at(x, y - 2.2, BODY, &text);
    }

    /// An arrow pointing up (the projection keeps north up) with N and 北.
    fn north_arrow(&mut self, x: f32, y: f32) {
        self.ops().push(Op::SetFillColor { col: grey(1.0) });
        self.ops()
            .push(rect(x - 5.0, y - 1.0, 12.0, 16.0, PaintMode::Fill));
        self.ops().push(Op::SetFillColor { col: grey(0.0) });
        self.ops().push(polygon(
            vec![vec![
                (x, y + 5.0),
                (x - 2.5, y + 13.0),
                (x, y + 11.0),
                (x + 2.5, y + 13.0),
            ]],
            PaintMode::Fill,
        ));
        self.text_at(x - 1.5, y + 4.0, BODY, "N");
        self.text_at(x + 2.8, y + 12.0, BODY, "北");
    }

    /// The key under the map, with the same symbols and line styles.
    fn legend(&mut self, x0: f32) {
        let lh = line_height(BODY);
        self.y += lh;
        let mut x = x0;
        let mut swatch = |this: &mut Self, draw: &dyn Fn(&mut Vec<Op>, f32, f32), label: &str| {
            let w = this.font.width_mm(label, BODY);
            if x + 7.5 + w > x0 + MAP_W {
                x = x0;
                this.y += lh;
            }
            let y = this.y;
            draw(this.ops(), x, y - 3.8);
            this.text_at(x + 7.5, y, BODY, label);
            x += 7.5 + w + 4.0;
        };
        swatch(
            self,
            &|ops, x, y| {
                ops.push(Op::SetFillColor { col: grey(0.0) });
                ops.push(rect(x + 1.5, y + 0.5, 3.5, 3.5, PaintMode::Fill));
            },
            "自宅",
        );
        swatch(
            self,
            &|ops, x, y| {
                ops.push(Op::SetFillColor { col: grey(1.0) });
                ops.extend(stroke_style(1.2, &[]));
                ops.push(polygon(
                    vec![circle(x + 3.2, y + 2.2, 1.8)],
                    PaintMode::FillStroke,
                ));
            },
            "支援者",
        );
        swatch(
            self,
            &|ops, x, y| {
                ops.push(Op::SetFillColor { col: grey(0.0) });
                ops.push(polygon(
                    vec![vec![(x + 3.2, y), (x + 0.8, y + 4.2), (x + 5.6, y + 4.2)]],
                    PaintMode::Fill,
                ));
            },
            "避難先",
        );
        swatch(
            self,
            &|ops, x, y| {
                ops.push(Op::SetFillColor { col: grey(0.82) });
                ops.extend(stroke_style(0.4, &[]));
                ops.push(rect(x, y, 6.5, 4.2, PaintMode::FillStroke));
            },
            "浸水想定区域",
        );
        swatch(
            self,
            &|ops, x, y| {
                let pts = vec![(x, y), (x + 6.5, y), (x + 6.5, y + 4.2), (x, y + 4.2)];
                ops.push(Op::SaveGraphicsState);
                ops.push(polygon(vec![pts.clone()], PaintMode::Clip));
                ops.extend(stroke_style(0.5, &[]));
                hatch(ops, &pts, 1.5);
                ops.push(Op::RestoreGraphicsState);
                ops.extend(stroke_style(1.0, &[3.0, 2.0]));
                ops.push(polygon(vec![pts], PaintMode::Stroke));
            },
            "土砂災害警戒区域",
        );
        swatch(
            self,
            &|ops, x, y| {
                ops.extend(stroke_style(2.0, &[8.0, 3.0, 2.0, 3.0]));
                ops.push(polyline(&[(x, y + 2.2), (x + 6.5, y + 2.2)], false));
            },
            "地区境界",
        );
        self.ops().extend(stroke_style(1.0, &[]));
        self.y += lh * 0.4;
    }
}

/// Diagonal lines every `spacing` mm over the bounding box of `pts` (to be clipped by the
/// caller to the polygon).
fn hatch(ops: &mut Vec<Op>, pts: &[(f32, f32)], spacing: f32) {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in pts {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    }
    // Keep the stroke count bounded for a zone far larger than the map.
    let (min_x, max_x) = (min_x.max(-50.0), max_x.min(PAGE_W + 50.0));
    let (min_y, max_y) = (min_y.max(-50.0), max_y.min(PAGE_H + 50.0));
    let h = max_y - min_y;
    let mut x = min_x - h;
    while x < max_x {
        ops.push(polyline(&[(x, max_y), (x + h, min_y)], false));
        x += spacing;
    }
}

// ---------------------------------------------------------------------------------------------
// Geometry

use crate::domain::location::EARTH_RADIUS_M;

/// Equirectangular projection around the home (x east, y down, in mm of the map box), with
/// longitudes scaled by cos(latitude) so that a metre is a metre both ways at town scale.
struct Projection {
    home: (f64, f64),
    cos_lat: f64,
    mm_per_m: f64,
    /// Map-box position of the projection's origin (the home), in mm.
    origin: (f64, f64),
}

impl Projection {
    /// Fits home, supporters and destination into a `w` × `h` mm box with a margin. A map of
    /// the home alone shows about 400 m around it.
    fn fit(map: &PlanMap, w: f32, h: f32) -> Self {
        let home = map.home;
        let cos_lat = home.0.to_radians().cos().max(0.01);
        let mut proj = Projection {
            home,
            cos_lat,
            mm_per_m: 1.0,
            origin: (0.0, 0.0),
        };
        let mut min = (0.0_f64, 0.0_f64);
        let mut max = (0.0_f64, 0.0_f64);
        for p in map.supporters.iter().chain(map.destination.iter()) {
            let (x, y) = proj.metres(*p);
            min = (min.0.min(x), min.1.min(y));
            max = (max.0.max(x), max.1.max(y));
        }
        let (w, h) = (f64::from(w), f64::from(h));
        // Margin: 15 % of the box on each side, and labels need room to the right.
        let span_x = (max.0 - min.0).max(200.0);
        let span_y = (max.1 - min.1).max(200.0);
        proj.mm_per_m = (w * 0.7 / span_x).min(h * 0.7 / span_y);
        let centre = ((min.0 + max.0) / 2.0, (min.1 + max.1) / 2.0);
        proj.origin = (
            w / 2.0 - centre.0 * proj.mm_per_m,
            h / 2.0 - centre.1 * proj.mm_per_m,
        );
        proj
    }

    /// Metres east and south of the home.
    fn metres(&self, (lat, lon): (f64, f64)) -> (f64, f64) {
        let x = (lon - self.home.1).to_radians() * EARTH_RADIUS_M * self.cos_lat;
        let y = -(lat - self.home.0).to_radians() * EARTH_RADIUS_M;
        (x, y)
    }

    /// Position in the map box, mm from its top-left corner.
    fn mm(&self, p: (f64, f64)) -> (f32, f32) {
        let (x, y) = self.metres(p);
        (
            (self.origin.0 + x * self.mm_per_m) as f32,
            (self.origin.1 + y * self.mm_per_m) as f32,
        )
    }
}

/// `約420 m` below a kilometre, `約1.2 km` above, from whole metres (the text beside the
/// map and the label on it round alike, so they never differ).
fn distance_label(metres: f64) -> String {
    let metres = metres.round();
    if metres < 1000.0 {
        format!("約{} m", (metres / 10.0).round() * 10.0)
    } else {
        format!("約{:.1} km", metres / 1000.0)
    }
}

fn validate_map(map: &PlanMap) -> Result<(), RenderError> {
    fn ok(&(lat, lon): &(f64, f64)) -> bool {
        lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0
    }
    fn check<'a>(
        mut points: impl Iterator<Item = &'a (f64, f64)>,
        what: &'static str,
    ) -> Result<(), RenderError> {
        if points.all(ok) {
            Ok(())
        } else {
            Err(RenderError::InvalidCoordinate { what })
        }
    }
    check(std::iter::once(&map.home), "home")?;
    check(map.supporters.iter(), "supporter")?;
    check(map.destination.iter(), "destination")?;
    check(map.flood_areas.iter().flatten(), "flood area")?;
    check(map.landslide_areas.iter().flatten(), "landslide area")?;
    check(map.district_boundary.iter().flatten(), "district boundary")?;
    Ok(())
}

/// A realistic example plan (a person in Kurume with two supporters and a map), for tests,
/// the printing benchmark and anyone trying the renderer.
pub mod example {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// A small square ring of `half` degrees around (lat, lon).
    fn square(lat: f64, lon: f64, half: f64) -> Vec<(f64, f64)> {
        vec![
            (lat - half, lon - half),
            (lat - half, lon + half),
            (lat + half, lon + half),
            (lat + half, lon - half),
        ]
    }

    /// A plausible plan for a person in Kurume.
    pub fn sample_plan() -> PlanDocument {
        let home = (33.3192, 130.5083);
        PlanDocument {
            serial: "P-000123".into(),
            written_on: date(2026, 4, 1),
            author: "田中一郎（民生委員）".into(),
            person: Person {
                name: "久留米 花子".into(),
                name_kana: "くるめ はなこ".into(),
                birth_date: date(1940, 3, 15),
                sex_label: "女".into(),
                address: "福岡県久留米市城南町15番地3".into(),
                phone: Some("0942-30-1234".into()),
                reasons: vec!["65歳以上のみの世帯".into(), "要介護認定".into()],
                household: Some("一人暮らし・木造2階建ての1階で就寝".into()),
                care_level: Some("要介護2".into()),
                mobility: Some("杖歩行。長い距離は車いすが必要。階段は介助が必要。".into()),
                medical: vec!["在宅酸素療法".into()],
                emergency_contacts: vec![
                    ("久留米 太郎".into(), "長男".into(), "090-1111-2222".into()),
                    ("佐藤 恵子".into(), "長女".into(), "080-3333-4444".into()),
                ],
                doctor: Some("城南クリニック（0942-30-5555）".into()),
                medicines: Some("降圧剤（朝・夕）".into()),
                notes: None,
            },
            supporters: vec![
                PlanSupporter {
                    name: "筑後 次郎".into(),
                    relation: "近隣住民".into(),
                    phone: "090-5555-6666".into(),
                    address: "久留米市城南町16番地".into(),
                    distance_m: Some(120),
                },
                PlanSupporter {
                    name: "山本 美咲".into(),
                    relation: "自治会".into(),
                    phone: "090-7777-8888".into(),
                    address: "久留米市城南町20番地1".into(),
                    distance_m: Some(260),
                },
            ],
            destinations: vec![
                Destination {
                    hazard_label: "洪水".into(),
                    shelter_name: "久留米市立城南小学校 体育館".into(),
                    distance_m: Some(640),
                },
                Destination {
                    hazard_label: "地震".into(),
                    shelter_name: "城南公民館".into(),
                    distance_m: Some(300),
                },
            ],
            when_to_leave: "警戒レベル3「高齢者等避難」が出たら、支援者と一緒にすぐ避難する。"
                .into(),
            items_to_take: "常備薬、お薬手帳、酸素ボンベ、眼鏡、保険証、携帯電話と充電器".into(),
            route_note: Some("大雨のときは川沿いの市道を避け、県道を通る。".into()),
            notes_for_supporters: Some("耳が遠いので大きな声でゆっくり話してください。".into()),
            notes_for_shelter_staff: None,
            map: PlanMap {
                home,
                supporters: vec![(33.3201, 130.5090), (33.3175, 130.5105)],
                destination: Some((33.3240, 130.5120)),
                flood_areas: vec![square(33.3185, 130.5070, 0.0015)],
                landslide_areas: vec![square(33.3230, 130.5045, 0.0008)],
                district_boundary: vec![square(33.3205, 130.5090, 0.0038)],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::example::*;
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;

    fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("sasaeai-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The text of the PDF via poppler's pdftotext, or None when the tool is not installed.
    fn pdftotext(path: &PathBuf) -> Option<String> {
        let out = Command::new("pdftotext")
            .arg("-layout")
            .arg(path)
            .arg("-")
            .output()
            .ok()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A broken embedded font shows as "Syntax Error: Couldn't create a font" while the
        // text (from /ToUnicode) still extracts; fail on any complaint.
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "pdftotext: {stderr}"
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }

    fn page_count(text: &str) -> usize {
        // pdftotext ends every page with a form feed.
        text.matches('\u{c}').count()
    }

    #[test]
    fn sample_plan_prints_names_phones_destination_era_date_and_serial() {
        let bytes = render(&sample_plan()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let path = write_temp("plan.pdf", &bytes);
        let Some(text) = pdftotext(&path) else {
            eprintln!("note: pdftotext not installed; text checks skipped");
            return;
        };
        // Spaces inside names survive extraction; compare without layout spacing.
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for expected in [
            "久留米花子",
            "筑後次郎",
            "090-5555-6666",
            "久留米市立城南小学校",
            "令和8年4月1日（2026-04-01）",
            "P-000123",
            "法的な責任や義務を負うものではありません",
            "取扱注意",
            "1/1ページ",
        ] {
            assert!(flat.contains(expected), "{expected} missing from:\n{text}");
        }
        assert_eq!(page_count(&text), 1);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn one_page_plan_is_under_100_kb() {
        let bytes = render(&sample_plan()).unwrap();
        assert!(bytes.len() < 100 * 1024, "{} bytes", bytes.len());
    }

    #[test]
    fn plan_with_very_long_notes_continues_on_a_second_page_with_footer() {
        let mut plan = sample_plan();
        plan.notes_for_supporters = Some("夜間は玄関の鍵を内側から掛けています。".repeat(60));
        let bytes = render(&plan).unwrap();
        let path = write_temp("long.pdf", &bytes);
        let Some(text) = pdftotext(&path) else {
            eprintln!("note: pdftotext not installed; page checks skipped");
            return;
        };
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(page_count(&text), 2, "{text}");
        assert!(flat.contains("2/2ページ"));
        assert!(flat.matches("P-000123").count() >= 2);
        assert_eq!(flat.matches("取扱注意").count(), 2);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn batch_has_a_cover_then_each_plan_on_its_own_pages() {
        let mut plans = Vec::new();
        for i in 0..5 {
            let mut plan = sample_plan();
            plan.person.name = format!("久留米 花子{i}");
            if i == 2 {
                plan.notes_for_supporters =
                    Some("夜間は玄関の鍵を内側から掛けています。".repeat(60));
            }
            plans.push(plan);
        }
        let cover = BatchCover {
            serial: "B-000007".into(),
            district: "D01 城南校区".into(),
            tier: Some("A".into()),
            printed_by: "staff".into(),
            holder: "城南校区 民生委員".into(),
            printed_on: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            omitted: vec![("筑後 三郎".into(), "支援者が同意を取り消しています".into())],
        };
        let mut seen = Vec::new();
        let bytes = render_batch(&cover, &plans, &mut |done, all| seen.push((done, all))).unwrap();
        assert_eq!(seen, (1..=5).map(|d| (d, 5)).collect::<Vec<_>>());
        let path = write_temp("batch.pdf", &bytes);
        let Some(text) = pdftotext(&path) else {
            return;
        };
        std::fs::remove_file(path).unwrap();
        let pages: Vec<String> = text
            .split('\u{c}')
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
            .filter(|p: &String| !p.is_empty())
            .collect();
        // Cover, four one-page plans and one two-page plan.
        assert_eq!(pages.len(), 1 + 4 + 2, "{text}");
        for expected in [
            "地区一括印刷",
            "D01城南校区",
            "5件",
            "令和8年11月27日",
            "筑後三郎様",
            "Aのみ",
        ] {
            assert!(pages[0].contains(expected), "cover lacks {expected}");
        }
        assert!(pages[0].contains("表紙1/1ページ"));
        assert!(pages[1].contains("久留米花子0様") && pages[1].contains("1/1ページ"));
        assert!(pages[3].contains("久留米花子2様") && pages[3].contains("1/2ページ"));
        assert!(pages[4].contains("2/2ページ"));
        assert!(pages[6].contains("久留米花子4様"));
        assert!(
            pages
                .iter()
                .all(|p| p.contains("B-000007") && !p.contains("P-000123"))
        );
        assert!(pages.iter().all(|p| p.contains("取扱注意")));
    }

    #[test]
    fn non_finite_coordinate_is_rejected() {
        let mut plan = sample_plan();
        plan.map.supporters.push((f64::NAN, 130.5));
        assert_eq!(
            render(&plan),
            Err(RenderError::InvalidCoordinate { what: "supporter" })
        );
    }

    #[test]
    fn plan_without_supporters_destination_or_zones_still_renders() {
        let mut plan = sample_plan();
        plan.supporters.clear();
        plan.destinations.clear();
        plan.map = PlanMap {
            home: (33.3192, 130.5083),
            ..PlanMap::default()
        };
        assert!(render(&plan).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width_and_loses_no_text() {
        let font = embedded_font().unwrap();
        let text = "警戒レベル3「高齢者等避難」が出たら、支援者と一緒にすぐ避難する。Please call before visiting.";
        let lines = wrap(font, text, BODY, 40.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(font.width_mm(line, BODY) <= 40.0 + 4.0, "{line}");
        }
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn the_text_and_the_map_round_a_distance_alike() {
        // 644.6 m: the text gets 645 whole metres, 約650 m; the map, rounding the same way,
        // says 約650 m too (not 約640 m).
        assert_eq!(distance_label(644.6), distance_label(645.0));
        assert_eq!(distance_label(644.6), "約650 m");
        assert_eq!(distance_label(1_234.0), "約1.2 km");
    }

    #[test]
    fn sample_plan_pdf_is_written_for_inspection() {
        // Not an assertion of looks: leaves a file to rasterise and view by eye.
        let bytes = render(&sample_plan()).unwrap();
        std::fs::write(std::env::temp_dir().join("sasaeai-sample-plan.pdf"), bytes).unwrap();
        let mut long = sample_plan();
        long.notes_for_supporters = Some("夜間は玄関の鍵を内側から掛けています。".repeat(60));
        let bytes = render(&long).unwrap();
        std::fs::write(std::env::temp_dir().join("sasaeai-long-plan.pdf"), bytes).unwrap();
    }

    /// Throughput in release: `cargo test --release -- --ignored --nocapture plans_per_second`.
    #[test]
    #[ignore = "measurement, run in release"]
    fn plans_per_second() {
        let plan = sample_plan();
        let _ = render(&plan).unwrap(); // parse the font once
        let start = std::time::Instant::now();
        let n = 200;
        let mut bytes = 0;
        for _ in 0..n {
            bytes = render(&plan).unwrap().len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:.1} plans/s on one thread, {bytes} bytes per one-page plan",
            f64::from(n) / secs
        );
    }
}
