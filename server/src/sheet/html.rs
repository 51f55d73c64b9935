//! The result sheet as one HTML page, laid out for A4 paper: no script, and one
//! style sheet from the same origin ([`STYLESHEET_PATH`]). The page is the compiled
//! template `sheet.html` (ADR 0017): every name and title in it is escaped by the
//! template engine, so none can open a tag, close an attribute or start an entity.

use askama::Template;
use hallvote_tally::text::Lang;

use super::{Align, Block, Column, Doc, Row, SheetNav};

/// Where the page's style sheet is served (`server/assets/sheet.css`: large clear
/// type, black on white, bordered tables, A4 with 18 mm margins, Chinese faces first,
/// each as installed by a common system; no web fonts, nothing fetched from elsewhere).
/// A file, not a `<style>` block, so that the page passes a CSP without
/// `'unsafe-inline'`.
pub(crate) const STYLESHEET_PATH: &str = "/assets/sheet.css";

/// Renders the document.
pub(super) fn render(doc: &Doc, nav: Option<&SheetNav>) -> String {
    let zh = doc.lang == Lang::ZhCn;
    let lang = if zh { "zh-CN" } else { "en" };
    let words = NavWords {
        label: if zh { "报告单" } else { "Result sheet" },
        pdf: if zh { "下载 PDF" } else { "Download PDF" },
    };
    let page = SheetPage { lang, stylesheet: STYLESHEET_PATH, doc, nav, words };
    // Rendering writes into a `String` and no value's `Display` fails: this cannot err.
    page.render().unwrap_or_default()
}

/// The page (`sheet.html`). A table cell's line breaks (`\n` in the model) become
/// `<br>` between its escaped lines.
#[derive(Template)]
#[template(path = "sheet.html")]
struct SheetPage<'a> {
    lang: &'static str,
    stylesheet: &'static str,
    doc: &'a Doc,
    /// The served page's screen-only bar; none where the sheet is only a document.
    nav: Option<&'a SheetNav>,
    words: NavWords,
}

/// The bar's words in the page's language.
struct NavWords {
    /// The bar's accessible name.
    label: &'static str,
    pdf: &'static str,
}

impl Doc {
    /// Where the part that the page keeps on one sheet of paper begins: the last
    /// result's outcome and the signatures.
    fn closing_from(&self) -> usize {
        let k = &self.keep_together;
        k.get(k.len().saturating_sub(2)).copied().unwrap_or(self.blocks.len())
    }
}

impl Row {
    /// The row's `class` attribute, if it has one.
    fn class(&self) -> Option<String> {
        let classes: Vec<&str> =
            [(self.strong, "strong"), (self.tall, "tall")].into_iter().filter_map(|(on, c)| on.then_some(c)).collect();
        (!classes.is_empty()).then(|| classes.join(" "))
    }
}

impl Column {
    /// A cell's `class` attribute in this column: its alignment, and `label` for a label column.
    fn class(&self) -> &'static str {
        match (self.align, self.label) {
            (Align::Left, false) => "l",
            (Align::Center, false) => "c",
            (Align::Right, false) => "r",
            (Align::Left, true) => "l label",
            (Align::Center, true) => "c label",
            (Align::Right, true) => "r label",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::{Para, Table};

    fn doc(blocks: Vec<Block>) -> Doc {
        Doc {
            lang: Lang::ZhCn,
            title: "计票结果报告单".into(),
            subtitles: vec!["<b>".into()],
            blocks,
            keep_together: Vec::new(),
        }
    }

    #[test]
    fn text_is_escaped_and_cells_break_lines_after_escaping() {
        let table = Table {
            class: "votes",
            keep: false,
            header: Some(vec!["a\n<i>".into()]),
            columns: vec![Column::TEXT],
            rows: vec![Row { cells: vec!["70\n<b>".into()], strong: true, tall: true }],
        };
        let html = render(
            &doc(vec![
                Block::Para(Para { text: "<img src=x onerror=alert(1)>".into(), strong: true }),
                Block::Table(table),
            ]),
            None,
        );
        assert!(html.contains("<title>计票结果报告单 · &lt;b&gt;</title>"), "{html}");
        assert!(html.contains("<p class=\"sub\">&lt;b&gt;</p>\n</header>"), "{html}");
        assert!(html.contains("<p class=\"strong\">&lt;img src=x onerror=alert(1)&gt;</p>\n"), "{html}");
        assert!(html.contains("<thead><tr><th scope=\"col\">a<br>&lt;i&gt;</th></tr></thead>\n<tbody>\n"), "{html}");
        assert!(
            html.contains("<tr class=\"strong tall\"><td class=\"l\">70<br>&lt;b&gt;</td></tr>\n</tbody>"),
            "{html}"
        );
        assert!(!html.contains("<img") && !html.contains("<b>") && !html.contains("<i>"));
    }
}
