//! The key check before a poll opens (spec §5.7, §14.3): after the key ceremony each
//! scrutineer's station proves that the share file it saved opens and works. The
//! server makes a fresh test ciphertext for scrutineer `j` under the joint key; the
//! station answers with its decryption share of it, whose proof the server checks
//! against `Xⱼ`. The poll opens only when every scrutineer of the manifest has passed
//! ([`crate::poll::opening::refuse_unless_all_passed`]); a restarted ceremony clears the checks.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_crypto::dkg::Params;
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_tally::key_check::{self, KeyCheckError};

use super::AppState;
use super::station_auth::SignedStationRequest;
use super::support::errors::{conflict, invalid};
use super::support::load::load_run;
use super::support::officers::{officer_of, scrutineer_index};
use super::support::poll::context;
use crate::ApiError;
use crate::casting::ceremony_result;
use crate::db::casting::{self, OfficerRole, PollRun};
use crate::db::{audit, key_checks};
use crate::i18n::Lang;
use crate::lifecycle::PollState;
use hallvote_protocol::wire::{Fixed, KeyCheckAnswer, KeyCheckPassed, KeyCheckTest};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/key-check/test", "ceremony", Access::Station(SCRUTINEER))
                    .says(
                        "A fresh test ciphertext for this scrutineer's key check",
                        "监票人终端开始密钥检查：服务器用联合公钥加密一个随机小数，生成本监票人专用的检查密文（规范 §5.7）。",
                    )
                    .more("In the ready state, for the station of scrutineer `j`. Each call makes a new one; only the latest is accepted.")
                    .answers_type::<KeyCheckTest>(201)
                    .refuses(&[(403, "not_an_officer"), (403, "not_a_scrutineer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]);
                ROUTE
            },
            new_test,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/key-check", "ceremony", Access::Station(SCRUTINEER))
                    .says(
                        "Answer the key check",
                        "监票人终端提交对检查密文的解密份额及证明；服务器用该监票人的公开份额核验，通过后记录（规范 §5.7）。",
                    )
                    .more("The share's proof is checked against `Xⱼ` in the context `H(\"hallvote/ceremony/key-check/v1\", E, u64be(j))`.")
                    .takes::<KeyCheckAnswer>()
                    .answers_type::<KeyCheckPassed>(201)
                    .refuses(&[
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (409, "poll_wrong_state"),
                        (409, "poll_not_ready"),
                        (409, "key_check_no_test"),
                        (422, "key_check_failed"),
                        (409, "key_check_stale"),
                    ]);
                ROUTE
            },
            answer,
        )
}

fn not_ready(run: &PollRun) -> ApiError {
    conflict(
        "poll_wrong_state",
        &format!("本次投票当前状态为“{}”，密钥检查在密钥生成完成后、开始投票前进行。", run.state.label(Lang::ZhCn)),
        &format!(
            "The poll's state is “{}”; the key check is taken after the key ceremony, before the poll opens.",
            run.state.label(Lang::En)
        ),
    )
}

/// Makes a fresh test ciphertext for the calling scrutineer's station (spec §5.7).
async fn new_test(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<(StatusCode, Json<KeyCheckTest>), ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let j = scrutineer_index(&officer_of(&state, &req, id).await?)?;
    if run.state != PollState::Ready {
        return Err(not_ready(&run));
    }
    let ctx = context(&state, &run)?;
    let test = key_check::challenge(&ctx.joint_key, &mut rand::rng()).to_bytes();
    key_checks::set_test(&state.store, id, j, &test).await?;
    Ok((
        StatusCode::CREATED,
        Json(KeyCheckTest { index: j, election: Fixed(ctx.election), ciphertext: test.as_slice().into() }),
    ))
}

/// Checks the calling scrutineer's answer to its latest test ciphertext against its
/// public share `Xⱼ` and records the pass (spec §5.7).
async fn answer(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<(StatusCode, Json<KeyCheckPassed>), ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let j = scrutineer_index(&officer_of(&state, &req, id).await?)?;
    let body: KeyCheckAnswer = req.json()?;
    if run.state != PollState::Ready {
        return Err(not_ready(&run));
    }
    let share = body.share.0;
    let Some(test_bytes) = key_checks::test_of(&state.store, id, j).await? else {
        return Err(conflict(
            "key_check_no_test",
            "服务器尚未为本监票人生成检查用的密文，请重新开始密钥检查。",
            "The server has made no test ciphertext for this scrutineer; start the key check again.",
        ));
    };
    let test = Ciphertext::decode(&test_bytes).map_err(|e| ApiError::internal(format!("key check test: {e}")))?;
    let ctx = context(&state, &run)?;
    let scrutineers = casting::officers(&state.store, id).await?;
    let n = u32::try_from(scrutineers.iter().filter(|o| o.role == OfficerRole::Scrutineer).count()).unwrap_or(0);
    let k = run.threshold.ok_or_else(|| ApiError::internal("no threshold"))?;
    let params = Params::new(k, n).map_err(ApiError::internal)?;
    let outcome = ceremony_result(
        params,
        run.ceremony_id.as_deref().unwrap_or_default(),
        &casting::dealings(&state.store, id).await?,
        &casting::confirmations(&state.store, id).await?,
    )
    .map_err(ApiError::internal)?;
    let public =
        outcome.output.public_shares.get((j as usize).wrapping_sub(1)).ok_or_else(|| ApiError::internal("no Xⱼ"))?;
    if let Err(e) = key_check::check(&ctx.election, j, public, &test, &share) {
        let (zh, en) = match e {
            KeyCheckError::Malformed => {
                ("提交的内容不是解密份额".to_owned(), "the answer is not a decryption share".into())
            }
            KeyCheckError::OtherScrutineer(i) => {
                (format!("提交的是第 {i} 号监票人的份额"), format!("the share is scrutineer {i}'s"))
            }
            _ => (
                "份额的证明与本监票人的公开份额不符：所用的密钥份额不是本次密钥生成中本监票人的".to_owned(),
                "its proof does not verify against this scrutineer's public share: the key share used is not \
                 this scrutineer's of this ceremony"
                    .into(),
            ),
        };
        return Err(invalid(
            "key_check_failed",
            &format!("第 {j} 号监票人的密钥检查未通过：{zh}。请确认使用的是本次投票的密钥份额文件。"),
            &format!("Scrutineer {j}'s key check failed: {en}. Make sure the key share file is this poll's."),
        ));
    }
    if !key_checks::pass(&state.store, id, j, &test_bytes, &share, state.clock.now()).await? {
        return Err(conflict(
            "key_check_stale",
            "检查用的密文已更新（同一监票人又开始了一次检查），请重新检查。",
            "A newer test ciphertext was made for this scrutineer meanwhile; check again.",
        ));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        "server",
        "poll.key_check",
        &format!("poll {id}: scrutineer {j} passed"),
    )
    .await?;
    let passed = key_checks::passed(&state.store, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(KeyCheckPassed { index: j, passed: true, pending: (1..=n).filter(|i| !passed.contains(i)).collect() }),
    ))
}
