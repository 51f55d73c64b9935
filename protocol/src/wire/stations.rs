//! Stations (spec §15.2–§15.4): the organiser's enrolment codes, a station's
//! enrolment with its key, and what it learns about itself.

use serde::{Deserialize, Serialize};

use crate::stations::StationKind;

/// `POST /api/stations/enrolments` (organiser): a one-time enrolment code for a
/// station of `kind` named `name` (spec §15.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEnrolment {
    /// What the station will be.
    pub kind: StationKind,
    /// Its name.
    pub name: String,
    /// Where stations reach the server, when the console's own address (its
    /// `Host`) is not it, e.g. a console opened on `localhost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

/// The answer to [`NewEnrolment`]: the code, to show as a QR code or to type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedEnrolment {
    /// 32 lowercase hex digits, for typing in when the QR code cannot be scanned.
    pub token: String,
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
    /// What the station will be.
    pub kind: StationKind,
    /// Its name.
    pub name: String,
    /// Where the station reaches the server.
    pub server_url: String,
    /// `HVENROL1:…` (spec §15.3).
    pub qr_text: String,
    /// The QR code of `qr_text` as an SVG document.
    pub qr_svg: String,
}

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

/// A station as the console lists it (`GET /api/stations`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationView {
    /// Its number on the server.
    pub id: i64,
    /// What it is.
    pub kind: StationKind,
    /// Its name.
    pub name: String,
    /// Its Ed25519 key: 64 lowercase hex digits.
    pub public_key: String,
    /// When it enrolled, Unix seconds.
    pub enrolled_at: i64,
    /// Who issued its enrolment code.
    pub enrolled_by: String,
    /// Whether it is revoked.
    pub revoked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enrolment_bodies_read_back() {
        let new = json!({"kind": "desk", "name": "报到处1", "server_url": "https://10.0.0.2:8443"});
        let n: NewEnrolment = serde_json::from_value(new.clone()).unwrap();
        assert_eq!((n.kind, serde_json::to_value(&n).unwrap()), (StationKind::Desk, new));
        let issued = json!({"token": "00".repeat(16), "expires_at": 1_800_000_000, "kind": "booth", "name": "投票机1",
            "server_url": "http://127.0.0.1:8080", "qr_text": "HVENROL1:abc", "qr_svg": "<svg/>"});
        let i: IssuedEnrolment = serde_json::from_value(issued.clone()).unwrap();
        assert_eq!((i.qr_text.as_str(), serde_json::to_value(&i).unwrap()), ("HVENROL1:abc", issued));

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

    #[test]
    fn a_station_view_reads_back() {
        let v = json!({"id": 3, "kind": "scrutineer", "name": "监票人 1", "public_key": "ab".repeat(32),
            "enrolled_at": 1764288000, "enrolled_by": "org", "revoked": false});
        let s: StationView = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(s.kind, StationKind::Scrutineer);
        assert_eq!(serde_json::to_value(&s).unwrap(), v);
    }
}
