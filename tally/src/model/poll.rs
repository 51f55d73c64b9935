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

/// How many contests a poll, and how many candidates, members or items a contest,
/// may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Contests in the poll.
    pub contests: usize,
    /// Candidates, members or items in one contest (and write-ins in an election).
    pub items: usize,
}

impl Limits {
    /// A poll the server holds, shows on the booth and prints on one result sheet:
    /// [`MAX_CONTESTS`] contests of [`MAX_ITEMS`](super::MAX_ITEMS) items.
    pub const POLL: Self = Self { contests: MAX_CONTESTS, items: super::MAX_ITEMS };
    /// No count limit: for input already bounded by its size (`hallvote count` reads
    /// at most [`crate::scenario::MAX_SCENARIO_BYTES`]), where every check is linear
    /// or n log n in the items, so the size bounds the time.
    pub const SIZE_BOUNDED: Self = Self { contests: usize::MAX, items: usize::MAX };
}

impl Poll {
    /// Checks every contest and that contest ids are distinct, within [`Limits::POLL`].
    pub fn validate(&self, ruleset: &Ruleset) -> Result<(), DefinitionError> {
        self.validate_within(ruleset, Limits::POLL)
    }

    /// Checks every contest and that contest ids are distinct, within `limits`.
    pub fn validate_within(&self, ruleset: &Ruleset, limits: Limits) -> Result<(), DefinitionError> {
        // An unnamed poll (a scenario of `hallvote count`) is fine; a name is checked.
        if !self.name.is_empty()
            && let Some(problem) = crate::text::name_problem(&self.name)
        {
            return Err(DefinitionError::BadTitle { of: "poll".into(), title: self.name.clone(), problem });
        }
        if self.contests.len() > limits.contests {
            return Err(DefinitionError::TooMany {
                contest: String::new(),
                count: self.contests.len(),
                max: limits.contests,
            });
        }
        let mut ids = BTreeSet::new();
        for c in &self.contests {
            if !ids.insert(c.id.as_str()) {
                return Err(DefinitionError::DuplicateContestId { id: c.id.clone() });
            }
            c.validate_within(ruleset, limits.items)?;
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
                ContestKind::Recall(r) => r.members.iter_mut().try_for_each(one)?,
            }
        }
        Ok(())
    }

    /// The contest with `id`.
    pub fn contest(&self, id: &str) -> Option<&Contest> {
        self.contests.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::{Candidate, ConfidenceVote, ContestKind, Election, ElectionKind, Motion};
    use crate::text::NameProblem;

    fn poll(candidates: &[&str], members: &[&str]) -> Poll {
        let election = Election {
            write_ins: false,
            kind: ElectionKind::Competitive,
            by_election: false,
            seats: 1,
            candidates: candidates.iter().map(|n| Candidate::new(*n)).collect(),
        };
        Poll {
            name: "\u{2F08}民代表".into(),
            contests: vec![
                Contest { id: "e".into(), title: "选举".into(), kind: ContestKind::Election(election) },
                Contest {
                    id: "c".into(),
                    title: "信任投票".into(),
                    kind: ContestKind::Confidence(ConfidenceVote {
                        members: members.iter().map(|m| (*m).to_owned()).collect(),
                    }),
                },
                Contest {
                    id: "m".into(),
                    title: "表决".into(),
                    kind: ContestKind::Motion(Motion { items: vec!["关于\u{F9E1}娜的决议".into()], rule: None }),
                },
            ],
            attendance: None,
        }
    }

    #[test]
    fn every_name_and_title_is_put_in_one_form() {
        let mut p = poll(&["\u{F9E1}娜", "王海"], &["\u{F9E1}明"]);
        p.contests[0].kind = match p.contests[0].kind.clone() {
            ContestKind::Election(mut e) => {
                e.candidates[0].surname = Some("\u{F9E1}".into());
                ContestKind::Election(e)
            }
            other => other,
        };
        p.normalize_names().unwrap();
        assert_eq!(p.name, "人民代表");
        let ContestKind::Election(e) = &p.contests[0].kind else { panic!() };
        assert_eq!((e.candidates[0].name.as_str(), e.candidates[0].surname.as_deref()), ("李娜", Some("李")));
        let ContestKind::Confidence(v) = &p.contests[1].kind else { panic!() };
        assert_eq!(v.members, ["李明"]);
        let ContestKind::Motion(m) = &p.contests[2].kind else { panic!() };
        assert_eq!(m.items, ["关于李娜的决议"]);
        assert!(p.validate(&Ruleset::builtin("township-2020").unwrap()).is_ok());
    }

    #[test]
    fn a_hidden_character_is_refused_with_its_contest_and_a_look_alike_is_a_duplicate() {
        let mut p = poll(&["李娜", "王海"], &["李\u{200B}明"]);
        let err = p.normalize_names().unwrap_err();
        assert!(
            matches!(&err, DefinitionError::BadName { contest, problem: NameProblem::Invisible('\u{200B}'), .. } if contest == "c"),
            "{err:?}"
        );
        let mut p = poll(&["李娜", "\u{F9E1}娜"], &["李明"]);
        p.normalize_names().unwrap();
        let err = p.validate(&Ruleset::builtin("township-2020").unwrap()).unwrap_err();
        assert!(matches!(err, DefinitionError::DuplicateName { .. }), "{err:?}");
    }
}
