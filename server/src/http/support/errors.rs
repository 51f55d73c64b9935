//! The error answers the handlers share, each with its stable code.

use axum::http::StatusCode;

use crate::ApiError;

pub(crate) fn not_found(what_zh: &str, what_en: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", &format!("找不到该{what_zh}。"), &format!("No such {what_en}."))
}

pub(crate) fn conflict(code: &'static str, zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, zh, en)
}

pub(crate) fn invalid(code: &'static str, zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en)
}
