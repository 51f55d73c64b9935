//! What a scrutineer's station decrypts: the board's totals, recomputed here, and
//! nothing else (spec §14.8, §15.9). A server that hands a station a "total" of a
//! chosen few ballots learns those ballots from the decryption (Helios issue #170).
//! So the station downloads the whole sealed board, checks it against the final tree
//! head the server signed for the poll (the head every receipt's is a state of, and
//! the one the published record must carry), checks every cast ballot's credential
//! and proofs as the verifier does (spec §13.4–§13.5, §13.7), sums the cast ballots
//! itself (spec §12.6), and refuses if the server's aggregates are not those sums.

use std::collections::HashSet;

use hallvote_crypto::credential::Credential;
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::merkle::TreeHead;
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_tally::ballot::{BallotContext, BallotShape, BallotVerifier, EncryptedBallot};
use hallvote_tally::record::builder::{aggregate, board_log, head_message};
use hallvote_tally::record::{BoardEntry, Manifest};
use http::Method;

use hallvote_protocol::wire::Aggregates;

use super::{Result, Scrutineer, ScrutineerError, blocking, refused, untrusted};
use hallvote_tally::Lang;

/// Ballots whose proofs are verified in one batch (spec §4.4).
const BATCH: usize = 64;

/// What the station needs to check a board: the poll's manifest, shape and keys.
pub(super) struct Poll {
    pub(super) manifest_bytes: Vec<u8>,
    pub(super) manifest: Manifest,
    pub(super) shape: BallotShape,
    pub(super) joint_key: PublicKey,
    pub(super) election: [u8; 64],
}

impl Scrutineer {
    /// The aggregates of poll `poll` as this station recomputes them from the sealed
    /// board, after checking the board (see the module's documentation); refuses with
    /// [`ScrutineerError::NotTheBoardTotal`] if they are not the server's.
    pub(super) async fn board_total(&self, poll: i64, lang: Lang, p: Poll) -> Result<Vec<Ciphertext>> {
        let agg: Aggregates = self.get(lang, &format!("/api/station/polls/{poll}/aggregates")).await?;
        if agg.election.0 != p.election {
            return Err(untrusted("the election context is not the manifest's"));
        }
        let theirs = agg
            .aggregates
            .iter()
            .enumerate()
            .map(|(s, a)| Ciphertext::decode(&a.0).map_err(|_| untrusted(format!("aggregates[{s}]"))))
            .collect::<Result<Vec<_>>>()?;
        let (size, head, signature) = (agg.board_size, agg.head.0, agg.signature.0);
        let mut entries = Vec::new();
        while (entries.len() as u64) < size {
            let path = format!("/api/station/polls/{poll}/board-entries?from={}", entries.len());
            let a = self.link(lang).call(Method::GET, &path, None).await.map_err(ScrutineerError::Unreachable)?;
            if !a.status.is_success() {
                return Err(refused(&a));
            }
            let before = entries.len();
            split_page(&a.body, &mut entries)?;
            if entries.len() == before {
                return Err(ScrutineerError::BoardInvalid(format!(
                    "the server served {before} of the {size} entries its signed head covers"
                )));
            }
        }
        blocking(move || check_board(&p, &head, &signature, &entries, &theirs)).await?
    }
}

/// Splits a page of `u32be(len) ‖ entry` items onto `entries`.
fn split_page(mut page: &[u8], entries: &mut Vec<Vec<u8>>) -> Result<()> {
    while !page.is_empty() {
        let (len, rest) = page.split_at_checked(4).ok_or_else(|| untrusted("board page: a cut length"))?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (entry, rest) = rest.split_at_checked(len).ok_or_else(|| untrusted("board page: a cut entry"))?;
        entries.push(entry.to_vec());
        page = rest;
    }
    Ok(())
}

/// The checks of the module's documentation, in order; the aggregates recomputed.
fn check_board(
    p: &Poll,
    head: &[u8; 40],
    signature: &[u8; 64],
    raw: &[Vec<u8>],
    theirs: &[Ciphertext],
) -> Result<Vec<Ciphertext>> {
    let bad = ScrutineerError::BoardInvalid;
    let sig = Signature::from_bytes(signature).map_err(|_| bad("the final tree head's signature".into()))?;
    verify(&p.manifest.server_key, tags::SIG_TREE_HEAD, &head_message(head, &p.election), &sig)
        .map_err(|_| bad("the server's signature on the final tree head does not verify".into()))?;
    let signed = TreeHead::from_bytes(head).map_err(|_| bad("the final tree head".into()))?;
    let entries: Vec<BoardEntry> = raw
        .iter()
        .enumerate()
        .map(|(pos, e)| BoardEntry::decode(e).map_err(|e| bad(format!("entry {pos}: {e}"))))
        .collect::<Result<_>>()?;
    if signed.size != entries.len() as u64 || board_log(&entries).tree_head() != signed {
        return Err(bad(format!(
            "the {} entries served do not have the signed final tree head (size {})",
            entries.len(),
            signed.size
        )));
    }
    let poll_id = Manifest::poll_id(&p.manifest_bytes);
    let mut serials = HashSet::new();
    let mut cast = Vec::new();
    for (pos, entry) in entries.iter().enumerate() {
        let BoardEntry::Cast { credential, ballot } = entry else { continue };
        let cred = Credential::from_bytes(credential).map_err(|e| bad(format!("entry {pos}: credential: {e}")))?;
        if cred.verify(&p.manifest.credential_key, &poll_id).is_err() {
            return Err(bad(format!("entry {pos}: the credential is not signed by the poll's credential key")));
        }
        if !serials.insert(cred.serial()) {
            return Err(bad(format!("entry {pos}: a credential cast twice")));
        }
        let ballot = EncryptedBallot::decode(ballot, &p.shape).map_err(|e| bad(format!("entry {pos}: {e}")))?;
        cast.push((pos, BallotContext { election: p.election, serial: cred.serial() }, ballot));
    }
    verify_proofs(&p.shape, &p.joint_key, &cast)?;
    let ours = aggregate(&p.shape, &entries).map_err(|e| bad(e.to_string()))?;
    if ours.len() != theirs.len() {
        return Err(ScrutineerError::NotTheBoardTotal(ours.len().min(theirs.len())));
    }
    if let Some(s) = ours.iter().zip(theirs).position(|(a, b)| a != b) {
        return Err(ScrutineerError::NotTheBoardTotal(s));
    }
    Ok(ours)
}

/// Every proof of every cast ballot (spec §10.3), in batches over the cores; a batch
/// that fails is checked ballot by ballot to name the bad entry.
fn verify_proofs(shape: &BallotShape, key: &PublicKey, cast: &[(usize, BallotContext, EncryptedBallot)]) -> Result<()> {
    let verifier = BallotVerifier::new(shape, key);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let part = cast.len().div_ceil(workers).max(1);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cast
            .chunks(part)
            .map(|mine| {
                let verifier = &verifier;
                scope.spawn(move || {
                    let mut rng = rand::rng();
                    for group in mine.chunks(BATCH) {
                        let mut batch = BatchVerifier::with_capacity(group.len() * (shape.selections() * 6 + 64));
                        let queued =
                            group.iter().all(|(_, ctx, b)| verifier.queue(ctx, b, &mut batch, &mut rng).is_ok());
                        if queued && batch.verify().is_ok() {
                            continue;
                        }
                        for (pos, ctx, b) in group {
                            verifier.verify_one_by_one(ctx, b).map_err(|e| format!("entry {pos}: {e}"))?;
                        }
                        return Err("a batch of ballot proofs fails although each proof verifies alone".to_owned());
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap_or_else(|_| Err("a verifier thread failed".to_owned())).err())
            .collect()
    });
    match failures.into_iter().next() {
        Some(e) => Err(ScrutineerError::BoardInvalid(e)),
        None => Ok(()),
    }
}
