//! The desk (报到处): check-in and departure by delegate card.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::AppState;
use super::extract::Json as JsonBody;
use super::station_auth::SignedStationRequest;
use super::support::attendance::{AttendanceFigures, attendance_figures};
use super::support::card_scan::{CardScan, scanned_card};
use super::support::load::load_session;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::attendance::{self, Movement};
use crate::db::roster;
use crate::db::{congress, polls};
use crate::standing::standing_admits;
use crate::stations_protocol::StationKind;
use hallvote_protocol::wire::{DeskAnswer, DeskPoll, DeskSession, Movement as Moved};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/sessions/{id}/checkin", "desk", Access::Roles(&[Role::Desk, Role::Organiser]))
                        .says("Check a delegate in", "报到：扫描代表证二维码或输入代表证号。")
                        .more("Checking in twice answers `already_present`.")
                        .takes::<CardScan>()
                        .answers_type::<DeskAnswer>(200)
                        .refuses(&[
                            (400, "malformed_request"),
                            (400, "card_qr_unreadable"),
                            (400, "card_qr_forged"),
                            (404, "not_a_delegate"),
                            (409, "delegate_status_lost"),
                            (409, "delegate_suspended"),
                            (409, "delegate_excluded"),
                        ]);
                ROUTE
            },
            check_in,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/sessions/{id}/checkout", "desk", Access::Roles(&[Role::Desk, Role::Organiser]))
                        .says("Record a delegate's departure", "离场登记：扫描代表证二维码或输入代表证号。")
                        .takes::<CardScan>()
                        .answers_type::<DeskAnswer>(200)
                        .refuses(&[
                            (400, "malformed_request"),
                            (400, "card_qr_unreadable"),
                            (400, "card_qr_forged"),
                            (404, "not_a_delegate"),
                            (409, "delegate_status_lost"),
                            (409, "delegate_suspended"),
                        ]);
                ROUTE
            },
            check_out,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/station/sessions", "desk", Access::Station(&[StationKind::Booth, StationKind::Desk]))
                        .says(
                            "Sessions and their polls for a desk or booth station",
                            "报到处终端可选的会议及其各项投票（含状态），最新的在前；投票机据此告诉代表本次会议还有哪些投票在进行。",
                        )
                        .answers_list::<DeskSession>(200);
                ROUTE
            },
            station_sessions,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/station/sessions/{id}/attendance", "desk", Access::Station(&[StationKind::Desk]))
                        .says(
                            "Expected, present and quorum now, for a desk station",
                            "报到处终端查看出席情况：应到、实到人数及是否达到法定人数（R1–R3）。",
                        )
                        .answers_type::<AttendanceFigures>(200);
                ROUTE
            },
            station_attendance,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/station/sessions/{id}/checkin", "desk", Access::Station(&[StationKind::Desk]))
                        .says(
                            "Check a delegate in at a desk station",
                            "报到处终端报到：扫描代表证二维码或输入代表证号。",
                        )
                        .takes::<CardScan>()
                        .answers_type::<DeskAnswer>(200)
                        .refuses(&[
                            (400, "malformed_request"),
                            (400, "card_qr_unreadable"),
                            (400, "card_qr_forged"),
                            (404, "not_a_delegate"),
                            (409, "delegate_status_lost"),
                            (409, "delegate_suspended"),
                            (409, "delegate_excluded"),
                        ]);
                ROUTE
            },
            station_check_in,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/station/sessions/{id}/checkout", "desk", Access::Station(&[StationKind::Desk]))
                        .says("Record a departure at a desk station", "报到处终端登记代表离场。")
                        .takes::<CardScan>()
                        .answers_type::<DeskAnswer>(200)
                        .refuses(&[
                            (400, "malformed_request"),
                            (400, "card_qr_unreadable"),
                            (400, "card_qr_forged"),
                            (404, "not_a_delegate"),
                            (409, "delegate_status_lost"),
                            (409, "delegate_suspended"),
                        ]);
                ROUTE
            },
            station_check_out,
        )
}

async fn movement(
    state: &AppState,
    auth: &Authenticated,
    session_id: i64,
    scan: CardScan,
    m: Movement,
) -> Result<Json<DeskAnswer>, ApiError> {
    let who = &auth.account;
    move_delegate(state, &who.username, session_id, scan, m).await
}

/// Records an arrival or departure by `actor` (an account's name, or a desk station's).
async fn move_delegate(
    state: &AppState,
    actor: &str,
    session_id: i64,
    scan: CardScan,
    m: Movement,
) -> Result<Json<DeskAnswer>, ApiError> {
    let s = load_session(state, session_id).await?;
    let card = scanned_card(state, s.congress_id, scan)?;
    let card = card.trim();
    let d = roster::by_card(&state.store, s.congress_id, card).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_a_delegate",
            "此证号不是本届代表大会的代表。",
            "This card is not a delegate of this congress.",
        )
    })?;
    standing_admits(&d)?;
    if m == Movement::Arrive && roster::exclusions(&state.store, s.id).await?.iter().any(|e| e.card == d.card) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "delegate_excluded",
            "该代表已被核减（不计入应到人数），请会务组先撤销核减。",
            "This delegate is excluded from the expected count; ask the organisers to withdraw the exclusion first.",
        ));
    }
    let recorded = attendance::record(&state.store, s.id, d.id, m, state.clock.now(), actor).await?;
    let status = match (m, recorded) {
        (Movement::Arrive, true) => Moved::CheckedIn,
        (Movement::Arrive, false) => Moved::AlreadyPresent,
        (Movement::Depart, true) => Moved::Departed,
        (Movement::Depart, false) => Moved::NotPresent,
    };
    Ok(Json(DeskAnswer { card: d.card, name: d.name, group: d.group, status }))
}

async fn check_in(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<CardScan>,
) -> Result<Json<DeskAnswer>, ApiError> {
    movement(&state, &auth, session_id, req, Movement::Arrive).await
}

async fn check_out(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<CardScan>,
) -> Result<Json<DeskAnswer>, ApiError> {
    movement(&state, &auth, session_id, req, Movement::Depart).await
}

/// Every session with its polls, newest first: what a desk station chooses from and
/// issues for (the polls that are `open`).
async fn station_sessions(State(state): State<AppState>) -> Result<Json<Vec<DeskSession>>, ApiError> {
    let mut out = Vec::new();
    for c in congress::congresses(&state.store).await? {
        for s in congress::sessions_of(&state.store, c.id).await? {
            let polls = polls::of_session(&state.store, s.id)
                .await?
                .into_iter()
                .map(|p| DeskPoll { id: p.id, name: p.poll.name, state: p.state })
                .collect();
            out.push(DeskSession { id: s.id, congress: c.name.clone(), number: s.number, date: s.date, polls });
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.id));
    Ok(Json(out))
}

/// The session's attendance as the desk shows it beside the scan (issue 16, item 10).
async fn station_attendance(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
) -> Result<Json<AttendanceFigures>, ApiError> {
    let s = load_session(&state, session_id).await?;
    Ok(Json(attendance_figures(&state, &s).await?))
}

async fn station_movement(
    state: &AppState,
    req: &SignedStationRequest,
    session_id: i64,
    m: Movement,
) -> Result<Json<DeskAnswer>, ApiError> {
    let st = &req.station;
    let scan: CardScan = req.json()?;
    move_delegate(state, &format!("station:{}", st.name), session_id, scan, m).await
}

async fn station_check_in(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<DeskAnswer>, ApiError> {
    station_movement(&state, &req, session_id, Movement::Arrive).await
}

async fn station_check_out(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<DeskAnswer>, ApiError> {
    station_movement(&state, &req, session_id, Movement::Depart).await
}
