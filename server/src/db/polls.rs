//! Polls (table `polls`).

use hallvote_tally::model::Poll;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
use crate::lifecycle::PollState;

/// A stored poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PollRecord {
    /// Row id.
    pub id: i64,
    /// The session.
    pub session_id: i64,
    /// Where the poll is in its lifecycle.
    pub state: PollState,
    /// The definition.
    pub poll: Poll,
}

fn from_row(row: &AnyRow) -> Result<PollRecord, StoreError> {
    let json: String = row.try_get("definition")?;
    Ok(PollRecord {
        id: row.try_get("id")?,
        session_id: row.try_get("session_id")?,
        state: super::poll_state(row)?,
        poll: serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("poll definition: {e}")))?,
    })
}

/// Stores a new poll in the draft state.
pub async fn create(store: &Store, session_id: i64, poll: &Poll, now: i64) -> Result<PollRecord, StoreError> {
    let json = serde_json::to_string(poll).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let row = sqlx::query(
        "INSERT INTO polls (session_id, name, definition, state, created_at) VALUES ($1, $2, $3, 'draft', $4) \
         RETURNING id, session_id, state, definition",
    )
    .bind(session_id)
    .bind(&poll.name)
    .bind(json)
    .bind(now)
    .fetch_one(store.pool())
    .await?;
    from_row(&row)
}

/// The polls of a session, oldest first.
pub async fn of_session(store: &Store, session_id: i64) -> Result<Vec<PollRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, session_id, state, definition FROM polls WHERE session_id = $1 ORDER BY id")
        .bind(session_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The poll with `id`.
pub async fn get(store: &Store, id: i64) -> Result<Option<PollRecord>, StoreError> {
    let row = sqlx::query("SELECT id, session_id, state, definition FROM polls WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}
