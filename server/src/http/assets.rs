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

use crate::api::prelude::*;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::support::assets::ASSETS;
use crate::ApiError;

/// The routes of this resource: the library's versioned path, and every other file
/// by its name (an unknown name is a 404 in the error schema).
/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/assets/noble-curves-2.4.0/ristretto255.js", "public", Access::Public)
                    .says("The ristretto255 group of @noble/curves 2.4.0", "@noble/curves 2.4.0 的 ristretto255 群运算（ES 模块，MIT 许可）。")
                    .more("Vendored and served from the binary (server/assets/vendor/README.md, docs/adr/0012).")
                    .answers(Answer::File("text/javascript", "An ES module."));
                ROUTE
            },
            file_at,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/assets/{file}", "public", Access::Public)
                    .says("A page's script or style sheet", "页面的脚本或样式表（页面不含内联脚本和样式，见严格的 CSP）。")
                    .more(
                        "The files the pages load (no inline script or style: docs/SECURITY.md), among them the board page's \
                         check of a spoiled ballot, `spoiled-check.js`, which recomputes every ciphertext of a spoiled entry as \
                         (r·G, m·G + r·Y) on ristretto255 (spec §3.5, §10.6). `Cache-Control: no-cache` with an `ETag`.",
                    )
                    .answers(Answer::File("text/*", "A script (`text/javascript`) or a style sheet (`text/css`)."))
                    .refuses(&[(404, "not_found")]);
                ROUTE
            },
            file_at,
        )
}

/// The file at the request's path, or 404.
async fn file_at(uri: Uri, headers: HeaderMap) -> Result<Response, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == uri.path())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个文件。", "No such file."))?;
    Ok(asset.answer(&headers).map(axum::body::Body::from).into_response())
}
