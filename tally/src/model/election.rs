//! Elections (差额选举, 等额选举, 增补): seats and candidates (RULES R7–R8).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::DefinitionError;
use crate::ruleset::Ruleset;
use crate::stroke_order::{NameKey, sort_by_name};
use crate::text::Text;

/// An election contest: fill `seats` from `candidates`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// Competitive (差额) or non-competitive (等额).
    pub kind: ElectionKind,
    /// Whether it fills vacant seats during a term (增补 / 补选).
    #[serde(default)]
    pub by_election: bool,
    /// Seats to fill (应选名额).
    pub seats: u32,
    /// The candidates; [`Election::in_stroke_order`] gives the ballot order (R7).
    pub candidates: Vec<Candidate>,
    /// Whether a voter who marks 不赞成 beside a candidate may write in another
    /// person in that row (另选他人, R9; spec §11.2.3). Absent in older definitions,
    /// which took no write-ins on the electronic ballot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_ins: bool,
}

/// Competitive or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionKind {
    /// More candidates than seats, by the ruleset's margin (差额选举, R8).
    Competitive,
    /// As many candidates as seats (等额选举); only for by-elections, and only where the
    /// ruleset allows it.
    NonCompetitive,
}

impl ElectionKind {
    /// The kind in words: 差额选举, 差额增补选举, 等额增补选举.
    pub fn words(self, by_election: bool) -> Text {
        match (self, by_election) {
            (Self::Competitive, false) => Text::new("差额选举", "competitive election"),
            (Self::Competitive, true) => Text::new("差额增补选举", "competitive by-election"),
            (Self::NonCompetitive, false) => Text::new("等额选举", "non-competitive election"),
            (Self::NonCompetitive, true) => Text::new("等额增补选举", "non-competitive by-election"),
        }
    }
}

/// A candidate (候选人).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// The name as printed on the ballot.
    pub name: String,
    /// The surname, where it is not the one found automatically (ADR 0005).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
}

impl Candidate {
    /// A candidate whose surname is found automatically.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), surname: None }
    }

    /// The candidate's stroke-order key.
    pub fn key(&self) -> NameKey {
        NameKey::with_surname(&self.name, self.surname.as_deref())
    }
}

/// Whether `candidates` for `seats` meets the candidate margin of `ruleset` (R8):
/// by default candidates·5 ≥ seats·6, so 5 seats need 6 candidates, 9 need 11.
pub fn margin_met(candidates: u32, seats: u32, ruleset: &Ruleset) -> bool {
    candidates > seats && ruleset.election.candidate_margin.is_met(u64::from(candidates), u64::from(seats))
}

/// The fewest candidates a competitive election for `seats` needs under `ruleset` (R8).
pub fn minimum_candidates(seats: u32, ruleset: &Ruleset) -> u64 {
    ruleset.election.candidate_margin.minimum(u64::from(seats)).max(u64::from(seats) + 1)
}

impl Election {
    /// The candidates in ballot order: surname stroke order (R7).
    pub fn in_stroke_order(&self) -> Vec<Candidate> {
        let mut c = self.candidates.clone();
        sort_by_name(&mut c, |c| (c.name.as_str(), c.surname.as_deref()));
        c
    }

    /// Checks the definition against `ruleset`: at least one seat; named, distinct
    /// candidates; the margin of a competitive election (R8); a non-competitive one only
    /// as a by-election the ruleset allows, with exactly as many candidates as seats.
    pub fn validate(&self, contest: &str, ruleset: &Ruleset) -> Result<(), DefinitionError> {
        self.validate_within(contest, ruleset, MAX_ITEMS)
    }

    /// [`Self::validate`] with at most `max_items` candidates.
    pub fn validate_within(&self, contest: &str, ruleset: &Ruleset, max_items: usize) -> Result<(), DefinitionError> {
        let contest = contest.to_owned();
        if self.seats == 0 {
            return Err(DefinitionError::NoSeats { contest });
        }
        check_names(&contest, self.candidates.iter().map(|c| c.name.as_str()), max_items)?;
        for c in &self.candidates {
            if let Some(s) = &c.surname
                && !c.name.starts_with(s.as_str())
            {
                return Err(DefinitionError::SurnameNotPrefix { contest, name: c.name.clone() });
            }
        }
        let n = u32::try_from(self.candidates.len()).map_err(|_| DefinitionError::TooLarge)?;
        match self.kind {
            ElectionKind::Competitive if !margin_met(n, self.seats, ruleset) => Err(DefinitionError::MarginNotMet {
                contest,
                candidates: n,
                seats: self.seats,
                needed: minimum_candidates(self.seats, ruleset),
            }),
            ElectionKind::Competitive => Ok(()),
            ElectionKind::NonCompetitive if !(self.by_election && ruleset.election.noncompetitive_by_election) => {
                Err(DefinitionError::NonCompetitiveNotAllowed { contest })
            }
            ElectionKind::NonCompetitive if n != self.seats => {
                Err(DefinitionError::NonCompetitiveCount { contest, candidates: n, seats: self.seats })
            }
            ElectionKind::NonCompetitive => Ok(()),
        }
    }
}

/// The most candidates, members or items one contest may have.
pub const MAX_ITEMS: usize = 200;

/// Names must pass the rule for names ([`crate::text::name_problem`]: not empty, no
/// spaces around, no control, direction or invisible characters, at most 100
/// characters), be distinct within a contest once normalised
/// ([`crate::text::normalize_name`]: 李娜 with the compatibility ideograph U+F9E1 is
/// 李娜), and number at most `max` ([`MAX_ITEMS`] in a poll). A set of the names seen:
/// n log n in the names, never quadratic.
pub(crate) fn check_names<'a>(
    contest: &str,
    names: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Result<(), DefinitionError> {
    let mut seen = BTreeSet::new();
    let mut any = false;
    for name in names {
        any = true;
        if seen.len() == max {
            return Err(DefinitionError::TooMany { contest: contest.to_owned(), count: max.saturating_add(1), max });
        }
        let normal = crate::text::normalize_name(name).map_err(|problem| DefinitionError::BadName {
            contest: contest.to_owned(),
            name: name.to_owned(),
            problem,
        })?;
        if !seen.insert(normal) {
            return Err(DefinitionError::DuplicateName { contest: contest.to_owned(), name: name.to_owned() });
        }
    }
    if any { Ok(()) } else { Err(DefinitionError::NoItems { contest: contest.to_owned() }) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn t2020() -> Ruleset {
        Ruleset::builtin("township-2020").unwrap()
    }

    fn election(kind: ElectionKind, by_election: bool, seats: u32, n: usize) -> Election {
        let candidates = (0..n).map(|i| Candidate::new(format!("候选人{i}"))).collect();
        Election { kind, by_election, seats, candidates, write_ins: false }
    }

    #[test]
    fn margin_edges() {
        let r = t2020();
        for (seats, needed) in [(5, 6), (9, 11), (7, 9), (1, 2), (2, 3), (10, 12)] {
            assert!(margin_met(needed, seats, &r), "{seats} seats, {needed} candidates");
            assert!(!margin_met(needed - 1, seats, &r), "{seats} seats, {} candidates", needed - 1);
            assert_eq!(minimum_candidates(seats, &r), u64::from(needed));
        }
        assert!(!margin_met(5, 5, &r));
    }

    #[test]
    fn competitive_definition() {
        let r = t2020();
        assert!(election(ElectionKind::Competitive, false, 5, 6).validate("c", &r).is_ok());
        let e = election(ElectionKind::Competitive, false, 5, 5).validate("c", &r).unwrap_err();
        assert!(matches!(e, DefinitionError::MarginNotMet { needed: 6, .. }), "{e:?}");
        assert!(election(ElectionKind::Competitive, false, 0, 2).validate("c", &r).is_err());
    }

    #[test]
    fn non_competitive_only_as_allowed_by_election() {
        let r = t2020();
        assert!(election(ElectionKind::NonCompetitive, true, 2, 2).validate("c", &r).is_ok());
        let e = election(ElectionKind::NonCompetitive, false, 2, 2).validate("c", &r).unwrap_err();
        assert!(matches!(e, DefinitionError::NonCompetitiveNotAllowed { .. }));
        let e = election(ElectionKind::NonCompetitive, true, 2, 3).validate("c", &r).unwrap_err();
        assert!(matches!(e, DefinitionError::NonCompetitiveCount { .. }));
        let mut strict = r.clone();
        strict.election.noncompetitive_by_election = false;
        assert!(election(ElectionKind::NonCompetitive, true, 2, 2).validate("c", &strict).is_err());
    }

    #[test]
    fn names_checked_and_ordered() {
        let r = t2020();
        let mut e = election(ElectionKind::Competitive, false, 1, 2);
        e.candidates[1].name = e.candidates[0].name.clone();
        assert!(matches!(e.validate("c", &r), Err(DefinitionError::DuplicateName { .. })));
        e.candidates[1].name = " 王海".into();
        assert!(matches!(e.validate("c", &r), Err(DefinitionError::BadName { .. })));
        // Names that look the same are the same name: 李娜 with the compatibility
        // ideograph U+F9E1, or with a variation selector (refused as invisible).
        e.candidates = ["李娜", "\u{F9E1}娜"].into_iter().map(Candidate::new).collect();
        assert!(matches!(e.validate("c", &r), Err(DefinitionError::DuplicateName { .. })));
        e.candidates = ["李娜", "李\u{200B}娜"].into_iter().map(Candidate::new).collect();
        assert!(matches!(e.validate("c", &r), Err(DefinitionError::BadName { .. })));
        e.candidates = ["张伟", "李娜", "王芳"].into_iter().map(Candidate::new).collect();
        let order: Vec<String> = e.in_stroke_order().into_iter().map(|c| c.name).collect();
        assert_eq!(order, ["王芳", "李娜", "张伟"]);
    }
}
