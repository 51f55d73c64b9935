//! Roster import: the delegate roll as delegate offices keep it, from CSV (UTF-8,
//! with or without a byte-order mark, or GB18030 as Chinese Excel saves it) or
//! from an Excel workbook (.xlsx, first sheet), with a report of every bad row.
//!
//! The columns are found by their headings (序号, 姓名, 性别, 民族, 代表团,
//! 工作单位及职务, 代表证号, or their English names), in any order. A row with a
//! fault is reported by its line in the spreadsheet (the heading is line 1) and
//! its 序号, and is not imported; the other rows are. Leading and trailing
//! spaces are trimmed and noted, not refused.

//!
//! A file is read within the bounds of [`limits`] (rows, columns, cell and file
//! sizes, and for .xlsx what it unpacks to and its shared strings), checked as it
//! is streamed, before anything is allocated for what the file claims to hold.

mod eligible;
pub mod limits;
mod package;
mod parse;
mod row;

pub use eligible::{EligibleImport, EligibleRow, parse_eligible_csv, parse_eligible_xlsx};
pub use limits::{Limit, MAX_ROWS};
pub use parse::{RosterFileError, parse_csv, parse_xlsx};
pub use row::{Gender, RosterImport, RosterRow, RowError, RowNote, RowProblem};
