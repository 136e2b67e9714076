//! axum (and axum-extra): typed extractors, `Json<T>` responses, `Router::route` and `nest`.

use super::{Framework, Shape};
use crate::facts::ParamSource;

/// axum and axum-extra.
pub const AXUM: Framework = Framework {
    name: "axum",
    response_wrappers: &["Json", "Response", "JsonResponse", "MsgPack", "Cbor", "Protobuf"],
    responders: &["IntoResponse", "Response"],
    extractors: &[
        ("Path", ParamSource::Path),
        ("Query", ParamSource::Query),
        ("Json", ParamSource::Body),
        ("Form", ParamSource::Body),
    ],
    http_bodies: &["Body", "Incoming", "BoxBody", "Bytes", "String", "Full", "Vec", "UnsyncBoxBody"],
    // axum-macros custom extractors (`#[from_request(via(Query))]`): their files are read, so
    // that a handler parameter is known to be one without looking every type up.
    selection_derives: &["FromRequestParts", "FromRequest"],
    registrations: &[
        ("route", Shape::PathAndRouter { on: None }),
        ("nest", Shape::Nest),
        ("nest_service", Shape::Nest),
    ],
    route_markers: &["route", "nest", "nest_service"],
    send_calls: &[("Json", None, "Json")],
    send_markers: &["Json("],
    sinks: &["Json", "Html", "Redirect", "to", "temporary", "permanent"],
    push_calls: &["Text", "data", "json_data"],
    ..Framework::EMPTY
};
