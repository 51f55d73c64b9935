//! Batch verification of many proofs in one multiscalar multiplication (spec §4.4).
//!
//! Each proof contributes equations of the form `Σ sᵢ·Pᵢ = 0`. The batch
//! multiplies every equation by its own random 128-bit weight, adds them all,
//! and checks that the one combined sum is the identity. If every equation
//! holds, so does the sum; if any fails, the sum is the identity with
//! probability at most 2⁻¹²⁸. Terms on `G` and on the election key are
//! gathered into one scalar each, so a 0/1 proof adds six points, not eight.
//! A failed batch says only that something is wrong; verify one by one to find it.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};

use crate::Rng;
use crate::elgamal::PublicKey;
use crate::error::VerifyError;
use crate::group::{G, random_weight};

/// An accumulator of weighted verification equations.
#[derive(Default)]
pub struct BatchVerifier {
    g: Scalar,
    key: Option<(RistrettoPoint, Scalar)>,
    scalars: Vec<Scalar>,
    points: Vec<RistrettoPoint>,
    rejected: bool,
}

impl BatchVerifier {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty batch with room for `terms` points.
    pub fn with_capacity(terms: usize) -> Self {
        Self { scalars: Vec::with_capacity(terms), points: Vec::with_capacity(terms), ..Self::default() }
    }

    /// A fresh random weight for one equation.
    pub(crate) fn weight<R: Rng + ?Sized>(&self, rng: &mut R) -> Scalar {
        random_weight(rng)
    }

    /// Adds `s·G`.
    pub(crate) fn add_g(&mut self, s: Scalar) {
        self.g += s;
    }

    /// Adds `s·Y` for an election key; terms on the first key seen are gathered.
    pub(crate) fn add_key(&mut self, key: &PublicKey, s: Scalar) {
        let y = *key.element().point();
        match &mut self.key {
            Some((p, acc)) if *p == y => *acc += s,
            Some(_) => self.add(s, y),
            None => self.key = Some((y, s)),
        }
    }

    /// Adds `s·P`.
    pub(crate) fn add(&mut self, s: Scalar, p: RistrettoPoint) {
        self.scalars.push(s);
        self.points.push(p);
    }

    /// Marks the batch as failed whatever else is added: for a statement that is
    /// refused before any equation (an identity public share, spec §5.4).
    pub(crate) fn reject(&mut self) {
        self.rejected = true;
    }

    /// The number of points in the combined multiplication so far.
    pub fn len(&self) -> usize {
        self.points.len() + 1 + usize::from(self.key.is_some())
    }

    /// Whether nothing has been added.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty() && self.key.is_none() && self.g == Scalar::ZERO
    }

    /// Checks that the weighted sum of every equation added is the identity.
    pub fn verify(self) -> Result<(), VerifyError> {
        if self.rejected {
            return Err(VerifyError::Batch);
        }
        let (key_point, key_scalar) = self.key.unwrap_or((RistrettoPoint::default(), Scalar::ZERO));
        let sum = RistrettoPoint::vartime_multiscalar_mul(
            self.scalars.iter().chain([&self.g, &key_scalar]),
            self.points.iter().chain([&G, &key_point]),
        );
        if sum.is_identity() { Ok(()) } else { Err(VerifyError::Batch) }
    }
}
