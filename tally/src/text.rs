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

#[cfg(test)]
mod tests {
    use super::*;

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
        let j = Text::join(&[Text::new("甲", "a"), Text::new("乙", "b")]);
        assert_eq!((j.zh.as_str(), j.en.as_str()), ("甲；乙", "a; b"));
    }
}
