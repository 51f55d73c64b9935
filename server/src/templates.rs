//! The server's pages as compiled templates (askama, ADR 0017).
//!
//! A page is a struct deriving [`askama::Template`] with a template file in
//! `http/pages/`. Every value the template prints is escaped for HTML by
//! [`HtmlEscaper`] unless the template says `|safe`, which only markup the server
//! drew itself may carry (a QR code's SVG, a chart). Text goes into element content
//! and quoted attribute values only; under the strict Content-Security-Policy a
//! page has no inline script, no `style` attribute and no `on…` handler, so no
//! value ever lands in a script, style or event-handler context. What a page's
//! script needs from the server is in `data-*` attributes (escaped like any
//! attribute) or in a `<script type="application/json">` data block filled with
//! script-safe JSON (`hallvote_protocol::web::script_safe_json`), which the
//! browser does not run. A URL in an `href` is built by
//! the server from parts it encoded, then escaped as an attribute like any text.

use askama::Template;
use axum::response::Html;

use crate::ApiError;

/// Renders a page, or a 500 if it cannot be rendered (a value's `Display` failed,
/// which none of the pages' values do).
pub fn render(page: &impl Template) -> Result<Html<String>, ApiError> {
    page.render().map(Html).map_err(ApiError::internal)
}

pub use hallvote_protocol::pages::{HtmlEscaper, ScriptJson};

#[cfg(test)]
mod tests {
    use askama::Template;

    #[derive(Template)]
    #[template(source = "<p title=\"{{ t }}\">{{ t }}</p>{{ m|safe }}", ext = "html")]
    struct Probe<'a> {
        t: &'a str,
        m: &'a str,
    }

    #[test]
    fn script_json_cannot_end_its_block_and_stays_json() {
        let value = serde_json::json!({"x": "</script><!-- & \u{2028}\u{2029} >"});
        let text = super::ScriptJson::new(&value).to_string();
        assert_eq!(text, r#"{"x":"\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029 \u003e"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }

    #[test]
    fn text_is_escaped_with_named_entities_and_safe_markup_is_not() {
        let page = Probe { t: "<script>alert(\"x\")</script> & '王'", m: "<b>ok</b>" }.render().unwrap();
        assert_eq!(
            page,
            "<p title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;王&#39;\">\
             &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;王&#39;</p><b>ok</b>"
        );
    }

    /// A value that looks like template syntax is text: templates are compiled, so
    /// nothing a value holds is ever read as a placeholder.
    #[test]
    fn a_value_is_never_template_syntax() {
        let page = Probe { t: "{{ m }}{% if true %}", m: "" }.render().unwrap();
        assert_eq!(page, "<p title=\"{{ m }}{% if true %}\">{{ m }}{% if true %}</p>");
    }
}
