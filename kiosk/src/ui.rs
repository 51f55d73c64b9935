//! What every station page shares: the layout, the style sheet (large type, large
//! targets, high contrast, a visible focus ring) and script as files, the language
//! switch, HTML escaping, the security headers with the strict Content-Security-Policy
//! the server's pages have too, and the check that a form was posted by the station's
//! own page.
//!
//! A station page holds markup only: no inline script, `<style>`, `style` attribute
//! or `on…` handler (the policy refuses them). Its style sheet and script are files
//! under `kiosk/assets/`, served by [`assets`] at fixed paths; what the script needs
//! is in `data-*` attributes or a JSON data block
//! ([`hallvote_protocol::web::data_block`]).

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use hallvote_protocol::web::{self, Asset, JAVASCRIPT};

/// The page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the text in this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }

    /// The `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style sheet of every station page (`kiosk/assets/station.css`). Colours pass
/// WCAG AA at these sizes (dark text on white ≥ 12:1; white on the blue and red
/// buttons ≥ 7:1).
pub const CSS: &str = include_str!("../assets/station.css");

/// The script of every station page (`kiosk/assets/station.js`): the idle timer, the
/// print buttons, the for-vote counter and the camera button, each where its
/// elements are.
pub const SCRIPT: &str = include_str!("../assets/station.js");

/// jsQR 1.4.0 (npm `jsqr`, Apache-2.0; kiosk/assets/vendor/README.md): decodes QR
/// codes from camera frames where the browser has no `BarcodeDetector`. It runs
/// without `eval`, so the strict policy suffices.
pub const JSQR: &str = include_str!("../assets/vendor/jsqr-1.4.0/jsQR.js");

/// Every file the station pages load, served by [`assets`] with `no-cache` and an
/// `ETag` ([`Asset::answer`]).
pub const ASSETS: &[Asset] = &[
    Asset { path: "/assets/station.css", content_type: web::CSS, body: CSS },
    Asset { path: "/assets/station.js", content_type: JAVASCRIPT, body: SCRIPT },
    Asset { path: "/assets/jsQR.js", content_type: JAVASCRIPT, body: JSQR },
    // The desk's printed credential, on an 80 mm receipt roll or an A6 card.
    Asset { path: "/assets/print-80mm.css", content_type: web::CSS, body: include_str!("../assets/print-80mm.css") },
    Asset { path: "/assets/print-a6.css", content_type: web::CSS, body: include_str!("../assets/print-a6.css") },
    Asset { path: "/assets/scrutineer.js", content_type: JAVASCRIPT, body: include_str!("../assets/scrutineer.js") },
];

/// `router` with the routes of the station pages' files.
pub fn assets<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    ASSETS.iter().fold(router, |router, asset| {
        router.route(asset.path, get(move |headers: HeaderMap| async move { asset.answer(&headers).map(axum::body::Body::from).into_response() }))
    })
}

/// `router` with the security headers on every answer: the stations' pages are
/// served under the same strict policy as the server's
/// ([`hallvote_protocol::web::CONTENT_SECURITY_POLICY_VALUE`]).
pub fn secure<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(axum::middleware::map_response(security_headers))
}

async fn security_headers(mut res: Response) -> Response {
    // `same-origin`, not the server's `no-referrer`: that would make the `Origin` of
    // the pages' own form posts `null`, and `refuse_cross_site` would refuse them.
    web::security_headers(res.headers_mut(), "same-origin");
    res
}

/// A whole page: `title` in the header and `<title>`, `body` inside `<main>`.
/// `refresh` sends the page to `/timeout` after that many seconds without a touch,
/// key press or scan.
pub fn page(lang: Lang, station: &str, title: &str, body: &str, refresh: Option<u64>) -> Html<String> {
    let other = match lang {
        Lang::Zh => ("/lang/en", "English", "en"),
        Lang::En => ("/lang/zh", "中文", "zh-CN"),
    };
    // The idle timer (station.js) sends the page to /timeout after this long.
    let idle = refresh.map_or_else(String::new, |s| format!(" data-idle-ms=\"{}\"", s * 1000));
    Html(format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} — {station}</title><link rel="stylesheet" href="/assets/station.css"></head>
<body{idle}><header><span class="station">{station}</span><a href="{href}" lang="{olang}">{olabel}</a></header>
<main id="main">
<h1>{title}</h1>
{body}
</main><script src="/assets/station.js"></script></body></html>"#,
        lang = lang.code(),
        title = escape(title),
        station = escape(station),
        href = other.0,
        olabel = other.1,
        olang = other.2,
    ))
}

/// Refuses a POST that another site's page sent to the station (the browser names
/// the page's origin; a station's own pages are same-origin).
pub fn refuse_cross_site(headers: &HeaderMap) -> Option<Response> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        let ok = origin.strip_prefix("http://").is_some_and(|o| o == host);
        if !ok {
            return Some((StatusCode::FORBIDDEN, "cross-site request refused / 拒绝跨站请求").into_response());
        }
    }
    if headers.get("sec-fetch-site").and_then(|h| h.to_str().ok()).is_some_and(|s| s == "cross-site") {
        return Some((StatusCode::FORBIDDEN, "cross-site request refused / 拒绝跨站请求").into_response());
    }
    None
}

/// A camera button for the form whose text field is `input`: it reads a QR code
/// with the browser's `BarcodeDetector`, or with the vendored jsQR where there is
/// none, puts the text in the field and submits the form, as a scanner would.
/// The button stays hidden where there is no camera.
pub fn camera(lang: Lang, input: &str) -> String {
    format!(
        r#"<p><button type="button" class="secondary" id="camera" data-field="{input}" hidden>{label}</button></p>
<video id="preview" hidden playsinline muted></video>"#,
        input = escape(input),
        label = lang.t("用摄像头扫描", "Scan with the camera"),
    )
}

/// An SVG QR code of `text` (for receipts and credentials), or nothing if it cannot be made.
pub fn qr_svg(text: &str, label: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build();
            let svg = svg.strip_prefix(r#"<?xml version="1.0" standalone="yes"?>"#).unwrap_or(&svg);
            svg.replacen("<svg ", &format!(r#"<svg role="img" aria-label="{}" "#, escape(label)), 1)
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every station page is built by [`page`]: with the camera, a QR code and a name
    /// that looks like markup, it carries nothing the strict CSP refuses, and what its
    /// script needs is in `data-*` attributes.
    #[test]
    fn a_station_page_has_no_inline_code() {
        let body = format!(
            "{}<div class=\"qr\">{}</div><p>{}</p>",
            camera(Lang::Zh, "credential"),
            qr_svg("HVCRED1:abc", "二维码"),
            escape("<img src=x onerror=alert(1)>")
        );
        let Html(html) = page(Lang::Zh, "投票机1", "欢迎投票", &body, Some(30));
        assert_eq!(hallvote_protocol::web::inline_code(&html), None, "{html}");
        assert!(html.contains("<body data-idle-ms=\"30000\">"));
        assert!(html.contains("data-field=\"credential\""));
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/assets/station.css\">"));
        assert!(html.contains("<script src=\"/assets/station.js\"></script>"));
        let Html(html) = page(Lang::En, "Desk", "Desk", "", None);
        assert!(html.contains("<body><header>"), "no idle timer unless asked: {html}");
        // Every file the pages name is served.
        for path in ["/assets/station.css", "/assets/station.js", "/assets/jsQR.js", "/assets/scrutineer.js"] {
            assert!(ASSETS.iter().any(|a| a.path == path), "{path}");
        }
    }
}
