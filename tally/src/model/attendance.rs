//! The attendance snapshot frozen when a poll opens (RULES R1–R3).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{DefinitionError, Exclusion, Roll};
use crate::ruleset::Ruleset;

/// Expected and present, frozen when a poll opens and printed on its result sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceSnapshot {
    /// 应到: delegates on the roll less approved exclusions (R1).
    pub expected: u32,
    /// 实到: delegates checked in who hold the right to vote (R2).
    pub present: u32,
}

impl AttendanceSnapshot {
    /// Computes R1 and R2 from the roll, the session's exclusions and the ids checked in.
    ///
    /// A delegate who lost the status is not counted; an exclusion or check-in of an id
    /// not on the roll is an error, and so is the check-in of an excluded delegate (the
    /// exclusion must be withdrawn first, which changes "expected" too). Repeated
    /// check-ins count once.
    pub fn freeze<'a>(
        roll: &Roll,
        exclusions: &[Exclusion],
        checked_in: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, DefinitionError> {
        let active: BTreeSet<&str> = roll.active().map(|d| d.id.as_str()).collect();
        let mut excluded = BTreeSet::new();
        for e in exclusions {
            if !active.contains(e.delegate.as_str()) {
                return Err(DefinitionError::NotOnRoll { id: e.delegate.clone() });
            }
            excluded.insert(e.delegate.as_str());
        }
        let mut present = BTreeSet::new();
        for id in checked_in {
            if !active.contains(id) {
                return Err(DefinitionError::NotOnRoll { id: id.to_owned() });
            }
            if excluded.contains(id) {
                return Err(DefinitionError::ExcludedCheckedIn { id: id.to_owned() });
            }
            present.insert(id);
        }
        let count = |n: usize| u32::try_from(n).map_err(|_| DefinitionError::TooLarge);
        Ok(Self { expected: count(active.len() - excluded.len())?, present: count(present.len())? })
    }

    /// Whether the quorum of `ruleset` is met (R3); a poll cannot open without it.
    pub fn quorum_met(&self, ruleset: &Ruleset) -> bool {
        ruleset.quorum.is_met(u64::from(self.present), u64::from(self.expected))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::{Delegate, DelegateStatus, ExclusionReason, LossReason};

    fn roll(n: usize) -> Roll {
        let delegates = (1..=n)
            .map(|i| Delegate {
                id: format!("QS15-{i:03}"),
                name: format!("代表{i}"),
                surname: None,
                group: "机关代表团".into(),
                status: DelegateStatus::Active,
            })
            .collect();
        Roll { delegates }
    }

    #[test]
    fn expected_and_present() {
        let mut r = roll(102);
        r.delegates[101].status = DelegateStatus::Lost(LossReason::Resigned);
        let ex = [
            Exclusion { delegate: "QS15-001".into(), reason: ExclusionReason::Illness, note: String::new() },
            Exclusion { delegate: "QS15-002".into(), reason: ExclusionReason::Detained, note: String::new() },
        ];
        // 102 on the roll, one resigned: 101 active − 2 excluded = 99 expected.
        let ids: Vec<String> = (3..=82).map(|i| format!("QS15-{i:03}")).collect();
        let mut checked: Vec<&str> = ids.iter().map(String::as_str).collect();
        checked.push("QS15-003"); // a repeated scan counts once
        let s = AttendanceSnapshot::freeze(&r, &ex, checked.clone()).unwrap();
        assert_eq!(s, AttendanceSnapshot { expected: 99, present: 80 });
        let t2020 = Ruleset::builtin("township-2020").unwrap();
        assert!(s.quorum_met(&t2020), "80·5 = 400 ≥ 99·4 = 396");
        // One more who does not exercise the office for now (停止执行代表职务) is not expected.
        r.delegates[100].status = DelegateStatus::Suspended;
        let s = AttendanceSnapshot::freeze(&r, &ex, checked).unwrap();
        assert_eq!(s, AttendanceSnapshot { expected: 98, present: 80 });
    }

    #[test]
    fn bad_ids_and_excluded_check_in() {
        let r = roll(10);
        let ex = [Exclusion { delegate: "QS15-001".into(), reason: ExclusionReason::Abroad, note: String::new() }];
        let e = AttendanceSnapshot::freeze(&r, &ex, ["QS15-001"]).unwrap_err();
        assert!(matches!(e, DefinitionError::ExcludedCheckedIn { .. }));
        let e = AttendanceSnapshot::freeze(&r, &[], ["QS15-999"]).unwrap_err();
        assert!(matches!(e, DefinitionError::NotOnRoll { .. }));
        let bad = [Exclusion { delegate: "X".into(), reason: ExclusionReason::Other, note: "x".into() }];
        assert!(AttendanceSnapshot::freeze(&r, &bad, []).is_err());
    }
}
