//! Building an encrypted ballot with all its proofs (spec §10.3).

use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey, encrypt};
use hallvote_crypto::proofs::RangeProof;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::{CryptoRng, UsageError, VerifyError};
use thiserror::Error;

use super::context::BallotContext;
use super::shape::{BallotShape, PlainBallot, ShapeError};
use crate::text::Text;

/// Why a ballot could not be built or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BallotError {
    /// The marks break the contest's rules (an over-vote, say).
    #[error(transparent)]
    Marks(#[from] ShapeError),
    /// The ballot's structure does not match the poll's shape.
    #[error("ballot does not match the poll: {0}")]
    Structure(&'static str),
    /// A proof at this position does not verify.
    #[error("{}: {error}", proof_place(*contest, *item, *option))]
    Proof {
        /// The contest.
        contest: usize,
        /// The item, if the proof belongs to one.
        item: Option<usize>,
        /// The option, if the proof is a selection proof.
        option: Option<usize>,
        /// What failed.
        error: VerifyError,
    },
    /// The ballot's proofs failed together; [`crate::ballot::BallotVerifier`]
    /// finds which one when asked to verify one by one.
    #[error("the ballot's proofs do not verify")]
    Batch,
    /// An opening does not match the ballot (spec §10.6).
    #[error("the opening does not match the ballot at contest {contest}, item {item}, option {option}")]
    Opening {
        /// The contest.
        contest: usize,
        /// The item.
        item: usize,
        /// The option.
        option: usize,
    },
}

impl BallotError {
    /// What is wrong, in words; contests, items and options counted from 1, as
    /// people count.
    pub fn text(&self) -> Text {
        match self {
            Self::Marks(e) => e.text(),
            Self::Structure(what) => {
                Text::new(format!("选票与本次投票不符：{}", crate::words::field(what)), self.to_string())
            }
            Self::Proof { contest, item, option, error } => {
                let why = crate::words::verify_error(error);
                Text::new(
                    format!("{}：{}", proof_place_zh(*contest, *item, *option), why.zh),
                    format!("{}: {}", proof_place(*contest, *item, *option), why.en),
                )
            }
            Self::Batch => Text::new("选票的证明未通过核验", self.to_string()),
            Self::Opening { contest, item, option } => Text::new(
                format!(
                    "公开的内容与选票不符：第 {} 个事项第 {} 项第 {} 个选项的密文不是所公开标记的加密",
                    contest + 1,
                    item + 1,
                    option + 1
                ),
                format!(
                    "the opening does not match the ballot at contest {}, item {}, option {}",
                    contest + 1,
                    item + 1,
                    option + 1
                ),
            ),
        }
    }
}

/// [`proof_place`] in Chinese.
fn proof_place_zh(contest: usize, item: Option<usize>, option: Option<usize>) -> String {
    match (item, option) {
        (Some(i), Some(o)) => format!("第 {} 个事项第 {} 项第 {} 个选项的 0/1 证明", contest + 1, i + 1, o + 1),
        (Some(i), None) => format!("第 {} 个事项第 {} 项的标记数证明", contest + 1, i + 1),
        _ => format!("第 {} 个事项“当选人数不超过应选名额”的证明", contest + 1),
    }
}

/// Where a ballot proof sits, in words (positions from 1, as people count): the
/// 0/1 proof of an option, an item's sum proof, or a contest's cap proof.
fn proof_place(contest: usize, item: Option<usize>, option: Option<usize>) -> String {
    match (item, option) {
        (Some(i), Some(o)) => format!("contest {}, item {}, option {}: the 0/1 proof", contest + 1, i + 1, o + 1),
        (Some(i), None) => format!("contest {}, item {}: the proof of the item's number of marks", contest + 1, i + 1),
        _ => format!("contest {}: the proof that no more are elected than there are seats", contest + 1),
    }
}

/// One item: a ciphertext and a 0/1 proof per option, and the proof of the item's sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedItem {
    /// One ciphertext per option.
    pub ciphertexts: Vec<Ciphertext>,
    /// One 0/1 range proof per option.
    pub proofs: Vec<RangeProof>,
    /// Proof that the options sum to a value in `min_marks..=max_marks`.
    pub sum_proof: RangeProof,
}

/// One contest: its items and, for an election, the cap proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedContest {
    /// The items in ballot order.
    pub items: Vec<EncryptedItem>,
    /// Proof that the capped option's marks sum to at most the cap.
    pub cap_proof: Option<RangeProof>,
}

/// A whole encrypted ballot (spec §10.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedBallot {
    /// The contests in ballot order.
    pub contests: Vec<EncryptedContest>,
}

/// The secret behind an encrypted ballot: its marks and every nonce. Revealed only
/// when the delegate challenges the booth (spec §10.6); otherwise forgotten.
#[derive(Clone, Debug)]
pub struct Opening {
    /// The marks.
    pub plain: PlainBallot,
    /// `nonces[contest][item][option]`.
    pub nonces: Vec<Vec<Vec<Nonce>>>,
}

/// Encrypts `plain` under `key` with every proof (spec §10.3). Marks that break
/// the shape — an over-vote included — are refused: such a ballot cannot be built.
pub fn encrypt_ballot<R: CryptoRng + ?Sized>(
    shape: &BallotShape,
    key: &PublicKey,
    ctx: &BallotContext,
    plain: &PlainBallot,
    rng: &mut R,
) -> Result<(EncryptedBallot, Opening), BallotError> {
    shape.validate()?;
    plain.check(shape)?;
    // Write-in slots are not on the wire yet (ADR 0021): a shape that takes write-ins
    // cannot be encrypted rather than lose a delegate's written name.
    if shape.contests.iter().any(|c| c.write_in.is_some()) {
        return Err(BallotError::Structure("write-ins are not yet encrypted"));
    }
    let mut contests = Vec::with_capacity(shape.contests.len());
    let mut all_nonces = Vec::with_capacity(shape.contests.len());
    for (c, (contest, marks)) in shape.contests.iter().zip(&plain.marks).enumerate() {
        let mut items = Vec::with_capacity(contest.items.len());
        let mut contest_nonces = Vec::with_capacity(contest.items.len());
        let (mut capped_cts, mut capped_nonces, mut capped_sum) = (Vec::new(), Vec::new(), 0u64);
        for (i, (item, item_marks)) in contest.items.iter().zip(marks).enumerate() {
            let mut ciphertexts = Vec::with_capacity(item_marks.len());
            let mut proofs = Vec::with_capacity(item_marks.len());
            let mut nonces = Vec::with_capacity(item_marks.len());
            for (o, &m) in item_marks.iter().enumerate() {
                let m = u64::from(m);
                let (ct, r) = encrypt(key, m, rng);
                let sel_ctx = ctx.selection(c, i, o);
                let st = RangeStatement { ctx: &sel_ctx, key, ciphertext: &ct, lo: 0, hi: 1 };
                proofs.push(RangeProof::prove(&st, m, &r, rng).map_err(usage)?);
                ciphertexts.push(ct);
                nonces.push(r);
            }
            let sum = Ciphertext::sum(&ciphertexts);
            let marked: u64 = item_marks.iter().map(|m| u64::from(*m)).sum();
            let item_ctx = ctx.item(c, i);
            let st = RangeStatement {
                ctx: &item_ctx,
                key,
                ciphertext: &sum,
                lo: u64::from(item.min_marks),
                hi: u64::from(item.max_marks),
            };
            let sum_proof = RangeProof::prove(&st, marked, &Nonce::sum(&nonces), rng).map_err(usage)?;
            if let Some(cap) = contest.cap {
                let o = usize::from(cap.option);
                capped_cts.push(ciphertexts[o]);
                capped_nonces.push(nonces[o].clone());
                capped_sum += u64::from(item_marks[o]);
            }
            items.push(EncryptedItem { ciphertexts, proofs, sum_proof });
            contest_nonces.push(nonces);
        }
        let cap_proof = match contest.cap {
            Some(cap) => {
                let sum = Ciphertext::sum(&capped_cts);
                let cap_ctx = ctx.cap(c);
                let st = RangeStatement { ctx: &cap_ctx, key, ciphertext: &sum, lo: 0, hi: u64::from(cap.max) };
                Some(RangeProof::prove(&st, capped_sum, &Nonce::sum(&capped_nonces), rng).map_err(usage)?)
            }
            None => None,
        };
        contests.push(EncryptedContest { items, cap_proof });
        all_nonces.push(contest_nonces);
    }
    Ok((EncryptedBallot { contests }, Opening { plain: plain.clone(), nonces: all_nonces }))
}

/// The marks were checked against the shape first, so a range the prover refuses
/// is a bug in that check; it is reported as a structure error rather than a panic.
fn usage(_: UsageError) -> BallotError {
    BallotError::Structure("marks outside the proof range")
}
