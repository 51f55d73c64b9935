//! The one error type of the server: a stable machine code, an HTTP status, and a
//! message in both languages, rendered as JSON in the request's language.
//!
//! A handler returns `ApiError`; its `IntoResponse` puts the error into the
//! response's extensions, and the [`localize`] middleware, which knows the
//! request's language, writes the body `{"error": {"code", "message"}}`.
//! Internal errors are logged with their detail and shown as a generic message:
//! nothing internal reaches a client.

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hallvote_tally::Text;
use serde_json::json;

use crate::db::StoreError;
use crate::i18n::{Lang, lang_of};

/// An error answered to a client.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `credential_already_spent`.
    pub code: &'static str,
    /// What happened, for a person, in zh-CN and en.
    pub message: Text,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, zh: &str, en: &str) -> Self {
        Self { status, code, message: Text::new(zh, en) }
    }

    /// 401: no valid login or station signature.
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录。", "Please log in first.")
    }

    /// 403: logged in, but the role does not allow this.
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "您的角色无权执行此操作。", "Your role does not allow this.")
    }

    /// 500: something failed inside; the detail is logged, not shown.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请联系会务组。操作未生效。",
            "Internal server error; please tell the organisers. Nothing was changed.",
        )
    }

    /// The JSON body in `lang`.
    pub fn render(&self, lang: Lang) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message.get(lang) } });
        (self.status, Json(body)).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Rendered in Chinese unless the `localize` middleware re-renders it.
        let mut res = self.render(Lang::ZhCn);
        res.extensions_mut().insert(self);
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}

/// Middleware: renders any [`ApiError`] in the language of the request.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let mut res = next.run(req).await;
    match res.extensions_mut().remove::<ApiError>() {
        Some(err) if lang != Lang::ZhCn => err.render(lang),
        _ => res,
    }
}
