//! The result sheet (计票结果报告单) of a counted poll, as a printable A4 page and as
//! PDF, in the request's language (zh-CN by default, `?lang=en` switches and
//! remembers it).

use crate::api::prelude::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use hallvote_tally::Lang;
use hallvote_tally::count::PollResult;

use super::AppState;
use super::support::errors::conflict;
use super::support::lang::{LangSwitch, PageQuery, page_lang, remember_lang};
use super::support::load::{load_run, load_session};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::casting::{self, OfficerRole};
use crate::i18n::RequestLang;
use crate::lifecycle::PollState;
use crate::poll::recount::recount;
use crate::sheet::{SheetHeading, SheetNav, Signer, Signers};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/polls/{id}/sheet", "public", Access::PublishedOr(SHEET_READERS))
                    .says("The result sheet", "计票结果报告单（可打印的 A4 页面）。")
                    .query(LANG)
                    .answers(Answer::Html)
                    .refuses(&[(409, "poll_not_counted")]);
                ROUTE
            },
            sheet_page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/polls/{id}/sheet.pdf", "public", Access::PublishedOr(SHEET_READERS))
                    .says("The result sheet as PDF", "计票结果报告单（PDF）。")
                    .query(LANG)
                    .answers(Answer::File("application/pdf", "The sheet `poll-{id}-sheet.pdf`."))
                    .refuses(&[(409, "poll_not_counted"), (503, "sheet_pdf_unavailable")]);
                ROUTE
            },
            sheet_pdf,
        )
}

/// A counted poll: the result recounted from the stored totals, and what heads and
/// signs its sheet.
struct Counted {
    result: PollResult,
    heading: SheetHeading,
    signers: Signers,
}

/// The sheet of a poll, for who may see it: before the tally nobody (409); tallied,
/// the organisers, scrutineers and observers; published, anyone.
async fn counted(state: &AppState, id: i64, auth: Result<&Authenticated, &ApiError>) -> Result<Counted, ApiError> {
    let (_, run) = load_run(state, id).await?;
    match run.state {
        PollState::Published => {}
        PollState::Tallied => {
            auth.map_err(Clone::clone)?.require(SHEET_READERS)?;
        }
        _ => {
            return Err(conflict(
                "poll_not_counted",
                &format!("本次投票当前状态为“{}”，计票完成后才有计票结果报告单。", run.state.label(Lang::ZhCn)),
                &format!(
                    "The poll's state is “{}”; the result sheet exists once the votes are counted.",
                    run.state.label(Lang::En)
                ),
            ));
        }
    }
    let (manifest, result) = recount(&state.store, &run).await?;
    let session = load_session(state, run.session_id).await?;
    let heading = SheetHeading {
        session: format!("{}{}", manifest.congress, manifest.session),
        poll: manifest.poll.name.clone(),
        date: session.date,
        place: session.place,
        ruleset: String::new(),
        fingerprint: state.fingerprints.of(&state.store, &run).await?.map(|f| f.short()).unwrap_or_default(),
    };
    let signed = casting::signatures(&state.store, id).await?;
    let mut signers = Signers::default();
    for o in casting::officers(&state.store, id).await? {
        let has = signed.iter().any(|(r, p, _)| *r == o.role && *p == o.position);
        let s = if has { Signer::signed(o.name) } else { Signer::new(o.name) };
        match o.role {
            OfficerRole::Scrutineer => signers.scrutineers.push(s),
            OfficerRole::Counter => signers.counters.push(s),
        }
    }
    Ok(Counted { result, heading, signers })
}

async fn sheet_page(
    State(state): State<AppState>,
    auth: Result<Authenticated, ApiError>,
    RequestLang(lang): RequestLang,
    Query(q): Query<PageQuery>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let c = counted(&state, id, auth.as_ref()).await?;
    let switch = LangSwitch::query(lang);
    let nav = SheetNav {
        other_href: switch.other_href,
        other_tag: switch.other,
        other_name: switch.other_name,
        pdf_href: format!("/polls/{id}/sheet.pdf?lang={}", switch.tag),
    };
    let page = crate::sheet::html_served(&c.result, &c.heading, &c.signers, lang, &nav);
    Ok(remember_lang(Html(page).into_response(), lang, set))
}

async fn sheet_pdf(
    State(state): State<AppState>,
    auth: Result<Authenticated, ApiError>,
    RequestLang(lang): RequestLang,
    Query(q): Query<PageQuery>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (lang, _) = page_lang(lang, q.lang.as_deref());
    let c = counted(&state, id, auth.as_ref()).await?;
    let pdf = tokio::task::spawn_blocking(move || crate::sheet::pdf(&c.result, &c.heading, &c.signers, lang))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "result sheet PDF");
            let t = e.text();
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "sheet_pdf_unavailable", &t.zh, &t.en)
        })?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, format!("inline; filename=\"poll-{id}-sheet.pdf\"")),
        ],
        pdf,
    )
        .into_response())
}
