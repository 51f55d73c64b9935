//! Unit tests of the counting rules, through [`count`] on hand-built polls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use super::*;
use crate::model::{
    Candidate, ConfidenceVote, Contest, Election, ElectionKind, Evaluation, Motion, MotionRuleOverride,
};
use crate::ruleset::{Fraction, Threshold};

fn ruleset(name: &str) -> Ruleset {
    Ruleset::builtin(name).unwrap()
}

/// An election poll; `votes` are (name, for, against), abstain fills up to `valid`.
fn election(seats: u32, votes: &[(&str, u32, u32)], valid: u32, write_ins: &[(&str, u32)]) -> (Poll, ContestCounts) {
    let e = Election {
        write_ins: false,
        kind: ElectionKind::Competitive,
        by_election: false,
        seats,
        candidates: votes.iter().map(|(n, ..)| Candidate::new(*n)).collect(),
    };
    let totals = e
        .in_stroke_order()
        .iter()
        .map(|c| {
            let (_, f, a) = votes.iter().find(|(n, ..)| *n == c.name).unwrap();
            vec![*f, *a, valid - f - a]
        })
        .collect();
    let contest = Contest { id: "c".into(), title: "委员".into(), kind: ContestKind::Election(e) };
    let cc = ContestCounts {
        contest: "c".into(),
        totals,
        write_ins: write_ins.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect(),
    };
    (Poll { name: "选举".into(), contests: vec![contest], attendance: None }, cc)
}

fn figures(
    expected: u32,
    present: u32,
    issued: u32,
    returned: u32,
    invalid: u32,
    cc: Vec<ContestCounts>,
) -> PollCounts {
    PollCounts { expected, present, issued, replaced: 0, replaced_lost: 0, returned, invalid, contests: cc }
}

fn example3_votes(h: u32, i: u32, j: u32, k: u32) -> Vec<(&'static str, u32, u32)> {
    vec![
        ("A", 80, 1),
        ("B", 78, 2),
        ("C", 75, 3),
        ("D", 70, 5),
        ("E", 66, 10),
        ("F", 60, 15),
        ("G", 55, 20),
        ("H", h, 25),
        ("I", i, 30),
        ("J", j, 30),
        ("K", k, 40),
    ]
}

#[test]
fn worked_example_3_tie_at_the_cut_off() {
    let (poll, cc) = election(9, &example3_votes(50, 45, 45, 30), 81, &[]);
    let r = count(&poll, &figures(100, 83, 83, 83, 2, vec![cc]), &ruleset("township-2020")).unwrap();
    assert!(r.valid && r.quorum_met);
    assert_eq!((r.valid_ballots, r.threshold), (81, 42));
    assert_eq!(r.elected, ["A", "B", "C", "D", "E", "F", "G", "H"]);
    let runoff = r.runoff.unwrap();
    assert_eq!((runoff.candidates, runoff.seats, runoff.tied_votes), (vec!["I".to_owned(), "J".to_owned()], 1, 45));
    assert_eq!(r.unfilled_seats, 0);
    let ContestResult::Election(e) = &r.contests[0] else { panic!() };
    let passed = e.candidates.iter().filter(|c| c.passed_threshold).count();
    assert_eq!(passed, 10, "ten pass (≥ 42)");
    assert_eq!(e.candidates[10].status, CandidateStatus::NotElected);
}

#[test]
fn worked_example_4_shortfall_never_filled_from_below() {
    let (poll, cc) = election(9, &example3_votes(41, 40, 38, 30), 81, &[]);
    let r = count(&poll, &figures(100, 83, 83, 83, 2, vec![cc]), &ruleset("township-2020")).unwrap();
    assert_eq!(r.elected, ["A", "B", "C", "D", "E", "F", "G"]);
    assert_eq!(r.unfilled_seats, 2);
    assert!(r.runoff.is_none());
    let ContestResult::Election(e) = &r.contests[0] else { panic!() };
    let h = e.candidates.iter().find(|c| c.name == "H").unwrap();
    assert_eq!(h.status, CandidateStatus::NotElected, "H is not elected on plurality");
    assert!(h.reason.zh.contains("未超过实到会人数 83 的半数"));
    let sep = e.separate_election.as_ref().unwrap();
    assert_eq!(sep.candidates, ["H", "I", "J", "K"]);
    assert_eq!(sep.seats, 2);
    assert!(sep.margin_met, "4 candidates for 2 seats");
    assert!(sep.reason.zh.contains("减少名额"));
}

#[test]
fn worked_example_5_more_returned_than_issued_is_void() {
    let (poll, cc) = election(9, &example3_votes(50, 45, 45, 30), 82, &[]);
    let r = count(&poll, &figures(100, 83, 83, 84, 2, vec![cc]), &ruleset("township-2020")).unwrap();
    assert!(!r.valid);
    assert!(r.void_reason.unwrap().zh.contains("选举无效，应重新选举"));
    assert!(r.elected.is_empty() && r.contests.is_empty() && r.runoff.is_none());
}

#[test]
fn quorum_80_of_100_under_both_rulesets() {
    let (poll, cc) = election(1, &[("王海", 50, 20), ("李娜", 25, 40)], 80, &[]);
    let counts = figures(100, 80, 80, 80, 0, vec![cc]);
    let new = count(&poll, &counts, &ruleset("township-2020")).unwrap();
    assert!(new.quorum_met && new.valid);
    assert_eq!(new.elected, ["王海"]);
    let old = count(&poll, &counts, &ruleset("township-1990")).unwrap();
    assert!(!old.quorum_met && !old.valid);
    assert!(old.void_reason.unwrap().zh.contains("不足法定人数"));
}

#[test]
fn exactly_half_fails_and_county_counts_from_expected() {
    let votes = [("孔平", 43, 30), ("王海", 42, 30), ("丁海静", 10, 60)];
    let (poll, cc) = election(2, &votes, 84, &[]);
    let r = count(&poll, &figures(100, 84, 84, 84, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    assert_eq!((r.threshold, r.elected.clone(), r.unfilled_seats), (43, vec!["孔平".to_owned()], 1));
    let (poll, cc) = election(2, &votes, 83, &[]);
    let r = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc.clone()]), &ruleset("township-2020")).unwrap();
    assert_eq!((r.threshold, r.elected.clone()), (42, vec!["王海".to_owned(), "孔平".to_owned()]));
    let county = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &ruleset("county")).unwrap();
    assert_eq!(county.threshold, 51, "more than half of 100 expected");
    assert!(county.elected.is_empty());
    assert_eq!(county.unfilled_seats, 2);
}

#[test]
fn more_passers_than_seats_without_a_tie() {
    // With one seat two cannot both pass "more than half"; with two seats three can.
    let (poll, cc) = election(2, &[("王海", 50, 30), ("李娜", 48, 30), ("张伟", 45, 30)], 83, &[]);
    let r = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    assert_eq!(r.elected, ["王海", "李娜"]);
    assert!(r.runoff.is_none());
    let ContestResult::Election(e) = &r.contests[0] else { panic!() };
    let zhang = e.candidates.iter().find(|c| c.name == "张伟").unwrap();
    assert!(zhang.passed_threshold && zhang.status == CandidateStatus::NotElected);
    assert!(zhang.reason.en.contains("outside the 2 seats"));
}

#[test]
fn three_way_tie_for_two_seats() {
    let votes = [("甲", 60, 0), ("乙", 50, 0), ("丙", 50, 0), ("丁", 50, 0), ("戊", 10, 0)];
    let (poll, cc) = election(3, &votes, 83, &[]);
    let r = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    assert_eq!(r.elected, ["甲"]);
    let runoff = r.runoff.unwrap();
    assert_eq!(runoff.seats, 2);
    assert_eq!(runoff.candidates, ["乙", "丁", "丙"], "stroke order: 乙 1, 丁 2, 丙 5");
}

#[test]
fn write_ins_elected_unless_the_ruleset_says_no() {
    let (poll, cc) = election(1, &[("王海", 30, 50), ("李娜", 10, 60)], 83, &[("张伟", 43)]);
    let counts = figures(100, 83, 83, 83, 0, vec![cc]);
    let r = count(&poll, &counts, &ruleset("township-2020")).unwrap();
    assert_eq!(r.elected, ["张伟"]);
    let mut no = ruleset("township-2020");
    no.election.write_ins_can_be_elected = false;
    let r = count(&poll, &counts, &no).unwrap();
    assert!(r.elected.is_empty());
    let ContestResult::Election(e) = &r.contests[0] else { panic!() };
    assert_eq!(e.write_ins[0].votes, 43);
    assert_eq!(e.separate_election.as_ref().unwrap().candidates, ["王海", "李娜"], "never write-ins");
}

#[test]
fn inconsistent_figures_are_errors() {
    let t = ruleset("township-2020");
    let (poll, cc) = election(1, &[("王海", 50, 20), ("李娜", 25, 40)], 80, &[]);
    let ok = figures(100, 80, 80, 80, 0, vec![cc.clone()]);
    assert!(count(&poll, &ok, &t).is_ok());
    type Is = fn(&CountError) -> bool;
    let cases: Vec<(PollCounts, Is)> = vec![
        (PollCounts { present: 101, ..ok.clone() }, |e| matches!(e, CountError::PresentExceedsExpected { .. })),
        (PollCounts { issued: 81, ..ok.clone() }, |e| matches!(e, CountError::IssuedExceedsPresent { .. })),
        (PollCounts { invalid: 81, ..ok.clone() }, |e| matches!(e, CountError::InvalidExceedsReturned { .. })),
        (PollCounts { invalid: 1, ..ok.clone() }, |e| matches!(e, CountError::ItemTotal { .. })),
        (PollCounts { contests: vec![], ..ok.clone() }, |e| matches!(e, CountError::ContestsMismatch)),
    ];
    for (counts, is) in cases {
        let e = count(&poll, &counts, &t).unwrap_err();
        assert!(is(&e), "{e:?}");
        assert!(!e.text().zh.is_empty() && !e.text().en.is_empty());
    }
    // 1 seat: for-votes 50 + 40 > 80 valid ballots × 1 seat.
    let (poll2, cc2) = election(1, &[("王海", 50, 20), ("李娜", 40, 30)], 80, &[]);
    let e = count(&poll2, &figures(100, 80, 80, 80, 0, vec![cc2]), &t).unwrap_err();
    assert!(matches!(e, CountError::TooManyForVotes { .. }), "{e:?}");
    // Write-ins need against-votes, and cannot name a candidate.
    let (poll3, cc3) = election(1, &[("王海", 20, 5), ("李娜", 20, 5)], 80, &[("张伟", 11)]);
    let e = count(&poll3, &figures(100, 80, 80, 80, 0, vec![cc3]), &t).unwrap_err();
    assert!(matches!(e, CountError::WriteInsExceedAgainst { .. }), "{e:?}");
    let (poll4, cc4) = election(1, &[("王海", 20, 5), ("李娜", 20, 5)], 80, &[("王海", 1)]);
    let e = count(&poll4, &figures(100, 80, 80, 80, 0, vec![cc4]), &t).unwrap_err();
    assert!(matches!(e, CountError::BadWriteIn { .. }), "{e:?}");
}

fn graded_poll(kind: ContestKind, totals: Vec<Vec<u32>>) -> (Poll, ContestCounts) {
    let contest = Contest { id: "g".into(), title: "评议".into(), kind };
    let cc = ContestCounts { contest: "g".into(), totals, write_ins: BTreeMap::new() };
    (Poll { name: "评议".into(), contests: vec![contest], attendance: None }, cc)
}

#[test]
fn confidence_outcomes_and_shares() {
    let members = vec!["王晓冬".to_owned(), "刘刚".to_owned(), "孙菊".to_owned()];
    let kind = ContestKind::Confidence(ConfidenceVote { members });
    let (poll, cc) = graded_poll(kind, vec![vec![70, 10, 3], vec![30, 25, 28], vec![20, 20, 42]]);
    let r = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    let ContestResult::Confidence(g) = &r.contests[0] else { panic!() };
    let outcomes: Vec<&str> = g.members.iter().map(|m| m.outcome.zh.as_str()).collect();
    // 3 distrust: neither rule; 28·3 = 84 ≥ 83: flagged; 42·2 = 84 > 83: distrust.
    assert_eq!(outcomes, ["信任", "报上级党委跟踪了解", "不信任"]);
    assert_eq!(g.members[0].counts[0].percent.as_deref(), Some("84.34"));
    assert_eq!(g.members[2].unmarked, 1);
    assert!(g.members[1].reason.zh.starts_with("不信任票 28，未超过实到会人数 83 的半数；不信任票 28，达到"));
}

fn evaluation_kind() -> ContestKind {
    ContestKind::Evaluation(Evaluation {
        members: vec!["甲".into(), "乙".into(), "丙".into(), "丁".into()],
        grades: ruleset("township-2020").evaluation.grades,
    })
}

#[test]
fn evaluation_outcomes() {
    let totals = vec![vec![60, 15, 5, 3], vec![20, 30, 25, 8], vec![5, 10, 26, 42], vec![10, 20, 40, 13]];
    let (poll, cc) = graded_poll(evaluation_kind(), totals);
    let r = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    let ContestResult::Evaluation(g) = &r.contests[0] else { panic!() };
    let outcomes: Vec<&str> = g.members.iter().map(|m| m.outcome.zh.as_str()).collect();
    // 75·10 ≥ 83·9 → 优秀; 50 > 83/2 → 称职; 42·2 ≥ 83 → 不称职; otherwise 基本称职.
    assert_eq!(outcomes, ["优秀", "称职", "不称职", "基本称职"]);
    assert_eq!(g.denominator_value, 83);
}

#[test]
fn evaluation_with_other_grades_needs_matching_rules() {
    let kind = ContestKind::Evaluation(Evaluation {
        members: vec!["甲".into()],
        grades: ["好", "较好", "一般", "差"].map(|g| Text::new(g, g)).to_vec(),
    });
    let (poll, cc) = graded_poll(kind, vec![vec![50, 20, 10, 3]]);
    let e = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc.clone()]), &ruleset("township-2020")).unwrap_err();
    assert!(matches!(e, CountError::GradeNotInContest { .. }), "{e:?}");
    let mut r = ruleset("township-2020");
    r.evaluation.grades = ["好", "较好", "一般", "差"].map(|g| Text::new(g, g)).to_vec();
    r.evaluation.rules = vec![crate::ruleset::GradeOutcomeRule {
        outcome: Text::new("好", "good"),
        grades: vec!["好".into()],
        threshold: Threshold::MORE_THAN_HALF,
    }];
    let res = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &r).unwrap();
    let ContestResult::Evaluation(g) = &res.contests[0] else { panic!() };
    assert_eq!(g.members[0].outcome.zh, "好", "50 of 83 returned");
}

#[test]
fn motions_by_ruleset_and_by_own_rule() {
    let two_thirds = Threshold::AtLeast(Fraction::new(2, 3).unwrap());
    let items = vec!["修正案一".to_owned(), "修正案二".to_owned()];
    let kind = ContestKind::Motion(Motion { items: items.clone(), rule: None });
    let (poll, cc) = graded_poll(kind, vec![vec![56, 20, 8], vec![55, 20, 9]]);
    let counts = figures(100, 84, 84, 84, 0, vec![cc.clone()]);
    let passed = |r: &PollResult| match &r.contests[0] {
        ContestResult::Motion(m) => (m.threshold, m.items.iter().map(|i| i.passed).collect::<Vec<_>>()),
        _ => panic!(),
    };
    assert_eq!(passed(&count(&poll, &counts, &ruleset("township-2020")).unwrap()), (43, vec![true, true]));
    let mut r = ruleset("township-2020");
    r.motion.threshold = two_thirds;
    assert_eq!(passed(&count(&poll, &counts, &r).unwrap()), (56, vec![true, false]));
    let own = ContestKind::Motion(Motion {
        items,
        rule: Some(MotionRuleOverride { base: crate::ruleset::Base::Expected, threshold: two_thirds }),
    });
    let (poll, _) = graded_poll(own, vec![]);
    let res = count(&poll, &counts, &ruleset("township-2020")).unwrap();
    assert_eq!(passed(&res), (67, vec![false, false]), "two thirds of 100 expected");
}

#[test]
fn blank_ballots_abstain_on_everyone() {
    // All 83 ballots blank: valid, and nobody elected.
    let (poll, cc) = election(1, &[("王海", 0, 0), ("李娜", 0, 0)], 83, &[]);
    let r = count(&poll, &figures(100, 83, 83, 83, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    assert!(r.valid);
    assert_eq!(r.valid_ballots, 83);
    assert!(r.elected.is_empty());
    assert_eq!(r.unfilled_seats, 1);
    let ContestResult::Election(e) = &r.contests[0] else { panic!() };
    assert!(e.candidates.iter().all(|c| c.abstain == 83));
}

#[test]
fn replacements_are_counted_and_said_on_the_sheet() {
    // 80 present: 2 damaged slips cancelled and re-issued (issued unchanged), 1 lost
    // slip replaced (issued 81, one more than present, spec §6.7).
    let t = ruleset("township-2020");
    let (poll, cc) = election(1, &[("王海", 50, 20), ("李娜", 25, 40)], 80, &[]);
    let counts = PollCounts { issued: 81, replaced: 2, replaced_lost: 1, ..figures(100, 80, 80, 80, 0, vec![cc]) };
    let r = count(&poll, &counts, &t).unwrap();
    assert!(r.valid);
    assert_eq!((r.issued, r.replaced, r.replaced_lost), (81, 2, 1));
    assert!(
        r.reconciliation_reason.zh.contains("损坏收回作废 2 张并重发，遗失补发 1 张"),
        "{}",
        r.reconciliation_reason.zh
    );
    assert!(r.reconciliation_reason.en.contains("2 damaged"), "{}", r.reconciliation_reason.en);
    // Returned more than issued (81) is void even so (R6).
    let (poll, cc) = election(1, &[("王海", 51, 20), ("李娜", 25, 41)], 82, &[]);
    let counts = PollCounts { issued: 81, replaced_lost: 1, ..figures(100, 80, 80, 82, 0, vec![cc]) };
    let r = count(&poll, &counts, &t).unwrap();
    assert!(!r.valid, "82 returned of 81 issued");
    // Two more issued than present with one lost replacement is impossible.
    let (poll, cc) = election(1, &[("王海", 50, 20), ("李娜", 25, 40)], 80, &[]);
    let counts = PollCounts { issued: 82, replaced_lost: 1, ..figures(100, 80, 80, 80, 0, vec![cc]) };
    assert!(matches!(count(&poll, &counts, &t), Err(CountError::IssuedExceedsPresent { .. })));
    // The figures of an ordinary poll say nothing of replacements.
    let (poll, cc) = election(1, &[("王海", 50, 20), ("李娜", 25, 40)], 80, &[]);
    let r = count(&poll, &figures(100, 80, 80, 80, 0, vec![cc]), &t).unwrap();
    assert!(!r.reconciliation_reason.zh.contains("换发"));
}

/// A recall of three members, 84 ballots valid: rows are (同意罢免, 不同意罢免, 弃权).
fn recall_poll() -> (Poll, ContestCounts) {
    let members = vec!["王海".to_owned(), "李娜".to_owned(), "刘刚".to_owned()];
    let kind = ContestKind::Recall(crate::model::Recall { members });
    graded_poll(kind, vec![vec![51, 30, 3], vec![50, 30, 4], vec![40, 4, 40]])
}

fn recalled(r: &PollResult) -> (u64, Vec<bool>) {
    match &r.contests[0] {
        ContestResult::Recall(m) => (m.threshold, m.items.iter().map(|i| i.passed).collect()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn recall_needs_more_than_half_of_expected_by_default() {
    // Expected 100, present 84: more than half of 100 is 51 and up.
    // 王海 51 → recalled (at the threshold); 李娜 50 → not (one below; it is more
    // than half of the 84 present, which the default does not count from); 刘刚 40 of
    // the 44 who marked yes or no → not (abstentions count against a recall).
    let (poll, cc) = recall_poll();
    let res = count(&poll, &figures(100, 84, 84, 84, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    assert!(res.valid);
    assert_eq!(recalled(&res), (51, vec![true, false, false]));
    let ContestResult::Recall(m) = &res.contests[0] else { panic!() };
    assert_eq!(m.threshold_reason.zh, "罢免须获同意罢免票不少于 51 票（超过应到会人数 100 的半数，依规则集）");
    assert_eq!(m.items[0].reason.zh, "同意罢免票 51，超过应到会人数 100 的半数，罢免");
    assert_eq!(m.items[1].reason.en, "50 votes to recall, not more than half of the 100 expected: not recalled");
    let json = serde_json::to_value(&res).unwrap();
    assert_eq!(json["contests"][0]["type"], "recall");
    assert_eq!(json["contests"][0]["items"][0]["for"], 51);
}

#[test]
fn recall_counted_from_present_where_the_ruleset_says_so() {
    // Present 84: more than half is 43 and up; 李娜's 50 now recalls, 刘刚's 40 does not.
    let (poll, cc) = recall_poll();
    let mut r = ruleset("township-2020");
    r.recall.base = crate::ruleset::Base::Present;
    let res = count(&poll, &figures(100, 84, 84, 84, 0, vec![cc.clone()]), &r).unwrap();
    assert_eq!(recalled(&res), (43, vec![true, true, false]));
    // Two thirds of expected 100: at least 67; nobody.
    r.recall = crate::ruleset::RecallRule {
        base: crate::ruleset::Base::Expected,
        threshold: Threshold::AtLeast(Fraction::new(2, 3).unwrap()),
    };
    let res = count(&poll, &figures(100, 84, 84, 84, 0, vec![cc]), &r).unwrap();
    assert_eq!(recalled(&res), (67, vec![false, false, false]));
}

#[test]
fn recall_without_quorum_decides_nothing_and_bad_rows_are_errors() {
    // Present 79 of 100: 79·5 = 395 < 400, no quorum, the poll is void.
    let (poll, mut cc) = recall_poll();
    cc.totals = vec![vec![79, 0, 0]; 3];
    let res = count(&poll, &figures(100, 79, 79, 79, 0, vec![cc.clone()]), &ruleset("township-2020")).unwrap();
    assert!(!res.valid);
    assert!(res.contests.is_empty());
    // A row that does not add up to the valid ballots is refused, as for a motion.
    let (poll, mut cc) = recall_poll();
    cc.totals[1] = vec![50, 30, 3];
    let err = count(&poll, &figures(100, 84, 84, 84, 0, vec![cc]), &ruleset("township-2020")).unwrap_err();
    assert!(matches!(err, CountError::ItemTotal { ref item, .. } if item == "李娜"), "{err:?}");
}

#[test]
fn the_sheet_states_a_recall_in_the_rules_words() {
    let (poll, cc) = recall_poll();
    let res = count(&poll, &figures(100, 84, 84, 84, 0, vec![cc]), &ruleset("township-2020")).unwrap();
    let zh = crate::sheet::render(&res, &crate::sheet::Heading::default(), crate::text::Lang::ZhCn);
    assert!(zh.contains("同意罢免"), "{zh}");
    assert!(zh.contains("不同意罢免"), "{zh}");
    assert!(zh.contains("王海：同意罢免票 51，超过应到会人数 100 的半数，罢免"), "{zh}");
    let en = crate::sheet::render(&res, &crate::sheet::Heading::default(), crate::text::Lang::En);
    assert!(en.contains("not recalled"), "{en}");
}
