//! `GET /api/audit`: the audit log, for organisers and observers, with the
//! result of checking its hash chain.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::AppState;
use super::extract::Query;
use crate::ApiError;
use crate::auth::Role;
use crate::db::audit;
use hallvote_protocol::wire::AuditPage;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new().mount(
        {
            const ROUTE: Route = at(Get, "/api/audit", "audit", Access::Roles(&[Role::Organiser, Role::Observer]))
                .says("The audit log", "操作日志：会务组的每项操作，以及哈希链校验结果（规范 §14.1）。")
                .more("A page of entries after `after`, and whether the hash chain from entry 1 to the last one verifies.")
                .query(&[
                    o("after", Int, "Entries with `seq` above this (default 0); not negative."),
                    o("limit", Int, "At most this many entries, 1–5000 (default 500); others are refused."),
                ])
                .answers_type::<AuditPage>(200)
                .refuses(&[(400, "malformed_request")]);
            ROUTE
        },
        list,
    )
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

async fn list(State(state): State<AppState>, Query(page): Query<Page>) -> Result<Json<AuditPage>, ApiError> {
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
