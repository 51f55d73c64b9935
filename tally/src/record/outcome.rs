//! The canonical binary encoding of a poll's outcome (spec §12.7): every figure and
//! decision of [`PollResult`], without the sentences that explain them (those are
//! derived from the figures, in each language, and are not signed).

use super::codec::Writer;
use super::rules::base_code;
use crate::count::{CandidateStatus, ContestResult, PollResult};

/// Version byte of the outcome encoding.
pub const OUTCOME_VERSION: u8 = 1;

fn status_code(s: CandidateStatus) -> u8 {
    match s {
        CandidateStatus::Elected => 0,
        CandidateStatus::Runoff => 1,
        CandidateStatus::NotElected => 2,
    }
}

fn names(w: &mut Writer, names: &[String]) {
    w.count(names.len());
    for n in names {
        w.str(n);
    }
}

/// Encodes `result` (spec §12.7). A verifier recomputes the result from the totals
/// and compares these bytes with the record's.
pub fn encode_outcome(result: &PollResult) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(OUTCOME_VERSION).str(&result.poll).str(&result.ruleset.name);
    w.bool(result.valid).bool(result.quorum_met);
    for v in
        [result.expected, result.present, result.issued, result.returned, result.valid_ballots, result.invalid_ballots]
    {
        w.u32(v);
    }
    w.u64(result.threshold).count(result.contests.len());
    for contest in &result.contests {
        match contest {
            ContestResult::Election(e) => {
                w.u8(0).str(&e.id).u32(e.seats).u64(e.threshold).count(e.candidates.len());
                for c in &e.candidates {
                    w.str(&c.name).u32(c.for_votes).u32(c.against).u32(c.abstain);
                    w.bool(c.passed_threshold).u8(status_code(c.status));
                }
                w.count(e.write_ins.len());
                for x in &e.write_ins {
                    w.str(&x.name).u32(x.votes).bool(x.passed_threshold).u8(status_code(x.status));
                }
                names(&mut w, &e.elected);
                match &e.runoff {
                    Some(r) => {
                        w.u8(1);
                        names(&mut w, &r.candidates);
                        w.u32(r.seats).u32(r.tied_votes);
                    }
                    None => {
                        w.u8(0);
                    }
                }
                w.u32(e.unfilled_seats);
                match &e.separate_election {
                    Some(s) => {
                        w.u8(1);
                        names(&mut w, &s.candidates);
                        w.u32(s.seats).bool(s.margin_met);
                    }
                    None => {
                        w.u8(0);
                    }
                }
            }
            ContestResult::Confidence(g) | ContestResult::Evaluation(g) => {
                let kind = if matches!(contest, ContestResult::Confidence(_)) { 1 } else { 2 };
                w.u8(kind).str(&g.id).u8(base_code(g.denominator)).u32(g.denominator_value);
                w.count(g.members.len());
                for m in &g.members {
                    w.str(&m.name).count(m.counts.len());
                    for s in &m.counts {
                        w.u32(s.votes);
                    }
                    w.u32(m.unmarked).text(&m.outcome);
                }
            }
            ContestResult::Motion(m) => {
                w.u8(3).str(&m.id).u64(m.threshold).count(m.items.len());
                for it in &m.items {
                    w.str(&it.title).u32(it.for_votes).u32(it.against).u32(it.abstain).bool(it.passed);
                }
            }
        }
    }
    w.0
}
