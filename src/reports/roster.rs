//! The day's roster of volunteer teams (活動者名簿) as an A4 landscape PDF, and a one-page
//! dispatch slip (派遣票) per team, A4 portrait.
//!
//! Pure: a [`Roster`] or [`DispatchSlip`] goes in, PDF bytes come out. Both are laid out on the
//! shared [`Pages`] at 11 pt or more, every cell wrapped with `pdf::wrap` so that a phone
//! number or `土のう袋×50` never splits. The roster is a [`Table`], one row per team (number,
//! leader and phone, members with their insurance marked ✓/×, destinations with addresses,
//! the 要支援者 mark for a registered person, the request's notes, work and tools, equipment);
//! the column headings repeat on every page and a team is never split across pages; the
//! centre's phone and the safety notes ([`SAFETY_NOTES`]) head the first page, and a last
//! page maps the destinations by team number. The slip fits one page: the places (long lists
//! cut with 「ほかN件（名簿を参照）」), a map numbering them as the list does, the members, the
//! lent equipment, the safety notes, and lines for the times and the leader's signature.

use chrono::NaiveDate;
use printpdf::{FontId, PdfPage};

use super::map::{self, Boxed, MapContent, Marker, MarkerKind};
use super::page::{A4_LANDSCAPE, A4_PORTRAIT, Cell, Pages};
pub use super::pdf::RenderError;
use super::pdf::{Font, embedded_font, line_height, save, size};
use super::table::{self, CellLine, Column, Table};
use crate::domain::era::wareki_with_western;

/// The confidentiality line at the foot of every page.
pub const CONFIDENTIAL: &str = "取扱注意：この名簿には個人情報が含まれます。活動終了後は回収し、目的外の利用・複製を禁じます。";

/// 心がけと注意点: what every team is told before it leaves, printed on the roster and on
/// every slip.
pub const SAFETY_NOTES: [&str; 5] = [
    "熱中症に注意し、こまめに水分補給と休憩を",
    "単独行動はしない（必ず2人以上で）",
    "無理をしない（体調が悪ければリーダーへ）",
    "危険を感じたら作業を中止し、リーダーへ",
    "活動終了時は必ず本部へ戻り、報告する",
];

/// A day's roster, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// The copy's serial, printed on every page.
    pub serial: String,
    /// The activity day.
    pub day: NaiveDate,
    pub printed_by: String,
    pub holder: String,
    /// The centre's phone number; `None` prints a blank to write it in.
    pub centre_phone: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RosterRequest {
    /// The help request's number.
    pub id: i64,
    pub requester_name: String,
    pub address: String,
    pub phone: Option<String>,
    /// The household is on the register of people needing support (要支援者): printed with
    /// a mark, so that the team knows to take care and to report back.
    pub registrant: bool,
    /// Work in words (泥出し、家財の搬出).
    pub work: String,
    pub people_needed: u32,
    /// Tools the household asks the team to bring.
    pub tools: Vec<String>,
    /// Skills and other details for the slip.
    pub details: String,
    /// The request's notes (where to park, who opens the door…).
    pub notes: Option<String>,
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
    /// The centre's phone number; `None` prints a blank to write it in.
    pub centre_phone: Option<String>,
    pub team: RosterTeam,
}

/// The roster's columns; they add up to the width of the A4 landscape page (273 mm).
const COLUMNS: [Column; 6] = [
    Column {
        title: "班",
        width: 12.0,
    },
    Column {
        title: "リーダー・電話",
        width: 38.0,
    },
    Column {
        title: "メンバー（保険 ✓加入 ×未加入）",
        width: 66.0,
    },
    Column {
        title: "活動先・住所・メモ",
        width: 80.0,
    },
    Column {
        title: "作業・人数・道具",
        width: 45.0,
    },
    Column {
        title: "資機材",
        width: 32.0,
    },
];

const BODY: f32 = size::BODY;

fn member_line(m: &RosterMember) -> String {
    let mark = if m.insured { "✓" } else { "×" };
    let minor = if m.minor { "（未成年）" } else { "" };
    let party = m.party_name.as_deref().unwrap_or("個人");
    format!(
        "{mark} {}{minor} {}［{party}］",
        m.name, m.registration_number
    )
}

fn request_head(r: &RosterRequest) -> String {
    let mark = if r.registrant {
        "【要支援者】"
    } else {
        ""
    };
    format!("No.{} {} 様{mark}", r.id, r.requester_name)
}

fn work_line(r: &RosterRequest) -> String {
    format!("{} {}人", r.work, r.people_needed)
}

fn tools_line(r: &RosterRequest) -> Option<String> {
    (!r.tools.is_empty()).then(|| format!("道具：{}", r.tools.join("、")))
}

fn notes_line(r: &RosterRequest) -> Option<String> {
    r.notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| format!("メモ：{n}"))
}

fn centre_phone_text(phone: Option<&str>) -> String {
    match phone {
        Some(phone) => format!("本部電話：{phone}"),
        None => "本部電話：".to_owned(),
    }
}

/// The centre's phone at `size_pt` on the cursor's baseline, or a rule to write it on.
fn centre_phone(p: &mut Pages<'_>, x: f32, size_pt: f32, phone: Option<&str>) {
    let baseline = p.y;
    let text = centre_phone_text(phone);
    p.text_at(x, baseline, size_pt, &text);
    if phone.is_none() {
        let start = x + p.font.width_mm(&text, size_pt) + 0.5;
        p.line(
            &[(start, baseline + 0.8), (start + 45.0, baseline + 0.8)],
            0.6,
            &[],
        );
    }
}

fn check_coordinates(teams: &[&RosterTeam]) -> Result<(), RenderError> {
    let bad = teams.iter().flat_map(|t| &t.requests).any(|r| {
        !(r.latitude.is_finite()
            && r.longitude.is_finite()
            && (-90.0..=90.0).contains(&r.latitude)
            && (-180.0..=180.0).contains(&r.longitude))
    });
    if bad {
        Err(RenderError::InvalidCoordinate {
            what: "destination",
        })
    } else {
        Ok(())
    }
}

/// Renders the day's roster.
///
/// # Errors
/// [`RenderError::Font`] if the embedded font cannot be parsed;
/// [`RenderError::InvalidCoordinate`] for a destination off the globe.
pub fn render_roster(roster: &Roster) -> Result<Vec<u8>, RenderError> {
    check_coordinates(&roster.teams.iter().collect::<Vec<_>>())?;
    let font = embedded_font()?;
    let pages = roster_pages(font, &FontId::new(), roster);
    save(
        font,
        &format!("活動者名簿 {} {}", roster.day, roster.serial),
        roster.day,
        pages,
    )
}

fn roster_pages(font: &Font, font_id: &FontId, roster: &Roster) -> Vec<PdfPage> {
    let mut p = Pages::new(
        font,
        font_id.clone(),
        A4_LANDSCAPE,
        format!(
            "活動者名簿（続き）　{}　整理番号 {}{}",
            wareki_with_western(roster.day),
            roster.serial,
            roster
                .centre_phone
                .as_deref()
                .map(|phone| format!("　本部電話：{phone}"))
                .unwrap_or_default()
        ),
    );
    let (left, right) = (p.left(), p.right());
    p.y += line_height(size::TITLE);
    let title = format!(
        "活動者名簿（災害ボランティアセンター）　{}",
        wareki_with_western(roster.day)
    );
    p.text_at(left, p.y, size::TITLE, &title);
    p.y += line_height(size::LARGE) + 1.0;
    centre_phone(&mut p, left, size::LARGE, roster.centre_phone.as_deref());
    let info = format!(
        "印刷者 {}　保管者 {}　整理番号 {}",
        roster.printed_by, roster.holder, roster.serial
    );
    p.text_right(right, p.y, BODY, &info);
    let notes = format!("心がけと注意点：{}", numbered_notes().join("　"));
    p.boxed(&notes);
    p.y += 2.0;
    let table = Table::new(&COLUMNS, left);
    table.header(&mut p);
    table.repeat_header(&mut p);
    if roster.teams.is_empty() {
        p.y += line_height(BODY) + 2.0;
        p.text_at(left + 2.0, p.y, BODY, "この日の班はまだありません。");
    }
    for team in &roster.teams {
        let cells = team_cells(font, &table, team);
        let h = Table::row_height(&cells, 0.0);
        p.need(h);
        table.row(&mut p, &cells, h);
    }
    let markers: Vec<Marker> = roster
        .teams
        .iter()
        .flat_map(|t| {
            t.requests.iter().map(|r| Marker {
                kind: MarkerKind::Place,
                at: (r.latitude, r.longitude),
                label: format!("{}班", t.number),
            })
        })
        .collect();
    if !markers.is_empty() {
        p.set_page_header(Box::new(|_: &mut Pages<'_>| {}));
        p.new_page();
        let bottom = p.paper.bottom;
        let frame = Boxed {
            x: left,
            y: p.y + 2.0,
            w: p.width(),
            h: bottom - p.y - 2.0 - line_height(BODY) - 2.0,
        };
        let drawn = map::draw(
            &mut p,
            frame,
            "活動先の地図（数字は班番号）",
            &MapContent {
                markers,
                ..MapContent::default()
            },
        );
        if !drawn.unplaced.is_empty() {
            let baseline = frame.y + frame.h + line_height(BODY);
            let text = format!(
                "番号を書ききれなかった活動先：{}か所（名簿を参照）",
                drawn.unplaced.len()
            );
            p.text_at(left, baseline, BODY, &text);
        }
    }
    p.finish(CONFIDENTIAL, &roster.serial, None)
}

fn numbered_notes() -> Vec<String> {
    const MARKS: [&str; 5] = ["①", "②", "③", "④", "⑤"];
    SAFETY_NOTES
        .iter()
        .zip(MARKS)
        .map(|(n, m)| format!("{m}{n}"))
        .collect()
}

fn team_cells(font: &Font, table: &Table, team: &RosterTeam) -> Vec<Vec<CellLine>> {
    let w = |col: usize| table.inner(col);
    let mut leader = match &team.leader {
        Some(l) => {
            let mut lines = table::lines(font, &l.name, size::LARGE, w(1));
            let phone = table::phone(font, &l.phone, size::LARGE, w(1));
            lines.extend(table::lines(font, &phone, size::LARGE, w(1)));
            lines
        }
        None => table::lines(font, "未定", BODY, w(1)),
    };
    leader.extend(table::lines(
        font,
        &format!("（{}）", team.status),
        BODY,
        w(1),
    ));
    let mut members: Vec<CellLine> = team
        .members
        .iter()
        .flat_map(|m| table::lines(font, &member_line(m), BODY, w(2)))
        .collect();
    members.push((format!("計 {}人", team.members.len()), BODY));
    let mut places: Vec<CellLine> = Vec::new();
    let mut work: Vec<CellLine> = Vec::new();
    for r in &team.requests {
        let mut block = table::lines(font, &request_head(r), BODY, w(3));
        block.extend(table::lines(font, &r.address, BODY, w(3)));
        if let Some(phone) = &r.phone {
            let phone = table::phone(font, phone, BODY, w(3));
            block.extend(table::lines(font, &phone, BODY, w(3)));
        }
        if let Some(notes) = notes_line(r) {
            block.extend(table::lines(font, &notes, BODY, w(3)));
        }
        let mut job = table::lines(font, &work_line(r), BODY, w(4));
        if let Some(tools) = tools_line(r) {
            job.extend(table::lines(font, &tools, BODY, w(4)));
        }
        if !r.details.is_empty() {
            job.extend(table::lines(font, &r.details, BODY, w(4)));
        }
        // Keep each destination's work beside its address.
        let n = block.len().max(job.len());
        block.resize(n, (String::new(), BODY));
        job.resize(n, (String::new(), BODY));
        places.extend(block);
        work.extend(job);
    }
    if places.is_empty() {
        places.push(("未定".to_owned(), BODY));
    }
    let equipment = if team.equipment.is_empty() {
        vec![("なし".to_owned(), BODY)]
    } else {
        team.equipment
            .iter()
            .flat_map(|e| table::lines(font, e, BODY, w(5)))
            .collect()
    };
    vec![
        vec![(team.number.to_string(), size::NAME)],
        leader,
        members,
        places,
        work,
        equipment,
    ]
}

// ---------------------------------------------------------------------------------------------
// The dispatch slip

/// The slip's map shrinks down to this height rather than push the members off the page.
const SLIP_MAP_MIN: f32 = 42.0;
/// What the leader ticks for each place on coming back.
const REPORT_BOXES: &str = "報告：□完了　□継続（翌日以降）";
const SLIP_MAP_MAX: f32 = 80.0;
/// The rows to write the times and the signature on, at the foot of the slip.
const SIGN_H: f32 = 2.0 * 11.0 + 2.0;

/// Renders one team's dispatch slip on one page (long lists are cut with 「ほかN件」).
///
/// # Errors
/// [`RenderError::Font`] if the embedded font cannot be parsed;
/// [`RenderError::InvalidCoordinate`] for a destination off the globe.
pub fn render_slip(slip: &DispatchSlip) -> Result<Vec<u8>, RenderError> {
    check_coordinates(&[&slip.team])?;
    let font = embedded_font()?;
    let pages = slip_pages(font, &FontId::new(), slip);
    save(
        font,
        &format!(
            "派遣票 第{}班 {} {}",
            slip.team.number, slip.day, slip.serial
        ),
        slip.day,
        pages,
    )
}

/// A list item: its lines, already wrapped.
type Item = Vec<String>;

fn slip_pages(font: &Font, font_id: &FontId, slip: &DispatchSlip) -> Vec<PdfPage> {
    let team = &slip.team;
    let mut p = Pages::new(
        font,
        font_id.clone(),
        A4_PORTRAIT,
        format!("派遣票（続き）　第{}班", team.number),
    );
    let (left, right, width) = (p.left(), p.right(), p.width());
    let lh = line_height(BODY);
    p.y += line_height(size::TITLE);
    let title = format!("派遣票　第{}班", team.number);
    p.text_at(left, p.y, size::TITLE, &title);
    let info = format!(
        "{}　整理番号 {}",
        wareki_with_western(slip.day),
        slip.serial
    );
    if left + font.width_mm(&title, size::TITLE) + 4.0 + font.width_mm(&info, BODY) > right {
        p.y += lh;
    }
    p.text_right(right, p.y, BODY, &info);
    p.y += line_height(size::LARGE) + 1.5;
    centre_phone(&mut p, left, size::LARGE, slip.centre_phone.as_deref());
    p.y += line_height(size::LARGE) + 1.0;
    let leader = match &team.leader {
        Some(l) => format!("リーダー　{}　☎ {}", l.name, l.phone),
        None => "リーダー　未定".to_owned(),
    };
    p.text_at(left, p.y, size::LARGE, &leader);
    p.y += 1.0;

    // What must stay on the page, measured from the foot up.
    let col2 = (width - 4.0) / 2.0;
    let sign_top = p.paper.bottom - SIGN_H;
    let notes: Vec<Item> = numbered_notes()
        .iter()
        .map(|n| super::pdf::wrap(font, n, BODY, col2 - 2.0))
        .collect();
    let notes_h = heading_h() + rows_h(&notes, 2);
    let notes_top = sign_top - notes_h;
    let equipment_text = if team.equipment.is_empty() {
        "なし".to_owned()
    } else {
        team.equipment.join("、")
    };
    let equipment: Vec<Item> = super::pdf::wrap(font, &equipment_text, BODY, width - 4.0)
        .into_iter()
        .map(|l| vec![l])
        .collect();
    let equipment_h = heading_h() + equipment.len().min(3) as f32 * lh;
    let equipment_top = notes_top - equipment_h - 1.0;
    let members: Vec<Item> = team
        .members
        .iter()
        .map(|m| super::pdf::wrap(font, &member_line(m), BODY, col2 - 2.0))
        .collect();
    let members_full = heading_h() + rows_h(&members, 2);
    let members_min = heading_h() + 3.0 * lh;

    // The places, then the map, then the members.
    // Each place: its head (with the report boxes to its right), address, work, notes.
    let report_w = font.width_mm(REPORT_BOXES, BODY) + 3.0;
    let places: Vec<Item> = team
        .requests
        .iter()
        .map(|r| {
            let phone = r
                .phone
                .as_deref()
                .map(|t| format!("　☎ {t}"))
                .unwrap_or_default();
            let head = format!("{}{phone}", request_head(r));
            let mut lines = super::pdf::wrap(font, &head, BODY, width - 4.0 - report_w);
            let mut text = format!("{}\n作業：{}", r.address, work_line(r));
            if let Some(tools) = tools_line(r) {
                text.push_str(&format!("　{tools}"));
            }
            if !r.details.is_empty() {
                text.push_str(&format!("　{}", r.details));
            }
            if let Some(notes) = notes_line(r) {
                text.push_str(&format!("\n{notes}"));
            }
            lines.extend(super::pdf::wrap(font, &text, BODY, width - 4.0));
            lines
        })
        .collect();
    let map_reserve = if places.is_empty() {
        0.0
    } else {
        SLIP_MAP_MIN + 3.0
    };
    let places_title = format!("活動先（{}件）", places.len());
    list_section(
        &mut p,
        &places_title,
        &places,
        1,
        equipment_top - members_min - map_reserve,
        Some(REPORT_BOXES),
    );
    if places.is_empty() {
        p.text_at(left + 4.0, p.y + lh * 0.75, BODY, "未定");
        p.y += lh;
    } else {
        let room = equipment_top - members_full - p.y - 3.0;
        let h = room.clamp(SLIP_MAP_MIN, SLIP_MAP_MAX);
        let frame = Boxed {
            x: left,
            y: p.y + 1.5,
            w: width,
            h,
        };
        let markers = team
            .requests
            .iter()
            .map(|r| Marker {
                kind: MarkerKind::Place,
                at: (r.latitude, r.longitude),
                label: format!("No.{}", r.id),
            })
            .collect();
        map::draw(
            &mut p,
            frame,
            "活動先の地図（番号は上の一覧と同じ）",
            &MapContent {
                markers,
                ..MapContent::default()
            },
        );
        p.y = frame.y + frame.h + 1.5;
    }
    let members_title = format!("メンバー（保険 ✓加入 ×未加入）　計{}人", team.members.len());
    list_section(&mut p, &members_title, &members, 2, equipment_top, None);
    list_section(&mut p, "貸出資機材", &equipment, 1, notes_top, None);
    list_section(&mut p, "心がけと注意点", &notes, 2, sign_top, None);
    p.y = sign_top + 2.0;
    p.write_in_row(&[
        Cell::Line("出発時刻", 1.0),
        Cell::Line("帰着時刻", 1.0),
        Cell::Line("資機材返却の確認", 1.2),
    ]);
    p.write_in_row(&[
        Cell::Line("リーダー署名", 1.2),
        Cell::Line("報告を受けた本部員", 1.0),
    ]);
    p.finish(CONFIDENTIAL, &slip.serial, None)
}

fn heading_h() -> f32 {
    line_height(size::HEADING) + 0.6 + 1.2 + 0.8
}

/// Height of `items` laid out in `columns` columns, mm.
fn rows_h(items: &[Item], columns: usize) -> f32 {
    items
        .chunks(columns)
        .map(|row| row.iter().map(Vec::len).max().unwrap_or(1) as f32)
        .sum::<f32>()
        * line_height(BODY)
}

/// A heading and the items under it in `columns` columns, as many as fit above `limit`; the
/// rest are counted in one line, 「ほかN件（名簿を参照）」. `right` is printed at the right
/// end of each item's first line.
fn list_section(
    p: &mut Pages<'_>,
    title: &str,
    items: &[Item],
    columns: usize,
    limit: f32,
    right: Option<&str>,
) {
    let lh = line_height(BODY);
    p.heading(title, 0.0);
    let x0 = p.left() + 4.0;
    let col_w = (p.width() - 4.0) / columns as f32;
    let rows: Vec<&[Item]> = items.chunks(columns).collect();
    let mut shown = 0;
    for (i, row) in rows.iter().enumerate() {
        let h = row.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh;
        let more = if i + 1 < rows.len() { lh } else { 0.0 };
        if p.y + h + more > limit {
            break;
        }
        for (c, item) in row.iter().enumerate() {
            for (k, line) in item.iter().enumerate() {
                let baseline = p.y + (k as f32 + 0.75) * lh;
                p.text_at(x0 + c as f32 * col_w, baseline, BODY, line);
            }
            if let Some(right) = right {
                let edge = x0 + (c + 1) as f32 * col_w;
                p.text_right(edge, p.y + 0.75 * lh, BODY, right);
            }
        }
        p.y += h;
        shown += row.len();
    }
    if shown < items.len() {
        let more = format!("ほか{}件（名簿を参照）", items.len() - shown);
        p.text_at(x0, p.y + lh * 0.75, BODY, &more);
        p.y += lh;
    }
}

/// Realistic example rosters and slips, for tests and the benchmark.
pub mod example {
    use super::*;

    /// Team `number` with `members` members, `requests` destinations and `equipment` kinds
    /// of lent equipment, spread around Kurume.
    pub fn sample_team(
        number: i32,
        members: usize,
        requests: usize,
        equipment: usize,
    ) -> RosterTeam {
        let members: Vec<RosterMember> = (0..members)
            .map(|i| RosterMember {
                registration_number: format!(
                    "V-{:06}",
                    usize::try_from(number).unwrap_or(0) * 100 + i + 1
                ),
                name: if i % 5 == 4 {
                    format!("長谷川 恵美子{i}")
                } else {
                    format!("筑後 太郎{i}")
                },
                phone: format!("090-{:04}-{:04}", 1000 + number, 2000 + i),
                insured: i % 4 != 1,
                party_name: (i % 3 == 0).then(|| "久留米建設株式会社 災害支援部".to_owned()),
                minor: i % 7 == 6,
            })
            .collect();
        let requests = (0..requests)
            .map(|k| {
                let id = i64::from(number) * 10 + k as i64;
                RosterRequest {
                    id,
                    requester_name: format!("山田 花子{k}"),
                    address: format!("福岡県久留米市城島町大字楢津{}番地{}", 100 + k, number),
                    phone: (k % 2 == 0).then(|| format!("0942-{:02}-{:04}", 10 + k, 2000 + number)),
                    registrant: k % 2 == 0,
                    work: "泥出し・家財の搬出".into(),
                    people_needed: 4,
                    tools: vec!["スコップ".into(), "一輪車".into(), "土のう袋×50".into()],
                    details: "必要な技能: 運転".into(),
                    notes: Some(format!(
                        "高齢の方のひとり暮らし。玄関は裏手、車は公民館に停めてください（{id}）"
                    )),
                    // Scattered over the city, a request's neighbours a few hundred metres off.
                    latitude: 33.22 + f64::from((number * 37) % 101) * 0.0012 + k as f64 * 0.003,
                    longitude: 130.40 + f64::from((number * 61) % 97) * 0.0016 + k as f64 * 0.002,
                }
            })
            .collect();
        let kinds = [
            "スコップ×5",
            "土のう袋×50",
            "一輪車×2",
            "デッキブラシ×4",
            "高圧洗浄機×1",
            "バール×2",
            "ゴム手袋×20",
            "防じんマスク×20",
        ];
        RosterTeam {
            number,
            status: "確定".into(),
            leader: members.first().cloned(),
            members,
            requests,
            equipment: kinds
                .iter()
                .cycle()
                .take(equipment)
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    /// A roster of `teams` teams of 4 to 10 members with 1 to 3 destinations each.
    pub fn sample_roster(teams: i32) -> Roster {
        Roster {
            serial: "P-000001".into(),
            day: NaiveDate::from_ymd_opt(2026, 7, 10).unwrap_or_default(),
            printed_by: "staff-mori".into(),
            holder: "本部".into(),
            centre_phone: Some("0942-34-4400".into()),
            teams: (1..=teams)
                .map(|n| {
                    let n_usize = usize::try_from(n).unwrap_or(0);
                    sample_team(n, 4 + n_usize % 7, 1 + n_usize % 3, 1 + n_usize % 4)
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::example::*;
    use super::*;
    use crate::reports::testing::{
        flat, font_sizes, pdf_font_sizes, pdf_text, render_png, words_overlap,
    };

    fn slip(team: RosterTeam, phone: Option<&str>) -> DispatchSlip {
        DispatchSlip {
            serial: "P-000002".into(),
            day: NaiveDate::from_ymd_opt(2026, 7, 10).unwrap(),
            printed_by: "api".into(),
            centre_phone: phone.map(str::to_owned),
            team,
        }
    }

    #[test]
    fn the_roster_shows_notes_the_registrant_mark_the_centre_phone_and_the_safety_notes() {
        let roster = sample_roster(12);
        let bytes = render_roster(&roster).unwrap();
        let Some(pages) = pdf_text(&bytes) else {
            eprintln!("note: pdftotext not installed; text checks skipped");
            return;
        };
        let all: String = pages.iter().map(|p| flat(p)).collect();
        assert!(flat(&pages[0]).contains("本部電話：0942-34-4400"));
        for note in SAFETY_NOTES {
            assert!(all.contains(&flat(note)), "safety note {note}");
        }
        assert!(all.contains("【要支援者】"));
        assert!(all.contains("メモ：高齢の方のひとり暮らし"));
        assert!(all.contains("道具：スコップ、") && all.contains("土のう袋×50"));
        assert!(all.contains("☎0942-10-2001") || all.contains("0942-10-2001"));
        for team in &roster.teams {
            for r in &team.requests {
                assert!(all.contains(&format!("No.{}", r.id)), "request {}", r.id);
            }
        }
        assert!(pages.last().unwrap().contains("活動先の地図"));
        for (i, page) in pages[..pages.len() - 1].iter().enumerate() {
            assert!(
                flat(page).contains("リーダー・電話"),
                "headings on page {}",
                i + 1
            );
        }
        for (i, page) in pages.iter().enumerate() {
            let page = flat(page);
            assert!(
                page.contains("この名簿には個人情報"),
                "footer on page {}",
                i + 1
            );
            assert!(page.contains(&format!("{}/{}ページ", i + 1, pages.len())));
        }
    }

    #[test]
    fn without_a_centre_phone_the_papers_leave_a_line_to_write_it_on() {
        let mut roster = sample_roster(2);
        roster.centre_phone = None;
        let bytes = render_roster(&roster).unwrap();
        let slip_bytes = render_slip(&slip(sample_team(1, 3, 1, 1), None)).unwrap();
        let (Some(pages), Some(slip)) = (pdf_text(&bytes), pdf_text(&slip_bytes)) else {
            return;
        };
        for text in [flat(&pages[0]), flat(&slip[0])] {
            assert!(text.contains("本部電話："), "{text}");
            assert!(!text.contains("0942-34-4400"));
        }
    }

    #[test]
    fn a_slip_fits_one_page_even_with_many_members_requests_and_equipment() {
        for (members, requests, equipment) in [(40, 12, 30), (8, 1, 2), (1, 0, 0), (12, 5, 8)] {
            let bytes = render_slip(&slip(
                sample_team(7, members, requests, equipment),
                Some("0942-34-4400"),
            ))
            .unwrap();
            let Some(pages) = pdf_text(&bytes) else {
                return;
            };
            assert_eq!(pages.len(), 1, "{members} members, {requests} requests");
            let text = flat(&pages[0]);
            assert!(text.contains("派遣票第7班") && text.contains("本部電話：0942-34-4400"));
            for note in SAFETY_NOTES {
                assert!(text.contains(&flat(note)), "safety note {note}");
            }
            assert!(text.contains("リーダー署名"));
            if requests > 0 {
                assert!(text.contains("No.70") && text.contains("【要支援者】"));
                assert!(text.contains("メモ：高齢の方のひとり暮らし"));
                assert!(text.contains("活動先の地図"));
            }
            if members == 40 {
                assert!(text.contains("件（名簿を参照）"), "the long lists are cut");
            }
        }
    }

    #[test]
    fn the_slip_maps_each_request_by_its_number() {
        let bytes = render_slip(&slip(sample_team(3, 4, 3, 2), None)).unwrap();
        let Some(pages) = pdf_text(&bytes) else {
            return;
        };
        let text = flat(&pages[0]);
        for id in [30, 31, 32] {
            // Once in the list, once on the map.
            assert_eq!(
                text.matches(&format!("No.{id}")).count(),
                2,
                "No.{id}: {text}"
            );
        }
    }

    #[test]
    fn no_phone_number_or_quantity_is_broken_across_lines() {
        let roster = sample_roster(30);
        let bytes = render_roster(&roster).unwrap();
        let Some(pages) = pdf_text(&bytes) else {
            return;
        };
        // -layout keeps each printed line on one text line: every phone and quantity is
        // found whole on a line.
        let lines: Vec<String> = pages
            .iter()
            .flat_map(|p| p.lines().map(flat).collect::<Vec<_>>())
            .collect();
        for team in &roster.teams {
            if let Some(l) = &team.leader {
                assert!(
                    lines.iter().any(|line| line.contains(&l.phone)),
                    "{}",
                    l.phone
                );
            }
            for r in team.requests.iter().filter_map(|r| r.phone.as_ref()) {
                assert!(lines.iter().any(|line| line.contains(r.as_str())), "{r}");
            }
        }
        for item in roster.teams.iter().flat_map(|t| &t.equipment) {
            assert!(lines.iter().any(|l| l.contains(item.as_str())), "{item}");
        }
    }

    #[test]
    fn no_text_under_11_pt_in_any_plan_sheet_roster_or_slip() {
        let plan =
            crate::reports::plan::render(&crate::reports::plan::example::sample_plan()).unwrap();
        let sheet = crate::reports::sheet::render_sheet(
            &crate::reports::sheet::example::sample_sheet(20),
            &mut |_, _| {},
        )
        .unwrap();
        let roster = render_roster(&sample_roster(20)).unwrap();
        let slip_bytes = render_slip(&slip(sample_team(2, 30, 8, 12), None)).unwrap();
        for (what, bytes) in [
            ("plan", &plan),
            ("sheet", &sheet),
            ("roster", &roster),
            ("slip", &slip_bytes),
        ] {
            let sizes = pdf_font_sizes(bytes);
            assert!(
                sizes.len() > 20,
                "{what}: {} text operations read",
                sizes.len()
            );
            let small: Vec<f32> = sizes.iter().copied().filter(|&s| s < 11.0).collect();
            assert!(small.is_empty(), "{what}: text at {small:?} pt");
        }
        // And the laid-out pages agree with what was read back.
        let font = embedded_font().unwrap();
        let pages = slip_pages(font, &FontId::new(), &slip(sample_team(2, 30, 8, 12), None));
        assert!(font_sizes(&pages).iter().all(|&s| s >= 11.0));
    }

    #[test]
    fn no_words_overlap_on_a_roster_of_244_teams() {
        let roster = sample_roster(244);
        let bytes = render_roster(&roster).unwrap();
        if let Some(overlaps) = words_overlap(&bytes) {
            assert!(
                overlaps.is_empty(),
                "{} overlaps: {:?}",
                overlaps.len(),
                &overlaps[..overlaps.len().min(10)]
            );
        }
        render_png(&bytes, "roster");
    }

    #[test]
    fn no_words_overlap_on_slips_with_long_lists() {
        for (n, members, requests, equipment) in
            [(1, 40, 12, 30), (2, 10, 3, 8), (3, 2, 1, 1), (4, 16, 6, 14)]
        {
            let bytes = render_slip(&slip(
                sample_team(n, members, requests, equipment),
                if n % 2 == 0 {
                    None
                } else {
                    Some("0942-34-4400")
                },
            ))
            .unwrap();
            if let Some(overlaps) = words_overlap(&bytes) {
                assert!(overlaps.is_empty(), "slip {n}: {overlaps:?}");
            }
            render_png(&bytes, &format!("slip{n}"));
        }
    }

    #[test]
    fn a_destination_off_the_globe_is_refused() {
        let mut team = sample_team(1, 2, 1, 0);
        team.requests[0].latitude = f64::NAN;
        assert_eq!(
            render_slip(&slip(team.clone(), None)),
            Err(RenderError::InvalidCoordinate {
                what: "destination"
            })
        );
        let mut roster = sample_roster(1);
        roster.teams = vec![team];
        assert!(render_roster(&roster).is_err());
    }
}
