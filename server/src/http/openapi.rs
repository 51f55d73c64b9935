//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the HTTP API (spec §14.9).
//!
//! The document is not kept by hand: every resource mounts its routes through
//! [`crate::api::Api`], which records each route's operation — who may call it,
//! what it takes and answers, the refusals particular to it — as it mounts the
//! route, so the document has every route the router serves (docs/adr/0018).
//! Public: no login, no station signature, and no UI (nothing to download at build
//! time).

use std::sync::LazyLock;

use axum::Json;
use utoipa::openapi::OpenApi;

use crate::api::prelude::*;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new().mount(
        {
            const ROUTE: Route = at(Get, "/api/openapi.json", "public", Access::Public)
                .says("This OpenAPI document", "本接口文档（OpenAPI 3.1）：每个接口、调用者、请求与应答。")
                .more("Every route of the server, who may call it, what it takes and answers (spec §14.9).")
                .answers_json(200, Ty::AnyObject);
            ROUTE
        },
        serve,
    )
}

/// The document, built once.
static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(crate::http::document);

async fn serve() -> Json<&'static OpenApi> {
    Json(&*DOCUMENT)
}
