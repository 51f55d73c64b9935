//! Candidate order by surname strokes (按姓氏笔画为序, RULES R7; ADR 0005).
//!
//! Names are ordered by surname first, then by given name, each compared character by
//! character with [`CharKey`]: total strokes (mainland count), then stroke shapes
//! 横竖撇点折 in writing order, then the position in the 2013 Table of General Standard
//! Chinese Characters, then the code point. A shorter surname that is a prefix of a
//! longer one comes first (欧 before 欧阳). Two names that still tie are ordered by their
//! code points, so the order is total and never depends on input order.
//!
//! ```
//! use hallvote_tally::stroke_order::sort_names;
//! let mut names = vec!["张伟", "李娜", "王芳", "丁一"];
//! sort_names(&mut names);
//! assert_eq!(names, ["丁一", "王芳", "李娜", "张伟"]);
//! ```

mod surname;
mod table;

use std::cmp::Ordering;

pub use surname::{COMPOUND_SURNAMES, split_surname};
pub use table::{CharKey, stroke_count};

/// The sort key of a name in stroke order; compare with `Ord`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameKey {
    surname: Vec<CharKey>,
    given: Vec<CharKey>,
    name: String,
}

impl NameKey {
    /// The key of `name`, with the surname found by [`split_surname`].
    pub fn new(name: &str) -> Self {
        Self::with_surname(name, None)
    }

    /// The key of `name` with an explicitly recorded surname (used when `name` starts
    /// with it; see [`split_surname`]).
    pub fn with_surname(name: &str, surname: Option<&str>) -> Self {
        let (s, g) = split_surname(name, surname);
        Self {
            surname: s.chars().map(CharKey::of).collect(),
            given: g.chars().map(CharKey::of).collect(),
            name: name.to_owned(),
        }
    }

    /// The stroke count of the surname's first character, if it is a Han character.
    pub fn surname_strokes(&self) -> Option<u8> {
        self.surname.first().and_then(CharKey::strokes)
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
    fn same_surname_ordered_by_given_name() {
        // 王 + 华 (6) / 晓 (10) / 海 (10): 晓 starts with 竖, 海 with 点.
        assert_eq!(sorted(&["王海", "王晓冬", "王华超"]), ["王华超", "王晓冬", "王海"]);
        // A shorter name that is a prefix comes first.
        assert_eq!(sorted(&["王海涛", "王海"]), ["王海", "王海涛"]);
    }

    #[test]
    fn compound_surnames_sort_as_two_character_surnames() {
        // 欧阳 is one surname: 欧霞 (surname 欧) precedes every 欧阳…, although 阳 (6)
        // has fewer strokes than 霞 (17).
        assert_eq!(sorted(&["欧阳胜", "欧霞", "欧阳华"]), ["欧霞", "欧阳华", "欧阳胜"]);
        // 上 (3) 司 (5) 欧 (8) 诸 (10).
        let names = ["诸葛伟", "欧阳华", "司马华丽", "上官超秋"];
        assert_eq!(sorted(&names), ["上官超秋", "司马华丽", "欧阳华", "诸葛伟"]);
    }

    #[test]
    fn characters_outside_the_bmp() {
        // 𠮷 (U+20BB7) has 6 strokes: after 刘 (6, in the 2013 table) and before 李 (7).
        assert_eq!(sorted(&["李娜", "𠮷华", "刘刚", "王海"]), ["王海", "刘刚", "𠮷华", "李娜"]);
        assert_eq!(NameKey::new("𠮷华").surname_strokes(), Some(6));
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
