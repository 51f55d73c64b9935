//! A whole poll through the HTTP API only, on both backends: roster import,
//! check-in, quorum, officers, the relayed key ceremony with sealed shares,
//! issuance, casting with receipts, challenge, refusals that change nothing, close,
//! decryption by 3 of 5 scrutineers, tally, signatures, publication, and a record
//! that the verifier accepts with totals equal to what was voted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{BallotDef, Hall, Station, b64, call, code, get_bytes, station_call, station_raw, unb64};
use hallvote_crypto::credential::{Credential, CredentialSecretKey, blind, finalize, sign_blinded};
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::merkle::{InclusionProof, TreeHead, leaf_hash};
use hallvote_crypto::sealed::RecipientSecret;
use hallvote_crypto::sign::{Signature, VerifyingKey, verify};
use hallvote_crypto::tags;
use hallvote_crypto::threshold::KeyShare;
use hallvote_server::db::Store;
use hallvote_tally::ballot::{BallotContext, PlainBallot, encrypt_ballot};
use hallvote_tally::record::builder::{decrypt, head_message, result_digest, sign_result};
use hallvote_tally::record::verify_record;
use hallvote_tally::record::{Attendance, BoardEntry, Record};
use rand::RngExt;
use serde_json::{Value, json};
use sqlx::Row;

/// The poll: an election of 2 from 3, a confidence vote on 2 members, one motion.
/// Where a booth asks about `cred` (its serial in lowercase hex).
fn credential_path(poll: i64, cred: &Credential) -> String {
    format!("/api/station/polls/{poll}/credentials/{}", hex::encode(cred.serial()))
}

fn poll_definition() -> Value {
    json!({ "name": "第一次投票", "contests": [
        { "id": "committee", "title": "选举镇党委委员", "type": "election", "kind": "competitive",
          "by_election": false, "seats": 2,
          "candidates": [{"name": "张伟"}, {"name": "王芳"}, {"name": "李娜"}] },
        { "id": "confidence", "title": "信任投票", "type": "confidence", "members": ["赵磊", "范勇"] },
        { "id": "report", "title": "表决", "type": "motion", "items": ["工作报告"] }
    ]})
}

async fn db_counts(store: &Store, poll: i64) -> (i64, i64, i64) {
    let q = |sql: &'static str| async move {
        sqlx::query(sql).bind(poll).fetch_one(store.pool()).await.unwrap().get::<i64, _>("n")
    };
    (
        q("SELECT COUNT(*) AS n FROM board_entries WHERE poll_id = $1").await,
        q("SELECT COUNT(*) AS n FROM issuances WHERE poll_id = $1").await,
        q("SELECT board_size AS n FROM polls WHERE id = $1").await,
    )
}

/// Appointment: refused for a candidate, a non-scrutineer station and a bad k; then 3 of 5.
async fn appoint_with_refusals(h: &Hall) {
    let path = format!("/api/polls/{}/officers", h.poll);
    let body = |cards: &[&str], threshold: u32, stations: &[u64]| {
        json!({
            "threshold": threshold,
            "scrutineers": cards.iter().zip(stations).map(|(c, s)| json!({"card": c, "station": s})).collect::<Vec<_>>(),
            "counters": [
                {"card": "QS15-110", "station": h.counters[0].id},
                {"card": "QS15-111", "station": h.counters[1].id}
            ]
        })
    };
    let cards = ["QS15-101", "QS15-102", "QS15-103", "QS15-104", "QS15-105"];
    let ids: Vec<u64> = h.scrutineers.iter().map(|s| s.id).collect();
    // 范勇 (QS15-001) is voted on in the confidence vote: not an officer.
    let with_member = ["QS15-001", "QS15-102", "QS15-103", "QS15-104", "QS15-105"];
    let (status, err, _) =
        call(&h.app, Method::POST, &path, Some(&h.org), Some(body(&with_member, 3, &ids)), "en").await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "officer_is_candidate"), "{err}");
    let mut wrong = ids.clone();
    wrong[0] = h.booth.id;
    let (status, err, _) = call(&h.app, Method::POST, &path, Some(&h.org), Some(body(&cards, 3, &wrong)), "en").await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "not_a_scrutineer_station"));
    let (status, err, _) = call(&h.app, Method::POST, &path, Some(&h.org), Some(body(&cards, 6, &ids)), "en").await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "bad_threshold"));
    let (status, v, _) = call(&h.app, Method::POST, &path, Some(&h.org), Some(body(&cards, 3, &ids)), "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["officers"].as_array().unwrap().len(), 7);
    let (status, _, _) = call(&h.app, Method::POST, &path, Some(&h.org), Some(body(&cards, 3, &ids)), "en").await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// The key ceremony as five scrutineer stations run it ([`common::run_ceremony`]),
/// after the refusals of stations that take no part in it and of a recipient key
/// its station did not sign; returns their key shares.
async fn ceremony(h: &Hall) -> Vec<KeyShare> {
    let started = h.start_ceremony().await;
    let view_path = format!("/api/station/polls/{}/ceremony", h.poll);
    // A booth is not a scrutineer station.
    let (status, err) = station_call(&h.app, &h.booth, Method::GET, &view_path, None).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"));
    // A counter's station does not take part.
    let (status, err) = station_call(&h.app, &h.counters[0], Method::GET, &view_path, None).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "not_a_scrutineer"));
    // The stations are shown the ceremony the organiser started, 3 of 5.
    let (status, view) = station_call(&h.app, &h.scrutineers[0], Method::GET, &view_path, None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!((&view["ceremony_id"], &view["manifest"]), (&started["ceremony_id"], &started["manifest"]));
    assert_eq!(view["threshold"], 3);
    // A key published without its station's signature over this ceremony is refused.
    let secret = RecipientSecret::generate(&mut rand::rng());
    let bad = json!({"key": b64(secret.public().as_bytes()), "signature": b64(&[0; 64])});
    let (status, err) =
        station_call(&h.app, &h.scrutineers[0], Method::POST, &format!("{view_path}/recipient"), Some(bad)).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "bad_recipient_signature"));
    let key_shares = common::run_ceremony(&h.app, h.poll, &h.scrutineers).await;
    assert_eq!(key_shares.len(), 5);
    key_shares
}

/// Checks a receipt: the head is signed by the server over `head ‖ E`, and the
/// entry's leaf is in it.
fn check_receipt(receipt: &Value, entry: &BoardEntry, server: &VerifyingKey, election: &[u8; 64]) {
    let head_bytes: [u8; 40] = unb64(&receipt["head"]).try_into().unwrap();
    let sig = Signature::decode(&unb64(&receipt["signature"])).unwrap();
    verify(server, tags::SIG_TREE_HEAD, &head_message(&head_bytes, election), &sig).unwrap();
    let head = TreeHead::from_bytes(&head_bytes).unwrap();
    let path: Vec<[u8; 32]> =
        receipt["inclusion"].as_array().unwrap().iter().map(|p| unb64(p).try_into().unwrap()).collect();
    let proof = InclusionProof::new(receipt["position"].as_u64().unwrap(), head.size, path).unwrap();
    proof.verify_tree_head(&leaf_hash(&entry.leaf()), &head).unwrap();
}

async fn a_whole_poll_through_the_api(store: Store) {
    let h =
        Hall::builder().xlsx().present(100).poll(poll_definition()).scrutineers(3, 5).counters(2).build(&store).await;
    let sid = h.session;
    appoint_with_refusals(&h).await;
    let key_shares = ceremony(&h).await;
    let def = h.ballot().await;
    let server_key = def.manifest.server_key;
    let cast_path = format!("/api/station/polls/{}/cast", h.poll);
    let status_path = format!("/api/polls/{}/status", h.poll);

    // Not open yet: no credential.
    let err = h.issue(&def, "QS15-001").await.unwrap_err();
    assert_eq!((err.0, code(&err.1)), (StatusCode::CONFLICT, "poll_not_open"));
    // Opening is refused without quorum: 5 delegates leave, 95 of 120 is not more than four fifths.
    for k in 96..=100 {
        let (status, _, _) = call(
            &h.app,
            Method::POST,
            &format!("/api/sessions/{sid}/checkout"),
            Some(&h.org),
            Some(json!({"card": format!("QS15-{k:03}")})),
            "zh-CN",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let open_path = format!("/api/polls/{}/open", h.poll);
    // Not before every scrutineer has shown that its key share works (spec §5.7).
    let (status, err, _) = call(&h.app, Method::POST, &open_path, Some(&h.org), None, "zh-CN").await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &key_shares).await;
    let (status, err, _) = call(&h.app, Method::POST, &open_path, Some(&h.org), None, "zh-CN").await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "quorum_not_met"), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("未达到法定人数"), "{err}");
    let (status, _, _) = call(
        &h.app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&h.org),
        Some(json!({"card": "QS15-096"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, st, _) = call(&h.app, Method::POST, &open_path, Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(
        (st["state"].as_str(), st["expected"].as_u64(), st["present"].as_u64()),
        (Some("open"), Some(120), Some(96))
    );

    // A blinded message of zeros signs to zeros: refused, and nothing is spent.
    let zeros = vec![0u8; def.manifest.credential_key.modulus_len()];
    let body = json!({"card": "QS15-001", "blinded": b64(&zeros)});
    let (status, v) =
        station_call(&h.app, &h.desk, Method::POST, &format!("/api/station/polls/{}/issue", h.poll), Some(body)).await;
    assert_eq!((status, code(&v)), (StatusCode::BAD_REQUEST, "blinded_malformed"), "{v}");
    assert_eq!(db_counts(&store, h.poll).await, (0, 0, 0));

    // Issuance: once per delegate; only to someone present.
    let mut credentials = Vec::new();
    for k in 1..=15 {
        credentials.push(h.issue(&def, &format!("QS15-{k:03}")).await.unwrap());
    }
    let err = h.issue(&def, "QS15-001").await.unwrap_err();
    assert_eq!((err.0, code(&err.1)), (StatusCode::CONFLICT, "already_issued"), "{}", err.1);
    let err = h.issue(&def, "QS15-099").await.unwrap_err();
    assert_eq!((err.0, code(&err.1)), (StatusCode::CONFLICT, "not_present"));
    assert_eq!(db_counts(&store, h.poll).await, (0, 15, 0));

    // Cast ten ballots, keeping what each says; check every receipt.
    let mut rng = rand::rng();
    let mut truth = vec![0u64; def.shape.selections()];
    let mut cast_bytes = Vec::new();
    for cred in &credentials[..10] {
        let plain = PlainBallot::random(&def.shape, &mut rng).unwrap();
        for (t, m) in truth.iter_mut().zip(plain.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
        let ctx = BallotContext { election: def.election, serial: cred.serial() };
        let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &plain, &mut rng).unwrap();
        let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes())});
        let (status, receipt) = station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(body.clone())).await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
        let entry = BoardEntry::Cast { credential: cred.to_bytes(), ballot: ballot.to_bytes() };
        check_receipt(&receipt, &entry, &server_key, &def.election);
        cast_bytes.push((body, receipt, ballot));
    }
    assert_eq!(db_counts(&store, h.poll).await, (10, 15, 10));

    // The same ballot again: the same receipt, nothing new on the board.
    let (body, first, _) = &cast_bytes[3];
    let (status, again) = station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&again, first);
    // The board explorer finds it by tracking code, with its proof in the latest tree.
    let tracking = first["tracking"].as_str().unwrap();
    let (status, found, _) =
        call(&h.app, Method::GET, &format!("/api/polls/{}/board/{tracking}", h.poll), None, None, "en").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["entries"][0]["position"], 3);
    assert_eq!(found["entries"][0]["latest_size"], 10);

    // Refusals, each with its code and no change in the database.
    let before = db_counts(&store, h.poll).await;
    let spent = &credentials[3];
    let ctx = BallotContext { election: def.election, serial: spent.serial() };
    let (other, _) =
        encrypt_ballot(&def.shape, &def.key, &ctx, &PlainBallot::random(&def.shape, &mut rng).unwrap(), &mut rng)
            .unwrap();
    let replay = json!({"credential": b64(&spent.to_bytes()), "ballot": b64(&other.to_bytes())});
    // A forged credential: signed with a key that is not the poll's.
    let rogue = CredentialSecretKey::generate(&mut rng, 2048).unwrap();
    let (req, state) = blind(rogue.public_key(), &def.poll_id, &mut rng).unwrap();
    let forged = finalize(rogue.public_key(), state, &sign_blinded(&rogue, &req, &mut rng).unwrap()).unwrap();
    let fctx = BallotContext { election: def.election, serial: forged.serial() };
    let (fb, _) =
        encrypt_ballot(&def.shape, &def.key, &fctx, &PlainBallot::random(&def.shape, &mut rng).unwrap(), &mut rng)
            .unwrap();
    let forged_cred = json!({"credential": b64(&forged.to_bytes()), "ballot": b64(&fb.to_bytes())});
    // A forged proof: ballot 0's proofs under credential 10 (they are bound to ballot 0's serial).
    let fresh = &credentials[10];
    let copied = json!({"credential": b64(&fresh.to_bytes()), "ballot": b64(&cast_bytes[0].2.to_bytes())});
    // An over-voted ballot: all three candidates "for" with a cap proof that lies.
    let overvoted = json!({"credential": b64(&fresh.to_bytes()), "ballot": b64(&over_vote(&def, fresh))});
    let mut garbled = cast_bytes[0].2.to_bytes();
    garbled.truncate(garbled.len() - 5);
    let malformed_ballot = json!({"credential": b64(&fresh.to_bytes()), "ballot": b64(&garbled)});
    let cases: Vec<(Vec<u8>, StatusCode, &str)> = vec![
        (replay.to_string().into_bytes(), StatusCode::CONFLICT, "credential_already_spent"),
        (forged_cred.to_string().into_bytes(), StatusCode::FORBIDDEN, "credential_invalid"),
        (copied.to_string().into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, "ballot_proof_invalid"),
        (overvoted.to_string().into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, "ballot_proof_invalid"),
        (malformed_ballot.to_string().into_bytes(), StatusCode::BAD_REQUEST, "ballot_malformed"),
        (
            json!({"credential": "AAAA", "ballot": "AAAA"}).to_string().into_bytes(),
            StatusCode::BAD_REQUEST,
            "credential_malformed",
        ),
        (
            json!({"credential": "@@@", "ballot": ""}).to_string().into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (b"{\"credential\": ".to_vec(), StatusCode::BAD_REQUEST, "malformed_request"),
        (
            json!({"credential": "", "ballot": "", "extra": 1}).to_string().into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (vec![b' '; 5 * 1024 * 1024], StatusCode::PAYLOAD_TOO_LARGE, "request_too_large"),
    ];
    for (body, want_status, want_code) in cases {
        let (status, err) = station_raw(&h.app, &h.booth, Method::POST, &cast_path, body).await;
        assert_eq!((status, code(&err)), (want_status, want_code), "{err}");
        assert_eq!(db_counts(&store, h.poll).await, before, "{want_code} changed the database");
    }
    // A body that does not decode is refused naming the field it fails on (spec §14.2).
    let body = json!({"credential": "@@@", "ballot": ""}).to_string().into_bytes();
    let (_, err) = station_raw(&h.app, &h.booth, Method::POST, &cast_path, body).await;
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("credential") && message.contains("base64"), "{message}");
    // The over-vote's refusal says which proof failed.
    let (_, err) = station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(overvoted)).await;
    assert!(err["error"]["message"].as_str().unwrap().contains("Contest 1"), "{err}");
    // A desk cannot cast.
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &cast_path, Some(replay.clone())).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"));

    // Challenge: the opened ballot is posted as spoiled, the credential stays unspent.
    let cred = &credentials[10];
    let ctx = BallotContext { election: def.election, serial: cred.serial() };
    let (ballot, opening) =
        encrypt_ballot(&def.shape, &def.key, &ctx, &PlainBallot::random(&def.shape, &mut rng).unwrap(), &mut rng)
            .unwrap();
    let challenge = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes()), "opening": b64(&opening.to_bytes())});
    let (status, spoiled) = station_call(
        &h.app,
        &h.booth,
        Method::POST,
        &format!("/api/station/polls/{}/challenge", h.poll),
        Some(challenge),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{spoiled}");
    assert_eq!((spoiled["kind"].as_str(), spoiled["position"].as_u64()), (Some("spoiled"), Some(10)));
    // A wrong opening is refused.
    let (ballot2, _) =
        encrypt_ballot(&def.shape, &def.key, &ctx, &PlainBallot::random(&def.shape, &mut rng).unwrap(), &mut rng)
            .unwrap();
    let bad_challenge = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot2.to_bytes()), "opening": b64(&opening.to_bytes())});
    let (status, err) = station_call(
        &h.app,
        &h.booth,
        Method::POST,
        &format!("/api/station/polls/{}/challenge", h.poll),
        Some(bad_challenge),
    )
    .await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "opening_invalid"), "{err}");
    // A booth asks at the scan where a credential stands (issue 16): a cast one is
    // spent, a challenged one is not, nor one issued and never used; the store says
    // the same; a malformed serial is refused, and only a booth may ask.
    for (cred, spent) in [(&credentials[3], true), (&credentials[10], false), (&credentials[14], false)] {
        let (status, st) = station_call(&h.app, &h.booth, Method::GET, &credential_path(h.poll, cred), None).await;
        assert_eq!(status, StatusCode::OK, "{st}");
        assert_eq!(st, json!({"state": "open", "spent": spent}));
        assert_eq!(hallvote_server::db::casting::is_spent(&store, h.poll, &cred.serial()).await.unwrap(), spent);
    }
    let upper = format!("/api/station/polls/{}/credentials/{}", h.poll, hex::encode_upper(credentials[3].serial()));
    for bad in [format!("/api/station/polls/{}/credentials/abc", h.poll), upper] {
        let (status, err) = station_call(&h.app, &h.booth, Method::GET, &bad, None).await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "credential_serial_malformed"), "{bad}: {err}");
    }
    let (status, err) =
        station_call(&h.app, &h.desk, Method::GET, &credential_path(h.poll, &credentials[3]), None).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"));
    // Then the delegate votes for real with the same credential.
    for cred in &credentials[10..12] {
        let plain = PlainBallot::random(&def.shape, &mut rng).unwrap();
        for (t, m) in truth.iter_mut().zip(plain.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
        let ctx = BallotContext { election: def.election, serial: cred.serial() };
        let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &plain, &mut rng).unwrap();
        let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes())});
        let (status, receipt) = station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
    }
    assert_eq!(db_counts(&store, h.poll).await, (13, 15, 13));

    // Casts arriving together are verified in one batch and written in one
    // transaction: a bad ballot among them is refused alone, and the same cast sent
    // three times at once is on the board once, with one receipt.
    let mut concurrent = Vec::new();
    for cred in &credentials[12..15] {
        let plain = PlainBallot::random(&def.shape, &mut rng).unwrap();
        let ctx = BallotContext { election: def.election, serial: cred.serial() };
        let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &plain, &mut rng).unwrap();
        concurrent.push((plain, ballot));
    }
    let body = |i: usize, ballot: &hallvote_tally::ballot::EncryptedBallot| json!({"credential": b64(&credentials[12 + i].to_bytes()), "ballot": b64(&ballot.to_bytes())});
    let a = body(0, &concurrent[0].1);
    let bad = body(1, &concurrent[0].1);
    let c = body(2, &concurrent[2].1);
    let (r1, r2, r3, rb, rc) = tokio::join!(
        station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(a.clone())),
        station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(a.clone())),
        station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(a.clone())),
        station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(bad)),
        station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(c)),
    );
    for r in [&r1, &r2, &r3, &rc] {
        assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    }
    assert_eq!((&r1.1, &r1.1), (&r2.1, &r3.1));
    assert_eq!((rb.0, code(&rb.1)), (StatusCode::UNPROCESSABLE_ENTITY, "ballot_proof_invalid"), "{}", rb.1);
    for i in [0, 2] {
        for (t, m) in truth.iter_mut().zip(concurrent[i].0.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
    }
    assert_eq!(db_counts(&store, h.poll).await, (15, 15, 15));

    // Close: sealed; no more casts.
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/close", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("closed")), "{st}");
    let (status, err) = station_call(&h.app, &h.booth, Method::POST, &cast_path, Some(cast_bytes[0].0.clone())).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "poll_not_open"));
    let (_, st) = station_call(&h.app, &h.booth, Method::GET, &credential_path(h.poll, &credentials[14]), None).await;
    assert_eq!(st, json!({"state": "closed", "spent": true}), "a closed poll is said at the scan");

    // Decryption by scrutineers 1, 3 and 5 only; a share made with another's key is refused.
    let (status, agg) = station_call(
        &h.app,
        &h.scrutineers[0],
        Method::GET,
        &format!("/api/station/polls/{}/aggregates", h.poll),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{agg}");
    let aggregates: Vec<Ciphertext> =
        agg["aggregates"].as_array().unwrap().iter().map(|a| Ciphertext::decode(&unb64(a)).unwrap()).collect();
    check_sealed_board(&h, &def, &agg, &aggregates).await;
    let decryption_path = format!("/api/station/polls/{}/decryption", h.poll);
    let shares_body = |j: usize| {
        let d = decrypt(&key_shares[j], &def.election, &def.shape, &aggregates, &mut rand::rng());
        json!({"shares": d.shares.iter().map(|s| b64(s)).collect::<Vec<_>>()})
    };
    let (status, err) =
        station_call(&h.app, &h.scrutineers[1], Method::POST, &decryption_path, Some(shares_body(3))).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "decryption_share_invalid"), "{err}");
    let (status, err, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/tally", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "not_enough_decryptions"));
    for j in [0, 2, 4] {
        let (status, v) =
            station_call(&h.app, &h.scrutineers[j], Method::POST, &decryption_path, Some(shares_body(j))).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/tally", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("tallied")), "{st}");

    // Every officer checks the result digest and signs; publication waits for all.
    let result_path = format!("/api/station/polls/{}/result", h.poll);
    let signature_path = format!("/api/station/polls/{}/signature", h.poll);
    let officers: Vec<(&Station, &str)> =
        h.scrutineers.iter().map(|s| (s, "scrutineer")).chain(h.counters.iter().map(|s| (s, "counter"))).collect();
    for (i, (st, role)) in officers.iter().enumerate() {
        let (status, r) = station_call(&h.app, st, Method::GET, &result_path, None).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        let totals: Vec<u64> = r["totals"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap()).collect();
        assert_eq!(totals, truth);
        let attendance = Attendance {
            expected: r["expected"].as_u64().unwrap() as u32,
            present: r["present"].as_u64().unwrap() as u32,
            issued: r["issued"].as_u64().unwrap() as u32,
        };
        assert_eq!((attendance.expected, attendance.present, attendance.issued), (120, 96, 15));
        let digest =
            result_digest(&def.election, attendance, r["cast"].as_u64().unwrap(), &totals, &unb64(&r["outcome"]));
        assert_eq!(digest.to_vec(), unb64(&r["digest"]));
        if i == 0 {
            let (status, err) = station_call(
                &h.app,
                st,
                Method::POST,
                &signature_path,
                Some(json!({"role": role, "signature": b64(&sign_result(&h.booth.key, &digest))})),
            )
            .await;
            assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "signature_invalid"));
        }
        if i == 6 {
            let (status, err, _) =
                call(&h.app, Method::POST, &format!("/api/polls/{}/publish", h.poll), Some(&h.org), None, "en").await;
            assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "signatures_missing"));
        }
        let body = json!({"role": role, "signature": b64(&sign_result(&st.key, &digest))});
        let (status, v) = station_call(&h.app, st, Method::POST, &signature_path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, _) = get_bytes(&h.app, &format!("/api/polls/{}/record", h.poll)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/publish", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("published")), "{st}");
    let (_, st, _) = call(&h.app, Method::GET, &status_path, Some(&h.org), None, "en").await;
    assert_eq!((st["issued"].as_u64(), st["board_size"].as_u64()), (Some(15), Some(15)));

    // The record: the verifier accepts it, and its totals are what was voted.
    let (status, bytes) = get_bytes(&h.app, &format!("/api/polls/{}/record", h.poll)).await;
    assert_eq!(status, StatusCode::OK);
    let report = verify_record(&bytes, &mut rand::rng());
    assert!(
        report.ok(),
        "{:#?}",
        report.steps.iter().filter(|s| s.status != hallvote_tally::record::Status::Pass).collect::<Vec<_>>()
    );
    let (record, _) = Record::decode(&bytes).unwrap();
    assert_eq!(record.totals, truth);
    assert_eq!(record.board.len(), 15);
    assert_eq!(record.decryptions.iter().map(|d| d.scrutineer).collect::<Vec<_>>(), [1, 3, 5]);
    assert!(record.board.iter().any(|e| matches!(e, BoardEntry::Spoiled { .. })));
}

/// The sealed board as a scrutineer's station downloads it (spec §14.8): every entry
/// in pages, their Merkle tree has the final signed head, and the aggregates
/// recomputed from them are the server's.
async fn check_sealed_board(h: &Hall, def: &BallotDef, agg: &Value, aggregates: &[Ciphertext]) {
    use hallvote_tally::record::builder::{aggregate, board_log};
    let path = format!("/api/station/polls/{}/board-entries", h.poll);
    let (status, err) = station_raw(&h.app, &h.booth, Method::GET, &format!("{path}?from=0"), vec![]).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"));
    let size = agg["board_size"].as_u64().unwrap();
    let mut entries = Vec::new();
    while (entries.len() as u64) < size {
        let page = station_bytes(&h.app, &h.counters[0], &format!("{path}?from={}", entries.len())).await;
        let mut rest = page.as_slice();
        assert!(!rest.is_empty(), "an empty page before the end");
        while !rest.is_empty() {
            let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            entries.push(BoardEntry::decode(&rest[4..4 + len]).unwrap());
            rest = &rest[4 + len..];
        }
    }
    assert_eq!(entries.len() as u64, size);
    assert!(station_bytes(&h.app, &h.scrutineers[0], &format!("{path}?from={size}")).await.is_empty());
    // From the middle: the same entries from there on.
    let tail = station_bytes(&h.app, &h.scrutineers[0], &format!("{path}?from=14")).await;
    assert_eq!(tail[4..], entries[14].to_bytes()[..]);
    let head: [u8; 40] = unb64(&agg["head"]).try_into().unwrap();
    let sig = Signature::decode(&unb64(&agg["signature"])).unwrap();
    verify(&def.manifest.server_key, tags::SIG_TREE_HEAD, &head_message(&head, &def.election), &sig).unwrap();
    assert_eq!(board_log(&entries).tree_head().to_bytes(), head);
    assert_eq!(aggregate(&def.shape, &entries).unwrap(), aggregates);
}

/// A station GET whose answer is bytes (the board's pages).
async fn station_bytes(app: &Router, st: &Station, path: &str) -> Vec<u8> {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let nonce: [u8; 16] = rand::rng().random();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut req = axum::http::Request::builder().method(Method::GET).uri(path);
    for (name, value) in
        hallvote_server::stations_protocol::sign_request(&st.key, st.id, &Method::GET, path, now, &nonce, &[])
    {
        req = req.header(name, value);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// A ballot whose every candidate is marked "for" (3 for 2 seats), with a cap
/// proof that claims the sum is at most 2: it encodes, but its proof fails.
fn over_vote(def: &BallotDef, cred: &Credential) -> Vec<u8> {
    use hallvote_crypto::elgamal::Nonce;
    use hallvote_crypto::proofs::range::{RangeProof, RangeStatement};
    use hallvote_tally::ballot::{Cap, ContestShape};
    let mut rng = rand::rng();
    let ctx = BallotContext { election: def.election, serial: cred.serial() };
    // The same shape with a looser cap, so the booth code builds it.
    let mut loose = def.shape.clone();
    let cap = loose.contests[0].cap.unwrap();
    loose.contests[0] = ContestShape { cap: Some(Cap { max: 3, ..cap }), ..loose.contests[0].clone() };
    let mut plain = PlainBallot::random(&def.shape, &mut rng).unwrap();
    for item in &mut plain.marks[0] {
        *item = (0..item.len()).map(|o| u8::from(o == usize::from(cap.option))).collect();
    }
    let (mut ballot, opening) = encrypt_ballot(&loose, &def.key, &ctx, &plain, &mut rng).unwrap();
    let fors: Vec<Ciphertext> =
        ballot.contests[0].items.iter().map(|i| i.ciphertexts[usize::from(cap.option)]).collect();
    let nonce = Nonce::sum(opening.nonces[0].iter().map(|n| &n[usize::from(cap.option)]));
    let sum = Ciphertext::sum(&fors);
    let cap_ctx = ctx.cap(0);
    let st = RangeStatement { ctx: &cap_ctx, key: &def.key, ciphertext: &sum, lo: 0, hi: 2 };
    ballot.contests[0].cap_proof = Some(RangeProof::prove(&st, 2, &nonce, &mut rng).unwrap());
    ballot.to_bytes()
}

both_backends!(whole_poll, a_whole_poll_through_the_api);
