//! `GET /healthz`: is the server up and can it reach its database?

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use hallvote_protocol::wire::Health;

use super::AppState;
use crate::ApiError;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    crate::db::ping(&state.store).await?;
    Ok(Json(Health { status: "ok".to_owned(), database: format!("{:?}", state.store.backend()).to_lowercase() }))
}
