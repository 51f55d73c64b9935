//! The desk's printed ballot credentials in a real browser (Debian's Chromium,
//! headless), printed to PDF by Chromium itself with the page size the page's CSS
//! asks for, as the print dialog does: on the 80 mm receipt roll each credential is
//! one slip 80 mm wide, on A6 each is one A6 card; every page holds its poll's name,
//! a QR code that reads back as that credential and the typed text in groups, in
//! 10 pt monospace; the booth takes the text typed as printed, spaces and all. The
//! pages pass axe-core in both languages. Screenshots and the PDFs go to
//! `target/browser-screenshots/`. Needs poppler-utils (pdfinfo, pdftotext,
//! pdftoppm) and zbar-tools, as `scripts/test` installs; fails without them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::station::Station;
use hallvote_protocol::stations::StationKind;
use serde_json::{Value, json};
use support::pdf::{page_codes, page_sizes, page_text};
use support::webdriver::{Browser, ENTER, decode_qr, target_dir};

const DELEGATES: usize = 8;
/// One millimetre in PDF points.
const MM: f64 = 72.0 / 25.4;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A second poll of the session, opened with the same scrutineer stations: the
/// delegate then gets two credentials at the desk.
async fn open_second_poll(hall: &support::Hall, stations: &[Station]) -> i64 {
    let org = &hall.org;
    let def = json!({ "name": "表决镇人民政府工作报告", "contests": [
        { "id": "report", "title": "表决镇人民政府工作报告", "type": "motion", "items": ["关于镇人民政府工作报告的决议"] }
    ]});
    let p = org.call::<Value>(http::Method::POST, &format!("/api/sessions/{}/polls", hall.session), Some(def)).await;
    let poll = p.unwrap()["id"].as_i64().unwrap();
    let scrutineers: Vec<Value> = (0..)
        .zip(stations)
        .map(|(i, st)| json!({"card": format!("L{:05}", DELEGATES - i), "station": st.config.id}))
        .collect();
    let body = json!({"threshold": 2, "scrutineers": scrutineers, "counters": []});
    org.call::<Value>(http::Method::POST, &format!("/api/polls/{poll}/officers"), Some(body)).await.unwrap();
    org.call::<Value>(http::Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    let shares = support::ceremony(stations, poll).await;
    support::key_checks(stations, poll, &shares).await;
    org.call::<Value>(http::Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
    poll
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_credential_prints_as_one_80_mm_slip_or_one_a6_card_and_its_typed_text_is_taken_at_the_booth() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    let stations = hall.ceremony_and_open(DELEGATES, 2, 3).await;
    open_second_poll(&hall, &stations).await;
    // Checked in by the organiser for quorum, out, and back in at the desk.
    let checkout = format!("/api/sessions/{}/checkout", hall.session);
    hall.org.call::<Value>(http::Method::POST, &checkout, Some(json!({"card": "L00001"}))).await.unwrap();
    let desk_station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = serve(DeskApp::new(Desk::new(desk_station.link().unwrap()), "报到处1").router()).await;
    let b = Browser::start().await;
    b.without_print_dialog().await;

    b.goto(&desk).await;
    b.type_into("#card", &format!("L00001{ENTER}")).await;
    b.wait_for("/scan").await;
    b.find("#credential-1 svg").await;
    b.find("#print-all a[href='/print/all/80mm']").await;
    // The two credentials, read from the desk's screen, in the order of the page.
    let mut credentials = Vec::new();
    for k in 0..2 {
        b.execute(&format!(
            "document.querySelectorAll('.credential').forEach(function (e) {{ e.hidden = e.id !== 'credential-{k}'; }}); \
             document.getElementById('credential-{k}').scrollIntoView({{block: 'center'}}); return true;"
        ))
        .await;
        let codes = decode_qr(&b.screenshot(&format!("desk-print-credential-{k}")).await);
        assert_eq!(codes.len(), 1, "{codes:?}");
        credentials.push(codes[0].clone());
    }
    assert_ne!(credentials[0], credentials[1]);

    let dir = target_dir().join("browser-screenshots");
    for lang in ["zh-CN", "en"] {
        b.goto(&format!("{desk}/lang/{}", if lang == "en" { "en" } else { "zh" })).await;
        for (size, width, height) in [("80mm", 80.0, None), ("a6", 105.0, Some(148.0))] {
            let what = format!("credentials on {size} in {lang}");
            b.goto(&format!("{desk}/print/all/{size}")).await;
            b.wait_element("#slip-1").await;
            b.assert_accessible(&what).await;
            support::assert_strict_page(&desk, &format!("/print/all/{size}")).await;
            // The typed text: 10 pt (13.33 px) or more, monospace, in groups.
            let style = b
                .execute(
                    "var s = getComputedStyle(document.querySelector('.credential-text'));
                     return [parseFloat(s.fontSize), s.fontFamily];",
                )
                .await;
            assert!(style[0].as_f64().unwrap() >= 13.3, "{what}: {style}");
            assert!(style[1].as_str().unwrap().contains("monospace"), "{what}: {style}");
            b.screenshot(&format!("desk-print-{size}-{lang}")).await;
            let titles = b
                .execute(
                    "return Array.from(document.querySelectorAll('.slip h2'), function (h) { return h.textContent; });",
                )
                .await;
            let titles: Vec<String> = serde_json::from_value(titles).unwrap();
            let mut sorted = titles.clone();
            sorted.sort();
            assert_eq!(sorted, ["表决镇人民政府工作报告", "选举镇党委委员"], "{what}");

            let pdf = dir.join(format!("desk-print-{size}-{lang}.pdf"));
            std::fs::write(&pdf, b.print_to_pdf().await).unwrap();
            let sizes = page_sizes(&pdf);
            assert_eq!(sizes.len(), 2, "{what}: one page per credential: {sizes:?}");
            for (k, &(w, h)) in sizes.iter().enumerate() {
                assert!((w - width * MM).abs() <= MM, "{what}: page {} is {:.1} mm wide", k + 1, w / MM);
                if let Some(height) = height {
                    assert!((h - height * MM).abs() <= MM, "{what}: page {} is {:.1} mm tall", k + 1, h / MM);
                }
                let text = page_text(&pdf, k + 1);
                assert!(text.contains(&titles[k]), "{what}: page {} names its poll: {text}", k + 1);
                assert!(text.contains(&credentials[k]), "{what}: page {} has its whole text: {text}", k + 1);
                let other = &credentials[1 - k];
                assert!(!text.contains(&other["HVCRED1:".len() + 2..]), "{what}: page {} is one credential", k + 1);
                assert_eq!(page_codes(&pdf, k + 1), vec![credentials[k].clone()], "{what}: page {}'s QR code", k + 1);
            }
        }
    }

    // One credential alone: one slip.
    b.goto(&format!("{desk}/print/0/80mm")).await;
    let pdf = dir.join("desk-print-80mm-one.pdf");
    std::fs::write(&pdf, b.print_to_pdf().await).unwrap();
    assert_eq!(page_sizes(&pdf).len(), 1);

    // The typed fallback as printed, groups and spaces, is taken by the booth.
    let printed = b.text("#slip-0 .credential-text").await;
    assert!(printed.split_whitespace().count() > 100, "in groups: {printed}");
    assert!(printed.split_whitespace().skip(1).all(|g| g.len() <= 4), "groups of at most 4: {printed}");
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth =
        serve(BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE).router())
            .await;
    b.goto(&booth).await;
    b.type_into("#credential", &format!("{printed}{ENTER}")).await;
    b.wait_for("/contest/0").await;
}
