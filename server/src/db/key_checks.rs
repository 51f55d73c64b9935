//! The key check before a poll opens (spec §5.7, §14.3): the test ciphertext made for
//! each scrutineer and whether its station's answer passed. Every write here is one
//! statement; a ceremony restart deletes a poll's rows ([`super::casting::restart_ceremony`]).

use sqlx::Row;

use super::{Store, StoreError};

/// Stores a fresh test ciphertext for scrutineer `j`, replacing any earlier one that
/// was not answered (a pass already recorded stays).
pub async fn set_test(store: &Store, poll_id: i64, j: u32, ciphertext: &[u8]) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO key_checks (poll_id, scrutineer, ciphertext) VALUES ($1, $2, $3) \
         ON CONFLICT (poll_id, scrutineer) DO UPDATE SET ciphertext = excluded.ciphertext",
    )
    .bind(poll_id)
    .bind(i64::from(j))
    .bind(ciphertext.to_vec())
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The latest test ciphertext made for scrutineer `j`.
pub async fn test_of(store: &Store, poll_id: i64, j: u32) -> Result<Option<Vec<u8>>, StoreError> {
    let row = sqlx::query("SELECT ciphertext FROM key_checks WHERE poll_id = $1 AND scrutineer = $2")
        .bind(poll_id)
        .bind(i64::from(j))
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|r| r.try_get("ciphertext")).transpose()?)
}

/// Records that scrutineer `j` answered the test ciphertext `ciphertext` with the
/// verified `share` at `at`. False if that is no longer `j`'s latest test (a newer one
/// was made meanwhile, or the ceremony was restarted).
pub async fn pass(
    store: &Store,
    poll_id: i64,
    j: u32,
    ciphertext: &[u8],
    share: &[u8],
    at: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE key_checks SET passed_test = ciphertext, share = $1, passed_at = $2 \
         WHERE poll_id = $3 AND scrutineer = $4 AND ciphertext = $5",
    )
    .bind(share.to_vec())
    .bind(at)
    .bind(poll_id)
    .bind(i64::from(j))
    .bind(ciphertext.to_vec())
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The scrutineers of a poll whose key check has passed, in order.
pub async fn passed(store: &Store, poll_id: i64) -> Result<Vec<u32>, StoreError> {
    let rows = sqlx::query(
        "SELECT scrutineer FROM key_checks WHERE poll_id = $1 AND passed_at IS NOT NULL ORDER BY scrutineer",
    )
    .bind(poll_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let j: i64 = r.try_get("scrutineer")?;
            u32::try_from(j).map_err(|_| StoreError::Corrupt(format!("key check of scrutineer {j}")))
        })
        .collect()
}
