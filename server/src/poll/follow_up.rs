//! The follow-up polls a counted result calls for: the runoff among candidates tied at
//! the cut-off (R12), or the separate election (另行选举) for seats left empty (R13).

pub use hallvote_protocol::wire::FollowUp;
use hallvote_tally::Text;
use hallvote_tally::count::{ContestResult, PollResult};
use hallvote_tally::model::{Candidate, Contest, ContestKind, Election, ElectionKind, Poll};

/// The follow-up in words.
pub fn words(kind: FollowUp) -> Text {
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
            kind: ContestKind::Election(Election {
                kind,
                by_election: original.by_election,
                seats,
                candidates,
                write_ins: original.write_ins,
            }),
        });
    }
    if contests.is_empty() {
        return None;
    }
    Some(Poll { name: format!("{}（{}）", poll.name, words(kind).zh), contests, attendance: None })
}

/// The follow-ups `result` calls for, runoff first: what the console offers.
#[must_use]
pub fn called_for(poll: &Poll, result: &PollResult) -> Vec<FollowUp> {
    [FollowUp::Runoff, FollowUp::SeparateElection]
        .into_iter()
        .filter(|kind| follow_up_poll(poll, result, *kind).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use hallvote_tally::Ruleset;
    use hallvote_tally::count::{ContestCounts, PollCounts, count};

    use super::*;

    fn poll(seats: u32, names: &[&str]) -> Poll {
        Poll {
            name: "选举镇党委委员".into(),
            contests: vec![Contest {
                id: "committee".into(),
                title: "选举镇党委委员".into(),
                kind: ContestKind::Election(Election {
                    write_ins: false,
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
            replaced: 0,
            replaced_lost: 0,
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
        // What the console offers for this result: the runoff only.
        assert_eq!(called_for(&p, &r), [FollowUp::Runoff]);
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
        assert_eq!(called_for(&p, &r), [FollowUp::SeparateElection]);
        assert!(called_for(&p, &all).is_empty(), "no follow-up buttons when every seat is filled");
    }
}
