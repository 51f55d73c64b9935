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
    assert_eq!(report.steps.len(), 20);
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

/// A poll whose election takes write-ins (spec §11.2.3): the manifest is version 2
/// and carries the flag, the shape gives every row a slot on 不赞成, ballots with
/// those rows (cast and spoiled) verify in the record, and the counts are unchanged.
#[test]
fn a_session_whose_election_takes_write_ins_verifies() {
    use hallvote_tally::ballot::WriteInRule;
    use hallvote_tally::model::ContestKind;
    use hallvote_tally::record::Manifest;

    let mut contests = record_common::small_poll();
    let ContestKind::Election(e) = &mut contests[0].kind else { unreachable!() };
    e.write_ins = true;
    let s = run(Spec { expected: 12, present: 10, contests, spoiled: 1, decrypting: vec![2, 4, 5], seed: 17 });
    let bytes = s.manifest.to_bytes().unwrap();
    assert_eq!(bytes[8], 2, "a manifest with write-ins is version 2");
    let decoded = Manifest::decode(&bytes).unwrap();
    let ContestKind::Election(e) = &decoded.poll.contests[0].kind else { unreachable!() };
    assert!(e.write_ins);
    assert_eq!(s.shape.contests[0].write_in, Some(WriteInRule { against: 1 }));
    assert_eq!(s.shape.contests[1].write_in, None);
    assert_eq!(s.record.totals, s.truth);
    let record = s.record.to_bytes();
    let report = verify_record(&record, &mut rand::rng());
    assert!(report.ok(), "{report}");
    assert!(report.steps.iter().all(|r| r.status == Status::Pass), "{report}");
    // The challenged ballot's opening shows the name it wrote in (spec §10.6, §12.10).
    let json = s.record.to_json();
    let opened = &json["board"]["entries"][0]["opening"]["opened"][0]["items"];
    assert_eq!(opened[0]["write_in"], record_common::WRITTEN_IN);
    assert!(opened[1].get("write_in").is_none());

    // The same manifest written as version 1 (the flag dropped) is another poll: it
    // does not decode as the canonical form of this one.
    let mut v1 = bytes.clone();
    v1[8] = 1;
    assert!(Manifest::decode(&v1).is_err());
    // And a version-2 manifest for a poll without write-ins is not canonical.
    let mut plain = decoded.clone();
    let ContestKind::Election(e) = &mut plain.poll.contests[0].kind else { unreachable!() };
    e.write_ins = false;
    let old = plain.to_bytes().unwrap();
    assert_eq!(old[8], 1);
    assert!(old.len() < bytes.len());
    let mut as_v2 = old.clone();
    as_v2[8] = 2;
    assert!(Manifest::decode(&as_v2).is_err());
}
