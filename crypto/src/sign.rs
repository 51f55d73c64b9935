//! Ed25519 signatures over domain-separated messages (spec §8).
//!
//! The server, every enrolled hall station, every scrutineer and every counter
//! holds an Ed25519 key (RFC 8032). hallvote never signs a bare message: it
//! signs `enc(tag) ‖ message`, where `enc(x) = u64be(len x) ‖ x` and the tag
//! is one of the `SIG_*` constants of [`crate::tags`] (spec §8.3), so a
//! signature made over a tree head can never be presented as a signature over
//! a result, a record or anything else.
//!
//! Public keys are decoded strictly (spec §8.1): only the canonical encoding of
//! a point of the prime-order subgroup is accepted, so a small-order ("weak")
//! key, which would make forged signatures verify, cannot be held in a
//! [`VerifyingKey`] at all. Signatures are decoded strictly too (the scalar `s`
//! must be below ℓ, spec §8.2) and checked with the cofactorless equation of
//! `ed25519-dalek`'s `verify_strict` (spec §8.4).

use core::fmt;

use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::Signer as _;
use thiserror::Error;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::CryptoRng;
use crate::error::VerifyError;

/// Length of an encoded public key (spec §8.1).
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of a secret key seed (spec §8.1).
pub const SECRET_KEY_LEN: usize = 32;
/// Length of an encoded signature (spec §8.2).
pub const SIGNATURE_LEN: usize = 64;

/// Signs `message` for the purpose named by `tag` (spec §8.3).
///
/// The signed bytes are `enc(tag) ‖ message` with `enc(x) = u64be(len x) ‖ x`.
/// `tag` should be one of the `SIG_*` constants of [`crate::tags`]; the format
/// of `message` for each tag is defined in the section that owns it.
pub fn sign(key: &SigningKey, tag: &str, message: &[u8]) -> Signature {
    sign_raw(key, &signed_bytes(tag, message))
}

/// Verifies a signature made by [`sign`] with the same `tag` (spec §8.4).
///
/// The check is RFC 8032 §5.1.7 without the cofactor, with `R` compared as
/// encoded bytes and a small-order `R` refused (`ed25519-dalek`'s
/// `verify_strict`); the key and `s` were already checked when decoded.
pub fn verify(key: &VerifyingKey, tag: &str, message: &[u8], signature: &Signature) -> Result<(), VerifyError> {
    verify_raw(key, &signed_bytes(tag, message), signature)
}

/// An Ed25519 signing key: the 32-byte secret seed of RFC 8032 §5.1.5.
///
/// It zeroizes on drop, prints as `[redacted]`, cannot be cloned or
/// serialised, and is written out only through [`SigningKey::to_bytes`] (for a
/// caller that stores it encrypted).
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A fresh key from 32 random bytes.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; SECRET_KEY_LEN]);
        rng.fill_bytes(seed.as_mut());
        Self::from_bytes(&seed)
    }

    /// The key with this 32-byte seed. Every seed is a valid key.
    pub fn from_bytes(seed: &[u8; SECRET_KEY_LEN]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// The 32-byte seed; the returned bytes zeroize on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SECRET_KEY_LEN]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public key of this signing key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

// The inner `ed25519_dalek::SigningKey` zeroizes its seed in its own `Drop`
// (the crate's `zeroize` feature is on), so dropping the wrapper does too.
impl ZeroizeOnDrop for SigningKey {}

/// An Ed25519 public key that passed the strict decoding of spec §8.1.
///
/// It is the canonical encoding of a point of the prime-order subgroup other
/// than the identity; there is no way to hold a weak or non-canonical key.
#[derive(Clone, Copy)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

impl VerifyingKey {
    /// Decodes a public key strictly (spec §8.1).
    ///
    /// Refused: bytes that are not the encoding of a curve point, a
    /// non-canonical encoding (`y ≥ p`, or `x = 0` with the sign bit set), a
    /// point of small order, and a point with a small-order component.
    pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_LEN]) -> Result<Self, Ed25519DecodeError> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Ed25519DecodeError::NonCanonicalKey)?;
        // ed25519-dalek decodes by the lenient ZIP-215 rules; re-encoding and
        // comparing is what makes the encoding canonical.
        let point = key.to_edwards();
        if point.compress().as_bytes() != bytes {
            return Err(Ed25519DecodeError::NonCanonicalKey);
        }
        if key.is_weak() {
            return Err(Ed25519DecodeError::WeakKey);
        }
        if !point.is_torsion_free() {
            return Err(Ed25519DecodeError::TorsionKey);
        }
        Ok(Self(key))
    }

    /// Decodes a public key from a slice, which must be exactly 32 bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, Ed25519DecodeError> {
        let bytes: &[u8; PUBLIC_KEY_LEN] = bytes
            .try_into()
            .map_err(|_| Ed25519DecodeError::Length { expected: PUBLIC_KEY_LEN, actual: bytes.len() })?;
        Self::from_bytes(bytes)
    }

    /// The 32-byte encoding (RFC 8032 §5.1.2).
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.0.to_bytes()
    }

    /// The 32-byte encoding, borrowed.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        self.0.as_bytes()
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        // Canonical encodings are unique, so equal bytes mean equal keys.
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for VerifyingKey {}

impl core::hash::Hash for VerifyingKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", hex_lower(self.as_bytes()))
    }
}

/// An Ed25519 signature `R ‖ s` whose `s` is canonical (spec §8.2).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(ed25519_dalek::Signature);

impl Signature {
    /// Decodes a 64-byte signature; `s` (the last 32 bytes, little-endian)
    /// must be below the group order ℓ. `R` is checked when verifying.
    pub fn from_bytes(bytes: &[u8; SIGNATURE_LEN]) -> Result<Self, Ed25519DecodeError> {
        let mut s = [0u8; 32];
        s.copy_from_slice(&bytes[32..]);
        if !bool::from(Scalar::from_canonical_bytes(s).is_some()) {
            return Err(Ed25519DecodeError::NonCanonicalS);
        }
        Ok(Self(ed25519_dalek::Signature::from_bytes(bytes)))
    }

    /// Decodes a signature from a slice, which must be exactly 64 bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, Ed25519DecodeError> {
        let bytes: &[u8; SIGNATURE_LEN] = bytes
            .try_into()
            .map_err(|_| Ed25519DecodeError::Length { expected: SIGNATURE_LEN, actual: bytes.len() })?;
        Self::from_bytes(bytes)
    }

    /// The 64-byte encoding `R ‖ s` (RFC 8032 §5.1.6).
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        self.0.to_bytes()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", hex_lower(&self.to_bytes()))
    }
}

/// Bytes that are not a valid Ed25519 key or signature encoding (spec §8.1, §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Ed25519DecodeError {
    /// The input has the wrong length.
    #[error("wrong length: expected {expected} bytes, got {actual}")]
    Length {
        /// The length the encoding requires.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// Not the canonical encoding of a point of edwards25519 (spec §8.1).
    #[error("not a canonical Ed25519 public key encoding")]
    NonCanonicalKey,
    /// A public key of small order, under which forgeries verify (spec §8.1).
    #[error("Ed25519 public key of small order")]
    WeakKey,
    /// A public key outside the prime-order subgroup (spec §8.1).
    #[error("Ed25519 public key has a small-order component")]
    TorsionKey,
    /// The signature scalar `s` is not below the group order ℓ (spec §8.2).
    #[error("Ed25519 signature scalar is not canonical")]
    NonCanonicalS,
}

/// `enc(tag) ‖ message`, the bytes that are actually signed (spec §8.3).
fn signed_bytes(tag: &str, message: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8 + tag.len() + message.len());
    bytes.extend_from_slice(&(tag.len() as u64).to_be_bytes());
    bytes.extend_from_slice(tag.as_bytes());
    bytes.extend_from_slice(message);
    bytes
}

/// Plain RFC 8032 Ed25519 over `message`, without a tag. Only for the
/// known-answer tests and for [`sign`]; the protocol never signs untagged bytes.
pub(crate) fn sign_raw(key: &SigningKey, message: &[u8]) -> Signature {
    Signature(key.0.sign(message))
}

/// Strict RFC 8032 verification of an untagged message (see [`sign_raw`]).
pub(crate) fn verify_raw(key: &VerifyingKey, message: &[u8], signature: &Signature) -> Result<(), VerifyError> {
    key.0.verify_strict(message, &signature.0).map_err(|_| VerifyError::Signature)
}

fn hex_lower(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests;
