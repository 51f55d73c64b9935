//! The key check before a poll opens (spec §5.7), through the HTTP API on both
//! backends: the poll does not open until every scrutineer (all n, not only k) has
//! answered a fresh test ciphertext with a decryption share whose proof verifies
//! against its public share; a share of another scrutineer, of another ceremony, or
//! of an older test fails; a restarted ceremony clears the checks, and a share file of
//! the abandoned ceremony cannot pass the new one. Also the ceremony's outcome as an
//! officer's station reads it for the election fingerprint (spec §11.4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::Router;
use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{Client, Station, as_role, call, enrol_station, setup, station_call, upload};
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::threshold::KeyShare;
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use hallvote_tally::key_check;
use hallvote_tally::record::{Fingerprint, Manifest};
use serde_json::{Value, json};
use sqlx::Row;

struct Hall {
    app: Router,
    org: Client,
    scrutineers: Vec<Station>,
    counter: Station,
    poll: i64,
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

fn message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
}

/// Four delegates, all present; a motion; three scrutineer stations and a counter's.
async fn set_up(store: &Store) -> Hall {
    let (app, clients) = setup(store.clone()).await;
    let org = as_role(&clients, Role::Organiser);
    let post = |path: String, body: Value| {
        let (app, org) = (app.clone(), org.clone());
        async move {
            let (status, v, _) = call(&app, Method::POST, &path, Some(&org), Some(body), "zh-CN").await;
            assert!(status.is_success(), "{path}: {status} {v}");
            v
        }
    };
    let c = post("/api/congresses".into(), json!({"name": "中国共产党青山镇第十五届代表大会", "number": 15})).await;
    let cid = c["id"].as_i64().unwrap();
    let s = post(
        format!("/api/congresses/{cid}/sessions"),
        json!({"number": 3, "place": "镇政府礼堂", "date": "2026年11月28日"}),
    )
    .await;
    let sid = s["id"].as_i64().unwrap();
    let csv = "姓名,代表团,代表证号\n张伟,一团,A1\n王芳,一团,A2\n李娜,一团,A3\n刘洋,一团,A4\n";
    let (status, v) =
        upload(&app, &format!("/api/congresses/{cid}/roster"), &org, "text/csv", csv.into(), "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    for card in ["A1", "A2", "A3", "A4"] {
        post(format!("/api/sessions/{sid}/checkin"), json!({"card": card})).await;
    }
    let poll = post(
        format!("/api/sessions/{sid}/polls"),
        json!({"name": "表决", "contests": [{"id": "m", "title": "表决", "type": "motion", "items": ["工作报告"]}]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut scrutineers = Vec::new();
    for j in 1..=3 {
        scrutineers.push(enrol_station(&app, &org, "scrutineer", &format!("监票终端{j}")).await);
    }
    let counter = enrol_station(&app, &org, "scrutineer", "计票终端").await;
    Hall { app, org, scrutineers, counter, poll }
}

impl Hall {
    /// Appoints the officers (2 of 3) and runs a new ceremony: the key shares.
    async fn ceremony(&self) -> Vec<KeyShare> {
        let officers = |cards: &[&str], st: &[&Station]| -> Vec<Value> {
            cards.iter().zip(st).map(|(c, s)| json!({"card": c, "station": s.id})).collect()
        };
        let body = json!({
            "threshold": 2,
            "scrutineers": officers(&["A1", "A2", "A3"], &self.scrutineers.iter().collect::<Vec<_>>()),
            "counters": officers(&["A4"], &[&self.counter]),
        });
        let (status, v) = self.org_post("officers", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let (status, v) = self.org_post("ceremony", None).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        common::run_ceremony(&self.app, self.poll, &self.scrutineers).await
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
    let shares = h.ceremony().await;
    let s = &h.scrutineers;

    // Nobody has checked: refused, naming all three.
    let (status, err) = h.org_post("open", None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    for name in ["第 1 号监票人 张伟", "第 2 号监票人 王芳", "第 3 号监票人 李娜", "尚未通过密钥检查"]
    {
        assert!(message(&err).contains(name), "{err}");
    }
    let (_, err) = h.open_en().await;
    assert!(message(&err).contains("scrutineer 3 (李娜) must check their key share"), "{err}");
    assert_eq!(h.officers_checked().await, [json!(false), json!(false), json!(false), Value::Null]);

    // A counter takes no key check; an answer needs a test first.
    let test_path = format!("/api/station/polls/{}/key-check/test", h.poll);
    let (status, err) = station_call(&h.app, &h.counter, Method::POST, &test_path, None).await;
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
    assert!(message(&err).contains("第 3 号监票人 李娜") && !message(&err).contains("张伟"), "{err}");
    assert_eq!(h.officers_checked().await, [json!(true), json!(true), json!(false), Value::Null]);
    let view_path = format!("/api/station/polls/{}/ceremony", h.poll);
    let (_, view) = station_call(&h.app, &s[2], Method::GET, &view_path, None).await;
    assert_eq!(view["key_checked"], json!([1, 2]), "{view}");

    // The counter reads the ceremony's outcome: the fingerprint its station shows.
    let outcome_path = format!("/api/station/polls/{}/ceremony/outcome", h.poll);
    let (status, outcome) = station_call(&h.app, &h.counter, Method::GET, &outcome_path, None).await;
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
    let (status, err) = station_call(&h.app, &h.counter, Method::GET, &outcome_path, None).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "not_an_officer"), "{err}");

    let old = shares;
    let shares = h.ceremony().await;
    let (status, err) = h.org_post("open", None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    // The old ceremony's key share does not pass the new ceremony's check.
    let (ct, e) = h.test(&s[0]).await;
    let (status, err) = h.answer(&s[0], &old[0], &ct, &e).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "key_check_failed"), "{err}");
    let (_, outcome) = station_call(&h.app, &h.counter, Method::GET, &outcome_path, None).await;
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
