//! Completeness, soundness-against-tampering and context binding of every proof (spec §4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use curve25519_dalek::scalar::Scalar;
use hallvote_crypto::elgamal::{Ciphertext, PublicKey, encrypt};
use hallvote_crypto::group::{Element, SecretScalar};
use hallvote_crypto::proofs::equality::{EqualityProof, EqualityStatement};
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::{BatchVerifier, RangeProof, SchnorrProof};
use hallvote_crypto::{UsageError, VerifyError};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn key(rng: &mut StdRng) -> PublicKey {
    PublicKey::new(SecretScalar::random(rng).public()).unwrap()
}

fn range_fixture(m: u64, lo: u64, hi: u64, seed: u64) -> (PublicKey, Ciphertext, RangeProof) {
    let mut rng = StdRng::seed_from_u64(seed);
    let y = key(&mut rng);
    let (c, r) = encrypt(&y, m, &mut rng);
    let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo, hi };
    let proof = RangeProof::prove(&st, m, &r, &mut rng).unwrap();
    (y, c, proof)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn range_proofs_are_complete(lo in 0u64..4, width in 0u64..6, pick in 0u64..6, seed in any::<u64>()) {
        let hi = lo + width;
        let m = lo + pick % (width + 1);
        let (y, c, proof) = range_fixture(m, lo, hi, seed);
        let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo, hi };
        prop_assert!(proof.verify(&st).is_ok());
        let bytes = proof.to_bytes();
        prop_assert_eq!(bytes.len(), 128 * (width as usize + 1));
        prop_assert_eq!(RangeProof::decode(&bytes, width as usize + 1).unwrap(), proof.clone());
        let mut rng = StdRng::seed_from_u64(seed ^ 9);
        let mut batch = BatchVerifier::new();
        proof.queue(&st, &mut batch, &mut rng).unwrap();
        prop_assert!(batch.verify().is_ok());
    }
}

#[test]
fn a_value_outside_the_range_cannot_be_proved() {
    let mut rng = StdRng::seed_from_u64(1);
    let y = key(&mut rng);
    let (c, r) = encrypt(&y, 2, &mut rng);
    let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo: 0, hi: 1 };
    assert_eq!(RangeProof::prove(&st, 2, &r, &mut rng), Err(UsageError::Range));
    // Claiming 1 for a ciphertext of 2 gives a proof that does not verify.
    let forged = RangeProof::prove(&st, 1, &r, &mut rng).unwrap();
    assert!(forged.verify(&st).is_err());
    let mut batch = BatchVerifier::new();
    if forged.queue(&st, &mut batch, &mut rng).is_ok() {
        assert_eq!(batch.verify(), Err(VerifyError::Batch));
    }
}

/// Changing any byte of an encoded proof makes it fail to decode or to verify.
#[test]
fn every_byte_of_a_range_proof_is_checked() {
    let (y, c, proof) = range_fixture(1, 0, 1, 2);
    let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo: 0, hi: 1 };
    let bytes = proof.to_bytes();
    let mut verified = 0;
    for i in 0..bytes.len() {
        for bit in [0u8, 7] {
            let mut t = bytes.clone();
            t[i] ^= 1 << bit;
            if let Ok(p) = RangeProof::decode(&t, 2) {
                verified += 1;
                assert!(p.verify(&st).is_err(), "byte {i} bit {bit} went unnoticed");
                let mut rng = StdRng::seed_from_u64(i as u64);
                let mut batch = BatchVerifier::new();
                if p.queue(&st, &mut batch, &mut rng).is_ok() {
                    assert!(batch.verify().is_err(), "byte {i} bit {bit} passed the batch");
                }
            }
        }
    }
    // Many flips leave a canonical encoding (every scalar, about half the elements):
    // the verifier, not only the decoder, must have been what refused them.
    assert!(verified >= bytes.len() / 4, "only {verified} of {} tampered proofs decoded", 2 * bytes.len());
}

/// Each field of each branch, changed to another valid value, is caught.
#[test]
fn every_field_of_a_range_proof_is_checked() {
    let (y, c, proof) = range_fixture(2, 0, 3, 3);
    let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo: 0, hi: 3 };
    for j in 0..proof.branches.len() {
        let mutations: [fn(&mut hallvote_crypto::proofs::range::Branch); 4] = [
            |b| b.a = Element::new(b.a.point() + hallvote_crypto::group::G),
            |b| b.b = Element::new(b.b.point() + hallvote_crypto::group::G),
            |b| b.c += Scalar::ONE,
            |b| b.z += Scalar::ONE,
        ];
        for (f, mutate) in mutations.iter().enumerate() {
            let mut bad = proof.clone();
            mutate(&mut bad.branches[j]);
            assert!(bad.verify(&st).is_err(), "branch {j} field {f}");
        }
    }
    // Shifting challenge weight between branches keeps the sum but breaks the equations.
    let mut bad = proof.clone();
    bad.branches[0].c += Scalar::ONE;
    bad.branches[1].c -= Scalar::ONE;
    assert_eq!(bad.verify(&st), Err(VerifyError::Equation));
    // Dropping a branch is a shape error.
    let mut bad = proof.clone();
    bad.branches.pop();
    assert_eq!(bad.verify(&st), Err(VerifyError::Shape));
}

/// The weak Fiat–Shamir attack: a valid proof moved to another context or
/// statement must fail (spec §2.3).
#[test]
fn a_range_proof_is_bound_to_its_context_and_statement() {
    let (y, c, proof) = range_fixture(1, 0, 1, 4);
    let mut rng = StdRng::seed_from_u64(5);
    let other_key = key(&mut rng);
    let (other_c, _) = encrypt(&y, 1, &mut rng);
    let swapped = Ciphertext { a: c.b, b: c.a };
    let cases: Vec<(&str, RangeStatement<'_>)> = vec![
        ("context", RangeStatement { ctx: b"other ballot", key: &y, ciphertext: &c, lo: 0, hi: 1 }),
        ("key", RangeStatement { ctx: b"ctx", key: &other_key, ciphertext: &c, lo: 0, hi: 1 }),
        ("ciphertext", RangeStatement { ctx: b"ctx", key: &y, ciphertext: &other_c, lo: 0, hi: 1 }),
        ("swapped ciphertext", RangeStatement { ctx: b"ctx", key: &y, ciphertext: &swapped, lo: 0, hi: 1 }),
        ("range", RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo: 1, hi: 2 }),
    ];
    for (what, st) in cases {
        assert!(proof.verify(&st).is_err(), "moved to another {what}");
    }
    let ok = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &c, lo: 0, hi: 1 };
    proof.verify(&ok).unwrap();
}

#[test]
fn a_batch_with_one_bad_proof_fails_and_one_by_one_finds_it() {
    let mut rng = StdRng::seed_from_u64(6);
    let y = key(&mut rng);
    let items: Vec<_> = (0..30)
        .map(|i| {
            let m = i % 2;
            let (c, r) = encrypt(&y, m, &mut rng);
            let ctx = format!("selection {i}").into_bytes();
            let st = RangeStatement { ctx: &ctx, key: &y, ciphertext: &c, lo: 0, hi: 1 };
            let p = RangeProof::prove(&st, m, &r, &mut rng).unwrap();
            (ctx, c, p)
        })
        .collect();
    let run = |items: &[(Vec<u8>, Ciphertext, RangeProof)], rng: &mut StdRng| {
        let mut batch = BatchVerifier::new();
        for (ctx, c, p) in items {
            p.queue(&RangeStatement { ctx, key: &y, ciphertext: c, lo: 0, hi: 1 }, &mut batch, rng)?;
        }
        batch.verify()
    };
    run(&items, &mut rng).unwrap();
    let mut bad = items.clone();
    // A ciphertext replaced after proving: challenge check or equations fail.
    bad[17].1 = items[3].1;
    assert!(run(&bad, &mut rng).is_err());
    let culprits: Vec<usize> = bad
        .iter()
        .enumerate()
        .filter(|(_, (ctx, c, p))| p.verify(&RangeStatement { ctx, key: &y, ciphertext: c, lo: 0, hi: 1 }).is_err())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(culprits, vec![17]);
}

#[test]
fn equality_proof_every_field_and_context() {
    let mut rng = StdRng::seed_from_u64(7);
    let x = SecretScalar::random(&mut rng);
    let big_x = x.public();
    let base = Element::new(SecretScalar::random(&mut rng).public().point() * Scalar::from(3u64));
    let d = Element::new(x.expose() * base.point());
    let st = EqualityStatement { ctx: b"ctx", x: &big_x, base: &base, d: &d };
    let proof = EqualityProof::prove(&st, &x, &mut rng);
    proof.verify(&st).unwrap();
    let bytes = proof.to_bytes();
    let mut verified = 0;
    for i in 0..bytes.len() {
        let mut t = bytes;
        t[i] ^= 1;
        if let Ok(p) = EqualityProof::decode(&t) {
            verified += 1;
            assert!(p.verify(&st).is_err(), "byte {i}");
        }
    }
    assert!(verified >= bytes.len() / 4, "only {verified} of {} tampered proofs decoded", bytes.len());
    let wrong_d = Element::new(d.point() + hallvote_crypto::group::G);
    assert!(proof.verify(&EqualityStatement { d: &wrong_d, ..st }).is_err());
    assert!(proof.verify(&EqualityStatement { ctx: b"other", ..st }).is_err());
    assert!(proof.verify(&EqualityStatement { base: &big_x, ..st }).is_err());
    let mut batch = BatchVerifier::new();
    proof.queue(&st, &mut batch, &mut rng);
    batch.verify().unwrap();
    let mut batch = BatchVerifier::new();
    proof.queue(&EqualityStatement { d: &wrong_d, ..st }, &mut batch, &mut rng);
    assert_eq!(batch.verify(), Err(VerifyError::Batch));
}

#[test]
fn schnorr_every_byte_and_batch() {
    let mut rng = StdRng::seed_from_u64(8);
    let x = SecretScalar::random(&mut rng);
    let public = x.public();
    let proof = SchnorrProof::prove(b"ctx", &x, &public, &mut rng);
    let bytes = proof.to_bytes();
    let mut verified = 0;
    for i in 0..bytes.len() {
        for bit in [0u8, 7] {
            let mut t = bytes;
            t[i] ^= 1 << bit;
            if let Ok(p) = SchnorrProof::decode(&t) {
                verified += 1;
                assert!(p.verify(b"ctx", &public).is_err(), "byte {i} bit {bit}");
            }
        }
    }
    // Bit 7 of a scalar's or an element's last byte makes it non-canonical (refused by
    // the decoder); flips of bit 0 mostly decode and must be refused by the verifier.
    assert!(verified >= bytes.len() / 4, "only {verified} of {} tampered proofs decoded", 2 * bytes.len());
    let mut batch = BatchVerifier::new();
    proof.queue(b"ctx", &public, &mut batch, &mut rng);
    batch.verify().unwrap();
    let mut batch = BatchVerifier::new();
    proof.queue(b"ctx!", &public, &mut batch, &mut rng);
    assert_eq!(batch.verify(), Err(VerifyError::Batch));
}

#[test]
fn decoding_is_strict() {
    let (_, _, proof) = range_fixture(0, 0, 1, 9);
    let bytes = proof.to_bytes();
    assert!(RangeProof::decode(&bytes[..bytes.len() - 1], 2).is_err());
    assert!(RangeProof::decode(&[bytes.clone(), vec![0]].concat(), 2).is_err());
    assert!(RangeProof::decode(&bytes, 3).is_err());
    assert!(RangeProof::decode(&[], 0).is_err());
    // A scalar ≥ ℓ in the response position is refused, not reduced.
    let mut t = bytes.clone();
    t[96..128].copy_from_slice(&[0xff; 32]);
    assert!(RangeProof::decode(&t, 2).is_err());
    assert!(SchnorrProof::decode(&[0; 63]).is_err());
    assert!(EqualityProof::decode(&[0; 97]).is_err());
}
