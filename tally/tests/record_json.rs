//! The record as JSON for people (spec §12.10): `Record::to_json` and
//! `hallvote-verify --dump`. The JSON is derived and never verified; these tests pin
//! that it shows what the record holds, deterministically.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use std::process::Command;
use std::sync::OnceLock;

use hallvote_crypto::credential::Credential;
use hallvote_tally::ballot::{BallotContext, Opening, TrackingCode};
use hallvote_tally::record::{BoardEntry, Record, dump_record};
use record_common::{Session, Spec, run, small_poll};
use serde_json::Value;

/// A 3-delegate session with one challenge (the first delegate spoils a ballot, then
/// casts with the same credential), tallied by scrutineers 1, 3 and 5.
fn session() -> &'static Session {
    static S: OnceLock<Session> = OnceLock::new();
    S.get_or_init(|| {
        run(Spec { expected: 3, present: 3, contests: small_poll(), spoiled: 1, decrypting: vec![1, 3, 5], seed: 12 })
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_manifest_is_shown_with_names_keys_and_ruleset() {
    let s = session();
    let j = s.record.to_json();
    let m = &j["manifest"];
    assert_eq!(m["poll"], "第一次投票");
    assert_eq!(m["congress"], "中国共产党青山镇第十五届代表大会");
    assert_eq!(m["session"], "第三次会议");
    assert_eq!(m["hex"], hex(&s.record.manifest));
    assert_eq!(m["size"], s.record.manifest.len());
    assert_eq!(m["ruleset"]["name"], "township-2020");
    assert_eq!(m["ruleset"]["sha256"], s.manifest.ruleset.sha256());
    assert_eq!(m["ruleset"]["quorum"], serde_json::to_value(s.manifest.ruleset.quorum).unwrap());
    // Candidates in ballot (stroke) order, with every option label in both languages.
    let committee = &m["contests"][0];
    assert_eq!(committee["id"], "committee");
    assert_eq!(committee["seats"], 2);
    let items: Vec<&str> = committee["ballot_items"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(items, s.manifest.poll.contests[0].items());
    assert!(items.contains(&"王芳"), "{items:?}");
    assert_eq!(committee["option_labels"][0]["zh-CN"], "赞成");
    assert_eq!(committee["option_labels"][1]["en"], "against");
    assert_eq!(committee["shape"]["cap"]["max"], 2);
    assert_eq!(m["contests"][1]["option_labels"][1]["zh-CN"], "反对");
    assert_eq!(m["threshold"], 3);
    assert_eq!(m["scrutineers"].as_array().unwrap().len(), 5);
    assert_eq!(m["scrutineers"][2]["name"], "监票人3");
    assert_eq!(m["scrutineers"][2]["key"], hex(s.scrutineers[2].verifying_key().as_bytes()));
    assert_eq!(m["counters"][1]["name"], "计票人2");
    assert_eq!(m["ceremony"]["text"], "test session ceremony 1");
    assert_eq!(m["credential_key"]["fingerprint"], hex(&s.manifest.credential_key.fingerprint()));
    assert_eq!(m["credential_key"]["spki_der"], hex(s.manifest.credential_key.to_spki_der()));
    assert_eq!(m["server_key"], hex(s.server.verifying_key().as_bytes()));
    assert_eq!(j["election_hash"], hex(&s.election));
    assert_eq!(j["poll_id"].as_str().unwrap().len(), 64);
}

#[test]
fn totals_are_laid_out_per_contest_item_and_option() {
    let s = session();
    let j = s.record.to_json();
    let totals = &j["tally"]["totals"];
    let mut flat = Vec::new();
    for contest in totals.as_array().unwrap() {
        for item in contest["items"].as_array().unwrap() {
            for option in item["options"].as_array().unwrap() {
                flat.push(option["count"].as_u64().unwrap());
            }
        }
    }
    assert_eq!(flat, s.truth);
    let first = s.manifest.poll.contests[0].items()[0].clone();
    assert_eq!(totals[0]["items"][0]["item"], first.as_str());
    assert_eq!(totals[0]["items"][0]["options"][0]["option"]["zh-CN"], "赞成");
    assert_eq!(totals[0]["items"][0]["options"][0]["count"], s.truth[0]);
    assert_eq!(totals[1]["items"][0]["item"], "决议");
    assert_eq!(totals[1]["items"][0]["options"][2]["count"], s.truth[11]);
    // Every selection with its aggregate, the three scrutineers' shares and its total.
    let sel = j["tally"]["selections"].as_array().unwrap();
    assert_eq!(sel.len(), 12);
    assert_eq!(sel[4]["item"], s.manifest.poll.contests[0].items()[1].as_str());
    assert_eq!(sel[4]["option"]["en"], "against");
    assert_eq!(sel[4]["total"], s.truth[4]);
    assert_eq!(sel[4]["aggregate"], hex(&s.record.aggregates[4]));
    let who: Vec<u64> =
        sel[4]["shares"].as_array().unwrap().iter().map(|x| x["scrutineer"].as_u64().unwrap()).collect();
    assert_eq!(who, [1, 3, 5]);
    assert_eq!(sel[4]["shares"][1]["share"], hex(&s.record.decryptions[1].shares[4]));
    assert_eq!(j["tally"]["decrypting_scrutineers"][2]["name"], "监票人5");
}

#[test]
fn every_board_entry_is_shown_with_its_tracking_code() {
    let s = session();
    let j = s.record.to_json();
    let board = &j["board"];
    let entries = board["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries.len(), s.record.board.len());
    assert_eq!(board["cast"], 3);
    assert_eq!(board["spoiled"], 1);
    for (pos, (v, e)) in entries.iter().zip(&s.record.board).enumerate() {
        assert_eq!(v["position"], pos);
        let cred = Credential::from_bytes(e.credential()).unwrap();
        assert_eq!(v["credential"]["serial"], hex(&cred.serial()));
        assert_eq!(v["ballot"]["size"], e.ballot().len());
        assert_eq!(v["ballot"]["hex"], hex(e.ballot()));
        let code = TrackingCode::parse(v["tracking_code"].as_str().unwrap()).expect("a tracking code");
        assert_eq!(code, TrackingCode::of(&BallotContext { election: s.election, serial: cred.serial() }, e.ballot()));
    }
    // The challenged ballot's credential is then cast (spec §12.4).
    assert_eq!(entries[0]["kind"], "spoiled");
    assert_eq!(entries[1]["kind"], "cast");
    assert_eq!(entries[0]["credential"]["serial"], entries[1]["credential"]["serial"]);
    assert_ne!(entries[0]["tracking_code"], entries[1]["tracking_code"]);
    assert!(entries[1].get("opening").is_none());
}

#[test]
fn a_spoiled_ballot_shows_its_opened_marks() {
    let s = session();
    let j = s.record.to_json();
    let BoardEntry::Spoiled { opening, .. } = &s.record.board[0] else { panic!("entry 0 is not spoiled") };
    let marks = Opening::decode(opening, &s.shape).unwrap().plain.marks;
    let shown = &j["board"]["entries"][0]["opening"];
    assert_eq!(shown["hex"], hex(opening));
    let opened = shown["opened"].as_array().unwrap();
    assert_eq!(opened.len(), 2);
    assert_eq!(opened[0]["contest"], "committee");
    assert_eq!(opened[1]["items"][0]["item"], "决议");
    let items = s.manifest.poll.contests[0].items();
    let labels = ["赞成", "不赞成", "弃权"];
    let mut for_votes = 0;
    for (c, contest) in opened.iter().enumerate() {
        for (i, item) in contest["items"].as_array().unwrap().iter().enumerate() {
            assert_eq!(item["marks"], serde_json::to_value(&marks[c][i]).unwrap());
            // Every item of these contests takes exactly one option, named in both languages.
            let marked = item["marked"].as_array().unwrap();
            assert_eq!(marked.len(), 1, "{item}");
            let o = marks[c][i].iter().position(|m| *m == 1).unwrap();
            if c == 0 {
                assert_eq!(item["item"], items[i].as_str());
                assert_eq!(marked[0]["zh-CN"], labels[o]);
                for_votes += usize::from(o == 0);
            }
        }
    }
    assert!(for_votes <= 2, "the cap of 2 seats");
}

#[test]
fn ceremony_heads_outcome_and_signatures_are_shown() {
    let s = session();
    let j = s.record.to_json();
    let c = &j["ceremony"];
    let dealers = c["dealer_messages"].as_array().unwrap();
    assert_eq!(dealers.len(), 5);
    for (k, d) in dealers.iter().enumerate() {
        assert_eq!(d["dealer"], k + 1);
        assert_eq!(d["commitments"].as_array().unwrap().len(), 3);
        assert_eq!(d["proof"].as_str().unwrap().len(), 128);
    }
    assert_eq!(c["qualified"], serde_json::json!([1, 2, 3, 4, 5]));
    assert_eq!(c["joint_key"], hex(&s.record.ceremony.joint_key));
    assert_eq!(c["public_shares"][4]["key"], hex(s.public_shares[4].as_bytes()));
    assert_eq!(j["attendance"], serde_json::json!({ "expected": 3, "present": 3, "issued": 3 }));

    let heads = &j["tree_heads"];
    assert_eq!(heads["receipts"].as_array().unwrap().len(), 4);
    assert_eq!(heads["receipts"][1]["size"], 2);
    assert_eq!(heads["final"]["size"], 4);
    assert_eq!(heads["final"]["root"], hex(&s.record.final_head.head[8..]));
    assert_eq!(heads["final"]["signature"], hex(&s.record.final_head.signature));

    let outcome = &j["outcome"];
    assert_eq!(outcome["hex"], hex(&s.record.outcome));
    assert_eq!(outcome["result_matches_recorded_outcome"], true);
    assert_eq!(outcome["result"]["poll"], "第一次投票");
    assert_eq!(outcome["result"]["returned"], 3);
    assert_eq!(outcome["result"]["valid"], true);
    assert_eq!(outcome["result"]["contests"][0]["id"], "committee");

    let sig = &j["signatures"];
    assert_eq!(sig["server"]["signature"], hex(&s.record.server_signature));
    assert_eq!(sig["server"]["body_digest"], hex(&Record::body_digest(&s.record.body_bytes())));
    assert_eq!(sig["scrutineers"].as_array().unwrap().len(), 5);
    assert_eq!(sig["scrutineers"][0]["name"], "监票人1");
    assert_eq!(sig["scrutineers"][0]["signature"], hex(&s.record.scrutineer_signatures[0]));
    assert_eq!(sig["counters"][1]["signature"], hex(&s.record.counter_signatures[1]));
    assert_eq!(sig["result_digest"].as_str().unwrap().len(), 128);
    assert_eq!(j["size"], s.record.to_bytes().len());
}

#[test]
fn the_json_is_deterministic_and_follows_the_record() {
    let s = session();
    let a = s.record.to_json();
    let (decoded, _) = Record::decode(&s.record.to_bytes()).unwrap();
    assert_eq!(decoded.to_json(), a);
    let text = dump_record(&s.record.to_bytes()).unwrap();
    assert_eq!(text, dump_record(&s.record.to_bytes()).unwrap());
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), a);
    // Bytes are lowercase hex.
    let head = a["tree_heads"]["final"]["root"].as_str().unwrap();
    assert!(head.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{head}");

    // Not verified: a vote moved between the motion's options is shown as it is, and
    // the result recomputed from the totals no longer matches the recorded outcome.
    let mut r = s.record.clone();
    let from = (9..12).find(|&k| r.totals[k] > 0).unwrap();
    let to = if from == 9 { 10 } else { 9 };
    r.totals[from] -= 1;
    r.totals[to] += 1;
    let t = r.to_json();
    assert_ne!(t, a);
    assert_eq!(t["tally"]["totals"][1]["items"][0]["options"][to - 9]["count"], s.truth[to] + 1);
    assert_eq!(t["tally"]["selections"][from]["total"], s.truth[from] - 1);
    assert_eq!(t["outcome"]["result_matches_recorded_outcome"], false, "{}", t["outcome"]);

    // A manifest that does not decode is shown as hex with the reason; the rest still is.
    let mut r = s.record.clone();
    r.manifest[8] ^= 0xff;
    let t = r.to_json();
    assert!(t["manifest"]["error"].as_str().unwrap().contains("manifest version"), "{}", t["manifest"]);
    assert_eq!(t["manifest"]["hex"], hex(&r.manifest));
    assert_eq!(t["board"]["entries"].as_array().unwrap().len(), 4);
    assert!(TrackingCode::parse(t["board"]["entries"][2]["tracking_code"].as_str().unwrap()).is_some());
    assert!(t["outcome"]["error"].is_string());

    // A joint key that is not a group element: no election hash, so no tracking codes.
    let mut r = s.record.clone();
    r.ceremony.joint_key = [0xff; 32];
    let t = r.to_json();
    assert!(t["ceremony"]["joint_key_error"].is_string());
    assert!(a["ceremony"].get("joint_key_error").is_none());
    assert_eq!(t["election_hash"], Value::Null);
    assert_eq!(t["board"]["entries"][1]["tracking_code"], Value::Null);
    assert_eq!(t["manifest"]["poll"], "第一次投票");
}

#[test]
fn hallvote_verify_dump_prints_the_json_and_exits_by_decoding() {
    let s = session();
    let dir = std::env::temp_dir().join(format!("hallvote-dump-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("poll-1.hvrec");
    std::fs::write(&good, s.record.to_bytes()).unwrap();
    let garbage = dir.join("garbage.hvrec");
    std::fs::write(&garbage, b"HVRECORD\x01 and then nonsense").unwrap();
    let bin = env!("CARGO_BIN_EXE_hallvote-verify");

    let out = Command::new(bin).arg("--dump").arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["manifest"]["poll"], "第一次投票");
    assert_eq!(v, s.record.to_json());

    // It does not verify: a record with a bad signature still dumps.
    let mut bytes = s.record.to_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered = dir.join("poll-2.hvrec");
    std::fs::write(&tampered, bytes).unwrap();
    assert_eq!(Command::new(bin).arg("--dump").arg(&tampered).output().unwrap().status.code(), Some(0));

    let out = Command::new(bin).arg("--dump").arg(&garbage).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage.hvrec"));
    assert_eq!(Command::new(bin).arg("--dump").arg(dir.join("missing")).output().unwrap().status.code(), Some(2));
    assert_eq!(Command::new(bin).arg("--dump").arg(&good).arg(&good).output().unwrap().status.code(), Some(2));

    let help = Command::new(bin).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("--dump") && help.contains("does NOT") && help.contains("verify the record"), "{help}");
    std::fs::remove_dir_all(&dir).unwrap();
}
