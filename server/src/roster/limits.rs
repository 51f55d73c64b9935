//! The bounds of a roster file, checked before the file is read into memory.
//!
//! A spreadsheet can describe far more than it holds: an .xlsx of 1.6 KB with the
//! cells A1 and XFD1048576 made the reader allocate a dense grid of 512 GiB, and a
//! compressed part can unpack a thousandfold. Every bound here is far above any
//! assembly's roll, and each is checked as the file is streamed, so the work and
//! the memory of an import are bounded whatever the file claims.

use hallvote_tally::Text;

/// The most delegate rows a roster may have (below its heading).
pub const MAX_ROWS: usize = 10_000;
/// The most columns a roster's sheet may use (A to CV): a roll has seven, the
/// rest is room for the office's own.
pub const MAX_COLUMNS: usize = 100;
/// The longest cell, in bytes of UTF-8 (a real value has at most 200 characters).
pub const MAX_CELL_BYTES: usize = 4096;
/// The largest roster file (the server's body limit, too).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The most an .xlsx file may unpack to, all its parts together.
pub const MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;
/// The most parts (files in the zip) an .xlsx may have; a workbook has about ten.
pub const MAX_PARTS: usize = 500;
/// The most shared strings (distinct texts) an .xlsx may have.
pub const MAX_SHARED_STRINGS: u64 = 100_000;
/// The most text the cells of a sheet may hold together.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// A bound a roster file goes beyond.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// The file is larger than [`MAX_FILE_BYTES`].
    FileSize,
    /// The .xlsx unpacks to more than [`MAX_UNPACKED_BYTES`].
    Unpacked,
    /// The .xlsx has more than [`MAX_PARTS`] parts.
    Parts,
    /// A cell, a row or a sheet's declared dimension beyond [`MAX_COLUMNS`] or the
    /// heading and [`MAX_ROWS`] rows: the cell, as `XFD1048576`.
    Cell(String),
    /// A cell longer than [`MAX_CELL_BYTES`]: the cell, as `B7`.
    CellText(String),
    /// More than [`MAX_SHARED_STRINGS`] shared strings, present or declared.
    SharedStrings,
    /// More than [`MAX_TEXT_BYTES`] of text in the cells.
    Text,
}

impl Limit {
    /// The bound in words.
    pub fn text(&self) -> Text {
        const MIB: u64 = 1024 * 1024;
        match self {
            Self::FileSize => Text::new(
                format!("名册文件超过 {} MiB。", MAX_FILE_BYTES as u64 / MIB),
                format!("the roster file is larger than {} MiB", MAX_FILE_BYTES as u64 / MIB),
            ),
            Self::Unpacked => Text::new(
                format!("名册 .xlsx 文件解压后超过 {} MiB，不是一份名册。", MAX_UNPACKED_BYTES / MIB),
                format!("the .xlsx roster unpacks to more than {} MiB, which no roster does", MAX_UNPACKED_BYTES / MIB),
            ),
            Self::Parts => Text::new(
                format!("名册 .xlsx 文件包含超过 {MAX_PARTS} 个部件，不是一份名册。"),
                format!("the .xlsx roster has more than {MAX_PARTS} parts, which no roster has"),
            ),
            Self::Cell(cell) => Text::new(
                format!(
                    "名册中的单元格 {cell} 超出范围：名册最多 {MAX_COLUMNS} 列（A 至 {}）、{} 行（表头和 {MAX_ROWS} \
                     名代表）。请删除多余的行和列（包括其他工作表中的）后重新导入。",
                    column_name(MAX_COLUMNS - 1),
                    MAX_ROWS + 1,
                ),
                format!(
                    "cell {cell} is outside a roster's bounds: at most {MAX_COLUMNS} columns (A to {}) and {} rows \
                     (the heading and {MAX_ROWS} delegates). Delete the extra rows and columns (in other sheets too) \
                     and import again.",
                    column_name(MAX_COLUMNS - 1),
                    MAX_ROWS + 1,
                ),
            ),
            Self::CellText(cell) => Text::new(
                format!("名册单元格 {cell} 的内容超过 {MAX_CELL_BYTES} 字节。"),
                format!("cell {cell} of the roster holds more than {MAX_CELL_BYTES} bytes"),
            ),
            Self::SharedStrings => Text::new(
                format!("名册 .xlsx 文件的共享字符串超过 {MAX_SHARED_STRINGS} 个。"),
                format!("the .xlsx roster has more than {MAX_SHARED_STRINGS} shared strings"),
            ),
            Self::Text => Text::new(
                format!("名册中的文字总量超过 {} MiB。", MAX_TEXT_BYTES as u64 / MIB),
                format!("the roster's cells hold more than {} MiB of text", MAX_TEXT_BYTES as u64 / MIB),
            ),
        }
    }
}

/// Whether a cell (0-based row and column) is within a roster's bounds.
pub(super) fn within(row: u64, column: u64) -> bool {
    row <= MAX_ROWS as u64 && column < MAX_COLUMNS as u64
}

/// A cell's name, as `B7`, from its 0-based row and column.
pub(super) fn cell_name(row: u64, column: u64) -> String {
    format!("{}{}", column_name(column as usize), row + 1)
}

/// A column's letters (0 → A, 25 → Z, 26 → AA).
pub(super) fn column_name(column: usize) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The largest row and column a spreadsheet can have (XFD1048576), 0-based.
const SHEET_ROWS: u64 = 1_048_576;
const SHEET_COLUMNS: u64 = 16_384;

/// A cell reference (`B7`, any case) as a 0-based (row, column), if it is one a
/// spreadsheet can have. Column-only or row-only references are not cells.
pub(super) fn parse_cell(reference: &str) -> Option<(u64, u64)> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = reference.split_at(letters);
    if !(1..=3).contains(&letters) || !(1..=7).contains(&row.len()) || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let column = col.bytes().fold(0u64, |n, b| n * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1);
    let row: u64 = row.parse().ok()?;
    ((1..=SHEET_ROWS).contains(&row) && (1..=SHEET_COLUMNS).contains(&column)).then(|| (row - 1, column - 1))
}

/// A row number (`<row r="7">`) as a 0-based row, if a spreadsheet can have it.
pub(super) fn parse_row(number: &str) -> Option<u64> {
    if !(1..=7).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let row: u64 = number.parse().ok()?;
    (1..=SHEET_ROWS).contains(&row).then(|| row - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_and_references() {
        assert_eq!([column_name(0), column_name(25), column_name(26), column_name(99)], ["A", "Z", "AA", "CV"]);
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("cv10001"), Some((10_000, 99)));
        assert_eq!(parse_cell("XFD1048576"), Some((1_048_575, 16_383)));
        for bad in ["", "A", "1", "A0", "XFE1", "A1048577", "AAAA1", "A12345678", "A1B", "Ａ1", "A-1"] {
            assert_eq!(parse_cell(bad), None, "{bad}");
        }
        assert_eq!(parse_row("10001"), Some(10_000));
        assert_eq!([parse_row("0"), parse_row("1048577"), parse_row("x")], [None, None, None]);
        assert!(within(10_000, 99) && !within(10_001, 0) && !within(0, 100));
    }

    #[test]
    fn the_cell_bound_is_stated_in_both_languages() {
        let t = Limit::Cell("XFD1048576".into()).text();
        assert!(t.zh.contains("XFD1048576") && t.zh.contains("最多 100 列（A 至 CV）、10001 行"), "{}", t.zh);
        assert!(t.en.contains("at most 100 columns (A to CV) and 10001 rows"), "{}", t.en);
    }
}
