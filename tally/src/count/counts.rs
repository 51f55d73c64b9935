//! What counting starts from: attendance, ballot reconciliation figures, and one total per
//! (contest, item, option), plus write-ins.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The figures of one poll, from paper or from the decrypted tally.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollCounts {
    /// 应到 (R1), frozen when the poll opened.
    pub expected: u32,
    /// 实到 (R2), frozen when the poll opened.
    pub present: u32,
    /// Ballots issued (发出票数): the credentials in force, a cancelled one not
    /// counted and a replacement for a lost one counted (spec §6.7).
    pub issued: u32,
    /// Damaged credentials handed back, cancelled and replaced (换发, spec §6.7):
    /// counted neither in `issued` nor against it; shown on the result sheet.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replaced: u32,
    /// Lost credentials replaced with a scrutineer's approval (spec §6.7): counted in
    /// `issued`, which may exceed `present` by this many.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replaced_lost: u32,
    /// Ballots returned (收回票数), valid and invalid.
    pub returned: u32,
    /// Invalid ballots (无效票, R10): returned, but counted for no one.
    pub invalid: u32,
    /// Per contest, in the poll's order.
    pub contests: Vec<ContestCounts>,
}

/// The totals of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestCounts {
    /// The contest id.
    pub contest: String,
    /// `totals[item][option]`, items in ballot order ([`crate::model::Contest::items`]:
    /// candidates in stroke order) and options in ballot order. For elections and
    /// motions the three options of each item add up to the valid ballots (a blank
    /// ballot abstains on everyone, R9); for confidence votes and evaluations they add up
    /// to at most the valid ballots (the rest left the item unmarked).
    pub totals: Vec<Vec<u32>>,
    /// Elections only: persons written in (另选他人) and how many ballots named each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub write_ins: BTreeMap<String, u32>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
pub(crate) fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl PollCounts {
    /// Valid ballots: returned less invalid (0 if the figures are inconsistent).
    pub fn valid_ballots(&self) -> u32 {
        self.returned.saturating_sub(self.invalid)
    }
}
