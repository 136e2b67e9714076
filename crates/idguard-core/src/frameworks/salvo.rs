//! salvo: `#[handler]`/`#[endpoint]`, `PathParam<T>`/`QueryParam<T>`, `req.param::<T>(..)`,
//! `Router::with_path("p").get(h)`.

use super::{Framework, Shape};
use crate::facts::ParamSource;

/// salvo.
pub const SALVO: Framework = Framework {
    name: "salvo",
    extractors: &[("PathParam", ParamSource::Path), ("QueryParam", ParamSource::Query)],
    handler_attrs: &["handler", "endpoint"],
    registrations: &[
        ("get", Shape::OnResource),
        ("post", Shape::OnResource),
        ("put", Shape::OnResource),
        ("delete", Shape::OnResource),
        ("patch", Shape::OnResource),
    ],
    resource_calls: &["with_path"],
    route_markers: &["with_path"],
    send_markers: &["param::<"],
    sinks: &["text"],
    push_calls: &["text"],
    ..Framework::EMPTY
};
