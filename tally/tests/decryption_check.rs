//! One scrutineer's decryption shares checked on their own (spec §5.4): the check the
//! server makes when a scrutineer's station submits them, and the tally repeats.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use hallvote_crypto::elgamal::Ciphertext;
use hallvote_tally::record::builder::{TallyError, verify_decryption};
use record_common::{Spec, run, small_poll};

#[test]
fn a_scrutineers_own_shares_pass_and_any_other_fails_at_its_selection() {
    let s =
        run(Spec { expected: 12, present: 10, contests: small_poll(), spoiled: 0, decrypting: vec![1, 2, 3], seed: 7 });
    let aggregates: Vec<Ciphertext> = s.record.aggregates.iter().map(|a| Ciphertext::decode(a).unwrap()).collect();
    let check = |d| verify_decryption(&s.public_shares, &s.election, &s.shape, &aggregates, d);
    for d in &s.record.decryptions {
        assert_eq!(check(d).unwrap().len(), aggregates.len(), "scrutineer {}", d.scrutineer);
    }
    let honest = &s.record.decryptions[1];
    // A share of another selection in place of the last one.
    let mut swapped = honest.clone();
    let last = swapped.shares.len() - 1;
    swapped.shares[last] = swapped.shares[0];
    assert_eq!(check(&swapped).unwrap_err(), TallyError::Share { scrutineer: honest.scrutineer, selection: last });
    // Another scrutineer's shares claimed as this one's.
    let mut claimed = s.record.decryptions[0].clone();
    claimed.scrutineer = honest.scrutineer;
    assert_eq!(check(&claimed).unwrap_err(), TallyError::Share { scrutineer: honest.scrutineer, selection: 0 });
    // A share that is not one (bytes flipped in its proof).
    let mut broken = honest.clone();
    broken.shares[2][131] ^= 1;
    assert!(matches!(check(&broken).unwrap_err(), TallyError::Share { selection: 2, .. }));
    // Too few shares: the first missing selection is named.
    let mut short = honest.clone();
    short.shares.truncate(3);
    assert_eq!(check(&short).unwrap_err(), TallyError::Share { scrutineer: honest.scrutineer, selection: 3 });
}
