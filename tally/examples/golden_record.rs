//! Makes the golden election record of `tests/golden_record.rs` (read its docs): 6
//! delegates expected, 5 present, 2 challenged ballots, decrypted by scrutineers 1, 3
//! and 5, from a fixed seed. Run on purpose only, for a new record version:
//! `cargo run -p hallvote-tally --example golden_record`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/record_common/mod.rs"]
mod record_common;

use std::path::Path;

use record_common::{Spec, run, small_poll};

fn main() {
    let s = run(Spec {
        expected: 6,
        present: 5,
        contests: small_poll(),
        spoiled: 2,
        decrypting: vec![1, 3, 5],
        seed: 2026,
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("poll-1.hvrec");
    std::fs::write(&path, s.record.to_bytes()).unwrap();
    println!("{}", path.display());
}
