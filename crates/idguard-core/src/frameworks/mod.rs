//! The web and API frameworks idguard knows, one file per family: each file is a
//! [`Framework`] table saying how that family puts values on an API surface (derives,
//! response wrappers, responders), takes them from requests (extractors, request derives),
//! declares routes (attributes, registration calls and their [`Shape`]), and sends bodies.
//!
//! Everything framework-specific is read from here: the prefilter's byte markers are
//! derived from these tables, lowering matches syntax against them, and the index reads
//! the response wrappers. Adding a framework whose registrations take one of the existing
//! shapes is one file here (listed in [`ALL`]) and a fixture.
//!
//! A leaf of the crate: it depends on the fact types only.

use std::sync::OnceLock;

use crate::facts::ParamSource;

mod actix;
mod askama;
mod axum;
mod graphql;
mod openapi;
mod orm;
mod pavex;
mod poem;
mod rocket;
mod salvo;
mod serde;
mod templates;
mod tonic;
mod warp;

/// Every framework family, in the order their words are merged.
pub static ALL: &[&Framework] = &[
    &serde::SERDE,
    &axum::AXUM,
    &actix::ACTIX,
    &rocket::ROCKET,
    &warp::WARP,
    &poem::POEM,
    &salvo::SALVO,
    &pavex::PAVEX,
    &askama::ASKAMA,
    &templates::TEMPLATES,
    &graphql::GRAPHQL,
    &tonic::TONIC,
    &openapi::OPENAPI,
    &orm::ORM,
];

/// How a registration call names its route and handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `.route("/p", get(h).post(g))`: a literal path, then a method router (`get(h)`,
    /// `web::get().to(h)`); with `on`, only on a chain whose base names that type (poem's
    /// `Route::new().at(..)`).
    PathAndRouter {
        /// The type the chain must start from, if any.
        on: Option<&'static str>,
    },
    /// `web::resource("/p").route(web::get().to(h))`, `.to(h)`, `Router::with_path("p").get(h)`:
    /// one argument, on a chain whose base is a call of [`Framework::resource_calls`] with a
    /// literal path. The method is the call's name (`to`: any method; `route`: a router).
    OnResource,
    /// `.nest("/api", api_routes())`: routes of a function (or an inline router) under a prefix.
    Nest,
    /// `web::scope("/api").service(..)`: the argument's routes under the scope's prefix.
    Scope,
    /// `.mount("/api", routes![a, b])`: handlers listed in a macro, under a prefix.
    Mount,
    /// `warp::path("users").and(warp::path::param::<u64>())`: a typed path segment.
    TypedSegment,
    /// `bp.route(GET, "/users/{id}", f!(crate::get_user))`: the method, the literal path and
    /// the handler (a path, or a macro holding one) at these argument positions.
    MethodPathHandler {
        /// Position of the method (`GET`).
        method: usize,
        /// Position of the literal path.
        path: usize,
        /// Position of the handler.
        handler: usize,
    },
}

/// One framework family's words. Every list is matched against the last path segment
/// (`axum::Json` and `web::Json` are both `Json`).
#[derive(Debug)]
pub struct Framework {
    /// The family, for documentation and `idguard rules`-style listings.
    pub name: &'static str,
    /// Derives that make a type serializable to clients.
    pub serialize_derives: &'static [&'static str],
    /// Derives and attribute macros that put a type on an API surface without a traced handler.
    pub schema_derives: &'static [&'static str],
    /// Schema derives that publish a type only where a document names it (utoipa's
    /// `ToSchema`: an `OpenAPI` document lists it, or an operation's attribute uses it).
    pub documented_schemas: &'static [&'static str],
    /// Attributes whose type names are what a document publishes (`#[openapi(components(
    /// schemas(User)))]` on a `#[derive(OpenApi)]` type, `#[utoipa::path(responses((status =
    /// 200, body = User)))]` on an operation).
    pub document_attrs: &'static [&'static str],
    /// Derives whose name other crates use too, with the crates the framework's own comes
    /// from: a derive that the code says comes from another crate is not this framework's
    /// (actix's actor `Message` is not `prost::Message`).
    pub derive_origins: &'static [(&'static str, &'static [&'static str])],
    /// Derives of request types (deserialized from clients).
    pub request_derives: &'static [&'static str],
    /// Derives of server-rendered page structs (askama's `Template`): the fields their
    /// template prints are shown to clients.
    pub page_derives: &'static [&'static str],
    /// Response wrappers whose generic arguments are sent to clients (`Json<T>`).
    pub response_wrappers: &'static [&'static str],
    /// Return-type words of handlers whose body builds the response (`impl IntoResponse`).
    pub responders: &'static [&'static str],
    /// Request extractors: the type argument comes from the request.
    pub extractors: &'static [(&'static str, ParamSource)],
    /// Types of a `Request<T>` that make it an HTTP request rather than a message.
    pub http_bodies: &'static [&'static str],
    /// Attributes that declare a route on a handler (`#[get("/users/{id}")]`).
    pub route_attrs: &'static [&'static str],
    /// Attributes that mark a handler without saying its route.
    pub handler_attrs: &'static [&'static str],
    /// Attributes on an `impl` block whose methods are resolvers.
    pub resolver_attrs: &'static [&'static str],
    /// Attribute macros that put the annotated type or `impl` on an API surface.
    pub attr_macros: &'static [&'static str],
    /// Derives that select a file without being a surface (persistence evidence).
    pub selection_derives: &'static [&'static str],
    /// Registration calls (method names) and their shapes.
    pub registrations: &'static [(&'static str, Shape)],
    /// Calls at the base of a builder chain that give a resource its literal path
    /// (`web::resource("/p")`, `Router::with_path("p")`), for [`Shape::OnResource`].
    pub resource_calls: &'static [&'static str],
    /// Calls that open a prefix for [`Shape::Scope`] (`web::scope("/api")`).
    pub scope_calls: &'static [&'static str],
    /// Macros whose body is a typed route (`warp::path!("users" / u64)`).
    pub path_macros: &'static [&'static str],
    /// Words that select a file and keep a function body: registrations and the like
    /// (each must be a call whose first argument is a string literal, unless listed in
    /// [`Framework::marker_words`]).
    pub route_markers: &'static [&'static str],
    /// Words that select a file wherever they stand (poem's `Route`).
    pub marker_words: &'static [&'static str],
    /// Macros that select a file when invoked (diesel's `table!`: persistence evidence).
    pub declaration_macros: &'static [&'static str],
    /// Calls that send their first argument as a response body, by the last path segment
    /// and, where given, the one before it (`Json(x)`, `reply::json(&x)`), with how the
    /// diagnostic names the send.
    pub send_calls: &'static [(&'static str, Option<&'static str>, &'static str)],
    /// Methods that send their first argument (`HttpResponse::Ok().json(&x)`), with how the
    /// diagnostic names the send.
    pub send_methods: &'static [(&'static str, &'static str)],
    /// Text in a function body that may send a body or read a request value by hand.
    pub send_markers: &'static [&'static str],
    /// Calls and constructors through which a value leaves the server (the value model's
    /// sinks: `Json`, `Html`, redirects, headers).
    pub sinks: &'static [&'static str],
    /// Calls and methods that push a message to connected clients outside a response
    /// (WebSocket `ctx.text(..)`, `Message::Text(..)`, SSE `Event::data(..)`).
    pub push_calls: &'static [&'static str],
}

impl Framework {
    /// A table with every list empty, for `..Framework::EMPTY`.
    pub const EMPTY: Framework = Framework {
        name: "",
        serialize_derives: &[],
        schema_derives: &[],
        documented_schemas: &[],
        document_attrs: &[],
        derive_origins: &[],
        request_derives: &[],
        page_derives: &[],
        response_wrappers: &[],
        responders: &[],
        extractors: &[],
        http_bodies: &[],
        route_attrs: &[],
        handler_attrs: &[],
        resolver_attrs: &[],
        attr_macros: &[],
        selection_derives: &[],
        registrations: &[],
        resource_calls: &[],
        scope_calls: &[],
        path_macros: &[],
        route_markers: &[],
        marker_words: &[],
        declaration_macros: &[],
        send_calls: &[],
        send_methods: &[],
        send_markers: &[],
        sinks: &[],
        push_calls: &[],
    };
}

/// HTTP methods, as route attributes, method routers and registration names use them.
pub const METHODS: &[&str] = &["get", "post", "put", "delete", "patch", "head", "options", "trace", "any"];

/// The words of one list across every framework, first occurrence first.
fn merged<T: Copy + PartialEq + 'static>(list: impl Fn(&Framework) -> &'static [T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for framework in ALL {
        for item in list(framework) {
            if !out.contains(item) {
                out.push(*item);
            }
        }
    }
    out
}

macro_rules! merged_list {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name() -> &'static [$ty] {
            static LIST: OnceLock<Vec<$ty>> = OnceLock::new();
            LIST.get_or_init(|| merged(|f| f.$name))
        }
    };
}

merged_list!(/// Every framework's serialize derives.
    serialize_derives: &'static str);
merged_list!(/// Every framework's schema derives.
    schema_derives: &'static str);
merged_list!(/// Every framework's schema derives that need a document.
    documented_schemas: &'static str);
merged_list!(/// Every framework's document attributes.
    document_attrs: &'static str);
merged_list!(/// Every framework's derive origins.
    derive_origins: (&'static str, &'static [&'static str]));
merged_list!(/// Every framework's request derives.
    request_derives: &'static str);
merged_list!(/// Every framework's page derives.
    page_derives: &'static str);
merged_list!(/// Every framework's response wrappers.
    response_wrappers: &'static str);
merged_list!(/// Every framework's responder words.
    responders: &'static str);
merged_list!(/// Every framework's extractors.
    extractors: (&'static str, ParamSource));
merged_list!(/// Every framework's HTTP body types.
    http_bodies: &'static str);
merged_list!(/// Every framework's route attributes.
    route_attrs: &'static str);
merged_list!(/// Every framework's handler attributes.
    handler_attrs: &'static str);
merged_list!(/// Every framework's resolver attributes.
    resolver_attrs: &'static str);
merged_list!(/// Every framework's surface attribute macros.
    attr_macros: &'static str);
merged_list!(/// Every framework's selection derives.
    selection_derives: &'static str);
merged_list!(/// Every framework's registration calls and shapes.
    registrations: (&'static str, Shape));
merged_list!(/// Every framework's resource calls.
    resource_calls: &'static str);
merged_list!(/// Every framework's scope calls.
    scope_calls: &'static str);
merged_list!(/// Every framework's typed-route macros.
    path_macros: &'static str);
merged_list!(/// Every framework's route markers.
    route_markers: &'static str);
merged_list!(/// Every framework's words that select a file wherever they stand.
    marker_words: &'static str);
merged_list!(/// Every framework's declaration macros.
    declaration_macros: &'static str);
merged_list!(/// Every framework's send methods.
    send_methods: (&'static str, &'static str));
merged_list!(/// Every framework's send calls.
    send_calls: (&'static str, Option<&'static str>, &'static str));
merged_list!(/// Every framework's send markers.
    send_markers: &'static str);
merged_list!(/// Every framework's sinks.
    sinks: &'static str);
merged_list!(/// Every framework's push calls.
    push_calls: &'static str);

/// Where a route word's literal path stands among its call's arguments, for each shape a
/// call of that name takes (`route("/p", ..)`: 0; Pavex `route(GET, "/p", ..)`: 1); 0 for
/// words that are no registration (`web::resource("/p")`).
pub fn path_positions(name: &str) -> Vec<usize> {
    let mut out: Vec<usize> = shapes(name)
        .map(|shape| match shape {
            Shape::MethodPathHandler { path, .. } => path,
            _ => 0,
        })
        .collect();
    if out.is_empty() {
        out.push(0);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The shapes a registration call of this name can take.
pub fn shapes(name: &str) -> impl Iterator<Item = Shape> {
    registrations().iter().filter(move |(n, _)| *n == name).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_framework_is_listed_once_and_says_something() {
        for (i, f) in ALL.iter().enumerate() {
            assert!(!f.name.is_empty(), "framework {i} has no name");
            assert!(ALL.iter().filter(|g| g.name == f.name).count() == 1, "`{}` twice", f.name);
        }
        // Extractor names resolve to one source each.
        for (name, source) in extractors() {
            assert!(extractors().iter().all(|(n, s)| n != name || s == source), "`{name}` has two sources");
        }
    }
}
