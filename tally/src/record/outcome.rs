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
    encode(result, &mut None)
}

/// Where two outcome encodings first differ, in words: the figure (or name, or
/// decision) and both values, as `expected (应到): recorded 120, recounted 118`.
/// `None` if they are the same bytes. Bytes before the first difference are equal,
/// so the recorded value is read at the same place with the same width.
pub fn first_difference(recounted: &PollResult, recorded: &[u8]) -> Option<String> {
    let mut marks = Some(Vec::new());
    let ours = encode(recounted, &mut marks);
    let at = ours
        .iter()
        .zip(recorded)
        .position(|(a, b)| a != b)
        .or_else(|| (ours.len() != recorded.len()).then(|| ours.len().min(recorded.len())))?;
    let marks = marks.unwrap_or_default();
    let Some(m) = marks.iter().rev().find(|m| m.start <= at) else {
        return Some(format!("the outcome's bytes differ from byte {at} on"));
    };
    let read = |bytes: &[u8]| -> String {
        let field = bytes.get(m.start..m.start + m.width.len());
        match (m.width, field) {
            (Width::U8, Some(b)) => b[0].to_string(),
            (Width::Bool, Some(b)) => match b[0] {
                0 => "no".into(),
                1 => "yes".into(),
                x => format!("invalid ({x})"),
            },
            (Width::U32, Some(b)) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_string(),
            (Width::U64, Some(b)) => u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]).to_string(),
            (Width::Other, _) => "another value".into(),
            (_, None) => "nothing (the outcome ends)".into(),
        }
    };
    Some(format!("{}: recorded {}, recounted {}", m.label, read(recorded), read(&ours)))
}

#[derive(Clone, Copy)]
enum Width {
    U8,
    Bool,
    U32,
    U64,
    Other,
}

impl Width {
    fn len(self) -> usize {
        match self {
            Self::U8 | Self::Bool => 1,
            Self::U32 => 4,
            Self::U64 => 8,
            Self::Other => 0,
        }
    }
}

/// A field of the encoding: where it starts, what it is, how wide it is.
struct Mark {
    start: usize,
    label: String,
    width: Width,
}

/// Records the field about to be written, when asked to (`marks` is `Some`).
fn mark(w: &Writer, marks: &mut Option<Vec<Mark>>, width: Width, label: impl FnOnce() -> String) {
    if let Some(m) = marks {
        m.push(Mark { start: w.0.len(), label: label(), width });
    }
}

fn encode(result: &PollResult, marks: &mut Option<Vec<Mark>>) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(OUTCOME_VERSION);
    mark(&w, marks, Width::Other, || "the poll's name".into());
    w.str(&result.poll);
    mark(&w, marks, Width::Other, || "the ruleset's name".into());
    w.str(&result.ruleset.name);
    mark(&w, marks, Width::Bool, || "whether the poll stands (有效)".into());
    w.bool(result.valid);
    mark(&w, marks, Width::Bool, || "whether the quorum is met (达到法定人数)".into());
    w.bool(result.quorum_met);
    let figures = [
        ("expected (应到)", result.expected),
        ("present (实到)", result.present),
        ("issued (发出)", result.issued),
        ("returned (收回)", result.returned),
        ("valid ballots (有效票)", result.valid_ballots),
        ("invalid ballots (无效票)", result.invalid_ballots),
    ];
    for (label, v) in figures {
        mark(&w, marks, Width::U32, || label.into());
        w.u32(v);
    }
    mark(&w, marks, Width::U64, || "the election threshold (当选票数)".into());
    w.u64(result.threshold);
    mark(&w, marks, Width::U32, || "the number of contests".into());
    w.count(result.contests.len());
    for contest in &result.contests {
        match contest {
            ContestResult::Election(e) => {
                let c = &e.id;
                w.u8(0);
                mark(&w, marks, Width::Other, || format!("contest {c}: its id"));
                w.str(&e.id);
                mark(&w, marks, Width::U32, || format!("contest {c}: seats (应选)"));
                w.u32(e.seats);
                mark(&w, marks, Width::U64, || format!("contest {c}: the threshold (当选票数)"));
                w.u64(e.threshold);
                mark(&w, marks, Width::U32, || format!("contest {c}: the number of candidates"));
                w.count(e.candidates.len());
                for x in &e.candidates {
                    let n = &x.name;
                    mark(&w, marks, Width::Other, || format!("contest {c}: a candidate's name ({n})"));
                    w.str(&x.name);
                    mark(&w, marks, Width::U32, || format!("contest {c}, candidate {n}: for-votes (赞成)"));
                    w.u32(x.for_votes);
                    mark(&w, marks, Width::U32, || format!("contest {c}, candidate {n}: against (不赞成)"));
                    w.u32(x.against);
                    mark(&w, marks, Width::U32, || format!("contest {c}, candidate {n}: abstentions (弃权)"));
                    w.u32(x.abstain);
                    mark(&w, marks, Width::Bool, || format!("contest {c}, candidate {n}: reached the threshold"));
                    w.bool(x.passed_threshold);
                    mark(&w, marks, Width::U8, || {
                        format!("contest {c}, candidate {n}: status (0 elected, 1 runoff, 2 not elected)")
                    });
                    w.u8(status_code(x.status));
                }
                mark(&w, marks, Width::U32, || format!("contest {c}: the number of write-ins"));
                w.count(e.write_ins.len());
                for x in &e.write_ins {
                    let n = &x.name;
                    mark(&w, marks, Width::Other, || format!("contest {c}: a write-in ({n})"));
                    w.str(&x.name);
                    mark(&w, marks, Width::U32, || format!("contest {c}, write-in {n}: votes"));
                    w.u32(x.votes).bool(x.passed_threshold).u8(status_code(x.status));
                }
                mark(&w, marks, Width::Other, || format!("contest {c}: the elected (当选人)"));
                names(&mut w, &e.elected);
                mark(&w, marks, Width::Other, || format!("contest {c}: the runoff (另行选举)"));
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
                mark(&w, marks, Width::U32, || format!("contest {c}: unfilled seats"));
                w.u32(e.unfilled_seats);
                mark(&w, marks, Width::Other, || format!("contest {c}: the separate election"));
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
                let c = &g.id;
                let kind = if matches!(contest, ContestResult::Confidence(_)) { 1 } else { 2 };
                w.u8(kind);
                mark(&w, marks, Width::Other, || format!("contest {c}: its id and denominator"));
                w.str(&g.id).u8(base_code(g.denominator));
                mark(&w, marks, Width::U32, || format!("contest {c}: the denominator's value"));
                w.u32(g.denominator_value);
                mark(&w, marks, Width::U32, || format!("contest {c}: the number of members"));
                w.count(g.members.len());
                for m in &g.members {
                    let n = &m.name;
                    mark(&w, marks, Width::Other, || format!("contest {c}: a member's name ({n})"));
                    w.str(&m.name).count(m.counts.len());
                    for (k, s) in m.counts.iter().enumerate() {
                        mark(&w, marks, Width::U32, || format!("contest {c}, member {n}: votes for option {}", k + 1));
                        w.u32(s.votes);
                    }
                    mark(&w, marks, Width::U32, || format!("contest {c}, member {n}: unmarked"));
                    w.u32(m.unmarked);
                    mark(&w, marks, Width::Other, || format!("contest {c}, member {n}: the outcome"));
                    w.text(&m.outcome);
                }
            }
            ContestResult::Motion(m) => {
                let c = &m.id;
                w.u8(3);
                mark(&w, marks, Width::Other, || format!("contest {c}: its id"));
                w.str(&m.id);
                mark(&w, marks, Width::U64, || format!("contest {c}: the threshold"));
                w.u64(m.threshold);
                mark(&w, marks, Width::U32, || format!("contest {c}: the number of items"));
                w.count(m.items.len());
                for it in &m.items {
                    let n = &it.title;
                    mark(&w, marks, Width::Other, || format!("contest {c}: an item's title ({n})"));
                    w.str(&it.title);
                    mark(&w, marks, Width::U32, || format!("contest {c}, item {n}: for (赞成)"));
                    w.u32(it.for_votes);
                    mark(&w, marks, Width::U32, || format!("contest {c}, item {n}: against (反对)"));
                    w.u32(it.against);
                    mark(&w, marks, Width::U32, || format!("contest {c}, item {n}: abstentions (弃权)"));
                    w.u32(it.abstain);
                    mark(&w, marks, Width::Bool, || format!("contest {c}, item {n}: passed"));
                    w.bool(it.passed);
                }
            }
        }
    }
    w.0
}
