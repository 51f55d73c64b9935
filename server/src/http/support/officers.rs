//! Which officer a scrutineer or counter station signs for in a poll.

use axum::http::StatusCode;

use crate::ApiError;
use crate::db::casting::{self, Officer, OfficerRole};
use crate::http::AppState;
use crate::http::station_auth::SignedStationRequest;

/// The officer a scrutineer station signs for in this poll (scrutineers first), or 403.
pub(crate) async fn officer_of(
    state: &AppState,
    req: &SignedStationRequest,
    poll_id: i64,
) -> Result<Vec<Officer>, ApiError> {
    let station = &req.station;
    let mine: Vec<Officer> =
        casting::officers(&state.store, poll_id).await?.into_iter().filter(|o| o.station_id == station.id).collect();
    if mine.is_empty() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_an_officer",
            "该终端未被指定为本次投票的监票人或计票人终端。",
            "This station is not appointed to a scrutineer or counter of this poll.",
        ));
    }
    Ok(mine)
}

/// The position of the scrutineer among a station's appointments, or 403.
pub(crate) fn scrutineer_index(mine: &[Officer]) -> Result<u32, ApiError> {
    mine.iter().find(|o| o.role == OfficerRole::Scrutineer).map(|o| o.position).ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "not_a_scrutineer",
            "只有监票人参与密钥生成和解密。",
            "Only scrutineers take part in the key ceremony and the decryption.",
        )
    })
}
