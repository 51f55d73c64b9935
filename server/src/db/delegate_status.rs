//! Changes of a delegate's status during the term (table `delegate_status_changes`,
//! append-only; `delegates.status` holds the latest): 资格终止, 停止执行代表职务 and
//! restored. Each change, the departure it implies and its audit entry are written
//! in one transaction, so the roll, the attendance log and the audit log never
//! disagree about it.

use sqlx::Row;

use super::roster::DelegateRecord;
use super::{Store, StoreError, audit};
pub use hallvote_protocol::wire::{DelegateStanding, StatusChange};

/// What recording a change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// The change, as kept.
    Changed(StatusChange),
    /// The delegate already has that status: nothing was written.
    Unchanged,
}

/// A change as the organiser gives it (checked by the caller).
#[derive(Clone, Copy, Debug)]
pub struct Change<'a> {
    /// The new status.
    pub status: DelegateStanding,
    /// The date it takes effect, `YYYY-MM-DD`.
    pub effective: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The document it rests on (文件依据).
    pub document: &'a str,
}

/// Records a change of `delegate`'s status by `actor` at `now`. A delegate who
/// stops holding the status while checked in to a session is recorded as departed
/// from it (they are no longer there as a delegate; after a restoration they check
/// in again at the desk). Polls already open keep the figures they froze.
pub async fn change(
    store: &Store,
    delegate: &DelegateRecord,
    change: Change<'_>,
    actor: &str,
    now: i64,
) -> Result<Recorded, StoreError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (_turn, mut tx) = store.begin_write().await?;
        match change_in(&mut tx, delegate, change, actor, now).await {
            // Another change of this delegate came first (PostgreSQL): again, from it.
            Ok(None) if attempts < 20 => tx.rollback().await?,
            Ok(None) => return Err(StoreError::Conflict("delegate status")),
            Ok(Some(recorded)) => {
                if recorded == Recorded::Unchanged {
                    tx.rollback().await?;
                } else {
                    tx.commit().await?;
                }
                return Ok(recorded);
            }
            // Another writer took the audit log's next entry (PostgreSQL): again.
            Err(e) if attempts < 20 && audit::is_retryable(&e) => tx.rollback().await?,
            Err(e) => return Err(e.into()),
        }
    }
}

async fn change_in(
    tx: &mut sqlx::AnyConnection,
    delegate: &DelegateRecord,
    change: Change<'_>,
    actor: &str,
    now: i64,
) -> Result<Option<Recorded>, sqlx::Error> {
    let row = sqlx::query("SELECT status FROM delegates WHERE id = $1").bind(delegate.id).fetch_one(&mut *tx).await?;
    let stored: String = row.try_get("status")?;
    let from = standing(&stored);
    if from == change.status {
        return Ok(Some(Recorded::Unchanged));
    }
    // Only from the status just read: a concurrent change makes this one retry.
    let updated = sqlx::query("UPDATE delegates SET status = $1 WHERE id = $2 AND status = $3")
        .bind(change.status.as_str())
        .bind(delegate.id)
        .bind(&stored)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if updated != 1 {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO delegate_status_changes \
         (delegate_id, previous, status, effective, reason, document, actor, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(delegate.id)
    .bind(from.as_str())
    .bind(change.status.as_str())
    .bind(change.effective)
    .bind(change.reason)
    .bind(change.document)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if change.status != DelegateStanding::Active {
        // Departures from every session the delegate is checked in to now.
        sqlx::query(
            "INSERT INTO attendance_events (session_id, delegate_id, kind, at, actor) \
             SELECT a.session_id, a.delegate_id, 'depart', $2, $3 FROM attendance_events a \
             WHERE a.delegate_id = $1 AND a.kind = 'arrive' AND a.id = ( \
               SELECT MAX(b.id) FROM attendance_events b \
               WHERE b.session_id = a.session_id AND b.delegate_id = a.delegate_id)",
        )
        .bind(delegate.id)
        .bind(now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!(
        "{} {}: {} → {}, effective {}; {}; {}",
        delegate.card,
        delegate.name,
        from.as_str(),
        change.status.as_str(),
        change.effective,
        change.reason,
        change.document
    );
    audit::append_in(tx, now, actor, "delegate.status", &detail).await?;
    Ok(Some(Recorded::Changed(StatusChange {
        card: delegate.card.clone(),
        from,
        status: change.status,
        effective: change.effective.to_owned(),
        reason: change.reason.to_owned(),
        document: change.document.to_owned(),
        actor: actor.to_owned(),
        recorded_at: now,
    })))
}

/// The changes of one delegate's status, oldest first.
pub async fn history(store: &Store, delegate: &DelegateRecord) -> Result<Vec<StatusChange>, StoreError> {
    let rows = sqlx::query(
        "SELECT previous, status, effective, reason, document, actor, recorded_at FROM delegate_status_changes \
         WHERE delegate_id = $1 ORDER BY id",
    )
    .bind(delegate.id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StatusChange {
                card: delegate.card.clone(),
                from: standing(&r.try_get::<String, _>("previous")?),
                status: standing(&r.try_get::<String, _>("status")?),
                effective: r.try_get("effective")?,
                reason: r.try_get("reason")?,
                document: r.try_get("document")?,
                actor: r.try_get("actor")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

/// The status a stored name stands for. The schema admits only the three names
/// (migration 0013 rewrote the older `lost:<reason>`); anything else is read as
/// not holding the status, the side that admits nobody wrongly.
pub fn standing(stored: &str) -> DelegateStanding {
    DelegateStanding::parse(stored).unwrap_or(DelegateStanding::Terminated)
}
