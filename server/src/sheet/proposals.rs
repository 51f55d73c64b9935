//! The session's proposals as A4 PDFs, drawn with the result sheet's document model
//! and renderer: the 提案汇编 (every proposal filed, in full: title, lead delegate,
//! co-signers, reasons, suggested measures, where it stands) and the handling report
//! (提案办理情况报告: the presidium's decisions, the handling units, the replies and
//! the lead delegates' evaluations).

use hallvote_protocol::wire::{Proposal, ProposalCategory, ProposalState, ReplyEvaluation};
use hallvote_tally::text::{Lang, Text};

use super::{Align, Block, Column, Doc, Fonts, Para, Row, SheetError, Table};

/// Which of the two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalDoc {
    /// 提案汇编.
    Compilation,
    /// 提案办理情况报告.
    Report,
}

/// A proposal's state in words.
pub fn state_text(s: ProposalState) -> Text {
    let (zh, en) = match s {
        ProposalState::Collecting => ("征集附议", "collecting co-signers"),
        ProposalState::Submitted => ("待主席团审议", "awaiting the presidium's review"),
        ProposalState::Accepted => ("已立案，待交办", "accepted, to be routed"),
        ProposalState::Merged => ("已并案", "merged into another"),
        ProposalState::NotAccepted => ("不予立案", "not accepted"),
        ProposalState::OnAgenda => ("已列入大会议程", "on the agenda"),
        ProposalState::Assigned => ("已交办，待答复", "assigned, awaiting the reply"),
        ProposalState::Replied => ("已答复，待代表评价", "replied, awaiting the evaluation"),
        ProposalState::ReplyAgain => ("代表不满意，待再次答复", "not satisfied, awaiting a second reply"),
        ProposalState::Concluded => ("已办结", "concluded"),
    };
    Text::new(zh, en)
}

/// 满意, 基本满意, 不满意 in words.
pub fn evaluation_text(e: ReplyEvaluation) -> Text {
    match e {
        ReplyEvaluation::Satisfied => Text::new("满意", "satisfied"),
        ReplyEvaluation::BasicallySatisfied => Text::new("基本满意", "basically satisfied"),
        ReplyEvaluation::Dissatisfied => Text::new("不满意", "not satisfied"),
    }
}

/// 提案 or 意见建议 in words.
pub fn category_text(c: ProposalCategory) -> Text {
    match c {
        ProposalCategory::Proposal => Text::new("提案", "proposal"),
        ProposalCategory::Suggestion => Text::new("意见建议", "suggestion"),
    }
}

/// The document of the session's filed proposals (drafts still collecting co-signers
/// are left out), headed with the session's name.
pub(crate) fn build(which: ProposalDoc, session: &str, all: &[Proposal], lang: Lang) -> Doc {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let filed: Vec<&Proposal> = all.iter().filter(|p| p.state != ProposalState::Collecting).collect();
    let number = |p: &Proposal| match lang {
        Lang::ZhCn => format!("第{}号", p.number),
        Lang::En => format!("No. {}", p.number),
    };
    let sep = t("、", ", ");
    let label = Column { align: Align::Left, label: true, grow: 0.0 };
    let text = Column::TEXT;
    let mut blocks = Vec::new();
    if filed.is_empty() {
        blocks.push(Block::Para(Para {
            text: t("本次会议尚无提交的提案。", "No proposal has been filed at this session."),
            strong: false,
        }));
    }
    match which {
        ProposalDoc::Compilation => {
            for p in &filed {
                blocks.push(Block::Heading(format!("{} {}", number(p), p.title)));
                let cosigners: Vec<String> = p.cosigners.iter().map(|c| c.delegate.name.clone()).collect();
                let mut state = state_text(p.state).get(lang).to_owned();
                if p.category == ProposalCategory::Suggestion {
                    state = format!("{state}（{}）", category_text(p.category).get(lang));
                }
                blocks.push(Block::Table(Table {
                    class: "facts",
                    keep: true,
                    header: None,
                    columns: vec![label, text],
                    rows: vec![
                        Row::new(vec![t("领衔代表", "Lead delegate"), format!("{}（{}）", p.lead.name, p.lead.group)]),
                        Row::new(vec![
                            t("附议代表", "Co-signers"),
                            match lang {
                                Lang::ZhCn => format!("{}（{} 人）", cosigners.join(&sep), cosigners.len()),
                                Lang::En => format!("{} ({})", cosigners.join(&sep), cosigners.len()),
                            },
                        ]),
                        Row::new(vec![t("办理情况", "Status"), state]),
                    ],
                }));
                for (heading, body) in
                    [(t("理由", "Reasons"), &p.reasons), (t("建议措施", "Suggested measures"), &p.measures)]
                {
                    blocks.push(Block::Para(Para { text: heading, strong: true }));
                    for line in body.lines().filter(|l| !l.trim().is_empty()) {
                        blocks.push(Block::Para(Para { text: line.trim().to_owned(), strong: false }));
                    }
                }
            }
        }
        ProposalDoc::Report => {
            let count = |f: &dyn Fn(&Proposal) -> bool| filed.iter().filter(|p| f(p)).count().to_string();
            blocks.push(Block::Heading(t("总体情况", "Overview")));
            blocks.push(Block::Table(Table {
                class: "figures",
                keep: true,
                header: Some(vec![
                    t("提交", "Filed"),
                    t("立案", "Accepted"),
                    t("转为意见建议", "Suggestions"),
                    t("并案", "Merged"),
                    t("不予立案", "Not accepted"),
                    t("列入议程", "On the agenda"),
                    t("已办结", "Concluded"),
                ]),
                columns: vec![Column { align: Align::Center, label: false, grow: 1.0 }; 7],
                rows: vec![Row::new(vec![
                    filed.len().to_string(),
                    count(&|p| {
                        p.category == ProposalCategory::Proposal
                            && !matches!(
                                p.state,
                                ProposalState::Submitted | ProposalState::Merged | ProposalState::NotAccepted
                            )
                    }),
                    count(&|p| p.category == ProposalCategory::Suggestion),
                    count(&|p| p.state == ProposalState::Merged),
                    count(&|p| p.state == ProposalState::NotAccepted),
                    count(&|p| p.state == ProposalState::OnAgenda),
                    count(&|p| p.state == ProposalState::Concluded),
                ])],
            }));
            blocks.push(Block::Heading(t("逐件办理情况", "Each proposal")));
            let rows = filed
                .iter()
                .map(|p| {
                    let decision = match (p.state, p.merged_into) {
                        (ProposalState::Merged, Some(into)) => match all.iter().find(|o| o.id == into) {
                            Some(o) => format!("{}，{}", state_text(p.state).get(lang), number(o)),
                            None => state_text(p.state).get(lang).to_owned(),
                        },
                        _ => state_text(p.state).get(lang).to_owned(),
                    };
                    let due = if p.due.is_empty() { String::new() } else { format!("\n{}", p.due) };
                    Row::new(vec![
                        p.number.to_string(),
                        p.title.clone(),
                        p.lead.name.clone(),
                        format!("{}\n{decision}", category_text(p.category).get(lang)),
                        format!("{}{due}", p.unit),
                        p.evaluation.map(|e| evaluation_text(e).get(lang).to_owned()).unwrap_or_default(),
                    ])
                })
                .collect();
            blocks.push(Block::Table(Table {
                class: "votes",
                keep: false,
                header: Some(vec![
                    t("编号", "No."),
                    t("案由", "Title"),
                    t("领衔代表", "Lead delegate"),
                    t("审议结果", "Decision"),
                    t("承办单位、期限", "Handling unit, due"),
                    t("代表评价", "Evaluation"),
                ]),
                columns: vec![
                    label,
                    text,
                    Column { align: Align::Left, label: false, grow: 0.5 },
                    text,
                    text,
                    Column { align: Align::Center, label: false, grow: 0.5 },
                ],
                rows,
            }));
            for p in &filed {
                let steps: Vec<String> =
                    p.history.iter().filter(|e| e.action != "drafted").map(|e| step_words(e, lang)).collect();
                if steps.is_empty() {
                    continue;
                }
                blocks.push(Block::Notes { title: format!("{} {}", number(p), p.title), items: steps });
            }
        }
    }
    Doc {
        lang,
        title: match which {
            ProposalDoc::Compilation => t("提案汇编", "Compilation of proposals"),
            ProposalDoc::Report => t("提案办理情况报告", "Report on the handling of proposals"),
        },
        subtitles: vec![session.to_owned()],
        blocks,
        keep_together: Vec::new(),
    }
}

/// A step of a proposal's history in words: who decided and why, the reply's text.
fn step_words(e: &hallvote_protocol::wire::ProposalEvent, lang: Lang) -> String {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let what = match e.action.as_str() {
        "submit" => t("提交", "Filed"),
        "review.accept" => t("主席团审议：立案", "Presidium: accepted"),
        "review.merge" => t("主席团审议：并案", "Presidium: merged"),
        "review.suggestion" => t("主席团审议：转为意见建议", "Presidium: turned into a suggestion"),
        "review.reject" => t("主席团审议：不予立案", "Presidium: not accepted"),
        "assign" => t("交办", "Assigned"),
        "agenda" => t("列入大会议程", "Put on the agenda"),
        "reply" => t("承办单位答复", "Reply"),
        a => match a.strip_prefix("evaluate.").and_then(ReplyEvaluation::parse) {
            Some(ev) => format!("{}{}", t("代表评价：", "Evaluation: "), evaluation_text(ev).get(lang)),
            None => a.to_owned(),
        },
    };
    let mut out = what;
    if let Some(m) = &e.member {
        out.push_str(&match lang {
            Lang::ZhCn => format!("（主席团成员 {}）", m.name),
            Lang::En => format!(" (presidium member {})", m.name),
        });
    }
    for extra in [&e.text, &e.reason] {
        if !extra.is_empty() {
            out.push_str(&t("：", ": "));
            out.push_str(&extra.replace('\n', " "));
        }
    }
    out
}

/// The document as an A4 PDF.
pub fn pdf(which: ProposalDoc, session: &str, all: &[Proposal], lang: Lang) -> Result<Vec<u8>, SheetError> {
    super::pdf::render(&build(which, session, all, lang), &Fonts::locate()?)
}
