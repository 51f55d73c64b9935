//! The hall display's event streams (issue 14, item 3): the streams of one session
//! share one reading of the figures per tick, however many they are; the number of
//! open streams is capped, over the cap a stream is refused in the JSON error schema
//! with `Retry-After`, and a stream that ends lets another in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use common::{as_role, call, setup_with};
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use hallvote_server::http::AppState;
use hallvote_server::http::display_feed::TICK;
use hallvote_server::http::stream_cap::StreamCap;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn key() -> hallvote_crypto::sign::SigningKey {
    hallvote_crypto::sign::SigningKey::generate(&mut rand::rng())
}

/// A session with two delegates on its roll; its id.
async fn session(store: &Store) -> i64 {
    let c = hallvote_server::db::congress::create_congress(store, "中国共产党青山镇第十五届代表大会", 15, 5, 1)
        .await
        .unwrap();
    let s = hallvote_server::db::congress::create_session(store, c.id, 3, "礼堂", "今天", "township-2020", 1)
        .await
        .unwrap();
    let rows =
        hallvote_server::roster::parse_csv("姓名,代表团,代表证号\n甲,一团,A1\n乙,一团,A2\n".as_bytes()).unwrap().rows;
    hallvote_server::db::roster::import(store, c.id, &rows).await.unwrap();
    s.id
}

/// Opens the session's event stream from `from` (none: in-process), in `lang`.
async fn open(app: &Router, session: i64, from: Option<&str>, lang: &str) -> axum::response::Response {
    let mut req = Request::get(format!("/api/sessions/{session}/events"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .body(Body::empty())
        .unwrap();
    if let Some(addr) = from {
        req.extensions_mut().insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
    }
    app.clone().oneshot(req).await.unwrap()
}

/// The next server-sent event (skipping keep-alive comments), within 10 seconds.
async fn read_event(body: &mut Body) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("an event within 10 s")
            .expect("the stream is open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            let text = String::from_utf8(data.to_vec()).unwrap();
            if text.contains("event:") {
                return text;
            }
        }
    }
}

/// A refusal: its status, `Retry-After` and JSON body.
async fn refusal(res: axum::response::Response) -> (StatusCode, Option<String>, Value) {
    let status = res.status();
    let retry = res.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, retry, serde_json::from_slice(&bytes).unwrap())
}

/// Forty streams on one session: the figures are read once per tick, not forty
/// times (each stream read them itself before: 400 streams took 1.5 of 2 cores).
/// A check-in still reaches every stream.
async fn streams_share_one_reading_per_tick(store: Store) {
    const STREAMS: usize = 40;
    let sid = session(&store).await;
    let state = AppState::new(store, key());
    let (app, clients) = setup_with(state.clone()).await;
    let desk = as_role(&clients, Role::Desk);
    let mut bodies = Vec::new();
    for i in 0..STREAMS {
        let res = open(&app, sid, Some(&format!("192.0.2.{}:40000", 1 + i / 8)), "zh-CN").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        let mut body = res.into_body();
        let first = read_event(&mut body).await;
        assert!(first.contains("event: figures") && first.contains("\"present\":0"), "{first}");
        bodies.push(body);
    }
    assert_eq!(state.display_streams.open(), STREAMS);
    assert_eq!(state.display_feeds.running(), 1);
    let (before, started) = (state.display_feeds.computations(), Instant::now());
    tokio::time::sleep(TICK * 3).await;
    let (readings, ticks) =
        (state.display_feeds.computations() - before, started.elapsed().as_secs_f64() / TICK.as_secs_f64());
    assert!(readings as f64 <= ticks + 1.0, "{readings} readings in {ticks:.1} ticks for {STREAMS} streams");
    assert!(readings >= 1, "the feed goes on reading while it has listeners");

    let (status, _, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "A1"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for body in &mut bodies {
        let next = read_event(body).await;
        assert!(next.contains("\"present\":1"), "{next}");
    }
    // When the last stream has gone, the feed stops reading.
    drop(bodies);
    assert_eq!(state.display_streams.open(), 0);
    tokio::time::sleep(TICK * 2).await;
    assert_eq!(state.display_feeds.running(), 0);
    let stopped = state.display_feeds.computations();
    tokio::time::sleep(TICK * 2).await;
    assert_eq!(state.display_feeds.computations(), stopped);
}
both_backends!(shared_feed, streams_share_one_reading_per_tick);

/// Over the cap a stream is refused, 429 per address and 503 in all, in the error
/// schema with `Retry-After` and in the request's language; a stream that ends
/// gives its place to the next.
#[tokio::test]
async fn the_stream_cap_refuses_the_next_and_a_closed_stream_lets_another_in() {
    let (store, _dir) = common::sqlite().await;
    let sid = session(&store).await;
    let state = AppState::new(store, key()).with_display_streams(StreamCap::new(3, 2));
    let (app, _) = setup_with(state.clone()).await;
    let a = Some("192.0.2.1:40000");
    let first = open(&app, sid, a, "en").await;
    assert_eq!(first.status(), StatusCode::OK);
    let second = open(&app, sid, a, "en").await;
    assert_eq!(second.status(), StatusCode::OK);
    let (status, retry, body) = refusal(open(&app, sid, a, "en").await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_streams")));
    assert!(body["error"]["message"].as_str().unwrap().contains("Too many hall-display connections"), "{body}");
    assert_eq!(retry.as_deref(), Some("10"));
    let third = open(&app, sid, Some("192.0.2.2:40000"), "zh-CN").await;
    assert_eq!(third.status(), StatusCode::OK);
    let (status, retry, body) = refusal(open(&app, sid, Some("192.0.2.3:40000"), "zh-CN").await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("display_full")));
    assert_eq!(body["error"]["message"], "大屏幕连接已满，请稍后再试。");
    assert!(retry.is_some());
    // English too, with its header kept.
    let (status, retry, body) = refusal(open(&app, sid, None, "en").await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("The server has all"), "{body}");
    assert_eq!(retry.as_deref(), Some("10"));

    // The first display is closed: its place goes to the next.
    drop(first);
    assert_eq!(state.display_streams.open(), 2);
    let next = open(&app, sid, Some("192.0.2.3:40000"), "zh-CN").await;
    assert_eq!(next.status(), StatusCode::OK);
    let event = read_event(&mut next.into_body()).await;
    assert!(event.contains("event: figures"), "{event}");
    // An unknown session is still 404 and takes no place.
    drop((second, third));
    let (status, _, body) = refusal(open(&app, 999_999, a, "en").await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(state.display_streams.open(), 0);
}

/// Two server processes on one database each have their own feed, and both show
/// what either was told.
async fn two_processes_show_the_same_figures(store: Store) {
    let sid = session(&store).await;
    let (one, clients) = setup_with(AppState::new(store.clone(), key())).await;
    let two = hallvote_server::http::router(AppState::new(store, key()));
    let desk = as_role(&clients, Role::Desk);
    let mut streams = Vec::new();
    for app in [&one, &two] {
        let mut body = open(app, sid, None, "zh-CN").await.into_body();
        assert!(read_event(&mut body).await.contains("\"present\":0"));
        streams.push(body);
    }
    let (status, _, _) = call(
        &one,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "A2"})),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for body in &mut streams {
        let next = read_event(body).await;
        assert!(next.contains("\"present\":1"), "{next}");
    }
}
both_backends!(two_processes, two_processes_show_the_same_figures);

/// Issue 16: `?lang=en` makes the display English — the page, its script's words
/// and the figures it follows — without a cookie that would turn the next page
/// English too; without it the display is in Chinese whatever the browser asks.
#[tokio::test]
async fn lang_en_switches_the_display_and_its_feed_and_is_not_remembered() {
    let (store, _dir) = common::sqlite().await;
    let sid = session(&store).await;
    let (app, _) = setup_with(AppState::new(store, key())).await;
    let page = |path: String| {
        let app = app.clone();
        async move {
            let req = Request::get(path).body(Body::empty()).unwrap();
            let res = app.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.headers().get(header::SET_COOKIE).is_none(), "the display leaves no language cookie");
            String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
        }
    };
    let en = page(format!("/display/sessions/{sid}?lang=en")).await;
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    for word in ["\"lang\":\"en\"", "\"present\":\"Present\"", "Page {n} of {m}", "Ballots issued", ", session 3"] {
        assert!(en.contains(word), "{word} in {en}");
    }
    assert!(!en.contains("第 {n}/{m} 页") && !en.contains("实到"), "no Chinese words: {en}");
    // Without `?lang=` the page is Chinese, even in a browser that asks for English.
    let req = Request::get(format!("/display/sessions/{sid}"))
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .header(header::COOKIE, "hallvote_lang=en")
        .body(Body::empty())
        .unwrap();
    let zh = String::from_utf8(
        app.clone().oneshot(req).await.unwrap().into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
    .unwrap();
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("第 {n}/{m} 页") && zh.contains("第三次会议"));
    // The feed the English page follows is English.
    let (status, f) = common::get_bytes(&app, &format!("/api/sessions/{sid}/figures?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    let f: Value = serde_json::from_slice(&f).unwrap();
    assert_eq!(f["session"], "中国共产党青山镇第十五届代表大会, session 3");
    let req = Request::get(format!("/api/sessions/{sid}/events?lang=en")).body(Body::empty()).unwrap();
    let mut body = app.clone().oneshot(req).await.unwrap().into_body();
    assert!(read_event(&mut body).await.contains(", session 3"));
}
