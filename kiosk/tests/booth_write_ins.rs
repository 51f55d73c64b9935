//! Writing in another person at the booth (另选他人, R9, R10; issue 17), in a real
//! browser (Debian's Chromium, headless) against a real server: the organiser
//! imports the congress's eligible list; at the booth a delegate marks 不赞成 beside a
//! candidate, finds 张三 on the list by the pinyin initials "zs" and picks him, writes
//! in a name that is not on the list (with 𠮷 and the dot) in another row, sees
//! un-marking 不赞成 clear a row's name, sees for-votes plus write-ins above the seats
//! refused on the page and, past the script, by the booth itself, and finds the
//! names on the review page. Every page passes axe-core with no serious or critical
//! violation, under the strict CSP.
//!
//! The election's poll definition says it takes write-ins (`write_ins`, spec §11.2.3);
//! the ballot is sealed with the names, challenged once (the opened ballot shows
//! them), sealed anew and cast, and its receipt shown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_protocol::stations::StationKind;
use http::Method;
use serde_json::Value;
use support::webdriver::{Browser, ENTER};

const DELEGATES: usize = 4;

/// The page passes axe-core, and the strict CSP: the browser refused nothing on it,
/// and its markup, fetched again, carries no inline script or style.
async fn assert_accessible(b: &Browser, base: &str, path: &str, page: &str) {
    b.assert_accessible(page).await;
    support::assert_strict_page(base, path).await;
}

/// The value of the field `id`, as the page has it.
async fn value(b: &Browser, id: &str) -> String {
    b.execute(&format!("return document.getElementById('{id}').value;")).await.as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_writes_in_a_name_from_the_list_and_one_not_on_it_and_sees_them_on_the_review_page() {
    let mut poll = support::poll_definition();
    poll["contests"][0]["write_ins"] = true.into();
    let hall = support::hall(DELEGATES, poll).await;
    // The eligible list, imported like the roster.
    let congresses: Vec<Value> = hall.org.call(Method::GET, "/api/congresses", None).await.unwrap();
    let congress = congresses[0]["id"].as_i64().unwrap();
    let csv = "序号,姓名,性别,工作单位\n1,赵四,男,东村\n2,张三,男,青山村\n3,李四,女,西村\n";
    let imported: Value = hall
        .org
        .send(Method::PUT, &format!("/api/congresses/{congress}/eligible"), csv.as_bytes().to_vec(), "text/csv")
        .await
        .unwrap();
    assert_eq!(imported["added"], 3, "{imported}");
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处1").await.link().unwrap());
    let (_, credential) = desk.issue(hall.poll, &CardScan::Number("L00001".into())).await.unwrap();
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth = Booth::new(booth_station.link().unwrap());
    let base = support::serve(BoothApp::new(booth, "投票机1", &hall.url, DEFAULT_IDLE).router()).await;
    let b = Browser::start().await;

    b.goto(&base).await;
    b.type_into("#credential", &format!("{credential}{ENTER}")).await;
    b.wait_for("/contest/0").await;
    // Three seats, five candidates in stroke order (王芳, 刘洋, 李娜, 张伟, 陈静); no row is marked
    // against yet, so no write-in field shows.
    assert!(!b.displayed("#wi-0").await, "the write-in field waits for the against mark");
    assert!(b.text("#counter").await.starts_with("赞成和另选他人："), "{}", b.text("#counter").await);
    assert_accessible(&b, &base, "/contest/0", "election page with write-ins").await;

    // Row 1 (王芳): 不赞成, then "zs" finds 张三 (and 赵四) on the list, in stroke order.
    b.click("input[name=i0][value='1']").await;
    assert!(b.displayed("#wi-0").await, "不赞成 shows the row's write-in field");
    b.type_into("#w0", "zs").await;
    b.wait_element("#wm-0 button[data-name='张三']").await;
    let found = b.text_of("#wm-0").await;
    assert!(found.contains("张三（青山村）") && found.contains("赵四（东村）"), "{found}");
    assert!(found.find("张三") < found.find("赵四"), "张 (7 strokes) before 赵 (9): {found}");
    assert!(!found.contains("李四"), "{found}");
    assert_accessible(&b, &base, "/contest/0", "write-in search").await;
    b.screenshot("booth-write-in-1-search").await;
    // By keyboard alone: Enter in the field goes to the first person found (not on to
    // the next page with the search unfinished), Enter there picks him.
    b.type_into("#w0", ENTER).await;
    assert!(b.url().await.ends_with("/contest/0"), "Enter did not send the page");
    let focused = b.execute("return document.activeElement.dataset.name || '';").await;
    assert_eq!(focused, "张三", "the first found, in stroke order, has the focus");
    b.type_into("#wm-0 button[data-name='张三']", ENTER).await;
    assert_eq!(value(&b, "w0").await, "张三");
    assert!(!b.displayed("#wm-0").await, "the list closes once a name is picked");
    b.wait_text("#write-in-status", "已选：张三").await;
    assert_eq!(b.text("#fors").await, "1", "a write-in counts with the for-votes");

    // Row 2 (刘洋): 不赞成 and a name not on the list, written in full. ChromeDriver
    // types characters of the Basic Multilingual Plane only, so 𠮷 (U+20BB7) is put
    // before the typed rest by the page, with the input event typing sends.
    b.click("input[name=i1][value='1']").await;
    b.type_into("#w1", "阿依古丽").await;
    b.execute(
        "const f = document.getElementById('w1'); f.value = '𠮷·' + f.value; \
         f.dispatchEvent(new Event('input', {bubbles: true})); return true;",
    )
    .await;
    assert_eq!(value(&b, "w1").await, "𠮷·阿依古丽");
    assert_eq!(b.text("#fors").await, "2");

    // Row 3 (李娜): 不赞成 and a name, then 弃权: un-marking 不赞成 clears the name.
    b.click("input[name=i2][value='1']").await;
    b.type_into("#w2", "王五").await;
    assert_eq!(b.text("#fors").await, "3");
    b.click("input[name=i2][value='2']").await;
    assert!(!b.displayed("#wi-2").await);
    assert_eq!(value(&b, "w2").await, "");
    b.wait_text("#write-in-status", "已清除").await;
    assert_eq!(b.text("#fors").await, "2");

    // Two write-ins and a for-vote fill the three seats: a fourth is refused on the
    // page, as a for-vote and as a write-in.
    b.click("input[name=i2][value='0']").await;
    assert_eq!(b.text("#fors").await, "3");
    b.click("input[name=i3][value='0']").await;
    assert!(!b.selected("input[name=i3][value='0']").await, "a for-vote past the seats must not stay marked");
    assert!(b.text("#live").await.contains("赞成票超过应选名额"), "{}", b.text("#live").await);
    b.click("input[name=i4][value='1']").await;
    b.type_into("#w4", "李四").await;
    assert_eq!(value(&b, "w4").await, "", "a write-in past the seats is not taken");
    assert!(b.displayed("#live").await);
    assert!(b.text("#live").await.contains("赞成票和另选他人合计不能超过应选名额 3 名"), "{}", b.text("#live").await);
    assert_eq!(b.text("#fors").await, "3");
    assert_accessible(&b, &base, "/contest/0", "write-in refused").await;
    b.screenshot("booth-write-in-2-refused").await;
    // In high contrast, the write-in fields and the list pass as well.
    b.click("#high-contrast").await;
    b.wait_element("html.contrast").await;
    b.type_into("#w0", "\u{E003}\u{E003}zs").await;
    b.wait_element("#wm-0 button[data-name='张三']").await;
    assert_accessible(&b, &base, "/contest/0", "write-in search, high contrast").await;
    b.screenshot("booth-write-in-2b-high-contrast").await;
    b.type_into("#wm-0 button[data-name='张三']", ENTER).await;
    assert_eq!(value(&b, "w0").await, "张三");
    b.click("#high-contrast").await;
    b.wait_until("!document.documentElement.classList.contains('contrast')", "contrast off").await;

    // Past the script, the booth refuses the form itself (R9): a name in a row not
    // marked against; the row is then shown with the name, to be taken back.
    b.execute(
        "document.querySelector(\"input[name=i4][value='2']\").checked = true; \
         document.getElementById('w4').value = '李四'; document.getElementById('ballot').submit(); return true;",
    )
    .await;
    b.wait_element("#error").await;
    let error = b.text("#error").await;
    assert!(error.contains("第 1 个事项第 5 项：另选他人须先在该候选人下投不赞成票"), "{error}");
    assert!(b.displayed("#wi-4").await, "the refused name is shown");
    assert_eq!(value(&b, "w0").await, "张三", "the names written stay on the page");
    assert_eq!(value(&b, "w1").await, "𠮷·阿依古丽");
    assert_accessible(&b, &base, "/contest/0", "write-in refused by the booth").await;
    // And for-votes plus write-ins past the seats (R10), in English.
    b.goto(&format!("{base}/lang/en")).await;
    b.goto(&format!("{base}/contest/0")).await;
    b.execute(
        "document.querySelector(\"input[name=i4][value='1']\").checked = true; \
         document.getElementById('w4').value = '李四'; document.getElementById('ballot').submit(); return true;",
    )
    .await;
    b.wait_text("#error", "contest 1: 4 for-votes and write-ins, only 3 seats").await;
    let hint = b.text(".hint").await;
    assert!(hint.contains("write in another person") && hint.contains("pinyin initials"), "{hint}");
    assert_eq!(b.text("label[for=w0]").await, "Write in another person");
    assert_accessible(&b, &base, "/contest/0", "write-in refused, in English").await;
    b.goto(&format!("{base}/lang/zh-CN")).await;
    b.goto(&format!("{base}/contest/0")).await;

    // Taken back, the page goes on to the motion, then to the review.
    b.execute(
        "document.querySelector(\"input[name=i4][value='2']\").checked = true; \
         document.getElementById('w4').value = ''; return true;",
    )
    .await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    let review = b.text("main").await;
    assert!(review.contains("另选他人：张三"), "{review}");
    assert!(review.contains("另选他人：𠮷·阿依古丽"), "{review}");
    assert_eq!(review.matches("另选他人：").count(), 2, "{review}");
    assert_accessible(&b, &base, "/review", "review with write-ins").await;
    b.screenshot("booth-write-in-3-review").await;

    // Sealed with the names: challenge once, and the opened ballot shows them.
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    let first_code = b.text("#tracking").await;
    b.click("#challenge").await;
    b.wait_for("/challenged").await;
    let opened = b.text_of("main").await;
    assert!(opened.contains("张三") && opened.contains("𠮷·阿依古丽"), "the opened ballot shows the names: {opened}");
    assert_accessible(&b, &base, "/challenged", "challenged with write-ins").await;
    // Mark again (the marks and names are kept), seal anew, cast.
    b.click("#mark-again").await;
    b.wait_for("/contest/0").await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    let review = b.text("main").await;
    assert_eq!(review.matches("另选他人：").count(), 2, "the names are kept after a challenge: {review}");
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    let second_code = b.text("#tracking").await;
    assert_ne!(second_code, first_code, "a new encryption after a challenge");
    b.click("#cast").await;
    b.wait_for("/receipt").await;
    assert_eq!(b.text("#tracking").await, second_code);

    // The names are counted only through the mix (ADR 0021, spec §14.15): before the
    // scrutineers' stations have taken their turns the tally refuses, naming whose
    // turn is due, rather than count the poll without them.
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{}/close", hall.poll), None).await.unwrap();
    let refused = hall.org.call::<Value>(Method::POST, &format!("/api/polls/{}/tally", hall.poll), None).await;
    match refused {
        Err(hallvote_kiosk::organiser::OrganiserError::Refused { status, body, .. }) => {
            assert_eq!(status, http::StatusCode::CONFLICT, "{body}");
            assert_eq!(body["error"]["code"], "write_ins_not_mixed", "{body}");
            assert!(body["error"]["message"].as_str().unwrap_or_default().contains("第 1 号监票人"), "{body}");
        }
        other => panic!("the tally must wait for the mix: {other:?}"),
    }
}
