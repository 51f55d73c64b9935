//! 述职 summaries (spec §14.16, ADR 0030), on both backends: the organiser attaches a
//! member's summary to a confidence vote, evaluation or recall contest until the poll
//! opens; anyone reads them in ballot order, and booth stations fetch them to show
//! before each member's marks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Hall, call, code, station_call};
use hallvote_server::db::Store;
use serde_json::{Value, json};

fn poll() -> Value {
    json!({"name": "信任投票和罢免", "contests": [
        {"id": "m", "title": "表决", "type": "motion", "items": ["工作报告"]},
        {"id": "c", "title": "信任投票", "type": "confidence", "members": ["测试委员甲", "测试委员乙"]},
        {"id": "r", "title": "罢免镇党委委员", "type": "recall", "members": ["测试委员丙"]}
    ]})
}

async fn put(h: &Hall, who: &common::Client, body: Value) -> (StatusCode, Value) {
    let path = format!("/api/polls/{}/reports", h.poll);
    let (status, v, _) = call(&h.app, Method::PUT, &path, Some(who), Some(body), "zh-CN").await;
    (status, v)
}

async fn summaries_are_attached_until_the_poll_opens_and_shown_to_anyone(store: Store) {
    let h = Hall::builder().delegates(6).poll(poll()).appointed().build(&store).await;
    let path = format!("/api/polls/{}/reports", h.poll);

    // Attached in any order, kept as paragraphs in one form (a compatibility
    // ideograph folded, blank lines and spaces around lines dropped).
    let (status, v) =
        put(&h, &h.org, json!({"contest": "r", "member": "测试委员丙", "text": "一、工作\n\n二、不足"})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let text = "  一、履职情况：\u{F9E1}村道路硬化 \r\n\r\n二、存在不足\n";
    let (status, v) = put(&h, &h.org, json!({"contest": "c", "member": "测试委员乙", "text": text})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["text"], "一、履职情况：李村道路硬化\n二、存在不足");
    let (status, _) = put(&h, &h.org, json!({"contest": "c", "member": "测试委员甲", "text": "甲的述职"})).await;
    assert_eq!(status, StatusCode::OK);

    // Read without a login, in ballot order: contest c before r, 甲 before 乙.
    let (status, list, _) = call(&h.app, Method::GET, &path, None, None, "en").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let order: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["contest"].as_str().unwrap(), r["member"].as_str().unwrap()))
        .collect();
    assert_eq!(order, [("c", "测试委员甲"), ("c", "测试委员乙"), ("r", "测试委员丙")]);

    // The booth fetches the same; a desk station may not.
    let for_booth = format!("/api/station/polls/{}/reports", h.poll);
    let (status, served) = station_call(&h.app, &h.booth, Method::GET, &for_booth, None).await;
    assert_eq!((status, &served), (StatusCode::OK, &list));
    let (status, body) = station_call(&h.app, &h.desk, Method::GET, &for_booth, None).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "wrong_station_kind"), "{body}");

    // Refusals, each with its code.
    let refused = [
        (
            json!({"contest": "m", "member": "工作报告", "text": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contest_takes_no_report",
        ),
        (json!({"contest": "c", "member": "测试委员丙", "text": "x"}), StatusCode::NOT_FOUND, "no_such_member"),
        (json!({"contest": "x", "member": "测试委员甲", "text": "x"}), StatusCode::NOT_FOUND, "not_found"),
        (
            json!({"contest": "c", "member": "测试委员甲", "text": "零宽\u{200B}空格"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_report_text",
        ),
        (
            json!({"contest": "c", "member": "测试委员甲", "text": "字".repeat(6001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "report_too_long",
        ),
    ];
    for (body, want, want_code) in refused {
        let (status, v) = put(&h, &h.org, body.clone()).await;
        assert_eq!((status, code(&v)), (want, want_code), "{body}: {v}");
    }
    let (status, v) = put(&h, &h.org, json!({"contest": "c", "member": "测试委员甲", "text": "x", "pdf": "x"})).await;
    assert_eq!((status, code(&v)), (StatusCode::BAD_REQUEST, "malformed_request"), "an unknown field: {v}");
    let (status, v) = put(&h, &h.observer, json!({"contest": "c", "member": "测试委员甲", "text": "x"})).await;
    assert_eq!((status, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{v}");

    // An empty text removes a summary.
    let (status, _) = put(&h, &h.org, json!({"contest": "c", "member": "测试委员甲", "text": " \n "})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list, _) = call(&h.app, Method::GET, &path, None, None, "en").await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");

    // Once the poll is open, what the booth shows no longer changes.
    let shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &shares).await;
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let (status, v) = put(&h, &h.org, json!({"contest": "c", "member": "测试委员甲", "text": "改"})).await;
    assert_eq!((status, code(&v)), (StatusCode::CONFLICT, "poll_wrong_state"), "{v}");
    let (_, after, _) = call(&h.app, Method::GET, &path, None, None, "en").await;
    assert_eq!(after, list);

    // Every change is in the audit log.
    let (_, audit, _) = call(&h.app, Method::GET, "/api/audit", Some(&h.org), None, "zh-CN").await;
    assert_eq!(audit.to_string().matches("report.set").count(), 4, "{audit}");
}

both_backends!(member_reports, summaries_are_attached_until_the_poll_opens_and_shown_to_anyone);
