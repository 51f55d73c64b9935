//! Building a record: the tally side (spec §12). Pure; randomness and signing keys
//! are passed in. The server calls these as the poll runs and closes; the tests
//! call them to simulate a whole session.

use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::group::Element;
use hallvote_crypto::hash::Hasher;
use hallvote_crypto::merkle::MerkleLog;
use hallvote_crypto::sign::{SigningKey, sign};
use hallvote_crypto::threshold::{DecryptionShare, KeyShare, VerifiedShare, combine};
use hallvote_crypto::{CryptoRng, dlog::DlogTable, tags};

use super::codec::FormatError;
use super::format::{Attendance, BoardEntry, Decryption, Record, SignedHead};
use super::outcome::encode_outcome;
use super::shape::selections;
use crate::ballot::{BallotShape, EncryptedBallot};
use crate::count::{ContestCounts, CountError, PollCounts, PollResult, count};
use crate::model::Poll;
use crate::ruleset::Ruleset;

/// The message of a board tree-head signature: `tree_head ‖ E` (spec §12.5).
pub fn head_message(head: &[u8; 40], election: &[u8; 64]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend_from_slice(election);
    m
}

/// The Merkle log of a board (spec §12.4).
pub fn board_log(entries: &[BoardEntry]) -> MerkleLog {
    let mut log = MerkleLog::new();
    for e in entries {
        log.append_leaf(&e.leaf());
    }
    log
}

/// The server signs the log's current tree head for the poll `election` (spec §12.5).
pub fn sign_head(server: &SigningKey, election: &[u8; 64], log: &MerkleLog) -> SignedHead {
    let head = log.tree_head().to_bytes();
    let signature = sign(server, tags::SIG_TREE_HEAD, &head_message(&head, election)).to_bytes();
    SignedHead { head, signature }
}

/// The context of the decryption shares of selection `(c, i, o)` (spec §12.6):
/// `H("hallvote/record/tally/v1", E, u64be(c), u64be(i), u64be(o))`.
pub fn tally_context(election: &[u8; 64], c: usize, i: usize, o: usize) -> [u8; 64] {
    let mut h = Hasher::new(tags::RECORD_TALLY);
    h.bytes(election).u64(c as u64).u64(i as u64).u64(o as u64);
    h.finalize()
}

/// The aggregate of every selection over the cast ballots, in ballot order (spec §12.6).
/// Ballots are decoded against `shape`; their proofs are the caster's business
/// (the server verified each one when it was cast).
pub fn aggregate(shape: &BallotShape, entries: &[BoardEntry]) -> Result<Vec<Ciphertext>, FormatError> {
    let mut ballots = Vec::new();
    for e in entries {
        if let BoardEntry::Cast { ballot, .. } = e {
            ballots.push(EncryptedBallot::decode(ballot, shape).map_err(|e| FormatError::Mismatch(e.text()))?);
        }
    }
    Ok(crate::ballot::selection_sums(shape, &ballots))
}

/// Scrutineer `j`'s decryption shares of every aggregate (spec §12.6, §5.4).
pub fn decrypt<R: CryptoRng + ?Sized>(
    key_share: &KeyShare,
    election: &[u8; 64],
    shape: &BallotShape,
    aggregates: &[Ciphertext],
    rng: &mut R,
) -> Decryption {
    let shares = selections(shape)
        .into_iter()
        .zip(aggregates)
        .map(|((c, i, o), ct)| key_share.decryption_share(&tally_context(election, c, i, o), ct, rng).to_bytes())
        .collect();
    Decryption { scrutineer: key_share.index(), shares }
}

/// A total could not be recovered from the shares.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TallyError {
    /// A share is malformed or its proof fails, at this selection (0-based) of this scrutineer.
    #[error("scrutineer {scrutineer}: decryption share of selection {selection} does not verify")]
    Share {
        /// The scrutineer.
        scrutineer: u32,
        /// The selection.
        selection: usize,
    },
    /// Fewer than `k` distinct scrutineers, or a scrutineer not in the ceremony.
    #[error("not enough distinct scrutineers' shares")]
    NotEnough,
    /// The combined value is not a total of at most this many ballots.
    #[error("selection {0}: total not found within the number of ballots")]
    OutOfBound(usize),
}

/// Verifies every share one by one (spec §5.4, [`verify_decryption`]) and combines
/// them into the totals (spec §5.5, §3.4), each searched up to `bound` (the number
/// of cast ballots).
pub fn combine_totals(
    threshold: u32,
    public_shares: &[Element],
    election: &[u8; 64],
    shape: &BallotShape,
    aggregates: &[Ciphertext],
    decryptions: &[Decryption],
    bound: u64,
) -> Result<Vec<u64>, TallyError> {
    let verified = decryptions
        .iter()
        .map(|d| verify_decryption(public_shares, election, shape, aggregates, d))
        .collect::<Result<Vec<_>, _>>()?;
    let table = DlogTable::new(bound);
    let count = selections(shape).len().min(aggregates.len());
    let mut totals = Vec::with_capacity(count);
    for (s, ct) in aggregates.iter().take(count).enumerate() {
        let column: Vec<VerifiedShare> = verified.iter().filter_map(|row| row.get(s).cloned()).collect();
        let m = combine(ct, &column, threshold).map_err(|_| TallyError::NotEnough)?;
        totals.push(table.recover(&m).map_err(|_| TallyError::OutOfBound(s))?);
    }
    Ok(totals)
}

/// Verifies one scrutineer's decryption shares, one per selection in ballot order
/// (spec §5.4): each decodes, is that scrutineer's, and its proof verifies against
/// the scrutineer's public share `Xⱼ` and the selection's aggregate. The server
/// checks a scrutineer's shares with it when they arrive, [`combine_totals`] before
/// it combines them.
pub fn verify_decryption(
    public_shares: &[Element],
    election: &[u8; 64],
    shape: &BallotShape,
    aggregates: &[Ciphertext],
    decryption: &Decryption,
) -> Result<Vec<VerifiedShare>, TallyError> {
    let j = decryption.scrutineer;
    let mut verified = Vec::with_capacity(aggregates.len());
    for (s, ((c, i, o), ct)) in selections(shape).into_iter().zip(aggregates).enumerate() {
        let bad = TallyError::Share { scrutineer: j, selection: s };
        let x = public_shares.get((j as usize).wrapping_sub(1)).ok_or(TallyError::NotEnough)?;
        let share = decryption.shares.get(s).ok_or(bad.clone())?;
        let share = DecryptionShare::decode(share).map_err(|_| bad.clone())?;
        if share.index != j {
            return Err(bad);
        }
        verified.push(share.verify(&tally_context(election, c, i, o), x, ct).map_err(|_| bad)?);
    }
    Ok(verified)
}

/// The figures [`count`] starts from (spec §12.7): attendance and issuance from the
/// record, every cast ballot returned and valid (a ballot with valid proofs cannot be
/// an invalid ballot, R10), and the totals arranged per contest.
pub fn poll_counts(
    poll: &Poll,
    shape: &BallotShape,
    attendance: Attendance,
    cast: u32,
    totals: &[u64],
) -> Result<PollCounts, FormatError> {
    let mut rest = totals.iter();
    let mut contests = Vec::with_capacity(poll.contests.len());
    for (contest, cs) in poll.contests.iter().zip(&shape.contests) {
        let mut items = Vec::with_capacity(cs.items.len());
        for item in &cs.items {
            let mut row = Vec::with_capacity(usize::from(item.options));
            for _ in 0..item.options {
                let t = rest.next().ok_or(FormatError::Invalid("number of totals"))?;
                row.push(u32::try_from(*t).map_err(|_| FormatError::Invalid("total"))?);
            }
            items.push(row);
        }
        contests.push(ContestCounts { contest: contest.id.clone(), totals: items, write_ins: Default::default() });
    }
    if rest.next().is_some() {
        return Err(FormatError::Invalid("number of totals"));
    }
    Ok(PollCounts {
        expected: attendance.expected,
        present: attendance.present,
        issued: attendance.issued,
        replaced: 0,
        replaced_lost: 0,
        returned: cast,
        invalid: 0,
        contests,
    })
}

/// Counts the poll from its totals under its ruleset (RULES; [`count`]) and returns
/// the result with its canonical outcome encoding (spec §12.7).
pub fn outcome(poll: &Poll, ruleset: &Ruleset, counts: &PollCounts) -> Result<(PollResult, Vec<u8>), CountError> {
    let result = count(poll, counts, ruleset)?;
    let bytes = encode_outcome(&result);
    Ok((result, bytes))
}

/// The result digest that every scrutineer and counter signs (spec §12.8):
/// `H("hallvote/record/result/v1", E, u64be(expected), u64be(present), u64be(issued),
/// u64be(cast), totals, outcome)` with `totals` the concatenated `u64be` totals.
pub fn result_digest(
    election: &[u8; 64],
    attendance: Attendance,
    cast: u64,
    totals: &[u64],
    outcome: &[u8],
) -> [u8; 64] {
    let mut h = Hasher::new(tags::RECORD_RESULT);
    h.bytes(election)
        .u64(u64::from(attendance.expected))
        .u64(u64::from(attendance.present))
        .u64(u64::from(attendance.issued))
        .u64(cast);
    let t: Vec<u8> = totals.iter().flat_map(|t| t.to_be_bytes()).collect();
    h.bytes(&t).bytes(outcome);
    h.finalize()
}

/// A scrutineer's or counter's signature on the result digest (spec §12.8).
pub fn sign_result(key: &SigningKey, digest: &[u8; 64]) -> [u8; 64] {
    sign(key, tags::SIG_RESULT, digest).to_bytes()
}

/// The server signs the record's body (spec §12.9); call after every other field is final.
pub fn sign_record(server: &SigningKey, record: &mut Record) {
    let digest = Record::body_digest(&record.body_bytes());
    record.server_signature = sign(server, tags::SIG_RECORD, &digest).to_bytes();
}

/// The number of cast entries on a board.
pub fn cast_count(entries: &[BoardEntry]) -> usize {
    entries.iter().filter(|e| matches!(e, BoardEntry::Cast { .. })).count()
}

/// The credentials replaced at the desk (spec §6.7): `(cancelled, replaced)`, the
/// number of cancellation entries (damaged slips handed back) and of replacement
/// entries (lost slips replaced with a scrutineer's approval) on a board.
pub fn replacements(entries: &[BoardEntry]) -> (u32, u32) {
    let n = |f: fn(&BoardEntry) -> bool| u32::try_from(entries.iter().filter(|e| f(e)).count()).unwrap_or(u32::MAX);
    (n(|e| matches!(e, BoardEntry::Cancelled { .. })), n(|e| matches!(e, BoardEntry::Replaced)))
}

/// The joint key of a record, for callers that hold its bytes.
pub fn joint_key(bytes: &[u8; 32]) -> Result<PublicKey, FormatError> {
    PublicKey::decode(bytes).map_err(|_| FormatError::Invalid("joint key"))
}
