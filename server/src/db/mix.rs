//! The write-in mix of a closed poll (spec §12.12, §14.15): each contest's turns in
//! order, the list decryption shares of its last list, and the names the tally
//! decrypted. Every row is checked before it is written (`crate::poll::mix`);
//! a turn is stored in one transaction that also checks it is the next.

use sqlx::Row;

use super::{Store, StoreError};
use crate::lifecycle::PollState;

/// A stored turn of a contest's mix.
#[derive(Clone, Debug)]
pub struct StoredTurn {
    /// The scrutineer `j` (1-based) whose station shuffled.
    pub scrutineer: u32,
    /// The output list, `N × 192` bytes.
    pub output: Vec<u8>,
    /// The proof of shuffle (spec §18.6).
    pub proof: Vec<u8>,
}

fn u32_of(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("mix index {v} out of range")))
}

/// The scrutineers who have taken each turn of contest `contest`'s mix so far, in turn order.
pub async fn turn_takers(store: &Store, poll_id: i64, contest: u32) -> Result<Vec<u32>, StoreError> {
    let rows = sqlx::query("SELECT scrutineer FROM mix_turns WHERE poll_id = $1 AND contest = $2 ORDER BY turn")
        .bind(poll_id)
        .bind(i64::from(contest))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(|r| u32_of(r.try_get("scrutineer")?)).collect()
}

/// The last turn of contest `contest`'s mix, if any turn has been taken.
pub async fn last_turn(store: &Store, poll_id: i64, contest: u32) -> Result<Option<StoredTurn>, StoreError> {
    let row = sqlx::query(
        "SELECT scrutineer, output, proof FROM mix_turns WHERE poll_id = $1 AND contest = $2 \
         ORDER BY turn DESC LIMIT 1",
    )
    .bind(poll_id)
    .bind(i64::from(contest))
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| turn_of(&r)).transpose()
}

fn turn_of(r: &sqlx::any::AnyRow) -> Result<StoredTurn, StoreError> {
    Ok(StoredTurn {
        scrutineer: u32_of(r.try_get("scrutineer")?)?,
        output: r.try_get("output")?,
        proof: r.try_get("proof")?,
    })
}

/// Every turn of contest `contest`'s mix, in turn order.
pub async fn turns(store: &Store, poll_id: i64, contest: u32) -> Result<Vec<StoredTurn>, StoreError> {
    let rows = sqlx::query(
        "SELECT scrutineer, output, proof FROM mix_turns WHERE poll_id = $1 AND contest = $2 ORDER BY turn",
    )
    .bind(poll_id)
    .bind(i64::from(contest))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(turn_of).collect()
}

/// Why a turn was not stored.
#[derive(Debug)]
pub enum PutTurn {
    /// Stored.
    Stored,
    /// Another turn was stored first: this many turns are taken now.
    NotNext(u32),
    /// The poll is no longer closed.
    WrongState,
}

/// Stores turn `turn` (0-based) of contest `contest`'s mix in one transaction,
/// only while the poll is closed and if exactly `turn` turns are taken before it.
pub async fn put_turn(
    store: &Store,
    poll_id: i64,
    contest: u32,
    turn: u32,
    t: &StoredTurn,
) -> Result<PutTurn, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let state: Option<String> = sqlx::query("SELECT state FROM polls WHERE id = $1")
        .bind(poll_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("state"))
        .transpose()?;
    if state.as_deref() != Some(PollState::Closed.as_str()) {
        return Ok(PutTurn::WrongState);
    }
    let taken: i64 =
        sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM mix_turns WHERE poll_id = $1 AND contest = $2")
            .bind(poll_id)
            .bind(i64::from(contest))
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
    if taken != i64::from(turn) {
        return Ok(PutTurn::NotNext(u32_of(taken)?));
    }
    let inserted = sqlx::query(
        "INSERT INTO mix_turns (poll_id, contest, turn, scrutineer, output, proof) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(poll_id)
    .bind(i64::from(contest))
    .bind(i64::from(turn))
    .bind(i64::from(t.scrutineer))
    .bind(t.output.clone())
    .bind(t.proof.clone())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) => {
            let e = StoreError::conflict_on_unique(e, "mix turn");
            return match e {
                StoreError::Conflict(_) => Ok(PutTurn::NotNext(turn.saturating_add(1))),
                e => Err(e),
            };
        }
    }
    tx.commit().await?;
    Ok(PutTurn::Stored)
}

/// Stores scrutineer `j`'s list share of contest `contest`'s last list (once:
/// [`StoreError::Conflict`] the second time).
pub async fn put_share(store: &Store, poll_id: i64, contest: u32, j: u32, share: &[u8]) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO mix_shares (poll_id, contest, scrutineer, share) VALUES ($1, $2, $3, $4)")
        .bind(poll_id)
        .bind(i64::from(contest))
        .bind(i64::from(j))
        .bind(share.to_vec())
        .execute(store.pool())
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "list share"))?;
    Ok(())
}

/// The list shares of contest `contest`'s last list, by scrutineer.
pub async fn shares(store: &Store, poll_id: i64, contest: u32) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
    let rows =
        sqlx::query("SELECT scrutineer, share FROM mix_shares WHERE poll_id = $1 AND contest = $2 ORDER BY scrutineer")
            .bind(poll_id)
            .bind(i64::from(contest))
            .fetch_all(store.pool())
            .await?;
    rows.iter().map(|r| Ok((u32_of(r.try_get("scrutineer")?)?, r.try_get("share")?))).collect()
}

/// The scrutineers whose list share of contest `contest` is stored.
pub async fn sharers(store: &Store, poll_id: i64, contest: u32) -> Result<Vec<u32>, StoreError> {
    let rows = sqlx::query("SELECT scrutineer FROM mix_shares WHERE poll_id = $1 AND contest = $2 ORDER BY scrutineer")
        .bind(poll_id)
        .bind(i64::from(contest))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(|r| u32_of(r.try_get("scrutineer")?)).collect()
}

/// The decrypted names of every mixed contest, by contest, as the tally kept them.
pub async fn names(store: &Store, poll_id: i64) -> Result<Vec<(u32, Vec<String>)>, StoreError> {
    let rows = sqlx::query("SELECT contest, names FROM mix_names WHERE poll_id = $1 ORDER BY contest")
        .bind(poll_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let text: String = r.try_get("names")?;
            let names = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("mix names: {e}")))?;
            Ok((u32_of(r.try_get("contest")?)?, names))
        })
        .collect()
}

/// Stores the tally (closed → tallied) with the names of every mixed contest, in one
/// transaction; `false` if the poll was not closed.
pub async fn tallied_with_names(
    store: &Store,
    poll_id: i64,
    totals: &[u64],
    outcome: &[u8],
    digest: &[u8],
    names: &[(u32, Vec<String>)],
) -> Result<bool, StoreError> {
    let totals = serde_json::to_string(totals).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let (_turn, mut tx) = store.begin_write().await?;
    let r = sqlx::query(
        "UPDATE polls SET state = 'tallied', totals = $1, outcome = $2, result_digest = $3 \
         WHERE id = $4 AND state = 'closed'",
    )
    .bind(totals)
    .bind(outcome.to_vec())
    .bind(digest.to_vec())
    .bind(poll_id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    for (contest, list) in names {
        let text = serde_json::to_string(list).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("INSERT INTO mix_names (poll_id, contest, names) VALUES ($1, $2, $3)")
            .bind(poll_id)
            .bind(i64::from(*contest))
            .bind(text)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}
