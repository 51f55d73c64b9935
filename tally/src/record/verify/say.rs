//! How the report names things, in zh-CN and en (spec §13, "The report").
//!
//! Every position in the words counts from 1, as people count and as the board
//! page does: entry 1 (公告板第 1 条) is the board's first entry, at `position` 0 in
//! the encodings, receipts and JSON. Selections, dealer messages, complaints,
//! receipt tree heads, receipts and observed heads are counted the same way;
//! scrutineer `j` and counter `j` are the `j`-th of the manifest, as everywhere.

use super::StepError;
use crate::record::format::SignedHead;
use crate::record::receipt::head_summary;
use crate::text::Text;

/// The same words in both languages: Chinese first.
pub(super) fn t(zh: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(zh, en)
}

/// `place: what`, with each language's colon.
pub(super) fn at(place: &Text, what: &Text) -> Text {
    t(format!("{}：{}", place.zh, what.zh), format!("{}: {}", place.en, what.en))
}

/// The board entry at `pos` (0-based): 公告板第 4 条, entry 4.
pub(super) fn entry(pos: usize) -> Text {
    t(format!("公告板第 {} 条", pos + 1), format!("entry {}", pos + 1))
}

/// Scrutineer `j` (1-based already, as in the manifest and the record).
pub(super) fn scrutineer(j: u32) -> Text {
    t(format!("第 {j} 号监票人"), format!("scrutineer {j}"))
}

/// A list of numbers: `1、3、5` and `1, 3, 5`; `无` and `none` when empty.
pub(super) fn numbers(list: &[u32]) -> Text {
    if list.is_empty() {
        return t("无", "none");
    }
    let each: Vec<String> = list.iter().map(u32::to_string).collect();
    t(each.join("、"), each.join(", "))
}

/// A signed head in short: `8 条，根 3fa2b10c…`, `size 8, root 3fa2b10c…`.
pub(super) fn head(h: &SignedHead) -> Text {
    let size = u64::from_be_bytes(h.head[..8].try_into().unwrap_or([0; 8]));
    let root: String = h.head[8..12].iter().map(|b| format!("{b:02x}")).collect();
    t(format!("{size} 条，根 {root}…"), head_summary(h))
}

/// The names of a ballot's selections, in ballot order (spec §12.6): contest
/// title, item (candidate, member or motion item) and option, so that a figure is
/// named as people read it on the result sheet.
pub(super) fn selection_names(poll: &crate::model::Poll) -> Vec<Text> {
    let mut out = Vec::new();
    for contest in &poll.contests {
        let options = contest.options();
        for item in contest.items() {
            for option in &options {
                out.push(t(
                    format!("{}：{}，{}", contest.title, item, option.zh),
                    format!("{}: {}, {}", contest.title, item, option.en),
                ));
            }
        }
    }
    out
}

/// Selection `s` (0-based) with its name when known: 第 1 个计票项（增补委员：王芳，赞成）,
/// selection 1 (增补委员: 王芳, for).
pub(super) fn selection(s: usize, names: &[Text]) -> Text {
    match names.get(s) {
        Some(n) => t(format!("第 {} 个计票项（{}）", s + 1, n.zh), format!("selection {} ({})", s + 1, n.en)),
        None => t(format!("第 {} 个计票项", s + 1), format!("selection {}", s + 1)),
    }
}

/// Why a step was not checked: the record did not decode (§13.1).
pub(super) fn no_record() -> StepError {
    StepError::Skipped(t("选举记录无法读取（13.1）", "the record could not be read (13.1)"))
}

/// Why a step was not checked: the record or its manifest did not decode.
pub(super) fn no_basics() -> StepError {
    StepError::Skipped(t(
        "选举记录或其投票清单无法读取（13.1、13.2）",
        "the record or its manifest could not be read (13.1, 13.2)",
    ))
}

/// Why a step was not checked: the cast ballots did not verify (§13.5).
pub(super) fn no_ballots() -> StepError {
    StepError::Skipped(t("投出的选票无法读取（13.5）", "the cast ballots could not be read (13.5)"))
}

/// Why a step was not checked: the public shares were not recomputed (§13.3).
pub(super) fn no_public_shares() -> StepError {
    StepError::Skipped(t("公开份额未能重新计算（13.3）", "the public shares were not recomputed (13.3)"))
}

/// Why a step was not checked: the aggregates did not decode (§13.9).
pub(super) fn no_aggregates() -> StepError {
    StepError::Skipped(t("密文汇总无法读取（13.9）", "the aggregates could not be read (13.9)"))
}

/// Why a step was not checked: the decryption shares did not verify (§13.10).
pub(super) fn no_shares() -> StepError {
    StepError::Skipped(t("解密份额未通过核验（13.10）", "the decryption shares did not verify (13.10)"))
}
