//! The registered public key of the server (table `server_keys`).

use sqlx::Row;

use super::{Store, StoreError};

/// Registers `public_key` on first start; afterwards, checks that it is the one
/// registered. Returns `Ok(false)` if the database belongs to another key.
pub async fn register(store: &Store, public_key: &[u8; 32], now: i64) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let existing = sqlx::query("SELECT public_key FROM server_keys").fetch_all(&mut *tx).await?;
    let same = match existing.as_slice() {
        [] => {
            sqlx::query("INSERT INTO server_keys (public_key, created_at) VALUES ($1, $2)")
                .bind(public_key.to_vec())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            true
        }
        rows => rows.iter().any(|r| r.try_get::<Vec<u8>, _>("public_key").is_ok_and(|k| k == public_key)),
    };
    tx.commit().await?;
    Ok(same)
}
