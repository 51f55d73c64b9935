//! Verifying encrypted ballots against the poll (spec §10.3, §10.6).

use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::writein::{WriteInRowStatement, cap_sum};
use hallvote_crypto::proofs::{BatchVerifier, RangeProof};
use hallvote_crypto::writein::encode_name;
use hallvote_crypto::{CryptoRng, VerifyError};

use super::context::BallotContext;
use super::encrypt::{BallotError, EncryptedBallot, EncryptedWriteIn, Opening, check_write_in_presence};
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
enum ProofRef<'p> {
    /// A range proof: a selection, an item's sum or a contest's cap.
    Range {
        proof: &'p RangeProof,
        ctx: [u8; 64],
        ciphertext: Ciphertext,
        lo: u64,
        hi: u64,
        contest: usize,
        item: Option<usize>,
        option: Option<usize>,
    },
    /// The write-in proof of a row (spec §10.7).
    WriteIn { write_in: &'p EncryptedWriteIn, ctx: [u8; 64], against: Ciphertext, contest: usize, item: usize },
}

impl ProofRef<'_> {
    fn error(&self, error: VerifyError) -> BallotError {
        match *self {
            Self::Range { contest, item, option, .. } => BallotError::Proof { contest, item, option, error },
            Self::WriteIn { contest, item, .. } => BallotError::WriteIn { contest, item, error },
        }
    }

    fn verify(&self, key: &PublicKey) -> Result<(), BallotError> {
        match self {
            Self::Range { proof, ctx, ciphertext, lo, hi, .. } => {
                proof.verify(&RangeStatement { ctx, key, ciphertext, lo: *lo, hi: *hi })
            }
            Self::WriteIn { write_in, ctx, against, .. } => write_in.proof.verify(&WriteInRowStatement {
                ctx,
                key,
                against,
                indicator: &write_in.indicator,
                slot: &write_in.slot,
            }),
        }
        .map_err(|e| self.error(e))
    }

    fn queue<R: CryptoRng + ?Sized>(
        &self,
        key: &PublicKey,
        batch: &mut BatchVerifier,
        rng: &mut R,
    ) -> Result<(), BallotError> {
        match self {
            Self::Range { proof, ctx, ciphertext, lo, hi, .. } => {
                proof.queue(&RangeStatement { ctx, key, ciphertext, lo: *lo, hi: *hi }, batch, rng)
            }
            Self::WriteIn { write_in, ctx, against, .. } => write_in.proof.queue(
                &WriteInRowStatement { ctx, key, against, indicator: &write_in.indicator, slot: &write_in.slot },
                batch,
                rng,
            ),
        }
        .map_err(|e| self.error(e))
    }
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
        let batch_ok = proofs.iter().all(|p| p.queue(self.key, &mut batch, rng).is_ok());
        if batch_ok && batch.verify().is_ok() {
            return Ok(VerifiedBallot(ballot.clone()));
        }
        for p in &proofs {
            p.verify(self.key)?;
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
            p.verify(self.key)?;
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
            p.queue(self.key, batch, rng)?;
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
            check_write_in_presence(cs.write_in.is_some(), contest)?;
            let (mut capped, mut indicators) = (Vec::new(), Vec::new());
            for (i, (item, is)) in contest.items.iter().zip(&cs.items).enumerate() {
                let n = usize::from(is.options);
                if item.ciphertexts.len() != n || item.proofs.len() != n {
                    return Err(BallotError::Structure("number of options"));
                }
                for (o, (ct, proof)) in item.ciphertexts.iter().zip(&item.proofs).enumerate() {
                    out.push(ProofRef::Range {
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
                out.push(ProofRef::Range {
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
                if let (Some(rule), Some(write_in)) = (cs.write_in, &item.write_in) {
                    out.push(ProofRef::WriteIn {
                        write_in,
                        ctx: ctx.write_in(c, i),
                        against: item.ciphertexts[usize::from(rule.against)],
                        contest: c,
                        item: i,
                    });
                    indicators.push(write_in.indicator);
                }
            }
            match (&contest.cap_proof, cs.cap) {
                (Some(proof), Some(cap)) => out.push(ProofRef::Range {
                    proof,
                    ctx: ctx.cap(c),
                    // With write-ins, for-votes plus indicators (§10.7); else the for-votes alone.
                    ciphertext: cap_sum(&capped, &indicators),
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
        check_write_in_presence(shape.contests[c].write_in.is_some(), contest)?;
        let rows: Vec<_> = contest.items.iter().filter_map(|i| i.write_in.as_ref()).collect();
        let row_nonces = opening.write_ins.get(c).map_or(&[][..], Vec::as_slice);
        if rows.len() != row_nonces.len() {
            return Err(BallotError::Structure("write-in presence"));
        }
        for (i, (w, n)) in rows.iter().zip(row_nonces).enumerate() {
            let name = opening.plain.write_ins.get(&(c, i)).map_or("", String::as_str);
            let mismatch = || BallotError::WriteInOpening { contest: c, item: i };
            let points = encode_name(name).map_err(|error| BallotError::Name { contest: c, item: i, error })?;
            if !w.indicator.is_opened_by(key, u64::from(!name.is_empty()), &n.indicator.reveal()) {
                return Err(mismatch());
            }
            for ((ct, m), r) in w.slot.iter().zip(&points).zip(&n.slot) {
                if !ct.is_opened_by_point(key, m, &r.reveal()) {
                    return Err(mismatch());
                }
            }
        }
    }
    if opening.write_ins.len() != ballot.contests.len() {
        return Err(BallotError::Structure("write-in presence"));
    }
    Ok(opening.plain.clone())
}
