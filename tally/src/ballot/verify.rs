//! Verifying encrypted ballots against the poll (spec §10.3, §10.6).

use hallvote_crypto::CryptoRng;
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::{BatchVerifier, RangeProof};

use super::context::BallotContext;
use super::encrypt::{BallotError, EncryptedBallot, Opening};
use super::shape::{BallotShape, PlainBallot};

/// A ballot whose every proof has been checked against the poll's shape, key and
/// its own context. Only [`BallotVerifier`] makes one, so code that tallies can
/// take nothing else.
#[derive(Clone, Debug)]
pub struct VerifiedBallot(EncryptedBallot);

impl VerifiedBallot {
    /// The verified ballot.
    pub fn ballot(&self) -> &EncryptedBallot {
        &self.0
    }
}

/// Verifies ballots of one poll: its shape and its election key.
pub struct BallotVerifier<'a> {
    shape: &'a BallotShape,
    key: &'a PublicKey,
}

/// Each proof of a ballot with its statement, in ballot order.
struct ProofRef<'p> {
    proof: &'p RangeProof,
    ctx: [u8; 64],
    ciphertext: Ciphertext,
    lo: u64,
    hi: u64,
    contest: usize,
    item: Option<usize>,
    option: Option<usize>,
}

impl<'a> BallotVerifier<'a> {
    /// A verifier for ballots of `shape` under `key`.
    pub fn new(shape: &'a BallotShape, key: &'a PublicKey) -> Self {
        Self { shape, key }
    }

    /// Verifies every proof of one ballot in one batch (spec §10.3); on failure,
    /// checks them one by one to say which proof is bad.
    pub fn verify<R: CryptoRng + ?Sized>(
        &self,
        ctx: &BallotContext,
        ballot: &EncryptedBallot,
        rng: &mut R,
    ) -> Result<VerifiedBallot, BallotError> {
        let proofs = self.statements(ctx, ballot)?;
        let mut batch = BatchVerifier::with_capacity(proofs.len() * 6);
        let mut batch_ok = true;
        for p in &proofs {
            let st = RangeStatement { ctx: &p.ctx, key: self.key, ciphertext: &p.ciphertext, lo: p.lo, hi: p.hi };
            if p.proof.queue(&st, &mut batch, rng).is_err() {
                batch_ok = false;
                break;
            }
        }
        if batch_ok && batch.verify().is_ok() {
            return Ok(VerifiedBallot(ballot.clone()));
        }
        for p in &proofs {
            let st = RangeStatement { ctx: &p.ctx, key: self.key, ciphertext: &p.ciphertext, lo: p.lo, hi: p.hi };
            p.proof.verify(&st).map_err(|error| BallotError::Proof {
                contest: p.contest,
                item: p.item,
                option: p.option,
                error,
            })?;
        }
        // Every proof passed alone but not together: only possible with a
        // negligible-probability weight choice; report it rather than accept.
        Err(BallotError::Batch)
    }

    /// Verifies one ballot one proof at a time (slower; for diagnostics and tests).
    pub fn verify_one_by_one(
        &self,
        ctx: &BallotContext,
        ballot: &EncryptedBallot,
    ) -> Result<VerifiedBallot, BallotError> {
        for p in self.statements(ctx, ballot)? {
            let st = RangeStatement { ctx: &p.ctx, key: self.key, ciphertext: &p.ciphertext, lo: p.lo, hi: p.hi };
            p.proof.verify(&st).map_err(|error| BallotError::Proof {
                contest: p.contest,
                item: p.item,
                option: p.option,
                error,
            })?;
        }
        Ok(VerifiedBallot(ballot.clone()))
    }

    /// Adds every proof of a ballot to a caller's batch (for verifying a whole
    /// record at once). The caller must verify the batch before trusting the ballot.
    pub fn queue<R: CryptoRng + ?Sized>(
        &self,
        ctx: &BallotContext,
        ballot: &EncryptedBallot,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) -> Result<(), BallotError> {
        for p in self.statements(ctx, ballot)? {
            let st = RangeStatement { ctx: &p.ctx, key: self.key, ciphertext: &p.ciphertext, lo: p.lo, hi: p.hi };
            p.proof.queue(&st, batch, rng).map_err(|error| BallotError::Proof {
                contest: p.contest,
                item: p.item,
                option: p.option,
                error,
            })?;
        }
        Ok(())
    }

    fn statements<'p>(
        &self,
        ctx: &BallotContext,
        ballot: &'p EncryptedBallot,
    ) -> Result<Vec<ProofRef<'p>>, BallotError> {
        let shape = self.shape;
        if ballot.contests.len() != shape.contests.len() {
            return Err(BallotError::Structure("number of contests"));
        }
        let mut out = Vec::with_capacity(shape.selections() * 2);
        for (c, (contest, cs)) in ballot.contests.iter().zip(&shape.contests).enumerate() {
            if contest.items.len() != cs.items.len() {
                return Err(BallotError::Structure("number of items"));
            }
            let mut capped = Vec::new();
            for (i, (item, is)) in contest.items.iter().zip(&cs.items).enumerate() {
                let n = usize::from(is.options);
                if item.ciphertexts.len() != n || item.proofs.len() != n {
                    return Err(BallotError::Structure("number of options"));
                }
                for (o, (ct, proof)) in item.ciphertexts.iter().zip(&item.proofs).enumerate() {
                    out.push(ProofRef {
                        proof,
                        ctx: ctx.selection(c, i, o),
                        ciphertext: *ct,
                        lo: 0,
                        hi: 1,
                        contest: c,
                        item: Some(i),
                        option: Some(o),
                    });
                }
                out.push(ProofRef {
                    proof: &item.sum_proof,
                    ctx: ctx.item(c, i),
                    ciphertext: Ciphertext::sum(&item.ciphertexts),
                    lo: u64::from(is.min_marks),
                    hi: u64::from(is.max_marks),
                    contest: c,
                    item: Some(i),
                    option: None,
                });
                if let Some(cap) = cs.cap {
                    capped.push(item.ciphertexts[usize::from(cap.option)]);
                }
            }
            match (&contest.cap_proof, cs.cap) {
                (Some(proof), Some(cap)) => out.push(ProofRef {
                    proof,
                    ctx: ctx.cap(c),
                    ciphertext: Ciphertext::sum(&capped),
                    lo: 0,
                    hi: u64::from(cap.max),
                    contest: c,
                    item: None,
                    option: None,
                }),
                (None, None) => {}
                _ => return Err(BallotError::Structure("cap proof presence")),
            }
        }
        Ok(out)
    }
}

/// Checks a challenged ballot's opening (spec §10.6): every ciphertext is the
/// encryption of the revealed mark with the revealed nonce, and the marks are a
/// valid ballot. Returns the marks, which anyone may then read.
pub fn check_opening(
    shape: &BallotShape,
    key: &PublicKey,
    ballot: &EncryptedBallot,
    opening: &Opening,
) -> Result<PlainBallot, BallotError> {
    opening.plain.check(shape)?;
    if ballot.contests.len() != opening.nonces.len() {
        return Err(BallotError::Structure("number of contests"));
    }
    for (c, (contest, (marks, nonces))) in
        ballot.contests.iter().zip(opening.plain.marks.iter().zip(&opening.nonces)).enumerate()
    {
        for (i, (item, (item_marks, item_nonces))) in contest.items.iter().zip(marks.iter().zip(nonces)).enumerate() {
            if item.ciphertexts.len() != item_marks.len() || item_nonces.len() != item_marks.len() {
                return Err(BallotError::Structure("number of options"));
            }
            for (o, ((ct, m), r)) in item.ciphertexts.iter().zip(item_marks).zip(item_nonces).enumerate() {
                if !ct.is_opened_by(key, u64::from(*m), &r.reveal()) {
                    return Err(BallotError::Opening { contest: c, item: i, option: o });
                }
            }
        }
    }
    Ok(opening.plain.clone())
}
