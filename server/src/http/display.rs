//! The hall display (大屏幕) for a projector: the session's name and live expected,
//! present and quorum, each poll being voted on with its own 应到 and 实到 (frozen
//! when it opened) and the ballots issued and cast, and a published poll's results
//! as bar charts (`super::support::figures`), pushed by server-sent events. The page
//! fills the screen and never scrolls: its script lays the figures out on as many
//! screen-sized pages as they need and turns them on its own (`assets/display.js`).
//! zh-CN unless `?lang=en` asks otherwise.
//! Public: these are the figures announced in the hall. Each process reads them once a
//! second per session shown, in one task shared by all its display streams
//! (`super::display_feed`), and pushes only changes, so it works the same with several
//! server processes. The number of open streams is capped (`super::stream_cap`).

use crate::api::prelude::*;
use std::convert::Infallible;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures_util::stream;

use super::AppState;
use super::support::attendance::attendance_figures;
use super::support::lang::{LangSwitch, PageQuery, lang_tag, page_lang};
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
use serde::Serialize;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/display/sessions/{id}", "display", Access::Public)
                    .says("The hall display page", "会场大屏幕页面：会议名称、应到、实到、法定人数、投票进度与结果，实时更新。")
                    .more("For a projector; it follows `/api/sessions/{id}/events` in its own language.")
                    .query(DISPLAY_LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/figures", "display", Access::Public)
                    .says("The figures the hall display shows", "大屏幕显示的数据：应到、实到、法定人数及各项投票的状态。")
                    .query(DISPLAY_LANG)
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
                    .query(DISPLAY_LANG)
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
    let (attending, observing) = crate::db::attendees::arrived_counts(&state.store, s.id).await?;
    let records = polls::of_session(&state.store, s.id).await?;
    let (turnout, results) = super::support::figures::display_figures(state, &records, lang).await?;
    let boards = boards(state, &records).await?;
    let polls = records.into_iter().map(|p| (p.poll.name, p.state)).collect();
    Ok(Figures {
        session: match lang {
            Lang::ZhCn => format!("{}第{}次会议", c.name, crate::i18n::zh_number(s.number)),
            Lang::En => format!("{}, session {}", c.name, s.number),
        },
        expected: a.expected,
        present: a.present,
        quorum_met: a.quorum_met,
        attending,
        observing,
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
    Query(q): Query<PageQuery>,
) -> Result<Json<Figures>, ApiError> {
    let (lang, _) = page_lang(lang, q.lang.as_deref());
    Ok(Json(load(&state, id, lang).await?))
}

/// The figures as server-sent events: the session's shared feed (`super::display_feed`)
/// forwarded to this stream, behind the cap on display streams (`super::stream_cap`).
async fn events(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Response, ApiError> {
    let (lang, _) = page_lang(lang, q.lang.as_deref());
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

/// The page: a template (`pages/display.html`) with its style sheet and script as
/// files, and in a JSON data block the session, the language, the figures as they
/// are now and every word the script writes; the script lays the figures out and
/// keeps them current from the event stream. The projector's address says its
/// language: Chinese unless `?lang=en`, whatever the browser's own language or a
/// cookie left by another page, and nothing is remembered.
async fn page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or(Lang::ZhCn);
    let figures = load(&state, id, lang).await?;
    let texts = DisplayTexts::of(lang);
    let data = DisplayData { session: id, lang: lang_tag(lang), figures: &figures, texts: &texts };
    let data = serde_json::to_value(&data).map_err(|e| ApiError::internal(format!("display data: {e}")))?;
    let page = DisplayPage {
        session: &figures.session,
        heads_word: texts.heads,
        loading: texts.loading,
        langs: LangSwitch::query(lang),
        data: ScriptJson::new(&data),
    };
    Ok(render(&page)?.into_response())
}

/// The page's data block: what its script starts from.
#[derive(Serialize)]
struct DisplayData<'a> {
    session: i64,
    /// The page's language tag, which the script asks its figures in.
    lang: &'static str,
    figures: &'a Figures,
    texts: &'a DisplayTexts,
}

/// Every word the display's script writes, in the page's language.
#[derive(Serialize)]
struct DisplayTexts {
    expected: &'static str,
    present: &'static str,
    /// The session's present count while polls are under way: those checked in now,
    /// some of whom may have arrived after a poll opened (R2).
    checked_in: &'static str,
    /// Under a poll's figures: its 实到 is the count when it opened.
    frozen: &'static str,
    met: &'static str,
    not_met: &'static str,
    /// `{n}` 列席 checked in, shown apart from 实到 (they have no vote).
    attending: &'static str,
    /// `{n}` 旁听 checked in.
    observing: &'static str,
    states: serde_json::Value,
    polls: &'static str,
    no_polls: &'static str,
    issued: &'static str,
    cast: &'static str,
    result: &'static str,
    sep: &'static str,
    comma: &'static str,
    /// Between two figures on one line.
    gap: &'static str,
    fp: &'static str,
    head: &'static str,
    /// After a count of one ("1 entry"); zh-CN has one form.
    entry: &'static str,
    entries: &'static str,
    root: &'static str,
    /// "第 {n}/{m} 页".
    page: &'static str,
    heads: &'static str,
    loading: &'static str,
}

impl DisplayTexts {
    fn of(lang: Lang) -> Self {
        let zh = lang == Lang::ZhCn;
        let t = |z: &'static str, e: &'static str| if zh { z } else { e };
        Self {
            expected: t("应到", "Expected"),
            present: t("实到", "Present"),
            checked_in: t("现已报到", "Checked in now"),
            frozen: t(
                "实到为本次投票开始时已报到的人数，此后报到的代表不计入。",
                "Present: those checked in when this poll opened; later arrivals are not counted.",
            ),
            met: t("已达到法定人数", "Quorum met"),
            not_met: t("未达到法定人数", "Quorum not met"),
            attending: t("列席 {n} 人", "Attending without a vote: {n}"),
            observing: t("旁听 {n} 人", "Observers: {n}"),
            states: crate::lifecycle::words(lang),
            polls: t("投票事项", "Polls"),
            no_polls: t("尚无投票事项", "No polls yet"),
            issued: t("发出选票", "Ballots issued"),
            cast: t("收回选票", "Ballots returned"),
            result: t("投票结果", "Result"),
            sep: t("：", ": "),
            comma: t("，", ", "),
            gap: t("　", "  ·  "),
            fp: t("选举指纹", "Election fingerprint"),
            head: t("公告板签名树头", "Board's signed tree head"),
            entry: t("条", "entry"),
            entries: t("条", "entries"),
            root: t("根", "root"),
            page: t("第 {n}/{m} 页", "Page {n} of {m}"),
            heads: t("下载本屏已显示的树头（供核验）", "Download the tree heads this display has shown (to verify)"),
            loading: t("正在载入……", "Loading…"),
        }
    }
}

/// The hall display's page (`pages/display.html`): a full-screen shell that its
/// script fills from the data block.
#[derive(Template)]
#[template(path = "display.html")]
struct DisplayPage<'a> {
    session: &'a str,
    heads_word: &'a str,
    loading: &'a str,
    langs: LangSwitch,
    data: ScriptJson,
}
