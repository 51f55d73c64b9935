//! `hallvote count`: every worked example of RULES.md and the edge cases of the counting
//! rules, through the binary, asserting its JSON output and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/count").join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hallvote")).arg("count").args(args).output().unwrap()
}

/// Runs `hallvote count FILE --json ARGS…`, expects success, returns the JSON.
fn count_json(file: &Path, args: &[&str]) -> Value {
    let mut all = vec![file.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(out.status.success(), "{file:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect()
}

/// Writes a scenario to the target's temp dir (for the parametric cases).
fn scenario(name: &str, v: &Value) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("count-{name}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    path
}

#[test]
fn example_1_quorum_80_of_100_under_both_rulesets() {
    let file = data("example1-quorum.json");
    let v = count_json(&file, &[]);
    assert_eq!(v["ruleset"]["name"], "township-2020");
    assert_eq!(v["quorum_met"], true);
    assert_eq!(v["valid"], true);
    assert_eq!(names(&v["elected"]), ["王晓冬"]);
    let old = count_json(&file, &["--ruleset", "township-1990"]);
    assert_eq!(old["ruleset"]["name"], "township-1990");
    assert_eq!(old["quorum_met"], false, "needs 81");
    assert_eq!(old["valid"], false);
    assert!(old["void_reason"].as_str().unwrap().contains("不足法定人数"));
    assert_eq!(names(&old["elected"]), Vec::<String>::new());
}

#[test]
fn example_2_more_than_half_of_present() {
    let v83 = count_json(&data("example2-present83.json"), &[]);
    assert_eq!(v83["threshold"], 42);
    assert_eq!(names(&v83["elected"]), ["王海", "孔平"], "42 of 83 passes; stroke order 王 4 横, 孔 4 折");
    let v84 = count_json(&data("example2-present84.json"), &[]);
    assert_eq!(v84["threshold"], 43);
    assert_eq!(names(&v84["elected"]), ["孔平"], "42 of 84 is exactly half: fails; 43 passes");
    assert_eq!(v84["unfilled_seats"], 1);
    let wang = &v84["contests"][0]["candidates"].as_array().unwrap().iter().find(|c| c["name"] == "王海").unwrap();
    assert_eq!(wang["reason"], "赞成票 42，未超过实到会人数 84 的半数，未当选");
    let en = count_json(&data("example2-present84.json"), &["--lang", "en"]);
    let wang = en["contests"][0]["candidates"].as_array().unwrap().iter().find(|c| c["name"] == "王海").unwrap();
    assert_eq!(wang["reason"], "42 for-votes, not more than half of the 84 present: not elected");
}

#[test]
fn example_3_tie_at_the_cut_off_goes_to_a_runoff() {
    let v = count_json(&data("example3-runoff.json"), &[]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["void_reason"], Value::Null);
    assert_eq!(v["quorum_met"], true);
    assert_eq!((v["valid_ballots"].clone(), v["invalid_ballots"].clone()), (json!(81), json!(2)));
    assert_eq!(v["threshold"], 42);
    assert_eq!(names(&v["elected"]), ["A", "B", "C", "D", "E", "F", "G", "H"]);
    assert_eq!(v["runoff"]["seats"], 1);
    assert_eq!(names(&v["runoff"]["candidates"]), ["I", "J"]);
    assert_eq!(v["unfilled_seats"], 0);
    let passed =
        v["contests"][0]["candidates"].as_array().unwrap().iter().filter(|c| c["passed_threshold"] == true).count();
    assert_eq!(passed, 10);
}

#[test]
fn example_4_shortfall_leaves_seats_unfilled() {
    let v = count_json(&data("example4-shortfall.json"), &[]);
    assert_eq!(names(&v["elected"]), ["A", "B", "C", "D", "E", "F", "G"]);
    assert_eq!(v["unfilled_seats"], 2);
    assert_eq!(v["runoff"], Value::Null);
    let c = &v["contests"][0];
    let h = c["candidates"].as_array().unwrap().iter().find(|c| c["name"] == "H").unwrap();
    assert_eq!(h["status"], "not_elected", "H is not elected on plurality");
    assert_eq!(names(&c["separate_election"]["candidates"]), ["H", "I", "J", "K"]);
    assert_eq!(c["separate_election"]["seats"], 2);
}

#[test]
fn example_5_more_returned_than_issued_is_void() {
    let v = count_json(&data("example5-void.json"), &[]);
    assert_eq!(v["valid"], false);
    assert_eq!(v["void_reason"], "收回选票 84 张，多于发出选票 83 张，选举无效，应重新选举");
    assert_eq!(names(&v["elected"]), Vec::<String>::new());
    assert_eq!(v["runoff"], Value::Null);
    let en = count_json(&data("example5-void.json"), &["--lang", "en"]);
    assert!(en["void_reason"].as_str().unwrap().contains("void and must be re-run"));
    let sheet = run(&[data("example5-void.json").to_str().unwrap()]);
    assert!(sheet.status.success());
    assert!(String::from_utf8(sheet.stdout).unwrap().contains("★ 投票无效"));
}

fn margin_scenario(seats: u32, candidates: u32) -> Value {
    let list: Vec<Value> =
        (0..candidates).map(|i| json!({"name": format!("候选人{i}"), "for": 0, "against": 0})).collect();
    json!({"expected": 100, "present": 90, "issued": 90, "returned": 90,
           "contests": [{"title": "委员", "type": "election", "seats": seats, "candidates": list}]})
}

#[test]
fn candidate_margin_edges() {
    for (seats, needed) in [(5, 6), (9, 11), (7, 9), (1, 2)] {
        let ok = scenario(&format!("margin-{seats}-{needed}"), &margin_scenario(seats, needed));
        assert!(run(&[ok.to_str().unwrap(), "--json"]).status.success(), "{seats} seats, {needed} candidates");
        let short = scenario(&format!("margin-{seats}-{}", needed - 1), &margin_scenario(seats, needed - 1));
        let out = run(&[short.to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(2), "{seats} seats, {} candidates", needed - 1);
        assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("不足 {needed} 名")));
    }
    let out = run(&[data("bad-margin.json").to_str().unwrap(), "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs at least 6 candidates"));
}

#[test]
fn county_counts_from_expected() {
    let v = count_json(&data("county-base.json"), &[]);
    assert_eq!(v["ruleset"]["name"], "county");
    assert_eq!(v["threshold"], 51, "more than half of 100 expected");
    assert_eq!(names(&v["elected"]), ["范勇"]);
    assert_eq!(v["unfilled_seats"], 1);
    let t = count_json(&data("county-base.json"), &["--ruleset", "township-2020"]);
    assert_eq!(t["threshold"], 42);
    assert_eq!(names(&t["elected"]), ["范勇", "郭红"]);
}

#[test]
fn confidence_evaluation_and_motions() {
    let v = count_json(&data("session-votes.json"), &[]);
    assert_eq!(v["elected"], json!([]));
    let c = &v["contests"];
    let outcomes = |i: usize| -> Vec<String> {
        c[i]["members"].as_array().unwrap().iter().map(|m| m["outcome"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(c[0]["type"], "confidence");
    assert_eq!(outcomes(0), ["信任", "报上级党委跟踪了解", "不信任", "信任"]);
    assert_eq!(c[0]["members"][0]["counts"][0]["votes"], 70);
    assert_eq!(c[0]["members"][0]["counts"][0]["percent"], "84.34");
    assert_eq!(c[1]["type"], "evaluation");
    assert_eq!(outcomes(1), ["优秀", "称职", "不称职", "基本称职"]);
    assert_eq!(c[2]["type"], "motion");
    let passed: Vec<bool> = c[2]["items"].as_array().unwrap().iter().map(|i| i["passed"].as_bool().unwrap()).collect();
    assert_eq!(passed, [true, false, true], "80 and 42 of 83 pass; 41 does not");
    assert_eq!(c[2]["items"][1]["abstain"], 12, "abstain derived: 83 − 41 − 30");
}

#[test]
fn motions_with_two_thirds() {
    let file = data("motions-two-thirds.json");
    let default = count_json(&file, &[]);
    let passed = |v: &Value, i: usize| -> Vec<bool> {
        v["contests"][i]["items"].as_array().unwrap().iter().map(|i| i["passed"].as_bool().unwrap()).collect()
    };
    assert_eq!(passed(&default, 0), [true, true]);
    let rules = data("ruleset-two-thirds.json");
    let two = count_json(&file, &["--ruleset", rules.to_str().unwrap()]);
    assert_eq!(two["ruleset"]["name"], "assembly-two-thirds");
    assert_eq!(two["ruleset"]["sha256"].as_str().unwrap().len(), 64);
    assert_ne!(two["ruleset"]["sha256"], default["ruleset"]["sha256"]);
    assert_eq!(two["contests"][0]["threshold"], 56, "two thirds of 84");
    assert_eq!(passed(&two, 0), [true, false]);
    let own = count_json(&data("motions-own-rule.json"), &[]);
    assert_eq!(passed(&own, 0), [true], "55 of 84: more than half");
    assert_eq!(passed(&own, 1), [true, false], "the contest's own two-thirds rule");
}

#[test]
fn blank_ballots_are_valid_and_abstain() {
    let v = count_json(&data("blank-ballots.json"), &[]);
    assert_eq!(v["valid_ballots"], 83);
    let cand = &v["contests"][0]["candidates"][0];
    assert_eq!((cand["name"].clone(), cand["abstain"].clone()), (json!("马志"), json!(8)));
    assert_eq!(v["contests"][1]["items"][0]["abstain"], 8);
    let all = count_json(&data("all-blank.json"), &[]);
    assert_eq!((all["valid"].clone(), all["valid_ballots"].clone()), (json!(true), json!(83)));
    assert_eq!(all["elected"], json!([]));
    assert_eq!(all["unfilled_seats"], 1);
    assert_eq!(names(&all["contests"][0]["separate_election"]["candidates"]), ["马志", "蔡国国"]);
}

#[test]
fn write_ins_and_stroke_order_of_the_elected() {
    let v = count_json(&data("write-ins.json"), &[]);
    // 上 3 strokes, 欧 8, 诸 10; the write-in 上官超秋 has 45 > 41.5.
    assert_eq!(names(&v["elected"]), ["上官超秋", "欧阳华", "诸葛伟"]);
    let order: Vec<String> = v["contests"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, ["司马红燕", "𠮷华", "欧阳华", "诸葛伟"], "司 5, 𠮷 6, 欧 8, 诸 10");
    let w = &v["contests"][0]["write_ins"];
    assert_eq!(
        (w[0]["name"].clone(), w[0]["votes"].clone(), w[0]["status"].clone()),
        (json!("上官超秋"), json!(45), json!("elected"))
    );
    assert_eq!(w[1]["votes"], 2);
}

#[test]
fn text_sheet_in_both_languages() {
    let file = data("example3-runoff.json");
    let zh = String::from_utf8(run(&[file.to_str().unwrap()]).stdout).unwrap();
    for needle in [
        "计票结果报告单",
        "township-2020",
        "有效票 81 张，无效票 2 张",
        "当选（按姓氏笔画为序）：A、B",
        "监票人（签名）",
    ] {
        assert!(zh.contains(needle), "{needle}\n{zh}");
    }
    let en = String::from_utf8(run(&[file.to_str().unwrap(), "--lang", "en"]).stdout).unwrap();
    assert!(en.contains("RESULT SHEET") && en.contains("Elected (stroke order): A, B"), "{en}");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for (file, needle) in [
        ("bad-syntax.json", "场景文件格式错误"),
        ("bad-unknown-field.json", "seat"),
        ("bad-totals.json", "与有效票 83 张不符"),
        ("no-such-file.json", "无法读取"),
    ] {
        let out = run(&[data(file).to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(out.stdout.is_empty(), "{file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{file}: {err}");
    }
    let out = run(&[data("example3-runoff.json").to_str().unwrap(), "--ruleset", "township"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取"), "not built in, so read as a file");
    let mut s: Value = serde_json::from_slice(&std::fs::read(data("example3-runoff.json")).unwrap()).unwrap();
    s["ruleset"] = json!("township");
    let out = run(&[scenario("unknown-ruleset", &s).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("未知的规则集"));
    s["present"] = json!(101);
    let out = run(&[scenario("present-exceeds", &s).to_str().unwrap(), "--ruleset", "county", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("101 present is more than the 100 expected"));
    let out = run(&[data("example3-runoff.json").to_str().unwrap(), "--lang", "fr"]);
    assert_eq!(out.status.code(), Some(2), "clap usage error");
}

#[test]
fn documented_examples_count() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples");
    let two_thirds = dir.join("ruleset-two-thirds.json");
    let mut counted = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.starts_with("ruleset-") {
            continue;
        }
        let v = count_json(&path, &[]);
        assert_eq!(v["valid"], true, "{name}");
        let with_file = count_json(&path, &["--ruleset", two_thirds.to_str().unwrap(), "--lang", "en"]);
        assert_eq!(with_file["ruleset"]["name"], "assembly-two-thirds", "{name}");
        counted += 1;
    }
    assert_eq!(counted, 3, "the scenarios documented in docs/count.md");
}

/// Runs `hallvote count` on `v` written to a file, expects exit 2, returns stderr.
fn refused(name: &str, v: &Value, args: &[&str]) -> String {
    let path = scenario(name, v);
    let mut all = vec![path.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(2), "{name}: {}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "{name}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn election(candidates: &[&str], write_ins: Value) -> Value {
    let list: Vec<Value> = candidates.iter().map(|n| json!({"name": n, "for": 40, "against": 10})).collect();
    json!({"expected": 100, "present": 90, "issued": 90, "returned": 90,
           "contests": [{"id": "c", "title": "委员", "type": "election", "seats": 1,
                         "candidates": list, "write_ins": write_ins}]})
}

#[test]
fn names_are_counted_in_one_form_and_look_alikes_are_duplicates() {
    // U+F9E1 is the compatibility ideograph of 李: counted, shown and ordered as 李娜.
    let path = scenario("compat-ideograph", &election(&["\u{F9E1}娜", "王海"], json!({})));
    let v = count_json(&path, &[]);
    let shown: Vec<&str> =
        v["contests"][0]["candidates"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(shown, ["王海", "李娜"]);
    // The same name twice, once with the compatibility ideograph: a duplicate.
    let err = refused("look-alike", &election(&["李娜", "\u{F9E1}娜"], json!({})), &["--lang", "en"]);
    assert!(err.contains("appears twice"), "{err}");
    // A write-in that is a candidate once normalised is refused, as the same name is.
    let err = refused("look-alike-write-in", &election(&["李娜", "王海"], json!({"\u{F9E1}娜": 1})), &[]);
    assert!(err.contains("李娜") || err.contains("\u{F9E1}娜"), "{err}");
    // Two write-ins that are one name.
    let err = refused(
        "write-in-twice",
        &election(&["李娜", "王海"], json!({"王\u{2F800}": 1, "王丽": 1})),
        &["--lang", "en"],
    );
    assert!(err.contains("appears twice"), "{err}");
    // Invisible and control characters are refused with the contest and the character.
    for (bad, code) in
        [("李\u{200B}娜", "U+200B"), ("李\u{0}娜", "U+0000"), ("\u{FEFF}李娜", "U+FEFF"), ("李\u{202E}娜", "U+202E")]
    {
        let err = refused("invisible", &election(&[bad, "王海"], json!({})), &["--lang", "en"]);
        assert!(err.contains(code) && err.contains("c:"), "{bad:?}: {err}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut bytes = "\u{FEFF}".as_bytes().to_vec();
    bytes.extend(serde_json::to_vec(&election(&["李娜", "王海"], json!({}))).unwrap());
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("count-bom.json");
    std::fs::write(&path, bytes).unwrap();
    let v = count_json(&path, &[]);
    assert_eq!(v["valid"], true);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("count-too-large.json");
    let mut text = serde_json::to_string(&election(&["李娜", "王海"], json!({}))).unwrap();
    text.push_str(&" ".repeat(16 * 1024 * 1024));
    std::fs::write(&path, text).unwrap();
    let out = run(&[path.to_str().unwrap(), "--json", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than the limit of 16777216 (16 MiB)"), "{err}");
}

#[test]
fn invalid_over_returned_blames_the_figures_not_a_candidate() {
    // abstain left out: it cannot be derived, but what is wrong is invalid > returned.
    let mut v = election(&["李娜", "王海"], json!({}));
    v["invalid"] = json!(91);
    let err = refused("invalid-over-returned", &v, &[]);
    assert!(err.contains("无效票 91 张，多于收回选票 90 张"), "{err}");
    assert!(!err.contains("李娜") && !err.contains("王海"), "{err}");
}

/// A name for candidate `i` of 100,000, all distinct: one of 20 surnames (three of them
/// compound) and a given name of two or three characters spelling `i / 20` in the
/// base of the given-name characters.
fn generated_name(i: usize) -> String {
    const SURNAMES: [&str; 20] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "欧阳",
        "上官", "诸葛",
    ];
    const GIVEN: &str =
        "晓海平华明军建国红梅秋兰伟强磊洋勇艳杰娟涛超秀霞敏静丽刚桂英芳燕玲萍鹏斌宇浩凯俊峰波辉春雪飞亮";
    let given: Vec<char> = GIVEN.chars().collect();
    let mut k = i / SURNAMES.len();
    let width = if k < given.len() * given.len() { 2 } else { 3 };
    let mut name = SURNAMES[i % SURNAMES.len()].to_owned();
    let mut digits = Vec::new();
    for _ in 0..width {
        digits.push(given[k % given.len()]);
        k /= given.len();
    }
    name.extend(digits.iter().rev());
    name
}

#[test]
fn a_hundred_thousand_candidates_are_counted() {
    // Used to take quadratic time (64,000 candidates: 17 s), then was refused with the
    // server's poll limit (200 a contest); the file's size is the only limit now.
    assert_eq!(generated_name(0), "王晓晓");
    let n = 100_000;
    // 90 valid ballots, 5 seats: at most 450 for-votes in all. Five candidates have 80
    // each, the next 50 one each, the rest none; against and abstain vary.
    let winners = [0, 17, 25_003, 77_777, 99_999];
    let list: Vec<Value> = (0..n)
        .map(|i| {
            let for_votes = if winners.contains(&i) { 80 } else { u32::from((1000..1050).contains(&i)) };
            let against = u32::try_from(i % 10).unwrap();
            json!({"name": generated_name(i), "for": for_votes, "against": against, "abstain": 90 - for_votes - against})
        })
        .collect();
    let mut v = json!({"expected": 100, "present": 90, "issued": 90, "returned": 90,
                       "contests": [{"id": "big", "title": "委员", "type": "election", "seats": 5, "candidates": list}]});
    // Pretty-printed, one field to a line: about 12 MB, within the 16 MiB limit.
    let path = scenario("hundred-thousand", &v);
    let bytes = std::fs::metadata(&path).unwrap().len();
    assert!(bytes > 8 * 1024 * 1024 && bytes < 16 * 1024 * 1024, "{bytes} bytes");
    let out = count_json(&path, &[]);
    assert_eq!(out["valid"], true);
    assert_eq!(out["threshold"], 46, "more than half of 90 present");
    let mut elected = names(&out["elected"]);
    elected.sort();
    let mut expected: Vec<String> = winners.iter().map(|&i| generated_name(i)).collect();
    expected.sort();
    assert_eq!(elected, expected);
    let rows = out["contests"][0]["candidates"].as_array().unwrap();
    assert_eq!(rows.len(), n);
    // Every row is a candidate's own figures, whatever order they are listed in.
    let by_name: std::collections::HashMap<&str, &Value> =
        rows.iter().map(|r| (r["name"].as_str().unwrap(), r)).collect();
    assert_eq!(by_name.len(), n);
    for i in [0, 1, 1000, 1049, 1050, 25_003, 99_998, 99_999] {
        let row = by_name[generated_name(i).as_str()];
        let (f, a) = (v["contests"][0]["candidates"][i]["for"].clone(), json!(i % 10));
        assert_eq!((&row["for"], &row["against"]), (&f, &a), "candidate {i}");
    }
    // In stroke order: 王 (4 strokes) before 李 (7) before 欧阳 (8) before 诸葛 (10).
    let position = |i: usize| rows.iter().position(|r| r["name"] == generated_name(i)).unwrap();
    assert!(position(0) < position(1) && position(1) < position(17) && position(17) < position(19));
    // A look-alike duplicate at the very end is still found among 100,000 names.
    let twin = json!({"name": "\u{F9E1}晓晓", "for": 0, "against": 0});
    v["contests"][0]["candidates"].as_array_mut().unwrap().push(twin);
    let err = refused("hundred-thousand-twin", &v, &["--lang", "en"]);
    assert!(err.contains("appears twice") && err.contains("晓晓"), "{err}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_its_size() {
    // Over 16 MiB only with room to spare: the limit is on the file, not the candidates.
    let list: Vec<Value> =
        (0..150_000).map(|i| json!({"name": format!("候选人{i}"), "for": 0, "against": 0, "abstain": 90})).collect();
    let v = json!({"expected": 100, "present": 90, "issued": 90, "returned": 90,
                   "contests": [{"id": "big", "title": "委员", "type": "election", "seats": 5, "candidates": list}]});
    let err = refused("hundred-fifty-thousand-pretty", &v, &["--lang", "en"]);
    assert!(err.contains("more than the limit of 16777216 (16 MiB)"), "{err}");
}

#[test]
fn the_largest_poll_counts() {
    // 20 contests of 200 candidates, the most a poll may have: 4,000 candidates.
    let contests: Vec<Value> = (0..20)
        .map(|c| {
            let list: Vec<Value> = (0..200)
                .map(|i| json!({"name": format!("候选人{c}-{i}"), "for": u32::from(i < 2) * 60, "against": 0}))
                .collect();
            json!({"id": format!("c{c}"), "title": "委员", "type": "election", "seats": 2, "candidates": list})
        })
        .collect();
    let v = json!({"expected": 100, "present": 90, "issued": 90, "returned": 90, "contests": contests});
    let path = scenario("largest", &v);
    let v = count_json(&path, &[]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["contests"].as_array().unwrap().len(), 20);
    assert_eq!(v["contests"][19]["candidates"].as_array().unwrap().len(), 200);
    assert_eq!(names(&v["elected"]), ["候选人0-0", "候选人0-1"]);
}
