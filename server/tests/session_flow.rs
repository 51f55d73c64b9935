//! A session's setup and check-in through the HTTP API only, on both backends:
//! congress, session, roster from the office's .xlsx, bad rows reported, exclusions,
//! check-in at the desk, attendance and quorum.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{as_role, call, read_event, setup, upload};
use hallvote_protocol::wire::{RosterImported, RowProblemCode};
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use serde_json::json;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn setup_and_check_in(store: Store) {
    let (app, clients) = setup(store).await;
    let org = as_role(&clients, Role::Organiser);
    let desk = as_role(&clients, Role::Desk);

    let (status, c) = {
        let (s, v, _) = call(
            &app,
            Method::POST,
            "/api/congresses",
            Some(&org),
            Some(json!({"name": "中国共产党青山镇第十五届代表大会", "number": 15})),
            "zh-CN",
        )
        .await;
        (s, v)
    };
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_i64().unwrap();
    let (status, s, _) = call(
        &app,
        Method::POST,
        &format!("/api/congresses/{cid}/sessions"),
        Some(&org),
        Some(json!({"number": 3, "place": "镇政府大礼堂", "date": "2026年11月28日"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["ruleset"], "township-2020");
    let sid = s["id"].as_i64().unwrap();
    let (status, dup, _) = call(
        &app,
        Method::POST,
        &format!("/api/congresses/{cid}/sessions"),
        Some(&org),
        Some(json!({"number": 3, "place": "x", "date": "y"})),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(dup["error"]["code"], "session_exists");

    // The roster from the office's spreadsheet.
    let (status, report) =
        upload(&app, &format!("/api/congresses/{cid}/roster"), &org, XLSX, data("roster-120.xlsx"), "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report: RosterImported = serde_json::from_value(report).unwrap();
    assert_eq!((report.added, report.errors.len()), (120, 0));
    // Importing the faulty file reports its bad rows by line, in the request's language,
    // and updates the good rows (same card numbers) without adding anyone.
    let (status, report) =
        upload(&app, &format!("/api/congresses/{cid}/roster"), &org, "text/csv", data("roster-bad-rows.csv"), "en")
            .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report: RosterImported = serde_json::from_value(report).unwrap();
    assert_eq!((report.added, report.updated), (0, 8));
    let refused: Vec<(u64, RowProblemCode)> = report.errors.iter().map(|e| (e.line, e.problem)).collect();
    assert_eq!(
        refused,
        [
            (4, RowProblemCode::EmptyName),
            (7, RowProblemCode::DuplicateCard),
            (9, RowProblemCode::EmptyGroup),
            (11, RowProblemCode::BadGender)
        ]
    );
    assert_eq!(report.errors[0].message, "line 4 (no. 3): the name is empty");
    assert_eq!(report.notes.iter().map(|n| n.line).collect::<Vec<_>>(), [12], "{:?}", report.notes);
    // A file that is not a roster.
    let (status, err) =
        upload(&app, &format!("/api/congresses/{cid}/roster"), &org, "application/pdf", b"%PDF".to_vec(), "zh-CN")
            .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(err["error"]["code"], "unsupported_media_type");
    let (status, roll, _) =
        call(&app, Method::GET, &format!("/api/congresses/{cid}/roster"), Some(&desk), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(roll.as_array().unwrap().len(), 120);

    // Two approved exclusions (R1): expected 118.
    for (card, reason) in [("QS15-119", "illness"), ("QS15-120", "abroad")] {
        let (status, body, _) = call(
            &app,
            Method::POST,
            &format!("/api/sessions/{sid}/exclusions"),
            Some(&org),
            Some(json!({"card": card, "reason": reason, "note": "经主席团批准"})),
            "zh-CN",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, _, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/exclusions"),
        Some(&org),
        Some(json!({"card": "QS15-119", "reason": "other"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // One made in error (QS15-001) is withdrawn: listed, then gone, and expected is back.
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/exclusions"),
        Some(&org),
        Some(json!({"card": "QS15-001", "reason": "other", "note": "误录"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let listed = |list: &serde_json::Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|e| e["card"].as_str().unwrap().to_owned()).collect()
    };
    let (_, list, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/exclusions"), Some(&org), None, "en").await;
    assert_eq!(listed(&list), ["QS15-001", "QS15-119", "QS15-120"]);
    assert_eq!(list[1]["reason"], "illness");
    let withdraw = format!("/api/sessions/{sid}/exclusions/QS15-001/withdraw");
    let (status, body, _) = call(&app, Method::POST, &withdraw, Some(&org), None, "en").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body, _) = call(&app, Method::POST, &withdraw, Some(&org), None, "en").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_excluded")));
    let (_, list, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/exclusions"), Some(&org), None, "en").await;
    assert_eq!(listed(&list), ["QS15-119", "QS15-120"]);
    let (_, att, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/attendance"), Some(&desk), None, "zh-CN").await;
    assert_eq!(
        (att["expected"].as_i64(), att["present"].as_i64(), att["quorum_met"].as_bool()),
        (Some(118), Some(0), Some(false))
    );

    // Check-in: 94 delegates is not yet four fifths of 118 (94·5 = 470 < 472); 95 is.
    for k in 1..=94 {
        let (status, body, _) = call(
            &app,
            Method::POST,
            &format!("/api/sessions/{sid}/checkin"),
            Some(&desk),
            Some(json!({"card": format!("QS15-{k:03}")})),
            "zh-CN",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "checked_in");
    }
    let (_, att, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/attendance"), Some(&org), None, "zh-CN").await;
    assert_eq!((att["present"].as_i64(), att["quorum_met"].as_bool()), (Some(94), Some(false)));
    let (_, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "QS15-095"})),
        "zh-CN",
    )
    .await;
    assert_eq!(body["status"], "checked_in");
    assert!(!body["name"].as_str().unwrap().is_empty());
    let (_, att, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/attendance"), Some(&org), None, "zh-CN").await;
    assert_eq!((att["present"].as_i64(), att["quorum_met"].as_bool()), (Some(95), Some(true)));

    // Delegate cards: one per delegate, each with a QR code the desk can scan.
    let (status, cards, _) =
        call(&app, Method::GET, &format!("/api/congresses/{cid}/cards"), Some(&org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    let cards = cards.as_array().unwrap().clone();
    assert_eq!(cards.len(), 120);
    let qr_96 = cards.iter().find(|c| c["card"] == "QS15-096").unwrap()["qr_text"].as_str().unwrap().to_owned();
    assert!(qr_96.starts_with("HVCARD1:"));
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"qr": format!("{qr_96}\n")})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["card"].as_str(), body["status"].as_str()), (Some("QS15-096"), Some("checked_in")));
    let stranger = hallvote_crypto::sign::SigningKey::generate(&mut rand::rng());
    let forged = hallvote_server::cards::qr_text(&stranger, cid as u64, "QS15-097");
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"qr": forged})),
        "en",
    )
    .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("card_qr_forged")));
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"qr": "https://example.com"})),
        "zh-CN",
    )
    .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("card_qr_unreadable")));
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"qr": qr_96, "card": "QS15-096"})),
        "zh-CN",
    )
    .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
    let (_, att, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/attendance"), Some(&org), None, "zh-CN").await;
    assert_eq!(att["present"].as_i64(), Some(96));

    // Scanning a card twice changes nothing; refusals are specific.
    let (_, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "QS15-001"})),
        "zh-CN",
    )
    .await;
    assert_eq!(body["status"], "already_present");
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "XX-999"})),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_a_delegate");
    assert_eq!(body["error"]["message"], "This card is not a delegate of this congress.");
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "QS15-119"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "delegate_excluded");
    // An excluded delegate cannot be excluded once present either.
    let (status, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/exclusions"),
        Some(&org),
        Some(json!({"card": "QS15-002", "reason": "other"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "delegate_present");

    // A departure lowers "present"; coming back raises it again.
    let (_, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkout"),
        Some(&desk),
        Some(json!({"card": "QS15-010"})),
        "zh-CN",
    )
    .await;
    assert_eq!(body["status"], "departed");
    let (_, att, _) =
        call(&app, Method::GET, &format!("/api/sessions/{sid}/attendance"), Some(&org), None, "zh-CN").await;
    assert_eq!((att["present"].as_i64(), att["quorum_met"].as_bool()), (Some(95), Some(true)));
    let (_, body, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{sid}/checkin"),
        Some(&desk),
        Some(json!({"card": "QS15-010"})),
        "zh-CN",
    )
    .await;
    assert_eq!(body["status"], "checked_in");

    // Every organiser action is in the audit log, and its chain holds.
    let (_, log, _) = call(&app, Method::GET, "/api/audit", Some(&org), None, "zh-CN").await;
    assert_eq!(log["chain_verified"], true);
    let actions: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["congress.create", "session.create", "roster.import", "exclusion.add"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}
both_backends!(setup_and_checkin, setup_and_check_in);

async fn printable_cards_and_png(store: Store) {
    let (app, clients) = setup(store.clone()).await;
    let org = as_role(&clients, Role::Organiser);
    let c = hallvote_server::db::congress::create_congress(&store, "第十五届", 15, 5, 1).await.unwrap();
    let rows = hallvote_server::roster::parse_csv(
        "姓名,代表团,代表证号\n<b>甲</b>,一团,A1\n阿依古丽·买买提,一团,A2\n".as_bytes(),
    )
    .unwrap()
    .rows;
    hallvote_server::db::roster::import(&store, c.id, &rows).await.unwrap();
    let req = axum::http::Request::get(format!("/congresses/{}/cards", c.id))
        .header("cookie", &org.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = String::from_utf8(http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes().to_vec())
        .unwrap();
    assert!(html.contains("&lt;b&gt;甲&lt;/b&gt;"), "names are escaped");
    assert!(!html.contains("<b>甲"));
    assert!(html.contains("阿依古丽·买买提"));
    assert_eq!(html.matches("<svg").count(), 2);
    // The sheet's markup, as the print style sheet reads it: one section a card.
    assert!(html.starts_with("<!doctype html><html lang=\""), "{html}");
    assert!(html.contains(
        "<link rel=\"stylesheet\" href=\"/assets/cards.css\"></head><body><main>\n<section class=\"card\"><h2>第十五届</h2>\
         <p class=\"name\">&lt;b&gt;甲&lt;/b&gt;</p><p>一团</p><p>代表证号: A1</p><div class=\"qr\">"
    ));
    assert!(
        html.contains("</section>\n<section class=\"card\"><h2>第十五届</h2><p class=\"name\">阿依古丽·买买提</p>")
    );
    assert!(html.ends_with("</section>\n</main></body></html>"), "{html}");
    let req = axum::http::Request::get(format!("/api/congresses/{}/cards/A2/qr.png", c.id))
        .header("cookie", &org.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    let png = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert_eq!(&png[..4], b"\x89PNG");
}
both_backends!(cards, printable_cards_and_png);

async fn the_hall_display_pushes_attendance(store: Store) {
    let (app, clients) = setup(store.clone()).await;
    let desk = as_role(&clients, Role::Desk);
    let c = hallvote_server::db::congress::create_congress(&store, "中国共产党青山镇第十五届代表大会", 15, 5, 1)
        .await
        .unwrap();
    let s = hallvote_server::db::congress::create_session(&store, c.id, 3, "礼堂", "今天", "township-2020", 1)
        .await
        .unwrap();
    let rows =
        hallvote_server::roster::parse_csv("姓名,代表团,代表证号\n甲,一团,A1\n乙,一团,A2\n".as_bytes()).unwrap().rows;
    hallvote_server::db::roster::import(&store, c.id, &rows).await.unwrap();

    // Public: no login needed for the hall's figures.
    let (status, f, _) = call(&app, Method::GET, &format!("/api/sessions/{}/figures", s.id), None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(f["session"], "中国共产党青山镇第十五届代表大会第三次会议");
    assert_eq!(
        (f["expected"].as_i64(), f["present"].as_i64(), f["quorum_met"].as_bool()),
        (Some(2), Some(0), Some(false))
    );
    let (status, page, _) = call(&app, Method::GET, &format!("/display/sessions/{}", s.id), None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{page}");

    // The event stream sends the figures at once, then again when they change.
    let req =
        axum::http::Request::get(format!("/api/sessions/{}/events", s.id)).body(axum::body::Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut body = res.into_body();
    let first = read_event(&mut body).await;
    assert!(first.contains("event: figures") && first.contains("\"present\":0"), "{first}");
    let (status, _, _) = call(
        &app,
        Method::POST,
        &format!("/api/sessions/{}/checkin", s.id),
        Some(&desk),
        Some(json!({"card": "A1"})),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let second = read_event(&mut body).await;
    assert!(second.contains("\"present\":1") && second.contains("\"quorum_met\":false"), "{second}");
}
both_backends!(hall_display, the_hall_display_pushes_attendance);
