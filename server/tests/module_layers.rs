//! The layers of `src/http`: a handler module (one that declares routes) is a leaf.
//! No module under `src/http` (a handler, `support/`, or a helper such as
//! `extract.rs`) names another handler module, by a `use` or by a path in code;
//! what handlers share lives in `src/http/support/` (which declares no routes) or
//! in the domain layer outside `src/http` (`crate::poll`, `crate::lifecycle`, ...).
//! Only `http/mod.rs` names the handler modules, to merge their routers.
//!
//! The source is read at test time: every `use` tree is expanded (`use
//! super::{a, b::{c, d}}` names `a` and `b`) and resolved from the file's own
//! module, and so is every `super::…`, `self::…` or `crate::…` path in code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[test]
fn no_http_module_names_a_handler_module() {
    let http = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("http");
    let files = module_files(&http);
    let handlers = handler_modules(&files);
    // The scan sees the handlers it must: a rename here should fail loudly, not
    // make this test pass by finding nothing.
    for known in ["voting", "ceremony", "congress", "results", "desk"] {
        assert!(handlers.contains(known), "{known} is not classified as a handler module: {handlers:?}");
    }
    let mut offences = BTreeSet::new();
    for file in &files {
        if file.module == ["mod"] {
            continue;
        }
        for r in references(&file.code, &file.module) {
            if let [first, ..] = r.target.as_slice()
                && handlers.contains(first.as_str())
                && file.module.first() != Some(first)
            {
                offences.insert(format!(
                    "src/http/{}:{}: `{}` names the handler module `{first}`",
                    file.rel, r.line, r.text
                ));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "handler modules import no sibling handler module; move what they share to src/http/support/ \
         or to the domain layer:\n{}",
        offences.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn support_modules_declare_no_routes() {
    let http = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("http");
    let support: Vec<ModuleFile> =
        module_files(&http).into_iter().filter(|f| f.module.first().map(String::as_str) == Some("support")).collect();
    assert!(support.len() > 3, "src/http/support/ is missing or was not read");
    for f in support {
        assert!(!declares_routes(&f.code), "src/http/{} declares routes; a support module holds no handlers", f.rel);
    }
}

/// The reader itself, on sources whose answer is known.
#[test]
fn the_reader_finds_groups_nested_groups_and_paths_in_code() {
    let module = vec!["voting".to_owned()];
    let code = "use super::AppState;\nuse super::{extract::b64,\n    ceremony::{conflict, load_run}};\n\
                use crate::http::congress as c;\nfn f() { let x = super::desk::scanned_card(); \
                let y = crate::http::support::load::load_run(); self::inner::g(); }\n\
                use crate::db::casting;\n";
    let found: Vec<(Vec<String>, usize)> = references(code, &module).into_iter().map(|r| (r.target, r.line)).collect();
    let firsts: BTreeSet<&str> = found.iter().filter_map(|(t, _)| t.first().map(String::as_str)).collect();
    for want in ["AppState", "extract", "ceremony", "congress", "desk", "support", "voting"] {
        assert!(firsts.contains(want), "{want} not found in {found:?}");
    }
    assert!(found.iter().any(|(t, l)| t.first().map(String::as_str) == Some("ceremony") && *l == 2));
    assert!(found.iter().any(|(t, l)| t.first().map(String::as_str) == Some("desk") && *l == 5));
    // `crate::db::…` is outside http: no target under it.
    assert!(!firsts.contains("db"));
    // From a support module, `super::` is support itself and `super::super::` is http.
    let module = vec!["support".to_owned(), "load".to_owned()];
    let found = references("use super::errors::not_found;\nuse super::super::voting::x;\n", &module);
    let targets: Vec<Vec<String>> = found.into_iter().map(|r| r.target).collect();
    assert!(targets.contains(&vec!["support".to_owned(), "errors".to_owned(), "not_found".to_owned()]));
    assert!(targets.contains(&vec!["voting".to_owned(), "x".to_owned()]));
    // Comments and test modules are not read.
    let commented =
        code_of("// use super::voting;\n/// super::voting::x\n#[cfg(test)]\nmod tests { use super::super::voting; }");
    assert!(references(&commented, &["a".to_owned()]).is_empty());
    assert!(declares_routes("Router::new().route(\"/x\", get(f))"));
    assert!(!declares_routes("// .route(\n"));
}

/// A source file under `src/http`.
struct ModuleFile {
    /// Its module path below `http` (`["support", "load"]`; `["mod"]` for mod.rs).
    module: Vec<String>,
    /// Its path below `src/http`, for messages.
    rel: String,
    /// Its code without test modules; comment lines blanked (line numbers kept).
    code: String,
}

fn module_files(http: &Path) -> Vec<ModuleFile> {
    let mut out = Vec::new();
    let mut dirs = vec![http.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = path.strip_prefix(http).unwrap().to_str().unwrap().replace('\\', "/");
            let mut module: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
            if module.len() > 1 && module.last().map(String::as_str) == Some("mod") {
                module.pop();
            }
            out.push(ModuleFile { module, rel, code: code_of(&std::fs::read_to_string(&path).unwrap()) });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    assert!(out.len() > 10, "src/http was not read: {}", http.display());
    out
}

/// The source before its `#[cfg(test)]` module, with every comment line blanked.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|l| if l.trim_start().starts_with("//") { "" } else { l }).collect::<Vec<_>>().join("\n")
}

fn declares_routes(code: &str) -> bool {
    let code = code_of(code);
    code.contains("fn router(") || code.contains(".route(")
}

/// The top-level modules of `src/http` that declare routes.
fn handler_modules(files: &[ModuleFile]) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| f.module.len() == 1 && f.module[0] != "mod" && declares_routes(&f.code))
        .map(|f| f.module[0].clone())
        .collect()
}

/// One path a file names, resolved to below `http` (`target` is empty for a path
/// outside `http`).
#[derive(Debug)]
struct Reference {
    target: Vec<String>,
    line: usize,
    text: String,
}

/// Every path under `http` that `code` (of the module at `module` below `http`)
/// names in a `use` or in code.
fn references(code: &str, module: &[String]) -> Vec<Reference> {
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut rest = String::with_capacity(code.len());
    let mut from = 0;
    // `use` declarations (also `pub use`, `pub(crate) use`), up to their `;`.
    for (at, _) in code.match_indices("use ") {
        let starts_item = code[..at].trim_end_matches([' ', '\t']).ends_with(['\n', ';', '{', '}', ')'])
            || code[..at].trim().is_empty()
            || code[..at].trim_end().ends_with("pub");
        let preceded = at > 0 && code.as_bytes()[at - 1].is_ascii_alphanumeric();
        if !starts_item || preceded || at < from {
            continue;
        }
        let Some(len) = code[at..].find(';') else { continue };
        let text = &code[at..at + len + 1];
        // `x as y` becomes `x@y`, then every space goes.
        let tree = text["use ".len()..text.len() - 1].split_whitespace().collect::<Vec<_>>().join(" ");
        let tree = tree.replace(" as ", "@").replace(' ', "");
        for path in expand(&tree) {
            if let Some(target) = resolve(&path, module) {
                out.push(Reference {
                    target,
                    line: line_of(at),
                    text: text.split_whitespace().collect::<Vec<_>>().join(" "),
                });
            }
        }
        rest.push_str(&code[from..at]);
        rest.push_str(&"\n".repeat(text.matches('\n').count()));
        from = at + len + 1;
    }
    rest.push_str(&code[from..]);
    // Paths in code: `super::a::b`, `self::a`, `crate::http::a`.
    let bytes = rest.as_bytes();
    for start in ["super::", "self::", "crate::"] {
        for (at, _) in rest.match_indices(start) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let end = rest[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| at + e);
            let path: Vec<String> = rest[at..end].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
            if let Some(target) = resolve(&path, module) {
                let line = rest[..at].matches('\n').count() + 1;
                let text = rest[at..end].to_owned();
                out.push(Reference { target, line, text });
            }
        }
    }
    out
}

/// The paths a `use` tree (whitespace removed, `as` written `@`) names: `a::{b,c::{d,e}}` gives
/// `a::b`, `a::c::d`, `a::c::e`; `x@y` (`x as y`) gives `x`; `self` in a group names the prefix.
fn expand(tree: &str) -> Vec<Vec<String>> {
    fn go(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
        let tree = tree.trim_start_matches("::");
        if let Some(open) = tree.find('{') {
            let head: Vec<String> = tree[..open].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
            let mut p = prefix.to_vec();
            p.extend(head);
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let (mut depth, mut from) = (0, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        go(&p, &inner[from..i], out);
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            go(&p, &inner[from..], out);
        } else if !tree.is_empty() {
            let tree = tree.split('@').next().unwrap_or(tree);
            let mut p = prefix.to_vec();
            p.extend(tree.split("::").filter(|s| !s.is_empty() && *s != "self").map(str::to_owned));
            out.push(p);
        }
    }
    let mut out = Vec::new();
    go(&[], tree, &mut out);
    out
}

/// `path` (as written in the module at `module` below `http`) resolved to below
/// `http`, or `None` if it leads outside `http` or is not a module path.
fn resolve(path: &[String], module: &[String]) -> Option<Vec<String>> {
    // A file's own module path from the crate root: http, then its module (mod.rs is http).
    let mut here: Vec<String> = vec!["http".to_owned()];
    if module != ["mod"] {
        here.extend(module.iter().cloned());
    }
    let mut at = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("super") | Some("self") => here,
        _ => return None,
    };
    let mut segments = path.iter().peekable();
    if path.first().map(String::as_str) == Some("crate") {
        segments.next();
    }
    while let Some(s) = segments.peek() {
        match s.as_str() {
            "super" => {
                at.pop()?;
            }
            "self" => {}
            _ => break,
        }
        segments.next();
    }
    at.extend(segments.cloned());
    match at.split_first() {
        Some((root, below)) if root == "http" => Some(below.to_vec()),
        _ => None,
    }
}
