//! Confidence votes (信任投票) on committee members (RULES R15).

use serde::{Deserialize, Serialize};

use super::DefinitionError;
use super::election::check_names;
use crate::text::Text;

/// A confidence vote: each member is marked trust, basic trust or distrust.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceVote {
    /// The members voted on, in the order they reported (述职).
    pub members: Vec<String>,
}

/// The three marks of a confidence vote, in ballot order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceOption {
    /// 信任.
    Trust,
    /// 基本信任.
    BasicTrust,
    /// 不信任.
    Distrust,
}

impl ConfidenceOption {
    /// All options in ballot order (the option index of the items × options grid).
    pub const ALL: [Self; 3] = [Self::Trust, Self::BasicTrust, Self::Distrust];

    /// The option's label.
    pub fn label(self) -> Text {
        match self {
            Self::Trust => Text::new("信任", "trust"),
            Self::BasicTrust => Text::new("基本信任", "basic trust"),
            Self::Distrust => Text::new("不信任", "distrust"),
        }
    }

    /// The option's index in [`ConfidenceOption::ALL`].
    pub fn index(self) -> usize {
        match self {
            Self::Trust => 0,
            Self::BasicTrust => 1,
            Self::Distrust => 2,
        }
    }
}

impl ConfidenceVote {
    /// Members must be named and distinct, at most [`super::MAX_ITEMS`].
    pub fn validate(&self, contest: &str) -> Result<(), DefinitionError> {
        self.validate_within(contest, super::MAX_ITEMS)
    }

    /// [`Self::validate`] with at most `max_items` members.
    pub fn validate_within(&self, contest: &str, max_items: usize) -> Result<(), DefinitionError> {
        check_names(contest, self.members.iter().map(String::as_str), max_items)
    }
}
