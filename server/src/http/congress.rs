//! Congresses, sessions, the roll and exclusions (organiser), and the
//! attendance figures everyone may see.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use hallvote_tally::Ruleset;
use serde_json::{Value, json};

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::attendance::{AttendanceFigures, attendance_figures};
use super::support::errors::not_found;
use super::support::load::{load_congress, load_session};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::congress::{self, Congress, Session};
use crate::db::{StoreError, attendance, audit, roster};
use crate::i18n::RequestLang;
use crate::roster::{parse_csv, parse_xlsx};
use hallvote_protocol::wire::{NewCongress, NewExclusion, NewSession};

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/congresses", post(create_congress).get(list_congresses))
        .route("/api/congresses/{id}/sessions", post(create_session).get(list_sessions))
        .route("/api/congresses/{id}/roster", get(get_roster).put(import_roster))
        .route("/api/sessions/{id}/exclusions", post(add_exclusion).get(list_exclusions))
        .route("/api/sessions/{id}/exclusions/{card}/withdraw", post(withdraw_exclusion))
        .route("/api/sessions/{id}/attendance", get(get_attendance))
}

fn invalid(zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", zh, en)
}

async fn create_congress(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(req): JsonBody<NewCongress>,
) -> Result<(StatusCode, Json<Congress>), ApiError> {
    let who = auth.require(&[Role::Organiser])?;
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

async fn list_congresses(State(state): State<AppState>, auth: Authenticated) -> Result<Json<Vec<Congress>>, ApiError> {
    auth.require(&[Role::Organiser, Role::Desk, Role::Observer])?;
    Ok(Json(congress::congresses(&state.store).await?))
}

async fn list_sessions(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(congress_id): Path<i64>,
) -> Result<Json<Vec<Session>>, ApiError> {
    auth.require(&[Role::Organiser, Role::Desk, Role::Observer])?;
    let c = load_congress(&state, congress_id).await?;
    Ok(Json(congress::sessions_of(&state.store, c.id).await?))
}

async fn create_session(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(congress_id): Path<i64>,
    JsonBody(req): JsonBody<NewSession>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let who = auth.require(&[Role::Organiser])?;
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

/// The CSV and Excel types a roster upload may have.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn import_roster(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(congress_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let who = auth.require(&[Role::Organiser])?;
    let c = load_congress(&state, congress_id).await?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parsed = if content_type.starts_with(XLSX) {
        parse_xlsx(&body)
    } else if content_type.starts_with("text/csv") {
        parse_csv(&body)
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "名册须为 CSV 或 Excel（.xlsx）文件。",
            "The roster must be a CSV or Excel (.xlsx) file.",
        ));
    };
    let import =
        parsed.map_err(|e| ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, code: e.code(), message: e.text() })?;
    let (added, updated) = roster::import(&state.store, c.id, &import.rows).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "roster.import",
        &format!("{}: {added} added, {updated} updated, {} rows refused", c.name, import.errors.len()),
    )
    .await?;
    let errors: Vec<Value> = import
        .errors
        .iter()
        .map(|e| json!({ "line": e.line, "seq": e.seq, "problem": e.problem, "message": e.text().get(lang) }))
        .collect();
    let notes: Vec<Value> =
        import.notes.iter().map(|n| json!({ "line": n.line, "message": n.note.get(lang) })).collect();
    Ok(Json(json!({ "added": added, "updated": updated, "errors": errors, "notes": notes })))
}

async fn get_roster(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(congress_id): Path<i64>,
) -> Result<Json<Vec<roster::DelegateRecord>>, ApiError> {
    auth.require(&[Role::Organiser, Role::Desk, Role::Observer])?;
    let c = load_congress(&state, congress_id).await?;
    Ok(Json(roster::roll(&state.store, c.id).await?))
}

async fn add_exclusion(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<NewExclusion>,
) -> Result<StatusCode, ApiError> {
    let who = auth.require(&[Role::Organiser])?;
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
    auth: Authenticated,
    Path(session_id): Path<i64>,
) -> Result<Json<Vec<roster::ExclusionRecord>>, ApiError> {
    auth.require(&[Role::Organiser, Role::Observer])?;
    let s = load_session(&state, session_id).await?;
    Ok(Json(roster::exclusions(&state.store, s.id).await?))
}

/// Withdraws an exclusion made in error: the delegate counts as expected again.
async fn withdraw_exclusion(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((session_id, card)): Path<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let who = auth.require(&[Role::Organiser])?;
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
    auth: Authenticated,
    Path(session_id): Path<i64>,
) -> Result<Json<AttendanceFigures>, ApiError> {
    auth.require(&Role::ALL)?;
    let s = load_session(&state, session_id).await?;
    Ok(Json(attendance_figures(&state, &s).await?))
}
