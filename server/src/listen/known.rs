//! The addresses from which the hall's stations have been heard: the connection
//! caps keep headroom for them ([`super::STATION_HEADROOM_DIVISOR`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// An address stays known this long after its last verified station request. A
/// booth is silent between polls, for an hour or more while the hall debates;
/// a day covers a session.
pub const KNOWN_FOR: Duration = Duration::from_secs(24 * 3600);

/// Past this many addresses the set forgets those not heard within
/// [`KNOWN_FOR`]. Only a valid station signature adds an address, so the set
/// grows with the hall's stations, not with an attacker's addresses.
const PRUNE_AT: usize = 4096;

/// Addresses from which a signed station request was verified recently. Marked by
/// the station request extractor (`http::station_auth`) once a signature has
/// verified and its nonce was fresh; read by the accept loop. Addresses are kept
/// whole (an IPv6 address is not widened to its /64): another machine on a
/// station's network is not a station.
#[derive(Debug, Default)]
pub struct KnownStations {
    heard: Mutex<HashMap<IpAddr, Instant>>,
}

impl KnownStations {
    /// A station was heard from `ip` just now.
    pub fn mark(&self, ip: IpAddr) {
        let now = Instant::now();
        // A panic elsewhere while holding the lock leaves the set usable.
        let mut heard = self.heard.lock().unwrap_or_else(PoisonError::into_inner);
        if heard.len() >= PRUNE_AT && !heard.contains_key(&ip.to_canonical()) {
            heard.retain(|_, at| now.saturating_duration_since(*at) < KNOWN_FOR);
        }
        heard.insert(ip.to_canonical(), now);
    }

    /// Whether a station was heard from `ip` within [`KNOWN_FOR`].
    pub fn is_known(&self, ip: IpAddr) -> bool {
        let heard = self.heard.lock().unwrap_or_else(PoisonError::into_inner);
        heard.get(&ip.to_canonical()).is_some_and(|at| at.elapsed() < KNOWN_FOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_known_once_marked_and_ipv6_is_not_widened() {
        let known = KnownStations::default();
        let station: IpAddr = "2001:db8::10".parse().unwrap();
        assert!(!known.is_known(station));
        known.mark(station);
        assert!(known.is_known(station));
        assert!(!known.is_known("2001:db8::11".parse().unwrap()));
        known.mark(IpAddr::from([192, 0, 2, 7]));
        assert!(known.is_known("::ffff:192.0.2.7".parse().unwrap()));
    }
}
