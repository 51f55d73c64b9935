//! Issuing and casting (docs/adr/0008 steps 6–8, spec §14.7): the desk station has
//! a credential blind-signed for a present delegate, once per poll; a booth station
//! fetches the ballot definition, casts or challenges; anyone looks a tracking code
//! up on the board and checks its inclusion proof.

use crate::api::prelude::*;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_crypto::sign::sign;
use hallvote_crypto::tags;
use hallvote_tally::ballot::{BallotError, TrackingCode};
use hallvote_tally::record::builder::head_message;

use super::AppState;
use super::station_auth::SignedStationRequest;
use super::support::card_scan::{CardScan, scanned_card};
use super::support::errors::{conflict, invalid};
use super::support::load::{load_run, load_session};
use super::support::poll::{context, ensure_log};
use crate::ApiError;
use crate::casting::{BallotJob, BallotRefusal};
use crate::db::casting::{self, Appended, NewEntry, PollRun, Replacement, StoredEntry};
use crate::lifecycle::PollState;
use crate::poll::issuance::{self, not_open};
use crate::stations_protocol::StationKind;
use hallvote_crypto::credential::Credential;
use hallvote_protocol::wire::{
    BallotDefinition, Blob, BoardSummary, CredentialState, EntryKind, EntryRequest, Fixed, IssueRequest, Issued,
    Lookup, LookupEntry, Receipt, ReplaceRequest, Replaced,
};
use hallvote_tally::record::BoardEntry;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/station/polls/{id}/issue", "voting", Access::Station(&[StationKind::Desk]))
                        .says(
                            "Issue a ballot credential",
                            "发放选票凭证：为已报到的代表对盲化消息签名，每人每项投票一次（规范 §6.3、§14.4）。",
                        )
                        .takes::<IssueRequest>()
                        .answers_type::<Issued>(201)
                        .refuses(&[
                            (409, "poll_not_open"),
                            (409, "poll_not_ready"),
                            (400, "card_qr_unreadable"),
                            (400, "card_qr_forged"),
                            (404, "not_a_delegate"),
                            (409, "attendee_no_ballot"),
                            (409, "delegate_status_lost"),
                            (409, "delegate_suspended"),
                            (409, "not_present"),
                            (409, "arrived_after_opening"),
                            (400, "blinded_malformed"),
                            (409, "already_issued"),
                        ]);
                ROUTE
            },
            issue,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Post,
                    "/api/station/polls/{id}/replace",
                    "voting",
                    Access::Station(&[StationKind::Desk]),
                )
                .says(
                    "Replace a ballot credential",
                    "换发选票凭证：交回损坏的凭证在公告板上作废后重发，或经监票人批准补发遗失的凭证（规范 §6.7）。",
                )
                .more(
                    "For a delegate already issued the poll's credential. With `cancelled` (the credential \
                             of the slip handed back) the server appends a cancellation entry to the board, so the \
                             old credential can never be cast, and signs the new one; with `approval` (a \
                             scrutineer's account and password typed at the desk) it appends a replacement entry, \
                             counts one more credential issued and writes the approval to the audit log.",
                )
                .takes::<ReplaceRequest>()
                .answers_type::<Replaced>(201)
                .refuses(&[
                    (409, "poll_not_open"),
                    (409, "poll_not_ready"),
                    (400, "card_qr_unreadable"),
                    (400, "card_qr_forged"),
                    (404, "not_a_delegate"),
                    (409, "attendee_no_ballot"),
                    (409, "delegate_status_lost"),
                    (409, "delegate_suspended"),
                    (409, "not_present"),
                    (409, "arrived_after_opening"),
                    (409, "not_issued"),
                    (422, "replace_reason"),
                    (400, "credential_malformed"),
                    (403, "credential_invalid"),
                    (403, "approval_refused"),
                    (429, "too_many_attempts"),
                    (400, "blinded_malformed"),
                    (409, "credential_already_spent"),
                    (409, "already_replaced"),
                ]);
                ROUTE
            },
            replace,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Get,
                    "/api/station/polls/{id}/ballot",
                    "voting",
                    Access::Station(&[StationKind::Booth, StationKind::Desk]),
                )
                .says("The ballot definition", "选票定义：投票清单、联合公钥 Y、选举哈希 E 与凭证投票编号。")
                .answers_type::<BallotDefinition>(200)
                .refuses(&[(409, "poll_not_ready")]);
                ROUTE
            },
            ballot_definition,
        )
        .mount(
            {
                const ROUTE: Route = at(
                    Get,
                    "/api/station/polls/{id}/credentials/{serial}",
                    "voting",
                    Access::Station(&[StationKind::Booth]),
                )
                .says(
                    "Where a scanned credential stands",
                    "凭证状态：扫描选票凭证时、显示选票之前，询问投票是否在进行、该凭证是否已投过票。",
                )
                .more(
                    "Read-only. `serial` is the credential's serial (spec §6.5) in 64 lowercase hex digits. \
                     The booth asks before it shows the ballot, so that a spent credential or a poll that is \
                     not open is refused at the scan, not after the delegate has marked.",
                )
                .answers_type::<CredentialState>(200)
                .refuses(&[(400, "credential_serial_malformed")]);
                ROUTE
            },
            credential_state,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/station/polls/{id}/cast", "voting", Access::Station(&[StationKind::Booth]))
                        .says("Cast a ballot", "投票：提交选票，返回回执（追踪码、签名的树头与包含证明）。")
                        .more("Spec §14.7. Sending the same ballot again returns the same receipt.")
                        .takes::<EntryRequest>()
                        .answers_type::<Receipt>(200)
                        .refuses(&[
                            (409, "poll_not_open"),
                            (409, "poll_not_ready"),
                            (400, "credential_malformed"),
                            (403, "credential_invalid"),
                            (400, "ballot_malformed"),
                            (422, "ballot_proof_invalid"),
                            (422, "opening_unexpected"),
                            (409, "credential_already_spent"),
                            (409, "credential_cancelled"),
                        ]);
                ROUTE
            },
            cast,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Post, "/api/station/polls/{id}/challenge", "voting", Access::Station(&[StationKind::Booth]))
                        .says(
                            "Challenge a ballot",
                            "核验选票：附揭示数据提交，选票作废并上公告板，凭证仍可投票（规范 §10.6）。",
                        )
                        .more("The entry is appended as spoiled and the credential stays unspent.")
                        .takes::<EntryRequest>()
                        .answers_type::<Receipt>(200)
                        .refuses(&[
                            (409, "poll_not_open"),
                            (409, "poll_not_ready"),
                            (400, "credential_malformed"),
                            (403, "credential_invalid"),
                            (400, "ballot_malformed"),
                            (422, "ballot_proof_invalid"),
                            (422, "opening_missing"),
                            (422, "opening_invalid"),
                            (409, "credential_already_spent"),
                            (409, "credential_cancelled"),
                        ]);
                ROUTE
            },
            challenge,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/board", "public", Access::Public)
                    .says("The board: size and latest signed head", "公告板：条目数及最新签名的树头。")
                    .answers_type::<BoardSummary>(200);
                ROUTE
            },
            board_summary,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/board/{tracking}", "public", Access::Public)
                    .says("Look up a tracking code", "按追踪码查询公告板：回执及在最新树中的包含证明。")
                    .answers_type::<Lookup>(200)
                    .refuses(&[(400, "tracking_code_malformed"), (404, "tracking_code_not_found")]);
                ROUTE
            },
            lookup,
        )
}

async fn issue(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    let body: IssueRequest = req.json()?;
    let (poll, run) = load_run(&state, id).await?;
    if run.state != PollState::Open {
        return Err(not_open(&run));
    }
    let ctx = context(&state, &run)?;
    let session = load_session(&state, poll.session_id).await?;
    let card = scanned_card(&state, session.congress_id, CardScan { qr: body.qr, card: body.card })?;
    let issued = issuance::issue(&state.store, &state.server_key, &ctx, &run, &session, &card, &body.blinded.0).await?;
    Ok((
        StatusCode::CREATED,
        Json(Issued { name: issued.name, blind_signature: issued.blind_signature.as_bytes().into() }),
    ))
}

async fn replace(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<(StatusCode, Json<Replaced>), ApiError> {
    let body: ReplaceRequest = req.json()?;
    let (poll, run) = load_run(&state, id).await?;
    if run.state != PollState::Open {
        return Err(not_open(&run));
    }
    let ctx = context(&state, &run)?;
    let session = load_session(&state, poll.session_id).await?;
    let card = scanned_card(&state, session.congress_id, CardScan { qr: body.qr, card: body.card })?;
    let station = format!("station:{}", req.station.name);
    let (why, entry, serial) = match (body.cancelled, body.approval) {
        (Some(old), None) => {
            let cred = Credential::from_bytes(&old.0).map_err(|_| refusal(BallotRefusal::CredentialMalformed))?;
            cred.verify(&ctx.manifest.credential_key, &ctx.poll_id)
                .map_err(|_| refusal(BallotRefusal::CredentialInvalid))?;
            (Replacement::Damaged, BoardEntry::Cancelled { credential: old.0 }, cred.serial())
        }
        (None, Some(a)) => {
            let account =
                super::support::passwords::scrutineer_approval(&state, &a.username, &a.password, &station).await?;
            (Replacement::Lost { approved_by: account.username }, BoardEntry::Replaced, [0u8; 32])
        }
        _ => {
            return Err(invalid(
                "replace_reason",
                "换发须扫描交回的选票凭证，或由监票人批准补发遗失的凭证（二者取一）。",
                "A replacement needs either the credential handed back, scanned, or a scrutineer's approval \
                 for a lost one (one of the two).",
            ));
        }
    };
    let replacing =
        issuance::prepare_replacement(&state.store, &state.server_key, &ctx, &run, &session, &card, &body.blinded.0)
            .await?;
    let kind =
        if matches!(why, Replacement::Damaged) { casting::EntryKind::Cancelled } else { casting::EntryKind::Replaced };
    let new = NewEntry {
        kind,
        serial,
        tracking: [0; 10],
        leaf_hash: hallvote_crypto::merkle::leaf_hash(&entry.leaf()),
        entry: entry.to_bytes(),
    };
    let position = match append(&state, id, ctx.election, new).await? {
        Appended::New(e) => e.position,
        // The same slip handed back again (a retry): its cancellation is on the board,
        // and the replacement record refuses a second credential against it.
        Appended::Again(e) => {
            ensure_log(&state, id, e.position + 1).await?;
            e.position
        }
        Appended::Spent => {
            return Err(conflict(
                "credential_already_spent",
                "这张选票凭证已投出过选票，不能作废换发。",
                "This credential has already been used to cast a ballot: it cannot be cancelled and replaced.",
            ));
        }
        Appended::Cancelled => {
            return Err(conflict(
                "already_replaced",
                "这张选票凭证已作废并换发过新凭证，不能再次换发。",
                "This credential was already cancelled and replaced; it cannot be replaced again.",
            ));
        }
        Appended::NotOpen => return Err(not_open(&load_run(&state, id).await?.1)),
    };
    let now = state.clock.now();
    let issued = issuance::record_replacement(&state.store, &run, replacing, position, &why, now).await?;
    let (actor, action, detail) = match &why {
        Replacement::Damaged => (
            station.clone(),
            "credential.replace_damaged",
            format!(
                "poll {id}: {card} handed back a damaged credential, cancelled at board entry {}; re-issued",
                position + 1
            ),
        ),
        Replacement::Lost { approved_by } => (
            approved_by.clone(),
            "credential.replace_lost",
            format!("poll {id}: {card} lost a credential; a new one issued at {station}, board entry {}", position + 1),
        ),
    };
    crate::db::audit::append(&state.store, now, &actor, action, &detail).await?;
    Ok((
        StatusCode::CREATED,
        Json(Replaced { name: issued.name, blind_signature: issued.blind_signature.as_bytes().into(), position }),
    ))
}

/// Appends one entry to the poll's board through its group-commit queue.
async fn append(state: &AppState, id: i64, election: [u8; 64], entry: NewEntry) -> Result<Appended, ApiError> {
    let (store, board, key) = (state.store.clone(), Arc::clone(&state.board), Arc::clone(&state.server_key));
    state
        .casts
        .of(id)
        .submit(entry, move || {
            move |batch: Vec<NewEntry>| {
                let (store, board, key) = (store.clone(), Arc::clone(&board), Arc::clone(&key));
                async move {
                    let sign_head =
                        |head: &[u8; 40]| sign(&key, tags::SIG_TREE_HEAD, &head_message(head, &election)).to_bytes();
                    match casting::append_batch(&store, &board, id, &batch, sign_head).await {
                        Ok(answers) => answers.into_iter().map(Ok).collect(),
                        Err(e) => batch.iter().map(|_| Err(e.to_string())).collect(),
                    }
                }
            }
        })
        .await
        .ok_or_else(|| ApiError::internal("board writer stopped"))?
        .map_err(ApiError::internal)
}

async fn ballot_definition(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<BallotDefinition>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let ctx = context(&state, &run)?;
    let keys = state
        .fingerprints
        .keys(&state.store, &run)
        .await?
        .ok_or_else(|| ApiError::internal("a poll with a context has no finished ceremony"))?;
    Ok(Json(BallotDefinition {
        state: run.state,
        manifest: ctx.manifest_bytes.clone().into(),
        joint_key: Fixed(*ctx.joint_key.element().as_bytes()),
        election: Fixed(ctx.election),
        poll_id: Fixed(ctx.poll_id),
        public_shares: keys.public_shares.iter().map(|x| Fixed(*x)).collect(),
        fingerprint: keys.fingerprint.short(),
    }))
}

async fn credential_state(
    State(state): State<AppState>,
    Path((id, serial)): Path<(i64, String)>,
) -> Result<Json<CredentialState>, ApiError> {
    let serial = parse_serial(&serial).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "credential_serial_malformed",
            "凭证序号格式不正确（应为 64 位小写十六进制数字）。",
            "The credential serial is malformed (64 lowercase hex digits expected).",
        )
    })?;
    let (_, run) = load_run(&state, id).await?;
    let standing = casting::standing(&state.store, id, &serial).await?;
    Ok(Json(CredentialState {
        state: run.state,
        spent: standing == Some(casting::EntryKind::Cast),
        cancelled: standing == Some(casting::EntryKind::Cancelled),
    }))
}

/// A credential serial as 64 lowercase hex digits.
fn parse_serial(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex::decode(text).ok()?.try_into().ok()
}

fn receipt(state: &AppState, poll_id: i64, e: &StoredEntry) -> Result<Receipt, ApiError> {
    let size = e.position + 1;
    let proof = state
        .board
        .inclusion(poll_id, e.position, size)
        .ok_or_else(|| ApiError::internal("board log does not hold the entry"))?;
    Ok(Receipt {
        kind: if e.cast { EntryKind::Cast } else { EntryKind::Spoiled },
        tracking: TrackingCode::from_bytes(e.tracking).to_string(),
        position: e.position,
        tree_size: size,
        head: Fixed::from_slice(&e.head).ok_or_else(|| ApiError::internal("stored tree head is not 40 bytes"))?,
        signature: Fixed::from_slice(&e.signature)
            .ok_or_else(|| ApiError::internal("stored tree head signature is not 64 bytes"))?,
        inclusion: proof.path().iter().map(|h| Fixed(*h)).collect(),
    })
}

fn refusal(r: BallotRefusal) -> ApiError {
    match r {
        BallotRefusal::CredentialMalformed => ApiError::new(
            StatusCode::BAD_REQUEST,
            "credential_malformed",
            "选票凭证无法读取，请重新扫描。",
            "The ballot credential cannot be read; please scan it again.",
        ),
        BallotRefusal::CredentialInvalid => ApiError::new(
            StatusCode::FORBIDDEN,
            "credential_invalid",
            "选票凭证签名无效：不是本次投票发出的凭证。",
            "The ballot credential's signature is not valid: it was not issued for this poll.",
        ),
        BallotRefusal::BallotMalformed(detail) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "ballot_malformed",
            &format!("选票数据格式不正确：{detail}"),
            &format!("The ballot is malformed: {detail}"),
        ),
        BallotRefusal::BallotInvalid(e) => {
            let (zh, en) = match &e {
                BallotError::Proof { item: None, option: None, contest, .. } => (
                    format!("第 {} 项表决的合计证明无效（例如赞成票多于应选名额）。", contest + 1),
                    format!("Contest {}: the proof on the total is invalid (more for-votes than seats?).", contest + 1),
                ),
                other => (
                    format!("选票的有效性证明无效：{other}"),
                    format!("A validity proof of the ballot is invalid: {other}"),
                ),
            };
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "ballot_proof_invalid", &zh, &en)
        }
        BallotRefusal::Opening(detail) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "opening_invalid",
            &format!("核验用的选票揭示数据与选票不符：{detail}"),
            &format!("The opening does not match the ballot: {detail}"),
        ),
    }
}

async fn cast(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<Receipt>, ApiError> {
    post_ballot(state, id, req, false).await
}

async fn challenge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<Receipt>, ApiError> {
    post_ballot(state, id, req, true).await
}

async fn post_ballot(
    state: AppState,
    id: i64,
    req: SignedStationRequest,
    challenge: bool,
) -> Result<Json<Receipt>, ApiError> {
    let body: EntryRequest = req.json()?;
    // A poll's context never changes once built. While it is cached, the poll is
    // not read here: the board's transaction refuses a poll that is no longer open
    // (then read to say so), so each cast costs the database its writes alone.
    let ctx = match state.contexts.get(id) {
        Some(ctx) => ctx,
        None => {
            let (_, run) = load_run(&state, id).await?;
            if run.state != PollState::Open {
                return Err(not_open(&run));
            }
            context(&state, &run)?
        }
    };
    let (credential, ballot) = (body.credential.0, body.ballot.0);
    let opening = match (challenge, body.opening) {
        (true, Some(o)) => Some(o.0),
        (false, None) => None,
        (true, None) => {
            return Err(invalid(
                "opening_missing",
                "核验选票须附揭示数据。",
                "A challenge needs the ballot's opening.",
            ));
        }
        (false, Some(_)) => {
            return Err(invalid(
                "opening_unexpected",
                "投出的选票不能附揭示数据。",
                "A cast ballot must not carry an opening.",
            ));
        }
    };
    let job = BallotJob { ctx: Arc::clone(&ctx), credential, ballot, opening };
    let checked =
        state.checks.check(job).await.ok_or_else(|| ApiError::internal("ballot verifier stopped"))?.map_err(refusal)?;
    let appended = append(&state, id, ctx.election, checked).await?;
    match appended {
        Appended::New(e) => {
            // The writer's log held the entry when it committed; a reader may since
            // have put an older copy of the board in its place (crate::board).
            if state.board.inclusion(id, e.position, e.position + 1).is_none() {
                ensure_log(&state, id, e.position + 1).await?;
            }
            Ok(Json(receipt(&state, id, &e)?))
        }
        Appended::Again(e) => {
            ensure_log(&state, id, e.position + 1).await?;
            Ok(Json(receipt(&state, id, &e)?))
        }
        Appended::Spent => Err(conflict(
            "credential_already_spent",
            "该选票凭证已投出过另一张选票，不能再次使用。",
            "This credential has already been used to cast a different ballot.",
        )),
        Appended::Cancelled => Err(credential_cancelled()),
        Appended::NotOpen => Err(not_open(&load_run(&state, id).await?.1)),
    }
}

/// 409 `credential_cancelled`: the credential was handed back at the desk (spec §6.7).
fn credential_cancelled() -> ApiError {
    conflict(
        "credential_cancelled",
        "该选票凭证已在报到处交回作废（已换发新凭证），不能用于投票。请使用换发的新凭证。",
        "This credential was handed back at the desk and cancelled (a new one was issued in its place); it cannot \
         be used to vote. Please use the new credential.",
    )
}

/// The latest signed head: the final head once sealed, else the last receipt's.
async fn latest_head(state: &AppState, run: &PollRun) -> Result<Option<(Vec<u8>, Vec<u8>)>, ApiError> {
    if let Some(f) = &run.final_head
        && f.len() == 104
    {
        return Ok(Some((f[..40].to_vec(), f[40..].to_vec())));
    }
    if run.board_size == 0 {
        return Ok(None);
    }
    // The head stored with the entry at the size this request read: the database's,
    // whichever process appended it (one row, not the whole board).
    let last = casting::entry_at(&state.store, run.id, run.board_size - 1).await?;
    Ok(last.map(|e| (e.head, e.signature)))
}

async fn board_summary(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<BoardSummary>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let head = latest_head(&state, &run).await?;
    Ok(Json(BoardSummary {
        state: run.state,
        size: run.board_size,
        head: head.as_ref().map(|h| Blob(h.0.clone())),
        signature: head.as_ref().map(|h| Blob(h.1.clone())),
    }))
}

/// The board explorer: a tracking code's entries, each with its receipt and its
/// inclusion proof in the latest signed tree. Public.
async fn lookup(
    State(state): State<AppState>,
    Path((id, tracking)): Path<(i64, String)>,
) -> Result<Json<Lookup>, ApiError> {
    let code = TrackingCode::parse(&tracking).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "tracking_code_malformed",
            "追踪码格式不正确（应为 16 个字符，如 ABCD-EFGH-JKLM-NPQR）。",
            "The tracking code is malformed.",
        )
    })?;
    let (_, run) = load_run(&state, id).await?;
    let found = casting::by_tracking(&state.store, id, code.as_bytes()).await?;
    if found.is_empty() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "tracking_code_not_found",
            "公告板上没有这个追踪码。",
            "No ballot with this tracking code is on the board.",
        ));
    }
    let (head, signature) = latest_head(&state, &run).await?.ok_or_else(|| ApiError::internal("no head"))?;
    let latest = hallvote_crypto::merkle::TreeHead::from_bytes(&head).map_err(ApiError::internal)?;
    ensure_log(&state, id, latest.size).await?;
    let mut entries = Vec::new();
    for e in &found {
        let proof = state
            .board
            .inclusion(id, e.position, latest.size)
            .ok_or_else(|| ApiError::internal("board log does not hold the entry"))?;
        entries.push(LookupEntry {
            receipt: receipt(&state, id, e)?,
            latest_size: latest.size,
            latest_head: Blob(head.clone()),
            latest_signature: Blob(signature.clone()),
            latest_inclusion: proof.path().iter().map(|h| Blob::from(&h[..])).collect(),
        });
    }
    Ok(Json(Lookup { tracking: code.to_string(), entries }))
}
