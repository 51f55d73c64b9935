//! Schnorr proof of knowledge of a discrete logarithm (spec §4.1).
//!
//! Statement: `X = x·G`. Proof `(T, z)`: `T = w·G`,
//! `c = H("hallvote/proof/schnorr/v1", ctx, X, T)`, `z = w + c·x`.
//! Verification: `z·G = T + c·X`.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;

use crate::error::{DecodeError, VerifyError};
use crate::group::{Element, SecretScalar};
use crate::hash::Hasher;
use crate::proofs::{BatchVerifier, Reader};
use crate::{CryptoRng, tags};

/// A Schnorr proof of knowledge of `x` with `X = x·G`, bound to a context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchnorrProof {
    /// The commitment `T = w·G`.
    pub t: Element,
    /// The response `z = w + c·x`.
    pub z: Scalar,
}

/// Length of an encoded Schnorr proof: `T ‖ z`.
pub const SCHNORR_PROOF_LEN: usize = 64;

impl SchnorrProof {
    /// Proves knowledge of `secret` for `public = secret·G` in `ctx` (spec §4.1).
    pub fn prove<R: CryptoRng + ?Sized>(ctx: &[u8], secret: &SecretScalar, public: &Element, rng: &mut R) -> Self {
        let w = SecretScalar::random(rng);
        let t = Element::new(RistrettoPoint::mul_base(w.expose()));
        let c = challenge(ctx, public, &t);
        Self { t, z: w.expose() + c * secret.expose() }
    }

    /// Verifies the proof for `public` in `ctx` (spec §4.1).
    pub fn verify(&self, ctx: &[u8], public: &Element) -> Result<(), VerifyError> {
        let c = challenge(ctx, public, &self.t);
        let lhs = RistrettoPoint::vartime_double_scalar_mul_basepoint(&-c, public.point(), &self.z);
        if lhs == *self.t.point() { Ok(()) } else { Err(VerifyError::Equation) }
    }

    /// Adds this proof's equation to a batch (spec §4.4).
    pub fn queue<R: CryptoRng + ?Sized>(&self, ctx: &[u8], public: &Element, batch: &mut BatchVerifier, rng: &mut R) {
        let c = challenge(ctx, public, &self.t);
        let w = batch.weight(rng);
        // w·(z·G − c·X − T) = 0
        batch.add_g(w * self.z);
        batch.add(-(w * c), *public.point());
        batch.add(-w, *self.t.point());
    }

    /// `T ‖ z` (spec §4.1).
    pub fn to_bytes(&self) -> [u8; SCHNORR_PROOF_LEN] {
        let mut out = [0; SCHNORR_PROOF_LEN];
        out[..32].copy_from_slice(self.t.as_bytes());
        out[32..].copy_from_slice(self.z.as_bytes());
        out
    }

    /// Decodes `T ‖ z` strictly.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let proof = Self { t: r.element()?, z: r.scalar()? };
        r.finish()?;
        Ok(proof)
    }
}

fn challenge(ctx: &[u8], public: &Element, t: &Element) -> Scalar {
    let mut h = Hasher::new(tags::SCHNORR);
    h.bytes(ctx).element(public).element(t);
    h.challenge()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn completeness_tamper_and_context() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let x = SecretScalar::random(&mut rng);
        let public = x.public();
        let proof = SchnorrProof::prove(b"ctx", &x, &public, &mut rng);
        proof.verify(b"ctx", &public).unwrap();
        assert_eq!(SchnorrProof::decode(&proof.to_bytes()).unwrap(), proof);
        // Another context or statement.
        assert!(proof.verify(b"ctx2", &public).is_err());
        assert!(proof.verify(b"ctx", &SecretScalar::random(&mut rng).public()).is_err());
        // Every field.
        let mut bad = proof.clone();
        bad.z += Scalar::ONE;
        assert!(bad.verify(b"ctx", &public).is_err());
        let mut bad = proof.clone();
        bad.t = Element::generator();
        assert!(bad.verify(b"ctx", &public).is_err());
    }
}
