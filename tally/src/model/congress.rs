//! The congress (代表大会): its number (届) and term (任期).

use serde::{Deserialize, Serialize};

use crate::text::{Text, en_ordinal, zh_numeral};

/// A congress of a Party organisation, for example the 15th congress of a township
/// (中国共产党青石镇第十五届代表大会). A delegate's term equals the congress term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Congress {
    /// The organisation whose congress it is, as it heads the name: 中国共产党青石镇.
    pub organisation: String,
    /// The congress number (届): 15 for 第十五届.
    pub number: u32,
    /// The term.
    pub term: Term,
}

/// A term of office (任期): five years for township committees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The year the term began (the re-election, 换届).
    pub first_year: u16,
    /// Its length in years.
    pub years: u8,
}

impl Term {
    /// The usual township term: five years from `first_year`.
    pub const fn township(first_year: u16) -> Self {
        Self { first_year, years: 5 }
    }

    /// The last year of the term.
    pub const fn last_year(self) -> u16 {
        self.first_year.saturating_add(self.years as u16).saturating_sub(1)
    }

    /// Whether `year` falls within the term.
    pub const fn contains(self, year: u16) -> bool {
        year >= self.first_year && year <= self.last_year()
    }
}

impl Congress {
    /// The congress's name: 中国共产党青石镇第十五届代表大会.
    pub fn name(&self) -> Text {
        Text::new(
            format!("{}第{}届代表大会", self.organisation, zh_numeral(self.number)),
            format!("{} Congress of {}", en_ordinal(self.number), self.organisation),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_terms() {
        let c = Congress { organisation: "中国共产党青石镇".into(), number: 15, term: Term::township(2021) };
        assert_eq!(c.name().zh, "中国共产党青石镇第十五届代表大会");
        assert_eq!(c.name().en, "15th Congress of 中国共产党青石镇");
        assert_eq!(c.term.last_year(), 2025);
        assert!(c.term.contains(2021) && c.term.contains(2025));
        assert!(!c.term.contains(2026) && !c.term.contains(2020));
    }
}
