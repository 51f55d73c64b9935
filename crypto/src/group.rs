//! ristretto255 elements and scalars with canonical encodings only (spec §1).
//!
//! An [`Element`] or a scalar that exists in memory was either computed or
//! decoded from its one canonical encoding; there is no way to hold a
//! non-canonical one. Secret scalars live in [`SecretScalar`], which zeroizes on
//! drop, prints as `[redacted]` and cannot be serialised.

use core::fmt;

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::DecodeError;
use crate::{CryptoRng, Rng};

/// Length of every encoded element and scalar.
pub const ENCODED_LEN: usize = 32;

/// The standard generator `G` of ristretto255 (spec §1.3).
pub const G: RistrettoPoint = RISTRETTO_BASEPOINT_POINT;

/// A ristretto255 group element together with its canonical encoding.
///
/// Keeping the 32 bytes beside the point means an element is compressed once,
/// when it is made, and never again when it is hashed or written out.
#[derive(Clone, Copy)]
pub struct Element {
    point: RistrettoPoint,
    bytes: [u8; 32],
}

impl Element {
    /// Wraps a computed point, computing its canonical encoding.
    pub fn new(point: RistrettoPoint) -> Self {
        Self { bytes: point.compress().to_bytes(), point }
    }

    /// Decodes a canonical encoding (RFC 9496 §4.3.1); any element, identity included.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| DecodeError::Length { expected: ENCODED_LEN, actual: bytes.len() })?;
        let point = CompressedRistretto(bytes).decompress().ok_or(DecodeError::NonCanonicalElement)?;
        Ok(Self { point, bytes })
    }

    /// Decodes a canonical encoding and refuses the identity (spec §1.3).
    pub fn decode_non_identity(bytes: &[u8]) -> Result<Self, DecodeError> {
        let element = Self::decode(bytes)?;
        if element.is_identity() {
            return Err(DecodeError::Identity);
        }
        Ok(element)
    }

    /// The identity element (the encoding of all zero bytes).
    pub fn identity() -> Self {
        Self { point: RistrettoPoint::default(), bytes: [0; 32] }
    }

    /// The generator `G`.
    pub fn generator() -> Self {
        Self::new(G)
    }

    /// The point, for arithmetic.
    pub fn point(&self) -> &RistrettoPoint {
        &self.point
    }

    /// The canonical 32-byte encoding.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The canonical 32-byte encoding, by value.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// Whether this is the identity element.
    pub fn is_identity(&self) -> bool {
        self.point.is_identity()
    }
}

impl From<RistrettoPoint> for Element {
    fn from(point: RistrettoPoint) -> Self {
        Self::new(point)
    }
}

impl PartialEq for Element {
    fn eq(&self, other: &Self) -> bool {
        // Canonical encodings are unique, so equal bytes mean equal elements.
        self.bytes == other.bytes
    }
}

impl Eq for Element {}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({})", hex_lower(&self.bytes))
    }
}

/// Decodes a canonical scalar: 32 bytes little-endian, value below ℓ (spec §1.4).
pub fn decode_scalar(bytes: &[u8]) -> Result<Scalar, DecodeError> {
    let bytes: [u8; 32] =
        bytes.try_into().map_err(|_| DecodeError::Length { expected: ENCODED_LEN, actual: bytes.len() })?;
    Option::from(Scalar::from_canonical_bytes(bytes)).ok_or(DecodeError::NonCanonicalScalar)
}

/// A secret scalar: a private key, a key share, an encryption nonce.
///
/// It zeroizes its memory on drop, prints as `[redacted]`, has no `Serialize`,
/// and compares in constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretScalar(Scalar);

impl SecretScalar {
    /// A uniformly random nonzero secret scalar.
    pub fn random<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        loop {
            let s = Scalar::random(rng);
            if s != Scalar::ZERO {
                return Self(s);
            }
        }
    }

    /// Wraps a scalar that is secret. The caller's copy should be zeroized.
    pub fn new(scalar: Scalar) -> Self {
        Self(scalar)
    }

    /// Decodes a canonical secret scalar (spec §1.4); zero is refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut s = decode_scalar(bytes)?;
        if s == Scalar::ZERO {
            return Err(DecodeError::ZeroScalar);
        }
        let secret = Self(s);
        s.zeroize();
        Ok(secret)
    }

    /// The scalar, for use in a computation.
    pub fn expose(&self) -> &Scalar {
        &self.0
    }

    /// The 32-byte encoding, for a caller that stores it encrypted (spec §9).
    /// The returned bytes zeroize on drop.
    pub fn to_bytes(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.0.to_bytes())
    }

    /// `self · G`, the public element of this secret.
    pub fn public(&self) -> Element {
        Element::new(RistrettoPoint::mul_base(&self.0))
    }
}

impl fmt::Debug for SecretScalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretScalar([redacted])")
    }
}

impl PartialEq for SecretScalar {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SecretScalar {}

/// A random scalar for a public role (a challenge split, a batch weight).
pub(crate) fn random_scalar<R: CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
    Scalar::random(rng)
}

/// A random 128-bit scalar, enough for the weights of a batch verification (spec §4.4).
pub(crate) fn random_weight<R: Rng + ?Sized>(rng: &mut R) -> Scalar {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes[..16]);
    Scalar::from_bytes_mod_order(bytes)
}

/// The scalar for a small non-negative integer.
pub fn scalar_from_u64(value: u64) -> Scalar {
    Scalar::from(value)
}

fn hex_lower(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_round_trip_and_identity_rule() {
        let g = Element::generator();
        assert_eq!(Element::decode(g.as_bytes()).unwrap(), g);
        assert_eq!(Element::decode(&[0; 32]).unwrap(), Element::identity());
        assert_eq!(Element::decode_non_identity(&[0; 32]), Err(DecodeError::Identity));
        assert!(matches!(Element::decode(&[0; 31]), Err(DecodeError::Length { expected: 32, actual: 31 })));
    }

    #[test]
    fn scalar_must_be_canonical() {
        // ℓ itself, little-endian: the smallest non-canonical value.
        let l = hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap();
        assert_eq!(decode_scalar(&l), Err(DecodeError::NonCanonicalScalar));
        let mut below = l.clone();
        below[0] -= 1;
        assert!(decode_scalar(&below).is_ok());
        assert!(matches!(SecretScalar::decode(&[0; 32]), Err(DecodeError::ZeroScalar)));
    }

    #[test]
    fn secrets_are_redacted() {
        let s = SecretScalar::new(Scalar::from(7u64));
        assert_eq!(format!("{s:?}"), "SecretScalar([redacted])");
    }
}
