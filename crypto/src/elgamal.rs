//! Exponential ElGamal on ristretto255 (spec §3).
//!
//! A value `m` is encrypted under the joint scrutineer key `Y` as
//! `(A, B) = (r·G, m·G + r·Y)`. Ciphertexts add component-wise, so the sum of
//! many ballots decrypts to the sum of their values; only such sums are ever
//! decrypted, and [`crate::dlog`] recovers the small integer from `m·G`.

use core::fmt;

use curve25519_dalek::ristretto::{RistrettoBasepointTable, RistrettoPoint, VartimeRistrettoPrecomputation};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimePrecomputedMultiscalarMul;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoRng;
use crate::error::DecodeError;
use crate::group::{Element, G, SecretScalar};

/// The public key ballots are encrypted under: the scrutineers' joint key `Y`
/// (spec §3.1, §5.3), never the identity.
///
/// It carries precomputed tables, built once per election, for the booth's
/// constant-time encryption and the verifier's variable-time checks.
#[derive(Clone)]
pub struct PublicKey {
    element: Element,
    table: RistrettoBasepointTable,
    vartime: std::sync::Arc<VartimeRistrettoPrecomputation>,
}

impl PublicKey {
    /// Wraps a key element; refuses the identity (spec §1.3).
    pub fn new(element: Element) -> Result<Self, DecodeError> {
        if element.is_identity() {
            return Err(DecodeError::Identity);
        }
        Ok(Self {
            table: RistrettoBasepointTable::create(element.point()),
            vartime: std::sync::Arc::new(VartimeRistrettoPrecomputation::new([G, *element.point()])),
            element,
        })
    }

    /// Decodes the 32-byte encoding of a key (spec §3.1).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::new(Element::decode_non_identity(bytes)?)
    }

    /// The key element `Y`.
    pub fn element(&self) -> &Element {
        &self.element
    }

    /// `s·Y` in constant time, using the precomputed table.
    pub(crate) fn mul(&self, s: &Scalar) -> RistrettoPoint {
        &self.table * s
    }

    /// `g·G + y·Y + Σ dᵢ·Pᵢ` in variable time, for verification of public data only.
    pub(crate) fn vartime_combination(
        &self,
        g: Scalar,
        y: Scalar,
        dynamic: &[(Scalar, RistrettoPoint)],
    ) -> RistrettoPoint {
        self.vartime.vartime_mixed_multiscalar_mul(
            [g, y],
            dynamic.iter().map(|(s, _)| *s),
            dynamic.iter().map(|(_, p)| *p),
        )
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.element == other.element
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({:?})", self.element)
    }
}

/// An ElGamal ciphertext `(A, B)` (spec §3.2). Any canonical elements.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ciphertext {
    /// `A = r·G`.
    pub a: Element,
    /// `B = m·G + r·Y`.
    pub b: Element,
}

/// Length of an encoded ciphertext: `A ‖ B`.
pub const CIPHERTEXT_LEN: usize = 64;

impl Ciphertext {
    /// The encryption of zero with nonce zero: the neutral element of [`Ciphertext::add`].
    pub fn zero() -> Self {
        Self { a: Element::identity(), b: Element::identity() }
    }

    /// `A ‖ B`, 64 bytes (spec §3.2).
    pub fn to_bytes(&self) -> [u8; CIPHERTEXT_LEN] {
        let mut out = [0; CIPHERTEXT_LEN];
        out[..32].copy_from_slice(self.a.as_bytes());
        out[32..].copy_from_slice(self.b.as_bytes());
        out
    }

    /// Decodes `A ‖ B`; both must be canonical (spec §3.2).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != CIPHERTEXT_LEN {
            return Err(DecodeError::Length { expected: CIPHERTEXT_LEN, actual: bytes.len() });
        }
        Ok(Self { a: Element::decode(&bytes[..32])?, b: Element::decode(&bytes[32..])? })
    }

    /// The homomorphic sum of two ciphertexts (spec §3.3).
    pub fn add(&self, other: &Self) -> Self {
        Self { a: Element::new(self.a.point() + other.a.point()), b: Element::new(self.b.point() + other.b.point()) }
    }

    /// The homomorphic sum of many ciphertexts, compressed once at the end (spec §3.3).
    pub fn sum<'a>(items: impl IntoIterator<Item = &'a Ciphertext>) -> Self {
        let (a, b) = items.into_iter().fold((RistrettoPoint::default(), RistrettoPoint::default()), |(a, b), c| {
            (a + c.a.point(), b + c.b.point())
        });
        Self { a: Element::new(a), b: Element::new(b) }
    }

    /// Whether this ciphertext is the encryption of `m` with the revealed
    /// nonce `r` (spec §3.5). Used to check a challenged (spoiled) ballot.
    pub fn is_opened_by(&self, key: &PublicKey, m: u64, r: &Scalar) -> bool {
        let a = RistrettoPoint::mul_base(r);
        let b = RistrettoPoint::mul_base(&Scalar::from(m)) + key.mul(r);
        a == *self.a.point() && b == *self.b.point()
    }

    /// Whether this ciphertext is the plain ElGamal encryption of the element
    /// `m` with the revealed nonce `r` (spec §17.3): a challenged write-in slot.
    pub fn is_opened_by_point(&self, key: &PublicKey, m: &RistrettoPoint, r: &Scalar) -> bool {
        let a = RistrettoPoint::mul_base(r);
        let b = m + key.mul(r);
        a == *self.a.point() && b == *self.b.point()
    }

    /// The same plaintext under fresh randomness: `(A + r·G, B + r·Y)` (spec §18.2).
    /// Constant time in `r`.
    pub(crate) fn reencrypt(&self, key: &PublicKey, r: &Scalar) -> Self {
        Self {
            a: Element::new(self.a.point() + RistrettoPoint::mul_base(r)),
            b: Element::new(self.b.point() + key.mul(r)),
        }
    }
}

/// A running homomorphic sum that compresses only when finished (spec §3.3):
/// adding a ciphertext costs two point additions, not two compressions.
#[derive(Clone, Copy, Debug, Default)]
pub struct CiphertextSum {
    a: RistrettoPoint,
    b: RistrettoPoint,
}

impl CiphertextSum {
    /// Adds a ciphertext.
    pub fn add(&mut self, c: &Ciphertext) {
        self.a += c.a.point();
        self.b += c.b.point();
    }

    /// The sum as a ciphertext.
    pub fn finish(&self) -> Ciphertext {
        Ciphertext { a: Element::new(self.a), b: Element::new(self.b) }
    }
}

/// The randomness `r` of one encryption. Secret until a ballot is
/// challenged, when it is revealed to open the ballot (spec §3.5).
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Nonce(pub(crate) SecretScalar);

impl Nonce {
    /// A fresh random nonce.
    pub fn random<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self(SecretScalar::random(rng))
    }

    /// The sum of several nonces: the nonce of the sum of their ciphertexts.
    pub fn sum<'a>(nonces: impl IntoIterator<Item = &'a Nonce>) -> Self {
        let mut total = Scalar::ZERO;
        for n in nonces {
            total += n.0.expose();
        }
        let nonce = Self(SecretScalar::new(total));
        total.zeroize();
        nonce
    }

    /// Reveals the nonce, for opening a challenged ballot (spec §3.5).
    pub fn reveal(&self) -> Scalar {
        *self.0.expose()
    }

    /// The nonce revealed in a challenged ballot, taken back from its scalar.
    pub fn from_revealed(scalar: Scalar) -> Self {
        Self(SecretScalar::new(scalar))
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nonce([redacted])")
    }
}

/// Encrypts `m` under `key` with a fresh nonce (spec §3.2).
pub fn encrypt<R: CryptoRng + ?Sized>(key: &PublicKey, m: u64, rng: &mut R) -> (Ciphertext, Nonce) {
    let nonce = Nonce::random(rng);
    (encrypt_with_nonce(key, m, &nonce), nonce)
}

/// Encrypts `m` under `key` with the given nonce (spec §3.2). Constant time in the nonce.
pub fn encrypt_with_nonce(key: &PublicKey, m: u64, nonce: &Nonce) -> Ciphertext {
    let r = nonce.0.expose();
    Ciphertext {
        a: Element::new(RistrettoPoint::mul_base(r)),
        b: Element::new(RistrettoPoint::mul_base(&Scalar::from(m)) + key.mul(r)),
    }
}

/// Encrypts the group element `m` itself under `key` with a fresh nonce:
/// `(r·G, m + r·Y)`, plain rather than exponential ElGamal (spec §17.3).
///
/// Used for write-in names ([`crate::writein`]), which are decrypted one by one
/// after a shuffle and never summed. Constant time in the nonce and in `m`.
pub fn encrypt_point<R: CryptoRng + ?Sized>(key: &PublicKey, m: &RistrettoPoint, rng: &mut R) -> (Ciphertext, Nonce) {
    let nonce = Nonce::random(rng);
    (encrypt_point_with_nonce(key, m, &nonce), nonce)
}

/// Encrypts the element `m` under `key` with the given nonce (spec §17.3).
pub fn encrypt_point_with_nonce(key: &PublicKey, m: &RistrettoPoint, nonce: &Nonce) -> Ciphertext {
    let r = nonce.0.expose();
    Ciphertext { a: Element::new(RistrettoPoint::mul_base(r)), b: Element::new(m + key.mul(r)) }
}

/// Decrypts with the whole secret key to `m·G = B − x·A` (spec §3.4), or to the
/// element `m` itself for a plain encryption (spec §17.4).
///
/// In an election no one holds `x`; this is for tests and for the single-key
/// case. Scrutineers decrypt jointly with [`crate::threshold`].
pub fn decrypt_to_point(secret: &SecretScalar, ciphertext: &Ciphertext) -> RistrettoPoint {
    ciphertext.b.point() - secret.expose() * ciphertext.a.point()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::dlog::DlogTable;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn keypair(seed: u64) -> (SecretScalar, PublicKey) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let x = SecretScalar::random(&mut rng);
        let y = PublicKey::new(x.public()).unwrap();
        (x, y)
    }

    proptest! {
        #[test]
        fn encrypt_decrypt_round_trip(m in 0u64..5000, seed in any::<u64>()) {
            let (x, y) = keypair(seed);
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 1);
            let (c, _) = encrypt(&y, m, &mut rng);
            let table = DlogTable::new(5000);
            prop_assert_eq!(table.recover(&decrypt_to_point(&x, &c)).unwrap(), m);
            prop_assert_eq!(Ciphertext::decode(&c.to_bytes()).unwrap(), c);
        }

        #[test]
        fn homomorphic_sum(ms in proptest::collection::vec(0u64..3, 0..20), seed in any::<u64>()) {
            let (x, y) = keypair(seed);
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 2);
            let pairs: Vec<_> = ms.iter().map(|m| encrypt(&y, *m, &mut rng)).collect();
            let total = Ciphertext::sum(pairs.iter().map(|(c, _)| c));
            let pairwise = pairs.iter().fold(Ciphertext::zero(), |acc, (c, _)| acc.add(c));
            prop_assert_eq!(total, pairwise);
            let mut running = CiphertextSum::default();
            for (c, _) in &pairs {
                running.add(c);
            }
            prop_assert_eq!(running.finish(), total);
            let expected: u64 = ms.iter().sum();
            prop_assert_eq!(DlogTable::new(100).recover(&decrypt_to_point(&x, &total)).unwrap(), expected);
            // The summed nonce opens the summed ciphertext.
            let r = Nonce::sum(pairs.iter().map(|(_, n)| n));
            prop_assert!(total.is_opened_by(&y, expected, &r.reveal()));
        }
    }

    #[test]
    fn opening_detects_a_wrong_value_or_nonce() {
        let (_, y) = keypair(7);
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let (c, r) = encrypt(&y, 1, &mut rng);
        assert!(c.is_opened_by(&y, 1, &r.reveal()));
        assert!(!c.is_opened_by(&y, 0, &r.reveal()));
        assert!(!c.is_opened_by(&y, 1, &(r.reveal() + Scalar::ONE)));
    }

    #[test]
    fn identity_key_refused() {
        assert_eq!(PublicKey::decode(&[0; 32]).unwrap_err(), DecodeError::Identity);
    }
}
