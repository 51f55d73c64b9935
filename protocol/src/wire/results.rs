//! After the poll closes (spec §12.6–§12.8, §14.3, §14.8): the aggregates the
//! scrutineers decrypt, their decryption shares, the result the officers check, and
//! their signatures on it.

use serde::{Deserialize, Serialize};

use super::{Blob, Fixed};
use crate::lifecycle::PollState;

/// `GET /api/station/polls/{id}/aggregates` (officer station, once closed): the
/// aggregates as the server computed them, with the sealed board's size and final
/// signed tree head, against which the station checks the board's entries
/// (`GET …/board-entries`) and recomputes the aggregates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aggregates {
    /// `E`.
    pub election: Fixed<64>,
    /// One ciphertext `(A, B)` per selection, in ballot order.
    pub aggregates: Vec<Fixed<64>>,
    /// The sealed board's size.
    pub board_size: u64,
    /// The final tree head (spec §12.5).
    pub head: Fixed<40>,
    /// The server's signature on it.
    pub signature: Fixed<64>,
}

/// `POST /api/station/polls/{id}/decryption` (scrutineer station): the decryption
/// shares of the aggregates (spec §5.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecryptionRequest {
    /// One 132-byte decryption share with its proof per selection, in ballot order.
    pub shares: Vec<Fixed<132>>,
}

/// `GET /api/station/polls/{id}/result` (officer station, once tallied): what an
/// officer checks and signs. The station recomputes `E`, the outcome and the
/// digest from it before signing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultToSign {
    /// Tallied or published.
    pub state: PollState,
    /// The manifest (spec §11.2): the officers, the poll and its ruleset.
    pub manifest: Blob,
    /// `Y`, for `E = H(manifest ‖ Y)` (spec §11.3).
    pub joint_key: Fixed<32>,
    /// `E`.
    pub election: Fixed<64>,
    /// 应到.
    pub expected: u32,
    /// 实到.
    pub present: u32,
    /// Credentials issued.
    pub issued: u32,
    /// Damaged credentials cancelled and replaced at the desk (spec §6.7).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replaced: u32,
    /// Lost credentials replaced with a scrutineer's approval, counted in `issued`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replaced_lost: u32,
    /// Ballots cast.
    pub cast: u64,
    /// The totals, one per selection in ballot order.
    pub totals: Vec<u64>,
    /// The outcome (spec §12.7).
    pub outcome: Blob,
    /// The result digest (spec §12.8).
    pub digest: Fixed<64>,
    /// The names the write-in mix decrypted (spec §12.12, §14.15), one entry per
    /// contest that takes write-ins, in contest order: what the outcome counts as
    /// write-ins. Empty for a poll without write-ins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write_ins: Vec<MixNames>,
}

/// The names a contest's write-in mix decrypted to (spec §12.12), in the last list's
/// order; `""` is an empty slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MixNames {
    /// The contest's position on the ballot (0-based).
    pub contest: u32,
    /// The names.
    pub names: Vec<String>,
}

/// `GET /api/station/polls/{id}/mix` (scrutineer station, once closed): where the
/// write-in mix of every contest that takes write-ins stands (spec §14.15).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MixStatus {
    /// `n`: every scrutineer takes one turn of every contest's mix, in index order.
    pub scrutineers: u32,
    /// `k`: list shares needed per contest.
    pub threshold: u32,
    /// One entry per contest that takes write-ins, in contest order.
    pub contests: Vec<ContestMixStatus>,
}

/// Where one contest's write-in mix stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContestMixStatus {
    /// The contest's position on the ballot (0-based).
    pub contest: u32,
    /// Rows of every list (cast ballots × the contest's items).
    pub rows: u64,
    /// The scrutineers who have taken a turn, in turn order.
    pub turns: Vec<u32>,
    /// The scrutineer whose turn is due, if any turn is left.
    pub next: Option<u32>,
    /// The scrutineers whose list share of the last list is in.
    pub shares: Vec<u32>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `POST /api/station/polls/{id}/signature` (officer station): a signature on the
/// result digest (spec §12.8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignatureRequest {
    /// `scrutineer` or `counter`: the office this signature is for (the server
    /// refuses another with `bad_role`).
    pub role: String,
    /// The Ed25519 signature (the server refuses one that does not verify with
    /// `signature_invalid`).
    pub signature: Blob,
}

#[cfg(test)]
mod tests {
    use super::super::b64;
    use super::*;
    use serde_json::json;

    #[test]
    fn aggregates_and_decryptions_read_back() {
        let agg = json!({
            "election": b64(&[1; 64]), "aggregates": [b64(&[2; 64]), b64(&[3; 64])],
            "board_size": 12, "head": b64(&[4; 40]), "signature": b64(&[5; 64])
        });
        let a: Aggregates = serde_json::from_value(agg.clone()).unwrap();
        assert_eq!((a.aggregates.len(), a.board_size, a.head), (2, 12, Fixed([4; 40])));
        assert_eq!(serde_json::to_value(&a).unwrap(), agg);
        let mut cut = agg;
        cut["aggregates"][1] = json!(b64(&[3; 63]));
        let err = serde_path_to_error::deserialize::<_, Aggregates>(cut).unwrap_err();
        assert_eq!(err.path().to_string(), "aggregates[1]");

        let body = json!({"shares": [b64(&[9; 132])]});
        let d: DecryptionRequest = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap(), body);
        assert!(serde_json::from_value::<DecryptionRequest>(json!({"shares": ["AAE="]})).is_err());
    }

    #[test]
    fn the_result_and_its_signature_read_back() {
        let result = json!({
            "state": "tallied", "manifest": "AQID", "joint_key": b64(&[1; 32]), "election": b64(&[2; 64]),
            "expected": 120, "present": 110, "issued": 100, "cast": 99, "totals": [50, 49],
            "outcome": "BAU=", "digest": b64(&[3; 64])
        });
        let r: ResultToSign = serde_json::from_value(result.clone()).unwrap();
        assert_eq!((r.state, r.cast, r.totals.as_slice()), (PollState::Tallied, 99, &[50, 49][..]));
        assert_eq!(serde_json::to_value(&r).unwrap(), result);
        let mut no_cast = result;
        no_cast.as_object_mut().unwrap().remove("cast");
        let err = serde_path_to_error::deserialize::<_, ResultToSign>(no_cast).unwrap_err();
        assert!(err.to_string().contains("missing field `cast`"), "{err}");

        let sig = json!({"role": "counter", "signature": b64(&[7; 64])});
        let s: SignatureRequest = serde_json::from_value(sig.clone()).unwrap();
        assert_eq!((s.role.as_str(), serde_json::to_value(&s).unwrap()), ("counter", sig));
    }
}
