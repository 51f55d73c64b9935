//! k-of-n scrutineer keys: Pedersen DKG with Feldman commitments (spec §5).
//!
//! Each of the n scrutineers is a *dealer*: it picks a random polynomial
//! `fᵢ` of degree `k − 1`, publishes Feldman commitments `Cᵢₜ = aᵢₜ·G` to its
//! coefficients with a Schnorr proof of knowledge of `aᵢ₀` (which stops a
//! dealer from choosing its contribution after seeing the others'), and sends
//! each scrutineer `j` the share `sᵢⱼ = fᵢ(j)` privately. Each recipient checks
//! its shares against the commitments and complains about any that fail.
//! Over the qualified dealers `Q`, scrutineer `j`'s key share is
//! `xⱼ = Σᵢ sᵢⱼ`, the joint key is `Y = Σᵢ Cᵢ₀`, and every public share
//! `Xⱼ = xⱼ·G = Σᵢ Σₜ jᵗ·Cᵢₜ` can be computed by anyone from the commitments.
//! No one ever holds the joint secret; any k key shares interpolate it.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::elgamal::PublicKey;
use crate::error::{DecodeError, UsageError, VerifyError};
use crate::group::{Element, SecretScalar};
use crate::hash::Hasher;
use crate::proofs::{Reader, SchnorrProof};
use crate::threshold::KeyShare;
use crate::{CryptoRng, tags};

/// The largest number of scrutineers a ceremony may have (spec §5.1).
pub const MAX_PARTICIPANTS: u32 = 255;

/// The shape of a ceremony: `k` of `n` scrutineers decrypt (spec §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    threshold: u32,
    participants: u32,
}

impl Params {
    /// `k`-of-`n` parameters; requires `1 ≤ k ≤ n ≤ 255`.
    pub fn new(threshold: u32, participants: u32) -> Result<Self, UsageError> {
        if threshold == 0 || threshold > participants || participants > MAX_PARTICIPANTS {
            return Err(UsageError::Threshold);
        }
        Ok(Self { threshold, participants })
    }

    /// `k`, the number of scrutineers needed to decrypt.
    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// `n`, the number of scrutineers.
    pub fn participants(&self) -> u32 {
        self.participants
    }

    fn check_index(&self, index: u32) -> Result<(), UsageError> {
        if index == 0 || index > self.participants { Err(UsageError::Threshold) } else { Ok(()) }
    }
}

/// A dealer's secret polynomial `fᵢ` (spec §5.2). Zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Dealer {
    #[zeroize(skip)]
    params: Params,
    #[zeroize(skip)]
    index: u32,
    coefficients: Vec<Scalar>,
}

impl core::fmt::Debug for Dealer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Dealer {{ index: {}, coefficients: [redacted] }}", self.index)
    }
}

impl Dealer {
    /// Scrutineer `index` (1-based) starts a ceremony with a fresh random polynomial.
    pub fn new<R: CryptoRng + ?Sized>(params: Params, index: u32, rng: &mut R) -> Result<Self, UsageError> {
        params.check_index(index)?;
        let coefficients = (0..params.threshold).map(|_| *SecretScalar::random(rng).expose()).collect();
        Ok(Self { params, index, coefficients })
    }

    /// This dealer's public message: commitments and proof of knowledge (spec §5.2).
    pub fn commitments<R: CryptoRng + ?Sized>(&self, ceremony: &[u8], rng: &mut R) -> DealerCommitments {
        let commitments: Vec<Element> =
            self.coefficients.iter().map(|a| Element::new(RistrettoPoint::mul_base(a))).collect();
        let constant = SecretScalar::new(self.coefficients[0]);
        let ctx = dealer_context(ceremony, self.params, self.index, &commitments);
        let proof = SchnorrProof::prove(&ctx, &constant, &commitments[0], rng);
        DealerCommitments { dealer: self.index, commitments, proof }
    }

    /// The private share `sᵢⱼ = fᵢ(j)` for scrutineer `recipient` (spec §5.2).
    pub fn share_for(&self, recipient: u32) -> Result<DealerShare, UsageError> {
        self.params.check_index(recipient)?;
        let x = Scalar::from(u64::from(recipient));
        // Horner's rule, highest coefficient first.
        let mut value = Scalar::ZERO;
        for a in self.coefficients.iter().rev() {
            value = value * x + a;
        }
        let share = DealerShare { dealer: self.index, recipient, value: SecretScalar::new(value) };
        value.zeroize();
        Ok(share)
    }
}

/// A dealer's broadcast: `i ‖ Cᵢ₀ … Cᵢ,ₖ₋₁ ‖ proof` (spec §5.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealerCommitments {
    /// The dealer's index `i`, 1-based.
    pub dealer: u32,
    /// Feldman commitments `Cᵢₜ = aᵢₜ·G`, `t = 0 … k−1`.
    pub commitments: Vec<Element>,
    /// Proof of knowledge of `aᵢ₀`.
    pub proof: SchnorrProof,
}

impl DealerCommitments {
    /// Checks the message against the ceremony (spec §5.2): the dealer index,
    /// `k` commitments, `Cᵢ₀` not the identity, and the proof of knowledge.
    pub fn verify(&self, ceremony: &[u8], params: Params) -> Result<(), VerifyError> {
        if params.check_index(self.dealer).is_err() || self.commitments.len() != params.threshold as usize {
            return Err(VerifyError::Shape);
        }
        let c0 = &self.commitments[0];
        if c0.is_identity() {
            return Err(VerifyError::Equation);
        }
        self.proof.verify(&dealer_context(ceremony, params, self.dealer, &self.commitments), c0)
    }

    /// `Σₜ jᵗ·Cᵢₜ`: what `fᵢ(j)·G` must be (spec §5.3).
    pub fn evaluate(&self, j: u32) -> RistrettoPoint {
        let x = Scalar::from(u64::from(j));
        let mut power = Scalar::ONE;
        let mut scalars = Vec::with_capacity(self.commitments.len());
        for _ in &self.commitments {
            scalars.push(power);
            power *= x;
        }
        RistrettoPoint::vartime_multiscalar_mul(scalars, self.commitments.iter().map(|c| *c.point()))
    }

    /// `u32be i ‖ u32be k ‖ C₀ … Cₖ₋₁ ‖ proof` (spec §5.2).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 32 * self.commitments.len() + 64);
        out.extend_from_slice(&self.dealer.to_be_bytes());
        out.extend_from_slice(&(self.commitments.len() as u32).to_be_bytes());
        for c in &self.commitments {
            out.extend_from_slice(c.as_bytes());
        }
        out.extend_from_slice(&self.proof.to_bytes());
        out
    }

    /// Decodes strictly; the count must be `1..=255`.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let dealer = r.u32()?;
        let k = r.u32()?;
        if k == 0 || k > MAX_PARTICIPANTS {
            return Err(DecodeError::OutOfRange { what: "commitment count" });
        }
        let commitments = (0..k).map(|_| r.element()).collect::<Result<Vec<_>, _>>()?;
        let proof = SchnorrProof::decode(r.take(64)?)?;
        r.finish()?;
        Ok(Self { dealer, commitments, proof })
    }
}

/// A private share `sᵢⱼ` from dealer `i` to scrutineer `j` (spec §5.2).
///
/// It travels encrypted to its recipient; in the clear only in a complaint.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct DealerShare {
    /// The dealer `i`.
    #[zeroize(skip)]
    pub dealer: u32,
    /// The recipient `j`.
    #[zeroize(skip)]
    pub recipient: u32,
    value: SecretScalar,
}

impl core::fmt::Debug for DealerShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DealerShare {{ dealer: {}, recipient: {}, value: [redacted] }}", self.dealer, self.recipient)
    }
}

/// Length of an encoded dealer share: `u32be i ‖ u32be j ‖ s`.
pub const DEALER_SHARE_LEN: usize = 40;

impl DealerShare {
    /// Checks `sᵢⱼ·G = Σₜ jᵗ·Cᵢₜ` (spec §5.3). A failure is grounds for a complaint.
    pub fn verify(&self, commitments: &DealerCommitments) -> Result<(), VerifyError> {
        if commitments.dealer != self.dealer {
            return Err(VerifyError::Shape);
        }
        if self.value.public().point() == &commitments.evaluate(self.recipient) {
            Ok(())
        } else {
            Err(VerifyError::Share)
        }
    }

    /// `u32be i ‖ u32be j ‖ sᵢⱼ`, zeroized on drop (spec §5.2).
    pub fn to_bytes(&self) -> zeroize::Zeroizing<[u8; DEALER_SHARE_LEN]> {
        let mut out = zeroize::Zeroizing::new([0u8; DEALER_SHARE_LEN]);
        out[..4].copy_from_slice(&self.dealer.to_be_bytes());
        out[4..8].copy_from_slice(&self.recipient.to_be_bytes());
        out[8..].copy_from_slice(self.value.to_bytes().as_ref());
        out
    }

    /// Decodes strictly; the value must be a canonical scalar (zero is allowed:
    /// a polynomial may take the value zero).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let dealer = r.u32()?;
        let recipient = r.u32()?;
        let mut value = r.scalar()?;
        r.finish()?;
        let share = Self { dealer, recipient, value: SecretScalar::new(value) };
        value.zeroize();
        Ok(share)
    }

    pub(crate) fn value(&self) -> &Scalar {
        self.value.expose()
    }
}

/// The public outcome of a ceremony (spec §5.3): the joint key and every public share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CeremonyOutput {
    /// `Y = Σ_{i∈Q} Cᵢ₀`.
    pub joint_key: PublicKey,
    /// `Xⱼ` for `j = 1 … n`, in order.
    pub public_shares: Vec<Element>,
    /// The qualified dealers `Q`, ascending.
    pub qualified: Vec<u32>,
}

/// Computes the joint key and public shares from the commitments of the
/// qualified dealers, each of which must already have been verified (spec §5.3).
pub fn ceremony_output(params: Params, qualified: &[DealerCommitments]) -> Result<CeremonyOutput, VerifyError> {
    let mut dealers: Vec<u32> = qualified.iter().map(|d| d.dealer).collect();
    dealers.sort_unstable();
    dealers.dedup();
    if dealers.len() != qualified.len() || dealers.len() < params.threshold as usize {
        return Err(VerifyError::NotEnoughShares);
    }
    let y: RistrettoPoint = qualified.iter().map(|d| d.commitments[0].point()).sum();
    let joint_key = PublicKey::new(Element::new(y)).map_err(|_| VerifyError::Equation)?;
    let public_shares: Vec<Element> =
        (1..=params.participants).map(|j| Element::new(qualified.iter().map(|d| d.evaluate(j)).sum())).collect();
    // An identity public share would let anyone make scrutineer j's decryption
    // shares (`Dⱼ = identity` for every ciphertext): the ceremony fails (spec §5.3).
    if public_shares.iter().any(Element::is_identity) {
        return Err(VerifyError::Equation);
    }
    Ok(CeremonyOutput { joint_key, public_shares, qualified: dealers })
}

/// Scrutineer `j`'s key share `xⱼ = Σ_{i∈Q} sᵢⱼ` from the verified shares it
/// received from the qualified dealers (spec §5.3), checked against its public share.
pub fn key_share(recipient: u32, shares: &[DealerShare], output: &CeremonyOutput) -> Result<KeyShare, VerifyError> {
    let mut dealers: Vec<u32> = shares.iter().map(|s| s.dealer).collect();
    dealers.sort_unstable();
    if dealers != output.qualified || shares.iter().any(|s| s.recipient != recipient) {
        return Err(VerifyError::Shape);
    }
    let mut x = Scalar::ZERO;
    for s in shares {
        x += s.value();
    }
    let secret = SecretScalar::new(x);
    x.zeroize();
    let public = output.public_shares.get(recipient as usize - 1).ok_or(VerifyError::Shape)?;
    if secret.public() != *public {
        return Err(VerifyError::Share);
    }
    Ok(KeyShare::new(recipient, secret))
}

/// The context of dealer `i`'s proof of knowledge (spec §5.2):
/// `H("hallvote/dkg/dealer/v1", ceremony, u64(n), u64(k), u64(i), Cᵢ₀, …, Cᵢ,ₖ₋₁)`.
/// Binding every commitment makes the whole broadcast self-authenticating: a
/// relay that alters any commitment breaks the proof.
fn dealer_context(ceremony: &[u8], params: Params, dealer: u32, commitments: &[Element]) -> [u8; 64] {
    let mut h = Hasher::new(tags::DKG_DEALER);
    h.bytes(ceremony).u64(u64::from(params.participants)).u64(u64::from(params.threshold)).u64(u64::from(dealer));
    for c in commitments {
        h.element(c);
    }
    h.finalize()
}
