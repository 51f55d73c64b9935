//! Counting: from a poll's figures and a ruleset to its result (RULES R3, R6, R9–R17).
//!
//! [`count`] checks that the figures are consistent (an error if not), decides whether
//! the poll stands (quorum, reconciliation), and if it does, decides every contest.
//! Every threshold is checked in integers; every outcome carries its reason in words.

mod counts;
mod election;
mod error;
mod graded;
mod motion;
mod phrases;
mod result;
#[cfg(test)]
mod tests;

pub use counts::{ContestCounts, PollCounts};
pub use error::CountError;
pub use result::{
    CandidateResult, CandidateStatus, ContestResult, ElectionResult, GradedResult, ItemOutcome, MemberOutcome,
    MotionResult, PollResult, Runoff, SeparateElection, Share, WriteInResult,
};

use crate::model::{ContestKind, Limits, Poll};
use crate::ruleset::{Base, Ruleset};
use crate::text::Text;
use phrases::{Figures, measure, rule_words};

/// Counts `poll` from `counts` under `ruleset`.
///
/// Errors are figures that cannot be right (present > expected, issued > present,
/// invalid > returned, totals that do not fit the ballots, an ill-defined contest).
/// A poll that is void — no quorum (R3), or more ballots returned than issued (R6) — is
/// not an error: the result says `valid: false` with the reason, and decides nothing.
pub fn count(poll: &Poll, counts: &PollCounts, ruleset: &Ruleset) -> Result<PollResult, CountError> {
    count_within(poll, counts, ruleset, Limits::POLL)
}

/// [`count`] with the poll checked against `limits` rather than a poll's
/// ([`Limits::POLL`]): `hallvote count` counts a file bounded by its size
/// ([`Limits::SIZE_BOUNDED`]). Every step is linear in the items apart from sorting
/// candidates (n log n), so the time is bounded by the input's size.
pub fn count_within(
    poll: &Poll,
    counts: &PollCounts,
    ruleset: &Ruleset,
    limits: Limits,
) -> Result<PollResult, CountError> {
    poll.validate_within(ruleset, limits)?;
    check_figures(poll, counts)?;
    let fig = Figures {
        expected: counts.expected,
        present: counts.present,
        returned: counts.returned,
        valid: counts.valid_ballots(),
    };
    for (contest, cc) in poll.contests.iter().zip(&counts.contests) {
        match &contest.kind {
            ContestKind::Election(e) => election::check(contest, e, cc, fig.valid)?,
            ContestKind::Confidence(_) | ContestKind::Evaluation(_) => graded::check(contest, cc, fig.valid, ruleset)?,
            ContestKind::Motion(_) | ContestKind::Recall(_) => motion::check(contest, cc, fig.valid)?,
        }
    }

    let (quorum_met, quorum_reason) = quorum(counts, ruleset);
    let reconciled = counts.returned <= counts.issued;
    let has_election = poll.contests.iter().any(|c| matches!(c.kind, ContestKind::Election(_)));
    let reconciliation_reason = reconciliation(counts, reconciled, has_election);
    let mut void = Vec::new();
    if !quorum_met {
        void.push(quorum_reason.clone());
    }
    if !reconciled {
        void.push(reconciliation_reason.clone());
    }
    let valid = void.is_empty();

    let rule = &ruleset.election;
    let base_value = u64::from(fig.base(rule.base));
    let threshold = rule.threshold.minimum(base_value);
    let threshold_reason = election_threshold_words(threshold, rule.threshold, rule.base, base_value);

    let mut contests = Vec::new();
    if valid {
        for (contest, cc) in poll.contests.iter().zip(&counts.contests) {
            contests.push(match &contest.kind {
                ContestKind::Election(e) => {
                    ContestResult::Election(Box::new(election::decide(contest, e, cc, fig, ruleset)))
                }
                ContestKind::Confidence(_) => ContestResult::Confidence(graded::confidence(contest, cc, fig, ruleset)),
                ContestKind::Evaluation(e) => {
                    ContestResult::Evaluation(graded::evaluation(contest, e, cc, fig, ruleset))
                }
                ContestKind::Motion(m) => ContestResult::Motion(motion::decide(contest, m, cc, fig, ruleset)),
                ContestKind::Recall(r) => ContestResult::Recall(motion::recall(contest, r, cc, fig, ruleset)),
            });
        }
    }
    let first = contests.iter().find_map(|c| match c {
        ContestResult::Election(e) => Some(e),
        _ => None,
    });
    Ok(PollResult {
        poll: poll.name.clone(),
        ruleset: ruleset.reference(),
        valid,
        void_reason: (!valid).then(|| Text::join(&void)),
        expected: counts.expected,
        present: counts.present,
        issued: counts.issued,
        replaced: counts.replaced,
        replaced_lost: counts.replaced_lost,
        returned: counts.returned,
        valid_ballots: fig.valid,
        invalid_ballots: counts.invalid,
        quorum_met,
        quorum_reason,
        reconciliation_reason,
        threshold,
        threshold_reason,
        elected: first.map(|e| e.elected.clone()).unwrap_or_default(),
        runoff: first.and_then(|e| e.runoff.clone()),
        unfilled_seats: first.map_or(0, |e| e.unfilled_seats),
        contests,
    })
}

fn check_figures(poll: &Poll, c: &PollCounts) -> Result<(), CountError> {
    if c.present > c.expected {
        return Err(CountError::PresentExceedsExpected { present: c.present, expected: c.expected });
    }
    // A lost credential's replacement is one more in force than delegates present.
    if u64::from(c.issued) > u64::from(c.present) + u64::from(c.replaced_lost) {
        return Err(CountError::IssuedExceedsPresent { issued: c.issued, present: c.present });
    }
    if c.invalid > c.returned {
        return Err(CountError::InvalidExceedsReturned { invalid: c.invalid, returned: c.returned });
    }
    if let Some(a) = poll.attendance
        && (a.expected, a.present) != (c.expected, c.present)
    {
        return Err(CountError::AttendanceMismatch);
    }
    let same = poll.contests.len() == c.contests.len()
        && poll.contests.iter().zip(&c.contests).all(|(p, cc)| p.id == cc.contest);
    if !same {
        return Err(CountError::ContestsMismatch);
    }
    Ok(())
}

fn quorum(c: &PollCounts, ruleset: &Ruleset) -> (bool, Text) {
    let label = Text::new("实到会人数", "present");
    let (met, words) = measure(&label, u64::from(c.present), ruleset.quorum, Base::Expected, u64::from(c.expected));
    let verdict = if met {
        Text::new("符合法定人数", "quorum met")
    } else {
        Text::new("不足法定人数，不能进行投票，投票无效", "no quorum: the poll cannot be held and is void")
    };
    (met, phrases::then(words, &verdict.zh, &verdict.en))
}

fn reconciliation(c: &PollCounts, reconciled: bool, election: bool) -> Text {
    let verdict = reconciliation_verdict(c, reconciled, election);
    if c.replaced == 0 && c.replaced_lost == 0 {
        return verdict;
    }
    let (d, l) = (c.replaced, c.replaced_lost);
    Text::new(
        format!("{}（换发选票：损坏收回作废 {d} 张并重发，遗失补发 {l} 张，补发的已计入发出）", verdict.zh),
        format!(
            "{} (replaced: {d} damaged handed back, cancelled and re-issued; {l} lost, replaced and counted as \
             issued)",
            verdict.en
        ),
    )
}

fn reconciliation_verdict(c: &PollCounts, reconciled: bool, election: bool) -> Text {
    let (r, i) = (c.returned, c.issued);
    match (reconciled, election) {
        (true, _) => Text::new(
            format!("收回选票 {r} 张，不多于发出选票 {i} 张，投票有效"),
            format!("{r} ballots returned, not more than the {i} issued: the poll stands"),
        ),
        (false, true) => Text::new(
            format!("收回选票 {r} 张，多于发出选票 {i} 张，选举无效，应重新选举"),
            format!("{r} ballots returned, more than the {i} issued: the election is void and must be re-run"),
        ),
        (false, false) => Text::new(
            format!("收回选票 {r} 张，多于发出选票 {i} 张，表决无效，应重新投票"),
            format!("{r} ballots returned, more than the {i} issued: the vote is void and must be re-run"),
        ),
    }
}

fn election_threshold_words(min: u64, t: crate::ruleset::Threshold, base: Base, of: u64) -> Text {
    let rule = rule_words(t, base, of);
    Text::new(
        format!("当选须获赞成票不少于 {min} 票（{}）", rule.zh),
        format!("election needs at least {min} for-votes ({})", rule.en),
    )
}
