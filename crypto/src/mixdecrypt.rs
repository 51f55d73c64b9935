//! Threshold decryption of a whole mixed list with one proof per scrutineer (spec §19).
//!
//! After the mix (spec §18) every ciphertext of the output list is decrypted. With
//! the per-ciphertext shares of spec §5.4 each scrutineer makes one Chaum–Pedersen
//! proof per ciphertext (about 4.4 multiplications each) and the verifier checks
//! them all; for 27,000 write-in slots of 3 ciphertexts that was over a third of
//! the mix phase. Here scrutineer `j` publishes `Dᵢ = xⱼ·Aᵢ` for every ciphertext
//! `(Aᵢ, Bᵢ)` of the list and ONE equality proof (spec §4.3) that
//! `log_G Xⱼ = log_{A*} D*` for the random linear combinations
//! `A* = Σ ρᵢ·Aᵢ`, `D* = Σ ρᵢ·Dᵢ`, with 128-bit weights `ρᵢ` derived by
//! Fiat–Shamir from the context, `j`, `Xⱼ`, the whole list and every `Dᵢ` — the
//! batched DLEQ proof of RFC 9497 §2.2.1 (Privacy Pass, PETS 2018), whose
//! soundness is the small-exponents test of Bellare–Garay–Rabin (EUROCRYPT 1998).
//! The prover pays one constant-time multiplication per ciphertext plus one
//! multiscalar; the verifier two multiscalars of `N` points.
//!
//! The per-ciphertext share format of spec §5.4, used for the ballots' totals,
//! is unchanged; this module is for lists only.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};

use crate::elgamal::Ciphertext;
use crate::error::{DecodeError, VerifyError};
use crate::group::{Element, random_weight};
use crate::hash::Hasher;
use crate::proofs::Reader;
use crate::proofs::equality::{EQUALITY_PROOF_LEN, EqualityProof, EqualityStatement};
use crate::shuffle::in_two_halves;
use crate::threshold::{KeyShare, lagrange_at_zero};
use crate::{CryptoRng, tags};

/// Scrutineer `j`'s decryption shares of a whole list with their one proof (spec §19.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListShare {
    /// The scrutineer `j`.
    pub index: u32,
    /// `Dᵢ = xⱼ·Aᵢ` for every ciphertext of the list, in the list's order.
    pub d: Vec<Element>,
    /// Proof that `log_G Xⱼ = log_{A*} D*` (spec §4.3 with the context of §19.3).
    pub proof: EqualityProof,
}

/// Scrutineer `j`'s shares of a list whose proof has been checked; only
/// [`ListShare::verify`] makes one.
#[derive(Clone, Debug)]
pub struct VerifiedListShare {
    index: u32,
    list: [u8; 64],
    d: Vec<RistrettoPoint>,
}

impl VerifiedListShare {
    /// The scrutineer `j`.
    pub fn index(&self) -> u32 {
        self.index
    }
}

impl KeyShare {
    /// `Dᵢ = xⱼ·Aᵢ` for every ciphertext of `list`, with one proof (spec §19.2).
    ///
    /// Each `Dᵢ` and `D* = xⱼ·A*` is a constant-time multiplication by the
    /// secret; `A*` is a variable-time multiscalar of public points and weights.
    pub fn list_decryption_share<R: CryptoRng + ?Sized>(
        &self,
        ctx: &[u8],
        list: &[Ciphertext],
        rng: &mut R,
    ) -> ListShare {
        let x = self.secret().expose();
        // On two threads (as the shuffle, spec §18): no randomness is drawn here.
        let d: Vec<Element> =
            in_two_halves(list.len(), |range| list[range].iter().map(|c| Element::new(x * c.a.point())).collect());
        let public = self.public();
        let context = weight_context(ctx, self.index(), &public, &list_digest(list), &shares_digest(&d));
        let a_star = Element::new(combination(&context, list.iter().map(|c| *c.a.point())));
        let d_star = Element::new(x * a_star.point());
        let statement = EqualityStatement { ctx: &context, x: &public, base: &a_star, d: &d_star };
        let proof = EqualityProof::prove(&statement, self.secret(), rng);
        ListShare { index: self.index(), d, proof }
    }
}

impl ListShare {
    /// Checks the shares against scrutineer `j`'s public share and the list (spec §19.4).
    pub fn verify(
        &self,
        ctx: &[u8],
        public_share: &Element,
        list: &[Ciphertext],
    ) -> Result<VerifiedListShare, VerifyError> {
        if self.d.len() != list.len() {
            return Err(VerifyError::Shape);
        }
        // An identity public share makes every `Dᵢ = identity` provable (spec §5.4).
        if public_share.is_identity() {
            return Err(VerifyError::Equation);
        }
        let digest = list_digest(list);
        let context = weight_context(ctx, self.index, public_share, &digest, &shares_digest(&self.d));
        let weights = weights(&context, list.len());
        // The two multiscalars are independent: one on a second thread.
        let (a_star, d_star) = std::thread::scope(|scope| {
            let d_star =
                scope.spawn(|| RistrettoPoint::vartime_multiscalar_mul(&weights, self.d.iter().map(Element::point)));
            let a_star = RistrettoPoint::vartime_multiscalar_mul(&weights, list.iter().map(|c| c.a.point()));
            // A panic on the second thread is a bug; carry it to the caller.
            (a_star, d_star.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let (a_star, d_star) = (Element::new(a_star), Element::new(d_star));
        let statement = EqualityStatement { ctx: &context, x: public_share, base: &a_star, d: &d_star };
        self.proof.verify(&statement)?;
        Ok(VerifiedListShare { index: self.index, list: digest, d: self.d.iter().map(|e| *e.point()).collect() })
    }

    /// The seed `s` and the weights `ρ₁ … ρ_N` of these shares (spec §19.3), for
    /// known-answer vectors that an independent implementation checks itself against.
    pub fn weights(&self, ctx: &[u8], public_share: &Element, list: &[Ciphertext]) -> ([u8; 64], Vec<Scalar>) {
        let context = weight_context(ctx, self.index, public_share, &list_digest(list), &shares_digest(&self.d));
        (context, weights(&context, list.len()))
    }

    /// `u32be j ‖ u64be N ‖ D₁ ‖ … ‖ D_N ‖ T₁ ‖ T₂ ‖ z` (spec §19.5).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + 32 * self.d.len() + EQUALITY_PROOF_LEN);
        out.extend_from_slice(&self.index.to_be_bytes());
        out.extend_from_slice(&(self.d.len() as u64).to_be_bytes());
        for d in &self.d {
            out.extend_from_slice(d.as_bytes());
        }
        out.extend_from_slice(&self.proof.to_bytes());
        out
    }

    /// Decodes strictly: canonical elements and scalar, and exactly the length `N` announces.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let index = r.u32()?;
        let n = r.take(8)?;
        let n = u64::from_be_bytes([n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]]);
        // Checked before allocating, so a forged `N` cannot ask for memory.
        let expected = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(32))
            .and_then(|len| len.checked_add(12 + EQUALITY_PROOF_LEN))
            .unwrap_or(usize::MAX);
        if expected != bytes.len() {
            return Err(DecodeError::Length { expected, actual: bytes.len() });
        }
        // Decompression is most of the cost: on two threads, the first bad element in
        // order reported.
        let n = expected.saturating_sub(12 + EQUALITY_PROOF_LEN) / 32;
        let run = r.take(32 * n)?;
        let d = in_two_halves(n, |range| range.map(|i| Element::decode(&run[32 * i..32 * i + 32])).collect())
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        let proof = EqualityProof::decode(r.take(EQUALITY_PROOF_LEN)?)?;
        r.finish()?;
        Ok(Self { index, d, proof })
    }
}

/// Combines verified list shares from at least `threshold` distinct scrutineers
/// into `mᵢ = Bᵢ − Σⱼ λⱼ·Dⱼ,ᵢ` for every ciphertext of the list (spec §5.5, §19.4).
/// The first `threshold` shares by index are used; every share must have been
/// verified against this same list.
pub fn combine_list(
    list: &[Ciphertext],
    shares: &[VerifiedListShare],
    threshold: u32,
) -> Result<Vec<RistrettoPoint>, VerifyError> {
    let (chosen, lambdas) = choose(list, shares, threshold)?;
    // Every ciphertext on its own: on two threads, as the shares were made.
    Ok(in_two_halves(list.len(), |range| {
        range
            .map(|i| {
                list[i].b.point() - RistrettoPoint::vartime_multiscalar_mul(&lambdas, chosen.iter().map(|s| s.d[i]))
            })
            .collect()
    }))
}

/// The first `threshold` shares by index, checked to be of `list`, and their
/// Lagrange coefficients at zero (spec §5.5, §19.4).
fn choose<'a>(
    list: &[Ciphertext],
    shares: &'a [VerifiedListShare],
    threshold: u32,
) -> Result<(Vec<&'a VerifiedListShare>, Vec<Scalar>), VerifyError> {
    let mut chosen: Vec<&VerifiedListShare> = shares.iter().collect();
    chosen.sort_by_key(|s| s.index);
    chosen.dedup_by_key(|s| s.index);
    if chosen.len() != shares.len() || chosen.len() < threshold as usize || threshold == 0 {
        return Err(VerifyError::NotEnoughShares);
    }
    chosen.truncate(threshold as usize);
    let digest = list_digest(list);
    if chosen.iter().any(|s| s.list != digest || s.d.len() != list.len()) {
        return Err(VerifyError::Shape);
    }
    let indices: Vec<u32> = chosen.iter().map(|s| s.index).collect();
    let lambdas = lagrange_at_zero(&indices)?;
    Ok((chosen, lambdas))
}

/// Checks that the shares decrypt `list` to `plaintexts` (one element per
/// ciphertext) without decrypting it: with an independent random 128-bit weight
/// `ρᵢ` from `rng` for every ciphertext, `Σ ρᵢ·(Bᵢ − Mᵢ − Σⱼ λⱼ·Dⱼ,ᵢ)` is the identity
/// (spec §19.4, "Checking published plaintexts"; the batch of §4.4). One multiscalar
/// multiplication on two threads, identities among the `Mᵢ` left out. `Ok` means
/// [`combine_list`] would give exactly `plaintexts` (but for probability `2⁻¹²⁸`);
/// on `Err`, call it to find which differ.
pub fn check_list_plaintexts<R: CryptoRng + ?Sized>(
    list: &[Ciphertext],
    shares: &[VerifiedListShare],
    threshold: u32,
    plaintexts: &[RistrettoPoint],
    rng: &mut R,
) -> Result<(), VerifyError> {
    let (chosen, lambdas) = choose(list, shares, threshold)?;
    if plaintexts.len() != list.len() {
        return Err(VerifyError::Shape);
    }
    let rho: Vec<Scalar> = (0..list.len()).map(|_| random_weight(rng)).collect();
    let mut terms: Vec<(Scalar, RistrettoPoint)> = Vec::with_capacity(list.len() * (2 + chosen.len()));
    for (i, (c, m)) in list.iter().zip(plaintexts).enumerate() {
        terms.push((rho[i], *c.b.point()));
        if !m.is_identity() {
            terms.push((-rho[i], *m));
        }
        for (share, lambda) in chosen.iter().zip(&lambdas) {
            terms.push((-(lambda * rho[i]), share.d[i]));
        }
    }
    let (first, second) = terms.split_at(terms.len() / 2);
    let halves = in_two_halves(2, |range| {
        let part = if range.start == 0 { first } else { second };
        vec![RistrettoPoint::vartime_multiscalar_mul(part.iter().map(|(s, _)| s), part.iter().map(|(_, p)| p))]
    });
    if halves.iter().sum::<RistrettoPoint>().is_identity() { Ok(()) } else { Err(VerifyError::Batch) }
}

/// `L = H("hallvote/mix-decrypt/list/v1", u64(N), A₁, B₁, …, A_N, B_N)` (spec §19.3).
/// Both halves are bound, as in spec §5.4, so the shares are shares of these ciphertexts.
fn list_digest(list: &[Ciphertext]) -> [u8; 64] {
    let mut h = Hasher::new(tags::MIX_DECRYPT_LIST);
    h.u64(list.len() as u64);
    for c in list {
        h.element(&c.a).element(&c.b);
    }
    h.finalize()
}

/// `S = H("hallvote/mix-decrypt/shares/v1", u64(N), D₁, …, D_N)` (spec §19.3).
fn shares_digest(d: &[Element]) -> [u8; 64] {
    let mut h = Hasher::new(tags::MIX_DECRYPT_SHARES);
    h.u64(d.len() as u64);
    for d in d {
        h.element(d);
    }
    h.finalize()
}

/// `s = H("hallvote/mix-decrypt/context/v1", ctx, u64(j), Xⱼ, L, S)` (spec §19.3): the
/// seed of the weights and the context of the equality proof.
fn weight_context(ctx: &[u8], index: u32, public: &Element, list: &[u8; 64], shares: &[u8; 64]) -> [u8; 64] {
    let mut h = Hasher::new(tags::MIX_DECRYPT_CONTEXT);
    h.bytes(ctx).u64(u64::from(index)).element(public).bytes(list).bytes(shares);
    h.finalize()
}

/// `ρᵢ = int_le(first 16 bytes of H("hallvote/mix-decrypt/weight/v1", s, u64(i)))`
/// for `i = 1 … N` (spec §19.3): 128-bit weights, as in §4.4.
fn weights(context: &[u8; 64], n: usize) -> Vec<Scalar> {
    in_two_halves(n, |range| range.map(|i| weight(context, i as u64 + 1)).collect())
}

/// `ρᵢ`, the first 16 bytes of its hash read as a little-endian integer.
fn weight(context: &[u8; 64], i: u64) -> Scalar {
    let mut h = Hasher::new(tags::MIX_DECRYPT_WEIGHT);
    h.bytes(context).u64(i);
    let out = h.finalize();
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(&out[..16]);
    Scalar::from_bytes_mod_order(bytes)
}

/// `Σ ρᵢ·Pᵢ` with the weights of `context`.
fn combination(context: &[u8; 64], points: impl ExactSizeIterator<Item = RistrettoPoint>) -> RistrettoPoint {
    let weights = weights(context, points.len());
    RistrettoPoint::vartime_multiscalar_mul(weights, points)
}

#[cfg(test)]
mod tests;
