//! The scrutineers' key ceremony through the server's relay (spec §5.6, §14.3), its
//! public outcome (§5.3) and the key check before opening (§5.7).

use serde::{Deserialize, Serialize};

use super::{Blob, Fixed};
use crate::lifecycle::PollState;

/// An office a scrutineer station holds (`GET /api/station/polls`): the poll, and
/// whose station it is there, so the station offers its polls by name rather than
/// asking for a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationOffice {
    /// The poll's number on the server.
    pub poll: i64,
    /// The poll's name.
    pub name: String,
    /// Where the poll is.
    pub state: PollState,
    /// `scrutineer` or `counter`.
    pub role: String,
    /// The officer's position among its role, from 1 (a scrutineer's index `j`).
    pub position: u32,
    /// The officer's name.
    pub officer: String,
}

/// A value sent by one scrutineer, by its index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indexed {
    /// The scrutineer's index (1-based).
    pub index: u32,
    /// What it sent.
    pub data: Blob,
}

/// `GET /api/station/polls/{id}/ceremony` (scrutineer station): what the station
/// needs at each step of the ceremony.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CeremonyView {
    /// Where the poll is.
    pub state: PollState,
    /// This station's scrutineer index `j`.
    pub index: u32,
    /// `n`.
    pub participants: u32,
    /// `k`.
    pub threshold: u32,
    /// The ceremony identifier (spec §5.1).
    pub ceremony_id: Blob,
    /// The manifest (spec §11.2).
    pub manifest: Blob,
    /// Receiving keys with their publication signatures, `key ‖ signature` (spec
    /// §5.6.2), by scrutineer.
    pub recipients: Vec<Indexed>,
    /// Dealer messages (spec §5.2), by dealer.
    pub dealings: Vec<Indexed>,
    /// Shares sealed to this station, by dealer.
    pub shares: Vec<Indexed>,
    /// Scrutineers who have confirmed.
    pub confirmed: Vec<u32>,
    /// Scrutineers whose key check has passed (spec §5.7).
    pub key_checked: Vec<u32>,
    /// Once complete: the qualified dealers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualified: Option<Vec<u32>>,
    /// Once complete: `Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_key: Option<Fixed<32>>,
    /// Once complete: `X₁…Xₙ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_shares: Option<Vec<Fixed<32>>>,
}

/// `POST /api/station/polls/{id}/ceremony/recipient`: step 1, the station's
/// receiving key for this ceremony (spec §5.6.1–§5.6.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecipientRequest {
    /// The X25519 receiving key (32 bytes; the server refuses another with
    /// `bad_recipient_key`).
    pub key: Blob,
    /// The station's signature publishing the key (spec §5.6.2).
    pub signature: Blob,
}

/// One share of a dealing, sealed to its recipient (spec §5.6.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SealedShare {
    /// The recipient's index.
    pub recipient: u32,
    /// The sealed share (88 bytes; the server refuses another with `bad_sealed_shares`).
    pub sealed: Blob,
}

/// `POST /api/station/polls/{id}/ceremony/dealing`: step 2, the dealer message and
/// one sealed share per scrutineer, in index order (spec §5.2, §5.6.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DealingRequest {
    /// The dealer message: commitments and proof of knowledge.
    pub message: Blob,
    /// The sealed shares.
    pub shares: Vec<SealedShare>,
}

/// `POST /api/station/polls/{id}/ceremony/confirm`: step 3, with a complaint for
/// each share dealt to this station that failed its check (spec §5.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The dealer shares (40 bytes each) that failed, as opened (or `i ‖ j ‖ 0`).
    #[serde(default)]
    pub complaints: Vec<Fixed<40>>,
}

/// The answer to [`ConfirmRequest`]: `ready` once every scrutineer has confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confirmed {
    /// Where the poll is now.
    pub state: PollState,
}

/// `GET /api/station/polls/{id}/ceremony/outcome` (any officer's station, once
/// ready): the ceremony's public outcome, from which a station computes the
/// election and key fingerprints (spec §11.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CeremonyOutcome {
    /// Where the poll is.
    pub state: PollState,
    /// The manifest (spec §11.2).
    pub manifest: Blob,
    /// The qualified dealers (spec §5.3).
    pub qualified: Vec<u32>,
    /// Their dealer messages (spec §5.2), by dealer.
    pub dealings: Vec<Indexed>,
    /// `Y`.
    pub joint_key: Fixed<32>,
    /// `X₁ … Xₙ`.
    pub public_shares: Vec<Fixed<32>>,
}

/// The answer to `POST /api/station/polls/{id}/key-check/test`: a fresh test
/// ciphertext for this station's scrutineer (spec §5.7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyCheckTest {
    /// The scrutineer `j`.
    pub index: u32,
    /// `E`, which the station recomputes from the manifest and `Y`.
    pub election: Fixed<64>,
    /// `(A, B)`, 64 bytes.
    pub ciphertext: Blob,
}

/// `POST /api/station/polls/{id}/key-check`: the decryption share of the latest
/// test ciphertext (spec §5.7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyCheckAnswer {
    /// The decryption share with its proof (132 bytes, spec §5.4; the server
    /// refuses another with `key_check_failed`).
    pub share: Blob,
}

/// The answer to [`KeyCheckAnswer`]: the check passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyCheckPassed {
    /// The scrutineer `j`.
    pub index: u32,
    /// Always `true`: a failed check is refused.
    pub passed: bool,
    /// The scrutineers who have not passed yet.
    pub pending: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `GET …/ceremony` as the server answered it in the middle of a ceremony, then
    /// once it finished.
    #[test]
    fn a_ceremony_view_reads_back_with_and_without_its_outcome() {
        let during = json!({
            "state": "ceremony", "index": 2, "participants": 3, "threshold": 2,
            "ceremony_id": "AQI=", "manifest": "AwQF",
            "recipients": [{"index": 1, "data": "AA=="}, {"index": 2, "data": "AQ=="}],
            "dealings": [{"index": 1, "data": "Ag=="}],
            "shares": [{"index": 1, "data": "Aw=="}],
            "confirmed": [], "key_checked": []
        });
        let view: CeremonyView = serde_json::from_value(during.clone()).unwrap();
        assert_eq!((view.index, view.recipients[1].data.0.as_slice(), view.joint_key), (2, &[1u8][..], None));
        assert_eq!(serde_json::to_value(&view).unwrap(), during);

        let mut done = during;
        done["state"] = json!("ready");
        done["qualified"] = json!([1, 2, 3]);
        done["joint_key"] = json!(super::super::b64(&[5; 32]));
        done["public_shares"] = json!([super::super::b64(&[6; 32])]);
        let view: CeremonyView = serde_json::from_value(done.clone()).unwrap();
        assert_eq!((view.state, view.joint_key), (PollState::Ready, Some(Fixed([5; 32]))));
        assert_eq!(serde_json::to_value(&view).unwrap(), done);
        let mut short = done;
        short["public_shares"] = json!(["AAE="]);
        let err = serde_path_to_error::deserialize::<_, CeremonyView>(short).unwrap_err();
        assert_eq!(err.path().to_string(), "public_shares[0]");
    }

    #[test]
    fn ceremony_requests_are_the_stations_bodies() {
        let recipient = json!({"key": "AAEC", "signature": "AwQF"});
        let r: RecipientRequest = serde_json::from_value(recipient.clone()).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), recipient);
        let dealing = json!({"message": "AAE=", "shares": [{"recipient": 1, "sealed": "Ag=="}]});
        let d: DealingRequest = serde_json::from_value(dealing.clone()).unwrap();
        assert_eq!((d.shares[0].recipient, serde_json::to_value(&d).unwrap()), (1, dealing));
        let c: ConfirmRequest = serde_json::from_value(json!({})).unwrap();
        assert!(c.complaints.is_empty());
        assert_eq!(serde_json::to_value(&c).unwrap(), json!({"complaints": []}));
        assert!(serde_json::from_value::<ConfirmRequest>(json!({"complaints": ["AAE="]})).is_err());
        assert!(serde_json::from_value::<RecipientRequest>(json!({"key": "AA==", "signature": "", "x": 1})).is_err());
        let confirmed = json!({"state": "ceremony"});
        assert_eq!(serde_json::from_value::<Confirmed>(confirmed).unwrap().state, PollState::Ceremony);
    }

    #[test]
    fn the_outcome_and_the_key_check_read_back() {
        let outcome = json!({
            "state": "open", "manifest": "AQ==", "qualified": [1, 3],
            "dealings": [{"index": 1, "data": "Ag=="}, {"index": 3, "data": "Aw=="}],
            "joint_key": super::super::b64(&[1; 32]), "public_shares": [super::super::b64(&[2; 32])]
        });
        let o: CeremonyOutcome = serde_json::from_value(outcome.clone()).unwrap();
        assert_eq!((o.qualified.as_slice(), o.dealings[1].index), (&[1, 3][..], 3));
        assert_eq!(serde_json::to_value(&o).unwrap(), outcome);

        let test = json!({"index": 2, "election": super::super::b64(&[7; 64]), "ciphertext": "AAE="});
        let t: KeyCheckTest = serde_json::from_value(test.clone()).unwrap();
        assert_eq!((t.index, t.election), (2, Fixed([7; 64])));
        assert_eq!(serde_json::to_value(&t).unwrap(), test);
        let passed = json!({"index": 2, "passed": true, "pending": [1, 3]});
        let p: KeyCheckPassed = serde_json::from_value(passed.clone()).unwrap();
        assert_eq!(serde_json::to_value(&p).unwrap(), passed);
        let answer = json!({"share": "AAE="});
        let a: KeyCheckAnswer = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(serde_json::to_value(&a).unwrap(), answer);
        let missing = serde_path_to_error::deserialize::<_, KeyCheckPassed>(json!({"index": 2, "passed": true}));
        assert!(missing.unwrap_err().to_string().contains("pending"));
    }
}
