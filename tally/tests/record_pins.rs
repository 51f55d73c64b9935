//! The record is the hall's record (spec §11.4, §12.11, §13.14, §13.15): a record
//! fabricated by whoever runs the server verifies as consistent but not against the
//! fingerprint the hall wrote down; receipts and observed heads catch a board that
//! was changed after they were handed out; the share proofs catch a nonce-0 ballot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use std::sync::OnceLock;

use hallvote_crypto::credential::{CredentialSecretKey, blind, finalize, sign_blinded};
use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey, encrypt_with_nonce};
use hallvote_crypto::group::Element;
use hallvote_crypto::proofs::RangeProof;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::sign::SigningKey;
use hallvote_tally::Lang;
use hallvote_tally::ballot::{
    BallotContext, BallotShape, EncryptedBallot, EncryptedContest, EncryptedItem, PlainBallot, TrackingCode,
};
use hallvote_tally::record::builder::{aggregate, combine_totals, decrypt};
use hallvote_tally::record::receipt::head_to_text;
use hallvote_tally::record::{
    BoardEntry, Fingerprint, KeyFingerprint, Manifest, Pins, Receipt, ReceiptKind, Record, Report, Status,
    render_reports, verify_record_pinned,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use record_common::{Session, Spec, clone_session, finish, rewrite_history, run, run_with, small_poll};

fn spec(seed: u64) -> Spec {
    Spec { expected: 8, present: 6, contests: small_poll(), spoiled: 2, decrypting: vec![1, 3, 4], seed }
}

/// The genuine session: its record, and the keys of whoever runs its server.
fn genuine() -> &'static Session {
    static S: OnceLock<Session> = OnceLock::new();
    S.get_or_init(|| run(spec(41)))
}

fn check(record: &Record, pins: &Pins) -> Report {
    let report = verify_record_pinned(&record.to_bytes(), pins, &mut StdRng::seed_from_u64(9));
    record_common::said_in_chinese(&report);
    report
}

fn fingerprint(r: &Record) -> Fingerprint {
    Fingerprint::of(&r.manifest, &r.ceremony.joint_key, &r.ceremony.public_shares)
}

fn expect(f: &Fingerprint) -> Pins {
    Pins { fingerprint: Some(f.short()), ..Pins::default() }
}

/// Every step but `section` passes, and `section` fails saying `why`.
fn rejected_only_at(report: &Report, section: &str, why: &str) {
    let failed: Vec<_> = report.steps.iter().filter(|s| s.status != Status::Pass).collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0].section, section, "{report}");
    assert_eq!(failed[0].status, Status::Fail, "{report}");
    assert!(failed[0].detail.contains(why), "{report}");
}

fn first_failure(report: &Report) -> (&str, &str) {
    let f = report.first_failure().unwrap_or_else(|| panic!("accepted:\n{report}"));
    (f.section, f.detail.as_str())
}

#[test]
fn a_record_fabricated_by_the_server_is_consistent_but_not_the_halls() {
    let g = genuine();
    let seed = g.server.to_bytes();
    let cred = CredentialSecretKey::from_pkcs8_der(&g.cred_sk.to_pkcs8_der().unwrap()).unwrap();
    // Same manifest text, server key and credential key; officers, ceremony,
    // credentials and ballots of the attacker's own, decrypted and signed by them.
    let fake = run_with(spec(42), Some((SigningKey::from_bytes(&seed), cred)));
    assert_eq!(fake.manifest.server_key.to_bytes(), g.manifest.server_key.to_bytes());
    assert_eq!(fake.manifest.credential_key, g.manifest.credential_key);
    assert_ne!(fake.truth, g.truth, "the fabricated record should announce something else");

    let (real_fp, fake_fp) = (fingerprint(&g.record), fingerprint(&fake.record));
    assert_ne!(real_fp, fake_fp);

    // Without pins: consistent, with its own fingerprint, and said to be unpinned.
    let unpinned = check(&fake.record, &Pins::default());
    assert!(unpinned.ok(), "{unpinned}");
    assert!(!unpinned.pinned);
    assert_eq!(unpinned.fingerprint.as_deref(), Some(fake_fp.short().as_str()));
    let (text, ok) = render_reports(&[("fake.hvrec".into(), unpinned.clone())], false, Lang::En);
    assert!(ok);
    assert!(text.starts_with(&format!("election fingerprint 选举指纹: {fake_fp}\n")), "{text}");
    assert!(text.contains("NOT pinned") && !text.contains("未与会场核对"), "{text}");
    assert!(!text.contains("record verified"), "{text}");
    let (text, _) = render_reports(&[("fake.hvrec".into(), unpinned)], false, Lang::ZhCn);
    assert!(text.starts_with(&format!("选举指纹：{fake_fp}\n")), "{text}");
    assert!(text.contains("未与会场核对") && !text.contains("NOT pinned"), "{text}");

    // Pinned to the genuine ceremony's fingerprint: rejected at the pin step alone.
    let pinned = check(&fake.record, &expect(&real_fp));
    rejected_only_at(&pinned, "13.14", &format!("the record's election fingerprint is {fake_fp}, not {real_fp}"));
    let (text, ok) = render_reports(&[("fake.hvrec".into(), pinned.clone())], false, Lang::En);
    assert!(!ok && text.contains("RECORD REJECTED"), "{text}");
    let (text, _) = render_reports(&[("fake.hvrec".into(), pinned)], false, Lang::ZhCn);
    assert!(
        text.contains(&format!("✗ 13.14 选举指纹与密钥指纹：选举记录的选举指纹是 {fake_fp}，不是会场抄写的 {real_fp}")),
        "{text}"
    );
    assert!(text.ends_with("记录未通过核验\n"), "{text}");

    // A genuine officer's key fingerprint is not among the fabricated record's officers.
    let officer = KeyFingerprint::of(&g.manifest.scrutineers[1].key).short();
    let by_key = check(&fake.record, &Pins { officer_keys: vec![officer.clone()], ..Pins::default() });
    rejected_only_at(
        &by_key,
        "13.14",
        &format!("no scrutineer or counter of this record has the key fingerprint {officer}"),
    );

    // The genuine record passes the same pins, as people copy them.
    let copied = real_fp.short().to_lowercase().replace('-', " ");
    let pins = Pins { fingerprint: Some(copied), officer_keys: vec![officer], ..Pins::default() };
    let real = check(&g.record, &pins);
    assert!(real.ok() && real.pinned, "{real}");
    assert!(real.step("13.14").unwrap().detail.contains("监票人2"), "{real}");
    let (text, _) = render_reports(&[("real.hvrec".into(), real)], false, Lang::En);
    assert!(text.ends_with("record verified: it is the poll whose fingerprint the hall wrote down\n"), "{text}");

    // A pin that is not a fingerprint is refused as such, not as a mismatch.
    let typo = check(&g.record, &Pins { fingerprint: Some("ABCDE-FGHJK".into()), ..Pins::default() });
    rejected_only_at(&typo, "13.14", "is not a fingerprint");
}

/// The receipt the booth printed for board entry `pos`: the signed head returned
/// with it is the receipt head of size `pos + 1`.
fn receipt(s: &Session, pos: usize) -> String {
    let r = &s.record;
    let entry = &r.board[pos];
    let serial = hallvote_crypto::credential::Credential::from_bytes(entry.credential()).unwrap().serial();
    let tracking = TrackingCode::of(&BallotContext { election: s.election, serial }, entry.ballot());
    let kind = if matches!(entry, BoardEntry::Cast { .. }) { ReceiptKind::Cast } else { ReceiptKind::Spoiled };
    let head = r.receipt_heads[pos];
    assert_eq!(u64::from_be_bytes(head.head[..8].try_into().unwrap()), pos as u64 + 1);
    let receipt = Receipt { kind, fingerprint: fingerprint(r).prefix(), position: pos as u64, tracking, head };
    receipt.to_text()
}

fn receipts(s: &Session) -> Vec<String> {
    (0..s.record.board.len()).map(|p| receipt(s, p)).collect()
}

fn with_receipts(texts: &[String]) -> Pins {
    Pins { receipts: texts.to_vec(), ..Pins::default() }
}

fn spoiled_positions(r: &Record) -> Vec<usize> {
    r.board.iter().enumerate().filter(|(_, e)| matches!(e, BoardEntry::Spoiled { .. })).map(|(p, _)| p).collect()
}

#[test]
fn every_receipt_of_the_session_is_accepted() {
    let g = genuine();
    let texts = receipts(g);
    let report = check(&g.record, &with_receipts(&texts));
    assert!(report.ok(), "{report}");
    let detail = &report.step("13.15").unwrap().detail;
    assert!(detail.contains(&format!("{} receipts (6 cast, 2 challenged)", texts.len())), "{detail}");
    // And each receipt alone, through the binary.
    let dir = std::env::temp_dir().join(format!("hallvote-receipts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("poll.hvrec");
    std::fs::write(&file, g.record.to_bytes()).unwrap();
    let bin = env!("CARGO_BIN_EXE_hallvote-verify");
    let fp = fingerprint(&g.record).short();
    let out = std::process::Command::new(bin)
        .args(["--lang", "en", "--expect", &fp, "--receipt", &texts[3]])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("✓ 13.15 receipts and observed heads (1 receipts"), "{text}");
    let heads = dir.join("heads.txt");
    let lines: Vec<String> = g.record.receipt_heads.iter().map(head_to_text).collect();
    std::fs::write(&heads, format!("# seen on the hall display\n{}\n", lines.join("\n"))).unwrap();
    let out = std::process::Command::new(bin)
        .args(["--lang", "en", "--expect", &fp, "--heads"])
        .arg(&heads)
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("; {} observed heads", lines.len())), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn receipts_catch_an_entry_removed_moved_or_altered() {
    let g = genuine();
    let texts = receipts(g);
    let last_cast = g.record.board.iter().rposition(|e| matches!(e, BoardEntry::Cast { .. })).unwrap();
    let first_cast = g.record.board.iter().position(|e| matches!(e, BoardEntry::Cast { .. })).unwrap();

    // Removed: the server drops a cast ballot, recounts and rewrites every head.
    let mut s = clone_session(g);
    let mut r = s.record.clone();
    r.board.remove(last_cast);
    rewrite_history(&s, &mut r);
    let rep = check(&r, &with_receipts(&texts[last_cast..=last_cast]));
    assert_eq!(first_failure(&rep).0, "13.9", "{rep}"); // the aggregate no longer matches…
    let step = rep.step("13.15").unwrap();
    assert_eq!(step.status, Status::Fail, "{rep}"); // …and the receipt no longer fits.
    assert!(step.detail.contains("is not a continuation of the board the receipt was signed on"), "{rep}");

    // Moved: two cast entries swap places (same totals), every head rewritten.
    let (a, b) = (first_cast, last_cast);
    let mut r = s.record.clone();
    r.board.swap(a, b);
    rewrite_history(&s, &mut r);
    finish(&mut s, &mut r);
    let clean = check(&r, &Pins::default());
    assert!(clean.ok(), "moving entries changes no total, so only receipts see it:\n{clean}");
    let rep = check(&r, &with_receipts(&texts[b..=b]));
    rejected_only_at(&rep, "13.15", "is not a continuation of the board the receipt was signed on");

    // Altered: another ballot under the same credential at the same position.
    let mut r = s.record.clone();
    let BoardEntry::Cast { credential, .. } = r.board[last_cast].clone() else { panic!() };
    let BoardEntry::Cast { ballot, .. } = r.board[first_cast].clone() else { panic!() };
    r.board[last_cast] = BoardEntry::Cast { credential, ballot };
    rewrite_history(&s, &mut r);
    let rep = check(&r, &with_receipts(&texts[last_cast..=last_cast]));
    assert_eq!(rep.step("13.15").unwrap().status, Status::Fail, "{rep}");

    // A receipt of this poll whose head the record's board does not extend.
    let mut fork = s.record.clone();
    fork.board.truncate(last_cast);
    rewrite_history(&s, &mut fork);
    let rep =
        check(&fork, &Pins { heads: g.record.receipt_heads.iter().map(head_to_text).collect(), ..Pins::default() });
    assert_eq!(rep.step("13.15").unwrap().status, Status::Fail, "{rep}");
}

#[test]
fn a_spoiled_ballot_removed_with_the_heads_rewritten_is_caught_by_its_receipt() {
    let g = genuine();
    let texts = receipts(g);
    let s = clone_session(g);
    let spoiled = spoiled_positions(&s.record);
    assert_eq!(spoiled.len(), 2);
    let mut r = s.record.clone();
    r.board.remove(spoiled[0]);
    rewrite_history(&s, &mut r);
    // A spoiled ballot changes no total: the record alone is consistent…
    let alone = check(&r, &Pins::default());
    assert!(alone.ok(), "{alone}");
    // …but the delegate's challenge receipt is not on its board.
    let rep = check(&r, &with_receipts(&texts[spoiled[0]..=spoiled[0]]));
    rejected_only_at(&rep, "13.15", "is not a continuation of the board the receipt was signed on");
    // Nor is any receipt handed out after it.
    let later = check(&r, &with_receipts(&texts[spoiled[0] + 1..]));
    rejected_only_at(&later, "13.15", "");
    // A receipt for another poll names that.
    let fake = run(spec(43));
    let rep = check(&fake.record, &with_receipts(&texts[..1]));
    rejected_only_at(&rep, "13.15", "belongs to another poll");
}

#[test]
fn a_record_missing_receipt_heads_is_rejected() {
    let g = genuine();
    let s = clone_session(g);
    let mut r = s.record.clone();
    r.receipt_heads.clear();
    record_common::reseal(&s, &mut r);
    let rep = check(&r, &Pins::default());
    rejected_only_at(&rep, "13.7", "no receipt tree heads for its 8 entries");
    let mut r = s.record.clone();
    r.receipt_heads.truncate(5);
    record_common::reseal(&s, &mut r);
    let rep = check(&r, &Pins::default());
    rejected_only_at(&rep, "13.7", "cover only the first 5 of the 8 entries");
}

#[test]
fn an_identity_public_share_is_rejected() {
    let g = genuine();
    let s = clone_session(g);
    let mut r = s.record.clone();
    r.ceremony.public_shares[1] = *Element::identity().as_bytes();
    record_common::reseal(&s, &mut r);
    let rep = check(&r, &Pins::default());
    let (section, why) = first_failure(&rep);
    assert_eq!(section, "13.3");
    assert!(why.contains("scrutineer 2's public share is the identity"), "{why}");
}

/// A ballot whose every nonce is 0: `(identity, m·G)` with valid proofs. Added after
/// the decryption it leaves each aggregate's `A` as it was and moves `B`.
fn zero_nonce_ballot(shape: &BallotShape, key: &PublicKey, ctx: &BallotContext, plain: &PlainBallot) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(5);
    let zero = || Nonce::from_revealed(curve25519_dalek::scalar::Scalar::ZERO);
    let mut contests = Vec::new();
    for (c, (contest, marks)) in shape.contests.iter().zip(&plain.marks).enumerate() {
        let mut items = Vec::new();
        let (mut capped, mut capped_sum) = (Vec::new(), 0u64);
        for (i, (item, row)) in contest.items.iter().zip(marks).enumerate() {
            let mut cts = Vec::new();
            let mut proofs = Vec::new();
            for (o, &m) in row.iter().enumerate() {
                let ct = encrypt_with_nonce(key, u64::from(m), &zero());
                assert!(ct.a.is_identity());
                let sel = ctx.selection(c, i, o);
                let st = RangeStatement { ctx: &sel, key, ciphertext: &ct, lo: 0, hi: 1 };
                proofs.push(RangeProof::prove(&st, u64::from(m), &zero(), &mut rng).unwrap());
                cts.push(ct);
            }
            let sum = Ciphertext::sum(&cts);
            let marked: u64 = row.iter().map(|m| u64::from(*m)).sum();
            let ic = ctx.item(c, i);
            let st = RangeStatement {
                ctx: &ic,
                key,
                ciphertext: &sum,
                lo: u64::from(item.min_marks),
                hi: u64::from(item.max_marks),
            };
            let sum_proof = RangeProof::prove(&st, marked, &zero(), &mut rng).unwrap();
            if let Some(cap) = contest.cap {
                capped.push(cts[usize::from(cap.option)]);
                capped_sum += u64::from(row[usize::from(cap.option)]);
            }
            items.push(EncryptedItem { ciphertexts: cts, proofs, sum_proof, write_in: None });
        }
        let cap_proof = contest.cap.map(|cap| {
            let sum = Ciphertext::sum(&capped);
            let cc = ctx.cap(c);
            let st = RangeStatement { ctx: &cc, key, ciphertext: &sum, lo: 0, hi: u64::from(cap.max) };
            RangeProof::prove(&st, capped_sum, &zero(), &mut rng).unwrap()
        });
        contests.push(EncryptedContest { items, cap_proof });
    }
    EncryptedBallot { contests }.to_bytes()
}

#[test]
fn a_nonce_zero_ballot_added_after_decryption_is_caught_by_the_share_proofs() {
    let g = genuine();
    let mut s = clone_session(g);
    let mut r = s.record.clone();
    // The server mints one more credential and casts a nonce-0 ballot with it.
    let poll_id = Manifest::poll_id(&r.manifest);
    let (req, state) = blind(&s.manifest.credential_key, &poll_id, &mut s.rng).unwrap();
    let bs = sign_blinded(&s.cred_sk, &req, &mut s.rng).unwrap();
    let cred = finalize(&s.manifest.credential_key, state, &bs).unwrap();
    let key = PublicKey::decode(&r.ceremony.joint_key).unwrap();
    let ctx = BallotContext { election: s.election, serial: cred.serial() };
    let plain = PlainBallot::random(&s.shape, &mut s.rng).unwrap();
    let ballot = zero_nonce_ballot(&s.shape, &key, &ctx, &plain);
    r.board.push(BoardEntry::Cast { credential: cred.to_bytes(), ballot });
    r.attendance.present += 1;
    r.attendance.issued += 1;
    rewrite_history(&s, &mut r);
    // Aggregates recomputed; the old shares kept (the scrutineers decrypted before);
    // totals as the shares would give under the retired v1 (each old total plus the
    // new marks), outcome recounted and every signature made again.
    let aggregates = aggregate(&s.shape, &r.board).unwrap();
    for (old, new) in s.record.aggregates.iter().zip(&aggregates) {
        assert_eq!(old[..32], new.to_bytes()[..32], "A is unchanged by a nonce-0 ballot");
    }
    r.aggregates = aggregates.iter().map(Ciphertext::to_bytes).collect();
    let flat: Vec<u64> = plain.marks.iter().flatten().flatten().map(|m| u64::from(*m)).collect();
    r.totals = s.record.totals.iter().zip(&flat).map(|(t, m)| t + m).collect();
    finish(&mut s, &mut r);
    let rep = check(&r, &Pins::default());
    let (section, why) = first_failure(&rep);
    assert_eq!(section, "13.10", "{rep}");
    assert!(why.contains("the decryption share's proof fails"), "{why}");
    // Honest scrutineers decrypting the new aggregate would be accepted.
    let mut honest = r.clone();
    honest.decryptions = [1u32, 3, 4]
        .iter()
        .map(|&j| decrypt(&s.key_shares[j as usize - 1], &s.election, &s.shape, &aggregates, &mut s.rng))
        .collect();
    honest.totals =
        combine_totals(3, &s.public_shares, &s.election, &s.shape, &aggregates, &honest.decryptions, 7).unwrap();
    finish(&mut s, &mut honest);
    assert!(check(&honest, &Pins::default()).ok());
}
