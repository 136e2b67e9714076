//! poem and poem-openapi: `#[handler]`, `Route::new().at(..)`, `#[OpenApi]` impls with
//! `#[oai(path = ..)]` operations and `Object` schemas.

use super::{Framework, Shape};

/// poem and poem-openapi (extractors share axum's names).
pub const POEM: Framework = Framework {
    name: "poem",
    serialize_derives: &["Object", "ToResponse"],
    schema_derives: &["Object", "ToResponse"],
    // `Object` is both a response schema and a request body.
    request_derives: &["Object"],
    route_attrs: &["oai"],
    handler_attrs: &["handler"],
    attr_macros: &["OpenApi"],
    registrations: &[("at", Shape::PathAndRouter { on: Some("Route") })],
    marker_words: &["Route"],
    push_calls: &["Text"],
    ..Framework::EMPTY
};
