//! The per-client rate limit (docs/adr/0011): over it a client is answered 429
//! `rate_limited` with `Retry-After`, in its language; another client is not
//! affected; a request without a peer address (in-process) is not limited. And the
//! real server, plain or with TLS, counts by the peer address of its connections.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use hallvote_server::config::{ServeConfig, TlsSource};
use hallvote_server::http::limits::{self, BURST, RateLimit, RateLimiter};
use hallvote_server::tls::PinnedCertVerifier;
use http_body_util::BodyExt;
use rustls::pki_types::ServerName;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tower::ServiceExt;

fn app(limit: RateLimit) -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .layer(from_fn_with_state(RateLimiter::new(limit), limits::rate_limit))
}

async fn send(app: &Router, from: Option<&str>, lang: &str) -> (StatusCode, Option<String>, Value) {
    let mut req = Request::builder().uri("/").header(header::ACCEPT_LANGUAGE, lang).body(Body::empty()).unwrap();
    if let Some(addr) = from {
        req.extensions_mut().insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
    }
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let retry = res.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, retry, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn over_the_limit_one_address_waits_and_the_others_do_not() {
    // One request a second, bursts of three: the fourth at once is refused.
    let app = app(RateLimit { per_second: 1, burst: 3 });
    for _ in 0..3 {
        assert_eq!(send(&app, Some("192.0.2.7:50000"), "en").await.0, StatusCode::OK);
    }
    let (status, retry, body) = send(&app, Some("192.0.2.7:50001"), "en").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"].as_str().unwrap().contains("Too many requests"), "{body}");
    // In Chinese by default.
    let (status, _, body) = send(&app, Some("192.0.2.7:50002"), "zh-CN").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["message"], "请求过于频繁，请稍后再试。");
    // Another station has its own bucket.
    assert_eq!(send(&app, Some("192.0.2.8:50000"), "en").await.0, StatusCode::OK);
    // A request with no peer address (a router called in-process) is not limited.
    for _ in 0..10 {
        assert_eq!(send(&app, None, "en").await.0, StatusCode::OK);
    }
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
