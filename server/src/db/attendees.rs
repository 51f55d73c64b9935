//! People at a session without a vote (tables `attendees`, `attendee_arrivals`):
//! 列席 and 旁听, registered per session and checked in apart from the delegates, so
//! that nothing about them can reach expected, present or a credential.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
pub use hallvote_protocol::wire::{Attendee, AttendeeKind};

/// An attendee and their row id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendeeRecord {
    /// Row id.
    pub id: i64,
    /// What the desk and the API show.
    pub attendee: Attendee,
}

const SELECT: &str = "SELECT a.id, a.number, a.name, a.unit, a.kind, \
     CAST(CASE WHEN r.attendee_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS arrived \
     FROM attendees a LEFT JOIN attendee_arrivals r ON r.attendee_id = a.id";

fn from_row(row: &AnyRow) -> Result<AttendeeRecord, StoreError> {
    let kind: String = row.try_get("kind")?;
    let arrived: i64 = row.try_get("arrived")?;
    Ok(AttendeeRecord {
        id: row.try_get("id")?,
        attendee: Attendee {
            number: row.try_get("number")?,
            name: row.try_get("name")?,
            unit: row.try_get("unit")?,
            kind: AttendeeKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("attendee kind {kind}")))?,
            checked_in: arrived != 0,
        },
    })
}

/// Registers an attendee; a number already used in the session is [`StoreError::Conflict`].
pub async fn register(
    store: &Store,
    session_id: i64,
    number: &str,
    name: &str,
    unit: &str,
    kind: AttendeeKind,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO attendees (session_id, number, name, unit, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(session_id)
    .bind(number)
    .bind(name)
    .bind(unit)
    .bind(kind.as_str())
    .bind(now)
    .execute(store.pool())
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "attendee"))?;
    Ok(())
}

/// The session's attendees, in the order they were registered.
pub async fn of_session(store: &Store, session_id: i64) -> Result<Vec<AttendeeRecord>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE a.session_id = $1 ORDER BY a.id"))
        .bind(session_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The attendees the desk's query finds: the one whose pass number it is (ASCII
/// letters in any case), else those of that name.
pub async fn find(store: &Store, session_id: i64, query: &str) -> Result<Vec<AttendeeRecord>, StoreError> {
    let all = of_session(store, session_id).await?;
    let by_number: Vec<AttendeeRecord> =
        all.iter().filter(|a| a.attendee.number.eq_ignore_ascii_case(query)).cloned().collect();
    if !by_number.is_empty() {
        return Ok(by_number);
    }
    Ok(all.into_iter().filter(|a| a.attendee.name == query).collect())
}

/// Records an attendee's arrival; `false` if they had arrived already.
pub async fn arrive(store: &Store, attendee_id: i64, at: i64, actor: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("INSERT INTO attendee_arrivals (attendee_id, at, actor) VALUES ($1, $2, $3)")
        .bind(attendee_id)
        .bind(at)
        .bind(actor)
        .execute(store.pool())
        .await;
    match done.map_err(|e| StoreError::conflict_on_unique(e, "attendee arrival")) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How many 列席 and 旁听 have checked in to the session.
pub async fn arrived_counts(store: &Store, session_id: i64) -> Result<(u32, u32), StoreError> {
    let rows = sqlx::query(
        "SELECT a.kind, COUNT(*) AS n FROM attendees a JOIN attendee_arrivals r ON r.attendee_id = a.id \
         WHERE a.session_id = $1 GROUP BY a.kind",
    )
    .bind(session_id)
    .fetch_all(store.pool())
    .await?;
    let (mut attending, mut observing) = (0, 0);
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let n = u32::try_from(r.try_get::<i64, _>("n")?).unwrap_or(u32::MAX);
        match AttendeeKind::parse(&kind) {
            Some(AttendeeKind::Attending) => attending = n,
            Some(AttendeeKind::Observing) => observing = n,
            None => return Err(StoreError::Corrupt(format!("attendee kind {kind}"))),
        }
    }
    Ok((attending, observing))
}
