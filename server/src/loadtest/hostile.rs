//! `hallvote loadtest --hostile`: the booths cast while the hall LAN is hostile
//! (issue 14's connection test): thousands of idle connections, hall-display
//! event streams and wrong logins, each from loopback addresses other than the
//! booths' (Linux routes all of 127.0.0.0/8 to lo), against the server's real
//! connection caps and timeouts (`crate::listen`).
//!
//! The attackers' loops end when the load test stops them (after the casts under
//! load), and every loop waits on the server's answers: the load is bounded in
//! count and in time.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode, header};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinHandle;

use super::{Conn, LoadError, fail, request};

/// The hostile clients, how many of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hostile {
    /// Connections opened and left idle (opened again when the server closes them).
    pub idle: usize,
    /// Hall-display event streams (`/api/sessions/{id}/events`) held open and read.
    pub streams: usize,
    /// Clients each sending wrong logins, one after another, for the whole run.
    pub logins: usize,
}

impl Hostile {
    /// The sizes of issue 14's connection test: 2,000 idle connections, 300 event
    /// streams, 150 concurrent wrong logins.
    pub const HALL_TEST: Self = Self { idle: 2000, streams: 300, logins: 150 };
}

/// Idle connections and login clients per address: under the server's connection cap
/// per address (`listen::PER_ADDRESS_CONNECTIONS`), so that what is measured is the
/// server holding them all, not refusing most.
const PER_ADDRESS: usize = 50;

/// Event streams per address: the server's own cap per address
/// (`http::stream_cap::MAX_DISPLAY_STREAMS_PER_ADDRESS`), so that the streams reach
/// the server's cap in all, as an attacker with many addresses would.
const STREAMS_PER_ADDRESS: usize = crate::http::stream_cap::MAX_DISPLAY_STREAMS_PER_ADDRESS;

/// What the hostile clients met.
#[derive(Clone, Debug, Default)]
pub struct AttackReport {
    /// Idle connections open when the casts began.
    pub idle_open: usize,
    /// Event streams that had their first answer when the casts began.
    pub streams_open: usize,
    /// Event stream clients the server refused (429 or 503: the display stream cap)
    /// when the casts began, having answered them.
    pub streams_refused: usize,
    /// Events (and keep-alive comments) the streams read, in all.
    pub stream_chunks: u64,
    /// Wrong logins answered 401 (the password was checked).
    pub logins_checked: u64,
    /// Wrong logins answered 429 (throttled before the password was checked).
    pub logins_throttled: u64,
    /// Connections that failed or that the server closed at once (over a cap).
    pub refused: u64,
    /// The health request made while the casts ran: its status (`None`: no
    /// answer) and how long it took, in milliseconds.
    pub health: (Option<u16>, f64),
}

#[derive(Debug, Default)]
struct Counters {
    idle_open: AtomicUsize,
    streams_open: AtomicUsize,
    streams_refused: AtomicUsize,
    stream_chunks: AtomicU64,
    logins_checked: AtomicU64,
    logins_throttled: AtomicU64,
    refused: AtomicU64,
}

/// The hostile clients at work.
pub(super) struct Attack {
    counters: Arc<Counters>,
    tasks: Vec<JoinHandle<()>>,
    idle_open: usize,
    streams_open: usize,
    streams_refused: usize,
}

/// The loopback address of client `i` of a kind whose addresses are 127.0.`net`.x,
/// `per` clients an address.
fn address(net: u8, i: usize, per: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, net, u8::try_from(1 + i / per).unwrap_or(u8::MAX))
}

/// A TCP connection to `addr` from the loopback address `from`.
pub(super) async fn connect_from(from: Ipv4Addr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((from, 0)))?;
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Opens the idle connections and the event streams (waiting until they are
/// open) and starts the wrong logins. The session `session` has a hall display.
pub(super) async fn start(addr: SocketAddr, hostile: Hostile, session: i64) -> Result<Attack, LoadError> {
    let counters = Arc::new(Counters::default());
    let mut tasks = Vec::new();
    for i in 0..hostile.idle {
        let stream = connect_from(address(2, i, PER_ADDRESS), addr).await;
        tasks.push(tokio::spawn(idle(addr, address(2, i, PER_ADDRESS), stream, Arc::clone(&counters))));
    }
    let path = Arc::new(format!("/api/sessions/{session}/events"));
    for i in 0..hostile.streams {
        tasks.push(tokio::spawn(stream(
            addr,
            address(3, i, STREAMS_PER_ADDRESS),
            Arc::clone(&path),
            Arc::clone(&counters),
        )));
    }
    for i in 0..hostile.logins {
        tasks.push(tokio::spawn(logins(addr, address(4, i, PER_ADDRESS), i, Arc::clone(&counters))));
    }
    // Every stream client has its first answer: figures, or a refusal over the
    // server's cap on display streams.
    let answered = |c: &Counters| c.streams_open.load(Ordering::Relaxed) + c.streams_refused.load(Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered(&counters) < hostile.streams && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let idle_open = counters.idle_open.load(Ordering::Relaxed);
    let streams_open = counters.streams_open.load(Ordering::Relaxed);
    let streams_refused = counters.streams_refused.load(Ordering::Relaxed);
    if streams_open + streams_refused < hostile.streams {
        return Err(fail(format!(
            "only {} of {} event streams were answered within a minute",
            streams_open + streams_refused,
            hostile.streams
        )));
    }
    Ok(Attack { counters, tasks, idle_open, streams_open, streams_refused })
}

impl Attack {
    /// Stops every hostile client and reports what they met.
    pub(super) fn stop(self, health: (Option<u16>, f64)) -> AttackReport {
        for task in &self.tasks {
            task.abort();
        }
        let c = &self.counters;
        AttackReport {
            idle_open: self.idle_open,
            streams_open: self.streams_open,
            streams_refused: self.streams_refused,
            stream_chunks: c.stream_chunks.load(Ordering::Relaxed),
            logins_checked: c.logins_checked.load(Ordering::Relaxed),
            logins_throttled: c.logins_throttled.load(Ordering::Relaxed),
            refused: c.refused.load(Ordering::Relaxed),
            health,
        }
    }
}

/// Holds a connection open sending nothing; when the server closes it (its idle
/// timeout, or over a cap), opens another after a second.
async fn idle(addr: SocketAddr, from: Ipv4Addr, first: std::io::Result<TcpStream>, counters: Arc<Counters>) {
    let mut next = Some(first);
    loop {
        let stream = match next.take() {
            Some(s) => s,
            None => connect_from(from, addr).await,
        };
        if let Ok(mut stream) = stream {
            counters.idle_open.fetch_add(1, Ordering::Relaxed);
            let opened = Instant::now();
            let mut buf = [0u8; 64];
            // Returns when the server closes the connection.
            let _ = stream.read(&mut buf).await;
            counters.idle_open.fetch_sub(1, Ordering::Relaxed);
            if opened.elapsed() < Duration::from_secs(1) {
                counters.refused.fetch_add(1, Ordering::Relaxed);
            }
        } else {
            counters.refused.fetch_add(1, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Reads a hall display's event stream for as long as it lasts, then opens another.
async fn stream(addr: SocketAddr, from: Ipv4Addr, path: Arc<String>, counters: Arc<Counters>) {
    let mut first = true;
    loop {
        if let Ok(mut conn) = Conn::open_from(addr, from).await {
            let req = request(Method::GET, &path, Vec::new())
                .header(header::ACCEPT, "text/event-stream")
                .body(Full::new(Bytes::new()));
            let answer = match req {
                Ok(req) if conn.sender.ready().await.is_ok() => conn.sender.send_request(req).await.ok(),
                _ => None,
            };
            if let Some(res) = &answer
                && first
                && matches!(res.status(), StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE)
            {
                counters.streams_refused.fetch_add(1, Ordering::Relaxed);
                first = false;
            }
            if let Some(res) = answer
                && res.status() == StatusCode::OK
            {
                let mut body = res.into_body();
                while let Some(Ok(frame)) = body.frame().await {
                    if frame.is_data() {
                        if first {
                            counters.streams_open.fetch_add(1, Ordering::Relaxed);
                            first = false;
                        }
                        counters.stream_chunks.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
        counters.refused.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Wrong logins, one after another on a keep-alive connection, each for an
/// account name of its own (so that no account's throttle spares the others).
async fn logins(addr: SocketAddr, from: Ipv4Addr, i: usize, counters: Arc<Counters>) {
    let body = serde_json::json!({"username": format!("guess{i}"), "password": "not-the-password"}).to_string();
    loop {
        let Ok(mut conn) = Conn::open_from(addr, from).await else {
            counters.refused.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        loop {
            let Ok(req) = request(Method::POST, "/api/login", body.clone().into_bytes())
                .body(Full::new(Bytes::from(body.clone())))
            else {
                return;
            };
            match conn.send(req).await {
                Ok((StatusCode::UNAUTHORIZED, _)) => counters.logins_checked.fetch_add(1, Ordering::Relaxed),
                Ok((StatusCode::TOO_MANY_REQUESTS, _)) => counters.logins_throttled.fetch_add(1, Ordering::Relaxed),
                Ok(_) => 0,
                Err(_) => break,
            };
        }
        counters.refused.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// `GET /healthz` on a new connection from an address of its own: the status
/// (`None` if there was no answer within a minute) and the time it took.
pub(super) async fn health(addr: SocketAddr) -> (Option<u16>, f64) {
    let start = Instant::now();
    let ask = async {
        let mut conn = Conn::open_from(addr, Ipv4Addr::new(127, 0, 5, 1)).await?;
        let req = request(Method::GET, "/healthz", Vec::new()).body(Full::new(Bytes::new())).map_err(fail)?;
        let (status, _) = conn.send(req).await?;
        Ok::<_, LoadError>(status.as_u16())
    };
    let status = tokio::time::timeout(Duration::from_secs(60), ask).await.ok().and_then(Result::ok);
    (status, start.elapsed().as_secs_f64() * 1000.0)
}
