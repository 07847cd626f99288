//! Exchange: reading and writing the file formats cities and open data use. Pure: bytes in,
//! records and a row-by-row report out; services decide what to store.
//!
//! Every parser returns [`Parsed`]: each row is either accepted with a validated record or
//! rejected with its row number and a Japanese reason. A file that cannot be read as a whole
//! (wrong encoding, not GeoJSON, a required column missing) is a [`FormatError`]. Nothing here
//! panics on bad input and nothing does I/O. Depends on `domain` only.

pub mod districts;
mod features;
pub mod hazards;
pub mod registrants;
pub mod shelters;

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RejectedRow {
    /// 1-based: the CSV data row (the header is row 0) or the GeoJSON feature index + 1.
    pub row: usize,
    /// What identifies the row to staff when known: a GSI id, a code or a name.
    pub key: Option<String>,
    /// Why, in Japanese.
    pub reason: String,
}

/// Something the parser changed in an accepted row (e.g. a code whose leading zero was lost),
/// so that staff can check it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RowNote {
    /// Row number, counted as in [`RejectedRow::row`].
    pub row: usize,
    pub key: Option<String>,
    /// What was changed, in Japanese.
    pub message: String,
}

/// The outcome of parsing one file: accepted records with their row numbers, rejected rows,
/// and notes on accepted rows that were normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// Valid records with their row numbers, in file order.
    pub accepted: Vec<(usize, T)>,
    /// Rows not imported, in file order.
    pub rejected: Vec<RejectedRow>,
    /// Changes made to accepted rows while reading them.
    pub notes: Vec<RowNote>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Self {
            accepted: Vec::new(),
            rejected: Vec::new(),
            notes: Vec::new(),
        }
    }
}

impl<T> Parsed<T> {
    fn reject(&mut self, row: usize, key: Option<String>, reason: impl Into<String>) {
        self.rejected.push(RejectedRow {
            row,
            key,
            reason: reason.into(),
        });
    }

    /// Records the outcome of one row.
    fn push(&mut self, row: usize, key: Option<String>, result: Result<T, String>) {
        match result {
            Ok(value) => self.accepted.push((row, value)),
            Err(reason) => self.reject(row, key, reason),
        }
    }
}

/// A problem with the file as a whole; no row of it can be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The bytes are not valid in the encoding given or guessed.
    #[error("ファイルを{0}の文字として読めません（文字コードを確かめてください）")]
    Undecodable(&'static str),
    /// The text holds NUL characters.
    #[error("テキストではなくバイナリのファイルのようです")]
    Binary,
    /// Not JSON; where the parser stopped.
    #[error("JSONとして読めません（{line}行{column}列付近）")]
    Json { line: usize, column: usize },
    /// JSON, but not a FeatureCollection (the `type` found).
    #[error("GeoJSONのFeatureCollectionではありません（type: {0}）")]
    NotFeatureCollection(String),
    /// A FeatureCollection without a `features` array.
    #[error("FeatureCollectionに features の配列がありません")]
    NoFeatures,
    /// An empty CSV file.
    #[error("CSVの見出し行がありません")]
    NoHeader,
    /// The CSV header row cannot be read.
    #[error("CSVを読めません: {0}")]
    Csv(String),
    /// A column the format requires is missing (its name).
    #[error("必要な列「{0}」がありません")]
    MissingColumn(String),
    /// A physical line longer than the limit (1-based line, limit in bytes): not a register
    /// file, refused before parsing.
    #[error("{line}行目が長すぎます（1行{max}バイトまで）。CSVファイルか確かめてください")]
    LineTooLong { line: usize, max: usize },
    /// Two headers name the same column.
    #[error("列「{0}」が重複しています")]
    DuplicateColumn(String),
    /// The content matches none of the formats read here.
    #[error(
        "ファイルの形式を判別できません（国土地理院のCSV・GeoJSON、デジタル庁の推奨データセットのCSVに対応しています）"
    )]
    UnknownFormat,
}

/// The character encoding of an uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Shift_JIS as Windows writes it (CP932), the usual encoding of Excel-made CSV.
    ShiftJis,
}

/// Decodes an uploaded file to text and strips a UTF-8 byte-order mark.
///
/// Without `encoding`, the bytes are read as UTF-8 if they are valid UTF-8 and as CP932
/// otherwise.
///
/// # Errors
/// [`FormatError::Undecodable`] when the bytes are not valid in the encoding, and
/// [`FormatError::Binary`] when the text holds NUL characters, which no text file does.
///
/// ```
/// use sasaeai::exchange::decode;
/// assert_eq!(decode(b"\xEF\xBB\xBFNO,ID", None).unwrap(), "NO,ID");
/// assert_eq!(decode(b"\x8B\x76\x97\xAF\x95\xC4", None).unwrap(), "久留米");
/// ```
pub fn decode(bytes: &[u8], encoding: Option<Encoding>) -> Result<String, FormatError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let utf8 = |b: &[u8]| {
        std::str::from_utf8(b.strip_prefix(BOM).unwrap_or(b))
            .map(str::to_owned)
            .map_err(|_| FormatError::Undecodable("UTF-8"))
    };
    let cp932 = |b: &[u8]| {
        let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(b);
        if had_errors {
            Err(FormatError::Undecodable("Shift_JIS（CP932）"))
        } else {
            Ok(text.into_owned())
        }
    };
    let text = match encoding {
        Some(Encoding::Utf8) => utf8(bytes)?,
        Some(Encoding::ShiftJis) => cp932(bytes)?,
        None if bytes.starts_with(BOM) || std::str::from_utf8(bytes).is_ok() => utf8(bytes)?,
        None => cp932(bytes)?,
    };
    if text.contains('\0') {
        return Err(FormatError::Binary);
    }
    Ok(text)
}

/// What makes a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`) or, for a tab and a
/// carriage return, what Excel skips before looking for one: a CSV cell that begins with any of
/// them can run a formula (`=HYPERLINK(…)`, `@SUM(…)`) when the file is opened.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell, after any apostrophes, begins with a formula character: the cells
/// [`excel_safe`] guards. Counting apostrophes already there keeps the guard reversible, so
/// that a note that itself begins with `'=` also reads back as written.
fn needs_guard(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A text cell as this service writes it into a CSV file that people open in Excel: a cell
/// that begins with `=`, `+`, `-`, `@`, a tab or a carriage return (after any apostrophes) gets
/// one leading apostrophe, which spreadsheets take as "this is text" (OWASP's advice against
/// CSV injection). [`excel_unguard`] takes it away again on import.
///
/// Every CSV writer of the crate passes its text cells through this one function. Cells that
/// the service formats itself from numbers (ids, counts, coordinates, 0/1 flags, ISO dates)
/// are written as they are: Rust formats a number as digits with at most a leading `-`, which
/// a spreadsheet reads as a number, not a formula, and an apostrophe would turn it into text.
///
/// ```
/// use sasaeai::exchange::{excel_safe, excel_unguard};
/// assert_eq!(excel_safe("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
/// assert_eq!(excel_safe("+1"), "'+1");
/// assert_eq!(excel_safe("090-1234-5678"), "090-1234-5678");
/// assert_eq!(excel_unguard("'@SUM(A1)"), "@SUM(A1)");
/// assert_eq!(excel_unguard("'tis"), "'tis");
/// ```
pub fn excel_safe(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`excel_safe`] on a cell read from a CSV file: exactly one leading apostrophe is
/// removed when what follows it (after any further apostrophes) begins with a formula
/// character; every other cell is returned as it is, so that an export imported again is
/// unchanged.
pub fn excel_unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_gets_an_apostrophe_and_other_text_does_not() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=1", "''+1"] {
            let safe = excel_safe(cell);
            assert_eq!(safe, format!("'{cell}"), "{cell:?}");
            assert!(!safe.starts_with(FORMULA_STARTS), "{cell:?}");
        }
        for cell in [
            "",
            "山田 太郎",
            "090-1234-5678",
            "'",
            "'tis",
            "a=b",
            " =x",
            "＝1",
        ] {
            assert_eq!(excel_safe(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn unguarding_a_guarded_cell_gives_back_the_cell_for_any_text() {
        let pieces = [
            "'", "=", "+", "-", "@", "\t", "\r", "a", "1", "髙", " ", "\"",
        ];
        let mut state = 0x0C5F_u64;
        for _ in 0..2000 {
            let len = crate::rng::splitmix64(&mut state) % 6;
            let cell: String = (0..len)
                .map(|_| {
                    let i = crate::rng::splitmix64(&mut state) as usize % pieces.len();
                    pieces[i]
                })
                .collect();
            let safe = excel_safe(&cell);
            assert_eq!(excel_unguard(&safe), cell, "{cell:?} -> {safe:?}");
            assert!(!safe.starts_with(FORMULA_STARTS), "{cell:?} -> {safe:?}");
        }
        // A cell typed in Excel with an apostrophe before plain text keeps it.
        assert_eq!(excel_unguard("'0942"), "'0942");
        assert_eq!(excel_unguard("'-"), "-");
    }

    #[test]
    fn utf8_with_bom_loses_the_bom() {
        assert_eq!(decode("\u{feff}共通ID".as_bytes(), None).unwrap(), "共通ID");
        assert_eq!(
            decode("\u{feff}共通ID".as_bytes(), Some(Encoding::Utf8)).unwrap(),
            "共通ID"
        );
    }

    #[test]
    fn cp932_is_detected_when_not_utf8() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("名称,緯度\r\n久留米市役所,33.3");
        assert_eq!(
            decode(&bytes, None).unwrap(),
            "名称,緯度\r\n久留米市役所,33.3"
        );
        assert_eq!(
            decode(&bytes, Some(Encoding::ShiftJis)).unwrap(),
            "名称,緯度\r\n久留米市役所,33.3"
        );
    }

    #[test]
    fn cp932_bytes_declared_as_utf8_are_an_error() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("名称");
        assert_eq!(
            decode(&bytes, Some(Encoding::Utf8)),
            Err(FormatError::Undecodable("UTF-8"))
        );
    }

    #[test]
    fn binary_junk_is_an_error_not_a_panic() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\xff\xfe\xfd";
        assert!(decode(png, None).is_err());
        assert_eq!(
            decode(b"abc\0\0def", None),
            Err(FormatError::Binary),
            "NUL bytes are valid UTF-8 but never text"
        );
        let junk: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert!(decode(&junk, None).is_err());
        assert!(decode(&junk, Some(Encoding::ShiftJis)).is_err());
    }
}
