//! The shapes the document describes by hand until they have a Rust type of their
//! own (answers built as JSON values, the shared answers of `components.schemas`),
//! the query strings shared by several routes, and the document's tags.

use super::route::Ty::{Bool, Hex, Int, IntOrNull, Str};
use super::route::{F, Ty, f, o};

/// The databases the server runs on.
pub const DATABASES: &[&str] = &["sqlite", "postgres"];
/// What a page's `lang` query does.
pub const LANG_DOC: &str = "The page's language, remembered in a cookie.";
/// The query of the board's list as JSON.
pub const BOARD_ENTRIES_QUERY: &[F] =
    &[o("page", Int, "From 1; default 1."), o("per_page", Int, "Entries a page, 1 to 200; default 50.")];
/// The query of the board's list page.
pub const BOARD_LIST_QUERY: &[F] = &[
    o("page", Int, "From 1; default 1."),
    o("per_page", Int, "Entries a page, 1 to 200; default 50."),
    o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC),
];
/// The query of a server-rendered page.
pub const LANG: &[F] = &[o("lang", Ty::Enum(&["zh-CN", "en"]), LANG_DOC)];

/// The tags, in the order a reader meets them, each in English and zh-CN.
pub const TAGS: &[(&str, &str)] = &[
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

pub const ERROR: &[F] = &[f(
    "error",
    Ty::Obj(&[
        f("code", Str, "Stable machine-readable code, e.g. `poll_wrong_state`."),
        f("message", Str, "For a person, in the request's language (zh-CN by default, en)."),
    ]),
    "",
)];
pub const SESSION_INFO: &[F] = &[
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
pub const CONGRESS: &[F] = &[
    f("id", Int, ""),
    f("name", Str, "中国共产党青山镇第十五届代表大会"),
    f("number", Int, "届次, 1–999."),
    f("term_years", Int, "任期, 1–10 years."),
];
pub const SESSION: &[F] = &[
    f("id", Int, ""),
    f("congress_id", Int, ""),
    f("number", Int, "第几次会议, 1–99."),
    f("place", Str, ""),
    f("date", Str, ""),
    f("ruleset", Str, "The counting rules, e.g. `township-2020`."),
];
pub const DELEGATE: &[F] = &[
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
pub const FIGURES: &[F] = &[
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
pub const ATTENDANCE: &[F] =
    &[f("expected", Int, "应到."), f("present", Int, "实到."), f("quorum_met", Bool, ""), f("ruleset", Str, "")];
pub const POLL_DEFINITION: &[F] = &[
    f("name", Str, "选举镇党委委员"),
    f(
        "contests",
        Ty::Arr(&Ty::AnyObject),
        "The contests in ballot order, each with `id`, `title` and `type` (`election`, `confidence`, \
         `evaluation` or `motion`) and that type's fields; `GET /api/poll-templates` has one of each.",
    ),
];
pub const POLL: &[F] = &[
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
pub const ACCOUNT: &[F] = &[
    f("id", Int, ""),
    f("username", Str, ""),
    f("display_name", Str, ""),
    f("role", Str, ""),
    f("must_change_password", Bool, ""),
    f("disabled", Bool, ""),
];
pub const POLL_STATES: &[&str] = &["draft", "ceremony", "ready", "open", "closed", "tallied", "published"];
pub const OFFICERS: &[F] = &[
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
pub const APPOINTEE: &[F] =
    &[f("card", Str, "代表证号."), f("station", Int, "An enrolled scrutineer station that signs for this officer.")];
pub const STATION: &[F] = &[
    f("id", Int, ""),
    f("kind", Ty::Enum(STATION_KINDS), ""),
    f("name", Str, ""),
    f("public_key", Hex, "64 lowercase hex digits (spec §8.1)."),
    f("enrolled_at", Int, "Unix seconds."),
    f("enrolled_by", Str, "The organiser who issued the enrolment token."),
    f("revoked", Bool, ""),
];
pub const STATION_KINDS: &[&str] = &["desk", "booth", "scrutineer"];
pub const STATUS: &[F] = &[
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
    f("cast", Int, "Ballots cast (challenged ones not counted)."),
    f("follow_ups", Ty::Arr(&Str), "`runoff`, `separate_election`: what a counted result calls for."),
];

/// The shared answers described by hand. `Movement`, `Receipt`, `Indexed` and the
/// station's identity are derived from their types (`hallvote_protocol::wire`).
pub const SCHEMAS: &[(&str, &[F])] = &[
    ("Error", ERROR),
    ("SessionInfo", SESSION_INFO),
    ("Congress", CONGRESS),
    ("Session", SESSION),
    ("Delegate", DELEGATE),
    ("Figures", FIGURES),
    ("Attendance", ATTENDANCE),
    ("PollDefinition", POLL_DEFINITION),
    ("Poll", POLL),
    ("Officers", OFFICERS),
    ("Station", STATION),
    ("PollStatus", STATUS),
];

pub const CARD_SCAN: &[F] = &[
    o("qr", Str, "The delegate card's QR text, as scanned (spec §16)."),
    o(
        "card",
        Str,
        "The card number typed by hand when a card is lost or unreadable. Give exactly one of `qr`, `card`.",
    ),
];
