//! The scrutineer station end to end: a real server on a local port, five
//! scrutineer stations enrolled with the organiser's QR codes, each driven only
//! through its own HTTP interface (served on a port of its own) through a 3-of-5 key
//! ceremony, the share files saved under passphrases; a desk issues credentials and a
//! booth casts ballots whose plaintexts are kept; three of the five decrypt, the
//! organiser tallies, and the totals are the plaintexts' counts. The five scrutineers
//! and two counters, whose stations are of the same kind, review the result and sign
//! it through their stations' interfaces, each in its own office; the published record
//! holds every signature and verifies. A wrong passphrase is refused with its clear
//! message, in both languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hallvote_crypto::sharefile;
use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::link::{Answer, Link};
use hallvote_kiosk::scrutineer::{Scrutineer, ScrutineerApp, router};
use hallvote_kiosk::station::Station;
use hallvote_protocol::stations::StationKind;
use hallvote_tally::ballot::PlainBallot;
use hallvote_tally::record::{Fingerprint, KeyFingerprint, Record, verify_record};
use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{error_code, poll_definition, refusal, station_call, unb64};

/// One scrutineer station: enrolled, its interface served on its own port.
struct Ui {
    station: Station,
    zh: Link,
    en: Link,
    /// Where its pages are served.
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Ui {
    async fn start(station: Station, share_dir: std::path::PathBuf) -> Self {
        let app = ScrutineerApp::new(Scrutineer::new(&station, share_dir).unwrap(), &station.config.name);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let url = format!("http://{addr}");
        let task = tokio::spawn(async move {
            axum::serve(listener, router(app)).await.unwrap();
        });
        let zh = Link::new(&url, None).unwrap();
        Self { station, en: zh.clone().language("en"), zh, url, task }
    }

    /// A GET whose answer is text (a page, a paper backup).
    async fn text(&self, path: &str) -> (StatusCode, String) {
        let a = self.zh.call(Method::GET, path, None).await.unwrap();
        (a.status, String::from_utf8(a.body.to_vec()).unwrap())
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.zh.call(method, path, body.as_ref()).await.unwrap()
    }

    /// The same, asking for English.
    async fn call_en(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.en.call(method, path, body.as_ref()).await.unwrap()
    }

    /// A call that must succeed.
    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let a = self.call(method, path, body).await;
        assert!(a.status.is_success(), "{} {path}: {} {}", self.station.config.name, a.status, a.json);
        a.json
    }
}

fn code(a: &Answer) -> (StatusCode, &str) {
    (a.status, a.error_code().unwrap_or(""))
}

const DELEGATES: usize = 20;
const BALLOTS: usize = 6;

fn passphrase(j: usize) -> String {
    format!("监票人{j}的口令 caf\u{e9} correct horse battery")
}

/// The same passphrase typed through an input method that sends "é" as "e" and a
/// combining acute accent: other bytes, the same text (spec §9.1, NFC).
fn passphrase_decomposed(j: usize) -> String {
    format!("监票人{j}的口令 cafe\u{301} correct horse battery")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_scrutineer_stations_through_their_http_interfaces() {
    let hall = support::hall(DELEGATES, poll_definition()).await;
    let (org, poll) = (&hall.org, hall.poll);

    // Enrolment by the organiser's QR codes; a desk's code does not make a scrutineer.
    let desk_code = hall.enrolment_code("desk", "报到处1").await;
    let wrong = Station::enrol(&hall.folder("wrong"), &desk_code, StationKind::Scrutineer).await;
    assert!(wrong.is_err());
    let desk = Station::enrol(&hall.folder("报到处1"), &desk_code, StationKind::Desk).await.unwrap();
    let booth = hall.station(StationKind::Booth, "投票机1").await;
    let mut uis = Vec::new();
    for j in 1..=5 {
        let name = format!("监票终端{j}");
        let st = hall.station(StationKind::Scrutineer, &name).await;
        assert_eq!(st.config.name, name);
        uis.push(Ui::start(st, hall.folder(&name).join("shares")).await);
    }
    // The counters' stations are scrutineer stations too.
    let mut counters = Vec::new();
    for j in 1..=2 {
        let name = format!("计票终端{j}");
        let st = hall.station(StationKind::Scrutineer, &name).await;
        counters.push(Ui::start(st, hall.folder(&name).join("shares")).await);
    }
    let station = uis[0].ok(Method::GET, "/api/station", None).await;
    assert_eq!(
        (station["id"].as_u64(), station["kind"].as_str()),
        (Some(uis[0].station.config.id), Some("scrutineer"))
    );

    // Officers: 3 of 5 scrutineers and 2 counters, the last seven delegates, each
    // with its station.
    let ids = |uis: &[Ui]| uis.iter().map(|ui| ui.station.config.id).collect::<Vec<_>>();
    let appointed = hall.appoint(DELEGATES, 3, &ids(&uis), &ids(&counters)).await;
    let roles: Vec<&str> =
        appointed["officers"].as_array().unwrap().iter().map(|o| o["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["scrutineer"; 5].iter().chain(&["counter"; 2]).copied().collect::<Vec<_>>(), "{appointed}");
    let ceremony = format!("/api/polls/{poll}/ceremony");
    // Not started yet: the server's refusal comes through with its code.
    let a = uis[0].call(Method::POST, &format!("{ceremony}/recipient"), None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "poll_wrong_state"), "{}", a.json);
    assert!(a.error_message().unwrap().contains("密钥生成尚未开始"), "{}", a.json);
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    // A counter takes no part in the ceremony: the server's refusal comes through.
    let a = counters[0].call(Method::POST, &format!("{ceremony}/step"), None).await;
    assert_eq!(code(&a), (StatusCode::FORBIDDEN, "not_a_scrutineer"), "{}", a.json);

    // Step 1: scrutineer 1 publishes; it cannot deal before the others have.
    let s = uis[0].ok(Method::POST, &format!("{ceremony}/recipient"), None).await;
    assert_eq!((s["index"].as_u64(), s["published"].clone(), s["next"].as_str()), (Some(1), json!([1]), Some("wait")));
    let again = uis[0].ok(Method::POST, &format!("{ceremony}/recipient"), None).await;
    assert_eq!(again["published"], json!([1]), "publishing again changes nothing");
    let a = uis[0].call(Method::POST, &format!("{ceremony}/dealing"), None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "waiting_for_others"), "{}", a.json);
    assert!(a.error_message().unwrap().contains("5 名监票人中已有 1 名"), "{}", a.json);
    let a = uis[1].call(Method::POST, &format!("{ceremony}/confirm"), None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "step_out_of_order"), "{}", a.json);
    for ui in &uis[1..] {
        ui.ok(Method::POST, &format!("{ceremony}/recipient"), None).await;
    }
    // Step 2: dealing (scrutineer 5 through the generic "next step").
    for ui in &uis[..4] {
        let s = ui.ok(Method::POST, &format!("{ceremony}/dealing"), None).await;
        assert!(s["dealt"].as_array().unwrap().contains(&json!(s["index"])), "{s}");
    }
    let a = uis[0].call_en(Method::POST, &format!("{ceremony}/confirm"), None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "waiting_for_others"), "{}", a.json);
    assert!(a.error_message().unwrap().contains("4 of 5 scrutineers have dealt"), "{}", a.json);
    let s = uis[4].ok(Method::POST, &format!("{ceremony}/step"), None).await;
    assert_eq!(s["dealt"], json!([1, 2, 3, 4, 5]), "{s}");
    // Step 3: each opens and checks its shares and confirms; the last one completes it.
    for (i, ui) in uis.iter().enumerate() {
        let s = ui.ok(Method::POST, &format!("{ceremony}/confirm"), None).await;
        assert_eq!(s["complaints"], json!([]), "{s}");
        let last = i == 4;
        assert_eq!(s["state"].as_str(), Some(if last { "ready" } else { "ceremony" }), "{s}");
    }
    let mut joint = None;
    for ui in &uis {
        let s = ui.ok(Method::GET, &ceremony, None).await;
        assert_eq!(s["next"], "save_share", "{s}");
        assert!(joint.is_none() || joint.as_ref() == Some(&s["joint_key"]));
        joint = Some(s["joint_key"].clone());
    }

    // The share files, each under its scrutineer's passphrase.
    let share = format!("/api/polls/{poll}/share");
    let a = uis[0].call(Method::POST, &share, Some(json!({"passphrase": "short", "again": "short"}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "passphrase_too_short"));
    let a = uis[0]
        .call(Method::POST, &share, Some(json!({"passphrase": passphrase(1), "again": "something else entirely"})))
        .await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "passphrase_mismatch"));
    assert_eq!(a.error_message(), Some("两次输入的口令不一致，请重新输入。"));
    let mut papers = Vec::new();
    for (i, ui) in uis.iter().enumerate() {
        let j = i + 1;
        let saved =
            ui.ok(Method::POST, &share, Some(json!({"passphrase": passphrase(j), "again": passphrase(j)}))).await;
        assert_eq!(saved["index"], j, "{saved}");
        let file = STANDARD.decode(saved["file"].as_str().unwrap()).unwrap();
        assert_eq!(file.len(), sharefile::FILE_LEN);
        assert_eq!(std::fs::read(saved["path"].as_str().unwrap()).unwrap(), file);
        let paper = saved["paper"].as_str().unwrap().to_owned();
        assert!(paper.contains(&format!("{j} / 5")) && paper.contains(sharefile::BEGIN_LINE), "{paper}");
        assert!(paper.contains(saved["ceremony"].as_str().unwrap()), "the paper names the ceremony");
        assert_eq!(sharefile::from_paper(&paper).unwrap(), file);
        // The paper backup a page prints is the same text.
        assert_eq!(ui.text(&format!("{share}/paper")).await, (StatusCode::OK, paper.clone()));
        papers.push(paper);
    }
    let a = uis[0].call(Method::POST, &share, Some(json!({"passphrase": passphrase(1), "again": passphrase(1)}))).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "share_already_saved"));
    let s = uis[0].ok(Method::GET, &ceremony, None).await;
    assert_eq!(s["next"], "check_key", "{s}");

    // The fingerprints to copy into the minutes: the same election fingerprint on every
    // officer's station (the counters' too), each with the officer's own key's.
    let mut fingerprint = None;
    for (ui, (role, j)) in
        uis.iter().chain(&counters).zip((1..=5).map(|j| ("scrutineer", j)).chain([("counter", 1), ("counter", 2)]))
    {
        let f = ui.ok(Method::GET, &format!("/api/polls/{poll}/fingerprints"), None).await;
        assert_eq!((f["role"].as_str(), f["position"].as_u64()), (Some(role), Some(j)), "{f}");
        let key = KeyFingerprint::of(&ui.station.identity.key.verifying_key()).short();
        assert_eq!(f["key_fingerprint"], key.as_str());
        assert!(f["message"].as_str().unwrap().contains("抄入监票记录"), "{f}");
        assert!(fingerprint.is_none() || fingerprint.as_ref() == Some(&f["fingerprint"]), "{f}");
        fingerprint = Some(f["fingerprint"].clone());
    }
    let fingerprint = fingerprint.unwrap().as_str().unwrap().to_owned();
    assert_eq!(s["fingerprint"], fingerprint.as_str(), "the ceremony's status shows it too");
    let manifest = unb64(
        &station_call(&uis[0].station, Method::GET, &format!("/api/station/polls/{poll}/ceremony"), None).await["manifest"],
    );

    // The key check: the poll does not open before every scrutineer has shown that
    // the file it saved opens with its passphrase and decrypts (spec §5.7).
    let open = format!("/api/polls/{poll}/open");
    let (status, err) = refusal(org.call::<Value>(Method::POST, &open, None).await);
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    let key_check = format!("/api/polls/{poll}/key-check");
    let a = uis[0].call(Method::POST, &key_check, Some(json!({"passphrase": "not the passphrase at all"}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_passphrase"), "{}", a.json);
    let a = uis[1].call(Method::POST, &key_check, Some(json!({"passphrase": passphrase(1), "paper": papers[0]}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "share_file_other_scrutineer"), "{}", a.json);
    for (i, ui) in uis.iter().enumerate() {
        let c = ui.ok(Method::POST, &key_check, Some(json!({"passphrase": passphrase(i + 1)}))).await;
        assert_eq!(c["index"], i + 1, "{c}");
        assert_eq!(c["pending"], json!(((i + 2)..=5).collect::<Vec<_>>()), "{c}");
        if i < 4 {
            let (_, err) = refusal(org.call::<Value>(Method::POST, &open, None).await);
            assert!(err["error"]["message"].as_str().unwrap().contains(&format!("第 {} 号监票人", i + 2)), "{err}");
        }
    }
    let s = uis[0].ok(Method::GET, &ceremony, None).await;
    assert_eq!((s["next"].as_str(), s["key_checked"].clone()), (Some("key_checked"), json!([1, 2, 3, 4, 5])), "{s}");

    // Voting: a desk issues credentials, a booth casts; the plaintexts are kept.
    org.call::<Value>(Method::POST, &open, None).await.unwrap();
    let desk = Desk::new(desk.link().unwrap());
    let booth = Booth::new(booth.link().unwrap());
    let mut truth: Vec<u64> = Vec::new();
    let mut challenged = None;
    for k in 1..=BALLOTS {
        let (_, credential) = desk.issue(poll, &CardScan::Number(format!("L{k:05}"))).await.unwrap();
        let visit = booth.begin(&credential).await.unwrap();
        let plain = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
        if truth.is_empty() {
            truth = vec![0; visit.ballot.shape.selections()];
        }
        for (t, m) in truth.iter_mut().zip(plain.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
        if k == 1 {
            // The first delegate challenges once: a ballot of other marks, opened on the
            // board as spoiled; it must not be counted (the truth does not hold it).
            let other = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
            let spoiled = booth.seal(&visit, &other).unwrap();
            let r = booth.challenge(&visit, &spoiled).await.unwrap();
            assert_eq!(r.kind, "spoiled");
            challenged = Some((spoiled.bytes.clone(), other));
        }
        let sealed = booth.seal(&visit, &plain).unwrap();
        let receipt = booth.cast(&visit, &sealed).await.unwrap();
        assert_eq!(receipt.kind, "cast");
    }
    // Decryption waits for the close.
    let load = format!("/api/polls/{poll}/share/load");
    let decrypt = format!("/api/polls/{poll}/decrypt");
    assert_ne!(passphrase(1).as_bytes(), passphrase_decomposed(1).as_bytes());
    uis[0].ok(Method::POST, &load, Some(json!({"passphrase": passphrase_decomposed(1)}))).await;
    let a = uis[0].call(Method::POST, &decrypt, None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "poll_wrong_state"), "{}", a.json);
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/close"), None).await.unwrap();

    // A wrong passphrase: refused, with the clear message, in both languages.
    let a = uis[1].call(Method::POST, &load, Some(json!({"passphrase": "not the passphrase at all"}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_passphrase"), "{}", a.json);
    assert_eq!(a.error_message(), Some("口令不正确，无法打开密钥份额文件。"));
    let a = uis[1].call_en(Method::POST, &load, Some(json!({"passphrase": passphrase(1)}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_passphrase"));
    assert!(a.error_message().unwrap().starts_with("The passphrase is not correct"), "{}", a.json);
    let a = uis[1].call(Method::POST, &decrypt, None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "share_not_loaded"));
    // Another scrutineer's file (here: 1's, typed from its paper backup) is refused.
    let a = uis[1].call(Method::POST, &load, Some(json!({"passphrase": passphrase(1), "paper": papers[0]}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "share_file_other_scrutineer"), "{}", a.json);
    // A paper backup with a mistyped line names the line.
    let typo = papers[2].replacen("03: ", "03: f", 1);
    let a = uis[2].call_en(Method::POST, &load, Some(json!({"passphrase": passphrase(3), "paper": typo}))).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "paper_backup_invalid"), "{}", a.json);
    assert!(a.error_message().unwrap().contains("line 3"), "{}", a.json);

    // Scrutineers 1, 3 and 5 decrypt: 1 from its saved file (loaded above), 3 from the
    // paper backup, 5 from the file as a USB stick would give it.
    uis[2].ok(Method::POST, &load, Some(json!({"passphrase": passphrase(3), "paper": papers[2]}))).await;
    let s5 = uis[4].ok(Method::GET, &ceremony, None).await;
    let file5 = std::fs::read(s5["share_file"].as_str().unwrap()).unwrap();
    let loaded = uis[4]
        .ok(Method::POST, &load, Some(json!({"passphrase": passphrase(5), "file": STANDARD.encode(&file5)})))
        .await;
    assert_eq!((loaded["index"].as_u64(), loaded["threshold"].as_u64()), (Some(5), Some(3)), "{loaded}");
    assert_eq!(Some(&loaded["joint_key"]), joint.as_ref());
    let (status, err) = refusal(org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await);
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_enough_decryptions"));
    for j in [0, 2, 4] {
        let d = uis[j].ok(Method::POST, &decrypt, None).await;
        assert_eq!((d["index"].as_u64(), d["selections"].as_u64()), (Some(j as u64 + 1), Some(truth.len() as u64)));
    }
    // The key share is forgotten once the decryption is posted.
    let a = uis[0].call(Method::POST, &decrypt, None).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "share_not_loaded"));

    // The organiser tallies; every scrutineer reviews the result and signs it.
    let st = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await.unwrap();
    assert_eq!(st["state"], "tallied", "{st}");
    let result = format!("/api/polls/{poll}/result");
    let signature = format!("/api/polls/{poll}/signature");
    let review = uis[0].ok(Method::GET, &result, None).await;
    let totals: Vec<u64> = review["totals"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap()).collect();
    assert_eq!(totals, truth, "the totals are the plaintexts' counts");
    assert_eq!((review["cast"].as_u64(), review["issued"].as_u64()), (Some(BALLOTS as u64), Some(BALLOTS as u64)));
    assert!(review["sheet"].as_str().unwrap().contains("计票结果报告单"), "{review}");
    let en = uis[0].call_en(Method::GET, &result, None).await;
    assert!(en.json["sheet"].as_str().unwrap().contains("RESULT SHEET"), "{}", en.json);
    let digest = review["digest"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 128);
    let a = uis[0].call(Method::POST, &signature, Some(json!({"digest": "00".repeat(64)}))).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "result_changed"));
    for (j, ui) in (1..).zip(&uis) {
        let r = ui.ok(Method::GET, &result, None).await;
        assert_eq!(
            (r["digest"].as_str(), r["role"].as_str(), r["position"].as_u64()),
            (Some(&*digest), Some("scrutineer"), Some(j))
        );
        let s = ui.ok(Method::POST, &signature, Some(json!({"digest": r["digest"]}))).await;
        assert_eq!((s["digest"].as_str(), s["role"].as_str()), (Some(&*digest), Some("scrutineer")), "{s}");
    }
    let a = uis[0].call(Method::POST, &signature, Some(json!({"digest": digest}))).await;
    assert_eq!(code(&a), (StatusCode::CONFLICT, "already_done"), "{}", a.json);
    // Not published while the counters have not signed; the refusal names both of
    // them, not only the first (issue 16).
    let (status, err) = refusal(org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/publish"), None).await);
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "signatures_missing"), "{err}");
    let counter_names: Vec<String> = appointed["officers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["role"] == "counter")
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(counter_names.len(), 2, "{appointed}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.starts_with(&format!("{}、{} 尚未签名", counter_names[0], counter_names[1])), "{message}");

    // The counters review the result at their stations, which read no ceremony, and
    // sign it as counters.
    for (j, ui) in (1..).zip(&counters) {
        let r = ui.ok(Method::GET, &result, None).await;
        assert_eq!(
            (r["digest"].as_str(), r["role"].as_str(), r["position"].as_u64()),
            (Some(&*digest), Some("counter"), Some(j))
        );
        assert_eq!(r["totals"], review["totals"]);
        assert!(r["message"].as_str().unwrap().contains(&format!("第 {j} 号计票人")), "{r}");
        assert!(r["sheet"].as_str().unwrap().contains("计票结果报告单"), "{r}");
        let a = ui.call(Method::POST, &signature, Some(json!({"digest": "00".repeat(64)}))).await;
        assert_eq!(code(&a), (StatusCode::CONFLICT, "result_changed"));
        let s = ui.ok(Method::POST, &signature, Some(json!({"digest": r["digest"]}))).await;
        assert_eq!((s["digest"].as_str(), s["role"].as_str()), (Some(&*digest), Some("counter")), "{s}");
        let a = ui.call(Method::POST, &signature, Some(json!({"digest": digest}))).await;
        assert_eq!(code(&a), (StatusCode::CONFLICT, "already_done"), "{}", a.json);
    }
    let en = counters[1].call_en(Method::GET, &result, None).await;
    assert!(en.json["message"].as_str().unwrap().contains("counter 2"), "{}", en.json);

    // Published: the record verifies, its totals are what was voted, decrypted by 1, 3, 5.
    let st = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/publish"), None).await.unwrap();
    assert_eq!(st["state"], "published", "{st}");
    let (status, bytes) = hall.record().await;
    assert_eq!(status, StatusCode::OK);
    let report = verify_record(&bytes, &mut rand::rng());
    assert!(report.ok(), "{:#?}", report.steps);
    let (record, _) = Record::decode(&bytes).unwrap();
    assert_eq!(record.totals, truth);
    // The fingerprint every officer's station showed is the record's.
    assert_eq!(record.manifest, manifest);
    let of_record = Fingerprint::of(&record.manifest, &record.ceremony.joint_key, &record.ceremony.public_shares);
    assert_eq!(of_record.short(), fingerprint);
    // The challenged ballot is in the record as spoiled, with the opening the verifier
    // checked (spec §13), and is not among the cast ballots that were counted.
    let (spoiled_bytes, spoiled_marks) = challenged.unwrap();
    let spoiled: Vec<_> = record
        .board
        .iter()
        .filter_map(|e| match e {
            hallvote_tally::record::BoardEntry::Spoiled { ballot, opening, .. } => Some((ballot, opening)),
            hallvote_tally::record::BoardEntry::Cast { .. }
            | hallvote_tally::record::BoardEntry::Cancelled { .. }
            | hallvote_tally::record::BoardEntry::Replaced => None,
        })
        .collect();
    assert_eq!(spoiled.len(), 1);
    assert_eq!(spoiled[0].0, &spoiled_bytes);
    let shape = hallvote_tally::record::Manifest::decode(&record.manifest).unwrap().shape().unwrap();
    let opened = hallvote_tally::ballot::Opening::decode(spoiled[0].1, &shape).unwrap();
    assert_eq!(opened.plain, spoiled_marks);
    assert_eq!(record.board.len(), BALLOTS + 1, "every cast ballot and the spoiled one");
    assert_eq!(record.decryptions.iter().map(|d| d.scrutineer).collect::<Vec<_>>(), [1, 3, 5]);
    assert_eq!(record.scrutineer_signatures.len(), 5);
    assert_eq!(record.counter_signatures.len(), 2);
    let manifest = hallvote_tally::record::Manifest::decode(&record.manifest).unwrap();
    let keys = |uis: &[Ui]| uis.iter().map(|ui| ui.station.identity.key.verifying_key()).collect::<Vec<_>>();
    assert_eq!(manifest.counters.iter().map(|c| c.key).collect::<Vec<_>>(), keys(&counters));
    assert_eq!(manifest.scrutineers.iter().map(|c| c.key).collect::<Vec<_>>(), keys(&uis));

    // The page, under the strict CSP (issue 14): its script a file, its texts in a
    // JSON data block, not Rust debug output in a script.
    let (status, page) = uis[0].text("/").await;
    assert_eq!(status, StatusCode::OK);
    support::assert_strict_page(&uis[0].url, "/").await;
    assert!(page.contains("<script type=\"application/json\" id=\"scrutineer-data\">{\"lang\":\"zh-CN\",\"mix_running\":\"混合进行中："), "{page}");
    assert!(page.contains(",\"need_review\":\"请先核对计票结果。\","), "{page}");
    assert!(page.contains("<script src=\"/assets/scrutineer.js\"></script>"));

    // The published result sheet in the browser, under the strict CSP (issue 14):
    // its style sheet is a file of the server's and applies, and nothing is refused.
    let sheet = format!("/polls/{poll}/sheet");
    support::assert_strict_page(&hall.url, &sheet).await;
    let b = support::webdriver::Browser::start().await;
    b.goto(&format!("{}{sheet}", hall.url)).await;
    let collapse = b.execute("return getComputedStyle(document.querySelector('table')).borderCollapse;").await;
    assert_eq!(collapse, "collapse", "the sheet's style sheet applies");
    let title = b.text("h1").await;
    assert!(title.contains("计票结果报告单") || title.contains("Result sheet"), "{title}");
    b.assert_no_csp_violation("result sheet").await;
    assert!(page.contains("监票人终端") && page.contains("保存密钥份额文件"), "{page}");
    assert!(page.contains("检查密钥份额") && page.contains("监票记录"), "{page}");
}

/// A dealer that cheats: scrutineer 4, played here with its station's key, seals
/// garbage to scrutineer 1 and a share of another polynomial to scrutineer 2. Both
/// stations complain instead of failing; the dealer is left out, and the other three
/// still make a working 3-of-4 key.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_share_is_complained_about_and_its_dealer_left_out() {
    use hallvote_crypto::dkg::{Dealer, DealerCommitments, Params};
    use hallvote_crypto::sealed::{RecipientKey, RecipientSecret, seal_share};

    const N: usize = 4;
    let hall = support::hall(DELEGATES, poll_definition()).await;
    let (org, poll) = (&hall.org, hall.poll);
    let mut stations = Vec::new();
    for j in 1..=N {
        let name = format!("监票终端{j}");
        stations.push((hall.station(StationKind::Scrutineer, &name).await, hall.folder(&name)));
    }
    let ids: Vec<u64> = stations.iter().map(|(st, _)| st.config.id).collect();
    hall.appoint(DELEGATES, 3, &ids, &[]).await;
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    let (cheat, _) = stations.pop().unwrap();
    let mut uis = Vec::new();
    for (st, dir) in stations {
        uis.push(Ui::start(st, dir.join("shares")).await);
    }

    let ceremony = format!("/api/polls/{poll}/ceremony");
    let server_view = format!("/api/station/polls/{poll}/ceremony");
    for ui in &uis {
        ui.ok(Method::POST, &format!("{ceremony}/recipient"), None).await;
    }
    let view = station_call(&cheat, Method::GET, &server_view, None).await;
    let ceremony_id = unb64(&view["ceremony_id"]);
    let mut rng = rand::rng();
    let sk = RecipientSecret::generate(&mut rng);
    let signature = sk.public().sign_publication(&cheat.identity.key, &ceremony_id, 4);
    let body = json!({"key": STANDARD.encode(sk.public().as_bytes()), "signature": STANDARD.encode(signature)});
    station_call(&cheat, Method::POST, &format!("{server_view}/recipient"), Some(body)).await;
    for ui in &uis {
        ui.ok(Method::POST, &format!("{ceremony}/dealing"), None).await;
    }
    let view = station_call(&cheat, Method::GET, &server_view, None).await;
    let params = Params::new(3, 4).unwrap();
    let dealer = Dealer::new(params, 4, &mut rng).unwrap();
    let other = Dealer::new(params, 4, &mut rng).unwrap();
    let shares: Vec<Value> = view["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let to = r["index"].as_u64().unwrap() as u32;
            let key = RecipientKey::from_bytes(&unb64(&r["data"])[..32]).unwrap();
            let sealed = match to {
                1 => (0..88).map(|_| rand::random::<u8>()).collect::<Vec<_>>(),
                2 => seal_share(&key, &ceremony_id, &other.share_for(2).unwrap(), &mut rng).unwrap().to_vec(),
                _ => seal_share(&key, &ceremony_id, &dealer.share_for(to).unwrap(), &mut rng).unwrap().to_vec(),
            };
            json!({"recipient": to, "sealed": STANDARD.encode(sealed)})
        })
        .collect();
    let message = dealer.commitments(&ceremony_id, &mut rng).to_bytes();
    let body = json!({"message": STANDARD.encode(message), "shares": shares});
    station_call(&cheat, Method::POST, &format!("{server_view}/dealing"), Some(body)).await;

    for (ui, complaints) in uis.iter().zip([json!([4]), json!([4]), json!([])]) {
        let s = ui.ok(Method::POST, &format!("{ceremony}/confirm"), None).await;
        assert_eq!(s["complaints"], complaints, "{s}");
        assert_eq!(s["state"], "ceremony");
    }
    let done =
        station_call(&cheat, Method::POST, &format!("{server_view}/confirm"), Some(json!({"complaints": []}))).await;
    assert_eq!(done["state"], "ready", "{done}");
    let view = station_call(&cheat, Method::GET, &server_view, None).await;
    assert_eq!(view["qualified"], json!([1, 2, 3]), "the cheating dealer is left out");

    let share = format!("/api/polls/{poll}/share");
    for (i, ui) in uis.iter().enumerate() {
        let p = passphrase(i + 1);
        let saved = ui.ok(Method::POST, &share, Some(json!({"passphrase": p, "again": p}))).await;
        assert_eq!(saved["index"], i + 1);
    }

    // The key checks: all four scrutineers, the one whose dealing was left out too,
    // for it holds a share of the key like the others. Three pass at their stations;
    // the poll waits for the fourth.
    for (i, ui) in uis.iter().enumerate() {
        ui.ok(Method::POST, &format!("/api/polls/{poll}/key-check"), Some(json!({"passphrase": passphrase(i + 1)})))
            .await;
    }
    let (status, err) = refusal(org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await);
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("第 4 号监票人"), "{err}");
    let messages: Vec<DealerCommitments> = view["dealings"].as_array().unwrap()[..3]
        .iter()
        .map(|d| DealerCommitments::decode(&unb64(&d["data"])).unwrap())
        .collect();
    let dealt_to_4: Vec<_> = view["shares"].as_array().unwrap()[..3]
        .iter()
        .map(|s| {
            let dealer = s["index"].as_u64().unwrap() as u32;
            hallvote_crypto::sealed::open_share(&sk, &ceremony_id, dealer, 4, &unb64(&s["data"])).unwrap()
        })
        .collect();
    let output = hallvote_crypto::dkg::ceremony_output(params, &messages).unwrap();
    let share4 = hallvote_crypto::dkg::key_share(4, &dealt_to_4, &output).unwrap();
    support::key_checks(std::slice::from_ref(&cheat), poll, &[share4]).await;
    let desk = hall.station(StationKind::Desk, "报到处1").await;
    let booth = hall.station(StationKind::Booth, "投票机1").await;
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
    let desk = Desk::new(desk.link().unwrap());
    let booth = Booth::new(booth.link().unwrap());
    let mut truth: Vec<u64> = Vec::new();
    for k in 1..=3 {
        let (_, credential) = desk.issue(poll, &CardScan::Number(format!("L{k:05}"))).await.unwrap();
        let visit = booth.begin(&credential).await.unwrap();
        let plain = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
        truth.resize(visit.ballot.shape.selections(), 0);
        for (t, m) in truth.iter_mut().zip(plain.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
        booth.cast(&visit, &booth.seal(&visit, &plain).unwrap()).await.unwrap();
    }
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/close"), None).await.unwrap();
    for (i, ui) in uis.iter().enumerate() {
        ui.ok(Method::POST, &format!("{share}/load"), Some(json!({"passphrase": passphrase(i + 1)}))).await;
        ui.ok(Method::POST, &format!("/api/polls/{poll}/decrypt"), None).await;
    }
    let st = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await.unwrap();
    assert_eq!(st["state"], "tallied", "{st}");
    let review = uis[1].ok(Method::GET, &format!("/api/polls/{poll}/result"), None).await;
    let totals: Vec<u64> = review["totals"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap()).collect();
    assert_eq!(totals, truth);
}

/// A scrutineer's station loses its secrets mid-ceremony (a restart, a broken
/// machine): the ceremony cannot finish. The organiser starts it again; the poll is
/// a draft without officers, they are appointed again, and the new ceremony (a new
/// identifier) runs to the end at the same stations — the two that kept their old
/// work drop it rather than reuse it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ceremony_that_cannot_finish_is_started_again() {
    use hallvote_kiosk::scrutineer::{ScrutineerError, ShareSource};
    use hallvote_tally::Lang;
    use zeroize::Zeroizing;

    let hall = support::hall(DELEGATES, poll_definition()).await;
    let (org, poll) = (&hall.org, hall.poll);
    let mut stations = Vec::new();
    for j in 1..=3 {
        stations.push(hall.station(StationKind::Scrutineer, &format!("监票终端{j}")).await);
    }
    let ids: Vec<u64> = stations.iter().map(|st| st.config.id).collect();
    let restart = format!("/api/polls/{poll}/ceremony/restart");
    // Nothing to restart before a ceremony.
    let (status, body) = refusal(org.call::<Value>(Method::POST, &restart, None).await);
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "poll_wrong_state"));

    hall.appoint(DELEGATES, 2, &ids, &[]).await;
    let first = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    let scrutineer = |j: usize| Scrutineer::new(&stations[j], hall.folder(&format!("监票终端{}", j + 1))).unwrap();
    let mut s: Vec<Scrutineer> = (0..3).map(scrutineer).collect();
    // All three publish their receiving keys; two deal.
    for x in &s {
        x.step(poll, Lang::ZhCn).await.unwrap();
    }
    s[0].step(poll, Lang::ZhCn).await.unwrap();
    s[1].step(poll, Lang::ZhCn).await.unwrap();
    let view_path = format!("/api/station/polls/{poll}/ceremony");
    let keys = |v: &Value| -> Vec<Vec<u8>> {
        v["recipients"].as_array().unwrap().iter().map(|r| unb64(&r["data"])[..32].to_vec()).collect()
    };
    let old_keys = keys(&station_call(&stations[0], Method::GET, &view_path, None).await);
    // Station 3 restarts: its receiving key's secret is gone, and it cannot deal.
    s[2] = scrutineer(2);
    assert!(matches!(s[2].step(poll, Lang::ZhCn).await, Err(ScrutineerError::SecretLost)));

    let again = org.call::<Value>(Method::POST, &restart, None).await.unwrap();
    assert_eq!(again["state"], "draft");
    let officers = org.call::<Value>(Method::GET, &format!("/api/polls/{poll}/officers"), None).await.unwrap();
    assert_eq!(officers["officers"], json!([]), "{officers}");
    assert_eq!(officers["threshold"], Value::Null);

    hall.appoint(DELEGATES, 2, &ids, &[]).await;
    let second = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    assert_ne!(first["ceremony_id"], second["ceremony_id"], "a new ceremony has a new identifier");
    for _round in 0..6 {
        let mut done = true;
        for x in &s {
            match x.step(poll, Lang::ZhCn).await {
                Ok(st) => done &= st.next == "save_share",
                Err(ScrutineerError::Waiting { .. }) => done = false,
                Err(e) => panic!("{e}"),
            }
        }
        if done {
            break;
        }
    }
    // Every receiving key is new: none carried over from the abandoned ceremony.
    let new_keys = keys(&station_call(&stations[0], Method::GET, &view_path, None).await);
    assert_eq!(new_keys.len(), 3);
    assert!(new_keys.iter().all(|k| !old_keys.contains(k)), "a receiving key was reused");
    for (j, x) in s.iter().enumerate() {
        let p = Zeroizing::new(passphrase(j + 1));
        x.save_share(poll, p.clone(), Some(p.clone()), Lang::ZhCn).await.unwrap();
        x.check_key(poll, p, ShareSource::Saved, Lang::ZhCn).await.unwrap();
    }
    let opened = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
    assert_eq!(opened["state"], "open", "{opened}");
    let (status, body) = refusal(org.call::<Value>(Method::POST, &restart, None).await);
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "poll_wrong_state"));
}

/// Three scrutineer stations (2 of 3) through their interfaces: appointed, the
/// ceremony taken step by step until each can save its share file, the files saved.
async fn three_stations_with_saved_shares(hall: &support::Hall, prefix: &str) -> Vec<Ui> {
    let mut uis = Vec::new();
    for j in 1..=3 {
        let name = format!("{prefix}{j}");
        let st = hall.station(StationKind::Scrutineer, &name).await;
        uis.push(Ui::start(st, hall.folder(&name).join("shares")).await);
    }
    appoint_and_save(hall, &uis).await;
    uis
}

/// Appoints `uis` (2 of 3), starts a ceremony, takes it to the end at the stations
/// and saves the share files.
async fn appoint_and_save(hall: &support::Hall, uis: &[Ui]) {
    let poll = hall.poll;
    let ids: Vec<u64> = uis.iter().map(|ui| ui.station.config.id).collect();
    hall.appoint(DELEGATES, 2, &ids, &[]).await;
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    let step = format!("/api/polls/{poll}/ceremony/step");
    for _round in 0..6 {
        let mut done = true;
        for ui in uis {
            let a = ui.call(Method::POST, &step, None).await;
            match a.error_code() {
                None => done &= a.json["next"] == "save_share",
                Some("waiting_for_others") => done = false,
                Some(other) => panic!("{other}: {}", a.json),
            }
        }
        if done {
            break;
        }
    }
    for (i, ui) in uis.iter().enumerate() {
        let p = passphrase(i + 1);
        ui.ok(Method::POST, &format!("/api/polls/{poll}/share"), Some(json!({"passphrase": p, "again": p}))).await;
    }
}

/// A share file that fails the key check keeps the poll closed: here scrutineer 3's
/// check is never taken and the organiser starts the ceremony again from the ready
/// state; then scrutineer 1 offers the file of the abandoned ceremony, which its
/// station refuses, and the poll does not open until it checks this ceremony's file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_share_file_that_fails_the_key_check_keeps_the_poll_from_opening() {
    let hall = support::hall(DELEGATES, poll_definition()).await;
    let (org, poll) = (&hall.org, hall.poll);
    let uis = three_stations_with_saved_shares(&hall, "监票终端").await;
    let key_check = format!("/api/polls/{poll}/key-check");
    let open = format!("/api/polls/{poll}/open");
    let old_file = std::fs::read(hall.folder("监票终端1").join("shares").join(format!("poll-{poll}.hvshare"))).unwrap();
    let first = uis[0].ok(Method::GET, &format!("/api/polls/{poll}/fingerprints"), None).await;
    for (i, ui) in uis[..2].iter().enumerate() {
        ui.ok(Method::POST, &key_check, Some(json!({"passphrase": passphrase(i + 1)}))).await;
    }
    let (status, err) = refusal(org.call::<Value>(Method::POST, &open, None).await);
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    let words = err["error"]["message"].as_str().unwrap();
    assert!(words.contains("第 3 号监票人") && !words.contains("第 1 号监票人"), "{err}");

    // Scrutineer 3 has lost its file: a new ceremony, from the ready state.
    let again = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony/restart"), None).await.unwrap();
    assert_eq!(again["state"], "draft");
    appoint_and_save(&hall, &uis).await;
    let s = uis[0].ok(Method::GET, &format!("/api/polls/{poll}/ceremony"), None).await;
    assert_eq!((s["next"].as_str(), s["key_checked"].clone()), (Some("check_key"), json!([])), "checks cleared: {s}");
    let second = uis[0].ok(Method::GET, &format!("/api/polls/{poll}/fingerprints"), None).await;
    assert_ne!(first["fingerprint"], second["fingerprint"], "another ceremony, another fingerprint");

    // The abandoned ceremony's file: refused at the station, and the poll stays shut.
    let body = json!({"passphrase": passphrase(1), "file": STANDARD.encode(&old_file)});
    let a = uis[0].call(Method::POST, &key_check, Some(body)).await;
    assert_eq!(code(&a), (StatusCode::UNPROCESSABLE_ENTITY, "share_file_other_ceremony"), "{}", a.json);
    for (i, ui) in uis.iter().enumerate().skip(1) {
        ui.ok(Method::POST, &key_check, Some(json!({"passphrase": passphrase(i + 1)}))).await;
    }
    let (status, err) = refusal(org.call::<Value>(Method::POST, &open, None).await);
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "key_check_pending"), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("第 1 号监票人"), "{err}");
    let c = uis[0].ok(Method::POST, &key_check, Some(json!({"passphrase": passphrase(1)}))).await;
    assert_eq!(c["pending"], json!([]), "{c}");
    assert!(c["message"].as_str().unwrap().contains("全部监票人均已通过"), "{c}");
    let opened = org.call::<Value>(Method::POST, &open, None).await.unwrap();
    assert_eq!(opened["state"], "open", "{opened}");
}

/// A lying server, played by changing its database: the aggregates it hands the
/// stations are the sum of one chosen ballot (decrypting that "total" would reveal
/// the ballot), then the board's signed head is not the server's signature. A
/// station refuses to decrypt either, and posts nothing; told the truth, it decrypts,
/// and the count is what was voted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_station_decrypts_the_boards_total_and_nothing_else() {
    use hallvote_tally::ballot::{EncryptedBallot, selection_sums};
    use sqlx::Row;

    let hall = support::hall(DELEGATES, poll_definition()).await;
    let (org, poll) = (&hall.org, hall.poll);
    let uis = three_stations_with_saved_shares(&hall, "监票终端").await;
    for (i, ui) in uis.iter().enumerate() {
        ui.ok(Method::POST, &format!("/api/polls/{poll}/key-check"), Some(json!({"passphrase": passphrase(i + 1)})))
            .await;
    }
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处1").await.link().unwrap());
    let booth = Booth::new(hall.station(StationKind::Booth, "投票机1").await.link().unwrap());
    let mut truth: Vec<u64> = Vec::new();
    let mut first = None;
    for k in 1..=4 {
        let (_, credential) = desk.issue(poll, &CardScan::Number(format!("L{k:05}"))).await.unwrap();
        let visit = booth.begin(&credential).await.unwrap();
        let plain = PlainBallot::random(&visit.ballot.shape, &mut rand::rng()).unwrap();
        truth.resize(visit.ballot.shape.selections(), 0);
        for (t, m) in truth.iter_mut().zip(plain.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
        let sealed = booth.seal(&visit, &plain).unwrap();
        booth.cast(&visit, &sealed).await.unwrap();
        first.get_or_insert((sealed.bytes.clone(), visit.ballot.shape.clone()));
    }
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/close"), None).await.unwrap();

    let url = format!("sqlite://{}", hall.dir.path().join("hallvote.db").display());
    let db = hallvote_server::db::Store::open(&url).await.unwrap();
    let row = sqlx::query("SELECT aggregates, final_head FROM polls WHERE id = $1")
        .bind(poll)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let (honest, head): (Vec<u8>, Vec<u8>) = (row.get("aggregates"), row.get("final_head"));
    let set = |column: &'static str, value: Vec<u8>| {
        let db = db.clone();
        async move {
            sqlx::query(&format!("UPDATE polls SET {column} = $1 WHERE id = $2"))
                .bind(value)
                .bind(poll)
                .execute(db.pool())
                .await
                .unwrap();
        }
    };
    let (ballot, shape) = first.unwrap();
    let one = EncryptedBallot::decode(&ballot, &shape).unwrap();
    let chosen: Vec<u8> = selection_sums(&shape, [&one]).iter().flat_map(|c| c.to_bytes()).collect();
    assert_eq!(chosen.len(), honest.len());
    set("aggregates", chosen).await;

    let load = format!("/api/polls/{poll}/share/load");
    let decrypt = format!("/api/polls/{poll}/decrypt");
    uis[0].ok(Method::POST, &load, Some(json!({"passphrase": passphrase(1)}))).await;
    let a = uis[0].call(Method::POST, &decrypt, None).await;
    assert_eq!(code(&a), (StatusCode::BAD_GATEWAY, "aggregate_not_board_total"), "{}", a.json);
    assert!(a.error_message().unwrap().contains("不是公告板上全部有效选票的合计"), "{}", a.json);
    let a = uis[0].call_en(Method::POST, &decrypt, None).await;
    assert!(a.error_message().unwrap().contains("a ciphertext that is not the board's total"), "{}", a.json);
    // A board whose final head the server did not sign: refused too.
    set("aggregates", honest.clone()).await;
    let mut forged = head.clone();
    forged[50] ^= 1;
    set("final_head", forged).await;
    let a = uis[0].call(Method::POST, &decrypt, None).await;
    assert_eq!(code(&a), (StatusCode::BAD_GATEWAY, "board_invalid"), "{}", a.json);
    let status = org.call::<Value>(Method::GET, &format!("/api/polls/{poll}/status"), None).await.unwrap();
    assert_eq!(status["decryptions"], json!([]), "nothing was posted: {status}");

    // The truth: the station decrypts (its key share still loaded), and so does another.
    set("final_head", head).await;
    for (i, ui) in uis.iter().enumerate().take(2) {
        if i > 0 {
            ui.ok(Method::POST, &load, Some(json!({"passphrase": passphrase(i + 1)}))).await;
        }
        let d = ui.ok(Method::POST, &decrypt, None).await;
        assert_eq!(d["selections"], truth.len(), "{d}");
    }
    let st = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await.unwrap();
    assert_eq!(st["state"], "tallied", "{st}");
    let review = uis[2].ok(Method::GET, &format!("/api/polls/{poll}/result"), None).await;
    let totals: Vec<u64> = review["totals"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap()).collect();
    assert_eq!(totals, truth);
}
