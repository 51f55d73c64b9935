//! The printable result sheet (RULES R14) of worked example 3, as HTML and as PDF.
//!
//! The PDF tests need a CJK font (Debian package `fonts-wqy-microhei`) and poppler's
//! `pdftoppm` and `pdftotext` (Debian package `poppler-utils`). Without them they fail,
//! naming the package: they never skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use hallvote_server::sheet::{self, Fonts, SheetError, SheetHeading, Signer, Signers};
use hallvote_tally::count::PollResult;
use hallvote_tally::scenario::Scenario;
use hallvote_tally::text::Lang;

/// RULES worked example 3: expected 100, present 83, issued 83, returned 83, 2 invalid;
/// 9 seats, 11 candidates; ten pass (≥ 42), A–H take 8 seats, I and J tie for the ninth.
/// (The against-votes are those of tests/data/count/example3-runoff.json.)
fn example3_json(returned: u32) -> String {
    let votes = [
        ("A", 80, 1),
        ("B", 78, 2),
        ("C", 75, 3),
        ("D", 70, 5),
        ("E", 66, 10),
        ("F", 60, 15),
        ("G", 55, 20),
        ("H", 50, 25),
        ("I", 45, 30),
        ("J", 45, 30),
        ("K", 30, 40),
    ];
    let candidates: Vec<_> =
        votes.iter().map(|(n, f, a)| serde_json::json!({ "name": n, "for": f, "against": a })).collect();
    serde_json::json!({
        "poll": "选举镇党委委员",
        "session": "中国共产党青石镇第十五届代表大会第三次会议",
        "date": "2024年3月15日",
        "place": "青石镇人民政府大会议室",
        "ruleset": "township-2020",
        "expected": 100, "present": 83, "issued": 83, "returned": returned, "invalid": 2,
        "contests": [{
            "id": "committee", "title": "镇党委委员", "type": "election", "kind": "competitive",
            "seats": 9, "candidates": candidates
        }]
    })
    .to_string()
}

fn count(json: &str) -> (PollResult, SheetHeading) {
    let scenario = Scenario::from_json(json).unwrap();
    let result = scenario.count(&scenario.ruleset().unwrap()).unwrap();
    let heading = SheetHeading {
        session: scenario.session.clone(),
        poll: scenario.poll.clone(),
        date: scenario.date.clone(),
        place: scenario.place.clone(),
        ruleset: String::new(),
        fingerprint: String::new(),
    };
    (result, heading)
}

fn example3() -> (PollResult, SheetHeading) {
    count(&example3_json(83))
}

fn signers() -> Signers {
    Signers {
        scrutineers: vec![Signer::signed("王晓冬"), Signer::new("刘刚"), Signer::new("孙菊")],
        counters: vec![Signer::new("贺艳"), Signer::new("赵敏")],
    }
}

/// The cells of a `votes` or `figures` row as the page writes them.
fn row(cells: &[(&str, &str)]) -> String {
    cells.iter().map(|(class, text)| format!("<td class=\"{class}\">{text}</td>")).collect()
}

#[test]
fn html_of_example_3_has_every_figure_outcome_and_signature_line() {
    let (result, heading) = example3();
    assert_eq!((result.threshold, result.elected.len()), (42, 8), "the example itself");
    let html = sheet::html(&result, &heading, &signers(), Lang::ZhCn);

    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"zh-CN\">"));
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sheet.css")).unwrap();
    assert!(css.contains("@page { size: A4;"), "printable on A4");
    for text in ["计票结果报告单", &heading.session, &heading.poll, &heading.date, &heading.place] {
        assert!(html.contains(text), "{text}");
    }
    assert!(html.contains(&format!("township-2020<br>SHA-256 {}", result.ruleset.sha256)));

    // Expected, present, issued, returned, valid, invalid, in that order.
    let figures = ["100", "83", "83", "83", "81", "2"].map(|n| ("c", n));
    assert!(html.contains(&row(&figures)), "figures row");
    for h in ["应到", "实到", "发出选票", "收回选票", "有效票", "无效票"] {
        assert!(html.contains(&format!("<th scope=\"col\">{h}</th>")), "{h}");
    }

    // Every candidate in stroke order with for / against / abstain and outcome.
    let rows = [
        ("A", "80", "1", "0", "当选"),
        ("B", "78", "2", "1", "当选"),
        ("C", "75", "3", "3", "当选"),
        ("D", "70", "5", "6", "当选"),
        ("E", "66", "10", "5", "当选"),
        ("F", "60", "15", "6", "当选"),
        ("G", "55", "20", "6", "当选"),
        ("H", "50", "25", "6", "当选"),
        ("I", "45", "30", "6", "并列，再次投票"),
        ("J", "45", "30", "6", "并列，再次投票"),
        ("K", "30", "40", "11", "未当选"),
    ];
    let mut at = 0;
    for (name, f, a, ab, outcome) in rows {
        let cells = row(&[("l", name), ("r", f), ("r", a), ("r", ab), ("c", outcome)]);
        let strong = if outcome == "当选" { "<tr class=\"strong\">" } else { "<tr>" };
        let pos = html[at..].find(&format!("{strong}{cells}</tr>")).unwrap_or_else(|| panic!("row {name}"));
        at += pos + 1;
    }

    assert!(html.contains("<p class=\"strong\">当选（按姓氏笔画为序）：A、B、C、D、E、F、G、H</p>"));
    assert!(html.contains("并列：I、J 赞成票均为 45，并列第 9 名"), "the runoff between I and J");
    assert!(html.contains("仅在并列者中再次投票"));
    assert!(html.contains("<p>缺额：无</p>") && html.contains("另选他人：无"));
    assert!(html.contains("当选须获赞成票不少于 42 票"));
    assert!(html.contains("I：赞成票 45，超过实到会人数 83 的半数，与他人得票相等并列于最后名额，须再次投票"));

    // One line to sign per scrutineer and counter, the electronic signature marked.
    assert_eq!(html.matches("<tr class=\"tall\">").count(), 5);
    for (role, name) in
        [("监票人", "王晓冬"), ("监票人", "刘刚"), ("监票人", "孙菊"), ("计票人", "贺艳"), ("计票人", "赵敏")]
    {
        let cells = row(&[("l label", role), ("l", name), ("l", "")]);
        assert!(html.contains(&format!("<tr class=\"tall\">{cells}")), "{role} {name}");
    }
    assert_eq!(html.matches("已电子签名").count(), 1);

    // Nothing from elsewhere and nothing run: one style sheet, from the server that
    // serves the page (no inline style, for the strict CSP).
    for x in ["http:", "https:", "src=", "<script", "<style", "style=", "@import", "url("] {
        assert!(!html.contains(x), "external, inline or active content: {x}");
    }
    assert_eq!(html.matches("<link").count(), 1);
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/assets/sheet.css\">"));
    assert_eq!(hallvote_protocol::web::inline_code(&html), None);
}

#[test]
fn html_in_english() {
    let (result, heading) = example3();
    let html = sheet::html(&result, &heading, &signers(), Lang::En);
    assert!(html.contains("<html lang=\"en\">") && html.contains("<h1>Result sheet</h1>"));
    assert!(html.contains("Elected (stroke order): A, B, C, D, E, F, G, H"));
    assert!(html.contains("Tie: I, J tied on 45 for-votes"));
    assert!(html.contains("<th scope=\"col\">Against</th>") && html.contains("signed electronically"));
    assert!(!html.contains("当选（"), "no Chinese labels in the English sheet");
}

#[test]
fn html_escapes_every_name() {
    let json = example3_json(83)
        .replace("\"A\"", "\"<script>alert(1)</script>\"")
        .replace("\"B\"", r#""\"><img src=x onerror=alert(2)>""#)
        .replace("\"C\"", "\"<img src=x onerror=alert(1)>\"")
        .replace("镇党委委员\"", "镇党委委员</h2><script>x</script>\"");
    let (result, mut heading) = count(&json);
    heading.place = "<iframe src=//evil>".to_owned();
    heading.date = "a'b\"c<d>e&f".to_owned();
    let signers = Signers { scrutineers: vec![Signer::new("</td><script>y</script>")], counters: vec![] };
    let html = sheet::html(&result, &heading, &signers, Lang::ZhCn);
    for bad in ["<script", "<img", "<iframe", "</h2><"] {
        assert!(!html.contains(bad), "unescaped {bad}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("&lt;/td&gt;&lt;script&gt;y&lt;/script&gt;"));
    assert!(html.contains("&lt;iframe src=//evil&gt;"));
    assert!(html.contains("<td class=\"l\">&lt;img src=x onerror=alert(1)&gt;</td>"), "a candidate's name");
    assert!(html.contains("a&#39;b&quot;c&lt;d&gt;e&amp;f"), "every character that could end an attribute");
}

#[test]
fn unnamed_signers_get_blank_lines_and_a_void_poll_says_so() {
    // Worked example 5: returned 84 > issued 83 → void.
    let (result, heading) = count(&example3_json(84));
    assert!(!result.valid);
    let html = sheet::html(&result, &heading, &Signers::default(), Lang::ZhCn);
    assert!(html.contains("<div class=\"alert\" role=\"alert\">投票无效：收回选票 84 张，多于发出选票 83 张"));
    assert!(!html.contains("候选人（按姓氏笔画为序）"), "a void poll has no count");
    assert_eq!(html.matches("<tr class=\"tall\"><td class=\"l label\">监票人</td><td class=\"l\"></td>").count(), 2);
    assert_eq!(html.matches("<tr class=\"tall\"><td class=\"l label\">计票人</td><td class=\"l\"></td>").count(), 2);
}

#[test]
fn confidence_evaluation_and_motion_tables() {
    let json = r#"{
      "poll": "信任投票、民主评议和表决", "expected": 100, "present": 83, "issued": 83, "returned": 83,
      "contests": [
        { "title": "对镇党委委员的信任投票", "type": "confidence",
          "members": [{ "name": "孙菊", "trust": 20, "basic_trust": 20, "distrust": 42 }] },
        { "title": "对镇党委委员的民主评议", "type": "evaluation",
          "members": [{ "name": "王晓冬", "votes": { "优秀": 60, "称职": 15, "基本称职": 5, "不称职": 3 } }] },
        { "title": "表决", "type": "motion",
          "items": [{ "title": "关于镇纪委工作报告的决议", "for": 41, "against": 30 }] }
      ]
    }"#;
    let (result, heading) = count(json);
    let html = sheet::html(&result, &heading, &signers(), Lang::ZhCn);
    assert!(html.contains("<h2>一、对镇党委委员的信任投票</h2>"));
    assert!(html.contains(&row(&[
        ("l", "孙菊"),
        ("r", "20<br>24.10%"),
        ("r", "20<br>24.10%"),
        ("r", "42<br>50.60%"),
        ("c", "不信任")
    ])));
    assert!(html.contains("<h2>二、对镇党委委员的民主评议</h2>"));
    assert!(html.contains(&row(&[("l", "王晓冬"), ("r", "60<br>72.29%")])));
    assert!(html.contains("<h2>三、表决</h2>"));
    assert!(html.contains(&row(&[
        ("l", "关于镇纪委工作报告的决议"),
        ("r", "41"),
        ("r", "30"),
        ("r", "12"),
        ("c", "未通过")
    ])));
}

// ---------------------------------------------------------------------------------
// PDF

fn example3_pdf() -> Vec<u8> {
    let (result, heading) = example3();
    match sheet::pdf(&result, &heading, &signers(), Lang::ZhCn) {
        Ok(pdf) => pdf,
        Err(e) => panic!("{e} (this test needs the Debian package {})", sheet::FONT_PACKAGE),
    }
}

/// Runs a poppler tool; fails the test, naming the package, if it is not installed.
fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("{tool} not found: install the Debian package poppler-utils (apt-get install poppler-utils)")
        }
        Err(e) => panic!("{tool}: {e}"),
    }
}

#[test]
fn pdf_of_example_3_rasterises_and_has_the_text() {
    let pdf = example3_pdf();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 150_000, "the font is subset, not embedded whole: {} bytes", pdf.len());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sheet.pdf");
    std::fs::write(&file, &pdf).unwrap();

    let prefix = dir.path().join("page");
    let out = poppler("pdftoppm", &["-png".as_ref(), "-r".as_ref(), "50".as_ref(), file.as_ref(), prefix.as_ref()]);
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    assert!(!pngs.is_empty(), "no page rendered");
    for png in &pngs {
        assert!(std::fs::read(png).unwrap().starts_with(b"\x89PNG\r\n\x1a\n"), "{}", png.display());
    }

    let out = poppler("pdftotext", &["-enc".as_ref(), "UTF-8".as_ref(), file.as_ref(), "-".as_ref()]);
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for s in [
        "计票结果报告单",
        "中国共产党青石镇第十五届代表大会第三次会议",
        "83",
        "当选（按姓氏笔画为序）：A、B、C、D、E、F、G、H",
    ] {
        assert!(text.contains(s), "{s:?} not in the PDF's text:\n{text}");
    }
    assert!(text.contains("并列：I、J 赞成票均为 45"), "runoff");
    for name in ["王晓冬", "刘刚", "孙菊", "贺艳", "赵敏", "已电子签名"] {
        assert!(text.contains(name), "{name}");
    }
}

#[test]
fn pdf_is_the_same_bytes_for_the_same_result() {
    assert_eq!(example3_pdf(), example3_pdf(), "no clock or random ids in the PDF");
}

#[test]
fn pdf_in_english() {
    let (result, heading) = example3();
    let pdf = sheet::pdf(&result, &heading, &signers(), Lang::En).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_ne!(pdf, example3_pdf());
}

#[test]
fn pdf_fonts_that_cannot_be_used_are_named() {
    let (result, heading) = example3();
    let err = Fonts::from_paths(["/nonexistent/hallvote.ttc"]).unwrap_err();
    assert!(matches!(&err, SheetError::FontUnusable { path, .. } if path == Path::new("/nonexistent/hallvote.ttc")));

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.ttf");
    std::fs::write(&junk, b"not a font at all").unwrap();
    let fonts = Fonts::from_paths([&junk]).unwrap();
    let err = sheet::pdf_with(&result, &heading, &signers(), Lang::ZhCn, &fonts).unwrap_err();
    assert!(matches!(&err, SheetError::FontUnusable { path, .. } if *path == junk), "{err}");
    assert!(err.text().zh.contains("无法使用"));
}

#[test]
fn pdf_refuses_a_name_the_fonts_cannot_print() {
    // A font without Chinese glyphs (DejaVu, or whatever Latin font is found) cannot print
    // the sheet: the first character it lacks is named.
    let Some(latin) = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"].into_iter().find(|p| Path::new(p).is_file())
    else {
        panic!("this test needs /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (Debian package fonts-dejavu-core)");
    };
    let (result, heading) = example3();
    let fonts = Fonts::from_paths([latin]).unwrap();
    let err = sheet::pdf_with(&result, &heading, &signers(), Lang::ZhCn, &fonts).unwrap_err();
    let SheetError::MissingGlyph { character, fonts } = err else { panic!("{err}") };
    assert!(u32::from(character) >= 0x3000, "a Chinese character or punctuation mark: {character:?}");
    assert_eq!(fonts, [Path::new(latin)]);
}

#[test]
fn pdf_prints_every_counted_fixture() {
    // Every reason the tally writes must be printable in the default font; only a name
    // outside the font (𠮷, U+20BB7, in write-ins.json) may be refused, and is named.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/count");
    let mut printed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(scenario) = Scenario::from_json(&std::fs::read_to_string(&path).unwrap()) else { continue };
        let Ok(result) = scenario.ruleset().and_then(|r| scenario.count(&r)) else { continue };
        let heading = SheetHeading { session: scenario.session.clone(), ..SheetHeading::default() };
        for lang in [Lang::ZhCn, Lang::En] {
            match sheet::pdf(&result, &heading, &signers(), lang) {
                Ok(pdf) => {
                    assert!(pdf.starts_with(b"%PDF-"));
                    printed += 1;
                }
                Err(SheetError::MissingGlyph { character: '𠮷', .. }) => {}
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
    }
    assert!(printed >= 20, "only {printed} sheets printed");
}

// ---------------------------------------------------------------------------------
// Issue 16, item 11: the signatures with the result, dates and words.

/// An election of 6 candidates for `seats` seats, held on a date as the console's
/// date picker gives it.
fn six_candidates_json(seats: u32) -> String {
    let votes =
        [("王芳", 70, 5), ("李娜", 66, 10), ("张伟", 60, 15), ("刘洋", 55, 20), ("陈静", 50, 25), ("杨磊", 30, 40)];
    election_json(seats, &votes)
}

/// An election for `seats` seats with these (name, for, against), on a picker's date.
fn election_json(seats: u32, votes: &[(&str, u32, u32)]) -> String {
    let candidates: Vec<_> =
        votes.iter().map(|(n, f, a)| serde_json::json!({ "name": n, "for": f, "against": a })).collect();
    serde_json::json!({
        "poll": "选举镇纪委委员",
        "session": "中国共产党青石镇第十五届代表大会第三次会议",
        "date": "2026-12-02",
        "place": "青石镇人民政府大会议室",
        "ruleset": "township-2020",
        "expected": 100, "present": 83, "issued": 83, "returned": 83, "invalid": 2,
        "contests": [{
            "id": "discipline", "title": "镇纪委委员", "type": "election", "kind": "competitive",
            "seats": seats, "candidates": candidates
        }]
    })
    .to_string()
}

/// The text of each page of a PDF, by pdftotext.
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sheet.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = poppler("pdftotext", &["-enc".as_ref(), "UTF-8".as_ref(), file.as_ref(), "-".as_ref()]);
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    // pdftotext ends each page with a form feed.
    let text = String::from_utf8(out.stdout).unwrap();
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect()
}

#[test]
fn a_six_candidate_election_is_signed_on_the_page_of_its_result() {
    let (result, mut heading) = count(&six_candidates_json(5));
    heading.fingerprint = "HV1-7Q2M-K9XD-4TRE-WB8N".to_owned();
    for (lang, signatures, outcome, table) in [
        (Lang::ZhCn, "监票人、计票人签名", "当选（按姓氏笔画为序）", "候选人（按姓氏笔画为序）"),
        (Lang::En, "Signatures of scrutineers and counters", "Elected (stroke order)", "Candidate (stroke order)"),
    ] {
        let pdf = sheet::pdf(&result, &heading, &signers(), lang)
            .unwrap_or_else(|e| panic!("{e} (this test needs the Debian package {})", sheet::FONT_PACKAGE));
        let pages = pages_text(&pdf);
        let page = pages.iter().position(|p| p.contains(signatures)).expect("the signatures are printed");
        let with = &pages[page];
        assert!(
            with.contains(outcome) && with.contains(table),
            "{lang:?}: the signatures' page {} of {}:\n{with}",
            page + 1,
            pages.len()
        );
        for name in ["王晓冬", "赵敏"] {
            assert!(with.contains(name), "{lang:?}: every signer on that page");
        }
    }
}

#[test]
fn the_signatures_never_stand_alone_even_when_the_sheet_runs_over() {
    // Example 3 (11 candidates) with long reasons runs to two pages; whatever moves to
    // the second, the outcome in words goes with the signatures.
    let (result, heading) = example3();
    let signers = Signers {
        scrutineers: (1..=5).map(|i| Signer::new(format!("监票人{i}"))).collect(),
        counters: (1..=3).map(|i| Signer::new(format!("计票人{i}"))).collect(),
    };
    let pdf = sheet::pdf(&result, &heading, &signers, Lang::ZhCn).unwrap();
    let pages = pages_text(&pdf);
    assert!(pages.len() >= 2, "the test wants a sheet that runs over: {} page", pages.len());
    let with = pages.iter().find(|p| p.contains("监票人、计票人签名")).unwrap();
    assert!(with.contains("当选（按姓氏笔画为序）"), "{with}");
}

#[test]
fn a_pickers_date_is_written_out_in_each_language() {
    let (result, heading) = count(&six_candidates_json(5));
    assert_eq!(heading.date, "2026-12-02");
    let zh = sheet::html(&result, &heading, &signers(), Lang::ZhCn);
    assert!(zh.contains("<td class=\"l\">2026年12月2日</td>"), "{zh}");
    let en = sheet::html(&result, &heading, &signers(), Lang::En);
    assert!(en.contains("<td class=\"l\">2 December 2026</td>"), "{en}");
    for html in [&zh, &en] {
        assert!(!html.contains("2026-12-02"));
    }
    let pdf = pages_text(&sheet::pdf(&result, &heading, &signers(), Lang::ZhCn).unwrap()).concat();
    assert!(pdf.contains("2026年12月2日"), "{pdf}");
}

#[test]
fn seats_are_counted_in_plain_english() {
    let (five, heading) = count(&six_candidates_json(5));
    let en = sheet::html(&five, &heading, &signers(), Lang::En);
    assert!(en.contains(", 5 seats)</h2>"), "{en}");
    let (one, heading) = count(&election_json(1, &[("王芳", 50, 20), ("李娜", 30, 40)]));
    let en = sheet::html(&one, &heading, &signers(), Lang::En);
    assert!(en.contains(", 1 seat)</h2>"), "{en}");
    for html in [&en, &sheet::html(&five, &heading, &signers(), Lang::En)] {
        assert!(!html.contains("seat(s)"), "{html}");
    }
}
