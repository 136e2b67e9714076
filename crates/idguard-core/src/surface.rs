//! API surfaces: the derives, attribute macros and response wrappers through which a
//! type reaches clients. Shared by the parse stage (which keeps only functions that can
//! be handlers) and the index (which computes reachability).

use crate::facts::{TypeDecl, TypeRef};

/// Derives that make a type serializable to clients.
pub const SERIALIZE_DERIVES: &[&str] =
    &["Serialize", "SimpleObject", "GraphQLObject", "Message", "ToSchema", "Object", "ToResponse"];

/// Derives and attribute macros that put a type on an API surface without a traced handler.
pub const SCHEMA_DERIVES: &[&str] =
    &["SimpleObject", "GraphQLObject", "Message", "ToSchema", "Object", "ToResponse", "graphql_object"];

/// Response wrappers whose generic arguments are sent to clients.
pub const RESPONSE_WRAPPERS: &[&str] = &["Json", "Response", "JsonResponse", "MsgPack", "Cbor", "Protobuf"];

/// Whether the declaration derives a trait that serializes it to clients.
pub fn is_serializable(decl: &TypeDecl) -> bool {
    decl.derives
        .iter()
        .chain(&decl.attr_macros)
        .any(|d| SERIALIZE_DERIVES.contains(&d.name.as_str()) || d.name == "graphql_object")
}

/// The bodies a return type sends to clients: the arguments of `Json<..>` and friends,
/// with the wrapper's name. `Result<Json<T>, E>` yields `T` only.
pub fn response_bodies(ret: &TypeRef) -> Vec<(String, &TypeRef)> {
    let mut out = Vec::new();
    let mut stack = vec![ret];
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Path { segments, args, .. } => {
                let name = segments.last().map_or("", String::as_str);
                if RESPONSE_WRAPPERS.contains(&name) && !args.is_empty() {
                    for arg in args {
                        out.push((name.to_owned(), arg));
                    }
                } else if name == "Result" {
                    stack.extend(args.first());
                } else {
                    stack.extend(args.iter().rev());
                }
            }
            TypeRef::Tuple(items) | TypeRef::ImplTrait(items) => stack.extend(items.iter().rev()),
            TypeRef::Ref(inner) => stack.push(inner),
            _ => {}
        }
    }
    out
}
