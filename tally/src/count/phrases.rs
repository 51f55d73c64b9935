//! Reasons in words, built from the same integers the decision was made on.

use crate::ruleset::{Base, Threshold};
use crate::text::Text;

/// The figures thresholds are measured against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Figures {
    pub expected: u32,
    pub present: u32,
    pub returned: u32,
    pub valid: u32,
}

impl Figures {
    pub(crate) fn base(&self, base: Base) -> u32 {
        match base {
            Base::Present => self.present,
            Base::Expected => self.expected,
            Base::Returned => self.returned,
            Base::Valid => self.valid,
        }
    }
}

/// "赞成票 42，未超过实到会人数 84 的半数" / "42 for-votes, not more than half of the 84
/// present", and whether the threshold is met.
pub(crate) fn measure(label: &Text, count: u64, threshold: Threshold, base: Base, of: u64) -> (bool, Text) {
    let met = threshold.is_met(count, of);
    let rel = threshold.relation(met);
    let (b, f) = (base.words(), threshold.fraction().words());
    let text = Text::new(
        format!("{} {count}，{}{} {of} 的{}", label.zh, rel.zh, b.zh, f.zh),
        format!("{count} {}, {} {} of the {of} {}", label.en, rel.en, f.en, b.en),
    );
    (met, text)
}

/// "超过实到会人数 83 的半数" / "more than half of the 83 present".
pub(crate) fn rule_words(threshold: Threshold, base: Base, of: u64) -> Text {
    let rel = threshold.relation(true);
    let (b, f) = (base.words(), threshold.fraction().words());
    Text::new(format!("{}{} {of} 的{}", rel.zh, b.zh, f.zh), format!("{} {} of the {of} {}", rel.en, f.en, b.en))
}

/// Appends `suffix` to both languages with a separator: "，当选" / ": elected".
pub(crate) fn then(text: Text, zh: &str, en: &str) -> Text {
    Text::new(format!("{}，{zh}", text.zh), format!("{}: {en}", text.en))
}

/// Names joined for a sentence: 甲、乙 / 甲, 乙.
pub(crate) fn names(list: &[String]) -> Text {
    Text::new(list.join("、"), list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_sentences() {
        let label = Text::new("赞成票", "for-votes");
        let (met, t) = measure(&label, 42, Threshold::MORE_THAN_HALF, Base::Present, 84);
        assert!(!met);
        assert_eq!(t.zh, "赞成票 42，未超过实到会人数 84 的半数");
        assert_eq!(t.en, "42 for-votes, not more than half of the 84 present");
        let (met, t) = measure(&label, 43, Threshold::MORE_THAN_HALF, Base::Present, 84);
        assert!(met);
        assert_eq!(t.en, "43 for-votes, more than half of the 84 present");
        assert_eq!(rule_words(Threshold::MORE_THAN_HALF, Base::Expected, 100).zh, "超过应到会人数 100 的半数");
    }
}
