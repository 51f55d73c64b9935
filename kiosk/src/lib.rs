//! hallvote-kiosk: the hall stations — booth, desk and scrutineer — each a local
//! touch UI on 127.0.0.1 that does all cryptography natively and talks to the
//! server over HTTP(S) (DESIGN.md, "Architecture").
//!
//! Nothing is here yet: the stations are built after the server. This crate exists
//! now so that the workspace has its final shape and kiosk never depends on server.
#![forbid(unsafe_code)]
