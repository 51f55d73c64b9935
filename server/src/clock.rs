//! The server's clock for records: Unix seconds, read from the application state
//! (`AppState::clock`) so that every record, audit line, session expiry and
//! station-request skew check takes its time from one place, and a test can set it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the server reads the time: the system clock, or (for tests) a time that is
/// set by hand and shared by every clone.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock: the clock of every server that serves a hall.
    #[must_use]
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that stands at `unix_seconds` until [`Clock::set`] moves it.
    #[must_use]
    pub fn fixed(unix_seconds: i64) -> Self {
        Self { fixed: Some(Arc::new(AtomicI64::new(unix_seconds))) }
    }

    /// Moves a fixed clock (and every clone of it) to `unix_seconds`; returns false,
    /// and changes nothing, for the system clock.
    pub fn set(&self, unix_seconds: i64) -> bool {
        match &self.fixed {
            Some(t) => {
                t.store(unix_seconds, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Unix seconds now.
    #[must_use]
    pub fn now(&self) -> i64 {
        match &self.fixed {
            Some(t) => t.load(Ordering::Relaxed),
            None => system_now(),
        }
    }
}

/// Unix seconds by the system clock; before the application state exists (start-up)
/// and for callers outside the server (stations signing requests in tests).
#[must_use]
pub fn system_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_set_and_its_clones_follow() {
        let clock = Clock::fixed(1_000);
        let clone = clock.clone();
        assert_eq!(clock.now(), 1_000);
        assert!(clone.set(2_000));
        assert_eq!(clock.now(), 2_000);
    }

    #[test]
    fn the_system_clock_cannot_be_set() {
        let clock = Clock::system();
        assert!(!clock.set(5));
        assert!(clock.now() > 1_600_000_000);
    }
}
