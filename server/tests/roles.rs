//! Every endpoint against every role (and none), on both backends; logins,
//! CSRF, throttling and error language.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, PASSWORD, call, setup};
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use hallvote_server::http::{AppState, router};
use hallvote_server::stations_protocol::StationKind;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// (method, path, body, roles allowed; empty = any logged-in account)
fn endpoints() -> Vec<(Method, &'static str, Option<Value>, Vec<Role>)> {
    vec![
        (Method::GET, "/api/me", None, vec![]),
        (Method::GET, "/api/audit", None, vec![Role::Organiser, Role::Observer]),
        (Method::POST, "/api/congresses", Some(json!({"name": "第十五届", "number": 15})), vec![Role::Organiser]),
        (
            Method::POST,
            "/api/congresses/1/sessions",
            Some(json!({"number": 1, "place": "礼堂", "date": "今天"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/congresses/1/roster", None, vec![Role::Organiser, Role::Desk, Role::Observer]),
        (Method::GET, "/api/congresses/1/eligible", None, vec![Role::Organiser, Role::Desk, Role::Observer]),
        (Method::PUT, "/api/sessions/1/presidium", Some(json!({"cards": ["A1"]})), vec![Role::Organiser]),
        (
            Method::PUT,
            "/api/sessions/1/proposal-deadline",
            Some(json!({"deadline": 4_000_000_000_i64})),
            vec![Role::Organiser],
        ),
        // Proposal 1, made by the organiser's call alone (before A2 is suspended below).
        (
            Method::POST,
            "/api/sessions/1/proposals",
            Some(json!({"lead": {"card": "A1"}, "title": "提案", "reasons": "理由", "measures": "措施"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/proposals/1", None, vec![Role::Organiser, Role::Observer]),
        (Method::POST, "/api/proposals/1/cosigners", Some(json!({"card": "A2"})), vec![Role::Organiser]),
        (Method::GET, "/sessions/1/proposals", None, vec![Role::Organiser]),
        (Method::GET, "/api/sessions/1/attendance", None, vec![]),
        (Method::POST, "/api/sessions/1/checkin", Some(json!({"card": "A1"})), vec![Role::Desk, Role::Organiser]),
        (Method::POST, "/api/sessions/1/checkout", Some(json!({"card": "A1"})), vec![Role::Desk, Role::Organiser]),
        (
            Method::POST,
            "/api/sessions/1/exclusions",
            Some(json!({"card": "A2", "reason": "illness"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/sessions/1/exclusions", None, vec![Role::Organiser, Role::Observer]),
        (Method::POST, "/api/sessions/1/exclusions/A2/withdraw", None, vec![Role::Organiser]),
        (
            Method::POST,
            "/api/congresses/1/roster/A2/status-changes",
            Some(json!({"status": "suspended", "effective": "2026-11-28", "reason": "被羁押", "document": "通知"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/congresses/1/roster/A2/status-changes", None, vec![Role::Organiser, Role::Observer]),
        (
            Method::POST,
            "/api/sessions/1/attendees",
            Some(json!({"number": "LX1", "name": "周敏", "kind": "attending"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/sessions/1/attendees", None, vec![Role::Organiser, Role::Desk, Role::Observer]),
        (
            Method::POST,
            "/api/sessions/1/attendees/checkin",
            Some(json!({"query": "LX1"})),
            vec![Role::Desk, Role::Organiser],
        ),
        (Method::GET, "/api/poll-templates", None, vec![Role::Organiser]),
        (Method::GET, "/api/congresses", None, vec![Role::Organiser, Role::Desk, Role::Observer]),
        (Method::GET, "/api/congresses/1/sessions", None, vec![Role::Organiser, Role::Desk, Role::Observer]),
        (Method::GET, "/api/congresses/1/cards", None, vec![Role::Organiser]),
        (Method::GET, "/api/congresses/1/cards/A1/qr.png", None, vec![Role::Organiser]),
        (Method::GET, "/congresses/1/cards", None, vec![Role::Organiser]),
        (Method::GET, "/congresses/1/roster", None, vec![Role::Organiser, Role::Desk, Role::Observer]),
        (Method::GET, "/audit", None, vec![Role::Organiser, Role::Observer]),
        (
            Method::POST,
            "/api/sessions/1/polls",
            Some(
                json!({"name": "表决", "contests": [{"id": "m", "title": "表决", "type": "motion", "items": ["决议"]}]}),
            ),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/sessions/1/polls", None, vec![]),
        (Method::GET, "/api/polls/1", None, vec![]),
        (
            Method::POST,
            "/api/stations/enrolments",
            Some(json!({"kind": "booth", "name": "1号投票机", "server_url": "http://10.0.0.2:8080"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/stations", None, vec![Role::Organiser, Role::Observer]),
        (
            Method::POST,
            "/api/accounts",
            Some(json!({"username": "observer9", "display_name": "观察员九", "role": "observer"})),
            vec![Role::Organiser],
        ),
        (Method::GET, "/api/accounts", None, vec![Role::Organiser, Role::Observer]),
        // observer9, made just above (after the five accounts of the roles).
        (Method::POST, "/api/accounts/6/disable", None, vec![Role::Organiser]),
        (Method::POST, "/api/accounts/6/enable", None, vec![Role::Organiser]),
        (Method::POST, "/api/accounts/6/end-sessions", None, vec![Role::Organiser]),
        (Method::POST, "/api/stations/1/revoke", None, vec![Role::Organiser]),
        (Method::GET, "/api/polls/1/officers", None, vec![]),
        (Method::GET, "/api/polls/1/status", None, vec![]),
    ]
}

/// Organiser steps of a poll's lifecycle: the allowed role passes the role check and
/// reaches the poll's state check (the poll is a draft without officers, so each is
/// refused with `poll_wrong_state` or a validation error, never 401/403); every
/// other role gets 403. The steps themselves succeed in tests/casting.rs.
fn lifecycle_endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::POST, "/api/polls/1/officers", Some(json!({"threshold": 1, "scrutineers": []}))),
        (Method::POST, "/api/polls/1/ceremony", None),
        (Method::POST, "/api/polls/1/ceremony/restart", None),
        (Method::POST, "/api/polls/1/open", None),
        (Method::POST, "/api/polls/1/close", None),
        (Method::POST, "/api/polls/1/tally", None),
        (Method::POST, "/api/polls/1/publish", None),
        (Method::POST, "/api/polls/1/follow-up", Some(json!({"kind": "runoff"}))),
    ]
}

/// Public: anyone, logged in or not (the board and the published record).
fn public_endpoints() -> Vec<&'static str> {
    vec!["/api/polls/1/board", "/api/polls/1/board/entries", "/api/polls/1/reports", "/healthz"]
}

/// Station endpoints (spec §15.5) and the station kinds that pass their kind check.
fn station_endpoints() -> Vec<(Method, &'static str, Vec<StationKind>)> {
    use StationKind::{Booth, Desk, Scrutineer};
    vec![
        (Method::GET, "/api/station/polls", vec![Scrutineer]),
        (Method::GET, "/api/station/polls/1/ceremony", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/ceremony/recipient", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/ceremony/dealing", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/ceremony/confirm", vec![Scrutineer]),
        (Method::GET, "/api/station/polls/1/ceremony/outcome", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/key-check/test", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/key-check", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/issue", vec![Desk]),
        (Method::POST, "/api/station/polls/1/replace", vec![Desk]),
        (Method::GET, "/api/station/polls/1/eligible", vec![Booth]),
        (Method::GET, "/api/station/polls/1/reports", vec![Booth]),
        (Method::GET, "/api/station/sessions", vec![Booth, Desk]),
        (Method::GET, "/api/station/sessions/1/attendance", vec![Desk]),
        (Method::POST, "/api/station/sessions/1/checkin", vec![Desk]),
        (Method::POST, "/api/station/sessions/1/checkout", vec![Desk]),
        (Method::POST, "/api/station/sessions/1/attendees/checkin", vec![Desk]),
        (Method::GET, "/api/station/polls/1/ballot", vec![Booth, Desk]),
        (
            Method::GET,
            "/api/station/polls/1/credentials/0000000000000000000000000000000000000000000000000000000000000000",
            vec![Booth],
        ),
        (Method::POST, "/api/station/polls/1/cast", vec![Booth]),
        (Method::POST, "/api/station/polls/1/challenge", vec![Booth]),
        (Method::GET, "/api/station/polls/1/aggregates", vec![Scrutineer]),
        (Method::GET, "/api/station/polls/1/board-entries?from=0", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/decryption", vec![Scrutineer]),
        (Method::GET, "/api/station/polls/1/mix", vec![Scrutineer]),
        (Method::GET, "/api/station/polls/1/mix/0/list", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/mix/0/turn", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/mix/0/share", vec![Scrutineer]),
        (Method::GET, "/api/station/polls/1/result", vec![Scrutineer]),
        (Method::POST, "/api/station/polls/1/signature", vec![Scrutineer]),
        (Method::GET, "/api/stations/whoami", vec![Desk, Booth, Scrutineer]),
        (Method::GET, "/api/station/sessions/1/proposals", vec![Desk, Booth]),
        (Method::POST, "/api/station/sessions/1/proposals", vec![Desk, Booth]),
        (Method::POST, "/api/station/proposals/1/cosigners", vec![Desk, Booth]),
        (Method::POST, "/api/station/proposals/1/evaluation", vec![Desk]),
    ]
}

/// Endpoints whose allowed callers pass the role check and are then refused for
/// their body (so not 401 or 403); every other role gets 403. `/api/logout` is
/// last: the allowed call ends the session.
fn body_refused_endpoints() -> Vec<(Method, &'static str, Option<Value>, Vec<Role>)> {
    vec![
        (Method::PUT, "/api/congresses/1/roster", Some(json!({})), vec![Role::Organiser]),
        (Method::PUT, "/api/congresses/1/eligible", Some(json!({})), vec![Role::Organiser]),
        (Method::PUT, "/api/polls/1/reports", Some(json!({})), vec![Role::Organiser]),
        // Proposal 1 has one co-signer: each step is refused for its state, past the role check.
        (Method::POST, "/api/proposals/1/submit", None, vec![Role::Organiser]),
        (
            Method::POST,
            "/api/proposals/1/review",
            Some(json!({"member": "A1", "decision": "accept", "reason": "一事一案"})),
            vec![Role::Organiser],
        ),
        (
            Method::POST,
            "/api/proposals/1/assignment",
            Some(json!({"member": "A1", "unit": "镇政府", "due": "2027-01-31"})),
            vec![Role::Organiser],
        ),
        (Method::POST, "/api/proposals/1/agenda", Some(json!({"member": "A1"})), vec![Role::Organiser]),
        (Method::POST, "/api/proposals/1/replies", Some(json!({"text": "答复"})), vec![Role::Organiser]),
        (Method::POST, "/api/proposals/1/evaluation", Some(json!({"evaluation": "satisfied"})), vec![Role::Organiser]),
        (Method::POST, "/api/password", Some(json!({})), vec![]),
        (Method::POST, "/api/logout", None, vec![]),
    ]
}

/// Public once the poll is published; before, these roles (the handler checks them
/// once the poll is tallied: tests/public_pages.rs).
fn published_or_endpoints() -> Vec<(Method, &'static str, Vec<Role>)> {
    let readers = vec![Role::Organiser, Role::Scrutineer, Role::Observer];
    vec![(Method::GET, "/polls/1/sheet", readers.clone()), (Method::GET, "/polls/1/sheet.pdf", readers)]
}

/// Who the served OpenAPI document says may call each route: (method, path
/// template) → (`x-hallvote-access`, roles or station kinds).
fn declared() -> BTreeMap<(String, String), (String, BTreeSet<String>)> {
    let doc = serde_json::to_value(hallvote_server::http::document()).unwrap();
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let access = op["x-hallvote-access"].as_str().unwrap_or_else(|| panic!("{method} {path}: no access"));
            let names = op["x-hallvote-roles"]
                .as_array()
                .or(op["x-hallvote-station-kinds"].as_array())
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            out.insert((method.clone(), path.clone()), (access.to_owned(), names));
        }
    }
    out
}

/// The template of `declared` that a concrete path (`/api/polls/1/board`) fills in.
fn template_of<'a>(
    declared: &'a BTreeMap<(String, String), (String, BTreeSet<String>)>,
    method: &Method,
    path: &str,
) -> &'a (String, String) {
    let path = path.split('?').next().unwrap();
    let parts: Vec<&str> = path.split('/').collect();
    let found: Vec<&(String, String)> = declared
        .keys()
        .filter(|(m, t)| {
            let tparts: Vec<&str> = t.split('/').collect();
            m.eq_ignore_ascii_case(method.as_str())
                && tparts.len() == parts.len()
                && tparts.iter().zip(&parts).all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}')))
        })
        .collect();
    // A literal segment beats a parameter (`/board/entries` over `/board/{tracking}`).
    found
        .into_iter()
        .max_by_key(|(_, t)| t.split('/').filter(|s| !s.starts_with('{')).count())
        .unwrap_or_else(|| panic!("{method} {path} is not in the document"))
}

fn names<T: std::fmt::Debug>(items: &[T], name: impl Fn(&T) -> &'static str) -> BTreeSet<String> {
    items.iter().map(|i| name(i).to_owned()).collect()
}

/// The tables of this file and the document's declarations agree both ways: every
/// route the document declares for accounts or stations is exercised here with
/// exactly the declared roles or kinds, and nothing here is declared otherwise.
#[test]
fn the_tables_are_what_the_document_declares() {
    let declared = declared();
    let all_roles = names(&Role::ALL, |r| r.as_str());
    let mut seen = BTreeSet::new();
    let mut check = |method: &Method, path: &str, access: &[&str], want: BTreeSet<String>| {
        let key = template_of(&declared, method, path);
        let (got_access, got) = &declared[key];
        assert!(
            access.contains(&got_access.as_str()),
            "{method} {path}: declared {got_access}, the table says {access:?}"
        );
        assert_eq!(got, &want, "{method} {path}: declared {got_access} {got:?}, the table says {want:?}");
        seen.insert(key.clone());
    };
    for (method, path, _, allowed) in endpoints().into_iter().chain(body_refused_endpoints()) {
        if allowed.is_empty() {
            // Any logged-in account: `login`, or every role.
            let key = template_of(&declared, &method, path);
            let want = if declared[key].0 == "login" { BTreeSet::new() } else { all_roles.clone() };
            check(&method, path, &["login", "roles"], want);
        } else {
            check(&method, path, &["roles"], names(&allowed, |r| r.as_str()));
        }
    }
    for (method, path, _) in lifecycle_endpoints() {
        check(&method, path, &["roles"], names(&[Role::Organiser], |r| r.as_str()));
    }
    for (method, path, allowed) in published_or_endpoints() {
        check(&method, path, &["published-or-roles"], names(&allowed, |r| r.as_str()));
    }
    for (method, path, allowed) in station_endpoints() {
        check(&method, path, &["station"], names(&allowed, |k| k.as_str()));
    }
    for path in public_endpoints() {
        check(&Method::GET, path, &["public"], BTreeSet::new());
    }
    let unexercised: Vec<_> = declared
        .iter()
        .filter(|(key, (access, _))| access != "public" && !seen.contains(*key))
        .map(|(k, _)| k)
        .collect();
    assert!(unexercised.is_empty(), "declared for accounts or stations but not in this file's tables: {unexercised:?}");
}

async fn every_endpoint_checks_its_role(store: Store) {
    // Congress 1, session 1 and two delegates exist, so that allowed calls can succeed.
    let congress = hallvote_server::db::congress::create_congress(&store, "第十四届", 14, 5, 1).await.unwrap();
    hallvote_server::db::congress::create_session(&store, congress.id, 9, "礼堂", "昨天", "township-2020", 1)
        .await
        .unwrap();
    let rows =
        hallvote_server::roster::parse_csv("姓名,代表团,代表证号\n甲,一团,A1\n乙,一团,A2\n".as_bytes()).unwrap().rows;
    hallvote_server::db::roster::import(&store, congress.id, &rows).await.unwrap();
    // Station 1 exists, so that the organiser can revoke it.
    let token = hallvote_server::stations_protocol::EnrolmentToken::from_bytes([7; 16]);
    let kind = hallvote_server::stations_protocol::StationKind::Booth;
    hallvote_server::db::stations::create_enrolment(&store, &token, kind, "1号", "organiser1", 1).await.unwrap();
    let key = hallvote_crypto::sign::SigningKey::from_bytes(&[9; 32]).verifying_key();
    hallvote_server::db::stations::enrol(&store, &token, &key, 2).await.unwrap();
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
    for (method, path, body) in lifecycle_endpoints() {
        let (status, json, _) = call(&app, method.clone(), path, None, body.clone(), "zh-CN").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} without login");
        assert_eq!(json["error"]["code"], "unauthenticated");
        for (role, client) in &clients {
            let (status, json, _) = call(&app, method.clone(), path, Some(client), body.clone(), "zh-CN").await;
            if *role == Role::Organiser {
                assert!(
                    status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY,
                    "{method} {path} as {role}: {status} {json}"
                );
            } else {
                assert_eq!(
                    (status, &json["error"]["code"]),
                    (StatusCode::FORBIDDEN, &json!("forbidden")),
                    "{method} {path} as {role}"
                );
            }
        }
    }
    for path in public_endpoints() {
        let (status, json, _) = call(&app, Method::GET, path, None, None, "zh-CN").await;
        assert!(status.is_success(), "{path} without login: {status} {json}");
        for (role, client) in &clients {
            let (status, _, _) = call(&app, Method::GET, path, Some(client), None, "zh-CN").await;
            assert!(status.is_success(), "{path} as {role}");
        }
    }
    // A logged-in account is not a station: station endpoints want a station's signature.
    let stations = [
        (StationKind::Desk, common::enrol_station(&app, &clients[0].1, "desk", "报到处").await),
        (StationKind::Booth, common::enrol_station(&app, &clients[0].1, "booth", "投票机").await),
        (StationKind::Scrutineer, common::enrol_station(&app, &clients[0].1, "scrutineer", "监票").await),
    ];
    for (method, path, allowed) in station_endpoints() {
        for (role, client) in &clients {
            let (status, json, _) = call(&app, method.clone(), path, Some(client), Some(json!({})), "zh-CN").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} as account {role}: {json}");
        }
        let (status, json, _) = call(&app, method.clone(), path, None, None, "zh-CN").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} unsigned: {json}");
        for (kind, station) in &stations {
            let (status, json) = common::station_call(&app, station, method.clone(), path, Some(json!({}))).await;
            if allowed.contains(kind) {
                assert_ne!(json["error"]["code"], "wrong_station_kind", "{method} {path} as {kind:?}: {status} {json}");
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{method} {path} as {kind:?}: {json}");
            } else {
                assert_eq!(
                    (status, &json["error"]["code"]),
                    (StatusCode::FORBIDDEN, &json!("wrong_station_kind")),
                    "{method} {path} as {kind:?}"
                );
            }
        }
    }
    for (method, path, body, allowed) in body_refused_endpoints() {
        let (status, json, _) = call(&app, method.clone(), path, None, body.clone(), "zh-CN").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} without login");
        assert_eq!(json["error"]["code"], "unauthenticated");
        for (role, client) in &clients {
            let (status, json, _) = call(&app, method.clone(), path, Some(client), body.clone(), "zh-CN").await;
            if allowed.is_empty() || allowed.contains(role) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{method} {path} as {role}: {status} {json}"
                );
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

/// A login from a given client address (as the server's connection would give it).
async fn login_from(app: &axum::Router, address: &str, username: &str, password: &str) -> StatusCode {
    use tower::ServiceExt;
    let body = json!({"username": username, "password": password}).to_string();
    let mut req = axum::http::Request::post("/api/login")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let peer: std::net::SocketAddr = address.parse().unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
    app.clone().oneshot(req).await.unwrap().status()
}

/// Issue 14, item 4: guesses from one address cannot lock the account out from
/// another, and guesses sent together are counted together (the throttle cannot be raced).
async fn throttling_is_per_address_and_cannot_be_raced(store: Store) {
    let (app, _) = setup(store).await;
    for _ in 0..5 {
        assert_eq!(login_from(&app, "192.0.2.66:4000", "organiser1", "guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_from(&app, "192.0.2.66:4001", "organiser1", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // The organiser, at another desk, still logs in.
    assert_eq!(login_from(&app, "192.0.2.10:5000", "organiser1", PASSWORD).await, StatusCode::OK);
    // Forty guesses at once from one address: at most five are checked.
    let guesses = (0..40).map(|i| {
        let app = app.clone();
        async move { login_from(&app, &format!("198.51.100.7:{}", 6000 + i), "desk1", "guess").await }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = answers.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(checked <= 5, "{checked} of 40 guesses were checked");
    assert_eq!(checked + refused, 40, "{answers:?}");
}

both_backends!(throttling_by_address, throttling_is_per_address_and_cannot_be_raced);

async fn a_one_time_password_must_be_replaced_first(store: Store) {
    let password = hallvote_server::first_organiser(&store, 1).await.unwrap().unwrap();
    let app = router(AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng())));
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
