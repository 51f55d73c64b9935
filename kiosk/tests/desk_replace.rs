//! Credential replacement at the desk station (换发, issue 18, item 4; spec §6.7): the
//! clerk scans the delegate card and the damaged slip handed back, and the desk shows a
//! new credential while the old one is refused at the booth; a lost slip is replaced
//! only when a scrutineer types their own account and password at the desk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::{Booth, BoothError};
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::link::Link;
use hallvote_kiosk::organiser::Organiser;
use hallvote_protocol::stations::StationKind;
use http::{Method, StatusCode};
use serde_json::{Value, json};

/// Posts a form of `fields` (percent-encoded) to the desk page; the page.
async fn post_form(base: &str, path: &str, fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect()
    };
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    let link = Link::new(base, None).unwrap();
    let a = link
        .call_raw(Method::POST, path, body.join("&").into_bytes(), "application/x-www-form-urlencoded", &[])
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::OK, "{path}");
    String::from_utf8(a.body.to_vec()).unwrap()
}

/// The credential texts (HVC…) a desk page shows, in the order of its QR codes.
fn credential_texts(page: &str) -> usize {
    page.matches("id=\"credential-").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_slip_is_replaced_and_a_lost_one_only_on_a_scrutineers_approval() {
    let hall = support::hall(6, support::poll_definition()).await;
    hall.ceremony_and_open(6, 2, 3).await;
    // A scrutineer's account, whose one-time password the scrutineer has replaced.
    let created = hall
        .org
        .call::<Value>(
            Method::POST,
            "/api/accounts",
            Some(json!({"username": "jianpiao1", "display_name": "监票人一", "role": "scrutineer"})),
        )
        .await
        .unwrap();
    let once = created["one_time_password"].as_str().unwrap().to_owned();
    let scrutineer = Organiser::login(Link::new(&hall.url, None).unwrap(), "jianpiao1", &once).await.unwrap();
    let body = json!({"current": once, "new": "scrutineer-own-password-1"});
    scrutineer.call::<Value>(Method::POST, "/api/password", Some(body)).await.unwrap();

    let station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = Desk::new(station.link().unwrap());
    let desk_url = support::serve(DeskApp::new(Desk::new(station.link().unwrap()), "报到处1").router()).await;
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth = Booth::new(booth_station.link().unwrap());

    // The desk page offers the replacement form while a poll is open.
    let link = Link::new(&desk_url, None).unwrap();
    let page = link.call_raw(Method::GET, "/", Vec::new(), "text/plain", &[]).await.unwrap();
    let page = String::from_utf8(page.body.to_vec()).unwrap();
    for id in ["replace-form", "replace-card", "slip", "replace-damaged", "replace-poll", "approver", "replace-lost"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}: {page}");
    }
    assert!(page.contains("换发选票凭证"), "zh-CN first: {page}");
    support::assert_strict_page(&desk_url, "/").await;

    // L00001 is issued a credential; its slip jams in the printer and is handed back.
    let (_, old) = desk.issue(hall.poll, &CardScan::Number("L00001".into())).await.unwrap();
    let page =
        post_form(&desk_url, "/replace", &[("replace_card", "L00001"), ("slip", &old), ("reason", "damaged")]).await;
    assert!(page.contains("id=\"replaced\"") && page.contains("公告板上作废"), "{page}");
    assert_eq!(credential_texts(&page), 1, "the new credential is shown: {page}");
    // The old slip is refused at the booth's scan, in the booth's words.
    let err = booth.begin(&old).await.unwrap_err();
    assert!(matches!(err, BoothError::CredentialCancelled), "{err:?}");
    assert!(err.message(hallvote_tally::Lang::ZhCn).contains("交回作废"));
    // The same slip again is refused, in the desk's own words.
    let page =
        post_form(&desk_url, "/replace", &[("replace_card", "L00001"), ("slip", &old), ("reason", "damaged")]).await;
    assert!(page.contains("role=\"alert\"") && page.contains("不能再次换发"), "{page}");
    assert_eq!(credential_texts(&page), 0);
    // Something that is not a slip.
    let page =
        post_form(&desk_url, "/replace", &[("replace_card", "L00001"), ("slip", "L00001"), ("reason", "damaged")])
            .await;
    assert!(page.contains("无法识别"), "{page}");

    // L00002 lost the slip: a wrong password is refused, the scrutineer's own is not.
    desk.issue(hall.poll, &CardScan::Number("L00002".into())).await.unwrap();
    let poll = hall.poll.to_string();
    let lost = |password: &'static str| {
        [
            ("replace_card", "L00002"),
            ("poll", poll.as_str()),
            ("approver", "jianpiao1"),
            ("approver_password", password),
            ("reason", "lost"),
        ]
    };
    let page = post_form(&desk_url, "/replace", &lost("not-the-password")).await;
    assert!(page.contains("role=\"alert\"") && page.contains("监票人批准无效"), "{page}");
    assert_eq!(credential_texts(&page), 0);
    let page = post_form(&desk_url, "/replace", &lost("scrutineer-own-password-1")).await;
    assert!(page.contains("经监票人批准"), "{page}");
    assert_eq!(credential_texts(&page), 1, "{page}");
    assert!(!page.contains("scrutineer-own-password-1"), "the password is never shown back");

    // The audit log names the approving scrutineer; the issued count has one more.
    let audit = hall.org.call::<Value>(Method::GET, "/api/audit", None).await.unwrap();
    let entries = audit["entries"].as_array().unwrap();
    let approval = entries.iter().find(|e| e["action"] == "credential.replace_lost").unwrap();
    assert_eq!(approval["actor"], "jianpiao1");
    let status = hall.org.call::<Value>(Method::GET, &format!("/api/polls/{}/status", hall.poll), None).await.unwrap();
    assert_eq!(status["issued"], 3, "L00001 (replaced, not more), L00002 and its replacement: {status}");
}

/// The replacement form in a real browser: touch-sized controls, no accessibility
/// violation, and a damaged slip replaced by typing (as the scanner types) and tapping.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_replaces_a_slip_in_the_browser() {
    let hall = support::hall(6, support::poll_definition()).await;
    hall.ceremony_and_open(6, 2, 3).await;
    let station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = Desk::new(station.link().unwrap());
    let desk_url = support::serve(DeskApp::new(Desk::new(station.link().unwrap()), "报到处1").router()).await;
    let (_, old) = desk.issue(hall.poll, &CardScan::Number("L00003".into())).await.unwrap();

    let b = support::webdriver::Browser::start().await;
    b.goto(&desk_url).await;
    b.find("#replace-form").await;
    b.assert_accessible("desk, with the replacement form").await;
    // Every control of the form is large enough to tap (station.css: 3.2rem, ≥ 44 px).
    for css in ["#replace-damaged", "#replace-lost", "#replace-poll"] {
        let h = b.execute(&format!("return document.querySelector('{css}').getBoundingClientRect().height")).await;
        assert!(h.as_f64().unwrap() >= 44.0, "{css}: {h}");
    }
    b.type_into("#replace-card", "L00003").await;
    b.type_into("#slip", &old).await;
    b.click("#replace-damaged").await;
    b.wait_for("/replace").await;
    b.wait_text("#replaced", "公告板上作废").await;
    b.find("#credential-0 svg").await;
    b.assert_accessible("desk, a credential replaced").await;
}
