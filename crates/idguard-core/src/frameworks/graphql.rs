//! async-graphql and juniper: object derives and resolver `impl` blocks, input objects,
//! `ID` values.

use super::Framework;

/// async-graphql and juniper.
pub const GRAPHQL: Framework = Framework {
    name: "graphql",
    serialize_derives: &["SimpleObject", "GraphQLObject"],
    schema_derives: &["SimpleObject", "GraphQLObject", "graphql_object"],
    request_derives: &["InputObject", "GraphQLInputObject"],
    resolver_attrs: &["Object", "ComplexObject", "Subscription", "graphql_object", "graphql_subscription"],
    attr_macros: &["graphql_object", "Object", "ComplexObject"],
    send_markers: &["ID::from"],
    ..Framework::EMPTY
};
