//! The booth's work, without its pages: read a scanned credential, fetch and check
//! the ballot, encrypt the delegate's marks with every proof, and cast or challenge
//! the sealed ballot (spec §10, §14.6, §15.7).
//!
//! The booth shows a receipt only after it has checked the server's signed
//! confirmation: the entry's leaf is in the signed tree head by the inclusion
//! proof, and the head is signed by the server key named in the manifest. A cast
//! whose answer was lost is sent again byte for byte; the server answers a repeat
//! with the receipt it gave the first time (spec §14.6).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hallvote_crypto::credential::Credential;
use hallvote_crypto::elgamal::PublicKey;
use hallvote_crypto::merkle::{InclusionProof, TreeHead, leaf_hash};
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_tally::ballot::{
    BallotContext, BallotShape, EncryptedBallot, Opening, PlainBallot, TrackingCode, encrypt_ballot,
};
use hallvote_tally::record::builder::{head_message, joint_key};
use hallvote_tally::record::{BoardEntry, Manifest};
use hallvote_tally::record::{Fingerprint, ReceiptKind, SignedHead};
use http::Method;
use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::credential_text::{CredentialText, CredentialTextError};
use crate::eligible::{self, Person};
use crate::link::{Answer, Link, LinkError, Refused};
use crate::words::refusals::{self, Said};
use hallvote_protocol::lifecycle::PollState;
use hallvote_protocol::wire::{self, EntryKind};
use hallvote_tally::Lang;

/// How often a cast whose answer was lost is sent again before the booth asks the
/// delegate to wait for help, and the pause before each try.
pub const CAST_RETRIES: u32 = 6;
const RETRY_PAUSE: Duration = Duration::from_millis(700);

/// Why the booth cannot go on. Each has a message for the delegate in both languages.
#[derive(Debug, Error)]
pub enum BoothError {
    /// The scanned text is not a ballot credential.
    #[error("credential text: {0}")]
    Text(#[from] CredentialTextError),
    /// The credential is not signed for this poll (forged, or for another poll).
    #[error("the credential is not valid for this poll")]
    CredentialInvalid,
    /// The server cannot be reached (after the retries, for a cast).
    #[error("{0}")]
    Unreachable(LinkError),
    /// The server refused.
    #[error("{0}")]
    Refused(Refused),
    /// The credential has already been used to cast a ballot: the server says so
    /// when asked at the scan, before the ballot is shown.
    #[error("the credential has already been used to cast a ballot")]
    CredentialSpent,
    /// The credential was handed back at the desk and cancelled (spec §6.7): the
    /// server says so when asked at the scan.
    #[error("the credential was cancelled at the desk")]
    CredentialCancelled,
    /// The poll is not open for voting (not yet, or no longer).
    #[error("the poll is not open: {0:?}")]
    PollNotOpen(PollState),
    /// The server's answer does not check out (a receipt without a valid signature
    /// or inclusion proof, a manifest that cannot be read).
    #[error("the server's answer does not check out: {0}")]
    Untrusted(String),
    /// The marks break the ballot's rules (an over-vote, an unmarked item).
    #[error("marks: {0}")]
    Marks(String),
}

impl BoothError {
    /// What the delegate reads, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let (zh, en) = self.words();
        match lang {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }

    /// What the delegate reads: (zh-CN, en). A refusal of the server reads in the
    /// station's own words for its code ([`Refused::words`]), never as the raw code.
    pub fn words(&self) -> (String, String) {
        let both = |w: Said| (w.zh.to_owned(), w.en.to_owned());
        match self {
            Self::Text(CredentialTextError::NotACredential) => (
                "这不是选票凭证。请扫描报到处发给您的选票二维码（不是代表证）。".into(),
                "This is not a ballot credential. Scan the ballot QR code the desk gave you (not your delegate card)."
                    .into(),
            ),
            Self::Text(CredentialTextError::Empty) => {
                ("没有读到内容，请重新扫描。".into(), "Nothing was read; scan again.".into())
            }
            Self::Text(_) => (
                "选票二维码无法识别（可能有污损）。请重新扫描；仍不行请到报到处。".into(),
                "The ballot QR code cannot be read (it may be damaged). Scan again; if it still fails, go to the desk."
                    .into(),
            ),
            Self::CredentialInvalid => (
                "这张选票凭证不是本次投票签发的，不能使用。请到报到处。".into(),
                "This credential was not issued for this poll and cannot be used. Please go to the desk.".into(),
            ),
            Self::Unreachable(_) => (
                "暂时连接不上服务器，正在重试。请稍候，不要离开；您的选票不会丢失。".into(),
                "The server cannot be reached; retrying. Please wait here: your ballot will not be lost.".into(),
            ),
            Self::Refused(r) => (r.words(Lang::ZhCn), r.words(Lang::En)),
            Self::CredentialSpent => both(refusals::CREDENTIAL_SPENT),
            Self::CredentialCancelled => both(refusals::CREDENTIAL_CANCELLED),
            Self::PollNotOpen(_) => both(refusals::POLL_NOT_OPEN),
            Self::Untrusted(_) => (
                "服务器的确认未通过核验，选票未视为已投出。请联系工作人员。".into(),
                "The server's confirmation did not check out; the ballot is not taken as cast. Please call staff."
                    .into(),
            ),
            Self::Marks(m) => (m.clone(), m.clone()),
        }
    }
}

pub(crate) fn refused(a: &Answer) -> BoothError {
    BoothError::Refused(a.refusal())
}

/// The server's answer decoded as `T` (hallvote_protocol::wire): an answer that is
/// not what `T` says is untrusted, naming the field it fails on.
pub(crate) fn decode_answer<T: serde::de::DeserializeOwned>(a: &Answer) -> Result<T, BoothError> {
    a.decode().map_err(|e| BoothError::Untrusted(e.to_string()))
}

/// A poll's ballot as the booth fetched it from the server.
#[derive(Debug)]
pub struct BallotDefinition {
    /// The poll's number on the server.
    pub poll: i64,
    /// Where the poll was when the booth fetched it.
    pub state: PollState,
    /// The manifest (spec §11.2).
    pub manifest: Manifest,
    /// The ballot's shape.
    pub shape: BallotShape,
    /// `Y`.
    pub joint_key: PublicKey,
    /// `E`.
    pub election: [u8; 64],
    /// The credential poll id.
    pub poll_id: [u8; 32],
    /// The election fingerprint (spec §11.4), computed here from the manifest, `Y`
    /// and the public shares.
    pub fingerprint: Fingerprint,
}

/// A delegate's visit: the credential and the ballot it opens.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The ballot.
    pub ballot: Arc<BallotDefinition>,
    /// The delegate's credential (checked).
    pub credential: Credential,
}

impl Visit {
    fn context(&self) -> BallotContext {
        BallotContext { election: self.ballot.election, serial: self.credential.serial() }
    }
}

/// An encrypted, proven ballot waiting for the delegate's cast or challenge.
#[derive(Debug)]
pub struct Sealed {
    /// The encoded ballot (spec §10.4).
    pub bytes: Vec<u8>,
    /// Its tracking code.
    pub tracking: TrackingCode,
    opening: Opening,
}

impl Sealed {
    /// The encoded opening (spec §10.6): what a challenge reveals.
    pub fn opening_bytes(&self) -> Vec<u8> {
        self.opening.to_bytes()
    }
}

/// A receipt the booth has checked (spec §14.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The election fingerprint, short form (spec §11.4).
    pub fingerprint: String,
    /// The receipt as text (`HVRCPT1:…`, spec §12.11): what the printed QR code
    /// carries and `hallvote-verify --receipt` checks.
    pub text: String,
    /// The first 8 hex digits of the signed head's root.
    pub root: String,
    /// `cast` or `spoiled`.
    pub kind: String,
    /// The tracking code, as shown.
    pub tracking: String,
    /// The entry's position on the board, from 0.
    pub position: u64,
    /// The size of the signed tree head.
    pub tree_size: u64,
    /// The signed tree head, base64.
    pub head: String,
    /// Its signature, base64.
    pub signature: String,
}

/// The booth.
#[derive(Debug)]
pub struct Booth {
    link: Link,
    /// The language the delegate reads: the server's messages are asked for in it.
    english: AtomicBool,
    ballots: Mutex<HashMap<i64, Arc<BallotDefinition>>>,
    /// The eligible list of each poll's congress, as fetched.
    eligible: Mutex<HashMap<i64, Arc<Vec<Person>>>>,
    /// The 述职 summaries of each poll, as fetched.
    reports: Mutex<HashMap<i64, Arc<Vec<wire::MemberReport>>>>,
}

impl Booth {
    /// A booth talking to the server over `link` (signed as a booth station).
    pub fn new(link: Link) -> Self {
        Self {
            link,
            english: AtomicBool::new(false),
            ballots: Mutex::new(HashMap::new()),
            eligible: Mutex::new(HashMap::new()),
            reports: Mutex::new(HashMap::new()),
        }
    }

    /// Asks the server for its messages in `lang` from now on.
    pub fn set_language(&self, lang: Lang) {
        self.english.store(lang == Lang::En, Ordering::Relaxed);
    }

    /// The link, in the booth's language.
    pub fn link(&self) -> Link {
        let lang = if self.english.load(Ordering::Relaxed) { Lang::En } else { Lang::ZhCn };
        self.link.clone().language(lang.code())
    }

    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Answer, BoothError> {
        self.link().call(method, path, body).await.map_err(BoothError::Unreachable)
    }

    /// The ballot of poll `poll`, fetched once and kept.
    pub async fn ballot(&self, poll: i64) -> Result<Arc<BallotDefinition>, BoothError> {
        if let Some(b) = self.ballots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&poll) {
            return Ok(Arc::clone(b));
        }
        let a = self.call(Method::GET, &format!("/api/station/polls/{poll}/ballot"), None).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let wire: wire::BallotDefinition = decode_answer(&a)?;
        let manifest_bytes = wire.manifest.0;
        let manifest = Manifest::decode(&manifest_bytes).map_err(|e| BoothError::Untrusted(e.to_string()))?;
        let shape = manifest.shape().map_err(|e| BoothError::Untrusted(e.to_string()))?;
        let (joint, election, poll_id) = (wire.joint_key.0, wire.election.0, wire.poll_id.0);
        // The poll id the credentials are signed for is the manifest's hash (spec §11.3):
        // a server cannot show one manifest and accept credentials for another.
        if Manifest::poll_id(&manifest_bytes) != poll_id {
            return Err(BoothError::Untrusted("the poll id is not the manifest's".into()));
        }
        let joint_key = joint_key(&joint).map_err(|e| BoothError::Untrusted(e.to_string()))?;
        if Manifest::election_hash(&manifest_bytes, &joint_key) != election {
            return Err(BoothError::Untrusted("the election hash is not the manifest's and the joint key's".into()));
        }
        let public_shares: Vec<[u8; 32]> = wire.public_shares.iter().map(|x| x.0).collect();
        if public_shares.len() != manifest.scrutineers.len() {
            return Err(BoothError::Untrusted("one public share per scrutineer".into()));
        }
        let def = Arc::new(BallotDefinition {
            poll,
            state: wire.state,
            fingerprint: Fingerprint::of(&manifest_bytes, &joint, &public_shares),
            manifest,
            shape,
            joint_key,
            election,
            poll_id,
        });
        if def.state == PollState::Open {
            self.ballots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(poll, Arc::clone(&def));
        }
        Ok(def)
    }

    /// The eligible list of poll `poll`'s congress, in stroke order: whom a delegate
    /// writing in another person can pick (issue 17). Fetched once per poll.
    pub async fn eligible(&self, poll: i64) -> Result<Arc<Vec<Person>>, BoothError> {
        if let Some(list) = self.eligible.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&poll) {
            return Ok(Arc::clone(list));
        }
        let a = self.call(Method::GET, &format!("/api/station/polls/{poll}/eligible"), None).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let list: Vec<wire::EligiblePerson> = decode_answer(&a)?;
        let people = Arc::new(eligible::ordered(list));
        self.eligible.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(poll, Arc::clone(&people));
        Ok(people)
    }

    /// The 述职 summaries of poll `poll` (spec §14.16), in ballot order: shown before
    /// the marks of the members they are about. Fetched once per poll; a poll's
    /// summaries do not change once it is open.
    pub async fn reports(&self, poll: i64) -> Result<Arc<Vec<wire::MemberReport>>, BoothError> {
        if let Some(list) = self.reports.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&poll) {
            return Ok(Arc::clone(list));
        }
        let a = self.call(Method::GET, &format!("/api/station/polls/{poll}/reports"), None).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let list: Arc<Vec<wire::MemberReport>> = Arc::new(decode_answer(&a)?);
        self.reports.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(poll, Arc::clone(&list));
        Ok(list)
    }

    /// Reads a scanned credential, fetches its ballot, checks the credential's
    /// signature for that poll, and asks the server where the credential stands,
    /// before anything is shown: a poll that is not open, or a credential already
    /// used to cast a ballot, is refused here, not after the delegate has marked.
    pub async fn begin(&self, scanned: &str) -> Result<Visit, BoothError> {
        let text = CredentialText::decode(scanned)?;
        let ballot = self.ballot(text.poll).await?;
        text.credential
            .verify(&ballot.manifest.credential_key, &ballot.poll_id)
            .map_err(|_| BoothError::CredentialInvalid)?;
        let standing = self.credential_state(text.poll, &text.credential).await?;
        if standing.state != PollState::Open {
            // The kept ballot is of an open poll; this one is no longer.
            self.ballots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&text.poll);
            return Err(BoothError::PollNotOpen(standing.state));
        }
        if standing.cancelled {
            return Err(BoothError::CredentialCancelled);
        }
        if standing.spent {
            return Err(BoothError::CredentialSpent);
        }
        Ok(Visit { ballot, credential: text.credential })
    }

    /// Where `credential` stands on the server: the poll's state and whether a
    /// ballot was cast under it (read-only; the server learns only the serial).
    pub async fn credential_state(
        &self,
        poll: i64,
        credential: &Credential,
    ) -> Result<wire::CredentialState, BoothError> {
        let path = format!("/api/station/polls/{poll}/credentials/{}", hex::encode(credential.serial()));
        let a = self.call(Method::GET, &path, None).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        decode_answer(&a)
    }

    /// The open polls of the session `poll` belongs to, in the session's order: what
    /// the booth shows a delegate as the polls of this visit. The booth cannot know
    /// which of them the delegate holds a credential for (the credentials are blind,
    /// one QR code each, linked to nobody), only which it has seen cast in this visit.
    pub async fn open_polls_beside(&self, poll: i64) -> Result<Vec<wire::DeskPoll>, BoothError> {
        let a = self.call(Method::GET, "/api/station/sessions", None).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let sessions: Vec<wire::DeskSession> = decode_answer(&a)?;
        let mut open: Vec<wire::DeskPoll> = sessions
            .into_iter()
            .find(|s| s.polls.iter().any(|p| p.id == poll))
            .map(|s| s.polls.into_iter().filter(|p| p.state == PollState::Open).collect())
            .unwrap_or_default();
        open.sort_by_key(|p| p.id);
        Ok(open)
    }

    /// Encrypts and proves the marks (a new encryption every time). Marks that
    /// break the ballot's rules cannot be sealed.
    pub fn seal(&self, visit: &Visit, marks: &PlainBallot) -> Result<Sealed, BoothError> {
        let ctx = visit.context();
        let (ballot, opening) =
            encrypt_ballot(&visit.ballot.shape, &visit.ballot.joint_key, &ctx, marks, &mut rand::rng())
                .map_err(|e| BoothError::Marks(e.to_string()))?;
        let bytes = ballot.to_bytes();
        let tracking = TrackingCode::of(&ctx, &bytes);
        Ok(Sealed { bytes, tracking, opening })
    }

    /// Casts the sealed ballot, sending it again (the same bytes) while no answer
    /// comes, and checks the receipt.
    pub async fn cast(&self, visit: &Visit, sealed: &Sealed) -> Result<Receipt, BoothError> {
        let entry = BoardEntry::Cast { credential: visit.credential.to_bytes(), ballot: sealed.bytes.clone() };
        let body = wire::EntryRequest {
            credential: visit.credential.to_bytes().into(),
            ballot: sealed.bytes.clone().into(),
            opening: None,
        };
        self.post_entry(visit, sealed, "cast", &entry, &body).await
    }

    /// Challenges the sealed ballot: posts it with its opening, as spoiled, never
    /// counted. The delegate then marks again and gets a new encryption.
    pub async fn challenge(&self, visit: &Visit, sealed: &Sealed) -> Result<Receipt, BoothError> {
        let opening = sealed.opening_bytes();
        let entry = BoardEntry::Spoiled {
            credential: visit.credential.to_bytes(),
            ballot: sealed.bytes.clone(),
            opening: opening.clone(),
        };
        let body = wire::EntryRequest {
            credential: visit.credential.to_bytes().into(),
            ballot: sealed.bytes.clone().into(),
            opening: Some(opening.clone().into()),
        };
        self.post_entry(visit, sealed, "challenge", &entry, &body).await
    }

    async fn post_entry(
        &self,
        visit: &Visit,
        sealed: &Sealed,
        what: &str,
        entry: &BoardEntry,
        body: &wire::EntryRequest,
    ) -> Result<Receipt, BoothError> {
        let path = format!("/api/station/polls/{}/{what}", visit.ballot.poll);
        let mut tries = 0;
        let link = self.link();
        let answer = loop {
            match link.call_json(Method::POST, &path, body).await {
                Ok(a) => break a,
                Err(e) => {
                    tries += 1;
                    if tries > CAST_RETRIES {
                        return Err(BoothError::Unreachable(e));
                    }
                    tracing::warn!(tries, "no answer to a {what}; sending the same ballot again");
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
            }
        };
        if !answer.status.is_success() {
            return Err(refused(&answer));
        }
        check_receipt(&visit.ballot, entry, sealed, &decode_answer(&answer)?)
    }
}

/// Checks a receipt against what the booth sent: the tracking code, the entry's
/// inclusion in the signed tree head, and the server's signature on the head.
pub fn check_receipt(
    ballot: &BallotDefinition,
    entry: &BoardEntry,
    sealed: &Sealed,
    r: &wire::Receipt,
) -> Result<Receipt, BoothError> {
    let bad = |what: &str| BoothError::Untrusted(what.to_owned());
    if TrackingCode::parse(&r.tracking) != Some(sealed.tracking) {
        return Err(bad("the tracking code is not the ballot's"));
    }
    let expected_kind = if matches!(entry, BoardEntry::Cast { .. }) { EntryKind::Cast } else { EntryKind::Spoiled };
    if r.kind != expected_kind {
        return Err(bad("the entry's kind"));
    }
    let position = r.position;
    let (head_bytes, sig) = (r.head.0, r.signature.0);
    let head = TreeHead::from_bytes(&head_bytes).map_err(|_| bad("tree head"))?;
    let path: Vec<[u8; 32]> = r.inclusion.iter().map(|h| h.0).collect();
    let proof = InclusionProof::new(position, head.size, path).map_err(|_| bad("inclusion proof"))?;
    proof.verify_tree_head(&leaf_hash(&entry.leaf()), &head).map_err(|_| bad("inclusion proof"))?;
    let signature = Signature::from_bytes(&sig).map_err(|_| bad("signature"))?;
    verify(&ballot.manifest.server_key, tags::SIG_TREE_HEAD, &head_message(&head_bytes, &ballot.election), &signature)
        .map_err(|_| bad("the tree head's signature"))?;
    let text = hallvote_tally::record::Receipt {
        kind: if expected_kind == EntryKind::Cast { ReceiptKind::Cast } else { ReceiptKind::Spoiled },
        fingerprint: ballot.fingerprint.prefix(),
        position,
        tracking: sealed.tracking,
        head: SignedHead { head: head_bytes, signature: sig },
    }
    .to_text();
    Ok(Receipt {
        fingerprint: ballot.fingerprint.short(),
        text,
        root: head.root[..4].iter().map(|b| format!("{b:02x}")).collect(),
        kind: match r.kind {
            EntryKind::Cast => "cast",
            // A receipt is never for a cancellation or replacement (spec §6.7); the
            // kind was checked against the entry above.
            EntryKind::Spoiled | EntryKind::Cancelled | EntryKind::Replaced => "spoiled",
        }
        .to_owned(),
        tracking: sealed.tracking.to_string(),
        position,
        tree_size: head.size,
        head: wire::b64(&head_bytes),
        signature: wire::b64(&sig),
    })
}

/// Checks an opened (challenged) ballot: the opening reproduces the ballot's
/// ciphertexts (spec §10.6). Any station can do it with the ballot definition.
pub fn check_challenged(ballot: &BallotDefinition, bytes: &[u8], opening: &[u8]) -> Result<PlainBallot, BoothError> {
    let decoded = EncryptedBallot::decode(bytes, &ballot.shape).map_err(|e| BoothError::Untrusted(e.to_string()))?;
    let op = Opening::decode(opening, &ballot.shape).map_err(|e| BoothError::Untrusted(e.to_string()))?;
    hallvote_tally::ballot::check_opening(&ballot.shape, &ballot.joint_key, &decoded, &op)
        .map_err(|e| BoothError::Untrusted(e.to_string()))
}
