//! The language of a request: zh-CN by default, English on request.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};

pub use hallvote_tally::Lang;

/// The cookie a page sets when the user switches language.
pub const LANG_COOKIE: &str = "hallvote_lang";

/// The language to answer in: the `hallvote_lang` cookie if set, else English if
/// the first language of `Accept-Language` is English, else Chinese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    let cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .map(|(_, v)| v.to_owned());
    if let Some(v) = cookie {
        return if v.starts_with("en") { Lang::En } else { Lang::ZhCn };
    }
    let first = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match first {
        Some(tag) if tag.starts_with("en") => Lang::En,
        _ => Lang::ZhCn,
    }
}

/// A stored number (a congress's or session's) in Chinese numerals, as in
/// "第三次会议" (`hallvote_tally::text::zh_numeral`); a number no numeral is made for
/// stays in digits.
pub fn zh_number(n: i64) -> String {
    u32::try_from(n).map_or_else(|_| n.to_string(), hallvote_tally::text::zh_numeral)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_numbers_in_chinese() {
        let n = zh_number;
        assert_eq!([n(1), n(3), n(10), n(12), n(20), n(23)], ["一", "三", "十", "十二", "二十", "二十三"]);
        assert_eq!(n(-1), "-1");
    }
    use axum::http::HeaderValue;

    #[test]
    fn chinese_unless_asked_otherwise() {
        let mut h = HeaderMap::new();
        assert_eq!(lang_of(&h), Lang::ZhCn);
        h.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB,en;q=0.9"));
        assert_eq!(lang_of(&h), Lang::En);
        h.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("zh-CN,en;q=0.5"));
        assert_eq!(lang_of(&h), Lang::ZhCn);
        h.insert(COOKIE, HeaderValue::from_static("a=b; hallvote_lang=en"));
        assert_eq!(lang_of(&h), Lang::En);
    }
}

/// The request's language, as an extractor for handlers that write text.
#[derive(Clone, Copy, Debug)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(lang_of(&parts.headers)))
    }
}
