//! A recall (罢免, ADR 0030) in the election record: the manifest carries the ruleset's
//! recall rule with the contest (spec §11.2.3), the verifier recounts it under that rule
//! and agrees with the result, and a record without a recall is byte for byte as before.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use hallvote_tally::count::ContestResult;
use hallvote_tally::model::{Contest, ContestKind, Recall};
use hallvote_tally::record::{Manifest, Status, verify_record};
use hallvote_tally::ruleset::{Base, RecallRule, Threshold};
use record_common::{Spec, run, small_poll};

fn with_recall() -> Vec<Contest> {
    let mut contests = small_poll();
    contests.push(Contest {
        id: "recall".into(),
        title: "罢免镇党委委员".into(),
        kind: ContestKind::Recall(Recall { members: vec!["赵磊".into(), "黄敏".into()] }),
    });
    contests
}

#[test]
fn a_recall_is_recounted_by_the_verifier_under_the_recorded_rule() {
    let s = run(Spec {
        expected: 12,
        present: 10,
        contests: with_recall(),
        spoiled: 1,
        decrypting: vec![1, 3, 5],
        seed: 19,
    });
    let bytes = s.record.to_bytes();
    let report = verify_record(&bytes, &mut rand::rng());
    assert!(report.ok(), "{report}");
    assert!(report.steps.iter().all(|r| r.status == Status::Pass));
    let result = report.result.as_ref().unwrap();
    let ContestResult::Recall(m) = result.contests.last().unwrap() else { panic!("{:?}", result.contests) };
    // More than half of the 12 expected: 7 and up, whatever the 10 present.
    assert_eq!(m.threshold, 7);
    // The recall's rows are the last 2 × 3 plaintext totals the test kept.
    let t = &s.truth[s.truth.len() - 6..];
    for (k, item) in m.items.iter().enumerate() {
        assert_eq!((u64::from(item.for_votes), u64::from(item.against)), (t[3 * k], t[3 * k + 1]));
        assert_eq!(item.passed, t[3 * k] >= 7);
    }
}

#[test]
fn the_manifest_carries_a_rulesets_own_recall_rule_and_gives_it_back() {
    let s = run(Spec {
        expected: 12,
        present: 10,
        contests: with_recall(),
        spoiled: 0,
        decrypting: vec![1, 2, 3],
        seed: 20,
    });
    let mut m = s.manifest.clone();
    m.ruleset.recall = RecallRule { base: Base::Present, threshold: Threshold::MORE_THAN_HALF };
    let bytes = m.to_bytes().unwrap();
    assert_ne!(bytes, s.manifest.to_bytes().unwrap(), "the rule is bound into the manifest");
    let back = Manifest::decode(&bytes).unwrap();
    assert_eq!(back.ruleset.recall, m.ruleset.recall);
    assert_eq!(back.ruleset.sha256(), m.ruleset.sha256());
    // The rule follows the last member's name: base, then the threshold. A base a
    // recall may not count from (2, returned) is refused when the manifest is read.
    let name = "黄敏".as_bytes();
    let at = bytes.windows(name.len()).rposition(|w| w == name).unwrap() + name.len();
    assert_eq!(bytes[at], 0, "present");
    let mut bad = bytes.clone();
    bad[at] = 2;
    assert!(Manifest::decode(&bad).is_err());
    // The same manifest with the default rule's base (1, expected) reads back as the default.
    let mut expected = bytes;
    expected[at] = 1;
    assert_eq!(Manifest::decode(&expected).unwrap().ruleset.recall, RecallRule::default());
}

#[test]
fn a_record_without_a_recall_keeps_the_ruleset_encoding() {
    // The default recall rule is not in the ruleset's encoding: a poll without a
    // recall encodes the same whatever the ruleset's recall rule is.
    let s =
        run(Spec { expected: 4, present: 3, contests: small_poll(), spoiled: 0, decrypting: vec![1, 2, 3], seed: 21 });
    let mut m = s.manifest.clone();
    m.ruleset.recall = RecallRule { base: Base::Present, threshold: Threshold::MORE_THAN_HALF };
    assert_eq!(m.to_bytes().unwrap(), s.manifest.to_bytes().unwrap());
}
