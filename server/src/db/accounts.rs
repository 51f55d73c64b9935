//! Accounts (table `accounts`).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
use crate::auth::Role;

/// An account as the server uses it (the password hash stays in the database layer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// Set for a one-time password: the account must choose a new one first.
    pub must_change_password: bool,
    /// A disabled account cannot log in.
    pub disabled: bool,
}

/// A new account to create.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    /// Login name, unique.
    pub username: &'a str,
    /// Name shown to people.
    pub display_name: &'a str,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: &'a str,
    /// Whether the password is a one-time password.
    pub must_change_password: bool,
}

const COLUMNS: &str = "id, username, display_name, role, must_change_password, disabled";

/// An account from a row with the columns of [`COLUMNS`] (also used by `sessions`).
pub(crate) fn from_row(row: &AnyRow) -> Result<Account, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: role.parse().map_err(|()| StoreError::Corrupt(format!("unknown role {role:?}")))?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

/// Creates an account; a taken username is [`StoreError::Conflict`].
pub async fn create(store: &Store, new: &NewAccount<'_>, now: i64) -> Result<Account, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO accounts (username, display_name, role, password_hash, must_change_password, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING {COLUMNS}"
    ))
    .bind(new.username)
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(new.password_hash)
    .bind(i64::from(new.must_change_password))
    .bind(now)
    .fetch_one(store.pool())
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "username"))?;
    from_row(&row)
}

/// The account with `username` and its password hash.
pub async fn by_username(store: &Store, username: &str) -> Result<Option<(Account, String)>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS}, password_hash FROM accounts WHERE username = $1"))
        .bind(username)
        .fetch_optional(store.pool())
        .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get("password_hash")?))).transpose()
}

/// How many accounts have `role`.
pub async fn count_with_role(store: &Store, role: Role) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE role = $1")
        .bind(role.as_str())
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("n")?)
}

/// Replaces an account's password, clears the one-time flag and ends every other
/// session of the account (all but the one whose token hash is `keep`), in one
/// transaction: whoever had the old password is logged out with it.
pub async fn set_password(store: &Store, id: i64, password_hash: &str, keep: Option<&[u8]>) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    sqlx::query("UPDATE accounts SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_sessions WHERE account_id = $1 AND token_hash <> $2")
        .bind(id)
        .bind(keep.unwrap_or_default().to_vec())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables or re-enables an account. Disabling also ends every session of the
/// account, in the same transaction. `false` if there is no such account.
pub async fn set_disabled(store: &Store, id: i64, disabled: bool) -> Result<bool, StoreError> {
    let mut tx = store.pool().begin().await?;
    let r = sqlx::query("UPDATE accounts SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if disabled {
        sqlx::query("DELETE FROM login_sessions WHERE account_id = $1").bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(r.rows_affected() == 1)
}

/// Ends every session of an account; the number ended.
pub async fn end_sessions(store: &Store, id: i64) -> Result<u64, StoreError> {
    let r = sqlx::query("DELETE FROM login_sessions WHERE account_id = $1").bind(id).execute(store.pool()).await?;
    Ok(r.rows_affected())
}

/// The account with this id.
pub async fn by_id(store: &Store, id: i64) -> Result<Option<Account>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every account, by id (no password hashes).
pub async fn list(store: &Store) -> Result<Vec<Account>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts ORDER BY id")).fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}
