//! The desk and booth pages in a real browser (Debian's Chromium, headless) against
//! a real server: a delegate is checked in at the desk, a credential is issued and
//! its QR code is read back from the rendered page by `zbarimg`, the booth is given
//! that text as a scanner types it, an over-vote is refused on the page, the ballot
//! is challenged once and then cast, and the receipt's tracking code is found on
//! the server's board explorer. Every booth page passes axe-core with no serious or
//! critical violation. Screenshots go to `target/browser-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_protocol::stations::StationKind;
use support::webdriver::{Browser, ENTER, decode_qr};

const DELEGATES: usize = 8;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

async fn assert_accessible(b: &Browser, page: &str) {
    let v = b.accessibility_violations().await;
    assert!(v.is_empty(), "{page}: serious or critical accessibility violations: {}", serde_json::Value::Array(v));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_checks_in_gets_a_printed_credential_challenges_once_and_casts_in_the_browser() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    // The roll is checked in by the organiser for quorum; the desk delegate arrives late.
    hall.org
        .call(
            http::Method::POST,
            &format!("/api/sessions/{}/checkout", hall.session),
            Some(serde_json::json!({"card": "L00001"})),
        )
        .await
        .unwrap();
    let desk_station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = serve(DeskApp::new(Desk::new(desk_station.link().unwrap()), "报到处1").router()).await;
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth =
        serve(BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE).router())
            .await;
    let b = Browser::start().await;

    // Desk: the scanner types the card number and Enter.
    b.goto(&desk).await;
    b.type_into("#card", &format!("L00001{ENTER}")).await;
    b.wait_for("/scan").await;
    assert!(b.text("#delegate").await.contains("代表1"), "{}", b.source().await);
    assert!(b.text("#delegate").await.contains("已报到"));
    b.find("#credential-0 svg").await;
    let shot = b.screenshot("desk-1-issued").await;
    let codes = decode_qr(&shot);
    assert_eq!(codes.len(), 1, "one QR code on the desk page: {codes:?}");
    let credential = codes[0].clone();
    assert!(credential.starts_with("HVCRED1:"), "{credential}");
    // The same credential as a PNG image, for a card printer.
    let png = hallvote_kiosk::link::Link::new(&desk, None)
        .unwrap()
        .call(http::Method::GET, "/credential/0", None)
        .await
        .unwrap();
    assert_eq!(png.headers["content-type"], "image/png");
    let png_path = support::webdriver::target_dir().join("browser-screenshots/desk-credential.png");
    std::fs::write(&png_path, &png.body).unwrap();
    assert_eq!(decode_qr(&png_path), vec![credential.clone()]);
    // A second scan of the same card: present already, and no second credential.
    b.execute("document.getElementById('delegate').remove(); return true;").await;
    b.type_into("#card", &format!("L00001{ENTER}")).await;
    b.wait_element("#delegate").await;
    assert!(b.text("#delegate").await.contains("此前已报到"));
    assert!(b.source().await.contains("已领取过本次投票的选票"), "a second issuance is refused plainly");
    b.screenshot("desk-2-already-issued").await;

    // Booth: welcome, then the credential typed as the scanner types it.
    b.goto(&booth).await;
    assert_accessible(&b, "welcome").await;
    b.screenshot("booth-1-welcome").await;
    b.type_into("#credential", &format!("{credential}{ENTER}")).await;
    b.wait_for("/contest/0").await;
    assert_accessible(&b, "election page").await;

    // Three seats: a fourth "for" is refused on the page, with the reason.
    for i in 0..3 {
        b.click(&format!("input[name=i{i}][value='0']")).await;
    }
    b.click("input[name=i3][value='0']").await;
    assert!(!b.selected("input[name=i3][value='0']").await, "the fourth for-vote must not stay marked");
    assert!(b.displayed("#live").await);
    assert!(b.text("#live").await.contains("赞成票超过应选名额"), "{}", b.text("#live").await);
    assert_eq!(b.text("#fors").await, "3");
    b.screenshot("booth-2-over-vote-refused").await;
    // Even past the script (a page without it), the booth refuses the form.
    b.execute("document.querySelector(\"input[name=i3][value='0']\").checked = true; document.getElementById('ballot').submit(); return true;")
        .await;
    b.wait_element("#error").await;
    assert!(b.text("#error").await.contains("您对 4 名投了赞成票"), "{}", b.source().await);
    b.screenshot("booth-3-over-vote-refused-by-the-booth").await;
    b.click("input[name=i3][value='1']").await;
    b.click("button[value=next]").await;

    // The motion, then the review.
    b.wait_for("/contest/1").await;
    assert_accessible(&b, "motion page").await;
    b.click("input[name=i0][value='0']").await;
    b.screenshot("booth-4-motion").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    assert_accessible(&b, "review").await;
    b.screenshot("booth-5-review").await;
    b.click("form[action='/seal'] button").await;

    // Sealed: challenge once.
    b.wait_for("/sealed").await;
    assert_accessible(&b, "sealed").await;
    let first_code = b.text("#tracking").await;
    b.screenshot("booth-6-sealed").await;
    b.click("#challenge").await;
    b.wait_for("/challenged").await;
    assert_accessible(&b, "challenged").await;
    assert_eq!(b.text("#spoiled-tracking").await, first_code);
    let page = b.source().await;
    assert!(page.contains("王芳") && page.contains("赞成"), "the opened ballot shows the marks");
    b.screenshot("booth-7-challenged").await;

    // Mark again (the marks are kept), seal anew, cast.
    b.click("#mark-again").await;
    b.wait_for("/contest/0").await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    let second_code = b.text("#tracking").await;
    assert_ne!(second_code, first_code, "a new encryption after a challenge");
    b.click("#cast").await;
    b.wait_for("/receipt").await;
    assert_accessible(&b, "receipt").await;
    assert_eq!(b.text("#tracking").await, second_code);
    let shot = b.screenshot("booth-8-receipt").await;
    let receipt_qr = decode_qr(&shot);
    assert_eq!(receipt_qr.len(), 1);
    assert!(receipt_qr[0].starts_with(&format!("{}/polls/{}/board?code=", hall.url, hall.poll)), "{receipt_qr:?}");
    // The QR code carries the whole receipt (spec §12.11), the same as the text under it.
    let scanned = hallvote_tally::record::Receipt::parse(&receipt_qr[0]).expect("the QR code holds a receipt");
    let printed = hallvote_tally::record::Receipt::parse(&b.text("#receipt-text").await).unwrap();
    assert_eq!(scanned, printed);
    assert_eq!(scanned.tracking.to_string(), second_code);
    let fingerprint = b.text("#fingerprint").await;
    assert_eq!((fingerprint.len(), fingerprint.matches('-').count()), (23, 3), "{fingerprint}");

    // The English pages pass too.
    b.click("header a[lang=en]").await;
    b.wait_for("/receipt").await;
    assert!(b.source().await.contains("Ballot cast"));
    assert_accessible(&b, "receipt (English)").await;
    b.click("#done").await;
    b.wait_for(&format!("{booth}/")).await;
    assert_accessible(&b, "welcome (English)").await;

    // The board explorer finds the receipt's tracking code.
    b.goto(&receipt_qr[0]).await;
    let board = b.source().await;
    assert!(board.contains(&second_code), "the board explorer shows {second_code}");
    b.screenshot("board-explorer").await;
    assert_eq!(hall.board().await["size"], 2, "one spoiled and one cast ballot");
}
