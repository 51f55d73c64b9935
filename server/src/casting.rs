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
use hallvote_crypto::sign::SigningKey;
use hallvote_tally::ballot::{
    BallotContext, BallotError, BallotShape, BallotVerifier, EncryptedBallot, Opening, TrackingCode, check_opening,
};
use hallvote_tally::record::{BoardEntry, Manifest};
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

/// The contexts of the polls this process serves (they never change once built).
#[derive(Debug, Default)]
pub struct ContextCache {
    contexts: Mutex<HashMap<i64, Arc<PollContext>>>,
}

impl ContextCache {
    /// The cached context of a poll, or `build` it and cache it.
    pub fn get_or_build(&self, run: &PollRun) -> Result<Option<Arc<PollContext>>, StoreError> {
        if let Some(c) = self.lock().get(&run.id) {
            return Ok(Some(Arc::clone(c)));
        }
        let Some(ctx) = PollContext::of(run)? else {
            return Ok(None);
        };
        let ctx = Arc::new(ctx);
        self.lock().insert(run.id, Arc::clone(&ctx));
        Ok(Some(ctx))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<PollContext>>> {
        self.contexts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// Verifies a ballot for the board and encodes its entry: the credential's
/// signature (spec §6.4), the ballot's structure and every proof (spec §10.3), and
/// for a challenge the opening (spec §10.6). CPU-bound: run it off the async runtime.
pub fn check_ballot(
    ctx: &PollContext,
    credential: &[u8],
    ballot: &[u8],
    opening: Option<&[u8]>,
) -> Result<NewEntry, BallotRefusal> {
    let cred = Credential::from_bytes(credential).map_err(|_| BallotRefusal::CredentialMalformed)?;
    cred.verify(&ctx.manifest.credential_key, &ctx.poll_id).map_err(|_| BallotRefusal::CredentialInvalid)?;
    let decoded =
        EncryptedBallot::decode(ballot, &ctx.shape).map_err(|e| BallotRefusal::BallotMalformed(e.to_string()))?;
    let bctx = BallotContext { election: ctx.election, serial: cred.serial() };
    BallotVerifier::new(&ctx.shape, &ctx.joint_key)
        .verify(&bctx, &decoded, &mut rand::rng())
        .map_err(BallotRefusal::BallotInvalid)?;
    let (kind, entry) = match opening {
        None => (EntryKind::Cast, BoardEntry::Cast { credential: credential.to_vec(), ballot: ballot.to_vec() }),
        Some(o) => {
            let op = Opening::decode(o, &ctx.shape).map_err(|e| BallotRefusal::Opening(e.to_string()))?;
            check_opening(&ctx.shape, &ctx.joint_key, &decoded, &op)
                .map_err(|e| BallotRefusal::Opening(e.to_string()))?;
            (
                EntryKind::Spoiled,
                BoardEntry::Spoiled { credential: credential.to_vec(), ballot: ballot.to_vec(), opening: o.to_vec() },
            )
        }
    };
    Ok(NewEntry {
        kind,
        serial: cred.serial(),
        tracking: *TrackingCode::of(&bctx, ballot).as_bytes(),
        leaf_hash: leaf_hash(&entry.leaf()),
        entry: entry.to_bytes(),
    })
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
