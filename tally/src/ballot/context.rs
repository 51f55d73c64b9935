//! What every ballot proof is bound to, and the tracking code (spec §10.2, §10.5).

use core::fmt;

use hallvote_crypto::hash::Hasher;
use hallvote_crypto::tags;

use crate::crockford;

/// The context of one ballot: the election it belongs to and the credential that
/// authorises it. Every proof on the ballot hashes its position within this
/// context, so a proof cannot be moved to another place, ballot or election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BallotContext {
    /// The election context hash of the poll (spec §11): manifest, keys, ruleset.
    pub election: [u8; 64],
    /// The spent-credential serial of the credential the ballot is cast with (spec §6.5).
    pub serial: [u8; 32],
}

impl BallotContext {
    /// Context of the 0/1 proof of option `o` of item `i` of contest `c` (spec §10.2).
    pub fn selection(&self, c: usize, i: usize, o: usize) -> [u8; 64] {
        let mut h = Hasher::new(tags::BALLOT_SELECTION);
        h.bytes(&self.election).bytes(&self.serial).u64(c as u64).u64(i as u64).u64(o as u64);
        h.finalize()
    }

    /// Context of the sum proof of item `i` of contest `c` (spec §10.2).
    pub fn item(&self, c: usize, i: usize) -> [u8; 64] {
        let mut h = Hasher::new(tags::BALLOT_ITEM);
        h.bytes(&self.election).bytes(&self.serial).u64(c as u64).u64(i as u64);
        h.finalize()
    }

    /// Context of the cap proof of contest `c` (spec §10.2).
    pub fn cap(&self, c: usize) -> [u8; 64] {
        let mut h = Hasher::new(tags::BALLOT_CAP);
        h.bytes(&self.election).bytes(&self.serial).u64(c as u64);
        h.finalize()
    }

    /// Context of the write-in row proof of item `i` of contest `c`, `ctx_wi(c,i)` (spec §10.7).
    pub fn write_in(&self, c: usize, i: usize) -> [u8; 64] {
        hallvote_crypto::proofs::writein::row_context(&self.election, &self.serial, c as u64, i as u64)
    }
}

/// The short, human-checkable form of a ballot's hash (spec §10.5): the first 80
/// bits of `H("hallvote/ballot/tracking/v1", election, serial, ballot bytes)` in
/// Crockford base32, 16 characters shown in groups of four.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingCode([u8; 10]);

impl TrackingCode {
    /// The tracking code of an encoded ballot in its context.
    pub fn of(ctx: &BallotContext, ballot_bytes: &[u8]) -> Self {
        let mut h = Hasher::new(tags::TRACKING_CODE);
        h.bytes(&ctx.election).bytes(&ctx.serial).bytes(ballot_bytes);
        let digest = h.finalize();
        let mut out = [0; 10];
        out.copy_from_slice(&digest[..10]);
        Self(out)
    }

    /// The code with these 10 bytes.
    pub fn from_bytes(bytes: [u8; 10]) -> Self {
        Self(bytes)
    }

    /// The 10 bytes of the code.
    pub fn as_bytes(&self) -> &[u8; 10] {
        &self.0
    }

    /// Parses a code as a person types it: case, spaces and dashes are ignored,
    /// and the letters O, I and L read as 0, 1 and 1 (Crockford).
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = crockford::decode_exact(text, 10)?;
        let mut out = [0; 10];
        out.copy_from_slice(&bytes);
        Some(Self(out))
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crockford::grouped(&crockford::encode(&self.0, 16), 4))
    }
}

impl fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrackingCode({self})")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tracking_code_round_trip_and_typing() {
        let ctx = BallotContext { election: [1; 64], serial: [2; 32] };
        let code = TrackingCode::of(&ctx, b"ballot");
        let text = code.to_string();
        assert_eq!(text.len(), 19);
        assert_eq!(TrackingCode::parse(&text), Some(code));
        assert_eq!(TrackingCode::parse(&text.to_lowercase().replace('-', " ")), Some(code));
        assert_eq!(TrackingCode::parse(&text[..18]), None);
        assert_eq!(TrackingCode::parse("UUUU-UUUU-UUUU-UUUU"), None);
        assert_ne!(TrackingCode::of(&ctx, b"ballot2"), code);
        assert_ne!(TrackingCode::of(&BallotContext { serial: [3; 32], ..ctx }, b"ballot"), code);
    }
}
