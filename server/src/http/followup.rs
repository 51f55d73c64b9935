//! One-click follow-up polls from a result: the runoff among candidates tied at the
//! cut-off (R12), or the separate election (另行选举) for seats left empty (R13).

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_tally::count::{ContestResult, PollResult};
use hallvote_tally::model::{Candidate, Contest, ContestKind, Election, ElectionKind, Poll};
use hallvote_tally::{Ruleset, Text};

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::errors::conflict;
use super::support::load::{load_run, load_session};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::{audit, polls};
use crate::lifecycle::PollState;
use crate::poll::recount::recount;
pub use hallvote_protocol::wire::FollowUp;
use hallvote_protocol::wire::FollowUpBody;
use hallvote_protocol::wire::polls::Created;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new().mount(
        {
            const ROUTE: Route = at(Post, "/api/polls/{id}/follow-up", "polls", Access::Roles(ORGANISER))
                .says(
                    "Set up the runoff or separate election a result calls for",
                    "据计票结果一键建立再次投票（得票相等，R12）或另行选举（名额未满，R13）的新投票（草稿）。",
                )
                .takes::<FollowUpBody>()
                .answers_json(
                    201,
                    Ty::Obj(&[f("id", Int, "The new poll."), f("name", Str, ""), f("state", Str, "`draft`.")]),
                )
                .refuses(&[(409, "poll_not_counted"), (409, "no_follow_up"), (422, "follow_up_needs_candidates")]);
            ROUTE
        },
        follow_up,
    )
}

/// The follow-up in words.
fn words(kind: FollowUp) -> Text {
    match kind {
        FollowUp::Runoff => Text::new("再次投票", "runoff"),
        FollowUp::SeparateElection => Text::new("另行选举", "separate election"),
    }
}

/// The poll a result calls for: one election contest per contest of `poll` whose
/// result has the follow-up, with the same title, the candidates it names (keeping
/// any surname given on the original candidates) and the seats it leaves. `None` if
/// no contest calls for it.
pub fn follow_up_poll(poll: &Poll, result: &PollResult, kind: FollowUp) -> Option<Poll> {
    let mut contests = Vec::new();
    for (contest, r) in poll.contests.iter().zip(&result.contests) {
        let (ContestKind::Election(original), ContestResult::Election(r)) = (&contest.kind, r) else {
            continue;
        };
        let (names, seats) = match kind {
            FollowUp::Runoff => match &r.runoff {
                Some(ro) => (&ro.candidates, ro.seats),
                None => continue,
            },
            FollowUp::SeparateElection => match &r.separate_election {
                Some(se) => (&se.candidates, se.seats),
                None => continue,
            },
        };
        let candidates: Vec<Candidate> = names
            .iter()
            .map(|n| original.candidates.iter().find(|c| &c.name == n).cloned().unwrap_or_else(|| Candidate::new(n)))
            .collect();
        let kind = if candidates.len() as u64 > u64::from(seats) {
            ElectionKind::Competitive
        } else {
            ElectionKind::NonCompetitive
        };
        contests.push(Contest {
            id: contest.id.clone(),
            title: contest.title.clone(),
            kind: ContestKind::Election(Election { kind, by_election: original.by_election, seats, candidates }),
        });
    }
    if contests.is_empty() {
        return None;
    }
    Some(Poll { name: format!("{}（{}）", poll.name, words(kind).zh), contests, attendance: None })
}

async fn follow_up(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<FollowUpBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let who = &auth.account;
    let (poll, run) = load_run(&state, id).await?;
    if !run.state.has_result() {
        return Err(conflict(
            "poll_not_counted",
            "计票完成后才能据结果安排再次投票或另行选举。",
            "A runoff or separate election follows from a counted result.",
        ));
    }
    let (manifest, result) = recount(&state.store, &run).await?;
    let words = words(body.kind);
    let Some(next) = follow_up_poll(&manifest.poll, &result, body.kind) else {
        return Err(conflict(
            "no_follow_up",
            &format!("本次投票结果不需要{}。", words.zh),
            &format!("This result calls for no {}.", words.en),
        ));
    };
    let session = load_session(&state, poll.session_id).await?;
    let ruleset = Ruleset::builtin(&session.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    if let Err(e) = next.validate(&ruleset) {
        let reason = e.text();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "follow_up_needs_candidates",
            &format!("{}无法直接建立：{}请先补充候选人，再按模板新建投票。", words.zh, reason.zh),
            &format!(
                "The {} cannot be set up as it is: {} Nominate more candidates, then create it from a template.",
                words.en, reason.en
            ),
        ));
    }
    let record = polls::create(&state.store, session.id, &next, state.clock.now()).await?;
    audit::append(
        &state.store,
        state.clock.now(),
        &who.username,
        "poll.follow_up",
        &format!("{} (#{}) from poll #{id}", next.name, record.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: record.id, name: next.name, state: PollState::Draft })))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use hallvote_tally::count::{ContestCounts, PollCounts, count};

    use super::*;

    fn poll(seats: u32, names: &[&str]) -> Poll {
        Poll {
            name: "选举镇党委委员".into(),
            contests: vec![Contest {
                id: "committee".into(),
                title: "选举镇党委委员".into(),
                kind: ContestKind::Election(Election {
                    kind: ElectionKind::Competitive,
                    by_election: false,
                    seats,
                    candidates: names.iter().map(|n| Candidate::new(*n)).collect(),
                }),
            }],
            attendance: None,
        }
    }

    /// Counts with `fors[i]` for-votes for the i-th candidate in ballot order, out of 100 ballots.
    fn result(p: &Poll, fors: &[u32]) -> PollResult {
        let totals = fors.iter().map(|f| vec![*f, 100 - f, 0]).collect();
        let counts = PollCounts {
            expected: 100,
            present: 100,
            issued: 100,
            returned: 100,
            invalid: 0,
            contests: vec![ContestCounts { contest: "committee".into(), totals, write_ins: Default::default() }],
        };
        count(p, &counts, &Ruleset::builtin("township-2020").unwrap()).unwrap()
    }

    #[test]
    fn a_tie_at_the_cut_off_gives_a_runoff_among_the_tied() {
        // 2 seats; ballot order is stroke order: 丁一 王芳 李娜 张伟. 丁一 60 is elected;
        // 王芳 and 李娜 tie at 55 for the last seat.
        let p = poll(2, &["张伟", "李娜", "王芳", "丁一"]);
        let order: Vec<String> = p.contests[0].items();
        assert_eq!(order, ["丁一", "王芳", "李娜", "张伟"]);
        let r = result(&p, &[60, 55, 55, 10]);
        let next = follow_up_poll(&p, &r, FollowUp::Runoff).unwrap();
        assert_eq!(next.name, "选举镇党委委员（再次投票）");
        let ContestKind::Election(e) = &next.contests[0].kind else { panic!() };
        assert_eq!((e.seats, e.kind), (1, ElectionKind::Competitive));
        assert_eq!(e.candidates.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["王芳", "李娜"]);
        assert!(next.validate(&Ruleset::builtin("township-2020").unwrap()).is_ok());
        assert!(follow_up_poll(&p, &r, FollowUp::SeparateElection).is_none());
    }

    #[test]
    fn a_shortfall_gives_a_separate_election_of_the_unelected() {
        // 2 seats, only 丁一 passes the threshold (more than half of 100).
        let p = poll(2, &["张伟", "李娜", "王芳", "丁一"]);
        let r = result(&p, &[60, 40, 30, 20]);
        let next = follow_up_poll(&p, &r, FollowUp::SeparateElection).unwrap();
        let ContestKind::Election(e) = &next.contests[0].kind else { panic!() };
        assert_eq!(e.seats, 1);
        assert_eq!(e.candidates.len(), 3);
        assert!(follow_up_poll(&p, &r, FollowUp::Runoff).is_none());
        // Everyone elected: nothing follows.
        let all = result(&p, &[60, 70, 10, 10]);
        assert!(follow_up_poll(&p, &all, FollowUp::Runoff).is_none());
        assert!(follow_up_poll(&p, &all, FollowUp::SeparateElection).is_none());
    }
}
