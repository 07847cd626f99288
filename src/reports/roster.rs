//! The day's roster of volunteer teams (活動者名簿) as an A4 landscape PDF, and a one-page
//! dispatch slip (派遣票) per team, A4 portrait.
//!
//! Pure: a [`Roster`] or [`DispatchSlip`] goes in, PDF bytes come out. The roster is a table,
//! one row per team (number, leader and phone, members with their insurance marked ✓/×,
//! destinations with addresses, work, equipment); the title line and the table header repeat
//! on every page and a team is never split across pages. A last page draws the destinations
//! as numbered points in a frame with a scale bar, so staff can see which teams go the same
//! way. Every page carries the confidentiality line, the copy's serial and "page x / y".

use chrono::NaiveDate;
use printpdf::{FontId, Mm, Op, PaintMode, PdfPage};

pub use super::pdf::RenderError;
use super::pdf::{self, Font, embedded_font, grey, line_height, save, stroke_style, wrap};
use crate::domain::era::wareki_with_western;

/// The confidentiality line at the foot of every page.
pub const CONFIDENTIAL: &str =
    "取扱注意：個人情報を含みます。活動終了後は回収し、目的外の利用・複製を禁じます。";

/// A day's roster, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// The copy's serial, printed on every page.
    pub serial: String,
    /// The activity day.
    pub day: NaiveDate,
    pub printed_by: String,
    pub holder: String,
    /// Teams in number order.
    pub teams: Vec<RosterTeam>,
}

/// One team on the roster or a slip.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterTeam {
    pub number: i32,
    /// The team's status label (提案, 確定…).
    pub status: String,
    pub leader: Option<RosterMember>,
    /// Every member, the leader included, in registration order.
    pub members: Vec<RosterMember>,
    pub requests: Vec<RosterRequest>,
    /// Lent equipment, e.g. 「スコップ×5」.
    pub equipment: Vec<String>,
}

/// A member of a team.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterMember {
    pub registration_number: String,
    pub name: String,
    pub phone: String,
    /// Holds volunteer activity insurance.
    pub insured: bool,
    /// The group the member came with; `None` for an individual.
    pub party_name: Option<String>,
    /// Under 18.
    pub minor: bool,
}

/// A destination of a team.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRequest {
    /// The help request's number.
    pub id: i64,
    pub requester_name: String,
    pub address: String,
    pub phone: Option<String>,
    /// Work in words (泥出し、家財の搬出).
    pub work: String,
    pub people_needed: u32,
    /// Tools and notes for the slip.
    pub details: String,
    /// WGS84 degrees.
    pub latitude: f64,
    pub longitude: f64,
}

/// One team's dispatch slip, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct DispatchSlip {
    pub serial: String,
    pub day: NaiveDate,
    pub printed_by: String,
    pub team: RosterTeam,
}

// A4 landscape for the roster, millimetres down from the top edge.
const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const LEFT: f32 = 12.0;
const RIGHT: f32 = PAGE_W - 12.0;
const TOP: f32 = 10.0;
const CONTENT_BOTTOM: f32 = 192.0;
const CELL: f32 = 10.5;
const BIG: f32 = 12.0;
const PAD: f32 = 1.2;

/// The roster's columns: header and width in mm (they add up to RIGHT - LEFT).
const COLUMNS: [(&str, f32); 6] = [
    ("班", 12.0),
    ("リーダー・電話", 45.0),
    ("メンバー（保険 ✓加入 ×未加入）", 80.0),
    ("活動先・住所", 80.0),
    ("作業・人数", 32.0),
    ("資機材", 24.0),
];

fn member_line(m: &RosterMember) -> String {
    let mark = if m.insured { "✓" } else { "×" };
    let minor = if m.minor { "（未成年）" } else { "" };
    match &m.party_name {
        Some(party) => format!(
            "{mark} {}{minor} {}［{party}］",
            m.name, m.registration_number
        ),
        None => format!("{mark} {}{minor} {}［個人］", m.name, m.registration_number),
    }
}

/// Pages under construction: ops per page and the cursor.
struct Pages<'f> {
    font: &'f Font,
    font_id: FontId,
    page_h: f32,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, baseline: f32, size_pt: f32, text: &str) {
        let ops = pdf::text(&self.font_id, self.page_h, x, baseline, size_pt, text);
        self.ops().extend(ops);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) {
        let op = pdf::rect(self.page_h, x, y, w, h, mode);
        self.ops().push(op);
    }

    /// Lines of `text` wrapped to `width` at `size`.
    fn lines(&self, text: &str, size: f32, width: f32) -> Vec<(String, f32)> {
        wrap(self.font, text, size, width)
            .into_iter()
            .map(|l| (l, size))
            .collect()
    }

    /// Draws the footer on every page, now that the count is known.
    fn finish(mut self, serial: &str, page_w: f32, bottom: f32) -> Vec<PdfPage> {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, mut ops) in pages.into_iter().enumerate() {
            self.pages = vec![Vec::new()];
            self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            self.ops().extend(stroke_style(0.5, &[]));
            let line = pdf::polyline(
                self.page_h,
                &[(LEFT, bottom - 6.0), (page_w - LEFT, bottom - 6.0)],
                false,
            );
            self.ops().push(line);
            let footer = format!("{CONFIDENTIAL}　整理番号 {serial}");
            self.text(LEFT, bottom, 9.0, &footer);
            let page = format!("{} / {} ページ", i + 1, total);
            let w = self.font.width_mm(&page, CELL);
            self.text(page_w - LEFT - w, bottom, CELL, &page);
            ops.append(&mut self.pages[0]);
            out.push(PdfPage::new(Mm(page_w), Mm(self.page_h), ops));
        }
        out
    }
}

/// Renders the day's roster.
///
/// # Errors
/// [`RenderError::Font`] if the embedded font cannot be parsed;
/// [`RenderError::InvalidCoordinate`] for a destination off the globe.
pub fn render_roster(roster: &Roster) -> Result<Vec<u8>, RenderError> {
    let font = embedded_font()?;
    let mut p = Pages {
        font,
        font_id: FontId::new(),
        page_h: PAGE_H,
        pages: Vec::new(),
        y: 0.0,
    };
    table_page(&mut p, roster, true);
    if roster.teams.is_empty() {
        p.y += line_height(CELL) + 2.0;
        p.text(LEFT + 2.0, p.y, CELL, "この日の班はまだありません。");
    }
    for team in &roster.teams {
        team_row(&mut p, roster, team);
    }
    let points: Vec<(i32, f64, f64)> = roster
        .teams
        .iter()
        .flat_map(|t| {
            t.requests
                .iter()
                .map(|r| (t.number, r.latitude, r.longitude))
        })
        .collect();
    if !points.is_empty() {
        table_page(&mut p, roster, false);
        map(&mut p, &points)?;
    }
    let pages = p.finish(&roster.serial, PAGE_W, 200.0);
    save(
        font,
        &format!("活動者名簿 {} {}", roster.day, roster.serial),
        roster.day,
        pages,
    )
}

/// Starts a page with the title line and, for the table, its header.
fn table_page(p: &mut Pages<'_>, roster: &Roster, header: bool) {
    p.pages.push(Vec::new());
    p.y = TOP + line_height(16.0);
    let title = format!(
        "活動者名簿（災害ボランティアセンター）　{}",
        wareki_with_western(roster.day)
    );
    p.text(LEFT, p.y, 16.0, &title);
    let info = format!(
        "印刷者 {}　保管者 {}　整理番号 {}",
        roster.printed_by, roster.holder, roster.serial
    );
    // Beside the title when there is room, else on a line of its own below it.
    let w = p.font.width_mm(&info, 9.0);
    let title_end = LEFT + p.font.width_mm(&title, 16.0) + 4.0;
    if title_end + w <= RIGHT {
        p.text(RIGHT - w, p.y, 9.0, &info);
    } else {
        p.y += line_height(9.0);
        p.text(RIGHT - w, p.y, 9.0, &info);
    }
    p.y += 3.0;
    if !header {
        return;
    }
    let h = line_height(CELL) + 2.0 * PAD;
    p.ops().push(Op::SetFillColor { col: grey(0.85) });
    p.rect(LEFT, p.y, RIGHT - LEFT, h, PaintMode::Fill);
    let mut x = LEFT;
    let baseline = p.y + PAD + line_height(CELL) * 0.75;
    for (title, width) in COLUMNS {
        p.text(
            x + PAD,
            baseline,
            if width < 30.0 { 9.5 } else { CELL },
            title,
        );
        x += width;
    }
    grid(p, p.y, h);
    p.y += h;
}

fn grid(p: &mut Pages<'_>, y: f32, h: f32) {
    p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
    p.ops().extend(stroke_style(0.6, &[]));
    let mut x = LEFT;
    for (_, width) in COLUMNS {
        p.rect(x, y, width, h, PaintMode::Stroke);
        x += width;
    }
}

fn team_row(p: &mut Pages<'_>, roster: &Roster, team: &RosterTeam) {
    let width = |col: usize| COLUMNS[col].1 - 2.0 * PAD;
    let mut leader = match &team.leader {
        Some(l) => {
            let mut lines = p.lines(&l.name, BIG, width(1));
            lines.push((format!("☎ {}", l.phone), BIG));
            lines
        }
        None => p.lines("未定", CELL, width(1)),
    };
    leader.extend(p.lines(&format!("（{}）", team.status), 9.0, width(1)));
    let mut members: Vec<(String, f32)> = Vec::new();
    for m in &team.members {
        members.extend(p.lines(&member_line(m), 9.5, width(2)));
    }
    members.push((format!("計 {}人", team.members.len()), 9.5));
    let mut places: Vec<(String, f32)> = Vec::new();
    let mut work: Vec<(String, f32)> = Vec::new();
    for r in &team.requests {
        let head = format!("No.{} {} 様", r.id, r.requester_name);
        let mut block = p.lines(&head, CELL, width(3));
        block.extend(p.lines(&r.address, CELL, width(3)));
        if let Some(phone) = &r.phone {
            block.push((format!("☎ {phone}"), CELL));
        }
        let mut w = p.lines(&format!("{} {}人", r.work, r.people_needed), CELL, width(4));
        // Keep each destination's work beside its address.
        while w.len() < block.len() {
            w.push((String::new(), CELL));
        }
        while block.len() < w.len() {
            block.push((String::new(), CELL));
        }
        places.extend(block);
        work.extend(w);
    }
    let equipment = if team.equipment.is_empty() {
        vec![("なし".to_owned(), CELL)]
    } else {
        team.equipment
            .iter()
            .flat_map(|e| p.lines(e, CELL, width(5)))
            .collect()
    };
    let cells = [
        vec![(team.number.to_string(), 16.0)],
        leader,
        members,
        places,
        work,
        equipment,
    ];
    let height = |lines: &Vec<(String, f32)>| -> f32 {
        lines.iter().map(|(_, size)| line_height(*size)).sum()
    };
    let h = cells.iter().map(height).fold(0.0, f32::max) + 2.0 * PAD;
    if p.y + h > CONTENT_BOTTOM {
        table_page(p, roster, true);
    }
    let top = p.y;
    let mut x = LEFT;
    for (col, lines) in cells.iter().enumerate() {
        let mut y = top + PAD;
        for (line, size) in lines {
            let lh = line_height(*size);
            if !line.is_empty() {
                p.text(x + PAD, y + lh * 0.78, *size, line);
            }
            y += lh;
        }
        x += COLUMNS[col].1;
    }
    grid(p, top, h);
    p.y = top + h;
}

/// Metres per degree of latitude (mean Earth radius).
const M_PER_DEG: f64 = crate::domain::location::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// The destinations as numbered points in a frame, with a scale bar and north arrow.
fn map(p: &mut Pages<'_>, points: &[(i32, f64, f64)]) -> Result<(), RenderError> {
    if points
        .iter()
        .any(|&(_, lat, lon)| !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon))
    {
        return Err(RenderError::InvalidCoordinate {
            what: "destination",
        });
    }
    let (x0, y0, w, h) = (LEFT, p.y + 8.0, RIGHT - LEFT, CONTENT_BOTTOM - p.y - 12.0);
    p.text(LEFT, p.y + 5.0, CELL, "活動先の地図（数字は班番号）");
    p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
    p.ops().extend(stroke_style(0.8, &[]));
    p.rect(x0, y0, w, h, PaintMode::Stroke);
    let (mut lat_min, mut lat_max, mut lon_min, mut lon_max) =
        (90.0_f64, -90.0_f64, 180.0_f64, -180.0_f64);
    for &(_, lat, lon) in points {
        lat_min = lat_min.min(lat);
        lat_max = lat_max.max(lat);
        lon_min = lon_min.min(lon);
        lon_max = lon_max.max(lon);
    }
    let lat_mid = (lat_min + lat_max) / 2.0;
    let cos = lat_mid.to_radians().cos().max(0.01);
    // Extent in metres, at least 400 m so that one point sits in a readable neighbourhood.
    let ew = ((lon_max - lon_min) * M_PER_DEG * cos).max(400.0);
    let ns = ((lat_max - lat_min) * M_PER_DEG).max(400.0);
    let margin = 12.0_f64;
    let mm_per_m = ((f64::from(w) - 2.0 * margin) / ew).min((f64::from(h) - 2.0 * margin) / ns);
    let lon_mid = (lon_min + lon_max) / 2.0;
    let cx = f64::from(x0 + w / 2.0);
    let cy = f64::from(y0 + h / 2.0);
    let project = |lat: f64, lon: f64| -> (f32, f32) {
        let x = cx + (lon - lon_mid) * M_PER_DEG * cos * mm_per_m;
        let y = cy - (lat - lat_mid) * M_PER_DEG * mm_per_m;
        (x as f32, y as f32)
    };
    for &(number, lat, lon) in points {
        let (x, y) = project(lat, lon);
        p.ops().push(Op::SetFillColor { col: grey(0.0) });
        let dot = pdf::polygon(PAGE_H, vec![pdf::circle(x, y, 1.4)], PaintMode::Fill);
        p.ops().push(dot);
        p.text(x + 2.0, y - 1.2, BIG, &number.to_string());
    }
    // Scale bar: the roundest length no longer than a quarter of the frame.
    let max_m = f64::from(w) / 4.0 / mm_per_m;
    let length = [
        50.0, 100.0, 200.0, 500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0, 20_000.0, 50_000.0,
    ]
    .into_iter()
    .rev()
    .find(|&m| m <= max_m)
    .unwrap_or(50.0);
    let bar = (length * mm_per_m) as f32;
    let (bx, by) = (x0 + 6.0, y0 + h - 6.0);
    p.ops().extend(stroke_style(1.2, &[]));
    let line = pdf::polyline(
        PAGE_H,
        &[
            (bx, by - 1.5),
            (bx, by),
            (bx + bar, by),
            (bx + bar, by - 1.5),
        ],
        false,
    );
    p.ops().push(line);
    let label = if length >= 1_000.0 {
        format!("{} km", length / 1_000.0)
    } else {
        format!("{length} m")
    };
    p.text(bx + bar + 2.0, by, 9.0, &label);
    p.text(x0 + w - 10.0, y0 + 8.0, BIG, "北↑");
    Ok(())
}

// A4 portrait for the slip.
const SLIP_W: f32 = 210.0;
const SLIP_H: f32 = 297.0;

/// Renders one team's dispatch slip on one page (long lists are cut with 「ほかN件」).
///
/// # Errors
/// [`RenderError::Font`] if the embedded font cannot be parsed.
pub fn render_slip(slip: &DispatchSlip) -> Result<Vec<u8>, RenderError> {
    let font = embedded_font()?;
    let mut p = Pages {
        font,
        font_id: FontId::new(),
        page_h: SLIP_H,
        pages: vec![Vec::new()],
        y: TOP + line_height(18.0),
    };
    let team = &slip.team;
    let right = SLIP_W - LEFT;
    let width = right - LEFT;
    let bottom = SLIP_H - 24.0;
    p.text(LEFT, p.y, 18.0, &format!("派遣票　第{}班", team.number));
    let info = format!(
        "{}　整理番号 {}",
        wareki_with_western(slip.day),
        slip.serial
    );
    let w = font.width_mm(&info, 9.0);
    p.text(right - w, p.y, 9.0, &info);
    p.y += 9.0;
    let leader = match &team.leader {
        Some(l) => format!("リーダー　{}　☎ {}", l.name, l.phone),
        None => "リーダー　未定".to_owned(),
    };
    p.text(LEFT, p.y, 14.0, &leader);
    p.y += 4.0;
    let section = |p: &mut Pages<'_>, title: &str, lines: Vec<String>, reserve: f32| {
        p.text(LEFT, p.y + line_height(BIG) * 0.78, BIG, title);
        p.y += line_height(BIG) + 1.0;
        let mut shown = 0;
        for line in &lines {
            let wrapped = p.lines(line, CELL, width - 4.0);
            let need: f32 = wrapped.iter().map(|(_, s)| line_height(*s)).sum();
            if p.y + need > bottom - reserve {
                break;
            }
            for (l, size) in wrapped {
                p.text(LEFT + 4.0, p.y + line_height(size) * 0.78, size, &l);
                p.y += line_height(size);
            }
            shown += 1;
        }
        if shown < lines.len() {
            p.text(
                LEFT + 4.0,
                p.y + line_height(CELL) * 0.78,
                CELL,
                &format!("ほか{}件（名簿を参照）", lines.len() - shown),
            );
            p.y += line_height(CELL);
        }
        p.y += 3.0;
    };
    let members = team.members.iter().map(member_line).collect();
    section(&mut p, "メンバー（保険 ✓加入 ×未加入）", members, 120.0);
    let places = team
        .requests
        .iter()
        .map(|r| {
            let phone = r
                .phone
                .as_deref()
                .map(|t| format!("　☎ {t}"))
                .unwrap_or_default();
            let details = if r.details.is_empty() {
                String::new()
            } else {
                format!("\n{}", r.details)
            };
            format!(
                "No.{} {} 様{phone}\n{}\n{}　{}人{details}\n報告：□完了　□継続（翌日以降）",
                r.id, r.requester_name, r.address, r.work, r.people_needed
            )
        })
        .collect();
    section(&mut p, "活動先", places, 40.0);
    let equipment = if team.equipment.is_empty() {
        vec!["なし".to_owned()]
    } else {
        team.equipment.clone()
    };
    section(&mut p, "貸出資機材", equipment, 25.0);
    let y = bottom - 18.0;
    p.text(
        LEFT,
        y,
        BIG,
        "出発　　：　　　　帰着　　：　　　　資機材返却 □",
    );
    p.text(LEFT, y + 8.0, BIG, "リーダー署名");
    p.ops().extend(stroke_style(0.5, &[]));
    let line = pdf::polyline(
        SLIP_H,
        &[(LEFT + 30.0, y + 9.0), (LEFT + 110.0, y + 9.0)],
        false,
    );
    p.ops().push(line);
    let pages = p.finish(&slip.serial, SLIP_W, SLIP_H - 10.0);
    save(
        font,
        &format!("派遣票 第{}班 {} {}", team.number, slip.day, slip.serial),
        slip.day,
        pages,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(number: i32, members: usize) -> RosterTeam {
        let members: Vec<RosterMember> = (0..members)
            .map(|i| RosterMember {
                registration_number: format!("V-{:06}", i + 1),
                name: format!("筑後 太郎{i}"),
                phone: "090-0000-0000".into(),
                insured: i % 2 == 0,
                party_name: (i % 3 == 0).then(|| "久留米建設".to_owned()),
                minor: false,
            })
            .collect();
        RosterTeam {
            number,
            status: "確定".into(),
            leader: members.first().cloned(),
            members,
            requests: vec![RosterRequest {
                id: 7,
                requester_name: "山田 花子".into(),
                address: "久留米市城島町1-2".into(),
                phone: Some("0942-11-2222".into()),
                work: "泥出し".into(),
                people_needed: 4,
                details: "スコップ".into(),
                latitude: 33.31 + f64::from(number) * 0.001,
                longitude: 130.51,
            }],
            equipment: vec!["スコップ×4".into()],
        }
    }

    #[test]
    fn roster_and_slip_render() {
        let roster = Roster {
            serial: "P-000001".into(),
            day: NaiveDate::from_ymd_opt(2026, 7, 10).unwrap(),
            printed_by: "api".into(),
            holder: "本部".into(),
            teams: (1..=12).map(|n| team(n, 8)).collect(),
        };
        let bytes = render_roster(&roster).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let slip = DispatchSlip {
            serial: "P-000002".into(),
            day: roster.day,
            printed_by: "api".into(),
            team: team(1, 40),
        };
        assert!(render_slip(&slip).unwrap().starts_with(b"%PDF"));
    }
}
