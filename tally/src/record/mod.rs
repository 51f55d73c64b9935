//! The election record and its verifier (spec §11–§13).
//!
//! | module | spec | what |
//! |---|---|---|
//! | [`manifest`] | §11 | the poll manifest, the poll id and the election context hash `E` |
//! | [`format`] | §12 | the record file: ceremony, attendance, board, tally, outcome, signatures |
//! | [`builder`] | §12 | computing aggregates, totals, the outcome and the signatures |
//! | [`mix`] | §12.12 | the write-in mix: input lists, turns, list shares, names and their count |
//! | [`fingerprint`] | §11.4 | the election fingerprint and officers' key fingerprints |
//! | [`receipt`] | §12.11 | receipts and observed tree heads as text |
//! | [`verify`] | §13 | the independent verifier, one function per numbered step |
//! | `json` | §12.10 | [`Record::to_json`]: the record as JSON for people (informative) |
//!
//! Everything here is pure: randomness and signing keys are passed in.

mod codec;
mod json;
mod rules;

pub mod builder;
pub mod fingerprint;
pub mod format;
pub mod manifest;
pub mod mix;
pub mod outcome;
pub mod receipt;
pub mod shape;
pub mod verify;

pub use codec::FormatError;
pub use fingerprint::{Fingerprint, KeyFingerprint};
pub use format::{Attendance, BoardEntry, CeremonyTranscript, ContestMix, Decryption, MixTurn, Record, SignedHead};
pub use json::dump_record;
pub use manifest::{Manifest, Signer};
pub use receipt::{Receipt, ReceiptKind};
pub use shape::poll_shape;
pub use verify::{
    Pins, Report, Status, StepReport, board_credentials, lang_from_locale, render_reports, verify_record,
    verify_record_pinned,
};
