//! The session, end to end: 200 delegates, 3-of-5 scrutineers, an
//! 11-candidate election for 9 seats, a 9-member confidence vote, a 7-member
//! evaluation and 3 motions; tallied by scrutineers 1, 3 and 5 only (spec §11–§13).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use std::time::Instant;

use hallvote_tally::record::{Record, Status, verify_record};
use record_common::{Spec, full_poll, run};

#[test]
fn a_200_delegate_session_tallies_to_the_plaintext_counts_and_verifies() {
    let start = Instant::now();
    let s = run(Spec {
        expected: 210,
        present: 200,
        contests: full_poll(),
        spoiled: 2,
        decrypting: vec![1, 3, 5],
        seed: 200,
    });
    let built = start.elapsed();
    // The decrypted totals are the counts of the plaintexts the test kept.
    assert_eq!(s.record.totals, s.truth);
    assert_eq!(s.record.totals.len(), 11 * 3 + 9 * 3 + 7 * 4 + 3 * 3);
    // Every election item took exactly one option; an evaluation item at most one.
    assert_eq!(s.truth[0] + s.truth[1] + s.truth[2], 200);

    let bytes = s.record.to_bytes();
    assert_eq!(Record::decode(&bytes).unwrap().0, s.record);
    let mut rng = rand::rng();
    let t = Instant::now();
    let report = verify_record(&bytes, &mut rng);
    let verified = t.elapsed();
    print!("{report}");
    println!("built in {built:?}, verified in {verified:?}, {} bytes", bytes.len());
    assert!(report.ok(), "{report}");
    assert_eq!(report.steps.len(), 15);
    assert!(report.steps.iter().all(|r| r.status == Status::Pass));
    let proofs = report.step("13.5").unwrap();
    assert!(proofs.detail.starts_with("200 ballots"), "{}", proofs.detail);
    let result = report.result.as_ref().unwrap();
    assert!(result.valid);
    assert_eq!(result.returned, 200);
    // The JSON form is for people: hex for bytes, the recomputed result alongside.
    let json = report.to_json();
    assert_eq!(json["ok"], true);
}
