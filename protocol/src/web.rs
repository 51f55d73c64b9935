//! What every hallvote web page promises the browser, the server's pages and the
//! stations' alike: one Content-Security-Policy and the other security headers, the
//! cache validator of the script and style files the pages load, and JSON that is
//! safe inside a page's `<script type="application/json">` data block.
//!
//! The pages carry no inline script, style, `style` attribute or `on…` handler: their
//! scripts and styles are files served from fixed `/assets/…` paths of the same
//! origin, and the data a script needs is in `data-*` attributes or in a JSON data
//! block, which the browser does not run. So the policy can refuse every inline script
//! and style, and markup an attacker slips into a page (a name typed as
//! `<img src=x onerror=…>`, were an escape ever missed) does not run.

use http::HeaderMap;
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use sha2::{Digest, Sha256};

/// The Content-Security-Policy of every answer of the server and of the stations.
///
/// - `script-src 'self'` and `style-src 'self'`: scripts and style sheets only from the
///   page's own origin, as files; no inline script, `on…` handler, `<style>` block or
///   `style` attribute, and no `eval` (neither the vendored @noble/curves nor jsQR
///   needs it).
/// - `img-src 'self' data: blob:`: images of the same origin, and `data:` and `blob:`
///   images that a page's script makes itself (a QR code or a camera frame drawn to a
///   canvas). No page needs them today (the QR codes are inline SVG, the hall
///   display's `blob:` is a download link, not an image); they are kept because an
///   image cannot run script, and nothing from elsewhere is allowed.
/// - `connect-src 'self'`: `fetch` and the hall display's event stream to the same
///   origin only. The booth's camera needs no source: a camera stream is given to
///   the `<video>` element as an object, not loaded from an address.
/// - `object-src 'none'`, `base-uri 'none'`: no plugin, no `<base>` to redirect the
///   pages' relative addresses; `form-action 'self'`: forms post to the same origin;
///   `frame-ancestors 'none'`: no page may be framed (clickjacking).
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Sets the security headers of every answer: the CSP above, no MIME sniffing, no
/// framing (for browsers that predate `frame-ancestors`), and `referrer` as the
/// `Referrer-Policy`: the server's `no-referrer`; the stations' `same-origin`, which
/// sends no referrer to another origin either but keeps the `Origin` of their own
/// forms' posts, which they check (`no-referrer` makes it `null`).
/// `Strict-Transport-Security` is the server's to add, under TLS only.
pub fn security_headers(headers: &mut HeaderMap, referrer: &'static str) {
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static(referrer));
}

/// A script or style file the pages load, compiled into the binary.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    /// Where it is served, under `/assets/`.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its text.
    pub body: &'static str,
}

/// `Content-Type` of a script (classic or ES module).
pub const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
/// `Content-Type` of a style sheet.
pub const CSS: &str = "text/css; charset=utf-8";

impl Asset {
    /// The file's strong validator: the first 16 bytes of its SHA-256, quoted.
    pub fn etag(&self) -> String {
        let digest = Sha256::digest(self.body.as_bytes());
        format!("\"{}\"", hex::encode(&digest[..16]))
    }

    /// The answer to a `GET` of the file, given the request's headers: `304 Not
    /// Modified` when its `If-None-Match` names the file's validator, else the file.
    ///
    /// The files are served with `Cache-Control: no-cache` and an `ETag`, not as
    /// immutable files under hashed names: the pages (and a template engine that will
    /// fill them later) name each file by one fixed path, a new version of the server
    /// or station is used by the next page load, and the browser's revalidation is one
    /// small request on the hall's own network that answers 304.
    pub fn answer(&self, request: &HeaderMap) -> http::Response<&'static str> {
        let etag = self.etag();
        let fresh = request
            .get_all(http::header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|tag| {
                let tag = tag.trim();
                tag == "*" || tag.trim_start_matches("W/") == etag
            });
        let mut res = http::Response::new(if fresh { "" } else { self.body });
        if fresh {
            *res.status_mut() = http::StatusCode::NOT_MODIFIED;
        }
        let h = res.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(ETAG, v);
        }
        res
    }
}

/// A JSON text made safe for a `<script type="application/json">` data block: `<`,
/// `>` and `&` become `\u003c`, `\u003e`, `\u0026`, so no `</script>` or `<!--` in a
/// name an organiser typed can end the block or change how it is parsed, and U+2028
/// and U+2029 become `\u2028`, `\u2029`. These characters only occur inside JSON
/// strings, where the escape means the same character: `JSON.parse` of the block's
/// text gives the value back.
pub fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A page's data block: `<script type="application/json" id="{id}">…</script>` with
/// `json` made safe by [`script_safe_json`]. `id` is the page's own constant.
pub fn data_block(id: &str, json: &str) -> String {
    format!("<script type=\"application/json\" id=\"{id}\">{}</script>", script_safe_json(json))
}

/// Whether a page carries anything the strict policy refuses: an inline `<script>`
/// (one without `src` that is not a JSON data block), a `<style>` element, a `style`
/// attribute, an `on…` handler attribute or a `javascript:` address. Returns the
/// first such piece found, for a test's message. Looks at markup only: a page's text
/// is escaped, so `<` in it is never a tag.
pub fn inline_code(page: &str) -> Option<String> {
    let lower = page.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find('<') {
        let tag_start = offset + at;
        let after = &rest[at + 1..];
        let end = after.find('>').map_or(after.len(), |e| e);
        let tag = &after[..end];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        // A closing tag, a comment or the doctype has no attributes to look at.
        let attrs = if name.is_empty() { Vec::new() } else { attributes(&tag[name.len()..]) };
        let snippet = || page[tag_start..(tag_start + end + 2).min(page.len())].to_owned();
        if name == "style" {
            return Some(snippet());
        }
        let handler = |(k, v): &(String, String)| {
            k == "style" || (k.starts_with("on") && k.len() > 2) || v.trim_start().starts_with("javascript:")
        };
        if attrs.iter().any(handler) {
            return Some(snippet());
        }
        let mut next = at + 1 + end;
        if name == "script" {
            let close = after[end..].find("</script").map_or(after.len(), |c| end + c);
            let body = after.get(end + 1..close).unwrap_or("").trim();
            let src = attrs.iter().any(|(k, _)| k == "src");
            let data = attrs.iter().any(|(k, v)| k == "type" && v == "application/json");
            if !src && !data {
                return Some(snippet());
            }
            if src && !body.is_empty() {
                return Some(snippet());
            }
            next = at + 1 + close;
        }
        offset += next.min(rest.len());
        rest = &rest[next.min(rest.len())..];
    }
    None
}

/// A tag's attributes (lowercase names, values unquoted), from the text after its name.
fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        text = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if text.is_empty() {
            return out;
        }
        let name_len = text.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/').unwrap_or(text.len());
        let name = text[..name_len].to_owned();
        text = text[name_len..].trim_start();
        let mut value = String::new();
        if let Some(v) = text.strip_prefix('=') {
            let v = v.trim_start();
            let (val, rest) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &v[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
                    (&v[..close], &v[close..])
                }
            };
            value = val.to_owned();
            text = rest;
        }
        if name.is_empty() {
            // A stray character: skip it.
            text = text.get(1..).unwrap_or("");
            continue;
        }
        out.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_end_its_block() {
        let json = r#"{"x":"</script><!-- & \u2028 >"}"#.replace("\\u2028", "\u{2028}");
        assert_eq!(script_safe_json(&json), r#"{"x":"\u003c/script\u003e\u003c!-- \u0026 \u2028 \u003e"}"#);
        assert_eq!(
            data_block("texts", r#"{"a":"</SCRIPT>"}"#),
            r#"<script type="application/json" id="texts">{"a":"\u003c/SCRIPT\u003e"}</script>"#
        );
    }

    #[test]
    fn finds_every_kind_of_inline_code() {
        let clean = r##"<!doctype html><html><head><link rel="stylesheet" href="/assets/a.css">
            <script src="/assets/a.js" defer></script></head><body data-idle="3" class="x">
            <p title="onclick=x style=y">a &lt;script&gt; b</p><a href="/x?style=1">on</a>
            <script type="application/json" id="t">{"a":"\u003cscript\u003e"}</script>
            <svg viewBox="0 0 1 1"><rect fill="#000"/></svg><button type="button" data-action="print">p</button>
            <script type="module" src="/assets/b.js"></script></body></html>"##;
        assert_eq!(inline_code(clean), None);
        for bad in [
            "<script>alert(1)</script>",
            "<SCRIPT type=\"module\">import x</SCRIPT>",
            "<script src=\"/a.js\">alert(1)</script>",
            "<style>p{}</style>",
            "<p style=\"color:red\">",
            "<video hidden STYLE='max-width:100%'>",
            "<button onclick=\"window.print()\">",
            "<body onload=go()>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let page = format!("<p>before</p>{bad}<p>after</p>");
            assert!(inline_code(&page).is_some(), "not found: {bad}");
        }
    }

    #[test]
    fn an_asset_is_revalidated_by_its_etag() {
        let a = Asset { path: "/assets/a.js", content_type: JAVASCRIPT, body: "console.log(1);" };
        let res = a.answer(&HeaderMap::new());
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
        assert_eq!(res.headers()[CONTENT_TYPE], JAVASCRIPT);
        assert_eq!(*res.body(), a.body);
        let etag = res.headers()[ETAG].clone();
        assert_eq!(etag.len(), 34);
        let mut req = HeaderMap::new();
        req.insert(http::header::IF_NONE_MATCH, etag);
        let res = a.answer(&req);
        assert_eq!((res.status().as_u16(), *res.body()), (304, ""));
        let other = Asset { body: "console.log(2);", ..a };
        assert_eq!(other.answer(&req).status(), 200, "a changed file is sent again");
    }
}
