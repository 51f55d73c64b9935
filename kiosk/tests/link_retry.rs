//! A station's link sends a request the server's rate limit refused (429) again after
//! the server's `Retry-After`, with the same body; it gives up after a few refusals
//! (issue 14, item 5: a booth's cast failed with `rate_limited` and was not retried).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use hallvote_kiosk::link::{Link, RATE_LIMIT_RETRIES};
use http::Method;
use serde_json::json;

/// A server that refuses the first `refusals` requests with 429 and `Retry-After: 1`,
/// then answers 200 with the body it got; it records every body.
async fn server(refusals: usize) -> (String, Arc<Mutex<Vec<Bytes>>>) {
    let seen: Arc<Mutex<Vec<Bytes>>> = Arc::default();
    let log = Arc::clone(&seen);
    let app = Router::new().route(
        "/api/station/polls/1/cast",
        post(move |_: HeaderMap, body: Bytes| {
            let log = Arc::clone(&log);
            async move {
                let n = {
                    let mut l = log.lock().unwrap();
                    l.push(body.clone());
                    l.len()
                };
                if n <= refusals {
                    let body = json!({"error": {"code": "rate_limited", "message": "请求过于频繁，请稍后再试。"}});
                    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")], axum::Json(body)).into_response()
                } else {
                    (StatusCode::OK, body).into_response()
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn a_rate_limited_request_is_sent_again_with_the_same_body() {
    let (url, seen) = server(2).await;
    let link = Link::new(&url, None).unwrap();
    let body = json!({"credential": "AAAA", "ballot": "BBBB"});
    let a = link.call(Method::POST, "/api/station/polls/1/cast", Some(&body)).await.unwrap();
    assert_eq!(a.status, StatusCode::OK);
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 3, "two refusals, then the answer");
    assert!(bodies.iter().all(|b| b == &bodies[0]), "the same body every time");
    assert_eq!(a.body, bodies[0]);
}

#[tokio::test]
async fn a_link_gives_up_after_a_few_refusals() {
    let (url, seen) = server(100).await;
    let link = Link::new(&url, None).unwrap();
    let a = link.call(Method::POST, "/api/station/polls/1/cast", Some(&json!({}))).await.unwrap();
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.error_code(), Some("rate_limited"));
    assert_eq!(seen.lock().unwrap().len(), RATE_LIMIT_RETRIES as usize + 1);
}

/// A real server whose stations may each make one request a second, counted by
/// station (the server's own limits, connections with their peer address), with an
/// organiser account; its URL and the organiser.
async fn strict_server(dir: &std::path::Path) -> (String, hallvote_kiosk::organiser::Organiser) {
    use hallvote_server::http::limits::{Limits, RateLimit};
    let store = hallvote_server::db::Store::open(&format!("sqlite://{}?mode=rwc", dir.join("hallvote.db").display()))
        .await
        .unwrap();
    support::organiser_account(&store).await;
    let one_a_second = RateLimit { per_second: 1, burst: 1 };
    let state =
        hallvote_server::http::AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng()))
            .with_limits(Limits::new(RateLimit::PER_HOST, RateLimit::PER_NETWORK, one_a_second));
    let app = hallvote_server::http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let org =
        hallvote_kiosk::organiser::Organiser::login(Link::new(&url, None).unwrap(), "organiser", support::PASSWORD)
            .await
            .unwrap();
    (url, org)
}

/// The desk and the scrutineer station go through the same link: a request the
/// server's limit refuses is sent again after its `Retry-After` (signed afresh),
/// not shown to the clerk or the scrutineer as a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_and_the_scrutineer_wait_out_the_servers_limit() {
    use hallvote_kiosk::desk::Desk;
    use hallvote_kiosk::scrutineer::{Scrutineer, ScrutineerError};
    use hallvote_protocol::stations::StationKind;
    let dir = tempfile::tempdir().unwrap();
    let (url, org) = strict_server(dir.path()).await;
    let desk = support::enrol(&org, &url, &dir.path().join("desk"), StationKind::Desk, "desk").await;
    let desk = Desk::new(desk.link().unwrap());
    // One request a second for this desk: the second and third are refused with
    // 429 at first, and the link sends them again.
    for _ in 0..3 {
        desk.sessions().await.unwrap();
    }
    let station =
        support::enrol(&org, &url, &dir.path().join("scrutineer"), StationKind::Scrutineer, "scrutineer").await;
    let scrutineer = Scrutineer::new(&station, dir.path().join("shares")).unwrap();
    for _ in 0..2 {
        // No poll 999999: the server's own refusal, not its rate limit.
        match scrutineer.ceremony_status(999_999, hallvote_tally::Lang::En).await {
            Err(ScrutineerError::Refused(r)) => assert_ne!(r.code, "rate_limited"),
            other => panic!("{other:?}"),
        }
    }
}

/// A local address where nothing listens (a port bound, then released).
fn dead_address() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

#[tokio::test]
async fn a_link_with_a_standby_sends_the_same_body_to_it_when_the_server_does_not_answer() {
    let (standby, seen) = server(0).await;
    let dead = dead_address();
    // Without a standby address, no answer is no answer (a hall with one server).
    let alone = Link::new(&dead, None).unwrap();
    let body = json!({"credential": "AAAA", "ballot": "BBBB"});
    let err = alone.call(Method::POST, "/api/station/polls/1/cast", Some(&body)).await.unwrap_err();
    assert!(matches!(err, hallvote_kiosk::link::LinkError::Unreachable(_)), "{err}");
    // With one, the request goes to the standby, and the link keeps to it after.
    let link = Link::new(&dead, None).unwrap().with_standby(&standby).unwrap();
    assert_eq!(link.authority(), dead.trim_start_matches("http://"));
    let a = link.call(Method::POST, "/api/station/polls/1/cast", Some(&body)).await.unwrap();
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(link.authority(), standby.trim_start_matches("http://"), "the link keeps to the address that answered");
    let again = link.clone().call(Method::POST, "/api/station/polls/1/cast", Some(&body)).await.unwrap();
    assert_eq!(again.body, a.body);
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2, "both requests reached the standby");
    assert!(bodies.iter().all(|b| b == &bodies[0]));
    // A standby of another scheme than the server's is refused: one fingerprint pins both.
    assert!(Link::new(&dead, None).unwrap().with_standby("https://127.0.0.1:1").is_err());
}
