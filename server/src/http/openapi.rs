//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the HTTP API (spec §14.9).
//!
//! The document is built with utoipa's builders from one table, [`ROUTES`]: an
//! entry per route the router serves, with who may call it, its request body, its
//! answer and the error codes it refuses with. `server/tests/openapi.rs` reads the
//! routers' source and fails when a route is missing from the table or the table
//! names one the router does not serve, so a new endpoint cannot go undocumented.
//! Public: no login, no station signature, and no UI (nothing to download at build
//! time).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    AllOfBuilder, ArrayBuilder, Components, ComponentsBuilder, ContentBuilder, HttpMethod, InfoBuilder, KnownFormat,
    LicenseBuilder, ObjectBuilder, OpenApi, OpenApiBuilder, Paths, Ref, RefOr, Required, Response, ResponseBuilder,
    Schema, SchemaFormat, Tag, Type,
};

use super::AppState;
use super::support::session::SESSION_COOKIE;
use crate::auth::Role;
use crate::stations_protocol::StationKind;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(serve))
}

/// The document, built once.
static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(document);

async fn serve() -> Json<&'static OpenApi> {
    Json(&*DOCUMENT)
}

/// The OpenAPI document of every route in [`ROUTES`].
pub fn document() -> OpenApi {
    let mut paths = Paths::new();
    for route in ROUTES {
        paths.add_path_operation(route.path, vec![route.verb.method()], operation(route));
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("hallvote")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(INFO))
                .license(Some(LicenseBuilder::new().name("Apache-2.0").identifier(Some("Apache-2.0")).build())),
        )
        .paths(paths)
        .components(Some(components()))
        .tags(Some(tags()))
        .build()
}

const INFO: &str = "hallvote: secure electronic voting for assemblies that meet in one hall \
(党代会选举投票系统). Accounts log in with a session cookie and send the session's CSRF token \
with every request that changes something; hall stations sign each request with their \
Ed25519 key (spec §15.5). Binary values are standard base64 with padding (spec §14.2). \
Errors are `{\"error\": {\"code\", \"message\"}}` with a stable code and a message in the \
request's language (zh-CN by default, en with `Accept-Language: en` or `?lang=en` on pages).";

// ---------------------------------------------------------------------------
// The table.

/// An HTTP method a route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
    Put,
}

impl Verb {
    fn method(self) -> HttpMethod {
        match self {
            Verb::Get => HttpMethod::Get,
            Verb::Post => HttpMethod::Post,
            Verb::Put => HttpMethod::Put,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
        }
    }
}

/// Who may call a route.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// Anyone, without a login.
    Public,
    /// Any logged-in account, even one that must still replace its one-time password.
    Login,
    /// A logged-in account of one of these roles (and no one-time password left).
    Roles(&'static [Role]),
    /// A signed request (spec §15.5) of an enrolled, unrevoked station of one of these kinds.
    Station(&'static [StationKind]),
    /// Anyone once the poll is published; before, while it is tallied, a logged-in
    /// account of one of these roles.
    PublishedOr(&'static [Role]),
}

/// Every station kind.
const ANY_STATION: &[StationKind] = &[StationKind::Desk, StationKind::Booth, StationKind::Scrutineer];
const DATABASES: &[&str] = &["sqlite", "postgres"];
const SCRUTINEER: &[StationKind] = &[StationKind::Scrutineer];
const ORGANISER: &[Role] = &[Role::Organiser];
/// Who may read the roll, the congresses and their sessions.
const ROLL_READERS: &[Role] = &[Role::Organiser, Role::Desk, Role::Observer];
/// Who may read a result sheet before it is published.
const SHEET_READERS: &[Role] = &[Role::Organiser, Role::Scrutineer, Role::Observer];
const LANG_DOC: &str = "The page's language, remembered in a cookie.";
/// The query of the board's list as JSON.
const BOARD_ENTRIES_QUERY: &[F] =
    &[o("page", Int, "From 1; default 1."), o("per_page", Int, "Entries a page, 1 to 200; default 50.")];
/// The query of the board's list page.
const BOARD_LIST_QUERY: &[F] = &[
    o("page", Int, "From 1; default 1."),
    o("per_page", Int, "Entries a page, 1 to 200; default 50."),
    o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC),
];
/// The query of a server-rendered page.
const LANG: &[F] = &[o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC)];

/// The type of a JSON value.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Str,
    Int,
    /// An integer, or `null` (not yet known).
    IntOrNull,
    Bool,
    /// Standard base64 with padding (spec §14.2).
    B64,
    /// Lowercase hex digits.
    Hex,
    Enum(&'static [&'static str]),
    Arr(&'static Ty),
    Obj(&'static [F]),
    /// A schema of `components.schemas`.
    Ref(&'static str),
    /// A schema of `components.schemas` with more fields.
    Extends(&'static str, &'static [F]),
    /// Any JSON object (described in words).
    AnyObject,
}

/// A field of a JSON object.
#[derive(Clone, Copy, Debug)]
struct F {
    name: &'static str,
    ty: Ty,
    required: bool,
    doc: &'static str,
}

/// A field that is always present.
const fn f(name: &'static str, ty: Ty, doc: &'static str) -> F {
    F { name, ty, required: true, doc }
}

/// A field that may be left out.
const fn o(name: &'static str, ty: Ty, doc: &'static str) -> F {
    F { name, ty, required: false, doc }
}

/// What a route takes.
#[derive(Clone, Copy, Debug)]
enum Body {
    None,
    /// A JSON value (`application/json`).
    Json(Ty),
    /// A roster file: CSV or Excel.
    Roster,
}

/// What a route answers on success.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// JSON with this status.
    Json(u16, Ty),
    /// This status and no body.
    Empty(u16),
    /// A page.
    Html,
    /// A file of this media type, described.
    File(&'static str, &'static str),
    /// Server-sent events whose data is this JSON.
    Events(Ty),
}

/// One route of the router.
#[derive(Clone, Copy, Debug)]
struct Route {
    verb: Verb,
    path: &'static str,
    tag: &'static str,
    who: Who,
    summary: &'static str,
    /// The summary in zh-CN, and more if needed.
    zh: &'static str,
    /// More in English (may be empty).
    doc: &'static str,
    body: Body,
    query: &'static [F],
    answer: Answer,
    /// Refusals particular to this route, as (status, code); those of its kind of
    /// caller, body and path are added by [`operation`].
    errors: &'static [(u16, &'static str)],
    /// Statuses a page answers with itself, the reason shown on the page (HTML), as
    /// well as in the error schema when the request is refused before the page.
    page_refusals: &'static [u16],
}

/// A route of the router, with nothing said about it yet.
const fn at(verb: Verb, path: &'static str, tag: &'static str, who: Who) -> Route {
    Route {
        verb,
        path,
        tag,
        who,
        summary: "",
        zh: "",
        doc: "",
        body: Body::None,
        query: &[],
        answer: Answer::Empty(204),
        errors: &[],
        page_refusals: &[],
    }
}

impl Route {
    /// Its summary in English and in zh-CN.
    const fn says(self, summary: &'static str, zh: &'static str) -> Route {
        Route { summary, zh, ..self }
    }

    /// More about it, in English.
    const fn more(self, doc: &'static str) -> Route {
        Route { doc, ..self }
    }

    /// It takes a JSON body.
    const fn takes(self, ty: Ty) -> Route {
        Route { body: Body::Json(ty), ..self }
    }

    /// It takes a roster file.
    const fn takes_roster(self) -> Route {
        Route { body: Body::Roster, ..self }
    }

    /// Its query parameters.
    const fn query(self, query: &'static [F]) -> Route {
        Route { query, ..self }
    }

    /// What it answers on success.
    const fn answers(self, answer: Answer) -> Route {
        Route { answer, ..self }
    }

    /// It answers JSON with this status.
    const fn answers_json(self, status: u16, ty: Ty) -> Route {
        Route { answer: Answer::Json(status, ty), ..self }
    }

    /// Its own refusals.
    const fn refuses(self, errors: &'static [(u16, &'static str)]) -> Route {
        Route { errors, ..self }
    }

    /// The page answers these statuses itself, as HTML.
    const fn shows_refusals(self, page_refusals: &'static [u16]) -> Route {
        Route { page_refusals, ..self }
    }
}

use Answer::{Empty, Html};
use Ty::{B64, Bool, Hex, Int, IntOrNull, Str};
use Verb::{Get, Post, Put};

/// The tags, in the order a reader meets them, each in English and zh-CN.
const TAGS: &[(&str, &str)] = &[
    ("health", "Is the server up. 服务器状态。"),
    ("public", "Pages and documents anyone may read. 公开页面与数据。"),
    ("accounts", "Log in, log out, passwords. 账户与登录。"),
    ("audit", "The organisers' audit log (spec §14.1). 操作日志。"),
    ("congress", "Congresses, sessions and attendance. 代表大会、会议与出席。"),
    ("roster", "The roll of delegates, exclusions and delegate cards. 代表名册、核减与代表证。"),
    ("desk", "Check-in and departure (报到处). 报到与离场。"),
    ("display", "The hall display (大屏幕). 会场大屏幕。"),
    ("stations", "Hall stations: enrolment and revocation (spec §15). 会场终端的登记与注销。"),
    ("polls", "Poll definitions. 投票定义。"),
    ("ceremony", "Officers and the scrutineers' key ceremony (spec §5, §14.3). 监票人与密钥生成。"),
    ("voting", "Issuing credentials, ballots, casting and challenging (spec §14.7). 发放凭证、投票与核验。"),
    (
        "results",
        "Open, close, decryption, tally, signatures, publication (spec §14.8). 开始、结束、解密、计票、签名与公布。",
    ),
];

// Shared schemas (components.schemas).

const ERROR: &[F] = &[f(
    "error",
    Ty::Obj(&[
        f("code", Str, "Stable machine-readable code, e.g. `poll_wrong_state`."),
        f("message", Str, "For a person, in the request's language (zh-CN by default, en)."),
    ]),
    "",
)];
const SESSION_INFO: &[F] = &[
    f("username", Str, ""),
    f("display_name", Str, ""),
    f("role", Ty::Enum(&["organiser", "desk", "booth", "scrutineer", "observer"]), ""),
    f("must_change_password", Bool, "The account must replace its one-time password before anything else."),
    o(
        "csrf_token",
        Hex,
        "Only in the answer to a login: send it as `X-CSRF-Token` with every request that changes something.",
    ),
];
const CONGRESS: &[F] = &[
    f("id", Int, ""),
    f("name", Str, "中国共产党青山镇第十五届代表大会"),
    f("number", Int, "届次, 1–999."),
    f("term_years", Int, "任期, 1–10 years."),
];
const SESSION: &[F] = &[
    f("id", Int, ""),
    f("congress_id", Int, ""),
    f("number", Int, "第几次会议, 1–99."),
    f("place", Str, ""),
    f("date", Str, ""),
    f("ruleset", Str, "The counting rules, e.g. `township-2020`."),
];
const DELEGATE: &[F] = &[
    f("id", Int, ""),
    f("card", Str, "代表证号."),
    f("seq", Str, "序号."),
    f("name", Str, ""),
    f("gender", Str, ""),
    f("ethnicity", Str, ""),
    f("group", Str, "代表团."),
    f("unit", Str, "单位."),
    f("status", Str, "`active`, or why the delegate is no longer one."),
];
const MOVEMENT: &[F] = &[
    f("card", Str, ""),
    f("name", Str, ""),
    f("group", Str, ""),
    f("status", Ty::Enum(&["checked_in", "already_present", "departed", "not_present"]), ""),
];
const FIGURES: &[F] = &[
    f("session", Str, "中国共产党青山镇第十五届代表大会第三次会议"),
    f("expected", Int, "应到."),
    f("present", Int, "实到."),
    f("quorum_met", Bool, "Whether the quorum of the session's ruleset is met."),
    f("polls", Ty::Arr(&Ty::Arr(&Str)), "Each poll as `[name, state]`."),
    f(
        "turnout",
        Ty::Arr(&Ty::Obj(&[
            f("poll", Str, ""),
            f("state", Ty::Enum(&["open", "closed", "tallied"]), ""),
            f("issued", Int, "发出选票."),
            f("cast", Int, "收回选票 (spoiled ones not counted)."),
        ])),
        "Ballots issued and cast in the polls being voted on or counted.",
    ),
    f(
        "results",
        Ty::Arr(&Ty::Obj(&[
            f("poll", Str, ""),
            f("charts", Str, "`<figure>`s with an `<svg>` each, every text escaped: markup to insert as it is."),
        ])),
        "The published polls' results as bar charts, newest first.",
    ),
];
const ATTENDANCE: &[F] =
    &[f("expected", Int, "应到."), f("present", Int, "实到."), f("quorum_met", Bool, ""), f("ruleset", Str, "")];
const POLL_DEFINITION: &[F] = &[
    f("name", Str, "选举镇党委委员"),
    f(
        "contests",
        Ty::Arr(&Ty::AnyObject),
        "The contests in ballot order, each with `id`, `title` and `type` (`election`, `confidence`, \
         `evaluation` or `motion`) and that type's fields; `GET /api/poll-templates` has one of each.",
    ),
];
const POLL: &[F] = &[
    f("id", Int, ""),
    f("session_id", Int, ""),
    f("state", Ty::Enum(POLL_STATES), ""),
    f("name", Str, ""),
    f(
        "contests",
        Ty::Arr(&Ty::Obj(&[
            f("id", Str, ""),
            f("title", Str, ""),
            f("kind", Str, "The kind of contest in words, in the request's language."),
            o("seats", Int, "应选名额, for an election."),
            f("items", Ty::Arr(&Str), "Candidates in surname stroke order (R7), members or items."),
            f("options", Ty::Arr(&Str), "The marks a voter may give, in the request's language."),
        ])),
        "",
    ),
    o("fingerprint", Str, "The election fingerprint's short form, once the key ceremony has finished (spec §11.4)."),
];
const ACCOUNT: &[F] = &[
    f("id", Int, ""),
    f("username", Str, ""),
    f("display_name", Str, ""),
    f("role", Str, ""),
    f("must_change_password", Bool, ""),
    f("disabled", Bool, ""),
];
const POLL_STATES: &[&str] = &["draft", "ceremony", "ready", "open", "closed", "tallied", "published"];
const OFFICERS: &[F] = &[
    f("threshold", IntOrNull, "k: how many scrutineers must decrypt; null until appointed."),
    f(
        "officers",
        Ty::Arr(&Ty::Obj(&[
            f("role", Ty::Enum(&["scrutineer", "counter"]), ""),
            f("position", Int, "Scrutineer `j` is the `j`-th appointed, from 1."),
            f("name", Str, ""),
            f("station", Int, "The scrutineer station that signs for this officer."),
            o("key_checked", Bool, "For a scrutineer: whether its key check has passed (spec §5.7)."),
        ])),
        "",
    ),
];
const APPOINTEE: &[F] =
    &[f("card", Str, "代表证号."), f("station", Int, "An enrolled scrutineer station that signs for this officer.")];
const STATION: &[F] = &[
    f("id", Int, ""),
    f("kind", Ty::Enum(STATION_KINDS), ""),
    f("name", Str, ""),
    f("public_key", Hex, "64 lowercase hex digits (spec §8.1)."),
    f("enrolled_at", Int, "Unix seconds."),
    f("enrolled_by", Str, "The organiser who issued the enrolment token."),
    f("revoked", Bool, ""),
];
const STATION_KINDS: &[&str] = &["desk", "booth", "scrutineer"];
const STATION_IDENTITY: &[F] = &[f("id", Int, ""), f("kind", Ty::Enum(STATION_KINDS), ""), f("name", Str, "")];
const RECEIPT: &[F] = &[
    f("kind", Ty::Enum(&["cast", "spoiled"]), ""),
    f("tracking", Str, "XXXX-XXXX-XXXX-XXXX"),
    f("position", Int, "The entry's position on the board, from 0."),
    f("tree_size", Int, "position + 1."),
    f("head", B64, "The tree head at `tree_size` (40 bytes, spec §7.5.1)."),
    f("signature", B64, "The server's signature over `head ‖ E` (64 bytes, spec §12.5)."),
    f("inclusion", Ty::Arr(&B64), "RFC 9162 inclusion proof of the entry in that tree (32 bytes each)."),
];
const STATUS: &[F] = &[
    f("id", Int, ""),
    f("state", Ty::Enum(POLL_STATES), ""),
    f("threshold", IntOrNull, ""),
    f("expected", IntOrNull, "Frozen when the poll opens."),
    f("present", IntOrNull, "Frozen when the poll opens."),
    f("issued", Int, "Credentials issued."),
    f("board_size", Int, "Entries on the board, cast and spoiled."),
    f("decryptions", Ty::Arr(&Int), "The scrutineers who have decrypted."),
    f("signatures", Int, ""),
    f("signatures_needed", Int, "One per scrutineer and counter."),
];
const INDEXED: &[F] = &[f("index", Int, ""), f("data", B64, "")];

const SCHEMAS: &[(&str, &[F])] = &[
    ("Error", ERROR),
    ("SessionInfo", SESSION_INFO),
    ("Congress", CONGRESS),
    ("Session", SESSION),
    ("Delegate", DELEGATE),
    ("Movement", MOVEMENT),
    ("Figures", FIGURES),
    ("Attendance", ATTENDANCE),
    ("PollDefinition", POLL_DEFINITION),
    ("Poll", POLL),
    ("Officers", OFFICERS),
    ("Station", STATION),
    ("StationIdentity", STATION_IDENTITY),
    ("Receipt", RECEIPT),
    ("PollStatus", STATUS),
    ("Indexed", INDEXED),
];

const CARD_SCAN: &[F] = &[
    o("qr", Str, "The delegate card's QR text, as scanned (spec §16)."),
    o(
        "card",
        Str,
        "The card number typed by hand when a card is lost or unreadable. Give exactly one of `qr`, `card`.",
    ),
];
/// Every route the router serves.
const ROUTES: &[Route] = &[
    // health and public
    at(Get, "/healthz", "health", Who::Public)
        .says("Is the server up and can it reach its database", "健康检查：服务器是否运行、能否连接数据库。")
        .answers_json(200, Ty::Obj(&[f("status", Ty::Enum(&["ok"]), ""), f("database", Ty::Enum(DATABASES), "")])),
    at(Get, "/", "public", Who::Public)
        .says("The organiser console", "会务组控制台页面：登录、修改一次性密码、查看各次会议的出席情况与投票。")
        .more("Server-rendered in the request's language; `?lang=` switches it and sets a cookie.")
        .query(LANG)
        .answers(Html),
    at(Get, "/sessions/{id}", "public", Who::Public)
        .says(
            "The console's page for one session",
            "会务组控制台的会议页面：不计入应到人数的代表、新建投票、监票人、密钥生成、开始与结束投票、计票、公布，以及会场终端的登记与注销。",
        )
        .more("A page shell; everything it shows and does goes through the API, each call checked against the logged-in account's role.")
        .query(LANG)
        .answers(Html),
    at(Get, "/api/openapi.json", "public", Who::Public)
        .says("This OpenAPI document", "本接口文档（OpenAPI 3.1）：每个接口、调用者、请求与应答。")
        .more("Every route of the server, who may call it, what it takes and answers (spec §14.9).")
        .answers_json(200, Ty::AnyObject),
    at(Get, "/api/polls/{id}/board", "public", Who::Public)
        .says("The board: size and latest signed head", "公告板：条目数及最新签名的树头。")
        .answers_json(
            200,
            Ty::Obj(&[
                f("state", Ty::Enum(POLL_STATES), ""),
                f("size", Int, ""),
                o("head", B64, "The latest signed tree head: the sealing head once closed."),
                o("signature", B64, ""),
            ]),
        ),
    at(Get, "/api/polls/{id}/board/{tracking}", "public", Who::Public)
        .says("Look up a tracking code", "按追踪码查询公告板：回执及在最新树中的包含证明。")
        .answers_json(
            200,
            Ty::Obj(&[
                f("tracking", Str, ""),
                f(
                    "entries",
                    Ty::Arr(&Ty::Extends(
                        "Receipt",
                        &[
                            f("latest_size", Int, ""),
                            f("latest_head", B64, ""),
                            f("latest_signature", B64, ""),
                            f("latest_inclusion", Ty::Arr(&B64), "Inclusion in the latest signed tree."),
                        ],
                    )),
                    "",
                ),
            ]),
        )
        .refuses(&[(400, "tracking_code_malformed"), (404, "tracking_code_not_found")]),
    at(Get, "/polls/{id}/board", "public", Who::Public)
        .says(
            "The board explorer page",
            "公告板查询页面：输入追踪码，查看选票条目及其包含证明（服务器与浏览器各核验一次）。",
        )
        .more(
            "`?code=` looks a tracking code up; a malformed or unknown code answers the page with 400 or 404. A \
             spoiled entry is opened to its marks in words, with the data for the browser's own check of the \
             opening (`/assets/spoiled-check.js`). `?receipt=` checks a receipt (spec §12.11) against the board: \
             its fingerprint, its head's signature, the entry at its position, and that the latest signed head \
             extends its head; a malformed receipt answers the page with 400.",
        )
        .query(&[
            o("code", Str, "A tracking code to look up."),
            o("receipt", Str, "A receipt text `HVRCPT1:…` (spec §12.11), as the booth's receipt QR code carries it."),
            o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC),
        ])
        .answers(Html)
        .shows_refusals(&[400, 404]),
    at(Get, "/polls/{id}/board/list", "public", Who::Public)
        .says(
            "The board's list page",
            "公告板全部条目页面：按位置逐条列出追踪码及投出或核验作废，分页显示；核验作废的选票可查看其加密的内容。",
        )
        .more("A bad `page` or `per_page` answers the page with 400, a page past the last with 404.")
        .query(BOARD_LIST_QUERY)
        .answers(Html)
        .shows_refusals(&[400, 404]),
    at(Get, "/api/polls/{id}/board/entries", "public", Who::Public)
        .says("One page of the board's entries", "公告板条目列表（分页）：位置、追踪码、投出或核验作废。")
        .more("Reads only the page's range of positions. An empty board has one empty page.")
        .query(BOARD_ENTRIES_QUERY)
        .answers_json(
            200,
            Ty::Obj(&[
                f("state", Ty::Enum(POLL_STATES), ""),
                f("size", Int, "Entries on the board when the page was read."),
                f("sealed", Bool, "The board is sealed (the poll is closed)."),
                f("page", Int, "From 1."),
                f("per_page", Int, ""),
                f("pages", Int, "At least 1."),
                f(
                    "entries",
                    Ty::Arr(&Ty::Obj(&[
                        f("position", Int, "From 0."),
                        f("tracking", Str, "`XXXX-XXXX-XXXX-XXXX`."),
                        f("kind", Ty::Enum(&["cast", "spoiled"]), ""),
                    ])),
                    "In board order.",
                ),
            ]),
        )
        .refuses(&[(400, "malformed_request"), (400, "page_malformed"), (404, "page_out_of_range")]),
    at(Get, "/assets/{file}", "public", Who::Public)
        .says("A page's script or style sheet", "页面的脚本或样式表（页面不含内联脚本和样式，见严格的 CSP）。")
        .more(
            "The files the pages load (no inline script or style: docs/SECURITY.md), among them the board page's \
             check of a spoiled ballot, `spoiled-check.js`, which recomputes every ciphertext of a spoiled entry as \
             (r·G, m·G + r·Y) on ristretto255 (spec §3.5, §10.6). `Cache-Control: no-cache` with an `ETag`.",
        )
        .answers(Answer::File("text/*", "A script (`text/javascript`) or a style sheet (`text/css`)."))
        .refuses(&[(404, "not_found")]),
    at(Get, "/assets/noble-curves-2.4.0/ristretto255.js", "public", Who::Public)
        .says("The ristretto255 group of @noble/curves 2.4.0", "@noble/curves 2.4.0 的 ristretto255 群运算（ES 模块，MIT 许可）。")
        .more("Vendored and served from the binary (server/assets/vendor/README.md, docs/adr/0012).")
        .answers(Answer::File("text/javascript", "An ES module.")),
    at(Get, "/api/polls/{id}/board-proof/{tracking}", "public", Who::Public)
        .says(
            "A tracking code's entries with their inclusion proofs",
            "按追踪码取得公告板条目及其在最新签名树头中的包含证明。",
        )
        .more("For any verifier: entry bytes, leaf hash (spec §7.3, §12.4), latest signed head, `E` and server key.")
        .answers_json(
            200,
            Ty::Obj(&[
                f("tracking", Str, ""),
                f("tree_size", Int, ""),
                f("head", B64, "The latest signed tree head (40 bytes)."),
                f("signature", B64, "The server's signature over `head ‖ E`."),
                f("root", B64, ""),
                f("election", B64, "`E`."),
                f("server_key", B64, "The server's Ed25519 public key."),
                f(
                    "entries",
                    Ty::Arr(&Ty::Obj(&[
                        f("position", Int, ""),
                        f("kind", Ty::Enum(&["cast", "spoiled"]), ""),
                        f("entry", B64, "The board entry."),
                        f("leaf_hash", B64, ""),
                        f("index", Int, ""),
                        f("tree_size", Int, ""),
                        f("root", B64, ""),
                        f("path", Ty::Arr(&B64), "The RFC 9162 inclusion proof."),
                        f("receipt_head", B64, ""),
                        f("receipt_signature", B64, ""),
                        f("verified", Bool, "The server checked the proof against the head."),
                    ])),
                    "",
                ),
            ]),
        )
        .refuses(&[(400, "tracking_code_malformed"), (404, "tracking_code_not_found")]),
    at(Get, "/api/polls/{id}/record", "public", Who::Public)
        .says("The published election record", "下载已公布的选举记录，供任何人核验（规范 §12）。")
        .more("Available once the poll is published.")
        .answers(Answer::File("application/octet-stream", "The record file `poll-{id}.hvrec`."))
        .refuses(&[(409, "poll_wrong_state")]),
    at(Get, "/polls/{id}/sheet", "public", Who::PublishedOr(SHEET_READERS))
        .says("The result sheet", "计票结果报告单（可打印的 A4 页面）。")
        .query(LANG)
        .answers(Html)
        .refuses(&[(409, "poll_not_counted")]),
    at(Get, "/polls/{id}/sheet.pdf", "public", Who::PublishedOr(SHEET_READERS))
        .says("The result sheet as PDF", "计票结果报告单（PDF）。")
        .query(LANG)
        .answers(Answer::File("application/pdf", "The sheet `poll-{id}-sheet.pdf`."))
        .refuses(&[(409, "poll_not_counted"), (503, "sheet_pdf_unavailable")]),
    // accounts
    at(Post, "/api/login", "accounts", Who::Public)
        .says("Log in", "登录：成功后设置会话 Cookie，并返回 CSRF 令牌。")
        .more(
            "Sets the `hallvote_session` cookie (HttpOnly, SameSite=Strict) and answers the CSRF token. \
               After five failures in a minute for one username, further tries are refused for a while.",
        )
        .takes(Ty::Obj(&[f("username", Str, ""), f("password", Str, "")]))
        .answers_json(200, Ty::Ref("SessionInfo"))
        .refuses(&[(401, "bad_credentials"), (429, "too_many_attempts")]),
    at(Post, "/api/logout", "accounts", Who::Login)
        .says("Log out", "退出登录：结束会话并清除 Cookie。")
        .answers(Empty(204)),
    at(Get, "/api/me", "accounts", Who::Login)
        .says("Who is logged in", "当前登录的账户。")
        .answers_json(200, Ty::Ref("SessionInfo")),
    at(Post, "/api/accounts", "accounts", Who::Roles(&[Role::Organiser]))
        .says(
            "Create an account",
            "新建账号（会务组、报到处、投票机、监票人或观察员），返回只显示一次的一次性密码，首次登录须更换。",
        )
        .takes(Ty::Obj(&[
            f("username", Str, "3–32 of a–z, 0–9, `.`, `_`, `-`."),
            f("display_name", Str, "1–60 characters."),
            f("role", Ty::Enum(&["organiser", "desk", "booth", "scrutineer", "observer"]), ""),
        ]))
        .answers_json(
            201,
            Ty::Obj(&[
                f("id", Int, ""),
                f("username", Str, ""),
                f("display_name", Str, ""),
                f("role", Str, ""),
                f("must_change_password", Bool, "Always true for a new account."),
                f("disabled", Bool, ""),
                f("one_time_password", Str, "Shown once; the person replaces it at the first login."),
            ]),
        )
        .refuses(&[
            (400, "malformed_request"),
            (422, "bad_username"),
            (422, "bad_display_name"),
            (409, "username_taken"),
        ]),
    at(Get, "/api/accounts", "accounts", Who::Roles(&[Role::Organiser, Role::Observer]))
        .says("The accounts", "全部账号（不含密码）。")
        .answers_json(
            200,
            Ty::Arr(&Ty::Obj(&[
                f("id", Int, ""),
                f("username", Str, ""),
                f("display_name", Str, ""),
                f("role", Str, ""),
                f("must_change_password", Bool, ""),
                f("disabled", Bool, ""),
            ])),
        ),
    at(Post, "/api/accounts/{id}/disable", "accounts", Who::Roles(&[Role::Organiser]))
        .says("Disable an account", "停用账号：不能再登录，其全部登录会话立即结束。")
        .more("Not one's own account (so an organiser who can log in always remains).")
        .answers_json(200, Ty::Obj(ACCOUNT))
        .refuses(&[(404, "not_found"), (409, "cannot_disable_self")]),
    at(Post, "/api/accounts/{id}/enable", "accounts", Who::Roles(&[Role::Organiser]))
        .says("Re-enable an account", "重新启用账号（密码不变）。")
        .answers_json(200, Ty::Obj(ACCOUNT))
        .refuses(&[(404, "not_found")]),
    at(Post, "/api/accounts/{id}/end-sessions", "accounts", Who::Roles(&[Role::Organiser]))
        .says("End an account's sessions", "结束账号的全部登录会话（须重新登录）。")
        .answers_json(200, Ty::Obj(&[f("ended", Int, "How many sessions ended.")]))
        .refuses(&[(404, "not_found")]),
    at(Post, "/api/password", "accounts", Who::Login)
        .says("Change the password", "修改密码（新密码至少 10 个字符，其他登录会话随之结束）；首次登录须先替换一次性密码。")
        .takes(Ty::Obj(&[f("current", Str, ""), f("new", Str, "At least 10 characters.")]))
        .answers(Empty(204))
        .refuses(&[(401, "bad_credentials"), (422, "password_too_short")]),
    // audit
    at(Get, "/api/audit", "audit", Who::Roles(&[Role::Organiser, Role::Observer]))
        .says("The audit log", "操作日志：会务组的每项操作，以及哈希链校验结果（规范 §14.1）。")
        .more("A page of entries after `after`, and whether the hash chain from entry 1 to the last one verifies.")
        .query(&[
            o("after", Int, "Entries with `seq` above this (default 0); not negative."),
            o("limit", Int, "At most this many entries, 1–5000 (default 500); others are refused."),
        ])
        .answers_json(
            200,
            Ty::Obj(&[
                f(
                    "entries",
                    Ty::Arr(&Ty::Obj(&[
                        f("seq", Int, ""),
                        f("at", Int, "Unix seconds."),
                        f("actor", Str, ""),
                        f("action", Str, "e.g. `poll.open`."),
                        f("detail", Str, ""),
                        f("prev_hash", Hex, ""),
                        f("entry_hash", Hex, ""),
                    ])),
                    "",
                ),
                f("chain_verified", Bool, ""),
            ]),
        )
        .refuses(&[(400, "malformed_request")]),
    // congress
    at(Post, "/api/congresses", "congress", Who::Roles(ORGANISER))
        .says("Create a congress", "新建代表大会（名称、届次、任期）。")
        .takes(Ty::Obj(&[
            f("name", Str, "At most 100 characters."),
            f("number", Int, "届次, 1–999."),
            o("term_years", Int, "任期, 1–10 (default 5)."),
        ]))
        .answers_json(201, Ty::Ref("Congress"))
        .refuses(&[(422, "invalid_value")]),
    at(Get, "/api/congresses", "congress", Who::Roles(ROLL_READERS))
        .says("List congresses", "代表大会列表。")
        .answers_json(200, Ty::Arr(&Ty::Ref("Congress"))),
    at(Post, "/api/congresses/{id}/sessions", "congress", Who::Roles(ORGANISER))
        .says("Create a session of a congress", "新建一次会议（第几次会议、地点、日期、计票规则）。")
        .takes(Ty::Obj(&[
            f("number", Int, "第几次会议, 1–99."),
            f("place", Str, "At most 100 characters."),
            f("date", Str, "At most 40 characters."),
            o("ruleset", Str, "A built-in ruleset (default `township-2020`)."),
        ]))
        .answers_json(201, Ty::Ref("Session"))
        .refuses(&[(422, "invalid_value"), (409, "session_exists")]),
    at(Get, "/api/congresses/{id}/sessions", "congress", Who::Roles(ROLL_READERS))
        .says("List the sessions of a congress", "某届代表大会的各次会议。")
        .answers_json(200, Ty::Arr(&Ty::Ref("Session"))),
    at(Get, "/api/sessions/{id}/attendance", "congress", Who::Roles(&Role::ALL))
        .says("Expected, present and quorum now", "出席情况：应到、实到人数及是否达到法定人数（R1–R3）。")
        .answers_json(200, Ty::Ref("Attendance")),
    // roster
    at(Get, "/api/congresses/{id}/roster", "roster", Who::Roles(ROLL_READERS))
        .says("The roll of delegates", "代表名册。")
        .answers_json(200, Ty::Arr(&Ty::Ref("Delegate"))),
    at(Put, "/api/congresses/{id}/roster", "roster", Who::Roles(ORGANISER))
        .says(
            "Import the roll from CSV or Excel",
            "导入代表名册（CSV 或 Excel .xlsx 文件）：按代表证号新增或更新，逐行报告错误。",
        )
        .more("The body is the file itself, with its content type. Rows that cannot be read are reported and skipped.")
        .takes_roster()
        .answers_json(
            200,
            Ty::Obj(&[
                f("added", Int, ""),
                f("updated", Int, ""),
                f(
                    "errors",
                    Ty::Arr(&Ty::Obj(&[
                        f("line", Int, ""),
                        f("seq", Str, ""),
                        f("problem", Str, "A stable code for the problem."),
                        f("message", Str, "In the request's language."),
                    ])),
                    "Rows refused.",
                ),
                f("notes", Ty::Arr(&Ty::Obj(&[f("line", Int, ""), f("message", Str, "")])), ""),
            ]),
        )
        .refuses(&[(415, "unsupported_media_type"), (422, "roster_unreadable"), (422, "roster_too_large")]),
    at(Post, "/api/sessions/{id}/exclusions", "roster", Who::Roles(ORGANISER))
        .says(
            "Exclude a delegate from the expected count",
            "核减：因病、出国、羁押等原因不计入应到人数（R1）；已报到的代表不能核减。",
        )
        .takes(Ty::Obj(&[
            f("card", Str, "代表证号."),
            f("reason", Ty::Enum(&["illness", "abroad", "detained", "other"]), ""),
            o("note", Str, ""),
        ]))
        .answers(Empty(201))
        .refuses(&[(409, "already_excluded"), (409, "delegate_present")]),
    at(Get, "/api/sessions/{id}/exclusions", "roster", Who::Roles(&[Role::Organiser, Role::Observer]))
        .says("The session's exclusions", "本次会议核减的代表及原因。")
        .answers_json(
            200,
            Ty::Arr(&Ty::Obj(&[
                f("card", Str, "代表证号."),
                f("reason", Ty::Enum(&["illness", "abroad", "detained", "other"]), ""),
                f("note", Str, ""),
            ])),
        ),
    at(Post, "/api/sessions/{id}/exclusions/{card}/withdraw", "roster", Who::Roles(ORGANISER))
        .says("Withdraw an exclusion made in error", "撤销核减：该代表重新计入应到人数（已开始的投票保持其冻结的人数）。")
        .answers(Empty(204))
        .refuses(&[(404, "not_excluded")]),
    at(Get, "/api/congresses/{id}/cards", "roster", Who::Roles(ORGANISER))
        .says("Delegate cards with their signed QR text", "代表证列表（含签名的二维码内容）。")
        .answers_json(
            200,
            Ty::Arr(&Ty::Obj(&[
                f("card", Str, ""),
                f("name", Str, ""),
                f("group", Str, ""),
                f("qr_text", Str, "The signed QR text (spec §16)."),
            ])),
        ),
    at(Get, "/api/congresses/{id}/cards/{card}/qr.png", "roster", Who::Roles(ORGANISER))
        .says("One delegate card's QR code as PNG", "单个代表证二维码（PNG 图片）。")
        .answers(Answer::File("image/png", "The PNG image.")),
    at(Get, "/congresses/{id}/cards", "roster", Who::Roles(ORGANISER))
        .says("Printable delegate cards", "可打印的代表证页面（A4，每页八张）。")
        .answers(Html),
    // desk
    at(Get, "/api/station/sessions", "desk", Who::Station(&[StationKind::Desk]))
        .says("Sessions for a desk station", "报到处终端可选的会议及其各项投票（含状态），最新的在前。")
        .answers_json(
            200,
            Ty::Arr(&Ty::Obj(&[
                f("id", Int, ""),
                f("congress", Str, ""),
                f("number", Int, ""),
                f("date", Str, ""),
                f(
                    "polls",
                    Ty::Arr(&Ty::Obj(&[f("id", Int, ""), f("name", Str, ""), f("state", Ty::Enum(POLL_STATES), "")])),
                    "",
                ),
            ])),
        ),
    at(Post, "/api/station/sessions/{id}/checkin", "desk", Who::Station(&[StationKind::Desk]))
        .says("Check a delegate in at a desk station", "报到处终端报到：扫描代表证二维码或输入代表证号。")
        .takes(Ty::Obj(CARD_SCAN))
        .answers_json(200, Ty::Ref("Movement"))
        .refuses(&[
            (400, "malformed_request"),
            (400, "card_qr_unreadable"),
            (400, "card_qr_forged"),
            (404, "not_a_delegate"),
            (409, "delegate_status_lost"),
            (409, "delegate_excluded"),
        ]),
    at(Post, "/api/station/sessions/{id}/checkout", "desk", Who::Station(&[StationKind::Desk]))
        .says("Record a departure at a desk station", "报到处终端登记代表离场。")
        .takes(Ty::Obj(CARD_SCAN))
        .answers_json(200, Ty::Ref("Movement"))
        .refuses(&[
            (400, "malformed_request"),
            (400, "card_qr_unreadable"),
            (400, "card_qr_forged"),
            (404, "not_a_delegate"),
            (409, "delegate_status_lost"),
        ]),
    at(Post, "/api/sessions/{id}/checkin", "desk", Who::Roles(&[Role::Desk, Role::Organiser]))
        .says("Check a delegate in", "报到：扫描代表证二维码或输入代表证号。")
        .more("Checking in twice answers `already_present`.")
        .takes(Ty::Obj(CARD_SCAN))
        .answers_json(200, Ty::Ref("Movement"))
        .refuses(&[
            (400, "malformed_request"),
            (400, "card_qr_unreadable"),
            (400, "card_qr_forged"),
            (404, "not_a_delegate"),
            (409, "delegate_status_lost"),
            (409, "delegate_excluded"),
        ]),
    at(Post, "/api/sessions/{id}/checkout", "desk", Who::Roles(&[Role::Desk, Role::Organiser]))
        .says("Record a delegate's departure", "离场登记：扫描代表证二维码或输入代表证号。")
        .takes(Ty::Obj(CARD_SCAN))
        .answers_json(200, Ty::Ref("Movement"))
        .refuses(&[
            (400, "malformed_request"),
            (400, "card_qr_unreadable"),
            (400, "card_qr_forged"),
            (404, "not_a_delegate"),
            (409, "delegate_status_lost"),
        ]),
    // display
    at(Get, "/display/sessions/{id}", "display", Who::Public)
        .says("The hall display page", "会场大屏幕页面：会议名称、应到、实到、法定人数、投票进度与结果，实时更新。")
        .more("For a projector; it follows `/api/sessions/{id}/events`.")
        .answers(Html),
    at(Get, "/api/sessions/{id}/figures", "display", Who::Public)
        .says("The figures the hall display shows", "大屏幕显示的数据：应到、实到、法定人数及各项投票的状态。")
        .answers_json(200, Ty::Ref("Figures")),
    at(Get, "/api/sessions/{id}/events", "display", Who::Public)
        .says("The figures as server-sent events", "大屏幕数据的实时推送（server-sent events，事件名 figures）。")
        .more(
            "An event `figures` at once and whenever the figures change. Open streams are capped (256 in all, 8 \
             per client address); over the cap the answer is 503 `display_full` or 429 `too_many_streams` with \
             `Retry-After`.",
        )
        .answers(Answer::Events(Ty::Ref("Figures")))
        .refuses(&[(429, "too_many_streams"), (503, "display_full")]),
    // stations
    at(Get, "/api/stations", "stations", Who::Roles(&[Role::Organiser, Role::Observer]))
        .says("List the hall stations", "会场终端列表（报到处、投票机、监票人终端）。")
        .answers_json(200, Ty::Arr(&Ty::Ref("Station"))),
    at(Post, "/api/stations/enrolments", "stations", Who::Roles(ORGANISER))
        .says("Issue a one-time enrolment QR code", "生成终端登记二维码（一次性，15 分钟内有效）。")
        .more("Spec §15.2–§15.3, §15.6. Without `server_url` the URL is made from the request's `Host`.")
        .takes(Ty::Obj(&[
            f("kind", Ty::Enum(STATION_KINDS), ""),
            f("name", Str, "1–60 characters, no control characters."),
            o("server_url", Str, "Where stations reach the server: http:// or https://, at most 200 bytes."),
        ]))
        .answers_json(
            201,
            Ty::Obj(&[
                f("token", Hex, "32 lowercase hex digits, for typing in."),
                f("expires_at", Int, "Unix seconds."),
                f("kind", Ty::Enum(STATION_KINDS), ""),
                f("name", Str, ""),
                f("server_url", Str, ""),
                f("qr_text", Str, "`HVENROL1:…` (spec §15.3)."),
                f("qr_svg", Str, "The QR code of `qr_text` as an SVG document."),
            ]),
        )
        .refuses(&[(422, "invalid_value"), (422, "server_url_unknown")]),
    at(Post, "/api/stations/enrol", "stations", Who::Public)
        .says("Enrol a station with a token", "终端登记：以登记码提交终端的 Ed25519 公钥（无需登录）。")
        .more("Spec §15.4. The station keeps the id it is given with its key.")
        .takes(Ty::Obj(&[
            f("token", Hex, "32 lowercase hex digits."),
            f("public_key", Hex, "64 lowercase hex digits (spec §8.1)."),
        ]))
        .answers_json(201, Ty::Ref("StationIdentity"))
        .refuses(&[
            (400, "malformed_request"),
            (422, "invalid_public_key"),
            (401, "enrolment_token_unknown"),
            (409, "enrolment_token_used"),
            (410, "enrolment_token_expired"),
            (409, "station_key_taken"),
        ]),
    at(Get, "/api/stations/whoami", "stations", Who::Station(ANY_STATION))
        .says("Which station is signing", "终端自查：当前签名的终端编号、类别与名称。")
        .more("The simplest signed station request.")
        .answers_json(200, Ty::Ref("StationIdentity")),
    at(Post, "/api/stations/{id}/revoke", "stations", Who::Roles(ORGANISER))
        .says("Revoke a station", "注销终端（不可撤销；该机器须以新登记码和新密钥重新登记）。")
        .answers(Empty(204))
        .refuses(&[(409, "station_already_revoked")]),
    // polls
    at(Get, "/api/poll-templates", "polls", Who::Roles(ORGANISER))
        .says("Poll templates", "投票模板：选举、补选、信任投票、民主评议、表决各一。")
        .more("Starting points for the poll form: `election`, `by_election`, `confidence`, `evaluation`, `motion`.")
        .answers_json(200, Ty::AnyObject),
    at(Post, "/api/sessions/{id}/polls", "polls", Who::Roles(ORGANISER))
        .says("Define a poll", "新建投票：按会议的计票规则检查（差额比例 R8 等）。")
        .more("Expected and present are frozen when the poll opens; the definition must not carry them.")
        .takes(Ty::Ref("PollDefinition"))
        .answers_json(201, Ty::Ref("Poll"))
        .refuses(&[(422, "invalid_poll")]),
    at(Get, "/api/sessions/{id}/polls", "polls", Who::Roles(&Role::ALL))
        .says("The polls of a session", "某次会议的各项投票（候选人按姓氏笔画排序，R7）。")
        .answers_json(200, Ty::Arr(&Ty::Ref("Poll"))),
    at(Get, "/api/polls/{id}", "polls", Who::Roles(&Role::ALL))
        .says("A poll", "单项投票的定义与状态。")
        .answers_json(200, Ty::Ref("Poll")),
    // ceremony
    at(Post, "/api/polls/{id}/officers", "ceremony", Who::Roles(ORGANISER))
        .says(
            "Appoint scrutineers (k of n) and counters",
            "指定监票人（解密门限 k / n）和计票人，每人绑定一台监票人终端。",
        )
        .more("Once, in the draft state. Officers are delegates who are not candidates or members voted on.")
        .takes(Ty::Obj(&[
            f("threshold", Int, "k, 1 ≤ k ≤ n."),
            f("scrutineers", Ty::Arr(&Ty::Obj(APPOINTEE)), "1–255 scrutineers."),
            o("counters", Ty::Arr(&Ty::Obj(APPOINTEE)), "At most 255 counters."),
        ]))
        .answers_json(201, Ty::Ref("Officers"))
        .refuses(&[
            (409, "poll_wrong_state"),
            (422, "bad_threshold"),
            (422, "too_many_counters"),
            (404, "not_a_delegate"),
            (422, "officer_is_candidate"),
            (422, "not_a_scrutineer_station"),
            (422, "officer_twice"),
        ]),
    at(Get, "/api/polls/{id}/officers", "ceremony", Who::Roles(&Role::ALL))
        .says("The officers of a poll", "本次投票的监票人和计票人。")
        .answers_json(200, Ty::Ref("Officers")),
    at(Post, "/api/polls/{id}/ceremony", "ceremony", Who::Roles(ORGANISER))
        .says("Start the key ceremony", "启动密钥生成：冻结投票清单并生成本次投票的凭证密钥（规范 §14.5–§14.6）。")
        .answers_json(
            201,
            Ty::Obj(&[
                f("state", Ty::Enum(&["ceremony"]), ""),
                f("ceremony_id", B64, "64 bytes (spec §14.5)."),
                f("manifest", B64, "The frozen manifest (spec §11.2)."),
            ]),
        )
        .refuses(&[(409, "poll_wrong_state"), (422, "poll_invalid")]),
    at(Post, "/api/polls/{id}/ceremony/restart", "ceremony", Who::Roles(ORGANISER))
        .says(
            "Abandon a key ceremony that cannot finish, or whose key fails its check",
            "重新开始密钥生成：放弃无法完成的密钥生成（某台监票终端丢失了秘密、机器损坏或合格者少于门限），或某位监票人的密钥检查无法通过，投票回到草稿，须重新指定监票人。",
        )
        .more("ceremony or ready → draft in one transaction: the ceremony's messages, identifier, manifest, credential key, joint key, key checks and the officers are removed (spec §14.3).")
        .answers_json(200, Ty::Obj(&[f("state", Ty::Enum(&["draft"]), "")]))
        .refuses(&[(409, "poll_wrong_state")]),
    at(Get, "/api/station/polls/{id}/ceremony", "ceremony", Who::Station(SCRUTINEER))
        .says(
            "The ceremony as a scrutineer station sees it",
            "监票人终端读取密钥生成进度：接收密钥、分发消息、发给本终端的加密份额及结果。",
        )
        .more("For the station of scrutineer `j` of the poll.")
        .answers_json(
            200,
            Ty::Obj(&[
                f("state", Ty::Enum(POLL_STATES), ""),
                f("index", Int, "This station's scrutineer index `j`."),
                f("participants", Int, "n."),
                f("threshold", Int, "k."),
                f("ceremony_id", B64, ""),
                f("manifest", B64, ""),
                f("recipients", Ty::Arr(&Ty::Ref("Indexed")), "Receiving keys with their signatures (spec §5.6.2)."),
                f("dealings", Ty::Arr(&Ty::Ref("Indexed")), "Dealer messages (spec §5.2)."),
                f("shares", Ty::Arr(&Ty::Ref("Indexed")), "Shares sealed to this station, by dealer."),
                f("confirmed", Ty::Arr(&Int), "Scrutineers who have confirmed."),
                f("key_checked", Ty::Arr(&Int), "Scrutineers whose key check has passed (spec §5.7)."),
                o("qualified", Ty::Arr(&Int), "Once complete: the qualified dealers."),
                o("joint_key", B64, "Once complete: `Y`."),
                o("public_shares", Ty::Arr(&B64), "Once complete: `X₁…Xₙ`."),
            ]),
        )
        .refuses(&[(403, "not_an_officer"), (403, "not_a_scrutineer"), (409, "poll_wrong_state")]),
    at(Post, "/api/station/polls/{id}/ceremony/recipient", "ceremony", Who::Station(SCRUTINEER))
        .says("Publish a receiving key", "监票人终端提交接收密钥（规范 §5.6.1）。")
        .takes(Ty::Obj(&[
            f("key", B64, "The X25519 receiving key (32 bytes)."),
            f("signature", B64, "The station's signature publishing it (spec §5.6.2)."),
        ]))
        .answers(Empty(201))
        .refuses(&[
            (403, "not_an_officer"),
            (403, "not_a_scrutineer"),
            (409, "poll_wrong_state"),
            (422, "bad_recipient_key"),
            (422, "bad_recipient_signature"),
            (409, "already_done"),
        ]),
    at(Post, "/api/station/polls/{id}/ceremony/dealing", "ceremony", Who::Station(SCRUTINEER))
        .says("Deal: the dealer message and n sealed shares", "监票人终端分发：分发消息及发给每位监票人的加密份额。")
        .takes(Ty::Obj(&[
            f("message", B64, "The dealer message (spec §5.2)."),
            f(
                "shares",
                Ty::Arr(&Ty::Obj(&[f("recipient", Int, "1…n in order."), f("sealed", B64, "88 bytes (spec §5.6).")])),
                "One per scrutineer.",
            ),
        ]))
        .answers(Empty(201))
        .refuses(&[
            (403, "not_an_officer"),
            (403, "not_a_scrutineer"),
            (409, "poll_wrong_state"),
            (409, "recipients_missing"),
            (422, "bad_dealer_message"),
            (422, "bad_sealed_shares"),
            (409, "already_done"),
        ]),
    at(Post, "/api/station/polls/{id}/ceremony/confirm", "ceremony", Who::Station(SCRUTINEER))
        .says(
            "Confirm, with complaints",
            "监票人终端确认收到的份额，并可提出异议（规范 §5.3）；全部确认后生成联合公钥。",
        )
        .takes(Ty::Obj(&[o("complaints", Ty::Arr(&B64), "Dealer shares (40 bytes each) that failed the check.")]))
        .answers_json(201, Ty::Obj(&[f("state", Ty::Enum(&["ceremony", "ready"]), "")]))
        .refuses(&[
            (403, "not_an_officer"),
            (403, "not_a_scrutineer"),
            (409, "poll_wrong_state"),
            (409, "dealings_missing"),
            (422, "bad_complaint"),
            (409, "already_done"),
            (409, "ceremony_failed"),
        ]),
    at(Get, "/api/station/polls/{id}/ceremony/outcome", "ceremony", Who::Station(SCRUTINEER))
        .says(
            "The key ceremony's public outcome, for the fingerprints",
            "监票人或计票人终端读取密钥生成的公开结果（投票清单、合格分发者的分发消息、联合公钥与公开份额），自行重算并显示选举指纹（规范 §11.4）。",
        )
        .more("For the station of a scrutineer or counter, once the ceremony has completed. The station recomputes `Y` and `X₁…Xₙ` from the dealer messages before it shows the fingerprint.")
        .answers_json(
            200,
            Ty::Obj(&[
                f("state", Ty::Enum(POLL_STATES), ""),
                f("manifest", B64, "The manifest (spec §11.2)."),
                f("qualified", Ty::Arr(&Int), "The qualified dealers (spec §5.3)."),
                f("dealings", Ty::Arr(&Ty::Ref("Indexed")), "The qualified dealers' messages (spec §5.2)."),
                f("joint_key", B64, "`Y`."),
                f("public_shares", Ty::Arr(&B64), "`X₁…Xₙ`."),
            ]),
        )
        .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state")]),
    at(Post, "/api/station/polls/{id}/key-check/test", "ceremony", Who::Station(SCRUTINEER))
        .says(
            "A fresh test ciphertext for this scrutineer's key check",
            "监票人终端开始密钥检查：服务器用联合公钥加密一个随机小数，生成本监票人专用的检查密文（规范 §5.7）。",
        )
        .more("In the ready state, for the station of scrutineer `j`. Each call makes a new one; only the latest is accepted.")
        .answers_json(
            201,
            Ty::Obj(&[
                f("index", Int, "This station's scrutineer index `j`."),
                f("election", B64, "`E` (64 bytes), which the station recomputes."),
                f("ciphertext", B64, "The test ciphertext `(A, B)` (64 bytes)."),
            ]),
        )
        .refuses(&[(403, "not_an_officer"), (403, "not_a_scrutineer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]),
    at(Post, "/api/station/polls/{id}/key-check", "ceremony", Who::Station(SCRUTINEER))
        .says(
            "Answer the key check",
            "监票人终端提交对检查密文的解密份额及证明；服务器用该监票人的公开份额核验，通过后记录（规范 §5.7）。",
        )
        .more("The share's proof is checked against `Xⱼ` in the context `H(\"hallvote/ceremony/key-check/v1\", E, u64be(j))`.")
        .takes(Ty::Obj(&[f("share", B64, "The decryption share of the latest test ciphertext (132 bytes, spec §5.4).")]))
        .answers_json(
            201,
            Ty::Obj(&[
                f("index", Int, "`j`."),
                f("passed", Bool, "Always true: a failed check is refused."),
                f("pending", Ty::Arr(&Int), "The scrutineers who have not passed yet."),
            ]),
        )
        .refuses(&[
            (403, "not_an_officer"),
            (403, "not_a_scrutineer"),
            (409, "poll_wrong_state"),
            (409, "poll_not_ready"),
            (409, "key_check_no_test"),
            (422, "key_check_failed"),
            (409, "key_check_stale"),
        ]),
    // voting
    at(Post, "/api/station/polls/{id}/issue", "voting", Who::Station(&[StationKind::Desk]))
        .says(
            "Issue a ballot credential",
            "发放选票凭证：为已报到的代表对盲化消息签名，每人每项投票一次（规范 §6.3、§14.4）。",
        )
        .takes(Ty::Obj(&[
            o("qr", Str, "The delegate card's QR text."),
            o("card", Str, "Or the card number typed by hand."),
            f("blinded", B64, "The blinded message (spec §6.3)."),
        ]))
        .answers_json(201, Ty::Obj(&[f("name", Str, "The delegate's name."), f("blind_signature", B64, "")]))
        .refuses(&[
            (409, "poll_not_open"),
            (409, "poll_not_ready"),
            (400, "card_qr_unreadable"),
            (400, "card_qr_forged"),
            (404, "not_a_delegate"),
            (409, "not_present"),
            (409, "arrived_after_opening"),
            (400, "blinded_malformed"),
            (409, "already_issued"),
        ]),
    at(Get, "/api/station/polls/{id}/ballot", "voting", Who::Station(&[StationKind::Booth, StationKind::Desk]))
        .says("The ballot definition", "选票定义：投票清单、联合公钥 Y、选举哈希 E 与凭证投票编号。")
        .answers_json(
            200,
            Ty::Obj(&[
                f("state", Ty::Enum(POLL_STATES), ""),
                f("manifest", B64, "Spec §11.2."),
                f("joint_key", B64, "`Y`."),
                f("election", B64, "`E`."),
                f("poll_id", B64, "The credential poll id `H(manifest)`."),
                f("public_shares", Ty::Arr(&B64), "`X₁…Xₙ` (spec §5.3)."),
                f("fingerprint", Ty::Str, "The election fingerprint's short form (spec §11.4)."),
            ]),
        )
        .refuses(&[(409, "poll_not_ready")]),
    at(Post, "/api/station/polls/{id}/cast", "voting", Who::Station(&[StationKind::Booth]))
        .says("Cast a ballot", "投票：提交选票，返回回执（追踪码、签名的树头与包含证明）。")
        .more("Spec §14.7. Sending the same ballot again returns the same receipt.")
        .takes(Ty::Obj(&[f("credential", B64, ""), f("ballot", B64, "")]))
        .answers_json(200, Ty::Ref("Receipt"))
        .refuses(&[
            (409, "poll_not_open"),
            (409, "poll_not_ready"),
            (400, "credential_malformed"),
            (403, "credential_invalid"),
            (400, "ballot_malformed"),
            (422, "ballot_proof_invalid"),
            (422, "opening_unexpected"),
            (409, "credential_already_spent"),
        ]),
    at(Post, "/api/station/polls/{id}/challenge", "voting", Who::Station(&[StationKind::Booth]))
        .says("Challenge a ballot", "核验选票：附揭示数据提交，选票作废并上公告板，凭证仍可投票（规范 §10.6）。")
        .more("The entry is appended as spoiled and the credential stays unspent.")
        .takes(Ty::Obj(&[
            f("credential", B64, ""),
            f("ballot", B64, ""),
            f("opening", B64, "The ballot's opening (spec §10.6)."),
        ]))
        .answers_json(200, Ty::Ref("Receipt"))
        .refuses(&[
            (409, "poll_not_open"),
            (409, "poll_not_ready"),
            (400, "credential_malformed"),
            (403, "credential_invalid"),
            (400, "ballot_malformed"),
            (422, "ballot_proof_invalid"),
            (422, "opening_missing"),
            (422, "opening_invalid"),
            (409, "credential_already_spent"),
        ]),
    // results
    at(Post, "/api/polls/{id}/open", "results", Who::Roles(ORGANISER))
        .says("Open the poll", "开始投票：须全部监票人通过密钥检查（规范 §5.7）并达到法定人数（R3），应到、实到人数随即冻结。")
        .more("Refused with `key_check_pending`, naming them, while any scrutineer of the poll (all n, not only k) has not passed the key check.")
        .answers_json(200, Ty::Ref("PollStatus"))
        .refuses(&[(409, "poll_wrong_state"), (409, "key_check_pending"), (409, "quorum_not_met")]),
    at(Post, "/api/polls/{id}/close", "results", Who::Roles(ORGANISER))
        .says("Close the poll", "结束投票：公告板封存并签名，计算密文合计。")
        .answers_json(200, Ty::Ref("PollStatus"))
        .refuses(&[(409, "poll_wrong_state"), (409, "poll_not_ready")]),
    at(Get, "/api/polls/{id}/status", "results", Who::Roles(&Role::ALL))
        .says("The poll's progress", "投票进度：状态、发放数、公告板条目数、解密与签名情况。")
        .answers_json(200, Ty::Ref("PollStatus")),
    at(Post, "/api/polls/{id}/tally", "results", Who::Roles(ORGANISER))
        .says("Tally", "计票：合并至少 k 名监票人的解密份额，得出票数、结果及结果摘要（规范 §12.6–§12.8）。")
        .answers_json(200, Ty::Ref("PollStatus"))
        .refuses(&[
            (409, "poll_wrong_state"),
            (409, "poll_not_ready"),
            (409, "not_enough_decryptions"),
            (422, "tally_failed"),
        ]),
    at(Post, "/api/polls/{id}/follow-up", "polls", Who::Roles(ORGANISER))
        .says(
            "Set up the runoff or separate election a result calls for",
            "据计票结果一键建立再次投票（得票相等，R12）或另行选举（名额未满，R13）的新投票（草稿）。",
        )
        .takes(Ty::Obj(&[f("kind", Str, "`runoff` or `separate_election`.")]))
        .answers_json(201, Ty::Obj(&[f("id", Int, "The new poll."), f("name", Str, ""), f("state", Str, "`draft`.")]))
        .refuses(&[(409, "poll_not_counted"), (409, "no_follow_up"), (422, "follow_up_needs_candidates")]),
    at(Post, "/api/polls/{id}/publish", "results", Who::Roles(ORGANISER))
        .says(
            "Publish the result and the election record",
            "公布：汇编并签署选举记录（规范 §12），须全部监票人和计票人已签名。",
        )
        .answers_json(200, Ty::Ref("PollStatus"))
        .refuses(&[(409, "poll_wrong_state"), (409, "poll_not_ready"), (409, "signatures_missing")]),
    at(Get, "/api/station/polls/{id}/aggregates", "results", Who::Station(SCRUTINEER))
        .says("The aggregates and the final signed tree head", "监票人终端读取服务器算出的密文合计及封存公告板的签名树头（投票结束后）。")
        .more("For the station of a scrutineer or counter of the poll. The station recomputes the aggregates from the board it checks against the head and decrypts only if they are these (spec §14.8).")
        .answers_json(
            200,
            Ty::Obj(&[
                f("election", B64, "`E`."),
                f("aggregates", Ty::Arr(&B64), "One ciphertext (64 bytes) per selection, in ballot order."),
                f("board_size", Int, "Entries on the sealed board."),
                f("head", B64, "The final tree head (40 bytes, spec §7.5.1)."),
                f("signature", B64, "The server's signature over `head ‖ E` (64 bytes, spec §12.5)."),
            ]),
        )
        .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]),
    at(Get, "/api/station/polls/{id}/board-entries", "results", Who::Station(SCRUTINEER))
        .says("The sealed board's entries, in pages of binary", "监票人终端分页下载封存的公告板全部条目（二进制），自行核验并重算密文合计。")
        .more("For the station of a scrutineer or counter, once closed. The body is `u32be(len) ‖ entry` for each entry (spec §12.4) from position `from` on, in order, up to 4 MiB (at least one entry); empty once `from` is the board's size (spec §14.8).")
        .query(&[o("from", Int, "The first position wanted, from 0 (default 0).")])
        .answers(Answer::File("application/octet-stream", "Length-prefixed board entries (spec §12.4)."))
        .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state")]),
    at(Post, "/api/station/polls/{id}/decryption", "results", Who::Station(SCRUTINEER))
        .says("Submit decryption shares", "监票人终端提交解密份额，到达时即核验（规范 §5.4）。")
        .more("After close, before the tally.")
        .takes(Ty::Obj(&[f("shares", Ty::Arr(&B64), "One 132-byte decryption share per selection, in ballot order.")]))
        .answers(Empty(201))
        .refuses(&[
            (403, "not_an_officer"),
            (403, "not_a_scrutineer"),
            (409, "poll_wrong_state"),
            (409, "poll_not_ready"),
            (422, "decryption_share_invalid"),
            (409, "already_done"),
        ]),
    at(Get, "/api/station/polls/{id}/result", "results", Who::Station(SCRUTINEER))
        .says("The result to check and sign", "监票人或计票人终端读取待签名的计票结果与结果摘要（规范 §12.8）。")
        .more("For the station of a scrutineer or counter; the station recomputes the digest before signing.")
        .answers_json(
            200,
            Ty::Obj(&[
                f("state", Ty::Enum(POLL_STATES), ""),
                f("manifest", B64, "The frozen manifest (spec §11.2), for the counters' recount."),
                f("joint_key", B64, "`Y` (32 bytes)."),
                f("election", B64, "`E`."),
                f("expected", Int, ""),
                f("present", Int, ""),
                f("issued", Int, ""),
                f("cast", Int, ""),
                f("totals", Ty::Arr(&Int), ""),
                f("outcome", B64, ""),
                f("digest", B64, "The result digest (spec §12.8)."),
            ]),
        )
        .refuses(&[(403, "not_an_officer"), (409, "poll_wrong_state"), (409, "poll_not_ready")]),
    at(Post, "/api/station/polls/{id}/signature", "results", Who::Station(SCRUTINEER))
        .says("Sign the result digest", "监票人或计票人在终端上签署结果摘要（规范 §12.8）。")
        .more("After the tally, before publication.")
        .takes(Ty::Obj(&[
            f("role", Ty::Enum(&["scrutineer", "counter"]), "The office this signature is for."),
            f("signature", B64, "Ed25519 over the digest (64 bytes)."),
        ]))
        .answers(Empty(201))
        .refuses(&[
            (403, "not_an_officer"),
            (409, "poll_wrong_state"),
            (422, "bad_role"),
            (422, "signature_invalid"),
            (409, "already_done"),
        ]),
];

// ---------------------------------------------------------------------------
// From the table to the document.

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
    match route.who {
        Who::Public => {}
        Who::PublishedOr(roles) => {
            op = op
                .security(SecurityRequirement::default())
                .security(SecurityRequirement::new("session", Vec::<String>::new()));
            errors.extend([(401, "unauthenticated"), (403, "forbidden"), (403, "password_change_required")]);
            extensions.insert("x-hallvote-roles".into(), json!(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()));
        }
        Who::Login | Who::Roles(_) => {
            let mut need = SecurityRequirement::new("session", Vec::<String>::new());
            errors.push((401, "unauthenticated"));
            if changes {
                need = need.add("csrf", Vec::<String>::new());
                errors.push((403, "csrf_failed"));
            }
            op = op.security(need);
            if let Who::Roles(roles) = route.who {
                errors.push((403, "forbidden"));
                errors.push((403, "password_change_required"));
                extensions
                    .insert("x-hallvote-roles".into(), json!(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()));
            }
        }
        Who::Station(kinds) => {
            op = op.security(SecurityRequirement::new("station", Vec::<String>::new()));
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
            extensions
                .insert("x-hallvote-station-kinds".into(), json!(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
        }
    }
    match route.body {
        Body::None => {}
        Body::Json(ty) => {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content("application/json", ContentBuilder::new().schema(Some(schema(&ty, ""))).build())
                    .build(),
            ));
            errors.push((400, "malformed_request"));
            if let Who::Station(_) = route.who {
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
    match route.who {
        Who::Public => text.push_str("anyone, without a login (公开，无需登录)."),
        Who::PublishedOr(roles) => {
            let names: Vec<String> = roles.iter().map(|r| format!("{} ({})", r.as_str(), role_zh(*r))).collect();
            text.push_str(&format!(
                "anyone once the poll is published (公布后公开); while it is tallied, a logged-in account of role {}.",
                names.join(", ")
            ));
        }
        Who::Login => text.push_str(
            "any logged-in account (任何已登录账户), even one that must still replace its one-time password.",
        ),
        Who::Roles(roles) => {
            let names: Vec<String> = roles.iter().map(|r| format!("{} ({})", r.as_str(), role_zh(*r))).collect();
            text.push_str(&format!("a logged-in account of role {}", names.join(", ")));
            text.push('.');
        }
        Who::Station(kinds) => {
            let names: Vec<String> = kinds.iter().map(|k| format!("{} ({})", k.as_str(), kind_zh(*k))).collect();
            text.push_str(&format!(
                "an enrolled station of kind {}, with a signed request (spec §15.5: headers \
                 `X-Hallvote-Station`, `X-Hallvote-Timestamp`, `X-Hallvote-Nonce`, `X-Hallvote-Signature`).",
                names.join(", ")
            ));
        }
    }
    if matches!(route.who, Who::Login | Who::Roles(_)) && route.verb != Verb::Get {
        text.push_str(" The request carries the session's CSRF token in `X-CSRF-Token`.");
    }
    text
}

fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Organiser => "会务组",
        Role::Desk => "报到处",
        Role::Booth => "投票机",
        Role::Scrutineer => "监票人",
        Role::Observer => "观察员",
    }
}

fn kind_zh(kind: StationKind) -> &'static str {
    match kind {
        StationKind::Desk => "报到处",
        StationKind::Booth => "投票机",
        StationKind::Scrutineer => "监票人终端",
    }
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

fn components() -> Components {
    let mut c = ComponentsBuilder::new();
    for (name, fields) in SCHEMAS {
        c = c.schema(*name, object(fields));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_known_tag_and_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for r in ROUTES {
            assert!(TAGS.iter().any(|(t, _)| *t == r.tag), "{} has an unknown tag {}", r.path, r.tag);
            assert!(seen.insert((r.verb.name(), r.path)), "{} {} is listed twice", r.verb.name(), r.path);
            assert!(!r.summary.is_empty() && !r.zh.is_empty(), "{} says nothing", r.path);
        }
    }

    #[test]
    fn the_document_serialises() {
        let text = serde_json::to_string(&document()).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(v["openapi"], "3.1.0");
        assert_eq!(v["info"]["title"], "hallvote");
    }
}
