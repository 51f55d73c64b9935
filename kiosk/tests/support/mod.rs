//! A real server on a local port, set up through its HTTP API as a hall would be,
//! for the stations' tests: organiser account, congress, session, roster, check-in,
//! a poll, enrolment codes for the stations, officers, a scripted key ceremony, and
//! the published record. The organiser's side goes through
//! [`hallvote_kiosk::organiser::Organiser`], the stations' through their signed
//! [`Link`]s.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod pdf;
pub mod webdriver;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hallvote_crypto::dkg::{Dealer, DealerCommitments, Params, ceremony_output, key_share};
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::sealed::{RecipientKey, RecipientSecret, open_share, seal_share};
use hallvote_crypto::threshold::KeyShare;
use hallvote_kiosk::link::Link;
use hallvote_kiosk::organiser::{Organiser, OrganiserError};
use hallvote_kiosk::scrutineer::{Scrutineer, ShareSource};
use hallvote_kiosk::station::Station;
use hallvote_protocol::stations::StationKind;
use hallvote_server::auth::Role;
use hallvote_server::auth::password::hash_password;
use hallvote_server::db::Store;
use hallvote_server::db::accounts::{self, NewAccount};
use hallvote_server::http::{AppState, router};
use hallvote_tally::Lang;
use hallvote_tally::record::Manifest;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use zeroize::Zeroizing;

/// The organiser's password.
pub const PASSWORD: &str = "organiser-password-for-tests";

/// A running server and the organiser logged in to it, with a session whose roll
/// is checked in and a draft poll.
pub struct Hall {
    pub url: String,
    pub addr: SocketAddr,
    pub org: Organiser,
    pub session: i64,
    pub poll: i64,
    /// The database and the stations' folders.
    pub dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Hall {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The 5-candidate election for 3 seats and a motion: small, but every rule the booth shows.
pub fn poll_definition() -> Value {
    let candidates: Vec<Value> = ["王芳", "李娜", "张伟", "刘洋", "陈静"].iter().map(|n| json!({"name": n})).collect();
    json!({ "name": "选举镇党委委员", "contests": [
        { "id": "committee", "title": "选举镇党委委员", "type": "election", "kind": "competitive",
          "by_election": false, "seats": 3,
          "candidates": candidates },
        { "id": "report", "title": "表决镇党委工作报告", "type": "motion", "items": ["关于镇党委工作报告的决议"] }
    ]})
}

/// Starts a server on SQLite in a temporary folder with `delegates` delegates
/// (代表1… with cards L00001…), all checked in, and `poll` as a draft poll.
pub async fn hall(delegates: usize, poll: Value) -> Hall {
    let names: Vec<String> = (1..=delegates).map(|i| format!("代表{i}")).collect();
    hall_with_roster(&names, poll).await
}

/// [`hall`] with a roster of these names (cards L00001… in their order).
pub async fn hall_with_roster(names: &[String], poll: Value) -> Hall {
    let delegates = names.len();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("hallvote.db").display());
    let store = Store::open(&url).await.unwrap();
    organiser_account(&store).await;
    let state = AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Without the client's address, as the load test does: every station of a test
    // comes from 127.0.0.1, which the per-address rate limit would take for one client.
    let app = router(state).into_make_service();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let url = format!("http://{addr}");
    let org = Organiser::login(Link::new(&url, None).unwrap(), "organiser", PASSWORD).await.unwrap();
    let c = org
        .call::<Value>(
            Method::POST,
            "/api/congresses",
            Some(json!({"name": "中国共产党青山镇第十五届代表大会", "number": 15})),
        )
        .await
        .unwrap();
    let cid = c["id"].as_i64().unwrap();
    let s = org
        .call::<Value>(
            Method::POST,
            &format!("/api/congresses/{cid}/sessions"),
            Some(json!({"number": 3, "place": "镇政府礼堂", "date": "2026-11-28"})),
        )
        .await
        .unwrap();
    let session = s["id"].as_i64().unwrap();
    let mut csv = String::from("姓名,代表团,代表证号\n");
    for (i, name) in (1..).zip(names) {
        csv.push_str(&format!("{name},第一代表团,L{i:05}\n"));
    }
    org.send::<Value>(Method::PUT, &format!("/api/congresses/{cid}/roster"), csv.into_bytes(), "text/csv")
        .await
        .unwrap();
    for i in 1..=delegates {
        org.call::<Value>(
            Method::POST,
            &format!("/api/sessions/{session}/checkin"),
            Some(json!({"card": format!("L{i:05}")})),
        )
        .await
        .unwrap();
    }
    let p = org.call::<Value>(Method::POST, &format!("/api/sessions/{session}/polls"), Some(poll)).await.unwrap();
    let poll = p["id"].as_i64().unwrap();
    Hall { url, addr, org, session, poll, dir, server }
}

/// The organiser's account ("organiser", [`PASSWORD`]).
pub async fn organiser_account(store: &Store) {
    let hash = hash_password(PASSWORD, &mut rand::rng()).unwrap();
    let new = NewAccount {
        username: "organiser",
        display_name: "会务组",
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: false,
    };
    accounts::create(store, &new, 0).await.unwrap();
}

/// A one-time enrolment code (the QR text) the organiser issues for a station of
/// `kind` named `name`, of the server at `url`.
pub async fn enrolment_code(org: &Organiser, url: &str, kind: &str, name: &str) -> String {
    let body = json!({"kind": kind, "name": name, "server_url": url});
    let issued = org.call::<Value>(Method::POST, "/api/stations/enrolments", Some(body)).await.unwrap();
    issued["qr_text"].as_str().unwrap().to_owned()
}

/// Enrols a station of `kind` named `name`, with its files in `folder`, with a
/// code the organiser issued ([`enrolment_code`]).
pub async fn enrol(org: &Organiser, url: &str, folder: &Path, kind: StationKind, name: &str) -> Station {
    let code = enrolment_code(org, url, kind.as_str(), name).await;
    Station::enrol(folder, &code, kind).await.unwrap()
}

/// The status and body of an organiser call that the server refused.
pub fn refusal(r: Result<Value, OrganiserError>) -> (StatusCode, Value) {
    match r {
        Err(OrganiserError::Refused { status, body, .. }) => (status, body),
        other => panic!("expected a refusal: {other:?}"),
    }
}

/// The stable code of a refusal's body.
pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

impl Hall {
    /// A one-time enrolment code (the QR text) for a station of `kind`.
    pub async fn enrolment_code(&self, kind: &str, name: &str) -> String {
        enrolment_code(&self.org, &self.url, kind, name).await
    }

    /// The folder of the station named `name`, under the hall's folder.
    pub fn folder(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("station-{name}"))
    }

    /// Enrols a station of `kind` into its folder ([`Hall::folder`]).
    pub async fn station(&self, kind: StationKind, name: &str) -> Station {
        enrol(&self.org, &self.url, &self.folder(name), kind, name).await
    }

    /// Appoints the officers of the poll, k of the scrutineers, each signing at the
    /// station of the id given: the last delegates of a roll of `delegates`, the
    /// scrutineers first (L{delegates}, L{delegates - 1}, …), then the counters.
    pub async fn appoint(&self, delegates: usize, k: u32, scrutineers: &[u64], counters: &[u64]) -> Value {
        self.appoint_in(self.poll, delegates, k, scrutineers, counters).await
    }

    /// [`Hall::appoint`] in the poll `poll`.
    pub async fn appoint_in(
        &self,
        poll: i64,
        delegates: usize,
        k: u32,
        scrutineers: &[u64],
        counters: &[u64],
    ) -> Value {
        let mut cards = (0..).map(|i| format!("L{:05}", delegates - i));
        let mut officers = |stations: &[u64]| -> Vec<Value> {
            stations.iter().map(|st| json!({"card": cards.next().unwrap(), "station": st})).collect()
        };
        let (scrutineers, counters) = (officers(scrutineers), officers(counters));
        let body = json!({"threshold": k, "scrutineers": scrutineers, "counters": counters});
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/officers"), Some(body)).await.unwrap()
    }

    /// Appoints `n` scrutineer stations (k of n) from the last delegates, runs the
    /// key ceremony with them, takes their key checks and opens the poll. `delegates`
    /// is the roll's size.
    pub async fn ceremony_and_open(&self, delegates: usize, k: u32, n: u32) -> Vec<Station> {
        self.ceremony_and_open_in(self.poll, "监票", delegates, k, n).await
    }

    /// Another poll of the session, `definition`, set up and opened as
    /// [`Hall::ceremony_and_open`] does, with scrutineer stations of its own: its id.
    pub async fn another_open_poll(&self, definition: Value, delegates: usize, k: u32, n: u32) -> i64 {
        let path = format!("/api/sessions/{}/polls", self.session);
        let p = self.org.call::<Value>(Method::POST, &path, Some(definition)).await.unwrap();
        let poll = p["id"].as_i64().unwrap();
        self.ceremony_and_open_in(poll, &format!("监票{poll}-"), delegates, k, n).await;
        poll
    }

    async fn ceremony_and_open_in(
        &self,
        poll: i64,
        stations_named: &str,
        delegates: usize,
        k: u32,
        n: u32,
    ) -> Vec<Station> {
        let mut stations = Vec::new();
        for j in 1..=n {
            stations.push(self.station(StationKind::Scrutineer, &format!("{stations_named}{j}")).await);
        }
        let ids: Vec<u64> = stations.iter().map(|st| st.config.id).collect();
        self.appoint_in(poll, delegates, k, &ids, &[]).await;
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
        let shares = ceremony(&stations, poll).await;
        key_checks(&stations, poll, &shares).await;
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
        stations
    }

    /// Enrols `n` scrutineer stations (监票1…), appoints them k of n from the last
    /// delegates, and runs the key ceremony through the stations' own code, each
    /// taking whichever step is due; each saves its share file under
    /// [`share_passphrase`] and passes its key check; then the poll opens. Unlike
    /// [`Hall::ceremony_and_open`], the stations keep their share files, so that they
    /// can decrypt and sign ([`Hall::count_and_publish`]) or serve their own page.
    pub async fn ceremony_at_stations_and_open(&self, delegates: usize, k: u32, n: u32) -> Vec<Scrutineer> {
        let mut scrutineers = Vec::new();
        for j in 1..=n {
            let name = format!("监票{j}");
            let st = self.station(StationKind::Scrutineer, &name).await;
            scrutineers.push(Scrutineer::new(&st, self.folder(&name).join("shares")).unwrap());
        }
        let ids: Vec<u64> = scrutineers.iter().map(Scrutineer::station_id).collect();
        self.appoint(delegates, k, &ids, &[]).await;
        let poll = self.poll;
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
        // Round after round, as the stations would each look every few seconds.
        for _ in 0..8 {
            let mut all = true;
            for s in &scrutineers {
                all &= s.step(poll, Lang::ZhCn).await.unwrap().next == "save_share";
            }
            if all {
                break;
            }
        }
        for (j, s) in (1..).zip(&scrutineers) {
            s.save_share(poll, share_passphrase(j), Some(share_passphrase(j)), Lang::ZhCn).await.unwrap();
            s.check_key(poll, share_passphrase(j), ShareSource::Saved, Lang::ZhCn).await.unwrap();
        }
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
        scrutineers
    }

    /// Closes the poll; the first `k` of `scrutineers` (in their order of
    /// appointment, from [`Hall::ceremony_at_stations_and_open`]) decrypt from their
    /// saved share files; the organiser tallies; every one of them reviews the result
    /// and signs it; the organiser publishes.
    pub async fn count_and_publish(&self, scrutineers: &[&Scrutineer], k: usize) {
        let poll = self.poll;
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/close"), None).await.unwrap();
        for (j, s) in (1..).zip(scrutineers).take(k) {
            s.load_share(poll, share_passphrase(j), ShareSource::Saved, Lang::ZhCn).await.unwrap();
            s.decrypt(poll, Lang::ZhCn).await.unwrap();
        }
        self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await.unwrap();
        for s in scrutineers {
            let review = s.review(poll, Lang::ZhCn).await.unwrap();
            s.sign(poll, &review.digest, Lang::ZhCn).await.unwrap();
        }
        let st = self.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/publish"), None).await.unwrap();
        assert_eq!(st["state"], "published", "{st}");
    }

    /// The board's entries of the poll, as the public API lists them.
    pub async fn board(&self) -> Value {
        let link = Link::new(&self.url, None).unwrap();
        link.call(Method::GET, &format!("/api/polls/{}/board", self.poll), None).await.unwrap().json
    }

    /// The published election record's bytes (or the refusal's), with the status.
    pub async fn record(&self) -> (StatusCode, Vec<u8>) {
        let link = Link::new(&self.url, None).unwrap();
        let a = link.call(Method::GET, &format!("/api/polls/{}/record", self.poll), None).await.unwrap();
        (a.status, a.body.to_vec())
    }
}

/// The share-file passphrase of the `j`-th scrutineer station (from 1) of
/// [`Hall::ceremony_at_stations_and_open`].
pub fn share_passphrase(j: usize) -> Zeroizing<String> {
    Zeroizing::new(format!("scrutineer {j}'s long passphrase"))
}

/// A base64 string of a JSON answer, decoded.
pub fn unb64(v: &Value) -> Vec<u8> {
    STANDARD.decode(v.as_str().unwrap()).unwrap()
}

/// A request signed by `st` straight to the server; the answer must be a success.
pub async fn station_call(st: &Station, method: Method, path: &str, body: Option<Value>) -> Value {
    let a = st.link().unwrap().call(method, path, body.as_ref()).await.unwrap();
    assert!(a.status.is_success(), "{path}: {} {}", a.status, a.json);
    a.json
}

/// The scrutineers' side of the key ceremony, all of them in turn (spec §5): their
/// key shares.
pub async fn ceremony(scrutineers: &[Station], poll: i64) -> Vec<KeyShare> {
    let path = format!("/api/station/polls/{poll}/ceremony");
    let mut rng = rand::rng();
    let n = u32::try_from(scrutineers.len()).unwrap();
    let first = station_call(&scrutineers[0], Method::GET, &path, None).await;
    let ceremony_id = unb64(&first["ceremony_id"]);
    let manifest = Manifest::decode(&unb64(&first["manifest"])).unwrap();
    let params = Params::new(manifest.threshold, n).unwrap();
    let mut secrets = Vec::new();
    for (j, st) in (1..=n).zip(scrutineers) {
        let sk = RecipientSecret::generate(&mut rng);
        let sig = sk.public().sign_publication(&st.identity.key, &ceremony_id, j);
        let body = json!({"key": STANDARD.encode(sk.public().as_bytes()), "signature": STANDARD.encode(sig)});
        station_call(st, Method::POST, &format!("{path}/recipient"), Some(body)).await;
        secrets.push(sk);
    }
    for (j, st) in (1..=n).zip(scrutineers) {
        let view = station_call(st, Method::GET, &path, None).await;
        let dealer = Dealer::new(params, j, &mut rng).unwrap();
        let mut shares = Vec::new();
        for r in view["recipients"].as_array().unwrap() {
            let to = u32::try_from(r["index"].as_u64().unwrap()).unwrap();
            let published = unb64(&r["data"]);
            let key = RecipientKey::from_bytes(&published[..32]).unwrap();
            let sealed = seal_share(&key, &ceremony_id, &dealer.share_for(to).unwrap(), &mut rng).unwrap();
            shares.push(json!({"recipient": to, "sealed": STANDARD.encode(sealed)}));
        }
        let message = dealer.commitments(&ceremony_id, &mut rng).to_bytes();
        let body = json!({"message": STANDARD.encode(message), "shares": shares});
        station_call(st, Method::POST, &format!("{path}/dealing"), Some(body)).await;
    }
    let mut received = Vec::new();
    let mut messages = Vec::new();
    for (j, (st, sk)) in (1..=n).zip(scrutineers.iter().zip(&secrets)) {
        let view = station_call(st, Method::GET, &path, None).await;
        messages = view["dealings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| DealerCommitments::decode(&unb64(&d["data"])).unwrap())
            .collect::<Vec<_>>();
        let mut mine = Vec::new();
        for s in view["shares"].as_array().unwrap() {
            let dealer = u32::try_from(s["index"].as_u64().unwrap()).unwrap();
            let share = open_share(sk, &ceremony_id, dealer, j, &unb64(&s["data"])).unwrap();
            share.verify(&messages[dealer as usize - 1]).unwrap();
            mine.push(share);
        }
        received.push(mine);
        station_call(st, Method::POST, &format!("{path}/confirm"), Some(json!({"complaints": []}))).await;
    }
    let output = ceremony_output(params, &messages).unwrap();
    (1..=n).zip(&received).map(|(j, mine)| key_share(j, mine, &output).unwrap()).collect()
}

/// Each scrutineer's key check (spec §5.7), answered straight to the server with its
/// key share, as its station would after opening its share file.
pub async fn key_checks(scrutineers: &[Station], poll: i64, shares: &[KeyShare]) {
    let path = format!("/api/station/polls/{poll}/key-check");
    for (st, share) in scrutineers.iter().zip(shares) {
        let test = station_call(st, Method::POST, &format!("{path}/test"), None).await;
        let election: [u8; 64] = unb64(&test["election"]).try_into().unwrap();
        let ciphertext = Ciphertext::decode(&unb64(&test["ciphertext"])).unwrap();
        let answer = hallvote_tally::key_check::answer(share, &election, &ciphertext, &mut rand::rng());
        station_call(st, Method::POST, &path, Some(json!({"share": STANDARD.encode(answer)}))).await;
    }
}

/// Issue 14, the strict CSP: fetches the page at `base` + `path` (a station's or the
/// server's) and checks that it comes with the strict policy, carries no inline
/// script, `<style>`, `style` attribute or `on…` handler, and that every script and
/// style sheet it names under `/assets/` is served as one. Returns the page.
pub async fn assert_strict_page(base: &str, path: &str) -> String {
    let link = Link::new(base, None).unwrap();
    let a = link.call(Method::GET, path, None).await.unwrap();
    let page = String::from_utf8(a.body.to_vec()).unwrap();
    assert!(a.status.is_success(), "{path}: {} {page}", a.status);
    let csp = a.headers.get("content-security-policy").map(|v| v.to_str().unwrap()).unwrap_or_default();
    assert_eq!(csp, hallvote_protocol::web::CONTENT_SECURITY_POLICY_VALUE, "{path}");
    assert!(csp.contains("script-src 'self';") && csp.contains("style-src 'self';") && !csp.contains("unsafe"));
    assert_eq!(a.headers["x-frame-options"], "DENY", "{path}");
    assert_eq!(a.headers["x-content-type-options"], "nosniff", "{path}");
    if let Some(found) = hallvote_protocol::web::inline_code(&page) {
        panic!("{path}: inline code the policy refuses: {found}");
    }
    for attr in ["src=\"", "href=\""] {
        for part in page.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            if !url.starts_with("/assets/") {
                continue;
            }
            let f = link.call(Method::GET, url, None).await.unwrap();
            assert_eq!(f.status, StatusCode::OK, "{path}: {url}");
            let kind = f.headers["content-type"].to_str().unwrap();
            let want = if url.ends_with(".css") { "text/css" } else { "text/javascript" };
            assert!(kind.starts_with(want), "{path}: {url} is {kind}");
            assert_eq!(f.headers["cache-control"], "no-cache", "{url}");
            assert!(f.headers.contains_key("etag"), "{url}");
        }
    }
    page
}

/// Serves a station's interface on a port of its own; its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A running server with the organiser's account and nothing else, for tests that
/// set up their hall themselves (`hallvote_kiosk::simulate::set_up`).
pub struct Server {
    pub url: String,
    /// The database and whatever the test keeps beside it.
    pub dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Server {
    /// Starts a server on SQLite in a temporary folder.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("hallvote.db").display());
        let store = Store::open(&url).await.unwrap();
        organiser_account(&store).await;
        let state = AppState::new(store, hallvote_crypto::sign::SigningKey::generate(&mut rand::rng()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(state).into_make_service();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url: format!("http://{addr}"), dir, server }
    }

    /// The organiser, logged in.
    pub async fn organiser(&self) -> Organiser {
        Organiser::login(Link::new(&self.url, None).unwrap(), "organiser", PASSWORD).await.unwrap()
    }
}
