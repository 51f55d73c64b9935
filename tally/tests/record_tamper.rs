//! Tampered records, where the attacker holds the server's signing key and re-signs
//! what it changed (and, where named, the scrutineers' and counters' keys too).
//! Each must be rejected by the verifier at the step of spec §13 that should catch it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use std::sync::OnceLock;

use hallvote_crypto::credential::Credential;
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_tally::ballot::{BallotContext, EncryptedBallot, PlainBallot, encrypt_ballot};
use hallvote_tally::record::builder::aggregate;
use hallvote_tally::record::{BoardEntry, Record, Report, Status, verify_record};
use record_common::{
    Session, Spec, clone_session, finish, fresh_credential, reseal, resign_result, rewrite_history, run, small_poll,
};

/// One 30-delegate session with two challenges, shared by the tests.
fn session() -> &'static Session {
    static S: OnceLock<Session> = OnceLock::new();
    S.get_or_init(|| {
        run(Spec { expected: 32, present: 30, contests: small_poll(), spoiled: 2, decrypting: vec![1, 3, 5], seed: 30 })
    })
}

fn check(record: &Record) -> Report {
    verify_record(&record.to_bytes(), &mut rand::rng())
}

/// The report fails first at `section`, for a reason containing `why`.
fn rejected_at(record: &Record, section: &str, why: &str) {
    let report = check(record);
    assert!(!report.ok(), "accepted:\n{report}");
    let first = report.first_failure().unwrap();
    assert_eq!(first.section, section, "\n{report}");
    assert_eq!(first.status, Status::Fail, "\n{report}");
    assert!(first.detail.contains(why), "{:?} lacks {why:?}\n{report}", first.detail);
    assert!(record_common::said_in_chinese(&report) > 0);
}

fn first_cast(r: &Record) -> usize {
    r.board.iter().position(|e| matches!(e, BoardEntry::Cast { .. })).unwrap()
}

#[test]
fn the_honest_record_verifies() {
    let s = session();
    let report = check(&s.record);
    assert!(report.ok(), "{report}");
    assert_eq!(s.record.totals, s.truth);
}

#[test]
fn a_dropped_ballot_is_caught() {
    let s = session();
    // Server key only: drop the ballot, rewrite every tree head, re-sign: the stored
    // aggregate (which the scrutineers decrypted) is no longer the sum of the board.
    let mut r = s.record.clone();
    r.board.remove(first_cast(&r));
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.9", "not the sum of the cast ballots");
    // Recomputing the aggregate too: the scrutineers' shares no longer fit it.
    r.aggregates = aggregate(&s.shape, &r.board).unwrap().iter().map(Ciphertext::to_bytes).collect();
    reseal(s, &mut r);
    rejected_at(&r, "13.10", "decryption share's proof fails");
    // Without rewriting the receipt tree heads, the board itself betrays it.
    let mut r = s.record.clone();
    r.board.remove(first_cast(&r));
    reseal(s, &mut r);
    rejected_at(&r, "13.7", "receipt tree head");
}

#[test]
fn a_duplicated_ballot_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    let copy = r.board[first_cast(&r)].clone();
    r.board.push(copy);
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.4", "serial reused");
}

#[test]
fn an_altered_ciphertext_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    let k = first_cast(&r);
    let BoardEntry::Cast { ballot, .. } = &mut r.board[k] else { unreachable!() };
    let mut b = EncryptedBallot::decode(ballot, &s.shape).unwrap();
    // Move a for-vote: swap the first two ciphertexts of the first candidate.
    b.contests[0].items[0].ciphertexts.swap(0, 1);
    *ballot = b.to_bytes();
    rewrite_history(s, &mut r);
    // Entries are counted from 1 in the words: entry k + 1 is at position k.
    rejected_at(&r, "13.5", &format!("entry {}: contest 1, item 1, option 1: the 0/1 proof", k + 1));
}

#[test]
fn a_proof_copied_from_another_ballot_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    let casts: Vec<usize> = (0..r.board.len()).filter(|&i| matches!(r.board[i], BoardEntry::Cast { .. })).collect();
    let (a, b) = (casts[0], casts[1]);
    let donor = EncryptedBallot::decode(r.board[b].ballot(), &s.shape).unwrap();
    let BoardEntry::Cast { ballot, .. } = &mut r.board[a] else { unreachable!() };
    let mut target = EncryptedBallot::decode(ballot, &s.shape).unwrap();
    // Copy the donor's whole first item, ciphertexts and proofs: valid there, not here.
    target.contests[0].items[0] = donor.contests[0].items[0].clone();
    *ballot = target.to_bytes();
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.5", &format!("entry {}: contest 1, item 1", a + 1));
}

#[test]
fn a_reused_credential_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    // A second, perfectly valid ballot under a credential already spent.
    let cred_bytes = r.board[first_cast(&r)].credential().to_vec();
    let cred = Credential::from_bytes(&cred_bytes).unwrap();
    let mut rng = rand::rng();
    let mut srng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(9);
    let key = hallvote_crypto::elgamal::PublicKey::decode(&r.ceremony.joint_key).unwrap();
    let ctx = BallotContext { election: s.election, serial: cred.serial() };
    let plain = PlainBallot::random(&s.shape, &mut srng).unwrap();
    let (ballot, _) = encrypt_ballot(&s.shape, &key, &ctx, &plain, &mut rng).unwrap();
    r.board.push(BoardEntry::Cast { credential: cred_bytes, ballot: ballot.to_bytes() });
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.4", "serial reused");
}

#[test]
fn an_altered_total_is_caught_even_when_every_signer_re_signs() {
    let s = session();
    let mut r = s.record.clone();
    r.totals[0] += 1;
    r.totals[1] -= 1;
    // Recount from the false totals and re-sign with every key: signatures hold.
    let mut s2 = Session { record: r.clone(), ..record_common::clone_session(s) };
    finish(&mut s2, &mut r);
    // The selection is counted from 1 and named as the result sheet names it.
    rejected_at(&r, "13.11", "selection 1 (选举镇党委委员: 王芳, for): the shares decrypt to");
    let report = check(&r);
    let zh = &report.step("13.11").unwrap().detail_zh;
    assert!(zh.starts_with("第 1 个计票项（选举镇党委委员：王芳，赞成）：解密份额解出 "), "{zh}");
}

#[test]
fn a_wrong_decryption_share_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    // Scrutineer 3's share of selection 0 replaced by its share of selection 1.
    r.decryptions[1].shares[0] = r.decryptions[1].shares[1];
    reseal(s, &mut r);
    rejected_at(&r, "13.10", "scrutineer 3, selection 1 (");
}

#[test]
fn an_altered_outcome_is_caught_even_when_every_signer_re_signs() {
    let s = session();
    let mut r = s.record.clone();
    // Announce the result of other totals (every candidate's for- and against-votes
    // swapped), signed by the server, every scrutineer and every counter.
    let mut fake = r.clone();
    for c in 0..3 {
        fake.totals.swap(3 * c, 3 * c + 1);
    }
    let mut s2 = Session { record: r.clone(), ..record_common::clone_session(s) };
    finish(&mut s2, &mut fake);
    assert_ne!(fake.outcome, r.outcome);
    r.outcome = fake.outcome;
    resign_result(s, &mut r);
    rejected_at(&r, "13.12", "not the one the totals give");
    // The reason names the figure and both values.
    let report = check(&r);
    let why = &report.step("13.12").unwrap().detail;
    assert!(why.contains("contest committee, candidate ") && why.contains(": recorded "), "{why}");
    assert!(why.contains(", recounted "), "{why}");
}

#[test]
fn a_missing_spoiled_ballot_is_caught() {
    let s = session();
    let mut r = s.record.clone();
    let k = r.board.iter().position(|e| matches!(e, BoardEntry::Spoiled { .. })).unwrap();
    r.board.remove(k);
    // The server re-seals the board, but the tree heads on the receipts it handed out
    // (the challenger's among them) are in the record as signed at the time.
    reseal(s, &mut r);
    rejected_at(&r, "13.7", "receipt tree head");
}

#[test]
fn unsigned_changes_are_caught_by_the_signatures() {
    let s = session();
    let mut r = s.record.clone();
    r.server_signature[0] ^= 1;
    rejected_at(&r, "13.13", "server's signature on the record");
    // A changed figure that is not re-signed: the recount differs first.
    let mut r = s.record.clone();
    r.attendance.expected += 1;
    rejected_at(&r, "13.12", "not the one the totals give");
    let mut r = s.record.clone();
    r.counter_signatures[1][5] ^= 1;
    rejected_at(&r, "13.13", "计票人2");
}

/// The last cast entry of a record (its credential was never challenged).
fn last_cast(r: &Record) -> usize {
    r.board.iter().rposition(|e| matches!(e, BoardEntry::Cast { .. })).unwrap()
}

#[test]
fn replacements_at_the_desk_verify_and_show_in_the_counts() {
    // A damaged slip handed back and cancelled (its credential never cast), and a lost
    // one replaced: one more credential in force than delegates present (spec §6.7).
    let mut s = clone_session(session());
    let mut r = s.record.clone();
    let cancelled = fresh_credential(&mut s);
    r.board.insert(0, BoardEntry::Cancelled { credential: cancelled.to_bytes() });
    r.board.insert(1, BoardEntry::Replaced);
    r.attendance.issued = r.attendance.present + 1;
    rewrite_history(&s, &mut r);
    finish(&mut s, &mut r);
    let report = check(&r);
    assert!(report.ok(), "{report}");
    let step = report.step("13.4").unwrap();
    assert!(step.detail.contains("1 cancelled, none cast"), "{}", step.detail);
    let step = report.step("13.8").unwrap();
    assert!(step.detail.contains("replaced: 1 damaged and cancelled, 1 lost"), "{}", step.detail);
    // Without the replacement entry, one more issued than present is impossible.
    let mut r2 = r.clone();
    r2.board.remove(1);
    rewrite_history(&s, &mut r2);
    rejected_at(&r2, "13.8", "more issued than present");
}

#[test]
fn a_cancelled_credential_among_the_cast_ballots_is_caught() {
    let s = session();
    // The cancellation before the cast: the cast of a cancelled credential.
    let mut r = s.record.clone();
    let at = last_cast(&r);
    let credential = r.board[at].credential().to_vec();
    r.board.insert(0, BoardEntry::Cancelled { credential: credential.clone() });
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.4", "cancelled at entry 1 (replaced at the desk) and then was cast");
    assert!(check(&r).first_failure().unwrap().detail.contains(&format!("entry {}", at + 2)));
    // After the cast: a cast credential cannot be cancelled (and the cast still counts).
    let mut r = s.record.clone();
    r.board.push(BoardEntry::Cancelled { credential });
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.4", "a cast credential cannot be cancelled");
    // A spoiled ballot after the cancellation of its credential.
    let mut r = s.record.clone();
    let spoiled = r.board.iter().position(|e| matches!(e, BoardEntry::Spoiled { .. })).unwrap();
    r.board.insert(spoiled, BoardEntry::Cancelled { credential: r.board[spoiled].credential().to_vec() });
    rewrite_history(s, &mut r);
    rejected_at(&r, "13.4", "and then was challenged");
}

#[test]
fn a_cancellation_twice_or_forged_is_caught() {
    let mut s = clone_session(session());
    let cancelled = fresh_credential(&mut s).to_bytes();
    let mut r = s.record.clone();
    r.board.push(BoardEntry::Cancelled { credential: cancelled.clone() });
    r.board.push(BoardEntry::Cancelled { credential: cancelled.clone() });
    rewrite_history(&s, &mut r);
    rejected_at(&r, "13.4", "one credential cancelled twice");
    // A cancelled credential that is not the poll's.
    let mut forged = cancelled;
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let mut r = s.record.clone();
    r.board.push(BoardEntry::Cancelled { credential: forged });
    rewrite_history(&s, &mut r);
    rejected_at(&r, "13.4", "not signed by the poll's credential key");
}
