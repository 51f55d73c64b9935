//! Accounts and logins (spec §14.1): the roles, the organiser's account bodies, the
//! login answer and the password change.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an account may do. Every endpoint names the roles it allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 会务组: sets up sessions and polls, opens and closes them, publishes.
    Organiser,
    /// 报到处: checks delegates in and issues credentials.
    Desk,
    /// 投票机: shows ballots and casts them.
    Booth,
    /// 监票人: takes part in the key ceremony and the decryption, signs the result.
    Scrutineer,
    /// 观察员: reads the audit log and the board.
    Observer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [Role::Organiser, Role::Desk, Role::Booth, Role::Scrutineer, Role::Observer];

    /// The name on the wire and in the database.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organiser => "organiser",
            Role::Desk => "desk",
            Role::Booth => "booth",
            Role::Scrutineer => "scrutineer",
            Role::Observer => "observer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

/// `POST /api/accounts` (organiser): a new account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccountBody {
    /// The login name: 3 to 32 of a–z, 0–9, `.`, `_`, `-`.
    pub username: String,
    /// The person's name as pages show it.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
}

/// An account as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    /// Its number on the server.
    pub id: i64,
    /// The login name.
    pub username: String,
    /// The person's name.
    pub display_name: String,
    /// What it may do.
    pub role: Role,
    /// Whether its password is a one-time password still to be replaced.
    pub must_change_password: bool,
    /// Whether it is disabled.
    pub disabled: bool,
}

/// The answer to a [`NewAccountBody`]: the account and its one-time password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AccountCreated))]
pub struct Created {
    /// The account.
    #[serde(flatten)]
    pub account: AccountView,
    /// Shown once, never stored in clear: give it to the person, who must replace it.
    pub one_time_password: String,
}

/// `POST /api/accounts/{id}/end-sessions`: how many login sessions were ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ended {
    /// Sessions ended.
    pub ended: u64,
}

/// `POST /api/login`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The login name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest").field("username", &self.username).field("password", &"[redacted]").finish()
    }
}

/// Who is logged in (`POST /api/login`, `GET /api/me`), and, at login, the CSRF
/// token every request that changes something sends back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The login name.
    pub username: String,
    /// The person's name.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// Whether the password must be replaced before anything else.
    pub must_change_password: bool,
    /// The session's CSRF token: in the login's answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// `POST /api/password`: the current password and the new one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The password wanted.
    pub new: String,
}

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordChange([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_bodies_read_back_with_the_servers_names() {
        let created = json!({"id": 3, "username": "desk1", "display_name": "王芳", "role": "desk",
            "must_change_password": true, "disabled": false, "one_time_password": "abcdefghjkmnpqrs"});
        let c: Created = serde_json::from_value(created.clone()).unwrap();
        assert_eq!((c.account.role, c.account.id), (Role::Desk, 3));
        assert_eq!(serde_json::to_value(&c).unwrap(), created);

        let info = json!({"username": "org", "display_name": "会务组", "role": "organiser",
            "must_change_password": false, "csrf_token": "t0k"});
        let i: SessionInfo = serde_json::from_value(info.clone()).unwrap();
        assert_eq!(i.csrf_token.as_deref(), Some("t0k"));
        assert_eq!(serde_json::to_value(&i).unwrap(), info);
        let me =
            json!({"username": "org", "display_name": "会务组", "role": "organiser", "must_change_password": false});
        let m: SessionInfo = serde_json::from_value(me.clone()).unwrap();
        assert_eq!(serde_json::to_value(&m).unwrap(), me);
        assert!(serde_json::from_value::<SessionInfo>(json!({"username": "org"})).is_err());

        let ended = json!({"ended": 2});
        assert_eq!(serde_json::to_value(serde_json::from_value::<Ended>(ended.clone()).unwrap()).unwrap(), ended);

        let login = json!({"username": "org", "password": "secret"});
        let l: LoginRequest = serde_json::from_value(login.clone()).unwrap();
        assert!(!format!("{l:?}").contains("secret"));
        assert_eq!(serde_json::to_value(&l).unwrap(), login);
        assert!(serde_json::from_value::<LoginRequest>(json!({"username": "o", "password": "p", "x": 1})).is_err());
        let change = json!({"current": "a", "new": "b"});
        assert_eq!(
            serde_json::to_value(serde_json::from_value::<PasswordChange>(change.clone()).unwrap()).unwrap(),
            change
        );
        let new = json!({"username": "desk1", "display_name": "王芳", "role": "desk"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<NewAccountBody>(new.clone()).unwrap()).unwrap(), new);
        assert!(
            serde_json::from_value::<NewAccountBody>(json!({"username": "d", "display_name": "", "role": "chair"}))
                .is_err()
        );
    }

    #[test]
    fn roles_by_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert!("chair".parse::<Role>().is_err());
    }
}
