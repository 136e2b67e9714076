//! API schema generators: utoipa (`ToSchema`, `IntoParams`, `#[utoipa::path]`) and ts-rs (`TS`).

use super::Framework;

/// utoipa and ts-rs.
pub const OPENAPI: Framework = Framework {
    name: "openapi",
    serialize_derives: &["ToSchema"],
    schema_derives: &["ToSchema", "TS"],
    request_derives: &["IntoParams"],
    route_attrs: &["path"],
    ..Framework::EMPTY
};
