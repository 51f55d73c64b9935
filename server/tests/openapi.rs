//! `GET /api/openapi.json` (spec §14.9): the document is OpenAPI 3.1 JSON and names
//! exactly the routes the router serves. Routes are mounted through
//! `hallvote_server::api::Api`, which records each route's operation as it mounts it,
//! so the document has them by construction; this test checks that, and that nothing
//! in `src/http` mounts a route around it. Also: who may call each route, and every
//! error code the handlers answer with is in the document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use axum::http::{Method, StatusCode};
use common::{call, setup, sqlite};
use serde_json::Value;

/// The methods axum's `routing` functions are named after.
const METHODS: [&str; 8] = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The source of a file without its test module and without comment lines.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The files of `src/http` whose routers the application merges, and `mod.rs`.
fn router_files() -> Vec<PathBuf> {
    let dir = src().join("http");
    let app = code_of(&dir.join("mod.rs"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_str().unwrap();
            stem == "mod" || app.contains(&format!(".merge({stem}::router())"))
        })
        .collect();
    files.sort();
    files
}

/// The end (exclusive) of the string literal starting at `start` (a `"`).
fn literal_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    i + 1
}

/// Every route the application mounts, as (method, path).
fn served() -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for route in hallvote_server::http::api().routes() {
        let route = (route.verb.name().to_owned(), route.path.to_owned());
        assert!(all.insert(route.clone()), "{route:?} is mounted twice");
    }
    all
}

/// Every `.rs` file under `dir`.
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

/// Error codes the handlers construct: `StatusCode::X, "code"` and `conflict("code"` /
/// `invalid("code"` (the helpers of http/support/errors.rs), where the code is a
/// literal; in the handlers, what they share (`http/support/`) and the poll's rules
/// (`poll/`) they call.
fn error_codes_in_source() -> BTreeSet<String> {
    let mut files = router_files();
    files.extend(
        ["http/extract.rs", "http/station_auth.rs", "http/auth.rs", "http/limits.rs", "error.rs"]
            .map(|f| src().join(f)),
    );
    for dir in ["http/support", "poll"] {
        let mut more: Vec<PathBuf> = std::fs::read_dir(src().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        more.sort();
        files.extend(more);
    }
    let mut codes = BTreeSet::new();
    for file in files {
        let code = code_of(&file);
        let bytes = code.as_bytes();
        for (at, _) in code
            .match_indices("StatusCode::")
            .chain(code.match_indices("conflict("))
            .chain(code.match_indices("invalid("))
        {
            let mut i = at + code[at..].find(['(', ':']).unwrap() + 1;
            if code[at..].starts_with("StatusCode::") {
                i = at + "StatusCode::".len();
                while bytes[i].is_ascii_uppercase() || bytes[i] == b'_' {
                    i += 1;
                }
                if bytes[i] != b',' {
                    continue;
                }
                i += 1;
            }
            while bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if bytes[i] != b'"' {
                continue;
            }
            let lit = &code[i + 1..literal_end(bytes, i) - 1];
            if !lit.is_empty() && lit.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                codes.insert(lit.to_owned());
            }
        }
    }
    codes
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_owned(), path.clone()));
            }
        }
    }
    out
}

/// Calls `f` on every JSON object in `v`.
fn walk<'a>(v: &'a Value, f: &mut impl FnMut(&'a serde_json::Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            f(map);
            map.values().for_each(|x| walk(x, f));
        }
        Value::Array(items) => items.iter().for_each(|x| walk(x, f)),
        _ => {}
    }
}

async fn the_document() -> Value {
    let (store, _dir) = sqlite().await;
    let (app, _) = setup(store).await;
    let (status, doc, _) = call(&app, Method::GET, "/api/openapi.json", None, None, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    doc
}

#[tokio::test]
async fn the_document_names_exactly_the_routes_the_router_serves() {
    let doc = the_document().await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    assert_eq!(doc["info"]["title"], "hallvote");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));

    let served = served();
    assert!(served.len() > 60, "the application mounts only {} routes: {served:?}", served.len());
    assert!(served.contains(&("get".into(), "/api/openapi.json".into())));
    assert!(served.contains(&("put".into(), "/api/congresses/{id}/roster".into())));
    let documented = documented(&doc);
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(undocumented.is_empty(), "mounted routes missing from the document: {undocumented:?}");
    let extra: Vec<_> = documented.difference(&served).collect();
    assert!(extra.is_empty(), "the document names routes the router does not serve: {extra:?}");
}

/// The document has every route by construction only if every route is mounted
/// through `Api::mount`: no module of `src/http` (pages included) uses axum's
/// router to add a route, a nested router, a service or a fallback, and `mod.rs`
/// serves what `api()` mounted.
#[test]
fn nothing_in_src_http_mounts_a_route_around_the_api() {
    let files = rust_files(&src().join("http"));
    assert!(files.len() > 20, "src/http was not read: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let code = code_of(file);
        for call in [
            ".route(",
            ".route_service(",
            ".nest(",
            ".nest_service(",
            ".fallback(",
            ".fallback_service(",
            "Router::new",
        ] {
            if code.contains(call) {
                found.push(format!("{}: {call}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "routes mounted outside hallvote_server::api::Api: {found:?}");
    let app = code_of(&src().join("http/mod.rs"));
    assert!(app.contains("api()\n        .into_router()"), "http::router serves api()'s routes");
    // The one place a route meets axum's router.
    let api = code_of(&src().join("api/mod.rs"));
    assert_eq!(api.matches(".route(").count(), 1, "Api::mount is the one call of Router::route");
}

#[tokio::test]
async fn every_operation_says_who_may_call_it_and_how_it_answers() {
    let doc = the_document().await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["csrf"]["in"], "header");
    assert_eq!(schemes["station"]["in"], "header");
    for header in ["X-Hallvote-Station", "X-Hallvote-Timestamp", "X-Hallvote-Nonce", "X-Hallvote-Signature"] {
        assert!(schemes["station"]["description"].as_str().unwrap().contains(header), "{header}");
    }
    let error = &doc["components"]["schemas"]["Error"]["properties"]["error"];
    let error = error["$ref"].as_str().map_or(error, |r| doc.pointer(r.strip_prefix('#').unwrap()).expect(r));
    assert!(error["properties"]["code"].is_object(), "{error}");
    assert!(error["required"].as_array().unwrap().contains(&Value::from("message")), "{error}");

    for (method, path) in documented(&doc) {
        let op = &doc["paths"][&path][&method];
        let what = format!("{method} {path}");
        assert!(!op["summary"].as_str().unwrap_or_default().is_empty(), "{what}: no summary");
        let description = op["description"].as_str().unwrap_or_default();
        assert!(description.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: no zh-CN words");
        assert!(description.contains("Who may call it"), "{what}: does not say who may call it");
        assert_eq!(op["tags"].as_array().map(Vec::len), Some(1), "{what}: one tag");

        let responses = op["responses"].as_object().unwrap();
        assert!(responses.keys().any(|s| s.starts_with('2')), "{what}: no success answer");
        for (status, response) in responses {
            let response = match response["$ref"].as_str() {
                Some(r) => doc.pointer(r.strip_prefix('#').unwrap()).expect(r),
                None => response,
            };
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/Error", "{what} {status}");
                assert!(!response["x-hallvote-error-codes"].as_array().unwrap().is_empty(), "{what} {status}");
            }
        }

        let security: Vec<&Value> = op["security"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
        let station = security.iter().any(|s| s.get("station").is_some());
        let session = security.iter().any(|s| s.get("session").is_some());
        if path.starts_with("/api/station/") || path == "/api/stations/whoami" {
            assert!(station && security.len() == 1, "{what}: a station request");
            assert!(op["x-hallvote-station-kinds"].as_array().is_some_and(|k| !k.is_empty()), "{what}");
            let headers: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "header")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(headers.len(), 4, "{what}: the four station headers");
        } else {
            assert!(!station, "{what}: not a station request");
        }
        if session && method != "get" {
            assert!(security.iter().any(|s| s.get("csrf").is_some()), "{what}: changes something, so needs CSRF");
        }
        if ["/healthz", "/api/login", "/api/stations/enrol", "/api/openapi.json", "/api/polls/{id}/board"]
            .contains(&path.as_str())
        {
            assert!(security.is_empty(), "{what}: public");
        }
        if ["/api/polls/{id}/open", "/api/stations/enrolments", "/api/audit"].contains(&path.as_str()) {
            assert!(session, "{what}: needs a login");
            assert!(op["x-hallvote-roles"].as_array().unwrap().contains(&Value::from("organiser")), "{what}");
        }
        for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path") {
            let name = p["name"].as_str().unwrap();
            assert!(path.contains(&format!("{{{name}}}")), "{what}: parameter {name} is not in the path");
        }
        let in_path = path.matches('{').count();
        let declared = op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path").count();
        assert_eq!(in_path, declared, "{what}: every path parameter declared");
    }

    // Every reference points into the document.
    let mut refs = Vec::new();
    walk(&doc, &mut |map| {
        if let Some(Value::String(r)) = map.get("$ref") {
            refs.push(r.clone());
        }
    });
    assert!(!refs.is_empty());
    for r in refs {
        let pointer = r.strip_prefix('#').unwrap();
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }
}

#[tokio::test]
async fn every_error_code_the_handlers_answer_with_is_documented() {
    let doc = the_document().await;
    let mut documented = BTreeSet::new();
    walk(&doc, &mut |map| {
        if let Some(Value::Array(codes)) = map.get("x-hallvote-error-codes") {
            documented.extend(codes.iter().map(|c| c.as_str().unwrap().to_owned()));
        }
    });
    let in_source = error_codes_in_source();
    for expected in [
        "poll_wrong_state",
        "credential_already_spent",
        "replayed_request",
        "rate_limited",
        "internal",
        "not_an_officer",
        "key_check_pending",
        "already_issued",
    ] {
        assert!(in_source.contains(expected), "the source scan missed {expected}: {in_source:?}");
    }
    let missing: Vec<_> = in_source.difference(&documented).collect();
    assert!(missing.is_empty(), "error codes the handlers use but no route's refusals name: {missing:?}");
}

/// schemathesis (issue 14): a path id beyond i64 or a query given twice is refused
/// with 400 `malformed_request` in the error schema, and the document says so for
/// every operation with a path parameter or a query.
#[tokio::test]
async fn an_unparseable_path_or_query_is_a_documented_400() {
    let doc = the_document().await;
    for (method, path) in documented(&doc) {
        let op = &doc["paths"][&path][&method];
        let has_query = op["parameters"].as_array().into_iter().flatten().any(|p| p["in"] == "query");
        if !path.contains('{') && !has_query {
            continue;
        }
        let codes = &op["responses"]["400"]["x-hallvote-error-codes"];
        assert!(
            codes.as_array().is_some_and(|c| c.contains(&Value::from("malformed_request"))),
            "{method} {path}: 400 malformed_request is not documented"
        );
    }
    let (store, _dir) = sqlite().await;
    let (app, _) = setup(store).await;
    for uri in [
        "/api/polls/9223372036854775808/board",
        "/api/sessions/-9223372036854775809/figures",
        "/polls/-9223372036854775808/board/list?per_page=null&per_page=null",
        "/polls/-9223372036854775808/sheet?lang=null&lang=null",
    ] {
        let (status, body, _) = call(&app, Method::GET, uri, None, None, "en").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["code"], "malformed_request", "{uri}: {body}");
    }
}

/// schemathesis (issue 14): the public pages answer a bad query with the page itself
/// (HTML, the reason on it), and the document says so beside the error schema.
#[tokio::test]
async fn a_page_that_shows_its_own_refusal_is_documented_as_html() {
    let doc = the_document().await;
    for path in ["/polls/{id}/board", "/polls/{id}/board/list"] {
        for status in ["400", "404"] {
            let content = &doc["paths"][path]["get"]["responses"][status]["content"];
            assert!(content["text/html; charset=utf-8"].is_object(), "{path} {status}: {content}");
            assert!(content["application/json"].is_object(), "{path} {status}: {content}");
        }
    }
    // Routes that do not answer errors as pages keep the error schema alone.
    let content = &doc["paths"]["/api/polls/{id}/board/entries"]["get"]["responses"]["400"]["content"];
    assert!(content.get("text/html; charset=utf-8").is_none(), "{content}");
}

/// schemathesis (issue 14): the hall display's stream is described event by event,
/// its `data` a JSON text of the figures (as OpenAPI 3.2's `itemSchema`), not as if
/// the event were the figures.
#[tokio::test]
async fn the_display_stream_is_described_per_event() {
    let doc = the_document().await;
    let schema =
        &doc["paths"]["/api/sessions/{id}/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]["schema"];
    assert_eq!(schema["type"], "object", "{schema}");
    assert_eq!(schema["properties"]["event"]["enum"][0], "figures", "{schema}");
    let data = &schema["properties"]["data"];
    assert_eq!(data["type"], "string", "{schema}");
    assert_eq!(data["contentMediaType"], "application/json", "{schema}");
    assert_eq!(data["contentSchema"]["$ref"], "#/components/schemas/Figures", "{schema}");
}

/// Answers are described by their wire types: two types of one name (`Created` of
/// accounts and of polls) would share one entry of `components.schemas`, the
/// document showing one for the other, and a hand description left beside a derived
/// one of the same name would be overwritten.
#[tokio::test]
async fn every_schema_name_is_one_types() {
    assert_eq!(hallvote_server::http::api().schema_clashes(), Vec::<String>::new());
    let doc = the_document().await;
    let answer = |path: &str, method: &str, status: &str| {
        doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
    };
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    assert_eq!(answer("/api/accounts", "post", "201")["$ref"], "#/components/schemas/AccountCreated");
    assert_eq!(answer("/api/polls/{id}/follow-up", "post", "201")["$ref"], "#/components/schemas/PollCreated");
    assert!(schema("PollCreated")["required"].as_array().unwrap().contains(&Value::from("state")));
    assert!(schema("AccountCreated").to_string().contains("one_time_password"));
    // A list answer is an array of the type's schema.
    let list = answer("/api/sessions/{id}/polls", "get", "200");
    assert_eq!(
        (list["type"].as_str(), list["items"]["$ref"].as_str()),
        (Some("array"), Some("#/components/schemas/PollView"))
    );
    // The roster import's answer, with its problems' codes.
    assert_eq!(answer("/api/congresses/{id}/roster", "put", "200")["$ref"], "#/components/schemas/RosterImported");
    let codes = schema("RowProblemCode")["enum"].clone();
    assert!(codes.as_array().unwrap().contains(&Value::from("duplicate_card")), "{codes}");
    assert_eq!(answer("/api/poll-templates", "get", "200")["$ref"], "#/components/schemas/PollTemplates");
    assert_eq!(schema("PollTemplates")["properties"]["motion"]["$ref"], "#/components/schemas/PollDefinition");
    // The status a poll's transitions answer keeps its name.
    assert_eq!(answer("/api/polls/{id}/open", "post", "200")["$ref"], "#/components/schemas/PollStatus");
}
