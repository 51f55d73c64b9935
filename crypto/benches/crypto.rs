//! Criterion benchmarks of the crypto core, each beside the raw curve operations
//! it is built from, measured in the same run (docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use hallvote_crypto::dkg::{self, Dealer, Params};
use hallvote_crypto::elgamal::{Ciphertext, Nonce, PublicKey, encrypt};
use hallvote_crypto::group::SecretScalar;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::{BatchVerifier, RangeProof};
use hallvote_crypto::threshold;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn key(rng: &mut StdRng) -> PublicKey {
    PublicKey::new(SecretScalar::random(rng).public()).unwrap()
}

fn raw(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    let s = Scalar::random(&mut rng);
    let t = Scalar::random(&mut rng);
    let p = RistrettoPoint::random(&mut rng);
    let enc = p.compress();
    let mut g = c.benchmark_group("raw");
    g.bench_function("mul_base (fixed-base, constant time)", |b| b.iter(|| RistrettoPoint::mul_base(black_box(&s))));
    g.bench_function("variable-base mul (constant time)", |b| b.iter(|| black_box(s) * black_box(p)));
    g.bench_function("vartime double-base s*P + t*G", |b| {
        b.iter(|| RistrettoPoint::vartime_double_scalar_mul_basepoint(black_box(&s), black_box(&p), black_box(&t)))
    });
    g.bench_function("decompress", |b| b.iter(|| CompressedRistretto(black_box(enc.to_bytes())).decompress()));
    g.bench_function("compress", |b| b.iter(|| black_box(p).compress()));
    // The multiscalar multiplication a batch of 1,000 0/1 proofs needs: 6 points each.
    let n = 6 * 1000;
    let scalars: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
    let points: Vec<RistrettoPoint> = (0..n).map(|_| RistrettoPoint::random(&mut rng)).collect();
    g.sample_size(20);
    g.bench_function("vartime multiscalar, 6000 points (per 1000 proofs)", |b| {
        b.iter(|| RistrettoPoint::vartime_multiscalar_mul(scalars.iter(), points.iter()))
    });
    g.finish();
}

fn selection(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(2);
    let y = key(&mut rng);
    let mut g = c.benchmark_group("selection");
    g.bench_function("encrypt + prove 0/1", |b| {
        b.iter(|| {
            let (ct, r) = encrypt(&y, 1, &mut rng);
            let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &ct, lo: 0, hi: 1 };
            RangeProof::prove(&st, 1, &r, &mut rng).unwrap()
        })
    });
    let (ct, r) = encrypt(&y, 1, &mut rng);
    let st = RangeStatement { ctx: b"ctx", key: &y, ciphertext: &ct, lo: 0, hi: 1 };
    let proof = RangeProof::prove(&st, 1, &r, &mut rng).unwrap();
    g.bench_function("verify 0/1 one by one", |b| b.iter(|| proof.verify(&st).unwrap()));
    let bytes = proof.to_bytes();
    g.bench_function("decode 0/1 proof (4 elements)", |b| b.iter(|| RangeProof::decode(black_box(&bytes), 2).unwrap()));

    let n = 1000;
    let items: Vec<(Vec<u8>, Ciphertext, RangeProof)> = (0..n)
        .map(|i| {
            let m = i % 2;
            let (ct, r) = encrypt(&y, m, &mut rng);
            let ctx = format!("selection {i}").into_bytes();
            let st = RangeStatement { ctx: &ctx, key: &y, ciphertext: &ct, lo: 0, hi: 1 };
            let p = RangeProof::prove(&st, m, &r, &mut rng).unwrap();
            (ctx, ct, p)
        })
        .collect();
    g.sample_size(20);
    g.bench_function("verify 1000 0/1 proofs batched", |b| {
        b.iter(|| {
            let mut batch = BatchVerifier::with_capacity(6 * n as usize);
            for (ctx, ct, p) in &items {
                p.queue(&RangeStatement { ctx, key: &y, ciphertext: ct, lo: 0, hi: 1 }, &mut batch, &mut rng).unwrap();
            }
            batch.verify().unwrap()
        })
    });
    g.finish();
}

/// A 15-candidate election ballot: 45 selections, 15 item proofs, the cap proof.
fn ballot(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(3);
    let y = key(&mut rng);
    let seats = 11u64;
    let mut g = c.benchmark_group("ballot");
    g.bench_function("encrypt + prove 15-candidate election ballot", |b| {
        b.iter(|| {
            let mut for_cts = Vec::with_capacity(15);
            let mut for_nonces = Vec::with_capacity(15);
            for item in 0..15u64 {
                let choice = item % 3;
                let mut cts = Vec::with_capacity(3);
                let mut nonces = Vec::with_capacity(3);
                for option in 0..3u64 {
                    let m = u64::from(option == choice);
                    let (ct, r) = encrypt(&y, m, &mut rng);
                    let st = RangeStatement { ctx: b"sel", key: &y, ciphertext: &ct, lo: 0, hi: 1 };
                    black_box(RangeProof::prove(&st, m, &r, &mut rng).unwrap());
                    cts.push(ct);
                    nonces.push(r);
                }
                let sum = Ciphertext::sum(&cts);
                let st = RangeStatement { ctx: b"item", key: &y, ciphertext: &sum, lo: 0, hi: 1 };
                black_box(RangeProof::prove(&st, 1, &Nonce::sum(&nonces), &mut rng).unwrap());
                for_cts.push(cts[0]);
                for_nonces.push(nonces[0].clone());
            }
            let sum = Ciphertext::sum(&for_cts);
            let st = RangeStatement { ctx: b"cap", key: &y, ciphertext: &sum, lo: 0, hi: seats };
            RangeProof::prove(&st, 5, &Nonce::sum(&for_nonces), &mut rng).unwrap()
        })
    });
    g.finish();
}

fn ceremony(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(4);
    let params = Params::new(3, 5).unwrap();
    let mut g = c.benchmark_group("threshold");
    g.sample_size(20);
    g.bench_function("DKG 3-of-5, all five scrutineers' work", |b| {
        b.iter(|| {
            let dealers: Vec<Dealer> = (1..=5).map(|i| Dealer::new(params, i, &mut rng).unwrap()).collect();
            let msgs: Vec<_> = dealers.iter().map(|d| d.commitments(b"ceremony", &mut rng)).collect();
            for m in &msgs {
                m.verify(b"ceremony", params).unwrap();
            }
            let out = dkg::ceremony_output(params, &msgs).unwrap();
            for j in 1..=5 {
                let shares: Vec<_> = dealers.iter().map(|d| d.share_for(j).unwrap()).collect();
                for (s, m) in shares.iter().zip(&msgs) {
                    s.verify(m).unwrap();
                }
                dkg::key_share(j, &shares, &out).unwrap();
            }
            out
        })
    });
    let dealers: Vec<Dealer> = (1..=5).map(|i| Dealer::new(params, i, &mut rng).unwrap()).collect();
    let msgs: Vec<_> = dealers.iter().map(|d| d.commitments(b"ceremony", &mut rng)).collect();
    let out = dkg::ceremony_output(params, &msgs).unwrap();
    let keys: Vec<_> = (1..=5)
        .map(|j| {
            let shares: Vec<_> = dealers.iter().map(|d| d.share_for(j).unwrap()).collect();
            dkg::key_share(j, &shares, &out).unwrap()
        })
        .collect();
    let (ct, _) = encrypt(&out.joint_key, 9, &mut rng);
    g.sample_size(100);
    g.bench_function("decryption share with proof", |b| b.iter(|| keys[0].decryption_share(b"ctx", &ct, &mut rng)));
    let share = keys[0].decryption_share(b"ctx", &ct, &mut rng);
    g.bench_function("verify decryption share", |b| {
        b.iter(|| share.verify(b"ctx", &out.public_shares[0], &ct).unwrap())
    });
    let verified: Vec<_> = [0usize, 2, 4]
        .iter()
        .map(|&j| keys[j].decryption_share(b"ctx", &ct, &mut rng).verify(b"ctx", &out.public_shares[j], &ct).unwrap())
        .collect();
    g.bench_function("combine 3 shares", |b| b.iter(|| threshold::combine(&ct, &verified, 3).unwrap()));
    g.bench_function("recover total from m*G, bound 3000", |b| {
        b.iter_batched(
            || hallvote_crypto::dlog::DlogTable::new(3000),
            |t| t.recover(&hallvote_crypto::dlog::encode_value(2999)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, raw, selection, ballot, ceremony);
criterion_main!(benches);
