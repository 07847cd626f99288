//! The individual evacuation plan (個別避難計画) as an A4 portrait PDF.
//!
//! Pure: a [`PlanDocument`] (plain strings, dates and WGS84 degrees) goes in, PDF bytes come
//! out; no I/O, no database. Depends only on std, chrono and printpdf.
//!
//! The page follows docs/domain.md's plan form and DESIGN.md's printing rules: Noto Sans JP
//! embedded and subset, body text at 11 pt, names and phone numbers at 14 pt or more, era dates
//! with the Western date beside, the person's communication needs, dwelling, daytime
//! whereabouts and the home's own hazard exposure in words, the community association, group
//! and welfare commissioner, every destination numbered on a vector map that survives a
//! black-and-white photocopy (see `map`), the three consents with their dates, a consent
//! sentence with the person's and a proxy's signature lines, the no-liability statement, a
//! receipt block, and on every page the confidentiality footer, the copy's serial and
//! "page x / y". An optional last page is the supporters' tear-off copy. Content that does not
//! fit flows onto further pages.

use chrono::NaiveDate;
use printpdf::{FontId, PdfPage};

use super::map::{self, Boxed, MapContent, Marker, MarkerKind};
use super::page::{A4_PORTRAIT, Cell, LABEL_W, Pages};
pub use super::pdf::RenderError;
use super::pdf::{Font, embedded_font, line_height, save, size, threads};
#[cfg(test)]
use super::pdf::{no_line_start, wrap};
use crate::domain::era::wareki_with_western;

pub use super::map::{
    FLOOD_LEGEND, FLOOD_RANKS, LANDSLIDE_CLASSES, MapZone, ZoneKind, distance_label,
};

/// The printed no-liability statement required on every plan.
pub const NO_LIABILITY: &str = "避難支援等関係者は、避難支援について法的な責任や義務を負うものではありません。この計画は支援を保証するものではありません（支援者の安全が前提）。支援者自身と家族の安全を確保したうえで、可能な範囲で支援します。";
/// The confidentiality line printed at the foot of every page.
pub const CONFIDENTIAL: &str =
    "取扱注意：この計画には個人情報が含まれます。目的外の利用・複製を禁じます。";
/// The sentence the person (or a proxy) signs.
pub const CONSENT_SENTENCE: &str = "私は、この個別避難計画の内容を確認しました。計画を作成すること、及び避難支援等関係者（支援者・民生委員・自主防災組織・自治会・消防・警察・社会福祉協議会）に計画と名簿の情報を提供することに同意します。";

/// One individual evacuation plan, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDocument {
    /// The copy's serial number (e.g. `P-000123`), printed on every page.
    pub serial: String,
    /// The day the copy is printed (the PDF's creation date).
    pub printed_on: NaiveDate,
    /// The day the plan was written.
    pub written_on: NaiveDate,
    /// When the plan is next to be reviewed.
    pub next_review_on: NaiveDate,
    /// Who wrote it, with their relation if useful (e.g. `山田花子（民生委員）`).
    pub author: String,
    /// The person the plan is for.
    pub person: Person,
    /// 自治会, 班 and 担当民生委員.
    pub community: Community,
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
    /// The consents as recorded, in the order 名簿情報の外部提供, 計画の作成, 計画の外部提供.
    pub consents: Vec<ConsentLine>,
    /// The route map's content.
    pub map: PlanMap,
    /// Add the supporters' tear-off page.
    pub tear_off: bool,
    /// Add the receipt block (a copy handed out alone; a batch has one on its cover).
    pub receipt: bool,
}

/// The person needing support, as printed on the plan.
#[derive(Debug, Clone, PartialEq, Default)]
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
    /// Household (e.g. `ひとり暮らし`).
    pub household: Option<String>,
    /// Building and the floor of the bedroom (e.g. `木造2階建て・寝室は1階`).
    pub dwelling: Option<String>,
    /// Where the person is by day (e.g. `平日の日中はデイサービス`).
    pub daytime: Option<String>,
    /// Care level label (e.g. `要介護3`).
    pub care_level: Option<String>,
    /// Mobility and what help is needed.
    pub mobility: Option<String>,
    /// Hearing, speech, sight and language needs.
    pub communication: Vec<String>,
    /// Medical care and devices (power-dependent ones said so).
    pub medical: Vec<String>,
    /// The home's own exposure in words (e.g. `洪水 浸水想定 5.0〜10.0m、土砂災害警戒区域外`).
    pub exposure: String,
    /// Emergency contacts: (name, relation, phone).
    pub emergency_contacts: Vec<(String, String, String)>,
    /// Family doctor.
    pub doctor: Option<String>,
    /// Medicines.
    pub medicines: Option<String>,
    /// Other notes (allergies, care manager…).
    pub notes: Option<String>,
}

/// The person's place in the community.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Community {
    /// 自治会.
    pub association: Option<String>,
    /// 班 (neighbourhood group).
    pub group: Option<String>,
    /// 担当民生委員.
    pub welfare_commissioner: Option<String>,
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
    /// Where it is (WGS84 latitude, longitude), when known: drawn and numbered on the map.
    pub at: Option<(f64, f64)>,
}

/// One consent as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentLine {
    /// e.g. `個別避難計画の作成`.
    pub label: String,
    /// `Some(given)` when recorded.
    pub given: Option<bool>,
    pub date: Option<NaiveDate>,
    /// How it was given (e.g. `本人署名の同意書`), where the reader may see it.
    pub evidence: Option<String>,
}

/// The content of the route map. Coordinates are WGS84 `(latitude, longitude)` in degrees.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanMap {
    /// The person's home.
    pub home: (f64, f64),
    /// The supporters' homes.
    pub supporters: Vec<(f64, f64)>,
    /// Hazard zones around the home, each with its depth rank or class.
    pub zones: Vec<MapZone>,
    /// District boundary rings.
    pub district_boundary: Vec<Vec<(f64, f64)>>,
    /// The route drawn by staff, from the home: drawn on the map and its length printed.
    pub route: Vec<(f64, f64)>,
}

/// Renders the plan as an A4 portrait PDF and returns its bytes.
///
/// # Errors
///
/// [`RenderError::InvalidCoordinate`] when a map coordinate is not finite or out of range;
/// [`RenderError::Font`] if the embedded font cannot be parsed.
pub fn render(plan: &PlanDocument) -> Result<Vec<u8>, RenderError> {
    validate_map(plan)?;
    let font = embedded_font()?;
    let pages = plan_pages(font, &FontId::new(), plan);
    save(
        font,
        &format!("個別避難計画 {}", plan.serial),
        plan.printed_on,
        pages,
    )
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
/// numbers and the batch's serial, as one PDF. `progress` is called with (plans done, plans in
/// all) after each plan.
///
/// # Errors
/// As [`render`]; a plan with an invalid map coordinate fails the whole batch.
pub fn render_batch(
    cover: &BatchCover,
    plans: &[PlanDocument],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, RenderError> {
    for plan in plans {
        validate_map(plan)?;
    }
    let font = embedded_font()?;
    let font_id = FontId::new();
    let mut pages = cover_pages(font, &font_id, cover, plans);
    // The batch is one registered copy: its serial is the one on every page, and its cover
    // carries the one receipt.
    let in_batch = |plan: &PlanDocument| {
        plan_pages(
            font,
            &font_id,
            &PlanDocument {
                serial: cover.serial.clone(),
                receipt: false,
                ..plan.clone()
            },
        )
    };
    // Plans are laid out on every core (their pages are independent), in order; this thread
    // takes the first part and reports progress for all.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let per_thread = plans.len().div_ceil(threads()).max(1);
    std::thread::scope(|scope| {
        let mut parts = plans.chunks(per_thread);
        let first = parts.next().unwrap_or_default();
        let workers: Vec<_> = parts
            .map(|part| {
                let (in_batch, done) = (&in_batch, &done);
                scope.spawn(move || {
                    let mut laid_out = Vec::new();
                    for plan in part {
                        laid_out.extend(in_batch(plan));
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    laid_out
                })
            })
            .collect();
        // Every count from 1 to the total, once each and in order, whoever laid it out.
        let mut reported = 0;
        let mut report_up_to = |done: usize, progress: &mut dyn FnMut(usize, usize)| {
            while reported < done {
                reported += 1;
                progress(reported, plans.len());
            }
        };
        for plan in first {
            pages.extend(in_batch(plan));
            let so_far = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            report_up_to(so_far, progress);
        }
        for worker in workers {
            // A worker only panics on a bug; its plans are then missing, so fail the batch.
            match worker.join() {
                Ok(laid_out) => pages.extend(laid_out),
                Err(_) => return Err(RenderError::Write),
            }
        }
        report_up_to(plans.len(), progress);
        Ok(())
    })?;
    save(
        font,
        &format!("個別避難計画 {} {}", cover.district, cover.serial),
        cover.printed_on,
        pages,
    )
}

/// The pages of one plan, footers included, laid out with `font_id`; the tear-off page is
/// numbered with the plan's.
fn plan_pages(font: &Font, font_id: &FontId, plan: &PlanDocument) -> Vec<PdfPage> {
    let mut pages = Pages::new(
        font,
        font_id.clone(),
        A4_PORTRAIT,
        format!("個別避難計画（続き）　{} 様", plan.person.name),
    );
    body(&mut pages, plan);
    if plan.tear_off {
        pages.new_page();
        tear_off(&mut pages, plan);
    }
    pages.finish(CONFIDENTIAL, &plan.serial, None)
}

/// The cover of a batch: what it holds, for whom, the reminder to return it, and the
/// receipt; a long list of names continues on a second cover page.
fn cover_pages(
    font: &Font,
    font_id: &FontId,
    cover: &BatchCover,
    plans: &[PlanDocument],
) -> Vec<PdfPage> {
    let mut p = Pages::new(
        font,
        font_id.clone(),
        A4_PORTRAIT,
        format!("個別避難計画 表紙（続き）　{}", cover.district),
    );
    let (left, width) = (p.left(), p.width());
    p.y += line_height(size::TITLE);
    p.text_at(left, p.y, size::TITLE, "個別避難計画（地区一括印刷）");
    p.y += 4.0;
    p.field("地区", &cover.district, size::LARGE);
    if let Some(tier) = &cover.tier {
        p.field("優先度", &format!("{tier} のみ"), size::BODY);
    }
    p.field("収録件数", &format!("{} 件", plans.len()), size::LARGE);
    p.field("印刷日", &wareki_with_western(cover.printed_on), size::BODY);
    p.field("印刷者", &cover.printed_by, size::BODY);
    p.field("受領者（保管者）", &cover.holder, size::BODY);
    p.field("整理番号", &cover.serial, size::LARGE);
    p.y += 3.0;
    p.paragraph(
        left,
        width,
        size::BODY,
        "この冊子は個人情報です。鍵のかかる場所に保管し、役割を交代するときや計画が更新されたときは、整理番号を添えて市へ返却してください。",
    );
    p.receipt();
    p.heading("収録されている方", line_height(size::BODY));
    // Three columns, in the order the plans follow; a name never breaks across lines.
    let column_w = width / 3.0;
    let lh = line_height(size::BODY);
    for (r, people) in plans.chunks(3).enumerate() {
        p.need(lh);
        p.y += lh;
        for (c, plan) in people.iter().enumerate() {
            let text = format!("{}. {} 様", r * 3 + c + 1, plan.person.name);
            let x = left + c as f32 * column_w;
            let baseline = p.y - lh * 0.25;
            p.text_at(x, baseline, size::BODY, &text);
        }
    }
    if !cover.omitted.is_empty() {
        p.heading("印刷しなかった計画（要確認）", line_height(size::BODY));
        for (name, reason) in &cover.omitted {
            p.field(&format!("{name} 様"), reason, size::BODY);
        }
    }
    p.finish(CONFIDENTIAL, &cover.serial, Some("表紙"))
}

// ---------------------------------------------------------------------------------------------
// The plan form

const MAP_W: f32 = 170.0;
const MAP_H: f32 = 84.0;
/// The map shrinks down to this height rather than push itself onto a second page.
const MAP_MIN_H: f32 = 62.0;
/// The map's height when it follows the consents onto a page of its own with only the
/// no-liability box and the receipt below.
const MAP_TALL_H: f32 = 120.0;

/// Hazards that share a destination share a line and a number on the map.
fn destination_groups(plan: &PlanDocument) -> Vec<(Vec<&str>, &Destination)> {
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
    groups
}

fn joined(parts: &[String]) -> String {
    parts.join("、")
}

fn body(p: &mut Pages<'_>, plan: &PlanDocument) {
    let person = &plan.person;
    let (left, right) = (p.left(), p.right());
    p.y += line_height(size::TITLE);
    p.text_at(left, p.y - 1.5, size::TITLE, "個別避難計画");
    let serial = format!("整理番号 {}", plan.serial);
    p.text_right(right, p.y - 1.5, size::BODY, &serial);
    p.y += 1.0;
    p.field(
        "作成日",
        &format!(
            "{}　作成者：{}",
            wareki_with_western(plan.written_on),
            plan.author
        ),
        size::BODY,
    );
    p.field(
        "次回見直し",
        &wareki_with_western(plan.next_review_on),
        size::BODY,
    );

    p.heading("本人", 20.0);
    // The name large, its reading beside it in body size.
    let name = format!("{} 様", person.name);
    let name_w = p.font.width_mm(&name, size::NAME);
    let baseline = p.y + line_height(size::NAME) * 0.75;
    p.field("氏名", &name, size::NAME);
    if !person.name_kana.trim().is_empty() {
        let kana = format!("（{}）", person.name_kana);
        let kana_w = p.font.width_mm(&kana, size::BODY);
        if left + LABEL_W + name_w + 3.0 + kana_w <= right {
            p.text_at(left + LABEL_W + name_w + 3.0, baseline, size::BODY, &kana);
        }
    }
    p.field(
        "生年月日・性別",
        &format!(
            "{}　{}",
            wareki_with_western(person.birth_date),
            person.sex_label
        ),
        size::BODY,
    );
    p.field("住所", &person.address, size::BODY);
    p.field(
        "電話",
        person.phone.as_deref().unwrap_or("なし"),
        size::LARGE,
    );
    let mut reasons = person.reasons.join("、");
    if let Some(level) = person
        .care_level
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        reasons.push_str(&format!("（{level}）"));
    }
    p.field("支援が必要な理由", &reasons, size::BODY);
    p.optional_field("移動・必要な支援", person.mobility.as_deref());
    let communication = if person.communication.is_empty() {
        "特になし".to_owned()
    } else {
        joined(&person.communication)
    };
    p.field("意思疎通", &communication, size::BODY);
    if !person.medical.is_empty() {
        p.field("医療的ケア・機器", &joined(&person.medical), size::BODY);
    }
    p.optional_field("世帯", person.household.as_deref());
    p.optional_field("住まい・寝室", person.dwelling.as_deref());
    p.optional_field("日中の居場所", person.daytime.as_deref());
    let health: Vec<&str> = [person.doctor.as_deref(), person.medicines.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    if !health.is_empty() {
        p.field("主治医・服薬", &health.join("／"), size::BODY);
    }
    for (i, (name, relation, phone)) in person.emergency_contacts.iter().enumerate() {
        p.field(
            &format!("緊急連絡先{}", i + 1),
            &format!("{name}（{relation}）　{phone}"),
            size::LARGE,
        );
    }
    p.optional_field("その他", person.notes.as_deref());
    let community = [
        ("自治会", plan.community.association.as_deref()),
        ("班", plan.community.group.as_deref()),
        (
            "担当民生委員",
            plan.community.welfare_commissioner.as_deref(),
        ),
    ]
    .iter()
    .map(|(label, v)| format!("{label}：{}", v.unwrap_or("—")))
    .collect::<Vec<_>>()
    .join("　");
    p.field("地域", &community, size::BODY);

    p.heading("避難支援等実施者", 2.0 * line_height(size::LARGE));
    if plan.supporters.is_empty() {
        p.field("", "未定", size::BODY);
    }
    for (i, s) in plan.supporters.iter().enumerate() {
        p.field(
            &format!("支援者{}", i + 1),
            &format!("{}（{}）　{}", s.name, s.relation, s.phone),
            size::LARGE,
        );
        let distance = s
            .distance_m
            .map(|d| format!("　自宅から{}", distance_label(f64::from(d))));
        p.field(
            "",
            &format!("{}{}", s.address, distance.unwrap_or_default()),
            size::BODY,
        );
    }

    p.heading(
        "避難先（災害の種類ごと）と避難のタイミング",
        line_height(size::BODY) * 2.0,
    );
    let groups = destination_groups(plan);
    if groups.is_empty() {
        p.field("", "未定", size::BODY);
    }
    for (i, (labels, d)) in groups.iter().enumerate() {
        let distance = d
            .distance_m
            .map(|m| format!("（自宅から{}）", distance_label(f64::from(m))));
        let place = format!(
            "{}：{}{}",
            labels.join("・"),
            d.shelter_name,
            distance.unwrap_or_default()
        );
        p.field(&format!("避難先{}", i + 1), &place, size::BODY);
    }
    p.optional_field("避難経路", route_text(plan).as_deref());
    p.field("避難のタイミング", &plan.when_to_leave, size::BODY);
    p.field("持ち出す物", &plan.items_to_take, size::BODY);
    p.optional_field("申し送り", plan.notes_for_supporters.as_deref());
    p.optional_field("避難所への連絡", plan.notes_for_shelter_staff.as_deref());

    // The map where it fits; if it must start a new page but the consents fit the room
    // left, they come first rather than leave half a page blank.
    if p.room() < map_block_min() && consents_height(p, plan) <= p.room() {
        consents(p, plan);
        route_map(p, plan, &groups, MAP_TALL_H);
    } else {
        route_map(p, plan, &groups, MAP_H);
        consents(p, plan);
    }
    p.boxed(NO_LIABILITY);
    if plan.receipt {
        p.receipt();
    }
}

/// The route note, and the drawn route's length when there is one.
fn route_text(plan: &PlanDocument) -> Option<String> {
    let route = &plan.map.route;
    let drawn = (route.len() >= 2).then(|| {
        let metres = crate::domain::location::path_length_m(route);
        format!("地図の太線の道順（{}）", distance_label(metres))
    });
    match (plan.route_note.as_deref(), drawn) {
        (Some(note), Some(drawn)) => Some(format!("{drawn}。{note}")),
        (Some(note), None) => Some(note.to_owned()),
        (None, drawn) => drawn,
    }
}

/// The least height of the exposure line, the map and its legend.
fn map_block_min() -> f32 {
    line_height(size::LARGE) + 1.0 + MAP_MIN_H + map::legend_height() + 6.0
}

/// The height the consents block takes, measured by laying it out on a scratch page.
fn consents_height(p: &Pages<'_>, plan: &PlanDocument) -> f32 {
    let mut scratch = Pages::new(p.font, p.font_id.clone(), p.paper, String::new());
    consents(&mut scratch, plan);
    scratch.y - p.paper.top
}

/// The home's exposure in words, then the map with every destination numbered, then its
/// legend.
fn route_map(
    p: &mut Pages<'_>,
    plan: &PlanDocument,
    groups: &[(Vec<&str>, &Destination)],
    full_h: f32,
) {
    let exposure = format!("自宅：{}", plan.person.exposure);
    let exposure_h = line_height(size::LARGE) + 1.0;
    let below = map::legend_height() + 2.0;
    let room = p.room() - exposure_h - 3.0 - below;
    // Shrink to the room left, or start a new page with the full height.
    let map_h = if room >= MAP_MIN_H {
        room.min(full_h)
    } else {
        full_h
    };
    p.need(exposure_h + map_h + below + 3.0);
    p.y += 1.0;
    p.paragraph(p.left(), p.width(), size::LARGE, &exposure);
    p.y += 2.0;
    let frame = Boxed {
        x: p.left() + (p.width() - MAP_W) / 2.0,
        y: p.y,
        w: MAP_W,
        h: map_h,
    };
    let m = &plan.map;
    let mut content = MapContent {
        markers: vec![Marker {
            kind: MarkerKind::Home,
            at: m.home,
            label: "自宅".to_owned(),
        }],
        zones: m.zones.clone(),
        boundary: m.district_boundary.clone(),
        lines: Vec::new(),
        label_lines: true,
        path: m.route.clone(),
    };
    for (i, (_, d)) in groups.iter().enumerate() {
        if let Some(at) = d.at {
            content.markers.push(Marker {
                kind: MarkerKind::Destination,
                at,
                label: format!("避難先{}", i + 1),
            });
            content.lines.push((m.home, at));
        }
    }
    for (i, &at) in m.supporters.iter().enumerate() {
        content.markers.push(Marker {
            kind: MarkerKind::Supporter,
            at,
            label: format!("支援者{}", i + 1),
        });
    }
    // Distances are in the list; on a crowded map the lines carry no labels.
    content.label_lines = content.lines.len() <= 2;
    let drawn = map::draw(p, frame, "避難経路図", &content);
    p.y = frame.y + frame.h + 1.0;
    map::legend(p, frame.x, frame.w, &drawn, LEGEND_NAMES);
    if !drawn.unplaced.is_empty() {
        // Never silently: a label with no free place is named under the map.
        let text = format!(
            "地図上で表示が重なるため名前を省いた印：{}",
            drawn.unplaced.join("・")
        );
        p.paragraph(frame.x, frame.w, size::BODY, &text);
    }
}

const LEGEND_NAMES: &[(MarkerKind, &str)] = &[
    (MarkerKind::Home, "自宅"),
    (MarkerKind::Supporter, "支援者"),
    (MarkerKind::Destination, "避難先（番号は一覧と同じ）"),
];

/// The consents as recorded, the sentence to sign, and the signature lines.
fn consents(p: &mut Pages<'_>, plan: &PlanDocument) {
    p.heading("同意", 6.0 * line_height(size::BODY));
    let (left, width) = (p.left(), p.width());
    for c in &plan.consents {
        let state = match (c.given, c.date) {
            (Some(true), Some(date)) => format!("同意あり　{}", wareki_with_western(date)),
            (Some(false), Some(date)) => {
                format!("同意なし・撤回　{}", wareki_with_western(date))
            }
            _ => "記録なし".to_owned(),
        };
        let evidence = c
            .evidence
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| format!("（{e}）"))
            .unwrap_or_default();
        p.paragraph(
            left,
            width,
            size::BODY,
            &format!("{}：{state}{evidence}", c.label),
        );
    }
    p.y += 1.5;
    p.paragraph(left, width, size::BODY, CONSENT_SENTENCE);
    p.y += 1.0;
    p.write_in_row(&[Cell::Line("本人署名", 1.2), Cell::Date("記入日", 0.9)]);
    p.write_in_row(&[
        Cell::Line("代理人署名", 1.2),
        Cell::Line("本人との関係（続柄）", 0.9),
    ]);
}

/// The page a supporter takes along: whom they help, where, when, and what to bring.
fn tear_off(p: &mut Pages<'_>, plan: &PlanDocument) {
    let (left, right) = (p.left(), p.right());
    p.line(&[(left, p.y), (right, p.y)], 0.8, &[2.0, 2.0]);
    p.y += line_height(size::TITLE);
    p.text_at(left, p.y - 1.5, size::TITLE, "支援者用控え");
    p.text_right(
        right,
        p.y - 1.5,
        size::BODY,
        &format!("整理番号 {}", plan.serial),
    );
    p.y += 1.0;
    let names: Vec<String> = plan
        .supporters
        .iter()
        .map(|s| format!("{} 様", s.name))
        .collect();
    p.field(
        "お渡しする方",
        &if names.is_empty() {
            "未定".to_owned()
        } else {
            joined(&names)
        },
        size::BODY,
    );
    let person = &plan.person;
    p.heading("支援する方", 3.0 * line_height(size::LARGE));
    p.field("氏名", &format!("{} 様", person.name), size::NAME);
    p.field("住所", &person.address, size::BODY);
    p.field(
        "電話",
        person.phone.as_deref().unwrap_or("なし"),
        size::LARGE,
    );
    p.optional_field("移動・必要な支援", person.mobility.as_deref());
    if !person.communication.is_empty() {
        p.field("意思疎通", &joined(&person.communication), size::BODY);
    }
    p.optional_field("住まい・寝室", person.dwelling.as_deref());
    p.field("自宅の危険", &person.exposure, size::BODY);
    p.heading("避難先と避難のタイミング", 2.0 * line_height(size::BODY));
    for (i, (labels, d)) in destination_groups(plan).iter().enumerate() {
        p.field(
            &format!("避難先{}", i + 1),
            &format!("{}：{}", labels.join("・"), d.shelter_name),
            size::BODY,
        );
    }
    p.field("避難のタイミング", &plan.when_to_leave, size::BODY);
    p.field("持ち出す物", &plan.items_to_take, size::BODY);
    p.optional_field("申し送り", plan.notes_for_supporters.as_deref());
    for (i, (name, relation, phone)) in person.emergency_contacts.iter().enumerate() {
        p.field(
            &format!("緊急連絡先{}", i + 1),
            &format!("{name}（{relation}）　{phone}"),
            size::LARGE,
        );
    }
    p.boxed(NO_LIABILITY);
}

fn validate_map(plan: &PlanDocument) -> Result<(), RenderError> {
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
    let map = &plan.map;
    check(std::iter::once(&map.home), "home")?;
    check(map.supporters.iter(), "supporter")?;
    check(map.route.iter(), "route")?;
    check(
        plan.destinations.iter().filter_map(|d| d.at.as_ref()),
        "destination",
    )?;
    check(
        map.zones
            .iter()
            .flat_map(|z| z.polygons.iter().flatten().flatten()),
        "hazard area",
    )?;
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
    pub fn square(lat: f64, lon: f64, half: f64) -> Vec<(f64, f64)> {
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
            printed_on: date(2026, 11, 30),
            written_on: date(2026, 4, 1),
            next_review_on: date(2027, 4, 1),
            author: "田中一郎（民生委員）".into(),
            community: Community {
                association: Some("城南町自治会".into()),
                group: Some("3班".into()),
                welfare_commissioner: Some("田中一郎".into()),
            },
            person: Person {
                name: "久留米 花子".into(),
                name_kana: "くるめ はなこ".into(),
                birth_date: date(1940, 3, 15),
                sex_label: "女".into(),
                address: "福岡県久留米市城南町15番地3".into(),
                phone: Some("0942-30-1234".into()),
                reasons: vec!["65歳以上のみの世帯".into(), "要介護認定".into()],
                household: Some("ひとり暮らし".into()),
                dwelling: Some("木造2階建て・寝室は1階".into()),
                daytime: Some("火・金曜の日中はデイサービス（城南デイセンター）".into()),
                care_level: Some("要介護2".into()),
                mobility: Some("杖歩行。長い距離は車いすが必要。階段は介助が必要。".into()),
                communication: vec!["耳が聞こえにくい".into()],
                medical: vec!["在宅酸素療法（電源が必要）".into()],
                exposure: "洪水 浸水想定 5.0〜10.0m、土砂災害警戒区域外".into(),
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
                    at: Some((33.3240, 130.5120)),
                },
                Destination {
                    hazard_label: "地震".into(),
                    shelter_name: "城南公民館".into(),
                    distance_m: Some(300),
                    at: Some((33.3170, 130.5060)),
                },
            ],
            when_to_leave: "警戒レベル3「高齢者等避難」が出たら、支援者と一緒にすぐ避難する。"
                .into(),
            items_to_take: "常備薬、お薬手帳、酸素ボンベ、眼鏡、保険証、携帯電話と充電器".into(),
            route_note: Some("大雨のときは川沿いの市道を避け、県道を通る。".into()),
            notes_for_supporters: Some("耳が遠いので大きな声でゆっくり話してください。".into()),
            notes_for_shelter_staff: None,
            consents: vec![
                ConsentLine {
                    label: "名簿情報の外部提供".into(),
                    given: Some(true),
                    date: Some(date(2026, 3, 20)),
                    evidence: Some("同意書（本人署名）".into()),
                },
                ConsentLine {
                    label: "個別避難計画の作成".into(),
                    given: Some(true),
                    date: Some(date(2026, 4, 1)),
                    evidence: Some("同意書（本人署名）".into()),
                },
                ConsentLine {
                    label: "個別避難計画の外部提供".into(),
                    given: Some(true),
                    date: Some(date(2026, 4, 1)),
                    evidence: None,
                },
            ],
            map: PlanMap {
                home,
                supporters: vec![(33.3201, 130.5090), (33.3175, 130.5105)],
                zones: vec![
                    MapZone {
                        kind: ZoneKind::Flood(2),
                        polygons: vec![vec![square(33.3185, 130.5070, 0.0025)]],
                    },
                    MapZone {
                        kind: ZoneKind::Flood(4),
                        polygons: vec![vec![square(33.3185, 130.5070, 0.0012)]],
                    },
                    MapZone {
                        kind: ZoneKind::Landslide(1),
                        polygons: vec![vec![square(33.3230, 130.5045, 0.0008)]],
                    },
                    MapZone {
                        kind: ZoneKind::Landslide(2),
                        polygons: vec![vec![square(33.3232, 130.5047, 0.0003)]],
                    },
                ],
                district_boundary: vec![square(33.3205, 130.5090, 0.0038)],
                route: Vec::new(),
            },
            tear_off: false,
            receipt: true,
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

    /// The pages of pdftotext's output, whitespace removed.
    fn flat_pages(text: &str) -> Vec<String> {
        text.split('\u{c}')
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect::<String>())
            .filter(|p| !p.is_empty())
            .collect()
    }

    fn page_count(text: &str) -> usize {
        // pdftotext ends every page with a form feed.
        text.matches('\u{c}').count()
    }

    #[test]
    fn sample_plan_prints_every_field_consents_signatures_and_receipt() {
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
            "支援を保証するものではありません（支援者の安全が前提）",
            "取扱注意",
            // Item 5's fields.
            "耳が聞こえにくい",
            "自宅：洪水浸水想定5.0〜10.0m、土砂災害警戒区域外",
            "自治会：城南町自治会",
            "班：3班",
            "担当民生委員：田中一郎",
            "木造2階建て・寝室は1階",
            "デイサービス",
            "次回見直し令和9年4月1日（2027-04-01）",
            // Consents, the sentence, signatures and the receipt.
            "個別避難計画の作成：同意あり令和8年4月1日（2026-04-01）（同意書（本人署名））",
            "名簿情報の外部提供：同意あり令和8年3月20日",
            "計画を作成すること",
            "本人署名",
            "代理人署名",
            "本人との関係（続柄）",
            "受領者氏名",
            "受領日",
            // Every destination numbered, on the list and on the map.
            "避難先1洪水：久留米市立城南小学校",
            "避難先2地震：城南公民館",
        ] {
            assert!(flat.contains(expected), "{expected} missing from:\n{text}");
        }
        // The map labels both destinations (once in the list, once on the map).
        assert!(flat.matches("避難先2").count() >= 2, "{text}");
        let pages = page_count(&text);
        assert!(pages <= 2, "{pages} pages");
        assert!(flat.contains(&format!("{pages}/{pages}ページ")));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_plan_is_under_100_kb_and_dated_the_print_day() {
        let bytes = render(&sample_plan()).unwrap();
        assert!(bytes.len() < 100 * 1024, "{} bytes", bytes.len());
        let raw = String::from_utf8_lossy(&bytes);
        assert!(
            raw.contains("D:20261130"),
            "creation date is not the print day"
        );
        assert!(!raw.contains("D:1970"));
    }

    #[test]
    fn the_tear_off_page_tells_the_supporter_whom_where_and_when() {
        let mut plan = sample_plan();
        plan.tear_off = true;
        let bytes = render(&plan).unwrap();
        let path = write_temp("tear-off.pdf", &bytes);
        let Some(text) = pdftotext(&path) else {
            return;
        };
        std::fs::remove_file(path).unwrap();
        let pages = flat_pages(&text);
        let last = pages.last().unwrap();
        for expected in [
            "支援者用控え",
            "筑後次郎様、山本美咲様",
            "久留米花子様",
            "福岡県久留米市城南町15番地3",
            "0942-30-1234",
            "避難先1洪水：久留米市立城南小学校",
            "警戒レベル3",
            "酸素ボンベ",
        ] {
            assert!(last.contains(expected), "{expected} missing from {last}");
        }
        assert!(render(&sample_plan()).unwrap().len() < bytes.len());
    }

    #[test]
    fn plan_with_very_long_notes_continues_on_further_pages_with_footer() {
        let mut plan = sample_plan();
        plan.notes_for_supporters = Some("夜間は玄関の鍵を内側から掛けています。".repeat(60));
        let bytes = render(&plan).unwrap();
        let path = write_temp("long.pdf", &bytes);
        let Some(text) = pdftotext(&path) else {
            eprintln!("note: pdftotext not installed; page checks skipped");
            return;
        };
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let pages = page_count(&text);
        assert!(pages >= 2, "{text}");
        assert!(flat.contains(&format!("{pages}/{pages}ページ")));
        assert!(flat.matches("P-000123").count() >= pages);
        assert_eq!(flat.matches("取扱注意").count(), pages);
        assert!(flat.contains("個別避難計画（続き）久留米花子様"));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn batch_has_a_cover_with_a_receipt_then_each_plan_on_its_own_pages() {
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
        let pages = flat_pages(&text);
        for expected in [
            "地区一括印刷",
            "D01城南校区",
            "5件",
            "令和8年11月27日",
            "筑後三郎様",
            "Aのみ",
            "受領者氏名",
            "表紙1/1ページ",
        ] {
            assert!(pages[0].contains(expected), "cover lacks {expected}");
        }
        // Each plan starts on its own page numbered from 1; the one receipt is the cover's.
        let starts: Vec<usize> = (1..pages.len())
            .filter(|&i| pages[i].contains("1/") && pages[i].starts_with("個別避難計画整理番号"))
            .collect();
        assert_eq!(starts.len(), 5, "{pages:?}");
        for (n, &i) in starts.iter().enumerate() {
            assert!(pages[i].contains(&format!("久留米花子{n}様")));
        }
        assert!(
            starts[3] - starts[2] > starts[1] - starts[0],
            "the long plan runs on"
        );
        assert!(pages[1..].iter().all(|p| !p.contains("受領者氏名")));
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
        plan.consents.clear();
        assert!(render(&plan).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width_and_loses_no_text() {
        let font = embedded_font().unwrap();
        let text = "警戒レベル3「高齢者等避難」が出たら、支援者と一緒にすぐ避難する。サンシャインハイツ、ショッピングセンター。Please call before visiting.";
        for width in [15.0, 22.0, 31.0, 40.0, 57.0] {
            let lines = wrap(font, text, size::BODY, width);
            assert!(lines.len() > 2);
            for line in &lines {
                // Never past the width: a closing mark or small kana takes a character down
                // with it instead of hanging out into the next column.
                assert!(
                    font.width_mm(line, size::BODY) <= width + 0.01,
                    "{line} at {width}"
                );
                assert!(!line.starts_with(no_line_start), "{line} starts a line");
            }
            let joined: String = lines.concat();
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn wrapping_never_breaks_a_phone_number_or_a_quantity() {
        let font = embedded_font().unwrap();
        let tokens = [
            "0942-30-9000",
            "090-1234-5678",
            "×50",
            "5.0〜10.0m",
            "P-000123",
        ];
        // Every width holds the longest token (about 26 mm at 11 pt).
        for width in [30.0, 33.0, 37.0, 44.0, 52.0, 61.0] {
            for lead in 0..12 {
                let text = format!(
                    "{}電話 {} 土のう袋{} 浸水{} 整理番号{}",
                    "あ".repeat(lead),
                    tokens[0],
                    tokens[2],
                    tokens[3],
                    tokens[4]
                );
                let lines = wrap(
                    font,
                    &format!("{text} 携帯{}", tokens[1]),
                    size::BODY,
                    width,
                );
                for token in tokens {
                    assert!(
                        lines.iter().any(|l| l.contains(token)),
                        "{token} broken at {width} mm: {lines:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_text_and_the_map_round_a_distance_alike() {
        // 644.6 m: the text gets 645 whole metres, 約650 m; the map, rounding the same way,
        // says 約650 m too (not 約640 m).
        assert_eq!(distance_label(644.6), distance_label(645.0));
        assert_eq!(distance_label(644.6), "約650 m");
        assert_eq!(distance_label(1_234.0), "約1.2 km");
    }

    fn with_route() -> PlanDocument {
        let mut plan = sample_plan();
        let home = plan.map.home;
        // East 300 m, then north 400 m: about 700 m along the way.
        let corner = (
            home.0,
            home.1 + 300.0 / (111_195.0 * home.0.to_radians().cos()),
        );
        let end = (corner.0 + 400.0 / 111_195.0, corner.1);
        plan.map.route = vec![home, corner, end];
        plan
    }

    #[test]
    fn a_drawn_route_is_on_the_map_with_its_length_and_in_the_legend() {
        let plan = with_route();
        let bytes = render(&plan).unwrap();
        std::fs::write(std::env::temp_dir().join("sasaeai-route-plan.pdf"), &bytes).unwrap();
        let Some(pages) = crate::reports::testing::pdf_text(&bytes) else {
            eprintln!("note: pdftotext not installed; route checks skipped");
            return;
        };
        let all: String = pages
            .iter()
            .map(|p| crate::reports::testing::flat(p))
            .collect();
        assert!(all.contains("地図の太線の道順（約700m）"), "{all}");
        assert!(all.contains("経路約700m"), "the map's label: {all}");
        assert!(
            all.contains("避難経路") && all.contains("直線"),
            "legend: {all}"
        );
        // The note staff wrote is kept after the length.
        assert!(all.contains(&crate::reports::testing::flat(
            plan.route_note.as_deref().unwrap()
        )));

        let without = render(&sample_plan()).unwrap();
        let pages = crate::reports::testing::pdf_text(&without).unwrap();
        let all: String = pages
            .iter()
            .map(|p| crate::reports::testing::flat(p))
            .collect();
        assert!(!all.contains("経路約") && !all.contains("太線"), "{all}");
    }

    #[test]
    fn a_route_with_a_bad_point_is_refused() {
        let mut plan = with_route();
        plan.map.route.push((f64::NAN, 130.5));
        assert!(matches!(
            render(&plan),
            Err(RenderError::InvalidCoordinate { what: "route" })
        ));
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
