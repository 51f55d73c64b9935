//! hallvote-kiosk: the hall stations — booth, desk and scrutineer — each a local
//! touch UI on 127.0.0.1 that does all cryptography natively and talks to the
//! server over HTTP(S) (DESIGN.md, "Architecture"). It never depends on the
//! server crate: the wire protocol is in `hallvote-protocol`.
#![forbid(unsafe_code)]

pub mod booth;
pub mod booth_ui;
pub mod credential_text;
pub mod desk;
pub mod desk_ui;
pub mod eligible;
pub mod link;
pub mod organiser;
pub mod run;
pub mod scrutineer;
pub mod simulate;
pub mod station;
pub mod templates;
pub mod ui;
pub mod words;
