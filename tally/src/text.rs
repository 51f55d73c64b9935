//! Words for people: every outcome and error carries its reason in zh-CN and en.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language the result sheet and messages are written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Parses `zh-CN` (also `zh`) or `en`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-CN" | "zh" | "zh-Hans" => Some(Self::ZhCn),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language's tag, as written in a page's `lang` attribute and in
    /// `Accept-Language`: `zh-CN` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }
}

/// The same words in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Both languages at once.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    /// The words in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Joins several texts with the punctuation of each language.
    pub fn join(parts: &[Text]) -> Text {
        Text {
            zh: parts.iter().map(|t| t.zh.as_str()).collect::<Vec<_>>().join("；"),
            en: parts.iter().map(|t| t.en.as_str()).collect::<Vec<_>>().join("; "),
        }
    }
}

impl fmt::Display for Text {
    /// Displays the English text (logs and developer errors; users get [`Text::get`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// Writes `n` in Chinese numerals as used in names of congresses and sessions:
/// 3 → 三, 10 → 十, 15 → 十五, 21 → 二十一, 105 → 一百零五.
pub fn zh_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return "零".to_owned();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| usize::from(b - b'0')).collect();
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = digits.len() - 1 - i;
        if d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        // 十五, not 一十五, when ten is the leading unit.
        if !(d == 1 && unit == 1 && out.is_empty()) {
            out.push(DIGITS[d]);
        }
        out.push_str(UNITS[unit]);
    }
    out
}

/// English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
pub fn en_ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `n` with its English noun, singular for exactly one: `en_count(1, "seat", "seats")`
/// is "1 seat", `en_count(5, "seat", "seats")` is "5 seats", and 0 takes the plural.
pub fn en_count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A date as people write it on paper: an ISO date (`2026-12-02`, as a browser's
/// date picker gives it) is 2026年12月2日 in Chinese and 2 December 2026 in English.
/// Anything else (a date already written out, a blank) is kept as it was typed.
pub fn date_words(date: &str, lang: Lang) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = date.trim().split('-').collect();
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let ymd = match parts.as_slice() {
        [y, m, d] => number(y, 4).zip(number(m, 2)).zip(number(d, 2)).map(|((y, m), d)| (y, m, d)),
        _ => None,
    };
    match ymd {
        Some((y, m, d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => match lang {
            Lang::ZhCn => format!("{y}年{m}月{d}日"),
            Lang::En => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
        },
        _ => date.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_counts_agree_with_their_number() {
        assert_eq!(en_count(1, "seat", "seats"), "1 seat");
        assert_eq!(en_count(5, "seat", "seats"), "5 seats");
        assert_eq!(en_count(0, "entry", "entries"), "0 entries");
        assert_eq!(en_count(1, "entry", "entries"), "1 entry");
    }

    #[test]
    fn a_pickers_date_is_written_out_and_other_dates_are_kept() {
        assert_eq!(date_words("2026-12-02", Lang::ZhCn), "2026年12月2日");
        assert_eq!(date_words("2026-12-02", Lang::En), "2 December 2026");
        assert_eq!(date_words(" 2024-03-15 ", Lang::En), "15 March 2024");
        for kept in
            ["2024年3月15日", "", "2026-13-01", "2026-12-00", "26-12-02", "2026-1-2", "2026-12-02-1", "二〇二六年"]
        {
            assert_eq!(date_words(kept, Lang::ZhCn), kept);
            assert_eq!(date_words(kept, Lang::En), kept);
        }
    }

    #[test]
    fn chinese_numerals() {
        let cases = [(1, "一"), (3, "三"), (10, "十"), (15, "十五"), (20, "二十"), (21, "二十一")];
        for (n, s) in cases {
            assert_eq!(zh_numeral(n), s);
        }
        assert_eq!(zh_numeral(100), "一百");
        assert_eq!(zh_numeral(105), "一百零五");
        assert_eq!(zh_numeral(110), "一百一十");
        assert_eq!(zh_numeral(1001), "一千零一");
    }

    #[test]
    fn english_ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].into_iter().map(en_ordinal).collect();
        assert_eq!(got, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]);
    }

    #[test]
    fn text_by_language() {
        let t = Text::new("当选", "elected");
        assert_eq!(t.get(Lang::ZhCn), "当选");
        assert_eq!(t.get(Lang::En), "elected");
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(Lang::En.code()), Some(Lang::En));
        assert_eq!(Lang::parse(Lang::ZhCn.code()), Some(Lang::ZhCn));
        let j = Text::join(&[Text::new("甲", "a"), Text::new("乙", "b")]);
        assert_eq!((j.zh.as_str(), j.en.as_str()), ("甲；乙", "a; b"));
    }
}

/// The most characters a name or title may have (a candidate's name, a poll's or
/// contest's title, a congress's name). Real ones are far shorter; the bound keeps
/// pages, ballots and records to a sane size.
pub const MAX_NAME_CHARS: usize = 100;

/// What is wrong with a name or title as typed or imported: the one rule for every
/// text that enters — the console, the roster, a scenario file of `hallvote count`.
/// [`normalize_name`] applies it and gives the one stored form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    /// Nothing but white space.
    Empty,
    /// White space before or after.
    Spaces,
    /// A control character (NUL, BEL, ESC, a line break, a tab …).
    Control(char),
    /// A character that changes the direction of the text around it (a right-to-left
    /// override can make one name read as another).
    Direction(char),
    /// An invisible character (a zero-width space or joiner, a byte-order mark).
    Invisible(char),
    /// More than [`MAX_NAME_CHARS`] characters.
    TooLong(usize),
}

impl NameProblem {
    /// What is wrong, in words.
    pub fn text(self) -> Text {
        match self {
            Self::Empty => Text::new("为空", "is empty"),
            Self::Spaces => Text::new("前后有空格", "has spaces before or after it"),
            Self::Control(c) => Text::new(
                format!("含控制字符 U+{:04X}", u32::from(c)),
                format!("contains the control character U+{:04X}", u32::from(c)),
            ),
            Self::Direction(c) => Text::new(
                format!("含改变文字方向的字符 U+{:04X}", u32::from(c)),
                format!("contains the text-direction character U+{:04X}", u32::from(c)),
            ),
            Self::Invisible(c) => Text::new(
                format!("含不可见字符 U+{:04X}", u32::from(c)),
                format!("contains the invisible character U+{:04X}", u32::from(c)),
            ),
            Self::TooLong(n) => Text::new(
                format!("有 {n} 个字符，超过上限 {MAX_NAME_CHARS}"),
                format!("has {n} characters, more than {MAX_NAME_CHARS}"),
            ),
        }
    }
}

/// Checks a name or title (see [`NameProblem`]); `None` if it is fine.
pub fn name_problem(name: &str) -> Option<NameProblem> {
    if name.trim().is_empty() {
        return Some(NameProblem::Empty);
    }
    if name.trim() != name {
        return Some(NameProblem::Spaces);
    }
    for c in name.chars() {
        match c {
            c if c.is_control() => return Some(NameProblem::Control(c)),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {
                return Some(NameProblem::Direction(c));
            }
            '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{034F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}' => {
                // Zero-width characters, the byte-order mark, variation selectors (李 and
                // 李 + U+E0100 look the same), tags, line and paragraph separators, and
                // the Hangul fillers, which show as blanks.
                return Some(NameProblem::Invisible(c));
            }
            _ => {}
        }
    }
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Some(NameProblem::TooLong(n));
    }
    None
}

/// The one form of a name or title: what the console, the roster import, the booth's
/// pages and `hallvote count` store, compare and show.
///
/// A name is first checked as given ([`name_problem`]): a control, direction or
/// invisible character is refused, never silently dropped, because the person who typed
/// or imported it should see that the text is not what it looks like. The name is then
/// put in Unicode Normalization Form C, which also folds the CJK compatibility
/// ideographs into their unified forms (U+F9E1 → 李 U+674E), and the Kangxi and CJK
/// radicals, which look like the characters they stand for, into those characters
/// (⼈ U+2F08 → 人). Two names that are the same after this are the same name: a
/// contest refuses them as duplicates ([`crate::model::DefinitionError::DuplicateName`]).
pub fn normalize_name(name: &str) -> Result<String, NameProblem> {
    use unicode_normalization::UnicodeNormalization as _;
    if let Some(problem) = name_problem(name) {
        return Err(problem);
    }
    let folded: String = name.nfc().map(fold_radical).collect();
    match name_problem(&folded) {
        Some(problem) => Err(problem),
        None => Ok(folded),
    }
}

/// A Kangxi radical (U+2F00–U+2FDF) or CJK radical supplement (U+2E80–U+2EFF) as the
/// character it is compatible with, where Unicode gives one; any other character as is.
fn fold_radical(c: char) -> char {
    use unicode_normalization::UnicodeNormalization as _;
    if !matches!(c, '\u{2E80}'..='\u{2EFF}' | '\u{2F00}'..='\u{2FDF}') {
        return c;
    }
    let mut folded = std::iter::once(c).nfkc();
    match (folded.next(), folded.next()) {
        (Some(f), None) => f,
        _ => c,
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused_and_real_ones_pass() {
        for ok in ["王芳", "欧阳修", "阿依古丽·买买提", "Li Na", "O'Brien", "张 伟", "关于镇党委工作报告的决议"]
        {
            assert_eq!(name_problem(ok), None, "{ok}");
        }
        assert_eq!(name_problem(""), Some(NameProblem::Empty));
        assert_eq!(name_problem(" \u{3000}"), Some(NameProblem::Empty));
        assert_eq!(name_problem(" 王芳"), Some(NameProblem::Spaces));
        assert_eq!(name_problem("王\0芳"), Some(NameProblem::Control('\0')));
        assert_eq!(name_problem("王\u{7}芳"), Some(NameProblem::Control('\u{7}')));
        assert_eq!(name_problem("王\u{1b}[31m芳"), Some(NameProblem::Control('\u{1b}')));
        assert_eq!(name_problem("王\n芳"), Some(NameProblem::Control('\n')));
        assert_eq!(name_problem("王\u{202E}芳李"), Some(NameProblem::Direction('\u{202E}')));
        assert_eq!(name_problem("\u{200B}"), Some(NameProblem::Invisible('\u{200B}')));
        assert_eq!(name_problem("王\u{200D}芳"), Some(NameProblem::Invisible('\u{200D}')));
        assert_eq!(name_problem(&"王".repeat(101)), Some(NameProblem::TooLong(101)));
        assert_eq!(name_problem(&"王".repeat(100)), None);
        assert!(NameProblem::Direction('\u{202E}').text().en.contains("U+202E"));
        assert_eq!(name_problem("李\u{E0100}"), Some(NameProblem::Invisible('\u{E0100}')));
        assert_eq!(name_problem("王\u{FE0F}芳"), Some(NameProblem::Invisible('\u{FE0F}')));
        assert_eq!(name_problem("王\u{2028}芳"), Some(NameProblem::Invisible('\u{2028}')));
    }

    #[test]
    fn one_form_for_names_that_look_the_same() {
        // U+F9E1 is the compatibility ideograph of 李 (U+674E): the same name.
        assert_eq!(normalize_name("\u{F9E1}娜").unwrap(), "李娜");
        // U+2F800 (CJK Compatibility Ideographs Supplement) folds to 丽 U+4E3D.
        assert_eq!(normalize_name("王\u{2F800}").unwrap(), "王丽");
        // A Kangxi radical that looks like 人 is 人.
        assert_eq!(normalize_name("\u{2F08}民").unwrap(), "人民");
        // Decomposed Latin is composed: é as e + U+0301.
        assert_eq!(normalize_name("Jose\u{301}").unwrap(), "José");
        assert_eq!(normalize_name("王海").unwrap(), "王海");
        assert_eq!(normalize_name("阿依古丽·买买提").unwrap(), "阿依古丽·买买提");
        // Invisible and control characters are refused, not stripped.
        for (bad, c) in [
            ("王\0海", '\0'),
            ("王\u{200B}海", '\u{200B}'),
            ("王\u{200D}海", '\u{200D}'),
            ("\u{FEFF}王海", '\u{FEFF}'),
            ("王\u{202E}海", '\u{202E}'),
            ("王\u{2066}海", '\u{2066}'),
        ] {
            let problem = normalize_name(bad).unwrap_err();
            assert!(
                matches!(problem, NameProblem::Control(x) | NameProblem::Invisible(x) | NameProblem::Direction(x) if x == c),
                "{bad:?}: {problem:?}"
            );
        }
        assert_eq!(normalize_name(" 王海"), Err(NameProblem::Spaces));
        assert_eq!(normalize_name(""), Err(NameProblem::Empty));
    }
}
