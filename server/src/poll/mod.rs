//! The poll's rules, apart from HTTP. Handlers
//! (`crate::http`) extract a request, call these, and answer; these take the store
//! and the parts of the state they need, never a request.

pub mod closing;
pub mod decryption;
pub mod issuance;
pub mod opening;
pub mod recount;
