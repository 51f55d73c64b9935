//! The load test's machinery works end to end on both backends (a small run; the
//! figures themselves are measured by `hallvote loadtest`, docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hallvote_server::db::Store;
use hallvote_server::loadtest::{LoadConfig, run};

async fn a_small_load_test_casts_every_ballot_once(store: Store) {
    let cfg = LoadConfig { booths: 4, ballots: 10, rate: 100.0 };
    let report = run(store, &cfg).await.unwrap();
    assert_eq!(report.throughput.casts, 10);
    assert_eq!(report.at_rate.casts, 10);
    assert_eq!(report.board_size, 20);
    let [p50, p90, p99, max] = report.at_rate.latency_ms;
    assert!(p50 <= p90 && p90 <= p99 && p99 <= max && p50 > 0.0, "{:?}", report.at_rate);
}

both_backends!(small_load, a_small_load_test_casts_every_ballot_once);
