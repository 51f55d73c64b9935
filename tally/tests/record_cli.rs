//! `hallvote-verify`: output lines, languages and exit codes (spec §13).
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
    // In an English locale the report is in English.
    let english = || {
        let mut c = Command::new(bin);
        c.env_remove("LC_ALL").env("LANG", "en_US.UTF-8");
        c
    };

    let out = english().arg(&good).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("✓ 13.")).count(), 20, "{text}");
    assert!(text.contains("✓ 13.5 ballot proofs (3 ballots, "), "{text}");

    let out = english().arg(&good).arg(&bad).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✗ 13.13 signatures: counter 计票人2's signature"), "{text}");

    let out = english().arg("--json").arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["records"][0]["steps"][4]["section"], "13.5");
    assert_eq!(v["records"][0]["steps"][4]["status"], "pass");
    // The JSON says every step in both languages.
    assert_eq!(v["records"][0]["steps"][4]["name_zh"], "选票证明");
    assert!(v["records"][0]["steps"][4]["detail_zh"].as_str().unwrap().starts_with("3 张选票，"));

    assert_eq!(Command::new(bin).output().unwrap().status.code(), Some(2));
    assert_eq!(Command::new(bin).arg(dir.join("missing")).output().unwrap().status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_report_is_in_the_language_asked_for_or_the_locales() {
    let s =
        run(Spec { expected: 4, present: 3, contests: small_poll(), spoiled: 1, decrypting: vec![1, 2, 3], seed: 4 });
    let dir = std::env::temp_dir().join(format!("hallvote-verify-lang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("poll-1.hvrec");
    std::fs::write(&good, s.record.to_bytes()).unwrap();
    let mut bytes = s.record.to_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let bad = dir.join("poll-2.hvrec");
    std::fs::write(&bad, bytes).unwrap();
    let bin = env!("CARGO_BIN_EXE_hallvote-verify");
    let run = |locale: &str, args: &[&str], file: &std::path::Path| {
        let out = Command::new(bin).env_remove("LC_ALL").env("LANG", locale).args(args).arg(file).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };

    // --lang zh-CN: Chinese step names and reasons, whatever the locale.
    let (code, zh) = run("en_US.UTF-8", &["--lang", "zh-CN"], &good);
    assert_eq!(code, Some(0), "{zh}");
    let fp = hallvote_tally::record::Fingerprint::of(
        &s.record.manifest,
        &s.record.ceremony.joint_key,
        &s.record.ceremony.public_shares,
    );
    assert!(zh.starts_with(&format!("选举指纹：{fp}\n✓ 13.1 格式（选举记录第 ")), "{zh}");
    for line in [
        "✓ 13.5 选票证明（3 张选票，",
        "✓ 13.6 作废选票（1 张作废选票已公开并核对）",
        "✓ 13.13 签名（",
        "✓ 13.14 选举指纹与密钥指纹（未给出核对项",
    ] {
        assert!(zh.contains(line), "{line:?} not in\n{zh}");
    }
    assert!(zh.ends_with("或加 --expect 指纹 重新核验。\n"), "{zh}");
    assert!(!zh.contains("ballot") && !zh.contains("NOT pinned"), "{zh}");
    let (code, zh_bad) = run("en_US.UTF-8", &["--lang", "zh-CN"], &bad);
    assert_eq!(code, Some(1), "{zh_bad}");
    assert!(zh_bad.contains("✗ 13.13 签名：第 2 号计票人（计票人2）对计票结果的签名无效\n"), "{zh_bad}");
    assert!(zh_bad.ends_with("✓ 13.15 回执与大屏幕树头（未给出回执或大屏幕树头）\n记录未通过核验\n"), "{zh_bad}");

    // --lang en: English, whatever the locale; the fingerprint line keeps 选举指纹.
    let (code, en) = run("zh_CN.UTF-8", &["--lang", "en"], &bad);
    assert_eq!(code, Some(1), "{en}");
    assert!(en.starts_with(&format!("election fingerprint 选举指纹: {fp}\n✓ 13.1 format (record v")), "{en}");
    assert!(en.contains("✓ 13.5 ballot proofs (3 ballots, "), "{en}");
    assert!(en.contains("✗ 13.13 signatures: counter 计票人2's signature on the result does not verify"), "{en}");
    assert!(en.ends_with("RECORD REJECTED\n") && !en.contains("记录"), "{en}");

    // No --lang: the locale decides (LC_ALL before LANG).
    let (_, by_locale) = run("zh_CN.UTF-8", &[], &good);
    assert_eq!(by_locale, zh);
    let out = Command::new(bin).env("LC_ALL", "C").env("LANG", "zh_CN.UTF-8").arg(&good).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("✓ 13.5 ballot proofs ("));

    // A language it does not speak is a usage error; --help says how the default is chosen.
    let (code, _) = run("en_US.UTF-8", &["--lang", "fr"], &good);
    assert_eq!(code, Some(2));
    let help = String::from_utf8(Command::new(bin).arg("--help").output().unwrap().stdout).unwrap();
    assert!(help.contains("--lang zh-CN|en") && help.contains("LANG, starts with zh"), "{help}");
    std::fs::remove_dir_all(&dir).unwrap();
}
