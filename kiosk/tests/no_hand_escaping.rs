//! The stations' pages are compiled templates, escaped by default (ADR 0017): no
//! code under `kiosk/src` escapes by hand (only the template glue,
//! `kiosk/src/templates.rs`, knows how), and the values a template prints unescaped
//! with `|safe` are the few kinds of markup the station drew itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The glue between the templates and the escaper: the one file that may escape.
const GLUE: &str = "templates.rs";

/// What a template may print with `|safe`: a QR code's SVG (drawn by `qr_svg`),
/// the rest of that SVG inside `qr_svg`'s own template, and a data block's
/// script-safe JSON (`ScriptJson`).
const SAFE: &[&str] = &["qr|safe", "rest|safe", "data|safe"];

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_code_escapes_by_hand() {
    let src = crate_dir().join("src");
    let mut rs = Vec::new();
    files(&src, "rs", &mut rs);
    assert!(rs.len() > 10, "the sources were found: {rs:?}");
    let mut found = Vec::new();
    for path in &rs {
        if path == &src.join(GLUE) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("escape(") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "escaping by hand outside {GLUE} (use a template):\n{}", found.join("\n"));
}

#[test]
fn only_markup_the_station_drew_is_printed_unescaped() {
    let mut all = Vec::new();
    files(&crate_dir().join("templates"), "html", &mut all);
    assert!(all.len() > 5, "the templates were found: {all:?}");
    files(&crate_dir().join("src"), "rs", &mut all);
    let mut checked = 0;
    let mut found = Vec::new();
    for path in &all {
        // The glue's own tests print a probe unescaped on purpose.
        if path.ends_with(Path::new("src").join(GLUE)) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (at, _) in line.match_indices("|safe") {
                // Only a filter on a printed value: `{{ value|safe }}`.
                if !line[at + "|safe".len()..].trim_start().starts_with("}}") {
                    continue;
                }
                checked += 1;
                let before = line[..at].trim_end_matches(' ');
                let name = before.rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).next().unwrap_or("");
                let name = name.rsplit('.').next().unwrap_or(name);
                if !SAFE.contains(&format!("{name}|safe").as_str()) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(checked >= 4, "the |safe uses were found ({checked})");
    assert!(found.is_empty(), "|safe on a value that may hold text:\n{}", found.join("\n"));
}
