//! A session's attendance figures (R1–R3): expected, present and quorum, as the
//! attendance endpoint, the hall display and the poll's opening read them (the
//! opening at a mark of the attendance log, so that its 实到 and who may be issued
//! its ballot are the same delegates).

use hallvote_tally::Ruleset;
use hallvote_tally::model::{AttendanceSnapshot, Delegate, DelegateStatus, Exclusion, ExclusionReason, Roll};
use serde_json::Value;

use crate::ApiError;
use crate::db::congress::Session;
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
                status: if d.status == "active" {
                    DelegateStatus::Active
                } else {
                    DelegateStatus::Lost(hallvote_tally::model::LossReason::Other)
                },
                id: d.card,
                name: d.name,
                surname: None,
                group: d.group,
            })
            .collect(),
    };
    let exclusions: Vec<Exclusion> = roster::exclusions(&state.store, s.id)
        .await?
        .into_iter()
        .map(|e| Exclusion {
            delegate: e.card,
            reason: serde_json::from_value(Value::from(e.reason)).unwrap_or(ExclusionReason::Other),
            note: e.note,
        })
        .collect();
    let present = attendance::present_cards_at(&state.store, s.id, mark).await?;
    let snapshot = AttendanceSnapshot::freeze(&roll, &exclusions, present.iter().map(String::as_str))
        .map_err(|e| ApiError::internal(format!("attendance inconsistent: {e:?}")))?;
    let ruleset = Ruleset::builtin(&s.ruleset).map_err(|e| ApiError::internal(format!("{e:?}")))?;
    Ok(AttendanceFigures {
        expected: snapshot.expected,
        present: snapshot.present,
        quorum_met: snapshot.quorum_met(&ruleset),
        ruleset: s.ruleset.clone(),
    })
}
