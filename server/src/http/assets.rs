//! The script and style files of the server's pages, served from the binary
//! (nothing is fetched from elsewhere at run time or build time): each page's script
//! and style sheet (`server/assets/`), the board page's check of a spoiled ballot and
//! the one library it uses, @noble/curves' ristretto255 group
//! (server/assets/vendor/README.md, docs/adr/0012).
//!
//! The pages carry no inline script or style (docs/SECURITY.md, the CSP): every
//! script and style is one of these files, at a fixed path; the library's path names
//! its version. Each is served with `Cache-Control: no-cache` and a strong `ETag`
//! (see [`hallvote_protocol::web::Asset::answer`]): the pages name fixed paths, and a
//! new server version's files are used by the next page load.

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hallvote_protocol::web::{Asset, CSS, JAVASCRIPT};

use super::AppState;
use crate::ApiError;

/// @noble/curves 2.4.0 with @noble/hashes 2.4.0, the ristretto255 group only, as one
/// ES module (MIT; built by server/assets/vendor/noble-curves-2.4.0/build/build.sh).
pub const RISTRETTO255_JS: &str = include_str!("../../assets/vendor/noble-curves-2.4.0/ristretto255.js");
/// The board page's check of a spoiled ballot's opening (an ES module).
pub const SPOILED_CHECK_JS: &str = include_str!("../../assets/spoiled-check.js");

/// Where the board page loads its check from.
pub const SPOILED_CHECK_PATH: &str = "/assets/spoiled-check.js";

/// Every file the server's pages load.
pub const ASSETS: &[Asset] = &[
    Asset { path: "/assets/noble-curves-2.4.0/ristretto255.js", content_type: JAVASCRIPT, body: RISTRETTO255_JS },
    Asset { path: SPOILED_CHECK_PATH, content_type: JAVASCRIPT, body: SPOILED_CHECK_JS },
    // The organiser console: the start page and a session's page.
    Asset { path: "/assets/console.css", content_type: CSS, body: include_str!("../../assets/console.css") },
    Asset { path: "/assets/console.js", content_type: JAVASCRIPT, body: include_str!("../../assets/console.js") },
    Asset { path: "/assets/session.css", content_type: CSS, body: include_str!("../../assets/session.css") },
    Asset { path: "/assets/session.js", content_type: JAVASCRIPT, body: include_str!("../../assets/session.js") },
    // The public pages: the board explorer, the board's list, the hall display, the
    // result sheet; and the printable delegate cards.
    Asset { path: "/assets/board.css", content_type: CSS, body: include_str!("../../assets/board.css") },
    Asset { path: "/assets/board.js", content_type: JAVASCRIPT, body: include_str!("../../assets/board.js") },
    Asset { path: "/assets/board-list.css", content_type: CSS, body: include_str!("../../assets/board-list.css") },
    Asset { path: "/assets/display.css", content_type: CSS, body: include_str!("../../assets/display.css") },
    Asset { path: "/assets/display.js", content_type: JAVASCRIPT, body: include_str!("../../assets/display.js") },
    Asset { path: "/assets/sheet.css", content_type: CSS, body: include_str!("../../assets/sheet.css") },
    Asset { path: "/assets/cards.css", content_type: CSS, body: include_str!("../../assets/cards.css") },
];

/// The routes of this resource: the library's versioned path, and every other file
/// by its name (an unknown name is a 404 in the error schema).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/noble-curves-2.4.0/ristretto255.js", get(file_at))
        .route("/assets/{file}", get(file_at))
}

/// The file at the request's path, or 404.
async fn file_at(uri: Uri, headers: HeaderMap) -> Result<Response, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == uri.path())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个文件。", "No such file."))?;
    Ok(asset.answer(&headers).map(axum::body::Body::from).into_response())
}
