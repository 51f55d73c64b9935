//! The cryptographic encodings (spec §1–§9): group elements and scalars,
//! ciphertexts, proofs, key-ceremony messages, decryption shares, the board's
//! Merkle proofs, credentials and the credential key, Ed25519 keys and
//! signatures, share files and their paper backups.
//!
//! Every fixed-length encoding here is canonical: what decodes re-encodes to
//! the same bytes, so two encodings never name one value.

use std::sync::OnceLock;

use hallvote_crypto::credential::{BlindRequest, BlindSignature, Credential, CredentialPublicKey};
use hallvote_crypto::dkg::{DealerCommitments, DealerShare, Params};
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::group::{Element, SecretScalar, decode_scalar};
use hallvote_crypto::merkle::{ConsistencyProof, InclusionProof, TreeHead};
use hallvote_crypto::proofs::equality::{EqualityProof, EqualityStatement};
use hallvote_crypto::proofs::range::{BRANCH_LEN, MAX_BRANCHES, RangeProof};
use hallvote_crypto::proofs::schnorr::SchnorrProof;
use hallvote_crypto::sealed::RecipientKey;
use hallvote_crypto::sharefile::{self, ParamLimits};
use hallvote_crypto::sign::{Signature, VerifyingKey, verify};
use hallvote_crypto::tags;
use hallvote_crypto::threshold::DecryptionShare;

use crate::{Input, canonical};

/// A 32-byte element, a scalar, a secret scalar, an ElGamal key (spec §1, §3.1).
pub fn group(data: &[u8]) {
    if let Ok(e) = Element::decode(data) {
        canonical("element", data, e.as_bytes());
        assert_eq!(Element::decode_non_identity(data).is_ok(), !e.is_identity(), "identity refused exactly");
        if let Ok(key) = PublicKey::decode(data) {
            assert_eq!(key.element(), &e);
        } else {
            assert!(e.is_identity(), "a non-identity element is a key");
        }
    } else {
        assert!(Element::decode_non_identity(data).is_err());
        assert!(PublicKey::decode(data).is_err());
    }
    if let Ok(s) = decode_scalar(data) {
        canonical("scalar", data, s.as_bytes());
    }
    if let Ok(s) = SecretScalar::decode(data) {
        canonical("secret scalar", data, s.to_bytes().as_ref());
    }
}

/// A ciphertext (spec §3.2).
pub fn ciphertext(data: &[u8]) {
    if let Ok(ct) = Ciphertext::decode(data) {
        canonical("ciphertext", data, &ct.to_bytes());
    }
}

/// Schnorr, equality and range proofs (spec §4): the first byte picks the kind
/// (and, for a range proof, its branches); a proof that decodes re-encodes to
/// its bytes and is checked against a fixed statement without panicking.
pub fn proofs(data: &[u8]) {
    let mut input = Input(data);
    let Some(selector) = input.byte() else { return };
    let rest = input.rest();
    match selector % 3 {
        0 => {
            if let Ok(p) = SchnorrProof::decode(rest) {
                canonical("schnorr proof", rest, &p.to_bytes());
                let _ = p.verify(b"fuzz", &Element::generator());
            }
        }
        1 => {
            if let Ok(p) = EqualityProof::decode(rest) {
                canonical("equality proof", rest, &p.to_bytes());
                let g = Element::generator();
                let statement = EqualityStatement { ctx: b"fuzz", x: &g, base: &g, d: &g };
                let _ = p.verify(&statement);
            }
        }
        _ => {
            let branches = usize::from(selector / 3) + 1;
            if let Ok(p) = RangeProof::decode(rest, branches) {
                assert!(branches as u64 <= MAX_BRANCHES);
                assert_eq!(rest.len(), branches * BRANCH_LEN);
                canonical("range proof", rest, &p.to_bytes());
            }
        }
    }
}

/// Key-ceremony messages and decryption shares (spec §5.2–§5.4).
pub fn ceremony(data: &[u8]) {
    if let Ok(c) = DealerCommitments::decode(data) {
        canonical("dealer commitments", data, &c.to_bytes());
        if let Ok(params) = Params::new(c.commitments.len() as u32, 255) {
            let _ = c.verify(b"fuzz", params);
        }
    }
    if let Ok(s) = DealerShare::decode(data) {
        canonical("dealer share", data, s.to_bytes().as_ref());
    }
    if let Ok(s) = DecryptionShare::decode(data) {
        canonical("decryption share", data, &s.to_bytes());
        let g = Element::generator();
        let ct = Ciphertext { a: g, b: g };
        let _ = s.verify(b"fuzz", &g, &ct);
    }
}

/// Tree heads, inclusion and consistency proofs of the board (spec §7).
pub fn merkle(data: &[u8]) {
    if let Ok(h) = TreeHead::from_bytes(data) {
        canonical("tree head", data, &h.to_bytes());
    }
    if let Ok(p) = InclusionProof::from_bytes(data) {
        canonical("inclusion proof", data, &p.to_bytes());
        let _ = p.verify(&[0; 32], &[1; 32]);
    }
    if let Ok(p) = ConsistencyProof::from_bytes(data) {
        canonical("consistency proof", data, &p.to_bytes());
        let _ = p.verify(&[0; 32], &[1; 32]);
    }
}

/// A ballot credential, a blind request and signature, the credential key
/// (spec §6): what decodes re-encodes to its bytes; a credential is checked
/// against a fixed key without panicking.
pub fn credential(data: &[u8]) {
    if let Ok(c) = Credential::from_bytes(data) {
        canonical("credential", data, &c.to_bytes());
        assert!(c.verify(credential_key(), &[0; 32]).is_err(), "no credential of the fuzz key is ever made");
    }
    if let Ok(r) = BlindRequest::from_bytes(data) {
        canonical("blind request", data, r.as_bytes());
    }
    if let Ok(s) = BlindSignature::from_bytes(data) {
        canonical("blind signature", data, s.as_bytes());
    }
    if let Ok(k) = CredentialPublicKey::from_spki_der(data) {
        canonical("credential key", data, k.to_spki_der());
    }
}

/// Ed25519 keys and signatures (spec §8), and a recipient's sealing key (§5.6).
pub fn signature(data: &[u8]) {
    if let Ok(k) = VerifyingKey::decode(data) {
        canonical("verifying key", data, k.as_bytes());
    }
    if let Ok(s) = Signature::decode(data) {
        canonical("signature", data, &s.to_bytes());
        if let Ok(k) = VerifyingKey::decode(&data[..32]) {
            let _ = verify(&k, tags::SIG_DELEGATE_CARD, b"fuzz", &s);
        }
    }
    if let Ok(k) = RecipientKey::from_bytes(data) {
        canonical("recipient key", data, k.as_bytes());
    }
}

/// The passphrase the share-file seeds are sealed under.
pub const SHARE_FILE_PASSPHRASE: &[u8] = b"fuzz passphrase";

/// A share file (spec §9.2), opened with [`SHARE_FILE_PASSPHRASE`] under the
/// test limits. Files whose Argon2 cost is within the spec's bounds but beyond
/// a few hundred KiB are skipped: their cost is bounded by the limits (spec
/// §9.3), and a fuzzer gains nothing from spending it. What opens is a
/// consistent share (the type's promise), and reseals to a file that opens to
/// the same share.
pub fn share_file(data: &[u8]) {
    const MAX_FUZZ_M_COST_KIB: u32 = 256;
    const MAX_FUZZ_T_COST: u32 = 2;
    if data.len() >= 20 {
        let m = u32::from_be_bytes([data[8], data[9], data[10], data[11]]);
        let t = u32::from_be_bytes([data[12], data[13], data[14], data[15]]);
        if m > MAX_FUZZ_M_COST_KIB || t > MAX_FUZZ_T_COST {
            return;
        }
    }
    let Ok(share) = sharefile::open(data, SHARE_FILE_PASSPHRASE, ParamLimits::ALLOW_TEST_PARAMS) else { return };
    assert_eq!(share.public_share(), &share.secret().public(), "a share's public share is its secret times G");
    assert!(share.index() >= 1 && share.index() <= share.participants());
    assert!(share.threshold() >= 1 && share.threshold() <= share.participants());
    let mut rng = crate::rng();
    let params = sharefile::SealParams::for_tests();
    let again = sharefile::seal(&share, SHARE_FILE_PASSPHRASE, params, &mut rng).expect("an opened share reseals");
    let back =
        sharefile::open(&again, SHARE_FILE_PASSPHRASE, ParamLimits::ALLOW_TEST_PARAMS).expect("a resealed share opens");
    assert_eq!(back, share);
}

/// The text of a share file's paper backup (spec §9.6): what reads back prints
/// as a text that reads back to the same bytes.
pub fn share_paper(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(file) = sharefile::from_paper(text) {
        let printed = sharefile::to_paper(&file);
        assert_eq!(sharefile::from_paper(&printed).as_deref(), Ok(&file[..]), "a printed backup reads back");
    }
}

/// The credential key the credential target checks against: made once, from a
/// fixed seed, and never used to sign.
fn credential_key() -> &'static CredentialPublicKey {
    static KEY: OnceLock<CredentialPublicKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let sk = hallvote_crypto::credential::CredentialSecretKey::generate(&mut crate::rng(), 2048)
            .expect("a 2048-bit key is generated");
        sk.public_key().clone()
    })
}
