//! The pages and documents of a session's proposals (spec §14.11):
//! `GET /sessions/{id}/proposals`, the secretariat's page — the presidium, the
//! deadline, a proposal entered from the paper form, and each proposal with the step
//! it is ready for (co-signers from the form, submission, the presidium's review,
//! assignment or the agenda, the unit's reply, the lead delegate's evaluation);
//! `GET /sessions/{id}/proposals/list`, the public list; and the 提案汇编 and the
//! handling report as PDF. Server-rendered in the request's language (`?lang=en`
//! switches and remembers it), large touch targets; the forms are sent to the API by
//! the page's script (`proposals.js`), each call checked against the account's role.

use crate::api::prelude::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use hallvote_tally::Lang;
use serde::Deserialize;

use super::AppState;
use super::extract::Query;
use super::support::lang::{LangSwitch, page_lang, remember_lang};
use super::support::load::load_session;
use crate::ApiError;
use crate::db::{congress, proposals as store};
use crate::i18n::RequestLang;
use crate::sheet::proposals::{ProposalDoc, category_text, evaluation_text, state_text};
use hallvote_protocol::wire::{Proposal, ProposalCategory, ProposalDelegate, ProposalState};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/sessions/{id}/proposals", "proposals", Access::Roles(ORGANISER))
                    .says(
                        "The secretariat's page of the session's proposals",
                        "秘书处的提案页面：主席团、截止时间、录入提案、附议、提交、主席团审议、交办、列入议程、答复与评价。",
                    )
                    .query(LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            console_page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/sessions/{id}/proposals/list", "public", Access::Public)
                    .says("The session's proposals, as a public page", "本次会议提案及办理情况（公开页面）。")
                    .query(LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            public_page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/sessions/{id}/proposals/compilation.pdf", "public", Access::Public)
                    .says("The compilation of proposals as PDF", "提案汇编（PDF）：每件已提交的提案全文及附议代表。")
                    .query(LANG)
                    .answers(Answer::File("application/pdf", "`session-{id}-proposals.pdf`."))
                    .refuses(&[(503, "sheet_pdf_unavailable")]);
                ROUTE
            },
            compilation_pdf,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/sessions/{id}/proposals/report.pdf", "public", Access::Public)
                    .says("The report on the handling of proposals as PDF", "提案办理情况报告（PDF）：审议结果、承办单位、答复与代表评价。")
                    .query(LANG)
                    .answers(Answer::File("application/pdf", "`session-{id}-proposal-report.pdf`."))
                    .refuses(&[(503, "sheet_pdf_unavailable")]);
                ROUTE
            },
            report_pdf,
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LangQuery {
    lang: Option<String>,
}

/// Every word of the pages, in both languages: `key`, zh-CN, English.
const WORDS: &[(&str, &str, &str)] = &[
    ("sep", "：", ": "),
    ("open", "（", " ("),
    ("close", "）", ")"),
    ("comma", "，", ", "),
    ("title", "提案", "Proposals"),
    ("public_title", "提案及办理情况", "Proposals and their handling"),
    ("back", "返回会议页面", "Back to the session"),
    ("public_link", "公开页面", "Public page"),
    ("compilation", "提案汇编（PDF）", "Compilation of proposals (PDF)"),
    ("report", "办理情况报告（PDF）", "Handling report (PDF)"),
    ("presidium", "主席团", "Presidium"),
    ("presidium_none", "尚未确定主席团成员。", "No presidium has been named yet."),
    ("presidium_cards", "主席团成员的代表证号（每行一个）", "Card numbers of the presidium's members (one per line)"),
    ("presidium_save", "保存主席团名单", "Save the presidium"),
    ("presidium_done", "主席团名单已保存。", "The presidium is saved."),
    ("deadline", "提案截止时间", "Deadline for proposals"),
    ("deadline_none", "尚未设定截止时间。", "No deadline is set."),
    ("deadline_now", "截止时间：", "Deadline: "),
    ("deadline_save", "设定截止时间", "Set the deadline"),
    ("deadline_done", "截止时间已设定。", "The deadline is set."),
    ("new", "录入纸质提案", "Enter a proposal from the paper form"),
    ("lead", "领衔代表的代表证号", "Lead delegate's card number"),
    ("proposal_title", "案由（一事一案）", "Title (one issue per proposal)"),
    ("reasons", "理由", "Reasons"),
    ("measures", "建议措施", "Suggested measures"),
    ("enter", "录入", "Enter"),
    ("entered", "提案已录入，请登记附议代表。", "The proposal is entered: record its co-signers."),
    ("list", "提案列表", "Proposals"),
    ("none", "尚无提案。", "No proposals yet."),
    ("lead_words", "领衔代表：", "Lead delegate: "),
    ("lead_h", "领衔代表", "Lead delegate"),
    ("cosigners", "附议代表", "Co-signers"),
    ("by_card", "扫码", "card"),
    ("by_paper", "纸质", "paper"),
    ("state", "状态", "Status"),
    ("history", "办理记录", "History"),
    ("cosign_card", "附议代表的代表证号", "Co-signer's card number"),
    ("cosign", "登记附议", "Record the co-signer"),
    ("cosigned", "附议已登记。", "The co-signer is recorded."),
    ("submit", "提交主席团", "Submit to the presidium"),
    ("submitted", "提案已提交主席团。", "The proposal is submitted to the presidium."),
    ("member", "作出决定的主席团成员", "Presidium member who decided"),
    ("decision", "审议结果", "Decision"),
    ("accept", "立案", "Accept as a proposal"),
    ("suggestion", "转为意见建议", "Turn into a suggestion"),
    ("merge", "并案", "Merge with another"),
    ("reject", "不予立案", "Not accepted"),
    ("merge_into", "并入（并案时）", "Merge into (for a merge)"),
    ("merge_none", "—", "—"),
    ("reason", "理由", "Reason"),
    ("review", "登记审议结果", "Record the decision"),
    ("reviewed", "审议结果已登记。", "The decision is recorded."),
    ("unit", "承办单位", "Handling unit"),
    ("due", "答复期限", "Reply due"),
    ("assign", "交办", "Assign"),
    ("assigned", "已交办。", "Assigned."),
    ("agenda", "列入大会议程（建立表决）", "Put on the agenda (make its motion poll)"),
    (
        "agenda_done",
        "已列入大会议程，表决已建立：请在会议页面进行投票。",
        "On the agenda; its motion poll is made: run it from the session page.",
    ),
    ("reply", "承办单位答复", "The unit's reply"),
    ("reply_again", "承办单位再次答复", "The unit's second reply"),
    ("reply_save", "登记答复", "Record the reply"),
    ("replied", "答复已登记。", "The reply is recorded."),
    ("evaluation", "领衔代表对答复的评价", "The lead delegate's evaluation of the reply"),
    ("satisfied", "满意", "Satisfied"),
    ("basically_satisfied", "基本满意", "Basically satisfied"),
    ("dissatisfied", "不满意", "Not satisfied"),
    ("comment", "代表意见", "Comment"),
    ("evaluate", "登记评价", "Record the evaluation"),
    ("evaluated", "评价已登记。", "The evaluation is recorded."),
    ("poll", "表决", "Motion poll"),
    ("no", "编号", "No."),
    ("category", "类别", "Kind"),
    ("unit_due", "承办单位、期限", "Handling unit, due"),
    ("count", "附议人数", "Co-signers"),
    ("public_none", "本次会议尚无提交的提案。", "No proposal has been filed at this session."),
];

/// The pages' words in one language.
struct Words(Lang);

impl Words {
    fn t(&self, key: &str) -> &'static str {
        let (_, zh, en) = WORDS.iter().find(|(k, _, _)| *k == key).copied().unwrap_or(("", "", ""));
        if self.0 == Lang::ZhCn { zh } else { en }
    }
}

/// The session's heading: the congress's name and the session's number.
async fn session_title(state: &AppState, s: &congress::Session, lang: Lang) -> Result<String, ApiError> {
    let c = congress::congress(&state.store, s.congress_id).await?;
    Ok(match (&c, lang) {
        (Some(c), Lang::ZhCn) => format!("{}第{}次会议", c.name, s.number),
        (Some(c), Lang::En) => format!("{}, session {}", c.name, s.number),
        (None, _) => String::new(),
    })
}

fn number(p: &Proposal, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("第{}号", p.number),
        Lang::En => format!("No. {}", p.number),
    }
}

/// A proposal as the secretariat's page shows it.
struct Item {
    id: i64,
    number: String,
    title: String,
    lead: String,
    state: String,
    /// `proposal-state-…`, for the page's style and tests.
    state_name: &'static str,
    cosigners: String,
    cosigner_count: String,
    reasons: Vec<String>,
    measures: Vec<String>,
    history: Vec<String>,
    unit: String,
    poll: Option<i64>,
    /// Which forms it offers.
    collecting: bool,
    reviewing: bool,
    routing: bool,
    agenda: bool,
    replying: bool,
    second_reply: bool,
    evaluating: bool,
}

fn history_line(e: &hallvote_protocol::wire::ProposalEvent, lang: Lang) -> String {
    let t = |zh: &str, en: &str| if lang == Lang::ZhCn { zh.to_owned() } else { en.to_owned() };
    let what = match e.action.as_str() {
        "drafted" => t("起草", "Drafted"),
        "submit" => t("提交主席团", "Submitted"),
        "review.accept" => t("立案", "Accepted"),
        "review.merge" => t("并案", "Merged"),
        "review.suggestion" => t("转为意见建议", "Turned into a suggestion"),
        "review.reject" => t("不予立案", "Not accepted"),
        "assign" => t("交办", "Assigned"),
        "agenda" => t("列入大会议程", "Put on the agenda"),
        "reply" => t("承办单位答复", "Reply"),
        other => match other.strip_prefix("evaluate.").and_then(hallvote_protocol::wire::ReplyEvaluation::parse) {
            Some(ev) => format!("{}{}", t("代表评价：", "Evaluation: "), evaluation_text(ev).get(lang)),
            None => other.to_owned(),
        },
    };
    let mut line = what;
    if let Some(m) = &e.member {
        line.push_str(&match lang {
            Lang::ZhCn => format!("（主席团成员 {}）", m.name),
            Lang::En => format!(" (presidium member {})", m.name),
        });
    }
    for extra in [&e.text, &e.reason] {
        if !extra.is_empty() {
            line.push_str(if lang == Lang::ZhCn { "：" } else { ": " });
            line.push_str(extra);
        }
    }
    line
}

fn item(p: &Proposal, lang: Lang) -> Item {
    let sep = if lang == Lang::ZhCn { "、" } else { ", " };
    let w = Words(lang);
    let cosigners: Vec<String> = p
        .cosigners
        .iter()
        .map(|c| {
            let via = match c.via {
                hallvote_protocol::wire::CosignVia::Card => w.t("by_card"),
                hallvote_protocol::wire::CosignVia::Paper => w.t("by_paper"),
            };
            match lang {
                Lang::ZhCn => format!("{}（{}，{via}）", c.delegate.name, c.delegate.card),
                Lang::En => format!("{} ({}, {via})", c.delegate.name, c.delegate.card),
            }
        })
        .collect();
    let mut state = state_text(p.state).get(lang).to_owned();
    if p.category == ProposalCategory::Suggestion {
        state = format!("{state}{}{}{}", w.t("open"), category_text(p.category).get(lang), w.t("close"));
    }
    let lines = |s: &str| s.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    Item {
        id: p.id,
        number: number(p, lang),
        title: p.title.clone(),
        lead: format!("{}{}{}{}{}{}", p.lead.name, w.t("open"), p.lead.card, w.t("comma"), p.lead.group, w.t("close")),
        state,
        state_name: p.state.as_str(),
        cosigner_count: format!("{}/{}", p.cosigners.len(), p.needed),
        cosigners: cosigners.join(sep),
        reasons: lines(&p.reasons),
        measures: lines(&p.measures),
        history: p.history.iter().map(|e| history_line(e, lang)).collect(),
        unit: if p.unit.is_empty() {
            String::new()
        } else {
            format!("{}{}{}{}", p.unit, w.t("open"), p.due, w.t("close"))
        },
        poll: p.poll,
        collecting: p.state == ProposalState::Collecting,
        reviewing: p.state == ProposalState::Submitted,
        routing: p.state == ProposalState::Accepted,
        agenda: p.state == ProposalState::Accepted && p.category == ProposalCategory::Proposal,
        replying: matches!(p.state, ProposalState::Assigned | ProposalState::ReplyAgain),
        second_reply: p.state == ProposalState::ReplyAgain,
        evaluating: p.state == ProposalState::Replied,
    }
}

/// The secretariat's page (`pages/proposals.html`).
#[derive(Template)]
#[template(path = "proposals.html")]
struct ConsolePage {
    langs: LangSwitch,
    w: Words,
    session: i64,
    heading: String,
    presidium: Vec<ProposalDelegate>,
    presidium_cards: String,
    deadline: Option<i64>,
    items: Vec<Item>,
    /// Proposals a merge may name: (id, number and title).
    targets: Vec<(i64, String)>,
}

async fn console_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let s = load_session(&state, id).await?;
    let all = super::support::proposals::of_session(&state, s.id).await?;
    let presidium: Vec<ProposalDelegate> =
        store::presidium(&state.store, s.id).await?.into_iter().map(|(_, d)| d).collect();
    let open = [ProposalState::Submitted, ProposalState::Accepted, ProposalState::Assigned];
    let page = ConsolePage {
        langs: LangSwitch::query(lang),
        w: Words(lang),
        session: s.id,
        heading: session_title(&state, &s, lang).await?,
        presidium_cards: presidium.iter().map(|d| d.card.clone()).collect::<Vec<_>>().join("\n"),
        presidium,
        deadline: store::deadline(&state.store, s.id).await?,
        targets: all
            .iter()
            .filter(|p| open.contains(&p.state))
            .map(|p| (p.id, format!("{} {}", number(p, lang), p.title)))
            .collect(),
        items: all.iter().map(|p| item(p, lang)).collect(),
    };
    let Html(html) = crate::templates::render(&page)?;
    Ok(remember_lang(Html(html).into_response(), lang, set))
}

/// The public list (`pages/proposals_public.html`).
#[derive(Template)]
#[template(path = "proposals_public.html")]
struct PublicPage {
    langs: LangSwitch,
    w: Words,
    session: i64,
    heading: String,
    items: Vec<Item>,
}

async fn public_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let s = load_session(&state, id).await?;
    let all = super::support::proposals::of_session(&state, s.id).await?;
    let page = PublicPage {
        langs: LangSwitch::query(lang),
        w: Words(lang),
        session: s.id,
        heading: session_title(&state, &s, lang).await?,
        items: all.iter().filter(|p| p.state != ProposalState::Collecting).map(|p| item(p, lang)).collect(),
    };
    let Html(html) = crate::templates::render(&page)?;
    Ok(remember_lang(Html(html).into_response(), lang, set))
}

async fn document(
    state: &AppState,
    id: i64,
    lang: Option<String>,
    request: Lang,
    which: ProposalDoc,
) -> Result<Response, ApiError> {
    let (lang, _) = page_lang(request, lang.as_deref());
    let s = load_session(state, id).await?;
    let all = super::support::proposals::of_session(state, s.id).await?;
    let heading = session_title(state, &s, lang).await?;
    let pdf = tokio::task::spawn_blocking(move || crate::sheet::proposals::pdf(which, &heading, &all, lang))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "proposals PDF");
            let t = e.text();
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "sheet_pdf_unavailable", &t.zh, &t.en)
        })?;
    let name = match which {
        ProposalDoc::Compilation => format!("session-{id}-proposals.pdf"),
        ProposalDoc::Report => format!("session-{id}-proposal-report.pdf"),
    };
    Ok((
        [(CONTENT_TYPE, "application/pdf".to_owned()), (CONTENT_DISPOSITION, format!("inline; filename=\"{name}\""))],
        pdf,
    )
        .into_response())
}

async fn compilation_pdf(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, ApiError> {
    document(&state, id, q.lang, lang, ProposalDoc::Compilation).await
}

async fn report_pdf(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, ApiError> {
    document(&state, id, q.lang, lang, ProposalDoc::Report).await
}
