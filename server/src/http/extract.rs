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

/// Binary data in a JSON answer: standard base64 with padding (the protocol's one
/// encoder; typed bodies use `hallvote_protocol::wire::Blob` and `Fixed`).
pub use hallvote_protocol::wire::b64;
