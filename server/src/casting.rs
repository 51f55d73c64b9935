//! What the server computes for a poll's lifecycle (docs/adr/0008): the poll's
//! cryptographic context, the credential key sealed at rest, the checks of a cast
//! or challenged ballot, the ceremony's outcome and the election record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use hallvote_crypto::credential::{Credential, CredentialPublicKey, CredentialSecretKey, POLL_ID_LEN};
use hallvote_crypto::dkg::{CeremonyOutput, DealerCommitments, DealerShare, Params, ceremony_output};
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::hash::Hasher;
use hallvote_crypto::merkle::leaf_hash;
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_crypto::sign::SigningKey;
use hallvote_tally::ballot::{
    BallotContext, BallotError, BallotShape, BallotVerifier, EncryptedBallot, Opening, TrackingCode, check_opening,
};
use hallvote_tally::record::{BoardEntry, Fingerprint, Manifest};
use zeroize::Zeroizing;

use crate::db::StoreError;
use crate::db::casting::{EntryKind, NewEntry, PollRun};

/// The tag of the key that seals a poll's credential key at rest (spec §14.6).
pub const CREDENTIAL_SEAL_TAG: &str = "hallvote/server/credential-key-seal/v1";
/// The tag of a ceremony id (spec §14.5).
pub const CEREMONY_ID_TAG: &str = "hallvote/ceremony/v1";

/// A poll's frozen cryptographic context, once its ceremony has completed.
#[derive(Debug)]
pub struct PollContext {
    /// The manifest bytes.
    pub manifest_bytes: Vec<u8>,
    /// The manifest.
    pub manifest: Manifest,
    /// The ballot shape.
    pub shape: BallotShape,
    /// The credential poll id `H(manifest)` (spec §11.3).
    pub poll_id: [u8; POLL_ID_LEN],
    /// The joint key.
    pub joint_key: PublicKey,
    /// `E`.
    pub election: [u8; 64],
}

impl PollContext {
    /// Builds the context of a poll whose ceremony has completed.
    pub fn of(run: &PollRun) -> Result<Option<Self>, StoreError> {
        let (Some(manifest_bytes), Some(joint), Some(election)) = (&run.manifest, &run.joint_key, &run.election_hash)
        else {
            return Ok(None);
        };
        let corrupt = |what: &str| StoreError::Corrupt(format!("poll {}: {what}", run.id));
        let manifest = Manifest::decode(manifest_bytes).map_err(|e| corrupt(&format!("manifest: {e}")))?;
        let shape = manifest.shape().map_err(|e| corrupt(&format!("shape: {e}")))?;
        let joint: [u8; 32] = joint.as_slice().try_into().map_err(|_| corrupt("joint key length"))?;
        let joint_key = hallvote_tally::record::builder::joint_key(&joint).map_err(|_| corrupt("joint key"))?;
        let election: [u8; 64] = election.as_slice().try_into().map_err(|_| corrupt("election hash length"))?;
        Ok(Some(Self {
            poll_id: Manifest::poll_id(manifest_bytes),
            manifest_bytes: manifest_bytes.clone(),
            manifest,
            shape,
            joint_key,
            election,
        }))
    }
}

/// The contexts of the polls this process serves. A context never changes once its
/// poll opens; before that, a restarted ceremony (spec §14.3) gives the poll another
/// `E`: a ready poll's context is built afresh each time, never cached, and a cached
/// context of another `E` is built again.
#[derive(Debug, Default)]
pub struct ContextCache {
    contexts: Mutex<HashMap<i64, Arc<PollContext>>>,
}

impl ContextCache {
    /// The cached context of a poll, or `build` it and cache it.
    pub fn get_or_build(&self, run: &PollRun) -> Result<Option<Arc<PollContext>>, StoreError> {
        if let Some(c) = self.lock().get(&run.id)
            && run.election_hash.as_deref() == Some(&c.election[..])
        {
            return Ok(Some(Arc::clone(c)));
        }
        let Some(ctx) = PollContext::of(run)? else {
            return Ok(None);
        };
        let ctx = Arc::new(ctx);
        if !run.state.before_open() {
            self.lock().insert(run.id, Arc::clone(&ctx));
        }
        Ok(Some(ctx))
    }

    /// The cached context of a poll, if this process has built it.
    pub fn get(&self, poll_id: i64) -> Option<Arc<PollContext>> {
        self.lock().get(&poll_id).map(Arc::clone)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<PollContext>>> {
        self.contexts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What the hall checks a poll's keys by, once its key ceremony has finished: the
/// public shares `X₁…Xₙ` (spec §5.3) and the election fingerprint (spec §11.4).
#[derive(Debug)]
pub struct PollKeys {
    /// The election fingerprint.
    pub fingerprint: Fingerprint,
    /// `X₁ … Xₙ`, encoded.
    pub public_shares: Vec<[u8; 32]>,
}

/// A poll's row id and its ceremony id.
type CeremonyKey = (i64, Vec<u8>);

/// [`PollKeys`] by poll and ceremony id: computed once from the stored ceremony.
#[derive(Debug, Default)]
pub struct FingerprintCache {
    known: Mutex<HashMap<CeremonyKey, Arc<PollKeys>>>,
}

impl FingerprintCache {
    /// The election fingerprint of `run` once its ceremony has finished; `None` before.
    pub async fn of(&self, store: &crate::db::Store, run: &PollRun) -> Result<Option<Fingerprint>, StoreError> {
        Ok(self.keys(store, run).await?.map(|k| k.fingerprint))
    }

    /// The public shares and fingerprint of `run` once its ceremony has finished
    /// (a joint key is stored); `None` before. A ceremony that does not recompute to
    /// the stored joint key is corrupt data.
    pub async fn keys(&self, store: &crate::db::Store, run: &PollRun) -> Result<Option<Arc<PollKeys>>, StoreError> {
        let (Some(ceremony), Some(manifest), Some(joint), Some(k)) =
            (&run.ceremony_id, &run.manifest, &run.joint_key, run.threshold)
        else {
            return Ok(None);
        };
        let key = (run.id, ceremony.clone());
        if let Some(f) = self.lock().get(&key) {
            return Ok(Some(Arc::clone(f)));
        }
        let n = crate::db::casting::officers(store, run.id)
            .await?
            .iter()
            .filter(|o| o.role == crate::db::casting::OfficerRole::Scrutineer)
            .count();
        let corrupt = |what: &str| StoreError::Corrupt(format!("poll {}: {what}", run.id));
        let params = Params::new(k, u32::try_from(n).unwrap_or(0)).map_err(|_| corrupt("threshold"))?;
        let messages = crate::db::casting::dealings(store, run.id).await?;
        let confirmations = crate::db::casting::confirmations(store, run.id).await?;
        let result = ceremony_result(params, ceremony, &messages, &confirmations).map_err(|_| corrupt("ceremony"))?;
        let joint: [u8; 32] = joint.as_slice().try_into().map_err(|_| corrupt("joint key length"))?;
        if result.output.joint_key.element().as_bytes() != &joint {
            return Err(corrupt("the stored joint key is not the ceremony's"));
        }
        let public_shares: Vec<[u8; 32]> = result.output.public_shares.iter().map(|x| *x.as_bytes()).collect();
        let keys = Arc::new(PollKeys { fingerprint: Fingerprint::of(manifest, &joint, &public_shares), public_shares });
        self.lock().insert(key, Arc::clone(&keys));
        Ok(Some(keys))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CeremonyKey, Arc<PollKeys>>> {
        self.known.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A cast or challenge's answer from the board writer: the append, or what failed.
pub type CastAnswer = Result<crate::db::casting::Appended, String>;

/// One group-commit queue per poll for casts and challenges (crate::batch).
#[derive(Debug, Default)]
pub struct CastQueues {
    queues: Mutex<HashMap<i64, Arc<crate::batch::Batcher<NewEntry, CastAnswer>>>>,
}

impl CastQueues {
    /// The queue of poll `id`.
    pub fn of(&self, id: i64) -> Arc<crate::batch::Batcher<NewEntry, CastAnswer>> {
        let mut q = self.queues.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(q.entry(id).or_default())
    }
}

/// The ceremony id of a poll (spec §14.5): `H("hallvote/ceremony/v1", u64(session),
/// u64(poll row id), 32 random bytes)`.
pub fn ceremony_id<R: rand::CryptoRng + ?Sized>(session_id: i64, poll_row: i64, rng: &mut R) -> Vec<u8> {
    let mut nonce = [0u8; 32];
    rng.fill_bytes(&mut nonce);
    let mut h = Hasher::new(CEREMONY_ID_TAG);
    h.u64(session_id.unsigned_abs()).u64(poll_row.unsigned_abs()).bytes(&nonce);
    h.finalize().to_vec()
}

fn seal_key(server: &SigningKey) -> Zeroizing<[u8; 32]> {
    let seed = server.to_bytes();
    let mut h = Hasher::new(CREDENTIAL_SEAL_TAG);
    h.bytes(seed.as_slice());
    let wide = Zeroizing::new(h.finalize());
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&wide[..32]);
    key
}

fn seal_aad(poll_row: i64, pk: &CredentialPublicKey) -> Vec<u8> {
    let mut aad = poll_row.to_be_bytes().to_vec();
    aad.extend_from_slice(pk.to_spki_der());
    aad
}

/// Seals a poll's credential key under the server key (spec §14.6): XChaCha20-Poly1305
/// with key `H(tag, server seed)[0..32]`, a random 24-byte nonce, and the poll row id
/// and public key as associated data. Output: `nonce ‖ ciphertext ‖ tag`.
pub fn seal_credential_key<R: rand::CryptoRng + ?Sized>(
    server: &SigningKey,
    poll_row: i64,
    sk: &CredentialSecretKey,
    rng: &mut R,
) -> Result<Vec<u8>, String> {
    let der = sk.to_pkcs8_der().map_err(|e| e.to_string())?;
    let key = seal_key(server);
    let k: &[u8; 32] = &key;
    let cipher = XChaCha20Poly1305::new(<&Key>::from(k));
    let mut nonce = [0u8; 24];
    rng.fill_bytes(&mut nonce);
    let aad = seal_aad(poll_row, sk.public_key());
    let ct = cipher
        .encrypt(&XNonce::from(nonce), Payload { msg: der.as_slice(), aad: &aad })
        .map_err(|_| "sealing the credential key failed".to_owned())?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a sealed credential key (spec §14.6) and checks it matches the manifest's.
pub fn open_credential_key(
    server: &SigningKey,
    poll_row: i64,
    expected: &CredentialPublicKey,
    sealed: &[u8],
) -> Result<CredentialSecretKey, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("poll {poll_row}: sealed credential key does not open"));
    if sealed.len() < 24 + 16 {
        return Err(corrupt());
    }
    let (nonce, ct) = sealed.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| corrupt())?;
    let key = seal_key(server);
    let k: &[u8; 32] = &key;
    let cipher = XChaCha20Poly1305::new(<&Key>::from(k));
    let aad = seal_aad(poll_row, expected);
    let der =
        Zeroizing::new(cipher.decrypt(&XNonce::from(nonce), Payload { msg: ct, aad: &aad }).map_err(|_| corrupt())?);
    let sk = CredentialSecretKey::from_pkcs8_der(&der).map_err(|_| corrupt())?;
    if sk.public_key() != expected {
        return Err(corrupt());
    }
    Ok(sk)
}

/// Why a cast or challenge was refused before it reached the board.
#[derive(Debug, thiserror::Error)]
pub enum BallotRefusal {
    /// The credential bytes are not a credential (spec §6.4).
    #[error("malformed credential")]
    CredentialMalformed,
    /// The credential's signature does not verify under the poll's key.
    #[error("credential not issued for this poll")]
    CredentialInvalid,
    /// The ballot bytes do not decode for this poll.
    #[error("malformed ballot: {0}")]
    BallotMalformed(String),
    /// A proof does not verify (a forged or over-voted ballot).
    #[error("invalid ballot: {0}")]
    BallotInvalid(BallotError),
    /// The opening is malformed or does not match the ballot.
    #[error("opening: {0}")]
    Opening(String),
}

/// A ballot sent to the board: what a cast or challenge carries.
#[derive(Debug)]
pub struct BallotJob {
    /// The poll's context.
    pub ctx: Arc<PollContext>,
    /// The credential bytes (spec §6.4).
    pub credential: Vec<u8>,
    /// The ballot bytes (spec §10.4).
    pub ballot: Vec<u8>,
    /// For a challenge, the opening (spec §10.6).
    pub opening: Option<Vec<u8>>,
}

/// The answer to a [`BallotJob`].
pub type Checked = Result<NewEntry, BallotRefusal>;

/// A decoded ballot whose proofs are queued, and the entry it becomes if they hold.
struct Queued<'a> {
    job: &'a BallotJob,
    decoded: EncryptedBallot,
    bctx: BallotContext,
    entry: NewEntry,
}

/// Decodes a job and checks everything but the proofs: the credential's signature
/// (spec §6.4), the ballot's structure, the opening of a challenge (spec §10.6).
fn decode_job(job: &BallotJob) -> Result<(EncryptedBallot, BallotContext, NewEntry), BallotRefusal> {
    let ctx = &job.ctx;
    let cred = Credential::from_bytes(&job.credential).map_err(|_| BallotRefusal::CredentialMalformed)?;
    cred.verify(&ctx.manifest.credential_key, &ctx.poll_id).map_err(|_| BallotRefusal::CredentialInvalid)?;
    let decoded =
        EncryptedBallot::decode(&job.ballot, &ctx.shape).map_err(|e| BallotRefusal::BallotMalformed(e.to_string()))?;
    let bctx = BallotContext { election: ctx.election, serial: cred.serial() };
    let (kind, entry) = match &job.opening {
        None => (EntryKind::Cast, BoardEntry::Cast { credential: job.credential.clone(), ballot: job.ballot.clone() }),
        Some(o) => {
            let op = Opening::decode(o, &ctx.shape).map_err(|e| BallotRefusal::Opening(e.to_string()))?;
            check_opening(&ctx.shape, &ctx.joint_key, &decoded, &op)
                .map_err(|e| BallotRefusal::Opening(e.to_string()))?;
            let entry = BoardEntry::Spoiled {
                credential: job.credential.clone(),
                ballot: job.ballot.clone(),
                opening: o.clone(),
            };
            (EntryKind::Spoiled, entry)
        }
    };
    let entry = NewEntry {
        kind,
        serial: cred.serial(),
        tracking: *TrackingCode::of(&bctx, &job.ballot).as_bytes(),
        leaf_hash: leaf_hash(&entry.leaf()),
        entry: entry.to_bytes(),
    };
    Ok((decoded, bctx, entry))
}

/// Verifies ballots for the board and encodes their entries (spec §6.4, §10.3,
/// §10.6): each job is decoded and checked on its own, and the proofs of all of them
/// are verified in **one** batch (one multiscalar multiplication, spec §4.4), which
/// costs less per proof the more ballots share it. If the batch fails, each ballot is
/// verified alone, so one bad ballot is refused with its reason and the others pass.
/// CPU-bound: run it off the async runtime.
pub fn check_ballots(jobs: &[BallotJob]) -> Vec<Checked> {
    let mut rng = rand::rng();
    let mut answers: Vec<Option<Checked>> = Vec::with_capacity(jobs.len());
    let mut queued: Vec<(usize, Queued<'_>)> = Vec::new();
    let mut batch = BatchVerifier::with_capacity(jobs.len() * 512);
    for (i, job) in jobs.iter().enumerate() {
        match decode_job(job) {
            Err(refusal) => answers.push(Some(Err(refusal))),
            Ok((decoded, bctx, entry)) => {
                let verifier = BallotVerifier::new(&job.ctx.shape, &job.ctx.joint_key);
                match verifier.queue(&bctx, &decoded, &mut batch, &mut rng) {
                    Ok(()) => {
                        answers.push(None);
                        queued.push((i, Queued { job, decoded, bctx, entry }));
                    }
                    Err(e) => answers.push(Some(Err(BallotRefusal::BallotInvalid(e)))),
                }
            }
        }
    }
    let all_hold = !queued.is_empty() && batch.verify().is_ok();
    for (i, q) in queued {
        answers[i] = Some(if all_hold {
            Ok(q.entry)
        } else {
            BallotVerifier::new(&q.job.ctx.shape, &q.job.ctx.joint_key)
                .verify(&q.bctx, &q.decoded, &mut rng)
                .map(|_| q.entry)
                .map_err(BallotRefusal::BallotInvalid)
        });
    }
    answers.into_iter().map(|a| a.unwrap_or(Err(BallotRefusal::BallotMalformed("not checked".into())))).collect()
}

/// Verifies one ballot for the board (see [`check_ballots`]).
pub fn check_ballot(ctx: &Arc<PollContext>, credential: &[u8], ballot: &[u8], opening: Option<&[u8]>) -> Checked {
    let job = BallotJob {
        ctx: Arc::clone(ctx),
        credential: credential.to_vec(),
        ballot: ballot.to_vec(),
        opening: opening.map(<[u8]>::to_vec),
    };
    check_ballots(std::slice::from_ref(&job)).pop().unwrap_or(Err(BallotRefusal::BallotMalformed("not checked".into())))
}

/// Most ballots one verifier takes at once: enough to share a multiscalar
/// multiplication well, few enough that a batch is over in tens of milliseconds.
pub const MAX_CHECK_BATCH: usize = 32;

/// How much lower the verifiers' priority is than the rest of the server's (nice).
pub const VERIFIER_NICENESS: i32 = 10;

type CheckJob = (BallotJob, tokio::sync::oneshot::Sender<Checked>);

/// Ballots waiting to be verified, and one verifier thread per core. Each verifier,
/// when it is free, takes every ballot waiting (up to [`MAX_CHECK_BATCH`]) and checks
/// them in one batch ([`check_ballots`]); the verifiers never wait for each other, so
/// a core is never idle while a ballot waits, and batches grow with the load.
#[derive(Debug, Default)]
pub struct BallotChecks {
    queue: std::sync::OnceLock<std::sync::mpsc::Sender<CheckJob>>,
}

impl BallotChecks {
    /// Verifies a ballot with whatever else is waiting (see [`check_ballots`]).
    /// `None` if the verifier has gone (a panic in verification).
    pub async fn check(&self, job: BallotJob) -> Option<Checked> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel::<CheckJob>();
            let rx = Arc::new(Mutex::new(rx));
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            for n in 0..cores {
                let rx = Arc::clone(&rx);
                // The threads end when the queue's sender is dropped with this value.
                let _ = std::thread::Builder::new().name(format!("ballot-check-{n}")).spawn(move || check_loop(&rx));
            }
            tx
        });
        let (answer, wait) = tokio::sync::oneshot::channel();
        queue.send((job, answer)).ok()?;
        wait.await.ok()
    }
}

/// One verifier: waits for a ballot, takes whatever else has queued, checks them
/// together, answers each; until the queue closes.
fn check_loop(rx: &Mutex<std::sync::mpsc::Receiver<CheckJob>>) {
    // Verification is long work that batches better the longer it waits; the
    // requests' short steps (HTTP, the station signature, the database's round
    // trips) are not. A lower priority lets those run first when both are ready;
    // verification still has every idle cycle. Linux sets a nice value per thread.
    // Best effort: without it, verification merely competes evenly.
    let _ = rustix::process::nice(VERIFIER_NICENESS);
    loop {
        let jobs = {
            let Ok(rx) = rx.lock() else { return };
            let Ok(first) = rx.recv() else { return };
            let mut jobs = vec![first];
            while jobs.len() < MAX_CHECK_BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            jobs
        };
        let (jobs, answers): (Vec<BallotJob>, Vec<_>) = jobs.into_iter().unzip();
        for (answer, checked) in answers.into_iter().zip(check_ballots(&jobs)) {
            // A requester that has gone away no longer needs the answer.
            let _ = answer.send(checked);
        }
    }
}

/// The ceremony's outcome from every dealer message and every confirmation's
/// complaints (spec §5.3): a dealer is qualified if its message is valid and no
/// complaint against it is upheld (the complained share fails its check).
pub struct CeremonyResult {
    /// The qualified dealers and the joint key and public shares.
    pub output: CeremonyOutput,
    /// Every complaint, as stored.
    pub complaints: Vec<[u8; 40]>,
    /// Every dealer message, by dealer.
    pub messages: Vec<Vec<u8>>,
}

/// Why a ceremony could not complete.
#[derive(Debug, thiserror::Error)]
pub enum CeremonyFailure {
    /// Fewer than `k` dealers are qualified.
    #[error("only {0} dealers qualified")]
    TooFewQualified(usize),
    /// A stored message does not decode (cannot happen for messages checked on arrival).
    #[error("stored ceremony data is corrupt")]
    Corrupt,
}

/// Computes the ceremony's outcome (spec §5.3).
pub fn ceremony_result(
    params: Params,
    ceremony: &[u8],
    messages: &[(u32, Vec<u8>)],
    confirmations: &[(u32, Vec<u8>)],
) -> Result<CeremonyResult, CeremonyFailure> {
    let mut commitments: Vec<(u32, DealerCommitments)> = Vec::new();
    for (i, m) in messages {
        let c = DealerCommitments::decode(m).map_err(|_| CeremonyFailure::Corrupt)?;
        if c.verify(ceremony, params).is_ok() {
            commitments.push((*i, c));
        }
    }
    let mut complaints = Vec::new();
    let mut disqualified = Vec::new();
    for (_, blob) in confirmations {
        if !blob.len().is_multiple_of(40) {
            return Err(CeremonyFailure::Corrupt);
        }
        for chunk in blob.chunks_exact(40) {
            let bytes: [u8; 40] = chunk.try_into().map_err(|_| CeremonyFailure::Corrupt)?;
            complaints.push(bytes);
            let share = DealerShare::decode(&bytes).map_err(|_| CeremonyFailure::Corrupt)?;
            if let Some((_, c)) = commitments.iter().find(|(i, _)| *i == share.dealer)
                && share.verify(c).is_err()
            {
                disqualified.push(share.dealer);
            }
        }
    }
    let qualified: Vec<DealerCommitments> =
        commitments.into_iter().filter(|(i, _)| !disqualified.contains(i)).map(|(_, c)| c).collect();
    if qualified.len() < params.threshold() as usize {
        return Err(CeremonyFailure::TooFewQualified(qualified.len()));
    }
    let output = ceremony_output(params, &qualified).map_err(|_| CeremonyFailure::TooFewQualified(0))?;
    Ok(CeremonyResult { output, complaints, messages: messages.iter().map(|(_, m)| m.clone()).collect() })
}

/// Decodes stored aggregates (64 bytes each).
pub fn decode_aggregates(bytes: &[u8]) -> Result<Vec<Ciphertext>, StoreError> {
    if !bytes.len().is_multiple_of(64) {
        return Err(StoreError::Corrupt("aggregates length".into()));
    }
    bytes.chunks_exact(64).map(|c| Ciphertext::decode(c).map_err(|_| StoreError::Corrupt("aggregate".into()))).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use hallvote_crypto::credential::{blind, finalize, sign_blinded};
    use hallvote_crypto::dkg::Dealer;
    use hallvote_tally::Ruleset;
    use hallvote_tally::ballot::{PlainBallot, encrypt_ballot};
    use hallvote_tally::model::{Candidate, Contest, ContestKind, Election, ElectionKind, Poll};
    use hallvote_tally::record::Signer;

    use super::*;

    /// A poll of 3 candidates for 2 seats, its context and its credential key.
    fn context() -> (Arc<PollContext>, CredentialSecretKey) {
        let mut rng = rand::rng();
        let contest = Contest {
            id: "c".into(),
            title: "选举".into(),
            kind: ContestKind::Election(Election {
                write_ins: false,
                kind: ElectionKind::Competitive,
                by_election: false,
                seats: 2,
                candidates: ["王芳", "李娜", "张伟"].iter().map(|n| Candidate::new(*n)).collect(),
            }),
        };
        let server = SigningKey::generate(&mut rng);
        let sk = CredentialSecretKey::generate(&mut rng, 2048).unwrap();
        let manifest = Manifest {
            congress: "代表大会".into(),
            session: "第一次会议".into(),
            poll: hallvote_tally::model::Poll { name: "投票".into(), contests: vec![contest], attendance: None },
            ruleset: Ruleset::builtin("township-2020").unwrap(),
            scrutineers: vec![Signer { name: "监票人".into(), key: server.verifying_key() }],
            threshold: 1,
            counters: vec![],
            ceremony: b"ceremony".to_vec(),
            credential_key: sk.public_key().clone(),
            server_key: server.verifying_key(),
        };
        let _: &Poll = &manifest.poll;
        let bytes = manifest.to_bytes().unwrap();
        let params = Params::new(1, 1).unwrap();
        let dealer = Dealer::new(params, 1, &mut rng).unwrap();
        let out = ceremony_output(params, &[dealer.commitments(b"ceremony", &mut rng)]).unwrap();
        let run = PollRun {
            manifest: Some(bytes.clone()),
            joint_key: Some(out.joint_key.element().as_bytes().to_vec()),
            election_hash: Some(Manifest::election_hash(&bytes, &out.joint_key).to_vec()),
            ..PollRun::default()
        };
        (Arc::new(PollContext::of(&run).unwrap().unwrap()), sk)
    }

    fn job(ctx: &Arc<PollContext>, sk: &CredentialSecretKey, stolen_proofs_of: Option<&BallotJob>) -> BallotJob {
        let mut rng = rand::rng();
        let (req, st) = blind(sk.public_key(), &ctx.poll_id, &mut rng).unwrap();
        let cred = finalize(sk.public_key(), st, &sign_blinded(sk, &req, &mut rng).unwrap()).unwrap();
        let marks = vec![vec![vec![1, 0, 0], vec![0, 1, 0], vec![1, 0, 0]]];
        let bctx = BallotContext { election: ctx.election, serial: cred.serial() };
        let (ballot, _) =
            encrypt_ballot(&ctx.shape, &ctx.joint_key, &bctx, &PlainBallot::marks(marks), &mut rng).unwrap();
        let ballot = stolen_proofs_of.map_or_else(|| ballot.to_bytes(), |other| other.ballot.clone());
        BallotJob { ctx: Arc::clone(ctx), credential: cred.to_bytes(), ballot, opening: None }
    }

    /// One batch with a bad ballot in the middle: the bad one is refused with its
    /// reason, the others pass, in order.
    #[test]
    fn a_bad_ballot_in_a_batch_is_refused_alone() {
        let (ctx, sk) = context();
        let good1 = job(&ctx, &sk, None);
        let bad = job(&ctx, &sk, Some(&good1));
        let good2 = job(&ctx, &sk, None);
        let mut malformed = job(&ctx, &sk, None);
        malformed.credential.truncate(10);
        let answers = check_ballots(&[good1, bad, good2, malformed]);
        assert!(answers[0].is_ok());
        assert!(matches!(answers[1], Err(BallotRefusal::BallotInvalid(_))), "{:?}", answers[1]);
        assert!(answers[2].is_ok());
        assert!(matches!(answers[3], Err(BallotRefusal::CredentialMalformed)));
        // All good: one batch, all pass.
        let all = check_ballots(&[job(&ctx, &sk, None), job(&ctx, &sk, None)]);
        assert!(all.iter().all(Result::is_ok));
    }
}
