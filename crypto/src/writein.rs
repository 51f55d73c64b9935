//! Write-in names as ristretto255 elements (spec §17, ADR 0019).
//!
//! A write-in (另选他人) cannot be summed like a mark: the name has to be decrypted,
//! after a verifiable shuffle ([`crate::shuffle`]) has cut its link to the ballot.
//! So a slot holds the name itself, embedded into [`SLOT_POINTS`] group elements and
//! each encrypted by plain ElGamal ([`crate::elgamal::encrypt_point`]).
//!
//! Every slot — the empty one included — is exactly [`SLOT_POINTS`] ciphertexts,
//! so an encrypted empty slot cannot be told from a written one. The slot's
//! 90-byte payload is `u8(len) ‖ name bytes ‖ zero padding`, cut into three
//! 30-byte chunks; each chunk becomes the first element whose encoding is
//! `u8(2·j) ‖ chunk ‖ 0x00` for the smallest counter `j` that decodes (try and
//! increment). Decoding is compressing and stripping the counter, and it refuses
//! anything the encoder could not have produced, naming what is wrong.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use subtle::{Choice, ConditionallySelectable};
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

use crate::CryptoRng;
use crate::elgamal::{Ciphertext, Nonce, PublicKey, encrypt_point};

/// The number of group elements (and ciphertexts) in every write-in slot.
pub const SLOT_POINTS: usize = 3;

/// Payload bytes carried by one element: bytes 1 to 30 of its encoding.
pub const CHUNK_LEN: usize = 30;

/// Bytes of a slot's payload: the length byte, the name and its padding.
pub const PAYLOAD_LEN: usize = SLOT_POINTS * CHUNK_LEN;

/// The longest name a slot holds, in UTF-8 bytes: 29 characters of the CJK
/// block (3 bytes each), 22 outside the BMP such as 𠮷 (4 bytes each).
pub const MAX_NAME_BYTES: usize = PAYLOAD_LEN - 1;

/// How many counter values the encoder tries per element (`j = 0 … 127`).
const COUNTER_TRIES: u8 = 128;

/// A written or empty slot, encrypted: one ciphertext per element (spec §17.3).
pub type EncryptedSlot = [Ciphertext; SLOT_POINTS];

/// Why a name cannot be embedded, or elements are not the embedding of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WriteInError {
    /// The name is longer than a slot holds (spec §17.1).
    #[error("the name is {bytes} bytes of UTF-8; a write-in holds at most {max}")]
    TooLong {
        /// The name's length in UTF-8 bytes.
        bytes: usize,
        /// [`MAX_NAME_BYTES`].
        max: usize,
    },
    /// No counter value gives an element for this chunk (probability about
    /// 2⁻⁵³ per chunk; spec §17.2). The name must be written differently.
    #[error("no counter value embeds this name")]
    Unembeddable,
    /// Not exactly [`SLOT_POINTS`] elements were given to decode.
    #[error("a write-in slot has {SLOT_POINTS} elements, got {0}")]
    PointCount(usize),
    /// An element's last encoding byte is not zero: not an embedding (spec §17.2).
    #[error("element {0} of the slot is not an embedding: its last byte is not zero")]
    NotAnEmbedding(usize),
    /// A smaller counter also gives an element: the encoder would have used it,
    /// so these elements were not made by the embedding (spec §17.2).
    #[error("element {0} of the slot does not use the smallest counter")]
    NonMinimalCounter(usize),
    /// The length byte exceeds [`MAX_NAME_BYTES`] (spec §17.1).
    #[error("the slot's length byte {0} is above the maximum")]
    LengthOutOfRange(u8),
    /// A padding byte after the name is not zero (spec §17.1).
    #[error("the slot's padding is not all zero")]
    NonZeroPadding,
    /// The name bytes are not UTF-8 (spec §17.1).
    #[error("the slot's name is not valid UTF-8")]
    InvalidUtf8,
}

/// Embeds a name (possibly empty: the empty slot) as [`SLOT_POINTS`] elements (spec §17.1–§17.2).
///
/// The name is taken byte for byte, without normalisation (spec §1.2); the
/// roster and the booth decide which names are acceptable.
///
/// The name is a secret of the ballot, so the work does not depend on it: every
/// one of the 128 counters is tried for every chunk (all candidates pass the
/// canonical-and-even test, so each costs the same decoding), and the first
/// valid one is selected in constant time. An empty slot costs what a written
/// one does. The payload is zeroized after use.
pub fn encode_name(name: &str) -> Result<[RistrettoPoint; SLOT_POINTS], WriteInError> {
    let bytes = name.as_bytes();
    if bytes.len() > MAX_NAME_BYTES {
        return Err(WriteInError::TooLong { bytes: bytes.len(), max: MAX_NAME_BYTES });
    }
    let mut payload = Zeroizing::new([0u8; PAYLOAD_LEN]);
    // MAX_NAME_BYTES < 256, so the length fits the byte.
    payload[0] = bytes.len() as u8;
    payload[1..=bytes.len()].copy_from_slice(bytes);
    let mut points = [RistrettoPoint::default(); SLOT_POINTS];
    let mut embedded = Choice::from(1);
    for (point, chunk) in points.iter_mut().zip(payload.chunks_exact(CHUNK_LEN)) {
        let (found, p) = embed_chunk_uniformly(chunk);
        embedded &= found;
        *point = p;
    }
    if bool::from(embedded) { Ok(points) } else { Err(WriteInError::Unembeddable) }
}

/// Recovers the name from [`SLOT_POINTS`] decrypted elements; `""` is the empty slot (spec §17.4).
pub fn decode_name(points: &[RistrettoPoint]) -> Result<String, WriteInError> {
    if points.len() != SLOT_POINTS {
        return Err(WriteInError::PointCount(points.len()));
    }
    let mut payload = [0u8; PAYLOAD_LEN];
    for (k, (point, chunk)) in points.iter().zip(payload.chunks_exact_mut(CHUNK_LEN)).enumerate() {
        let encoding = point.compress().to_bytes();
        if encoding[31] != 0 {
            return Err(WriteInError::NotAnEmbedding(k));
        }
        // A canonical encoding is even (RFC 9496 §4.3.1), so the counter is exact.
        let counter = encoding[0] / 2;
        let body = &encoding[1..31];
        if (0..counter).any(|j| candidate(j, body).decompress().is_some()) {
            return Err(WriteInError::NonMinimalCounter(k));
        }
        chunk.copy_from_slice(body);
    }
    let len = payload[0];
    if usize::from(len) > MAX_NAME_BYTES {
        return Err(WriteInError::LengthOutOfRange(len));
    }
    let end = 1 + usize::from(len);
    if payload[end..].iter().any(|&b| b != 0) {
        return Err(WriteInError::NonZeroPadding);
    }
    String::from_utf8(payload[1..end].to_vec()).map_err(|_| WriteInError::InvalidUtf8)
}

/// Encrypts a name (or `""` for an empty slot) under the joint key (spec §17.3).
///
/// Returns the slot and its nonces, one per element, which the booth keeps for
/// a Benaloh challenge and otherwise drops (they zeroize).
pub fn encrypt_name<R: CryptoRng + ?Sized>(
    key: &PublicKey,
    name: &str,
    rng: &mut R,
) -> Result<(EncryptedSlot, [Nonce; SLOT_POINTS]), WriteInError> {
    let points = encode_name(name)?;
    let [(c0, n0), (c1, n1), (c2, n2)] = points.map(|p| encrypt_point(key, &p, rng));
    Ok(([c0, c1, c2], [n0, n1, n2]))
}

/// The element of [`embed_chunk`], found by trying every counter and selecting
/// in constant time, and whether there is one.
fn embed_chunk_uniformly(chunk: &[u8]) -> (Choice, RistrettoPoint) {
    let mut found = Choice::from(0);
    let mut point = RistrettoPoint::default();
    for j in 0..COUNTER_TRIES {
        let mut encoding = candidate(j, chunk);
        let decoded = encoding.decompress();
        let valid = Choice::from(u8::from(decoded.is_some()));
        point.conditional_assign(&decoded.unwrap_or_default(), valid & !found);
        found |= valid;
        encoding.0.zeroize();
    }
    (found, point)
}

/// The embedding of a PUBLIC name (spec §17.1–§17.2) in variable time: the same
/// elements as [`encode_name`], for a verifier that checks a decrypted list against
/// the names a record publishes (§13.11.4). Never for a ballot's secret name.
/// Since [`decode_name`] accepts only the smallest counter and zero padding, these
/// are the only elements that decode to `name`.
pub fn encode_public_name(name: &str) -> Result<[RistrettoPoint; SLOT_POINTS], WriteInError> {
    let bytes = name.as_bytes();
    if bytes.len() > MAX_NAME_BYTES {
        return Err(WriteInError::TooLong { bytes: bytes.len(), max: MAX_NAME_BYTES });
    }
    let mut payload = [0u8; PAYLOAD_LEN];
    // MAX_NAME_BYTES < 256, so the length fits the byte.
    payload[0] = bytes.len() as u8;
    payload[1..=bytes.len()].copy_from_slice(bytes);
    let mut points = [RistrettoPoint::default(); SLOT_POINTS];
    for (point, chunk) in points.iter_mut().zip(payload.chunks_exact(CHUNK_LEN)) {
        // An all-zero chunk (the empty name, and most padding) is the identity, counter 0.
        if chunk.iter().any(|&b| b != 0) {
            *point = embed_chunk(chunk).ok_or(WriteInError::Unembeddable)?.1;
        }
    }
    Ok(points)
}

/// The first counter `j` and element whose encoding is `u8(2j) ‖ chunk ‖ 0x00`.
fn embed_chunk(chunk: &[u8]) -> Option<(u8, RistrettoPoint)> {
    (0..COUNTER_TRIES).find_map(|j| candidate(j, chunk).decompress().map(|p| (j, p)))
}

fn candidate(counter: u8, chunk: &[u8]) -> CompressedRistretto {
    let mut bytes = [0u8; 32];
    bytes[0] = counter.wrapping_mul(2);
    bytes[1..31].copy_from_slice(chunk);
    CompressedRistretto(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::elgamal::decrypt_to_point;
    use crate::group::SecretScalar;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn round_trip(name: &str) {
        let points = encode_name(name).unwrap();
        assert_eq!(decode_name(&points).unwrap(), name);
        assert_eq!(encode_public_name(name).unwrap(), points, "the verifier's embedding is the booth's");
    }

    #[test]
    fn the_uniform_embedding_is_the_first_counter() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        for _ in 0..200 {
            let mut chunk = [0u8; CHUNK_LEN];
            rand::Rng::fill_bytes(&mut rng, &mut chunk);
            let (found, p) = embed_chunk_uniformly(&chunk);
            assert!(bool::from(found));
            assert_eq!(p, embed_chunk(&chunk).unwrap().1);
        }
    }

    #[test]
    fn names_round_trip() {
        for name in [
            "Alice Smith",
            "王小明",
            "𠮷田",
            "阿依古丽·买买提",
            "·",
            "",
            "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷",
            "欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜",
        ] {
            round_trip(name);
        }
    }

    #[test]
    fn longest_names_fit_and_one_byte_more_does_not() {
        let cjk: String = "张".repeat(29);
        assert_eq!(cjk.len(), 87);
        round_trip(&cjk);
        let astral: String = "𠮷".repeat(22);
        assert_eq!(astral.len(), 88);
        round_trip(&astral);
        let max = "a".repeat(MAX_NAME_BYTES);
        round_trip(&max);
        let over = "a".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(encode_name(&over), Err(WriteInError::TooLong { bytes: 90, max: 89 }));
        assert!(matches!(encode_name(&"𠮷".repeat(23)), Err(WriteInError::TooLong { bytes: 92, .. })));
    }

    #[test]
    fn the_empty_slot_is_fixed_and_distinct() {
        let empty = encode_name("").unwrap();
        assert_eq!(empty, encode_name("").unwrap());
        assert_ne!(empty, encode_name("a").unwrap());
        // The empty payload is all zero bytes, and 32 zero bytes encode the
        // identity, so the empty slot is three identities (spec §17.2 pins this).
        assert!(empty.iter().all(|p| p.compress().to_bytes() == [0; 32]));
    }

    #[test]
    fn decoding_refuses_what_the_encoder_cannot_make() {
        let mut points = encode_name("王小明").unwrap();
        assert_eq!(decode_name(&points[..2]), Err(WriteInError::PointCount(2)));
        // A random element almost surely has a nonzero last byte.
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let stray = loop {
            let p = RistrettoPoint::random(&mut rng);
            if p.compress().to_bytes()[31] != 0 {
                break p;
            }
        };
        points[1] = stray;
        assert_eq!(decode_name(&points), Err(WriteInError::NotAnEmbedding(1)));
        // The same chunk with a counter above the smallest one.
        let chunk = [7u8; CHUNK_LEN];
        let (j, _) = embed_chunk(&chunk).unwrap();
        let later = (j + 1..COUNTER_TRIES).find_map(|k| candidate(k, &chunk).decompress()).unwrap();
        let mut points = encode_name("").unwrap();
        points[2] = later;
        assert_eq!(decode_name(&points), Err(WriteInError::NonMinimalCounter(2)));
    }

    fn from_payload(payload: &[u8; PAYLOAD_LEN]) -> Vec<RistrettoPoint> {
        payload.chunks_exact(CHUNK_LEN).map(|c| embed_chunk(c).unwrap().1).collect()
    }

    #[test]
    fn decoding_checks_length_padding_and_utf8() {
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[0] = 90;
        assert_eq!(decode_name(&from_payload(&payload)), Err(WriteInError::LengthOutOfRange(90)));
        payload[0] = 2;
        payload[1..3].copy_from_slice(b"ab");
        payload[50] = 1;
        assert_eq!(decode_name(&from_payload(&payload)), Err(WriteInError::NonZeroPadding));
        payload[50] = 0;
        assert_eq!(decode_name(&from_payload(&payload)).unwrap(), "ab");
        // The first byte of 王 (e7 8e 8b) alone is not UTF-8.
        payload[0] = 1;
        payload[1] = 0xe7;
        payload[2] = 0;
        assert_eq!(decode_name(&from_payload(&payload)), Err(WriteInError::InvalidUtf8));
    }

    #[test]
    fn encrypted_names_decrypt() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let x = SecretScalar::random(&mut rng);
        let key = PublicKey::new(x.public()).unwrap();
        for name in ["𠮷", "", "买买提·艾力"] {
            let (slot, nonces) = encrypt_name(&key, name, &mut rng).unwrap();
            let points: Vec<_> = slot.iter().map(|c| decrypt_to_point(&x, c)).collect();
            assert_eq!(decode_name(&points).unwrap(), name);
            for ((c, n), p) in slot.iter().zip(&nonces).zip(&points) {
                assert!(c.is_opened_by_point(&key, p, &n.reveal()));
            }
        }
    }

    proptest! {
        #[test]
        fn any_short_string_round_trips(name in "\\PC{0,22}") {
            prop_assume!(name.len() <= MAX_NAME_BYTES);
            let points = encode_name(&name).unwrap();
            prop_assert_eq!(decode_name(&points).unwrap(), name);
        }

        #[test]
        fn any_payload_chunk_embeds_with_a_small_counter(chunk in proptest::array::uniform30(any::<u8>())) {
            let (j, p) = embed_chunk(&chunk).unwrap();
            let bytes = p.compress().to_bytes();
            prop_assert_eq!(bytes[0], 2 * j);
            prop_assert_eq!(&bytes[1..31], &chunk[..]);
            prop_assert_eq!(bytes[31], 0);
        }

        #[test]
        fn any_byte_string_longer_than_the_slot_is_refused(extra in 1usize..40) {
            let name = "x".repeat(MAX_NAME_BYTES + extra);
            let too_long = matches!(encode_name(&name), Err(WriteInError::TooLong { .. }));
            prop_assert!(too_long);
        }
    }
}
