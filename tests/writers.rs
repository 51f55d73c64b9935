//! Many writers, one board (issue 19; spec §14.12): two and three real `hallvote serve`
//! processes on one PostgreSQL database cast ballots over HTTP into the same poll at
//! once, as the booths of a county's halls would through several servers. In the
//! three-process run one of them is stopped (SIGSTOP) in the middle of an append —
//! its session idle inside the board's transaction, holding the poll's row lock —
//! and let go on (SIGCONT) only after PostgreSQL has ended that session and the
//! others have appended more. Afterwards, against the final board:
//!
//! - every ballot is on the board exactly once, and its receipt names its position;
//! - every receipt's head is the final tree's head at its size, signed by the server,
//!   with an inclusion proof that holds;
//! - every signed head any process served (the receipts, the stored heads, the public
//!   board summaries read from every process throughout) is the final tree's head at
//!   its size, and the final tree extends it (a consistency proof that verifies).
//!
//! The two-process run also checks that what one process promised lives in the
//! database, not in its memory (item 3): the other process finds and proves every
//! receipt, and a process killed (SIGKILL) and started again proves them too, and
//! casts on.
//!
//! PostgreSQL only: several processes on one SQLite file are not supported (the
//! guide). Without a PostgreSQL to reach, these tests fail; they do not skip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hallvote_crypto::merkle::{InclusionProof, MerkleLog, TreeHead, leaf_hash};
use hallvote_crypto::sign::{Signature, VerifyingKey, verify};
use hallvote_crypto::tags;
use hallvote_server::auth::Role;
use hallvote_server::auth::password::hash_password;
use hallvote_server::db::Store;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::db::casting::{StoredEntry, entries};
use hallvote_server::loadtest::{Ready, set_up};
use hallvote_tally::ballot::TrackingCode;
use hallvote_tally::record::BoardEntry;
use hallvote_tally::record::builder::head_message;
use serde_json::Value;
use sqlx::Row;

const ORGANISER: &str = "writers";
const PASSWORD: &str = "writers-organiser-password";
/// Booths casting at once through each process.
const BOOTHS_PER_SERVER: usize = 2;
/// How long PostgreSQL lets a session stay idle inside a transaction (ms): it ends a
/// stopped writer's session after that, and so takes the poll's row lock from it.
const IDLE_IN_TRANSACTION_MS: u32 = 2000;
/// How many times a ballot is sent before the test gives up on it.
const MAX_SENDS: u32 = 20;

/// A `hallvote serve` process, killed when the test ends (let go on first, if stopped).
struct Server {
    name: String,
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-CONT", &self.child.id().to_string()]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success(), "kill -{sig} {}", self.name);
    }
}

/// The database URL of process `name`: the test's schema, the idle-in-transaction
/// limit, and the process's name as its sessions' `application_name` (so the test
/// can tell its sessions apart in `pg_stat_activity`).
fn url_of(base: &str, schema: &str, name: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{sep}options=-c%20search_path%3D{schema}%20-c%20idle_in_transaction_session_timeout%3D{IDLE_IN_TRANSACTION_MS}\
         &application_name={name}"
    )
}

/// Starts `hallvote serve` on `url` with the shared server key file, and waits for
/// its address in the banner.
fn start(url: &str, key: &Path, name: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["serve", "--db", url, "--listen", "127.0.0.1:0", "--key-file"])
        .arg(key)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let addr = loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("{name}: no address in the banner"));
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    Server { name: name.to_owned(), child, addr }
}

/// A plain GET; the status and the JSON body.
fn get(addr: SocketAddr, path: &str) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn unb64(v: &Value) -> Vec<u8> {
    STANDARD.decode(v.as_str().unwrap_or_else(|| panic!("not base64: {v}"))).unwrap()
}

/// The test's database: a schema of its own in the PostgreSQL the tests use.
struct Database {
    base: String,
    schema: String,
    admin: Store,
}

impl Database {
    async fn new() -> Self {
        let base = std::env::var("HALLVOTE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let admin = Store::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("the many-writers tests need PostgreSQL at {base}: {e}"));
        let schema = format!("hv_writers_{:08x}", rand::random::<u32>());
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.unwrap();
        Self { base, schema, admin }
    }

    fn url(&self, name: &str) -> String {
        url_of(&self.base, &self.schema, name)
    }

    async fn remove(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema)).execute(self.admin.pool()).await.unwrap();
        self.admin.close().await;
    }
}

/// Starts `names.len()` processes on the database (the first one migrates it) and
/// sets a poll up through the first: ready to cast `voters` ballots.
async fn servers_and_poll(db: &Database, key: &Path, names: &[&str], voters: usize) -> (Vec<Server>, Ready, Store) {
    let mut servers = vec![start(&db.url(names[0]), key, names[0])];
    for name in &names[1..] {
        servers.push(start(&db.url(name), key, name));
    }
    let store = Store::connect(&db.url("writers-test")).await.unwrap();
    let hash = hash_password(PASSWORD, &mut rand::rng()).unwrap();
    let new = NewAccount {
        username: ORGANISER,
        display_name: ORGANISER,
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: false,
    };
    accounts::create(&store, &new, 0).await.unwrap();
    let ready = set_up(servers[0].addr, ORGANISER, PASSWORD, voters, BOOTHS_PER_SERVER * servers.len()).await.unwrap();
    (servers, ready, store)
}

/// A receipt as a booth got it: which ballot, through which process.
#[derive(Clone, Debug)]
struct Got {
    ballot: usize,
    server: String,
    receipt: Value,
}

/// A signed head a process served in its public board summary.
#[derive(Clone, Debug)]
struct Served {
    server: String,
    head: Vec<u8>,
    signature: Vec<u8>,
}

/// What the casting saw: receipts, answers other than a receipt, served heads.
#[derive(Default)]
struct Seen {
    receipts: Mutex<Vec<Got>>,
    refusals: Mutex<Vec<(String, u16, Value)>>,
    heads: Mutex<Vec<Served>>,
}

/// Casts ballots `queue` holds through every server's booths at once, until each has
/// a receipt. A ballot that gets an error is sent again (the same request body, as a
/// booth does); a client error other than 429 fails the test.
fn spawn_casting(
    servers: &[Server],
    ready: &Arc<Ready>,
    queue: &Arc<Mutex<VecDeque<(usize, u32)>>>,
    seen: &Arc<Seen>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    for (s, server) in servers.iter().enumerate() {
        for k in 0..BOOTHS_PER_SERVER {
            let (ready, queue, seen) = (Arc::clone(ready), Arc::clone(queue), Arc::clone(seen));
            let (addr, name, b) = (server.addr, server.name.clone(), s * BOOTHS_PER_SERVER + k);
            tasks.push(tokio::spawn(async move {
                let mut booth = ready.booth(addr, b).await.unwrap();
                loop {
                    let Some((i, sends)) = queue.lock().unwrap().pop_front() else { break };
                    assert!(sends < MAX_SENDS, "ballot {i} sent {sends} times without a receipt");
                    // Bounded, so that a lost answer fails the test instead of hanging it.
                    let answer = tokio::time::timeout(Duration::from_secs(120), booth.cast(&ready.ballots[i]))
                        .await
                        .unwrap_or_else(|_| panic!("{name}: booth {b}: no answer to ballot {i} in 120 s"));
                    match answer {
                        Ok((status, receipt)) if status.as_u16() == 200 => {
                            seen.receipts.lock().unwrap().push(Got { ballot: i, server: name.clone(), receipt });
                        }
                        Ok((status, answer)) => {
                            let code = status.as_u16();
                            assert!(code == 429 || code >= 500, "{name}: ballot {i}: {code} {answer}");
                            seen.refusals.lock().unwrap().push((name.clone(), code, answer));
                            queue.lock().unwrap().push_back((i, sends + 1));
                            if code == 429 {
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                        }
                        Err(e) => {
                            // The connection broke: open another.
                            seen.refusals.lock().unwrap().push((name.clone(), 0, Value::String(e.to_string())));
                            queue.lock().unwrap().push_back((i, sends + 1));
                            booth = ready.booth(addr, b).await.unwrap();
                        }
                    }
                }
            }));
        }
    }
    tasks
}

/// Reads every process's public board summary over and over until `done`, keeping
/// each signed head served. A stopped process's reader waits with it.
fn spawn_head_readers(
    servers: &[Server],
    poll: i64,
    done: &Arc<AtomicBool>,
    seen: &Arc<Seen>,
) -> Vec<std::thread::JoinHandle<()>> {
    servers
        .iter()
        .map(|server| {
            let (addr, name, done, seen) = (server.addr, server.name.clone(), Arc::clone(done), Arc::clone(seen));
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    let (status, summary) = get(addr, &format!("/api/polls/{poll}/board"));
                    assert_eq!(status, 200, "{name}: {summary}");
                    if summary.get("head").is_some() {
                        let served = Served {
                            server: name.clone(),
                            head: unb64(&summary["head"]),
                            signature: unb64(&summary["signature"]),
                        };
                        seen.heads.lock().unwrap().push(served);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        })
        .collect()
}

/// The board's committed size, as the poll's row says.
async fn board_size(store: &Store, poll: i64) -> i64 {
    sqlx::query("SELECT board_size FROM polls WHERE id = $1")
        .bind(poll)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("board_size")
        .unwrap()
}

/// Waits (bounded) until `check` holds; what it is waited for is named in the panic.
async fn wait_for<F: Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while !check().await {
        assert!(Instant::now() < deadline, "waited too long for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The statements of the board's append (server/src/db/casting.rs, `append_batch`),
/// all of them after it has taken the poll's row lock.
const APPEND_STATEMENTS: [&str; 6] = [
    "UPDATE polls SET board_size = board_size",
    "SELECT serial, position",
    "SELECT head FROM board_entries",
    "SELECT entry FROM board_entries",
    "INSERT INTO board_entries",
    "UPDATE polls SET board_size = $1",
];

/// The last statement of process `name`'s session that is idle inside a transaction
/// holding a transaction id, if it is one of the append's.
async fn idle_in_append(store: &Store, name: &str) -> Option<(i32, String)> {
    let rows = sqlx::query(
        "SELECT pid, query FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction' \
         AND backend_xid IS NOT NULL",
    )
    .bind(name)
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.iter().find_map(|r| {
        let query: String = r.try_get("query").unwrap();
        APPEND_STATEMENTS.iter().any(|s| query.trim_start().starts_with(s)).then(|| (r.try_get("pid").unwrap(), query))
    })
}

/// Whether any session of process `name` is running a statement.
async fn any_active(store: &Store, name: &str) -> bool {
    let row =
        sqlx::query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'")
            .bind(name)
            .fetch_one(store.pool())
            .await
            .unwrap();
    row.try_get::<i64, _>("n").unwrap() > 0
}

/// Whether the poll's row is locked by some transaction (a probe that gives up at once).
async fn poll_row_locked(store: &Store, poll: i64) -> bool {
    let mut tx = store.pool().begin().await.unwrap();
    sqlx::query("SET LOCAL lock_timeout = '50ms'").execute(&mut *tx).await.unwrap();
    let probe = sqlx::query("SELECT id FROM polls WHERE id = $1 FOR UPDATE").bind(poll).fetch_one(&mut *tx).await;
    tx.rollback().await.unwrap();
    match probe {
        Ok(_) => false,
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => true,
        Err(e) => panic!("lock probe: {e}"),
    }
}

/// Stops `server` (SIGSTOP) at a moment its session is inside the board's append,
/// holding the poll's row lock: stops it, lets its statements in flight finish, and
/// looks; if it is elsewhere, lets it go on a moment and tries again. Returns the
/// statement it was stopped after.
async fn stop_in_append(server: &Server, store: &Store, poll: i64, queue_empty: impl Fn() -> bool) -> String {
    for _ in 0..2000 {
        assert!(!queue_empty(), "every ballot was cast before {} was caught inside an append", server.name);
        server.signal("STOP");
        let settled = Instant::now() + Duration::from_millis(500);
        while any_active(store, &server.name).await && Instant::now() < settled {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if let Some((_, query)) = idle_in_append(store, &server.name).await
            && poll_row_locked(store, poll).await
            && idle_in_append(store, &server.name).await.is_some()
        {
            return query;
        }
        server.signal("CONT");
        tokio::time::sleep(Duration::from_millis(u64::from(rand::random::<u8>() % 20))).await;
    }
    panic!("{} was never caught inside an append", server.name);
}

/// Checks everything against the final board; returns it as a Merkle log.
fn check_board(ready: &Ready, board: &[StoredEntry], seen: &Seen, voters: usize) -> MerkleLog {
    let key: &VerifyingKey = &ready.server_key;
    let signed = |head: &[u8], signature: &[u8]| {
        let head: [u8; 40] = head.try_into().unwrap();
        let sig = Signature::decode(signature).unwrap();
        verify(key, tags::SIG_TREE_HEAD, &head_message(&head, &ready.election), &sig).is_ok()
    };
    // The board: positions 0…n-1, each ballot once.
    assert_eq!(board.len(), voters, "every ballot on the board once");
    let mut at: HashMap<Vec<u8>, u64> = HashMap::new();
    for (i, e) in board.iter().enumerate() {
        assert_eq!(e.position, i as u64);
        assert!(at.insert(e.entry.clone(), e.position).is_none(), "an entry twice on the board, at {i}");
    }
    let leaves: Vec<[u8; 32]> =
        board.iter().map(|e| leaf_hash(&BoardEntry::decode(&e.entry).unwrap().leaf())).collect();
    let log = MerkleLog::from_leaf_hashes(leaves.clone());
    let n = log.len();
    let final_root = log.root();
    let consistent = |size: u64, what: &str| {
        let old = log.tree_head_at(size).unwrap();
        log.consistency_proof(size, n)
            .unwrap()
            .verify(&old.root, &final_root)
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        old.to_bytes()
    };
    // Every stored head (what receipts and summaries carry) is the final tree's at its size.
    for e in board {
        assert_eq!(e.head, consistent(e.position + 1, "stored head"), "stored head at {}", e.position);
        assert!(signed(&e.head, &e.signature), "stored signature at {}", e.position);
    }
    // Every receipt: one per ballot, at the position of that ballot's entry.
    let receipts = seen.receipts.lock().unwrap();
    assert_eq!(receipts.len(), voters, "one receipt per ballot");
    let mut by_ballot = vec![0; voters];
    for got in receipts.iter() {
        by_ballot[got.ballot] += 1;
        let r = &got.receipt;
        let body: Value = serde_json::from_slice(&ready.ballots[got.ballot]).unwrap();
        let entry =
            BoardEntry::Cast { credential: unb64(&body["credential"]), ballot: unb64(&body["ballot"]) }.to_bytes();
        let position = r["position"].as_u64().unwrap();
        assert_eq!(
            at.get(&entry),
            Some(&position),
            "{}: ballot {} is on the board where its receipt says",
            got.server,
            got.ballot
        );
        assert_eq!(r["tree_size"].as_u64(), Some(position + 1));
        let head = unb64(&r["head"]);
        assert_eq!(head, consistent(position + 1, "receipt head"), "{}: receipt at {position}", got.server);
        assert!(signed(&head, &unb64(&r["signature"])), "{}: receipt signature at {position}", got.server);
        let path: Vec<[u8; 32]> =
            r["inclusion"].as_array().unwrap().iter().map(|p| unb64(p).try_into().unwrap()).collect();
        let head = TreeHead::from_bytes(&head).unwrap();
        InclusionProof::new(position, position + 1, path)
            .unwrap()
            .verify_tree_head(&leaves[position as usize], &head)
            .unwrap();
        let stored = &board[position as usize];
        assert_eq!(r["tracking"].as_str(), Some(TrackingCode::from_bytes(stored.tracking).to_string().as_str()));
    }
    assert!(by_ballot.iter().all(|&c| c == 1), "each ballot receipted once: {by_ballot:?}");
    // Every head the processes served.
    let heads = seen.heads.lock().unwrap();
    for h in heads.iter() {
        let size = TreeHead::from_bytes(&h.head).unwrap().size;
        assert_eq!(h.head, consistent(size, "served head"), "{} served a head at {size} not the board's", h.server);
        assert!(signed(&h.head, &h.signature), "{}: served head signature at {size}", h.server);
    }
    log
}

/// A receipt looked up by tracking code on `server`: its entry, with a proof in the
/// latest head that holds for the final board's leaf, and that head the board's.
fn check_lookup(server: &Server, poll: i64, got: &Got, log: &MerkleLog) {
    let tracking = got.receipt["tracking"].as_str().unwrap();
    let (status, found) = get(server.addr, &format!("/api/polls/{poll}/board/{tracking}"));
    assert_eq!(status, 200, "{}: {tracking} cast through {}: {found}", server.name, got.server);
    let e = &found["entries"][0];
    assert_eq!(e["position"], got.receipt["position"], "{}: {found}", server.name);
    let latest = TreeHead::from_bytes(&unb64(&e["latest_head"])).unwrap();
    assert_eq!(latest, log.tree_head_at(latest.size).unwrap(), "{}: {found}", server.name);
    let position = e["position"].as_u64().unwrap();
    let path: Vec<[u8; 32]> =
        e["latest_inclusion"].as_array().unwrap().iter().map(|p| unb64(p).try_into().unwrap()).collect();
    InclusionProof::new(position, latest.size, path)
        .unwrap()
        .verify_tree_head(&log.leaf_hash_at(position).unwrap(), &latest)
        .unwrap_or_else(|e| panic!("{}: lookup proof of {position}: {e:?}", server.name));
}

/// Casts everything in `queue` and waits for the casting to end.
async fn cast_all(tasks: Vec<tokio::task::JoinHandle<()>>) {
    for t in tasks {
        t.await.unwrap();
    }
}

/// Two processes cast into one board at once; then each proves the other's receipts,
/// and one is killed, started again, proves them from the database and casts on.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_append_to_one_board() {
    const VOTERS: usize = 40;
    const AFTER_RESTART: usize = 4;
    let db = Database::new().await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("server.key");
    let (mut servers, ready, store) = servers_and_poll(&db, &key, &["writer-a", "writer-b"], VOTERS).await;
    let (ready, seen, done) = (Arc::new(ready), Arc::new(Seen::default()), Arc::new(AtomicBool::new(false)));
    let poll = ready.poll;
    let queue = Arc::new(Mutex::new((0..VOTERS - AFTER_RESTART).map(|i| (i, 0)).collect::<VecDeque<_>>()));
    let readers = spawn_head_readers(&servers, poll, &done, &seen);
    cast_all(spawn_casting(&servers, &ready, &queue, &seen)).await;

    // Each process proves every receipt, whichever process gave it.
    let board = entries(&store, poll).await.unwrap();
    let log = MerkleLog::from_leaf_hashes(
        board.iter().map(|e| leaf_hash(&BoardEntry::decode(&e.entry).unwrap().leaf())).collect(),
    );
    let receipts = seen.receipts.lock().unwrap().clone();
    for server in &servers {
        assert!(receipts.iter().any(|g| g.server != server.name), "the other process cast too");
        for got in &receipts {
            check_lookup(server, poll, got, &log);
        }
    }

    // The first process is killed and started again on the same database: it has no
    // memory of the board but proves every receipt, and casts on where the board is.
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    let restarted = {
        let old = servers.remove(0);
        let (url, name) = (db.url(&old.name), old.name.clone());
        drop(old);
        start(&url, &key, &name)
    };
    servers.insert(0, restarted);
    for got in &receipts {
        check_lookup(&servers[0], poll, got, &log);
    }
    done.store(false, Ordering::Relaxed);
    let readers = spawn_head_readers(&servers, poll, &done, &seen);
    queue.lock().unwrap().extend((VOTERS - AFTER_RESTART..VOTERS).map(|i| (i, 0)));
    cast_all(spawn_casting(&servers[..1], &ready, &queue, &seen)).await;
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }

    let board = entries(&store, poll).await.unwrap();
    let log = check_board(&ready, &board, &seen, VOTERS);
    for server in &servers {
        for got in seen.receipts.lock().unwrap().iter() {
            check_lookup(server, poll, got, &log);
        }
    }
    let by_server = |name: &str| seen.receipts.lock().unwrap().iter().filter(|g| g.server == name).count();
    let (a, b) = (by_server("writer-a"), by_server("writer-b"));
    let heads = seen.heads.lock().unwrap().len();
    let again = seen.refusals.lock().unwrap().len();
    eprintln!(
        "two processes: {VOTERS} receipts ({a} through writer-a, {b} through writer-b), {heads} served heads, \
         {again} answers sent again"
    );
    drop(servers);
    store.close().await;
    db.remove().await;
}

/// Three processes cast into one board at once; one is stopped inside an append,
/// holding the poll's row lock, until PostgreSQL has ended its session and the
/// others have appended more; then it goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_one_stopped_in_the_middle_of_an_append() {
    const VOTERS: usize = 100;
    let db = Database::new().await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("server.key");
    let names = ["writer-a", "writer-b", "writer-c"];
    let (servers, ready, store) = servers_and_poll(&db, &key, &names, VOTERS).await;
    let (ready, seen, done) = (Arc::new(ready), Arc::new(Seen::default()), Arc::new(AtomicBool::new(false)));
    let poll = ready.poll;
    let queue = Arc::new(Mutex::new((0..VOTERS).map(|i| (i, 0)).collect::<VecDeque<_>>()));
    let readers = spawn_head_readers(&servers, poll, &done, &seen);
    let casting = spawn_casting(&servers, &ready, &queue, &seen);

    let s = &store;
    wait_for("the first casts", || async move { board_size(s, poll).await >= 6 }).await;
    let stopped = &servers[0];
    let statement = stop_in_append(stopped, &store, poll, || queue.lock().unwrap().is_empty()).await;
    let (pid, _) = idle_in_append(&store, &stopped.name).await.unwrap();
    let size_at_stop = board_size(&store, poll).await;
    // PostgreSQL ends the stopped process's session (idle in its transaction), and
    // with it the lock; the others append on.
    wait_for("the stopped process's session to end", || async move {
        sqlx::query("SELECT 1 AS x FROM pg_stat_activity WHERE pid = $1")
            .bind(pid)
            .fetch_optional(s.pool())
            .await
            .unwrap()
            .is_none()
    })
    .await;
    wait_for("the others to append on", || async move { board_size(s, poll).await >= size_at_stop + 4 }).await;
    let size_at_resume = board_size(&store, poll).await;
    stopped.signal("CONT");
    cast_all(casting).await;
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }

    let board = entries(&store, poll).await.unwrap();
    let log = check_board(&ready, &board, &seen, VOTERS);
    // The stopped process still serves and proves the board, all of it.
    for got in seen.receipts.lock().unwrap().iter() {
        check_lookup(stopped, poll, got, &log);
    }
    let by_server = |name: &str| seen.receipts.lock().unwrap().iter().filter(|g| g.server == name).count();
    let (a, b, c) = (by_server("writer-a"), by_server("writer-b"), by_server("writer-c"));
    let heads = seen.heads.lock().unwrap().len();
    let again: Vec<String> = seen.refusals.lock().unwrap().iter().map(|(s, c, _)| format!("{s}:{c}")).collect();
    eprintln!(
        "three processes: writer-a stopped after {statement:?} at board size {size_at_stop}, let go on at \
         {size_at_resume}; receipts {a}/{b}/{c}; {heads} served heads; answers sent again: {again:?}"
    );
    drop(servers);
    store.close().await;
    db.remove().await;
}
