//! The result sheet (计票结果报告单, R14) as plain text, in zh-CN or en.

use std::fmt::Write;

use crate::count::{CandidateStatus, ContestResult, ElectionResult, GradedResult, MotionResult, PollResult};
use crate::text::{Lang, Text, zh_numeral};

/// What the sheet is headed with, beyond the result itself.
#[derive(Clone, Debug, Default)]
pub struct Heading {
    /// The session: 中国共产党青石镇第十五届代表大会第三次会议.
    pub session: String,
    /// Date, as printed.
    pub date: String,
    /// Place.
    pub place: String,
}

/// Renders the result sheet: heading, ruleset, attendance and ballots, quorum,
/// reconciliation, every contest with its figures and outcomes, and lines for the
/// signatures of the scrutineers and counters.
pub fn render(result: &PollResult, heading: &Heading, lang: Lang) -> String {
    let t = |zh: &str, en: &str| -> String { Text::new(zh, en).get(lang).to_owned() };
    let mut s = String::new();
    let _ = writeln!(s, "{}", t("计票结果报告单", "RESULT SHEET"));
    for line in [&heading.session, &result.poll] {
        if !line.is_empty() {
            let _ = writeln!(s, "{line}");
        }
    }
    let _ = writeln!(s, "{}{} (sha256 {})", t("规则集：", "Ruleset: "), result.ruleset.name, result.ruleset.sha256);
    if !heading.date.is_empty() || !heading.place.is_empty() {
        let _ = writeln!(s, "{}{}  {}{}", t("日期：", "Date: "), heading.date, t("地点：", "Place: "), heading.place);
    }
    let (e, p, i, r, v, n) =
        (result.expected, result.present, result.issued, result.returned, result.valid_ballots, result.invalid_ballots);
    let _ = writeln!(
        s,
        "\n{}",
        Text::new(
            format!("应到 {e} 人，实到 {p} 人；发出选票 {i} 张，收回选票 {r} 张，其中有效票 {v} 张，无效票 {n} 张"),
            format!("Expected {e}, present {p}; ballots issued {i}, returned {r}: {v} valid, {n} invalid"),
        )
        .get(lang)
    );
    if result.replaced > 0 || result.replaced_lost > 0 {
        let (d, l) = (result.replaced, result.replaced_lost);
        let _ = writeln!(
            s,
            "{}",
            Text::new(
                format!("换发选票：损坏交回作废并重发 {d} 张，遗失补发 {l} 张（计入发出选票）"),
                format!("Replaced: {d} damaged (cancelled and re-issued), {l} lost (counted as issued)"),
            )
            .get(lang)
        );
    }
    let _ = writeln!(s, "{}{}", t("法定人数：", "Quorum: "), result.quorum_reason.get(lang));
    let _ = writeln!(s, "{}{}", t("选票核对：", "Reconciliation: "), result.reconciliation_reason.get(lang));
    if let Some(reason) = &result.void_reason {
        let _ = writeln!(s, "\n{}{}", t("★ 投票无效：", "* VOID: "), reason.get(lang));
    }
    for (k, c) in result.contests.iter().enumerate() {
        let number = match lang {
            Lang::ZhCn => format!("{}、", zh_numeral(k as u32 + 1)),
            Lang::En => format!("{}. ", k + 1),
        };
        match c {
            ContestResult::Election(e) => election(&mut s, &number, e, lang),
            ContestResult::Confidence(g) | ContestResult::Evaluation(g) => graded(&mut s, &number, g, lang),
            ContestResult::Motion(m) => motion(&mut s, &number, m, lang),
            ContestResult::Recall(m) => recall(&mut s, &number, m, lang),
        }
    }
    let blanks = "____________  ".repeat(3);
    let _ = writeln!(s, "\n{}{}", t("监票人（签名）：", "Scrutineers (signatures): "), blanks.trim_end());
    let _ = writeln!(s, "{}{}", t("计票人（签名）：", "Counters (signatures):    "), blanks.trim_end());
    s
}

fn election(s: &mut String, number: &str, e: &ElectionResult, lang: Lang) {
    let t = |zh: &str, en: &str| -> String { Text::new(zh, en).get(lang).to_owned() };
    let kind = e.kind.words(e.by_election);
    let seats = Text::new(
        format!("{}，应选 {} 名", kind.zh, e.seats),
        format!("{}, {}", kind.en, crate::text::en_count(u64::from(e.seats), "seat", "seats")),
    );
    let _ = writeln!(
        s,
        "
{number}{}{}{}{}",
        e.title,
        t("（", " ("),
        seats.get(lang),
        t("）", ")")
    );
    let _ = writeln!(s, "  {}", e.threshold_reason.get(lang));
    let header = [
        t("候选人（按姓氏笔画为序）", "Candidate (stroke order)"),
        t("赞成", "For"),
        t("不赞成", "Against"),
        t("弃权", "Abstain"),
        t("结果", "Outcome"),
    ];
    let rows: Vec<[String; 5]> = e
        .candidates
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.for_votes.to_string(),
                c.against.to_string(),
                c.abstain.to_string(),
                status(c.status, lang),
            ]
        })
        .collect();
    table(s, &header, &rows);
    for w in &e.write_ins {
        let _ = writeln!(s, "  {}{} {} {}", t("另选他人：", "Write-in: "), w.name, w.votes, t("票", "vote(s)"));
    }
    let _ = writeln!(s, "  {}", t("说明：", "Reasons:"));
    let colon = t("：", ": ");
    for c in &e.candidates {
        let _ = writeln!(s, "    {}{colon}{}", c.name, c.reason.get(lang));
    }
    for w in &e.write_ins {
        let _ = writeln!(s, "    {}{colon}{}", w.name, w.reason.get(lang));
    }
    let elected = if e.elected.is_empty() { t("无", "none") } else { e.elected.join(t("、", ", ").as_str()) };
    let _ = writeln!(s, "  {}{elected}", t("当选（按姓氏笔画为序）：", "Elected (stroke order): "));
    if let Some(r) = &e.runoff {
        let _ = writeln!(s, "  {}{}", t("并列：", "Tie: "), r.reason.get(lang));
    }
    if let Some(x) = &e.separate_election {
        let _ = writeln!(s, "  {}{}", t("缺额：", "Unfilled: "), x.reason.get(lang));
    }
}

fn graded(s: &mut String, number: &str, g: &GradedResult, lang: Lang) {
    let _ = writeln!(s, "\n{number}{}", g.title);
    let mut header = vec![Text::new("姓名", "Name").get(lang).to_owned()];
    header.extend(g.options.iter().map(|o| o.get(lang).to_owned()));
    header.push(Text::new("结果", "Outcome").get(lang).to_owned());
    let rows: Vec<Vec<String>> = g
        .members
        .iter()
        .map(|m| {
            let mut row = vec![m.name.clone()];
            row.extend(m.counts.iter().map(|c| match &c.percent {
                Some(p) => format!("{} ({p}%)", c.votes),
                None => c.votes.to_string(),
            }));
            row.push(m.outcome.get(lang).to_owned());
            row
        })
        .collect();
    table(s, &header, &rows);
    let of = g.denominator.words();
    let _ = writeln!(
        s,
        "  {}",
        Text::new(
            format!("比例以{} {} 为分母", of.zh, g.denominator_value),
            format!("shares of the {} {}", g.denominator_value, of.en)
        )
        .get(lang)
    );
    let colon = Text::new("：", ": ").get(lang).to_owned();
    for m in &g.members {
        let _ = writeln!(s, "    {}{colon}{}", m.name, m.reason.get(lang));
    }
}

fn motion(s: &mut String, number: &str, m: &MotionResult, lang: Lang) {
    let t = |zh: &str, en: &str| -> String { Text::new(zh, en).get(lang).to_owned() };
    let _ = writeln!(s, "\n{number}{}", m.title);
    let _ = writeln!(s, "  {}", m.threshold_reason.get(lang));
    let header =
        [t("事项", "Item"), t("赞成", "For"), t("反对", "Against"), t("弃权", "Abstain"), t("结果", "Outcome")];
    let rows: Vec<[String; 5]> = m
        .items
        .iter()
        .map(|i| {
            let outcome = if i.passed { t("通过", "adopted") } else { t("未通过", "not adopted") };
            [i.title.clone(), i.for_votes.to_string(), i.against.to_string(), i.abstain.to_string(), outcome]
        })
        .collect();
    table(s, &header, &rows);
}

/// A recall in the rule's words: 同意罢免 / 不同意罢免 / 弃权, 罢免 or 不罢免 per member.
fn recall(s: &mut String, number: &str, m: &MotionResult, lang: Lang) {
    let t = |zh: &str, en: &str| -> String { Text::new(zh, en).get(lang).to_owned() };
    let _ = writeln!(s, "\n{number}{}", m.title);
    let _ = writeln!(s, "  {}", m.threshold_reason.get(lang));
    let header = [
        t("被提请罢免人", "Member"),
        t("同意罢免", "Recall"),
        t("不同意罢免", "Do not recall"),
        t("弃权", "Abstain"),
        t("结果", "Outcome"),
    ];
    let rows: Vec<[String; 5]> = m
        .items
        .iter()
        .map(|i| {
            let outcome = if i.passed { t("罢免", "recalled") } else { t("不罢免", "not recalled") };
            [i.title.clone(), i.for_votes.to_string(), i.against.to_string(), i.abstain.to_string(), outcome]
        })
        .collect();
    table(s, &header, &rows);
    let colon = Text::new("：", ": ").get(lang).to_owned();
    for i in &m.items {
        let _ = writeln!(s, "    {}{colon}{}", i.title, i.reason.get(lang));
    }
}

fn status(st: CandidateStatus, lang: Lang) -> String {
    let t = match st {
        CandidateStatus::Elected => Text::new("当选", "elected"),
        CandidateStatus::Runoff => Text::new("并列，再次投票", "tied: new vote"),
        CandidateStatus::NotElected => Text::new("未当选", "not elected"),
    };
    t.get(lang).to_owned()
}

/// A left-aligned table, columns padded by display width (CJK characters are two wide).
fn table<R: AsRef<[String]>>(s: &mut String, header: &[String], rows: &[R]) {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |s: &mut String, cells: &[String]| {
        let mut out = String::from("  ");
        for (cell, w) in cells.iter().zip(&widths) {
            out.push_str(cell);
            out.push_str(&" ".repeat(w - width(cell) + 2));
        }
        let _ = writeln!(s, "{}", out.trim_end());
    };
    line(s, header);
    for row in rows {
        line(s, row.as_ref());
    }
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}
