//! The HTTP interface: one file per resource, each with its own `router()`.

pub mod accounts;
pub mod assets;
pub mod attendees;
pub mod audit;
pub mod auth;
pub mod board_checks;
pub mod board_list;
pub mod board_lookup;
pub mod cards;
pub mod ceremony;
pub mod ceremony_outcome;
pub mod congress;
pub mod console;
pub mod console_records;
pub mod delegate_status;
pub mod desk;
pub mod display;
pub mod display_feed;
pub mod eligible;
pub mod extract;
pub mod followup;
pub mod health;
pub mod help;
pub mod key_check;
pub mod limits;
pub mod mix;
pub mod openapi;
pub mod polls;
pub mod proposal_pages;
pub mod proposals;
pub mod reports;
pub mod result_sheet;
pub mod results;
pub mod sealed_board;
pub mod station_auth;
pub mod stations;
pub mod stream_cap;
pub mod support;
pub mod voting;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::api::Api;
use crate::db::Store;
use crate::error;

/// Station request nonces `(station, nonce, timestamp)` waiting to be recorded; each
/// answer says what recording it found.
pub type NonceQueue = crate::batch::Batcher<(i64, Vec<u8>, i64), Result<crate::db::stations::NonceUse, String>>;

/// Shared state of every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The server's signing key (tree heads, receipts, delegate cards, records).
    pub server_key: std::sync::Arc<hallvote_crypto::sign::SigningKey>,
    /// The fingerprint of the server's TLS certificate (`sha256:…`), carried in
    /// enrolment QR codes; `None` while the server speaks plain HTTP.
    pub tls_fingerprint: Option<String>,
    /// The other hall server's address (`hallvote serve --peer-url`), carried in
    /// enrolment QR codes as the address stations fail over to (spec §14.13, §15.3).
    pub peer_url: Option<String>,
    /// The boards' Merkle logs (spec §7), kept in memory per poll.
    pub board: std::sync::Arc<crate::board::BoardCache>,
    /// Station request nonces, recorded in batches (group commit).
    pub nonces: std::sync::Arc<NonceQueue>,
    /// Enrolled stations this process has seen live, by id.
    pub stations: std::sync::Arc<station_auth::StationCache>,
    /// Casts and challenges, appended to each poll's board in batches (group commit).
    pub casts: std::sync::Arc<crate::casting::CastQueues>,
    /// Ballots waiting for verification, checked in batches over the cores.
    pub checks: std::sync::Arc<crate::casting::BallotChecks>,
    /// The polls' frozen cryptographic contexts.
    pub contexts: std::sync::Arc<crate::casting::ContextCache>,
    /// The polls' election fingerprints (spec §11.4), once their ceremony has finished.
    pub fingerprints: std::sync::Arc<crate::casting::FingerprintCache>,
    /// The hall display's figures, read once per tick per session shown.
    pub display_feeds: std::sync::Arc<display_feed::DisplayFeeds>,
    /// The cap on open hall-display streams.
    pub display_streams: std::sync::Arc<stream_cap::StreamCap>,
    /// The rate limits: by verified station, by client host and IPv6 /64.
    pub limits: std::sync::Arc<limits::Limits>,
    /// Addresses from which a station's signed request verified recently
    /// (`mark`, `is_known`): the connection caps keep headroom for them
    /// (`crate::listen`); marked by the rate-limit middleware.
    pub known_stations: std::sync::Arc<crate::listen::KnownStations>,
    /// Where every handler reads the time for records, expiries and skew checks.
    pub clock: crate::clock::Clock,
    /// The login attempts of the last minute, by account name and client address.
    pub logins: std::sync::Arc<crate::auth::throttle::LoginAttempts>,
}

impl AppState {
    /// State for a store and the server's key.
    pub fn new(store: Store, server_key: hallvote_crypto::sign::SigningKey) -> Self {
        Self {
            store,
            server_key: std::sync::Arc::new(server_key),
            tls_fingerprint: None,
            peer_url: None,
            board: Default::default(),
            nonces: Default::default(),
            stations: Default::default(),
            casts: Default::default(),
            checks: Default::default(),
            contexts: Default::default(),
            fingerprints: Default::default(),
            display_feeds: Default::default(),
            display_streams: Default::default(),
            limits: Default::default(),
            known_stations: Default::default(),
            clock: crate::clock::Clock::system(),
            logins: Default::default(),
        }
    }

    /// The same state with other rate limits (tests use small ones).
    pub fn with_limits(mut self, limits: limits::Limits) -> Self {
        self.limits = std::sync::Arc::new(limits);
        self
    }

    /// The same state with another cap on hall-display streams.
    pub fn with_display_streams(mut self, cap: stream_cap::StreamCap) -> Self {
        self.display_streams = std::sync::Arc::new(cap);
        self
    }

    /// The same state reading the time from `clock` (tests set a fixed one).
    pub fn with_clock(mut self, clock: crate::clock::Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same state, for a server that speaks TLS with the certificate of this fingerprint.
    pub fn with_tls_fingerprint(mut self, fingerprint: String) -> Self {
        self.tls_fingerprint = Some(fingerprint);
        self
    }

    /// The same state, for one of two hall servers: `url` is the other's address,
    /// which stations enrolled here try when this one does not answer.
    pub fn with_peer_url(mut self, url: String) -> Self {
        self.peer_url = Some(url);
        self
    }
}

/// The largest request body any endpoint accepts: a ballot of the largest
/// shape is about 200 KiB; a roster upload is the biggest body (an .xlsx of
/// 3,000 delegates is well under 2 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The largest body of a write-in mix route (spec §14.15), a scrutineer station's
/// turn or list share: 3,000 ballots of 11 write-in rows are 33,000 rows, whose
/// output list (192 bytes a row) and proof of shuffle (160 bytes a row) are about
/// 11.6 MB; this allows some 140,000 rows.
pub const MAX_MIX_BODY_BYTES: usize = 48 * 1024 * 1024;

/// The body limit of a request to `path`: [`MAX_MIX_BODY_BYTES`] on the write-in mix
/// routes (`/api/station/polls/{id}/mix/…`), [`MAX_BODY_BYTES`] elsewhere.
pub fn body_limit(path: &str) -> usize {
    let mix = path
        .strip_prefix("/api/station/polls/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(id, rest)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("mix/"));
    if mix { MAX_MIX_BODY_BYTES } else { MAX_BODY_BYTES }
}

/// The Content-Security-Policy of every answer, the stations' pages' too
/// ([`hallvote_protocol::web::CONTENT_SECURITY_POLICY_VALUE`], where each source is
/// explained): scripts and styles only as files of this origin, no inline script,
/// style or handler and no `eval`; nothing loaded from another origin; no page
/// framed, no `<base>` or plugin injected (docs/SECURITY.md).
pub const CONTENT_SECURITY_POLICY: &str = hallvote_protocol::web::CONTENT_SECURITY_POLICY_VALUE;

/// Security headers on every answer: the CSP, no MIME sniffing, no framing, no
/// referrer leaving the hall (the same as the stations'), and under TLS a
/// `Strict-Transport-Security` of a day (browsers ignore it for the bare IP addresses
/// a hall LAN often uses).
async fn security_headers(
    axum::extract::State(tls): axum::extract::State<bool>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    hallvote_protocol::web::security_headers(h, "no-referrer");
    if tls {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=86400"));
    }
    res
}

/// Every route of the application, each with its OpenAPI operation.
pub fn api() -> Api {
    Api::new()
        .merge(health::router())
        .merge(help::router())
        .merge(console::router())
        .merge(console_records::router())
        .merge(auth::router())
        .merge(audit::router())
        .merge(congress::router())
        .merge(delegate_status::router())
        .merge(eligible::router())
        .merge(desk::router())
        .merge(attendees::router())
        .merge(display::router())
        .merge(cards::router())
        .merge(polls::router())
        .merge(proposals::router())
        .merge(proposal_pages::router())
        .merge(reports::router())
        .merge(board_lookup::router())
        .merge(result_sheet::router())
        .merge(board_list::router())
        .merge(assets::router())
        .merge(stations::router())
        .merge(ceremony::router())
        .merge(ceremony_outcome::router())
        .merge(key_check::router())
        .merge(voting::router())
        .merge(results::router())
        .merge(mix::router())
        .merge(sealed_board::router())
        .merge(followup::router())
        .merge(accounts::router())
        .merge(openapi::router())
}

/// The OpenAPI 3.1 document of every route [`api`] mounts (served at `GET /api/openapi.json`).
pub fn document() -> utoipa::openapi::OpenApi {
    api().document()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let tls = state.tls_fingerprint.is_some();
    api()
        .into_router()
        .layer(axum::middleware::from_fn(error::localize))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits::rate_limit))
        .layer(axum::middleware::from_fn_with_state(tls, security_headers))
        .with_state(state)
}

#[cfg(test)]
mod body_limit_tests {
    use super::*;

    #[test]
    fn only_the_mix_routes_take_large_bodies() {
        assert_eq!(body_limit("/api/station/polls/12/mix/0/turn"), MAX_MIX_BODY_BYTES);
        assert_eq!(body_limit("/api/station/polls/12/mix/3/share"), MAX_MIX_BODY_BYTES);
        for path in [
            "/api/station/polls/12/cast",
            "/api/station/polls//mix/0/turn",
            "/api/station/polls/x/mix/0/turn",
            "/api/polls/1/mix/0/turn",
            "/api/station/polls/12/mixed",
        ] {
            assert_eq!(body_limit(path), MAX_BODY_BYTES, "{path}");
        }
    }
}
