//! The booth's pages (served on 127.0.0.1 for a Chromium window in kiosk mode):
//! welcome and scan → one contest per page → review → sealed (tracking code, cast
//! or challenge) → receipt. Plain HTML forms, so a USB scanner (which types and
//! presses Enter), a keyboard alone, or a touchscreen all work; a small script only
//! adds the live over-vote refusal and the camera.
//!
//! One delegate at a time: the booth keeps the visit in memory and forgets it on
//! "done" or on a timeout. A visit may take several credentials, one per open poll
//! of the session (the desk gives one each): the booth forgets each ballot when the
//! next credential is scanned, and keeps for the visit only which polls were cast
//! here and how the delegate wants the pages shown (language, larger text, high
//! contrast).
//!
//! What the booth can honestly say of the delegate's progress: which polls of the
//! session are open (the server says so), and which of them were cast at this booth
//! in this visit. Not which credentials the delegate still holds: a credential is a
//! blind signature on a one-time QR code, linked to nobody, so neither the booth nor
//! the server can tell which polls a delegate has credentials for.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hallvote_tally::Lang;
use hallvote_tally::ballot::PlainBallot;
use hallvote_tally::model::{Contest, ContestKind};
use tokio::sync::Mutex;

use crate::booth::{Booth, BoothError, Receipt, Sealed, Visit};
use crate::templates::render;
use crate::ui::{Display, Frame, assets, qr_svg, refuse_cross_site, secure};
use crate::words::booth::Booth as Words;
use hallvote_protocol::wire::DeskPoll;

/// How long a page waits for the delegate before it forgets everything.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(180);
/// The language every visit starts in.
pub const DEFAULT_LANG: Lang = Lang::ZhCn;

/// The booth process's state.
pub struct BoothApp {
    booth: Booth,
    name: String,
    server_url: String,
    idle: Duration,
    screen: Mutex<Screen>,
}

impl std::fmt::Debug for BoothApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoothApp").field("name", &self.name).finish_non_exhaustive()
    }
}

struct Screen {
    lang: Lang,
    visit: Option<Visit>,
    /// `marks[contest][item]`: the chosen option, if any.
    marks: Vec<Vec<Option<usize>>>,
    sealed: Option<Arc<Sealed>>,
    receipt: Option<Receipt>,
    challenged: Option<(Receipt, PlainBallot)>,
    failure: Option<Failure>,
    /// The session's open polls, in order, as the server said at the last scan.
    open_polls: Vec<DeskPoll>,
    /// The polls cast at this booth in this visit.
    cast_polls: Vec<i64>,
    /// The display switches ([`Display`]).
    large: bool,
    contrast: bool,
    last: Instant,
}

impl Screen {
    fn new(lang: Lang) -> Self {
        Self {
            lang,
            visit: None,
            marks: Vec::new(),
            sealed: None,
            receipt: None,
            challenged: None,
            failure: None,
            open_polls: Vec::new(),
            cast_polls: Vec::new(),
            large: false,
            contrast: false,
            last: Instant::now(),
        }
    }

    /// Whether a delegate is at the booth: a ballot in hand, a poll cast, or the
    /// pages set to their liking. The idle timer then runs, so that none of it is
    /// left for the next delegate.
    fn in_visit(&self) -> bool {
        self.visit.is_some() || !self.cast_polls.is_empty() || self.large || self.contrast || self.lang != DEFAULT_LANG
    }

    /// Forgets the ballot of the last credential, keeping the visit's own state.
    fn forget_ballot(&mut self) {
        self.visit = None;
        self.marks.clear();
        self.sealed = None;
        self.receipt = None;
        self.challenged = None;
        self.failure = None;
    }

    /// "Poll 1 of 4: name": where the ballot in hand stands among the session's
    /// open polls, if the server said which those are.
    fn progress(&self) -> Option<String> {
        let poll = self.visit.as_ref()?.ballot.poll;
        let k = self.open_polls.iter().position(|p| p.id == poll)?;
        Some(Words::of(self.lang).poll_of(k + 1, self.open_polls.len(), &self.open_polls[k].name))
    }
}

impl BoothApp {
    /// A booth app named `name` (shown in the header) for the server at `server_url`.
    pub fn new(booth: Booth, name: &str, server_url: &str, idle: Duration) -> Arc<Self> {
        Arc::new(Self {
            booth,
            name: name.to_owned(),
            server_url: server_url.trim_end_matches('/').to_owned(),
            idle,
            screen: Mutex::new(Screen::new(DEFAULT_LANG)),
        })
    }

    /// The booth's pages.
    pub fn router(self: &Arc<Self>) -> Router {
        let router = Router::new()
            .route("/", get(welcome))
            .route("/scan", post(scan))
            .route("/contest/{c}", get(contest_page).post(contest_post))
            .route("/review", get(review))
            .route("/seal", post(seal))
            .route("/sealed", get(sealed_page))
            .route("/cast", post(cast))
            .route("/challenge", post(challenge))
            .route("/challenged", get(challenged_page))
            .route("/receipt", get(receipt_page))
            .route("/failed", get(failed))
            .route("/done", post(done))
            .route("/timeout", get(timeout))
            .route("/lang/{l}", get(set_lang))
            .route("/mode/{m}", post(set_mode))
            .route("/next", post(next_credential))
            .route("/healthz", get(|| async { "ok" }));
        secure(assets(router)).with_state(Arc::clone(self))
    }

    /// Takes the screen, forgetting the visit if it has been idle too long.
    async fn screen(&self) -> tokio::sync::MutexGuard<'_, Screen> {
        let mut s = self.screen.lock().await;
        if s.in_visit() && s.last.elapsed() > self.idle {
            *s = self.fresh_screen();
        }
        s.last = Instant::now();
        s
    }

    /// The screen for the next delegate: nothing of the last visit, in the booth's
    /// default language (the last delegate's choice is theirs, not the next one's).
    fn fresh_screen(&self) -> Screen {
        self.booth.set_language(DEFAULT_LANG);
        Screen::new(DEFAULT_LANG)
    }

    /// Forgets the visit and goes back to the start, for the next delegate.
    async fn start_over(&self) {
        *self.screen.lock().await = self.fresh_screen();
    }

    /// The frame of a page titled `title`, shown as the visit's switches say; `idle`
    /// sets the idle timer.
    fn frame<'a>(&'a self, s: &Screen, title: &'a str, idle: bool) -> Frame<'a> {
        let w = Words::of(s.lang);
        Frame::new(s.lang, &self.name, title, idle.then_some(self.idle.as_secs())).with_display(Display {
            large: s.large,
            contrast: s.contrast,
            labels: (w.larger_text, w.high_contrast),
        })
    }
}

/// Why the last step failed, kept for the page that says so (`GET /failed`), in
/// both languages so that the language switch works there too.
struct Failure {
    /// The page's title, from the booth's words.
    title: fn(&Words) -> &'static str,
    /// Why: (zh-CN, en).
    words: (String, String),
    /// A button that sends the failed request again.
    retry: Option<&'static str>,
    /// Whether the page's idle timer runs.
    idle: bool,
}

/// Keeps why a step failed and sends the browser to the page that says so, with a
/// big button back to the start; with `retry`, a button to send that request again
/// first. `idle` sets the idle timer. (A page of its own, not the answer to the
/// POST, so that reloading it sends nothing again.)
fn fail(
    s: &mut Screen,
    title: fn(&Words) -> &'static str,
    e: &BoothError,
    retry: Option<&'static str>,
    idle: bool,
) -> Response {
    s.failure = Some(Failure { title, words: e.words(), retry, idle });
    Redirect::to("/failed").into_response()
}

async fn failed(State(app): App) -> Response {
    let s = app.screen().await;
    let Some(f) = &s.failure else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let w = Words::of(lang);
    let error = match lang {
        Lang::ZhCn => &f.words.0,
        Lang::En => &f.words.1,
    };
    render(&FailurePage { frame: app.frame(&s, (f.title)(w), f.idle), w, error, retry: f.retry })
}

type App = State<Arc<BoothApp>>;

fn welcome_page(app: &BoothApp, s: &Screen, error: Option<&str>) -> Response {
    let w = Words::of(s.lang);
    let next = !s.cast_polls.is_empty();
    render(&WelcomePage {
        frame: app.frame(s, w.welcome, s.in_visit()),
        w,
        error,
        hint: if next { w.next_hint } else { w.welcome_hint },
        done: s.in_visit(),
    })
}

async fn welcome(State(app): App) -> Response {
    let s = app.screen().await;
    welcome_page(&app, &s, None)
}

async fn scan(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    let lang = s.lang;
    s.forget_ballot();
    let text = f.get("credential").map(String::as_str).unwrap_or_default();
    match app.booth.begin(text).await {
        Ok(visit) => {
            // Where this poll stands among the session's open ones; without an
            // answer the pages go on without it.
            match app.booth.open_polls_beside(visit.ballot.poll).await {
                Ok(open) => s.open_polls = open,
                Err(e) => tracing::warn!(error = %e, "the session's open polls are not known"),
            }
            s.marks = visit.ballot.manifest.poll.contests.iter().map(|c| vec![None; c.items().len()]).collect();
            s.visit = Some(visit);
            Redirect::to("/contest/0").into_response()
        }
        // What was scanned is not a credential, or the server did not answer: scan
        // again, here.
        Err(e @ (BoothError::Text(_) | BoothError::Unreachable(_))) => {
            let message = e.message(lang);
            welcome_page(&app, &s, Some(&message))
        }
        // The credential cannot vote (spent, not this poll's, the poll not open) or
        // the server cannot be asked: a page that says so, and the way back.
        Err(e) => fail(&mut s, |w| w.cannot_vote, &e, None, true),
    }
}

fn seats(c: &Contest) -> Option<u32> {
    match &c.kind {
        ContestKind::Election(e) => Some(e.seats),
        _ => None,
    }
}

fn for_count(marks: &[Option<usize>]) -> u32 {
    marks.iter().filter(|m| **m == Some(0)).count() as u32
}

fn contest_html(app: &BoothApp, s: &Screen, c: usize, error: Option<&str>) -> Response {
    let Some(visit) = &s.visit else { return Redirect::to("/").into_response() };
    let contests = &visit.ballot.manifest.poll.contests;
    let Some(contest) = contests.get(c) else { return Redirect::to("/review").into_response() };
    let lang = s.lang;
    let w = Words::of(lang);
    let options = contest.options();
    let cap = seats(contest);
    let names = contest.items();
    let items = names
        .iter()
        .enumerate()
        .map(|(index, name)| ItemView {
            index,
            name,
            choices: options
                .iter()
                .enumerate()
                .map(|(value, label)| ChoiceView {
                    value,
                    label: label.get(lang),
                    checked: s.marks[c].get(index).copied().flatten() == Some(value),
                    is_for: cap.is_some() && value == 0,
                })
                .collect(),
        })
        .collect();
    render(&ContestPage {
        frame: app.frame(s, &contest.title, true),
        w,
        error,
        progress: s.progress(),
        hint: w.contest_hint(contest),
        page_of: w.page_of(c + 1, contests.len()),
        c,
        pages: contests.len(),
        counter: cap.map(|seats| Counter { seats, over: w.over_vote(seats, seats + 1), fors: for_count(&s.marks[c]) }),
        items,
    })
}

async fn contest_page(State(app): App, Path(c): Path<usize>) -> Response {
    let s = app.screen().await;
    contest_html(&app, &s, c, None)
}

async fn contest_post(
    State(app): App,
    headers: HeaderMap,
    Path(c): Path<usize>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    let Some(visit) = s.visit.clone() else { return Redirect::to("/").into_response() };
    let contests = &visit.ballot.manifest.poll.contests;
    let Some(contest) = contests.get(c) else { return Redirect::to("/review").into_response() };
    let n_options = contest.options().len();
    let marks: Vec<Option<usize>> = (0..contest.items().len())
        .map(|i| f.get(&format!("i{i}")).and_then(|v| v.parse::<usize>().ok()).filter(|o| *o < n_options))
        .collect();
    s.marks[c] = marks;
    if let Some(seats) = seats(contest) {
        let n = for_count(&s.marks[c]);
        if n > seats {
            let msg = Words::of(s.lang).over_vote(seats, n);
            return contest_html(&app, &s, c, Some(&msg));
        }
    }
    if f.get("go").map(String::as_str) == Some("back") {
        return Redirect::to(&format!("/contest/{}", c.saturating_sub(1))).into_response();
    }
    if c + 1 < contests.len() {
        Redirect::to(&format!("/contest/{}", c + 1)).into_response()
    } else {
        Redirect::to("/review").into_response()
    }
}

/// The marks as the ballot encodes them: an unmarked election or motion item is an
/// abstention (R9), an unmarked evaluation item is ungraded (R16); a confidence item
/// must be marked. `Err(contest index)` names the first contest with an item missing.
fn plain_ballot(contests: &[Contest], marks: &[Vec<Option<usize>>]) -> Result<PlainBallot, usize> {
    let mut out = Vec::with_capacity(contests.len());
    for (c, (contest, cm)) in contests.iter().zip(marks).enumerate() {
        let n = contest.options().len();
        let mut items = Vec::with_capacity(cm.len());
        for m in cm {
            let chosen = match (m, &contest.kind) {
                (Some(o), _) => Some(*o),
                (None, ContestKind::Election(_) | ContestKind::Motion(_)) => Some(n - 1),
                (None, ContestKind::Evaluation(_)) => None,
                (None, ContestKind::Confidence(_)) => return Err(c),
            };
            items.push((0..n).map(|o| u8::from(Some(o) == chosen)).collect());
        }
        out.push(items);
    }
    Ok(PlainBallot::marks(out))
}

/// The marks of `plain` as the pages' tables show them.
fn marks_tables<'a>(lang: Lang, contests: &'a [Contest], plain: &PlainBallot) -> Vec<MarksTable<'a>> {
    let w = Words::of(lang);
    contests
        .iter()
        .zip(&plain.marks)
        .enumerate()
        .map(|(c, (contest, cm))| {
            let options = contest.options();
            let rows = contest
                .items()
                .into_iter()
                .zip(cm)
                .map(|(name, m)| {
                    let chosen = m.iter().position(|x| *x == 1).and_then(|o| options.get(o));
                    MarksRow { name, choice: chosen.map_or(w.not_graded, |t| t.get(lang)).to_owned() }
                })
                .collect();
            MarksTable { contest: c, title: &contest.title, rows }
        })
        .collect()
}

async fn review(State(app): App) -> Response {
    let s = app.screen().await;
    let Some(visit) = &s.visit else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let w = Words::of(lang);
    let contests = &visit.ballot.manifest.poll.contests;
    let plain = match plain_ballot(contests, &s.marks) {
        Ok(p) => p,
        Err(c) => return contest_html(&app, &s, c, Some(w.choose_all)),
    };
    render(&ReviewPage {
        frame: app.frame(&s, w.review_title, true),
        w,
        progress: s.progress(),
        tables: marks_tables(lang, contests, &plain),
        edit: true,
    })
}

async fn seal(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    let Some(visit) = s.visit.clone() else { return Redirect::to("/").into_response() };
    let Ok(plain) = plain_ballot(&visit.ballot.manifest.poll.contests, &s.marks) else {
        return Redirect::to("/review").into_response();
    };
    let app2 = Arc::clone(&app);
    let sealed = tokio::task::spawn_blocking(move || app2.booth.seal(&visit, &plain)).await;
    match sealed {
        Ok(Ok(sealed)) => {
            s.sealed = Some(Arc::new(sealed));
            Redirect::to("/sealed").into_response()
        }
        Ok(Err(e)) => fail(&mut s, |w| w.cannot_encrypt, &e, None, true),
        Err(_) => Redirect::to("/review").into_response(),
    }
}

async fn sealed_page(State(app): App) -> Response {
    let s = app.screen().await;
    let (Some(_), Some(sealed)) = (&s.visit, &s.sealed) else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let w = Words::of(lang);
    render(&SealedPage {
        frame: app.frame(&s, w.sealed_title, true),
        w,
        progress: s.progress(),
        tracking: sealed.tracking.to_string(),
    })
}

async fn cast(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    if s.receipt.is_some() {
        return Redirect::to("/receipt").into_response();
    }
    let (Some(visit), Some(sealed)) = (s.visit.clone(), s.sealed.clone()) else {
        return Redirect::to("/").into_response();
    };
    match app.booth.cast(&visit, &sealed).await {
        Ok(r) => {
            s.receipt = Some(r);
            if !s.cast_polls.contains(&visit.ballot.poll) {
                s.cast_polls.push(visit.ballot.poll);
            }
            Redirect::to("/receipt").into_response()
        }
        Err(e @ BoothError::Unreachable(_)) => fail(&mut s, |w| w.wait_title, &e, Some("/cast"), false),
        Err(e) => fail(&mut s, |w| w.not_cast, &e, None, true),
    }
}

async fn challenge(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    let (Some(visit), Some(sealed)) = (s.visit.clone(), s.sealed.clone()) else {
        return Redirect::to("/").into_response();
    };
    match app.booth.challenge(&visit, &sealed).await {
        Ok(r) => {
            let plain = crate::booth::check_challenged(&visit.ballot, &sealed.bytes, &sealed.opening_bytes());
            s.sealed = None;
            match plain {
                Ok(p) => {
                    s.challenged = Some((r, p));
                    Redirect::to("/challenged").into_response()
                }
                Err(e) => fail(&mut s, |w| w.check_failed, &e, None, false),
            }
        }
        Err(e @ BoothError::Unreachable(_)) => fail(&mut s, |w| w.wait_title, &e, Some("/challenge"), false),
        Err(e) => fail(&mut s, |w| w.cannot_check, &e, None, true),
    }
}

async fn challenged_page(State(app): App) -> Response {
    let s = app.screen().await;
    let (Some(visit), Some((r, plain))) = (&s.visit, &s.challenged) else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let w = Words::of(lang);
    render(&ChallengedPage {
        frame: app.frame(&s, w.challenged_title, true),
        w,
        tables: marks_tables(lang, &visit.ballot.manifest.poll.contests, plain),
        edit: false,
        receipt: r,
        head: w.tree_head(r.tree_size, &r.root),
        qr: receipt_qr(&app, w, visit.ballot.poll, r),
        help_url: format!("{}/help?lang={}", app.server_url, s.lang.code()),
    })
}

/// The receipt's QR code (spec §12.11): the board page's address with the whole
/// receipt, which `hallvote-verify --receipt` and the board page check.
fn receipt_qr(app: &BoothApp, w: &Words, poll: i64, r: &Receipt) -> String {
    let url = format!("{}/polls/{poll}/board?code={}&receipt={}", app.server_url, r.tracking.replace(' ', ""), r.text);
    qr_svg(&url, w.receipt_qr)
}

async fn receipt_page(State(app): App) -> Response {
    let s = app.screen().await;
    let (Some(visit), Some(r)) = (&s.visit, &s.receipt) else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let w = Words::of(lang);
    let polls: Vec<PollRow<'_>> =
        s.open_polls.iter().map(|p| PollRow { name: &p.name, cast_here: s.cast_polls.contains(&p.id) }).collect();
    render(&ReceiptPage {
        frame: app.frame(&s, w.cast_title, true),
        w,
        all_cast: polls.iter().all(|p| p.cast_here),
        polls,
        receipt: r,
        head: w.tree_head(r.tree_size, &r.root),
        qr: receipt_qr(&app, w, visit.ballot.poll, r),
        help_url: format!("{}/help?lang={}", app.server_url, s.lang.code()),
    })
}

async fn done(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    app.start_over().await;
    Redirect::to("/").into_response()
}

/// From a receipt to the scan of the delegate's next credential: the ballot just
/// cast is forgotten, the visit goes on.
async fn next_credential(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    app.screen().await.forget_ballot();
    Redirect::to("/").into_response()
}

/// A display switch pressed (`/mode/large`, `/mode/contrast`): it flips for the
/// rest of the visit.
async fn set_mode(State(app): App, Path(m): Path<String>, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    match m.as_str() {
        "large" => s.large = !s.large,
        "contrast" => s.contrast = !s.contrast,
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    }
    Redirect::to(&back(&headers)).into_response()
}

/// The page a switch was pressed on, if it is one of the booth's pages that can be
/// shown again; else the start.
fn back(headers: &HeaderMap) -> String {
    const PAGES: &[&str] = &["/contest/", "/review", "/sealed", "/challenged", "/receipt", "/failed"];
    headers
        .get(axum::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|p| PAGES.iter().any(|page| p.starts_with(page)))
        .unwrap_or_else(|| "/".to_owned())
}

async fn timeout(State(app): App) -> Redirect {
    app.start_over().await;
    Redirect::to("/")
}

async fn set_lang(State(app): App, Path(l): Path<String>, headers: HeaderMap) -> Redirect {
    let mut s = app.screen().await;
    s.lang = if l == "en" { Lang::En } else { Lang::ZhCn };
    app.booth.set_language(s.lang);
    Redirect::to(&back(&headers))
}

/// The welcome page, with why the last scan failed.
#[derive(Template)]
#[template(path = "booth/welcome.html")]
struct WelcomePage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    error: Option<&'a str>,
    /// How to start, or, between two credentials of a visit, to scan the next.
    hint: &'static str,
    /// The "done" button, while a visit is on.
    done: bool,
}

/// One contest, its items and their options.
#[derive(Template)]
#[template(path = "booth/contest.html")]
struct ContestPage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    error: Option<&'a str>,
    /// [`Screen::progress`].
    progress: Option<String>,
    hint: String,
    /// "Page 2 of 3".
    page_of: String,
    /// The contest's index, from 0, of `pages`.
    c: usize,
    pages: usize,
    counter: Option<Counter>,
    items: Vec<ItemView<'a>>,
}

/// The live count of for-votes of an election.
struct Counter {
    seats: u32,
    /// What the script says when a for-vote would be one too many.
    over: String,
    fors: u32,
}

struct ItemView<'a> {
    index: usize,
    name: &'a str,
    choices: Vec<ChoiceView<'a>>,
}

struct ChoiceView<'a> {
    value: usize,
    label: &'a str,
    checked: bool,
    /// The for-vote of an election's candidate, which the counter counts.
    is_for: bool,
}

/// One of the session's open polls on the receipt page.
struct PollRow<'a> {
    name: &'a str,
    cast_here: bool,
}

/// The marks of one contest (`booth/marks.html`).
struct MarksTable<'a> {
    contest: usize,
    title: &'a str,
    rows: Vec<MarksRow>,
}

struct MarksRow {
    name: String,
    choice: String,
}

#[derive(Template)]
#[template(path = "booth/review.html")]
struct ReviewPage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    /// [`Screen::progress`].
    progress: Option<String>,
    tables: Vec<MarksTable<'a>>,
    /// Each table links back to its contest.
    edit: bool,
}

#[derive(Template)]
#[template(path = "booth/sealed.html")]
struct SealedPage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    /// [`Screen::progress`].
    progress: Option<String>,
    tracking: String,
}

/// Why a step failed, with a button to send it again if that can help.
#[derive(Template)]
#[template(path = "booth/failure.html")]
struct FailurePage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    error: &'a str,
    retry: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "booth/challenged.html")]
struct ChallengedPage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    tables: Vec<MarksTable<'a>>,
    edit: bool,
    receipt: &'a Receipt,
    head: String,
    /// [`receipt_qr`].
    qr: String,
    /// The server's help page for delegates, in the page's language.
    help_url: String,
}

#[derive(Template)]
#[template(path = "booth/receipt.html")]
struct ReceiptPage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    /// The session's open polls, and which were cast here in this visit.
    polls: Vec<PollRow<'a>>,
    /// Every one of them was.
    all_cast: bool,
    receipt: &'a Receipt,
    head: String,
    /// [`receipt_qr`].
    qr: String,
    /// The server's help page for delegates, in the page's language.
    help_url: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use hallvote_tally::model::{Candidate, Election, ElectionKind, Motion};

    use super::*;

    fn contests() -> Vec<Contest> {
        vec![
            Contest {
                id: "c".into(),
                title: "选举".into(),
                kind: ContestKind::Election(Election {
                    kind: ElectionKind::Competitive,
                    by_election: false,
                    seats: 1,
                    candidates: vec![Candidate::new("王芳"), Candidate::new("李娜")],
                }),
            },
            Contest {
                id: "m".into(),
                title: "表决".into(),
                kind: ContestKind::Motion(Motion { items: vec!["工作报告".into()], rule: None }),
            },
        ]
    }

    #[test]
    fn unmarked_items_abstain_and_marks_are_kept() {
        let p = plain_ballot(&contests(), &[vec![Some(0), None], vec![Some(1)]]).unwrap();
        assert_eq!(p.marks, vec![vec![vec![1, 0, 0], vec![0, 0, 1]], vec![vec![0, 1, 0]]]);
    }
}
