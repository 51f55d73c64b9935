//! Criterion benchmark of one ballot with and without write-in rows (ADR 0021, spec
//! §10.7): the 11-candidate election for 9 seats, encrypted as the booth does
//! and verified as the server does (one batch per ballot), once as a contest without
//! write-ins and once as one that takes them (three names written, eight rows empty).
//! The difference divided by 11 rows is the cost of one write-in row.
//!
//! Groups: `ballot_encrypt` and `ballot_verify`, each with `plain` and `write_ins`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use hallvote_crypto::elgamal::PublicKey;
use hallvote_crypto::group::SecretScalar;
use hallvote_tally::ballot::{
    BallotContext, BallotShape, BallotVerifier, Cap, ContestShape, ItemShape, PlainBallot, WriteInRule, encrypt_ballot,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Candidate rows of the election.
const ROWS: usize = 11;

fn shape(write_ins: bool) -> BallotShape {
    BallotShape {
        contests: vec![ContestShape {
            items: vec![ItemShape::one_of(3); ROWS],
            cap: Some(Cap { option: 0, max: 9 }),
            write_in: write_ins.then_some(WriteInRule { against: 1 }),
        }],
    }
}

/// Five for, six against (three with a name), so 8 of 9 seats are used.
fn plain(write_ins: bool) -> PlainBallot {
    let rows = (0..ROWS).map(|i| if i < 5 { vec![1, 0, 0] } else { vec![0, 1, 0] }).collect();
    let mut p = PlainBallot::marks(vec![rows]);
    if write_ins {
        for (i, name) in [(5, "王小明"), (6, "𠮷田·阿依古丽"), (7, "李四")] {
            p.write_ins.insert((0, i), name.to_owned());
        }
    }
    p
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    let mut rng = StdRng::seed_from_u64(21);
    let key = PublicKey::new(SecretScalar::random(&mut rng).public()).unwrap();
    let ctx = BallotContext { election: [7; 64], serial: [9; 32] };
    for (group, f) in [("ballot_encrypt", false), ("ballot_verify", true)] {
        let mut g = c.benchmark_group(group);
        for (label, write_ins) in [("plain", false), ("write_ins", true)] {
            let shape = shape(write_ins);
            let plain = plain(write_ins);
            if f {
                let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &plain, &mut rng).unwrap();
                let v = BallotVerifier::new(&shape, &key);
                g.bench_function(label, |b| b.iter(|| v.verify(&ctx, black_box(&ballot), &mut rng).unwrap()));
            } else {
                g.bench_function(label, |b| {
                    b.iter(|| encrypt_ballot(&shape, &key, &ctx, black_box(&plain), &mut rng).unwrap())
                });
            }
        }
        g.finish();
    }
    c.final_summary();
}
