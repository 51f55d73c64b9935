//! Accounts, roles and passwords.

pub mod password;
pub mod throttle;
pub mod work;

pub use hallvote_protocol::wire::Role;
