//! The write-in mix (spec §12.12, §14.15): after a poll closes, each of its
//! scrutineer stations in index order fetches every mixed contest's current list,
//! shuffles it and uploads its turn, which is checked (spec §18.5) and stored in
//! one transaction; then each decrypting scrutineer uploads its list decryption
//! share of the last list (spec §19), checked on arrival. Lists, turns and shares
//! are binary (`application/octet-stream`): a turn of 3,000 ballots of 11 rows is
//! about 12 MB.

use crate::api::prelude::*;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallvote_protocol::wire::{ContestMixStatus, MixStatus};
use hallvote_tally::record::MixTurn;
use hallvote_tally::record::mix::MixError;

use super::AppState;
use super::station_auth::SignedStationRequest;
use super::support::errors::{conflict, invalid};
use super::support::load::load_run;
use super::support::officers::{officer_of, scrutineer_index};
use super::support::poll::{context, public_shares};
use crate::ApiError;
use crate::casting::PollContext;
use crate::db::StoreError;
use crate::db::casting::{self, OfficerRole, PollRun};
use crate::db::mix::{self, PutTurn, StoredTurn};
use crate::i18n::Lang;
use crate::lifecycle::PollState;
use crate::poll::mix as rules;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/mix", "results", Access::Station(SCRUTINEER))
                    .says("Where the write-in mix stands", "监票人终端查看另选他人姓名的混合进度：每个允许另选的选举轮到哪名监票人、已收到哪些列表解密份额（规范 §14.15）。")
                    .more("For the station of a scrutineer of the poll, once closed.")
                    .answers_type::<MixStatus>(200)
                    .refuses(&[(403, "not_an_officer"), (403, "not_a_scrutineer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]);
                ROUTE
            },
            status,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/mix/{contest}/list", "results", Access::Station(SCRUTINEER))
                    .says("The current list of a contest's mix", "监票人终端下载某一选举当前的混合列表：第一轮为由公告板重建的输入列表，其后为上一轮的输出（规范 §12.12）。")
                    .more("For the station of a scrutineer of the poll, once closed: `N × 192` bytes, the slots of the list the next turn shuffles (after the last turn, the last list, which the list shares decrypt).")
                    .answers(Answer::File("application/octet-stream", "The list, N slots of 192 bytes (spec §12.12)."))
                    .refuses(&[(403, "not_an_officer"), (403, "not_a_scrutineer"), (404, "no_such_mix"), (409, "poll_wrong_state"), (409, "poll_not_ready")]);
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/mix/{contest}/turn", "results", Access::Station(SCRUTINEER))
                    .says("Upload a mix turn", "监票人终端上传本轮混合（重加密并打乱）的输出列表及混合证明；服务器核验后存储（规范 §14.15、§18.5）。")
                    .more("Turns are taken in scrutineer index order, one per scrutineer, while the poll is closed. The body is `u32be turn ‖ u32be N ‖ N × slot (192) ‖ proof (32·(5N + 15))` (spec §14.15), at most 48 MiB.")
                    .takes_binary("u32be turn ‖ u32be N ‖ N × slot (192 bytes) ‖ proof of shuffle (spec §18.6)")
                    .answers(Answer::Empty(201))
                    .refuses(&[
                        (400, "mix_malformed"),
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (404, "no_such_mix"),
                        (409, "poll_wrong_state"),
                        (409, "poll_not_ready"),
                        (409, "mix_wrong_turn"),
                        (409, "mix_not_your_turn"),
                        (409, "already_done"),
                        (422, "mix_wrong_size"),
                        (422, "mix_proof_invalid"),
                    ]);
                ROUTE
            },
            post_turn,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/mix/{contest}/share", "results", Access::Station(SCRUTINEER))
                    .says("Upload a list decryption share", "监票人终端上传对最后一轮列表的解密份额（规范 §19.5），到达时即核验。")
                    .more("Once every scrutineer has taken its turn of this contest's mix, before the tally. The body is the share (spec §19.5), at most 48 MiB.")
                    .takes_binary("The list decryption share of the last list (spec §19.5)")
                    .answers(Answer::Empty(201))
                    .refuses(&[
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (404, "no_such_mix"),
                        (409, "poll_wrong_state"),
                        (409, "poll_not_ready"),
                        (409, "mix_not_finished"),
                        (409, "already_done"),
                        (422, "mix_share_invalid"),
                    ]);
                ROUTE
            },
            post_share,
        )
}

fn wrong_state(run: &PollRun, zh: &str, en: &str) -> ApiError {
    conflict(
        "poll_wrong_state",
        &format!("本次投票当前状态为“{}”，{zh}", run.state.label(Lang::ZhCn)),
        &format!("The poll's state is “{}”; {en}", run.state.label(Lang::En)),
    )
}

fn no_such_mix(contest: u32) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_mix",
        &format!("第 {} 项选举不允许另选他人，没有混合。", u64::from(contest) + 1),
        &format!("Contest {} takes no write-ins: it has no mix.", u64::from(contest) + 1),
    )
}

/// The scrutineer `j` of the calling station, the poll, its context and `n`.
async fn scrutineer_of(
    state: &AppState,
    req: &SignedStationRequest,
    id: i64,
) -> Result<(u32, PollRun, std::sync::Arc<PollContext>, u32), ApiError> {
    let mine = officer_of(state, req, id).await?;
    let j = scrutineer_index(&mine)?;
    let (_, run) = load_run(state, id).await?;
    if !run.state.has_closed() {
        return Err(wrong_state(&run, "投票结束后才进行混合。", "the mix starts after the poll closes."));
    }
    let ctx = context(state, &run)?;
    let n = casting::officers(&state.store, id).await?.iter().filter(|o| o.role == OfficerRole::Scrutineer).count();
    Ok((j, run, ctx, u32::try_from(n).map_err(ApiError::internal)?))
}

fn mixed(ctx: &PollContext, contest: u32) -> Result<(), ApiError> {
    if rules::mixed_contests(ctx).contains(&contest) { Ok(()) } else { Err(no_such_mix(contest)) }
}

/// Where every mixed contest's mix stands.
pub(crate) async fn mix_status(
    state: &AppState,
    run: &PollRun,
    ctx: &PollContext,
    n: u32,
) -> Result<MixStatus, ApiError> {
    let cast = casting::cast_count(&state.store, run.id).await?;
    let mut contests = Vec::new();
    for contest in rules::mixed_contests(ctx) {
        let rows = rules::rows_of(ctx, contest, cast);
        let turns = mix::turn_takers(&state.store, run.id, contest).await?;
        // Turn t is scrutineer t + 1's; an empty list takes no turn.
        let taken = u32::try_from(turns.len()).map_err(ApiError::internal)?;
        let next = (rows > 0 && taken < n).then_some(taken + 1);
        let shares = mix::sharers(&state.store, run.id, contest).await?;
        contests.push(ContestMixStatus { contest, rows, turns, next, shares });
    }
    Ok(MixStatus { scrutineers: n, threshold: run.threshold.unwrap_or(0), contests })
}

async fn status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<MixStatus>, ApiError> {
    let (_, run, ctx, n) = scrutineer_of(&state, &req, id).await?;
    Ok(Json(mix_status(&state, &run, &ctx, n).await?))
}

async fn list(
    State(state): State<AppState>,
    Path((id, contest)): Path<(i64, u32)>,
    req: SignedStationRequest,
) -> Result<Response, ApiError> {
    let (_, _, ctx, _) = scrutineer_of(&state, &req, id).await?;
    mixed(&ctx, contest)?;
    let (rows, _) = rules::current_list(&state.store, &ctx, id, contest).await?;
    let bytes = tokio::task::spawn_blocking(move || rules::list_bytes(&rows)).await.map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

fn malformed(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "mix_malformed",
        &format!("混合上传的格式不正确：{what}。"),
        &format!("The mix upload is malformed: {what}."),
    )
}

fn already_done() -> ApiError {
    conflict("already_done", "该步骤已完成，不能重复提交。", "This step was already done.")
}

async fn post_turn(
    State(state): State<AppState>,
    Path((id, contest)): Path<(i64, u32)>,
    req: SignedStationRequest,
) -> Result<StatusCode, ApiError> {
    let (j, run, ctx, n) = scrutineer_of(&state, &req, id).await?;
    mixed(&ctx, contest)?;
    if run.state != PollState::Closed {
        return Err(wrong_state(
            &run,
            "混合须在投票结束后、计票前进行。",
            "the mix is taken after close, before the tally.",
        ));
    }
    let body = req.body.clone();
    let decoded =
        tokio::task::spawn_blocking(move || rules::decode_turn_body(&body)).await.map_err(ApiError::internal)?;
    let (claimed, output, proof) = match decoded {
        rules::TurnBody::Turn(t, output, proof) => (t, output, proof),
        rules::TurnBody::Malformed(what) => return Err(malformed(what)),
    };
    let takers = mix::turn_takers(&state.store, id, contest).await?;
    if takers.contains(&j) {
        return Err(already_done());
    }
    let taken = u32::try_from(takers.len()).map_err(ApiError::internal)?;
    if taken >= n {
        return Err(already_done());
    }
    let due = taken + 1;
    if j != due {
        return Err(conflict(
            "mix_not_your_turn",
            &format!(
                "现在轮到第 {due} 号监票人混合第 {} 项选举的列表，本终端是第 {j} 号，请等待。",
                u64::from(contest) + 1
            ),
            &format!(
                "It is scrutineer {due}'s turn to mix contest {}; this station is scrutineer {j}: wait.",
                u64::from(contest) + 1
            ),
        ));
    }
    if claimed != taken {
        return Err(conflict(
            "mix_wrong_turn",
            &format!(
                "上传的是第 {} 轮，而现在进行的是第 {} 轮；请重新下载当前列表。",
                u64::from(claimed) + 1,
                taken + 1
            ),
            &format!(
                "The upload is turn {}, but turn {} is due: fetch the current list again.",
                u64::from(claimed) + 1,
                taken + 1
            ),
        ));
    }
    let (input, _) = rules::current_list(&state.store, &ctx, id, contest).await?;
    if output.len() != input.len() {
        return Err(invalid(
            "mix_wrong_size",
            &format!("输出列表有 {} 行，而当前列表有 {} 行。", output.len(), input.len()),
            &format!("The output list has {} rows; the current list has {}.", output.len(), input.len()),
        ));
    }
    let turn = MixTurn { scrutineer: j, output, proof };
    let turn = rules::check_turn(&ctx, contest, taken as usize, input, turn).await.map_err(|e| match e {
        MixError::Malformed { .. } => malformed("an element of the output or the proof is not canonical"),
        e => invalid(
            "mix_proof_invalid",
            &format!("混合证明未通过核验：{e}。"),
            &format!("The proof of shuffle does not verify: {e}."),
        ),
    })?;
    let stored = StoredTurn {
        scrutineer: j,
        output: turn.output.iter().flat_map(|s| s.iter().copied()).collect(),
        proof: turn.proof,
    };
    match mix::put_turn(&state.store, id, contest, taken, &stored).await? {
        PutTurn::Stored => {}
        PutTurn::NotNext(_) => return Err(already_done()),
        PutTurn::WrongState => {
            return Err(wrong_state(&run, "混合须在计票前进行。", "the mix is taken before the tally."));
        }
    }
    Ok(StatusCode::CREATED)
}

async fn post_share(
    State(state): State<AppState>,
    Path((id, contest)): Path<(i64, u32)>,
    req: SignedStationRequest,
) -> Result<StatusCode, ApiError> {
    let (j, run, ctx, n) = scrutineer_of(&state, &req, id).await?;
    mixed(&ctx, contest)?;
    if run.state != PollState::Closed {
        return Err(wrong_state(
            &run,
            "列表解密份额须在计票前提交。",
            "list shares are taken after close, before the tally.",
        ));
    }
    let takers = mix::turn_takers(&state.store, id, contest).await?;
    let cast = casting::cast_count(&state.store, id).await?;
    let due = u32::try_from(takers.len()).map_err(ApiError::internal)? + 1;
    if rules::rows_of(&ctx, contest, cast) > 0 && takers.len() < n as usize {
        return Err(conflict(
            "mix_not_finished",
            &format!("第 {} 项选举的混合尚未完成：正等待第 {due} 号监票人的一轮。", u64::from(contest) + 1),
            &format!("Contest {}'s mix is not finished: scrutineer {due}'s turn is due.", u64::from(contest) + 1),
        ));
    }
    if mix::sharers(&state.store, id, contest).await?.contains(&j) {
        return Err(already_done());
    }
    let share = req.body.to_vec();
    // The share must be this station's own: its index is inside the encoding.
    if share.get(0..4) != Some(&j.to_be_bytes()[..]) {
        return Err(invalid(
            "mix_share_invalid",
            &format!("列表解密份额不是第 {j} 号监票人的。"),
            &format!("The list share is not scrutineer {j}'s."),
        ));
    }
    let (last, _) = rules::current_list(&state.store, &ctx, id, contest).await?;
    let xs = public_shares(&state, &run).await?;
    rules::check_share(&ctx, contest, last, share.clone(), xs).await.map_err(|e| {
        invalid(
            "mix_share_invalid",
            &format!("列表解密份额未通过核验：{e}。"),
            &format!("The list decryption share does not verify: {e}."),
        )
    })?;
    match mix::put_share(&state.store, id, contest, j, &share).await {
        Ok(()) => Ok(StatusCode::CREATED),
        Err(StoreError::Conflict(_)) => Err(already_done()),
        Err(e) => Err(e.into()),
    }
}
