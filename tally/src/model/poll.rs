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

    /// Puts every name and title of the poll in its one form
    /// ([`crate::text::normalize_name`]) — the poll's name, contest titles, candidates and
    /// their recorded surnames, members, motion items — so that what is stored, shown on
    /// the booth and counted is the same text whatever the console or a file sent.
    /// Refuses a control, direction or invisible character with the field it is in.
    /// Duplicates are left to [`Self::validate`], which compares normalised names.
    pub fn normalize_names(&mut self) -> Result<(), DefinitionError> {
        use super::ContestKind;
        use crate::text::normalize_name;
        if !self.name.is_empty() {
            self.name = normalize_name(&self.name).map_err(|problem| DefinitionError::BadTitle {
                of: "poll".into(),
                title: self.name.clone(),
                problem,
            })?;
        }
        for c in &mut self.contests {
            if !c.title.is_empty() {
                c.title = normalize_name(&c.title).map_err(|problem| DefinitionError::BadTitle {
                    of: c.id.clone(),
                    title: c.title.clone(),
                    problem,
                })?;
            }
            let contest = c.id.clone();
            let one = |name: &mut String| -> Result<(), DefinitionError> {
                *name = normalize_name(name).map_err(|problem| DefinitionError::BadName {
                    contest: contest.clone(),
                    name: name.clone(),
                    problem,
                })?;
                Ok(())
            };
            match &mut c.kind {
                ContestKind::Election(e) => {
                    for cand in &mut e.candidates {
                        one(&mut cand.name)?;
                        if let Some(s) = cand.surname.as_mut().filter(|s| !s.is_empty()) {
                            one(s)?;
                        }
                    }
                }
                ContestKind::Confidence(v) => v.members.iter_mut().try_for_each(one)?,
                ContestKind::Evaluation(v) => v.members.iter_mut().try_for_each(one)?,
                ContestKind::Motion(m) => m.items.iter_mut().try_for_each(one)?,
            }
        }
        Ok(())
    }

    /// The contest with `id`.
    pub fn contest(&self, id: &str) -> Option<&Contest> {
        self.contests.iter().find(|c| c.id == id)
    }
}
