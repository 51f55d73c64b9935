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
pub use encrypt::{BallotError, EncryptedBallot, EncryptedContest, EncryptedItem, Opening, encrypt_ballot};
pub use shape::{BallotShape, Cap, ContestShape, ItemShape, PlainBallot, ShapeError};
pub use verify::{BallotVerifier, VerifiedBallot, check_opening};
