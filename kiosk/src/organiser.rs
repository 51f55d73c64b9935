//! A scripted organiser: the organiser's API (the console's JSON calls) from a
//! program, logged in with an account's password. For the simulation of a whole
//! session and for tests; people use the console pages.

use hallvote_protocol::wire::{LoginRequest, PasswordChange, RosterImported, SessionInfo};
use http::{Method, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use crate::link::{Answer, AnswerError, Link, LinkError};

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
    /// The server's answer is not the protocol's type for it.
    #[error("{path}: {error}")]
    Answer {
        /// The path called.
        path: String,
        /// What was wrong, naming the field.
        error: AnswerError,
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
        let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
        let a = link.call_json(Method::POST, "/api/login", &body).await?;
        let a = ok("/api/login", a)?;
        let info: SessionInfo = decode("/api/login", &a)?;
        let cookie = a
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_owned();
        let csrf = info.csrf_token.ok_or_else(|| OrganiserError::Answer {
            path: "/api/login".into(),
            error: AnswerError("csrf_token: missing from the login's answer".into()),
        })?;
        Ok(Self { link, cookie, csrf })
    }

    /// Logs in with an account's one-time password (the first organiser's, printed
    /// by `hallvote serve` on first start), replaces it with a new random password
    /// as the server requires, and logs in again. Returns the new password too.
    pub async fn first_login(link: Link, username: &str, one_time: &str) -> Result<(Self, String), OrganiserError> {
        let first = Self::login(link.clone(), username, one_time).await?;
        let password: String =
            (0..16).map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[rand::random_range(0..31)])).collect();
        let change = PasswordChange { current: one_time.to_owned(), new: password.clone() };
        first.call_json::<_, Value>(Method::POST, "/api/password", &change).await?;
        let again = Self::login(link, username, &password).await?;
        Ok((again, password))
    }

    /// Calls the API with an optional JSON body; the answer decoded as `T` (a type of
    /// `hallvote_protocol::wire`, or `Value` where any JSON will do) if it succeeded.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, OrganiserError> {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send(method, path, bytes, "application/json").await
    }

    /// Calls the API with `body` (a type of `hallvote_protocol::wire`) as JSON; the
    /// answer decoded as `T` if it succeeded.
    pub async fn call_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, OrganiserError> {
        let bytes = serde_json::to_vec(body).map_err(|e| LinkError::Config(format!("{path}: the body: {e}")))?;
        self.send(method, path, bytes, "application/json").await
    }

    /// Sends a body of another type (a roster CSV or .xlsx); the answer decoded as `T`.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<T, OrganiserError> {
        let headers = [("cookie", self.cookie.as_str()), ("x-csrf-token", self.csrf.as_str())];
        let a = self.link.call_raw(method, path, body, content_type, &headers).await?;
        decode(path, &ok(path, a)?)
    }

    /// Imports a congress's roll from a roster file (`text/csv`, or the Excel type):
    /// `PUT /api/congresses/{id}/roster`, with what the import did.
    pub async fn import_roster(
        &self,
        congress: i64,
        file: Vec<u8>,
        content_type: &str,
    ) -> Result<RosterImported, OrganiserError> {
        self.send(Method::PUT, &format!("/api/congresses/{congress}/roster"), file, content_type).await
    }
}

fn decode<T: DeserializeOwned>(path: &str, a: &Answer) -> Result<T, OrganiserError> {
    a.decode().map_err(|error| OrganiserError::Answer { path: path.to_owned(), error })
}

fn ok(path: &str, a: Answer) -> Result<Answer, OrganiserError> {
    if a.status.is_success() {
        Ok(a)
    } else {
        Err(OrganiserError::Refused { path: path.to_owned(), status: a.status, body: a.json })
    }
}
