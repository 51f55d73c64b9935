//! The station's page: the poll chosen from the station's offices, then one large
//! button per step.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::App;
use crate::templates::{ScriptJson, render};
use crate::ui::Frame;
use crate::words::scrutineer::Scrutineer as Words;

/// The page: the poll chosen from the station's offices, then one large button per
/// step. The buttons call the JSON interface and show its message.
pub(super) async fn home(State(app): App) -> Response {
    let lang = *app.page_lang.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let w = Words::of(lang);
    render(&HomePage {
        frame: Frame::new(lang, &app.name, w.title, None),
        w,
        data: ScriptJson::new(&json!({
            "lang": lang.code(),
            "need_review": w.need_review,
            "no_polls": w.no_polls,
            "role_scrutineer": w.role_scrutineer,
            "role_counter": w.role_counter,
            "office": w.office,
            "running": w.running,
            "this_station": w.this_station,
            "poll_choice": w.poll_choice,
            "mix_running": w.mix_running,
        })),
    })
}

#[derive(Template)]
#[template(path = "scrutineer/home.html")]
struct HomePage<'a> {
    frame: Frame<'a>,
    w: &'static Words,
    /// The data block of `scrutineer.js`.
    data: ScriptJson,
}
