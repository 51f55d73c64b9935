//! hallvote-server: the HTTP API, the organiser console, the hall display and the
//! result sheet, with storage on SQLite or PostgreSQL (DESIGN.md, "Architecture").
//!
//! Nothing is here yet: the server is built on top of `hallvote-crypto` and
//! `hallvote-tally` once those are complete. This crate exists now so that the
//! workspace has its final shape and the dependency direction
//! (crypto ← tally ← server) is fixed from the start.
#![forbid(unsafe_code)]
