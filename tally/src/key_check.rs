//! The key check before a poll opens (spec §5.7).
//!
//! A scrutineer whose share file cannot be opened after the poll has closed leaves
//! the count to the others; if more than `n − k` cannot, the ballots can never be
//! counted (in 2025 an IACR election on Helios was cancelled for a lost trustee key).
//! So before the poll opens each scrutineer's station proves, with the file it saved
//! and the passphrase its scrutineer remembers, that the share works: the server
//! makes a test ciphertext for scrutineer `j` ([`challenge`]), the station answers
//! with its decryption share of it ([`answer`]), and the server checks the share's
//! proof against the public share `Xⱼ` ([`check`]). The test ciphertext encrypts a
//! random small value that is never decrypted; only the proof matters.

use hallvote_crypto::CryptoRng;
use hallvote_crypto::elgamal::{Ciphertext, PublicKey, encrypt};
use hallvote_crypto::group::Element;
use hallvote_crypto::hash::Hasher;
use hallvote_crypto::tags;
use hallvote_crypto::threshold::{DECRYPTION_SHARE_LEN, DecryptionShare, KeyShare};

/// The largest value a test ciphertext encrypts.
const MAX_TEST_VALUE: u64 = 1_000;

/// The context of scrutineer `j`'s key-check share for the poll `E` (spec §5.7):
/// `H("hallvote/ceremony/key-check/v1", E, u64be(j))`. No share of a ballot total
/// (whose context is §12.6's) can pass for one, nor one made for another poll or
/// another scrutineer.
pub fn context(election: &[u8; 64], j: u32) -> [u8; 64] {
    let mut h = Hasher::new(tags::KEY_CHECK);
    h.bytes(election).u64(u64::from(j));
    h.finalize()
}

/// A fresh test ciphertext under the joint key: the encryption of a random value in
/// `1 ..= 1000` with a random nonce (spec §5.7). The server makes a new one for
/// every check, so an answer cannot be replayed.
pub fn challenge<R: CryptoRng + ?Sized>(joint_key: &PublicKey, rng: &mut R) -> Ciphertext {
    let m = 1 + rng.next_u64() % MAX_TEST_VALUE;
    encrypt(joint_key, m, rng).0
}

/// Scrutineer `j`'s answer: its decryption share of the test ciphertext, with the
/// proof that it used the secret behind `Xⱼ` (spec §5.4, in the context of [`context`]).
pub fn answer<R: CryptoRng + ?Sized>(
    share: &KeyShare,
    election: &[u8; 64],
    test: &Ciphertext,
    rng: &mut R,
) -> [u8; DECRYPTION_SHARE_LEN] {
    share.decryption_share(&context(election, share.index()), test, rng).to_bytes()
}

/// Why a key check did not pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyCheckError {
    /// The answer is not a decryption share (spec §5.4's encoding).
    #[error("the answer is not a decryption share")]
    Malformed,
    /// The share names another scrutineer.
    #[error("the share is scrutineer {0}'s")]
    OtherScrutineer(u32),
    /// The proof does not verify against the scrutineer's public share: the key
    /// share used is not scrutineer `j`'s of this ceremony.
    #[error("the share's proof does not verify against the public share")]
    Invalid,
}

/// Checks scrutineer `j`'s answer to the test ciphertext against its public share
/// `Xⱼ` (spec §5.7).
pub fn check(
    election: &[u8; 64],
    j: u32,
    public_share: &Element,
    test: &Ciphertext,
    answer: &[u8],
) -> Result<(), KeyCheckError> {
    let share = DecryptionShare::decode(answer).map_err(|_| KeyCheckError::Malformed)?;
    if share.index != j {
        return Err(KeyCheckError::OtherScrutineer(share.index));
    }
    share.verify(&context(election, j), public_share, test).map(|_| ()).map_err(|_| KeyCheckError::Invalid)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use hallvote_crypto::dkg::{Dealer, Params, ceremony_output, key_share};

    use super::*;

    /// A 2-of-3 ceremony: the joint key and each scrutineer's key share.
    fn ceremony() -> (PublicKey, Vec<KeyShare>) {
        let mut rng = rand::rng();
        let params = Params::new(2, 3).unwrap();
        let dealers: Vec<Dealer> = (1..=3).map(|i| Dealer::new(params, i, &mut rng).unwrap()).collect();
        let messages: Vec<_> = dealers.iter().map(|d| d.commitments(b"ceremony", &mut rng)).collect();
        let out = ceremony_output(params, &messages).unwrap();
        let shares = (1..=3)
            .map(|j| {
                let dealt: Vec<_> = dealers.iter().map(|d| d.share_for(j).unwrap()).collect();
                key_share(j, &dealt, &out).unwrap()
            })
            .collect();
        (out.joint_key, shares)
    }

    #[test]
    fn the_right_share_passes_and_nothing_else_does() {
        let mut rng = rand::rng();
        let (key, shares) = ceremony();
        let e = [7u8; 64];
        let test = challenge(&key, &mut rng);
        let x2 = shares[1].public();
        let good = answer(&shares[1], &e, &test, &mut rng);
        assert_eq!(check(&e, 2, &x2, &test, &good), Ok(()));
        // Scrutineer 3's share, for 2's check.
        let other = answer(&shares[2], &e, &test, &mut rng);
        assert_eq!(check(&e, 2, &x2, &test, &other), Err(KeyCheckError::OtherScrutineer(3)));
        // A share of another scrutineer relabelled as 2's: the proof fails.
        let mut relabelled = other;
        relabelled[..4].copy_from_slice(&2u32.to_be_bytes());
        assert_eq!(check(&e, 2, &x2, &test, &relabelled), Err(KeyCheckError::Invalid));
        // Another poll, another test ciphertext, a share of a tally context: refused.
        assert_eq!(check(&[8u8; 64], 2, &x2, &test, &good), Err(KeyCheckError::Invalid));
        let fresh = challenge(&key, &mut rng);
        assert_eq!(check(&e, 2, &x2, &fresh, &good), Err(KeyCheckError::Invalid));
        let tally = shares[1].decryption_share(&[0u8; 64], &test, &mut rng).to_bytes();
        assert_eq!(check(&e, 2, &x2, &test, &tally), Err(KeyCheckError::Invalid));
        assert_eq!(check(&e, 2, &x2, &test, &good[..100]), Err(KeyCheckError::Malformed));
        // A key share of another ceremony, under the same index.
        let (_, strangers) = ceremony();
        let stranger = answer(&strangers[1], &e, &test, &mut rng);
        assert_eq!(check(&e, 2, &x2, &test, &stranger), Err(KeyCheckError::Invalid));
    }

    #[test]
    fn contexts_bind_the_poll_and_the_scrutineer() {
        let e = [1u8; 64];
        assert_ne!(context(&e, 1), context(&e, 2));
        assert_ne!(context(&e, 1), context(&[2u8; 64], 1));
        assert_eq!(context(&e, 1), hallvote_crypto::hash::hash(tags::KEY_CHECK, &[&e, &1u64.to_be_bytes()]));
    }
}
