//! The desk's pages (报到处): scan a delegate card → who it is, their delegation and
//! status → checked in → one ballot credential for each open poll, shown as a QR
//! code to print (80 mm receipt printer or A6 card) or to show on screen.
//!
//! The desk keeps the credentials of the delegate in front of it only until the next
//! scan, "done" or a timeout; it never writes them anywhere.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hallvote_protocol::lifecycle::PollState;
use hallvote_protocol::wire::{ProposalState, ReplyEvaluation};
use hallvote_tally::Lang;
use tokio::sync::Mutex;

use crate::booth::BoothError;
use crate::credential_text::{CredentialText, grouped};
use crate::desk::{CardScan, Delegate, Desk, DeskSession, Replace};
use crate::templates;
use crate::ui::{Frame, assets, qr_svg, refuse_cross_site, secure};
use crate::words::desk::Desk as Words;

/// How long the desk shows a delegate's credentials before it forgets them.
pub const DESK_IDLE: Duration = Duration::from_secs(120);

/// The desk process's state.
pub struct DeskApp {
    desk: Desk,
    name: String,
    screen: Mutex<DeskScreen>,
}

impl std::fmt::Debug for DeskApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskApp").field("name", &self.name).finish_non_exhaustive()
    }
}

/// One credential handed out, or why not.
struct Issued {
    poll: String,
    outcome: Result<String, String>,
}

struct DeskScreen {
    lang: Lang,
    session: Option<i64>,
    delegate: Option<Delegate>,
    /// What a replacement did (spec §6.7), shown above its new credential.
    replaced: Option<String>,
    issued: Vec<Issued>,
    last: Instant,
}

impl DeskScreen {
    /// Forgets the delegate in front of the desk and their credentials.
    fn clear(&mut self) {
        self.delegate = None;
        self.replaced = None;
        self.issued.clear();
    }
}

impl DeskApp {
    /// A desk app named `name`.
    pub fn new(desk: Desk, name: &str) -> Arc<Self> {
        Arc::new(Self {
            desk,
            name: name.to_owned(),
            screen: Mutex::new(DeskScreen {
                lang: Lang::ZhCn,
                session: None,
                delegate: None,
                replaced: None,
                issued: Vec::new(),
                last: Instant::now(),
            }),
        })
    }

    /// The desk's pages.
    pub fn router(self: &Arc<Self>) -> Router {
        let router = Router::new()
            .route("/", get(home))
            .route("/session", post(choose_session))
            .route("/scan", post(scan))
            .route("/depart", post(depart))
            .route("/attendee", post(attendee))
            .route("/replace", post(replace))
            .route("/cosign", post(cosign))
            .route("/evaluate", post(evaluate))
            .route("/draft", post(draft))
            .route("/print/{n}/{size}", get(print))
            .route("/credential/{n}", get(credential_png))
            .route("/done", post(done))
            .route("/timeout", get(done_get))
            .route("/lang/{l}", get(set_lang))
            .route("/healthz", get(|| async { "ok" }));
        secure(assets(router)).with_state(Arc::clone(self))
    }

    async fn screen(&self) -> tokio::sync::MutexGuard<'_, DeskScreen> {
        let mut s = self.screen.lock().await;
        if (s.delegate.is_some() || s.replaced.is_some()) && s.last.elapsed() > DESK_IDLE {
            s.clear();
        }
        s.last = Instant::now();
        s
    }
}

type App = State<Arc<DeskApp>>;

fn say(lang: Lang, e: &BoothError) -> String {
    e.message(lang)
}

async fn render(app: &DeskApp, s: &DeskScreen, error: Option<&str>) -> Response {
    render_with(app, s, error, None).await
}

/// The desk page, with an error or a notice (a departure recorded) at the top.
async fn render_with(app: &DeskApp, s: &DeskScreen, error: Option<&str>, notice: Option<&str>) -> Response {
    let lang = s.lang;
    let w = Words::of(lang);
    let sessions = match app.desk.sessions().await {
        Ok(v) => v,
        Err(e) => {
            let frame = Frame::new(lang, &app.name, w.title, Some(30));
            return templates::render(&FailurePage { frame, error: &say(lang, &e) });
        }
    };
    let current = s.session.or_else(|| sessions.first().map(|x| x.id));
    // Present and quorum beside the scan; the desk works on without them.
    let attendance = match current {
        Some(id) => app.desk.attendance(id).await.ok(),
        None => None,
    };
    let session = sessions.iter().find(|x| Some(x.id) == current).map(|cur| SessionView {
        attendance: attendance
            .as_ref()
            .map(|a| Attendance { text: w.attendance(a.present, a.expected, a.quorum_met), quorum_met: a.quorum_met }),
        congress: &cur.congress,
        when: w.session_when(cur.number, &cur.date),
        open: cur
            .polls
            .iter()
            .filter(|p| p.state == PollState::Open)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    });
    let choices = if sessions.len() > 1 {
        sessions
            .iter()
            .map(|x| SessionChoice {
                id: x.id,
                congress: &x.congress,
                number: x.number,
                selected: Some(x.id) == current,
            })
            .collect()
    } else {
        Vec::new()
    };
    let delegate = s.delegate.as_ref().map(|d| DelegateView {
        name: &d.name,
        group: &d.group,
        card: &d.card,
        status: w.status(d.status),
    });
    let issued = s
        .issued
        .iter()
        .enumerate()
        .map(|(n, i)| IssuedView {
            n,
            poll: &i.poll,
            outcome: i.outcome.as_ref().map(|text| qr_svg(text, w.credential_qr)).map_err(String::as_str),
        })
        .collect();
    let open_polls = sessions
        .iter()
        .find(|x| Some(x.id) == current)
        .map(|cur| {
            cur.polls
                .iter()
                .filter(|p| p.state == PollState::Open)
                .map(|p| OpenPoll { id: p.id, name: &p.name })
                .collect()
        })
        .unwrap_or_default();
    let showing = s.delegate.is_some() || s.replaced.is_some();
    let idle = showing.then_some(DESK_IDLE.as_secs());
    // The proposals collecting co-signers, if any (the desk works on without them).
    let proposals = match current {
        Some(id) => app.desk.proposals(id).await.unwrap_or_default(),
        None => Vec::new(),
    }
    .into_iter()
    .map(|p| (p.id, w.proposal(p.number, &p.title, p.cosigners.len(), p.needed)))
    .collect();
    // The replies awaiting their lead delegate's evaluation, each with its latest reply.
    let replied = match current {
        Some(id) => app.desk.awaiting_evaluation(id).await.unwrap_or_default(),
        None => Vec::new(),
    }
    .into_iter()
    .map(|p| RepliedView {
        id: p.id,
        label: w.replied(p.number, &p.title, &p.lead.name),
        reply: p.history.iter().rev().find(|e| e.action == "reply").map(|e| e.text.clone()).unwrap_or_default(),
    })
    .collect();
    let evaluations = ReplyEvaluation::ALL.iter().map(|&e| (e.as_str(), w.evaluation(e))).collect();
    templates::render(&HomePage {
        frame: Frame::new(lang, &app.name, w.title, idle),
        w,
        error,
        notice,
        session,
        sessions: choices,
        delegate,
        replaced: s.replaced.as_deref(),
        showing,
        printable: s.issued.iter().filter(|i| i.outcome.is_ok()).count(),
        issued,
        open_polls,
        proposals,
        replied,
        evaluations,
    })
}

async fn home(State(app): App) -> Response {
    let s = app.screen().await;
    render(&app, &s, None).await
}

async fn choose_session(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    s.session = f.get("session").and_then(|v| v.parse().ok());
    s.clear();
    Redirect::to("/").into_response()
}

async fn scan(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (mut s, session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let card = CardScan::from_input(f.get("card").map(String::as_str).unwrap_or_default());
    let delegate = match app.desk.check_in(session.id, &card, true).await {
        Ok(d) => d,
        Err(e) => return render(&app, &s, Some(&say(lang, &e))).await,
    };
    let open: Vec<_> = session.polls.iter().filter(|p| p.state == PollState::Open).cloned().collect();
    for p in &open {
        let outcome = app.desk.issue(p.id, &card).await.map(|(_, text)| text).map_err(|e| say(lang, &e));
        s.issued.push(Issued { poll: p.name.clone(), outcome });
    }
    s.delegate = Some(delegate);
    let none_open = open.is_empty();
    if none_open {
        return render(&app, &s, Some(Words::of(lang).no_poll_open)).await;
    }
    render(&app, &s, None).await
}

/// What every scan form does first: refuse a cross-site post, clear the last
/// delegate from the screen, and find the session this desk works for (the one chosen
/// on the page, else the first the server lists); or the page saying why it cannot.
async fn begin_scan<'a>(
    app: &'a DeskApp,
    headers: &HeaderMap,
) -> Result<(tokio::sync::MutexGuard<'a, DeskScreen>, DeskSession), Response> {
    if let Some(r) = refuse_cross_site(headers) {
        return Err(r);
    }
    let mut s = app.screen().await;
    s.clear();
    let lang = s.lang;
    let sessions = match app.desk.sessions().await {
        Ok(v) => v,
        Err(e) => return Err(render(app, &s, Some(&say(lang, &e))).await),
    };
    let chosen = s.session.and_then(|id| sessions.iter().find(|x| x.id == id)).or_else(|| sessions.first()).cloned();
    match chosen {
        Some(session) => Ok((s, session)),
        None => Err(render(app, &s, Some(Words::of(lang).no_session)).await),
    }
}

/// Records that a delegate left the hall. Credentials already issued stay valid.
async fn depart(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (s, session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let card = CardScan::from_input(f.get("card").map(String::as_str).unwrap_or_default());
    match app.desk.check_in(session.id, &card, false).await {
        Ok(d) => {
            let msg = Words::of(lang).departure(d.status, &d.name, &d.card);
            render_with(&app, &s, None, Some(&msg)).await
        }
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// Checks in a 列席 or 旁听 attendee: the server's answer (who, and no ballot) is the
/// notice; nothing is issued.
async fn attendee(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (s, session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let query = f.get("attendee").map(String::as_str).unwrap_or_default();
    match app.desk.attendee_check_in(session.id, query).await {
        Ok(answer) => render_with(&app, &s, None, Some(&answer.message)).await,
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// Replaces a delegate's credential (换发, spec §6.7). `reason` is `damaged`: the slip
/// handed back is scanned (`slip`), its poll is the slip's, and the server cancels it
/// on the board; or `lost`: the poll is chosen (`poll`) and a scrutineer types their
/// account and password (`approver`, `approver_password`). The new credential is shown
/// and printed like an issued one.
async fn replace(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (mut s, session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let w = Words::of(lang);
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    let card = CardScan::from_input(field("replace_card"));
    let open = |id: i64| session.polls.iter().find(|p| p.id == id && p.state == PollState::Open);
    let (poll, why) = if field("reason") == "lost" {
        let Some(poll) = field("poll").parse().ok().and_then(open) else {
            return render(&app, &s, Some(w.replace_no_poll)).await;
        };
        let why =
            Replace::Lost { username: field("approver").to_owned(), password: field("approver_password").to_owned() };
        (poll, why)
    } else {
        let Ok(slip) = CredentialText::decode(field("slip")) else {
            return render(&app, &s, Some(w.replace_slip_unreadable)).await;
        };
        let Some(poll) = open(slip.poll) else {
            return render(&app, &s, Some(w.replace_no_poll)).await;
        };
        (poll, Replace::Damaged(slip.credential))
    };
    let lost = matches!(why, Replace::Lost { .. });
    match app.desk.replace(poll.id, &card, why).await {
        Ok((name, text)) => {
            s.replaced = Some(w.replaced(&name, &poll.name, lost));
            s.issued.push(Issued { poll: poll.name.clone(), outcome: Ok(text) });
            render(&app, &s, None).await
        }
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// The lead delegate drafts a proposal by their card; the draft then collects
/// co-signers here.
async fn draft(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (s, session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let field = |name: &str| f.get(name).map(String::as_str).unwrap_or_default();
    let lead = CardScan::from_input(field("lead"));
    match app.desk.draft(session.id, &lead, [field("title"), field("reasons"), field("measures")]).await {
        Ok(p) => render_with(&app, &s, None, Some(&Words::of(lang).drafted(p.number, &p.lead.name))).await,
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// A delegate co-signs a proposal by their card (附议): the server's answer is the notice.
async fn cosign(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (s, session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let Some(proposal) = f.get("proposal").and_then(|v| v.parse::<i64>().ok()) else {
        return render(&app, &s, Some(Words::of(lang).cosign_proposal)).await;
    };
    let card = CardScan::from_input(f.get("cosigner").map(String::as_str).unwrap_or_default());
    let number = match app.desk.proposals(session.id).await {
        Ok(list) => list.iter().find(|p| p.id == proposal).map_or(proposal, |p| p.number),
        Err(_) => proposal,
    };
    match app.desk.cosign(proposal, &card).await {
        Ok(a) => {
            let msg = Words::of(lang).cosigned(&a.delegate.name, number, a.newly, a.count, a.needed);
            render_with(&app, &s, None, Some(&msg)).await
        }
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// The lead delegate evaluates the reply to their proposal by their own card: the
/// server checks the card is the proposal's lead delegate's, and its answer (or its
/// refusal) is the notice.
async fn evaluate(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let (s, _session) = match begin_scan(&app, &headers).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = s.lang;
    let w = Words::of(lang);
    let Some(proposal) = f.get("proposal").and_then(|v| v.parse::<i64>().ok()) else {
        return render(&app, &s, Some(w.evaluate_proposal)).await;
    };
    let Some(evaluation) = f.get("evaluation").and_then(|v| ReplyEvaluation::parse(v)) else {
        return render(&app, &s, Some(w.evaluate_missing)).await;
    };
    let card = CardScan::from_input(f.get("evaluator").map(String::as_str).unwrap_or_default());
    let comment = f.get("comment").map(String::as_str).unwrap_or_default();
    match app.desk.evaluate(proposal, &card, evaluation, comment).await {
        Ok(p) => {
            let again = p.state == ProposalState::ReplyAgain;
            let msg = w.evaluated(p.number, &p.lead.name, evaluation, again);
            render_with(&app, &s, None, Some(&msg)).await
        }
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// Credentials sized for printing, on an 80 mm receipt roll or A6 cards: `n` is one
/// credential's number, or `all` for every credential the delegate was issued, each
/// on a page (a slip, a card) of its own.
async fn print(State(app): App, Path((n, size)): Path<(String, String)>) -> Response {
    let s = app.screen().await;
    let lang = s.lang;
    let w = Words::of(lang);
    // The page's size and the code's, in a style sheet of its own (no inline style).
    let sheet = match size.as_str() {
        "80mm" => "/assets/print-80mm.css",
        "a6" => "/assets/print-a6.css",
        _ => return (StatusCode::NOT_FOUND, "80mm | a6").into_response(),
    };
    let chosen: Vec<&Issued> = match n.as_str() {
        "all" => s.issued.iter().collect(),
        n => n.parse::<usize>().ok().and_then(|n| s.issued.get(n)).into_iter().collect(),
    };
    let slips: Vec<Slip<'_>> = chosen
        .into_iter()
        .filter_map(|i| i.outcome.as_ref().ok().map(|text| (i, text)))
        .enumerate()
        .map(|(k, (i, text))| Slip { k, poll: &i.poll, qr: qr_svg(text, w.credential_qr), text: grouped(text) })
        .collect();
    if slips.is_empty() {
        return (StatusCode::NOT_FOUND, w.no_credential).into_response();
    }
    templates::render(&PrintPage { lang, w, sheet, slips })
}

/// The credential's QR code as a PNG image (8 pixels per module).
async fn credential_png(State(app): App, Path(n): Path<usize>) -> Response {
    let s = app.screen().await;
    let Some(Issued { outcome: Ok(text), .. }) = s.issued.get(n) else {
        return (StatusCode::NOT_FOUND, Words::of(s.lang).no_credential).into_response();
    };
    match hallvote_protocol::qr::qr_png(text, 8) {
        Some(png) => {
            ([(axum::http::header::CONTENT_TYPE, "image/png"), (axum::http::header::CACHE_CONTROL, "no-store")], png)
                .into_response()
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn done(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    done_get(State(app)).await.into_response()
}

async fn done_get(State(app): App) -> Redirect {
    let mut s = app.screen.lock().await;
    s.clear();
    Redirect::to("/")
}

async fn set_lang(State(app): App, Path(l): Path<String>) -> Redirect {
    let mut s = app.screen().await;
    s.lang = if l == "en" { Lang::En } else { Lang::ZhCn };
    app.desk.set_language(s.lang);
    Redirect::to("/")
}

/// The desk page: the session and its open polls, the delegate just checked in with
/// a credential for each open poll, and the scan form.
#[derive(Template)]
#[template(path = "desk/home.html")]
struct HomePage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    error: Option<&'a str>,
    notice: Option<&'a str>,
    session: Option<SessionView<'a>>,
    /// The sessions to switch between, if there is more than one.
    sessions: Vec<SessionChoice<'a>>,
    delegate: Option<DelegateView<'a>>,
    /// What a replacement did, if the credentials shown are a replacement's.
    replaced: Option<&'a str>,
    /// Whether credentials are shown (a delegate checked in, or a replacement).
    showing: bool,
    /// How many credentials there are to print.
    printable: usize,
    issued: Vec<IssuedView<'a>>,
    /// The session's open polls, for the replacement of a lost credential.
    open_polls: Vec<OpenPoll<'a>>,
    /// The proposals collecting co-signers: id, and number and title in words.
    proposals: Vec<(i64, String)>,
    /// The proposals whose reply awaits the lead delegate's evaluation.
    replied: Vec<RepliedView>,
    /// The evaluations to choose from: value on the wire, words.
    evaluations: Vec<(&'static str, &'static str)>,
}

/// A proposal whose reply awaits its lead delegate's evaluation.
struct RepliedView {
    id: i64,
    /// Number, title and lead delegate in words.
    label: String,
    /// The latest reply, for the lead delegate to read.
    reply: String,
}

struct OpenPoll<'a> {
    id: i64,
    name: &'a str,
}

struct SessionView<'a> {
    /// Present of expected, and the quorum, if the server said.
    attendance: Option<Attendance>,
    congress: &'a str,
    when: String,
    /// The open polls' names, joined.
    open: String,
}

struct Attendance {
    text: String,
    quorum_met: bool,
}

struct SessionChoice<'a> {
    id: i64,
    congress: &'a str,
    number: i64,
    selected: bool,
}

struct DelegateView<'a> {
    name: &'a str,
    group: &'a str,
    card: &'a str,
    status: &'static str,
}

struct IssuedView<'a> {
    n: usize,
    poll: &'a str,
    /// The credential's QR code, or why none was issued.
    outcome: Result<String, &'a str>,
}

/// The desk page when the server cannot be asked for its sessions.
#[derive(Template)]
#[template(path = "desk/failure.html")]
struct FailurePage<'a> {
    frame: Frame<'a>,
    error: &'a str,
}

/// Credentials to print, each on a page of its own (no station frame).
#[derive(Template)]
#[template(path = "desk/print.html")]
struct PrintPage<'a> {
    lang: Lang,
    w: &'static Words,
    /// The size's style sheet.
    sheet: &'static str,
    slips: Vec<Slip<'a>>,
}

/// One credential as printed: the poll, the QR code, the text in groups to type.
struct Slip<'a> {
    /// Numbers the slips of the page.
    k: usize,
    poll: &'a str,
    qr: String,
    text: String,
}
