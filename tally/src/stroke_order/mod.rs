//! Candidate order by surname strokes (按姓氏笔画为序, RULES R7; ADR 0005).
//!
//! Names are compared position by position as they are printed in a stroke-ordered list,
//! each character with [`CharKey`]: total strokes (mainland count), then stroke shapes
//! 横竖撇点折 in writing order, then the position in the 2013 Table of General Standard
//! Chinese Characters, then the code point. A single-character given name is printed
//! after an empty position (王　海), which comes before every character: so 王海
//! precedes 王晓冬, and 欧霞 precedes 欧阳华. A compound surname is not a unit: 欧阳华
//! precedes 欧霞明, because 阳 (6 strokes) comes before 霞 (17). Two names that still tie
//! are ordered by their code points, so the order is total and never depends on input
//! order. The convention and its sources are in ADR 0005.
//!
//! ```
//! use hallvote_tally::stroke_order::sort_names;
//! let mut names = vec!["张伟", "李娜", "王芳", "丁一", "王晓冬"];
//! sort_names(&mut names);
//! assert_eq!(names, ["丁一", "王芳", "王晓冬", "李娜", "张伟"]);
//! ```

mod surname;
mod table;

use std::cmp::Ordering;

pub use surname::{COMPOUND_SURNAMES, split_surname};
pub use table::{CharKey, stroke_count};

/// One printed position of a name: the empty position before a single-character given
/// name, or a character. The empty position sorts first (derived `Ord`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Position {
    Empty,
    Char(CharKey),
}

/// The sort key of a name in stroke order; compare with `Ord`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameKey {
    positions: Vec<Position>,
    name: String,
}

impl NameKey {
    /// The key of `name`, with the surname found by [`split_surname`].
    pub fn new(name: &str) -> Self {
        Self::with_surname(name, None)
    }

    /// The key of `name` with an explicitly recorded surname (used when `name` starts
    /// with it; see [`split_surname`]). The surname only decides whether the given name
    /// is a single character (王海, 欧阳华), which is then preceded by an empty position.
    pub fn with_surname(name: &str, surname: Option<&str>) -> Self {
        let (s, g) = split_surname(name, surname);
        let single_given = !s.is_empty() && g.chars().count() == 1;
        let mut positions: Vec<Position> = s.chars().map(|c| Position::Char(CharKey::of(c))).collect();
        if single_given {
            positions.push(Position::Empty);
        }
        positions.extend(g.chars().map(|c| Position::Char(CharKey::of(c))));
        Self { positions, name: name.to_owned() }
    }

    /// The stroke count of the name's first character, if it is a Han character.
    pub fn surname_strokes(&self) -> Option<u8> {
        match self.positions.first() {
            Some(Position::Char(k)) => k.strokes(),
            _ => None,
        }
    }
}

/// Compares two names in surname stroke order.
pub fn compare_names(a: &str, b: &str) -> Ordering {
    NameKey::new(a).cmp(&NameKey::new(b))
}

/// Sorts names in surname stroke order.
pub fn sort_names<S: AsRef<str>>(names: &mut [S]) {
    names.sort_by_cached_key(|n| NameKey::new(n.as_ref()));
}

/// Sorts any items in surname stroke order of the name (and optional explicit surname)
/// that `name` returns for each.
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> (&str, Option<&str>)) {
    items.sort_by_cached_key(|t| {
        let (n, s) = name(t);
        NameKey::with_surname(n, s)
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        sort_names(&mut v);
        v
    }

    fn code_point_sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn stroke_count_first_not_code_points() {
        // 丁 2 strokes, 王 4, 李 7, 张 7 (Unihan kTotalStrokes); 李 starts with 横 and 张
        // with 折, so 李 comes before 张.
        let names = ["张伟", "李娜", "王芳", "丁一"];
        assert_eq!(sorted(&names), ["丁一", "王芳", "李娜", "张伟"]);
        // Code-point order: 丁 U+4E01, 张 U+5F20, 李 U+674E, 王 U+738B.
        assert_eq!(code_point_sorted(&names), ["丁一", "张伟", "李娜", "王芳"]);
    }

    #[test]
    fn same_count_ordered_by_first_stroke_shape() {
        // Four strokes each: 王 韦 (横) 毛 (撇) 方 (点) 尹 孔 (折). 韦 and 尹 are level-2
        // characters of the 2013 table and still fall in their shape group.
        let names = ["孔平", "方东海", "尹明", "毛红", "韦永凤", "王海"];
        assert_eq!(sorted(&names), ["王海", "韦永凤", "毛红", "方东海", "尹明", "孔平"]);
        // Seven strokes: 李 (横) 吴 (竖) 邱 邹 (撇) 沈 宋 (点) 张 陈 邵 (折); within a shape
        // group the following strokes decide (邱 丿一 before 邹 丿乛).
        let seven = ["邵红杰", "陈洋军", "张强", "宋文勇", "沈秀强", "邱明", "吴强", "李娜", "邹华娜"];
        let got = sorted(&seven);
        let surnames: String = got.iter().map(|n| n.chars().next().unwrap()).collect();
        assert_eq!(surnames, "李吴邱邹沈宋张陈邵");
    }

    #[test]
    fn mainland_counts_not_traditional_ones() {
        // 苏 is 7 strokes in the mainland count (艹 is 3); 罗 is 8. 陈 (阝 is 2) is 7.
        assert_eq!(sorted(&["罗梅永", "苏明", "周军", "陈洋军"]), ["苏明", "陈洋军", "罗梅永", "周军"]);
    }

    #[test]
    fn same_surname_single_given_names_first_then_by_strokes() {
        // ADR 0005: a single-character given name is printed after an empty position
        // (王　海), which comes first; so 王海 precedes 王晓冬 and 王华超 although 海
        // (10, 点) comes after 华 (6) and 晓 (10, 竖). Among double names: 华 6, 晓 10.
        assert_eq!(sorted(&["王晓冬", "王海", "王华超"]), ["王海", "王华超", "王晓冬"]);
        // The pattern of the published lists: 王晨 before 王沪宁 (沪 7 < 晨 11), 李希
        // and 李强 before 李克强, 陈希 before 陈全国 and 陈敏尔.
        assert_eq!(sorted(&["王沪宁", "王晨"]), ["王晨", "王沪宁"]);
        let li = ["李鸿忠", "李克强", "李强", "李希"];
        assert_eq!(sorted(&li), ["李希", "李强", "李克强", "李鸿忠"]);
        assert_eq!(sorted(&["陈敏尔", "陈全国", "陈希"]), ["陈希", "陈全国", "陈敏尔"]);
        // Single names among themselves by strokes: 海 10 before 强 12; and a shorter
        // name that is a prefix comes first.
        assert_eq!(sorted(&["王强", "王海"]), ["王海", "王强"]);
        assert_eq!(sorted(&["王海涛", "王海"]), ["王海", "王海涛"]);
    }

    #[test]
    fn compound_surnames_are_compared_character_by_character() {
        // ADR 0005: the surname is not a unit. 欧阳华 (阳 6) precedes 欧霞明 (霞 17);
        // 欧霞 (single given name, 欧　霞) precedes both.
        assert_eq!(sorted(&["欧霞明", "欧阳华"]), ["欧阳华", "欧霞明"]);
        assert_eq!(sorted(&["欧阳胜", "欧霞明", "欧霞", "欧阳华"]), ["欧霞", "欧阳华", "欧阳胜", "欧霞明"]);
        // With a single given name after a compound surname, the empty position comes
        // after the surname: 欧阳华 (欧阳　华) before 欧阳一鸣.
        assert_eq!(sorted(&["欧阳一鸣", "欧阳华"]), ["欧阳华", "欧阳一鸣"]);
        // 上 (3) 司 (5) 欧 (8) 诸 (10).
        let names = ["诸葛伟", "欧阳华", "司马华丽", "上官超秋"];
        assert_eq!(sorted(&names), ["上官超秋", "司马华丽", "欧阳华", "诸葛伟"]);
    }

    #[test]
    fn characters_outside_the_table_by_strokes_and_first_stroke() {
        // 𠮷 (U+20BB7) has 6 strokes (Unihan) and starts with 横 (土 on top): before 刘
        // (6, 点) although 𠮷 is outside the 2013 table, and before 李 (7).
        assert_eq!(sorted(&["李娜", "𠮷华", "刘刚", "王海"]), ["王海", "𠮷华", "刘刚", "李娜"]);
        assert_eq!(NameKey::new("𠮷华").surname_strokes(), Some(6));
        // Among 6-stroke 横 surnames, 𠮷 (first stroke only known) follows those whose
        // whole sequence is known: 吉 (横竖横竖折横) before 𠮷, 𠮷 before 吕 (竖).
        assert_eq!(sorted(&["吕华", "𠮷华", "吉华"]), ["吉华", "𠮷华", "吕华"]);
        // 趙 (traditional, 14 strokes, 横 first) before 廖 (14, 点 first).
        assert_eq!(sorted(&["廖军", "趙军"]), ["趙军", "廖军"]);
        // 陳 (10, 折 first) after 夏 (10, 横 first).
        assert_eq!(sorted(&["陳明", "夏明"]), ["夏明", "陳明"]);
    }

    #[test]
    fn non_han_names_come_last_and_ties_are_total() {
        assert_eq!(sorted(&["B", "A", "丁一"]), ["丁一", "A", "B"]);
        assert_eq!(compare_names("王海", "王海"), Ordering::Equal);
        assert_eq!(sorted(&["阿依古丽·买买提", "阿依古丽"]), ["阿依古丽", "阿依古丽·买买提"]);
    }

    #[test]
    fn order_is_independent_of_input_order() {
        let names = ["范勇", "吕丽建", "欧阳胜", "刘刚", "司马华丽", "𠮷华", "丁海静", "上官超秋"];
        let mut reversed = names;
        reversed.reverse();
        assert_eq!(sorted(&names), sorted(&reversed));
    }

    #[test]
    fn icu_stroke_collation_counts_the_traditional_way() {
        // Why ICU4X `zh-u-co-stroke` is not used (ADR 0005): CLDR's stroke collation
        // counts strokes as in Taiwan (艹 as 4, 阝 as 3), so it puts 苏 (7 strokes in the
        // mainland count) and 陈 (7) after 罗 (8). If this test starts failing, CLDR
        // changed and the ADR should be revisited.
        use icu_collator::{Collator, options::CollatorOptions};
        let locale: icu_locale_core::Locale = "zh-u-co-stroke".parse().unwrap();
        let collator = Collator::try_new(locale.into(), CollatorOptions::default()).unwrap();
        let mut icu = vec!["苏", "罗", "陈", "李"];
        icu.sort_by(|a, b| collator.compare(a, b));
        assert_eq!(icu, ["李", "罗", "苏", "陈"]);
        assert_eq!(sorted(&["苏", "罗", "陈", "李"]), ["苏", "李", "陈", "罗"]);
    }
}
