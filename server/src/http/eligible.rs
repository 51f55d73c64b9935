//! The eligible list (候选人资格名单, issue 17): the organiser imports it per
//! congress, like the roster (`crate::roster`, the same files, rules and report);
//! the booth fetches it for a poll, so that a delegate who writes in another person
//! (另选他人, R9) can find the name by its characters or pinyin initials.

use crate::api::prelude::*;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;

use super::AppState;
use super::support::import::{count, read_upload, report};
use super::support::load::{load_congress, load_run, load_session};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::{audit, eligible};
use crate::i18n::RequestLang;
use crate::roster::{parse_eligible_csv, parse_eligible_xlsx};
use hallvote_protocol::wire::{EligibleImported, EligiblePerson};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Put, "/api/congresses/{id}/eligible", "roster", Access::Roles(ORGANISER))
                    .says(
                        "Import the eligible list from CSV or Excel",
                        "导入候选人资格名单（CSV 或 Excel .xlsx 文件，列：姓名，可选序号、性别、工作单位）：整份替换该届的名单，逐行报告错误。",
                    )
                    .more(
                        "The body is the file itself, with its content type. It replaces the congress's list. \
                         Rows that cannot be read are reported and skipped, by the roster's rules.",
                    )
                    .takes_roster()
                    .answers_type::<EligibleImported>(200)
                    .refuses(&[(415, "unsupported_media_type"), (422, "roster_unreadable"), (422, "roster_too_large")]);
                ROUTE
            },
            import_eligible,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/congresses/{id}/eligible", "roster", Access::Roles(ROLL_READERS))
                    .says("The eligible list", "候选人资格名单（另选他人时可从中选择）。")
                    .answers_list::<EligiblePerson>(200);
                ROUTE
            },
            list_for_congress,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/station/polls/{id}/eligible", "voting", Access::Station(&[StationKind::Booth]))
                        .says(
                            "The eligible list, for a poll's write-ins",
                            "候选人资格名单：投票机在代表另选他人时供按汉字或拼音首字母查找。",
                        )
                        .more("The list of the congress the poll's session belongs to, in import order.")
                        .answers_list::<EligiblePerson>(200);
                ROUTE
            },
            list_for_poll,
        )
}

async fn import_eligible(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(congress_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<EligibleImported>, ApiError> {
    let c = load_congress(&state, congress_id).await?;
    let import = read_upload(&headers, &body, parse_eligible_csv, parse_eligible_xlsx)?;
    let replaced = eligible::replace(&state.store, c.id, &import.rows).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &auth.account.username,
        "eligible.import",
        &format!(
            "{}: {} listed ({replaced} replaced), {} rows refused",
            c.name,
            import.rows.len(),
            import.errors.len()
        ),
    )
    .await?;
    let (errors, notes) = report(&import.errors, &import.notes, lang);
    Ok(Json(EligibleImported { added: count(import.rows.len()), replaced: count(replaced), errors, notes }))
}

async fn list_for_congress(
    State(state): State<AppState>,
    Path(congress_id): Path<i64>,
) -> Result<Json<Vec<EligiblePerson>>, ApiError> {
    let c = load_congress(&state, congress_id).await?;
    Ok(Json(eligible::list(&state.store, c.id).await?))
}

async fn list_for_poll(
    State(state): State<AppState>,
    Path(poll_id): Path<i64>,
) -> Result<Json<Vec<EligiblePerson>>, ApiError> {
    let (poll, _) = load_run(&state, poll_id).await?;
    let session = load_session(&state, poll.session_id).await?;
    Ok(Json(eligible::list(&state.store, session.congress_id).await?))
}
