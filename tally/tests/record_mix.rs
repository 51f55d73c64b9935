//! The write-in mix in the record (spec §12.12, §13.11.1–§13.11.5, ADR 0021): a
//! session whose election takes write-ins — a name from the list, a free-text name,
//! one outside the BMP (𠮷), a write-in person elected — and tampered mixes, each
//! rejected at the step that should catch it. The attacker holds the server's key
//! and re-signs what it changed (and, where named, every officer's key too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use std::sync::OnceLock;

use hallvote_crypto::elgamal::encrypt_point;
use hallvote_crypto::writein::encode_name;
use hallvote_tally::ballot::{BallotShape, PlainBallot};
use hallvote_tally::model::{Contest, ContestKind, Motion};
use hallvote_tally::record::mix::{
    MixBuilder, MixError, decode_row, list_share, mix_decrypt_context, row_bytes, shuffle_turn,
};
use hallvote_tally::record::{Record, Report, Status, verify_record};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use record_common::{MIXERS, Session, Spec, election, finish, resign_result, run_voting};

/// The names written in: one from the eligible list, one free text, one outside the BMP.
const LISTED: &str = "赵六";
const FREE: &str = "阿依古丽·买买提";
const OUTSIDE_BMP: &str = "𠮷田";

const CANDIDATES: [&str; 3] = ["王芳", "李娜", "张伟"];

fn contests() -> Vec<Contest> {
    let mut committee = election(2, &CANDIDATES);
    let ContestKind::Election(e) = &mut committee.kind else { unreachable!() };
    e.write_ins = true;
    vec![
        committee,
        Contest {
            id: "motions".into(),
            title: "表决".into(),
            kind: ContestKind::Motion(Motion { items: vec!["决议".into()], rule: None }),
        },
    ]
}

/// Delegate `d`'s ballot: 王芳 for, and for delegates 0–19 李娜 against with 赵六
/// written in (20 of 30: elected); 20–23 张伟 against with the free-text name;
/// 24–25 张伟 against with 𠮷田; the rest abstain beside the others.
fn vote(d: usize, shape: &BallotShape, rng: &mut StdRng, items: &[String]) -> PlainBallot {
    let row = |name: &str| items.iter().position(|n| n == name).unwrap();
    let mut marks: Vec<Vec<Vec<u8>>> =
        shape.contests.iter().map(|c| c.items.iter().map(|i| vec![0; usize::from(i.options)]).collect()).collect();
    for r in &mut marks[0] {
        r[2] = 1; // abstain
    }
    let mut set = |name: &str, option: usize| {
        let r = &mut marks[0][row(name)];
        r.fill(0);
        r[option] = 1;
    };
    set("王芳", 0);
    let mut plain = PlainBallot::marks(Vec::new());
    let written = match d {
        0..20 => Some(("李娜", LISTED)),
        20..24 => Some(("张伟", FREE)),
        24..26 => Some(("张伟", OUTSIDE_BMP)),
        _ => None,
    };
    if let Some((candidate, name)) = written {
        set(candidate, 1);
        plain.write_ins.insert((0, row(candidate)), name.to_owned());
    }
    marks[1][0][rng.random_range(0..3usize)] = 1;
    plain.marks = marks;
    plain
}

/// One 30-delegate session with two challenges, shared by the tests.
fn session() -> &'static Session {
    static S: OnceLock<Session> = OnceLock::new();
    S.get_or_init(|| {
        let spec =
            Spec { expected: 32, present: 30, contests: contests(), spoiled: 2, decrypting: vec![1, 3, 5], seed: 31 };
        // The ballot order of the candidates (stroke order, R7).
        let items = contests()[0].items();
        run_voting(spec, None, &mut |d, shape, rng| vote(d, shape, rng, &items))
    })
}

fn check(record: &Record) -> Report {
    verify_record(&record.to_bytes(), &mut rand::rng())
}

/// The report fails first at `section`, for a reason containing `why`.
fn rejected_at(record: &Record, section: &str, why: &str) -> Report {
    let report = check(record);
    assert!(!report.ok(), "accepted:\n{report}");
    let first = report.first_failure().unwrap();
    assert_eq!(first.section, section, "\n{report}");
    assert_eq!(first.status, Status::Fail, "\n{report}");
    assert!(first.detail.contains(why), "{:?} lacks {why:?}\n{report}", first.detail);
    assert!(record_common::said_in_chinese(&report) > 0);
    report
}

/// The server re-signs the body only (the mix is not in the result digest).
fn resign_body(s: &Session, r: &mut Record) {
    hallvote_tally::record::builder::sign_record(&s.server, r);
}

#[test]
fn the_honest_record_with_write_ins_verifies_and_elects_the_written_person() {
    let s = session();
    let r = &s.record;
    assert_eq!(r.version(), 3);
    assert_eq!(r.mixes.len(), 1);
    let m = &r.mixes[0];
    assert_eq!((m.contest, m.rows as usize), (0, 30 * 3));
    assert_eq!(m.turns.iter().map(|t| t.scrutineer).collect::<Vec<_>>(), MIXERS);
    assert_eq!(m.shares.len(), 3);
    let count = |name: &str| m.names.iter().filter(|n| *n == name).count();
    assert_eq!((count(LISTED), count(FREE), count(OUTSIDE_BMP)), (20, 4, 2));
    assert_eq!(count(""), 90 - 26);
    let report = check(r);
    assert!(report.ok(), "{report}");
    assert_eq!(report.steps.len(), 20);
    let names = report.step("13.11.4").unwrap();
    assert!(names.detail.contains("90 rows decrypted and equal to the record, 26 with a name"), "{report}");
    let counted = report.step("13.11.5").unwrap();
    assert!(counted.detail.contains("the outcome's 3 write-in persons"), "{report}");
    let result = report.result.as_ref().unwrap();
    assert!(result.elected.contains(&LISTED.to_owned()), "{:?}", result.elected);
    assert!(result.elected.contains(&"王芳".to_owned()), "{:?}", result.elected);
    assert_eq!(result.elected.len(), 2);
    // The record reads back to the same bytes, and as JSON shows the names.
    let bytes = r.to_bytes();
    assert_eq!(Record::decode(&bytes).unwrap().0.to_bytes(), bytes);
    let json = r.to_json();
    assert_eq!(json["mixes"][0]["names"].as_array().unwrap().len(), 90);
    assert_eq!(json["mixes"][0]["turns"][1]["scrutineer"], 4);
}

#[test]
fn a_shuffle_that_drops_one_row_and_duplicates_another_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    let out = &mut r.mixes[0].turns[1].output;
    out[5] = out[6];
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 2 (scrutineer 4): the proof of shuffle fails t1");
}

#[test]
fn a_shuffle_that_replaces_one_ciphertext_is_caught() {
    let s = session();
    let mut rng = StdRng::seed_from_u64(5);
    // The last mixer replaces one slot's first ciphertext by an encryption of
    // another name's element: its proof is of another output.
    let mut r = s.record.clone();
    let m = &mut r.mixes[0];
    let key = hallvote_tally::record::builder::joint_key(&r.ceremony.joint_key).unwrap();
    let mut row = decode_row(&m.turns[2].output[0]).unwrap();
    row[0] = encrypt_point(&key, &encode_name("李四").unwrap()[0], &mut rng).0;
    m.turns[2].output[0] = row_bytes(&row);
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 3 (scrutineer 1): the proof of shuffle fails t1");
    // The builder refuses the same upload as it arrives, naming the turn.
    let mut b = MixBuilder::new(s.election, key.clone(), 0, mix_input(s));
    b.add_turn(s.record.mixes[0].turns[0].clone(), &mut rng).unwrap();
    b.add_turn(s.record.mixes[0].turns[1].clone(), &mut rng).unwrap();
    assert!(matches!(b.add_turn(r.mixes[0].turns[2].clone(), &mut rng), Err(MixError::Shuffle { turn: 3, .. })));
}

/// The input list of the session's election, rebuilt from its board.
fn mix_input(s: &Session) -> Vec<hallvote_crypto::shuffle::Row> {
    let inputs = hallvote_tally::record::mix::board_mix_inputs(&s.shape, &s.record.board).unwrap();
    inputs.into_iter().next().unwrap().1
}

#[test]
fn the_builder_refuses_a_turn_that_drops_a_row_naming_the_turn_and_check() {
    let s = session();
    let mut rng = StdRng::seed_from_u64(6);
    let key = hallvote_tally::record::builder::joint_key(&s.record.ceremony.joint_key).unwrap();
    let mut b = MixBuilder::new(s.election, key.clone(), 0, mix_input(s));
    let mut dropped = s.record.mixes[0].turns[0].clone();
    dropped.output.pop();
    let err = b.add_turn(dropped, &mut rng).unwrap_err();
    assert_eq!(err, MixError::Shuffle { turn: 1, check: hallvote_crypto::ShuffleCheck::RowCount });
    // A scrutineer takes one turn only.
    b.add_turn(s.record.mixes[0].turns[0].clone(), &mut rng).unwrap();
    let (_, again) = shuffle_turn(&s.election, &key, 0, 1, MIXERS[0], b.current(), &mut rng).unwrap();
    assert_eq!(b.add_turn(again, &mut rng).unwrap_err(), MixError::Scrutineer(MIXERS[0]));
}

#[test]
fn a_wrong_permutation_proof_is_caught_at_its_turn() {
    let s = session();
    let mut rng = StdRng::seed_from_u64(7);
    let key = hallvote_tally::record::builder::joint_key(&s.record.ceremony.joint_key).unwrap();
    // Turn 2's output kept, its proof replaced by one of another shuffle of the same list.
    let mut b = MixBuilder::new(s.election, key.clone(), 0, mix_input(s));
    b.add_turn(s.record.mixes[0].turns[0].clone(), &mut rng).unwrap();
    let (_, other) = shuffle_turn(&s.election, &key, 0, 1, MIXERS[1], b.current(), &mut rng).unwrap();
    let mut r = s.record.clone();
    r.mixes[0].turns[1].proof = other.proof;
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 2 (scrutineer 4): the proof of shuffle fails t1");
    // A proof made for another turn's context (turn 3's) over the same lists.
    let mut r = s.record.clone();
    r.mixes[0].turns[1].scrutineer = 3;
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 2 (scrutineer 3)");
    // A proof cut short does not decode.
    let mut r = s.record.clone();
    r.mixes[0].turns[0].proof.truncate(32 * 20);
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 1 (scrutineer 2): the output list or the proof of shuffle is malformed");
}

/// The verifier checks all turns in one batch (spec §18.5 "Chains"); the first
/// problem in turn order is still the one named, whatever kind the later ones are.
#[test]
fn with_the_turns_checked_together_the_first_false_turn_is_named() {
    let s = session();
    // Turn 2's proof swapped for turn 3's, and turn 3's cut short: turn 2 is named.
    let mut r = s.record.clone();
    r.mixes[0].turns[1].proof = s.record.mixes[0].turns[2].proof.clone();
    r.mixes[0].turns[2].proof.truncate(32 * 20);
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 2 (scrutineer 4): the proof of shuffle fails");
    // Turn 1's proof swapped for turn 2's, and turn 3 by turn 1's scrutineer: turn 1 is named.
    let mut r = s.record.clone();
    r.mixes[0].turns[0].proof = s.record.mixes[0].turns[1].proof.clone();
    r.mixes[0].turns[2].scrutineer = r.mixes[0].turns[0].scrutineer;
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 1 (scrutineer 2): the proof of shuffle fails");
    // Turns 1 and 2 true, turn 3 by turn 1's scrutineer: named at turn 3.
    let mut r = s.record.clone();
    r.mixes[0].turns[2].scrutineer = r.mixes[0].turns[0].scrutineer;
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 3 (scrutineer 2): that scrutineer already took a turn");
    // Only the last turn false (one ciphertext of its output replaced by the one before
    // it): the batch of all three fails and turn 3 is named.
    let mut r = s.record.clone();
    let out = &mut r.mixes[0].turns[2].output;
    out[1] = out[0];
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.2", "turn 3 (scrutineer 1): the proof of shuffle fails");
}

#[test]
fn a_decryption_of_the_wrong_mixed_list_is_caught() {
    let s = session();
    let mut rng = StdRng::seed_from_u64(8);
    let key = hallvote_tally::record::builder::joint_key(&s.record.ceremony.joint_key).unwrap();
    // Scrutineer 3 decrypts the list after turn 2 (which still links names to
    // ballots through the last mixer's permutation), not the last one.
    let mut b = MixBuilder::new(s.election, key, 0, mix_input(s));
    b.add_turn(s.record.mixes[0].turns[0].clone(), &mut rng).unwrap();
    b.add_turn(s.record.mixes[0].turns[1].clone(), &mut rng).unwrap();
    let wrong = list_share(&s.key_shares[2], &s.election, 0, b.current(), &mut rng);
    let mut r = s.record.clone();
    r.mixes[0].shares[1] = wrong.clone();
    resign_body(s, &mut r);
    rejected_at(
        &r,
        "13.11.3",
        "scrutineer 3's list share: the proof fails (against the public share and the last shuffled list)",
    );
    // The builder refuses it as it arrives.
    let mut b2 = b.clone();
    b2.add_turn(s.record.mixes[0].turns[2].clone(), &mut rng).unwrap();
    assert_eq!(b2.add_share(wrong, &s.public_shares).unwrap_err(), MixError::Share(3));
    // Shares in another contest's context do not fit either.
    let last = b2.current().to_vec();
    let other = s.key_shares[2].list_decryption_share(
        &mix_decrypt_context(&s.election, 1),
        &hallvote_tally::record::mix::flatten(&last),
        &mut rng,
    );
    let mut r = s.record.clone();
    r.mixes[0].shares[1] = other.to_bytes();
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.3", "scrutineer 3's list share");
    // Two shares only: fewer than k = 3.
    let mut r = s.record.clone();
    r.mixes[0].shares.pop();
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.3", "list shares from 2 scrutineers, 3 needed");
}

#[test]
fn a_name_changed_in_the_record_is_caught_at_its_position() {
    let s = session();
    let mut r = s.record.clone();
    let row = r.mixes[0].names.iter().position(|n| n == LISTED).unwrap();
    r.mixes[0].names[row] = "李四".into();
    resign_body(s, &mut r);
    rejected_at(
        &r,
        "13.11.4",
        &format!("row {} of the mixed list: decrypts to “{LISTED}”, the record says “李四”", row + 1),
    );
}

#[test]
fn a_counted_write_in_not_in_the_decrypted_list_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    // Every officer's key: the outcome recounted with a name no ballot wrote in,
    // in place of the free-text name, and every signature made again.
    let mut fake = r.clone();
    for n in &mut fake.mixes[0].names {
        if n == FREE {
            *n = "李四".into();
        }
    }
    let mut s2 = record_common::clone_session(s);
    finish(&mut s2, &mut fake);
    r.outcome = fake.outcome;
    resign_result(s, &mut r);
    rejected_at(&r, "13.11.5", "the outcome counts the write-in “李四” (4 votes), who is not in the decrypted list");
    // A written name dropped from the count.
    let mut r = s.record.clone();
    let mut fake = r.clone();
    for n in &mut fake.mixes[0].names {
        if n == OUTSIDE_BMP {
            n.clear();
        }
    }
    finish(&mut s2, &mut fake);
    r.outcome = fake.outcome;
    resign_result(s, &mut r);
    rejected_at(&r, "13.11.5", &format!("the decrypted list gives the write-in “{OUTSIDE_BMP}” 2 votes"));
}

#[test]
fn a_mix_taken_away_or_its_input_changed_is_caught() {
    let s = session();
    // The mix removed: the record is version 2 again, but the poll takes write-ins.
    let mut r = s.record.clone();
    r.mixes.clear();
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.1", "the contests that take write-ins are contest 选举镇党委委员; the record mixes none");
    // The input digest changed.
    let mut r = s.record.clone();
    r.mixes[0].input_digest[0] ^= 1;
    resign_body(s, &mut r);
    rejected_at(&r, "13.11.1", "the mix's input list is not the write-in rows of the board's cast ballots");
}

#[test]
fn a_mix_section_decodes_strictly() {
    let s = session();
    let bytes = s.record.to_bytes();
    for cut in [bytes.len() - 1, bytes.len() / 2, bytes.len() - 2_000] {
        assert!(Record::decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Record::decode(&longer).is_err());
    // Version 2 said of a record with a mix, and version 3 of one without.
    let mut v2 = bytes.clone();
    v2[8] = 2;
    assert!(Record::decode(&v2).is_err());
    let mut plain = s.record.clone();
    plain.mixes.clear();
    let mut v3 = plain.to_bytes();
    assert_eq!(v3[8], 2);
    v3[8] = 3;
    assert!(Record::decode(&v3).is_err());
    // The report of a record that does not decode names 13.1 and skips the mix steps.
    let report = verify_record(&v2, &mut rand::rng());
    assert_eq!(report.first_failure().unwrap().section, "13.1");
    assert_eq!(report.step("13.11.2").unwrap().status, Status::Skipped);
}
