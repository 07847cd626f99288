//! The safety-check sheet (安否確認リスト) of a district, as an A4 landscape PDF.
//!
//! Pure: a [`SafetySheet`] goes in, PDF bytes come out. A district team carries the sheet from
//! door to door when a disaster strikes and the network may be down: one row per person with
//! address, phone, supporters and destination, and boxes to tick (無事 / 要救助 / 不明) and to
//! write where the person is and who checked when. The title line and the table header repeat
//! on every page, a row is never split across pages, and every page carries the
//! confidentiality line, the copy's serial number and "page x / y".

use chrono::NaiveDate;
use printpdf::{FontId, Mm, Op, PaintMode, PdfPage};

pub use super::pdf::RenderError;
use super::pdf::{self, Font, embedded_font, grey, line_height, save, stroke_style, wrap};
use super::plan::CONFIDENTIAL;
use crate::domain::era::wareki_with_western;

/// A district's safety-check sheet, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct SafetySheet {
    /// The copy's serial number, printed on every page.
    pub serial: String,
    /// The district's code and name (e.g. `D01 ひばり野小学校区`).
    pub district: String,
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
#[derive(Debug, Clone, PartialEq)]
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
    /// What help the person needs, in a few words (reasons, mobility, devices).
    pub needs: String,
    /// Supporters as (name, phone).
    pub supporters: Vec<(String, String)>,
    /// Where the person goes (the plan's destination), or empty when none is set.
    pub destination: String,
}

// Page geometry: A4 landscape, millimetres down from the top edge.
const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const LEFT: f32 = 12.0;
const RIGHT: f32 = PAGE_W - 12.0;
const TOP: f32 = 10.0;
/// Content stops here; the footer lives below.
const CONTENT_BOTTOM: f32 = 192.0;
/// Table text; names are printed larger.
const CELL: f32 = 10.5;
const NAME: f32 = 12.0;
const PAD: f32 = 1.2;

/// The table's columns: header and width in mm (they add up to RIGHT - LEFT).
const COLUMNS: [(&str, f32); 8] = [
    ("No.", 9.0),
    ("氏名・年齢", 40.0),
    ("住所・電話", 56.0),
    ("必要な支援", 32.0),
    ("支援者・電話", 44.0),
    ("避難先", 34.0),
    ("安否", 22.0),
    ("所在・確認者・日時", 36.0),
];

const TICKS: [&str; 3] = ["無事", "要救助", "不明"];

/// Renders the sheet. `progress` is called with (rows done, rows in all) as rows are laid out.
///
/// # Errors
/// [`RenderError::Font`] if the embedded font cannot be parsed.
pub fn render_sheet(
    sheet: &SafetySheet,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, RenderError> {
    let font = embedded_font()?;
    let mut table = Table {
        font,
        font_id: FontId::new(),
        pages: Vec::new(),
        y: 0.0,
    };
    table.new_page(sheet);
    if sheet.rows.is_empty() {
        table.y += line_height(CELL) + 2.0;
        table.text(
            LEFT + 2.0,
            table.y,
            CELL,
            "この地区に登録されている方はいません。",
        );
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        table.row(sheet, i + 1, row);
        progress(i + 1, sheet.rows.len());
    }
    let pages = table.finish(sheet);
    save(
        font,
        &format!("安否確認リスト {} {}", sheet.district, sheet.serial),
        sheet.printed_on,
        pages,
    )
}

struct Table<'f> {
    font: &'f Font,
    font_id: FontId,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Table<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, baseline: f32, size_pt: f32, text: &str) {
        let ops = pdf::text(&self.font_id, PAGE_H, x, baseline, size_pt, text);
        self.ops().extend(ops);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) {
        self.ops().push(pdf::rect(PAGE_H, x, y, w, h, mode));
    }

    /// Starts a page with the title line and the table header.
    fn new_page(&mut self, sheet: &SafetySheet) {
        self.pages.push(Vec::new());
        self.y = TOP + line_height(16.0);
        let title = format!("安否確認リスト　{}", sheet.district);
        self.text(LEFT, self.y, 16.0, &title);
        let info = format!(
            "印刷日 {}　印刷者 {}　保管者 {}　整理番号 {}",
            wareki_with_western(sheet.printed_on),
            sheet.printed_by,
            sheet.holder,
            sheet.serial
        );
        // Beside the title when there is room, else on a line of its own below it.
        let w = self.font.width_mm(&info, 9.0);
        if LEFT + self.font.width_mm(&title, 16.0) + 4.0 + w > RIGHT {
            self.y += line_height(9.0);
        }
        self.text(RIGHT - w, self.y, 9.0, &info);
        self.y += 3.0;
        let h = line_height(CELL) + 2.0 * PAD;
        self.ops().push(Op::SetFillColor { col: grey(0.85) });
        self.rect(LEFT, self.y, RIGHT - LEFT, h, PaintMode::Fill);
        let mut x = LEFT;
        let baseline = self.y + PAD + line_height(CELL) * 0.75;
        for (title, width) in COLUMNS {
            self.text(x + PAD, baseline, CELL, title);
            x += width;
        }
        self.grid(self.y, h);
        self.y += h;
    }

    /// The cell borders of one row.
    fn grid(&mut self, y: f32, h: f32) {
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.ops().extend(stroke_style(0.6, &[]));
        let mut x = LEFT;
        for (_, width) in COLUMNS {
            self.rect(x, y, width, h, PaintMode::Stroke);
            x += width;
        }
    }

    /// One person's row; a new page (with the header again) when it does not fit.
    fn row(&mut self, sheet: &SafetySheet, number: usize, row: &SheetRow) {
        let lh = line_height(CELL);
        let width = |col: usize| COLUMNS[col].1 - 2.0 * PAD;
        let name = format!("{} 様", row.name);
        let mut first: Vec<(String, f32)> = wrap(self.font, &name, NAME, width(1))
            .into_iter()
            .map(|l| (l, NAME))
            .collect();
        let kana_age = if row.name_kana.trim().is_empty() {
            format!("{}歳", row.age)
        } else {
            format!("{}　{}歳", row.name_kana, row.age)
        };
        first.extend(
            wrap(self.font, &kana_age, 9.0, width(1))
                .into_iter()
                .map(|l| (l, 9.0)),
        );
        let mut contact: Vec<(String, f32)> = wrap(self.font, &row.address, CELL, width(2))
            .into_iter()
            .map(|l| (l, CELL))
            .collect();
        contact.push((
            format!("☎ {}", row.phone.as_deref().unwrap_or("なし")),
            NAME,
        ));
        let cells: Vec<Vec<(String, f32)>> = vec![
            vec![(number.to_string(), CELL)],
            first,
            contact,
            plain(self.font, &row.needs, width(3)),
            if row.supporters.is_empty() {
                plain(self.font, "未定", width(4))
            } else {
                row.supporters
                    .iter()
                    .flat_map(|(name, phone)| {
                        let mut lines = plain(self.font, name, width(4));
                        lines.push((format!("☎ {phone}"), CELL));
                        lines
                    })
                    .collect()
            },
            plain(
                self.font,
                if row.destination.is_empty() {
                    "未定"
                } else {
                    &row.destination
                },
                width(5),
            ),
        ];
        let height_of = |lines: &Vec<(String, f32)>| -> f32 {
            lines.iter().map(|(_, size)| line_height(*size)).sum()
        };
        let content = cells
            .iter()
            .map(height_of)
            .fold(TICKS.len() as f32 * (lh + 0.6), f32::max);
        let h = content + 2.0 * PAD;
        if self.y + h > CONTENT_BOTTOM {
            self.new_page(sheet);
        }
        let top = self.y;
        let mut x = LEFT;
        for (col, lines) in cells.iter().enumerate() {
            let mut y = top + PAD;
            for (line, size) in lines {
                let lh = line_height(*size);
                self.text(x + PAD, y + lh * 0.78, *size, line);
                y += lh;
            }
            x += COLUMNS[col].1;
        }
        // Tick boxes, one per line, in the 安否 column.
        let tick_x = x + PAD;
        self.ops().extend(stroke_style(0.8, &[]));
        for (i, label) in TICKS.iter().enumerate() {
            let y = top + PAD + i as f32 * (lh + 0.6);
            self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            self.rect(tick_x, y + 0.6, 3.4, 3.4, PaintMode::Stroke);
            self.text(tick_x + 4.8, y + lh * 0.78, CELL, label);
        }
        self.grid(top, h);
        self.y = top + h;
    }

    /// Adds the footer to every page, now that the page count is known.
    fn finish(mut self, sheet: &SafetySheet) -> Vec<PdfPage> {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, mut ops) in pages.into_iter().enumerate() {
            self.pages = vec![Vec::new()];
            self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
            self.ops().extend(stroke_style(0.5, &[]));
            self.ops().push(pdf::polyline(
                PAGE_H,
                &[(LEFT, 194.0), (RIGHT, 194.0)],
                false,
            ));
            let footer = format!("{CONFIDENTIAL}　整理番号 {}", sheet.serial);
            self.text(LEFT, 200.0, 9.5, &footer);
            let page = format!("{} / {} ページ", i + 1, total);
            let w = self.font.width_mm(&page, CELL);
            self.text(RIGHT - w, 200.0, CELL, &page);
            ops.append(&mut self.pages[0]);
            out.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
        }
        out
    }
}

/// Wrapped cell text at the table size.
fn plain(font: &Font, text: &str, width: f32) -> Vec<(String, f32)> {
    wrap(font, text, CELL, width)
        .into_iter()
        .map(|l| (l, CELL))
        .collect()
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
                    "要介護認定（要介護3）、車いす、在宅酸素療法".into()
                } else {
                    "65歳以上のみの世帯".into()
                },
                supporters: (0..(i % 3))
                    .map(|k| (format!("筑後 次郎{k}"), format!("090-5555-{:04}", i + k)))
                    .collect(),
                destination: "久留米市立城南小学校 体育館".into(),
            })
            .collect();
        SafetySheet {
            serial: "S-000042".into(),
            district: "D01 城南校区".into(),
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

    fn text_of(bytes: &[u8], name: &str) -> Option<String> {
        let path = std::env::temp_dir().join(format!("sasaeai-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
            .ok()?;
        std::fs::remove_file(&path).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn every_person_is_on_the_sheet_and_the_header_repeats_on_every_page() {
        let sheet = sample_sheet(60);
        let mut calls = 0;
        let bytes = render_sheet(&sheet, &mut |done, all| {
            calls += 1;
            assert_eq!(all, 60);
            assert_eq!(done, calls);
        })
        .unwrap();
        assert_eq!(calls, 60);
        let Some(text) = text_of(&bytes, "sheet.pdf") else {
            eprintln!("note: pdftotext not installed; text checks skipped");
            return;
        };
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(
            pages.len() >= 4,
            "60 rows need several pages, got {}",
            pages.len()
        );
        for (i, page) in pages.iter().enumerate() {
            let flat: String = page.chars().filter(|c| !c.is_whitespace()).collect();
            for expected in [
                "安否確認リスト",
                "住所・電話",
                "支援者・電話",
                "S-000042",
                "取扱注意",
            ] {
                assert!(
                    flat.contains(expected),
                    "page {}: {expected} missing",
                    i + 1
                );
            }
            assert!(flat.contains(&format!("{}/{}ページ", i + 1, pages.len())));
        }
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for i in 0..60 {
            assert_eq!(
                flat.matches(&format!("久留米花子{i}様")).count(),
                1,
                "row {i} printed once"
            );
        }
        assert!(flat.contains("筑後次郎1") && flat.contains("☎090-5555-0003"));
        assert!(flat.contains("令和8年11月27日"));
        assert_eq!(flat.matches("要救助").count(), 60);
    }

    #[test]
    fn sample_sheet_pdf_is_written_for_inspection() {
        // Not an assertion of looks: leaves a file to rasterise and view by eye.
        let bytes = render_sheet(&sample_sheet(30), &mut |_, _| {}).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        std::fs::write(std::env::temp_dir().join("sasaeai-sample-sheet.pdf"), bytes).unwrap();
    }

    #[test]
    fn an_empty_district_still_gives_a_sheet_that_says_so() {
        let bytes = render_sheet(&sample_sheet(0), &mut |_, _| {}).unwrap();
        let Some(text) = text_of(&bytes, "empty.pdf") else {
            return;
        };
        assert!(text.contains("登録されている方はいません"));
        assert_eq!(text.matches('\u{c}').count(), 1);
    }
}
