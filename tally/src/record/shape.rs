//! The one mapping from a poll to its ballot shape (spec §11.2.3, §10.1).

use super::codec::FormatError;
use crate::ballot::{BallotShape, Cap, ContestShape, ItemShape, WriteInRule};
use crate::model::{ContestKind, Poll};
use crate::text::Text;

/// The 不赞成 option of an election item (赞成, 不赞成, 弃权; spec §11.2.3).
const AGAINST: u8 = 1;

/// The ballot shape of `poll` (spec §11.2.3): every item of an election, motion or
/// confidence vote takes exactly one of its options (an unmarked candidate counts as
/// abstaining, R9); an evaluation item takes at most one grade (a member may be left
/// ungraded, counted as unmarked, R16); an election caps its "for" option (option 0)
/// at the seats (R10), and an election that takes write-ins allows one in a row marked
/// 不赞成 (option 1, R9), counted against the seats with the for-votes. Items are in
/// ballot order ([`crate::model::Contest::items`]).
pub fn poll_shape(poll: &Poll) -> Result<BallotShape, FormatError> {
    let mut contests = Vec::with_capacity(poll.contests.len());
    for contest in &poll.contests {
        let (items, options) = contest.shape();
        let options = u8::try_from(options).map_err(|_| FormatError::Invalid("number of options"))?;
        let (item, cap, write_in) = match &contest.kind {
            ContestKind::Election(e) => (
                ItemShape::one_of(options),
                Some(Cap { option: 0, max: e.seats }),
                e.write_ins.then_some(WriteInRule { against: AGAINST }),
            ),
            ContestKind::Motion(_) | ContestKind::Confidence(_) | ContestKind::Recall(_) => {
                (ItemShape::one_of(options), None, None)
            }
            ContestKind::Evaluation(_) => (ItemShape { options, min_marks: 0, max_marks: 1 }, None, None),
        };
        contests.push(ContestShape { items: vec![item; items], cap, write_in });
    }
    let shape = BallotShape { contests };
    shape.validate().map_err(|e| {
        let t = e.text();
        FormatError::Mismatch(Text::new(format!("选票结构：{}", t.zh), format!("ballot shape: {}", t.en)))
    })?;
    Ok(shape)
}

/// Every selection `(contest, item, option)` of `shape` in ballot order (spec §12.6).
pub fn selections(shape: &BallotShape) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::with_capacity(shape.selections());
    for (c, contest) in shape.contests.iter().enumerate() {
        for (i, item) in contest.items.iter().enumerate() {
            for o in 0..usize::from(item.options) {
                out.push((c, i, o));
            }
        }
    }
    out
}
