//! The [`Authenticated`] extractor every role-checked endpoint starts from.
//!
//! Sessions are cookies (`HttpOnly`, `SameSite=Strict`, `Path=/`); every request
//! that changes something must also carry the session's CSRF token in the
//! `X-CSRF-Token` header (or the `csrf` form field of a console form).

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use subtle_eq::ct_eq;

use crate::ApiError;
use crate::auth::Role;
use crate::db::accounts::Account;
use crate::db::sessions;
use crate::http::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hallvote_session";
/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A request made by a logged-in account.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// The account.
    pub account: Account,
    /// The session token: logging out ends it, a password change keeps it.
    pub(crate) token: String,
}

impl Authenticated {
    /// Refuses (403) unless the account has one of `roles`, or while it still
    /// has to replace its one-time password.
    pub fn require(&self, roles: &[Role]) -> Result<&Account, ApiError> {
        if self.account.must_change_password {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "请先修改一次性密码。",
                "Please replace your one-time password first.",
            ));
        }
        if roles.contains(&self.account.role) { Ok(&self.account) } else { Err(ApiError::forbidden()) }
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    /// The session its route's guard found (`crate::api::Access::admit`), or, on a
    /// route that lets anyone in, the request's own session if it has one.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.extensions.get::<Authenticated>() {
            return Ok(auth.clone());
        }
        let token = cookie_value(&parts.headers, SESSION_COOKIE).ok_or_else(ApiError::unauthenticated)?.to_owned();
        let (account, csrf) =
            sessions::lookup(&state.store, &token, state.clock.now()).await?.ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !ct_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "页面已过期，请刷新后重试。",
                    "This page has expired; please reload it and try again.",
                ));
            }
        }
        Ok(Self { account, token })
    }
}

/// Constant-time comparison of secrets.
mod subtle_eq {
    pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        a.len() == b.len() && bool::from(a.ct_eq(b))
    }
}
