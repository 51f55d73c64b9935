//! The result sheet as an A4 PDF (ADR 0007): laid out here, line by line, from the
//! document model, and written with krilla, which subsets and embeds the font.
//!
//! Text is set glyph by glyph from the font's own character map and advances (no
//! shaping engine: Chinese and the digits and Latin names of a result sheet need none),
//! so what is measured for line breaking is exactly what is drawn. A character the
//! first font lacks is taken from the next font found; one that no font has is an
//! error rather than a blank box in someone's name.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hallvote_tally::text::Lang;
use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::{FileRef, TableProvider};
use skrifa::{FontRef, MetadataProvider, string::StringId};

use super::{Align, Block, Doc, SheetError, Table};

/// The environment variable that names the font file to use first (a `.ttf`, `.otf`,
/// `.ttc` or `.otc` with Chinese glyphs).
pub const FONT_ENV: &str = "HALLVOTE_CJK_FONT";

/// The Debian package that provides the default font (`/usr/share/fonts/truetype/wqy/
/// wqy-microhei.ttc`, 5 MB).
pub const FONT_PACKAGE: &str = "fonts-wqy-microhei";

/// Where fonts with Chinese glyphs are looked for, best first: WenQuanYi Micro Hei
/// (small, complete for GB 2312 and the common names), then Noto Sans CJK (large, wider
/// coverage of rare characters in names), in the places Debian, Fedora and Arch install
/// them.
const CJK_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// Tried last, for symbols a CJK font may lack.
const FALLBACK_FONTS: &[&str] = &["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"];

/// The font files a PDF sheet is set in, in order of preference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fonts {
    paths: Vec<PathBuf>,
}

impl Fonts {
    /// The file named by [`FONT_ENV`] if set, then every font of the built-in search
    /// list that exists. Fails when [`FONT_ENV`] names a missing file, or when it is unset
    /// and no CJK font is installed ([`SheetError::FontNotFound`] names the package).
    pub fn locate() -> Result<Self, SheetError> {
        let env = std::env::var_os(FONT_ENV).filter(|v| !v.is_empty()).map(PathBuf::from);
        search(env, CJK_FONTS, FALLBACK_FONTS)
    }

    /// Exactly these files, first preferred. Each must exist.
    pub fn from_paths<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Result<Self, SheetError> {
        let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
        if paths.is_empty() {
            return Err(SheetError::FontNotFound { searched: Vec::new() });
        }
        if let Some(p) = paths.iter().find(|p| !p.is_file()) {
            return Err(unusable(p, "no such file"));
        }
        Ok(Self { paths })
    }

    /// The files, first preferred.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }
}

fn search(env: Option<PathBuf>, cjk: &[&str], fallback: &[&str]) -> Result<Fonts, SheetError> {
    let mut paths = Vec::new();
    if let Some(p) = env {
        if !p.is_file() {
            return Err(unusable(&p, &format!("named by {FONT_ENV}, but no such file")));
        }
        paths.push(p);
    }
    add_existing(&mut paths, cjk);
    if paths.is_empty() {
        return Err(SheetError::FontNotFound { searched: cjk.iter().map(PathBuf::from).collect() });
    }
    add_existing(&mut paths, fallback);
    Ok(Fonts { paths })
}

fn add_existing(paths: &mut Vec<PathBuf>, candidates: &[&str]) {
    for p in candidates.iter().map(PathBuf::from) {
        if p.is_file() && !paths.contains(&p) {
            paths.push(p);
        }
    }
}

fn unusable(path: &Path, reason: &str) -> SheetError {
    SheetError::FontUnusable { path: path.to_owned(), reason: reason.to_owned() }
}

// ---------------------------------------------------------------------------------
// Page geometry, in PDF points (1/72 in). A4 is 210 × 297 mm.

const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const TOP: f32 = 51.0;
/// Lowest point of the content; the footer sits below it.
const BOTTOM: f32 = PAGE_H - 58.0;
const FOOTER_BASELINE: f32 = PAGE_H - 30.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const TITLE: f32 = 21.0;
const SUBTITLE: f32 = 13.5;
const HEADING: f32 = 13.5;
const BODY: f32 = 11.5;
const CELL: f32 = 11.5;
const NOTE: f32 = 9.5;
const FOOTER: f32 = 8.5;
/// Line height as a multiple of the type size.
const LEADING: f32 = 1.45;
/// Where the baseline sits in a 1 em box (Chinese glyphs fill about 0.88 em above it).
const ASCENT: f32 = 0.86;
const PAD_X: f32 = 5.0;
const PAD_Y: f32 = 3.5;
/// Height of a row to sign by hand in.
const TALL_ROW: f32 = 40.0;
const RULE: f32 = 0.8;
const SHADE: u8 = 232;

/// Renders the document with the fonts.
pub(super) fn render(doc: &Doc, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    let footer = footer_left(doc);
    let mut chars: BTreeSet<char> = doc_strings(doc).flat_map(str::chars).collect();
    chars.extend(footer.chars().chain(page_number(doc.lang, 0, 0).chars()).chain('0'..='9'));
    let (faces, glyphs) = resolve(&chars, fonts)?;

    let mut layout = Layout { glyphs: &glyphs, pages: vec![Vec::new()], y: TOP };
    layout.doc(doc);
    let pages = layout.finish(doc, &footer);

    let mut document = Document::new();
    let lang = match doc.lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    };
    let mut title = vec![doc.title.clone()];
    title.extend(doc.subtitles.iter().cloned());
    document.set_metadata(
        Metadata::new().title(title.join(" · ")).language(lang.to_owned()).creator("hallvote".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| SheetError::Pdf("page size".to_owned()))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &op, &faces, &glyphs);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| {
        SheetError::Pdf(match e {
            krilla::error::KrillaError::Font(_, msg) => format!("font: {msg}"),
            other => format!("{other:?}"),
        })
    })
}

/// The footer's left side: the title and the poll.
fn footer_left(doc: &Doc) -> String {
    std::iter::once(&doc.title).chain(doc.subtitles.last()).cloned().collect::<Vec<_>>().join(" · ")
}

fn page_number(lang: Lang, n: usize, of: usize) -> String {
    match lang {
        Lang::ZhCn => format!("第 {n} 页 共 {of} 页"),
        Lang::En => format!("Page {n} of {of}"),
    }
}

/// Every string the document prints.
fn doc_strings(doc: &Doc) -> impl Iterator<Item = &str> {
    let blocks = doc.blocks.iter().flat_map(|b| -> Vec<&str> {
        match b {
            Block::Heading(s) | Block::Alert(s) => vec![s],
            Block::Para(p) => vec![&p.text],
            Block::Notes { title, items } => std::iter::once(title).chain(items).map(String::as_str).collect(),
            Block::Table(t) => {
                t.header.iter().flatten().chain(t.rows.iter().flat_map(|r| &r.cells)).map(String::as_str).collect()
            }
        }
    });
    std::iter::once(doc.title.as_str()).chain(doc.subtitles.iter().map(String::as_str)).chain(blocks)
}

// ---------------------------------------------------------------------------------
// Fonts and glyphs.

/// A loaded font face.
struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    font: krilla::text::Font,
}

impl Face {
    fn load(path: &Path) -> Result<Self, SheetError> {
        let bytes = std::fs::read(path).map_err(|e| unusable(path, &e.to_string()))?;
        let index = pick_face(&bytes).ok_or_else(|| unusable(path, "not a TrueType/OpenType font or collection"))?;
        let data = Arc::new(bytes);
        let font = krilla::text::Font::new(data.clone().into(), index)
            .ok_or_else(|| unusable(path, "the PDF library cannot read it"))?;
        Ok(Self { data, index, font })
    }
}

/// The face of a file to use: in a collection, the Simplified Chinese one (Noto Sans CJK
/// holds JP, KR, SC, TC, HK) or else the first that is not monospaced (WenQuanYi's Micro
/// Hei before Micro Hei Mono).
fn pick_face(data: &[u8]) -> Option<u32> {
    match FileRef::new(data).ok()? {
        FileRef::Font(_) => Some(0),
        FileRef::Collection(c) => {
            let names: Vec<(u32, String)> = (0..c.len())
                .filter_map(|i| {
                    let f = c.get(i).ok()?;
                    let name = f.localized_strings(StringId::FAMILY_NAME).english_or_first()?.to_string();
                    Some((i, name))
                })
                .collect();
            names
                .iter()
                .find(|(_, n)| n.ends_with(" SC") && !n.contains("Mono"))
                .or_else(|| names.iter().find(|(_, n)| !n.contains("Mono")))
                .or(names.first())
                .map(|(i, _)| *i)
        }
    }
}

/// A character's glyph: which face, its id, its advance in em.
#[derive(Clone, Copy, Debug)]
struct Glyph {
    face: usize,
    id: u32,
    advance: f32,
}

/// Loads fonts in order until every character has a glyph.
fn resolve(chars: &BTreeSet<char>, fonts: &Fonts) -> Result<(Vec<Face>, HashMap<char, Glyph>), SheetError> {
    let mut missing: Vec<char> = chars.iter().copied().filter(|c| !c.is_control()).collect();
    let mut faces = Vec::new();
    let mut glyphs = HashMap::new();
    for path in &fonts.paths {
        if !faces.is_empty() && missing.is_empty() {
            break;
        }
        let face = Face::load(path)?;
        let font = FontRef::from_index(&face.data, face.index).map_err(|e| unusable(path, &e.to_string()))?;
        let upem = f32::from(font.head().map_err(|e| unusable(path, &e.to_string()))?.units_per_em());
        let (cmap, metrics) = (font.charmap(), font.glyph_metrics(Size::unscaled(), LocationRef::default()));
        let n = faces.len();
        missing.retain(|&c| match cmap.map(c) {
            Some(id) if id.to_u32() != 0 => {
                let advance = metrics.advance_width(id).unwrap_or(0.0) / upem.max(1.0);
                glyphs.insert(c, Glyph { face: n, id: id.to_u32(), advance });
                false
            }
            _ => true,
        });
        faces.push(face);
    }
    match missing.first() {
        Some(&character) => Err(SheetError::MissingGlyph { character, fonts: fonts.paths.clone() }),
        None => Ok((faces, glyphs)),
    }
}

// ---------------------------------------------------------------------------------
// Layout: the document as drawing operations, page by page.

#[derive(Clone, Debug)]
enum Op {
    Text { x: f32, baseline: f32, size: f32, text: String, strong: bool },
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Option<u8>, stroke: f32 },
}

struct Layout<'a> {
    glyphs: &'a HashMap<char, Glyph>,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    y: f32,
}

impl Layout<'_> {
    fn doc(&mut self, doc: &Doc) {
        self.centred(&doc.title, TITLE, true);
        self.y += 4.0;
        for s in &doc.subtitles {
            self.centred(s, SUBTITLE, false);
        }
        self.y += 8.0;
        // The first place the closing part can begin from and still fit one page.
        let keep = doc.keep_together.iter().find_map(|&from| {
            let h = self.height_alone(doc.blocks.get(from..)?)?;
            Some((from, h))
        });
        self.blocks(&doc.blocks, keep);
    }

    /// The height of `blocks` set from the top of an empty page, if they fit on it.
    fn height_alone(&self, blocks: &[Block]) -> Option<f32> {
        let mut dry = Layout { glyphs: self.glyphs, pages: vec![Vec::new()], y: TOP };
        dry.blocks(blocks, None);
        (dry.pages.len() == 1).then_some(dry.y - TOP)
    }

    /// Sets the blocks; `keep` is where a part of height `h` begins that is not to
    /// be broken across pages.
    fn blocks(&mut self, blocks: &[Block], keep: Option<(usize, f32)>) {
        for (i, block) in blocks.iter().enumerate() {
            if let Some((from, h)) = keep
                && from == i
            {
                self.ensure(h);
            }
            match block {
                Block::Heading(h) => {
                    // Keep a heading with what it heads: a few lines, or a whole table
                    // that is kept together.
                    let next = match blocks.get(i + 1) {
                        Some(Block::Table(t)) if t.keep => self.table_height(t) + 3.0,
                        _ => 4.0 * CELL * LEADING,
                    };
                    self.y += 10.0;
                    self.ensure(HEADING * LEADING + 2.0 + next);
                    self.paragraph(h, HEADING, true, 0.0);
                    self.y += 2.0;
                }
                Block::Para(p) => {
                    self.paragraph(&p.text, BODY, p.strong, 0.0);
                    self.y += 1.5;
                }
                Block::Table(t) => {
                    self.y += 3.0;
                    if t.keep {
                        self.ensure(self.table_height(t));
                    }
                    self.table(t);
                    self.y += 5.0;
                }
                Block::Notes { title, items } => {
                    self.y += 2.0;
                    self.ensure(2.0 * NOTE * LEADING);
                    self.paragraph(title, NOTE, true, 0.0);
                    for item in items {
                        self.paragraph(item, NOTE, false, 2.0 * NOTE);
                    }
                    self.y += 3.0;
                }
                Block::Alert(text) => {
                    let lines = self.wrap(text, HEADING, CONTENT_W - 2.0 * PAD_X * 2.0);
                    let h = lines.len() as f32 * HEADING * LEADING + 4.0 * PAD_Y;
                    self.y += 6.0;
                    self.ensure(h);
                    let y = self.y;
                    self.push(Op::Rect { x: MARGIN_X, y, w: CONTENT_W, h, fill: None, stroke: 2.0 });
                    self.y += 2.0 * PAD_Y;
                    for line in lines {
                        self.line(MARGIN_X + 2.0 * PAD_X, HEADING, line, true);
                    }
                    self.y = y + h + 6.0;
                }
            }
        }
    }

    /// The pages, each with its footer.
    fn finish(self, doc: &Doc, left: &str) -> Vec<Vec<Op>> {
        let total = self.pages.len();
        let width = |s: &str| text_width(self.glyphs, s, FOOTER);
        self.pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let number = page_number(doc.lang, i + 1, total);
                let x = PAGE_W - MARGIN_X - width(&number);
                ops.push(Op::Rect {
                    x: MARGIN_X,
                    y: FOOTER_BASELINE - 12.0,
                    w: CONTENT_W,
                    h: 0.0,
                    fill: None,
                    stroke: 0.5,
                });
                ops.push(Op::Text {
                    x: MARGIN_X,
                    baseline: FOOTER_BASELINE,
                    size: FOOTER,
                    text: left.to_owned(),
                    strong: false,
                });
                ops.push(Op::Text { x, baseline: FOOTER_BASELINE, size: FOOTER, text: number, strong: false });
                ops
            })
            .collect()
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Starts a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    /// One line of text at `x`, its box's top at the current y.
    fn line(&mut self, x: f32, size: f32, text: String, strong: bool) {
        let baseline = self.y + (LEADING - 1.0) / 2.0 * size + ASCENT * size;
        self.push(Op::Text { x, baseline, size, text, strong });
        self.y += size * LEADING;
    }

    fn centred(&mut self, text: &str, size: f32, strong: bool) {
        for line in self.wrap(text, size, CONTENT_W) {
            let x = MARGIN_X + (CONTENT_W - self.width(&line, size)) / 2.0;
            self.ensure(size * LEADING);
            self.line(x, size, line, strong);
        }
    }

    /// Wrapped text across the content width; lines after the first indented by `hang`.
    fn paragraph(&mut self, text: &str, size: f32, strong: bool, hang: f32) {
        let first = self.wrap_first(text, size, CONTENT_W, CONTENT_W - hang);
        for (i, line) in first.into_iter().enumerate() {
            self.ensure(size * LEADING);
            self.line(MARGIN_X + if i == 0 { 0.0 } else { hang }, size, line, strong);
        }
    }

    /// A row's lines per cell, and its height.
    fn row_lines(&self, cells: &[String], widths: &[f32], tall: bool) -> (Vec<Vec<String>>, f32) {
        let lines: Vec<Vec<String>> =
            cells.iter().zip(widths).map(|(c, w)| self.wrap(c, CELL, w - 2.0 * PAD_X)).collect();
        let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL * LEADING + 2.0 * PAD_Y;
        (lines, if tall { h.max(TALL_ROW) } else { h })
    }

    fn table_height(&self, t: &Table) -> f32 {
        let widths = self.columns(t);
        let header = t.header.as_ref().map_or(0.0, |h| self.row_lines(h, &widths, false).1);
        header + t.rows.iter().map(|r| self.row_lines(&r.cells, &widths, r.tall).1).sum::<f32>()
    }

    fn table(&mut self, t: &Table) {
        let widths = self.columns(t);
        // Right-aligned figures are set as a block centred under the heading.
        let block: Vec<f32> = (0..widths.len())
            .map(|i| {
                let lines = t.rows.iter().filter_map(|r| r.cells.get(i)).flat_map(|c| c.split('\n'));
                lines.map(|l| self.width(l, CELL)).fold(0.0, f32::max)
            })
            .collect();
        let header = t.header.as_ref().map(|h| self.row_lines(h, &widths, false));
        let header_h = header.as_ref().map_or(0.0, |h| h.1);
        for (k, row) in t.rows.iter().enumerate() {
            let (cells, h) = self.row_lines(&row.cells, &widths, row.tall);
            let page = self.pages.len();
            self.ensure(h + if k == 0 { header_h } else { 0.0 });
            if let Some((hd, _)) = &header
                && (k == 0 || self.pages.len() != page)
            {
                self.row(&widths, &block, hd, header_h, t, (true, true));
            }
            self.row(&widths, &block, &cells, h, t, (row.strong, false));
        }
    }

    /// Draws one row at the current y.
    fn row(&mut self, widths: &[f32], block: &[f32], cells: &[Vec<String>], h: f32, t: &Table, style: (bool, bool)) {
        let (strong, header) = style;
        let lh = CELL * LEADING;
        let top = self.y;
        let mut x = MARGIN_X;
        for (i, (lines, &w)) in cells.iter().zip(widths).enumerate() {
            let col = t.columns.get(i).copied().unwrap_or(super::Column::TEXT);
            let fill = (header || col.label).then_some(SHADE);
            self.push(Op::Rect { x, y: top, w, h, fill, stroke: RULE });
            self.y = top + (h - lines.len() as f32 * lh) / 2.0;
            for line in lines {
                let free = w - 2.0 * PAD_X - self.width(line, CELL);
                let dx = match if header { Align::Center } else { col.align } {
                    Align::Left => 0.0,
                    Align::Center => free / 2.0,
                    Align::Right => free - (w - 2.0 * PAD_X - block.get(i).copied().unwrap_or(0.0)).max(0.0) / 2.0,
                };
                self.line(x + PAD_X + dx, CELL, line.clone(), strong || header || col.label);
            }
            x += w;
        }
        self.y = top + h;
    }

    /// Column widths, with each column's natural width: the spare room shared out by
    /// [`Column::grow`](super::Column); when too wide, squeezed down towards the widest
    /// word.
    fn columns(&self, t: &Table) -> Vec<f32> {
        let n = t.columns.len();
        let rows: Vec<&Vec<String>> = t.header.iter().chain(t.rows.iter().map(|r| &r.cells)).collect();
        let measure = |f: &dyn Fn(&str) -> f32| -> Vec<f32> {
            (0..n)
                .map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| f(c)).fold(0.0, f32::max) + 2.0 * PAD_X + 1.0)
                .collect()
        };
        let natural = measure(&|c| c.split('\n').map(|l| self.width(l, CELL)).fold(0.0, f32::max));
        let least = measure(&|c| tokens(c).iter().map(|w| self.width(w, CELL)).fold(0.0, f32::max));
        let (sum_n, sum_l): (f32, f32) = (natural.iter().sum(), least.iter().sum());
        if sum_n <= CONTENT_W {
            let grow: Vec<f32> = t.columns.iter().map(|c| c.grow).collect();
            let total: f32 = grow.iter().sum();
            let spare = CONTENT_W - sum_n;
            (0..n).map(|i| natural[i] + if total > 0.0 { spare * grow[i] / total } else { spare / n as f32 }).collect()
        } else if sum_l <= CONTENT_W {
            let k = (CONTENT_W - sum_l) / (sum_n - sum_l);
            (0..n).map(|i| least[i] + (natural[i] - least[i]) * k).collect()
        } else {
            natural.iter().map(|w| w * CONTENT_W / sum_n).collect()
        }
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        text_width(self.glyphs, s, size)
    }

    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        self.wrap_first(text, size, width, width)
    }

    /// Greedy line breaking: between Chinese characters (never before closing or after
    /// opening punctuation), at spaces between words, inside a word only when it does
    /// not fit a line by itself. `\n` always breaks. The first line may be wider.
    fn wrap_first(&self, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for hard in text.split('\n') {
            let mut line = String::new();
            for token in tokens(hard) {
                let max = if lines.is_empty() { first } else { rest };
                let candidate = format!("{line}{token}");
                if line.is_empty() || self.width(candidate.trim_end(), size) <= max {
                    line = candidate;
                } else {
                    lines.push(line.trim_end().to_owned());
                    line = token.trim_start().to_owned();
                }
                // A word longer than a whole line is broken between characters.
                while self.width(&line, size) > max && line.chars().count() > 1 {
                    let mut head = String::new();
                    for c in line.chars() {
                        let next = format!("{head}{c}");
                        if !head.is_empty() && self.width(&next, size) > max {
                            break;
                        }
                        head = next;
                    }
                    line = line[head.len()..].to_owned();
                    lines.push(head);
                }
            }
            lines.push(line.trim_end().to_owned());
        }
        lines
    }
}

fn text_width(glyphs: &HashMap<char, Glyph>, s: &str, size: f32) -> f32 {
    s.chars().map(|c| glyphs.get(&c).map_or(0.0, |g| g.advance)).sum::<f32>() * size
}

/// Unbreakable pieces of a line: a Chinese character (with the punctuation that must
/// stay on its line), a word with its trailing spaces.
fn tokens(text: &str) -> Vec<String> {
    const NO_START: &str = "，。、；：？！）》」』】〕”’,.;:?!)]%";
    const NO_END: &str = "（《「『【〔“‘([";
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let new = match cur.chars().last() {
            None => false,
            Some(_) if c == ' ' || NO_START.contains(c) => false,
            Some(last) if NO_END.contains(last) => false,
            Some(last) => last == ' ' || is_wide(c) || is_wide(last),
        };
        if new {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

// ---------------------------------------------------------------------------------
// Drawing.

fn draw(surface: &mut Surface<'_>, op: &Op, faces: &[Face], glyphs: &HashMap<char, Glyph>) {
    match op {
        Op::Rect { x, y, w, h, fill, stroke } => {
            let mut pb = PathBuilder::new();
            if *h == 0.0 {
                pb.move_to(*x, *y);
                pb.line_to(x + w, *y);
            } else if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(r);
            }
            let Some(path) = pb.finish() else { return };
            surface.set_fill(fill.map(|g| Fill { paint: luma::Color::new(g).into(), ..Fill::default() }));
            surface.set_stroke((*stroke > 0.0).then(|| Stroke { width: *stroke, ..Stroke::default() }));
            surface.draw_path(&path);
        }
        Op::Text { x, baseline, size, text, strong } => {
            surface.set_fill(Some(Fill::default()));
            // Synthetic bold: the one face is also stroked, thinly.
            surface.set_stroke(strong.then(|| Stroke { width: size * 0.045, ..Stroke::default() }));
            let mut x = *x;
            let mut run = String::new();
            let mut run_glyphs = Vec::new();
            let mut run_face = None;
            let mut flush = |x: &mut f32, run: &mut String, run_glyphs: &mut Vec<KrillaGlyph>, face: Option<usize>| {
                if let Some(face) = face.and_then(|f| faces.get(f))
                    && !run_glyphs.is_empty()
                {
                    surface.draw_glyphs(
                        Point::from_xy(*x, *baseline),
                        run_glyphs,
                        face.font.clone(),
                        run,
                        *size,
                        false,
                    );
                    *x += run_glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size;
                }
                run.clear();
                run_glyphs.clear();
            };
            for c in text.chars() {
                let Some(g) = glyphs.get(&c) else { continue };
                if run_face != Some(g.face) {
                    flush(&mut x, &mut run, &mut run_glyphs, run_face);
                    run_face = Some(g.face);
                }
                let start = run.len();
                run.push(c);
                run_glyphs.push(KrillaGlyph::new(GlyphId::new(g.id), g.advance, 0.0, 0.0, 0.0, start..run.len(), None));
            }
            flush(&mut x, &mut run, &mut run_glyphs, run_face);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_without_fonts_names_the_package() {
        let err = search(None, &["/nonexistent/hallvote/cjk.ttc"], &[]).unwrap_err();
        assert!(matches!(err, SheetError::FontNotFound { .. }));
        let en = err.to_string();
        assert!(
            en.contains("fonts-wqy-microhei") && en.contains(FONT_ENV) && en.contains("/nonexistent/hallvote/cjk.ttc"),
            "{en}"
        );
        assert!(err.text().zh.contains("请安装 Debian 软件包 fonts-wqy-microhei"), "{}", err.text().zh);
    }

    #[test]
    fn a_missing_env_font_is_an_error_not_a_fallback() {
        let err = search(Some("/nonexistent/x.ttf".into()), CJK_FONTS, FALLBACK_FONTS).unwrap_err();
        assert!(matches!(err, SheetError::FontUnusable { .. }), "{err}");
        assert!(err.to_string().contains(FONT_ENV));
    }

    #[test]
    fn tokens_keep_punctuation_and_words_together() {
        assert_eq!(tokens("当选，A"), ["当", "选，", "A"]);
        assert_eq!(tokens("（按姓氏）"), ["（按", "姓", "氏）"]);
        assert_eq!(tokens("Seats of the 83 present"), ["Seats ", "of ", "the ", "83 ", "present"]);
        assert_eq!(tokens("赞成票 45"), ["赞", "成", "票 ", "45"]);
    }
}
