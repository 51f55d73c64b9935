//! A scripted organiser: the organiser's API (the console's JSON calls) from a
//! program, logged in with an account's password. For the simulation of a whole
//! session and for tests; people use the console pages.

use http::{Method, header};
use serde_json::{Value, json};
use thiserror::Error;

use crate::link::{Answer, Link, LinkError};

/// Why an organiser call failed.
#[derive(Debug, Error)]
pub enum OrganiserError {
    /// No answer.
    #[error("{0}")]
    Link(#[from] LinkError),
    /// The server refused; its status and body.
    #[error("{path}: {status} {body}")]
    Refused {
        /// The path called.
        path: String,
        /// The status.
        status: http::StatusCode,
        /// The body.
        body: Value,
    },
}

/// A logged-in organiser (or desk or observer account).
#[derive(Debug, Clone)]
pub struct Organiser {
    link: Link,
    cookie: String,
    csrf: String,
}

impl Organiser {
    /// Logs in as `username` over `link` (an unsigned link).
    pub async fn login(link: Link, username: &str, password: &str) -> Result<Self, OrganiserError> {
        let body = json!({ "username": username, "password": password });
        let a = link.call(Method::POST, "/api/login", Some(&body)).await?;
        let a = ok("/api/login", a)?;
        let cookie = a
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_owned();
        let csrf = a.json["csrf_token"].as_str().unwrap_or_default().to_owned();
        Ok(Self { link, cookie, csrf })
    }

    /// Logs in with an account's one-time password (the first organiser's, printed
    /// by `hallvote serve` on first start), replaces it with a new random password
    /// as the server requires, and logs in again. Returns the new password too.
    pub async fn first_login(link: Link, username: &str, one_time: &str) -> Result<(Self, String), OrganiserError> {
        let first = Self::login(link.clone(), username, one_time).await?;
        let password: String =
            (0..16).map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[rand::random_range(0..31)])).collect();
        first.call(Method::POST, "/api/password", Some(json!({"current": one_time, "new": password}))).await?;
        let again = Self::login(link, username, &password).await?;
        Ok((again, password))
    }

    /// Calls the API with a JSON body; the answer's JSON if it succeeded.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, OrganiserError> {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send(method, path, bytes, "application/json").await
    }

    /// Sends a body of another type (a roster CSV or .xlsx).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<Value, OrganiserError> {
        let headers = [("cookie", self.cookie.as_str()), ("x-csrf-token", self.csrf.as_str())];
        let a = self.link.call_raw(method, path, body, content_type, &headers).await?;
        Ok(ok(path, a)?.json)
    }
}

fn ok(path: &str, a: Answer) -> Result<Answer, OrganiserError> {
    if a.status.is_success() {
        Ok(a)
    } else {
        Err(OrganiserError::Refused { path: path.to_owned(), status: a.status, body: a.json })
    }
}
