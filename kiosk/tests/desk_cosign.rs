//! Drafting and co-signing a proposal at the desk station (issue 18, item 1; RULES
//! R18): the lead delegate drafts one with their card scanned; the desk lists the
//! session's proposals still collecting co-signers; a delegate scans their card and
//! is recorded as a co-signer by card; a second scan adds no one; the lead
//! delegate's own card is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::link::Link;
use hallvote_protocol::stations::StationKind;
use http::{Method, StatusCode};
use serde_json::{Value, json};

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn post_form(base: &str, path: &str, fields: &[(&str, &str)]) -> String {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
    let link = Link::new(base, None).unwrap();
    let a = link
        .call_raw(Method::POST, path, body.join("&").into_bytes(), "application/x-www-form-urlencoded", &[])
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::OK, "{path}");
    String::from_utf8(a.body.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_drafts_and_others_co_sign_a_proposal_by_card_at_the_desk() {
    let hall = support::hall(4, support::poll_definition()).await;
    let congresses = hall.org.call::<Value>(Method::GET, "/api/congresses", None).await.unwrap();
    let cid = congresses[0]["id"].as_i64().unwrap();
    let cards = hall.org.call::<Value>(Method::GET, &format!("/api/congresses/{cid}/cards"), None).await.unwrap();
    let qr = |card: &str| {
        cards.as_array().unwrap().iter().find(|c| c["card"] == card).unwrap()["qr_text"].as_str().unwrap().to_owned()
    };

    let station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = support::serve(DeskApp::new(Desk::new(station.link().unwrap()), "报到处1").router()).await;
    let page = post_form(
        &desk,
        "/draft",
        &[
            ("lead", &qr("L00001")),
            ("title", "关于改善镇区道路照明的提案"),
            ("reasons", "夜间照明不足。"),
            ("measures", "增设路灯。"),
        ],
    )
    .await;
    assert!(page.contains("已起草第1号提案（领衔代表 代表1）"), "{page}");
    let page =
        post_form(&desk, "/draft", &[("lead", &qr("L00002")), ("title", " "), ("reasons", "x"), ("measures", "y")])
            .await;
    assert!(page.contains("role=\"alert\"") && page.contains("请填写案由"), "an empty title is refused: {page}");
    let public = format!("/api/sessions/{}/proposals", hall.session);
    assert_eq!(hall.org.call::<Value>(Method::GET, &public, None).await.unwrap(), json!([]), "a draft is not public");
    let drafted = hall.org.call::<Value>(Method::GET, "/api/proposals/1", None).await.unwrap();
    assert_eq!((drafted["lead"]["card"].as_str(), drafted["state"].as_str()), (Some("L00001"), Some("collecting")));
    let id = drafted["id"].as_i64().unwrap().to_string();
    let home =
        String::from_utf8(Link::new(&desk, None).unwrap().call(Method::GET, "/", None).await.unwrap().body.to_vec())
            .unwrap();
    assert!(
        home.contains("id=\"cosign-form\"") && home.contains("第1号 关于改善镇区道路照明的提案（已附议 0/10）"),
        "{home}"
    );

    let page = post_form(&desk, "/cosign", &[("proposal", &id), ("cosigner", &qr("L00002"))]).await;
    assert!(page.contains("已登记 代表2 附议第1号提案（1/10）"), "{page}");
    let page = post_form(&desk, "/cosign", &[("proposal", &id), ("cosigner", &qr("L00002"))]).await;
    assert!(page.contains("代表2 此前已附议第1号提案（1/10）"), "{page}");
    let page = post_form(&desk, "/cosign", &[("proposal", &id), ("cosigner", &qr("L00001"))]).await;
    assert!(page.contains("role=\"alert\"") && page.contains("领衔代表"), "the lead cannot co-sign: {page}");

    let kept = hall.org.call::<Value>(Method::GET, &format!("/api/proposals/{id}"), None).await.unwrap();
    assert_eq!(
        kept["cosigners"],
        json!([{"delegate": {"card": "L00002", "name": "代表2", "group": "第一代表团"}, "via": "card"}])
    );
}
