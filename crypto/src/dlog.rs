//! Recovery of a small total `m` from `m·G` (spec §3.4).
//!
//! Totals are at most the number of ballots, so a baby-step giant-step search
//! with a table of `s = ⌊√(bound+1)⌋ + 1` baby steps finds any `m ≤ bound` in at
//! most `s` giant steps. Everything here touches only public values.

use std::collections::HashMap;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;

use crate::error::VerifyError;
use crate::group::G;

/// A baby-step table for recovering `m ∈ 0..=bound` from `m·G`.
#[derive(Clone, Debug)]
pub struct DlogTable {
    bound: u64,
    step: u64,
    baby: HashMap<[u8; 32], u64>,
    giant: RistrettoPoint,
}

/// The largest bound a table may be built for (spec §3.4): 10¹², far above any assembly.
pub const MAX_BOUND: u64 = 1_000_000_000_000;

impl DlogTable {
    /// A table that recovers every `m` with `0 ≤ m ≤ bound` (bound capped at [`MAX_BOUND`]).
    pub fn new(bound: u64) -> Self {
        let bound = bound.min(MAX_BOUND);
        let step = (bound + 1).isqrt() + 1;
        let mut baby = HashMap::with_capacity(step as usize);
        let mut p = RistrettoPoint::default();
        for i in 0..step {
            baby.insert(p.compress().to_bytes(), i);
            p += G;
        }
        // After the loop p = step·G, the giant stride.
        Self { bound, step, baby, giant: p }
    }

    /// The bound this table was built for.
    pub fn bound(&self) -> u64 {
        self.bound
    }

    /// Finds `m ≤ bound` with `m·G = point`, or reports that there is none.
    pub fn recover(&self, point: &RistrettoPoint) -> Result<u64, VerifyError> {
        let mut q = *point;
        let mut base = 0u64;
        while base <= self.bound {
            if let Some(i) = self.baby.get(&q.compress().to_bytes()) {
                let m = base + i;
                return if m <= self.bound { Ok(m) } else { Err(VerifyError::OutOfBound) };
            }
            q -= self.giant;
            base += self.step;
        }
        Err(VerifyError::OutOfBound)
    }
}

/// `m·G` for a small non-negative integer, the value a decryption must match.
pub fn encode_value(m: u64) -> RistrettoPoint {
    RistrettoPoint::mul_base(&Scalar::from(m))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn recovers_every_value_up_to_the_bound_and_nothing_beyond() {
        let table = DlogTable::new(1000);
        for m in (0..=1000).step_by(7).chain([999, 1000]) {
            assert_eq!(table.recover(&encode_value(m)).unwrap(), m);
        }
        assert_eq!(table.recover(&encode_value(1001)), Err(VerifyError::OutOfBound));
        assert_eq!(table.recover(&(-encode_value(1))), Err(VerifyError::OutOfBound));
    }

    #[test]
    fn a_million_is_within_reach() {
        let table = DlogTable::new(1_000_000);
        assert_eq!(table.recover(&encode_value(1_000_000)).unwrap(), 1_000_000);
        assert_eq!(table.recover(&encode_value(654_321)).unwrap(), 654_321);
    }
}
