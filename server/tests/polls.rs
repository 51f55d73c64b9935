//! Polls from templates, checked against the ruleset and shown in ballot order,
//! through the HTTP API on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{as_role, call, setup};
use hallvote_server::auth::Role;
use hallvote_server::db::{Store, congress};
use serde_json::{Value, json};

fn election(seats: u32, names: &[&str]) -> Value {
    let candidates: Vec<Value> = names.iter().map(|n| json!({ "name": n })).collect();
    json!({ "name": "增补镇党委委员", "contests": [{ "id": "by-election", "title": "增补镇党委委员",
        "type": "election", "kind": "competitive", "by_election": true, "seats": seats, "candidates": candidates }] })
}

async fn polls_from_templates(store: Store) {
    let c = congress::create_congress(&store, "中国共产党青山镇第十五届代表大会", 15, 5, 1).await.unwrap();
    let s = congress::create_session(&store, c.id, 3, "礼堂", "今天", "township-2020", 1).await.unwrap();
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    let booth = as_role(&clients, Role::Booth);
    let path = format!("/api/sessions/{}/polls", s.id);

    // Every template is a valid poll once its names are filled in.
    let (status, templates, _) = call(&app, Method::GET, "/api/poll-templates", Some(&org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    for (kind, mut t) in templates.as_object().unwrap().clone() {
        let contest = &mut t["contests"][0];
        match kind.as_str() {
            "election" => {
                contest["candidates"] =
                    json!((1..=11).map(|k| json!({"name": format!("候选人{k}")})).collect::<Vec<_>>())
            }
            "by_election" => contest["candidates"] = json!([{"name": "张伟"}, {"name": "丁一"}]),
            "confidence" | "evaluation" => contest["members"] = json!(["王芳", "李强"]),
            _ => {}
        }
        let (status, body, _) = call(&app, Method::POST, &path, Some(&org), Some(t), "zh-CN").await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {body}");
    }

    // Candidates appear in surname stroke order (R7): 丁 (2) 王 (4) 李 (7) 张 (7).
    let (status, p, _) =
        call(&app, Method::POST, &path, Some(&org), Some(election(2, &["张伟", "李明", "王芳", "丁一"])), "zh-CN")
            .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["contests"][0]["items"], json!(["丁一", "王芳", "李明", "张伟"]));
    assert_eq!(p["contests"][0]["options"], json!(["赞成", "不赞成", "弃权"]));
    assert_eq!(p["contests"][0]["kind"], "差额增补选举");
    assert_eq!(p["state"], "draft");
    let (status, shown, _) =
        call(&app, Method::GET, &format!("/api/polls/{}", p["id"]), Some(&booth), None, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["contests"][0]["options"], json!(["for", "against", "abstain"]));
    assert_eq!(shown["contests"][0]["kind"], "competitive by-election");

    // The candidate margin (R8): 5 seats need 6 candidates; 5 are refused with the reason.
    let six = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六"];
    let (status, _, _) = call(&app, Method::POST, &path, Some(&org), Some(election(5, &six)), "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body, _) = call(&app, Method::POST, &path, Some(&org), Some(election(5, &six[..5])), "zh-CN").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_poll");
    assert!(body["error"]["message"].as_str().unwrap().contains('6'), "{body}");

    // Attendance is frozen at opening, not given; unknown fields are refused.
    let mut with_attendance = election(1, &["甲", "乙"]);
    with_attendance["attendance"] = json!({ "expected": 100, "present": 90 });
    let (status, body, _) = call(&app, Method::POST, &path, Some(&org), Some(with_attendance), "zh-CN").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_poll")));
    let mut unknown = election(1, &["甲", "乙"]);
    unknown["colour"] = json!("red");
    let (status, body, _) = call(&app, Method::POST, &path, Some(&org), Some(unknown), "en").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));

    let (_, all, _) = call(&app, Method::GET, &path, Some(&booth), None, "zh-CN").await;
    assert_eq!(all.as_array().unwrap().len(), 7);
}
both_backends!(templates_and_rules, polls_from_templates);
