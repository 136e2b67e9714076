//! actix-web: `web::Path<T>` and friends, route attributes, `web::resource` and
//! `web::scope` builders, `HttpResponse::Ok().json(..)`.

use super::{Framework, Shape};

/// actix-web (its extractors share axum's names: `web::Path`, `web::Query`, `web::Json`).
pub const ACTIX: Framework = Framework {
    name: "actix-web",
    responders: &["Responder", "HttpResponse"],
    route_attrs: &["get", "post", "put", "delete", "patch", "head", "options", "route"],
    registrations: &[
        ("route", Shape::OnResource),
        ("to", Shape::OnResource),
        ("get", Shape::OnResource),
        ("post", Shape::OnResource),
        ("put", Shape::OnResource),
        ("delete", Shape::OnResource),
        ("patch", Shape::OnResource),
        ("head", Shape::OnResource),
        ("options", Shape::OnResource),
        ("service", Shape::Scope),
        ("configure", Shape::Scope),
    ],
    resource_calls: &["resource"],
    scope_calls: &["scope"],
    route_markers: &["resource", "scope"],
    send_methods: &[("json", "HttpResponse::json")],
    send_markers: &[".json(", "match_info"],
    sinks: &["json", "body", "insert_header", "append_header", "see_other", "found"],
    push_calls: &["text"],
    ..Framework::EMPTY
};
