//! Starting a station process: enrol if asked, load the station's folder, then serve
//! its pages on 127.0.0.1 (or, for a headless booth, cast one ballot and print the
//! receipt). What `hallvote booth` runs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use hallvote_protocol::stations::StationKind;
use hallvote_tally::ballot::PlainBallot;
use hallvote_tally::model::{ContestKind, Poll};
use serde_json::Value;

use crate::booth::{Booth, Receipt};
use crate::booth_ui::{BoothApp, DEFAULT_IDLE};
use crate::desk::Desk;
use crate::desk_ui::DeskApp;
use crate::station::Station;

/// The booth kind, for callers without the protocol crate.
pub const BOOTH: StationKind = StationKind::Booth;

/// Loads the station kept in `dir`, enrolling it first with `enrol` (an enrolment
/// QR text) if given.
pub async fn station(dir: &Path, enrol: Option<&str>, kind: StationKind) -> Result<Station, String> {
    let st = match enrol {
        Some(code) => Station::enrol(dir, code, kind).await.map_err(|e| e.to_string())?,
        None => Station::load(dir).map_err(|e| {
            format!("{e}\n(enrol this station first: --enrol 'HVENROL1:…' with the code from the organiser's console)")
        })?,
    };
    if st.config.kind != kind {
        return Err(format!("{} is a {} station, not a {}", dir.display(), st.config.kind.as_str(), kind.as_str()));
    }
    Ok(st)
}

/// Where a station keeps its files and serves its pages.
#[derive(Debug, Clone)]
pub struct StationOptions {
    /// The station's folder.
    pub dir: PathBuf,
    /// An enrolment QR text to enrol with first.
    pub enrol: Option<String>,
    /// Where the pages listen (127.0.0.1 by default).
    pub listen: SocketAddr,
}

/// Serves the booth's pages until Ctrl-C.
pub async fn booth(opts: StationOptions) -> Result<(), String> {
    let st = station(&opts.dir, opts.enrol.as_deref(), StationKind::Booth).await?;
    let link = st.link().map_err(|e| e.to_string())?;
    let app = BoothApp::new(Booth::new(link), &st.config.name, &st.config.server_url, DEFAULT_IDLE);
    serve(opts.listen, app.router(), "booth", &st).await
}

/// Serves the desk's pages until Ctrl-C.
pub async fn desk(opts: StationOptions) -> Result<(), String> {
    let st = station(&opts.dir, opts.enrol.as_deref(), StationKind::Desk).await?;
    let link = st.link().map_err(|e| e.to_string())?;
    let app = DeskApp::new(Desk::new(link), &st.config.name);
    serve(opts.listen, app.router(), "desk", &st).await
}

async fn serve(listen: SocketAddr, router: axum::Router, what: &str, st: &Station) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("{listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("hallvote {what}“{}”: http://{addr}/  (server {})", st.config.name, st.config.server_url);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

/// Casts one ballot without pages: for scripts and load tests. Returns the checked receipt.
pub async fn headless_cast(dir: &Path, credential: &str, choices: &Value) -> Result<Receipt, String> {
    let st = station(dir, None, StationKind::Booth).await?;
    let booth = Booth::new(st.link().map_err(|e| e.to_string())?);
    let visit = booth.begin(credential).await.map_err(|e| e.words().0)?;
    let plain = parse_choices(&visit.ballot.manifest.poll, choices)?;
    let sealed = booth.seal(&visit, &plain).map_err(|e| e.words().0)?;
    booth.cast(&visit, &sealed).await.map_err(|e| e.words().0)
}

/// Reads a choices file (docs/stations.md): an object from contest id to one entry per
/// item in ballot order, each an option number (from 0), an option's label (中文 or
/// English) or `null` (unmarked: an abstention in an election or motion, ungraded in
/// an evaluation). A contest left out is all unmarked.
pub fn parse_choices(poll: &Poll, choices: &Value) -> Result<PlainBallot, String> {
    let obj = choices.as_object().ok_or("the choices file must be a JSON object: contest id → list")?;
    for id in obj.keys() {
        if !poll.contests.iter().any(|c| &c.id == id) {
            return Err(format!("no contest {id:?} in this poll"));
        }
    }
    let mut marks = Vec::new();
    for contest in &poll.contests {
        let items = contest.items();
        let options = contest.options();
        let given = match obj.get(&contest.id) {
            None => vec![Value::Null; items.len()],
            Some(Value::Array(a)) if a.len() == items.len() => a.clone(),
            Some(_) => return Err(format!("contest {:?}: give a list of {} entries", contest.id, items.len())),
        };
        let mut cm = Vec::new();
        for (item, g) in items.iter().zip(given) {
            let chosen = match &g {
                Value::Null => match &contest.kind {
                    ContestKind::Election(_) | ContestKind::Motion(_) | ContestKind::Recall(_) => {
                        Some(options.len() - 1)
                    }
                    ContestKind::Evaluation(_) => None,
                    ContestKind::Confidence(_) => return Err(format!("{item}: a confidence vote needs a choice")),
                },
                Value::Number(n) => Some(
                    n.as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|n| *n < options.len())
                        .ok_or_else(|| format!("{item}: option {n} does not exist (0 to {})", options.len() - 1))?,
                ),
                Value::String(s) => Some(
                    options
                        .iter()
                        .position(|o| o.zh == *s || o.en.eq_ignore_ascii_case(s))
                        .ok_or_else(|| format!("{item}: no option {s:?}"))?,
                ),
                _ => return Err(format!("{item}: an option number, label or null")),
            };
            cm.push((0..options.len()).map(|o| u8::from(Some(o) == chosen)).collect());
        }
        marks.push(cm);
    }
    Ok(PlainBallot::marks(marks))
}
