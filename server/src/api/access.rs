//! [`Access`]: who may call a route, declared once where the route is mounted
//! ([`super::Api::mount`]). The same value is checked before the handler runs
//! ([`Access::admit`]) and written into the route's OpenAPI operation
//! (`super::document`), so the document cannot say one thing while the server
//! does another.

use axum::extract::{FromRequestParts, Request};

use crate::ApiError;
use crate::auth::Role;
use crate::http::AppState;
use crate::http::station_auth;
use crate::http::support::session::Authenticated;
use crate::stations_protocol::StationKind;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a login.
    Public,
    /// Any logged-in account, even one that must still replace its one-time password.
    Login,
    /// A logged-in account of one of these roles (and no one-time password left).
    Roles(&'static [Role]),
    /// A signed request (spec §15.5) of an enrolled, unrevoked station of one of these kinds.
    Station(&'static [StationKind]),
    /// Anyone once the poll is published; before, while it is tallied, a logged-in
    /// account of one of these roles. The guard lets every request through: the
    /// handler, which knows the poll's state, checks these roles with
    /// [`Authenticated::require`] when the poll is not yet published.
    PublishedOr(&'static [Role]),
}

/// Every station kind.
pub const ANY_STATION: &[StationKind] = &[StationKind::Desk, StationKind::Booth, StationKind::Scrutineer];
/// A scrutineer station.
pub const SCRUTINEER: &[StationKind] = &[StationKind::Scrutineer];
/// The organisers alone.
pub const ORGANISER: &[Role] = &[Role::Organiser];
/// Who may read the roll, the congresses and their sessions.
pub const ROLL_READERS: &[Role] = &[Role::Organiser, Role::Desk, Role::Observer];
/// Who may read a result sheet before it is published.
pub const SHEET_READERS: &[Role] = &[Role::Organiser, Role::Scrutineer, Role::Observer];

impl Access {
    /// Lets the request through to the handler, or refuses it as the handler's own
    /// check used to: 401 `unauthenticated` without a session, 403 `csrf_failed`,
    /// `password_change_required` or `forbidden` for a wrong role; for a station, the
    /// checks of spec §15.5.3 and then 403 `wrong_station_kind`. What it proved is
    /// left in the request's extensions, where the handler's [`Authenticated`] or
    /// [`SignedStationRequest`] extractor takes it.
    pub async fn admit(self, req: Request, state: &AppState) -> Result<Request, ApiError> {
        match self {
            Access::Public | Access::PublishedOr(_) => Ok(req),
            Access::Login | Access::Roles(_) => {
                let (mut parts, body) = req.into_parts();
                let auth = Authenticated::from_request_parts(&mut parts, state).await?;
                if let Access::Roles(roles) = self {
                    auth.require(roles)?;
                }
                parts.extensions.insert(auth);
                Ok(Request::from_parts(parts, body))
            }
            Access::Station(kinds) => {
                let (mut parts, body) = req.into_parts();
                let signed = station_auth::authenticate(&mut parts, body, state).await?;
                signed.require(kinds)?;
                parts.extensions.insert(signed);
                Ok(Request::from_parts(parts, axum::body::Body::empty()))
            }
        }
    }

    /// The roles this declaration names (none for public and station routes).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Access::Roles(roles) | Access::PublishedOr(roles) => roles,
            Access::Login => &Role::ALL,
            Access::Public | Access::Station(_) => &[],
        }
    }

    /// The name of this kind of declaration in the document's `x-hallvote-access`.
    pub fn name(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Login => "login",
            Access::Roles(_) => "roles",
            Access::Station(_) => "station",
            Access::PublishedOr(_) => "published-or-roles",
        }
    }
}

/// A role's name in zh-CN.
pub fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Organiser => "会务组",
        Role::Desk => "报到处",
        Role::Booth => "投票机",
        Role::Scrutineer => "监票人",
        Role::Observer => "观察员",
    }
}

/// A station kind's name in zh-CN.
pub fn kind_zh(kind: StationKind) -> &'static str {
    match kind {
        StationKind::Desk => "报到处",
        StationKind::Booth => "投票机",
        StationKind::Scrutineer => "监票人终端",
    }
}
