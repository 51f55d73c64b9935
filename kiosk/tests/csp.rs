//! Issue 14, the strict Content-Security-Policy, in a real browser (Debian's
//! Chromium, headless): each page family of the server and the stations is opened
//! under `script-src 'self'; style-src 'self'` (no `'unsafe-inline'`, no
//! `'unsafe-eval'`), the browser reports no violation in its console, and the page's
//! own script did run (an element only its script fills is filled) and its style
//! sheet applies. The pages with a hall in the middle of a vote (booth, desk, board
//! explorer, board list, the browser's check of a spoiled ballot with
//! @noble/curves) are checked the same way in `browser.rs` and `console.rs`, the
//! published result sheet in `scrutineer.rs`.
//!
//! And the policy bites: markup with an inline handler, slipped into a page, does not
//! run and is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::scrutineer::{Scrutineer, ScrutineerApp, router};
use hallvote_protocol::stations::StationKind;
use http::Method;
use serde_json::Value;
use support::webdriver::Browser;

const DELEGATES: usize = 8;

/// The computed value of a CSS property of the first element matching `css`.
async fn style(b: &Browser, css: &str, property: &str) -> String {
    let script = format!(
        "return getComputedStyle(document.querySelector({})).getPropertyValue({});",
        Value::from(css),
        Value::from(property)
    );
    b.execute(&script).await.as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_family_runs_its_script_under_the_strict_policy() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    let b = Browser::start().await;
    let congress =
        hall.org.call::<Value>(Method::GET, "/api/congresses", None).await.unwrap()[0]["id"].as_i64().unwrap();

    // The console's login page: its style sheet applies, its script logs in and
    // shows the start page (the account's name, filled by the script).
    b.goto(&hall.url).await;
    assert_eq!(style(&b, "header", "background-color").await, "rgb(160, 0, 0)");
    b.type_into("#username", "organiser").await;
    b.type_into("#password", support::PASSWORD).await;
    b.click("#login button[type=submit]").await;
    b.wait_until("document.getElementById('who').textContent.includes('organiser')", "console start page").await;
    b.wait_until("document.querySelector('#congresses h2')", "the congresses listed").await;
    b.assert_no_csp_violation("console start page").await;
    support::assert_strict_page(&hall.url, "/").await;

    // A session's page: the script fills the attendance figures and the polls.
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    b.wait_until("document.getElementById('figures').textContent.includes('8')", "session figures").await;
    b.wait_until(&format!("document.getElementById('state-{}')", hall.poll), "the session's polls").await;
    assert_eq!(style(&b, "header", "background-color").await, "rgb(160, 0, 0)");
    b.assert_no_csp_violation("session page").await;
    support::assert_strict_page(&hall.url, &format!("/sessions/{}", hall.session)).await;

    // The delegate cards (a style sheet, no script): printable, eight to a page.
    b.goto(&format!("{}/congresses/{congress}/cards", hall.url)).await;
    assert_eq!(b.execute("return document.querySelectorAll('.card svg').length").await, DELEGATES);
    assert_eq!(style(&b, ".card", "border-top-style").await, "dashed");
    b.assert_no_csp_violation("delegate cards").await;

    // The hall display: its script lists the polls from the event stream.
    b.goto(&format!("{}/display/sessions/{}", hall.url, hall.session)).await;
    b.wait_until("document.querySelector('#polls li')", "the display's poll list").await;
    // Read in the page: the display rebuilds its list on every update (a reference would go stale).
    let poll = b.text_of("#polls li").await;
    assert!(poll.contains("草稿") || poll.contains("Draft"), "the draft poll's state in words: {poll}");
    assert_eq!(style(&b, "body", "background-color").await, "rgb(139, 0, 0)");
    b.assert_no_csp_violation("hall display").await;
    support::assert_strict_page(&hall.url, &format!("/display/sessions/{}", hall.session)).await;

    // The policy bites: a handler slipped into the page does not run, and is reported.
    b.execute(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"/nothing-here.png\" onerror=\"document.title=`ran`\">'); return true;",
    )
    .await;
    let mut reported = Vec::new();
    for _ in 0..50 {
        reported.extend(b.csp_violations().await);
        if !reported.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!reported.is_empty(), "an inline handler must be refused and reported");
    assert_ne!(b.execute("return document.title").await, "ran");

    // The scrutineer station: its script asks the station's interface (fetch, same
    // origin) for the polls it serves; this one serves none yet, and says so.
    let station = hall.station(StationKind::Scrutineer, "监票人终端1").await;
    let shares = hall.dir.path().join("shares");
    let ui =
        support::serve(router(ScrutineerApp::new(Scrutineer::new(&station, shares).unwrap(), "监票人终端1"))).await;
    b.goto(&ui).await;
    b.wait_until("document.getElementById('out').textContent.includes('尚未被指定')", "the station's answer shown")
        .await;
    assert_eq!(style(&b, "#poll", "max-width").await, "960px", "40rem of the station's 24px");
    b.assert_no_csp_violation("scrutineer station").await;
    support::assert_strict_page(&ui, "/").await;

    // jsQR, the booth's fallback QR reader, runs without eval under the policy.
    let desk = support::serve(
        hallvote_kiosk::desk_ui::DeskApp::new(
            hallvote_kiosk::desk::Desk::new(hall.station(StationKind::Desk, "报到处1").await.link().unwrap()),
            "报到处1",
        )
        .router(),
    )
    .await;
    b.goto(&desk).await;
    assert_eq!(style(&b, "header", "background-color").await, "rgb(11, 61, 145)");
    let decoded = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const s = document.createElement('script');
             s.src = '/assets/jsQR.js';
             s.onload = () => { const w = 64, h = 64; const px = new Uint8ClampedArray(w * h * 4).fill(255);
               done(String(jsQR(px, w, h))); };
             s.onerror = () => done('not loaded');
             document.head.appendChild(s);",
        )
        .await;
    assert_eq!(decoded, "null", "jsQR ran and found no code in a blank frame");
    b.assert_no_csp_violation("desk with jsQR").await;
    support::assert_strict_page(&desk, "/").await;
}
