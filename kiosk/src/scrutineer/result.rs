//! The result as a scrutineer or counter reviews and signs it (spec §12.7–§12.8), in
//! the office the manifest lists the station's key under.

use hallvote_crypto::sign::VerifyingKey;
use hallvote_tally::ballot::BallotShape;
use hallvote_tally::record::builder::{joint_key, outcome, poll_counts, result_digest, sign_result};
use hallvote_tally::record::mix::add_write_ins;
use hallvote_tally::record::{Attendance, ContestMix, Manifest, Signer};
use hallvote_tally::sheet::{Heading, render};
use serde::Serialize;

use hallvote_protocol::lifecycle::PollState;
use hallvote_tally::Lang;

use hallvote_protocol::wire::{MixNames, ResultToSign, SignatureRequest};

use super::{Result, Scrutineer, ScrutineerError, grouped_hex, refused, say, untrusted};

/// The office a station of this kind holds in a poll, as the poll's manifest lists
/// its key: the office it reviews and signs the result in (spec §12.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Office {
    /// 监票人: takes part in the key ceremony and the decryption, and signs.
    Scrutineer,
    /// 计票人: reviews the result and signs.
    Counter,
}

impl Office {
    /// The role the server takes with a signature: `scrutineer` or `counter`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scrutineer => "scrutineer",
            Self::Counter => "counter",
        }
    }

    /// The office's name: (zh-CN, en).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Scrutineer => ("监票人", "scrutineer"),
            Self::Counter => ("计票人", "counter"),
        }
    }

    /// The office and the position (1-based) under which `manifest` lists `key`:
    /// among the scrutineers first, then the counters. A station holds at most one
    /// office in a poll (the server refuses to appoint it twice).
    pub fn of(manifest: &Manifest, key: &VerifyingKey) -> Option<(Self, u32)> {
        let find = |list: &[Signer]| list.iter().position(|s| &s.key == key).and_then(|i| u32::try_from(i + 1).ok());
        find(&manifest.scrutineers)
            .map(|j| (Self::Scrutineer, j))
            .or_else(|| find(&manifest.counters).map(|j| (Self::Counter, j)))
    }
}

/// The result as the station checked it: the server's figures, the outcome and
/// digest recomputed here, and the result sheet.
#[derive(Debug, Clone, Serialize)]
pub struct ResultReview {
    /// The poll.
    pub poll: i64,
    /// The office this station reviews (and signs) in.
    pub role: Office,
    /// Its position among the poll's scrutineers or counters (1-based).
    pub position: u32,
    /// The poll's state (tallied or published).
    pub state: PollState,
    /// 应到.
    pub expected: u32,
    /// 实到.
    pub present: u32,
    /// Credentials issued.
    pub issued: u32,
    /// Ballots cast.
    pub cast: u64,
    /// The totals, one per selection in ballot order.
    pub totals: Vec<u64>,
    /// Whether the poll stands (quorum, reconciliation).
    pub valid: bool,
    /// The result digest (spec §12.8), 128 hex digits: what [`Scrutineer::sign`] signs.
    pub digest: String,
    /// The digest's first 16 bytes in groups of four hex digits, to read aloud.
    pub digest_short: String,
    /// The result sheet (计票结果报告单) as text, in the request's language.
    pub sheet: String,
    /// What was checked, in the request's language.
    pub message: String,
}

/// A result signature posted to the server.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The poll.
    pub poll: i64,
    /// The office signed in.
    pub role: Office,
    /// The digest signed, hex.
    pub digest: String,
    /// What happened, in the request's language.
    pub message: String,
}

impl Scrutineer {
    /// Fetches the result of poll `poll` and checks it (spec §12.7–§12.8): finds
    /// this station's office by its key in the manifest the result comes with; a
    /// scrutineer also checks that manifest and joint key are the ones of the
    /// ceremony it took part in (a counter reads no ceremony). Then the election
    /// context `E` recomputed here from the manifest and joint key, the outcome
    /// recounted here from the totals under the manifest's ruleset, and the digest
    /// recomputed here. Returns the office, the figures, the digest and the result
    /// sheet.
    pub async fn review(&self, poll: i64, lang: Lang) -> Result<ResultReview> {
        let r: ResultToSign = self.get(lang, &format!("/api/station/polls/{poll}/result")).await?;
        let manifest_bytes = r.manifest.0;
        let manifest = Manifest::decode(&manifest_bytes).map_err(|e| untrusted(format!("manifest: {e}")))?;
        let (role, position) =
            Office::of(&manifest, &self.identity.key.verifying_key()).ok_or(ScrutineerError::NotAnOfficer)?;
        let joint_bytes = r.joint_key.0;
        if role == Office::Scrutineer {
            let view = self.view(poll, lang).await?;
            if view.manifest_bytes != manifest_bytes {
                return Err(ScrutineerError::ResultMismatch("manifest".into()));
            }
            if view.finished()?.joint_key != joint_bytes {
                return Err(ScrutineerError::ResultMismatch("joint key".into()));
            }
        }
        let joint = joint_key(&joint_bytes).map_err(|e| untrusted(format!("joint key: {e}")))?;
        let election = Manifest::election_hash(&manifest_bytes, &joint);
        if r.election.0 != election {
            return Err(ScrutineerError::ResultMismatch("election context".into()));
        }
        let attendance = Attendance { expected: r.expected, present: r.present, issued: r.issued };
        let (cast, totals) = (r.cast, r.totals);
        let server_outcome = r.outcome.0;
        let server_digest = r.digest.0;
        let shape = manifest.shape().map_err(|e| untrusted(format!("ballot shape: {e}")))?;
        let poll_def = &manifest.poll;
        let mut counts = poll_counts(poll_def, &shape, attendance, u32::try_from(cast).unwrap_or(u32::MAX), &totals)
            .map_err(|e| ScrutineerError::ResultMismatch(format!("totals: {e}")))?;
        (counts.replaced, counts.replaced_lost) = (r.replaced, r.replaced_lost);
        add_write_ins(&mut counts, poll_def, &written_in(&shape, cast, r.write_ins)?);
        let (result, outcome_bytes) = outcome(poll_def, &manifest.ruleset, &counts)
            .map_err(|e| ScrutineerError::ResultMismatch(format!("count: {e:?}")))?;
        if outcome_bytes != server_outcome {
            return Err(ScrutineerError::ResultMismatch("outcome".into()));
        }
        let digest = result_digest(&election, attendance, cast, &totals, &outcome_bytes);
        if digest != server_digest {
            return Err(ScrutineerError::ResultMismatch("digest".into()));
        }
        let heading = Heading { session: format!("{}{}", manifest.congress, manifest.session), ..Heading::default() };
        let (office_zh, office_en) = role.words();
        Ok(ResultReview {
            poll,
            role,
            position,
            state: r.state,
            expected: attendance.expected,
            present: attendance.present,
            issued: attendance.issued,
            cast,
            totals,
            valid: result.valid,
            digest: hex::encode(digest),
            digest_short: grouped_hex(&digest[..16]),
            sheet: render(&result, &heading, lang),
            message: say(
                lang,
                format!(
                    "本终端是第 {position} 号{office_zh}的终端，已根据各项总数重新计票并复算结果摘要，与服务器一致。请核对结果报告单后签名。"
                ),
                format!(
                    "This is the station of {office_en} {position}. It recounted the result from the totals and recomputed the digest: they agree with the server. Check the result sheet, then sign."
                ),
            ),
        })
    }

    /// Signs the result of poll `poll` in this station's office, scrutineer or
    /// counter (spec §12.8), after checking it again as [`Scrutineer::review`] does,
    /// and only if its digest is `reviewed` (hex, as the review showed it).
    pub async fn sign(&self, poll: i64, reviewed: &str, lang: Lang) -> Result<Signed> {
        let review = self.review(poll, lang).await?;
        let reviewed: String = reviewed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if reviewed != review.digest {
            return Err(ScrutineerError::ResultChanged);
        }
        let digest: [u8; 64] = hex::decode(&review.digest)
            .ok()
            .and_then(|d| d.try_into().ok())
            .ok_or_else(|| ScrutineerError::Internal("digest".into()))?;
        let signature = sign_result(&self.identity.key, &digest);
        let body = SignatureRequest { role: review.role.as_str().to_owned(), signature: signature.as_slice().into() };
        let a = self.post(lang, &format!("/api/station/polls/{poll}/signature"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let (office_zh, office_en) = review.role.words();
        Ok(Signed {
            poll,
            role: review.role,
            digest: review.digest,
            message: say(
                lang,
                format!("已以第 {} 号{office_zh}的身份签名，签名已提交服务器。", review.position),
                format!("Signed as {office_en} {}; the signature is with the server.", review.position),
            ),
        })
    }
}

/// The names the write-in mix decrypted, as the server sends them with the result
/// (spec §14.15), checked for their form against the ballot: one list for every
/// contest that takes write-ins, in contest order, of one name per row of every
/// cast ballot. That these are the names of the ballots is proven in the published
/// record (spec §13.11.1–§13.11.5), not here: the station counts them as the
/// server does, so that the digest it signs covers them.
fn written_in(shape: &BallotShape, cast: u64, write_ins: Vec<MixNames>) -> Result<Vec<ContestMix>> {
    let mixed: Vec<(u32, usize)> = shape
        .contests
        .iter()
        .enumerate()
        .filter(|(_, c)| c.write_in.is_some())
        .filter_map(|(i, c)| Some((u32::try_from(i).ok()?, c.items.len())))
        .collect();
    if write_ins.iter().map(|w| w.contest).ne(mixed.iter().map(|(c, _)| *c)) {
        return Err(ScrutineerError::ResultMismatch("write-ins: not the ballot's contests that take them".into()));
    }
    let mut out = Vec::with_capacity(write_ins.len());
    for (w, (_, items)) in write_ins.into_iter().zip(mixed) {
        let rows = cast.saturating_mul(items as u64);
        if w.names.len() as u64 != rows {
            return Err(ScrutineerError::ResultMismatch(format!(
                "write-ins of contest {}: {} names for {rows} rows",
                u64::from(w.contest) + 1,
                w.names.len()
            )));
        }
        out.push(ContestMix {
            contest: w.contest,
            rows: u32::try_from(rows).unwrap_or(u32::MAX),
            input_digest: [0; 64],
            turns: Vec::new(),
            shares: Vec::new(),
            names: w.names,
        });
    }
    Ok(out)
}
