//! Encrypted ballots: from plaintext marks to ciphertexts with every validity
//! proof, and their verification against the contest (spec §10).
//!
//! The encryption sees each contest as *items × options*: a candidate × for /
//! against / abstain, a member × trust levels or grades, a motion × for /
//! against / abstain. Every option is a 0/1 ciphertext with a range proof; every
//! item's options sum to a value in the item's allowed range; and an election's
//! "for" options sum to at most its seats. A ballot that breaks any rule cannot
//! be built, and a forged one fails verification.

mod codec;
mod context;
mod encrypt;
mod shape;
mod verify;

pub use codec::BallotDecodeError;
pub use context::{BallotContext, TrackingCode};
pub use encrypt::{
    BallotError, ContestSlots, EncryptedBallot, EncryptedContest, EncryptedItem, EncryptedWriteIn, Opening,
    WriteInNonces, encrypt_ballot, write_in_slots,
};
pub use shape::{BallotShape, Cap, ContestShape, ItemShape, PlainBallot, ShapeError, WriteInRule};
pub use verify::{BallotVerifier, VerifiedBallot, check_opening};

use hallvote_crypto::elgamal::{Ciphertext, CiphertextSum};

/// The homomorphic sum of every selection over `ballots` (spec §12.6): one
/// ciphertext per selection, in ballot order, each compressed once.
pub fn selection_sums<'a>(
    shape: &BallotShape,
    ballots: impl IntoIterator<Item = &'a EncryptedBallot>,
) -> Vec<Ciphertext> {
    let mut sums = vec![CiphertextSum::default(); shape.selections()];
    for b in ballots {
        let cts = b.contests.iter().flat_map(|c| &c.items).flat_map(|i| &i.ciphertexts);
        for (sum, ct) in sums.iter_mut().zip(cts) {
            sum.add(ct);
        }
    }
    sums.iter().map(CiphertextSum::finish).collect()
}
