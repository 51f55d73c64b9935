//! The script and style files of the server's pages, compiled into the binary, and
//! the paths the pages load them from; served by `super::super::assets`.

use hallvote_protocol::web::{Asset, CSS, JAVASCRIPT};

/// @noble/curves 2.4.0 with @noble/hashes 2.4.0, the ristretto255 group only, as one
/// ES module (MIT; built by server/assets/vendor/noble-curves-2.4.0/build/build.sh).
pub const RISTRETTO255_JS: &str = include_str!("../../../assets/vendor/noble-curves-2.4.0/ristretto255.js");

/// The board page's check of a spoiled ballot's opening (an ES module).
pub const SPOILED_CHECK_JS: &str = include_str!("../../../assets/spoiled-check.js");

/// Where the board page loads its check from.
pub const SPOILED_CHECK_PATH: &str = "/assets/spoiled-check.js";

/// Every file the server's pages load.
pub const ASSETS: &[Asset] = &[
    Asset { path: "/assets/noble-curves-2.4.0/ristretto255.js", content_type: JAVASCRIPT, body: RISTRETTO255_JS },
    Asset { path: SPOILED_CHECK_PATH, content_type: JAVASCRIPT, body: SPOILED_CHECK_JS },
    // The organiser console: the start page and a session's page, which say back
    // what was refused or done alike (messages.js).
    Asset { path: "/assets/messages.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/messages.js") },
    Asset { path: "/assets/console.css", content_type: CSS, body: include_str!("../../../assets/console.css") },
    Asset { path: "/assets/console.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/console.js") },
    Asset { path: "/assets/session.css", content_type: CSS, body: include_str!("../../../assets/session.css") },
    Asset { path: "/assets/session.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/session.js") },
    // The console's record pages: the roll and the audit log.
    Asset { path: "/assets/records.css", content_type: CSS, body: include_str!("../../../assets/records.css") },
    Asset { path: "/assets/roster.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/roster.js") },
    Asset { path: "/assets/audit.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/audit.js") },
    // The proposals pages: the secretariat's and the public list.
    Asset { path: "/assets/proposals.css", content_type: CSS, body: include_str!("../../../assets/proposals.css") },
    Asset {
        path: "/assets/proposals.js",
        content_type: JAVASCRIPT,
        body: include_str!("../../../assets/proposals.js"),
    },
    // The public pages: the board explorer, the board's list, the hall display, the
    // result sheet; and the printable delegate cards.
    Asset { path: "/assets/board.css", content_type: CSS, body: include_str!("../../../assets/board.css") },
    Asset { path: "/assets/board.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/board.js") },
    Asset { path: "/assets/board-list.css", content_type: CSS, body: include_str!("../../../assets/board-list.css") },
    Asset { path: "/assets/display.css", content_type: CSS, body: include_str!("../../../assets/display.css") },
    Asset { path: "/assets/display.js", content_type: JAVASCRIPT, body: include_str!("../../../assets/display.js") },
    Asset { path: "/assets/sheet.css", content_type: CSS, body: include_str!("../../../assets/sheet.css") },
    Asset { path: "/assets/cards.css", content_type: CSS, body: include_str!("../../../assets/cards.css") },
];
