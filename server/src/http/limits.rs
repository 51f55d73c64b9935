//! Per-client rate limit of the whole router (docs/adr/0011-tls-and-rate-limits.md):
//! a token bucket for each client address, refilled at [`RATE_PER_SECOND`] up to
//! [`BURST`] requests. A request over it is answered 429 `rate_limited` with a
//! `Retry-After` header.
//!
//! The client is the peer address of the TCP connection (`ConnectInfo`), never a
//! header a client could set. A request without a `ConnectInfo` (a router called
//! in-process, as the tests do) is not limited. The login endpoint has its own,
//! much stricter throttle on top of this one.
//!
//! The size of a request is limited apart from this, by `DefaultBodyLimit` at
//! [`super::MAX_BODY_BYTES`].

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::ApiError;
use crate::i18n::lang_of;

/// Requests per second one client address may make, sustained. A station sends
/// a request every few seconds; a console page loads a few dozen resources; the
/// hall display polls once a second. Fifty a second is far above all of them.
pub const RATE_PER_SECOND: u32 = 50;

/// Requests one client address may make at once above the sustained rate: a
/// console page opened cold, or a station catching up after a network outage.
pub const BURST: u32 = 200;

/// The limiter forgets the addresses whose bucket is full again (they are as if
/// never seen) once it remembers this many; the next pruning waits until twice
/// as many as were left, so that pruning costs O(1) per request on average.
const PRUNE_AT: usize = 4096;

/// A rate and a burst for each client address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Tokens added each second.
    pub per_second: u32,
    /// The most tokens a bucket holds: the largest burst.
    pub burst: u32,
}

impl RateLimit {
    /// The server's limit: [`RATE_PER_SECOND`] with bursts of [`BURST`].
    pub const PER_CLIENT: Self = Self { per_second: RATE_PER_SECOND, burst: BURST };
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug)]
struct Buckets {
    by_client: HashMap<IpAddr, Bucket>,
    prune_at: usize,
}

/// Token buckets by client address, shared by every clone.
#[derive(Clone, Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Arc<Mutex<Buckets>>,
}

impl RateLimiter {
    /// An empty limiter for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        let buckets = Buckets { by_client: HashMap::new(), prune_at: PRUNE_AT };
        Self { limit, buckets: Arc::new(Mutex::new(buckets)) }
    }

    /// Takes a token for `client` at `now`; if there is none, returns how long
    /// until there is one.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let rate = f64::from(self.limit.per_second.max(1));
        let burst = f64::from(self.limit.burst.max(1));
        let key = client_key(client);
        // A panic elsewhere while holding the lock leaves the buckets usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.by_client.len() >= buckets.prune_at && !buckets.by_client.contains_key(&key) {
            let full_after = Duration::from_secs_f64(burst / rate);
            buckets.by_client.retain(|_, b| now.saturating_duration_since(b.at) < full_after);
            buckets.prune_at = (2 * buckets.by_client.len()).max(PRUNE_AT);
        }
        let bucket = buckets.by_client.entry(key).or_insert(Bucket { tokens: burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = bucket.at.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }

    /// How many client addresses the limiter remembers now.
    pub fn clients(&self) -> usize {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner).by_client.len()
    }
}

/// The bucket a client address counts against: an IPv4 address on its own (an
/// IPv4-mapped IPv6 address as that IPv4 address); an IPv6 address by its /64,
/// the block one machine can pick its addresses from.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let prefix = v6.to_bits() & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from_bits(prefix))
        }
    }
}

/// The client's address as the limits count it (see `client_key`), from the
/// connection; `-` for a request without one (a router called in-process).
pub fn client_address(extensions: &axum::http::Extensions) -> String {
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "-".to_owned(), |c| client_key(c.0.ip()).to_string())
}

/// Middleware: the rate limit, for `axum::middleware::from_fn_with_state`.
pub async fn rate_limit(State(limiter): State<RateLimiter>, req: Request, next: Next) -> Response {
    let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return next.run(req).await;
    };
    match limiter.check(peer.ip(), Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => too_many_requests(&req, wait),
    }
}

/// 429 `rate_limited` in the request's language, with `Retry-After` in whole seconds.
fn too_many_requests(req: &Request, wait: Duration) -> Response {
    let error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "请求过于频繁，请稍后再试。",
        "Too many requests from this address; please try again shortly.",
    );
    let mut res = error.render(lang_of(req.headers()));
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
    fn ipv6_counts_by_slash_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), IpAddr::from([192, 0, 2, 7]));
    }

    #[test]
    fn full_buckets_are_forgotten() {
        let limiter = RateLimiter::new(RateLimit { per_second: 100, burst: 10 });
        let t0 = Instant::now();
        for i in 0..PRUNE_AT as u32 {
            limiter.check(IpAddr::from(i.to_be_bytes()), t0).unwrap();
        }
        assert_eq!(limiter.clients(), PRUNE_AT);
        // 0.2 s later every bucket is full again: all are forgotten but the new one.
        limiter.check(IpAddr::from([192, 0, 2, 1]), t0 + Duration::from_millis(200)).unwrap();
        assert_eq!(limiter.clients(), 1);
    }
}
