//! API surfaces: the derives, attribute macros and response wrappers through which a
//! type reaches clients. Shared by the parse stage (which keeps only functions that can
//! be handlers) and the index (which computes reachability).

use crate::facts::{ParamSource, TypeDecl, TypeRef};

/// Derives that make a type serializable to clients.
pub const SERIALIZE_DERIVES: &[&str] =
    &["Serialize", "SimpleObject", "GraphQLObject", "Message", "ToSchema", "Object", "ToResponse"];

/// Derives and attribute macros that put a type on an API surface without a traced handler.
pub const SCHEMA_DERIVES: &[&str] =
    &["SimpleObject", "GraphQLObject", "Message", "ToSchema", "Object", "ToResponse", "graphql_object", "TS"];

/// Response wrappers whose generic arguments are sent to clients.
pub const RESPONSE_WRAPPERS: &[&str] = &["Json", "Response", "JsonResponse", "MsgPack", "Cbor", "Protobuf"];

/// Words that make a function a handler when its return type names them, without type
/// arguments: its body builds the response (`impl IntoResponse`, `HttpResponse`). (A
/// resolver returning a GraphQL `ID` is recognised by its `impl` block's attribute.)
pub const RESPONDER_WORDS: &[&str] = &["IntoResponse", "Responder", "Reply", "HttpResponse", "Response"];

/// Request extractors, by last path segment: the type argument comes from the request.
pub const EXTRACTORS: &[(&str, ParamSource)] = &[
    ("Path", ParamSource::Path),
    ("PathParam", ParamSource::Path),
    ("Query", ParamSource::Query),
    ("QueryParam", ParamSource::Query),
    ("Json", ParamSource::Body),
    ("Form", ParamSource::Body),
    ("Request", ParamSource::Message),
];

/// Attributes that declare a route on a handler (actix-web, Rocket, poem-openapi, utoipa).
pub const ROUTE_ATTRS: &[&str] = &["get", "post", "put", "delete", "patch", "head", "options", "route", "oai", "path"];

/// Attribute macros that put the annotated type or `impl` on an API surface.
pub const ATTR_MACROS: &[&str] = &["graphql_object", "Object", "OpenApi", "ComplexObject"];

/// Attributes that mark a handler without saying its route (poem, salvo).
pub const HANDLER_ATTRS: &[&str] = &["handler", "endpoint"];

/// Attributes on an `impl` block whose methods are GraphQL resolvers.
pub const RESOLVER_ATTRS: &[&str] =
    &["Object", "ComplexObject", "Subscription", "graphql_object", "graphql_subscription"];

/// Words of route registrations (`.route("..", ..)`, `web::resource("..")`, `path!("..")`,
/// poem's `Route`) and of diesel's `table!`: a function body that has one is parsed (see
/// `mask`), and a file that has one is selected.
pub const ROUTE_MARKERS: &[&str] =
    &["route", "nest", "nest_service", "resource", "scope", "with_path", "mount", "path", "Route", "table"];

/// Types of `Request<T>` that make it an HTTP request rather than a tonic message.
pub const HTTP_BODIES: &[&str] = &["Body", "Incoming", "BoxBody", "Bytes", "String", "Full", "Vec", "UnsyncBoxBody"];

/// Text in a function body that may send a response body, or read a request value by hand
/// (actix-web `match_info`, salvo `req.param::<T>(..)`).
pub const SEND_MARKERS: &[&str] =
    &["Json(", ".json(", "reply::json", "serde_json::to_", "json!", "ID::from", "match_info", "param::<"];

/// Words (whole identifiers) of minting APIs: counters, clocks, time-based UUIDs, weak or
/// seeded random generators. A function body that calls one is parsed when it also names a
/// key (see `prefilter::mints_in`).
pub const MINT_MARKERS: &[&str] = &[
    "fetch_add",
    "new_v1",
    "now_v1",
    "new_v6",
    "now_v6",
    "now_v7",
    "new_v7",
    "Ulid",
    "SmallRng",
    "seed_from_u64",
    "fastrand",
    "non_secure",
    "timestamp",
    "timestamp_millis",
    "timestamp_micros",
    "timestamp_nanos",
    "timestamp_nanos_opt",
    "duration_since",
    // Reversible transforms (see `lower::mint`).
    "encode",
    "encode_u64",
    "encode_config",
    "encode_string",
    "encode_upper",
    "digest",
    "compute",
    "to_be_bytes",
    "to_le_bytes",
    "to_ne_bytes",
    "rotate_left",
    "rotate_right",
    "new_v3",
    "new_v5",
    "encrypt",
    "encrypt_in_place",
    "encrypt_block",
    "encrypt_blocks",
];

/// Word parts (any case, anywhere in an identifier) of the names the value model looks for
/// beyond minting APIs: pseudonyms (`temp_id`, `anon_handle`, `participant_ref`; the
/// identifier must be a pseudonym name, see `subject::is_pseudonym_name`) and helpers named
/// for what they make (`to_hashids`, `obfuscate_id`, `encode_public_id`; an `encode_` helper
/// must name an ID: not `encode_varint`, `encode_by_ref`). Words of four letters or more
/// keep the vectorised search fast: `tmp_id` alone does not select a body (`temp_id` does). A function body with one is parsed when it also
/// names a key.
pub const VALUE_HINTS: &[(&str, Hint)] = &[
    ("temp", Hint::Pseudonym),
    ("anon", Hint::Pseudonym),
    ("pseudo", Hint::Pseudonym),
    ("alias", Hint::Pseudonym),
    ("nick", Hint::Pseudonym),
    ("guest", Hint::Pseudonym),
    ("ephemeral", Hint::Pseudonym),
    ("participant", Hint::Pseudonym),
    ("masked", Hint::Pseudonym),
    ("open_id", Hint::Pseudonym),
    ("openid", Hint::Pseudonym),
    ("adhoc", Hint::Pseudonym),
    ("ad_hoc", Hint::Pseudonym),
    ("hashid", Hint::Helper),
    ("sqid", Hint::Helper),
    ("obfuscat", Hint::Helper),
    ("encode_", Hint::IdentityHelper),
];

/// How a hint word counts (see [`VALUE_HINTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// When the identifier is a pseudonym name.
    Pseudonym,
    /// Always.
    Helper,
    /// When the identifier also names an identity (`encode_ref`, not `encode_varint`).
    IdentityHelper,
}

/// Words of decode and decrypt routines: an entry point's body with one is parsed (it may
/// echo a decrypted ID).
pub const DECODE_WORDS: &[&str] = &["decode", "decrypt", "unseal", "open_", "unmask", "deobfuscate", "reveal"];

/// Derives of request types: their fields are looked up like those of serializable types.
pub const REQUEST_DERIVES: &[&str] = &["Deserialize", "FromForm", "InputObject", "GraphQLInputObject", "IntoParams"];

/// Whether the declaration is a request type (deserialized from clients).
pub fn is_request_type(decl: &TypeDecl) -> bool {
    decl.derives.iter().any(|d| REQUEST_DERIVES.contains(&d.name.as_str()))
}

/// The API schema/object derives and attribute macros of a declaration (see
/// [`SCHEMA_DERIVES`]), in the order written.
pub fn schema_derives(decl: &TypeDecl) -> impl Iterator<Item = &crate::facts::Derive> {
    decl.derives.iter().chain(&decl.attr_macros).filter(|d| SCHEMA_DERIVES.contains(&d.name.as_str()))
}

/// Whether the declaration derives a trait that serializes it to clients.
pub fn is_serializable(decl: &TypeDecl) -> bool {
    decl.derives
        .iter()
        .chain(&decl.attr_macros)
        .any(|d| SERIALIZE_DERIVES.contains(&d.name.as_str()) || d.name == "graphql_object")
}

/// The project's generic aliases of response wrappers, from the generic type aliases of
/// every file (name, generic heads of the target): an alias whose target names a response
/// wrapper (`type ApiJson<T> = Json<Envelope<T>>`) or such an alias (`type Page<T> =
/// ApiJson<Vec<T>>`), until nothing changes. Sorted; the wrappers' own names are left out.
pub fn wrapper_aliases(aliases: &[&(String, Vec<String>)]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    loop {
        let before = found.len();
        for (name, heads) in aliases.iter().copied() {
            if !RESPONSE_WRAPPERS.contains(&name.as_str())
                && !found.contains(name)
                && heads.iter().any(|h| RESPONSE_WRAPPERS.contains(&h.as_str()) || found.contains(h))
            {
                found.push(name.clone());
            }
        }
        if found.len() == before {
            break;
        }
    }
    found.sort_unstable();
    found
}

/// The bodies a return type sends to clients: the arguments of `Json<..>` and friends
/// (and of the project's aliases of them named in `aliases`), with the wrapper's name.
/// `Result<Json<T>, E>` yields `T` only.
pub fn response_bodies<'t>(ret: &'t TypeRef, aliases: &[String]) -> Vec<(String, &'t TypeRef)> {
    let mut out = Vec::new();
    let mut stack = vec![ret];
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Path { segments, args, .. } => {
                let name = segments.last().map_or("", String::as_str);
                if (RESPONSE_WRAPPERS.contains(&name) || aliases.iter().any(|a| a == name)) && !args.is_empty() {
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

/// `prefix` + `path` with exactly one `/` between them.
pub fn join_path(prefix: &str, path: &str) -> String {
    match (prefix.trim_end_matches('/'), path.trim_start_matches('/')) {
        ("", p) => format!("/{p}"),
        (a, "") => a.to_owned(),
        (a, p) => format!("{a}/{p}"),
    }
}
