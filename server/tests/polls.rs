//! Polls from templates, checked against the ruleset and shown in ballot order,
//! through the HTTP API on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{as_role, call, setup};
use hallvote_protocol::wire::{PollDefinition, PollTemplates};
use hallvote_server::auth::Role;
use hallvote_server::db::{Store, congress};
use hallvote_tally::model::{Candidate, ContestKind};
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

    // Every template is a valid poll of its kind once its names are filled in.
    let (status, templates, _) = call(&app, Method::GET, "/api/poll-templates", Some(&org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    let templates: PollTemplates = serde_json::from_value(templates).unwrap();
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (kind, PollDefinition(mut t)) in [
        ("election", templates.election),
        ("by_election", templates.by_election),
        ("confidence", templates.confidence),
        ("evaluation", templates.evaluation),
        ("motion", templates.motion),
        ("recall", templates.recall),
    ] {
        assert_eq!(t.contests.len(), 1, "{kind}");
        match (kind, &mut t.contests[0].kind) {
            ("election", ContestKind::Election(e)) if !e.by_election => {
                e.candidates = (1..=11).map(|k| Candidate::new(format!("候选人{k}"))).collect()
            }
            ("by_election", ContestKind::Election(e)) if e.by_election => {
                e.candidates = vec![Candidate::new("张伟"), Candidate::new("丁一")]
            }
            ("confidence", ContestKind::Confidence(c)) => c.members = names(&["王芳", "李强"]),
            ("evaluation", ContestKind::Evaluation(e)) => {
                assert_eq!(e.grades.len(), 4);
                e.members = names(&["王芳", "李强"]);
            }
            ("motion", ContestKind::Motion(m)) => assert!(!m.items.is_empty()),
            ("recall", ContestKind::Recall(r)) => r.members = names(&["王芳"]),
            (kind, other) => panic!("the {kind} template is {other:?}"),
        }
        let body = serde_json::to_value(&t).unwrap();
        let (status, body, _) = call(&app, Method::POST, &path, Some(&org), Some(body), "zh-CN").await;
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
    assert_eq!(all.as_array().unwrap().len(), 8, "one poll per template (six) and two more");
    Box::pin(names_in_one_form(&app, &org, &path)).await;
}

/// Issue 18: names are stored in their one form and look-alike duplicates are refused.
async fn names_in_one_form(app: &axum::Router, org: &common::Client, path: &str) {
    // U+F9E1 is the compatibility ideograph of 李: stored and shown as 李明, in its place.
    let (status, p, _) =
        call(app, Method::POST, path, Some(org), Some(election(1, &["张伟", "\u{F9E1}明"])), "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["contests"][0]["items"], json!(["李明", "张伟"]));
    // 李明 twice, once with the compatibility ideograph: a duplicate.
    let (status, body, _) =
        call(app, Method::POST, path, Some(org), Some(election(1, &["李明", "\u{F9E1}明"])), "en").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("appears twice"), "{body}");
    // A zero-width space or a NUL is refused with the contest and the character.
    for (bad, code) in [("李\u{200B}明", "U+200B"), ("李\u{0}明", "U+0000")] {
        let (status, body, _) = call(app, Method::POST, path, Some(org), Some(election(1, &["张伟", bad])), "en").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(code) && message.contains("by-election"), "{message}");
    }
}
both_backends!(templates_and_rules, polls_from_templates);

/// Abandoning a key ceremony (`casting::restart_ceremony`): one transaction takes
/// the poll back to a draft without officers and removes the ceremony's messages;
/// only a poll in its ceremony can be taken back.
async fn a_ceremony_is_abandoned_in_one_step(store: Store) {
    use hallvote_server::db::casting;
    use sqlx::Row;
    let c = congress::create_congress(&store, "中国共产党青山镇第十五届代表大会", 15, 5, 1).await.unwrap();
    let s = congress::create_session(&store, c.id, 3, "礼堂", "今天", "township-2020", 1).await.unwrap();
    let (app, clients) = setup(store.clone()).await;
    let org = as_role(&clients, Role::Organiser);
    let (status, p, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{}/polls", s.id),
        Some(&org),
        Some(election(1, &["张伟", "丁一"])),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let poll = p["id"].as_i64().unwrap();
    assert!(!casting::restart_ceremony(&store, poll).await.unwrap(), "a draft has no ceremony");
    sqlx::query("UPDATE polls SET state = 'ceremony', threshold = 2, ceremony_id = $1, manifest = $1 WHERE id = $2")
        .bind(vec![7u8; 64])
        .bind(poll)
        .execute(store.pool())
        .await
        .unwrap();
    for j in 1..=3i64 {
        sqlx::query("INSERT INTO ceremony_recipients (poll_id, scrutineer, public_key) VALUES ($1, $2, $3)")
            .bind(poll)
            .bind(j)
            .bind(vec![j as u8; 96])
            .execute(store.pool())
            .await
            .unwrap();
    }
    assert!(casting::restart_ceremony(&store, poll).await.unwrap());
    let row = sqlx::query("SELECT state, threshold, ceremony_id FROM polls WHERE id = $1")
        .bind(poll)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>("state").unwrap(), "draft");
    assert_eq!(row.try_get::<Option<i64>, _>("threshold").unwrap(), None);
    assert_eq!(row.try_get::<Option<Vec<u8>>, _>("ceremony_id").unwrap(), None);
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM ceremony_recipients WHERE poll_id = $1")
        .bind(poll)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(left, 0);
    assert!(!casting::restart_ceremony(&store, poll).await.unwrap(), "only once");
    // Through the API: a draft is refused with the state named.
    let (status, err, _) =
        call(&app, Method::POST, &format!("/api/polls/{poll}/ceremony/restart"), Some(&org), None, "en").await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("poll_wrong_state")));
}
both_backends!(ceremony_restart, a_ceremony_is_abandoned_in_one_step);
