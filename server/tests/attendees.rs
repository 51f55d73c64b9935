//! 列席 and 旁听 (issue 18, item 3), on both backends: registered per session by the
//! organiser, checked in at the desk by pass number or name (by hand and at a desk
//! station), told they get no ballot and refused one if their pass reaches issuance,
//! shown on the hall display apart from the delegates, and never counted in expected
//! or present.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, Hall, call, code, station_call};
use hallvote_server::db::Store;
use serde_json::{Value, json};

async fn post(h: &Hall, who: &Client, path: &str, body: Value) -> (StatusCode, Value) {
    let (status, v, _) = call(&h.app, Method::POST, path, Some(who), Some(body), "zh-CN").await;
    (status, v)
}

async fn attendance(h: &Hall) -> (u64, u64) {
    let path = format!("/api/sessions/{}/attendance", h.session);
    let (_, a, _) = call(&h.app, Method::GET, &path, Some(&h.observer), None, "zh-CN").await;
    (a["expected"].as_u64().unwrap(), a["present"].as_u64().unwrap())
}

async fn attendees_check_in_apart_and_never_get_a_ballot(store: Store) {
    let h = Hall::builder().delegates(6).appointed().build(&store).await;
    let shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &shares).await;
    let (status, st) = post(&h, &h.org, &format!("/api/polls/{}/open", h.poll), json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(attendance(&h).await, (6, 6));
    Box::pin(register_and_check_in(&h)).await;
    Box::pin(no_ballot_and_the_display(&h)).await;
}

async fn register_and_check_in(h: &Hall) {
    let register = format!("/api/sessions/{}/attendees", h.session);
    for (number, name, unit, kind) in [
        ("LX-01", "周敏", "镇纪委", "attending"),
        ("LX-02", "吴强", "镇人大", "attending"),
        ("PT-01", "吴强", "镇文化站", "observing"),
    ] {
        let body = json!({"number": number, "name": name, "unit": unit, "kind": kind});
        let (status, v) = post(h, &h.org, &register, body).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["checked_in"], false);
    }
    let (status, v) = post(h, &h.org, &register, json!({"number": "LX-01", "name": "郑洁", "kind": "attending"})).await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "attendee_exists"), "{v}");
    let (status, v) = post(h, &h.org, &register, json!({"number": "LX-09", "name": "", "kind": "attending"})).await;
    assert_eq!((status, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"), "{v}");
    let (status, v) =
        post(h, &h.desk_account, &register, json!({"number": "LX-09", "name": "郑洁", "kind": "attending"})).await;
    assert_eq!((status, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{v}");

    let checkin = format!("/api/sessions/{}/attendees/checkin", h.session);
    let (status, v) = post(h, &h.desk_account, &checkin, json!({"query": "lx-01"})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["attendee"]["name"].as_str(), v["newly"].as_bool()), (Some("周敏"), Some(true)));
    assert_eq!(v["message"], "列席人员周敏已报到。列席人员不发选票。");
    let (status, v) = post(h, &h.desk_account, &checkin, json!({"query": "周敏"})).await;
    assert_eq!((status, v["newly"].as_bool()), (StatusCode::OK, Some(false)), "{v}");
    let (status, v) = post(h, &h.desk_account, &checkin, json!({"query": "吴强"})).await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "attendee_ambiguous"), "{v}");
    let (status, v) = post(h, &h.desk_account, &checkin, json!({"query": "QS15-001"})).await;
    assert_eq!((status, code(&v)), (StatusCode::NOT_FOUND, "attendee_not_found"), "a delegate is not an attendee: {v}");
    let path = format!("/api/station/sessions/{}/attendees/checkin", h.session);
    let (status, v) = station_call(&h.app, &h.desk, Method::POST, &path, Some(json!({"query": "PT-01"}))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["attendee"]["kind"], "observing");

    let (status, list, _) = call(&h.app, Method::GET, &register, Some(&h.desk_account), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let arrived: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["number"].as_str().unwrap(), a["checked_in"].as_bool().unwrap()))
        .collect();
    assert_eq!(arrived, [("LX-01", true), ("LX-02", false), ("PT-01", true)]);
    // Never counted among the delegates.
    assert_eq!(attendance(h).await, (6, 6));
}

async fn no_ballot_and_the_display(h: &Hall) {
    let def = h.ballot().await;
    let (status, v) = h.issue(&def, "LX-01").await.unwrap_err();
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "attendee_no_ballot"), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("never issued a ballot"), "{v}");
    let (status, v) = h.issue(&def, "NOBODY").await.unwrap_err();
    assert_eq!((status, code(&v)), (StatusCode::NOT_FOUND, "not_a_delegate"), "{v}");
    let (status, f, _) =
        call(&h.app, Method::GET, &format!("/api/sessions/{}/figures", h.session), None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(
        (f["expected"].as_u64(), f["present"].as_u64(), f["attending"].as_u64(), f["observing"].as_u64()),
        (Some(6), Some(6), Some(1), Some(1))
    );
    assert_eq!((f["turnout"][0]["expected"].as_u64(), f["turnout"][0]["present"].as_u64()), (Some(6), Some(6)));
}

both_backends!(attendees_without_a_vote, attendees_check_in_apart_and_never_get_a_ballot);
