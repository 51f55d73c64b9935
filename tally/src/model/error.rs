//! Errors in the definition of a roll, poll or contest.

use crate::text::{NameProblem, Text};

/// A definition that breaks a rule; each says what is wrong in zh-CN and en.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{}", self.text().en)]
pub enum DefinitionError {
    /// An id that is not on the roll (or no longer holds the status).
    NotOnRoll {
        /// The id.
        id: String,
    },
    /// An excluded delegate was checked in.
    ExcludedCheckedIn {
        /// The id.
        id: String,
    },
    /// A number does not fit.
    TooLarge,
    /// The poll has no contests.
    NoContests,
    /// Two contests share an id.
    DuplicateContestId {
        /// The id.
        id: String,
    },
    /// A contest id is empty.
    BadContestId {
        /// The id.
        id: String,
    },
    /// An election with no seats.
    NoSeats {
        /// The contest.
        contest: String,
    },
    /// A contest with no candidates, members or items.
    NoItems {
        /// The contest.
        contest: String,
    },
    /// A name that breaks the rule for names ([`crate::text::name_problem`]).
    BadName {
        /// The contest.
        contest: String,
        /// The name.
        name: String,
        /// What is wrong with it.
        problem: NameProblem,
    },
    /// A poll's name or a contest's title that breaks the rule for names.
    BadTitle {
        /// The poll's name or the contest's id.
        of: String,
        /// The title.
        title: String,
        /// What is wrong with it.
        problem: NameProblem,
    },
    /// More contests in a poll, or items in a contest, than hallvote takes.
    TooMany {
        /// The contest (empty for the poll's contests).
        contest: String,
        /// How many were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// The same name twice in one contest.
    DuplicateName {
        /// The contest.
        contest: String,
        /// The name.
        name: String,
    },
    /// An explicit surname that does not begin the name.
    SurnameNotPrefix {
        /// The contest.
        contest: String,
        /// The name.
        name: String,
    },
    /// A competitive election with too few candidates (R8).
    MarginNotMet {
        /// The contest.
        contest: String,
        /// Candidates.
        candidates: u32,
        /// Seats.
        seats: u32,
        /// Candidates needed.
        needed: u64,
    },
    /// A non-competitive election the ruleset does not allow.
    NonCompetitiveNotAllowed {
        /// The contest.
        contest: String,
    },
    /// A non-competitive election whose candidates do not equal its seats.
    NonCompetitiveCount {
        /// The contest.
        contest: String,
        /// Candidates.
        candidates: u32,
        /// Seats.
        seats: u32,
    },
    /// Fewer than two grades, or repeated or empty grade labels.
    BadGrades {
        /// The contest.
        contest: String,
    },
    /// A motion rule counted from something other than present or expected.
    BadMotionBase {
        /// The contest.
        contest: String,
    },
}

impl DefinitionError {
    /// What is wrong, in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::NotOnRoll { id } => {
                Text::new(format!("代表证号 {id} 不在代表名册上"), format!("{id} is not a delegate on the roll"))
            }
            Self::ExcludedCheckedIn { id } => Text::new(
                format!("代表 {id} 已被批准不计入应到人数，不能签到；须先撤销该批准"),
                format!(
                    "delegate {id} is excluded from the expected count and cannot check in; withdraw the exclusion first"
                ),
            ),
            Self::TooLarge => Text::new("人数超出范围", "a count is out of range"),
            Self::NoContests => Text::new("投票没有任何选举或表决事项", "the poll has no contests"),
            Self::DuplicateContestId { id } => {
                Text::new(format!("事项编号 {id} 重复"), format!("contest id {id:?} is used twice"))
            }
            Self::BadContestId { id } => {
                Text::new(format!("事项编号 {id:?} 无效"), format!("contest id {id:?} is empty"))
            }
            Self::NoSeats { contest } => {
                Text::new(format!("{contest}：应选名额为 0"), format!("{contest}: an election needs at least one seat"))
            }
            Self::NoItems { contest } => Text::new(
                format!("{contest}：没有候选人、评议对象或表决事项"),
                format!("{contest}: no candidates, members or items"),
            ),
            Self::BadName { contest, name, problem } => {
                let p = problem.text();
                Text::new(
                    format!("{contest}：名称 {name:?} {}", p.zh),
                    format!("{contest}: the name {name:?} {}", p.en),
                )
            }
            Self::BadTitle { of, title, problem } => {
                let p = problem.text();
                Text::new(format!("{of}：标题 {title:?} {}", p.zh), format!("{of}: the title {title:?} {}", p.en))
            }
            Self::TooMany { contest, count, max } if contest.is_empty() => Text::new(
                format!("一次投票有 {count} 个事项，最多 {max} 个"),
                format!("the poll has {count} contests; at most {max}"),
            ),
            Self::TooMany { contest, count, max } => Text::new(
                format!("{contest}：有 {count} 个候选人、评议对象或表决事项，最多 {max} 个"),
                format!("{contest}: {count} candidates, members or items; at most {max}"),
            ),
            Self::DuplicateName { contest, name } => Text::new(
                format!("{contest}：{name} 重复出现（写法看似不同、规范化后相同的姓名也是同一姓名）"),
                format!("{contest}: {name} appears twice (names that are the same once normalised are one name)"),
            ),
            Self::SurnameNotPrefix { contest, name } => Text::new(
                format!("{contest}：{name} 的姓氏与姓名开头不符"),
                format!("{contest}: the surname given for {name} does not begin the name"),
            ),
            Self::MarginNotMet { contest, candidates, seats, needed } => Text::new(
                format!(
                    "{contest}：差额选举应选 {seats} 名，候选人 {candidates} 名，不足 {needed} 名（候选人数应多于应选人数的 20%）"
                ),
                format!(
                    "{contest}: a competitive election for {seats} seats needs at least {needed} candidates (20% more than seats), not {candidates}"
                ),
            ),
            Self::NonCompetitiveNotAllowed { contest } => Text::new(
                format!("{contest}：本规则集不允许等额选举（仅在规则集允许时可等额增补）"),
                format!(
                    "{contest}: this ruleset does not allow a non-competitive election (only a by-election, where the ruleset allows it)"
                ),
            ),
            Self::NonCompetitiveCount { contest, candidates, seats } => Text::new(
                format!("{contest}：等额选举候选人数 {candidates} 应等于应选名额 {seats}"),
                format!(
                    "{contest}: a non-competitive election needs as many candidates as seats ({seats}), not {candidates}"
                ),
            ),
            Self::BadGrades { contest } => Text::new(
                format!("{contest}：评议等次至少两个，且不得重复或为空"),
                format!("{contest}: an evaluation needs at least two distinct, non-empty grades"),
            ),
            Self::BadMotionBase { contest } => Text::new(
                format!("{contest}：表决规则只能以实到或应到人数为基数"),
                format!("{contest}: a motion rule counts from present or expected"),
            ),
        }
    }
}
