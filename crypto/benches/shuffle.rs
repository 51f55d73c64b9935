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
use hallvote_crypto::mixdecrypt::{ListShare, combine_list};
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_crypto::shuffle::{Row, ShuffleStatement, generator, shuffle};
use hallvote_crypto::threshold::{self, DecryptionShare, KeyShare};
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

    // Three stations shuffle in turn; each shuffle is verified.
    let mut list = input;
    for station in 1..=3u8 {
        let ctx = [CTX, &[station]].concat();
        let (mut output, mut proof) = (Vec::new(), None);
        time(&format!("station {station}: shuffle + prove"), &mut || {
            let (o, p) = shuffle(&ctx, &key, &list, &mut rng).unwrap();
            output = o;
            proof = Some(p);
        });
        let proof = proof.unwrap();
        if station == 1 {
            eprintln!("{n} slots: proof size: {} bytes", proof.to_bytes().len());
        }
        let statement = ShuffleStatement { ctx: &ctx, key: &key, input: &list, output: &output };
        time(&format!("station {station}: verify"), &mut || proof.verify(&statement, &mut rng).unwrap());
        list = output;
    }

    // 2-of-3 threshold decryption of the mixed list (spec §5.4–§5.5): shares
    // x + a·j of the key on the line through x.
    let a = Scalar::random(&mut rng);
    let keys: Vec<KeyShare> =
        (1..=3u32).map(|j| KeyShare::new(j, SecretScalar::new(secret.expose() + a * Scalar::from(j)))).collect();
    let ciphertexts: Vec<_> = list.iter().flatten().copied().collect();
    let mut shares: Vec<Vec<DecryptionShare>> = Vec::new();
    for station in &keys[..2] {
        time(&format!("scrutineer {}: decryption shares with proofs", station.index()), &mut || {
            shares.push(ciphertexts.iter().map(|c| station.decryption_share(CTX, c, &mut rng)).collect());
        });
    }
    let mut verified = None;
    time("verify every decryption share (one batch)", &mut || {
        let mut batch = BatchVerifier::with_capacity(ciphertexts.len() * 2 * 6);
        for (station, station_shares) in keys.iter().zip(&shares) {
            let public = station.public();
            for (share, c) in station_shares.iter().zip(&ciphertexts) {
                share.queue(CTX, &public, c, &mut batch, &mut rng);
            }
        }
        verified = Some(threshold::verify_batch(batch).unwrap());
    });
    let verified = verified.unwrap();
    time("combine the shares and decode the names", &mut || {
        for (k, row) in list.iter().enumerate() {
            let points: Vec<_> = (0..row.len())
                .map(|l| {
                    let i = k * row.len() + l;
                    let pair = [shares[0][i].assume_verified(&verified), shares[1][i].assume_verified(&verified)];
                    threshold::combine(&ciphertexts[i], &pair, 2).unwrap()
                })
                .collect();
            black_box(decode_name(&points).unwrap());
        }
    });

    // The same decryption with the list shares of spec §19: one batched proof
    // per scrutineer instead of one per ciphertext. The steps above are kept so
    // that the gain shows in the same run.
    let mut list_shares: Vec<ListShare> = Vec::new();
    for station in &keys[..2] {
        time(&format!("scrutineer {}: list decryption shares, one batched proof (§19)", station.index()), &mut || {
            list_shares.push(station.list_decryption_share(CTX, &ciphertexts, &mut rng));
        });
    }
    let mut verified_lists = Vec::new();
    time("verify both scrutineers' list shares (§19)", &mut || {
        verified_lists = keys
            .iter()
            .zip(&list_shares)
            .map(|(station, share)| share.verify(CTX, &station.public(), &ciphertexts).unwrap())
            .collect();
    });
    let mut points = Vec::new();
    time("combine the list shares and decode the names (§19)", &mut || {
        points = combine_list(&ciphertexts, &verified_lists, 2).unwrap();
        for row in points.chunks(list[0].len()) {
            black_box(decode_name(row).unwrap());
        }
    });
    // Plain decryption with the whole key agrees (a check of the bench itself).
    let first: Vec<_> = list[0].iter().map(|c| decrypt_to_point(&secret, c)).collect();
    black_box(decode_name(&first).unwrap());
    assert_eq!(first, points[..first.len()]);
}

criterion_group!(benches, raw, mix, full_size);
criterion_main!(benches);
