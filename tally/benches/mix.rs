//! The write-in mix phase of a whole session (spec §12.12, ADR 0021) and the
//! verification of its record, beside the raw curve cost measured in the same run.
//!
//! The session is the election alone (11 candidates for 9 seats, taking
//! write-ins: 11 slots a ballot) with `HALLVOTE_BENCH_BALLOTS` cast ballots (3,000 by
//! default, 33,000 slots; 16 under `cargo test`),
//! about a third of them with a name written in, built by the record tests' in-process
//! session. Then, each timed once (a mix phase runs once a poll):
//! - the three scrutineer stations' shuffles with proofs, each checked as the server
//!   checks an upload ([`MixBuilder::add_turn`]);
//! - three scrutineers' list decryption shares (spec §19), each checked, and the
//!   combination and decoding of every name;
//! - [`verify_record`] on the whole record (every step of §13, the mix's included).
//!
//! Each figure is printed beside the cost of one constant-time variable-base
//! multiplication and of one point of a large variable-time multiscalar
//! multiplication measured just before it, and as a multiple of each: the machine is
//! shared, and the multiple is what carries to another load. The `mix_raw` criterion
//! group measures the same two raw costs with criterion's statistics.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/record_common/mod.rs"]
mod record_common;

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use hallvote_tally::ballot::{BallotShape, PlainBallot};
use hallvote_tally::model::ContestKind;
use hallvote_tally::record::builder::joint_key;
use hallvote_tally::record::mix::{MixBuilder, board_mix_inputs, list_share, shuffle_turn};
use hallvote_tally::record::verify_record;
use rand::SeedableRng;
use rand::rngs::StdRng;
use record_common::{MIXERS, Spec, full_poll, run_voting};

/// Points of the multiscalar whose per-point cost is measured (about a shuffle
/// verification's batch for 1,000 rows).
const MSM_POINTS: usize = 16_000;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let test = !std::env::args().any(|a| a == "--bench");
    let ballots = if test {
        16
    } else {
        std::env::var("HALLVOTE_BENCH_BALLOTS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000)
    };
    let mut rng = StdRng::seed_from_u64(11);
    let (scalars, points): (Vec<Scalar>, Vec<RistrettoPoint>) =
        (0..MSM_POINTS).map(|_| (Scalar::random(&mut rng), RistrettoPoint::random(&mut rng))).unzip();
    let mut g = c.benchmark_group("mix_raw");
    g.sample_size(10);
    let (s, p) = (scalars[0], points[0]);
    g.bench_function("variable-base multiplication", |b| b.iter(|| black_box(black_box(s) * black_box(p))));
    g.bench_function(format!("multiscalar of {MSM_POINTS} points"), |b| {
        b.iter(|| RistrettoPoint::vartime_multiscalar_mul(black_box(&scalars), black_box(&points)))
    });
    g.finish();
    c.final_summary();
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    phase(ballots, &scalars, &points);
}

/// The raw costs just now: one variable-base multiplication, one multiscalar point.
fn raw(scalars: &[Scalar], points: &[RistrettoPoint]) -> (f64, f64) {
    let (s, p) = (scalars[0], points[0]);
    let start = Instant::now();
    for _ in 0..2000 {
        black_box(black_box(s) * black_box(p));
    }
    let mul = start.elapsed().as_secs_f64() / 2000.0;
    let start = Instant::now();
    black_box(RistrettoPoint::vartime_multiscalar_mul(scalars, points));
    let msm = start.elapsed().as_secs_f64() / scalars.len() as f64;
    (mul, msm)
}

/// A random ballot with a write-in beside the first against-marked candidate
/// whenever the seats allow, for every third delegate.
fn ballot(d: usize, shape: &BallotShape, rng: &mut StdRng) -> PlainBallot {
    let mut plain = PlainBallot::random(shape, rng).unwrap();
    let (Some(rule), Some(cap)) = (shape.contests[0].write_in, shape.contests[0].cap) else { return plain };
    let rows = &plain.marks[0];
    let for_votes = rows.iter().filter(|r| r[0] == 1).count() as u32;
    if d.is_multiple_of(3)
        && for_votes < cap.max
        && let Some(i) = rows.iter().position(|r| r[usize::from(rule.against)] == 1)
    {
        let name = ["赵六", "阿依古丽·买买提", "𠮷田"][d % 9 / 3];
        plain.write_ins.insert((0, i), name.to_owned());
    }
    plain
}

fn phase(ballots: usize, scalars: &[Scalar], points: &[RistrettoPoint]) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.to_owned()))
        .unwrap_or_default();
    eprintln!("{cpu}; {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));
    let total = std::cell::Cell::new(0.0);
    let time = |what: &str, counted: bool, f: &mut dyn FnMut()| {
        let (mul, msm) = raw(scalars, points);
        let start = Instant::now();
        f();
        let took = start.elapsed().as_secs_f64();
        if counted {
            total.set(total.get() + took);
        }
        eprintln!(
            "{ballots} ballots: {what}: {took:.2} s; just before: one mul {:.1} µs, one multiscalar point {:.2} µs; \
             = {:.0} muls = {:.0} points",
            mul * 1e6,
            msm * 1e6,
            took / mul,
            took / msm
        );
        took
    };

    let mut contests = full_poll();
    contests.truncate(1);
    let ContestKind::Election(e) = &mut contests[0].kind else { unreachable!() };
    e.write_ins = true;
    let spec = Spec {
        expected: ballots as u32,
        present: ballots as u32,
        contests,
        spoiled: 0,
        decrypting: vec![1, 3, 5],
        seed: 3,
    };
    let mut session = None;
    time("build the session (booths, tally, mix; not part of the figures)", false, &mut || {
        session = Some(run_voting(spec.clone(), None, &mut |d, shape, rng| ballot(d, shape, rng)));
    });
    let s = session.unwrap();
    let key = joint_key(&s.record.ceremony.joint_key).unwrap();
    let mut rng = StdRng::seed_from_u64(4);
    let (c, input) = board_mix_inputs(&s.shape, &s.record.board).unwrap().into_iter().next().unwrap();
    eprintln!("{ballots} ballots: {} slots in the election's list", input.len());
    let mut mix = MixBuilder::new(s.election, key.clone(), c, input);
    for (turn, &j) in MIXERS.iter().enumerate() {
        let mut upload = None;
        time(&format!("station of scrutineer {j}: shuffle + prove"), true, &mut || {
            upload = Some(shuffle_turn(&s.election, &key, c, turn, j, mix.current(), &mut rng).unwrap().1);
        });
        time(&format!("server: verify turn {}", turn + 1), true, &mut || {
            mix.add_turn(upload.take().unwrap(), &mut rng).unwrap();
        });
    }
    for &j in &spec.decrypting {
        let mut share = Vec::new();
        time(&format!("scrutineer {j}: list decryption shares (§19)"), true, &mut || {
            share = list_share(&s.key_shares[j as usize - 1], &s.election, c, mix.current(), &mut rng);
        });
        time(&format!("server: verify scrutineer {j}'s list shares"), true, &mut || {
            mix.add_share(std::mem::take(&mut share), &s.public_shares).unwrap();
        });
    }
    let mut names = Vec::new();
    time("server: combine the shares and decode the names", true, &mut || {
        names = mix.clone().finish(3).unwrap().names;
    });
    assert_eq!(names.len(), s.record.mixes[0].names.len());
    eprintln!("{ballots} ballots: the whole mix phase: {:.2} s (target < 60 s)", total.get());
    let bytes = s.record.to_bytes();
    eprintln!("{ballots} ballots: record of {} bytes", bytes.len());
    let took = time("verify the whole record (every step of §13)", false, &mut || {
        let report = verify_record(&bytes, &mut rand::rng());
        assert!(report.ok(), "{report}");
    });
    eprintln!("{ballots} ballots: record verification: {took:.2} s (target < 20 s)");
}
