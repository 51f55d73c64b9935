//! Congresses and their sessions (tables `congresses`, `sessions`).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};

/// A congress (代表大会) of one term, and a session (第×次会议) of it: wire types.
pub use hallvote_protocol::wire::{Congress, Session};

/// Creates a congress.
pub async fn create_congress(
    store: &Store,
    name: &str,
    number: i64,
    term_years: i64,
    now: i64,
) -> Result<Congress, StoreError> {
    let row = sqlx::query(
        "INSERT INTO congresses (name, number, term_years, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, name, number, term_years",
    )
    .bind(name)
    .bind(number)
    .bind(term_years)
    .bind(now)
    .fetch_one(store.pool())
    .await?;
    congress_from(&row)
}

fn congress_from(row: &AnyRow) -> Result<Congress, StoreError> {
    Ok(Congress {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        number: row.try_get("number")?,
        term_years: row.try_get("term_years")?,
    })
}

/// The congress with `id`.
pub async fn congress(store: &Store, id: i64) -> Result<Option<Congress>, StoreError> {
    let row = sqlx::query("SELECT id, name, number, term_years FROM congresses WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(congress_from).transpose()
}

/// Creates a session; a second session with the same number is [`StoreError::Conflict`].
pub async fn create_session(
    store: &Store,
    congress_id: i64,
    number: i64,
    place: &str,
    date: &str,
    ruleset: &str,
    now: i64,
) -> Result<Session, StoreError> {
    let row = sqlx::query(
        "INSERT INTO sessions (congress_id, number, place, date, ruleset, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, congress_id, number, place, date, ruleset",
    )
    .bind(congress_id)
    .bind(number)
    .bind(place)
    .bind(date)
    .bind(ruleset)
    .bind(now)
    .fetch_one(store.pool())
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "session number"))?;
    session_from(&row)
}

fn session_from(row: &AnyRow) -> Result<Session, StoreError> {
    Ok(Session {
        id: row.try_get("id")?,
        congress_id: row.try_get("congress_id")?,
        number: row.try_get("number")?,
        place: row.try_get("place")?,
        date: row.try_get("date")?,
        ruleset: row.try_get("ruleset")?,
    })
}

/// The session with `id`.
pub async fn session(store: &Store, id: i64) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query("SELECT id, congress_id, number, place, date, ruleset FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(session_from).transpose()
}

/// Every congress, newest first.
pub async fn congresses(store: &Store) -> Result<Vec<Congress>, StoreError> {
    let rows = sqlx::query("SELECT id, name, number, term_years FROM congresses ORDER BY id DESC")
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(congress_from).collect()
}

/// The sessions of a congress, in order.
pub async fn sessions_of(store: &Store, congress_id: i64) -> Result<Vec<Session>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, congress_id, number, place, date, ruleset FROM sessions WHERE congress_id = $1 ORDER BY number",
    )
    .bind(congress_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(session_from).collect()
}
