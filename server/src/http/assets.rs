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

use super::AppState;
use super::support::assets::ASSETS;
use crate::ApiError;

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
