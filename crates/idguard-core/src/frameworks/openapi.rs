//! API schema generators: utoipa (`ToSchema`, `IntoParams`, `#[utoipa::path]`, and the
//! `#[derive(OpenApi)]` document that publishes schemas) and ts-rs (`TS`).

use super::Framework;

/// utoipa and ts-rs.
pub const OPENAPI: Framework = Framework {
    name: "openapi",
    serialize_derives: &["ToSchema"],
    schema_derives: &["ToSchema", "TS"],
    documented_schemas: &["ToSchema"],
    document_attrs: &["openapi", "path"],
    selection_derives: &["OpenApi"],
    request_derives: &["IntoParams"],
    route_attrs: &["path"],
    ..Framework::EMPTY
};
