//! What every station page shares: the frame of the layout (`templates/station.html`,
//! filled from [`Frame`]), the style sheet (large type, large targets, high contrast,
//! a visible focus ring) and script as files, the security headers with the strict
//! Content-Security-Policy the server's pages have too, QR codes, and the check that a
//! form was posted by the station's own page.
//!
//! A station page is a compiled template ([`crate::templates`]) holding markup only:
//! no inline script, `<style>`, `style` attribute or `on…` handler (the policy
//! refuses them). Its style sheet and script are files under `kiosk/assets/`, served
//! by [`assets`] at fixed paths; what the script needs is in `data-*` attributes or a
//! JSON data block ([`crate::templates::ScriptJson`]).

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hallvote_protocol::web::{self, Asset, JAVASCRIPT};
use hallvote_tally::Lang;

use crate::words::station::Station;

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

/// What the layout of every station page (`templates/station.html`) shows around the
/// page's own body: the station's name, the title (in the header and `<title>`), the
/// language switch, and the idle timer.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The page's language.
    pub lang: Lang,
    /// The words every page shares, in `lang`.
    pub words: &'static Station,
    /// The station's name.
    pub station: &'a str,
    /// The page's title.
    pub title: &'a str,
    /// The idle timer (station.js) sends the page to `/timeout` after this many
    /// milliseconds without a touch, key press or scan.
    pub idle_ms: Option<u64>,
    /// The text-size and contrast switches, on the booth's pages.
    pub display: Option<Display>,
}

/// How the booth shows its pages to the delegate at it (issue 16): larger text, high
/// contrast, or both, as classes on `<html>` (`station.css`), with a switch for each
/// in the header. The booth keeps them for the visit only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Display {
    /// Larger text (`html.large`).
    pub large: bool,
    /// High contrast: light text on black (`html.contrast`).
    pub contrast: bool,
    /// The switches' labels, in the page's language.
    pub labels: (&'static str, &'static str),
}

impl Display {
    /// The classes of `<html>`.
    pub fn classes(&self) -> &'static str {
        match (self.large, self.contrast) {
            (false, false) => "",
            (true, false) => "large",
            (false, true) => "contrast",
            (true, true) => "large contrast",
        }
    }
}

impl<'a> Frame<'a> {
    /// The frame of a page titled `title` on the station `station`, sent to
    /// `/timeout` after `idle` seconds without a touch if that is given.
    pub fn new(lang: Lang, station: &'a str, title: &'a str, idle: Option<u64>) -> Self {
        Self {
            lang,
            words: Station::of(lang),
            station,
            title,
            idle_ms: idle.map(|s| s.saturating_mul(1000)),
            display: None,
        }
    }

    /// The frame with the booth's display switches, set as `display` says.
    pub fn with_display(self, display: Display) -> Self {
        Self { display: Some(display), ..self }
    }
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

/// An SVG QR code of `text` (for receipts and credentials), labelled `label` for
/// screen readers, or nothing if it cannot be made. It is markup the station drew,
/// which a template prints with `|safe`.
pub fn qr_svg(text: &str, label: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build();
            // Drops the XML declaration before the `<svg`.
            let Some((_, rest)) = svg.split_once("<svg ") else { return String::new() };
            LabelledSvg { label, rest }.render().unwrap_or_default()
        }
        Err(_) => String::new(),
    }
}

/// The QR code's `<svg>` with its label (escaped); `rest` is the markup the
/// `qrcode` crate drew after `<svg `.
#[derive(Template)]
#[template(source = r#"<svg role="img" aria-label="{{ label }}" {{ rest|safe }}"#, ext = "html")]
struct LabelledSvg<'a> {
    label: &'a str,
    rest: &'a str,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[derive(Template)]
    #[template(
        source = r#"{% extends "station.html" %}{% import "macros.html" as m %}{% block body %}{% call m::camera(frame, "credential") %}{% endcall %}<div class="qr">{{ qr|safe }}</div><p>{{ name }}</p>{% endblock %}"#,
        ext = "html"
    )]
    struct Probe<'a> {
        frame: Frame<'a>,
        qr: String,
        name: &'a str,
    }

    /// Every station page is laid out by `station.html`: with the camera, a QR code
    /// and a name that looks like markup, it carries nothing the strict CSP refuses,
    /// and what its script needs is in `data-*` attributes.
    #[test]
    fn a_station_page_has_no_inline_code() {
        let page = Probe {
            frame: Frame::new(Lang::ZhCn, "投票机1", "欢迎投票", Some(30)),
            qr: qr_svg("HVCRED1:abc", "二维码\"<"),
            name: "<img src=x onerror=alert(1)>",
        };
        let html = page.render().unwrap();
        assert_eq!(hallvote_protocol::web::inline_code(&html), None, "{html}");
        assert!(html.contains("<html lang=\"zh-CN\">"), "{html}");
        assert!(html.contains("<body data-idle-ms=\"30000\">"));
        assert!(html.contains("data-field=\"credential\""));
        assert!(html.contains("<svg role=\"img\" aria-label=\"二维码&quot;&lt;\" "), "{html}");
        assert!(html.contains("<p>&lt;img src=x onerror=alert(1)&gt;</p>"));
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/assets/station.css\">"));
        assert!(html.contains("<script src=\"/assets/station.js\"></script>"));
        assert!(html.contains("<a href=\"/lang/en\" lang=\"en\">English</a>"));
        let page = Probe { frame: Frame::new(Lang::En, "Desk", "Desk", None), qr: String::new(), name: "" };
        let html = page.render().unwrap();
        assert!(html.contains("<body><header>"), "no idle timer unless asked: {html}");
        assert!(html.contains("<a href=\"/lang/zh\" lang=\"zh-CN\">中文</a>"), "{html}");
        // Every file the pages name is served.
        for path in ["/assets/station.css", "/assets/station.js", "/assets/jsQR.js", "/assets/scrutineer.js"] {
            assert!(ASSETS.iter().any(|a| a.path == path), "{path}");
        }
    }
}
