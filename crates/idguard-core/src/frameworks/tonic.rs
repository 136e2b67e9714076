//! tonic and prost: `Request<T>` messages in, `Response<T>` out, `prost::Message` types.

use super::Framework;
use crate::facts::ParamSource;

/// tonic and prost.
pub const TONIC: Framework = Framework {
    name: "tonic",
    serialize_derives: &["Message"],
    schema_derives: &["Message"],
    derive_origins: &[("Message", &["prost", "prost_derive", "tonic"])],
    response_wrappers: &["Response"],
    extractors: &[("Request", ParamSource::Message)],
    ..Framework::EMPTY
};
