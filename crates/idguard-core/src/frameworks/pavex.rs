//! Pavex: `PathParams<T>`/`QueryParams<T>` extractors, `bp.route(GET, "/p", f!(handler))`
//! blueprints and `#[pavex::get(path = "/p")]` attributes.

use super::{Framework, Shape};
use crate::facts::ParamSource;

/// Pavex.
pub const PAVEX: Framework = Framework {
    name: "pavex",
    extractors: &[("PathParams", ParamSource::Path), ("QueryParams", ParamSource::Query)],
    route_attrs: &["get", "post", "put", "delete", "patch", "route"],
    registrations: &[("route", Shape::MethodPathHandler { method: 0, path: 1, handler: 2 })],
    route_markers: &["route"],
    ..Framework::EMPTY
};
