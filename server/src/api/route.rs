//! [`Route`]: one route as its resource mounts it — method, path, tag, who may call
//! it ([`Access`]), what it takes and answers, and the refusals particular to it.
//! Bodies are named by their Rust types ([`Route::takes`], [`Route::answers_type`],
//! [`Route::answers_list`]),
//! whose schemas utoipa derives (`ToSchema`); answers not yet given a type of
//! their own are described with [`Ty`] until they are.

use std::borrow::Cow;

use axum::routing::MethodFilter;
use utoipa::openapi::{HttpMethod, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::Access;

/// An HTTP method a route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// GET (and HEAD).
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
}

impl Verb {
    /// The method in the document.
    pub fn method(self) -> HttpMethod {
        match self {
            Verb::Get => HttpMethod::Get,
            Verb::Post => HttpMethod::Post,
            Verb::Put => HttpMethod::Put,
        }
    }

    /// The method for the router.
    pub fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
        }
    }

    /// The method in lower case, as in operation ids.
    pub fn name(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
        }
    }
}

/// A Rust type with a derived schema: its name in `components.schemas`, its schema,
/// and the schemas it refers to.
#[derive(Clone, Copy)]
pub struct Typed {
    /// The component's name.
    pub name: fn() -> Cow<'static, str>,
    /// Its schema.
    pub schema: fn() -> RefOr<Schema>,
    /// The schemas it refers to, by name.
    pub refers_to: fn(&mut Vec<(String, RefOr<Schema>)>),
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&(self.name)())
    }
}

impl Typed {
    /// The derived schema of `T`.
    pub const fn of<T: ToSchema>() -> Self {
        Typed { name: T::name, schema: <T as PartialSchema>::schema, refers_to: T::schemas }
    }
}

/// The type of a JSON value.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    Str,
    Int,
    /// An integer, or `null` (not yet known).
    IntOrNull,
    Bool,
    /// Standard base64 with padding (spec §14.2).
    B64,
    /// Lowercase hex digits.
    Hex,
    Enum(&'static [&'static str]),
    Arr(&'static Ty),
    Obj(&'static [F]),
    /// A schema of `components.schemas`.
    Ref(&'static str),
    /// A schema of `components.schemas` with more fields.
    Extends(&'static str, &'static [F]),
    /// Any JSON object (described in words).
    AnyObject,
}

/// A field of a JSON object.
#[derive(Clone, Copy, Debug)]
pub struct F {
    /// The field's name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it is always present.
    pub required: bool,
    /// What it holds.
    pub doc: &'static str,
}

/// A field that is always present.
pub const fn f(name: &'static str, ty: Ty, doc: &'static str) -> F {
    F { name, ty, required: true, doc }
}

/// A field that may be left out.
pub const fn o(name: &'static str, ty: Ty, doc: &'static str) -> F {
    F { name, ty, required: false, doc }
}

/// What a route takes.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    /// No body.
    None,
    /// A JSON value of this Rust type (`application/json`).
    Typed(Typed),
    /// A JSON value (`application/json`).
    Json(Ty),
    /// A roster file: CSV or Excel.
    Roster,
    /// Bytes (`application/octet-stream`) of the form described.
    Binary(&'static str),
}

/// What a route answers on success.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// JSON of this Rust type, with this status.
    Typed(u16, Typed),
    /// A JSON array of this Rust type, with this status.
    TypedList(u16, Typed),
    /// JSON with this status.
    Json(u16, Ty),
    /// This status and no body.
    Empty(u16),
    /// A page.
    Html,
    /// A file of this media type, described.
    File(&'static str, &'static str),
    /// Server-sent events whose data is this JSON.
    Events(Ty),
}

/// One route of the router: everything the document says about it.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    /// Its method.
    pub verb: Verb,
    /// Its path, `{name}` for a path parameter (as axum writes it).
    pub path: &'static str,
    /// Its tag in the document.
    pub tag: &'static str,
    /// Who may call it: checked before the handler runs, and written into the document.
    pub access: Access,
    /// Its summary in English.
    pub summary: &'static str,
    /// The summary in zh-CN, and more if needed.
    pub zh: &'static str,
    /// More in English (may be empty).
    pub doc: &'static str,
    /// What it takes.
    pub body: Body,
    /// Its query parameters.
    pub query: &'static [F],
    /// What it answers on success.
    pub answer: Answer,
    /// Refusals particular to this route, as (status, code); those of its kind of
    /// caller, body and path are added by the document.
    pub errors: &'static [(u16, &'static str)],
    /// Statuses a page answers with itself, the reason shown on the page (HTML), as
    /// well as in the error schema when the request is refused before the page.
    pub page_refusals: &'static [u16],
}

/// A route of the router, with nothing said about it yet.
pub const fn at(verb: Verb, path: &'static str, tag: &'static str, access: Access) -> Route {
    Route {
        verb,
        path,
        tag,
        access,
        summary: "",
        zh: "",
        doc: "",
        body: Body::None,
        query: &[],
        answer: Answer::Empty(204),
        errors: &[],
        page_refusals: &[],
    }
}

impl Route {
    /// Its summary in English and in zh-CN.
    pub const fn says(self, summary: &'static str, zh: &'static str) -> Route {
        Route { summary, zh, ..self }
    }

    /// More about it, in English.
    pub const fn more(self, doc: &'static str) -> Route {
        Route { doc, ..self }
    }

    /// It takes a JSON body of type `T`.
    pub const fn takes<T: ToSchema>(self) -> Route {
        Route { body: Body::Typed(Typed::of::<T>()), ..self }
    }

    /// It takes a JSON body described by hand (for a body without a type of its own).
    pub const fn takes_json(self, ty: Ty) -> Route {
        Route { body: Body::Json(ty), ..self }
    }

    /// It takes bytes (`application/octet-stream`) of the form `form` describes.
    pub const fn takes_binary(self, form: &'static str) -> Route {
        Route { body: Body::Binary(form), ..self }
    }

    /// It takes a roster file.
    pub const fn takes_roster(self) -> Route {
        Route { body: Body::Roster, ..self }
    }

    /// Its query parameters.
    pub const fn query(self, query: &'static [F]) -> Route {
        Route { query, ..self }
    }

    /// What it answers on success.
    pub const fn answers(self, answer: Answer) -> Route {
        Route { answer, ..self }
    }

    /// It answers JSON of type `T` with this status.
    pub const fn answers_type<T: ToSchema>(self, status: u16) -> Route {
        Route { answer: Answer::Typed(status, Typed::of::<T>()), ..self }
    }

    /// It answers a JSON array of `T` with this status.
    pub const fn answers_list<T: ToSchema>(self, status: u16) -> Route {
        Route { answer: Answer::TypedList(status, Typed::of::<T>()), ..self }
    }

    /// It answers JSON with this status, described by hand.
    pub const fn answers_json(self, status: u16, ty: Ty) -> Route {
        Route { answer: Answer::Json(status, ty), ..self }
    }

    /// Its own refusals.
    pub const fn refuses(self, errors: &'static [(u16, &'static str)]) -> Route {
        Route { errors, ..self }
    }

    /// The page answers these statuses itself, as HTML.
    pub const fn shows_refusals(self, page_refusals: &'static [u16]) -> Route {
        Route { page_refusals, ..self }
    }
}
