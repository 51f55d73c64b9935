//! The HTTP interface: one file per resource, each with its own `router()`.

pub mod audit;
pub mod auth;
pub mod congress;
pub mod desk;
pub mod extract;
pub mod health;
pub mod polls;
pub mod station_auth;
pub mod stations;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::db::Store;
use crate::error;

/// Shared state of every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
}

/// The largest request body any endpoint accepts: a ballot of the largest
/// shape is about 200 KiB; a roster upload is the biggest body (an .xlsx of
/// 3,000 delegates is well under 2 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(audit::router())
        .merge(congress::router())
        .merge(desk::router())
        .merge(polls::router())
        .merge(stations::router())
        .layer(axum::middleware::from_fn(error::localize))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
