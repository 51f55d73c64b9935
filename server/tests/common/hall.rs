//! A hall set up through the HTTP API as the organisers would set it up, for the
//! tests that run a poll: accounts of every role, a congress and its session, a roll
//! from `tests/data/roster-120` checked in, a draft poll, the hall's stations enrolled,
//! and on request the officers appointed; then the key ceremony and a booth's view of
//! the poll. Each step asserts that it succeeded.

use axum::Router;
use axum::http::{Method, StatusCode};
use hallvote_crypto::credential::{BlindSignature, Credential, blind, finalize};
use hallvote_crypto::threshold::KeyShare;
use hallvote_server::auth::Role;
use hallvote_server::db::Store;
use hallvote_tally::ballot::BallotShape;
use hallvote_tally::record::Manifest;
use hallvote_tally::record::builder::joint_key;
use serde_json::{Value, json};

use super::{Client, Station, as_role, b64, call, enrol_station, run_ceremony, setup, station_call, unb64, upload};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The hall's congress and session, as the tests name them.
pub const CONGRESS_NAME: &str = "中国共产党青山镇第十五届代表大会";
pub const SESSION_PLACE: &str = "镇政府大礼堂";

/// A hall ready for its poll: everything [`HallBuilder`] set up.
pub struct Hall {
    pub app: Router,
    pub org: Client,
    pub desk_account: Client,
    pub observer: Client,
    pub congress: i64,
    pub session: i64,
    pub poll: i64,
    /// The check-in desk's station (报到处1) and the booth (投票机1).
    pub desk: Station,
    pub booth: Station,
    /// The scrutineers' stations (监票终端1…), and the counters' (计票终端1…), of
    /// the scrutineer kind too.
    pub scrutineers: Vec<Station>,
    pub counters: Vec<Station>,
    /// How many scrutineers decrypt (k of n).
    pub threshold: u32,
    /// The size of the roll (QS15-001…).
    pub delegates: usize,
}

/// How a test wants its hall; [`Hall::builder`].
pub struct HallBuilder {
    delegates: usize,
    xlsx: bool,
    present: Option<usize>,
    poll: Value,
    threshold: u32,
    scrutineers: usize,
    counters: usize,
    appointed: bool,
}

impl Hall {
    /// Four delegates, all present; a motion; 2 of 3 scrutineers and a counter, not
    /// yet appointed. Each can be changed.
    pub fn builder() -> HallBuilder {
        HallBuilder {
            delegates: 4,
            xlsx: false,
            present: None,
            poll: json!({"name": "表决", "contests": [
                {"id": "m", "title": "表决", "type": "motion", "items": ["工作报告"]}
            ]}),
            threshold: 2,
            scrutineers: 3,
            counters: 1,
            appointed: false,
        }
    }

    /// The card of delegate `k` of the roll (1-based): QS15-001….
    pub fn card(k: usize) -> String {
        format!("QS15-{k:03}")
    }

    /// The officers' cards: the last delegates of the roll, the scrutineers first,
    /// then the counters (on a roll of 12 with 2 scrutineers and a counter:
    /// QS15-010 and QS15-011, then QS15-012).
    pub fn officer_cards(&self) -> (Vec<String>, Vec<String>) {
        let first = self.delegates + 1 - self.scrutineers.len() - self.counters.len();
        let cards: Vec<String> = (first..=self.delegates).map(Self::card).collect();
        let (s, c) = cards.split_at(self.scrutineers.len());
        (s.to_vec(), c.to_vec())
    }

    /// Appoints the officers ([`Hall::officer_cards`], k of the scrutineers), each at
    /// their own station; the answer.
    pub async fn appoint(&self) -> Value {
        let (scrutineer_cards, counter_cards) = self.officer_cards();
        let officers = |cards: &[String], stations: &[Station]| -> Vec<Value> {
            cards.iter().zip(stations).map(|(c, s)| json!({"card": c, "station": s.id})).collect()
        };
        let body = json!({
            "threshold": self.threshold,
            "scrutineers": officers(&scrutineer_cards, &self.scrutineers),
            "counters": officers(&counter_cards, &self.counters),
        });
        let path = format!("/api/polls/{}/officers", self.poll);
        let (status, v, _) = call(&self.app, Method::POST, &path, Some(&self.org), Some(body), "zh-CN").await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v
    }

    /// The organiser starts the key ceremony of the appointed officers; the answer.
    pub async fn start_ceremony(&self) -> Value {
        let path = format!("/api/polls/{}/ceremony", self.poll);
        let (status, started, _) = call(&self.app, Method::POST, &path, Some(&self.org), None, "en").await;
        assert_eq!(status, StatusCode::CREATED, "{started}");
        started
    }

    /// Starts the key ceremony and runs it as the scrutineers' stations would
    /// ([`run_ceremony`]): their key shares, scrutineer 1 first.
    pub async fn ceremony(&self) -> Vec<KeyShare> {
        self.start_ceremony().await;
        run_ceremony(&self.app, self.poll, &self.scrutineers).await
    }

    /// The poll as the booth reads it.
    pub async fn ballot(&self) -> BallotDef {
        let path = format!("/api/station/polls/{}/ballot", self.poll);
        let (status, def) = station_call(&self.app, &self.booth, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{def}");
        let manifest = Manifest::decode(&unb64(&def["manifest"])).unwrap();
        BallotDef {
            shape: manifest.shape().unwrap(),
            key: joint_key(&unb64(&def["joint_key"]).try_into().unwrap()).unwrap(),
            election: unb64(&def["election"]).try_into().unwrap(),
            poll_id: unb64(&def["poll_id"]).try_into().unwrap(),
            manifest,
        }
    }

    /// The desk issues a credential to the delegate with `card`: blind, sign,
    /// finalize; or the refusal.
    pub async fn issue(&self, def: &BallotDef, card: &str) -> Result<Credential, (StatusCode, Value)> {
        let mut rng = rand::rng();
        let (req, state) = blind(&def.manifest.credential_key, &def.poll_id, &mut rng).unwrap();
        let body = json!({"card": card, "blinded": b64(req.as_bytes())});
        let path = format!("/api/station/polls/{}/issue", self.poll);
        let (status, v) = station_call(&self.app, &self.desk, Method::POST, &path, Some(body)).await;
        if status != StatusCode::CREATED {
            return Err((status, v));
        }
        let sig = BlindSignature::from_bytes(&unb64(&v["blind_signature"])).unwrap();
        Ok(finalize(&def.manifest.credential_key, state, &sig).unwrap())
    }
}

impl HallBuilder {
    /// The first `n` delegates of `tests/data/roster-120.csv` (at most 120).
    pub fn delegates(mut self, n: usize) -> Self {
        assert!((1..=120).contains(&n), "the roll has 120 delegates");
        self.delegates = n;
        self
    }

    /// The roll imported from `tests/data/roster-120.xlsx`, all 120 delegates.
    pub fn xlsx(mut self) -> Self {
        self.delegates = 120;
        self.xlsx = true;
        self
    }

    /// Only the first `n` delegates check in (all of them otherwise).
    pub fn present(mut self, n: usize) -> Self {
        self.present = Some(n);
        self
    }

    /// The draft poll's definition.
    pub fn poll(mut self, definition: Value) -> Self {
        self.poll = definition;
        self
    }

    /// `n` scrutineer stations, `k` of whose officers decrypt.
    pub fn scrutineers(mut self, k: u32, n: usize) -> Self {
        self.threshold = k;
        self.scrutineers = n;
        self
    }

    /// `n` counters' stations.
    pub fn counters(mut self, n: usize) -> Self {
        self.counters = n;
        self
    }

    /// Appoints the officers ([`Hall::appoint`]) once the stations are enrolled.
    pub fn appointed(mut self) -> Self {
        self.appointed = true;
        self
    }

    pub async fn build(self, store: &Store) -> Hall {
        let (app, clients) = setup(store.clone()).await;
        self.build_on(app, clients).await
    }

    /// [`Self::build`] on a server state of the test's own (which it may keep to
    /// look into, or share its key with another state on the same database).
    pub async fn build_with(self, state: hallvote_server::http::AppState) -> Hall {
        let (app, clients) = super::setup_with(state).await;
        self.build_on(app, clients).await
    }

    async fn build_on(self, app: Router, clients: Vec<(Role, Client)>) -> Hall {
        let org = as_role(&clients, Role::Organiser);
        let desk_account = as_role(&clients, Role::Desk);
        let observer = as_role(&clients, Role::Observer);
        let post = |path: String, client: &Client, body: Value, want: StatusCode| {
            let (app, client) = (app.clone(), client.clone());
            async move {
                let (status, v, _) = call(&app, Method::POST, &path, Some(&client), Some(body), "zh-CN").await;
                assert_eq!(status, want, "{path}: {v}");
                v
            }
        };
        let c = post("/api/congresses".into(), &org, json!({"name": CONGRESS_NAME, "number": 15}), StatusCode::CREATED)
            .await;
        let congress = c["id"].as_i64().unwrap();
        let body = json!({"number": 3, "place": SESSION_PLACE, "date": "2026年11月28日"});
        let s = post(format!("/api/congresses/{congress}/sessions"), &org, body, StatusCode::CREATED).await;
        let session = s["id"].as_i64().unwrap();
        let (kind, roll) = if self.xlsx { (XLSX, data("roster-120.xlsx")) } else { ("text/csv", self.roll_csv()) };
        let (status, report) =
            upload(&app, &format!("/api/congresses/{congress}/roster"), &org, kind, roll, "zh-CN").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        for k in 1..=self.present.unwrap_or(self.delegates) {
            let body = json!({"card": Hall::card(k)});
            post(format!("/api/sessions/{session}/checkin"), &desk_account, body, StatusCode::OK).await;
        }
        let p = post(format!("/api/sessions/{session}/polls"), &org, self.poll, StatusCode::CREATED).await;
        let poll = p["id"].as_i64().unwrap();
        let desk = enrol_station(&app, &org, "desk", "报到处1").await;
        let booth = enrol_station(&app, &org, "booth", "投票机1").await;
        let mut scrutineers = Vec::new();
        for j in 1..=self.scrutineers {
            scrutineers.push(enrol_station(&app, &org, "scrutineer", &format!("监票终端{j}")).await);
        }
        let mut counters = Vec::new();
        for j in 1..=self.counters {
            counters.push(enrol_station(&app, &org, "scrutineer", &format!("计票终端{j}")).await);
        }
        let hall = Hall {
            app,
            org,
            desk_account,
            observer,
            congress,
            session,
            poll,
            desk,
            booth,
            scrutineers,
            counters,
            threshold: self.threshold,
            delegates: self.delegates,
        };
        if self.appointed {
            hall.appoint().await;
        }
        hall
    }

    /// The heading and the first rows of `tests/data/roster-120.csv`.
    fn roll_csv(&self) -> Vec<u8> {
        let all = String::from_utf8(data("roster-120.csv")).unwrap();
        all.split_inclusive('\n').take(self.delegates + 1).collect::<String>().into_bytes()
    }
}

/// A booth's view of the poll.
pub struct BallotDef {
    pub manifest: Manifest,
    pub shape: BallotShape,
    pub key: hallvote_crypto::elgamal::PublicKey,
    pub election: [u8; 64],
    pub poll_id: [u8; 32],
}

/// A file of `tests/data`.
pub fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}
