//! hallvote-tally: the election model, the counting rules, encrypted ballots,
//! the election record and its verifier (DESIGN.md, "Architecture").
//!
//! | module | spec | what |
//! |---|---|---|
//! | [`ballot`] | §10 | encrypted ballots: shape, proofs, encoding, tracking code, opening |
//!
//! Pure like hallvote-crypto: no I/O, clock, environment or async.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod ballot;
