//! The cryptographic core of hallvote.
//!
//! Everything here is pure: no I/O, no clock, no environment, no logging and no
//! async. Randomness is passed in as `&mut impl CryptoRng`, time as a parameter.
//! The one use of threads is the write-in mix: [`shuffle`] and [`mixdecrypt`] split
//! their work over two scoped threads, [`shuffle`] after drawing all its randomness,
//! so neither result depends on them.
//! Each module implements one section of the normative specification in
//! `docs/spec/`, and cites it; where this code and the spec disagree, the spec
//! is right and the code has a bug.
//!
//! | module | spec | what |
//! |---|---|---|
//! | [`group`] | §1 | ristretto255 elements and scalars, canonical encodings |
//! | [`hash`], [`tags`] | §2 | the one hash function and every domain tag |
//! | [`elgamal`], [`dlog`] | §3 | exponential ElGamal and recovery of small totals |
//! | [`proofs`] | §4, §10.7 | Schnorr, range (disjunctive Chaum–Pedersen) and equality proofs, batch verification, the write-in row proof |
//! | [`dkg`], [`threshold`] | §5 | k-of-n scrutineer keys and threshold decryption |
//! | [`sealed`] | §5.6 | dealer shares sealed to their recipient (RFC 9180 HPKE) |
//! | [`credential`] | §6 | RFC 9474 blind-signed one-time ballot credentials |
//! | [`merkle`] | §7 | the RFC 9162 bulletin board log |
//! | [`sign`] | §8 | Ed25519 signatures with domain-separated messages |
//! | [`sharefile`] | §9 | the passphrase-protected scrutineer share file |
//! | [`writein`] | §17 | write-in names embedded as elements, plain ElGamal of an element |
//! | [`shuffle`] | §18 | verifiable re-encryption shuffle (Terelius–Wikström proof) |
//! | [`mixdecrypt`] | §19 | threshold decryption of a mixed list with one batched proof per scrutineer |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod credential;
pub mod dkg;
pub mod dlog;
pub mod elgamal;
pub mod error;
pub mod group;
pub mod hash;
pub mod merkle;
pub mod mixdecrypt;
pub mod proofs;
pub mod sealed;
pub mod sharefile;
pub mod shuffle;
pub mod sign;
pub mod tags;
pub mod threshold;
pub mod writein;

pub use error::{DecodeError, ShuffleCheck, UsageError, VerifyError};

/// The random number generator trait every randomised function takes.
///
/// Re-exported so callers name the same `rand_core` version as this crate.
pub use rand_core::{CryptoRng, Rng};
