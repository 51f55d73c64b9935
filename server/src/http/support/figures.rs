//! The hall display's figures: ballot counts while a poll runs, bar charts once it
//! is published (`super::super::display` shows them).

use hallvote_tally::Lang;

use super::charts::result_charts;
use crate::ApiError;
use crate::db::casting;
use crate::db::polls::PollRecord;
use crate::http::AppState;
use crate::lifecycle::PollState;
use crate::poll::recount::recount;
pub use hallvote_protocol::wire::{PublishedResult, Turnout};

/// The hall display's figures of a session's polls: the counts of those being voted
/// on or counted, and the results of those published (newest first).
pub(crate) async fn display_figures(
    state: &AppState,
    polls: &[PollRecord],
    lang: Lang,
) -> Result<(Vec<Turnout>, Vec<PublishedResult>), ApiError> {
    let mut turnout = Vec::new();
    let mut results = Vec::new();
    for p in polls {
        if !p.state.has_opened() {
            continue;
        }
        let Some(run) = casting::run(&state.store, p.id).await? else { continue };
        if run.state == PollState::Published {
            // A poll whose recount fails (logged) is left off rather than blanking the display.
            if let Ok((_, result)) = recount(&state.store, &run).await {
                results.push(PublishedResult { poll: p.poll.name.clone(), charts: result_charts(&result, lang) });
            }
        } else {
            let cast = casting::cast_count(&state.store, p.id).await?;
            turnout.push(Turnout {
                poll: p.poll.name.clone(),
                state: run.state,
                expected: run.expected.unwrap_or(0),
                present: run.present.unwrap_or(0),
                issued: run.issued,
                cast,
            });
        }
    }
    results.reverse();
    Ok((turnout, results))
}
