//! Stations (spec §15.2–§15.4): the organiser's enrolment codes, a station's
//! enrolment with its key, and what it learns about itself.

use serde::{Deserialize, Serialize};

use crate::stations::StationKind;

/// `POST /api/stations/enrol` (unauthenticated, the one-time token is the
/// credential): the new station's key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The enrolment token, 32 lowercase hex digits.
    pub token: String,
    /// The station's Ed25519 key, 64 lowercase hex digits (spec §8.1).
    pub public_key: String,
}

/// The answer to [`EnrolRequest`] and to `GET /api/station/whoami`: what an
/// enrolled station learns about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolledStation {
    /// Its id, with which it signs its requests (spec §15.5).
    pub id: i64,
    /// What it is.
    pub kind: StationKind,
    /// Its name.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enrolment_bodies_read_back() {
        let req = json!({"token": "00112233445566778899aabbccddeeff", "public_key": "ab".repeat(32)});
        let r: EnrolRequest = serde_json::from_value(req.clone()).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), req);
        let me = json!({"id": 4, "kind": "scrutineer", "name": "监票 1"});
        let m: EnrolledStation = serde_json::from_value(me.clone()).unwrap();
        assert_eq!((m.id, m.kind), (4, StationKind::Scrutineer));
        assert_eq!(serde_json::to_value(&m).unwrap(), me);
        let err = serde_path_to_error::deserialize::<_, EnrolledStation>(json!({"kind": "desk", "name": "d"}));
        assert!(err.unwrap_err().to_string().contains("missing field `id`"));
    }
}
