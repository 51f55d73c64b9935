//! The delegate roll and exclusions (tables `delegates`, `exclusions`).

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
use crate::roster::{Gender, RosterRow};

/// A delegate on a congress's roll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DelegateRecord {
    /// Row id.
    pub id: i64,
    /// 代表证号.
    pub card: String,
    /// 序号.
    pub seq: String,
    /// 姓名.
    pub name: String,
    /// male, female, or empty.
    pub gender: String,
    /// 民族.
    pub ethnicity: String,
    /// 代表团.
    pub group: String,
    /// 工作单位及职务.
    pub unit: String,
    /// `active`, `terminated` or `suspended` (`db::delegate_status`).
    pub status: String,
}

const COLUMNS: &str = "id, card, seq, name, gender, ethnicity, grp, unit, status";

fn from_row(row: &AnyRow) -> Result<DelegateRecord, StoreError> {
    Ok(DelegateRecord {
        id: row.try_get("id")?,
        card: row.try_get("card")?,
        seq: row.try_get("seq")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        ethnicity: row.try_get("ethnicity")?,
        group: row.try_get("grp")?,
        unit: row.try_get("unit")?,
        status: row.try_get("status")?,
    })
}

/// Imports rows into a congress's roll in one transaction: a new card is added,
/// a known card's details are updated (its status is kept: it changes only by a
/// recorded change, `db::delegate_status`). Returns (added, updated).
pub async fn import(store: &Store, congress_id: i64, rows: &[RosterRow]) -> Result<(usize, usize), StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let (mut added, mut updated) = (0, 0);
    for r in rows {
        let gender = match r.gender {
            Some(Gender::Male) => "male",
            Some(Gender::Female) => "female",
            None => "",
        };
        let changed = sqlx::query(
            "UPDATE delegates SET seq = $1, name = $2, gender = $3, ethnicity = $4, grp = $5, unit = $6 \
             WHERE congress_id = $7 AND card = $8",
        )
        .bind(&r.seq)
        .bind(&r.name)
        .bind(gender)
        .bind(&r.ethnicity)
        .bind(&r.group)
        .bind(&r.unit)
        .bind(congress_id)
        .bind(&r.card)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            updated += 1;
            continue;
        }
        sqlx::query(
            "INSERT INTO delegates (congress_id, card, seq, name, gender, ethnicity, grp, unit, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active')",
        )
        .bind(congress_id)
        .bind(&r.card)
        .bind(&r.seq)
        .bind(&r.name)
        .bind(gender)
        .bind(&r.ethnicity)
        .bind(&r.group)
        .bind(&r.unit)
        .execute(&mut *tx)
        .await?;
        added += 1;
    }
    tx.commit().await?;
    Ok((added, updated))
}

/// The roll of a congress, in import order.
pub async fn roll(store: &Store, congress_id: i64) -> Result<Vec<DelegateRecord>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM delegates WHERE congress_id = $1 ORDER BY id"))
        .bind(congress_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The delegate with card number `card` on a congress's roll. Card numbers are
/// matched without regard to the case of ASCII letters ("t009" finds T009, as a
/// desk clerk types it), unless the roll holds the exact number, or more than one
/// number differs from it in case only (then only the exact number is found).
pub async fn by_card(store: &Store, congress_id: i64, card: &str) -> Result<Option<DelegateRecord>, StoreError> {
    let exact = sqlx::query(&format!("SELECT {COLUMNS} FROM delegates WHERE congress_id = $1 AND card = $2"))
        .bind(congress_id)
        .bind(card)
        .fetch_optional(store.pool())
        .await?;
    if let Some(row) = exact {
        return from_row(&row).map(Some);
    }
    // SQLite's UPPER folds ASCII letters only; the same is asked of PostgreSQL by
    // comparing with the ASCII-uppercased number in Rust on both.
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM delegates WHERE congress_id = $1 AND UPPER(card) = $2"))
        .bind(congress_id)
        .bind(card.to_ascii_uppercase())
        .fetch_all(store.pool())
        .await?;
    let found: Vec<DelegateRecord> = rows
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|d| d.card.eq_ignore_ascii_case(card))
        .collect();
    Ok(match <[DelegateRecord; 1]>::try_from(found) {
        Ok([one]) => Some(one),
        Err(_) => None,
    })
}

/// An approved exclusion (R1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExclusionRecord {
    /// The delegate's card number.
    pub card: String,
    /// illness, abroad, detained, other.
    pub reason: String,
    /// Details.
    pub note: String,
}

/// Records an exclusion; a second one for the same delegate is [`StoreError::Conflict`].
pub async fn exclude(
    store: &Store,
    session_id: i64,
    delegate_id: i64,
    reason: &str,
    note: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO exclusions (session_id, delegate_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(session_id)
    .bind(delegate_id)
    .bind(reason)
    .bind(note)
    .bind(now)
    .execute(store.pool())
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "exclusion"))?;
    Ok(())
}

/// Withdraws an exclusion made in error: the delegate counts as expected again
/// (polls already open keep the figures they froze). `false` if there was none.
pub async fn withdraw_exclusion(store: &Store, session_id: i64, delegate_id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM exclusions WHERE session_id = $1 AND delegate_id = $2")
        .bind(session_id)
        .bind(delegate_id)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The exclusions of a session.
pub async fn exclusions(store: &Store, session_id: i64) -> Result<Vec<ExclusionRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT d.card, e.reason, e.note FROM exclusions e JOIN delegates d ON d.id = e.delegate_id \
         WHERE e.session_id = $1 ORDER BY d.id",
    )
    .bind(session_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ExclusionRecord { card: r.try_get("card")?, reason: r.try_get("reason")?, note: r.try_get("note")? })
        })
        .collect()
}
