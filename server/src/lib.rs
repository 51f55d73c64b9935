//! hallvote-server: the HTTP API, the organiser console, the hall display and the
//! result sheet, with storage on SQLite (a file, the default) or PostgreSQL
//! (several stateless server processes sharing one database).
//!
//! Layout (STYLE.md): `http/` one file per resource with its own router and thin
//! handlers, which import no other handler module (`tests/module_layers.rs`):
//! what they share (loading rows with their 404s, error answers, the session
//! extractor, page language) is in `http/support/`; `poll/` the poll's rules the
//! handlers call (opening, issuing a credential, closing, the decryption-share
//! check, the recount); `db/` all SQL, one file per aggregate, in functions that
//! take the store or a transaction; `auth/` accounts, passwords and roles; `clock`
//! the time the handlers read from the application state; `error` the one error
//! type that becomes a JSON response in the request's language.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod batch;
pub mod board;
pub mod cards;
pub mod casting;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod i18n;
pub mod keys;
pub mod lifecycle;
pub mod listen;
pub mod loadtest;
pub mod poll;
pub mod receipts;
pub mod roster;
pub mod serve;
pub mod sheet;
pub mod spoiled;
pub mod standby;
pub mod standing;
pub mod templates;
pub mod tls;

/// The wire protocol between stations and the server (spec §15), shared with the kiosk.
pub use hallvote_protocol::stations as stations_protocol;

pub use config::ServeConfig;
pub use error::ApiError;
pub use serve::{Server, first_organiser};
