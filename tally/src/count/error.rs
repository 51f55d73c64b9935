//! Counts that cannot be counted.

use crate::model::DefinitionError;
use crate::text::Text;

/// Figures that contradict each other or the poll definition; each says what is wrong in
/// zh-CN and en. (A void poll — returned > issued, no quorum — is not an error but a
/// result: see [`crate::count::PollResult::void_reason`].)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{}", self.text().en)]
pub enum CountError {
    /// The poll or a contest is ill defined.
    Definition(#[from] DefinitionError),
    /// More present than expected.
    PresentExceedsExpected {
        /// 实到.
        present: u32,
        /// 应到.
        expected: u32,
    },
    /// More ballots issued than delegates present.
    IssuedExceedsPresent {
        /// Issued.
        issued: u32,
        /// Present.
        present: u32,
    },
    /// More invalid ballots than returned.
    InvalidExceedsReturned {
        /// Invalid.
        invalid: u32,
        /// Returned.
        returned: u32,
    },
    /// The attendance frozen in the poll differs from the counts.
    AttendanceMismatch,
    /// Counts are missing for a contest, or given for one not in the poll.
    ContestsMismatch,
    /// A contest's totals do not have the contest's items × options shape.
    Shape {
        /// The contest.
        contest: String,
        /// Items expected.
        items: usize,
        /// Options expected.
        options: usize,
    },
    /// An item's totals do not add up to the valid ballots (or exceed them).
    ItemTotal {
        /// The contest.
        contest: String,
        /// The item.
        item: String,
        /// Its total.
        total: u64,
        /// Valid ballots.
        valid: u32,
    },
    /// More for-votes and write-ins than valid ballots × seats.
    TooManyForVotes {
        /// The contest.
        contest: String,
        /// For-votes plus write-ins.
        total: u64,
        /// Valid ballots × seats.
        limit: u64,
    },
    /// More write-ins than against-votes (a write-in goes with an against-vote, R9).
    WriteInsExceedAgainst {
        /// The contest.
        contest: String,
        /// Write-ins.
        write_ins: u64,
        /// Against-votes.
        against: u64,
    },
    /// A write-in that is empty, names a candidate, or is given for a contest that is not
    /// an election.
    BadWriteIn {
        /// The contest.
        contest: String,
        /// The name.
        name: String,
    },
    /// A grade the ruleset's evaluation rules use is not one of the contest's grades.
    GradeNotInContest {
        /// The contest.
        contest: String,
        /// The grade.
        grade: String,
    },
}

impl CountError {
    /// What is wrong, in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::Definition(e) => e.text(),
            Self::PresentExceedsExpected { present, expected } => Text::new(
                format!("实到人数 {present} 多于应到人数 {expected}"),
                format!("{present} present is more than the {expected} expected"),
            ),
            Self::IssuedExceedsPresent { issued, present } => Text::new(
                format!("发出选票 {issued} 张，多于实到人数 {present}"),
                format!("{issued} ballots issued is more than the {present} present"),
            ),
            Self::InvalidExceedsReturned { invalid, returned } => Text::new(
                format!("无效票 {invalid} 张，多于收回选票 {returned} 张"),
                format!("{invalid} invalid ballots is more than the {returned} returned"),
            ),
            Self::AttendanceMismatch => Text::new(
                "计票数据中的应到、实到人数与投票开始时冻结的人数不符",
                "expected and present in the counts differ from those frozen when the poll opened",
            ),
            Self::ContestsMismatch => Text::new(
                "计票数据中的事项与投票定义的事项不一致",
                "the contests in the counts are not those of the poll",
            ),
            Self::Shape { contest, items, options } => Text::new(
                format!("{contest}：票数应为 {items} 项 × {options} 个选项"),
                format!("{contest}: totals must be {items} items × {options} options"),
            ),
            Self::ItemTotal { contest, item, total, valid } => Text::new(
                format!("{contest}：{item} 的各项票数合计 {total}，与有效票 {valid} 张不符"),
                format!(
                    "{contest}: the totals of {item} add up to {total}, which does not fit the {valid} valid ballots"
                ),
            ),
            Self::TooManyForVotes { contest, total, limit } => Text::new(
                format!("{contest}：赞成票与另选他人票合计 {total}，超过有效票数乘应选名额 {limit}"),
                format!("{contest}: {total} for-votes and write-ins exceed valid ballots × seats = {limit}"),
            ),
            Self::WriteInsExceedAgainst { contest, write_ins, against } => Text::new(
                format!("{contest}：另选他人 {write_ins} 票，多于不赞成票 {against} 票（另选他人须先投不赞成票）"),
                format!(
                    "{contest}: {write_ins} write-ins exceed the {against} against-votes (a write-in goes with an against-vote)"
                ),
            ),
            Self::BadWriteIn { contest, name } => Text::new(
                format!("{contest}：另选他人 {name:?} 无效（为空、是候选人，或该事项不是选举）"),
                format!("{contest}: write-in {name:?} is empty, names a candidate, or the contest is not an election"),
            ),
            Self::GradeNotInContest { contest, grade } => Text::new(
                format!("{contest}：规则集的评议规则使用了等次“{grade}”，但本次评议没有该等次"),
                format!(
                    "{contest}: the ruleset's evaluation rules use the grade {grade:?}, which this evaluation does not have"
                ),
            ),
        }
    }
}
