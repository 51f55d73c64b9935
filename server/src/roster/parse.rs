//! Reading the table out of a CSV or .xlsx file.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use hallvote_tally::Text;

use super::MAX_ROWS;
use super::row::{RawRow, RosterImport};

/// A file that cannot be read as a roster at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RosterFileError {
    /// Not a CSV or .xlsx file this reader understands.
    Unreadable(String),
    /// The heading lacks required columns.
    MissingColumns(Vec<&'static str>),
    /// No delegate rows.
    Empty,
    /// More rows than any assembly has.
    TooManyRows,
}

impl RosterFileError {
    /// The error in words.
    pub fn text(&self) -> Text {
        match self {
            Self::Unreadable(why) => {
                Text::new(format!("无法读取名册文件：{why}"), format!("cannot read the roster file: {why}"))
            }
            Self::MissingColumns(cols) => Text::new(
                format!("名册第 1 行缺少列：{}", cols.join("、")),
                format!("the roster's first line lacks the columns: {}", cols.join(", ")),
            ),
            Self::Empty => Text::new("名册中没有代表。", "the roster has no delegates"),
            Self::TooManyRows => {
                Text::new(format!("名册超过 {MAX_ROWS} 行。"), format!("the roster has more than {MAX_ROWS} rows"))
            }
        }
    }
}

/// Columns: (field, accepted headings, required).
const COLUMNS: [(&str, &[&str], bool); 7] = [
    ("seq", &["序号", "no", "no.", "number"], false),
    ("name", &["姓名", "name"], true),
    ("gender", &["性别", "gender", "sex"], false),
    ("ethnicity", &["民族", "ethnicity"], false),
    ("group", &["代表团", "代表小组", "group", "delegation"], true),
    ("unit", &["工作单位及职务", "工作单位", "unit", "work unit and post"], false),
    ("card", &["代表证号", "card", "card number", "delegate card"], true),
];

/// Reads a CSV roster.
pub fn parse_csv(bytes: &[u8]) -> Result<RosterImport, RosterFileError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| RosterFileError::Unreadable(e.to_string()))?;
        table.push((k + 1, record.iter().map(str::to_owned).collect::<Vec<_>>()));
        if table.len() > MAX_ROWS + 1 {
            return Err(RosterFileError::TooManyRows);
        }
    }
    from_table(table)
}

/// Reads the first sheet of an .xlsx roster.
pub fn parse_xlsx(bytes: &[u8]) -> Result<RosterImport, RosterFileError> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| RosterFileError::Unreadable(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| RosterFileError::Unreadable("the workbook has no sheet".into()))?
        .map_err(|e| RosterFileError::Unreadable(e.to_string()))?;
    if range.height() > MAX_ROWS + 1 {
        return Err(RosterFileError::TooManyRows);
    }
    // Lines count from the sheet's first row, even if the used range starts lower.
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let table =
        range.rows().enumerate().map(|(k, cells)| (first + k + 1, cells.iter().map(cell_text).collect())).collect();
    from_table(table)
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

fn from_table(table: Vec<(usize, Vec<String>)>) -> Result<RosterImport, RosterFileError> {
    let mut lines = table.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (_, heading) = lines.next().ok_or(RosterFileError::Empty)?;
    let normal: Vec<String> = heading.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut index = [None; 7];
    let mut missing = Vec::new();
    for (k, (_, names, required)) in COLUMNS.iter().enumerate() {
        index[k] = normal.iter().position(|h| names.contains(&h.as_str()));
        if index[k].is_none() && *required {
            missing.push(names[0]);
        }
    }
    if !missing.is_empty() {
        return Err(RosterFileError::MissingColumns(missing));
    }
    let get = |cells: &[String], k: usize| index[k].and_then(|i| cells.get(i)).cloned().unwrap_or_default();
    let raw: Vec<RawRow> = lines
        .map(|(line, cells)| RawRow {
            line,
            seq: get(&cells, 0),
            name: get(&cells, 1),
            gender: get(&cells, 2),
            ethnicity: get(&cells, 3),
            group: get(&cells, 4),
            unit: get(&cells, 5),
            card: get(&cells, 6),
        })
        .collect();
    if raw.is_empty() {
        return Err(RosterFileError::Empty);
    }
    Ok(RosterImport::check(raw))
}
