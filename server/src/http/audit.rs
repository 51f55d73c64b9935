//! `GET /api/audit`: the audit log, for organisers and observers, with the
//! result of checking its hash chain.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::AppState;
use super::extract::Query;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::audit;
use hallvote_protocol::wire::AuditPage;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/audit", get(list))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    #[serde(default)]
    after: u64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    500
}

/// The most entries one page returns.
const MAX_LIMIT: u32 = 5000;

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(page): Query<Page>,
) -> Result<Json<AuditPage>, ApiError> {
    auth.require(&[Role::Organiser, Role::Observer])?;
    if !(1..=MAX_LIMIT).contains(&page.limit) {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "malformed_request",
            &format!("limit 须为 1 至 {MAX_LIMIT}。"),
            &format!("limit must be 1 to {MAX_LIMIT}."),
        ));
    }
    let after = i64::try_from(page.after).unwrap_or(i64::MAX);
    let entries = audit::list(&state.store, after, i64::from(page.limit)).await?;
    // The chain is checked from its start, so a page is vouched for by every entry before it.
    let last = entries.last().map_or(0, |e| e.seq);
    let prefix = audit::list(&state.store, 0, last).await?;
    Ok(Json(AuditPage { chain_verified: audit::verify_chain(&prefix).is_ok(), entries }))
}
