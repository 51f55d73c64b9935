//! The canonical byte encoding of an encrypted ballot and of an opening (spec §10.4, §10.6).

use hallvote_crypto::DecodeError;
use hallvote_crypto::elgamal::{CIPHERTEXT_LEN, Ciphertext, Nonce};
use hallvote_crypto::group::decode_scalar;
use hallvote_crypto::proofs::range::BRANCH_LEN;
use hallvote_crypto::proofs::writein::ROW_PROOF_LEN;
use hallvote_crypto::proofs::{RangeProof, WriteInRowProof};
use hallvote_crypto::writein::{MAX_NAME_BYTES, SLOT_POINTS};
use thiserror::Error;

use super::encrypt::{EncryptedBallot, EncryptedContest, EncryptedItem, EncryptedWriteIn, Opening, WriteInNonces};
use super::shape::{BallotShape, PlainBallot};
use crate::text::Text;

/// Version byte of the ballot encoding.
pub const BALLOT_VERSION: u8 = 1;
/// Version byte of the opening encoding.
pub const OPENING_VERSION: u8 = 1;

/// Bytes that are not a ballot (or opening) of the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BallotDecodeError {
    /// Truncated, trailing bytes, or counts that do not match the poll.
    #[error("malformed ballot: {0}")]
    Structure(&'static str),
    /// An element, scalar or proof is not canonical.
    #[error("malformed ballot: {0}")]
    Value(#[from] DecodeError),
}

impl BallotDecodeError {
    /// What is wrong, in words.
    pub fn text(&self) -> Text {
        match self {
            Self::Structure(what) => {
                Text::new(format!("选票格式有误：{}", crate::words::field(what)), self.to_string())
            }
            Self::Value(e) => {
                let t = crate::words::decode_error(e);
                Text::new(format!("选票格式有误：{}", t.zh), format!("malformed ballot: {}", t.en))
            }
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BallotDecodeError> {
        if self.0.len() < n {
            return Err(BallotDecodeError::Structure("truncated"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, BallotDecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, BallotDecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn ciphertext(&mut self) -> Result<Ciphertext, BallotDecodeError> {
        Ok(Ciphertext::decode(self.take(CIPHERTEXT_LEN)?)?)
    }
    fn nonce(&mut self) -> Result<Nonce, BallotDecodeError> {
        Ok(Nonce::from_revealed(decode_scalar(self.take(32)?)?))
    }
    fn expect_count(&mut self, expected: usize, what: &'static str) -> Result<(), BallotDecodeError> {
        if self.u32()? as usize == expected { Ok(()) } else { Err(BallotDecodeError::Structure(what)) }
    }
    fn finish(self) -> Result<(), BallotDecodeError> {
        if self.0.is_empty() { Ok(()) } else { Err(BallotDecodeError::Structure("trailing bytes")) }
    }
}

impl EncryptedBallot {
    /// The canonical encoding (spec §10.4):
    /// `u8 version ‖ u32be contests ‖ per contest: u32be items ‖ per item:
    /// (u8 options ‖ per option: ciphertext ‖ 0/1 proof) ‖ sum proof ‖
    /// [in a contest with write-ins: slot (3 ciphertexts) ‖ indicator ‖ row proof] ‖
    /// u8 has_cap ‖ [cap proof]`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![BALLOT_VERSION];
        out.extend_from_slice(&(self.contests.len() as u32).to_be_bytes());
        for contest in &self.contests {
            out.extend_from_slice(&(contest.items.len() as u32).to_be_bytes());
            for item in &contest.items {
                out.push(item.ciphertexts.len() as u8);
                for (ct, proof) in item.ciphertexts.iter().zip(&item.proofs) {
                    out.extend_from_slice(&ct.to_bytes());
                    out.extend_from_slice(&proof.to_bytes());
                }
                out.extend_from_slice(&item.sum_proof.to_bytes());
                if let Some(w) = &item.write_in {
                    for ct in &w.slot {
                        out.extend_from_slice(&ct.to_bytes());
                    }
                    out.extend_from_slice(&w.indicator.to_bytes());
                    out.extend_from_slice(&w.proof.to_bytes());
                }
            }
            match &contest.cap_proof {
                Some(p) => {
                    out.push(1);
                    out.extend_from_slice(&p.to_bytes());
                }
                None => out.push(0),
            }
        }
        out
    }

    /// Decodes a ballot of exactly the poll's shape, strictly (spec §10.4).
    pub fn decode(bytes: &[u8], shape: &BallotShape) -> Result<Self, BallotDecodeError> {
        let mut r = Reader(bytes);
        if r.u8()? != BALLOT_VERSION {
            return Err(BallotDecodeError::Value(DecodeError::UnknownFormat { what: "ballot version" }));
        }
        r.expect_count(shape.contests.len(), "number of contests")?;
        let mut contests = Vec::with_capacity(shape.contests.len());
        for cs in &shape.contests {
            r.expect_count(cs.items.len(), "number of items")?;
            let mut items = Vec::with_capacity(cs.items.len());
            for is in &cs.items {
                if r.u8()? != is.options {
                    return Err(BallotDecodeError::Structure("number of options"));
                }
                let mut ciphertexts = Vec::with_capacity(usize::from(is.options));
                let mut proofs = Vec::with_capacity(usize::from(is.options));
                for _ in 0..is.options {
                    ciphertexts.push(r.ciphertext()?);
                    proofs.push(RangeProof::decode(r.take(2 * BRANCH_LEN)?, 2)?);
                }
                let branches = usize::from(is.max_marks - is.min_marks) + 1;
                let sum_proof = RangeProof::decode(r.take(branches * BRANCH_LEN)?, branches)?;
                let write_in = match cs.write_in {
                    Some(_) => {
                        let slot = [r.ciphertext()?, r.ciphertext()?, r.ciphertext()?];
                        let indicator = r.ciphertext()?;
                        let proof = WriteInRowProof::decode(r.take(ROW_PROOF_LEN)?)?;
                        Some(EncryptedWriteIn { slot, indicator, proof })
                    }
                    None => None,
                };
                items.push(EncryptedItem { ciphertexts, proofs, sum_proof, write_in });
            }
            let cap_proof = match (r.u8()?, cs.cap) {
                (0, None) => None,
                (1, Some(cap)) => {
                    let branches = cap.max as usize + 1;
                    Some(RangeProof::decode(r.take(branches * BRANCH_LEN)?, branches)?)
                }
                _ => return Err(BallotDecodeError::Structure("cap proof presence")),
            };
            contests.push(EncryptedContest { items, cap_proof });
        }
        r.finish()?;
        Ok(Self { contests })
    }
}

impl Opening {
    /// The canonical encoding of a revealed opening (spec §10.6): `u8 version ‖`
    /// per item in ballot order, for every selection `u8 mark ‖ nonce (32 bytes)`,
    /// then, in a contest with write-ins, `u8 len ‖ name (len bytes of UTF-8) ‖
    /// indicator nonce ‖ 3 slot nonces` (`len = 0` for an empty row).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![OPENING_VERSION];
        for (c, (marks, nonces)) in self.plain.marks.iter().zip(&self.nonces).enumerate() {
            let rows = self.write_ins.get(c).map_or(&[][..], Vec::as_slice);
            for (i, (item_marks, item_nonces)) in marks.iter().zip(nonces).enumerate() {
                for (m, r) in item_marks.iter().zip(item_nonces) {
                    out.push(*m);
                    out.extend_from_slice(r.reveal().as_bytes());
                }
                if let Some(n) = rows.get(i) {
                    let name = self.plain.write_ins.get(&(c, i)).map_or("", String::as_str);
                    // A name longer than a slot holds cannot have been encrypted; it
                    // is cut off here and then fails `check_opening`.
                    let bytes = &name.as_bytes()[..name.len().min(MAX_NAME_BYTES)];
                    out.push(bytes.len() as u8);
                    out.extend_from_slice(bytes);
                    out.extend_from_slice(n.indicator.reveal().as_bytes());
                    for r in &n.slot {
                        out.extend_from_slice(r.reveal().as_bytes());
                    }
                }
            }
        }
        out
    }

    /// Decodes an opening for a ballot of `shape` (spec §10.6). Marks must be 0 or 1.
    pub fn decode(bytes: &[u8], shape: &BallotShape) -> Result<Self, BallotDecodeError> {
        let mut r = Reader(bytes);
        if r.u8()? != OPENING_VERSION {
            return Err(BallotDecodeError::Value(DecodeError::UnknownFormat { what: "opening version" }));
        }
        let mut marks = Vec::new();
        let mut nonces = Vec::new();
        let mut names = std::collections::BTreeMap::new();
        let mut write_ins = Vec::new();
        for (c, cs) in shape.contests.iter().enumerate() {
            let (mut cm, mut cn, mut cw) = (Vec::new(), Vec::new(), Vec::new());
            for (i, is) in cs.items.iter().enumerate() {
                let (mut im, mut inn) = (Vec::new(), Vec::new());
                for _ in 0..is.options {
                    let m = r.u8()?;
                    if m > 1 {
                        return Err(BallotDecodeError::Structure("a mark is 0 or 1"));
                    }
                    im.push(m);
                    inn.push(r.nonce()?);
                }
                cm.push(im);
                cn.push(inn);
                if cs.write_in.is_some() {
                    let len = usize::from(r.u8()?);
                    if len > MAX_NAME_BYTES {
                        return Err(BallotDecodeError::Structure("write-in name length"));
                    }
                    let name = std::str::from_utf8(r.take(len)?)
                        .map_err(|_| BallotDecodeError::Structure("write-in name is not UTF-8"))?;
                    if !name.is_empty() {
                        names.insert((c, i), name.to_owned());
                    }
                    let indicator = r.nonce()?;
                    let slot: [Nonce; SLOT_POINTS] = [r.nonce()?, r.nonce()?, r.nonce()?];
                    cw.push(WriteInNonces { indicator, slot });
                }
            }
            marks.push(cm);
            nonces.push(cn);
            write_ins.push(cw);
        }
        r.finish()?;
        Ok(Self { plain: PlainBallot { marks, write_ins: names }, nonces, write_ins })
    }
}
