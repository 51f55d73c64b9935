//! The hall display (大屏幕) for a projector: the session's name and live expected,
//! present and quorum, ballots issued and cast while a poll runs, and a published
//! poll's results as bar charts (`super::public`), pushed by server-sent events.
//! Public: these are the figures announced in the hall. Every process polls the
//! database once a second and pushes only changes, so it works the same with several
//! server processes.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use serde::Serialize;

use super::AppState;
use super::congress::{attendance_figures, load_congress, load_session};
use crate::ApiError;
use crate::db::{casting, polls};
use crate::html::escape;
use crate::i18n::RequestLang;
use crate::lifecycle::PollState;
use hallvote_tally::Lang;
use hallvote_tally::record::SignedHead;
use hallvote_tally::record::receipt::head_to_text;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/display/sessions/{id}", get(page))
        .route("/api/sessions/{id}/figures", get(figures))
        .route("/api/sessions/{id}/events", get(events))
}

/// What the hall display shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// 中国共产党青山镇第十五届代表大会第三次会议.
    pub session: String,
    /// 应到.
    pub expected: u32,
    /// 实到.
    pub present: u32,
    /// Whether the quorum of the session's ruleset is met.
    pub quorum_met: bool,
    /// The polls: name and state.
    pub polls: Vec<(String, PollState)>,
    /// Ballots issued and cast in the polls being voted on or counted.
    pub turnout: Vec<super::public::Turnout>,
    /// The published polls' results as bar charts, newest first.
    pub results: Vec<super::public::PublishedResult>,
    /// The fingerprint and newest signed tree head of every poll being voted on or
    /// just closed, for the hall to compare and observers to keep (spec §11.4, §12.11).
    pub boards: Vec<BoardShown>,
}

/// A poll's election fingerprint and the newest tree head the server signed for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BoardShown {
    /// The poll's name.
    pub poll: String,
    /// The election fingerprint's short form.
    pub fingerprint: String,
    /// Entries on the board under the newest signed head (0 while it is empty).
    pub size: u64,
    /// The first 8 hex digits of that head's root.
    pub root: String,
    /// The head as an observer keeps it (`HVHEAD1:…`), once there is one.
    pub head: Option<String>,
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
    let (turnout, results) = super::public::display_figures(state, &records, lang).await?;
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

async fn events(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let first = load(&state, id, lang).await?;
    let stream =
        stream::unfold((state, id, None::<Figures>, Some(first)), move |(state, id, last, ready)| async move {
            let mut next = ready;
            loop {
                if let Some(f) = next.take()
                    && last.as_ref() != Some(&f)
                {
                    let event = Event::default().event("figures").json_data(&f).unwrap_or_default();
                    return Some((Ok(event), (state, id, Some(f), None)));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                // A failed read (a restart of the database, say) skips a beat; the page keeps its last figures.
                next = load(&state, id, lang).await.ok();
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let f = load(&state, id, lang).await?;
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let html = format!(
        r##"<!doctype html><html lang="{lang_attr}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>
body {{ margin: 0; background: #8b0000; color: #fff; font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; text-align: center; }}
h1 {{ font-size: 4vw; margin: 4vh 2vw 2vh; }}
.row {{ display: flex; justify-content: center; gap: 6vw; margin: 4vh 0; }}
.fig {{ font-size: 3vw; }} .fig b {{ display: block; font-size: 12vw; line-height: 1.1; }}
#quorum {{ font-size: 4vw; font-weight: bold; margin: 2vh; }}
ul {{ list-style: none; padding: 0; font-size: 2.5vw; }}
.turnout {{ font-size: 3.5vw; font-weight: bold; margin: 1vh 2vw; }}
.result h2 {{ font-size: 3.5vw; margin: 3vh 2vw 1vh; }} .chart {{ margin: 1vh 3vw; }}
.chart figcaption {{ font-size: 2.6vw; text-align: left; margin-bottom: 1vh; }} .void {{ font-size: 3vw; font-weight: bold; }}
.board {{ font-size: 2.4vw; margin: 1vh 2vw; }} .board .fp {{ font-family: "DejaVu Sans Mono", monospace; font-size: 3.6vw; font-weight: bold; letter-spacing: .2vw; }}
#heads-line {{ font-size: 1.6vw; }} #heads-line a {{ color: #fff; }}
</style></head><body>
<h1 id="session">{session}</h1>
<div class="row"><div class="fig">{expected_word}<b id="expected">{expected}</b></div><div class="fig">{present_word}<b id="present">{present}</b></div></div>
<div id="quorum" aria-live="polite">{quorum}</div>
<ul id="polls"></ul>
<div id="turnout">{turnout_html}</div>
<div id="boards" aria-live="polite"></div>
<p id="heads-line"><a id="heads-download" href="#" download="hallvote-heads.txt">{heads_word}</a></p>
<div id="results">{results_html}</div>
<script>
"use strict";
const W = {{ met: "{met}", not_met: "{not_met}", states: {states}, issued: "{issued_word}", cast: "{cast_word}", sep: "{sep}",
  fp: "{fp_word}", head: "{head_word}", entries: "{entries_word}", root: "{root_word}" }};
// Every signed head this display has shown, kept in the browser so an observer can
// download them and check them against the published record (hallvote-verify --heads).
const seenKey = "hallvote-heads-{id}";
const seen = JSON.parse(localStorage.getItem(seenKey) || "[]");
function keep(b) {{
  if (!b.head || seen.some((s) => s.head === b.head)) return;
  seen.push({{ poll: b.poll, size: b.size, head: b.head }});
  localStorage.setItem(seenKey, JSON.stringify(seen));
}}
document.getElementById("heads-download").addEventListener("click", (e) => {{
  const lines = seen.map((s) => "# " + s.poll.replace(/[\r\n]/g, " ") + " — " + s.size + "\n" + s.head);
  e.currentTarget.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], {{ type: "text/plain" }}));
}});
function show(f) {{
  document.getElementById("session").textContent = f.session;
  document.getElementById("expected").textContent = f.expected;
  document.getElementById("present").textContent = f.present;
  document.getElementById("quorum").textContent = f.quorum_met ? W.met : W.not_met;
  const ul = document.getElementById("polls"); ul.replaceChildren();
  for (const [name, state] of f.polls) {{ const li = document.createElement("li"); li.textContent = name + " — " + (W.states[state] || state); ul.append(li); }}
  const turnout = document.getElementById("turnout"); turnout.replaceChildren();
  for (const t of f.turnout) {{ const p = document.createElement("p"); p.className = "turnout"; p.textContent = t.poll + W.sep + W.issued + " " + t.issued + "　" + W.cast + " " + t.cast; turnout.append(p); }}
  const boards = document.getElementById("boards"); boards.replaceChildren();
  for (const b of f.boards) {{
    keep(b);
    const p = document.createElement("p"); p.className = "board";
    const fp = document.createElement("span"); fp.className = "fp"; fp.textContent = b.fingerprint;
    p.append(b.poll + W.sep + W.fp + " ", fp, document.createElement("br"),
      W.head + W.sep + b.size + " " + W.entries + (b.root ? "，" + W.root + " " + b.root + "…" : ""));
    boards.append(p);
  }}
  const results = document.getElementById("results"); results.replaceChildren();
  // The charts are markup the server made, every text in them escaped.
  for (const r of f.results) {{ const s = document.createElement("section"); s.className = "result"; const h = document.createElement("h2"); h.textContent = r.poll; s.append(h); s.insertAdjacentHTML("beforeend", r.charts); results.append(s); }}
}}
const es = new EventSource("/api/sessions/{id}/events");
es.addEventListener("figures", (e) => show(JSON.parse(e.data)));
</script></body></html>"##,
        lang_attr = t("zh-CN", "en"),
        title = escape(&f.session),
        session = escape(&f.session),
        expected_word = t("应到", "Expected"),
        present_word = t("实到", "Present"),
        expected = f.expected,
        present = f.present,
        quorum = if f.quorum_met {
            t("已达到法定人数", "Quorum met")
        } else {
            t("未达到法定人数", "Quorum not met")
        },
        turnout_html = super::public::turnout_html(&f.turnout, lang),
        results_html = super::public::results_html(&f.results),
        issued_word = t("发出选票", "Ballots issued"),
        cast_word = t("收回选票", "Ballots cast"),
        sep = t("：", ": "),
        fp_word = t("选举指纹", "Election fingerprint"),
        head_word = t("票箱树头", "Board tree head"),
        entries_word = t("条", "entries"),
        root_word = t("根", "root"),
        heads_word = t("下载本屏已显示的树头（供核验）", "Download the tree heads this display has shown (to verify)"),
        met = t("已达到法定人数", "Quorum met"),
        not_met = t("未达到法定人数", "Quorum not met"),
        states = crate::lifecycle::words(lang),
    );
    Ok(Html(html).into_response())
}
