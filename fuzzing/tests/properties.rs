//! Property tests of the decoders, on stable (bounded case counts, so CI stays
//! fast): the fuzz targets fed by proptest, with mutations of the committed
//! seeds, and round trips of values drawn at random through each text and
//! binary format people and stations pass around.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use hallvote_crypto::merkle::{InclusionProof, TreeHead};
use hallvote_crypto::sharefile as paper;
use hallvote_crypto::sign::SigningKey;
use hallvote_fuzzing::TARGETS;
use hallvote_fuzzing::stations::{card_key, headers_to};
use hallvote_protocol::stations::{
    EnrolmentPayload, EnrolmentToken, HeaderError, StationHeaders, StationKind, sign_request,
};
use hallvote_server::cards;
use hallvote_server::roster::parse_csv;
use hallvote_tally::ballot::TrackingCode;
use hallvote_tally::record::receipt::{head_to_text, parse_head};
use hallvote_tally::record::{Receipt, ReceiptKind, SignedHead};
use proptest::prelude::*;

/// Every seed of every target, as (target index, bytes).
fn seeds() -> Vec<(usize, Vec<u8>)> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut out = Vec::new();
    for (i, (name, _)) in TARGETS.iter().enumerate() {
        let mut files: Vec<_> = std::fs::read_dir(corpus.join(name)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (i, std::fs::read(f).unwrap())));
    }
    out
}

/// One change to an input: overwrite, insert or remove a byte, or cut the end.
#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match *m {
        Mutation::Set(i, b) if !bytes.is_empty() => {
            let i = at(i, bytes.len());
            bytes[i] = b;
        }
        Mutation::Insert(i, b) => bytes.insert(at(i, bytes.len() + 1), b),
        Mutation::Remove(i) if !bytes.is_empty() => {
            bytes.remove(at(i, bytes.len()));
        }
        Mutation::Truncate(i) => bytes.truncate(at(i, bytes.len() + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Each target keeps its property on seeds changed in a few places: the
    /// changes a fuzzer makes first, near the valid encodings.
    #[test]
    fn targets_hold_on_mutated_seeds(pick in any::<prop::sample::Index>(), ms in prop::collection::vec(mutation(), 1..4)) {
        let seeds = seeds();
        let (target, mut bytes) = seeds[pick.index(seeds.len())].clone();
        for m in &ms {
            apply(&mut bytes, m);
        }
        (TARGETS[target].1)(&bytes);
    }

    /// Each target keeps its property on arbitrary short inputs.
    #[test]
    fn targets_hold_on_arbitrary_bytes(pick in any::<prop::sample::Index>(), bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        (TARGETS[pick.index(TARGETS.len())].1)(&bytes);
    }
}

fn signed_head(size: u64, root: [u8; 32], signature: [u8; 64]) -> SignedHead {
    SignedHead { head: TreeHead { size, root }.to_bytes(), signature }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A receipt's text reads back to the receipt, also lower-cased, inside the
    /// board page's address and with the scanner's white space (spec §12.10).
    #[test]
    fn receipt_text_round_trip(
        spoiled in any::<bool>(), fingerprint in any::<[u8; 32]>(), size in 1u64.., at in any::<u64>(),
        tracking in any::<[u8; 10]>(), root in any::<[u8; 32]>(), sig in prop::collection::vec(any::<u8>(), 64),
    ) {
        let receipt = Receipt {
            kind: if spoiled { ReceiptKind::Spoiled } else { ReceiptKind::Cast },
            fingerprint,
            position: at % size,
            tracking: TrackingCode::from_bytes(tracking),
            head: signed_head(size, root, sig.try_into().unwrap()),
        };
        let text = receipt.to_text();
        prop_assert_eq!(Receipt::parse(&text), Ok(receipt));
        prop_assert_eq!(Receipt::parse(&format!(" {}\n", text.to_lowercase())), Ok(receipt));
        prop_assert_eq!(Receipt::parse(&format!("https://hall/polls/3/board?code=A&receipt={text}")), Ok(receipt));
        prop_assert_eq!(parse_head(&head_to_text(&receipt.head)), Ok(receipt.head));
        let beyond = Receipt { position: size, ..receipt };
        prop_assert!(Receipt::parse(&beyond.to_text()).is_err());
    }

    /// A tracking code reads back however it is typed (case, dashes, spaces).
    #[test]
    fn tracking_code_round_trip(bytes in any::<[u8; 10]>()) {
        let code = TrackingCode::from_bytes(bytes);
        let text = code.to_string();
        prop_assert_eq!(TrackingCode::parse(&text), Some(code));
        prop_assert_eq!(TrackingCode::parse(&text.to_lowercase().replace('-', " ")), Some(code));
        prop_assert_eq!(TrackingCode::parse(&text.replace('-', "")), Some(code));
    }

    /// An inclusion proof's encoding reads back to the proof.
    #[test]
    fn inclusion_proof_round_trip(index in any::<u64>(), size in any::<u64>(), path in prop::collection::vec(any::<[u8; 32]>(), 0..=64)) {
        let proof = InclusionProof::new(index, size, path).unwrap();
        prop_assert_eq!(InclusionProof::from_bytes(&proof.to_bytes()), Ok(proof));
    }

    /// A paper backup of any bytes reads back to them, whatever the case and spaces.
    #[test]
    fn paper_round_trip(file in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = paper::to_paper(&file);
        prop_assert_eq!(paper::from_paper(&text), Ok(file.clone()));
        prop_assert_eq!(paper::from_paper(&text.to_uppercase().replace(' ', "")), Ok(file));
    }

    /// An enrolment text of any payload the format allows has one form, and reads back.
    #[test]
    fn enrolment_text_round_trip(
        token in any::<[u8; 16]>(), kind in 0usize..3, host in "[a-z0-9.:-]{1,60}", tls in any::<bool>(),
        name in "[^\\p{C}\\s][^\\p{C}]{0,40}[^\\p{C}\\s]", fp in any::<[u8; 32]>(),
        standby in proptest::option::of("[a-z0-9.:-]{1,60}"),
    ) {
        let scheme = if tls { "https" } else { "http" };
        let payload = EnrolmentPayload {
            server_url: format!("{}://{host}", if tls { "https" } else { "http" }),
            token: EnrolmentToken::from_bytes(token),
            kind: StationKind::ALL[kind],
            name,
            tls_fingerprint: tls.then(|| format!("sha256:{}", hex::encode(fp))),
            standby_url: standby.filter(|s| *s != host).map(|s| format!("{scheme}://{s}")),
        };
        let text = payload.to_qr_text().unwrap();
        prop_assert_eq!(EnrolmentPayload::from_qr_text(&text), Ok(payload));
        hallvote_fuzzing::stations::enrolment_text(text.as_bytes());
    }

    /// A delegate card of any number reads back to its congress and number, and
    /// is refused under another key.
    #[test]
    fn card_text_round_trip(congress in any::<u64>(), card in "\\PC{0,40}") {
        let text = cards::qr_text(&card_key(), congress, &card);
        prop_assert_eq!(cards::verify_qr(&card_key().verifying_key(), &format!("{text}\n")), Ok((congress, card)));
        prop_assert!(cards::verify_qr(&SigningKey::from_bytes(&[8; 32]).verifying_key(), &text).is_err());
    }

    /// A signed station request's headers read back to what was signed; without
    /// one of them the request is refused, naming it.
    #[test]
    fn station_headers_round_trip(station in 1u64.., timestamp in any::<u64>(), nonce in any::<[u8; 16]>(), drop in 0usize..4) {
        let key = SigningKey::from_bytes(&[2; 32]);
        let signed = sign_request(&key, station, &http::Method::POST, "/api/x", timestamp, &nonce, b"");
        let mut headers = http::HeaderMap::new();
        for (n, v) in &signed {
            headers.append(n.clone(), v.clone());
        }
        let parsed = StationHeaders::parse(&headers).unwrap();
        prop_assert_eq!((parsed.station_id, parsed.timestamp, parsed.nonce), (station, timestamp, nonce));
        headers.remove(&signed[drop].0);
        prop_assert!(matches!(StationHeaders::parse(&headers), Err(HeaderError::Missing(_))));
        let pairs: Vec<(&str, &[u8])> = signed.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
        hallvote_fuzzing::stations::station_headers(&headers_to(&pairs));
    }

    /// A CSV roster of delegates with ordinary names reads back to them, in order, each
    /// name in its one form (`\p{Han}` includes the CJK compatibility ideographs, which
    /// are imported as their unified characters).
    #[test]
    fn roster_csv_round_trip(people in prop::collection::vec(("[\\p{Han}]{2,4}", "[\\p{Han}]{2,6}"), 1..20)) {
        let mut csv = String::from("姓名,代表团,代表证号\n");
        for (i, (name, group)) in people.iter().enumerate() {
            csv.push_str(&format!("{name},{group},QS-{i}\n"));
        }
        let import = parse_csv(csv.as_bytes()).unwrap();
        prop_assert!(import.errors.is_empty());
        let back: Vec<(String, String)> = import.rows.iter().map(|r| (r.name.clone(), r.group.clone())).collect();
        let people: Vec<(String, String)> = people
            .into_iter()
            .map(|(name, group)| (hallvote_tally::text::normalize_name(&name).unwrap(), group))
            .collect();
        prop_assert_eq!(back, people);
    }
}
