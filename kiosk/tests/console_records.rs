//! The console's roll, audit log, accounts and many-contest polls in a real browser
//! (Debian's Chromium, headless) against a real server (issue 16, item 9): the roll
//! searched by card or name in any case, the audit log showing the login and the
//! poll's creation, an account made from the start page, and one poll of two
//! contests made from the session page's form. Every page passes axe-core with no
//! serious or critical violation, in both languages; screenshots go to
//! `target/browser-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::webdriver::{Browser, ENTER};

/// The roll's rows the search leaves shown: their text.
async fn shown_rows(b: &Browser) -> Vec<String> {
    let v = b.execute("return [...document.querySelectorAll('#roster tbody tr')].filter((r) => !r.hidden).map((r) => r.textContent);").await;
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

/// Types `text` into the roll's search box, replacing what was there.
async fn search(b: &Browser, text: &str) {
    b.execute("const s = document.getElementById('roster-search'); s.value = ''; s.dispatchEvent(new Event('input')); return true;").await;
    if !text.is_empty() {
        b.type_into("#roster-search", text).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_reads_the_roll_and_the_audit_log_and_makes_a_poll_of_two_contests() {
    Box::pin(walk()).await;
}

/// Issue 18, item 3: the organiser records on the roll page that 刘洋 (L00004) is no
/// longer a delegate: the row's button opens the form, the row then says so in
/// words, and the server kept the change with its date, reason and document.
async fn record_status_change(b: &Browser, hall: &support::Hall, cid: i64) {
    b.click("#roster tr[data-card='L00004'] button.status-change").await;
    b.wait_element("#status-dialog[open]").await;
    assert!(b.text_of("#status-heading").await.contains("刘洋（L00004）"));
    let chosen = b.execute("return document.getElementById('status-new').value;").await;
    assert_eq!(chosen, "terminated", "the form offers a change from the delegate's own status");
    b.execute("document.getElementById('status-effective').value = '2026-11-28'; return true;").await;
    b.type_into("#status-reason", "辞职被接受").await;
    b.type_into("#status-document", "青组通〔2026〕12号").await;
    b.assert_accessible("roll, status form (zh-CN)").await;
    b.screenshot("console-roster-status-form-zh").await;
    b.click("#status-submit").await;
    b.wait_text("#note", "已登记：刘洋的状态现为“代表资格终止”").await;
    let row = b.text_of("#roster tr[data-card='L00004']").await;
    assert!(row.contains("代表资格终止"), "{row}");
    let path = format!("/api/congresses/{cid}/roster/L00004/status-changes");
    let kept = hall.org.call::<Value>(http::Method::GET, &path, None).await.unwrap();
    assert_eq!(kept.as_array().map(Vec::len), Some(1), "{kept}");
    assert_eq!((kept[0]["status"].as_str(), kept[0]["effective"].as_str()), (Some("terminated"), Some("2026-11-28")));
    assert_eq!(kept[0]["document"], "青组通〔2026〕12号");
    // The page drawn anew says the same.
    b.goto(&format!("{}/congresses/{cid}/roster", hall.url)).await;
    b.wait_element("#roster-search").await;
    let row = b.text_of("#roster tr[data-card='L00004']").await;
    assert!(row.contains("代表资格终止"), "{row}");
}

/// Issue 18, item 3: the organiser registers a 列席 attendee on the session page;
/// the list says when the desk has checked them in.
async fn register_attendee(b: &Browser, hall: &support::Hall) {
    b.wait_element("#at-number").await;
    b.type_into("#at-number", "LX-01").await;
    b.type_into("#at-name", "周敏").await;
    b.type_into("#at-unit", "镇纪委").await;
    b.execute("document.getElementById('attendee').requestSubmit(); return true;").await;
    b.wait_text("#note", "已登记 周敏（证号 LX-01）").await;
    b.wait_text("#attendee-LX-01", "LX-01 周敏（镇纪委），列席，未报到").await;
    let path = format!("/api/sessions/{}/attendees/checkin", hall.session);
    let answer =
        hall.org.call::<Value>(http::Method::POST, &path, Some(serde_json::json!({"query": "LX-01"}))).await.unwrap();
    assert_eq!(answer["newly"], true, "{answer}");
    b.wait_text("#attendee-LX-01", "已报到").await;
}

async fn walk() {
    let names: Vec<String> = ["王芳", "李娜", "Zhang Wei", "刘洋"].iter().map(|s| (*s).to_owned()).collect();
    let hall = support::hall_with_roster(&names, support::poll_definition()).await;
    let congresses = hall.org.call::<Value>(http::Method::GET, "/api/congresses", None).await.unwrap();
    let cid = congresses[0]["id"].as_i64().unwrap();
    let b = Browser::start().await;

    // The start page links to the roll and the audit log, and makes accounts.
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.type_into("#username", "organiser").await;
    b.type_into("#password", &format!("{}{ENTER}", support::PASSWORD)).await;
    b.wait_element(&format!("#roster-link-{cid}")).await;
    b.wait_element("#audit-link").await;
    b.wait_element("#new-account").await;
    b.type_into("#na-username", "observer8").await;
    b.type_into("#na-display", "观察员八").await;
    b.execute("document.getElementById('na-role').value = 'observer'; document.getElementById('new-account').requestSubmit(); return true;").await;
    b.wait_text("#na-password", "一次性密码").await;
    let accounts = hall.org.call::<Value>(http::Method::GET, "/api/accounts", None).await.unwrap();
    let made = accounts.as_array().unwrap().iter().find(|a| a["username"] == "observer8").expect("the account").clone();
    assert_eq!(made["role"], "observer", "{made}");
    b.wait_text("#accounts", "观察员八（observer8，观察员）").await;
    // The same login name again: refused next to the form, in view, not at the page's top.
    b.type_into("#na-username", "observer8").await;
    b.type_into("#na-display", "观察员八").await;
    b.execute("document.getElementById('new-account').requestSubmit(); return true;").await;
    b.wait_element("#new-account-message").await;
    let shown = b
        .execute(
            "const m = document.getElementById('new-account-message'); const r = m.getBoundingClientRect(); \
             return [m.textContent, r.top >= 0 && r.bottom <= innerHeight, document.getElementById('error').textContent];",
        )
        .await;
    assert!(!shown[0].as_str().unwrap().is_empty() && shown[1] == true && shown[2] == "", "{shown}");
    // Words, not codes (issue 16): the date written out, roles and kinds of contest named.
    let session_link = format!("#session-link-{}", hall.session);
    assert!(b.text_of(&session_link).await.contains("2026年11月28日"), "{}", b.text_of(&session_link).await);
    let home = b.text_of("#congresses").await;
    assert!(home.contains("（差额选举、表决）") && !home.contains("election"), "{home}");
    // A new session under the county rules, chosen on the form (issue 16: only the
    // API could set them).
    let options = b
        .execute(&format!(
            "return [...document.querySelectorAll('#ns-ruleset-{cid} option')].map((o) => o.value + ' ' + o.textContent);"
        ))
        .await;
    let options: Vec<&str> = options.as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert!(
        options.len() == 3 && options[0].starts_with("township-2020 township-2020 — 乡镇党代会（默认）"),
        "{options:?}"
    );
    b.assert_accessible("console start page with the new-account form").await;
    b.type_into(&format!("#ns-number-{cid}"), "4").await;
    b.type_into(&format!("#ns-place-{cid}"), "镇党校").await;
    b.execute(&format!(
        "document.getElementById('ns-date-{cid}').value = '2027-03-01'; \
         document.getElementById('ns-ruleset-{cid}').value = 'county'; \
         document.getElementById('new-session-{cid}').requestSubmit(); return true;"
    ))
    .await;
    b.wait_for(&format!("/sessions/{}", hall.session + 1)).await;
    let sessions =
        hall.org.call::<Value>(http::Method::GET, &format!("/api/congresses/{cid}/sessions"), None).await.unwrap();
    let made = sessions.as_array().unwrap().iter().find(|s| s["number"] == 4).expect("session 4").clone();
    assert_eq!((made["ruleset"].as_str(), made["date"].as_str()), (Some("county"), Some("2027-03-01")), "{made}");
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.wait_text("#accounts", "观察员八（observer8，观察员）").await;
    b.screenshot("console-records-start-zh").await;

    // The roll: every delegate; the search matches card or name in any case.
    b.execute(&format!("document.getElementById('roster-link-{cid}').click(); return true;")).await;
    b.wait_for(&format!("/congresses/{cid}/roster")).await;
    b.wait_element("#roster-search").await;
    assert_eq!(shown_rows(&b).await.len(), 4);
    assert!(b.text_of("#roster-count").await.contains("共 4 人"));
    search(&b, "l00002").await;
    let rows = shown_rows(&b).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("李娜") && rows[0].contains("第一代表团") && rows[0].contains("有效"), "{rows:?}");
    assert!(b.text_of("#roster-count").await.contains("显示 1 / 4 人"));
    search(&b, "zHANG").await;
    let rows = shown_rows(&b).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("L00003"), "{rows:?}");
    search(&b, "刘").await;
    assert_eq!(shown_rows(&b).await.len(), 1);
    search(&b, "nobody").await;
    assert_eq!(shown_rows(&b).await.len(), 0);
    search(&b, "").await;
    assert_eq!(shown_rows(&b).await.len(), 4);
    b.assert_accessible("roll (zh-CN)").await;
    b.screenshot("console-roster-zh").await;
    record_status_change(&b, &hall, cid).await;
    b.goto(&format!("{}/congresses/{cid}/roster?lang=en", hall.url)).await;
    b.wait_element("#roster-search").await;
    assert!(b.text_of("h1").await.starts_with("Roll of delegates"));
    search(&b, "L00004").await;
    assert_eq!(shown_rows(&b).await.len(), 1);
    assert!(b.text_of("#roster-count").await.contains("Showing 1 of 4"));
    b.assert_accessible("roll (en)").await;
    b.screenshot("console-roster-en").await;
    // The start page in English: no Chinese punctuation around English words.
    b.goto(&format!("{}/?lang=en", hall.url)).await;
    b.wait_text("#accounts", "观察员八 (observer8, observer)").await;
    let session_link = format!("#session-link-{}", hall.session);
    b.wait_text(&session_link, "28 November 2026").await;
    let home = b.text_of("#congresses").await;
    assert!(home.contains(" (competitive election, motion)") && !home.contains('（'), "{home}");
    b.assert_accessible("console start page (English)").await;
    b.screenshot("console-start-en").await;

    // The session page's header links to the roll. A poll of two contests: a
    // by-election and a motion on one ballot.
    b.goto(&format!("{}/sessions/{}?lang=zh-CN", hall.url, hall.session)).await;
    b.wait_element("#roster-link").await;
    let href = b.execute("return document.getElementById('roster-link').getAttribute('href');").await;
    assert_eq!(href, format!("/congresses/{cid}/roster"));
    register_attendee(&b, &hall).await;
    b.wait_element("#np-template option[value=by_election]").await;
    b.execute(
        "const s = document.getElementById('np-template'); s.value = 'by_election'; \
         s.dispatchEvent(new Event('change')); \
         document.getElementById('np-name').value = '增补镇党委委员'; \
         document.getElementById('np-seats').value = '1'; \
         document.getElementById('np-items').value = '王芳\\n李娜'; return true;",
    )
    .await;
    b.execute("document.getElementById('np-add').click(); return true;").await;
    b.wait_element("#np-template-2").await;
    b.execute(
        "const s = document.getElementById('np-template-2'); s.value = 'motion'; \
         s.dispatchEvent(new Event('change')); \
         document.getElementById('np-title-2').value = '表决财务工作报告'; \
         document.getElementById('np-items-2').value = '关于财务工作报告的决议'; return true;",
    )
    .await;
    assert!(!b.displayed("#np-seats-2").await, "a motion has no seats");
    // An election's write-ins (另选他人, R9) are on by default, the organiser may turn
    // them off; the names are counted through the mix (ADR 0021). A motion has no switch.
    assert!(b.displayed("#np-writeins").await && b.selected("#np-writeins").await, "on by default for an election");
    assert!(!b.text_of("#np-writeins-label").await.contains("尚不能"), "no warning that write-ins are not counted");
    assert!(!b.displayed("#np-writeins-2").await, "a motion takes no write-ins");
    b.assert_accessible("session page with two contests in the new-poll form").await;
    b.execute("document.getElementById('np-contest-2').scrollIntoView(); return true;").await;
    b.screenshot("console-new-poll-two-contests-zh").await;
    b.execute("document.getElementById('new-poll').requestSubmit(); return true;").await;
    b.wait_text("#note", "已建立投票：增补镇党委委员").await;
    assert_eq!(b.execute("return document.querySelectorAll('#np-more fieldset').length;").await, 0);
    let polls = hall
        .org
        .call::<Value>(http::Method::GET, &format!("/api/sessions/{}/polls", hall.session), None)
        .await
        .unwrap();
    let made = polls.as_array().unwrap().iter().find(|p| p["name"] == "增补镇党委委员").expect("the poll").clone();
    let id = made["id"].as_i64().unwrap();
    let poll = hall.org.call::<Value>(http::Method::GET, &format!("/api/polls/{id}"), None).await.unwrap();
    let contests = poll["contests"].as_array().expect("contests").clone();
    assert_eq!(contests.len(), 2, "{poll}");
    assert_ne!(contests[0]["id"], contests[1]["id"], "{poll}");
    assert_eq!(contests[0]["seats"], 1, "{poll}");
    assert_eq!(contests[0]["items"], serde_json::json!(["王芳", "李娜"]), "{poll}");
    assert_eq!(contests[1]["seats"], Value::Null, "{poll}");
    assert_eq!(contests[1]["items"], serde_json::json!(["关于财务工作报告的决议"]), "{poll}");
    assert_eq!(contests[1]["title"], "表决财务工作报告", "{poll}");
    b.goto(&format!("{}/sessions/{}?lang=en", hall.url, hall.session)).await;
    b.wait_element("#np-template option[value=motion]").await;
    b.execute("document.getElementById('np-add').click(); return true;").await;
    b.wait_element("#np-template-2").await;
    assert!(b.text_of("#np-contest-2 legend").await.contains("Contest 2"));
    b.assert_accessible("session page with two contests in the new-poll form (en)").await;
    b.execute("document.getElementById('np-contest-2').scrollIntoView(); return true;").await;
    b.screenshot("console-new-poll-two-contests-en").await;

    // The audit log: newest first, the poll just made above the login.
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.wait_element("#audit-link").await;
    b.execute("document.getElementById('audit-link').click(); return true;").await;
    b.wait_for("/audit").await;
    b.wait_element("#audit").await;
    assert!(b.text_of("#chain").await.contains("哈希链校验通过"));
    let actions = b
        .execute("return [...document.querySelectorAll('#audit tbody tr td:nth-child(4)')].map((c) => c.textContent);")
        .await;
    let actions: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    let created = actions.iter().position(|a| *a == "poll.create").expect("the poll's creation");
    let login = actions.iter().rposition(|a| *a == "account.login").expect("the login");
    assert!(created < login, "newest first: {actions:?}");
    let audit = b.text_of("#audit").await;
    assert!(audit.contains("增补镇党委委员") && audit.contains("organiser"), "{audit}");
    let time = b.text_of("#audit tbody tr time").await;
    assert!(!time.contains("UTC") && time.chars().any(|c| c.is_ascii_digit()), "local time: {time}");
    b.assert_accessible("audit log (zh-CN)").await;
    b.screenshot("console-audit-zh").await;
    b.goto(&format!("{}/audit?lang=en", hall.url)).await;
    b.wait_element("#audit").await;
    assert!(b.text_of("#chain").await.contains("The hash chain verifies"));
    b.assert_accessible("audit log (en)").await;
    b.screenshot("console-audit-en").await;
}
