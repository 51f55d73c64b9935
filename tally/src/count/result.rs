//! The result of counting a poll: what the result sheet (计票结果报告单) shows (R14).

use serde::{Deserialize, Serialize};

use crate::model::ElectionKind;
use crate::ruleset::{Base, RulesetRef};
use crate::text::Text;

/// The result of one poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResult {
    /// The poll's name.
    pub poll: String,
    /// The ruleset it was counted under.
    pub ruleset: RulesetRef,
    /// Whether the poll stands: quorum met (R3) and returned ≤ issued (R6).
    pub valid: bool,
    /// Why it does not stand, if it does not: 选举无效，应重新选举.
    pub void_reason: Option<Text>,
    /// 应到.
    pub expected: u32,
    /// 实到, as frozen when the poll opened.
    pub present: u32,
    /// Ballots issued: the credentials in force (spec §6.7).
    pub issued: u32,
    /// Damaged credentials cancelled and replaced at the desk (换发).
    #[serde(default, skip_serializing_if = "crate::count::counts::is_zero")]
    pub replaced: u32,
    /// Lost credentials replaced with a scrutineer's approval (补发), counted in `issued`.
    #[serde(default, skip_serializing_if = "crate::count::counts::is_zero")]
    pub replaced_lost: u32,
    /// Ballots returned.
    pub returned: u32,
    /// Valid ballots (returned − invalid).
    pub valid_ballots: u32,
    /// Invalid ballots (R10).
    pub invalid_ballots: u32,
    /// Whether the quorum was met (R3).
    pub quorum_met: bool,
    /// The quorum in words: 实到会人数 80，达到应到会人数 100 的五分之四.
    pub quorum_reason: Text,
    /// The reconciliation in words (R6).
    pub reconciliation_reason: Text,
    /// For-votes needed to be elected under the ruleset (R11): 42 when 83 are present.
    pub threshold: u64,
    /// The threshold in words.
    pub threshold_reason: Text,
    /// The first election contest's elected, in stroke order (empty if none or void).
    pub elected: Vec<String>,
    /// The first election contest's runoff, if any (R12).
    pub runoff: Option<Runoff>,
    /// The first election contest's seats left for a separate election (R13).
    pub unfilled_seats: u32,
    /// Every contest's result, in ballot order (empty when the poll is void).
    pub contests: Vec<ContestResult>,
}

/// The result of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContestResult {
    /// An election (boxed: by far the largest variant).
    Election(Box<ElectionResult>),
    /// A confidence vote.
    Confidence(GradedResult),
    /// An evaluation.
    Evaluation(GradedResult),
    /// A motion.
    Motion(MotionResult),
    /// A recall (ADR 0030), in the motion's figures: per member (`title`), `for` is
    /// 同意罢免, `against` 不同意罢免, `abstain` 弃权, and `passed` means recalled.
    Recall(MotionResult),
}

/// The result of an election contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionResult {
    /// Contest id.
    pub id: String,
    /// Contest title.
    pub title: String,
    /// Competitive or not.
    pub kind: ElectionKind,
    /// A by-election?
    pub by_election: bool,
    /// Seats.
    pub seats: u32,
    /// For-votes needed.
    pub threshold: u64,
    /// The threshold in words.
    pub threshold_reason: Text,
    /// Every candidate, in ballot (stroke) order.
    pub candidates: Vec<CandidateResult>,
    /// Every person written in, most votes first (ties in stroke order).
    pub write_ins: Vec<WriteInResult>,
    /// The elected, in stroke order (R14).
    pub elected: Vec<String>,
    /// A new vote among those tied at the cut-off (R12).
    pub runoff: Option<Runoff>,
    /// Seats not filled because too few passed the threshold (R13).
    pub unfilled_seats: u32,
    /// The separate election (另行选举) those seats call for, unless the seats are reduced
    /// by a recorded decision.
    pub separate_election: Option<SeparateElection>,
}

/// One candidate's figures and outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// Name.
    pub name: String,
    /// 赞成.
    #[serde(rename = "for")]
    pub for_votes: u32,
    /// 不赞成.
    pub against: u32,
    /// 弃权 (blank ballots included).
    pub abstain: u32,
    /// Whether the for-votes meet the threshold.
    pub passed_threshold: bool,
    /// The outcome.
    pub status: CandidateStatus,
    /// Why, in words.
    pub reason: Text,
}

/// One write-in's votes and outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteInResult {
    /// The name written in.
    pub name: String,
    /// Ballots that wrote it in.
    pub votes: u32,
    /// Whether the votes meet the threshold.
    pub passed_threshold: bool,
    /// The outcome (never elected where the ruleset does not allow it).
    pub status: CandidateStatus,
    /// Why, in words.
    pub reason: Text,
}

/// The outcome for a person in an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStatus {
    /// 当选.
    Elected,
    /// Tied at the cut-off: goes to the runoff.
    Runoff,
    /// 未当选.
    NotElected,
}

/// A new vote among the candidates tied at the cut-off (R12): most votes wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runoff {
    /// The tied, in stroke order.
    pub candidates: Vec<String>,
    /// Seats left for them.
    pub seats: u32,
    /// The for-votes they tied on.
    pub tied_votes: u32,
    /// In words.
    pub reason: Text,
}

/// A separate election (另行选举) for seats left empty (R13).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeparateElection {
    /// The unelected candidates, in stroke order (never write-ins).
    pub candidates: Vec<String>,
    /// Seats to fill.
    pub seats: u32,
    /// Whether they are enough for a competitive election under the ruleset (R8).
    pub margin_met: bool,
    /// In words, with the alternative of reducing the seats.
    pub reason: Text,
}

/// The result of a confidence vote or an evaluation: per member, counts per option or
/// grade, shares, and the outcome by the ruleset's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradedResult {
    /// Contest id.
    pub id: String,
    /// Contest title.
    pub title: String,
    /// The options (信任 / 基本信任 / 不信任) or grades, in ballot order.
    pub options: Vec<Text>,
    /// What shares are measured against.
    pub denominator: Base,
    /// Its value.
    pub denominator_value: u32,
    /// Per member, in contest order.
    pub members: Vec<MemberOutcome>,
}

/// One member's figures and outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOutcome {
    /// Name.
    pub name: String,
    /// Per option or grade, in the contest's order.
    pub counts: Vec<Share>,
    /// Valid ballots that left the member unmarked.
    pub unmarked: u32,
    /// The outcome: 信任 / 不信任 / 优秀 …
    pub outcome: Text,
    /// Why, in words.
    pub reason: Text,
}

/// A count and its share of the denominator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The option or grade.
    pub option: Text,
    /// Votes.
    pub votes: u32,
    /// The share in percent, rounded half up to two decimals ("84.34"); `None` when the
    /// denominator is zero. For display only: outcomes are decided on the integers.
    pub percent: Option<String>,
}

/// The result of a motion contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MotionResult {
    /// Contest id.
    pub id: String,
    /// Contest title.
    pub title: String,
    /// For-votes needed.
    pub threshold: u64,
    /// The rule in words (and whether it is the contest's own rather than the ruleset's).
    pub threshold_reason: Text,
    /// Per item, in contest order.
    pub items: Vec<ItemOutcome>,
}

/// One motion item's figures and outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemOutcome {
    /// The item.
    pub title: String,
    /// 赞成.
    #[serde(rename = "for")]
    pub for_votes: u32,
    /// 反对.
    pub against: u32,
    /// 弃权.
    pub abstain: u32,
    /// Whether it passed.
    pub passed: bool,
    /// Why, in words.
    pub reason: Text,
}

/// `votes / of` in percent, rounded half up to two decimals, in integers.
pub(crate) fn percent(votes: u32, of: u32) -> Option<String> {
    if of == 0 {
        return None;
    }
    let (v, d) = (u64::from(votes), u64::from(of));
    let hundredths = (v * 20_000 + d) / (2 * d);
    Some(format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up_in_integers() {
        assert_eq!(percent(70, 83).as_deref(), Some("84.34"));
        assert_eq!(percent(1, 3).as_deref(), Some("33.33"));
        assert_eq!(percent(2, 3).as_deref(), Some("66.67"));
        assert_eq!(percent(1, 8).as_deref(), Some("12.50"));
        assert_eq!(percent(1, 16).as_deref(), Some("6.25"));
        assert_eq!(percent(1, 32).as_deref(), Some("3.13"), "3.125 rounds up");
        assert_eq!(percent(83, 83).as_deref(), Some("100.00"));
        assert_eq!(percent(0, 0), None);
    }
}
