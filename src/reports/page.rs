//! The page builder every document shares: a cursor down the page that starts a new page
//! before content reaches the footer, fields, paragraphs and headings at the sizes of
//! [`size`], the receipt block, and the footer (confidentiality line, serial, "x / y") added
//! once the page count is known. Plans, batch covers, safety-check sheets, rosters and
//! dispatch slips are all laid out on it.

use printpdf::{FontId, Mm, Op, PaintMode, PdfPage};

use super::pdf::{self, Font, grey, line_height, size, stroke_style, wrap};

/// The paper and its margins, millimetres.
#[derive(Debug, Clone, Copy)]
pub(super) struct Paper {
    pub w: f32,
    pub h: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    /// Content stops here; the footer lives below.
    pub bottom: f32,
}

/// A4 portrait: plans, covers, dispatch slips.
pub(super) const A4_PORTRAIT: Paper = Paper {
    w: 210.0,
    h: 297.0,
    left: 15.0,
    right: 195.0,
    top: 14.0,
    bottom: 271.0,
};

/// A4 landscape: safety-check sheets and rosters.
pub(super) const A4_LANDSCAPE: Paper = Paper {
    w: 297.0,
    h: 210.0,
    left: 12.0,
    right: 285.0,
    top: 10.0,
    bottom: 184.0,
};

/// Width of the label column of [`Pages::field`].
pub(super) const LABEL_W: f32 = 34.0;

/// A cell of [`Pages::write_in_row`]: a label and a rule, or a label and a date to fill in
/// (令和　年　月　日), with its share of the row.
pub(super) enum Cell<'a> {
    Line(&'a str, f32),
    Date(&'a str, f32),
}

impl Cell<'_> {
    fn share(&self) -> f32 {
        match self {
            Cell::Line(_, s) | Cell::Date(_, s) => *s,
        }
    }
}

/// Pages being laid out.
pub(super) struct Pages<'f> {
    pub font: &'f Font,
    pub font_id: FontId,
    pub paper: Paper,
    pages: Vec<Vec<Op>>,
    /// The cursor, mm down from the top edge of the current page.
    pub y: f32,
    /// Printed at the top of continuation pages so that a loose sheet still says whose it is.
    continued_title: String,
    /// Called at the top of each new page after the first (a table's column headings).
    on_new_page: Option<Box<dyn Fn(&mut Pages<'f>) + 'f>>,
}

impl<'f> Pages<'f> {
    pub fn new(font: &'f Font, font_id: FontId, paper: Paper, continued_title: String) -> Self {
        Pages {
            font,
            font_id,
            paper,
            pages: vec![Vec::new()],
            y: paper.top,
            continued_title,
            on_new_page: None,
        }
    }

    /// Sets what every further page starts with below its continuation title.
    pub fn set_page_header(&mut self, header: Box<dyn Fn(&mut Pages<'f>) + 'f>) {
        self.on_new_page = Some(header);
    }

    pub fn left(&self) -> f32 {
        self.paper.left
    }

    pub fn right(&self) -> f32 {
        self.paper.right
    }

    pub fn width(&self) -> f32 {
        self.paper.right - self.paper.left
    }

    /// Room left above the footer on this page.
    pub fn room(&self) -> f32 {
        self.paper.bottom - self.y
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    pub fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page, with the continuation title and the page header.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.paper.top + line_height(size::BODY);
        let title = self.continued_title.clone();
        let left = self.paper.left;
        self.text_at(left, self.y, size::BODY, &title);
        self.y += 3.0;
        if let Some(header) = self.on_new_page.take() {
            header(self);
            self.on_new_page = Some(header);
        }
    }

    /// Starts a new page unless `height_mm` still fits above the footer (a block taller than
    /// a page starts on a fresh page and runs on).
    pub fn need(&mut self, height_mm: f32) {
        if self.y + height_mm > self.paper.bottom && self.y > self.paper.top + 12.0 {
            self.new_page();
        }
    }

    /// Text with its baseline at `baseline` (mm from top).
    ///
    /// Text that follows text joins its text section: an absolute text matrix and the string,
    /// and the size only when it changes, instead of six operators per piece. Serialising
    /// operators is most of the time a batch of plans takes.
    pub fn text_at(&mut self, x: f32, baseline: f32, size_pt: f32, text: &str) {
        let page_h = self.paper.h;
        let font_id = self.font_id.clone();
        let ops = self.ops();
        if matches!(ops.last(), Some(Op::EndTextSection)) {
            ops.pop();
            // The section's last size: every section starts with one.
            let current = ops.iter().rev().find_map(|op| match op {
                Op::SetFont { size, .. } => Some(size.0),
                _ => None,
            });
            if current != Some(size_pt) {
                ops.push(Op::SetFont {
                    font: printpdf::PdfFontHandle::External(font_id),
                    size: printpdf::Pt(size_pt),
                });
            }
            let at = pdf::pt(page_h, x, baseline);
            ops.push(Op::SetTextMatrix {
                matrix: printpdf::TextMatrix::Translate(at.x, at.y),
            });
            ops.push(Op::ShowText {
                items: vec![printpdf::TextItem::Text(text.to_owned())],
            });
            ops.push(Op::EndTextSection);
        } else {
            ops.extend(pdf::text(&font_id, page_h, x, baseline, size_pt, text));
        }
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, baseline: f32, size_pt: f32, text: &str) {
        let w = self.font.width_mm(text, size_pt);
        self.text_at(right - w, baseline, size_pt, text);
    }

    pub fn rect(&mut self, x: f32, y_top: f32, w: f32, h: f32, mode: PaintMode) {
        let op = pdf::rect(self.paper.h, x, y_top, w, h, mode);
        self.ops().push(op);
    }

    pub fn polygon(&mut self, rings: Vec<Vec<(f32, f32)>>, mode: PaintMode) {
        let op = pdf::polygon(self.paper.h, rings, mode);
        self.ops().push(op);
    }

    pub fn line(&mut self, points: &[(f32, f32)], width_pt: f32, dash: &[f32]) {
        self.ops().extend(stroke_style(width_pt, dash));
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        let op = pdf::polyline(self.paper.h, points, false);
        self.ops().push(op);
    }

    /// An empty tick box `side` mm square with its top at `y_top`.
    pub fn tick_box(&mut self, x: f32, y_top: f32, side: f32) {
        self.ops().extend(stroke_style(0.9, &[]));
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.rect(x, y_top, side, side, PaintMode::Stroke);
    }

    /// Wrapped text from `x` to `x + width`, advancing the cursor, across pages if need be.
    pub fn paragraph(&mut self, x: f32, width: f32, size_pt: f32, text: &str) {
        let lh = line_height(size_pt);
        for line in wrap(self.font, text, size_pt, width) {
            self.need(lh);
            self.y += lh;
            self.text_at(x, self.y - lh * 0.25, size_pt, &line);
        }
    }

    /// A label in the left column and its value wrapped in the right one.
    pub fn field(&mut self, label: &str, value: &str, size_pt: f32) {
        let lh = line_height(size_pt);
        self.need(lh);
        let first_baseline = self.y + lh * 0.75;
        let left = self.paper.left;
        self.text_at(left, first_baseline, size::BODY, label);
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        let width = self.width() - LABEL_W;
        self.paragraph(left + LABEL_W, width, size_pt, value);
        self.y += 0.1;
    }

    /// A field printed only when it has a value.
    pub fn optional_field(&mut self, label: &str, value: Option<&str>) {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            self.field(label, value, size::BODY);
        }
    }

    /// A section heading: a grey band, kept together with at least `keep_with_mm` below it.
    pub fn heading(&mut self, title: &str, keep_with_mm: f32) {
        let h = line_height(size::HEADING) + 0.6;
        self.need(h + keep_with_mm + 1.2);
        self.y += 1.2;
        let y = self.y;
        let (left, width) = (self.paper.left, self.width());
        self.ops().push(Op::SetFillColor { col: grey(0.88) });
        self.rect(left, y, width, h, PaintMode::Fill);
        self.text_at(left + 1.5, y + h * 0.72, size::HEADING, title);
        self.y += h + 0.8;
    }

    /// A boxed paragraph that cannot be missed (the no-liability statement).
    pub fn boxed(&mut self, text: &str) {
        let width = self.width() - 6.0;
        let lines = wrap(self.font, text, size::BODY, width);
        let h = lines.len() as f32 * line_height(size::BODY) + 3.0;
        self.need(h + 3.0);
        self.y += 3.0;
        let top = self.y;
        let left = self.paper.left;
        self.ops().extend(stroke_style(0.8, &[]));
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.rect(left, top, width + 6.0, h, PaintMode::Stroke);
        self.y += 1.5;
        self.paragraph(left + 3.0, width, size::BODY, text);
        self.y = top + h;
    }

    /// Writing lines on one row: each cell is a label with a rule to sign or write on, its
    /// width a share of the row's.
    pub fn write_in_row(&mut self, cells: &[Cell<'_>]) {
        let row_h = 11.0;
        self.need(row_h);
        let baseline = self.y + row_h - 2.5;
        let mut x = self.paper.left;
        let total: f32 = cells.iter().map(Cell::share).sum();
        let width = self.width();
        for cell in cells {
            let w = width * cell.share() / total;
            let (label, date) = match cell {
                Cell::Line(label, _) => (*label, false),
                Cell::Date(label, _) => (*label, true),
            };
            self.text_at(x, baseline, size::BODY, label);
            let start = x + self.font.width_mm(label, size::BODY) + 1.5;
            let end = x + w - 4.0;
            self.line(&[(start, baseline + 1.0), (end, baseline + 1.0)], 0.5, &[]);
            if date {
                // 令和　年　月　日 spread over the rule, the blanks to write in.
                let slots = ["令和", "年", "月", "日"];
                let step = (end - start) / 4.0;
                for (i, s) in slots.iter().enumerate() {
                    let sx = if i == 0 {
                        start + 0.5
                    } else {
                        start + step * (i as f32 + 1.0) - self.font.width_mm(s, size::BODY)
                    };
                    self.text_at(sx, baseline, size::BODY, s);
                }
            }
            x += w;
        }
        self.y += row_h;
    }

    /// The receipt block every registered copy carries: who received it, their signature and
    /// the date, in a box.
    pub fn receipt(&mut self) {
        let h = line_height(size::HEADING) + 13.0;
        self.need(h + 2.0);
        self.y += 2.0;
        let top = self.y;
        let (left, width) = (self.paper.left, self.width());
        self.ops().extend(stroke_style(0.8, &[]));
        self.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        self.rect(left, top, width, h, PaintMode::Stroke);
        self.text_at(
            left + 2.0,
            top + line_height(size::HEADING) * 0.85,
            size::HEADING,
            "受領欄（この写しを受け取った方が記入してください）",
        );
        self.y = top + line_height(size::HEADING);
        self.paper.left += 2.0;
        self.paper.right -= 2.0;
        self.write_in_row(&[
            Cell::Line("受領者氏名", 1.0),
            Cell::Line("署名", 0.8),
            Cell::Date("受領日", 1.0),
        ]);
        self.paper.left -= 2.0;
        self.paper.right += 2.0;
        self.y = top + h;
    }

    /// Adds the footer to every page, now that the page count is known: a rule, the
    /// `confidential` line, the serial, and "label x / y ページ".
    pub fn finish(mut self, confidential: &str, serial: &str, label: Option<&str>) -> Vec<PdfPage> {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let paper = self.paper;
        let mut out = Vec::with_capacity(total);
        for (i, mut ops) in pages.into_iter().enumerate() {
            self.pages = vec![Vec::new()];
            let rule = paper.bottom + 3.0;
            self.line(&[(paper.left, rule), (paper.right, rule)], 0.5, &[]);
            self.text_at(paper.left, rule + 6.0, size::BODY, confidential);
            self.text_at(
                paper.left,
                rule + 12.5,
                size::BODY,
                &format!("整理番号 {serial}"),
            );
            let page = format!(
                "{}{} / {} ページ",
                label.map(|l| format!("{l} ")).unwrap_or_default(),
                i + 1,
                total
            );
            self.text_right(paper.right, rule + 12.5, size::BODY, &page);
            ops.append(&mut self.pages[0]);
            out.push(PdfPage::new(Mm(paper.w), Mm(paper.h), ops));
        }
        out
    }
}
