//! Scripts the public pages load, served from the binary (nothing is fetched from
//! elsewhere at run time or build time): the board page's check of a spoiled
//! ballot and the one library it uses, @noble/curves' ristretto255 group
//! (server/assets/vendor/README.md, docs/adr/0012). Fixed paths; the library's
//! path names its version.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

/// @noble/curves 2.4.0 with @noble/hashes 2.4.0, the ristretto255 group only, as one
/// ES module (MIT; built by server/assets/vendor/noble-curves-2.4.0/build/build.sh).
pub const RISTRETTO255_JS: &str = include_str!("../../assets/vendor/noble-curves-2.4.0/ristretto255.js");
/// The board page's check of a spoiled ballot's opening (an ES module).
pub const SPOILED_CHECK_JS: &str = include_str!("../../assets/spoiled-check.js");

/// Where the board page loads its check from.
pub const SPOILED_CHECK_PATH: &str = "/assets/spoiled-check.js";

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/noble-curves-2.4.0/ristretto255.js", get(ristretto255))
        .route("/assets/spoiled-check.js", get(spoiled_check))
}

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // Revalidated on each use, so a new server version's script is used at once.
            (CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

async fn ristretto255() -> impl IntoResponse {
    script(RISTRETTO255_JS)
}

async fn spoiled_check() -> impl IntoResponse {
    script(SPOILED_CHECK_JS)
}
