//! The audit log of organiser actions (table `audit_log`): append-only in the
//! schema (triggers refuse UPDATE and DELETE) and hash-chained, so that a removed,
//! reordered or edited entry breaks every hash after it.
//!
//! `entry_hash = H("hallvote/audit/v1", prev_hash, u64be(seq), u64be(at), actor, action, detail)`
//! with `prev_hash` of the first entry 64 zero bytes (spec §2 for `H`).

use hallvote_crypto::hash::Hasher;
use hallvote_crypto::tags;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};

/// One entry of the audit log (a wire type: `GET /api/audit` lists them).
pub use hallvote_protocol::wire::AuditEntry;

/// The hash of an entry from its fields.
pub fn entry_hash(prev: &[u8], seq: i64, at: i64, actor: &str, action: &str, detail: &str) -> [u8; 64] {
    let mut h = Hasher::new(tags::AUDIT_ENTRY);
    h.bytes(prev)
        .u64(seq as u64)
        .u64(at as u64)
        .bytes(actor.as_bytes())
        .bytes(action.as_bytes())
        .bytes(detail.as_bytes());
    h.finalize()
}

/// Appends an entry at the end of the chain. Concurrent appends from several
/// server processes race for the next `seq`; the loser retries on the new end.
pub async fn append(store: &Store, at: i64, actor: &str, action: &str, detail: &str) -> Result<AuditEntry, StoreError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (_turn, mut tx) = store.begin_write().await?;
        match append_in(&mut tx, at, actor, action, detail).await {
            Ok(entry) => {
                tx.commit().await?;
                return Ok(entry);
            }
            Err(e) if attempts < 20 && is_retryable(&e) => {
                tx.rollback().await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Appends an entry inside a transaction that writes what the entry records, so
/// that both are kept or neither. A lost race for the next `seq` fails the
/// transaction with an error [`is_retryable`] accepts: the caller runs it again.
pub(crate) async fn append_in(
    tx: &mut sqlx::AnyConnection,
    at: i64,
    actor: &str,
    action: &str,
    detail: &str,
) -> Result<AuditEntry, sqlx::Error> {
    let last =
        sqlx::query("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *tx).await?;
    let (seq, prev) = match last {
        Some(row) => (row.try_get::<i64, _>("seq")? + 1, row.try_get::<Vec<u8>, _>("entry_hash")?),
        None => (1, vec![0u8; 64]),
    };
    let hash = entry_hash(&prev, seq, at, actor, action, detail);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, entry_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(detail)
    .bind(prev.clone())
    .bind(hash.to_vec())
    .execute(&mut *tx)
    .await?;
    Ok(AuditEntry {
        seq,
        at,
        actor: actor.to_owned(),
        action: action.to_owned(),
        detail: detail.to_owned(),
        prev_hash: prev,
        entry_hash: hash.to_vec(),
    })
}

/// Whether a failed append lost a race (the next `seq` was taken, or PostgreSQL
/// could not serialise it) and may be tried again on the new end of the chain.
pub(crate) fn is_retryable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.is_unique_violation() || db.code().as_deref() == Some("40001"),
        _ => false,
    }
}

fn from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        entry_hash: row.try_get("entry_hash")?,
    })
}

/// Entries with `seq > after`, oldest first, at most `limit`.
pub async fn list(store: &Store, after: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, detail, prev_hash, entry_hash FROM audit_log \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Checks a run of entries starting at `seq = 1`: consecutive numbers, each
/// `prev_hash` equal to the previous `entry_hash`, each `entry_hash` recomputed.
/// Returns the `seq` of the first entry that breaks the chain.
pub fn verify_chain(entries: &[AuditEntry]) -> Result<(), i64> {
    let mut prev = vec![0u8; 64];
    for (k, e) in entries.iter().enumerate() {
        let expected = entry_hash(&prev, e.seq, e.at, &e.actor, &e.action, &e.detail);
        if e.seq != k as i64 + 1 || e.prev_hash != prev || e.entry_hash != expected {
            return Err(e.seq);
        }
        prev = e.entry_hash.clone();
    }
    Ok(())
}

/// Entries with `seq < before`, newest first, at most `limit`.
pub async fn latest(store: &Store, before: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, detail, prev_hash, entry_hash FROM audit_log \
         WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}
