//! Exports board vectors for the independent verifier `tests/independent/verify.py`:
//! boards of a few entries with cancelled (spec §6.7) and cast credentials, each with
//! the verdict of spec §13.4 as the verifier of this crate reaches it
//! ([`board_credentials`] on entries decoded with [`BoardEntry::decode`]).
//!
//! Run: `cargo run -q -p hallvote-tally --example export_board_vectors > board.json`.
//!
//! The cases come from a fixed seed, so the output is the same on every run. The
//! exporter stops if this crate's verdict is not the one a case was built to have.
//! Ballot bytes are placeholders: §13.4 does not read them. Byte strings are hex.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::credential::{Credential, CredentialSecretKey, blind, finalize, sign_blinded};
use hallvote_tally::record::{BoardEntry, board_credentials};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

/// The seed of every random choice below.
const SEED: u64 = 0x6578_6368_616e_6765; // "exchange"

fn hx(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let mut rng = StdRng::seed_from_u64(SEED);
    let sk = CredentialSecretKey::generate(&mut rng, 2048).unwrap();
    let pk = sk.public_key().clone();
    let poll_id = [0x5a; 32];
    let mut issue = || -> Credential {
        let (req, state) = blind(&pk, &poll_id, &mut rng).unwrap();
        let bs = sign_blinded(&sk, &req, &mut rng).unwrap();
        finalize(&pk, state, &bs).unwrap()
    };
    let (c1, c2, c3) = (issue(), issue(), issue());
    let cast = |c: &Credential| BoardEntry::Cast { credential: c.to_bytes(), ballot: b"ballot".to_vec() }.to_bytes();
    let spoiled = |c: &Credential| {
        BoardEntry::Spoiled { credential: c.to_bytes(), ballot: b"ballot".to_vec(), opening: b"opening".to_vec() }
            .to_bytes()
    };
    let cancel = |c: &Credential| BoardEntry::Cancelled { credential: c.to_bytes() }.to_bytes();
    let replaced = BoardEntry::Replaced.to_bytes();
    let mut forged = c2.to_bytes();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let forged_cancel = BoardEntry::Cancelled { credential: forged }.to_bytes();
    let mut trailing = replaced.clone();
    trailing.push(0);

    let boards: Vec<(&str, bool, Vec<Vec<u8>>)> = vec![
        ("cancelled-never-cast", true, vec![cast(&c1), cancel(&c2), replaced.clone(), cast(&c3)]),
        ("spoiled-then-cancelled", true, vec![spoiled(&c2), cancel(&c2), cast(&c1)]),
        ("cancelled-then-cast", false, vec![cast(&c1), cancel(&c2), cast(&c2)]),
        ("cast-then-cancelled", false, vec![cast(&c1), cast(&c2), cancel(&c2)]),
        ("cancelled-then-spoiled", false, vec![cancel(&c2), spoiled(&c2)]),
        ("cancelled-twice", false, vec![cancel(&c2), cast(&c1), cancel(&c2)]),
        ("cancelled-credential-forged", false, vec![cast(&c1), forged_cancel]),
        ("cast-twice", false, vec![cast(&c1), cast(&c3), cast(&c1)]),
        ("replaced-with-trailing-byte", false, vec![cast(&c1), trailing]),
    ];
    let mut cases: Vec<Value> = Vec::new();
    for (name, intended, entries) in boards {
        let decoded: Result<Vec<BoardEntry>, _> = entries.iter().map(|e| BoardEntry::decode(e)).collect();
        let rust = decoded.is_ok_and(|board| board_credentials(&board, &pk, &poll_id).is_ok());
        assert_eq!(rust, intended, "case {name}: Rust says {rust}, the case was built to be {intended}");
        cases.push(json!({
            "kind": "board-credentials",
            "name": name,
            "valid": intended,
            "credential_key": hx(pk.to_spki_der()),
            "poll_id": hx(&poll_id),
            "entries": entries.iter().map(|e| hx(e)).collect::<Vec<_>>(),
        }));
    }
    let doc = json!({ "format": "hallvote-board-vectors/v1", "seed": SEED, "cases": cases });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap());
}
