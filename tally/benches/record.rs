//! Criterion benchmark of the record verifier (spec §13) on records of 300, 1,000 and
//! 3,000 cast ballots of the contest set (an 11-candidate election for
//! 9 seats, a 9-member confidence vote, a 7-member evaluation and 3 motions: 97
//! selections a ballot), beside the raw curve cost that verification needs, measured
//! in the same run (docs/PERFORMANCE.md).
//!
//! Groups:
//! - `record_verify`: [`verify_record`] on each whole record (every step of §13);
//! - `record_raw`: one variable-time multiscalar multiplication over as many points
//!   as the batch of one 64-ballot chunk of §13.5 holds, and one decompression;
//! - `record_13_5_chunk`: the three parts of §13.5 on one 64-ballot chunk, on one
//!   core, through the public API (decode; challenges and queueing; the batch's
//!   multiscalar multiplication);
//! - `record_other_steps`: the single-threaded steps that grow with the board, on
//!   the largest record.
//!
//! After the groups, a summary derived from criterion's median estimates of this
//! run is printed as rows for docs/PERFORMANCE.md.
//!
//! Records are built by the in-process session of the record tests (key ceremony,
//! credentials, ballots, tally, signatures) and cached under
//! `target/bench-records/record-N.hvrec`; a cached file is used only if it decodes,
//! holds `N` cast ballots and verifies. Environment:
//! `HALLVOTE_BENCH_BALLOTS=300,1000` picks the sizes; `HALLVOTE_BENCH_REBUILD=1`
//! rebuilds the records. Under `--test` (or `--list`) only a 64-ballot record is used.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/record_common/mod.rs"]
mod record_common;

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use hallvote_crypto::credential::Credential;
use hallvote_crypto::elgamal::PublicKey;
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_tally::ballot::{BallotContext, BallotShape, BallotVerifier, EncryptedBallot};
use hallvote_tally::record::builder::board_log;
use hallvote_tally::record::{BoardEntry, Manifest, Record, verify_record};
use rand::SeedableRng;
use rand::rngs::StdRng;
use record_common::{Spec, full_poll, run};

/// Ballots per batch in §13.5 (`CHUNK` in tally/src/record/verify/ballots.rs).
const CHUNK: usize = 64;
/// The record sizes of the issue.
const SIZES: [usize; 3] = [300, 1000, 3000];
/// The target for 3,000 ballots.
const TARGET: Duration = Duration::from_secs(10);

fn main() {
    let started = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    let fixtures: Vec<Fixture> = sizes().into_iter().map(Fixture::load_or_build).collect();
    let largest = fixtures.iter().max_by_key(|f| f.ballots).expect("at least one size");
    let parts = Parts::of(largest);

    verify_group(&mut c, &fixtures);
    raw_group(&mut c, &parts);
    chunk_group(&mut c, &parts);
    other_steps_group(&mut c, largest);
    c.final_summary();
    summary(&fixtures, &parts, started);
}

fn sizes() -> Vec<usize> {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return vec![CHUNK];
    }
    match std::env::var("HALLVOTE_BENCH_BALLOTS") {
        Ok(list) => {
            list.split(',').map(|s| s.trim().replace('_', "").parse().expect("HALLVOTE_BENCH_BALLOTS")).collect()
        }
        Err(_) => SIZES.to_vec(),
    }
}

/// `verify_record` on each whole record.
fn verify_group(c: &mut Criterion, fixtures: &[Fixture]) {
    let mut g = c.benchmark_group("record_verify");
    g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(500));
    for f in fixtures {
        // Ten samples of one verification each (criterion rounds the iterations per
        // sample up, so a little under ten verifications' time).
        g.measurement_time((f.check * 9).max(Duration::from_secs(3)));
        g.bench_with_input(BenchmarkId::new("verify_record", f.ballots), &f.bytes, |b, bytes| {
            let mut rng = rand::rng();
            b.iter(|| {
                let report = verify_record(bytes, &mut rng);
                assert!(report.ok(), "{report}");
                report
            })
        });
    }
    g.finish();
}

/// The raw curve operations: the multiscalar multiplication over one chunk's points
/// (random full-width scalars), and one decompression.
fn raw_group(c: &mut Criterion, parts: &Parts) {
    let mut rng = StdRng::seed_from_u64(7);
    let n = parts.chunk_points;
    let scalars: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
    let points: Vec<RistrettoPoint> = (0..n).map(|_| RistrettoPoint::random(&mut rng)).collect();
    let enc = RistrettoPoint::random(&mut rng).compress().to_bytes();
    let mut g = c.benchmark_group("record_raw");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function(BenchmarkId::new("vartime_multiscalar", n), |b| {
        b.iter(|| RistrettoPoint::vartime_multiscalar_mul(scalars.iter(), points.iter()))
    });
    g.bench_function("decompress", |b| b.iter(|| CompressedRistretto(black_box(enc)).decompress()));
    g.finish();
}

/// §13.5 on one 64-ballot chunk, one core, split into its parts.
fn chunk_group(c: &mut Criterion, parts: &Parts) {
    let verifier = BallotVerifier::new(&parts.shape, &parts.key);
    let decoded = parts.decode_chunk();
    let queue = |rng: &mut StdRng| {
        // The capacity §13.5 reserves (ballots.rs `verify_chunk`).
        let mut batch = BatchVerifier::with_capacity(CHUNK * parts.shape.selections() * 6);
        for (ctx, ballot) in &decoded {
            verifier.queue(ctx, ballot, &mut batch, rng).unwrap();
        }
        batch
    };
    let mut rng = StdRng::seed_from_u64(8);
    // The point count derived from the shape is what the verifier really queues.
    assert_eq!(queue(&mut rng).len(), parts.chunk_points, "points per chunk");

    let mut g = c.benchmark_group("record_13_5_chunk");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function("decode", |b| b.iter(|| parts.decode_chunk()));
    g.bench_function("queue", |b| b.iter(|| queue(&mut rng)));
    g.bench_function("batch_verify", |b| {
        b.iter_batched(|| queue(&mut rng), |batch| batch.verify().unwrap(), BatchSize::PerIteration)
    });
    g.finish();
}

/// The steps that grow with the board and run on one core, on the largest record:
/// §13.1 (decode the file), §13.4 (credentials), §13.7 (the board's Merkle tree)
/// and §13.13 (the body digest).
fn other_steps_group(c: &mut Criterion, f: &Fixture) {
    let (record, body_len) = Record::decode(&f.bytes).unwrap();
    let manifest = Manifest::decode(&record.manifest).unwrap();
    let poll_id = Manifest::poll_id(&record.manifest);
    let mut g = c.benchmark_group("record_other_steps");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function(BenchmarkId::new("13_1_decode", f.ballots), |b| b.iter(|| Record::decode(&f.bytes).unwrap()));
    g.bench_function(BenchmarkId::new("13_4_credentials", f.ballots), |b| {
        b.iter(|| {
            for e in &record.board {
                let cred = Credential::from_bytes(e.credential()).unwrap();
                cred.verify(&manifest.credential_key, &poll_id).unwrap();
                black_box(cred.serial());
            }
        })
    });
    g.bench_function(BenchmarkId::new("13_7_board_log", f.ballots), |b| b.iter(|| board_log(&record.board).root()));
    g.bench_function(BenchmarkId::new("13_13_body_digest", f.ballots), |b| {
        b.iter(|| Record::body_digest(&f.bytes[..body_len]))
    });
    g.finish();
}

/// A record of `ballots` cast ballots, built or read from the cache.
struct Fixture {
    ballots: usize,
    bytes: Vec<u8>,
    /// How long building it took (now or when it was cached), if known.
    build: Option<Duration>,
    /// One verification, done to check the file (also a first timing): wall clock.
    check: Duration,
    /// The process CPU time of that verification (Linux), all threads.
    check_cpu: Option<Duration>,
}

impl Fixture {
    fn load_or_build(ballots: usize) -> Self {
        let dir = target_dir().join("bench-records");
        let path = dir.join(format!("record-{ballots}.hvrec"));
        let info = dir.join(format!("record-{ballots}.build-seconds"));
        let rebuild = std::env::var_os("HALLVOTE_BENCH_REBUILD").is_some();
        if !rebuild && let Ok(bytes) = fs::read(&path) {
            if let Some((check, check_cpu)) = check(&bytes, ballots) {
                let build =
                    fs::read_to_string(&info).ok().and_then(|s| s.trim().parse().ok()).map(Duration::from_secs_f64);
                eprintln!("record-{ballots}: cached {} (verified in {check:.2?}, CPU {check_cpu:.2?})", path.display());
                return Self { ballots, bytes, build, check, check_cpu };
            }
            eprintln!("record-{ballots}: cached file no longer verifies; rebuilding");
        }
        eprintln!("record-{ballots}: building {ballots} ballots (key ceremony, credentials, ballots, tally) …");
        let start = Instant::now();
        let session = run(Spec {
            expected: (ballots + ballots / 20) as u32,
            present: ballots as u32,
            contests: full_poll(),
            spoiled: 2,
            decrypting: vec![1, 3, 5],
            seed: ballots as u64,
        });
        let bytes = session.record.to_bytes();
        let build = start.elapsed();
        let (check, check_cpu) = check(&bytes, ballots).expect("a freshly built record verifies");
        fs::create_dir_all(&dir).unwrap();
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, &bytes).unwrap();
        fs::rename(&tmp, &path).unwrap();
        fs::write(&info, format!("{:.3}\n", build.as_secs_f64())).unwrap();
        eprintln!(
            "record-{ballots}: built in {build:.2?}, {} bytes, verified in {check:.2?} (CPU {check_cpu:.2?}); cached at {}",
            bytes.len(),
            path.display()
        );
        Self { ballots, bytes, build: Some(build), check, check_cpu }
    }
}

/// The wall-clock and CPU time of one verification, if `bytes` is a valid record of
/// `ballots` cast ballots.
fn check(bytes: &[u8], ballots: usize) -> Option<(Duration, Option<Duration>)> {
    let (record, _) = Record::decode(bytes).ok()?;
    if cast(&record).count() != ballots {
        return None;
    }
    drop(record);
    let (start, cpu) = (Instant::now(), cpu_time());
    let report = verify_record(bytes, &mut rand::rng());
    let t = start.elapsed();
    let cpu = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    report.ok().then_some((t, cpu))
}

/// The CPU time this process has used, all threads (user + system), from
/// `/proc/self/stat` in clock ticks of 10 ms (Linux; `None` elsewhere). Unlike the
/// wall clock it does not grow when other processes share the cores.
fn cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 14th
    // and 15th fields of the line, the 12th and 13th after the name.
    let mut rest = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let (user, system): (u64, u64) = (rest.next()?.parse().ok()?, rest.next()?.parse().ok()?);
    Some(Duration::from_millis((user + system) * 10))
}

fn cast(record: &Record) -> impl Iterator<Item = &BoardEntry> {
    record.board.iter().filter(|e| matches!(e, BoardEntry::Cast { .. }))
}

/// `$CARGO_TARGET_DIR`, or the workspace's `target/`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"))
}

/// What §13.5 works on, taken from the largest record, and the counts derived
/// from the ballot shape.
struct Parts {
    shape: BallotShape,
    key: PublicKey,
    election: [u8; 64],
    /// The first chunk's cast entries: (credential, ballot) bytes.
    chunk: Vec<(Vec<u8>, Vec<u8>)>,
    /// Points in the batch of one full chunk (`BatchVerifier::len`).
    chunk_points: usize,
    /// Element decodings (decompressions) per ballot.
    elements: usize,
    /// Proofs per ballot.
    proofs: usize,
}

impl Parts {
    fn of(f: &Fixture) -> Self {
        let (record, _) = Record::decode(&f.bytes).unwrap();
        let manifest = Manifest::decode(&record.manifest).unwrap();
        let shape = manifest.shape().unwrap();
        let key = PublicKey::decode(&record.ceremony.joint_key).unwrap();
        let election = Manifest::election_hash(&record.manifest, &key);
        let chunk: Vec<_> = cast(&record).take(CHUNK).map(|e| (e.credential().to_vec(), e.ballot().to_vec())).collect();
        assert_eq!(chunk.len(), CHUNK, "the largest record has at least one full chunk");
        let count = Counts::of(&shape);
        // Every ciphertext is 2 elements (64 bytes) and every branch 2 elements and
        // 2 scalars (128 bytes); the rest of a ballot is its counts and flags.
        let headers = 1 + 4 + shape.contests.iter().map(|c| 4 + c.items.len() + 1).sum::<usize>();
        assert_eq!(chunk[0].1.len(), headers + 64 * count.ciphertexts + 128 * count.branches, "ballot length");
        Self {
            shape,
            key,
            election,
            chunk,
            chunk_points: CHUNK * count.points + 2,
            elements: 2 * count.ciphertexts + 2 * count.branches,
            proofs: count.proofs,
        }
    }

    /// §13.5's decoding of the chunk: each credential (for its serial) and ballot.
    fn decode_chunk(&self) -> Vec<(BallotContext, EncryptedBallot)> {
        self.chunk
            .iter()
            .map(|(cred, ballot)| {
                let serial = Credential::from_bytes(cred).unwrap().serial();
                (
                    BallotContext { election: self.election, serial },
                    EncryptedBallot::decode(ballot, &self.shape).unwrap(),
                )
            })
            .collect()
    }
}

/// Per ballot, from the shape (tally/src/ballot/verify.rs `statements`, and
/// `RangeProof::queue` in crypto/src/proofs/range.rs): every selection has a 0/1
/// proof (2 branches), every item a sum proof (`max − min + 1` branches), an
/// election a cap proof (`seats + 1` branches). `queue` adds 2 points per branch
/// (`a`, `b`) and the statement's ciphertext (`A`, `B`); the terms on `G` and `Y`
/// are gathered into two points for the whole batch.
struct Counts {
    ciphertexts: usize,
    branches: usize,
    proofs: usize,
    points: usize,
}

impl Counts {
    fn of(shape: &BallotShape) -> Self {
        let mut n = Self { ciphertexts: 0, branches: 0, proofs: 0, points: 0 };
        let mut proof = |branches: usize| {
            n.branches += branches;
            n.proofs += 1;
            n.points += 2 * branches + 2;
        };
        let mut ciphertexts = 0;
        for contest in &shape.contests {
            for item in &contest.items {
                ciphertexts += usize::from(item.options);
                for _ in 0..item.options {
                    proof(2);
                }
                proof(usize::from(item.max_marks - item.min_marks) + 1);
            }
            if let Some(cap) = contest.cap {
                proof(cap.max as usize + 1);
            }
        }
        n.ciphertexts = ciphertexts;
        n
    }
}

/// Prints the rows of docs/PERFORMANCE.md from this run's criterion estimates.
fn summary(fixtures: &[Fixture], parts: &Parts, started: SystemTime) {
    let est = |id: &str| median(id, started);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let msm = est(&format!("record_raw/vartime_multiscalar/{}", parts.chunk_points));
    let dec = est("record_raw/decompress");
    let chunk =
        [est("record_13_5_chunk/decode"), est("record_13_5_chunk/queue"), est("record_13_5_chunk/batch_verify")];
    let s = |d: Option<f64>| d.map_or("—".to_owned(), fmt_secs);
    println!("\n== record verification summary (criterion medians of this run; {workers} worker threads) ==");
    println!(
        "per ballot: {} proofs, {} points in the batch, {} element decodings; one {CHUNK}-ballot chunk: {} points",
        parts.proofs,
        (parts.chunk_points - 2) / CHUNK,
        parts.elements,
        parts.chunk_points
    );
    println!(
        "raw: multiscalar over {} points {}, decompression {}; chunk on one core: decode {}, queue {}, batch verify {}",
        parts.chunk_points,
        s(msm),
        s(dec),
        s(chunk[0]),
        s(chunk[1]),
        s(chunk[2])
    );
    let verify = |f: &Fixture| est(&format!("record_verify/verify_record/{}", f.ballots));
    let first = fixtures.iter().find_map(|f| Some((f.ballots, verify(f)?)));
    let cores = workers as f64;

    println!("\n| ballots | build (one core) | verify | per ballot | scaling | CPU of one verify | 10 s target |");
    println!("|---|---|---|---|---|---|---|");
    for f in fixtures {
        let n = f.ballots as f64;
        let t = verify(f);
        let scaling = first
            .zip(t)
            .map_or("—".to_owned(), |((n0, t0), t)| format!("×{:.2} for ×{:.2} ballots", t / t0, n / n0 as f64));
        let target = match (f.ballots, t) {
            (3000, Some(t)) if t < TARGET.as_secs_f64() => "met",
            (3000, Some(_)) => "**not met**",
            _ => "—",
        };
        println!(
            "| {} | {} | {} | {} | {scaling} | {} | {target} |",
            f.ballots,
            f.build.map_or("—".to_owned(), |b| fmt_secs(b.as_secs_f64())),
            s(t),
            s(t.map(|t| t / n)),
            s(f.check_cpu.map(|c| c.as_secs_f64())),
        );
    }

    println!(
        "\n| ballots | raw msm (one core) | raw decompressions (one core) | raw total ÷ {workers} cores | verify ÷ that | CPU ÷ raw total | verify × {workers} ÷ raw msm | §13.5 est. on {workers} cores |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for f in fixtures {
        let n = f.ballots as f64;
        let t = verify(f);
        let raw_msm = msm.map(|m| m * n / CHUNK as f64);
        let raw_dec = dec.map(|d| d * (parts.elements as f64) * n);
        let raw = raw_msm.zip(raw_dec).map(|(a, b)| a + b);
        let ideal = raw.map(|r| r / cores);
        let ratio = |x: Option<f64>| x.map_or("—".to_owned(), |x| format!("{x:.2}"));
        let est_13_5 = chunk.iter().copied().sum::<Option<f64>>().map(|c| c * n / CHUNK as f64 / cores);
        let share = est_13_5.zip(t).map_or(String::new(), |(e, t)| format!(" ({:.0} % of verify)", 100.0 * e / t));
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {}{share} |",
            f.ballots,
            s(raw_msm),
            s(raw_dec),
            s(ideal),
            ratio(t.zip(ideal).map(|(t, i)| t / i)),
            ratio(f.check_cpu.zip(raw).map(|(c, r)| c.as_secs_f64() / r)),
            ratio(t.zip(raw_msm).map(|(t, m)| t * cores / m)),
            s(est_13_5),
        );
    }
    let largest = fixtures.iter().map(|f| f.ballots).max().unwrap_or(0);
    let steps = ["13_1_decode", "13_4_credentials", "13_7_board_log", "13_13_body_digest"];
    let times: Vec<Option<f64>> = steps.iter().map(|st| est(&format!("record_other_steps/{st}/{largest}"))).collect();
    let other: Vec<String> = steps.iter().zip(&times).map(|(st, t)| format!("{st} {}", s(*t))).collect();
    let total = times.iter().copied().sum::<Option<f64>>();
    println!("\nsingle-threaded steps at {largest} ballots: {} (together {})", other.join(", "), s(total));
    // What neither §13.5 nor those steps explain: the other steps (13.6, 13.9 to
    // 13.12, the receipt heads of 13.7) and whatever the estimates miss.
    let t = fixtures.iter().find(|f| f.ballots == largest).and_then(verify);
    let est_13_5 = chunk.iter().copied().sum::<Option<f64>>().map(|c| c * largest as f64 / CHUNK as f64 / cores);
    let rest = t.zip(est_13_5).zip(total).map(|((t, e), o)| t - e - o);
    println!(
        "rest of verify at {largest} ballots: verify {} − §13.5 est. {} − those steps {} = {}",
        s(t),
        s(est_13_5),
        s(total),
        s(rest)
    );
}

/// Criterion's median estimate, in seconds, of benchmark `id` if it was measured
/// in this run (criterion writes `<criterion home>/<id>/new/estimates.json`).
fn median(id: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_home().join(id).join("new").join("estimates.json");
    if fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&fs::read(&path).ok()?).ok()?;
    Some(v["median"]["point_estimate"].as_f64()? / 1e9)
}

/// Where criterion writes: `$CRITERION_HOME`, else the cargo target directory
/// (under `cargo bench`, or with `$CARGO_TARGET_DIR`), else `./target/criterion`.
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if std::env::var_os("CARGO_TARGET_DIR").is_some() || std::env::var_os("CARGO").is_some() {
        return target_dir().join("criterion");
    }
    PathBuf::from("target").join("criterion")
}

fn fmt_secs(s: f64) -> String {
    if s.abs() >= 1.0 {
        format!("{s:.2} s")
    } else if s.abs() >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}
