//! No hand escaping (ADR 0017, issue 15): every page is a compiled template whose
//! values the template engine escapes, so no code under `server/src` calls an
//! `escape(` of its own. The one escaper is `src/templates.rs`'s, which the engine
//! calls. Comments are not code: a doc comment may name `escape(`; string literals
//! are, so `format!("{}", escape(x))` is caught wherever it hides.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// Files allowed to hold `escape(`, relative to the crate's `src/`.
const ALLOWED: &[&str] = &["templates.rs"];

#[test]
fn no_escape_call_outside_the_template_engine() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = source_files(&src);
    // The scan sees the crate: a moved directory should fail here, not pass by
    // finding nothing.
    for known in ["lib.rs", "http/board_lookup.rs", "sheet/html.rs", "http/support/charts.rs"] {
        assert!(files.iter().any(|f| rel(&src, f) == known), "{known} was not scanned");
    }
    let mut offences = Vec::new();
    for file in &files {
        let rel = rel(&src, file);
        if ALLOWED.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let code = if rel.ends_with(".rs") { strip_comments(&text) } else { text };
        for (n, line) in code.lines().enumerate() {
            if line.contains("escape(") {
                offences.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(offences.is_empty(), "hand escaping outside the templates:\n{}", offences.join("\n"));
}

#[test]
fn comments_are_stripped_and_code_and_strings_are_kept() {
    let text = "let a = 1; // escape(x)\n/* escape(y)\n /* nested */ escape(z) */ let b = \"// escape(s)\";\n\
                /// escape(doc)\nlet c = r#\"/* not a comment */\"#; let d = '/'; let e: &'a str = f(\"\\\"\"); // g\n";
    let code = strip_comments(text);
    assert_eq!(code.matches("escape(").count(), 1, "{code}");
    assert!(code.contains("\"// escape(s)\"") && code.contains("r#\"/* not a comment */\"#"), "{code}");
    assert!(code.contains("let d = '/'; let e: &'a str = f(\"\\\"\");"), "{code}");
    assert_eq!(code.lines().count(), text.lines().count(), "line numbers are kept");
}

fn rel(src: &Path, file: &Path) -> String {
    file.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/")
}

fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(source_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Rust source with its comments (line, doc and nested block comments) blanked and
/// its newlines kept; string, raw string and character literals stay as they are.
fn strip_comments(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&b, i) {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            let mut k = j + 1;
            while k < b.len() && !(b[k] == '"' && (0..hashes).all(|h| b.get(k + 1 + h) == Some(&'#'))) {
                k += 1;
            }
            let end = (k + 1 + hashes).min(b.len());
            out.extend(&b[i..end]);
            i = end;
        } else if c == '"' {
            let mut k = i + 1;
            while k < b.len() && b[k] != '"' {
                k += if b[k] == '\\' { 2 } else { 1 };
            }
            let end = (k + 1).min(b.len());
            out.extend(&b[i..end]);
            i = end;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\'', '\u{..}'), or a lifetime ('a).
            let end = if b.get(i + 1) == Some(&'\\') {
                (i + 2..b.len()).find(|&k| b[k] == '\'' && k > i + 2).map(|k| k + 1)
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            let end = end.unwrap_or(i + 1);
            out.extend(&b[i..end]);
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether `b[i]` continues an identifier (so an `r` there is not a raw string's).
fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}
