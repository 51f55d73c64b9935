//! The server decides on a poll's state through the typed lifecycle
//! (`hallvote_protocol::lifecycle::PollState`, `crate::lifecycle`), never by
//! comparing strings: a state's name appears in code only where the state is
//! stored or sent, not in an `==`/`!=` against a literal. The source is read at test
//! time, every file under `src/`, comment lines left out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use hallvote_protocol::lifecycle::PollState;

#[test]
fn no_poll_state_is_compared_as_a_string() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    assert!(files.len() > 50, "src/ was not read: {}", src.display());
    let mut offences = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if let Some(why) = state_comparison(line) {
                let rel = file.strip_prefix(&src).unwrap().display().to_string();
                offences.push(format!("src/{rel}:{}: {why}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "compare PollState values (crate::lifecycle::PollState), not their names:\n{}",
        offences.join("\n")
    );
}

/// The scan itself, on lines whose answer is known.
#[test]
fn the_scan_finds_each_form_and_passes_the_typed_ones() {
    for bad in [
        r#"if run.state == "open" {"#,
        r#"if poll.state != "closed" {"#,
        r#"if "open" == state {"#,
        r#"if state.as_str() == "tallied" {"#,
        r#"let x = status == "published";"#,
        r#"if p.state.eq("draft") {"#,
        r#"if state == "anything" {"#,
        r#"if "ready"!= s {"#,
    ] {
        assert!(state_comparison(bad).is_some(), "not found: {bad}");
    }
    for good in [
        "if run.state == PollState::Open {",
        r#"let name = "open";"#,
        r#"if d.status == "active" {"#,
        r#"// if state == "open" {"#,
        r#"/// `state == "open"` is what this forbids"#,
        r#"json!({ "state": "open" })"#,
    ] {
        assert!(state_comparison(good).is_none(), "found: {good}");
    }
}

/// Why `line` compares a poll state as a string, if it does.
fn state_comparison(line: &str) -> Option<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return None;
    }
    let squeezed: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for op in ["==", "!="] {
        // Anything called `state` against any literal.
        for form in [format!("state {op} \""), format!("state{op}\"")] {
            if squeezed.contains(&form) {
                return Some(format!("`state {op} \"…\"`"));
            }
        }
        for s in PollState::ALL {
            let name = format!("\"{}\"", s.as_str());
            for form in [format!("{op} {name}"), format!("{op}{name}"), format!("{name} {op}"), format!("{name}{op}")] {
                if squeezed.contains(&form) {
                    return Some(format!("a comparison with {name}"));
                }
            }
        }
    }
    for s in PollState::ALL {
        if squeezed.contains(&format!(".eq(\"{}\")", s.as_str())) {
            return Some(format!("`.eq(\"{}\")`", s.as_str()));
        }
    }
    None
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
