//! The stations' pages as compiled templates (askama, ADR 0017, "The stations").
//!
//! A page is a struct deriving [`askama::Template`] with a template file in
//! `kiosk/templates/` (`kiosk/askama.toml`). Every value a template prints is escaped
//! for HTML by [`HtmlEscaper`] unless the template says `|safe`, which only markup
//! the station drew itself may carry (a QR code's SVG, see [`crate::ui::qr_svg`])
//! and a [`ScriptJson`] data block. Under the strict Content-Security-Policy a page
//! has no inline script, no `style` attribute and no `on…` handler, so no value ever
//! lands in a script, style or event-handler context: what a page's script needs is
//! in `data-*` attributes (escaped like any attribute) or in a
//! `<script type="application/json">` data block, which the browser does not run.
//!
//! This module is the only place that knows how text is escaped; no page escapes by
//! hand (`kiosk/tests/no_hand_escaping.rs`).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Renders a page, or a plain 500 if it cannot be rendered (a value's `Display`
/// failed, which none of the pages' values do).
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("a station page could not be rendered: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error / 内部错误").into_response()
        }
    }
}

pub use hallvote_protocol::pages::{HtmlEscaper, ScriptJson};

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use askama::Template;

    #[derive(Template)]
    #[template(source = "<p title=\"{{ t }}\">{{ t }}</p>{{ m|safe }}", ext = "html")]
    struct Probe<'a> {
        t: &'a str,
        m: &'a str,
    }

    #[test]
    fn text_is_escaped_with_named_entities_and_safe_markup_is_not() {
        let page = Probe { t: "<img src=x onerror=alert(1)> & '王' \"", m: "<b>ok</b>" }.render().unwrap();
        assert_eq!(
            page,
            "<p title=\"&lt;img src=x onerror=alert(1)&gt; &amp; &#39;王&#39; &quot;\">\
             &lt;img src=x onerror=alert(1)&gt; &amp; &#39;王&#39; &quot;</p><b>ok</b>"
        );
    }

    /// A value that looks like template syntax is text: templates are compiled, so
    /// nothing a value holds is ever read as a placeholder.
    #[test]
    fn a_value_is_never_template_syntax() {
        let page = Probe { t: "{{ m }}{% if true %}", m: "" }.render().unwrap();
        assert_eq!(page, "<p title=\"{{ m }}{% if true %}\">{{ m }}{% if true %}</p>");
    }

    #[test]
    fn script_json_cannot_end_its_block_and_stays_json() {
        let value = serde_json::json!({"x": "</script><!-- & \u{2028}\u{2029} >"});
        let text = super::ScriptJson::new(&value).to_string();
        assert_eq!(text, r#"{"x":"\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029 \u003e"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
