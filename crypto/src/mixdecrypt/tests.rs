#![allow(clippy::unwrap_used, clippy::expect_used)]

use curve25519_dalek::scalar::Scalar;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::elgamal::{PublicKey, encrypt_point};
use crate::group::SecretScalar;

const CTX: &[u8] = b"test mix decrypt";

struct Setup {
    secret: SecretScalar,
    keys: Vec<KeyShare>,
    messages: Vec<RistrettoPoint>,
    list: Vec<Ciphertext>,
    rng: StdRng,
}

/// A 2-of-3 key (shares `x + a·j`) and a list of `n` encrypted random points.
fn setup(n: usize) -> Setup {
    setup_seeded(n, 19)
}

fn setup_seeded(n: usize, seed: u64) -> Setup {
    let mut rng = StdRng::seed_from_u64(seed);
    let secret = SecretScalar::random(&mut rng);
    let a = Scalar::random(&mut rng);
    let keys = (1..=3u32).map(|j| KeyShare::new(j, SecretScalar::new(secret.expose() + a * Scalar::from(j)))).collect();
    let key = PublicKey::new(secret.public()).unwrap();
    let messages: Vec<RistrettoPoint> = (0..n).map(|_| RistrettoPoint::random(&mut rng)).collect();
    let list = messages.iter().map(|m| encrypt_point(&key, m, &mut rng).0).collect();
    Setup { secret, keys, messages, list, rng }
}

#[test]
fn two_of_three_decrypt_the_list() {
    let mut s = setup(7);
    for pair in [[0, 1], [1, 2], [0, 2]] {
        let verified: Vec<VerifiedListShare> = pair
            .iter()
            .map(|&k| {
                let key = &s.keys[k];
                let share = key.list_decryption_share(CTX, &s.list, &mut s.rng);
                share.verify(CTX, &key.public(), &s.list).unwrap()
            })
            .collect();
        assert_eq!(combine_list(&s.list, &verified, 2).unwrap(), s.messages);
    }
    // One share is not enough, and the same scrutineer twice is not two.
    let share = s.keys[0].list_decryption_share(CTX, &s.list, &mut s.rng);
    let v = share.verify(CTX, &s.keys[0].public(), &s.list).unwrap();
    assert_eq!(combine_list(&s.list, std::slice::from_ref(&v), 2), Err(VerifyError::NotEnoughShares));
    assert_eq!(combine_list(&s.list, &[v.clone(), v], 2), Err(VerifyError::NotEnoughShares));
    assert!(s.secret.expose() != &Scalar::ZERO);
}

#[test]
fn published_plaintexts_are_checked_without_decrypting() {
    let mut s = setup(9);
    let verified: Vec<VerifiedListShare> = [0, 2]
        .iter()
        .map(|&k| {
            let key = &s.keys[k];
            key.list_decryption_share(CTX, &s.list, &mut s.rng).verify(CTX, &key.public(), &s.list).unwrap()
        })
        .collect();
    let mut plain = s.messages.clone();
    plain[3] = RistrettoPoint::default();
    let mut list = s.list.clone();
    // An identity plaintext is left out of the sum but still checked.
    list[3] = encrypt_point(&PublicKey::new(s.secret.public()).unwrap(), &plain[3], &mut s.rng).0;
    let verified_list: Vec<VerifiedListShare> = [0, 2]
        .iter()
        .map(|&k| {
            let key = &s.keys[k];
            key.list_decryption_share(CTX, &list, &mut s.rng).verify(CTX, &key.public(), &list).unwrap()
        })
        .collect();
    assert_eq!(check_list_plaintexts(&list, &verified_list, 2, &plain, &mut s.rng), Ok(()));
    assert_eq!(check_list_plaintexts(&s.list, &verified, 2, &s.messages, &mut s.rng), Ok(()));
    // Any one plaintext changed, or swapped with another, fails the batch.
    for i in 0..s.messages.len() {
        let mut wrong = s.messages.clone();
        wrong[i] += RistrettoPoint::mul_base(&Scalar::ONE);
        assert_eq!(check_list_plaintexts(&s.list, &verified, 2, &wrong, &mut s.rng), Err(VerifyError::Batch));
    }
    let mut swapped = s.messages.clone();
    swapped.swap(0, 1);
    assert_eq!(check_list_plaintexts(&s.list, &verified, 2, &swapped, &mut s.rng), Err(VerifyError::Batch));
    // The wrong number of plaintexts, too few shares, shares of another list.
    assert_eq!(check_list_plaintexts(&s.list, &verified, 2, &s.messages[1..], &mut s.rng), Err(VerifyError::Shape));
    assert_eq!(
        check_list_plaintexts(&s.list, &verified[..1], 2, &s.messages, &mut s.rng),
        Err(VerifyError::NotEnoughShares)
    );
    assert_eq!(check_list_plaintexts(&list, &verified, 2, &plain, &mut s.rng), Err(VerifyError::Shape));
}

#[test]
fn tampered_shares_are_rejected() {
    let mut s = setup(6);
    let key = &s.keys[0];
    let public = key.public();
    let share = key.list_decryption_share(CTX, &s.list, &mut s.rng);
    assert!(share.verify(CTX, &public, &s.list).is_ok());

    // A changed Dᵢ, for every position (also one that still is xⱼ times a point of the list).
    for i in 0..s.list.len() {
        let mut bad = share.clone();
        bad.d[i] = Element::new(bad.d[i].point() + crate::group::G);
        assert_eq!(bad.verify(CTX, &public, &s.list).unwrap_err(), VerifyError::Equation, "D{i}");
    }
    // A swapped pair of shares.
    let mut bad = share.clone();
    bad.d.swap(1, 4);
    assert_eq!(bad.verify(CTX, &public, &s.list).unwrap_err(), VerifyError::Equation);
    // A dropped share, and a dropped share with its ciphertext.
    let mut bad = share.clone();
    bad.d.remove(2);
    assert_eq!(bad.verify(CTX, &public, &s.list).unwrap_err(), VerifyError::Shape);
    let mut shorter = s.list.clone();
    shorter.remove(2);
    assert_eq!(bad.verify(CTX, &public, &shorter).unwrap_err(), VerifyError::Equation);
    // The same shares and proof for another list: the ciphertexts swapped, one B changed, another list.
    let mut swapped = s.list.clone();
    swapped.swap(0, 3);
    assert!(share.verify(CTX, &public, &swapped).is_err());
    let mut moved_b = s.list.clone();
    moved_b[5].b = Element::new(moved_b[5].b.point() + crate::group::G);
    assert_eq!(share.verify(CTX, &public, &moved_b).unwrap_err(), VerifyError::Equation);
    let other = setup_seeded(6, 20);
    assert!(share.verify(CTX, &public, &other.list).is_err());
    // Another context, another scrutineer's public share, another index.
    assert!(share.verify(b"another mix", &public, &s.list).is_err());
    assert!(share.verify(CTX, &s.keys[1].public(), &s.list).is_err());
    let mut renumbered = share.clone();
    renumbered.index = 2;
    assert!(renumbered.verify(CTX, &public, &s.list).is_err());
    // Another scrutineer's proof on these shares.
    let theirs = s.keys[1].list_decryption_share(CTX, &s.list, &mut s.rng);
    let mut mixed = share.clone();
    mixed.proof = theirs.proof.clone();
    assert!(mixed.verify(CTX, &public, &s.list).is_err());
    // An identity public share is refused even with identity shares.
    let zero = ListShare { index: 1, d: vec![Element::identity(); 6], proof: share.proof.clone() };
    assert_eq!(zero.verify(CTX, &Element::identity(), &s.list).unwrap_err(), VerifyError::Equation);
}

#[test]
fn verified_shares_of_another_list_do_not_combine() {
    let mut s = setup(4);
    let other = setup_seeded(4, 20);
    let verified: Vec<_> = s.keys[..2]
        .iter()
        .map(|k| k.list_decryption_share(CTX, &s.list, &mut s.rng).verify(CTX, &k.public(), &s.list).unwrap())
        .collect();
    assert_eq!(combine_list(&other.list, &verified, 2).unwrap_err(), VerifyError::Shape);
}

#[test]
fn encoding_round_trips_and_is_strict() {
    let mut s = setup(3);
    let share = s.keys[2].list_decryption_share(CTX, &s.list, &mut s.rng);
    let bytes = share.to_bytes();
    assert_eq!(bytes.len(), 12 + 32 * 3 + 96);
    assert_eq!(ListShare::decode(&bytes).unwrap(), share);
    // Truncated, extended, a wrong count, a huge count, a non-canonical element or scalar.
    assert!(ListShare::decode(&bytes[..bytes.len() - 1]).is_err());
    assert!(ListShare::decode(&[bytes.as_slice(), &[0]].concat()).is_err());
    let mut wrong_n = bytes.clone();
    wrong_n[11] = 2;
    assert!(ListShare::decode(&wrong_n).is_err());
    let mut huge_n = bytes.clone();
    huge_n[4..12].copy_from_slice(&u64::MAX.to_be_bytes());
    assert!(ListShare::decode(&huge_n).is_err());
    let mut bad_d = bytes.clone();
    bad_d[12..44].copy_from_slice(&[0xff; 32]);
    assert!(ListShare::decode(&bad_d).is_err());
    let mut bad_z = bytes.clone();
    let len = bad_z.len();
    bad_z[len - 32..].copy_from_slice(&[0xff; 32]);
    assert!(ListShare::decode(&bad_z).is_err());
    // The empty list has a share too, and it is well formed.
    let empty = s.keys[0].list_decryption_share(CTX, &[], &mut s.rng);
    assert_eq!(ListShare::decode(&empty.to_bytes()).unwrap(), empty);
}
