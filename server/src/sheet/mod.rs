//! The printable result sheet (计票结果报告单, RULES R14), as an A4 HTML page and as a
//! PDF.
//!
//! Both are drawn from one document model built here from the counted
//! [`PollResult`], so the page and the PDF carry the same content: the heading
//! (session, poll, ruleset with its hash, date, place); expected, present, issued,
//! returned, valid and invalid ballots with the quorum and reconciliation in words; a
//! void poll's reason; per election the candidates in stroke order with for / against
//! / abstain and outcome, the write-ins with their counts, the elected in stroke order,
//! ties at the cut-off (runoff) and unfilled seats; per confidence vote or evaluation
//! each member's counts, shares and outcome; per motion each item's figures; the
//! reason for every outcome; and one line per scrutineer and counter to sign on paper,
//! marked where they have already signed electronically.
//!
//! The PDF needs a font with Chinese glyphs, found at run time ([`Fonts`]); the HTML
//! page needs none (the browser's own fonts print it). ADR 0007 records the choice of
//! PDF library and the font handling.

mod html;
mod pdf;
pub mod proposals;

use hallvote_tally::count::{CandidateStatus, ContestResult, ElectionResult, GradedResult, MotionResult, PollResult};
use hallvote_tally::text::{Lang, Text, date_words, en_count, zh_numeral};

pub use pdf::{FONT_ENV, FONT_PACKAGE, Fonts};

/// What the sheet is headed with, beyond the result itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetHeading {
    /// The session: 中国共产党青石镇第十五届代表大会第三次会议.
    pub session: String,
    /// The poll's name; the result's own ([`PollResult::poll`]) when empty.
    pub poll: String,
    /// The date, as printed: 2024年3月15日. Left blank to be written in by hand when empty.
    pub date: String,
    /// The place. Left blank to be written in by hand when empty.
    pub place: String,
    /// The ruleset's name as people know it; the result's ruleset name when empty. The
    /// sheet always also prints the name and SHA-256 the result was counted under.
    pub ruleset: String,
    /// The election fingerprint's short form (spec §11.4), printed beside the
    /// signature lines for the signers to compare with their minutes; none on a sheet
    /// of a paper count.
    pub fingerprint: String,
}

/// The people who sign the sheet (RULES: scrutineers sign the result, counters the
/// count report). Each gets a line to sign on paper.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signers {
    /// 监票人, in the order they were approved.
    pub scrutineers: Vec<Signer>,
    /// 计票人.
    pub counters: Vec<Signer>,
}

/// One scrutineer or counter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signer {
    /// The name as printed.
    pub name: String,
    /// Whether they have signed the result electronically (Ed25519, DESIGN step 8).
    /// The paper line is printed either way.
    pub signed_electronically: bool,
}

impl Signer {
    /// A signer who has not signed electronically (yet).
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), signed_electronically: false }
    }

    /// A signer who has signed electronically.
    pub fn signed(name: impl Into<String>) -> Self {
        Self { name: name.into(), signed_electronically: true }
    }
}

/// Why the PDF cannot be made. (The HTML page always can.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SheetError {
    /// No font with Chinese glyphs was found in the search list.
    #[error(
        "no CJK font found for the result sheet PDF: install the Debian package {FONT_PACKAGE} \
         (or fonts-noto-cjk), or set {FONT_ENV} to a .ttf/.otf/.ttc font file; searched: {}",
        list(searched)
    )]
    FontNotFound {
        /// The files looked for.
        searched: Vec<std::path::PathBuf>,
    },
    /// A font file named (by [`FONT_ENV`] or a caller) cannot be read or is not a usable
    /// TrueType/OpenType font or collection.
    #[error("font {}: {reason}", path.display())]
    FontUnusable {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A character of the sheet is in none of the fonts found. A name is never printed
    /// with a missing glyph: the sheet would no longer say who was elected.
    #[error(
        "no font found has the character {character:?} (U+{:04X}): install fonts-noto-cjk or set \
         {FONT_ENV} to a font that has it; fonts tried: {}",
        u32::from(*character),
        list(fonts)
    )]
    MissingGlyph {
        /// The character.
        character: char,
        /// The fonts tried.
        fonts: Vec<std::path::PathBuf>,
    },
    /// The PDF library failed.
    #[error("PDF: {0}")]
    Pdf(String),
}

impl SheetError {
    /// What is wrong, in both languages (for the person at the console).
    pub fn text(&self) -> Text {
        match self {
            Self::FontNotFound { .. } => Text::new(
                format!(
                    "未找到中文字体，无法生成 PDF 报告单：请安装 Debian 软件包 {FONT_PACKAGE}（或 \
                     fonts-noto-cjk），或设置环境变量 {FONT_ENV} 指向 .ttf/.otf/.ttc 字体文件"
                ),
                self.to_string(),
            ),
            Self::FontUnusable { path, reason } => {
                Text::new(format!("字体文件 {} 无法使用：{reason}", path.display()), self.to_string())
            }
            Self::MissingGlyph { character, .. } => Text::new(
                format!(
                    "已找到的字体中没有字符“{character}”（U+{:04X}）：请安装 fonts-noto-cjk，\
                     或设置环境变量 {FONT_ENV} 指向含有该字符的字体",
                    u32::from(*character)
                ),
                self.to_string(),
            ),
            Self::Pdf(e) => Text::new(format!("生成 PDF 失败：{e}"), self.to_string()),
        }
    }
}

fn list(paths: &[std::path::PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// The result sheet as a printable A4 HTML page in `lang`: no script, and one style
/// sheet, `/assets/sheet.css`, which the server serves (so the page passes the strict
/// CSP: no inline style); nothing from another origin. Every text from the result,
/// the heading or the signers is HTML-escaped.
pub fn html(result: &PollResult, heading: &SheetHeading, signers: &Signers, lang: Lang) -> String {
    html::render(&build(result, heading, signers, lang), None)
}

/// [`html`] as the server serves it: with a bar above the sheet, on screen only (not
/// printed), that switches the language and links the PDF.
pub fn html_served(
    result: &PollResult,
    heading: &SheetHeading,
    signers: &Signers,
    lang: Lang,
    nav: &SheetNav,
) -> String {
    html::render(&build(result, heading, signers, lang), Some(nav))
}

/// The links of the served sheet's screen-only bar.
#[derive(Clone, Debug)]
pub struct SheetNav {
    /// The sheet in the other language, and that language's tag and its name in itself.
    pub other_href: String,
    pub other_tag: &'static str,
    pub other_name: &'static str,
    /// The sheet as PDF, in the page's language.
    pub pdf_href: String,
}

/// The result sheet as an A4 PDF in `lang`, with the same content as [`html`], set in
/// the first font that [`Fonts::locate`] finds (subset and embedded).
///
/// Reads the font file on every call; a server that prints often can locate the fonts
/// once with [`Fonts::locate`] and call [`pdf_with`].
pub fn pdf(result: &PollResult, heading: &SheetHeading, signers: &Signers, lang: Lang) -> Result<Vec<u8>, SheetError> {
    pdf_with(result, heading, signers, lang, &Fonts::locate()?)
}

/// [`pdf`] with the fonts given: the first that has a character sets it.
pub fn pdf_with(
    result: &PollResult,
    heading: &SheetHeading,
    signers: &Signers,
    lang: Lang,
    fonts: &Fonts,
) -> Result<Vec<u8>, SheetError> {
    pdf::render(&build(result, heading, signers, lang), fonts)
}

// ---------------------------------------------------------------------------------
// The document model both renderers draw.

/// The sheet as blocks of text and tables, in one language.
#[derive(Clone, Debug)]
pub(crate) struct Doc {
    pub lang: Lang,
    /// 计票结果报告单.
    pub title: String,
    /// Centred under the title: the session, the poll.
    pub subtitles: Vec<String>,
    pub blocks: Vec<Block>,
    /// Where the sheet's closing part may begin, best first: from there to the end
    /// (the last result and the signatures) is set on one page when it fits one, so
    /// that the signatures never stand on a page apart from the result they sign.
    pub keep_together: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(crate) enum Block {
    /// A section heading: 一、镇党委委员（差额选举，应选 9 名）.
    Heading(String),
    Para(Para),
    Table(Table),
    /// The reasons, in small type: a title and one item per person or item.
    Notes {
        title: String,
        items: Vec<String>,
    },
    /// The poll is void: framed, in strong type.
    Alert(String),
}

#[derive(Clone, Debug)]
pub(crate) struct Para {
    pub text: String,
    pub strong: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// What the table is, for the page's style sheet: `facts`, `figures`, `votes`, `signatures`.
    pub class: &'static str,
    /// Kept on one page (with the heading before it) when it fits one.
    pub keep: bool,
    /// Header row, repeated on each page the table runs onto.
    pub header: Option<Vec<String>>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub align: Align,
    /// A label column (shaded, like a header).
    pub label: bool,
    /// Its share of the room left over once every column has its natural width.
    pub grow: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// One per column; `\n` breaks a line.
    pub cells: Vec<String>,
    /// The elected and the adopted.
    pub strong: bool,
    /// Room to sign by hand.
    pub tall: bool,
}

impl Column {
    pub(crate) const TEXT: Self = Self { align: Align::Left, label: false, grow: 2.0 };
    const LABEL: Self = Self { align: Align::Left, label: true, grow: 0.0 };
    const NUM: Self = Self { align: Align::Right, label: false, grow: 1.0 };
    const MID: Self = Self { align: Align::Center, label: false, grow: 1.0 };

    const fn grow(self, grow: f32) -> Self {
        Self { grow, ..self }
    }
}

impl Row {
    fn new(cells: Vec<String>) -> Self {
        Self { cells, strong: false, tall: false }
    }
}

/// Blank rows printed for hand entry when no scrutineer or counter is named.
const BLANK_SIGNERS: usize = 2;

/// Builds the document from the result (R14).
pub(crate) fn build(result: &PollResult, heading: &SheetHeading, signers: &Signers, lang: Lang) -> Doc {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let mut b = Vec::new();
    let poll = if heading.poll.is_empty() { &result.poll } else { &heading.poll };
    let subtitles = [&heading.session, poll].into_iter().filter(|s| !s.is_empty()).cloned().collect();

    let r = &result.ruleset;
    let ruleset = if heading.ruleset.is_empty() || heading.ruleset == r.name {
        r.name.clone()
    } else {
        format!("{}（{}）", heading.ruleset, r.name)
    };
    b.push(Block::Table(Table {
        class: "facts",
        keep: true,
        header: None,
        columns: vec![Column::LABEL, Column::TEXT],
        rows: vec![
            Row::new(vec![t("规则集", "Ruleset"), format!("{ruleset}\nSHA-256 {}", r.sha256)]),
            Row::new(vec![t("日期", "Date"), date_words(&heading.date, lang)]),
            Row::new(vec![t("地点", "Place"), heading.place.clone()]),
        ],
    }));

    b.push(Block::Heading(t("投票情况", "Attendance and ballots")));
    b.push(Block::Table(Table {
        class: "figures",
        keep: true,
        header: Some(vec![
            t("应到", "Expected"),
            t("实到", "Present"),
            t("发出选票", "Issued"),
            t("收回选票", "Returned"),
            t("有效票", "Valid"),
            t("无效票", "Invalid"),
        ]),
        columns: vec![Column::MID; 6],
        rows: vec![Row::new(
            [
                result.expected,
                result.present,
                result.issued,
                result.returned,
                result.valid_ballots,
                result.invalid_ballots,
            ]
            .iter()
            .map(u32::to_string)
            .collect(),
        )],
    }));
    if result.replaced > 0 || result.replaced_lost > 0 {
        let (d, l) = (result.replaced, result.replaced_lost);
        let words = Text::new(
            format!("换发选票：损坏交回 {d} 张，已在公告板上作废并重发；遗失 {l} 张，经监票人批准补发，计入发出选票"),
            format!(
                "Replaced: {d} damaged handed back, cancelled on the board and re-issued; {l} lost, replaced with a \
                 scrutineer's approval and counted as issued"
            ),
        );
        b.push(para(words.get(lang).to_owned(), false));
    }
    b.push(para(format!("{}{}", t("法定人数：", "Quorum: "), result.quorum_reason.get(lang)), false));
    b.push(para(format!("{}{}", t("选票核对：", "Reconciliation: "), result.reconciliation_reason.get(lang)), false));
    if let Some(reason) = &result.void_reason {
        b.push(Block::Alert(format!("{}{}", t("投票无效：", "VOID: "), reason.get(lang))));
    }

    // The last contest from its heading, or else from its outcome in words (the
    // blocks after its table of votes).
    let mut keep_together = Vec::new();
    for (k, c) in result.contests.iter().enumerate() {
        if k + 1 == result.contests.len() {
            keep_together.push(b.len());
        }
        let n = u32::try_from(k + 1).unwrap_or(u32::MAX);
        let number = match lang {
            Lang::ZhCn => format!("{}、", zh_numeral(n)),
            Lang::En => format!("{n}. "),
        };
        match c {
            ContestResult::Election(e) => election(&mut b, &number, e, lang),
            ContestResult::Confidence(g) | ContestResult::Evaluation(g) => graded(&mut b, &number, g, lang),
            ContestResult::Motion(m) => motion(&mut b, &number, m, lang, false),
            ContestResult::Recall(m) => motion(&mut b, &number, m, lang, true),
        }
    }
    if let Some(&from) = keep_together.first() {
        let after_table = b.iter().skip(from).position(|x| matches!(x, Block::Table(_))).map(|i| from + i + 1);
        keep_together.extend(after_table.filter(|&i| i < b.len()));
    }
    keep_together.push(b.len());

    b.push(Block::Heading(t("监票人、计票人签名", "Signatures of scrutineers and counters")));
    if !heading.fingerprint.is_empty() {
        let f = &heading.fingerprint;
        b.push(para(
            Text::new(
                format!("选举指纹：{f}（签名前请与监票记录中抄写的选举指纹核对，一致方可签名）"),
                format!(
                    "Election fingerprint: {f} (before signing, compare it with the one copied into the scrutineers' \
                     minutes; sign only if they are the same)"
                ),
            )
            .get(lang)
            .to_owned(),
            true,
        ));
    }
    let mut rows = Vec::new();
    for (role, people) in
        [(t("监票人", "Scrutineer"), &signers.scrutineers), (t("计票人", "Counter"), &signers.counters)]
    {
        let blank = vec![Signer::default(); if people.is_empty() { BLANK_SIGNERS } else { 0 }];
        for s in people.iter().chain(&blank) {
            let e = if s.signed_electronically { t("已电子签名", "signed electronically") } else { String::new() };
            rows.push(Row { cells: vec![role.clone(), s.name.clone(), String::new(), e], strong: false, tall: true });
        }
    }
    b.push(Block::Table(Table {
        class: "signatures",
        keep: true,
        header: Some(vec![
            t("职责", "Role"),
            t("姓名", "Name"),
            t("签名", "Signature"),
            t("电子签名", "Electronic signature"),
        ]),
        columns: vec![Column::LABEL, Column::TEXT.grow(1.0), Column::TEXT.grow(3.0), Column::MID.grow(0.5)],
        rows,
    }));

    Doc { lang, title: t("计票结果报告单", "Result sheet"), subtitles, blocks: b, keep_together }
}

fn para(text: String, strong: bool) -> Block {
    Block::Para(Para { text, strong })
}

fn election(b: &mut Vec<Block>, number: &str, e: &ElectionResult, lang: Lang) {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let kind = e.kind.words(e.by_election);
    let seats = Text::new(
        format!("（{}，应选 {} 名）", kind.zh, e.seats),
        format!(" ({}, {})", kind.en, en_count(e.seats.into(), "seat", "seats")),
    );
    b.push(Block::Heading(format!("{number}{}{}", e.title, seats.get(lang))));
    b.push(para(e.threshold_reason.get(lang).to_owned(), false));
    b.push(Block::Table(Table {
        class: "votes",
        keep: false,
        header: Some(vec![
            t("候选人（按姓氏笔画为序）", "Candidate (stroke order)"),
            t("赞成", "For"),
            t("不赞成", "Against"),
            t("弃权", "Abstain"),
            t("结果", "Outcome"),
        ]),
        columns: vec![Column::TEXT, Column::NUM, Column::NUM, Column::NUM, Column::MID],
        rows: e
            .candidates
            .iter()
            .map(|c| Row {
                cells: vec![
                    c.name.clone(),
                    c.for_votes.to_string(),
                    c.against.to_string(),
                    c.abstain.to_string(),
                    status(c.status, lang),
                ],
                strong: c.status == CandidateStatus::Elected,
                tall: false,
            })
            .collect(),
    }));
    if e.write_ins.is_empty() {
        b.push(para(format!("{}{}", t("另选他人：", "Write-ins: "), t("无", "none")), false));
    } else {
        b.push(Block::Table(Table {
            class: "votes",
            keep: false,
            header: Some(vec![t("另选他人", "Written in"), t("得票", "Votes"), t("结果", "Outcome")]),
            columns: vec![Column::TEXT, Column::NUM, Column::MID],
            rows: e
                .write_ins
                .iter()
                .map(|w| Row {
                    cells: vec![w.name.clone(), w.votes.to_string(), status(w.status, lang)],
                    strong: w.status == CandidateStatus::Elected,
                    tall: false,
                })
                .collect(),
        }));
    }
    let none = t("无", "none");
    let elected = if e.elected.is_empty() { none.clone() } else { e.elected.join(&t("、", ", ")) };
    b.push(para(format!("{}{elected}", t("当选（按姓氏笔画为序）：", "Elected (stroke order): ")), true));
    let tie = e.runoff.as_ref().map_or(none.clone(), |r| r.reason.get(lang).to_owned());
    b.push(para(format!("{}{tie}", t("并列：", "Tie: ")), e.runoff.is_some()));
    let unfilled = match &e.separate_election {
        Some(x) => x.reason.get(lang).to_owned(),
        None if e.unfilled_seats > 0 => {
            Text::new(format!("{} 名", e.unfilled_seats), en_count(e.unfilled_seats.into(), "seat", "seats"))
                .get(lang)
                .to_owned()
        }
        None => none,
    };
    b.push(para(format!("{}{unfilled}", t("缺额：", "Unfilled seats: ")), e.unfilled_seats > 0));
    let items = e
        .candidates
        .iter()
        .map(|c| (&c.name, &c.reason))
        .chain(e.write_ins.iter().map(|w| (&w.name, &w.reason)))
        .map(|(name, reason)| format!("{name}{}{}", t("：", ": "), reason.get(lang)))
        .collect();
    b.push(Block::Notes { title: t("说明", "Reasons"), items });
}

fn graded(b: &mut Vec<Block>, number: &str, g: &GradedResult, lang: Lang) {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    b.push(Block::Heading(format!("{number}{}", g.title)));
    let mut header = vec![t("姓名", "Name")];
    header.extend(g.options.iter().map(|o| o.get(lang).to_owned()));
    header.push(t("结果", "Outcome"));
    let mut columns = vec![Column::TEXT];
    columns.extend(g.options.iter().map(|_| Column::NUM));
    columns.push(Column::MID);
    let rows = g
        .members
        .iter()
        .map(|m| {
            let mut cells = vec![m.name.clone()];
            cells.extend(m.counts.iter().map(|c| match &c.percent {
                Some(p) => format!("{}\n{p}%", c.votes),
                None => c.votes.to_string(),
            }));
            cells.push(m.outcome.get(lang).to_owned());
            Row::new(cells)
        })
        .collect();
    b.push(Block::Table(Table { class: "votes", keep: false, header: Some(header), columns, rows }));
    let of = g.denominator.words();
    b.push(para(
        Text::new(
            format!("比例以{} {} 为分母", of.zh, g.denominator_value),
            format!("Shares of the {} {}.", g.denominator_value, of.en),
        )
        .get(lang)
        .to_owned(),
        false,
    ));
    let items = g.members.iter().map(|m| format!("{}{}{}", m.name, t("：", ": "), m.reason.get(lang))).collect();
    b.push(Block::Notes { title: t("说明", "Reasons"), items });
}

/// A motion, or with `recall` a recall (ADR 0030) in the rule's words: 同意罢免 /
/// 不同意罢免 / 弃权 per member, 罢免 or 不罢免.
fn motion(b: &mut Vec<Block>, number: &str, m: &MotionResult, lang: Lang, recall: bool) {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let words = if recall {
        [
            ("被提请罢免人", "Member"),
            ("同意罢免", "Recall"),
            ("不同意罢免", "Do not recall"),
            ("罢免", "recalled"),
            ("不罢免", "not recalled"),
        ]
    } else {
        [("事项", "Item"), ("赞成", "For"), ("反对", "Against"), ("通过", "adopted"), ("未通过", "not adopted")]
    };
    let w = |k: usize| t(words[k].0, words[k].1);
    b.push(Block::Heading(format!("{number}{}", m.title)));
    b.push(para(m.threshold_reason.get(lang).to_owned(), false));
    b.push(Block::Table(Table {
        class: "votes",
        keep: false,
        header: Some(vec![w(0), w(1), w(2), t("弃权", "Abstain"), t("结果", "Outcome")]),
        columns: vec![Column::TEXT, Column::NUM, Column::NUM, Column::NUM, Column::MID],
        rows: m
            .items
            .iter()
            .map(|i| Row {
                cells: vec![
                    i.title.clone(),
                    i.for_votes.to_string(),
                    i.against.to_string(),
                    i.abstain.to_string(),
                    if i.passed { w(3) } else { w(4) },
                ],
                strong: i.passed,
                tall: false,
            })
            .collect(),
    }));
    let items = m.items.iter().map(|i| format!("{}{}{}", i.title, t("：", ": "), i.reason.get(lang))).collect();
    b.push(Block::Notes { title: t("说明", "Reasons"), items });
}

fn status(st: CandidateStatus, lang: Lang) -> String {
    match st {
        CandidateStatus::Elected => Text::new("当选", "elected"),
        CandidateStatus::Runoff => Text::new("并列，再次投票", "tied: new vote"),
        CandidateStatus::NotElected => Text::new("未当选", "not elected"),
    }
    .get(lang)
    .to_owned()
}
