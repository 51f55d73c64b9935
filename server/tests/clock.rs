//! The handlers read the time from the application state's clock
//! (`AppState::clock`), so a test sets it: records carry its time, and a login
//! session ends when it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{as_role, call, setup_with};
use hallvote_server::auth::Role;
use hallvote_server::clock::Clock;
use hallvote_server::db::Store;
use hallvote_server::db::sessions::SESSION_SECONDS;
use hallvote_server::http::AppState;
use serde_json::json;

async fn records_and_sessions_follow_the_states_clock(store: Store) {
    let t0 = 2_000_000_000;
    let clock = Clock::fixed(t0);
    let key = hallvote_crypto::sign::SigningKey::generate(&mut rand::rng());
    let (app, clients) = setup_with(AppState::new(store, key).with_clock(clock.clone())).await;
    let org = as_role(&clients, Role::Organiser);
    assert!(clock.set(t0 + 60));
    let body = json!({"name": "青山镇第十五届代表大会", "number": 15});
    let (status, c, _) = call(&app, Method::POST, "/api/congresses", Some(&org), Some(body), "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let (status, log, _) = call(&app, Method::GET, "/api/audit", Some(&org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let created = log["entries"].as_array().unwrap().iter().find(|e| e["action"] == "congress.create").unwrap();
    assert_eq!(created["at"], t0 + 60, "{created}");
    // The sessions were opened at t0 and last SESSION_SECONDS.
    assert!(clock.set(t0 + SESSION_SECONDS - 1));
    let (status, _, _) = call(&app, Method::GET, "/api/me", Some(&org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(clock.set(t0 + SESSION_SECONDS));
    let (status, err, _) = call(&app, Method::GET, "/api/me", Some(&org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
}

both_backends!(state_clock, records_and_sessions_follow_the_states_clock);
