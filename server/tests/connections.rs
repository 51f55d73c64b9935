//! The server's own connection management (crate::listen, docs/SECURITY.md):
//! idle and half-sent connections are closed, one address cannot take every
//! connection or every TLS handshake slot, and the hall's stations are served
//! while ordinary clients have used up their share. Loopback addresses other
//! than 127.0.0.1 (Linux routes all of 127.0.0.0/8 to lo) stand for different
//! clients.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use hallvote_server::config::{ServeConfig, TlsSource};
use hallvote_server::db::Store;
use hallvote_server::listen::ConnectionLimits;
use hallvote_server::tls::PinnedCertVerifier;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Long enough that a connection the server keeps is not mistaken for one it
/// closed, on a machine busy with other builds; the server closes refused
/// connections at once and timed-out ones after a second.
const PATIENCE: Duration = Duration::from_secs(15);

struct Running {
    addr: SocketAddr,
    fingerprint: Option<String>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap().unwrap();
    }
}

fn config(dir: &std::path::Path, tls: Option<TlsSource>, connections: ConnectionLimits) -> ServeConfig {
    ServeConfig {
        database_url: format!("sqlite://{}?mode=rwc", dir.join("hallvote.db").display()),
        listen: "127.0.0.1:0".parse().unwrap(),
        key_file: dir.join("hallvote-server.key"),
        tls,
        connections,
    }
}

async fn start_in(dir: tempfile::TempDir, tls: Option<TlsSource>, connections: ConnectionLimits) -> Running {
    let server = hallvote_server::Server::bind(&config(dir.path(), tls, connections)).await.unwrap();
    let addr = server.local_addr().unwrap();
    let fingerprint = server.tls().map(|t| t.fingerprint.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running { addr, fingerprint, stop, task, _dir: dir }
}

async fn start(connections: ConnectionLimits) -> Running {
    start_in(tempfile::tempdir().unwrap(), None, connections).await
}

/// A connection to `addr` from the loopback address 127.0.0.`host`.
async fn connect_from(host: u8, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((Ipv4Addr::new(127, 0, 0, host), 0))).unwrap();
    socket.connect(addr).await.unwrap()
}

/// Whether the server closes the connection (end of stream or reset) within
/// [`PATIENCE`]; any bytes it sends first are read and dropped.
async fn closed_by_server(stream: &mut (impl AsyncRead + Unpin)) -> bool {
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(PATIENCE, read).await.is_ok()
}

/// Whether the connection is still open: nothing to read and no end of stream
/// within a short look.
async fn still_open(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await.is_err()
}

/// `GET path` on a keep-alive connection; the status, or `None` if the server
/// closed the connection without an answer.
async fn get(stream: &mut (impl AsyncRead + AsyncWrite + Unpin), path: &str, headers: &str) -> Option<u16> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: hall\r\nAccept-Language: en\r\n{headers}\r\n");
    if stream.write_all(req.as_bytes()).await.is_err() {
        return None;
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await.expect("an answer or a close") {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&got[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: ").map(|n| n.trim().parse().unwrap()))
        .expect("a sized answer");
    while got.len() < head_end + length {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    Some(head.split(' ').nth(1).unwrap().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = start(ConnectionLimits { idle_timeout: Duration::from_secs(1), ..ConnectionLimits::default() }).await;
    // One that never sends anything, and one idle after an answer (keep-alive).
    let mut silent = connect_from(1, server.addr).await;
    let mut kept = connect_from(1, server.addr).await;
    assert_eq!(get(&mut kept, "/healthz", "").await, Some(200));
    assert!(closed_by_server(&mut silent).await, "a connection that sends nothing is closed");
    assert!(closed_by_server(&mut kept).await, "a keep-alive connection with nothing in flight is closed");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_request_head_is_closed_after_the_header_timeout() {
    // The idle timeout stays long: what closes the connection is the head left unfinished.
    let server = start(ConnectionLimits {
        header_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(600),
        ..ConnectionLimits::default()
    })
    .await;
    let mut slow = connect_from(1, server.addr).await;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: hall\r\n").await.unwrap();
    assert!(closed_by_server(&mut slow).await, "a half-sent head is closed");
    // A connection that sends whole heads is served, and kept between them.
    let mut fine = connect_from(1, server.addr).await;
    assert_eq!(get(&mut fine, "/healthz", "").await, Some(200));
    assert!(still_open(&mut fine).await);
    assert_eq!(get(&mut fine, "/healthz", "").await, Some(200));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_per_address_cap_connections_are_closed_while_another_address_is_served() {
    let server = start(ConnectionLimits { per_address: 4, ..ConnectionLimits::default() }).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut c = connect_from(2, server.addr).await;
        assert_eq!(get(&mut c, "/healthz", "").await, Some(200));
        held.push(c);
    }
    let mut over = connect_from(2, server.addr).await;
    assert_eq!(get(&mut over, "/healthz", "").await, None, "the fifth connection from one address is closed");
    let mut other = connect_from(3, server.addr).await;
    assert_eq!(get(&mut other, "/healthz", "").await, Some(200), "another address is served");
    // A connection closed gives its place back.
    drop(held.pop());
    let mut served = false;
    for _ in 0..50 {
        let mut again = connect_from(2, server.addr).await;
        if get(&mut again, "/healthz", "").await == Some(200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "a place freed is taken again");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_station_address_is_served_while_ordinary_clients_fill_their_share() {
    // Enrol a booth before the server starts, through the API in-process.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&config(dir.path(), None, ConnectionLimits::default()).database_url).await.unwrap();
    let (app, clients) = common::setup(store.clone()).await;
    let organiser = common::as_role(&clients, hallvote_server::auth::Role::Organiser);
    let booth = common::enrol_station(&app, &organiser, "booth", "投票机1").await;
    drop(app);
    store.close().await;
    // 8 connections in all: 6 for ordinary clients, 2 more for the stations.
    let limits = ConnectionLimits { max_connections: Some(8), per_address: 4, ..ConnectionLimits::default() };
    let server = start_in(dir, None, limits).await;

    // The booth at 127.0.0.4 is heard once (a signed request that verifies).
    let mut station = connect_from(4, server.addr).await;
    let path = "/api/stations/whoami";
    let nonce: [u8; 16] = rand::random();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let signed: String =
        hallvote_server::stations_protocol::sign_request(&booth.key, booth.id, &Method::GET, path, now, &nonce, b"")
            .into_iter()
            .map(|(name, value)| format!("{name}: {}\r\n", value.to_str().unwrap()))
            .collect();
    assert_eq!(get(&mut station, path, &signed).await, Some(200));
    drop(station);

    // Ordinary clients from two addresses take their share: 4 + 2. The station's
    // connection, closed just now, is counted out by the server a moment later: until
    // then a client may be refused, so each tries again (a condition awaited, bounded).
    let mut ordinary = Vec::new();
    for host in [2, 2, 2, 2, 3, 3] {
        let mut admitted = None;
        for _ in 0..50 {
            let mut c = connect_from(host, server.addr).await;
            if get(&mut c, "/healthz", "").await == Some(200) {
                admitted = Some(c);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ordinary.push(admitted.expect("an ordinary client within its share is served"));
    }
    let mut third = connect_from(5, server.addr).await;
    assert_eq!(get(&mut third, "/healthz", "").await, None, "ordinary clients' share is taken");
    // The station's address is still served (waiting for its old connection to be counted out).
    let mut served = 0;
    let mut kept = Vec::new();
    for _ in 0..50 {
        let mut c = connect_from(4, server.addr).await;
        if get(&mut c, "/healthz", "").await == Some(200) {
            served += 1;
            kept.push(c);
            if served == 2 {
                break;
            }
        } else {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(served, 2, "the station's address uses the headroom");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_tls_handshakes_from_one_address_do_not_stop_another() {
    hallvote_server::listen::raise_descriptor_limit();
    // A long handshake timeout: what lets the other address through is the cap per
    // address, not stalled handshakes timing out.
    let limits = ConnectionLimits { handshake_timeout: Duration::from_secs(60), ..ConnectionLimits::default() };
    let server = start_in(tempfile::tempdir().unwrap(), Some(TlsSource::SelfSigned), limits).await;
    // More stalled handshakes from 127.0.0.2 than there are handshake slots in all.
    let mut stalled = Vec::new();
    for _ in 0..300 {
        stalled.push(connect_from(2, server.addr).await);
    }
    let connector = tokio_rustls::TlsConnector::from(Arc::new(
        PinnedCertVerifier::client_config(server.fingerprint.as_ref().unwrap()).unwrap(),
    ));
    let tcp = connect_from(3, server.addr).await;
    let mut tls = tokio::time::timeout(PATIENCE, connector.connect(ServerName::try_from("localhost").unwrap(), tcp))
        .await
        .expect("the other address's handshake is not held up")
        .unwrap();
    assert_eq!(get(&mut tls, "/healthz", "").await, Some(200));
    // 127.0.0.2 still holds its first handshakes (nothing timed out to let the
    // other through); those beyond its cap were closed at once.
    assert!(still_open(&mut stalled[0]).await, "the first stalled handshake is still held");
    assert!(closed_by_server(stalled.last_mut().unwrap()).await, "handshakes beyond the address's cap are closed");
    drop(stalled);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_request_in_flight_and_closes_idle_connections() {
    let server = start(ConnectionLimits::default()).await;
    let mut idle = connect_from(1, server.addr).await;
    assert_eq!(get(&mut idle, "/healthz", "").await, Some(200));
    // A request whose body has not all arrived when the shutdown begins.
    let body = br#"{"username": "nobody", "password": "wrong-password"}"#;
    let mut busy = connect_from(1, server.addr).await;
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: hall\r\nAccept-Language: en\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    busy.write_all(head.as_bytes()).await.unwrap();
    busy.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.stop.send(()).unwrap();
    assert!(closed_by_server(&mut idle).await, "an idle connection is closed at shutdown");
    assert!(!server.task.is_finished(), "the server waits for the request in flight");
    busy.write_all(&body[10..]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, busy.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    server.task.await.unwrap().unwrap();
}
