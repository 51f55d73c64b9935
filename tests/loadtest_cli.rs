//! `hallvote loadtest --server-process` (issue 20): the server runs as a process of
//! its own, the load generator casts from this one, and the report gives the server
//! process's CPU time per cast apart from the generator's, beside the raw cost of one
//! cast measured in the same run. A small run on each backend; the figures are
//! measured by the command itself (docs/PERFORMANCE.md), not asserted here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn loadtest(extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["loadtest", "--server-process", "--booths", "4", "--ballots", "40", "--rate", "100"])
        .args(extra)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the load test failed:\n{stdout}\n{stderr}");
    assert!(stderr.contains("the server is process "), "{stderr}");
    stdout.into_owned()
}

/// The number after `label` on the line that has it, up to `unit`.
fn figure(report: &str, label: &str, unit: &str) -> Vec<f64> {
    report
        .lines()
        .filter_map(|l| {
            let rest = &l[l.find(label)? + label.len()..];
            rest[..rest.find(unit)?].trim().parse().ok()
        })
        .collect()
}

fn check(report: &str) {
    assert!(report.contains("the server in a process of its own"), "{report}");
    assert!(report.contains("board: 80 entries"), "every cast is on the board once: {report}");
    let raw = figure(report, "raw cost of one cast (this run, one thread, CPU time):", "µs");
    assert_eq!(raw.len(), 1, "{report}");
    assert!(raw[0] > 0.0, "{report}");
    // Both measurements read the server process's CPU time and the generator's.
    let server = figure(report, "CPU per cast, server process:", "µs");
    let generator = figure(report, "load generator process:", "µs");
    assert_eq!(server.len(), 2, "{report}");
    assert_eq!(generator.len(), 2, "{report}");
    // A cast costs the server at least its cryptography (the raw cost is measured on
    // one thread on the same ballots); the ratio is printed beside it.
    assert!(server.iter().all(|&us| us > 0.0), "{report}");
    assert_eq!(report.matches("× the raw cost").count(), 2, "{report}");
}

#[test]
fn load_test_with_the_server_in_its_own_process_on_sqlite() {
    check(&loadtest(&[]));
}

#[test]
fn load_test_with_the_server_in_its_own_process_on_postgres() {
    let base =
        std::env::var("HALLVOTE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let report = loadtest(&["--db", &base]);
    assert!(report.contains("hallvote loadtest on PostgreSQL"), "{report}");
    check(&report);
}
