//! The whole system as it runs in a hall: the real `hallvote` binaries — the server,
//! a desk, a booth and three scrutineer stations — each a process on a free local
//! port, driven only through their HTTP interfaces (the console's API and the
//! stations' pages and APIs), with ballots whose marks the test keeps. The election
//! takes write-ins (另选他人): delegates write in a name from the eligible list, a name
//! not on it and one with a character outside the BMP (𠮷), and the person written in
//! from the list is elected. After the close the three scrutineer stations take their
//! turns of the write-in mix and post their list shares (spec §14.15, §15.11). The
//! published record must verify, its totals must be exactly those marks and its
//! write-ins exactly those names. On SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hallvote_kiosk::link::{Answer, Link};
use hallvote_kiosk::organiser::Organiser;
use http::{Method, StatusCode, header};
use serde_json::{Value, json};

const DELEGATES: usize = 12;
const SEATS: usize = 3;
const CANDIDATES: usize = 5;
const PASSPHRASE: &str = "e2e-share-passphrase";
/// Written in from the eligible list, by enough delegates to be elected (R11).
const LISTED: &str = "赵敏";
/// Written in, not on the list.
const FREE: &str = "钱多多";
/// Written in, with a character outside the Basic Multilingual Plane.
const WIDE: &str = "孙𠮷";

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

fn hallvote(args: &[&str]) -> Proc {
    Proc(
        Command::new(env!("CARGO_BIN_EXE_hallvote"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    )
}

/// Reads a process's output in the background (so it never blocks on a full pipe)
/// and returns the first line containing `marker`.
fn first_line_with(p: &mut Proc, marker: &'static str) -> String {
    let out = p.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if !sent && line.contains(marker) {
                let _ = tx.send(line);
                sent = true;
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("no line with {marker:?}"))
}

async fn wait_ready(url: &str) {
    let link = Link::new(url, None).unwrap();
    for _ in 0..300 {
        if let Ok(a) = link.call(Method::GET, "/healthz", None).await
            && a.status == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not come up");
}

/// A station's pages or API, as its browser would call them.
struct Page(Link);

impl Page {
    fn new(url: &str) -> Self {
        Self(Link::new(url, None).unwrap())
    }

    async fn get(&self, path: &str) -> Answer {
        self.0.call(Method::GET, path, None).await.unwrap()
    }

    /// Posts a form; a redirect's target, or the page.
    async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        let a = self
            .0
            .call_raw(Method::POST, path, body.join("&").into_bytes(), "application/x-www-form-urlencoded", &[])
            .await
            .unwrap();
        assert!(a.status.is_success() || a.status.is_redirection(), "{path}: {}", a.status);
        a
    }

    async fn json(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let a = self.0.call(method, path, body.as_ref()).await.unwrap();
        assert!(a.status.is_success(), "{path}: {} {}", a.status, a.json);
        a.json
    }
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn location(a: &Answer) -> &str {
    a.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn html(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

/// The text between `start` and the next `<` in a page.
fn between(page: &str, start: &str) -> String {
    let from = page.find(start).unwrap_or_else(|| panic!("{start:?} not in {page}")) + start.len();
    page[from..].split('<').next().unwrap().to_owned()
}

/// Enrols a station binary of `kind` with a code from the console and serves it.
async fn station(org: &Organiser, server: &str, dir: &Path, kind: &str, name: &str) -> (Proc, String) {
    let issued = org
        .call::<Value>(
            Method::POST,
            "/api/stations/enrolments",
            Some(json!({"kind": kind, "name": name, "server_url": server})),
        )
        .await
        .unwrap();
    let port = free_port();
    let folder = dir.join(name);
    let p = hallvote(&[
        kind,
        "--dir",
        folder.to_str().unwrap(),
        "--enrol",
        issued["qr_text"].as_str().unwrap(),
        "--listen",
        &format!("127.0.0.1:{port}"),
    ]);
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&url).await;
    (p, url)
}

async fn session(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let key = dir.path().join("server.key");
    let mut server =
        hallvote(&["serve", "--db", db, "--listen", &format!("127.0.0.1:{port}"), "--key-file", key.to_str().unwrap()]);
    let line = first_line_with(&mut server, "one-time password");
    let first = line.rsplit(' ').next().unwrap().trim().to_owned();
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&url).await;
    let (org, _) = Organiser::first_login(Link::new(&url, None).unwrap(), "organiser", &first).await.unwrap();

    // The organiser sets the session up through the console's API.
    let c = org
        .call::<Value>(
            Method::POST,
            "/api/congresses",
            Some(json!({"name": "中国共产党青山镇第十五届代表大会", "number": 15})),
        )
        .await
        .unwrap();
    let congress = c["id"].as_i64().unwrap();
    let s = org
        .call::<Value>(
            Method::POST,
            &format!("/api/congresses/{congress}/sessions"),
            Some(json!({"number": 3, "place": "礼堂", "date": "2026-11-28"})),
        )
        .await
        .unwrap();
    let session = s["id"].as_i64().unwrap();
    let (csv, cards) = hallvote_kiosk::simulate::roster(DELEGATES);
    let report = org.import_roster(congress, csv.into_bytes(), "text/csv").await.unwrap();
    assert_eq!((report.added, report.updated, report.errors.len()), (DELEGATES as u64, 0, 0), "{report:?}");
    let candidates: Vec<Value> = ["王芳", "李娜", "张伟", "刘洋", "陈静"].iter().map(|n| json!({"name": n})).collect();
    let definition = json!({ "name": "选举镇党委委员", "contests": [
        { "id": "committee", "title": "选举镇党委委员", "type": "election", "kind": "competitive",
          "by_election": false, "seats": SEATS, "candidates": candidates, "write_ins": true },
        { "id": "report", "title": "表决工作报告", "type": "motion", "items": ["关于镇党委工作报告的决议"] }
    ]});
    let p = org.call::<Value>(Method::POST, &format!("/api/sessions/{session}/polls"), Some(definition)).await.unwrap();
    let poll = p["id"].as_i64().unwrap();
    // The eligible list the booth finds names in (候选人资格名单).
    let csv = format!("序号,姓名,性别,工作单位\n1,{LISTED},女,东村\n2,周强,男,西村\n");
    let imported: Value = org
        .send(Method::PUT, &format!("/api/congresses/{congress}/eligible"), csv.into_bytes(), "text/csv")
        .await
        .unwrap();
    assert_eq!(imported["added"], 2, "{imported}");

    // The stations: real processes, enrolled with the console's one-time codes.
    let (_desk_proc, desk) = station(&org, &url, dir.path(), "desk", "报到处").await;
    let (_booth_proc, booth) = station(&org, &url, dir.path(), "booth", "投票机").await;
    let mut scrutineers = Vec::new();
    for j in 1..=3 {
        scrutineers.push(station(&org, &url, dir.path(), "scrutineer", &format!("监票人{j}")).await);
    }
    let mut counters = Vec::new();
    for j in 1..=2 {
        counters.push(station(&org, &url, dir.path(), "scrutineer", &format!("计票人{j}")).await);
    }
    let (desk, booth) = (Page::new(&desk), Page::new(&booth));
    let sc: Vec<Page> = scrutineers.iter().map(|(_, u)| Page::new(u)).collect();
    let co: Vec<Page> = counters.iter().map(|(_, u)| Page::new(u)).collect();

    // Check-in at the desk, before the poll opens.
    for card in &cards {
        let page = html(&desk.form("/scan", &[("card", card)]).await);
        assert!(page.contains("已报到"), "{card}: {page}");
    }

    // Officers (three scrutineers and two counters, from the end of the roll), and
    // the 2-of-3 key ceremony through the scrutineer stations.
    let mut officers = Vec::new();
    for (i, s) in sc.iter().chain(&co).enumerate() {
        let id = s.json(Method::GET, "/api/station", None).await["id"].clone();
        officers.push(json!({"card": cards[DELEGATES - 1 - i], "station": id}));
    }
    let counter_officers = officers.split_off(sc.len());
    org.call::<Value>(
        Method::POST,
        &format!("/api/polls/{poll}/officers"),
        Some(json!({"threshold": 2, "scrutineers": officers, "counters": counter_officers})),
    )
    .await
    .unwrap();
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None).await.unwrap();
    let step = format!("/api/polls/{poll}/ceremony/step");
    for _ in 0..6 {
        let mut done = true;
        for s in &sc {
            done &= s.json(Method::POST, &step, None).await["next"] == "save_share";
        }
        if done {
            break;
        }
    }
    for s in &sc {
        s.json(
            Method::POST,
            &format!("/api/polls/{poll}/share"),
            Some(json!({"passphrase": PASSPHRASE, "again": PASSPHRASE})),
        )
        .await;
    }
    // Every officer's station shows the same election fingerprint to copy into the
    // minutes; each scrutineer checks its saved share file before the poll opens.
    let mut fingerprints = Vec::new();
    for s in sc.iter().chain(&co) {
        fingerprints
            .push(s.json(Method::GET, &format!("/api/polls/{poll}/fingerprints"), None).await["fingerprint"].clone());
    }
    assert!(fingerprints.iter().all(|f| f == &fingerprints[0] && f.is_string()), "{fingerprints:?}");
    for s in &sc {
        s.json(Method::POST, &format!("/api/polls/{poll}/key-check"), Some(json!({"passphrase": PASSPHRASE}))).await;
    }
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/open"), None).await.unwrap();
    // The election fingerprint (spec §11.4): in the console, and on the hall display.
    let fingerprint = org.call::<Value>(Method::GET, &format!("/api/polls/{poll}"), None).await.unwrap()["fingerprint"]
        .as_str()
        .expect("the console shows the fingerprint once the ceremony is done")
        .to_owned();
    let public = Page::new(&url);
    let figures = public.json(Method::GET, &format!("/api/sessions/{session}/figures"), None).await;
    assert_eq!(figures["boards"][0]["fingerprint"], fingerprint.as_str(), "{figures}");
    let mut receipts = Vec::new();

    // Each delegate: credential at the desk, ballot at the booth; the marks are kept.
    // Selections in ballot order: 5 candidates × (for, against, abstain), then the motion's 3.
    let mut truth = vec![0u64; CANDIDATES * 3 + 3];
    let mut written: BTreeMap<String, u32> = BTreeMap::new();
    let mut codes = Vec::new();
    for (d, card) in cards.iter().enumerate() {
        let page = html(&desk.form("/scan", &[("card", card)]).await);
        assert!(page.contains("credential-0"), "{card}: {page}");
        let print = html(&desk.get("/print/0/80mm").await);
        // The text as printed, in groups of 4 (spans): the booth takes it with its spaces.
        let printed = print.split("<p class=\"credential-text\">").nth(1).unwrap().split("</p>").next().unwrap();
        let credential = printed.replace("<span>", "").replace("</span>", "").trim().to_owned();
        assert!(credential.starts_with("HVCRED1:"), "{credential}");

        let a = booth.form("/scan", &[("credential", &credential)]).await;
        assert_eq!(location(&a), "/contest/0", "{}", html(&a));
        // At most SEATS for-votes: candidate c gets "for" if c < d % (SEATS + 1), else against or abstain.
        let fors = d % (SEATS + 1);
        let marks: Vec<usize> = (0..CANDIDATES).map(|c| if c < fors { 0 } else { 1 + (c + d) % 2 }).collect();
        let motion = d % 3;
        let mut fields: Vec<(String, String)> =
            marks.iter().enumerate().map(|(i, m)| (format!("i{i}"), m.to_string())).collect();
        // Beside against marks (R9), within the seats with the for-votes (R10): the
        // listed person on the first against row while a seat is left, and a second
        // name, alternately the free one and the wide one, while two are left.
        let against: Vec<usize> = (0..CANDIDATES).filter(|&c| marks[c] == 1).collect();
        let mut names = Vec::new();
        if fors < SEATS {
            names.push(LISTED);
        }
        if fors + 1 < SEATS {
            names.push(if d % 2 == 0 { FREE } else { WIDE });
        }
        for (row, name) in against.iter().zip(names) {
            fields.push((format!("w{row}"), name.to_owned()));
            *written.entry(name.to_owned()).or_insert(0) += 1;
        }
        fields.push(("go".into(), "next".into()));
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(location(&booth.form("/contest/0", &f).await), "/contest/1");
        let m = motion.to_string();
        assert_eq!(location(&booth.form("/contest/1", &[("i0", &m), ("go", "next")]).await), "/review");
        assert_eq!(location(&booth.form("/seal", &[]).await), "/sealed");
        if d == 0 {
            // The first delegate checks the booth once: the opened ballot shows the marks.
            assert_eq!(location(&booth.form("/challenge", &[]).await), "/challenged");
            let opened = html(&booth.get("/challenged").await);
            assert!(opened.contains("王芳"), "{opened}");
            assert_eq!(between(&opened, r#"id="fingerprint">"#), fingerprint);
            receipts.push(between(&opened, r#"id="receipt-text">"#));
            assert_eq!(location(&booth.form("/seal", &[]).await), "/sealed");
        }
        assert_eq!(location(&booth.form("/cast", &[]).await), "/receipt");
        let receipt = html(&booth.get("/receipt").await);
        codes.push(between(&receipt, r#"id="tracking">"#));
        assert_eq!(between(&receipt, r#"id="fingerprint">"#), fingerprint, "the receipt's fingerprint");
        receipts.push(between(&receipt, r#"id="receipt-text">"#));
        assert_eq!(location(&booth.form("/done", &[]).await), "/");
        for (c, m) in marks.iter().enumerate() {
            truth[c * 3 + m] += 1;
        }
        truth[CANDIDATES * 3 + motion] += 1;
    }

    // A delegate leaves: the desk records the departure; the ballot cast stays counted.
    let page = html(&desk.form("/depart", &[("card", &cards[0])]).await);
    assert!(page.contains(r#"id="notice""#) && page.contains("离场"), "{page}");

    // Close; scrutineers 1 and 2 decrypt from their share files. The write-in mix:
    // every scrutineer station takes its turn in index order (scrutineer 3, which does
    // not decrypt, too), and 1 and 2 post their list shares once the turns are done;
    // each station is asked again, as its page does, until its part is done.
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/close"), None).await.unwrap();
    for s in &sc[..2] {
        s.json(Method::POST, &format!("/api/polls/{poll}/share/load"), Some(json!({"passphrase": PASSPHRASE}))).await;
        let d = s.json(Method::POST, &format!("/api/polls/{poll}/decrypt"), None).await;
        assert_eq!(d["mix"], true, "the station keeps its key share for the mix: {d}");
    }
    // Before any turn, the tally names whose turn is due.
    let early = org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await;
    assert!(format!("{early:?}").contains("write_ins_not_mixed"), "{early:?}");
    let mut done = [false; 3];
    for _ in 0..4 {
        // In reverse order: 3 and 2 wait for 1 the first time round.
        for (i, s) in sc.iter().enumerate().rev() {
            if !done[i] {
                let m = s.json(Method::POST, &format!("/api/polls/{poll}/mix"), None).await;
                done[i] = m["done"] == true;
            }
        }
    }
    assert_eq!(done, [true; 3], "every scrutineer station did its part of the mix");
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/tally"), None).await.unwrap();
    for s in sc.iter().chain(&co) {
        let r = s.json(Method::GET, &format!("/api/polls/{poll}/result"), None).await;
        s.json(Method::POST, &format!("/api/polls/{poll}/signature"), Some(json!({"digest": r["digest"]}))).await;
    }
    org.call::<Value>(Method::POST, &format!("/api/polls/{poll}/publish"), None).await.unwrap();

    // The published record verifies, and its totals are the marks cast.
    let record = public.get(&format!("/api/polls/{poll}/record")).await;
    assert_eq!(record.status, StatusCode::OK);
    let report = hallvote_tally::record::verify_record(&record.body, &mut rand::rng());
    assert!(report.ok(), "{:#?}", report.steps);
    let (rec, _) = hallvote_tally::record::Record::decode(&record.body).unwrap();
    assert_eq!(rec.totals, truth, "published totals against the ground truth");
    // The write-ins: one mix of three turns and two list shares, whose names count
    // exactly as written; the listed person is elected with a candidate.
    assert_eq!(rec.mixes.len(), 1);
    let mix = &rec.mixes[0];
    assert_eq!((mix.turns.len(), mix.shares.len()), (3, 2));
    assert_eq!(mix.turns.iter().map(|t| t.scrutineer).collect::<Vec<_>>(), [1, 2, 3], "turns in index order");
    let manifest = hallvote_tally::record::Manifest::decode(&rec.manifest).unwrap();
    let (votes, void) = hallvote_tally::record::mix::write_in_votes(&manifest.poll, mix);
    assert_eq!(votes, written, "published write-ins against the ground truth");
    assert!(void.is_empty(), "{void:?}");
    assert!(written[LISTED] as usize * 2 > DELEGATES && written.contains_key(WIDE) && written.contains_key(FREE));
    let recorded = hallvote_tally::record::outcome::recorded_write_ins(&rec.outcome).unwrap();
    let counted: BTreeMap<String, u32> = recorded[0].1.iter().cloned().collect();
    assert_eq!(counted, written, "the outcome counts the names written");
    let recorded =
        hallvote_tally::record::Fingerprint::of(&rec.manifest, &rec.ceremony.joint_key, &rec.ceremony.public_shares);
    assert_eq!(recorded.short(), fingerprint, "the record's fingerprint is the one the hall saw");
    assert_eq!(fingerprints[0], fingerprint.as_str(), "every officer's station showed it");
    assert_eq!((rec.scrutineer_signatures.len(), rec.counter_signatures.len()), (3, 2), "every officer signed");
    assert_eq!(rec.board.len(), DELEGATES + 1, "every ballot cast and the one challenged");
    // The result sheet PDF prints the same fingerprint beside the signature lines.
    let pdf = public.get(&format!("/polls/{poll}/sheet.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let sheet = dir.path().join("sheet.pdf");
    std::fs::write(&sheet, &pdf.body).unwrap();
    let text = Command::new("pdftotext")
        .arg(&sheet)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (Debian package poppler-utils) is needed: {e}"));
    let sheet_text = String::from_utf8_lossy(&text.stdout);
    assert!(sheet_text.contains(&fingerprint), "the sheet's fingerprint");
    // The sheet lists the write-ins with their votes, and the elected with 赵敏.
    let elected = sheet_text.lines().find(|l| l.contains("当选（按姓氏笔画为序）")).unwrap_or_default().to_owned();
    assert!(elected.contains(LISTED) && elected.contains("王芳"), "{sheet_text}");
    assert!(sheet_text.contains(FREE), "{sheet_text}");
    // The verifier prints that fingerprint first, and accepts the record pinned to it
    // with every receipt the booth printed.
    assert_eq!(report.fingerprint.as_deref(), Some(fingerprint.as_str()));
    let file = dir.path().join("poll.hvrec");
    std::fs::write(&file, &record.body).unwrap();
    let list = dir.path().join("receipts.txt");
    std::fs::write(&list, receipts.join("\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hallvote"))
        .args(["verify", "--lang", "en", "--expect", &fingerprint, "--receipts"])
        .arg(&list)
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.starts_with(&format!("election fingerprint 选举指纹: {fingerprint}\n")), "{said}");
    assert!(
        said.contains(&format!(
            "✓ 13.15 receipts and observed heads ({} receipts ({DELEGATES} cast, 1 challenged)",
            DELEGATES + 1
        )),
        "{said}"
    );
    assert!(said.contains("record verified: it is the poll whose fingerprint the hall wrote down"), "{said}");
    // Every receipt's tracking code is on the public board.
    for code in &codes {
        let a = public.get(&format!("/api/polls/{poll}/board/{}", code.replace('-', ""))).await;
        assert_eq!(a.status, StatusCode::OK, "{code}");
    }
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_through_the_real_binaries_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    session(dir.path().join("hallvote.db").to_str().unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_through_the_real_binaries_on_postgresql() {
    let base =
        std::env::var("HALLVOTE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = hallvote_server::db::Store::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL end-to-end test needs a server at {base}: {e}"));
    let schema = format!("hv_e2e_{:08x}", rand::random::<u32>());
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    session(&format!("{base}{sep}options=-c%20search_path%3D{schema}")).await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin.pool()).await.unwrap();
    admin.close().await;
}
