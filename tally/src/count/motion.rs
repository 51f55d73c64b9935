//! Deciding a motion (R17).

use super::phrases::{Figures, measure, rule_words, then};
use super::{ContestCounts, CountError, ItemOutcome, MotionResult};
use crate::model::{Contest, Motion, Recall};
use crate::ruleset::Ruleset;
use crate::text::Text;

/// One row of three per item, adding up to the valid ballots (blank abstains), no
/// write-ins.
pub(super) fn check(contest: &Contest, cc: &ContestCounts, valid: u32) -> Result<(), CountError> {
    let id = &contest.id;
    let items = contest.items();
    if cc.totals.len() != items.len() || cc.totals.iter().any(|r| r.len() != 3) {
        return Err(CountError::Shape { contest: id.clone(), items: items.len(), options: 3 });
    }
    if let Some(name) = cc.write_ins.keys().next() {
        return Err(CountError::BadWriteIn { contest: id.clone(), name: name.clone() });
    }
    for (item, row) in items.into_iter().zip(&cc.totals) {
        let total: u64 = row.iter().map(|&v| u64::from(v)).sum();
        if total != u64::from(valid) {
            return Err(CountError::ItemTotal { contest: id.clone(), item, total, valid });
        }
    }
    Ok(())
}

/// Decides a motion whose figures passed [`check`], by the contest's own rule if it has
/// one, else the ruleset's.
pub(super) fn decide(
    contest: &Contest,
    m: &Motion,
    cc: &ContestCounts,
    fig: Figures,
    ruleset: &Ruleset,
) -> MotionResult {
    let (base, threshold, own) = match m.rule {
        Some(r) => (r.base, r.threshold, true),
        None => (ruleset.motion.base, ruleset.motion.threshold, false),
    };
    let of = u64::from(fig.base(base));
    let min = threshold.minimum(of);
    let label = Text::new("赞成票", "for-votes");
    let items = m
        .items
        .iter()
        .zip(&cc.totals)
        .map(|(title, row)| {
            let (passed, words) = measure(&label, u64::from(row[0]), threshold, base, of);
            let reason =
                if passed { then(words, "通过", "adopted") } else { then(words, "未通过", "not adopted") };
            ItemOutcome { title: title.clone(), for_votes: row[0], against: row[1], abstain: row[2], passed, reason }
        })
        .collect();
    let rule = rule_words(threshold, base, of);
    let (zh_src, en_src) = if own { ("本事项规定", "this contest's rule") } else { ("规则集", "the ruleset") };
    MotionResult {
        id: contest.id.clone(),
        title: contest.title.clone(),
        threshold: min,
        threshold_reason: Text::new(
            format!("通过须获赞成票不少于 {min} 票（{}，依{zh_src}）", rule.zh),
            format!("adoption needs at least {min} for-votes ({}, by {en_src})", rule.en),
        ),
        items,
    }
}

/// Decides a recall (ADR 0030) whose figures passed [`check`], by the ruleset's recall
/// rule: a member is recalled when the 同意罢免 marks meet it. `for` is 同意罢免,
/// `against` 不同意罢免, `passed` recalled.
pub(super) fn recall(
    contest: &Contest,
    r: &Recall,
    cc: &ContestCounts,
    fig: Figures,
    ruleset: &Ruleset,
) -> MotionResult {
    let rule = ruleset.recall;
    let of = u64::from(fig.base(rule.base));
    let min = rule.threshold.minimum(of);
    let label = Text::new("同意罢免票", "votes to recall");
    let items = r
        .members
        .iter()
        .zip(&cc.totals)
        .map(|(name, row)| {
            let (passed, words) = measure(&label, u64::from(row[0]), rule.threshold, rule.base, of);
            let reason =
                if passed { then(words, "罢免", "recalled") } else { then(words, "不罢免", "not recalled") };
            ItemOutcome { title: name.clone(), for_votes: row[0], against: row[1], abstain: row[2], passed, reason }
        })
        .collect();
    let words = rule_words(rule.threshold, rule.base, of);
    MotionResult {
        id: contest.id.clone(),
        title: contest.title.clone(),
        threshold: min,
        threshold_reason: Text::new(
            format!("罢免须获同意罢免票不少于 {min} 票（{}，依规则集）", words.zh),
            format!("a recall needs at least {min} votes to recall ({}, by the ruleset)", words.en),
        ),
        items,
    }
}
