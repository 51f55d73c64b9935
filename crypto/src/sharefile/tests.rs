//! Tests of the share file (spec §9), with the Argon2id and XChaCha20-Poly1305
//! known-answer vectors run through the crates the file format uses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::group::G;
use curve25519_dalek::scalar::Scalar;
use rand::SeedableRng;

const PASS: &[u8] = b"correct horse battery staple";
const TEST: ParamLimits = ParamLimits::ALLOW_TEST_PARAMS;

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(9)
}

fn h(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).unwrap()
}

fn payload(rng: &mut rand::rngs::StdRng) -> SharePayload {
    let joint = Element::new(G * Scalar::random(rng));
    SharePayload::new([0xc1; 32], 2, 3, 5, SecretScalar::random(rng), joint).unwrap()
}

fn sealed() -> (SharePayload, Vec<u8>) {
    let mut rng = rng();
    let payload = payload(&mut rng);
    let file = seal(&payload, PASS, SealParams::for_tests(), &mut rng).unwrap();
    (payload, file)
}

/// Encrypts arbitrary payload bytes as a well-formed file, to test the
/// checks that run after decryption.
fn seal_bytes(plaintext: &[u8]) -> Vec<u8> {
    let plaintext = Zeroizing::new(plaintext.to_vec());
    seal_with(&plaintext, PASS, SealParams::for_tests(), &[1; SALT_LEN], &[2; NONCE_LEN]).unwrap()
}

#[test]
fn round_trip() {
    let (payload, file) = sealed();
    assert_eq!(file.len(), FILE_LEN);
    assert_eq!(FILE_LEN, 217);
    let opened = open(&file, PASS, TEST).unwrap();
    assert_eq!(opened, payload);
    assert_eq!(opened.index(), 2);
    assert_eq!(opened.threshold(), 3);
    assert_eq!(opened.participants(), 5);
    assert_eq!(opened.ceremony_id(), &[0xc1; 32]);
    assert_eq!(opened.public_share(), &opened.secret().public());
    assert_eq!(opened.joint_key(), payload.joint_key());
}

#[test]
fn header_layout_is_as_specified() {
    let (_, file) = sealed();
    assert_eq!(&file[..7], b"HVSHARE");
    assert_eq!(file[7], 1);
    assert_eq!(&file[8..12], &64u32.to_be_bytes()); // m
    assert_eq!(&file[12..16], &1u32.to_be_bytes()); // t
    assert_eq!(&file[16..20], &1u32.to_be_bytes()); // p
    assert_eq!(HEADER_LEN, 60);
    assert_eq!(PAYLOAD_LEN, 141);
    // Fresh salt and nonce each time: sealing twice gives different files.
    let mut rng = rng();
    let p = payload(&mut rng);
    let a = seal(&p, PASS, SealParams::for_tests(), &mut rng).unwrap();
    let b = seal(&p, PASS, SealParams::for_tests(), &mut rng).unwrap();
    assert_ne!(a[20..60], b[20..60]);
    assert_ne!(a[60..], b[60..]);
}

#[test]
fn wrong_passphrase_fails() {
    let (_, file) = sealed();
    for wrong in [&b"correct horse battery stapler"[..], b"", b"Correct horse battery staple"] {
        assert_eq!(open(&file, wrong, TEST), Err(ShareFileError::WrongPassphraseOrCorrupt));
    }
}

/// Every byte of the file matters: the header is the AEAD's associated data
/// and the rest is ciphertext and tag.
#[test]
fn changing_any_byte_is_detected() {
    let (_, file) = sealed();
    for position in 0..file.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bad = file.clone();
            bad[position] ^= mask;
            let result = open(&bad, PASS, TEST);
            match position {
                0..=6 => assert_eq!(
                    result,
                    Err(ShareFileError::Malformed(DecodeError::UnknownFormat { what: "share file magic" }))
                ),
                7 => assert_eq!(result, Err(ShareFileError::UnsupportedVersion(1 ^ mask))),
                // Parameters: out of bounds, or in bounds and then a different key.
                8..=19 => assert!(
                    matches!(result, Err(ShareFileError::ParamsOutOfBounds | ShareFileError::WrongPassphraseOrCorrupt)),
                    "byte {position} mask {mask:#x}: {result:?}"
                ),
                _ => {
                    assert_eq!(result, Err(ShareFileError::WrongPassphraseOrCorrupt), "byte {position} mask {mask:#x}")
                }
            }
        }
    }
}

#[test]
fn truncated_or_extended_files_fail() {
    let (_, file) = sealed();
    for len in 0..file.len() {
        assert!(open(&file[..len], PASS, TEST).is_err(), "prefix of {len} bytes");
    }
    assert_eq!(
        open(&file[..HEADER_LEN + TAG_LEN - 1], PASS, TEST),
        Err(ShareFileError::Malformed(DecodeError::Length { expected: 76, actual: 75 }))
    );
    // A header and a tag over nothing is well formed, and does not verify.
    assert_eq!(open(&file[..HEADER_LEN + TAG_LEN], PASS, TEST), Err(ShareFileError::WrongPassphraseOrCorrupt));
    let mut longer = file.clone();
    longer.push(0);
    assert_eq!(open(&longer, PASS, TEST), Err(ShareFileError::WrongPassphraseOrCorrupt));
}

#[test]
fn bad_magic_and_version() {
    let (_, file) = sealed();
    let mut bad = file.clone();
    bad[..7].copy_from_slice(b"HVSHARF");
    assert!(matches!(open(&bad, PASS, TEST), Err(ShareFileError::Malformed(DecodeError::UnknownFormat { .. }))));
    assert!(matches!(open(b"not a share file", PASS, TEST), Err(ShareFileError::Malformed(_))));
    assert!(matches!(open(b"HVS", PASS, TEST), Err(ShareFileError::Malformed(_))));
    let mut v2 = file.clone();
    v2[7] = 2;
    assert_eq!(open(&v2, PASS, TEST), Err(ShareFileError::UnsupportedVersion(2)));
    // A known payload inside, with an unknown payload version.
    let mut p = payload(&mut rng()).encode();
    p[0] = 2;
    assert_eq!(open(&seal_bytes(&p), PASS, TEST), Err(ShareFileError::UnsupportedVersion(2)));
}

#[test]
fn params_out_of_bounds() {
    // The test parameters are refused by the standard limits.
    let (_, file) = sealed();
    assert_eq!(open(&file, PASS, ParamLimits::STANDARD), Err(ShareFileError::ParamsOutOfBounds));

    // SealParams::new enforces the standard bounds.
    assert!(SealParams::new(MIN_M_COST_KIB, 1, 1).is_ok());
    assert!(SealParams::new(MAX_M_COST_KIB, MAX_T_COST, MAX_P_COST).is_ok());
    for (m, t, p) in [
        (MIN_M_COST_KIB - 1, 3, 1),
        (MAX_M_COST_KIB + 1, 3, 1),
        (65536, 0, 1),
        (65536, MAX_T_COST + 1, 1),
        (65536, 3, 0),
        (65536, 3, MAX_P_COST + 1),
    ] {
        assert_eq!(SealParams::new(m, t, p), Err(ShareFileError::ParamsOutOfBounds), "{m} {t} {p}");
    }
    assert_eq!(SealParams::default(), SealParams::DEFAULT);
    assert_eq!(
        (SealParams::DEFAULT.m_cost_kib(), SealParams::DEFAULT.t_cost(), SealParams::DEFAULT.p_cost()),
        (65536, 3, 1)
    );
    assert!(ParamLimits::STANDARD.check(SealParams::DEFAULT).is_ok());

    // Crafted headers are refused before any key derivation, in any mode: a
    // 4 TiB memory cost or 2^32 − 1 passes would otherwise hang the reader.
    for (offset, value) in [(8, u32::MAX), (8, 4), (12, 0), (12, 1_000_000), (16, 0), (16, 64)] {
        let mut bad = file.clone();
        bad[offset..offset + 4].copy_from_slice(&u32::to_be_bytes(value));
        assert_eq!(open(&bad, PASS, TEST), Err(ShareFileError::ParamsOutOfBounds), "{offset} {value}");
    }
    // p = 4 needs at least 32 KiB (8 KiB a lane).
    let mut bad = file.clone();
    bad[8..12].copy_from_slice(&16u32.to_be_bytes());
    bad[16..20].copy_from_slice(&4u32.to_be_bytes());
    assert_eq!(open(&bad, PASS, TEST), Err(ShareFileError::ParamsOutOfBounds));
}

#[test]
fn default_params_round_trip() {
    // One real-strength seal and open (64 MiB, 3 passes), so the standard
    // path is exercised end to end and not only the test parameters.
    let mut rng = rng();
    let p = payload(&mut rng);
    let file = seal(&p, PASS, SealParams::DEFAULT, &mut rng).unwrap();
    assert_eq!(&file[8..20], &[0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1]);
    assert_eq!(open(&file, PASS, ParamLimits::STANDARD).unwrap(), p);
}

#[test]
fn public_share_mismatch_is_detected() {
    let mut rng = rng();
    let p = payload(&mut rng);
    let mut bytes = p.encode();
    // Replace the stored public share (bytes 77..109) by another valid element.
    let other = Element::new(G * Scalar::random(&mut rng));
    bytes[77..109].copy_from_slice(other.as_bytes());
    assert_eq!(open(&seal_bytes(&bytes), PASS, TEST), Err(ShareFileError::PublicShareMismatch));
    // Unchanged, the same path succeeds.
    assert_eq!(open(&seal_bytes(&p.encode()), PASS, TEST).unwrap(), p);
}

#[test]
fn payload_layout_and_strict_decoding() {
    let p = payload(&mut rng());
    let bytes = p.encode();
    assert_eq!(bytes.len(), PAYLOAD_LEN);
    assert_eq!(bytes[0], 1);
    assert_eq!(&bytes[1..33], &[0xc1; 32]);
    assert_eq!(&bytes[33..45], &[0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 5]);
    assert_eq!(&bytes[45..77], p.secret().to_bytes().as_ref());
    assert_eq!(&bytes[77..109], p.public_share().as_bytes());
    assert_eq!(&bytes[109..141], p.joint_key().as_bytes());
    assert_eq!(SharePayload::decode(&bytes).unwrap(), p);

    let with = |offset: usize, new: &[u8]| {
        let mut b = bytes.to_vec();
        b[offset..offset + new.len()].copy_from_slice(new);
        SharePayload::decode(&b)
    };
    let out_of_range = |what| Err(ShareFileError::Malformed(DecodeError::OutOfRange { what }));
    assert_eq!(with(33, &0u32.to_be_bytes()), out_of_range("share index"));
    assert_eq!(with(33, &6u32.to_be_bytes()), out_of_range("share index"));
    assert_eq!(with(37, &0u32.to_be_bytes()), out_of_range("share threshold"));
    assert_eq!(with(37, &6u32.to_be_bytes()), out_of_range("share threshold"));
    assert_eq!(with(41, &256u32.to_be_bytes()), out_of_range("share participants"));
    assert_eq!(with(45, &[0; 32]), Err(ShareFileError::Malformed(DecodeError::ZeroScalar)));
    assert_eq!(with(45, &[0xff; 32]), Err(ShareFileError::Malformed(DecodeError::NonCanonicalScalar)));
    assert_eq!(with(109, &[0; 32]), Err(ShareFileError::Malformed(DecodeError::Identity)));
    assert_eq!(with(109, &[0xff; 32]), Err(ShareFileError::Malformed(DecodeError::NonCanonicalElement)));
    assert_eq!(with(77, &[0; 32]), Err(ShareFileError::Malformed(DecodeError::Identity)));
    assert!(matches!(
        SharePayload::decode(&bytes[..140]),
        Err(ShareFileError::Malformed(DecodeError::Length { expected: 141, actual: 140 }))
    ));
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert!(matches!(SharePayload::decode(&longer), Err(ShareFileError::Malformed(DecodeError::Length { .. }))));
}

#[test]
fn payload_constructor_validates() {
    let mut rng = rng();
    let joint = Element::new(G * Scalar::random(&mut rng));
    let secret = || SecretScalar::random(&mut rand::rngs::StdRng::seed_from_u64(1));
    assert!(SharePayload::new([0; 32], 1, 1, 1, secret(), joint).is_ok());
    assert!(SharePayload::new([0; 32], 0, 1, 1, secret(), joint).is_err());
    assert!(SharePayload::new([0; 32], 2, 1, 1, secret(), joint).is_err());
    assert!(SharePayload::new([0; 32], 1, 0, 1, secret(), joint).is_err());
    assert!(SharePayload::new([0; 32], 1, 2, 1, secret(), joint).is_err());
    assert!(SharePayload::new([0; 32], 1, 1, 0, secret(), joint).is_err());
    assert!(SharePayload::new([0; 32], 255, 255, 255, secret(), joint).is_ok());
    assert!(SharePayload::new([0; 32], 1, 1, 256, secret(), joint).is_err());
    assert_eq!(SharePayload::new([0; 32], 1, 1, 1, secret(), Element::identity()), Err(DecodeError::Identity));
}

#[test]
fn empty_passphrase_is_refused() {
    let mut rng = rng();
    let p = payload(&mut rng);
    assert_eq!(seal(&p, b"", SealParams::for_tests(), &mut rng), Err(ShareFileError::EmptyPassphrase));
}

#[test]
fn the_secret_never_prints() {
    let p = payload(&mut rng());
    let secret_hex = hex::encode(p.secret().to_bytes().as_ref());
    let printed = format!("{p:?}");
    assert!(printed.contains("[redacted]"), "{printed}");
    assert!(!printed.contains(&secret_hex));
}

#[test]
fn paper_backup_of_a_share_file_round_trips() {
    let (payload, file) = sealed();
    let paper = to_paper(&file);
    assert_eq!(paper.lines().count(), 14 + 2);
    let back = from_paper(&paper).unwrap();
    assert_eq!(back, file);
    assert_eq!(open(&back, PASS, TEST).unwrap(), payload);
}

/// Golden file: a share sealed with fixed salt, nonce and secret under the
/// smallest standard parameters (8 MiB, 1 pass, 1 lane). Its hex is printed
/// in spec §9.7 so that another implementation can check itself; this test
/// keeps the code and the spec from drifting apart. The file was generated by
/// this code and decrypted independently (Python: OpenSSL's Argon2id from
/// `cryptography`, HChaCha20 written from draft-irtf-cfrg-xchacha-03 §2.2,
/// ChaCha20-Poly1305 from `cryptography`), giving back the payload below.
#[test]
fn golden_file_of_spec_section_9_7() {
    let secret = SecretScalar::new(Scalar::from(0x0102_0304_0506_0708u64));
    let joint = Element::new(G * Scalar::from(42u64));
    let payload = SharePayload::new([0x11; 32], 1, 2, 3, secret, joint).unwrap();
    let salt: [u8; SALT_LEN] = core::array::from_fn(|i| i as u8);
    let nonce: [u8; NONCE_LEN] = core::array::from_fn(|i| 0x80 + i as u8);
    let params = SealParams::new(MIN_M_COST_KIB, 1, 1).unwrap();
    let file = seal_with(&payload.encode(), b"hallvote", params, &salt, &nonce).unwrap();
    assert_eq!(hex::encode(&file), GOLDEN.split_whitespace().collect::<String>());
    assert_eq!(open(&file, b"hallvote", ParamLimits::STANDARD).unwrap(), payload);
    // The payload inside (spec §9.4), as the independent decryption showed it.
    assert_eq!(
        hex::encode(payload.encode()),
        concat!(
            "01",
            "1111111111111111111111111111111111111111111111111111111111111111",
            "00000001",
            "00000002",
            "00000003",
            "0807060504030201000000000000000000000000000000000000000000000000",
            "5ea857570abcf6010580794d21409ae9320df2043be4debddba864b6fb6de03a",
            "e00af9c74d9edb8ebcc160ceec97d531cbd6e2956f9e9162b8e9eda260e82e43",
        )
    );
    // Its paper backup (spec §9.6); the checksums were computed independently
    // (Python, hashlib.sha512 over the §2.1 encoding).
    assert_eq!(to_paper(&file), GOLDEN_PAPER);
    assert_eq!(from_paper(GOLDEN_PAPER).unwrap(), file);
}

/// The paper backup of the golden file, as printed in spec §9.7.
const GOLDEN_PAPER: &str = "\
-----BEGIN HALLVOTE SHARE-----\n\
01: 4856 5348 4152 4501 0000 2000 0000 0001  32\n\
02: 0000 0001 0001 0203 0405 0607 0809 0a0b  4b\n\
03: 0c0d 0e0f 8081 8283 8485 8687 8889 8a8b  61\n\
04: 8c8d 8e8f 9091 9293 9495 9697 c1f3 9b8e  08\n\
05: adad 061b 6220 4a43 bbce e4d0 dea4 6562  f4\n\
06: 2990 803f 916e 5961 5e28 7f4f 91e5 b567  83\n\
07: dc18 d3db fd33 f671 25d2 b081 bce9 6155  7d\n\
08: 7e09 9a87 5326 9930 b325 3b65 b49e 356c  94\n\
09: 7ec0 3856 844c abe5 6f8d efe3 b1ca ece9  35\n\
10: eaf5 531b d460 005d cc44 51e1 7707 3ec3  c2\n\
11: 7002 7d4b bbb6 9eef f37c 0572 f2f9 4f70  d4\n\
12: b73b 4c9d 6b91 22c5 4c37 a181 1433 454d  48\n\
13: 174b 39d5 9d3c 8111 37c3 e425 29dc 1de3  b6\n\
14: a146 d214 dd68 f12b f2                   76\n\
-----END HALLVOTE SHARE-----\n";

/// The golden file of spec §9.7, 32 bytes a line.
const GOLDEN: &str = "
    4856534841524501000020000000000100000001000102030405060708090a0b
    0c0d0e0f808182838485868788898a8b8c8d8e8f9091929394959697c1f39b8e
    adad061b62204a43bbcee4d0dea465622990803f916e59615e287f4f91e5b567
    dc18d3dbfd33f67125d2b081bce961557e099a8753269930b3253b65b49e356c
    7ec03856844cabe56f8defe3b1caece9eaf5531bd460005dcc4451e177073ec3
    70027d4bbbb69eeff37c0572f2f94f70b73b4c9d6b9122c54c37a1811433454d
    174b39d59d3c811137c3e42529dc1de3a146d214dd68f12bf2";

/// RFC 9106 §5.3, Argon2id version 0x13: memory 32 KiB, 3 passes, 4 lanes,
/// password 32 × 0x01, salt 16 × 0x02, secret 8 × 0x03, associated data
/// 12 × 0x04, 32-byte tag. The share file uses neither secret nor associated
/// data; the vector checks the crate's Argon2id core with them.
#[test]
fn argon2id_rfc9106_section_5_3() {
    let params = argon2::ParamsBuilder::new()
        .m_cost(32)
        .t_cost(3)
        .p_cost(4)
        .data(argon2::AssociatedData::new(&[0x04; 12]).unwrap())
        .output_len(32)
        .build()
        .unwrap();
    let secret = [0x03u8; 8];
    let argon = Argon2::new_with_secret(&secret, Algorithm::Argon2id, Version::V0x13, params).unwrap();
    let mut tag = [0u8; 32];
    argon.hash_password_into(&[0x01; 32], &[0x02; 16], &mut tag).unwrap();
    assert_eq!(
        tag.to_vec(),
        h("0d 64 0d f5 8d 78 76 6c 08 c0 37 a3 4a 8b 53 c9
           d0 1e f0 45 2d 75 b6 5e b5 25 20 e9 6b 01 e6 59")
    );
}

/// The same derivation path `derive_key` takes (caller-owned memory,
/// Argon2id v0x13, no secret, no associated data) agrees with the crate's
/// allocating API, so the KAT above covers it.
#[test]
fn derive_key_matches_the_plain_argon2id_api() {
    let params = SealParams::new(MIN_M_COST_KIB, 1, 2).unwrap();
    let salt = [7u8; SALT_LEN];
    let key = derive_key(PASS, &salt, params).unwrap();
    let plain = argon2::Params::new(MIN_M_COST_KIB, 1, 2, Some(32)).unwrap();
    let mut expected = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, plain).hash_password_into(PASS, &salt, &mut expected).unwrap();
    assert_eq!(*key, expected);
    assert_ne!(*derive_key(b"other", &salt, params).unwrap(), expected);
}

/// draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XCHACHA20_POLY1305).
#[test]
fn xchacha20poly1305_draft_irtf_cfrg_xchacha_03_a_3_1() {
    let plaintext = h("4c616469657320616e642047656e746c656d656e206f662074686520636c6173
                       73206f66202739393a204966204920636f756c64206f6666657220796f75206f
                       6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73
                       637265656e20776f756c642062652069742e");
    assert!(plaintext.starts_with(b"Ladies and Gentlemen of the class of '99"));
    let aad = h("50515253c0c1c2c3c4c5c6c7");
    let key: [u8; 32] = h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f").try_into().unwrap();
    let iv: [u8; 24] = h("404142434445464748494a4b4c4d4e4f5051525354555657").try_into().unwrap();
    let ciphertext = h("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
                        731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
                        2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
                        21f9664c97637da9768812f615c68b13b52e");
    let tag = h("c0875924c1c7987947deafd8780acf49");

    let aead = cipher(&key);
    let mut buffer = plaintext.clone();
    aead.encrypt_in_place(&XNonce::from(iv), &aad, &mut buffer).unwrap();
    assert_eq!(buffer[..plaintext.len()], ciphertext[..]);
    assert_eq!(buffer[plaintext.len()..], tag[..]);

    aead.decrypt_in_place(&XNonce::from(iv), &aad, &mut buffer).unwrap();
    assert_eq!(buffer, plaintext);

    let mut sealed = ciphertext.clone();
    sealed.extend_from_slice(&tag);
    let mut wrong_aad = sealed.clone();
    assert!(aead.decrypt_in_place(&XNonce::from(iv), b"PQRS", &mut wrong_aad).is_err());
}
