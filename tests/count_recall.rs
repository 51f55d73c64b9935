//! `hallvote count` on a recall (罢免, ADR 0030): the ruleset's recall rule, its default
//! (more than half of expected) and a ruleset file that counts from present, through the
//! binary's JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn write(name: &str, v: &Value) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("count-recall-{name}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    path
}

fn count(file: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .arg("count")
        .arg(file)
        .args(["--json", "--lang", "en"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn recalled(v: &Value) -> (u64, Vec<bool>) {
    let c = &v["contests"][0];
    assert_eq!(c["type"], "recall", "{c}");
    (c["threshold"].as_u64().unwrap(), c["items"].as_array().unwrap().iter().map(|i| i["passed"] == true).collect())
}

#[test]
fn a_recall_counts_from_expected_unless_the_ruleset_says_present() {
    // Expected 100, present 84. By default more than half of 100: 51 recalls, 50 does not.
    let scn = write(
        "scenario",
        &json!({"poll": "罢免", "expected": 100, "present": 84, "issued": 84, "returned": 84, "contests": [
            {"title": "罢免镇党委委员", "type": "recall", "members": [
                {"name": "王海", "recall": 51, "keep": 30},
                {"name": "李娜", "recall": 50, "keep": 30, "abstain": 4},
                {"name": "刘刚", "recall": 40, "keep": 4}
            ]}
        ]}),
    );
    let v = count(&scn, &[]);
    assert_eq!(recalled(&v), (51, vec![true, false, false]));
    assert_eq!(
        v["contests"][0]["items"][1]["reason"],
        "50 votes to recall, not more than half of the 100 expected: not recalled"
    );

    // A ruleset file counting from present (more than half of 84: 43): 李娜 is recalled.
    let mut rs: Value = serde_json::from_str(include_str!("../tally/src/ruleset/builtin/township-2020.json")).unwrap();
    rs["name"] = "township-recall-present".into();
    rs["recall"] = json!({"base": "present", "threshold": {"more_than": "1/2"}});
    let file = write("ruleset", &rs);
    let v = count(&scn, &["--ruleset", file.to_str().unwrap()]);
    assert_eq!(recalled(&v), (43, vec![true, true, false]));
    assert_eq!(v["ruleset"]["name"], "township-recall-present");
}
