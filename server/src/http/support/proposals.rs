//! A proposal as the API and the pages show it (spec §14.11), loaded with its 404.

use super::errors::not_found;
use crate::ApiError;
use crate::db::proposals::{self, EventRecord, ProposalRecord};
use crate::http::AppState;
use hallvote_protocol::wire::{COSIGNERS_NEEDED, Cosigner, Proposal, ProposalEvent};

fn event_view(e: EventRecord) -> ProposalEvent {
    ProposalEvent { at: e.at, actor: e.actor, action: e.action, member: e.member, reason: e.reason, text: e.text }
}

/// The whole proposal: its lead delegate, co-signers and history.
pub(crate) async fn view(state: &AppState, p: &ProposalRecord) -> Result<Proposal, ApiError> {
    let store = &state.store;
    let cosigners = proposals::cosigners(store, p.id).await?;
    Ok(Proposal {
        id: p.id,
        session_id: p.session_id,
        number: p.number,
        title: p.title.clone(),
        reasons: p.reasons.clone(),
        measures: p.measures.clone(),
        lead: proposals::delegate(store, p.lead_id).await?,
        cosigners: cosigners.into_iter().map(|(delegate, via)| Cosigner { delegate, via }).collect(),
        needed: COSIGNERS_NEEDED,
        state: p.state,
        category: p.category,
        merged_into: p.merged_into,
        poll: p.poll_id,
        unit: p.unit.clone(),
        due: p.due.clone(),
        evaluation: p.evaluation,
        history: proposals::events(store, p.id).await?.into_iter().map(event_view).collect(),
    })
}

/// Every proposal of the session, whole, by number.
pub(crate) async fn of_session(state: &AppState, session_id: i64) -> Result<Vec<Proposal>, ApiError> {
    let mut out = Vec::new();
    for p in proposals::of_session(&state.store, session_id).await? {
        out.push(view(state, &p).await?);
    }
    Ok(out)
}

/// The proposal with `id`, or 404.
pub(crate) async fn load(state: &AppState, id: i64) -> Result<ProposalRecord, ApiError> {
    proposals::get(&state.store, id).await?.ok_or_else(|| not_found("提案", "proposal"))
}
