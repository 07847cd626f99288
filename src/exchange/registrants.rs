//! Registrants as CSV: the column table shared by import and export, the row reader and the
//! writer. Pure: text in, partial inputs and cell errors out; records in, bytes out.
//!
//! A row is read into the JSON fields of a [`RegistrantInput`] (only the columns the file has),
//! then [`build`] lays it over the stored record it updates, if any, and validates the result
//! with [`RegistrantData::parse`], so an imported person obeys the same rules as one typed into
//! the API and columns missing from the file never erase what is stored.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{Encoding, FormatError, excel_safe, excel_unguard};
use crate::domain::codes::{
    Capability, CommunicationNeed, Household, MedicalDevice, Mobility, Sex, SupportReason,
    SupporterKind, SupporterStatus,
};
use crate::domain::era::parse_date;
use crate::domain::normalize::fold_width;
use crate::domain::registrant::{RegistrantData, RegistrantInput};
use crate::domain::supporter::SupporterData;

/// Longest physical line accepted, in bytes. A register row is under 2 KiB; a longer line is a
/// file that is not a register (or a runaway quote), refused before any parsing.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// Kana: half-width katakana is widened before validation.
    Kana,
    /// sasaeai's own id (登録番号), used to match rows without an external id.
    Id,
    Date,
    Float,
    Int,
    Bool,
    Sex,
    Household,
    Mobility,
    Reasons,
    Devices,
    Needs,
    SupporterRole,
    SupporterStatus,
    Capabilities,
}

impl Kind {
    /// Cells the writer formats from a number or flag of the record itself (ids, coordinates,
    /// care level, capacity, 0/1), never from typed text: exempt from the formula guard, so
    /// that Excel still reads them as numbers (see [`excel_safe`]).
    fn is_number(self) -> bool {
        matches!(self, Self::Id | Self::Float | Self::Int | Self::Bool)
    }
}

/// One column: the API field name, the Japanese header written on export, other headers
/// accepted on import, and how cells are read.
struct Column {
    field: &'static str,
    ja: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
}

/// The column table (also in README.md, "CSV exchange"). Export writes the `ja` headers in this
/// order; import accepts `field`, `ja` or an alias, in any order.
const COLUMNS: &[Column] = &[
    col("id", "登録番号", &[], Kind::Id),
    col("external_id", "宛名番号", &["住民番号"], Kind::Text),
    col("name", "氏名", &[], Kind::Text),
    col(
        "name_kana",
        "フリガナ",
        &["ふりがな", "氏名カナ", "カナ"],
        Kind::Kana,
    ),
    col("birth_date", "生年月日", &[], Kind::Date),
    col("sex", "性別", &[], Kind::Sex),
    col("address", "住所", &[], Kind::Text),
    col("phone", "電話番号", &["電話"], Kind::Text),
    col(
        "support_reasons",
        "避難支援を要する理由",
        &["支援が必要な理由", "支援理由"],
        Kind::Reasons,
    ),
    col("reason_note", "理由の補足", &[], Kind::Text),
    col("latitude", "緯度", &[], Kind::Float),
    col("longitude", "経度", &[], Kind::Float),
    col("household", "世帯状況", &["世帯"], Kind::Household),
    col("care_level", "要介護度", &[], Kind::Int),
    col("mobility", "移動手段", &["移動"], Kind::Mobility),
    col("medical_devices", "医療機器", &[], Kind::Devices),
    col("electricity_dependent", "電源依存", &[], Kind::Bool),
    col("communication_needs", "意思疎通の配慮", &[], Kind::Needs),
    col("intractable_disease", "指定難病", &[], Kind::Text),
    col("medicines", "服薬", &[], Kind::Text),
    col("allergies", "アレルギー", &[], Kind::Text),
    col("notes", "支援者への伝達事項", &["備考"], Kind::Text),
];

/// The supporter column table (also in README.md, "CSV exchange").
const SUPPORTER_COLUMNS: &[Column] = &[
    col("id", "登録番号", &[], Kind::Id),
    col("external_id", "宛名番号", &["住民番号"], Kind::Text),
    col("name", "氏名", &[], Kind::Text),
    col(
        "name_kana",
        "フリガナ",
        &["ふりがな", "氏名カナ", "カナ"],
        Kind::Kana,
    ),
    col("phone", "電話番号", &["電話"], Kind::Text),
    col("address", "住所", &[], Kind::Text),
    col("latitude", "緯度", &[], Kind::Float),
    col("longitude", "経度", &[], Kind::Float),
    col("kind", "区分", &["支援者区分"], Kind::SupporterRole),
    col("status", "活動状況", &[], Kind::SupporterStatus),
    col("capacity", "支援可能人数", &[], Kind::Int),
    col("capabilities", "対応できること", &[], Kind::Capabilities),
    col("consent_given", "同意", &["本人同意"], Kind::Bool),
    col("consent_date", "同意日", &[], Kind::Date),
    col("consent_note", "同意の記録", &[], Kind::Text),
    col("notes", "備考", &[], Kind::Text),
];

/// Which record a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Registrants,
    Supporters,
}

impl Table {
    fn columns(self) -> &'static [Column] {
        match self {
            Self::Registrants => COLUMNS,
            Self::Supporters => SUPPORTER_COLUMNS,
        }
    }
}

const fn col(
    field: &'static str,
    ja: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
) -> Column {
    Column {
        field,
        ja,
        aliases,
        kind,
    }
}

/// The column table as (API field, Japanese header) pairs, for documentation and tests.
pub fn column_table(table: Table) -> Vec<(&'static str, &'static str)> {
    table.columns().iter().map(|c| (c.field, c.ja)).collect()
}

/// A problem with one cell (or with the row, when `column` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CellError {
    /// The header as written in the file (the Japanese header when the column is missing).
    pub column: String,
    /// Why, in Japanese.
    pub reason: String,
}

/// One data row, read but not yet validated.
#[derive(Debug, Clone, PartialEq)]
pub struct RowInput {
    /// 1-based data row; the header is row 0.
    pub row: usize,
    /// 登録番号, when the file has it.
    pub id: Option<i64>,
    pub external_id: Option<String>,
    /// The cells read, as JSON values of [`RegistrantInput`] fields (null for an empty cell).
    pub fields: Map<String, Value>,
    /// Cells that could not be read at all; the row is rejected.
    pub errors: Vec<CellError>,
}

/// A registrant file read row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrantRows {
    pub table: Table,
    pub rows: Vec<RowInput>,
    /// Headers that match no column; their cells are ignored.
    pub ignored_columns: Vec<String>,
    /// For each API field the file has, the header as the file writes it.
    headers: Vec<(&'static str, String)>,
}

impl RegistrantRows {
    /// The header the file uses for `field`, or the Japanese header when the file lacks it.
    pub fn header_of(&self, field: &str) -> String {
        let base = field.split(['.', '[']).next().unwrap_or(field);
        self.headers
            .iter()
            .find(|(f, _)| *f == base)
            .map(|(_, h)| h.clone())
            .or_else(|| {
                self.table
                    .columns()
                    .iter()
                    .find(|c| c.field == base)
                    .map(|c| c.ja.to_owned())
            })
            .unwrap_or_else(|| field.to_owned())
    }
}

/// Refuses a file with a line longer than [`MAX_LINE_BYTES`] before decoding or parsing it, so
/// that a huge single-line upload costs one scan.
///
/// # Errors
/// [`FormatError::LineTooLong`] with the 1-based line number.
pub fn check_line_length(bytes: &[u8]) -> Result<(), FormatError> {
    let mut start = 0;
    let mut line = 1;
    while start < bytes.len() {
        let rest = bytes.get(start..).unwrap_or_default();
        let len = rest
            .iter()
            .take(MAX_LINE_BYTES + 1)
            .position(|b| *b == b'\n');
        match len {
            Some(len) => {
                start += len + 1;
                line += 1;
            }
            None if rest.len() > MAX_LINE_BYTES => {
                return Err(FormatError::LineTooLong {
                    line,
                    max: MAX_LINE_BYTES,
                });
            }
            None => break,
        }
    }
    Ok(())
}

fn header_key(header: &str) -> String {
    fold_width(header.trim_start_matches('\u{feff}'))
        .trim()
        .to_owned()
}

fn find_column(table: Table, header: &str) -> Option<&'static Column> {
    let key = header_key(header);
    table.columns().iter().find(|c| {
        c.field.eq_ignore_ascii_case(&key) || c.ja == key || c.aliases.contains(&key.as_str())
    })
}

/// Reads the rows of a registrant CSV (already decoded). Blank rows are skipped; a row with a
/// different number of cells than the header is rejected with a row error.
///
/// # Errors
/// [`FormatError`] when the header cannot be read, names a column twice, or has neither
/// 宛名番号/登録番号 nor 氏名.
pub fn read_rows(text: &str) -> Result<RegistrantRows, FormatError> {
    read_table(text, Table::Registrants)
}

/// [`read_rows`] for any [`Table`].
///
/// # Errors
/// As [`read_rows`].
pub fn read_table(text: &str, table: Table) -> Result<RegistrantRows, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader
        .headers()
        .map_err(|e| FormatError::Csv(e.to_string()))?
        .clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(FormatError::NoHeader);
    }
    let mut out = RegistrantRows {
        table,
        rows: Vec::new(),
        ignored_columns: Vec::new(),
        headers: Vec::new(),
    };
    let mut layout: Vec<Option<&'static Column>> = Vec::with_capacity(header.len());
    let mut seen = HashSet::new();
    for h in &header {
        let column = find_column(table, h);
        match column {
            Some(c) if !seen.insert(c.field) => {
                return Err(FormatError::DuplicateColumn(h.trim().to_owned()));
            }
            Some(c) => out.headers.push((c.field, header_key(h))),
            None if h.trim().is_empty() => {}
            None => out.ignored_columns.push(header_key(h)),
        }
        layout.push(column);
    }
    if !["id", "external_id", "name"]
        .iter()
        .any(|f| seen.contains(f))
    {
        return Err(FormatError::MissingColumn("氏名".to_owned()));
    }
    let width = header.len();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.rows
                    .push(row_error(row, format!("CSVの行を読めません: {e}")));
                continue;
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let extra_filled = record.iter().skip(width).any(|c| !c.trim().is_empty());
        if record.len() < width || extra_filled {
            out.rows.push(row_error(
                row,
                format!(
                    "列の数が見出しと合いません（見出し{width}列、この行{}列）",
                    record.len()
                ),
            ));
            continue;
        }
        out.rows.push(read_row(row, &record, &layout));
    }
    Ok(out)
}

fn row_error(row: usize, reason: String) -> RowInput {
    RowInput {
        row,
        id: None,
        external_id: None,
        fields: Map::new(),
        errors: vec![CellError {
            column: String::new(),
            reason,
        }],
    }
}

fn read_row(
    row: usize,
    record: &csv::StringRecord,
    layout: &[Option<&'static Column>],
) -> RowInput {
    let mut out = RowInput {
        row,
        id: None,
        external_id: None,
        fields: Map::new(),
        errors: Vec::new(),
    };
    for (cell, column) in record.iter().zip(layout) {
        let Some(column) = column else { continue };
        // The apostrophe the export put before a formula character goes again (every column
        // alike: a number typed as '-5 in Excel reads as -5).
        let cell = excel_unguard(cell.trim());
        let value = if cell.is_empty() {
            Ok(Value::Null)
        } else {
            read_cell(column.kind, cell)
        };
        match value {
            Ok(Value::Number(n)) if column.kind == Kind::Id => out.id = n.as_i64(),
            Ok(_) if column.kind == Kind::Id => {}
            Ok(value) => {
                if column.field == "external_id" {
                    out.external_id = value.as_str().map(str::to_owned);
                }
                out.fields.insert(column.field.to_owned(), value);
            }
            Err(reason) => out.errors.push(CellError {
                column: header_key(record_header(column)),
                reason,
            }),
        }
    }
    out
}

/// The header for errors in a cell; the file's own spelling is restored by the caller through
/// [`RegistrantRows::header_of`].
fn record_header(column: &Column) -> &'static str {
    column.ja
}

/// Reads one non-empty cell.
fn read_cell(kind: Kind, cell: &str) -> Result<Value, String> {
    let folded = fold_width(cell);
    let folded = folded.trim();
    match kind {
        // Free text is kept as written (the domain folds spaces), so that a record typed into
        // the API with full-width characters reads back unchanged from an export.
        // A line break inside a quoted cell is CRLF when the file came from Windows; the
        // register keeps LF.
        Kind::Text => Ok(Value::String(cell.replace("\r\n", "\n"))),
        Kind::Kana => Ok(Value::String(folded.to_owned())),
        Kind::Id => folded
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("「{cell}」は番号として読めません")),
        Kind::Date => parse_date(cell).map(|d| Value::String(d.format("%Y-%m-%d").to_string())),
        Kind::Float => folded
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Value::from)
            .ok_or_else(|| format!("「{cell}」は数値として読めません")),
        Kind::Int => folded
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("「{cell}」は整数として読めません")),
        Kind::Bool => match folded {
            "1" | "true" | "TRUE" | "True" | "はい" | "有" | "あり" | "○" | "〇" | "◯" => {
                Ok(Value::Bool(true))
            }
            "0" | "false" | "FALSE" | "False" | "いいえ" | "無" | "なし" | "×" | "-" => {
                Ok(Value::Bool(false))
            }
            _ => Err(format!(
                "「{cell}」は はい・いいえ として読めません（1/0、○/空欄も可）"
            )),
        },
        Kind::Sex => match folded {
            "女性" | "F" | "f" => Ok("female".into()),
            "男性" | "M" | "m" => Ok("male".into()),
            _ => code(Sex::ALL, Sex::as_str, Sex::label_ja, folded).map(Value::from),
        },
        Kind::Household => code(
            Household::ALL,
            Household::as_str,
            Household::label_ja,
            folded,
        )
        .map(Value::from),
        Kind::Mobility => {
            code(Mobility::ALL, Mobility::as_str, Mobility::label_ja, folded).map(Value::from)
        }
        Kind::Reasons => codes(
            SupportReason::ALL,
            SupportReason::as_str,
            SupportReason::label_ja,
            folded,
        ),
        Kind::Devices => codes(
            MedicalDevice::ALL,
            MedicalDevice::as_str,
            MedicalDevice::label_ja,
            folded,
        ),
        Kind::Needs => codes(
            CommunicationNeed::ALL,
            CommunicationNeed::as_str,
            CommunicationNeed::label_ja,
            folded,
        ),
        Kind::SupporterRole => code(
            SupporterKind::ALL,
            SupporterKind::as_str,
            SupporterKind::label_ja,
            folded,
        )
        .map(Value::from),
        Kind::SupporterStatus => code(
            SupporterStatus::ALL,
            SupporterStatus::as_str,
            SupporterStatus::label_ja,
            folded,
        )
        .map(Value::from),
        Kind::Capabilities => codes(
            Capability::ALL,
            Capability::as_str,
            Capability::label_ja,
            folded,
        ),
    }
}

/// A code given as the API code or its Japanese label (compared after width folding).
fn code<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    value: &str,
) -> Result<&'static str, String> {
    all.iter()
        .find(|v| as_str(**v) == value || fold_width(label(**v)) == value)
        .map(|v| as_str(*v))
        .ok_or_else(|| {
            let labels: Vec<&str> = all.iter().map(|v| label(*v)).collect();
            format!(
                "「{value}」は使えない値です（使える値: {}）",
                labels.join("、")
            )
        })
}

/// A list of codes or labels separated by 、 ; or |.
fn codes<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    value: &str,
) -> Result<Value, String> {
    let mut out = Vec::new();
    for part in value.split(['、', ';', '|', '；', '｜']) {
        let part = part.trim();
        if !part.is_empty() {
            out.push(Value::from(code(all, as_str, label, part)?));
        }
    }
    Ok(Value::Array(out))
}

/// Lays the row's cells over `base` (the stored record it updates, if any) and validates the
/// result. Columns the file does not have keep their stored values.
///
/// # Errors
/// Every problem of the row, each naming the column as the file writes it.
pub fn build(
    rows: &RegistrantRows,
    row: &RowInput,
    base: Option<&RegistrantData>,
    today: NaiveDate,
) -> Result<RegistrantData, Vec<CellError>> {
    build_with(rows, row, base, |input: &RegistrantInput| {
        RegistrantData::parse(input, today)
    })
}

/// [`build`] for any record: `parse` validates the input type of the table's record.
///
/// # Errors
/// As [`build`].
pub fn build_with<I, D>(
    rows: &RegistrantRows,
    row: &RowInput,
    base: Option<&D>,
    parse: impl Fn(&I) -> Result<D, crate::domain::ValidationErrors>,
) -> Result<D, Vec<CellError>>
where
    I: serde::de::DeserializeOwned,
    D: Serialize,
{
    if !row.errors.is_empty() {
        return Err(row
            .errors
            .iter()
            .map(|e| CellError {
                column: if e.column.is_empty() {
                    String::new()
                } else {
                    rows.table
                        .columns()
                        .iter()
                        .find(|c| c.ja == e.column)
                        .map_or_else(|| e.column.clone(), |c| rows.header_of(c.field))
                },
                reason: e.reason.clone(),
            })
            .collect());
    }
    let mut object = match base.map(serde_json::to_value) {
        Some(Ok(Value::Object(map))) => map,
        _ => Map::new(),
    };
    for (field, value) in &row.fields {
        object.insert(field.clone(), value.clone());
    }
    let input: I = serde_json::from_value(Value::Object(object)).map_err(|e| {
        vec![CellError {
            column: String::new(),
            reason: format!("行を読めません: {e}"),
        }]
    })?;
    parse(&input).map_err(|errors| {
        errors
            .errors()
            .iter()
            .map(|e| CellError {
                column: rows.header_of(&e.field),
                reason: e.message.clone(),
            })
            .collect()
    })
}

/// A record that cannot be written in the requested encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{row}行目（登録番号 {id}）の「{column}」に Shift_JIS（CP932）で表せない文字があります。UTF-8 で出力するか、文字を直してください"
)]
pub struct Unencodable {
    /// 1-based data row of the export.
    pub row: usize,
    pub id: i64,
    pub column: &'static str,
}

fn cell(column: &Column, id: i64, data: &RegistrantData) -> String {
    let join = |items: Vec<&str>| items.join("、");
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match column.field {
        "id" => id.to_string(),
        "external_id" => opt(&data.external_id),
        "name" => data.name.clone(),
        "name_kana" => opt(&data.name_kana),
        "birth_date" => data.birth_date.format("%Y-%m-%d").to_string(),
        "sex" => data.sex.label_ja().to_owned(),
        "address" => data.address.clone(),
        "phone" => opt(&data.phone),
        "support_reasons" => join(data.support_reasons.iter().map(|r| r.label_ja()).collect()),
        "reason_note" => opt(&data.reason_note),
        "latitude" => data
            .location
            .map(|p| p.lat().to_string())
            .unwrap_or_default(),
        "longitude" => data
            .location
            .map(|p| p.lon().to_string())
            .unwrap_or_default(),
        "household" => data
            .household
            .map(|h| h.label_ja())
            .unwrap_or_default()
            .to_owned(),
        "care_level" => data.care_level.map(|c| c.to_string()).unwrap_or_default(),
        "mobility" => data
            .mobility
            .map(|m| m.label_ja())
            .unwrap_or_default()
            .to_owned(),
        "medical_devices" => join(data.medical_devices.iter().map(|d| d.label_ja()).collect()),
        "electricity_dependent" => if data.electricity_dependent { "1" } else { "0" }.to_owned(),
        "communication_needs" => join(
            data.communication_needs
                .iter()
                .map(|n| n.label_ja())
                .collect(),
        ),
        "intractable_disease" => opt(&data.intractable_disease),
        "medicines" => opt(&data.medicines),
        "allergies" => opt(&data.allergies),
        "notes" => opt(&data.notes),
        _ => String::new(),
    }
}

/// Writes registrants as CSV with the Japanese headers, CRLF line ends (as Excel writes), in
/// UTF-8 with a byte-order mark (so that Excel opens it) or in CP932. Text cells that would
/// start a formula are guarded with an apostrophe ([`excel_safe`]); the reader takes it away.
///
/// # Errors
/// [`Unencodable`] naming the first row and column that CP932 cannot represent (e.g. 𠮷);
/// nothing is replaced silently.
pub fn write_csv(
    records: &[(i64, &RegistrantData)],
    encoding: Encoding,
) -> Result<Vec<u8>, Unencodable> {
    let rows: Vec<(i64, Vec<String>)> = records
        .iter()
        .map(|(id, data)| (*id, COLUMNS.iter().map(|c| cell(c, *id, data)).collect()))
        .collect();
    write_cells(COLUMNS, &rows, encoding)
}

fn write_cells(
    columns: &[Column],
    rows: &[(i64, Vec<String>)],
    encoding: Encoding,
) -> Result<Vec<u8>, Unencodable> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(rows.len() * 256 + 256));
    // Writing into a Vec cannot fail; errors would only come from the inner writer.
    let _ = writer.write_record(columns.iter().map(|c| c.ja));
    for (i, (id, cells)) in rows.iter().enumerate() {
        if encoding == Encoding::ShiftJis {
            for (column, text) in columns.iter().zip(cells) {
                if !text.is_ascii() && encoding_rs::SHIFT_JIS.encode(text).2 {
                    return Err(Unencodable {
                        row: i + 1,
                        id: *id,
                        column: column.ja,
                    });
                }
            }
        }
        let _ = writer.write_record(columns.iter().zip(cells).map(|(column, text)| {
            if column.kind.is_number() {
                Cow::Borrowed(text.as_bytes())
            } else {
                match excel_safe(text) {
                    Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                    Cow::Owned(text) => Cow::Owned(text.into_bytes()),
                }
            }
        }));
    }
    let bytes = writer
        .into_inner()
        .unwrap_or_else(|e| e.into_inner().get_ref().clone());
    // Every cell was checked; the text is CP932-encodable or UTF-8 was asked for.
    let text = String::from_utf8(bytes).unwrap_or_default();
    Ok(match encoding {
        Encoding::Utf8 => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(text.as_bytes());
            out
        }
        Encoding::ShiftJis => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
    })
}

fn supporter_cell(column: &Column, id: i64, data: &SupporterData) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match column.field {
        "id" => id.to_string(),
        "external_id" => opt(&data.external_id),
        "name" => data.name.clone(),
        "name_kana" => opt(&data.name_kana),
        "phone" => data.phone.clone(),
        "address" => data.address.clone(),
        "latitude" => data.location.lat().to_string(),
        "longitude" => data.location.lon().to_string(),
        "kind" => data.kind.label_ja().to_owned(),
        "status" => data.status.label_ja().to_owned(),
        "capacity" => data.capacity.to_string(),
        "capabilities" => data
            .capabilities
            .iter()
            .map(|c| c.label_ja())
            .collect::<Vec<_>>()
            .join("、"),
        "consent_given" => if data.consent_given { "1" } else { "0" }.to_owned(),
        "consent_date" => data
            .consent_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        "consent_note" => opt(&data.consent_note),
        "notes" => opt(&data.notes),
        _ => String::new(),
    }
}

/// Writes supporters as CSV, like [`write_csv`].
///
/// # Errors
/// As [`write_csv`].
pub fn write_supporters_csv(
    records: &[(i64, &SupporterData)],
    encoding: Encoding,
) -> Result<Vec<u8>, Unencodable> {
    let rows: Vec<(i64, Vec<String>)> = records
        .iter()
        .map(|(id, data)| {
            let cells = SUPPORTER_COLUMNS
                .iter()
                .map(|c| supporter_cell(c, *id, data))
                .collect();
            (*id, cells)
        })
        .collect();
    write_cells(SUPPORTER_COLUMNS, &rows, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::GeoPoint;
    use crate::rng::splitmix64;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default()
    }

    const HEADER: &str =
        "宛名番号,氏名,フリガナ,生年月日,性別,住所,電話番号,避難支援を要する理由\n";

    #[test]
    fn japanese_row_with_era_date_labels_and_full_width_digits_is_read() {
        let text = format!(
            "{HEADER}１２３,髙橋　一郎,ﾀｶﾊｼ ｲﾁﾛｳ,S25.4.1,男,久留米市城南町１５－３,０９４２－００－１２３４,要介護認定、65歳以上のみの世帯\n"
        );
        let rows = read_rows(&text).unwrap();
        let row = &rows.rows[0];
        assert!(row.errors.is_empty(), "{:?}", row.errors);
        let data = build(&rows, row, None, today()).unwrap();
        assert_eq!(
            data.birth_date,
            NaiveDate::from_ymd_opt(1950, 4, 1).unwrap()
        );
        assert_eq!(data.sex, Sex::Male);
        assert_eq!(
            data.support_reasons,
            vec![
                SupportReason::ElderlyOnlyHousehold,
                SupportReason::CareLevel
            ]
        );
        assert_eq!(data.phone.as_deref(), Some("0942-00-1234"));
        assert_eq!(data.external_id.as_deref(), Some("１２３"));
    }

    #[test]
    fn bad_cells_are_named_by_their_header() {
        let text = format!("{HEADER}1,山田,ヤマダ,1950-13-40,女,久留米市,,空を飛ぶ\n");
        let rows = read_rows(&text).unwrap();
        let errors = build(&rows, &rows.rows[0], None, today()).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, vec!["生年月日", "避難支援を要する理由"]);
    }

    #[test]
    fn english_headers_and_missing_required_field_name_the_api_column() {
        let text = "external_id,name,birth_date,sex,address\nA1,山田,1950/4/1,female,久留米市\n";
        let rows = read_rows(text).unwrap();
        let errors = build(&rows, &rows.rows[0], None, today()).unwrap_err();
        assert_eq!(errors[0].column, "避難支援を要する理由");
    }

    #[test]
    fn ragged_rows_are_rejected_and_trailing_empty_cells_are_not() {
        let text = format!("{HEADER}1,a\n2,山田,ヤマダ,1950-01-01,女,久留米市,,その他,,\n");
        let rows = read_rows(&text).unwrap();
        assert_eq!(rows.rows.len(), 2);
        assert!(rows.rows[0].errors[0].reason.contains("列の数"));
        assert!(rows.rows[1].errors.is_empty());
    }

    #[test]
    fn a_header_without_name_or_ids_is_a_format_error() {
        assert_eq!(
            read_rows("foo,bar\n1,2\n"),
            Err(FormatError::MissingColumn("氏名".into()))
        );
        assert!(matches!(
            read_rows("氏名,name\n"),
            Err(FormatError::DuplicateColumn(_))
        ));
    }

    #[test]
    fn a_huge_line_is_refused_before_parsing() {
        let mut bytes = b"a,b\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        assert_eq!(
            check_line_length(&bytes),
            Err(FormatError::LineTooLong {
                line: 2,
                max: MAX_LINE_BYTES
            })
        );
        assert_eq!(check_line_length(b"a,b\r\n1,2\r\n"), Ok(()));
    }

    #[test]
    fn random_bytes_and_fields_never_panic_the_row_reader() {
        let mut state = 0x5EED_u64;
        let pieces = [
            "",
            ",",
            "\"",
            "\r\n",
            "\n",
            "、",
            "|",
            "S25.4.1",
            "昭和",
            "髙",
            "ｱ",
            "１",
            "-",
            ".",
            "e9",
            "NaN",
            "inf",
            "9999999999999999999999",
            "female",
            "その他",
            "\u{feff}",
            " ",
        ];
        for _ in 0..400 {
            let mut text = String::from(HEADER);
            for _ in 0..(splitmix64(&mut state) % 40) {
                let r = splitmix64(&mut state);
                if r.is_multiple_of(3) {
                    let byte = (r >> 8) as u8;
                    text.push(char::from(byte));
                } else {
                    let i = usize::try_from(r >> 16).unwrap_or(0) % pieces.len();
                    text.push_str(pieces[i]);
                }
            }
            if let Ok(rows) = read_rows(&text) {
                for row in &rows.rows {
                    let _ = build(&rows, row, None, today());
                }
            }
            let bytes: Vec<u8> = (0..64).map(|_| splitmix64(&mut state) as u8).collect();
            let _ = check_line_length(&bytes);
            if let Ok(text) = super::super::decode(&bytes, None) {
                let _ = read_rows(&text);
            }
        }
    }

    #[test]
    fn export_reads_back_to_the_same_record_in_both_encodings() {
        let text = format!(
            "{HEADER}E1,髙﨑　①子,ﾀｶｻｷ ﾏﾙｺ,昭和25年4月1日,女,久留米市,0942-00-0000,療育手帳|指定難病\n"
        );
        let rows = read_rows(&text).unwrap();
        let data = build(&rows, &rows.rows[0], None, today()).unwrap();
        for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
            let bytes = write_csv(&[(7, &data)], encoding).unwrap();
            let back = read_rows(&super::super::decode(&bytes, None).unwrap()).unwrap();
            assert_eq!(back.rows[0].id, Some(7));
            let again = build(&back, &back.rows[0], Some(&data), today()).unwrap();
            assert_eq!(again, data);
        }
    }

    #[test]
    fn formula_cells_are_written_behind_an_apostrophe_and_read_back_as_typed() {
        let text = format!("{HEADER}E1,山田 花子,,1950-01-01,女,久留米市,,要介護認定\n");
        let rows = read_rows(&text).unwrap();
        let plain = build(&rows, &rows.rows[0], None, today()).unwrap();
        let mut data = plain.clone();
        data.name = "=HYPERLINK(\"http://x\",\"y\")".into();
        data.phone = Some("+81-90-1234-5678".into());
        data.notes = Some("+1".into());
        data.medicines = Some("@SUM(A1)".into());
        data.allergies = Some("-".into());
        data.intractable_disease = Some("\t=1".into());
        data.location = GeoPoint::new(33.3, 130.5).ok();
        for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
            let bytes = write_csv(&[(7, &data)], encoding).unwrap();
            let decoded = super::super::decode(&bytes, None).unwrap();
            let mut reader = csv::Reader::from_reader(decoded.as_bytes());
            let header = reader.headers().unwrap().clone();
            let record = reader.records().next().unwrap().unwrap();
            let cell = |ja: &str| {
                let i = header.iter().position(|h| h == ja).unwrap();
                record.get(i).unwrap().to_owned()
            };
            assert_eq!(cell("氏名"), "'=HYPERLINK(\"http://x\",\"y\")");
            assert_eq!(cell("電話番号"), "'+81-90-1234-5678");
            assert_eq!(cell("支援者への伝達事項"), "'+1");
            assert_eq!(cell("服薬"), "'@SUM(A1)");
            assert_eq!(cell("アレルギー"), "'-");
            assert_eq!(cell("指定難病"), "'\t=1");
            assert_eq!(
                cell("登録番号"),
                "7",
                "numbers the service writes stay numbers"
            );
            assert_eq!(cell("住所"), "久留米市");

            // Read over the record as it was before, so that only the file can bring the
            // guarded values back.
            let back = read_rows(&decoded).unwrap();
            let again = build(&back, &back.rows[0], Some(&plain), today()).unwrap();
            assert_eq!(again, data, "{encoding:?}");
        }
    }

    #[test]
    fn numbers_the_service_formats_are_not_guarded_even_when_negative() {
        let text = format!("{HEADER}E1,山田,,1950-01-01,女,久留米市,,要介護認定\n");
        let rows = read_rows(&text).unwrap();
        let mut data = build(&rows, &rows.rows[0], None, today()).unwrap();
        data.location = GeoPoint::new(-33.5, -70.25).ok();
        let bytes = write_csv(&[(-1, &data)], Encoding::Utf8).unwrap();
        let text = super::super::decode(&bytes, None).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("-1,E1,"), "{row}");
        assert!(row.contains(",-33.5,-70.25,"), "{row}");
    }

    #[test]
    fn cp932_export_names_the_row_it_cannot_encode() {
        let text = format!("{HEADER}E1,𠮷田,,1950-01-01,女,久留米市,,要介護認定\n");
        let rows = read_rows(&text).unwrap();
        let data = build(&rows, &rows.rows[0], None, today()).unwrap();
        let error = write_csv(&[(3, &data)], Encoding::ShiftJis).unwrap_err();
        assert_eq!((error.row, error.column), (1, "氏名"));
    }
}
