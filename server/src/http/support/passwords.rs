//! Checking a password as the server does for a login: on the password threads, as
//! costly for an unknown name as for a wrong password, throttled per address; and a
//! scrutineer's approval typed at a desk station, which is such a check.

use axum::http::StatusCode;

use crate::ApiError;
use crate::auth::Role;
use crate::auth::password::verify_password;
use crate::db::accounts::{self, Account};
use crate::http::AppState;

/// Failed logins allowed per account from one client address per minute before that
/// address's further tries are refused (others are not: no one can lock an account
/// out from elsewhere).
pub const MAX_FAILURES_PER_MINUTE: usize = 5;
/// Runs an Argon2 computation on the password threads: fewer than the cores, below the
/// ballot verifiers' priority ([`crate::auth::work`]); further logins wait their turn
/// instead of exhausting memory and cores.
pub(crate) async fn argon2<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    crate::auth::work::run(f).await.ok_or_else(|| ApiError::internal("password work did not finish"))
}

/// A valid Argon2id hash of a random password nobody knows, verified against
/// when the username does not exist.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";

/// A scrutineer's approval typed at a desk station (spec §6.7): the account exists, is
/// a scrutineer's and enabled, its password is right and is the scrutineer's own (not
/// a one-time password still to be replaced). Throttled as a login from
/// the station (`address`), and as costly for an unknown name as for a wrong password.
pub(crate) async fn scrutineer_approval(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<Account, ApiError> {
    let refused = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "approval_refused",
            "监票人批准无效：账号或密码不正确，或该账号不是监票人的账号。",
            "The scrutineer's approval is not valid: wrong account name or password, or not a scrutineer's account.",
        )
    };
    if username.len() > 64 || password.len() > 256 {
        return Err(refused());
    }
    let t = state.clock.now();
    let (attempt, counts) = state.logins.begin(username, address, t);
    if counts.from_address > MAX_FAILURES_PER_MINUTE {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "在这台设备上监票人批准失败次数过多，请一分钟后再试。",
            "Too many failed approvals from this station; please wait a minute and try again.",
        ));
    }
    let found = accounts::by_username(&state.store, username).await?;
    let hash = found.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| DUMMY_HASH.to_owned());
    let typed = password.to_owned();
    let ok = argon2(move || verify_password(&typed, &hash)).await?;
    match found {
        // A one-time password was seen by whoever created the account: only a password
        // the scrutineer has set stands for the scrutineer.
        Some((account, _))
            if ok && !account.disabled && !account.must_change_password && account.role == Role::Scrutineer =>
        {
            state.logins.forget(username, attempt);
            Ok(account)
        }
        _ => Err(refused()),
    }
}
