//! Deciding an election (R9–R13).

use std::collections::BTreeSet;

use super::phrases::{Figures, measure, names, then};
use super::{
    CandidateResult, CandidateStatus, ContestCounts, CountError, ElectionResult, Runoff, SeparateElection,
    WriteInResult,
};
use crate::model::{Candidate, Contest, Election, margin_met, minimum_candidates};
use crate::ruleset::Ruleset;
use crate::stroke_order::NameKey;
use crate::text::Text;

/// The figures of an election must fit its ballots: one row of three per candidate
/// adding up to the valid ballots; for-votes and write-ins at most valid × seats;
/// write-ins at most the against-votes; write-ins named and not candidates.
pub(super) fn check(contest: &Contest, e: &Election, cc: &ContestCounts, valid: u32) -> Result<(), CountError> {
    let id = &contest.id;
    let n = e.candidates.len();
    if cc.totals.len() != n || cc.totals.iter().any(|row| row.len() != 3) {
        return Err(CountError::Shape { contest: id.clone(), items: n, options: 3 });
    }
    if let Some(k) = cc.totals.iter().position(|row| row.iter().map(|&v| u64::from(v)).sum::<u64>() != u64::from(valid))
    {
        // The rows are in ballot order: the candidates are put in it only to name the
        // one whose row is wrong (sorting them on every count would be a second sort).
        let total = cc.totals[k].iter().map(|&v| u64::from(v)).sum();
        let item = e.in_stroke_order().swap_remove(k).name;
        return Err(CountError::ItemTotal { contest: id.clone(), item, total, valid });
    }
    let candidates: BTreeSet<&str> = e.candidates.iter().map(|c| c.name.as_str()).collect();
    for name in cc.write_ins.keys() {
        if name.trim().is_empty() || name.trim() != name || candidates.contains(name.as_str()) {
            return Err(CountError::BadWriteIn { contest: id.clone(), name: name.clone() });
        }
    }
    let for_votes: u64 = cc.totals.iter().map(|r| u64::from(r[0])).sum();
    let against: u64 = cc.totals.iter().map(|r| u64::from(r[1])).sum();
    let write_ins: u64 = cc.write_ins.values().map(|&v| u64::from(v)).sum();
    let limit = u64::from(valid) * u64::from(e.seats);
    if for_votes + write_ins > limit {
        return Err(CountError::TooManyForVotes { contest: id.clone(), total: for_votes + write_ins, limit });
    }
    if write_ins > against {
        return Err(CountError::WriteInsExceedAgainst { contest: id.clone(), write_ins, against });
    }
    Ok(())
}

/// A person who can be elected: a candidate, or a write-in where the ruleset allows.
struct Contender {
    name: String,
    key: NameKey,
    votes: u32,
    passed: bool,
    measure: Text,
}

/// Decides an election whose figures passed [`check`].
pub(super) fn decide(
    contest: &Contest,
    e: &Election,
    cc: &ContestCounts,
    fig: Figures,
    ruleset: &Ruleset,
) -> ElectionResult {
    let rule = &ruleset.election;
    let of = u64::from(fig.base(rule.base));
    let threshold = rule.threshold.minimum(of);
    let label = Text::new("赞成票", "for-votes");
    let seats = e.seats as usize;

    let contender = |name: &str, key: NameKey, votes: u32, label: &Text| {
        let (passed, measure) = measure(label, u64::from(votes), rule.threshold, rule.base, of);
        Contender { name: name.to_owned(), key, votes, passed, measure }
    };
    // The candidates in ballot order with their keys, each key made once (a
    // scenario's candidates come sorted already, which the stable sort sees in a pass).
    let mut keyed: Vec<(NameKey, &Candidate)> = e.candidates.iter().map(|c| (c.key(), c)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let listed: Vec<&Candidate> = keyed.iter().map(|(_, c)| *c).collect();
    let mut people: Vec<Contender> =
        keyed.into_iter().zip(&cc.totals).map(|((key, c), row)| contender(&c.name, key, row[0], &label)).collect();
    let write_in_label = Text::new("另选他人票", "write-in votes");
    let write_ins: Vec<Contender> =
        cc.write_ins.iter().map(|(n, &v)| contender(n, NameKey::new(n), v, &write_in_label)).collect();
    let n_listed = people.len();
    if rule.write_ins_can_be_elected {
        people.extend(write_ins);
    }

    // Passers by for-votes, most first; stroke order among equals only fixes the listing.
    let mut ranked: Vec<usize> = (0..people.len()).filter(|&i| people[i].passed).collect();
    ranked.sort_by(|&a, &b| people[b].votes.cmp(&people[a].votes).then_with(|| people[a].key.cmp(&people[b].key)));

    let mut status = vec![CandidateStatus::NotElected; people.len()];
    let mut runoff = None;
    let mut unfilled = 0u32;
    if ranked.len() <= seats {
        for &i in &ranked {
            status[i] = CandidateStatus::Elected;
        }
        unfilled = e.seats - ranked.len() as u32;
    } else {
        let cut = people[ranked[seats - 1]].votes;
        if people[ranked[seats]].votes < cut {
            for &i in &ranked[..seats] {
                status[i] = CandidateStatus::Elected;
            }
        } else {
            let above: Vec<usize> = ranked.iter().copied().filter(|&i| people[i].votes > cut).collect();
            let mut tied: Vec<usize> = ranked.iter().copied().filter(|&i| people[i].votes == cut).collect();
            tied.sort_by(|&a, &b| people[a].key.cmp(&people[b].key));
            for &i in &above {
                status[i] = CandidateStatus::Elected;
            }
            for &i in &tied {
                status[i] = CandidateStatus::Runoff;
            }
            let left = (seats - above.len()) as u32;
            let tied_names: Vec<String> = tied.iter().map(|&i| people[i].name.clone()).collect();
            let list = names(&tied_names);
            let place = above.len() + 1;
            runoff = Some(Runoff {
                reason: Text::new(
                    format!(
                        "{} 赞成票均为 {cut}，并列第 {place} 名，应选名额尚余 {left} 名：仅在并列者中再次投票，得票多者当选",
                        list.zh
                    ),
                    format!(
                        "{} tied on {cut} for-votes for place {place} with {} left: a new vote among the tied only; most votes wins",
                        list.en,
                        crate::text::en_count(u64::from(left), "seat", "seats")
                    ),
                ),
                candidates: tied_names,
                seats: left,
                tied_votes: cut,
            });
        }
    }

    let reason = |i: usize| -> Text {
        let p = &people[i];
        match status[i] {
            CandidateStatus::Elected => then(p.measure.clone(), "当选", "elected"),
            CandidateStatus::Runoff => then(
                p.measure.clone(),
                "与他人得票相等并列于最后名额，须再次投票",
                "tied at the cut-off: goes to a new vote among the tied",
            ),
            CandidateStatus::NotElected if p.passed => then(
                p.measure.clone(),
                &format!("但得票名次在应选名额 {seats} 名之外，未当选"),
                &format!(
                    "but outside the {} by votes: not elected",
                    crate::text::en_count(seats as u64, "seat", "seats")
                ),
            ),
            CandidateStatus::NotElected => then(p.measure.clone(), "未当选", "not elected"),
        }
    };

    let candidates: Vec<CandidateResult> = listed
        .iter()
        .zip(&cc.totals)
        .enumerate()
        .map(|(i, (c, row))| CandidateResult {
            name: c.name.clone(),
            for_votes: row[0],
            against: row[1],
            abstain: row[2],
            passed_threshold: people[i].passed,
            status: status[i],
            reason: reason(i),
        })
        .collect();

    let mut write_in_results: Vec<WriteInResult> = if rule.write_ins_can_be_elected {
        (n_listed..people.len())
            .map(|i| WriteInResult {
                name: people[i].name.clone(),
                votes: people[i].votes,
                passed_threshold: people[i].passed,
                status: status[i],
                reason: reason(i),
            })
            .collect()
    } else {
        cc.write_ins
            .iter()
            .map(|(n, &v)| WriteInResult {
                name: n.clone(),
                votes: v,
                passed_threshold: false,
                status: CandidateStatus::NotElected,
                reason: Text::new(
                    format!("另选他人票 {v}；本规则集不以另选他人当选"),
                    format!("{v} write-in votes; this ruleset does not elect write-ins"),
                ),
            })
            .collect()
    };
    write_in_results
        .sort_by(|a, b| b.votes.cmp(&a.votes).then_with(|| NameKey::new(&a.name).cmp(&NameKey::new(&b.name))));

    let mut elected: Vec<usize> = (0..people.len()).filter(|&i| status[i] == CandidateStatus::Elected).collect();
    elected.sort_by(|&a, &b| people[a].key.cmp(&people[b].key));
    let elected: Vec<String> = elected.into_iter().map(|i| people[i].name.clone()).collect();

    let separate_election = (unfilled > 0).then(|| separate(e, &listed, &status, unfilled, ruleset));
    let rule_words = super::phrases::rule_words(rule.threshold, rule.base, of);
    ElectionResult {
        id: contest.id.clone(),
        title: contest.title.clone(),
        kind: e.kind,
        by_election: e.by_election,
        seats: e.seats,
        threshold,
        threshold_reason: Text::new(
            format!("当选须获赞成票不少于 {threshold} 票（{}）", rule_words.zh),
            format!("election needs at least {threshold} for-votes ({})", rule_words.en),
        ),
        candidates,
        write_ins: write_in_results,
        elected,
        runoff,
        unfilled_seats: unfilled,
        separate_election,
    }
}

/// R13: the seats left go to a separate election among the unelected candidates (never
/// write-ins, never filled from below the threshold), or are reduced by decision.
fn separate(
    e: &Election,
    listed: &[&Candidate],
    status: &[CandidateStatus],
    seats: u32,
    ruleset: &Ruleset,
) -> SeparateElection {
    let candidates: Vec<String> = listed
        .iter()
        .zip(status)
        .filter(|(_, s)| **s != CandidateStatus::Elected)
        .map(|(c, _)| c.name.clone())
        .collect();
    let n = candidates.len() as u32;
    let margin = margin_met(n, seats, ruleset);
    let filled = e.seats - seats;
    let mut reason = Text::new(
        format!(
            "应选 {} 名，当选 {filled} 名，尚缺 {seats} 名：可在未当选的候选人中另行选举，或经过半数选举人同意或主席团决定并记录在案后减少名额；不得按得票多少以未过半数者递补",
            e.seats
        ),
        format!(
            "{filled} of {} seats filled, {seats} left: hold a separate election among the unelected candidates, or reduce the seats by a recorded decision of more than half of the voters or of the presidium; no one below the threshold is elected on plurality",
            e.seats
        ),
    );
    if !margin {
        let needed = minimum_candidates(seats, ruleset);
        reason = Text::new(
            format!("{}（未当选候选人 {n} 名，不足差额选举所需的 {needed} 名，须另行提名）", reason.zh),
            format!(
                "{} ({n} unelected candidates, fewer than the {needed} a competitive election needs: further nominations are required)",
                reason.en
            ),
        );
    }
    SeparateElection { candidates, seats, margin_met: margin, reason }
}
