//! §13.5 on every core: decoding the cast ballots and verifying their proofs is
//! most of a record's verification time, and ballots are independent, so worker
//! threads take chunks of ballots, each verifying its chunk in one batch
//! (spec §4.4) with its own random weights.

use std::sync::atomic::{AtomicUsize, Ordering};

use hallvote_crypto::CryptoRng;
use hallvote_crypto::credential::Credential;
use hallvote_crypto::elgamal::PublicKey;
use hallvote_crypto::proofs::BatchVerifier;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::say::{at, entry as place, t};
use super::steps::bad_credential;
use crate::ballot::{BallotContext, BallotShape, BallotVerifier, EncryptedBallot};
use crate::record::format::BoardEntry;
use crate::text::Text;

/// Ballots per batch: large enough for Pippenger's multiscalar multiplication to
/// reach its per-point cost, small enough to keep memory modest and the work spread.
const CHUNK: usize = 64;

/// A worker's outcome: its ballots with their board positions, or the first
/// problem it found, with the board position it was found at.
type WorkerResult = Result<Vec<(usize, EncryptedBallot)>, (usize, Text)>;

/// Decodes and verifies the cast entries `(board position, entry)`; returns the
/// ballots in the order given, or the first problem found (by board position).
pub(crate) fn verify_cast<R: CryptoRng + ?Sized>(
    entries: &[(usize, &BoardEntry)],
    shape: &BallotShape,
    key: &PublicKey,
    election: &[u8; 64],
    rng: &mut R,
) -> Result<Vec<EncryptedBallot>, Text> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let seeds: Vec<[u8; 32]> = (0..workers)
        .map(|_| {
            let mut seed = [0u8; 32];
            rng.fill_bytes(&mut seed);
            seed
        })
        .collect();
    let next = AtomicUsize::new(0);
    let verifier = BallotVerifier::new(shape, key);
    let results: Vec<WorkerResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .iter()
            .map(|seed| {
                let (next, verifier) = (&next, &verifier);
                scope.spawn(move || {
                    let mut rng = StdRng::from_seed(*seed);
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= entries.len() {
                            return Ok(out);
                        }
                        let chunk = &entries[start..(start + CHUNK).min(entries.len())];
                        out.extend(verify_chunk(chunk, shape, verifier, election, &mut rng)?);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err((0, t("一个核验线程异常终止", "a verifier thread failed")))))
            .collect()
    });
    let mut ballots = Vec::with_capacity(entries.len());
    let mut first_error: Option<(usize, Text)> = None;
    for r in results {
        match r {
            Ok(v) => ballots.extend(v),
            Err(e) => {
                if first_error.as_ref().is_none_or(|(p, _)| e.0 < *p) {
                    first_error = Some(e);
                }
            }
        }
    }
    if let Some((_, msg)) = first_error {
        return Err(msg);
    }
    ballots.sort_by_key(|(pos, _)| *pos);
    Ok(ballots.into_iter().map(|(_, b)| b).collect())
}

fn verify_chunk(
    chunk: &[(usize, &BoardEntry)],
    shape: &BallotShape,
    verifier: &BallotVerifier<'_>,
    election: &[u8; 64],
    rng: &mut StdRng,
) -> WorkerResult {
    let mut decoded = Vec::with_capacity(chunk.len());
    for &(pos, entry) in chunk {
        let cred = Credential::from_bytes(entry.credential()).map_err(|e| (pos, bad_credential(pos, &e)))?;
        let ballot = EncryptedBallot::decode(entry.ballot(), shape).map_err(|e| (pos, at(&place(pos), &e.text())))?;
        decoded.push((pos, BallotContext { election: *election, serial: cred.serial() }, ballot));
    }
    // 6 points per 0/1 proof, plus the item and cap proofs' points.
    let mut batch = BatchVerifier::with_capacity(chunk.len() * (shape.selections() * 6 + 64));
    let queued = decoded.iter().all(|(_, ctx, b)| verifier.queue(ctx, b, &mut batch, rng).is_ok());
    if !(queued && batch.verify().is_ok()) {
        // Find the culprit, one proof at a time.
        for (pos, ctx, b) in &decoded {
            verifier.verify_one_by_one(ctx, b).map_err(|e| (*pos, at(&place(*pos), &e.text())))?;
        }
        let first = chunk.first().map_or(0, |(p, _)| *p);
        let (a, b) = (first + 1, chunk.last().map_or(0, |(p, _)| *p) + 1);
        return Err((
            first,
            t(
                format!("公告板第 {a} 至 {b} 条投出选票的证明成批核验未通过，但逐个核验均通过"),
                format!(
                    "the batch of ballot proofs fails although each proof verifies alone (the cast ballots among \
                     entries {a} to {b})"
                ),
            ),
        ));
    }
    Ok(decoded.into_iter().map(|(pos, _, b)| (pos, b)).collect())
}
