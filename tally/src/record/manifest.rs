//! The poll manifest: the poll as the record needs it, in one canonical binary
//! encoding, and the identifiers derived from it (spec §11).

use hallvote_crypto::credential::{CredentialPublicKey, POLL_ID_LEN};
use hallvote_crypto::elgamal::PublicKey;
use hallvote_crypto::hash::Hasher;
use hallvote_crypto::sign::VerifyingKey;
use hallvote_crypto::tags;

use super::codec::{FormatError, Reader, Writer};
use super::rules::{base_code, get_base, get_ruleset, get_threshold, put_ruleset, put_threshold};
use super::shape::poll_shape;
use crate::ballot::BallotShape;
use crate::model::{
    Candidate, ConfidenceVote, Contest, ContestKind, Election, ElectionKind, Evaluation, Motion, MotionRuleOverride,
    Poll, Recall,
};
use crate::ruleset::{RecallRule, Ruleset};
use crate::text::Text;

/// Version byte of the manifest encoding (spec §11.2).
pub const MANIFEST_VERSION: u8 = 1;
/// Version byte of a manifest in which some election takes write-ins (spec §11.2):
/// its contests carry the write-in fields. A poll without write-ins is encoded as
/// version 1, byte for byte as before.
pub const MANIFEST_VERSION_WRITE_INS: u8 = 2;
/// The first bytes of every manifest (spec §11.2).
pub const MANIFEST_MAGIC: &[u8; 8] = b"HVMANIFS";

/// A scrutineer or counter: a name and the Ed25519 key that signs the result (spec §11.2.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The name printed on the result sheet.
    pub name: String,
    /// The key (spec §8.1).
    pub key: VerifyingKey,
}

/// Everything the record says about the poll before a ballot is cast (spec §11.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// 中国共产党××镇第×届代表大会.
    pub congress: String,
    /// 第×次会议.
    pub session: String,
    /// The poll; its `attendance` is not part of the manifest and must be `None`
    /// (the record carries attendance, spec §12.3).
    pub poll: Poll,
    /// The rules it is counted under.
    pub ruleset: Ruleset,
    /// The scrutineers in key-ceremony order: scrutineer `j` is `scrutineers[j − 1]`.
    pub scrutineers: Vec<Signer>,
    /// `k`: how many scrutineers decrypt.
    pub threshold: u32,
    /// The counters (计票人).
    pub counters: Vec<Signer>,
    /// The key ceremony's identifier (spec §5.1), 1 to 255 bytes.
    pub ceremony: Vec<u8>,
    /// The poll's credential key (spec §6.1).
    pub credential_key: CredentialPublicKey,
    /// The server's key: it signs tree heads and the record (spec §8).
    pub server_key: VerifyingKey,
}

impl Manifest {
    /// The ballot shape of the poll (spec §11.2.3).
    pub fn shape(&self) -> Result<BallotShape, FormatError> {
        poll_shape(&self.poll)
    }

    /// The canonical encoding (spec §11.2). Fails if the poll is not a valid poll
    /// under the ruleset or has no ballot shape.
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        self.poll.validate(&self.ruleset).map_err(|e| {
            let t = e.text();
            FormatError::Mismatch(Text::new(format!("投票设置：{}", t.zh), format!("poll definition: {}", t.en)))
        })?;
        if self.poll.attendance.is_some() {
            return Err(FormatError::Invalid("attendance in the manifest"));
        }
        if self.ceremony.is_empty() || self.ceremony.len() > 255 {
            return Err(FormatError::Invalid("ceremony id length"));
        }
        let shape = self.shape()?;
        let write_ins = shape.contests.iter().any(|c| c.write_in.is_some());
        let mut w = Writer::default();
        w.raw(MANIFEST_MAGIC).u8(if write_ins { MANIFEST_VERSION_WRITE_INS } else { MANIFEST_VERSION });
        w.str(&self.congress).str(&self.session).str(&self.poll.name);
        put_ruleset(&mut w, &self.ruleset);
        w.count(self.poll.contests.len());
        for (contest, cs) in self.poll.contests.iter().zip(&shape.contests) {
            put_contest(&mut w, contest, cs, write_ins, &self.ruleset);
        }
        w.count(self.scrutineers.len()).u32(self.threshold);
        for s in &self.scrutineers {
            w.str(&s.name).raw(s.key.as_bytes());
        }
        w.count(self.counters.len());
        for s in &self.counters {
            w.str(&s.name).raw(s.key.as_bytes());
        }
        w.blob(&self.ceremony).blob(self.credential_key.to_spki_der()).raw(self.server_key.as_bytes());
        Ok(w.0)
    }

    /// Decodes a manifest strictly: every field, the shape recomputed and compared,
    /// the poll validated, and the bytes re-encoded and compared (spec §11.2).
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        let mut r = Reader::new(bytes, "manifest");
        if r.take(8)? != MANIFEST_MAGIC {
            return Err(FormatError::Unknown("manifest magic"));
        }
        let write_ins = match r.u8()? {
            MANIFEST_VERSION => false,
            MANIFEST_VERSION_WRITE_INS => true,
            _ => return Err(FormatError::Unknown("manifest version")),
        };
        let congress = r.str("congress")?;
        let session = r.str("session")?;
        let name = r.str("poll name")?;
        let mut ruleset = get_ruleset(&mut r)?;
        let mut contests = Vec::new();
        let mut recall_rule = None;
        for _ in 0..r.count(16)? {
            let (contest, rule) = get_contest(&mut r, write_ins)?;
            if let Some(rule) = rule {
                // Every recall contest carries the ruleset's one recall rule.
                if recall_rule.is_some_and(|seen| seen != rule) {
                    return Err(FormatError::Invalid("recall contests with different rules"));
                }
                recall_rule = Some(rule);
            }
            contests.push(contest);
        }
        if let Some(rule) = recall_rule {
            ruleset.recall = rule;
            ruleset.validate().map_err(|e| {
                let t = e.text();
                FormatError::Mismatch(Text::new(format!("规则集：{}", t.zh), format!("ruleset: {}", t.en)))
            })?;
        }
        let poll = Poll { name, contests, attendance: None };
        let n = r.count(36)?;
        let threshold = r.u32()?;
        let mut scrutineers = Vec::with_capacity(n);
        for _ in 0..n {
            scrutineers.push(get_signer(&mut r)?);
        }
        let mut counters = Vec::new();
        for _ in 0..r.count(36)? {
            counters.push(get_signer(&mut r)?);
        }
        let ceremony = r.blob()?.to_vec();
        let credential_key =
            CredentialPublicKey::from_spki_der(r.blob()?).map_err(|_| FormatError::Invalid("credential key"))?;
        let server_key = VerifyingKey::from_bytes(&r.array()?).map_err(|_| FormatError::Invalid("server key"))?;
        r.finish()?;
        if threshold == 0 || threshold as usize > n || n > 255 {
            return Err(FormatError::Invalid("threshold k of n scrutineers"));
        }
        let m = Self {
            congress,
            session,
            poll,
            ruleset,
            scrutineers,
            threshold,
            counters,
            ceremony,
            credential_key,
            server_key,
        };
        // Every field was read strictly; re-encoding catches what remains (a shape or
        // labels that differ from those derived, candidates out of stroke order).
        if m.to_bytes()? != bytes {
            return Err(FormatError::Mismatch(Text::new(
                "投票清单不是规范编码：选票结构、选项名称或候选人顺序与投票设置不符",
                "manifest is not canonical: the ballot shape, option labels or candidate order differ from the poll's",
            )));
        }
        Ok(m)
    }

    /// The credential poll identifier (spec §11.3): the first 32 bytes of
    /// `H("hallvote/record/poll-id/v1", manifest bytes)`.
    pub fn poll_id(manifest_bytes: &[u8]) -> [u8; POLL_ID_LEN] {
        let mut h = Hasher::new(tags::RECORD_POLL_ID);
        h.bytes(manifest_bytes);
        let d = h.finalize();
        let mut out = [0; POLL_ID_LEN];
        out.copy_from_slice(&d[..POLL_ID_LEN]);
        out
    }

    /// The election context hash `E = H("hallvote/record/election/v1", manifest bytes, Y)`
    /// (spec §11.3), which every ballot proof is bound to.
    pub fn election_hash(manifest_bytes: &[u8], joint_key: &PublicKey) -> [u8; 64] {
        let mut h = Hasher::new(tags::RECORD_ELECTION);
        h.bytes(manifest_bytes).element(joint_key.element());
        h.finalize()
    }
}

fn get_signer(r: &mut Reader<'_>) -> Result<Signer, FormatError> {
    let name = r.str("signer name")?;
    let key = VerifyingKey::from_bytes(&r.array()?).map_err(|_| FormatError::Invalid("signer key"))?;
    Ok(Signer { name, key })
}

/// Contest kinds (spec §11.2.3).
const ELECTION: u8 = 0;
const CONFIDENCE: u8 = 1;
const EVALUATION: u8 = 2;
const MOTION: u8 = 3;
const RECALL: u8 = 4;

fn put_names(w: &mut Writer, names: &[String]) {
    w.count(names.len());
    for n in names {
        w.str(n);
    }
}

fn get_names(r: &mut Reader<'_>) -> Result<Vec<String>, FormatError> {
    let mut out = Vec::new();
    for _ in 0..r.count(4)? {
        out.push(r.str("name")?);
    }
    Ok(out)
}

/// `write_ins`: the manifest is version 2 and its contests carry the write-in fields.
/// A recall contest carries the ruleset's recall rule (spec §11.2.3): the ruleset's own
/// encoding (§11.2.2) is unchanged, so that records without a recall stay byte for byte
/// what they were.
fn put_contest(w: &mut Writer, c: &Contest, shape: &crate::ballot::ContestShape, write_ins: bool, rs: &Ruleset) {
    w.str(&c.id).str(&c.title);
    match &c.kind {
        ContestKind::Election(e) => {
            w.u8(ELECTION).bool(e.kind == ElectionKind::NonCompetitive).bool(e.by_election);
            if write_ins {
                w.bool(e.write_ins);
            }
            w.u32(e.seats);
            let ordered = e.in_stroke_order();
            w.count(ordered.len());
            for cand in &ordered {
                w.str(&cand.name);
                match &cand.surname {
                    Some(s) => w.u8(1).str(s),
                    None => w.u8(0),
                };
            }
        }
        ContestKind::Confidence(v) => {
            w.u8(CONFIDENCE);
            put_names(w, &v.members);
        }
        ContestKind::Evaluation(v) => {
            w.u8(EVALUATION);
            put_names(w, &v.members);
            w.count(v.grades.len());
            for g in &v.grades {
                w.text(g);
            }
        }
        ContestKind::Motion(m) => {
            w.u8(MOTION);
            put_names(w, &m.items);
            match m.rule {
                Some(rule) => {
                    w.u8(1).u8(base_code(rule.base));
                    put_threshold(w, rule.threshold);
                }
                None => {
                    w.u8(0);
                }
            }
        }
        ContestKind::Recall(v) => {
            w.u8(RECALL);
            put_names(w, &v.members);
            w.u8(base_code(rs.recall.base));
            put_threshold(w, rs.recall.threshold);
        }
    }
    // The derived part (spec §11.2.3): labels and ballot shape, so that a verifier
    // in another language need not know the contest kinds to check the ballots.
    let labels = c.options();
    w.count(labels.len());
    for l in &labels {
        w.text(l);
    }
    w.count(shape.items.len());
    for item in &shape.items {
        w.u8(item.options).u8(item.min_marks).u8(item.max_marks);
    }
    match shape.cap {
        Some(cap) => w.u8(1).u8(cap.option).u32(cap.max),
        None => w.u8(0),
    };
    if write_ins {
        match shape.write_in {
            Some(rule) => w.u8(1).u8(rule.against),
            None => w.u8(0),
        };
    }
}

/// The contest, and for a recall the rule it carries.
fn get_contest(r: &mut Reader<'_>, write_ins: bool) -> Result<(Contest, Option<RecallRule>), FormatError> {
    let mut recall_rule = None;
    let id = r.str("contest id")?;
    let title = r.str("contest title")?;
    let kind = match r.u8()? {
        ELECTION => {
            let kind = if r.bool("election kind")? { ElectionKind::NonCompetitive } else { ElectionKind::Competitive };
            let by_election = r.bool("by-election flag")?;
            let takes_write_ins = write_ins && r.bool("write-in flag")?;
            let seats = r.u32()?;
            let mut candidates = Vec::new();
            for _ in 0..r.count(5)? {
                let name = r.str("candidate")?;
                let surname = if r.bool("surname flag")? { Some(r.str("surname")?) } else { None };
                candidates.push(Candidate { name, surname });
            }
            ContestKind::Election(Election { kind, by_election, seats, candidates, write_ins: takes_write_ins })
        }
        CONFIDENCE => ContestKind::Confidence(ConfidenceVote { members: get_names(r)? }),
        EVALUATION => {
            let members = get_names(r)?;
            let mut grades = Vec::new();
            for _ in 0..r.count(8)? {
                grades.push(r.text("grade")?);
            }
            ContestKind::Evaluation(Evaluation { members, grades })
        }
        MOTION => {
            let items = get_names(r)?;
            let rule = if r.bool("motion rule flag")? {
                Some(MotionRuleOverride { base: get_base(r)?, threshold: get_threshold(r)? })
            } else {
                None
            };
            ContestKind::Motion(Motion { items, rule })
        }
        RECALL => {
            let members = get_names(r)?;
            recall_rule = Some(RecallRule { base: get_base(r)?, threshold: get_threshold(r)? });
            ContestKind::Recall(Recall { members })
        }
        _ => return Err(FormatError::Invalid("contest kind")),
    };
    // Skip the derived part; `Manifest::decode` compares it by re-encoding.
    for _ in 0..r.count(8)? {
        r.text("option label")?;
    }
    let items = r.count(3)?;
    r.take(items.saturating_mul(3))?;
    if r.bool("cap flag")? {
        r.take(5)?;
    }
    if write_ins && r.bool("write-in flag")? {
        r.take(1)?;
    }
    Ok((Contest { id, title, kind }, recall_rule))
}
