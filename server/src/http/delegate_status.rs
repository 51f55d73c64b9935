//! A delegate's status during the term (organiser): 资格终止, 停止执行代表职务 and
//! restored, each with its effective date, reason and document (文件依据), and the
//! history of the changes. Expected (R1) and the desk follow a change at once; a poll
//! already open keeps the figures it froze.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::dates::is_iso_date;
use super::support::errors::{conflict, invalid};
use super::support::load::load_congress;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::delegate_status::{self, Change, Recorded};
use crate::db::roster::{self, DelegateRecord};
use crate::standing::standing_words;
use hallvote_protocol::wire::{NewStatusChange, StatusChange};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/congresses/{id}/roster/{card}/status-changes",
                    "roster",
                    Access::Roles(ORGANISER),
                )
                .says(
                    "Record a change of a delegate's status",
                    "登记代表资格变动：资格终止、停止执行代表职务或恢复，注明生效日期、原因和文件依据。应到人数和报到处立即随之变化，已开始的投票保持其冻结的人数。",
                )
                .more(
                    "A delegate who stops holding the status while checked in is recorded as departed; after a restoration they check in again.",
                )
                .takes::<NewStatusChange>()
                .answers_type::<StatusChange>(201)
                .refuses(&[(404, "not_a_delegate"), (409, "status_unchanged"), (422, "invalid_value")]);
                ROUTE
            },
            record_change,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Get,
                    "/api/congresses/{id}/roster/{card}/status-changes",
                    "roster",
                    Access::Roles(&[Role::Organiser, Role::Observer]),
                )
                .says("A delegate's status changes", "代表资格变动记录（最早的在前），含原因和文件依据。")
                .answers_list::<StatusChange>(200)
                .refuses(&[(404, "not_a_delegate")]);
                ROUTE
            },
            list_changes,
        )
}

async fn record_change(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((congress_id, card)): Path<(i64, String)>,
    JsonBody(req): JsonBody<NewStatusChange>,
) -> Result<(StatusCode, Json<StatusChange>), ApiError> {
    let c = load_congress(&state, congress_id).await?;
    let d = delegate(&state, c.id, &card).await?;
    let effective = req.effective.trim();
    if !is_iso_date(effective) {
        return Err(invalid(
            "invalid_value",
            "生效日期须为有效日期，格式如 2026-11-28。",
            "The effective date must be a real date written like 2026-11-28.",
        ));
    }
    for (zh, en, text) in
        [("原因", "reason", req.reason.trim()), ("文件依据", "document reference", req.document.trim())]
    {
        if text.is_empty() {
            return Err(invalid("invalid_value", &format!("请填写{zh}。"), &format!("Give the {en}.")));
        }
        // The checks of a name: no control or invisible characters, at most 100 characters.
        if let Some(p) = hallvote_tally::text::name_problem(text) {
            let t = p.text();
            return Err(invalid("invalid_value", &format!("{zh}{}。", t.zh), &format!("The {en} {}.", t.en)));
        }
    }
    let change = Change { status: req.status, effective, reason: req.reason.trim(), document: req.document.trim() };
    let now = state.clock.now();
    match delegate_status::change(&state.store, &d, change, &auth.account.username, now).await? {
        Recorded::Changed(done) => Ok((StatusCode::CREATED, Json(done))),
        Recorded::Unchanged => {
            let t = standing_words(req.status);
            Err(conflict(
                "status_unchanged",
                &format!("{} 的状态已是“{}”，无需登记。", d.name, t.zh),
                &format!("{}'s status is already “{}”: nothing to record.", d.name, t.en),
            ))
        }
    }
}

async fn list_changes(
    State(state): State<AppState>,
    Path((congress_id, card)): Path<(i64, String)>,
) -> Result<Json<Vec<StatusChange>>, ApiError> {
    let c = load_congress(&state, congress_id).await?;
    let d = delegate(&state, c.id, &card).await?;
    Ok(Json(delegate_status::history(&state.store, &d).await?))
}

async fn delegate(state: &AppState, congress_id: i64, card: &str) -> Result<DelegateRecord, ApiError> {
    roster::by_card(&state.store, congress_id, card.trim()).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_a_delegate",
            "此证号不是本届代表大会的代表。",
            "This card is not a delegate of this congress.",
        )
    })
}
