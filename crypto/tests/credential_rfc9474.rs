//! Ballot credentials (spec §6) against RFC 9474, and their protocol end to end.
//!
//! Known answers: the four test vectors of RFC 9474 Appendix A (A.1
//! RSABSSA-SHA384-PSS-Randomized, the variant hallvote uses, and A.2–A.4, the
//! other variants the `blind-rsa-signatures` crate implements), in
//! `credential_rfc9474/vectors.rs` with their sources. Every vector is also
//! checked for internal consistency (`sig^e mod n = encoded_msg`, and the
//! blinded message, blind signature and signature all follow from the key,
//! `inv` and `encoded_msg`), so a transcription error cannot pass.
//!
//! RSA key generation is the slow part of these tests: two 2048-bit keys are
//! made once and shared.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use blind_rsa_signatures::{
    Deterministic, MessagePrepare, PSS, PSSZero, PublicKey, Randomized, SaltMode, SecretKey, Sha384,
};
use hallvote_crypto::credential::{
    self, BlindRequest, BlindSignature, Credential, CredentialError, CredentialPublicKey, CredentialSecretKey,
    KeyError, Token,
};
use hallvote_crypto::{DecodeError, VerifyError};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rsa::BoxedUint;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs8::EncodePrivateKey as _;
use rsa::pkcs8::der::Decode as _;
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest as _, Sha256};

#[path = "credential_rfc9474/vectors.rs"]
mod vectors;
use vectors::*;

// ---------------------------------------------------------------------------
// Known answers, through the crate's RFC 9474 interface.

#[test]
fn rfc9474_a1_pss_randomized() {
    run_vector::<PSS, Randomized>(&PSS_RANDOMIZED, 48);
}

#[test]
fn rfc9474_a2_psszero_randomized() {
    run_vector::<PSSZero, Randomized>(&PSSZERO_RANDOMIZED, 0);
}

#[test]
fn rfc9474_a3_pss_deterministic() {
    run_vector::<PSS, Deterministic>(&PSS_DETERMINISTIC, 48);
}

#[test]
fn rfc9474_a4_psszero_deterministic() {
    run_vector::<PSSZero, Deterministic>(&PSSZERO_DETERMINISTIC, 0);
}

/// Blind (with the vector's prefix, salt and `r = inv⁻¹`), sign, finalize and
/// verify, comparing every intermediate value with the vector.
fn run_vector<S: SaltMode, M: MessagePrepare>(v: &Vector, salt_len: usize) {
    assert_eq!(unhex(v.salt).len(), salt_len, "{}", v.name);
    let rsa_sk = vector_rsa_key();
    let sk = SecretKey::<Sha384, S, M>::new(rsa_sk.clone());
    let pk: PublicKey<Sha384, S, M> = sk.public_key().unwrap();
    let n = uint(KEY_N, 4096);
    let msg = unhex(MSG);

    // The crate draws the prefix, then the salt, then r (512 bytes little-endian).
    let r = uint(v.inv, 4096).invert_mod(&n.to_nz().unwrap()).unwrap();
    let mut stream = unhex(v.msg_prefix);
    stream.extend(unhex(v.salt));
    stream.extend_from_slice(&r.to_le_bytes());
    let mut rng = ByteStream::new(stream);
    let blinding = pk.blind(&mut rng, &msg).unwrap();
    assert!(rng.is_empty(), "{}: blind used other randomness than the vector's", v.name);
    assert_eq!(blinding.secret.0, unhex(v.inv), "{}: inv", v.name);
    assert_eq!(blinding.blind_message.0, unhex(v.blinded_msg), "{}: blinded_msg", v.name);
    assert_eq!(
        blinding.msg_randomizer.map(|r| r.0.to_vec()).unwrap_or_default(),
        unhex(v.msg_prefix),
        "{}: msg_prefix",
        v.name
    );

    let blind_sig = sk.blind_sign_with_rng(&mut test_rng(1), &blinding.blind_message).unwrap();
    assert_eq!(blind_sig.0, unhex(v.blind_sig), "{}: blind_sig", v.name);

    let sig = pk.finalize(&blind_sig, &blinding, &msg).unwrap();
    assert_eq!(sig.0, unhex(v.sig), "{}: sig", v.name);
    pk.verify(&sig, blinding.msg_randomizer, &msg).unwrap();

    // sig^e mod n is the EMSA-PSS encoding of the prepared message.
    let em = rsa::hazmat::rsa_encrypt(pk.as_ref(), &uint(v.sig, 4096)).unwrap();
    assert_eq!(em.to_be_bytes().to_vec(), unhex(v.encoded_msg), "{}: encoded_msg", v.name);

    // And the signature is a plain RSASSA-PSS signature on prefix ‖ msg, as
    // any PSS verifier sees it (RFC 9474 §4.4, §5).
    let mut prepared = unhex(v.msg_prefix);
    prepared.extend_from_slice(&msg);
    let verifier = rsa::pss::VerifyingKey::<sha2::Sha384>::new_with_salt_len(pk.as_ref().clone(), salt_len);
    let pss_sig = rsa::pss::Signature::try_from(unhex(v.sig).as_slice()).unwrap();
    verifier.verify(&prepared, &pss_sig).unwrap();

    // One bit off anywhere and it no longer verifies.
    prepared[0] ^= 1;
    assert!(verifier.verify(&prepared, &pss_sig).is_err(), "{}", v.name);
    let mut bad = sig.clone();
    bad.0[100] ^= 0x10;
    assert!(pk.verify(&bad, blinding.msg_randomizer, &msg).is_err(), "{}", v.name);
}

/// The A.1 key through hallvote's own interface: `sign_blinded` of the
/// vector's blinded message is the vector's blind signature.
#[test]
fn rfc9474_a1_through_the_credential_api() {
    let sk = vector_credential_key();
    let pk = sk.public_key();
    assert_eq!(pk.modulus_bits(), 4096);
    assert_eq!(pk.modulus_len(), 512);

    let request = BlindRequest::from_bytes(&unhex(PSS_RANDOMIZED.blinded_msg)).unwrap();
    let blind_sig = credential::sign_blinded(&sk, &request, &mut test_rng(2)).unwrap();
    assert_eq!(blind_sig.as_bytes(), unhex(PSS_RANDOMIZED.blind_sig));

    // The public key survives its canonical encoding.
    let decoded = CredentialPublicKey::from_spki_der(pk.to_spki_der()).unwrap();
    assert_eq!(&decoded, pk);
}

#[test]
fn sign_blinded_refuses_a_message_out_of_range() {
    let sk = vector_credential_key();
    let n = unhex(KEY_N);
    let sign =
        |bytes: &[u8]| credential::sign_blinded(&sk, &BlindRequest::from_bytes(bytes).unwrap(), &mut test_rng(3));
    assert_eq!(sign(&n), Err(CredentialError::BlindedMessageOutOfRange));
    assert_eq!(sign(&[0xff; 512]), Err(CredentialError::BlindedMessageOutOfRange));
    let mut below = n.clone();
    *below.last_mut().unwrap() -= 1; // n - 1 (n is odd): its own signature, refused
    assert_eq!(sign(&below), Err(CredentialError::BlindedMessageDegenerate));
    *below.last_mut().unwrap() -= 1; // n - 2
    assert!(sign(&below).is_ok());
    // 0 and 1 sign to themselves: refused, so no credential is spent on them.
    let mut small = vec![0u8; 512];
    assert_eq!(sign(&small), Err(CredentialError::BlindedMessageDegenerate));
    small[511] = 1;
    assert_eq!(sign(&small), Err(CredentialError::BlindedMessageDegenerate));
    small[511] = 2;
    assert!(sign(&small).is_ok());
    assert_eq!(sign(&n[1..]), Err(CredentialError::BlindedMessageLength { expected: 512, actual: 511 }));
    assert_eq!(sign(&n[..400]), Err(CredentialError::BlindedMessageLength { expected: 512, actual: 400 }));
    assert!(matches!(BlindRequest::from_bytes(&[1u8; 255]), Err(DecodeError::OutOfRange { .. })));
    assert!(matches!(BlindRequest::from_bytes(&[1u8; 513]), Err(DecodeError::OutOfRange { .. })));
}

// ---------------------------------------------------------------------------
// The protocol with fresh keys.

const POLL: [u8; 32] = [0x42; 32];

struct Issued {
    credential: Credential,
    poll_id: [u8; 32],
}

fn issue(sk: &CredentialSecretKey, poll_id: [u8; 32], seed: u64) -> Issued {
    let mut desk = test_rng(seed);
    let mut server = test_rng(seed ^ 0xffff);
    let pk = sk.public_key();
    let (request, state) = credential::blind(pk, &poll_id, &mut desk).unwrap();
    assert_eq!(request.as_bytes().len(), pk.modulus_len());
    let wire = BlindRequest::from_bytes(request.as_bytes()).unwrap();
    let blind_sig = credential::sign_blinded(sk, &wire, &mut server).unwrap();
    let wire = BlindSignature::from_bytes(blind_sig.as_bytes()).unwrap();
    let credential = credential::finalize(pk, state, &wire).unwrap();
    Issued { credential, poll_id }
}

#[test]
fn blind_sign_finalize_verify() {
    let sk = key_a();
    let Issued { credential, poll_id } = issue(sk, POLL, 10);
    credential.verify(sk.public_key(), &poll_id).unwrap();

    // Through the wire encoding and back.
    let bytes = credential.to_bytes();
    assert_eq!(bytes.len(), 1 + 32 + 32 + 2 + 256);
    assert_eq!(bytes[0], 1);
    assert_eq!(&bytes[1..33], credential.token().as_bytes());
    assert_eq!(&bytes[33..65], credential.msg_randomizer());
    assert_eq!(&bytes[65..67], &256u16.to_be_bytes());
    assert_eq!(&bytes[67..], credential.signature());
    let decoded = Credential::from_bytes(&bytes).unwrap();
    assert_eq!(decoded, credential);
    decoded.verify(sk.public_key(), &poll_id).unwrap();
    assert_eq!(decoded.serial(), credential.serial());

    // Two issuances give different tokens, randomizers and serials.
    let other = issue(sk, POLL, 11).credential;
    other.verify(sk.public_key(), &POLL).unwrap();
    assert_ne!(other.token(), credential.token());
    assert_ne!(other.msg_randomizer(), credential.msg_randomizer());
    assert_ne!(other.serial(), credential.serial());
}

/// What spec §6.5 promises an independent verifier: the credential is an
/// RSASSA-PSS signature (SHA-384, MGF1-SHA-384, salt 48) on
/// `msg_randomizer ‖ message(poll_id, token)`, under the RSA key inside the
/// SubjectPublicKeyInfo, with the message spelled out as in spec §6.2.
#[test]
fn a_credential_is_a_plain_pss_signature() {
    let sk = key_a();
    let Issued { credential, poll_id } = issue(sk, POLL, 12);

    let spki = SubjectPublicKeyInfoRef::from_der(sk.public_key().to_spki_der()).unwrap();
    let rsa_pk = rsa::RsaPublicKey::from_pkcs1_der(spki.subject_public_key.as_bytes().unwrap()).unwrap();
    let verifier = rsa::pss::VerifyingKey::<sha2::Sha384>::new_with_salt_len(rsa_pk, 48);

    let mut prepared = credential.msg_randomizer().to_vec();
    for part in [b"hallvote/credential/v1".as_slice(), &poll_id, credential.token().as_bytes()] {
        prepared.extend_from_slice(&(part.len() as u64).to_be_bytes());
        prepared.extend_from_slice(part);
    }
    assert_eq!(prepared[32..], credential::message(&poll_id, credential.token())[..]);
    let sig = rsa::pss::Signature::try_from(credential.signature()).unwrap();
    verifier.verify(&prepared, &sig).unwrap();
}

#[test]
fn serial_is_the_hash_of_the_token() {
    let sk = key_a();
    let credential = issue(sk, POLL, 13).credential;
    // spec §6.5: the first 32 bytes of H("hallvote/credential/serial/v1", token).
    let tag = b"hallvote/credential/serial/v1";
    let mut input = Vec::new();
    input.extend_from_slice(&(tag.len() as u64).to_be_bytes());
    input.extend_from_slice(tag);
    input.extend_from_slice(&32u64.to_be_bytes());
    input.extend_from_slice(credential.token().as_bytes());
    let full = sha2::Sha512::digest(&input);
    assert_eq!(credential.serial()[..], full[..32]);
}

// ---------------------------------------------------------------------------
// Tampering: any change makes a credential fail.

#[test]
fn every_flipped_bit_of_the_encoding_is_caught() {
    let sk = key_a();
    let Issued { credential, poll_id } = issue(sk, POLL, 20);
    let bytes = credential.to_bytes();
    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 1 << (i % 8);
        match Credential::from_bytes(&tampered) {
            Err(_) => assert!(i == 0 || (65..67).contains(&i), "byte {i} rejected by decode"),
            Ok(c) => {
                assert_eq!(
                    c.verify(sk.public_key(), &poll_id),
                    Err(VerifyError::Signature),
                    "flipped byte {i} still verifies"
                );
            }
        }
    }
}

#[test]
fn tampered_fields_fail() {
    let sk = key_a();
    let pk = sk.public_key();
    let Issued { credential, poll_id } = issue(sk, POLL, 21);
    let bytes = credential.to_bytes();
    let with = |range: std::ops::Range<usize>, flip: u8| {
        let mut b = bytes.clone();
        for x in &mut b[range] {
            *x ^= flip;
        }
        Credential::from_bytes(&b).unwrap()
    };
    // token, randomizer, signature (first, middle and last bytes)
    for (range, what) in [
        (1..2, "token"),
        (32..33, "token"),
        (33..34, "randomizer"),
        (64..65, "randomizer"),
        (67..68, "signature"),
        (200..201, "signature"),
        (322..323, "signature"),
    ] {
        assert_eq!(with(range, 0x80).verify(pk, &poll_id), Err(VerifyError::Signature), "{what}");
    }
    // A changed token changes the serial; a changed randomizer or signature does not.
    assert_ne!(with(1..2, 0x80).serial(), credential.serial());
    assert_eq!(with(33..34, 0x80).serial(), credential.serial());
    assert_eq!(with(100..101, 0x80).serial(), credential.serial());

    // Another poll.
    for i in 0..32 {
        let mut other = poll_id;
        other[i] ^= 1 << (i % 8);
        assert_eq!(credential.verify(pk, &other), Err(VerifyError::Signature), "poll byte {i}");
    }
    // Another poll's key.
    assert_eq!(credential.verify(key_b().public_key(), &poll_id), Err(VerifyError::Signature));
    // A 4096-bit key: the signature has the wrong length for it.
    assert_eq!(credential.verify(vector_credential_key().public_key(), &poll_id), Err(VerifyError::Signature));
}

#[test]
fn finalize_checks_the_answer() {
    let (a, b) = (key_a(), key_b());
    let mut desk = test_rng(30);

    // Signed with another poll's key: the unblinded signature does not verify.
    // (A request blinded for `a` may also be above `b`'s modulus; then `b`
    // refuses it outright. Try until one is below.)
    let mut refused = 0;
    let (state, wrong) = loop {
        let (request, state) = credential::blind(a.public_key(), &POLL, &mut desk).unwrap();
        match credential::sign_blinded(b, &request, &mut test_rng(31)) {
            Ok(wrong) => break (state, wrong),
            Err(e) => {
                assert_eq!(e, CredentialError::BlindedMessageOutOfRange);
                refused += 1;
                assert!(refused < 40);
            }
        }
    };
    assert_eq!(
        credential::finalize(a.public_key(), state, &wrong).unwrap_err(),
        CredentialError::InvalidBlindSignature
    );

    // A garbled answer.
    let (request, state) = credential::blind(a.public_key(), &POLL, &mut desk).unwrap();
    let good = credential::sign_blinded(a, &request, &mut test_rng(32)).unwrap();
    let mut garbled = good.as_bytes().to_vec();
    garbled[17] ^= 4;
    let garbled = BlindSignature::from_bytes(&garbled).unwrap();
    assert_eq!(
        credential::finalize(a.public_key(), state, &garbled).unwrap_err(),
        CredentialError::InvalidBlindSignature
    );

    // An answer of the wrong length.
    let (_, state) = credential::blind(a.public_key(), &POLL, &mut desk).unwrap();
    let mut long = good.as_bytes().to_vec();
    long.extend([0u8; 44]);
    let long = BlindSignature::from_bytes(&long).unwrap();
    assert_eq!(
        credential::finalize(a.public_key(), state, &long).unwrap_err(),
        CredentialError::BlindSignatureLength { expected: 256, actual: 300 }
    );
    assert!(matches!(BlindSignature::from_bytes(&[7; 100]), Err(DecodeError::OutOfRange { .. })));
}

#[test]
fn same_token_blinds_differently_but_spends_once() {
    // The same token for the same poll, blinded twice: the requests are
    // unrelated (each is uniformly random modulo n, spec §6.6), and the two
    // credentials differ in randomizer and signature but share one serial, so
    // only one of them can be spent (spec §6.5).
    let sk = key_a();
    let pk = sk.public_key();
    let token = [5u8; 32];
    let mut first = ByteStream::chain(token, test_rng(40));
    let mut second = ByteStream::chain(token, test_rng(41));
    let (r1, s1) = credential::blind(pk, &POLL, &mut first).unwrap();
    let (r2, s2) = credential::blind(pk, &POLL, &mut second).unwrap();
    assert_ne!(r1, r2);
    assert_eq!(format!("{s1:?}"), "BlindingState([redacted])");

    let c1 = credential::finalize(pk, s1, &credential::sign_blinded(sk, &r1, &mut test_rng(42)).unwrap()).unwrap();
    let c2 = credential::finalize(pk, s2, &credential::sign_blinded(sk, &r2, &mut test_rng(43)).unwrap()).unwrap();
    c1.verify(pk, &POLL).unwrap();
    c2.verify(pk, &POLL).unwrap();
    assert_eq!(c1.token().as_bytes(), &token);
    assert_eq!(c1.token(), c2.token());
    assert_ne!(c1.msg_randomizer(), c2.msg_randomizer());
    assert_ne!(c1.signature(), c2.signature());
    assert_eq!(c1.serial(), c2.serial());
}

// ---------------------------------------------------------------------------
// Decoding rejections.

#[test]
fn credential_decoding_is_strict() {
    let sk = key_a();
    let bytes = issue(sk, POLL, 50).credential.to_bytes();
    assert!(Credential::from_bytes(&bytes).is_ok());

    assert_eq!(Credential::from_bytes(&[]), Err(DecodeError::Length { expected: 67, actual: 0 }));
    for len in 1..bytes.len() {
        assert!(matches!(Credential::from_bytes(&bytes[..len]), Err(DecodeError::Length { .. })), "truncated to {len}");
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(Credential::from_bytes(&trailing), Err(DecodeError::Length { expected: 323, actual: 324 }));
    for version in [0u8, 2, 0xff] {
        let mut b = bytes.clone();
        b[0] = version;
        assert_eq!(Credential::from_bytes(&b), Err(DecodeError::UnknownFormat { what: "credential version" }));
    }
    for sig_len in [0u16, 255, 513, 0xffff] {
        let mut b = bytes.clone();
        b[65..67].copy_from_slice(&sig_len.to_be_bytes());
        assert!(matches!(Credential::from_bytes(&b), Err(DecodeError::OutOfRange { .. })), "sig_len {sig_len}");
    }
    // A length in range that disagrees with the bytes present.
    let mut b = bytes.clone();
    b[65..67].copy_from_slice(&257u16.to_be_bytes());
    assert_eq!(Credential::from_bytes(&b), Err(DecodeError::Length { expected: 324, actual: 323 }));
}

// ---------------------------------------------------------------------------
// Keys and their encodings.

/// The AlgorithmIdentifier of spec §6.1, spelled out from RFC 4055: id-RSASSA-PSS
/// with hashAlgorithm SHA-384, maskGenAlgorithm MGF1(SHA-384), saltLength 48.
const PSS_ALGORITHM_ID: &str = concat!(
    "303d",
    "06092a864886f70d01010a", // id-RSASSA-PSS 1.2.840.113549.1.1.10
    "3030",
    "a00d300b0609608648016503040202", // [0] sha384 2.16.840.1.101.3.4.2.2
    "a11a3018",
    "06092a864886f70d010108",     // id-mgf1 1.2.840.113549.1.1.8
    "300b0609608648016503040202", // sha384
    "a203020130",                 // [2] saltLength 48
);

#[test]
fn public_key_encoding_is_the_spelled_out_spki() {
    let pk = key_a().public_key();
    let spki = pk.to_spki_der();
    // Rebuilt independently from n and e with the DER rules of spec §6.1.
    let parsed = SubjectPublicKeyInfoRef::from_der(spki).unwrap();
    let rsa_pk = rsa::RsaPublicKey::from_pkcs1_der(parsed.subject_public_key.as_bytes().unwrap()).unwrap();
    let rebuilt = build_spki(&rsa_pk.n().to_be_bytes(), &[1, 0, 1]);
    assert_eq!(spki, rebuilt.as_slice());
    assert_eq!(spki.len(), 342);
    assert_eq!(&spki[4..67], unhex(PSS_ALGORITHM_ID).as_slice());
    assert_eq!(pk.fingerprint().as_slice(), Sha256::digest(spki).as_slice());
    assert_eq!(pk.modulus_bits(), 2048);
    assert!(format!("{pk:?}").contains("2048 bits"));
}

#[test]
fn public_key_decoding_is_strict() {
    let pk = key_a().public_key();
    let spki = pk.to_spki_der().to_vec();
    let n = unhex(KEY_N); // 4096 bits: any valid size will do here

    assert_eq!(CredentialPublicKey::from_spki_der(&spki).as_ref(), Ok(pk));
    assert!(CredentialPublicKey::from_spki_der(&build_spki(&n, &[1, 0, 1])).is_ok());

    let mut trailing = spki.clone();
    trailing.push(0);
    assert_eq!(CredentialPublicKey::from_spki_der(&trailing), Err(KeyError::Malformed));
    assert_eq!(CredentialPublicKey::from_spki_der(&spki[..300]), Err(KeyError::Malformed));
    assert_eq!(CredentialPublicKey::from_spki_der(&[]), Err(KeyError::Malformed));

    // Other PSS parameters: salt length 32, or SHA-256 as the hash.
    let mut salt32 = spki.clone();
    assert_eq!(salt32[66], 48);
    salt32[66] = 32;
    assert_eq!(CredentialPublicKey::from_spki_der(&salt32), Err(KeyError::NotCanonical));
    let mut sha256 = spki.clone();
    assert_eq!(sha256[33], 2); // last byte of the sha384 OID in hashAlgorithm
    sha256[33] = 1;
    assert_eq!(CredentialPublicKey::from_spki_der(&sha256), Err(KeyError::NotCanonical));

    // rsaEncryption instead of id-RSASSA-PSS.
    let mut rsa_encryption = spki.clone();
    assert_eq!(rsa_encryption[16], 0x0a);
    rsa_encryption[16] = 0x01;
    assert_eq!(CredentialPublicKey::from_spki_der(&rsa_encryption), Err(KeyError::WrongAlgorithm));

    // Unsupported sizes and exponents.
    assert_eq!(
        CredentialPublicKey::from_spki_der(&build_spki(&n[..128], &[1, 0, 1])),
        Err(KeyError::UnsupportedSize { bits: 1024 })
    );
    assert_eq!(
        CredentialPublicKey::from_spki_der(&build_spki(&[n.as_slice(), &n[..8]].concat(), &[1, 0, 1])),
        Err(KeyError::UnsupportedSize { bits: 4160 })
    );
    assert_eq!(CredentialPublicKey::from_spki_der(&build_spki(&n, &[3])), Err(KeyError::UnsupportedExponent));
    assert_eq!(CredentialPublicKey::from_spki_der(&build_spki(&n, &[1, 0, 0, 1])), Err(KeyError::UnsupportedExponent));
}

#[test]
fn secret_key_encoding_round_trips_and_is_strict() {
    let sk = key_a();
    let der = sk.to_pkcs8_der().unwrap();
    let decoded = CredentialSecretKey::from_pkcs8_der(&der).unwrap();
    assert_eq!(decoded.public_key(), sk.public_key());
    // The decoded key signs as the original does.
    let issued = issue(&decoded, POLL, 60);
    issued.credential.verify(sk.public_key(), &POLL).unwrap();

    let mut trailing = der.to_vec();
    trailing.push(0);
    assert_eq!(CredentialSecretKey::from_pkcs8_der(&trailing).unwrap_err(), KeyError::Malformed);
    assert_eq!(CredentialSecretKey::from_pkcs8_der(&der[..200]).unwrap_err(), KeyError::Malformed);
    // A public key is not a secret key.
    assert_eq!(CredentialSecretKey::from_pkcs8_der(sk.public_key().to_spki_der()).unwrap_err(), KeyError::Malformed);
    assert_eq!(format!("{sk:?}"), "CredentialSecretKey([redacted])");

    assert_eq!(
        CredentialSecretKey::generate(&mut test_rng(61), 1024).unwrap_err(),
        KeyError::UnsupportedSize { bits: 1024 }
    );
    assert_eq!(
        CredentialSecretKey::generate(&mut test_rng(61), 8192).unwrap_err(),
        KeyError::UnsupportedSize { bits: 8192 }
    );
}

#[test]
fn tokens_are_secret() {
    let token = Token::from_bytes([0x5a; 32]);
    assert_eq!(format!("{token:?}"), "Token([redacted])");
    assert_eq!(token, Token::from_bytes([0x5a; 32]));
    assert_ne!(token, Token::from_bytes([0x5b; 32]));
}

// ---------------------------------------------------------------------------
// Helpers.

fn test_rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn key_a() -> &'static CredentialSecretKey {
    static KEY: OnceLock<CredentialSecretKey> = OnceLock::new();
    KEY.get_or_init(|| CredentialSecretKey::generate(&mut test_rng(0xa), 2048).unwrap())
}

fn key_b() -> &'static CredentialSecretKey {
    static KEY: OnceLock<CredentialSecretKey> = OnceLock::new();
    KEY.get_or_init(|| CredentialSecretKey::generate(&mut test_rng(0xb), 2048).unwrap())
}

fn vector_rsa_key() -> rsa::RsaPrivateKey {
    rsa::RsaPrivateKey::from_components(
        uint(KEY_N, 4096),
        uint(KEY_E, 24),
        uint(KEY_D, 4096),
        vec![uint(KEY_P, 4096), uint(KEY_Q, 4096)],
    )
    .unwrap()
}

fn vector_credential_key() -> CredentialSecretKey {
    let der = vector_rsa_key().to_pkcs8_der().unwrap();
    CredentialSecretKey::from_pkcs8_der(der.as_bytes()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn uint(hex: &str, bits: u32) -> BoxedUint {
    BoxedUint::from_be_slice(&unhex(hex), bits).unwrap()
}

/// DER: tag, definite length, content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    match len {
        0..=0x7f => out.push(len as u8),
        0x80..=0xff => out.extend([0x81, len as u8]),
        _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(content);
    out
}

/// A DER INTEGER holding the unsigned big-endian `be`.
fn der_uint(be: &[u8]) -> Vec<u8> {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len() - 1);
    let mut content = Vec::new();
    if be[start] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(&be[start..]);
    der(0x02, &content)
}

/// The SubjectPublicKeyInfo of spec §6.1 for modulus `n` and exponent `e`.
fn build_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let rsa_public_key = der(0x30, &[der_uint(n), der_uint(e)].concat());
    let bit_string = der(0x03, &[[0u8].as_slice(), &rsa_public_key].concat());
    der(0x30, &[unhex(PSS_ALGORITHM_ID), bit_string].concat())
}

/// A "random" number generator that hands out given bytes, then (for
/// `chain`) those of a real generator.
struct ByteStream {
    bytes: Vec<u8>,
    pos: usize,
    then: Option<StdRng>,
}

impl ByteStream {
    fn new(bytes: Vec<u8>) -> Self {
        Self { bytes, pos: 0, then: None }
    }

    fn chain(first: [u8; 32], then: StdRng) -> Self {
        Self { bytes: first.to_vec(), pos: 0, then: Some(then) }
    }

    fn is_empty(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

impl rand_core::TryRng for ByteStream {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let from_stream = dst.len().min(self.bytes.len() - self.pos);
        dst[..from_stream].copy_from_slice(&self.bytes[self.pos..self.pos + from_stream]);
        self.pos += from_stream;
        if from_stream < dst.len() {
            let then = self.then.as_mut().expect("the vector's randomness ran out");
            rand_core::Rng::fill_bytes(then, &mut dst[from_stream..]);
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for ByteStream {}
