//! 述职 report summaries (table `member_reports`, migration 0019; spec §14.16).

use sqlx::Row;

use super::{Store, StoreError};
use hallvote_protocol::wire::MemberReport;

/// Sets the summary of `member` in contest `contest` of poll `poll_id`; an empty `body`
/// removes it. Returns whether a summary was there before.
pub async fn set(
    store: &Store,
    poll_id: i64,
    contest: &str,
    member: &str,
    body: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let before = sqlx::query("DELETE FROM member_reports WHERE poll_id = $1 AND contest_id = $2 AND member = $3")
        .bind(poll_id)
        .bind(contest)
        .bind(member)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if !body.is_empty() {
        sqlx::query(
            "INSERT INTO member_reports (poll_id, contest_id, member, body, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(poll_id)
        .bind(contest)
        .bind(member)
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(before > 0)
}

/// Every summary of a poll, by contest and member (the caller puts them in ballot order).
pub async fn of_poll(store: &Store, poll_id: i64) -> Result<Vec<MemberReport>, StoreError> {
    let rows = sqlx::query(
        "SELECT contest_id, member, body FROM member_reports WHERE poll_id = $1 ORDER BY contest_id, member",
    )
    .bind(poll_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MemberReport {
                contest: row.try_get("contest_id")?,
                member: row.try_get("member")?,
                text: row.try_get("body")?,
            })
        })
        .collect()
}
