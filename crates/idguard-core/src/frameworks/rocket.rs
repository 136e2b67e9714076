//! Rocket: route attributes with `<id>` segments, `FromForm`, `.mount("/", routes![..])`.

use super::{Framework, Shape};

/// Rocket.
pub const ROCKET: Framework = Framework {
    name: "rocket",
    request_derives: &["FromForm"],
    responders: &["Responder"],
    route_attrs: &["get", "post", "put", "delete", "patch", "head", "options", "route"],
    registrations: &[("mount", Shape::Mount)],
    route_markers: &["mount"],
    sinks: &["Redirect", "redirect"],
    ..Framework::EMPTY
};
