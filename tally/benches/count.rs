//! Criterion benchmark of `hallvote count`'s work (docs/count.md): parsing a scenario
//! and counting it, on the largest poll hallvote takes (20 contests of 200 candidates:
//! 4,000 candidates) and on a scenario of 100,000 candidates in one contest, which
//! `hallvote count` counts (its only limit is the file's size; the poll limits are the
//! server's). Both used to be quadratic in the candidates (64,000 took 17 s); they are
//! now linear apart from one sort a contest.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hallvote_tally::scenario::Scenario;
use serde_json::{Value, json};

fn candidates(contest: usize, n: usize) -> Vec<Value> {
    // Surnames from across the stroke table, so that sorting does real comparisons.
    let surnames = ["王", "李", "张", "刘", "陈", "欧阳", "𠮷", "趙", "丁", "蔡"];
    (0..n)
        .map(|i| {
            let name = format!("{}{}晓{}", surnames[i % surnames.len()], contest, i);
            json!({"name": name, "for": u32::from(i < 2) * 60, "against": 0})
        })
        .collect()
}

fn scenario(contests: usize, per_contest: usize) -> String {
    let contests: Vec<Value> = (0..contests)
        .map(|c| {
            json!({"id": format!("c{c}"), "title": "委员", "type": "election", "seats": 2,
                        "candidates": candidates(c, per_contest)})
        })
        .collect();
    json!({"expected": 100, "present": 90, "issued": 90, "returned": 90, "contests": contests}).to_string()
}

fn count(text: &str) -> bool {
    let Ok(s) = Scenario::from_json(text) else { return false };
    let Ok(ruleset) = s.ruleset() else { return false };
    s.count(&ruleset).is_ok()
}

fn bench(c: &mut Criterion) {
    let largest = scenario(20, 200);
    assert!(count(&largest), "the largest poll counts");
    let hundred_thousand = scenario(1, 100_000);
    assert!(count(&hundred_thousand), "100,000 candidates count");
    let mut g = c.benchmark_group("count");
    g.sample_size(10);
    g.bench_function("largest_poll_4000_candidates", |b| b.iter(|| count(black_box(&largest))));
    g.bench_function("counted_100000_candidates", |b| b.iter(|| count(black_box(&hundred_thousand))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
