//! Every domain-separation tag of the protocol, in one place (spec §2.2).
//!
//! A tag is the first input of every hash computed by hallvote, so a hash made
//! for one purpose can never be taken for another. Tags carry a version; a
//! change to what a hash covers gets a new version, never a reused tag.
//! The list here and the table in spec §2.2 must match one to one.

/// Fiat–Shamir challenge of a Schnorr proof of knowledge (spec §4.1).
pub const SCHNORR: &str = "hallvote/proof/schnorr/v1";
/// Fiat–Shamir challenge of a range proof, `m ∈ lo..=hi` (spec §4.2).
pub const RANGE: &str = "hallvote/proof/range/v1";
/// Fiat–Shamir challenge of a Chaum–Pedersen equality proof (spec §4.3).
pub const EQUALITY: &str = "hallvote/proof/equality/v1";
/// Context of a dealer's proof of knowledge of its constant term in the DKG (spec §5.2).
pub const DKG_DEALER: &str = "hallvote/dkg/dealer/v1";
/// HPKE `info` of a dealer share sealed to its recipient (spec §5.6).
pub const DKG_SEALED_SHARE: &str = "hallvote/dkg/sealed-share/v1";
/// Context of a decryption share proof (spec §5.4); v2 binds both halves of the
/// ciphertext (v1, which bound only `A` through the proof's base, is retired).
pub const DECRYPTION_SHARE: &str = "hallvote/decryption-share/v2";
/// Context of the decryption share a scrutineer's station makes of its test
/// ciphertext before the poll opens, binding `E` and `j` (spec §5.7).
pub const KEY_CHECK: &str = "hallvote/ceremony/key-check/v1";

// §6 Blind credentials (credential.rs)
/// First field of the message a ballot credential signs (spec §6.2).
pub const CREDENTIAL: &str = "hallvote/credential/v1";
/// Serial of a credential, the key of the spent-credential set (spec §6.5).
pub const CREDENTIAL_SERIAL: &str = "hallvote/credential/serial/v1";

// §7 Bulletin board log (merkle.rs)
// No tags: the log hashes are RFC 9162's SHA-256 with 0x00 / 0x01 prefixes, not H.

// §8 Signatures (sign.rs)
/// Signature of the server over a signed tree head of the board (spec §8.3, §7).
pub const SIG_TREE_HEAD: &str = "hallvote/sig/tree-head/v1";
/// Signature of a scrutineer or counter over a poll result (spec §8.3).
pub const SIG_RESULT: &str = "hallvote/sig/result/v1";
/// Signature of the server over a published election record (spec §8.3).
pub const SIG_RECORD: &str = "hallvote/sig/record/v1";
/// Signature of an enrolled hall station over an HTTP request (spec §8.3).
pub const SIG_STATION_REQUEST: &str = "hallvote/sig/station-request/v1";
/// Signature of the server over the QR payload of a delegate card (spec §8.3).
pub const SIG_DELEGATE_CARD: &str = "hallvote/sig/delegate-card/v1";
/// Signature of the server over a cast-ballot receipt (spec §8.3).
pub const SIG_RECEIPT: &str = "hallvote/sig/receipt/v1";
/// Signature of a scrutineer over a message of the key ceremony (spec §8.3, §5).
pub const SIG_DKG_MESSAGE: &str = "hallvote/sig/dkg-message/v1";

// §9 Share file (sharefile.rs)
/// Checksum of one line of a share file's paper backup (spec §9.6).
pub const SHARE_PAPER_LINE: &str = "hallvote/share-paper/line/v1";
/// The 32-byte ceremony identifier a share file carries, from the ceremony id of
/// spec §5.1: the first 32 bytes of `H(tag, ceremony_id)` (spec §9.4).
pub const SHARE_FILE_CEREMONY: &str = "hallvote/share-file/ceremony/v1";

// §10 Ballots (hallvote-tally, ballot/)
/// Context of the 0/1 proof of one option on a ballot (spec §10.2).
pub const BALLOT_SELECTION: &str = "hallvote/ballot/selection/v1";
/// Context of the proof of an item's sum on a ballot (spec §10.2).
pub const BALLOT_ITEM: &str = "hallvote/ballot/item/v1";
/// Context of the proof of an election contest's cap on a ballot (spec §10.2).
pub const BALLOT_CAP: &str = "hallvote/ballot/cap/v1";
/// Context of the proof of a write-in row on a ballot (spec §10.7, draft).
pub const BALLOT_WRITEIN: &str = "hallvote/ballot/writein/v1";
/// Fiat–Shamir challenge of a write-in row's slot OR-proof (spec §10.7, draft).
pub const WRITEIN_SLOT: &str = "hallvote/proof/writein-slot/v1";
/// The tracking code of a ballot (spec §10.5).
pub const TRACKING_CODE: &str = "hallvote/ballot/tracking/v1";

// §11–§13 Record (hallvote-tally, record/)
/// The credential poll identifier, from the manifest (spec §11.3).
pub const RECORD_POLL_ID: &str = "hallvote/record/poll-id/v1";
/// The election context hash `E`, from the manifest and the joint key (spec §11.3).
pub const RECORD_ELECTION: &str = "hallvote/record/election/v1";
/// First field of every bulletin-board leaf (spec §12.4).
pub const RECORD_BOARD_ENTRY: &str = "hallvote/record/board-entry/v1";
/// Context of the decryption shares of one selection's aggregate (spec §12.6).
pub const RECORD_TALLY: &str = "hallvote/record/tally/v1";
/// Context of one turn of a contest's write-in mix: `E`, the contest, the turn and
/// the mixing scrutineer (spec §12.12).
pub const RECORD_MIX: &str = "hallvote/record/mix/v1";
/// The digest of a contest's mix input list, rebuilt from the board (spec §12.12).
pub const RECORD_MIX_INPUT: &str = "hallvote/record/mix-input/v1";
/// Context of the list decryption shares of a contest's mixed list (spec §12.12, §19.1).
pub const RECORD_MIX_DECRYPT: &str = "hallvote/record/mix-decrypt/v1";
/// The result digest that scrutineers and counters sign (spec §12.8).
pub const RECORD_RESULT: &str = "hallvote/record/result/v1";
/// The digest of a record's body that the server signs (spec §12.9).
pub const RECORD_BODY: &str = "hallvote/record/body/v1";
/// The election fingerprint: everything fixed before the poll opens (spec §11.4).
pub const RECORD_FINGERPRINT: &str = "hallvote/record/fingerprint/v1";
/// The fingerprint of a scrutineer's or counter's signing key (spec §11.4).
pub const RECORD_OFFICER_KEY: &str = "hallvote/record/officer-key/v1";

// §18 Verifiable shuffle (shuffle.rs)
/// The independent generators `h, h₁, h₂, …` of the proof of shuffle (spec §18.3).
pub const SHUFFLE_GENERATOR: &str = "hallvote/shuffle/generator/v1";
/// The digest of a shuffle's statement: context, key, input, output, permutation commitment (spec §18.4).
pub const SHUFFLE_STATEMENT: &str = "hallvote/shuffle/statement/v1";
/// The challenges `u₁ … u_N` that the permutation is tested on (spec §18.4).
pub const SHUFFLE_PERMUTATION_CHALLENGE: &str = "hallvote/shuffle/permutation-challenge/v1";
/// The Fiat–Shamir challenge `c` of a proof of shuffle (spec §18.4).
pub const SHUFFLE_CHALLENGE: &str = "hallvote/shuffle/challenge/v1";

// §19 Decryption of a mixed list (mixdecrypt.rs)
/// The digest `L` of the list of ciphertexts a scrutineer decrypts (spec §19.3).
pub const MIX_DECRYPT_LIST: &str = "hallvote/mix-decrypt/list/v1";
/// The digest `S` of a scrutineer's decryption shares of a list (spec §19.3).
pub const MIX_DECRYPT_SHARES: &str = "hallvote/mix-decrypt/shares/v1";
/// The seed `s` of the weights, also the context of the one equality proof (spec §19.3).
pub const MIX_DECRYPT_CONTEXT: &str = "hallvote/mix-decrypt/context/v1";
/// The 128-bit weights `ρᵢ` of the random linear combination (spec §19.3).
pub const MIX_DECRYPT_WEIGHT: &str = "hallvote/mix-decrypt/weight/v1";

// §14 Server (hallvote-server)
/// An entry of the server's hash-chained audit log (spec §14.1).
pub const AUDIT_ENTRY: &str = "hallvote/audit/v1";

/// All tags defined above, for the test that they are distinct.
pub const ALL: &[&str] = &[
    SCHNORR,
    RANGE,
    EQUALITY,
    DKG_DEALER,
    DKG_SEALED_SHARE,
    DECRYPTION_SHARE,
    KEY_CHECK,
    CREDENTIAL,
    CREDENTIAL_SERIAL,
    SIG_TREE_HEAD,
    SIG_RESULT,
    SIG_RECORD,
    SIG_STATION_REQUEST,
    SIG_DELEGATE_CARD,
    SIG_RECEIPT,
    SIG_DKG_MESSAGE,
    SHARE_PAPER_LINE,
    SHARE_FILE_CEREMONY,
    BALLOT_SELECTION,
    BALLOT_ITEM,
    BALLOT_CAP,
    BALLOT_WRITEIN,
    WRITEIN_SLOT,
    TRACKING_CODE,
    AUDIT_ENTRY,
    SHUFFLE_GENERATOR,
    SHUFFLE_STATEMENT,
    SHUFFLE_PERMUTATION_CHALLENGE,
    SHUFFLE_CHALLENGE,
    MIX_DECRYPT_LIST,
    MIX_DECRYPT_SHARES,
    MIX_DECRYPT_CONTEXT,
    MIX_DECRYPT_WEIGHT,
    RECORD_POLL_ID,
    RECORD_ELECTION,
    RECORD_BOARD_ENTRY,
    RECORD_TALLY,
    RECORD_MIX,
    RECORD_MIX_INPUT,
    RECORD_MIX_DECRYPT,
    RECORD_RESULT,
    RECORD_BODY,
    RECORD_FINGERPRINT,
    RECORD_OFFICER_KEY,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_distinct_and_versioned() {
        let mut seen = std::collections::BTreeSet::new();
        for tag in ALL {
            assert!(tag.starts_with("hallvote/"), "{tag}");
            assert!(tag.rsplit('/').next().is_some_and(|v| v.starts_with('v')), "{tag}");
            assert!(seen.insert(*tag), "duplicate tag {tag}");
        }
    }
}
