//! Login sessions (table `login_sessions`) and login attempts (`login_attempts`).
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

/// Records a login attempt for `username` from `address` before its password is
/// checked, so that concurrent guesses count against each other; its id.
pub async fn begin_attempt(store: &Store, username: &str, address: &str, now: i64) -> Result<i64, StoreError> {
    let row = sqlx::query("INSERT INTO login_attempts (username, address, at) VALUES ($1, $2, $3) RETURNING id")
        .bind(username)
        .bind(address)
        .bind(now)
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("id")?)
}

/// Forgets an attempt whose password was right.
pub async fn forget_attempt(store: &Store, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_attempts WHERE id = $1").bind(id).execute(store.pool()).await?;
    Ok(())
}

/// Attempts for `username` since `since`: from `address` only, or from anywhere.
pub async fn attempts_since(
    store: &Store,
    username: &str,
    address: Option<&str>,
    since: i64,
) -> Result<i64, StoreError> {
    let row = match address {
        Some(a) => {
            sqlx::query("SELECT COUNT(*) AS n FROM login_attempts WHERE username = $1 AND address = $2 AND at >= $3")
                .bind(username)
                .bind(a)
                .bind(since)
                .fetch_one(store.pool())
                .await?
        }
        None => {
            sqlx::query("SELECT COUNT(*) AS n FROM login_attempts WHERE username = $1 AND at >= $2")
                .bind(username)
                .bind(since)
                .fetch_one(store.pool())
                .await?
        }
    };
    Ok(row.try_get("n")?)
}
