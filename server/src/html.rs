//! Helpers for the server-rendered pages.
//!
//! A page is a template with `{{key}}` placeholders, filled by [`fill`] in one pass
//! over the template: each placeholder of the template is replaced by its value, and
//! the values are never scanned again, so text that looks like a placeholder (a
//! tracking code typed as `{{texts}}`, a poll named `{{summary}}`) stays text. Each
//! value is escaped for where the template puts it: HTML text and attribute values
//! outside a `<script>` element, script-safe JSON inside one.
//!
//! A page holds markup only. Under the strict Content-Security-Policy
//! (`super::http::CONTENT_SECURITY_POLICY`) it has no inline script, no `<style>`
//! block, no `style` attribute and no `on…` handler: its script and style sheet are
//! files (`server/assets/`, served by `super::http::assets` at fixed paths), loaded
//! with `<script src>` and `<link rel="stylesheet">`. What a script needs from the
//! server — its texts in the page's language, a session's number — is in `data-*`
//! attributes or in a data block, `<script type="application/json" id="…">{{texts}}</script>`,
//! which the browser does not run and the script reads with
//! `JSON.parse(document.getElementById("…").textContent)`; [`fill`] puts a
//! [`Slot::Json`] there as [`script_json`], so an organiser-typed `</script>` or `<!--`
//! cannot end the block. The templates (`http/pages/*.html`) and the files are plain
//! HTML, CSS and JavaScript with nothing of this module in them but the `{{key}}`
//! placeholders, so a template engine can take them over as they are.

use serde_json::Value;

/// The value of one placeholder of a page template.
#[derive(Clone, Debug)]
pub enum Slot {
    /// Text from anywhere: HTML-escaped in markup, a JSON string in a script.
    Text(String),
    /// Markup the server made, every text in it escaped where it was made: placed as it is.
    Markup(String),
    /// A value for a script, as JSON (see [`script_json`]); HTML-escaped JSON text in markup.
    Json(Value),
}

impl Slot {
    /// Text to escape.
    pub fn text(value: impl Into<String>) -> Self {
        Self::Text(value.into())
    }

    /// The value as it goes into the page, in a script element or not.
    fn render(&self, in_script: bool) -> String {
        match (self, in_script) {
            (Self::Text(t), false) => escape(t),
            (Self::Text(t), true) => script_json(&Value::String(t.clone())),
            (Self::Markup(m), _) => m.clone(),
            (Self::Json(v), false) => escape(&v.to_string()),
            (Self::Json(v), true) => script_json(v),
        }
    }
}

/// Fills a page template's `{{key}}` placeholders with `slots`, in one pass over the
/// template: a value is never scanned for placeholders. A placeholder without a slot
/// is left as it is (the pages' tests look for `{{`).
pub fn fill(template: &str, slots: &[(&str, Slot)]) -> String {
    let mut page = String::with_capacity(template.len() + 4096);
    let mut rest = template;
    let mut in_script = false;
    while let Some(open) = rest.find("{{") {
        let (literal, after) = rest.split_at(open);
        in_script = script_after(in_script, literal);
        page.push_str(literal);
        let after = &after[2..];
        let key = after.find("}}").map(|close| &after[..close]).filter(|k| is_key(k));
        let slot = key.and_then(|k| slots.iter().find(|(name, _)| *name == k));
        match (key, slot) {
            (Some(k), Some((_, slot))) => {
                page.push_str(&slot.render(in_script));
                rest = &after[k.len() + 2..];
            }
            _ => {
                page.push_str("{{");
                rest = after;
            }
        }
    }
    page.push_str(rest);
    page
}

/// A value as JSON for a `<script type="application/json">` data block: `<`, `>` and
/// `&` escaped, so no `</script>` or `<!--` can appear, and U+2028 and U+2029 escaped.
/// These characters only occur inside JSON strings, where `\uXXXX` means the same
/// character ([`hallvote_protocol::web::script_safe_json`], the stations' too).
pub fn script_json(value: &Value) -> String {
    hallvote_protocol::web::script_safe_json(&value.to_string())
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

/// A placeholder's name: lowercase ASCII letters, digits and `_`.
fn is_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether the template is inside a `<script>` element after `literal`, given
/// whether it was before. Only the template's own text is looked at, never a value.
fn script_after(in_script: bool, literal: &str) -> bool {
    let lower = literal.to_ascii_lowercase();
    match (lower.rfind("<script"), lower.rfind("</script")) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => in_script,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Slot, escape, fill, script_json};

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & '"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;"
        );
        assert_eq!(escape("阿依古丽·买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn fills_text_escaped_and_markup_as_is() {
        let page = fill("<p>{{a}}</p>{{b}}", &[("a", Slot::text("<i>")), ("b", Slot::Markup("<i>".into()))]);
        assert_eq!(page, "<p>&lt;i&gt;</p><i>");
    }

    /// The reflected XSS of issue 14: a value holding another placeholder's name was
    /// expanded again, inside an attribute that had already been escaped.
    #[test]
    fn a_value_is_never_scanned_for_placeholders() {
        let template = r#"<input value="{{code}}">{{message}}<script>const T = {{texts}};</script>"#;
        let slots = [
            ("code", Slot::text("{{texts}}{{message}}{{code}}")),
            ("message", Slot::Markup("<p class=\"m\">{{code}}</p>".into())),
            ("texts", Slot::Json(json!({"a": "{{code}}\"><img src=x onerror=alert(1)>"}))),
        ];
        let page = fill(template, &slots);
        assert_eq!(
            page,
            r#"<input value="{{texts}}{{message}}{{code}}"><p class="m">{{code}}</p><script>const T = {"a":"{{code}}\"\u003e\u003cimg src=x onerror=alert(1)\u003e"};</script>"#
        );
        // Braces that are not a placeholder, or one without a value, stay as they are.
        assert_eq!(fill("{{ a }}{{b}}{{}}{{", &[("a", Slot::text("x"))]), "{{ a }}{{b}}{{}}{{");
    }

    #[test]
    fn values_are_escaped_for_where_they_go() {
        let template =
            "<a href=\"/s/{{id}}\" title=\"{{t}}\">{{t}}</a><SCRIPT>const ID = {{id}}, T = {{t}};</SCRIPT>{{t}}";
        let page = fill(template, &[("id", Slot::Json(json!(7))), ("t", Slot::text("</script>\"'&\u{2028}"))]);
        assert_eq!(
            page,
            "<a href=\"/s/7\" title=\"&lt;/script&gt;&quot;&#39;&amp;\u{2028}\">&lt;/script&gt;&quot;&#39;&amp;\u{2028}</a>\
             <SCRIPT>const ID = 7, T = \"\\u003c/script\\u003e\\\"'\\u0026\\u2028\";</SCRIPT>\
             &lt;/script&gt;&quot;&#39;&amp;\u{2028}"
        );
    }

    #[test]
    fn script_json_cannot_end_its_script_and_stays_json() {
        let value = json!({"x": "</script><!-- & \u{2028}\u{2029} >"});
        let text = script_json(&value);
        assert_eq!(text, r#"{"x":"\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029 \u003e"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
