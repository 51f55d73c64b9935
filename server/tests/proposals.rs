//! Proposals end to end (issue 18, items 1 and 2; spec §14.11; RULES R18), through
//! the HTTP API only, on both backends: the presidium named; a proposal drafted at a
//! desk station with its lead delegate's card scanned, ten co-signers added by card
//! at desk and booth stations, submitted, accepted by a presidium member, assigned
//! to a handling unit, replied to, found 不满意 by the lead delegate, replied to a
//! second time and concluded; another entered from the paper form and put on the
//! agenda as a motion poll, which is then voted and counted; others turned into a
//! suggestion, merged and not accepted; the deadline; the audit log names the
//! presidium member of each decision; the 提案汇编 and the handling report as PDF,
//! rendered by poppler and read back.
//!
//! The PDF check needs a CJK font (Debian package `fonts-wqy-microhei`) and poppler's
//! `pdftoppm` and `pdftotext` (Debian package `poppler-utils`): without them it
//! fails, it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use common::{Hall, Station, b64, call, code, get_bytes, station_call, unb64};
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_server::db::Store;
use hallvote_tally::ballot::{BallotContext, PlainBallot, encrypt_ballot};
use hallvote_tally::record::builder::decrypt;
use serde_json::{Value, json};

const TITLE_A: &str = "关于改善镇区道路照明的提案";
const TITLE_B: &str = "关于设立镇级河长巡查制度的议案";

/// The QR text of every card of the congress, by card number.
async fn card_qrs(h: &Hall) -> HashMap<String, String> {
    let (status, cards, _) =
        call(&h.app, Method::GET, &format!("/api/congresses/{}/cards", h.congress), Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{cards}");
    cards
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["card"].as_str().unwrap().to_owned(), c["qr_text"].as_str().unwrap().to_owned()))
        .collect()
}

/// A call by the organiser (the secretariat), answered in zh-CN.
async fn org(h: &Hall, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, v, _) = call(&h.app, method, path, Some(&h.org), body, "zh-CN").await;
    (status, v)
}

/// The organiser's call that must succeed with `want`.
async fn org_ok(h: &Hall, method: Method, path: &str, body: Option<Value>, want: StatusCode) -> Value {
    let (status, v) = org(h, method, path, body).await;
    assert_eq!(status, want, "{path}: {v}");
    v
}

fn text_of(title: &str) -> Value {
    json!({"title": title, "reasons": "镇区主干道夜间照明不足，\n群众出行不便。", "measures": "增设路灯，明确维护责任单位。"})
}

/// A proposal entered from the paper form, with cards `cosigners` (but the lead's) typed in.
async fn paper_draft(h: &Hall, lead: &str, title: &str, cosigners: std::ops::RangeInclusive<usize>) -> Value {
    let mut body = text_of(title);
    body["lead"] = json!({"card": lead});
    let p = org_ok(h, Method::POST, &format!("/api/sessions/{}/proposals", h.session), Some(body), StatusCode::CREATED)
        .await;
    let id = p["id"].as_i64().unwrap();
    for k in cosigners.filter(|k| Hall::card(*k) != lead) {
        let path = format!("/api/proposals/{id}/cosigners");
        let v = org_ok(h, Method::POST, &path, Some(json!({"card": Hall::card(k)})), StatusCode::OK).await;
        assert_eq!(v["newly"], true, "{v}");
    }
    org_ok(h, Method::GET, &format!("/api/proposals/{id}"), None, StatusCode::OK).await
}

/// [`paper_draft`], then submitted.
async fn paper_proposal(h: &Hall, lead: &str, title: &str, cosigners: std::ops::RangeInclusive<usize>) -> Value {
    let p = paper_draft(h, lead, title, cosigners).await;
    org_ok(h, Method::POST, &format!("/api/proposals/{}/submit", p["id"]), None, StatusCode::OK).await
}

fn actions(p: &Value) -> Vec<String> {
    p["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

async fn proposals_end_to_end(store: Store) {
    // 14 delegates, all present: QS15-001 and QS15-002 on the presidium; the officers
    // of the motion poll are the last three (QS15-012, -013 scrutineers, -014 counter).
    let h = Hall::builder().delegates(14).scrutineers(2, 2).counters(1).build(&store).await;
    let sid = h.session;
    let qrs = card_qrs(&h).await;

    // Item 2: the presidium, a body of the session with its members.
    let presidium = format!("/api/sessions/{sid}/presidium");
    let (status, err, _) =
        call(&h.app, Method::PUT, &presidium, Some(&h.desk_account), Some(json!({"cards": ["QS15-001"]})), "en").await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "forbidden"), "only the secretariat names it");
    let (status, err) = org(&h, Method::PUT, &presidium, Some(json!({"cards": ["QS15-001", "ZZ-9"]}))).await;
    assert_eq!((status, code(&err)), (StatusCode::NOT_FOUND, "not_a_delegate"), "{err}");
    let members =
        org_ok(&h, Method::PUT, &presidium, Some(json!({"cards": ["QS15-001", "qs15-002"]})), StatusCode::OK).await;
    assert_eq!(
        members.as_array().unwrap().iter().map(|m| m["card"].as_str().unwrap()).collect::<Vec<_>>(),
        ["QS15-001", "QS15-002"]
    );
    let (status, public, _) = call(&h.app, Method::GET, &presidium, None, None, "zh-CN").await;
    assert_eq!((status, &public), (StatusCode::OK, &members));

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let deadline = format!("/api/sessions/{sid}/proposal-deadline");
    org_ok(&h, Method::PUT, &deadline, Some(json!({"deadline": now + 3600})), StatusCode::OK).await;

    // Proposal A: drafted at the desk station, its lead delegate's card scanned.
    let mut body = text_of(TITLE_A);
    body["lead"] = json!({"qr": qrs["QS15-003"]});
    let station_path = format!("/api/station/sessions/{sid}/proposals");
    let (status, a) = station_call(&h.app, &h.desk, Method::POST, &station_path, Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!((a["number"].as_i64(), a["state"].as_str()), (Some(1), Some("collecting")), "{a}");
    assert_eq!(a["lead"]["card"], "QS15-003");
    assert_eq!(a["reasons"], "镇区主干道夜间照明不足，\n群众出行不便。");
    let a_id = a["id"].as_i64().unwrap();
    // A scrutineer station may not draft; an empty title is refused.
    let (status, err) = station_call(&h.app, &h.scrutineers[0], Method::POST, &station_path, Some(body.clone())).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"));
    let mut empty = body.clone();
    empty["title"] = json!("  ");
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &station_path, Some(empty)).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"));
    // Stations see it among the drafts collecting co-signers; the public does not yet.
    let (_, drafts) = station_call(&h.app, &h.booth, Method::GET, &station_path, None).await;
    assert_eq!(drafts.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>(), [a_id]);
    let list = format!("/api/sessions/{sid}/proposals");
    let (_, listed, _) = call(&h.app, Method::GET, &list, None, None, "zh-CN").await;
    assert_eq!(listed, json!([]));

    // Ten co-signers by card, at the desk and the booth in turn.
    let cosign = format!("/api/station/proposals/{a_id}/cosigners");
    let submit_a = format!("/api/proposals/{a_id}/submit");
    for (i, k) in (4..=13).enumerate() {
        let station: &Station = if i % 2 == 0 { &h.desk } else { &h.booth };
        if k == 13 {
            // Nine are not enough (R18).
            let (status, err) = org(&h, Method::POST, &submit_a, None).await;
            assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "cosigners_short"), "{err}");
            assert!(err["error"]["message"].as_str().unwrap().contains("目前只有 9 名"), "{err}");
        }
        let (status, v) =
            station_call(&h.app, station, Method::POST, &cosign, Some(json!({"qr": qrs[&Hall::card(k)]}))).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            (v["newly"].as_bool(), v["count"].as_u64(), v["needed"].as_u64()),
            (Some(true), Some(i as u64 + 1), Some(10))
        );
    }
    // The same card again adds no one; the lead may not co-sign; a forged card, a
    // scrutineer station are refused.
    let (status, again) =
        station_call(&h.app, &h.booth, Method::POST, &cosign, Some(json!({"qr": qrs["QS15-004"]}))).await;
    assert_eq!((status, again["newly"].as_bool(), again["count"].as_u64()), (StatusCode::OK, Some(false), Some(10)));
    let (status, err) =
        station_call(&h.app, &h.desk, Method::POST, &cosign, Some(json!({"qr": qrs["QS15-003"]}))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "cosigner_is_lead"));
    let stranger = hallvote_crypto::sign::SigningKey::generate(&mut rand::rng());
    let forged = hallvote_server::cards::qr_text(&stranger, h.congress as u64, "QS15-014");
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &cosign, Some(json!({"qr": forged}))).await;
    assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "card_qr_forged"));
    let (status, err) =
        station_call(&h.app, &h.scrutineers[0], Method::POST, &cosign, Some(json!({"qr": qrs["QS15-014"]}))).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"));

    let a = org_ok(&h, Method::POST, &submit_a, None, StatusCode::OK).await;
    assert_eq!(a["state"], "submitted");
    assert!(a["cosigners"].as_array().unwrap().iter().all(|c| c["via"] == "card"), "{a}");
    let (status, err) =
        station_call(&h.app, &h.desk, Method::POST, &cosign, Some(json!({"qr": qrs["QS15-014"]}))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_wrong_state"), "no co-signing once submitted");
    let (_, listed, _) = call(&h.app, Method::GET, &list, None, None, "en").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    // The presidium's review: only a member's decision is recorded, with a reason.
    let review_a = format!("/api/proposals/{a_id}/review");
    let (status, err) = org(
        &h,
        Method::POST,
        &review_a,
        Some(json!({"member": "QS15-005", "decision": "accept", "reason": "一事一案"})),
    )
    .await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "not_presidium_member"), "{err}");
    let (status, err) =
        org(&h, Method::POST, &review_a, Some(json!({"member": "QS15-001", "decision": "accept", "reason": ""}))).await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"), "{err}");
    let body = json!({"member": "QS15-001", "decision": "accept", "reason": "符合提案要求，一事一案"});
    let a = org_ok(&h, Method::POST, &review_a, Some(body), StatusCode::OK).await;
    assert_eq!((a["state"].as_str(), a["category"].as_str()), (Some("accepted"), Some("proposal")));
    let decided = a["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (decided["action"].as_str(), decided["member"]["card"].as_str()),
        (Some("review.accept"), Some("QS15-001"))
    );
    let (status, err) = org(&h, Method::POST, &submit_a, None).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_wrong_state"));

    // Assigned to a handling unit with a due date; replied; 不满意; replied again; concluded.
    let assign = format!("/api/proposals/{a_id}/assignment");
    let (status, err) =
        org(&h, Method::POST, &assign, Some(json!({"member": "QS15-002", "unit": "镇建设办", "due": "2027-02-30"})))
            .await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"), "{err}");
    let body = json!({"member": "QS15-002", "unit": "镇建设办", "due": "2027-02-28"});
    let a = org_ok(&h, Method::POST, &assign, Some(body), StatusCode::OK).await;
    assert_eq!(
        (a["state"].as_str(), a["unit"].as_str(), a["due"].as_str()),
        (Some("assigned"), Some("镇建设办"), Some("2027-02-28"))
    );
    let evaluation = format!("/api/proposals/{a_id}/evaluation");
    let (status, err) = org(&h, Method::POST, &evaluation, Some(json!({"evaluation": "satisfied"}))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_wrong_state"), "no evaluation before a reply");
    let replies = format!("/api/proposals/{a_id}/replies");
    let first = "已在主干道增设路灯 40 盏。";
    // The lead delegate evaluates the first reply themselves at the desk, by card.
    let at_desk = format!("/api/station/proposals/{a_id}/evaluation");
    let by_card =
        |card: &str| json!({"lead": {"qr": qrs[card]}, "evaluation": "dissatisfied", "comment": "支路仍未照明"});
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &at_desk, Some(by_card("QS15-003"))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_wrong_state"), "not before the reply: {err}");
    let a = org_ok(&h, Method::POST, &replies, Some(json!({"text": first})), StatusCode::OK).await;
    assert_eq!(a["state"], "replied");
    // Another delegate's card (a co-signer's) is refused, naming them; so is a booth
    // station, a forged card and a typo in the evaluation.
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &at_desk, Some(by_card("QS15-004"))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "not_lead_delegate"), "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("(QS15-004) is not the lead delegate of proposal 1"), "{err}");
    let (status, err) = station_call(&h.app, &h.booth, Method::POST, &at_desk, Some(by_card("QS15-003"))).await;
    assert_eq!((status, code(&err)), (StatusCode::FORBIDDEN, "wrong_station_kind"), "{err}");
    let forged_lead = json!({"lead": {"qr": hallvote_server::cards::qr_text(&stranger, h.congress as u64, "QS15-003")},
                             "evaluation": "dissatisfied"});
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &at_desk, Some(forged_lead)).await;
    assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "card_qr_forged"), "{err}");
    let mut typo = by_card("QS15-003");
    typo["evaluation"] = json!("unhappy");
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &at_desk, Some(typo)).await;
    assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "malformed_request"), "{err}");
    let a = org_ok(&h, Method::GET, &format!("/api/proposals/{a_id}"), None, StatusCode::OK).await;
    assert_eq!(a["state"], "replied", "nothing refused was recorded");
    let (status, a) = station_call(&h.app, &h.desk, Method::POST, &at_desk, Some(by_card("QS15-003"))).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!((a["state"].as_str(), a["evaluation"].as_str()), (Some("reply_again"), Some("dissatisfied")));
    let step = a["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (step["reason"].as_str(), step["actor"].as_str().map(|x| x.starts_with("station:"))),
        (Some("支路仍未照明"), Some(true)),
        "{step}"
    );
    // Evaluated once, it takes no second evaluation until the unit replies again.
    let (status, err) = station_call(&h.app, &h.desk, Method::POST, &at_desk, Some(by_card("QS15-003"))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_wrong_state"), "{err}");
    let second = "支路路灯已纳入明年计划，3 月底前完成。";
    let a = org_ok(&h, Method::POST, &replies, Some(json!({"text": second})), StatusCode::OK).await;
    assert_eq!(a["state"], "replied");
    let body = json!({"evaluation": "basically_satisfied"});
    let a = org_ok(&h, Method::POST, &evaluation, Some(body), StatusCode::OK).await;
    assert_eq!((a["state"].as_str(), a["evaluation"].as_str()), (Some("concluded"), Some("basically_satisfied")));
    assert_eq!(
        actions(&a),
        [
            "drafted",
            "submit",
            "review.accept",
            "assign",
            "reply",
            "evaluate.dissatisfied",
            "reply",
            "evaluate.basically_satisfied"
        ]
    );
    let texts: Vec<&str> = a["history"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert_eq!((texts[4], texts[6]), (first, second));
    let (status, err) = org(&h, Method::POST, &replies, Some(json!({"text": "再答复"}))).await;
    assert_eq!(
        (status, code(&err)),
        (StatusCode::CONFLICT, "proposal_wrong_state"),
        "a concluded proposal takes no reply"
    );

    // Proposal B, from the paper form: co-signers typed by the secretariat; put on
    // the agenda, which makes its motion poll in the same step.
    let b = paper_draft(&h, "QS15-004", TITLE_B, 1..=3).await;
    assert_eq!(b["state"], "collecting", "three are not ten: {b}");
    let b_id = b["id"].as_i64().unwrap();
    for k in 5..=11 {
        let path = format!("/api/proposals/{b_id}/cosigners");
        org_ok(&h, Method::POST, &path, Some(json!({"card": Hall::card(k)})), StatusCode::OK).await;
    }
    let b = org_ok(&h, Method::POST, &format!("/api/proposals/{b_id}/submit"), None, StatusCode::OK).await;
    assert_eq!((b["number"].as_i64(), b["state"].as_str()), (Some(2), Some("submitted")));
    assert!(b["cosigners"].as_array().unwrap().iter().all(|c| c["via"] == "paper"), "{b}");
    let body = json!({"member": "QS15-002", "decision": "accept", "reason": "涉及全镇，提请大会审议"});
    org_ok(&h, Method::POST, &format!("/api/proposals/{b_id}/review"), Some(body), StatusCode::OK).await;
    let agenda = format!("/api/proposals/{b_id}/agenda");
    let b = org_ok(&h, Method::POST, &agenda, Some(json!({"member": "QS15-001"})), StatusCode::OK).await;
    assert_eq!(b["state"], "on_agenda");
    let poll = b["poll"].as_i64().unwrap();
    let p = org_ok(&h, Method::GET, &format!("/api/polls/{poll}"), None, StatusCode::OK).await;
    assert_eq!((p["state"].as_str(), p["session_id"].as_i64()), (Some("draft"), Some(sid)));
    assert_eq!(p["contests"][0]["items"], json!([TITLE_B]), "{p}");

    // C is turned into a suggestion (and cannot go on the agenda, but can be
    // assigned); D is merged into C; E is not accepted.
    let c = paper_proposal(&h, "QS15-005", "关于加强农村垃圾分类宣传的建议", 1..=11).await;
    let d = paper_proposal(&h, "QS15-006", "关于垃圾分类宣传进村入户的提案", 1..=11).await;
    let e = paper_proposal(&h, "QS15-007", "关于修订本届代表大会议事规则的提案", 1..=11).await;
    let (c_id, d_id, e_id) = (c["id"].as_i64().unwrap(), d["id"].as_i64().unwrap(), e["id"].as_i64().unwrap());
    let review = |id: i64, body: Value| {
        let h = &h;
        async move { org(h, Method::POST, &format!("/api/proposals/{id}/review"), Some(body)).await }
    };
    let (status, c) =
        review(c_id, json!({"member": "QS15-001", "decision": "suggestion", "reason": "属于工作建议"})).await;
    assert_eq!(
        (status, c["state"].as_str(), c["category"].as_str()),
        (StatusCode::OK, Some("accepted"), Some("suggestion"))
    );
    let (status, err) =
        org(&h, Method::POST, &format!("/api/proposals/{c_id}/agenda"), Some(json!({"member": "QS15-001"}))).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_wrong_state"), "{err}");
    let (status, err) =
        review(d_id, json!({"member": "QS15-002", "decision": "merge", "reason": "同一事项", "merge_into": a_id}))
            .await;
    assert_eq!((status, code(&err)), (StatusCode::UNPROCESSABLE_ENTITY, "merge_target_invalid"), "A is concluded");
    let (status, d) =
        review(d_id, json!({"member": "QS15-002", "decision": "merge", "reason": "同一事项", "merge_into": c_id}))
            .await;
    assert_eq!((status, d["state"].as_str(), d["merged_into"].as_i64()), (StatusCode::OK, Some("merged"), Some(c_id)));
    let (status, e) =
        review(e_id, json!({"member": "QS15-001", "decision": "reject", "reason": "不属于本次大会职权范围"})).await;
    assert_eq!((status, e["state"].as_str()), (StatusCode::OK, Some("not_accepted")));
    let body = json!({"member": "QS15-001", "unit": "镇环卫所", "due": "2027-03-31"});
    org_ok(&h, Method::POST, &format!("/api/proposals/{c_id}/assignment"), Some(body), StatusCode::OK).await;

    // The audit log names the presidium member of each decision.
    let log = org_ok(&h, Method::GET, "/api/audit?limit=500", None, StatusCode::OK).await;
    assert_eq!(log["chain_verified"], true);
    let entries: Vec<String> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["action"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    for (want, member) in [
        ("proposal.review.accept 第1号提案", "（QS15-001）"),
        ("proposal.assign 第1号提案", "（QS15-002）"),
        ("proposal.review.merge 第4号提案", "（QS15-002）"),
        ("proposal.review.reject 第5号提案", "（QS15-001）"),
        ("proposal.agenda 第2号提案", "（QS15-001）"),
    ] {
        assert!(
            entries.iter().any(|e| e.starts_with(want) && e.contains("主席团成员 ") && e.contains(member)),
            "{want} by {member} not in {entries:#?}"
        );
    }
    for want in ["presidium.set 会议", "proposal.cosign 第1号提案", "proposal.evaluate.basically_satisfied 第1号提案"]
    {
        assert!(entries.iter().any(|e| e.starts_with(want)), "{want} not in {entries:#?}");
    }
    // The lead delegate's own evaluation names them and their card, by a desk station.
    let by_lead = log["entries"].as_array().unwrap().iter().find(|e| e["action"] == "proposal.evaluate.dissatisfied");
    let by_lead = by_lead.unwrap_or_else(|| panic!("no evaluation by card in {entries:#?}"));
    let detail = by_lead["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("第1号提案")
            && detail.contains("领衔代表")
            && detail.contains("（QS15-003）扫描代表证评价：不满意"),
        "{by_lead}"
    );
    assert!(by_lead["actor"].as_str().unwrap().starts_with("station:"), "{by_lead}");

    // The deadline: once past, nothing more is drafted.
    org_ok(&h, Method::PUT, &deadline, Some(json!({"deadline": now - 1})), StatusCode::OK).await;
    let mut late = text_of("关于截止后提交的提案");
    late["lead"] = json!({"qr": qrs["QS15-008"]});
    let (status, err) = station_call(&h.app, &h.booth, Method::POST, &station_path, Some(late)).await;
    assert_eq!((status, code(&err)), (StatusCode::CONFLICT, "proposal_deadline_passed"), "{err}");

    // The pages: the secretariat's (organisers only) and the public list, strict
    // under the CSP (no inline script or style).
    pages(&h, [a_id, b_id, c_id, d_id, e_id]).await;

    // The PDFs: the 提案汇编 lists every submitted proposal; the handling report says
    // where each stands. Both in zh-CN, and in English on request.
    compilation_pdfs(&h).await;

    // The motion poll of proposal B is voted and counted.
    let h = Hall { poll, ..h };
    vote_the_motion(&h).await;
}

both_backends!(end_to_end, proposals_end_to_end);

/// A page's text, or its refusal's status.
async fn page(h: &Hall, path: &str, client: Option<&common::Client>) -> (StatusCode, String) {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::get(path).header("accept-language", "zh-CN");
    if let Some(c) = client {
        req = req.header("cookie", &c.cookie);
    }
    let res = h.app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn pages(h: &Hall, ids: [i64; 5]) {
    let console = format!("/sessions/{}/proposals", h.session);
    let (status, _) = page(h, &console, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = page(h, &console, Some(&h.observer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = page(h, &console, Some(&h.org)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hallvote_protocol::web::inline_code(&html), None);
    for id in ids {
        assert!(html.contains(&format!("id=\"proposal-{id}\"")), "{id}");
    }
    // Each proposal offers the step it is ready for, and a concluded one none.
    assert!(html.contains(TITLE_A) && html.contains("已办结") && html.contains("并案"), "{html}");
    assert!(!html.contains(&format!("id=\"reply-{}\"", ids[0])), "a concluded proposal takes no reply");
    assert!(html.contains(&format!("id=\"reply-{}\"", ids[2])), "the assigned suggestion awaits its reply");
    assert!(!html.contains(&format!("id=\"review-{}\"", ids[3])), "a merged proposal is not reviewed again");
    let (status, en) = page(h, &format!("{console}?lang=en"), Some(&h.org)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("<html lang=\"en\">") && en.contains("concluded") && en.contains("Proposals: "), "{en}");
    let (status, public) = page(h, &format!("{console}/list"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hallvote_protocol::web::inline_code(&public), None);
    assert!(public.contains(TITLE_A) && public.contains(TITLE_B) && public.contains("10/10"), "{public}");
    assert!(!public.contains("<form"), "the public list changes nothing");
}

/// The PDFs of the session's proposals, rendered by poppler and read back.
async fn compilation_pdfs(h: &Hall) {
    let dir = tempfile::tempdir().unwrap();
    for (path, lang, wants) in [
        ("compilation.pdf", "zh-CN", &["提案汇编", TITLE_A, TITLE_B, "领衔代表", "附议代表", "理由", "建议措施"][..]),
        ("compilation.pdf", "en", &["Compilation of proposals", TITLE_A, "Lead delegate"][..]),
        ("report.pdf", "zh-CN", &["提案办理情况报告", TITLE_A, "镇建设办", "基本满意", "不予立案", "并案"][..]),
        ("report.pdf", "en", &["Report on the handling of proposals", "basically satisfied"][..]),
    ] {
        let url = format!("/sessions/{}/proposals/{path}?lang={lang}", h.session);
        let (status, bytes) = get_bytes(&h.app, &url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(bytes.starts_with(b"%PDF-"), "{url}");
        let file = dir.path().join(format!("{lang}-{path}"));
        std::fs::write(&file, &bytes).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-layout".as_ref(), file.as_os_str(), "-".as_ref()])
            .output()
            .unwrap_or_else(|e| panic!("pdftotext (Debian package poppler-utils) is needed: {e}"));
        assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
        // Layout may break a long line; compare without spaces and line breaks.
        let text: String = String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
        for want in wants {
            let want: String = want.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&want), "{url}: {want:?} not in {text}");
        }
        // A draft still collecting co-signers is not in the compilation.
        assert!(!text.contains("关于截止后提交的提案"), "{url}");
        let prefix = dir.path().join(format!("{lang}-{path}-page"));
        let out = std::process::Command::new("pdftoppm")
            .args(["-png".as_ref(), "-r".as_ref(), "40".as_ref(), file.as_os_str(), prefix.as_os_str()])
            .output()
            .unwrap_or_else(|e| panic!("pdftoppm (Debian package poppler-utils) is needed: {e}"));
        assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
        let pages = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|f| f.as_ref().unwrap().file_name().to_string_lossy().starts_with(&format!("{lang}-{path}-page")))
            .count();
        assert!(pages >= 1, "{url}: no page rendered");
    }
}

/// The motion poll made from the proposal on the agenda: officers, key ceremony,
/// key checks, opened; twelve ballots of known marks; closed, decrypted by both
/// scrutineers, counted: the totals are the marks.
async fn vote_the_motion(h: &Hall) {
    h.appoint().await;
    let key_shares = h.ceremony().await;
    common::pass_key_checks(&h.app, h.poll, &h.scrutineers, &key_shares).await;
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/open", h.poll), Some(&h.org), None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let def = h.ballot().await;
    let options = usize::from(def.shape.contests[0].items[0].options);
    // 9 for, 2 against, 1 abstaining (options in ballot order).
    let choices: Vec<usize> = [0; 9].into_iter().chain([1, 1]).chain([options - 1]).collect();
    let mut truth = vec![0u64; def.shape.selections()];
    let mut rng = rand::rng();
    for (k, pick) in (1..=12).zip(&choices) {
        let cred = h.issue(&def, &Hall::card(k)).await.unwrap();
        let plain = PlainBallot::marks(vec![vec![(0..options).map(|o| u8::from(o == *pick)).collect()]]);
        for (t, m) in truth.iter_mut().zip(plain.marks.iter().flatten().flatten()) {
            *t += u64::from(*m);
        }
        let ctx = BallotContext { election: def.election, serial: cred.serial() };
        let (ballot, _) = encrypt_ballot(&def.shape, &def.key, &ctx, &plain, &mut rng).unwrap();
        let body = json!({"credential": b64(&cred.to_bytes()), "ballot": b64(&ballot.to_bytes())});
        let path = format!("/api/station/polls/{}/cast", h.poll);
        let (status, receipt) = station_call(&h.app, &h.booth, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/close", h.poll), Some(&h.org), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    let path = format!("/api/station/polls/{}/aggregates", h.poll);
    let (status, agg) = station_call(&h.app, &h.scrutineers[0], Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{agg}");
    let aggregates: Vec<Ciphertext> =
        agg["aggregates"].as_array().unwrap().iter().map(|a| Ciphertext::decode(&unb64(a)).unwrap()).collect();
    for (j, st) in h.scrutineers.iter().enumerate() {
        let d = decrypt(&key_shares[j], &def.election, &def.shape, &aggregates, &mut rand::rng());
        let body = json!({"shares": d.shares.iter().map(|s| b64(s)).collect::<Vec<_>>()});
        let path = format!("/api/station/polls/{}/decryption", h.poll);
        let (status, v) = station_call(&h.app, st, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }
    let (status, st, _) =
        call(&h.app, Method::POST, &format!("/api/polls/{}/tally", h.poll), Some(&h.org), None, "en").await;
    assert_eq!((status, st["state"].as_str()), (StatusCode::OK, Some("tallied")), "{st}");
    let path = format!("/api/station/polls/{}/result", h.poll);
    let (status, r) = station_call(&h.app, &h.scrutineers[0], Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let totals: Vec<u64> = r["totals"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap()).collect();
    assert_eq!(totals, truth);
    assert_eq!(totals[0], 9, "{r}");
}

/// Two steps racing on one proposal: the second, read before the first was
/// recorded, changes nothing and records nothing; the history and the co-signers
/// are append-only in the database.
async fn a_stale_step_changes_nothing(store: Store) {
    use hallvote_server::db::proposals::{self, ProposalRecord, ProposalState, Step};
    let h = Hall::builder().delegates(4).build(&store).await;
    let mut body = text_of(TITLE_A);
    body["lead"] = json!({"card": "QS15-001"});
    let p =
        org_ok(&h, Method::POST, &format!("/api/sessions/{}/proposals", h.session), Some(body), StatusCode::CREATED)
            .await;
    org_ok(
        &h,
        Method::POST,
        &format!("/api/proposals/{}/cosigners", p["id"]),
        Some(json!({"card": "QS15-002"})),
        StatusCode::OK,
    )
    .await;
    let read = proposals::get(&store, p["id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert_eq!(read.state, ProposalState::Collecting);
    let submitted = ProposalRecord { state: ProposalState::Submitted, ..read.clone() };
    let step = Step { at: 1, actor: "organiser1", action: "submit", member_id: None, reason: "", text: "" };
    assert!(proposals::advance(&store, &read, &submitted, &step).await.unwrap());
    let rejected = ProposalRecord { state: ProposalState::NotAccepted, ..read.clone() };
    assert!(!proposals::advance(&store, &read, &rejected, &step).await.unwrap(), "read before the first step");
    let now = proposals::get(&store, read.id).await.unwrap().unwrap();
    assert_eq!(now.state, ProposalState::Submitted);
    let events = proposals::events(&store, read.id).await.unwrap();
    assert_eq!(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["drafted", "submit"]);
    for sql in
        ["UPDATE proposal_events SET reason = 'x'", "DELETE FROM proposal_events", "DELETE FROM proposal_cosigners"]
    {
        assert!(sqlx::query(sql).execute(store.pool()).await.is_err(), "{sql}");
    }
}

both_backends!(stale_step, a_stale_step_changes_nothing);
