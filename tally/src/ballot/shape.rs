//! The shape of a ballot as the encryption sees it (spec §10.1).

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use thiserror::Error;

use crate::text::Text;

/// The largest number of options an item may have.
pub const MAX_OPTIONS: u8 = 16;

/// One item of a contest: a candidate, a member or a motion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemShape {
    /// Number of options (for / against / abstain is 3), 1..=16.
    pub options: u8,
    /// Fewest options a voter must mark on this item.
    pub min_marks: u8,
    /// Most options a voter may mark on this item.
    pub max_marks: u8,
}

impl ItemShape {
    /// Exactly one of `options` options: the usual item.
    pub fn one_of(options: u8) -> Self {
        Self { options, min_marks: 1, max_marks: 1 }
    }
}

/// An election's cap: the marks on option `option` over all items are at most `max`
/// (R10: for-votes may not exceed the seats).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap {
    /// The capped option (the "for" option of an election).
    pub option: u8,
    /// The largest allowed sum (the seats).
    pub max: u32,
}

/// Write-ins on an election contest (R9, 另选他人): a voter who marks an item's
/// `against` option may write in another person's name in that item's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteInRule {
    /// The option that must be marked in a row that carries a write-in (不赞成).
    pub against: u8,
}

/// One contest on the ballot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestShape {
    /// Its items, in ballot order.
    pub items: Vec<ItemShape>,
    /// The election cap, if the contest has one.
    pub cap: Option<Cap>,
    /// Whether rows of this contest may carry a write-in, and on which mark.
    pub write_in: Option<WriteInRule>,
}

/// Every contest of one poll, in ballot order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BallotShape {
    /// The contests.
    pub contests: Vec<ContestShape>,
}

/// A shape that cannot be a ballot, or marks that do not fit it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// The shape itself is malformed.
    #[error("contest {contest}: {reason}")]
    Shape {
        /// The contest (0-based).
        contest: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The marks do not have the ballot's structure.
    #[error("marks do not match the ballot: {0}")]
    Structure(&'static str),
    /// An item has too few or too many marks.
    #[error("contest {contest}, item {item}: {marks} marks, allowed {min}..={max}")]
    ItemMarks {
        /// The contest.
        contest: usize,
        /// The item.
        item: usize,
        /// Marks made.
        marks: u32,
        /// Fewest allowed.
        min: u8,
        /// Most allowed.
        max: u8,
    },
    /// A write-in in a row not marked against (R9).
    #[error("contest {contest}, item {item}: a write-in needs the against mark")]
    WriteInWithoutAgainst {
        /// The contest.
        contest: usize,
        /// The item.
        item: usize,
    },
    /// An election has more for-votes and write-ins than seats (R10).
    #[error("contest {contest}: {marks} for-votes and write-ins, only {max} seats")]
    OverVote {
        /// The contest.
        contest: usize,
        /// Marks on the capped option.
        marks: u32,
        /// The cap.
        max: u32,
    },
}

impl ShapeError {
    /// What is wrong, in words; contests and items counted from 1, as people count.
    pub fn text(&self) -> Text {
        use crate::words::field;
        match self {
            Self::Shape { contest, reason } => Text::new(
                format!("第 {} 个事项：{}", contest + 1, field(reason)),
                format!("contest {}: {reason}", contest + 1),
            ),
            Self::Structure(what) => {
                Text::new(format!("标记与选票不符：{}", field(what)), format!("marks do not match the ballot: {what}"))
            }
            Self::ItemMarks { contest, item, marks, min, max } => Text::new(
                format!("第 {} 个事项第 {} 项：标记了 {marks} 个，应为 {min} 至 {max} 个", contest + 1, item + 1),
                format!("contest {}, item {}: {marks} marks, allowed {min}..={max}", contest + 1, item + 1),
            ),
            Self::WriteInWithoutAgainst { contest, item } => Text::new(
                format!("第 {} 个事项第 {} 项：另选他人须先在该候选人下投不赞成票", contest + 1, item + 1),
                format!("contest {}, item {}: a write-in needs the against mark in its row", contest + 1, item + 1),
            ),
            Self::OverVote { contest, marks, max } => Text::new(
                format!("第 {} 个事项：赞成和另选他人共 {marks} 人，超过应选名额 {max} 名", contest + 1),
                format!("contest {}: {marks} for-votes and write-ins, only {max} seats", contest + 1),
            ),
        }
    }
}

impl BallotShape {
    /// Checks that the shape is well formed (spec §10.1).
    pub fn validate(&self) -> Result<(), ShapeError> {
        if self.contests.is_empty() || self.contests.len() > 64 {
            return Err(ShapeError::Shape { contest: 0, reason: "a ballot has 1 to 64 contests" });
        }
        for (c, contest) in self.contests.iter().enumerate() {
            let bad = |reason| Err(ShapeError::Shape { contest: c, reason });
            if contest.items.is_empty() || contest.items.len() > 512 {
                return bad("a contest has 1 to 512 items");
            }
            for item in &contest.items {
                if item.options == 0 || item.options > MAX_OPTIONS {
                    return bad("an item has 1 to 16 options");
                }
                if item.min_marks > item.max_marks || item.max_marks > item.options {
                    return bad("an item's mark range must lie within its options");
                }
            }
            if let Some(cap) = contest.cap {
                if contest.items.iter().any(|i| cap.option >= i.options) {
                    return bad("the capped option must exist on every item");
                }
                if u64::from(cap.max) >= hallvote_crypto::proofs::range::MAX_BRANCHES {
                    return bad("the cap is too large");
                }
            }
            if let Some(rule) = contest.write_in
                && contest.items.iter().any(|i| rule.against >= i.options)
            {
                return bad("the against option must exist on every item");
            }
        }
        Ok(())
    }

    /// The number of 0/1 selections on a ballot of this shape.
    pub fn selections(&self) -> usize {
        self.contests.iter().flat_map(|c| &c.items).map(|i| usize::from(i.options)).sum()
    }
}

/// A voter's marks: `marks[contest][item][option]` is 1 if marked, else 0; and the
/// names written in (R9), keyed by `(contest, item)`, each in its one form
/// ([`crate::text::normalize_name`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainBallot {
    /// The marks.
    pub marks: Vec<Vec<Vec<u8>>>,
    /// The write-ins: `(contest, item)` → the name written in that row.
    pub write_ins: BTreeMap<(usize, usize), String>,
}

impl PlainBallot {
    /// Marks without write-ins.
    pub fn marks(marks: Vec<Vec<Vec<u8>>>) -> Self {
        Self { marks, write_ins: BTreeMap::new() }
    }

    /// Random valid marks for a ballot of this shape, for simulations, load tests and
    /// tests: on each item a number of marks drawn from its `min_marks..=max_marks`, on
    /// options drawn at random, never more marks on an election's capped option than
    /// its seats (R10). Every option of every item can be drawn. The result passes
    /// [`PlainBallot::check`].
    ///
    /// Fails with [`ShapeError::OverVote`] when no ballot fits the shape: an election
    /// whose items must mark the capped option more often than it has seats.
    pub fn random<R: Rng + ?Sized>(shape: &BallotShape, rng: &mut R) -> Result<Self, ShapeError> {
        let mut marks = Vec::with_capacity(shape.contests.len());
        for (c, contest) in shape.contests.iter().enumerate() {
            // Items that must mark the capped option, whatever else they mark.
            let forced = |item: &ItemShape| match contest.cap {
                Some(cap) => cap.option < item.options && item.min_marks >= item.options,
                None => false,
            };
            let forced_total = contest.items.iter().filter(|i| forced(i)).count() as u32;
            let mut left = match contest.cap {
                Some(cap) if forced_total > cap.max => {
                    return Err(ShapeError::OverVote { contest: c, marks: forced_total, max: cap.max });
                }
                Some(cap) => cap.max - forced_total,
                None => u32::MAX,
            };
            let mut contest_marks = Vec::with_capacity(contest.items.len());
            for item in &contest.items {
                let capped = contest.cap.map(|cap| cap.option);
                let mut open: Vec<u8> =
                    (0..item.options).filter(|o| Some(*o) != capped || forced(item) || left > 0).collect();
                let most = usize::from(item.max_marks).min(open.len());
                let k = rng.random_range(usize::from(item.min_marks)..=most);
                open.shuffle(rng);
                let mut row = vec![0u8; usize::from(item.options)];
                for o in &open[..k] {
                    row[usize::from(*o)] = 1;
                    if Some(*o) == capped && !forced(item) {
                        left -= 1;
                    }
                }
                contest_marks.push(row);
            }
            marks.push(contest_marks);
        }
        Ok(Self::marks(marks))
    }

    /// Checks the marks against the shape: structure, each item's range and each cap.
    pub fn check(&self, shape: &BallotShape) -> Result<(), ShapeError> {
        if self.marks.len() != shape.contests.len() {
            return Err(ShapeError::Structure("number of contests"));
        }
        for (c, (marks, contest)) in self.marks.iter().zip(&shape.contests).enumerate() {
            if marks.len() != contest.items.len() {
                return Err(ShapeError::Structure("number of items"));
            }
            let mut capped = 0u32;
            for (i, (item_marks, item)) in marks.iter().zip(&contest.items).enumerate() {
                if item_marks.len() != usize::from(item.options) || item_marks.iter().any(|m| *m > 1) {
                    return Err(ShapeError::Structure("options must be 0 or 1"));
                }
                let n: u32 = item_marks.iter().map(|m| u32::from(*m)).sum();
                if n < u32::from(item.min_marks) || n > u32::from(item.max_marks) {
                    return Err(ShapeError::ItemMarks {
                        contest: c,
                        item: i,
                        marks: n,
                        min: item.min_marks,
                        max: item.max_marks,
                    });
                }
                if let Some(cap) = contest.cap {
                    capped += u32::from(item_marks[usize::from(cap.option)]);
                }
            }
            // R9: a write-in only where the contest allows one and its row is marked
            // against; R10: for-votes plus write-ins within the seats.
            for (&(wc, i), name) in self.write_ins.range((c, 0)..(c + 1, 0)) {
                debug_assert_eq!(wc, c);
                let Some(rule) = contest.write_in else {
                    return Err(ShapeError::Structure("this contest takes no write-ins"));
                };
                let against = marks.get(i).and_then(|row| row.get(usize::from(rule.against)));
                if against != Some(&1) {
                    return Err(ShapeError::WriteInWithoutAgainst { contest: c, item: i });
                }
                if name.is_empty() {
                    return Err(ShapeError::Structure("a write-in names someone"));
                }
                capped += 1;
            }
            if let Some(cap) = contest.cap
                && capped > cap.max
            {
                return Err(ShapeError::OverVote { contest: c, marks: capped, max: cap.max });
            }
        }
        if self.write_ins.keys().any(|&(c, _)| c >= self.marks.len()) {
            return Err(ShapeError::Structure("number of contests"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn shapes() -> Vec<BallotShape> {
        let election = |items: usize, seats: u32| ContestShape {
            items: vec![ItemShape { options: 3, min_marks: 0, max_marks: 1 }; items],
            cap: Some(Cap { option: 0, max: seats }),
            write_in: None,
        };
        vec![
            BallotShape {
                contests: vec![
                    election(5, 2),
                    ContestShape { items: vec![ItemShape::one_of(3)], cap: None, write_in: None },
                ],
            },
            BallotShape { contests: vec![election(3, 0), election(1, 1)] },
            BallotShape {
                contests: vec![
                    ContestShape {
                        items: vec![ItemShape { options: 4, min_marks: 0, max_marks: 4 }; 2],
                        cap: None,
                        write_in: None,
                    },
                    ContestShape {
                        items: vec![ItemShape { options: 2, min_marks: 2, max_marks: 2 }, ItemShape::one_of(2)],
                        cap: Some(Cap { option: 1, max: 2 }),
                        write_in: None,
                    },
                ],
            },
            BallotShape {
                contests: vec![ContestShape {
                    items: vec![ItemShape::one_of(1), ItemShape::one_of(4), ItemShape::one_of(1)],
                    cap: Some(Cap { option: 0, max: 3 }),
                    write_in: None,
                }],
            },
        ]
    }

    /// Every option is reachable on these shapes, except the capped one of an
    /// election without seats.
    #[test]
    fn random_marks_are_valid_and_reach_every_option() {
        let mut rng = StdRng::seed_from_u64(7);
        for shape in shapes() {
            shape.validate().unwrap();
            let mut seen: Vec<Vec<Vec<bool>>> = shape
                .contests
                .iter()
                .map(|c| c.items.iter().map(|i| vec![false; usize::from(i.options)]).collect())
                .collect();
            for _ in 0..2000 {
                let plain = PlainBallot::random(&shape, &mut rng).unwrap();
                plain.check(&shape).unwrap();
                for (s, m) in seen.iter_mut().flatten().flatten().zip(plain.marks.iter().flatten().flatten()) {
                    *s |= *m == 1;
                }
            }
            for (c, contest) in shape.contests.iter().enumerate() {
                for (i, item) in contest.items.iter().enumerate() {
                    let reachable = |o: usize| {
                        item.max_marks > 0 && contest.cap.is_none_or(|cap| usize::from(cap.option) != o || cap.max > 0)
                    };
                    for (o, hit) in seen[c][i].iter().enumerate() {
                        assert_eq!(*hit, reachable(o), "contest {c} item {i} option {o}");
                    }
                }
            }
        }
    }

    /// R9 and R10 on write-ins: only in a contest that takes them, only in a row marked
    /// against, and counted with the for-votes against the seats.
    #[test]
    fn write_ins_need_the_against_mark_and_fit_the_seats() {
        let shape = BallotShape {
            contests: vec![
                ContestShape {
                    items: vec![ItemShape::one_of(3); 3],
                    cap: Some(Cap { option: 0, max: 2 }),
                    write_in: Some(WriteInRule { against: 1 }),
                },
                ContestShape { items: vec![ItemShape::one_of(3)], cap: None, write_in: None },
            ],
        };
        let ballot = |rows: [usize; 3], write_ins: &[((usize, usize), &str)]| PlainBallot {
            marks: vec![
                rows.iter().map(|&o| (0..3).map(|k| u8::from(k == o)).collect()).collect(),
                vec![vec![1, 0, 0]],
            ],
            write_ins: write_ins.iter().map(|(k, n)| (*k, (*n).to_owned())).collect(),
        };
        ballot([0, 1, 1], &[((0, 1), "张三")]).check(&shape).unwrap();
        ballot([2, 1, 1], &[((0, 1), "张三"), ((0, 2), "李四")]).check(&shape).unwrap();
        assert_eq!(
            ballot([0, 2, 1], &[((0, 1), "张三")]).check(&shape),
            Err(ShapeError::WriteInWithoutAgainst { contest: 0, item: 1 })
        );
        assert_eq!(
            ballot([0, 1, 1], &[((0, 1), "张三"), ((0, 2), "李四")]).check(&shape),
            Err(ShapeError::OverVote { contest: 0, marks: 3, max: 2 })
        );
        assert_eq!(
            ballot([0, 1, 1], &[((1, 0), "张三")]).check(&shape),
            Err(ShapeError::Structure("this contest takes no write-ins"))
        );
        assert_eq!(
            ballot([0, 1, 1], &[((2, 0), "张三")]).check(&shape),
            Err(ShapeError::Structure("number of contests"))
        );
        assert!(ballot([0, 1, 1], &[((0, 1), "")]).check(&shape).is_err());
    }

    #[test]
    fn random_refuses_a_shape_no_ballot_fits() {
        let shape = BallotShape {
            contests: vec![ContestShape {
                items: vec![ItemShape::one_of(1); 3],
                cap: Some(Cap { option: 0, max: 2 }),
                write_in: None,
            }],
        };
        let err = PlainBallot::random(&shape, &mut StdRng::seed_from_u64(1)).unwrap_err();
        assert_eq!(err, ShapeError::OverVote { contest: 0, marks: 3, max: 2 });
    }
}
