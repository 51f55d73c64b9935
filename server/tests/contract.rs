//! Every refusal, from every layer, is the JSON error schema (spec §14.2): the
//! router's 404 and 405, a path or query that does not parse (an id of 2^63), a
//! body over the limit, and out-of-range paging of the audit log (issue 14, item 8).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{as_role, call, setup, upload};
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use serde_json::{Value, json};

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_else(|| panic!("not the error schema: {v}"))
}

async fn every_layer_answers_in_the_error_schema(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);

    // A path id that is not an i64 (2^63): refused by the path extractor, in JSON.
    for lang in ["zh-CN", "en"] {
        let (status, v, _) = call(&app, Method::GET, "/api/polls/9223372036854775808", Some(&org), None, lang).await;
        assert_eq!((status, code(&v)), (StatusCode::BAD_REQUEST, "malformed_request"), "{v}");
    }
    let (_, v, _) = call(&app, Method::GET, "/api/polls/x", Some(&org), None, "en").await;
    assert!(v["error"]["message"].as_str().unwrap().starts_with("Malformed request."), "{v}");

    // No such route; a route without this method.
    let (status, v, _) = call(&app, Method::GET, "/api/no-such-thing", None, None, "en").await;
    assert_eq!((status, code(&v)), (StatusCode::NOT_FOUND, "not_found"), "{v}");
    assert_eq!(v["error"]["message"], "No such address.");
    let (status, v, _) = call(&app, Method::DELETE, "/healthz", None, None, "zh-CN").await;
    assert_eq!((status, code(&v)), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"), "{v}");

    // A roster upload over the body limit.
    let big = vec![b'a'; hallvote_server::http::MAX_BODY_BYTES + 1];
    let (status, v) = upload(&app, "/api/congresses/1/roster", &org, "text/csv", big, "en").await;
    assert_eq!((status, code(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "request_too_large"), "{v}");

    // The audit log's paging: negative or out-of-range values are refused, not clamped.
    for q in ["after=-1", "limit=-5", "limit=0", "limit=5001", "after=x"] {
        let (status, v, _) = call(&app, Method::GET, &format!("/api/audit?{q}"), Some(&org), None, "en").await;
        assert_eq!((status, code(&v)), (StatusCode::BAD_REQUEST, "malformed_request"), "{q}: {v}");
    }
    let (status, v, _) = call(&app, Method::GET, "/api/audit?limit=5000&after=0", Some(&org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{v}");
}

async fn names_and_sizes_are_bounded(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    // One rule for names (issue 14, item 7): a right-to-left override is refused.
    let (status, v, _) = call(
        &app,
        Method::POST,
        "/api/congresses",
        Some(&org),
        Some(json!({"name": "青山镇\u{202e}代表大会", "number": 15})),
        "en",
    )
    .await;
    assert_eq!((status, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("U+202E"), "{v}");
    let (_, c, _) = call(
        &app,
        Method::POST,
        "/api/congresses",
        Some(&org),
        Some(json!({"name": "青山镇代表大会", "number": 15})),
        "en",
    )
    .await;
    let (_, s, _) = call(
        &app,
        Method::POST,
        &format!("/api/congresses/{}/sessions", c["id"]),
        Some(&org),
        Some(json!({"number": 3, "place": "礼堂", "date": "2026-12-02"})),
        "en",
    )
    .await;
    let polls = format!("/api/sessions/{}/polls", s["id"]);
    let poll = |names: Vec<String>| {
        let candidates: Vec<Value> = names.into_iter().map(|n| json!({"name": n})).collect();
        json!({"name": "选举", "contests": [{"id": "c", "title": "选举委员", "type": "election",
            "kind": "competitive", "by_election": false, "seats": 1, "candidates": candidates}]})
    };
    // A candidate with a NUL, and a poll of 201 candidates (a 50,000-candidate poll was accepted).
    let (status, v, _) =
        call(&app, Method::POST, &polls, Some(&org), Some(poll(vec!["王\0芳".into(), "李娜".into()])), "en").await;
    assert_eq!((status, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_poll"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("U+0000"), "{v}");
    let many: Vec<String> = (0..201).map(|i| format!("候选人{i}")).collect();
    let (status, v, _) = call(&app, Method::POST, &polls, Some(&org), Some(poll(many)), "en").await;
    assert_eq!((status, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_poll"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("at most 200"), "{v}");
    let fine: Vec<String> = (0..200).map(|i| format!("候选人{i}")).collect();
    let (status, v, _) = call(&app, Method::POST, &polls, Some(&org), Some(poll(fine)), "en").await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
}

async fn headers_and_cookies(store: Store) {
    use hallvote_server::auth::password::hash_password;
    use hallvote_server::db::accounts::{self, NewAccount};
    use hallvote_server::http::{AppState, router};
    let hash = hash_password(common::PASSWORD, &mut rand::rng()).unwrap();
    let new = NewAccount {
        username: "organiser1",
        display_name: "会务组",
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: false,
    };
    accounts::create(&store, &new, 1).await.unwrap();
    let key = || hallvote_crypto::sign::SigningKey::generate(&mut rand::rng());
    let body = json!({"username": "organiser1", "password": common::PASSWORD});
    for tls in [false, true] {
        let mut state = AppState::new(store.clone(), key());
        if tls {
            state = state.with_tls_fingerprint("sha256:00".into());
        }
        let app = router(state);
        let (status, v, cookie) = call(&app, Method::POST, "/api/login", None, Some(body.clone()), "en").await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let cookie = cookie.unwrap();
        assert_eq!(cookie.contains("; Secure"), tls, "{cookie}");
        let req = axum::http::Request::get("/healthz").body(axum::body::Body::empty()).unwrap();
        let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
        let h = res.headers();
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h.contains_key("strict-transport-security"), tls);
    }
}

both_backends!(contract, every_layer_answers_in_the_error_schema);
both_backends!(headers, headers_and_cookies);
both_backends!(bounds, names_and_sizes_are_bounded);
