//! `GET /`: the organiser console's start page — log in, replace a one-time
//! password, and see each congress's sessions with their attendance, quorum and
//! polls, and the printable delegate cards. Server-rendered in the request's
//! language (`?lang=en` switches and remembers it), no external assets, large
//! touch targets, usable with the keyboard alone.

use axum::Router;
use axum::extract::Query;
use axum::http::header::SET_COOKIE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use hallvote_tally::Lang;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use crate::html::escape;
use crate::i18n::{LANG_COOKIE, RequestLang};

const PAGE: &str = include_str!("pages/console.html");

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(page))
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

async fn page(RequestLang(lang): RequestLang, Query(q): Query<LangQuery>) -> Response {
    let (lang, set_cookie) = match q.lang.as_deref().and_then(Lang::parse) {
        Some(l) => (l, true),
        None => (lang, false),
    };
    let mut res = Html(render(lang)).into_response();
    if set_cookie {
        let value = match lang {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        };
        if let Ok(v) = format!("{LANG_COOKIE}={value}; Path=/; SameSite=Strict; Max-Age=31536000").parse() {
            res.headers_mut().insert(SET_COOKIE, v);
        }
    }
    res
}

/// The page in `lang`.
pub fn render(lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let texts = json!({
        "logged_in_as": t("已登录：", "Logged in as"),
        "no_congress": t("尚未建立代表大会。", "No congress has been set up yet."),
        "cards": t("打印代表证", "Print delegate cards"),
        "session": t("第{n}次会议", "Session {n}"),
        "expected": t("应到", "Expected"),
        "present": t("实到", "Present"),
        "quorum_met": t("已达到法定人数", "quorum met"),
        "quorum_not_met": t("未达到法定人数", "quorum not met"),
    });
    let fills: [(&str, String); 14] = [
        ("lang", t("zh-CN", "en").into()),
        ("other_lang", t("en", "zh-CN").into()),
        ("other_lang_name", t("English", "中文").into()),
        ("title", t("hallvote 会务组控制台", "hallvote organiser console").into()),
        ("login", t("登录", "Log in").into()),
        ("username", t("用户名", "Username").into()),
        ("password", t("密码", "Password").into()),
        ("login_button", t("登录", "Log in").into()),
        ("change_title", t("请设置新密码", "Choose a new password").into()),
        (
            "change_help",
            t(
                "首次登录须更换一次性密码（至少 10 个字符）。",
                "Replace the one-time password first (at least 10 characters).",
            )
            .into(),
        ),
        ("new_password", t("新密码", "New password").into()),
        ("change_button", t("保存新密码", "Save new password").into()),
        ("logout", t("退出登录", "Log out").into()),
        // JSON in a script element: escape '<' so no "</script>" can appear.
        ("texts", texts.to_string().replace('<', "\\u003c")),
    ];
    let mut page = PAGE.to_owned();
    for (key, value) in fills {
        let value = if key == "texts" { value } else { escape(&value) };
        page = page.replace(&format!("{{{{{key}}}}}"), &value);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_in_both_languages() {
        for lang in [Lang::ZhCn, Lang::En] {
            let page = render(lang);
            assert!(!page.contains("{{"), "unfilled placeholder");
            assert!(page.contains("<form id=\"login\""));
        }
        assert!(render(Lang::ZhCn).contains("会务组控制台"));
        assert!(render(Lang::En).contains("organiser console"));
        assert!(render(Lang::En).contains("lang=\"en\""));
    }
}
