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

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hallvote_tally::Lang;
use hallvote_tally::ballot::{BallotShape, ContestShape, PlainBallot, ShapeError};
use hallvote_tally::model::{Contest, ContestKind};
use tokio::sync::Mutex;

use crate::booth::{Booth, BoothError, Receipt, Sealed, Visit};
use crate::eligible::{self, Person};
use crate::templates::{ScriptJson, render};
use crate::ui::{Display, Frame, assets, qr_svg, refuse_cross_site, secure};
use crate::words::booth::Booth as Words;
use hallvote_protocol::wire::{DeskPoll, MemberReport};

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
    /// `write_ins[contest]`: item → the name written in that row (另选他人, R9), in
    /// its one form once the contest's page was accepted.
    write_ins: Vec<BTreeMap<usize, String>>,
    /// The eligible list of the ballot's congress, for the write-in search.
    eligible: Arc<Vec<Person>>,
    /// The poll's 述职 summaries (spec §14.16), in ballot order.
    reports: Arc<Vec<MemberReport>>,
    /// `reports_read[contest]`: the delegate has moved on past the contest's summaries.
    reports_read: Vec<bool>,
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
            write_ins: Vec::new(),
            eligible: Arc::new(Vec::new()),
            reports: Arc::new(Vec::new()),
            reports_read: Vec::new(),
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
        self.write_ins.clear();
        self.eligible = Arc::new(Vec::new());
        self.reports = Arc::new(Vec::new());
        self.reports_read.clear();
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
            .route("/report/{c}/{k}", get(report_page).post(report_post))
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
            s.write_ins = vec![BTreeMap::new(); s.marks.len()];
            // The list to pick written-in names from, if a contest takes them; without
            // it a name can still be written in full.
            if visit.ballot.shape.contests.iter().any(|c| c.write_in.is_some()) {
                match app.booth.eligible(visit.ballot.poll).await {
                    Ok(list) => s.eligible = list,
                    Err(e) => tracing::warn!(error = %e, "the eligible list is not known"),
                }
            }
            // The members' 述职 summaries, shown before their marks; without an answer
            // the ballot goes on without them (they are public on the server).
            s.reports_read = vec![false; s.marks.len()];
            let reported = |c: &Contest| {
                matches!(c.kind, ContestKind::Confidence(_) | ContestKind::Evaluation(_) | ContestKind::Recall(_))
            };
            if visit.ballot.manifest.poll.contests.iter().any(reported) {
                match app.booth.reports(visit.ballot.poll).await {
                    Ok(list) => s.reports = list,
                    Err(e) => tracing::warn!(error = %e, "the members' summaries are not known"),
                }
            }
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
    let rule = visit.ballot.shape.contests.get(c).and_then(|shape| shape.write_in);
    let against = rule.map(|r| usize::from(r.against));
    let written = s.write_ins.get(c);
    let names = contest.items();
    let items = names
        .iter()
        .enumerate()
        .map(|(index, name)| ItemView {
            index,
            name,
            write_in: against.map(|against| WriteInView {
                value: written.and_then(|w| w.get(&index)).cloned().unwrap_or_default(),
                // Shown while the row is marked against, and where a name was sent
                // without the mark, so that the delegate sees what was refused.
                shown: s.marks[c].get(index).copied().flatten() == Some(against)
                    || written.is_some_and(|w| w.contains_key(&index)),
            }),
            choices: options
                .iter()
                .enumerate()
                .map(|(value, label)| ChoiceView {
                    value,
                    label: label.get(lang),
                    checked: s.marks[c].get(index).copied().flatten() == Some(value),
                    is_for: cap.is_some() && value == 0,
                    is_against: against == Some(value),
                })
                .collect(),
        })
        .collect();
    render(&ContestPage {
        frame: app.frame(s, &contest.title, true),
        w,
        error,
        progress: s.progress(),
        hint: match (rule, cap) {
            (Some(_), Some(seats)) => format!("{} {}", w.contest_hint(contest), w.write_in_rule(seats)),
            _ => w.contest_hint(contest),
        },
        page_of: w.page_of(c + 1, contests.len()),
        c,
        pages: contests.len(),
        counter: cap.map(|seats| Counter {
            seats,
            over: w.over_vote(seats, seats + 1),
            over_write_in: w.over_write_in(seats),
            label: if rule.is_some() { w.fors_and_write_ins } else { w.fors },
            fors: for_count(&s.marks[c]) + written.map_or(0, |w| w.len() as u32),
        }),
        items,
        // The list the write-in fields search, in the page's data block.
        eligible: rule.map(|_| ScriptJson::of(&*s.eligible)),
    })
}

async fn contest_page(State(app): App, Path(c): Path<usize>) -> Response {
    let s = app.screen().await;
    // The members' summaries come first, until the delegate has moved on past them.
    if !s.reports_read.get(c).copied().unwrap_or(true) && !reports_of(&s, c).is_empty() {
        return Redirect::to(&format!("/report/{c}/0")).into_response();
    }
    contest_html(&app, &s, c, None)
}

/// The summaries of contest `c` of the ballot in hand, in ballot order.
fn reports_of(s: &Screen, c: usize) -> Vec<&MemberReport> {
    let Some(contest) = s.visit.as_ref().and_then(|v| v.ballot.manifest.poll.contests.get(c)) else {
        return Vec::new();
    };
    s.reports.iter().filter(|r| r.contest == contest.id).collect()
}

/// Summary `k` of contest `c`: the member's name, the text in paragraphs, one button.
async fn report_page(State(app): App, Path((c, k)): Path<(usize, usize)>) -> Response {
    let s = app.screen().await;
    let reports = reports_of(&s, c);
    let Some(r) = reports.get(k) else { return Redirect::to(&format!("/contest/{c}")).into_response() };
    let w = Words::of(s.lang);
    let title = w.report_title.replace("{name}", &r.member);
    render(&ReportPage {
        frame: app.frame(&s, &title, true),
        w,
        progress: s.progress(),
        title: &title,
        paragraphs: r.text.split('\n').collect(),
        step: format!("{} / {}", k + 1, reports.len()),
        c,
        k,
    })
}

/// Moves on from summary `k` of contest `c`: to the next summary, or to the marks.
async fn report_post(State(app): App, headers: HeaderMap, Path((c, k)): Path<(usize, usize)>) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    if k + 1 < reports_of(&s, c).len() {
        return Redirect::to(&format!("/report/{c}/{}", k + 1)).into_response();
    }
    if let Some(read) = s.reports_read.get_mut(c) {
        *read = true;
    }
    Redirect::to(&format!("/contest/{c}")).into_response()
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
    // The names written in, as typed: kept for the page if it is refused.
    let shape = visit.ballot.shape.contests.get(c);
    let typed: BTreeMap<usize, String> = (0..contest.items().len())
        .filter_map(|i| Some((i, f.get(&format!("w{i}"))?.trim().to_owned())))
        .filter(|(_, name)| !name.is_empty())
        .collect();
    s.write_ins[c] = if shape.is_some_and(|x| x.write_in.is_some()) { typed } else { BTreeMap::new() };
    if let Some(seats) = seats(contest) {
        let n = for_count(&s.marks[c]);
        if n > seats {
            let msg = Words::of(s.lang).over_vote(seats, n);
            return contest_html(&app, &s, c, Some(&msg));
        }
    }
    if let Some(shape) = shape {
        match check_contest(s.lang, c, contest, shape, &s.marks[c], &s.write_ins[c], &s.eligible) {
            Ok(names) => s.write_ins[c] = names,
            Err(msg) => return contest_html(&app, &s, c, Some(&msg)),
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

/// One contest's marks as the ballot encodes them: an unmarked election or motion
/// item is an abstention (R9), an unmarked evaluation item is ungraded (R16); a
/// confidence item must be marked (`None` if one is not).
fn contest_marks(contest: &Contest, cm: &[Option<usize>]) -> Option<Vec<Vec<u8>>> {
    let n = contest.options().len();
    let mut items = Vec::with_capacity(cm.len());
    for m in cm {
        let chosen = match (m, &contest.kind) {
            (Some(o), _) => Some(*o),
            (None, ContestKind::Election(_) | ContestKind::Motion(_) | ContestKind::Recall(_)) => Some(n - 1),
            (None, ContestKind::Evaluation(_)) => None,
            (None, ContestKind::Confidence(_)) => return None,
        };
        items.push((0..n).map(|o| u8::from(Some(o) == chosen)).collect());
    }
    Some(items)
}

/// The marks and the names written in as the ballot carries them ([`contest_marks`];
/// `write_ins[contest]` keyed by item). `Err(contest index)` names the first contest
/// with an item missing.
fn plain_ballot(
    contests: &[Contest],
    marks: &[Vec<Option<usize>>],
    write_ins: &[BTreeMap<usize, String>],
) -> Result<PlainBallot, usize> {
    let mut out = Vec::with_capacity(contests.len());
    for (c, (contest, cm)) in contests.iter().zip(marks).enumerate() {
        out.push(contest_marks(contest, cm).ok_or(c)?);
    }
    let written = write_ins
        .iter()
        .enumerate()
        .flat_map(|(c, names)| names.iter().map(move |(i, name)| ((c, *i), name.clone())))
        .collect();
    Ok(PlainBallot { marks: out, write_ins: written })
}

/// Checks one contest's page as the form sent it: each name written in is taken in
/// its one form, within what the ballot holds ([`eligible::write_in`]), and the
/// marks with the names meet the ballot's rules ([`PlainBallot::check`]: a write-in
/// only in a row marked against, R9; for-votes and write-ins within the seats, R10).
/// The names in their one form, or what is wrong, in `lang`.
fn check_contest(
    lang: Lang,
    c: usize,
    contest: &Contest,
    shape: &ContestShape,
    cm: &[Option<usize>],
    typed: &BTreeMap<usize, String>,
    people: &[Person],
) -> Result<BTreeMap<usize, String>, String> {
    let items = contest.items();
    let mut names = BTreeMap::new();
    for (&i, name) in typed {
        let candidate = items.get(i).map(String::as_str).unwrap_or_default();
        let normal = eligible::write_in(name, people).map_err(|p| p.text(candidate, name).get(lang).to_owned())?;
        names.insert(i, normal);
    }
    // An unmarked confidence item is asked for at the review, not here.
    let Some(marks) = contest_marks(contest, cm) else { return Ok(names) };
    let plain =
        PlainBallot { marks: vec![marks], write_ins: names.iter().map(|(i, n)| ((0, *i), n.clone())).collect() };
    let one = BallotShape { contests: vec![shape.clone()] };
    plain.check(&one).map_err(|e| in_contest(e, c).text().get(lang).to_owned())?;
    Ok(names)
}

/// A refusal of a one-contest check, told of contest `c` of the ballot.
fn in_contest(e: ShapeError, c: usize) -> ShapeError {
    match e {
        ShapeError::WriteInWithoutAgainst { item, .. } => ShapeError::WriteInWithoutAgainst { contest: c, item },
        ShapeError::OverVote { marks, max, .. } => ShapeError::OverVote { contest: c, marks, max },
        ShapeError::ItemMarks { item, marks, min, max, .. } => {
            ShapeError::ItemMarks { contest: c, item, marks, min, max }
        }
        other => other,
    }
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
                .enumerate()
                .map(|(i, (name, m))| {
                    let chosen = m.iter().position(|x| *x == 1).and_then(|o| options.get(o));
                    MarksRow {
                        name,
                        choice: chosen.map_or(w.not_graded, |t| t.get(lang)).to_owned(),
                        write_in: plain.write_ins.get(&(c, i)).cloned(),
                    }
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
    let plain = match plain_ballot(contests, &s.marks, &s.write_ins) {
        Ok(p) => p,
        Err(c) => return contest_html(&app, &s, c, Some(w.choose_all)),
    };
    // The whole ballot against its rules (R9, R10), as the encryption will check it.
    if let Err(e) = plain.check(&visit.ballot.shape) {
        let c = match e {
            ShapeError::WriteInWithoutAgainst { contest, .. } | ShapeError::OverVote { contest, .. } => contest,
            _ => 0,
        };
        return contest_html(&app, &s, c, Some(e.text().get(lang)));
    }
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
    let Ok(plain) = plain_ballot(&visit.ballot.manifest.poll.contests, &s.marks, &s.write_ins) else {
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

/// A member's 述职 summary before the marks (`booth/report.html`).
#[derive(Template)]
#[template(path = "booth/report.html")]
struct ReportPage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    /// [`Screen::progress`].
    progress: Option<String>,
    title: &'a str,
    paragraphs: Vec<&'a str>,
    /// "1 / 3": which summary of the contest's.
    step: String,
    c: usize,
    k: usize,
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
    /// The eligible list, for the write-in search, if the contest takes write-ins.
    eligible: Option<ScriptJson>,
}

/// The live count of for-votes of an election.
struct Counter {
    seats: u32,
    /// What the script says when a for-vote would be one too many.
    over: String,
    /// What the script says when a write-in would be one too many.
    over_write_in: String,
    /// Before the count.
    label: &'static str,
    /// For-votes, and write-ins where the contest takes them.
    fors: u32,
}

/// The write-in field of an election's row (另选他人).
struct WriteInView {
    /// The name written in, if any.
    value: String,
    /// Whether the row is marked against, so the field is shown.
    shown: bool,
}

struct ItemView<'a> {
    index: usize,
    name: &'a str,
    /// The row's write-in field, where the contest takes write-ins.
    write_in: Option<WriteInView>,
    choices: Vec<ChoiceView<'a>>,
}

struct ChoiceView<'a> {
    value: usize,
    label: &'a str,
    checked: bool,
    /// The for-vote of an election's candidate, which the counter counts.
    is_for: bool,
    /// The against mark of a row that may carry a write-in.
    is_against: bool,
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
    /// The name written in that row (另选他人).
    write_in: Option<String>,
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
                    write_ins: false,
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

    fn election_shape() -> ContestShape {
        ContestShape {
            items: vec![hallvote_tally::ballot::ItemShape::one_of(3); 2],
            cap: Some(hallvote_tally::ballot::Cap { option: 0, max: 1 }),
            write_in: Some(hallvote_tally::ballot::WriteInRule { against: 1 }),
        }
    }

    fn people() -> Vec<Person> {
        eligible::ordered(vec![hallvote_protocol::wire::EligiblePerson {
            seq: "1".into(),
            name: "张三".into(),
            gender: String::new(),
            unit: "青山村".into(),
        }])
    }

    fn typed(rows: &[(usize, &str)]) -> BTreeMap<usize, String> {
        rows.iter().map(|(i, n)| (*i, (*n).to_owned())).collect()
    }

    /// The form's write-ins become the ballot's, in their one form, keyed by contest
    /// and row; the marks beside them are unchanged.
    #[test]
    fn the_form_maps_to_marks_and_write_ins() {
        let contests = contests();
        let shape = election_shape();
        let names = check_contest(
            Lang::ZhCn,
            0,
            &contests[0],
            &shape,
            &[None, Some(1)],
            &typed(&[(1, " \u{2F08}明 ")]),
            &people(),
        )
        .unwrap();
        assert_eq!(names, typed(&[(1, "人明")]), "trimmed, and the radical folded as the roster folds it");
        let p = plain_ballot(&contests, &[vec![None, Some(1)], vec![Some(0)]], &[names, BTreeMap::new()]).unwrap();
        assert_eq!(p.marks, vec![vec![vec![0, 0, 1], vec![0, 1, 0]], vec![vec![1, 0, 0]]]);
        assert_eq!(p.write_ins, [((0, 1), "人明".to_owned())].into_iter().collect());
        let shape = BallotShape {
            contests: vec![
                shape,
                ContestShape { items: vec![hallvote_tally::ballot::ItemShape::one_of(3)], cap: None, write_in: None },
            ],
        };
        p.check(&shape).unwrap();
    }

    /// R9 and R10 refused on the page as `check` refuses them, in the delegate's
    /// language, naming the contest of the ballot (the second here) and the row.
    #[test]
    fn write_ins_the_rules_forbid_are_refused_in_the_delegates_language() {
        let contests = contests();
        let shape = election_shape();
        let refuse = |lang: Lang, marks: &[Option<usize>], rows: &[(usize, &str)]| {
            check_contest(lang, 1, &contests[0], &shape, marks, &typed(rows), &people()).unwrap_err()
        };
        // A write-in in a row marked for, or left unmarked (an abstention).
        let e = refuse(Lang::ZhCn, &[Some(0), None], &[(1, "张三")]);
        assert_eq!(e, "第 2 个事项第 2 项：另选他人须先在该候选人下投不赞成票");
        let e = refuse(Lang::En, &[Some(0), Some(0)], &[(0, "张三")]);
        assert_eq!(e, "contest 2, item 1: a write-in needs the against mark in its row");
        // One seat: a for-vote and a write-in are one too many, and so are two write-ins.
        let e = refuse(Lang::ZhCn, &[Some(0), Some(1)], &[(1, "张三")]);
        assert_eq!(e, "第 2 个事项：赞成和另选他人共 2 人，超过应选名额 1 名");
        let e = refuse(Lang::En, &[Some(1), Some(1)], &[(0, "张三"), (1, "李四")]);
        assert_eq!(e, "contest 2: 2 for-votes and write-ins, only 1 seats");
        // A name the roster would refuse, one longer than the ballot holds, and a
        // search left as initials.
        let e = refuse(Lang::ZhCn, &[None, Some(1)], &[(1, "李\u{200B}四")]);
        assert!(e.starts_with("“李娜”一行另选的姓名"), "{e}");
        let long = "𠮷".repeat(23);
        let e = refuse(Lang::En, &[None, Some(1)], &[(1, &long)]);
        assert!(e.contains("too long (92 bytes)") && e.contains("at most 89 bytes"), "{e}");
        let e = refuse(Lang::ZhCn, &[None, Some(1)], &[(1, "zs")]);
        assert!(e.contains("“zs”是拼音首字母"), "{e}");
        // Within the rules: one write-in in a row marked against, 𠮷 and the dot kept.
        let ok = check_contest(
            Lang::ZhCn,
            1,
            &contests[0],
            &shape,
            &[Some(2), Some(1)],
            &typed(&[(1, "𠮷·阿依古丽")]),
            &people(),
        );
        assert_eq!(ok.unwrap(), typed(&[(1, "𠮷·阿依古丽")]));
    }

    /// The review and challenge pages' tables show each name under its row's mark.
    #[test]
    fn the_marks_tables_show_the_names_written_in() {
        let contests = contests();
        let written = [typed(&[(1, "𠮷·阿依古丽")]), BTreeMap::new()];
        let p = plain_ballot(&contests, &[vec![Some(0), Some(1)], vec![None]], &written).unwrap();
        let tables = marks_tables(Lang::ZhCn, &contests, &p);
        let rows: Vec<(&str, &str, Option<&str>)> =
            tables[0].rows.iter().map(|r| (r.name.as_str(), r.choice.as_str(), r.write_in.as_deref())).collect();
        assert_eq!(rows, [("王芳", "赞成", None), ("李娜", "不赞成", Some("𠮷·阿依古丽"))]);
        assert!(tables[1].rows.iter().all(|r| r.write_in.is_none()));
        let page = ReviewPage {
            frame: Frame::new(Lang::ZhCn, "投票机1", "核对选票", None),
            w: Words::of(Lang::ZhCn),
            progress: None,
            tables,
            edit: true,
        }
        .render()
        .unwrap();
        assert!(page.contains("另选他人：<strong>𠮷·阿依古丽</strong>"), "{page}");
    }

    #[test]
    fn unmarked_items_abstain_and_marks_are_kept() {
        let p = plain_ballot(&contests(), &[vec![Some(0), None], vec![Some(1)]], &[]).unwrap();
        assert_eq!(p.marks, vec![vec![vec![1, 0, 0], vec![0, 0, 1]], vec![vec![0, 1, 0]]]);
    }
}
