//! 述职 summaries at the booth (spec §14.16, ADR 0030), in a real browser (Debian's
//! Chromium, headless) against a real server: the organiser attaches summaries to a
//! confidence vote (by the API) and a recall (on the console's session page) before the
//! poll opens; at the booth the delegate sees
//! each member's summary, in paragraphs, before the page of marks, moves on with one
//! button (Enter alone will do), in zh-CN and in English, then marks and casts. A
//! member without a summary has no page; a summary read is not shown again on going
//! back. Every page passes axe-core with no serious or critical violation, under the
//! strict CSP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_protocol::stations::StationKind;
use http::Method;
use serde_json::{Value, json};
use support::webdriver::{Browser, ENTER};

const DELEGATES: usize = 4;

async fn assert_accessible(b: &Browser, base: &str, path: &str, page: &str) {
    b.assert_accessible(page).await;
    support::assert_strict_page(base, path).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_reads_each_members_summary_before_the_marks_and_casts() {
    let poll = json!({"name": "信任投票和罢免", "contests": [
        {"id": "confidence", "title": "信任投票", "type": "confidence", "members": ["王芳", "李强"]},
        {"id": "recall", "title": "罢免镇党委委员", "type": "recall", "members": ["赵磊"]}
    ]});
    let hall = support::hall(DELEGATES, poll).await;
    let path = format!("/api/polls/{}/reports", hall.poll);
    // 王芳's by the API; 赵磊's on the console's session page, as an organiser would.
    let body = json!({"contest": "confidence", "member": "王芳",
        "text": "一、履职情况：完成村道硬化十二公里。\n\n二、存在不足：调研不够深入。"});
    let _: Value = hall.org.call(Method::PUT, &path, Some(body)).await.unwrap();
    let b = Browser::start().await;
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.type_into("#username", "organiser").await;
    b.type_into("#password", &format!("{}{ENTER}", support::PASSWORD)).await;
    b.wait_element(&format!("#session-link-{}", hall.session)).await;
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    let form = format!("#reports-{}", hall.poll);
    b.wait_element(&form).await;
    let select = format!("report-member-{}", hall.poll);
    b.wait_until(&format!("document.getElementById('report-text-{}').value !== ''", hall.poll), "王芳's text shown")
        .await;
    b.execute(&format!(
        "const s = document.getElementById('{select}'); s.value = JSON.stringify(['recall', '赵磊']); \
         s.dispatchEvent(new Event('change')); return true;"
    ))
    .await;
    b.type_into(&format!("#report-text-{}", hall.poll), "本人对照职责作述职如下。").await;
    b.click(&format!("#report-save-{}", hall.poll)).await;
    b.wait_text("#note", "已保存 赵磊 的述职报告摘要").await;
    b.assert_accessible("console with the summaries form").await;
    let listed: Value = hall.org.call(Method::GET, &path, None).await.unwrap();
    assert_eq!(listed[1], json!({"contest": "recall", "member": "赵磊", "text": "本人对照职责作述职如下。"}));
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处1").await.link().unwrap());
    let (_, credential) = desk.issue(hall.poll, &CardScan::Number("L00001".into())).await.unwrap();
    let booth = Booth::new(hall.station(StationKind::Booth, "投票机1").await.link().unwrap());
    let base = support::serve(BoothApp::new(booth, "投票机1", &hall.url, DEFAULT_IDLE).router()).await;

    b.goto(&base).await;
    b.type_into("#credential", &format!("{credential}{ENTER}")).await;
    // 王芳's summary comes before the confidence vote's marks; 李强 has none.
    b.wait_for("/report/0/0").await;
    assert_eq!(b.text("h1").await, "王芳 的述职报告摘要");
    let paragraphs = b.execute("return [...document.querySelectorAll('#report p')].map(p => p.textContent);").await;
    assert_eq!(paragraphs, json!(["一、履职情况：完成村道硬化十二公里。", "二、存在不足：调研不够深入。"]));
    assert_eq!(b.execute("return document.querySelectorAll('input[type=radio]').length;").await, 0, "no marks yet");
    let focused = b.execute("return document.activeElement.id;").await;
    assert_eq!(focused, "report-continue", "the one button has the focus");
    assert_accessible(&b, &base, "/report/0/0", "summary before the marks").await;
    b.screenshot("booth-report-1-summary").await;
    // Enter alone moves on, to the marks.
    b.type_into("#report-continue", ENTER).await;
    b.wait_for("/contest/0").await;
    b.click("input[name=i0][value='0']").await;
    b.click("input[name=i1][value='1']").await;
    b.click("button[value=next]").await;

    // The recall's summary, in English this time.
    b.wait_for("/report/1/0").await;
    b.goto(&format!("{base}/lang/en")).await;
    b.goto(&format!("{base}/report/1/0")).await;
    assert_eq!(b.text("h1").await, "Report on duties (述职) of 赵磊: summary");
    assert_eq!(b.text("#report-continue").await, "Continue");
    assert_eq!(b.text("#report").await, "本人对照职责作述职如下。");
    assert_accessible(&b, &base, "/report/1/0", "summary, in English").await;
    b.click("#report-continue").await;
    b.wait_for("/contest/1").await;
    let labels = b.text_of("#ballot").await;
    assert!(labels.contains("recall") && labels.contains("do not recall"), "{labels}");
    b.goto(&format!("{base}/lang/zh-CN")).await;
    b.goto(&format!("{base}/contest/1")).await;
    let labels = b.text_of("#ballot").await;
    assert!(labels.contains("同意罢免") && labels.contains("不同意罢免"), "{labels}");
    assert_accessible(&b, &base, "/contest/1", "recall marks").await;
    b.screenshot("booth-report-2-recall").await;

    // Back to the first contest: its summary, read, is not shown again.
    b.goto(&format!("{base}/contest/0")).await;
    b.wait_for("/contest/0").await;
    b.goto(&format!("{base}/contest/1")).await;
    b.wait_for("/contest/1").await;
    b.click("input[name=i0][value='0']").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    let review = b.text("main").await;
    assert!(review.contains("同意罢免"), "{review}");
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    b.click("#cast").await;
    b.wait_for("/receipt").await;
}
