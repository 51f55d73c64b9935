//! Hall stations on both backends (spec §15): one-time enrolment by QR code, and
//! requests authenticated by the enrolled key, with each refusal's own code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use common::{Client, as_role, call, enrol, setup};
use hallvote_crypto::sign::SigningKey;
use hallvote_server::auth::Role;
use hallvote_server::clock::system_now as now;
use hallvote_server::db::stations::NonceUse;
use hallvote_server::db::{Store, audit, stations};
use hallvote_server::stations_protocol::{
    ENROLMENT_SECONDS, EnrolmentPayload, EnrolmentToken, NONCE_HEADER, NONCE_LEN, StationKind, sign_request,
};
use http_body_util::BodyExt;
use rand::RngExt;
use serde_json::{Value, json};
use sqlx::Row;
use tower::ServiceExt;

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() })
}

/// `POST /api/stations/enrolments` as `client`, through a `Host` header.
async fn issue(app: &Router, client: &Client, host: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/stations/enrolments")
        .header(header::COOKIE, &client.cookie)
        .header("x-csrf-token", &client.csrf)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(host) = host {
        req = req.header(header::HOST, host);
    }
    send(app, req.body(Body::from(body.to_string())).unwrap()).await
}

fn new_key() -> SigningKey {
    SigningKey::generate(&mut rand::rng())
}

fn nonce() -> [u8; NONCE_LEN] {
    rand::rng().random()
}

async fn nonce_count(store: &Store) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM station_nonces").fetch_one(store.pool()).await.unwrap().get("n")
}

async fn audit_actions(store: &Store) -> Vec<String> {
    audit::list(store, 0, 1000).await.unwrap().into_iter().map(|e| e.action).collect()
}

async fn a_token_enrols_one_station_once(store: Store) {
    let (app, clients) = setup(store.clone()).await;
    let organiser = as_role(&clients, Role::Organiser);
    let (status, issued) =
        issue(&app, &organiser, Some("192.168.1.10:8080"), json!({"kind": "booth", "name": " 3号投票机 "})).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let t = now();
    let expires_at = issued["expires_at"].as_i64().unwrap();
    assert!((t + ENROLMENT_SECONDS - 5..=t + ENROLMENT_SECONDS).contains(&expires_at), "{issued}");
    // The QR text carries the token, kind, name and the address the console was reached at.
    let payload = EnrolmentPayload::from_qr_text(issued["qr_text"].as_str().unwrap()).unwrap();
    let token = issued["token"].as_str().unwrap();
    assert_eq!(payload.token.to_hex(), token);
    assert_eq!(payload.kind, StationKind::Booth);
    assert_eq!(payload.name, "3号投票机");
    assert_eq!(payload.server_url, "http://192.168.1.10:8080");
    assert_eq!(payload.tls_fingerprint, None);
    let svg = issued["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.ends_with("</svg>"), "{svg}");
    // Only the token's hash is stored.
    let stored: Vec<u8> = sqlx::query("SELECT token_hash FROM station_enrolments")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get("token_hash");
    assert_eq!(stored, payload.token.stored_hash().to_vec());

    // A key that is not a valid Ed25519 key is refused and does not use the token up.
    let identity = format!("01{}", "00".repeat(31));
    let (status, json, _) = call(
        &app,
        Method::POST,
        "/api/stations/enrol",
        None,
        Some(json!({"token": token, "public_key": identity})),
        "en",
    )
    .await;
    assert_eq!(
        (status, json["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_public_key"))
    );

    let key = new_key();
    let (status, station) = enrol(&app, token, &key).await;
    assert_eq!(status, StatusCode::CREATED, "{station}");
    assert_eq!(station["kind"], "booth");
    assert_eq!(station["name"], "3号投票机");
    let id = station["id"].as_i64().unwrap();

    // The token works once.
    let (status, json) = enrol(&app, token, &new_key()).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("enrolment_token_used")));
    assert!(json["error"]["message"].as_str().unwrap().contains("already been used"), "{json}");
    // A token nobody issued.
    let (status, json) = enrol(&app, &"ab".repeat(16), &new_key()).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("enrolment_token_unknown")));
    // Not a token at all.
    let (status, json) = enrol(&app, "not-hex", &new_key()).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));

    // A second token cannot enrol the same key again, and stays usable.
    let (status, second) =
        issue(&app, &organiser, None, json!({"kind": "desk", "name": "报到1", "server_url": "http://10.0.0.2:8080"}))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let payload2 = EnrolmentPayload::from_qr_text(second["qr_text"].as_str().unwrap()).unwrap();
    assert_eq!(payload2.server_url, "http://10.0.0.2:8080");
    assert_eq!(payload2.kind, StationKind::Desk);
    let token2 = second["token"].as_str().unwrap();
    let (status, json) = enrol(&app, token2, &key).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("station_key_taken")));
    let (status, desk) = enrol(&app, token2, &new_key()).await;
    assert_eq!(status, StatusCode::CREATED, "{desk}");
    assert_ne!(desk["id"].as_i64().unwrap(), id);

    // Without a Host header or a URL the console cannot say where stations should go.
    let (status, json) = issue(&app, &organiser, None, json!({"kind": "booth", "name": "x"})).await;
    assert_eq!(
        (status, json["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("server_url_unknown"))
    );
    let (status, json) = issue(&app, &organiser, Some("h"), json!({"kind": "booth", "name": ""})).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_value")));
    let (status, json) = issue(&app, &organiser, Some("h"), json!({"kind": "printer", "name": "x"})).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));

    // Observers see the stations; the key is listed.
    let observer = as_role(&clients, Role::Observer);
    let (status, list, _) = call(&app, Method::GET, "/api/stations", Some(&observer), None, "en").await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"].as_i64(), Some(id));
    assert_eq!(list[0]["public_key"].as_str(), Some(hex::encode(key.verifying_key().as_bytes()).as_str()));
    assert_eq!(list[0]["enrolled_by"], "organiser1");
    assert_eq!(list[0]["revoked"], false);

    let actions = audit_actions(&store).await;
    let stations: Vec<&str> = actions.iter().map(String::as_str).filter(|a| a.starts_with("station.")).collect();
    assert_eq!(stations, ["station.enrolment", "station.enrol", "station.enrolment", "station.enrol"]);
}
both_backends!(one_time_enrolment, a_token_enrols_one_station_once);

async fn an_expired_token_is_refused(store: Store) {
    let (app, _) = setup(store.clone()).await;
    let old = EnrolmentToken::generate(&mut rand::rng());
    stations::create_enrolment(&store, &old, StationKind::Booth, "1号", "organiser1", now() - ENROLMENT_SECONDS - 1)
        .await
        .unwrap();
    let (status, json) = enrol(&app, &old.to_hex(), &new_key()).await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::GONE, Some("enrolment_token_expired")));
    // One issued a little less than 15 minutes ago still works.
    let recent = EnrolmentToken::generate(&mut rand::rng());
    stations::create_enrolment(
        &store,
        &recent,
        StationKind::Booth,
        "2号",
        "organiser1",
        now() - ENROLMENT_SECONDS + 30,
    )
    .await
    .unwrap();
    let (status, json) = enrol(&app, &recent.to_hex(), &new_key()).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert!(stations::list(&store).await.unwrap().iter().all(|s| s.name == "2号"));
}
both_backends!(expired_token, an_expired_token_is_refused);

async fn concurrent_enrolments_with_one_token_make_one_station(store: Store) {
    let token = EnrolmentToken::generate(&mut rand::rng());
    stations::create_enrolment(&store, &token, StationKind::Booth, "1号", "organiser1", now()).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (store, token) = (store.clone(), token.clone());
            tokio::spawn(async move { stations::enrol(&store, &token, &new_key().verifying_key(), now()).await })
        })
        .collect();
    let mut enrolled = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => enrolled += 1,
            Err(stations::EnrolError::Used) => {}
            Err(e) => panic!("unexpected refusal: {e}"),
        }
    }
    assert_eq!(enrolled, 1);
    assert_eq!(stations::list(&store).await.unwrap().len(), 1);
}
both_backends!(concurrent_enrolment, concurrent_enrolments_with_one_token_make_one_station);

/// A request to `path` signed over `signed_body` (and the other given fields)
/// that carries `sent_body`.
#[allow(clippy::too_many_arguments)]
fn station_request(
    key: &SigningKey,
    station_id: u64,
    method: Method,
    signed_path: &str,
    sent_path: &str,
    timestamp: u64,
    nonce: &[u8; NONCE_LEN],
    signed_body: &[u8],
    sent_body: &[u8],
) -> Request<Body> {
    let mut req = Request::builder().method(method.clone()).uri(sent_path).header(header::ACCEPT_LANGUAGE, "en");
    for (name, value) in sign_request(key, station_id, &method, signed_path, timestamp, nonce, signed_body) {
        req = req.header(name, value);
    }
    req.body(Body::from(sent_body.to_vec())).unwrap()
}

fn whoami(key: &SigningKey, station_id: u64, timestamp: u64, nonce: &[u8; NONCE_LEN]) -> Request<Body> {
    let path = "/api/stations/whoami";
    station_request(key, station_id, Method::GET, path, path, timestamp, nonce, b"", b"")
}

async fn enrolled(store: &Store, kind: StationKind, name: &str) -> (u64, SigningKey) {
    let token = EnrolmentToken::generate(&mut rand::rng());
    stations::create_enrolment(store, &token, kind, name, "organiser1", now()).await.unwrap();
    let key = new_key();
    let station = stations::enrol(store, &token, &key.verifying_key(), now()).await.unwrap();
    (station.id as u64, key)
}

fn code(res: &(StatusCode, Value)) -> (StatusCode, &str) {
    (res.0, res.1["error"]["code"].as_str().unwrap_or(""))
}

async fn stations_sign_every_request(store: Store) {
    let (app, clients) = setup(store.clone()).await;
    let (id, key) = enrolled(&store, StationKind::Scrutineer, "监票1").await;
    let t = now() as u64;

    // A signed request succeeds.
    let n1 = nonce();
    let res = send(&app, whoami(&key, id, t, &n1)).await;
    assert_eq!(res.0, StatusCode::OK, "{}", res.1);
    assert_eq!(res.1, json!({"id": id, "kind": "scrutineer", "name": "监票1"}));
    assert_eq!(nonce_count(&store).await, 1);

    // The same request again is a replay, refused; nothing is recorded.
    let res = send(&app, whoami(&key, id, t, &n1)).await;
    assert_eq!(code(&res), (StatusCode::CONFLICT, "replayed_request"));
    assert!(res.1["error"]["message"].as_str().unwrap().contains("not carried out"), "{}", res.1);
    assert_eq!(nonce_count(&store).await, 1);

    // Each refusal has its own code and records nothing.
    let other_key = new_key();
    let n = nonce();
    let path = "/api/stations/whoami";
    let refusals = [
        ("another key", whoami(&other_key, id, t, &n), StatusCode::UNAUTHORIZED, "bad_station_signature"),
        (
            "another body",
            station_request(&key, id, Method::GET, path, path, t, &n, b"{\"a\":1}", b"{\"a\":2}"),
            StatusCode::UNAUTHORIZED,
            "bad_station_signature",
        ),
        (
            "another path",
            station_request(&key, id, Method::GET, "/api/stations/whoami?x=1", path, t, &n, b"", b""),
            StatusCode::UNAUTHORIZED,
            "bad_station_signature",
        ),
        (
            "another method",
            station_request(&key, id, Method::POST, path, path, t, &n, b"", b"").tap(|r| *r.method_mut() = Method::GET),
            StatusCode::UNAUTHORIZED,
            "bad_station_signature",
        ),
        ("stale", whoami(&key, id, t - 200, &n), StatusCode::UNAUTHORIZED, "stale_request"),
        ("from the future", whoami(&key, id, t + 200, &n), StatusCode::UNAUTHORIZED, "stale_request"),
        ("unknown station", whoami(&key, 999, t, &n), StatusCode::UNAUTHORIZED, "unknown_station"),
        (
            "uppercase nonce",
            whoami(&key, id, t, &n).tap(|r| {
                let upper = hex::encode_upper(n);
                r.headers_mut().insert(HeaderName::from_static(NONCE_HEADER), HeaderValue::from_str(&upper).unwrap());
            }),
            StatusCode::BAD_REQUEST,
            "station_auth_malformed",
        ),
        (
            "no signature at all",
            Request::builder().uri(path).body(Body::empty()).unwrap(),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ];
    for (what, req, status, expected) in refusals {
        let res = send(&app, req).await;
        assert_eq!(code(&res), (status, expected), "{what}: {}", res.1);
        assert_eq!(nonce_count(&store).await, 1, "{what}");
    }
    // A refused request did not use its nonce up: signed properly, it goes through.
    let res = send(&app, whoami(&key, id, t, &n)).await;
    assert_eq!(res.0, StatusCode::OK, "{}", res.1);
    assert_eq!(nonce_count(&store).await, 2);

    // A login cookie is not a station signature.
    let organiser = as_role(&clients, Role::Organiser);
    let (status, json, _) = call(&app, Method::GET, path, Some(&organiser), None, "en").await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));

    // Once revoked, the station is refused, even with a fresh, correctly signed request.
    let revoke = format!("/api/stations/{id}/revoke");
    let desk = as_role(&clients, Role::Desk);
    let (status, _, _) = call(&app, Method::POST, &revoke, Some(&desk), None, "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, json, _) = call(&app, Method::POST, &revoke, Some(&organiser), None, "en").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{json}");
    let res = send(&app, whoami(&key, id, t, &nonce())).await;
    assert_eq!(code(&res), (StatusCode::FORBIDDEN, "station_revoked"));
    assert_eq!(nonce_count(&store).await, 2);
    let (status, json, _) = call(&app, Method::POST, &revoke, Some(&organiser), None, "en").await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("station_already_revoked")));
    let (status, json, _) = call(&app, Method::POST, "/api/stations/999/revoke", Some(&organiser), None, "en").await;
    assert_eq!((status, json["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (_, list, _) = call(&app, Method::GET, "/api/stations", Some(&organiser), None, "en").await;
    assert_eq!(list[0]["revoked"], true);
    let revocations = audit_actions(&store).await.into_iter().filter(|a| a == "station.revoke").count();
    assert_eq!(revocations, 1);

    // Another station is unaffected.
    let (id2, key2) = enrolled(&store, StationKind::Desk, "报到2").await;
    let res = send(&app, whoami(&key2, id2, now() as u64, &nonce())).await;
    assert_eq!(res.0, StatusCode::OK, "{}", res.1);
    assert_eq!(res.1["kind"], "desk");

    // This process now knows the station's key; another server process on the same
    // database revokes it. The next request is still refused, and uses no nonce.
    let before = nonce_count(&store).await;
    assert_eq!(stations::revoke(&store, id2 as i64).await.unwrap(), stations::Revocation::Revoked);
    let res = send(&app, whoami(&key2, id2, now() as u64, &nonce())).await;
    assert_eq!(code(&res), (StatusCode::FORBIDDEN, "station_revoked"));
    let res = send(&app, whoami(&key2, id2, now() as u64, &nonce())).await;
    assert_eq!(code(&res), (StatusCode::FORBIDDEN, "station_revoked"));
    assert_eq!(nonce_count(&store).await, before);
}
both_backends!(signed_requests, stations_sign_every_request);

async fn old_nonces_are_forgotten(store: Store) {
    let (id, _) = enrolled(&store, StationKind::Booth, "1号").await;
    let t = now();
    let n = [9u8; NONCE_LEN];
    assert!(stations::use_nonce(&store, id as i64, &n, t - 500, t - 500).await.unwrap().is_fresh());
    assert!(!stations::use_nonce(&store, id as i64, &n, t - 500, t - 500).await.unwrap().is_fresh(), "a replay");
    // 500 s later than that request's own time, it could only be replayed as stale: pruned.
    assert!(stations::use_nonce(&store, id as i64, &[1; NONCE_LEN], t, t).await.unwrap().is_fresh());
    assert_eq!(nonce_count(&store).await, 1);
    assert!(stations::use_nonce(&store, id as i64, &n, t, t).await.unwrap().is_fresh());
}
both_backends!(nonce_pruning, old_nonces_are_forgotten);

/// A batch of nonces is one statement: each answer must still be its own nonce's,
/// a nonce sent twice in one batch is fresh once, and one used before is a replay.
async fn a_batch_of_nonces_answers_each(store: Store) {
    let (a, _) = enrolled(&store, StationKind::Booth, "1号").await;
    let (b, _) = enrolled(&store, StationKind::Booth, "2号").await;
    let (a, b, t) = (a as i64, b as i64, now());
    let (n1, n2) = (vec![1u8; NONCE_LEN], vec![2u8; NONCE_LEN]);
    assert!(stations::use_nonce(&store, a, &n2, t, t).await.unwrap().is_fresh());
    let batch =
        vec![(a, n1.clone(), t), (b, n1.clone(), t), (a, n1.clone(), t), (a, n2.clone(), t), (b, n2.clone(), t)];
    let fresh = stations::use_nonces(&store, &batch, t).await.unwrap();
    let fresh: Vec<bool> = fresh.iter().map(|u| u.is_fresh()).collect();
    assert_eq!(fresh, [true, true, false, false, true]);
    assert_eq!(nonce_count(&store).await, 4);
    // More than one statement's worth: 1,200 fresh ones and a replay at the end.
    let mut big: Vec<(i64, Vec<u8>, i64)> =
        (0..1200u32).map(|i| (b, i.to_be_bytes().repeat(NONCE_LEN / 4), t)).collect();
    big.push((a, n1, t));
    let fresh = stations::use_nonces(&store, &big, t).await.unwrap();
    assert_eq!(fresh.iter().filter(|f| f.is_fresh()).count(), 1200);
    assert_eq!(fresh[1200], NonceUse::Replayed);
    // A revoked station's nonces are not recorded, fresh or not; the others' are.
    assert_eq!(stations::revoke(&store, a).await.unwrap(), stations::Revocation::Revoked);
    let before = nonce_count(&store).await;
    let (n3, n4) = (vec![3u8; NONCE_LEN], vec![4u8; NONCE_LEN]);
    let batch = vec![(a, n3.clone(), t), (b, n3, t), (a, n2.clone(), t), (b, n4.clone(), t), (b, n4, t)];
    let uses = stations::use_nonces(&store, &batch, t).await.unwrap();
    use NonceUse::{Fresh, Replayed, Revoked};
    assert_eq!(uses, [Revoked, Fresh, Revoked, Fresh, Replayed]);
    assert_eq!(nonce_count(&store).await, before + 2);
}
both_backends!(nonce_batches, a_batch_of_nonces_answers_each);

/// Writers of one process that meet take turns at the write lock (on SQLite, a
/// queue in the process): 64 nonce writes at once all commit, none is lost and
/// none waits forever for a turn.
async fn concurrent_writers_take_turns(store: Store) {
    let (a, _) = enrolled(&store, StationKind::Booth, "1号").await;
    let t = now();
    let writes = (0..64u32).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            stations::use_nonce(&store, a as i64, &i.to_be_bytes().repeat(NONCE_LEN / 4), t, t)
                .await
                .map(NonceUse::is_fresh)
        })
    });
    for w in writes {
        assert!(w.await.unwrap().unwrap());
    }
    assert_eq!(nonce_count(&store).await, 64);
}
both_backends!(concurrent_writes, concurrent_writers_take_turns);

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> Self;
}

impl<T> Tap for T {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}
