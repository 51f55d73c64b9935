//! Congresses, sessions, the roll and exclusions (organiser), and the
//! attendance figures everyone may see.

use crate::api::prelude::*;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use hallvote_tally::Ruleset;

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::attendance::{AttendanceFigures, attendance_figures};
use super::support::errors::not_found;
use super::support::import::{count, read_upload, report};
use super::support::load::{load_congress, load_session};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::congress::{self, Congress, Session};
use crate::db::{StoreError, attendance, audit, roster};
use crate::i18n::RequestLang;
use crate::roster::{parse_csv, parse_xlsx};
use hallvote_protocol::wire::{Delegate, Exclusion, NewCongress, NewExclusion, NewSession, RosterImported};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/congresses", "congress", Access::Roles(ORGANISER))
                    .says("Create a congress", "新建代表大会（名称、届次、任期）。")
                    .takes::<NewCongress>()
                    .answers_type::<Congress>(201)
                    .refuses(&[(422, "invalid_value")]);
                ROUTE
            },
            create_congress,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/congresses", "congress", Access::Roles(ROLL_READERS))
                    .says("List congresses", "代表大会列表。")
                    .answers_list::<Congress>(200);
                ROUTE
            },
            list_congresses,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/congresses/{id}/sessions", "congress", Access::Roles(ORGANISER))
                    .says("Create a session of a congress", "新建一次会议（第几次会议、地点、日期、计票规则）。")
                    .takes::<NewSession>()
                    .answers_type::<Session>(201)
                    .refuses(&[(422, "invalid_value"), (409, "session_exists")]);
                ROUTE
            },
            create_session,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/congresses/{id}/sessions", "congress", Access::Roles(ROLL_READERS))
                    .says("List the sessions of a congress", "某届代表大会的各次会议。")
                    .answers_list::<Session>(200);
                ROUTE
            },
            list_sessions,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/congresses/{id}/roster", "roster", Access::Roles(ROLL_READERS))
                    .says("The roll of delegates", "代表名册。")
                    .answers_list::<Delegate>(200);
                ROUTE
            },
            get_roster,
        )
        .mount(
            {
                const ROUTE: Route = at(Put, "/api/congresses/{id}/roster", "roster", Access::Roles(ORGANISER))
                    .says(
                        "Import the roll from CSV or Excel",
                        "导入代表名册（CSV 或 Excel .xlsx 文件）：按代表证号新增或更新，逐行报告错误。",
                    )
                    .more("The body is the file itself, with its content type. Rows that cannot be read are reported and skipped.")
                    .takes_roster()
                    .answers_type::<RosterImported>(200)
                    .refuses(&[(415, "unsupported_media_type"), (422, "roster_unreadable"), (422, "roster_too_large")]);
                ROUTE
            },
            import_roster,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/sessions/{id}/exclusions", "roster", Access::Roles(ORGANISER))
                    .says(
                        "Exclude a delegate from the expected count",
                        "核减：因病、出国、羁押等原因不计入应到人数（R1）；已报到的代表不能核减。",
                    )
                    .takes::<NewExclusion>()
                    .answers(Answer::Empty(201))
                    .refuses(&[(409, "already_excluded"), (409, "delegate_present")]);
                ROUTE
            },
            add_exclusion,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/exclusions", "roster", Access::Roles(&[Role::Organiser, Role::Observer]))
                    .says("The session's exclusions", "本次会议核减的代表及原因。")
                    .answers_list::<Exclusion>(200);
                ROUTE
            },
            list_exclusions,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/sessions/{id}/exclusions/{card}/withdraw", "roster", Access::Roles(ORGANISER))
                    .says("Withdraw an exclusion made in error", "撤销核减：该代表重新计入应到人数（已开始的投票保持其冻结的人数）。")
                    .answers(Answer::Empty(204))
                    .refuses(&[(404, "not_excluded")]);
                ROUTE
            },
            withdraw_exclusion,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/attendance", "congress", Access::Roles(&Role::ALL))
                    .says("Expected, present and quorum now", "出席情况：应到、实到人数及是否达到法定人数（R1–R3）。")
                    .answers_type::<AttendanceFigures>(200);
                ROUTE
            },
            get_attendance,
        )
}

fn invalid(zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", zh, en)
}

async fn create_congress(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(req): JsonBody<NewCongress>,
) -> Result<(StatusCode, Json<Congress>), ApiError> {
    let who = &auth.account;
    let name = req.name.trim();
    if let Some(p) = hallvote_tally::text::name_problem(name) {
        let t = p.text();
        return Err(invalid(&format!("代表大会名称{}。", t.zh), &format!("The congress's name {}.", t.en)));
    }
    if !(1..=999).contains(&req.number) || !(1..=10).contains(&req.term_years) {
        return Err(invalid(
            "名称不能为空，届次为 1–999，任期为 1–10 年。",
            "Give a name, a number 1–999 and a term of 1–10 years.",
        ));
    }
    let c = congress::create_congress(&state.store, name, req.number, req.term_years, state.clock.now()).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "congress.create",
        &format!("{} (#{})", c.name, c.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

async fn list_congresses(State(state): State<AppState>) -> Result<Json<Vec<Congress>>, ApiError> {
    Ok(Json(congress::congresses(&state.store).await?))
}

async fn list_sessions(
    State(state): State<AppState>,
    Path(congress_id): Path<i64>,
) -> Result<Json<Vec<Session>>, ApiError> {
    let c = load_congress(&state, congress_id).await?;
    Ok(Json(congress::sessions_of(&state.store, c.id).await?))
}

async fn create_session(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(congress_id): Path<i64>,
    JsonBody(req): JsonBody<NewSession>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let who = &auth.account;
    let c = load_congress(&state, congress_id).await?;
    let ruleset = req.ruleset.unwrap_or_else(|| "township-2020".to_owned());
    if Ruleset::builtin(&ruleset).is_err() {
        return Err(invalid("未知的计票规则。", "Unknown ruleset."));
    }
    for (zh, en, text) in [("地点", "place", &req.place), ("日期", "date", &req.date)] {
        if !text.is_empty()
            && let Some(p) = hallvote_tally::text::name_problem(text.trim())
        {
            let t = p.text();
            return Err(invalid(&format!("会议{zh}{}。", t.zh), &format!("The session's {en} {}.", t.en)));
        }
    }
    if !(1..=99).contains(&req.number) || req.place.chars().count() > 100 || req.date.chars().count() > 40 {
        return Err(invalid(
            "会议次数为 1–99，地点和日期不宜过长。",
            "Give a session number 1–99 and a short place and date.",
        ));
    }
    let s = congress::create_session(
        &state.store,
        c.id,
        req.number,
        req.place.trim(),
        req.date.trim(),
        &ruleset,
        state.clock.now(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => ApiError::new(
            StatusCode::CONFLICT,
            "session_exists",
            "该次会议已经存在。",
            "A session with this number already exists.",
        ),
        other => other.into(),
    })?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "session.create",
        &format!("{} 第{}次会议 (#{})", c.name, s.number, s.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(s)))
}

async fn import_roster(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(congress_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RosterImported>, ApiError> {
    let who = &auth.account;
    let c = load_congress(&state, congress_id).await?;
    let import = read_upload(&headers, &body, parse_csv, parse_xlsx)?;
    let (added, updated) = roster::import(&state.store, c.id, &import.rows).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "roster.import",
        &format!("{}: {added} added, {updated} updated, {} rows refused", c.name, import.errors.len()),
    )
    .await?;
    let (errors, notes) = report(&import.errors, &import.notes, lang);
    Ok(Json(RosterImported { added: count(added), updated: count(updated), errors, notes }))
}

async fn get_roster(
    State(state): State<AppState>,
    Path(congress_id): Path<i64>,
) -> Result<Json<Vec<Delegate>>, ApiError> {
    let c = load_congress(&state, congress_id).await?;
    let roll = roster::roll(&state.store, c.id).await?;
    Ok(Json(
        roll.into_iter()
            .map(|d| Delegate {
                id: d.id,
                card: d.card,
                seq: d.seq,
                name: d.name,
                gender: d.gender,
                ethnicity: d.ethnicity,
                group: d.group,
                unit: d.unit,
                status: crate::db::delegate_status::standing(&d.status),
            })
            .collect(),
    ))
}

async fn add_exclusion(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<NewExclusion>,
) -> Result<StatusCode, ApiError> {
    let who = &auth.account;
    let s = load_session(&state, session_id).await?;
    let d = roster::by_card(&state.store, s.congress_id, req.card.trim())
        .await?
        .ok_or_else(|| not_found("代表", "delegate"))?;
    if !attendance::present_cards(&state.store, s.id).await?.contains(&d.card) {
        let reason =
            serde_json::to_value(req.reason).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        roster::exclude(&state.store, s.id, d.id, &reason, req.note.trim(), state.clock.now()).await.map_err(|e| {
            match e {
                StoreError::Conflict(_) => ApiError::new(
                    StatusCode::CONFLICT,
                    "already_excluded",
                    "该代表已被核减。",
                    "This delegate is already excluded.",
                ),
                other => other.into(),
            }
        })?;
        audit::append(
            &state.store,
            state.clock.now(),
            &who.username,
            "exclusion.add",
            &format!("{} {}: {reason}", d.card, d.name),
        )
        .await?;
        Ok(StatusCode::CREATED)
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "delegate_present",
            "该代表已经报到，不能核减。",
            "This delegate has checked in and cannot be excluded.",
        ))
    }
}

/// The session's exclusions, with their reasons (organiser and observer only: a
/// reason may be a delegate's illness).
async fn list_exclusions(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
) -> Result<Json<Vec<Exclusion>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    let list = roster::exclusions(&state.store, s.id).await?;
    Ok(Json(list.into_iter().map(|e| Exclusion { card: e.card, reason: e.reason, note: e.note }).collect()))
}

/// Withdraws an exclusion made in error: the delegate counts as expected again.
async fn withdraw_exclusion(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((session_id, card)): Path<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let who = &auth.account;
    let s = load_session(&state, session_id).await?;
    let d = roster::by_card(&state.store, s.congress_id, card.trim())
        .await?
        .ok_or_else(|| not_found("代表", "delegate"))?;
    if !roster::withdraw_exclusion(&state.store, s.id, d.id).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_excluded",
            "该代表未被核减。",
            "This delegate is not excluded.",
        ));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "exclusion.withdraw",
        &format!("{} {}", d.card, d.name),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_attendance(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
) -> Result<Json<AttendanceFigures>, ApiError> {
    let s = load_session(&state, session_id).await?;
    Ok(Json(attendance_figures(&state, &s).await?))
}
