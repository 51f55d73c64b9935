//! A whole session run by program, through the same HTTP interfaces the hall uses:
//! the organiser's API, a desk station, booth stations and five scrutineer stations
//! (3 of 5). `hallvote demo` uses it to set a session up for a person to walk
//! through; `hallvote demo --simulate N` runs one end to end with N delegates.
//!
//! Nothing here reaches into the server: every step is a request a station or the
//! organiser's console would send, and the ground truth (every cast ballot's marks)
//! is kept here to be compared with the published totals.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use hallvote_protocol::stations::StationKind;
use hallvote_protocol::wire::{
    Appointee, Appointment, Congress, IssuedEnrolment, NewCongress, NewEnrolment, NewSession, OfficersView, PollView,
    Session, Started, Status,
};
use hallvote_tally::ballot::{BallotShape, PlainBallot};
use http::Method;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::booth::Booth;
use crate::desk::{CardScan, Desk};
use crate::link::Link;
use crate::organiser::Organiser;
use crate::scrutineer::{Scrutineer, ShareSource};
use crate::station::Station;
use hallvote_tally::Lang;

/// Scrutineers per poll, and how many decrypt.
pub const SCRUTINEERS: u32 = 5;
/// `k` of the key ceremony.
pub const THRESHOLD: u32 = 3;
/// Counters per poll (计票人): they review and sign the result with the scrutineers.
pub const COUNTERS: u32 = 2;

/// Why the run stopped.
pub type RunError = String;

fn err(what: &str) -> impl Fn(String) -> RunError + '_ {
    move |e| format!("{what}: {e}")
}

/// The committee members the township polls vote on.
const COMMITTEE: [&str; 7] = ["范勇", "吕丽建", "夏淑", "郭红", "欧阳胜", "刘刚", "蔡国国"];
/// The by-election's candidates.
const BY_ELECTION_CANDIDATES: [&str; 3] = ["孙菊", "王晓冬", "冯丽晓"];
/// The names some simulated delegates write in (另选他人) beside an against mark: one
/// with a character outside the BMP.
const WRITE_INS: [&str; 3] = ["周建国", "吴𠮷", "郑晓红"];

/// The congress, the session's name and the polls of a township session: a
/// competitive by-election, a confidence vote and an evaluation of each committee
/// member, and the motion on the work report.
pub fn township_polls() -> Vec<Value> {
    let committee = COMMITTEE;
    vec![
        json!({ "name": "增补镇党委委员", "contests": [{ "id": "by-election", "title": "增补镇党委委员",
            "type": "election", "kind": "competitive", "by_election": true, "seats": 2,
            "candidates": BY_ELECTION_CANDIDATES.map(|n| json!({"name": n})), "write_ins": true }] }),
        json!({ "name": "对镇党委委员进行信任投票", "contests": [{ "id": "confidence", "title": "信任投票",
            "type": "confidence", "members": committee }] }),
        json!({ "name": "民主评议镇党委委员", "contests": [{ "id": "evaluation", "title": "民主评议",
            "type": "evaluation", "members": committee, "grades": [
                { "zh-CN": "优秀", "en": "excellent" }, { "zh-CN": "称职", "en": "competent" },
                { "zh-CN": "基本称职", "en": "basically competent" }, { "zh-CN": "不称职", "en": "incompetent" }] }] }),
        json!({ "name": "表决关于镇党委工作报告的决议", "contests": [{ "id": "motion", "title": "表决",
            "type": "motion", "items": ["关于中国共产党青山镇委员会工作报告的决议"] }] }),
    ]
}

/// A roll of `n` delegates in 6 delegations, as CSV (姓名,代表团,代表证号), with
/// their card numbers.
pub fn roster(n: usize) -> (String, Vec<String>) {
    const SURNAMES: &[&str] = &[
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
        "林", "罗",
    ];
    const GIVEN: &[&str] = &[
        "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
        "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "玉兰", "红", "志强", "海燕",
    ];
    const GROUPS: &[&str] = &["机关代表团", "农业代表团", "工业代表团", "教育代表团", "卫生代表团", "社区代表团"];
    let mut csv = String::from("姓名,代表团,代表证号\n");
    let mut cards = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / SURNAMES.len() + i * 7) % GIVEN.len()]);
        let card = format!("QS15-{:04}", i + 1);
        csv.push_str(&format!("{name},{},{card}\n", GROUPS[i % GROUPS.len()]));
        cards.push(card);
    }
    (csv, cards)
}

/// A session set up on a server, with its stations enrolled.
pub struct Hall {
    /// The server's address.
    pub url: String,
    /// The organiser.
    pub org: Organiser,
    /// The congress.
    pub congress: i64,
    /// The session.
    pub session: i64,
    /// The polls: number and name.
    pub polls: Vec<(i64, String)>,
    /// The delegates' card numbers, in roll order.
    pub cards: Vec<String>,
    /// The desk station.
    pub desk: Station,
    /// The booth stations.
    pub booths: Vec<Station>,
    /// The scrutineer stations, 1 to 5, and their clients.
    pub scrutineers: Vec<(Station, Scrutineer)>,
    /// The counters' stations, 1 and 2, and their clients (scrutineer-kind stations).
    pub counters: Vec<(Station, Scrutineer)>,
    /// The cards of the delegates appointed to every poll: the scrutineers', then
    /// the counters' (from the end of the roll, none a candidate or member voted on).
    pub officer_cards: Vec<String>,
    /// Where the stations keep their files.
    pub dir: PathBuf,
}

impl std::fmt::Debug for Hall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hall").field("url", &self.url).field("session", &self.session).finish_non_exhaustive()
    }
}

/// The passphrase of scrutineer `j`'s share files in a demo or simulation.
pub fn demo_passphrase(j: usize) -> Zeroizing<String> {
    Zeroizing::new(format!("demo-share-passphrase-{j}"))
}

async fn enrol(org: &Organiser, url: &str, dir: &Path, kind: StationKind, name: &str) -> Result<Station, RunError> {
    let body = NewEnrolment { kind, name: name.to_owned(), server_url: Some(url.to_owned()) };
    let issued: IssuedEnrolment = org
        .call_json(Method::POST, "/api/stations/enrolments", &body)
        .await
        .map_err(|e| format!("enrolment code for {name}: {e}"))?;
    Station::enrol(&dir.join(name), &issued.qr_text, kind).await.map_err(|e| format!("enrol {name}: {e}"))
}

/// Officers from the end of a roll in CSV (姓名 and 代表证号 columns), skipping
/// anyone named as a candidate or member in the township polls (RULES: officers
/// are not candidates).
fn officer_cards(csv: &str, count: usize) -> Result<Vec<String>, RunError> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').map(str::trim).collect();
    let col = |names: &[&str]| header.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let (Some(name), Some(card)) = (col(&["姓名", "name"]), col(&["代表证号", "card"])) else {
        return Err("the roll has no 姓名 or 代表证号 column".into());
    };
    let people: Vec<&str> = COMMITTEE.iter().chain(&BY_ELECTION_CANDIDATES).copied().collect();
    let cards: Vec<String> = lines
        .rev()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').map(str::trim).collect();
            let (n, c) = (cells.get(name)?, cells.get(card)?);
            (!c.is_empty() && !people.contains(n)).then(|| (*c).to_owned())
        })
        .take(count)
        .collect();
    if cards.len() < count {
        return Err(format!("the roll is too short for {count} officers"));
    }
    Ok(cards)
}

/// The card numbers of a roll in CSV: the column headed 代表证号 (or card).
pub fn roster_cards(csv: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').map(str::trim).collect();
    let Some(col) = header.iter().position(|h| *h == "代表证号" || h.eq_ignore_ascii_case("card")) else {
        return Vec::new();
    };
    lines.filter_map(|l| l.split(',').nth(col).map(|c| c.trim().to_owned())).filter(|c| !c.is_empty()).collect()
}

/// Creates the congress, the session, the roll (`roster`: CSV and its card numbers)
/// and the township polls through the organiser's API, and enrols a desk, `booths`
/// booths, five scrutineer stations and two counter stations in folders under `dir`.
pub async fn set_up(
    url: &str,
    org: Organiser,
    roster: (String, Vec<String>),
    booths: usize,
    dir: &Path,
) -> Result<Hall, RunError> {
    let new =
        NewCongress { name: "中国共产党青山镇第十五届代表大会".into(), number: 15, term_years: 5 };
    let c: Congress =
        org.call_json(Method::POST, "/api/congresses", &new).await.map_err(|e| err("congress")(e.to_string()))?;
    let congress = c.id;
    let new =
        NewSession {
            number: 3, place: "青山镇人民政府大礼堂".into(), date: "2026年11月28日".into(), ruleset: None
        };
    let s: Session = org
        .call_json(Method::POST, &format!("/api/congresses/{congress}/sessions"), &new)
        .await
        .map_err(|e| err("session")(e.to_string()))?;
    let session = s.id;
    let (csv, cards) = roster;
    let officer_cards = officer_cards(&csv, (SCRUTINEERS + COUNTERS) as usize)?;
    let report =
        org.import_roster(congress, csv.into_bytes(), "text/csv").await.map_err(|e| err("roster")(e.to_string()))?;
    if let Some(row) = report.errors.first() {
        return Err(err("roster")(format!("{} rows refused, first: {}", report.errors.len(), row.message)));
    }
    let mut polls = Vec::new();
    for d in township_polls() {
        let p: PollView = org
            .call(Method::POST, &format!("/api/sessions/{session}/polls"), Some(d))
            .await
            .map_err(|e| err("poll")(e.to_string()))?;
        polls.push((p.id, p.name));
    }
    let desk = enrol(&org, url, dir, StationKind::Desk, "报到处1").await?;
    let mut booth_stations = Vec::new();
    for b in 1..=booths {
        booth_stations.push(enrol(&org, url, dir, StationKind::Booth, &format!("投票机{b}")).await?);
    }
    let mut scrutineers = Vec::new();
    for j in 1..=SCRUTINEERS {
        let st = enrol(&org, url, dir, StationKind::Scrutineer, &format!("监票人{j}")).await?;
        let client = Scrutineer::new(&st, dir.join(format!("监票人{j}-shares"))).map_err(|e| e.to_string())?;
        scrutineers.push((st, client));
    }
    let mut counters = Vec::new();
    for j in 1..=COUNTERS {
        let st = enrol(&org, url, dir, StationKind::Scrutineer, &format!("计票人{j}")).await?;
        let client = Scrutineer::new(&st, dir.join(format!("计票人{j}-files"))).map_err(|e| e.to_string())?;
        counters.push((st, client));
    }
    Ok(Hall {
        url: url.to_owned(),
        org,
        congress,
        session,
        polls,
        cards,
        desk,
        booths: booth_stations,
        scrutineers,
        counters,
        officer_cards,
        dir: dir.to_owned(),
    })
}

/// Shows progress on one line of standard error.
#[derive(Debug)]
pub struct Progress {
    what: String,
    total: usize,
    done: AtomicUsize,
    started: Instant,
    show: bool,
}

impl Progress {
    /// A bar for `total` steps of `what`; silent if `show` is false.
    pub fn new(what: &str, total: usize, show: bool) -> Arc<Self> {
        let p =
            Arc::new(Self { what: what.to_owned(), total, done: AtomicUsize::new(0), started: Instant::now(), show });
        p.draw(0);
        p
    }

    /// One more step done.
    pub fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if n == self.total || n.is_multiple_of(10) {
            self.draw(n);
        }
    }

    fn draw(&self, n: usize) {
        if !self.show {
            return;
        }
        let width = 30;
        let filled = (n * width).checked_div(self.total).unwrap_or(width).min(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r  {} [{}{}] {n}/{} {:.1} s",
            self.what,
            "#".repeat(filled),
            ".".repeat(width - filled),
            self.total,
            self.started.elapsed().as_secs_f64()
        );
        if n >= self.total {
            let _ = writeln!(err);
        }
    }
}

impl Hall {
    /// A link to the server without a station's signature, as the public reaches
    /// it: pinned to the certificate the stations pinned, and failing over to the
    /// standby hall server the stations know of (spec §15.10).
    pub fn public_link(&self) -> Result<Link, crate::link::LinkError> {
        let mut link = Link::new(&self.url, self.desk.config.tls_fingerprint.as_deref())?;
        if let Some(standby) = self.desk.config.standby_url.as_deref().filter(|s| *s != self.url) {
            link = link.with_standby(standby)?;
        }
        Ok(link)
    }

    /// Checks in the delegates with these card numbers at the desk station.
    pub async fn check_in(&self, cards: &[String], show: bool) -> Result<(), RunError> {
        let desk = Arc::new(Desk::new(self.desk.link().map_err(|e| e.to_string())?));
        let progress = Progress::new("报到 check-in", cards.len(), show);
        let gate = Arc::new(Semaphore::new(8));
        let mut tasks = tokio::task::JoinSet::new();
        for card in cards {
            let (desk, progress, gate, card, session) =
                (Arc::clone(&desk), Arc::clone(&progress), Arc::clone(&gate), card.clone(), self.session);
            tasks.spawn(async move {
                let _slot = gate.acquire().await;
                desk.check_in(session, &CardScan::Number(card.clone()), true)
                    .await
                    .map_err(|e| format!("{card}: {e}"))?;
                progress.tick();
                Ok::<(), RunError>(())
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.map_err(|e| e.to_string())??;
        }
        Ok(())
    }

    /// Appoints the five scrutineers and two counters (delegates from the end of the
    /// roll, not candidates) to every poll, runs each poll's 3-of-5 key ceremony through the
    /// scrutineer stations, saves their share files, checks each saved file with its
    /// passphrase (the key check, spec §5.7, without which a poll does not open), and
    /// opens the polls.
    pub async fn ceremonies_and_open(&self, show: bool) -> Result<(), RunError> {
        let progress = Progress::new("密钥生成 key ceremonies", self.polls.len(), show);
        for (poll, name) in &self.polls {
            let appoint = |stations: &[(Station, Scrutineer)], cards: &[String]| -> Vec<Appointee> {
                stations
                    .iter()
                    .zip(cards)
                    .map(|((st, _), card)| Appointee { card: card.clone(), station: st.config.id as i64 })
                    .collect()
            };
            let (sc, co) = self.officer_cards.split_at(self.scrutineers.len());
            let body = Appointment {
                threshold: THRESHOLD,
                scrutineers: appoint(&self.scrutineers, sc),
                counters: appoint(&self.counters, co),
            };
            self.org
                .call_json::<_, OfficersView>(Method::POST, &format!("/api/polls/{poll}/officers"), &body)
                .await
                .map_err(|e| format!("{name}: officers: {e}"))?;
            self.org
                .call::<Started>(Method::POST, &format!("/api/polls/{poll}/ceremony"), None)
                .await
                .map_err(|e| format!("{name}: ceremony: {e}"))?;
            // Each station takes whichever step is due, round after round, until every
            // one has its key share to save.
            for _round in 0..8 {
                let mut all = true;
                for (_, s) in &self.scrutineers {
                    let st = s.step(*poll, Lang::ZhCn).await.map_err(|e| format!("{name}: {}", e.message(Lang::En)))?;
                    all &= st.next == "save_share";
                }
                if all {
                    break;
                }
            }
            for (j, (_, s)) in self.scrutineers.iter().enumerate() {
                s.save_share(*poll, demo_passphrase(j + 1), Some(demo_passphrase(j + 1)), Lang::ZhCn)
                    .await
                    .map_err(|e| format!("{name}: share file: {}", e.message(Lang::En)))?;
                s.check_key(*poll, demo_passphrase(j + 1), ShareSource::Saved, Lang::ZhCn)
                    .await
                    .map_err(|e| format!("{name}: key check: {}", e.message(Lang::En)))?;
            }
            self.org
                .call::<Status>(Method::POST, &format!("/api/polls/{poll}/open"), None)
                .await
                .map_err(|e| format!("{name}: open: {e}"))?;
            progress.tick();
        }
        Ok(())
    }
}

/// What voting left: per poll, the sum of every cast ballot's marks (the ground
/// truth), and how many ballots were challenged.
#[derive(Debug, Default, Clone)]
pub struct Truth {
    /// `totals[poll index][selection]`.
    pub totals: Vec<Vec<u64>>,
    /// Ballots cast, per poll.
    pub cast: Vec<u64>,
    /// Ballots challenged (spoiled), in all.
    pub challenged: u64,
    /// The names written in and their votes, per poll (all contests together).
    pub write_ins: Vec<BTreeMap<String, u32>>,
}

/// Writes a name in on one of every four ballots (R9, R10): in each contest that
/// takes write-ins, on the first row not marked for (or, with every seat taken by
/// for-votes, the first for row), which it marks against instead.
fn write_in(shape: &BallotShape, plain: &mut PlainBallot, i: usize) {
    if !i.is_multiple_of(4) {
        return;
    }
    for (c, contest) in shape.contests.iter().enumerate() {
        let (Some(rule), Some(cap)) = (contest.write_in, contest.cap) else { continue };
        let marks = &mut plain.marks[c];
        let is_for = |row: &Vec<u8>| row.get(usize::from(cap.option)) == Some(&1);
        let fors = marks.iter().filter(|row| is_for(row)).count();
        let pick = if fors as u32 >= cap.max {
            marks.iter().position(is_for)
        } else {
            marks.iter().position(|row| !is_for(row))
        };
        let Some(row) = pick else { continue };
        for m in marks[row].iter_mut() {
            *m = 0;
        }
        marks[row][usize::from(rule.against)] = 1;
        plain.write_ins.insert((c, row), WRITE_INS[(i / 4) % WRITE_INS.len()].to_owned());
    }
}

impl Hall {
    /// Each delegate in `cards` gets a credential for every poll at the desk and
    /// votes at a booth with random valid marks; every `challenge_every`-th ballot
    /// is challenged once first. Returns the ground truth.
    pub async fn vote(&self, cards: &[String], challenge_every: usize, show: bool) -> Result<Truth, RunError> {
        let desk = Arc::new(Desk::new(self.desk.link().map_err(|e| e.to_string())?));
        let mut booths = Vec::new();
        for b in &self.booths {
            booths.push(Arc::new(Booth::new(b.link().map_err(|e| e.to_string())?)));
        }
        let polls: Vec<i64> = self.polls.iter().map(|p| p.0).collect();
        let progress = Progress::new("投票 voting", cards.len() * polls.len(), show);
        let gate = Arc::new(Semaphore::new(16));
        let mut tasks = tokio::task::JoinSet::new();
        for (i, card) in cards.iter().enumerate() {
            let (desk, booth, progress, gate, card, polls) = (
                Arc::clone(&desk),
                Arc::clone(&booths[i % booths.len()]),
                Arc::clone(&progress),
                Arc::clone(&gate),
                card.clone(),
                polls.clone(),
            );
            let challenge = challenge_every > 0 && i % challenge_every == challenge_every - 1;
            tasks.spawn(async move {
                let _slot = gate.acquire().await;
                let mut marks = Vec::new();
                let mut written = Vec::new();
                let mut challenged = 0;
                for poll in polls {
                    let (_, text) = desk
                        .issue(poll, &CardScan::Number(card.clone()))
                        .await
                        .map_err(|e| format!("{card}: issue: {}", e.words().1))?;
                    let visit = booth.begin(&text).await.map_err(|e| format!("{card}: {}", e.words().1))?;
                    // Marks drawn as the tally's tests draw them (PlainBallot::random).
                    let marks_for = |shape: &BallotShape| {
                        PlainBallot::random(shape, &mut rand::rng()).map_err(|e| format!("{card}: marks: {e}"))
                    };
                    if challenge {
                        let spoiled =
                            booth.seal(&visit, &marks_for(&visit.ballot.shape)?).map_err(|e| e.to_string())?;
                        booth.challenge(&visit, &spoiled).await.map_err(|e| format!("{card}: challenge: {e}"))?;
                        challenged += 1;
                    }
                    let mut plain = marks_for(&visit.ballot.shape)?;
                    write_in(&visit.ballot.shape, &mut plain, i);
                    let sealed = booth.seal(&visit, &plain).map_err(|e| e.to_string())?;
                    written.push(plain.write_ins.values().cloned().collect::<Vec<_>>());
                    booth.cast(&visit, &sealed).await.map_err(|e| format!("{card}: cast: {e}"))?;
                    marks.push(plain.marks.into_iter().flatten().flatten().map(u64::from).collect::<Vec<_>>());
                    progress.tick();
                }
                Ok::<_, RunError>((marks, written, challenged))
            });
        }
        let mut truth = Truth {
            totals: vec![Vec::new(); self.polls.len()],
            cast: vec![0; self.polls.len()],
            challenged: 0,
            write_ins: vec![BTreeMap::new(); self.polls.len()],
        };
        while let Some(r) = tasks.join_next().await {
            let (marks, written, challenged) = r.map_err(|e| e.to_string())??;
            truth.challenged += challenged;
            for (p, names) in written.into_iter().enumerate() {
                for name in names {
                    *truth.write_ins[p].entry(name).or_insert(0) += 1;
                }
            }
            for (p, m) in marks.into_iter().enumerate() {
                let t = &mut truth.totals[p];
                if t.is_empty() {
                    t.resize(m.len(), 0);
                }
                for (a, b) in t.iter_mut().zip(m) {
                    *a += b;
                }
                truth.cast[p] += 1;
            }
        }
        Ok(truth)
    }

    /// Closes every poll, decrypts with scrutineers 1 to 3 from their share files,
    /// tallies, has all five and the two counters review and sign, publishes, and writes one election
    /// record per poll into `record_dir`. Returns each poll's result sheet (text, in
    /// `lang`) and record path.
    pub async fn count(&self, record_dir: &Path, lang: Lang, show: bool) -> Result<Vec<(String, PathBuf)>, RunError> {
        std::fs::create_dir_all(record_dir).map_err(|e| format!("{}: {e}", record_dir.display()))?;
        let progress = Progress::new("计票 counting", self.polls.len(), show);
        // Records of thousands of ballots run to hundreds of megabytes.
        let public = self.public_link().map_err(|e| e.to_string())?.max_answer(2 << 30);
        let mut out = Vec::new();
        for (poll, name) in &self.polls {
            let say = |e: crate::scrutineer::ScrutineerError| format!("{name}: {}", e.message(Lang::En));
            self.org
                .call::<Status>(Method::POST, &format!("/api/polls/{poll}/close"), None)
                .await
                .map_err(|e| format!("{name}: close: {e}"))?;
            for (j, (_, s)) in self.scrutineers.iter().enumerate().take(THRESHOLD as usize) {
                s.load_share(*poll, demo_passphrase(j + 1), ShareSource::Saved, Lang::ZhCn).await.map_err(say)?;
                s.decrypt(*poll, Lang::ZhCn).await.map_err(say)?;
            }
            // The write-in mix (spec §15.11): every scrutineer station's turn in index
            // order, then the list shares of those holding their key share; a poll
            // without write-ins has none, and each station says so at once.
            let mut done = vec![false; self.scrutineers.len()];
            for _ in 0..=self.scrutineers.len() + 1 {
                for ((_, s), d) in self.scrutineers.iter().zip(done.iter_mut()).filter(|(_, d)| !**d) {
                    *d = s.mix(*poll, Lang::ZhCn).await.map_err(say)?.done;
                }
                if done.iter().all(|d| *d) {
                    break;
                }
            }
            self.org
                .call::<Status>(Method::POST, &format!("/api/polls/{poll}/tally"), None)
                .await
                .map_err(|e| format!("{name}: tally: {e}"))?;
            let mut sheet = String::new();
            for (_, s) in self.scrutineers.iter().chain(&self.counters) {
                let review = s.review(*poll, lang).await.map_err(say)?;
                s.sign(*poll, &review.digest, Lang::ZhCn).await.map_err(say)?;
                sheet = review.sheet;
            }
            self.org
                .call::<Status>(Method::POST, &format!("/api/polls/{poll}/publish"), None)
                .await
                .map_err(|e| format!("{name}: publish: {e}"))?;
            let rec = public
                .call(Method::GET, &format!("/api/polls/{poll}/record"), None)
                .await
                .map_err(|e| format!("{name}: record: {e}"))?;
            if !rec.status.is_success() {
                return Err(format!("{name}: record: {} {}", rec.status, rec.json));
            }
            let path = record_dir.join(format!("poll-{poll}.hvrec"));
            std::fs::write(&path, &rec.body).map_err(|e| format!("{}: {e}", path.display()))?;
            out.push((sheet, path));
            progress.tick();
        }
        Ok(out)
    }
}
