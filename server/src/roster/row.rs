//! One row of a roster, and what can be wrong with it.

use std::collections::HashMap;

use hallvote_protocol::wire::RowProblemCode;
use hallvote_tally::Text;
use serde::Serialize;

/// Gender as the roll records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// 男.
    Male,
    /// 女.
    Female,
}

/// A delegate as imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterRow {
    /// Line in the spreadsheet (heading = 1).
    pub line: usize,
    /// 序号, as written.
    pub seq: String,
    /// 姓名, trimmed.
    pub name: String,
    /// 性别, if given.
    pub gender: Option<Gender>,
    /// 民族.
    pub ethnicity: String,
    /// 代表团.
    pub group: String,
    /// 工作单位及职务.
    pub unit: String,
    /// 代表证号, unique.
    pub card: String,
}

/// What is wrong with a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RowProblem {
    /// 姓名 is empty.
    EmptyName,
    /// 代表团 is empty.
    EmptyGroup,
    /// 代表证号 is empty.
    EmptyCard,
    /// 代表证号 repeats an earlier row's.
    DuplicateCard {
        /// The card number.
        card: String,
        /// The line where it first appears.
        first_line: usize,
    },
    /// 性别 is neither 男 nor 女.
    BadGender {
        /// What was written.
        value: String,
    },
    /// A cell is longer than any real value (200 characters).
    TooLong {
        /// The column's heading.
        column: &'static str,
    },
    /// A cell holds a control, text-direction or invisible character (the rule for
    /// names, `hallvote_tally::text::name_problem`), or a name is over 100 characters.
    BadText {
        /// The column's heading.
        column: &'static str,
        /// What is wrong.
        reason: Text,
    },
    /// A cell starts like a spreadsheet formula (`=`, `+`, `-`, `@`): refused rather
    /// than stored, so no later export of the roll can run it.
    Formula {
        /// The column's heading.
        column: &'static str,
    },
}

impl RowProblem {
    /// The problem's stable code, as the import's answer gives it.
    pub fn code(&self) -> RowProblemCode {
        match self {
            Self::EmptyName => RowProblemCode::EmptyName,
            Self::EmptyGroup => RowProblemCode::EmptyGroup,
            Self::EmptyCard => RowProblemCode::EmptyCard,
            Self::DuplicateCard { .. } => RowProblemCode::DuplicateCard,
            Self::BadGender { .. } => RowProblemCode::BadGender,
            Self::TooLong { .. } => RowProblemCode::TooLong,
            Self::BadText { .. } => RowProblemCode::BadText,
            Self::Formula { .. } => RowProblemCode::Formula,
        }
    }

    /// The problem in words.
    pub fn text(&self) -> Text {
        match self {
            Self::EmptyName => Text::new("姓名为空", "the name is empty"),
            Self::EmptyGroup => Text::new("代表团为空", "the delegate group is empty"),
            Self::EmptyCard => Text::new("代表证号为空", "the delegate card number is empty"),
            Self::DuplicateCard { card, first_line } => Text::new(
                format!("代表证号 {card} 与第 {first_line} 行重复"),
                format!("delegate card number {card} repeats line {first_line}"),
            ),
            Self::BadGender { value } => Text::new(
                format!("性别“{value}”无效，应为“男”或“女”"),
                format!("gender \"{value}\" is not valid; use 男 or 女"),
            ),
            Self::TooLong { column } => {
                Text::new(format!("“{column}”超过 200 个字符"), format!("\"{column}\" is longer than 200 characters"))
            }
            Self::BadText { column, reason } => {
                Text::new(format!("“{column}”{}", reason.zh), format!("\"{column}\" {}", reason.en))
            }
            Self::Formula { column } => Text::new(
                format!("“{column}”以 = + - @ 开头，像电子表格公式：请去掉这个符号"),
                format!("\"{column}\" begins with = + - or @, like a spreadsheet formula: remove that sign"),
            ),
        }
    }
}

/// A row that was not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line in the spreadsheet (heading = 1).
    pub line: usize,
    /// 序号, as written (may be empty).
    pub seq: String,
    /// What is wrong.
    pub problem: RowProblem,
}

impl RowError {
    /// The whole report line: "第 4 行（序号 3）：姓名为空".
    pub fn text(&self) -> Text {
        let p = self.problem.text();
        let (zh_seq, en_seq) = if self.seq.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("（序号 {}）", self.seq), format!(" (no. {})", self.seq))
        };
        Text::new(format!("第 {} 行{zh_seq}：{}", self.line, p.zh), format!("line {}{en_seq}: {}", self.line, p.en))
    }
}

/// Something corrected on import that the office should know about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowNote {
    /// Line in the spreadsheet.
    pub line: usize,
    /// What was done.
    pub note: Text,
}

/// The outcome of an import: the good rows, and a report of the others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RosterImport {
    /// Rows imported, in file order.
    pub rows: Vec<RosterRow>,
    /// Rows refused, in file order.
    pub errors: Vec<RowError>,
    /// Corrections made (trimmed spaces).
    pub notes: Vec<RowNote>,
}

/// The cells of one row, by column, before checking.
pub(super) struct RawRow {
    pub line: usize,
    pub seq: String,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub group: String,
    pub unit: String,
    pub card: String,
}

const MAX_CELL_CHARS: usize = 200;

/// Notes that spaces around a name were trimmed.
pub(super) fn note_spaces(line: usize, raw: &str, notes: &mut Vec<RowNote>) {
    let name = raw.trim();
    if name != raw && !name.is_empty() {
        notes.push(RowNote {
            line,
            note: Text::new(
                format!("姓名“{}”前后的空格已去除", name),
                format!("spaces around the name \"{name}\" were removed"),
            ),
        });
    }
}

/// What is wrong with a row's text cells, (heading, trimmed value), if anything:
/// the rules every imported list meets (the roster, the eligible list). A cell of
/// more than 200 characters; then, for every cell that is not empty, the rule for
/// names (no control, direction or invisible characters, and a 姓名 of at most 100
/// characters); then a cell that starts like a spreadsheet formula.
pub(super) fn cells_problem(cells: &[(&'static str, &str)]) -> Option<RowProblem> {
    if let Some((column, _)) = cells.iter().find(|(_, v)| v.chars().count() > MAX_CELL_CHARS) {
        return Some(RowProblem::TooLong { column });
    }
    let bad = cells.iter().filter(|(_, v)| !v.is_empty()).find_map(|(column, v)| {
        match hallvote_tally::text::name_problem(v) {
            // Other columns may hold up to 200 characters (checked above).
            Some(hallvote_tally::text::NameProblem::TooLong(_)) if *column != "姓名" => None,
            p => p.map(|p| (*column, p)),
        }
    });
    if let Some((column, problem)) = bad {
        return Some(RowProblem::BadText { column, reason: problem.text() });
    }
    if let Some((column, _)) = cells.iter().find(|(_, v)| v.starts_with(['=', '+', '-', '@'])) {
        return Some(RowProblem::Formula { column });
    }
    None
}

/// 性别 as written: empty, 男 or 女 (or M/F, male/female).
pub(super) fn gender(value: &str) -> Result<Option<Gender>, RowProblem> {
    match value.trim() {
        "" => Ok(None),
        "男" | "M" | "m" | "male" | "Male" => Ok(Some(Gender::Male)),
        "女" | "F" | "f" | "female" | "Female" => Ok(Some(Gender::Female)),
        other => Err(RowProblem::BadGender { value: other.to_owned() }),
    }
}

/// The (trimmed) name in its one form (NFC, compatibility ideographs folded): what
/// the desk looks up, the lists print and a write-in carries; a note if that
/// changed it. Empty, or with a character the rule for names refuses, it is refused.
pub(super) fn name_in_one_form(line: usize, name: &str, notes: &mut Vec<RowNote>) -> Result<String, RowProblem> {
    if name.is_empty() {
        return Err(RowProblem::EmptyName);
    }
    let normal = hallvote_tally::text::normalize_name(name)
        .map_err(|problem| RowProblem::BadText { column: "姓名", reason: problem.text() })?;
    if normal != name {
        notes.push(RowNote {
            line,
            note: Text::new(
                format!("姓名“{name}”已统一为标准写法“{normal}”（兼容汉字或部首已换成通用字形）"),
                format!(
                    "the name \"{name}\" was put in its standard form \"{normal}\" (compatibility ideographs or radicals replaced)"
                ),
            ),
        });
    }
    Ok(normal)
}

impl RosterImport {
    /// Checks raw rows one by one and in relation to each other (unique cards).
    pub(super) fn check(raw: Vec<RawRow>) -> Self {
        let mut out = Self::default();
        let mut cards: HashMap<String, usize> = HashMap::new();
        for r in raw {
            let mut err = |problem| out.errors.push(RowError { line: r.line, seq: r.seq.trim().to_owned(), problem });
            let name = r.name.trim();
            note_spaces(r.line, &r.name, &mut out.notes);
            // 序号 is stored and exported with the roll like any other cell, so it
            // meets the same rules (length, characters, no formula).
            let cells = [
                ("序号", r.seq.trim()),
                ("姓名", name),
                ("代表团", r.group.trim()),
                ("代表证号", r.card.trim()),
                ("民族", r.ethnicity.trim()),
                ("工作单位及职务", r.unit.trim()),
            ];
            let checked = cells_problem(&cells).map_or(Ok(()), Err).and_then(|()| {
                let gender = gender(&r.gender)?;
                Ok((gender, name_in_one_form(r.line, name, &mut out.notes)?))
            });
            let (gender, name) = match checked {
                Ok(v) => v,
                Err(problem) => {
                    err(problem);
                    continue;
                }
            };
            if r.group.trim().is_empty() {
                err(RowProblem::EmptyGroup);
                continue;
            }
            let card = r.card.trim();
            if card.is_empty() {
                err(RowProblem::EmptyCard);
                continue;
            }
            if let Some(&first_line) = cards.get(card) {
                err(RowProblem::DuplicateCard { card: card.to_owned(), first_line });
                continue;
            }
            cards.insert(card.to_owned(), r.line);
            out.rows.push(RosterRow {
                line: r.line,
                seq: r.seq.trim().to_owned(),
                name,
                gender,
                ethnicity: r.ethnicity.trim().to_owned(),
                group: r.group.trim().to_owned(),
                unit: r.unit.trim().to_owned(),
                card: card.to_owned(),
            });
        }
        out
    }
}
