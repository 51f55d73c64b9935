//! A receipt checked against a poll's board as the server holds it (spec §12.11, the
//! checks of §13.15): what the board page says about a receipt a delegate scanned
//! from the booth's printout. `hallvote-verify --receipt` makes the same checks on
//! the published record, independently of the server.

use hallvote_crypto::credential::Credential;
use hallvote_crypto::merkle::TreeHead;
use hallvote_crypto::sign::{Signature, VerifyingKey, verify};
use hallvote_crypto::tags;
use hallvote_tally::ballot::{BallotContext, TrackingCode};
use hallvote_tally::record::builder::head_message;
use hallvote_tally::record::{BoardEntry, Receipt, ReceiptKind};

use crate::board::BoardCache;
use crate::db::casting::{self, PollRun};
use crate::db::{Store, StoreError};

/// What the board says about each claim of a receipt.
#[derive(Clone, Debug)]
pub struct ReceiptCheck {
    /// The receipt, as parsed.
    pub receipt: Receipt,
    /// The receipt's election fingerprint (its first 32 bytes, §11.4) is this poll's.
    pub fingerprint: bool,
    /// The server's signature on the receipt's head verifies for this poll (§12.5).
    pub signature: bool,
    /// What the board has at the receipt's position.
    pub entry: EntryFinding,
    /// Whether the board's latest signed head extends the receipt's head.
    pub history: History,
}

impl ReceiptCheck {
    /// Every claim of the receipt holds.
    pub fn holds(&self) -> bool {
        self.fingerprint
            && self.signature
            && self.entry == EntryFinding::Matches
            && matches!(self.history, History::Extends { .. })
    }
}

/// The board's entry at a receipt's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryFinding {
    /// The entry has the receipt's tracking code and kind.
    Matches,
    /// The board has no entry at that position.
    Missing,
    /// The entry there has another tracking code (recomputed from the entry, §10.5).
    OtherCode(TrackingCode),
    /// The entry has the code, but is cast where the receipt says spoiled or the reverse.
    OtherKind,
}

/// The receipt's head against the board's latest signed head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum History {
    /// The first `size` entries of the board today have the receipt's root: the
    /// latest head (of `latest` entries; the final head if `sealed`) extends it.
    Extends {
        /// The latest head's size.
        latest: u64,
        /// Whether the latest head is the sealed board's.
        sealed: bool,
    },
    /// The board's first entries are no longer those the receipt's head was signed on.
    Rewritten {
        /// The latest head's size.
        latest: u64,
        /// Whether the latest head is the sealed board's.
        sealed: bool,
    },
    /// The board is smaller than the receipt's head: entries were removed.
    Shorter {
        /// The latest head's size (0 if the board is empty).
        latest: u64,
    },
}

/// Checks `receipt` against the board of `run`: its fingerprint prefix against
/// `fingerprint` (the poll's, once its ceremony has finished), its head's signature
/// under `server_key` for this poll, the entry at its position, and whether
/// `latest` (the board's latest signed head, `sealed` once closed) extends its head.
/// The board's Merkle log in `board` must hold `latest.size` leaves.
pub async fn check(
    store: &Store,
    board: &BoardCache,
    run: &PollRun,
    fingerprint: Option<[u8; 32]>,
    server_key: &VerifyingKey,
    latest: Option<(TreeHead, bool)>,
    receipt: Receipt,
) -> Result<ReceiptCheck, StoreError> {
    let election: Option<[u8; 64]> = run.election_hash.as_deref().and_then(|e| e.try_into().ok());
    let signature = election.is_some_and(|e| {
        Signature::decode(&receipt.head.signature).is_ok_and(|sig| {
            verify(server_key, tags::SIG_TREE_HEAD, &head_message(&receipt.head.head, &e), &sig).is_ok()
        })
    });
    let head =
        TreeHead::from_bytes(&receipt.head.head).map_err(|e| StoreError::Corrupt(format!("receipt head: {e}")))?;
    let history = match latest {
        Some((l, sealed)) if head.size <= l.size => {
            let root = board.head_at(run.id, head.size).map(|h| h[8..].to_vec());
            if root.as_deref() == Some(head.root.as_slice()) {
                History::Extends { latest: l.size, sealed }
            } else {
                History::Rewritten { latest: l.size, sealed }
            }
        }
        Some((l, _)) => History::Shorter { latest: l.size },
        None => History::Shorter { latest: 0 },
    };
    let entry = match (casting::entry_at(store, run.id, receipt.position).await?, election) {
        (Some(stored), Some(e)) => finding(&stored.entry, &e, &receipt)?,
        _ => EntryFinding::Missing,
    };
    Ok(ReceiptCheck { fingerprint: fingerprint == Some(receipt.fingerprint), signature, entry, history, receipt })
}

/// The entry against the receipt: its tracking code recomputed from its credential's
/// serial and ballot (§10.5), not read from a column beside it, and its kind.
fn finding(entry: &[u8], election: &[u8; 64], receipt: &Receipt) -> Result<EntryFinding, StoreError> {
    let entry = BoardEntry::decode(entry).map_err(|e| StoreError::Corrupt(format!("board entry: {e}")))?;
    if !entry.is_ballot() {
        // A cancellation or replacement (spec §6.7): no receipt names one.
        return Ok(EntryFinding::OtherKind);
    }
    let serial = Credential::from_bytes(entry.credential())
        .map_err(|e| StoreError::Corrupt(format!("board entry credential: {e}")))?
        .serial();
    let code = TrackingCode::of(&BallotContext { election: *election, serial }, entry.ballot());
    if code != receipt.tracking {
        return Ok(EntryFinding::OtherCode(code));
    }
    let kind = match entry {
        BoardEntry::Cast { .. } => ReceiptKind::Cast,
        BoardEntry::Spoiled { .. } | BoardEntry::Cancelled { .. } | BoardEntry::Replaced => ReceiptKind::Spoiled,
    };
    Ok(if kind == receipt.kind { EntryFinding::Matches } else { EntryFinding::OtherKind })
}
