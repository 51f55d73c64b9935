//! The canonical binary encoding of a ruleset, field by field (spec §11.2.2).
//!
//! The ruleset's JSON is for people; what is hashed into the election context is
//! this encoding, so a verifier counts under exactly the rules the ballots were
//! cast under.

use super::codec::{FormatError, Reader, Writer};
use crate::model::ConfidenceOption;
use crate::ruleset::{
    Base, ConfidenceOutcomeRule, ConfidenceRule, ElectionRule, EvaluationRule, Fraction, GradeOutcomeRule, MotionRule,
    Ruleset, Threshold,
};
use crate::text::Text;

/// `u8 kind (0 more than, 1 at least) ‖ u32be num ‖ u32be den` (spec §11.2.2).
pub(crate) fn put_threshold(w: &mut Writer, t: Threshold) {
    let kind = match t {
        Threshold::MoreThan(_) => 0,
        Threshold::AtLeast(_) => 1,
    };
    w.u8(kind).u32(t.fraction().num()).u32(t.fraction().den());
}

pub(crate) fn get_threshold(r: &mut Reader<'_>) -> Result<Threshold, FormatError> {
    let kind = r.u8()?;
    let f = Fraction::new(r.u32()?, r.u32()?).ok_or(FormatError::Invalid("fraction with zero denominator"))?;
    match kind {
        0 => Ok(Threshold::MoreThan(f)),
        1 => Ok(Threshold::AtLeast(f)),
        _ => Err(FormatError::Invalid("threshold kind")),
    }
}

/// `u8`: 0 present, 1 expected, 2 returned, 3 valid (spec §11.2.2).
pub(crate) fn base_code(b: Base) -> u8 {
    match b {
        Base::Present => 0,
        Base::Expected => 1,
        Base::Returned => 2,
        Base::Valid => 3,
    }
}

pub(crate) fn get_base(r: &mut Reader<'_>) -> Result<Base, FormatError> {
    match r.u8()? {
        0 => Ok(Base::Present),
        1 => Ok(Base::Expected),
        2 => Ok(Base::Returned),
        3 => Ok(Base::Valid),
        _ => Err(FormatError::Invalid("base")),
    }
}

/// Encodes every setting of `rs` in the order of spec §11.2.2.
pub(crate) fn put_ruleset(w: &mut Writer, rs: &Ruleset) {
    w.str(&rs.name);
    match &rs.description {
        Some(t) => w.u8(1).text(t),
        None => w.u8(0),
    };
    put_threshold(w, rs.quorum);
    let e = &rs.election;
    w.u8(base_code(e.base));
    put_threshold(w, e.threshold);
    put_threshold(w, e.candidate_margin);
    w.bool(e.noncompetitive_by_election).bool(e.write_ins_can_be_elected);
    w.u8(base_code(rs.motion.base));
    put_threshold(w, rs.motion.threshold);
    let c = &rs.confidence;
    w.u8(base_code(c.denominator)).count(c.rules.len());
    for rule in &c.rules {
        w.text(&rule.outcome).count(rule.options.len());
        for o in &rule.options {
            w.u8(o.index() as u8);
        }
        put_threshold(w, rule.threshold);
    }
    w.text(&c.otherwise);
    let v = &rs.evaluation;
    w.count(v.grades.len());
    for g in &v.grades {
        w.text(g);
    }
    w.u8(base_code(v.denominator)).count(v.rules.len());
    for rule in &v.rules {
        w.text(&rule.outcome).count(rule.grades.len());
        for g in &rule.grades {
            w.str(g);
        }
        put_threshold(w, rule.threshold);
    }
    w.text(&v.otherwise);
}

/// Decodes a ruleset and checks it ([`Ruleset::validate`]).
pub(crate) fn get_ruleset(r: &mut Reader<'_>) -> Result<Ruleset, FormatError> {
    let name = r.str("ruleset name")?;
    let description = if r.bool("description flag")? { Some(r.text("description")?) } else { None };
    let quorum = get_threshold(r)?;
    let election = ElectionRule {
        base: get_base(r)?,
        threshold: get_threshold(r)?,
        candidate_margin: get_threshold(r)?,
        noncompetitive_by_election: r.bool("noncompetitive_by_election")?,
        write_ins_can_be_elected: r.bool("write_ins_can_be_elected")?,
    };
    let motion = MotionRule { base: get_base(r)?, threshold: get_threshold(r)? };
    let denominator = get_base(r)?;
    let mut rules = Vec::new();
    for _ in 0..r.count(1)? {
        let outcome = r.text("confidence outcome")?;
        let mut options = Vec::new();
        for _ in 0..r.count(1)? {
            let o =
                *ConfidenceOption::ALL.get(usize::from(r.u8()?)).ok_or(FormatError::Invalid("confidence option"))?;
            options.push(o);
        }
        rules.push(ConfidenceOutcomeRule { outcome, options, threshold: get_threshold(r)? });
    }
    let confidence = ConfidenceRule { denominator, rules, otherwise: r.text("confidence otherwise")? };
    let mut grades = Vec::new();
    for _ in 0..r.count(8)? {
        grades.push(r.text("grade")?);
    }
    let denominator = get_base(r)?;
    let mut rules = Vec::new();
    for _ in 0..r.count(1)? {
        let outcome = r.text("evaluation outcome")?;
        let mut names = Vec::new();
        for _ in 0..r.count(4)? {
            names.push(r.str("grade name")?);
        }
        rules.push(GradeOutcomeRule { outcome, grades: names, threshold: get_threshold(r)? });
    }
    let evaluation = EvaluationRule { grades, denominator, rules, otherwise: r.text("evaluation otherwise")? };
    // The recall rule is carried by the recall contests (spec §11.2.3), which
    // `Manifest::decode` reads after the ruleset and puts back here.
    let recall = crate::ruleset::RecallRule::default();
    let rs = Ruleset { name, description, quorum, election, motion, confidence, evaluation, recall };
    rs.validate().map_err(|e| {
        let t = e.text();
        FormatError::Mismatch(Text::new(format!("规则集：{}", t.zh), format!("ruleset: {}", t.en)))
    })?;
    Ok(rs)
}
