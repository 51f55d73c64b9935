//! Chaum–Pedersen proof of equality of discrete logarithms (spec §4.3).
//!
//! Statement: `X = x·G` and `D = x·A` for the same `x`. A scrutineer uses it to
//! show that a decryption share `D = xⱼ·A` was made with the key share behind
//! its public share `Xⱼ` (spec §5.4).
//! Proof `(T₁, T₂, z)`: `T₁ = w·G`, `T₂ = w·A`,
//! `c = H("hallvote/proof/equality/v1", ctx, X, A, D, T₁, T₂)`, `z = w + c·x`.
//! Verification: `z·G = T₁ + c·X` and `z·A = T₂ + c·D`.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;

use crate::error::{DecodeError, VerifyError};
use crate::group::{Element, SecretScalar};
use crate::hash::Hasher;
use crate::proofs::{BatchVerifier, Reader};
use crate::{CryptoRng, tags};

/// A proof that `log_G X = log_A D`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EqualityProof {
    /// `T₁ = w·G`.
    pub t1: Element,
    /// `T₂ = w·A`.
    pub t2: Element,
    /// `z = w + c·x`.
    pub z: Scalar,
}

/// Length of an encoded equality proof: `T₁ ‖ T₂ ‖ z`.
pub const EQUALITY_PROOF_LEN: usize = 96;

/// The statement of an equality proof: `X = x·G`, `D = x·A`, in a context.
#[derive(Clone, Copy, Debug)]
pub struct EqualityStatement<'a> {
    /// The context the proof is bound to.
    pub ctx: &'a [u8],
    /// `X = x·G`.
    pub x: &'a Element,
    /// The second base `A`.
    pub base: &'a Element,
    /// `D = x·A`.
    pub d: &'a Element,
}

impl EqualityStatement<'_> {
    fn challenge(&self, t1: &Element, t2: &Element) -> Scalar {
        let mut h = Hasher::new(tags::EQUALITY);
        h.bytes(self.ctx).element(self.x).element(self.base).element(self.d).element(t1).element(t2);
        h.challenge()
    }
}

impl EqualityProof {
    /// Proves `X = x·G ∧ D = x·A` (spec §4.3).
    pub fn prove<R: CryptoRng + ?Sized>(statement: &EqualityStatement<'_>, secret: &SecretScalar, rng: &mut R) -> Self {
        let w = SecretScalar::random(rng);
        let t1 = Element::new(RistrettoPoint::mul_base(w.expose()));
        let t2 = Element::new(w.expose() * statement.base.point());
        let c = statement.challenge(&t1, &t2);
        Self { t1, t2, z: w.expose() + c * secret.expose() }
    }

    /// Verifies the proof (spec §4.3).
    pub fn verify(&self, statement: &EqualityStatement<'_>) -> Result<(), VerifyError> {
        let c = statement.challenge(&self.t1, &self.t2);
        let lhs1 = RistrettoPoint::vartime_double_scalar_mul_basepoint(&-c, statement.x.point(), &self.z);
        let lhs2 = RistrettoPoint::vartime_multiscalar_mul([self.z, -c], [statement.base.point(), statement.d.point()]);
        if lhs1 == *self.t1.point() && lhs2 == *self.t2.point() { Ok(()) } else { Err(VerifyError::Equation) }
    }

    /// Adds the proof's equations to a batch (spec §4.4).
    pub fn queue<R: CryptoRng + ?Sized>(
        &self,
        statement: &EqualityStatement<'_>,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) {
        let c = statement.challenge(&self.t1, &self.t2);
        let (w, v) = (batch.weight(rng), batch.weight(rng));
        // w·(z·G − c·X − T₁) + v·(z·A − c·D − T₂)
        batch.add_g(w * self.z);
        batch.add(-(w * c), *statement.x.point());
        batch.add(-w, *self.t1.point());
        batch.add(v * self.z, *statement.base.point());
        batch.add(-(v * c), *statement.d.point());
        batch.add(-v, *self.t2.point());
    }

    /// `T₁ ‖ T₂ ‖ z` (spec §4.3).
    pub fn to_bytes(&self) -> [u8; EQUALITY_PROOF_LEN] {
        let mut out = [0; EQUALITY_PROOF_LEN];
        out[..32].copy_from_slice(self.t1.as_bytes());
        out[32..64].copy_from_slice(self.t2.as_bytes());
        out[64..].copy_from_slice(self.z.as_bytes());
        out
    }

    /// Decodes `T₁ ‖ T₂ ‖ z` strictly.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let proof = Self { t1: r.element()?, t2: r.element()?, z: r.scalar()? };
        r.finish()?;
        Ok(proof)
    }
}
