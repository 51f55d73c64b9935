//! The cap on concurrent hall-display streams (issue 14, item 3).
//!
//! An open display stream costs the server a connection and a task that wakes
//! once per figure change; the figures themselves are read once per session
//! however many streams show them (`super::display_feed`). The cap keeps an
//! anonymous client from holding thousands of them: over [`MAX_DISPLAY_STREAMS`]
//! in all, a new stream is answered 503 `display_full`; over
//! [`MAX_DISPLAY_STREAMS_PER_ADDRESS`] from one client address (counted as
//! `super::limits::client_key` counts it: an IPv4 address, an IPv6 address
//! exactly), 429 `too_many_streams`. Both with `Retry-After`. A stream gives its
//! place back when it ends, however it ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Response};

use crate::ApiError;
use crate::i18n::Lang;

/// Display streams this process keeps open at once. A hall has a few projectors
/// and screens in the lobby, and observers may follow on their own devices: a
/// few dozen in a large hall. 256 leaves ample room for them and for pages left
/// open while keeping a stream flood far from the connection and descriptor
/// limits the rest of the hall needs.
pub const MAX_DISPLAY_STREAMS: usize = 256;

/// Display streams one client address keeps open at once: a display computer may
/// show a session on two screens, and a reloaded page opens its new stream
/// before the browser has closed the old one. More than 8 from one machine is
/// not a display.
pub const MAX_DISPLAY_STREAMS_PER_ADDRESS: usize = 8;

/// How long a refused display is told to wait before it tries again.
pub const RETRY_AFTER_SECONDS: u32 = 10;

/// The open streams, in all and by client address.
#[derive(Debug)]
pub struct StreamCap {
    total: usize,
    per_address: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// Why a stream was not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The process has its [`MAX_DISPLAY_STREAMS`] open.
    Full,
    /// The address has its [`MAX_DISPLAY_STREAMS_PER_ADDRESS`] open.
    TooManyFromAddress,
}

/// A place among the open streams, given back when dropped.
#[derive(Debug)]
pub struct StreamPermit {
    cap: Arc<StreamCap>,
    address: Option<IpAddr>,
}

impl Default for StreamCap {
    fn default() -> Self {
        Self::new(MAX_DISPLAY_STREAMS, MAX_DISPLAY_STREAMS_PER_ADDRESS)
    }
}

impl StreamCap {
    /// A cap of `total` streams, `per_address` of them from one address.
    pub fn new(total: usize, per_address: usize) -> Self {
        Self { total, per_address, open: Mutex::default() }
    }

    /// A place for a stream from `address` (`None`: a request without a peer
    /// address, made in-process, counted only in the total).
    pub fn admit(self: &Arc<Self>, address: Option<IpAddr>) -> Result<StreamPermit, Refusal> {
        let address = address.map(super::limits::client_key);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= self.total {
            return Err(Refusal::Full);
        }
        if let Some(a) = address {
            let n = open.by_address.entry(a).or_default();
            if *n >= self.per_address {
                return Err(Refusal::TooManyFromAddress);
            }
            *n += 1;
        }
        open.total += 1;
        Ok(StreamPermit { cap: Arc::clone(self), address })
    }

    /// How many streams are open now.
    pub fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).total
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.cap.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total -= 1;
        if let Some(a) = self.address
            && let Some(n) = open.by_address.get_mut(&a)
        {
            *n -= 1;
            if *n == 0 {
                open.by_address.remove(&a);
            }
        }
    }
}

impl Refusal {
    /// The refusal in the JSON error schema, in `lang`, with `Retry-After`.
    pub fn render(self, lang: Lang) -> Response<axum::body::Body> {
        let error = match self {
            Self::Full => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "display_full",
                "大屏幕连接已满，请稍后再试。",
                "The server has all the hall-display connections it takes; please try again shortly.",
            ),
            Self::TooManyFromAddress => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_streams",
                "本机打开的大屏幕连接过多，请关闭多余的页面后再试。",
                "Too many hall-display connections from this address; close the pages not needed and try again.",
            ),
        };
        // Rendered here, not left to the `localize` middleware, which would drop
        // the header when it renders the message in another language.
        let mut res = error.render(lang);
        res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_in_all_and_per_address_and_a_closed_stream_gives_its_place_back() {
        let cap = Arc::new(StreamCap::new(3, 2));
        let a = Some(IpAddr::from([192, 0, 2, 1]));
        let b = Some(IpAddr::from([192, 0, 2, 2]));
        let a1 = cap.admit(a).unwrap();
        let _a2 = cap.admit(a).unwrap();
        assert_eq!(cap.admit(a).unwrap_err(), Refusal::TooManyFromAddress);
        let _b1 = cap.admit(b).unwrap();
        assert_eq!(cap.admit(b).unwrap_err(), Refusal::Full);
        assert_eq!(cap.admit(None).unwrap_err(), Refusal::Full);
        drop(a1);
        assert_eq!(cap.open(), 2);
        let _a3 = cap.admit(a).unwrap();
        assert_eq!(cap.open(), 3);
    }
}
