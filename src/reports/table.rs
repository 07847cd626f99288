//! A ruled table on [`Pages`], shared by the safety-check sheet and the roster: column
//! headings on a grey band (wrapped when a column is narrow, repeated on every page through
//! [`Pages::set_page_header`]), rows whose cells are lines already wrapped with
//! [`pdf::wrap`](super::pdf::wrap) (so a phone number or `土のう袋×50` never splits), a row
//! never split across pages, and the cell borders.

use printpdf::{Op, PaintMode};

use super::page::Pages;
use super::pdf::{Font, grey, line_height, size, stroke_style, wrap};

/// Space inside a cell's border, mm.
pub(super) const PAD: f32 = 1.2;

/// A column: its heading and its width, mm.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub title: &'static str,
    pub width: f32,
}

/// One printed line of a cell and its size, pt. An empty line keeps its room (to keep one
/// request's work beside its address).
pub(super) type CellLine = (String, f32);

/// `text` wrapped to `width` mm at `size_pt`, as cell lines.
pub(super) fn lines(font: &Font, text: &str, size_pt: f32, width: f32) -> Vec<CellLine> {
    wrap(font, text, size_pt, width)
        .into_iter()
        .map(|l| (l, size_pt))
        .collect()
}

/// A phone number as printed in a cell: `☎ 0942-30-1000` when that fits on one line of
/// `width` mm, else the bare number, so that the number itself is never pushed to a line of
/// its own under a lonely ☎.
pub(super) fn phone(font: &Font, number: &str, size_pt: f32, width: f32) -> String {
    let with_mark = format!("☎ {number}");
    if font.width_mm(&with_mark, size_pt) <= width {
        with_mark
    } else {
        number.to_owned()
    }
}

/// Height of cell lines, mm.
pub(super) fn height_of(lines: &[CellLine]) -> f32 {
    lines.iter().map(|(_, s)| line_height(*s)).sum()
}

/// The columns of a table and where it starts on the page.
#[derive(Debug, Clone)]
pub(super) struct Table {
    pub columns: Vec<Column>,
    pub left: f32,
}

impl Table {
    pub fn new(columns: &[Column], left: f32) -> Self {
        Table {
            columns: columns.to_vec(),
            left,
        }
    }

    /// The left edge of column `col`, mm.
    pub fn x_of(&self, col: usize) -> f32 {
        self.left + self.columns[..col].iter().map(|c| c.width).sum::<f32>()
    }

    /// The writable width of column `col`, inside its padding.
    pub fn inner(&self, col: usize) -> f32 {
        self.columns[col].width - 2.0 * PAD
    }

    pub fn width(&self) -> f32 {
        self.columns.iter().map(|c| c.width).sum()
    }

    fn heading_lines(&self, font: &Font) -> Vec<Vec<CellLine>> {
        (0..self.columns.len())
            .map(|i| lines(font, self.columns[i].title, size::HEADING, self.inner(i)))
            .collect()
    }

    /// Height of the heading band, mm.
    pub fn header_height(&self, font: &Font) -> f32 {
        self.heading_lines(font)
            .iter()
            .map(|l| height_of(l))
            .fold(0.0, f32::max)
            + 2.0 * PAD
    }

    /// Draws the column headings at the cursor and moves below them.
    pub fn header(&self, p: &mut Pages<'_>) {
        let h = self.header_height(p.font);
        let top = p.y;
        p.ops().push(Op::SetFillColor { col: grey(0.85) });
        p.rect(self.left, top, self.width(), h, PaintMode::Fill);
        let headings = self.heading_lines(p.font);
        self.cells(p, top, &headings);
        self.grid(p, top, h);
        p.y = top + h;
    }

    /// Has every further page start with these column headings.
    pub fn repeat_header(&self, p: &mut Pages<'_>) {
        let table = self.clone();
        p.set_page_header(Box::new(move |p: &mut Pages<'_>| table.header(p)));
    }

    /// The height a row of `cells` takes, at least `min_content` mm inside its padding.
    pub fn row_height(cells: &[Vec<CellLine>], min_content: f32) -> f32 {
        cells
            .iter()
            .map(|c| height_of(c))
            .fold(min_content, f32::max)
            + 2.0 * PAD
    }

    /// Draws a row `h` mm high at the cursor (the caller has made room: see
    /// [`Pages::need`]) and moves below it. Returns the row's top.
    pub fn row(&self, p: &mut Pages<'_>, cells: &[Vec<CellLine>], h: f32) -> f32 {
        let top = p.y;
        self.cells(p, top, cells);
        self.grid(p, top, h);
        p.y = top + h;
        top
    }

    fn cells(&self, p: &mut Pages<'_>, top: f32, cells: &[Vec<CellLine>]) {
        for (col, lines) in cells.iter().enumerate().take(self.columns.len()) {
            let x = self.x_of(col) + PAD;
            let mut y = top + PAD;
            for (text, size_pt) in lines {
                let lh = line_height(*size_pt);
                if !text.is_empty() {
                    p.text_at(x, y + lh * 0.78, *size_pt, text);
                }
                y += lh;
            }
        }
    }

    fn grid(&self, p: &mut Pages<'_>, top: f32, h: f32) {
        p.ops().push(Op::SetOutlineColor { col: grey(0.0) });
        p.ops().extend(stroke_style(0.6, &[]));
        for col in 0..self.columns.len() {
            let x = self.x_of(col);
            p.rect(x, top, self.columns[col].width, h, PaintMode::Stroke);
        }
    }
}
