//! `hallvote serve` with TLS (docs/adr/0011): a self-signed certificate made on
//! first start beside the key file and reused after, reached by a client that pins
//! its fingerprint as a station does; the enrolment QR code carries that
//! fingerprint and an https address.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hallvote_server::auth::Role;
use hallvote_server::auth::password::hash_password;
use hallvote_server::config::{ServeConfig, TlsSource};
use hallvote_server::db::Store;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::stations_protocol::{EnrolmentPayload, StationKind};
use hallvote_server::tls::{self, PinnedCertVerifier, SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const PASSWORD: &str = "hall-password-1";

struct Running {
    addr: SocketAddr,
    fingerprint: String,
    created: bool,
    enrolment_fingerprint: Option<String>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap().unwrap();
    }
}

fn config(dir: &Path, tls: TlsSource) -> ServeConfig {
    ServeConfig {
        database_url: format!("sqlite://{}?mode=rwc", dir.join("hallvote.db").display()),
        listen: "127.0.0.1:0".parse().unwrap(),
        // In a folder of its own: the certificate goes beside the key, not into
        // the working directory.
        key_file: keys_dir(dir).join("hallvote-server.key"),
        tls: Some(tls),
        connections: Default::default(),
    }
}

fn keys_dir(dir: &Path) -> PathBuf {
    dir.join("keys")
}

async fn start(config: &ServeConfig) -> Running {
    std::fs::create_dir_all(config.key_file.parent().unwrap()).unwrap();
    let server = hallvote_server::Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let tls = server.tls().expect("the server speaks TLS");
    let (fingerprint, created) = (tls.fingerprint.clone(), tls.created);
    let enrolment_fingerprint = server.state().tls_fingerprint.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running { addr, fingerprint, created, enrolment_fingerprint, stop, task }
}

/// One HTTP/1.1 request over TLS to `addr`, trusting only the certificate with
/// `fingerprint`; the status, the `Set-Cookie` header and the JSON body.
async fn https(
    addr: SocketAddr,
    fingerprint: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> std::io::Result<(u16, Option<String>, Value)> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(PinnedCertVerifier::client_config(fingerprint).unwrap()));
    let tcp = TcpStream::connect(addr).await?;
    // The name does not matter to a pinning client; the server's certificate has it anyway.
    let mut stream = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept-Language: en\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    stream.write_all(req.as_bytes()).await?;
    let mut out = Vec::new();
    match stream.read_to_end(&mut out).await {
        Ok(_) => {}
        // A peer that closes without close_notify, after a whole response.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !out.is_empty() => {}
        Err(e) => return Err(e),
    }
    let text = String::from_utf8(out).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .map(|c| c.split(';').next().unwrap().to_owned());
    let json = if body.is_empty() { Value::Null } else { serde_json::from_str(body).unwrap() };
    Ok((status, cookie, json))
}

/// An organiser with a known password, made before the server's first start (so
/// that it makes no first organiser of its own).
async fn seed_organiser(config: &ServeConfig) {
    let store = Store::open(&config.database_url).await.unwrap();
    let hash = hash_password(PASSWORD, &mut rand::rng()).unwrap();
    let new = NewAccount {
        username: "organiser1",
        display_name: "organiser1",
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: false,
    };
    accounts::create(&store, &new, 1).await.unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_certificate_is_made_once_pinned_and_carried_in_the_enrolment_code() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), TlsSource::SelfSigned);
    std::fs::create_dir_all(keys_dir(dir.path())).unwrap();
    seed_organiser(&config).await;

    let first = start(&config).await;
    assert!(first.created);
    // The printed fingerprint is the SHA-256 of the saved certificate's DER.
    let cert_file = keys_dir(dir.path()).join(SELF_SIGNED_CERT_FILE);
    let der = CertificateDer::from_pem_file(&cert_file).unwrap();
    assert_eq!(first.fingerprint, tls::fingerprint(&der));
    assert_eq!(first.enrolment_fingerprint.as_deref(), Some(first.fingerprint.as_str()));
    let key_mode =
        std::fs::metadata(keys_dir(dir.path()).join(SELF_SIGNED_KEY_FILE)).unwrap().permissions().mode() & 0o777;
    assert_eq!(key_mode, 0o600);

    // A client pinning the fingerprint gets through ...
    let (status, _, health) = https(first.addr, &first.fingerprint, "GET", "/healthz", &[], None).await.unwrap();
    assert_eq!(status, 200, "{health}");
    // ... one pinning another certificate does not.
    let other = format!("sha256:{}", "00".repeat(32));
    let refused = https(first.addr, &other, "GET", "/healthz", &[], None).await;
    assert!(refused.is_err(), "{refused:?}");

    // The enrolment QR code carries the fingerprint and an https address.
    let login = json!({"username": "organiser1", "password": PASSWORD});
    let (status, cookie, session) =
        https(first.addr, &first.fingerprint, "POST", "/api/login", &[], Some(login)).await.unwrap();
    assert_eq!(status, 200, "{session}");
    let cookie = cookie.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap();
    let (status, _, issued) = https(
        first.addr,
        &first.fingerprint,
        "POST",
        "/api/stations/enrolments",
        &[("Cookie", &cookie), ("X-CSRF-Token", csrf)],
        Some(json!({"kind": "desk", "name": "报到1"})),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{issued}");
    let payload = EnrolmentPayload::from_qr_text(issued["qr_text"].as_str().unwrap()).unwrap();
    assert_eq!(payload.kind, StationKind::Desk);
    assert_eq!(payload.tls_fingerprint.as_deref(), Some(first.fingerprint.as_str()));
    assert_eq!(payload.server_url, format!("https://{}", first.addr));
    let pinned = first.fingerprint.clone();
    first.stop().await;

    // A restart reuses the certificate: the enrolled stations' pin still holds.
    let again = start(&config).await;
    assert!(!again.created);
    assert_eq!(again.fingerprint, pinned);
    let (status, _, _) = https(again.addr, &pinned, "GET", "/healthz", &[], None).await.unwrap();
    assert_eq!(status, 200);
    again.stop().await;

    // The same files given as --tls-cert and --tls-key serve the same certificate.
    let files = TlsSource::Files { cert: cert_file, key: keys_dir(dir.path()).join(SELF_SIGNED_KEY_FILE) };
    let given = start(&ServeConfig { tls: Some(files), ..config }).await;
    assert_eq!(given.fingerprint, pinned);
    assert!(!given.created);
    given.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_certificate_file_stops_the_start_before_anything_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let missing = TlsSource::Files { cert: dir.path().join("none.pem"), key: dir.path().join("none.key") };
    let config = config(dir.path(), missing);
    std::fs::create_dir_all(keys_dir(dir.path())).unwrap();
    let err = hallvote_server::Server::bind(&config).await.err().expect("a start without its certificate fails");
    assert!(err.to_string().contains("none.pem"), "{err}");
    // No organiser was made whose one-time password nobody saw.
    let store = Store::open(&config.database_url).await.unwrap();
    assert_eq!(accounts::count_with_role(&store, Role::Organiser).await.unwrap(), 0);
    store.close().await;
}
