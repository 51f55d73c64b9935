//! Every endpoint against every role (and none), on both backends; logins,
//! CSRF, throttling and error language.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use hallvote_server::auth::Role;
use hallvote_server::auth::password::hash_password;
use hallvote_server::db::Store;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::http::{AppState, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "hall-password-1";

/// A logged-in client: its cookie and CSRF token.
#[derive(Clone)]
struct Client {
    cookie: String,
    csrf: String,
}

async fn call(
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
    let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    (status, json, set_cookie)
}

async fn login(app: &Router, username: &str) -> Client {
    let (status, body, cookie) =
        call(app, Method::POST, "/api/login", None, Some(json!({"username": username, "password": PASSWORD})), "zh-CN")
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    Client {
        cookie: cookie.split(';').next().unwrap().to_owned(),
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

async fn setup(store: Store) -> (Router, Vec<(Role, Client)>) {
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
    let app = router(AppState { store });
    let mut clients = Vec::new();
    for role in Role::ALL {
        clients.push((role, login(&app, &format!("{role}1")).await));
    }
    (app, clients)
}

/// (method, path, body, roles allowed; empty = any logged-in account)
fn endpoints() -> Vec<(Method, &'static str, Option<Value>, Vec<Role>)> {
    vec![
        (Method::GET, "/api/me", None, vec![]),
        (Method::GET, "/api/audit", None, vec![Role::Organiser, Role::Observer]),
    ]
}

async fn every_endpoint_checks_its_role(store: Store) {
    let (app, clients) = setup(store).await;
    for (method, path, body, allowed) in endpoints() {
        let (status, json, _) = call(&app, method.clone(), path, None, body.clone(), "zh-CN").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} without login");
        assert_eq!(json["error"]["code"], "unauthenticated");
        for (role, client) in &clients {
            let (status, json, _) = call(&app, method.clone(), path, Some(client), body.clone(), "zh-CN").await;
            if allowed.is_empty() || allowed.contains(role) {
                assert!(status.is_success(), "{method} {path} as {role}: {status} {json}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path} as {role}");
                assert_eq!(json["error"]["code"], "forbidden");
            }
        }
    }
}
both_backends!(role_table, every_endpoint_checks_its_role);

async fn csrf_logout_and_errors_in_the_request_language(store: Store) {
    let (app, clients) = setup(store).await;
    let (_, organiser) = clients.iter().find(|(r, _)| *r == Role::Organiser).unwrap().clone();
    // A state-changing request without the CSRF token is refused and changes nothing.
    let no_csrf = Client { csrf: "wrong".into(), ..organiser.clone() };
    let (status, json, _) = call(&app, Method::POST, "/api/logout", Some(&no_csrf), None, "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"]["code"], "csrf_failed");
    assert!(json["error"]["message"].as_str().unwrap().contains("expired"), "{json}");
    let (status, _, _) = call(&app, Method::GET, "/api/me", Some(&organiser), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "still logged in");
    // Logout ends the session.
    let (status, _, cookie) = call(&app, Method::POST, "/api/logout", Some(&organiser), None, "zh-CN").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(cookie.unwrap().contains("Max-Age=0"));
    let (status, json, _) = call(&app, Method::GET, "/api/me", Some(&organiser), None, "zh-CN").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"]["message"], "请先登录。");
}
both_backends!(csrf_and_language, csrf_logout_and_errors_in_the_request_language);

async fn password_guessing_is_throttled(store: Store) {
    let (app, _) = setup(store).await;
    for _ in 0..5 {
        let (status, json, _) = call(
            &app,
            Method::POST,
            "/api/login",
            None,
            Some(json!({"username": "desk1", "password": "guess"})),
            "zh-CN",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(json["error"]["code"], "bad_credentials");
    }
    // Even the right password is refused for a minute now.
    let (status, json, _) =
        call(&app, Method::POST, "/api/login", None, Some(json!({"username": "desk1", "password": PASSWORD})), "en")
            .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json["error"]["code"], "too_many_attempts");
    // An unknown user gets the same answer as a wrong password.
    let (status, json, _) = call(
        &app,
        Method::POST,
        "/api/login",
        None,
        Some(json!({"username": "nobody", "password": PASSWORD})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"]["code"], "bad_credentials");
    // A malformed body is refused with a client error, not a crash.
    let (status, json, _) = call(&app, Method::POST, "/api/login", None, Some(json!({"user": "x"})), "en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "malformed_request");
    assert!(json["error"]["message"].as_str().unwrap().starts_with("Malformed request"), "{json}");
}
both_backends!(throttling, password_guessing_is_throttled);

async fn a_one_time_password_must_be_replaced_first(store: Store) {
    let password = hallvote_server::first_organiser(&store, 1).await.unwrap().unwrap();
    let app = router(AppState { store });
    let (status, body, cookie) = call(
        &app,
        Method::POST,
        "/api/login",
        None,
        Some(json!({"username": "organiser", "password": *password})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["must_change_password"], true);
    let client = Client {
        cookie: cookie.unwrap().split(';').next().unwrap().to_owned(),
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    };
    let (status, json, _) = call(&app, Method::GET, "/api/audit", Some(&client), None, "zh-CN").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"]["code"], "password_change_required");
    let (status, json, _) = call(
        &app,
        Method::POST,
        "/api/password",
        Some(&client),
        Some(json!({"current": *password, "new": "short"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    let (status, _, _) = call(
        &app,
        Method::POST,
        "/api/password",
        Some(&client),
        Some(json!({"current": *password, "new": "a-long-new-password"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, json, _) = call(&app, Method::GET, "/api/audit", Some(&client), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["chain_verified"], true);
    let actions: Vec<&str> =
        json["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["account.create", "account.login", "account.password"]);
}
both_backends!(one_time_password, a_one_time_password_must_be_replaced_first);
