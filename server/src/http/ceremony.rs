//! Officers and the scrutineers' key ceremony (docs/adr/0008 steps 2–4, spec §5,
//! §14.5): the organiser appoints scrutineers and counters and starts the ceremony
//! (the manifest is frozen and the poll's credential key made); the scrutineer
//! stations publish their receiving keys, deal (dealer message and shares sealed to
//! each recipient, spec §5.6), read what was dealt to them, and confirm with their
//! complaints; when all have confirmed the server computes the joint key.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_crypto::credential::{CredentialSecretKey, DEFAULT_MODULUS_BITS};
use hallvote_crypto::dkg::{DealerCommitments, Params};
use hallvote_crypto::sealed::{RecipientKey, SEALED_SHARE_LEN};
use hallvote_tally::Ruleset;
use hallvote_tally::model::ContestKind;
use hallvote_tally::record::{Manifest, Signer};

use super::AppState;
use super::extract::Json as JsonBody;
use super::station_auth::SignedStationRequest;
use super::support::errors::{conflict, invalid};
use super::support::load::{load_congress, load_run, load_session};
use super::support::officers::{officer_of, scrutineer_index};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::casting::{CeremonyFailure, ceremony_id, ceremony_result, seal_credential_key};
use crate::db::casting::{self, Officer, OfficerRole, PollRun};
use crate::db::polls::PollRecord;
use crate::db::{StoreError, audit, key_checks, roster, stations};
use crate::i18n::Lang;
use crate::lifecycle::PollState;
use crate::stations_protocol::StationKind;
use hallvote_protocol::wire::{
    Appointment, Blob, CeremonyView, ConfirmRequest, Confirmed, DealingRequest, Fixed, Indexed, OfficerView,
    OfficersView, RecipientRequest, Restarted, Started, StationOffice,
};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls", "ceremony", Access::Station(SCRUTINEER))
                    .says(
                        "The polls a scrutineer station holds an office in",
                        "监票人终端读取本终端担任监票人或计票人的投票（名称、状态、身份），最新的在前。",
                    )
                    .answers_type::<Vec<StationOffice>>(200);
                ROUTE
            },
            station_offices,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/officers", "ceremony", Access::Roles(ORGANISER))
                    .says(
                        "Appoint scrutineers (k of n) and counters",
                        "指定监票人（解密门限 k / n）和计票人，每人绑定一台监票人终端。",
                    )
                    .more("Once, in the draft state. Officers are delegates who are not candidates or members voted on.")
                    .takes::<Appointment>()
                    .answers_type::<OfficersView>(201)
                    .refuses(&[
                        (409, "poll_wrong_state"),
                        (422, "bad_threshold"),
                        (422, "too_many_counters"),
                        (404, "not_a_delegate"),
                        (422, "officer_is_candidate"),
                        (422, "not_a_scrutineer_station"),
                        (422, "officer_twice"),
                    ]);
                ROUTE
            },
            appoint,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/officers", "ceremony", Access::Roles(&Role::ALL))
                    .says("The officers of a poll", "本次投票的监票人和计票人。")
                    .answers_type::<OfficersView>(200);
                ROUTE
            },
            list_officers,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/ceremony", "ceremony", Access::Roles(ORGANISER))
                    .says("Start the key ceremony", "启动密钥生成：冻结投票清单并生成本次投票的凭证密钥（规范 §14.5–§14.6）。")
                    .answers_type::<Started>(201)
                    .refuses(&[(409, "poll_wrong_state"), (422, "poll_invalid")]);
                ROUTE
            },
            start,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/polls/{id}/ceremony/restart", "ceremony", Access::Roles(ORGANISER))
                    .says(
                        "Abandon a key ceremony that cannot finish, or whose key fails its check",
                        "重新开始密钥生成：放弃无法完成的密钥生成（某台监票终端丢失了秘密、机器损坏或合格者少于门限），或某位监票人的密钥检查无法通过，投票回到草稿，须重新指定监票人。",
                    )
                    .more("ceremony or ready → draft in one transaction: the ceremony's messages, identifier, manifest, credential key, joint key, key checks and the officers are removed (spec §14.3).")
                    .answers_type::<Restarted>(200)
                    .refuses(&[(409, "poll_wrong_state")]);
                ROUTE
            },
            restart,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/ceremony", "ceremony", Access::Station(SCRUTINEER))
                    .says(
                        "The ceremony as a scrutineer station sees it",
                        "监票人终端读取密钥生成进度：接收密钥、分发消息、发给本终端的加密份额及结果。",
                    )
                    .more("For the station of scrutineer `j` of the poll.")
                    .answers_type::<CeremonyView>(200)
                    .refuses(&[(403, "not_an_officer"), (403, "not_a_scrutineer"), (409, "poll_wrong_state")]);
                ROUTE
            },
            ceremony_view,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/ceremony/recipient", "ceremony", Access::Station(SCRUTINEER))
                    .says("Publish a receiving key", "监票人终端提交接收密钥（规范 §5.6.1）。")
                    .takes::<RecipientRequest>()
                    .answers(Answer::Empty(201))
                    .refuses(&[
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (409, "poll_wrong_state"),
                        (422, "bad_recipient_key"),
                        (422, "bad_recipient_signature"),
                        (409, "already_done"),
                    ]);
                ROUTE
            },
            post_recipient,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/ceremony/dealing", "ceremony", Access::Station(SCRUTINEER))
                    .says("Deal: the dealer message and n sealed shares", "监票人终端分发：分发消息及发给每位监票人的加密份额。")
                    .takes::<DealingRequest>()
                    .answers(Answer::Empty(201))
                    .refuses(&[
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (409, "poll_wrong_state"),
                        (409, "recipients_missing"),
                        (422, "bad_dealer_message"),
                        (422, "bad_sealed_shares"),
                        (409, "already_done"),
                    ]);
                ROUTE
            },
            post_dealing,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/station/polls/{id}/ceremony/confirm", "ceremony", Access::Station(SCRUTINEER))
                    .says(
                        "Confirm, with complaints",
                        "监票人终端确认收到的份额，并可提出异议（规范 §5.3）；全部确认后生成联合公钥。",
                    )
                    .takes::<ConfirmRequest>()
                    .answers_type::<Confirmed>(201)
                    .refuses(&[
                        (403, "not_an_officer"),
                        (403, "not_a_scrutineer"),
                        (409, "poll_wrong_state"),
                        (409, "dealings_missing"),
                        (422, "bad_complaint"),
                        (409, "already_done"),
                        (409, "ceremony_failed"),
                    ]);
                ROUTE
            },
            post_confirm,
        )
}

fn wrong_state(run: &PollRun, want_zh: &str, want_en: &str) -> ApiError {
    conflict(
        "poll_wrong_state",
        &format!("本次投票当前状态为“{}”，{want_zh}", run.state.label(Lang::ZhCn)),
        &format!("The poll's state is “{}”; {want_en}", run.state.label(Lang::En)),
    )
}

/// The officers, with the scrutineers whose key check has passed (`checked`).
fn officers_view(run: &PollRun, officers: &[Officer], checked: &[u32]) -> OfficersView {
    OfficersView {
        threshold: run.threshold,
        officers: officers
            .iter()
            .map(|o| OfficerView {
                role: o.role.as_str().to_owned(),
                position: o.position,
                name: o.name.clone(),
                station: o.station_id,
                key_checked: (o.role == OfficerRole::Scrutineer).then(|| checked.contains(&o.position)),
            })
            .collect(),
    }
}

/// The people a poll is about: candidates, members under confidence vote or evaluation.
fn people_in(poll: &PollRecord) -> Vec<String> {
    poll.poll
        .contests
        .iter()
        .flat_map(|c| match &c.kind {
            ContestKind::Election(e) => e.candidates.iter().map(|x| x.name.clone()).collect(),
            ContestKind::Confidence(v) => v.members.clone(),
            ContestKind::Evaluation(v) => v.members.clone(),
            ContestKind::Recall(v) => v.members.clone(),
            ContestKind::Motion(_) => Vec::new(),
        })
        .collect()
}

async fn appoint(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<Appointment>,
) -> Result<(StatusCode, Json<OfficersView>), ApiError> {
    let who = &auth.account;
    let (poll, run) = load_run(&state, id).await?;
    if run.state != PollState::Draft || run.threshold.is_some() {
        return Err(wrong_state(
            &run,
            "只能在草稿状态下指定一次监票人。",
            "officers are appointed once, in the draft state.",
        ));
    }
    let n = req.scrutineers.len();
    if n == 0 || n > 255 || req.threshold == 0 || req.threshold as usize > n {
        return Err(invalid(
            "bad_threshold",
            "须指定 1–255 名监票人，解密门限 k 须在 1 与监票人数之间。",
            "Appoint 1–255 scrutineers, with a threshold k between 1 and their number.",
        ));
    }
    if req.counters.len() > 255 {
        return Err(invalid("too_many_counters", "计票人过多。", "Too many counters."));
    }
    let session = load_session(&state, poll.session_id).await?;
    let people = people_in(&poll);
    let mut officers = Vec::new();
    for (role, list) in [(OfficerRole::Scrutineer, &req.scrutineers), (OfficerRole::Counter, &req.counters)] {
        for (i, a) in list.iter().enumerate() {
            let d = roster::by_card(&state.store, session.congress_id, a.card.trim()).await?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_a_delegate",
                    &format!("代表证号 {} 不在本届代表名册中。", a.card),
                    &format!("Card {} is not on this congress's roll.", a.card),
                )
            })?;
            if people.contains(&d.name) {
                return Err(invalid(
                    "officer_is_candidate",
                    &format!("{} 是本次投票的候选人或被表决对象，不能担任监票人或计票人。", d.name),
                    &format!("{} is a candidate or a member voted on in this poll and cannot be an officer.", d.name),
                ));
            }
            let st = stations::by_id(&state.store, a.station).await?;
            if !st.as_ref().is_some_and(|s| s.kind == StationKind::Scrutineer && !s.revoked) {
                return Err(invalid(
                    "not_a_scrutineer_station",
                    &format!("终端 {} 不是已登记的监票终端。", a.station),
                    &format!("Station {} is not an enrolled scrutineer station.", a.station),
                ));
            }
            officers.push(Officer {
                role,
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                delegate_id: d.id,
                station_id: a.station,
                name: d.name,
            });
        }
    }
    match casting::appoint(&state.store, id, req.threshold, &officers).await {
        Ok(true) => {}
        Ok(false) => {
            return Err(wrong_state(
                &run,
                "只能在草稿状态下指定一次监票人。",
                "officers are appointed once, in the draft state.",
            ));
        }
        Err(StoreError::Conflict(_)) => {
            return Err(invalid(
                "officer_twice",
                "同一名代表或同一台终端只能担任一个职务。",
                "A delegate or a station can hold only one office in a poll.",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let names: Vec<&str> = officers.iter().map(|o| o.name.as_str()).collect();
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.officers",
        &format!("poll {id}: k={} {}", req.threshold, names.join("、")),
    )
    .await?;
    let run = casting::run(&state.store, id).await?.unwrap_or(run);
    Ok((StatusCode::CREATED, Json(officers_view(&run, &officers, &[]))))
}

async fn list_officers(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<OfficersView>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let checked = key_checks::passed(&state.store, id).await?;
    Ok(Json(officers_view(&run, &casting::officers(&state.store, id).await?, &checked)))
}

/// Freezes the manifest: officers' station keys, the ruleset, a new credential key.
async fn start(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    let who = &auth.account;
    let (poll, run) = load_run(&state, id).await?;
    let Some(threshold) = run.threshold.filter(|_| run.state == PollState::Draft) else {
        return Err(wrong_state(
            &run,
            "须先指定监票人，且只能启动一次。",
            "appoint the officers first; the ceremony starts once.",
        ));
    };
    let session = load_session(&state, poll.session_id).await?;
    let congress = load_congress(&state, session.congress_id).await?;
    let ruleset = Ruleset::builtin(&session.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    let officers = casting::officers(&state.store, id).await?;
    let mut scrutineers = Vec::new();
    let mut counters = Vec::new();
    for o in &officers {
        let st =
            stations::by_id(&state.store, o.station_id).await?.ok_or_else(|| ApiError::internal("officer station"))?;
        let signer = Signer { name: o.name.clone(), key: st.public_key };
        match o.role {
            OfficerRole::Scrutineer => scrutineers.push(signer),
            OfficerRole::Counter => counters.push(signer),
        }
    }
    let session_id = session.id;
    // RSA key generation takes a second or more: off the async runtime.
    let key = state.server_key.clone();
    let (cred_sk, ceremony, sealed) = tokio::task::spawn_blocking(move || {
        let mut rng = rand::rng();
        let sk = CredentialSecretKey::generate(&mut rng, DEFAULT_MODULUS_BITS).map_err(|e| e.to_string())?;
        let sealed = seal_credential_key(&key, id, &sk, &mut rng)?;
        Ok::<_, String>((sk, ceremony_id(session_id, id, &mut rng), sealed))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let mut definition = poll.poll.clone();
    definition.attendance = None;
    let manifest = Manifest {
        congress: congress.name.clone(),
        session: format!("第{}次会议", crate::i18n::zh_number(session.number)),
        poll: definition,
        ruleset,
        scrutineers,
        threshold,
        counters,
        ceremony: ceremony.clone(),
        credential_key: cred_sk.public_key().clone(),
        server_key: state.server_key.verifying_key(),
    };
    let bytes = manifest.to_bytes().map_err(|e| {
        invalid("poll_invalid", &format!("投票定义无法生成清单：{e}"), &format!("The poll cannot be frozen: {e}"))
    })?;
    if !casting::start_ceremony(&state.store, id, &ceremony, &bytes, &sealed).await? {
        return Err(wrong_state(&run, "只能启动一次。", "the ceremony starts once."));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.ceremony",
        &format!("poll {id}: manifest frozen, {} bytes", bytes.len()),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Started { state: PollState::Ceremony, ceremony_id: Blob::from(&ceremony[..]), manifest: Blob(bytes) }),
    ))
}

/// Abandons a key ceremony that cannot finish (a scrutineer's station lost its
/// secrets, a machine broke, too few dealers qualified), or whose key a scrutineer
/// cannot use (its key check fails, spec §5.7): back to draft without officers, so
/// they can be appointed again and a new ceremony started.
async fn restart(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Restarted>, ApiError> {
    let who = &auth.account;
    let (_, run) = load_run(&state, id).await?;
    if !casting::restart_ceremony(&state.store, id).await? {
        return Err(wrong_state(
            &run,
            "只有密钥生成中或待开始（尚未开始投票）的投票可以重新开始密钥生成。",
            "only a poll in its key ceremony, or ready and not yet open, can have the ceremony started again.",
        ));
    }
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.ceremony_restart",
        &format!("poll {id}: ceremony abandoned, officers to be appointed again"),
    )
    .await?;
    Ok(Json(Restarted { state: PollState::Draft }))
}

fn indexed(v: &[(u32, Vec<u8>)]) -> Vec<Indexed> {
    v.iter().map(|(i, d)| Indexed { index: *i, data: d.as_slice().into() }).collect()
}

fn in_ceremony(run: &PollRun) -> Result<(u32, Vec<u8>), ApiError> {
    match (&run.ceremony_id, run.threshold) {
        (Some(c), Some(k)) if run.state != PollState::Draft => Ok((k, c.clone())),
        _ => Err(wrong_state(run, "密钥生成尚未开始。", "the key ceremony has not started.")),
    }
}

/// The station's offices, newest poll first, each with its poll's name and state.
async fn station_offices(
    State(state): State<AppState>,
    req: SignedStationRequest,
) -> Result<Json<Vec<StationOffice>>, ApiError> {
    let mut out = Vec::new();
    for (poll, o) in casting::offices_of_station(&state.store, req.station.id).await? {
        let (record, run) = load_run(&state, poll).await?;
        out.push(StationOffice {
            poll,
            name: record.poll.name,
            state: run.state,
            role: o.role.as_str().to_owned(),
            position: o.position,
            officer: o.name,
        });
    }
    Ok(Json(out))
}

async fn ceremony_view(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<CeremonyView>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let mine = officer_of(&state, &req, id).await?;
    let j = scrutineer_index(&mine)?;
    let (k, ceremony) = in_ceremony(&run)?;
    let n = casting::officers(&state.store, id).await?.iter().filter(|o| o.role == OfficerRole::Scrutineer).count();
    let confirmations = casting::confirmations(&state.store, id).await?;
    let mut view = CeremonyView {
        state: run.state,
        index: j,
        participants: u32::try_from(n).unwrap_or(0),
        threshold: k,
        ceremony_id: ceremony.as_slice().into(),
        manifest: run.manifest.as_deref().unwrap_or_default().into(),
        recipients: indexed(&casting::recipients(&state.store, id).await?),
        dealings: indexed(&casting::dealings(&state.store, id).await?),
        shares: indexed(&casting::shares_for(&state.store, id, j).await?),
        confirmed: confirmations.iter().map(|(i, _)| *i).collect(),
        key_checked: key_checks::passed(&state.store, id).await?,
        qualified: None,
        joint_key: None,
        public_shares: None,
    };
    if run.state != PollState::Ceremony {
        let params = Params::new(k, view.participants).map_err(ApiError::internal)?;
        let messages = casting::dealings(&state.store, id).await?;
        let result = ceremony_result(params, &ceremony, &messages, &confirmations).map_err(ApiError::internal)?;
        view.qualified = Some(result.output.qualified.clone());
        view.joint_key = Some(Fixed(*result.output.joint_key.element().as_bytes()));
        view.public_shares = Some(result.output.public_shares.iter().map(|x| Fixed(*x.as_bytes())).collect());
    }
    Ok(Json(view))
}

async fn post_recipient(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<StatusCode, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let j = scrutineer_index(&officer_of(&state, &req, id).await?)?;
    let body: RecipientRequest = req.json()?;
    if run.state != PollState::Ceremony {
        return Err(wrong_state(&run, "不在密钥生成阶段。", "the poll is not in its key ceremony."));
    }
    let key = body.key.0;
    let recipient = RecipientKey::from_bytes(&key).map_err(|_| {
        invalid(
            "bad_recipient_key",
            "接收密钥无效（须为 32 字节 X25519 公钥）。",
            "The receiving key is not a valid X25519 key.",
        )
    })?;
    let signature = body.signature.0;
    let (_, ceremony) = in_ceremony(&run)?;
    recipient.verify_publication(&req.station.public_key, &ceremony, j, &signature).map_err(|_| {
        invalid(
            "bad_recipient_signature",
            "接收密钥的签名无效（须由本监票终端对本次密钥生成签名）。",
            "The receiving key's signature does not verify (this station, this ceremony).",
        )
    })?;
    let mut published = key.clone();
    published.extend_from_slice(&signature);
    match casting::put_recipient(&state.store, id, j, &published).await {
        Ok(()) => Ok(StatusCode::CREATED),
        Err(StoreError::Conflict(_)) => {
            Err(conflict("already_done", "该步骤已完成，不能重复提交。", "This step was already done."))
        }
        Err(e) => Err(e.into()),
    }
}

async fn post_dealing(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<StatusCode, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let mine = officer_of(&state, &req, id).await?;
    let j = scrutineer_index(&mine)?;
    let body: DealingRequest = req.json()?;
    if run.state != PollState::Ceremony {
        return Err(wrong_state(&run, "不在密钥生成阶段。", "the poll is not in its key ceremony."));
    }
    let (k, ceremony) = in_ceremony(&run)?;
    let n = casting::officers(&state.store, id).await?.iter().filter(|o| o.role == OfficerRole::Scrutineer).count();
    let n = u32::try_from(n).unwrap_or(0);
    if casting::recipients(&state.store, id).await?.len() != n as usize {
        return Err(conflict(
            "recipients_missing",
            "尚有监票人未提交接收密钥，请稍候再分发。",
            "Not every scrutineer has published a receiving key yet; deal when all have.",
        ));
    }
    let params = Params::new(k, n).map_err(ApiError::internal)?;
    let message = body.message.0;
    let bad_message = || {
        invalid(
            "bad_dealer_message",
            "分发消息无效（承诺或证明不正确）。",
            "The dealer message is invalid (commitments or proof).",
        )
    };
    let commitments = DealerCommitments::decode(&message).map_err(|_| bad_message())?;
    if commitments.dealer != j || commitments.verify(&ceremony, params).is_err() {
        return Err(bad_message());
    }
    let mut sealed = Vec::new();
    for (want, s) in (1..=n).zip(&body.shares) {
        if s.recipient != want || s.sealed.0.len() != SEALED_SHARE_LEN {
            return Err(invalid(
                "bad_sealed_shares",
                "加密份额须为每位监票人各一份，按编号排列，每份 88 字节。",
                "Give one sealed share per scrutineer, in index order, 88 bytes each.",
            ));
        }
        sealed.push((want, s.sealed.0.clone()));
    }
    if body.shares.len() != n as usize {
        return Err(invalid(
            "bad_sealed_shares",
            "加密份额须为每位监票人各一份，按编号排列，每份 88 字节。",
            "Give one sealed share per scrutineer, in index order, 88 bytes each.",
        ));
    }
    match casting::put_dealing(&state.store, id, j, &message, &sealed).await {
        Ok(()) => Ok(StatusCode::CREATED),
        Err(StoreError::Conflict(_)) => {
            Err(conflict("already_done", "该步骤已完成，不能重复提交。", "This step was already done."))
        }
        Err(e) => Err(e.into()),
    }
}

async fn post_confirm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<(StatusCode, Json<Confirmed>), ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let j = scrutineer_index(&officer_of(&state, &req, id).await?)?;
    let body: ConfirmRequest = req.json()?;
    if run.state != PollState::Ceremony {
        return Err(wrong_state(&run, "不在密钥生成阶段。", "the poll is not in its key ceremony."));
    }
    let (k, ceremony) = in_ceremony(&run)?;
    let n = casting::officers(&state.store, id).await?.iter().filter(|o| o.role == OfficerRole::Scrutineer).count();
    let n = u32::try_from(n).unwrap_or(0);
    if casting::dealings(&state.store, id).await?.len() != n as usize {
        return Err(conflict("dealings_missing", "尚有监票人未完成分发。", "Not every scrutineer has dealt yet."));
    }
    let mut complaints = Vec::new();
    for Fixed(bytes) in &body.complaints {
        let share = hallvote_crypto::dkg::DealerShare::decode(bytes)
            .map_err(|_| invalid("bad_complaint", "异议中的份额格式不正确。", "A complaint's share is malformed."))?;
        if share.recipient != j {
            return Err(invalid(
                "bad_complaint",
                "异议只能针对发给本人的份额。",
                "A complaint must be about a share sent to you.",
            ));
        }
        complaints.extend_from_slice(bytes);
    }
    match casting::confirm(&state.store, id, j, &complaints).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(conflict("already_done", "该步骤已完成，不能重复提交。", "This step was already done."));
        }
        Err(e) => return Err(e.into()),
    }
    let confirmations = casting::confirmations(&state.store, id).await?;
    if confirmations.len() < n as usize {
        return Ok((StatusCode::CREATED, Json(Confirmed { state: PollState::Ceremony })));
    }
    let params = Params::new(k, n).map_err(ApiError::internal)?;
    let messages = casting::dealings(&state.store, id).await?;
    let result = match ceremony_result(params, &ceremony, &messages, &confirmations) {
        Ok(r) => r,
        Err(CeremonyFailure::TooFewQualified(q)) => {
            return Err(conflict(
                "ceremony_failed",
                &format!("合格的分发者只有 {q} 名，少于门限 {k}，密钥生成失败。请会务组重新开始密钥生成。"),
                &format!(
                    "Only {q} dealers qualified, fewer than the threshold {k}: the ceremony failed. \
                     The organisers can start it again."
                ),
            ));
        }
        Err(e) => return Err(ApiError::internal(e)),
    };
    let manifest = run.manifest.clone().unwrap_or_default();
    let election = Manifest::election_hash(&manifest, &result.output.joint_key);
    casting::finish_ceremony(&state.store, id, result.output.joint_key.element().as_bytes(), &election).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        "server",
        "poll.ceremony_done",
        &format!("poll {id}: qualified {:?}", result.output.qualified),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Confirmed { state: PollState::Ready })))
}
