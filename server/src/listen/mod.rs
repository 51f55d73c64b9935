//! The server's own accept loop (docs/adr/0014-own-accept-loop.md): every TCP
//! connection `hallvote serve` takes is admitted against the connection caps,
//! shakes hands under the TLS handshake caps if the server speaks TLS, and is then
//! served by hyper's HTTP/1.1 connection with a header-read and an idle timeout.
//!
//! What the limits stop and what they do not is in docs/SECURITY.md. The numbers
//! are the constants below; [`ConnectionLimits`] carries them, and tests set
//! smaller ones through [`crate::ServeConfig`].

mod admission;
mod conn;
mod known;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

pub use admission::{Admission, Admitted, Refusal};
pub use known::KnownStations;

/// A client that has begun a request head must finish it within this time. A
/// hall's clients send a head in one packet; five seconds is room for a slow
/// Wi-Fi retransmission or two, and short enough that a client trickling a head
/// byte by byte (slowloris) holds its connection for seconds, not forever.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection with no request in flight on which no request head has arrived
/// for this long is closed. Browsers keep idle connections for up to a few
/// minutes and open a new one when theirs was closed; booths cast every few
/// seconds to a minute, and a closed connection costs them one new handshake.
/// Forty-five seconds keeps the booths' connections open between casts while
/// an idle connection does not hold a descriptor for long. A response being
/// written (a hall display's event stream) is not idle.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);

/// A client that has not finished its TLS handshake by then is dropped. A
/// handshake on a hall LAN takes milliseconds; five seconds is room for a slow
/// station, and a stalled handshake holds its slot no longer.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// The most connections one process holds at once, whatever its descriptor
/// limit: a hall has at most a few thousand delegates, stations and observers'
/// browsers, and each connection costs memory (buffers, a task) as well as a
/// descriptor. Below this, the cap is the descriptor limit less
/// [`RESERVED_DESCRIPTORS`].
pub const MAX_CONNECTIONS: usize = 8192;

/// Descriptors kept for everything but client connections: the database pool
/// (at most 16 connections), the SQLite file and its journal, key and
/// certificate files, roster uploads read from temporary files, the listening
/// socket, the runtime's own, and a margin so that `accept` does not fail for
/// want of a descriptor.
pub const RESERVED_DESCRIPTORS: usize = 256;

/// Connections one ordinary client address may hold (an IPv6 address counted by
/// its /64, as the rate limit counts it). A browser opens at most six to a
/// server; twenty browsers behind one NAT (a guest Wi-Fi, observers' phones)
/// stay under it, while one machine cannot take more than a small part of
/// the server's connections.
pub const PER_ADDRESS_CONNECTIONS: usize = 128;

/// The hall's own stations keep this part of the connection and handshake caps:
/// ordinary clients together may use the cap less a quarter of it, addresses
/// of known stations ([`KnownStations`]) the whole of it.
pub const STATION_HEADROOM_DIVISOR: usize = 4;

/// At most this many TLS handshakes run at once. A handshake costs a signature
/// (ECDSA P-256, well under a millisecond) and a few kilobytes; 64 at once is
/// more than 200 booths starting together need, since each takes milliseconds.
pub const MAX_HANDSHAKES: usize = 64;

/// At most this many TLS handshakes from one client address run at once, so that
/// one address cannot hold all of [`MAX_HANDSHAKES`] with stalled handshakes. A
/// browser opens at most six connections to a server at once.
pub const HANDSHAKES_PER_ADDRESS: usize = 8;

/// The limits one server applies to its connections. [`Default`] gives the
/// constants above and a connection cap derived from the descriptor limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// [`IDLE_TIMEOUT`].
    pub idle_timeout: Duration,
    /// [`HANDSHAKE_TIMEOUT`].
    pub handshake_timeout: Duration,
    /// The connection cap; `None`: derived from the descriptor limit at start
    /// ([`connection_cap`]).
    pub max_connections: Option<usize>,
    /// [`PER_ADDRESS_CONNECTIONS`].
    pub per_address: usize,
    /// [`MAX_HANDSHAKES`].
    pub max_handshakes: usize,
    /// [`HANDSHAKES_PER_ADDRESS`].
    pub handshakes_per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            handshake_timeout: HANDSHAKE_TIMEOUT,
            max_connections: None,
            per_address: PER_ADDRESS_CONNECTIONS,
            max_handshakes: MAX_HANDSHAKES,
            handshakes_per_address: HANDSHAKES_PER_ADDRESS,
        }
    }
}

/// The peer address of the connection a request came on, in every request's
/// extensions, whether or not the router is given a `ConnectInfo` (a simulation
/// whose clients all share the loopback address has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Raises this process's soft limit of open descriptors to its hard limit (which
/// an unprivileged process may do) and returns the soft limit then in force;
/// `None` if it is unlimited. A failure leaves the limit as it was.
pub fn raise_descriptor_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = Rlimit { current: limit.maximum, maximum: limit.maximum };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            tracing::debug!(error = %e, "cannot raise the descriptor limit");
        }
    }
    getrlimit(Resource::Nofile).current
}

/// The connection cap for a soft descriptor limit of `descriptors` (`None`:
/// unlimited): the limit less [`RESERVED_DESCRIPTORS`], at most
/// [`MAX_CONNECTIONS`], and at least half the limit under a very low one.
pub fn connection_cap(descriptors: Option<u64>) -> usize {
    let Some(limit) = descriptors else { return MAX_CONNECTIONS };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    limit.saturating_sub(RESERVED_DESCRIPTORS).max(limit / 2).clamp(1, MAX_CONNECTIONS)
}

/// How a listener serves: its limits, whether requests carry a `ConnectInfo`
/// (the per-address rate limit and login throttle read it), and TLS.
#[derive(Clone)]
pub struct ServeOptions {
    /// The limits.
    pub limits: ConnectionLimits,
    /// Whether each request carries `ConnectInfo<SocketAddr>`.
    pub connect_info: bool,
    /// The TLS acceptor, if the server speaks TLS.
    pub tls: Option<TlsAcceptor>,
    /// Addresses of the hall's stations, which keep their headroom.
    pub stations: Arc<KnownStations>,
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting,
/// lets every request in flight finish, closes idle connections, and returns
/// once every connection has closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = &options.limits;
    let cap = limits.max_connections.unwrap_or_else(|| connection_cap(raise_descriptor_limit()));
    let connections = Arc::new(Admission::new("connection", cap, limits.per_address, Arc::clone(&options.stations)));
    let handshakes = Arc::new(Admission::new(
        "TLS handshake",
        limits.max_handshakes,
        limits.handshakes_per_address,
        Arc::clone(&options.stations),
    ));
    tracing::debug!(cap, per_address = limits.per_address, "accepting connections");
    let shared = Arc::new(conn::Shared { app, options: options.clone(), handshakes });
    // Fired once to start the graceful shutdown of every connection; each connection
    // task holds a receiver of `closed`, whose sender sees them all gone.
    let (stop_tx, stop_rx) = watch::channel(false);
    let (closed_tx, closed_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        let admitted = match connections.admit(peer.ip()) {
            Ok(admitted) => admitted,
            // Accepted and closed at once, so that the kernel's backlog does not
            // fill with connections the server would not serve.
            Err(refusal) => {
                drop(stream);
                refusal.log(peer);
                continue;
            }
        };
        // Small requests and answers: Nagle's delay would only slow them.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "cannot set TCP_NODELAY");
        }
        let shared = Arc::clone(&shared);
        let (stop, closed) = (stop_rx.clone(), closed_rx.clone());
        tokio::spawn(async move {
            conn::run(stream, peer, shared, stop).await;
            drop((admitted, closed));
        });
    }
    drop(listener);
    tracing::debug!(open = connections.open(), "shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    drop(closed_rx);
    closed_tx.closed().await;
    Ok(())
}

/// What to do about a failed `accept`: errors of one connection (reset before it
/// was taken) are that client's; running out of descriptors or memory is the
/// server's, and accepting again at once would only fail again.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tracing::debug!(error = %e, "connection failed before it was accepted");
        return;
    }
    tracing::error!(error = %e, "cannot accept connections; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_server_and_is_bounded() {
        assert_eq!(connection_cap(Some(1024)), 1024 - RESERVED_DESCRIPTORS);
        assert_eq!(connection_cap(Some(1 << 20)), MAX_CONNECTIONS);
        assert_eq!(connection_cap(None), MAX_CONNECTIONS);
        assert_eq!(connection_cap(Some(300)), 150);
        assert_eq!(connection_cap(Some(0)), 1);
    }

    #[test]
    fn the_soft_descriptor_limit_is_raised_to_the_hard_one() {
        let soft = raise_descriptor_limit();
        let now = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        assert_eq!(soft, now.current);
        // An unlimited hard limit cannot be the soft one (the kernel's nr_open bounds it).
        if now.maximum.is_some() {
            assert_eq!(now.current, now.maximum);
        }
    }
}
