//! The desk's work, without its pages: a one-time ballot credential for a checked-in
//! delegate, by blind signature (spec §6.3). The desk blinds a fresh token, the
//! server signs the blinded message after checking the delegate may have one, and
//! the desk unblinds: the server never sees the credential it signed, so it cannot
//! link the ballot to the delegate.

use hallvote_crypto::credential::{BlindSignature, Credential, blind, finalize};
use http::Method;

use crate::booth::{Booth, BoothError, refused};
use crate::credential_text::CredentialText;
use crate::link::Link;
use hallvote_protocol::wire;
use hallvote_tally::Lang;

/// Which delegate: the text of the card's QR code, or the card number typed.
#[derive(Debug, Clone)]
pub enum CardScan {
    /// The delegate card's QR text (spec §16.1).
    Qr(String),
    /// The card number, typed by hand.
    Number(String),
}

/// Why a credential is replaced (spec §6.7).
pub enum Replace {
    /// The slip was handed back (damaged, misprinted, jammed): its credential, read
    /// from its QR code, is cancelled.
    Damaged(Credential),
    /// The slip was lost: a scrutineer approves at the desk with their account.
    Lost {
        /// The scrutineer's account name.
        username: String,
        /// Its password.
        password: String,
    },
}

impl std::fmt::Debug for Replace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Damaged(_) => f.write_str("Damaged"),
            Self::Lost { username, .. } => f.debug_struct("Lost").field("username", username).finish_non_exhaustive(),
        }
    }
}

/// The desk.
#[derive(Debug)]
pub struct Desk {
    ballots: Booth,
}

/// A session as the desk sees it.
pub use hallvote_protocol::wire::{DeskAnswer as Delegate, DeskPoll, DeskSession};

fn scan_body(card: &CardScan) -> wire::CardScan {
    match card {
        CardScan::Qr(t) => wire::CardScan { qr: Some(t.trim().to_owned()), card: None },
        CardScan::Number(n) => wire::CardScan { qr: None, card: Some(n.trim().to_owned()) },
    }
}

impl CardScan {
    /// What the desk's scanner or keyboard gave: a card's QR text if it looks like
    /// one, else a card number.
    pub fn from_input(text: &str) -> Self {
        let t = text.trim();
        if t.contains(':') { Self::Qr(t.to_owned()) } else { Self::Number(t.to_owned()) }
    }
}

impl Desk {
    /// The sessions and their polls, newest first.
    pub async fn sessions(&self) -> Result<Vec<DeskSession>, BoothError> {
        let a = self.link().call(Method::GET, "/api/station/sessions", None).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// The session's attendance now: expected, present and whether the quorum is met.
    pub async fn attendance(&self, session: i64) -> Result<wire::AttendanceFigures, BoothError> {
        let path = format!("/api/station/sessions/{session}/attendance");
        let a = self.link().call(Method::GET, &path, None).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// Checks a delegate in to `session` (or records a departure with `arrive` false).
    pub async fn check_in(&self, session: i64, card: &CardScan, arrive: bool) -> Result<Delegate, BoothError> {
        let what = if arrive { "checkin" } else { "checkout" };
        let a = self
            .link()
            .call_json(Method::POST, &format!("/api/station/sessions/{session}/{what}"), &scan_body(card))
            .await
            .map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// Checks in someone who attends `session` without a vote (列席, 旁听), found by
    /// pass number or name: the server's answer says who, and that no ballot is issued.
    pub async fn attendee_check_in(&self, session: i64, query: &str) -> Result<wire::AttendeeCheckedIn, BoothError> {
        let path = format!("/api/station/sessions/{session}/attendees/checkin");
        let body = wire::AttendeeLookup { query: query.trim().to_owned() };
        let a = self.link().call_json(Method::POST, &path, &body).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// The session's proposals still collecting co-signers (RULES R18).
    pub async fn proposals(&self, session: i64) -> Result<Vec<wire::Proposal>, BoothError> {
        let path = format!("/api/station/sessions/{session}/proposals");
        let a = self.link().call(Method::GET, &path, None).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// The lead delegate, by their card, drafts a proposal of `session`.
    pub async fn draft(&self, session: i64, lead: &CardScan, text: [&str; 3]) -> Result<wire::Proposal, BoothError> {
        let [title, reasons, measures] = text;
        let body = wire::NewProposal {
            lead: scan_body(lead),
            title: title.to_owned(),
            reasons: reasons.to_owned(),
            measures: measures.to_owned(),
        };
        let path = format!("/api/station/sessions/{session}/proposals");
        let a = self.link().call_json(Method::POST, &path, &body).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// A delegate co-signs proposal `proposal` by their card (附议).
    pub async fn cosign(&self, proposal: i64, card: &CardScan) -> Result<wire::Cosigned, BoothError> {
        let path = format!("/api/station/proposals/{proposal}/cosigners");
        let a = self.link().call_json(Method::POST, &path, &scan_body(card)).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// The session's proposals whose reply awaits the lead delegate's evaluation
    /// (from the public list: a reply is public once recorded).
    pub async fn awaiting_evaluation(&self, session: i64) -> Result<Vec<wire::Proposal>, BoothError> {
        let path = format!("/api/sessions/{session}/proposals");
        let a = self.link().call(Method::GET, &path, None).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let all: Vec<wire::Proposal> = crate::booth::decode_answer(&a)?;
        Ok(all.into_iter().filter(|p| p.state == wire::ProposalState::Replied).collect())
    }

    /// The lead delegate, by their own card, evaluates the reply to proposal
    /// `proposal` (满意 / 基本满意 / 不满意); the server refuses any other card.
    pub async fn evaluate(
        &self,
        proposal: i64,
        lead: &CardScan,
        evaluation: wire::ReplyEvaluation,
        comment: &str,
    ) -> Result<wire::Proposal, BoothError> {
        let body = wire::LeadEvaluation { lead: scan_body(lead), evaluation, comment: comment.to_owned() };
        let path = format!("/api/station/proposals/{proposal}/evaluation");
        let a = self.link().call_json(Method::POST, &path, &body).await.map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        crate::booth::decode_answer(&a)
    }

    /// A desk talking to the server over `link` (signed as a desk station).
    pub fn new(link: Link) -> Self {
        Self { ballots: Booth::new(link) }
    }

    /// Asks the server for its messages in `lang` from now on.
    pub fn set_language(&self, lang: Lang) {
        self.ballots.set_language(lang);
    }

    /// The link, in the desk's language.
    fn link(&self) -> Link {
        self.ballots.link()
    }

    /// Replaces the delegate's credential for poll `poll` (spec §6.7): the slip
    /// handed back is cancelled on the board, or a lost one is replaced on a
    /// scrutineer's approval. Returns the new credential's QR text, as [`Desk::issue`].
    pub async fn replace(&self, poll: i64, card: &CardScan, why: Replace) -> Result<(String, String), BoothError> {
        let def = self.ballots.ballot(poll).await?;
        let (request, state) = blind(&def.manifest.credential_key, &def.poll_id, &mut rand::rng())
            .map_err(|e| BoothError::Untrusted(e.to_string()))?;
        let (qr, card) = match card {
            CardScan::Qr(t) => (Some(t.trim().to_owned()), None),
            CardScan::Number(n) => (None, Some(n.trim().to_owned())),
        };
        let (cancelled, approval) = match why {
            Replace::Damaged(old) => (Some(old.to_bytes().into()), None),
            Replace::Lost { username, password } => {
                (None, Some(wire::ScrutineerApproval { username: username.trim().to_owned(), password }))
            }
        };
        let body = wire::ReplaceRequest { qr, card, blinded: request.as_bytes().into(), cancelled, approval };
        let a = self
            .link()
            .call_json(Method::POST, &format!("/api/station/polls/{poll}/replace"), &body)
            .await
            .map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let replaced: wire::Replaced = crate::booth::decode_answer(&a)?;
        let sig = BlindSignature::from_bytes(&replaced.blind_signature.0)
            .map_err(|_| BoothError::Untrusted("blind signature".into()))?;
        let credential = finalize(&def.manifest.credential_key, state, &sig)
            .map_err(|e| BoothError::Untrusted(format!("the server's signature does not verify: {e}")))?;
        Ok((replaced.name, CredentialText::encode(poll, &credential)))
    }

    /// Issues the delegate's credential for poll `poll` and returns its QR text
    /// (spec §15.7). Refusals (not a delegate, not checked in, already issued,
    /// poll not open) come back with the server's code and message.
    pub async fn issue(&self, poll: i64, card: &CardScan) -> Result<(String, String), BoothError> {
        let def = self.ballots.ballot(poll).await?;
        let (request, state) = blind(&def.manifest.credential_key, &def.poll_id, &mut rand::rng())
            .map_err(|e| BoothError::Untrusted(e.to_string()))?;
        let (qr, card) = match card {
            CardScan::Qr(t) => (Some(t.trim().to_owned()), None),
            CardScan::Number(n) => (None, Some(n.trim().to_owned())),
        };
        let body = wire::IssueRequest { qr, card, blinded: request.as_bytes().into() };
        let a = self
            .link()
            .call_json(Method::POST, &format!("/api/station/polls/{poll}/issue"), &body)
            .await
            .map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let issued: wire::Issued = crate::booth::decode_answer(&a)?;
        let sig = BlindSignature::from_bytes(&issued.blind_signature.0)
            .map_err(|_| BoothError::Untrusted("blind signature".into()))?;
        let credential = finalize(&def.manifest.credential_key, state, &sig)
            .map_err(|e| BoothError::Untrusted(format!("the server's signature does not verify: {e}")))?;
        Ok((issued.name, CredentialText::encode(poll, &credential)))
    }
}
