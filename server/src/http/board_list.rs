//! The board's list, for delegates and observers: every entry of a poll's board by
//! position, with its tracking code and whether it was cast (投出) or challenged and
//! spoiled (核验作废), a page at a time — as a page (`GET /polls/{id}/board/list`,
//! zh-CN by default, `?lang=en`) and as JSON (`GET /api/polls/{id}/board/entries`).
//! Each line links to the board explorer's lookup of its tracking code, which shows
//! the entry's inclusion proof and, for a spoiled ballot, what it held.
//!
//! A page reads only its own range of positions (`db::casting::list_entries`).

use crate::api::prelude::*;
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallvote_tally::ballot::TrackingCode;
use hallvote_tally::text::en_count;
use hallvote_tally::{Lang, Text};
use serde::Deserialize;

use super::AppState;
use super::extract::Query;
use super::support::lang::{LangSwitch, lang_tag, other_lang, page_lang, remember_lang};
use super::support::load::load_run;
use super::support::url::url_encode;
use crate::ApiError;
use crate::db::casting::{self, ListedEntry};
use crate::i18n::RequestLang;
use crate::lifecycle::PollState;
use crate::templates::render;
use hallvote_protocol::wire::{BoardList, BoardListEntry, EntryKind};

/// Entries on a page unless `per_page` says otherwise.
pub const PER_PAGE: u64 = 50;
/// The most entries a page may have.
pub const MAX_PER_PAGE: u64 = 200;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/polls/{id}/board/list", "public", Access::Public)
                    .says(
                        "The board's list page",
                        "公告板全部条目页面：按位置逐条列出追踪码及投出或核验作废，分页显示；核验作废的选票可查看其加密的内容。",
                    )
                    .more("A bad `page` or `per_page` answers the page with 400, a page past the last with 404.")
                    .query(BOARD_LIST_QUERY)
                    .answers(Answer::Html)
                    .shows_refusals(&[400, 404]);
                ROUTE
            },
            list_page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/board/entries", "public", Access::Public)
                    .says("One page of the board's entries", "公告板条目列表（分页）：位置、追踪码、投出或核验作废。")
                    .more("Reads only the page's range of positions. An empty board has one empty page.")
                    .query(BOARD_ENTRIES_QUERY)
                    .answers_type::<BoardList>(200)
                    .refuses(&[(400, "malformed_request"), (400, "page_malformed"), (404, "page_out_of_range")]);
                ROUTE
            },
            list_json,
        )
}

#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
    per_page: Option<String>,
    lang: Option<String>,
}

/// Which page of how many, and how many entries a page has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Paging {
    /// From 1.
    page: u64,
    per_page: u64,
    /// At least 1 (an empty board has one empty page).
    pages: u64,
}

impl Paging {
    /// The position of the page's first entry.
    fn from(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// Why a page cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PageError {
    /// `page` or `per_page` is not a number in range: what is wrong, for people.
    Malformed(Text),
    /// There is no such page: the board has `pages`.
    OutOfRange { page: u64, pages: u64 },
}

impl PageError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::OutOfRange { .. } => StatusCode::NOT_FOUND,
        }
    }

    fn text(&self) -> Text {
        match self {
            Self::Malformed(t) => t.clone(),
            Self::OutOfRange { page, pages } => Text::new(
                format!("公告板列表共 {pages} 页，没有第 {page} 页。"),
                format!(
                    "The board's list has {}; there is no page {page}.",
                    hallvote_tally::text::en_count(*pages, "page", "pages")
                ),
            ),
        }
    }

    fn into_error(self) -> ApiError {
        let t = self.text();
        let code = match self {
            Self::Malformed(_) => "page_malformed",
            Self::OutOfRange { .. } => "page_out_of_range",
        };
        ApiError::new(self.status(), code, &t.zh, &t.en)
    }
}

/// Reads `page` (from 1; default 1) and `per_page` (1 to [`MAX_PER_PAGE`]; default
/// [`PER_PAGE`]) for a board of `size` entries. Only plain decimal digits are numbers.
fn paging(size: u64, page: Option<&str>, per_page: Option<&str>) -> Result<Paging, PageError> {
    let per_page = match per_page {
        None => PER_PAGE,
        Some(text) => number(text).filter(|n| (1..=MAX_PER_PAGE).contains(n)).ok_or_else(|| {
            PageError::Malformed(Text::new(
                format!("每页条目数不正确：“{}”不是 1 到 {MAX_PER_PAGE} 之间的整数。", shown(text)),
                format!(
                    "The entries per page are malformed: “{}” is not a whole number from 1 to {MAX_PER_PAGE}.",
                    shown(text)
                ),
            ))
        })?,
    };
    let page = match page {
        None => 1,
        Some(text) => number(text).filter(|n| *n >= 1).ok_or_else(|| {
            PageError::Malformed(Text::new(
                format!("页码不正确：“{}”不是页码。页码是从 1 起的整数。", shown(text)),
                format!("The page number is malformed: “{}” is not a page number (1, 2, 3 …).", shown(text)),
            ))
        })?,
    };
    let pages = size.div_ceil(per_page).max(1);
    if page > pages {
        return Err(PageError::OutOfRange { page, pages });
    }
    Ok(Paging { page, per_page, pages })
}

/// A whole number written in decimal digits only (no sign, no space), if it fits.
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// What was typed, cut short for a message.
fn shown(text: &str) -> String {
    let mut s: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        s.push('…');
    }
    s
}

fn kind_word(kind: casting::EntryKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (casting::EntryKind::Cast, Lang::ZhCn) => "投出",
        (casting::EntryKind::Cast, Lang::En) => "cast",
        (casting::EntryKind::Spoiled, Lang::ZhCn) => "核验作废",
        (casting::EntryKind::Spoiled, Lang::En) => "spoiled (challenged)",
        (casting::EntryKind::Cancelled, Lang::ZhCn) => "凭证交回作废（换发）",
        (casting::EntryKind::Cancelled, Lang::En) => "credential cancelled (replaced)",
        (casting::EntryKind::Replaced, Lang::ZhCn) => "遗失凭证补发",
        (casting::EntryKind::Replaced, Lang::En) => "lost credential replaced",
    }
}

/// The wire's word for an entry's kind.
pub(crate) fn wire_kind(kind: casting::EntryKind) -> EntryKind {
    match kind {
        casting::EntryKind::Cast => EntryKind::Cast,
        casting::EntryKind::Spoiled => EntryKind::Spoiled,
        casting::EntryKind::Cancelled => EntryKind::Cancelled,
        casting::EntryKind::Replaced => EntryKind::Replaced,
    }
}

/// One page of the board's list as JSON: positions from 0, as in every other answer. Public.
async fn list_json(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Json<BoardList>, ApiError> {
    let (_, run) = load_run(&state, id).await?;
    let paging = paging(run.board_size, q.page.as_deref(), q.per_page.as_deref()).map_err(PageError::into_error)?;
    let entries = casting::list_entries(&state.store, id, paging.from(), paging.per_page, run.board_size).await?;
    let entries: Vec<_> = entries
        .iter()
        .map(|e| BoardListEntry {
            position: e.position,
            tracking: TrackingCode::from_bytes(e.tracking).to_string(),
            kind: wire_kind(e.kind),
        })
        .collect();
    Ok(Json(BoardList {
        state: run.state,
        size: run.board_size,
        sealed: run.final_head.is_some(),
        page: paging.page,
        per_page: paging.per_page,
        pages: paging.pages,
        entries,
    }))
}

async fn list_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let (poll, run) = load_run(&state, id).await?;
    let paging = paging(run.board_size, q.page.as_deref(), q.per_page.as_deref());
    let (status, entries) = match &paging {
        Ok(p) => (StatusCode::OK, casting::list_entries(&state.store, id, p.from(), p.per_page, run.board_size).await?),
        Err(e) => (e.status(), Vec::new()),
    };
    let view = ListView {
        poll: id,
        name: &poll.poll.name,
        state: run.state,
        size: run.board_size,
        sealed: run.final_head.is_some(),
        per_page: q.per_page.as_deref().and(paging.as_ref().ok().map(|p| p.per_page)),
        lang,
    };
    let page = render(&view.page(paging.as_ref(), &entries))?;
    Ok(remember_lang((status, page).into_response(), lang, set))
}

/// What the list page is drawn from.
struct ListView<'a> {
    poll: i64,
    name: &'a str,
    state: PollState,
    size: u64,
    sealed: bool,
    /// `per_page` as asked for, kept in the page's links.
    per_page: Option<u64>,
    lang: Lang,
}

impl ListView<'_> {
    fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.lang == Lang::ZhCn { zh } else { en }
    }

    /// `?page=N` with the language and `per_page` kept.
    fn href(&self, page: u64, lang: Lang) -> String {
        let mut h = format!("?lang={}&page={page}", lang_tag(lang));
        if let Some(n) = self.per_page {
            h.push_str(&format!("&per_page={n}"));
        }
        h
    }

    fn page(&self, paging: Result<&Paging, &PageError>, entries: &[ListedEntry]) -> ListPage<'_> {
        let zh = self.lang == Lang::ZhCn;
        let other = other_lang(self.lang);
        let state = self.state.label(self.lang);
        let board_state = match (self.sealed, zh) {
            (true, true) => "公告板已封存，不再增加条目。",
            (true, false) => "The board is sealed: no entry will be added.",
            (false, true) => "投票进行中时，新的条目会加在最后一页。",
            (false, false) => "While the poll is open, new entries are added on the last page.",
        };
        let summary = if zh {
            format!("状态：{state}。公告板共 {} 条。{board_state}", self.size)
        } else {
            format!("State: {state}. The board has {}. {board_state}", en_count(self.size, "entry", "entries"))
        };
        let (error, table, pager, shown_page) = match paging {
            Ok(p) => (None, Some(self.table(p, entries)), self.pager(p), p.page),
            Err(e) => (
                Some(PageMessage {
                    text: e.text().get(self.lang).to_owned(),
                    href: self.href(1, self.lang),
                    word: self.t("回到第 1 页", "Go to page 1"),
                }),
                None,
                Vec::new(),
                1,
            ),
        };
        ListPage {
            langs: LangSwitch::new(self.lang, self.href(shown_page, other)),
            title: self.t("公告板全部条目", "Every entry on the board"),
            poll: self.name,
            summary,
            board_href: format!("/polls/{}/board?lang={}", self.poll, lang_tag(self.lang)),
            board_link: self.t("按追踪码查询", "Look up a tracking code"),
            hint: self.t(
                "每条选票按加入公告板的先后排列。点追踪码可查看该条目及其包含证明；核验作废的选票还可查看它加密的内容，并由本浏览器核对。",
                "Ballots in the order they joined the board. Choose a tracking code to see the entry and its inclusion proof; a spoiled ballot also shows what it held, checked in this browser.",
            ),
            error,
            table,
            pager,
            pager_label: self.t("翻页", "Pages"),
        }
    }

    fn table(&self, p: &Paging, entries: &[ListedEntry]) -> EntryTable {
        let zh = self.lang == Lang::ZhCn;
        let caption = match (entries.first(), entries.last()) {
            (Some(a), Some(b)) => {
                let (a, b, of) = (a.position + 1, b.position + 1, self.size);
                match (zh, a == b) {
                    (true, false) => format!("第 {}/{} 页：第 {a} 至 {b} 条（共 {of} 条）", p.page, p.pages),
                    (true, true) => format!("第 {}/{} 页：第 {a} 条（共 {of} 条）", p.page, p.pages),
                    (false, false) => format!("Page {} of {}: entries {a} to {b} (of {of})", p.page, p.pages),
                    (false, true) => format!("Page {} of {}: entry {a} (of {of})", p.page, p.pages),
                }
            }
            _ => String::new(),
        };
        let rows = entries
            .iter()
            .map(|e| {
                let ballot = e.kind.is_ballot();
                // A cancellation or replacement has no tracking code (spec §6.7).
                let code = if ballot { TrackingCode::from_bytes(e.tracking).to_string() } else { "—".to_owned() };
                EntryRow {
                    class: match e.kind {
                        casting::EntryKind::Cast => "cast",
                        casting::EntryKind::Spoiled => "spoiled",
                        casting::EntryKind::Cancelled | casting::EntryKind::Replaced => "replacement",
                    },
                    n: e.position + 1,
                    position: e.position,
                    href: format!("/polls/{}/board?lang={}&code={}", self.poll, lang_tag(self.lang), url_encode(&code)),
                    code,
                    kind: kind_word(e.kind, self.lang),
                    open: (e.kind == casting::EntryKind::Spoiled)
                        .then(|| self.t("查看所加密的内容", "See what it held")),
                }
            })
            .collect();
        EntryTable {
            caption,
            heads: [
                self.t("位置", "No."),
                self.t("追踪码", "Tracking code"),
                self.t("类型", "Kind"),
                self.t("内容", "Contents"),
            ],
            rows,
            empty: self.t("公告板上尚无选票。", "No ballot is on the board yet."),
        }
    }

    /// First, previous, "page p of n", next, last: links where they lead somewhere.
    fn pager(&self, p: &Paging) -> Vec<PagerItem> {
        let link = |to: Option<u64>, rel: &'static str, id: &'static str, text: &'static str| PagerItem {
            at: false,
            href: to.map(|n| self.href(n, self.lang)),
            rel,
            id,
            text: text.to_owned(),
        };
        let (prev, next) = ((p.page > 1).then(|| p.page - 1), (p.page < p.pages).then(|| p.page + 1));
        let at = if self.lang == Lang::ZhCn {
            format!("第 {}/{} 页", p.page, p.pages)
        } else {
            format!("Page {} of {}", p.page, p.pages)
        };
        vec![
            link(prev.map(|_| 1), "first", "first-page", self.t("« 第一页", "« First")),
            link(prev, "prev", "prev-page", self.t("‹ 上一页", "‹ Previous")),
            PagerItem { at: true, href: None, rel: "", id: "page-at", text: at },
            link(next, "next", "next-page", self.t("下一页 ›", "Next ›")),
            link(next.map(|_| p.pages), "last", "last-page", self.t("最后一页 »", "Last »")),
        ]
    }
}

/// The list page (`pages/board_list.html`).
#[derive(Template)]
#[template(path = "board_list.html")]
struct ListPage<'a> {
    langs: LangSwitch,
    title: &'static str,
    poll: &'a str,
    summary: String,
    board_href: String,
    board_link: &'static str,
    hint: &'static str,
    /// A page number that is not one, instead of the table.
    error: Option<PageMessage>,
    table: Option<EntryTable>,
    pager: Vec<PagerItem>,
    pager_label: &'static str,
}

/// Why the page asked for cannot be shown, with a link to the first.
struct PageMessage {
    text: String,
    href: String,
    word: &'static str,
}

/// The page's entries; without rows, a line saying the board is empty.
struct EntryTable {
    caption: String,
    heads: [&'static str; 4],
    rows: Vec<EntryRow>,
    empty: &'static str,
}

/// One entry of the table.
struct EntryRow {
    class: &'static str,
    /// The position from 1, as people count.
    n: u64,
    position: u64,
    /// The board explorer's lookup of this entry's tracking code.
    href: String,
    code: String,
    kind: &'static str,
    /// For a spoiled ballot: the link to what it held.
    open: Option<&'static str>,
}

/// A link of the pager, the words "page p of n" (`at`), or a link that leads nowhere (no `href`).
struct PagerItem {
    at: bool,
    href: Option<String>,
    rel: &'static str,
    id: &'static str,
    text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_and_bad_numbers_refused() {
        assert_eq!(paging(0, None, None), Ok(Paging { page: 1, per_page: 50, pages: 1 }));
        assert_eq!(paging(101, Some("3"), None), Ok(Paging { page: 3, per_page: 50, pages: 3 }));
        assert_eq!(paging(8, Some("2"), Some("3")).map(|p| (p.from(), p.pages)), Ok((3, 3)));
        assert_eq!(paging(8, Some("4"), Some("3")), Err(PageError::OutOfRange { page: 4, pages: 3 }));
        assert_eq!(paging(0, Some("2"), None), Err(PageError::OutOfRange { page: 2, pages: 1 }));
        for bad in ["0", "-1", "+1", "1.5", " 1", "abc", "", "99999999999999999999999"] {
            assert!(matches!(paging(8, Some(bad), None), Err(PageError::Malformed(_))), "{bad:?}");
        }
        for bad in ["0", "201", "x"] {
            assert!(matches!(paging(8, None, Some(bad)), Err(PageError::Malformed(_))), "{bad:?}");
        }
        let long = "9".repeat(40);
        let Err(PageError::Malformed(t)) = paging(8, Some(&long), None) else { panic!() };
        assert!(t.zh.contains(&format!("{}…", "9".repeat(24))), "{}", t.zh);
    }
}
