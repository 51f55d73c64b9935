//! Recall votes (罢免) on committee members (ADR 0030).

use serde::{Deserialize, Serialize};

use super::DefinitionError;
use super::election::check_names;
use crate::text::Text;

/// A recall vote: for each member named, 同意罢免 / 不同意罢免 / 弃权. The passing rule is
/// the ruleset's [`crate::ruleset::RecallRule`], never the contest's own: a recall is
/// decided by the same rule for every member and every poll counted under the ruleset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    /// The members whose recall is moved, in the order the motion names them.
    pub members: Vec<String>,
}

/// The three marks of a recall, in ballot order (option indices 0, 1, 2: the same
/// positions as for / against / abstain of a motion).
pub fn recall_labels() -> [Text; 3] {
    [Text::new("同意罢免", "recall"), Text::new("不同意罢免", "do not recall"), Text::new("弃权", "abstain")]
}

impl Recall {
    /// Members must be named and distinct, at most [`super::MAX_ITEMS`].
    pub fn validate(&self, contest: &str) -> Result<(), DefinitionError> {
        self.validate_within(contest, super::MAX_ITEMS)
    }

    /// [`Self::validate`] with at most `max_items` members.
    pub fn validate_within(&self, contest: &str, max_items: usize) -> Result<(), DefinitionError> {
        check_names(contest, self.members.iter().map(String::as_str), max_items)
    }
}
