//! The key ceremony's public outcome for every officer's station (spec §11.4, §14.3):
//! the manifest, the qualified dealers' messages, the joint key and the public
//! shares. From them a scrutineer's or counter's station recomputes `Y` and
//! `X₁ … Xₙ` itself and shows the election fingerprint, with its officer's own key
//! fingerprint, to copy into the paper minutes. A counter takes no part in the
//! ceremony, so this is where its station learns what it will sign for.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use hallvote_crypto::dkg::Params;

use super::AppState;
use super::station_auth::SignedStationRequest;
use super::support::errors::conflict;
use super::support::load::load_run;
use super::support::officers::officer_of;
use crate::ApiError;
use crate::casting::ceremony_result;
use crate::db::casting::{self, OfficerRole};
use crate::i18n::Lang;
use crate::lifecycle::PollState;
use hallvote_protocol::wire::{CeremonyOutcome, Fixed, Indexed};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/station/polls/{id}/ceremony/outcome", "ceremony", Access::Station(SCRUTINEER))
                    .says(
                        "The key ceremony's public outcome, for the fingerprints",
                        "监票人或计票人终端读取密钥生成的公开结果（投票清单、合格分发者的分发消息、联合公钥与公开份额），自行重算并显示选举指纹（规范 §11.4）。",
                    )
                    .more("For the station of a scrutineer or counter, once the ceremony has completed. The station recomputes `Y` and `X₁…Xₙ` from the dealer messages before it shows the fingerprint.")
                    .answers_type::<CeremonyOutcome>(200)
                    .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state")]);
                ROUTE
            },
            outcome,
        )
}

/// `GET /api/station/polls/{id}/ceremony/outcome`, for the station of any officer of
/// the poll once its ceremony has completed.
async fn outcome(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: SignedStationRequest,
) -> Result<Json<CeremonyOutcome>, ApiError> {
    officer_of(&state, &req, id).await?;
    let (_, run) = load_run(&state, id).await?;
    let (Some(manifest), Some(ceremony), Some(k)) = (&run.manifest, &run.ceremony_id, run.threshold) else {
        return Err(not_finished(run.state));
    };
    if run.state.before_ready() {
        return Err(not_finished(run.state));
    }
    let officers = casting::officers(&state.store, id).await?;
    let n = u32::try_from(officers.iter().filter(|o| o.role == OfficerRole::Scrutineer).count()).unwrap_or(0);
    let params = Params::new(k, n).map_err(ApiError::internal)?;
    let messages = casting::dealings(&state.store, id).await?;
    let result = ceremony_result(params, ceremony, &messages, &casting::confirmations(&state.store, id).await?)
        .map_err(ApiError::internal)?;
    let qualified = result.output.qualified.clone();
    Ok(Json(CeremonyOutcome {
        state: run.state,
        manifest: manifest.as_slice().into(),
        dealings: messages
            .iter()
            .filter(|(i, _)| qualified.contains(i))
            .map(|(i, m)| Indexed { index: *i, data: m.as_slice().into() })
            .collect(),
        qualified,
        joint_key: Fixed(*result.output.joint_key.element().as_bytes()),
        public_shares: result.output.public_shares.iter().map(|x| Fixed(*x.as_bytes())).collect(),
    }))
}

fn not_finished(state: PollState) -> ApiError {
    conflict(
        "poll_wrong_state",
        &format!("本次投票当前状态为“{}”，密钥生成完成后才有结果。", state.label(Lang::ZhCn)),
        &format!("The poll's state is “{}”; the key ceremony has no outcome yet.", state.label(Lang::En)),
    )
}
