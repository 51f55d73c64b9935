//! Every value in a record file is bound (issue 6): a changed byte anywhere, or a
//! byte removed or added, makes the verifier reject the record (spec §12, §13).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod record_common;

use hallvote_tally::record::verify_record;
use record_common::{Spec, run, said_in_chinese, small_poll};

#[test]
fn any_changed_removed_or_added_byte_is_rejected() {
    let s =
        run(Spec { expected: 4, present: 3, contests: small_poll(), spoiled: 1, decrypting: vec![2, 4, 5], seed: 6 });
    let bytes = s.record.to_bytes();
    let mut rng = rand::rng();
    assert!(verify_record(&bytes, &mut rng).ok());
    // A stride that is prime to every field length visits every region of the file
    // (header, manifest, ceremony, board, heads, tally, outcome, signatures) at
    // ever-shifting offsets; the last 300 bytes (signatures) are done
    // byte by byte.
    let stride = 61;
    let tail = bytes.len() - 300;
    let positions: Vec<usize> = (0..tail).step_by(stride).chain(tail..bytes.len()).collect();
    // Every reason a changed file is refused is said in Chinese too (issue 13, item 8).
    let mut failures = 0;
    for &p in &positions {
        let mut bad = bytes.clone();
        bad[p] ^= 1 << (p % 8);
        let report = verify_record(&bad, &mut rng);
        assert!(!report.ok(), "flipping bit {} of byte {p} of {} was not noticed", p % 8, bytes.len());
        failures += said_in_chinese(&report);
    }
    for &p in positions.iter().step_by(9) {
        let mut removed = bytes.clone();
        removed.remove(p);
        let report = verify_record(&removed, &mut rng);
        assert!(!report.ok(), "removing byte {p} was not noticed");
        failures += said_in_chinese(&report);
        let mut added = bytes.clone();
        added.insert(p, 0);
        let report = verify_record(&added, &mut rng);
        assert!(!report.ok(), "inserting a byte at {p} was not noticed");
        failures += said_in_chinese(&report);
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(!verify_record(&longer, &mut rng).ok());
    assert!(!verify_record(&bytes[..bytes.len() - 1], &mut rng).ok());
    println!("{} bytes, {} flips, {failures} reasons said in Chinese", bytes.len(), positions.len());
}
