//! The [`SignedStationRequest`] extractor: a request of an enrolled hall station,
//! authenticated by its Ed25519 signature over the method, target, time, nonce
//! and body (spec §15.5).
//!
//! Because the signature covers the body, the body is read where the signature is
//! verified, by [`verify_signature`], and handed to the handler, which decodes it
//! with [`SignedStationRequest::json`]. The rate-limit middleware verifies the
//! signature before it counts the request against its station (`super::limits`)
//! and leaves a [`VerifiedSignature`] in the request's extensions; the extractor
//! takes it from there and goes on with the checks that touch the database
//! (revocation, clock, nonce), so a signature is verified once per request. As a
//! body extractor it must be the handler's last argument.

use axum::body::{Body, Bytes};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use hallvote_crypto::sign::{self, Signature};
use hallvote_crypto::tags;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::ApiError;
use crate::db::stations::{self, NonceUse, StationRecord};
use crate::db::{Store, StoreError};
use crate::stations_protocol::{
    HeaderError, MAX_CLOCK_SKEW_SECONDS, StationHeaders, StationKind, station_request_message,
};

/// A request whose station signature verified: the station and the body it signed.
#[derive(Clone, Debug)]
pub struct SignedStationRequest {
    /// The station that made the request (enrolled, not revoked).
    pub station: StationRecord,
    /// The request body, exactly as signed.
    pub body: Bytes,
}

impl SignedStationRequest {
    /// Refuses (403 `wrong_station_kind`) unless the station is one of `kinds`.
    pub fn require(&self, kinds: &[StationKind]) -> Result<&StationRecord, ApiError> {
        if kinds.contains(&self.station.kind) {
            Ok(&self.station)
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "wrong_station_kind",
                "此类终端不能执行此操作。",
                "This kind of station cannot do this.",
            ))
        }
    }

    /// Decodes the signed body as JSON (400 `malformed_request` naming the field it
    /// fails on, if it is not what `T` expects; the request types deny unknown
    /// fields, and nothing may follow the JSON value).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let mut json = serde_json::Deserializer::from_slice(&self.body);
        // "blinded: 3 bytes where 32 are expected at line 1 column 40"
        let decoded = serde_path_to_error::deserialize(&mut json)
            .map_err(|e| e.to_string())
            .and_then(|value| json.end().map(|()| value).map_err(|e| e.to_string()));
        decoded.map_err(|detail| {
            let mut err =
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_request", "请求格式不正确：", "Malformed request: ");
            err.message.zh.push_str(&detail);
            err.message.en.push_str(&detail);
            err
        })
    }
}

/// A station request whose signature verified (spec §15.5.3, steps up to the
/// signature), as the rate-limit middleware leaves it in the request's extensions
/// (`super::limits`), so that the extractor does not verify it again.
#[derive(Clone, Debug)]
pub struct VerifiedSignature {
    /// The station whose key the signature verified under (it may have been revoked since).
    pub station: StationRecord,
    /// The request's authentication headers.
    pub headers: StationHeaders,
    /// The request body, exactly as signed.
    pub body: Bytes,
}

/// Verifies a station request's signature: the station is enrolled, and its key
/// signed this method, target, time, nonce and body. Reads the body (at most
/// [`super::body_limit`]). Until the signature has verified, a caller learns
/// only that the headers, the station or the signature are wrong.
pub async fn verify_signature(
    state: &AppState,
    parts: &Parts,
    headers: &StationHeaders,
    body: Body,
) -> Result<VerifiedSignature, ApiError> {
    let target = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let station = match i64::try_from(headers.station_id) {
        Ok(id) => state.stations.get(&state.store, id).await?,
        Err(_) => None,
    }
    .ok_or_else(unknown_station)?;
    let body = axum::body::to_bytes(body, super::body_limit(parts.uri.path())).await.map_err(|e| {
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request_too_large", "请求过大。", "The request is too large.")
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_request",
                "请求正文无法读取。",
                "The request body could not be read.",
            )
        }
    })?;
    let message =
        station_request_message(headers.station_id, &parts.method, &target, headers.timestamp, &headers.nonce, &body);
    let verified = Signature::from_bytes(&headers.signature)
        .ok()
        .is_some_and(|sig| sign::verify(&station.public_key, tags::SIG_STATION_REQUEST, &message, &sig).is_ok());
    if !verified {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_station_signature",
            "终端签名无效。",
            "The station's signature does not verify.",
        ));
    }
    Ok(VerifiedSignature { station, headers: headers.clone(), body })
}

impl FromRequestParts<AppState> for SignedStationRequest {
    type Rejection = ApiError;

    /// The request as its route's guard authenticated it ([`authenticate`], called
    /// by `crate::api::Access::admit` for a route declared for stations). A handler
    /// of a route not declared so gets an internal error, not an unchecked request.
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .remove::<SignedStationRequest>()
            .ok_or_else(|| ApiError::internal("a station handler on a route not declared for stations"))
    }
}

/// The checks of spec §15.5.3, in order, for a route's guard. The signature is
/// normally verified already, by the rate-limit middleware; a router without it
/// (none is built so) has it verified here. Revocation, clock skew and replays
/// are reported to the station alone, after its signature verified.
pub async fn authenticate(parts: &mut Parts, body: Body, state: &AppState) -> Result<SignedStationRequest, ApiError> {
    let peer = parts.extensions.get::<crate::listen::PeerAddr>().copied();
    let VerifiedSignature { station, headers, body } = match parts.extensions.remove::<VerifiedSignature>() {
        Some(verified) => verified,
        None => {
            let headers = StationHeaders::parse(&parts.headers).map_err(header_error)?;
            verify_signature(state, parts, &headers, body).await?
        }
    };
    if station.revoked {
        return Err(revoked());
    }
    let t = state.clock.now();
    let timestamp = i64::try_from(headers.timestamp).unwrap_or(i64::MAX);
    if timestamp.abs_diff(t) > MAX_CLOCK_SKEW_SECONDS as u64 {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "stale_request",
            &format!("请求时间与服务器时间（{t}）相差超过 {MAX_CLOCK_SKEW_SECONDS} 秒，请校准终端时钟。"),
            &format!(
                "The request's time is more than {MAX_CLOCK_SKEW_SECONDS} s from the server's ({t}); \
                 please set the station's clock."
            ),
        ));
    }
    let job = (station.id, headers.nonce.to_vec(), timestamp);
    let store = state.store.clone();
    let clock = state.clock.clone();
    let used = state
        .nonces
        .submit(job, move || {
            move |jobs: Vec<(i64, Vec<u8>, i64)>| {
                let store = store.clone();
                let now = clock.now();
                async move {
                    match stations::use_nonces(&store, &jobs, now).await {
                        Ok(uses) => uses.into_iter().map(Ok).collect(),
                        Err(e) => jobs.iter().map(|_| Err(e.to_string())).collect(),
                    }
                }
            }
        })
        .await
        .ok_or_else(|| ApiError::internal("nonce writer stopped"))?
        .map_err(ApiError::internal)?;
    match used {
        NonceUse::Fresh => {
            // The connection caps keep headroom for the hall's stations' addresses.
            if let Some(crate::listen::PeerAddr(peer)) = peer {
                state.known_stations.mark(peer.ip());
            }
            Ok(SignedStationRequest { station, body })
        }
        NonceUse::Revoked => {
            // Revoked by another server process since this one cached the station.
            state.stations.forget(station.id);
            Err(revoked())
        }
        NonceUse::Replayed => Err(ApiError::new(
            StatusCode::CONFLICT,
            "replayed_request",
            "该请求已经处理过（随机数重复），未再次执行。",
            "This request was already received (its nonce was used before); it was not carried out again.",
        )),
    }
}

fn header_error(e: HeaderError) -> ApiError {
    match e {
        HeaderError::Absent => ApiError::unauthenticated(),
        other => {
            let detail = other.to_string();
            let mut err = ApiError::new(
                StatusCode::BAD_REQUEST,
                "station_auth_malformed",
                "终端认证信息格式不正确：",
                "Malformed station authentication: ",
            );
            err.message.zh.push_str(&detail);
            err.message.en.push_str(&detail);
            err
        }
    }
}

fn revoked() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "station_revoked",
        "该终端已被注销，请联系会务组重新登记。",
        "This station has been revoked; ask the organisers to enrol it again.",
    )
}

/// The live stations this process has seen, by id. A station's key and kind never
/// change, so a signed request need not read them from the database each time
/// (ADR 0008). Only stations not revoked are kept; a revocation through this process
/// forgets its station at once, and one made through another process is found
/// where the request's nonce is recorded ([`stations::use_nonces`]).
#[derive(Debug, Default)]
pub struct StationCache {
    live: std::sync::RwLock<std::collections::HashMap<i64, StationRecord>>,
}

impl StationCache {
    /// The station with this id, from memory or the database.
    pub async fn get(&self, store: &Store, id: i64) -> Result<Option<StationRecord>, StoreError> {
        if let Some(station) = self.live.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(&id) {
            return Ok(Some(station.clone()));
        }
        let station = stations::by_id(store, id).await?;
        if let Some(live) = station.as_ref().filter(|s| !s.revoked) {
            self.live.write().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id, live.clone());
        }
        Ok(station)
    }

    /// Forgets a station (it was revoked).
    pub fn forget(&self, id: i64) {
        self.live.write().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&id);
    }
}

fn unknown_station() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unknown_station", "未登记的终端。", "This station is not enrolled.")
}
