//! `hallvote demo --simulate N --record-dir DIR` runs a whole session headless, prints
//! the result sheets, writes one record per poll and exits 0 only if every record
//! verifies; `hallvote verify` accepts those files (reporting in the language asked
//! for) and refuses any of them with a value changed, removed or added.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn a_simulated_session_writes_records_that_verify_and_any_change_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["demo", "--simulate", "24", "--record-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches("计票结果报告单").count(), 4, "{stdout}");
    assert!(stdout.contains("every record verifies"), "{stdout}");
    assert_eq!(stdout.matches("totals equal the 24 ballots cast").count(), 4, "{stdout}");
    // The by-election takes write-ins: some delegates wrote names, mixed and counted.
    assert_eq!(stdout.matches("the mix's write-ins equal the").count(), 1, "{stdout}");
    assert!(stdout.contains("另选他人："), "the sheet lists the write-ins: {stdout}");
    let challenged: u64 = stdout
        .lines()
        .last()
        .and_then(|l| l.split(" challenged").next())
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(challenged > 0, "a few ballots are challenged: {stdout}");

    let mut records: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    records.sort();
    assert_eq!(records.len(), 4);
    let verify = |paths: &[std::path::PathBuf]| {
        Command::new(env!("CARGO_BIN_EXE_hallvote")).arg("verify").args(paths).output().unwrap()
    };
    assert!(verify(&records).status.success());
    // The report in the language asked for (`--lang`), the step names included.
    let report = |lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
            .args(["verify", "--lang", lang])
            .arg(&records[0])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let zh = report("zh-CN");
    assert!(zh.starts_with("选举指纹：") && zh.contains("\n✓ 13.5 选票证明（24 张选票，"), "{zh}");
    assert!(zh.contains("\n✓ 13.7 公告板（公告板 ") && zh.contains("未与会场核对"), "{zh}");
    assert!(!zh.contains("ballot proofs") && !zh.contains("NOT pinned"), "{zh}");
    let en = report("en");
    assert!(en.starts_with("election fingerprint 选举指纹: ") && en.contains("\n✓ 13.5 ballot proofs (24 ballots, "));
    assert!(en.contains("NOT pinned") && !en.contains("选票证明"), "{en}");

    // One value changed, removed or added anywhere (first, middle, last) is refused.
    let bytes = std::fs::read(&records[0]).unwrap();
    let bad = dir.path().join("bad.hvrec");
    for p in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 5] {
        let mut changed = bytes.clone();
        changed[p] ^= 0x01;
        let mut removed = bytes.clone();
        removed.remove(p);
        let mut added = bytes.clone();
        added.insert(p, 0x30);
        for (what, b) in [("changed", changed), ("removed", removed), ("added", added)] {
            std::fs::write(&bad, b).unwrap();
            let out = verify(std::slice::from_ref(&bad));
            assert!(!out.status.success(), "a byte {what} at {p} was not noticed");
        }
    }
}
