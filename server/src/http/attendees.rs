//! People at a session without a vote: 列席 and 旁听, registered by the organiser and
//! checked in at the desk by pass number or name, apart from the delegates. They are
//! never counted in expected or present and never issued a credential: the desk's
//! answer says so.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_tally::Lang;

use super::AppState;
use super::extract::Json as JsonBody;
use super::station_auth::SignedStationRequest;
use super::support::errors::{conflict, invalid};
use super::support::load::load_session;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::attendees::{self, AttendeeRecord};
use crate::db::{StoreError, audit};
use crate::i18n::RequestLang;
use hallvote_protocol::wire::{Attendee, AttendeeCheckedIn, AttendeeKind, AttendeeLookup, NewAttendee};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/sessions/{id}/attendees", "desk", Access::Roles(ORGANISER))
                    .says(
                        "Register someone who attends without a vote",
                        "登记列席或旁听人员（证号、姓名、单位）：不计入应到、实到人数，不发选票。",
                    )
                    .takes::<NewAttendee>()
                    .answers_type::<Attendee>(201)
                    .refuses(&[(409, "attendee_exists"), (422, "invalid_value")]);
                ROUTE
            },
            register,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/attendees", "desk", Access::Roles(ROLL_READERS))
                    .says("The session's attendees without a vote", "本次会议的列席、旁听人员及是否已报到。")
                    .answers_list::<Attendee>(200);
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/sessions/{id}/attendees/checkin",
                    "desk",
                    Access::Roles(&[Role::Desk, Role::Organiser]),
                )
                .says("Check in someone who attends without a vote", "列席、旁听人员报到：输入证号或姓名；不发选票。")
                .takes::<AttendeeLookup>()
                .answers_type::<AttendeeCheckedIn>(200)
                .refuses(&[(404, "attendee_not_found"), (409, "attendee_ambiguous")]);
                ROUTE
            },
            check_in,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/station/sessions/{id}/attendees/checkin",
                    "desk",
                    Access::Station(&[StationKind::Desk]),
                )
                .says(
                    "Check in someone who attends without a vote, at a desk station",
                    "报到处终端为列席、旁听人员报到：输入证号或姓名；不发选票。",
                )
                .takes::<AttendeeLookup>()
                .answers_type::<AttendeeCheckedIn>(200)
                .refuses(&[(404, "attendee_not_found"), (409, "attendee_ambiguous")]);
                ROUTE
            },
            station_check_in,
        )
}

async fn register(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<NewAttendee>,
) -> Result<(StatusCode, Json<Attendee>), ApiError> {
    let s = load_session(&state, session_id).await?;
    let (number, name, unit) = (req.number.trim(), req.name.trim(), req.unit.trim());
    for (zh, en, text) in [("证号", "pass number", number), ("姓名", "name", name)] {
        if let Some(p) = hallvote_tally::text::name_problem(text) {
            let t = p.text();
            return Err(invalid("invalid_value", &format!("{zh}{}。", t.zh), &format!("The {en} {}.", t.en)));
        }
    }
    if !unit.is_empty()
        && let Some(p) = hallvote_tally::text::name_problem(unit)
    {
        let t = p.text();
        return Err(invalid("invalid_value", &format!("单位{}。", t.zh), &format!("The unit {}.", t.en)));
    }
    let now = state.clock.now();
    attendees::register(&state.store, s.id, number, name, unit, req.kind, now).await.map_err(|e| match e {
        StoreError::Conflict(_) => conflict(
            "attendee_exists",
            &format!("证号 {number} 已经登记。"),
            &format!("Pass number {number} is already registered."),
        ),
        other => other.into(),
    })?;
    let detail = format!("{} {number} {name} ({})", kind_words(req.kind, Lang::ZhCn), s.id);
    audit::append(&state.store, now, &auth.account.username, "attendee.register", &detail).await?;
    let attendee = Attendee {
        number: number.to_owned(),
        name: name.to_owned(),
        unit: unit.to_owned(),
        kind: req.kind,
        checked_in: false,
    };
    Ok((StatusCode::CREATED, Json(attendee)))
}

async fn list(State(state): State<AppState>, Path(session_id): Path<i64>) -> Result<Json<Vec<Attendee>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    Ok(Json(attendees::of_session(&state.store, s.id).await?.into_iter().map(|a| a.attendee).collect()))
}

async fn check_in(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<AttendeeLookup>,
) -> Result<Json<AttendeeCheckedIn>, ApiError> {
    arrive(&state, &auth.account.username, lang, session_id, &req).await
}

async fn station_check_in(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(session_id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<AttendeeCheckedIn>, ApiError> {
    let lookup: AttendeeLookup = req.json()?;
    arrive(&state, &format!("station:{}", req.station.name), lang, session_id, &lookup).await
}

/// Finds the attendee the desk typed and records their arrival.
async fn arrive(
    state: &AppState,
    actor: &str,
    lang: Lang,
    session_id: i64,
    req: &AttendeeLookup,
) -> Result<Json<AttendeeCheckedIn>, ApiError> {
    let s = load_session(state, session_id).await?;
    let query = req.query.trim();
    let found = attendees::find(&state.store, s.id, query).await?;
    let AttendeeRecord { id, mut attendee } = match <[AttendeeRecord; 1]>::try_from(found) {
        Ok([one]) => one,
        Err(found) if found.is_empty() => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "attendee_not_found",
                &format!("本次会议没有登记证号或姓名为“{query}”的列席、旁听人员。"),
                &format!("No one attending without a vote is registered under “{query}” for this session."),
            ));
        }
        Err(_) => {
            return Err(conflict(
                "attendee_ambiguous",
                &format!("有多位列席、旁听人员名为“{query}”，请输入证号。"),
                &format!("Several people attending without a vote are named “{query}”: type the pass number."),
            ));
        }
    };
    let newly = attendees::arrive(&state.store, id, state.clock.now(), actor).await?;
    attendee.checked_in = true;
    let kind = kind_words(attendee.kind, lang);
    let message = match (lang, newly) {
        (Lang::ZhCn, true) => format!("{kind}人员{}已报到。{kind}人员不发选票。", attendee.name),
        (Lang::ZhCn, false) => format!("{kind}人员{}此前已报到。{kind}人员不发选票。", attendee.name),
        (Lang::En, true) => format!("{} ({kind}) is checked in. No ballot is issued to them.", attendee.name),
        (Lang::En, false) => format!("{} ({kind}) had checked in already. No ballot is issued to them.", attendee.name),
    };
    Ok(Json(AttendeeCheckedIn { attendee, newly, message }))
}

/// 列席 or 旁听 in words.
fn kind_words(kind: AttendeeKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (AttendeeKind::Attending, Lang::ZhCn) => "列席",
        (AttendeeKind::Observing, Lang::ZhCn) => "旁听",
        (AttendeeKind::Attending, Lang::En) => "attending without a vote",
        (AttendeeKind::Observing, Lang::En) => "observer",
    }
}
