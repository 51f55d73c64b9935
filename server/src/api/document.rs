//! From the mounted routes to the OpenAPI 3.1 document (spec §14.9).

use std::collections::BTreeMap;

use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    AllOfBuilder, ArrayBuilder, Components, ComponentsBuilder, ContentBuilder, InfoBuilder, KnownFormat,
    LicenseBuilder, ObjectBuilder, OpenApi, OpenApiBuilder, Paths, Ref, RefOr, Required, Response, ResponseBuilder,
    Schema, SchemaFormat, Tag, Type,
};

use super::Access;
use super::access::{ANY_STATION, kind_zh, role_zh};
use super::route::Ty::{Int, Str};
use super::route::{Answer, Body, F, Route, Ty, Typed, Verb};
use super::schemas::{SCHEMAS, SHARED, TAGS};
use crate::http::support::session::SESSION_COOKIE;

/// The document of these routes.
pub fn build(routes: &[Route]) -> OpenApi {
    let mut paths = Paths::new();
    for route in routes {
        paths.add_path_operation(route.path, vec![route.verb.method()], operation(route));
    }
    let (typed, _) = derived_schemas(routes);
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("hallvote")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(INFO))
                .license(Some(LicenseBuilder::new().name("Apache-2.0").identifier(Some("Apache-2.0")).build())),
        )
        .paths(paths)
        .components(Some(components(typed)))
        .tags(Some(tags()))
        .build()
}

/// The schemas derived from the types these routes and [`SHARED`] name, by
/// component name, and the names under which two different schemas were found
/// (two types of one name, say `Created`: one would hide the other).
pub fn derived_schemas(routes: &[Route]) -> (BTreeMap<String, RefOr<Schema>>, Vec<String>) {
    let named = routes.iter().flat_map(|route| {
        let body = match route.body {
            Body::Typed(t) => Some(t),
            _ => None,
        };
        let answer = match route.answer {
            Answer::Typed(_, t) | Answer::TypedList(_, t) => Some(t),
            _ => None,
        };
        [body, answer].into_iter().flatten()
    });
    let mut typed: BTreeMap<String, RefOr<Schema>> = BTreeMap::new();
    let mut clashes = Vec::new();
    for t in SHARED.iter().copied().chain(named) {
        let mut found = vec![((t.name)().into_owned(), (t.schema)())];
        (t.refers_to)(&mut found);
        for (name, schema) in found {
            match typed.get(&name) {
                Some(known) if *known != schema => {
                    if !clashes.contains(&name) {
                        clashes.push(name);
                    }
                }
                Some(_) => {}
                None => {
                    typed.insert(name, schema);
                }
            }
        }
    }
    for (name, _) in SCHEMAS {
        if typed.contains_key(*name) {
            clashes.push((*name).to_owned());
        }
    }
    (typed, clashes)
}

const INFO: &str = "hallvote: secure electronic voting for assemblies that meet in one hall \
(党代会选举投票系统). Accounts log in with a session cookie and send the session's CSRF token \
with every request that changes something; hall stations sign each request with their \
Ed25519 key (spec §15.5). Binary values are standard base64 with padding (spec §14.2). \
Errors are `{\"error\": {\"code\", \"message\"}}` with a stable code and a message in the \
request's language (zh-CN by default, en with `Accept-Language: en` or `?lang=en` on pages).\n\n\
Every operation says who may call it, declared once where its route is mounted and checked by \
that same declaration before the handler runs (docs/adr/0018-derived-openapi.md): \
`x-hallvote-access` is `public`, `login` (any logged-in account), `roles`, `station` or \
`published-or-roles` (anyone once the poll is published, before that an account of the roles); \
`x-hallvote-roles` lists the account roles (organiser, desk, booth, scrutineer, observer) and \
`x-hallvote-station-kinds` the station kinds (desk, booth, scrutineer). The same names are the \
scopes of the operation's `session` or `station` security requirement.";

// ---------------------------------------------------------------------------
// One operation.

fn operation(route: &Route) -> Operation {
    let mut errors: Vec<(u16, &str)> = route.errors.to_vec();
    let mut op = OperationBuilder::new()
        .tag(route.tag)
        .summary(Some(route.summary))
        .description(Some(description(route)))
        .operation_id(Some(operation_id(route)));
    for p in path_parameters(route.path) {
        op = op.parameter(p);
    }
    for q in route.query {
        op = op.parameter(
            ParameterBuilder::new()
                .name(q.name)
                .parameter_in(ParameterIn::Query)
                .required(if q.required { Required::True } else { Required::False })
                .description(Some(q.doc))
                .schema(Some(schema(&q.ty, ""))),
        );
    }
    if route.path.contains("{id}") {
        errors.push((404, "not_found"));
    }
    // A path id that is not an i64 (`/api/polls/9223372036854775808`) or a query
    // that does not parse (`?per_page=x`, a parameter given twice) is refused
    // before the handler runs.
    if route.path.contains('{') || !route.query.is_empty() {
        errors.push((400, "malformed_request"));
    }
    let changes = route.verb != Verb::Get;
    let mut extensions = Extensions::default();
    extensions.insert("x-hallvote-access".into(), json!(route.access.name()));
    let role_names = |roles: &[crate::auth::Role]| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>();
    match route.access {
        Access::Public => {}
        Access::PublishedOr(roles) => {
            op = op
                .security(SecurityRequirement::default())
                .security(SecurityRequirement::new("session", role_names(roles)));
            errors.extend([(401, "unauthenticated"), (403, "forbidden"), (403, "password_change_required")]);
            extensions.insert("x-hallvote-roles".into(), json!(role_names(roles)));
        }
        Access::Login | Access::Roles(_) => {
            let mut need = SecurityRequirement::new("session", role_names(route.access.roles()));
            errors.push((401, "unauthenticated"));
            if changes {
                need = need.add("csrf", Vec::<String>::new());
                errors.push((403, "csrf_failed"));
            }
            op = op.security(need);
            if let Access::Roles(roles) = route.access {
                errors.push((403, "forbidden"));
                errors.push((403, "password_change_required"));
                extensions.insert("x-hallvote-roles".into(), json!(role_names(roles)));
            }
        }
        Access::Station(kinds) => {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            op = op.security(SecurityRequirement::new("station", names.clone()));
            for h in station_headers() {
                op = op.parameter(h);
            }
            errors.extend([
                (401, "unauthenticated"),
                (400, "station_auth_malformed"),
                (401, "unknown_station"),
                (413, "request_too_large"),
                (401, "bad_station_signature"),
                (403, "station_revoked"),
                (401, "stale_request"),
                (409, "replayed_request"),
            ]);
            if kinds.len() < ANY_STATION.len() {
                errors.push((403, "wrong_station_kind"));
            }
            extensions.insert("x-hallvote-station-kinds".into(), json!(names));
        }
    }
    match route.body {
        Body::None => {}
        Body::Json(_) | Body::Typed(_) => {
            let body = match route.body {
                Body::Typed(t) => typed_ref(t),
                _ => schema(&body_ty(route.body), ""),
            };
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content("application/json", ContentBuilder::new().schema(Some(body)).build())
                    .build(),
            ));
            errors.push((400, "malformed_request"));
            if let Access::Station(_) = route.access {
                // A station's body is read (and its size checked) with its signature.
            } else {
                errors.push((413, "request_too_large"));
                errors.push((415, "unsupported_media_type"));
            }
        }
        Body::Roster => {
            let file = || {
                ContentBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new().schema_type(Type::String).content_media_type("application/octet-stream"),
                    ))
                    .build()
            };
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .description(Some("The roster file: CSV (UTF-8 or GB 18030) or Excel (.xlsx)."))
                    .required(Some(Required::True))
                    .content("text/csv", file())
                    .content("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file())
                    .build(),
            ));
        }
        Body::Binary(form) => {
            let bytes = ContentBuilder::new()
                .schema(Some(
                    ObjectBuilder::new().schema_type(Type::String).content_media_type("application/octet-stream"),
                ))
                .build();
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .description(Some(form))
                    .required(Some(Required::True))
                    .content("application/octet-stream", bytes)
                    .build(),
            ));
        }
    }
    let (status, ok) = success(&route.answer);
    op = op.response(status.to_string(), ok);
    let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for (status, code) in errors {
        let codes = by_status.entry(status).or_default();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    // Any request may be rate-limited (429) or fail inside (500): the shared answers,
    // unless the route has its own refusals with that status.
    for (status, name, code) in [(429, "RateLimited", "rate_limited"), (500, "Internal", "internal")] {
        match by_status.get_mut(&status) {
            Some(codes) => codes.push(code),
            None => op = op.response(status.to_string(), RefOr::Ref(Ref::from_response_name(name))),
        }
    }
    for (status, codes) in by_status {
        let page = route.page_refusals.contains(&status);
        op = op.response(status.to_string(), error_response(&codes, page));
    }
    if !extensions.is_empty() {
        op = op.extensions(Some(extensions));
    }
    op.build()
}

/// `post_api_polls_id_open`.
fn operation_id(route: &Route) -> String {
    let mut id = route.verb.name().to_owned();
    for part in route.path.split(['/', '.', '-']).filter(|p| !p.is_empty()) {
        id.push('_');
        id.push_str(part.trim_start_matches('{').trim_end_matches('}'));
    }
    if route.path == "/" {
        id.push_str("_console");
    }
    id
}

fn description(route: &Route) -> String {
    let mut text = route.zh.to_owned();
    if !route.doc.is_empty() {
        text.push_str("\n\n");
        text.push_str(route.doc);
    }
    text.push_str("\n\n**Who may call it / 调用者:** ");
    match route.access {
        Access::Public => text.push_str("anyone, without a login (公开，无需登录)."),
        Access::PublishedOr(roles) => {
            let names: Vec<String> = roles.iter().map(|r| format!("{} ({})", r.as_str(), role_zh(*r))).collect();
            text.push_str(&format!(
                "anyone once the poll is published (公布后公开); while it is tallied, a logged-in account of role {}.",
                names.join(", ")
            ));
        }
        Access::Login => text.push_str(
            "any logged-in account (任何已登录账户), even one that must still replace its one-time password.",
        ),
        Access::Roles(roles) => {
            let names: Vec<String> = roles.iter().map(|r| format!("{} ({})", r.as_str(), role_zh(*r))).collect();
            text.push_str(&format!("a logged-in account of role {}", names.join(", ")));
            text.push('.');
        }
        Access::Station(kinds) => {
            let names: Vec<String> = kinds.iter().map(|k| format!("{} ({})", k.as_str(), kind_zh(*k))).collect();
            text.push_str(&format!(
                "an enrolled station of kind {}, with a signed request (spec §15.5: headers \
                 `X-Hallvote-Station`, `X-Hallvote-Timestamp`, `X-Hallvote-Nonce`, `X-Hallvote-Signature`).",
                names.join(", ")
            ));
        }
    }
    if matches!(route.access, Access::Login | Access::Roles(_)) && route.verb != Verb::Get {
        text.push_str(" The request carries the session's CSRF token in `X-CSRF-Token`.");
    }
    text
}

/// The parameters named in a path, `{id}` an integer row id and the rest strings.
fn path_parameters(path: &str) -> Vec<Parameter> {
    let parts: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else { continue };
        let of = i.checked_sub(1).and_then(|j| parts.get(j)).copied().unwrap_or_default();
        let (doc, ty) = match name {
            "id" => (
                match of {
                    "congresses" => "The congress's id.",
                    "sessions" => "The session's id.",
                    "polls" => "The poll's id.",
                    "stations" => "The station's id.",
                    _ => "The id.",
                },
                Int,
            ),
            "card" => ("The delegate's card number (代表证号).", Str),
            "tracking" => ("The tracking code, XXXX-XXXX-XXXX-XXXX (追踪码).", Str),
            "serial" => ("A credential's serial (spec §6.5), 64 lowercase hex digits.", Str),
            "file" => ("The file's name, as a page names it (`board.js`, `console.css`, …).", Str),
            _ => ("", Str),
        };
        out.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(doc))
                .schema(Some(schema(&ty, "")))
                .build(),
        );
    }
    out
}

/// The four headers of a signed station request (spec §15.5.1).
fn station_headers() -> Vec<Parameter> {
    [
        ("X-Hallvote-Station", "The station id in decimal.", "^[1-9][0-9]*$"),
        ("X-Hallvote-Timestamp", "The station's clock in Unix seconds, decimal.", "^(0|[1-9][0-9]*)$"),
        ("X-Hallvote-Nonce", "16 random bytes as 32 lowercase hex digits, fresh for every request.", "^[0-9a-f]{32}$"),
        ("X-Hallvote-Signature", "The Ed25519 signature of spec §15.5.2, 128 lowercase hex digits.", "^[0-9a-f]{128}$"),
    ]
    .into_iter()
    .map(|(name, doc, pattern)| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(doc))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern))))
            .build()
    })
    .collect()
}

fn success(answer: &Answer) -> (u16, Response) {
    let with = |status: u16, what: &str, media: &str, schema: RefOr<Schema>| {
        (
            status,
            ResponseBuilder::new()
                .description(what)
                .content(media, ContentBuilder::new().schema(Some(schema)).build())
                .build(),
        )
    };
    let bytes = || ObjectBuilder::new().schema_type(Type::String).content_media_type("application/octet-stream").into();
    match answer {
        Answer::Typed(status, t) => {
            with(*status, if *status == 201 { "Created." } else { "OK." }, "application/json", typed_ref(*t))
        }
        Answer::TypedList(status, t) => with(
            *status,
            if *status == 201 { "Created." } else { "OK." },
            "application/json",
            ArrayBuilder::new().items(typed_ref(*t)).into(),
        ),
        Answer::Json(status, ty) => {
            with(*status, if *status == 201 { "Created." } else { "OK." }, "application/json", schema(ty, ""))
        }
        Answer::Empty(status) => (
            *status,
            ResponseBuilder::new().description(if *status == 201 { "Created." } else { "Done; no body." }).build(),
        ),
        Answer::Html => with(
            200,
            "The page, in the request's language.",
            "text/html; charset=utf-8",
            ObjectBuilder::new().schema_type(Type::String).into(),
        ),
        Answer::File(media, what) => with(200, what, media, bytes()),
        Answer::Events(ty) => with(
            200,
            "A stream of server-sent events named `figures`, whose data is this JSON.",
            "text/event-stream",
            event_schema(ty),
        ),
    }
}

/// One server-sent event (the schema describes each event of the stream, as
/// OpenAPI 3.2's `itemSchema` does): its name, and its `data`, a JSON text of `ty`.
fn event_schema(ty: &Ty) -> RefOr<Schema> {
    let data = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("The event's JSON."))
        .content_media_type("application/json")
        .extensions(Some(Extensions::from_iter([("contentSchema", json!(schema(ty, "")))])));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("event", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["figures"])))
        .property("data", data)
        .required("data")
        .into()
}

/// A refusal in the error schema; with `page`, also the page itself (HTML) saying why.
fn error_response(codes: &[&str], page: bool) -> Response {
    let list: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
    let mut response = ResponseBuilder::new()
        .description(format!("Refused: {}.", list.join(", ")))
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Error"))).build());
    if page {
        response = response.content(
            "text/html; charset=utf-8",
            ContentBuilder::new().schema(Some(ObjectBuilder::new().schema_type(Type::String))).build(),
        );
    }
    response.extensions(Some(Extensions::from_iter([("x-hallvote-error-codes", json!(codes))]))).build()
}

/// A reference to a type's derived schema in `components.schemas`.
fn typed_ref(t: Typed) -> RefOr<Schema> {
    Ref::from_schema_name((t.name)()).into()
}

/// The hand description of a JSON body (any object for another kind of body).
fn body_ty(body: Body) -> Ty {
    match body {
        Body::Json(ty) => ty,
        Body::None | Body::Typed(_) | Body::Roster | Body::Binary(_) => Ty::AnyObject,
    }
}

fn schema(ty: &Ty, doc: &str) -> RefOr<Schema> {
    let doc = (!doc.is_empty()).then_some(doc);
    let plain = |t: Type| ObjectBuilder::new().schema_type(t).description(doc);
    match ty {
        Ty::Str => plain(Type::String).into(),
        Ty::Int => plain(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))).into(),
        Ty::IntOrNull => ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .description(doc)
            .into(),
        Ty::Bool => plain(Type::Boolean).into(),
        Ty::B64 => plain(Type::String).content_encoding("base64").into(),
        Ty::Hex => plain(Type::String).pattern(Some("^[0-9a-f]*$")).into(),
        Ty::Enum(values) => plain(Type::String).enum_values(Some(values.iter().copied())).into(),
        Ty::Arr(item) => ArrayBuilder::new().items(schema(item, "")).description(doc).into(),
        Ty::Obj(fields) => object(fields).description(doc).into(),
        Ty::Ref(name) => match doc {
            None => Ref::from_schema_name(*name).into(),
            Some(d) => Ref::builder().ref_location_from_schema_name(*name).description(Some(d)).into(),
        },
        Ty::Extends(name, fields) => {
            AllOfBuilder::new().item(Ref::from_schema_name(*name)).item(object(fields)).description(doc).into()
        }
        Ty::AnyObject => plain(Type::Object).into(),
    }
}

fn object(fields: &[F]) -> ObjectBuilder {
    let mut b = ObjectBuilder::new().schema_type(Type::Object);
    for field in fields {
        b = b.property(field.name, schema(&field.ty, field.doc));
        if field.required {
            b = b.required(field.name);
        }
    }
    b
}

/// The shared schemas: those described by hand, then those derived from the types
/// the routes name.
fn components(typed: BTreeMap<String, RefOr<Schema>>) -> Components {
    let mut c = ComponentsBuilder::new();
    for (name, fields) in SCHEMAS {
        c = c.schema(*name, object(fields));
    }
    for (name, schema) in typed {
        c = c.schema(name, schema);
    }
    c.security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "The session cookie set by `POST /api/login` (会话 Cookie). Each endpoint names the roles it allows: \
             organiser (会务组), desk (报到处), booth (投票机), scrutineer (监票人), observer (观察员).",
        ))),
    )
    .security_scheme(
        "csrf",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "The session's CSRF token, from the answer to `POST /api/login`, on every request that changes \
             something (防跨站请求伪造令牌).",
        ))),
    )
    .security_scheme(
        "station",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Hallvote-Signature",
            "A hall station's signed request (终端签名请求, spec §15.5): the headers `X-Hallvote-Station` \
             (station id), `X-Hallvote-Timestamp` (Unix seconds), `X-Hallvote-Nonce` (32 hex digits, fresh \
             for each request) and `X-Hallvote-Signature` (128 hex digits: Ed25519 under \
             `hallvote/sig/station-request/v1` over the station id, method, path and query, time, nonce \
             and SHA-256 of the body). Each endpoint names the station kinds it allows: desk (报到处), \
             booth (投票机), scrutineer (监票人终端).",
        ))),
    )
    .response("RateLimited", error_response(&["rate_limited"], false))
    .response("Internal", error_response(&["internal"], false))
    .build()
}

fn tags() -> Vec<Tag> {
    TAGS.iter().map(|(name, doc)| TagBuilder::new().name(*name).description(Some(*doc)).build()).collect()
}
