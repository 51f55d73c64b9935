//! Attendance (table `attendance_events`): an append-only log of arrivals and
//! departures; a delegate is present if their last event is an arrival.

use sqlx::Row;

use super::{Store, StoreError};

/// Arrival or departure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Movement {
    /// Checked in at the desk (报到), including late arrival.
    Arrive,
    /// Left the hall before the end.
    Depart,
}

impl Movement {
    fn as_str(self) -> &'static str {
        match self {
            Movement::Arrive => "arrive",
            Movement::Depart => "depart",
        }
    }
}

/// Records a movement unless it changes nothing (an arrival of someone present,
/// a departure of someone absent). Returns whether an event was recorded.
pub async fn record(
    store: &Store,
    session_id: i64,
    delegate_id: i64,
    movement: Movement,
    at: i64,
    actor: &str,
) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let last = sqlx::query(
        "SELECT kind FROM attendance_events WHERE session_id = $1 AND delegate_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(session_id)
    .bind(delegate_id)
    .fetch_optional(&mut *tx)
    .await?;
    let present = matches!(last.map(|r| r.try_get::<String, _>("kind")).transpose()?.as_deref(), Some("arrive"));
    if present == (movement == Movement::Arrive) {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("INSERT INTO attendance_events (session_id, delegate_id, kind, at, actor) VALUES ($1, $2, $3, $4, $5)")
        .bind(session_id)
        .bind(delegate_id)
        .bind(movement.as_str())
        .bind(at)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Card numbers of the delegates present in a session now.
pub async fn present_cards(store: &Store, session_id: i64) -> Result<Vec<String>, StoreError> {
    present_cards_at(store, session_id, i64::MAX).await
}

/// Card numbers of the delegates present in a session when the attendance log
/// stood at event `mark` (their last event up to it was an arrival): a poll's 实到
/// is the count of these at its opening mark (R2), so a delegate who arrived later
/// is not counted for it.
pub async fn present_cards_at(store: &Store, session_id: i64, mark: i64) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT d.card FROM attendance_events a JOIN delegates d ON d.id = a.delegate_id \
         WHERE a.session_id = $1 AND a.kind = 'arrive' AND a.id = ( \
           SELECT MAX(b.id) FROM attendance_events b \
           WHERE b.session_id = a.session_id AND b.delegate_id = a.delegate_id AND b.id <= $2) \
         ORDER BY d.id",
    )
    .bind(session_id)
    .bind(mark)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("card")?)).collect()
}

/// The newest event of a session's attendance log (0 before the first): the mark
/// a poll freezes its 实到 at when it opens.
pub async fn last_event(store: &Store, session_id: i64) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS mark FROM attendance_events WHERE session_id = $1")
        .bind(session_id)
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get("mark")?)
}

/// Whether a delegate was present in a session when the attendance log stood at
/// event `mark` (their last event up to it was an arrival).
pub async fn present_at(store: &Store, session_id: i64, delegate_id: i64, mark: i64) -> Result<bool, StoreError> {
    let last = sqlx::query(
        "SELECT kind FROM attendance_events WHERE session_id = $1 AND delegate_id = $2 AND id <= $3 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(session_id)
    .bind(delegate_id)
    .bind(mark)
    .fetch_optional(store.pool())
    .await?;
    Ok(matches!(last.map(|r| r.try_get::<String, _>("kind")).transpose()?.as_deref(), Some("arrive")))
}
