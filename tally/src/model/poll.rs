//! A poll: one ballot paper put to the delegates present, with one or more contests.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{AttendanceSnapshot, Contest, DefinitionError};
use crate::ruleset::Ruleset;

/// A poll of a session: the contests on one ballot, opened and closed together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poll {
    /// Its name on the result sheet: 选举镇党委委员.
    pub name: String,
    /// The contests on the ballot, in ballot order.
    pub contests: Vec<Contest>,
    /// Expected and present, frozen when the poll opened (R2); `None` before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<AttendanceSnapshot>,
}

/// The most contests one poll may have.
pub const MAX_CONTESTS: usize = 20;

impl Poll {
    /// Checks every contest and that contest ids are distinct.
    pub fn validate(&self, ruleset: &Ruleset) -> Result<(), DefinitionError> {
        // An unnamed poll (a scenario of `hallvote count`) is fine; a name is checked.
        if !self.name.is_empty()
            && let Some(problem) = crate::text::name_problem(&self.name)
        {
            return Err(DefinitionError::BadTitle { of: "poll".into(), title: self.name.clone(), problem });
        }
        if self.contests.len() > MAX_CONTESTS {
            return Err(DefinitionError::TooMany {
                contest: String::new(),
                count: self.contests.len(),
                max: MAX_CONTESTS,
            });
        }
        let mut ids = BTreeSet::new();
        for c in &self.contests {
            if !ids.insert(c.id.as_str()) {
                return Err(DefinitionError::DuplicateContestId { id: c.id.clone() });
            }
            c.validate(ruleset)?;
        }
        if self.contests.is_empty() {
            return Err(DefinitionError::NoContests);
        }
        Ok(())
    }

    /// The contest with `id`.
    pub fn contest(&self, id: &str) -> Option<&Contest> {
        self.contests.iter().find(|c| c.id == id)
    }
}
