//! Reading the table out of a CSV or .xlsx file, within the roster's bounds.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx, open_workbook_from_rs};
use hallvote_tally::Text;

use super::limits::{Limit, MAX_CELL_BYTES, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_TEXT_BYTES, cell_name, within};
use super::package;
use super::row::{RawRow, RosterImport};

/// A file that cannot be read as a roster at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RosterFileError {
    /// Not a CSV or .xlsx file this reader understands.
    Unreadable(String),
    /// An .xlsx names a cell that no spreadsheet has (as `AAAA1`).
    BadReference(String),
    /// The heading lacks required columns.
    MissingColumns(Vec<&'static str>),
    /// No delegate rows.
    Empty,
    /// An eligible list without a person below its heading.
    NoPersons,
    /// More rows than any assembly has.
    TooManyRows,
    /// Beyond one of the bounds every roster file is read within.
    TooLarge(Limit),
}

impl RosterFileError {
    /// The error's stable machine code: `roster_too_large` for a file beyond the
    /// roster's bounds, `roster_unreadable` for the rest.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooManyRows | Self::TooLarge(_) => "roster_too_large",
            _ => "roster_unreadable",
        }
    }

    /// The error in words.
    pub fn text(&self) -> Text {
        match self {
            Self::Unreadable(why) => {
                Text::new(format!("无法读取名册文件：{why}"), format!("cannot read the roster file: {why}"))
            }
            Self::BadReference(r) => Text::new(
                format!("无法读取名册文件：“{r}”不是有效的单元格引用。"),
                format!("cannot read the roster file: “{r}” is not a cell reference"),
            ),
            Self::MissingColumns(cols) => Text::new(
                format!("名册第 1 行缺少列：{}", cols.join("、")),
                format!("the roster's first line lacks the columns: {}", cols.join(", ")),
            ),
            Self::Empty => Text::new("名册中没有代表。", "the roster has no delegates"),
            Self::NoPersons => Text::new("名单中没有人员。", "the list has no one on it"),
            Self::TooManyRows => {
                Text::new(format!("名册超过 {MAX_ROWS} 行。"), format!("the roster has more than {MAX_ROWS} rows"))
            }
            Self::TooLarge(limit) => limit.text(),
        }
    }
}

/// The roster's columns.
const COLUMNS: Columns<7> = [
    ("seq", &["序号", "no", "no.", "number"], false),
    ("name", &["姓名", "name"], true),
    ("gender", &["性别", "gender", "sex"], false),
    ("ethnicity", &["民族", "ethnicity"], false),
    ("group", &["代表团", "代表小组", "group", "delegation"], true),
    ("unit", &["工作单位及职务", "工作单位", "unit", "work unit and post"], false),
    ("card", &["代表证号", "card", "card number", "delegate card"], true),
];

/// A sheet's lines that hold something: (line in the file, heading = 1; cells).
pub(super) type Table = Vec<(usize, Vec<String>)>;

/// Reads a CSV roster: at most [`MAX_FILE_BYTES`], the heading and [`MAX_ROWS`]
/// rows of at most [`MAX_COLUMNS`] fields of at most [`MAX_CELL_BYTES`] each.
pub fn parse_csv(bytes: &[u8]) -> Result<RosterImport, RosterFileError> {
    from_table(csv_table(bytes)?)
}

/// The table of a CSV file, within the roster's bounds (the eligible list's file
/// is read the same way, `super::eligible`).
pub(super) fn csv_table(bytes: &[u8]) -> Result<Table, RosterFileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(RosterFileError::TooLarge(Limit::FileSize));
    }
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| RosterFileError::Unreadable(e.to_string()))?;
        if table.len() > MAX_ROWS {
            return Err(RosterFileError::TooManyRows);
        }
        if record.len() > MAX_COLUMNS {
            return Err(RosterFileError::TooLarge(Limit::Cell(cell_name(k as u64, MAX_COLUMNS as u64))));
        }
        if let Some(column) = record.iter().position(|field| field.len() > MAX_CELL_BYTES) {
            return Err(RosterFileError::TooLarge(Limit::CellText(cell_name(k as u64, column as u64))));
        }
        table.push((k + 1, record.iter().map(str::to_owned).collect::<Vec<_>>()));
    }
    Ok(table)
}

/// Reads the first sheet of an .xlsx roster. The package is checked first
/// ([`package::check`]); the sheet is then streamed cell by cell, each cell checked
/// against the roster's bounds before it is kept, so no grid is ever allocated for
/// the cells a sheet claims to span.
pub fn parse_xlsx(bytes: &[u8]) -> Result<RosterImport, RosterFileError> {
    from_table(xlsx_table(bytes)?)
}

/// The table of the first sheet of an .xlsx file, within the roster's bounds.
pub(super) fn xlsx_table(bytes: &[u8]) -> Result<Table, RosterFileError> {
    package::check(bytes)?;
    let unreadable = |e: calamine::XlsxError| RosterFileError::Unreadable(e.to_string());
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| RosterFileError::Unreadable("the workbook has no sheet".into()))?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    // Row (0-based) → its cells, up to the last one with a value.
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut text = 0;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        let name = || cell_name(row.into(), column.into());
        if !within(row.into(), column.into()) {
            return Err(RosterFileError::TooLarge(Limit::Cell(name())));
        }
        if let DataRef::SharedString(s) = cell.get_value()
            && s.len() > MAX_CELL_BYTES
        {
            return Err(RosterFileError::TooLarge(Limit::CellText(name())));
        }
        let value = cell_text(&Data::from(cell.get_value().clone()));
        if value.is_empty() {
            continue;
        }
        if value.len() > MAX_CELL_BYTES {
            return Err(RosterFileError::TooLarge(Limit::CellText(name())));
        }
        text += value.len();
        if text > MAX_TEXT_BYTES {
            return Err(RosterFileError::TooLarge(Limit::Text));
        }
        let kept = rows.entry(row).or_default();
        let column = column as usize; // below MAX_COLUMNS: checked above
        if kept.len() <= column {
            kept.resize(column + 1, String::new());
        }
        kept[column] = value;
    }
    // Lines count from the sheet's first row, even if the used range starts lower.
    Ok(rows.into_iter().map(|(row, cells)| (row as usize + 1, cells)).collect())
}

/// UTF-8 (a byte-order mark is dropped), else GB18030, which Chinese Excel uses
/// when it saves CSV.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// A cell as text; whole numbers without a decimal point (序号 1, not 1.0).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// Columns: (field, accepted headings, required).
pub(super) type Columns<const N: usize> = [(&'static str, &'static [&'static str], bool); N];

/// The lines below the heading (the first line that holds something), each as its
/// cells under `columns` in their order (empty where a column is absent), or the
/// required columns the heading lacks. The headings are matched without regard to
/// spaces around them or the case of Latin letters.
pub(super) fn columns<const N: usize>(
    table: Table,
    columns: &Columns<N>,
) -> Result<Vec<(usize, [String; N])>, RosterFileError> {
    let mut lines = table.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (_, heading) = lines.next().ok_or(RosterFileError::Empty)?;
    let normal: Vec<String> = heading.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut index = [None; N];
    let mut missing = Vec::new();
    for (k, (_, names, required)) in columns.iter().enumerate() {
        index[k] = normal.iter().position(|h| names.contains(&h.as_str()));
        if index[k].is_none() && *required {
            missing.push(names[0]);
        }
    }
    if !missing.is_empty() {
        return Err(RosterFileError::MissingColumns(missing));
    }
    Ok(lines
        .map(|(line, cells)| {
            (line, std::array::from_fn(|k| index[k].and_then(|i| cells.get(i)).cloned().unwrap_or_default()))
        })
        .collect())
}

fn from_table(table: Table) -> Result<RosterImport, RosterFileError> {
    let raw: Vec<RawRow> = columns(table, &COLUMNS)?
        .into_iter()
        .map(|(line, [seq, name, gender, ethnicity, group, unit, card])| RawRow {
            line,
            seq,
            name,
            gender,
            ethnicity,
            group,
            unit,
            card,
        })
        .collect();
    if raw.is_empty() {
        return Err(RosterFileError::Empty);
    }
    Ok(RosterImport::check(raw))
}
