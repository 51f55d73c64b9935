//! People at a session without a vote (spec §14.1): 列席 and 旁听, registered by the
//! organiser and checked in at the desk apart from the delegates.

use serde::{Deserialize, Serialize};

/// Why someone without a vote is in the hall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttendeeKind {
    /// 列席: attends the session without a vote (e.g. committee members who are not delegates).
    Attending,
    /// 旁听: an observer from the public or a unit.
    Observing,
}

impl AttendeeKind {
    /// The name stored and sent: `attending`, `observing`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attending => "attending",
            Self::Observing => "observing",
        }
    }

    /// The kind of a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "attending" => Some(Self::Attending),
            "observing" => Some(Self::Observing),
            _ => None,
        }
    }
}

/// `POST /api/sessions/{id}/attendees` (organiser): someone who attends without a vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAttendee {
    /// The number on their pass (列席证号 / 旁听证号), unique in the session.
    pub number: String,
    /// 姓名.
    pub name: String,
    /// 工作单位及职务.
    #[serde(default)]
    pub unit: String,
    /// 列席 or 旁听.
    pub kind: AttendeeKind,
}

/// Someone registered to attend a session without a vote
/// (`GET /api/sessions/{id}/attendees`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    /// The number on their pass.
    pub number: String,
    /// 姓名.
    pub name: String,
    /// 工作单位及职务.
    pub unit: String,
    /// 列席 or 旁听.
    pub kind: AttendeeKind,
    /// Whether they have checked in.
    pub checked_in: bool,
}

/// `POST /api/sessions/{id}/attendees/checkin`: the pass number or the name, as the
/// desk typed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttendeeLookup {
    /// A pass number, or a name.
    pub query: String,
}

/// The desk's answer to an attendee's check-in: who, whether this checked them in,
/// and what the desk tells them (no ballot, ever).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendeeCheckedIn {
    /// Who.
    pub attendee: Attendee,
    /// `false` if they had checked in already.
    pub newly: bool,
    /// What the desk says, in the request's language: checked in, and no ballot.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attendee_bodies_read_back_with_the_servers_names() {
        let a: NewAttendee =
            serde_json::from_value(json!({"number": "LX-01", "name": "周敏", "kind": "attending"})).unwrap();
        assert_eq!((a.kind, a.unit.as_str()), (AttendeeKind::Attending, ""));
        assert!(serde_json::from_value::<NewAttendee>(json!({"number": "1", "name": "x", "kind": "voter"})).is_err());
        let listed =
            json!({"number": "PT-02", "name": "吴强", "unit": "镇文化站", "kind": "observing", "checked_in": true});
        assert_eq!(serde_json::to_value(serde_json::from_value::<Attendee>(listed.clone()).unwrap()).unwrap(), listed);
        for k in [AttendeeKind::Attending, AttendeeKind::Observing] {
            assert_eq!(AttendeeKind::parse(k.as_str()), Some(k));
        }
    }
}
