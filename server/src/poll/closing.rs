//! Closing a poll (docs/adr/0008 step 9, spec §12.5–§12.6): the board is sealed with
//! a signed tree head, and the encrypted totals are computed and stored.

use std::sync::Arc;

use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::sign::{SigningKey, sign};
use hallvote_crypto::tags;
use hallvote_tally::record::BoardEntry;
use hallvote_tally::record::builder::{aggregate, head_message};

use crate::ApiError;
use crate::board::BoardCache;
use crate::casting::{PollContext, decode_aggregates};
use crate::db::casting;
use crate::db::{Store, StoreError};

/// Closes the open poll: seals its board at its size with a signed tree head, then
/// computes its encrypted totals. `false` if the poll was not open (nothing changed).
pub async fn close(
    store: &Store,
    board: &BoardCache,
    server_key: &SigningKey,
    ctx: &Arc<PollContext>,
    id: i64,
) -> Result<bool, ApiError> {
    let entries: Vec<Vec<u8>> = casting::entries(store, id).await?.into_iter().map(|e| e.entry).collect();
    board.load(id, &entries)?;
    let election = ctx.election;
    let closed = casting::close(store, id, |size| {
        let head = board.head_at(id, size).ok_or_else(|| StoreError::Corrupt("board changed while closing".into()))?;
        let sig = sign(server_key, tags::SIG_TREE_HEAD, &head_message(&head, &election)).to_bytes();
        let mut out = head.to_vec();
        out.extend_from_slice(&sig);
        Ok(out)
    })
    .await;
    let closed = match closed {
        Err(StoreError::Corrupt(_)) => {
            // A cast committed between loading and closing: load again and retry once.
            let entries: Vec<Vec<u8>> = casting::entries(store, id).await?.into_iter().map(|e| e.entry).collect();
            board.load(id, &entries)?;
            casting::close(store, id, |size| {
                let head = board.head_at(id, size).ok_or_else(|| StoreError::Corrupt("board changed".into()))?;
                let sig = sign(server_key, tags::SIG_TREE_HEAD, &head_message(&head, &election)).to_bytes();
                let mut out = head.to_vec();
                out.extend_from_slice(&sig);
                Ok(out)
            })
            .await?
        }
        other => other?,
    };
    if !closed {
        return Ok(false);
    }
    compute_aggregates(store, id, ctx).await?;
    Ok(true)
}

/// The poll's encrypted totals (spec §12.6), one per selection: stored at close and
/// read from there afterwards.
pub async fn compute_aggregates(store: &Store, id: i64, ctx: &Arc<PollContext>) -> Result<Vec<Ciphertext>, ApiError> {
    let run = casting::run(store, id).await?.ok_or_else(|| ApiError::internal("poll vanished"))?;
    if let Some(a) = &run.aggregates {
        return Ok(decode_aggregates(a)?);
    }
    let stored = casting::entries(store, id).await?;
    let ctx = Arc::clone(ctx);
    let aggregates = tokio::task::spawn_blocking(move || {
        let entries: Vec<BoardEntry> = stored.iter().filter_map(|e| BoardEntry::decode(&e.entry).ok()).collect();
        aggregate(&ctx.shape, &entries)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::internal(format!("aggregate: {e}")))?;
    let bytes: Vec<u8> = aggregates.iter().flat_map(Ciphertext::to_bytes).collect();
    casting::set_aggregates(store, id, &bytes).await?;
    Ok(aggregates)
}
