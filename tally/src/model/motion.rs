//! Motions (表决): resolutions, approvals of scrutineers, and the like (RULES R17).

use serde::{Deserialize, Serialize};

use super::DefinitionError;
use super::election::check_names;
use crate::ruleset::{Base, Threshold};

/// A motion contest: each item is voted for, against, or abstain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Motion {
    /// The items, each a resolution or decision: 关于镇党委工作报告的决议.
    pub items: Vec<String>,
    /// A pass rule for this contest instead of the ruleset's (for example two thirds for
    /// a change of the rules of procedure). The result sheet states the rule applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<MotionRuleOverride>,
}

/// A contest's own pass rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotionRuleOverride {
    /// Present or expected.
    pub base: Base,
    /// The for-votes needed.
    pub threshold: Threshold,
}

impl Motion {
    /// Items must be named and distinct (at most [`super::MAX_ITEMS`]); an override
    /// counts from present or expected.
    pub fn validate(&self, contest: &str) -> Result<(), DefinitionError> {
        self.validate_within(contest, super::MAX_ITEMS)
    }

    /// [`Self::validate`] with at most `max_items` items.
    pub fn validate_within(&self, contest: &str, max_items: usize) -> Result<(), DefinitionError> {
        check_names(contest, self.items.iter().map(String::as_str), max_items)?;
        match self.rule {
            Some(r) if !matches!(r.base, Base::Present | Base::Expected) => {
                Err(DefinitionError::BadMotionBase { contest: contest.to_owned() })
            }
            _ => Ok(()),
        }
    }
}
