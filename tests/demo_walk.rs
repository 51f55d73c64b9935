//! `hallvote demo` walked in a real browser (Debian's Chromium, headless), as a person
//! would walk it from the banner it prints: a waiting delegate's card number typed at
//! the desk, the four credentials read back from the page by `zbarimg`, each typed at
//! a booth as a scanner types it and cast; the organiser logs in to the console with
//! the printed password and closes the by-election; three of the printed scrutineer
//! stations load their shares with the printed passphrases and decrypt; 计票 on the
//! console; every officer's station (five scrutineers, two counters) reviews and signs;
//! 公布结果 on the console; the result is then on the result sheet and the hall display,
//! and the delegate's tracking code on the board, which checks the receipt. Another
//! printed delegate's card QR text, typed as a scanner, is issued ballots too. Each
//! station's page passes axe-core with no serious or critical violation. Screenshots
//! (`demo-walk-…`) go to `target/browser-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../kiosk/tests/support/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use webdriver::{Browser, ENTER, decode_qr};

/// What the demo's banner tells a person.
#[derive(Debug, Default)]
struct Banner {
    /// The console's address, without the trailing `/`.
    console: String,
    /// The organiser's password.
    password: String,
    /// The hall display's address.
    display: String,
    /// The session, from the display's address.
    session: i64,
    desk: String,
    booths: Vec<String>,
    /// Each scrutineer's station and share passphrase.
    scrutineers: Vec<(String, String)>,
    counters: Vec<String>,
    /// Each poll: its number, name and board.
    polls: Vec<(i64, String, String)>,
    /// The delegates without ballots: card number and card QR text.
    waiting: Vec<(String, String)>,
}

impl Banner {
    fn parse(text: &str) -> Self {
        let mut b = Self::default();
        let after = |line: &str, mark: &str| {
            line.split_once(mark).map(|(_, rest)| rest.trim().trim_end_matches(')').trim().to_owned())
        };
        for line in text.lines() {
            let url = line.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_owned);
            let url = || url.clone().unwrap_or_else(|| panic!("no address on {line:?}"));
            if line.contains("/ console:") {
                b.console = url().trim_end_matches('/').to_owned();
                b.password = after(line, "(organiser").expect("the organiser's password");
            } else if line.contains("/ hall display:") {
                b.display = url();
                b.session = b.display.rsplit('/').next().unwrap().parse().unwrap();
            } else if line.contains("/ desk:") {
                b.desk = url();
            } else if line.contains("/ booth ") {
                b.booths.push(url());
            } else if line.contains("/ scrutineer ") {
                b.scrutineers.push((url(), after(line, "share passphrase:").expect("a share passphrase")));
            } else if line.contains("/ counter ") {
                b.counters.push(url());
            } else if let Some((_, rest)) = line.split_once("/ board «") {
                let name = rest.split('»').next().unwrap().to_owned();
                let board = url();
                let id = board.split("/polls/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
                b.polls.push((id, name, board));
            } else if line.contains("HVCARD1:") {
                let mut words = line.split_whitespace();
                b.waiting.push((words.next().unwrap().to_owned(), words.next().unwrap().to_owned()));
            }
        }
        b
    }
}

/// The demo running; stopped as a person stops it (Ctrl-C) when dropped.
struct Demo {
    child: Child,
    /// Its banner; kept open, as the demo prints again when it stops.
    stdout: BufReader<ChildStdout>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// Starts `hallvote demo` on free ports and reads its banner.
fn start_demo() -> (Demo, Banner) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut demo = Demo { child, stdout };
    let mut banner = String::new();
    loop {
        let mut line = String::new();
        assert!(demo.stdout.read_line(&mut line).unwrap() > 0, "the demo ended before its banner: {banner}");
        banner.push_str(&line);
        if line.contains("Ctrl-C") {
            break;
        }
    }
    let parsed = Banner::parse(&banner);
    assert!(!parsed.password.is_empty() && parsed.session > 0, "{banner}");
    assert_eq!((parsed.booths.len(), parsed.scrutineers.len(), parsed.counters.len()), (2, 5, 2), "{banner}");
    assert_eq!(parsed.polls.len(), 4, "{banner}");
    assert_eq!(parsed.waiting.len(), 3, "{banner}");
    (demo, parsed)
}

/// Clicks the element from within the page (no element reference to go stale while
/// the page rebuilds a list).
async fn click(b: &Browser, css: &str) {
    b.wait_element(css).await;
    b.execute(&format!("document.querySelector({}).click(); return true;", Value::from(css))).await;
}

/// Clicks `css` on an officer's station page and waits (up to 60 s) for the station's
/// answer in its message box, which must be a success; the message.
async fn station_action(b: &Browser, css: &str) -> String {
    b.execute("const o = document.getElementById('out'); o.textContent = ''; o.className = ''; return true;").await;
    click(b, css).await;
    for _ in 0..600 {
        let v = b.execute("const o = document.getElementById('out'); return [o.className, o.textContent];").await;
        let (class, text) = (v[0].as_str().unwrap_or_default(), v[1].as_str().unwrap_or_default());
        if !text.is_empty() {
            assert_eq!(class, "ok", "{css}: {text}");
            // Seen where the person is, scrolled down to the step (issue 16): not at the
            // head of the page, out of view.
            let seen = b
                .execute(
                    "const r = document.getElementById('out').getBoundingClientRect(); \
                     return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;",
                )
                .await;
            assert_eq!(seen, true, "{css}: the station's answer {text:?} is out of view");
            return text.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: no answer from the station: {}", b.source().await);
}

/// Opens an officer's station page and chooses `poll` from its list, as a person picks
/// it by name; the station's words for its office in that poll.
async fn station_with_poll(b: &Browser, station: &str, poll: i64, name: &str) -> String {
    b.goto(station).await;
    b.wait_element(&format!("#poll option[value='{poll}']")).await;
    b.wait_text("#poll", name).await;
    b.execute(&format!(
        "const s = document.getElementById('poll'); s.value = '{poll}'; s.dispatchEvent(new Event('change')); return true;"
    ))
    .await;
    b.wait_text("#office", "本终端").await;
    b.text_of("#office").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_walks_the_demo_from_its_banner_to_the_published_result_in_the_browser() {
    let (_demo, banner) = start_demo();
    let b = Browser::start().await;
    // On the heap, in parts: the walk's future is larger than a test thread's stack.
    let credentials = Box::pin(at_the_desk(&b, &banner)).await;
    let receipts = Box::pin(at_the_booth(&b, &banner, &credentials)).await;
    // The by-election, counted and published.
    let (poll, name, _) = banner.polls[0].clone();
    let (tracking, receipt) = receipts.iter().find(|(p, _, _)| *p == poll).map(|(_, t, r)| (t, r)).unwrap();
    Box::pin(close_and_decrypt(&b, &banner, poll, &name)).await;
    Box::pin(count_sign_publish(&b, &banner, poll, &name)).await;
    Box::pin(the_result_is_public(&b, &banner, poll, &name, tracking, receipt)).await;
}

/// The desk: the first waiting delegate by the card number typed, the second by the
/// card's QR text as a scanner types it; each is issued a credential for every open
/// poll. The first's four credentials, read from the page's QR codes.
async fn at_the_desk(b: &Browser, banner: &Banner) -> Vec<String> {
    b.goto(&banner.desk).await;
    b.wait_element("#card").await;
    b.assert_accessible("desk").await;
    b.screenshot("demo-walk-01-desk").await;
    let (card, _) = &banner.waiting[0];
    b.type_into("#card", &format!("{card}{ENTER}")).await;
    b.wait_for("/scan").await;
    b.wait_element("#delegate").await;
    assert!(b.text_of("#delegate").await.contains(card.as_str()), "{}", b.source().await);
    let mut credentials: Vec<String> = Vec::new();
    for i in 0..banner.polls.len() {
        b.wait_element(&format!("#credential-{i} svg")).await;
        b.execute(&format!("document.getElementById('credential-{i}').scrollIntoView(); return true;")).await;
        let shot = b.screenshot(&format!("demo-walk-02-desk-credential-{i}")).await;
        for code in decode_qr(&shot) {
            assert!(code.starts_with("HVCRED1:"), "{code}");
            if !credentials.contains(&code) {
                credentials.push(code);
            }
        }
    }
    assert_eq!(credentials.len(), banner.polls.len(), "a credential for every open poll");
    b.assert_accessible("desk, a delegate's credentials issued").await;

    // The second printed delegate: the card's QR code, scanned.
    let (card, qr) = &banner.waiting[1];
    click(b, "#next").await;
    b.wait_element("#card").await;
    b.type_into("#card", &format!("{qr}{ENTER}")).await;
    b.wait_element("#delegate").await;
    b.wait_text("#delegate", card).await;
    for i in 0..banner.polls.len() {
        b.wait_element(&format!("#credential-{i} svg")).await;
    }
    credentials
}

/// Booth 1: each credential typed as the scanner types it, the poll marked and cast;
/// per poll, its number, the receipt's tracking code and the receipt's QR text.
async fn at_the_booth(b: &Browser, banner: &Banner, credentials: &[String]) -> Vec<(i64, String, String)> {
    let booth = &banner.booths[0];
    b.goto(booth).await;
    b.wait_element("#credential").await;
    b.assert_accessible("booth").await;
    b.screenshot("demo-walk-03-booth").await;
    let mut receipts = Vec::new();
    for (k, credential) in credentials.iter().enumerate() {
        b.type_into("#credential", &format!("{credential}{ENTER}")).await;
        b.wait_for("/contest/0").await;
        let progress = b.text("#progress").await;
        // The QR codes were read in no particular order: any of the four polls.
        assert!(progress.contains("项投票（共 4 项）："), "{progress}");
        assert!(banner.polls.iter().any(|(_, name, _)| progress.ends_with(name.as_str())), "{progress}");
        // One mark per item: the first choice (for, trust, the first grade), except
        // the by-election's third candidate (two seats), voted against.
        let items = b
            .execute(
                "return new Set([...document.querySelectorAll('#ballot input[type=radio]')].map(i => i.name)).size",
            )
            .await;
        let items = items.as_u64().unwrap();
        assert!(items > 0, "{}", b.source().await);
        let by_election = progress.contains(&banner.polls[0].1);
        for i in 0..items {
            let choice = if by_election && i >= 2 { 1 } else { 0 };
            b.click(&format!("input[name=i{i}][value='{choice}']")).await;
        }
        if k == 0 {
            b.assert_accessible("booth, a ballot").await;
            b.screenshot("demo-walk-04-booth-ballot").await;
        }
        b.click("button[value=next]").await;
        b.wait_for("/review").await;
        b.click("form[action='/seal'] button").await;
        b.wait_for("/sealed").await;
        let tracking = b.text("#tracking").await;
        b.click("#cast").await;
        b.wait_for("/receipt").await;
        assert_eq!(b.text("#tracking").await, tracking);
        let shot = b.screenshot(&format!("demo-walk-05-booth-receipt-{}", k + 1)).await;
        let qr = decode_qr(&shot);
        assert_eq!(qr.len(), 1, "one QR code on the receipt: {qr:?}");
        let poll = banner
            .polls
            .iter()
            .find(|(id, _, _)| qr[0].starts_with(&format!("{}/polls/{id}/board?code=", banner.console)))
            .map(|(id, _, _)| *id)
            .unwrap_or_else(|| panic!("the receipt names none of the printed polls: {qr:?}"));
        receipts.push((poll, tracking, qr[0].clone()));
        if k + 1 < credentials.len() {
            click(b, "#scan-next").await;
            b.wait_element("#credential").await;
        }
    }
    b.assert_accessible("booth, receipt").await;
    assert_eq!(b.execute("return document.querySelectorAll('#visit-polls li.cast').length").await, 4);
    click(b, "#done").await;
    b.wait_element("#credential").await;
    receipts
}

/// Logs in to the console with the printed password and opens the session's page.
async fn session_page(b: &Browser, banner: &Banner) {
    b.goto(&format!("{}/sessions/{}", banner.console, banner.session)).await;
    if b.try_find("#username").await.is_some() {
        b.goto(&format!("{}/?lang=zh-CN", banner.console)).await;
        b.type_into("#username", "organiser").await;
        b.type_into("#password", &format!("{}{ENTER}", banner.password)).await;
        let link = format!("#session-link-{}", banner.session);
        b.wait_element(&link).await;
        b.assert_accessible("console").await;
        b.screenshot("demo-walk-06-console").await;
        click(b, &link).await;
    }
    b.wait_for(&format!("/sessions/{}", banner.session)).await;
}

/// The console closes the poll; three of the printed scrutineer stations load their
/// shares with the printed passphrases and decrypt.
async fn close_and_decrypt(b: &Browser, banner: &Banner, poll: i64, name: &str) {
    session_page(b, banner).await;
    b.wait_text(&format!("#state-{poll}"), "投票中").await;
    b.wait_text(&format!("#progress-{poll}"), "已投出 1 张").await;
    b.assert_accessible("console, session").await;
    b.execute("window.confirm = () => true; return true;").await;
    click(b, &format!("#close-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "已结束").await;
    b.screenshot("demo-walk-07-console-closed").await;

    for (j, (station, passphrase)) in banner.scrutineers.iter().take(3).enumerate() {
        let office = station_with_poll(b, station, poll, name).await;
        assert!(office.contains(&format!("第 {} 号监票人", j + 1)), "{office}");
        if j == 0 {
            b.assert_accessible("scrutineer station").await;
        }
        b.type_into("#pass3", passphrase).await;
        station_action(b, "#load").await;
        station_action(b, "#decrypt").await;
        b.screenshot(&format!("demo-walk-08-scrutineer-{}-decrypted", j + 1)).await;
    }
    // The scrutineers who do not decrypt still take their turns of the write-in mix:
    // one press, and the station goes on by itself (spec §15.11).
    for (station, _) in banner.scrutineers.iter().skip(3) {
        station_with_poll(b, station, poll, name).await;
        station_action(b, "#mix-run").await;
    }
}

/// 计票 on the console; every officer reviews and signs at their station; 公布结果.
async fn count_sign_publish(b: &Browser, banner: &Banner, poll: i64, name: &str) {
    session_page(b, banner).await;
    b.wait_text(&format!("#progress-{poll}"), "已解密的监票人 3/3").await;
    // The by-election takes write-ins: the stations finish the mix by themselves after
    // their decryption (spec §15.11); until then 计票 is refused beside the button with
    // whose turn or how many list shares are due, and the organiser presses it again.
    for attempt in 0.. {
        click(b, &format!("#tally-{poll}")).await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        if b.text_of(&format!("#state-{poll}")).await.contains("已计票") {
            break;
        }
        assert!(attempt < 60, "the mix never finished: {}", b.source().await);
    }
    b.wait_text(&format!("#state-{poll}"), "已计票").await;
    b.screenshot("demo-walk-09-console-counted").await;

    let officers = banner.scrutineers.iter().map(|(s, _)| s).chain(&banner.counters);
    for (j, station) in officers.enumerate() {
        let office = station_with_poll(b, station, poll, name).await;
        if j >= banner.scrutineers.len() {
            assert!(office.contains("计票人"), "{office}");
            if j == banner.scrutineers.len() {
                b.assert_accessible("counter station").await;
            }
        }
        station_action(b, "#review").await;
        assert!(!b.text_of("#digest").await.is_empty());
        assert!(b.text_of("#sheet").await.contains(name), "the sheet reviewed: {}", b.text_of("#sheet").await);
        station_action(b, "#sign").await;
        if j == 0 || j == banner.scrutineers.len() {
            b.screenshot(&format!("demo-walk-10-officer-{}-signed", j + 1)).await;
        }
    }

    session_page(b, banner).await;
    b.wait_text(&format!("#progress-{poll}"), "已签名 7/7").await;
    b.execute("window.confirm = () => true; return true;").await;
    click(b, &format!("#publish-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "已公布").await;
    b.wait_text(&format!("#progress-{poll}"), "结果已公布").await;
    b.screenshot("demo-walk-11-console-published").await;
}

/// The published result on the sheet and the hall display; the delegate's tracking
/// code on the board, which checks the receipt.
async fn the_result_is_public(b: &Browser, banner: &Banner, poll: i64, name: &str, tracking: &str, receipt: &str) {
    b.goto(&format!("{}/polls/{poll}/sheet?lang=zh-CN", banner.console)).await;
    let sheet = b.text_of("body").await;
    assert!(sheet.contains(name), "{sheet}");
    // The one ballot cast, as marked at the booth: for the first two candidates, against
    // the third (赞成, 不赞成, 弃权).
    let row = |candidate: &str| {
        format!(
            "const r = [...document.querySelectorAll('tr')].find(r => r.cells[0] && r.cells[0].textContent.trim() === '{candidate}'); \
             return r ? [...r.cells].slice(1, 4).map(c => c.textContent.trim()) : [];"
        )
    };
    for (candidate, marks) in [("王晓冬", ["1", "0", "0"]), ("冯丽晓", ["1", "0", "0"]), ("孙菊", ["0", "1", "0"])]
    {
        assert_eq!(b.execute(&row(candidate)).await, serde_json::json!(marks), "{candidate}: {sheet}");
    }
    assert_eq!(sheet.matches("已电子签名").count(), 7, "all seven officers signed: {sheet}");
    b.assert_accessible("result sheet").await;
    b.screenshot("demo-walk-12-sheet").await;

    b.goto(&banner.display).await;
    let result = format!("section.result[data-poll='{name}']");
    b.wait_element(&result).await;
    assert!(b.text_of(&result).await.contains("孙菊"), "{}", b.text_of(&result).await);
    b.screenshot("demo-walk-13-display").await;

    b.goto(receipt).await;
    let board = b.source().await;
    assert!(board.contains(tracking), "the board shows {tracking}");
    assert_eq!(b.execute("return document.querySelectorAll('#receipt li[data-ok=true]').length").await, 4);
    b.find("#receipt-verdict.ok").await;
    b.assert_accessible("board with the receipt").await;
    b.screenshot("demo-walk-14-board").await;
}
