//! The station's calls to the server over its signed link.

use http::Method;
use serde::Serialize;

use crate::link::{Answer, Link};
use hallvote_tally::Lang;

use serde::de::DeserializeOwned;

use super::{Result, Scrutineer, ScrutineerError, View, refused, untrusted};

impl Scrutineer {
    pub(super) fn link(&self, lang: Lang) -> Link {
        self.link.clone().language(lang.code())
    }

    /// `GET path`, its answer decoded as `T`; a refusal is [`ScrutineerError::Refused`],
    /// an answer that is not a `T` is untrusted, naming the field.
    pub(super) async fn get<T: DeserializeOwned>(&self, lang: Lang, path: &str) -> Result<T> {
        let a = self.link(lang).call(Method::GET, path, None).await.map_err(ScrutineerError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        decode(&a)
    }

    /// `POST path` with `body`; the answer, whatever its status.
    pub(super) async fn post<B: Serialize>(&self, lang: Lang, path: &str, body: &B) -> Result<Answer> {
        self.link(lang).call_json(Method::POST, path, body).await.map_err(ScrutineerError::Unreachable)
    }

    /// The polls this station holds an office in, newest first, with their names and
    /// states: what the station's page offers to choose from.
    pub async fn offices(&self, lang: Lang) -> Result<Vec<hallvote_protocol::wire::StationOffice>> {
        self.get(lang, "/api/station/polls").await
    }

    pub(super) async fn view(&self, poll: i64, lang: Lang) -> Result<View> {
        let v = self.get(lang, &format!("/api/station/polls/{poll}/ceremony")).await?;
        View::parse(v, &self.identity.key.verifying_key())
    }
}

/// The answer decoded as `T` (`hallvote_protocol::wire`): one that is not a `T`
/// is untrusted, naming the field it fails on.
pub(super) fn decode<T: DeserializeOwned>(a: &Answer) -> Result<T> {
    a.decode().map_err(|e| untrusted(e.to_string()))
}
