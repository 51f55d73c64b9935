//! Accounts over HTTP: log in, log out, who am I, change password. The
//! [`Authenticated`] extractor every role-checked endpoint starts from is in
//! `super::support::session`.
//!
//! Sessions are cookies (`HttpOnly`, `SameSite=Strict`, `Path=/`); every request
//! that changes something must also carry the session's CSRF token in the
//! `X-CSRF-Token` header (or the `csrf` form field of a console form).

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{FromRequest, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::extract::Json as JsonBody;
use hallvote_crypto::Rng;

use super::AppState;
pub use super::support::passwords::MAX_FAILURES_PER_MINUTE;
use super::support::passwords::{DUMMY_HASH, argon2};
use super::support::session::{Authenticated, SESSION_COOKIE};
use crate::ApiError;
use crate::auth::Role;
use crate::auth::password::{hash_password, verify_password};
use crate::db::accounts::{self, Account};
use crate::db::{audit, sessions};
use hallvote_protocol::wire::{LoginRequest, PasswordChange, SessionInfo};

/// Attempts per account per minute, from every address together, beyond which each
/// further attempt waits a second more (up to [`MAX_SLOWDOWN`]) before its password
/// is checked: a slower path for everyone, never a wall.
pub const SLOW_AFTER_PER_MINUTE: usize = 20;
/// The longest such wait.
pub const MAX_SLOWDOWN: std::time::Duration = std::time::Duration::from_secs(5);
/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/login", "accounts", Access::Public)
                    .says("Log in", "登录：成功后设置会话 Cookie，并返回 CSRF 令牌。")
                    .more(
                        "Sets the `hallvote_session` cookie (HttpOnly, SameSite=Strict) and answers the CSRF token. \
                           After five failures in a minute for one username, further tries are refused for a while.",
                    )
                    .takes::<LoginRequest>()
                    .answers_type::<SessionInfo>(200)
                    .refuses(&[(401, "bad_credentials"), (429, "too_many_attempts")]);
                ROUTE
            },
            login,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/logout", "accounts", Access::Login)
                    .says("Log out", "退出登录：结束会话并清除 Cookie。")
                    .answers(Answer::Empty(204));
                ROUTE
            },
            logout,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/me", "accounts", Access::Login)
                    .says("Who is logged in", "当前登录的账户。")
                    .answers_type::<SessionInfo>(200);
                ROUTE
            },
            me,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/password", "accounts", Access::Login)
                    .says(
                        "Change the password",
                        "修改密码（新密码至少 10 个字符，其他登录会话随之结束）；首次登录须先替换一次性密码。",
                    )
                    .takes::<PasswordChange>()
                    .answers(Answer::Empty(204))
                    .refuses(&[(401, "bad_credentials"), (422, "password_too_short")]);
                ROUTE
            },
            change_password,
        )
}

/// Who is logged in, and the CSRF token for the pages to send back.
fn session_info(a: &Account, csrf: Option<String>) -> SessionInfo {
    SessionInfo {
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role,
        must_change_password: a.must_change_password,
        csrf_token: csrf,
    }
}

fn bad_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "用户名或密码不正确。", "Wrong username or password.")
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

async fn login(State(state): State<AppState>, request: axum::extract::Request) -> Result<Response, ApiError> {
    let address = super::limits::client_address(request.extensions());
    let JsonBody(req) = JsonBody::<LoginRequest>::from_request(request, &state).await?;
    let t = state.clock.now();
    if req.username.len() > 64 || req.password.len() > 256 {
        return Err(bad_credentials());
    }
    // The attempt is recorded before the password is checked, and counted in the same
    // step, so guesses sent together count against each other; it is forgotten if the
    // password is right. In memory (`auth::throttle`): a flood of wrong logins writes
    // nothing to the database the casts are written to.
    let (attempt, counts) = state.logins.begin(&req.username, &address, t);
    if counts.from_address > MAX_FAILURES_PER_MINUTE {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "从这台设备登录失败次数过多，请一分钟后再试。",
            "Too many failed logins from this device; please wait a minute and try again.",
        ));
    }
    if counts.everywhere > SLOW_AFTER_PER_MINUTE {
        let extra = u64::try_from(counts.everywhere - SLOW_AFTER_PER_MINUTE).unwrap_or(u64::MAX);
        tokio::time::sleep(std::time::Duration::from_secs(extra).min(MAX_SLOWDOWN)).await;
    }
    let found = accounts::by_username(&state.store, &req.username).await?;
    // An unknown user costs the same Argon2 work as a wrong password.
    let hash = found.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| DUMMY_HASH.to_owned());
    let password = req.password.clone();
    let ok = argon2(move || verify_password(&password, &hash)).await?;
    let account = match found {
        Some((account, _)) if ok && !account.disabled => account,
        _ => return Err(bad_credentials()),
    };
    state.logins.forget(&req.username, attempt);
    let token = random_hex(32);
    let csrf = random_hex(16);
    sessions::create(&state.store, &token, account.id, &csrf, t).await?;
    if account.role == Role::Organiser {
        audit::append(&state.store, t, &account.username, "account.login", "").await?;
    }
    // Under TLS the cookie is `Secure`: a browser never sends it over plain HTTP.
    let secure = if state.tls_fingerprint.is_some() { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        sessions::SESSION_SECONDS
    );
    let mut res = Json(session_info(&account, Some(csrf))).into_response();
    res.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(res)
}

async fn logout(State(state): State<AppState>, auth: Authenticated) -> Result<Response, ApiError> {
    sessions::delete(&state.store, &auth.token).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    let secure = if state.tls_fingerprint.is_some() { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}");
    res.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(res)
}

async fn me(auth: Authenticated) -> Json<SessionInfo> {
    Json(session_info(&auth.account, None))
}

/// The shortest password an account may choose.
pub const MIN_PASSWORD_CHARS: usize = 10;

async fn change_password(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(req): JsonBody<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    if req.new.chars().count() < MIN_PASSWORD_CHARS || req.new.len() > 256 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_too_short",
            "新密码至少需要 10 个字符。",
            "The new password needs at least 10 characters.",
        ));
    }
    let (_, hash) =
        accounts::by_username(&state.store, &auth.account.username).await?.ok_or_else(ApiError::unauthenticated)?;
    let current = req.current.clone();
    let ok = argon2(move || verify_password(&current, &hash)).await?;
    if !ok {
        return Err(bad_credentials());
    }
    let new = req.new.clone();
    let new_hash = argon2(move || hash_password(&new, &mut rand::rng())).await?.map_err(ApiError::internal)?;
    // Every other session of the account ends with the old password.
    let keep = crate::db::sessions::token_hash(&auth.token);
    accounts::set_password(&state.store, auth.account.id, &new_hash, Some(&keep)).await?;
    audit::append(&state.store, state.clock.now(), &auth.account.username, "account.password", "").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dummy hash must parse, or an unknown username would skip the Argon2
    /// work and be told apart from a wrong password by its timing.
    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything", DUMMY_HASH));
    }
}
