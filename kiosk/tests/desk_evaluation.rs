//! The lead delegate's own evaluation of the reply to their proposal, at the desk
//! station in a real browser (Debian's Chromium, headless; issue 18, item 1; spec
//! §14.11): the desk lists the proposals whose reply awaits evaluation with the reply
//! to read; a co-signer's card is refused (only the lead delegate evaluates); the
//! lead delegate's card records 不满意, the proposal awaits a second reply, and the
//! audit log names the lead delegate and the desk. The page passes axe-core and the
//! strict CSP, in zh-CN and in English.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_protocol::stations::StationKind;
use http::Method;
use serde_json::{Value, json};
use support::webdriver::Browser;

const TITLE: &str = "关于改善镇区道路照明的提案";
const REPLY: &str = "已在主干道增设路灯 40 盏。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_delegate_evaluates_the_reply_by_card_at_the_desk() {
    Box::pin(walk()).await;
}

/// The secretariat's call that must succeed.
async fn org(hall: &support::Hall, method: Method, path: &str, body: Option<Value>) -> Value {
    hall.org.call::<Value>(method, path, body).await.unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

async fn walk() {
    let hall = support::hall(12, support::poll_definition()).await;
    let sid = hall.session;
    // Proposal 1, led by L00003 with ten co-signers, through to the unit's reply.
    org(&hall, Method::PUT, &format!("/api/sessions/{sid}/presidium"), Some(json!({"cards": ["L00001"]}))).await;
    let body =
        json!({"lead": {"card": "L00003"}, "title": TITLE, "reasons": "夜间照明不足。", "measures": "增设路灯。"});
    let p = org(&hall, Method::POST, &format!("/api/sessions/{sid}/proposals"), Some(body)).await;
    let id = p["id"].as_i64().unwrap();
    for k in [1, 2, 4, 5, 6, 7, 8, 9, 10, 11] {
        let body = json!({"card": format!("L{k:05}")});
        org(&hall, Method::POST, &format!("/api/proposals/{id}/cosigners"), Some(body)).await;
    }
    org(&hall, Method::POST, &format!("/api/proposals/{id}/submit"), None).await;
    let body = json!({"member": "L00001", "decision": "accept", "reason": "符合提案要求"});
    org(&hall, Method::POST, &format!("/api/proposals/{id}/review"), Some(body)).await;
    let body = json!({"member": "L00001", "unit": "镇建设办", "due": "2027-02-28"});
    org(&hall, Method::POST, &format!("/api/proposals/{id}/assignment"), Some(body)).await;
    org(&hall, Method::POST, &format!("/api/proposals/{id}/replies"), Some(json!({"text": REPLY}))).await;
    let cid = org(&hall, Method::GET, "/api/congresses", None).await[0]["id"].as_i64().unwrap();
    let cards = org(&hall, Method::GET, &format!("/api/congresses/{cid}/cards"), None).await;
    let qr = |card: &str| {
        cards.as_array().unwrap().iter().find(|c| c["card"] == card).unwrap()["qr_text"].as_str().unwrap().to_owned()
    };

    let station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = support::serve(DeskApp::new(Desk::new(station.link().unwrap()), "报到处1").router()).await;
    support::assert_strict_page(&desk, "/").await;
    let b = Browser::start().await;
    b.goto(&desk).await;
    b.wait_element("#evaluate-form").await;
    assert_eq!(b.text_of("#evaluate-heading").await, "评价提案答复");
    let summary = b.text_of(&format!("#reply-{id} summary")).await;
    assert!(summary.contains("第1号") && summary.contains(TITLE) && summary.contains("代表3"), "{summary}");
    b.click(&format!("#reply-{id} summary")).await;
    assert_eq!(b.text_of(&format!("#reply-{id} .reply")).await, REPLY, "the lead delegate reads the reply first");
    b.assert_accessible("desk, a reply to evaluate (zh-CN)").await;
    b.screenshot("desk-evaluation-zh").await;

    // A co-signer's card is refused, naming them, and nothing is recorded.
    b.click("#evaluation-dissatisfied").await;
    b.type_into("#evaluate-comment", "支路仍未照明").await;
    b.type_into("#evaluator", &qr("L00004")).await;
    b.click("#evaluate").await;
    b.wait_element("[role=alert]").await;
    let alert = b.text_of("[role=alert]").await;
    assert!(alert.contains("代表4（L00004）不是第1号提案的领衔代表"), "{alert}");
    let kept = org(&hall, Method::GET, &format!("/api/proposals/{id}"), None).await;
    assert_eq!(kept["state"], "replied", "{kept}");

    // The lead delegate's own card: 不满意 is recorded and a second reply is due.
    b.click("#evaluation-dissatisfied").await;
    b.type_into("#evaluate-comment", "支路仍未照明").await;
    b.type_into("#evaluator", &qr("L00003")).await;
    b.click("#evaluate").await;
    b.wait_text("#notice", "已登记领衔代表 代表3 对第1号提案答复的评价：不满意。承办单位将再次答复。").await;
    assert!(b.try_find("#evaluate-form").await.is_none(), "nothing awaits evaluation any more");
    let kept = org(&hall, Method::GET, &format!("/api/proposals/{id}"), None).await;
    assert_eq!((kept["state"].as_str(), kept["evaluation"].as_str()), (Some("reply_again"), Some("dissatisfied")));
    let step = kept["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((step["actor"].as_str(), step["reason"].as_str()), (Some("station:报到处1"), Some("支路仍未照明")));
    let audit = org(&hall, Method::GET, "/api/audit", None).await;
    let entry = audit["entries"].as_array().unwrap().iter().find(|e| e["action"] == "proposal.evaluate.dissatisfied");
    let entry = entry.unwrap_or_else(|| panic!("{audit}"));
    assert!(entry["detail"].as_str().unwrap().contains("领衔代表 代表3（L00003）扫描代表证评价：不满意"), "{entry}");

    // The second reply, evaluated in English this time: 基本满意 concludes it.
    org(&hall, Method::POST, &format!("/api/proposals/{id}/replies"), Some(json!({"text": "支路路灯已列入计划。"})))
        .await;
    b.goto(&format!("{desk}/lang/en")).await;
    b.goto(&desk).await;
    b.wait_element("#evaluate-form").await;
    assert_eq!(b.text_of("#evaluate-heading").await, "Evaluate a reply to a proposal");
    b.assert_accessible("desk, a reply to evaluate (en)").await;
    b.click("#evaluation-basically_satisfied").await;
    b.type_into("#evaluator", &qr("L00003")).await;
    b.click("#evaluate").await;
    b.wait_text("#notice", "is recorded: basically satisfied. The proposal is concluded.").await;
    b.assert_no_csp_violation("desk evaluation").await;
    let kept = org(&hall, Method::GET, &format!("/api/proposals/{id}"), None).await;
    assert_eq!((kept["state"].as_str(), kept["evaluation"].as_str()), (Some("concluded"), Some("basically_satisfied")));
}
