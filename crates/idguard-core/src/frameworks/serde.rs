//! serde: what every Rust web framework serializes and deserializes with.

use super::Framework;

/// serde (and `serde_json`'s values).
pub const SERDE: Framework = Framework {
    name: "serde",
    serialize_derives: &["Serialize"],
    request_derives: &["Deserialize"],
    send_markers: &["serde_json::to_", "json!"],
    ..Framework::EMPTY
};
