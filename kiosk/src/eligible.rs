//! The eligible list at the booth (issue 17): the persons a delegate may pick when
//! writing in another person (另选他人, R9), found by their characters or by the
//! initials of their pinyin ("zs" finds 张三), listed in stroke order
//! (`hallvote_tally::stroke_order`). The page's script searches the same way
//! ([`search`] is its rule, and the tests' yardstick); a name not on the list is
//! written in full.
//!
//! The initials come from the `pinyin` crate (docs/adr/0026-pinyin-initials.md),
//! every reading of a character counted: 单 is dān and shàn, so "sx" and "dx" both
//! find 单雄, as people who know the surname type it.

use hallvote_crypto::writein::MAX_NAME_BYTES;
use hallvote_protocol::wire::EligiblePerson;
use hallvote_tally::Text;
use hallvote_tally::text::normalize_name;
use pinyin::ToPinyinMulti;
use serde::Serialize;

/// A person of the list as the booth's page has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The name, in its one form.
    pub name: String,
    /// The work unit, to tell two persons of one name apart (may be empty).
    pub unit: String,
    /// For each character of the name that has one, the letters its readings start
    /// with (张 → "z", 单 → "ds"): a query of letters matches from the start.
    pub initials: Vec<String>,
}

/// The letters a name's characters can start with, in pinyin: one entry per Han
/// character (every reading) or Latin letter (itself, lower case); other characters
/// (`·`, spaces) are passed over, and a character without a known reading gives an
/// entry no letter matches.
pub fn initials(name: &str) -> Vec<String> {
    name.chars()
        .filter_map(|c| {
            if c.is_ascii_alphabetic() {
                return Some(c.to_ascii_lowercase().to_string());
            }
            if !c.is_alphanumeric() {
                return None;
            }
            let mut letters: Vec<char> =
                c.to_pinyin_multi().into_iter().flatten().filter_map(|p| p.first_letter().chars().next()).collect();
            letters.sort_unstable();
            letters.dedup();
            Some(letters.into_iter().collect())
        })
        .collect()
}

/// The list as the booth shows it: in stroke order of the names (then the unit).
pub fn ordered(list: Vec<EligiblePerson>) -> Vec<Person> {
    let mut people: Vec<Person> =
        list.into_iter().map(|p| Person { initials: initials(&p.name), name: p.name, unit: p.unit }).collect();
    people.sort_by(|a, b| a.unit.cmp(&b.unit));
    hallvote_tally::stroke_order::sort_by_name(&mut people, |p| (p.name.as_str(), None));
    people
}

/// Whether `person` matches `query`: a query of Latin letters alone matches the
/// initials from the start (or a Latin name containing it); any other query matches
/// a name that contains it. An empty query matches no one.
pub fn matches(person: &Person, query: &str) -> bool {
    let query = query.trim();
    if query.is_empty() {
        return false;
    }
    if query.chars().all(|c| c.is_ascii_alphabetic()) {
        let q = query.to_ascii_lowercase();
        let by_initials =
            q.len() <= person.initials.len() && q.chars().zip(&person.initials).all(|(c, letters)| letters.contains(c));
        return by_initials || person.name.to_ascii_lowercase().contains(&q);
    }
    person.name.contains(query)
}

/// The persons `query` finds, in the list's order.
pub fn search<'a>(people: &'a [Person], query: &str) -> Vec<&'a Person> {
    people.iter().filter(|p| matches(p, query)).collect()
}

/// Why a written-in name cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteInProblem {
    /// The rule for names refuses it (a control, direction or invisible character,
    /// more than 100 characters): the reason in words.
    Name(Text),
    /// Longer than the encrypted slot holds ([`MAX_NAME_BYTES`] bytes of UTF-8).
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// Letters alone that are the pinyin initials of persons on the list: a search
    /// not finished, not a name.
    Initials,
}

impl WriteInProblem {
    /// What the delegate reads, with the row's candidate named.
    pub fn text(&self, candidate: &str, name: &str) -> Text {
        match self {
            Self::Name(reason) => Text::new(
                format!("“{candidate}”一行另选的姓名{}。", reason.zh),
                format!("The name written in beside {candidate} {}.", reason.en),
            ),
            Self::TooLong { bytes } => Text::new(
                format!(
                    "“{candidate}”一行另选的姓名太长（{bytes} 字节），选票最多容纳 {MAX_NAME_BYTES} 字节：约 {} 个汉字。请核对后重写。",
                    MAX_NAME_BYTES / 3
                ),
                format!(
                    "The name written in beside {candidate} is too long ({bytes} bytes): a ballot holds at most \
                     {MAX_NAME_BYTES} bytes, about {} Chinese characters. Check it and write it again.",
                    MAX_NAME_BYTES / 3
                ),
            ),
            Self::Initials => Text::new(
                format!("“{candidate}”一行的“{name}”是拼音首字母：请从名单中点选姓名，或写出全名。"),
                format!(
                    "\"{name}\" beside {candidate} is pinyin initials: pick the name from the list, or write the full name."
                ),
            ),
        }
    }
}

/// A written-in name as the ballot carries it: in its one form (the roster's rule
/// for names, `normalize_name`), within the slot's [`MAX_NAME_BYTES`], and not the
/// initials of someone on the list (a search the delegate did not finish).
pub fn write_in(name: &str, people: &[Person]) -> Result<String, WriteInProblem> {
    let normal = normalize_name(name.trim()).map_err(|p| WriteInProblem::Name(p.text()))?;
    if normal.len() > MAX_NAME_BYTES {
        return Err(WriteInProblem::TooLong { bytes: normal.len() });
    }
    let initials_only = normal.chars().all(|c| c.is_ascii_lowercase())
        && people.iter().any(|p| p.name != normal && matches(p, &normal));
    if initials_only {
        return Err(WriteInProblem::Initials);
    }
    Ok(normal)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn list(names: &[(&str, &str)]) -> Vec<Person> {
        ordered(
            names
                .iter()
                .map(|(n, u)| EligiblePerson {
                    seq: String::new(),
                    name: (*n).into(),
                    gender: String::new(),
                    unit: (*u).into(),
                })
                .collect(),
        )
    }

    #[test]
    fn pinyin_initials_find_names_and_characters_find_them_too() {
        let people = list(&[("张三", "青山村"), ("李四", ""), ("赵四", ""), ("单雄", ""), ("张珊珊", "")]);
        let names = |q: &str| search(&people, q).iter().map(|p| p.name.as_str()).collect::<Vec<_>>();
        // 张 has 7 strokes, 赵 9: in stroke order.
        assert_eq!(names("zs"), ["张三", "张珊珊", "赵四"]);
        assert_eq!(names("ZS"), ["张三", "张珊珊", "赵四"], "upper case as well");
        assert_eq!(names("zss"), ["张珊珊"]);
        assert_eq!(names("s"), ["单雄"], "单 reads shàn as a surname");
        assert_eq!(names("dx"), ["单雄"], "and dān");
        assert_eq!(names("四"), ["李四", "赵四"]);
        assert_eq!(names("张"), ["张三", "张珊珊"]);
        assert!(names("").is_empty() && names("x").is_empty());
        assert_eq!(initials("欧阳·娜娜"), ["o", "y", "n", "n"], "the dot is passed over");
        assert_eq!(initials("Anna 李"), ["a", "n", "n", "a", "l"]);
    }

    #[test]
    fn the_list_is_in_stroke_order() {
        let people = list(&[("王五", ""), ("丁一", ""), ("李四", "")]);
        let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
        // 丁 2 strokes, 王 4, 李 7.
        assert_eq!(names, ["丁一", "王五", "李四"]);
    }

    #[test]
    fn a_written_in_name_is_put_in_its_one_form_within_the_slot() {
        let people = list(&[("张三", "")]);
        assert_eq!(write_in(" 𠮷·阿依古丽 ", &people).unwrap(), "𠮷·阿依古丽");
        assert_eq!(write_in("\u{2F08}明", &people).unwrap(), "人明", "a radical folded as the roster folds it");
        let long = "𠮷".repeat(MAX_NAME_BYTES / 4 + 1);
        assert_eq!(write_in(&long, &people), Err(WriteInProblem::TooLong { bytes: long.len() }));
        let just = "𠮷".repeat(MAX_NAME_BYTES / 4);
        assert_eq!(write_in(&just, &people).unwrap(), just);
        assert!(matches!(write_in("李\u{200B}四", &people), Err(WriteInProblem::Name(_))));
        assert_eq!(write_in("zs", &people), Err(WriteInProblem::Initials));
        assert_eq!(write_in("Anna", &people).unwrap(), "Anna");
        let t = WriteInProblem::TooLong { bytes: 92 }.text("王芳", &long);
        assert!(t.zh.contains("最多容纳 89 字节") && t.en.contains("at most 89 bytes"), "{t:?}");
    }
}
