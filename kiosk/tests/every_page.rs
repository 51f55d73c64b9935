//! Issue 16: every page a person sees, in both languages, in one place. One hall is
//! taken from an open poll to its publication, and on the way a headless Chromium
//! (Debian's) visits, in zh-CN and in English, each page of the console (login,
//! one-time password, start page, session, roll, delegate cards, audit log), the hall
//! display, the desk (start, issued, refused, unknown card, departure, printed
//! credentials, its station revoked), the booth (welcome, unreadable scan, ballot pages,
//! over-vote refused, review, sealed, challenged, receipt, spent credential), the
//! scrutineer station (ceremony, fingerprints, result review, a refusal), the board
//! (explorer, receipt, spoiled ballot, unknown code, list), the result sheet and the
//! help page, each in a representative state. Each is screenshot as
//! `target/browser-screenshots/{page}-{state}-{lang}.png`; on each, axe-core finds no
//! serious or critical violation, the browser refused nothing under the strict CSP,
//! `<html lang>` is the language asked for, a word of that language's page is there,
//! and an English page has no Chinese text but the hall's own names (poll, candidates,
//! delegates, congress, place, stations) and what is marked `lang="zh-CN"`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::booth_ui::{BoothApp, DEFAULT_IDLE};
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::desk_ui::DeskApp;
use hallvote_kiosk::scrutineer::{Scrutineer, ScrutineerApp, router as scrutineer_router};
use hallvote_protocol::stations::StationKind;
use http::Method;
use serde_json::{Value, json};
use support::webdriver::{Browser, ENTER};

const DELEGATES: usize = 8;
const LANGS: [&str; 2] = ["zh-CN", "en"];

/// Every page family the issue names, each of which must have been shown in both
/// languages.
const FAMILIES: [&str; 8] = ["booth", "desk", "scrutineer", "console", "display", "board", "sheet", "help"];

/// What the page's text holds, read in the page: `<html lang>`, the visible text
/// with the title, and every run of Chinese characters (CJK ideographs, CJK and
/// full-width punctuation, not the ideographic space) in a text node, a label-like
/// attribute or a button's value, except within an element marked as Chinese
/// (`lang="zh…"`), a script, or what the audit log recorded (its Detail column,
/// kept as it was written when the step was taken).
const READ_PAGE: &str = r#"
const runs = new Set();
const chinese = /[\u3001-\u303f\u4e00-\u9fff\uff00-\uffef]+/g;
const own = (el) => {
  if (el && el.closest('#audit td:nth-child(5)')) return false;
  const l = el && el.closest('[lang]');
  return !l || !l.lang.startsWith('zh');
};
const add = (t, el) => { if (t && own(el)) for (const m of t.match(chinese) || []) runs.add(m); };
const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
while (walk.nextNode()) {
  const n = walk.currentNode, p = n.parentElement;
  if (p && !p.closest('script, style')) add(n.nodeValue, p);
}
for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
  document.querySelectorAll('[' + a + ']').forEach((e) => add(e.getAttribute(a), e));
}
document.querySelectorAll('input[type=submit], input[type=button]').forEach((e) => add(e.value, e));
add(document.title, document.documentElement);
return { lang: document.documentElement.lang,
         text: document.title + '\n' + (document.body ? document.body.innerText : ''),
         runs: [...runs] };
"#;

/// The walk through the pages: what was shown and what was wrong on it.
struct Tour<'a> {
    b: &'a Browser,
    /// `{page}-{state}-{lang}` of every page looked at.
    shown: Vec<String>,
    /// What was wrong, page by page: reported all together at the end.
    problems: Vec<String>,
    /// The hall's own names, which stand as the organiser typed them on an English
    /// page too.
    names: Vec<String>,
}

impl<'a> Tour<'a> {
    fn new(b: &'a Browser) -> Self {
        let mut names: Vec<String> = [
            "中国共产党青山镇第十五届代表大会",
            "镇政府礼堂",
            "第一代表团",
            "会务组",
            "报到处1",
            "投票机1",
            "观察员甲",
            "观察员乙",
            // The session as the poll's manifest records it (and the result sheet,
            // which the officers sign, heads with it): the hall's own words.
            "中国共产党青山镇第十五届代表大会第三次会议",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let poll = support::poll_definition();
        names.push(poll["name"].as_str().unwrap().to_owned());
        for c in poll["contests"].as_array().unwrap() {
            names.push(c["title"].as_str().unwrap().to_owned());
            for i in c["candidates"].as_array().into_iter().flatten() {
                names.push(i["name"].as_str().unwrap().to_owned());
            }
            for i in c["items"].as_array().into_iter().flatten() {
                names.push(i.as_str().unwrap().to_owned());
            }
        }
        names.extend((1..=DELEGATES).map(|i| format!("代表{i}")));
        names.extend((1..=3).map(|j| format!("监票{j}")));
        names.push(SECOND_POLL.to_owned());
        Self { b, shown: Vec::new(), problems: Vec::new(), names }
    }

    /// Looks at the page shown as `{page}-{state}-{lang}`: screenshots it, and notes
    /// a CSP refusal, a serious or critical axe-core violation, a page in another
    /// language, `word` (zh-CN, en) missing, or Chinese text on an English page
    /// that is none of the hall's names.
    async fn look(&mut self, page: &str, state: &str, lang: &str, word: (&str, &str)) {
        let name = format!("{page}-{state}-{lang}");
        let refused = self.b.csp_violations().await;
        if !refused.is_empty() {
            self.problems.push(format!("{name}: refused under the CSP: {refused:?}"));
        }
        let read = self.b.execute(READ_PAGE).await;
        if read["lang"] != lang {
            self.problems.push(format!("{name}: <html lang={}>", read["lang"]));
        }
        let text = read["text"].as_str().unwrap_or_default();
        let word = if lang == "en" { word.1 } else { word.0 };
        if !text.contains(word) {
            self.problems.push(format!("{name}: no {word:?} in the page: {text}"));
        }
        if lang == "en" {
            let foreign: Vec<&str> = read["runs"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .filter(|run| !self.names.iter().any(|n| n.contains(run)))
                .collect();
            if !foreign.is_empty() {
                self.problems.push(format!("{name}: Chinese on the English page: {foreign:?}"));
            }
        }
        self.b.screenshot(&name).await;
        let v = self.b.accessibility_violations().await;
        if !v.is_empty() {
            self.problems.push(format!("{name}: serious or critical accessibility violations: {}", Value::Array(v)));
        }
        // What axe itself logged is not the page's.
        self.b.console_log().await;
        self.shown.push(name);
    }
}

/// A second poll of the session, left in its key ceremony, for the station and the
/// console to show a poll at that stage.
const SECOND_POLL: &str = "表决财务工作报告";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_both_languages_passes_axe_and_reads_in_its_language() {
    // On the heap: the walk's future is larger than a test thread's stack.
    Box::pin(tour()).await;
}

async fn tour() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    let mut scrutineers = hall.ceremony_at_stations_and_open(DELEGATES, 2, 3).await.into_iter();
    let first = scrutineers.next().unwrap();
    let others: Vec<Scrutineer> = scrutineers.collect();
    let station_ui = ScrutineerApp::new(first, "监票1");
    let scrutineer_page = support::serve(scrutineer_router(std::sync::Arc::clone(&station_ui))).await;
    let desk_station = hall.station(StationKind::Desk, "报到处1").await;
    let desk_page = support::serve(DeskApp::new(Desk::new(desk_station.link().unwrap()), "报到处1").router()).await;
    let booth_station = hall.station(StationKind::Booth, "投票机1").await;
    let booth_page = support::serve(
        BoothApp::new(Booth::new(booth_station.link().unwrap()), "投票机1", &hall.url, DEFAULT_IDLE).router(),
    )
    .await;
    // The booth's delegates get their credentials at another desk, by program: L00001
    // votes in Chinese, L00002 in English.
    let other_desk = Desk::new(hall.station(StationKind::Desk, "报到处2").await.link().unwrap());
    let mut credentials = Vec::new();
    for card in ["L00001", "L00002"] {
        credentials.push(other_desk.issue(hall.poll, &CardScan::Number(card.into())).await.unwrap().1);
    }

    let b = Browser::start().await;
    // A printed page would hold the headless browser's one print job.
    b.without_print_dialog().await;
    let mut t = Tour::new(&b);

    Box::pin(console_login(&mut t, &hall)).await;
    let mut receipts = Vec::new();
    for (lang, (credential, card)) in LANGS.iter().zip(credentials.iter().zip(["L00003", "L00004"])) {
        Box::pin(desk(&mut t, &desk_page, lang, card)).await;
        receipts.push(Box::pin(booth(&mut t, &booth_page, lang, credential)).await);
    }
    for lang in LANGS {
        Box::pin(display(&mut t, &hall, lang, "open")).await;
    }

    // Counted and published; a second poll left in its key ceremony.
    let all: Vec<&Scrutineer> = std::iter::once(station_ui.scrutineer()).chain(&others).collect();
    hall.count_and_publish(&all, 2).await;
    let second = hall
        .org
        .call::<Value>(
            Method::POST,
            &format!("/api/sessions/{}/polls", hall.session),
            Some(json!({"name": SECOND_POLL, "contests": [
                {"id": "finance", "title": SECOND_POLL, "type": "motion", "items": [SECOND_POLL]}]})),
        )
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let ids: Vec<u64> = all.iter().map(|s| s.station_id()).collect();
    hall.appoint_in(second, DELEGATES, 2, &ids, &[]).await;
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{second}/ceremony"), None).await.unwrap();

    for (lang, (tracking, spoiled, receipt)) in LANGS.iter().zip(&receipts) {
        Box::pin(console(&mut t, &hall, lang)).await;
        Box::pin(display(&mut t, &hall, lang, "published")).await;
        Box::pin(board(&mut t, &hall, lang, tracking, spoiled, receipt)).await;
        Box::pin(sheet_and_help(&mut t, &hall, lang)).await;
        Box::pin(scrutineer(&mut t, &scrutineer_page, lang, hall.poll, second)).await;
    }

    // The desk once the server refuses it: its station revoked.
    hall.org
        .call::<Value>(Method::POST, &format!("/api/stations/{}/revoke", desk_station.config.id), None)
        .await
        .unwrap();
    for lang in LANGS {
        b.goto(&format!("{desk_page}/lang/{}", if lang == "en" { "en" } else { "zh" })).await;
        t.look("desk", "station-revoked", lang, ("已被注销", "has been revoked")).await;
    }

    for family in FAMILIES {
        for lang in LANGS {
            assert!(
                t.shown.iter().any(|s| s.starts_with(&format!("{family}-")) && s.ends_with(&format!("-{lang}"))),
                "no {family} page in {lang}: {:?}",
                t.shown
            );
        }
    }
    assert!(t.problems.is_empty(), "{} problems:\n{}", t.problems.len(), t.problems.join("\n"));
}

/// `?lang=` as the server's pages take it.
fn q(lang: &str) -> String {
    format!("lang={lang}")
}

/// The console's login page, a refused login, and the one-time password's change
/// form (two observers' accounts, one per language); then the organiser logs in.
async fn console_login(t: &mut Tour<'_>, hall: &support::Hall) {
    let b = t.b;
    for (lang, observer) in LANGS.iter().zip(["observer1", "observer2"]) {
        b.goto(&format!("{}/?{}", hall.url, q(lang))).await;
        b.wait_element("#username").await;
        t.look("console", "login", lang, ("登录", "Log in")).await;
        b.type_into("#username", "nobody").await;
        b.type_into("#password", &format!("not the password{ENTER}")).await;
        // Refused beside the login form (messages.js).
        b.wait_text("#login-message", "").await;
        t.look("console", "login-refused", lang, ("登录", "Log in")).await;
        let display = if *lang == "en" { "观察员乙" } else { "观察员甲" };
        let made = hall
            .org
            .call::<Value>(
                Method::POST,
                "/api/accounts",
                Some(json!({"username": observer, "display_name": display, "role": "observer"})),
            )
            .await
            .unwrap();
        b.goto(&format!("{}/?{}", hall.url, q(lang))).await;
        b.type_into("#username", observer).await;
        b.type_into("#password", &format!("{}{ENTER}", made["one_time_password"].as_str().unwrap())).await;
        b.wait_until("!document.getElementById('change').hidden", "the change form").await;
        t.look("console", "one-time-password", lang, ("密码", "password")).await;
        b.execute("sessionStorage.clear(); return true;").await;
        b.delete_cookies().await;
    }
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.type_into("#username", "organiser").await;
    b.type_into("#password", &format!("{}{ENTER}", support::PASSWORD)).await;
    b.wait_element(&format!("#session-link-{}", hall.session)).await;
}

/// The desk in `lang`: waiting for a card, a delegate checked in with a credential,
/// its printed credential on both papers, the same card scanned again, an unknown
/// card, and a departure.
async fn desk(t: &mut Tour<'_>, desk: &str, lang: &str, card: &str) {
    let b = t.b;
    b.goto(&format!("{desk}/lang/{}", if lang == "en" { "en" } else { "zh" })).await;
    b.wait_element("#card").await;
    t.look("desk", "start", lang, ("报到并发放选票", "Check in")).await;
    b.type_into("#card", &format!("{card}{ENTER}")).await;
    b.wait_for("/scan").await;
    b.wait_element("#credential-0 svg").await;
    t.look("desk", "issued", lang, ("已报到", "checked in")).await;
    for size in ["80mm", "a6"] {
        b.goto(&format!("{desk}/print/0/{size}")).await;
        t.look("desk", &format!("print-{size}"), lang, ("选票凭证", "ballot credential")).await;
    }
    b.goto(desk).await;
    b.type_into("#card", &format!("{card}{ENTER}")).await;
    b.wait_for("/scan").await;
    b.wait_element("#issued-0").await;
    t.look("desk", "already-issued", lang, ("已领取", "already been issued")).await;
    b.goto(desk).await;
    b.type_into("#card", &format!("L09999{ENTER}")).await;
    b.wait_for("/scan").await;
    b.wait_element("#error").await;
    t.look("desk", "unknown-card", lang, ("名册", "roll")).await;
    b.goto(desk).await;
    b.type_into("#card", card).await;
    b.click("#depart").await;
    b.wait_for("/depart").await;
    b.wait_element("#notice").await;
    t.look("desk", "departed", lang, ("离场", "left")).await;
}

/// The booth in `lang`, one delegate's visit: welcome, a scan that is no credential,
/// the election (and an over-vote the booth refuses), the motion, the review, the
/// sealed ballot, challenged, marked again and cast, the receipt; then the spent
/// credential scanned again. Returns the cast ballot's tracking code, the spoiled
/// one's, and the receipt's text.
async fn booth(t: &mut Tour<'_>, booth: &str, lang: &str, credential: &str) -> (String, String, String) {
    let b = t.b;
    let en = lang == "en";
    b.goto(booth).await;
    if en {
        b.click("header a[lang=en]").await;
    }
    b.wait_for(&format!("{booth}/")).await;
    t.look("booth", "welcome", lang, ("欢迎投票", "Welcome")).await;
    b.click("#larger-text").await;
    b.wait_element("html.large").await;
    b.click("#high-contrast").await;
    b.wait_element("html.contrast").await;
    t.look("booth", "welcome-larger-high-contrast", lang, ("欢迎投票", "Welcome")).await;
    b.click("#larger-text").await;
    b.wait_element("html:not(.large)").await;
    b.click("#high-contrast").await;
    b.wait_element("html:not(.contrast)").await;
    b.type_into("#credential", &format!("not a credential{ENTER}")).await;
    b.wait_element("#error").await;
    t.look("booth", "welcome-unreadable", lang, ("欢迎投票", "Welcome")).await;

    b.type_into("#credential", &format!("{credential}{ENTER}")).await;
    b.wait_for("/contest/0").await;
    t.look("booth", "ballot-election", lang, ("赞成", "For")).await;
    for i in 0..3 {
        b.click(&format!("input[name=i{i}][value='0']")).await;
    }
    // Past the page's own check: the booth refuses the fourth for-vote itself.
    b.execute("document.querySelector(\"input[name=i3][value='0']\").checked = true; document.getElementById('ballot').submit(); return true;").await;
    b.wait_element("#error").await;
    t.look("booth", "ballot-over-vote", lang, ("应选", "seats")).await;
    b.click("input[name=i3][value='1']").await;
    b.click("input[name=i4][value='2']").await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    b.click("input[name=i0][value='0']").await;
    t.look("booth", "ballot-motion", lang, ("弃权", "abstain")).await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    t.look("booth", "review", lang, ("核对选票", "Review your ballot")).await;
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    t.look("booth", "sealed", lang, ("投出或核验", "Cast or check")).await;
    b.click("#challenge").await;
    b.wait_for("/challenged").await;
    let spoiled = b.text("#spoiled-tracking").await;
    t.look("booth", "challenged", lang, ("核验结果", "What the ballot held")).await;
    b.click("#mark-again").await;
    b.wait_for("/contest/0").await;
    b.click("button[value=next]").await;
    b.wait_for("/contest/1").await;
    b.click("button[value=next]").await;
    b.wait_for("/review").await;
    b.click("form[action='/seal'] button").await;
    b.wait_for("/sealed").await;
    b.click("#cast").await;
    b.wait_for("/receipt").await;
    let (tracking, receipt) = (b.text("#tracking").await, b.text("#receipt-text").await);
    t.look("booth", "receipt", lang, ("投票完成", "Ballot cast")).await;
    b.click("#done").await;
    b.wait_for(&format!("{booth}/")).await;

    // The same credential again: spent.
    if en {
        b.click("header a[lang=en]").await;
        b.wait_for(&format!("{booth}/")).await;
    }
    b.type_into("#credential", &format!("{credential}{ENTER}")).await;
    b.wait_for("/failed").await;
    t.look("booth", "credential-spent", lang, ("已经投过票", "already been used")).await;
    b.click("#start-over").await;
    b.wait_for(&format!("{booth}/")).await;
    (tracking, spoiled, receipt)
}

/// The hall display in `lang`, laid out.
async fn display(t: &mut Tour<'_>, hall: &support::Hall, lang: &str, state: &str) {
    let b = t.b;
    b.goto(&format!("{}/display/sessions/{}?{}", hall.url, hall.session, q(lang))).await;
    b.wait_until("document.body.dataset.pages >= 1", "the display laid out").await;
    let word = if state == "open" { ("实到", "Present") } else { ("当选", "elected") };
    t.look("display", state, lang, word).await;
}

/// The console's pages once the poll is published, the organiser logged in: the
/// start page, the session, the roll, the delegate cards and the audit log.
async fn console(t: &mut Tour<'_>, hall: &support::Hall, lang: &str) {
    let b = t.b;
    b.goto(&format!("{}/?{}", hall.url, q(lang))).await;
    b.wait_element(&format!("#session-link-{}", hall.session)).await;
    b.wait_text("#accounts", "observer2").await;
    t.look("console", "start", lang, ("操作日志", "Audit log")).await;
    b.goto(&format!("{}/sessions/{}?{}", hall.url, hall.session, q(lang))).await;
    b.wait_text(&format!("#state-{}", hall.poll), if lang == "en" { "Published" } else { "已公布" }).await;
    b.wait_text("#polls", SECOND_POLL).await;
    t.look("console", "session", lang, ("会场终端", "Hall stations")).await;
    let congress =
        hall.org.call::<Value>(Method::GET, "/api/congresses", None).await.unwrap()[0]["id"].as_i64().unwrap();
    b.goto(&format!("{}/congresses/{congress}/roster?{}", hall.url, q(lang))).await;
    b.wait_element("#roster-search").await;
    t.look("console", "roster", lang, ("代表名册", "Roll of delegates")).await;
    b.goto(&format!("{}/congresses/{congress}/cards?{}", hall.url, q(lang))).await;
    t.look("console", "cards", lang, ("代表证号", "Card no.")).await;
    b.goto(&format!("{}/audit?{}", hall.url, q(lang))).await;
    b.wait_element("#audit").await;
    t.look("console", "audit", lang, ("操作日志", "Audit log")).await;
}

/// The board in `lang`: the explorer as it opens, the cast ballot's receipt checked,
/// the spoiled ballot's opening checked in the browser, a code not on the board, and
/// the list.
async fn board(t: &mut Tour<'_>, hall: &support::Hall, lang: &str, tracking: &str, spoiled: &str, receipt: &str) {
    let b = t.b;
    let at = format!("{}/polls/{}/board", hall.url, hall.poll);
    b.goto(&format!("{at}?{}", q(lang))).await;
    t.look("board", "explorer", lang, ("追踪码", "Tracking code")).await;
    b.execute(&format!(
        "location.href = '{at}?code={tracking}&receipt=' + encodeURIComponent({}) + '&{}'; return true;",
        Value::from(receipt),
        q(lang)
    ))
    .await;
    b.wait_element("#receipt-verdict.ok").await;
    t.look("board", "receipt-checked", lang, ("已在公告板上找到", "Found on the board")).await;
    b.goto(&format!("{at}?code={spoiled}&{}", q(lang))).await;
    b.wait_until(
        "(document.querySelector('#opening-check-0') || {dataset: {}}).dataset.verdict === 'ok'",
        "the opening checked",
    )
    .await;
    into_view(b, "#opening-check-0").await;
    t.look("board", "spoiled-checked", lang, ("作废", "spoiled")).await;
    b.goto(&format!("{at}?code=ABCD-EFGH-JKMN-PQRS&{}", q(lang))).await;
    t.look("board", "not-found", lang, ("追踪码", "Tracking code")).await;
    b.goto(&format!("{at}/list?{}", q(lang))).await;
    t.look("board", "list", lang, ("核验作废", "spoiled")).await;
}

/// The published result sheet and the delegates' help page, in `lang`.
async fn sheet_and_help(t: &mut Tour<'_>, hall: &support::Hall, lang: &str) {
    let b = t.b;
    b.goto(&format!("{}/polls/{}/sheet?{}", hall.url, hall.poll, q(lang))).await;
    t.look("sheet", "published", lang, ("计票结果报告单", "Result sheet")).await;
    b.goto(&format!("{}/help?{}", hall.url, q(lang))).await;
    t.look("help", "page", lang, ("如何核对您的选票", "How to check your ballot")).await;
}

/// Scrutineer 1's station in `lang`: the second poll's ceremony under way, and the
/// published poll's fingerprints, its result reviewed, and a second signature
/// refused.
async fn scrutineer(t: &mut Tour<'_>, page: &str, lang: &str, published: i64, in_ceremony: i64) {
    let b = t.b;
    b.goto(&format!("{page}/lang/{}", if lang == "en" { "en" } else { "zh" })).await;
    b.wait_until(&format!("document.querySelector('#poll option[value=\"{in_ceremony}\"]')"), "the polls listed").await;
    choose_poll(b, in_ceremony).await;
    b.wait_until("!document.getElementById('ceremony-progress').hidden", "the ceremony's progress").await;
    into_view(b, "#ceremony-progress").await;
    t.look("scrutineer", "ceremony", lang, ("密钥生成", "Key ceremony")).await;
    choose_poll(b, published).await;
    b.click("[data-get=fingerprints]").await;
    b.wait_until("!document.getElementById('fp').hidden", "the fingerprints").await;
    into_view(b, "#fp").await;
    t.look("scrutineer", "fingerprints", lang, ("选举指纹", "fingerprint")).await;
    b.click("#review").await;
    b.wait_until("document.getElementById('sheet').textContent.length > 0", "the result to review").await;
    into_view(b, "#digest").await;
    t.look("scrutineer", "result-reviewed", lang, ("计票结果报告单", "RESULT SHEET")).await;
    b.click("#sign").await;
    b.wait_until("document.getElementById('out').className === 'error'", "the refusal").await;
    into_view(b, "#out").await;
    t.look("scrutineer", "sign-refused", lang, ("签名", "sign")).await;
}

/// Scrolls the element to the top of the window, for the screenshot to show it.
async fn into_view(b: &Browser, css: &str) {
    b.execute(&format!("document.querySelector({}).scrollIntoView(); return true;", Value::from(css))).await;
}

/// Chooses `poll` in the station's list, as a scrutineer would.
async fn choose_poll(b: &Browser, poll: i64) {
    b.execute(&format!(
        "const s = document.getElementById('poll'); s.value = '{poll}'; s.dispatchEvent(new Event('change')); return true;"
    ))
    .await;
}
