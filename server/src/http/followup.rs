//! One-click follow-up polls from a result: the runoff among candidates tied at the
//! cut-off (R12), or the separate election (另行选举) for seats left empty (R13).

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_tally::Ruleset;

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::errors::conflict;
use super::support::load::{load_run, load_session};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::{audit, polls};
use crate::lifecycle::PollState;
use crate::poll::follow_up::{follow_up_poll, words};
use crate::poll::recount::recount;
use hallvote_protocol::wire::FollowUpBody;
use hallvote_protocol::wire::polls::Created;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new().mount(
        {
            const ROUTE: Route = at(Post, "/api/polls/{id}/follow-up", "polls", Access::Roles(ORGANISER))
                .says(
                    "Set up the runoff or separate election a result calls for",
                    "据计票结果一键建立再次投票（得票相等，R12）或另行选举（名额未满，R13）的新投票（草稿）。",
                )
                .takes::<FollowUpBody>()
                .answers_type::<Created>(201)
                .refuses(&[(409, "poll_not_counted"), (409, "no_follow_up"), (422, "follow_up_needs_candidates")]);
            ROUTE
        },
        follow_up,
    )
}

async fn follow_up(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<FollowUpBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let who = &auth.account;
    let (poll, run) = load_run(&state, id).await?;
    if !run.state.has_result() {
        return Err(conflict(
            "poll_not_counted",
            "计票完成后才能据结果安排再次投票或另行选举。",
            "A runoff or separate election follows from a counted result.",
        ));
    }
    let (manifest, result) = recount(&state.store, &run).await?;
    let words = words(body.kind);
    let Some(next) = follow_up_poll(&manifest.poll, &result, body.kind) else {
        return Err(conflict(
            "no_follow_up",
            &format!("本次投票结果不需要{}。", words.zh),
            &format!("This result calls for no {}.", words.en),
        ));
    };
    let session = load_session(&state, poll.session_id).await?;
    let ruleset = Ruleset::builtin(&session.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    if let Err(e) = next.validate(&ruleset) {
        let reason = e.text();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "follow_up_needs_candidates",
            &format!("{}无法直接建立：{}请先补充候选人，再按模板新建投票。", words.zh, reason.zh),
            &format!(
                "The {} cannot be set up as it is: {} Nominate more candidates, then create it from a template.",
                words.en, reason.en
            ),
        ));
    }
    let record = polls::create(&state.store, session.id, &next, state.clock.now()).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.follow_up",
        &format!("{} (#{}) from poll #{id}", next.name, record.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: record.id, name: next.name, state: PollState::Draft })))
}
