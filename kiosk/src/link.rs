//! The station's link to the server: HTTP/1.1 over TCP, or over TLS pinned to the
//! fingerprint from the enrolment QR code (spec §15.3), with every request signed
//! by the station's key (spec §15.5).
//!
//! A request that never got an answer (the server unreachable, the connection
//! dropped, no reply in time) is [`LinkError::Unreachable`]: the caller may send
//! the same request again. An answer, whatever its status, is an [`Answer`].
//!
//! A link may know two addresses, the hall server's and its standby's (spec §15.3,
//! §15.10): a request that gets no answer from one is sent, the same bytes, to the
//! other, back and forth for up to [`FAILOVER_WINDOW`], and the link keeps to the
//! address that answered. Both are pinned to the same certificate fingerprint.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hallvote_crypto::sign::SigningKey;
use hallvote_protocol::pinned::PinnedCertVerifier;
use hallvote_protocol::stations::sign_request;
use hallvote_protocol::wire::{ErrorBody, ErrorDetail};
use hallvote_tally::Lang;
use http::{Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// How long one request may take, connection included, before it counts as unanswered.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest answer a station reads by default (a ballot definition is well
/// under this); an election record can be far larger ([`Link::max_answer`]).
pub const MAX_ANSWER: usize = 16 << 20;
/// How often a request refused with 429 (the server's rate limit) is sent again.
pub const RATE_LIMIT_RETRIES: u32 = 5;
/// The longest wait for a `Retry-After` this link honours; a longer one is cut to it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);
/// How long a link with a standby address tries its two addresses in turn, for a
/// request that neither answers, before it gives up (spec §15.10): the time an
/// operator has to promote the standby without a station noticing more than a wait.
pub const FAILOVER_WINDOW: Duration = Duration::from_secs(120);
/// The pause between two tries of a failing-over request.
const FAILOVER_PAUSE: Duration = Duration::from_millis(250);

/// Why a request got no usable answer.
#[derive(Debug, Error)]
pub enum LinkError {
    /// No answer came: the server could not be reached, or the connection broke.
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    /// The answer is not what the protocol says (not JSON, too long).
    #[error("the server's answer cannot be read: {0}")]
    BadAnswer(String),
    /// The server address or the pinned fingerprint cannot be used.
    #[error("the server address cannot be used: {0}")]
    Config(String),
}

/// The server's answer: its status, headers and JSON body (`null` if it had none).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body, if it was JSON (`null` otherwise).
    pub json: Value,
    /// The body as it came.
    pub body: Bytes,
    /// A refusal's code and message: the body of an answer that is not a success,
    /// decoded as [`ErrorBody`] (spec §14.2); `None` for a success, or for a body
    /// that is not one (a proxy's page).
    pub error: Option<ErrorDetail>,
}

impl Answer {
    /// The stable code of a refusal (`credential_already_spent`), if the answer is one.
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_str())
    }

    /// The refusal's message, in the language the request asked for.
    pub fn error_message(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.message.as_str())
    }

    /// The refusal this answer carries, as every station keeps it: a body that is
    /// not an [`ErrorBody`] is a refusal with the code [`UNKNOWN_CODE`] and no message.
    pub fn refusal(&self) -> Refused {
        let (code, message) = match &self.error {
            Some(e) => (e.code.clone(), e.message.clone()),
            None => (UNKNOWN_CODE.to_owned(), String::new()),
        };
        Refused { status: self.status, code, message }
    }

    /// The body decoded as `T` (a type of `hallvote_protocol::wire`), strictly: a
    /// field missing, of another type, not base64 or not of its length fails, and
    /// the error names the field (`public_shares[2]: 31 bytes where 32 are expected`).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, AnswerError> {
        serde_path_to_error::deserialize(&self.json).map_err(|e| AnswerError(e.to_string()))
    }
}

/// The code of a refusal whose body is not an [`ErrorBody`].
pub const UNKNOWN_CODE: &str = "unknown";

/// The server refused a station's request: what every station carries of a refusal.
/// The stable `code` picks the station's own words for it (`words::refusals`); the
/// server's `message` is in the language the request asked for.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {message}")]
pub struct Refused {
    /// The HTTP status.
    pub status: StatusCode,
    /// The server's stable code (`credential_already_spent`).
    pub code: String,
    /// The server's message.
    pub message: String,
}

impl Refused {
    /// What a person at the station reads, in `lang`: the station's own words for
    /// a code it knows, else the server's message; never the raw code.
    pub fn words(&self, lang: Lang) -> String {
        match crate::words::refusals::known(&self.code) {
            Some(w) => w.get(lang).to_owned(),
            None if !self.message.is_empty() => self.message.clone(),
            None => crate::words::refusals::UNEXPLAINED.get(lang).to_owned(),
        }
    }
}

/// An answer that is not what the protocol says, naming the field it fails on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the server's answer: {0}")]
pub struct AnswerError(pub String);

/// Who signs the station's requests.
pub struct StationIdentity {
    /// The id the server gave the station at enrolment.
    pub id: u64,
    /// Its Ed25519 key.
    pub key: SigningKey,
}

impl std::fmt::Debug for StationIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StationIdentity").field("id", &self.id).finish_non_exhaustive()
    }
}

/// One address of the server.
#[derive(Clone, Debug)]
struct Endpoint {
    host: String,
    port: u16,
    authority: String,
}

impl Endpoint {
    /// The endpoint of `server_url`, and whether it is https.
    fn parse(server_url: &str) -> Result<(Self, bool), LinkError> {
        let uri: Uri = server_url.parse().map_err(|e| LinkError::Config(format!("{server_url}: {e}")))?;
        let https = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(LinkError::Config(format!("{server_url}: not http:// or https://"))),
        };
        let host = uri.host().ok_or_else(|| LinkError::Config(format!("{server_url}: no host")))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let authority = uri.authority().map_or_else(|| host.clone(), |a| a.as_str().to_owned());
        Ok((Self { host, port, authority }, https))
    }
}

/// A server, as one station talks to it.
#[derive(Clone)]
pub struct Link {
    /// The server's address, then its standby's, if any.
    endpoints: Arc<[Endpoint]>,
    /// Which of `endpoints` answered last (shared by the link's clones).
    current: Arc<AtomicUsize>,
    tls: Option<TlsConnector>,
    station: Option<Arc<StationIdentity>>,
    language: &'static str,
    max_answer: usize,
    timeout: Duration,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link").field("authority", &self.endpoint().authority).field("tls", &self.tls.is_some()).finish()
    }
}

impl Link {
    /// A link to `server_url` (`http://host:port` or `https://host:port`); an https
    /// link needs the certificate's `fingerprint` and accepts no other certificate.
    pub fn new(server_url: &str, fingerprint: Option<&str>) -> Result<Self, LinkError> {
        let (endpoint, https) = Endpoint::parse(server_url)?;
        let tls = match (https, fingerprint) {
            (false, _) => None,
            (true, None) => {
                return Err(LinkError::Config(format!("{server_url}: https without a certificate fingerprint")));
            }
            (true, Some(fp)) => {
                let config = PinnedCertVerifier::client_config(fp).map_err(|e| LinkError::Config(e.to_string()))?;
                Some(TlsConnector::from(Arc::new(config)))
            }
        };
        Ok(Self {
            endpoints: Arc::new([endpoint]),
            current: Arc::default(),
            tls,
            station: None,
            language: "zh-CN",
            max_answer: MAX_ANSWER,
            timeout: REQUEST_TIMEOUT,
        })
    }

    /// The same link with a second address, the standby hall server's (spec §15.3):
    /// of the same scheme, and (for https) pinned to the same fingerprint.
    pub fn with_standby(mut self, standby_url: &str) -> Result<Self, LinkError> {
        let (endpoint, https) = Endpoint::parse(standby_url)?;
        if https != self.tls.is_some() {
            return Err(LinkError::Config(format!("{standby_url}: not of the same scheme as the server's address")));
        }
        let mut endpoints = self.endpoints.to_vec();
        endpoints.push(endpoint);
        self.endpoints = endpoints.into();
        self.current = Arc::default();
        Ok(self)
    }

    /// The address requests go to now: the server's, or its standby's after a failover.
    pub fn authority(&self) -> &str {
        &self.endpoint().authority
    }

    fn endpoint(&self) -> &Endpoint {
        &self.endpoints[self.current.load(Ordering::Relaxed) % self.endpoints.len()]
    }

    /// The same link, signing every request as `station`.
    #[must_use]
    pub fn signed_by(mut self, station: Arc<StationIdentity>) -> Self {
        self.station = Some(station);
        self
    }

    /// The same link, asking for messages in English (`en`) or Chinese (anything else).
    #[must_use]
    pub fn language(mut self, lang: &str) -> Self {
        self.language = if lang == "en" { "en" } else { "zh-CN" };
        self
    }

    /// The same link, reading answers of up to `bytes` (an election record of
    /// thousands of ballots is hundreds of megabytes).
    #[must_use]
    pub fn max_answer(mut self, bytes: usize) -> Self {
        self.max_answer = bytes;
        self
    }

    /// The same link, waiting up to `timeout` for each answer instead of
    /// [`REQUEST_TIMEOUT`] (a write-in mix turn the server checks takes tens of seconds).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The station this link signs as, if any.
    pub fn station(&self) -> Option<&StationIdentity> {
        self.station.as_deref()
    }

    /// Sends `method path` with `body` as JSON (signed if the link has a station)
    /// and waits for the answer, at most [`REQUEST_TIMEOUT`].
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Answer, LinkError> {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.call_raw(method, path, bytes, "application/json", &[]).await
    }

    /// Sends `method path` with `body` serialised as JSON (a type of
    /// `hallvote_protocol::wire`), like [`Link::call`].
    pub async fn call_json<B: Serialize>(&self, method: Method, path: &str, body: &B) -> Result<Answer, LinkError> {
        let bytes = serde_json::to_vec(body).map_err(|e| LinkError::Config(format!("{path}: the body: {e}")))?;
        self.call_raw(method, path, bytes, "application/json", &[]).await
    }

    /// Sends `body` of type `content_type` with extra `headers` (a login cookie, a
    /// CSRF token) and waits for the answer, at most [`REQUEST_TIMEOUT`].
    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, LinkError> {
        // A 429 is the server's rate limit, answered before any handler runs: nothing
        // was done, so the same body is sent again (with a fresh signature) after the
        // server's `Retry-After`, a few times.
        let mut refused = 0;
        let started = Instant::now();
        loop {
            let at = self.current.load(Ordering::Relaxed) % self.endpoints.len();
            let sent = self.send(&self.endpoints[at], method.clone(), path, body.clone(), content_type, headers);
            let answer = match tokio::time::timeout(self.timeout, sent).await {
                Ok(Ok(answer)) => answer,
                Ok(Err(LinkError::Unreachable(e))) => {
                    self.fail_over(at, started, &e).await?;
                    continue;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    let e = format!("no answer in {} s", self.timeout.as_secs());
                    self.fail_over(at, started, &e).await?;
                    continue;
                }
            };
            if answer.status != StatusCode::TOO_MANY_REQUESTS || refused == RATE_LIMIT_RETRIES {
                return Ok(answer);
            }
            refused += 1;
            let wait = answer
                .headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map_or(Duration::from_secs(1), Duration::from_secs)
                .min(MAX_RETRY_AFTER);
            tracing::warn!(path, refused, wait_s = wait.as_secs(), "rate limited by the server; sending again");
            tokio::time::sleep(wait).await;
        }
    }

    /// After no answer from endpoint `at`: with a standby address, and while the
    /// failover window since `started` lasts, turns to the other address (unless
    /// another request already has) and pauses; else the request is unanswered.
    async fn fail_over(&self, at: usize, started: Instant, why: &str) -> Result<(), LinkError> {
        let n = self.endpoints.len();
        if n == 1 || started.elapsed() >= FAILOVER_WINDOW {
            return Err(LinkError::Unreachable(why.to_owned()));
        }
        let next = (at + 1) % n;
        if self.current.compare_exchange(at, next, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            tracing::warn!(
                from = %self.endpoints[at].authority,
                to = %self.endpoints[next].authority,
                why,
                "the server does not answer; trying the other hall server"
            );
        }
        tokio::time::sleep(FAILOVER_PAUSE).await;
        Ok(())
    }

    async fn send(
        &self,
        endpoint: &Endpoint,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, LinkError> {
        let mut req = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::HOST, &endpoint.authority)
            .header(header::ACCEPT_LANGUAGE, self.language);
        if !body.is_empty() {
            req = req.header(header::CONTENT_TYPE, content_type);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(st) = &self.station {
            let nonce: [u8; 16] = rand::random();
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            for (name, value) in sign_request(&st.key, st.id, &method, path, now, &nonce, &body) {
                req = req.header(name, value);
            }
        }
        let req = req.body(Full::new(Bytes::from(body))).map_err(|e| LinkError::Config(e.to_string()))?;
        let tcp = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
            .await
            .map_err(|e| LinkError::Unreachable(format!("{}: {e}", endpoint.authority)))?;
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => exchange(tcp, req, self.max_answer).await,
            Some(tls) => {
                let name = rustls::pki_types::ServerName::try_from(endpoint.host.clone())
                    .map_err(|e| LinkError::Config(e.to_string()))?;
                let stream = tls.connect(name, tcp).await.map_err(|e| LinkError::Unreachable(format!("TLS: {e}")))?;
                exchange(stream, req, self.max_answer).await
            }
        }
    }
}

async fn exchange<S>(stream: S, req: Request<Full<Bytes>>, max_answer: usize) -> Result<Answer, LinkError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| LinkError::Unreachable(e.to_string()))?;
    tokio::spawn(conn);
    let res = sender.send_request(req).await.map_err(|e| LinkError::Unreachable(e.to_string()))?;
    let status = res.status();
    let headers = res.headers().clone();
    let body = match http_body_util::Limited::new(res.into_body(), max_answer).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(LinkError::BadAnswer(format!("{status}: the answer is larger than {max_answer} bytes")));
        }
        Err(e) => return Err(LinkError::Unreachable(e.to_string())),
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("application/json") || t.ends_with("+json"));
    let json = if body.is_empty() || !is_json {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| LinkError::BadAnswer(format!("{status}: {e}")))?
    };
    let error = refusal_body(status, &json);
    Ok(Answer { status, headers, json, body, error })
}

/// The refusal in an answer's body, decoded as the wire type: none for a success.
fn refusal_body(status: StatusCode, json: &Value) -> Option<ErrorDetail> {
    if status.is_success() {
        return None;
    }
    ErrorBody::deserialize(json).ok().map(|b| b.error)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use hallvote_protocol::wire::{ResultToSign, b64};
    use serde_json::json;

    fn answer(json: Value) -> Answer {
        Answer {
            status: StatusCode::OK,
            headers: http::HeaderMap::new(),
            body: Bytes::from(json.to_string()),
            json,
            error: None,
        }
    }

    #[test]
    fn a_refusal_is_read_with_the_wire_type_and_never_from_a_success() {
        let body = json!({"error": {"code": "credential_already_spent", "message": "已投出"}});
        let mut a = answer(body.clone());
        a.status = StatusCode::CONFLICT;
        a.error = refusal_body(a.status, &body);
        assert_eq!(a.error_code(), Some("credential_already_spent"));
        assert_eq!(
            a.refusal(),
            Refused {
                status: StatusCode::CONFLICT, code: "credential_already_spent".into(), message: "已投出".into()
            }
        );
        assert_eq!(refusal_body(StatusCode::OK, &body), None, "a success is no refusal");
        let odd = json!({"error": "busy"});
        assert_eq!(refusal_body(StatusCode::BAD_GATEWAY, &odd), None);
        let mut proxy = answer(odd);
        proxy.status = StatusCode::BAD_GATEWAY;
        assert_eq!(proxy.refusal().code, UNKNOWN_CODE);
        assert_eq!(proxy.refusal().words(Lang::En), crate::words::refusals::UNEXPLAINED.en);
    }

    #[test]
    fn an_answer_missing_a_field_fails_naming_it() {
        let full = json!({
            "state": "tallied", "manifest": "AQID", "joint_key": b64(&[1; 32]), "election": b64(&[2; 64]),
            "expected": 120, "present": 110, "issued": 100, "cast": 99, "totals": [50, 49],
            "outcome": "BAU=", "digest": b64(&[3; 64])
        });
        assert_eq!(answer(full.clone()).decode::<ResultToSign>().unwrap().cast, 99);
        let mut missing = full.clone();
        missing.as_object_mut().unwrap().remove("digest");
        let err = answer(missing).decode::<ResultToSign>().unwrap_err();
        assert!(err.0.contains("missing field `digest`"), "{err}");
        let mut wrong = full;
        wrong["totals"][1] = json!("49");
        let err = answer(wrong).decode::<ResultToSign>().unwrap_err();
        assert!(err.0.starts_with("totals[1]: invalid type"), "{err}");
    }
}
