//! The eligible list (候选人资格名单, issue 17): the persons a delegate may write in
//! (另选他人) by picking a name at the booth. Read like the roster — the same files
//! (CSV in UTF-8 or GB18030, or the first sheet of an .xlsx), the same bounds
//! ([`super::limits`]), the same rules for every cell and the one form of names —
//! with its own columns: 姓名, and optionally 序号, 性别 and 工作单位及职务.

use super::parse::{Columns, RosterFileError, Table, columns, csv_table, xlsx_table};
use super::row::{Gender, RowError, RowNote, cells_problem, gender, name_in_one_form, note_spaces};

/// The eligible list's columns.
const COLUMNS: Columns<4> = [
    ("seq", &["序号", "no", "no.", "number"], false),
    ("name", &["姓名", "name"], true),
    ("gender", &["性别", "gender", "sex"], false),
    ("unit", &["工作单位及职务", "工作单位", "unit", "work unit and post"], false),
];

/// A person as imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibleRow {
    /// Line in the spreadsheet (heading = 1).
    pub line: usize,
    /// 序号, as written.
    pub seq: String,
    /// 姓名, in its one form.
    pub name: String,
    /// 性别, if given.
    pub gender: Option<Gender>,
    /// 工作单位及职务.
    pub unit: String,
}

/// The outcome of an import: the good rows, and a report of the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EligibleImport {
    /// Rows imported, in file order.
    pub rows: Vec<EligibleRow>,
    /// Rows refused, in file order.
    pub errors: Vec<RowError>,
    /// Corrections made (trimmed spaces, names put in their one form).
    pub notes: Vec<RowNote>,
}

/// Reads a CSV eligible list.
pub fn parse_eligible_csv(bytes: &[u8]) -> Result<EligibleImport, RosterFileError> {
    check(csv_table(bytes)?)
}

/// Reads the first sheet of an .xlsx eligible list.
pub fn parse_eligible_xlsx(bytes: &[u8]) -> Result<EligibleImport, RosterFileError> {
    check(xlsx_table(bytes)?)
}

fn check(table: Table) -> Result<EligibleImport, RosterFileError> {
    let lines = columns(table, &COLUMNS)?;
    if lines.is_empty() {
        return Err(RosterFileError::NoPersons);
    }
    let mut out = EligibleImport::default();
    for (line, [seq, name, sex, unit]) in lines {
        let (seq, unit) = (seq.trim(), unit.trim());
        note_spaces(line, &name, &mut out.notes);
        let cells = [("序号", seq), ("姓名", name.trim()), ("工作单位及职务", unit)];
        let checked = cells_problem(&cells).map_or(Ok(()), Err).and_then(|()| {
            let gender = gender(&sex)?;
            Ok((gender, name_in_one_form(line, name.trim(), &mut out.notes)?))
        });
        match checked {
            Ok((gender, name)) => {
                out.rows.push(EligibleRow { line, seq: seq.to_owned(), name, gender, unit: unit.to_owned() })
            }
            Err(problem) => out.errors.push(RowError { line, seq: seq.to_owned(), problem }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::roster::RowProblem;
    use hallvote_protocol::wire::RowProblemCode;

    #[test]
    fn names_are_checked_and_put_in_their_one_form_like_the_rosters() {
        let csv = "序号,姓名,性别,工作单位\n1, 张三 ,男,青山村\n2,李\u{200B}四,,\n3,=HYPERLINK(),女,\n4,\u{2F08}明,,\n5,𠮷·阿依古丽,女,\n6,,男,\n7,王五,X,\n";
        let import = parse_eligible_csv(csv.as_bytes()).unwrap();
        let names: Vec<&str> = import.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["张三", "人明", "𠮷·阿依古丽"]);
        assert_eq!(import.rows[0].gender, Some(Gender::Male));
        assert_eq!(import.rows[0].unit, "青山村");
        let refused: Vec<(usize, RowProblemCode)> = import.errors.iter().map(|e| (e.line, e.problem.code())).collect();
        use RowProblemCode::{BadGender, BadText, EmptyName, Formula};
        assert_eq!(refused, [(3, BadText), (4, Formula), (7, EmptyName), (8, BadGender)]);
        assert!(import.errors[0].text().zh.contains("第 3 行（序号 2）"), "{}", import.errors[0].text().zh);
        assert!(matches!(import.errors[0].problem, RowProblem::BadText { column: "姓名", .. }));
        let notes: Vec<usize> = import.notes.iter().map(|n| n.line).collect();
        assert_eq!(notes, [2, 5], "spaces trimmed on line 2, the radical folded on line 5");
    }

    #[test]
    fn a_file_without_names_is_refused_naming_what_is_missing() {
        assert_eq!(
            parse_eligible_csv("序号,单位\n1,村\n".as_bytes()),
            Err(RosterFileError::MissingColumns(vec!["姓名"]))
        );
        assert_eq!(parse_eligible_csv("姓名\n".as_bytes()), Err(RosterFileError::NoPersons));
        assert_eq!(RosterFileError::NoPersons.code(), "roster_unreadable");
        assert!(RosterFileError::NoPersons.text().zh.contains("名单"));
    }
}
