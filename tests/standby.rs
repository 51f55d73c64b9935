//! Two-machine halls and many halls on one cluster (spec §14.13, §15.10; docs/guide),
//! on this machine, with PostgreSQL clusters of the test's own on other ports (the
//! machine's own server at 127.0.0.1:5432 is not touched).
//!
//! - A hall with a primary and a standby server: a primary PostgreSQL and a
//!   synchronous streaming replica made with `pg_basebackup`, `hallvote serve` on
//!   each (the standby with `--standby`, the same server key and TLS certificate),
//!   a desk, booths and scrutineer stations enrolled with both addresses. Mid-poll
//!   the primary server is killed (SIGKILL) and its PostgreSQL stopped; the replica
//!   is promoted with `pg_ctl promote`, the standby takes over, the stations fail
//!   over by themselves and casting goes on. Afterwards every receipt, before and
//!   after the failover, is in the published record, which verifies, and the totals
//!   are the ballots' marks.
//! - Two halls on one cluster: a database and a role per hall, a server process per
//!   hall; neither hall's stations see the other's sessions or polls.
//!
//! PostgreSQL's binaries are found in `HALLVOTE_PG_BIN`, or the newest
//! /usr/lib/postgresql/*/bin (Debian's package, which scripts/test installs). Run
//! as root, the clusters run as the `postgres` user (`runuser`), as PostgreSQL
//! refuses root.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::link::Link;
use hallvote_kiosk::organiser::Organiser;
use hallvote_kiosk::simulate;
use hallvote_tally::Lang;
use hallvote_tally::ballot::PlainBallot;
use http::{Method, StatusCode};
use serde_json::{Value, json};

/// A child process killed when the test ends, pass or fail.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("HALLVOTE_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries: set HALLVOTE_PG_BIN, or install Debian's postgresql package")
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p)| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("no /usr/lib/postgresql/*/bin/initdb").1
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A PostgreSQL cluster of the test's own, in a temporary folder.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    root: bool,
}

impl Cluster {
    /// Runs a PostgreSQL program (as the `postgres` user when run as root).
    fn run(bin: &Path, root: bool, program: &str, args: &[&str]) {
        let exe = bin.join(program);
        let mut cmd = if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A new primary cluster in `dir`/`name`, with `settings` appended to its
    /// configuration, started.
    fn init(dir: &Path, name: &str, settings: &str) -> Self {
        let (bin, root) = (pg_bin(), is_root());
        let data = dir.join(name);
        let port = free_port();
        Self::run(
            &bin,
            root,
            "initdb",
            &["-D", data.to_str().unwrap(), "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8"],
        );
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             wal_level = replica\nmax_wal_senders = 4\nfsync = off\n{settings}\n",
            dir.display()
        );
        append(&data.join("postgresql.conf"), &conf);
        append(&data.join("pg_hba.conf"), "host replication all 127.0.0.1/32 trust\n");
        let c = Self { bin, data, port, root };
        c.start();
        c
    }

    /// A streaming replica of `primary` in `dir`/`name`, named `standby` (the name
    /// the primary's `synchronous_standby_names` waits for), started.
    fn replica_of(primary: &Self, dir: &Path, name: &str) -> Self {
        let data = dir.join(name);
        let port = free_port();
        let p = primary.port.to_string();
        Self::run(
            &primary.bin,
            primary.root,
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &p,
                "-U",
                "postgres",
                "-D",
                data.to_str().unwrap(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-d",
                "application_name=standby",
            ],
        );
        append(&data.join("postgresql.conf"), &format!("port = {port}\n"));
        let c = Self { bin: primary.bin.clone(), data, port, root: primary.root };
        c.start();
        c
    }

    fn pg_ctl(&self, args: &[&str]) {
        let mut all = vec!["-D", self.data.to_str().unwrap()];
        all.extend_from_slice(args);
        Self::run(&self.bin, self.root, "pg_ctl", &all);
    }

    fn start(&self) {
        let log = format!("{}.log", self.data.display());
        self.pg_ctl(&["-l", &log, "-w", "start"]);
    }

    fn url(&self, user: &str, db: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }

    async fn sql(&self, db: &str, statements: &[&str]) -> Vec<sqlx::any::AnyRow> {
        let store = hallvote_server::db::Store::connect(&self.url("postgres", db)).await.unwrap();
        let mut rows = Vec::new();
        for s in statements {
            rows = sqlx::query(s).fetch_all(store.pool()).await.unwrap_or_else(|e| panic!("{s}: {e}"));
        }
        store.close().await;
        rows
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data.to_str().unwrap().to_owned();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        let _ = if self.root {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        };
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// A temporary folder the `postgres` user may write in (when run as root).
fn pg_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if is_root() {
        let out = Command::new("chown").arg("postgres").arg(dir.path()).output().unwrap();
        assert!(out.status.success(), "chown postgres: {}", String::from_utf8_lossy(&out.stderr));
    }
    dir
}

/// `hallvote serve` with these arguments; its output lines go to a channel.
fn serve(args: &[&str]) -> (Proc, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            eprintln!("{line}");
            let _ = tx.send(line);
        }
    });
    (Proc(child), rx)
}

/// The last word of the first line of `rx` that contains `marker`.
fn word_after(rx: &std::sync::mpsc::Receiver<String>, marker: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(marker) => return line.rsplit(' ').next().unwrap().trim().to_owned(),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no line with {marker:?}")
}

async fn wait_ready(link: &Link) {
    for _ in 0..600 {
        if let Ok(a) = link.call(Method::GET, "/healthz", None).await
            && a.status == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{link:?} did not come up");
}

/// Ends the test binary if a test has not finished in `limit`: a hung PostgreSQL
/// (a commit waiting for a replica that is not there) must fail CI, not stall it.
fn watchdog(name: &'static str, limit: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!("{name}: not finished after {} s", limit.as_secs());
        std::process::exit(101);
    });
}

const DELEGATES: usize = 30;
/// Delegates who come to the desk for their credential only after the failover
/// (checked in before the poll opened, as the rules require): the desk issues it
/// on the standby.
const LATE: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standby_takes_over_when_the_primary_is_lost_and_nothing_is_lost() {
    watchdog("the_standby_takes_over", Duration::from_secs(420));
    let dir = pg_dir();
    // The primary waits for the replica named `standby` to have flushed each commit
    // (synchronous_commit = on): a receipt is given only for a cast both hold.
    // (Set once the replica runs: before, every commit would wait for it.)
    let primary = Cluster::init(dir.path(), "primary", "synchronous_commit = on");
    primary.sql("postgres", &["CREATE DATABASE hall"]).await;
    let replica = Cluster::replica_of(&primary, dir.path(), "replica");
    primary
        .sql("postgres", &["ALTER SYSTEM SET synchronous_standby_names = 'standby'", "SELECT pg_reload_conf()"])
        .await;
    let mut synced = false;
    for _ in 0..100 {
        let rows = primary
            .sql("postgres", &["SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'"])
            .await;
        use sqlx::Row as _;
        if rows.first().is_some_and(|r| r.try_get::<String, _>(0).unwrap() == "sync") {
            synced = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(synced, "the replica is not a synchronous standby");

    // The two server machines' folders: the standby gets copies of the primary's
    // server key and TLS certificate and key (one fingerprint pins both).
    let work = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (work.path().join("primary"), work.path().join("standby"));
    std::fs::create_dir_all(&a_dir).unwrap();
    std::fs::create_dir_all(&b_dir).unwrap();
    let (a_port, b_port) = (free_port(), free_port());
    let (a_url, b_url) = (format!("https://127.0.0.1:{a_port}"), format!("https://127.0.0.1:{b_port}"));
    let a_key = a_dir.join("hallvote-server.key");
    let (mut a_proc, a_out) = serve(&[
        "--db",
        &primary.url("postgres", "hall"),
        "--listen",
        &format!("127.0.0.1:{a_port}"),
        "--key-file",
        a_key.to_str().unwrap(),
        "--tls-self-signed",
        "--peer-url",
        &b_url,
    ]);
    let fingerprint = word_after(&a_out, "TLS certificate fingerprint");
    let password = word_after(&a_out, "one-time password");
    for f in ["hallvote-server.key", "hallvote-tls.pem", "hallvote-tls.key"] {
        std::fs::copy(a_dir.join(f), b_dir.join(f)).unwrap();
    }
    let b_key = b_dir.join("hallvote-server.key");
    let (_b_proc, b_out) = serve(&[
        "--db",
        &replica.url("postgres", "hall"),
        "--listen",
        &format!("127.0.0.1:{b_port}"),
        "--key-file",
        b_key.to_str().unwrap(),
        "--tls-self-signed",
        "--peer-url",
        &a_url,
        "--standby",
    ]);
    word_after(&b_out, "replica in recovery");
    // While the primary lives, the standby neither listens nor writes.
    assert!(std::net::TcpStream::connect(("127.0.0.1", b_port)).is_err(), "the standby listens before it takes over");

    let link = Link::new(&a_url, Some(&fingerprint)).unwrap().with_standby(&b_url).unwrap();
    wait_ready(&link).await;
    let (org, _) = Organiser::first_login(link.clone(), "organiser", &password).await.unwrap();
    let stations = work.path().join("stations");
    let mut hall = simulate::set_up(&a_url, org, simulate::roster(DELEGATES), 3, &stations).await.unwrap();
    // Every station's enrolment code carried both addresses and the one fingerprint.
    assert_eq!(hall.booths[0].config.standby_url.as_deref(), Some(b_url.as_str()));
    assert_eq!(hall.desk.config.tls_fingerprint.as_deref(), Some(fingerprint.as_str()));
    // One poll is enough: the by-election.
    hall.polls.truncate(1);
    let poll = hall.polls[0].0;
    let (early, late) = hall.cards.split_at(DELEGATES - LATE);
    let (early, late) = (early.to_vec(), late.to_vec());
    hall.check_in(&hall.cards, false).await.unwrap();
    hall.ceremonies_and_open(false).await.unwrap();

    // Before the failover: every early delegate's credential from the desk.
    let desk = Desk::new(hall.desk.link().unwrap());
    let mut credentials = Vec::new();
    for card in &early {
        credentials.push(desk.issue(poll, &CardScan::Number(card.clone())).await.unwrap().1);
    }
    let booths: Vec<Arc<Booth>> = hall.booths.iter().map(|b| Arc::new(Booth::new(b.link().unwrap()))).collect();

    // One ballot cast on the primary, kept to be sent again, byte for byte, after.
    let first = credentials.remove(0);
    let visit = booths[0].begin(&first).await.unwrap();
    let marks = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
    let sealed = booths[0].seal(&visit, &marks).unwrap();
    let kept = booths[0].cast(&visit, &sealed).await.unwrap();
    let truth =
        Arc::new(Mutex::new(vec![marks.marks.iter().flatten().flatten().map(|m| u64::from(*m)).collect::<Vec<_>>()]));
    let receipts = Arc::new(Mutex::new(vec![kept.text.clone()]));
    let done_at = Arc::new(Mutex::new(Vec::<Instant>::new()));

    // The booths cast, three at a time; a third of the way in, the primary machine
    // is lost.
    let cast = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(3));
    for (i, text) in credentials.into_iter().enumerate() {
        let (booth, gate, cast, truth, receipts, done_at) = (
            Arc::clone(&booths[i % booths.len()]),
            Arc::clone(&gate),
            Arc::clone(&cast),
            Arc::clone(&truth),
            Arc::clone(&receipts),
            Arc::clone(&done_at),
        );
        tasks.spawn(async move {
            let _slot = gate.acquire().await.unwrap();
            let visit = booth.begin(&text).await.unwrap();
            let marks = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
            let sealed = booth.seal(&visit, &marks).unwrap();
            let receipt = booth.cast(&visit, &sealed).await.unwrap_or_else(|e| panic!("cast {i}: {e}"));
            done_at.lock().unwrap().push(Instant::now());
            truth.lock().unwrap().push(marks.marks.iter().flatten().flatten().map(|m| u64::from(*m)).collect());
            receipts.lock().unwrap().push(receipt.text);
            cast.fetch_add(1, Ordering::SeqCst);
        });
    }
    while cast.load(Ordering::SeqCst) < (DELEGATES - LATE) / 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The primary machine dies: its server process at once, its PostgreSQL with it.
    a_proc.0.kill().unwrap();
    let lost = Instant::now();
    let _ = a_proc.0.wait();
    primary.pg_ctl(&["-m", "immediate", "stop"]);
    let before = cast.load(Ordering::SeqCst);
    // The operator's one command on the standby machine: promote the replica.
    replica.pg_ctl(&["-w", "promote"]);
    word_after(&b_out, "the standby takes over");
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    let first_after = done_at.lock().unwrap().iter().filter(|t| **t > lost).min().copied();
    eprintln!(
        "failover: {before} casts before the primary was lost; first receipted cast on the standby {:.2} s after",
        first_after.map_or(f64::NAN, |t| (t - lost).as_secs_f64())
    );
    assert!(before < DELEGATES - LATE - 1, "the primary was lost mid-poll");

    // The booth's retry of the first cast, the same body, gets the same receipt
    // from the standby as it got from the primary.
    let again = booths[0].cast(&visit, &sealed).await.unwrap();
    assert_eq!(again, kept, "the same receipt across the failover");

    // Late delegates: issued their credential and cast on the standby.
    for (i, card) in late.iter().enumerate() {
        let text = desk.issue(poll, &CardScan::Number(card.clone())).await.unwrap().1;
        let booth = &booths[i % booths.len()];
        let visit = booth.begin(&text).await.unwrap();
        let marks = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
        let sealed = booth.seal(&visit, &marks).unwrap();
        let receipt = booth.cast(&visit, &sealed).await.unwrap();
        receipts.lock().unwrap().push(receipt.text);
        truth.lock().unwrap().push(marks.marks.iter().flatten().flatten().map(|m| u64::from(*m)).collect());
    }
    assert_eq!(booths[0].link().authority(), format!("127.0.0.1:{b_port}"), "the booth kept to the standby");

    // Close, decrypt, tally, sign and publish, on the standby.
    let records = work.path().join("records");
    let counted = hall.count(&records, Lang::En, false).await.unwrap();
    let (_, record) = &counted[0];
    let bytes = std::fs::read(record).unwrap();
    let (rec, _) = hallvote_tally::record::Record::decode(&bytes).unwrap();
    let truth = truth.lock().unwrap().clone();
    let mut totals = vec![0u64; truth[0].len()];
    for m in &truth {
        for (t, v) in totals.iter_mut().zip(m) {
            *t += v;
        }
    }
    assert_eq!(truth.len(), DELEGATES, "every delegate cast");
    assert_eq!(rec.totals, totals, "published totals against the ground truth");
    assert_eq!(rec.board.len(), DELEGATES, "one board entry per ballot cast, none twice");

    // The record verifies, with every receipt given before and after the failover in it.
    let list = work.path().join("receipts.txt");
    let receipts = receipts.lock().unwrap().clone();
    assert_eq!(receipts.len(), DELEGATES);
    std::fs::write(&list, receipts.join("\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["verify", "--lang", "en", "--receipts"])
        .arg(&list)
        .arg(record)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains(&format!("13.15 receipts and observed heads ({DELEGATES} receipts")), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_halls_on_one_cluster_see_nothing_of_each_other() {
    watchdog("two_halls_on_one_cluster", Duration::from_secs(300));
    let dir = pg_dir();
    let cluster = Cluster::init(dir.path(), "county", "");
    // A database and a role per hall; no one else may connect to a hall's database.
    for hall in ["hall_qingshan", "hall_hexi"] {
        cluster
            .sql(
                "postgres",
                &[
                    &format!("CREATE ROLE {hall} LOGIN"),
                    &format!("CREATE DATABASE {hall} OWNER {hall}"),
                    &format!("REVOKE CONNECT ON DATABASE {hall} FROM PUBLIC"),
                ],
            )
            .await;
    }
    let work = tempfile::tempdir().unwrap();
    let mut halls = Vec::new();
    for (hall, congress) in [("hall_qingshan", "青山镇第十五届代表大会"), ("hall_hexi", "河西镇第十五届代表大会")]
    {
        let port = free_port();
        let key = work.path().join(format!("{hall}.key"));
        let (p, out) = serve(&[
            "--db",
            &cluster.url(hall, hall),
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--key-file",
            key.to_str().unwrap(),
        ]);
        let password = word_after(&out, "one-time password");
        let url = format!("http://127.0.0.1:{port}");
        let link = Link::new(&url, None).unwrap();
        wait_ready(&link).await;
        let (org, _) = Organiser::first_login(link, "organiser", &password).await.unwrap();
        let c: Value =
            org.call(Method::POST, "/api/congresses", Some(json!({"name": congress, "number": 15}))).await.unwrap();
        let s: Value = org
            .call(
                Method::POST,
                &format!("/api/congresses/{}/sessions", c["id"]),
                Some(json!({"number": 1, "place": "礼堂", "date": "2026-12-05"})),
            )
            .await
            .unwrap();
        let poll = json!({ "name": format!("{congress}表决"), "contests": [{ "id": "m", "title": "表决",
            "type": "motion", "items": ["关于工作报告的决议"] }] });
        org.call::<Value>(Method::POST, &format!("/api/sessions/{}/polls", s["id"]), Some(poll)).await.unwrap();
        let issued: Value = org
            .call(
                Method::POST,
                "/api/stations/enrolments",
                Some(json!({"kind": "desk", "name": "报到处1", "server_url": url})),
            )
            .await
            .unwrap();
        let desk = hallvote_kiosk::station::Station::enrol(
            &work.path().join(format!("{hall}-desk")),
            issued["qr_text"].as_str().unwrap(),
            hallvote_server::stations_protocol::StationKind::Desk,
        )
        .await
        .unwrap();
        halls.push((p, url, desk, congress));
    }
    for (i, (_, url, desk, congress)) in halls.iter().enumerate() {
        // A hall's desk sees its own session and poll, and nothing of the other hall's.
        let own = desk.link().unwrap().call(Method::GET, "/api/station/sessions", None).await.unwrap();
        assert_eq!(own.status, StatusCode::OK, "{}", own.json);
        let text = own.json.to_string();
        let (_, other_url, other_desk, other) = &halls[1 - i];
        assert!(text.contains(congress), "{text}");
        assert!(!text.contains(other), "hall {url} shows the other hall's session: {text}");
        // Both desks are station 1 of their hall, each with its own key: the other
        // hall's server does not know this one.
        assert_eq!(desk.config.id, other_desk.config.id);
        let across = Link::new(other_url, None)
            .unwrap()
            .signed_by(Arc::clone(&desk.identity))
            .call(Method::GET, "/api/station/sessions", None)
            .await
            .unwrap();
        assert_eq!(across.status, StatusCode::UNAUTHORIZED, "{}", across.json);
    }
    // Nor can one hall's server reach the other's database with its role.
    let cross = hallvote_server::db::Store::connect(&cluster.url("hall_qingshan", "hall_hexi")).await;
    assert!(cross.is_err(), "role hall_qingshan connected to database hall_hexi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_with_promote_after_promotes_the_replica_itself_when_the_primary_is_gone() {
    watchdog("promote_after", Duration::from_secs(300));
    let dir = pg_dir();
    let primary = Cluster::init(dir.path(), "primary", "");
    primary.sql("postgres", &["CREATE DATABASE hall"]).await;
    let replica = Cluster::replica_of(&primary, dir.path(), "replica");
    let work = tempfile::tempdir().unwrap();
    let (a_port, b_port) = (free_port(), free_port());
    let (a_url, b_url) = (format!("http://127.0.0.1:{a_port}"), format!("http://127.0.0.1:{b_port}"));
    let key = work.path().join("hallvote-server.key");
    let (mut a_proc, a_out) = serve(&[
        "--db",
        &primary.url("postgres", "hall"),
        "--listen",
        &format!("127.0.0.1:{a_port}"),
        "--key-file",
        key.to_str().unwrap(),
        "--peer-url",
        &b_url,
    ]);
    word_after(&a_out, "one-time password");
    wait_ready(&Link::new(&a_url, None).unwrap()).await;
    let (_b_proc, b_out) = serve(&[
        "--db",
        &replica.url("postgres", "hall"),
        "--listen",
        &format!("127.0.0.1:{b_port}"),
        "--key-file",
        key.to_str().unwrap(),
        "--peer-url",
        &a_url,
        "--standby",
        "--promote-after",
        "2",
    ]);
    word_after(&b_out, "replica in recovery");
    // While the primary server answers, the standby waits (well past its 2 s).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(std::net::TcpStream::connect(("127.0.0.1", b_port)).is_err(), "the standby took over from a live primary");
    a_proc.0.kill().unwrap();
    let _ = a_proc.0.wait();
    primary.pg_ctl(&["-m", "immediate", "stop"]);
    word_after(&b_out, "promoting the replica");
    word_after(&b_out, "the standby takes over");
    wait_ready(&Link::new(&b_url, None).unwrap()).await;
    use sqlx::Row as _;
    let rows =
        replica.sql("postgres", &["SELECT CAST(CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS BIGINT)"]).await;
    assert_eq!(rows[0].try_get::<i64, _>(0).unwrap(), 0, "the replica was promoted");
}
