//! The station's JSON interface on 127.0.0.1: the routes, the checks on every request
//! (loopback host, same-origin POST), and serving.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hallvote_protocol::stations::StationKind;
use serde::{Deserialize, Serialize};
use serde_json::json;
use zeroize::Zeroizing;

use hallvote_tally::Lang;

use crate::ui::{assets, secure};

use hallvote_protocol::wire::unb64;

use super::{Result, Scrutineer, ScrutineerError, ShareSource, home};

/// The station process's state behind its HTTP interface.
pub struct ScrutineerApp {
    scrutineer: Scrutineer,
    pub(super) name: String,
    pub(super) page_lang: std::sync::Mutex<Lang>,
}

impl std::fmt::Debug for ScrutineerApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrutineerApp").field("name", &self.name).finish_non_exhaustive()
    }
}

impl ScrutineerApp {
    /// The app of the station named `name` (shown on its page).
    pub fn new(scrutineer: Scrutineer, name: &str) -> Arc<Self> {
        Arc::new(Self { scrutineer, name: name.to_owned(), page_lang: std::sync::Mutex::new(Lang::ZhCn) })
    }

    /// The scrutineer work behind the interface.
    pub fn scrutineer(&self) -> &Scrutineer {
        &self.scrutineer
    }
}

pub(super) type App = State<Arc<ScrutineerApp>>;

/// The station's HTTP interface, to serve on 127.0.0.1 only:
///
/// | | |
/// |---|---|
/// | `GET /` | the page |
/// | `GET /api/station` | the station's id and name |
/// | `GET /api/polls/{poll}/ceremony` | [`CeremonyStatus`] |
/// | `POST /api/polls/{poll}/ceremony/step` | the next due step |
/// | `POST /api/polls/{poll}/ceremony/recipient` | step 1 |
/// | `POST /api/polls/{poll}/ceremony/dealing` | step 2 |
/// | `POST /api/polls/{poll}/ceremony/confirm` | step 3 |
/// | `POST /api/polls/{poll}/share` | `{"passphrase", "again"}` → [`SavedShare`] |
/// | `GET /api/polls/{poll}/share/file` | the saved file |
/// | `GET /api/polls/{poll}/share/paper` | its paper backup, text |
/// | `POST /api/polls/{poll}/key-check` | `{"passphrase", "file"?: base64, "paper"?: text}` → [`KeyChecked`] |
/// | `GET /api/polls/{poll}/fingerprints` | [`Fingerprints`] (scrutineer or counter) |
/// | `POST /api/polls/{poll}/share/load` | `{"passphrase", "file"?: base64, "paper"?: text}` → [`LoadedShare`] |
/// | `POST /api/polls/{poll}/decrypt` | [`Decrypted`] |
/// | `POST /api/polls/{poll}/mix` | the write-in mix step due now → [`MixProgress`] |
/// | `GET /api/polls/{poll}/result` | [`ResultReview`] |
/// | `POST /api/polls/{poll}/signature` | `{"digest"}` (as reviewed) → [`Signed`] |
///
/// Refusals are `{"error": {"code", "message"}}`, the message in Chinese, or in
/// English when the request's first `Accept-Language` is English. A POST from another
/// site's page is refused.
pub fn router(app: Arc<ScrutineerApp>) -> Router {
    let router = Router::new()
        .route("/", get(home))
        .route("/lang/{l}", get(set_lang))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/station", get(api_station))
        .route("/api/polls", get(api_polls))
        .route("/api/polls/{poll}/ceremony", get(api_ceremony))
        .route("/api/polls/{poll}/ceremony/{step}", post(api_ceremony_step))
        .route("/api/polls/{poll}/share", post(api_save_share))
        .route("/api/polls/{poll}/share/file", get(api_share_file))
        .route("/api/polls/{poll}/share/paper", get(api_share_paper))
        .route("/api/polls/{poll}/share/load", post(api_load_share))
        .route("/api/polls/{poll}/key-check", post(api_key_check))
        .route("/api/polls/{poll}/fingerprints", get(api_fingerprints))
        .route("/api/polls/{poll}/decrypt", post(api_decrypt))
        .route("/api/polls/{poll}/mix", post(api_mix))
        .route("/api/polls/{poll}/result", get(api_result))
        .route("/api/polls/{poll}/signature", post(api_sign));
    secure(assets(router).layer(axum::middleware::from_fn(loopback_only))).with_state(app)
}

/// Whether `Host` names this machine's loopback interface (`127.0.0.1`, `[::1]`,
/// `localhost`, with or without a port).
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Answers only requests addressed to the loopback interface: a page of another
/// site whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends its own
/// name as `Host`, and is refused before it can read anything.
async fn loopback_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if !is_loopback_host(host) {
        return ScrutineerError::CrossSite.response(request_lang(req.headers()));
    }
    next.run(req).await
}

/// The language of a request: English if the first `Accept-Language` is English.
fn request_lang(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match first {
        Some(tag) if tag.starts_with("en") => Lang::En,
        _ => Lang::ZhCn,
    }
}

fn poll_of(poll: &str) -> Result<i64> {
    poll.trim().parse().map_err(|_| ScrutineerError::BadRequest(format!("poll number {poll:?}")))
}

fn reply<T: Serialize>(lang: Lang, status: StatusCode, r: Result<T>) -> Response {
    match r {
        Ok(v) => (status, axum::Json(v)).into_response(),
        Err(e) => e.response(lang),
    }
}

/// Whether a request comes from another site's page: the browser names the page's
/// origin (`Origin`, `Sec-Fetch-Site`), and the station's own page is same-origin.
/// Clients that are not browsers send neither.
fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|origin| origin.strip_prefix("http://") != Some(host));
    let fetch_site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    foreign_origin || matches!(fetch_site, Some("cross-site" | "same-site"))
}

/// Checks a POST: same-origin, and a JSON body (or none).
fn posted<T: for<'de> Deserialize<'de> + Default>(headers: &HeaderMap, body: &Bytes) -> Result<T> {
    if cross_site(headers) {
        return Err(ScrutineerError::CrossSite);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(ScrutineerError::BadRequest("the body must be application/json".into()));
    }
    serde_json::from_slice(body).map_err(|e| ScrutineerError::BadRequest(e.to_string()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// `{"passphrase", "again"}`. No `Debug`: it holds the passphrase.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    again: Option<String>,
}

/// `{"passphrase", "file"?, "paper"?}`. No `Debug`: it holds the passphrase.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LoadBody {
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    paper: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SignBody {
    #[serde(default)]
    digest: String,
}

async fn api_station(State(app): App) -> Response {
    axum::Json(json!({"id": app.scrutineer.station_id(), "name": app.name, "kind": StationKind::Scrutineer.as_str()}))
        .into_response()
}

/// A poll the page offers: the server's office, and its state in the page's words.
#[derive(Serialize)]
struct PollChoice {
    #[serde(flatten)]
    office: hallvote_protocol::wire::StationOffice,
    state_words: &'static str,
}

/// The polls this station serves, each with its state in the page's words.
async fn api_polls(State(app): App, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let offices = app.scrutineer.offices(lang).await?;
        Ok(offices.into_iter().map(|o| PollChoice { state_words: o.state.label(lang), office: o }).collect::<Vec<_>>())
    }
    .await;
    reply(lang, StatusCode::OK, r)
}

async fn api_ceremony(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async { app.scrutineer.ceremony_status(poll_of(&poll)?, lang).await }.await;
    reply(lang, StatusCode::OK, r)
}

async fn api_ceremony_step(
    State(app): App,
    Path((poll, step)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let Empty {} = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let s = &app.scrutineer;
        match step.as_str() {
            "step" => s.step(poll, lang).await,
            "recipient" => s.publish_recipient_key(poll, lang).await,
            "dealing" => s.deal(poll, lang).await,
            "confirm" => s.confirm(poll, lang).await,
            other => Err(ScrutineerError::BadRequest(format!("no ceremony step {other:?}"))),
        }
    }
    .await;
    reply(lang, StatusCode::OK, r)
}

async fn api_save_share(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: SaveBody = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        app.scrutineer.save_share(poll, Zeroizing::new(b.passphrase), b.again.map(Zeroizing::new), lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

/// The passphrase and the share file a [`LoadBody`] names.
fn share_source(b: LoadBody) -> Result<(Zeroizing<String>, ShareSource)> {
    let source = match (b.file, b.paper) {
        (Some(_), Some(_)) => {
            return Err(ScrutineerError::BadRequest("give a file or a paper backup, not both".into()));
        }
        (Some(f), None) => {
            ShareSource::File(unb64(f.trim()).ok_or_else(|| ScrutineerError::BadRequest("file: not base64".into()))?)
        }
        (None, Some(p)) => ShareSource::Paper(p),
        (None, None) => ShareSource::Saved,
    };
    Ok((Zeroizing::new(b.passphrase), source))
}

async fn api_load_share(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: LoadBody = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let (passphrase, source) = share_source(b)?;
        app.scrutineer.load_share(poll, passphrase, source, lang).await
    }
    .await;
    reply(lang, StatusCode::OK, r)
}

async fn api_key_check(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: LoadBody = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let (passphrase, source) = share_source(b)?;
        app.scrutineer.check_key(poll, passphrase, source, lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

async fn api_fingerprints(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async { app.scrutineer.fingerprints(poll_of(&poll)?, lang).await }.await;
    reply(lang, StatusCode::OK, r)
}

async fn api_share_file(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    match poll_of(&poll).and_then(|p| Ok((p, app.scrutineer.share_file(p)?))) {
        Ok((p, bytes)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"poll-{p}.hvshare\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.response(lang),
    }
}

async fn api_share_paper(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    match poll_of(&poll).and_then(|p| app.scrutineer.share_paper(p)) {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Err(e) => e.response(lang),
    }
}

async fn api_decrypt(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let Empty {} = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let d = app.scrutineer.decrypt(poll, lang).await?;
        if d.mix {
            let app = Arc::clone(&app);
            tokio::spawn(async move { app.scrutineer.mix_until_done(poll, lang).await });
        }
        Ok(d)
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

async fn api_mix(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let Empty {} = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let progress = app.scrutineer.mix(poll, lang).await?;
        if !progress.done {
            // The station goes on by itself, so the scrutineer may leave the page.
            let app = Arc::clone(&app);
            tokio::spawn(async move { app.scrutineer.mix_until_done(poll, lang).await });
        }
        Ok(progress)
    }
    .await;
    reply(lang, StatusCode::OK, r)
}

async fn api_result(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async { app.scrutineer.review(poll_of(&poll)?, lang).await }.await;
    reply(lang, StatusCode::OK, r)
}

async fn api_sign(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: SignBody = posted(&headers, &body)?;
        app.scrutineer.sign(poll_of(&poll)?, &b.digest, lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

async fn set_lang(State(app): App, Path(l): Path<String>) -> Redirect {
    *app.page_lang.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
        if l == "en" { Lang::En } else { Lang::ZhCn };
    Redirect::to("/")
}

/// What the scrutineer station serves, and where.
#[derive(Debug, Clone)]
pub struct ScrutineerOptions {
    /// The station's folder.
    pub dir: PathBuf,
    /// An enrolment QR text to enrol with first.
    pub enrol: Option<String>,
    /// Where the interface listens: a loopback address (127.0.0.1 by default).
    pub listen: SocketAddr,
    /// Where share files are saved (the station folder's `shares` if not given).
    pub share_dir: Option<PathBuf>,
}

/// Serves the scrutineer station's interface until Ctrl-C. Refuses to listen on
/// anything but a loopback address: the interface holds the ceremony's secrets.
pub async fn serve(opts: ScrutineerOptions) -> Result<(), String> {
    if !opts.listen.ip().is_loopback() {
        return Err(format!("{}: the scrutineer station listens on 127.0.0.1 only", opts.listen));
    }
    let st = crate::run::station(&opts.dir, opts.enrol.as_deref(), StationKind::Scrutineer).await?;
    let share_dir = opts.share_dir.unwrap_or_else(|| opts.dir.join("shares"));
    let app = ScrutineerApp::new(Scrutineer::new(&st, share_dir).map_err(|e| e.to_string())?, &st.config.name);
    let listener = tokio::net::TcpListener::bind(opts.listen).await.map_err(|e| format!("{}: {e}", opts.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("hallvote scrutineer“{}”: http://{addr}/  (server {})", st.config.name, st.config.server_url);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn only_loopback_hosts_and_same_origin_posts() {
        for ok in ["127.0.0.1:8080", "127.0.0.1", "localhost:9", "[::1]:80", "LOCALHOST"] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["evil.example:8080", "", "10.0.0.2:80", "127.0.0.1.evil.example", "[fe80::1]:80"] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:7000"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:7000"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(cross_site(&h));
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h));
    }

    #[test]
    fn language_of_a_request() {
        let mut h = HeaderMap::new();
        assert_eq!(request_lang(&h), Lang::ZhCn);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB,en;q=0.9"));
        assert_eq!(request_lang(&h), Lang::En);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("zh-CN,en;q=0.5"));
        assert_eq!(request_lang(&h), Lang::ZhCn);
    }
}
