//! Writes records with a write-in mix (spec §12.12) for the independent verifier
//! (tests/independent/verify.py, steps §13.11.1–§13.11.5): an honest record of 12
//! delegates whose election takes write-ins (a listed name, a free-text name, 𠮷田)
//! beside a motion and a recall,
//! and tampered copies, each with the step that must reject it. The ballot shape of
//! the poll is written beside the records (the independent check does not read the
//! manifest's §11.2 encoding yet); everything else is read from the record's bytes.
//! `cargo run -p hallvote-tally --example export_mix_record > mix-records.json`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/record_common/mod.rs"]
mod record_common;

use hallvote_tally::ballot::{BallotShape, PlainBallot};
use hallvote_tally::model::{Contest, ContestKind, Motion, Recall};
use hallvote_tally::record::builder::{joint_key, sign_record};
use hallvote_tally::record::mix::{MixBuilder, board_mix_inputs, list_share};
use hallvote_tally::record::{Record, verify_record};
use rand::SeedableRng;
use rand::rngs::StdRng;
use record_common::{Session, Spec, clone_session, election, finish, resign_result, run_voting};
use serde_json::json;

fn contests() -> Vec<Contest> {
    let mut committee = election(2, &["王芳", "李娜", "张伟"]);
    let ContestKind::Election(e) = &mut committee.kind else { unreachable!() };
    e.write_ins = true;
    vec![
        committee,
        Contest {
            id: "motions".into(),
            title: "表决".into(),
            kind: ContestKind::Motion(Motion { items: vec!["决议".into()], rule: None }),
        },
        // A recall (outcome kind 4, a motion's layout, §12.7) beside the mix: the
        // independent check reads the outcome's contests in order to find the write-ins.
        Contest {
            id: "recall".into(),
            title: "罢免".into(),
            kind: ContestKind::Recall(Recall { members: vec!["刘强".into()] }),
        },
    ]
}

/// 王芳 for; delegates 0–6 write 赵六 beside 李娜, 7–8 the free text beside 张伟,
/// 9 writes 𠮷田 beside 张伟; the others abstain beside the rest; the motion passes;
/// delegates 0–7 vote to recall 刘强, the others not to (8 of 14 expected: recalled).
fn vote(d: usize, shape: &BallotShape, items: &[String]) -> PlainBallot {
    let row = |name: &str| items.iter().position(|n| n == name).unwrap();
    let mut marks: Vec<Vec<Vec<u8>>> =
        shape.contests.iter().map(|c| c.items.iter().map(|i| vec![0; usize::from(i.options)]).collect()).collect();
    for r in &mut marks[0] {
        r[2] = 1;
    }
    marks[1][0][0] = 1;
    marks[2][0][usize::from(d >= 8)] = 1;
    let mut set = |name: &str, option: usize| {
        let r = &mut marks[0][row(name)];
        r.fill(0);
        r[option] = 1;
    };
    set("王芳", 0);
    let written = match d {
        0..7 => Some(("李娜", "赵六")),
        7..9 => Some(("张伟", "阿依古丽·买买提")),
        9 => Some(("张伟", "𠮷田")),
        _ => None,
    };
    let mut plain = PlainBallot::marks(Vec::new());
    if let Some((candidate, name)) = written {
        set(candidate, 1);
        plain.write_ins.insert((0, row(candidate)), name.to_owned());
    }
    plain.marks = marks;
    plain
}

/// The case, after checking that the reference verifier gives the same verdict.
fn case(name: &str, record: &Record, expected: &str) -> serde_json::Value {
    let report = verify_record(&record.to_bytes(), &mut rand::rng());
    let got = report.first_failure().map_or("accepted", |s| s.section);
    assert_eq!(got, expected, "{name}:\n{report}");
    json!({ "name": name, "record": to_hex(&record.to_bytes()), "expected": expected })
}

fn main() {
    let items = contests()[0].items();
    let spec =
        Spec { expected: 14, present: 12, contests: contests(), spoiled: 1, decrypting: vec![1, 3, 5], seed: 41 };
    let s: Session = run_voting(spec, None, &mut |d, shape, _| vote(d, shape, &items));
    let mut rng = StdRng::seed_from_u64(42);
    let resign = |r: &mut Record| sign_record(&s.server, r);
    let mut cases = vec![case("honest", &s.record, "accepted")];

    let mut r = s.record.clone();
    r.mixes[0].input_digest[0] ^= 1;
    resign(&mut r);
    cases.push(case("input digest changed", &r, "13.11.1"));

    let mut r = s.record.clone();
    let out = &mut r.mixes[0].turns[1].output;
    out[2] = out[3];
    resign(&mut r);
    cases.push(case("turn 2 drops a row and duplicates another", &r, "13.11.2"));

    let key = joint_key(&s.record.ceremony.joint_key).unwrap();
    let input = board_mix_inputs(&s.shape, &s.record.board).unwrap().remove(0).1;
    let mut b = MixBuilder::new(s.election, key, 0, input);
    b.add_turn(s.record.mixes[0].turns[0].clone(), &mut rng).unwrap();
    b.add_turn(s.record.mixes[0].turns[1].clone(), &mut rng).unwrap();
    let mut r = s.record.clone();
    r.mixes[0].shares[1] = list_share(&s.key_shares[2], &s.election, 0, b.current(), &mut rng);
    resign(&mut r);
    cases.push(case("scrutineer 3 decrypts the list before the last turn", &r, "13.11.3"));

    let mut r = s.record.clone();
    let row = r.mixes[0].names.iter().position(|n| n == "赵六").unwrap();
    r.mixes[0].names[row] = "李四".into();
    resign(&mut r);
    cases.push(case("a decrypted name changed in the record", &r, "13.11.4"));

    let mut r = s.record.clone();
    let mut fake = r.clone();
    for n in &mut fake.mixes[0].names {
        if n == "𠮷田" {
            *n = "李四".into();
        }
    }
    let mut s2 = clone_session(&s);
    finish(&mut s2, &mut fake);
    r.outcome = fake.outcome;
    resign_result(&s, &mut r);
    cases.push(case("the outcome counts a write-in not in the decrypted list", &r, "13.11.5"));

    let poll = &s.manifest.poll;
    let shape: Vec<serde_json::Value> = s
        .shape
        .contests
        .iter()
        .zip(&poll.contests)
        .map(|(c, contest)| {
            let candidates = match &contest.kind {
                ContestKind::Election(_) => contest.items(),
                _ => Vec::new(),
            };
            json!({
                "id": contest.id,
                "items": c.items.iter().map(|i| json!({ "options": i.options, "min": i.min_marks, "max": i.max_marks })).collect::<Vec<_>>(),
                "cap": c.cap.map(|cap| cap.max),
                "write_ins": c.write_in.is_some(),
                "candidates": candidates,
            })
        })
        .collect();
    let doc = json!({
        "format": "hallvote-mix-records/v1",
        "spec": "§12.12, §13.11.1–§13.11.5",
        "threshold": s.manifest.threshold,
        "scrutineers": s.manifest.scrutineers.len(),
        "shape": shape,
        "cases": cases,
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap());
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
