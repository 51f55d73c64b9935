//! The bodies of the JSON API as types (spec §14.2, §14.3, §14.7): the server
//! serialises its answers from them and decodes requests into them; the stations do
//! the reverse with the same types. A field that is missing, of the wrong type, not
//! base64, or not of its fixed length fails to decode — a station never reads a
//! changed answer as an empty string.
//!
//! Binary values travel as standard base64 with padding (RFC 4648 §4): [`Blob`] for
//! values of any length, [`Fixed`] for values of a fixed length. Requests deny
//! unknown fields; answers do not (a newer server may add one). [`b64`] and [`unb64`] are
//! the one codec for the few values that travel inside a text rather than as a field.
//!
//! With the `openapi` feature every type here implements `utoipa::ToSchema`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::lifecycle::PollState;

pub mod accounts;
mod attendees;
mod ceremony;
mod congress;
mod desk;
mod error;
pub mod polls;
mod proposals;
mod public;
mod results;
#[cfg(feature = "openapi")]
mod schema;
mod stations;

pub use attendees::{Attendee, AttendeeCheckedIn, AttendeeKind, AttendeeLookup, NewAttendee};
pub use ceremony::{
    CeremonyOutcome, CeremonyView, ConfirmRequest, Confirmed, DealingRequest, Indexed, KeyCheckAnswer, KeyCheckPassed,
    KeyCheckTest, RecipientRequest, SealedShare, StationOffice,
};
pub use desk::{CardScan, DeskAnswer, DeskPoll, DeskSession, Movement};
pub use error::{ErrorBody, ErrorDetail};
pub use results::{
    Aggregates, ContestMixStatus, DecryptionRequest, MixNames, MixStatus, ResultToSign, SignatureRequest,
};
pub use stations::{EnrolRequest, EnrolledStation, IssuedEnrolment, NewEnrolment, StationView};

pub use accounts::{AccountView, Ended, LoginRequest, NewAccountBody, PasswordChange, Role, SessionInfo};
pub use congress::{
    AttendanceFigures, CardView, Congress, Delegate, DelegateStanding, EligibleImported, EligiblePerson, Exclusion,
    ImportNote, NewCongress, NewExclusion, NewSession, NewStatusChange, RefusedRow, RosterImported, RowProblemCode,
    Session, StatusChange,
};
pub use polls::{
    Appointee, Appointment, ContestView, FollowUp, FollowUpBody, MAX_REPORT_CHARS, MemberReport, OfficerView,
    OfficersView, PollDefinition, PollTemplates, PollView, Restarted, Started, Status,
};
pub use proposals::{
    COSIGNERS_NEEDED, CosignVia, Cosigned, Cosigner, LeadEvaluation, NewProposal, PresidiumMembers, Proposal,
    ProposalAgenda, ProposalAssignment, ProposalCategory, ProposalDeadline, ProposalDelegate, ProposalEvaluation,
    ProposalEvent, ProposalReply, ProposalReview, ProposalState, ReplyEvaluation, ReviewDecision,
};
pub use public::{
    AuditEntry, AuditPage, BoardList, BoardListEntry, BoardProof, BoardShown, BoardSummary, Figures, Health, Lookup,
    LookupEntry, ProofEntry, PublishedResult, Turnout,
};

/// `bytes` as standard base64 with padding (RFC 4648 §4), as [`Blob`] serialises them.
#[must_use]
pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The bytes of `text` in standard base64 with padding, as [`Blob`] reads them;
/// `None` if it is not.
#[must_use]
pub fn unb64(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

/// Bytes of any length, as standard base64 with padding.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

/// Exactly `N` bytes, as standard base64 with padding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fixed<const N: usize>(pub [u8; N]);

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl<const N: usize> fmt::Debug for Fixed<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fixed<{N}>({})", STANDARD.encode(self.0))
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl<const N: usize> From<[u8; N]> for Fixed<N> {
    fn from(bytes: [u8; N]) -> Self {
        Self(bytes)
    }
}

impl<const N: usize> Fixed<N> {
    /// The value of a slice of exactly `N` bytes.
    #[must_use]
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<const N: usize> Serialize for Fixed<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(self.0))
    }
}

struct Base64Visitor(Option<usize>);

impl Visitor<'_> for Base64Visitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n} bytes in standard base64"),
            None => f.write_str("bytes in standard base64"),
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<u8>, E> {
        let bytes = STANDARD.decode(text).map_err(|_| E::custom("not valid standard base64 (RFC 4648 §4)"))?;
        match self.0 {
            Some(n) if bytes.len() != n => Err(E::custom(format!("{} bytes where {n} are expected", bytes.len()))),
            _ => Ok(bytes),
        }
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Base64Visitor(None)).map(Self)
    }
}

impl<'de, const N: usize> Deserialize<'de> for Fixed<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = d.deserialize_str(Base64Visitor(Some(N)))?;
        Self::from_slice(&bytes).ok_or_else(|| de::Error::custom("wrong length"))
    }
}

/// `POST /api/station/polls/{id}/issue` (desk): a credential for the delegate whose
/// card was scanned or typed (spec §6.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// The delegate card's QR text, as scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    /// The card number, typed by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    /// The blinded message (spec §6.3).
    pub blinded: Blob,
}

/// The answer to [`IssueRequest`]: the delegate's name and the blind signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Issued {
    /// The delegate's name, for the desk to show.
    pub name: String,
    /// The blind signature (spec §6.3).
    pub blind_signature: Blob,
}

/// `POST /api/station/polls/{id}/replace` (desk): a new credential for a delegate
/// who was issued one already, in place of a slip handed back damaged (`cancelled`,
/// the slip's credential, which the server cancels on the board) or of a lost one
/// (`approval`, a scrutineer's account and password typed at the desk), spec §6.7.
/// Exactly one of `cancelled` and `approval`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplaceRequest {
    /// The delegate card's QR text, as scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    /// The card number, typed by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    /// The blinded message of the new credential (spec §6.3).
    pub blinded: Blob,
    /// The credential of the slip handed back (spec §6.4), as read from its QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<Blob>,
    /// For a lost slip: the approving scrutineer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ScrutineerApproval>,
}

/// A scrutineer's approval typed at the desk: their own account's name and password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScrutineerApproval {
    /// The scrutineer's account name.
    pub username: String,
    /// Its password.
    pub password: String,
}

impl fmt::Debug for ScrutineerApproval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScrutineerApproval").field("username", &self.username).finish_non_exhaustive()
    }
}

/// The answer to [`ReplaceRequest`]: as [`Issued`], with the board entry that
/// cancelled the old slip or recorded the replacement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Replaced {
    /// The delegate's name, for the desk to show.
    pub name: String,
    /// The blind signature of the new credential (spec §6.3).
    pub blind_signature: Blob,
    /// The board entry's position, from 0 (spec §12.4).
    pub position: u64,
}

/// `GET /api/station/polls/{id}/ballot` (booth, desk): what a booth needs to show,
/// encrypt and check a poll's ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotDefinition {
    /// Where the poll is: a booth takes ballots only while it is open.
    pub state: PollState,
    /// The manifest (spec §11.2).
    pub manifest: Blob,
    /// The election key `Y`.
    pub joint_key: Fixed<32>,
    /// The election hash `E`.
    pub election: Fixed<64>,
    /// The credential poll id `H(manifest)` (spec §11.3).
    pub poll_id: Fixed<32>,
    /// The public shares `X₁…Xₙ` (spec §5.3), from which, with the manifest and `Y`,
    /// the booth computes the election fingerprint it prints on receipts (§11.4).
    pub public_shares: Vec<Fixed<32>>,
    /// The election fingerprint's short form as the server computes it
    /// (informative: the booth computes its own).
    pub fingerprint: String,
}

/// `GET /api/station/polls/{id}/credentials/{serial}` (booth): where a credential
/// stands, asked when it is scanned, before the ballot is shown, so that a delegate
/// never marks a ballot the server will refuse. `serial` is the credential's serial
/// (spec §6.5) in 64 lowercase hex digits; the answer says nothing of who holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialState {
    /// Where the poll is: a ballot is taken only while it is open.
    pub state: PollState,
    /// Whether a ballot has been cast under this serial (a challenged ballot does
    /// not spend it).
    pub spent: bool,
    /// Whether the credential was handed back at the desk and cancelled (spec §6.7):
    /// it can never be cast.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

/// `POST /api/station/polls/{id}/cast` and `…/challenge` (booth): an entry for the
/// board (spec §14.7). The same body may be sent again while no answer came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    /// The credential (spec §6.4).
    pub credential: Blob,
    /// The encrypted ballot (spec §10.4).
    pub ballot: Blob,
    /// The opening, for a challenge only (spec §10.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<Blob>,
}

/// What kind of entry a receipt is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A ballot cast, to be counted.
    Cast,
    /// A challenged ballot, opened, never counted.
    Spoiled,
    /// A credential handed back at the desk and cancelled (spec §6.7): on the
    /// board's list only, never on a receipt.
    Cancelled,
    /// A lost credential replaced with a scrutineer's approval (spec §6.7): on the
    /// board's list only, never on a receipt.
    Replaced,
}

/// A receipt (spec §14.7): tracking code, position, the signed tree head at
/// `position + 1`, and the inclusion proof of the entry in that tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// Cast or spoiled.
    pub kind: EntryKind,
    /// The tracking code (spec §10.7).
    pub tracking: String,
    /// The entry's position on the board, from 0.
    pub position: u64,
    /// The size of the tree the head signs: `position + 1`.
    pub tree_size: u64,
    /// The tree head (spec §12.5).
    pub head: Fixed<40>,
    /// The server's signature on the head.
    pub signature: Fixed<64>,
    /// The inclusion proof's path, leaf side first.
    pub inclusion: Vec<Fixed<32>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_values_decode_strictly() {
        let fixed = |v| serde_json::from_value::<Fixed<4>>(v);
        assert_eq!(fixed(json!("AQIDBA==")).unwrap(), Fixed([1, 2, 3, 4]));
        for bad in [json!("AQID"), json!("AQIDBA"), json!("AQ-DBA=="), json!(16909060), json!(null)] {
            assert!(fixed(bad.clone()).is_err(), "{bad}");
        }
        let err = fixed(json!("AQID")).unwrap_err().to_string();
        assert!(err.contains("3 bytes where 4 are expected"), "{err}");
        assert_eq!(serde_json::from_value::<Blob>(json!("")).unwrap(), Blob(vec![]));
        assert!(serde_json::from_value::<Blob>(json!("a")).is_err());
    }

    #[test]
    fn requests_deny_unknown_and_missing_fields_and_answers_read_back() {
        let ok = json!({"card": "QS15-001", "blinded": "AAE="});
        let req: IssueRequest = serde_json::from_value(ok).unwrap();
        assert_eq!((req.card.as_deref(), req.qr, req.blinded), (Some("QS15-001"), None, Blob(vec![0, 1])));
        assert!(serde_json::from_value::<IssueRequest>(json!({"card": "A", "blinded": "AAE=", "x": 1})).is_err());
        assert!(serde_json::from_value::<IssueRequest>(json!({"card": "A"})).is_err());

        let receipt = Receipt {
            kind: EntryKind::Spoiled,
            tracking: "ABCD".into(),
            position: 3,
            tree_size: 4,
            head: Fixed([7; 40]),
            signature: Fixed([9; 64]),
            inclusion: vec![Fixed([1; 32]), Fixed([2; 32])],
        };
        let v = serde_json::to_value(&receipt).unwrap();
        assert_eq!(v["kind"], "spoiled");
        assert_eq!(v["head"], STANDARD.encode([7; 40]));
        assert_eq!(serde_json::from_value::<Receipt>(v.clone()).unwrap(), receipt);
        let mut short = v;
        short["signature"] = json!(STANDARD.encode([9; 63]));
        assert!(serde_json::from_value::<Receipt>(short).is_err());
    }

    #[test]
    fn a_ballot_definition_carries_the_state_by_name() {
        let def = BallotDefinition {
            state: PollState::Open,
            manifest: Blob(vec![1, 2, 3]),
            joint_key: Fixed([1; 32]),
            election: Fixed([2; 64]),
            poll_id: Fixed([3; 32]),
            public_shares: vec![Fixed([4; 32])],
            fingerprint: "XXXXX-XXXXX".into(),
        };
        let v = serde_json::to_value(&def).unwrap();
        assert_eq!(v["state"], "open");
        assert_eq!(serde_json::from_value::<BallotDefinition>(v.clone()).unwrap(), def);
        let mut unknown = v;
        unknown["state"] = json!("opened");
        assert!(serde_json::from_value::<BallotDefinition>(unknown).is_err());
    }

    #[test]
    fn a_credential_state_reads_back_and_needs_both_fields() {
        let st = CredentialState { state: PollState::Open, spent: true, cancelled: false };
        let v = serde_json::to_value(st).unwrap();
        assert_eq!(v, json!({"state": "open", "spent": true}));
        assert_eq!(serde_json::from_value::<CredentialState>(v).unwrap(), st);
        assert!(serde_json::from_value::<CredentialState>(json!({"state": "open"})).is_err());
    }
}
