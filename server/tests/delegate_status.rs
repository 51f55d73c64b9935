//! A delegate's status changed mid-session (issue 18, item 3), on both backends:
//! terminated while a poll is open, expected drops at once and the desk refuses
//! the card (check-in and issuance) with its own code, while the open poll keeps
//! the figures it froze; a suspension is refused with another code; a restoration
//! makes the delegate expected again, and they check in anew; every change is
//! kept in the history (append-only) and in the audit log; the roll page says each
//! status in words and offers the organiser alone the form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Client, Hall, call, code, station_call};
use hallvote_server::db::Store;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Expected and present now, as everyone reads them.
async fn attendance(h: &Hall) -> (u64, u64) {
    let path = format!("/api/sessions/{}/attendance", h.session);
    let (status, a, _) = call(&h.app, Method::GET, &path, Some(&h.observer), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{a}");
    (a["expected"].as_u64().unwrap(), a["present"].as_u64().unwrap())
}

/// The open poll's frozen expected and present.
async fn frozen(h: &Hall) -> (u64, u64) {
    let path = format!("/api/polls/{}/status", h.poll);
    let (status, st, _) = call(&h.app, Method::GET, &path, Some(&h.observer), None, "zh-CN").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("open")), "{st}");
    (st["expected"].as_u64().unwrap(), st["present"].as_u64().unwrap())
}

/// The organiser records a change of `card`'s status; the status and answer.
async fn change(h: &Hall, who: &Client, card: &str, status: &str, lang: &str) -> (StatusCode, Value) {
    let path = format!("/api/congresses/{}/roster/{card}/status-changes", h.congress);
    let body = json!({"status": status, "effective": "2026-11-28", "reason": "辞职被接受",
        "document": "青组通〔2026〕12号"});
    let (status, v, _) = call(&h.app, Method::POST, &path, Some(who), Some(body), lang).await;
    (status, v)
}

/// The desk account checks `card` in; the status and answer.
async fn check_in(h: &Hall, card: &str) -> (StatusCode, Value) {
    let path = format!("/api/sessions/{}/checkin", h.session);
    let (status, v, _) =
        call(&h.app, Method::POST, &path, Some(&h.desk_account), Some(json!({"card": card})), "zh-CN").await;
    (status, v)
}

/// A page as `client` sees it.
async fn page(app: &Router, path: &str, client: &Client) -> String {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .header(header::COOKIE, &client.cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

async fn a_status_change_moves_expected_and_the_desk_but_not_an_open_polls_figures(store: Store) {
    let h = Hall::builder().delegates(12).appointed().build(&store).await;
    let shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &shares).await;
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(attendance(&h).await, (12, 12));
    assert_eq!(frozen(&h).await, (12, 12));
    Box::pin(terminate_and_refuse(&h)).await;
    Box::pin(suspend_and_restore(&h)).await;
    Box::pin(history_audit_and_roll_page(&h)).await;
    // The history is append-only in the schema, as the attendance log is.
    for sql in ["UPDATE delegate_status_changes SET reason = 'x'", "DELETE FROM delegate_status_changes"] {
        assert!(sqlx::query(sql).execute(store.pool()).await.is_err(), "{sql}");
    }
}

/// QS15-001 is terminated while the poll is open.
async fn terminate_and_refuse(h: &Hall) {
    // Refused: not the organiser, a date that is no date, no document, no such card.
    let (status, v) = change(h, &h.desk_account, "QS15-001", "terminated", "zh-CN").await;
    assert_eq!((status, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{v}");
    let path = format!("/api/congresses/{}/roster/QS15-001/status-changes", h.congress);
    for (body, what) in [
        (json!({"status": "terminated", "effective": "2026-02-30", "reason": "辞职", "document": "文件"}), "生效日期"),
        (json!({"status": "terminated", "effective": "2026-11-28", "reason": "辞职", "document": " "}), "文件依据"),
        (json!({"status": "terminated", "effective": "2026-11-28", "reason": "", "document": "文件"}), "原因"),
    ] {
        let (status, v, _) = call(&h.app, Method::POST, &path, Some(&h.org), Some(body), "zh-CN").await;
        assert_eq!((status, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(what), "{v}");
    }
    let (status, v) = change(h, &h.org, "QS99-999", "terminated", "zh-CN").await;
    assert_eq!((status, code(&v)), (StatusCode::NOT_FOUND, "not_a_delegate"), "{v}");
    assert_eq!(attendance(h).await, (12, 12), "nothing refused changed anything");

    let (status, v) = change(h, &h.org, "QS15-001", "terminated", "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["card"].as_str(), v["from"].as_str(), v["status"].as_str()),
        (Some("QS15-001"), Some("active"), Some("terminated"))
    );
    assert_eq!((v["effective"].as_str(), v["document"].as_str()), (Some("2026-11-28"), Some("青组通〔2026〕12号")));
    // Recording it twice is refused: nothing to record.
    let (status, v) = change(h, &h.org, "QS15-001", "terminated", "en").await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "status_unchanged"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("already"), "{v}");

    // Expected drops by one at once; so does present (the delegate is recorded departed).
    assert_eq!(attendance(h).await, (11, 11));
    // The desk refuses the card, by hand and at the desk station, and refuses a ballot.
    let (status, v) = check_in(h, "QS15-001").await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "delegate_status_lost"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("代表资格已终止"), "{v}");
    let path = format!("/api/station/sessions/{}/checkin", h.session);
    let (status, v) = station_call(&h.app, &h.desk, Method::POST, &path, Some(json!({"card": "QS15-001"}))).await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "delegate_status_lost"), "{v}");
    let def = h.ballot().await;
    let (status, v) = h.issue(&def, "QS15-001").await.unwrap_err();
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "delegate_status_lost"), "{v}");
    // Another delegate is issued theirs as before.
    h.issue(&def, "QS15-003").await.unwrap();
    // The open poll keeps what it froze.
    assert_eq!(frozen(h).await, (12, 12));
}

/// QS15-002 is suspended; then QS15-001 is restored and checks in again.
async fn suspend_and_restore(h: &Hall) {
    let (status, v) = change(h, &h.org, "QS15-002", "suspended", "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(attendance(h).await, (10, 10));
    let (status, v) = check_in(h, "QS15-002").await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "delegate_suspended"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("停止执行代表职务"), "{v}");

    let (status, v) = change(h, &h.org, "QS15-001", "active", "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!((v["from"].as_str(), v["status"].as_str()), (Some("terminated"), Some("active")));
    // Expected again; present once checked in anew.
    assert_eq!(attendance(h).await, (11, 10));
    let (status, v) = check_in(h, "QS15-001").await;
    assert_eq!((status, v["status"].as_str()), (StatusCode::OK, Some("checked_in")), "{v}");
    assert_eq!(attendance(h).await, (11, 11));
    assert_eq!(frozen(h).await, (12, 12));
}

/// The history (organiser and observer), the audit log and the roll page.
async fn history_audit_and_roll_page(h: &Hall) {
    let path = format!("/api/congresses/{}/roster/qs15-001/status-changes", h.congress);
    let (status, list, _) = call(&h.app, Method::GET, &path, Some(&h.observer), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let steps: Vec<(&str, &str)> =
        list.as_array().unwrap().iter().map(|c| (c["from"].as_str().unwrap(), c["status"].as_str().unwrap())).collect();
    assert_eq!(steps, [("active", "terminated"), ("terminated", "active")]);
    assert_eq!(list[0]["actor"], "organiser1");
    let (status, _, _) = call(&h.app, Method::GET, &path, Some(&h.desk_account), None, "zh-CN").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the reasons are not the desk's to read");

    let (status, audit, _) = call(&h.app, Method::GET, "/api/audit", Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    assert_eq!(audit["chain_verified"], true);
    let details: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "delegate.status")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(details[0].starts_with("QS15-001") && details[0].contains("active → terminated"), "{details:?}");
    assert!(details[0].contains("青组通〔2026〕12号") && details[0].contains("2026-11-28"), "{details:?}");
    assert!(details[1].starts_with("QS15-002") && details[1].contains("active → suspended"), "{details:?}");
    assert!(details[2].contains("terminated → active"), "{details:?}");

    let roll = format!("/congresses/{}/roster", h.congress);
    let html = page(&h.app, &roll, &h.org).await;
    assert!(html.contains("停止执行代表职务") && html.contains("登记资格变动"), "the organiser's roll page");
    assert_eq!(html.matches("class=\"status-change\"").count(), 12, "a button per delegate");
    let html = page(&h.app, &format!("{roll}?lang=en"), &h.org).await;
    assert!(html.contains("suspended from office") && html.contains("Record a status change"), "in English");
    assert!(!html.contains('：'), "no Chinese punctuation on the English page");
    let html = page(&h.app, &roll, &h.desk_account).await;
    assert!(html.contains("停止执行代表职务"), "the desk sees the status");
    assert!(!html.contains("status-change") && !html.contains("status-dialog"), "but has no form");
}

both_backends!(status_change_mid_session, a_status_change_moves_expected_and_the_desk_but_not_an_open_polls_figures);
