//! Helpers for the server-rendered pages.

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

/// Fills a page template's `{{key}}` placeholders: the `text` values HTML-escaped,
/// the `raw` ones (markup, or JSON from [`script_json`]) as they are.
pub fn fill(template: &str, text: &[(&str, String)], raw: &[(&str, String)]) -> String {
    let mut page = template.to_owned();
    for (key, value) in text {
        page = page.replace(&format!("{{{{{key}}}}}"), &escape(value));
    }
    for (key, value) in raw {
        page = page.replace(&format!("{{{{{key}}}}}"), value);
    }
    page
}

/// A value as JSON for a `<script>` element: `<` escaped, so no `</script>` can appear.
pub fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape(r#"<script>alert("x")</script> & '"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;"
        );
        assert_eq!(super::escape("阿依古丽·买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn fills_text_escaped_and_raw_as_is() {
        let page = super::fill("<p>{{a}}</p>{{b}}", &[("a", "<i>".into())], &[("b", "<i>".into())]);
        assert_eq!(page, "<p>&lt;i&gt;</p><i>");
        assert_eq!(super::script_json(&serde_json::json!({"x": "</script>"})), r#"{"x":"\u003c/script>"}"#);
    }
}
