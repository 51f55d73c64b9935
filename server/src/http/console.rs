//! The organiser console. `GET /`: the start page — log in, replace a one-time
//! password, set up congresses and sessions, import the roll, and see each session's
//! attendance, quorum and polls, and the printable delegate cards.
//! `GET /sessions/{id}`: one session's work — exclusions, polls from templates,
//! officers, the key ceremony, open, close, tally, publish, follow-up votes, and the
//! hall's stations (enrolment QR codes, revocation). Server-rendered in the request's
//! language (`?lang=en` switches and remembers it), no external assets, large
//! touch targets, usable with the keyboard alone.

use crate::api::prelude::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use hallvote_tally::Lang;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::support::lang::{LangSwitch, page_lang, remember_lang};
use crate::ApiError;
use crate::i18n::RequestLang;
use crate::templates::ScriptJson;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Get, "/", "public", Access::Public)
                    .says("The organiser console", "会务组控制台页面：登录、修改一次性密码、查看各次会议的出席情况与投票。")
                    .more("Server-rendered in the request's language; `?lang=` switches it and sets a cookie.")
                    .query(LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            page,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/sessions/{id}", "public", Access::Public)
                    .says(
                        "The console's page for one session",
                        "会务组控制台的会议页面：不计入应到人数的代表、新建投票、监票人、密钥生成、开始与结束投票、计票、公布，以及会场终端的登记与注销。",
                    )
                    .more("A page shell; everything it shows and does goes through the API, each call checked against the logged-in account's role.")
                    .query(LANG)
                    .answers(Answer::Html);
                ROUTE
            },
            session_page,
        )
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

async fn page(RequestLang(lang): RequestLang, Query(q): Query<LangQuery>) -> Response {
    let (lang, set_cookie) = page_lang(lang, q.lang.as_deref());
    match render(lang) {
        Ok(page) => remember_lang(Html(page).into_response(), lang, set_cookie),
        Err(e) => e.into_response(),
    }
}

/// The session page: a shell whose data comes from the API, each call checked
/// against the logged-in account's role. An unknown session is a 404 page.
async fn session_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, crate::ApiError> {
    let (lang, set_cookie) = page_lang(lang, q.lang.as_deref());
    let session = super::support::load::load_session(&state, id).await?;
    let congress = crate::db::congress::congress(&state.store, session.congress_id).await?;
    let title = match (&congress, lang) {
        (Some(c), Lang::ZhCn) => format!("{} 第{}次会议", c.name, session.number),
        (Some(c), Lang::En) => format!("{}, session {}", c.name, session.number),
        (None, _) => String::new(),
    };
    Ok(remember_lang(Html(render_session(lang, id, session.congress_id, &title)?).into_response(), lang, set_cookie))
}

/// The page in `lang`.
pub fn render(lang: Lang) -> Result<String, ApiError> {
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let mut texts = json!({
        "logged_in_as": t("已登录：", "Logged in as"),
        "no_congress": t("尚未建立代表大会。", "No congress has been set up yet."),
        "cards": t("打印代表证", "Print delegate cards"),
        "roster_list": t("查看代表名册", "See the roll"),
        "audit": t("操作日志", "Audit log"),
        "session": t("第{n}次会议", "Session {n}"),
        "expected": t("应到", "Expected"),
        "present": t("实到", "Present"),
        "quorum_met": t("已达到法定人数", "quorum met"),
        "quorum_not_met": t("未达到法定人数", "quorum not met"),
        "new_session": t("新建会议", "New session"),
        "session_number": t("第几次会议", "Session number"),
        "session_place": t("地点", "Place"),
        "session_date": t("日期", "Date"),
        "create": t("建立", "Create"),
        "created": t("已建立：{name}", "Created: {name}"),
        "roster": t("代表名册", "Roll of delegates"),
        "roster_file": t("名册文件（CSV 或 Excel .xlsx）", "Roll file (CSV or Excel .xlsx)"),
        "import": t("导入", "Import"),
        "roster_imported": t("新增 {a} 人，更新 {u} 人，{e} 行有误未导入。", "Added: {a}. Updated: {u}. Rows refused: {e}."),
        "line": t("第 {n} 行：", "Line {n}: "),
        "accounts": t("账号", "Accounts"),
        "disable": t("停用", "Disable"),
        "enable": t("重新启用", "Re-enable"),
        "end_sessions": t("结束其登录", "Log out everywhere"),
        "disabled": t("已停用", "disabled"),
        "disable_confirm": t(
            "停用账号 {name}？其全部登录立即结束，不能再登录，直至重新启用。",
            "Disable the account {name}? Every session it has ends now, and it cannot log in until re-enabled.",
        ),
        "done_disabled": t("已停用 {name}，其登录已全部结束。", "{name} is disabled; its sessions have ended."),
        "done_enabled": t("已重新启用 {name}。", "{name} is enabled again."),
        "done_ended": t("已结束 {name} 的 {n} 个登录。", "Sessions of {name} ended: {n}."),
        "new_account": t("新建账号", "New account"),
        "username": t("登录名", "Login name"),
        "display_name": t("姓名", "Name"),
        "role": t("身份", "Role"),
        "roles": {
            "organiser": t("会务组", "organiser"),
            "observer": t("观察员", "observer"),
            "desk": t("报到处", "check-in desk"),
            "scrutineer": t("监票人", "scrutineer"),
            "booth": t("投票机", "voting booth")
        },
        "account_made": t(
            "已建立账号 {name}。一次性密码：{password}（只显示这一次，请交给本人，首次登录须更换）",
            "Account {name} created. One-time password: {password} (shown only now; give it to the person, who replaces it at the first login)",
        ),
        "p": punctuation(lang),
    });
    // In parts: one json! of this size exceeds the macro's recursion limit.
    let more = json!({
        "eligible": t("候选人资格名单", "Eligible list"),
        "eligible_help": t(
            "代表另选他人时，投票机按汉字或拼音首字母从这份名单中查找姓名；名单外的人也可手写。导入新文件将整份替换原名单。",
            "When a delegate writes in another person, the booth finds names in this list by characters or pinyin initials; a person not on it can still be written in. A new file replaces the whole list.",
        ),
        "eligible_file": t("名单文件（CSV 或 Excel .xlsx；列：姓名，可选序号、性别、工作单位）", "List file (CSV or Excel .xlsx; columns: name, and optionally no, gender, unit)"),
        "eligible_imported": t("名单现有 {a} 人（替换原有 {r} 人），{e} 行有误未导入。", "On the list: {a} (replacing {r}). Rows refused: {e}."),
        "who": t("{name}（{login}）", "{name} ({login})"),
        "account_item": t("{name}（{login}，{role}）", "{name} ({login}, {role})"),
        "poll_item": t("{name}（{kinds}）", "{name} ({kinds})"),
        "list_sep": t("、", ", "),
        // A date as the desk and the sheet write it (tally::text::date_words).
        "date": t("{y}年{m}月{d}日", "{d} {month} {y}"),
        "months": ["January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"],
    });
    if let (Some(texts), serde_json::Value::Object(more)) = (texts.as_object_mut(), more) {
        texts.extend(more);
    }
    // The new-session form's choice of counting rules: the built-in rulesets, each
    // described in the page's language, the default first.
    let rulesets: Vec<serde_json::Value> = hallvote_tally::ruleset::BUILTIN
        .iter()
        .filter_map(|name| hallvote_tally::ruleset::Ruleset::builtin(name).ok())
        .map(|r| {
            let about = r.description.as_ref().map(|d| d.get(lang).to_owned()).unwrap_or_default();
            json!({"name": r.name, "about": about})
        })
        .collect();
    if let Some(texts) = texts.as_object_mut() {
        texts.insert("rulesets".into(), rulesets.into());
        texts.insert("session_ruleset".into(), t("计票规则", "Counting rules").into());
    }
    let page = ConsolePage {
        langs: LangSwitch::query(lang),
        title: t("hallvote 会务组控制台", "hallvote organiser console"),
        login: t("登录", "Log in"),
        username: t("用户名", "Username"),
        password: t("密码", "Password"),
        login_button: t("登录", "Log in"),
        change_title: t("请设置新密码", "Choose a new password"),
        change_help: t(
            "首次登录须更换一次性密码（至少 10 个字符）。",
            "Replace the one-time password first (at least 10 characters).",
        ),
        new_password: t("新密码", "New password"),
        change_button: t("保存新密码", "Save new password"),
        logout: t("退出登录", "Log out"),
        new_congress: t("新建代表大会", "New congress"),
        congress_name: t("名称", "Name"),
        congress_name_example: t("中国共产党××镇第×届代表大会", "e.g. the 15th Congress of … Township"),
        congress_number: t("第几届", "Congress number (届)"),
        create: t("建立", "Create"),
        texts: ScriptJson::new(&texts),
    };
    crate::templates::render(&page).map(|Html(page)| page)
}

/// The punctuation the pages' scripts put between the words they join, in `lang`:
/// full-width in Chinese, ASCII with spaces in English (an English page with "（" or
/// "、" in it reads as untranslated).
fn punctuation(lang: Lang) -> serde_json::Value {
    match lang {
        Lang::ZhCn => json!({"open": "（", "close": "）", "list": "、", "comma": "，", "gap": "　"}),
        Lang::En => json!({"open": " (", "close": ")", "list": ", ", "comma": ", ", "gap": " · "}),
    }
}

/// The session page in `lang`, for session `id` of congress `congress`, titled `title`.
pub fn render_session(lang: Lang, id: i64, congress: i64, title: &str) -> Result<String, ApiError> {
    let zh = lang == Lang::ZhCn;
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let mut texts = json!({
        "p": punctuation(lang),
        "login_again": t("请重新登录。", "Please log in again."),
        "expected": t("应到", "Expected"),
        "present": t("实到", "Present"),
        "quorum_met": t("已达到法定人数", "quorum met"),
        "quorum_not_met": t("未达到法定人数", "quorum not met"),
        "reasons": {
            "illness": t("因病丧失行为能力", "incapacitated by illness"),
            "abroad": t("出国半年以上", "abroad for six months or more"),
            "detained": t("被羁押或正在服刑", "detained or serving a sentence"),
            "other": t("其他（经批准，请在说明中写明）", "other (approved; say which in the note)")
        },
        "excluded_item": t("{card}：{reason}", "{card}: {reason}"),
        "withdraw": t("撤销核减", "Withdraw"),
        "withdraw_confirm": t("撤销对 {card} 的核减？该代表将重新计入应到人数。", "Withdraw the exclusion of {card}? The delegate counts as expected again."),
        "withdrawn": t("已撤销对 {card} 的核减。", "The exclusion of {card} is withdrawn."),
        "excluded": t("代表证号 {card} 已不计入应到人数。", "Card {card} no longer counts towards the expected number."),
        "attendee_kinds": {
            "attending": t("列席", "attending without a vote"),
            "observing": t("旁听", "observer")
        },
        "attendee_item": t("{number} {name}（{unit}），{kind}，{state}", "{number} {name} ({unit}), {kind}, {state}"),
        "attendee_in": t("已报到", "checked in"),
        "attendee_out": t("未报到", "not checked in"),
        "attendee_registered": t("已登记 {name}（证号 {number}）：在报到处单独报到，不发选票。", "{name} (pass {number}) is registered: checked in separately at the desk, never issued a ballot."),
        "kinds": {
            "desk": t("报到终端", "check-in desk"),
            "booth": t("投票终端", "voting booth"),
            "scrutineer": t("监票终端", "scrutineer station")
        },
        "live": t("在用", "in use"),
        "revoked": t("已注销", "revoked"),
        "revoke": t("注销", "Revoke"),
        "revoke_confirm": t("注销终端“{s}”？注销后不能恢复，该机器须重新登记。",
            "Revoke station “{s}”? This cannot be undone; the machine must enrol again."),
        "revoked_note": t("终端“{s}”已注销。", "Station “{s}” is revoked."),
        "enrol_scan": t("请在终端“{s}”上扫描此二维码完成登记（{t} 前有效，只能使用一次）。",
            "Scan this code on station “{s}” to enrol it (valid until {t}, once)."),
        "enrol_qr": t("终端“{s}”的登记二维码", "Enrolment QR code for station “{s}”"),
        "template_names": {
            "election": t("选举（差额）", "election (more candidates than seats)"),
            "by_election": t("补选", "by-election"),
            "confidence": t("信任投票", "confidence vote"),
            "evaluation": t("民主评议", "evaluation"),
            "motion": t("表决", "motion"),
            "recall": t("罢免", "recall")
        },
        "reports": t("述职报告摘要", "述职 summaries (reports on duties)"),
        "reports_help": t(
            "投票机在选项页之前逐人显示；投票开始后不能更改，并公开供查阅。纯文本，每行一段，不超过 6000 字；清空即删除。",
            "The booth shows each before the marks; they cannot change once the poll opens, and are public. Text, a paragraph a line, at most 6000 characters; empty removes it."),
        "report_member": t("成员", "Member"),
        "report_text": t("摘要", "Summary"),
        "report_save": t("保存摘要", "Save summary"),
        "report_saved": t("已保存 {name} 的述职报告摘要。", "The summary of {name} is saved."),
        "names_candidates": t("候选人（每行一人，按姓氏笔画排列）", "Candidates (one per line, in stroke order)"),
        "names_members": t("委员（每行一人，按述职顺序）", "Members (one per line, in the order they reported)"),
        "names_items": t("表决事项（每行一项）", "Items to vote on (one per line)"),
    });
    // In parts: one json! of this size exceeds the macro's recursion limit.
    let more = json!({
        "poll_created": t("已建立投票：{name}", "Poll created: {name}"),
        "no_polls": t("本次会议尚无投票。", "This session has no polls yet."),
        "states": crate::lifecycle::words(lang),
        "officers": t("监票人、计票人：", "Scrutineers and counters: "),
        "fingerprint": t("选举指纹（与监票记录核对）：", "Election fingerprint (compare with the scrutineers' minutes): "),
        "appoint": t("确定监票人、计票人", "Appoint scrutineers and counters"),
        "appoint_help": t(
            "为每台监票终端选择身份并填写使用它的代表的代表证号（候选人不能担任）。k 为解密所需的最少监票人数。",
            "For each scrutineer station choose a role and the card number of the delegate who uses it (not a candidate). k is how many scrutineers it takes to decrypt."
        ),
        "no_scrutineer_station": t("还没有已登记的监票终端：请先在下方登记。", "No scrutineer station is enrolled yet: enrol them below first."),
        "role": t("身份", "Role"),
        "station_name": t("监票终端", "Scrutineer station"),
        "role_none": t("不参加", "not taking part"),
        "role_scrutineer": t("监票人", "scrutineer"),
        "role_counter": t("计票人", "counter"),
        "card": t("代表证号", "Card number"),
        "card_missing": t("请填写终端“{s}”的代表证号。", "Enter the card number for station “{s}”."),
        "threshold": t("解密所需监票人数 k", "Scrutineers needed to decrypt (k)"),
        "appoint_button": t("确定", "Appoint"),
        "appointed": t("已确定监票人、计票人。", "Officers appointed."),
        "start_ceremony": t("开始密钥生成", "Start the key ceremony"),
        "ceremony_started": t("密钥生成已开始：请各监票人在监票终端上完成。", "The key ceremony has started: each scrutineer completes it at their station."),
        "ceremony_wait": t(
            "等待各监票终端完成密钥生成。若某台监票终端无法继续（重启后丢失了数据、机器故障），可重新开始。",
            "Waiting for the scrutineer stations to finish the key ceremony. If a station cannot go on (it lost its data on a restart, the machine broke), start again."
        ),
        "refresh": t("刷新", "Refresh"),
        "restart": t("重新开始密钥生成", "Start the key ceremony again"),
        "restart_confirm": t(
            "放弃本次密钥生成并重新开始？须重新指定监票人，各监票终端重新生成密钥。只在某台监票终端无法继续时使用。",
            "Abandon this key ceremony and start again? The officers must be appointed again and every scrutineer station starts afresh. Use this only when a station cannot go on."
        ),
        "restarted": t("已放弃本次密钥生成：请重新指定监票人，再开始密钥生成。", "The ceremony was abandoned: appoint the officers again, then start a new ceremony."),
        "key_checks": t("密钥检查（全部监票人通过后才能开始投票）：", "Key checks (the poll opens once every scrutineer has passed):"),
        "key_check_item": t("第 {j} 号监票人 {name}：{state}", "Scrutineer {j}, {name}: {state}"),
        "key_check_passed": t("已通过", "passed"),
        "key_check_pending": t("尚未通过", "not yet passed"),
        "key_check_wait": t(
            "请每位监票人在监票终端上用保存的密钥份额文件和口令“检查密钥份额”。若某位监票人的份额文件丢失或检查无法通过，请重新开始密钥生成。",
            "Each scrutineer checks their key share at their station, with the saved share file and its passphrase. If a scrutineer's share file is lost or cannot pass the check, start the key ceremony again."
        ),
    });
    let rest = json!({
        "open": t("开始投票", "Open the poll"),
        "opened": t("投票已开始。", "The poll is open."),
        "close": t("结束投票", "Close the poll"),
        "close_confirm": t(
            "结束投票？已发出选票 {issued} 张，已投出 {cast} 张，尚有 {left} 张未投出。结束后不能再投票。",
            "Close the poll? {issued} ballots issued, {cast} cast, {left} not cast yet. No more ballots can be cast after closing."
        ),
        "progress_open": t("实到 {present}　已发出选票 {issued} 张　已投出 {cast} 张", "Present {present} · ballots issued {issued} · cast {cast}"),
        "progress_closed": t("已投出 {cast} 张　已解密的监票人 {decrypted}/{k}", "Cast {cast} · scrutineers decrypted {decrypted} of {k}"),
        "progress_tallied": t("已签名 {signed}/{needed}", "Signed {signed} of {needed}"),
        "progress_published": t("已投出 {cast} 张，结果已公布", "Cast {cast}; the result is published"),
        "closed": t("投票已结束：请监票人在监票终端上解密。", "The poll is closed: the scrutineers decrypt at their stations."),
        "decrypt_wait": t("监票人解密后即可计票。", "Once the scrutineers have decrypted, count the result."),
        "tally": t("计票", "Count the result"),
        "tallied": t("已计票：请监票人、计票人核对并签名。", "Counted: the scrutineers and counters review and sign."),
        "sign_wait": t("监票人、计票人签名后即可公布。", "Once the scrutineers and counters have signed, publish."),
        "publish": t("公布结果", "Publish the result"),
        "publish_confirm": t("公布结果？公布后结果和选举记录向所有人公开。", "Publish? The result and the election record become public."),
        "published": t("结果已公布。", "The result is published."),
        "runoff": t("对票数相等者再次投票", "Runoff among the tied"),
        "separate": t("另行选举空缺名额", "Separate election for empty seats"),
        "follow_up_made": t("已建立：{name}", "Created: {name}"),
        "board": t("公告板", "Bulletin board"),
        "sheet": t("计票结果报告单", "Result sheet"),
        "sheet_pdf": t("报告单 PDF", "Result sheet (PDF)"),
        "record": t("下载选举记录", "Download the election record"),
        "contest_n": t("第 {n} 项", "Contest {n}"),
        "contest_kind": t("类型", "Kind"),
        "contest_title": t("标题（印在选票上）", "Title (printed on the ballot)"),
        "seats": t("应选名额", "Seats"),
        "write_ins": t("允许另选他人", "Allow write-ins"),
        "remove_contest": t("删除此项", "Remove this contest"),
    });
    // The set-up checklist at the head of the page: what is done, and what is next.
    let checklist = json!({
        "check_roll": t("导入代表名册", "Import the roll"),
        "check_roll_done": t("代表名册已导入：应到 {expected} 人", "Roll imported: {expected} expected"),
        "check_stations": t("登记报到、投票、监票终端（各至少一台）", "Enrol the desk, booth and scrutineer stations (at least one of each)"),
        "check_stations_done": t("终端已登记：报到 {desk} 台、投票 {booth} 台、监票 {scrutineer} 台",
            "Stations enrolled: desks {desk}, booths {booth}, scrutineer stations {scrutineer}"),
        "check_polls": t("建立本次会议的投票", "Create the session's polls"),
        "check_polls_done": t("已建立 {n} 项投票", "Polls created: {n}"),
        "check_ceremony": t("为每项投票确定监票人并完成密钥生成", "Appoint each poll's officers and run its key ceremony"),
        "check_ceremony_done": t("各项投票的密钥生成已完成", "Every poll's key ceremony is done"),
        "check_quorum": t("代表报到，达到法定人数（实到 {present}，应到 {expected}）",
            "Delegates check in until there is a quorum ({present} of {expected} present)"),
        "check_quorum_done": t("已达到法定人数：实到 {present} 人", "Quorum: {present} present"),
        "check_open": t("开始投票", "Open the polls"),
        "check_open_done": t("投票已开始", "Voting has begun"),
        "check_next": t("下一步", "Next"),
        "check_done": t("已完成", "Done"),
        "check_todo": t("待办", "To do"),
    });
    if let Some(all) = texts.as_object_mut() {
        for part in [more, rest, checklist] {
            if let serde_json::Value::Object(part) = part {
                all.extend(part);
            }
        }
    }
    let heading = if title.is_empty() { t("会议", "Session").to_owned() } else { title.to_owned() };
    let page = SessionPage {
        langs: LangSwitch::query(lang),
        title: heading,
        back: t("返回控制台", "Back to the console"),
        display: t("大屏幕", "Hall display"),
        roster: t("代表名册", "Roll"),
        proposals: t("提案", "Proposals"),
        attendance: t("出席", "Attendance"),
        checklist: t("会前准备", "Getting ready"),
        exclusion: t("不计入应到人数的代表", "Delegates not counted as expected"),
        card: t("代表证号", "Card number"),
        reason: t("原因", "Reason"),
        note_label: t("说明", "Note"),
        exclude: t("确认", "Confirm"),
        attendees: t(
            "列席、旁听人员（不计入应到、实到人数，不发选票）",
            "Attending without a vote and observers (not counted, no ballot)",
        ),
        attendee_number: t("证号", "Pass number"),
        attendee_name: t("姓名", "Name"),
        attendee_unit: t("单位及职务", "Unit and post"),
        attendee_kind: t("类别", "Kind"),
        attending: t("列席", "Attending without a vote"),
        observing: t("旁听", "Observer"),
        register: t("登记", "Register"),
        polls: t("投票", "Polls"),
        new_poll: t("新建投票", "New poll"),
        template: t("类型", "Kind"),
        poll_name: t("名称", "Name"),
        seats: t("应选名额", "Seats"),
        write_ins: t("允许另选他人", "Allow write-ins"),
        names: t("候选人", "Candidates"),
        names_help: t(
            "名称、人数差额等按选举办法检查，不符合时会说明原因。",
            "The poll is checked against the rules; what is wrong is explained.",
        ),
        create_poll: t("建立投票", "Create poll"),
        add_contest: t("添加一项（同一张选票）", "Add a contest (on the same ballot)"),
        stations: t("会场终端", "Hall stations"),
        station_kind: t("类型", "Kind"),
        station_name: t("名称", "Name"),
        station_state: t("状态", "State"),
        enrol: t("登记新终端", "Enrol a new station"),
        enrol_button: t("生成登记二维码", "Make an enrolment QR code"),
        server_url: t("终端访问服务器的地址", "The server's address, as stations reach it"),
        server_url_help: t(
            "默认为本页的地址；若终端经会场局域网访问，请填写服务器在局域网中的地址。",
            "This page's address by default; if stations reach the server over the hall's network, give that address.",
        ),
        session: id,
        congress,
        texts: ScriptJson::new(&texts),
    };
    crate::templates::render(&page).map(|Html(page)| page)
}

/// The start page (`pages/console.html`).
#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    langs: LangSwitch,
    title: &'static str,
    login: &'static str,
    username: &'static str,
    password: &'static str,
    login_button: &'static str,
    change_title: &'static str,
    change_help: &'static str,
    new_password: &'static str,
    change_button: &'static str,
    logout: &'static str,
    new_congress: &'static str,
    congress_name: &'static str,
    congress_name_example: &'static str,
    congress_number: &'static str,
    create: &'static str,
    /// The script's texts.
    texts: ScriptJson,
}

/// The session page (`pages/session.html`).
#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    langs: LangSwitch,
    title: String,
    back: &'static str,
    display: &'static str,
    roster: &'static str,
    proposals: &'static str,
    attendance: &'static str,
    checklist: &'static str,
    exclusion: &'static str,
    card: &'static str,
    reason: &'static str,
    note_label: &'static str,
    exclude: &'static str,
    /// The 列席 and 旁听 form's heading and fields.
    attendees: &'static str,
    attendee_number: &'static str,
    attendee_name: &'static str,
    attendee_unit: &'static str,
    attendee_kind: &'static str,
    attending: &'static str,
    observing: &'static str,
    register: &'static str,
    polls: &'static str,
    new_poll: &'static str,
    template: &'static str,
    poll_name: &'static str,
    seats: &'static str,
    /// The election's write-in switch (R9), on by default.
    write_ins: &'static str,
    names: &'static str,
    names_help: &'static str,
    create_poll: &'static str,
    add_contest: &'static str,
    stations: &'static str,
    station_kind: &'static str,
    station_name: &'static str,
    station_state: &'static str,
    enrol: &'static str,
    enrol_button: &'static str,
    server_url: &'static str,
    server_url_help: &'static str,
    /// For the script (`<body data-session="7">`) and in a link.
    session: i64,
    /// Its congress, for the link to the roll.
    congress: i64,
    /// The script's texts.
    texts: ScriptJson,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_in_both_languages() {
        for lang in [Lang::ZhCn, Lang::En] {
            let page = render(lang).unwrap();
            assert!(!page.contains("{{"), "unfilled placeholder");
            assert!(page.contains("<form id=\"login\""));
        }
        assert!(render(Lang::ZhCn).unwrap().contains("会务组控制台"));
        assert!(render(Lang::En).unwrap().contains("organiser console"));
        assert!(render(Lang::En).unwrap().contains("lang=\"en\""));
    }

    /// Every `T.name` a page's script uses is among the texts its data block gives.
    #[test]
    fn every_text_the_scripts_use_is_defined() {
        const CONSOLE_JS: &str = include_str!("../../assets/console.js");
        const SESSION_JS: &str = include_str!("../../assets/session.js");
        for lang in [Lang::ZhCn, Lang::En] {
            for (script, page) in
                [(CONSOLE_JS, render(lang).unwrap()), (SESSION_JS, render_session(lang, 1, 1, "").unwrap())]
            {
                let open = "<script type=\"application/json\" id=\"texts\">";
                let block = &page[page.find(open).expect("texts") + open.len()..];
                let block = &block[..block.find("</script>").expect("end of the texts")];
                let texts: serde_json::Value = serde_json::from_str(block).expect("JSON");
                let mut rest = script;
                let mut used = 0;
                while let Some(at) = rest.find("T.") {
                    rest = &rest[at + 2..];
                    let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                    if !name.is_empty() {
                        used += 1;
                        assert!(texts.get(&name).is_some(), "T.{name} is not defined ({lang:?})");
                    }
                }
                assert!(used > 5, "the script uses its texts");
            }
        }
    }

    #[test]
    fn the_session_page_fills_every_placeholder_and_escapes_its_title() {
        for lang in [Lang::ZhCn, Lang::En] {
            let page = render_session(lang, 7, 3, "<b>镇</b>").unwrap();
            assert!(!page.contains("{{"), "unfilled placeholder");
            assert!(page.contains("<body data-session=\"7\">"));
            assert!(page.contains("&lt;b&gt;镇&lt;/b&gt;"));
            assert!(page.contains("href=\"/congresses/3/roster\""), "the roll is in the header");
            assert!(!page.contains("<b>镇"));
        }
        assert!(render_session(Lang::ZhCn, 1, 1, "").unwrap().contains("结束投票"));
        assert!(render_session(Lang::En, 1, 1, "").unwrap().contains("Close the poll"));
    }
}
