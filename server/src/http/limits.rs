//! Rate limits of the whole router, keyed by what a request is
//! (docs/adr/0015-rate-limits-by-station-and-shared-display-feed.md, superseding that part of ADR 0011).
//!
//! - A **signed station request** whose signature verifies is counted against its
//!   station's own bucket, [`RateLimit::PER_STATION`], whatever address it comes
//!   from: 200 booths behind one address are 200 buckets, and a busy laptop on a
//!   booth's address does not slow the booth.
//! - Every other request (anonymous, the console, public pages, and a request
//!   whose station claim does not verify) is counted by its **client address**:
//!   a bucket per host, [`RateLimit::PER_HOST`] (an IPv4 address; an IPv6 address
//!   exactly), and for IPv6 also a shared budget per /64, [`RateLimit::PER_NETWORK`].
//!   One machine cannot escape its limit by picking new addresses from its /64,
//!   and a hall LAN of many machines in one /64 is not one bucket.
//!
//! Over a limit the answer is 429 `rate_limited` with `Retry-After`, in the
//! request's language; the stations send the same request again after it.
//!
//! # Where the signature is verified
//!
//! A request must be verified before it may have its station's rate, so this
//! middleware verifies station signatures itself
//! ([`super::station_auth::verify_signature`]) and puts the result into the
//! request's extensions, where the [`super::station_auth::SignedStationRequest`]
//! extractor takes it instead of verifying again. The other design — let
//! station-looking requests past the middleware and count them in the extractor —
//! would leave uncounted every request that carries station headers to a route
//! without that extractor (any public page), and spread the limiting over two
//! places. Here every request is counted exactly once, in one place, and the
//! extractor keeps the checks that touch the database after the limit: revocation,
//! clock and nonce (spec §15.5.3).
//!
//! A claim that does not verify (unknown station, wrong signature, unreadable body)
//! is answered at once with its refusal and counted against its address. Since a
//! verification costs a hash of the body and a signature check before any bucket
//! is charged, an address's failed claims also have a small bucket of their own,
//! [`RateLimit::FAILED_CLAIMS`]: once it is empty, that address's station claims
//! are refused before they are verified, until it refills. Only an address that
//! sends forged claims meets this; a booth's own requests verify.
//!
//! The client is the peer address of the TCP connection (`ConnectInfo`), never a
//! header a client could set. A request without a `ConnectInfo` (a router called
//! in-process, as most tests do) is verified the same way but not limited. The
//! login endpoint has its own, much stricter throttle on top of this one. The size
//! of a request is limited apart from this, at [`super::MAX_BODY_BYTES`].

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use super::station_auth;
use crate::ApiError;
use crate::i18n::{Lang, lang_of};
use crate::stations_protocol::StationHeaders;

/// Requests per second one client host may make, sustained. A console page loads
/// a few dozen resources; the hall display holds one stream; a phone checking a
/// receipt on the public board makes a handful. Fifty a second is far above all of them.
pub const RATE_PER_SECOND: u32 = 50;

/// Requests one client host may make at once above the sustained rate: a console
/// page opened cold.
pub const BURST: u32 = 200;

/// Requests per second one enrolled station may make, sustained. A booth sends a
/// few requests per voter (ballot definition, cast or challenge); a desk a few per
/// delegate issued credentials; a scrutineer a few per ceremony or decryption
/// step. A desk with a queue, or a simulated hall driving one desk from 16 tasks,
/// is the busiest, at a few dozen a second: fifty a second leaves room for it.
/// The bucket only stops a station that has gone wrong from flooding the server.
pub const STATION_RATE_PER_SECOND: u32 = 50;

/// Requests one station may make at once above its rate: a station catching up
/// after the network came back, its queued casts all at once.
pub const STATION_BURST: u32 = 200;

/// Requests per second all hosts of one IPv6 /64 may make together: eight hosts'
/// worth. One machine can pick any address in its /64, so without this budget it
/// could have as many buckets as it likes; a hall LAN's consoles, displays and
/// observers' phones together stay well under it (the stations are counted apart).
pub const NETWORK_RATE_PER_SECOND: u32 = 8 * RATE_PER_SECOND;

/// The burst of one IPv6 /64, eight hosts' worth.
pub const NETWORK_BURST: u32 = 8 * BURST;

/// The limiter forgets the keys whose bucket is full again (they are as if never
/// seen) once it remembers this many; the next pruning waits until twice as many
/// as were left, so that pruning costs O(1) per request on average.
const PRUNE_AT: usize = 4096;

/// A rate and a burst for each key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Tokens added each second.
    pub per_second: u32,
    /// The most tokens a bucket holds: the largest burst.
    pub burst: u32,
}

impl RateLimit {
    /// The limit of one client host: [`RATE_PER_SECOND`] with bursts of [`BURST`].
    pub const PER_HOST: Self = Self { per_second: RATE_PER_SECOND, burst: BURST };
    /// The shared budget of one IPv6 /64.
    pub const PER_NETWORK: Self = Self { per_second: NETWORK_RATE_PER_SECOND, burst: NETWORK_BURST };
    /// The limit of one verified station.
    pub const PER_STATION: Self = Self { per_second: STATION_RATE_PER_SECOND, burst: STATION_BURST };
    /// Station claims from one host that did not verify: ten, then one a second.
    /// A station that verifies never spends from it.
    pub const FAILED_CLAIMS: Self = Self { per_second: 1, burst: 10 };
}

/// The limits of every kind, shared by all clones of the router's state.
#[derive(Debug)]
pub struct Limits {
    hosts: RateLimiter<IpAddr>,
    networks: RateLimiter<IpAddr>,
    stations: RateLimiter<i64>,
    failed_claims: RateLimiter<IpAddr>,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(RateLimit::PER_HOST, RateLimit::PER_NETWORK, RateLimit::PER_STATION)
    }
}

impl Limits {
    /// Limits of `host` per client host, `network` per IPv6 /64 and `station` per
    /// verified station.
    pub fn new(host: RateLimit, network: RateLimit, station: RateLimit) -> Self {
        Self {
            hosts: RateLimiter::new(host),
            networks: RateLimiter::new(network),
            stations: RateLimiter::new(station),
            failed_claims: RateLimiter::new(RateLimit::FAILED_CLAIMS),
        }
    }

    /// Takes a token for a request from `client` at `now`, from its host's bucket
    /// and, for IPv6, from its /64's; if either is empty, returns how long until
    /// both have one (and takes none).
    pub fn check_address(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let host = client_key(client);
        self.hosts.check(host, now)?;
        if let Some(network) = network_key(client)
            && let Err(wait) = self.networks.check(network, now)
        {
            self.hosts.refund(host);
            return Err(wait);
        }
        Ok(())
    }

    /// Takes a token for a verified request of `station` at `now`.
    pub fn check_station(&self, station: i64, now: Instant) -> Result<(), Duration> {
        self.stations.check(station, now)
    }

    /// Whether a station claim from `client` may be verified now: not while its
    /// failed claims have used up their bucket.
    fn may_verify(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        self.failed_claims.peek(client_key(client), now)
    }

    /// Counts a station claim from `client` that did not verify: against its
    /// failed claims, and as any request of its address.
    fn failed_claim(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let failed = self.failed_claims.check(client_key(client), now);
        self.check_address(client, now).and(failed)
    }
}

/// Token buckets by key, one [`RateLimit`] for all.
#[derive(Debug)]
pub struct RateLimiter<K> {
    limit: RateLimit,
    buckets: Mutex<Buckets<K>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug)]
struct Buckets<K> {
    by_key: HashMap<K, Bucket>,
    prune_at: usize,
}

impl<K: Copy + Eq + Hash> RateLimiter<K> {
    /// An empty limiter for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, buckets: Mutex::new(Buckets { by_key: HashMap::new(), prune_at: PRUNE_AT }) }
    }

    /// Takes a token for `key` at `now`; if there is none, returns how long until
    /// there is one.
    pub fn check(&self, key: K, now: Instant) -> Result<(), Duration> {
        self.with_bucket(key, now, |bucket, rate| {
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                Ok(())
            } else {
                Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
            }
        })
    }

    /// Like [`Self::check`], but takes no token.
    pub fn peek(&self, key: K, now: Instant) -> Result<(), Duration> {
        self.with_bucket(key, now, |bucket, rate| {
            if bucket.tokens >= 1.0 { Ok(()) } else { Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate)) }
        })
    }

    /// Gives back a token taken by [`Self::check`] for a request that was then
    /// refused by another bucket.
    fn refund(&self, key: K) {
        let burst = f64::from(self.limit.burst.max(1));
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(b) = buckets.by_key.get_mut(&key) {
            b.tokens = (b.tokens + 1.0).min(burst);
        }
    }

    /// How many keys the limiter remembers now.
    pub fn keys(&self) -> usize {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner).by_key.len()
    }

    fn with_bucket<T>(&self, key: K, now: Instant, f: impl FnOnce(&mut Bucket, f64) -> T) -> T {
        let rate = f64::from(self.limit.per_second.max(1));
        let burst = f64::from(self.limit.burst.max(1));
        // A panic elsewhere while holding the lock leaves the buckets usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.by_key.len() >= buckets.prune_at && !buckets.by_key.contains_key(&key) {
            let full_after = Duration::from_secs_f64(burst / rate);
            buckets.by_key.retain(|_, b| now.saturating_duration_since(b.at) < full_after);
            buckets.prune_at = (2 * buckets.by_key.len()).max(PRUNE_AT);
        }
        let bucket = buckets.by_key.entry(key).or_insert(Bucket { tokens: burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = bucket.at.max(now);
        f(bucket, rate)
    }
}

/// The host a client address is: an IPv4 address on its own (an IPv4-mapped IPv6
/// address as that IPv4 address), an IPv6 address exactly (its /128).
pub fn client_key(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The IPv6 /64 a client address is in (the block one machine can pick its
/// addresses from); `None` for IPv4.
pub fn network_key(ip: IpAddr) -> Option<IpAddr> {
    match ip.to_canonical() {
        IpAddr::V4(_) => None,
        IpAddr::V6(v6) => Some(IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX)))),
    }
}

/// The key the connection caps count a client address by (`crate::listen`): an IPv4
/// address on its own, an IPv6 address by its /64, so that one machine cannot escape
/// its share by picking new addresses from its block.
pub fn connection_key(ip: IpAddr) -> IpAddr {
    network_key(ip).unwrap_or_else(|| client_key(ip))
}

/// The client's address as the login throttle counts it: an IPv4 address, an IPv6
/// address by its /64 (so that guesses from one machine count together whatever
/// address it picks); `-` for a request without one (a router called in-process).
pub fn client_address(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_owned(), |c| network_key(c.0.ip()).unwrap_or_else(|| client_key(c.0.ip())).to_string())
}

/// Middleware: the rate limits, for `axum::middleware::from_fn_with_state` with the
/// router's state. Verifies a station's signature (see the module docs).
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let now = Instant::now();
    let headers = match StationHeaders::parse(req.headers()) {
        Ok(headers) => headers,
        // Not a station request, or one whose headers cannot be read (the
        // extractor reports them, if the route has one): counted by address.
        Err(_) => {
            if let Some(ip) = peer
                && let Err(wait) = state.limits.check_address(ip, now)
            {
                return too_many_requests(lang_of(req.headers()), wait);
            }
            return next.run(req).await;
        }
    };
    if let Some(ip) = peer
        && let Err(wait) = state.limits.may_verify(ip, now)
    {
        return too_many_requests(lang_of(req.headers()), wait);
    }
    let lang = lang_of(req.headers());
    let (mut parts, body) = req.into_parts();
    match station_auth::verify_signature(&state, &parts, &headers, body).await {
        Ok(verified) => {
            // The connection caps keep headroom for the hall's stations' addresses
            // (the station extractor marks them too, where the accept loop gave the
            // peer address but no `ConnectInfo`).
            if let Some(ip) = peer
                && !verified.station.revoked
            {
                state.known_stations.mark(ip);
            }
            let body = verified.body.clone();
            if let Err(wait) = state.limits.check_station(verified.station.id, now) {
                return too_many_requests(lang, wait);
            }
            parts.extensions.insert(verified);
            next.run(Request::from_parts(parts, axum::body::Body::from(body))).await
        }
        Err(error) => {
            if let Some(ip) = peer
                && let Err(wait) = state.limits.failed_claim(ip, now)
            {
                return too_many_requests(lang, wait);
            }
            error.render(lang)
        }
    }
}

/// 429 `rate_limited` in the request's language, with `Retry-After` in whole seconds.
fn too_many_requests(lang: Lang, wait: Duration) -> Response {
    let error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "请求过于频繁，请稍后再试。",
        "Too many requests from this address; please try again shortly.",
    );
    let mut res = error.render(lang);
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let limiter = RateLimiter::new(RateLimit { per_second: 10, burst: 5 });
        let ip = IpAddr::from([10, 0, 0, 1]);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.check(ip, t0), Ok(()));
        }
        let wait = limiter.check(ip, t0).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(100), "{wait:?}");
        assert_eq!(limiter.check(ip, t0 + Duration::from_millis(100)), Ok(()));
        assert!(limiter.check(ip, t0 + Duration::from_millis(100)).is_err());
        // Another address has its own bucket.
        assert_eq!(limiter.check(IpAddr::from([10, 0, 0, 2]), t0), Ok(()));
        // After a long pause the bucket is full, not fuller.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..5 {
            assert_eq!(limiter.check(ip, later), Ok(()));
        }
        assert!(limiter.check(ip, later).is_err());
    }

    #[test]
    fn ipv6_hosts_count_apart_within_the_budget_of_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_ne!(client_key(a), client_key(b));
        assert_eq!(network_key(a), network_key(b));
        assert_ne!(network_key(a), network_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), IpAddr::from([192, 0, 2, 7]));
        assert_eq!(network_key(mapped), None);

        let host = RateLimit { per_second: 1, burst: 3 };
        let limits = Limits::new(host, RateLimit { per_second: 1, burst: 5 }, RateLimit::PER_STATION);
        let t0 = Instant::now();
        // Each host has its own three...
        for _ in 0..3 {
            assert_eq!(limits.check_address(a, t0), Ok(()));
        }
        assert!(limits.check_address(a, t0).is_err());
        // ...but the /64 has five in all: b gets the two left, and a third address none.
        assert_eq!(limits.check_address(b, t0), Ok(()));
        assert_eq!(limits.check_address(b, t0), Ok(()));
        assert!(limits.check_address(b, t0).is_err());
        assert!(limits.check_address("2001:db8:1:2::99".parse().unwrap(), t0).is_err());
        // A refusal by the /64 took nothing from the host: once the /64 refills, b has its third.
        assert_eq!(limits.check_address(b, t0 + Duration::from_secs(1)), Ok(()));
        // Another /64 is not affected.
        assert_eq!(limits.check_address(c, t0), Ok(()));
    }

    #[test]
    fn full_buckets_are_forgotten() {
        let limiter = RateLimiter::new(RateLimit { per_second: 100, burst: 10 });
        let t0 = Instant::now();
        for i in 0..PRUNE_AT as u32 {
            limiter.check(IpAddr::from(i.to_be_bytes()), t0).unwrap();
        }
        assert_eq!(limiter.keys(), PRUNE_AT);
        // 0.2 s later every bucket is full again: all are forgotten but the new one.
        limiter.check(IpAddr::from([192, 0, 2, 1]), t0 + Duration::from_millis(200)).unwrap();
        assert_eq!(limiter.keys(), 1);
    }
}
