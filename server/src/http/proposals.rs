//! Proposals (代表提案) and the presidium (主席团) of a session (spec §14.11, RULES
//! R18): a delegate drafts a proposal at a desk or booth station (their card
//! scanned) or the secretariat enters it from the paper form; co-signers add
//! themselves by card at a station, or the secretariat records them from the form;
//! once it has ten co-signers the secretariat submits it before the session's
//! deadline; the presidium reviews it (立案, 并案, 转为意见建议, 不予立案), puts it on
//! the agenda (a motion poll, made in the same step) or assigns it to a handling unit
//! with a due date; the unit's reply is recorded and the lead delegate evaluates it —
//! themselves at a desk station by their card (refused for any other card), or the
//! secretariat records what they said — and a reply found 不满意 is answered once more.
//!
//! The secretariat is the organisers' accounts. The presidium's members are
//! delegates, not accounts: the secretariat records each decision naming the member
//! who made it, and the server refuses one who is not on the session's presidium.
//! Every step is in the proposal's history and in the audit log.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_tally::Ruleset;
use hallvote_tally::model::{Contest, ContestKind, Motion, Poll};

use super::AppState;
use super::extract::Json as JsonBody;
use super::station_auth::SignedStationRequest;
use super::support::card_scan::scanned_card;
use super::support::dates::is_iso_date;
use super::support::errors::{conflict, invalid};
use super::support::load::load_session;
use super::support::proposals::{load, view};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::congress::Session;
use crate::db::proposals::{self, ProposalRecord, Step};
use crate::db::roster::{self, DelegateRecord};
use crate::db::{audit, polls};
use crate::sheet::proposals::{evaluation_text, state_text};
use crate::standing::standing_admits;
use hallvote_protocol::wire::{
    COSIGNERS_NEEDED, CardScan, CosignVia, Cosigned, LeadEvaluation, NewProposal, PresidiumMembers, Proposal,
    ProposalAgenda, ProposalAssignment, ProposalCategory, ProposalDeadline, ProposalDelegate, ProposalEvaluation,
    ProposalReply, ProposalReview, ProposalState, ReplyEvaluation, ReviewDecision,
};

/// The refusals of drafting: the lead's card scan, the deadline, the text.
const DRAFT_REFUSALS: &[(u16, &str)] = &[
    (400, "malformed_request"),
    (400, "card_qr_unreadable"),
    (400, "card_qr_forged"),
    (404, "not_a_delegate"),
    (409, "delegate_status_lost"),
    (409, "delegate_suspended"),
    (409, "proposal_deadline_passed"),
    (422, "invalid_value"),
];

/// The refusals of co-signing: the card scan, the proposal, the deadline.
const COSIGN_REFUSALS: &[(u16, &str)] = &[
    (400, "malformed_request"),
    (400, "card_qr_unreadable"),
    (400, "card_qr_forged"),
    (404, "not_found"),
    (404, "not_a_delegate"),
    (409, "delegate_status_lost"),
    (409, "delegate_suspended"),
    (409, "proposal_wrong_state"),
    (409, "proposal_deadline_passed"),
    (409, "cosigner_is_lead"),
];

/// The refusals of the lead delegate's own evaluation at a desk: the card scan, the
/// proposal, whose lead the card is, the comment.
const LEAD_EVALUATION_REFUSALS: &[(u16, &str)] = &[
    (400, "malformed_request"),
    (400, "card_qr_unreadable"),
    (400, "card_qr_forged"),
    (404, "not_found"),
    (404, "not_a_delegate"),
    (409, "delegate_status_lost"),
    (409, "delegate_suspended"),
    (409, "proposal_wrong_state"),
    (409, "not_lead_delegate"),
    (422, "invalid_value"),
];

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Put, "/api/sessions/{id}/presidium", "proposals", Access::Roles(ORGANISER))
                    .says("Name the session's presidium", "确定本次会议主席团成员（按代表证号）。")
                    .takes::<PresidiumMembers>()
                    .answers_list::<ProposalDelegate>(200)
                    .refuses(&[(404, "not_a_delegate"), (422, "invalid_value")]);
                ROUTE
            },
            set_presidium,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/presidium", "proposals", Access::Public)
                    .says("The session's presidium", "本次会议主席团成员名单。")
                    .answers_list::<ProposalDelegate>(200);
                ROUTE
            },
            presidium,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Put, "/api/sessions/{id}/proposal-deadline", "proposals", Access::Roles(ORGANISER))
                        .says("Set the deadline for proposals", "设定提案截止时间：截止后不能再起草、附议或提交提案。")
                        .takes::<ProposalDeadline>()
                        .answers_type::<ProposalDeadline>(200);
                ROUTE
            },
            set_deadline,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/sessions/{id}/proposals", "proposals", Access::Roles(ORGANISER))
                    .says(
                        "Enter a proposal from the paper form",
                        "秘书处按纸质提案表录入提案（领衔代表、案由、理由、建议措施）。",
                    )
                    .takes::<NewProposal>()
                    .answers_type::<Proposal>(201)
                    .refuses(DRAFT_REFUSALS);
                ROUTE
            },
            draft,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/sessions/{id}/proposals", "proposals", Access::Public)
                    .says("The session's proposals", "本次会议已提交的提案及其办理情况（公开）。")
                    .more("Drafts still collecting co-signers are not listed.")
                    .answers_list::<Proposal>(200);
                ROUTE
            },
            public_list,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/proposals/{id}", "proposals", Access::Roles(&[Role::Organiser, Role::Observer]))
                        .says("A proposal with its history", "单件提案及其全部办理记录。")
                        .answers_type::<Proposal>(200)
                        .refuses(&[(404, "not_found")]);
                ROUTE
            },
            show,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/cosigners", "proposals", Access::Roles(ORGANISER))
                    .says("Record a co-signer from the paper form", "秘书处按纸质提案表登记附议代表。")
                    .takes::<CardScan>()
                    .answers_type::<Cosigned>(200)
                    .refuses(COSIGN_REFUSALS);
                ROUTE
            },
            cosign,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/submit", "proposals", Access::Roles(ORGANISER))
                    .says("Submit a proposal to the presidium", "提交提案：须有十名以上代表附议，并在截止时间之前。")
                    .answers_type::<Proposal>(200)
                    .refuses(&[
                        (404, "not_found"),
                        (409, "proposal_wrong_state"),
                        (409, "proposal_deadline_passed"),
                        (409, "cosigners_short"),
                    ]);
                ROUTE
            },
            submit,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/review", "proposals", Access::Roles(ORGANISER))
                    .says(
                        "Record the presidium's review",
                        "登记主席团审议结果：立案、并案、转为意见建议或不予立案，并写明理由及作出决定的主席团成员。",
                    )
                    .takes::<ProposalReview>()
                    .answers_type::<Proposal>(200)
                    .refuses(&[
                        (404, "not_found"),
                        (409, "proposal_wrong_state"),
                        (422, "not_presidium_member"),
                        (422, "merge_target_invalid"),
                        (422, "invalid_value"),
                    ]);
                ROUTE
            },
            review,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/assignment", "proposals", Access::Roles(ORGANISER))
                    .says(
                        "Assign a proposal to a handling unit",
                        "主席团将提案（或意见建议）交承办单位办理，并定答复期限。",
                    )
                    .takes::<ProposalAssignment>()
                    .answers_type::<Proposal>(200)
                    .refuses(&[
                        (404, "not_found"),
                        (409, "proposal_wrong_state"),
                        (422, "not_presidium_member"),
                        (422, "invalid_value"),
                    ]);
                ROUTE
            },
            assign,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/agenda", "proposals", Access::Roles(ORGANISER))
                    .says("Put a proposal on the agenda", "主席团将提案列入大会议程：同时建立对该提案的表决。")
                    .answers_type::<Proposal>(200)
                    .takes::<ProposalAgenda>()
                    .refuses(&[
                        (404, "not_found"),
                        (409, "proposal_wrong_state"),
                        (422, "not_presidium_member"),
                        (422, "invalid_poll"),
                    ]);
                ROUTE
            },
            agenda,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/replies", "proposals", Access::Roles(ORGANISER))
                    .says("Record the handling unit's reply", "登记承办单位的答复（不满意时为再次答复）。")
                    .takes::<ProposalReply>()
                    .answers_type::<Proposal>(200)
                    .refuses(&[(404, "not_found"), (409, "proposal_wrong_state"), (422, "invalid_value")]);
                ROUTE
            },
            reply,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/proposals/{id}/evaluation", "proposals", Access::Roles(ORGANISER))
                    .says(
                        "Record the lead delegate's evaluation of the reply",
                        "登记领衔代表对答复的评价：满意、基本满意或不满意（不满意的，承办单位再次答复）。",
                    )
                    .takes::<ProposalEvaluation>()
                    .answers_type::<Proposal>(200)
                    .refuses(&[(404, "not_found"), (409, "proposal_wrong_state"), (422, "invalid_value")]);
                ROUTE
            },
            evaluate,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Get,
                    "/api/station/sessions/{id}/proposals",
                    "proposals",
                    Access::Station(&[StationKind::Desk, StationKind::Booth]),
                )
                .says("Proposals collecting co-signers, for a station", "正在征集附议的提案（报到处、投票机终端）。")
                .answers_list::<Proposal>(200);
                ROUTE
            },
            station_list,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/station/sessions/{id}/proposals",
                    "proposals",
                    Access::Station(&[StationKind::Desk, StationKind::Booth]),
                )
                .says("Draft a proposal at a station", "代表在终端上起草提案：扫描领衔代表的代表证。")
                .takes::<NewProposal>()
                .answers_type::<Proposal>(201)
                .refuses(DRAFT_REFUSALS);
                ROUTE
            },
            station_draft,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/station/proposals/{id}/cosigners",
                    "proposals",
                    Access::Station(&[StationKind::Desk, StationKind::Booth]),
                )
                .says("Co-sign a proposal by card at a station", "代表在报到处或投票机终端扫描代表证附议提案。")
                .takes::<CardScan>()
                .answers_type::<Cosigned>(200)
                .refuses(COSIGN_REFUSALS);
                ROUTE
            },
            station_cosign,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/station/proposals/{id}/evaluation",
                    "proposals",
                    Access::Station(&[StationKind::Desk]),
                )
                .says(
                    "The lead delegate evaluates the reply at a desk, by card",
                    "领衔代表在报到处扫描本人代表证，评价承办单位的答复：满意、基本满意或不满意（不满意的，承办单位再次答复）。",
                )
                .more("Only the proposal's lead delegate's card is accepted.")
                .takes::<LeadEvaluation>()
                .answers_type::<Proposal>(200)
                .refuses(LEAD_EVALUATION_REFUSALS);
                ROUTE
            },
            station_evaluate,
        )
}

// ---------------------------------------------------------------------------------
// Views.

/// 409 `proposal_wrong_state` unless `p` stands in one of `allowed`.
fn expect_state(p: &ProposalRecord, allowed: &[ProposalState], doing: (&str, &str)) -> Result<(), ApiError> {
    if allowed.contains(&p.state) {
        return Ok(());
    }
    let words = state_text(p.state);
    let (zh, en) = (&words.zh, &words.en);
    Err(conflict(
        "proposal_wrong_state",
        &format!("第{}号提案目前“{zh}”，不能{}。", p.number, doing.0),
        &format!("Proposal {} is {en}: it cannot be {}.", p.number, doing.1),
    ))
}

/// 409 if the step lost a race with another that moved the proposal first.
fn moved(p: &ProposalRecord) -> ApiError {
    conflict(
        "proposal_wrong_state",
        &format!("第{}号提案刚被他人处理，请刷新后再试。", p.number),
        &format!("Proposal {} was just changed by someone else: reload and try again.", p.number),
    )
}

// ---------------------------------------------------------------------------------
// Checks.

/// A text field: trimmed, not empty, at most `max` characters, no control character
/// but a line break (and a tab) in the long ones.
fn text_field(text: &str, max: usize, zh: &str, en: &str, lines: bool) -> Result<String, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid("invalid_value", &format!("请填写{zh}。"), &format!("Give the {en}.")));
    }
    if t.chars().count() > max {
        return Err(invalid(
            "invalid_value",
            &format!("{zh}不能超过 {max} 个字。"),
            &format!("The {en} may have at most {max} characters."),
        ));
    }
    if t.chars().any(|c| c.is_control() && !(lines && (c == '\n' || c == '\t' || c == '\r'))) {
        return Err(invalid(
            "invalid_value",
            &format!("{zh}含有不可见的控制字符。"),
            &format!("The {en} contains an invisible control character."),
        ));
    }
    Ok(t.replace("\r\n", "\n"))
}

/// Free text that may be empty (a reason, a comment).
fn optional_text(text: &str, zh: &str, en: &str) -> Result<String, ApiError> {
    if text.trim().is_empty() { Ok(String::new()) } else { text_field(text, 2000, zh, en, true) }
}

/// The delegate a scan names, of the session's congress and in good standing.
async fn scanned_delegate(state: &AppState, s: &Session, scan: CardScan) -> Result<DelegateRecord, ApiError> {
    let card = scanned_card(state, s.congress_id, scan)?;
    let d = roster::by_card(&state.store, s.congress_id, card.trim()).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_a_delegate",
            "此证号不是本届代表大会的代表。",
            "This card is not a delegate of this congress.",
        )
    })?;
    standing_admits(&d)?;
    Ok(d)
}

/// 409 `proposal_deadline_passed` once the session's deadline is past.
async fn before_deadline(state: &AppState, session_id: i64, now: i64) -> Result<(), ApiError> {
    match proposals::deadline(&state.store, session_id).await? {
        Some(d) if now > d => Err(conflict(
            "proposal_deadline_passed",
            "提案截止时间已过，不能再起草、附议或提交提案。",
            "The deadline for proposals has passed: no more drafting, co-signing or submitting.",
        )),
        _ => Ok(()),
    }
}

/// The presidium member a decision names (by card), or 422.
async fn presidium_member(state: &AppState, session_id: i64, card: &str) -> Result<(i64, ProposalDelegate), ApiError> {
    let card = card.trim();
    proposals::presidium(&state.store, session_id)
        .await?
        .into_iter()
        .find(|(_, d)| d.card.eq_ignore_ascii_case(card))
        .ok_or_else(|| {
            invalid(
                "not_presidium_member",
                &format!("代表证号 {card} 不是本次会议主席团成员：主席团的决定须写明作出决定的主席团成员。"),
                &format!("Card {card} is not on this session's presidium: a decision of the presidium names the member who made it."),
            )
        })
}

fn who(d: &ProposalDelegate) -> String {
    format!("{}（{}）", d.name, d.card)
}

// ---------------------------------------------------------------------------------
// The presidium and the deadline.

async fn set_presidium(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<PresidiumMembers>,
) -> Result<Json<Vec<ProposalDelegate>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    if req.cards.is_empty() || req.cards.len() > 200 {
        return Err(invalid(
            "invalid_value",
            "主席团须有 1 至 200 名成员。",
            "The presidium has from 1 to 200 members.",
        ));
    }
    let mut ids = Vec::new();
    for card in &req.cards {
        let d = roster::by_card(&state.store, s.congress_id, card.trim()).await?.ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_a_delegate",
                &format!("代表证号 {} 不是本届代表大会的代表。", card.trim()),
                &format!("Card {} is not a delegate of this congress.", card.trim()),
            )
        })?;
        if ids.contains(&d.id) {
            return Err(invalid(
                "invalid_value",
                &format!("代表证号 {} 重复。", d.card),
                &format!("Card {} is named twice.", d.card),
            ));
        }
        ids.push(d.id);
    }
    let now = state.clock.now();
    proposals::set_presidium(&state.store, s.id, &ids, now).await?;
    let members: Vec<ProposalDelegate> =
        proposals::presidium(&state.store, s.id).await?.into_iter().map(|(_, d)| d).collect();
    let names: Vec<String> = members.iter().map(who).collect();
    let detail = format!("会议 {}：{}", s.id, names.join("、"));
    audit::append(&state.store, now, &auth.account.username, "presidium.set", &detail).await?;
    Ok(Json(members))
}

async fn presidium(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
) -> Result<Json<Vec<ProposalDelegate>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    Ok(Json(proposals::presidium(&state.store, s.id).await?.into_iter().map(|(_, d)| d).collect()))
}

async fn set_deadline(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<ProposalDeadline>,
) -> Result<Json<ProposalDeadline>, ApiError> {
    let s = load_session(&state, session_id).await?;
    proposals::set_deadline(&state.store, s.id, req.deadline).await?;
    let detail = format!("会议 {}：{}", s.id, req.deadline);
    audit::append(&state.store, state.clock.now(), &auth.account.username, "proposal.deadline", &detail).await?;
    Ok(Json(req))
}

// ---------------------------------------------------------------------------------
// Drafting and co-signing.

async fn draft(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(session_id): Path<i64>,
    JsonBody(req): JsonBody<NewProposal>,
) -> Result<(StatusCode, Json<Proposal>), ApiError> {
    make_draft(&state, &auth.account.username, session_id, req, false).await
}

async fn station_draft(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
    req: SignedStationRequest,
) -> Result<(StatusCode, Json<Proposal>), ApiError> {
    let body: NewProposal = req.json()?;
    make_draft(&state, &format!("station:{}", req.station.name), session_id, body, true).await
}

async fn make_draft(
    state: &AppState,
    actor: &str,
    session_id: i64,
    req: NewProposal,
    from_station: bool,
) -> Result<(StatusCode, Json<Proposal>), ApiError> {
    let s = load_session(state, session_id).await?;
    let title = text_field(&req.title, 100, "案由", "title", false)?;
    let reasons = text_field(&req.reasons, 5000, "理由", "reasons", true)?;
    let measures = text_field(&req.measures, 5000, "建议措施", "suggested measures", true)?;
    let lead = scanned_delegate(state, &s, req.lead).await?;
    let now = state.clock.now();
    before_deadline(state, s.id, now).await?;
    let p =
        proposals::create(&state.store, s.id, lead.id, [&title, &reasons, &measures], from_station, now, actor).await?;
    let detail = format!("第{}号提案（#{}）{}，领衔代表 {}（{}）", p.number, p.id, title, lead.name, lead.card);
    audit::append(&state.store, now, actor, "proposal.draft", &detail).await?;
    Ok((StatusCode::CREATED, Json(view(state, &p).await?)))
}

async fn cosign(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<CardScan>,
) -> Result<Json<Cosigned>, ApiError> {
    add_cosigner(&state, &auth.account.username, id, req).await
}

async fn station_cosign(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<Cosigned>, ApiError> {
    let scan: CardScan = req.json()?;
    add_cosigner(&state, &format!("station:{}", req.station.name), id, scan).await
}

async fn add_cosigner(state: &AppState, actor: &str, id: i64, scan: CardScan) -> Result<Json<Cosigned>, ApiError> {
    let p = load(state, id).await?;
    let s = load_session(state, p.session_id).await?;
    expect_state(&p, &[ProposalState::Collecting], ("再附议", "co-signed any more"))?;
    // A scanned card is the delegate's own act; a number typed is the secretariat's
    // record of the paper form.
    let via = if scan.qr.is_some() { CosignVia::Card } else { CosignVia::Paper };
    let d = scanned_delegate(state, &s, scan).await?;
    if d.id == p.lead_id {
        return Err(conflict(
            "cosigner_is_lead",
            &format!("{}是本提案的领衔代表，不能再附议。", d.name),
            &format!("{} leads this proposal and cannot also co-sign it.", d.name),
        ));
    }
    let now = state.clock.now();
    before_deadline(state, s.id, now).await?;
    let newly = proposals::cosign(&state.store, p.id, d.id, via, now, actor).await?;
    if newly {
        let detail = format!("第{}号提案（#{}）附议：{}（{}），{}", p.number, p.id, d.name, d.card, via.as_str());
        audit::append(&state.store, now, actor, "proposal.cosign", &detail).await?;
    }
    let count = u32::try_from(proposals::cosigners(&state.store, p.id).await?.len()).unwrap_or(u32::MAX);
    Ok(Json(Cosigned {
        proposal: p.id,
        delegate: ProposalDelegate { card: d.card, name: d.name, group: d.group },
        newly,
        count,
        needed: COSIGNERS_NEEDED,
    }))
}

// ---------------------------------------------------------------------------------
// Lists.

async fn public_list(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
) -> Result<Json<Vec<Proposal>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    let all = super::support::proposals::of_session(&state, s.id).await?;
    Ok(Json(all.into_iter().filter(|p| p.state != ProposalState::Collecting).collect()))
}

async fn station_list(
    State(state): State<AppState>,
    Path(session_id): Path<i64>,
) -> Result<Json<Vec<Proposal>>, ApiError> {
    let s = load_session(&state, session_id).await?;
    let all = super::support::proposals::of_session(&state, s.id).await?;
    Ok(Json(all.into_iter().filter(|p| p.state == ProposalState::Collecting).collect()))
}

async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    Ok(Json(view(&state, &p).await?))
}

// ---------------------------------------------------------------------------------
// The steps after drafting.

/// Moves `p` to `to` recording `step`, writes the audit entry, and answers the
/// proposal as it now stands.
async fn step_to(
    state: &AppState,
    p: &ProposalRecord,
    to: ProposalRecord,
    step: Step<'_>,
    detail: String,
) -> Result<Json<Proposal>, ApiError> {
    if !proposals::advance(&state.store, p, &to, &step).await? {
        return Err(moved(p));
    }
    audit::append(&state.store, step.at, step.actor, &format!("proposal.{}", step.action), &detail).await?;
    Ok(Json(view(state, &load(state, p.id).await?).await?))
}

async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    expect_state(&p, &[ProposalState::Collecting], ("提交", "submitted"))?;
    let now = state.clock.now();
    before_deadline(&state, p.session_id, now).await?;
    let count = proposals::cosigners(&state.store, p.id).await?.len();
    if count < COSIGNERS_NEEDED as usize {
        return Err(conflict(
            "cosigners_short",
            &format!("提案须有 {COSIGNERS_NEEDED} 名以上代表附议，目前只有 {count} 名。"),
            &format!("A proposal needs at least {COSIGNERS_NEEDED} co-signers; it has {count}."),
        ));
    }
    let to = ProposalRecord { state: ProposalState::Submitted, ..p.clone() };
    let actor = &auth.account.username;
    let step = Step { at: now, actor, action: "submit", member_id: None, reason: "", text: "" };
    let detail = format!("第{}号提案（#{}），附议 {count} 人", p.number, p.id);
    step_to(&state, &p, to, step, detail).await
}

async fn review(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ProposalReview>,
) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    expect_state(&p, &[ProposalState::Submitted], ("审议", "reviewed"))?;
    let (member_id, member) = presidium_member(&state, p.session_id, &req.member).await?;
    let reason = text_field(&req.reason, 2000, "理由", "reason", true)?;
    let mut to = ProposalRecord { merged_into: None, ..p.clone() };
    let (action, zh) = match req.decision {
        ReviewDecision::Accept => {
            to.state = ProposalState::Accepted;
            ("review.accept", "立案")
        }
        ReviewDecision::Suggestion => {
            to.state = ProposalState::Accepted;
            to.category = ProposalCategory::Suggestion;
            ("review.suggestion", "转为意见建议")
        }
        ReviewDecision::Reject => {
            to.state = ProposalState::NotAccepted;
            ("review.reject", "不予立案")
        }
        ReviewDecision::Merge => {
            let target = match req.merge_into {
                Some(t) if t != p.id => proposals::get(&state.store, t).await?,
                _ => None,
            };
            let open = [ProposalState::Submitted, ProposalState::Accepted, ProposalState::Assigned];
            let target =
                target.filter(|t| t.session_id == p.session_id && open.contains(&t.state)).ok_or_else(|| {
                    invalid(
                        "merge_target_invalid",
                        "并案须指定本次会议另一件已提交、已立案或已交办的提案。",
                        "A merge names another proposal of this session that is submitted, accepted or assigned.",
                    )
                })?;
            to.state = ProposalState::Merged;
            to.merged_into = Some(target.id);
            ("review.merge", "并案")
        }
    };
    let actor = &auth.account.username;
    let step = Step { at: state.clock.now(), actor, action, member_id: Some(member_id), reason: &reason, text: "" };
    let merged = to.merged_into.map(|t| format!("，并入 #{t}")).unwrap_or_default();
    let detail = format!("第{}号提案（#{}）{zh}{merged}；主席团成员 {}；理由：{reason}", p.number, p.id, who(&member));
    step_to(&state, &p, to, step, detail).await
}

async fn assign(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ProposalAssignment>,
) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    expect_state(&p, &[ProposalState::Accepted], ("交办", "assigned"))?;
    let (member_id, member) = presidium_member(&state, p.session_id, &req.member).await?;
    let unit = text_field(&req.unit, 100, "承办单位", "handling unit", false)?;
    let due = req.due.trim();
    if !is_iso_date(due) {
        return Err(invalid(
            "invalid_value",
            "答复期限须为有效日期，格式如 2027-02-28。",
            "The due date must be a real date written like 2027-02-28.",
        ));
    }
    let reason = optional_text(&req.reason, "理由", "reason")?;
    let to = ProposalRecord { state: ProposalState::Assigned, unit: unit.clone(), due: due.to_owned(), ..p.clone() };
    let text = format!("{unit}（{due}）");
    let actor = &auth.account.username;
    let step = Step {
        at: state.clock.now(),
        actor,
        action: "assign",
        member_id: Some(member_id),
        reason: &reason,
        text: &text,
    };
    let detail = format!("第{}号提案（#{}）交 {unit} 办理，{due} 前答复；主席团成员 {}", p.number, p.id, who(&member));
    step_to(&state, &p, to, step, detail).await
}

async fn agenda(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ProposalAgenda>,
) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    expect_state(&p, &[ProposalState::Accepted], ("列入议程", "put on the agenda"))?;
    if p.category == ProposalCategory::Suggestion {
        return Err(conflict(
            "proposal_wrong_state",
            &format!("第{}号已转为意见建议，不能列入大会议程。", p.number),
            &format!("Number {} was turned into a suggestion: it cannot go on the agenda.", p.number),
        ));
    }
    let (member_id, member) = presidium_member(&state, p.session_id, &req.member).await?;
    let reason = optional_text(&req.reason, "理由", "reason")?;
    let s = load_session(&state, p.session_id).await?;
    let poll = motion_of(&p);
    let ruleset = Ruleset::builtin(&s.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    let mut poll = poll;
    poll.normalize_names().and_then(|()| poll.validate(&ruleset)).map_err(|e| {
        let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_poll", "", "");
        err.message = e.text();
        err
    })?;
    let now = state.clock.now();
    let actor = &auth.account.username;
    let record = polls::create(&state.store, s.id, &poll, now).await?;
    audit::append(&state.store, now, actor, "poll.create", &format!("{} (#{})", poll.name, record.id)).await?;
    let to = ProposalRecord { state: ProposalState::OnAgenda, poll_id: Some(record.id), ..p.clone() };
    let text = format!("#{}", record.id);
    let step = Step { at: now, actor, action: "agenda", member_id: Some(member_id), reason: &reason, text: &text };
    let detail =
        format!("第{}号提案（#{}）列入大会议程，表决 #{}；主席团成员 {}", p.number, p.id, record.id, who(&member));
    step_to(&state, &p, to, step, detail).await
}

/// The motion poll a proposal on the agenda is put to the vote as: one item, the
/// proposal's title, under the ruleset's pass rule.
pub(crate) fn motion_of(p: &ProposalRecord) -> Poll {
    Poll {
        name: format!("表决第{}号提案", p.number),
        contests: vec![Contest {
            id: format!("proposal-{}", p.number),
            title: "表决".to_owned(),
            kind: ContestKind::Motion(Motion { items: vec![p.title.clone()], rule: None }),
        }],
        attendance: None,
    }
}

async fn reply(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ProposalReply>,
) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    expect_state(&p, &[ProposalState::Assigned, ProposalState::ReplyAgain], ("登记答复", "replied to"))?;
    let text = text_field(&req.text, 10_000, "答复内容", "reply", true)?;
    let again = p.state == ProposalState::ReplyAgain;
    let to = ProposalRecord { state: ProposalState::Replied, ..p.clone() };
    let actor = &auth.account.username;
    let step = Step { at: state.clock.now(), actor, action: "reply", member_id: None, reason: "", text: &text };
    let which = if again { "再次答复" } else { "答复" };
    let detail = format!("第{}号提案（#{}）{} {which}", p.number, p.id, p.unit);
    step_to(&state, &p, to, step, detail).await
}

async fn evaluate(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ProposalEvaluation>,
) -> Result<Json<Proposal>, ApiError> {
    let p = load(&state, id).await?;
    record_evaluation(&state, &auth.account.username, &p, req, None).await
}

/// The lead delegate evaluates the reply themselves at a desk: the card scanned must
/// be the proposal's lead delegate's, in good standing.
async fn station_evaluate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<Proposal>, ApiError> {
    let body: LeadEvaluation = req.json()?;
    let p = load(&state, id).await?;
    let s = load_session(&state, p.session_id).await?;
    expect_state(&p, &[ProposalState::Replied], ("评价", "evaluated"))?;
    let d = scanned_delegate(&state, &s, body.lead).await?;
    if d.id != p.lead_id {
        return Err(conflict(
            "not_lead_delegate",
            &format!("{}（{}）不是第{}号提案的领衔代表：答复只能由领衔代表本人评价。", d.name, d.card, p.number),
            &format!(
                "{} ({}) is not the lead delegate of proposal {}: only the lead delegate evaluates its reply.",
                d.name, d.card, p.number
            ),
        ));
    }
    let actor = format!("station:{}", req.station.name);
    let evaluation = ProposalEvaluation { evaluation: body.evaluation, comment: body.comment };
    record_evaluation(&state, &actor, &p, evaluation, Some(&d)).await
}

/// Records an evaluation of the reply: by the secretariat from what the lead delegate
/// said (`by` is `None`), or by the lead delegate's own card at a desk.
async fn record_evaluation(
    state: &AppState,
    actor: &str,
    p: &ProposalRecord,
    req: ProposalEvaluation,
    by: Option<&DelegateRecord>,
) -> Result<Json<Proposal>, ApiError> {
    expect_state(p, &[ProposalState::Replied], ("评价", "evaluated"))?;
    let comment = optional_text(&req.comment, "意见", "comment")?;
    let replies = proposals::events(&state.store, p.id).await?.iter().filter(|e| e.action == "reply").count();
    // 不满意 with the first reply asks for a second; after the second, it is recorded
    // and the proposal is concluded.
    let next = match req.evaluation {
        ReplyEvaluation::Dissatisfied if replies < 2 => ProposalState::ReplyAgain,
        _ => ProposalState::Concluded,
    };
    let to = ProposalRecord { state: next, evaluation: Some(req.evaluation), ..p.clone() };
    let action = format!("evaluate.{}", req.evaluation.as_str());
    let step = Step { at: state.clock.now(), actor, action: &action, member_id: None, reason: &comment, text: "" };
    let words = evaluation_text(req.evaluation).zh;
    let detail = match by {
        None => format!("第{}号提案（#{}）领衔代表评价：{words}", p.number, p.id),
        Some(d) => format!("第{}号提案（#{}）领衔代表 {}（{}）扫描代表证评价：{words}", p.number, p.id, d.name, d.card),
    };
    step_to(state, p, to, step, detail).await
}
