//! The board explorer of a poll (`GET /polls/{id}/board`): look a tracking code up,
//! see its entry and its inclusion proof in the latest signed tree head, checked by
//! the server and again in the browser; and the same lookup as JSON for any verifier
//! (`GET /api/polls/{id}/board-proof/{tracking}`).
//!
//! The page is server-rendered in the request's language (zh-CN by default, `?lang=en`
//! switches and remembers it), loads nothing from another origin (its script and
//! style sheet are files under `/assets/`, `super::support::assets`; no inline script
//! or style, for the strict CSP) and works without JavaScript; its script only adds
//! the browser's own check.

use crate::api::prelude::*;
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallvote_crypto::merkle::{InclusionProof, TreeHead};
use hallvote_crypto::sign::sign;
use hallvote_crypto::tags;
use hallvote_tally::ballot::TrackingCode;
use hallvote_tally::record::Receipt;
use hallvote_tally::record::builder::head_message;
use hallvote_tally::text::en_count;
use hallvote_tally::{Lang, Text};
use serde::Serialize;
use std::sync::Arc;

use super::AppState;
use super::board_checks;
use super::support::assets::SPOILED_CHECK_PATH;
use super::support::lang::{LangSwitch, PageQuery, lang_tag, other_lang, page_lang, remember_lang};
use super::support::load::load_run;
use super::support::poll::ensure_log;
use super::support::url::url_encode;
use crate::ApiError;
use crate::board::entry_leaf_hash;
use crate::casting::PollContext;
use crate::db::casting::{self, PollRun, StoredEntry};
use crate::db::polls::PollRecord;
use crate::i18n::RequestLang;
use crate::receipts::{self, ReceiptCheck};
use crate::spoiled::{self, OpenedBallot};
use crate::templates::{ScriptJson, render};
use hallvote_protocol::wire::{Blob, BoardProof, EntryKind, ProofEntry};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/polls/{id}/board", "public", Access::Public)
                    .says(
                        "The board explorer page",
                        "公告板查询页面：输入追踪码，查看选票条目及其包含证明（服务器与浏览器各核验一次）。",
                    )
                    .more(
                        "`?code=` looks a tracking code up; a malformed or unknown code answers the page with 400 or 404. A \
                         spoiled entry is opened to its marks in words, with the data for the browser's own check of the \
                         opening (`/assets/spoiled-check.js`). `?receipt=` checks a receipt (spec §12.11) against the board: \
                         its fingerprint, its head's signature, the entry at its position, and that the latest signed head \
                         extends its head; a malformed receipt answers the page with 400.",
                    )
                    .query(&[
                        o("code", Str, "A tracking code to look up."),
                        o("receipt", Str, "A receipt text `HVRCPT1:…` (spec §12.11), as the booth's receipt QR code carries it."),
                        o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC),
                    ])
                    .answers(Answer::Html)
                    .shows_refusals(&[400, 404]);
                ROUTE
            },
            board_page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/board-proof/{tracking}", "public", Access::Public)
                    .says(
                        "A tracking code's entries with their inclusion proofs",
                        "按追踪码取得公告板条目及其在最新签名树头中的包含证明。",
                    )
                    .more("For any verifier: entry bytes, leaf hash (spec §7.3, §12.4), latest signed head, `E` and server key.")
                    .answers_type::<BoardProof>(200)
                    .refuses(&[(400, "tracking_code_malformed"), (404, "tracking_code_not_found")]);
                ROUTE
            },
            board_proof,
        )
}

/// A signed tree head of a poll's board (spec §12.5).
struct SignedTreeHead {
    head: TreeHead,
    bytes: [u8; 40],
    signature: [u8; 64],
}

/// One entry found under a tracking code, with its inclusion proof in the latest head.
struct FoundEntry {
    stored: StoredEntry,
    leaf_hash: [u8; 32],
    proof: InclusionProof,
    /// The server checked the proof against the latest head.
    verified: bool,
    /// A spoiled entry's ballot with its opening.
    opened: Option<OpenedBallot>,
}

/// A tracking code looked up on a poll's board.
struct Lookup {
    code: TrackingCode,
    head: SignedTreeHead,
    entries: Vec<FoundEntry>,
    /// The poll's context (manifest, shape, joint key), for a spoiled entry's opening.
    context: Option<Arc<PollContext>>,
}

/// Why a lookup found nothing to show.
enum Miss {
    /// The text is not a tracking code: what is wrong with it.
    Malformed(Text),
    /// No entry of the board has this code.
    NotFound(TrackingCode),
}

impl Miss {
    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
        }
    }

    fn text(&self) -> Text {
        match self {
            Self::Malformed(t) => t.clone(),
            Self::NotFound(code) => Text::new(
                format!("公告板上没有追踪码为 {code} 的选票。请核对回执上的追踪码后重试。"),
                format!("No ballot with tracking code {code} is on the board. Check the code on your receipt."),
            ),
        }
    }

    fn into_error(self) -> ApiError {
        let t = self.text();
        let code = match self {
            Self::Malformed(_) => "tracking_code_malformed",
            Self::NotFound(_) => "tracking_code_not_found",
        };
        ApiError::new(self.status(), code, &t.zh, &t.en)
    }
}

/// What is wrong with a typed tracking code, in words a voter can act on.
fn code_problem(text: &str) -> Text {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZOIL";
    let bad: Vec<char> =
        text.chars().filter(|c| !matches!(c, ' ' | '-') && !ALPHABET.contains(c.to_ascii_uppercase())).collect();
    let count = text.chars().filter(|c| !matches!(c, ' ' | '-')).count();
    let example = "ABCD-EFGH-JKMN-PQRS";
    if let Some(c) = bad.first() {
        Text::new(
            format!(
                "追踪码格式不正确：“{c}”不是追踪码中的字符。追踪码由 16 个数字和字母组成（不含 U），如 {example}。"
            ),
            format!(
                "The tracking code is malformed: “{c}” is not a tracking-code character. A code has 16 digits and \
                 letters (no U), like {example}."
            ),
        )
    } else {
        Text::new(
            format!("追踪码格式不正确：应为 16 个字符，您输入了 {count} 个。示例：{example}。"),
            format!("The tracking code is malformed: it has 16 characters, you typed {count}. Example: {example}."),
        )
    }
}

/// The latest signed head: the sealing head once the poll is closed, else the head at
/// the board's size. While the poll is open that head is the one the last receipt
/// carries; its signature is made again here (Ed25519 is deterministic, so it is the
/// receipt's signature byte for byte: the server signs no head it had not signed).
async fn latest_head(state: &AppState, run: &PollRun) -> Result<Option<SignedTreeHead>, ApiError> {
    if let Some(f) = &run.final_head {
        let bytes: [u8; 40] = f.get(..40).and_then(|b| b.try_into().ok()).ok_or_else(|| bad_head("final"))?;
        let signature: [u8; 64] = f.get(40..).and_then(|b| b.try_into().ok()).ok_or_else(|| bad_head("final"))?;
        let head = TreeHead::from_bytes(&bytes).map_err(ApiError::internal)?;
        return Ok(Some(SignedTreeHead { head, bytes, signature }));
    }
    let (size, Some(election)) = (run.board_size, run.election_hash.as_deref()) else {
        return Ok(None);
    };
    if size == 0 {
        return Ok(None);
    }
    let election: [u8; 64] = election.try_into().map_err(|_| bad_head("election hash"))?;
    ensure_log(state, run.id, size).await?;
    let bytes = state.board.head_at(run.id, size).ok_or_else(|| bad_head("log"))?;
    let signature = sign(&state.server_key, tags::SIG_TREE_HEAD, &head_message(&bytes, &election)).to_bytes();
    let head = TreeHead::from_bytes(&bytes).map_err(ApiError::internal)?;
    Ok(Some(SignedTreeHead { head, bytes, signature }))
}

fn bad_head(what: &str) -> ApiError {
    ApiError::internal(format!("tree head: {what}"))
}

/// Looks `text` up on the poll's board; each entry with its proof in the latest head,
/// checked here.
async fn lookup(state: &AppState, run: &PollRun, text: &str) -> Result<Result<Lookup, Miss>, ApiError> {
    let Some(code) = TrackingCode::parse(text) else {
        return Ok(Err(Miss::Malformed(code_problem(text))));
    };
    let found = casting::by_tracking(&state.store, run.id, code.as_bytes()).await?;
    let head = match latest_head(state, run).await? {
        Some(h) if !found.is_empty() => h,
        _ => return Ok(Err(Miss::NotFound(code))),
    };
    ensure_log(state, run.id, head.head.size).await?;
    let context = state.contexts.get_or_build(run)?;
    let mut entries = Vec::with_capacity(found.len());
    for stored in found {
        let opened = match &context {
            Some(ctx) if !stored.cast => spoiled::open(ctx, &stored.entry)?,
            _ => None,
        };
        let leaf_hash = entry_leaf_hash(&stored.entry)?;
        let proof = state
            .board
            .inclusion(run.id, stored.position, head.head.size)
            .ok_or_else(|| ApiError::internal("board log does not hold the entry"))?;
        let verified = proof.verify_tree_head(&leaf_hash, &head.head).is_ok();
        if !verified {
            tracing::error!(poll = run.id, position = stored.position, "inclusion proof does not verify");
        }
        entries.push(FoundEntry { stored, leaf_hash, proof, verified, opened });
    }
    Ok(Ok(Lookup { code, head, entries, context }))
}

/// The lookup as JSON (binary values in base64, spec §14.2).
fn proof_json(state: &AppState, run: &PollRun, l: &Lookup) -> BoardProof {
    let entries = l
        .entries
        .iter()
        .map(|e| ProofEntry {
            position: e.stored.position,
            kind: if e.stored.cast { EntryKind::Cast } else { EntryKind::Spoiled },
            entry: Blob(e.stored.entry.clone()),
            leaf_hash: Blob::from(&e.leaf_hash[..]),
            index: e.proof.index(),
            tree_size: e.proof.tree_size(),
            root: Blob::from(&l.head.head.root[..]),
            path: e.proof.path().iter().map(|h| Blob::from(&h[..])).collect(),
            receipt_head: Blob(e.stored.head.clone()),
            receipt_signature: Blob(e.stored.signature.clone()),
            verified: e.verified,
        })
        .collect();
    BoardProof {
        tracking: l.code.to_string(),
        tree_size: l.head.head.size,
        head: Blob::from(&l.head.bytes[..]),
        signature: Blob::from(&l.head.signature[..]),
        root: Blob::from(&l.head.head.root[..]),
        election: Blob(run.election_hash.clone().unwrap_or_default()),
        server_key: Blob::from(&state.server_key.verifying_key().as_bytes()[..]),
        entries,
    }
}

/// The inclusion proof of each entry with a tracking code in the latest signed tree
/// head, with the entry bytes and leaf hash (spec §7.3, §12.4). Public.
async fn board_proof(
    State(state): State<AppState>,
    Path((id, tracking)): Path<(i64, String)>,
) -> Result<Json<BoardProof>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    match lookup(&state, &run, &tracking).await? {
        Ok(l) => Ok(Json(proof_json(&state, &run, &l))),
        Err(miss) => Err(miss.into_error()),
    }
}

async fn board_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Query(q): Query<PageQuery>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let (poll, run) = load_run(&state, id).await?;
    let head = latest_head(&state, &run).await?;
    let code = q.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let looked_up = match code {
        Some(c) => Some(lookup(&state, &run, c).await?),
        None => None,
    };
    let receipt = match q.receipt.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(text) => Some(check_receipt(&state, &run, head.as_ref(), text).await?),
        None => None,
    };
    let status = match (&receipt, &looked_up) {
        (Some(Err(_)), _) => StatusCode::BAD_REQUEST,
        (_, Some(Err(miss))) => miss.status(),
        _ => StatusCode::OK,
    };
    // A code that was found is shown back as the receipt prints it.
    let shown = match &looked_up {
        Some(Ok(l)) => Some(l.code.to_string()),
        _ => code.map(str::to_owned),
    };
    let fingerprint = state.fingerprints.of(&state.store, &run).await?.map(|f| f.short());
    let receipt = receipt.map(|r| match r {
        Ok(check) => Ok(board_checks::receipt_card(&check, fingerprint.as_deref(), lang)),
        Err(text) => Err(text),
    });
    let found = BoardFound {
        code: shown.as_deref(),
        looked_up: looked_up.as_ref(),
        receipt,
        receipt_text: q.receipt.as_deref().map(str::trim).filter(|r| !r.is_empty()),
    };
    let page = render(&render_board(&state, &poll, &run, head.as_ref(), found, lang))?;
    Ok(remember_lang((status, page).into_response(), lang, set))
}

/// What a visitor asked the board page for.
struct BoardFound<'a> {
    /// The tracking code, as typed or (when found) as printed.
    code: Option<&'a str>,
    looked_up: Option<&'a Result<Lookup, Miss>>,
    /// The receipt check as a card, or what is wrong with the receipt's text.
    receipt: Option<Result<board_checks::ReceiptCard, Text>>,
    /// The receipt's text, as given.
    receipt_text: Option<&'a str>,
}

/// Checks a receipt text against the board (spec §12.11): `Err` with what is wrong
/// with a text that is not a receipt.
async fn check_receipt(
    state: &AppState,
    run: &PollRun,
    head: Option<&SignedTreeHead>,
    text: &str,
) -> Result<Result<ReceiptCheck, Text>, ApiError> {
    let receipt = match Receipt::parse(text) {
        Ok(r) => r,
        Err(e) => return Ok(Err(board_checks::receipt_problem(&e))),
    };
    if let Some(h) = head {
        ensure_log(state, run.id, h.head.size).await?;
    }
    let fingerprint = state.fingerprints.keys(&state.store, run).await?.map(|k| k.fingerprint.prefix());
    let latest = head.map(|h| (h.head, run.final_head.is_some()));
    let server_key = state.server_key.verifying_key();
    Ok(Ok(receipts::check(&state.store, &state.board, run, fingerprint, &server_key, latest, receipt).await?))
}

/// Hex in groups of eight, so a person can compare it by eye.
fn grouped_hex(bytes: &[u8]) -> String {
    let h = hex::encode(bytes);
    h.as_bytes().chunks(8).filter_map(|c| std::str::from_utf8(c).ok()).collect::<Vec<_>>().join(" ")
}

fn render_board<'a>(
    state: &AppState,
    poll: &'a PollRecord,
    run: &PollRun,
    head: Option<&SignedTreeHead>,
    found: BoardFound<'a>,
    lang: Lang,
) -> BoardPage<'a> {
    let (code, looked_up) = (found.code, found.looked_up);
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let summary = Summary {
        state: run.state.label(lang).to_owned(),
        size: run.board_size,
        head: head.map(|h| HeadSummary {
            sealed: run.final_head.is_some(),
            size_words: if zh {
                format!("条目数 {}，根哈希：", h.head.size)
            } else {
                format!("size {}, root:", h.head.size)
            },
            root: grouped_hex(&h.head.root),
            signature: grouped_hex(&h.signature),
            key: grouped_hex(state.server_key.verifying_key().as_bytes()),
        }),
        poll: run.id,
    };
    let mut messages = Vec::new();
    let receipt_card = match found.receipt {
        None => None,
        Some(Err(problem)) => {
            messages.push(problem.get(lang).to_owned());
            None
        }
        Some(Ok(card)) => Some(card),
    };
    let lookup = match looked_up {
        None => None,
        Some(Err(miss)) => {
            messages.push(miss.text().get(lang).to_owned());
            None
        }
        Some(Ok(l)) => Some(lookup_view(state, run, l, lang)),
    };
    let mut other_href = format!("?lang={}", lang_tag(other_lang(lang)));
    if let Some(c) = code {
        other_href.push_str(&format!("&code={}", url_encode(c)));
    }
    if let Some(r) = found.receipt_text {
        other_href.push_str(&format!("&receipt={}", url_encode(r)));
    }
    let texts = LookupTexts {
        leaf_tag: tags::RECORD_BOARD_ENTRY,
        sig_tag: tags::SIG_TREE_HEAD,
        browser_ok: t(
            "本浏览器已用 SHA-256（RFC 9162）独立核验：条目的叶哈希正确，包含证明算出的根哈希与签名树头一致。",
            "Checked independently in this browser with SHA-256 (RFC 9162): the entry's leaf hash is right and the inclusion proof leads to the signed tree head's root.",
        ),
        sig_ok: t(
            "树头上的服务器签名（Ed25519）也已核验。",
            "The server's Ed25519 signature on the tree head also verifies.",
        ),
        sig_bad: t("但树头上的服务器签名无效！", "But the server's signature on the tree head does NOT verify!"),
        sig_unsupported: t("此浏览器不能核验 Ed25519 签名。", "This browser cannot check Ed25519 signatures."),
        leaf_mismatch: t("叶哈希与条目内容不符！", "The leaf hash does not match the entry!"),
        size_mismatch: t("证明的树大小与签名树头不符！", "The proof's tree size does not match the signed tree head!"),
        root_mismatch: t(
            "包含证明算出的根哈希与签名树头不符！",
            "The inclusion proof does not lead to the signed tree head's root!",
        ),
        no_webcrypto: t(
            "此浏览器在当前连接下不提供 WebCrypto（需 HTTPS 或本机访问），未能独立核验；上面是服务器的核验结果。",
            "This browser offers no WebCrypto on this connection (it needs HTTPS or localhost), so it could not check; the server's check is shown above.",
        ),
        check_failed: t("核验出错：", "The check failed:"),
    };
    BoardPage {
        langs: LangSwitch::new(lang, other_href),
        zh,
        title: t("公告板查询", "Bulletin board explorer"),
        poll: &poll.poll.name,
        label: t("追踪码", "Tracking code"),
        hint: t(
            "输入选票回执上的 16 位追踪码，如 ABCD-EFGH-JKMN-PQRS（大小写、空格、短横线均可）。",
            "Type the 16-character tracking code from your ballot receipt, like ABCD-EFGH-JKMN-PQRS (any case; spaces and dashes are fine).",
        ),
        button: t("查询", "Look up"),
        code: code.unwrap_or_default(),
        autofocus: code.is_none(),
        summary,
        messages,
        receipt_card,
        lookup,
        spoiled_check_path: SPOILED_CHECK_PATH,
        help_href: t("/help?lang=zh-CN", "/help?lang=en"),
        texts: ScriptJson::of(&texts),
    }
}

/// The board explorer's page (`pages/board.html`, with the parts it includes:
/// `board_summary.html`, `receipt_card.html`, `board_entry.html`, `opening.html`).
/// The words of `board.js`, and the domain tags its check hashes and verifies under.
/// Fields in the order of their names, as the page has always written them.
#[derive(Serialize)]
struct LookupTexts {
    browser_ok: &'static str,
    check_failed: &'static str,
    leaf_mismatch: &'static str,
    leaf_tag: &'static str,
    no_webcrypto: &'static str,
    root_mismatch: &'static str,
    sig_bad: &'static str,
    sig_ok: &'static str,
    sig_tag: &'static str,
    sig_unsupported: &'static str,
    size_mismatch: &'static str,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    langs: LangSwitch,
    /// The page is in Chinese (for [`BoardPage::t`]).
    zh: bool,
    title: &'static str,
    poll: &'a str,
    label: &'static str,
    hint: &'static str,
    button: &'static str,
    /// The tracking code as typed, put back in the field.
    code: &'a str,
    /// The field takes the focus when nothing was looked up yet.
    autofocus: bool,
    summary: Summary,
    /// What is wrong with the receipt or the code looked up.
    messages: Vec<String>,
    receipt_card: Option<board_checks::ReceiptCard>,
    lookup: Option<LookupView>,
    spoiled_check_path: &'static str,
    /// The delegates' help page, in the page's language.
    help_href: &'static str,
    /// The script's texts.
    texts: ScriptJson,
}

impl BoardPage<'_> {
    /// The page's words in its language.
    fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh { zh } else { en }
    }
}

/// The poll's board at a glance: its state, its size and its latest signed head.
struct Summary {
    state: String,
    size: u64,
    head: Option<HeadSummary>,
    /// The poll's id, for the link to the board's list.
    poll: i64,
}

/// The latest signed tree head, in grouped hex.
struct HeadSummary {
    /// The final head of a closed poll.
    sealed: bool,
    size_words: String,
    root: String,
    signature: String,
    key: String,
}

/// A tracking code found on the board: its entries, the proofs' data for the
/// browser's check, and the openings of spoiled entries.
struct LookupView {
    code: String,
    entries: Vec<EntryView>,
    data: ScriptJson,
    openings: Vec<board_checks::Opening>,
    /// The openings' texts for the browser's check, when there are openings.
    opening_texts: Option<ScriptJson>,
}

/// One entry found, with its inclusion proof (`pages/board_entry.html`).
struct EntryView {
    /// Numbers the entries of the lookup.
    k: usize,
    /// The position in words, counted from 1 as people count: 第 4 条, entry 4.
    nth: String,
    cast: bool,
    /// The receipt's tree head: its size in words and its root.
    receipt_head: Option<(String, String)>,
    leaf: String,
    /// The proof in words.
    proof: String,
    path: Vec<String>,
    verified: bool,
}

fn lookup_view(state: &AppState, run: &PollRun, l: &Lookup, lang: Lang) -> LookupView {
    let zh = lang == Lang::ZhCn;
    let entries = l
        .entries
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let nth = e.stored.position + 1;
            EntryView {
                k,
                nth: if zh { format!("第 {nth} 条") } else { format!("entry {nth}") },
                cast: e.stored.cast,
                receipt_head: TreeHead::from_bytes(&e.stored.head).ok().map(|h| {
                    let words = if zh {
                        format!("条目数 {}，根哈希：", h.size)
                    } else {
                        format!("size {}, root:", h.size)
                    };
                    (words, grouped_hex(&h.root))
                }),
                leaf: grouped_hex(&e.leaf_hash),
                proof: if zh {
                    format!(
                        "在条目数为 {} 的树中，第 {} 号叶（从 0 起），路径 {} 个哈希：",
                        e.proof.tree_size(),
                        e.proof.index(),
                        e.proof.path().len()
                    )
                } else {
                    format!(
                        "leaf {} (from 0) in the tree of {}, path of {}:",
                        e.proof.index(),
                        en_count(e.proof.tree_size(), "entry", "entries"),
                        en_count(e.proof.path().len() as u64, "hash", "hashes")
                    )
                },
                path: e.proof.path().iter().map(|h| grouped_hex(h)).collect(),
                verified: e.verified,
            }
        })
        .collect();
    let openings: Vec<_> = l
        .entries
        .iter()
        .enumerate()
        .filter_map(|(k, e)| match (&e.opened, &l.context) {
            (Some(o), Some(ctx)) => {
                Some(board_checks::opening_section(k, e.stored.position, o, ctx, &e.stored.entry, lang))
            }
            _ => None,
        })
        .collect();
    LookupView {
        code: l.code.to_string(),
        entries,
        // As a map, so the page carries the keys in the order it always has.
        data: ScriptJson::new(&serde_json::to_value(proof_json(state, run, l)).unwrap_or_default()),
        opening_texts: (!openings.is_empty()).then(|| board_checks::opening_texts(lang)),
        openings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_code_is_explained() {
        assert!(code_problem("ABCD-EFGH").zh.contains("您输入了 8 个"));
        assert!(code_problem("ABCD-EFGH-JKMN-PQRU").en.contains("“U”"));
        assert!(TrackingCode::parse("abcd efgh-jkmn pqrs").is_some(), "lowercase, spaces and dashes are accepted");
    }

    #[test]
    fn hex_is_grouped() {
        assert_eq!(grouped_hex(&[0xab; 6]), "abababab abab");
    }
}
