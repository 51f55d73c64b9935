//! The load test's machinery works end to end on both backends (a small run; the
//! figures themselves are measured by `hallvote loadtest`, docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hallvote_server::db::Store;
use hallvote_server::loadtest::{Hostile, LoadConfig, render, run};

async fn a_small_load_test_casts_every_ballot_once(store: Store) {
    let cfg = LoadConfig { booths: 4, ballots: 10, rate: 100.0, hostile: None, quiet: true };
    let report = run(store, &cfg).await.unwrap();
    assert_eq!(report.throughput.as_ref().unwrap().casts, 10);
    let at_rate = report.at_rate.clone().unwrap();
    assert_eq!(at_rate.casts, 10);
    assert_eq!(report.board_size, 20);
    let [p50, p90, p95, p99, max] = at_rate.latency_ms;
    assert!(p50 <= p90 && p90 <= p95 && p95 <= p99 && p99 <= max && p50 > 0.0, "{at_rate:?}");
    assert!(report.under_load.is_none());
    // The server ran in this process: its CPU time per cast is the whole process's,
    // read for each measurement, with no separate generator figure; the raw cost of a
    // cast was measured in the same run.
    assert!(!report.separate);
    assert!(at_rate.server_cpu_us.is_some_and(|us| us > 0.0), "{at_rate:?}");
    assert!(at_rate.generator_cpu_us.is_none(), "{at_rate:?}");
    let raw = report.raw.unwrap();
    assert!(raw.credential_us > 0.0 && raw.decode_us > 0.0 && raw.multiscalar_us > 0.0, "{raw:?}");
    assert!(render(&report, "SQLite", &cfg).contains("× the raw cost"));
}

both_backends!(small_load, a_small_load_test_casts_every_ballot_once);

/// Issue 14's connection test: 2,000 idle connections, 300 hall-display event
/// streams and 150 clients sending wrong logins, from loopback addresses other than
/// the booths', while 200 booths cast. Every cast is receipted and the server
/// answers a health request during the load; the latency under that load is
/// measured by `hallvote loadtest --hostile` (docs/PERFORMANCE.md), not asserted
/// here. SQLite, the backend of `hallvote serve` by default.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booths_cast_while_the_hall_lan_is_hostile() {
    // Server and hostile clients share this process's descriptors: over 5,000.
    hallvote_server::listen::raise_descriptor_limit();
    let (store, _dir) = common::sqlite().await;
    // Only the measurement under load: the quiet ones are for the benchmark.
    let cfg = LoadConfig { booths: 200, ballots: 200, rate: 100.0, hostile: Some(Hostile::HALL_TEST), quiet: false };
    assert_eq!(Hostile::HALL_TEST, Hostile { idle: 2000, streams: 300, logins: 150 });
    let report = run(store, &cfg).await.unwrap_or_else(|e| panic!("the load test failed: {e}"));
    eprintln!("{}", render(&report, "SQLite", &cfg));
    let (casts, attack) = report.under_load.expect("a measurement under load");
    assert_eq!(casts.casts, 200, "every cast under load is receipted");
    assert_eq!(report.board_size, 200, "every cast is on the board once");
    assert_eq!(attack.health.0, Some(200), "the server answers a health request during the load: {attack:?}");
    // Every display stream was answered: with figures, or refused over the server's
    // cap on display streams (server/src/http/stream_cap.rs).
    assert_eq!(attack.streams_open + attack.streams_refused, 300, "{attack:?}");
    assert!(attack.streams_open >= 1, "{attack:?}");
    assert!(attack.logins_checked + attack.logins_throttled > 0, "the wrong logins were answered: {attack:?}");
}
