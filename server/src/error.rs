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
use hallvote_protocol::wire::{ErrorBody, ErrorDetail};
use hallvote_tally::Text;

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
        let body =
            ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message.get(lang).to_owned() } };
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

/// Middleware: renders any [`ApiError`] in the language of the request, and turns
/// every other refusal — the router's 404 and 405, axum's own rejections of a path,
/// query or body it cannot read (plain text), a body over the limit — into the same
/// JSON error schema, so a client never has to parse two kinds of error.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let mut res = next.run(req).await;
    match res.extensions_mut().remove::<ApiError>() {
        Some(err) if lang != Lang::ZhCn => err.render(lang),
        Some(_) => res,
        None if is_bare_refusal(&res) => {
            let (parts, body) = res.into_parts();
            // A rejection's text is a line or two; more is not read.
            let detail = axum::body::to_bytes(body, 2048).await.map(|b| String::from_utf8_lossy(&b).into_owned());
            refusal(parts.status, detail.unwrap_or_default().trim()).render(lang)
        }
        None => res,
    }
}

/// An error answer that is not JSON and not a page: empty or plain text.
fn is_bare_refusal(res: &Response) -> bool {
    let plain = match res.headers().get(axum::http::header::CONTENT_TYPE) {
        None => true,
        Some(v) => v.to_str().is_ok_and(|t| t.starts_with("text/plain")),
    };
    (res.status().is_client_error() || res.status().is_server_error()) && plain
}

/// The error schema's form of a refusal made below the handlers.
fn refusal(status: StatusCode, detail: &str) -> ApiError {
    let with = |code, zh: &str, en: &str| {
        let mut e = ApiError::new(status, code, zh, en);
        if !detail.is_empty() {
            e.message.zh.push_str(&format!("（{detail}）"));
            e.message.en.push_str(&format!(" ({detail})"));
        }
        e
    };
    match status {
        StatusCode::NOT_FOUND => ApiError::new(status, "not_found", "没有这个地址。", "No such address."),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "此地址不接受这种请求方法。",
            "This address does not take that method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(status, "request_too_large", "请求过大。", "The request is too large.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            with("unsupported_media_type", "请求的内容类型不受支持。", "The request's content type is not accepted.")
        }
        s if s.is_server_error() => ApiError::internal(format!("{s}: {detail}")),
        _ => with("malformed_request", "请求格式不正确。", "Malformed request."),
    }
}
