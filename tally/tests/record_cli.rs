//! `hallvote-verify`: output lines and exit codes (spec §13).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use std::process::Command;

use record_common::{Spec, run, small_poll};

#[test]
fn the_binary_prints_one_line_per_step_and_exits_by_the_verdict() {
    let s =
        run(Spec { expected: 4, present: 3, contests: small_poll(), spoiled: 0, decrypting: vec![1, 2, 3], seed: 3 });
    let dir = std::env::temp_dir().join(format!("hallvote-verify-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("poll-1.hvrec");
    std::fs::write(&good, s.record.to_bytes()).unwrap();
    let mut bytes = s.record.to_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let bad = dir.join("poll-2.hvrec");
    std::fs::write(&bad, bytes).unwrap();
    let bin = env!("CARGO_BIN_EXE_hallvote-verify");

    let out = Command::new(bin).arg(&good).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("✓ 13.")).count(), 15, "{text}");
    assert!(text.contains("✓ 13.5 ballot proofs (3 ballots, "), "{text}");

    let out = Command::new(bin).arg(&good).arg(&bad).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✗ 13.13 signatures: counter 计票人2's signature"), "{text}");

    let out = Command::new(bin).arg("--json").arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["records"][0]["steps"][4]["section"], "13.5");
    assert_eq!(v["records"][0]["steps"][4]["status"], "pass");

    assert_eq!(Command::new(bin).output().unwrap().status.code(), Some(2));
    assert_eq!(Command::new(bin).arg(dir.join("missing")).output().unwrap().status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
