//! What the handlers share: loading rows with their 404s, error answers, language
//! negotiation, URL encoding and the like. Modules here hold no handlers and no
//! routes; handler modules import them and never each other
//! (`tests/module_layers.rs` holds the line).

pub mod assets;
pub mod attendance;
pub mod card_scan;
pub mod charts;
pub mod dates;
pub mod errors;
pub mod figures;
pub mod import;
pub mod lang;
pub mod load;
pub mod officers;
pub mod passwords;
pub mod poll;
pub mod proposals;
pub mod session;
pub mod url;
