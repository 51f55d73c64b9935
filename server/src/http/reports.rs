//! 述职 reports (spec §14.16, ADR 0030): the organiser attaches the summary of each
//! member's report on their duties to a confidence vote, evaluation or recall contest;
//! the booth shows it before that member's marks; anyone may read what was shown.
//!
//! Summaries are text only: paragraphs separated by one line break, put in NFC,
//! with no control, direction or invisible character, and at most
//! [`MAX_REPORT_CHARS`] characters. They may be changed until the poll opens, so that
//! every delegate is shown the same text.

use crate::api::prelude::*;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallvote_protocol::wire::{MAX_REPORT_CHARS, MemberReport};
use hallvote_tally::Lang;
use hallvote_tally::model::{ContestKind, Poll};
use hallvote_tally::text::{name_problem, normalize_name};

use super::AppState;
use super::extract::Json as JsonBody;
use super::support::errors::{conflict, invalid, not_found};
use super::support::session::Authenticated;
use crate::ApiError;
use crate::db::{audit, polls, reports};

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new()
        .mount(
            {
                const ROUTE: Route = at(Put, "/api/polls/{id}/reports", "polls", Access::Roles(ORGANISER))
                    .says(
                        "Attach a member's 述职 summary to a contest",
                        "为信任投票、民主评议或罢免事项中的一名成员附上述职报告摘要；投票机在该成员的选项前显示。",
                    )
                    .more(
                        "Text only, paragraphs separated by a line break, at most 6000 characters; an empty text \
                         removes the summary. Until the poll opens.",
                    )
                    .takes::<MemberReport>()
                    .answers_type::<MemberReport>(200)
                    .refuses(&[
                        (409, "poll_wrong_state"),
                        (404, "no_such_member"),
                        (422, "contest_takes_no_report"),
                        (422, "bad_report_text"),
                        (422, "report_too_long"),
                    ]);
                ROUTE
            },
            set_report,
        )
        .mount(
            {
                const ROUTE: Route = at(Get, "/api/polls/{id}/reports", "public", Access::Public)
                    .says("The 述职 summaries of a poll", "投票所附的述职报告摘要（公开）：投票机显示的正是这些内容。")
                    .answers_list::<MemberReport>(200);
                ROUTE
            },
            list_reports,
        )
        .mount(
            {
                const ROUTE: Route =
                    at(Get, "/api/station/polls/{id}/reports", "voting", Access::Station(&[StationKind::Booth]))
                        .says("The 述职 summaries, for the booth", "投票机读取述职报告摘要，在每位成员的选项前显示。")
                        .answers_list::<MemberReport>(200);
                ROUTE
            },
            list_reports,
        )
}

/// The summary in its one stored form, or what is wrong with it: line breaks as `\n`,
/// spaces around each line and blank lines dropped, NFC, no control, direction or
/// invisible character, at most [`MAX_REPORT_CHARS`] characters.
pub(crate) fn clean_report(text: &str) -> Result<String, ApiError> {
    use unicode_normalization::UnicodeNormalization as _;
    let mut lines = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line).trim();
        if line.is_empty() {
            continue;
        }
        for c in line.chars() {
            if c == ' ' || c == '\u{3000}' {
                continue;
            }
            if let Some(problem) = name_problem(c.encode_utf8(&mut [0; 4])) {
                let t = problem.text();
                return Err(invalid(
                    "bad_report_text",
                    &format!("述职报告摘要{}，请删去后再保存。", t.zh),
                    &format!("The summary {}; remove it and save again.", t.en),
                ));
            }
        }
        lines.push(line.nfc().collect::<String>());
    }
    let out = lines.join("\n");
    let n = out.chars().count();
    if n > MAX_REPORT_CHARS {
        return Err(invalid(
            "report_too_long",
            &format!("述职报告摘要有 {n} 个字符，超过上限 {MAX_REPORT_CHARS}。"),
            &format!("The summary has {n} characters, more than {MAX_REPORT_CHARS}."),
        ));
    }
    Ok(out)
}

/// The member of `poll`'s contest `contest` that `member` names (in its one form),
/// if the contest takes reports.
fn member_of(poll: &Poll, contest: &str, member: &str) -> Result<String, ApiError> {
    let c = poll.contest(contest).ok_or_else(|| not_found("事项", "contest"))?;
    let members = match &c.kind {
        ContestKind::Confidence(v) => &v.members,
        ContestKind::Evaluation(v) => &v.members,
        ContestKind::Recall(v) => &v.members,
        ContestKind::Election(_) | ContestKind::Motion(_) => {
            return Err(invalid(
                "contest_takes_no_report",
                "只有信任投票、民主评议和罢免事项可以附述职报告摘要。",
                "Only a confidence vote, an evaluation or a recall takes 述职 summaries.",
            ));
        }
    };
    let name = normalize_name(member).unwrap_or_else(|_| member.to_owned());
    members.iter().find(|m| **m == name).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_such_member",
            &format!("事项“{}”中没有成员“{member}”。", c.title),
            &format!("Contest “{}” has no member “{member}”.", c.title),
        )
    })
}

async fn set_report(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<MemberReport>,
) -> Result<Json<MemberReport>, ApiError> {
    let p = polls::get(&state.store, id).await?.ok_or_else(|| not_found("投票", "poll"))?;
    if !p.state.before_open() {
        return Err(conflict(
            "poll_wrong_state",
            &format!("本次投票当前状态为“{}”，投票开始后不能再更改述职报告摘要。", p.state.label(Lang::ZhCn)),
            &format!(
                "The poll's state is “{}”; summaries cannot change once the poll has opened.",
                p.state.label(Lang::En)
            ),
        ));
    }
    let member = member_of(&p.poll, &req.contest, &req.member)?;
    let text = clean_report(&req.text)?;
    let had = reports::set(&state.store, p.id, &req.contest, &member, &text, state.clock.now()).await?;
    let what = match (had, text.is_empty()) {
        (_, true) => "removed",
        (true, false) => "replaced",
        (false, false) => "attached",
    };
    audit::append(
        &state.store,
        state.clock.now(),
        &auth.account.username,
        "report.set",
        &format!(
            "{} (#{}), {} / {member}: {what}, {} characters",
            p.poll.name,
            p.id,
            req.contest,
            text.chars().count()
        ),
    )
    .await?;
    Ok(Json(MemberReport { contest: req.contest, member, text }))
}

/// In ballot order: contests as the poll has them, members as each contest has them.
async fn list_reports(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<Vec<MemberReport>>, ApiError> {
    let p = polls::get(&state.store, id).await?.ok_or_else(|| not_found("投票", "poll"))?;
    let mut all = reports::of_poll(&state.store, p.id).await?;
    let position = |r: &MemberReport| {
        p.poll.contests.iter().position(|c| c.id == r.contest).map(|k| {
            let item = p.poll.contests[k].items().iter().position(|m| *m == r.member);
            (k, item)
        })
    };
    all.sort_by_cached_key(position);
    Ok(Json(all))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_summary_is_kept_as_paragraphs_in_one_form() {
        let t = clean_report("  一、履职情况 \r\n\r\n\u{F9E1}明同志\n\n二、存在不足　\n").unwrap();
        assert_eq!(t, "一、履职情况\n李明同志\n二、存在不足");
        assert_eq!(clean_report(" \n \n").unwrap(), "");
        assert!(clean_report("含\u{200B}零宽字符").is_err());
        assert!(clean_report("含\u{0}").is_err());
        assert!(clean_report("含\u{202E}反向").is_err());
        assert!(clean_report("\t制表").is_ok(), "a tab at the start of a line is trimmed");
        assert!(clean_report("中\t间").is_err());
        assert!(clean_report(&"字".repeat(MAX_REPORT_CHARS)).is_ok());
        assert!(clean_report(&"字".repeat(MAX_REPORT_CHARS + 1)).is_err());
    }
}
