//! The secretariat's proposals pages in a real browser (Debian's Chromium, headless)
//! against a real server (issue 18, items 1 and 2): the organiser names the
//! presidium, enters a proposal from the paper form, records a co-signer, submits
//! it, records the presidium member's decision, assigns it, records the unit's
//! reply and the lead delegate's evaluation, each on the page; the English page and
//! the public list. Every page passes axe-core with no serious or critical
//! violation; screenshots go to `target/browser-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::webdriver::{Browser, ENTER};

const TITLE: &str = "关于改善镇区道路照明的提案";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_takes_a_proposal_from_the_paper_form_to_the_evaluation_of_its_reply() {
    Box::pin(walk()).await;
}

/// The state line of proposal `id` once it says `want`.
async fn state_is(b: &Browser, id: i64, want: &str) {
    b.wait_text(&format!("#proposal-{id}-state"), want).await;
}

async fn walk() {
    let hall = support::hall(12, support::poll_definition()).await;
    let b = Browser::start().await;
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.type_into("#username", "organiser").await;
    b.type_into("#password", &format!("{}{ENTER}", support::PASSWORD)).await;
    b.wait_element("#new-account").await;
    // The session page links to the proposals page.
    b.goto(&format!("{}/sessions/{}?lang=zh-CN", hall.url, hall.session)).await;
    b.wait_element("#proposals-link").await;
    b.click("#proposals-link").await;
    b.wait_for(&format!("/sessions/{}/proposals", hall.session)).await;
    b.wait_element("#presidium").await;
    assert!(b.text_of("#presidium-list").await.contains("尚未确定主席团成员"));

    // The presidium.
    b.type_into("#pr-cards", "L00001\nL00002").await;
    b.click("#presidium button").await;
    b.wait_text("#note", "主席团名单已保存").await;
    let members = b.text_of("#presidium-list").await;
    assert!(members.contains("代表1（L00001，第一代表团）") && members.contains("代表2（L00002"), "{members}");

    // A proposal from the paper form.
    b.type_into("#np-lead", "L00003").await;
    b.type_into("#np-title", TITLE).await;
    b.type_into("#np-reasons", "镇区主干道夜间照明不足。").await;
    b.type_into("#np-measures", "增设路灯。").await;
    b.click("#new-proposal button").await;
    b.wait_text("#note", "提案已录入").await;
    let path = format!("/api/sessions/{}/proposals", hall.session);
    let drafts = hall.org.call::<Value>(http::Method::GET, &path, None).await.unwrap();
    assert_eq!(drafts, json!([]), "a draft is not public");
    let id = b.execute("return Number(document.querySelector('article.proposal').id.split('-')[1]);").await;
    let id = id.as_i64().unwrap();
    state_is(&b, id, "征集附议").await;
    // Nine co-signers through the API, the tenth on the page.
    for k in [1, 2, 4, 5, 6, 7, 8, 9, 10] {
        let body = json!({"card": format!("L{k:05}")});
        hall.org
            .call::<Value>(http::Method::POST, &format!("/api/proposals/{id}/cosigners"), Some(body))
            .await
            .unwrap();
    }
    b.goto(&format!("{}/sessions/{}/proposals?lang=zh-CN", hall.url, hall.session)).await;
    // Nine are not enough: refused next to the button.
    b.click(&format!("#submit-{id} button")).await;
    b.wait_element(&format!("#submit-{id}-message")).await;
    assert!(b.text_of(&format!("#submit-{id}-message")).await.contains("目前只有 9 名"));
    b.type_into(&format!("#cs-{id}"), "L00011").await;
    b.click(&format!("#cosign-{id} button")).await;
    b.wait_text("#note", "附议已登记").await;
    b.wait_text(&format!("#proposal-{id}-cosigners"), "10/10").await;
    b.assert_accessible("proposals page, a draft (zh-CN)").await;
    b.screenshot("proposals-draft-zh").await;
    b.click(&format!("#submit-{id} button")).await;
    state_is(&b, id, "待主席团审议").await;

    // The presidium's review, naming the member; then assignment, reply, evaluation.
    b.execute(&format!("document.getElementById('rv-member-{id}').value = 'L00002'; return true;")).await;
    b.type_into(&format!("#rv-reason-{id}"), "符合提案要求").await;
    b.assert_accessible("proposals page, the review form (zh-CN)").await;
    b.click(&format!("#review-{id} button")).await;
    state_is(&b, id, "已立案，待交办").await;
    assert!(b.text_of(&format!("#proposal-{id}-history")).await.contains("立案（主席团成员 代表2）：符合提案要求"));
    b.type_into(&format!("#as-unit-{id}"), "镇建设办").await;
    b.execute(&format!("document.getElementById('as-due-{id}').value = '2027-02-28'; return true;")).await;
    b.click(&format!("#assign-{id} button")).await;
    state_is(&b, id, "已交办，待答复").await;
    b.type_into(&format!("#rp-{id}"), "已增设路灯 40 盏。").await;
    b.click(&format!("#reply-{id} button")).await;
    state_is(&b, id, "已答复，待代表评价").await;
    b.execute(&format!("document.getElementById('ev-{id}').value = 'dissatisfied'; return true;")).await;
    b.click(&format!("#evaluate-{id} button")).await;
    state_is(&b, id, "代表不满意，待再次答复").await;
    assert!(b.text_of(&format!("label[for=rp-{id}]")).await.contains("再次答复"));
    b.assert_accessible("proposals page, the second reply (zh-CN)").await;
    b.screenshot("proposals-reply-again-zh").await;
    let kept = hall.org.call::<Value>(http::Method::GET, &format!("/api/proposals/{id}"), None).await.unwrap();
    assert_eq!((kept["state"].as_str(), kept["unit"].as_str()), (Some("reply_again"), Some("镇建设办")), "{kept}");
    assert_eq!(kept["history"][2]["member"]["card"], "L00002", "{kept}");

    // In English.
    b.goto(&format!("{}/sessions/{}/proposals?lang=en", hall.url, hall.session)).await;
    b.wait_element("#presidium").await;
    assert!(b.text_of("#heading").await.starts_with("Proposals: "));
    state_is(&b, id, "not satisfied, awaiting a second reply").await;
    b.assert_accessible("proposals page (en)").await;
    b.screenshot("proposals-en").await;

    // The public list, without a login.
    b.delete_cookies().await;
    b.goto(&format!("{}/sessions/{}/proposals/list?lang=zh-CN", hall.url, hall.session)).await;
    b.wait_element("#proposals").await;
    let row = b.text_of(&format!("#proposal-{id}")).await;
    assert!(row.contains(TITLE) && row.contains("10/10") && row.contains("镇建设办"), "{row}");
    b.assert_accessible("public list of proposals (zh-CN)").await;
    b.screenshot("proposals-public-zh").await;
}
