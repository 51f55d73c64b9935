//! Every fuzz target over its committed corpus, on stable: the seeds made by the
//! code, the edge cases, and every input a fuzzing run found a bug with (kept as
//! a regression test). A failure names the target and the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use hallvote_fuzzing::TARGETS;

/// A target's seeds stay small (a few KB each, the largest a record file).
const MAX_CORPUS_BYTES: u64 = 64 * 1024;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn names_in(dir: &Path, strip: Option<&str>) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| match strip {
            Some(ext) => n.strip_suffix(ext).map(str::to_owned),
            None => Some(n),
        })
        .collect()
}

#[test]
fn every_target_runs_clean_over_its_corpus() {
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        let files = names_in(&dir, None);
        assert!(files.len() >= 2, "{name}: the corpus holds at least a valid seed and an edge case");
        let mut total = 0;
        for file in files {
            let bytes = fs::read(dir.join(&file)).unwrap();
            total += bytes.len() as u64;
            if catch_unwind(AssertUnwindSafe(|| target(&bytes))).is_err() {
                failures.push(format!("{name}/{file}"));
            }
        }
        assert!(total <= MAX_CORPUS_BYTES, "{name}: the corpus is {total} bytes; keep seeds small");
    }
    assert!(failures.is_empty(), "targets failed on: {failures:?}");
}

#[test]
fn the_fuzz_crate_has_one_target_per_body_and_one_corpus_each() {
    let bodies: BTreeSet<String> = TARGETS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(names_in(&fuzz_dir().join("fuzz_targets"), Some(".rs")), bodies, "fuzz/fuzz_targets/*.rs");
    assert_eq!(names_in(&fuzz_dir().join("corpus"), None), bodies, "fuzz/corpus/*");
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    for name in &bodies {
        assert!(manifest.contains(&format!("name = \"{name}\"")), "fuzz/Cargo.toml lists {name}");
        let source = fs::read_to_string(fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"))).unwrap();
        assert!(source.contains(&format!("::{name}(data)")), "fuzz/fuzz_targets/{name}.rs calls its body");
    }
}
