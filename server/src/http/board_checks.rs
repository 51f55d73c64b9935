//! What the board page (`super::board_lookup`) shows of the two things a delegate takes
//! home from the booth: a receipt, checked against the board by the server
//! (`crate::receipts`), and a challenged ballot, opened to its marks in words and
//! handed to the browser, whose script (`/assets/spoiled-check.js`) checks the
//! opening again with @noble/curves (docs/adr/0012). This module says what to show;
//! the markup is in `pages/receipt_card.html` and `pages/opening.html`, which the
//! board page includes and its template engine escapes (ADR 0017).

use hallvote_crypto::merkle::TreeHead;
use hallvote_tally::record::ReceiptKind;
use hallvote_tally::record::receipt::ReceiptTextError;
use hallvote_tally::text::en_count;
use hallvote_tally::{Lang, Text};
use serde::Serialize;

use super::extract::b64;
use crate::casting::PollContext;
use crate::receipts::{EntryFinding, History, ReceiptCheck};
use crate::spoiled::OpenedBallot;
use crate::templates::ScriptJson;

/// Between two options marked on one item.
fn separator(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn { "、" } else { ", " }
}

/// For an item with no option marked.
fn none_marked(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn { "（未选）" } else { "(none marked)" }
}

/// What is wrong with a receipt text, in words a delegate can act on.
pub(crate) fn receipt_problem(e: &ReceiptTextError) -> Text {
    let (zh, en) = match e {
        ReceiptTextError::Prefix(_) => (
            "回执格式不正确：回执文本应以 HVRCPT1: 开头。请重新扫描回执上的二维码。".to_owned(),
            "The receipt is malformed: its text starts with HVRCPT1:. Scan the receipt's QR code again.".to_owned(),
        ),
        ReceiptTextError::Encoding(..) => (
            "回执格式不正确：HVRCPT1: 之后应为 248 个字符（0–9 与 A–Z，不含 I、L、O、U），有字符缺失、多余或抄错。"
                .to_owned(),
            "The receipt is malformed: after HVRCPT1: come 248 characters (0–9 and A–Z without I, L, O, U); one is \
             missing, extra or mistyped."
                .to_owned(),
        ),
        ReceiptTextError::Kind(k) => (
            format!("回执格式不正确：回执类型 {k} 既不是投出（0）也不是核验作废（1）。"),
            format!("The receipt is malformed: its kind {k} is neither cast (0) nor spoiled (1)."),
        ),
        ReceiptTextError::Head => (
            "回执格式不正确：其中的树头无法解读。".to_owned(),
            "The receipt is malformed: its tree head does not decode.".to_owned(),
        ),
        ReceiptTextError::Position { position, size } => (
            format!("回执格式不正确：位置第 {} 条不在回执树头的 {size} 条之内。", position.saturating_add(1)),
            format!(
                "The receipt is malformed: entry {} is not within its tree head of {size}.",
                position.saturating_add(1)
            ),
        ),
        _ => ("回执格式不正确。".to_owned(), "The receipt is malformed.".to_owned()),
    };
    Text::new(zh, en)
}

fn kind_words(kind: ReceiptKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ReceiptKind::Cast, Lang::ZhCn) => "投出",
        (ReceiptKind::Cast, Lang::En) => "cast",
        (ReceiptKind::Spoiled, Lang::ZhCn) => "核验作废",
        (ReceiptKind::Spoiled, Lang::En) => "spoiled (challenged)",
    }
}

/// A receipt check's card (`pages/receipt_card.html`): what the receipt claims, and
/// each check of it against the board.
pub(crate) struct ReceiptCard {
    pub(crate) summary: String,
    pub(crate) lines: Vec<CheckLine>,
    /// Every check passed.
    pub(crate) holds: bool,
}

/// One check of a receipt: passed or not, its element id, and what it found.
pub(crate) struct CheckLine {
    pub(crate) ok: bool,
    pub(crate) id: &'static str,
    pub(crate) text: String,
}

fn line(ok: bool, id: &'static str, text: String) -> CheckLine {
    CheckLine { ok, id, text }
}

/// The receipt check as a card: the receipt's claims, and for each whether the board
/// bears it out. `fingerprint`: the poll's short fingerprint, once it has one.
pub(crate) fn receipt_card(c: &ReceiptCheck, fingerprint: Option<&str>, lang: Lang) -> ReceiptCard {
    let zh = lang == Lang::ZhCn;
    let r = &c.receipt;
    let n = r.position.saturating_add(1);
    let size = TreeHead::from_bytes(&r.head.head).map_or(0, |h| h.size);
    let code = r.tracking.to_string();
    let kind = kind_words(r.kind, lang);
    let t = |z: String, e: String| if zh { z } else { e };
    let mut lines = Vec::new();
    lines.push(line(
        c.fingerprint,
        "receipt-fingerprint",
        match (c.fingerprint, fingerprint) {
            (true, Some(f)) => t(
                format!("回执属于本次投票：其选举指纹与本次投票的一致（{f}）。"),
                format!("The receipt is for this poll: its election fingerprint is this poll's ({f})."),
            ),
            _ => t(
                "回执不属于本次投票：其选举指纹与本次投票的不同。".to_owned(),
                "The receipt is not for this poll: its election fingerprint is not this poll's.".to_owned(),
            ),
        },
    ));
    lines.push(line(
        c.signature,
        "receipt-signature",
        if c.signature {
            t(
                "回执上的树头确由本服务器为本次投票签名。".to_owned(),
                "The tree head on the receipt was signed by this server for this poll.".to_owned(),
            )
        } else {
            t(
                "回执上树头的签名无效：不是本服务器为本次投票所签。".to_owned(),
                "The signature on the receipt's tree head does not verify: this server did not sign it for this poll."
                    .to_owned(),
            )
        },
    ));
    lines.push(line(
        c.entry == EntryFinding::Matches,
        "receipt-entry",
        match c.entry {
            EntryFinding::Matches => t(
                format!("公告板第 {n} 条正是这张选票：追踪码 {code}，{kind}。"),
                format!("Entry {n} of the board is this ballot: tracking code {code}, {kind}."),
            ),
            EntryFinding::Missing => t(format!("公告板上没有第 {n} 条。"), format!("The board has no entry {n}.")),
            EntryFinding::OtherCode(other) => t(
                format!("公告板第 {n} 条的追踪码是 {other}，不是回执上的 {code}。"),
                format!("Entry {n} of the board has tracking code {other}, not the receipt's {code}."),
            ),
            EntryFinding::OtherKind => t(
                format!("公告板第 {n} 条的追踪码相符，但不是回执所说的“{kind}”。"),
                format!("Entry {n} of the board has the code, but it is not {kind} as the receipt says."),
            ),
        },
    ));
    let entries = |n: u64| en_count(n, "entry", "entries");
    let which = |sealed: bool| match (sealed, zh) {
        (true, true) => "最终签名树头（已封存）",
        (true, false) => "final signed tree head (sealed)",
        (false, true) => "最新签名树头",
        (false, false) => "latest signed tree head",
    };
    lines.push(line(
        matches!(c.history, History::Extends { .. }),
        "receipt-history",
        match c.history {
            History::Extends { latest, sealed } => t(
                format!(
                    "公告板{}（{latest} 条）延续回执的树头（{size} 条）：由前 {size} 条重算的根哈希与回执上的一致，回执签发后没有条目被删除、移动或改动。",
                    which(sealed)
                ),
                format!(
                    "The board's {} ({}) extends the receipt's tree head ({}): the root recomputed from the \
                     first {} is the receipt's, so no entry was removed, moved or changed since the receipt was \
                     given.",
                    which(sealed),
                    entries(latest),
                    entries(size),
                    entries(size)
                ),
            ),
            History::Rewritten { latest, sealed } => t(
                format!(
                    "公告板{}（{latest} 条）不延续回执的树头：由前 {size} 条重算的根哈希与回执上的不同，回执签发后有条目被删除、移动或改动。",
                    which(sealed)
                ),
                format!(
                    "The board's {} ({}) does not extend the receipt's tree head: the root recomputed from the \
                     first {} differs, so an entry was removed, moved or changed since the receipt was given.",
                    which(sealed),
                    entries(latest),
                    entries(size)
                ),
            ),
            History::Shorter { latest } => t(
                format!("公告板只有 {latest} 条，少于回执树头的 {size} 条：有条目被删除。"),
                format!(
                    "The board has {}, fewer than the receipt's tree head ({size}): entries were removed.",
                    entries(latest)
                ),
            ),
        },
    ));
    let summary = t(
        format!("{kind}，追踪码 {code}，公告板第 {n} 条；回执树头 {size} 条。"),
        format!("{kind}, tracking code {code}, board entry {n}; the receipt's tree head has {}.", entries(size)),
    );
    ReceiptCard { summary, lines, holds: c.holds() }
}

/// A spoiled entry's section (`pages/opening.html`): what it held, contest by
/// contest, in words; the server's check of the opening; a place for the browser's
/// verdict; and the data for the browser's check.
pub(crate) struct Opening {
    /// Numbers the entries of the page's lookup.
    pub(crate) k: usize,
    /// The entry's position (for the `#spoiled-N` anchor).
    pub(crate) position: u64,
    /// The server found the opening valid.
    pub(crate) valid: bool,
    pub(crate) tables: Vec<OpeningTable>,
    pub(crate) data: ScriptJson,
}

/// One contest of an opened ballot: each item with the options marked, in words.
pub(crate) struct OpeningTable {
    /// The contest's index, for the cells' ids.
    pub(crate) c: usize,
    pub(crate) caption: String,
    pub(crate) rows: Vec<(String, String)>,
}

/// A spoiled entry's section. `k` numbers the entries of the page's lookup;
/// `position` is the entry's.
pub(crate) fn opening_section(
    k: usize,
    position: u64,
    opened: &OpenedBallot,
    ctx: &PollContext,
    entry: &[u8],
    lang: Lang,
) -> Opening {
    let mut tables = Vec::new();
    let mut contests = Vec::new();
    for (c, ((contest, shape), marks)) in
        ctx.manifest.poll.contests.iter().zip(&ctx.shape.contests).zip(&opened.plain.marks).enumerate()
    {
        let items = contest.items();
        let options: Vec<String> = contest.options().iter().map(|o| o.get(lang).to_owned()).collect();
        let mut rows = Vec::new();
        for (item, m) in items.iter().zip(marks) {
            let chosen: Vec<&str> =
                m.iter().zip(&options).filter(|(x, _)| **x == 1).map(|(_, label)| label.as_str()).collect();
            let words = if chosen.is_empty() { none_marked(lang).to_owned() } else { chosen.join(separator(lang)) };
            rows.push((item.to_string(), words));
        }
        tables.push(OpeningTable { c, caption: contest.title.clone(), rows });
        let shape = ShapeData {
            items: shape
                .items
                .iter()
                .map(|i| ItemData { options: i.options, min: i.min_marks, max: i.max_marks })
                .collect(),
            cap: shape.cap.map(|cap| CapData { option: cap.option, max: cap.max }),
        };
        contests.push(ContestData { title: &contest.title, items, options, shape });
    }
    let selections = opened
        .selections
        .iter()
        .map(|s| SelectionData {
            contest: s.contest,
            item: s.item,
            option: s.option,
            ciphertext: b64(&s.ciphertext),
            mark: s.mark,
            nonce: b64(&s.nonce),
        })
        .collect();
    let data = OpeningData {
        k,
        position,
        entry: b64(entry),
        joint_key: b64(ctx.joint_key.element().as_bytes()),
        contests,
        selections,
    };
    Opening { k, position, valid: opened.valid, tables, data: ScriptJson::of(&data) }
}

/// What `spoiled-check.js` needs to check one opened ballot again in the browser.
/// The page data's fields are in the order of their names, as its JSON has always
/// been written, so the pages are byte for byte what they were.
#[derive(Serialize)]
struct OpeningData<'a> {
    contests: Vec<ContestData<'a>>,
    /// The board entry (base64).
    entry: String,
    /// The poll's joint key `Y` (base64).
    joint_key: String,
    /// Which opening of the page, from 0.
    k: usize,
    /// The entry's position on the board.
    position: u64,
    selections: Vec<SelectionData>,
}

/// A contest as the check reads it: its words and its shape.
#[derive(Serialize)]
struct ContestData<'a> {
    items: Vec<String>,
    options: Vec<String>,
    shape: ShapeData,
    title: &'a str,
}

#[derive(Serialize)]
struct ShapeData {
    cap: Option<CapData>,
    items: Vec<ItemData>,
}

#[derive(Serialize)]
struct ItemData {
    max: u8,
    min: u8,
    options: u8,
}

#[derive(Serialize)]
struct CapData {
    max: u32,
    option: u8,
}

/// One revealed selection: its ciphertext, mark and nonce (base64).
#[derive(Serialize)]
struct SelectionData {
    ciphertext: String,
    contest: usize,
    item: usize,
    mark: u8,
    nonce: String,
    option: usize,
}

/// The texts of the browser's check (once per page, before its script).
pub(crate) fn opening_texts(lang: Lang) -> ScriptJson {
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let texts = OpeningTexts {
        ok: t(
            "已在本浏览器中核对：这张作废选票确实加密的是以下内容（{count} 个密文逐一用 ristretto255 重算 r·G 与 m·G + r·Y，均与公告板条目中的一致）。",
            "Checked in this browser: this spoiled ballot did encrypt what is shown below ({count} ciphertexts, each recomputed on ristretto255 as r·G and m·G + r·Y, all equal to the board entry's).",
        ),
        r#where: t("“{contest}”中“{item}”的“{option}”", "“{option}” for “{item}” in “{contest}”"),
        not_opened: t(
            "核对失败：{where}的密文与揭示的内容不符！请立即告知监票人。",
            "The check FAILED: the ciphertext of {where} does not match what was revealed! Tell the scrutineers at once.",
        ),
        server_differs: t(
            "核对失败：服务器列出的密文或揭示内容与公告板条目不一致！",
            "The check FAILED: what the server lists differs from the board entry!",
        ),
        invalid_marks: t(
            "核对失败：“{contest}”中的选择不构成一张有效选票！",
            "The check FAILED: the marks in “{contest}” are not a valid ballot!",
        ),
        words_differ: t(
            "核对失败：表中“{contest}”的“{item}”所写的选择与揭示的内容不符！",
            "The check FAILED: the table's words for “{item}” in “{contest}” are not what was revealed!",
        ),
        bad_key: t("核对失败：联合公钥无效。", "The check FAILED: the joint key is not valid."),
        malformed: t("核对失败：公告板条目格式不正确：", "The check FAILED: the board entry is malformed:"),
        failed: t("核对未能进行：", "The check could not run:"),
        separator: separator(lang),
        none: none_marked(lang),
    };
    ScriptJson::of(&texts)
}

/// The words of `spoiled-check.js`, `{name}` for what it fills in (fields in the order
/// of their names, as the page has always written them).
#[derive(Serialize)]
struct OpeningTexts {
    bad_key: &'static str,
    failed: &'static str,
    invalid_marks: &'static str,
    malformed: &'static str,
    none: &'static str,
    not_opened: &'static str,
    ok: &'static str,
    separator: &'static str,
    server_differs: &'static str,
    r#where: &'static str,
    words_differ: &'static str,
}
