//! The hall display (大屏幕) for a projector: the session's name and live expected,
//! present and quorum, ballots issued and cast while a poll runs, and a published
//! poll's results as bar charts (`super::support::figures`), pushed by server-sent events.
//! Public: these are the figures announced in the hall. Each process reads them once a
//! second per session shown, in one task shared by all its display streams
//! (`super::display_feed`), and pushes only changes, so it works the same with several
//! server processes. The number of open streams is capped (`super::stream_cap`).

use crate::api::prelude::*;
use std::convert::Infallible;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures_util::stream;

use super::AppState;
use super::support::attendance::attendance_figures;
use super::support::load::{load_congress, load_session};
use crate::ApiError;
use crate::db::{casting, polls};
use crate::i18n::RequestLang;
use crate::lifecycle::PollState;
use crate::templates::{ScriptJson, render};
pub use hallvote_protocol::wire::{BoardShown, Figures};
use hallvote_tally::Lang;
use hallvote_tally::record::SignedHead;
use hallvote_tally::record::receipt::head_to_text;
use serde_json::json;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/display/sessions/{id}", "display", Access::Public)
                    .says("The hall display page", "会场大屏幕页面：会议名称、应到、实到、法定人数、投票进度与结果，实时更新。")
                    .more("For a projector; it follows `/api/sessions/{id}/events`.")
                    .answers(Answer::Html);
                ROUTE
            },
            page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/figures", "display", Access::Public)
                    .says("The figures the hall display shows", "大屏幕显示的数据：应到、实到、法定人数及各项投票的状态。")
                    .answers_json(200, Ty::Ref("Figures"));
                ROUTE
            },
            figures,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/events", "display", Access::Public)
                    .says("The figures as server-sent events", "大屏幕数据的实时推送（server-sent events，事件名 figures）。")
                    .more(
                        "An event `figures` at once and whenever the figures change. Open streams are capped (256 in all, 8 \
                         per client address); over the cap the answer is 503 `display_full` or 429 `too_many_streams` with \
                         `Retry-After`.",
                    )
                    .answers(Answer::Events(Ty::Ref("Figures")))
                    .refuses(&[(429, "too_many_streams"), (503, "display_full")]);
                ROUTE
            },
            events,
        )
}

async fn boards(state: &AppState, records: &[polls::PollRecord]) -> Result<Vec<BoardShown>, ApiError> {
    let mut out = Vec::new();
    for p in records.iter().filter(|p| matches!(p.state, PollState::Open | PollState::Closed)) {
        let Some(run) = casting::run(&state.store, p.id).await? else { continue };
        let Some(fingerprint) = state.fingerprints.of(&state.store, &run).await? else { continue };
        let latest = casting::latest_head(&state.store, p.id).await?;
        let head = latest.and_then(|(head, signature)| {
            Some(SignedHead { head: head.try_into().ok()?, signature: signature.try_into().ok()? })
        });
        out.push(BoardShown {
            poll: p.poll.name.clone(),
            fingerprint: fingerprint.short(),
            size: head.map_or(0, |h| u64::from_be_bytes(h.head[..8].try_into().unwrap_or([0; 8]))),
            root: head.map_or_else(String::new, |h| h.head[8..12].iter().map(|b| format!("{b:02x}")).collect()),
            head: head.as_ref().map(head_to_text),
        });
    }
    Ok(out)
}

async fn load(state: &AppState, session_id: i64, lang: Lang) -> Result<Figures, ApiError> {
    let s = load_session(state, session_id).await?;
    let c = load_congress(state, s.congress_id).await?;
    let a = attendance_figures(state, &s).await?;
    let records = polls::of_session(&state.store, s.id).await?;
    let (turnout, results) = super::support::figures::display_figures(state, &records, lang).await?;
    let boards = boards(state, &records).await?;
    let polls = records.into_iter().map(|p| (p.poll.name, p.state)).collect();
    Ok(Figures {
        session: format!("{}第{}次会议", c.name, crate::i18n::zh_number(s.number)),
        expected: a.expected,
        present: a.present,
        quorum_met: a.quorum_met,
        polls,
        turnout,
        results,
        boards,
    })
}

async fn figures(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
) -> Result<Json<Figures>, ApiError> {
    Ok(Json(load(&state, id, lang).await?))
}

/// The figures as server-sent events: the session's shared feed (`super::display_feed`)
/// forwarded to this stream, behind the cap on display streams (`super::stream_cap`).
async fn events(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Response, ApiError> {
    let permit = match state.display_streams.admit(peer.map(|Extension(ConnectInfo(p))| p.ip())) {
        Ok(permit) => permit,
        Err(refusal) => return Ok(refusal.render(lang)),
    };
    load_session(&state, id).await?;
    let feed = {
        let state = state.clone();
        state.display_feeds.clone().subscribe((id, lang), move || {
            let state = state.clone();
            async move {
                let figures = load(&state, id, lang).await.ok()?;
                serde_json::to_string(&figures).ok()
            }
        })
    };
    let stream = stream::unfold((feed, permit), |(mut feed, permit)| async move {
        loop {
            // The feed ends only if its task failed; the stream ends with it and the
            // browser's EventSource connects again.
            feed.changed().await.ok()?;
            let latest = feed.borrow_and_update().clone();
            if let Some(json) = latest {
                let event = Event::default().event("figures").data(&*json);
                return Some((Ok::<_, Infallible>(event), (feed, permit)));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}

/// The page: a template (`pages/display.html`) with the figures as they are now,
/// its style sheet and script as files, and the script's texts and session in a JSON
/// data block; the script keeps the figures current from the event stream.
async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let f = load(&state, id, lang).await?;
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let states = crate::lifecycle::words(lang);
    let data = json!({
        "session": id,
        "texts": {
            "met": t("已达到法定人数", "Quorum met"),
            "not_met": t("未达到法定人数", "Quorum not met"),
            "states": states,
            "issued": t("发出选票", "Ballots issued"),
            "cast": t("收回选票", "Ballots cast"),
            "sep": t("：", ": "),
            "fp": t("选举指纹", "Election fingerprint"),
            "head": t("票箱树头", "Board tree head"),
            "entries": t("条", "entries"),
            "root": t("根", "root")
        },
    });
    let page = DisplayPage {
        lang: t("zh-CN", "en"),
        session: &f.session,
        expected_word: t("应到", "Expected"),
        present_word: t("实到", "Present"),
        expected: f.expected,
        present: f.present,
        quorum: if f.quorum_met {
            t("已达到法定人数", "Quorum met")
        } else {
            t("未达到法定人数", "Quorum not met")
        },
        turnout: &f.turnout,
        issued_word: t("发出选票", "Ballots issued"),
        cast_word: t("收回选票", "Ballots cast"),
        colon: t("：", ": "),
        results: &f.results,
        heads_word: t("下载本屏已显示的树头（供核验）", "Download the tree heads this display has shown (to verify)"),
        data: ScriptJson::new(&data),
    };
    Ok(render(&page)?.into_response())
}

/// The hall display's page (`pages/display.html`).
#[derive(Template)]
#[template(path = "display.html")]
struct DisplayPage<'a> {
    lang: &'a str,
    session: &'a str,
    expected_word: &'a str,
    present_word: &'a str,
    expected: u32,
    present: u32,
    quorum: &'a str,
    /// Ballots issued and cast, as the script redraws them from each update.
    turnout: &'a [super::support::figures::Turnout],
    issued_word: &'a str,
    cast_word: &'a str,
    colon: &'a str,
    /// The published results; their charts are markup rendered from `pages/charts.html`,
    /// every text in it escaped there.
    results: &'a [super::support::figures::PublishedResult],
    heads_word: &'a str,
    data: ScriptJson,
}
