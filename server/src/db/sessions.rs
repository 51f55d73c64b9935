//! Login sessions (table `login_sessions`). Login attempts are kept in memory
//! (`crate::auth::throttle`).
//!
//! The cookie holds a random 32-byte token; the table holds only its SHA-256, so
//! reading the database does not let anyone log in.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::accounts::Account;
use super::{Store, StoreError};

/// How long a login lasts: one hall day.
pub const SESSION_SECONDS: i64 = 14 * 3600;

/// The stored form of a session token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Records a new session for `account_id`.
pub async fn create(store: &Store, token: &str, account_id: i64, csrf: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO login_sessions (token_hash, account_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(token))
    .bind(account_id)
    .bind(csrf)
    .bind(now)
    .bind(now + SESSION_SECONDS)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The account and CSRF token of a live session, if the token names one.
pub async fn lookup(store: &Store, token: &str, now: i64) -> Result<Option<(Account, String)>, StoreError> {
    let row = sqlx::query(
        "SELECT a.id, a.username, a.display_name, a.role, a.must_change_password, a.disabled, s.csrf_token \
         FROM login_sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let account = super::accounts::from_row(&row)?;
    if account.disabled {
        return Ok(None);
    }
    Ok(Some((account, row.try_get("csrf_token")?)))
}

/// Ends a session.
pub async fn delete(store: &Store, token: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(store.pool())
        .await?;
    Ok(())
}
