//! Threshold decryption by any k scrutineers (spec §5.4, §5.5).
//!
//! Scrutineer `j` publishes `Dⱼ = xⱼ·A` for a ciphertext `(A, B)` with a proof
//! that `log_G Xⱼ = log_A Dⱼ`. Any k verified shares from distinct
//! scrutineers combine by Lagrange interpolation at zero:
//! `x·A = Σⱼ λⱼ·Dⱼ`, `λⱼ = Πₘ m / (m − j)`, and `m·G = B − x·A`.

use core::fmt;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::elgamal::Ciphertext;
use crate::error::{DecodeError, VerifyError};
use crate::group::{Element, SecretScalar};
use crate::hash::Hasher;
use crate::proofs::equality::{EqualityProof, EqualityStatement};
use crate::proofs::{BatchVerifier, Reader};
use crate::{CryptoRng, tags};

/// Scrutineer `j`'s share `xⱼ` of the joint secret. Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct KeyShare {
    #[zeroize(skip)]
    index: u32,
    secret: SecretScalar,
}

impl fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyShare {{ index: {}, secret: [redacted] }}", self.index)
    }
}

impl KeyShare {
    /// Wraps scrutineer `index`'s secret share (e.g. loaded from its share file).
    pub fn new(index: u32, secret: SecretScalar) -> Self {
        Self { index, secret }
    }

    /// The scrutineer's index `j`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The secret share, for storing it in a share file (spec §9).
    pub fn secret(&self) -> &SecretScalar {
        &self.secret
    }

    /// The public share `Xⱼ = xⱼ·G`.
    pub fn public(&self) -> Element {
        self.secret.public()
    }

    /// `Dⱼ = xⱼ·A` with its proof, for the ciphertext in context `ctx` (spec §5.4).
    pub fn decryption_share<R: CryptoRng + ?Sized>(
        &self,
        ctx: &[u8],
        ciphertext: &Ciphertext,
        rng: &mut R,
    ) -> DecryptionShare {
        let d = Element::new(self.secret.expose() * ciphertext.a.point());
        let x = self.public();
        let share_ctx = share_context(ctx, self.index, ciphertext);
        let statement = EqualityStatement { ctx: &share_ctx, x: &x, base: &ciphertext.a, d: &d };
        let proof = EqualityProof::prove(&statement, &self.secret, rng);
        DecryptionShare { index: self.index, d, proof }
    }
}

/// A decryption share `Dⱼ` with its proof (spec §5.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecryptionShare {
    /// The scrutineer `j`.
    pub index: u32,
    /// `Dⱼ = xⱼ·A`.
    pub d: Element,
    /// Proof that `log_G Xⱼ = log_A Dⱼ`.
    pub proof: EqualityProof,
}

/// Length of an encoded decryption share: `u32be j ‖ Dⱼ ‖ proof`.
pub const DECRYPTION_SHARE_LEN: usize = 4 + 32 + 96;

/// A decryption share whose proof has been checked; only [`DecryptionShare::verify`] makes one.
#[derive(Clone, Debug)]
pub struct VerifiedShare {
    index: u32,
    d: RistrettoPoint,
}

impl DecryptionShare {
    /// Checks the share against scrutineer `j`'s public share and the ciphertext (spec §5.4).
    pub fn verify(
        &self,
        ctx: &[u8],
        public_share: &Element,
        ciphertext: &Ciphertext,
    ) -> Result<VerifiedShare, VerifyError> {
        if public_share.is_identity() {
            return Err(VerifyError::Equation);
        }
        let share_ctx = share_context(ctx, self.index, ciphertext);
        let statement = EqualityStatement { ctx: &share_ctx, x: public_share, base: &ciphertext.a, d: &self.d };
        self.proof.verify(&statement)?;
        Ok(VerifiedShare { index: self.index, d: *self.d.point() })
    }

    /// Adds the share's proof to a batch; call [`DecryptionShare::assume_verified`]
    /// only after the batch has verified.
    pub fn queue<R: CryptoRng + ?Sized>(
        &self,
        ctx: &[u8],
        public_share: &Element,
        ciphertext: &Ciphertext,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) {
        let share_ctx = share_context(ctx, self.index, ciphertext);
        let statement = EqualityStatement { ctx: &share_ctx, x: public_share, base: &ciphertext.a, d: &self.d };
        if public_share.is_identity() {
            // An identity public share makes every `Dⱼ = identity` provable; the
            // batch is made to fail (spec §5.4), as a single verification does.
            batch.reject();
        }
        self.proof.queue(&statement, batch, rng);
    }

    /// Marks a share verified whose proof was part of a batch that verified.
    pub fn assume_verified(&self, _batch_verified: &BatchVerified) -> VerifiedShare {
        VerifiedShare { index: self.index, d: *self.d.point() }
    }

    /// `u32be j ‖ Dⱼ ‖ T₁ ‖ T₂ ‖ z` (spec §5.4).
    pub fn to_bytes(&self) -> [u8; DECRYPTION_SHARE_LEN] {
        let mut out = [0; DECRYPTION_SHARE_LEN];
        out[..4].copy_from_slice(&self.index.to_be_bytes());
        out[4..36].copy_from_slice(self.d.as_bytes());
        out[36..].copy_from_slice(&self.proof.to_bytes());
        out
    }

    /// Decodes strictly.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let index = r.u32()?;
        let d = r.element()?;
        let proof = EqualityProof::decode(r.take(96)?)?;
        r.finish()?;
        Ok(Self { index, d, proof })
    }
}

/// Evidence that a [`BatchVerifier`] holding some shares' proofs verified.
#[derive(Debug)]
pub struct BatchVerified(());

/// Runs a batch and, if it verifies, returns the evidence for [`DecryptionShare::assume_verified`].
pub fn verify_batch(batch: BatchVerifier) -> Result<BatchVerified, VerifyError> {
    batch.verify().map(|()| BatchVerified(()))
}

/// Combines verified shares from at least `threshold` distinct scrutineers
/// into `m·G` (spec §5.5). Extra shares beyond `threshold` are not needed; the
/// first `threshold` by index are used, so the result does not depend on order.
pub fn combine(
    ciphertext: &Ciphertext,
    shares: &[VerifiedShare],
    threshold: u32,
) -> Result<RistrettoPoint, VerifyError> {
    let mut chosen: Vec<&VerifiedShare> = shares.iter().collect();
    chosen.sort_by_key(|s| s.index);
    chosen.dedup_by_key(|s| s.index);
    if chosen.len() != shares.len() || chosen.len() < threshold as usize || threshold == 0 {
        return Err(VerifyError::NotEnoughShares);
    }
    chosen.truncate(threshold as usize);
    let indices: Vec<u32> = chosen.iter().map(|s| s.index).collect();
    let lambdas = lagrange_at_zero(&indices)?;
    let xa = RistrettoPoint::vartime_multiscalar_mul(lambdas, chosen.iter().map(|s| s.d));
    Ok(ciphertext.b.point() - xa)
}

/// The Lagrange coefficients at zero for distinct nonzero indices (spec §5.5):
/// `λⱼ = Π_{m≠j} m / (m − j)`.
pub fn lagrange_at_zero(indices: &[u32]) -> Result<Vec<Scalar>, VerifyError> {
    let mut out = Vec::with_capacity(indices.len());
    for (pos, &j) in indices.iter().enumerate() {
        if j == 0 {
            return Err(VerifyError::Shape);
        }
        let (mut num, mut den) = (Scalar::ONE, Scalar::ONE);
        for (other, &m) in indices.iter().enumerate() {
            if other == pos {
                continue;
            }
            if m == j {
                return Err(VerifyError::NotEnoughShares);
            }
            num *= Scalar::from(u64::from(m));
            den *= Scalar::from(u64::from(m)) - Scalar::from(u64::from(j));
        }
        out.push(num * den.invert());
    }
    Ok(out)
}

/// The context of scrutineer `j`'s share proof (spec §5.4):
/// `H("hallvote/decryption-share/v2", ctx, u64(j), A, B)`. The equality proof itself
/// covers `A` (its base); binding `B` here makes the share a share of this one
/// ciphertext, so a ballot with nonce 0 (which leaves `A` unchanged but moves `B`)
/// cannot be added to an aggregate after the scrutineers have decrypted it.
fn share_context(ctx: &[u8], index: u32, ciphertext: &Ciphertext) -> [u8; 64] {
    let mut h = Hasher::new(tags::DECRYPTION_SHARE);
    h.bytes(ctx).u64(u64::from(index)).element(&ciphertext.a).element(&ciphertext.b);
    h.finalize()
}
