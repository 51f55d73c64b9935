//! Error kinds shared by the modules of this crate.
//!
//! Decoding errors (the bytes are malformed) are kept apart from verification
//! failures (the bytes are well formed but the claim they make is false), so a
//! caller can tell a garbled QR code from a forged one.

use thiserror::Error;

/// Bytes that do not encode a value of the expected kind (spec §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input has the wrong length for the value it should hold.
    #[error("wrong length: expected {expected} bytes, got {actual}")]
    Length {
        /// The length the encoding requires.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// Not the canonical encoding of a ristretto255 element (spec §1.3).
    #[error("not a canonical ristretto255 element encoding")]
    NonCanonicalElement,
    /// The identity element where the spec forbids it (spec §1.3).
    #[error("the identity element is not allowed here")]
    Identity,
    /// Not a canonical scalar encoding: the value is not below the group order (spec §1.4).
    #[error("not a canonical scalar encoding")]
    NonCanonicalScalar,
    /// A zero scalar where the spec forbids it (spec §1.4).
    #[error("the scalar zero is not allowed here")]
    ZeroScalar,
    /// A count or index outside the range the spec allows.
    #[error("value out of range: {what}")]
    OutOfRange {
        /// Which value was out of range.
        what: &'static str,
    },
    /// A version, tag or magic value this implementation does not know.
    #[error("unknown format or version: {what}")]
    UnknownFormat {
        /// Which field held the unknown value.
        what: &'static str,
    },
}

/// A well-formed proof, signature or share that does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A proof's challenges do not add up to the Fiat–Shamir challenge (spec §4).
    #[error("proof challenge does not match the statement")]
    Challenge,
    /// A proof's verification equation does not hold (spec §4).
    #[error("proof equation does not hold")]
    Equation,
    /// A batch of proofs failed; verify them one by one to find which.
    #[error("batch verification failed")]
    Batch,
    /// The proof was made for a different number of options than the statement has.
    #[error("proof shape does not match the statement")]
    Shape,
    /// A secret share does not match its dealer's public commitments (spec §5.3).
    #[error("share does not match the dealer's commitments")]
    Share,
    /// A signature does not verify (spec §6, §8).
    #[error("signature does not verify")]
    Signature,
    /// A Merkle inclusion or consistency proof does not verify (spec §7).
    #[error("Merkle proof does not verify")]
    MerkleProof,
    /// Too few shares to decrypt, or duplicate participants (spec §5.5).
    #[error("not enough distinct decryption shares")]
    NotEnoughShares,
    /// A decrypted value lies outside the bound searched for it (spec §3.4).
    #[error("decrypted value outside the searched bound")]
    OutOfBound,
    /// A proof of shuffle fails the named check (spec §18.5).
    #[error("proof of shuffle fails: {0}")]
    Shuffle(ShuffleCheck),
}

/// The check of a proof of shuffle that failed (spec §18.5), so that a verifier
/// can say which step of the mix is wrong: a dropped row, a broken commitment
/// chain, a re-encryption that changed a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ShuffleCheck {
    /// The output list has a different number of rows than the input list:
    /// a row was dropped or added.
    #[error("the output has a different number of rows than the input")]
    RowCount,
    /// A row of the input or output has a different width than the first input row.
    #[error("a row has a different number of ciphertexts than the others")]
    RowWidth,
    /// The proof's vectors do not have the lengths the statement requires.
    #[error("the proof's lengths do not match the statement")]
    ProofShape,
    /// `t₁`: the permutation commitments do not open to a permutation of the generators.
    #[error("t1, the sum of the permutation commitments")]
    CommitmentSum,
    /// `t₂`: the end of the commitment chain does not match the product of the challenges.
    #[error("t2, the end of the commitment chain")]
    ChainEnd,
    /// `t₃`: the permutation commitments do not match the challenges as permuted.
    #[error("t3, the permutation commitment against the challenges")]
    PermutationChallenge,
    /// `t₄`: the output is not a re-encryption of the permuted input in this
    /// component of the rows (0-based).
    #[error("t4, the re-encryption of component {component}")]
    ReEncryption {
        /// The 0-based position of the ciphertext within a row.
        component: u32,
    },
    /// `t̂ᵢ`: link `index` (1-based) of the commitment chain does not hold.
    #[error("t-hat {index}, link of the commitment chain")]
    ChainLink {
        /// The 1-based index `i` of the failed link.
        index: u32,
    },
}

/// A function was called with arguments its contract forbids: a bug in the
/// caller, not bad input from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UsageError {
    /// A range proof was asked for a value outside its range, or for an empty
    /// or over-wide range (spec §4.2).
    #[error("value or range not allowed for a range proof")]
    Range,
    /// Threshold parameters outside `1 ≤ k ≤ n ≤ 255`, or a participant index outside `1..=n` (spec §5.1).
    #[error("threshold parameters or participant index out of range")]
    Threshold,
    /// A shuffle was asked for an empty list, rows of different widths, or a
    /// width outside `1..=16` (spec §18.1).
    #[error("a shuffle needs at least one row, all of one width between 1 and 16")]
    Shuffle,
    /// A write-in row no valid ballot has: a mark outside `{0, 1}`, a name beside
    /// no mark against, or a non-empty slot in an unwritten row (spec §10.7).
    #[error("a write-in row needs b in {{0, 1}}, b = 1 only beside against, and an empty slot when b = 0")]
    WriteIn,
}
