//! Extractors whose rejections are [`ApiError`]s: JSON with a stable code and a
//! message in the request's language, never axum's plain-text defaults.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body, decoded strictly (the request types deny unknown fields).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_error(&rejection)),
        }
    }
}

fn json_error(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求须为 JSON（Content-Type: application/json）。",
            "The request must be JSON (Content-Type: application/json).",
        ),
        JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request_too_large", "请求过大。", "The request is too large.")
        }
        other => {
            let detail = other.body_text();
            let mut e =
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_request", "请求格式不正确：", "Malformed request: ");
            e.message.zh.push_str(&detail);
            e.message.en.push_str(&detail);
            e
        }
    }
}

/// Query parameters, decoded strictly.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(query_error(&rejection)),
        }
    }
}

fn query_error(rejection: &QueryRejection) -> ApiError {
    let detail = rejection.body_text();
    let mut e = ApiError::new(StatusCode::BAD_REQUEST, "malformed_request", "请求参数不正确：", "Malformed query: ");
    e.message.zh.push_str(&detail);
    e.message.en.push_str(&detail);
    e
}

/// Binary data in a JSON body or answer: standard base64 with padding.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes the base64 field `field` strictly (400 `malformed_request` naming the field).
pub fn unb64(field: &str, text: &str) -> Result<Vec<u8>, ApiError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            &format!("字段 {field} 不是有效的 base64 数据。"),
            &format!("Field {field} is not valid base64."),
        )
    })
}

/// Decodes the base64 field `field` of exactly `N` bytes.
pub fn unb64_array<const N: usize>(field: &str, text: &str) -> Result<[u8; N], ApiError> {
    unb64(field, text)?.try_into().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            &format!("字段 {field} 的长度应为 {N} 字节。"),
            &format!("Field {field} must be {N} bytes long."),
        )
    })
}
