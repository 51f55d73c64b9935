//! One connection: its TLS handshake (under the handshake caps and timeout), then
//! hyper's HTTP/1.1 connection, watched for a request head that does not finish
//! in time.
//!
//! Two timeouts, one each for what a connection can be waiting for:
//! - **idle**: hyper's own header-read timeout, which runs from the moment the
//!   connection has nothing in flight (its start, or the end of the last
//!   response) until a whole request head has arrived. It is set to the idle
//!   timeout: a connection that sends nothing is closed after it, and an
//!   answer being written (an event stream) does not run it.
//! - **head**: from the first byte of a request head until the whole head, the
//!   header timeout, far shorter. hyper cannot tell the first byte apart, so the
//!   connection's reads are watched here ([`Activity`]).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper::Request;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::{Admission, PeerAddr, ServeOptions};

/// What every connection task shares.
pub(super) struct Shared {
    pub app: Router,
    pub options: ServeOptions,
    pub handshakes: Arc<Admission>,
}

/// Serves one accepted connection until it closes, its client stalls, or the
/// server shuts down (then after the request in flight, if any).
pub(super) async fn run(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let Some(acceptor) = &shared.options.tls else {
        return serve_http(stream, peer, &shared, stop).await;
    };
    let slot = match shared.handshakes.admit(peer.ip()) {
        Ok(slot) => slot,
        Err(refusal) => return refusal.log(peer),
    };
    let handshake = tokio::time::timeout(shared.options.limits.handshake_timeout, acceptor.accept(stream));
    let tls = tokio::select! {
        tls = handshake => tls,
        _ = stop.wait_for(|stopping| *stopping) => return,
    };
    drop(slot);
    match tls {
        Ok(Ok(tls)) => serve_http(tls, peer, &shared, stop).await,
        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
    }
}

async fn serve_http<I>(io: I, peer: SocketAddr, shared: &Shared, mut stop: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = &shared.options.limits;
    let activity = Arc::new(Activity::default());
    let io = TokioIo::new(Watched { inner: io, activity: Arc::clone(&activity) });
    let service = {
        let (app, activity, connect_info) = (shared.app.clone(), Arc::clone(&activity), shared.options.connect_info);
        hyper::service::service_fn(move |mut req: Request<Incoming>| {
            let in_flight = InFlight::start(&activity);
            req.extensions_mut().insert(PeerAddr(peer));
            if connect_info {
                req.extensions_mut().insert(ConnectInfo(peer));
            }
            let answer = tower::ServiceExt::oneshot(app.clone(), req);
            async move {
                let res = answer.await?;
                Ok::<_, Infallible>(res.map(|body| Guarded { body, _in_flight: in_flight }))
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.idle_timeout);
    let mut conn = std::pin::pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection closed");
                }
                return;
            }
            () = activity.head_overdue(limits.header_timeout) => {
                tracing::debug!(%peer, "request head not finished in time: connection closed");
                return;
            }
            _ = stop.wait_for(|stopping| *stopping), if !stopping => {
                // Closes the connection now if it is idle, else after the answer in flight.
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// What a connection is doing, as far as its timeouts care.
#[derive(Debug, Default)]
struct Activity {
    state: Mutex<ActivityState>,
    head_started: Notify,
}

#[derive(Debug, Default)]
struct ActivityState {
    /// Requests whose head has arrived and whose answer has not been written whole.
    in_flight: usize,
    /// When the first byte of the next request head arrived, while none is in flight.
    head_started: Option<Instant>,
}

impl Activity {
    fn lock(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        // A panic elsewhere while holding the lock leaves the state usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bytes_read(&self) {
        let mut state = self.lock();
        if state.in_flight == 0 && state.head_started.is_none() {
            state.head_started = Some(Instant::now());
            drop(state);
            self.head_started.notify_one();
        }
    }

    /// Completes once a request head begun has not been finished within `timeout`.
    async fn head_overdue(&self, timeout: Duration) {
        loop {
            let started = self.lock().head_started;
            match started {
                // `notify_one` keeps a permit if no one waits yet, so a head begun
                // between the look and the wait is not missed.
                None => self.head_started.notified().await,
                Some(at) => {
                    tokio::time::sleep_until(at + timeout).await;
                    if self.lock().head_started == Some(at) {
                        return;
                    }
                }
            }
        }
    }
}

/// A request in flight on its connection, from its head until its answer has
/// been written whole (or dropped).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: &Arc<Activity>) -> Self {
        let mut state = activity.lock();
        state.in_flight += 1;
        state.head_started = None;
        drop(state);
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

/// An answer's body that keeps its request in flight until hyper has written it.
struct Guarded {
    body: Body,
    _in_flight: InFlight,
}

impl hyper::body::Body for Guarded {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A connection's byte stream, telling [`Activity`] of every read.
struct Watched<I> {
    inner: I,
    activity: Arc<Activity>,
}

impl<I: AsyncRead + Unpin> AsyncRead for Watched<I> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.bytes_read();
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Watched<I> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
