//! Accounts, roles and passwords.

pub mod password;
pub mod throttle;
pub mod work;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an account may do. Every endpoint names the roles it allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// The name stored in the database.
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
