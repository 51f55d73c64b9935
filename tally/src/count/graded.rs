//! Confidence votes (R15) and evaluations (R16): counts, shares and outcome rules.

use super::phrases::{Figures, measure};
use super::result::percent;
use super::{ContestCounts, CountError, GradedResult, MemberOutcome, Share};
use crate::model::{ConfidenceOption, Contest, ContestKind, Evaluation};
use crate::ruleset::{Base, Ruleset, Threshold};
use crate::text::Text;

/// The figures must have one row per member with one count per option or grade, adding
/// up to at most the valid ballots; an evaluation must have every grade its rules use.
pub(super) fn check(contest: &Contest, cc: &ContestCounts, valid: u32, ruleset: &Ruleset) -> Result<(), CountError> {
    let id = &contest.id;
    let (items, options) = contest.shape();
    if cc.totals.len() != items || cc.totals.iter().any(|r| r.len() != options) {
        return Err(CountError::Shape { contest: id.clone(), items, options });
    }
    if let Some(name) = cc.write_ins.keys().next() {
        return Err(CountError::BadWriteIn { contest: id.clone(), name: name.clone() });
    }
    for (item, row) in contest.items().into_iter().zip(&cc.totals) {
        let total: u64 = row.iter().map(|&v| u64::from(v)).sum();
        if total > u64::from(valid) {
            return Err(CountError::ItemTotal { contest: id.clone(), item, total, valid });
        }
    }
    if let ContestKind::Evaluation(e) = &contest.kind {
        for rule in &ruleset.evaluation.rules {
            if let Some(g) = rule.grades.iter().find(|g| e.grade_index(g).is_none()) {
                return Err(CountError::GradeNotInContest { contest: id.clone(), grade: g.clone() });
            }
        }
    }
    Ok(())
}

/// One outcome rule, with the options it adds up as indices.
struct Rule<'a> {
    outcome: &'a Text,
    options: Vec<usize>,
    label: Text,
    threshold: Threshold,
}

/// Decides a confidence vote whose figures passed [`check`].
pub(super) fn confidence(contest: &Contest, cc: &ContestCounts, fig: Figures, ruleset: &Ruleset) -> GradedResult {
    let r = &ruleset.confidence;
    let rules: Vec<Rule<'_>> = r
        .rules
        .iter()
        .map(|rule| Rule {
            outcome: &rule.outcome,
            options: rule.options.iter().map(|o| o.index()).collect(),
            label: joined(rule.options.iter().map(|o| o.label())),
            threshold: rule.threshold,
        })
        .collect();
    let options = ConfidenceOption::ALL.map(ConfidenceOption::label).to_vec();
    decide(contest, cc, fig, options, r.denominator, &rules, &r.otherwise)
}

/// Decides an evaluation whose figures passed [`check`].
pub(super) fn evaluation(
    contest: &Contest,
    e: &Evaluation,
    cc: &ContestCounts,
    fig: Figures,
    ruleset: &Ruleset,
) -> GradedResult {
    let r = &ruleset.evaluation;
    let rules: Vec<Rule<'_>> = r
        .rules
        .iter()
        .map(|rule| Rule {
            outcome: &rule.outcome,
            // `check` made sure every grade is there.
            options: rule.grades.iter().filter_map(|g| e.grade_index(g)).collect(),
            label: joined(rule.grades.iter().filter_map(|g| e.grades.iter().find(|t| &t.zh == g).cloned())),
            threshold: rule.threshold,
        })
        .collect();
    decide(contest, cc, fig, e.grades.clone(), r.denominator, &rules, &r.otherwise)
}

fn decide(
    contest: &Contest,
    cc: &ContestCounts,
    fig: Figures,
    options: Vec<Text>,
    denominator: Base,
    rules: &[Rule<'_>],
    otherwise: &Text,
) -> GradedResult {
    let of = fig.base(denominator);
    let members = contest
        .items()
        .into_iter()
        .zip(&cc.totals)
        .map(|(name, row)| {
            let counts = options
                .iter()
                .zip(row)
                .map(|(o, &v)| Share { option: o.clone(), votes: v, percent: percent(v, of) })
                .collect();
            let marked: u32 = row.iter().sum();
            let mut tried = Vec::new();
            let mut outcome = None;
            for rule in rules {
                let sum: u64 = rule.options.iter().map(|&i| u64::from(row[i])).sum();
                let (met, words) = measure(&rule.label, sum, rule.threshold, denominator, u64::from(of));
                tried.push(words);
                if met {
                    outcome = Some(rule.outcome.clone());
                    break;
                }
            }
            let outcome = outcome.unwrap_or_else(|| otherwise.clone());
            let reason = Text::join(&tried);
            let reason = if reason.zh.is_empty() {
                outcome.clone()
            } else {
                Text::new(format!("{}：{}", reason.zh, outcome.zh), format!("{}: {}", reason.en, outcome.en))
            };
            MemberOutcome { name, counts, unmarked: fig.valid.saturating_sub(marked), outcome, reason }
        })
        .collect();
    GradedResult {
        id: contest.id.clone(),
        title: contest.title.clone(),
        options,
        denominator,
        denominator_value: of,
        members,
    }
}

/// "不信任票" / "distrust votes"; "优秀+称职票" / "excellent+competent votes".
fn joined(labels: impl Iterator<Item = Text>) -> Text {
    let labels: Vec<Text> = labels.collect();
    let zh: Vec<&str> = labels.iter().map(|t| t.zh.as_str()).collect();
    let en: Vec<&str> = labels.iter().map(|t| t.en.as_str()).collect();
    Text::new(format!("{}票", zh.join("+")), format!("{} votes", en.join(" + ")))
}
