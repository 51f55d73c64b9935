//! The HTTP interface: one file per resource, each with its own `router()`.

pub mod audit;
pub mod auth;
pub mod cards;
pub mod congress;
pub mod console;
pub mod desk;
pub mod display;
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
    /// The server's signing key (tree heads, receipts, delegate cards, records).
    pub server_key: std::sync::Arc<hallvote_crypto::sign::SigningKey>,
}

impl AppState {
    /// State for a store and the server's key.
    pub fn new(store: Store, server_key: hallvote_crypto::sign::SigningKey) -> Self {
        Self { store, server_key: std::sync::Arc::new(server_key) }
    }
}

/// The largest request body any endpoint accepts: a ballot of the largest
/// shape is about 200 KiB; a roster upload is the biggest body (an .xlsx of
/// 3,000 delegates is well under 2 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(console::router())
        .merge(auth::router())
        .merge(audit::router())
        .merge(congress::router())
        .merge(desk::router())
        .merge(display::router())
        .merge(cards::router())
        .merge(polls::router())
        .merge(stations::router())
        .layer(axum::middleware::from_fn(error::localize))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
