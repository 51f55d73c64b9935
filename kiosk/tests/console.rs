//! The organiser console in a real browser (Debian's Chromium, headless) against a
//! real server: log in, go to the session, create a poll from a template, enrol
//! scrutineer stations by the QR code the page shows, appoint the officers, start
//! the key ceremony (the stations take part), open and close the poll, see a refused
//! step explained, revoke a station, and import a roll with a bad row. The pages
//! pass axe-core with no serious or critical violation. Screenshots go to
//! `target/browser-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use hallvote_kiosk::scrutineer::{Scrutineer, ScrutineerApp, ShareSource, router as scrutineer_router};
use hallvote_kiosk::station::Station;
use hallvote_protocol::stations::StationKind;
use hallvote_tally::Lang;
use serde_json::Value;
use support::webdriver::{Browser, ENTER, decode_qr};
use zeroize::Zeroizing;

const DELEGATES: usize = 8;

/// Clicks the element from within the page (no element reference to go stale while
/// the page rebuilds a list).
async fn click(b: &Browser, css: &str) {
    b.wait_element(css).await;
    let script = format!("document.querySelector({}).click(); return true;", Value::from(css));
    b.execute(&script).await;
}

/// Whether the element is within the window as scrolled now (a message next to the
/// button pressed, not at the top of a page the person is scrolled far below). Edges
/// are compared to the pixel: a scroll that brings an element to the window's edge
/// leaves it a fraction of a pixel over when the page's heights are not whole pixels.
async fn in_view(b: &Browser, css: &str) -> bool {
    let script = format!(
        "const r = document.querySelector({}).getBoundingClientRect(); \
         return r.height > 0 && Math.round(r.top) >= 0 && Math.round(r.bottom) <= window.innerHeight;",
        Value::from(css)
    );
    b.execute(&script).await.as_bool().unwrap_or(false)
}

/// The scrutineers' share-file passphrases.
const PASS: [&str; 3] =
    ["scrutineer one's long passphrase", "scrutineer two's long passphrase", "scrutineer three's long passphrase"];

/// Serves a station's router on a port of its own; its address.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// Clicks `css` on the scrutineer station's page and waits for the station's answer
/// in its message box, which must be a success; the message.
async fn station_action(b: &Browser, css: &str) -> String {
    b.execute("const o = document.getElementById('out'); o.textContent = ''; o.className = ''; return true;").await;
    click(b, css).await;
    for _ in 0..1200 {
        let v = b.execute("const o = document.getElementById('out'); return [o.className, o.textContent];").await;
        let (class, text) = (v[0].as_str().unwrap_or_default(), v[1].as_str().unwrap_or_default());
        if !text.is_empty() {
            assert_eq!(class, "ok", "{css}: {text}");
            return text.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: no answer from the station: {}", b.source().await);
}

/// Waits (up to 60 s) until `css` matches at least `n` elements.
async fn wait_count(b: &Browser, css: &str, n: u64) {
    let script = format!("return document.querySelectorAll({}).length;", Value::from(css));
    for _ in 0..600 {
        if b.execute(&script).await.as_u64().unwrap_or(0) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: fewer than {n}: {}", b.source().await);
}

/// The element's class attribute, read in the page.
async fn class_of(b: &Browser, css: &str) -> String {
    let script = format!("const e = document.querySelector({}); return e ? e.className : '';", Value::from(css));
    b.execute(&script).await.as_str().unwrap_or_default().to_owned()
}

/// Appoints the stations' delegates (L00008, L00007, L00006) as scrutineers, 2 of 3,
/// on the session page.
async fn appoint_in_page(b: &Browser, poll: i64, stations: &[Station]) {
    for (st, card) in stations.iter().zip(["L00008", "L00007", "L00006"]) {
        let id = st.config.id;
        b.execute(&format!("document.getElementById('role-{poll}-{id}').value = 'scrutineer'; return true;")).await;
        b.type_into(&format!("#card-{poll}-{id}"), card).await;
    }
    b.type_into(&format!("#threshold-{poll}"), "2").await;
    click(b, &format!("#appoint-{poll}")).await;
    b.wait_text("#note", "已确定监票人").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_runs_a_poll_from_the_console_pages() {
    // On the heap: the walk's future is larger than a test thread's stack.
    Box::pin(walk_the_console()).await;
}

async fn walk_the_console() {
    let hall = support::hall(DELEGATES, support::poll_definition()).await;
    let b = Browser::start().await;

    // Log in; the start page lists the congress and links to its session.
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.type_into("#username", "organiser").await;
    b.type_into("#password", &format!("{}{ENTER}", support::PASSWORD)).await;
    let link = format!("#session-link-{}", hall.session);
    b.wait_element(&link).await;
    b.assert_accessible("console start page").await;

    // A roll with a bad row: imported, and the bad row named by its line.
    let roll = hall.dir.path().join("roll.csv");
    std::fs::write(&roll, "姓名,代表团,代表证号\n新代表,第二代表团,L00100\n,第二代表团,L00101\n").unwrap();
    let file_input = b.execute("return document.querySelector('[id^=roster-file-]').id").await;
    let file_input = file_input.as_str().unwrap().to_owned();
    b.type_into(&format!("#{file_input}"), roll.to_str().unwrap()).await;
    let form = file_input.replace("roster-file-", "roster-");
    b.execute(&format!("document.getElementById('{form}').requestSubmit(); return true;")).await;
    let report = format!("#{}", file_input.replace("roster-file-", "roster-report-"));
    b.wait_text(&report, "新增 1 人").await;
    // Named once, with what is wrong: not "第 3 行：第 3 行：…".
    let said = b.text_of(&report).await;
    assert_eq!(said.matches("第 3 行").count(), 1, "{said}");
    assert!(said.contains("第 3 行：姓名为空"), "{said}");

    // The eligible list (issue 17), imported the same way, with the same report: a
    // name with a zero-width space is refused naming its line.
    let list = hall.dir.path().join("eligible.csv");
    std::fs::write(
        &list,
        "序号,姓名,工作单位
1,张三,青山村
2,李\u{200B}四,西村
",
    )
    .unwrap();
    let file_input = file_input.replace("roster-file-", "eligible-file-");
    b.type_into(&format!("#{file_input}"), list.to_str().unwrap()).await;
    let form = file_input.replace("eligible-file-", "eligible-");
    b.execute(&format!("document.getElementById('{form}').requestSubmit(); return true;")).await;
    let report = format!("#{}", file_input.replace("eligible-file-", "eligible-report-"));
    b.wait_text(&report, "名单现有 1 人").await;
    let said = b.text_of(&report).await;
    assert!(said.contains("第 3 行（序号 2）：“姓名”"), "{said}");
    b.assert_accessible("console start page with the eligible list imported").await;

    // Accounts (issue 14, item 6): the organiser disables an observer's account from
    // the start page, which ends its session; then re-enables it.
    let made = hall
        .org
        .call::<Value>(
            http::Method::POST,
            "/api/accounts",
            Some(serde_json::json!({"username": "observer7", "display_name": "观察员七", "role": "observer"})),
        )
        .await
        .unwrap();
    let id = made["id"].as_i64().unwrap();
    b.goto(&format!("{}/?lang=zh-CN", hall.url)).await;
    b.wait_text("#accounts", "observer7").await;
    b.execute("window.confirm = () => true; return true;").await;
    click(&b, &format!("#disable-{id}")).await;
    b.wait_text("#note", "已停用 observer7").await;
    b.wait_text("#accounts", "已停用").await;
    let listed = hall.org.call::<Value>(http::Method::GET, "/api/accounts", None).await.unwrap();
    let observer = listed.as_array().unwrap().iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(observer["disabled"], true, "{observer}");
    click(&b, &format!("#enable-{id}")).await;
    b.wait_text("#note", "已重新启用 observer7").await;
    b.assert_accessible("console start page with accounts").await;

    click(&b, &link).await;
    b.wait_for(&format!("/sessions/{}", hall.session)).await;
    b.wait_text("#figures", "应到 9").await;
    b.wait_text("#figures", "实到 8").await;
    // The set-up checklist: the roll is in; stations are next (no booth yet); the rest to do.
    b.wait_text("#check-roll", "代表名册已导入：应到 9 人").await;
    assert_eq!(class_of(&b, "#check-roll").await, "done");
    assert_eq!(class_of(&b, "#check-stations").await, "next");
    assert_eq!(class_of(&b, "#check-open").await, "todo");
    assert_eq!(b.execute("return document.querySelectorAll('#checklist [aria-current=step]').length").await, 1);

    // The delegate added by the import is excluded, then the exclusion withdrawn.
    b.type_into("#ex-card", "L00100").await;
    b.execute("document.getElementById('exclusion').requestSubmit(); return true;").await;
    b.wait_text("#figures", "应到 8").await;
    b.wait_text("#exclusions", "L00100：因病丧失行为能力").await;
    b.execute("window.confirm = () => true; return true;").await;
    click(&b, "#withdraw-L00100").await;
    b.wait_text("#note", "已撤销对 L00100 的核减").await;
    b.wait_text("#figures", "应到 9").await;
    assert_eq!(b.text_of("#exclusions").await, "");
    b.wait_text(&format!("#state-{}", hall.poll), "草稿").await;

    // An election with as many candidates as seats is refused (差额, RULES R8), the
    // reason shown in the form, in view, naming the contest as written, not its id.
    b.execute(
        "const s = document.getElementById('np-template'); s.value = 'election'; \
               s.dispatchEvent(new Event('change')); \
               document.getElementById('np-seats').value = '5'; \
               document.getElementById('np-items').value = '甲一\\n乙二\\n丙三\\n丁四\\n戊五'; \
               document.getElementById('new-poll').requestSubmit(); return true;",
    )
    .await;
    b.wait_element("#new-poll-message").await;
    let refused = b.text_of("#new-poll-message").await;
    assert!(refused.starts_with("选举镇党委委员"), "{refused}");
    assert!(!refused.contains("committee"), "{refused}");
    assert!(in_view(&b, "#new-poll-message").await, "the refusal is in view");

    // A motion from its template.
    b.execute(
        "const s = document.getElementById('np-template'); s.value = 'motion'; \
               s.dispatchEvent(new Event('change')); return true;",
    )
    .await;
    b.execute(
        "document.getElementById('np-name').value = ''; document.getElementById('np-items').value = ''; return true;",
    )
    .await;
    b.type_into("#np-name", "表决财务工作报告").await;
    b.type_into("#np-items", "关于财务工作报告的决议").await;
    b.execute("document.getElementById('new-poll').requestSubmit(); return true;").await;
    b.wait_text("#note", "已建立投票：表决财务工作报告").await;
    b.wait_text("#polls", "表决财务工作报告").await;

    // Three scrutineer stations enrolled from the QR codes the page shows.
    let mut stations = Vec::new();
    for j in 1..=3 {
        b.execute(
            "document.getElementById('en-kind').value = 'scrutineer'; \
                   document.getElementById('en-name').value = ''; return true;",
        )
        .await;
        b.type_into("#en-name", &format!("监票{j}")).await;
        b.execute(
            "document.getElementById('enrol-text') && document.getElementById('enrol-text').remove(); \
                   document.getElementById('enrol').requestSubmit(); return true;",
        )
        .await;
        b.wait_element("#enrol-text").await;
        let text = b.text_of("#enrol-text").await;
        if j == 1 {
            b.execute("document.querySelector('#enrol-code svg').scrollIntoView(); return true;").await;
            let shot = b.screenshot("console-enrolment-qr").await;
            assert_eq!(decode_qr(&shot), vec![text.clone()], "the QR code on the page is the enrolment code");
        }
        stations.push(Station::enrol(&hall.folder(&format!("监票{j}")), &text, StationKind::Scrutineer).await.unwrap());
    }

    // Officers: the page lists the live scrutineer stations once reloaded.
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    let poll = hall.poll;
    b.wait_element(&format!("#appoint-{poll}")).await;
    b.assert_accessible("session page").await;
    appoint_in_page(&b, poll, &stations).await;

    // A ceremony started and abandoned (as when a station cannot go on): the poll is
    // a draft again and the officers are appointed anew.
    b.wait_element(&format!("#ceremony-{poll}")).await;
    click(&b, &format!("#ceremony-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "密钥生成中").await;
    b.execute("window.confirm = () => true; return true;").await;
    click(&b, &format!("#restart-{poll}")).await;
    b.wait_text("#note", "已放弃本次密钥生成").await;
    b.wait_text(&format!("#state-{poll}"), "草稿").await;
    b.wait_element(&format!("#appoint-{poll}")).await;
    appoint_in_page(&b, poll, &stations).await;

    // The key ceremony: started on the console. Scrutineer 1 takes part at its station's
    // page in the browser (issue 16: the poll is chosen by name, the ceremony runs by
    // itself once started and shows every scrutineer's progress); scrutineers 2 and 3 at
    // their stations, each step taken as it comes due.
    b.wait_element(&format!("#ceremony-{poll}")).await;
    click(&b, &format!("#ceremony-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "密钥生成中").await;
    let shares_of = |j: usize| hall.folder(&format!("监票{j}")).join("shares");
    let (station_page, others) = Box::pin(ceremony_at_the_stations(&b, &shares_of, &stations, poll)).await;

    // Back at the console: ready, but not before every scrutineer's key check has
    // passed (spec §5.7): refused, naming them.
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    b.wait_text(&format!("#state-{poll}"), "待开始").await;
    b.wait_text(&format!("#key-check-{poll}-1"), "尚未通过").await;
    click(&b, &format!("#open-{poll}")).await;
    // The refusal is shown on the poll's card, next to the button, in view.
    b.wait_text(&format!("#poll-{poll}-message"), "尚未通过密钥检查").await;
    assert!(in_view(&b, &format!("#poll-{poll}-message")).await);
    assert_eq!(b.text_of("#error").await, "", "not (also) at the top of the page");
    assert_eq!(b.text_of(&format!("#state-{poll}")).await, "待开始");
    // The key checks: scrutineer 1 at its page, the others at their stations.
    b.goto(&station_page).await;
    b.wait_text("#poll", "选举镇党委委员（待开始）").await;
    b.type_into("#pass4", PASS[0]).await;
    station_action(&b, "#keycheck").await;
    for (s, pass) in others.iter().zip(&PASS[1..]) {
        let (s, pass) = (Arc::clone(s), Zeroizing::new((*pass).to_owned()));
        tokio::spawn(async move { s.check_key(poll, pass, ShareSource::Saved, Lang::ZhCn).await.unwrap() })
            .await
            .unwrap();
    }
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    for j in 1..=stations.len() {
        b.wait_text(&format!("#key-check-{poll}-{j}"), "已通过").await;
    }
    click(&b, &format!("#open-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "投票中").await;
    b.wait_text("#check-open", "投票已开始").await;
    assert_eq!(class_of(&b, "#check-open").await, "done");
    assert_eq!(class_of(&b, "#check-quorum").await, "done");
    // Live turnout on the card (issue 16): a ballot issued at a desk shows within
    // the page's 5 s look, without a reload.
    b.wait_text(&format!("#progress-{poll}"), "实到 8　已发出选票 0 张　已投出 0 张").await;
    let desk2 = hall.station(StationKind::Desk, "报到处2").await;
    hallvote_kiosk::desk::Desk::new(desk2.link().unwrap())
        .issue(poll, &hallvote_kiosk::desk::CardScan::Number("L00001".into()))
        .await
        .unwrap();
    b.wait_text(&format!("#progress-{poll}"), "已发出选票 1 张").await;
    b.screenshot("console-session-open").await;

    // Close: the page asks first, stating the counts as they are.
    b.execute("window.confirm = (m) => { window.lastConfirm = m; return true; }; return true;").await;
    click(&b, &format!("#close-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "已结束").await;
    let asked = b.execute("return window.lastConfirm || '';").await;
    assert!(
        asked.as_str().unwrap().contains("已发出选票 1 张，已投出 0 张，尚有 1 张未投出"),
        "the close confirmation states the counts: {asked}"
    );
    b.wait_text(&format!("#progress-{poll}"), "已解密的监票人 0/2").await;
    // Pressed from the foot of a long page (issue 16: the refusal was written at the top
    // while the person was scrolled 900–2,000 px down): shown beside the button, in view.
    b.execute("window.scrollTo(0, document.body.scrollHeight); return true;").await;
    b.wait_element(&format!("#tally-{poll}")).await;
    b.execute(&format!(
        "const t = document.getElementById('tally-{poll}'); t.scrollIntoView({{block: 'end'}}); t.click(); return true;"
    ))
    .await;
    b.wait_element(&format!("#poll-{poll}-message")).await;
    b.wait_text(&format!("#poll-{poll}-message"), "解密").await;
    assert!(in_view(&b, &format!("#poll-{poll}-message")).await, "the refusal is in view");
    b.screenshot("console-refusal-beside-the-button").await;
    assert_eq!(b.text_of(&format!("#state-{poll}")).await, "已结束");

    Box::pin(decrypt_at_the_stations(&b, &hall, &shares_of, &station_page, &others, poll)).await;

    // Revoking a station from its row.
    let desk = hall.station(StationKind::Desk, "报到处1").await;
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    let revoke = format!("#revoke-{}", desk.config.id);
    b.wait_element(&revoke).await;
    b.execute("window.confirm = () => true; return true;").await;
    click(&b, &revoke).await;
    b.wait_text(&format!("#station-{}", desk.config.id), "已注销").await;
    let refused = desk.link().unwrap().call(http::Method::GET, "/api/stations/whoami", None).await.unwrap();
    assert_eq!(refused.status, http::StatusCode::FORBIDDEN);

    // The delegates' help page (linked from the receipt), in both languages.
    for (lang, title, section) in [
        ("zh-CN", "如何核对您的选票", "核验：检查投票机是否如实加密"),
        ("en", "How to check your ballot", "Checking that the booth encrypts"),
    ] {
        b.goto(&format!("{}/help?lang={lang}", hall.url)).await;
        assert_eq!(b.text_of("h1").await, title);
        assert!(b.text_of("#challenge-h").await.contains(section));
        assert_eq!(b.execute("return document.querySelectorAll('main section').length").await, 5);
        b.assert_accessible(&format!("help page ({lang})")).await;
        b.screenshot(&format!("help-{lang}")).await;
    }

    // The same page in English.
    b.goto(&format!("{}/sessions/{}?lang=en", hall.url, hall.session)).await;
    b.wait_text(&format!("#state-{poll}"), "Counted").await;
    assert!(b.text_of("#stations-h").await.contains("Hall stations"));
}

/// Scrutineer 1 through its station's page in the browser, scrutineers 2 and 3 at their
/// stations: the key ceremony, and each saves its share file. The station page's
/// address and the other two stations.
async fn ceremony_at_the_stations(
    b: &Browser,
    shares_of: &dyn Fn(usize) -> std::path::PathBuf,
    stations: &[Station],
    poll: i64,
) -> (String, Vec<Arc<Scrutineer>>) {
    let first = Scrutineer::new(&stations[0], shares_of(1)).unwrap();
    let station_page = serve(scrutineer_router(ScrutineerApp::new(first, "监票1"))).await;
    let others: Vec<Arc<Scrutineer>> =
        (2..=3).map(|j| Arc::new(Scrutineer::new(&stations[j - 1], shares_of(j)).unwrap())).collect();
    let background = {
        let others = others.clone();
        tokio::spawn(async move {
            for _ in 0..600 {
                let mut done = true;
                for s in &others {
                    let st = s.ceremony_status(poll, Lang::ZhCn).await.unwrap();
                    if ["publish", "deal", "confirm"].contains(&st.next.as_str()) {
                        s.step(poll, Lang::ZhCn).await.unwrap();
                    }
                    done &= st.next == "save_share";
                }
                if done {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            panic!("scrutineers 2 and 3 did not finish the ceremony");
        })
    };
    b.goto(&station_page).await;
    b.wait_text("#poll", "选举镇党委委员（密钥生成中）").await;
    b.wait_text("#office", "本终端：第 1 号监票人").await;
    b.assert_accessible("scrutineer station").await;
    b.screenshot("scrutineer-1-poll-chosen").await;
    click(b, "#ceremony-run").await;
    // Published, dealt and confirmed by all three: nine ticks, from one press.
    wait_count(b, "#ceremony-progress td.done", 9).await;
    background.await.unwrap();
    b.wait_text("#scrutineer-1 th", "（本终端）").await;
    b.screenshot("scrutineer-2-ceremony-done").await;
    const PASS: [&str; 3] =
        ["scrutineer one's long passphrase", "scrutineer two's long passphrase", "scrutineer three's long passphrase"];
    b.type_into("#pass1", PASS[0]).await;
    b.type_into("#pass2", PASS[0]).await;
    station_action(b, "#save").await;
    for (s, pass) in others.iter().zip(&PASS[1..]) {
        let (s, pass) = (Arc::clone(s), *pass);
        let pass = move || Zeroizing::new(pass.to_owned());
        tokio::spawn(async move { s.save_share(poll, pass(), Some(pass()), Lang::ZhCn).await.unwrap() }).await.unwrap();
    }

    (station_page, others)
}

/// Decryption (k = 2) and the count: scrutineer 1 at its page from the paper backup,
/// its share file lost; scrutineer 2 at its station; then 计票 on the console.
async fn decrypt_at_the_stations(
    b: &Browser,
    hall: &support::Hall,
    shares_of: &dyn Fn(usize) -> std::path::PathBuf,
    station_page: &str,
    others: &[Arc<Scrutineer>],
    poll: i64,
) {
    // Decryption (k = 2): scrutineer 1 at its page from the paper backup, its share file
    // lost (issue 16: this took curl before); scrutineer 2 at its station.
    let paper = hallvote_kiosk::link::Link::new(station_page, None)
        .unwrap()
        .call(http::Method::GET, &format!("/api/polls/{poll}/share/paper"), None)
        .await
        .unwrap();
    assert!(paper.status.is_success(), "{}", paper.status);
    let paper = String::from_utf8(paper.body.to_vec()).unwrap();
    // The share file copied to a USB stick beforehand, then lost from the station.
    let usb = tempfile::tempdir().unwrap();
    let copied = usb.path().join(format!("poll-{poll}.hvshare"));
    std::fs::copy(shares_of(1).join(format!("poll-{poll}.hvshare")), &copied).unwrap();
    std::fs::remove_dir_all(shares_of(1)).unwrap();
    b.goto(station_page).await;
    b.wait_text("#poll", "选举镇党委委员（已结束）").await;
    // Without it, the station says where to choose it on the page (issue 16: the
    // message asked for an upload the page did not offer).
    b.type_into("#pass3", PASS[0]).await;
    click(b, "#load").await;
    b.wait_text("#out", "从U盘选择密钥份额文件").await;
    // Chosen from the USB stick: it loads.
    b.type_into("#share-file", copied.to_str().unwrap()).await;
    let loaded = station_action(b, "#load").await;
    b.screenshot("scrutineer-3-share-from-usb").await;
    assert!(!loaded.is_empty());
    // And from the paper backup, as if the stick were lost too.
    b.execute("document.getElementById('share-file').value = ''; return true;").await;
    click(b, "#paper-restore summary").await;
    b.type_into("#paper-text", &paper).await;
    b.type_into("#pass3", PASS[0]).await;
    station_action(b, "#load").await;
    station_action(b, "#decrypt").await;
    b.screenshot("scrutineer-3-decrypted-from-paper").await;
    let second = Arc::clone(&others[0]);
    tokio::spawn(async move {
        second.load_share(poll, Zeroizing::new(PASS[1].to_owned()), ShareSource::Saved, Lang::ZhCn).await.unwrap();
        second.decrypt(poll, Lang::ZhCn).await.unwrap();
    })
    .await
    .unwrap();
    b.goto(&format!("{}/sessions/{}", hall.url, hall.session)).await;
    b.wait_text(&format!("#progress-{poll}"), "已解密的监票人 2/2").await;
    click(b, &format!("#tally-{poll}")).await;
    b.wait_text(&format!("#state-{poll}"), "已计票").await;
}
