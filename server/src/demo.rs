//! `hallvote demo`: a township congress session seeded into a fresh server, so a
//! person can look around. It uses only the public functions the HTTP handlers
//! use, on a SQLite file in a temporary folder.

use hallvote_tally::model::Poll;
use serde_json::json;

use crate::auth::Role;
use crate::auth::password::{generate_password, hash_password};
use crate::db::accounts::{self, NewAccount};
use crate::db::{StoreError, congress, polls, roster};
use crate::http::AppState;
use crate::roster::parse_csv;

/// The 120-delegate roll of the demo (six delegate groups), as a delegate office keeps it.
/// The demo's roll: 120 delegates of a township congress in 6 delegations (CSV).
pub const ROSTER: &[u8] = include_bytes!("../tests/data/roster-120.csv");

/// What the demo seeded, for printing.
pub struct DemoSession {
    /// The congress id.
    pub congress_id: i64,
    /// The session id.
    pub session_id: i64,
    /// Logins and their one-time passwords: (role, username, password).
    pub logins: Vec<(Role, String, String)>,
    /// A few delegates' card numbers, names and card QR texts.
    pub sample_cards: Vec<(String, String, String)>,
    /// The polls created (id, name).
    pub polls: Vec<(i64, String)>,
}

/// Seeds 中国共产党青山镇第十五届代表大会第三次会议: the roll, a desk and an observer
/// account, and the session's polls (a competitive by-election, a confidence vote
/// and an evaluation of each committee member, a motion on the work report).
pub async fn seed(state: &AppState, now: i64) -> Result<DemoSession, StoreError> {
    let store = &state.store;
    let c = congress::create_congress(store, "中国共产党青山镇第十五届代表大会", 15, 5, now).await?;
    let s = congress::create_session(store, c.id, 3, "青山镇人民政府大礼堂", "2026年11月28日", "township-2020", now)
        .await?;
    let import = parse_csv(ROSTER).map_err(|e| StoreError::Corrupt(e.text().en))?;
    roster::import(store, c.id, &import.rows).await?;

    let mut rng = rand::rng();
    let mut logins = Vec::new();
    for (role, username, display) in [(Role::Desk, "desk1", "报到处一"), (Role::Observer, "observer1", "观察员")]
    {
        let password = generate_password(&mut rng);
        let hash = hash_password(&password, &mut rng).map_err(StoreError::Corrupt)?;
        let new =
            NewAccount { username, display_name: display, role, password_hash: &hash, must_change_password: false };
        accounts::create(store, &new, now).await?;
        logins.push((role, username.to_owned(), password.to_string()));
    }

    let committee = ["范勇", "吕丽建", "夏淑", "郭红", "欧阳胜", "刘刚", "蔡国国"];
    let definitions = [
        json!({ "name": "增补镇党委委员", "contests": [{ "id": "by-election", "title": "增补镇党委委员",
            "type": "election", "kind": "competitive", "by_election": true, "seats": 2,
            "candidates": [{"name": "孙菊"}, {"name": "王晓冬"}, {"name": "冯丽晓"}] }] }),
        json!({ "name": "对镇党委委员进行信任投票", "contests": [{ "id": "confidence", "title": "信任投票",
            "type": "confidence", "members": committee }] }),
        json!({ "name": "民主评议镇党委委员", "contests": [{ "id": "evaluation", "title": "民主评议",
            "type": "evaluation", "members": committee, "grades": [
                { "zh-CN": "优秀", "en": "excellent" }, { "zh-CN": "称职", "en": "competent" },
                { "zh-CN": "基本称职", "en": "basically competent" }, { "zh-CN": "不称职", "en": "incompetent" }] }] }),
        json!({ "name": "表决关于镇党委工作报告的决议", "contests": [{ "id": "motion", "title": "表决",
            "type": "motion", "items": ["关于中国共产党青山镇委员会工作报告的决议"] }] }),
    ];
    let ruleset =
        hallvote_tally::Ruleset::builtin("township-2020").map_err(|e| StoreError::Corrupt(format!("{e:?}")))?;
    let mut made = Vec::new();
    for d in definitions {
        let poll: Poll = serde_json::from_value(d).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        poll.validate(&ruleset).map_err(|e| StoreError::Corrupt(e.text().en))?;
        let p = polls::create(store, s.id, &poll, now).await?;
        made.push((p.id, poll.name));
    }

    let sample_cards = import
        .rows
        .iter()
        .take(3)
        .map(|r| (r.card.clone(), r.name.clone(), crate::cards::qr_text(&state.server_key, c.id as u64, &r.card)))
        .collect();
    Ok(DemoSession { congress_id: c.id, session_id: s.id, logins, sample_cards, polls: made })
}
