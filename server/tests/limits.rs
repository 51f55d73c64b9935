//! The rate limits (docs/adr/0013): over its limit a client is answered 429
//! `rate_limited` with `Retry-After`, in its language; another client is not
//! affected; a request without a peer address (in-process) is not limited. A
//! verified station is counted by its station id, not its address (issue 14,
//! item 5: 200 booths behind one address had 150 of 400 requests refused); a
//! forged station claim is counted by address; IPv6 hosts count apart within a
//! budget per /64. And the real server, plain or with TLS, counts by the peer
//! address of its connections.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use common::{Station, as_role, enrol_station, setup_with};
use hallvote_server::auth::Role;
use hallvote_server::config::{ServeConfig, TlsSource};
use hallvote_server::db::Store;
use hallvote_server::http::limits::{BURST, Limits, RateLimit};
use hallvote_server::http::{AppState, router};
use hallvote_server::tls::PinnedCertVerifier;
use http_body_util::BodyExt;
use rand::RngExt;
use rustls::pki_types::ServerName;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tower::ServiceExt;

fn key() -> hallvote_crypto::sign::SigningKey {
    hallvote_crypto::sign::SigningKey::generate(&mut rand::rng())
}

/// The whole application on `store` with `limits`.
fn app(store: Store, limits: Limits) -> Router {
    router(AppState::new(store, key()).with_limits(limits))
}

/// A request's answer: status, `Retry-After`, JSON body.
type Answer = (StatusCode, Option<String>, Value);

async fn answer(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let retry = res.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, retry, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// GET /healthz from `from` (none: in-process), in `lang`.
async fn send(app: &Router, from: Option<&str>, lang: &str) -> Answer {
    let mut req = Request::builder().uri("/healthz").header(header::ACCEPT_LANGUAGE, lang).body(Body::empty()).unwrap();
    if let Some(addr) = from {
        req.extensions_mut().insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
    }
    answer(app, req).await
}

/// A request of station `id` signed with `key` (a forgery if it is not the station's),
/// from `from`.
fn signed(id: u64, key: &hallvote_crypto::sign::SigningKey, method: Method, path: &str, from: &str) -> Request<Body> {
    let nonce: [u8; 16] = rand::rng().random();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let body = if method == Method::POST { br#"{"credential":"","ballot":""}"#.to_vec() } else { Vec::new() };
    let mut req = Request::builder().method(method.clone()).uri(path).header(header::ACCEPT_LANGUAGE, "en");
    for (name, value) in hallvote_server::stations_protocol::sign_request(key, id, &method, path, now, &nonce, &body) {
        req = req.header(name, value);
    }
    if !body.is_empty() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let mut req = req.body(Body::from(body)).unwrap();
    req.extensions_mut().insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
    req
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn over_the_limit_one_address_waits_and_the_others_do_not() {
    let (store, _dir) = common::sqlite().await;
    // One request a second, bursts of three: the fourth at once is refused.
    let small = RateLimit { per_second: 1, burst: 3 };
    let app = app(store, Limits::new(small, RateLimit::PER_NETWORK, RateLimit::PER_STATION));
    for _ in 0..3 {
        assert_eq!(send(&app, Some("192.0.2.7:50000"), "en").await.0, StatusCode::OK);
    }
    let (status, retry, body) = send(&app, Some("192.0.2.7:50001"), "en").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(code(&body), "rate_limited");
    assert!(body["error"]["message"].as_str().unwrap().contains("Too many requests"), "{body}");
    // In Chinese by default.
    let (status, _, body) = send(&app, Some("192.0.2.7:50002"), "zh-CN").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["message"], "请求过于频繁，请稍后再试。");
    // Another address has its own bucket.
    assert_eq!(send(&app, Some("192.0.2.8:50000"), "en").await.0, StatusCode::OK);
    // A request with no peer address (a router called in-process) is not limited.
    for _ in 0..10 {
        assert_eq!(send(&app, None, "en").await.0, StatusCode::OK);
    }
}

/// Issue 14, item 5: 200 enrolled booths behind one address (a NAT, or a hall
/// router) start together, each asking who it is and casting at once: 400
/// requests, twice the burst of one address. Each is counted against its booth,
/// so every one reaches its handler; none is refused by the limit.
async fn booths_behind_one_address_are_all_served(store: Store) {
    let state = AppState::new(store, key());
    let (app, clients) = setup_with(state).await;
    let org = as_role(&clients, Role::Organiser);
    let mut booths: Vec<Station> = Vec::new();
    for b in 1..=200 {
        booths.push(enrol_station(&app, &org, "booth", &format!("投票机{b}")).await);
    }
    let booths = Arc::new(booths);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..booths.len() {
        for path in ["/api/stations/whoami", "/api/station/polls/999999/cast"] {
            let (app, booths) = (app.clone(), Arc::clone(&booths));
            tasks.spawn(async move {
                let st = &booths[i];
                let method = if path.ends_with("cast") { Method::POST } else { Method::GET };
                let (status, _, body) = answer(&app, signed(st.id, &st.key, method, path, "192.0.2.50:40000")).await;
                (st.id, path, status, body)
            });
        }
    }
    let mut served = 0;
    while let Some(r) = tasks.join_next().await {
        let (id, path, status, body) = r.unwrap();
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{path} of booth {id}: {body}");
        if path.ends_with("whoami") {
            assert_eq!((status, body["id"].as_u64()), (StatusCode::OK, Some(id)), "{body}");
        } else {
            // The cast reached its handler, which found no such poll.
            assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"), "{body}");
        }
        served += 1;
    }
    assert_eq!(served, 400);
    // The address's own bucket is untouched: anonymous requests from it have their whole burst.
    for _ in 0..BURST {
        assert_eq!(send(&app, Some("192.0.2.50:40001"), "en").await.0, StatusCode::OK);
    }
}
both_backends!(booths_behind_one_address, booths_behind_one_address_are_all_served);

/// A request that claims to be a station but whose signature does not verify is
/// refused and counted against its address, like any anonymous request: it does
/// not get the station's rate. The real booth on the same address still is served.
async fn a_forged_station_claim_counts_against_its_address(store: Store) {
    let small = RateLimit { per_second: 1, burst: 3 };
    let state =
        AppState::new(store, key()).with_limits(Limits::new(small, RateLimit::PER_NETWORK, RateLimit::PER_STATION));
    let (app, clients) = setup_with(state.clone()).await;
    let org = as_role(&clients, Role::Organiser);
    let booth = enrol_station(&app, &org, "booth", "投票机1").await;
    let from = "192.0.2.60:40000";
    let forger = key();
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(answer(&app, signed(booth.id, &forger, Method::GET, "/api/stations/whoami", from)).await);
    }
    let codes: Vec<&str> = answers.iter().map(|(_, _, b)| code(b)).collect();
    assert_eq!(
        codes,
        ["bad_station_signature", "bad_station_signature", "bad_station_signature", "rate_limited", "rate_limited"]
    );
    assert_eq!(answers[3].0, StatusCode::TOO_MANY_REQUESTS);
    assert!(answers[3].1.is_some(), "Retry-After");
    // So is an anonymous request from that address now...
    assert_eq!(send(&app, Some("192.0.2.60:40001"), "en").await.0, StatusCode::TOO_MANY_REQUESTS);
    // ...and a claim of a station that does not exist.
    let (status, _, body) = answer(&app, signed(9999, &forger, Method::GET, "/api/stations/whoami", from)).await;
    assert_eq!((status, code(&body)), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    // The booth itself, on the same address, has its station's bucket.
    for _ in 0..10 {
        let (status, _, body) =
            answer(&app, signed(booth.id, &booth.key, Method::GET, "/api/stations/whoami", from)).await;
        assert_eq!((status, body["id"].as_u64()), (StatusCode::OK, Some(booth.id)), "{body}");
    }
    // Its address is now known as a station's (the hint for the connection layer); the forger's alone would not be.
    assert!(state.known_stations.is_known("192.0.2.60".parse().unwrap()));
    assert!(!state.known_stations.is_known("192.0.2.61".parse().unwrap()));
}
both_backends!(forged_station_claim, a_forged_station_claim_counts_against_its_address);

/// An address that keeps sending forged station claims has them refused before
/// they are verified, once its failed claims are used up (ten), even while its
/// address bucket has room.
#[tokio::test]
async fn forged_claims_are_refused_unverified_once_their_bucket_is_empty() {
    let (store, _dir) = common::sqlite().await;
    let state = AppState::new(store, key());
    let (app, clients) = setup_with(state).await;
    let org = as_role(&clients, Role::Organiser);
    let booth = enrol_station(&app, &org, "booth", "投票机1").await;
    let forger = key();
    let from = "192.0.2.70:40000";
    let mut codes = Vec::new();
    for _ in 0..12 {
        let (_, _, body) = answer(&app, signed(booth.id, &forger, Method::GET, "/api/stations/whoami", from)).await;
        codes.push(code(&body).to_owned());
    }
    assert_eq!(codes.iter().filter(|c| *c == "bad_station_signature").count(), 10, "{codes:?}");
    assert_eq!(codes[10..], ["rate_limited", "rate_limited"]);
    // Anonymous requests of that address are still within its bucket.
    assert_eq!(send(&app, Some("192.0.2.70:40001"), "en").await.0, StatusCode::OK);
}

/// Two IPv6 hosts in one /64 each have their own bucket, but together they cannot
/// go past the /64's budget; a host of another /64 is not affected.
#[tokio::test]
async fn ipv6_hosts_have_their_own_buckets_within_their_slash_64() {
    let (store, _dir) = common::sqlite().await;
    let host = RateLimit { per_second: 1, burst: 3 };
    let network = RateLimit { per_second: 1, burst: 5 };
    let app = app(store, Limits::new(host, network, RateLimit::PER_STATION));
    let a = "[2001:db8:1:2::a]:50000";
    let b = "[2001:db8:1:2::b]:50000";
    for _ in 0..3 {
        assert_eq!(send(&app, Some(a), "en").await.0, StatusCode::OK);
    }
    assert_eq!(send(&app, Some(a), "en").await.0, StatusCode::TOO_MANY_REQUESTS, "a's own bucket");
    // b has a bucket of its own, but only two of the /64's five are left.
    assert_eq!(send(&app, Some(b), "en").await.0, StatusCode::OK);
    assert_eq!(send(&app, Some(b), "en").await.0, StatusCode::OK);
    let (status, retry, body) = send(&app, Some(b), "en").await;
    assert_eq!((status, code(&body)), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert_eq!(retry.as_deref(), Some("1"));
    // Neither can a third address of that /64 escape it.
    assert_eq!(send(&app, Some("[2001:db8:1:2::c]:50000"), "en").await.0, StatusCode::TOO_MANY_REQUESTS);
    // Another /64 is not affected.
    assert_eq!(send(&app, Some("[2001:db8:1:3::a]:50000"), "en").await.0, StatusCode::OK);
}

/// GET /healthz on one keep-alive connection until the server answers 429 or
/// `max` requests have gone; the number answered 200, and the 429's head.
async fn until_refused(
    stream: impl AsyncRead + AsyncWrite + Unpin,
    addr: SocketAddr,
    max: usize,
) -> (usize, Option<String>) {
    let mut stream = BufReader::new(stream);
    for ok in 0..max {
        stream.get_mut().write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).await.unwrap();
        let mut head = String::new();
        loop {
            let mut line = String::new();
            assert!(stream.read_line(&mut line).await.unwrap() > 0, "connection closed after {ok} requests");
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let length: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|n| n.trim().parse().unwrap()))
            .unwrap();
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await.unwrap();
        if head.starts_with("HTTP/1.1 429") {
            head.push_str(&String::from_utf8(body).unwrap());
            return (ok, Some(head));
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    }
    (max, None)
}

/// The real server, plain or with TLS, meets one client's burst with a 429.
async fn real_server_limits_by_peer_address(tls: Option<TlsSource>) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServeConfig {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("hallvote.db").display()),
        listen: "127.0.0.1:0".parse().unwrap(),
        key_file: dir.path().join("hallvote-server.key"),
        tls,
        connections: Default::default(),
    };
    let server = hallvote_server::Server::bind(&config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let pinned = server.tls().map(|t| t.fingerprint.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    // The burst goes through; the sustained rate refills 50 a second, so 1,000
    // requests in well under 16 s meet the limit. Bounded: at most 1,000 requests.
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (ok, refused) = match pinned {
        None => until_refused(tcp, addr, 1000).await,
        Some(fp) => {
            let connector = TlsConnector::from(Arc::new(PinnedCertVerifier::client_config(&fp).unwrap()));
            let stream = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.unwrap();
            until_refused(stream, addr, 1000).await
        }
    };
    let refused = refused.expect("the limit is reached");
    assert!(ok >= BURST as usize, "{ok} requests before the first 429");
    assert!(refused.to_ascii_lowercase().contains("retry-after: "), "{refused}");
    assert!(refused.contains("\"rate_limited\""), "{refused}");
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_limits_by_peer_address() {
    real_server_limits_by_peer_address(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_limits_by_peer_address_over_tls() {
    real_server_limits_by_peer_address(Some(TlsSource::SelfSigned)).await;
}
