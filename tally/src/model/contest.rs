//! Contests: every contest is items × options, which is how ballots are counted and,
//! later, how encrypted ballots are tallied: one total per (contest, item, option).

use serde::{Deserialize, Serialize};

use super::{ConfidenceOption, ConfidenceVote, DefinitionError, Election, Evaluation, Motion, Recall, recall_labels};
use crate::ruleset::Ruleset;
use crate::text::Text;

/// One contest of a poll.
// No deny_unknown_fields here: serde does not support it with `flatten`; the kinds'
// own structs deny unknown fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contest {
    /// Unique within the poll.
    pub id: String,
    /// The heading on the ballot and the result sheet: 增补镇党委委员.
    pub title: String,
    /// What is decided.
    #[serde(flatten)]
    pub kind: ContestKind,
}

/// The four kinds of contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContestKind {
    /// Candidates × for / against / abstain.
    Election(Election),
    /// Members × trust / basic trust / distrust.
    Confidence(ConfidenceVote),
    /// Members × grades.
    Evaluation(Evaluation),
    /// Items × for / against / abstain.
    Motion(Motion),
    /// Members × 同意罢免 / 不同意罢免 / 弃权 (ADR 0030).
    Recall(Recall),
}

/// The marks of an election or motion item, in ballot order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteOption {
    /// 赞成.
    For,
    /// 不赞成 (election) / 反对 (motion).
    Against,
    /// 弃权.
    Abstain,
}

impl VoteOption {
    /// All options in ballot order.
    pub const ALL: [Self; 3] = [Self::For, Self::Against, Self::Abstain];

    /// The label on an election ballot.
    pub fn election_label(self) -> Text {
        match self {
            Self::For => Text::new("赞成", "for"),
            Self::Against => Text::new("不赞成", "against"),
            Self::Abstain => Text::new("弃权", "abstain"),
        }
    }

    /// The label on a motion ballot.
    pub fn motion_label(self) -> Text {
        match self {
            Self::Against => Text::new("反对", "against"),
            other => other.election_label(),
        }
    }
}

impl Contest {
    /// The items, in ballot order: candidates in stroke order (R7), members and motion
    /// items as defined.
    pub fn items(&self) -> Vec<String> {
        match &self.kind {
            ContestKind::Election(e) => e.in_stroke_order().into_iter().map(|c| c.name).collect(),
            ContestKind::Confidence(c) => c.members.clone(),
            ContestKind::Evaluation(e) => e.members.clone(),
            ContestKind::Motion(m) => m.items.clone(),
            ContestKind::Recall(r) => r.members.clone(),
        }
    }

    /// The options every item has, in ballot order.
    pub fn options(&self) -> Vec<Text> {
        match &self.kind {
            ContestKind::Election(_) => VoteOption::ALL.map(VoteOption::election_label).to_vec(),
            ContestKind::Motion(_) => VoteOption::ALL.map(VoteOption::motion_label).to_vec(),
            ContestKind::Confidence(_) => ConfidenceOption::ALL.map(ConfidenceOption::label).to_vec(),
            ContestKind::Evaluation(e) => e.grades.clone(),
            ContestKind::Recall(_) => recall_labels().to_vec(),
        }
    }

    /// (items, options): the shape of the contest's totals.
    pub fn shape(&self) -> (usize, usize) {
        (self.items().len(), self.options().len())
    }

    /// The kind in words: 差额选举, 信任投票 …
    pub fn kind_words(&self) -> Text {
        match &self.kind {
            ContestKind::Election(e) => e.kind.words(e.by_election),
            ContestKind::Confidence(_) => Text::new("信任投票", "confidence vote"),
            ContestKind::Evaluation(_) => Text::new("民主评议", "evaluation"),
            ContestKind::Motion(_) => Text::new("表决", "motion"),
            ContestKind::Recall(_) => Text::new("罢免", "recall"),
        }
    }

    /// Checks the definition (see each kind's `validate`), with at most
    /// [`MAX_ITEMS`](super::MAX_ITEMS) items.
    pub fn validate(&self, ruleset: &Ruleset) -> Result<(), DefinitionError> {
        self.validate_within(ruleset, super::MAX_ITEMS)
    }

    /// Checks the definition, with at most `max_items` candidates, members or items.
    pub fn validate_within(&self, ruleset: &Ruleset, max_items: usize) -> Result<(), DefinitionError> {
        if self.id.trim().is_empty() || crate::text::name_problem(&self.id).is_some() {
            return Err(DefinitionError::BadContestId { id: self.id.clone() });
        }
        if !self.title.is_empty()
            && let Some(problem) = crate::text::name_problem(&self.title)
        {
            return Err(DefinitionError::BadTitle { of: self.id.clone(), title: self.title.clone(), problem });
        }
        // The errors name the contest as the organiser wrote it (its title), not by the
        // internal id ("committee：" read as a leak of the program's words).
        let label = if self.title.is_empty() { &self.id } else { &self.title };
        match &self.kind {
            ContestKind::Election(e) => e.validate_within(label, ruleset, max_items),
            ContestKind::Confidence(c) => c.validate_within(label, max_items),
            ContestKind::Evaluation(e) => e.validate_within(label, max_items),
            ContestKind::Motion(m) => m.validate_within(label, max_items),
            ContestKind::Recall(r) => r.validate_within(label, max_items),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Candidate, ElectionKind};

    #[test]
    fn items_times_options() {
        let c = Contest {
            id: "committee".into(),
            title: "增补镇党委委员".into(),
            kind: ContestKind::Election(Election {
                write_ins: false,
                kind: ElectionKind::Competitive,
                by_election: true,
                seats: 1,
                candidates: vec![Candidate::new("张伟"), Candidate::new("丁一")],
            }),
        };
        assert_eq!(c.items(), ["丁一", "张伟"]);
        assert_eq!(c.shape(), (2, 3));
        assert_eq!(c.options()[1].zh, "不赞成");
        let m = Contest {
            id: "m".into(),
            title: "表决".into(),
            kind: ContestKind::Motion(Motion { items: vec!["决议".into()], rule: None }),
        };
        assert_eq!(m.options()[1].zh, "反对");
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["type"], "motion");
        let back: Contest = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn a_definition_error_names_the_contest_by_its_title_not_its_id() {
        let c = Contest {
            id: "committee".into(),
            title: "镇党委委员".into(),
            kind: ContestKind::Election(Election {
                write_ins: false,
                kind: ElectionKind::Competitive,
                by_election: false,
                seats: 2,
                candidates: vec![Candidate::new("张伟"), Candidate::new("丁一")],
            }),
        };
        let ruleset = Ruleset::builtin("township-2020").unwrap();
        let e = c.validate(&ruleset).unwrap_err();
        let text = e.text();
        assert!(text.zh.starts_with("镇党委委员"), "{}", text.zh);
        assert!(!text.zh.contains("committee") && !text.en.contains("committee"), "{} / {}", text.zh, text.en);
    }
}
