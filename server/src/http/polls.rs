//! Polls: defined by organisers from templates (election, by-election, confidence
//! vote, evaluation, motion), checked against the session's ruleset (candidate
//! margin R8 and the rest), shown to everyone in ballot order (R7 stroke order).

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_tally::model::{ConfidenceVote, Contest, ContestKind, Election, ElectionKind, Evaluation, Motion, Poll};
use hallvote_tally::{Lang, Ruleset, Text};

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
use hallvote_protocol::wire::{ContestView, PollDefinition, PollTemplates, PollView};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/poll-templates", "polls", Access::Roles(ORGANISER))
                    .says("Poll templates", "投票模板：选举、补选、信任投票、民主评议、表决各一。")
                    .more("Starting points for the poll form: `election`, `by_election`, `confidence`, `evaluation`, `motion`.")
                    .answers_type::<PollTemplates>(200);
                ROUTE
            },
            templates,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/sessions/{id}/polls", "polls", Access::Roles(ORGANISER))
                    .says("Define a poll", "新建投票：按会议的计票规则检查（差额比例 R8 等）。")
                    .more("Expected and present are frozen when the poll opens; the definition must not carry them.")
                    .takes::<PollDefinition>()
                    .answers_type::<PollView>(201)
                    .refuses(&[(422, "invalid_poll")]);
                ROUTE
            },
            create,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/polls", "polls", Access::Roles(&Role::ALL))
                    .says("The polls of a session", "某次会议的各项投票（候选人按姓氏笔画排序，R7）。")
                    .answers_list::<PollView>(200);
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}", "polls", Access::Roles(&Role::ALL))
                    .says("A poll", "单项投票的定义与状态。")
                    .answers_type::<PollView>(200);
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
        reports: matches!(c.kind, ContestKind::Confidence(_) | ContestKind::Evaluation(_) | ContestKind::Recall(_)),
    }
}

async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(session_id): Path<i64>,
    JsonBody(PollDefinition(mut poll)): JsonBody<PollDefinition>,
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
    // Names are stored in their one form, so that the booth shows, and the count and
    // the record carry, the same text; look-alike duplicates are then refused.
    poll.normalize_names().and_then(|()| poll.validate(&ruleset)).map_err(|e| {
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
async fn templates() -> Json<PollTemplates> {
    let poll = |name: &str, id: &str, title: &str, kind: ContestKind| {
        PollDefinition(Poll {
            name: name.to_owned(),
            contests: vec![Contest { id: id.to_owned(), title: title.to_owned(), kind }],
            attendance: None,
        })
    };
    let election = |by_election, seats| {
        ContestKind::Election(Election {
            kind: ElectionKind::Competitive,
            by_election,
            seats,
            candidates: Vec::new(),
            write_ins: false,
        })
    };
    let grades =
        [("优秀", "excellent"), ("称职", "competent"), ("基本称职", "basically competent"), ("不称职", "incompetent")];
    Json(PollTemplates {
        election: poll("选举镇党委委员", "committee", "镇党委委员", election(false, 9)),
        by_election: poll("增补镇党委委员", "by-election", "增补镇党委委员", election(true, 1)),
        confidence: poll(
            "对镇党委委员进行信任投票",
            "confidence",
            "信任投票",
            ContestKind::Confidence(ConfidenceVote { members: Vec::new() }),
        ),
        evaluation: poll(
            "民主评议镇党委委员",
            "evaluation",
            "民主评议",
            ContestKind::Evaluation(Evaluation {
                members: Vec::new(),
                grades: grades.iter().map(|(zh, en)| Text::new(*zh, *en)).collect(),
            }),
        ),
        motion: poll(
            "表决关于镇党委工作报告的决议",
            "motion",
            "表决",
            ContestKind::Motion(Motion {
                items: vec!["关于中国共产党××镇委员会工作报告的决议".to_owned()],
                rule: None,
            }),
        ),
        recall: poll(
            "罢免镇党委委员",
            "recall",
            "罢免",
            ContestKind::Recall(hallvote_tally::model::Recall { members: Vec::new() }),
        ),
    })
}
