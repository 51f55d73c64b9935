//! A station's link sends a request the server's rate limit refused (429) again after
//! the server's `Retry-After`, with the same body; it gives up after a few refusals
//! (issue 14, item 5: a booth's cast failed with `rate_limited` and was not retried).
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
