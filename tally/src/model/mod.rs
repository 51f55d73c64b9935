//! The election model: congress, session, roll, attendance, poll and contests.
//!
//! Every contest is items × options (candidate × for / against / abstain; member × trust /
//! basic trust / distrust; member × grade; item × for / against / abstain): the counts
//! of a poll are one total per (contest, item, option), whether they come from paper
//! or, later, from the decryption of the homomorphic tally.

mod attendance;
mod confidence;
mod congress;
mod contest;
mod election;
mod error;
mod evaluation;
mod motion;
mod poll;
mod recall;
mod roll;
mod session;

pub use attendance::AttendanceSnapshot;
pub use confidence::{ConfidenceOption, ConfidenceVote};
pub use congress::{Congress, Term};
pub use contest::{Contest, ContestKind, VoteOption};
pub use election::{Candidate, Election, ElectionKind, MAX_ITEMS, margin_met, minimum_candidates};
pub use error::DefinitionError;
pub use evaluation::Evaluation;
pub use motion::{Motion, MotionRuleOverride};
pub use poll::{Limits, MAX_CONTESTS, Poll};
pub use recall::{Recall, recall_labels};
pub use roll::{Delegate, DelegateStatus, Exclusion, ExclusionReason, LossReason, Roll};
pub use session::Session;
