//! The console's record pages: `GET /congresses/{id}/roster`, a congress's roll of
//! delegates with a search by card or name and each delegate's status in words,
//! where the organiser records a change of status (a form per row that calls
//! `POST /api/congresses/{id}/roster/{card}/status-changes`); `GET /audit`, the
//! audit log, newest first, a page at a time. Server-rendered in the request's
//! language (`?lang=en` switches and remembers it); the search, the status form and
//! the local times are the page's script (`roster.js`, `audit.js`), the pages read
//! without it.

use crate::api::prelude::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use hallvote_tally::Lang;
use serde::Deserialize;

use super::AppState;
use super::extract::Query;
use super::support::dates::utc;
use super::support::lang::{LangSwitch, lang_tag, page_lang, remember_lang};
use super::support::load::load_congress;
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::delegate_status::{DelegateStanding, standing};
use crate::db::{audit, roster};
use crate::i18n::RequestLang;
use crate::standing::standing_words;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/congresses/{id}/roster", "roster", Access::Roles(ROLL_READERS))
                    .says(
                        "The roll of delegates, as a page",
                        "代表名册页面：代表证号、姓名、代表团、状态，可按代表证号或姓名查找；会务组可在此登记代表资格变动。",
                    )
                    .query(LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            roster_page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/audit", "audit", Access::Roles(&[Role::Organiser, Role::Observer]))
                    .says("The audit log, as a page", "操作日志页面：最新的在前，每页一百条，以及哈希链校验结果。")
                    .query(&[
                        o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC),
                        o("before", Int, "Entries with `seq` below this (default: from the newest)."),
                    ])
                    .answers(Answer::Html);
                ROUTE
            },
            audit_page,
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterQuery {
    lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    lang: Option<String>,
    before: Option<i64>,
}

/// How many audit entries one page shows.
const AUDIT_PAGE: i64 = 100;

async fn roster_page(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<RosterQuery>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let c = load_congress(&state, id).await?;
    let roll = roster::roll(&state.store, c.id).await?;
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let rows = roll
        .into_iter()
        .map(|d| {
            let standing = standing(&d.status);
            let status = standing_words(standing).get(lang).to_owned();
            let search = format!("{} {}", d.card, d.name).to_lowercase();
            let active = standing == DelegateStanding::Active;
            RosterRow {
                active,
                standing: standing.as_str(),
                card: d.card,
                name: d.name,
                group: d.group,
                status,
                search,
            }
        })
        .collect::<Vec<_>>();
    let page = RosterPage {
        langs: LangSwitch::query(lang),
        title: format!("{}{}", t("代表名册：", "Roll of delegates: "), c.name),
        back: t("返回控制台", "Back to the console"),
        search: t("按代表证号或姓名查找", "Find by card number or name"),
        count: t("共 {n} 人", "{n} delegates").replace("{n}", &rows.len().to_string()),
        count_words: t("共 {n} 人", "{n} delegates"),
        shown_words: t("显示 {k} / {n} 人", "Showing {k} of {n}"),
        empty: t("名册为空：请在控制台导入代表名册。", "The roll is empty: import it on the console."),
        card: t("代表证号", "Card number"),
        name: t("姓名", "Name"),
        group: t("代表团", "Delegation"),
        status: t("状态", "Status"),
        active_words: standing_words(DelegateStanding::Active).get(lang).to_owned(),
        change: (auth.account.role == Role::Organiser).then(|| StatusForm {
            api: format!("/api/congresses/{}/roster/", c.id),
            action: t("操作", "Action"),
            button: t("登记资格变动", "Record a status change"),
            sep: t("：", ": "),
            heading: t("登记资格变动：{name}（{card}）", "Record a status change: {name} ({card})"),
            new_status: t("新的状态", "New status"),
            choices: [DelegateStanding::Terminated, DelegateStanding::Suspended, DelegateStanding::Active]
                .into_iter()
                .map(|s| {
                    let words = match s {
                        DelegateStanding::Active => t("恢复（有效）", "Restored (active)").to_owned(),
                        other => standing_words(other).get(lang).to_owned(),
                    };
                    (s.as_str(), words)
                })
                .collect(),
            effective: t("生效日期", "Effective date"),
            reason: t("原因", "Reason"),
            document: t("文件依据", "Document reference"),
            submit: t("登记", "Record"),
            cancel: t("取消", "Cancel"),
            done: t("已登记：{name}的状态现为“{status}”。", "Recorded: {name}'s status is now “{status}”."),
        }),
        rows,
    };
    let html = crate::templates::render(&page)?;
    Ok(remember_lang(html.into_response(), lang, set))
}

async fn audit_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let before = q.before.unwrap_or(i64::MAX);
    let entries = audit::latest(&state.store, before, AUDIT_PAGE).await?;
    // The whole chain, so what this page shows is vouched for by every entry before it.
    let newest = audit::latest(&state.store, i64::MAX, 1).await?;
    let all = audit::list(&state.store, 0, newest.first().map_or(0, |e| e.seq)).await?;
    let verified = audit::verify_chain(&all).is_ok();
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let oldest = entries.last().map_or(0, |e| e.seq);
    let more = (oldest > 1).then(|| format!("/audit?before={oldest}&lang={}", lang_tag(lang)));
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: e.at,
            at_utc: utc(e.at),
            actor: e.actor,
            action: e.action,
            detail: e.detail,
        })
        .collect::<Vec<_>>();
    let page = AuditLogPage {
        langs: LangSwitch::query(lang),
        title: t("操作日志", "Audit log"),
        back: t("返回控制台", "Back to the console"),
        chain: if verified {
            t("哈希链校验通过：日志未被改动。", "The hash chain verifies: the log has not been altered.")
        } else {
            t(
                "哈希链校验未通过：日志可能被改动，请报告。",
                "The hash chain does not verify: the log may have been altered; report it.",
            )
        },
        verified,
        empty: t("尚无记录。", "Nothing recorded yet."),
        seq: t("序号", "No."),
        time: t("时间", "Time"),
        who: t("操作人", "Who"),
        what: t("操作", "What"),
        detail: t("详情", "Detail"),
        more_words: t("更早的记录", "Earlier entries"),
        more,
        rows,
    };
    let html = crate::templates::render(&page)?;
    Ok(remember_lang(html.into_response(), lang, set))
}

/// The roll (`pages/roster.html`).
#[derive(Template)]
#[template(path = "roster.html")]
struct RosterPage {
    langs: LangSwitch,
    title: String,
    back: &'static str,
    search: &'static str,
    /// How many delegates the roll has, in words.
    count: String,
    /// `{n}`: the roll's size; for the script.
    count_words: &'static str,
    /// `{k}` of `{n}` shown; for the script.
    shown_words: &'static str,
    empty: &'static str,
    card: &'static str,
    name: &'static str,
    group: &'static str,
    status: &'static str,
    /// "Active" in words (what the script writes in a restored delegate's row).
    active_words: String,
    /// The status change form, for the organiser only.
    change: Option<StatusForm>,
    rows: Vec<RosterRow>,
}

/// The form in which the organiser records a change of a delegate's status.
struct StatusForm {
    /// `/api/congresses/{id}/roster/`: the script adds `{card}/status-changes`.
    api: String,
    action: &'static str,
    button: &'static str,
    /// Between the button's words and the delegate's name in its accessible name.
    sep: &'static str,
    /// `{name}` and `{card}`: the delegate the form is open for.
    heading: &'static str,
    new_status: &'static str,
    /// (stored name, words) of each status the form offers.
    choices: Vec<(&'static str, String)>,
    effective: &'static str,
    reason: &'static str,
    document: &'static str,
    submit: &'static str,
    cancel: &'static str,
    /// `{name}` and `{status}`: what the page says once the change is recorded.
    done: &'static str,
}

/// One delegate on the roll.
struct RosterRow {
    card: String,
    name: String,
    group: String,
    /// The status in words.
    status: String,
    /// The stored status name (`active`, `terminated`, `suspended`).
    standing: &'static str,
    active: bool,
    /// Card and name in lower case, what the search matches.
    search: String,
}

/// The audit log (`pages/audit.html`).
#[derive(Template)]
#[template(path = "audit.html")]
struct AuditLogPage {
    langs: LangSwitch,
    title: &'static str,
    back: &'static str,
    chain: &'static str,
    verified: bool,
    empty: &'static str,
    seq: &'static str,
    time: &'static str,
    who: &'static str,
    what: &'static str,
    detail: &'static str,
    more_words: &'static str,
    /// The next page's address, if there are earlier entries.
    more: Option<String>,
    rows: Vec<AuditRow>,
}

/// One audit entry.
struct AuditRow {
    seq: i64,
    at: i64,
    at_utc: String,
    actor: String,
    action: String,
    detail: String,
}
