//! Tests of Ed25519 signing (spec §8), with the RFC 8032 §7.1 vectors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::tags;
use curve25519_dalek::constants::EIGHT_TORSION;
use rand::SeedableRng;

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(8)
}

fn h(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).unwrap()
}

/// The SIG_* tags of spec §8.3.
const SIG_TAGS: [&str; 7] = [
    tags::SIG_TREE_HEAD,
    tags::SIG_RESULT,
    tags::SIG_RECORD,
    tags::SIG_STATION_REQUEST,
    tags::SIG_DELEGATE_CARD,
    tags::SIG_RECEIPT,
    tags::SIG_DKG_MESSAGE,
];

/// (name, SECRET KEY, PUBLIC KEY, MESSAGE, SIGNATURE)
type Vector = (&'static str, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

/// Test vectors from RFC 8032 §7.1 ("Test Vectors for Ed25519"), hex
/// exactly as the RFC prints them (checked against several independent
/// transcriptions; the signatures reproducing is the final check).
fn rfc8032_vectors() -> Vec<Vector> {
    vec![
        (
            "TEST 1",
            h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
            h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            h(""),
            h("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155
               5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ),
        (
            "TEST 2",
            h("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
            h("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
            h("72"),
            h("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da
               085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ),
        (
            "TEST 3",
            h("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"),
            h("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"),
            h("af82"),
            h("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac
               18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        ),
        (
            "TEST 1024",
            h("f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5"),
            h("278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e"),
            h(RFC8032_TEST_1024_MESSAGE),
            h("0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350
               aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"),
        ),
        (
            "TEST SHA(abc)",
            h("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"),
            h("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"),
            h("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a
               2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            h("dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589
               09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
        ),
    ]
}

/// RFC 8032 §7.1, TEST 1024: the 1023-byte MESSAGE, 16 bytes a line as printed.
const RFC8032_TEST_1024_MESSAGE: &str = "
    08b8b2b733424243760fe426a4b54908 632110a66c2f6591eabd3345e3e4eb98
    fa6e264bf09efe12ee50f8f54e9f77b1 e355f6c50544e23fb1433ddf73be84d8
    79de7c0046dc4996d9e773f4bc9efe57 38829adb26c81b37c93a1b270b20329d
    658675fc6ea534e0810a4432826bf58c 941efb65d57a338bbd2e26640f89ffbc
    1a858efcb8550ee3a5e1998bd177e93a 7363c344fe6b199ee5d02e82d522c4fe
    ba15452f80288a821a579116ec6dad2b 3b310da903401aa62100ab5d1a36553e
    06203b33890cc9b832f79ef80560ccb9 a39ce767967ed628c6ad573cb116dbef
    efd75499da96bd68a8a97b928a8bbc10 3b6621fcde2beca1231d206be6cd9ec7
    aff6f6c94fcd7204ed3455c68c83f4a4 1da4af2b74ef5c53f1d8ac70bdcb7ed1
    85ce81bd84359d44254d95629e9855a9 4a7c1958d1f8ada5d0532ed8a5aa3fb2
    d17ba70eb6248e594e1a2297acbbb39d 502f1a8c6eb6f1ce22b3de1a1f40cc24
    554119a831a9aad6079cad88425de6bd e1a9187ebb6092cf67bf2b13fd65f270
    88d78b7e883c8759d2c4f5c65adb7553 878ad575f9fad878e80a0c9ba63bcbcc
    2732e69485bbc9c90bfbd62481d9089b eccf80cfe2df16a2cf65bd92dd597b07
    07e0917af48bbb75fed413d238f5555a 7a569d80c3414a8d0859dc65a46128ba
    b27af87a71314f318c782b23ebfe808b 82b0ce26401d2e22f04d83d1255dc51a
    ddd3b75a2b1ae0784504df543af8969b e3ea7082ff7fc9888c144da2af58429e
    c96031dbcad3dad9af0dcbaaaf268cb8 fcffead94f3c7ca495e056a9b47acdb7
    51fb73e666c6c655ade8297297d07ad1 ba5e43f1bca32301651339e22904cc8c
    42f58c30c04aafdb038dda0847dd988d cda6f3bfd15c4b4c4525004aa06eeff8
    ca61783aacec57fb3d1f92b0fe2fd1a8 5f6724517b65e614ad6808d6f6ee34df
    f7310fdc82aebfd904b01e1dc54b2927 094b2db68d6f903b68401adebf5a7e08
    d78ff4ef5d63653a65040cf9bfd4aca7 984a74d37145986780fc0b16ac451649
    de6188a7dbdf191f64b5fc5e2ab47b57 f7f7276cd419c17a3ca8e1b939ae49e4
    88acba6b965610b5480109c8b17b80e1 b7b750dfc7598d5d5011fd2dcc5600a3
    2ef5b52a1ecc820e308aa342721aac09 43bf6686b64b2579376504ccc493d97e
    6aed3fb0f9cd71a43dd497f01f17c0e2 cb3797aa2a2f256656168e6c496afc5f
    b93246f6b1116398a346f1a641f3b041 e989f7914f90cc2c7fff357876e506b5
    0d334ba77c225bc307ba537152f3f161 0e4eafe595f6d9d90d11faa933a15ef1
    369546868a7f3a45a96768d40fd9d034 12c091c6315cf4fde7cb68606937380d
    b2eaaa707b4c4185c32eddcdd306705e 4dc1ffc872eeee475a64dfac86aba41c
    0618983f8741c5ef68d3a101e8a3b8ca c60c905c15fc910840b94c00a0b9d0";

#[test]
fn rfc8032_section_7_1_vectors() {
    for (name, seed, public, message, signature) in rfc8032_vectors() {
        let key = SigningKey::from_bytes(&seed.clone().try_into().unwrap());
        assert_eq!(key.verifying_key().to_bytes().to_vec(), public, "{name}: public key");
        assert_eq!(key.to_bytes().to_vec(), seed, "{name}: seed round trip");

        // The published key and signature go through this module's strict decoders.
        let vk = VerifyingKey::decode(&public).expect(name);
        let sig = Signature::decode(&signature).expect(name);
        assert_eq!(sign_raw(&key, &message), sig, "{name}: signature");
        assert_eq!(verify_raw(&vk, &message, &sig), Ok(()), "{name}: verifies");

        let mut other = message.clone();
        other.push(0);
        assert_eq!(verify_raw(&vk, &other, &sig), Err(VerifyError::Signature), "{name}");
        // A raw signature is not a tagged one, for any tag.
        for tag in SIG_TAGS {
            assert!(verify(&vk, tag, &message, &sig).is_err(), "{name} under {tag}");
        }
    }
    // TEST 1024's message is 1023 bytes and TEST SHA(abc)'s is SHA-512("abc").
    let vectors = rfc8032_vectors();
    assert_eq!(vectors[3].3.len(), 1023);
    use sha2::Digest;
    assert_eq!(vectors[4].3, sha2::Sha512::digest(b"abc").to_vec());
}

/// Pins the construction of spec §8.3 byte for byte: Ed25519 is
/// deterministic, so a tagged signature equals the raw signature of
/// `u64be(len tag) ‖ tag ‖ message` spelled out by hand.
#[test]
fn tagged_signature_signs_length_prefixed_tag_then_message() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let message = b"tree head bytes";
    let mut manual = Vec::new();
    manual.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 25]);
    manual.extend_from_slice(b"hallvote/sig/tree-head/v1");
    manual.extend_from_slice(message);
    assert_eq!(tags::SIG_TREE_HEAD.len(), 25);
    assert_eq!(sign(&key, tags::SIG_TREE_HEAD, message), sign_raw(&key, &manual));
    assert_ne!(sign(&key, tags::SIG_TREE_HEAD, message), sign_raw(&key, message));
}

/// The worked example of spec §8.5: seed 32 × 0x07 signs the tree head of
/// spec §7.5.1's example under `SIG_TREE_HEAD`. The public key and
/// signature were computed independently (Python `cryptography`'s Ed25519
/// over the spelled-out signed bytes).
#[test]
fn spec_section_8_5_example() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let tree_head = h("0000000000000008 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    assert_eq!(
        signed_bytes(tags::SIG_TREE_HEAD, &tree_head),
        h("0000000000000019 68616c6c766f74652f7369672f747265652d686561642f7631
           0000000000000008 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    );
    let public = h("ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c");
    let expected = h("d44afe33cd2785b38f8a3633d24a5ebba5f9edcde1f51ed5c73f0dacd5908eef
                      22d625e7e387c8bfdb52792e2d371152b2a121b27d38e3d06ef2eb97026e5004");
    assert_eq!(key.verifying_key().to_bytes().to_vec(), public);
    let sig = sign(&key, tags::SIG_TREE_HEAD, &tree_head);
    assert_eq!(sig.to_bytes().to_vec(), expected);
    let vk = VerifyingKey::decode(&public).unwrap();
    assert_eq!(verify(&vk, tags::SIG_TREE_HEAD, &tree_head, &Signature::decode(&expected).unwrap()), Ok(()));
}

#[test]
fn sign_verify_round_trip_and_encodings() {
    let key = SigningKey::generate(&mut rng());
    let vk = key.verifying_key();
    let sig = sign(&key, tags::SIG_RESULT, b"result");
    assert_eq!(verify(&vk, tags::SIG_RESULT, b"result", &sig), Ok(()));

    assert_eq!(VerifyingKey::from_bytes(&vk.to_bytes()).unwrap(), vk);
    assert_eq!(Signature::from_bytes(&sig.to_bytes()).unwrap(), sig);
    let restored = SigningKey::from_bytes(&key.to_bytes());
    assert_eq!(restored.verifying_key(), vk);
    assert_eq!(VerifyingKey::decode(&[0; 31]), Err(Ed25519DecodeError::Length { expected: 32, actual: 31 }));
    assert_eq!(Signature::decode(&[0; 65]), Err(Ed25519DecodeError::Length { expected: 64, actual: 65 }));
}

#[test]
fn a_signature_under_one_tag_fails_under_every_other() {
    let key = SigningKey::generate(&mut rng());
    let vk = key.verifying_key();
    let message = b"the same bytes under every tag";
    for signed_under in SIG_TAGS {
        let sig = sign(&key, signed_under, message);
        for checked_under in SIG_TAGS {
            let result = verify(&vk, checked_under, message, &sig);
            if signed_under == checked_under {
                assert_eq!(result, Ok(()));
            } else {
                assert_eq!(result, Err(VerifyError::Signature), "{signed_under} vs {checked_under}");
            }
        }
    }
    // The length prefix keeps the tag/message boundary: moving bytes
    // between tag and message changes what is signed.
    let sig = sign(&key, "hallvote/x", b"/v1abc");
    assert!(verify(&vk, "hallvote/x/v1", b"abc", &sig).is_err());
}

#[test]
fn tampering_with_message_signature_or_key_fails() {
    let key = SigningKey::generate(&mut rng());
    let vk = key.verifying_key();
    let message = b"counter 3 signs the result".to_vec();
    let sig = sign(&key, tags::SIG_RESULT, &message);

    for bit in 0..message.len() * 8 {
        let mut m = message.clone();
        m[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(verify(&vk, tags::SIG_RESULT, &m, &sig), Err(VerifyError::Signature));
    }
    // Every bit of R (bytes 0..32) and of s (bytes 32..64): the result is
    // either refused when decoding or fails to verify.
    let bytes = sig.to_bytes();
    for bit in 0..SIGNATURE_LEN * 8 {
        let mut b = bytes;
        b[bit / 8] ^= 1 << (bit % 8);
        if let Ok(tampered) = Signature::from_bytes(&b) {
            assert_eq!(verify(&vk, tags::SIG_RESULT, &message, &tampered), Err(VerifyError::Signature), "bit {bit}");
        }
    }
    // Every bit of the public key.
    for bit in 0..PUBLIC_KEY_LEN * 8 {
        let mut b = vk.to_bytes();
        b[bit / 8] ^= 1 << (bit % 8);
        if let Ok(other) = VerifyingKey::from_bytes(&b) {
            assert_eq!(verify(&other, tags::SIG_RESULT, &message, &sig), Err(VerifyError::Signature));
        }
    }
    // Another honest key.
    let other = SigningKey::from_bytes(&[3; 32]).verifying_key();
    assert_ne!(other, vk);
    assert!(verify(&other, tags::SIG_RESULT, &message, &sig).is_err());
}

/// ℓ, little-endian (RFC 8032 §5.1: L = 2^252 + 27742317777372353535851937790883648493).
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    out
}

#[test]
fn non_canonical_s_is_rejected() {
    let key = SigningKey::generate(&mut rng());
    let vk = key.verifying_key();
    let sig = sign(&key, tags::SIG_RECEIPT, b"receipt");
    let bytes = sig.to_bytes();
    let s: [u8; 32] = bytes[32..].try_into().unwrap();
    // s + ℓ is the same residue, so the unreduced equation would still hold.
    let mut malleated = bytes;
    malleated[32..].copy_from_slice(&add_le(&s, &ELL));
    assert_eq!(Signature::from_bytes(&malleated), Err(Ed25519DecodeError::NonCanonicalS));
    // s = ℓ itself is the smallest non-canonical value; ℓ − 1 is fine to decode.
    let mut at_ell = bytes;
    at_ell[32..].copy_from_slice(&ELL);
    assert_eq!(Signature::from_bytes(&at_ell), Err(Ed25519DecodeError::NonCanonicalS));
    let mut below = ELL;
    below[0] -= 1;
    at_ell[32..].copy_from_slice(&below);
    assert!(Signature::from_bytes(&at_ell).is_ok());
    // Even if such a value got past decoding, strict verification refuses it.
    let smuggled = Signature(ed25519_dalek::Signature::from_bytes(&malleated));
    assert_eq!(verify(&vk, tags::SIG_RECEIPT, b"receipt", &smuggled), Err(VerifyError::Signature));
    assert_eq!(verify(&vk, tags::SIG_RECEIPT, b"receipt", &sig), Ok(()));
}

#[test]
fn small_order_keys_are_rejected() {
    // The identity's encoding, y = 1: 01 00 … 00.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(VerifyingKey::from_bytes(&identity), Err(Ed25519DecodeError::WeakKey));
    // All eight points of order dividing 8.
    for (i, point) in EIGHT_TORSION.iter().enumerate() {
        let bytes = point.compress().to_bytes();
        assert_eq!(VerifyingKey::from_bytes(&bytes), Err(Ed25519DecodeError::WeakKey), "E[8] #{i}");
    }
    // Why: under the identity key, (R = identity, s = 0) satisfies the plain
    // RFC 8032 equation for every message. ed25519-dalek's non-strict
    // `verify` accepts that forgery; a key like this never gets that far here.
    let weak = ed25519_dalek::VerifyingKey::from_bytes(&identity).unwrap();
    let mut forged = [0u8; 64];
    forged[0] = 1;
    let forged = ed25519_dalek::Signature::from_bytes(&forged);
    use ed25519_dalek::Verifier;
    assert!(weak.verify(b"anything at all", &forged).is_ok());
    assert!(weak.verify_strict(b"anything at all", &forged).is_err());
}

#[test]
fn keys_with_a_small_order_component_are_rejected() {
    let honest = SigningKey::generate(&mut rng()).verifying_key();
    let point = honest.0.to_edwards();
    for (i, torsion) in EIGHT_TORSION.iter().enumerate().skip(1) {
        let mixed = (point + torsion).compress().to_bytes();
        assert_eq!(VerifyingKey::from_bytes(&mixed), Err(Ed25519DecodeError::TorsionKey), "T{i}");
    }
}

#[test]
fn non_canonical_key_encodings_are_rejected() {
    // p = 2^255 − 19; an encoding of y with y ≥ p is non-canonical. Such
    // encodings exist for y − p ∈ 0..19; try each with both sign bits.
    let mut rejected_not_weak = 0;
    for low in 0u8..19 {
        for sign in [0u8, 0x80] {
            let mut bytes = [0xffu8; 32];
            bytes[0] = 0xed + low; // p's low byte is 0xed; 0xed + 18 = 0xff
            bytes[31] = 0x7f | sign;
            let lenient = ed25519_dalek::VerifyingKey::from_bytes(&bytes);
            if let Ok(lenient) = lenient {
                assert_eq!(
                    VerifyingKey::from_bytes(&bytes),
                    Err(Ed25519DecodeError::NonCanonicalKey),
                    "y = p + {low}, sign {sign:#x}"
                );
                if !lenient.is_weak() {
                    rejected_not_weak += 1;
                }
            }
        }
    }
    // At least one of them is a point of large order, so the canonicity
    // check is doing work that the small-order check would not.
    assert!(rejected_not_weak > 0);
    // x = 0 with the sign bit set ("−0"): the identity, non-canonically.
    let mut minus_zero = [0u8; 32];
    minus_zero[0] = 1;
    minus_zero[31] = 0x80;
    assert_eq!(VerifyingKey::from_bytes(&minus_zero), Err(Ed25519DecodeError::NonCanonicalKey));
    // Not a point at all: y = 2 has no x on the curve.
    let mut not_on_curve = [0u8; 32];
    not_on_curve[0] = 2;
    assert!(ed25519_dalek::VerifyingKey::from_bytes(&not_on_curve).is_err());
    assert_eq!(VerifyingKey::from_bytes(&not_on_curve), Err(Ed25519DecodeError::NonCanonicalKey));
}

#[test]
fn secrets_are_redacted() {
    let key = SigningKey::from_bytes(&[0x42; 32]);
    let printed = format!("{key:?}");
    assert_eq!(printed, "SigningKey([redacted])");
    assert!(!printed.contains("42"));
}
