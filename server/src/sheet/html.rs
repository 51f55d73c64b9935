//! The result sheet as one HTML page, laid out for A4 paper: no script, and one
//! style sheet from the same origin ([`STYLESHEET_PATH`]).

use std::fmt::Write;

use hallvote_tally::text::Lang;

use super::{Align, Block, Doc, Table};

/// Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become character references, so no name or title can open a tag, close
/// an attribute or start an entity.
pub use crate::html::escape;

/// Where the page's style sheet is served (`server/assets/sheet.css`: large clear
/// type, black on white, bordered tables, A4 with 18 mm margins, Chinese faces first,
/// each as installed by a common system; no web fonts, nothing fetched from elsewhere).
/// A file, not a `<style>` block, so that the page passes a CSP without
/// `'unsafe-inline'`.
pub(crate) const STYLESHEET_PATH: &str = "/assets/sheet.css";

/// Renders the document.
pub(super) fn render(doc: &Doc) -> String {
    let lang = match doc.lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    };
    let mut s = String::with_capacity(16 * 1024);
    let title = std::iter::once(&doc.title).chain(&doc.subtitles).map(|x| escape(x)).collect::<Vec<_>>().join(" · ");
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"{STYLESHEET_PATH}\">\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        escape(&doc.title)
    );
    for sub in &doc.subtitles {
        let _ = writeln!(s, "<p class=\"sub\">{}</p>", escape(sub));
    }
    s.push_str("</header>\n<main>\n");
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                let _ = writeln!(s, "<h2>{}</h2>", escape(h));
            }
            Block::Para(p) => {
                let class = if p.strong { " class=\"strong\"" } else { "" };
                let _ = writeln!(s, "<p{class}>{}</p>", escape(&p.text));
            }
            Block::Table(t) => table(&mut s, t),
            Block::Notes { title, items } => {
                let _ = writeln!(s, "<div class=\"notes\">\n<p class=\"title\">{}</p>", escape(title));
                for item in items {
                    let _ = writeln!(s, "<p>{}</p>", escape(item));
                }
                s.push_str("</div>\n");
            }
            Block::Alert(text) => {
                let _ = writeln!(s, "<div class=\"alert\" role=\"alert\">{}</div>", escape(text));
            }
        }
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

fn table(s: &mut String, t: &Table) {
    let _ = writeln!(s, "<table class=\"{}\">", t.class);
    if let Some(header) = &t.header {
        s.push_str("<thead><tr>");
        for h in header {
            let _ = write!(s, "<th scope=\"col\">{}</th>", cell(h));
        }
        s.push_str("</tr></thead>\n");
    }
    s.push_str("<tbody>\n");
    for row in &t.rows {
        let classes: Vec<&str> =
            [(row.strong, "strong"), (row.tall, "tall")].into_iter().filter_map(|(on, c)| on.then_some(c)).collect();
        if classes.is_empty() {
            s.push_str("<tr>");
        } else {
            let _ = write!(s, "<tr class=\"{}\">", classes.join(" "));
        }
        for (text, col) in row.cells.iter().zip(&t.columns) {
            let align = match col.align {
                Align::Left => "l",
                Align::Center => "c",
                Align::Right => "r",
            };
            let label = if col.label { " label" } else { "" };
            let _ = write!(s, "<td class=\"{align}{label}\">{}</td>", cell(text));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
}

/// Escaped cell text, with the model's line breaks as `<br>`.
fn cell(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(escape("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(escape("\"><img src=x onerror=alert(1)>"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(escape("A&amp;B"), "A&amp;amp;B", "an entity in a name stays literal text");
        assert_eq!(escape("王晓冬"), "王晓冬");
    }

    #[test]
    fn cell_breaks_lines_after_escaping() {
        assert_eq!(cell("70\n<b>"), "70<br>&lt;b&gt;");
    }
}
