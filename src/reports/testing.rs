//! Helpers for the reports' tests: text read back with poppler's `pdftotext` (each returns
//! `None` when the tool is not installed, and the caller skips with a note), the word boxes
//! of `pdftotext -bbox` checked for overlaps, the font sizes and tick boxes of laid-out pages,
//! and PNGs for a person to look at.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use printpdf::{Op, PaintMode, PdfPage};

fn temp_pdf(bytes: &[u8]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("sasaeai-reports-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pdftotext(bytes: &[u8], args: &[&str]) -> Option<String> {
    let path = temp_pdf(bytes);
    let out = Command::new("pdftotext")
        .args(args)
        .arg(&path)
        .arg("-")
        .output();
    std::fs::remove_file(&path).unwrap();
    let out = out.ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "pdftotext: {stderr}"
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

/// The text of each page (pdftotext -layout), or `None` without pdftotext.
pub fn pdf_text(bytes: &[u8]) -> Option<Vec<String>> {
    let text = pdftotext(bytes, &["-layout"])?;
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    // pdftotext ends every page with a form feed.
    pages.pop();
    Some(pages)
}

/// Text without whitespace, as pdftotext's spacing of Japanese varies.
pub fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A word and its box on the page, points, y down.
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

fn attr(tag: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn words(bytes: &[u8]) -> Option<Vec<Word>> {
    let html = pdftotext(bytes, &["-bbox"])?;
    let mut out = Vec::new();
    for (page, body) in html.split("<page ").skip(1).enumerate() {
        for chunk in body.split("<word ").skip(1) {
            let (tag, rest) = chunk.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap_or_default().to_owned();
            out.push(Word {
                page: page + 1,
                text,
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
            });
        }
    }
    Some(out)
}

/// Every pair of words whose boxes overlap, each box cut to its middle em (pdftotext's box is
/// the font's ascent to descent, 1.45 em for Noto Sans JP, so neighbouring lines' boxes touch
/// by design), described for the failure message; `None` without pdftotext.
pub fn words_overlap(bytes: &[u8]) -> Option<Vec<String>> {
    let words = words(bytes)?;
    assert!(words.len() > 20, "only {} words read back", words.len());
    let cut = |w: &Word| {
        let trim = (w.y1 - w.y0) * (1.0 - 1.0 / 1.45) / 2.0;
        (w.x0 + 0.3, w.y0 + trim, w.x1 - 0.3, w.y1 - trim)
    };
    let mut found = Vec::new();
    for (i, a) in words.iter().enumerate() {
        let ba = cut(a);
        for b in words[i + 1..].iter().take_while(|b| b.page == a.page) {
            let bb = cut(b);
            if ba.0 < bb.2 && bb.0 < ba.2 && ba.1 < bb.3 && bb.1 < ba.3 {
                found.push(format!(
                    "page {}: {:?} {:?} over {:?} {:?}",
                    a.page, a.text, ba, b.text, bb
                ));
            }
        }
    }
    Some(found)
}

/// The size of every text operation of laid-out pages, points.
pub fn font_sizes(pages: &[PdfPage]) -> Vec<f32> {
    pages
        .iter()
        .flat_map(|p| &p.ops)
        .filter_map(|op| match op {
            Op::SetFont { size, .. } => Some(size.0),
            _ => None,
        })
        .collect()
}

/// The size of every `Tf` in a saved PDF, read back with printpdf's parser (the content
/// streams are compressed), points.
pub fn pdf_font_sizes(bytes: &[u8]) -> Vec<f32> {
    let mut warnings = Vec::new();
    let doc =
        printpdf::PdfDocument::parse(bytes, &printpdf::PdfParseOptions::default(), &mut warnings)
            .unwrap();
    font_sizes(&doc.pages)
}

/// The side of every stroked square under 12 mm (tick boxes), mm.
pub fn stroked_squares(pages: &[PdfPage]) -> Vec<f32> {
    let mm = |pt: f32| pt * 25.4 / 72.0;
    pages
        .iter()
        .flat_map(|p| &p.ops)
        .filter_map(|op| match op {
            Op::DrawRectangle { rectangle } if rectangle.mode == Some(PaintMode::Stroke) => {
                let (w, h) = (mm(rectangle.width.0), mm(rectangle.height.0));
                ((w - h).abs() < 0.3 && w < 12.0).then_some(w)
            }
            _ => None,
        })
        .collect()
}

/// Leaves PNGs of the pages at 60 dpi in the temp folder (`sasaeai-look-NAME-N.png`) for a
/// person to look at; nothing when pdftoppm is not installed.
pub fn render_png(bytes: &[u8], name: &str) {
    let path = temp_pdf(bytes);
    let prefix = std::env::temp_dir().join(format!("sasaeai-look-{name}"));
    let _ = Command::new("pdftoppm")
        .args(["-r", "60", "-png"])
        .arg(&path)
        .arg(&prefix)
        .output();
    std::fs::remove_file(&path).unwrap();
}
