//! The proof a ballot carries for one candidate row that may hold a write-in
//! (spec §10.7, draft; ADR 0021 decision items 1–3).
//!
//! A row carries the ciphertext `a` of its 不赞成 selection, an indicator
//! `w = Enc(b)` with `b = 1` when a name is written in the row, and the slot: three
//! plain-ElGamal ciphertexts of the name's elements (§17; the empty name is three
//! identities). The rules (R9) allow a name only beside a mark against, and the
//! seat cap counts it. The proof shows, without telling which case holds:
//!
//! 1. `b ∈ {0, 1}` — a range proof (§4.2) on `w`;
//! 2. `a − w` encrypts 0 or 1 — a range proof on the difference, which the
//!    verifier computes, so `b = 1` needs `against = 1`;
//! 3. `b = 0` and the slot is empty, **or** `b = 1` — a two-branch
//!    Cramer–Damgård–Schoenmakers OR-proof; branch 0 is the conjunction of four
//!    Diffie–Hellman tuples (`w` and the three slot ciphertexts encrypt the
//!    identity) under one challenge share, branch 1 the one tuple `w − G`.
//!
//! An empty slot with `b = 1` is allowed by the statement: it only spends the
//! voter's own seat (ADR 0021), and a correct booth never makes one.
//! Item 4, the cap on for-votes plus write-ins, is the existing range proof on
//! [`cap_sum`].

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::elgamal::{Ciphertext, Nonce, PublicKey};
use crate::error::{DecodeError, UsageError, VerifyError};
use crate::group::{Element, SecretScalar, random_scalar};
use crate::hash::Hasher;
use crate::proofs::range::{RangeProof, RangeStatement};
use crate::proofs::{BatchVerifier, Reader};
use crate::writein::{EncryptedSlot, SLOT_POINTS};
use crate::{CryptoRng, tags};

/// Diffie–Hellman tuples in branch 0: the indicator, then the slot's ciphertexts.
const EMPTY_TUPLES: usize = 1 + SLOT_POINTS;

/// Length of an encoded 0/1 range proof (two branches of §4.2).
const BIT_PROOF_LEN: usize = 2 * crate::proofs::range::BRANCH_LEN;

/// Length of an encoded slot OR-proof: branch 0 (`4·(a ‖ b)`, `c₀`, `4·z`)
/// then branch 1 (`a ‖ b ‖ c₁ ‖ z`).
pub const SLOT_PROOF_LEN: usize = EMPTY_TUPLES * 64 + 32 + EMPTY_TUPLES * 32 + 128;

/// Length of an encoded row proof: indicator proof ‖ difference proof ‖ slot proof.
pub const ROW_PROOF_LEN: usize = 2 * BIT_PROOF_LEN + SLOT_PROOF_LEN;

/// The public statement of one row (spec §10.7).
#[derive(Clone, Copy, Debug)]
pub struct WriteInRowStatement<'a> {
    /// The row's context, `ctx_wi(c,i)` (spec §10.7).
    pub ctx: &'a [u8],
    /// The joint key every ciphertext is under.
    pub key: &'a PublicKey,
    /// The ciphertext of the row's 不赞成 selection.
    pub against: &'a Ciphertext,
    /// The indicator `w = Enc(b)`.
    pub indicator: &'a Ciphertext,
    /// The slot: plain ElGamal of the name's three elements.
    pub slot: &'a EncryptedSlot,
}

/// What the booth knows about a row: the marks, the name's elements and every nonce.
pub struct WriteInRowWitness<'a> {
    /// The against mark, 0 or 1.
    pub against: u64,
    /// The nonce of the against selection's ciphertext.
    pub against_nonce: &'a Nonce,
    /// `b`: 1 when a name is written, else 0.
    pub written: u64,
    /// The nonce of the indicator.
    pub indicator_nonce: &'a Nonce,
    /// The name's elements (§17.2; three identities for the empty name).
    pub name: &'a [RistrettoPoint; SLOT_POINTS],
    /// The slot's nonces, one per element.
    pub slot_nonces: &'a [Nonce; SLOT_POINTS],
}

/// Commitment pair `(a, b)` of one Diffie–Hellman tuple `log_G A = log_Y B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TupleCommitment {
    /// Commitment over `G` and `A`.
    pub a: Element,
    /// Commitment over `Y` and `B`.
    pub b: Element,
}

/// Branch 0 of the slot OR-proof: the indicator and the three slot ciphertexts
/// all encrypt the identity, under one challenge share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyBranch {
    /// One commitment pair per tuple: the indicator, then slot ciphertexts 0, 1, 2.
    pub commitments: [TupleCommitment; EMPTY_TUPLES],
    /// The branch's challenge share `c₀`.
    pub c: Scalar,
    /// One response per tuple, in the order of the commitments.
    pub z: [Scalar; EMPTY_TUPLES],
}

/// Branch 1 of the slot OR-proof: the indicator encrypts 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenBranch {
    /// The commitment pair over `(A_w, B_w − G)`.
    pub commitment: TupleCommitment,
    /// The branch's challenge share `c₁`.
    pub c: Scalar,
    /// The response.
    pub z: Scalar,
}

/// The OR-proof "the row is unwritten and its slot empty, or the row is written" (§10.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotProof {
    /// Branch 0.
    pub empty: EmptyBranch,
    /// Branch 1.
    pub written: WrittenBranch,
}

/// The whole proof of one write-in row (spec §10.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteInRowProof {
    /// `b ∈ {0, 1}` (range proof `0..=1` on `w`).
    pub indicator: RangeProof,
    /// `against − b ∈ {0, 1}` (range proof `0..=1` on `a − w`).
    pub against_minus_indicator: RangeProof,
    /// Branch 0 or branch 1.
    pub slot: SlotProof,
}

/// The row context `ctx_wi(c,i) = H("hallvote/ballot/writein/v1", E, S, u64be(c), u64be(i))` (§10.7).
pub fn row_context(election: &[u8; 64], serial: &[u8; 32], contest: u64, item: u64) -> [u8; 64] {
    let mut h = Hasher::new(tags::BALLOT_WRITEIN);
    h.bytes(election).bytes(serial).u64(contest).u64(item);
    h.finalize()
}

/// `a − w`, which the verifier computes itself (§3.3, §10.7 item 2).
pub fn against_minus_indicator(against: &Ciphertext, indicator: &Ciphertext) -> Ciphertext {
    Ciphertext {
        a: Element::new(against.a.point() - indicator.a.point()),
        b: Element::new(against.b.point() - indicator.b.point()),
    }
}

/// The ciphertext a contest with write-ins proves `0..=seats` on: the sum of its
/// for-selections and of its rows' indicators (§10.7 item 4), computed by the verifier.
pub fn cap_sum<'a>(
    for_selections: impl IntoIterator<Item = &'a Ciphertext>,
    indicators: impl IntoIterator<Item = &'a Ciphertext>,
) -> Ciphertext {
    Ciphertext::sum(for_selections.into_iter().chain(indicators))
}

impl WriteInRowStatement<'_> {
    fn bit<'s>(&'s self, ciphertext: &'s Ciphertext) -> RangeStatement<'s> {
        RangeStatement { ctx: self.ctx, key: self.key, ciphertext, lo: 0, hi: 1 }
    }

    /// The four tuples of branch 0, as `(A, B)`.
    fn empty_tuples(&self) -> [(RistrettoPoint, RistrettoPoint); EMPTY_TUPLES] {
        let w = self.indicator;
        let s = self.slot;
        [
            (*w.a.point(), *w.b.point()),
            (*s[0].a.point(), *s[0].b.point()),
            (*s[1].a.point(), *s[1].b.point()),
            (*s[2].a.point(), *s[2].b.point()),
        ]
    }

    fn challenge(&self, empty: &[TupleCommitment; EMPTY_TUPLES], written: &TupleCommitment) -> Scalar {
        let mut h = Hasher::new(tags::WRITEIN_SLOT);
        h.bytes(self.ctx)
            .element(self.key.element())
            .element(&self.against.a)
            .element(&self.against.b)
            .element(&self.indicator.a)
            .element(&self.indicator.b);
        for ct in self.slot {
            h.element(&ct.a).element(&ct.b);
        }
        for t in empty.iter().chain(std::iter::once(written)) {
            h.element(&t.a).element(&t.b);
        }
        h.challenge()
    }
}

impl WriteInRowProof {
    /// Proves the row (spec §10.7). Refuses, with [`UsageError::WriteIn`], a row no
    /// valid ballot has: a mark or `b` outside `{0, 1}`, `b = 1` beside no mark
    /// against, or `b = 0` with a non-empty name. The work does not depend on `b`,
    /// the marks, the name or the nonces (beyond the refusal itself).
    pub fn prove<R: CryptoRng + ?Sized>(
        statement: &WriteInRowStatement<'_>,
        witness: &WriteInRowWitness<'_>,
        rng: &mut R,
    ) -> Result<Self, UsageError> {
        let against_ok = witness.against.ct_eq(&0) | witness.against.ct_eq(&1);
        let written_ok = witness.written.ct_eq(&0) | witness.written.ct_eq(&1);
        let is_written = witness.written.ct_eq(&1);
        // b = 1 needs against = 1.
        let pairing_ok = !is_written | witness.against.ct_eq(&1);
        let identity = RistrettoPoint::identity();
        let empty_name = witness.name.iter().fold(Choice::from(1), |acc, p| acc & p.ct_eq(&identity));
        let slot_ok = is_written | empty_name;
        if !bool::from(against_ok & written_ok & pairing_ok & slot_ok) {
            return Err(UsageError::WriteIn);
        }

        let indicator =
            RangeProof::prove(&statement.bit(statement.indicator), witness.written, witness.indicator_nonce, rng)?;
        let difference = against_minus_indicator(statement.against, statement.indicator);
        let difference_nonce =
            Nonce(SecretScalar::new(witness.against_nonce.0.expose() - witness.indicator_nonce.0.expose()));
        let against_minus_indicator =
            RangeProof::prove(&statement.bit(&difference), witness.against - witness.written, &difference_nonce, rng)?;
        let slot = prove_slot(statement, witness, is_written, rng);
        Ok(Self { indicator, against_minus_indicator, slot })
    }

    /// Verifies the row one equation at a time (spec §10.7).
    pub fn verify(&self, statement: &WriteInRowStatement<'_>) -> Result<(), VerifyError> {
        self.indicator.verify(&statement.bit(statement.indicator))?;
        let difference = against_minus_indicator(statement.against, statement.indicator);
        self.against_minus_indicator.verify(&statement.bit(&difference))?;
        self.slot.verify(statement)
    }

    /// Checks the challenges now and adds the row's equations to a batch (spec §4.4).
    pub fn queue<R: CryptoRng + ?Sized>(
        &self,
        statement: &WriteInRowStatement<'_>,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        self.indicator.queue(&statement.bit(statement.indicator), batch, rng)?;
        let difference = against_minus_indicator(statement.against, statement.indicator);
        self.against_minus_indicator.queue(&statement.bit(&difference), batch, rng)?;
        self.slot.queue(statement, batch, rng)
    }

    /// `indicator proof ‖ difference proof ‖ slot proof`, [`ROW_PROOF_LEN`] bytes (§10.7).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(ROW_PROOF_LEN);
        out.extend_from_slice(&self.indicator.to_bytes());
        out.extend_from_slice(&self.against_minus_indicator.to_bytes());
        out.extend_from_slice(&self.slot.to_bytes());
        out
    }

    /// Decodes a row proof strictly: exactly [`ROW_PROOF_LEN`] bytes, canonical fields (§10.7).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != ROW_PROOF_LEN {
            return Err(DecodeError::Length { expected: ROW_PROOF_LEN, actual: bytes.len() });
        }
        let (first, rest) = bytes.split_at(BIT_PROOF_LEN);
        let (second, slot) = rest.split_at(BIT_PROOF_LEN);
        Ok(Self {
            indicator: RangeProof::decode(first, 2)?,
            against_minus_indicator: RangeProof::decode(second, 2)?,
            slot: SlotProof::decode(slot)?,
        })
    }
}

/// The CDS OR-proof of §10.7 item 3. Both branches are computed with the same
/// formulas whichever is true, as §4.2 does: with `u = z − c·r`, a tuple's
/// commitments are `u·G` and `u·Y + c·(expected − actual message)`, where the
/// true branch has `c = 0` until the challenge is known.
fn prove_slot<R: CryptoRng + ?Sized>(
    statement: &WriteInRowStatement<'_>,
    witness: &WriteInRowWitness<'_>,
    is_written: Choice,
    rng: &mut R,
) -> SlotProof {
    let key = statement.key;
    let r_w = witness.indicator_nonce.0.expose();
    let b = Scalar::from(witness.written);
    let nonces: [&Scalar; EMPTY_TUPLES] =
        [r_w, witness.slot_nonces[0].0.expose(), witness.slot_nonces[1].0.expose(), witness.slot_nonces[2].0.expose()];
    // The message each tuple of branch 0 actually holds: b·G, then the name's elements.
    let messages: [RistrettoPoint; EMPTY_TUPLES] =
        [RistrettoPoint::mul_base(&b), witness.name[0], witness.name[1], witness.name[2]];
    let w0: [SecretScalar; EMPTY_TUPLES] = core::array::from_fn(|_| SecretScalar::random(rng));
    let w1 = SecretScalar::random(rng);

    // Branch 0: true when b = 0. The simulated share is random, the true one 0 for now.
    let c0 = Zeroizing::new(Scalar::conditional_select(&Scalar::ZERO, &random_scalar(rng), is_written));
    let mut z0 = Zeroizing::new([Scalar::ZERO; EMPTY_TUPLES]);
    let mut empty = [TupleCommitment { a: Element::identity(), b: Element::identity() }; EMPTY_TUPLES];
    for t in 0..EMPTY_TUPLES {
        z0[t] = Scalar::conditional_select(w0[t].expose(), &random_scalar(rng), is_written);
        let u = Zeroizing::new(z0[t] - *c0 * nonces[t]);
        // z·Y − c·B = u·Y − c·M: the expected message is the identity.
        let a = RistrettoPoint::mul_base(&u);
        let bb = key.mul(&u) - messages[t] * *c0;
        empty[t] = TupleCommitment { a: Element::new(a), b: Element::new(bb) };
    }

    // Branch 1: true when b = 1; the tuple is (A_w, B_w − G).
    let c1 = Zeroizing::new(Scalar::conditional_select(&random_scalar(rng), &Scalar::ZERO, is_written));
    let z1 = Zeroizing::new(Scalar::conditional_select(&random_scalar(rng), w1.expose(), is_written));
    let u1 = Zeroizing::new(*z1 - *c1 * r_w);
    let written = TupleCommitment {
        a: Element::new(RistrettoPoint::mul_base(&u1)),
        b: Element::new(key.mul(&u1) + RistrettoPoint::mul_base(&(*c1 * (Scalar::ONE - b)))),
    };

    let c = statement.challenge(&empty, &written);
    // The true branch takes what is left of the challenge and answers with its witness.
    let c0_final = Scalar::conditional_select(&(c - *c1), &c0, is_written);
    let c1_final = Scalar::conditional_select(&c1, &(c - *c0), is_written);
    let mut z0_final = [Scalar::ZERO; EMPTY_TUPLES];
    for t in 0..EMPTY_TUPLES {
        z0_final[t] = Scalar::conditional_select(&(w0[t].expose() + c0_final * nonces[t]), &z0[t], is_written);
    }
    let z1_final = Scalar::conditional_select(&z1, &(w1.expose() + c1_final * r_w), is_written);
    SlotProof {
        empty: EmptyBranch { commitments: empty, c: c0_final, z: z0_final },
        written: WrittenBranch { commitment: written, c: c1_final, z: z1_final },
    }
}

impl SlotProof {
    /// Verifies the OR-proof (spec §10.7, slot proof verifier steps).
    pub fn verify(&self, statement: &WriteInRowStatement<'_>) -> Result<(), VerifyError> {
        self.check_challenge(statement)?;
        let key = statement.key;
        let c0 = self.empty.c;
        for ((commitment, z), (a_ct, b_ct)) in
            self.empty.commitments.iter().zip(&self.empty.z).zip(statement.empty_tuples())
        {
            // z·G − c₀·A = a
            if RistrettoPoint::vartime_double_scalar_mul_basepoint(&-c0, &a_ct, z) != *commitment.a.point() {
                return Err(VerifyError::Equation);
            }
            // z·Y − c₀·B = b
            if key.vartime_combination(Scalar::ZERO, *z, &[(-c0, b_ct)]) != *commitment.b.point() {
                return Err(VerifyError::Equation);
            }
        }
        let (c1, z1, t) = (self.written.c, self.written.z, &self.written.commitment);
        let (a_w, b_w) = (statement.indicator.a.point(), statement.indicator.b.point());
        // z·G − c₁·A_w = a
        if RistrettoPoint::vartime_double_scalar_mul_basepoint(&-c1, a_w, &z1) != *t.a.point() {
            return Err(VerifyError::Equation);
        }
        // z·Y − c₁·(B_w − G) = b
        if key.vartime_combination(c1, z1, &[(-c1, *b_w)]) != *t.b.point() {
            return Err(VerifyError::Equation);
        }
        Ok(())
    }

    /// Checks the challenge now and adds the ten equations of step 4, each with
    /// its own random weight, to a batch (spec §4.4).
    pub fn queue<R: CryptoRng + ?Sized>(
        &self,
        statement: &WriteInRowStatement<'_>,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        self.check_challenge(statement)?;
        let (mut s_g, mut s_y) = (Scalar::ZERO, Scalar::ZERO);
        let c0 = self.empty.c;
        for ((commitment, z), (a_ct, b_ct)) in
            self.empty.commitments.iter().zip(&self.empty.z).zip(statement.empty_tuples())
        {
            let (u, v) = (batch.weight(rng), batch.weight(rng));
            // u·(z·G − c₀·A − a) + v·(z·Y − c₀·B − b)
            s_g += u * z;
            s_y += v * z;
            batch.add(-u * c0, a_ct);
            batch.add(-v * c0, b_ct);
            batch.add(-u, *commitment.a.point());
            batch.add(-v, *commitment.b.point());
        }
        let (c1, z1, t) = (self.written.c, self.written.z, &self.written.commitment);
        let (u, v) = (batch.weight(rng), batch.weight(rng));
        // u·(z₁·G − c₁·A_w − a') + v·(z₁·Y − c₁·B_w + c₁·G − b')
        s_g += u * z1 + v * c1;
        s_y += v * z1;
        batch.add(-u * c1, *statement.indicator.a.point());
        batch.add(-v * c1, *statement.indicator.b.point());
        batch.add(-u, *t.a.point());
        batch.add(-v, *t.b.point());
        batch.add_g(s_g);
        batch.add_key(statement.key, s_y);
        Ok(())
    }

    fn check_challenge(&self, statement: &WriteInRowStatement<'_>) -> Result<(), VerifyError> {
        let c = statement.challenge(&self.empty.commitments, &self.written.commitment);
        if self.empty.c + self.written.c == c { Ok(()) } else { Err(VerifyError::Challenge) }
    }

    /// Branch 0 (`a ‖ b` per tuple, `c₀`, `z` per tuple) ‖ branch 1 (`a ‖ b ‖ c₁ ‖ z`):
    /// [`SLOT_PROOF_LEN`] bytes (§10.7).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(SLOT_PROOF_LEN);
        for t in &self.empty.commitments {
            out.extend_from_slice(t.a.as_bytes());
            out.extend_from_slice(t.b.as_bytes());
        }
        out.extend_from_slice(self.empty.c.as_bytes());
        for z in &self.empty.z {
            out.extend_from_slice(z.as_bytes());
        }
        out.extend_from_slice(self.written.commitment.a.as_bytes());
        out.extend_from_slice(self.written.commitment.b.as_bytes());
        out.extend_from_slice(self.written.c.as_bytes());
        out.extend_from_slice(self.written.z.as_bytes());
        out
    }

    /// Decodes strictly: exactly [`SLOT_PROOF_LEN`] bytes, canonical elements and scalars.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != SLOT_PROOF_LEN {
            return Err(DecodeError::Length { expected: SLOT_PROOF_LEN, actual: bytes.len() });
        }
        let mut r = Reader::new(bytes);
        let mut commitments = [TupleCommitment { a: Element::identity(), b: Element::identity() }; EMPTY_TUPLES];
        for t in &mut commitments {
            *t = TupleCommitment { a: r.element()?, b: r.element()? };
        }
        let c0 = r.scalar()?;
        let mut z = [Scalar::ZERO; EMPTY_TUPLES];
        for zt in &mut z {
            *zt = r.scalar()?;
        }
        let commitment = TupleCommitment { a: r.element()?, b: r.element()? };
        let written = WrittenBranch { commitment, c: r.scalar()?, z: r.scalar()? };
        r.finish()?;
        Ok(Self { empty: EmptyBranch { commitments, c: c0, z }, written })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::elgamal::{encrypt, encrypt_point};
    use crate::writein::{encode_name, encrypt_name};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// One row as a booth makes it, with everything needed to prove it.
    struct Row {
        key: PublicKey,
        ctx: [u8; 64],
        against: Ciphertext,
        against_nonce: Nonce,
        against_mark: u64,
        indicator: Ciphertext,
        indicator_nonce: Nonce,
        written: u64,
        slot: EncryptedSlot,
        name: [RistrettoPoint; SLOT_POINTS],
        slot_nonces: [Nonce; SLOT_POINTS],
    }

    impl Row {
        fn new(rng: &mut StdRng, against_mark: u64, written: u64, name: &str) -> Self {
            let key = PublicKey::new(SecretScalar::random(rng).public()).unwrap();
            let ctx = row_context(&[7; 64], &[9; 32], 0, 3);
            let (against, against_nonce) = encrypt(&key, against_mark, rng);
            let (indicator, indicator_nonce) = encrypt(&key, written, rng);
            let (slot, slot_nonces) = encrypt_name(&key, name, rng).unwrap();
            let name = encode_name(name).unwrap();
            Self {
                key,
                ctx,
                against,
                against_nonce,
                against_mark,
                indicator,
                indicator_nonce,
                written,
                slot,
                name,
                slot_nonces,
            }
        }

        fn statement(&self) -> WriteInRowStatement<'_> {
            WriteInRowStatement {
                ctx: &self.ctx,
                key: &self.key,
                against: &self.against,
                indicator: &self.indicator,
                slot: &self.slot,
            }
        }

        fn witness(&self) -> WriteInRowWitness<'_> {
            WriteInRowWitness {
                against: self.against_mark,
                against_nonce: &self.against_nonce,
                written: self.written,
                indicator_nonce: &self.indicator_nonce,
                name: &self.name,
                slot_nonces: &self.slot_nonces,
            }
        }

        fn prove(&self, rng: &mut StdRng) -> Result<WriteInRowProof, UsageError> {
            WriteInRowProof::prove(&self.statement(), &self.witness(), rng)
        }
    }

    #[test]
    fn every_valid_row_proves_and_verifies_and_round_trips() {
        let mut rng = StdRng::seed_from_u64(21);
        // against = 1 with a name; against = 1 without; against = 0 (for or
        // abstain: the against selection encrypts 0) without.
        for (against, written, name) in [(1, 1, "王小明"), (1, 0, ""), (0, 0, ""), (1, 1, "𠮷田")] {
            let row = Row::new(&mut rng, against, written, name);
            let proof = row.prove(&mut rng).unwrap();
            proof.verify(&row.statement()).unwrap();
            let bytes = proof.to_bytes();
            assert_eq!(bytes.len(), ROW_PROOF_LEN);
            let decoded = WriteInRowProof::decode(&bytes).unwrap();
            assert_eq!(decoded, proof);
            decoded.verify(&row.statement()).unwrap();
        }
    }

    #[test]
    fn the_prover_refuses_rows_no_valid_ballot_has() {
        let mut rng = StdRng::seed_from_u64(22);
        // A name beside for or abstain.
        let row = Row::new(&mut rng, 0, 1, "王小明");
        assert_eq!(row.prove(&mut rng).unwrap_err(), UsageError::WriteIn);
        // An unwritten row whose slot holds a name.
        let row = Row::new(&mut rng, 1, 0, "王小明");
        assert_eq!(row.prove(&mut rng).unwrap_err(), UsageError::WriteIn);
        // Marks outside {0, 1}.
        let row = Row::new(&mut rng, 2, 1, "a");
        assert_eq!(row.prove(&mut rng).unwrap_err(), UsageError::WriteIn);
        let row = Row::new(&mut rng, 1, 2, "a");
        assert_eq!(row.prove(&mut rng).unwrap_err(), UsageError::WriteIn);
    }

    #[test]
    fn a_name_beside_no_against_mark_does_not_verify() {
        let mut rng = StdRng::seed_from_u64(23);
        // Forge: take a valid (against = 1, b = 1) row and its proof, then swap
        // in an against ciphertext of 0; the difference proof must fail.
        let row = Row::new(&mut rng, 1, 1, "王小明");
        let proof = row.prove(&mut rng).unwrap();
        let (zero, _) = encrypt(&row.key, 0, &mut rng);
        let forged = WriteInRowStatement { against: &zero, ..row.statement() };
        assert!(proof.verify(&forged).is_err());
        // Forge the other way: prove the difference as if it were 0 with the
        // nonce of the difference (it encrypts −1, so the range proof's true
        // branch is wrong) and assemble the rest from an honest b = 1 row.
        let mut bad = Row::new(&mut rng, 1, 1, "王小明");
        let (zero, zero_nonce) = encrypt(&bad.key, 0, &mut rng);
        bad.against = zero;
        bad.against_nonce = zero_nonce;
        let statement = bad.statement();
        let indicator = RangeProof::prove(&statement.bit(&bad.indicator), 1, &bad.indicator_nonce, &mut rng).unwrap();
        let difference = against_minus_indicator(&bad.against, &bad.indicator);
        let nonce = Nonce(SecretScalar::new(bad.against_nonce.0.expose() - bad.indicator_nonce.0.expose()));
        for claimed in [0, 1] {
            let against_minus_indicator =
                RangeProof::prove(&statement.bit(&difference), claimed, &nonce, &mut rng).unwrap();
            let slot = prove_slot(&statement, &bad.witness(), Choice::from(1), &mut rng);
            let proof = WriteInRowProof { indicator: indicator.clone(), against_minus_indicator, slot };
            assert_eq!(proof.verify(&statement), Err(VerifyError::Equation));
        }
    }

    #[test]
    fn a_name_in_an_unwritten_row_does_not_verify() {
        let mut rng = StdRng::seed_from_u64(24);
        // Run the slot prover as if the row were empty (b = 0) while the slot
        // holds a name: branch 0's slot tuples do not hold.
        let row = Row::new(&mut rng, 1, 0, "王小明");
        let statement = row.statement();
        let slot = prove_slot(&statement, &row.witness(), Choice::from(0), &mut rng);
        assert_eq!(slot.verify(&statement), Err(VerifyError::Equation));
        // A valid proof for the empty slot, with one slot ciphertext replaced by a name's.
        let row = Row::new(&mut rng, 1, 0, "");
        let proof = row.prove(&mut rng).unwrap();
        let name = encode_name("王小明").unwrap();
        for k in 0..SLOT_POINTS {
            let mut slot = row.slot;
            slot[k] = encrypt_point(&row.key, &name[k], &mut rng).0;
            let statement = WriteInRowStatement { slot: &slot, ..row.statement() };
            assert!(proof.verify(&statement).is_err());
        }
    }

    #[test]
    fn every_field_altered_is_rejected() {
        let mut rng = StdRng::seed_from_u64(25);
        for (against, written, name) in [(1, 1, "王小明"), (0, 0, "")] {
            let row = Row::new(&mut rng, against, written, name);
            let bytes = row.prove(&mut rng).unwrap().to_bytes();
            for field in 0..ROW_PROOF_LEN / 32 {
                let mut altered = bytes.clone();
                altered[field * 32] ^= 0x02;
                let rejected = match WriteInRowProof::decode(&altered) {
                    Err(_) => true,
                    Ok(p) => p.verify(&row.statement()).is_err(),
                };
                assert!(rejected, "field {field} altered was accepted");
            }
            assert!(WriteInRowProof::decode(&bytes[..ROW_PROOF_LEN - 1]).is_err());
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(WriteInRowProof::decode(&longer).is_err());
            // A non-canonical scalar (all 0xff) in the last response.
            let mut high = bytes.clone();
            high[ROW_PROOF_LEN - 32..].fill(0xff);
            assert_eq!(WriteInRowProof::decode(&high).unwrap_err(), DecodeError::NonCanonicalScalar);
        }
    }

    #[test]
    fn every_statement_field_is_bound() {
        let mut rng = StdRng::seed_from_u64(26);
        let row = Row::new(&mut rng, 1, 1, "王小明");
        let proof = row.prove(&mut rng).unwrap();
        // Another row's context (same ballot, next item).
        let other_ctx = row_context(&[7; 64], &[9; 32], 0, 4);
        let moved = WriteInRowStatement { ctx: &other_ctx, ..row.statement() };
        assert!(proof.verify(&moved).is_err());
        // Another ballot's serial.
        let other_serial = row_context(&[7; 64], &[8; 32], 0, 3);
        assert!(proof.verify(&WriteInRowStatement { ctx: &other_serial, ..row.statement() }).is_err());
        // Another key.
        let key = PublicKey::new(SecretScalar::random(&mut rng).public()).unwrap();
        assert!(proof.verify(&WriteInRowStatement { key: &key, ..row.statement() }).is_err());
        // The against ciphertext re-randomised (still 1): the slot proof binds it.
        let again = row.against.add(&encrypt(&row.key, 0, &mut rng).0);
        assert_eq!(
            proof.slot.verify(&WriteInRowStatement { against: &again, ..row.statement() }),
            Err(VerifyError::Challenge)
        );
        // The slot re-randomised (same name): bound too.
        let mut slot = row.slot;
        slot[1] = slot[1].add(&encrypt(&row.key, 0, &mut rng).0);
        assert!(proof.verify(&WriteInRowStatement { slot: &slot, ..row.statement() }).is_err());
    }

    #[test]
    fn a_batch_accepts_valid_rows_and_refuses_a_forged_one() {
        let mut rng = StdRng::seed_from_u64(28);
        let rows: Vec<_> =
            [(1, 1, "王小明"), (1, 0, ""), (0, 0, "")].iter().map(|&(a, b, n)| Row::new(&mut rng, a, b, n)).collect();
        let proofs: Vec<_> = rows.iter().map(|r| r.prove(&mut rng).unwrap()).collect();
        let mut batch = BatchVerifier::new();
        for (row, proof) in rows.iter().zip(&proofs) {
            proof.queue(&row.statement(), &mut batch, &mut rng).unwrap();
        }
        batch.verify().unwrap();
        // The empty-slot row's proof against a slot holding a name: the challenge
        // still matches (the statement is hashed) only if the slot is unchanged,
        // so forge at the equation level instead: the slot prover run as if empty.
        let bad = Row::new(&mut rng, 1, 0, "王小明");
        let statement = bad.statement();
        let indicator = RangeProof::prove(&statement.bit(&bad.indicator), 0, &bad.indicator_nonce, &mut rng).unwrap();
        let difference = against_minus_indicator(&bad.against, &bad.indicator);
        let nonce = Nonce(SecretScalar::new(bad.against_nonce.0.expose() - bad.indicator_nonce.0.expose()));
        let against_minus_indicator = RangeProof::prove(&statement.bit(&difference), 1, &nonce, &mut rng).unwrap();
        let slot = prove_slot(&statement, &bad.witness(), Choice::from(0), &mut rng);
        let forged = WriteInRowProof { indicator, against_minus_indicator, slot };
        let mut batch = BatchVerifier::new();
        for (row, proof) in rows.iter().zip(&proofs) {
            proof.queue(&row.statement(), &mut batch, &mut rng).unwrap();
        }
        forged.queue(&statement, &mut batch, &mut rng).unwrap();
        assert_eq!(batch.verify(), Err(VerifyError::Batch));
    }

    #[test]
    fn the_cap_sum_counts_for_votes_and_write_ins() {
        let mut rng = StdRng::seed_from_u64(27);
        let x = SecretScalar::random(&mut rng);
        let key = PublicKey::new(x.public()).unwrap();
        let fors: Vec<_> = [1, 0, 1].iter().map(|&m| encrypt(&key, m, &mut rng).0).collect();
        let ws: Vec<_> = [0, 1, 0].iter().map(|&m| encrypt(&key, m, &mut rng).0).collect();
        let sum = cap_sum(&fors, &ws);
        let m = crate::elgamal::decrypt_to_point(&x, &sum);
        assert_eq!(m, RistrettoPoint::mul_base(&Scalar::from(3u64)));
    }
}
