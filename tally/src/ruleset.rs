//! Rulesets: the settings by which a poll is counted, as data (RULES "Domain rules").
//!
//! A ruleset is a JSON document (format in `docs/count.md`; unknown fields are rejected).
//! Three are built in — `township-2020` (the default), `township-1990` and `county` —
//! and are themselves JSON files under `ruleset/builtin/`. Every result names the
//! ruleset it was counted under by name and by [`Ruleset::sha256`].
//!
//! Every threshold is a [`Threshold`] on a [`Fraction`], checked by cross-multiplication
//! in integers: no floating point anywhere.

mod threshold;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use threshold::{Base, Fraction, Threshold};

use crate::model::ConfidenceOption;
use crate::text::Text;

/// The name of the default ruleset.
pub const DEFAULT: &str = "township-2020";

/// Names of the built-in rulesets.
pub const BUILTIN: [&str; 3] = ["township-2020", "township-1990", "county"];

/// A complete set of counting rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ruleset {
    /// Its name, printed on every result sheet.
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Quorum (R3): present measured against expected; 2020: `{"at_least": "4/5"}`,
    /// i.e. present·5 ≥ expected·4.
    pub quorum: Threshold,
    /// Elections (R8, R11).
    pub election: ElectionRule,
    /// Motions (R17).
    pub motion: MotionRule,
    /// Confidence votes (R15).
    pub confidence: ConfidenceRule,
    /// Evaluations (R16).
    pub evaluation: EvaluationRule,
    /// Recall votes (罢免; ADR 0030, in the terms of R17). Absent from a ruleset file, it is [`RecallRule::default`]
    /// (more than half of expected), and a ruleset whose recall rule is that default
    /// serialises, and so hashes, without it: the hashes of earlier rulesets stand.
    #[serde(default, skip_serializing_if = "RecallRule::is_default")]
    pub recall: RecallRule,
}

/// How elections are decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionRule {
    /// What for-votes are measured against: `present` (township) or `expected` (county).
    pub base: Base,
    /// The for-votes needed to be elected: `{"more_than": "1/2"}` (exactly half fails).
    pub threshold: Threshold,
    /// Candidates measured against seats in a competitive election (R8):
    /// `{"at_least": "6/5"}`, i.e. candidates·5 ≥ seats·6.
    pub candidate_margin: Threshold,
    /// Whether a by-election may be non-competitive (等额).
    pub noncompetitive_by_election: bool,
    /// Whether a person written in (另选他人) is elected on the same terms as a candidate.
    pub write_ins_can_be_elected: bool,
}

/// How motions are decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotionRule {
    /// `present` or `expected`.
    pub base: Base,
    /// The for-votes needed: `{"more_than": "1/2"}` or `{"at_least": "2/3"}`.
    pub threshold: Threshold,
}

/// How a recall (罢免) is decided for each member named (ADR 0030): the member is
/// recalled when the 同意罢免 marks meet `threshold` of `base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecallRule {
    /// `expected` (the default: all delegates entitled to vote, 应到) or `present`.
    pub base: Base,
    /// The 同意罢免 marks needed: `{"more_than": "1/2"}` by default.
    pub threshold: Threshold,
}

impl Default for RecallRule {
    /// More than half of expected (超过应到会代表的半数): the conservative default of
    /// ADR 0030 — no source this project holds fixes a recall majority, and counting
    /// from all delegates entitled to vote, not from those voting, never recalls a member
    /// whom the stricter reading would keep.
    fn default() -> Self {
        Self { base: Base::Expected, threshold: Threshold::MORE_THAN_HALF }
    }
}

impl RecallRule {
    /// Whether this is [`RecallRule::default`].
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// How the outcome of a confidence vote is found for each member: the first rule that
/// holds gives the outcome, otherwise `otherwise`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceRule {
    /// What counts and shares are measured against.
    pub denominator: Base,
    /// Rules, tried in order.
    pub rules: Vec<ConfidenceOutcomeRule>,
    /// The outcome when no rule holds.
    pub otherwise: Text,
}

/// "When these options together reach this threshold, the outcome is …".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceOutcomeRule {
    /// The outcome.
    pub outcome: Text,
    /// The options whose counts are added.
    pub options: Vec<ConfidenceOption>,
    /// Measured against the denominator.
    pub threshold: Threshold,
}

/// How the outcome of an evaluation is found for each member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRule {
    /// The grades, best first; an evaluation contest uses these unless it names its own.
    pub grades: Vec<Text>,
    /// What counts and shares are measured against.
    pub denominator: Base,
    /// Rules, tried in order.
    pub rules: Vec<GradeOutcomeRule>,
    /// The outcome when no rule holds.
    pub otherwise: Text,
}

/// "When these grades together reach this threshold, the outcome is …".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeOutcomeRule {
    /// The outcome.
    pub outcome: Text,
    /// The grades (by zh-CN label) whose counts are added.
    pub grades: Vec<String>,
    /// Measured against the denominator.
    pub threshold: Threshold,
}

/// The name and content hash a result cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesetRef {
    /// [`Ruleset::name`].
    pub name: String,
    /// [`Ruleset::sha256`], lower-case hex.
    pub sha256: String,
}

/// A ruleset that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RulesetError {
    /// Not valid ruleset JSON (syntax, a missing or unknown field, a bad fraction).
    #[error("ruleset JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Well formed, but a setting is impossible.
    #[error("{}", .0.en)]
    Invalid(Text),
    /// No built-in ruleset has this name.
    #[error("unknown ruleset {0:?}")]
    Unknown(String),
}

impl RulesetError {
    /// What is wrong, in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::Json(e) => Text::new(format!("规则集格式错误：{e}"), format!("ruleset JSON: {e}")),
            Self::Invalid(t) => t.clone(),
            Self::Unknown(n) => Text::new(
                format!("未知的规则集 {n:?}；内置规则集为 {}，或给出规则集文件", BUILTIN.join("、")),
                format!("unknown ruleset {n:?}; built-in rulesets are {}, or give a ruleset file", BUILTIN.join(", ")),
            ),
        }
    }
}

impl Ruleset {
    /// A built-in ruleset by name.
    pub fn builtin(name: &str) -> Result<Self, RulesetError> {
        let json = match name {
            "township-2020" => include_str!("ruleset/builtin/township-2020.json"),
            "township-1990" => include_str!("ruleset/builtin/township-1990.json"),
            "county" => include_str!("ruleset/builtin/county.json"),
            _ => return Err(RulesetError::Unknown(name.to_owned())),
        };
        Self::from_json(json)
    }

    /// Parses and checks a ruleset document.
    pub fn from_json(json: &str) -> Result<Self, RulesetError> {
        let r: Self = serde_json::from_str(json)?;
        r.validate()?;
        Ok(r)
    }

    /// Checks that every setting can be met and every name refers to something.
    pub fn validate(&self) -> Result<(), RulesetError> {
        let bad = |zh: &str, en: &str| Err(RulesetError::Invalid(Text::new(zh, en)));
        let at_most_one = |t: Threshold| t.fraction().num() <= t.fraction().den();
        if self.name.trim().is_empty() {
            return bad("规则集名称为空", "the ruleset has no name");
        }
        if !at_most_one(self.quorum)
            || !at_most_one(self.election.threshold)
            || !at_most_one(self.motion.threshold)
            || !at_most_one(self.recall.threshold)
        {
            return bad(
                "法定人数、当选、通过或罢免的比例不能超过全部",
                "quorum, election, motion and recall fractions cannot exceed one",
            );
        }
        for base in [self.election.base, self.motion.base, self.recall.base] {
            if !matches!(base, Base::Present | Base::Expected) {
                return bad(
                    "选举、表决和罢免只能以实到或应到人数为基数",
                    "elections, motions and recalls count from present or expected",
                );
            }
        }
        if self.election.candidate_margin.fraction().num() < self.election.candidate_margin.fraction().den() {
            return bad("差额比例不能少于应选名额", "the candidate margin cannot be less than the seats");
        }
        if self.confidence.rules.iter().any(|r| r.options.is_empty()) {
            return bad("信任投票规则未列出任何选项", "a confidence rule names no option");
        }
        let grades: BTreeSet<&str> = self.evaluation.grades.iter().map(|g| g.zh.as_str()).collect();
        if self.evaluation.grades.len() < 2 || grades.len() != self.evaluation.grades.len() {
            return bad("评议等次至少两个且不得重复", "an evaluation needs at least two distinct grades");
        }
        for rule in &self.evaluation.rules {
            if rule.grades.is_empty() || rule.grades.iter().any(|g| !grades.contains(g.as_str())) {
                return Err(RulesetError::Invalid(Text::new(
                    format!("评议规则“{}”引用了不存在的等次", rule.outcome.zh),
                    format!("evaluation rule {:?} names a grade that is not defined", rule.outcome.en),
                )));
            }
        }
        Ok(())
    }

    /// SHA-256 of the canonical JSON of the ruleset: the compact serialisation of the
    /// parsed ruleset, fields in the order of this documentation, fractions as `"p/q"`.
    /// Two files that differ only in layout hash the same. (Not a signed record: the
    /// election record will bind the ruleset by its own hash convention.)
    pub fn sha256(&self) -> String {
        // Serialising these plain structs cannot fail; an empty string would show it did.
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        Sha256::digest(&canonical).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The name and hash a result cites.
    pub fn reference(&self) -> RulesetRef {
        RulesetRef { name: self.name.clone(), sha256: self.sha256() }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn builtins_parse_and_differ_where_documented() {
        let t2020 = Ruleset::builtin("township-2020").unwrap();
        let t1990 = Ruleset::builtin("township-1990").unwrap();
        let county = Ruleset::builtin("county").unwrap();
        assert_eq!(t2020, Ruleset::builtin(DEFAULT).unwrap());
        assert!(t2020.quorum.is_met(80, 100));
        assert!(!t1990.quorum.is_met(80, 100));
        assert!(t1990.quorum.is_met(81, 100));
        assert_eq!(t2020.election.base, Base::Present);
        assert_eq!(county.election.base, Base::Expected);
        assert_eq!(t1990.election, t2020.election);
        for name in BUILTIN {
            assert_eq!(Ruleset::builtin(name).unwrap().name, name);
        }
    }

    #[test]
    fn recall_defaults_to_more_than_half_of_expected_and_keeps_old_hashes() {
        let t2020 = Ruleset::builtin(DEFAULT).unwrap();
        assert_eq!(t2020.recall, RecallRule { base: Base::Expected, threshold: Threshold::MORE_THAN_HALF });
        // The default is not written out, so the hash of a ruleset file without the
        // field is what it was before the field existed.
        let json = serde_json::to_value(&t2020).unwrap();
        assert!(json.get("recall").is_none());
        let mut present = t2020.clone();
        present.recall.base = Base::Present;
        let v = serde_json::to_value(&present).unwrap();
        assert_eq!(v["recall"], serde_json::json!({"base": "present", "threshold": {"more_than": "1/2"}}));
        assert_ne!(present.sha256(), t2020.sha256());
        assert_eq!(Ruleset::from_json(&v.to_string()).unwrap(), present);
        let mut bad = v.clone();
        bad["recall"]["base"] = serde_json::json!("returned");
        assert!(matches!(Ruleset::from_json(&bad.to_string()), Err(RulesetError::Invalid(_))));
        let mut bad = v;
        bad["recall"]["threshold"] = serde_json::json!({"at_least": "3/2"});
        assert!(matches!(Ruleset::from_json(&bad.to_string()), Err(RulesetError::Invalid(_))));
    }

    #[test]
    fn hash_names_the_content() {
        let a = Ruleset::builtin("township-2020").unwrap();
        let b = Ruleset::builtin("township-1990").unwrap();
        assert_eq!(a.sha256().len(), 64);
        assert_ne!(a.sha256(), b.sha256());
        // Re-serialising with different layout gives the same hash.
        let pretty = serde_json::to_string_pretty(&a).unwrap();
        assert_eq!(Ruleset::from_json(&pretty).unwrap().sha256(), a.sha256());
        let mut c = a.clone();
        c.election.write_ins_can_be_elected = false;
        assert_ne!(c.sha256(), a.sha256());
    }

    #[test]
    fn unknown_fields_and_bad_settings_are_rejected() {
        let good = serde_json::to_value(Ruleset::builtin(DEFAULT).unwrap()).unwrap();
        let mut v = good.clone();
        v["election"]["treshold"] = serde_json::json!({"more_than": "1/2"});
        assert!(matches!(Ruleset::from_json(&v.to_string()), Err(RulesetError::Json(_))));
        let mut v = good.clone();
        v["quorum"] = serde_json::json!({"at_least": "5/4"});
        assert!(matches!(Ruleset::from_json(&v.to_string()), Err(RulesetError::Invalid(_))));
        let mut v = good.clone();
        v["election"]["base"] = serde_json::json!("valid");
        assert!(matches!(Ruleset::from_json(&v.to_string()), Err(RulesetError::Invalid(_))));
        let mut v = good.clone();
        v["evaluation"]["rules"][0]["grades"] = serde_json::json!(["好"]);
        assert!(matches!(Ruleset::from_json(&v.to_string()), Err(RulesetError::Invalid(_))));
        let mut v = good;
        v["motion"]["threshold"] = serde_json::json!({"more_than": "1/0"});
        assert!(matches!(Ruleset::from_json(&v.to_string()), Err(RulesetError::Json(_))));
        assert!(matches!(Ruleset::builtin("township"), Err(RulesetError::Unknown(_))));
    }
}
