//! What every printed document shares: the embedded Noto Sans JP face and its per-document
//! subset, text measurement and wrapping with Japanese line-breaking rules, drawing primitives
//! in millimetres measured down from the top edge, and saving pages as one PDF.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect,
    TextItem, WindingOrder,
};

/// Noto Sans JP Regular (SIL OFL 1.1), shipped with the build; see assets/fonts/README.md.
pub(super) static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansJP-Regular.otf");

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// The embedded font could not be parsed (a broken build, not bad input).
    Font,
    /// A map coordinate is not a finite latitude/longitude in range.
    InvalidCoordinate {
        /// Which part of the map holds it (`home`, `supporter`, `flood area`…).
        what: &'static str,
    },
    /// The finished document could not be written out (a bug, not bad input).
    Write,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Font => write!(
                f,
                "the embedded font NotoSansJP-Regular.otf could not be parsed"
            ),
            Self::Write => write!(f, "the PDF could not be written out"),
            Self::InvalidCoordinate { what } => {
                write!(
                    f,
                    "map coordinate of the {what} is not a valid latitude/longitude"
                )
            }
        }
    }
}

impl std::error::Error for RenderError {}

// ---------------------------------------------------------------------------------------------
// Font

/// The parsed font and the metrics used to measure text.
pub(super) struct Font {
    parsed: ParsedFont,
    units_per_em: f32,
}

impl Font {
    /// A font for one document: only the glyphs of `chars` (what its pages show) are kept (see [`subset`]), and
    /// only their code points are mapped, so the PDF carries kilobytes, not the 4 MB face.
    pub(super) fn subset_for(&self, chars: &BTreeSet<char>) -> Result<ParsedFont, RenderError> {
        let original: Vec<(u32, u16)> = chars
            .iter()
            .copied()
            .filter_map(|c| Some((c as u32, self.parsed.lookup_glyph_index(c as u32)?)))
            .collect();
        let glyphs: BTreeSet<u16> = original.iter().map(|&(_, gid)| gid).collect();
        let (original_bytes, kept) = subset(&glyphs)?;
        // The subset renumbers glyphs (its charset keeps their CIDs, which printpdf reads
        // back as the Identity-H codes), so the maps handed to printpdf use the new ids.
        let new_gid: BTreeMap<u16, u16> = kept
            .iter()
            .enumerate()
            .filter_map(|(new, &old)| Some((old, u16::try_from(new).ok()?)))
            .collect();
        let mut codepoint_to_glyph = BTreeMap::new();
        let mut glyph_widths = BTreeMap::new();
        for (cp, old) in original {
            if let Some(&new) = new_gid.get(&old) {
                codepoint_to_glyph.insert(cp, new);
                if let Some(w) = self.parsed.get_glyph_width(old) {
                    glyph_widths.insert(new, w);
                }
            }
        }
        Ok(ParsedFont {
            original_bytes,
            codepoint_to_glyph,
            glyph_widths,
            font_index: self.parsed.font_index,
            font_name: self.parsed.font_name.clone(),
            units_per_em: self.parsed.units_per_em,
            font_metrics: self.parsed.font_metrics.clone(),
            font_type: self.parsed.font_type,
            pdf_font_metrics: self.parsed.pdf_font_metrics.clone(),
        })
    }

    /// Advance of `c` in em. A missing glyph is measured as a full em so that wrapping errs
    /// on the safe side.
    pub(super) fn advance_em(&self, c: char) -> f32 {
        self.parsed
            .lookup_glyph_index(c as u32)
            .and_then(|gid| self.parsed.get_glyph_width(gid))
            .map_or(1.0, |w| f32::from(w) / self.units_per_em)
    }

    /// Width of `s` in millimetres at `size_pt`.
    pub(super) fn width_mm(&self, s: &str, size_pt: f32) -> f32 {
        s.chars().map(|c| self.advance_em(c)).sum::<f32>() * size_pt * MM_PER_PT
    }
}

/// The font program cut to `glyphs` (and .notdef, first), with the original glyph ids in
/// their new order.
///
/// allsorts' CFF subsetter (printpdf's own font library) keeps each glyph's CID in the new
/// charset, which is what printpdf's Identity-H codes need. It replaced a hand-written
/// subsetter of 680 lines: measured on the sample plan (`cargo bench --bench printing`, same
/// machine and run), 82,280 bytes against 100,854 and 204–221 plans a second against 182–189,
/// because it drops the unused subroutines' bytes where ours kept empty entries to leave their
/// numbers alone; it is also maintained and tested by others.
fn subset(glyphs: &BTreeSet<u16>) -> Result<(Vec<u8>, Vec<u16>), RenderError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    let font_file = ReadScope::new(FONT_BYTES)
        .read::<FontData<'_>>()
        .map_err(|_| RenderError::Font)?;
    let provider = font_file.table_provider(0).map_err(|_| RenderError::Font)?;
    let ids: Vec<u16> = std::iter::once(0)
        .chain(glyphs.iter().copied().filter(|&g| g != 0))
        .collect();
    let bytes = allsorts::subset::subset(
        &provider,
        &ids,
        &SubsetProfile::Pdf,
        CmapTarget::Unrestricted,
    )
    .map_err(|_| RenderError::Font)?;
    Ok((bytes, ids))
}

/// Parsing the 4 MB font takes longer than rendering a plan, and the bytes never change, so it
/// is parsed once per process. A cache of a constant, not shared mutable state.
pub(super) fn embedded_font() -> Result<&'static Font, RenderError> {
    static FONT: OnceLock<Option<Font>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut parsed = ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new())?;
        // The bytes stay in FONT_BYTES; each document gets its own subset.
        parsed.original_bytes = Vec::new();
        let units_per_em = f32::from(parsed.units_per_em.max(1));
        Some(Font {
            parsed,
            units_per_em,
        })
    })
    .as_ref()
    .ok_or(RenderError::Font)
}

pub(super) const MM_PER_PT: f32 = 25.4 / 72.0;

/// Type sizes of every document, in points, in one place: DESIGN.md asks for 11 pt or more
/// for elderly readers, names and phone numbers larger.
pub(super) mod size {
    /// Body text, table cells, map labels, footers: never smaller.
    pub const BODY: f32 = 11.0;
    /// Section headings and column headings.
    pub const HEADING: f32 = 12.0;
    /// Names, phone numbers, serials.
    pub const LARGE: f32 = 14.0;
    /// The person's name on a plan.
    pub const NAME: f32 = 16.0;
    /// Document titles.
    pub const TITLE: f32 = 18.0;
}

pub(super) fn line_height(size_pt: f32) -> f32 {
    size_pt * 1.3 * MM_PER_PT
}

pub(super) fn pt(page_h: f32, x: f32, y_from_top: f32) -> Point {
    Point {
        x: Mm(x).into(),
        y: Mm(page_h - y_from_top).into(),
    }
}

pub(super) fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn line_points(page_h: f32, points: &[(f32, f32)]) -> Vec<LinePoint> {
    points
        .iter()
        .map(|&(x, y)| LinePoint {
            p: pt(page_h, x, y),
            bezier: false,
        })
        .collect()
}

pub(super) fn polygon(page_h: f32, rings: Vec<Vec<(f32, f32)>>, mode: PaintMode) -> Op {
    Op::DrawPolygon {
        polygon: Polygon {
            rings: rings
                .iter()
                .map(|ring| PolygonRing {
                    points: line_points(page_h, ring),
                })
                .collect(),
            mode,
            // Each ring set is filled by itself with the nonzero rule: holes are holes
            // when they run against their exterior (see `oriented`), and nested zones drawn
            // one over another never cancel out as even-odd would.
            winding_order: WindingOrder::NonZero,
        },
    }
}

/// Twice the signed area of a ring in page coordinates (y down): positive when it runs
/// clockwise on the page.
fn signed_area2(ring: &[(f32, f32)]) -> f32 {
    ring.iter()
        .zip(ring.iter().cycle().skip(1))
        .map(|(a, b)| a.0 * b.1 - b.0 * a.1)
        .sum()
}

/// A polygon's rings made ready for the nonzero rule: the exterior (the first ring) clockwise
/// on the page and every hole anticlockwise, whatever order the source file used.
pub(super) fn oriented(mut rings: Vec<Vec<(f32, f32)>>) -> Vec<Vec<(f32, f32)>> {
    for (i, ring) in rings.iter_mut().enumerate() {
        let clockwise = signed_area2(ring) > 0.0;
        if clockwise != (i == 0) {
            ring.reverse();
        }
    }
    rings
}

pub(super) fn polyline(page_h: f32, points: &[(f32, f32)], closed: bool) -> Op {
    Op::DrawLine {
        line: Line {
            points: line_points(page_h, points),
            is_closed: closed,
        },
    }
}

pub(super) fn rect(page_h: f32, x: f32, y_top: f32, w: f32, h: f32, mode: PaintMode) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            x: Mm(x).into(),
            y: Mm(page_h - y_top - h).into(),
            width: Mm(w).into(),
            height: Mm(h).into(),
            mode: Some(mode),
            winding_order: Some(WindingOrder::NonZero),
        },
    }
}

pub(super) fn stroke_style(width_pt: f32, dash: &[f32]) -> [Op; 2] {
    [
        Op::SetOutlineThickness { pt: Pt(width_pt) },
        Op::SetLineDashPattern {
            dash: if dash.is_empty() {
                LineDashPattern::solid()
            } else {
                LineDashPattern::new(0.0, dash)
            },
        },
    ]
}

pub(super) fn circle(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..24)
        .map(|i| {
            let a = i as f32 * std::f32::consts::TAU / 24.0;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Text wrapping

/// Characters that must not start a line (行頭禁則): they hang at the end of the previous one.
pub(super) fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。' | '，' | '．' | '）' | '」' | '』' | '・' | 'ー' | ')' | ',' | '.'
    ) || matches!(
        c,
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ッ' | 'ャ' | 'ュ' | 'ョ'
    )
}

/// Characters that belong to one unbreakable token: a phone number (`0942-30-9000`), a
/// quantity (`土のう袋×50`'s `×50`), a depth (`5.0〜10.0m`), a serial, a Latin word.
pub(super) fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.' | ':' | '/' | '@' | '+' | '#' | '%' | '_' | '×' | '〜' | '~' | '－' | '：'
        )
        || ('０'..='９').contains(&c)
}

/// Breaks `text` into lines no wider than `width_mm` at `size_pt`, honouring newlines. A token
/// (see [`token_char`]: phone numbers, numbers with their unit, Latin words) moves whole to the
/// next line unless it is wider than a line by itself; Japanese breaks between any two
/// characters, never before closing punctuation or small kana (the character before goes down
/// with them), and no line is wider than `width_mm` unless one character is.
pub(super) fn wrap(font: &Font, text: &str, size_pt: f32, width_mm: f32) -> Vec<String> {
    let max_em = width_mm / (size_pt * MM_PER_PT);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line: Vec<char> = Vec::new();
        let mut em = 0.0;
        for c in paragraph.chars() {
            let adv = font.advance_em(c);
            if em + adv > max_em && !line.is_empty() {
                let cut = if token_char(c) {
                    // Inside a token, the whole token moves down if something stands before it.
                    line.iter().rposition(|&ch| !token_char(ch)).map(|i| i + 1)
                } else if no_line_start(c) {
                    // A character that may not start a line takes the one before it down
                    // with it (追い出し), rather than hang past the width into the next
                    // column of a table.
                    line.iter()
                        .rposition(|&ch| !no_line_start(ch))
                        .filter(|&i| i > 0)
                } else {
                    None
                };
                let rest = match cut {
                    Some(i) if i < line.len() => line.split_off(i),
                    _ => Vec::new(),
                };
                let head: String = line.iter().collect();
                lines.push(head.trim_end().to_owned());
                line = rest;
                em = line.iter().map(|&ch| font.advance_em(ch)).sum();
            }
            line.push(c);
            em += adv;
        }
        lines.push(line.into_iter().collect());
    }
    lines
}

/// Text with its baseline at `baseline` (mm from the top of a page `page_h` mm high).
pub(super) fn text(
    font_id: &FontId,
    page_h: f32,
    x: f32,
    baseline: f32,
    size_pt: f32,
    text: &str,
) -> [Op; 6] {
    [
        Op::SetFillColor { col: grey(0.0) },
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font_id.clone()),
            size: Pt(size_pt),
        },
        Op::SetTextCursor {
            pos: pt(page_h, x, baseline),
        },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        },
        Op::EndTextSection,
    ]
}

/// Saves laid-out pages as one PDF titled `title`, dated `printed_on` (Japan time). The pages
/// were laid out with a provisional font id: the subset font can only be made once the text of
/// every page is known.
///
/// printpdf turns its operations into content streams one page after the other, and that is
/// most of a district batch's time (callgrind: 83 % of it in printpdf's save). Pages are
/// independent, so they are serialised in parts on up to four threads, each part a document
/// of its own over the same font; their page objects and content streams are then moved into
/// one skeleton document, whose font dictionary was made from a single page that shows every
/// character of the document once, so that its widths and its ToUnicode map cover every page.
/// One path serves every document, a one-page plan as much as a 500-plan batch.
pub(super) fn save(
    font: &Font,
    title: &str,
    printed_on: chrono::NaiveDate,
    mut pages: Vec<PdfPage>,
) -> Result<Vec<u8>, RenderError> {
    let shown = shown_text(&pages);
    let embedded = font.subset_for(&shown)?;
    let mut doc = PdfDocument::new(title);
    date_document(&mut doc, printed_on);
    let font_id = doc.add_font(&embedded);
    for page in &mut pages {
        for op in &mut page.ops {
            if let Op::SetFont { font, .. } = op {
                *font = PdfFontHandle::External(font_id.clone());
            }
        }
    }
    // Never printed: it stands in for the pages until they are grafted in.
    let skeleton_page = PdfPage::new(
        Mm(210.0),
        Mm(297.0),
        vec![
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font_id),
                size: Pt(10.0),
            },
            Op::ShowText {
                items: vec![TextItem::Text(shown.into_iter().collect())],
            },
            Op::EndTextSection,
        ],
    );
    let parts = split_pages(pages, threads());
    let (mut pdf, serialised) = std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|part| {
                let doc = doc.clone();
                scope.spawn(move || serialise_part(doc, part))
            })
            .collect();
        let mut skeleton = to_lopdf(doc.with_pages(vec![skeleton_page]));
        compress_streams(&mut skeleton);
        let serialised: Vec<Result<Vec<SerialisedPage>, RenderError>> = workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or(Err(RenderError::Write)))
            .collect();
        (skeleton, serialised)
    });
    let mut all = Vec::new();
    for part in serialised {
        all.extend(part?);
    }
    graft_pages(&mut pdf, all)?;
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).map_err(|_| RenderError::Write)?;
    Ok(bytes)
}

/// Every character the pages show, once each.
fn shown_text(pages: &[PdfPage]) -> BTreeSet<char> {
    pages
        .iter()
        .flat_map(|page| &page.ops)
        .filter_map(|op| match op {
            Op::ShowText { items } => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            TextItem::Text(s) => Some(s.chars()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Dates a document on the print's day (Japan time), not 1970.
fn date_document(doc: &mut PdfDocument, printed_on: chrono::NaiveDate) {
    use chrono::Datelike;
    let date = printpdf::DateTime {
        date: printpdf::Date {
            year: printed_on.year(),
            month: u8::try_from(printed_on.month()).unwrap_or(1),
            day: u8::try_from(printed_on.day()).unwrap_or(1),
        },
        time: printpdf::Time {
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 9,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    };
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;
    doc.metadata.info.creator = "sasaeai".to_owned();
}

/// How many threads lay out and serialise a document: the machine's cores, at most four.
pub(super) fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
}

/// Pages in order, in up to `threads` parts of at least four pages (a short document is one
/// part: a thread costs more than it saves there).
fn split_pages(mut pages: Vec<PdfPage>, threads: usize) -> Vec<Vec<PdfPage>> {
    let parts = threads.min(pages.len().div_ceil(4)).max(1);
    let per_part = pages.len().div_ceil(parts).max(1);
    let mut split = Vec::with_capacity(parts);
    while pages.len() > per_part {
        let rest = pages.split_off(per_part);
        split.push(std::mem::replace(&mut pages, rest));
    }
    split.push(pages);
    split
}

/// One page as serialised: its dictionary (sizes) and its deflated content stream.
struct SerialisedPage {
    dict: lopdf::Dictionary,
    contents: lopdf::Stream,
}

/// printpdf's document as lopdf objects; our font is already cut, so printpdf's own
/// subsetting (which needs its `text_layout` feature) is off.
fn to_lopdf(doc: &PdfDocument) -> lopdf::Document {
    let options = PdfSaveOptions {
        subset_fonts: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    printpdf::to_lopdf_doc(doc, &options, &mut warnings)
}

/// Serialises one part's pages, in order, with their content streams deflated.
fn serialise_part(
    mut doc: PdfDocument,
    pages: Vec<PdfPage>,
) -> Result<Vec<SerialisedPage>, RenderError> {
    let mut part = to_lopdf(doc.with_pages(pages));
    let page_ids: Vec<lopdf::ObjectId> = part.get_pages().into_values().collect();
    page_ids
        .into_iter()
        .map(|id| {
            let dict = match part.objects.remove(&id) {
                Some(lopdf::Object::Dictionary(dict)) => dict,
                _ => return Err(RenderError::Write),
            };
            let contents = dict
                .get(b"Contents")
                .and_then(lopdf::Object::as_reference)
                .map_err(|_| RenderError::Write)?;
            let mut contents = match part.objects.remove(&contents) {
                Some(lopdf::Object::Stream(stream)) => stream,
                _ => return Err(RenderError::Write),
            };
            deflate(&mut contents);
            Ok(SerialisedPage { dict, contents })
        })
        .collect()
}

/// Replaces the skeleton's one page by `pages`, each on the skeleton's resources.
fn graft_pages(pdf: &mut lopdf::Document, pages: Vec<SerialisedPage>) -> Result<(), RenderError> {
    let skeleton_id = pdf
        .get_pages()
        .into_values()
        .next()
        .ok_or(RenderError::Write)?;
    let Some(lopdf::Object::Dictionary(skeleton)) = pdf.objects.remove(&skeleton_id) else {
        return Err(RenderError::Write);
    };
    let reference = |key: &[u8]| {
        skeleton
            .get(key)
            .and_then(lopdf::Object::as_reference)
            .map_err(|_| RenderError::Write)
    };
    let (parent, resources) = (reference(b"Parent")?, reference(b"Resources")?);
    pdf.objects.remove(&reference(b"Contents")?);
    let mut kids = Vec::with_capacity(pages.len());
    for SerialisedPage { mut dict, contents } in pages {
        let contents = pdf.add_object(lopdf::Object::Stream(contents));
        dict.set("Parent", lopdf::Object::Reference(parent));
        dict.set("Resources", lopdf::Object::Reference(resources));
        dict.set("Contents", lopdf::Object::Reference(contents));
        kids.push(lopdf::Object::Reference(pdf.add_object(dict)));
    }
    let Some(lopdf::Object::Dictionary(tree)) = pdf.objects.get_mut(&parent) else {
        return Err(RenderError::Write);
    };
    tree.set("Count", i64::try_from(kids.len()).unwrap_or(i64::MAX));
    tree.set("Kids", kids);
    Ok(())
}

/// Deflates every stream of `pdf` that may be compressed and is not yet.
fn compress_streams(pdf: &mut lopdf::Document) {
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            deflate(stream);
        }
    }
}

/// Deflates one stream at zlib's default level, keeping it as it was when that saves nothing.
/// (lopdf's own `compress` takes level 9: on the 500-plan batch it made the file the same size
/// to within 0.003 %; levels 1 to 3 were no faster here and up to 17 % larger.)
fn deflate(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
        return;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    if encoder.write_all(&stream.content).is_err() {
        return;
    }
    if let Ok(compressed) = encoder.finish()
        && compressed.len() + 19 < stream.content.len()
    {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use allsorts::binary::read::ReadScope;
    use allsorts::cff::CFF;
    use allsorts::font_data::FontData;
    use allsorts::tables::FontTableProvider;

    /// The CID of each glyph of a font program.
    fn cids(font: &[u8], glyphs: &[u16]) -> Vec<Option<u16>> {
        let file = ReadScope::new(font).read::<FontData<'_>>().unwrap();
        let provider = file.table_provider(0).unwrap();
        let table = provider.read_table_data(allsorts::tag::CFF).unwrap();
        let cff = ReadScope::new(&table).read::<CFF<'_>>().unwrap();
        let font = &cff.fonts[0];
        assert!(font.is_cid_keyed());
        glyphs
            .iter()
            .map(|&g| font.charset.id_for_glyph(g))
            .collect()
    }

    #[test]
    fn the_subset_is_small_and_keeps_each_glyphs_cid() {
        // Three glyphs of the shipped font: 避, 難 and 0.
        let font = embedded_font().unwrap();
        let olds: Vec<u16> = ['避', '難', '0']
            .iter()
            .map(|&c| font.parsed.lookup_glyph_index(c as u32).unwrap())
            .collect();
        let glyphs: BTreeSet<u16> = olds.iter().copied().collect();
        let (bytes, kept) = subset(&glyphs).unwrap();
        assert!(bytes.starts_with(b"OTTO"));
        assert_eq!(kept[0], 0);
        assert_eq!(kept.len(), 4);
        assert!(bytes.len() < FONT_BYTES.len() / 20, "{} bytes", bytes.len());
        // Glyph i of the subset carries the CID that glyph kept[i] had in the whole font.
        let new_ids: Vec<u16> = (1..4).collect();
        assert_eq!(cids(&bytes, &new_ids), cids(FONT_BYTES, &kept[1..]));
    }
}
