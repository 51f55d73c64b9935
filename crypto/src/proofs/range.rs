//! Range proof: a ciphertext encrypts a value in `lo..=hi` (spec §4.2).
//!
//! A disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers OR
//! composition) with one branch per allowed value `j`: branch `j` proves that
//! `(A, B − j·G)` is an encryption of zero, i.e. that `log_G A = log_Y (B − j·G)`.
//! The prover answers the true branch and simulates the others; the branch
//! challenges must add up to the Fiat–Shamir challenge.
//!
//! `lo..=hi = 0..=1` is a selection; `0..=seats` is an election's cap on its
//! for-votes; an item's sum uses the range its contest allows.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::elgamal::{Ciphertext, Nonce, PublicKey};
use crate::error::{DecodeError, UsageError, VerifyError};
use crate::group::{Element, SecretScalar, random_scalar};
use crate::hash::Hasher;
use crate::proofs::{BatchVerifier, Reader};
use crate::{CryptoRng, tags};

/// The widest range a proof may cover: `hi − lo + 1 ≤ MAX_BRANCHES` (spec §4.2).
pub const MAX_BRANCHES: u64 = 1024;

/// Length of one encoded branch: `a ‖ b ‖ c ‖ z`.
pub const BRANCH_LEN: usize = 128;

/// One branch of a range proof: the claim "the ciphertext encrypts `j`".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// Commitment `a_j` (for the equation over `G` and `A`).
    pub a: Element,
    /// Commitment `b_j` (for the equation over `Y` and `B − j·G`).
    pub b: Element,
    /// The branch challenge `c_j`.
    pub c: Scalar,
    /// The branch response `z_j`.
    pub z: Scalar,
}

/// A proof that a ciphertext encrypts some `m ∈ lo..=hi`, with the branches in order `lo, lo+1, …, hi`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeProof {
    /// One branch per allowed value.
    pub branches: Vec<Branch>,
}

/// The statement a range proof is about.
#[derive(Clone, Copy, Debug)]
pub struct RangeStatement<'a> {
    /// The context the proof is bound to (spec §2.3): election and position.
    pub ctx: &'a [u8],
    /// The key the ciphertext is under.
    pub key: &'a PublicKey,
    /// The ciphertext.
    pub ciphertext: &'a Ciphertext,
    /// Smallest allowed value.
    pub lo: u64,
    /// Largest allowed value.
    pub hi: u64,
}

impl RangeStatement<'_> {
    fn branch_count(&self) -> Result<usize, UsageError> {
        if self.lo > self.hi || self.hi - self.lo >= MAX_BRANCHES {
            return Err(UsageError::Range);
        }
        Ok((self.hi - self.lo + 1) as usize)
    }

    fn challenge(&self, branches: impl Iterator<Item = (Element, Element)>) -> Scalar {
        let mut h = Hasher::new(tags::RANGE);
        h.bytes(self.ctx)
            .element(self.key.element())
            .element(&self.ciphertext.a)
            .element(&self.ciphertext.b)
            .u64(self.lo)
            .u64(self.hi);
        for (a, b) in branches {
            h.element(&a).element(&b);
        }
        h.challenge()
    }
}

impl RangeProof {
    /// Proves that `statement.ciphertext` encrypts `m` under `nonce` and that
    /// `lo ≤ m ≤ hi` (spec §4.2). Constant time in `m` and the nonce.
    pub fn prove<R: CryptoRng + ?Sized>(
        statement: &RangeStatement<'_>,
        m: u64,
        nonce: &Nonce,
        rng: &mut R,
    ) -> Result<Self, UsageError> {
        let n = statement.branch_count()?;
        if m < statement.lo || m > statement.hi {
            return Err(UsageError::Range);
        }
        let r = nonce.0.expose();
        let m_scalar = Scalar::from(m);
        let w = SecretScalar::random(rng);
        // For every branch pick (c_j, z_j); on the true branch (c, z) = (0, w).
        // With the witness known, a_j = (z_j − c_j·r)·G and
        // b_j = (z_j − c_j·r)·Y + c_j·(j − m)·G, the same formulas for every
        // branch, so nothing in the timing tells the true one.
        let mut cs = Vec::with_capacity(n);
        let mut zs = Vec::with_capacity(n);
        let mut commitments = Vec::with_capacity(n);
        for j in statement.lo..=statement.hi {
            let is_true = j.ct_eq(&m);
            let c = Scalar::conditional_select(&random_scalar(rng), &Scalar::ZERO, is_true);
            let z = Scalar::conditional_select(&random_scalar(rng), w.expose(), is_true);
            let u = z - c * r;
            let a = RistrettoPoint::mul_base(&u);
            let b = statement.key.mul(&u) + RistrettoPoint::mul_base(&(c * (Scalar::from(j) - m_scalar)));
            cs.push(c);
            zs.push(z);
            commitments.push((Element::new(a), Element::new(b)));
        }
        let challenge = statement.challenge(commitments.iter().copied());
        let simulated: Scalar = cs.iter().sum();
        let true_c = challenge - simulated;
        let mut branches = Vec::with_capacity(n);
        for (i, ((a, b), (c, z))) in commitments.into_iter().zip(cs.into_iter().zip(zs)).enumerate() {
            let is_true = (statement.lo + i as u64).ct_eq(&m);
            let c = Scalar::conditional_select(&c, &true_c, is_true);
            let z = Scalar::conditional_select(&z, &(w.expose() + true_c * r), is_true);
            branches.push(Branch { a, b, c, z });
        }
        Ok(Self { branches })
    }

    /// Verifies the proof one equation at a time (spec §4.2).
    pub fn verify(&self, statement: &RangeStatement<'_>) -> Result<(), VerifyError> {
        self.check_challenge(statement)?;
        let (a_ct, b_ct) = (statement.ciphertext.a.point(), statement.ciphertext.b.point());
        for (j, br) in (statement.lo..=statement.hi).zip(&self.branches) {
            // z·G − c·A = a
            let lhs = RistrettoPoint::vartime_double_scalar_mul_basepoint(&-br.c, a_ct, &br.z);
            if lhs != *br.a.point() {
                return Err(VerifyError::Equation);
            }
            // z·Y − c·B + c·j·G = b
            let lhs = statement.key.vartime_combination(br.c * Scalar::from(j), br.z, &[(-br.c, *b_ct)]);
            if lhs != *br.b.point() {
                return Err(VerifyError::Equation);
            }
        }
        Ok(())
    }

    /// Checks the challenge now and adds the proof's equations to a batch (spec §4.4).
    pub fn queue<R: CryptoRng + ?Sized>(
        &self,
        statement: &RangeStatement<'_>,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        self.check_challenge(statement)?;
        let (mut s_a, mut s_b, mut s_g, mut s_y) = (Scalar::ZERO, Scalar::ZERO, Scalar::ZERO, Scalar::ZERO);
        for (j, br) in (statement.lo..=statement.hi).zip(&self.branches) {
            let (w, v) = (batch.weight(rng), batch.weight(rng));
            // w·(z·G − c·A − a) + v·(z·Y − c·B + c·j·G − b)
            s_g += w * br.z + v * br.c * Scalar::from(j);
            s_y += v * br.z;
            s_a -= w * br.c;
            s_b -= v * br.c;
            batch.add(-w, *br.a.point());
            batch.add(-v, *br.b.point());
        }
        batch.add_g(s_g);
        batch.add_key(statement.key, s_y);
        batch.add(s_a, *statement.ciphertext.a.point());
        batch.add(s_b, *statement.ciphertext.b.point());
        Ok(())
    }

    fn check_challenge(&self, statement: &RangeStatement<'_>) -> Result<(), VerifyError> {
        let n = statement.branch_count().map_err(|_| VerifyError::Shape)?;
        if self.branches.len() != n {
            return Err(VerifyError::Shape);
        }
        let c = statement.challenge(self.branches.iter().map(|b| (b.a, b.b)));
        let sum: Scalar = self.branches.iter().map(|b| b.c).sum();
        if sum == c { Ok(()) } else { Err(VerifyError::Challenge) }
    }

    /// The branches in order, each `a ‖ b ‖ c ‖ z` (spec §4.2): `128·(hi − lo + 1)` bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.branches.len() * BRANCH_LEN);
        for br in &self.branches {
            out.extend_from_slice(br.a.as_bytes());
            out.extend_from_slice(br.b.as_bytes());
            out.extend_from_slice(br.c.as_bytes());
            out.extend_from_slice(br.z.as_bytes());
        }
        out
    }

    /// Decodes a proof of `branches` branches, strictly (spec §4.2).
    pub fn decode(bytes: &[u8], branches: usize) -> Result<Self, DecodeError> {
        if branches == 0 || branches as u64 > MAX_BRANCHES {
            return Err(DecodeError::OutOfRange { what: "range proof branches" });
        }
        if bytes.len() != branches * BRANCH_LEN {
            return Err(DecodeError::Length { expected: branches * BRANCH_LEN, actual: bytes.len() });
        }
        let mut r = Reader::new(bytes);
        let mut out = Vec::with_capacity(branches);
        for _ in 0..branches {
            out.push(Branch { a: r.element()?, b: r.element()?, c: r.scalar()?, z: r.scalar()? });
        }
        r.finish()?;
        Ok(Self { branches: out })
    }
}
