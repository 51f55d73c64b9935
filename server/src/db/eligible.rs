//! The eligible list of each congress (table `eligible_persons`, issue 17).

use sqlx::Row;

use super::{Store, StoreError};
use crate::roster::{EligibleRow, Gender};
use hallvote_protocol::wire::EligiblePerson;

/// Replaces a congress's eligible list with `rows`, in one transaction. Returns how
/// many persons the list had before.
pub async fn replace(store: &Store, congress_id: i64, rows: &[EligibleRow]) -> Result<usize, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let before = sqlx::query("DELETE FROM eligible_persons WHERE congress_id = $1")
        .bind(congress_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    for r in rows {
        let gender = match r.gender {
            Some(Gender::Male) => "male",
            Some(Gender::Female) => "female",
            None => "",
        };
        sqlx::query("INSERT INTO eligible_persons (congress_id, seq, name, gender, unit) VALUES ($1, $2, $3, $4, $5)")
            .bind(congress_id)
            .bind(&r.seq)
            .bind(&r.name)
            .bind(gender)
            .bind(&r.unit)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(usize::try_from(before).unwrap_or(usize::MAX))
}

/// A congress's eligible list, in import order.
pub async fn list(store: &Store, congress_id: i64) -> Result<Vec<EligiblePerson>, StoreError> {
    let rows = sqlx::query("SELECT seq, name, gender, unit FROM eligible_persons WHERE congress_id = $1 ORDER BY id")
        .bind(congress_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(EligiblePerson {
                seq: row.try_get("seq")?,
                name: row.try_get("name")?,
                gender: row.try_get("gender")?,
                unit: row.try_get("unit")?,
            })
        })
        .collect()
}
