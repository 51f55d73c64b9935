//! Fractions and thresholds, in integer arithmetic only (cross-multiplication).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::{Text, zh_numeral};

/// A non-negative fraction `num/den` with `den > 0`, written `"num/den"` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fraction {
    num: u32,
    den: u32,
}

impl Fraction {
    /// One half.
    pub const HALF: Self = Self { num: 1, den: 2 };

    /// `num/den`; `None` if `den` is zero.
    pub const fn new(num: u32, den: u32) -> Option<Self> {
        if den == 0 { None } else { Some(Self { num, den }) }
    }

    /// The numerator.
    pub const fn num(self) -> u32 {
        self.num
    }

    /// The denominator (never zero).
    pub const fn den(self) -> u32 {
        self.den
    }

    /// The fraction in words: 半数 / half, 三分之二 / two thirds.
    pub fn words(self) -> Text {
        let (n, d) = (self.num, self.den);
        if n * 2 == d {
            return Text::new("半数", "half");
        }
        let zh = if n == d { "全部".to_owned() } else { format!("{}分之{}", zh_numeral(d), zh_numeral(n)) };
        let en = match (n, d) {
            (1, 3) => "one third".to_owned(),
            (2, 3) => "two thirds".to_owned(),
            (1, 4) => "one quarter".to_owned(),
            (3, 4) => "three quarters".to_owned(),
            (4, 5) => "four fifths".to_owned(),
            (9, 10) => "nine tenths".to_owned(),
            (n, d) if n == d => "all".to_owned(),
            (n, d) => format!("{n}/{d}"),
        };
        Text::new(zh, en)
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

impl FromStr for Fraction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (n, d) = s.split_once('/').ok_or_else(|| format!("fraction {s:?} is not of the form \"p/q\""))?;
        let parse = |x: &str| {
            if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("fraction {s:?}: {x:?} is not a whole number"));
            }
            x.parse::<u32>().map_err(|e| format!("fraction {s:?}: {e}"))
        };
        Self::new(parse(n)?, parse(d)?).ok_or_else(|| format!("fraction {s:?} has a zero denominator"))
    }
}

impl TryFrom<String> for Fraction {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Fraction> for String {
    fn from(f: Fraction) -> Self {
        f.to_string()
    }
}

/// "More than" or "at least" a fraction of a base: `{"more_than": "1/2"}`,
/// `{"at_least": "2/3"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Threshold {
    /// `count · den > base · num` (超过).
    MoreThan(Fraction),
    /// `count · den ≥ base · num` (达到, 不少于).
    AtLeast(Fraction),
}

impl Threshold {
    /// More than half: the default for elections and motions.
    pub const MORE_THAN_HALF: Self = Self::MoreThan(Fraction::HALF);

    /// The fraction.
    pub const fn fraction(self) -> Fraction {
        match self {
            Self::MoreThan(f) | Self::AtLeast(f) => f,
        }
    }

    /// Whether `count` meets the threshold against `base`.
    pub fn is_met(self, count: u64, base: u64) -> bool {
        let f = self.fraction();
        let lhs = u128::from(count) * u128::from(f.den);
        let rhs = u128::from(base) * u128::from(f.num);
        match self {
            Self::MoreThan(_) => lhs > rhs,
            Self::AtLeast(_) => lhs >= rhs,
        }
    }

    /// The smallest count that meets the threshold against `base`: for "more than half"
    /// of 84 that is 43, of 83 it is 42.
    pub fn minimum(self, base: u64) -> u64 {
        let f = self.fraction();
        let product = u128::from(base) * u128::from(f.num);
        let den = u128::from(f.den);
        let min = match self {
            Self::MoreThan(_) => product / den + 1,
            Self::AtLeast(_) => product.div_ceil(den),
        };
        // base ≤ u64::MAX and num ≤ u32::MAX; saturate rather than wrap in the absurd case.
        u64::try_from(min).unwrap_or(u64::MAX)
    }

    /// The relation in words, met or not: 超过 / 未超过, 达到 / 未达到.
    pub fn relation(self, met: bool) -> Text {
        match (self, met) {
            (Self::MoreThan(_), true) => Text::new("超过", "more than"),
            (Self::MoreThan(_), false) => Text::new("未超过", "not more than"),
            (Self::AtLeast(_), true) => Text::new("达到", "at least"),
            (Self::AtLeast(_), false) => Text::new("未达到", "less than"),
        }
    }
}

/// What a threshold is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// Delegates present with the right to vote (实到会人数), frozen when the poll opened.
    Present,
    /// Delegates expected (应到会人数): the roll less approved exclusions.
    Expected,
    /// Ballots returned (收回票数), valid and invalid.
    Returned,
    /// Valid ballots (有效票数).
    Valid,
}

impl Base {
    /// The base in words, for reasons: 实到会人数 / present.
    pub fn words(self) -> Text {
        match self {
            Self::Present => Text::new("实到会人数", "present"),
            Self::Expected => Text::new("应到会人数", "expected"),
            Self::Returned => Text::new("收回票数", "ballots returned"),
            Self::Valid => Text::new("有效票数", "valid ballots"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn more_than_half() {
        let t = Threshold::MORE_THAN_HALF;
        assert_eq!(t.minimum(84), 43);
        assert_eq!(t.minimum(83), 42);
        assert!(!t.is_met(42, 84), "exactly half fails");
        assert!(t.is_met(43, 84));
        assert!(t.is_met(42, 83));
        assert!(!t.is_met(41, 83));
        assert_eq!(t.minimum(0), 1);
    }

    #[test]
    fn at_least_and_more_than_four_fifths() {
        let new = Threshold::AtLeast("4/5".parse().unwrap());
        let old = Threshold::MoreThan("4/5".parse().unwrap());
        assert!(new.is_met(80, 100));
        assert!(!old.is_met(80, 100));
        assert_eq!(new.minimum(100), 80);
        assert_eq!(old.minimum(100), 81);
        assert_eq!(new.minimum(101), 81, "80.8 rounds up");
    }

    #[test]
    fn minimum_agrees_with_is_met() {
        for f in ["1/2", "2/3", "1/3", "4/5", "9/10", "6/5", "1/1", "0/1"] {
            let f: Fraction = f.parse().unwrap();
            for t in [Threshold::MoreThan(f), Threshold::AtLeast(f)] {
                for base in 0..130u64 {
                    let m = t.minimum(base);
                    assert!(t.is_met(m, base), "{t:?} {base}");
                    assert!(m == 0 || !t.is_met(m - 1, base), "{t:?} {base}");
                }
            }
        }
    }

    #[test]
    fn fraction_parsing_is_strict() {
        assert_eq!("2/3".parse::<Fraction>().unwrap(), Fraction::new(2, 3).unwrap());
        for bad in ["2/0", "2", "a/3", "-1/2", "1/2/3", " 1/2", "1.5/2", "/2"] {
            assert!(bad.parse::<Fraction>().is_err(), "{bad}");
        }
    }

    #[test]
    fn json_form() {
        let t: Threshold = serde_json::from_str(r#"{"at_least": "2/3"}"#).unwrap();
        assert_eq!(t, Threshold::AtLeast(Fraction::new(2, 3).unwrap()));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"at_least":"2/3"}"#);
        assert!(serde_json::from_str::<Threshold>(r#"{"at_most": "2/3"}"#).is_err());
    }

    #[test]
    fn words() {
        assert_eq!(Fraction::HALF.words().zh, "半数");
        assert_eq!(Fraction::new(2, 3).unwrap().words(), Text::new("三分之二", "two thirds"));
        assert_eq!(Fraction::new(4, 5).unwrap().words().zh, "五分之四");
    }
}
