//! Encrypted ballots: building, verifying, encoding, opening, and forgeries (spec §10).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::elgamal::decrypt_to_point;
use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey};
use hallvote_crypto::group::SecretScalar;
use hallvote_crypto::proofs::RangeProof;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::writein::decode_name;
use hallvote_tally::ballot::{
    BallotContext, BallotError, BallotShape, BallotVerifier, Cap, ContestShape, EncryptedBallot, ItemShape, Opening,
    PlainBallot, ShapeError, TrackingCode, WriteInRule, check_opening, encrypt_ballot, write_in_slots,
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
