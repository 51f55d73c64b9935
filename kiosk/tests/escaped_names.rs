//! Roster data typed by organisers reaches the stations' pages as text, never as
//! markup (issue 15, ADR 0017): a delegate named like an HTML tag is shown escaped on
//! the desk, a candidate so named and a contest title holding a script are shown
//! escaped on the booth, and no page carries anything the strict policy would run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::link::Link;
use hallvote_protocol::stations::StationKind;
use http::{Method, StatusCode};
use serde_json::json;

const DELEGATES: usize = 8;
const NAME: &str = "<img src=x onerror=alert(1)>";
const ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";
const TITLE: &str = "<script>alert(1)</script>选举";
const ESCAPED_TITLE: &str = "&lt;script&gt;alert(1)&lt;/script&gt;选举";

/// `name=value` as a form body, every byte but letters and digits percent-encoded.
fn form(name: &str, value: &str) -> Vec<u8> {
    let mut body = format!("{name}=");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() {
            body.push(char::from(b));
        } else {
            body.push_str(&format!("%{b:02X}"));
        }
    }
    body.into_bytes()
}

async fn get(base: &str, path: &str) -> String {
    let a = Link::new(base, None).unwrap().call(Method::GET, path, None).await.unwrap();
    assert_eq!(a.status, StatusCode::OK, "{path}");
    String::from_utf8(a.body.to_vec()).unwrap()
}

/// The page shows `escaped` and never the markup it stands for, and carries no
/// code the strict policy refuses.
fn assert_escaped(page: &str, raw: &str, escaped: &str, what: &str) {
    assert!(page.contains(escaped), "{what}: {escaped} not on the page: {page}");
    assert!(!page.contains(raw), "{what}: {raw} is markup on the page: {page}");
    assert_eq!(hallvote_protocol::web::inline_code(page), None, "{what}: {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roster_names_are_text_on_the_desk_and_the_booth() {
    let mut names: Vec<String> = (1..=DELEGATES).map(|i| format!("代表{i}")).collect();
    names[0] = NAME.to_owned();
    let candidates: Vec<_> = [NAME, "王芳", "李娜"].iter().map(|n| json!({"name": n})).collect();
    let poll = json!({ "name": "选举镇党委委员", "contests": [
        { "id": "committee", "title": TITLE, "type": "election", "kind": "competitive",
          "by_election": false, "seats": 2, "candidates": candidates }
    ]});
    let hall = support::hall_with_roster(&names, poll).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    hall.org
        .call::<serde_json::Value>(
            Method::POST,
            &format!("/api/sessions/{}/checkout", hall.session),
            Some(json!({"card": "L00001"})),
        )
        .await
        .unwrap();

    // The desk: the delegate checked in, by name.
    let desk_station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = support::serve(DeskApp::new(Desk::new(desk_station.link().unwrap()), "报到处1").router()).await;
    let link = Link::new(&desk, None).unwrap();
    let a = link.call_raw(Method::POST, "/scan", form("card", "L00001"), "application/x-www-form-urlencoded", &[]);
    let a = a.await.unwrap();
    assert_eq!(a.status, StatusCode::OK);
    let page = String::from_utf8(a.body.to_vec()).unwrap();
    assert!(page.contains("id=\"credential-0\""), "a credential issued: {page}");
    assert_escaped(&page, NAME, &format!("<strong>{ESCAPED}</strong>"), "desk, the delegate");
    let print = get(&desk, "/print/0/80mm").await;
    // The text as printed, in groups: the booth takes it with its spaces.
    let printed = print.split("<p class=\"credential-text\">").nth(1).unwrap().split("</p>").next().unwrap();
    let credential = printed.replace("<span>", "").replace("</span>", "");
    let credential = credential.trim();
    assert!(credential.starts_with("HVCRED1:") && credential.contains(' '), "{credential}");

    // The booth: the contest's title and its candidate.
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let app = BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE);
    let booth = support::serve(app.router()).await;
    let link = Link::new(&booth, None).unwrap();
    let a =
        link.call_raw(Method::POST, "/scan", form("credential", credential), "application/x-www-form-urlencoded", &[]);
    let a = a.await.unwrap();
    assert!(a.status.is_redirection(), "{} {}", a.status, String::from_utf8_lossy(&a.body));
    let page = get(&booth, "/contest/0").await;
    assert_escaped(&page, NAME, &format!("<legend>{ESCAPED}</legend>"), "booth, the candidate");
    assert_escaped(&page, TITLE, &format!("<h1>{ESCAPED_TITLE}</h1>"), "booth, the contest's title");
    assert!(page.contains(&format!("<title>{ESCAPED_TITLE} — 投票机1</title>")), "{page}");
    // The review page's table names the candidate too.
    let page = get(&booth, "/review").await;
    assert_escaped(&page, NAME, &format!("<td>{ESCAPED}</td>"), "booth review, the candidate");
    assert_escaped(&page, TITLE, &format!("<h2>{ESCAPED_TITLE}</h2>"), "booth review, the contest's title");
}
