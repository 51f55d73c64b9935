//! The shared answers of `components.schemas` that a route names by name (derived
//! from their types, or described by hand until they have a type of their own), the
//! query strings shared by several routes, and the document's tags.

use hallvote_protocol::wire::{ErrorBody, Figures};

use super::route::Ty::Int;
use super::route::{F, Ty, Typed, o};

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
/// The query of the hall display's page and feeds: its language, not remembered (a
/// projector shows what its address says, and leaves no cookie for the next page).
pub const DISPLAY_LANG: &[F] = &[o(
    "lang",
    Ty::Enum(&["zh-CN", "en"]),
    "The display's language. The page is zh-CN unless given (the browser's language is not asked) and its script \
     asks its figures in the same; the figures and events answer in the request's language unless given.",
)];
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
    ("proposals", "Proposals, the presidium and their handling (spec §14.11). 代表提案、主席团与提案办理。"),
    ("ceremony", "Officers and the scrutineers' key ceremony (spec §5, §14.3). 监票人与密钥生成。"),
    ("voting", "Issuing credentials, ballots, casting and challenging (spec §14.7). 发放凭证、投票与核验。"),
    (
        "results",
        "Open, close, decryption, tally, signatures, publication (spec §14.8). 开始、结束、解密、计票、签名与公布。",
    ),
];

// Shared schemas (components.schemas).

/// The shared answers derived from their types (`hallvote_protocol::wire`) that a
/// route may name without naming the type: every refusal's `Error`, and the hall
/// display's `Figures` (also the data of its event stream). The others are in the
/// document because a route names their type.
pub const SHARED: &[Typed] = &[Typed::of::<ErrorBody>(), Typed::of::<Figures>()];

pub const POLL_STATES: &[&str] = &["draft", "ceremony", "ready", "open", "closed", "tallied", "published"];

/// The shared answers described by hand: none now (every answer has its wire type).
pub const SCHEMAS: &[(&str, &[F])] = &[];
