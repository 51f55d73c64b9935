//! Credential replacement at the desk (换发, spec §6.7), through the HTTP API on both
//! backends: a damaged slip handed back is cancelled on the board and replaced, and
//! its credential is refused at the booth's scan, at cast and at challenge; a lost
//! slip is replaced only with a scrutineer's approval, recorded in the audit log and
//! counted as issued; the published record shows both and the verifier accepts it,
//! and a record with the cancelled credential forced among the cast ballots is
//! rejected at §13.4.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{BallotDef, Hall, b64, call, code, get_bytes, station_call, unb64};
use hallvote_crypto::credential::{BlindSignature, Credential, blind, finalize};
use hallvote_server::db::Store;
use hallvote_tally::ballot::{BallotContext, PlainBallot, encrypt_ballot};
use hallvote_tally::record::builder::{decrypt, sign_result};
use hallvote_tally::record::{BoardEntry, Record, Status, verify_record};
use serde_json::{Value, json};
use sqlx::Row;

/// The desk asks for a replacement of `card`'s credential: the new credential, or the refusal.
async fn replace(
    h: &Hall,
    def: &BallotDef,
    card: &str,
    why: Value,
) -> Result<(Credential, Value), (StatusCode, Value)> {
    let (req, state) = blind(&def.manifest.credential_key, &def.poll_id, &mut rand::rng()).unwrap();
    let mut body = json!({"card": card, "blinded": b64(req.as_bytes())});
    for (k, v) in why.as_object().unwrap() {
        body[k] = v.clone();
    }
    let path = format!("/api/station/polls/{}/replace", h.poll);
    let (status, v) = station_call(&h.app, &h.desk, Method::POST, &path, Some(body)).await;
    if status != StatusCode::CREATED {
        return Err((status, v));
    }
    let sig = BlindSignature::from_bytes(&unb64(&v["blind_signature"])).unwrap();
    Ok((finalize(&def.manifest.credential_key, state, &sig).unwrap(), v))
}

fn damaged(cred: &Credential) -> Value {
    json!({"cancelled": b64(&cred.to_bytes())})
}

fn lost(username: &str, password: &str) -> Value {
    json!({"approval": {"username": username, "password": password}})
}

/// A ballot for `cred` (the motion: for), as the booth sends it.
fn ballot(def: &BallotDef, cred: &Credential) -> Value {
    let plain = PlainBallot::marks(vec![vec![vec![1, 0, 0]]]);
    let ctx = BallotContext { election: def.election, serial: cred.serial() };
    let (b, opening) = encrypt_ballot(&def.shape, &def.key, &ctx, &plain, &mut rand::rng()).unwrap();
    json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&b.to_bytes()), "opening": b64(&opening.to_bytes())})
}

async fn post_ballot(h: &Hall, def: &BallotDef, cred: &Credential, challenge: bool) -> (StatusCode, Value) {
    let mut body = ballot(def, cred);
    let what = if challenge {
        "challenge"
    } else {
        body.as_object_mut().unwrap().remove("opening");
        "cast"
    };
    station_call(&h.app, &h.booth, Method::POST, &format!("/api/station/polls/{}/{what}", h.poll), Some(body)).await
}

async fn standing(h: &Hall, cred: &Credential) -> Value {
    let path = format!("/api/station/polls/{}/credentials/{}", h.poll, hex::encode(cred.serial()));
    let (status, v) = station_call(&h.app, &h.booth, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

/// (board entries, issued) of the poll in the database.
async fn counts(store: &Store, poll: i64) -> (i64, i64) {
    let row = sqlx::query("SELECT board_size, issued FROM polls WHERE id = $1").bind(poll).fetch_one(store.pool());
    let row = row.await.unwrap();
    (row.get::<i64, _>("board_size"), row.get::<i64, _>("issued"))
}

/// The refusal's code, and its message in both languages (each non-empty and distinct).
fn refused(err: &(StatusCode, Value), status: StatusCode, want: &str) {
    assert_eq!((err.0, code(&err.1)), (status, want), "{}", err.1);
}

async fn replacements_at_the_desk(store: Store) {
    let h = Hall::builder().delegates(6).scrutineers(2, 3).appointed().build(&store).await;
    let key_shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &key_shares).await;
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let def = h.ballot().await;
    let c1 = h.issue(&def, "QS15-001").await.unwrap();
    let c2 = h.issue(&def, "QS15-002").await.unwrap();
    let c3 = h.issue(&def, "QS15-003").await.unwrap();
    assert_eq!(counts(&store, h.poll).await, (0, 3));

    // Nothing to replace for a delegate never issued a credential; neither or both reasons.
    let err = replace(&h, &def, "QS15-004", damaged(&c1)).await.unwrap_err();
    refused(&err, StatusCode::CONFLICT, "not_issued");
    let err = replace(&h, &def, "QS15-001", json!({})).await.unwrap_err();
    refused(&err, StatusCode::UNPROCESSABLE_ENTITY, "replace_reason");
    let both = json!({"cancelled": b64(&c1.to_bytes()), "approval": {"username": "scrutineer1", "password": "x"}});
    let err = replace(&h, &def, "QS15-001", both).await.unwrap_err();
    refused(&err, StatusCode::UNPROCESSABLE_ENTITY, "replace_reason");
    // A slip that is not a credential of this poll is not cancelled.
    let mut forged = c1.to_bytes();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let err = replace(&h, &def, "QS15-001", json!({"cancelled": b64(&forged)})).await.unwrap_err();
    refused(&err, StatusCode::FORBIDDEN, "credential_invalid");
    assert_eq!(counts(&store, h.poll).await, (0, 3), "refusals change nothing");

    // Damaged: QS15-001 hands c1 back; it is cancelled on the board, a new one issued.
    let (n1, answer) = replace(&h, &def, "QS15-001", damaged(&c1)).await.unwrap();
    assert_eq!((answer["position"].as_u64(), answer["name"].as_str().is_some()), (Some(0), true), "{answer}");
    assert_eq!(counts(&store, h.poll).await, (1, 3), "issued unchanged: one cancelled, one new");
    assert_eq!(standing(&h, &c1).await, json!({"state": "open", "spent": false, "cancelled": true}));
    assert_eq!(standing(&h, &n1).await, json!({"state": "open", "spent": false}));
    // The cancelled credential is refused at cast and at challenge, in both languages.
    let (status, err) = post_ballot(&h, &def, &c1, false).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "credential_cancelled"), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("was handed back at the desk"), "{err}");
    let mut body = ballot(&def, &c1);
    body.as_object_mut().unwrap().remove("opening");
    let path = format!("/api/station/polls/{}/cast", h.poll);
    let (status, err) =
        common::station_raw_in(&h.app, &h.booth, Method::POST, &path, body.to_string().into_bytes(), "zh-CN").await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "credential_cancelled"), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("已在报到处交回作废"), "{err}");
    let (status, err) = post_ballot(&h, &def, &c1, true).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "credential_cancelled"), "{err}");
    // The same slip again: already replaced; the new one casts.
    let err = replace(&h, &def, "QS15-001", damaged(&c1)).await.unwrap_err();
    refused(&err, StatusCode::CONFLICT, "already_replaced");
    let (status, v) = post_ballot(&h, &def, &n1, false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // A slip already cast is not cancelled.
    let (status, v) = post_ballot(&h, &def, &c2, false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let err = replace(&h, &def, "QS15-002", damaged(&c2)).await.unwrap_err();
    refused(&err, StatusCode::CONFLICT, "credential_already_spent");
    assert_eq!(counts(&store, h.poll).await, (3, 3));

    // Lost: only with a scrutineer's approval, typed at the desk.
    let err = replace(&h, &def, "QS15-003", lost("scrutineer1", "wrong password")).await.unwrap_err();
    refused(&err, StatusCode::FORBIDDEN, "approval_refused");
    let err = replace(&h, &def, "QS15-003", lost("desk1", common::PASSWORD)).await.unwrap_err();
    refused(&err, StatusCode::FORBIDDEN, "approval_refused");
    assert!(err.1["error"]["message"].as_str().unwrap().contains("scrutineer's account"), "{}", err.1);
    assert_eq!(counts(&store, h.poll).await, (3, 3), "refused approvals change nothing");
    let (n3, answer) = replace(&h, &def, "QS15-003", lost("scrutineer1", common::PASSWORD)).await.unwrap();
    assert_eq!(answer["position"].as_u64(), Some(3), "{answer}");
    assert_eq!(counts(&store, h.poll).await, (4, 4), "one more credential in force");
    let (_, audit, _) = call(&h.app, Method::GET, "/api/audit", Some(&h.observer), None, "en").await;
    let entries = audit["entries"].as_array().unwrap();
    let approval = entries.iter().find(|e| e["action"] == "credential.replace_lost").expect("approval audited");
    assert_eq!(approval["actor"], "scrutineer1");
    assert!(approval["detail"].as_str().unwrap().contains("QS15-003"), "{approval}");
    let cancel = entries.iter().find(|e| e["action"] == "credential.replace_damaged").expect("cancellation audited");
    assert!(cancel["detail"].as_str().unwrap().contains("QS15-001"), "{cancel}");
    // Both of QS15-003's credentials are valid: the lost one was found and cast too.
    for c in [&c3, &n3] {
        let (status, v) = post_ballot(&h, &def, c, false).await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }
    let (_, st, _) =
        call(&h.app, Method::GET, &format!("/api/polls/{}/status", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((st["issued"].as_u64(), st["cast"].as_u64(), st["board_size"].as_u64()), (Some(4), Some(4), Some(6)));
    // The board's list shows the cancellation and the replacement.
    let (status, list, _) =
        call(&h.app, Method::GET, &format!("/api/polls/{}/board/entries", h.poll), None, None, "en").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let kinds: Vec<&str> = list["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["cancelled", "cast", "cast", "replaced", "cast", "cast"]);

    // Close, decrypt with 2 of 3, tally: the result shows the replacements.
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/close", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let agg_path = format!("/api/station/polls/{}/aggregates", h.poll);
    let (status, agg) = station_call(&h.app, &h.scrutineers[0], Method::GET, &agg_path, None).await;
    assert_eq!(status, StatusCode::OK, "{agg}");
    let aggregates: Vec<_> = agg["aggregates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| hallvote_crypto::elgamal::Ciphertext::decode(&unb64(a)).unwrap())
        .collect();
    for (share, station) in key_shares.iter().zip(&h.scrutineers).take(2) {
        let d = decrypt(share, &def.election, &def.shape, &aggregates, &mut rand::rng());
        let body = json!({"shares": d.shares.iter().map(|s| b64(s)).collect::<Vec<_>>()});
        let path = format!("/api/station/polls/{}/decryption", h.poll);
        let (status, v) = station_call(&h.app, station, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/tally", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("tallied")), "{st}");
    let result_path = format!("/api/station/polls/{}/result", h.poll);
    let (status, r) = station_call(&h.app, &h.scrutineers[0], Method::GET, &result_path, None).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        (r["issued"].as_u64(), r["replaced"].as_u64(), r["replaced_lost"].as_u64(), r["cast"].as_u64()),
        (Some(4), Some(1), Some(1), Some(4)),
        "{r}"
    );

    // Every officer signs; the record is published and verifies.
    let officers: Vec<(&common::Station, &str)> =
        h.scrutineers.iter().map(|s| (s, "scrutineer")).chain(h.counters.iter().map(|s| (s, "counter"))).collect();
    let digest = unb64(&r["digest"]);
    let digest: [u8; 64] = digest.try_into().unwrap();
    for (st, role) in officers {
        let body = json!({"role": role, "signature": b64(&sign_result(&st.key, &digest))});
        let path = format!("/api/station/polls/{}/signature", h.poll);
        let (status, v) = station_call(&h.app, st, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/publish", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let (status, bytes) = get_bytes(&h.app, &format!("/api/polls/{}/record", h.poll)).await;
    assert_eq!(status, StatusCode::OK);
    let report = verify_record(&bytes, &mut rand::rng());
    assert!(report.ok(), "{report}");
    assert!(report.step("13.4").unwrap().detail.contains("1 cancelled, none cast"), "{report}");
    // The result sheet shows the replacements, and reconciles against 4 issued.
    let (status, html) = get_bytes(&h.app, &format!("/polls/{}/sheet?lang=zh-CN", h.poll)).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("换发选票：损坏交回 1 张"), "the sheet shows the replacements");
    assert!(html.contains("遗失 1 张，经监票人批准补发"), "the sheet shows the replacements");
    assert!(html.contains("收回选票 4 张，不多于发出选票 4 张"), "R6 against the credentials in force");
    let (record, _) = Record::decode(&bytes).unwrap();
    assert_eq!((record.attendance.present, record.attendance.issued), (6, 4));
    assert!(matches!(record.board[0], BoardEntry::Cancelled { .. }));
    assert!(matches!(record.board[3], BoardEntry::Replaced));

    // Forced: the cancelled credential's ballot put among the cast ones. §13.4 is the
    // first step to reject it (the board's heads and signatures fail later, §13.7 and
    // §13.13, unless whoever holds the server key re-signs, which §13.4 does not need).
    let mut forced = record.clone();
    let entry = BoardEntry::Cast { credential: c1.to_bytes(), ballot: unb64(&ballot(&def, &c1)["ballot"]) };
    forced.board.push(entry);
    let report = verify_record(&forced.to_bytes(), &mut rand::rng());
    let first = report.first_failure().unwrap();
    assert_eq!((first.section, first.status), ("13.4", Status::Fail), "{report}");
    assert!(first.detail.contains("cancelled at entry 1 (replaced at the desk) and then was cast"), "{report}");
}

both_backends!(replacements, replacements_at_the_desk);
