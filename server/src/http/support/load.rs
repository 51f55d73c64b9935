//! Rows the handlers load by the id in their path, each with its 404.

use super::errors::not_found;
use crate::ApiError;
use crate::db::casting::{self, PollRun};
use crate::db::congress::{self, Congress, Session};
use crate::db::polls::{self, PollRecord};
use crate::http::AppState;

pub(crate) async fn load_congress(state: &AppState, id: i64) -> Result<Congress, ApiError> {
    congress::congress(&state.store, id).await?.ok_or_else(|| not_found("代表大会", "congress"))
}

pub(crate) async fn load_session(state: &AppState, id: i64) -> Result<Session, ApiError> {
    congress::session(&state.store, id).await?.ok_or_else(|| not_found("会议", "session"))
}

/// The poll and its lifecycle columns, or 404.
pub(crate) async fn load_run(state: &AppState, id: i64) -> Result<(PollRecord, PollRun), ApiError> {
    let poll = polls::get(&state.store, id).await?.ok_or_else(|| not_found("投票", "poll"))?;
    let run = casting::run(&state.store, id).await?.ok_or_else(|| not_found("投票", "poll"))?;
    Ok((poll, run))
}
