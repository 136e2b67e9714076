//! warp: filters built from `path!("users" / u64)` and `path::param::<T>()`, `reply::json`.

use super::{Framework, Shape};

/// warp.
pub const WARP: Framework = Framework {
    name: "warp",
    responders: &["Reply"],
    registrations: &[("and", Shape::TypedSegment)],
    path_macros: &["path"],
    route_markers: &["path"],
    send_calls: &[("json", Some("reply"), "warp::reply::json")],
    send_markers: &["reply::json"],
    sinks: &["with_status", "header"],
    push_calls: &["text"],
    ..Framework::EMPTY
};
