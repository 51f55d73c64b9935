//! The raw cost of one cast, measured in the load test's own run: the cryptography
//! the server cannot avoid for a cast, done by the same library calls the cast path
//! makes, on the run's own prepared ballots, on one thread, in CPU time. What the
//! server spends beyond it (HTTP, JSON, base64, the database, thread switches, the
//! receipt) is its overhead; the ratio of the two is the figure issue 20 asks for.
//!
//! Per cast:
//! - **credential**: the RSASSA-PSS verification of the blind-signed credential (§6.5);
//! - **station signature**: the station request's message (a hash of the body) and
//!   its Ed25519 verification (§15.5);
//! - **decode**: the ballot's bytes to group elements, every element decompressed;
//! - **proofs queued**: the proofs' statements (each item's and the cap's sum
//!   compressed), their Fiat–Shamir hashes and weights, into a batch;
//! - **multiscalar**: that batch's one multiscalar multiplication, shared by
//!   [`crate::casting::MAX_CHECK_BATCH`] ballots, per ballot;
//! - **hashes**: the tracking code the receipt names and the board entry's leaf hash;
//! - **tree head signed**: the Ed25519 signature on the tree head each receipt
//!   carries (§12.5): one per board entry.

use std::sync::Arc;
use std::time::Duration;

use hallvote_crypto::credential::{Credential, CredentialPublicKey, POLL_ID_LEN};
use hallvote_crypto::elgamal::PublicKey;
use hallvote_crypto::merkle::leaf_hash;
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_crypto::sign::{self, Signature};
use hallvote_crypto::tags;
use hallvote_protocol::wire::EntryRequest;
use hallvote_tally::ballot::{BallotContext, BallotShape, BallotVerifier, EncryptedBallot, TrackingCode};
use hallvote_tally::record::BoardEntry;
use hallvote_tally::record::builder::head_message;
use hyper::Method;

use super::{LoadError, fail};
use crate::stations_protocol::station_request_message;

/// What the raw cost is measured on: the run's poll and some of its prepared ballots.
pub(super) struct RawInputs {
    pub shape: Arc<BallotShape>,
    pub key: Arc<PublicKey>,
    pub credential_key: Arc<CredentialPublicKey>,
    pub poll_id: [u8; POLL_ID_LEN],
    pub election: [u8; 64],
    pub poll: i64,
}

/// The raw cost of one cast, microseconds of CPU time per step.
#[derive(Clone, Copy, Debug, Default)]
pub struct RawCost {
    /// RSA verification of the credential.
    pub credential_us: f64,
    /// The station request's message (body hash) and its Ed25519 verification.
    pub station_us: f64,
    /// Decoding the ballot (decompressing its elements).
    pub decode_us: f64,
    /// Queueing its proofs (sums compressed, challenges hashed, weights).
    pub queue_us: f64,
    /// Its share of a batch's multiscalar multiplication.
    pub multiscalar_us: f64,
    /// The tracking code and the board entry's leaf hash.
    pub hashes_us: f64,
    /// Signing the tree head of the entry.
    pub head_us: f64,
}

impl RawCost {
    /// The whole raw cost of one cast.
    pub fn total_us(&self) -> f64 {
        self.credential_us
            + self.station_us
            + self.decode_us
            + self.queue_us
            + self.multiscalar_us
            + self.hashes_us
            + self.head_us
    }
}

/// Measures the raw cost of one cast on `bodies` (prepared cast request bodies),
/// in one batch of up to [`crate::casting::MAX_CHECK_BATCH`], `rounds` times over; keeps the
/// cheapest round per step (the one least disturbed by other work on the core).
/// CPU-bound: run it off the async runtime.
pub(super) fn measure(inputs: &RawInputs, bodies: &[Vec<u8>], rounds: usize) -> Result<RawCost, LoadError> {
    let batch = crate::casting::MAX_CHECK_BATCH;
    let bodies = &bodies[..bodies.len().min(batch)];
    if bodies.is_empty() {
        return Err(fail("the raw cost needs a prepared ballot"));
    }
    let entries = bodies
        .iter()
        .map(|b| serde_json::from_slice::<EntryRequest>(b).map_err(fail))
        .collect::<Result<Vec<_>, _>>()?;
    // A station key and signatures of the real request messages, made before the clock.
    let station = hallvote_crypto::sign::SigningKey::generate(&mut rand::rng());
    let path = format!("/api/station/polls/{}/cast", inputs.poll);
    let signed: Vec<Signature> = bodies
        .iter()
        .map(|b| {
            let message = station_request_message(1, &Method::POST, &path, 1, &[7; 16], b);
            sign::sign(&station, tags::SIG_STATION_REQUEST, &message)
        })
        .collect();
    let station_key = station.verifying_key();
    let n = entries.len() as f64;
    let mut best: Option<RawCost> = None;
    let mut rng = rand::rng();
    for _ in 0..rounds.max(1) {
        let mut cost = RawCost::default();
        let t = super::cpu::this_thread;
        let per =
            |a: Option<Duration>, b: Option<Duration>| super::cpu::per_cast_us(a, b, 1).map_or(f64::NAN, |us| us / n);

        let t0 = t();
        let mut credentials = Vec::with_capacity(entries.len());
        for e in &entries {
            let cred = Credential::from_bytes(&e.credential.0).map_err(fail)?;
            cred.verify(&inputs.credential_key, &inputs.poll_id).map_err(fail)?;
            credentials.push(cred);
        }
        let t1 = t();
        cost.credential_us = per(t0, t1);

        for (b, s) in bodies.iter().zip(&signed) {
            let message = station_request_message(1, &Method::POST, &path, 1, &[7; 16], b);
            sign::verify(&station_key, tags::SIG_STATION_REQUEST, &message, s).map_err(fail)?;
        }
        let t2 = t();
        cost.station_us = per(t1, t2);

        let decoded = entries
            .iter()
            .map(|e| EncryptedBallot::decode(&e.ballot.0, &inputs.shape).map_err(fail))
            .collect::<Result<Vec<_>, _>>()?;
        let t3 = t();
        cost.decode_us = per(t2, t3);

        let mut queue = BatchVerifier::with_capacity(entries.len() * 512);
        let verifier = BallotVerifier::new(&inputs.shape, &inputs.key);
        for (ballot, cred) in decoded.iter().zip(&credentials) {
            let ctx = BallotContext { election: inputs.election, serial: cred.serial() };
            verifier.queue(&ctx, ballot, &mut queue, &mut rng).map_err(fail)?;
        }
        let t4 = t();
        cost.queue_us = per(t3, t4);

        queue.verify().map_err(fail)?;
        let t5 = t();
        cost.multiscalar_us = per(t4, t5);

        let mut heads = Vec::with_capacity(entries.len());
        for (e, cred) in entries.iter().zip(&credentials) {
            let ctx = BallotContext { election: inputs.election, serial: cred.serial() };
            std::hint::black_box(TrackingCode::of(&ctx, &e.ballot.0));
            let entry = BoardEntry::Cast { credential: e.credential.0.clone(), ballot: e.ballot.0.clone() };
            let leaf = leaf_hash(&entry.leaf());
            // A tree head: its size, then a root (here the leaf's hash, the same length).
            let mut head = [0; 40];
            head[..8].copy_from_slice(&(heads.len() as u64 + 1).to_be_bytes());
            head[8..].copy_from_slice(&leaf);
            heads.push(head);
        }
        let t6 = t();
        cost.hashes_us = per(t5, t6);

        for head in &heads {
            std::hint::black_box(sign::sign(&station, tags::SIG_TREE_HEAD, &head_message(head, &inputs.election)));
        }
        cost.head_us = per(t6, t());

        best = Some(match best {
            None => cost,
            Some(b) => RawCost {
                credential_us: b.credential_us.min(cost.credential_us),
                station_us: b.station_us.min(cost.station_us),
                decode_us: b.decode_us.min(cost.decode_us),
                queue_us: b.queue_us.min(cost.queue_us),
                multiscalar_us: b.multiscalar_us.min(cost.multiscalar_us),
                hashes_us: b.hashes_us.min(cost.hashes_us),
                head_us: b.head_us.min(cost.head_us),
            },
        });
    }
    best.ok_or_else(|| fail("no round measured"))
}
