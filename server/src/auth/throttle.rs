//! Login attempts of the last minute, kept in memory (docs/SECURITY.md, "Brute force on
//! logins").
//!
//! An attempt is recorded before its password is checked, and counted in the same step
//! (under one lock), so guesses sent together count against each other and cannot race
//! the throttle; it is forgotten when the password was right. The window is a minute:
//! nothing here needs to outlive the process, and nothing here touches the database, so
//! a flood of wrong logins does not queue durable writes in front of the hall's casts
//! (on SQLite, one writer for both: docs/PERFORMANCE.md, "Under a hostile LAN").

use std::collections::HashMap;
use std::sync::Mutex;

/// How long an attempt counts, in seconds.
pub const WINDOW_SECONDS: i64 = 60;

/// One recorded attempt, to forget if its password was right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptId(u64);

/// What the throttle knew when an attempt was recorded (the attempt included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Attempts for this account name from this client address in the window.
    pub from_address: usize,
    /// Attempts for this account name from every address in the window.
    pub everywhere: usize,
}

#[derive(Debug)]
struct Attempt {
    id: u64,
    address: String,
    at: i64,
}

#[derive(Debug, Default)]
struct Attempts {
    next_id: u64,
    by_username: HashMap<String, Vec<Attempt>>,
    /// When every account name's old attempts were last dropped.
    swept_at: i64,
}

/// The login attempts of the last [`WINDOW_SECONDS`], by account name and client address.
#[derive(Debug, Default)]
pub struct LoginAttempts {
    inner: Mutex<Attempts>,
}

impl LoginAttempts {
    /// Records an attempt for `username` from `address` at `now` (Unix seconds) and
    /// counts the attempts in the window, this one included.
    pub fn begin(&self, username: &str, address: &str, now: i64) -> (AttemptId, Counts) {
        let since = now - WINDOW_SECONDS;
        let mut a = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Account names tried once and never again are dropped once a window.
        if now - a.swept_at >= WINDOW_SECONDS {
            a.by_username.retain(|_, list| {
                list.retain(|t| t.at >= since);
                !list.is_empty()
            });
            a.swept_at = now;
        }
        a.next_id += 1;
        let id = a.next_id;
        let list = a.by_username.entry(username.to_owned()).or_default();
        list.retain(|t| t.at >= since);
        list.push(Attempt { id, address: address.to_owned(), at: now });
        let counts =
            Counts { from_address: list.iter().filter(|t| t.address == address).count(), everywhere: list.len() };
        (AttemptId(id), counts)
    }

    /// Forgets an attempt whose password was right.
    pub fn forget(&self, username: &str, attempt: AttemptId) {
        let mut a = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(list) = a.by_username.get_mut(username) {
            list.retain(|t| t.id != attempt.0);
            if list.is_empty() {
                a.by_username.remove(username);
            }
        }
    }

    /// Account names with an attempt kept (for tests of the memory bound).
    pub fn names_kept(&self) -> usize {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner).by_username.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_by_address_and_everywhere_within_the_window() {
        let t = LoginAttempts::default();
        for s in 0..3 {
            t.begin("chair", "10.0.0.5", 1_000 + s);
        }
        let (_, c) = t.begin("chair", "10.0.0.9", 1_010);
        assert_eq!(c, Counts { from_address: 1, everywhere: 4 });
        let (_, c) = t.begin("chair", "10.0.0.5", 1_010);
        assert_eq!(c, Counts { from_address: 4, everywhere: 5 });
        // Another account name is counted apart.
        assert_eq!(t.begin("clerk", "10.0.0.5", 1_010).1, Counts { from_address: 1, everywhere: 1 });
        // More than a minute after the first three, they no longer count.
        let (_, c) = t.begin("chair", "10.0.0.5", 1_063);
        assert_eq!(c, Counts { from_address: 2, everywhere: 3 });
    }

    #[test]
    fn a_right_password_forgets_its_attempt() {
        let t = LoginAttempts::default();
        t.begin("chair", "a", 1);
        let (id, _) = t.begin("chair", "a", 2);
        t.forget("chair", id);
        assert_eq!(t.begin("chair", "a", 3).1.from_address, 2);
    }

    #[test]
    fn names_tried_once_are_dropped_after_a_window() {
        let t = LoginAttempts::default();
        for i in 0..1_000 {
            t.begin(&format!("guess{i}"), "a", 100);
        }
        assert_eq!(t.names_kept(), 1_000);
        t.begin("chair", "a", 101 + WINDOW_SECONDS);
        assert_eq!(t.names_kept(), 1);
    }

    #[test]
    fn concurrent_attempts_each_see_the_others() {
        let t = std::sync::Arc::new(LoginAttempts::default());
        let seen: Vec<usize> = std::thread::scope(|s| {
            let hands: Vec<_> = (0..8)
                .map(|_| {
                    let t = std::sync::Arc::clone(&t);
                    s.spawn(move || t.begin("chair", "a", 5).1.from_address)
                })
                .collect();
            hands.into_iter().map(|h| h.join().unwrap_or(0)).collect()
        });
        let mut seen = seen;
        seen.sort_unstable();
        assert_eq!(seen, (1..=8).collect::<Vec<_>>());
    }
}
