//! A poll's frozen cryptographic context and this process's copy of its board log,
//! as the handlers that cast, check, decrypt and show the board need them.

use std::sync::Arc;

use super::errors::conflict;
use crate::ApiError;
use crate::casting::PollContext;
use crate::db::casting::{self, PollRun};
use crate::http::AppState;

/// The poll's context; 409 if its ceremony has not completed.
pub(crate) fn context(state: &AppState, run: &PollRun) -> Result<Arc<PollContext>, ApiError> {
    state.contexts.get_or_build(run)?.ok_or_else(|| {
        conflict(
            "poll_not_ready",
            "本次投票的密钥尚未生成，请等待监票人完成密钥生成。",
            "The poll's key ceremony has not completed.",
        )
    })
}

/// Makes sure this process's log of the poll holds the board's first `size` entries:
/// its head at `size` must be the one the database stores (crate::board), else the
/// log is rebuilt from the database.
pub(crate) async fn ensure_log(state: &AppState, poll_id: i64, size: u64) -> Result<(), ApiError> {
    let stored = casting::head_at_size(&state.store, poll_id, size).await?;
    if state.board.agrees(poll_id, size, stored.as_deref()) {
        return Ok(());
    }
    let entries: Vec<Vec<u8>> = casting::entries(&state.store, poll_id).await?.into_iter().map(|e| e.entry).collect();
    state.board.load(poll_id, &entries)?;
    if !state.board.agrees(poll_id, size, stored.as_deref()) {
        return Err(ApiError::internal(format!("poll {poll_id}: the stored tree head at {size} is not the board's")));
    }
    Ok(())
}

/// The public shares `X₁…Xₙ` of the poll's key ceremony (spec §5.3), `n` its scrutineers.
pub(crate) async fn public_shares(
    state: &AppState,
    run: &PollRun,
) -> Result<Vec<hallvote_crypto::group::Element>, ApiError> {
    let n = casting::officers(&state.store, run.id)
        .await?
        .iter()
        .filter(|o| o.role == casting::OfficerRole::Scrutineer)
        .count();
    let n = u32::try_from(n).map_err(ApiError::internal)?;
    let k = run.threshold.ok_or_else(|| ApiError::internal("no threshold"))?;
    let params = hallvote_crypto::dkg::Params::new(k, n).map_err(ApiError::internal)?;
    let messages = casting::dealings(&state.store, run.id).await?;
    let confirmations = casting::confirmations(&state.store, run.id).await?;
    let result = crate::casting::ceremony_result(
        params,
        run.ceremony_id.as_deref().unwrap_or_default(),
        &messages,
        &confirmations,
    )
    .map_err(ApiError::internal)?;
    Ok(result.output.public_shares)
}
