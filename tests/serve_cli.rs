//! `hallvote serve` from a fresh start, on SQLite and on PostgreSQL: it prints the
//! console address and the first organiser's one-time password once, answers
//! /healthz, and stops cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::get;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Running {
    child: Child,
    lines: Vec<String>,
    addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `hallvote serve` and reads its banner up to the database line (and the
/// password lines, if any: they come right after it).
fn start(db: &str, key: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0", "--key-file"])
        .arg(key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left.min(Duration::from_millis(1500))) {
            Ok(line) => lines.push(line),
            // Banner finished: nothing more within 1.5 s after the database line.
            Err(_) if lines.iter().any(|l| l.contains("database")) => break,
            Err(_) if Instant::now() >= deadline => panic!("no banner: {lines:?}"),
            Err(_) => {}
        }
    }
    let addr = lines
        .iter()
        .find_map(|l| l.split("http://").nth(1))
        .map(|a| a.split('/').next().unwrap_or_default().to_owned())
        .expect("console address printed");
    Running { child, lines, addr }
}

fn password_of(r: &Running) -> Option<String> {
    r.lines.iter().find(|l| l.contains("one-time password")).map(|l| l.rsplit(' ').next().unwrap().to_owned())
}

fn first_start_then_restart(db: &str, backend: &str) {
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("server.key");
    let first = start(db, &key);
    let password = password_of(&first).expect("first start prints the one-time password");
    assert_eq!(password.len(), 19, "{password}");
    assert!(first.lines.iter().any(|l| l.contains("organiser")));
    let health = get(&first.addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(&format!("\"database\":\"{backend}\"")), "{health}");
    drop(first);
    let again = start(db, &key);
    assert_eq!(password_of(&again), None, "the password is printed once only: {:?}", again.lines);
    assert!(get(&again.addr, "/healthz").starts_with("HTTP/1.1 200"));
    drop(again);
    // A process with another key is refused: the database belongs to the first key.
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0", "--key-file"])
        .arg(keys.path().join("other.key"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("another server key"), "{out:?}");
}

#[test]
fn serve_on_sqlite_with_no_configuration() {
    let dir = tempfile::tempdir().unwrap();
    // `hallvote serve` with no --db creates hallvote.db in its working directory.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    assert!(first_line.contains("http://127.0.0.1:"), "{first_line}");
    assert!(dir.path().join("hallvote.db").exists());
    assert!(dir.path().join("hallvote-server.key").exists());
    child.kill().unwrap();
    child.wait().unwrap();
    first_start_then_restart(dir.path().join("other.db").to_str().unwrap(), "sqlite");
}

#[test]
fn serve_on_postgres() {
    let base =
        std::env::var("HALLVOTE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("hv_test_serve_{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin =
        rt.block_on(hallvote_server::db::Store::connect(&base)).unwrap_or_else(|e| panic!("PostgreSQL at {base}: {e}"));
    rt.block_on(sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(admin.pool())).unwrap();
    rt.block_on(sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool())).unwrap();
    first_start_then_restart(&format!("{base}?options=-c%20search_path%3D{schema}"), "postgres");
    rt.block_on(sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin.pool())).unwrap();
}

#[test]
fn serve_with_a_self_signed_certificate_prints_https_and_a_stable_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let db = dir.path().join("hallvote.db");
    // The banner's lines up to the database line.
    let banner = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hallvote"))
            .args(["serve", "--tls-self-signed", "--listen", "127.0.0.1:0", "--db"])
            .arg(&db)
            .arg("--key-file")
            .arg(keys.join("hallvote-server.key"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map(Result::unwrap)
            .take_while(|l| !l.contains("database"))
            .collect();
        child.kill().unwrap();
        child.wait().unwrap();
        lines
    };
    let fingerprint_of = |lines: &[String]| {
        lines.iter().find_map(|l| l.split("fingerprint: ").nth(1)).map(str::to_owned).expect("fingerprint printed")
    };
    let first = banner();
    assert!(first[0].contains("https://127.0.0.1:"), "{first:?}");
    let fingerprint = fingerprint_of(&first);
    assert!(fingerprint.starts_with("sha256:") && fingerprint.len() == 71, "{fingerprint}");
    assert!(first.iter().any(|l| l.contains("new self-signed certificate")), "{first:?}");
    assert!(keys.join("hallvote-tls.pem").exists() && keys.join("hallvote-tls.key").exists());
    let again = banner();
    assert_eq!(fingerprint_of(&again), fingerprint);
    assert!(!again.iter().any(|l| l.contains("new self-signed certificate")), "{again:?}");
    // --tls-cert needs --tls-key.
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["serve", "--tls-cert", "cert.pem"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"), "{out:?}");
}
