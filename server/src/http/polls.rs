//! Polls: defined by organisers from templates (election, by-election, confidence
//! vote, evaluation, motion), checked against the session's ruleset (candidate
//! margin R8 and the rest), shown to everyone in ballot order (R7 stroke order).

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_tally::model::{Contest, ContestKind, Poll};
use hallvote_tally::{Lang, Ruleset};
use serde_json::{Value, json};

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::errors::not_found;
use super::support::load::load_session;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::audit;
use crate::db::polls::{self, PollRecord};
use crate::i18n::RequestLang;
use hallvote_protocol::wire::{ContestView, PollView};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/poll-templates", "polls", Access::Roles(ORGANISER))
                    .says("Poll templates", "投票模板：选举、补选、信任投票、民主评议、表决各一。")
                    .more("Starting points for the poll form: `election`, `by_election`, `confidence`, `evaluation`, `motion`.")
                    .answers_json(200, Ty::AnyObject);
                ROUTE
            },
            templates,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/sessions/{id}/polls", "polls", Access::Roles(ORGANISER))
                    .says("Define a poll", "新建投票：按会议的计票规则检查（差额比例 R8 等）。")
                    .more("Expected and present are frozen when the poll opens; the definition must not carry them.")
                    .takes_json(Ty::Ref("PollDefinition"))
                    .answers_json(201, Ty::Ref("Poll"))
                    .refuses(&[(422, "invalid_poll")]);
                ROUTE
            },
            create,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/polls", "polls", Access::Roles(&Role::ALL))
                    .says("The polls of a session", "某次会议的各项投票（候选人按姓氏笔画排序，R7）。")
                    .answers_json(200, Ty::Arr(&Ty::Ref("Poll")));
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}", "polls", Access::Roles(&Role::ALL))
                    .says("A poll", "单项投票的定义与状态。")
                    .answers_json(200, Ty::Ref("Poll"));
                ROUTE
            },
            show,
        )
}

fn view(p: &PollRecord, lang: Lang) -> PollView {
    PollView {
        id: p.id,
        session_id: p.session_id,
        state: p.state,
        name: p.poll.name.clone(),
        contests: p.poll.contests.iter().map(|c| contest_view(c, lang)).collect(),
        fingerprint: None,
    }
}

/// [`view`] with the election fingerprint, for polls past their key ceremony.
async fn full_view(state: &AppState, p: &PollRecord, lang: Lang) -> Result<PollView, ApiError> {
    let mut v = view(p, lang);
    if !p.state.before_ready()
        && let Some(run) = crate::db::casting::run(&state.store, p.id).await?
    {
        v.fingerprint = state.fingerprints.of(&state.store, &run).await?.map(|f| f.short());
    }
    Ok(v)
}

fn contest_view(c: &Contest, lang: Lang) -> ContestView {
    ContestView {
        id: c.id.clone(),
        title: c.title.clone(),
        kind: c.kind_words().get(lang).to_owned(),
        seats: match &c.kind {
            ContestKind::Election(e) => Some(e.seats),
            _ => None,
        },
        items: c.items(),
        options: c.options().iter().map(|t| t.get(lang).to_owned()).collect(),
    }
}

async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(session_id): Path<i64>,
    JsonBody(poll): JsonBody<Poll>,
) -> Result<(StatusCode, Json<PollView>), ApiError> {
    let who = &auth.account;
    let s = load_session(&state, session_id).await?;
    if poll.attendance.is_some() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_poll",
            "应到、实到人数在投票开始时自动确定，不能预先填写。",
            "Expected and present are frozen when the poll opens; do not give them.",
        ));
    }
    let ruleset = Ruleset::builtin(&s.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    poll.validate(&ruleset).map_err(|e| {
        let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_poll", "", "");
        err.message = e.text();
        err
    })?;
    let record = polls::create(&state.store, s.id, &poll, state.clock.now()).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.create",
        &format!("{} (#{})", poll.name, record.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&record, lang))))
}

async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(session_id): Path<i64>,
) -> Result<Json<Vec<PollView>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    let mut out = Vec::new();
    for p in polls::of_session(&state.store, s.id).await? {
        out.push(full_view(&state, &p, lang).await?);
    }
    Ok(Json(out))
}

async fn show(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
) -> Result<Json<PollView>, ApiError> {
    let p = polls::get(&state.store, id).await?.ok_or_else(|| not_found("投票", "poll"))?;
    Ok(Json(full_view(&state, &p, lang).await?))
}

/// Starting points for the console's poll form, one per kind of contest. Names are
/// placeholders the organiser replaces; grades and options follow RULES R15–R17.
async fn templates() -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({
        "election": {
            "name": "选举镇党委委员",
            "contests": [{ "id": "committee", "title": "镇党委委员", "type": "election",
                "kind": "competitive", "seats": 9, "candidates": [] }]
        },
        "by_election": {
            "name": "增补镇党委委员",
            "contests": [{ "id": "by-election", "title": "增补镇党委委员", "type": "election",
                "kind": "competitive", "by_election": true, "seats": 1, "candidates": [] }]
        },
        "confidence": {
            "name": "对镇党委委员进行信任投票",
            "contests": [{ "id": "confidence", "title": "信任投票", "type": "confidence", "members": [] }]
        },
        "evaluation": {
            "name": "民主评议镇党委委员",
            "contests": [{ "id": "evaluation", "title": "民主评议", "type": "evaluation", "members": [],
                "grades": [
                    { "zh-CN": "优秀", "en": "excellent" }, { "zh-CN": "称职", "en": "competent" },
                    { "zh-CN": "基本称职", "en": "basically competent" }, { "zh-CN": "不称职", "en": "incompetent" }
                ] }]
        },
        "motion": {
            "name": "表决关于镇党委工作报告的决议",
            "contests": [{ "id": "motion", "title": "表决", "type": "motion",
                "items": ["关于中国共产党××镇委员会工作报告的决议"] }]
        }
    })))
}
