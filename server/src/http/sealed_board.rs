//! The sealed board for the officers' stations (spec §14.8): after close, a
//! scrutineer's station downloads every entry of the board, checks it against the
//! final signed tree head, checks every cast ballot and recomputes the aggregates
//! itself, and decrypts only those (never a ciphertext the server hands it: a tally
//! of a chosen few ballots would reveal them). The entries come in pages of binary,
//! each entry as the record stores it (spec §12.4) with its length in front, so a
//! board of thousands of ballots costs a few requests and no base64.

use crate::api::prelude::*;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::AppState;
use super::extract::Query;
use super::station_auth::SignedStationRequest;
use super::support::errors::conflict;
use super::support::load::load_run;
use super::support::officers::officer_of;
use crate::ApiError;
use crate::db::board;
use crate::i18n::Lang;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/board-entries", "results", Access::Station(SCRUTINEER))
                    .says("The sealed board's entries, in pages of binary", "监票人终端分页下载封存的公告板全部条目（二进制），自行核验并重算密文合计。")
                    .more("For the station of a scrutineer or counter, once closed. The body is `u32be(len) ‖ entry` for each entry (spec §12.4) from position `from` on, in order, up to 4 MiB (at least one entry); empty once `from` is the board's size (spec §14.8).")
                    .query(&[o("from", Int, "The first position wanted, from 0 (default 0).")])
                    .answers(Answer::File("application/octet-stream", "Length-prefixed board entries (spec §12.4)."))
                    .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state")]);
                ROUTE
            },
            entries,
        )
}

/// A page holds entries up to this many bytes (at least one entry, whatever its size):
/// far below what a station accepts in one answer, and a few seconds on a hall's LAN.
pub const PAGE_BYTES: usize = 4 << 20;

/// Entries read from the database at a time while a page fills.
const ROWS_AT_A_TIME: u32 = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    /// The first position wanted (0-based); 0 if not given.
    #[serde(default)]
    from: u64,
}

/// `GET /api/station/polls/{id}/board-entries?from=N`: the board's entries from
/// position `N` on, as `u32be(len) ‖ entry` each, in order, as many as fit in
/// [`PAGE_BYTES`]; an empty body once `N` is the board's size. For a scrutineer or
/// counter station of the poll, once the poll is closed.
async fn entries(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Page>,
    req: SignedStationRequest,
) -> Result<Response, ApiError> {
    officer_of(&state, &req, id).await?;
    let (_, run) = load_run(&state, id).await?;
    if !run.state.has_closed() {
        return Err(conflict(
            "poll_wrong_state",
            &format!("本次投票当前状态为“{}”，投票结束后才能下载公告板。", run.state.label(Lang::ZhCn)),
            &format!(
                "The poll's state is “{}”; the board is served once the poll is closed.",
                run.state.label(Lang::En)
            ),
        ));
    }
    let mut body = Vec::new();
    let mut next = q.from;
    'page: while next < run.board_size {
        let rows = board::entries_from(&state.store, id, next, ROWS_AT_A_TIME).await?;
        if rows.is_empty() {
            break;
        }
        for entry in rows {
            if !body.is_empty() && body.len() + 4 + entry.len() > PAGE_BYTES {
                break 'page;
            }
            let len = u32::try_from(entry.len()).map_err(|_| ApiError::internal("board entry over 4 GiB"))?;
            body.extend_from_slice(&len.to_be_bytes());
            body.extend_from_slice(&entry);
            next += 1;
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response())
}
