//! The bodies of hallvote's fuzz targets: one function per decoder of bytes that
//! come from the network, a QR code or a file, each asserting the property that
//! decoder promises, not only that it does not panic.
//!
//! The same functions run three ways:
//! - under cargo-fuzz on nightly (`fuzz/`, one target per entry of [`TARGETS`]);
//! - over the committed seed corpus `fuzz/corpus/<target>/` on stable, in CI
//!   (`tests/corpus.rs`);
//! - fed by proptest strategies on stable, in CI (`tests/properties.rs`).
//!
//! A target returns normally for any input; a panic is a finding. The property
//! most targets check is that the encoding is canonical: what decodes encodes
//! back to exactly the bytes it came from, so no value has two encodings (the
//! texts people type are read leniently, and there the property is that the
//! value survives being printed and read again).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![allow(clippy::expect_used)] // a failed expectation is a finding, as a panic is

pub mod crypto;
pub mod roster;
pub mod stations;
pub mod tally;

use rand::SeedableRng;
use rand::rngs::StdRng;

/// A fuzz target: its name (the cargo-fuzz target and the corpus folder) and body.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target, by name.
pub const TARGETS: &[Target] = &[
    ("group", crypto::group),
    ("ciphertext", crypto::ciphertext),
    ("proofs", crypto::proofs),
    ("ceremony", crypto::ceremony),
    ("merkle", crypto::merkle),
    ("credential", crypto::credential),
    ("signature", crypto::signature),
    ("share_file", crypto::share_file),
    ("share_paper", crypto::share_paper),
    ("ballot", tally::ballot),
    ("record", tally::record),
    ("receipt_text", tally::receipt_text),
    ("fingerprint_text", tally::fingerprint_text),
    ("count_scenario", tally::count_scenario),
    ("station_headers", stations::station_headers),
    ("enrolment_text", stations::enrolment_text),
    ("credential_text", stations::credential_text),
    ("card_text", stations::card_text),
    ("roster_csv", roster::roster_csv),
    ("roster_xlsx", roster::roster_xlsx),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Asserts that `encoded` (what a decoded value encodes to) is `input`.
fn canonical(what: &str, input: &[u8], encoded: &[u8]) {
    assert_eq!(encoded, input, "{what}: decodes but does not re-encode to the same bytes");
}

/// A fixed-seed generator: a target is a function of its input alone.
fn rng() -> StdRng {
    StdRng::seed_from_u64(0x6861_6c6c_766f_7465)
}

/// The front of a fuzz input, taken a piece at a time.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    fn rest(self) -> &'a [u8] {
        self.0
    }
}
