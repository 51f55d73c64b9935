//! Encrypted ballots: building, verifying, encoding, opening, and forgeries (spec §10).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey, decrypt_to_point, encrypt, encrypt_point};
use hallvote_crypto::group::SecretScalar;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::writein::{WriteInRowStatement, WriteInRowWitness};
use hallvote_crypto::proofs::{RangeProof, WriteInRowProof};
use hallvote_crypto::writein::{decode_name, encode_name};
use hallvote_tally::ballot::{
    BallotContext, BallotError, BallotShape, BallotVerifier, Cap, ContestShape, EncryptedBallot, EncryptedWriteIn,
    ItemShape, Opening, PlainBallot, ShapeError, TrackingCode, WriteInRule, check_opening, encrypt_ballot,
    write_in_slots,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// An election of 4 candidates for 2 seats (for / against / abstain) and one motion.
fn shape() -> BallotShape {
    BallotShape {
        contests: vec![
            ContestShape { items: vec![ItemShape::one_of(3); 4], cap: Some(Cap { option: 0, max: 2 }), write_in: None },
            ContestShape { items: vec![ItemShape::one_of(3)], cap: None, write_in: None },
        ],
    }
}

fn marks(choices: &[&[usize]]) -> PlainBallot {
    PlainBallot {
        marks: choices
            .iter()
            .map(|items| items.iter().map(|&o| (0..3).map(|k| u8::from(k == o)).collect()).collect())
            .collect(),
        write_ins: Default::default(),
    }
}

fn setup(seed: u64) -> (StdRng, PublicKey, BallotContext) {
    let mut rng = StdRng::seed_from_u64(seed);
    let key = PublicKey::new(SecretScalar::random(&mut rng).public()).unwrap();
    let ctx = BallotContext { election: [7; 64], serial: [9; 32] };
    (rng, key, ctx)
}

#[test]
fn a_valid_ballot_verifies_and_round_trips() {
    let (mut rng, key, ctx) = setup(1);
    let shape = shape();
    let plain = marks(&[&[0, 1, 0, 2], &[0]]);
    let (ballot, opening) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    let v = BallotVerifier::new(&shape, &key);
    v.verify(&ctx, &ballot, &mut rng).unwrap();
    v.verify_one_by_one(&ctx, &ballot).unwrap();
    let bytes = ballot.to_bytes();
    assert_eq!(EncryptedBallot::decode(&bytes, &shape).unwrap(), ballot);
    assert_eq!(check_opening(&shape, &key, &ballot, &opening).unwrap(), plain);
    let opened = Opening::decode(&opening.to_bytes(), &shape).unwrap();
    assert_eq!(check_opening(&shape, &key, &ballot, &opened).unwrap(), plain);
    assert_eq!(TrackingCode::of(&ctx, &bytes), TrackingCode::of(&ctx, &ballot.to_bytes()));
}

#[test]
fn an_over_vote_cannot_be_built() {
    let (mut rng, key, ctx) = setup(2);
    let err = encrypt_ballot(&shape(), &key, &ctx, &marks(&[&[0, 0, 0, 1], &[1]]), &mut rng).unwrap_err();
    assert_eq!(err, BallotError::Marks(ShapeError::OverVote { contest: 0, marks: 3, max: 2 }));
    // Two marks on one item, or none where one is required.
    let mut double = marks(&[&[0, 1, 1, 1], &[1]]);
    double.marks[0][0][1] = 1;
    assert!(matches!(
        encrypt_ballot(&shape(), &key, &ctx, &double, &mut rng),
        Err(BallotError::Marks(ShapeError::ItemMarks { contest: 0, item: 0, marks: 2, .. }))
    ));
    let mut blank = marks(&[&[0, 1, 1, 1], &[1]]);
    blank.marks[1][0] = vec![0, 0, 0];
    assert!(encrypt_ballot(&shape(), &key, &ctx, &blank, &mut rng).is_err());
}

/// A booth that lies in the cap proof (three for-votes claimed as two) is caught.
#[test]
fn a_forged_over_vote_fails_verification() {
    let (mut rng, key, ctx) = setup(3);
    let loose = BallotShape {
        contests: vec![
            ContestShape { items: vec![ItemShape::one_of(3); 4], cap: Some(Cap { option: 0, max: 4 }), write_in: None },
            ContestShape { items: vec![ItemShape::one_of(3)], cap: None, write_in: None },
        ],
    };
    let plain = marks(&[&[0, 0, 0, 1], &[1]]);
    let (mut ballot, opening) = encrypt_ballot(&loose, &key, &ctx, &plain, &mut rng).unwrap();
    let fors: Vec<Ciphertext> = ballot.contests[0].items.iter().map(|i| i.ciphertexts[0]).collect();
    let nonce = Nonce::sum(opening.nonces[0].iter().map(|n| &n[0]));
    let sum = Ciphertext::sum(&fors);
    let cap_ctx = ctx.cap(0);
    let st = RangeStatement { ctx: &cap_ctx, key: &key, ciphertext: &sum, lo: 0, hi: 2 };
    ballot.contests[0].cap_proof = Some(RangeProof::prove(&st, 2, &nonce, &mut rng).unwrap());
    let strict = shape();
    let v = BallotVerifier::new(&strict, &key);
    let err = v.verify(&ctx, &ballot, &mut rng).unwrap_err();
    assert!(matches!(err, BallotError::Proof { contest: 0, item: None, option: None, .. }), "{err:?}");
    // And the forged ballot still encodes as a strict-shape ballot, so it is the
    // proof, not the decoder, that stops it.
    assert!(EncryptedBallot::decode(&ballot.to_bytes(), &strict).is_ok());
}

#[test]
fn a_ballot_moved_to_another_credential_or_election_fails() {
    let (mut rng, key, ctx) = setup(4);
    let shape = shape();
    let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &marks(&[&[0, 1, 2, 2], &[2]]), &mut rng).unwrap();
    let v = BallotVerifier::new(&shape, &key);
    for other in [BallotContext { serial: [8; 32], ..ctx }, BallotContext { election: [6; 64], ..ctx }] {
        assert!(v.verify(&other, &ballot, &mut rng).is_err());
        assert!(v.verify_one_by_one(&other, &ballot).is_err());
    }
    // Swapping two selections' ciphertexts and proofs within a ballot fails too.
    let mut swapped = ballot.clone();
    swapped.contests[0].items.swap(0, 1);
    assert!(v.verify(&ctx, &swapped, &mut rng).is_err());
}

/// Every byte of the encoded ballot is either rejected by the decoder or by verification.
#[test]
fn every_byte_of_a_ballot_is_checked() {
    let (mut rng, key, ctx) = setup(5);
    let shape = BallotShape {
        contests: vec![ContestShape {
            items: vec![ItemShape::one_of(2); 2],
            cap: Some(Cap { option: 0, max: 1 }),
            write_in: None,
        }],
    };
    let plain = PlainBallot::marks(vec![vec![vec![1, 0], vec![0, 1]]]);
    let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    let bytes = ballot.to_bytes();
    let v = BallotVerifier::new(&shape, &key);
    let mut verified = 0;
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x04;
        if let Ok(b) = EncryptedBallot::decode(&t, &shape) {
            verified += 1;
            assert!(v.verify(&ctx, &b, &mut rng).is_err(), "byte {i} went unnoticed");
        }
    }
    // Most flips leave canonical encodings: the verifier must have refused them, not
    // only the decoder.
    assert!(verified >= bytes.len() / 4, "only {verified} of {} tampered ballots decoded", bytes.len());
    assert!(EncryptedBallot::decode(&bytes[..bytes.len() - 1], &shape).is_err());
    assert!(EncryptedBallot::decode(&[bytes.clone(), vec![0]].concat(), &shape).is_err());
}

#[test]
fn a_wrong_opening_is_caught() {
    let (mut rng, key, ctx) = setup(6);
    let shape = shape();
    let (ballot, opening) = encrypt_ballot(&shape, &key, &ctx, &marks(&[&[0, 1, 2, 2], &[1]]), &mut rng).unwrap();
    // A booth that shows the delegate "for" on candidate 2 but encrypted "against".
    let mut lie = opening.clone();
    lie.plain.marks[0][1] = vec![1, 0, 0];
    lie.plain.marks[0][0] = vec![0, 1, 0];
    assert!(matches!(check_opening(&shape, &key, &ballot, &lie), Err(BallotError::Opening { contest: 0, .. })));
    let mut bad_nonce = opening.clone();
    bad_nonce.nonces[1][0][2] =
        Nonce::from_revealed(bad_nonce.nonces[1][0][2].reveal() + curve25519_dalek::Scalar::ONE);
    assert!(check_opening(&shape, &key, &ballot, &bad_nonce).is_err());
}

/// An election of 4 candidates for 3 seats that takes write-ins (R9), and a motion.
fn write_in_shape() -> BallotShape {
    BallotShape {
        contests: vec![
            ContestShape {
                items: vec![ItemShape::one_of(3); 4],
                cap: Some(Cap { option: 0, max: 3 }),
                write_in: Some(WriteInRule { against: 1 }),
            },
            ContestShape { items: vec![ItemShape::one_of(3)], cap: None, write_in: None },
        ],
    }
}

/// Marks with write-ins: `(contest, item, name)`.
fn with_names(choices: &[&[usize]], names: &[(usize, usize, &str)]) -> PlainBallot {
    let mut plain = marks(choices);
    plain.write_ins = names.iter().map(|&(c, i, n)| ((c, i), n.to_owned())).collect();
    plain
}

/// The names in a ballot's slots, decrypted with the election secret (as the mix's
/// decryption would, without the shuffle).
fn decrypted_names(secret: &SecretScalar, shape: &BallotShape, ballot: &EncryptedBallot) -> Vec<(usize, Vec<String>)> {
    write_in_slots(shape, ballot)
        .unwrap()
        .into_iter()
        .map(|c| {
            let names =
                c.rows.iter().map(|slot| decode_name(&slot.map(|ct| decrypt_to_point(secret, &ct))).unwrap()).collect();
            (c.contest, names)
        })
        .collect()
}

/// A name from a list, a free name with a character outside the BMP and a middle
/// dot, an empty row marked against, and a row marked for: all verify, encode,
/// decode and open, and the slots hold exactly the names written.
#[test]
fn write_ins_encrypt_verify_and_round_trip() {
    let (mut rng, key, ctx) = setup(11);
    let secret = SecretScalar::random(&mut StdRng::seed_from_u64(11));
    assert_eq!(secret.public(), *key.element());
    let shape = write_in_shape();
    let plain = with_names(&[&[1, 1, 1, 0], &[2]], &[(0, 0, "王小明"), (0, 2, "𠮷田·阿依古丽")]);
    let (ballot, opening) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    assert!(ballot.contests[0].items.iter().all(|i| i.write_in.is_some()));
    assert!(ballot.contests[1].items.iter().all(|i| i.write_in.is_none()));
    let v = BallotVerifier::new(&shape, &key);
    v.verify(&ctx, &ballot, &mut rng).unwrap();
    v.verify_one_by_one(&ctx, &ballot).unwrap();
    let bytes = ballot.to_bytes();
    let decoded = EncryptedBallot::decode(&bytes, &shape).unwrap();
    assert_eq!(decoded, ballot);
    v.verify(&ctx, &decoded, &mut rng).unwrap();
    assert_eq!(
        decrypted_names(&secret, &shape, &decoded),
        vec![(0, vec!["王小明".to_owned(), String::new(), "𠮷田·阿依古丽".to_owned(), String::new()])]
    );
    assert_eq!(check_opening(&shape, &key, &ballot, &opening).unwrap(), plain);
    let opened = Opening::decode(&opening.to_bytes(), &shape).unwrap();
    assert_eq!(opened.plain, plain);
    assert_eq!(check_opening(&shape, &key, &decoded, &opened).unwrap(), plain);
    // Every row of a contest with write-ins costs the same bytes, written or empty.
    let without = encrypt_ballot(&shape, &key, &ctx, &marks(&[&[2, 2, 2, 2], &[2]]), &mut rng).unwrap().0;
    assert_eq!(without.to_bytes().len(), bytes.len());
}

/// A contest without write-ins encodes as before: the ballot of a shape without
/// write-ins is the same length and form as it always was, and has no slots.
#[test]
fn a_shape_without_write_ins_has_no_slots() {
    let (mut rng, key, ctx) = setup(12);
    let shape = shape();
    let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &marks(&[&[0, 1, 0, 2], &[0]]), &mut rng).unwrap();
    assert_eq!(write_in_slots(&shape, &ballot).unwrap(), vec![]);
    // 1 + 4 + per contest 4 + items × (1 + 3 × (64 + 256) + 128) + 1 + cap proof.
    assert_eq!(ballot.to_bytes().len(), 1 + 4 + (4 + 4 * 1089 + 1 + 3 * 128) + (4 + 1089 + 1));
    // A ballot read under the write-in shape is refused: the forms differ.
    assert!(EncryptedBallot::decode(&ballot.to_bytes(), &write_in_shape()).is_err());
    assert_eq!(write_in_slots(&write_in_shape(), &ballot), Err(BallotError::Structure("write-in presence")));
}

/// The error a tampered write-in row must give, one by one and in a batch.
fn assert_row_refused(
    shape: &BallotShape,
    key: &PublicKey,
    ctx: &BallotContext,
    ballot: &EncryptedBallot,
    item: usize,
) {
    let v = BallotVerifier::new(shape, key);
    let mut rng = StdRng::seed_from_u64(99);
    let err = v.verify_one_by_one(ctx, ballot).unwrap_err();
    assert!(matches!(err, BallotError::WriteIn { contest: 0, item: i, .. } if i == item), "{err:?}");
    assert_eq!(v.verify(ctx, ballot, &mut rng).unwrap_err(), err);
    let text = err.text();
    assert!(text.zh.contains(&format!("第 1 个事项第 {} 项的另选他人证明", item + 1)), "{}", text.zh);
    assert!(text.en.contains(&format!("contest 1, item {}: the write-in proof", item + 1)), "{}", text.en);
}

/// Every field the verifier checks, altered on its own, is refused and named: each
/// slot ciphertext, the indicator, each part of the row proof.
#[test]
fn every_write_in_field_altered_is_refused() {
    let (mut rng, key, ctx) = setup(13);
    let shape = write_in_shape();
    let plain = with_names(&[&[1, 1, 0, 2], &[2]], &[(0, 0, "王小明")]);
    let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    let name = encode_name("李四").unwrap();
    // Rows 0 (written) and 1 (against, empty) and 2 (for, empty).
    for item in 0..3 {
        fn row_of(b: &mut EncryptedBallot, item: usize) -> &mut EncryptedWriteIn {
            b.contests[0].items[item].write_in.as_mut().unwrap()
        }
        for (k, point) in name.iter().enumerate() {
            let mut t = ballot.clone();
            row_of(&mut t, item).slot[k] = encrypt_point(&key, point, &mut rng).0;
            assert_row_refused(&shape, &key, &ctx, &t, item);
            // Re-randomised: the same element, still refused (the proof binds the slot).
            let mut t = ballot.clone();
            let w = row_of(&mut t, item);
            w.slot[k] = w.slot[k].add(&encrypt(&key, 0, &mut rng).0);
            assert_row_refused(&shape, &key, &ctx, &t, item);
        }
        let mut t = ballot.clone();
        let w = row_of(&mut t, item);
        w.indicator = w.indicator.add(&encrypt(&key, 0, &mut rng).0);
        assert_row_refused(&shape, &key, &ctx, &t, item);
        // Each part of the proof, taken from the next row.
        let other = ballot.contests[0].items[(item + 1) % 4].write_in.clone().unwrap().proof;
        let parts: [fn(&mut WriteInRowProof, &WriteInRowProof); 8] = [
            |p, o| p.indicator = o.indicator.clone(),
            |p, o| p.against_minus_indicator = o.against_minus_indicator.clone(),
            |p, o| p.slot.empty.commitments = o.slot.empty.commitments,
            |p, o| p.slot.empty.c = o.slot.empty.c,
            |p, o| p.slot.empty.z = o.slot.empty.z,
            |p, o| p.slot.written.commitment = o.slot.written.commitment,
            |p, o| p.slot.written.c = o.slot.written.c,
            |p, o| p.slot.written.z = o.slot.written.z,
        ];
        for (n, part) in parts.iter().enumerate() {
            let mut t = ballot.clone();
            part(&mut row_of(&mut t, item).proof, &other);
            assert_ne!(t, ballot, "part {n}");
            assert_row_refused(&shape, &key, &ctx, &t, item);
        }
        // Two rows' write-ins swapped whole: each proof is bound to its row.
        let mut t = ballot.clone();
        let a = t.contests[0].items[item].write_in.take();
        t.contests[0].items[item].write_in = t.contests[0].items[3].write_in.take();
        t.contests[0].items[3].write_in = a;
        assert_row_refused(&shape, &key, &ctx, &t, item);
    }
    // A row without its write-in, or a write-in where the contest takes none.
    let mut t = ballot.clone();
    t.contests[0].items[2].write_in = None;
    assert_eq!(
        BallotVerifier::new(&shape, &key).verify_one_by_one(&ctx, &t).unwrap_err(),
        BallotError::Structure("write-in presence")
    );
    let mut t = ballot.clone();
    t.contests[1].items[0].write_in = ballot.contests[0].items[0].write_in.clone();
    assert_eq!(
        BallotVerifier::new(&shape, &key).verify_one_by_one(&ctx, &t).unwrap_err(),
        BallotError::Structure("write-in presence")
    );
}

/// Flipping a bit in each 32-byte field of the write-in part of the encoding is
/// refused by the decoder or the verifier.
#[test]
fn every_field_of_the_encoded_write_ins_is_checked() {
    let (mut rng, key, ctx) = setup(14);
    let shape = BallotShape {
        contests: vec![ContestShape {
            items: vec![ItemShape::one_of(3); 2],
            cap: Some(Cap { option: 0, max: 1 }),
            write_in: Some(WriteInRule { against: 1 }),
        }],
    };
    let plain = with_names(&[&[1, 1]], &[(0, 1, "赵六")]);
    let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    let bytes = ballot.to_bytes();
    let v = BallotVerifier::new(&shape, &key);
    // Item layout: u8 options ‖ 3 × (64 + 256) ‖ 128 sum proof ‖ 4 × 64 ‖ 1056.
    let item_len = 1 + 3 * 320 + 128 + 4 * 64 + 1056;
    assert_eq!(bytes.len(), 1 + 4 + 4 + 2 * item_len + 1 + 2 * 128);
    let (mut verified, mut fields) = (0, 0);
    for item in 0..2 {
        let start = 9 + item * item_len + 1 + 3 * 320 + 128;
        for at in (start..start + 4 * 64 + 1056).step_by(32) {
            fields += 1;
            let mut t = bytes.clone();
            t[at] ^= 0x04;
            if let Ok(b) = EncryptedBallot::decode(&t, &shape) {
                verified += 1;
                let err = v.verify_one_by_one(&ctx, &b).unwrap_err();
                assert!(
                    matches!(err, BallotError::WriteIn { contest: 0, item: i, .. } if i == item)
                        || matches!(err, BallotError::Proof { item: None, .. }),
                    "byte {at}: {err:?}"
                );
                assert!(v.verify(&ctx, &b, &mut rng).is_err(), "byte {at} went unnoticed in a batch");
            }
        }
    }
    assert!(verified >= fields / 4, "only {verified} of {fields} tampered ballots decoded");
    assert!(EncryptedBallot::decode(&bytes[..bytes.len() - 1], &shape).is_err());
}

/// A booth that writes a name beside a for-vote, with a cap proof made honestly
/// over the for-votes and indicators, is caught by the row proof (R9).
#[test]
fn a_name_beside_no_against_mark_is_refused() {
    let (mut rng, key, ctx) = setup(15);
    let shape = write_in_shape();
    // Row 2 marked for, no name: valid; then a name is forced into it.
    let plain = with_names(&[&[1, 2, 0, 2], &[2]], &[]);
    let (mut ballot, opening) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    let item = 2;
    let against = ballot.contests[0].items[item].ciphertexts[1];
    let (indicator, indicator_nonce) = encrypt(&key, 1, &mut rng);
    let points = encode_name("王小明").unwrap();
    let enc: Vec<_> = points.iter().map(|p| encrypt_point(&key, p, &mut rng)).collect();
    let slot = [enc[0].0, enc[1].0, enc[2].0];
    let slot_nonces = [enc[0].1.clone(), enc[1].1.clone(), enc[2].1.clone()];
    let row_ctx = ctx.write_in(0, item);
    let statement =
        WriteInRowStatement { ctx: &row_ctx, key: &key, against: &against, indicator: &indicator, slot: &slot };
    // The witness lies: it claims the against mark.
    let witness = WriteInRowWitness {
        against: 1,
        against_nonce: &opening.nonces[0][item][1],
        written: 1,
        indicator_nonce: &indicator_nonce,
        name: &points,
        slot_nonces: &slot_nonces,
    };
    let proof = WriteInRowProof::prove(&statement, &witness, &mut rng).unwrap();
    let w = ballot.contests[0].items[item].write_in.as_mut().unwrap();
    *w = EncryptedWriteIn { slot, indicator, proof };
    // An honest cap proof over for-votes and indicators (1 for + 1 write-in ≤ 3).
    let mut capped: Vec<Ciphertext> = ballot.contests[0].items.iter().map(|i| i.ciphertexts[0]).collect();
    capped.extend(ballot.contests[0].items.iter().map(|i| i.write_in.as_ref().unwrap().indicator));
    let mut nonces: Vec<Nonce> = opening.nonces[0].iter().map(|n| n[0].clone()).collect();
    nonces.extend(
        opening.write_ins[0]
            .iter()
            .enumerate()
            .map(|(i, n)| if i == item { indicator_nonce.clone() } else { n.indicator.clone() }),
    );
    let sum = Ciphertext::sum(&capped);
    let cap_ctx = ctx.cap(0);
    let st = RangeStatement { ctx: &cap_ctx, key: &key, ciphertext: &sum, lo: 0, hi: 3 };
    ballot.contests[0].cap_proof = Some(RangeProof::prove(&st, 2, &Nonce::sum(&nonces), &mut rng).unwrap());
    assert_row_refused(&shape, &key, &ctx, &ballot, item);
    // The forged ballot is well formed: the row proof stops it, not the decoder.
    assert!(EncryptedBallot::decode(&ballot.to_bytes(), &shape).is_ok());
}

/// The cap counts write-ins: two for-votes and two names for three seats cannot be
/// built, and a booth that proves the cap on the for-votes alone (the proof a
/// contest without write-ins has) is refused at the cap proof.
#[test]
fn for_votes_and_write_ins_over_the_seats_are_refused() {
    let (mut rng, key, ctx) = setup(16);
    let shape = write_in_shape();
    let over = with_names(&[&[0, 0, 1, 1], &[2]], &[(0, 2, "张三"), (0, 3, "李四")]);
    assert_eq!(
        encrypt_ballot(&shape, &key, &ctx, &over, &mut rng).unwrap_err(),
        BallotError::Marks(ShapeError::OverVote { contest: 0, marks: 4, max: 3 })
    );
    // Built under four seats, then the cap proof redone for three on the for-votes only.
    let mut loose = write_in_shape();
    loose.contests[0].cap = Some(Cap { option: 0, max: 4 });
    let (mut ballot, opening) = encrypt_ballot(&loose, &key, &ctx, &over, &mut rng).unwrap();
    let fors: Vec<Ciphertext> = ballot.contests[0].items.iter().map(|i| i.ciphertexts[0]).collect();
    let nonce = Nonce::sum(opening.nonces[0].iter().map(|n| &n[0]));
    let sum = Ciphertext::sum(&fors);
    let cap_ctx = ctx.cap(0);
    let st = RangeStatement { ctx: &cap_ctx, key: &key, ciphertext: &sum, lo: 0, hi: 3 };
    ballot.contests[0].cap_proof = Some(RangeProof::prove(&st, 2, &nonce, &mut rng).unwrap());
    let v = BallotVerifier::new(&shape, &key);
    let err = v.verify_one_by_one(&ctx, &ballot).unwrap_err();
    assert!(matches!(err, BallotError::Proof { contest: 0, item: None, option: None, .. }), "{err:?}");
    assert!(v.verify(&ctx, &ballot, &mut rng).is_err());
    // The same over-vote proved honestly under four seats is refused under three.
    let (ballot, _) = encrypt_ballot(&loose, &key, &ctx, &over, &mut rng).unwrap();
    assert!(EncryptedBallot::decode(&ballot.to_bytes(), &shape).is_err(), "the cap proof's length is the shape's");
}

/// A spoiled ballot's opening shows the written name, and a booth that shows the
/// delegate one name but encrypted another is caught.
#[test]
fn an_opening_shows_and_checks_the_written_name() {
    let (mut rng, key, ctx) = setup(17);
    let shape = write_in_shape();
    let plain = with_names(&[&[1, 1, 2, 1], &[0]], &[(0, 0, "𠮷田"), (0, 3, "阿依古丽·买买提")]);
    let (ballot, opening) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
    let bytes = opening.to_bytes();
    let opened = Opening::decode(&bytes, &shape).unwrap();
    assert_eq!(opened.plain.write_ins, plain.write_ins);
    assert_eq!(opened.to_bytes(), bytes);
    assert_eq!(check_opening(&shape, &key, &ballot, &opened).unwrap(), plain);

    let refused = |o: &Opening| check_opening(&shape, &key, &ballot, o);
    // Another name shown in a written row.
    let mut lie = opened.clone();
    lie.plain.write_ins.insert((0, 0), "吉田".to_owned());
    assert_eq!(refused(&lie), Err(BallotError::WriteInOpening { contest: 0, item: 0 }));
    let text = refused(&lie).unwrap_err().text();
    assert!(text.zh.contains("第 1 个事项第 1 项另选他人"), "{}", text.zh);
    // A name shown in an empty row marked against; a written row shown empty.
    let mut lie = opened.clone();
    lie.plain.write_ins.insert((0, 1), "张三".to_owned());
    assert_eq!(refused(&lie), Err(BallotError::WriteInOpening { contest: 0, item: 1 }));
    let mut lie = opened.clone();
    lie.plain.write_ins.remove(&(0, 3));
    assert_eq!(refused(&lie), Err(BallotError::WriteInOpening { contest: 0, item: 3 }));
    // A wrong nonce of the indicator or of a slot element.
    let bump = |n: &Nonce| Nonce::from_revealed(n.reveal() + curve25519_dalek::Scalar::ONE);
    let mut lie = opened.clone();
    lie.write_ins[0][0].indicator = bump(&lie.write_ins[0][0].indicator);
    assert_eq!(refused(&lie), Err(BallotError::WriteInOpening { contest: 0, item: 0 }));
    for k in 0..3 {
        let mut lie = opened.clone();
        lie.write_ins[0][2].slot[k] = bump(&lie.write_ins[0][2].slot[k]);
        assert_eq!(refused(&lie), Err(BallotError::WriteInOpening { contest: 0, item: 2 }));
    }
    // The name in the encoded opening changed: the bytes decode, the check refuses.
    let at = bytes.windows("𠮷田".len()).position(|w| w == "𠮷田".as_bytes()).unwrap();
    let mut t = bytes.clone();
    t[at + 3] ^= 0x01;
    let o = Opening::decode(&t, &shape).unwrap();
    assert_eq!(refused(&o), Err(BallotError::WriteInOpening { contest: 0, item: 0 }));
    // A length past the slot, or bytes that are not UTF-8, do not decode.
    let mut t = bytes.clone();
    t[at - 1] = 90;
    assert!(Opening::decode(&t, &shape).is_err());
    let mut t = bytes.clone();
    t[at] = 0xff;
    assert!(Opening::decode(&t, &shape).is_err());
    assert!(Opening::decode(&bytes[..bytes.len() - 1], &shape).is_err());
}
