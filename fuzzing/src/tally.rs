//! The tally's formats: ballots and openings (spec §10.4, §10.6), election
//! records, their board entries and manifests (§11.2, §12), the receipt and
//! observed-head texts (§12.10), the fingerprint and tracking-code texts people
//! type (§10.5, §11.4), and `hallvote count`'s scenario files.

use hallvote_crypto::sign::{SigningKey, VerifyingKey};
use hallvote_tally::ballot::{BallotShape, Cap, ContestShape, EncryptedBallot, ItemShape, Opening, TrackingCode};
use hallvote_tally::record::receipt::{head_to_text, parse_head, parse_heads_file};
use hallvote_tally::record::{BoardEntry, Fingerprint, KeyFingerprint, Manifest, Receipt, Record, verify_record};
use hallvote_tally::scenario::Scenario;

use crate::{Input, canonical};

/// The ballot shapes the ballot target decodes against, picked by the input's
/// first byte: a motion, an election with a cap, an evaluation beside a
/// confidence vote, and a two-item motion under an election of one seat.
pub fn ballot_shapes() -> Vec<BallotShape> {
    let motion = ContestShape { items: vec![ItemShape::one_of(3)], cap: None, write_in: None };
    let election =
        ContestShape { items: vec![ItemShape::one_of(3); 3], cap: Some(Cap { option: 0, max: 2 }), write_in: None };
    let evaluation = ContestShape {
        items: vec![ItemShape { options: 4, min_marks: 0, max_marks: 1 }; 2],
        cap: None,
        write_in: None,
    };
    let confidence = ContestShape { items: vec![ItemShape::one_of(3); 2], cap: None, write_in: None };
    let by_election =
        ContestShape { items: vec![ItemShape::one_of(3); 2], cap: Some(Cap { option: 0, max: 1 }), write_in: None };
    vec![
        BallotShape { contests: vec![motion.clone()] },
        BallotShape { contests: vec![election] },
        BallotShape { contests: vec![evaluation, confidence] },
        BallotShape { contests: vec![by_election, ContestShape { items: vec![ItemShape::one_of(3); 2], ..motion }] },
    ]
}

/// An encrypted ballot or a ballot's opening for one of [`ballot_shapes`]: the
/// first byte picks the shape (low bits) and ballot or opening (bit 7). What
/// decodes re-encodes to its bytes (spec §10.4: one encoding per ballot).
pub fn ballot(data: &[u8]) {
    let mut input = Input(data);
    let Some(selector) = input.byte() else { return };
    let shapes = ballot_shapes();
    let shape = &shapes[usize::from(selector & 0x7f) % shapes.len()];
    let rest = input.rest();
    if selector & 0x80 == 0 {
        if let Ok(b) = EncryptedBallot::decode(rest, shape) {
            canonical("ballot", rest, &b.to_bytes());
        }
    } else if let Ok(o) = Opening::decode(rest, shape) {
        canonical("opening", rest, &o.to_bytes());
        assert!(o.plain.marks.iter().flatten().flatten().all(|m| *m <= 1), "marks are 0 or 1");
    }
}

/// An election record file (spec §12.1), as `hallvote-verify` reads it: what
/// decodes re-encodes to its bytes; the verifier reports on any bytes without
/// panicking, and passes nothing that does not decode. A board entry and a
/// manifest alone re-encode the same way.
pub fn record(data: &[u8]) {
    let decoded = Record::decode(data);
    if let Ok((record, body_len)) = &decoded {
        canonical("record", data, &record.to_bytes());
        assert_eq!(&data[..*body_len], &record.body_bytes()[..], "the body is the record's first bytes");
    }
    let report = verify_record(data, &mut crate::rng());
    if decoded.is_err() {
        assert!(!report.ok(), "a record that does not decode does not verify");
    }
    if let Ok(entry) = BoardEntry::decode(data) {
        canonical("board entry", data, &entry.to_bytes());
    }
    if let Ok(manifest) = Manifest::decode(data) {
        canonical("manifest", data, &manifest.to_bytes().expect("a decoded manifest encodes"));
    }
}

/// The receipt text `HVRCPT1:…` (also inside the board page's address), an
/// observed head `HVHEAD1:…` and a file of heads (spec §12.10). The texts are
/// read leniently as people and scanners pass them on (case, white space, the
/// Crockford look-alikes), so the property is on values: what parses prints as
/// the one canonical text, which parses back to the same value.
pub fn receipt_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(r) = Receipt::parse(text) {
        let printed = r.to_text();
        assert!(printed.starts_with("HVRCPT1:") && printed.len() == 8 + 248, "the canonical receipt text");
        assert_eq!(Receipt::parse(&printed), Ok(r));
        assert!(r.position < head_size(&r.head.head), "a receipt's position is within its head");
    }
    if let Ok(h) = parse_head(text) {
        let printed = head_to_text(&h);
        assert_eq!(parse_head(&printed), Ok(h));
    }
    if let Ok(heads) = parse_heads_file(text) {
        let printed: String = heads.iter().map(|h| head_to_text(h) + "\n").collect();
        assert_eq!(parse_heads_file(&printed), Ok(heads));
    }
}

/// The fingerprint texts people copy into minutes and type back (spec §11.4),
/// and tracking codes (§10.5): a text that names a fingerprint or a code names
/// exactly one, and its printed form names the same.
pub fn fingerprint_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let election = Fingerprint::of(b"fuzz manifest", &[7; 32], &[[1; 32], [2; 32]]);
    let other = Fingerprint::of(b"fuzz manifest", &[7; 32], &[[1; 32], [3; 32]]);
    if let Ok(true) = election.matches(text) {
        assert_eq!(other.matches(text), Ok(false), "a text names one fingerprint");
    }
    assert_eq!(election.matches(text).is_ok(), other.matches(text).is_ok(), "the form alone decides an error");
    let officer = KeyFingerprint::of(&officer_key(5));
    if let Ok(true) = officer.matches(text) {
        assert_eq!(KeyFingerprint::of(&officer_key(6)).matches(text), Ok(false), "a text names one key");
    }
    if let Some(code) = TrackingCode::parse(text) {
        let printed = code.to_string();
        assert_eq!(TrackingCode::parse(&printed), Some(code));
        assert_eq!(TrackingCode::parse(&printed.to_lowercase()), Some(code));
    }
}

/// A scenario file of `hallvote count` (docs/count.md): whatever parses is
/// counted, or refused with an error, without panicking.
pub fn count_scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(scenario) = Scenario::from_json(text) else { return };
    if let Ok(ruleset) = scenario.ruleset() {
        let _ = scenario.count(&ruleset);
    }
}

fn head_size(head: &[u8; 40]) -> u64 {
    let mut size = [0; 8];
    size.copy_from_slice(&head[..8]);
    u64::from_be_bytes(size)
}

fn officer_key(seed: u8) -> VerifyingKey {
    SigningKey::from_bytes(&[seed; 32]).verifying_key()
}
