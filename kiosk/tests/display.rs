//! The hall display on a projector (issue 16, item 3), in a real browser (Debian's
//! Chromium, headless) against a real server: a township session with its four
//! polls open, a delegate who arrived after they opened (refused their ballots) and
//! then one poll's result published. At 1920×1080 and 1280×720, in Chinese and in
//! English, the page never scrolls and nothing on any of its pages is cut off; when
//! its figures need more than one screen it turns its pages by itself, with a
//! visible "第 n/m 页", and in turn shows every poll; each poll's 实到 is the count
//! at its opening, not the late arrival's; the page passes axe-core. Screenshots
//! go to `target/browser-screenshots/display-*.png`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use hallvote_kiosk::booth::BoothError;
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::simulate;
use hallvote_tally::Lang;
use support::webdriver::Browser;

/// The roll: the first delegate arrives late; the rest are checked in before the
/// polls open.
const DELEGATES: usize = 20;
const SIZES: [(u32, u32); 2] = [(1920, 1080), (1280, 720)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_display_fits_the_projector_and_turns_its_pages_in_both_languages() {
    let server = support::Server::start().await;
    let dir = server.dir.path().join("hall");
    let mut hall =
        simulate::set_up(&server.url, server.organiser().await, simulate::roster(DELEGATES), 1, &dir).await.unwrap();
    let (late, on_time) = hall.cards.split_first().map(|(l, r)| (l.clone(), r.to_vec())).unwrap();
    hall.check_in(&on_time, false).await.unwrap();
    hall.ceremonies_and_open(false).await.unwrap();
    hall.vote(&on_time[..3], 0, false).await.unwrap();
    // The late arrival checks in and is refused every poll's ballot.
    let desk = Desk::new(hall.desk.link().unwrap());
    desk.check_in(hall.session, &CardScan::Number(late.clone()), true).await.unwrap();
    for (poll, _) in &hall.polls {
        match desk.issue(*poll, &CardScan::Number(late.clone())).await {
            Err(BoothError::Refused(r)) => assert_eq!(r.code, "arrived_after_opening"),
            other => panic!("{other:?}"),
        }
    }
    let names: Vec<String> = hall.polls.iter().map(|(_, n)| n.clone()).collect();
    let present = on_time.len();

    let b = Browser::start().await;
    let base = format!("{}/display/sessions/{}", server.url, hall.session);
    for lang in ["zh-CN", "en"] {
        walk(&b, &base, lang, "open", &names, &[], present).await;
    }
    // The pages turn by themselves: the next page comes without a key pressed.
    b.goto(&format!("{base}?lang=en")).await;
    b.wait_until("document.body.dataset.pages > 1", "more than one page").await;
    let first = b.execute("return document.body.dataset.page").await;
    for _ in 0..300 {
        if b.execute("return document.body.dataset.page").await != first {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_ne!(b.execute("return document.body.dataset.page").await, first, "the display turned its page by itself");

    // The evaluation of seven members is counted and published: its charts are
    // cut into parts that each fit a page; the other three polls are still open.
    let all = std::mem::take(&mut hall.polls);
    let evaluation = all.iter().position(|(_, n)| n.contains("民主评议")).unwrap();
    hall.polls = vec![all[evaluation].clone()];
    hall.count(&dir.join("records"), Lang::ZhCn, false).await.unwrap();
    hall.polls = all;
    let open: Vec<String> = names.iter().filter(|n| !n.contains("民主评议")).cloned().collect();
    for lang in ["zh-CN", "en"] {
        walk(&b, &base, lang, "published", &open, std::slice::from_ref(&names[evaluation]), present).await;
    }
}

/// Opens the display in `lang` at each projector size and walks its pages with the
/// presenter's key: the page does not scroll, every page fits, the pages together
/// show each open poll (with `present` as its 实到) and each published result's
/// charts, the page counter is shown when there is more than one; screenshots of
/// every page; axe-core at each size.
async fn walk(b: &Browser, base: &str, lang: &str, stage: &str, open: &[String], published: &[String], present: usize) {
    let en = lang == "en";
    let url = if en { format!("{base}?lang=en") } else { base.to_owned() };
    for (w, h) in SIZES {
        assert_eq!(b.set_viewport(w, h).await, (u64::from(w), u64::from(h)));
        b.goto(&url).await;
        b.wait_until("document.body.dataset.pages >= 1", "the display laid out").await;
        // Laid out from the figures as they are now: every poll shown as being voted on
        // is one of `open`, and every published one is shown as a result (the live feed
        // may first bring the figures it last sent, from before the publication).
        let settled = format!(
            "[...document.querySelectorAll('.block.poll')].every((s) => {open}.includes(s.dataset.poll)) && \
             {published}.every((n) => [...document.querySelectorAll('.block.result')].some((s) => s.dataset.poll === n))",
            open = serde_json::json!(open),
            published = serde_json::json!(published),
        );
        b.wait_until(&settled, "the display shows the polls as they are").await;
        let where_ = format!("display {stage} {lang} {w}×{h}");
        assert_eq!(b.execute("return document.documentElement.lang").await, lang, "{where_}");
        b.assert_accessible(&where_).await;
        // To the first page, which also starts its 12 s afresh.
        b.execute("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Home'})); return true;").await;
        let pages = b.execute("return Number(document.body.dataset.pages)").await.as_u64().unwrap();
        let mut seen_open = vec![0usize; open.len()];
        let mut seen_results = vec![0usize; published.len()];
        for n in 1..=pages {
            let state = b
                .execute(
                    "const cur = document.querySelectorAll('.page.current');
                     const p = cur[0];
                     return {
                       page: Number(document.body.dataset.page),
                       current: cur.length,
                       shown: [...document.querySelectorAll('.page')].filter(
                         (q) => getComputedStyle(q).visibility === 'visible').length,
                       scroll: document.documentElement.scrollHeight, inner: window.innerHeight,
                       scrollW: document.documentElement.scrollWidth, innerW: window.innerWidth,
                       fits: [...document.querySelectorAll('.page')].every((q) => q.scrollHeight <= q.clientHeight),
                       pager: document.getElementById('pager').textContent,
                       polls: [...p.querySelectorAll('.block.poll')].map((s) => ({
                         poll: s.dataset.poll,
                         figures: [...s.querySelectorAll('.fig b')].map((x) => x.textContent) })),
                       results: [...p.querySelectorAll('.block.result')].map((s) => ({
                         poll: s.dataset.poll, charts: s.querySelectorAll('svg').length })),
                       text: p.innerText };",
                )
                .await;
            let fail = |what: &str| format!("{where_}, page {n}: {what}: {state:#}");
            assert_eq!(state["page"], n, "{}", fail("the page shown"));
            assert_eq!(
                (state["current"].as_u64(), state["shown"].as_u64()),
                (Some(1), Some(1)),
                "{}",
                fail("one page")
            );
            assert!(state["scroll"].as_u64() <= state["inner"].as_u64(), "{}", fail("the document scrolls"));
            assert!(state["scrollW"].as_u64() <= state["innerW"].as_u64(), "{}", fail("the document scrolls sideways"));
            assert_eq!(state["fits"], true, "{}", fail("a page is cut off"));
            let pager = state["pager"].as_str().unwrap();
            if pages > 1 {
                let want = if en { format!("Page {n} of {pages}") } else { format!("第 {n}/{pages} 页") };
                assert_eq!(pager, want, "{}", fail("the page counter"));
            } else {
                assert_eq!(pager, "", "{}", fail("no counter on a single page"));
            }
            for block in state["polls"].as_array().unwrap() {
                let i = open
                    .iter()
                    .position(|p| block["poll"] == p.as_str())
                    .unwrap_or_else(|| panic!("{}", fail("an open poll")));
                seen_open[i] += 1;
                // 应到 20, 实到 19 (the late arrival is not counted), issued, cast.
                let figures: Vec<&str> =
                    block["figures"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                assert_eq!(
                    figures[..2],
                    [DELEGATES.to_string(), present.to_string()],
                    "{}",
                    fail("the poll's 应到 and 实到")
                );
            }
            for block in state["results"].as_array().unwrap() {
                let i = published.iter().position(|p| block["poll"] == p.as_str()).expect("a published poll");
                assert_eq!(block["charts"], 1, "{}", fail("one chart to a result block"));
                seen_results[i] += 1;
            }
            let text = state["text"].as_str().unwrap();
            if en {
                assert!(
                    !text.contains("实到") && !text.contains("应到") && !text.contains("投票中"),
                    "{}",
                    fail("Chinese words")
                );
                // Counts agree with their nouns (issue 16, item 11).
                assert!(!text.contains(" 1 entries") && !text.contains(" 0 entry"), "{}", fail("a plural"));
            }
            b.screenshot(&format!("display-{stage}-{lang}-{w}x{h}-page{n}")).await;
            b.execute("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'})); return true;").await;
        }
        assert_eq!(b.execute("return Number(document.body.dataset.page)").await, 1, "{where_}: back to the first page");
        assert!(seen_open.iter().all(|&n| n == 1), "{where_}: each open poll on one page: {seen_open:?} of {open:?}");
        // A seven-member evaluation is cut into four charts, each on a page.
        assert!(seen_results.iter().all(|&n| n >= 2), "{where_}: every result's charts shown: {seen_results:?}");
    }
}
