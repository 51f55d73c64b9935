//! Accounts for people (organiser, desk, booth, scrutineer, observer): the organiser
//! creates them, each with a one-time password shown once and to be replaced at
//! the first login (the first organiser's is printed by `hallvote serve`).

use crate::api::prelude::*;
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::auth::Role;
use crate::auth::password::{generate_password, hash_password};
use crate::db::accounts::{self, Account, NewAccount};
use crate::db::{StoreError, audit};
use hallvote_protocol::wire::accounts::Created;
use hallvote_protocol::wire::{AccountView, Ended, NewAccountBody};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/accounts", "accounts", Access::Roles(&[Role::Organiser, Role::Observer]))
                    .says("The accounts", "全部账号（不含密码）。")
                    .answers_list::<AccountView>(200);
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/accounts", "accounts", Access::Roles(&[Role::Organiser]))
                    .says(
                        "Create an account",
                        "新建账号（会务组、报到处、投票机、监票人或观察员），返回只显示一次的一次性密码，首次登录须更换。",
                    )
                    .takes::<NewAccountBody>()
                    .answers_type::<Created>(201)
                    .refuses(&[
                        (400, "malformed_request"),
                        (422, "bad_username"),
                        (422, "bad_display_name"),
                        (409, "username_taken"),
                    ]);
                ROUTE
            },
            create,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/accounts/{id}/disable", "accounts", Access::Roles(&[Role::Organiser]))
                    .says("Disable an account", "停用账号：不能再登录，其全部登录会话立即结束。")
                    .more("Not one's own account (so an organiser who can log in always remains).")
                    .answers_type::<AccountView>(200)
                    .refuses(&[(404, "not_found"), (409, "cannot_disable_self")]);
                ROUTE
            },
            disable,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/accounts/{id}/enable", "accounts", Access::Roles(&[Role::Organiser]))
                    .says("Re-enable an account", "重新启用账号（密码不变）。")
                    .answers_type::<AccountView>(200)
                    .refuses(&[(404, "not_found")]);
                ROUTE
            },
            enable,
        )
        .mount(
            {
                const ROUTE: Route = at(Post, "/api/accounts/{id}/end-sessions", "accounts", Access::Roles(&[Role::Organiser]))
                    .says("End an account's sessions", "结束账号的全部登录会话（须重新登录）。")
                    .answers_type::<Ended>(200)
                    .refuses(&[(404, "not_found")]);
                ROUTE
            },
            end_sessions,
        )
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            role: a.role,
            must_change_password: a.must_change_password,
            disabled: a.disabled,
        }
    }
}

/// A login name: 3 to 32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit.
fn username_ok(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && u.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<NewAccountBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let who = &auth.account;
    if !username_ok(&body.username) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_username",
            "登录名须为 3–32 个小写字母、数字或 . _ -，并以字母或数字开头。",
            "A login name is 3–32 lowercase letters, digits or . _ -, starting with a letter or digit.",
        ));
    }
    let display = body.display_name.trim();
    if let Some(p) = hallvote_tally::text::name_problem(display).filter(|_| !display.is_empty()) {
        let t = p.text();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_display_name",
            &format!("姓名{}。", t.zh),
            &format!("The name shown {}.", t.en),
        ));
    }
    if display.is_empty() || display.chars().count() > 60 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_display_name",
            "姓名须为 1–60 个字符。",
            "The name shown must be 1–60 characters.",
        ));
    }
    let (password, hash) = {
        let mut rng = rand::rng();
        let password = generate_password(&mut rng);
        let hash = hash_password(&password, &mut rng).map_err(ApiError::internal)?;
        (password, hash)
    };
    let new = NewAccount {
        username: &body.username,
        display_name: display,
        role: body.role,
        password_hash: &hash,
        must_change_password: true,
    };
    let account = match accounts::create(&state.store, &new, state.clock.now()).await {
        Ok(a) => a,
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "username_taken",
                &format!("登录名 {} 已被使用。", body.username),
                &format!("The login name {} is taken.", body.username),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "account.create",
        &format!("{} ({}, {})", account.username, account.display_name, account.role),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created { account: account.into(), one_time_password: password.as_str().to_owned() }),
    ))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<AccountView>>, ApiError> {
    Ok(Json(accounts::list(&state.store).await?.into_iter().map(AccountView::from).collect()))
}

/// The account `id`, or 404.
async fn account(state: &AppState, id: i64) -> Result<Account, ApiError> {
    accounts::by_id(&state.store, id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个账号。", "No such account."))
}

/// Disables an account (a lost phone, a person who left, a password seen by others):
/// it can no longer log in, and every session it has ends at once. An organiser
/// cannot disable their own account, so one who can log in always remains.
async fn disable(state: State<AppState>, auth: Authenticated, id: Path<i64>) -> Result<Json<AccountView>, ApiError> {
    switch(state, auth, id, true).await
}

/// Re-enables a disabled account (its password is unchanged).
async fn enable(state: State<AppState>, auth: Authenticated, id: Path<i64>) -> Result<Json<AccountView>, ApiError> {
    switch(state, auth, id, false).await
}

async fn switch(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    disabled: bool,
) -> Result<Json<AccountView>, ApiError> {
    let who = &auth.account;
    let target = account(&state, id).await?;
    if disabled && target.id == who.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "cannot_disable_self",
            "不能停用自己的账号：请由另一位会务组成员操作。",
            "You cannot disable your own account; ask another organiser.",
        ));
    }
    accounts::set_disabled(&state.store, id, disabled).await?;
    let action = if disabled { "account.disable" } else { "account.enable" };
    audit::append(&state.store, state.clock.now(), &who.username, action, &target.username).await?;
    Ok(Json(account(&state, id).await?.into()))
}

/// Ends every session of an account (it logs in again with its password).
async fn end_sessions(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Ended>, ApiError> {
    let who = &auth.account;
    let target = account(&state, id).await?;
    let ended = accounts::end_sessions(&state.store, id).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "account.end_sessions",
        &format!("{} ({ended})", target.username),
    )
    .await?;
    Ok(Json(Ended { ended }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn login_names() {
        for ok in ["desk1", "wang.fang", "obs_2", "a-b"] {
            assert!(super::username_ok(ok), "{ok}");
        }
        for bad in ["ab", "Desk1", "_x1", "王芳", "a b c", &"x".repeat(33)] {
            assert!(!super::username_ok(bad), "{bad}");
        }
    }
}
