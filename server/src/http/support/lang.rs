//! The language of a server-rendered page: `?lang=` if given (then remembered in a
//! cookie), else the request's (`crate::i18n::RequestLang`).

use axum::http::header::SET_COOKIE;
use axum::response::Response;
use serde::Deserialize;

use crate::i18n::{LANG_COOKIE, Lang};

/// The query of a server-rendered page: its language, and on the board page a
/// tracking code or a receipt to look up.
#[derive(Deserialize)]
pub(crate) struct PageQuery {
    pub(crate) lang: Option<String>,
    pub(crate) code: Option<String>,
    /// A receipt text (spec §12.11), as the booth's receipt QR code carries it.
    pub(crate) receipt: Option<String>,
}

/// The page's language: `?lang=` if given (and then remembered in a cookie), else the request's.
pub(crate) fn page_lang(request: Lang, query: Option<&str>) -> (Lang, bool) {
    match query.and_then(Lang::parse) {
        Some(l) => (l, true),
        None => (request, false),
    }
}

/// The language's tag, as `lang` attributes, `?lang=` and the language cookie spell it.
pub(crate) fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    }
}

/// The answer with the language cookie set to `lang`, if the visitor chose it (`set`).
/// The cookie lasts as long as the browser is open (no `Max-Age`): a console or a
/// hall computer is shared, and one person's choice of English must not greet the
/// next person a year later (issue 16, item 8).
pub(crate) fn remember_lang(mut res: Response, lang: Lang, set: bool) -> Response {
    if set && let Ok(v) = format!("{LANG_COOKIE}={}; Path=/; SameSite=Strict", lang_tag(lang)).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    res
}

/// The other of the two languages: the one a page's switch links to.
pub(crate) fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    }
}

/// A page's language and its switch to the other (`pages/lang_switch.html`, which
/// every page with a switch includes in its `<nav>`; the page's `<html lang>` is
/// [`LangSwitch::tag`]).
#[derive(Clone, Debug)]
pub(crate) struct LangSwitch {
    /// The page's language tag.
    pub(crate) tag: &'static str,
    /// The other language's tag.
    pub(crate) other: &'static str,
    /// The other language's name, in that language.
    pub(crate) other_name: &'static str,
    /// The page in the other language.
    pub(crate) other_href: String,
}

impl LangSwitch {
    /// The switch of a page in `lang` whose other-language version is at `other_href`.
    pub(crate) fn new(lang: Lang, other_href: String) -> Self {
        let other = other_lang(lang);
        let other_name = match other {
            Lang::ZhCn => "中文",
            Lang::En => "English",
        };
        Self { tag: lang_tag(lang), other: lang_tag(other), other_name, other_href }
    }

    /// The switch of a page whose other-language version is the same address with
    /// `?lang=` set.
    pub(crate) fn query(lang: Lang) -> Self {
        Self::new(lang, format!("?lang={}", lang_tag(other_lang(lang))))
    }
}
