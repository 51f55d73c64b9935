//! The key check before a poll opens (spec §5.7), through the HTTP API on both
//! backends: the poll does not open until every scrutineer (all n, not only k) has
//! answered a fresh test ciphertext with a decryption share whose proof verifies
//! against its public share; a share of another scrutineer, of another ceremony, or
//! of an older test fails; a restarted ceremony clears the checks, and a share file of
//! the abandoned ceremony cannot pass the new one. Also the ceremony's outcome as an
//! officer's station reads it for the election fingerprint (spec §11.4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{Hall, Station, call, code, station_call};
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::threshold::KeyShare;
use hallvote_server::db::Store;
use hallvote_tally::key_check;
use hallvote_tally::record::{Fingerprint, Manifest};
use serde_json::{Value, json};
use sqlx::Row;

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
}

/// Four delegates (范勇, 吕丽建, 夏淑, 郭红), all present; a motion; three scrutineer
/// stations and a counter's, the first three delegates their scrutineers (2 of 3).
async fn set_up(store: &Store) -> Hall {
    Hall::builder().delegates(4).scrutineers(2, 3).counters(1).build(store).await
}

impl Hall {
    /// Appoints the officers and runs a new ceremony: the key shares.
    async fn appointed_ceremony(&self) -> Vec<KeyShare> {
        self.appoint().await;
        self.ceremony().await
    }

    async fn org_post(&self, what: &str, body: Option<Value>) -> (StatusCode, Value) {
        let path = format!("/api/polls/{}/{what}", self.poll);
        let (status, v, _) = call(&self.app, Method::POST, &path, Some(&self.org), body, "zh-CN").await;
        (status, v)
    }

    async fn open_en(&self) -> (StatusCode, Value) {
        let path = format!("/api/polls/{}/open", self.poll);
        let (status, v, _) = call(&self.app, Method::POST, &path, Some(&self.org), None, "en").await;
        (status, v)
    }

    /// A fresh test ciphertext for station `st`, and `E`.
    async fn test(&self, st: &Station) -> (Ciphertext, [u8; 64]) {
        let path = format!("/api/station/polls/{}/key-check/test", self.poll);
        let (status, v) = station_call(&self.app, st, Method::POST, &path, None).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let ct = Ciphertext::decode(&STANDARD.decode(v["ciphertext"].as_str().unwrap()).unwrap()).unwrap();
        (ct, STANDARD.decode(v["election"].as_str().unwrap()).unwrap().try_into().unwrap())
    }

    /// Station `st` answers with `share`'s decryption share of `ct`.
    async fn answer(&self, st: &Station, share: &KeyShare, ct: &Ciphertext, e: &[u8; 64]) -> (StatusCode, Value) {
        let answer = key_check::answer(share, e, ct, &mut rand::rng());
        let path = format!("/api/station/polls/{}/key-check", self.poll);
        station_call(&self.app, st, Method::POST, &path, Some(json!({"share": STANDARD.encode(answer)}))).await
    }

    async fn officers_checked(&self) -> Vec<Value> {
        let path = format!("/api/polls/{}/officers", self.poll);
        let (_, v, _) = call(&self.app, Method::GET, &path, Some(&self.org), None, "en").await;
        v["officers"].as_array().unwrap().iter().map(|o| o["key_checked"].clone()).collect()
    }
}

async fn a_poll_opens_only_when_every_scrutineer_has_passed(store: Store) {
    let h = set_up(&store).await;
    let shares = h.appointed_ceremony().await;
    let s = &h.scrutineers;

    // Nobody has checked: refused, naming all three.
    let (status, err) = h.org_post("open", None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    for name in ["第 1 号监票人 范勇", "第 2 号监票人 吕丽建", "第 3 号监票人 夏淑", "尚未通过密钥检查"]
    {
        assert!(message(&err).contains(name), "{err}");
    }
    let (_, err) = h.open_en().await;
    assert!(message(&err).contains("scrutineer 3 (夏淑) must check their key share"), "{err}");
    assert_eq!(h.officers_checked().await, [json!(false), json!(false), json!(false), Value::Null]);

    // A counter takes no key check; an answer needs a test first.
    let test_path = format!("/api/station/polls/{}/key-check/test", h.poll);
    let (status, err) = station_call(&h.app, &h.counters[0], Method::POST, &test_path, None).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "not_a_scrutineer"));
    let answer_path = format!("/api/station/polls/{}/key-check", h.poll);
    let (status, err) =
        station_call(&h.app, &s[0], Method::POST, &answer_path, Some(json!({"share": STANDARD.encode([0u8; 132])})))
            .await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_no_test"), "{err}");

    // Wrong shares fail: another scrutineer's, a key share of another ceremony at the
    // same index, an answer to an older test, garbage.
    let (ct, e) = h.test(&s[0]).await;
    let (status, err) = h.answer(&s[0], &shares[1], &ct, &e).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "key_check_failed"), "{err}");
    assert!(message(&err).contains("the share is scrutineer 2's"), "{err}");
    let stranger = KeyShare::new(1, hallvote_crypto::group::SecretScalar::random(&mut rand::rng()));
    let (status, err) = h.answer(&s[0], &stranger, &ct, &e).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "key_check_failed"), "{err}");
    assert!(message(&err).contains("does not verify against this scrutineer's public share"), "{err}");
    let (newer, _) = h.test(&s[0]).await;
    assert_ne!(newer, ct, "a fresh test ciphertext each time");
    let (status, err) = h.answer(&s[0], &shares[0], &ct, &e).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "key_check_failed"), "{err}");
    let (status, err) =
        station_call(&h.app, &s[0], Method::POST, &answer_path, Some(json!({"share": STANDARD.encode([7u8; 40])})))
            .await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "key_check_failed"), "{err}");
    assert_eq!(h.officers_checked().await[0], json!(false), "a failed check records no pass");

    // Scrutineers 1 and 2 pass; k of them is not enough: 3 is named.
    let (status, v) = h.answer(&s[0], &shares[0], &newer, &e).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["pending"], json!([2, 3]));
    let (ct, e) = h.test(&s[1]).await;
    let (status, v) = h.answer(&s[1], &shares[1], &ct, &e).await;
    assert_eq!((status, v["pending"].clone()), (StatusCode::CREATED, json!([3])), "{v}");
    let (status, err) = h.org_post("open", None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    assert!(message(&err).contains("第 3 号监票人 夏淑") && !message(&err).contains("范勇"), "{err}");
    assert_eq!(h.officers_checked().await, [json!(true), json!(true), json!(false), Value::Null]);
    let view_path = format!("/api/station/polls/{}/ceremony", h.poll);
    let (_, view) = station_call(&h.app, &s[2], Method::GET, &view_path, None).await;
    assert_eq!(view["key_checked"], json!([1, 2]), "{view}");

    // The counter reads the ceremony's outcome: the fingerprint its station shows.
    let outcome_path = format!("/api/station/polls/{}/ceremony/outcome", h.poll);
    let (status, outcome) = station_call(&h.app, &h.counters[0], Method::GET, &outcome_path, None).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["qualified"], json!([1, 2, 3]));
    assert_eq!(outcome["joint_key"], view["joint_key"]);
    assert_eq!(outcome["public_shares"], view["public_shares"]);
    let b = |v: &Value| STANDARD.decode(v.as_str().unwrap()).unwrap();
    let public: Vec<[u8; 32]> =
        outcome["public_shares"].as_array().unwrap().iter().map(|x| b(x).try_into().unwrap()).collect();
    assert_eq!(public[2], *shares[2].public().as_bytes());
    let first = Fingerprint::of(&b(&outcome["manifest"]), &b(&outcome["joint_key"]).try_into().unwrap(), &public);
    assert_eq!(Manifest::decode(&b(&outcome["manifest"])).unwrap().counters.len(), 1);

    // Scrutineer 3's share file is lost: the organiser starts the ceremony again from
    // the ready state. The checks are gone with it.
    let (status, v) = h.org_post("ceremony/restart", None).await;
    assert_eq!((status, v["state"].as_str()), (StatusCode::OK, Some("draft")), "{v}");
    let left = sqlx::query("SELECT COUNT(*) AS n FROM key_checks WHERE poll_id = $1")
        .bind(h.poll)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get::<i64, _>("n");
    assert_eq!(left, 0, "a restart clears the key checks");
    let (status, err) = station_call(&h.app, &h.counters[0], Method::GET, &outcome_path, None).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "not_an_officer"), "{err}");

    let old = shares;
    let shares = h.appointed_ceremony().await;
    let (status, err) = h.org_post("open", None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    // The old ceremony's key share does not pass the new ceremony's check.
    let (ct, e) = h.test(&s[0]).await;
    let (status, err) = h.answer(&s[0], &old[0], &ct, &e).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "key_check_failed"), "{err}");
    let (_, outcome) = station_call(&h.app, &h.counters[0], Method::GET, &outcome_path, None).await;
    let public: Vec<[u8; 32]> =
        outcome["public_shares"].as_array().unwrap().iter().map(|x| b(x).try_into().unwrap()).collect();
    let second = Fingerprint::of(&b(&outcome["manifest"]), &b(&outcome["joint_key"]).try_into().unwrap(), &public);
    assert_ne!(first.short(), second.short(), "a new ceremony, a new fingerprint");

    // Every scrutineer passes: the poll opens, and checks are over.
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &shares).await;
    assert_eq!(h.officers_checked().await, [json!(true), json!(true), json!(true), Value::Null]);
    let (status, st) = h.org_post("open", None).await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("open")), "{st}");
    let (status, err) = station_call(&h.app, &s[0], Method::POST, &test_path, None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "poll_wrong_state"), "{err}");
    let (status, err) = h.org_post("ceremony/restart", None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "poll_wrong_state"), "{err}");
}
both_backends!(opens_after_key_checks, a_poll_opens_only_when_every_scrutineer_has_passed);
