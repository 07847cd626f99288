//! The safety-check sheet (安否確認リスト) of a district, as an A4 landscape PDF.
//!
//! Pure: a [`SafetySheet`] goes in, PDF bytes come out. A district team carries the sheet from
//! door to door when a disaster strikes and the network may be down, and writes on it with a
//! pen, often in a dim hall: so the text is 12 pt or more, each of the four statuses of
//! [`STATUSES`] has its own 6 mm box, and 確認者, 日時 and 所在・メモ are separate columns wide
//! enough for handwriting. One row per person with address, phone, what to know at the door
//! (communication needs, living alone, power-dependent devices), supporters and the
//! destinations for the hazard asked. Every page ends with a tally line to count by hand,
//! the first page carries the receipt block, and a last page is the district's summary (集計表)
//! with the lines to note when and by whom it was reported to headquarters. Laid out on the
//! shared [`Pages`] and [`Table`]; the footer says 名簿, never 計画.

use chrono::NaiveDate;
use printpdf::{FontId, PaintMode, PdfPage};

use super::page::{A4_LANDSCAPE, Cell, Pages};
pub use super::pdf::RenderError;
use super::pdf::{Font, embedded_font, grey, line_height, save, size, stroke_style};
use super::table::{self, CellLine, Column, PAD, Table};
use crate::domain::era::wareki_with_western;

/// The confidentiality line at the foot of every page.
pub const CONFIDENTIAL: &str = "取扱注意：この名簿には個人情報が含まれます。目的外の利用・複製を禁じ、使用後は保管者が返却してください。";

/// The statuses of a safety check, as (code, printed label), in the order printed. The
/// incident's safety checks record the same codes.
pub const STATUSES: [(&str, &str); 4] = [
    ("safe_at_home", "無事（在宅）"),
    ("evacuated", "避難済"),
    ("needs_rescue", "要救助"),
    ("absent_unknown", "不在・不明"),
];

/// A district's safety-check sheet, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct SafetySheet {
    /// The copy's serial number, printed on every page.
    pub serial: String,
    /// The district's code and name (e.g. `D01 ひばり野小学校区`).
    pub district: String,
    /// The hazard whose destinations are printed (e.g. `洪水`), or `None` for every hazard
    /// of each person's plan.
    pub hazard: Option<String>,
    /// The day of printing.
    pub printed_on: NaiveDate,
    /// Who printed it.
    pub printed_by: String,
    /// Who holds it.
    pub holder: String,
    /// One row per person, in the order to print.
    pub rows: Vec<SheetRow>,
}

/// One person on the sheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetRow {
    /// Full name.
    pub name: String,
    /// Reading in kana (may be empty).
    pub name_kana: String,
    /// Age on the day of printing.
    pub age: u32,
    /// Home address.
    pub address: String,
    /// Phone number, if any.
    pub phone: Option<String>,
    /// Why the person needs support, in a few words (reasons, care level, mobility).
    pub needs: String,
    /// Hearing, sight, speech and language needs: how to talk with the person at the door.
    pub communication: Vec<String>,
    /// Lives alone: nobody else at home to answer.
    pub lives_alone: bool,
    /// Depends on electricity (a power cut is an emergency by itself).
    pub power_dependent: bool,
    /// Medical devices.
    pub devices: Vec<String>,
    /// Supporters as (name, phone).
    pub supporters: Vec<(String, String)>,
    /// Where the person goes, one line per hazard (e.g. `洪水：城南小学校`); empty when none.
    pub destinations: Vec<String>,
}

/// The columns; they add up to the width of the A4 landscape page (273 mm).
const COLUMNS: [Column; 10] = [
    Column {
        title: "No",
        width: 9.0,
    },
    Column {
        title: "氏名・年齢",
        width: 34.0,
    },
    Column {
        title: "住所・電話",
        width: 37.0,
    },
    Column {
        title: "必要な支援",
        width: 33.0,
    },
    Column {
        title: "支援者・電話",
        width: 32.0,
    },
    Column {
        title: "避難先",
        width: 28.0,
    },
    Column {
        title: "安否（□に✓）",
        width: 37.0,
    },
    Column {
        title: "確認者",
        width: 16.0,
    },
    Column {
        title: "日時",
        width: 12.0,
    },
    Column {
        title: "所在・メモ",
        width: 35.0,
    },
];
const STATUS_COL: usize = 6;
// Column 7, 確認者, is left blank for the name of whoever checked.
const WHEN_COL: usize = 8;
const MEMO_COL: usize = 9;

/// Table text: 12 pt, to read and write on in poor light.
const TEXT: f32 = size::HEADING;
/// Side of a tick box, mm.
pub const TICK_MM: f32 = 6.0;
/// Distance between the status lines, mm.
const STATUS_PITCH: f32 = 6.8;
/// Room kept at the foot of every list page for the tally line, mm.
const TALLY_H: f32 = 10.0;
/// At most this many supporters are listed; the plan has the rest.
const MAX_SUPPORTERS: usize = 3;

/// Renders the sheet. `progress` is called with (rows done, rows in all) as rows are laid out.
///
/// # Errors
/// [`RenderError::Font`] if the embedded font cannot be parsed.
pub fn render_sheet(
    sheet: &SafetySheet,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, RenderError> {
    let font = embedded_font()?;
    let pages = sheet_pages(font, &FontId::new(), sheet, progress);
    save(
        font,
        &format!("安否確認リスト {} {}", sheet.district, sheet.serial),
        sheet.printed_on,
        pages,
    )
}

/// The laid-out pages, footers included.
fn sheet_pages(
    font: &Font,
    font_id: &FontId,
    sheet: &SafetySheet,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<PdfPage> {
    let mut p = Pages::new(
        font,
        font_id.clone(),
        A4_LANDSCAPE,
        format!(
            "安否確認リスト（続き）　{}{}　整理番号 {}",
            sheet.district,
            hazard_words(sheet),
            sheet.serial
        ),
    );
    first_page_head(&mut p, sheet);
    let table = Table::new(&COLUMNS, p.left());
    table.header(&mut p);
    table.repeat_header(&mut p);
    // Rows stop above the tally line; the page is then closed by hand with its tally.
    let limit = p.paper.bottom - TALLY_H;
    let mut on_page = 0;
    let mut per_page = Vec::new();
    if sheet.rows.is_empty() {
        p.y += line_height(TEXT) + 2.0;
        let left = p.left();
        p.text_at(
            left + 2.0,
            p.y,
            TEXT,
            "この地区に登録されている方はいません。",
        );
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let cells = row_cells(font, &table, i + 1, row);
        let h = Table::row_height(&cells, STATUSES.len() as f32 * STATUS_PITCH);
        if p.y + h > limit && on_page > 0 {
            tally(&mut p, limit, on_page);
            per_page.push((p.page_count(), on_page));
            p.new_page();
            on_page = 0;
        }
        let top = table.row(&mut p, &cells, h);
        write_in_cells(&mut p, &table, top, h);
        on_page += 1;
        progress(i + 1, sheet.rows.len());
    }
    tally(&mut p, limit, on_page);
    per_page.push((p.page_count(), on_page));
    p.set_page_header(Box::new(|_: &mut Pages<'_>| {}));
    p.new_page();
    summary(&mut p, sheet, &per_page);
    p.finish(CONFIDENTIAL, &sheet.serial, None)
}

fn hazard_words(sheet: &SafetySheet) -> String {
    sheet
        .hazard
        .as_ref()
        .map(|h| format!("（{h}の避難先）"))
        .unwrap_or_default()
}

/// Title, who printed it for whom, how to fill it in, and the receipt.
fn first_page_head(p: &mut Pages<'_>, sheet: &SafetySheet) {
    let (left, right, width) = (p.left(), p.right(), p.width());
    p.y += line_height(size::TITLE);
    let title = format!("安否確認リスト　{}{}", sheet.district, hazard_words(sheet));
    p.text_at(left, p.y, size::TITLE, &title);
    let info = format!(
        "印刷日 {}　印刷者 {}　保管者 {}　整理番号 {}",
        wareki_with_western(sheet.printed_on),
        sheet.printed_by,
        sheet.holder,
        sheet.serial
    );
    // Beside the title when there is room, else on a line of its own below it.
    let w = p.font.width_mm(&info, TEXT);
    if left + p.font.width_mm(&title, size::TITLE) + 4.0 + w > right {
        p.y += line_height(TEXT) + 0.5;
    }
    p.text_right(right, p.y, TEXT, &info);
    p.y += 1.5;
    p.paragraph(
        left,
        width,
        TEXT,
        "記入のしかた：会えた・確かめたら安否の□に✓を入れ、確認者・日時・所在（避難先、けが、必要なこと）を書いてください。頁の下で人数を数え、最後の集計表にまとめて本部へ報告します。",
    );
    p.receipt();
    p.y += 2.0;
}

/// The printed cells of one person's row (the status, 確認者, 日時 and メモ cells are drawn by
/// [`write_in_cells`]).
fn row_cells(font: &Font, table: &Table, number: usize, row: &SheetRow) -> Vec<Vec<CellLine>> {
    let w = |col: usize| table.inner(col);
    // The name alone, large, so that it stays on one line (no 様: a list, not a letter).
    let mut who = table::lines(font, &row.name, size::LARGE, w(1));
    let kana_age = if row.name_kana.trim().is_empty() {
        format!("{}歳", row.age)
    } else {
        format!("{}　{}歳", row.name_kana, row.age)
    };
    who.extend(table::lines(font, &kana_age, TEXT, w(1)));
    let mut contact = table::lines(font, &row.address, TEXT, w(2));
    let phone = match &row.phone {
        Some(phone) => table::phone(font, phone, size::LARGE, w(2)),
        None => "電話なし".to_owned(),
    };
    contact.extend(table::lines(font, &phone, size::LARGE, w(2)));
    let mut needs = Vec::new();
    if row.lives_alone {
        needs.extend(table::lines(font, "ひとり暮らし", TEXT, w(3)));
    }
    if row.power_dependent {
        let devices = if row.devices.is_empty() {
            "医療機器".to_owned()
        } else {
            row.devices.join("・")
        };
        needs.extend(table::lines(
            font,
            // The label on its own line, so that a device's name is never cut in two.
            &format!("電源が必要：\n{devices}"),
            TEXT,
            w(3),
        ));
    } else if !row.devices.is_empty() {
        needs.extend(table::lines(
            font,
            &format!("医療：\n{}", row.devices.join("・")),
            TEXT,
            w(3),
        ));
    }
    if !row.communication.is_empty() {
        needs.extend(table::lines(
            font,
            &format!("伝え方：{}", row.communication.join("、")),
            TEXT,
            w(3),
        ));
    }
    if !row.needs.trim().is_empty() {
        needs.extend(table::lines(font, &row.needs, TEXT, w(3)));
    }
    if needs.is_empty() {
        needs.push(("—".to_owned(), TEXT));
    }
    let mut supporters: Vec<CellLine> = Vec::new();
    for (name, phone) in row.supporters.iter().take(MAX_SUPPORTERS) {
        supporters.extend(table::lines(font, name, TEXT, w(4)));
        supporters.extend(table::lines(
            font,
            &table::phone(font, phone, TEXT, w(4)),
            TEXT,
            w(4),
        ));
    }
    if row.supporters.len() > MAX_SUPPORTERS {
        let more = format!(
            "ほか{}名（計画を参照）",
            row.supporters.len() - MAX_SUPPORTERS
        );
        supporters.extend(table::lines(font, &more, TEXT, w(4)));
    }
    if supporters.is_empty() {
        supporters.push(("未定".to_owned(), TEXT));
    }
    let mut destinations: Vec<CellLine> = row
        .destinations
        .iter()
        .flat_map(|d| table::lines(font, d, TEXT, w(5)))
        .collect();
    if destinations.is_empty() {
        destinations.push(("未定".to_owned(), TEXT));
    }
    vec![
        vec![(number.to_string(), TEXT)],
        who,
        contact,
        needs,
        supporters,
        destinations,
    ]
}

/// The boxes and rules to write on: the four statuses each with its box (避難済 with a rule
/// for where to), the date and time guides, and faint lines in the memo column.
fn write_in_cells(p: &mut Pages<'_>, table: &Table, top: f32, h: f32) {
    let x = table.x_of(STATUS_COL) + PAD + 0.6;
    let right = table.x_of(STATUS_COL) + COLUMNS[STATUS_COL].width - PAD;
    for (i, (code, label)) in STATUSES.iter().enumerate() {
        let y = top + PAD + i as f32 * STATUS_PITCH + 0.4;
        p.tick_box(x, y, TICK_MM);
        let baseline = y + TICK_MM * 0.8;
        let text = if *code == "evacuated" {
            format!("{label} 先")
        } else {
            (*label).to_owned()
        };
        let tx = x + TICK_MM + 1.2;
        p.text_at(tx, baseline, TEXT, &text);
        if *code == "evacuated" {
            let start = tx + p.font.width_mm(&text, TEXT) + 0.5;
            p.line(
                &[(start, baseline + 0.8), (right, baseline + 0.8)],
                0.5,
                &[],
            );
        }
    }
    // 日時: the blanks of a date and a time.
    let when_right = table.x_of(WHEN_COL) + COLUMNS[WHEN_COL].width - PAD;
    for (i, guide) in ["日", "時", "分"].iter().enumerate() {
        let baseline = top + PAD + i as f32 * STATUS_PITCH + 0.4 + TICK_MM * 0.8;
        p.text_right(when_right, baseline, TEXT, guide);
    }
    // Faint writing lines in the memo column.
    let (mx, mw) = (table.x_of(MEMO_COL) + PAD, table.inner(MEMO_COL));
    let mut y = top + STATUS_PITCH;
    p.ops()
        .push(printpdf::Op::SetOutlineColor { col: grey(0.6) });
    while y < top + h - 2.0 {
        let op = super::pdf::polyline(p.paper.h, &[(mx, y), (mx + mw, y)], false);
        p.ops().extend(stroke_style(0.3, &[1.0, 1.5]));
        p.ops().push(op);
        y += STATUS_PITCH;
    }
}

/// The tally line at the foot of a page: the number of people on it and a box per status to
/// count by hand.
fn tally(p: &mut Pages<'_>, limit: f32, people: usize) {
    let top = limit + 1.5;
    let box_h = 7.5;
    let baseline = top + box_h * 0.72;
    let mut x = p.left();
    let head = format!("この頁：{people}名");
    p.text_at(x, baseline, size::LARGE, &head);
    x += p.font.width_mm(&head, size::LARGE) + 6.0;
    for (_, label) in STATUSES {
        p.text_at(x, baseline, TEXT, label);
        x += p.font.width_mm(label, TEXT) + 1.5;
        // Wider than high, to write a number in.
        p.ops().extend(stroke_style(0.9, &[]));
        p.ops()
            .push(printpdf::Op::SetOutlineColor { col: grey(0.0) });
        p.rect(x, top, 14.0, box_h, PaintMode::Stroke);
        x += 14.0 + 5.0;
    }
    let label = "未確認";
    p.text_at(x, baseline, TEXT, label);
    x += p.font.width_mm(label, TEXT) + 1.5;
    p.line(&[(x, baseline + 0.8), (x + 18.0, baseline + 0.8)], 0.6, &[]);
    p.text_at(x + 19.0, baseline, TEXT, "名");
}

/// The district's summary: the total, a box per status to fill in from the pages' tallies,
/// the number of people on each page, and the lines to record each report to headquarters.
fn summary(p: &mut Pages<'_>, sheet: &SafetySheet, per_page: &[(usize, usize)]) {
    let (left, width) = (p.left(), p.width());
    let total: usize = per_page.iter().map(|(_, n)| n).sum();
    p.y += line_height(size::TITLE);
    p.text_at(
        left,
        p.y,
        size::TITLE,
        &format!("集計表　{}{}", sheet.district, hazard_words(sheet)),
    );
    p.y += 3.0;
    p.field("対象者", &format!("合計 {total} 名"), size::LARGE);
    let pages: Vec<String> = per_page
        .iter()
        .map(|(page, n)| format!("{page}頁 {n}名"))
        .collect();
    p.field("頁ごとの人数", &pages.join("　"), TEXT);
    p.y += 2.0;
    // One column per status, then 未確認 and the printed total.
    let labels: Vec<&str> = STATUSES
        .iter()
        .map(|(_, l)| *l)
        .chain(["未確認", "合計"])
        .collect();
    let cw = width / labels.len() as f32;
    let head_h = line_height(size::HEADING) + 2.0 * PAD;
    let cell_h = 18.0;
    p.need(head_h + cell_h);
    let top = p.y;
    p.ops().push(printpdf::Op::SetFillColor { col: grey(0.85) });
    p.rect(left, top, width, head_h, PaintMode::Fill);
    p.ops()
        .push(printpdf::Op::SetOutlineColor { col: grey(0.0) });
    p.ops().extend(stroke_style(0.8, &[]));
    for (i, label) in labels.iter().enumerate() {
        let x = left + i as f32 * cw;
        p.text_at(
            x + PAD,
            top + PAD + line_height(size::HEADING) * 0.78,
            size::HEADING,
            label,
        );
        p.rect(x, top, cw, head_h, PaintMode::Stroke);
        p.rect(x, top + head_h, cw, cell_h, PaintMode::Stroke);
        p.text_right(x + cw - 2.0, top + head_h + cell_h - 3.0, TEXT, "名");
    }
    let last = left + (labels.len() - 1) as f32 * cw;
    p.text_right(
        last + cw - 8.0,
        top + head_h + cell_h - 3.0,
        size::NAME,
        &total.to_string(),
    );
    p.y = top + head_h + cell_h + 4.0;
    p.write_in_row(&[Cell::Line("要救助の方（No.）", 1.0)]);
    p.write_in_row(&[Cell::Line("不在・不明の方（No.）", 1.0)]);
    p.heading("本部への報告", 3.0 * 11.0);
    for n in 1..=3 {
        let label = format!("第{n}報　日時");
        p.write_in_row(&[
            Cell::Line(&label, 1.1),
            Cell::Line("報告者", 0.8),
            Cell::Line("本部で受けた人", 0.9),
            Cell::Line("方法（電話・無線・持参）", 1.2),
        ]);
    }
}

/// A realistic example sheet, for tests and the benchmark.
pub mod example {
    use super::*;

    /// A sheet of `n` made-up people in one district.
    pub fn sample_sheet(n: usize) -> SafetySheet {
        let rows = (0..n)
            .map(|i| SheetRow {
                name: format!("久留米 花子{i}"),
                name_kana: "クルメ ハナコ".into(),
                age: 70 + (i % 25) as u32,
                address: format!("福岡県久留米市城南町{}番地{}", 10 + i, i % 7 + 1),
                phone: (i % 5 != 0).then(|| format!("0942-30-{:04}", 1000 + i)),
                needs: if i % 3 == 0 {
                    "要介護認定、要介護3、車いす".into()
                } else {
                    "65歳以上のみの世帯".into()
                },
                communication: if i % 4 == 1 {
                    vec!["聴覚（筆談・手話）".into()]
                } else {
                    Vec::new()
                },
                lives_alone: i % 2 == 0,
                power_dependent: i % 3 == 0,
                devices: if i % 3 == 0 {
                    vec!["在宅酸素".into()]
                } else {
                    Vec::new()
                },
                supporters: (0..(i % 3))
                    .map(|k| (format!("筑後 次郎{k}"), format!("090-5555-{:04}", i + k)))
                    .collect(),
                destinations: vec![
                    "洪水：久留米市立城南小学校 体育館".into(),
                    "土砂災害：城南公民館".into(),
                ],
            })
            .collect();
        SafetySheet {
            serial: "S-000042".into(),
            district: "D01 城南校区".into(),
            hazard: None,
            printed_on: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default(),
            printed_by: "staff-tanaka".into(),
            holder: "城南校区 自主防災会長".into(),
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::example::sample_sheet;
    use super::*;
    use crate::reports::testing::{flat, font_sizes, pdf_text, render_png, words_overlap};

    #[test]
    fn every_person_is_on_the_sheet_with_statuses_columns_and_a_tally_on_every_page() {
        let sheet = sample_sheet(60);
        let mut calls = 0;
        let bytes = render_sheet(&sheet, &mut |done, all| {
            calls += 1;
            assert_eq!(all, 60);
            assert_eq!(done, calls);
        })
        .unwrap();
        assert_eq!(calls, 60);
        let Some(pages) = pdf_text(&bytes) else {
            eprintln!("note: pdftotext not installed; text checks skipped");
            return;
        };
        assert!(pages.len() >= 8, "60 rows need many pages: {}", pages.len());
        let (list, summary) = pages.split_at(pages.len() - 1);
        let mut on_pages = 0;
        for (i, page) in pages.iter().enumerate() {
            let page = flat(page);
            for expected in ["安否確認リスト", "S-000042", "取扱注意", "名簿"] {
                assert!(
                    page.contains(expected),
                    "page {}: {expected} missing",
                    i + 1
                );
            }
            assert!(
                !page.contains("計画には"),
                "page {}: the footer says 計画",
                i + 1
            );
            assert!(page.contains(&format!("{}/{}ページ", i + 1, pages.len())));
        }
        for (i, page) in list.iter().enumerate() {
            let page = flat(page);
            for column in [
                "氏名・年齢",
                "住所・電話",
                "必要な支援",
                "支援者・電話",
                "避難先",
                "確認者",
                "日時",
                "所在・メモ",
            ] {
                assert!(page.contains(column), "page {}: column {column}", i + 1);
            }
            let rows = page.matches("不在・不明").count() - 1;
            assert_eq!(
                page.matches("無事（在宅）").count(),
                rows + 1,
                "page {}: a status box per row plus the tally",
                i + 1
            );
            assert!(
                page.contains(&format!("この頁：{rows}名")),
                "page {}: tally of {rows}",
                i + 1
            );
            assert!(page.contains("避難済先") && page.contains("要救助"));
            assert!(page.contains("未確認"), "page {}: tally", i + 1);
            on_pages += rows;
        }
        assert_eq!(on_pages, 60, "the tallies add up to everyone");
        let all: String = pages.iter().map(|p| flat(p)).collect();
        for i in 0..60 {
            // 花子1 is not 花子12: the name must not run on into a digit.
            let name = format!("久留米花子{i}");
            let once = all
                .match_indices(&name)
                .filter(|(at, _)| !all[at + name.len()..].starts_with(|c: char| c.is_ascii_digit()))
                .count();
            assert_eq!(once, 1, "row {i} printed once, on one line");
        }
        assert!(all.contains("筑後次郎1") && all.contains("090-5555-0003"));
        // Cells wrap, and -layout interleaves the lines of neighbouring cells: look for
        // what stays on one line.
        assert!(all.contains("ひとり暮らし") && all.contains("電源が必要："));
        assert!(all.contains("伝え方：聴覚") && all.contains("在宅酸素"));
        assert!(all.contains("洪水：久留米") && all.contains("土砂災害：城"));
        assert!(all.contains("令和8年11月27日"));
        assert!(
            flat(&list[0]).contains("受領欄"),
            "receipt on the first page"
        );
        let summary = flat(&summary[0]);
        assert!(summary.contains("集計表"), "{summary}");
        assert!(summary.contains("合計60名"), "{summary}");
        assert!(summary.contains("本部への報告") && summary.contains("本部で受けた人"));
        assert!(summary.contains("第3報日時"));
    }

    #[test]
    fn the_summary_counts_the_people_printed_and_the_hazard_asked_is_named() {
        let mut sheet = sample_sheet(7);
        sheet.hazard = Some("洪水".into());
        let bytes = render_sheet(&sheet, &mut |_, _| {}).unwrap();
        let Some(pages) = pdf_text(&bytes) else {
            return;
        };
        let last = flat(pages.last().unwrap());
        assert!(last.contains("集計表D01城南校区（洪水の避難先）"), "{last}");
        assert!(last.contains("合計7名") && !last.contains("合計60名"));
        assert!(flat(&pages[0]).contains("（洪水の避難先）"));
    }

    #[test]
    fn the_sheet_is_written_at_12_pt_with_6_mm_tick_boxes() {
        let font = embedded_font().unwrap();
        let pages = sheet_pages(font, &FontId::new(), &sample_sheet(30), &mut |_, _| {});
        let sizes = font_sizes(&pages);
        // Only the footer and the continuation title use the 11 pt body size.
        let table_text = sizes.iter().filter(|&&s| s >= 12.0).count();
        assert!(table_text > 30 * 10, "{table_text} texts at 12 pt or more");
        assert!(sizes.iter().all(|&s| s >= 11.0), "{sizes:?}");
        // Every stroked square on a list page is a tick box of at least 6 mm.
        let squares = crate::reports::testing::stroked_squares(&pages);
        assert!(
            squares.len() >= 30 * STATUSES.len(),
            "{} tick boxes",
            squares.len()
        );
        assert!(
            squares.iter().all(|&side| side >= 6.0 - 0.01),
            "boxes under 6 mm: {:?}",
            squares.iter().filter(|&&s| s < 6.0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn no_words_overlap_on_a_sheet_of_120_people() {
        let bytes = render_sheet(&sample_sheet(120), &mut |_, _| {}).unwrap();
        if let Some(overlaps) = words_overlap(&bytes) {
            assert!(overlaps.is_empty(), "overlapping words: {overlaps:?}");
        }
        render_png(&bytes, "sheet");
    }

    #[test]
    fn an_empty_district_still_gives_a_sheet_that_says_so_and_a_zero_summary() {
        let bytes = render_sheet(&sample_sheet(0), &mut |_, _| {}).unwrap();
        let Some(pages) = pdf_text(&bytes) else {
            return;
        };
        assert_eq!(pages.len(), 2);
        assert!(flat(&pages[0]).contains("登録されている方はいません"));
        assert!(flat(&pages[1]).contains("合計0名"));
    }
}
