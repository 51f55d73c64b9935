//! How a route is mounted: [`Api::mount`] puts a handler on the router and, in
//! the same call, records the route's OpenAPI operation — who may call it
//! ([`Access`]), what it takes and answers — so the served document
//! (`GET /api/openapi.json`) has every route the router serves, by construction.
//! The route's [`Access`] is declared there once: its guard checks it before the
//! handler runs, and the document prints it (docs/adr/0018-derived-openapi.md).
//!
//! The resources of `crate::http` mount their routes through [`Api`] alone;
//! `server/tests/openapi.rs` fails if one calls axum's router itself.

mod access;
mod document;
mod route;
pub mod schemas;

use std::future::Future;
use std::pin::Pin;

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::OpenApi;

pub use access::{ANY_STATION, Access, ORGANISER, ROLL_READERS, SCRUTINEER, SHEET_READERS};
pub use route::{Answer, Body, F, Route, Ty, Typed, Verb, at, f, o};

use crate::http::AppState;

/// A set of mounted routes and their operations.
#[derive(Debug, Default)]
pub struct Api {
    router: Router<AppState>,
    routes: Vec<Route>,
}

impl Api {
    /// No routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mounts `handler` at `route`'s method and path behind the guard of its
    /// [`Access`], and records the route for the document.
    pub fn mount<H, T>(mut self, route: Route, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let guarded = Guarded { handler, access: route.access };
        self.router = self.router.route(route.path, axum::routing::on(route.verb.filter(), guarded));
        self.routes.push(route);
        self
    }

    /// These routes and `other`'s.
    pub fn merge(mut self, other: Api) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    /// The routes mounted, in the order they were.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The OpenAPI document of these routes.
    pub fn document(&self) -> OpenApi {
        document::build(&self.routes)
    }

    /// The component names under which the types these routes name have two
    /// different schemas (none, or the document shows one type for another).
    pub fn schema_clashes(&self) -> Vec<String> {
        document::derived_schemas(&self.routes).1
    }

    /// The router, to serve.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// A handler behind its route's guard.
#[derive(Clone, Debug)]
struct Guarded<H> {
    handler: H,
    access: Access,
}

impl<H, T> Handler<T, AppState> for Guarded<H>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn call(self, req: Request, state: AppState) -> Self::Future {
        Box::pin(async move {
            match self.access.admit(req, &state).await {
                Ok(req) => self.handler.call(req, state).await,
                Err(refusal) => refusal.into_response(),
            }
        })
    }
}

/// What a resource's `router()` needs to mount and describe its routes.
pub mod prelude {
    pub use super::route::Ty::{B64, Bool, Hex, Int, IntOrNull, Str};
    pub use super::route::Verb::{Get, Post, Put};
    pub use super::schemas::*;
    pub use super::{
        ANY_STATION, Access, Answer, Api, ORGANISER, ROLL_READERS, Route, SCRUTINEER, SHEET_READERS, Ty, at, f, o,
    };
    pub use crate::auth::Role;
    pub use crate::stations_protocol::StationKind;
}
