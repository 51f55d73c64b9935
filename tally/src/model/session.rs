//! The session (年会, 第×次会议) of a congress.

use serde::{Deserialize, Serialize};

use super::Congress;
use crate::text::{Text, en_ordinal, zh_numeral};

/// One annual session of a congress. The first session of a term is the one at
/// re-election (换届); later ones count up: 第二次会议, 第三次会议 …
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// The congress.
    pub congress: Congress,
    /// The session number within the congress (次): 1 at re-election.
    pub ordinal: u32,
    /// The year the session meets.
    pub year: u16,
}

impl Session {
    /// The session's name: 中国共产党青石镇第十五届代表大会第三次会议.
    pub fn name(&self) -> Text {
        let c = self.congress.name();
        Text::new(
            format!("{}第{}次会议", c.zh, zh_numeral(self.ordinal)),
            format!("{} Session of the {}", en_ordinal(self.ordinal), c.en),
        )
    }

    /// Whether the session is the one at re-election (换届).
    pub const fn is_reelection(&self) -> bool {
        self.ordinal == 1
    }

    /// Whether the session's year lies within the congress term.
    pub const fn within_term(&self) -> bool {
        self.congress.term.contains(self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Term;

    #[test]
    fn session_name() {
        let congress =
            Congress { organisation: "中国共产党青石镇".into(), number: 15, term: Term::township(2021) };
        let s = Session { congress, ordinal: 3, year: 2023 };
        assert_eq!(s.name().zh, "中国共产党青石镇第十五届代表大会第三次会议");
        assert_eq!(s.name().en, "3rd Session of the 15th Congress of 中国共产党青石镇");
        assert!(!s.is_reelection());
        assert!(s.within_term());
    }
}
