//! The public pages of a poll, through the HTTP API only, on both backends: a small
//! poll (12 delegates, 2 of 2 scrutineers, 1 counter) run to publication, and along
//! the way the board explorer (zh and en, lookup by tracking code, a malformed and an
//! unknown code), the inclusion-proof endpoint checked with the crypto crate, the
//! result sheet (409 before the tally, roles while tallied, anyone once published; its
//! PDF rendered by poppler), and the hall display's ballot counts and result charts.
//! Also: the board's list (page and JSON, paging), spoiled ballots opened to their
//! marks, and receipts checked on the board page.
//!
//! The PDF check needs a CJK font (Debian package `fonts-wqy-microhei`) and poppler's
//! `pdftoppm` (Debian package `poppler-utils`): without them it fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{BallotDef, Client, Hall, b64, call, code, get_bytes, read_event, station_call, unb64};
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::merkle::{InclusionProof, TreeHead, leaf_hash};
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_server::db::Store;
use hallvote_tally::ballot::{BallotContext, PlainBallot, TrackingCode, encrypt_ballot};
use hallvote_tally::model::ContestKind;
use hallvote_tally::record::builder::{decrypt, head_message, result_digest, sign_result};
use hallvote_tally::record::receipt::head_to_text;
use hallvote_tally::record::{Attendance, BoardEntry, Fingerprint, Receipt, ReceiptKind, SignedHead};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A motion item named like markup, so every page that shows the poll's items (the
/// board's openings, the sheet, the hall display's charts) is seen to escape it.
const HOSTILE_ITEM: &str = "工作报告<img src=x onerror=alert(1)>";

/// An election of 2 from 3, a confidence vote on 范勇 (QS15-001), a motion.
fn poll_definition() -> Value {
    json!({ "name": "第一次投票", "contests": [
        { "id": "committee", "title": "选举镇党委委员", "type": "election", "kind": "competitive",
          "by_election": false, "seats": 2,
          "candidates": [{"name": "张伟"}, {"name": "王芳"}, {"name": "李娜"}] },
        { "id": "confidence", "title": "信任投票", "type": "confidence", "members": ["范勇"] },
        { "id": "report", "title": "表决", "type": "motion", "items": [HOSTILE_ITEM] }
    ]})
}

/// A GET whose answer is a page: status, text, Set-Cookie. Every HTML page is checked
/// for the strict CSP on the way ([`assert_strict`]).
async fn page(app: &Router, path: &str, client: Option<&Client>, lang: &str) -> (StatusCode, String, Option<String>) {
    let mut req = Request::builder().method(Method::GET).uri(path).header(header::ACCEPT_LANGUAGE, lang);
    if let Some(c) = client {
        req = req.header(header::COOKIE, &c.cookie);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned());
    let html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
    let csp = res.headers().get(header::CONTENT_SECURITY_POLICY).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    if html {
        assert_strict(app, path, &text, csp.as_deref()).await;
    }
    (status, text, cookie)
}

/// Issue 14, the strict CSP: a page comes with the policy that refuses inline script
/// and style, carries no inline script, `<style>`, `style` attribute or `on…`
/// handler, and every script and style sheet it names under `/assets/` is served,
/// as a script or a style sheet.
async fn assert_strict(app: &Router, path: &str, page: &str, csp: Option<&str>) {
    let csp = csp.unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
    assert_eq!(csp, hallvote_server::http::CONTENT_SECURITY_POLICY, "{path}");
    assert!(csp.contains("script-src 'self';") && csp.contains("style-src 'self';") && !csp.contains("unsafe"));
    if let Some(found) = hallvote_protocol::web::inline_code(page) {
        panic!("{path}: inline code the policy refuses: {found}");
    }
    for attr in ["src=\"", "href=\""] {
        for part in page.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            if !url.starts_with("/assets/") {
                continue;
            }
            let req = Request::get(url).body(Body::empty()).unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}: {url}");
            let kind = res.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
            let want = if url.ends_with(".css") { "text/css" } else { "text/javascript" };
            assert!(kind.starts_with(want), "{path}: {url} is {kind}");
            assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{url}");
            assert!(res.headers().contains_key(header::ETAG), "{url}");
        }
    }
}

/// Twelve delegates, all present; the poll; a desk, a booth, two scrutineer
/// stations (2 of 2) and a counter's, their officers appointed: 王晓冬 (QS15-010) and
/// 贺艳 (QS15-011) the scrutineers, 冯丽晓 (QS15-012) the counter.
async fn set_up_hall(store: &Store) -> Hall {
    Hall::builder().delegates(12).poll(poll_definition()).scrutineers(2, 2).counters(1).appointed().build(store).await
}

/// Every ballot alike: 张伟 and 王芳 for, 李娜 against; 范勇 信任; the report for.
/// (Candidates are on the ballot in stroke order, so 李娜 is looked up in the manifest.)
fn marks(def: &BallotDef) -> PlainBallot {
    let against = match &def.manifest.poll.contests[0].kind {
        ContestKind::Election(e) => e.candidates.iter().position(|c| c.name == "李娜").unwrap(),
        other => panic!("{other:?}"),
    };
    let shape = &def.shape;
    let one = |n: u8, pick: usize| (0..usize::from(n)).map(|o| u8::from(o == pick)).collect::<Vec<u8>>();
    let marks = shape
        .contests
        .iter()
        .enumerate()
        .map(|(c, contest)| {
            contest
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| one(item.options, usize::from(c == 0 && i == against)))
                .collect()
        })
        .collect();
    PlainBallot::marks(marks)
}

fn election_of(v: &Value) -> [u8; 64] {
    unb64(v).try_into().unwrap()
}

/// The board explorer and the proof endpoint while the poll is open.
async fn board_explorer(h: &Hall, def: &BallotDef, receipts: &[Value]) {
    let board = format!("/polls/{}/board", h.poll);
    // The page, in Chinese by default and in English on request.
    let (status, zh, _) = page(&h.app, &board, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("公告板查询") && zh.contains("第一次投票"), "{zh}");
    assert!(zh.contains("id=\"board-size\">8<") && zh.contains("最新签名树头"), "{zh}");
    assert!(zh.contains("<form method=\"get\"") && zh.contains("name=\"code\""));
    assert!(!zh.contains("{{") && !zh.contains("http://") && !zh.contains("https://"), "self-contained, all filled");
    let (status, en, cookie) = page(&h.app, &format!("{board}?lang=en"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("<html lang=\"en\">") && en.contains("Bulletin board explorer"), "{en}");
    assert!(cookie.unwrap().contains("hallvote_lang=en"));
    let (_, en, _) = page(&h.app, &board, None, "en-GB,en;q=0.9").await;
    assert!(en.contains("Latest signed tree head"));

    // A lookup by the fourth receipt's code, typed in lowercase without dashes.
    let receipt = &receipts[3];
    let tracking = receipt["tracking"].as_str().unwrap();
    let typed = tracking.replace('-', "").to_lowercase();
    let (status, found, _) = page(&h.app, &format!("{board}?code={typed}"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(found.contains(&format!("<dd class=\"big\">{tracking}</dd>")), "the code as XXXX-XXXX-XXXX-XXXX");
    assert!(found.contains(&format!("value=\"{tracking}\"")), "the form shows the code as printed");
    // The fourth entry, counted from 1 as people count, said once.
    assert!(found.contains("<span class=\"big position\">第 4 条</span></dd>"), "{found}");
    assert!(found.contains("已投出的选票") && found.contains("服务器已核验此包含证明"), "{found}");
    assert!(found.contains("id=\"proof-data\"") && found.contains("<script src=\"/assets/board.js\"></script>"));
    let (_, found_en, _) = page(&h.app, &format!("{board}?code={typed}&lang=en"), None, "zh-CN").await;
    assert!(found_en.contains("cast ballot") && found_en.contains("The server has checked this inclusion proof"));
    assert!(found_en.contains("<span class=\"big position\">entry 4</span></dd>"), "{found_en}");

    // The proof endpoint: the entry, its leaf hash and a path that verifies.
    let (status, p, _) =
        call(&h.app, Method::GET, &format!("/api/polls/{}/board-proof/{typed}", h.poll), None, None, "en").await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!((p["tracking"].as_str(), p["tree_size"].as_u64()), (Some(tracking), Some(8)));
    let head_bytes: [u8; 40] = unb64(&p["head"]).try_into().unwrap();
    let head = TreeHead::from_bytes(&head_bytes).unwrap();
    assert_eq!(head.root.to_vec(), unb64(&p["root"]));
    // While the poll is open the latest head is the last receipt's, signature and all.
    assert_eq!((&p["head"], &p["signature"]), (&receipts[7]["head"], &receipts[7]["signature"]));
    let sig = Signature::decode(&unb64(&p["signature"])).unwrap();
    assert_eq!(election_of(&p["election"]), def.election);
    verify(&def.manifest.server_key, tags::SIG_TREE_HEAD, &head_message(&head_bytes, &def.election), &sig).unwrap();
    let e = &p["entries"][0];
    assert_eq!(
        (e["position"].as_u64(), e["kind"].as_str(), e["verified"].as_bool()),
        (Some(3), Some("cast"), Some(true))
    );
    let entry = BoardEntry::decode(&unb64(&e["entry"])).unwrap();
    let leaf = leaf_hash(&entry.leaf());
    assert_eq!(leaf.to_vec(), unb64(&e["leaf_hash"]));
    let path: Vec<[u8; 32]> = e["path"].as_array().unwrap().iter().map(|x| unb64(x).try_into().unwrap()).collect();
    let proof =
        InclusionProof::new(e["index"].as_u64().unwrap(), e["tree_size"].as_u64().unwrap(), path.clone()).unwrap();
    proof.verify_tree_head(&leaf, &head).unwrap();
    // A path for another position does not verify: the check can fail.
    let wrong = InclusionProof::new(2, 8, path).unwrap();
    assert!(wrong.verify_tree_head(&leaf, &head).is_err());
    // The entry is the one the receipt was given for.
    assert_eq!(unb64(&e["receipt_head"]), unb64(&receipt["head"]));

    // Malformed and unknown codes: a clear message, on the page and as JSON.
    let (status, short, _) = page(&h.app, &format!("{board}?code=ABCD-EFGH"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(short.contains("追踪码格式不正确：应为 16 个字符，您输入了 8 个。"), "{short}");
    let (status, bad_char, _) = page(&h.app, &format!("{board}?code=ABCD-EFGH-JKMN-PQRU&lang=en"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad_char.contains("“U” is not a tracking-code character"), "{bad_char}");
    let (status, err, _) =
        call(&h.app, Method::GET, &format!("/api/polls/{}/board-proof/not-a-code", h.poll), None, None, "en").await;
    assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "tracking_code_malformed"));
    let (status, missing, _) = page(&h.app, &format!("{board}?code=0000-0000-0000-0000"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("公告板上没有追踪码为 0000-0000-0000-0000 的选票"), "{missing}");
    let (status, err, _) = call(
        &h.app,
        Method::GET,
        &format!("/api/polls/{}/board-proof/0000-0000-0000-0000", h.poll),
        None,
        None,
        "zh-CN",
    )
    .await;
    assert_eq!((status, code(&err)), (StatusCode::NOT_FOUND, "tracking_code_not_found"));
}

/// The sheet and its PDF as anyone sees them once published.
async fn published_sheet(h: &Hall, fingerprint: &str) {
    let sheet = format!("/polls/{}/sheet", h.poll);
    let (status, html, _) = page(&h.app, &sheet, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("选举指纹：{fingerprint}")), "{html}");
    assert!(html.contains("计票结果报告单") && html.contains("<link rel=\"stylesheet\" href=\"/assets/sheet.css\">"));
    let (status, css) = get_bytes(&h.app, "/assets/sheet.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(css).unwrap().contains("@page { size: A4;"), "the sheet's style sheet sets A4");
    assert!(html.contains("中国共产党青山镇第十五届代表大会") && html.contains("镇政府大礼堂"), "{html}");
    for name in ["张伟", "王芳", "李娜", "范勇", "工作报告", "王晓冬", "贺艳", "冯丽晓", "已电子签名"]
    {
        assert!(html.contains(name), "{name}");
    }
    assert!(html.contains(&entities(HOSTILE_ITEM)) && !html.contains("<img"), "a name typed as markup is text: {html}");
    assert!(html.contains("<td class=\"c\">当选</td>") && html.contains("<td class=\"c\">未当选</td>"), "{html}");
    assert!(html.contains("当选（按姓氏笔画为序）：王芳、张伟"), "{html}");
    // The sheet says how to have it in the other language and as PDF, on screen only.
    assert!(html.contains("<a href=\"?lang=en\" lang=\"en\" hreflang=\"en\">English</a>"), "{html}");
    assert!(html.contains(&format!("<a href=\"/polls/{}/sheet.pdf?lang=zh-CN\">下载 PDF</a>", h.poll)), "{html}");
    let (status, en, cookie) = page(&h.app, &format!("{sheet}?lang=en"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("Result sheet") && en.contains("elected"), "{en}");
    assert!(en.contains(">中文</a>") && en.contains("sheet.pdf?lang=en\">Download PDF</a>"), "{en}");
    // Chosen for as long as the browser is open, not for a year (issue 16, item 8): a
    // hall computer's next user is not greeted in the last one's language.
    let cookie = cookie.unwrap();
    assert!(cookie.starts_with("hallvote_lang=en;") && !cookie.contains("Max-Age"), "{cookie}");
    let css = String::from_utf8(get_bytes(&h.app, "/assets/sheet.css").await.1).unwrap();
    assert!(css.contains("@media print { nav.bar { display: none; } }"), "the bar is not printed");

    let (status, pdf) = get_bytes(&h.app, &format!("{sheet}.pdf")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sheet.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let prefix = dir.path().join("page");
    let out = std::process::Command::new("pdftoppm")
        .args(["-png".as_ref(), "-r".as_ref(), "40".as_ref(), file.as_os_str(), prefix.as_os_str()])
        .output()
        .unwrap_or_else(|e| panic!("pdftoppm (Debian package poppler-utils) is needed: {e}"));
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    assert!(!pngs.is_empty(), "no page rendered");
    assert!(pngs.iter().all(|p| std::fs::read(p).unwrap().starts_with(b"\x89PNG\r\n\x1a\n")));
    // The fingerprint beside the signature lines, read back from the PDF.
    let out = std::process::Command::new("pdftotext")
        .args([file.as_os_str(), "-".as_ref()])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (Debian package poppler-utils) is needed: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(fingerprint), "{text}");
}

async fn public_pages_of_a_poll(store: Store) {
    let h = set_up_hall(&store).await;
    let key_shares = h.ceremony().await;
    let def = h.ballot().await;
    let sheet = format!("/polls/{}/sheet", h.poll);
    let figures = format!("/api/sessions/{}/figures", h.session);

    // Before the tally there is no sheet, for anyone.
    for client in [None, Some(&h.org)] {
        let (status, err, _) = call(&h.app, Method::GET, &sheet, client, None, "zh-CN").await;
        assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "poll_not_counted"), "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("计票完成后"), "{err}");
    }
    let (status, err, _) = call(&h.app, Method::GET, &format!("{sheet}.pdf"), None, None, "en").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["error"]["message"].as_str().unwrap().contains("once the votes are counted"), "{err}");
    // An empty board.
    let (status, empty, _) = page(&h.app, &format!("/polls/{}/board", h.poll), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("公告板上尚无选票。"), "{empty}");
    // Where a receipt's QR code leads, the delegates' help page is one link away.
    assert!(empty.contains("<a id=\"help-link\" href=\"/help?lang=zh-CN\">如何核对您的选票</a>"), "{empty}");
    let (_, english, _) = page(&h.app, &format!("/polls/{}/board?lang=en", h.poll), None, "zh-CN").await;
    assert!(english.contains("<a id=\"help-link\" href=\"/help?lang=en\">How to check your ballot</a>"), "{english}");
    let (status, help, _) = page(&h.app, "/help?lang=en", None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(help.contains("How to check your ballot"), "{help}");

    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &key_shares).await;
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    // A hall display follows the poll from here (its figures come from the shared feed).
    let req = Request::get(format!("/api/sessions/{}/events", h.session)).body(Body::empty()).unwrap();
    let mut display_stream = h.app.clone().oneshot(req).await.unwrap().into_body();
    let before = read_event(&mut display_stream).await;
    assert!(before.contains(r#""issued":0,"cast":0"#), "{before}");

    // Nine credentials issued, eight ballots cast.
    let mut credentials = Vec::new();
    for k in 1..=9 {
        credentials.push(h.issue(&def, &format!("QS15-{k:03}")).await.unwrap());
    }
    let mut rng = rand::rng();
    let mut receipts = Vec::new();
    for cred in &credentials[..8] {
        let ctx = BallotContext { election: def.election, serial: cred.serial() };
        let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &marks(&def), &mut rng).unwrap();
        let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes())});
        let (status, receipt) =
            station_call(&h.app, &h.booth, Method::POST, &format!("/api/station/polls/{}/cast", h.poll), Some(body))
                .await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
        receipts.push(receipt);
    }
    let (status, f, _) = call(&h.app, Method::GET, &figures, None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(
        f["turnout"],
        json!([{"poll": "第一次投票", "state": "open", "expected": 12, "present": 12, "issued": 9, "cast": 8}]),
        "{f}"
    );
    // The display's stream sees the casts: the newest figures reach it (a display
    // that falls behind skips to the newest).
    loop {
        let event = read_event(&mut display_stream).await;
        if event.contains(r#""issued":9,"cast":8"#) {
            break;
        }
    }
    drop(display_stream);
    assert_eq!(f["results"], json!([]));
    let (_, display, _) = page(&h.app, &format!("/display/sessions/{}", h.session), None, "zh-CN").await;
    // The page starts from the figures in its data block; its script lays them out.
    let data = display_data(&display);
    assert_eq!((&data["figures"]["turnout"], data["texts"]["issued"].as_str()), (&f["turnout"], Some("发出选票")));
    // The display shows the poll's election fingerprint and its newest signed head,
    // which is the last receipt's (spec §11.4, §12.11).
    let (_, booth_def) =
        station_call(&h.app, &h.booth, Method::GET, &format!("/api/station/polls/{}/ballot", h.poll), None).await;
    let shares: Vec<[u8; 32]> =
        booth_def["public_shares"].as_array().unwrap().iter().map(|x| unb64(x).try_into().unwrap()).collect();
    let fingerprint =
        Fingerprint::of(&unb64(&booth_def["manifest"]), &unb64(&booth_def["joint_key"]).try_into().unwrap(), &shares);
    assert_eq!(booth_def["fingerprint"], fingerprint.short());
    let last = &receipts[7];
    let head = SignedHead {
        head: unb64(&last["head"]).try_into().unwrap(),
        signature: unb64(&last["signature"]).try_into().unwrap(),
    };
    assert_eq!(
        f["boards"],
        json!([{
            "poll": "第一次投票",
            "fingerprint": fingerprint.short(),
            "size": 8,
            "root": head.head[8..12].iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "head": head_to_text(&head),
        }]),
        "{f}"
    );

    board_explorer(&h, &def, &receipts).await;

    // Close, decrypt, tally.
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/close", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let (_, sealed, _) = page(&h.app, &format!("/polls/{}/board", h.poll), None, "zh-CN").await;
    assert!(sealed.contains("最终签名树头（已封存）"), "{sealed}");
    let (status, agg) = station_call(
        &h.app,
        &h.scrutineers[0],
        Method::GET,
        &format!("/api/station/polls/{}/aggregates", h.poll),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{agg}");
    let aggregates: Vec<Ciphertext> =
        agg["aggregates"].as_array().unwrap().iter().map(|a| Ciphertext::decode(&unb64(a)).unwrap()).collect();
    for (j, st) in h.scrutineers.iter().enumerate() {
        let d = decrypt(&key_shares[j], &def.election, &def.shape, &aggregates, &mut rand::rng());
        let body = json!({"shares": d.shares.iter().map(|s| b64(s)).collect::<Vec<_>>()});
        let (status, v) =
            station_call(&h.app, st, Method::POST, &format!("/api/station/polls/{}/decryption", h.poll), Some(body))
                .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/tally", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("tallied")), "{st}");

    // Both seats are filled: no runoff, no separate election to set up.
    for kind in ["runoff", "separate_election"] {
        let (status, err, _) = call(
            &h.app,
            Method::POST,
            &format!("/api/polls/{}/follow-up", h.poll),
            Some(&h.org),
            Some(json!({"kind": kind})),
            "zh-CN",
        )
        .await;
        assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "no_follow_up"), "{err}");
    }
    // Tallied: the organisers, scrutineers and observers see the sheet; nobody else yet.
    let (status, _, _) = call(&h.app, Method::GET, &sheet, None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(&h.app, Method::GET, &sheet, Some(&h.desk_account), None, "zh-CN").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html, _) = page(&h.app, &sheet, Some(&h.observer), "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("张伟") && !html.contains("已电子签名"), "nobody has signed yet");

    // Every officer signs; publication.
    let officers = [(&h.scrutineers[0], "scrutineer"), (&h.scrutineers[1], "scrutineer"), (&h.counters[0], "counter")];
    for (st, role) in officers {
        let (status, r) =
            station_call(&h.app, st, Method::GET, &format!("/api/station/polls/{}/result", h.poll), None).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        let totals: Vec<u64> = r["totals"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap()).collect();
        let attendance = Attendance {
            expected: r["expected"].as_u64().unwrap() as u32,
            present: r["present"].as_u64().unwrap() as u32,
            issued: r["issued"].as_u64().unwrap() as u32,
        };
        let digest =
            result_digest(&def.election, attendance, r["cast"].as_u64().unwrap(), &totals, &unb64(&r["outcome"]));
        let body = json!({"role": role, "signature": b64(&sign_result(&st.key, &digest))});
        let (status, v) =
            station_call(&h.app, st, Method::POST, &format!("/api/station/polls/{}/signature", h.poll), Some(body))
                .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/publish", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("published")), "{st}");

    published_sheet(&h, &fingerprint.short()).await;

    // The hall display: no more counts, the results as bar charts.
    let (_, f, _) = call(&h.app, Method::GET, &figures, None, None, "zh-CN").await;
    assert_eq!(f["turnout"], json!([]));
    assert_eq!(f["results"][0]["poll"], "第一次投票");
    let charts = f["results"][0]["charts"].as_str().unwrap();
    assert_eq!(charts.matches("<svg").count(), 3, "one chart per contest: {charts}");
    assert_eq!(charts.matches("<rect").count(), 3 + 3 + 3, "a bar per candidate, option and item option");
    for text in [">张伟<", ">王芳<", ">李娜<", ">当选<", ">未当选<", ">8<", ">0<", "当选票数", ">通过<"]
    {
        assert!(charts.contains(text), "{text} in {charts}");
    }
    let (_, f_en, _) = call(&h.app, Method::GET, &figures, None, None, "en").await;
    let charts_en = f_en["results"][0]["charts"].as_str().unwrap();
    assert!(charts_en.contains(">elected<") && charts_en.contains(">not elected<"), "{charts_en}");
    let (_, display, _) = page(&h.app, &format!("/display/sessions/{}", h.session), None, "zh-CN").await;
    assert_eq!(display_data(&display)["figures"]["results"], f["results"]);
    // The event stream carries the charts too.
    let req = Request::get(format!("/api/sessions/{}/events", h.session)).body(Body::empty()).unwrap();
    let res = h.app.clone().oneshot(req).await.unwrap();
    let first = read_event(&mut res.into_body()).await;
    assert!(first.contains("event: figures") && first.contains("<svg"), "{first}");
}

both_backends!(public_pages, public_pages_of_a_poll);

/// Text in a URL, percent-encoded.
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// What a visitor might type as a tracking code to run a script in the page.
const HOSTILE: [&str; 7] = [
    "{{texts}}",
    "{{message}}\" autofocus onfocus=\"alert(1)",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "{{summary}}{{result}}{{autofocus}}{{code}}{{poll}}{{lang}}",
    "\u{2028}<!-- {{other_lang_href}}",
];

/// The board page shows `typed` back as text, in its search field, and made nothing of it.
fn shows_only_as_text(page: &str, typed: &str) {
    let value = page.split("id=\"code\" name=\"code\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(value, entities(typed.trim()), "{page}");
    // The page's own script (a file), and one set of its texts, in its data block.
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    assert_eq!(page.matches("<script src=\"/assets/board.js\"></script>").count(), 1, "{page}");
    assert_eq!(page.matches("\"leaf_tag\"").count(), 1, "{page}");
    if !typed.is_empty() {
        assert!(page.contains("required >"), "no autofocus once a code is typed: {page}");
    }
    for made in ["<img", "<svg", "onfocus=\"", "<!--", "alert(1)</script>"] {
        assert!(!page.contains(made), "{made} in {page}");
    }
}

/// Issue 14, item 1: a tracking code typed as `{{texts}}` was expanded into the
/// page's script texts inside the search field's value, and a handler ran. Whatever
/// is typed comes back as text; a poll's name too.
async fn typed_text_stays_text(store: Store) {
    let h = set_up_hall(&store).await;
    for typed in HOSTILE {
        for lang in ["zh-CN", "en"] {
            let path = format!("/polls/{}/board?lang={lang}&code={}", h.poll, query_value(typed));
            let (status, html, _) = page(&h.app, &path, None, "zh-CN").await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{typed}: {html}");
            shows_only_as_text(&html, typed);
        }
    }
    // A name of every hostile text together is over the 100 characters a name may
    // have (issue 14, item 7): refused. Those that fit one name are stored, and stay text.
    let mut definition = poll_definition();
    definition["name"] = json!(HOSTILE.concat());
    let (status, v, _) =
        call(&h.app, Method::POST, &format!("/api/sessions/{}/polls", h.session), Some(&h.org), Some(definition), "en")
            .await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_poll")), "{v}");
    let mut definition = poll_definition();
    let name = [HOSTILE[0], HOSTILE[2], HOSTILE[3], HOSTILE[4]].concat();
    definition["name"] = json!(name);
    let (status, p, _) = call(
        &h.app,
        Method::POST,
        &format!("/api/sessions/{}/polls", h.session),
        Some(&h.org),
        Some(definition),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let (status, html, _) = page(&h.app, &format!("/polls/{}/board", p["id"]), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    shows_only_as_text(&html, "");
    assert!(html.contains(&format!("<h2 id=\"summary-title\">{}</h2>", entities(&name))));

    // Every other page family passes the strict CSP too (checked by `page`), with the
    // hostile poll in its session: the console's start and session pages, the
    // delegate cards, the hall display and the board's list.
    for (path, client) in [
        ("/".to_owned(), None),
        ("/?lang=en".to_owned(), None),
        (format!("/sessions/{}", h.session), Some(&h.org)),
        (format!("/congresses/{}/cards", h.congress), Some(&h.org)),
        (format!("/display/sessions/{}", h.session), None),
        (format!("/polls/{}/board/list", p["id"]), None),
    ] {
        let (status, html, _) = page(&h.app, &path, client, "zh-CN").await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        for made in ["<img", "<svg onload", "alert(1)</script>"] {
            assert!(!html.contains(made), "{path}: {made} in {html}");
        }
    }
    // The files: an unknown one is refused in the error schema; a known one is not
    // sent again while the browser's copy is current.
    let (status, err, _) = call(&h.app, Method::GET, "/assets/nothing-here.js", None, None, "en").await;
    assert_eq!((status, code(&err)), (StatusCode::NOT_FOUND, "not_found"), "{err}");
    let res = h.app.clone().oneshot(Request::get("/assets/board.js").body(Body::empty()).unwrap()).await.unwrap();
    let etag = res.headers()[header::ETAG].clone();
    let again = Request::get("/assets/board.js").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
    assert_eq!(h.app.clone().oneshot(again).await.unwrap().status(), StatusCode::NOT_MODIFIED);
}

both_backends!(typed_text, typed_text_stays_text);

/// Every item marked on its last option: 弃权 for each candidate, 不信任 for 范勇,
/// 弃权 on the report — what the spoiled ballots of the board-list test hold.
fn last_options(def: &BallotDef) -> PlainBallot {
    let marks = def
        .shape
        .contests
        .iter()
        .map(|c| c.items.iter().map(|i| (0..i.options).map(|o| u8::from(o + 1 == i.options)).collect()).collect())
        .collect();
    PlainBallot::marks(marks)
}

/// A receipt text (spec §12.11) for a cast or challenge answer of the server.
fn receipt_text(answer: &Value, fingerprint: &Fingerprint) -> Receipt {
    Receipt {
        kind: if answer["kind"] == "cast" { ReceiptKind::Cast } else { ReceiptKind::Spoiled },
        fingerprint: fingerprint.prefix(),
        position: answer["position"].as_u64().unwrap(),
        tracking: TrackingCode::parse(answer["tracking"].as_str().unwrap()).unwrap(),
        head: SignedHead {
            head: unb64(&answer["head"]).try_into().unwrap(),
            signature: unb64(&answer["signature"]).try_into().unwrap(),
        },
    }
}

/// Text as a page writes it: `& < > " '` as the entities the server's escaper writes.
fn entities(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The JSON of the `<script type="application/json" id="{id}">` element of a page.
fn page_json(page: &str, id: &str) -> Value {
    let start = page.find(&format!("id=\"{id}\">")).unwrap_or_else(|| panic!("no {id} in {page}")) + id.len() + 6;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

/// How many of a receipt card's checks passed, of four.
fn receipt_checks_passed(page: &str) -> usize {
    page.matches("data-ok=\"true\"").count()
}

/// Issue 13, item 6 and the board page's half of item 3: the board's list (page and
/// JSON, with paging and bad page numbers), spoiled entries opened to their marks
/// with the data the browser checks, the assets that check runs on, and receipts
/// checked on the board page (good ones, tampered ones, another poll's, malformed).
async fn board_list_and_receipts(store: Store) {
    let h = set_up_hall(&store).await;
    let key_shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &key_shares).await;
    let def = h.ballot().await;
    let (_, booth_def) =
        station_call(&h.app, &h.booth, Method::GET, &format!("/api/station/polls/{}/ballot", h.poll), None).await;
    let shares: Vec<[u8; 32]> =
        booth_def["public_shares"].as_array().unwrap().iter().map(|x| unb64(x).try_into().unwrap()).collect();
    let fingerprint =
        Fingerprint::of(&unb64(&booth_def["manifest"]), &unb64(&booth_def["joint_key"]).try_into().unwrap(), &shares);
    let entries = format!("/api/polls/{}/board/entries", h.poll);
    let list = format!("/polls/{}/board/list", h.poll);
    let board = format!("/polls/{}/board", h.poll);
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{st}");

    // An empty board has one empty page.
    let (status, empty, _) = call(&h.app, Method::GET, &entries, None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!((empty["size"].as_u64(), empty["pages"].as_u64(), &empty["entries"]), (Some(0), Some(1), &json!([])));
    let (status, html, _) = page(&h.app, &list, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("公告板上尚无选票。") && html.contains("第 1/1 页"), "{html}");

    // Five delegates; the first and the third challenge a ballot before they cast:
    // positions 0 and 3 are spoiled.
    let mut answers = Vec::new();
    for (k, card) in ["QS15-001", "QS15-002", "QS15-003", "QS15-004", "QS15-005"].into_iter().enumerate() {
        let cred = h.issue(&def, card).await.unwrap();
        let ctx = BallotContext { election: def.election, serial: cred.serial() };
        if k % 2 == 0 && k < 4 {
            let (ballot, opening) =
                encrypt_ballot(&def.shape, &def.key, &ctx, &last_options(&def), &mut rand::rng()).unwrap();
            let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes()),
                              "opening": b64(&opening.to_bytes())});
            let path = format!("/api/station/polls/{}/challenge", h.poll);
            let (status, a) = station_call(&h.app, &h.booth, Method::POST, &path, Some(body)).await;
            assert_eq!((status, a["kind"].as_str()), (StatusCode::OK, Some("spoiled")), "{a}");
            answers.push(a);
        }
        let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &marks(&def), &mut rand::rng()).unwrap();
        let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes())});
        let path = format!("/api/station/polls/{}/cast", h.poll);
        let (status, a) = station_call(&h.app, &h.booth, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{a}");
        answers.push(a);
    }
    let kinds: Vec<&str> = answers.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["spoiled", "cast", "cast", "spoiled", "cast", "cast", "cast"]);

    // The JSON list, three a page: every entry once, in order, with its code and kind.
    let mut listed = Vec::new();
    for p in 1..=3 {
        let (status, v, _) =
            call(&h.app, Method::GET, &format!("{entries}?page={p}&per_page=3"), None, None, "en").await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!((v["page"].as_u64(), v["per_page"].as_u64(), v["pages"].as_u64()), (Some(p), Some(3), Some(3)));
        assert_eq!(
            (v["size"].as_u64(), v["state"].as_str(), v["sealed"].as_bool()),
            (Some(7), Some("open"), Some(false))
        );
        listed.extend(v["entries"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(listed.len(), 7);
    for (k, (e, a)) in listed.iter().zip(&answers).enumerate() {
        assert_eq!((e["position"].as_u64(), &e["tracking"], &e["kind"]), (Some(k as u64), &a["tracking"], &a["kind"]));
    }
    let (_, whole, _) = call(&h.app, Method::GET, &entries, None, None, "en").await;
    assert_eq!((whole["per_page"].as_u64(), whole["pages"].as_u64()), (Some(50), Some(1)));
    assert_eq!(whole["entries"].as_array().unwrap(), &listed);

    // Bad page numbers, in the JSON error schema and the request's language.
    let (status, err, _) = call(&h.app, Method::GET, &format!("{entries}?page=4&per_page=3"), None, None, "en").await;
    assert_eq!((status, code(&err)), (StatusCode::NOT_FOUND, "page_out_of_range"), "{err}");
    assert_eq!(err["error"]["message"], "The board's list has 3 pages; there is no page 4.");
    let (status, err, _) = call(&h.app, Method::GET, &format!("{entries}?page=2"), None, None, "zh-CN").await;
    assert_eq!((status, code(&err)), (StatusCode::NOT_FOUND, "page_out_of_range"), "{err}");
    assert_eq!(err["error"]["message"], "公告板列表共 1 页，没有第 2 页。");
    for bad in ["page=0", "page=-1", "page=abc", "page=1.5", "page=%201", "page=", "per_page=0", "per_page=201"] {
        let (status, err, _) = call(&h.app, Method::GET, &format!("{entries}?{bad}"), None, None, "zh-CN").await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "page_malformed"), "{bad}: {err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("不正确"), "{bad}: {err}");
        assert_eq!(err.as_object().unwrap().len(), 1, "only the error object: {err}");
    }
    let (_, err, _) = call(&h.app, Method::GET, &format!("{entries}?page=abc"), None, None, "en").await;
    assert_eq!(err["error"]["message"], "The page number is malformed: “abc” is not a page number (1, 2, 3 …).");
    let (status, err, _) = call(&h.app, Method::GET, "/api/polls/999999/board/entries", None, None, "en").await;
    assert_eq!((status, code(&err)), (StatusCode::NOT_FOUND, "not_found"), "{err}");

    // The list page: Chinese first, rows by position from 1, spoiled ones linking to
    // what they held, and a pager.
    let (status, html, _) = page(&h.app, &format!("{list}?per_page=3"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("公告板全部条目") && html.contains("第一次投票"));
    assert!(html.contains("第 1/3 页：第 1 至 3 条（共 7 条）"), "{html}");
    let first = answers[0]["tracking"].as_str().unwrap();
    assert!(html.contains(&format!(
        "<tr class=\"spoiled\" id=\"entry-1\"><td class=\"n\">1</td><td><a class=\"code\" href=\"/polls/{}/board?lang=zh-CN&amp;code={first}\">{first}</a></td><td class=\"kind\">核验作废</td>",
        h.poll
    )), "{html}");
    assert!(html.contains(&format!("code={first}#spoiled-0\">查看所加密的内容</a>")), "{html}");
    assert!(html.contains("<td class=\"kind\">投出</td>") && !html.contains("id=\"entry-4\""), "{html}");
    assert!(html.contains("<span class=\"off\" id=\"prev-page\" aria-disabled=\"true\">‹ 上一页</span>"), "{html}");
    assert!(
        html.contains("<a id=\"next-page\" rel=\"next\" href=\"?lang=zh-CN&amp;page=2&amp;per_page=3\">下一页 ›</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a id=\"last-page\" rel=\"last\" href=\"?lang=zh-CN&amp;page=3&amp;per_page=3\">"),
        "{html}"
    );
    assert!(!html.contains("{{") && !html.contains("<script"), "filled, and no script");
    let (status, en, cookie) = page(&h.app, &format!("{list}?lang=en&page=3&per_page=3"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cookie.unwrap().contains("hallvote_lang=en"));
    assert!(en.contains("Page 3 of 3: entry 7 (of 7)") && en.contains("id=\"entry-7\""), "{en}");
    assert!(en.contains("<span class=\"off\" id=\"next-page\" aria-disabled=\"true\">Next ›</span>"), "{en}");
    let (_, en2, _) = page(&h.app, &format!("{list}?lang=en&page=1&per_page=3"), None, "zh-CN").await;
    assert!(en2.contains(">spoiled (challenged)<") && en2.contains(">See what it held</a>"), "{en2}");
    let (status, bad, _) = page(&h.app, &format!("{list}?page=x%3Cb%3E"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("页码不正确：“x&lt;b&gt;”不是页码。") && bad.contains("回到第 1 页"), "{bad}");
    let (status, beyond, _) = page(&h.app, &format!("{list}?page=9"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(beyond.contains("公告板列表共 1 页，没有第 9 页。"), "{beyond}");
    // The board page links to the list.
    let (_, explorer, _) = page(&h.app, &board, None, "zh-CN").await;
    assert!(explorer.contains(&format!("href=\"/polls/{}/board/list?lang=zh-CN\"", h.poll)), "{explorer}");

    // A spoiled ballot looked up: its marks in words, the server's check, and the
    // data for the browser's check, which is a valid opening of the board's entry.
    let (status, spoiled, _) = page(&h.app, &format!("{board}?code={first}"), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{spoiled}");
    assert!(spoiled.contains("id=\"spoiled-0\"") && spoiled.contains("这张作废选票加密的内容"), "{spoiled}");
    assert!(spoiled.contains("服务器已核对这次揭示"), "{spoiled}");
    assert!(spoiled.contains("<caption>选举镇党委委员</caption>") && spoiled.contains("<caption>信任投票</caption>"));
    assert!(spoiled.contains("<tr><th scope=\"row\">张伟</th><td id=\"opening-0-0-"), "{spoiled}");
    assert_eq!(spoiled.matches("\">弃权</td>").count(), 4, "three candidates and the report: {spoiled}");
    assert!(spoiled.contains("<tr><th scope=\"row\">范勇</th><td id=\"opening-0-1-0\">不信任</td></tr>"), "{spoiled}");
    let item = format!("<tr><th scope=\"row\">{}</th><td id=\"opening-0-2-0\">弃权</td></tr>", entities(HOSTILE_ITEM));
    assert!(spoiled.contains(&item), "a name typed as markup is text: {spoiled}");
    assert!(!spoiled.contains("<img"), "{spoiled}");
    assert!(spoiled.contains("<script type=\"module\" src=\"/assets/spoiled-check.js\"></script>"));
    assert!(!spoiled.contains(" onload=") && !spoiled.contains(" onclick="), "no inline handlers");
    let data = page_json(&spoiled, "opening-data-0");
    assert_eq!((data["k"].as_u64(), data["position"].as_u64()), (Some(0), Some(0)));
    assert_eq!(unb64(&data["joint_key"]), unb64(&booth_def["joint_key"]));
    let proof = page_json(&spoiled, "proof-data");
    assert_eq!(data["entry"], proof["entries"][0]["entry"], "the entry whose inclusion the page checks");
    let selections = data["selections"].as_array().unwrap();
    assert_eq!(selections.len(), def.shape.selections());
    let plain = last_options(&def);
    for s in selections {
        let (c, i, o) = (s["contest"].as_u64().unwrap(), s["item"].as_u64().unwrap(), s["option"].as_u64().unwrap());
        let m = plain.marks[c as usize][i as usize][o as usize];
        assert_eq!(s["mark"].as_u64(), Some(u64::from(m)));
        let ct = Ciphertext::decode(&unb64(&s["ciphertext"])).unwrap();
        let r = hallvote_crypto::group::decode_scalar(&unb64(&s["nonce"])).unwrap();
        assert!(ct.is_opened_by(&def.key, u64::from(m), &r), "{s}");
        assert!(!ct.is_opened_by(&def.key, u64::from(1 - m), &r), "the other mark does not open it");
    }
    assert_eq!(data["contests"][0]["options"], json!(["赞成", "不赞成", "弃权"]));
    assert_eq!(data["contests"][0]["shape"]["cap"], json!({"option": 0, "max": 2}));
    let texts = page_json(&spoiled, "opening-texts");
    assert!(texts["ok"].as_str().unwrap().starts_with("已在本浏览器中核对：这张作废选票确实加密的是以下内容"));
    let (_, spoiled_en, _) = page(&h.app, &format!("{board}?code={first}&lang=en"), None, "zh-CN").await;
    assert!(spoiled_en.contains("What this spoiled ballot held") && spoiled_en.contains(">distrust</td>"));
    assert!(page_json(&spoiled_en, "opening-texts")["ok"].as_str().unwrap().starts_with("Checked in this browser: "));
    // A cast ballot opens to nothing.
    let cast_code = answers[1]["tracking"].as_str().unwrap();
    let (_, cast, _) = page(&h.app, &format!("{board}?code={cast_code}"), None, "zh-CN").await;
    assert!(!cast.contains("opening-data") && !cast.contains("spoiled-check.js"), "{cast}");

    // The scripts the check runs on.
    for (path, needle) in [
        ("/assets/spoiled-check.js", "import { ristretto255 } from \"/assets/noble-curves-2.4.0/ristretto255.js\";"),
        ("/assets/noble-curves-2.4.0/ristretto255.js", "export {\n  ristretto255\n};"),
    ] {
        let res = h.app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8", "{path}");
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(std::str::from_utf8(&body).unwrap().contains(needle), "{path}");
    }

    // Receipts, as the booth's QR code opens the page: each checks out.
    let receipts: Vec<Receipt> = answers.iter().map(|a| receipt_text(a, &fingerprint)).collect();
    let with_receipt =
        |r: &Receipt, extra: &str| format!("{board}?code={}&receipt={}{extra}", r.tracking, query_value(&r.to_text()));
    for r in [&receipts[0], &receipts[3], &receipts[6]] {
        let (status, html, _) = page(&h.app, &with_receipt(r, ""), None, "zh-CN").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("✔ 回执核对通过。"), "{html}");
        assert_eq!(receipt_checks_passed(&html), 4, "{html}");
        assert!(html.contains(&format!("公告板第 {} 条正是这张选票：追踪码 {}", r.position + 1, r.tracking)));
        assert!(html.contains(&format!("其选举指纹与本次投票的一致（{}）", fingerprint.short())), "{html}");
        assert!(html.contains("hallvote-verify 记录文件 --receipt 回执文本"), "{html}");
    }
    let (_, en, _) = page(&h.app, &with_receipt(&receipts[3], "&lang=en"), None, "zh-CN").await;
    assert!(
        en.contains("✔ The receipt checks out.") && en.contains("tracking code") && en.contains("spoiled (challenged)")
    );
    assert!(en.contains("hallvote-verify RECORD --receipt TEXT"), "{en}");
    // The URL as the QR code holds it (the receipt's colon not encoded), and the
    // language switch keeps the receipt.
    let raw = format!("{board}?code={}&receipt={}", receipts[4].tracking, receipts[4].to_text());
    let (status, html, _) = page(&h.app, &raw, None, "zh-CN").await;
    assert_eq!((status, receipt_checks_passed(&html)), (StatusCode::OK, 4), "{html}");
    assert!(html.contains(&format!("receipt={}", query_value(&receipts[4].to_text()))), "the English link keeps it");

    // Tampered receipts: each claim that does not hold is named.
    let mut other_fp = receipts[4];
    other_fp.fingerprint[0] ^= 1;
    let mut moved = receipts[4];
    moved.position = 2;
    let mut other_kind = receipts[4];
    other_kind.kind = ReceiptKind::Spoiled;
    let mut forged = receipts[4];
    forged.head.head[20] ^= 1;
    let cases = [
        (other_fp, "回执不属于本次投票", 3),
        (
            moved,
            &*format!(
                "公告板第 3 条的追踪码是 {}，不是回执上的 {}。",
                answers[2]["tracking"].as_str().unwrap(),
                receipts[4].tracking
            ),
            3,
        ),
        (other_kind, "公告板第 5 条的追踪码相符，但不是回执所说的“核验作废”。", 3),
        (forged, "不延续回执的树头：由前 5 条重算的根哈希与回执上的不同", 2),
    ];
    for (r, said, passed) in cases {
        let (status, html, _) = page(&h.app, &with_receipt(&r, ""), None, "zh-CN").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("✘ 回执核对未通过。") && html.contains(said), "{said}: {html}");
        assert_eq!(receipt_checks_passed(&html), passed, "{said}: {html}");
    }
    assert!(receipts[4].to_text() != forged.to_text());

    // A receipt of this poll on another poll's board page.
    let (status, p2, _) = call(
        &h.app,
        Method::POST,
        &format!("/api/sessions/{}/polls", h.session),
        Some(&h.org),
        Some(poll_definition()),
        "zh-CN",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p2}");
    let other = format!("/polls/{}/board?receipt={}", p2["id"], query_value(&receipts[4].to_text()));
    let (status, html, _) = page(&h.app, &other, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("回执不属于本次投票") && html.contains("✘ 回执核对未通过。"), "{html}");
    assert!(html.contains("公告板只有 0 条，少于回执树头的 5 条"), "{html}");
    assert_eq!(receipt_checks_passed(&html), 0, "{html}");

    // Malformed receipts: a clear message in the page's language, and 400.
    let text = receipts[4].to_text();
    for (bad, zh, en) in [
        ("hello".to_owned(), "回执文本应以 HVRCPT1: 开头", "its text starts with HVRCPT1:"),
        (text[..text.len() - 1].to_owned(), "有字符缺失、多余或抄错", "one is missing, extra or mistyped"),
        (format!("{}U", &text[..text.len() - 1]), "有字符缺失、多余或抄错", "one is missing, extra or mistyped"),
    ] {
        let path = format!("{board}?receipt={}", query_value(&bad));
        let (status, html, _) = page(&h.app, &path, None, "zh-CN").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(html.contains("<p class=\"message\">回执格式不正确：") && html.contains(zh), "{bad}: {html}");
        assert!(!html.contains("id=\"receipt\""), "no check of what is not a receipt");
        let (_, html, _) = page(&h.app, &format!("{path}&lang=en"), None, "zh-CN").await;
        assert!(html.contains("The receipt is malformed: ") && html.contains(en), "{bad}: {html}");
    }

    // Sealed: the final head extends every receipt.
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/close", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let (_, html, _) = page(&h.app, &with_receipt(&receipts[0], ""), None, "zh-CN").await;
    assert!(html.contains("公告板最终签名树头（已封存）（7 条）延续回执的树头（1 条）"), "{html}");
    assert_eq!(receipt_checks_passed(&html), 4, "{html}");
    let (_, v, _) = call(&h.app, Method::GET, &entries, None, None, "en").await;
    assert_eq!((v["state"].as_str(), v["sealed"].as_bool()), (Some("closed"), Some(true)));
    let (_, html, _) = page(&h.app, &list, None, "zh-CN").await;
    assert!(html.contains("公告板已封存，不再增加条目。"), "{html}");
}

both_backends!(board_list, board_list_and_receipts);

/// The hall display page's data block, which its script lays out.
fn display_data(page: &str) -> Value {
    let start = page.find(r#"id="display-data">"#).unwrap() + r#"id="display-data">"#.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}
