//! Zero-knowledge proofs, made non-interactive by the Fiat–Shamir transform (spec §4).
//!
//! Every proof is in *commitment form*: it carries its commitments, and the
//! verifier recomputes the challenge by hashing the context, the whole
//! statement and the commitments (spec §2.3). That is what makes a proof
//! impossible to move to another statement or context, and what lets many
//! proofs be checked together in one multiscalar multiplication ([`batch`]).

pub mod batch;
pub mod equality;
pub mod range;
pub mod schnorr;
pub mod writein;

pub use batch::BatchVerifier;
pub use equality::EqualityProof;
pub use range::RangeProof;
pub use schnorr::SchnorrProof;
pub use writein::WriteInRowProof;

use crate::error::DecodeError;
use crate::group::{Element, decode_scalar};
use curve25519_dalek::scalar::Scalar;

/// Reads fixed-size fields off the front of a byte string, strictly.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() < n {
            return Err(DecodeError::Length { expected: n, actual: self.bytes.len() });
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    pub(crate) fn element(&mut self) -> Result<Element, DecodeError> {
        Element::decode(self.take(32)?)
    }

    pub(crate) fn scalar(&mut self) -> Result<Scalar, DecodeError> {
        decode_scalar(self.take(32)?)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Fails unless every byte was read: trailing bytes are malformed input.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.bytes.is_empty() { Ok(()) } else { Err(DecodeError::Length { expected: 0, actual: self.bytes.len() }) }
    }
}
