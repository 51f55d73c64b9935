//! The desk and booth pages in a real browser (Debian's Chromium, headless) against
//! a real server: a delegate is checked in at the desk, a credential is issued and
//! its QR code is read back from the rendered page by `zbarimg`, the booth is given
//! that text as a scanner types it, an over-vote is refused on the page, the ballot
//! is challenged once and then cast, and the receipt's tracking code is found on
//! the server's board explorer, which checks the receipt. Also: the board's list, a
//! spoiled ballot opened to its marks and its opening checked by the browser. Every
//! page passes axe-core with no serious or critical violation. Screenshots go to
//! `target/browser-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::Desk;
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_protocol::stations::StationKind;
use support::pdf::{page_codes, page_sizes, page_text};
use support::webdriver::{Browser, ENTER, decode_qr, target_dir};

const DELEGATES: usize = 8;

/// The page passes axe-core; and the strict CSP (issue 14): the browser refused
/// nothing on it, and its markup, fetched again, carries no inline script or style.
async fn assert_accessible(b: &Browser, page: &str) {
    b.assert_no_csp_violation(page).await;
    let url = b.url().await;
    let url = url.split('#').next().unwrap();
    let at = url.find("://").map_or(0, |i| i + 3);
    let (base, path) = url.split_at(url[at..].find('/').map_or(url.len(), |i| at + i));
    support::assert_strict_page(base, if path.is_empty() { "/" } else { path }).await;
    let v = b.accessibility_violations().await;
    assert!(v.is_empty(), "{page}: serious or critical accessibility violations: {}", serde_json::Value::Array(v));
    // What axe itself logged is not the page's.
    b.console_log().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_checks_in_gets_a_printed_credential_challenges_once_and_casts_in_the_browser() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    // The roll is checked in by the organiser for quorum; the desk delegate arrives late.
    hall.org
        .call::<serde_json::Value>(
            http::Method::POST,
            &format!("/api/sessions/{}/checkout", hall.session),
            Some(serde_json::json!({"card": "L00001"})),
        )
        .await
        .unwrap();
    let desk_station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = support::serve(DeskApp::new(Desk::new(desk_station.link().unwrap()), "报到处1").router()).await;
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth = support::serve(
        BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE).router(),
    )
    .await;
    let b = Browser::start().await;

    // Desk: the scanner types the card number and Enter.
    b.goto(&desk).await;
    b.type_into("#card", &format!("L00001{ENTER}")).await;
    b.wait_for("/scan").await;
    assert!(b.text("#delegate").await.contains("代表1"), "{}", b.source().await);
    assert!(b.text("#delegate").await.contains("已报到"));
    b.find("#credential-0 svg").await;
    b.assert_no_csp_violation("desk, a delegate checked in").await;
    support::assert_strict_page(&desk, "/").await;
    // The credential printed on a receipt roll or a card: the pages print themselves.
    b.goto(&format!("{desk}/print/0/a6")).await;
    b.assert_no_csp_violation("desk, printed credential").await;
    support::assert_strict_page(&desk, "/print/0/80mm").await;
    support::assert_strict_page(&desk, "/print/0/a6").await;
    b.goto(&desk).await;
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
    // Its printout (issue 16, item 5), as the page's 打印作废回执 prints it: one page
    // with what the ballot held, its tracking code and the QR code of its receipt to
    // look it up on the board; none of the page's buttons.
    let pdf = target_dir().join("browser-screenshots/booth-7-challenged.pdf");
    std::fs::write(&pdf, b.print_to_pdf().await).unwrap();
    assert_eq!(page_sizes(&pdf).len(), 1, "the challenged ballot prints on one page");
    let printed = page_text(&pdf, 1);
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for want in [compact(&first_code), "王芳赞成".to_owned(), "作废选票的追踪码".to_owned()] {
        assert!(printed.contains(&want), "the printout shows {want}: {printed}");
    }
    assert!(!printed.contains("重新填写选票") && !printed.contains("打印作废回执"), "no buttons printed: {printed}");
    let spoiled_receipt = b.text("#receipt-text").await;
    let codes = page_codes(&pdf, 1);
    assert!(
        codes.len() == 1
            && codes[0].contains("/board?code=")
            && codes[0].contains(&first_code)
            && codes[0].ends_with(&format!("&receipt={spoiled_receipt}")),
        "the printout's QR code opens the spoiled ballot on the board: {codes:?}"
    );

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
    // The receipt says where the delegates' help page is (issue 16).
    assert!(
        b.text("#help-address").await.ends_with(&format!("{}/help?lang=zh-CN", hall.url)),
        "{}",
        b.text("#help-address").await
    );
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
    // The next delegate starts in the booth's own language, not the last one's (issue 16).
    assert_eq!(page_lang(&b).await, "zh-CN");
    assert!(b.source().await.contains("欢迎投票"));
    b.click("header a[lang=en]").await;
    b.wait_for(&format!("{booth}/")).await;
    assert_eq!(page_lang(&b).await, "en");
    assert_accessible(&b, "welcome (English)").await;

    // The board explorer finds the receipt's tracking code.
    b.goto(&receipt_qr[0]).await;
    let board = b.source().await;
    assert!(board.contains(&second_code), "the board explorer shows {second_code}");
    // It checks the receipt the QR code carries (spec §12.11): all four claims hold.
    assert_eq!(b.execute("return document.querySelectorAll('#receipt li[data-ok=true]').length").await, 4);
    b.find("#receipt-verdict.ok").await;
    assert_accessible(&b, "board page with the receipt").await;
    b.screenshot("board-explorer").await;
    assert_eq!(hall.board().await["size"], 2, "one spoiled and one cast ballot");
}

/// The `lang` of the page shown.
async fn page_lang(b: &Browser) -> String {
    b.execute("return document.documentElement.lang").await.as_str().unwrap_or_default().to_owned()
}

/// The page shows no ballot: no form to mark, no contest's items.
async fn assert_no_ballot(b: &Browser, page: &str) {
    assert!(b.try_find("#ballot").await.is_none(), "{page}: a ballot is shown");
    assert!(b.try_find("fieldset").await.is_none(), "{page}: items to mark are shown");
}

/// Any Chinese character in `text`.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Issue 16, items 1 and 8: a credential already cast is refused at the scan, in
/// zh-CN and in English, with the booth's own words and a big button back to the
/// start, and the ballot never shows; a server refusal at the cast reads in the
/// English booth's English, without the raw code, and also has the way back; a
/// credential for a poll that has closed is refused at the scan; the English desk
/// shows the server's refusal of a second credential in English. Every page passes
/// axe-core; screenshots of each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_credential_is_refused_at_the_scan_and_refusals_read_in_the_booths_language() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let desk_station = hall.station(StationKind::Desk, "报到处1").await;
    let desk = Desk::new(desk_station.link().unwrap());
    // Another booth in the hall, driven by program.
    let other = Booth::new(hall.station(StationKind::Booth, "投票机2").await.link().unwrap());
    let spent = credential(&desk, hall.poll, "L00001").await;
    cast_elsewhere(&other, &spent).await;
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth = support::serve(
        BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE).router(),
    )
    .await;
    let b = Browser::start().await;

    // The spent credential, scanned: refused at once, in Chinese, with the way back.
    b.goto(&booth).await;
    b.type_into("#credential", &format!("{spent}{ENTER}")).await;
    b.wait_for("/failed").await;
    let error = b.text("#error").await;
    assert!(error.starts_with("这张选票凭证已经投过票，不能再次使用。"), "{error}");
    assert!(!error.contains("credential_already_spent"), "{error}");
    assert_no_ballot(&b, "spent credential (zh-CN)").await;
    assert_eq!(b.text("#start-over").await, "返回首页");
    assert_accessible(&b, "spent credential refused").await;
    b.screenshot("booth-9-spent-credential-refused").await;
    b.click("#start-over").await;
    b.wait_for(&format!("{booth}/")).await;
    b.find("#credential").await;

    // The same in English: the booth's own English words, no code, no Chinese.
    b.click("header a[lang=en]").await;
    b.wait_for(&format!("{booth}/")).await;
    b.type_into("#credential", &format!("{spent}{ENTER}")).await;
    b.wait_for("/failed").await;
    let error = b.text("#error").await;
    assert!(error.starts_with("This ballot credential has already been used to cast a ballot"), "{error}");
    assert!(!error.contains("credential_already_spent") && !has_chinese(&error), "{error}");
    assert_no_ballot(&b, "spent credential (en)").await;
    assert_eq!(b.text("#start-over").await, "Back to the start");
    assert_accessible(&b, "spent credential refused (English)").await;
    b.screenshot("booth-9-spent-credential-refused-en").await;
    b.click("#start-over").await;
    b.wait_for(&format!("{booth}/")).await;
    assert_eq!(page_lang(&b).await, "zh-CN", "back at the start, the booth is in its own language");

    // A credential cast at another booth while this one shows its ballot: the
    // server refuses the cast, and the English booth says why in English.
    let raced = credential(&desk, hall.poll, "L00002").await;
    b.click("header a[lang=en]").await;
    b.wait_for(&format!("{booth}/")).await;
    b.type_into("#credential", &format!("{raced}{ENTER}")).await;
    b.wait_for("/contest/0").await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    cast_elsewhere(&other, &raced).await;
    b.click("#cast").await;
    b.wait_for("/failed").await;
    let error = b.text("#error").await;
    assert!(error.starts_with("This ballot credential has already been used"), "{error}");
    assert!(!error.contains("credential_already_spent") && !has_chinese(&error), "{error}");
    assert!(b.source().await.contains("The ballot was not cast"));
    assert_accessible(&b, "cast refused by the server (English)").await;
    b.screenshot("booth-10-cast-refused-en").await;
    b.click("#start-over").await;
    b.wait_for(&format!("{booth}/")).await;
    assert_eq!(page_lang(&b).await, "zh-CN");

    // The English desk: a second credential for L00001 is refused in English, in
    // the desk's own words, without the code.
    let desk_url = support::serve(DeskApp::new(Desk::new(desk_station.link().unwrap()), "报到处1").router()).await;
    b.goto(&desk_url).await;
    b.click("header a[lang=en]").await;
    b.wait_for(&format!("{desk_url}/")).await;
    // Present and quorum beside the scan, as the server counts them.
    let fig: serde_json::Value =
        hall.org.call(http::Method::GET, &format!("/api/sessions/{}/attendance", hall.session), None).await.unwrap();
    let quorum = if fig["quorum_met"] == true { "quorum met" } else { "no quorum yet" };
    assert_eq!(
        b.text("#attendance").await,
        format!("{} of {} delegates present: {quorum}.", fig["present"], fig["expected"])
    );
    // The card number typed in lower case finds the card (issue 16, item 10).
    b.type_into("#card", &format!("l00001{ENTER}")).await;
    b.wait_for("/scan").await;
    b.wait_element("#delegate").await;
    assert!(b.text("#delegate").await.contains("L00001"), "{}", b.source().await);
    let refusal = b.text("#issued-0").await;
    assert_eq!(refusal, "This delegate has already been issued a ballot for this poll.");
    let page = b.source().await;
    assert!(!page.contains("already_issued") && !page.contains("已领取"), "{page}");
    // The page is the answer to the scan's POST: axe and the browser's CSP report
    // check it where it is; the desk's page is fetched again as GET.
    b.assert_no_csp_violation("desk, second credential refused (English)").await;
    support::assert_strict_page(&desk_url, "/").await;
    let v = b.accessibility_violations().await;
    assert!(v.is_empty(), "desk (English): serious or critical violations: {}", serde_json::Value::Array(v));
    b.screenshot("desk-3-already-issued-en").await;
    b.goto(&booth).await;

    // The poll closes: a credential issued while it was open is refused at the scan.
    let late = credential(&desk, hall.poll, "L00003").await;
    hall.org
        .call::<serde_json::Value>(http::Method::POST, &format!("/api/polls/{}/close", hall.poll), None)
        .await
        .unwrap();
    b.type_into("#credential", &format!("{late}{ENTER}")).await;
    b.wait_for("/failed").await;
    let error = b.text("#error").await;
    assert!(error.starts_with("本次投票现在不在进行中"), "{error}");
    assert_no_ballot(&b, "poll closed").await;
    assert_accessible(&b, "poll closed").await;
    b.screenshot("booth-11-poll-closed").await;
}

/// A credential for `card` from the desk, as its QR code's text.
async fn credential(desk: &Desk, poll: i64, card: &str) -> String {
    desk.issue(poll, &hallvote_kiosk::desk::CardScan::Number(card.into())).await.unwrap().1
}

/// Casts an abstaining ballot with `credential` at `booth`.
async fn cast_elsewhere(booth: &Booth, credential: &str) {
    let visit = booth.begin(credential).await.unwrap();
    let marks = hallvote_tally::ballot::PlainBallot {
        marks: visit
            .ballot
            .shape
            .contests
            .iter()
            .map(|c| c.items.iter().map(|it| one(it.options, 2)).collect())
            .collect(),
        write_ins: Default::default(),
    };
    let sealed = booth.seal(&visit, &marks).unwrap();
    booth.cast(&visit, &sealed).await.unwrap();
}

/// The element's `data-verdict` (`ok` or `bad`) once the page's script has set it
/// (waiting up to 20 s), and the element's text.
async fn verdict(b: &Browser, css: &str) -> (String, String) {
    let script = format!(
        "const e = document.querySelector({}); return e ? [e.dataset.verdict || '', e.textContent] : ['', ''];",
        serde_json::Value::from(css)
    );
    for _ in 0..200 {
        let v = b.execute(&script).await;
        if v[0].as_str().is_some_and(|s| !s.is_empty()) {
            return (v[0].as_str().unwrap().to_owned(), v[1].as_str().unwrap().to_owned());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never got a verdict: {}", b.source().await);
}

/// Issue 13, item 6: an observer opens the board's list, finds the spoiled ballot,
/// opens it and sees its marks and this browser's own check of the opening — which
/// fails, naming the selection, once a nonce of the entry is changed. The challenge
/// receipt's QR address checks the receipt on the board page. The pages pass axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_finds_a_spoiled_ballot_on_the_board_list_and_the_browser_checks_its_opening() {
    use hallvote_kiosk::booth::Booth;
    use hallvote_kiosk::desk::{CardScan, Desk};
    use hallvote_tally::ballot::PlainBallot;

    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处1").await.link().unwrap());
    let booth = Booth::new(hall.station(StationKind::Booth, "投票机1").await.link().unwrap());
    // The election's items are candidates for 3 seats: for, for, for, against, against;
    // the motion for. The spoiled ballot: for, abstain, against, against, abstain; the
    // motion against.
    let cast = |shape: &hallvote_tally::ballot::BallotShape| PlainBallot {
        marks: shape
            .contests
            .iter()
            .map(|c| c.items.iter().enumerate().map(|(i, it)| one(it.options, usize::from(i >= 3))).collect())
            .collect(),
        write_ins: Default::default(),
    };
    let spoiled_choice = [0, 2, 1, 1, 2];
    let spoiled = |shape: &hallvote_tally::ballot::BallotShape| PlainBallot {
        marks: shape
            .contests
            .iter()
            .enumerate()
            .map(|(c, contest)| {
                contest
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| one(it.options, if c == 0 { spoiled_choice[i] } else { 1 }))
                    .collect()
            })
            .collect(),
        write_ins: Default::default(),
    };
    let mut challenge = None;
    for (k, card) in ["L00001", "L00002", "L00003"].into_iter().enumerate() {
        let (_, text) = desk.issue(hall.poll, &CardScan::Number(card.into())).await.unwrap();
        let visit = booth.begin(&text).await.unwrap();
        if k == 1 {
            let sealed = booth.seal(&visit, &spoiled(&visit.ballot.shape)).unwrap();
            challenge = Some((booth.challenge(&visit, &sealed).await.unwrap(), visit.ballot.clone()));
        }
        let sealed = booth.seal(&visit, &cast(&visit.ballot.shape)).unwrap();
        booth.cast(&visit, &sealed).await.unwrap();
    }
    let (receipt, ballot) = challenge.unwrap();
    assert_eq!((receipt.kind.as_str(), receipt.position), ("spoiled", 1));
    let b = Browser::start().await;

    // The list: three cast, one spoiled, each with its code.
    b.goto(&format!("{}/polls/{}/board/list?lang=zh-CN", hall.url, hall.poll)).await;
    assert_eq!(b.text("#page-at").await, "第 1/1 页");
    assert_eq!(b.execute("return document.querySelectorAll('#entries tbody tr').length").await, 4);
    assert_eq!(b.text("tr.spoiled td.kind").await, "核验作废");
    assert_eq!(b.text("tr.spoiled a.code").await, receipt.tracking);
    assert_accessible(&b, "board list").await;
    b.screenshot("board-1-list").await;

    // The spoiled entry opens to its marks, checked in this browser.
    b.click("tr.spoiled a.open").await;
    b.wait_for("#spoiled-1").await;
    let (ok, text) = verdict(&b, "#opening-check-0").await;
    assert_eq!(ok, "ok", "{text}");
    assert!(text.starts_with("✔ 已在本浏览器中核对：这张作废选票确实加密的是以下内容"), "{text}");
    let contests = &ballot.manifest.poll.contests;
    for (c, contest) in contests.iter().enumerate() {
        let options = contest.options();
        for (i, item) in contest.items().iter().enumerate() {
            let want = if c == 0 { spoiled_choice[i] } else { 1 };
            assert_eq!(b.text(&format!("#opening-0-{c}-{i}")).await, options[want].zh, "{item}");
        }
    }
    assert_eq!(b.text("#opening-0-1-0").await, "反对");
    assert_accessible(&b, "spoiled ballot").await;
    b.screenshot("board-2-spoiled-checked").await;

    // The check can fail: one nonce of the entry changed (and the server's list with
    // it), the script run again, and the browser names the selection that no longer opens.
    let tamper = "const d = document.querySelector('script.opening-data');
        const data = JSON.parse(d.textContent);
        const entry = Uint8Array.from(atob(data.entry), (c) => c.charCodeAt(0));
        entry[entry.length - 32] ^= 1;
        const last = data.selections[data.selections.length - 1];
        const nonce = Uint8Array.from(atob(last.nonce), (c) => c.charCodeAt(0));
        nonce[0] ^= 1;
        last.nonce = btoa(String.fromCharCode(...nonce));
        data.entry = btoa(String.fromCharCode(...entry));
        d.textContent = JSON.stringify(data);
        const out = document.getElementById('opening-check-0');
        out.dataset.verdict = '';
        import('/assets/spoiled-check.js?again');
        return true;";
    b.execute(tamper).await;
    let (ok, text) = verdict(&b, "#opening-check-0").await;
    assert_eq!(ok, "bad", "{text}");
    assert!(text.starts_with("✘ 核对失败：") && text.contains("的密文与揭示的内容不符"), "{text}");
    assert!(text.contains(&contests[1].items()[0]), "names the item: {text}");
    b.screenshot("board-3-tampered-opening-refused").await;

    // English, and the challenge receipt's QR address: the receipt checks out.
    let qr = format!("{}/polls/{}/board?code={}&receipt={}", hall.url, hall.poll, receipt.tracking, receipt.text);
    b.goto(&format!("{qr}&lang=en")).await;
    assert_eq!(b.text("#receipt-verdict").await, "✔ The receipt checks out.");
    assert_eq!(b.execute("return document.querySelectorAll('#receipt li[data-ok=true]').length").await, 4);
    let (ok, text) = verdict(&b, "#opening-check-0").await;
    assert_eq!(ok, "ok", "{text}");
    assert!(text.starts_with("✔ Checked in this browser: this spoiled ballot did encrypt what is shown below"));
    assert_accessible(&b, "board page with a receipt (English)").await;
    b.screenshot("board-4-receipt-en").await;
    b.goto(&format!("{}/polls/{}/board/list?lang=en", hall.url, hall.poll)).await;
    assert_eq!(b.text("tr.spoiled td.kind").await, "spoiled (challenged)");
    assert_accessible(&b, "board list (English)").await;
}

/// The marks of one item: `pick` of `options`.
fn one(options: u8, pick: usize) -> Vec<u8> {
    (0..usize::from(options)).map(|o| u8::from(o == pick)).collect()
}

/// `getComputedStyle(selector)[property]`.
async fn computed(b: &Browser, css: &str, property: &str) -> String {
    let script = format!("return getComputedStyle(document.querySelector({css:?}))[{property:?}]");
    b.execute(&script).await.as_str().unwrap_or_default().to_owned()
}

/// The booth's display as the delegate sees it: `<html>`'s font size, the body's
/// colours, and whether each switch says it is pressed.
async fn display(b: &Browser) -> (String, String, String, String, String) {
    let pressed = |id: &'static str| async move {
        b.execute(&format!("return document.getElementById('{id}').getAttribute('aria-pressed')"))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    (
        computed(b, "html", "fontSize").await,
        computed(b, "body", "backgroundColor").await,
        computed(b, "body", "color").await,
        pressed("larger-text").await,
        pressed("high-contrast").await,
    )
}

const NORMAL: (&str, &str, &str, &str, &str) = ("24px", "rgb(255, 255, 255)", "rgb(17, 17, 17)", "false", "false");
const LARGE_CONTRAST: (&str, &str, &str, &str, &str) = ("32px", "rgb(0, 0, 0)", "rgb(255, 255, 255)", "true", "true");

fn is(d: &(String, String, String, String, String), want: (&str, &str, &str, &str, &str)) -> bool {
    (d.0.as_str(), d.1.as_str(), d.2.as_str(), d.3.as_str(), d.4.as_str()) == want
}

/// Issue 16, Deliver: progress through a multi-poll visit, and the larger-text and
/// high-contrast switches. A delegate with credentials for the session's two open
/// polls sees on each page of a ballot which poll it is ("第 1 项投票（共 2 项）") and
/// which contest page; after the cast, the session's open polls with the one cast
/// here and the prompt to scan the next credential; after the second, that all are
/// cast. The switches change the computed font size and colours, keep marks not yet
/// sent, hold across the pages and credentials of the visit, and are reset with the
/// language at 完成. axe-core passes with each mode on; screenshots in both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_with_two_credentials_sees_where_they_are_with_larger_text_and_high_contrast() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    hall.ceremony_and_open(DELEGATES, 2, 3).await;
    let report = serde_json::json!({ "name": "表决镇党委工作报告", "contests": [
        { "id": "report", "title": "表决镇党委工作报告", "type": "motion", "items": ["关于镇党委工作报告的决议"] }
    ]});
    let second = hall.another_open_poll(report, DELEGATES, 2, 3).await;
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处1").await.link().unwrap());
    let first_credential = credential(&desk, hall.poll, "L00001").await;
    let second_credential = credential(&desk, second, "L00001").await;
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth = support::serve(
        BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE).router(),
    )
    .await;
    let b = Browser::start().await;

    // The switches, on the welcome page: each changes what it says it changes.
    b.goto(&booth).await;
    assert!(is(&display(&b).await, NORMAL), "{:?}", display(&b).await);
    assert!(b.try_find("#done").await.is_none(), "no visit yet: nothing to finish");
    b.click("#larger-text").await;
    b.wait_element("html.large").await;
    let d = display(&b).await;
    assert_eq!((d.0.as_str(), d.1.as_str(), d.3.as_str()), ("32px", "rgb(255, 255, 255)", "true"), "{d:?}");
    b.click("#high-contrast").await;
    b.wait_element("html.contrast").await;
    assert!(is(&display(&b).await, LARGE_CONTRAST), "{:?}", display(&b).await);
    assert_accessible(&b, "welcome, larger text and high contrast").await;
    b.screenshot("booth-12-welcome-larger-high-contrast").await;

    // The first credential: poll 1 of 2, page 1 of 2, the switches still on.
    b.type_into("#credential", &format!("{first_credential}{ENTER}")).await;
    b.wait_for("/contest/0").await;
    assert!(is(&display(&b).await, LARGE_CONTRAST), "{:?}", display(&b).await);
    assert_eq!(b.text("#progress").await, "第 1 项投票（共 2 项）：选举镇党委委员");
    assert_eq!(b.text("#page-of").await, "第 1/2 页");
    // A switch pressed with marks not yet sent keeps them.
    b.click("input[name=i0][value='0']").await;
    b.click("#larger-text").await;
    b.wait_element("html:not(.large)").await;
    assert_eq!(computed(&b, "html", "fontSize").await, "24px");
    assert!(b.selected("input[name=i0][value='0']").await, "the mark stays");
    b.click("#larger-text").await;
    b.wait_element("html.large").await;
    assert_accessible(&b, "election page, larger text and high contrast").await;
    b.screenshot("booth-13-election-larger-high-contrast").await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    assert_eq!(b.text("#page-of").await, "第 2/2 页");
    assert_eq!(b.text("#progress").await, "第 1 项投票（共 2 项）：选举镇党委委员");
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    assert_eq!(b.text("#progress").await, "第 1 项投票（共 2 项）：选举镇党委委员");
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    assert_eq!(b.text("#progress").await, "第 1 项投票（共 2 项）：选举镇党委委员");
    assert!(is(&display(&b).await, LARGE_CONTRAST), "{:?}", display(&b).await);
    b.click("#cast").await;
    b.wait_for("/receipt").await;

    // The receipt: the session's open polls, the one cast here, and the next scan.
    let cast = b
        .execute("return [...document.querySelectorAll('#visit-polls li')].map(l => l.className + ':' + l.textContent)")
        .await;
    assert_eq!(
        cast,
        serde_json::json!(["cast:选举镇党委委员 — 已在本机投出", "waiting:表决镇党委工作报告 — 尚未扫描其选票凭证"])
    );
    assert!(b.text("#next-prompt").await.starts_with("请扫描下一张选票凭证"), "{}", b.text("#next-prompt").await);
    assert!(is(&display(&b).await, LARGE_CONTRAST), "{:?}", display(&b).await);
    assert_accessible(&b, "receipt, larger text and high contrast").await;
    b.screenshot("booth-14-receipt-next-credential").await;
    b.click("#scan-next").await;
    b.wait_for(&format!("{booth}/")).await;
    assert!(b.text("#welcome-hint").await.starts_with("请将下一张选票凭证对准扫描器"));
    b.find("#done").await;
    assert!(is(&display(&b).await, LARGE_CONTRAST), "{:?}", display(&b).await);

    // The second credential, in English: poll 2 of 2, then all cast.
    b.click("header a[lang=en]").await;
    b.wait_for(&format!("{booth}/")).await;
    b.type_into("#credential", &format!("{second_credential}{ENTER}")).await;
    b.wait_for("/contest/0").await;
    assert_eq!(b.text("#progress").await, "Poll 2 of 2: 表决镇党委工作报告");
    assert_eq!(b.text("#page-of").await, "Page 1 of 1");
    assert!(is(&display(&b).await, LARGE_CONTRAST), "{:?}", display(&b).await);
    assert_accessible(&b, "motion page (English), larger text and high contrast").await;
    b.screenshot("booth-15-motion-larger-high-contrast-en").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    b.click("#cast").await;
    b.wait_for("/receipt").await;
    assert_eq!(b.execute("return document.querySelectorAll('#visit-polls li.cast').length").await, 2);
    assert_eq!(
        b.text("#next-prompt").await,
        "You have cast a ballot at this booth in every poll open in this session. Press Done."
    );
    assert!(b.try_find("#scan-next").await.is_none(), "nothing left to scan");
    assert_accessible(&b, "receipt (English), larger text and high contrast").await;
    b.screenshot("booth-16-receipt-all-cast-en").await;

    // Each mode alone passes axe too.
    b.click("#larger-text").await;
    b.wait_element("html:not(.large)").await;
    assert_eq!(computed(&b, "body", "backgroundColor").await, "rgb(0, 0, 0)");
    assert_accessible(&b, "receipt (English), high contrast").await;
    b.screenshot("booth-17-receipt-high-contrast-en").await;
    b.click("#high-contrast").await;
    b.wait_element("html:not(.contrast)").await;
    b.click("#larger-text").await;
    b.wait_element("html.large").await;
    assert_eq!(computed(&b, "body", "backgroundColor").await, "rgb(255, 255, 255)");
    assert_eq!(computed(&b, "html", "fontSize").await, "32px");
    assert_accessible(&b, "receipt (English), larger text").await;
    b.screenshot("booth-18-receipt-larger-text-en").await;
    b.click("#high-contrast").await;
    b.wait_element("html.contrast").await;

    // 完成: the next delegate starts in the booth's own language, normal display.
    b.click("#done").await;
    b.wait_for(&format!("{booth}/")).await;
    assert_eq!(page_lang(&b).await, "zh-CN");
    assert!(is(&display(&b).await, NORMAL), "{:?}", display(&b).await);
    assert!(b.try_find("html.large, html.contrast").await.is_none());
    assert!(b.try_find("#done").await.is_none(), "a new visit");
    assert!(b.text("#welcome-hint").await.starts_with("请将报到处发给您的选票二维码"));
}
