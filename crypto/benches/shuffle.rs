//! Benchmarks of the write-in mix (spec §17–§18): one shuffle with its proof and
//! its verification for 3,000 slots, beside the raw curve operations they are
//! built from, measured in the same run.
//!
//! `cargo bench -p hallvote-crypto --bench shuffle -- <filter>`. The full size of
//! issue 17 (3,000 ballots × 9 seats = 27,000 slots) takes seconds per run, so
//! it is measured once, not sampled: set `HALLVOTE_BENCH_SLOTS=27000` to print
//! one timed run of each step for that many slots.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use hallvote_crypto::elgamal::{PublicKey, decrypt_to_point, encrypt_point};
use hallvote_crypto::group::SecretScalar;
use hallvote_crypto::shuffle::{Row, ShuffleStatement, generator, shuffle};
use hallvote_crypto::writein::{decode_name, encode_name};
use rand::SeedableRng;
use rand::rngs::StdRng;

const CTX: &[u8] = b"bench mix";

/// `n` encrypted slots. Each name is embedded once (the booth's constant-time
/// embedding tries all 128 counters, about 1.5 ms a slot, and is not part of the mix).
fn slots(key: &PublicKey, n: usize, rng: &mut StdRng) -> Vec<Row> {
    let names = ["", "", "王小明", "𠮷田·阿依古丽", ""].map(|name| encode_name(name).unwrap());
    (0..n).map(|i| names[i % names.len()].iter().map(|m| encrypt_point(key, m, rng).0).collect()).collect()
}

fn raw(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    let s = Scalar::random(&mut rng);
    let p = RistrettoPoint::random(&mut rng);
    let mut g = c.benchmark_group("raw");
    g.sample_size(20).measurement_time(Duration::from_secs(2));
    g.bench_function("variable-base mul (constant time)", |b| b.iter(|| black_box(s) * black_box(p)));
    g.bench_function("mul_base (fixed-base, constant time)", |b| b.iter(|| RistrettoPoint::mul_base(black_box(&s))));
    g.bench_function("generator (hash to group)", |b| b.iter(|| generator(black_box(12345))));
    g.bench_function("encode + decode a name (3 elements)", |b| {
        b.iter(|| decode_name(&encode_name(black_box("𠮷田·阿依古丽")).unwrap()).unwrap())
    });
    g.finish();
}

fn mix(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(2);
    let key = PublicKey::new(SecretScalar::random(&mut rng).public()).unwrap();
    let n = 3000;
    let input = slots(&key, n, &mut rng);
    let mut g = c.benchmark_group("mix 3000 slots x 3");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("shuffle + prove", |b| b.iter(|| shuffle(CTX, &key, &input, &mut rng).unwrap()));
    let (output, proof) = shuffle(CTX, &key, &input, &mut rng).unwrap();
    let statement = ShuffleStatement { ctx: CTX, key: &key, input: &input, output: &output };
    g.bench_function("verify", |b| b.iter(|| proof.verify(&statement, &mut rng).unwrap()));
    g.finish();
}

/// One timed run of every step of a whole mix phase for `n` slots, printed.
fn full_size(_: &mut Criterion) {
    let Some(n) = std::env::var("HALLVOTE_BENCH_SLOTS").ok().and_then(|v| v.parse::<usize>().ok()) else { return };
    let mut rng = StdRng::seed_from_u64(3);
    let secret = SecretScalar::random(&mut rng);
    let key = PublicKey::new(secret.public()).unwrap();
    // The machine is shared, so each step is printed beside the cost of one
    // constant-time variable-base multiplication measured just before it, and
    // as a multiple of that cost: the multiple is what carries to another load.
    let (s, p) = (Scalar::random(&mut rng), RistrettoPoint::random(&mut rng));
    let time = |what: &str, f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..2000 {
            black_box(black_box(s) * black_box(p));
        }
        let mul = start.elapsed().as_secs_f64() / 2000.0;
        let start = Instant::now();
        f();
        let took = start.elapsed().as_secs_f64();
        eprintln!("{n} slots: {what}: {took:.2} s; one mul {:.1} µs just before; = {:.0} muls", mul * 1e6, took / mul);
    };
    let mut input = Vec::new();
    time("encrypt the slots (booths, not part of the mix)", &mut || input = slots(&key, n, &mut rng));
    let (mut output, mut proof) = (Vec::new(), None);
    time("shuffle + prove", &mut || {
        let (o, p) = shuffle(CTX, &key, &input, &mut rng).unwrap();
        output = o;
        proof = Some(p);
    });
    let proof = proof.unwrap();
    eprintln!("{n} slots: proof size: {} bytes", proof.to_bytes().len());
    let statement = ShuffleStatement { ctx: CTX, key: &key, input: &input, output: &output };
    time("verify", &mut || proof.verify(&statement, &mut rng).unwrap());
    time("decrypt with the whole key + decode (lower bound of threshold decryption)", &mut || {
        for row in &output {
            let points: Vec<_> = row.iter().map(|c| decrypt_to_point(&secret, c)).collect();
            black_box(decode_name(&points).unwrap());
        }
    });
}

criterion_group!(benches, raw, mix, full_size);
criterion_main!(benches);
