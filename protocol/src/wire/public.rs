//! What anyone may read (spec §12, §14.6): the board's summary, list and lookups,
//! the hall display's figures, the audit log (organisers and observers), and the
//! server's health.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Blob, EntryKind, Receipt};
use crate::lifecycle::PollState;

/// `GET /api/polls/{id}/board`: the board's size and its latest signed head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardSummary {
    /// Where the poll is.
    pub state: PollState,
    /// Entries on the board.
    pub size: u64,
    /// The latest signed tree head (spec §12.5): the sealing head once closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<Blob>,
    /// The server's signature on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Blob>,
}

/// `GET /api/polls/{id}/board/{tracking}`: a tracking code's entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lookup {
    /// The tracking code, in its canonical form.
    pub tracking: String,
    /// Its entries: a cast ballot, or challenged ones.
    pub entries: Vec<LookupEntry>,
}

/// One entry of a [`Lookup`]: its receipt, and its inclusion in the latest signed
/// tree (the sealed board once closed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupEntry {
    /// The receipt the booth printed.
    #[serde(flatten)]
    pub receipt: Receipt,
    /// The size of the latest signed tree.
    pub latest_size: u64,
    /// Its head.
    pub latest_head: Blob,
    /// The server's signature on it.
    pub latest_signature: Blob,
    /// The entry's inclusion proof in it, leaf side first.
    pub latest_inclusion: Vec<Blob>,
}

/// `GET /api/polls/{id}/board/entries`: one page of the board, positions from 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardList {
    /// Where the poll is.
    pub state: PollState,
    /// Entries on the board.
    pub size: u64,
    /// Whether the board is sealed (the poll closed).
    pub sealed: bool,
    /// This page, from 1.
    pub page: u64,
    /// Entries per page.
    pub per_page: u64,
    /// Pages in all (at least 1).
    pub pages: u64,
    /// The page's entries.
    pub entries: Vec<BoardListEntry>,
}

/// An entry of a [`BoardList`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardListEntry {
    /// Its position, from 0.
    pub position: u64,
    /// Its tracking code.
    pub tracking: String,
    /// Cast or spoiled.
    pub kind: EntryKind,
}

/// `GET /api/polls/{id}/board-proof/{tracking}`: everything a browser needs to check
/// a tracking code's entries itself (spec §12.6, §12.7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardProof {
    /// The tracking code.
    pub tracking: String,
    /// The size of the tree the proofs are for.
    pub tree_size: u64,
    /// Its signed head (spec §12.5).
    pub head: Blob,
    /// The server's signature on the head.
    pub signature: Blob,
    /// The head's root.
    pub root: Blob,
    /// The election hash `E`.
    pub election: Blob,
    /// The server's signing key.
    pub server_key: Blob,
    /// The entries.
    pub entries: Vec<ProofEntry>,
}

/// One entry of a [`BoardProof`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofEntry {
    /// Its position, from 0.
    pub position: u64,
    /// Cast or spoiled.
    pub kind: EntryKind,
    /// The entry as the board holds it.
    pub entry: Blob,
    /// Its leaf hash.
    pub leaf_hash: Blob,
    /// The leaf's index in the tree.
    pub index: u64,
    /// The tree's size.
    pub tree_size: u64,
    /// The tree's root.
    pub root: Blob,
    /// The inclusion proof's path, leaf side first.
    pub path: Vec<Blob>,
    /// The head on the entry's receipt.
    pub receipt_head: Blob,
    /// The signature on the receipt's head.
    pub receipt_signature: Blob,
    /// Whether the server found the proof to verify.
    pub verified: bool,
}

/// `GET /api/sessions/{id}/figures` and the hall display's events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// 中国共产党青山镇第十五届代表大会第三次会议.
    pub session: String,
    /// 应到.
    pub expected: u32,
    /// 实到.
    pub present: u32,
    /// Whether the quorum of the session's ruleset is met.
    pub quorum_met: bool,
    /// 列席 checked in: in the hall without a vote, never counted in present.
    #[serde(default)]
    pub attending: u32,
    /// 旁听 checked in.
    #[serde(default)]
    pub observing: u32,
    /// The polls: name and state.
    pub polls: Vec<(String, PollState)>,
    /// Ballots issued and cast in the polls being voted on or counted.
    pub turnout: Vec<Turnout>,
    /// The published polls' results as bar charts, newest first.
    pub results: Vec<PublishedResult>,
    /// The fingerprint and newest signed tree head of every poll being voted on or
    /// just closed, for the hall to compare and observers to keep (spec §11.4, §12.11).
    pub boards: Vec<BoardShown>,
}

/// A poll's turnout as the hall display shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Turnout {
    /// The poll's name.
    pub poll: String,
    /// open, closed or tallied.
    pub state: PollState,
    /// The poll's 应到, frozen when it opened.
    pub expected: u32,
    /// The poll's 实到, frozen when it opened (R2): the delegates entitled to its
    /// ballot, not those who checked in later.
    pub present: u32,
    /// Ballots (credentials) issued.
    pub issued: u32,
    /// Ballots cast (spoiled ones not counted).
    pub cast: u64,
}

/// A published poll's results as the hall display shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedResult {
    /// The poll's name.
    pub poll: String,
    /// `<figure>`s with an `<svg>` each, every text escaped: markup to insert as it is.
    pub charts: String,
}

/// A poll's board as the hall display shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardShown {
    /// The poll's name.
    pub poll: String,
    /// The election fingerprint's short form.
    pub fingerprint: String,
    /// Entries on the board under the newest signed head (0 while it is empty).
    pub size: u64,
    /// The first 8 hex digits of that head's root.
    pub root: String,
    /// The head as an observer keeps it (`HVHEAD1:…`), once there is one.
    pub head: Option<String>,
}

/// `GET /api/audit`: a page of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The entries, oldest first.
    pub entries: Vec<AuditEntry>,
    /// Whether the chain from entry 1 to the last one returned verifies.
    pub chain_verified: bool,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Position, 1, 2, 3, … without gaps.
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// Who did it (a username).
    pub actor: String,
    /// What, as a stable code (`poll.open`).
    pub action: String,
    /// Details for people.
    pub detail: String,
    /// The previous entry's hash, lowercase hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub prev_hash: Vec<u8>,
    /// This entry's hash, lowercase hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub entry_hash: Vec<u8>,
}

/// `GET /healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}

mod hex_bytes {
    use super::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T: Serialize + serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        let t: T = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
        t
    }

    #[test]
    fn public_bodies_read_back_with_the_servers_names() {
        let b: BoardSummary = round_trip(json!({"state": "open", "size": 0}));
        assert_eq!(b.head, None);
        let b: BoardSummary = round_trip(json!({"state": "closed", "size": 2, "head": "AQI=", "signature": "AwQ="}));
        assert_eq!(b.head, Some(Blob(vec![1, 2])));

        let sig = "A".repeat(86) + "==";
        let head = "B".repeat(52) + "AA==";
        let path = "A".repeat(43) + "=";
        let l: Lookup = round_trip(json!({"tracking": "ABCD-EFGH-JKLM-NPQR", "entries": [{"kind": "cast",
            "tracking": "ABCD-EFGH-JKLM-NPQR", "position": 0, "tree_size": 1, "head": head, "signature": sig,
            "inclusion": [path], "latest_size": 3, "latest_head": "AQI=", "latest_signature": "AQI=",
            "latest_inclusion": ["AQI=", "AwQ="]}]}));
        assert_eq!((l.entries[0].receipt.kind, l.entries[0].latest_size), (EntryKind::Cast, 3));

        let list: BoardList = round_trip(json!({"state": "open", "size": 1, "sealed": false, "page": 1,
            "per_page": 50, "pages": 1, "entries": [{"position": 0, "tracking": "ABCD", "kind": "spoiled"}]}));
        assert_eq!(list.entries[0].kind, EntryKind::Spoiled);
        assert!(
            serde_json::from_value::<BoardListEntry>(json!({"position": 0, "tracking": "A", "kind": "x"})).is_err()
        );

        let proof: BoardProof =
            round_trip(json!({"tracking": "ABCD", "tree_size": 2, "head": "AQI=", "signature": "AQI=",
            "root": "AQI=", "election": "AQI=", "server_key": "AQI=", "entries": [{"position": 1, "kind": "cast",
            "entry": "AQI=", "leaf_hash": "AQI=", "index": 1, "tree_size": 2, "root": "AQI=", "path": ["AQI="],
            "receipt_head": "AQI=", "receipt_signature": "AQI=", "verified": true}]}));
        assert!(proof.entries[0].verified);

        let f: Figures = round_trip(
            json!({"session": "第三次会议", "expected": 120, "present": 98, "quorum_met": true,
            "attending": 6, "observing": 2, "polls": [["选举", "open"]], "turnout": [{"poll": "选举", "state": "open", "expected": 120, "present": 97, "issued": 90, "cast": 88}],
            "results": [{"poll": "决议", "charts": "<figure></figure>"}],
            "boards": [{"poll": "选举", "fingerprint": "ABCDE", "size": 0, "root": "", "head": null},
                {"poll": "选举", "fingerprint": "ABCDE", "size": 3, "root": "0a0b0c0d", "head": "HVHEAD1:x"}]}),
        );
        assert_eq!(f.polls[0].1, PollState::Open);
        assert_eq!((f.present, f.turnout[0].present), (98, 97), "the session's 实到 now, the poll's at its opening");
        assert_eq!((f.attending, f.observing), (6, 2), "列席 and 旁听 apart from 实到");

        let a: AuditPage = round_trip(json!({"entries": [{"seq": 1, "at": 1764288000, "actor": "org",
            "action": "poll.open", "detail": "选举", "prev_hash": "00ff", "entry_hash": "abcd"}], "chain_verified": true}));
        assert_eq!(a.entries[0].prev_hash, vec![0, 255]);
        assert!(
            serde_json::from_value::<AuditEntry>(json!({"seq": 1, "at": 1, "actor": "", "action": "",
            "detail": "", "prev_hash": "zz", "entry_hash": ""}))
            .is_err()
        );

        let h: Health = round_trip(json!({"status": "ok", "database": "sqlite"}));
        assert_eq!(h.database, "sqlite");
    }
}
