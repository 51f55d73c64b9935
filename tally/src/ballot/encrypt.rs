//! Building an encrypted ballot with all its proofs (spec §10.3).

use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey, encrypt, encrypt_point};
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::writein::{WriteInRowStatement, WriteInRowWitness};
use hallvote_crypto::proofs::{RangeProof, WriteInRowProof};
use hallvote_crypto::writein::{EncryptedSlot, SLOT_POINTS, WriteInError, encode_name};
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
    /// The write-in proof of a row (spec §10.7) does not verify.
    #[error("contest {}, item {}: the write-in proof: {error}", contest + 1, item + 1)]
    WriteIn {
        /// The contest.
        contest: usize,
        /// The item (the row).
        item: usize,
        /// What failed.
        error: VerifyError,
    },
    /// A written name cannot be put into a slot (spec §17.1–§17.2).
    #[error("contest {}, item {}: the written name: {error}", contest + 1, item + 1)]
    Name {
        /// The contest.
        contest: usize,
        /// The item (the row).
        item: usize,
        /// Why.
        error: WriteInError,
    },
    /// An opening's write-in does not match the ballot's slot or indicator (spec §10.6).
    #[error("the opening does not match the write-in of contest {}, item {}", contest + 1, item + 1)]
    WriteInOpening {
        /// The contest.
        contest: usize,
        /// The item (the row).
        item: usize,
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
            Self::WriteIn { contest, item, error } => {
                let why = crate::words::verify_error(error);
                Text::new(
                    format!("第 {} 个事项第 {} 项的另选他人证明：{}", contest + 1, item + 1, why.zh),
                    format!("contest {}, item {}: the write-in proof: {}", contest + 1, item + 1, why.en),
                )
            }
            Self::Name { contest, item, error } => Text::new(
                format!("第 {} 个事项第 {} 项另选的姓名无法写入选票：{}", contest + 1, item + 1, name_error_zh(error)),
                self.to_string(),
            ),
            Self::WriteInOpening { contest, item } => Text::new(
                format!(
                    "公开的内容与选票不符：第 {} 个事项第 {} 项另选他人的密文不是所公开姓名的加密",
                    contest + 1,
                    item + 1
                ),
                self.to_string(),
            ),
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

/// Why a name cannot be embedded, in Chinese.
fn name_error_zh(e: &WriteInError) -> String {
    match e {
        WriteInError::TooLong { bytes, max } => format!("姓名过长（{bytes} 字节，最多 {max} 字节）"),
        WriteInError::Unembeddable => "该姓名无法编码，请换一种写法".to_owned(),
        other => format!("姓名编码有误（{other}）"),
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

/// One item: a ciphertext and a 0/1 proof per option, the proof of the item's sum,
/// and, in a contest that takes write-ins, the row's write-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedItem {
    /// One ciphertext per option.
    pub ciphertexts: Vec<Ciphertext>,
    /// One 0/1 range proof per option.
    pub proofs: Vec<RangeProof>,
    /// Proof that the options sum to a value in `min_marks..=max_marks`.
    pub sum_proof: RangeProof,
    /// The row's write-in (spec §10.7): present exactly on every item of a contest
    /// whose shape has a [`crate::ballot::WriteInRule`], written or empty alike.
    pub write_in: Option<EncryptedWriteIn>,
}

/// The write-in of one candidate row (spec §10.7): the slot, the indicator and the
/// row proof. An empty row has the same form as a written one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedWriteIn {
    /// Plain ElGamal of the name's three elements (§17.3); the empty name is three identities.
    pub slot: EncryptedSlot,
    /// Exponential ElGamal of `b`: 1 when a name is written in the row, else 0.
    pub indicator: Ciphertext,
    /// `b ∈ {0, 1}`, `against − b ∈ {0, 1}`, and `b = 0` only with an empty slot.
    pub proof: WriteInRowProof,
}

/// The nonces of one row's write-in, revealed in an opening (spec §10.6).
#[derive(Clone, Debug)]
pub struct WriteInNonces {
    /// The indicator's nonce.
    pub indicator: Nonce,
    /// The slot's nonces, one per element.
    pub slot: [Nonce; SLOT_POINTS],
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
    /// `write_ins[contest][item]`: the nonces of every row's write-in, written or
    /// empty; an empty list for a contest without write-ins. The names are in
    /// `plain.write_ins`.
    pub write_ins: Vec<Vec<WriteInNonces>>,
}

/// The write-in slots of one contest of one ballot, for the mix (ADR 0021).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestSlots {
    /// The contest's position on the ballot.
    pub contest: usize,
    /// One slot per item (row), in item order, empty rows included.
    pub rows: Vec<EncryptedSlot>,
}

/// The write-in slots of a ballot: one [`ContestSlots`] per contest whose shape takes
/// write-ins, in contest order (contests without write-ins are left out). This is what
/// the mix's input list is built from (ADR 0021: every cast ballot in board order,
/// row by row). Fails with [`BallotError::Structure`] when the ballot's write-ins do
/// not have the shape's form; a ballot that passed [`crate::ballot::BallotVerifier`]
/// or [`EncryptedBallot::decode`] always has it.
pub fn write_in_slots(shape: &BallotShape, ballot: &EncryptedBallot) -> Result<Vec<ContestSlots>, BallotError> {
    if ballot.contests.len() != shape.contests.len() {
        return Err(BallotError::Structure("number of contests"));
    }
    let mut out = Vec::new();
    for (c, (cs, contest)) in shape.contests.iter().zip(&ballot.contests).enumerate() {
        check_write_in_presence(cs.write_in.is_some(), contest)?;
        if cs.write_in.is_some() {
            let rows = contest.items.iter().filter_map(|i| i.write_in.as_ref().map(|w| w.slot)).collect();
            out.push(ContestSlots { contest: c, rows });
        }
    }
    Ok(out)
}

/// Every item carries a write-in iff the contest takes write-ins.
pub(super) fn check_write_in_presence(takes: bool, contest: &EncryptedContest) -> Result<(), BallotError> {
    if contest.items.iter().all(|i| i.write_in.is_some() == takes) {
        Ok(())
    } else {
        Err(BallotError::Structure("write-in presence"))
    }
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
    let mut contests = Vec::with_capacity(shape.contests.len());
    let mut all_nonces = Vec::with_capacity(shape.contests.len());
    let mut all_write_ins = Vec::with_capacity(shape.contests.len());
    for (c, (contest, marks)) in shape.contests.iter().zip(&plain.marks).enumerate() {
        let mut items = Vec::with_capacity(contest.items.len());
        let mut contest_nonces = Vec::with_capacity(contest.items.len());
        let mut contest_write_ins = Vec::new();
        let (mut indicators, mut indicator_nonces, mut written_rows) = (Vec::new(), Vec::new(), 0u64);
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
            let write_in = match contest.write_in {
                Some(rule) => {
                    let o = usize::from(rule.against);
                    let name = plain.write_ins.get(&(c, i)).map_or("", String::as_str);
                    let (w, n) = encrypt_write_in(
                        key,
                        &ctx.write_in(c, i),
                        (&ciphertexts[o], u64::from(item_marks[o]), &nonces[o]),
                        name,
                        rng,
                    )
                    .map_err(|e| match e {
                        WriteInFailure::Name(error) => BallotError::Name { contest: c, item: i, error },
                        WriteInFailure::Proof => usage(UsageError::WriteIn),
                    })?;
                    indicators.push(w.indicator);
                    indicator_nonces.push(n.indicator.clone());
                    written_rows += u64::from(!name.is_empty());
                    contest_write_ins.push(n);
                    Some(w)
                }
                None => None,
            };
            items.push(EncryptedItem { ciphertexts, proofs, sum_proof, write_in });
            contest_nonces.push(nonces);
        }
        let cap_proof = match contest.cap {
            Some(cap) => {
                // With write-ins the cap counts the indicators too (§10.7, R10).
                capped_cts.extend(indicators);
                capped_nonces.extend(indicator_nonces);
                capped_sum += written_rows;
                let sum = Ciphertext::sum(&capped_cts);
                let cap_ctx = ctx.cap(c);
                let st = RangeStatement { ctx: &cap_ctx, key, ciphertext: &sum, lo: 0, hi: u64::from(cap.max) };
                Some(RangeProof::prove(&st, capped_sum, &Nonce::sum(&capped_nonces), rng).map_err(usage)?)
            }
            None => None,
        };
        contests.push(EncryptedContest { items, cap_proof });
        all_nonces.push(contest_nonces);
        all_write_ins.push(contest_write_ins);
    }
    let opening = Opening { plain: plain.clone(), nonces: all_nonces, write_ins: all_write_ins };
    Ok((EncryptedBallot { contests }, opening))
}

enum WriteInFailure {
    Name(WriteInError),
    Proof,
}

/// Encrypts one row's write-in (`name` is `""` for an empty row) with its proof
/// (spec §10.7); `against` is the row's against ciphertext, mark and nonce. The
/// work is the same for an empty and a written row.
fn encrypt_write_in<R: CryptoRng + ?Sized>(
    key: &PublicKey,
    row_ctx: &[u8; 64],
    against: (&Ciphertext, u64, &Nonce),
    name: &str,
    rng: &mut R,
) -> Result<(EncryptedWriteIn, WriteInNonces), WriteInFailure> {
    let points = encode_name(name).map_err(WriteInFailure::Name)?;
    let written = u64::from(!name.is_empty());
    let (indicator, indicator_nonce) = encrypt(key, written, rng);
    let [(c0, n0), (c1, n1), (c2, n2)] = points.map(|p| encrypt_point(key, &p, rng));
    let slot = [c0, c1, c2];
    let slot_nonces = [n0, n1, n2];
    let statement = WriteInRowStatement { ctx: row_ctx, key, against: against.0, indicator: &indicator, slot: &slot };
    let witness = WriteInRowWitness {
        against: against.1,
        against_nonce: against.2,
        written,
        indicator_nonce: &indicator_nonce,
        name: &points,
        slot_nonces: &slot_nonces,
    };
    let proof = WriteInRowProof::prove(&statement, &witness, rng).map_err(|_| WriteInFailure::Proof)?;
    Ok((EncryptedWriteIn { slot, indicator, proof }, WriteInNonces { indicator: indicator_nonce, slot: slot_nonces }))
}

/// The marks were checked against the shape first, so a range the prover refuses
/// is a bug in that check; it is reported as a structure error rather than a panic.
fn usage(_: UsageError) -> BallotError {
    BallotError::Structure("marks outside the proof range")
}
