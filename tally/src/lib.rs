//! hallvote-tally: the election model and the counting rules of hallvote.
//!
//! | module | what |
//! |---|---|
//! | [`model`] | congress, session, roll, attendance, poll and contests (items × options) |
//! | [`stroke_order`] | candidate order by surname strokes (R7, ADR 0005) |
//! | [`ruleset`] | the counting rules as data: built-in and user-defined rulesets |
//! | [`count`] | from a poll's figures and a ruleset to its result |
//! | [`key_check`] | a scrutineer's proof, before the poll opens, that its key share works |
//! | [`scenario`] | the `hallvote count` input format, and the result in JSON |
//! | [`sheet`] | the printable result sheet (计票结果报告单) as text |
//! | [`text`] | reasons and labels in zh-CN and en |
//!
//! Pure: no I/O, clock, environment or async; every threshold in integer arithmetic.
//! RULES R1–R17 refer to `shared/RULES.md`, the domain rules of the project.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod ballot;
pub mod count;
mod crockford;
pub mod key_check;
pub mod model;
pub mod record;
pub mod ruleset;
pub mod scenario;
pub mod sheet;
pub mod stroke_order;
pub mod text;
mod words;

pub use count::{PollCounts, PollResult, count};
pub use ruleset::Ruleset;
pub use text::{Lang, Text};
