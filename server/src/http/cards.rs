//! Delegate cards (代表证): each with the delegate's signed QR code (spec §16), as
//! JSON, as a printable A4 page, and one by one as PNG.

use crate::api::prelude::*;
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::support::errors::not_found;
use super::support::lang::{PageQuery, lang_tag, page_lang, remember_lang};
use super::support::load::load_congress;
use crate::ApiError;
use crate::cards::{qr_png, qr_svg, qr_text};
use crate::db::roster;
use crate::i18n::RequestLang;
use crate::templates::render;
use hallvote_protocol::wire::CardView;
use hallvote_tally::Lang;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/congresses/{id}/cards", "roster", Access::Roles(ORGANISER))
                    .says("Delegate cards with their signed QR text", "代表证列表（含签名的二维码内容）。")
                    .answers_json(
                        200,
                        Ty::Arr(&Ty::Obj(&[
                            f("card", Str, ""),
                            f("name", Str, ""),
                            f("group", Str, ""),
                            f("qr_text", Str, "The signed QR text (spec §16)."),
                        ])),
                    );
                ROUTE
            },
            list,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/congresses/{id}/cards/{card}/qr.png", "roster", Access::Roles(ORGANISER))
                        .says("One delegate card's QR code as PNG", "单个代表证二维码（PNG 图片）。")
                        .answers(Answer::File("image/png", "The PNG image."));
                ROUTE
            },
            png,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/congresses/{id}/cards", "roster", Access::Roles(ORGANISER))
                    .says("Printable delegate cards", "可打印的代表证页面（A4，每页八张）。")
                    .query(LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            page,
        )
}

async fn cards(state: &AppState, congress_id: i64) -> Result<(String, Vec<CardView>), ApiError> {
    let c = load_congress(state, congress_id).await?;
    let roll = roster::roll(&state.store, c.id).await?;
    let cards = roll
        .into_iter()
        .filter(|d| d.status == "active")
        .map(|d| CardView {
            qr_text: qr_text(&state.server_key, c.id as u64, &d.card),
            card: d.card,
            name: d.name,
            group: d.group,
        })
        .collect();
    Ok((c.name, cards))
}

async fn list(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<Vec<CardView>>, ApiError> {
    Ok(Json(cards(&state, id).await?.1))
}

async fn png(State(state): State<AppState>, Path((id, card)): Path<(i64, String)>) -> Result<Response, ApiError> {
    let c = load_congress(&state, id).await?;
    let d = roster::by_card(&state.store, c.id, &card).await?.ok_or_else(|| not_found("代表", "delegate"))?;
    let bytes = qr_png(&qr_text(&state.server_key, c.id as u64, &d.card), 8)
        .ok_or_else(|| ApiError::internal("QR code could not be drawn"))?;
    Ok(([(CONTENT_TYPE, "image/png")], bytes).into_response())
}

/// A printable A4 sheet of cards, eight to a page, each with name, group, card
/// number and QR code. Large type; cut along the borders.
async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Query(q): Query<PageQuery>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    // `?lang=` as on every other page of the console.
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let (congress, cards) = cards(&state, id).await?;
    let (title, card_word) = match lang {
        Lang::ZhCn => ("代表证", "代表证号"),
        Lang::En => ("Delegate cards", "Card no."),
    };
    let cards = cards
        .iter()
        .map(|c| {
            let svg = qr_svg(&c.qr_text).ok_or_else(|| ApiError::internal("QR code could not be drawn"))?;
            // The SVG is drawn here from a fixed alphabet: markup the page places as it is.
            let svg = svg.split_once("?>").map_or(svg.as_str(), |(_, rest)| rest).to_owned();
            Ok(CardItem { name: &c.name, group: &c.group, card: &c.card, svg })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let page = render(&CardsPage { lang: lang_tag(lang), title, card_word, congress: &congress, cards })?;
    Ok(remember_lang(page.into_response(), lang, set))
}

/// The printable sheet (`http/pages/cards.html`).
#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage<'a> {
    lang: &'a str,
    title: &'a str,
    card_word: &'a str,
    congress: &'a str,
    cards: Vec<CardItem<'a>>,
}

/// One card of the sheet.
struct CardItem<'a> {
    name: &'a str,
    group: &'a str,
    card: &'a str,
    /// The QR code as SVG markup the server drew.
    svg: String,
}
