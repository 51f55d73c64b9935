//! Every refusal, from every layer, is the JSON error schema (spec §14.2): the
//! router's 404 and 405, a path or query that does not parse (an id of 2^63), a
//! body over the limit, and out-of-range paging of the audit log (issue 14, item 8).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{as_role, call, setup, upload};
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use serde_json::Value;

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

both_backends!(contract, every_layer_answers_in_the_error_schema);
