//! Counting connections (or TLS handshakes) against a cap: a global cap, a share
//! of it for ordinary clients with a cap per address, and the rest kept for the
//! addresses of the hall's stations.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::{KnownStations, STATION_HEADROOM_DIVISOR};
use crate::http::limits::connection_key;

/// Admits what it counts (connections or handshakes) under its caps.
#[derive(Debug)]
pub struct Admission {
    what: &'static str,
    cap: usize,
    ordinary_cap: usize,
    per_address: usize,
    stations: Arc<KnownStations>,
    counts: Mutex<Counts>,
    refused: AtomicU64,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    ordinary: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One admitted connection or handshake; counted until dropped.
#[derive(Debug)]
pub struct Admitted {
    admission: Arc<Admission>,
    key: IpAddr,
    ordinary: bool,
}

/// Why something was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The whole cap is taken.
    Full(&'static str, u64),
    /// Ordinary clients have taken their share of the cap.
    OrdinaryShare(&'static str, u64),
    /// This address holds its cap.
    Address(&'static str, u64),
}

impl Refusal {
    /// Logs the refusal at debug level, with the number refused so far: a flood
    /// of refusals must not flood the log.
    pub fn log(self, peer: SocketAddr) {
        let (what, reason, refused) = match self {
            Self::Full(what, n) => (what, "the server's cap is reached", n),
            Self::OrdinaryShare(what, n) => (what, "ordinary clients' share is taken", n),
            Self::Address(what, n) => (what, "this address holds its cap", n),
        };
        tracing::debug!(%peer, refused_so_far = refused, "{what} refused: {reason}");
    }
}

impl Admission {
    /// Counts `what` under `cap` in all, the cap less its station headroom for
    /// ordinary clients together, and `per_address` for one ordinary address.
    pub fn new(what: &'static str, cap: usize, per_address: usize, stations: Arc<KnownStations>) -> Self {
        let cap = cap.max(1);
        Self {
            what,
            cap,
            ordinary_cap: cap - cap / STATION_HEADROOM_DIVISOR,
            per_address,
            stations,
            counts: Mutex::default(),
            refused: AtomicU64::new(0),
        }
    }

    /// Admits one more from `ip`, or says why not. An address from which a station
    /// has been heard recently is held only to the whole cap.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, Refusal> {
        let key = connection_key(ip);
        let ordinary = !self.stations.is_known(ip);
        // A panic elsewhere while holding the lock leaves the counts usable.
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let refusal: Option<fn(&'static str, u64) -> Refusal> = if counts.total >= self.cap {
            Some(Refusal::Full)
        } else if ordinary && counts.ordinary >= self.ordinary_cap {
            Some(Refusal::OrdinaryShare)
        } else if ordinary && counts.by_address.get(&key).copied().unwrap_or(0) >= self.per_address {
            Some(Refusal::Address)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            drop(counts);
            return Err(refusal(self.what, self.refused.fetch_add(1, Ordering::Relaxed) + 1));
        }
        counts.total += 1;
        if ordinary {
            counts.ordinary += 1;
            *counts.by_address.entry(key).or_insert(0) += 1;
        }
        Ok(Admitted { admission: Arc::clone(self), key, ordinary })
    }

    /// How many are admitted now.
    pub fn open(&self) -> usize {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).total
    }

    /// How many have been refused since the start.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut counts = self.admission.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.total -= 1;
        if self.ordinary {
            counts.ordinary -= 1;
            if let Some(n) = counts.by_address.get_mut(&self.key) {
                *n -= 1;
                if *n == 0 {
                    counts.by_address.remove(&self.key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn ordinary_clients_are_held_to_their_address_cap_and_share() {
        let stations = Arc::new(KnownStations::default());
        let a = Arc::new(Admission::new("connection", 8, 4, Arc::clone(&stations)));
        let first: Vec<_> = (0..4).map(|_| a.admit(ip(1)).unwrap()).collect();
        assert!(matches!(a.admit(ip(1)), Err(Refusal::Address(..))));
        let second: Vec<_> = (0..2).map(|_| a.admit(ip(2)).unwrap()).collect();
        // 6 of 8: ordinary clients' share is taken; a station's address is served.
        assert!(matches!(a.admit(ip(3)), Err(Refusal::OrdinaryShare(..))));
        stations.mark(ip(4));
        let station: Vec<_> = (0..2).map(|_| a.admit(ip(4)).unwrap()).collect();
        assert!(matches!(a.admit(ip(4)), Err(Refusal::Full(..))));
        assert_eq!(a.open(), 8);
        assert_eq!(a.refused(), 3);
        drop(first);
        assert_eq!(a.open(), 4);
        assert!(a.admit(ip(3)).is_ok());
        drop((second, station));
        assert_eq!(a.open(), 0);
    }

    #[test]
    fn ipv6_addresses_count_by_their_slash_64() {
        let a = Arc::new(Admission::new("connection", 100, 2, Arc::default()));
        let x: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let y: IpAddr = "2001:db8:1:2::2".parse().unwrap();
        let z: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        let _held = (a.admit(x).unwrap(), a.admit(y).unwrap());
        assert!(matches!(a.admit(x), Err(Refusal::Address(..))));
        assert!(a.admit(z).is_ok());
    }
}
