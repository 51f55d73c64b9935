//! The organiser creates accounts for people; each starts with a one-time password
//! that must be replaced before the account can do anything else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, as_role, call, setup};
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use serde_json::json;

async fn accounts_are_made_by_the_organiser(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    let body = json!({"username": "observer9", "display_name": "省委巡视组观察员", "role": "observer"});
    let (status, made, _) = call(&app, Method::POST, "/api/accounts", Some(&org), Some(body.clone()), "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!((made["role"].as_str(), made["must_change_password"].as_bool()), (Some("observer"), Some(true)));
    let one_time = made["one_time_password"].as_str().unwrap().to_owned();

    // The same name again, and bad names, are refused with their reasons.
    let (status, err, _) = call(&app, Method::POST, "/api/accounts", Some(&org), Some(body), "zh-CN").await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("username_taken")));
    let bad = json!({"username": "Observer 9", "display_name": "x", "role": "observer"});
    let (status, err, _) = call(&app, Method::POST, "/api/accounts", Some(&org), Some(bad), "en").await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_username")));

    // The new observer logs in with the one-time password, must change it, then reads the audit log.
    let login = json!({"username": "observer9", "password": one_time});
    let (status, body, cookie) = call(&app, Method::POST, "/api/login", None, Some(login), "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let me = Client {
        cookie: cookie.unwrap().split(';').next().unwrap().to_owned(),
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    };
    let (status, err, _) = call(&app, Method::GET, "/api/audit", Some(&me), None, "zh-CN").await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("password_change_required")));
    let change = json!({"current": one_time, "new": "a-new-password-of-mine"});
    let (status, _, _) = call(&app, Method::POST, "/api/password", Some(&me), Some(change), "zh-CN").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, log, _) = call(&app, Method::GET, "/api/audit", Some(&me), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(log.to_string().contains("account.create"), "the creation is in the audit log: {log}");
    let (status, list, _) = call(&app, Method::GET, "/api/accounts", Some(&me), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.as_array().unwrap().iter().any(|a| a["username"] == "observer9" && a["must_change_password"] == false)
    );
    assert!(!list.to_string().contains("argon2"), "no password hash is ever listed");
}

both_backends!(accounts, accounts_are_made_by_the_organiser);
