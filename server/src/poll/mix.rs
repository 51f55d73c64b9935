//! The write-in mix of a closed poll (spec §12.12, §14.15): the list each turn
//! shuffles, the check of a turn and of a list share as they arrive, the names the
//! tally decrypts, and the mixes the record carries. The server never shuffles: the
//! poll's scrutineer stations do, one after another in index order.

use hallvote_crypto::shuffle::Row;
use hallvote_tally::record::format::SLOT_BYTES;
use hallvote_tally::record::mix::{MixBuilder, MixError, board_mix_inputs, decode_row, input_digest, verify_turn};
use hallvote_tally::record::{BoardEntry, ContestMix, MixTurn};

use crate::ApiError;
use crate::casting::PollContext;
use crate::db::mix::{self, StoredTurn};
use crate::db::{Store, casting};

/// The size of a proof of shuffle of `rows` rows of three ciphertexts (spec §18.6).
pub fn proof_len(rows: usize) -> usize {
    32 * (5 * rows + 3 * 3 + 6)
}

/// The contests whose elections take write-ins, in ballot order.
pub fn mixed_contests(ctx: &PollContext) -> Vec<u32> {
    ctx.shape
        .contests
        .iter()
        .enumerate()
        .filter(|(_, c)| c.write_in.is_some())
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect()
}

/// Rows of contest `contest`'s lists: cast ballots × the contest's items.
pub fn rows_of(ctx: &PollContext, contest: u32, cast: u64) -> u64 {
    let items = ctx.shape.contests.get(contest as usize).map_or(0, |c| c.items.len());
    cast.saturating_mul(items as u64)
}

/// The input list of contest `contest`, rebuilt from the sealed board (spec §12.12).
pub async fn input_list(store: &Store, ctx: &PollContext, poll_id: i64, contest: u32) -> Result<Vec<Row>, ApiError> {
    let stored = casting::entries(store, poll_id).await?;
    let shape = ctx.shape.clone();
    tokio::task::spawn_blocking(move || {
        let board: Vec<BoardEntry> = stored
            .iter()
            .map(|e| BoardEntry::decode(&e.entry))
            .collect::<Result<_, _>>()
            .map_err(|e| ApiError::internal(format!("board entry: {e}")))?;
        let lists = board_mix_inputs(&shape, &board).map_err(ApiError::internal)?;
        lists
            .into_iter()
            .find(|(c, _)| *c == contest as usize)
            .map(|(_, rows)| rows)
            .ok_or_else(|| ApiError::internal("no such mixed contest"))
    })
    .await
    .map_err(ApiError::internal)?
}

/// A list as the stations send and receive it: `N × 192` bytes, decoded strictly.
pub fn decode_list(bytes: &[u8]) -> Option<Vec<Row>> {
    if !bytes.len().is_multiple_of(SLOT_BYTES) {
        return None;
    }
    bytes
        .chunks_exact(SLOT_BYTES)
        .map(|c| c.try_into().ok().and_then(|slot: &[u8; SLOT_BYTES]| decode_row(slot).ok()))
        .collect()
}

/// A list's bytes, `N × 192`.
pub fn list_bytes(rows: &[Row]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * SLOT_BYTES);
    for r in rows {
        out.extend_from_slice(&hallvote_tally::record::mix::row_bytes(r));
    }
    out
}

/// The list the next turn of contest `contest` shuffles (or, once every turn is
/// taken, the last list): the input list for the first turn, else the output of
/// the last stored turn, with the number of turns taken.
pub async fn current_list(
    store: &Store,
    ctx: &PollContext,
    poll_id: i64,
    contest: u32,
) -> Result<(Vec<Row>, usize), ApiError> {
    let taken = mix::turn_takers(store, poll_id, contest).await?.len();
    match mix::last_turn(store, poll_id, contest).await? {
        None => Ok((input_list(store, ctx, poll_id, contest).await?, 0)),
        Some(t) => {
            let rows = tokio::task::spawn_blocking(move || decode_list(&t.output))
                .await
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::internal("a stored mix turn does not decode"))?;
            Ok((rows, taken))
        }
    }
}

/// A turn as a station uploads it (spec §14.15):
/// `u32be turn ‖ u32be N ‖ N × slot (192) ‖ proof (32·(5N + 15))`, decoded strictly.
#[derive(Debug)]
pub enum TurnBody {
    /// The turn (0-based) it claims to be, and the turn.
    Turn(u32, Vec<[u8; SLOT_BYTES]>, Vec<u8>),
    /// Not that form.
    Malformed(&'static str),
}

/// Decodes a turn's body: the lengths must add up exactly.
pub fn decode_turn_body(body: &[u8]) -> TurnBody {
    let (Some(turn), Some(n)) = (body.get(0..4), body.get(4..8)) else {
        return TurnBody::Malformed("shorter than its header");
    };
    let turn = u32::from_be_bytes([turn[0], turn[1], turn[2], turn[3]]);
    let n = u32::from_be_bytes([n[0], n[1], n[2], n[3]]) as usize;
    let Some(list_end) = n.checked_mul(SLOT_BYTES).and_then(|l| l.checked_add(8)) else {
        return TurnBody::Malformed("row count out of range");
    };
    if body.len() != list_end.saturating_add(proof_len(n)) {
        return TurnBody::Malformed("its length is not that of N rows and their proof");
    }
    let output = body[8..list_end].chunks_exact(SLOT_BYTES).filter_map(|c| c.try_into().ok()).collect();
    TurnBody::Turn(turn, output, body[list_end..].to_vec())
}

/// Encodes a turn for upload ([`decode_turn_body`]'s form).
pub fn encode_turn_body(turn: u32, t: &MixTurn) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + t.output.len() * SLOT_BYTES + t.proof.len());
    out.extend_from_slice(&turn.to_be_bytes());
    out.extend_from_slice(&u32::try_from(t.output.len()).unwrap_or(u32::MAX).to_be_bytes());
    for slot in &t.output {
        out.extend_from_slice(slot);
    }
    out.extend_from_slice(&t.proof);
    out
}

/// Checks scrutineer `j`'s turn `turn` of contest `contest` against `input` (spec
/// §18.5), off the async threads: the first turn through [`MixBuilder::add_turn`],
/// a later one through [`verify_turn`] against the stored list before it.
pub async fn check_turn(
    ctx: &PollContext,
    contest: u32,
    turn: usize,
    input: Vec<Row>,
    t: MixTurn,
) -> Result<MixTurn, MixError> {
    let (election, key) = (ctx.election, ctx.joint_key.clone());
    tokio::task::spawn_blocking(move || {
        let mut rng = rand::rng();
        if turn == 0 {
            let mut b = MixBuilder::new(election, key, contest as usize, input);
            b.add_turn(t.clone(), &mut rng)?;
        } else {
            verify_turn(&election, &key, contest as usize, turn, &input, &t, &mut rng)?;
        }
        Ok(t)
    })
    .await
    .unwrap_or(Err(MixError::Structure))
}

/// Checks scrutineer `share`'s list share against contest `contest`'s last list and
/// the public shares (spec §19.4).
pub async fn check_share(
    ctx: &PollContext,
    contest: u32,
    last: Vec<Row>,
    share: Vec<u8>,
    public_shares: Vec<hallvote_crypto::group::Element>,
) -> Result<(), MixError> {
    let (election, key) = (ctx.election, ctx.joint_key.clone());
    tokio::task::spawn_blocking(move || {
        let mut b = MixBuilder::new(election, key, contest as usize, last);
        b.add_share(share, &public_shares)
    })
    .await
    .unwrap_or(Err(MixError::Structure))
}

/// Decrypts contest `contest`'s last list with the stored shares (spec §19.4, §17.4):
/// the names in the last list's order.
pub fn decrypt_names(
    ctx: &PollContext,
    contest: u32,
    last: Vec<Row>,
    shares: Vec<(u32, Vec<u8>)>,
    public_shares: &[hallvote_crypto::group::Element],
    threshold: u32,
) -> Result<Vec<String>, MixError> {
    let mut b = MixBuilder::new(ctx.election, ctx.joint_key.clone(), contest as usize, last);
    for (_, share) in shares {
        b.add_share(share, public_shares)?;
    }
    Ok(b.finish(threshold)?.names)
}

/// The mix of contest `contest` as the record keeps it (spec §12.12): the input
/// digest from the board, the stored turns and shares, and the names the tally kept.
pub async fn contest_mix(
    store: &Store,
    ctx: &PollContext,
    poll_id: i64,
    contest: u32,
    names: Vec<String>,
) -> Result<ContestMix, ApiError> {
    let input = input_list(store, ctx, poll_id, contest).await?;
    let rows = u32::try_from(input.len()).map_err(ApiError::internal)?;
    let digest = input_digest(&input);
    let turns = mix::turns(store, poll_id, contest)
        .await?
        .into_iter()
        .map(|StoredTurn { scrutineer, output, proof }| MixTurn {
            scrutineer,
            output: output.chunks_exact(SLOT_BYTES).filter_map(|c| c.try_into().ok()).collect(),
            proof,
        })
        .collect();
    let shares = mix::shares(store, poll_id, contest).await?.into_iter().map(|(_, s)| s).collect();
    Ok(ContestMix { contest, rows, input_digest: digest, turns, shares, names })
}

/// The decrypted names of every mixed contest as mixes to count
/// ([`hallvote_tally::record::mix::add_write_ins`] reads only the contest and the names).
pub fn counted_mixes(names: &[(u32, Vec<String>)]) -> Vec<ContestMix> {
    names
        .iter()
        .map(|(contest, names)| ContestMix {
            contest: *contest,
            rows: u32::try_from(names.len()).unwrap_or(u32::MAX),
            input_digest: [0; 64],
            turns: Vec::new(),
            shares: Vec::new(),
            names: names.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_body_is_decoded_only_with_lengths_that_add_up() {
        let rows = 2;
        let mut body = Vec::new();
        body.extend_from_slice(&1u32.to_be_bytes());
        body.extend_from_slice(&(rows as u32).to_be_bytes());
        body.extend(std::iter::repeat_n(7u8, rows * SLOT_BYTES + proof_len(rows)));
        match decode_turn_body(&body) {
            TurnBody::Turn(turn, output, proof) => {
                assert_eq!((turn, output.len(), proof.len()), (1, rows, proof_len(rows)));
            }
            TurnBody::Malformed(what) => panic!("{what}"),
        }
        for bad in [&body[..body.len() - 1], &[body.as_slice(), &[0]].concat(), &body[..7]] {
            assert!(matches!(decode_turn_body(bad), TurnBody::Malformed(_)), "{} bytes", bad.len());
        }
        // A row count past what the body holds is refused before anything is allocated.
        let mut huge = body.clone();
        huge[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(decode_turn_body(&huge), TurnBody::Malformed(_)));
    }

    #[test]
    fn a_list_decodes_only_as_whole_canonical_slots() {
        assert_eq!(decode_list(&[]).map(|l| l.len()), Some(0));
        assert!(decode_list(&[0u8; SLOT_BYTES - 1]).is_none());
        // 0xff… is no canonical ristretto255 encoding.
        assert!(decode_list(&[0xffu8; SLOT_BYTES]).is_none());
    }
}
