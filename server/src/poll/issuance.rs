//! Issuing a credential (docs/adr/0008 step 6, spec §14.7): who may be issued a
//! ballot for an open poll, and the blind signature of the poll's credential key,
//! once per delegate and poll.

use axum::http::StatusCode;
use hallvote_crypto::credential::{BlindRequest, BlindSignature, sign_blinded};
use hallvote_crypto::sign::SigningKey;

use crate::ApiError;
use crate::casting::{PollContext, open_credential_key};
use crate::db::casting::{self, IssueError, PollRun, ReplaceError, Replacement};
use crate::db::congress::Session;
use crate::db::{Store, attendance, attendees, roster};
use crate::i18n::Lang;

/// A credential issued: to whom (the desk shows the name), and the blind signature.
#[derive(Debug)]
pub struct Issued {
    /// The delegate's name.
    pub name: String,
    /// The blind signature of the delegate's blinded credential.
    pub blind_signature: BlindSignature,
}

/// The answer to an action of voting on a poll that is not open (409 `poll_not_open`).
#[must_use]
pub fn not_open(run: &PollRun) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "poll_not_open",
        &format!("本次投票当前状态为“{}”，不在投票中。", run.state.label(Lang::ZhCn)),
        &format!("The poll's state is “{}”: it is not open for voting.", run.state.label(Lang::En)),
    )
}

/// Issues the open poll's credential to the delegate with this card of the session's
/// congress: refused for a card not on the roll, a delegate not present now or who
/// arrived after the poll opened (实到 is frozen at opening, so issued never exceeds
/// present), a malformed blinded request, and a second issue to the same delegate.
pub async fn issue(
    store: &Store,
    server_key: &SigningKey,
    ctx: &PollContext,
    run: &PollRun,
    session: &Session,
    card: &str,
    blinded: &[u8],
) -> Result<Issued, ApiError> {
    let id = run.id;
    let delegate = admitted(store, run, session, card).await?;
    let request = blind_request(blinded)?;
    let sealed = run.credential_secret.clone().ok_or_else(|| ApiError::internal("credential key missing"))?;
    let sk = open_credential_key(server_key, id, &ctx.manifest.credential_key, &sealed)?;
    let result = casting::issue(store, id, delegate.id, || sign_blinded(&sk, &request, &mut rand::rng())).await;
    match result {
        Ok(blind_signature) => Ok(Issued { name: delegate.name, blind_signature }),
        Err(IssueError::AlreadyIssued) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_issued",
            &format!("{} 已领取过本次投票的选票，不能再次领取。", delegate.name),
            &format!("{} has already been issued a ballot for this poll.", delegate.name),
        )),
        Err(IssueError::NotOpen) => Err(not_open(run)),
        Err(IssueError::Sign(_)) => Err(blind_request_unfit()),
        Err(IssueError::Store(e)) => Err(e.into()),
    }
}

fn blind_request(blinded: &[u8]) -> Result<BlindRequest, ApiError> {
    BlindRequest::from_bytes(blinded).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "blinded_malformed",
            "盲化请求格式不正确。",
            "The blinded request is malformed.",
        )
    })
}

fn blind_request_unfit() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "blinded_malformed",
        "盲化请求与本次投票的密钥不符。",
        "The blinded request does not fit this poll's key.",
    )
}

/// The delegate with this card of the session's congress, if they may hold the open
/// poll's credential: on the roll, in standing, present now and since the poll
/// opened; else the refusal that says why.
async fn admitted(
    store: &Store,
    run: &PollRun,
    session: &Session,
    card: &str,
) -> Result<roster::DelegateRecord, ApiError> {
    let Some(delegate) = roster::by_card(store, session.congress_id, card).await? else {
        // A 列席 or 旁听 pass typed or scanned by mistake: say why there is no ballot.
        if let [one] = attendees::find(store, session.id, card).await?.as_slice() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "attendee_no_ballot",
                &format!("{}（证号 {}）是列席或旁听人员，不是代表，不发选票。", one.attendee.name, one.attendee.number),
                &format!(
                    "{} (pass {}) attends without a vote and is never issued a ballot.",
                    one.attendee.name, one.attendee.number
                ),
            ));
        }
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_a_delegate",
            &format!("代表证号 {card} 不在本届代表名册中。"),
            &format!("Card {card} is not on this congress's roll."),
        ));
    };
    crate::standing::standing_admits(&delegate)?;
    if !attendance::present_cards(store, session.id).await?.contains(&delegate.card) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_present",
            &format!("{} 尚未报到（或已离场），不能领取选票。请先在报到处报到。", delegate.name),
            &format!("{} has not checked in (or has left) and cannot be issued a ballot.", delegate.name),
        ));
    }
    // 实到 is frozen when the poll opens; a delegate who arrived later is not counted
    // present for this poll and gets no ballot for it (issued never exceeds present).
    if let Some(mark) = run.open_mark
        && !attendance::present_at(store, session.id, delegate.id, mark).await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "arrived_after_opening",
            &format!("{} 在本次投票开始后才报到，不计入本次投票的实到人数，不能领取本次选票。", delegate.name),
            &format!(
                "{} checked in after this poll opened, is not counted present for it, and cannot be issued its ballot.",
                delegate.name
            ),
        ));
    }
    Ok(delegate)
}

/// A replacement credential (spec §6.7): the delegate, and the blind signature,
/// checked and made before anything is written, so that a refused request leaves
/// nothing on the board.
#[derive(Debug)]
pub struct Replacing {
    /// The delegate.
    pub delegate: roster::DelegateRecord,
    /// The blind signature of the new credential, handed out once recorded.
    pub blind_signature: BlindSignature,
}

/// Checks that the delegate with this card may hold the open poll's credential
/// (as [`issue`]) and blind-signs the new one; [`record_replacement`] then records
/// it against its board entry and hands the signature out.
pub async fn prepare_replacement(
    store: &Store,
    server_key: &SigningKey,
    ctx: &PollContext,
    run: &PollRun,
    session: &Session,
    card: &str,
    blinded: &[u8],
) -> Result<Replacing, ApiError> {
    let delegate = admitted(store, run, session, card).await?;
    if !casting::was_issued(store, run.id, delegate.id).await? {
        return Err(not_issued(&delegate.name));
    }
    let request = blind_request(blinded)?;
    let sealed = run.credential_secret.clone().ok_or_else(|| ApiError::internal("credential key missing"))?;
    let sk = open_credential_key(server_key, run.id, &ctx.manifest.credential_key, &sealed)?;
    let blind_signature = sign_blinded(&sk, &request, &mut rand::rng()).map_err(|_| blind_request_unfit())?;
    Ok(Replacing { delegate, blind_signature })
}

fn not_issued(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "not_issued",
        &format!("{name} 尚未领取本次投票的选票，无需换发：请直接发放。"),
        &format!("{name} has not been issued this poll's ballot, so there is nothing to replace: issue it instead."),
    )
}

/// Records the replacement against the board entry at `position` and returns the
/// blind signature: refused if a credential was already issued against that entry.
pub async fn record_replacement(
    store: &Store,
    run: &PollRun,
    replacing: Replacing,
    position: u64,
    why: &Replacement,
    now: i64,
) -> Result<Issued, ApiError> {
    let Replacing { delegate, blind_signature } = replacing;
    let result = casting::replace(store, run.id, delegate.id, position, why, now, || {
        Ok::<_, std::convert::Infallible>(blind_signature)
    })
    .await;
    match result {
        Ok(blind_signature) => Ok(Issued { name: delegate.name, blind_signature }),
        Err(ReplaceError::AlreadyReplaced) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_replaced",
            "这张选票凭证已作废并换发过新凭证，不能再次换发。",
            "This credential was already cancelled and replaced; it cannot be replaced again.",
        )),
        Err(ReplaceError::NotIssued) => Err(not_issued(&delegate.name)),
        Err(ReplaceError::NotOpen) => Err(not_open(run)),
        Err(ReplaceError::Sign(never)) => match never {},
        Err(ReplaceError::Store(e)) => Err(e.into()),
    }
}
