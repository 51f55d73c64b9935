//! A real hallvote server on a local TCP port (SQLite in a temporary folder), and the
//! organiser's side of a session through its HTTP API: login, congress, session,
//! roster, check-in, poll, enrolment codes for the stations, officers and the poll's
//! lifecycle. Adapted from `server/tests/common/mod.rs` and `server/src/loadtest.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::net::SocketAddr;

use axum::body::Bytes;
use hallvote_server::auth::Role;
use hallvote_server::auth::password::hash_password;
use hallvote_server::db::Store;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::http::{AppState, router};
use http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

/// The organiser's password.
pub const PASSWORD: &str = "organiser-password-1";

/// A running server: its address and the temporary folder of its database.
pub struct Server {
    pub addr: SocketAddr,
    pub url: String,
    pub dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server on a fresh SQLite database with one organiser account
/// (`organiser1`), listening on 127.0.0.1 on a free port.
pub async fn start_server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("hallvote.db").display());
    let store = Store::open(&url).await.unwrap();
    let hash = hash_password(PASSWORD, &mut rand::rng()).unwrap();
    let new = NewAccount {
        username: "organiser1",
        display_name: "会务组",
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: false,
    };
    accounts::create(&store, &new, 0).await.unwrap();
    let state = AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Without the client's address, as the load test does: every station of the test
    // comes from 127.0.0.1, which the per-address rate limit would take for one client.
    let app = router(state).into_make_service();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server { addr, url: format!("http://{addr}"), dir, task }
}

/// One HTTP/1.1 request on a new connection; the answer's status, JSON body (or the
/// body as a string when it is not JSON) and `Set-Cookie`.
pub async fn http(
    addr: SocketAddr,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value, Option<String>) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let mut req = Request::builder().method(method).uri(path).header(header::HOST, addr.to_string());
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let res = sender.send_request(req.body(Full::new(Bytes::from(body))).unwrap()).await.unwrap();
    let status = res.status();
    let cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, json, cookie)
}

/// The organiser, logged in.
pub struct Organiser {
    addr: SocketAddr,
    cookie: String,
    csrf: String,
}

impl Organiser {
    /// Logs in as `organiser1`.
    pub async fn login(server: &Server) -> Self {
        let body = json!({"username": "organiser1", "password": PASSWORD}).to_string().into_bytes();
        let (status, answer, cookie) =
            http(server.addr, Method::POST, "/api/login", &[], Some("application/json"), body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        Self {
            addr: server.addr,
            cookie: cookie.unwrap().split(';').next().unwrap().to_owned(),
            csrf: answer["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    /// A request with a body of `content_type`; the status and the answer.
    pub async fn send(&self, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let headers =
            [("cookie", self.cookie.as_str()), ("x-csrf-token", self.csrf.as_str()), ("accept-language", "en")];
        let ct = (!body.is_empty()).then_some(content_type);
        let (status, json, _) = http(self.addr, method, path, &headers, ct, body).await;
        (status, json)
    }

    /// A JSON request; the status and the answer.
    pub async fn try_call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.send(method, path, "application/json", body.map(|b| b.to_string().into_bytes()).unwrap_or_default()).await
    }

    /// A JSON request that must succeed; the answer.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, json) = self.try_call(method, path, body).await;
        assert!(status.is_success(), "{path}: {status} {json}");
        json
    }

    /// A congress, its third session, a roll of `delegates` (cards L00001…) all
    /// checked in; the session's id.
    pub async fn session(&self, delegates: usize) -> i64 {
        let c = self
            .call(
                Method::POST,
                "/api/congresses",
                Some(json!({"name": "中国共产党青山镇第十五届代表大会", "number": 15})),
            )
            .await;
        let cid = c["id"].as_i64().unwrap();
        let s = self
            .call(
                Method::POST,
                &format!("/api/congresses/{cid}/sessions"),
                Some(json!({"number": 3, "place": "镇政府大礼堂", "date": "2026年11月28日"})),
            )
            .await;
        let sid = s["id"].as_i64().unwrap();
        let mut csv = String::from("姓名,代表团,代表证号\n");
        for i in 1..=delegates {
            csv.push_str(&format!("代表{i},第一代表团,L{i:05}\n"));
        }
        let (status, report) =
            self.send(Method::PUT, &format!("/api/congresses/{cid}/roster"), "text/csv", csv.into_bytes()).await;
        assert!(status.is_success(), "roster: {status} {report}");
        for i in 1..=delegates {
            self.call(Method::POST, &format!("/api/sessions/{sid}/checkin"), Some(json!({"card": format!("L{i:05}")})))
                .await;
        }
        sid
    }

    /// A one-time enrolment code (the QR text) for a station of `kind` reaching the
    /// server at `server_url`.
    pub async fn enrolment_code(&self, kind: &str, name: &str, server_url: &str) -> String {
        let issued = self
            .call(
                Method::POST,
                "/api/stations/enrolments",
                Some(json!({"kind": kind, "name": name, "server_url": server_url})),
            )
            .await;
        issued["qr_text"].as_str().unwrap().to_owned()
    }
}

/// An election of 2 from 3 candidates and a motion.
pub fn poll_definition() -> Value {
    json!({ "name": "第一次投票", "contests": [
        { "id": "committee", "title": "选举镇党委委员", "type": "election", "kind": "competitive",
          "by_election": false, "seats": 2,
          "candidates": [{"name": "张伟"}, {"name": "王芳"}, {"name": "李娜"}] },
        { "id": "report", "title": "表决", "type": "motion", "items": ["关于镇党委工作报告的决议"] }
    ]})
}
