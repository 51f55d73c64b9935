//! Proposals and the presidium (tables `presidium_members`, `proposal_deadlines`,
//! `proposals`, `proposal_cosigners`, `proposal_events`; spec §14.11).
//!
//! A proposal moves from state to state only through [`advance`], which changes its
//! row only if it still stands where the caller read it, and records the step in
//! `proposal_events` in the same transaction.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
pub use hallvote_protocol::wire::{CosignVia, ProposalCategory, ProposalDelegate, ProposalState, ReplyEvaluation};

/// A proposal's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalRecord {
    /// Row id.
    pub id: i64,
    /// Its session.
    pub session_id: i64,
    /// 第×号.
    pub number: i64,
    /// The lead delegate's row id.
    pub lead_id: i64,
    /// 案由.
    pub title: String,
    /// 理由.
    pub reasons: String,
    /// 建议措施.
    pub measures: String,
    /// Where it stands.
    pub state: ProposalState,
    /// A proposal or a suggestion.
    pub category: ProposalCategory,
    /// The proposal it was merged into.
    pub merged_into: Option<i64>,
    /// Its motion poll.
    pub poll_id: Option<i64>,
    /// 承办单位.
    pub unit: String,
    /// Due date.
    pub due: String,
    /// The latest evaluation.
    pub evaluation: Option<ReplyEvaluation>,
}

/// A step of a proposal's history as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// Unix seconds.
    pub at: i64,
    /// Who recorded it.
    pub actor: String,
    /// What.
    pub action: String,
    /// The presidium member who decided.
    pub member: Option<ProposalDelegate>,
    /// Why.
    pub reason: String,
    /// A reply, an assignment.
    pub text: String,
}

/// A step to record with a change of state.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    /// Unix seconds.
    pub at: i64,
    /// Who records it.
    pub actor: &'a str,
    /// What.
    pub action: &'a str,
    /// The deciding presidium member's delegate row id.
    pub member_id: Option<i64>,
    /// Why.
    pub reason: &'a str,
    /// A reply, an assignment.
    pub text: &'a str,
}

const COLUMNS: &str = "id, session_id, number, lead_id, title, reasons, measures, state, category, merged_into, \
     poll_id, unit, due, evaluation";

fn corrupt(what: &str, name: &str) -> StoreError {
    StoreError::Corrupt(format!("proposal {what} {name:?}"))
}

fn from_row(row: &AnyRow) -> Result<ProposalRecord, StoreError> {
    let state: String = row.try_get("state")?;
    let category: String = row.try_get("category")?;
    let evaluation: String = row.try_get("evaluation")?;
    Ok(ProposalRecord {
        id: row.try_get("id")?,
        session_id: row.try_get("session_id")?,
        number: row.try_get("number")?,
        lead_id: row.try_get("lead_id")?,
        title: row.try_get("title")?,
        reasons: row.try_get("reasons")?,
        measures: row.try_get("measures")?,
        state: ProposalState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        category: ProposalCategory::parse(&category).ok_or_else(|| corrupt("category", &category))?,
        merged_into: row.try_get("merged_into")?,
        poll_id: row.try_get("poll_id")?,
        unit: row.try_get("unit")?,
        due: row.try_get("due")?,
        evaluation: if evaluation.is_empty() {
            None
        } else {
            Some(ReplyEvaluation::parse(&evaluation).ok_or_else(|| corrupt("evaluation", &evaluation))?)
        },
    })
}

fn delegate_from(row: &AnyRow, prefix: &str) -> Result<ProposalDelegate, StoreError> {
    Ok(ProposalDelegate {
        card: row.try_get(format!("{prefix}card").as_str())?,
        name: row.try_get(format!("{prefix}name").as_str())?,
        group: row.try_get(format!("{prefix}grp").as_str())?,
    })
}

/// Replaces the session's presidium with these delegates (row ids).
pub async fn set_presidium(store: &Store, session_id: i64, delegates: &[i64], now: i64) -> Result<(), StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    sqlx::query("DELETE FROM presidium_members WHERE session_id = $1").bind(session_id).execute(&mut *tx).await?;
    for d in delegates {
        sqlx::query("INSERT INTO presidium_members (session_id, delegate_id, created_at) VALUES ($1, $2, $3)")
            .bind(session_id)
            .bind(*d)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::conflict_on_unique(e, "presidium member"))?;
    }
    tx.commit().await?;
    Ok(())
}

/// The session's presidium: each member's delegate row id and who they are, in the
/// order they were named.
pub async fn presidium(store: &Store, session_id: i64) -> Result<Vec<(i64, ProposalDelegate)>, StoreError> {
    let rows = sqlx::query(
        "SELECT d.id, d.card, d.name, d.grp FROM presidium_members m JOIN delegates d ON d.id = m.delegate_id \
         WHERE m.session_id = $1 ORDER BY m.id",
    )
    .bind(session_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, delegate_from(r, "")?))).collect()
}

/// Sets the session's deadline for proposals (Unix seconds).
pub async fn set_deadline(store: &Store, session_id: i64, deadline: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO proposal_deadlines (session_id, deadline) VALUES ($1, $2) \
         ON CONFLICT (session_id) DO UPDATE SET deadline = excluded.deadline",
    )
    .bind(session_id)
    .bind(deadline)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The session's deadline for proposals, if one is set.
pub async fn deadline(store: &Store, session_id: i64) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query("SELECT deadline FROM proposal_deadlines WHERE session_id = $1")
        .bind(session_id)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|r| r.try_get("deadline")).transpose()?)
}

/// A new draft of the session, numbered after the last; its first step recorded.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    store: &Store,
    session_id: i64,
    lead_id: i64,
    text: [&str; 3],
    from_station: bool,
    at: i64,
    actor: &str,
) -> Result<ProposalRecord, StoreError> {
    let [title, reasons, measures] = text;
    let (_turn, mut tx) = store.begin_write().await?;
    let next: i64 =
        sqlx::query("SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) AS n FROM proposals WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
    let row = sqlx::query(&format!(
        "INSERT INTO proposals (session_id, number, lead_id, title, reasons, measures, source, state, category, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'collecting', 'proposal', $8) RETURNING {COLUMNS}"
    ))
    .bind(session_id)
    .bind(next)
    .bind(lead_id)
    .bind(title)
    .bind(reasons)
    .bind(measures)
    .bind(if from_station { "station" } else { "paper" })
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "proposal number"))?;
    let record = from_row(&row)?;
    let step = Step { at, actor, action: "drafted", member_id: None, reason: "", text: "" };
    insert_event(&mut tx, record.id, &step).await?;
    tx.commit().await?;
    Ok(record)
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    step: &Step<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO proposal_events (proposal_id, at, actor, action, member_id, reason, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(step.at)
    .bind(step.actor)
    .bind(step.action)
    .bind(step.member_id)
    .bind(step.reason)
    .bind(step.text)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The proposal with `id`.
pub async fn get(store: &Store, id: i64) -> Result<Option<ProposalRecord>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM proposals WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The session's proposals, by number.
pub async fn of_session(store: &Store, session_id: i64) -> Result<Vec<ProposalRecord>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM proposals WHERE session_id = $1 ORDER BY number"))
        .bind(session_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// Records a co-signer; `false` if they had signed already.
pub async fn cosign(
    store: &Store,
    proposal_id: i64,
    delegate_id: i64,
    via: CosignVia,
    at: i64,
    actor: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO proposal_cosigners (proposal_id, delegate_id, via, at, actor) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(proposal_id)
    .bind(delegate_id)
    .bind(via.as_str())
    .bind(at)
    .bind(actor)
    .execute(store.pool())
    .await;
    match done.map_err(|e| StoreError::conflict_on_unique(e, "co-signer")) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The lead delegate of a proposal.
pub async fn delegate(store: &Store, delegate_id: i64) -> Result<ProposalDelegate, StoreError> {
    let row = sqlx::query("SELECT card, name, grp FROM delegates WHERE id = $1")
        .bind(delegate_id)
        .fetch_one(store.pool())
        .await?;
    delegate_from(&row, "")
}

/// A proposal's co-signers, in the order they signed.
pub async fn cosigners(store: &Store, proposal_id: i64) -> Result<Vec<(ProposalDelegate, CosignVia)>, StoreError> {
    let rows = sqlx::query(
        "SELECT d.card, d.name, d.grp, c.via FROM proposal_cosigners c JOIN delegates d ON d.id = c.delegate_id \
         WHERE c.proposal_id = $1 ORDER BY c.at, d.id",
    )
    .bind(proposal_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let via: String = r.try_get("via")?;
            Ok((delegate_from(r, "")?, CosignVia::parse(&via).ok_or_else(|| corrupt("co-signature", &via))?))
        })
        .collect()
}

/// A proposal's history, oldest first.
pub async fn events(store: &Store, proposal_id: i64) -> Result<Vec<EventRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT e.at, e.actor, e.action, e.reason, e.body, d.card AS m_card, d.name AS m_name, d.grp AS m_grp \
         FROM proposal_events e LEFT JOIN delegates d ON d.id = e.member_id WHERE e.proposal_id = $1 ORDER BY e.id",
    )
    .bind(proposal_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let card: Option<String> = r.try_get("m_card")?;
            Ok(EventRecord {
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                member: match card {
                    Some(card) => {
                        Some(ProposalDelegate { card, name: r.try_get("m_name")?, group: r.try_get("m_grp")? })
                    }
                    None => None,
                },
                reason: r.try_get("reason")?,
                text: r.try_get("body")?,
            })
        })
        .collect()
}

/// Moves `from` (the row as the caller read it) to `to`, and records `step`, in one
/// transaction: `false`, with nothing changed, if the proposal no longer stands in
/// `from.state`.
pub async fn advance(
    store: &Store,
    from: &ProposalRecord,
    to: &ProposalRecord,
    step: &Step<'_>,
) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE proposals SET state = $1, category = $2, merged_into = $3, poll_id = $4, unit = $5, due = $6, \
         evaluation = $7 WHERE id = $8 AND state = $9",
    )
    .bind(to.state.as_str())
    .bind(to.category.as_str())
    .bind(to.merged_into)
    .bind(to.poll_id)
    .bind(&to.unit)
    .bind(&to.due)
    .bind(to.evaluation.map(ReplyEvaluation::as_str).unwrap_or(""))
    .bind(from.id)
    .bind(from.state.as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    insert_event(&mut tx, from.id, step).await?;
    tx.commit().await?;
    Ok(true)
}
