//! API surfaces: whether a type reaches clients (its derives and attribute macros, the
//! response bodies of a return type), from the framework tables of `crate::frameworks`;
//! and the library APIs the value model recognises (minting, transforms, hints, decoders).
//! Shared by the prefilter, the parse stage and the index.

use crate::facts::{TypeDecl, TypeRef};

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
    // ID generator objects and store counters (see [`ID_GENERATOR_CALLS`], [`COUNTER_CALLS`]).
    "next_id",
    "next_uid",
    "gen_id",
    "generate_id",
    "incr",
    "incr_by",
    "incrby",
    "incr_id",
    "increment_id",
    "nextval",
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
    "with_custom_claims",
    "encrypt_in_place",
    "encrypt_block",
    "encrypt_blocks",
];

/// Methods and functions of ID generator objects: each ID follows from the last
/// (`id_gen.next_id()`, idgenerator's `IdInstance::next_id()`).
pub const ID_GENERATOR_CALLS: &[&str] = &["next_id", "next_uid", "gen_id", "generate_id"];

/// Name words (tokens) of ID generator objects: what a generator's receiver or path must be
/// called for [`ID_GENERATOR_CALLS`] to count (`id_gen`, `IdGenerator`, `sequencer`; not
/// `segments.next_id()`, an arena handing out indices).
pub const GENERATOR_WORDS: &[&str] = &["gen", "idgen", "generator", "generators", "sequence", "sequencer", "seq"];

/// Words (lowercase, anywhere in a name) of Snowflake generators: IDs made of a timestamp,
/// a worker number and a sequence (time-ordered and guessable). idgenerator's `IdInstance`
/// is one.
pub const SNOWFLAKE_WORDS: &[&str] = &["snowflake", "sonyflake", "flake", "idinstance"];

/// Calls that increment a stored counter and return it: Redis `INCR` (`conn.incr("next_user_id",
/// 1)`), database sequences (`nextval`), and helpers named for it (`incr_id(&db, "users")`).
pub const COUNTER_CALLS: &[&str] = &["incr", "incr_by", "incrby", "incr_id", "increment_id", "nextval"];

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

/// Whether the declaration is a request type (deserialized from clients), by a derive or an
/// attribute macro.
pub fn is_request_type(decl: &TypeDecl) -> bool {
    decl.derives
        .iter()
        .chain(&decl.attr_macros)
        .any(|d| crate::frameworks::request_derives().contains(&d.name.as_str()))
}

/// The API schema/object derives and attribute macros of a declaration (see
/// [`crate::frameworks::schema_derives()`]), in the order written.
pub fn schema_derives(decl: &TypeDecl) -> impl Iterator<Item = &crate::facts::Derive> {
    decl.derives
        .iter()
        .chain(&decl.attr_macros)
        .filter(|d| crate::frameworks::schema_derives().contains(&d.name.as_str()) && own_derive(d))
}

/// Whether a derive is the framework's own, as far as the code says where it comes from
/// (see `frameworks::derive_origins`): `use actix::Message;` makes `#[derive(Message)]`
/// actix's, not prost's.
fn own_derive(d: &crate::facts::Derive) -> bool {
    let Some(origin) = &d.origin else { return true };
    crate::frameworks::derive_origins()
        .iter()
        .filter(|(name, _)| *name == d.name)
        .all(|(_, crates)| crates.contains(&origin.as_str()))
}

/// Whether the declaration derives a trait that serializes it to clients.
pub fn is_serializable(decl: &TypeDecl) -> bool {
    decl.derives.iter().chain(&decl.attr_macros).any(|d| {
        (crate::frameworks::serialize_derives().contains(&d.name.as_str()) && own_derive(d))
            || d.name == "graphql_object"
    })
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
            if !crate::frameworks::response_wrappers().contains(&name.as_str())
                && !found.contains(name)
                && heads
                    .iter()
                    .any(|h| crate::frameworks::response_wrappers().contains(&h.as_str()) || found.contains(h))
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
                if (crate::frameworks::response_wrappers().contains(&name) || aliases.iter().any(|a| a == name))
                    && !args.is_empty()
                {
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

/// Verbs that name sending a message to clients in a project's own methods
/// (`send_to_room`, `broadcast`, `do_send`, `publish`): a value serialized into their
/// arguments is pushed.
pub const PUSH_VERBS: &[&str] = &["send", "broadcast", "publish", "emit", "push", "notify"];

/// Whether a call or method of this name pushes its arguments to connected clients: a
/// framework's push call, or a name with a push verb among its words.
pub fn is_push(name: &str) -> bool {
    crate::frameworks::push_calls().contains(&name)
        || crate::subject::tokens(name).iter().any(|t| PUSH_VERBS.contains(&t.as_str()))
}
