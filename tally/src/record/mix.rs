//! The write-in mix of a record (spec §12.12, ADR 0021): the input list rebuilt
//! from the board, each scrutineer station's shuffle (spec §18) with its context,
//! the list decryption shares of the last list (spec §19) and the names they
//! decrypt to, and how those names are counted. Pure, like the rest of the
//! record: randomness and key shares are passed in. The server calls
//! [`MixBuilder`] after the poll closes; a scrutineer station calls
//! [`shuffle_turn`] and [`list_share`]; the verifier (spec §13.11.1–§13.11.5)
//! uses the same contexts and digests.

use std::collections::BTreeMap;

use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::error::{ShuffleCheck, VerifyError};
use hallvote_crypto::group::Element;
use hallvote_crypto::hash::Hasher;
use hallvote_crypto::mixdecrypt::{ListShare, VerifiedListShare, check_list_plaintexts, combine_list};
use hallvote_crypto::shuffle::{ChainTurn, Row, ShuffleProof, ShuffleStatement, in_two_halves, shuffle, verify_chain};
use hallvote_crypto::threshold::KeyShare;
use hallvote_crypto::writein::{SLOT_POINTS, WriteInError, decode_name, encode_public_name};
use hallvote_crypto::{CryptoRng, tags};
use thiserror::Error;

use super::format::{BoardEntry, ContestMix, MixTurn, SLOT_BYTES};
use crate::ballot::{BallotShape, EncryptedBallot, write_in_slots};
use crate::count::PollCounts;
use crate::model::{ContestKind, Poll};
use crate::text::normalize_name;

/// The context of turn `turn` (0-based) of contest `contest`'s mix, shuffled by
/// scrutineer `j` (spec §12.12): `H("hallvote/record/mix/v1", E, u64be(c), u64be(turn), u64be(j))`.
pub fn mix_context(election: &[u8; 64], contest: usize, turn: usize, scrutineer: u32) -> [u8; 64] {
    let mut h = Hasher::new(tags::RECORD_MIX);
    h.bytes(election).u64(contest as u64).u64(turn as u64).u64(u64::from(scrutineer));
    h.finalize()
}

/// The context `ctx` (spec §19.1) of the list decryption shares of contest `contest`'s
/// last list: `H("hallvote/record/mix-decrypt/v1", E, u64be(c))`.
pub fn mix_decrypt_context(election: &[u8; 64], contest: usize) -> [u8; 64] {
    let mut h = Hasher::new(tags::RECORD_MIX_DECRYPT);
    h.bytes(election).u64(contest as u64);
    h.finalize()
}

/// The digest of an input list (spec §12.12):
/// `H("hallvote/record/mix-input/v1", u64be(N), A₁,₁, B₁,₁, …, A_N,3, B_N,3)`.
pub fn input_digest(rows: &[Row]) -> [u8; 64] {
    let mut h = Hasher::new(tags::RECORD_MIX_INPUT);
    h.u64(rows.len() as u64);
    for c in rows.iter().flatten() {
        h.element(&c.a).element(&c.b);
    }
    h.finalize()
}

/// The input list of every contest that takes write-ins, in contest order (spec
/// §12.12): the slots of every cast ballot in board order, row by row (spoiled
/// ballots are never in it). `ballots` are the cast ballots in board order.
pub fn mix_inputs(shape: &BallotShape, ballots: &[EncryptedBallot]) -> Result<Vec<(usize, Vec<Row>)>, MixError> {
    let mut out: Vec<(usize, Vec<Row>)> =
        shape.contests.iter().enumerate().filter(|(_, c)| c.write_in.is_some()).map(|(c, _)| (c, Vec::new())).collect();
    for b in ballots {
        let slots = write_in_slots(shape, b).map_err(|_| MixError::Structure)?;
        for ((_, rows), contest) in out.iter_mut().zip(slots) {
            rows.extend(contest.rows.iter().map(|slot| slot.to_vec()));
        }
    }
    Ok(out)
}

/// [`mix_inputs`] from a board's entries, decoding the cast ballots against `shape`.
pub fn board_mix_inputs(shape: &BallotShape, entries: &[BoardEntry]) -> Result<Vec<(usize, Vec<Row>)>, MixError> {
    let mut ballots = Vec::new();
    for e in entries {
        if let BoardEntry::Cast { ballot, .. } = e {
            ballots.push(EncryptedBallot::decode(ballot, shape).map_err(|_| MixError::Structure)?);
        }
    }
    mix_inputs(shape, &ballots)
}

/// A slot as it is written in a list: its three ciphertexts (spec §17.3).
pub fn row_bytes(row: &Row) -> [u8; SLOT_BYTES] {
    let mut out = [0u8; SLOT_BYTES];
    for (chunk, c) in out.chunks_exact_mut(64).zip(row) {
        chunk.copy_from_slice(&c.to_bytes());
    }
    out
}

/// A slot of a list, decoded strictly (every element canonical, spec §3.2).
pub fn decode_row(bytes: &[u8; SLOT_BYTES]) -> Result<Row, hallvote_crypto::DecodeError> {
    bytes.chunks_exact(64).map(Ciphertext::decode).collect()
}

/// Every slot of a list, decoded strictly on two threads (decompression is most of
/// a list's checking cost); the first bad slot in list order is the one reported.
pub fn decode_rows(rows: &[[u8; SLOT_BYTES]]) -> Result<Vec<Row>, hallvote_crypto::DecodeError> {
    in_two_halves(rows.len(), |range| rows[range].iter().map(decode_row).collect()).into_iter().collect()
}

/// A list's rows flattened into its ciphertexts, row 1's first (spec §19.1).
pub fn flatten(rows: &[Row]) -> Vec<Ciphertext> {
    rows.iter().flatten().copied().collect()
}

/// What a scrutineer station does in its turn: shuffles `input` (the list before
/// it) with the turn's context and returns the output rows and the turn as the
/// record keeps it (spec §12.12, §18.2).
pub fn shuffle_turn<R: CryptoRng + ?Sized>(
    election: &[u8; 64],
    key: &PublicKey,
    contest: usize,
    turn: usize,
    scrutineer: u32,
    input: &[Row],
    rng: &mut R,
) -> Result<(Vec<Row>, MixTurn), MixError> {
    let ctx = mix_context(election, contest, turn, scrutineer);
    let (output, proof) = shuffle(&ctx, key, input, rng).map_err(|_| MixError::Structure)?;
    let turn = MixTurn { scrutineer, output: output.iter().map(row_bytes).collect(), proof: proof.to_bytes() };
    Ok((output, turn))
}

/// Scrutineer `j`'s list decryption shares of contest `contest`'s last list, encoded
/// (spec §19.5).
pub fn list_share<R: CryptoRng + ?Sized>(
    key_share: &KeyShare,
    election: &[u8; 64],
    contest: usize,
    last: &[Row],
    rng: &mut R,
) -> Vec<u8> {
    key_share.list_decryption_share(&mix_decrypt_context(election, contest), &flatten(last), rng).to_bytes()
}

/// Why a turn, a share or the names of a mix are refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MixError {
    /// A ballot's write-in rows do not have the shape's form, or the list cannot be shuffled.
    #[error("the write-in rows do not have the ballot's shape")]
    Structure,
    /// A turn's output does not decode, has the wrong number of rows, or its proof
    /// does not decode (turn 1-based).
    #[error("turn {turn}: the output list or its proof is malformed")]
    Malformed {
        /// The turn, counted from 1.
        turn: usize,
    },
    /// A turn's proof of shuffle fails the named check (spec §18.5).
    #[error("turn {turn}: the proof of shuffle fails: {check}")]
    Shuffle {
        /// The turn, counted from 1.
        turn: usize,
        /// The check that failed.
        check: ShuffleCheck,
    },
    /// A scrutineer shuffled twice, or is not one of the manifest's.
    #[error("scrutineer {0} cannot take a turn or decrypt here")]
    Scrutineer(u32),
    /// A list share does not decode or verify against the last list (spec §19.4).
    #[error("scrutineer {0}: the list decryption share does not verify")]
    Share(u32),
    /// Fewer than `k` distinct scrutineers' shares.
    #[error("not enough distinct scrutineers' list shares")]
    NotEnough,
    /// A decrypted slot is not the embedding of a name (spec §17.4), at this 0-based row.
    #[error("row {row}: {error}")]
    Name {
        /// The row of the last list, 0-based.
        row: usize,
        /// Why it is not a name.
        error: WriteInError,
    },
}

/// Builds one contest's mix as the poll's scrutineer stations take their turns and
/// then decrypt (spec §12.12): every turn and share is checked as it arrives, so a
/// station's bad upload is refused at once, and [`MixBuilder::finish`] combines the
/// shares and decodes the names.
#[derive(Clone, Debug)]
pub struct MixBuilder {
    election: [u8; 64],
    key: PublicKey,
    contest: usize,
    input_digest: [u8; 64],
    current: Vec<Row>,
    turns: Vec<MixTurn>,
    shares: Vec<(Vec<u8>, VerifiedListShare)>,
}

impl MixBuilder {
    /// Starts the mix of contest `contest` from its input list ([`mix_inputs`]).
    pub fn new(election: [u8; 64], key: PublicKey, contest: usize, input: Vec<Row>) -> Self {
        let input_digest = input_digest(&input);
        Self { election, key, contest, input_digest, current: input, turns: Vec::new(), shares: Vec::new() }
    }

    /// The contest's position on the ballot.
    pub fn contest(&self) -> usize {
        self.contest
    }

    /// The list the next turn shuffles, or the scrutineers decrypt after the last turn.
    pub fn current(&self) -> &[Row] {
        &self.current
    }

    /// The turns so far.
    pub fn turns(&self) -> usize {
        self.turns.len()
    }

    /// Checks `turn` against the current list (spec §18.5) and makes its output the
    /// current list. A scrutineer takes at most one turn; no turn is taken after a share.
    pub fn add_turn<R: CryptoRng + ?Sized>(&mut self, turn: MixTurn, rng: &mut R) -> Result<(), MixError> {
        let t = self.turns.len() + 1;
        if self.turns.iter().any(|x| x.scrutineer == turn.scrutineer) || !self.shares.is_empty() {
            return Err(MixError::Scrutineer(turn.scrutineer));
        }
        let output = check_turn(&self.election, &self.key, self.contest, self.turns.len(), &self.current, &turn, rng)
            .map_err(|e| match e {
            TurnError::Malformed => MixError::Malformed { turn: t },
            TurnError::Shuffle(check) => MixError::Shuffle { turn: t, check },
        })?;
        self.current = output;
        self.turns.push(turn);
        Ok(())
    }

    /// Checks scrutineer `j`'s list share against the current (last) list and its
    /// public share `Xⱼ` (spec §19.4), and keeps it.
    pub fn add_share(&mut self, share: Vec<u8>, public_shares: &[Element]) -> Result<(), MixError> {
        let decoded = ListShare::decode(&share).map_err(|_| MixError::Share(0))?;
        let j = decoded.index;
        if self.shares.iter().any(|(_, s)| s.index() == j) {
            return Err(MixError::Scrutineer(j));
        }
        let x = public_shares.get((j as usize).wrapping_sub(1)).ok_or(MixError::Scrutineer(j))?;
        let ctx = mix_decrypt_context(&self.election, self.contest);
        let verified = decoded.verify(&ctx, x, &flatten(&self.current)).map_err(|_| MixError::Share(j))?;
        self.shares.push((share, verified));
        Ok(())
    }

    /// Combines the shares of the first `threshold` scrutineers and decodes every
    /// slot of the last list into a name (spec §19.4, §17.4): the contest's mix as
    /// the record keeps it. An empty list needs no turn and no share.
    pub fn finish(self, threshold: u32) -> Result<ContestMix, MixError> {
        let rows = u32::try_from(self.current.len()).map_err(|_| MixError::Structure)?;
        let names = if self.current.is_empty() {
            Vec::new()
        } else {
            let verified: Vec<VerifiedListShare> = self.shares.iter().map(|(_, v)| v.clone()).collect();
            decrypt_names(&self.current, &verified, threshold)?
        };
        Ok(ContestMix {
            contest: u32::try_from(self.contest).map_err(|_| MixError::Structure)?,
            rows,
            input_digest: self.input_digest,
            turns: self.turns,
            shares: self.shares.into_iter().map(|(bytes, _)| bytes).collect(),
            names,
        })
    }
}

/// Checks turn `turn` (0-based) of contest `contest`'s mix against `input`, the list
/// before it, exactly as [`MixBuilder::add_turn`] checks its current list (spec §18.5),
/// and returns the turn's output rows: for a server that keeps the lists between
/// turns (spec §14.15) rather than one builder that replays every turn. Whether the
/// turn's scrutineer is the one due is the caller's to check.
pub fn verify_turn<R: CryptoRng + ?Sized>(
    election: &[u8; 64],
    key: &PublicKey,
    contest: usize,
    turn: usize,
    input: &[Row],
    t: &MixTurn,
    rng: &mut R,
) -> Result<Vec<Row>, MixError> {
    check_turn(election, key, contest, turn, input, t, rng).map_err(|e| match e {
        TurnError::Malformed => MixError::Malformed { turn: turn + 1 },
        TurnError::Shuffle(check) => MixError::Shuffle { turn: turn + 1, check },
    })
}

/// Why a turn does not follow the list before it.
pub(crate) enum TurnError {
    /// The output or the proof does not decode for the list's size.
    Malformed,
    /// The proof of shuffle fails this check.
    Shuffle(ShuffleCheck),
}

/// Turn `turn` (0-based) of a contest's mix against the list before it (spec
/// §18.5): the decoded output rows if the proof verifies.
pub(crate) fn check_turn<R: CryptoRng + ?Sized>(
    election: &[u8; 64],
    key: &PublicKey,
    contest: usize,
    turn: usize,
    input: &[Row],
    t: &MixTurn,
    rng: &mut R,
) -> Result<Vec<Row>, TurnError> {
    if t.output.len() != input.len() {
        return Err(TurnError::Shuffle(ShuffleCheck::RowCount));
    }
    let output = decode_rows(&t.output).map_err(|_| TurnError::Malformed)?;
    let proof = ShuffleProof::decode(&t.proof, input.len(), SLOT_POINTS).map_err(|_| TurnError::Malformed)?;
    let ctx = mix_context(election, contest, turn, t.scrutineer);
    let statement = ShuffleStatement { ctx: &ctx, key, input, output: &output };
    match proof.verify(&statement, rng) {
        Ok(()) => Ok(output),
        Err(VerifyError::Shuffle(check)) => Err(TurnError::Shuffle(check)),
        // The weighted batch failed although every check holds one by one: refuse.
        Err(_) => Err(TurnError::Shuffle(ShuffleCheck::ProofShape)),
    }
}

/// Every turn of a contest's mix, from its input list (spec §13.11.2): the turns'
/// proofs checked together as a chain (spec §18.5, "Chains"; one weighted multiscalar
/// multiplication for all of them), with the verdict checking turn after turn with
/// [`check_turn`] would give. The last list if every turn verifies; otherwise the
/// first turn (0-based) that fails, and why.
pub(crate) fn check_turns<R: CryptoRng + ?Sized>(
    election: &[u8; 64],
    key: &PublicKey,
    contest: usize,
    input: &[Row],
    turns: &[MixTurn],
    rng: &mut R,
) -> Result<Vec<Row>, (usize, TurnError)> {
    // Decode up to the first malformed turn; the turns before it are still checked
    // first, so a false proof earlier in the chain is named before it.
    let mut decoded: Vec<(Vec<Row>, ShuffleProof, [u8; 64])> = Vec::with_capacity(turns.len());
    let mut malformed = None;
    for (k, t) in turns.iter().enumerate() {
        let decode = || {
            if t.output.len() != input.len() {
                return Err(TurnError::Shuffle(ShuffleCheck::RowCount));
            }
            let output = decode_rows(&t.output).map_err(|_| TurnError::Malformed)?;
            let proof = ShuffleProof::decode(&t.proof, input.len(), SLOT_POINTS).map_err(|_| TurnError::Malformed)?;
            Ok((output, proof, mix_context(election, contest, k, t.scrutineer)))
        };
        match decode() {
            Ok(d) => decoded.push(d),
            Err(e) => {
                malformed = Some((k, e));
                break;
            }
        }
    }
    let chain: Vec<ChainTurn<'_>> =
        decoded.iter().map(|(output, proof, ctx)| ChainTurn { ctx, output, proof }).collect();
    match verify_chain(key, input, &chain, rng) {
        Ok(()) => {}
        Err((k, VerifyError::Shuffle(check))) => return Err((k, TurnError::Shuffle(check))),
        // The weighted batch failed although every check holds one by one: refuse.
        Err((k, _)) => return Err((k, TurnError::Shuffle(ShuffleCheck::ProofShape))),
    }
    if let Some(e) = malformed {
        return Err(e);
    }
    Ok(decoded.pop().map_or_else(|| input.to_vec(), |(last, ..)| last))
}

/// Whether the shares decrypt `last` to exactly `names` (spec §13.11.4, §19.4
/// "Checking published plaintexts"): each name embedded (§17.2, variable time: the
/// names are public) and all of them checked in one weighted multiscalar
/// multiplication, without decrypting. `false` says only that some row differs, or
/// a name cannot be a slot's: [`decrypt_names`] then finds which.
pub(crate) fn names_match<R: CryptoRng + ?Sized>(
    last: &[Row],
    shares: &[VerifiedListShare],
    threshold: u32,
    names: &[String],
    rng: &mut R,
) -> bool {
    if names.len() != last.len() {
        return false;
    }
    let embedded = in_two_halves(names.len(), |range| range.map(|i| encode_public_name(&names[i]).ok()).collect());
    let Some(slots) = embedded.into_iter().collect::<Option<Vec<_>>>() else { return false };
    let points: Vec<_> = slots.into_iter().flatten().collect();
    check_list_plaintexts(&flatten(last), shares, threshold, &points, rng).is_ok()
}

/// Combines verified list shares and decodes every slot into a name (spec §19.4, §17.4).
pub(crate) fn decrypt_names(
    last: &[Row],
    shares: &[VerifiedListShare],
    threshold: u32,
) -> Result<Vec<String>, MixError> {
    let points = combine_list(&flatten(last), shares, threshold).map_err(|_| MixError::NotEnough)?;
    let slots: Vec<&[_]> = points.chunks(SLOT_POINTS).collect();
    // Each slot on its own, on two threads; the first bad row in list order is reported.
    in_two_halves(slots.len(), |range| {
        range.map(|row| decode_name(slots[row]).map_err(|error| MixError::Name { row, error })).collect()
    })
    .into_iter()
    .collect()
}

/// How a decrypted name counts (spec §12.12, ADR 0021 "Counting").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameCount {
    /// The empty slot: no write-in in that row.
    Empty,
    /// A vote for the person named.
    Counted,
    /// Not a name the booth writes (not in its one form, spec §1.2 and
    /// [`normalize_name`], or a candidate of the contest): counted for no one.
    Void,
}

/// How `name`, decrypted in an election with these candidates, counts.
pub fn name_count(name: &str, candidates: &[&str]) -> NameCount {
    if name.is_empty() {
        NameCount::Empty
    } else if normalize_name(name).as_deref() == Ok(name) && !candidates.contains(&name) {
        NameCount::Counted
    } else {
        NameCount::Void
    }
}

/// The votes of every counted name of a contest's mix, and its void names in list order.
pub fn write_in_votes(poll: &Poll, mix: &ContestMix) -> (BTreeMap<String, u32>, Vec<String>) {
    let candidates: Vec<&str> = match poll.contests.get(mix.contest as usize).map(|c| &c.kind) {
        Some(ContestKind::Election(e)) => e.candidates.iter().map(|c| c.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let (mut votes, mut void) = (BTreeMap::new(), Vec::new());
    for name in &mix.names {
        match name_count(name, &candidates) {
            NameCount::Empty => {}
            NameCount::Counted => *votes.entry(name.clone()).or_insert(0) += 1,
            NameCount::Void => void.push(name.clone()),
        }
    }
    (votes, void)
}

/// Puts the counted names of every mix into `counts` (the figures the counting
/// rules start from, spec §12.7), contest by contest.
pub fn add_write_ins(counts: &mut PollCounts, poll: &Poll, mixes: &[ContestMix]) {
    for mix in mixes {
        if let Some(cc) = counts.contests.get_mut(mix.contest as usize) {
            cc.write_ins = write_in_votes(poll, mix).0;
        }
    }
}
