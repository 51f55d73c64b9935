//! A spoiled (challenged) ballot opened to what it held (spec §10.6, §12.4): each
//! selection's ciphertext with its revealed mark and nonce, and the marks in ballot
//! order, for the board page to show in words and to hand to the browser, which
//! checks the opening again on its own (docs/adr/0012).

use hallvote_tally::ballot::{BallotShape, EncryptedBallot, Opening, PlainBallot, check_opening};
use hallvote_tally::record::BoardEntry;

use crate::casting::PollContext;
use crate::db::StoreError;

/// One selection `(contest, item, option)` of an opened ballot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedSelection {
    /// The contest, from 0 in ballot order.
    pub contest: usize,
    /// The item within the contest, from 0.
    pub item: usize,
    /// The option within the item, from 0.
    pub option: usize,
    /// `A ‖ B` (spec §3.2).
    pub ciphertext: [u8; 64],
    /// The revealed mark `m`, 0 or 1.
    pub mark: u8,
    /// The revealed nonce `r` (spec §1.4).
    pub nonce: [u8; 32],
}

/// A spoiled entry's ballot with its opening.
#[derive(Clone, Debug)]
pub struct OpenedBallot {
    /// Every selection in ballot order (contest, then item, then option).
    pub selections: Vec<OpenedSelection>,
    /// The marks, `marks[contest][item][option]`.
    pub plain: PlainBallot,
    /// Whether the opening checks (spec §3.5, §10.6): every ciphertext is
    /// `(r·G, m·G + r·Y)` and the marks form a valid ballot. The server checked it
    /// when the challenge arrived; this is the check made again for the page.
    pub valid: bool,
}

/// Opens a board entry: `None` if it is a cast entry. An entry or opening that does
/// not decode for the poll's shape is corrupt data (the server checked it on arrival).
pub fn open(ctx: &PollContext, entry: &[u8]) -> Result<Option<OpenedBallot>, StoreError> {
    let corrupt = |what: String| StoreError::Corrupt(format!("spoiled entry: {what}"));
    let entry = BoardEntry::decode(entry).map_err(|e| corrupt(e.to_string()))?;
    let BoardEntry::Spoiled { ballot, opening, .. } = entry else {
        return Ok(None);
    };
    let ballot = EncryptedBallot::decode(&ballot, &ctx.shape).map_err(|e| corrupt(e.to_string()))?;
    let opening = Opening::decode(&opening, &ctx.shape).map_err(|e| corrupt(e.to_string()))?;
    let valid = check_opening(&ctx.shape, &ctx.joint_key, &ballot, &opening).is_ok();
    Ok(Some(OpenedBallot { selections: selections(&ctx.shape, &ballot, &opening), plain: opening.plain, valid }))
}

/// The selections in ballot order; the shape is the one both were decoded for.
fn selections(shape: &BallotShape, ballot: &EncryptedBallot, opening: &Opening) -> Vec<OpenedSelection> {
    let mut out = Vec::with_capacity(shape.selections());
    for (c, (contest, (marks, nonces))) in
        ballot.contests.iter().zip(opening.plain.marks.iter().zip(&opening.nonces)).enumerate()
    {
        for (i, (item, (item_marks, item_nonces))) in contest.items.iter().zip(marks.iter().zip(nonces)).enumerate() {
            for (o, ((ct, m), r)) in item.ciphertexts.iter().zip(item_marks).zip(item_nonces).enumerate() {
                out.push(OpenedSelection {
                    contest: c,
                    item: i,
                    option: o,
                    ciphertext: ct.to_bytes(),
                    mark: *m,
                    nonce: *r.reveal().as_bytes(),
                });
            }
        }
    }
    out
}
