//! Hall stations (spec §15): the organiser issues a one-time enrolment QR code,
//! the station enrols its Ed25519 key with it, organisers and observers list the
//! stations, the organiser revokes one; and `whoami`, the simplest signed
//! station request.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use hallvote_crypto::sign::VerifyingKey;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::AppState;
use super::extract::Json as JsonBody;
use super::station_auth::SignedStationRequest;
use super::support::errors::not_found;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::db::audit;
use crate::db::stations::{self, EnrolError, Revocation, StationRecord};
use crate::stations_protocol::{EnrolmentPayload, EnrolmentToken, check_name, check_server_url};
use hallvote_protocol::wire::{EnrolRequest, EnrolledStation, IssuedEnrolment, NewEnrolment, StationView};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/stations", "stations", Access::Roles(&[Role::Organiser, Role::Observer]))
                        .says("List the hall stations", "会场终端列表（报到处、投票机、监票人终端）。")
                        .answers_list::<StationView>(200);
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/stations/enrolments", "stations", Access::Roles(ORGANISER))
                    .says("Issue a one-time enrolment QR code", "生成终端登记二维码（一次性，15 分钟内有效）。")
                    .more("Spec §15.2–§15.3, §15.6. Without `server_url` the URL is made from the request's `Host`.")
                    .takes::<NewEnrolment>()
                    .answers_type::<IssuedEnrolment>(201)
                    .refuses(&[(422, "invalid_value"), (422, "server_url_unknown")]);
                ROUTE
            },
            create_enrolment,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/stations/enrol", "stations", Access::Public)
                    .says("Enrol a station with a token", "终端登记：以登记码提交终端的 Ed25519 公钥（无需登录）。")
                    .more("Spec §15.4. The station keeps the id it is given with its key.")
                    .takes::<EnrolRequest>()
                    .answers_type::<EnrolledStation>(201)
                    .refuses(&[
                        (400, "malformed_request"),
                        (422, "invalid_public_key"),
                        (401, "enrolment_token_unknown"),
                        (409, "enrolment_token_used"),
                        (410, "enrolment_token_expired"),
                        (409, "station_key_taken"),
                    ]);
                ROUTE
            },
            enrol,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/stations/whoami", "stations", Access::Station(ANY_STATION))
                    .says("Which station is signing", "终端自查：当前签名的终端编号、类别与名称。")
                    .more("The simplest signed station request.")
                    .answers_type::<EnrolledStation>(200);
                ROUTE
            },
            whoami,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/stations/{id}/revoke", "stations", Access::Roles(ORGANISER))
                    .says("Revoke a station", "注销终端（不可撤销；该机器须以新登记码和新密钥重新登记）。")
                    .answers(Answer::Empty(204))
                    .refuses(&[(409, "station_already_revoked")]);
                ROUTE
            },
            revoke,
        )
}

impl From<&StationRecord> for StationView {
    fn from(s: &StationRecord) -> Self {
        Self {
            id: s.id,
            kind: s.kind,
            name: s.name.clone(),
            public_key: hex::encode(s.public_key.as_bytes()),
            enrolled_at: s.enrolled_at,
            enrolled_by: s.enrolled_by.clone(),
            revoked: s.revoked,
        }
    }
}

fn invalid(zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", zh, en)
}

async fn create_enrolment(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    JsonBody(req): JsonBody<NewEnrolment>,
) -> Result<(StatusCode, Json<IssuedEnrolment>), ApiError> {
    let who = &auth.account;
    let name = req.name.trim();
    if check_name(name).is_err() {
        return Err(invalid(
            "终端名称须为 1–60 个字符，且不含控制字符。",
            "Give the station a name of 1–60 characters without control characters.",
        ));
    }
    // Set when the server speaks TLS: `sha256:` and the hex SHA-256 of its
    // certificate, and the URL becomes https (spec §15.3).
    let tls_fingerprint: Option<String> = state.tls_fingerprint.clone();
    let server_url = match req.server_url {
        Some(url) => {
            check_server_url(&url).map_err(|_| {
                invalid(
                    "服务器地址须以 http:// 或 https:// 开头，不含空格，不超过 200 个字符。",
                    "The server URL must start with http:// or https://, without spaces, at most 200 characters.",
                )
            })?;
            url
        }
        None => url_from_host(&headers, tls_fingerprint.is_some()).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "server_url_unknown",
                "无法确定终端访问服务器的地址，请填写服务器地址。",
                "Cannot tell the address stations should use; please give the server URL.",
            )
        })?,
    };
    let token = EnrolmentToken::generate(&mut rand::rng());
    let enrolment =
        stations::create_enrolment(&state.store, &token, req.kind, name, &who.username, state.clock.now()).await?;
    // The other hall server, if there is one (spec §14.13): unless the address the
    // organiser gives is that server's own, or of another scheme (one fingerprint pins both).
    let standby_url = state
        .peer_url
        .clone()
        .filter(|peer| *peer != server_url && peer.starts_with("https://") == server_url.starts_with("https://"));
    let payload = EnrolmentPayload {
        server_url,
        token: token.clone(),
        kind: req.kind,
        name: name.to_owned(),
        tls_fingerprint,
        standby_url,
    };
    let qr_text = payload.to_qr_text().map_err(ApiError::internal)?;
    let qr_svg = qr_svg(&qr_text)?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "station.enrolment",
        &format!("{} {} (token expires at {})", req.kind, name, enrolment.expires_at),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedEnrolment {
            token: token.to_hex(),
            expires_at: enrolment.expires_at,
            kind: req.kind,
            name: name.to_owned(),
            server_url: payload.server_url.clone(),
            qr_text,
            qr_svg,
        }),
    ))
}

/// `http://` (or `https://`) and the request's `Host`, if it is a plain
/// host name or address with an optional port.
fn url_from_host(headers: &HeaderMap, tls: bool) -> Option<String> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !plain {
        return None;
    }
    let url = format!("{}://{host}", if tls { "https" } else { "http" });
    check_server_url(&url).ok().map(|()| url)
}

fn qr_svg(text: &str) -> Result<String, ApiError> {
    // Level M survives a smudge or a glare on a phone-sized screen; the text is
    // at most ~650 bytes, far below what version 40 holds at M.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(ApiError::internal)?;
    Ok(code.render::<svg::Color<'_>>().min_dimensions(256, 256).quiet_zone(true).build())
}

/// What an enrolled station learns about itself.
fn identity(s: &StationRecord) -> EnrolledStation {
    EnrolledStation { id: s.id, kind: s.kind, name: s.name.clone() }
}

async fn enrol(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<EnrolRequest>,
) -> Result<(StatusCode, Json<EnrolledStation>), ApiError> {
    let token = EnrolmentToken::from_hex(&req.token).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "登记码须为 32 位小写十六进制数字。",
            "The enrolment token must be 32 lowercase hex digits.",
        )
    })?;
    let key = decode_key(&req.public_key).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_public_key",
            "终端公钥无效。",
            "The station's public key is not a valid Ed25519 key.",
        )
    })?;
    let t = state.clock.now();
    let station = stations::enrol(&state.store, &token, &key, t).await.map_err(enrol_error)?;
    audit::append(
        &state.store,
        t,
        "hallvote",
        "station.enrol",
        &format!(
            "#{} {} {} enrolled with a token issued by {}, key {}",
            station.id,
            station.kind,
            station.name,
            station.enrolled_by,
            hex::encode(station.public_key.as_bytes())
        ),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(identity(&station))))
}

fn decode_key(text: &str) -> Option<VerifyingKey> {
    if !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    VerifyingKey::decode(&hex::decode(text).ok()?).ok()
}

fn enrol_error(e: EnrolError) -> ApiError {
    match e {
        EnrolError::UnknownToken => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "enrolment_token_unknown",
            "登记码无效。",
            "This enrolment code is not valid.",
        ),
        EnrolError::Expired => ApiError::new(
            StatusCode::GONE,
            "enrolment_token_expired",
            "登记码已过期（有效期 15 分钟），请向会务组重新申请。",
            "This enrolment code has expired (codes last 15 minutes); ask the organisers for a new one.",
        ),
        EnrolError::Used => ApiError::new(
            StatusCode::CONFLICT,
            "enrolment_token_used",
            "登记码已经使用过，每个登记码只能使用一次。",
            "This enrolment code has already been used; each code works once.",
        ),
        EnrolError::KeyTaken => ApiError::new(
            StatusCode::CONFLICT,
            "station_key_taken",
            "该公钥已登记给另一台终端，请生成新的密钥。",
            "This public key is already enrolled for another station; generate a new key.",
        ),
        EnrolError::Store(e) => e.into(),
    }
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<StationView>>, ApiError> {
    Ok(Json(stations::list(&state.store).await?.iter().map(StationView::from).collect()))
}

async fn revoke(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let who = &auth.account;
    let station = stations::by_id(&state.store, id).await?.ok_or_else(|| not_found("终端", "station"))?;
    let revocation = stations::revoke(&state.store, id).await?;
    state.stations.forget(id);
    match revocation {
        Revocation::Revoked => {
            let detail = format!("#{id} {} {}", station.kind, station.name);
            audit::append(&state.store, state.clock.now(), &who.username, "station.revoke", &detail).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        Revocation::AlreadyRevoked => Err(ApiError::new(
            StatusCode::CONFLICT,
            "station_already_revoked",
            "该终端已经注销。",
            "This station is already revoked.",
        )),
        Revocation::NotFound => Err(not_found("终端", "station")),
    }
}

async fn whoami(req: SignedStationRequest) -> Json<EnrolledStation> {
    Json(identity(&req.station))
}
