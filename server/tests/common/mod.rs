//! Test stores on both backends. PostgreSQL tests need a server: by default
//! postgres://postgres@127.0.0.1:5432/test (override with HALLVOTE_TEST_POSTGRES);
//! when it cannot be reached they fail, they do not skip.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use hallvote_server::auth::Role;
use hallvote_server::auth::password::hash_password;
use hallvote_server::db::Store;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::http::{AppState, router};
use http_body_util::BodyExt;
use rand::RngExt;
use serde_json::{Value, json};
use tower::ServiceExt;

mod hall;
#[allow(unused_imports)] // each test uses its own part of it
pub use hall::{BallotDef, Hall, HallBuilder, data};

/// The PostgreSQL server the tests use.
pub fn postgres_url() -> String {
    std::env::var("HALLVOTE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh SQLite database in a temporary directory (kept alive by the returned guard).
pub async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("hallvote.db").display());
    (Store::open(&url).await.unwrap(), dir)
}

/// Drops a test's schema once it has passed (a failed test leaves it for a look).
pub async fn drop_schema(schema: &str) {
    let admin = Store::connect(&postgres_url()).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin.pool()).await.unwrap();
    admin.close().await;
}

/// A fresh, empty PostgreSQL schema of its own, so tests run side by side.
/// Returns the store and the schema's name.
pub async fn postgres() -> (Store, String) {
    let base = postgres_url();
    let admin = Store::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL tests need a server at {base} (set HALLVOTE_TEST_POSTGRES): {e}"));
    let schema = format!("hv_test_{:016x}", rand::rng().random::<u64>());
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.unwrap();
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    (Store::open(&url).await.unwrap(), schema)
}

/// Runs an async test body against both backends.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (store, _dir) = super::common::sqlite().await;
                super::$body(store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let (store, schema) = super::common::postgres().await;
                super::$body(store.clone()).await;
                store.close().await;
                super::common::drop_schema(&schema).await;
            }
        }
    };
}

pub const PASSWORD: &str = "hall-password-1";

/// A logged-in client: its cookie and CSRF token.
#[derive(Clone)]
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

pub async fn call(
    app: &Router,
    method: Method,
    path: &str,
    client: Option<&Client>,
    body: Option<Value>,
    lang: &str,
) -> (StatusCode, Value, Option<String>) {
    let mut req = Request::builder().method(method).uri(path).header(header::ACCEPT_LANGUAGE, lang);
    if let Some(c) = client {
        req = req.header(header::COOKIE, &c.cookie).header("x-csrf-token", &c.csrf);
    }
    let req = match body {
        Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let set_cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    // Pages and images are not JSON; they come back as a string of their length.
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(format!("{} bytes", bytes.len())))
    };
    (status, json, set_cookie)
}

/// Logs in with the tests' password; the session must come with a cookie only the
/// server reads, sent to this site only.
pub async fn login(app: &Router, username: &str) -> Client {
    let (status, body, cookie) =
        call(app, Method::POST, "/api/login", None, Some(json!({"username": username, "password": PASSWORD})), "zh-CN")
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    client_of(&cookie, &body)
}

/// Logs in (answers in English): the client, or the refusal.
pub async fn try_login(app: &Router, username: &str, password: &str) -> Result<Client, (StatusCode, Value)> {
    let body = json!({"username": username, "password": password});
    let (status, v, cookie) = call(app, Method::POST, "/api/login", None, Some(body), "en").await;
    if status != StatusCode::OK {
        return Err((status, v));
    }
    Ok(client_of(&cookie.unwrap(), &v))
}

/// The client a successful login made: its session cookie and CSRF token.
fn client_of(set_cookie: &str, body: &Value) -> Client {
    Client {
        cookie: set_cookie.split(';').next().unwrap().to_owned(),
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

pub async fn setup(store: Store) -> (Router, Vec<(Role, Client)>) {
    let state = AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng()));
    setup_with(state).await
}

/// [`setup`] on a state of the test's own (other limits), which it may keep to look into.
pub async fn setup_with(state: AppState) -> (Router, Vec<(Role, Client)>) {
    let store = state.store.clone();
    let mut rng = rand::rng();
    let hash = hash_password(PASSWORD, &mut rng).unwrap();
    for role in Role::ALL {
        let name = format!("{role}1");
        let new = NewAccount {
            username: &name,
            display_name: &name,
            role,
            password_hash: &hash,
            must_change_password: false,
        };
        accounts::create(&store, &new, 1).await.unwrap();
    }
    let app = router(state);
    let mut clients = Vec::new();
    for role in Role::ALL {
        clients.push((role, login(&app, &format!("{role}1")).await));
    }
    (app, clients)
}

/// Sends a raw body with a content type (an upload).
pub async fn upload(
    app: &Router,
    path: &str,
    client: &Client,
    content_type: &str,
    body: Vec<u8>,
    lang: &str,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::PUT)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::COOKIE, &client.cookie)
        .header("x-csrf-token", &client.csrf)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() })
}

/// The client logged in with `role`.
pub fn as_role(clients: &[(Role, Client)], role: Role) -> Client {
    clients.iter().find(|(r, _)| *r == role).unwrap().1.clone()
}

/// An enrolled hall station: its id and the key that signs its requests.
pub struct Station {
    pub id: u64,
    pub key: hallvote_crypto::sign::SigningKey,
}

/// Enrols a station through the HTTP API: the organiser issues a one-time token,
/// the station enrols its new key with it (spec §15.2–§15.4).
pub async fn enrol_station(app: &Router, organiser: &Client, kind: &str, name: &str) -> Station {
    let (status, issued, _) = call(
        app,
        Method::POST,
        "/api/stations/enrolments",
        Some(organiser),
        Some(json!({"kind": kind, "name": name, "server_url": "http://hall.local:8080"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let key = hallvote_crypto::sign::SigningKey::generate(&mut rand::rng());
    let (status, station) = enrol(app, issued["token"].as_str().unwrap(), &key).await;
    assert_eq!(status, StatusCode::CREATED, "{station}");
    Station { id: station["id"].as_u64().unwrap(), key }
}

/// A station enrols `key` with a one-time token (spec §15.4); the answer, in English.
pub async fn enrol(app: &Router, token: &str, key: &hallvote_crypto::sign::SigningKey) -> (StatusCode, Value) {
    let body = json!({"token": token, "public_key": hex::encode(key.verifying_key().as_bytes())});
    let (status, json, _) = call(app, Method::POST, "/api/stations/enrol", None, Some(body), "en").await;
    (status, json)
}

/// A request signed by a station (spec §15.5), with a raw body; the answer as JSON.
pub async fn station_raw(app: &Router, st: &Station, method: Method, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    station_raw_in(app, st, method, path, body, "en").await
}

/// [`station_raw`] asking for the answer in `lang`.
pub async fn station_raw_in(
    app: &Router,
    st: &Station,
    method: Method,
    path: &str,
    body: Vec<u8>,
    lang: &str,
) -> (StatusCode, Value) {
    let nonce: [u8; 16] = rand::rng().random();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut req = Request::builder().method(method.clone()).uri(path).header(header::ACCEPT_LANGUAGE, lang);
    for (name, value) in
        hallvote_server::stations_protocol::sign_request(&st.key, st.id, &method, path, now, &nonce, &body)
    {
        req = req.header(name, value);
    }
    if !body.is_empty() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() })
}

/// A station request with a JSON body (or none).
pub async fn station_call(
    app: &Router,
    st: &Station,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    station_raw(app, st, method, path, body.map(|b| b.to_string().into_bytes()).unwrap_or_default()).await
}

/// A GET whose answer is bytes (a download).
pub async fn get_bytes(app: &Router, path: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder().method(Method::GET).uri(path).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// Each scrutineer's station takes its key check (spec §5.7) with its key share:
/// a fresh test ciphertext, its decryption share of it; every one must pass.
pub async fn pass_key_checks(
    app: &Router,
    poll: i64,
    scrutineers: &[Station],
    key_shares: &[hallvote_crypto::threshold::KeyShare],
) {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    assert_eq!(scrutineers.len(), key_shares.len());
    for (st, share) in scrutineers.iter().zip(key_shares) {
        let path = format!("/api/station/polls/{poll}/key-check");
        let (status, test) = station_call(app, st, Method::POST, &format!("{path}/test"), None).await;
        assert_eq!(status, StatusCode::CREATED, "{test}");
        assert_eq!(test["index"], share.index());
        let election: [u8; 64] = STANDARD.decode(test["election"].as_str().unwrap()).unwrap().try_into().unwrap();
        let ciphertext = STANDARD.decode(test["ciphertext"].as_str().unwrap()).unwrap();
        let ciphertext = hallvote_crypto::elgamal::Ciphertext::decode(&ciphertext).unwrap();
        let answer = hallvote_tally::key_check::answer(share, &election, &ciphertext, &mut rand::rng());
        let body = json!({"share": STANDARD.encode(answer)});
        let (status, passed) = station_call(app, st, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{passed}");
        assert_eq!(passed["passed"], true);
    }
}

/// The key ceremony of a started poll, as its scrutineer stations run it (spec §5,
/// §5.6), each honest; returns their key shares, scrutineer 1 first. Along the way
/// each station checks what it is shown: its own index and the ceremony's id, that
/// every recipient key it seals to was published by that scrutineer's station (whose
/// key is in the manifest), that every share dealt to it verifies against its
/// dealer's commitments; the ceremony is ready with the last confirmation, not
/// before, and every station sees the joint key it computes itself, with all n
/// qualified.
pub async fn run_ceremony(
    app: &Router,
    poll: i64,
    scrutineers: &[Station],
) -> Vec<hallvote_crypto::threshold::KeyShare> {
    use hallvote_crypto::dkg::{Dealer, Params, ceremony_output, key_share};
    use hallvote_crypto::sealed::{RecipientKey, RecipientSecret, open_share, seal_share};
    use hallvote_tally::record::Manifest;
    let path = format!("/api/station/polls/{poll}/ceremony");
    let mut rng = rand::rng();
    let n = u32::try_from(scrutineers.len()).unwrap();
    let (status, view) = station_call(app, &scrutineers[0], Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let ceremony = unb64(&view["ceremony_id"]);
    let manifest = Manifest::decode(&unb64(&view["manifest"])).unwrap();
    let params = Params::new(u32::try_from(view["threshold"].as_u64().unwrap()).unwrap(), n).unwrap();
    assert_eq!(params.threshold(), manifest.threshold);
    let secrets: Vec<RecipientSecret> = (0..n).map(|_| RecipientSecret::generate(&mut rng)).collect();
    for ((j, st), sk) in (1..=n).zip(scrutineers).zip(&secrets) {
        let signature = sk.public().sign_publication(&st.key, &ceremony, j);
        let body = json!({"key": b64(sk.public().as_bytes()), "signature": b64(&signature)});
        let (status, v) = station_call(app, st, Method::POST, &format!("{path}/recipient"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    for (j, st) in (1..=n).zip(scrutineers) {
        let (_, view) = station_call(app, st, Method::GET, &path, None).await;
        assert_eq!(view["index"], j);
        assert_eq!(unb64(&view["ceremony_id"]), ceremony);
        let dealer = Dealer::new(params, j, &mut rng).unwrap();
        let shares: Vec<Value> = view["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let to = u32::try_from(r["index"].as_u64().unwrap()).unwrap();
                // Seal only to a key the recipient's station published.
                let published = unb64(&r["data"]);
                let key = RecipientKey::from_bytes(&published[..32]).unwrap();
                let station_key = &manifest.scrutineers[to as usize - 1].key;
                key.verify_publication(station_key, &ceremony, to, &published[32..]).unwrap();
                let sealed = seal_share(&key, &ceremony, &dealer.share_for(to).unwrap(), &mut rng).unwrap();
                json!({"recipient": to, "sealed": b64(&sealed)})
            })
            .collect();
        assert_eq!(shares.len(), scrutineers.len());
        let message = dealer.commitments(&ceremony, &mut rng).to_bytes();
        let body = json!({"message": b64(&message), "shares": shares});
        let (status, v) = station_call(app, st, Method::POST, &format!("{path}/dealing"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let mut received = Vec::new();
    for ((j, st), sk) in (1..=n).zip(scrutineers).zip(&secrets) {
        let (_, view) = station_call(app, st, Method::GET, &path, None).await;
        let messages = dealings(&view);
        let mine: Vec<_> = view["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let dealer = u32::try_from(s["index"].as_u64().unwrap()).unwrap();
                let share = open_share(sk, &ceremony, dealer, j, &unb64(&s["data"])).unwrap();
                share.verify(&messages[dealer as usize - 1]).unwrap();
                share
            })
            .collect();
        assert_eq!(mine.len(), scrutineers.len());
        received.push(mine);
        let body = json!({"complaints": []});
        let (status, v) = station_call(app, st, Method::POST, &format!("{path}/confirm"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["state"], if j == n { "ready" } else { "ceremony" }, "{v}");
    }
    let all: Vec<u32> = (1..=n).collect();
    let mut key_shares = Vec::new();
    for ((j, st), mine) in (1..=n).zip(scrutineers).zip(&received) {
        let (_, view) = station_call(app, st, Method::GET, &path, None).await;
        assert_eq!(view["state"], "ready", "{view}");
        let out = ceremony_output(params, &dealings(&view)).unwrap();
        assert_eq!(unb64(&view["joint_key"]), out.joint_key.element().as_bytes());
        assert_eq!(view["qualified"], json!(all));
        key_shares.push(key_share(j, mine, &out).unwrap());
    }
    key_shares
}

/// The dealers' messages in a station's view of the key ceremony
/// (`GET /api/station/polls/{id}/ceremony`), dealer 1 first, each decoded strictly.
pub fn dealings(view: &Value) -> Vec<hallvote_crypto::dkg::DealerCommitments> {
    view["dealings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| hallvote_crypto::dkg::DealerCommitments::decode(&unb64(&d["data"])).unwrap())
        .collect()
}

/// A base64 string of a JSON answer, decoded.
pub fn unb64(v: &Value) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap()
}

/// Bytes as the API's base64.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The stable code of a refusal's body ("" for none).
pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// The next server-sent event of a stream (skipping keep-alive comments), whole,
/// within 10 seconds.
pub async fn read_event(body: &mut Body) -> String {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("an event within 10 s")
            .expect("the stream is open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
            if text.contains("event:") && text.ends_with("\n\n") {
                return text;
            }
        }
    }
}
