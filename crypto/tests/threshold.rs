//! A 3-of-5 key ceremony, a 15-candidate ballot, batch verification, the
//! homomorphic sum and threshold decryption with two scrutineers absent (spec §3–§5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::VerifyError;
use hallvote_crypto::dkg::{self, CeremonyOutput, Dealer, DealerCommitments, DealerShare, Params};
use hallvote_crypto::dlog::DlogTable;
use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey, encrypt};
use hallvote_crypto::group::Element;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::{BatchVerifier, RangeProof};
use hallvote_crypto::threshold::{self, KeyShare};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const CEREMONY: &[u8] = b"ceremony: test congress, session 3";

/// Runs a ceremony; `corrupt` names a dealer whose share to scrutineer 2 is wrong.
fn ceremony(params: Params, corrupt: Option<u32>, rng: &mut StdRng) -> (CeremonyOutput, Vec<KeyShare>, Vec<u32>) {
    let n = params.participants();
    let dealers: Vec<Dealer> = (1..=n).map(|i| Dealer::new(params, i, rng).unwrap()).collect();
    let broadcasts: Vec<DealerCommitments> = dealers.iter().map(|d| d.commitments(CEREMONY, rng)).collect();
    for b in &broadcasts {
        // Every message goes over the wire as bytes.
        let b2 = DealerCommitments::decode(&b.to_bytes()).unwrap();
        b2.verify(CEREMONY, params).unwrap();
    }
    // shares[i][j] = share from dealer i+1 to recipient j+1.
    let shares: Vec<Vec<DealerShare>> = dealers
        .iter()
        .map(|d| {
            (1..=n)
                .map(|j| {
                    let s = d.share_for(j).unwrap();
                    let mut bytes = *s.to_bytes();
                    if Some(d_index(&s)) == corrupt && j == 2 {
                        bytes[39] ^= 1;
                    }
                    DealerShare::decode(&bytes).unwrap()
                })
                .collect()
        })
        .collect();
    // Each recipient checks every share; a failure is a complaint against its dealer.
    let mut complaints = Vec::new();
    for (i, row) in shares.iter().enumerate() {
        for s in row {
            if s.verify(&broadcasts[i]).is_err() {
                assert_eq!(s.verify(&broadcasts[i]), Err(VerifyError::Share));
                complaints.push(broadcasts[i].dealer);
            }
        }
    }
    let qualified: Vec<DealerCommitments> =
        broadcasts.iter().filter(|b| !complaints.contains(&b.dealer)).cloned().collect();
    let output = dkg::ceremony_output(params, &qualified).unwrap();
    let key_shares = (1..=n)
        .map(|j| {
            let received: Vec<DealerShare> = shares
                .iter()
                .filter(|row| output.qualified.contains(&row[0].dealer))
                .map(|row| row[j as usize - 1].clone())
                .collect();
            dkg::key_share(j, &received, &output).unwrap()
        })
        .collect();
    (output, key_shares, complaints)
}

fn d_index(s: &DealerShare) -> u32 {
    s.dealer
}

/// One ballot of a 15-candidate election for `seats` seats: per candidate a
/// for / against / abstain 0-or-1 selection, each item summing to 0 or 1, and
/// the for-selections summing to at most `seats`.
struct Ballot {
    selections: Vec<[Ciphertext; 3]>,
    proofs: Vec<[RangeProof; 3]>,
    item_proofs: Vec<RangeProof>,
    cap_proof: RangeProof,
}

fn ctx_for(ballot: usize, item: usize, option: usize) -> Vec<u8> {
    format!("ballot {ballot} item {item} option {option}").into_bytes()
}

fn cast(y: &PublicKey, ballot: usize, choices: &[Option<usize>], seats: u64, rng: &mut StdRng) -> Ballot {
    let mut selections = Vec::new();
    let mut proofs = Vec::new();
    let mut item_proofs = Vec::new();
    let mut for_nonces = Vec::new();
    for (item, choice) in choices.iter().enumerate() {
        let mut cts = Vec::new();
        let mut ps = Vec::new();
        let mut nonces: Vec<Nonce> = Vec::new();
        for option in 0..3 {
            let m = u64::from(*choice == Some(option));
            let (c, r) = encrypt(y, m, rng);
            let ctx = ctx_for(ballot, item, option);
            let st = RangeStatement { ctx: &ctx, key: y, ciphertext: &c, lo: 0, hi: 1 };
            ps.push(RangeProof::prove(&st, m, &r, rng).unwrap());
            cts.push(c);
            nonces.push(r);
        }
        let sum = Ciphertext::sum(&cts);
        let ctx = ctx_for(ballot, item, 99);
        let st = RangeStatement { ctx: &ctx, key: y, ciphertext: &sum, lo: 0, hi: 1 };
        item_proofs.push(RangeProof::prove(&st, u64::from(choice.is_some()), &Nonce::sum(&nonces), rng).unwrap());
        for_nonces.push(nonces[0].clone());
        selections.push([cts[0], cts[1], cts[2]]);
        proofs.push(ps.try_into().unwrap());
    }
    let fors = choices.iter().filter(|c| **c == Some(0)).count() as u64;
    let for_sum = Ciphertext::sum(selections.iter().map(|s| &s[0]));
    let ctx = ctx_for(ballot, 999, 0);
    let st = RangeStatement { ctx: &ctx, key: y, ciphertext: &for_sum, lo: 0, hi: seats };
    let cap_proof = RangeProof::prove(&st, fors, &Nonce::sum(&for_nonces), rng).unwrap();
    Ballot { selections, proofs, item_proofs, cap_proof }
}

fn queue_ballot(
    y: &PublicKey,
    index: usize,
    b: &Ballot,
    seats: u64,
    batch: &mut BatchVerifier,
    rng: &mut StdRng,
) -> Result<(), VerifyError> {
    for (item, (cts, ps)) in b.selections.iter().zip(&b.proofs).enumerate() {
        for option in 0..3 {
            let ctx = ctx_for(index, item, option);
            ps[option].queue(
                &RangeStatement { ctx: &ctx, key: y, ciphertext: &cts[option], lo: 0, hi: 1 },
                batch,
                rng,
            )?;
        }
        let ctx = ctx_for(index, item, 99);
        let sum = Ciphertext::sum(cts);
        b.item_proofs[item].queue(&RangeStatement { ctx: &ctx, key: y, ciphertext: &sum, lo: 0, hi: 1 }, batch, rng)?;
    }
    let ctx = ctx_for(index, 999, 0);
    let for_sum = Ciphertext::sum(b.selections.iter().map(|s| &s[0]));
    b.cap_proof.queue(&RangeStatement { ctx: &ctx, key: y, ciphertext: &for_sum, lo: 0, hi: seats }, batch, rng)
}

#[test]
fn three_of_five_ceremony_ballots_and_decryption_with_two_absent() {
    let mut rng = StdRng::seed_from_u64(2026);
    let params = Params::new(3, 5).unwrap();
    let (output, key_shares, complaints) = ceremony(params, None, &mut rng);
    assert!(complaints.is_empty());
    for (j, ks) in key_shares.iter().enumerate() {
        assert_eq!(ks.public(), output.public_shares[j], "public share {j} derivable from commitments");
    }
    let y = &output.joint_key;
    let (candidates, seats, voters) = (15usize, 11u64, 24usize);

    // Random valid ballots; the test keeps the plaintext counts.
    let mut expected = vec![[0u64; 3]; candidates];
    let mut ballots = Vec::new();
    for v in 0..voters {
        let mut choices = vec![None; candidates];
        let mut fors = 0;
        for (item, choice) in choices.iter_mut().enumerate() {
            let pick = rng.random_range(0..4usize);
            let pick = if pick == 0 && fors == seats { 1 } else { pick };
            if pick < 3 {
                *choice = Some(pick);
                expected[item][pick] += 1;
                fors += u64::from(pick == 0);
            }
        }
        ballots.push(cast(y, v, &choices, seats, &mut rng));
    }

    // Every proof, batched.
    let mut batch = BatchVerifier::new();
    for (i, b) in ballots.iter().enumerate() {
        queue_ballot(y, i, b, seats, &mut batch, &mut rng).unwrap();
    }
    batch.verify().unwrap();
    // And one ballot one by one.
    for (option, p) in ballots[0].proofs[0].iter().enumerate() {
        let ctx = ctx_for(0, 0, option);
        p.verify(&RangeStatement { ctx: &ctx, key: y, ciphertext: &ballots[0].selections[0][option], lo: 0, hi: 1 })
            .unwrap();
    }

    // Homomorphic sum per selection, decrypted by scrutineers 1, 3 and 5 only.
    let table = DlogTable::new(voters as u64);
    let present = [0usize, 2, 4];
    for (item, counts) in expected.iter().enumerate() {
        for (option, &count) in counts.iter().enumerate() {
            let total = Ciphertext::sum(ballots.iter().map(|b| &b.selections[item][option]));
            let ctx = format!("total {item} {option}").into_bytes();
            let shares: Vec<_> = present
                .iter()
                .map(|&j| {
                    let share = key_shares[j].decryption_share(&ctx, &total, &mut rng);
                    let share = threshold::DecryptionShare::decode(&share.to_bytes()).unwrap();
                    share.verify(&ctx, &output.public_shares[j], &total).unwrap()
                })
                .collect();
            let point = threshold::combine(&total, &shares, 3).unwrap();
            assert_eq!(table.recover(&point).unwrap(), count, "item {item} option {option}");
        }
    }
}

#[test]
fn any_three_scrutineers_decrypt_alike_and_two_cannot() {
    let mut rng = StdRng::seed_from_u64(7);
    let params = Params::new(3, 5).unwrap();
    let (output, key_shares, _) = ceremony(params, None, &mut rng);
    let (c, _) = encrypt(&output.joint_key, 42, &mut rng);
    let all: Vec<_> = key_shares
        .iter()
        .map(|k| {
            k.decryption_share(b"ctx", &c, &mut rng)
                .verify(b"ctx", &output.public_shares[k.index() as usize - 1], &c)
                .unwrap()
        })
        .collect();
    let table = DlogTable::new(100);
    for subset in [[0, 1, 2], [0, 1, 3], [1, 3, 4], [2, 3, 4], [0, 2, 4]] {
        let shares: Vec<_> = subset.iter().map(|&i| all[i].clone()).collect();
        assert_eq!(table.recover(&threshold::combine(&c, &shares, 3).unwrap()).unwrap(), 42);
    }
    assert_eq!(threshold::combine(&c, &all[..2], 3), Err(VerifyError::NotEnoughShares));
    let dup = vec![all[0].clone(), all[0].clone(), all[1].clone()];
    assert_eq!(threshold::combine(&c, &dup, 3), Err(VerifyError::NotEnoughShares));
}

#[test]
fn a_cheating_decryption_share_is_caught() {
    let mut rng = StdRng::seed_from_u64(8);
    let params = Params::new(3, 5).unwrap();
    let (output, key_shares, _) = ceremony(params, None, &mut rng);
    let (c, _) = encrypt(&output.joint_key, 5, &mut rng);
    // Scrutineer 2 answers with scrutineer 4's key: the proof cannot match its public share.
    let impostor = KeyShare::new(2, key_shares[3].secret().clone());
    let bad = impostor.decryption_share(b"ctx", &c, &mut rng);
    assert_eq!(bad.verify(b"ctx", &output.public_shares[1], &c).unwrap_err(), VerifyError::Equation);
    // A correct share whose D is altered afterwards.
    let mut altered = key_shares[1].decryption_share(b"ctx", &c, &mut rng);
    altered.d = Element::new(altered.d.point() + hallvote_crypto::group::G);
    assert!(altered.verify(b"ctx", &output.public_shares[1], &c).is_err());
    // A share made for another ciphertext or context.
    let honest = key_shares[1].decryption_share(b"ctx", &c, &mut rng);
    let (c2, _) = encrypt(&output.joint_key, 5, &mut rng);
    assert!(honest.verify(b"ctx", &output.public_shares[1], &c2).is_err());
    assert!(honest.verify(b"other", &output.public_shares[1], &c).is_err());
    // In a batch, too.
    let mut batch = BatchVerifier::new();
    bad.queue(b"ctx", &output.public_shares[1], &c, &mut batch, &mut rng);
    assert!(threshold::verify_batch(batch).is_err());
}

#[test]
fn a_share_binds_both_halves_of_the_ciphertext() {
    let mut rng = StdRng::seed_from_u64(9);
    let params = Params::new(3, 5).unwrap();
    let (output, key_shares, _) = ceremony(params, None, &mut rng);
    let (c, _) = encrypt(&output.joint_key, 5, &mut rng);
    let share = key_shares[0].decryption_share(b"ctx", &c, &mut rng);
    assert!(share.verify(b"ctx", &output.public_shares[0], &c).is_ok());
    // A ballot with nonce 0 added: A unchanged, B moved by G. Spec §5.4 v2.
    let zero = Nonce::from_revealed(curve25519_dalek::scalar::Scalar::ZERO);
    let moved = c.add(&hallvote_crypto::elgamal::encrypt_with_nonce(&output.joint_key, 1, &zero));
    assert_eq!(moved.a, c.a);
    assert_eq!(share.verify(b"ctx", &output.public_shares[0], &moved).unwrap_err(), VerifyError::Equation);
    let mut batch = BatchVerifier::new();
    share.queue(b"ctx", &output.public_shares[0], &moved, &mut batch, &mut rng);
    assert!(threshold::verify_batch(batch).is_err());
}

#[test]
fn an_identity_public_share_is_refused() {
    let mut rng = StdRng::seed_from_u64(10);
    let params = Params::new(3, 5).unwrap();
    let (output, _, _) = ceremony(params, None, &mut rng);
    let (c, _) = encrypt(&output.joint_key, 5, &mut rng);
    // With xⱼ = 0 anyone proves Dⱼ = identity; the proof is valid, the share is not.
    let null = KeyShare::new(1, hallvote_crypto::group::SecretScalar::new(curve25519_dalek::scalar::Scalar::ZERO));
    let share = null.decryption_share(b"ctx", &c, &mut rng);
    assert!(share.d.is_identity());
    let identity = Element::identity();
    assert!(share.verify(b"ctx", &identity, &c).is_err());
    let mut batch = BatchVerifier::new();
    share.queue(b"ctx", &identity, &c, &mut batch, &mut rng);
    assert!(threshold::verify_batch(batch).is_err());
}

#[test]
fn a_cheating_dealer_is_caught_and_the_rest_still_make_a_key() {
    let mut rng = StdRng::seed_from_u64(9);
    let params = Params::new(3, 5).unwrap();
    let (output, key_shares, complaints) = ceremony(params, Some(4), &mut rng);
    assert_eq!(complaints, vec![4]);
    assert_eq!(output.qualified, vec![1, 2, 3, 5]);
    let (c, _) = encrypt(&output.joint_key, 7, &mut rng);
    let shares: Vec<_> = [1usize, 2, 4]
        .iter()
        .map(|&j| {
            key_shares[j].decryption_share(b"ctx", &c, &mut rng).verify(b"ctx", &output.public_shares[j], &c).unwrap()
        })
        .collect();
    assert_eq!(DlogTable::new(10).recover(&threshold::combine(&c, &shares, 3).unwrap()).unwrap(), 7);
}

#[test]
fn dealer_messages_are_checked() {
    let mut rng = StdRng::seed_from_u64(10);
    let params = Params::new(3, 5).unwrap();
    let dealer = Dealer::new(params, 2, &mut rng).unwrap();
    let msg = dealer.commitments(CEREMONY, &mut rng);
    msg.verify(CEREMONY, params).unwrap();
    // The proof of knowledge is bound to the ceremony, the parameters and the dealer.
    assert!(msg.verify(b"another ceremony", params).is_err());
    assert!(msg.verify(CEREMONY, Params::new(3, 6).unwrap()).is_err());
    let mut other = msg.clone();
    other.dealer = 3;
    assert!(other.verify(CEREMONY, params).is_err());
    // Too few or too many commitments.
    let mut short = msg.clone();
    short.commitments.pop();
    assert_eq!(short.verify(CEREMONY, params), Err(VerifyError::Shape));
    // Every byte of the encoded message.
    let bytes = msg.to_bytes();
    let mut verified = 0;
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        if let Ok(m) = DealerCommitments::decode(&t) {
            verified += 1;
            assert!(m.verify(CEREMONY, params).is_err(), "byte {i}");
        }
    }
    assert!(verified >= bytes.len() / 4, "only {verified} of {} tampered messages decoded", bytes.len());
    assert!(Params::new(0, 5).is_err());
    assert!(Params::new(6, 5).is_err());
    assert!(Dealer::new(params, 6, &mut rng).is_err());
    assert!(dealer.share_for(0).is_err());
}
