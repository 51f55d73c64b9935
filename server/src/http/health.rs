//! `GET /healthz`: is the server up and can it reach its database?

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use crate::ApiError;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    crate::db::ping(&state.store).await?;
    Ok(Json(json!({ "status": "ok", "database": format!("{:?}", state.store.backend()).to_lowercase() })))
}
