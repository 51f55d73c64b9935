//! The golden election record: a small record made once and kept in the repository
//! (`tests/data/golden/poll-1.hvrec`), with the verifier's report on it
//! (`poll-1.report.txt`, en; `poll-1.report.zh.txt`, zh-CN; `poll-1.pinned.txt`, en,
//! pinned to its election fingerprint). Any change to the record format, the hash
//! inputs or the verifier's steps that would make yesterday's records read differently
//! shows here as a difference, not only in tests that make their records with today's
//! code.
//!
//! To make the record again (only on purpose, for a new record version):
//! `cargo run -p hallvote-tally --example golden_record`;
//! to write the reports after a deliberate change of the verifier's words, run the
//! tests with `HALLVOTE_BLESS=1` and review the difference.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hallvote_tally::record::Record;

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden")
}

/// The verifier's report on the golden record, pinned to its fingerprint when
/// `expect` is given (the report has no timings: it is the same on every run).
fn report(lang: &str, expect: Option<&str>) -> String {
    let mut verify = Command::new(env!("CARGO_BIN_EXE_hallvote-verify"));
    verify.args(["--lang", lang]);
    if let Some(fingerprint) = expect {
        verify.args(["--expect", fingerprint]);
    }
    let out = verify.arg(golden().join("poll-1.hvrec")).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stdout).unwrap()
}

/// The election fingerprint of the golden record (spec §11.4), as its scrutineers'
/// minutes would have it.
const FINGERPRINT: &str = "GCVAS-D58BV-SZDBY-P389A";

fn check(lang: &str, expect: Option<&str>, file: &str) {
    let got = report(lang, expect);
    let path = golden().join(file);
    if std::env::var_os("HALLVOTE_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(got, want, "the verifier's report on the golden record changed ({})", path.display());
}

#[test]
fn the_golden_record_verifies_with_the_same_report_in_english() {
    check("en", None, "poll-1.report.txt");
    check("en", Some(FINGERPRINT), "poll-1.pinned.txt");
}

#[test]
fn the_golden_record_verifies_with_the_same_report_in_chinese() {
    check("zh-CN", None, "poll-1.report.zh.txt");
}

#[test]
fn the_golden_record_reads_back_to_the_same_bytes() {
    let bytes = std::fs::read(golden().join("poll-1.hvrec")).unwrap();
    let (record, _) = Record::decode(&bytes).unwrap();
    assert_eq!(record.to_bytes(), bytes);
}
