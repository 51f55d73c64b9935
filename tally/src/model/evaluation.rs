//! Evaluations (民主评议) of committee members with configurable grades (RULES R16).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::DefinitionError;
use super::election::check_names;
use crate::text::Text;

/// An evaluation: each member is given one of `grades`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The members evaluated, in the order they reported.
    pub members: Vec<String>,
    /// The grades, best first: 优秀 / 称职 / 基本称职 / 不称职, or 好 / 较好 / 一般 / 差.
    /// Outcome rules of the ruleset refer to them by their zh-CN label.
    pub grades: Vec<Text>,
}

impl Evaluation {
    /// Members named and distinct (at most [`super::MAX_ITEMS`]); at least two grades,
    /// labels distinct.
    pub fn validate(&self, contest: &str) -> Result<(), DefinitionError> {
        self.validate_within(contest, super::MAX_ITEMS)
    }

    /// [`Self::validate`] with at most `max_items` members.
    pub fn validate_within(&self, contest: &str, max_items: usize) -> Result<(), DefinitionError> {
        check_names(contest, self.members.iter().map(String::as_str), max_items)?;
        let labels: BTreeSet<&str> = self.grades.iter().map(|g| g.zh.as_str()).collect();
        if self.grades.len() < 2 || labels.len() != self.grades.len() || labels.contains("") {
            return Err(DefinitionError::BadGrades { contest: contest.to_owned() });
        }
        Ok(())
    }

    /// The index of the grade with zh-CN label `label`.
    pub fn grade_index(&self, label: &str) -> Option<usize> {
        self.grades.iter().position(|g| g.zh == label)
    }
}
