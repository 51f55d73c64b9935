//! The booth's pages (served on 127.0.0.1 for a Chromium window in kiosk mode):
//! welcome and scan → one contest per page → review → sealed (tracking code, cast
//! or challenge) → receipt. Plain HTML forms, so a USB scanner (which types and
//! presses Enter), a keyboard alone, or a touchscreen all work; a small script only
//! adds the live over-vote refusal and the camera.
//!
//! One delegate at a time: the booth keeps the visit in memory and forgets it on
//! "done", on a timeout, or when a new credential is scanned.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hallvote_tally::ballot::PlainBallot;
use hallvote_tally::model::{Contest, ContestKind};
use tokio::sync::Mutex;

use crate::booth::{Booth, BoothError, Receipt, Sealed, Visit};
use crate::ui::{Lang, assets, camera, escape, page, qr_svg, refuse_cross_site, secure};

/// How long a page waits for the delegate before it forgets everything.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(180);

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
            last: Instant::now(),
        }
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
            screen: Mutex::new(Screen::new(Lang::Zh)),
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
            .route("/done", post(done))
            .route("/timeout", get(timeout))
            .route("/lang/{l}", get(set_lang))
            .route("/healthz", get(|| async { "ok" }));
        secure(assets(router)).with_state(Arc::clone(self))
    }

    /// Takes the screen, forgetting the visit if it has been idle too long.
    async fn screen(&self) -> tokio::sync::MutexGuard<'_, Screen> {
        let mut s = self.screen.lock().await;
        if s.visit.is_some() && s.last.elapsed() > self.idle {
            *s = Screen::new(s.lang);
        }
        s.last = Instant::now();
        s
    }

    fn page(&self, lang: Lang, title: &str, body: &str, idle: bool) -> Html<String> {
        page(lang, &self.name, title, body, idle.then_some(self.idle.as_secs()))
    }
}

type App = State<Arc<BoothApp>>;

fn error_box(text: &str) -> String {
    format!(r#"<p class="error" role="alert" id="error">{}</p>"#, escape(text))
}

fn words(lang: Lang, e: &BoothError) -> String {
    let (zh, en) = e.words();
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn welcome_body(lang: Lang, error: Option<&str>) -> String {
    format!(
        r#"{err}<p class="hint">{hint}</p>
<form method="post" action="/scan" autocomplete="off">
<label for="credential">{label}</label>
<input type="text" id="credential" name="credential" autofocus required spellcheck="false">
<p><button type="submit">{go}</button></p>
</form>
{camera}"#,
        err = error.map(error_box).unwrap_or_default(),
        hint = lang.t(
            "请将报到处发给您的选票二维码对准扫描器，或点“用摄像头扫描”。实在无法扫描时，可以输入凭证上二维码下方的文字。",
            "Hold the ballot QR code the desk gave you to the scanner, or use the camera. If neither works, type the text printed under the code."
        ),
        label = lang.t("选票凭证", "Ballot credential"),
        go = lang.t("开始投票", "Start voting"),
        camera = camera(lang, "credential"),
    )
}

async fn welcome(State(app): App) -> Html<String> {
    let s = app.screen().await;
    app.page(s.lang, s.lang.t("欢迎投票", "Welcome"), &welcome_body(s.lang, None), false)
}

async fn scan(State(app): App, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    let lang = s.lang;
    *s = Screen::new(lang);
    let text = f.get("credential").map(String::as_str).unwrap_or_default();
    match app.booth.begin(text).await {
        Ok(visit) => {
            s.marks = visit.ballot.manifest.poll.contests.iter().map(|c| vec![None; c.items().len()]).collect();
            s.visit = Some(visit);
            Redirect::to("/contest/0").into_response()
        }
        Err(e) => app
            .page(lang, lang.t("欢迎投票", "Welcome"), &welcome_body(lang, Some(&words(lang, &e))), false)
            .into_response(),
    }
}

fn contest_hint(lang: Lang, c: &Contest) -> String {
    match &c.kind {
        ContestKind::Election(e) => match lang {
            Lang::Zh => format!(
                "应选 {} 名。请对每位候选人选择“赞成”“不赞成”或“弃权”；赞成票不能超过 {} 名。未选择的视为弃权。",
                e.seats, e.seats
            ),
            Lang::En => format!(
                "{} seats. For each candidate choose for, against or abstain; at most {} for-votes. An unmarked candidate counts as an abstention.",
                e.seats, e.seats
            ),
        },
        ContestKind::Confidence(_) => lang.t("请对每位成员选择一项。", "Choose one option for each member.").to_owned(),
        ContestKind::Evaluation(_) => lang
            .t(
                "请对每位成员选择一个等次；不选的不计入。",
                "Choose one grade for each member; an unmarked member is not graded.",
            )
            .to_owned(),
        ContestKind::Motion(_) => lang
            .t(
                "请对每一项选择“赞成”“反对”或“弃权”；未选择的视为弃权。",
                "Choose for, against or abstain on each item; unmarked counts as abstain.",
            )
            .to_owned(),
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

fn over_vote_words(lang: Lang, seats: u32, n: u32) -> String {
    match lang {
        Lang::Zh => {
            format!("赞成票超过应选名额：应选 {seats} 名，您对 {n} 名投了赞成票。请改为不超过 {seats} 名后再继续。")
        }
        Lang::En => format!(
            "Too many for-votes: {seats} seats, and you voted for {n}. Reduce them to at most {seats} to go on."
        ),
    }
}

fn contest_html(app: &BoothApp, s: &Screen, c: usize, error: Option<&str>) -> Response {
    let Some(visit) = &s.visit else { return Redirect::to("/").into_response() };
    let contests = &visit.ballot.manifest.poll.contests;
    let Some(contest) = contests.get(c) else { return Redirect::to("/review").into_response() };
    let lang = s.lang;
    let options = contest.options();
    let cap = seats(contest);
    let mut body = String::new();
    if let Some(e) = error {
        body.push_str(&error_box(e));
    }
    let _ = write!(
        body,
        r#"<p class="hint">{hint}</p><p>{page}</p>"#,
        hint = escape(&contest_hint(lang, contest)),
        page = escape(&match lang {
            Lang::Zh => format!("第 {} 页，共 {} 页", c + 1, contests.len()),
            Lang::En => format!("Page {} of {}", c + 1, contests.len()),
        }),
    );
    if let Some(seats) = cap {
        // The station script takes a for-vote past the seats back at once, saying why
        // (`data-over`); the booth refuses such a form in any case.
        let _ = write!(
            body,
            r#"<p class="counter" aria-live="polite" id="counter" data-seats="{seats}" data-over="{over}">{label}<span id="fors">{n}</span> / {seats}</p>
<p class="error" role="alert" id="live" hidden></p>"#,
            over = escape(&over_vote_words(lang, seats, seats + 1)),
            label = lang.t("已投赞成票：", "For-votes: "),
            n = for_count(&s.marks[c]),
        );
    }
    let _ = write!(body, r#"<form method="post" action="/contest/{c}" id="ballot">"#);
    for (i, item) in contest.items().iter().enumerate() {
        let _ = write!(body, r#"<fieldset><legend>{}</legend><div class="choices">"#, escape(item));
        for (o, label) in options.iter().enumerate() {
            let checked = if s.marks[c].get(i).copied().flatten() == Some(o) { " checked" } else { "" };
            let is_for = if cap.is_some() && o == 0 { r#" data-for="1""# } else { "" };
            let _ = write!(
                body,
                r#"<label><input type="radio" name="i{i}" value="{o}"{checked}{is_for}> {}</label>"#,
                escape(lang.t(&label.zh, &label.en)),
            );
        }
        body.push_str("</div></fieldset>");
    }
    let back = if c == 0 {
        String::new()
    } else {
        format!(
            r#"<button type="submit" name="go" value="back" class="secondary">{}</button>"#,
            lang.t("上一页", "Previous")
        )
    };
    let next = if c + 1 == contests.len() { lang.t("检查选票", "Review") } else { lang.t("下一页", "Next") };
    let _ = write!(body, r#"<p>{back}<button type="submit" name="go" value="next">{next}</button></p></form>"#);
    app.page(lang, &contest.title, &body, true).into_response()
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
            let msg = over_vote_words(s.lang, seats, n);
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
    Ok(PlainBallot { marks: out })
}

fn marks_table(lang: Lang, contests: &[Contest], plain: &PlainBallot, edit: bool) -> String {
    let mut body = String::new();
    for (c, (contest, cm)) in contests.iter().zip(&plain.marks).enumerate() {
        let options = contest.options();
        let _ = write!(
            body,
            r#"<h2>{}</h2><table><thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
            escape(&contest.title),
            lang.t("对象", "Name"),
            lang.t("您的选择", "Your choice"),
        );
        for (item, m) in contest.items().iter().zip(cm) {
            let chosen = m.iter().position(|x| *x == 1).and_then(|o| options.get(o));
            let text = chosen
                .map_or_else(|| lang.t("（未评）", "(not graded)").to_owned(), |t| lang.t(&t.zh, &t.en).to_owned());
            let _ = write!(body, "<tr><td>{}</td><td>{}</td></tr>", escape(item), escape(&text));
        }
        body.push_str("</tbody></table>");
        if edit {
            let _ = write!(
                body,
                r#"<p><a class="button secondary" href="/contest/{c}">{}</a></p>"#,
                lang.t("修改本页", "Change this page")
            );
        }
    }
    body
}

async fn review(State(app): App) -> Response {
    let s = app.screen().await;
    let Some(visit) = &s.visit else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let contests = &visit.ballot.manifest.poll.contests;
    let plain = match plain_ballot(contests, &s.marks) {
        Ok(p) => p,
        Err(c) => {
            let msg = lang.t("请对每位成员作出选择后再继续。", "Choose an option for every member to go on.");
            return contest_html(&app, &s, c, Some(msg));
        }
    };
    let mut body = format!(
        r#"<p class="hint">{}</p>"#,
        lang.t(
            "请核对您的选择。确认无误后，投票机将对选票加密。",
            "Check your choices. When they are right, the booth encrypts your ballot."
        )
    );
    body.push_str(&marks_table(lang, contests, &plain, true));
    let _ = write!(
        body,
        r#"<form method="post" action="/seal"><button type="submit">{}</button></form>"#,
        lang.t("确认并加密", "Confirm and encrypt")
    );
    app.page(lang, lang.t("核对选票", "Review your ballot"), &body, true).into_response()
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
        Ok(Err(e)) => {
            let lang = s.lang;
            app.page(lang, lang.t("无法加密", "Cannot encrypt"), &error_box(&words(lang, &e)), true).into_response()
        }
        Err(_) => Redirect::to("/review").into_response(),
    }
}

async fn sealed_page(State(app): App) -> Response {
    let s = app.screen().await;
    let (Some(_), Some(sealed)) = (&s.visit, &s.sealed) else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let body = format!(
        r#"<p>{intro}</p><p class="tracking" id="tracking">{code}</p>
<p class="hint">{explain}</p>
<form method="post" action="/cast"><button type="submit" id="cast">{cast}</button></form>
<form method="post" action="/challenge"><button type="submit" class="secondary" id="challenge">{challenge}</button></form>"#,
        intro = lang.t("您的选票已加密。这是它的追踪码：", "Your ballot is encrypted. Its tracking code is:"),
        code = escape(&sealed.tracking.to_string()),
        explain = lang.t(
            "点“投出选票”即正式投票。若想核验投票机是否如实加密，可点“核验并重新填写”：这张加密选票将被公开解密并作废（不计票），您再重新填写一次。",
            "Cast makes it your vote. To check that the booth encrypted your choices faithfully, choose Check: this encrypted ballot is opened publicly and spoiled (never counted), and you mark a new one."
        ),
        cast = lang.t("投出选票", "Cast my ballot"),
        challenge = lang.t("核验并重新填写", "Check it and mark again"),
    );
    app.page(lang, lang.t("投出或核验", "Cast or check"), &body, true).into_response()
}

fn link_failure(app: &BoothApp, lang: Lang, e: &BoothError, retry: &str) -> Response {
    let body = format!(
        r#"{err}<form method="post" action="{retry}"><button type="submit">{again}</button></form>"#,
        err = error_box(&words(lang, e)),
        again = lang.t("再试一次", "Try again"),
    );
    app.page(lang, lang.t("请稍候", "Please wait"), &body, false).into_response()
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
            Redirect::to("/receipt").into_response()
        }
        Err(e @ BoothError::Unreachable(_)) => link_failure(&app, s.lang, &e, "/cast"),
        Err(e) => {
            let lang = s.lang;
            app.page(lang, lang.t("选票未投出", "The ballot was not cast"), &error_box(&words(lang, &e)), true)
                .into_response()
        }
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
                Err(e) => {
                    let lang = s.lang;
                    app.page(lang, lang.t("核验失败", "Check failed"), &error_box(&words(lang, &e)), false)
                        .into_response()
                }
            }
        }
        Err(e @ BoothError::Unreachable(_)) => link_failure(&app, s.lang, &e, "/challenge"),
        Err(e) => {
            let lang = s.lang;
            app.page(lang, lang.t("无法核验", "Cannot check"), &error_box(&words(lang, &e)), true).into_response()
        }
    }
}

async fn challenged_page(State(app): App) -> Response {
    let s = app.screen().await;
    let (Some(visit), Some((r, plain))) = (&s.visit, &s.challenged) else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let mut body = format!(
        r#"<p class="ok">{}</p><p>{}</p><p class="tracking" id="spoiled-tracking">{}</p><p>{}</p>"#,
        lang.t(
            "这张加密选票已公开解密并作废，不计入结果。下面是它实际加密的内容，请核对是否与您的选择一致：",
            "This encrypted ballot has been opened publicly and spoiled; it is not counted. Below is what it actually held; check it against your choices:"
        ),
        lang.t("作废选票的追踪码：", "Tracking code of the spoiled ballot:"),
        escape(&r.tracking),
        lang.t(
            "任何人都可以在公开记录中用此追踪码核对这次解密。如内容与您的选择不符，请立即告知监票人。",
            "Anyone can check this opening on the public board with this code. If it does not match your choices, tell a scrutineer at once."
        ),
    );
    body.push_str(&marks_table(lang, &visit.ballot.manifest.poll.contests, plain, false));
    body.push_str(&receipt_block(&app, lang, visit.ballot.poll, r));
    let _ = write!(
        body,
        r#"<p class="noprint"><button type="button" class="secondary" data-action="print">{}</button></p>"#,
        lang.t("打印作废回执", "Print the challenge receipt")
    );
    let _ = write!(
        body,
        r#"<p><a class="button" id="mark-again" href="/contest/0">{}</a></p>"#,
        lang.t("重新填写选票", "Mark a new ballot")
    );
    app.page(lang, lang.t("核验结果", "What the ballot held"), &body, true).into_response()
}

/// What a receipt shows and prints (spec §12.11): the election fingerprint, the
/// tracking code, the board position, the signed head, and a QR code holding the
/// board page's address with the whole receipt, which `hallvote-verify --receipt`
/// and the board page check.
fn receipt_block(app: &BoothApp, lang: Lang, poll: i64, r: &Receipt) -> String {
    let url = format!("{}/polls/{poll}/board?code={}&receipt={}", app.server_url, r.tracking.replace(' ', ""), r.text);
    format!(
        r#"<dl class="receipt">
<dt>{fp_label}</dt><dd class="fingerprint" id="fingerprint">{fp}</dd>
<dt>{code_label}</dt><dd class="tracking" id="tracking">{code}</dd>
<dt>{pos_label}</dt><dd id="position">{pos}</dd>
<dt>{head_label}</dt><dd id="head">{head}</dd>
</dl>
<div class="qr">{qr}</div>
<p class="hint">{hint}</p>
<p class="receipt-text" id="receipt-text">{text}</p>"#,
        fp_label = lang.t("选举指纹（应与监票记录一致）", "Election fingerprint (as in the scrutineers' minutes)"),
        fp = escape(&r.fingerprint),
        code_label = lang.t("追踪码", "Tracking code"),
        code = escape(&r.tracking),
        pos_label = lang.t("公告板位置", "Board position"),
        pos = escape(&match lang {
            Lang::Zh => format!("第 {} 条", r.position + 1),
            Lang::En => format!("entry {}", r.position + 1),
        }),
        head_label = lang.t("服务器签名的树头", "Tree head signed by the server"),
        head = escape(&match lang {
            Lang::Zh => format!("共 {} 条，根 {}…", r.tree_size, r.root),
            Lang::En => format!("{} entries, root {}…", r.tree_size, r.root),
        }),
        qr = qr_svg(&url, lang.t("回执二维码：用于日后核对", "Receipt QR code, to check it later")),
        hint = lang.t(
            "扫描二维码或在公告板页面输入追踪码，可随时核对您的选票已被记录；任何人可用 hallvote-verify --receipt 以回执核对公布的选举记录。追踪码不显示您投了谁。",
            "Scan the code or type the tracking code on the board page to check any time that your ballot was recorded; anyone can check the published record against this receipt with hallvote-verify --receipt. It does not show how you voted."
        ),
        text = escape(&r.text),
    )
}

async fn receipt_page(State(app): App) -> Response {
    let s = app.screen().await;
    let (Some(visit), Some(r)) = (&s.visit, &s.receipt) else { return Redirect::to("/").into_response() };
    let lang = s.lang;
    let body = format!(
        r#"<p class="ok" role="status">{done}</p>
{block}
<p class="noprint"><button type="button" class="secondary" data-action="print">{print}</button></p>
<form method="post" action="/done"><button type="submit" id="done">{finish}</button></form>"#,
        done = lang.t(
            "您的选票已投出，服务器已签名确认。",
            "Your ballot is cast, and the server has signed its confirmation."
        ),
        block = receipt_block(&app, lang, visit.ballot.poll, r),
        print = lang.t("打印回执", "Print the receipt"),
        finish = lang.t("完成", "Done"),
    );
    app.page(lang, lang.t("投票完成", "Ballot cast"), &body, true).into_response()
}

async fn done(State(app): App, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let mut s = app.screen().await;
    *s = Screen::new(s.lang);
    Redirect::to("/").into_response()
}

async fn timeout(State(app): App) -> Redirect {
    let mut s = app.screen.lock().await;
    *s = Screen::new(s.lang);
    Redirect::to("/")
}

async fn set_lang(State(app): App, Path(l): Path<String>, headers: HeaderMap) -> Redirect {
    let mut s = app.screen().await;
    s.lang = if l == "en" { Lang::En } else { Lang::Zh };
    // Back to the page the switch was pressed on, if it was one of ours.
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/lang/"))
        .unwrap_or_else(|| "/".to_owned());
    Redirect::to(&back)
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

    #[test]
    fn the_over_vote_message_names_seats_and_count() {
        assert_eq!(
            over_vote_words(Lang::Zh, 9, 10),
            "赞成票超过应选名额：应选 9 名，您对 10 名投了赞成票。请改为不超过 9 名后再继续。"
        );
    }
}
