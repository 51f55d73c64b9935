//! The canonical binary encoding of a poll's outcome (spec §12.7): every figure and
//! decision of [`PollResult`], without the sentences that explain them (those are
//! derived from the figures, in each language, and are not signed).

use super::codec::Writer;
use super::rules::base_code;
use crate::count::{CandidateStatus, ContestResult, PollResult};
use crate::text::Text;

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
/// decision) and both values, as `expected (应到): recorded 120, recounted 118`
/// (应到人数：记录为 120，重新计票为 118).
/// `None` if they are the same bytes. Bytes before the first difference are equal,
/// so the recorded value is read at the same place with the same width.
pub fn first_difference(recounted: &PollResult, recorded: &[u8]) -> Option<Text> {
    let mut marks = Some(Vec::new());
    let ours = encode(recounted, &mut marks);
    let at = ours
        .iter()
        .zip(recorded)
        .position(|(a, b)| a != b)
        .or_else(|| (ours.len() != recorded.len()).then(|| ours.len().min(recorded.len())))?;
    let marks = marks.unwrap_or_default();
    let Some(m) = marks.iter().rev().find(|m| m.start <= at) else {
        return Some(Text::new(
            format!("计票结果自第 {} 个字节起不同", at + 1),
            format!("the outcome's bytes differ from byte {at} on"),
        ));
    };
    let read = |bytes: &[u8]| -> Text {
        let field = bytes.get(m.start..m.start + m.width.len());
        match (m.width, field) {
            (Width::U8, Some(b)) => Text::new(b[0].to_string(), b[0].to_string()),
            (Width::Bool, Some(b)) => match b[0] {
                0 => Text::new("否", "no"),
                1 => Text::new("是", "yes"),
                x => Text::new(format!("无效值（{x}）"), format!("invalid ({x})")),
            },
            (Width::U32, Some(b)) => {
                let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_string();
                Text::new(v.clone(), v)
            }
            (Width::U64, Some(b)) => {
                let v = u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]).to_string();
                Text::new(v.clone(), v)
            }
            (Width::Other, _) => Text::new("另一个值", "another value"),
            (_, None) => Text::new("无（计票结果到此结束）", "nothing (the outcome ends)"),
        }
    };
    let (was, now) = (read(recorded), read(&ours));
    Some(Text::new(
        format!("{}：记录为 {}，重新计票为 {}", m.label.zh, was.zh, now.zh),
        format!("{}: recorded {}, recounted {}", m.label.en, was.en, now.en),
    ))
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
    label: Text,
    width: Width,
}

/// Records the field about to be written, when asked to (`marks` is `Some`).
fn mark(w: &Writer, marks: &mut Option<Vec<Mark>>, width: Width, label: impl FnOnce() -> Text) {
    if let Some(m) = marks {
        m.push(Mark { start: w.0.len(), label: label(), width });
    }
}

fn encode(result: &PollResult, marks: &mut Option<Vec<Mark>>) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(OUTCOME_VERSION);
    mark(&w, marks, Width::Other, || Text::new("投票名称", "the poll's name"));
    w.str(&result.poll);
    mark(&w, marks, Width::Other, || Text::new("规则集名称", "the ruleset's name"));
    w.str(&result.ruleset.name);
    mark(&w, marks, Width::Bool, || Text::new("投票是否有效", "whether the poll stands (有效)"));
    w.bool(result.valid);
    mark(&w, marks, Width::Bool, || Text::new("是否达到法定人数", "whether the quorum is met (达到法定人数)"));
    w.bool(result.quorum_met);
    let figures = [
        ("应到人数", "expected (应到)", result.expected),
        ("实到人数", "present (实到)", result.present),
        ("发出票数", "issued (发出)", result.issued),
        ("收回票数", "returned (收回)", result.returned),
        ("有效票数", "valid ballots (有效票)", result.valid_ballots),
        ("无效票数", "invalid ballots (无效票)", result.invalid_ballots),
    ];
    for (zh, en, v) in figures {
        mark(&w, marks, Width::U32, || Text::new(zh, en));
        w.u32(v);
    }
    mark(&w, marks, Width::U64, || Text::new("当选所需票数", "the election threshold (当选票数)"));
    w.u64(result.threshold);
    mark(&w, marks, Width::U32, || Text::new("事项数", "the number of contests"));
    w.count(result.contests.len());
    for contest in &result.contests {
        match contest {
            ContestResult::Election(e) => {
                let c = &e.id;
                w.u8(0);
                mark(&w, marks, Width::Other, || Text::new(format!("事项 {c}：编号"), format!("contest {c}: its id")));
                w.str(&e.id);
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：应选名额"), format!("contest {c}: seats (应选)"))
                });
                w.u32(e.seats);
                mark(&w, marks, Width::U64, || {
                    Text::new(format!("事项 {c}：当选所需票数"), format!("contest {c}: the threshold (当选票数)"))
                });
                w.u64(e.threshold);
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：候选人数"), format!("contest {c}: the number of candidates"))
                });
                w.count(e.candidates.len());
                for x in &e.candidates {
                    let n = &x.name;
                    mark(&w, marks, Width::Other, || {
                        Text::new(
                            format!("事项 {c}：候选人姓名（{n}）"),
                            format!("contest {c}: a candidate's name ({n})"),
                        )
                    });
                    w.str(&x.name);
                    mark(&w, marks, Width::U32, || {
                        Text::new(
                            format!("事项 {c}，候选人 {n}：赞成票"),
                            format!("contest {c}, candidate {n}: for-votes (赞成)"),
                        )
                    });
                    w.u32(x.for_votes);
                    mark(&w, marks, Width::U32, || {
                        Text::new(
                            format!("事项 {c}，候选人 {n}：不赞成票"),
                            format!("contest {c}, candidate {n}: against (不赞成)"),
                        )
                    });
                    w.u32(x.against);
                    mark(&w, marks, Width::U32, || {
                        Text::new(
                            format!("事项 {c}，候选人 {n}：弃权票"),
                            format!("contest {c}, candidate {n}: abstentions (弃权)"),
                        )
                    });
                    w.u32(x.abstain);
                    mark(&w, marks, Width::Bool, || {
                        Text::new(
                            format!("事项 {c}，候选人 {n}：是否达到当选票数"),
                            format!("contest {c}, candidate {n}: reached the threshold"),
                        )
                    });
                    w.bool(x.passed_threshold);
                    mark(&w, marks, Width::U8, || {
                        Text::new(
                            format!("事项 {c}，候选人 {n}：结果（0 当选，1 再次投票，2 未当选）"),
                            format!("contest {c}, candidate {n}: status (0 elected, 1 runoff, 2 not elected)"),
                        )
                    });
                    w.u8(status_code(x.status));
                }
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：另选他人的人数"), format!("contest {c}: the number of write-ins"))
                });
                w.count(e.write_ins.len());
                for x in &e.write_ins {
                    let n = &x.name;
                    mark(&w, marks, Width::Other, || {
                        Text::new(format!("事项 {c}：另选他人（{n}）"), format!("contest {c}: a write-in ({n})"))
                    });
                    w.str(&x.name);
                    mark(&w, marks, Width::U32, || {
                        Text::new(format!("事项 {c}，另选他人 {n}：得票"), format!("contest {c}, write-in {n}: votes"))
                    });
                    w.u32(x.votes).bool(x.passed_threshold).u8(status_code(x.status));
                }
                mark(&w, marks, Width::Other, || {
                    Text::new(format!("事项 {c}：当选人"), format!("contest {c}: the elected (当选人)"))
                });
                names(&mut w, &e.elected);
                mark(&w, marks, Width::Other, || {
                    Text::new(format!("事项 {c}：再次投票"), format!("contest {c}: the runoff (另行选举)"))
                });
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
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：未选出的名额"), format!("contest {c}: unfilled seats"))
                });
                w.u32(e.unfilled_seats);
                mark(&w, marks, Width::Other, || {
                    Text::new(format!("事项 {c}：另行选举"), format!("contest {c}: the separate election"))
                });
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
                mark(&w, marks, Width::Other, || {
                    Text::new(format!("事项 {c}：编号与计算基数"), format!("contest {c}: its id and denominator"))
                });
                w.str(&g.id).u8(base_code(g.denominator));
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：计算基数的值"), format!("contest {c}: the denominator's value"))
                });
                w.u32(g.denominator_value);
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：被评议人数"), format!("contest {c}: the number of members"))
                });
                w.count(g.members.len());
                for m in &g.members {
                    let n = &m.name;
                    mark(&w, marks, Width::Other, || {
                        Text::new(
                            format!("事项 {c}：被评议人姓名（{n}）"),
                            format!("contest {c}: a member's name ({n})"),
                        )
                    });
                    w.str(&m.name).count(m.counts.len());
                    for (k, s) in m.counts.iter().enumerate() {
                        mark(&w, marks, Width::U32, || {
                            Text::new(
                                format!("事项 {c}，{n}：第 {} 个选项的票数", k + 1),
                                format!("contest {c}, member {n}: votes for option {}", k + 1),
                            )
                        });
                        w.u32(s.votes);
                    }
                    mark(&w, marks, Width::U32, || {
                        Text::new(format!("事项 {c}，{n}：未标记的票数"), format!("contest {c}, member {n}: unmarked"))
                    });
                    w.u32(m.unmarked);
                    mark(&w, marks, Width::Other, || {
                        Text::new(format!("事项 {c}，{n}：结论"), format!("contest {c}, member {n}: the outcome"))
                    });
                    w.text(&m.outcome);
                }
            }
            ContestResult::Motion(m) | ContestResult::Recall(m) => {
                // A recall has a motion's layout under its own kind (spec §12.7):
                // for / against / abstain are 同意罢免 / 不同意罢免 / 弃权, passed is recalled.
                let c = &m.id;
                w.u8(if matches!(contest, ContestResult::Recall(_)) { 4 } else { 3 });
                mark(&w, marks, Width::Other, || Text::new(format!("事项 {c}：编号"), format!("contest {c}: its id")));
                w.str(&m.id);
                mark(&w, marks, Width::U64, || {
                    Text::new(format!("事项 {c}：通过所需票数"), format!("contest {c}: the threshold"))
                });
                w.u64(m.threshold);
                mark(&w, marks, Width::U32, || {
                    Text::new(format!("事项 {c}：表决项数"), format!("contest {c}: the number of items"))
                });
                w.count(m.items.len());
                for it in &m.items {
                    let n = &it.title;
                    mark(&w, marks, Width::Other, || {
                        Text::new(format!("事项 {c}：表决项标题（{n}）"), format!("contest {c}: an item's title ({n})"))
                    });
                    w.str(&it.title);
                    mark(&w, marks, Width::U32, || {
                        Text::new(format!("事项 {c}，{n}：赞成票"), format!("contest {c}, item {n}: for (赞成)"))
                    });
                    w.u32(it.for_votes);
                    mark(&w, marks, Width::U32, || {
                        Text::new(format!("事项 {c}，{n}：反对票"), format!("contest {c}, item {n}: against (反对)"))
                    });
                    w.u32(it.against);
                    mark(&w, marks, Width::U32, || {
                        Text::new(
                            format!("事项 {c}，{n}：弃权票"),
                            format!("contest {c}, item {n}: abstentions (弃权)"),
                        )
                    });
                    w.u32(it.abstain);
                    mark(&w, marks, Width::Bool, || {
                        Text::new(format!("事项 {c}，{n}：是否通过"), format!("contest {c}, item {n}: passed"))
                    });
                    w.bool(it.passed);
                }
            }
        }
    }
    w.0
}

/// One election's write-ins as an outcome records them: the contest id and every
/// `(name, votes)` in the recorded order.
pub type RecordedWriteIns = (String, Vec<(String, u32)>);

/// The write-ins an outcome encoding counts (spec §12.7), per election contest in
/// outcome order: the contest id and every `(name, votes)` in the recorded order.
/// Reads the structure strictly; the verifier compares these with the decrypted
/// names (spec §13.11.5) before it recounts.
pub fn recorded_write_ins(bytes: &[u8]) -> Result<Vec<RecordedWriteIns>, super::FormatError> {
    use super::codec::Reader;
    let mut r = Reader::new(bytes, "outcome");
    if r.u8()? != OUTCOME_VERSION {
        return Err(super::FormatError::Unknown("outcome version"));
    }
    r.str("poll name")?;
    r.str("ruleset name")?;
    r.take(2 + 6 * 4 + 8)?;
    let skip_names = |r: &mut Reader<'_>| -> Result<(), super::FormatError> {
        for _ in 0..r.count(4)? {
            r.blob()?;
        }
        Ok(())
    };
    let mut out = Vec::new();
    for _ in 0..r.count(1)? {
        match r.u8()? {
            0 => {
                let id = r.str("contest id")?;
                r.take(4 + 8)?;
                for _ in 0..r.count(4 + 14)? {
                    r.blob()?;
                    r.take(14)?;
                }
                let mut write_ins = Vec::new();
                for _ in 0..r.count(4 + 6)? {
                    let name = r.str("write-in name")?;
                    let votes = r.u32()?;
                    r.take(2)?;
                    write_ins.push((name, votes));
                }
                skip_names(&mut r)?;
                if r.bool("runoff flag")? {
                    skip_names(&mut r)?;
                    r.take(8)?;
                }
                r.take(4)?;
                if r.bool("separate election flag")? {
                    skip_names(&mut r)?;
                    r.take(5)?;
                }
                out.push((id, write_ins));
            }
            1 | 2 => {
                r.str("contest id")?;
                r.take(1 + 4)?;
                for _ in 0..r.count(4)? {
                    r.blob()?;
                    let m = r.count(4)?;
                    r.take(4 * m + 4)?;
                    r.blob()?;
                    r.blob()?;
                }
            }
            3 | 4 => {
                r.str("contest id")?;
                r.take(8)?;
                for _ in 0..r.count(4 + 13)? {
                    r.blob()?;
                    r.take(13)?;
                }
            }
            _ => return Err(super::FormatError::Unknown("contest kind")),
        }
    }
    r.finish()?;
    Ok(out)
}
