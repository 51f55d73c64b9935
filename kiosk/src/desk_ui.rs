//! The desk's pages (报到处): scan a delegate card → who it is, their delegation and
//! status → checked in → one ballot credential for each open poll, shown as a QR
//! code to print (80 mm receipt printer or A6 card) or to show on screen.
//!
//! The desk keeps the credentials of the delegate in front of it only until the next
//! scan, "done" or a timeout; it never writes them anywhere.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tokio::sync::Mutex;

use crate::booth::BoothError;
use crate::desk::{CardScan, Delegate, Desk};
use crate::ui::{Lang, assets, camera, escape, page, qr_svg, refuse_cross_site, secure};
use hallvote_protocol::lifecycle::PollState;

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
    issued: Vec<Issued>,
    last: Instant,
}

impl DeskApp {
    /// A desk app named `name`.
    pub fn new(desk: Desk, name: &str) -> Arc<Self> {
        Arc::new(Self {
            desk,
            name: name.to_owned(),
            screen: Mutex::new(DeskScreen {
                lang: Lang::Zh,
                session: None,
                delegate: None,
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
        if s.delegate.is_some() && s.last.elapsed() > DESK_IDLE {
            s.delegate = None;
            s.issued.clear();
        }
        s.last = Instant::now();
        s
    }
}

type App = State<Arc<DeskApp>>;

fn say(lang: Lang, e: &BoothError) -> String {
    let (zh, en) = e.words();
    if lang == Lang::En { en } else { zh }
}

fn scan_form(lang: Lang) -> String {
    format!(
        r#"<form method="post" action="/scan" autocomplete="off">
<label for="card">{label}</label>
<input type="text" id="card" name="card" autofocus required spellcheck="false">
<p><button type="submit" id="check-in">{go}</button>
<button type="submit" class="secondary" id="depart" formaction="/depart">{depart}</button></p></form>{camera}"#,
        label = lang.t("扫描代表证二维码，或输入代表证号", "Scan the delegate card, or type the card number"),
        go = lang.t("报到并发放选票", "Check in and issue ballots"),
        depart = lang.t("登记离场", "Record a departure"),
        camera = camera(lang, "card"),
    )
}

async fn render(app: &DeskApp, s: &DeskScreen, error: Option<&str>) -> Response {
    render_with(app, s, error, None).await
}

/// The desk page, with an error or a notice (a departure recorded) at the top.
async fn render_with(app: &DeskApp, s: &DeskScreen, error: Option<&str>, notice: Option<&str>) -> Response {
    let lang = s.lang;
    let sessions = match app.desk.sessions().await {
        Ok(v) => v,
        Err(e) => {
            let body = format!(r#"<p class="error" role="alert">{}</p>"#, escape(&say(lang, &e)));
            return page(lang, &app.name, lang.t("报到处", "Desk"), &body, Some(30)).into_response();
        }
    };
    let mut body = String::new();
    if let Some(e) = error {
        let _ = write!(body, r#"<p class="error" role="alert" id="error">{}</p>"#, escape(e));
    }
    if let Some(n) = notice {
        let _ = write!(body, r#"<p class="ok" role="status" id="notice">{}</p>"#, escape(n));
    }
    let current = s.session.or_else(|| sessions.first().map(|x| x.id));
    match sessions.iter().find(|x| Some(x.id) == current) {
        None => body.push_str(lang.t(
            "<p>服务器上还没有会议。请会务组先建立会议。</p>",
            "<p>There is no session on the server yet. Ask the organisers to set one up.</p>",
        )),
        Some(cur) => {
            let open: Vec<_> =
                cur.polls.iter().filter(|p| p.state == PollState::Open).map(|p| escape(&p.name)).collect();
            let _ = write!(
                body,
                r#"<p><strong>{}</strong> {}</p><p>{}{}</p>"#,
                escape(&cur.congress),
                escape(&match lang {
                    Lang::Zh => format!("第{}次会议 {}", cur.number, cur.date),
                    Lang::En => format!("session {} {}", cur.number, cur.date),
                }),
                lang.t("正在进行的投票：", "Open polls: "),
                if open.is_empty() { lang.t("（无）", "(none)").to_owned() } else { open.join("、") },
            );
            if sessions.len() > 1 {
                body.push_str(r#"<form method="post" action="/session"><label for="session">"#);
                body.push_str(lang.t("会议", "Session"));
                body.push_str(r#"</label> <select id="session" name="session">"#);
                for x in &sessions {
                    let sel = if x.id == cur.id { " selected" } else { "" };
                    let _ = write!(
                        body,
                        r#"<option value="{}"{sel}>{} · {}</option>"#,
                        x.id,
                        escape(&x.congress),
                        x.number
                    );
                }
                let _ = write!(
                    body,
                    r#"</select> <button type="submit" class="secondary">{}</button></form>"#,
                    lang.t("切换", "Switch")
                );
            }
        }
    }
    if let Some(d) = &s.delegate {
        let status = match (d.status.as_str(), lang) {
            ("checked_in", Lang::Zh) => "已报到".to_owned(),
            ("already_present", Lang::Zh) => "此前已报到".to_owned(),
            ("checked_in", Lang::En) => "checked in".to_owned(),
            ("already_present", Lang::En) => "was already checked in".to_owned(),
            (other, _) => other.to_owned(),
        };
        let _ = write!(
            body,
            r#"<div class="ok" role="status" id="delegate"><p><strong>{}</strong>（{}）{} {}</p><p>{}</p></div>"#,
            escape(&d.name),
            escape(&d.group),
            escape(lang.t("代表证号", "card")),
            escape(&d.card),
            escape(&status),
        );
        for (n, i) in s.issued.iter().enumerate() {
            let _ = write!(body, "<h2>{}</h2>", escape(&i.poll));
            match &i.outcome {
                Ok(text) => {
                    let _ = write!(
                        body,
                        r#"<div class="qr credential" id="credential-{n}">{qr}</div>
<p class="noprint"><a class="button" href="/print/{n}/80mm" target="_blank">{p80}</a> <a class="button secondary" href="/print/{n}/a6" target="_blank">{pa6}</a> <a class="button secondary" href="/credential/{n}" download="credential-{n}.png">PNG</a></p>"#,
                        qr = qr_svg(text, lang.t("选票凭证二维码", "Ballot credential QR code")),
                        p80 = lang.t("打印（80 毫米小票）", "Print (80 mm receipt)"),
                        pa6 = lang.t("打印（A6 卡片）", "Print (A6 card)"),
                    );
                }
                Err(why) => {
                    let _ = write!(body, r#"<p class="error" role="alert">{}</p>"#, escape(why));
                }
            }
        }
        let _ = write!(
            body,
            r#"<form method="post" action="/done"><button type="submit" class="secondary" id="next">{}</button></form>"#,
            lang.t("下一位", "Next delegate")
        );
    }
    body.push_str(&scan_form(lang));
    page(lang, &app.name, lang.t("报到处", "Desk"), &body, s.delegate.as_ref().map(|_| DESK_IDLE.as_secs()))
        .into_response()
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
    s.delegate = None;
    s.issued.clear();
    Redirect::to("/").into_response()
}

async fn scan(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    s.delegate = None;
    s.issued.clear();
    let lang = s.lang;
    let card = CardScan::from_input(f.get("card").map(String::as_str).unwrap_or_default());
    let sessions = match app.desk.sessions().await {
        Ok(v) => v,
        Err(e) => return render(&app, &s, Some(&say(lang, &e))).await,
    };
    let Some(session) = s.session.and_then(|id| sessions.iter().find(|x| x.id == id)).or_else(|| sessions.first())
    else {
        return render(&app, &s, Some(lang.t("没有会议。", "No session."))).await;
    };
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
        let msg = lang.t(
            "已报到。目前没有正在进行的投票，无需发放选票。",
            "Checked in. No poll is open, so no ballot is issued.",
        );
        return render(&app, &s, Some(msg)).await;
    }
    render(&app, &s, None).await
}

/// Records that a delegate left the hall. Credentials already issued stay valid.
async fn depart(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    s.delegate = None;
    s.issued.clear();
    let lang = s.lang;
    let card = CardScan::from_input(f.get("card").map(String::as_str).unwrap_or_default());
    let sessions = match app.desk.sessions().await {
        Ok(v) => v,
        Err(e) => return render(&app, &s, Some(&say(lang, &e))).await,
    };
    let Some(session) = s.session.and_then(|id| sessions.iter().find(|x| x.id == id)).or_else(|| sessions.first())
    else {
        return render(&app, &s, Some(lang.t("没有会议。", "No session."))).await;
    };
    match app.desk.check_in(session.id, &card, false).await {
        Ok(d) => {
            let msg = match (d.status.as_str(), lang) {
                ("departed", Lang::Zh) => format!("已登记 {}（{}）离场。", d.name, d.card),
                ("departed", Lang::En) => format!("{} ({}) is recorded as having left.", d.name, d.card),
                (_, Lang::Zh) => format!("{}（{}）本不在场，未作登记。", d.name, d.card),
                (_, Lang::En) => format!("{} ({}) was not present; nothing recorded.", d.name, d.card),
            };
            render_with(&app, &s, None, Some(&msg)).await
        }
        Err(e) => render(&app, &s, Some(&say(lang, &e))).await,
    }
}

/// A credential sized for printing: an 80 mm receipt roll or an A6 card.
async fn print(State(app): App, Path((n, size)): Path<(usize, String)>) -> Response {
    let s = app.screen().await;
    let lang = s.lang;
    let Some(Issued { poll, outcome: Ok(text) }) = s.issued.get(n) else {
        return (StatusCode::NOT_FOUND, lang.t("没有这张选票凭证。", "No such credential.")).into_response();
    };
    // The page's size and the code's, in a style sheet of its own (no inline style).
    let sheet = match size.as_str() {
        "80mm" => "/assets/print-80mm.css",
        "a6" => "/assets/print-a6.css",
        _ => return (StatusCode::NOT_FOUND, "80mm | a6").into_response(),
    };
    Html(format!(
        r#"<!doctype html><html lang="{code}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/assets/station.css"><link rel="stylesheet" href="{sheet}"></head>
<body data-autoprint><main><h1>{poll}</h1><div class="qr">{qr}</div><p>{note}</p>
<p class="credential-text">{text}</p></main>
<script src="/assets/station.js"></script></body></html>"#,
        code = lang.code(),
        title = lang.t("选票凭证", "Ballot credential"),
        poll = escape(poll),
        qr = qr_svg(text, lang.t("选票凭证二维码", "Ballot credential QR code")),
        note = lang.t("一次有效。请到投票机扫描此码投票。", "Valid once. Scan it at a voting booth to vote."),
        text = escape(text),
    ))
    .into_response()
}

/// The credential's QR code as a PNG image (8 pixels per module).
async fn credential_png(State(app): App, Path(n): Path<usize>) -> Response {
    let s = app.screen().await;
    let Some(Issued { outcome: Ok(text), .. }) = s.issued.get(n) else {
        return (StatusCode::NOT_FOUND, s.lang.t("没有这张选票凭证。", "No such credential.")).into_response();
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
    s.delegate = None;
    s.issued.clear();
    Redirect::to("/")
}

async fn set_lang(State(app): App, Path(l): Path<String>) -> Redirect {
    let mut s = app.screen().await;
    s.lang = if l == "en" { Lang::En } else { Lang::Zh };
    Redirect::to("/")
}
