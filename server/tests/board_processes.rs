//! Two server processes on one database, as two server states (each with its own
//! in-memory copy of the board's Merkle log) over one store, on both backends: a
//! copy that holds a leaf no transaction committed — what an append leaves behind
//! when it is cancelled, or when its process was stopped and its session ended
//! before it could forget — while the other process committed as many entries, is
//! not believed by its length. The writer rebuilds it under the poll's lock before
//! it signs a head (receipts carry only heads of the board's own entries), and a
//! reader rebuilds it before it proves or shows anything (spec §14.12). The real
//! processes, one of them stopped in the middle of an append, are in the
//! workspace's tests/writers.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{BallotDef, Hall, b64, call, station_call, unb64};
use hallvote_crypto::credential::Credential;
use hallvote_crypto::merkle::{MerkleLog, TreeHead, leaf_hash};
use hallvote_crypto::sign::SigningKey;
use hallvote_server::board::BoardCache;
use hallvote_server::db::Store;
use hallvote_server::db::casting::entries;
use hallvote_server::http::{AppState, router};
use hallvote_tally::ballot::{BallotContext, PlainBallot, encrypt_ballot};
use hallvote_tally::record::BoardEntry;
use serde_json::{Value, json};

async fn cast(app: &Router, h: &Hall, def: &BallotDef, cred: &Credential) -> Value {
    let mut rng = rand::rng();
    let ctx = BallotContext { election: def.election, serial: cred.serial() };
    let plain = PlainBallot::random(&def.shape, &mut rng).unwrap();
    let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &plain, &mut rng).unwrap();
    let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes())});
    let (status, receipt) =
        station_call(app, &h.booth, Method::POST, &format!("/api/station/polls/{}/cast", h.poll), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    receipt
}

/// The board as the database holds it, as a Merkle log.
async fn board(store: &Store, poll: i64) -> MerkleLog {
    let hashes = entries(store, poll)
        .await
        .unwrap()
        .iter()
        .map(|e| leaf_hash(&BoardEntry::decode(&e.entry).unwrap().leaf()))
        .collect();
    MerkleLog::from_leaf_hashes(hashes)
}

/// Extends `cache`'s log of `poll` by a leaf that is on no board: as an append that
/// extended the log and whose transaction then never committed.
fn phantom(cache: &BoardCache, poll: i64) {
    let len = cache.len(poll);
    cache.append(poll, len, None, [0x5a; 32]).unwrap();
}

async fn a_log_that_is_not_the_boards_is_rebuilt(store: Store) {
    let key = SigningKey::generate(&mut rand::rng());
    let first = AppState::new(store.clone(), SigningKey::from_bytes(&key.to_bytes()));
    let first_board = Arc::clone(&first.board);
    let h = Hall::builder().appointed().build_with(first).await;
    let shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &shares).await;
    let (status, v, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let second = router(AppState::new(store.clone(), key));
    let def = h.ballot().await;
    let mut creds = Vec::new();
    for k in 1..=4 {
        creds.push(h.issue(&def, &Hall::card(k)).await.unwrap());
    }

    // The first process casts, then its log gains a leaf the board never got; the
    // second process commits the board's second entry. Both logs hold two leaves.
    let r0 = cast(&h.app, &h, &def, &creds[0]).await;
    assert_eq!(r0["position"], 0);
    phantom(&first_board, h.poll);
    let r1 = cast(&second, &h, &def, &creds[1]).await;
    assert_eq!(r1["position"], 1);
    assert_eq!(first_board.len(h.poll), 2);

    // The first process's next receipt signs the head of the board's three entries,
    // not of its own copy's.
    let r2 = cast(&h.app, &h, &def, &creds[2]).await;
    assert_eq!(r2["position"], 2);
    let log = board(&store, h.poll).await;
    for r in [&r0, &r1, &r2] {
        let size = r["tree_size"].as_u64().unwrap();
        assert_eq!(unb64(&r["head"]), log.tree_head_at(size).unwrap().to_bytes(), "receipt at {size}: {r}");
    }

    // A reader: the first process's copy again holds a leaf too many, as long as the
    // board once the second process has cast; looking the new entry up through the
    // first shows the board's head and a proof that holds in it.
    phantom(&first_board, h.poll);
    let r3 = cast(&second, &h, &def, &creds[3]).await;
    let log = board(&store, h.poll).await;
    assert_eq!((log.len(), first_board.len(h.poll)), (4, 4));
    let tracking = r3["tracking"].as_str().unwrap();
    let (status, found, _) =
        call(&h.app, Method::GET, &format!("/api/polls/{}/board/{tracking}", h.poll), None, None, "en").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let found = &found["entries"][0];
    let latest = TreeHead::from_bytes(&unb64(&found["latest_head"])).unwrap();
    assert_eq!(latest, log.tree_head_at(4).unwrap(), "{found}");
    let path: Vec<[u8; 32]> =
        found["latest_inclusion"].as_array().unwrap().iter().map(|p| unb64(p).try_into().unwrap()).collect();
    assert_eq!(path, log.inclusion_proof(3, 4).unwrap().path(), "{found}");
    // And the public board summary of each process names that same head.
    for app in [&h.app, &second] {
        let (status, summary, _) =
            call(app, Method::GET, &format!("/api/polls/{}/board", h.poll), None, None, "en").await;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(unb64(&summary["head"]), log.tree_head_at(4).unwrap().to_bytes());
    }
}

both_backends!(phantom_leaf, a_log_that_is_not_the_boards_is_rebuilt);
