//! Opening and closing a poll, decryption, the tally, signatures, publication and
//! the election record (docs/adr/0008 steps 5 and 9, spec §12, §14.8).

use crate::api::prelude::*;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallvote_crypto::dkg::Params;
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_tally::record::builder::{combine_totals, outcome, poll_counts, result_digest, sign_record};
use hallvote_tally::record::{Attendance, BoardEntry, CeremonyTranscript, Decryption, Record, SignedHead};

use super::AppState;
use super::station_auth::SignedStationRequest;
use super::support::attendance::attendance_figures_at;
use super::support::errors::{conflict, invalid};
use super::support::load::{load_run, load_session};
use super::support::officers::officer_of;
use super::support::poll::context;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::casting::{ceremony_result, decode_aggregates};
use crate::db::casting::{self, OfficerRole, PollRun};
use crate::db::mix as mix_store;
use crate::db::{StoreError, attendance, audit};
use crate::i18n::Lang;
use crate::lifecycle::PollState;
use crate::poll::closing::{self, compute_aggregates};
use crate::poll::decryption;
use crate::poll::follow_up;
use crate::poll::mix::{self as mix_rules, counted_mixes};
use crate::poll::opening::refuse_unless_all_passed;
use crate::poll::recount::recount;
use hallvote_protocol::wire::{Aggregates, DecryptionRequest, Fixed, MixNames, ResultToSign, SignatureRequest, Status};
use hallvote_tally::record::mix::add_write_ins;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/open", "results", Access::Roles(ORGANISER))
                    .says("Open the poll", "开始投票：须全部监票人通过密钥检查（规范 §5.7）并达到法定人数（R3），应到、实到人数随即冻结。")
                    .more("Refused with `key_check_pending`, naming them, while any scrutineer of the poll (all n, not only k) has not passed the key check.")
                    .answers_type::<Status>(200)
                    .refuses(&[(409, "poll_wrong_state"), (409, "key_check_pending"), (409, "quorum_not_met")]);
                ROUTE
            },
            open,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/close", "results", Access::Roles(ORGANISER))
                    .says("Close the poll", "结束投票：公告板封存并签名，计算密文合计。")
                    .answers_type::<Status>(200)
                    .refuses(&[(409, "poll_wrong_state"), (409, "poll_not_ready")]);
                ROUTE
            },
            close,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/status", "results", Access::Roles(&Role::ALL))
                    .says("The poll's progress", "投票进度：状态、发放数、公告板条目数、解密与签名情况。")
                    .answers_type::<Status>(200);
                ROUTE
            },
            status,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/tally", "results", Access::Roles(ORGANISER))
                    .says("Tally", "计票：合并至少 k 名监票人的解密份额，得出票数、结果及结果摘要（规范 §12.6–§12.8）；允许另选他人的选举，另选的姓名经全部监票人混合、至少 k 名监票人解密后计入（规范 §14.15）。")
                    .more("Refused with `write_ins_not_mixed`, naming whose turn is due, until every scrutineer has taken its turn of every mix and k list shares of each are in.")
                    .answers_type::<Status>(200)
                    .refuses(&[
                        (409, "poll_wrong_state"),
                        (409, "poll_not_ready"),
                        (409, "not_enough_decryptions"),
                        (409, "write_ins_not_mixed"),
                        (422, "tally_failed"),
                    ]);
                ROUTE
            },
            tally,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/publish", "results", Access::Roles(ORGANISER))
                    .says(
                        "Publish the result and the election record",
                        "公布：汇编并签署选举记录（规范 §12），须全部监票人和计票人已签名。",
                    )
                    .answers_type::<Status>(200)
                    .refuses(&[(409, "poll_wrong_state"), (409, "poll_not_ready"), (409, "signatures_missing")]);
                ROUTE
            },
            publish,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/record", "public", Access::Public)
                    .says("The published election record", "下载已公布的选举记录，供任何人核验（规范 §12）。")
                    .more("Available once the poll is published.")
                    .answers(Answer::File("application/octet-stream", "The record file `poll-{id}.hvrec`."))
                    .refuses(&[(409, "poll_wrong_state")]);
                ROUTE
            },
            record,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/aggregates", "results", Access::Station(SCRUTINEER))
                    .says("The aggregates and the final signed tree head", "监票人终端读取服务器算出的密文合计及封存公告板的签名树头（投票结束后）。")
                    .more("For the station of a scrutineer or counter of the poll. The station recomputes the aggregates from the board it checks against the head and decrypts only if they are these (spec §14.8).")
                    .answers_type::<Aggregates>(200)
                    .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]);
                ROUTE
            },
            aggregates_view,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/decryption", "results", Access::Station(SCRUTINEER))
                    .says("Submit decryption shares", "监票人终端提交解密份额，到达时即核验（规范 §5.4）。")
                    .more("After close, before the tally.")
                    .takes::<DecryptionRequest>()
                    .answers(Answer::Empty(201))
                    .refuses(&[
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (409, "poll_wrong_state"),
                        (409, "poll_not_ready"),
                        (422, "decryption_share_invalid"),
                        (409, "already_done"),
                    ]);
                ROUTE
            },
            post_decryption,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/result", "results", Access::Station(SCRUTINEER))
                    .says("The result to check and sign", "监票人或计票人终端读取待签名的计票结果与结果摘要（规范 §12.8）。")
                    .more("For the station of a scrutineer or counter; the station recomputes the digest before signing.")
                    .answers_type::<ResultToSign>(200)
                    .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]);
                ROUTE
            },
            result_view,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/signature", "results", Access::Station(SCRUTINEER))
                    .says("Sign the result digest", "监票人或计票人在终端上签署结果摘要（规范 §12.8）。")
                    .more("After the tally, before publication.")
                    .takes::<SignatureRequest>()
                    .answers(Answer::Empty(201))
                    .refuses(&[
                        (403, "not_an_officer"),
                        (409, "poll_wrong_state"),
                        (422, "bad_role"),
                        (422, "signature_invalid"),
                        (409, "already_done"),
                    ]);
                ROUTE
            },
            post_signature,
        )
}

fn wrong_state(run: &PollRun, zh: &str, en: &str) -> ApiError {
    conflict(
        "poll_wrong_state",
        &format!("本次投票当前状态为“{}”，{zh}", run.state.label(Lang::ZhCn)),
        &format!("The poll's state is “{}”; {en}", run.state.label(Lang::En)),
    )
}

async fn status(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<Status>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let officers = casting::officers(&state.store, id).await?.len();
    let follow_ups = if run.state.has_result() {
        let (manifest, result) = recount(&state.store, &run).await?;
        follow_up::called_for(&manifest.poll, &result)
    } else {
        Vec::new()
    };
    Ok(Json(Status {
        id,
        state: run.state,
        threshold: run.threshold,
        expected: run.expected,
        present: run.present,
        issued: run.issued,
        board_size: run.board_size,
        decryptions: casting::decryptions(&state.store, id).await?.iter().map(|(j, _)| *j).collect(),
        signatures: casting::signatures(&state.store, id).await?.len(),
        signatures_needed: officers,
        cast: casting::cast_count(&state.store, id).await?,
        follow_ups,
    }))
}

/// Opens a ready poll: refused until every scrutineer has passed the key check
/// (spec §5.7) and without quorum (R3); attendance is frozen.
async fn open(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Status>, ApiError> {
    let who = &auth.account;
    let (poll, run) = load_run(&state, id).await?;
    if run.state != PollState::Ready {
        return Err(wrong_state(
            &run,
            "须在密钥生成完成后、开始投票前开启。",
            "a poll opens once, after its key ceremony.",
        ));
    }
    refuse_unless_all_passed(&state.store, id).await?;
    let session = load_session(&state, poll.session_id).await?;
    // One point of the attendance log for the count and for who may be issued the
    // ballot: a delegate checking in while the poll opens is in both or in neither.
    let mark = attendance::last_event(&state.store, session.id).await?;
    let figures = attendance_figures_at(&state, &session, mark).await?;
    if !figures.quorum_met {
        return Err(conflict(
            "quorum_not_met",
            &format!("实到 {} 人，应到 {} 人，未达到法定人数，不能开始投票。", figures.present, figures.expected),
            &format!("{} present of {} expected: no quorum, the poll cannot open.", figures.present, figures.expected),
        ));
    }
    if !casting::open(&state.store, id, figures.expected, figures.present, mark).await? {
        return Err(wrong_state(&run, "不能开启。", "it cannot be opened."));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.open",
        &format!("poll {id}: expected {}, present {}", figures.expected, figures.present),
    )
    .await?;
    status(State(state), Path(id)).await
}

/// Closes an open poll: the board is sealed with a signed tree head and the
/// aggregates are computed.
async fn close(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Status>, ApiError> {
    let who = &auth.account;
    let (_, run) = load_run(&state, id).await?;
    if run.state != PollState::Open {
        return Err(wrong_state(&run, "只有投票中的投票可以结束。", "only an open poll can be closed."));
    }
    let ctx = context(&state, &run)?;
    if !closing::close(&state.store, &state.board, &state.server_key, &ctx, id).await? {
        return Err(wrong_state(&run, "不能结束。", "it cannot be closed."));
    }
    audit::append(&state.store, state.clock.now(), &who.username, "poll.close", &format!("poll {id}: board sealed"))
        .await?;
    status(State(state), Path(id)).await
}

async fn aggregates_of(state: &AppState, run: &PollRun) -> Result<Vec<Ciphertext>, ApiError> {
    match &run.aggregates {
        Some(a) => Ok(decode_aggregates(a)?),
        None => {
            let ctx = context(state, run)?;
            compute_aggregates(&state.store, run.id, &ctx).await
        }
    }
}

/// The aggregates as the server computed them, with the final signed tree head: a
/// scrutineer's station recomputes the aggregates from the board it checks against
/// that head, and decrypts only if they are these (spec §14.8).
async fn aggregates_view(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<Aggregates>, ApiError> {
    officer_of(&state, &req, id).await?;
    let (_, run) = load_run(&state, id).await?;
    if !run.state.has_closed() {
        return Err(wrong_state(&run, "投票结束后才能解密。", "decryption starts after the poll closes."));
    }
    let ctx = context(&state, &run)?;
    let aggregates = aggregates_of(&state, &run).await?;
    let sealed =
        run.final_head.as_deref().filter(|f| f.len() == 104).ok_or_else(|| ApiError::internal("no final head"))?;
    let (head, signature) = sealed.split_at(40);
    Ok(Json(Aggregates {
        election: Fixed(ctx.election),
        aggregates: aggregates.iter().map(|c| Fixed(c.to_bytes())).collect(),
        board_size: run.board_size,
        head: Fixed::from_slice(head).ok_or_else(|| ApiError::internal("final head"))?,
        signature: Fixed::from_slice(signature).ok_or_else(|| ApiError::internal("final head signature"))?,
    }))
}

/// Public shares `X₁…Xₙ` of the poll's ceremony.
fn public_shares(
    run: &PollRun,
    n: u32,
    messages: &[(u32, Vec<u8>)],
    confirmations: &[(u32, Vec<u8>)],
) -> Result<crate::casting::CeremonyResult, ApiError> {
    let k = run.threshold.ok_or_else(|| ApiError::internal("no threshold"))?;
    let params = Params::new(k, n).map_err(ApiError::internal)?;
    ceremony_result(params, run.ceremony_id.as_deref().unwrap_or_default(), messages, confirmations)
        .map_err(ApiError::internal)
}

async fn scrutineer_count(state: &AppState, id: i64) -> Result<u32, ApiError> {
    let n = casting::officers(&state.store, id).await?.iter().filter(|o| o.role == OfficerRole::Scrutineer).count();
    Ok(u32::try_from(n).unwrap_or(0))
}

async fn post_decryption(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<StatusCode, ApiError> {
    let mine = officer_of(&state, &req, id).await?;
    let j = mine.iter().find(|o| o.role == OfficerRole::Scrutineer).map(|o| o.position).ok_or_else(|| {
        ApiError::new(StatusCode::FORBIDDEN, "not_a_scrutineer", "只有监票人参与解密。", "Only scrutineers decrypt.")
    })?;
    let body: DecryptionRequest = req.json()?;
    let (_, run) = load_run(&state, id).await?;
    if run.state != PollState::Closed {
        return Err(wrong_state(
            &run,
            "只能在投票结束后、计票前提交解密份额。",
            "decryption shares are taken after close, before the tally.",
        ));
    }
    let ctx = context(&state, &run)?;
    let aggregates = aggregates_of(&state, &run).await?;
    let mut shares = Vec::with_capacity(body.shares.len());
    let mut blob = Vec::new();
    for Fixed(bytes) in body.shares {
        blob.extend_from_slice(&bytes);
        shares.push(bytes);
    }
    let n = scrutineer_count(&state, id).await?;
    let messages = casting::dealings(&state.store, id).await?;
    let confirmations = casting::confirmations(&state.store, id).await?;
    let ceremony = public_shares(&run, n, &messages, &confirmations)?;
    let decryption = Decryption { scrutineer: j, shares };
    decryption::check_shares(&ctx, &ceremony.output.public_shares, aggregates, &decryption).await?;
    match casting::put_decryption(&state.store, id, j, &blob).await {
        Ok(()) => Ok(StatusCode::CREATED),
        Err(StoreError::Conflict(_)) => {
            Err(conflict("already_done", "该步骤已完成，不能重复提交。", "This step was already done."))
        }
        Err(e) => Err(e.into()),
    }
}

/// Combines `k` scrutineers' shares, recovers the totals and counts the result.
async fn tally(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Status>, ApiError> {
    let who = &auth.account;
    let (_, run) = load_run(&state, id).await?;
    if run.state != PollState::Closed {
        return Err(wrong_state(&run, "只能在投票结束后计票。", "the tally follows the close."));
    }
    let ctx = context(&state, &run)?;
    let n = scrutineer_count(&state, id).await?;
    let k = run.threshold.unwrap_or(0);
    let cast = casting::cast_count(&state.store, id).await?;
    // The names written in (R9) are counted through the mix (ADR 0021, spec §14.15):
    // every scrutineer's turn and k list shares of every mixed contest first.
    let mut mixes = Vec::new();
    for contest in mix_rules::mixed_contests(&ctx) {
        let rows = mix_rules::rows_of(&ctx, contest, cast);
        let takers = mix_store::turn_takers(&state.store, id, contest).await?;
        let sharers = mix_store::sharers(&state.store, id, contest).await?;
        let c = u64::from(contest) + 1;
        if rows > 0 && takers.len() < n as usize {
            let due = takers.len() + 1;
            let name = casting::officers(&state.store, id)
                .await?
                .into_iter()
                .find(|o| o.role == OfficerRole::Scrutineer && o.position as usize == due)
                .map(|o| o.name)
                .unwrap_or_default();
            return Err(conflict(
                "write_ins_not_mixed",
                &format!(
                    "第 {c} 项选举允许另选他人，其姓名须经混合后才能统计：现在轮到第 {due} 号监票人（{name}）的终端进行混合（已完成 {} 轮，共 {n} 轮）。",
                    takers.len()
                ),
                &format!(
                    "Contest {c} takes write-ins, which are counted only through the mix: it is scrutineer {due}'s ({name}) station's turn to mix ({} of {n} turns done).",
                    takers.len()
                ),
            ));
        }
        if rows > 0 && sharers.len() < k as usize {
            return Err(conflict(
                "write_ins_not_mixed",
                &format!(
                    "第 {c} 项选举的混合已完成，但只有 {} 名监票人提交了列表解密份额，至少需要 {k} 名。",
                    sharers.len()
                ),
                &format!(
                    "Contest {c}'s mix is done, but {} scrutineers have posted their list shares; {k} are needed.",
                    sharers.len()
                ),
            ));
        }
        let last =
            if rows > 0 { mix_rules::current_list(&state.store, &ctx, id, contest).await?.0 } else { Vec::new() };
        mixes.push((contest, last, mix_store::shares(&state.store, id, contest).await?));
    }
    let stored = casting::decryptions(&state.store, id).await?;
    if stored.len() < k as usize {
        return Err(conflict(
            "not_enough_decryptions",
            &format!("已有 {} 名监票人提交解密份额，至少需要 {k} 名。", stored.len()),
            &format!("{} scrutineers have decrypted; {k} are needed.", stored.len()),
        ));
    }
    let decryptions = decryptions_of(&stored)?;
    let aggregates = aggregates_of(&state, &run).await?;
    let ceremony = public_shares(
        &run,
        n,
        &casting::dealings(&state.store, id).await?,
        &casting::confirmations(&state.store, id).await?,
    )?;
    let replaced = casting::replacement_counts(&state.store, id).await?;
    let attendance = attendance_of(&run);
    let ctx2 = Arc::clone(&ctx);
    let (totals, outcome_bytes, digest, names) = tokio::task::spawn_blocking(move || {
        let mut names = Vec::new();
        for (contest, last, shares) in mixes {
            let decrypted = mix_rules::decrypt_names(&ctx2, contest, last, shares, &ceremony.output.public_shares, k)
                .map_err(|e| format!("contest {}: {e}", u64::from(contest) + 1))?;
            names.push((contest, decrypted));
        }
        let totals = combine_totals(
            k,
            &ceremony.output.public_shares,
            &ctx2.election,
            &ctx2.shape,
            &aggregates,
            &decryptions,
            cast,
        )
        .map_err(|e| e.to_string())?;
        let mut counts =
            poll_counts(&ctx2.manifest.poll, &ctx2.shape, attendance, u32::try_from(cast).unwrap_or(u32::MAX), &totals)
                .map_err(|e| e.to_string())?;
        (counts.replaced, counts.replaced_lost) = replaced;
        add_write_ins(&mut counts, &ctx2.manifest.poll, &counted_mixes(&names));
        let (_, bytes) = outcome(&ctx2.manifest.poll, &ctx2.manifest.ruleset, &counts).map_err(|e| format!("{e:?}"))?;
        let digest = result_digest(&ctx2.election, attendance, cast, &totals, &bytes);
        Ok::<_, String>((totals, bytes, digest, names))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| invalid("tally_failed", &format!("计票失败：{e}"), &format!("The tally failed: {e}")))?;
    if !mix_store::tallied_with_names(&state.store, id, &totals, &outcome_bytes, &digest, &names).await? {
        return Err(wrong_state(&run, "不能计票。", "it cannot be tallied."));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.tally",
        &format!("poll {id}: {cast} ballots counted"),
    )
    .await?;
    status(State(state), Path(id)).await
}

fn attendance_of(run: &PollRun) -> Attendance {
    Attendance { expected: run.expected.unwrap_or(0), present: run.present.unwrap_or(0), issued: run.issued }
}

fn decryptions_of(stored: &[(u32, Vec<u8>)]) -> Result<Vec<Decryption>, ApiError> {
    stored
        .iter()
        .map(|(j, blob)| {
            if !blob.len().is_multiple_of(132) {
                return Err(ApiError::internal("stored decryption length"));
            }
            let shares = blob.chunks_exact(132).filter_map(|c| c.try_into().ok()).collect();
            Ok(Decryption { scrutineer: *j, shares })
        })
        .collect()
}

/// What an officer checks and signs: the manifest and joint key, the figures, totals
/// and outcome, and the digest (spec §12.8), which the station recomputes before
/// signing.
async fn result_view(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<ResultToSign>, ApiError> {
    officer_of(&state, &req, id).await?;
    let (_, run) = load_run(&state, id).await?;
    let (Some(totals), Some(outcome), Some(digest)) = (&run.totals, &run.outcome, &run.result_digest) else {
        return Err(wrong_state(&run, "尚未计票。", "it has not been tallied."));
    };
    let ctx = context(&state, &run)?;
    let a = attendance_of(&run);
    let (replaced, replaced_lost) = casting::replacement_counts(&state.store, id).await?;
    Ok(Json(ResultToSign {
        state: run.state,
        manifest: ctx.manifest_bytes.clone().into(),
        joint_key: Fixed(*ctx.joint_key.element().as_bytes()),
        election: Fixed(ctx.election),
        expected: a.expected,
        present: a.present,
        issued: a.issued,
        replaced,
        replaced_lost,
        cast: casting::cast_count(&state.store, id).await?,
        totals: totals.clone(),
        outcome: outcome.clone().into(),
        digest: Fixed::from_slice(digest).ok_or_else(|| ApiError::internal("result digest is not 64 bytes"))?,
        write_ins: mix_store::names(&state.store, id)
            .await?
            .into_iter()
            .map(|(contest, names)| MixNames { contest, names })
            .collect(),
    }))
}

async fn post_signature(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<StatusCode, ApiError> {
    let mine = officer_of(&state, &req, id).await?;
    let body: SignatureRequest = req.json()?;
    let (_, run) = load_run(&state, id).await?;
    if run.state != PollState::Tallied {
        return Err(wrong_state(
            &run,
            "只能在计票后、公布前签名。",
            "signatures are taken after the tally, before publication.",
        ));
    }
    let role = match body.role.as_str() {
        "scrutineer" => OfficerRole::Scrutineer,
        "counter" => OfficerRole::Counter,
        _ => {
            return Err(invalid(
                "bad_role",
                "职务须为 scrutineer 或 counter。",
                "The role must be scrutineer or counter.",
            ));
        }
    };
    let officer = mine.iter().find(|o| o.role == role).ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "not_an_officer",
            "该终端不代表此职务。",
            "This station does not hold this office.",
        )
    })?;
    let sig = body.signature.0;
    let digest = run.result_digest.clone().unwrap_or_default();
    let ok = Signature::decode(&sig)
        .ok()
        .is_some_and(|s| verify(&req.station.public_key, tags::SIG_RESULT, &digest, &s).is_ok());
    if !ok {
        return Err(invalid(
            "signature_invalid",
            "签名无效：与计票结果不符。",
            "The signature does not verify over the result.",
        ));
    }
    match casting::put_signature(&state.store, id, role, officer.position, &sig).await {
        Ok(()) => Ok(StatusCode::CREATED),
        Err(StoreError::Conflict(_)) => Err(conflict("already_done", "已签名。", "Already signed.")),
        Err(e) => Err(e.into()),
    }
}

/// Assembles the record (spec §12), signs it, stores it and publishes the poll.
async fn publish(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Status>, ApiError> {
    let who = &auth.account;
    let (_, run) = load_run(&state, id).await?;
    if run.state != PollState::Tallied {
        return Err(wrong_state(&run, "只能在计票并签名后公布。", "publication follows the tally and the signatures."));
    }
    let ctx = context(&state, &run)?;
    let officers = casting::officers(&state.store, id).await?;
    let signatures = casting::signatures(&state.store, id).await?;
    // Every officer who has not signed is named, not only the first found.
    let unsigned: Vec<&str> = officers
        .iter()
        .filter(|o| !signatures.iter().any(|(r, p, _)| *r == o.role && *p == o.position))
        .map(|o| o.name.as_str())
        .collect();
    if !unsigned.is_empty() {
        return Err(conflict(
            "signatures_missing",
            &format!("{} 尚未签名，全部监票人和计票人签名后才能公布。", unsigned.join("、")),
            &format!(
                "{} {} not signed; every scrutineer and counter must sign first.",
                unsigned.join(", "),
                if unsigned.len() == 1 { "has" } else { "have" }
            ),
        ));
    }
    let mut scrutineer_signatures = Vec::new();
    let mut counter_signatures = Vec::new();
    for o in &officers {
        let Some((_, _, sig)) = signatures.iter().find(|(r, p, _)| *r == o.role && *p == o.position) else {
            return Err(ApiError::internal("a signature went missing"));
        };
        let sig: [u8; 64] = sig.as_slice().try_into().map_err(|_| ApiError::internal("signature length"))?;
        match o.role {
            OfficerRole::Scrutineer => scrutineer_signatures.push(sig),
            OfficerRole::Counter => counter_signatures.push(sig),
        }
    }
    let n = scrutineer_count(&state, id).await?;
    let messages = casting::dealings(&state.store, id).await?;
    let ceremony = public_shares(&run, n, &messages, &casting::confirmations(&state.store, id).await?)?;
    let stored = casting::entries(&state.store, id).await?;
    let mut board = Vec::with_capacity(stored.len());
    let mut receipt_heads = Vec::with_capacity(stored.len());
    for e in &stored {
        board.push(BoardEntry::decode(&e.entry).map_err(|e| ApiError::internal(format!("board entry: {e}")))?);
        receipt_heads.push(signed_head(&e.head, &e.signature)?);
    }
    let final_head = run.final_head.as_deref().ok_or_else(|| ApiError::internal("no final head"))?;
    let final_head = signed_head(&final_head[..40.min(final_head.len())], final_head.get(40..).unwrap_or_default())?;
    let aggregates = aggregates_of(&state, &run).await?;
    let mut mixes = Vec::new();
    for (contest, names) in mix_store::names(&state.store, id).await? {
        mixes.push(mix_rules::contest_mix(&state.store, &ctx, id, contest, names).await?);
    }
    let mut record = Record {
        manifest: ctx.manifest_bytes.clone(),
        ceremony: CeremonyTranscript {
            dealer_messages: ceremony.messages.clone(),
            complaints: ceremony.complaints.clone(),
            qualified: ceremony.output.qualified.clone(),
            joint_key: *ceremony.output.joint_key.element().as_bytes(),
            public_shares: ceremony.output.public_shares.iter().map(|x| *x.as_bytes()).collect(),
        },
        attendance: attendance_of(&run),
        board,
        receipt_heads,
        final_head,
        aggregates: aggregates.iter().map(Ciphertext::to_bytes).collect(),
        decryptions: decryptions_of(&casting::decryptions(&state.store, id).await?)?,
        totals: run.totals.clone().unwrap_or_default(),
        mixes,
        outcome: run.outcome.clone().unwrap_or_default(),
        server_signature: [0; 64],
        scrutineer_signatures,
        counter_signatures,
    };
    sign_record(&state.server_key, &mut record);
    let bytes = record.to_bytes();
    if !casting::publish(&state.store, id, &bytes).await? {
        return Err(wrong_state(&run, "不能公布。", "it cannot be published."));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.publish",
        &format!("poll {id}: record {} bytes", bytes.len()),
    )
    .await?;
    status(State(state), Path(id)).await
}

fn signed_head(head: &[u8], signature: &[u8]) -> Result<SignedHead, ApiError> {
    Ok(SignedHead {
        head: head.try_into().map_err(|_| ApiError::internal("tree head length"))?,
        signature: signature.try_into().map_err(|_| ApiError::internal("tree head signature length"))?,
    })
}

/// The published election record (spec §12), for anyone to download and verify.
async fn record(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    if run.state != PollState::Published {
        return Err(wrong_state(&run, "选举记录在公布后提供下载。", "the record is available once published."));
    }
    let bytes = casting::record(&state.store, id).await?.ok_or_else(|| ApiError::internal("record missing"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"poll-{id}.hvrec\"")),
        ],
        bytes,
    )
        .into_response())
}
