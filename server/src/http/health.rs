//! `GET /healthz`: is the server up and can it reach its database?

use crate::api::prelude::*;
use axum::Json;
use axum::extract::State;
use hallvote_protocol::wire::Health;

use super::AppState;
use crate::ApiError;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new().mount(
        {
            const ROUTE: Route = at(Get, "/healthz", "health", Access::Public)
                .says("Is the server up and can it reach its database", "健康检查：服务器是否运行、能否连接数据库。")
                .answers_json(
                    200,
                    Ty::Obj(&[f("status", Ty::Enum(&["ok"]), ""), f("database", Ty::Enum(DATABASES), "")]),
                );
            ROUTE
        },
        healthz,
    )
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    crate::db::ping(&state.store).await?;
    Ok(Json(Health { status: "ok".to_owned(), database: format!("{:?}", state.store.backend()).to_lowercase() }))
}
