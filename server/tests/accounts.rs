//! The organiser creates accounts for people; each starts with a one-time password
//! that must be replaced before the account can do anything else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, as_role, call, setup, try_login};
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
    let me = try_login(&app, "observer9", &one_time).await.unwrap();
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

async fn me(app: &axum::Router, c: &Client) -> StatusCode {
    call(app, Method::GET, "/api/me", Some(c), None, "en").await.0
}

/// Issue 14, item 6: a compromised account can be cut off.
async fn an_account_can_be_cut_off(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    let desk = as_role(&clients, Role::Desk);
    let (_, list, _) = call(&app, Method::GET, "/api/accounts", Some(&org), None, "en").await;
    let id_of = |name: &str| list.as_array().unwrap().iter().find(|a| a["username"] == name).unwrap()["id"].clone();
    let (desk_id, org_id) = (id_of("desk1"), id_of("organiser1"));

    // A second login of the desk account; disabling ends both, and no new one is made.
    let desk2 = try_login(&app, "desk1", common::PASSWORD).await.unwrap();
    assert_eq!(me(&app, &desk).await, StatusCode::OK);
    let (status, v, _) =
        call(&app, Method::POST, &format!("/api/accounts/{desk_id}/disable"), Some(&org), None, "en").await;
    assert_eq!((status, v["disabled"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    assert_eq!(me(&app, &desk).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &desk2).await, StatusCode::UNAUTHORIZED);
    let (status, _) = try_login(&app, "desk1", common::PASSWORD).await.err().unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Re-enabled, it logs in with its password again.
    let (status, v, _) =
        call(&app, Method::POST, &format!("/api/accounts/{desk_id}/enable"), Some(&org), None, "en").await;
    assert_eq!((status, v["disabled"].as_bool()), (StatusCode::OK, Some(false)), "{v}");
    let desk3 = try_login(&app, "desk1", common::PASSWORD).await.unwrap();
    assert_eq!(me(&app, &desk3).await, StatusCode::OK);

    // Ending its sessions logs it out everywhere; the password still works.
    let (status, v, _) =
        call(&app, Method::POST, &format!("/api/accounts/{desk_id}/end-sessions"), Some(&org), None, "en").await;
    assert_eq!((status, v["ended"].as_u64()), (StatusCode::OK, Some(1)), "{v}");
    assert_eq!(me(&app, &desk3).await, StatusCode::UNAUTHORIZED);

    // A password change ends every other session of the account, not the one that changed it.
    let other = try_login(&app, "desk1", common::PASSWORD).await.unwrap();
    let mine = try_login(&app, "desk1", common::PASSWORD).await.unwrap();
    let change = json!({"current": common::PASSWORD, "new": "another-hall-password"});
    let (status, _, _) = call(&app, Method::POST, "/api/password", Some(&mine), Some(change), "en").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &mine).await, StatusCode::OK);
    assert_eq!(me(&app, &other).await, StatusCode::UNAUTHORIZED);

    // Not one's own account, nor the last organiser; unknown accounts are 404.
    let (status, v, _) =
        call(&app, Method::POST, &format!("/api/accounts/{org_id}/disable"), Some(&org), None, "zh-CN").await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("cannot_disable_self")), "{v}");
    let (status, v, _) = call(&app, Method::POST, "/api/accounts/999/disable", Some(&org), None, "en").await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{v}");
    let (_, log, _) = call(&app, Method::GET, "/api/audit", Some(&org), None, "en").await;
    for action in ["account.disable", "account.enable", "account.end_sessions"] {
        assert!(log.to_string().contains(action), "{action} in the audit log");
    }
}

async fn an_organiser_disables_another(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    let body = json!({"username": "organiser2", "display_name": "会务组二", "role": "organiser"});
    let (_, made, _) = call(&app, Method::POST, "/api/accounts", Some(&org), Some(body), "en").await;
    let one_time = made["one_time_password"].as_str().unwrap().to_owned();
    let second = try_login(&app, "organiser2", &one_time).await.unwrap();
    let change = json!({"current": one_time, "new": "organiser-two-password"});
    call(&app, Method::POST, "/api/password", Some(&second), Some(change), "en").await;
    let (_, list, _) = call(&app, Method::GET, "/api/accounts", Some(&org), None, "en").await;
    let first_id = list.as_array().unwrap().iter().find(|a| a["username"] == "organiser1").unwrap()["id"].clone();
    let (status, _, _) =
        call(&app, Method::POST, &format!("/api/accounts/{first_id}/disable"), Some(&second), None, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me(&app, &org).await, StatusCode::UNAUTHORIZED, "the disabled organiser is logged out");
    assert_eq!(me(&app, &second).await, StatusCode::OK);
}

both_backends!(accounts, accounts_are_made_by_the_organiser);
both_backends!(cut_off, an_account_can_be_cut_off);
both_backends!(organisers, an_organiser_disables_another);
