//! `hallvote loadtest`: a real server on a local port, a poll with the 11-candidate
//! election set up through the HTTP API (roster, check-in, officers, key ceremony,
//! credentials), then many booths casting over keep-alive HTTP/1.1 connections.
//!
//! Two measurements: **throughput**, every booth casting as fast as the server
//! answers (closed loop); and **latency at a given rate**, casts started on a fixed
//! schedule spread over the booths, as a hall's booths would send them (open loop).
//! Ballots are encrypted and credentials issued before the clock starts: what is
//! measured is the server's cast path (signature check, credential, every proof,
//! the transaction, the signed tree head, the receipt).
//!
//! The server runs in this process ([`run`]) or in a process of its own
//! ([`serve_only`] there, [`measure`] here), so that its CPU time per cast can be
//! read apart from the load generator's ([`cpu`]). Either way the raw cost of one
//! cast, the cryptography the server cannot avoid, is measured in the same run
//! ([`RawCost`]) and reported beside it.
//!
//! With `--hostile` ([`Hostile`]), a third measurement at the same rate runs while
//! idle connections, hall-display event streams and wrong logins from other
//! addresses press on the server's connection limits ([`hostile`]).

pub mod cpu;
mod hostile;
mod raw;

pub use hostile::{AttackReport, Hostile};
pub use raw::RawCost;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use hallvote_crypto::credential::{BlindSignature, Credential, blind, finalize};
use hallvote_crypto::dkg::{Dealer, DealerCommitments, Params, ceremony_output, key_share};
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::sealed::{RecipientKey, RecipientSecret, seal_share};
use hallvote_crypto::sign::SigningKey;
use hallvote_protocol::stations::StationKind;
use hallvote_protocol::wire::{
    Appointee, Appointment, BallotDefinition, Blob, CardScan, CeremonyView, ConfirmRequest, Congress, DealingRequest,
    EnrolRequest, EnrolledStation, EntryRequest, IssueRequest, Issued, IssuedEnrolment, KeyCheckAnswer, KeyCheckTest,
    NewCongress, NewEnrolment, NewSession, PollView, RecipientRequest, SealedShare, Session, SessionInfo, Status,
};
use hallvote_tally::ballot::{BallotContext, BallotShape, PlainBallot, encrypt_ballot};
use hallvote_tally::record::Manifest;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::auth::Role;
use crate::auth::password::hash_password;
use crate::db::Store;
use crate::db::accounts::{self, NewAccount};
use crate::http::{AppState, router};
use crate::listen::{ConnectionLimits, ServeOptions};
use crate::stations_protocol::sign_request;

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    /// Booths casting at once.
    pub booths: usize,
    /// Ballots cast in each of the two measurements.
    pub ballots: usize,
    /// The rate of the open-loop measurement, casts per second.
    pub rate: f64,
    /// A third measurement at `rate` under this hostile load, if any.
    pub hostile: Option<Hostile>,
    /// Whether to make the two measurements without load (off only for a test that
    /// wants the one under load alone, sooner).
    pub quiet: bool,
}

/// One measurement.
#[derive(Clone, Debug)]
pub struct Phase {
    /// Casts receipted.
    pub casts: usize,
    /// Wall time from the first send to the last receipt.
    pub seconds: f64,
    /// Latency percentiles in milliseconds: p50, p90, p95, p99, max.
    pub latency_ms: [f64; 5],
    /// CPU time per cast of the server's process, microseconds (with the server
    /// in this process, of the whole process: server and load generator).
    pub server_cpu_us: Option<f64>,
    /// CPU time per cast of the load generator's process, when the server runs in
    /// a process of its own.
    pub generator_cpu_us: Option<f64>,
    /// The server process's CPU time per cast by kind of thread (verifiers, the
    /// async runtime's workers, SQLite's connection workers…), microseconds.
    pub server_threads_us: Vec<(String, f64)>,
}

impl Phase {
    /// Receipted casts per second.
    pub fn per_second(&self) -> f64 {
        self.casts as f64 / self.seconds
    }
}

/// The outcome of a load test.
#[derive(Clone, Debug)]
pub struct LoadReport {
    /// Every booth as fast as it can (unless `quiet` was off).
    pub throughput: Option<Phase>,
    /// Casts on a fixed schedule at the configured rate (unless `quiet` was off).
    pub at_rate: Option<Phase>,
    /// Casts at `rate` under the hostile load, and what the hostile clients met.
    pub under_load: Option<(Phase, AttackReport)>,
    /// The board's size at the end (every cast receipted once).
    pub board_size: u64,
    /// The raw cost of one cast, measured in this run.
    pub raw: Option<RawCost>,
    /// Whether the server ran in a process of its own.
    pub separate: bool,
}

/// A load test step failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(String);

impl LoadError {
    /// A failure described by `what`.
    pub fn new(what: impl std::fmt::Display) -> Self {
        Self(what.to_string())
    }
}

fn fail(what: impl std::fmt::Display) -> LoadError {
    LoadError::new(what)
}

/// One keep-alive HTTP/1.1 connection to the server.
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Self, LoadError> {
        let stream = TcpStream::connect(addr).await.map_err(fail)?;
        stream.set_nodelay(true).map_err(fail)?;
        Self::over(stream).await
    }

    /// A connection from the loopback address `from` (a client of its own).
    async fn open_from(addr: SocketAddr, from: std::net::Ipv4Addr) -> Result<Self, LoadError> {
        Self::over(hostile::connect_from(from, addr).await.map_err(fail)?).await
    }

    async fn over(stream: TcpStream) -> Result<Self, LoadError> {
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(fail)?;
        tokio::spawn(conn);
        Ok(Self { sender })
    }

    async fn send(&mut self, req: Request<Full<Bytes>>) -> Result<(StatusCode, Value), LoadError> {
        self.sender.ready().await.map_err(fail)?;
        let res = self.sender.send_request(req).await.map_err(fail)?;
        let status = res.status();
        let bytes = res.into_body().collect().await.map_err(fail)?.to_bytes();
        let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Ok((status, json))
    }
}

/// A logged-in organiser.
#[derive(Clone)]
struct Account {
    cookie: String,
    csrf: String,
}

/// An enrolled station.
struct Station {
    id: u64,
    key: SigningKey,
}

fn request(method: Method, path: &str, body: Vec<u8>) -> hyper::http::request::Builder {
    let mut req = Request::builder().method(method).uri(path).header(header::HOST, "localhost");
    if !body.is_empty() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    req
}

async fn as_account<T: DeserializeOwned>(
    conn: &mut Conn,
    who: &Account,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<T, LoadError> {
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let answer = send_again_while_limited(conn, path, || {
        request(method.clone(), path, body.clone())
            .header(header::COOKIE, &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .body(Full::new(Bytes::from(body.clone())))
            .map_err(fail)
    })
    .await?;
    decode(path, answer)
}

/// The answer to `path` as its wire type: a changed answer is an error naming it.
fn decode<T: DeserializeOwned>(path: &str, answer: Value) -> Result<T, LoadError> {
    serde_json::from_value(answer).map_err(|e| fail(format!("{path}: unexpected answer: {e}")))
}

/// A request body from its wire type.
fn json_body(value: &impl Serialize) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// Sends the request `make` builds; over a rate limit (429), waits a second and sends
/// a new one, as the hall's stations and the console do, up to [`MAX_RATE_LIMITED`]
/// times in a row. The set-up's requests come as fast as they are answered (3,000
/// check-ins, 3,000 issuances), over the per-host and per-station rates.
async fn send_again_while_limited(
    conn: &mut Conn,
    path: &str,
    mut make: impl FnMut() -> Result<Request<Full<Bytes>>, LoadError>,
) -> Result<Value, LoadError> {
    let mut refused = 0;
    loop {
        let (status, json) = conn.send(make()?).await?;
        if status == StatusCode::TOO_MANY_REQUESTS && refused < MAX_RATE_LIMITED {
            refused += 1;
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        if !status.is_success() {
            return Err(fail(format!("{path}: {status} {json}")));
        }
        return Ok(json);
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn signed(st: &Station, method: Method, path: &str, body: Vec<u8>) -> Result<Request<Full<Bytes>>, LoadError> {
    let nonce: [u8; 16] = rand::random();
    let mut req = request(method.clone(), path, body.clone());
    for (name, value) in sign_request(&st.key, st.id, &method, path, unix_now(), &nonce, &body) {
        req = req.header(name, value);
    }
    req.body(Full::new(Bytes::from(body))).map_err(fail)
}

async fn as_station<T: DeserializeOwned>(
    conn: &mut Conn,
    st: &Station,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<T, LoadError> {
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    // Signed anew for each sending: a station's nonce is spent once.
    let answer = send_again_while_limited(conn, path, || signed(st, method.clone(), path, body.clone())).await?;
    decode(path, answer)
}

/// Check-in desks (and desk stations issuing credentials) working at once in the set-up.
const DESKS: u8 = 4;

/// How many times in a row a set-up request is sent again after a 429.
const MAX_RATE_LIMITED: u32 = 30;

async fn enrol(conn: &mut Conn, org: &Account, kind: StationKind, name: &str) -> Result<Station, LoadError> {
    let new = NewEnrolment { kind, name: name.to_owned(), server_url: Some("http://127.0.0.1".to_owned()) };
    let issued: IssuedEnrolment =
        as_account(conn, org, Method::POST, "/api/stations/enrolments", json_body(&new)).await?;
    let key = SigningKey::generate(&mut rand::rng());
    let claim = EnrolRequest { token: issued.token, public_key: hex::encode(key.verifying_key().as_bytes()) };
    let claim = serde_json::to_string(&claim).map_err(fail)?;
    let path = "/api/stations/enrol";
    let station = send_again_while_limited(conn, path, || {
        request(Method::POST, path, claim.clone().into_bytes())
            .body(Full::new(Bytes::from(claim.clone())))
            .map_err(fail)
    })
    .await?;
    let station: EnrolledStation = decode(path, station)?;
    Ok(Station { id: u64::try_from(station.id).map_err(fail)?, key })
}

fn progress(what: &str) {
    eprintln!("hallvote loadtest: {what}");
}

/// The 11-candidate election for 9 seats.
fn poll_definition() -> Value {
    let names = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周强", "吴刚", "徐丽"];
    json!({ "name": "选举镇党委委员", "contests": [
        { "id": "committee", "title": "选举镇党委委员", "type": "election", "kind": "competitive",
          "by_election": false, "seats": 9, "candidates": names.iter().map(|n| json!({"name": n})).collect::<Vec<_>>() }
    ]})
}

/// Runs the key ceremony of `poll` with three scrutineer stations (2 of 3), then each
/// station's key check (spec §5.7), so that the poll can open.
async fn ceremony(conn: &mut Conn, scrutineers: &[Station], poll: i64) -> Result<(), LoadError> {
    let path = format!("/api/station/polls/{poll}/ceremony");
    let mut rng = rand::rng();
    let n = u32::try_from(scrutineers.len()).map_err(fail)?;
    let params = Params::new(2, n).map_err(fail)?;
    let first: CeremonyView = as_station(conn, &scrutineers[0], Method::GET, &path, None).await?;
    let ceremony = first.ceremony_id.0;
    let manifest = Manifest::decode(&first.manifest.0).map_err(fail)?;
    let mut secrets = Vec::new();
    for (j, st) in (1..=n).zip(scrutineers) {
        let sk = RecipientSecret::generate(&mut rng);
        let sig = sk.public().sign_publication(&st.key, &ceremony, j);
        let recipient =
            RecipientRequest { key: Blob::from(&sk.public().as_bytes()[..]), signature: Blob::from(&sig[..]) };
        let _: IgnoredAny =
            as_station(conn, st, Method::POST, &format!("{path}/recipient"), json_body(&recipient)).await?;
        secrets.push(sk);
    }
    for (j, st) in (1..=n).zip(scrutineers) {
        let view: CeremonyView = as_station(conn, st, Method::GET, &path, None).await?;
        let dealer = Dealer::new(params, j, &mut rng).map_err(fail)?;
        let mut shares = Vec::new();
        for r in &view.recipients {
            let (to, published) = (r.index, &r.data.0);
            let key = RecipientKey::from_bytes(published.get(..32).unwrap_or_default()).map_err(fail)?;
            let signer =
                &manifest.scrutineers.get((to as usize).wrapping_sub(1)).ok_or_else(|| fail("recipient index"))?.key;
            key.verify_publication(signer, &ceremony, to, published.get(32..).unwrap_or_default()).map_err(fail)?;
            let sealed = seal_share(&key, &ceremony, &dealer.share_for(to).map_err(fail)?, &mut rng).map_err(fail)?;
            shares.push(SealedShare { recipient: to, sealed: Blob::from(&sealed[..]) });
        }
        let dealing = DealingRequest { message: Blob(dealer.commitments(&ceremony, &mut rng).to_bytes()), shares };
        let _: IgnoredAny = as_station(conn, st, Method::POST, &format!("{path}/dealing"), json_body(&dealing)).await?;
    }
    let mut received = Vec::new();
    let mut messages = Vec::new();
    for (j, (st, sk)) in (1..=n).zip(scrutineers.iter().zip(&secrets)) {
        let view: CeremonyView = as_station(conn, st, Method::GET, &path, None).await?;
        messages = view
            .dealings
            .iter()
            .map(|d| DealerCommitments::decode(&d.data.0).map_err(fail))
            .collect::<Result<Vec<_>, _>>()?;
        let mut mine = Vec::new();
        for s in &view.shares {
            let dealer = s.index;
            let share = hallvote_crypto::sealed::open_share(sk, &ceremony, dealer, j, &s.data.0).map_err(fail)?;
            let msg = messages.get((dealer as usize).wrapping_sub(1)).ok_or_else(|| fail("dealer index"))?;
            share.verify(msg).map_err(fail)?;
            mine.push(share);
        }
        received.push(mine);
        let confirm = ConfirmRequest { complaints: Vec::new() };
        let _: IgnoredAny = as_station(conn, st, Method::POST, &format!("{path}/confirm"), json_body(&confirm)).await?;
    }
    let output = ceremony_output(params, &messages).map_err(fail)?;
    for ((j, st), mine) in (1..=n).zip(scrutineers).zip(&received) {
        let share = key_share(j, mine, &output).map_err(fail)?;
        let check = format!("/api/station/polls/{poll}/key-check");
        let test: KeyCheckTest = as_station(conn, st, Method::POST, &format!("{check}/test"), None).await?;
        let ciphertext = Ciphertext::decode(&test.ciphertext.0).map_err(fail)?;
        let answer = hallvote_tally::key_check::answer(&share, &test.election.0, &ciphertext, &mut rng);
        let answer = KeyCheckAnswer { share: Blob::from(&answer[..]) };
        let _: IgnoredAny = as_station(conn, st, Method::POST, &check, json_body(&answer)).await?;
    }
    Ok(())
}

/// A ballot ready to cast: its request body.
type Prepared = Vec<u8>;

/// Encrypts one ballot per credential, on every core.
async fn prepare(
    shape: &Arc<BallotShape>,
    key: &Arc<PublicKey>,
    election: [u8; 64],
    credentials: Vec<Credential>,
) -> Result<Vec<Prepared>, LoadError> {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let chunk = credentials.len().div_ceil(cores).max(1);
    let mut tasks = Vec::new();
    for part in credentials.chunks(chunk).map(<[Credential]>::to_vec) {
        let (shape, key) = (Arc::clone(shape), Arc::clone(key));
        tasks.push(tokio::task::spawn_blocking(move || {
            let mut rng = rand::rng();
            part.iter()
                .map(|cred| {
                    let ctx = BallotContext { election, serial: cred.serial() };
                    let marks = PlainBallot::random(&shape, &mut rng).map_err(fail)?;
                    let (ballot, _) = encrypt_ballot(&shape, &key, &ctx, &marks, &mut rng).map_err(fail)?;
                    let entry = EntryRequest {
                        credential: Blob(cred.to_bytes()),
                        ballot: Blob(ballot.to_bytes()),
                        opening: None,
                    };
                    serde_json::to_vec(&entry).map_err(fail)
                })
                .collect::<Result<Vec<_>, LoadError>>()
        }));
    }
    let mut out = Vec::with_capacity(credentials.len());
    for t in tasks {
        out.extend(t.await.map_err(fail)??);
    }
    Ok(out)
}

fn percentiles(mut ms: Vec<f64>) -> [f64; 5] {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0.0);
    [at(0.50), at(0.90), at(0.95), at(0.99), ms.last().copied().unwrap_or(0.0)]
}

/// The loopback address booth `b` connects from: a host of its own, as in a hall
/// (Linux routes all of 127.0.0.0/8 to lo). 127.1.x.y, apart from the hostile
/// clients' 127.0.x.y.
fn booth_address(b: usize) -> std::net::Ipv4Addr {
    let (net, host) = (b / 250, 1 + b % 250);
    std::net::Ipv4Addr::new(127, 1, u8::try_from(net).unwrap_or(u8::MAX), u8::try_from(host).unwrap_or(u8::MAX))
}

/// Casts every prepared ballot from `booths` connections. With `rate`, cast `i`
/// starts at `i / rate` seconds (open loop); without, each booth casts its next
/// ballot as soon as the last is receipted (closed loop).
async fn drive(
    addr: SocketAddr,
    booths: &[Arc<Station>],
    poll: i64,
    ballots: Vec<Prepared>,
    rate: Option<f64>,
) -> Result<Phase, LoadError> {
    let ballots = Arc::new(ballots);
    let next = Arc::new(AtomicUsize::new(0));
    let path = Arc::new(format!("/api/station/polls/{poll}/cast"));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (b, booth) in booths.iter().enumerate() {
        let (ballots, next, path, booth) =
            (Arc::clone(&ballots), Arc::clone(&next), Arc::clone(&path), Arc::clone(booth));
        let mut conn = Conn::open_from(addr, booth_address(b)).await?;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = ballots.get(i) else { break };
                let due = rate.map(|r| start + Duration::from_secs_f64(i as f64 / r));
                if let Some(due) = due {
                    tokio::time::sleep_until(due.into()).await;
                }
                let sent = due.unwrap_or_else(Instant::now);
                let req = signed(&booth, Method::POST, &path, body.clone())?;
                let (status, json) = conn.send(req).await?;
                if status != StatusCode::OK {
                    return Err(fail(format!("cast {i}: {status} {json}")));
                }
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, LoadError>(latencies)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(fail)??);
    }
    let seconds = start.elapsed().as_secs_f64();
    Ok(Phase {
        casts: all.len(),
        seconds,
        latency_ms: percentiles(all),
        server_cpu_us: None,
        generator_cpu_us: None,
        server_threads_us: Vec::new(),
    })
}

/// A poll set up through the HTTP API, open, with a credential issued to each of its
/// delegates and one ballot encrypted under each: ready to cast (see [`set_up`]).
pub struct Ready {
    org: Account,
    sid: i64,
    /// The poll's row id.
    pub poll: i64,
    /// The poll's `E` (spec §11.2).
    pub election: [u8; 64],
    /// The key the server signs tree heads with (the manifest's).
    pub server_key: hallvote_crypto::sign::VerifyingKey,
    booths: Vec<Arc<Station>>,
    /// One cast request body (an [`EntryRequest`]) per delegate.
    pub ballots: Vec<Vec<u8>>,
    raw: raw::RawInputs,
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ready {{ poll: {}, booths: {}, ballots: {} }}", self.poll, self.booths.len(), self.ballots.len())
    }
}

impl Ready {
    /// A connection of booth `b` (of those [`set_up`] enrolled) to the server at `addr`:
    /// any server process of the same database accepts it.
    pub async fn booth(&self, addr: SocketAddr, b: usize) -> Result<Booth, LoadError> {
        let station = Arc::clone(self.booths.get(b).ok_or_else(|| fail(format!("no booth {b}")))?);
        Ok(Booth { conn: Conn::open_from(addr, booth_address(b)).await?, station, poll: self.poll })
    }
}

/// One booth's keep-alive connection to a server process.
pub struct Booth {
    conn: Conn,
    station: Arc<Station>,
    poll: i64,
}

impl Booth {
    /// Casts a prepared ballot: the status and the answer (a receipt on 200).
    pub async fn cast(&mut self, body: &[u8]) -> Result<(StatusCode, Value), LoadError> {
        let path = format!("/api/station/polls/{}/cast", self.poll);
        let req = signed(&self.station, Method::POST, &path, body.to_vec())?;
        self.conn.send(req).await
    }
}

/// Sets up, through the HTTP API of the server at `addr` as the organiser `username`,
/// a congress with `voters` delegates, all checked in; the 11-candidate election with
/// three scrutineer stations (2 of 3), its key ceremony and key checks; opens it;
/// enrols `booth_count` booths; issues every delegate a credential at desk stations
/// and encrypts one random ballot under each.
pub async fn set_up(
    addr: SocketAddr,
    username: &str,
    password: &str,
    voters: usize,
    booth_count: usize,
) -> Result<Ready, LoadError> {
    let mut conn = Conn::open(addr).await?;
    let login = json!({"username": username, "password": password}).to_string();
    let req = request(Method::POST, "/api/login", login.clone().into_bytes())
        .body(Full::new(Bytes::from(login)))
        .map_err(fail)?;
    conn.sender.ready().await.map_err(fail)?;
    let res = conn.sender.send_request(req).await.map_err(fail)?;
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| fail("no session cookie"))?
        .to_owned();
    let body = res.into_body().collect().await.map_err(fail)?.to_bytes();
    let answer: SessionInfo = serde_json::from_slice(&body).map_err(fail)?;
    let org = Account { cookie, csrf: answer.csrf_token.ok_or_else(|| fail("the login's answer has no csrf_token"))? };

    let congress =
        NewCongress { name: "中国共产党青山镇第十五届代表大会".to_owned(), number: 15, term_years: 5 };
    let c: Congress = as_account(&mut conn, &org, Method::POST, "/api/congresses", json_body(&congress)).await?;
    let cid = c.id;
    let session = NewSession { number: 3, place: "礼堂".to_owned(), date: "今天".to_owned(), ruleset: None };
    let path = format!("/api/congresses/{cid}/sessions");
    let s: Session = as_account(&mut conn, &org, Method::POST, &path, json_body(&session)).await?;
    let sid = s.id;
    let mut csv = String::from("姓名,代表团,代表证号\n");
    for i in 1..=voters {
        csv.push_str(&format!("代表{i},第一代表团,L{i:05}\n"));
    }
    let req = request(Method::PUT, &format!("/api/congresses/{cid}/roster"), Vec::new())
        .header(header::CONTENT_TYPE, "text/csv")
        .header(header::COOKIE, &org.cookie)
        .header("x-csrf-token", &org.csrf)
        .body(Full::new(Bytes::from(csv)))
        .map_err(fail)?;
    let (status, report) = conn.send(req).await?;
    if !status.is_success() {
        return Err(fail(format!("roster: {status} {report}")));
    }
    // Check-in at several desks at once, each a host of its own (127.0.6.x).
    let mut tasks = Vec::new();
    for k in 0..DESKS {
        let (org, mut conn) = (org.clone(), Conn::open_from(addr, std::net::Ipv4Addr::new(127, 0, 6, 1 + k)).await?);
        tasks.push(tokio::spawn(async move {
            for i in (1..=voters).skip(usize::from(k)).step_by(usize::from(DESKS)) {
                let card = CardScan { qr: None, card: Some(format!("L{i:05}")) };
                let path = format!("/api/sessions/{sid}/checkin");
                let _: IgnoredAny = as_account(&mut conn, &org, Method::POST, &path, json_body(&card)).await?;
            }
            Ok::<_, LoadError>(())
        }));
    }
    for t in tasks {
        t.await.map_err(fail)??;
    }
    let p: PollView =
        as_account(&mut conn, &org, Method::POST, &format!("/api/sessions/{sid}/polls"), Some(poll_definition()))
            .await?;
    let poll = p.id;
    // Officers: three scrutineers from the last delegates (not candidates).
    let mut scrutineers = Vec::new();
    for j in 1..=3 {
        scrutineers.push(enrol(&mut conn, &org, StationKind::Scrutineer, &format!("监票{j}")).await?);
    }
    let mut desks = Vec::new();
    for k in 1..=DESKS {
        desks.push(Arc::new(enrol(&mut conn, &org, StationKind::Desk, &format!("报到处{k}")).await?));
    }
    let mut booths = Vec::new();
    for b in 1..=booth_count {
        booths.push(Arc::new(enrol(&mut conn, &org, StationKind::Booth, &format!("投票机{b}")).await?));
    }
    let scrutineers_appointed = scrutineers
        .iter()
        .enumerate()
        .map(|(i, st)| {
            Ok(Appointee { card: format!("L{:05}", voters - i), station: i64::try_from(st.id).map_err(fail)? })
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    let appointment = Appointment { threshold: 2, scrutineers: scrutineers_appointed, counters: Vec::new() };
    let path = format!("/api/polls/{poll}/officers");
    let _: IgnoredAny = as_account(&mut conn, &org, Method::POST, &path, json_body(&appointment)).await?;
    progress("key ceremony (2 of 3 scrutineers) and a new RSA credential key");
    let _: IgnoredAny = as_account(&mut conn, &org, Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await?;
    ceremony(&mut conn, &scrutineers, poll).await?;
    let _: IgnoredAny = as_account(&mut conn, &org, Method::POST, &format!("/api/polls/{poll}/open"), None).await?;

    progress(&format!("issuing {voters} credentials at the desk"));
    let def: BallotDefinition =
        as_station(&mut conn, &booths[0], Method::GET, &format!("/api/station/polls/{poll}/ballot"), None).await?;
    let manifest = Manifest::decode(&def.manifest.0).map_err(fail)?;
    let (poll_id, election, joint) = (def.poll_id.0, def.election.0, def.joint_key.0);
    let key = Arc::new(hallvote_tally::record::builder::joint_key(&joint).map_err(fail)?);
    let shape = Arc::new(manifest.shape().map_err(fail)?);
    // Issuance at the desks at once, each a station and a host of its own (127.0.7.x).
    let credential_key = Arc::new(manifest.credential_key.clone());
    let mut tasks = Vec::new();
    for (k, desk) in (0u8..).zip(&desks) {
        let (desk, key) = (Arc::clone(desk), Arc::clone(&credential_key));
        let mut conn = Conn::open_from(addr, std::net::Ipv4Addr::new(127, 0, 7, 1 + k)).await?;
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in (1..=voters).skip(usize::from(k)).step_by(usize::from(DESKS)) {
                let (req, state) = blind(&key, &poll_id, &mut rand::rng()).map_err(fail)?;
                let issue =
                    IssueRequest { qr: None, card: Some(format!("L{i:05}")), blinded: Blob::from(req.as_bytes()) };
                let path = format!("/api/station/polls/{poll}/issue");
                let v: Issued = as_station(&mut conn, &desk, Method::POST, &path, json_body(&issue)).await?;
                let sig = BlindSignature::from_bytes(&v.blind_signature.0).map_err(fail)?;
                out.push(finalize(&key, state, &sig).map_err(fail)?);
            }
            Ok::<_, LoadError>(out)
        }));
    }
    let mut credentials = Vec::with_capacity(voters);
    for t in tasks {
        credentials.extend(t.await.map_err(fail)??);
    }
    progress(&format!("encrypting {voters} ballots"));
    let ballots = prepare(&shape, &key, election, credentials).await?;
    let raw = raw::RawInputs { shape, key, credential_key, poll_id, election, poll };
    Ok(Ready { org, sid, poll, election, server_key: manifest.server_key, booths, ballots, raw })
}

/// The organiser the load test logs in as, and its password.
pub const ORGANISER: &str = "loadtest";
const ORGANISER_PASSWORD: &str = "loadtest-organiser-password";

/// Creates the load test's organiser account in `store` (a new, empty database).
pub async fn create_organiser(store: &Store) -> Result<(), LoadError> {
    let hash = hash_password(ORGANISER_PASSWORD, &mut rand::rng()).map_err(fail)?;
    let new = NewAccount {
        username: ORGANISER,
        display_name: ORGANISER,
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: false,
    };
    accounts::create(store, &new, 0).await.map_err(fail)?;
    Ok(())
}

/// Starts the server on `store` on a new loopback port, with its own accept loop,
/// connection limits and `ConnectInfo`, as `hallvote serve` runs it: the hostile
/// clients meet the per-address limits, and each booth comes from an address of its
/// own (its rate is its station's, ADR 0015). Returns the address; the server runs
/// on this runtime until the process ends.
pub async fn serve_only(store: Store) -> Result<SocketAddr, LoadError> {
    let state = AppState::new(store, SigningKey::generate(&mut rand::rng()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(fail)?;
    let addr = listener.local_addr().map_err(fail)?;
    let options = ServeOptions {
        limits: ConnectionLimits::default(),
        connect_info: true,
        tls: None,
        stations: Arc::clone(&state.known_stations),
    };
    tokio::spawn(crate::listen::serve(listener, router(state), options, std::future::pending()));
    Ok(addr)
}

/// Runs the load test on `store` (a new, empty database), the server in this process.
pub async fn run(store: Store, cfg: &LoadConfig) -> Result<LoadReport, LoadError> {
    create_organiser(&store).await?;
    let addr = serve_only(store).await?;
    measure(addr, None, cfg).await
}

/// CPU time of the server's process and of this one, read around a phase.
struct CpuMark {
    server: Option<Duration>,
    generator: Option<Duration>,
    threads: std::collections::BTreeMap<String, Duration>,
}

impl CpuMark {
    fn now(server_pid: Option<u32>) -> Self {
        Self {
            server: cpu::process(server_pid.unwrap_or_else(std::process::id)),
            generator: server_pid.and_then(|_| cpu::this_process()),
            threads: cpu::threads(server_pid.unwrap_or_else(std::process::id)),
        }
    }

    fn per_cast(self, server_pid: Option<u32>, mut phase: Phase) -> Phase {
        let after = Self::now(server_pid);
        phase.server_cpu_us = cpu::per_cast_us(self.server, after.server, phase.casts);
        phase.generator_cpu_us = cpu::per_cast_us(self.generator, after.generator, phase.casts);
        phase.server_threads_us = after
            .threads
            .iter()
            .filter_map(|(kind, &t)| {
                let us =
                    cpu::per_cast_us(Some(self.threads.get(kind).copied().unwrap_or_default()), Some(t), phase.casts)?;
                (us > 0.0).then(|| (kind.clone(), us))
            })
            .collect();
        phase
    }
}

/// Rounds of the raw cost measurement (the cheapest kept, step by step).
const RAW_ROUNDS: usize = 7;

/// Runs the load test against the server at `addr`, whose database has the
/// organiser [`create_organiser`] made; `server_pid` is the server's process when it
/// is not this one.
pub async fn measure(addr: SocketAddr, server_pid: Option<u32>, cfg: &LoadConfig) -> Result<LoadReport, LoadError> {
    let rounds = 2 * usize::from(cfg.quiet) + usize::from(cfg.hostile.is_some());
    let voters = cfg.ballots * rounds;

    progress(&format!("setting up: {voters} delegates, {} booths, the 11-candidate election", cfg.booths));
    let ready = set_up(addr, ORGANISER, ORGANISER_PASSWORD, voters, cfg.booths).await?;
    let Ready { org, sid, poll, booths, ballots: mut prepared, raw: raw_inputs, .. } = ready;
    progress("the raw cost of one cast, in CPU time on one thread");
    let sample = prepared.iter().take(crate::casting::MAX_CHECK_BATCH).cloned().collect::<Vec<_>>();
    let raw =
        tokio::task::spawn_blocking(move || raw::measure(&raw_inputs, &sample, RAW_ROUNDS)).await.map_err(fail)??;

    let (mut throughput, mut at_rate) = (None, None);
    if cfg.quiet {
        let rest = prepared.split_off(cfg.ballots);
        progress(&format!(
            "throughput: {} ballots from {} booths, each casting as fast as it is answered",
            cfg.ballots, cfg.booths
        ));
        let mark = CpuMark::now(server_pid);
        throughput = Some(mark.per_cast(server_pid, drive(addr, &booths, poll, prepared, None).await?));
        prepared = rest;
        let rest = prepared.split_off(cfg.ballots);
        progress(&format!("latency: {} ballots at {} per second over {} booths", cfg.ballots, cfg.rate, cfg.booths));
        let mark = CpuMark::now(server_pid);
        at_rate = Some(mark.per_cast(server_pid, drive(addr, &booths, poll, prepared, Some(cfg.rate)).await?));
        prepared = rest;
    }
    let under_load = match cfg.hostile {
        None => None,
        Some(hostile) => {
            progress(&format!(
                "under load: {} idle connections, {} event streams, {} clients sending wrong logins",
                hostile.idle, hostile.streams, hostile.logins
            ));
            let attack = hostile::start(addr, hostile, sid).await?;
            progress(&format!("latency under load: {} ballots at {} per second", cfg.ballots, cfg.rate));
            let health = tokio::spawn(hostile::health(addr));
            let casts = drive(addr, &booths, poll, prepared, Some(cfg.rate)).await;
            let health = health.await.map_err(fail)?;
            let report = attack.stop(health);
            Some((casts?, report))
        }
    };
    // A connection of its own: the setup's has been idle longer than the server keeps one.
    let mut conn = Conn::open(addr).await?;
    let status: Status = as_account(&mut conn, &org, Method::GET, &format!("/api/polls/{poll}/status"), None).await?;
    Ok(LoadReport {
        throughput,
        at_rate,
        under_load,
        board_size: status.board_size,
        raw: Some(raw),
        separate: server_pid.is_some(),
    })
}

/// Opens the store to measure: a new SQLite file in `dir`, or a new schema in the
/// PostgreSQL database at `url`. Returns the store, the backend's name, and the
/// schema to drop afterwards, and the URL another process opens the same store with.
pub async fn open_store(
    url: Option<&str>,
    dir: &std::path::Path,
) -> Result<(Store, &'static str, Option<String>, String), LoadError> {
    match url {
        None => {
            let url = format!("sqlite://{}?mode=rwc", dir.join("loadtest.db").display());
            Ok((Store::open(&url).await.map_err(fail)?, "SQLite", None, url))
        }
        Some(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
            let schema = format!("hallvote_loadtest_{:08x}", rand::random::<u32>());
            let admin = Store::connect(url).await.map_err(fail)?;
            sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.map_err(fail)?;
            admin.close().await;
            let sep = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{sep}options=-c%20search_path%3D{schema}");
            let store = Store::open(&url).await.map_err(fail)?;
            Ok((store, "PostgreSQL", Some(schema), url))
        }
        Some(other) => Err(fail(format!("--db takes a postgres:// URL (SQLite is the default): {other}"))),
    }
}

/// Drops the schema a PostgreSQL load test made.
pub async fn drop_schema(url: &str, schema: &str) {
    if let Ok(admin) = Store::connect(url).await {
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin.pool()).await;
        admin.close().await;
    }
}

/// The report as lines for people.
pub fn render(r: &LoadReport, backend: &str, cfg: &LoadConfig) -> String {
    let line = |name: &str, p: &Phase| {
        let [p50, p90, p95, p99, max] = p.latency_ms;
        format!(
            "{name}: {} casts in {:.2} s = {:.0} casts/s; latency p50 {p50:.1} ms, p90 {p90:.1} ms, p95 {p95:.1} ms, \
             p99 {p99:.1} ms, max {max:.1} ms",
            p.casts,
            p.seconds,
            p.per_second()
        )
    };
    let raw = r.raw.as_ref().map(RawCost::total_us);
    let cpu = |p: &Phase| {
        let server = p.server_cpu_us.map_or_else(
            || "  CPU per cast: not read".to_owned(),
            |us| {
                let whose = if r.separate { "server process" } else { "server and load generator (one process)" };
                let ratio = raw.map_or_else(String::new, |raw| format!(" = {:.2}× the raw cost", us / raw));
                format!("  CPU per cast, {whose}: {us:.0} µs{ratio}")
            },
        );
        let generator =
            p.generator_cpu_us.map_or_else(String::new, |us| format!("; load generator process: {us:.0} µs"));
        let threads = p.server_threads_us.iter().map(|(k, us)| format!("{k} {us:.0}")).collect::<Vec<_>>();
        let threads = if threads.is_empty() {
            String::new()
        } else {
            format!("\n  of which, by thread (µs): {}", threads.join(", "))
        };
        format!("\n{server}{generator}{threads}")
    };
    let mut out = format!(
        "hallvote loadtest on {backend}: {} booths, the 11-candidate election (9 seats); the server {}",
        cfg.booths,
        if r.separate { "in a process of its own" } else { "in the load generator's process" }
    );
    if let Some(c) = &r.raw {
        out.push_str(&format!(
            "\nraw cost of one cast (this run, one thread, CPU time): {:.0} µs = credential (RSA) {:.0} + station \
             signature (SHA-256 of the body, Ed25519) {:.0} + decode (decompressions) {:.0} + proofs queued (sums \
             compressed, challenges hashed) {:.0} + multiscalar share (batch of {}) {:.0} + tracking code and leaf \
             hash {:.0} + tree head signed (Ed25519) {:.0}",
            c.total_us(),
            c.credential_us,
            c.station_us,
            c.decode_us,
            c.queue_us,
            crate::casting::MAX_CHECK_BATCH,
            c.multiscalar_us,
            c.hashes_us,
            c.head_us,
        ));
    }
    if let Some(p) = &r.throughput {
        out.push_str(&format!("\n{}{}", line("throughput (closed loop)", p), cpu(p)));
    }
    if let Some(p) = &r.at_rate {
        out.push_str(&format!("\n{}{}", line(&format!("at {} casts/s (open loop)", cfg.rate), p), cpu(p)));
    }
    if let Some((phase, a)) = &r.under_load {
        let loaded = phase.latency_ms[3];
        let ratio = r.at_rate.as_ref().map_or_else(String::new, |quiet| {
            format!("p99 under load / p99 quiet: {:.2}; ", loaded / quiet.latency_ms[3].max(f64::MIN_POSITIVE))
        });
        out.push_str(&format!(
            "\n{}\n  {ratio}p99 under load / 100 ms limit: {:.2}\n  \
             hostile: {} idle connections and {} event streams open when the casts began, {} refused over the \
             display stream cap ({} events read); \
             wrong logins: {} checked, {} throttled; {} connections refused or failed\n  \
             health during the load: {} in {:.0} ms",
            line(&format!("at {} casts/s under load", cfg.rate), phase),
            loaded / 100.0,
            a.idle_open,
            a.streams_open,
            a.streams_refused,
            a.stream_chunks,
            a.logins_checked,
            a.logins_throttled,
            a.refused,
            a.health.0.map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
            a.health.1,
        ));
    }
    out.push_str(&format!("\nboard: {} entries", r.board_size));
    out
}
