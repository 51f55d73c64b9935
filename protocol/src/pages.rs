//! What the compiled page templates of the server and of the stations share (askama,
//! ADR 0017): the one HTML escaper their `askama.toml` files name, and the one value
//! a template may print into a `<script type="application/json">` data block. One copy,
//! so the server's pages and the stations' escape alike.

/// A value for a `<script type="application/json">` data block: JSON with `<`, `>`,
/// `&`, U+2028 and U+2029 as `\uXXXX`, so no `</script>` or `<!--` can end the block
/// ([`crate::web::script_safe_json`]). The only value a template prints into a data
/// block, with `|safe`.
#[derive(Clone, Debug)]
pub struct ScriptJson(String);

impl ScriptJson {
    /// `value` made safe for a data block.
    pub fn new(value: &serde_json::Value) -> Self {
        Self(crate::web::script_safe_json(&value.to_string()))
    }

    /// A page's typed data made safe for a data block. Its JSON text is `null` if
    /// `value` cannot be written as JSON, which a struct of strings, numbers, lists
    /// and string-keyed maps always can.
    pub fn of<T: serde::Serialize>(value: &T) -> Self {
        let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
        Self(crate::web::script_safe_json(&text))
    }
}

impl std::fmt::Display for ScriptJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The HTML escaper of every `.html` template (`server/askama.toml`,
/// `kiosk/askama.toml`): `&`, `<`, `>`, `"` and `'` as the named entities the pages
/// have always written (askama's own escaper writes numeric ones, which mean the same
/// to a browser but would change every page's bytes).
#[derive(Clone, Copy, Debug, Default)]
pub struct HtmlEscaper;

impl askama::filters::Escaper for HtmlEscaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        let mut rest = string;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            dest.write_str(&rest[..at])?;
            dest.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        dest.write_str(rest)
    }
}
