//! Reading a poll's board in pages (spec §14.8): a scrutineer's station downloads the
//! whole sealed board to recompute the aggregates it decrypts. The board is written
//! only by [`super::casting::append_batch`].

use sqlx::Row;

use super::{Store, StoreError};

/// Up to `limit` encoded board entries (spec §12.4) of a poll from position `from`
/// on, in order.
pub async fn entries_from(store: &Store, poll_id: i64, from: u64, limit: u32) -> Result<Vec<Vec<u8>>, StoreError> {
    let rows =
        sqlx::query("SELECT entry FROM board_entries WHERE poll_id = $1 AND position >= $2 ORDER BY position LIMIT $3")
            .bind(poll_id)
            .bind(i64::try_from(from).unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(store.pool())
            .await?;
    rows.iter().map(|r| Ok(r.try_get::<Vec<u8>, _>("entry")?)).collect()
}
