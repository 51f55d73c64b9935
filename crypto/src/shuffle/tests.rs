//! Tests of the shuffle and of its proof: honest shuffles verify, and every way
//! a mixer could cheat is refused at the check the spec names (spec §18.5).
#![allow(clippy::unwrap_used)]

use super::*;
use crate::elgamal::decrypt_to_point;
use crate::group::SecretScalar;
use crate::writein::{decode_name, encrypt_name};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

const CTX: &[u8] = b"poll 7, mix 1";

/// A change made to a valid proof.
type Alteration = Box<dyn Fn(&mut ShuffleProof)>;

struct Setup {
    secret: SecretScalar,
    key: PublicKey,
    input: Vec<Row>,
    rng: StdRng,
}

fn setup(names: &[&str], seed: u64) -> Setup {
    let mut rng = StdRng::seed_from_u64(seed);
    let secret = SecretScalar::random(&mut rng);
    let key = PublicKey::new(secret.public()).unwrap();
    let input = names.iter().map(|n| encrypt_name(&key, n, &mut rng).unwrap().0.to_vec()).collect();
    Setup { secret, key, input, rng }
}

const NAMES: &[&str] = &["王小明", "", "𠮷田", "阿依古丽·买买提", "", "Li Lei"];

fn decrypt_all(secret: &SecretScalar, rows: &[Row]) -> Vec<String> {
    let mut names: Vec<String> = rows
        .iter()
        .map(|row| decode_name(&row.iter().map(|c| decrypt_to_point(secret, c)).collect::<Vec<_>>()).unwrap())
        .collect();
    names.sort();
    names
}

fn check(s: &Setup, output: &[Row], proof: &ShuffleProof) -> Result<(), VerifyError> {
    let statement = ShuffleStatement { ctx: CTX, key: &s.key, input: &s.input, output };
    proof.verify(&statement, &mut StdRng::seed_from_u64(99))
}

fn failed(check: ShuffleCheck) -> Result<(), VerifyError> {
    Err(VerifyError::Shuffle(check))
}

#[test]
fn an_honest_shuffle_verifies_and_keeps_the_names() {
    let mut s = setup(NAMES, 1);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    assert_eq!(check(&s, &output, &proof), Ok(()));
    // The one-by-one checks agree with the batch on a valid proof.
    let statement = ShuffleStatement { ctx: CTX, key: &s.key, input: &s.input, output: &output };
    assert_eq!(proof.prepare(&statement, &generators(s.input.len())).unwrap().each(), Ok(()));
    assert_eq!(decrypt_all(&s.secret, &output), decrypt_all(&s.secret, &s.input));
    // Every ciphertext is fresh: no output row equals an input row.
    for row in &output {
        assert!(s.input.iter().all(|r| r.iter().zip(row).all(|(a, b)| a.a != b.a && a.b != b.b)));
    }
}

#[test]
fn three_mixes_in_a_row_verify() {
    let mut s = setup(NAMES, 2);
    let mut list = s.input.clone();
    for turn in 0..3u8 {
        let ctx = [b"mix ".as_slice(), &[turn]].concat();
        let (output, proof) = shuffle(&ctx, &s.key, &list, &mut s.rng).unwrap();
        let statement = ShuffleStatement { ctx: &ctx, key: &s.key, input: &list, output: &output };
        assert_eq!(proof.verify(&statement, &mut s.rng), Ok(()));
        list = output;
    }
    assert_eq!(decrypt_all(&s.secret, &list), decrypt_all(&s.secret, &s.input));
}

/// Three honest turns from `s.input`: the contexts, the outputs and the proofs.
fn honest_chain(s: &mut Setup) -> (Vec<Vec<u8>>, Vec<Vec<Row>>, Vec<ShuffleProof>) {
    let (mut ctxs, mut outputs, mut proofs) = (Vec::new(), Vec::new(), Vec::new());
    let mut list = s.input.clone();
    for turn in 0..3u8 {
        let ctx = [b"mix ".as_slice(), &[turn]].concat();
        let (output, proof) = shuffle(&ctx, &s.key, &list, &mut s.rng).unwrap();
        list = output.clone();
        ctxs.push(ctx);
        outputs.push(output);
        proofs.push(proof);
    }
    (ctxs, outputs, proofs)
}

fn chain<'a>(ctxs: &'a [Vec<u8>], outputs: &'a [Vec<Row>], proofs: &'a [ShuffleProof]) -> Vec<ChainTurn<'a>> {
    ctxs.iter().zip(outputs).zip(proofs).map(|((ctx, output), proof)| ChainTurn { ctx, output, proof }).collect()
}

#[test]
fn a_chain_of_honest_turns_verifies_in_one_batch() {
    let mut s = setup(NAMES, 12);
    let (ctxs, outputs, proofs) = honest_chain(&mut s);
    let turns = chain(&ctxs, &outputs, &proofs);
    assert_eq!(verify_chain(&s.key, &s.input, &turns, &mut s.rng), Ok(()));
    assert_eq!(verify_chain(&s.key, &s.input, &turns[..1], &mut s.rng), Ok(()));
    assert_eq!(verify_chain(&s.key, &s.input, &[], &mut s.rng), Ok(()));
}

#[test]
fn a_chain_names_its_first_false_turn_and_check() {
    let mut s = setup(NAMES, 13);
    let (ctxs, mut outputs, proofs) = honest_chain(&mut s);
    // The middle turn's output with one ciphertext replaced: turn 2's t₄ fails (its
    // proof no longer matches), and turn 3, whose input it is, would verify alone.
    let replaced = encrypt_name(&s.key, "王五", &mut s.rng).unwrap();
    outputs[1][2][1] = replaced.0[1];
    let turns = chain(&ctxs, &outputs, &proofs);
    let alone = ShuffleStatement { ctx: &ctxs[1], key: &s.key, input: &outputs[0], output: &outputs[1] };
    let want = proofs[1].verify(&alone, &mut s.rng).unwrap_err();
    assert!(matches!(want, VerifyError::Shuffle(_)), "{want:?}");
    assert_eq!(verify_chain(&s.key, &s.input, &turns, &mut s.rng), Err((1, want)));
    // A proof of the wrong length in the last turn is named there, before any batch.
    let mut short = proofs.clone();
    short[2].s_hat.pop();
    let turns = chain(&ctxs, &outputs, &short);
    assert_eq!(
        verify_chain(&s.key, &s.input, &turns, &mut s.rng),
        Err((1, want)),
        "an earlier false turn is still named first"
    );
    let (ctxs, outputs, mut proofs) = honest_chain(&mut s);
    proofs[2].s_hat.pop();
    let turns = chain(&ctxs, &outputs, &proofs);
    assert_eq!(
        verify_chain(&s.key, &s.input, &turns, &mut s.rng),
        Err((2, VerifyError::Shuffle(ShuffleCheck::ProofShape)))
    );
    // A turn that swaps in the previous turn's proof is named at its first check.
    let (ctxs, outputs, mut proofs) = honest_chain(&mut s);
    proofs[2] = proofs[1].clone();
    let turns = chain(&ctxs, &outputs, &proofs);
    assert!(matches!(verify_chain(&s.key, &s.input, &turns, &mut s.rng), Err((2, VerifyError::Shuffle(_)))));
}

#[test]
fn a_single_row_and_width_one_are_shuffles_too() {
    let mut s = setup(&["𠮷"], 3);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    assert_eq!(check(&s, &output, &proof), Ok(()));
    let narrow: Vec<Row> = s.input.iter().map(|r| vec![r[0]]).chain([vec![s.input[0][1]]]).collect();
    let (output, proof) = shuffle(CTX, &s.key, &narrow, &mut s.rng).unwrap();
    let statement = ShuffleStatement { ctx: CTX, key: &s.key, input: &narrow, output: &output };
    assert_eq!(proof.verify(&statement, &mut s.rng), Ok(()));
}

#[test]
fn shuffles_of_nothing_or_ragged_rows_are_refused() {
    let mut s = setup(NAMES, 4);
    assert_eq!(shuffle(CTX, &s.key, &[], &mut s.rng).unwrap_err(), UsageError::Shuffle);
    let mut ragged = s.input.clone();
    ragged[2].pop();
    assert_eq!(shuffle(CTX, &s.key, &ragged, &mut s.rng).unwrap_err(), UsageError::Shuffle);
    let wide = vec![vec![Ciphertext::zero(); MAX_WIDTH + 1]];
    assert_eq!(shuffle(CTX, &s.key, &wide, &mut s.rng).unwrap_err(), UsageError::Shuffle);
}

#[test]
fn a_proof_is_bound_to_its_context_and_key() {
    let mut s = setup(NAMES, 5);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    let other = ShuffleStatement { ctx: b"poll 7, mix 2", key: &s.key, input: &s.input, output: &output };
    assert_eq!(proof.verify(&other, &mut s.rng), failed(ShuffleCheck::CommitmentSum));
    let key = PublicKey::new(SecretScalar::random(&mut s.rng).public()).unwrap();
    let other = ShuffleStatement { ctx: CTX, key: &key, input: &s.input, output: &output };
    assert!(proof.verify(&other, &mut s.rng).is_err());
}

/// The best a cheating mixer can do: publish `output` and prove it with the
/// honest prover for the permutation and nonces it claims.
fn cheat(s: &mut Setup, witness: &Witness, output: &[Row]) -> ShuffleProof {
    let statement = ShuffleStatement { ctx: CTX, key: &s.key, input: &s.input, output };
    prove(&statement, witness, &mut s.rng)
}

fn honest_witness(s: &mut Setup) -> (Witness, Vec<Row>) {
    let witness = Witness::random(s.input.len(), 3, &mut s.rng);
    let output = witness.apply(&s.key, &s.input);
    (witness, output)
}

#[test]
fn the_cheating_prover_is_honest_when_the_output_is() {
    let mut s = setup(NAMES, 6);
    let (witness, output) = honest_witness(&mut s);
    let proof = cheat(&mut s, &witness, &output);
    assert_eq!(check(&s, &output, &proof), Ok(()));
}

#[test]
fn a_dropped_row_is_refused() {
    let mut s = setup(NAMES, 7);
    let (mut output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    output.pop();
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::RowCount));
    // Dropping a row and filling its place with another encryption.
    let (witness, mut output) = honest_witness(&mut s);
    output[3] = encrypt_name(&s.key, "", &mut s.rng).unwrap().0.to_vec();
    let proof = cheat(&mut s, &witness, &output);
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::ReEncryption { component: 0 }));
}

#[test]
fn a_duplicated_row_is_refused() {
    let mut s = setup(NAMES, 8);
    let (witness, mut output) = honest_witness(&mut s);
    // Row 1 becomes a fresh re-encryption of the input behind row 0: one name twice, one lost.
    let source = witness.permutation[0];
    output[1] = s.input[source].iter().map(|c| c.reencrypt(&s.key, &Scalar::from(5u64))).collect();
    let proof = cheat(&mut s, &witness, &output);
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::ReEncryption { component: 0 }));
}

#[test]
fn a_replaced_ciphertext_is_refused_at_its_component() {
    let mut s = setup(NAMES, 9);
    let (witness, mut output) = honest_witness(&mut s);
    // Only the middle ciphertext of one slot is swapped for one of another name.
    let other = encrypt_name(&s.key, "张三丰", &mut s.rng).unwrap().0;
    output[2][1] = other[1];
    let proof = cheat(&mut s, &witness, &output);
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::ReEncryption { component: 1 }));
}

#[test]
fn an_output_reordered_after_the_proof_is_refused() {
    let mut s = setup(NAMES, 10);
    let (mut output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    output.swap(0, 4);
    // The output is hashed into every challenge, so the first check already fails.
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::CommitmentSum));
}

#[test]
fn wrong_permutation_commitments_are_refused() {
    let mut s = setup(NAMES, 11);
    // A commitment element replaced in a valid proof.
    let (output, mut proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    proof.commitments[2] = Element::generator();
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::CommitmentSum));
    // A commitment to a map that is not a permutation: two outputs from input 0.
    let (mut witness, output) = honest_witness(&mut s);
    let taken = witness.permutation[1];
    witness.permutation[1] = witness.permutation[0];
    let proof = cheat(&mut s, &witness, &output);
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::CommitmentSum));
    witness.permutation[1] = taken;
    // A commitment to a true permutation, but not the one the output was made with.
    let (mut witness, output) = honest_witness(&mut s);
    witness.permutation.swap(0, 1);
    let proof = cheat(&mut s, &witness, &output);
    assert_eq!(check(&s, &output, &proof), failed(ShuffleCheck::ReEncryption { component: 0 }));
}

#[test]
fn every_altered_response_is_refused_at_its_check() {
    let mut s = setup(NAMES, 12);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    let one = Scalar::ONE;
    let cases: Vec<(ShuffleCheck, Alteration)> = vec![
        (ShuffleCheck::CommitmentSum, Box::new(move |p| p.s1 += one)),
        (ShuffleCheck::ChainEnd, Box::new(move |p| p.s2 += one)),
        (ShuffleCheck::PermutationChallenge, Box::new(move |p| p.s3 += one)),
        (ShuffleCheck::ReEncryption { component: 0 }, Box::new(move |p| p.s4[0] += one)),
        (ShuffleCheck::ReEncryption { component: 2 }, Box::new(move |p| p.s4[2] += one)),
        (ShuffleCheck::ChainLink { index: 1 }, Box::new(move |p| p.s_hat[0] += one)),
        (ShuffleCheck::ChainLink { index: 6 }, Box::new(move |p| p.s_hat[5] += one)),
        (ShuffleCheck::PermutationChallenge, Box::new(move |p| p.s_prime[3] += one)),
    ];
    for (expected, alter) in cases {
        let mut bad = proof.clone();
        alter(&mut bad);
        assert_eq!(check(&s, &output, &bad), failed(expected), "{expected:?}");
    }
}

#[test]
fn every_altered_commitment_is_refused() {
    let mut s = setup(NAMES, 13);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    let g = Element::generator();
    let alterations: Vec<Alteration> = vec![
        Box::new(move |p| p.chain[2] = g),
        Box::new(move |p| p.t1 = g),
        Box::new(move |p| p.t2 = g),
        Box::new(move |p| p.t3 = g),
        Box::new(move |p| p.t4[1].0 = g),
        Box::new(move |p| p.t4[1].1 = g),
        Box::new(move |p| p.t_hat[4] = g),
    ];
    for alter in alterations {
        let mut bad = proof.clone();
        alter(&mut bad);
        // Each is hashed into the challenge c, so t₁ is the first check to fail.
        assert_eq!(check(&s, &output, &bad), failed(ShuffleCheck::CommitmentSum));
    }
}

#[test]
fn a_proof_of_the_wrong_shape_is_refused() {
    let mut s = setup(NAMES, 14);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    let mut short = proof.clone();
    short.s_prime.pop();
    assert_eq!(check(&s, &output, &short), failed(ShuffleCheck::ProofShape));
    let mut narrow = proof.clone();
    narrow.t4.pop();
    assert_eq!(check(&s, &output, &narrow), failed(ShuffleCheck::ProofShape));
    let mut ragged = output.clone();
    ragged[1].pop();
    assert_eq!(check(&s, &ragged, &proof), failed(ShuffleCheck::RowWidth));
    let empty = ShuffleStatement { ctx: CTX, key: &s.key, input: &[], output: &[] };
    assert_eq!(proof.verify(&empty, &mut s.rng), failed(ShuffleCheck::RowCount));
}

#[test]
fn the_encoding_round_trips_and_is_strict() {
    let mut s = setup(NAMES, 15);
    let (output, proof) = shuffle(CTX, &s.key, &s.input, &mut s.rng).unwrap();
    let bytes = proof.to_bytes();
    assert_eq!(bytes.len(), 32 * (5 * 6 + 3 * 3 + 6));
    assert_eq!(ShuffleProof::decode(&bytes, 6, 3).unwrap(), proof);
    assert!(matches!(ShuffleProof::decode(&bytes, 5, 3), Err(DecodeError::Length { .. })));
    assert!(matches!(ShuffleProof::decode(&bytes[1..], 6, 3), Err(DecodeError::Length { .. })));
    assert!(matches!(ShuffleProof::decode(&bytes, 0, 3), Err(DecodeError::OutOfRange { .. })));
    // A scalar ≥ ℓ (the last s'ᵢ set to all ones) and a non-canonical element.
    let mut bad = bytes.clone();
    let end = bad.len();
    bad[end - 32..].fill(0xff);
    assert_eq!(ShuffleProof::decode(&bad, 6, 3), Err(DecodeError::NonCanonicalScalar));
    let mut bad = bytes.clone();
    bad[..32].fill(0xff);
    assert_eq!(ShuffleProof::decode(&bad, 6, 3), Err(DecodeError::NonCanonicalElement));
    assert_eq!(check(&s, &output, &ShuffleProof::decode(&bytes, 6, 3).unwrap()), Ok(()));
}

#[test]
fn generators_are_fixed_and_distinct() {
    let gens = generators(64);
    let mut seen = std::collections::BTreeSet::new();
    for g in &gens {
        assert!(seen.insert(g.compress().to_bytes()));
        assert!(!g.is_identity() && *g != G);
    }
    assert_eq!(generator(3), gens[3]);
}

#[test]
fn permutations_are_permutations() {
    let mut rng = StdRng::seed_from_u64(16);
    for n in [1usize, 2, 7, 100] {
        let mut p = random_permutation(n, &mut rng);
        p.sort_unstable();
        assert_eq!(p, (0..n).collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn any_small_list_shuffles_verifiably(rows in 1usize..8, width in 1usize..4, seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let secret = SecretScalar::random(&mut rng);
        let key = PublicKey::new(secret.public()).unwrap();
        let input: Vec<Row> = (0..rows)
            .map(|i| (0..width).map(|_| crate::elgamal::encrypt(&key, i as u64, &mut rng).0).collect())
            .collect();
        let (output, proof) = shuffle(CTX, &key, &input, &mut rng).unwrap();
        let statement = ShuffleStatement { ctx: CTX, key: &key, input: &input, output: &output };
        prop_assert_eq!(proof.verify(&statement, &mut rng), Ok(()));
        prop_assert_eq!(ShuffleProof::decode(&proof.to_bytes(), rows, width).unwrap(), proof);
        let plain = |rows: &[Row]| {
            let mut v: Vec<Vec<[u8; 32]>> = rows
                .iter()
                .map(|r| r.iter().map(|c| decrypt_to_point(&secret, c).compress().to_bytes()).collect())
                .collect();
            v.sort();
            v
        };
        prop_assert_eq!(plain(&output), plain(&input));
    }
}
