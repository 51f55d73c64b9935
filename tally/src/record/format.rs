//! The election record file: its structure and canonical encoding (spec §12).
//!
//! The record keeps every piece in its own canonical encoding (the manifest, each
//! dealer message, credential, ballot, opening and decryption share), so what a
//! verifier checks is exactly what was hashed and signed. [`Record::decode`] checks
//! the structure only; the verifier decodes each piece in its own step (spec §13).

use hallvote_crypto::hash::Hasher;
use hallvote_crypto::tags;

use super::codec::{FormatError, Reader, Writer};
use crate::text::Text;

/// The first bytes of a record file (spec §12.1).
pub const RECORD_MAGIC: &[u8; 8] = b"HVRECORD";
/// Version byte of the record format (spec §12.1). Version 2: decryption shares bind
/// both halves of the aggregate (spec §5.4 `v2`); version 1 records are refused.
pub const RECORD_VERSION: u8 = 2;
/// Version byte of a record with a write-in mix (spec §12.1, §12.12): version 2 with
/// the mix section between the totals and the outcome. A poll without write-ins is
/// written as version 2, byte for byte as before.
pub const RECORD_VERSION_MIX: u8 = 3;
/// Bytes of one encrypted write-in slot in a mix list: three ciphertexts (spec §17.3).
pub const SLOT_BYTES: usize = 3 * 64;
/// Length of a signature.
pub const SIG_LEN: usize = 64;
/// Length of an encoded tree head (spec §7.5.1).
pub const TREE_HEAD_LEN: usize = 40;

/// The public transcript of the key ceremony (spec §12.2).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CeremonyTranscript {
    /// Every dealer message (spec §5.2), as broadcast.
    pub dealer_messages: Vec<Vec<u8>>,
    /// Every complaint: the 40-byte dealer share the complainant received (spec §5.3).
    pub complaints: Vec<[u8; 40]>,
    /// The qualified dealers `Q`, ascending.
    pub qualified: Vec<u32>,
    /// The joint key `Y`.
    pub joint_key: [u8; 32],
    /// The public shares `X₁ … Xₙ`.
    pub public_shares: Vec<[u8; 32]>,
}

/// Attendance and issuance (spec §12.3): no delegate is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Attendance {
    /// 应到 (R1).
    pub expected: u32,
    /// 实到 (R2), frozen when the poll opened.
    pub present: u32,
    /// Credentials issued (发出票数).
    pub issued: u32,
}

/// One entry of the bulletin board (spec §12.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoardEntry {
    /// A cast ballot with the credential that authorised it.
    Cast {
        /// The credential (spec §6.4).
        credential: Vec<u8>,
        /// The ballot (spec §10.4).
        ballot: Vec<u8>,
    },
    /// A challenged ballot, opened and never counted.
    Spoiled {
        /// The credential it was made with (spec §6.4).
        credential: Vec<u8>,
        /// The ballot (spec §10.4).
        ballot: Vec<u8>,
        /// Its opening (spec §10.6).
        opening: Vec<u8>,
    },
    /// A credential handed back at the desk (damaged, misprinted, jammed) and
    /// cancelled before a new one was issued: it can never be cast (spec §6.7).
    Cancelled {
        /// The cancelled credential (spec §6.4).
        credential: Vec<u8>,
    },
    /// A credential issued to replace a lost one, with a scrutineer's approval
    /// (spec §6.7): it carries nothing, and counts one more credential in force.
    Replaced,
}

impl BoardEntry {
    /// `u8 kind (0 cast, 1 spoiled) ‖ blob credential ‖ blob ballot ‖ [blob opening]`,
    /// `u8 2 ‖ blob credential` (cancelled) or `u8 3` (replaced) (spec §12.4).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        match self {
            Self::Cast { credential, ballot } => w.u8(0).blob(credential).blob(ballot),
            Self::Spoiled { credential, ballot, opening } => w.u8(1).blob(credential).blob(ballot).blob(opening),
            Self::Cancelled { credential } => w.u8(2).blob(credential),
            Self::Replaced => w.u8(3),
        };
        w.0
    }

    /// Decodes one entry strictly.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        let mut r = Reader::new(bytes, "board entry");
        let entry = match r.u8()? {
            0 => Self::Cast { credential: r.blob()?.to_vec(), ballot: r.blob()?.to_vec() },
            1 => Self::Spoiled {
                credential: r.blob()?.to_vec(),
                ballot: r.blob()?.to_vec(),
                opening: r.blob()?.to_vec(),
            },
            2 => Self::Cancelled { credential: r.blob()?.to_vec() },
            3 => Self::Replaced,
            _ => return Err(FormatError::Invalid("board entry kind")),
        };
        r.finish()?;
        Ok(entry)
    }

    /// The Merkle leaf of the entry: `enc("hallvote/record/board-entry/v1") ‖ entry` (spec §12.4).
    pub fn leaf(&self) -> Vec<u8> {
        let tag = tags::RECORD_BOARD_ENTRY.as_bytes();
        let mut out = (tag.len() as u64).to_be_bytes().to_vec();
        out.extend_from_slice(tag);
        out.extend_from_slice(&self.to_bytes());
        out
    }

    /// The credential bytes (empty for a replacement entry, which has none).
    pub fn credential(&self) -> &[u8] {
        match self {
            Self::Cast { credential, .. } | Self::Spoiled { credential, .. } | Self::Cancelled { credential } => {
                credential
            }
            Self::Replaced => &[],
        }
    }

    /// The ballot bytes (empty for a cancellation or a replacement).
    pub fn ballot(&self) -> &[u8] {
        match self {
            Self::Cast { ballot, .. } | Self::Spoiled { ballot, .. } => ballot,
            Self::Cancelled { .. } | Self::Replaced => &[],
        }
    }

    /// Whether the entry holds a ballot (cast or spoiled), not a credential's
    /// cancellation or replacement.
    pub fn is_ballot(&self) -> bool {
        matches!(self, Self::Cast { .. } | Self::Spoiled { .. })
    }
}

/// A tree head with the server's signature (spec §12.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedHead {
    /// `u64be(size) ‖ root` (spec §7.5.1).
    pub head: [u8; TREE_HEAD_LEN],
    /// The server's signature under `hallvote/sig/tree-head/v1` over `head ‖ E`.
    pub signature: [u8; SIG_LEN],
}

/// One scrutineer's decryption shares, one per selection in ballot order (spec §12.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decryption {
    /// The scrutineer `j`.
    pub scrutineer: u32,
    /// The shares (spec §5.4), 132 bytes each.
    pub shares: Vec<[u8; 132]>,
}

/// One turn of a contest's mix: a scrutineer station's shuffle of the list before
/// it (spec §12.12, §18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixTurn {
    /// The scrutineer `j` whose station shuffled.
    pub scrutineer: u32,
    /// The output list, one slot (three ciphertexts, §17.3) a row.
    pub output: Vec<[u8; SLOT_BYTES]>,
    /// The proof of shuffle (spec §18.6) against the list before.
    pub proof: Vec<u8>,
}

/// The write-in mix of one contest (spec §12.12): the input list's digest, every
/// turn, the list decryption shares of the last list and the names it decrypts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestMix {
    /// The contest's position on the ballot (0-based).
    pub contest: u32,
    /// Rows of every list: one per candidate row of every cast ballot.
    pub rows: u32,
    /// The digest of the input list (spec §12.12), which the verifier rebuilds from the board.
    pub input_digest: [u8; 64],
    /// The shuffles, in turn order.
    pub turns: Vec<MixTurn>,
    /// The list decryption shares (spec §19.5) of the last list, one per decrypting scrutineer.
    pub shares: Vec<Vec<u8>>,
    /// The decrypted names in the last list's order; `""` is an empty slot.
    pub names: Vec<String>,
}

/// An election record (spec §12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The manifest (spec §11.2).
    pub manifest: Vec<u8>,
    /// The key ceremony (spec §12.2).
    pub ceremony: CeremonyTranscript,
    /// Attendance and issuance (spec §12.3).
    pub attendance: Attendance,
    /// The bulletin board in order (spec §12.4).
    pub board: Vec<BoardEntry>,
    /// Every tree head the server signed while the poll was open, smallest first
    /// (the heads on receipts), spec §12.5.
    pub receipt_heads: Vec<SignedHead>,
    /// The sealed board's tree head (spec §12.5).
    pub final_head: SignedHead,
    /// The aggregate ciphertext of every selection (spec §12.6), 64 bytes each.
    pub aggregates: Vec<[u8; 64]>,
    /// Decryption shares from at least `k` scrutineers (spec §12.6).
    pub decryptions: Vec<Decryption>,
    /// The total of every selection (spec §12.6).
    pub totals: Vec<u64>,
    /// The write-in mix of every contest that takes write-ins, in contest order
    /// (spec §12.12); empty for a poll without write-ins (a version 2 record).
    pub mixes: Vec<ContestMix>,
    /// The outcome (spec §12.7).
    pub outcome: Vec<u8>,
    /// The server's signature over the body (spec §12.9).
    pub server_signature: [u8; SIG_LEN],
    /// Every scrutineer's signature over the result digest, in manifest order (spec §12.8).
    pub scrutineer_signatures: Vec<[u8; SIG_LEN]>,
    /// Every counter's signature over the result digest, in manifest order (spec §12.8).
    pub counter_signatures: Vec<[u8; SIG_LEN]>,
}

fn put_head(w: &mut Writer, h: &SignedHead) {
    w.raw(&h.head).raw(&h.signature);
}

fn get_head(r: &mut Reader<'_>) -> Result<SignedHead, FormatError> {
    Ok(SignedHead { head: r.array()?, signature: r.array()? })
}

fn put_mix(w: &mut Writer, m: &ContestMix) {
    w.u32(m.contest).u32(m.rows).raw(&m.input_digest).count(m.turns.len());
    for t in &m.turns {
        w.u32(t.scrutineer);
        for row in &t.output {
            w.raw(row);
        }
        w.blob(&t.proof);
    }
    w.count(m.shares.len());
    for s in &m.shares {
        w.blob(s);
    }
    for n in &m.names {
        w.str(n);
    }
}

fn get_mix(r: &mut Reader<'_>) -> Result<ContestMix, FormatError> {
    let contest = r.u32()?;
    let rows = r.u32()?;
    let input_digest = r.array()?;
    let n = rows as usize;
    let mut turns = Vec::new();
    for _ in 0..r.count(4 + n.saturating_mul(SLOT_BYTES))? {
        let scrutineer = r.u32()?;
        let mut output = Vec::with_capacity(n);
        for _ in 0..n {
            output.push(r.array()?);
        }
        turns.push(MixTurn { scrutineer, output, proof: r.blob()?.to_vec() });
    }
    let mut shares = Vec::new();
    for _ in 0..r.count(4)? {
        shares.push(r.blob()?.to_vec());
    }
    // Each name is at least its 4-byte length: a forged row count cannot make us allocate.
    if n.saturating_mul(4) > r.remaining() {
        return Err(FormatError::Truncated("write-in mix"));
    }
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        names.push(r.str("write-in name")?);
    }
    Ok(ContestMix { contest, rows, input_digest, turns, shares, names })
}

impl Record {
    /// The version byte this record is written with: 3 with a write-in mix, else 2.
    pub fn version(&self) -> u8 {
        if self.mixes.is_empty() { RECORD_VERSION } else { RECORD_VERSION_MIX }
    }

    /// The body: everything but the signatures (spec §12.1).
    pub fn body_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(RECORD_MAGIC).u8(self.version()).blob(&self.manifest);
        let c = &self.ceremony;
        w.count(c.dealer_messages.len());
        for m in &c.dealer_messages {
            w.blob(m);
        }
        w.count(c.complaints.len());
        for m in &c.complaints {
            w.raw(m);
        }
        w.count(c.qualified.len());
        for q in &c.qualified {
            w.u32(*q);
        }
        w.raw(&c.joint_key).count(c.public_shares.len());
        for x in &c.public_shares {
            w.raw(x);
        }
        let a = self.attendance;
        w.u32(a.expected).u32(a.present).u32(a.issued);
        w.count(self.board.len());
        for e in &self.board {
            w.blob(&e.to_bytes());
        }
        w.count(self.receipt_heads.len());
        for h in &self.receipt_heads {
            put_head(&mut w, h);
        }
        put_head(&mut w, &self.final_head);
        w.count(self.aggregates.len());
        for a in &self.aggregates {
            w.raw(a);
        }
        w.count(self.decryptions.len());
        for d in &self.decryptions {
            w.u32(d.scrutineer).count(d.shares.len());
            for s in &d.shares {
                w.raw(s);
            }
        }
        w.count(self.totals.len());
        for t in &self.totals {
            w.u64(*t);
        }
        if !self.mixes.is_empty() {
            w.count(self.mixes.len());
            for m in &self.mixes {
                put_mix(&mut w, m);
            }
        }
        w.blob(&self.outcome);
        w.0
    }

    /// `H("hallvote/record/body/v1", body)`: what the server signs (spec §12.9).
    pub fn body_digest(body: &[u8]) -> [u8; 64] {
        let mut h = Hasher::new(tags::RECORD_BODY);
        h.bytes(body);
        h.finalize()
    }

    /// The record file: body, then the signatures (spec §12.1).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(self.body_bytes());
        w.raw(&self.server_signature).count(self.scrutineer_signatures.len());
        for s in &self.scrutineer_signatures {
            w.raw(s);
        }
        w.count(self.counter_signatures.len());
        for s in &self.counter_signatures {
            w.raw(s);
        }
        w.0
    }

    /// Decodes a record file's structure strictly (spec §12.1), returning the record
    /// and the length of its body.
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize), FormatError> {
        let mut r = Reader::new(bytes, "record");
        if r.take(8)? != RECORD_MAGIC {
            return Err(FormatError::Unknown("record magic"));
        }
        let with_mix = match r.u8()? {
            RECORD_VERSION => false,
            RECORD_VERSION_MIX => true,
            1 => {
                return Err(FormatError::Mismatch(Text::new(
                    "选举记录为第 1 版：其解密份额只约束每个密文汇总的一半，已不再接受（规范 §5.4、§12.1）",
                    "record version 1, whose decryption shares are bound to only half of each aggregate, \
                     is no longer accepted (spec §5.4, §12.1)",
                )));
            }
            _ => return Err(FormatError::Unknown("record version")),
        };
        let manifest = r.blob()?.to_vec();
        let mut ceremony = CeremonyTranscript::default();
        for _ in 0..r.count(4)? {
            ceremony.dealer_messages.push(r.blob()?.to_vec());
        }
        for _ in 0..r.count(40)? {
            ceremony.complaints.push(r.array()?);
        }
        for _ in 0..r.count(4)? {
            ceremony.qualified.push(r.u32()?);
        }
        ceremony.joint_key = r.array()?;
        for _ in 0..r.count(32)? {
            ceremony.public_shares.push(r.array()?);
        }
        let attendance = Attendance { expected: r.u32()?, present: r.u32()?, issued: r.u32()? };
        let mut board = Vec::new();
        for _ in 0..r.count(4)? {
            board.push(BoardEntry::decode(r.blob()?)?);
        }
        let mut receipt_heads = Vec::new();
        for _ in 0..r.count(TREE_HEAD_LEN + SIG_LEN)? {
            receipt_heads.push(get_head(&mut r)?);
        }
        let final_head = get_head(&mut r)?;
        let mut aggregates = Vec::new();
        for _ in 0..r.count(64)? {
            aggregates.push(r.array()?);
        }
        let mut decryptions = Vec::new();
        for _ in 0..r.count(8)? {
            let scrutineer = r.u32()?;
            let mut shares = Vec::new();
            for _ in 0..r.count(132)? {
                shares.push(r.array()?);
            }
            decryptions.push(Decryption { scrutineer, shares });
        }
        let mut totals = Vec::new();
        for _ in 0..r.count(8)? {
            totals.push(r.u64()?);
        }
        let mut mixes = Vec::new();
        if with_mix {
            // Version 3 has at least one mix; an empty section would be a version 2 record.
            let count = r.count(72)?;
            if count == 0 {
                return Err(FormatError::Invalid("write-in mix count"));
            }
            for _ in 0..count {
                mixes.push(get_mix(&mut r)?);
            }
        }
        let outcome = r.blob()?.to_vec();
        let body_len = bytes.len() - r.remaining();
        let server_signature = r.array()?;
        let mut scrutineer_signatures = Vec::new();
        for _ in 0..r.count(SIG_LEN)? {
            scrutineer_signatures.push(r.array()?);
        }
        let mut counter_signatures = Vec::new();
        for _ in 0..r.count(SIG_LEN)? {
            counter_signatures.push(r.array()?);
        }
        r.finish()?;
        let record = Self {
            manifest,
            ceremony,
            attendance,
            board,
            receipt_heads,
            final_head,
            aggregates,
            decryptions,
            totals,
            mixes,
            outcome,
            server_signature,
            scrutineer_signatures,
            counter_signatures,
        };
        Ok((record, body_len))
    }
}
