//! A session's attendance figures (R1–R3): expected, present and quorum, as the
//! attendance endpoint, the hall display and the poll's opening read them (the
//! opening at a mark of the attendance log, so that its 实到 and who may be issued
//! its ballot are the same delegates).

use hallvote_tally::Ruleset;
use hallvote_tally::model::{
    AttendanceSnapshot, Delegate, DelegateStatus, Exclusion, ExclusionReason, LossReason, Roll,
};
use serde_json::Value;

use crate::ApiError;
use crate::db::congress::Session;
use crate::db::delegate_status::{DelegateStanding, standing};
use crate::db::{attendance, roster};
use crate::http::AppState;
pub use hallvote_protocol::wire::AttendanceFigures;

/// Computes the figures now from the roll, the exclusions and the check-ins.
pub async fn attendance_figures(state: &AppState, s: &Session) -> Result<AttendanceFigures, ApiError> {
    attendance_figures_at(state, s, i64::MAX).await
}

/// The figures as they stood at event `mark` of the session's attendance log
/// (`db::attendance::last_event`): those a poll opening at that mark freezes.
pub async fn attendance_figures_at(state: &AppState, s: &Session, mark: i64) -> Result<AttendanceFigures, ApiError> {
    let roll = Roll {
        delegates: roster::roll(&state.store, s.congress_id)
            .await?
            .into_iter()
            .map(|d| Delegate {
                status: match standing(&d.status) {
                    DelegateStanding::Active => DelegateStatus::Active,
                    DelegateStanding::Suspended => DelegateStatus::Suspended,
                    // The reason is words in the change's record, not a category.
                    DelegateStanding::Terminated => DelegateStatus::Lost(LossReason::Other),
                },
                id: d.card,
                name: d.name,
                surname: None,
                group: d.group,
            })
            .collect(),
    };
    // Only delegates who hold the status count (R1, R2): an exclusion of someone
    // whose status ended or is suspended is moot until a restoration, and a check-in
    // the log still holds for them (a change made between a poll's mark and this
    // reading) does not make them present.
    let active: std::collections::HashSet<&str> = roll.active().map(|d| d.id.as_str()).collect();
    let holds = |card: &str| active.contains(card);
    let exclusions: Vec<Exclusion> = roster::exclusions(&state.store, s.id)
        .await?
        .into_iter()
        .filter(|e| holds(&e.card))
        .map(|e| Exclusion {
            delegate: e.card,
            reason: serde_json::from_value(Value::from(e.reason)).unwrap_or(ExclusionReason::Other),
            note: e.note,
        })
        .collect();
    let present = attendance::present_cards_at(&state.store, s.id, mark).await?;
    let present = present.iter().map(String::as_str).filter(|card| holds(card));
    let snapshot = AttendanceSnapshot::freeze(&roll, &exclusions, present)
        .map_err(|e| ApiError::internal(format!("attendance inconsistent: {e:?}")))?;
    let ruleset = Ruleset::builtin(&s.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    Ok(AttendanceFigures {
        expected: snapshot.expected,
        present: snapshot.present,
        quorum_met: snapshot.quorum_met(&ruleset),
        ruleset: s.ruleset.clone(),
    })
}
