//! The poll's rules, apart from HTTP: what opening a poll requires, issuing a
//! credential, closing, checking a scrutineer's decryption shares, and the recount
//! of a counted poll. Handlers (`crate::http`) extract a request, call these, and
//! answer; these take the store and the parts of the state they need, never a
//! request.

pub mod closing;
pub mod decryption;
pub mod follow_up;
pub mod issuance;
pub mod mix;
pub mod opening;
pub mod recount;
