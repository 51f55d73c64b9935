//! The write-in mix through the server and the scrutineer stations' own code (spec
//! §14.15, §15.11): three stations, 2-of-3, delegates writing names in. Before any
//! turn the tally names scrutineer 1; the server refuses a turn out of order, a
//! malformed body, a list of the wrong size, a proof that does not verify and a list
//! share before the last turn, each with its code; then the stations take their
//! turns and post their shares by themselves, the tally counts the names and the
//! published record verifies with them; a turn after the tally is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use hallvote_kiosk::booth::Booth;
use hallvote_kiosk::desk::{CardScan, Desk};
use hallvote_kiosk::scrutineer::Scrutineer;
use hallvote_kiosk::station::Station;
use hallvote_protocol::stations::StationKind;
use hallvote_tally::Lang;
use hallvote_tally::ballot::PlainBallot;
use hallvote_tally::record::{Manifest, Record, verify_record};
use http::{Method, StatusCode};
use serde_json::Value;
use support::{poll_definition, refusal, share_passphrase};

const DELEGATES: usize = 6;
const SLOT: usize = 192;

/// `u32be turn ‖ u32be N ‖ rows ‖ a proof of zeros of the length for N` (spec §14.15).
fn turn_body(turn: u32, rows: &[u8], proof_rows: usize) -> Vec<u8> {
    let n = rows.len() / SLOT;
    let mut body = turn.to_be_bytes().to_vec();
    body.extend_from_slice(&u32::try_from(n).unwrap().to_be_bytes());
    body.extend_from_slice(rows);
    body.extend(std::iter::repeat_n(0u8, 32 * (5 * proof_rows + 15)));
    body
}

async fn post(st: &Station, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let a = st.link().unwrap().call_raw(Method::POST, path, body, "application/octet-stream", &[]).await.unwrap();
    (a.status, a.json)
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stations_mix_in_turn_and_the_server_refuses_every_wrong_upload() {
    let mut poll = poll_definition();
    poll["contests"][0]["write_ins"] = true.into();
    let hall = support::hall(DELEGATES, poll).await;
    // The stations, kept as stations too, for the raw uploads the real code never makes.
    let mut stations = Vec::new();
    let mut scrutineers = Vec::new();
    for j in 1..=3 {
        let name = format!("监票{j}");
        let st = hall.station(StationKind::Scrutineer, &name).await;
        scrutineers.push(Scrutineer::new(&st, hall.folder(&name).join("shares")).unwrap());
        stations.push(st);
    }
    let ids: Vec<u64> = scrutineers.iter().map(Scrutineer::station_id).collect();
    hall.appoint(DELEGATES, 2, &ids, &[]).await;
    let id = hall.poll;
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{id}/ceremony"), None).await.unwrap();
    for _ in 0..8 {
        let mut all = true;
        for s in &scrutineers {
            all &= s.step(id, Lang::ZhCn).await.unwrap().next == "save_share";
        }
        if all {
            break;
        }
    }
    for (j, s) in (1..).zip(&scrutineers) {
        s.save_share(id, share_passphrase(j), Some(share_passphrase(j)), Lang::ZhCn).await.unwrap();
        s.check_key(id, share_passphrase(j), hallvote_kiosk::scrutineer::ShareSource::Saved, Lang::ZhCn).await.unwrap();
    }
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{id}/open"), None).await.unwrap();

    // Every delegate votes against 刘洋 and 陈静; the first four write a name beside
    // 刘洋: 赵敏 three times, 孙𠮷 once.
    let desk = Desk::new(hall.station(StationKind::Desk, "报到处").await.link().unwrap());
    let booth = Booth::new(hall.station(StationKind::Booth, "投票机").await.link().unwrap());
    let mut truth: BTreeMap<String, u32> = BTreeMap::new();
    for d in 1..=DELEGATES {
        let (_, text) = desk.issue(id, &CardScan::Number(format!("L{d:05}"))).await.unwrap();
        let visit = booth.begin(&text).await.unwrap();
        let row = |m: usize| {
            let mut r = vec![0u8; 3];
            r[m] = 1;
            r
        };
        let mut plain = PlainBallot::marks(vec![vec![row(0), row(2), row(2), row(1), row(1)], vec![row(0)]]);
        if d <= 4 {
            let name = if d == 4 { "孙𠮷" } else { "赵敏" };
            plain.write_ins.insert((0, 3), name.to_owned());
            *truth.entry(name.to_owned()).or_insert(0) += 1;
        }
        let sealed = booth.seal(&visit, &plain).unwrap();
        booth.cast(&visit, &sealed).await.unwrap();
    }
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{id}/close"), None).await.unwrap();
    let (status, body) = refusal(hall.org.call::<Value>(Method::POST, &format!("/api/polls/{id}/tally"), None).await);
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "write_ins_not_mixed"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("第 1 号监票人（"), "{body}");

    // The list of turn 0: 6 ballots × 5 rows, as the station downloads it.
    let list = stations[0]
        .link()
        .unwrap()
        .call(Method::GET, &format!("/api/station/polls/{id}/mix/0/list"), None)
        .await
        .unwrap();
    assert_eq!(list.status, StatusCode::OK);
    let rows = list.body.to_vec();
    assert_eq!(rows.len(), DELEGATES * 5 * SLOT);
    let turn = format!("/api/station/polls/{id}/mix/0/turn");
    // Scrutineer 2 before 1.
    let (s, b) = post(&stations[1], &turn, turn_body(0, &rows, DELEGATES * 5)).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "mix_not_your_turn"), "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("第 1 号监票人"), "{b}");
    // A body whose lengths do not add up.
    let (s, b) = post(&stations[0], &turn, turn_body(0, &rows, DELEGATES * 5)[..100].to_vec()).await;
    assert_eq!((s, code(&b)), (StatusCode::BAD_REQUEST, "mix_malformed"), "{b}");
    // A turn that is not the one due.
    let (s, b) = post(&stations[0], &turn, turn_body(1, &rows, DELEGATES * 5)).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "mix_wrong_turn"), "{b}");
    // One row too many.
    let longer = [rows.as_slice(), &rows[..SLOT]].concat();
    let (s, b) = post(&stations[0], &turn, turn_body(0, &longer, DELEGATES * 5 + 1)).await;
    assert_eq!((s, code(&b)), (StatusCode::UNPROCESSABLE_ENTITY, "mix_wrong_size"), "{b}");
    // The list unchanged with a proof of zeros.
    let (s, b) = post(&stations[0], &turn, turn_body(0, &rows, DELEGATES * 5)).await;
    assert_eq!((s, code(&b)), (StatusCode::UNPROCESSABLE_ENTITY, "mix_proof_invalid"), "{b}");
    // A list share before the last turn.
    let (s, b) = post(&stations[0], &format!("/api/station/polls/{id}/mix/0/share"), vec![0, 0, 0, 1]).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "mix_not_finished"), "{b}");
    // The motion takes no write-ins: it has no mix.
    let (s, b) = post(&stations[0], &format!("/api/station/polls/{id}/mix/1/turn"), turn_body(0, &[], 0)).await;
    assert_eq!((s, code(&b)), (StatusCode::NOT_FOUND, "no_such_mix"), "{b}");

    // The real thing: scrutineers 1 and 2 decrypt, then every station does its part,
    // asked in reverse order as their pages would be, until each is done.
    for (j, s) in (1..).zip(&scrutineers).take(2) {
        s.load_share(id, share_passphrase(j), hallvote_kiosk::scrutineer::ShareSource::Saved, Lang::ZhCn)
            .await
            .unwrap();
        assert!(s.decrypt(id, Lang::ZhCn).await.unwrap().mix, "the key share is kept for the mix");
    }
    let mut done = [false; 3];
    for _ in 0..4 {
        for (i, s) in scrutineers.iter().enumerate().rev() {
            if !done[i] {
                let m = s.mix(id, Lang::En).await.unwrap();
                done[i] = m.done;
                if m.shuffled.is_empty() && !m.done {
                    assert!(m.message.contains("Waiting for scrutineer"), "{}", m.message);
                }
            }
        }
    }
    assert_eq!(done, [true; 3]);
    // Scrutineer 1 again: its turn is taken.
    let (s, b) = post(&stations[0], &turn, turn_body(0, &rows, DELEGATES * 5)).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "already_done"), "{b}");

    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{id}/tally"), None).await.unwrap();
    for s in &scrutineers {
        let review = s.review(id, Lang::ZhCn).await.unwrap();
        assert!(review.sheet.contains("另选他人：赵敏 3"), "{}", review.sheet);
        s.sign(id, &review.digest, Lang::ZhCn).await.unwrap();
    }
    // After the tally no turn is taken.
    let (s, b) = post(&stations[2], &turn, turn_body(3, &rows, DELEGATES * 5)).await;
    assert_eq!((s, code(&b)), (StatusCode::CONFLICT, "poll_wrong_state"), "{b}");
    hall.org.call::<Value>(Method::POST, &format!("/api/polls/{id}/publish"), None).await.unwrap();
    let (status, bytes) = hall.record().await;
    assert_eq!(status, StatusCode::OK);
    let report = verify_record(&bytes, &mut rand::rng());
    assert!(report.ok(), "{:#?}", report.steps);
    let (rec, _) = Record::decode(&bytes).unwrap();
    let manifest = Manifest::decode(&rec.manifest).unwrap();
    assert_eq!(rec.mixes[0].turns.iter().map(|t| t.scrutineer).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(hallvote_tally::record::mix::write_in_votes(&manifest.poll, &rec.mixes[0]).0, truth);
}
