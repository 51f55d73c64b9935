//! The check-in desk (spec §14.3): the sessions it works for, and the delegates it
//! checks in and out by card.

use serde::{Deserialize, Serialize};

use crate::lifecycle::PollState;

/// `POST /api/station/sessions/{id}/checkin` and `…/checkout` (desk station; also
/// `/api/sessions/{id}/checkin` and `…/checkout` for a desk account): the delegate
/// card's QR text (the normal case), or the card number typed by hand when a card
/// is lost or unreadable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CardScan {
    /// The card's QR text, as scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    /// The card number, typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
}

/// What the desk did with a delegate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Checked in now.
    CheckedIn,
    /// Was already present: nothing recorded.
    AlreadyPresent,
    /// Left now.
    Departed,
    /// Was not present: nothing recorded.
    NotPresent,
}

impl Movement {
    /// The name on the wire: `checked_in`, `already_present`, `departed`, `not_present`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckedIn => "checked_in",
            Self::AlreadyPresent => "already_present",
            Self::Departed => "departed",
            Self::NotPresent => "not_present",
        }
    }
}

/// The answer to a [`CardScan`]: who was scanned, and what the desk did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskAnswer {
    /// The card number.
    pub card: String,
    /// The delegate's name.
    pub name: String,
    /// The delegation (代表团).
    pub group: String,
    /// What was recorded.
    pub status: Movement,
}

/// One of `GET /api/station/sessions` (desk or booth station), newest first: a session with
/// its congress and its polls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskSession {
    /// Its number on the server.
    pub id: i64,
    /// The congress's name.
    pub congress: String,
    /// 第×次会议.
    pub number: i64,
    /// Its date, as the organisers wrote it.
    pub date: String,
    /// Its polls.
    pub polls: Vec<DeskPoll>,
}

/// A poll as the desk sees it: it issues for the open ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskPoll {
    /// Its number on the server.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Where it is.
    pub state: PollState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn desk_bodies_read_back() {
        let sessions = json!([{"id": 2, "congress": "第十五届", "number": 3, "date": "2026年11月28日",
            "polls": [{"id": 7, "name": "增补委员", "state": "open"}]}]);
        let s: Vec<DeskSession> = serde_json::from_value(sessions.clone()).unwrap();
        assert_eq!((s[0].polls[0].state, s[0].number), (PollState::Open, 3));
        assert_eq!(serde_json::to_value(&s).unwrap(), sessions);

        let answer = json!({"card": "QS15-001", "name": "范勇", "group": "机关代表团", "status": "already_present"});
        let a: DeskAnswer = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(a.status, Movement::AlreadyPresent);
        assert_eq!(a.status.as_str(), "already_present");
        assert_eq!(serde_json::to_value(&a).unwrap(), answer);
        assert!(
            serde_json::from_value::<DeskAnswer>(json!({"card": "1", "name": "", "group": "", "status": "gone"}))
                .is_err()
        );

        let scan = json!({"qr": "HVCARD1:abc"});
        let c: CardScan = serde_json::from_value(scan.clone()).unwrap();
        assert_eq!((c.qr.as_deref(), c.card.as_deref()), (Some("HVCARD1:abc"), None));
        assert_eq!(serde_json::to_value(&c).unwrap(), scan);
        assert!(serde_json::from_value::<CardScan>(json!({"qr": "x", "name": "y"})).is_err());
    }
}
