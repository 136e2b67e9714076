//! Owned, `Send` facts lowered from one source file.
//!
//! The parse stage turns each syntax tree into these plain values inside its worker
//! thread; no `syn` or `proc_macro2` value ever leaves it. Everything later in the
//! pipeline (index, rules, report) reads only these facts.

use serde::{Deserialize, Serialize};

/// A position range inside one file: bytes for renderers, lines and columns for people.
///
/// Lines and columns are 1-based; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column (in characters) of `start`.
    pub column: u32,
    /// 1-based line of `end`.
    pub end_line: u32,
    /// 1-based column (in characters) of `end`.
    pub end_column: u32,
}

/// A type as written in source, reduced to what the analyses need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TypeRef {
    /// A path such as `Option<UserId>` or `web::Json<T>`.
    Path {
        /// Path segments, e.g. `["web", "Json"]`.
        segments: Vec<String>,
        /// Generic type arguments of the last segment.
        args: Vec<TypeRef>,
        /// Where the path is written.
        span: Span,
    },
    /// `&T`, `&mut T`, `*const T`.
    Ref(Box<TypeRef>),
    /// `[T]`.
    Slice(Box<TypeRef>),
    /// `[T; N]`.
    Array(Box<TypeRef>),
    /// `(A, B)`.
    Tuple(Vec<TypeRef>),
    /// `impl Trait`: the generic arguments of its bounds, e.g. `impl Into<Json<T>>`.
    ImplTrait(Vec<TypeRef>),
    /// Anything else (fn pointers, trait objects, macros, `_`).
    Other,
}

impl TypeRef {
    /// The last path segment, if this is a path.
    pub fn name(&self) -> Option<&str> {
        match self {
            TypeRef::Path { segments, .. } => segments.last().map(String::as_str),
            _ => None,
        }
    }

    /// Visits every path node in this type, outermost first.
    pub fn for_each_path<'a>(&'a self, f: &mut dyn FnMut(&'a TypeRef)) {
        let mut stack = vec![self];
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Path { args, .. } => {
                    f(ty);
                    stack.extend(args.iter().rev());
                }
                TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
                    stack.push(inner);
                }
                TypeRef::Tuple(items) | TypeRef::ImplTrait(items) => stack.extend(items.iter().rev()),
                TypeRef::Other => {}
            }
        }
    }

    /// Renders the type compactly for messages, e.g. `Option<UserId>`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        match self {
            TypeRef::Path { segments, args, .. } => {
                out.push_str(&segments.join("::"));
                if !args.is_empty() {
                    out.push('<');
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        arg.write_to(out);
                    }
                    out.push('>');
                }
            }
            TypeRef::Ref(inner) => {
                out.push('&');
                inner.write_to(out);
            }
            TypeRef::Slice(inner) => {
                out.push('[');
                inner.write_to(out);
                out.push(']');
            }
            TypeRef::Array(inner) => {
                out.push('[');
                inner.write_to(out);
                out.push_str("; _]");
            }
            TypeRef::Tuple(items) => {
                out.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_to(out);
                }
                out.push(')');
            }
            TypeRef::ImplTrait(_) => out.push_str("impl _"),
            TypeRef::Other => out.push('_'),
        }
    }
}

/// What kind of item a [`TypeDecl`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeclKind {
    /// `struct S { .. }`.
    Struct,
    /// `struct S(..);`.
    TupleStruct,
    /// `struct S;`.
    UnitStruct,
    /// `enum E { .. }`.
    Enum,
    /// `union U { .. }`.
    Union,
    /// `type A = B;`.
    Alias,
}

/// A derive or attribute macro that makes a type part of an API surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derive {
    /// The derive's last path segment, e.g. `Serialize`, `SimpleObject`.
    pub name: String,
    /// The full path as written, e.g. `serde::Serialize`.
    pub path: String,
    /// The crate it comes from, where the code says: its path's first segment
    /// (`prost::Message`), or that of the `use` that brings it in (`use actix::Message;`).
    pub origin: Option<String>,
    /// Where the derive is written.
    pub span: Span,
}

/// A field of a struct, tuple struct, union or enum variant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldDecl {
    /// Field name; `None` for tuple positions.
    pub name: Option<String>,
    /// Position among the fields of its struct or variant.
    pub index: u32,
    /// The enum variant this field belongs to.
    pub variant: Option<String>,
    /// The declared type.
    pub ty: TypeRef,
    /// The field name for named fields, else the type.
    pub span: Span,
    /// The type as written.
    pub ty_span: Span,
    /// Not serialized: `#[serde(skip)]`, `#[serde(skip_serializing)]`, `#[graphql(skip)]`, ...
    pub hidden: bool,
    /// `#[serde(flatten)]`.
    pub flatten: bool,
    /// `#[serde(with = "..")]` / `#[serde(serialize_with = "..")]` target.
    pub serialize_with: Option<String>,
    /// `#[serde(rename = "..")]`.
    pub rename: Option<String>,
}

/// A struct, enum, union or type alias.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeDecl {
    /// The type's name.
    pub name: String,
    /// Module path of the item, e.g. `api::users`.
    pub module: String,
    /// Struct, enum, alias...
    pub kind: DeclKind,
    /// The name as written.
    pub span: Span,
    /// Derives (all of them, by last segment and path).
    pub derives: Vec<Derive>,
    /// Attribute macros on the item that matter (e.g. `graphql_object`).
    pub attr_macros: Vec<Derive>,
    /// `#[serde(transparent)]` or an ORM newtype attribute such as `#[sqlx(transparent)]`.
    pub transparent: bool,
    /// `#[serde(into = "T")]` target.
    pub serde_into: Option<TypeRef>,
    /// Table name from `#[sea_orm(table_name = ..)]` / `#[diesel(table_name = ..)]`.
    pub table_name: Option<String>,
    /// Generic type parameter names.
    pub generics: Vec<String>,
    /// Fields (for aliases: empty).
    pub fields: Vec<FieldDecl>,
    /// For aliases: the aliased type.
    pub alias_of: Option<TypeRef>,
    /// The template a page struct renders (`#[template(path = "user.html")]`, or an inline
    /// `source = ".."` given by the words it prints).
    pub template: Option<TemplateRef>,
    /// For a custom extractor (`#[derive(FromRequestParts)] #[from_request(via(Query))]`):
    /// the extractor it reads the request with (`Query`).
    pub via: Option<String>,
}

/// What a server-rendered page struct renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateRef {
    /// A template file, relative to the templates directory.
    Path(String),
    /// An inline template: the identifiers it prints.
    Inline(Vec<String>),
}

/// A template file (askama/rinja, tera, minijinja: under a `templates/` directory): the
/// identifiers its expressions and tags use, and the templates it includes or extends.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TemplateFile {
    /// Identifiers inside `{{ .. }}` and `{% .. %}`, sorted.
    pub words: Vec<String>,
    /// Templates named by `{% include %}`, `{% extends %}` and `{% import %}`.
    pub refs: Vec<String>,
}

impl TypeDecl {
    /// Whether the type derives (or is annotated with) the named trait or macro.
    pub fn has_derive(&self, name: &str) -> bool {
        self.derives.iter().any(|d| d.name == name)
    }

    /// The derive by name.
    pub fn derive(&self, name: &str) -> Option<&Derive> {
        self.derives.iter().find(|d| d.name == name)
    }

    /// Symbol path for diagnostics: `module::Name`.
    pub fn symbol(&self) -> String {
        if self.module.is_empty() { self.name.clone() } else { format!("{}::{}", self.module, self.name) }
    }
}

/// A function or method that may act as a request handler: it sends a response body,
/// takes request extractors, carries a route attribute, or resolves a GraphQL field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FnDecl {
    /// Function name.
    pub name: String,
    /// Module path.
    pub module: String,
    /// The `Self` type for methods.
    pub self_ty: Option<String>,
    /// The name as written.
    pub span: Span,
    /// Return type, if any.
    pub ret: Option<TypeRef>,
    /// What kind of entry point it is.
    pub kind: FnKind,
    /// Parameters that take values from the request.
    pub params: Vec<Param>,
    /// Routes declared on the function itself (`#[get("/users/{id}")]`, `#[oai(..)]`).
    pub routes: Vec<RouteAttr>,
    /// Types the body sends as response bodies (`Json(UserView { .. })`, `.json(&view)`).
    pub sent: Vec<Sent>,
    /// Values the body sends that a function call returns, where the code names no type
    /// (`let account = repo::fetch_account(..).await?; HttpResponse::Ok().json(account)`):
    /// the index follows the callee's declared return type (see [`FnSig`]).
    pub sent_calls: Vec<SentCall>,
    /// Single values the body sends (`json!` entries, GraphQL `ID::from(..)`).
    pub values: Vec<SentValue>,
    /// Comparisons and query filters in the body: authorization evidence.
    pub checks: Vec<Check>,
    /// Every parameter the signature binds by name, with its type (`claim: Claims`,
    /// `AuthUser(user): AuthUser`): where a value in a check comes from.
    pub inputs: Vec<(String, TypeRef)>,
    /// Values the body puts into a server-rendered page's context (tera
    /// `ctx.insert("user", &user)`, minijinja `context! { user => user }`, handlebars
    /// `render("page", &data)`): what the page's template prints of them is shown.
    pub page_values: Vec<Sent>,
    /// The templates the body renders, by name (`tera.render("user.html", &ctx)`,
    /// `env.get_template("feed.xml")`, `Template::render("index", ..)`).
    pub templates: Vec<String>,
}

/// What kind of entry point a function is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FnKind {
    /// An HTTP handler (or any function returning a response body).
    Handler,
    /// A GraphQL resolver: a method of an `#[Object]` / `#[graphql_object]` impl.
    Resolver,
    /// A gRPC service method (takes a tonic `Request<T>`).
    Grpc,
    /// A function that pushes serialized values to connected clients outside a response:
    /// a WebSocket or SSE send, or a method named for sending (see `frameworks::is_push`).
    Push,
}

/// Where a handler parameter takes its value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParamSource {
    /// A path segment (`Path<T>`, `web::Path<T>`, `PathParam<T>`, a Rocket `<id>`).
    Path,
    /// The query string.
    Query,
    /// A JSON or form body.
    Body,
    /// A GraphQL argument.
    Argument,
    /// A gRPC request message.
    Message,
}

impl ParamSource {
    /// How messages name it, with its article (`a path segment`, `the query string`).
    pub fn noun(self) -> &'static str {
        match self {
            ParamSource::Path => "a path segment",
            ParamSource::Query => "the query string",
            ParamSource::Body => "the request body",
            ParamSource::Argument => "a GraphQL argument",
            ParamSource::Message => "a gRPC request message",
        }
    }
}

/// A name bound by a parameter pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The bound name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A handler parameter that takes a value from the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    /// Where the value comes from.
    pub source: ParamSource,
    /// The extractor as written (`Path`, `web::Query`), empty for plain arguments.
    pub extractor: String,
    /// The extracted type: `i64` of `Path<i64>`, `Params` of `Query<Params>`.
    pub ty: TypeRef,
    /// Names the pattern binds, in order (`Path((a, b))` binds `a`, `b`).
    pub bindings: Vec<Binding>,
    /// Where the parameter is written.
    pub span: Span,
}

/// A route declared by an attribute on the handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteAttr {
    /// `GET`, `POST`, ... (`ANY` when not said).
    pub method: String,
    /// The path template as written (`/users/{id}`, `/users/<id>`, `/users/:id`).
    pub path: String,
    /// Where the attribute is written.
    pub span: Span,
    /// Parameters the attribute declares with their type (utoipa `params(("id" = i64, Path))`).
    pub declared: Vec<(String, TypeRef)>,
}

/// A route registered in code: `.route("/users/{id}", get(get_user))`,
/// `web::resource("/users/{id}").route(web::get().to(get_user))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteReg {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, with the prefixes of enclosing `nest`/`scope` calls in the same
    /// expression already applied.
    pub path: String,
    /// The handler as written (`get_user`, `users::get_user`).
    pub handler: Vec<String>,
    /// Where the registration is written.
    pub span: Span,
    /// The function whose body registers it (for prefixes applied by callers).
    pub scope: String,
}

/// A prefix applied to the routes another function registers: `.nest("/api", api())`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nest {
    /// The prefix.
    pub prefix: String,
    /// The function called for the nested routes.
    pub target: String,
    /// Where the call is written.
    pub span: Span,
}

/// A typed segment of a warp `path!("users" / u64)` filter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypedSegment {
    /// The route up to and including this segment (`/users/{u64}`).
    pub route: String,
    /// The literal segment before it (`users`), empty if none.
    pub before: String,
    /// The segment's type.
    pub ty: TypeRef,
    /// Where the type is written.
    pub span: Span,
    /// The function whose body builds the filter.
    pub scope: String,
}

/// Persistence evidence: a table keyed by an auto-increment integer (a diesel `table!`
/// with an integer key, a sea-orm entity's primary key, a SQL migration's `SERIAL` column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableKey {
    /// The table's name as written (`users`).
    pub table: String,
    /// The key column (`id`).
    pub column: String,
    /// Why it is sequential, for messages (`SERIAL`, `Int4 primary key of table!`).
    pub how: String,
    /// Where the column is declared.
    pub span: Span,
}

/// How an identifier is minted, when it is minted predictably.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MintKind {
    /// A counter: `NEXT_ID.fetch_add(1, ..)`, a monotonic ULID generator.
    Counter,
    /// The clock: a timestamp, a time-based UUID (`Uuid::now_v1`, `new_v6`).
    Clock,
    /// A random generator that is not cryptographic or is seeded (`SmallRng`, `fastrand`,
    /// `StdRng::seed_from_u64`, nanoid's `non_secure`).
    WeakRandom,
    /// Random but time-ordered (`Uuid::now_v7`, `Ulid::new`): unguessable, but it tells when.
    TimeOrdered,
    /// A name-based UUID (`Uuid::new_v3`, `new_v5`): anyone who knows the input computes it.
    NameBased,
    /// An ID generator object (`id_gen.next_id()`): each ID follows from the last.
    Generator,
    /// A Snowflake generator: a timestamp, a worker number and a sequence (time-ordered and
    /// guessable).
    Snowflake,
}

/// The item path of `parts`, the empty ones left out: `item_path(&["api::users", "UserView"])`
/// is `api::users::UserView`. Every symbol is written this way: a field is `ITEM.field`
/// (`api::users::UserView.id`), anything inside a function `FUNCTION::name`
/// (`api::users::create::temp_id`).
pub fn item_path(parts: &[&str]) -> String {
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("::")
}

/// An expression that mints a value, with the names around it that say what the value is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mint {
    /// How.
    pub kind: MintKind,
    /// The API as written, for messages (`NEXT_USER_ID.fetch_add`, `Uuid::new_v1`).
    pub api: String,
    /// Names that say what is minted, innermost first: the `let` binding or struct field it
    /// is assigned to, the counter's own name, then the enclosing function.
    pub names: Vec<String>,
    /// The minting expression.
    pub span: Span,
    /// The item path of the enclosing function (`api::users::UserService::create`): the
    /// scope of the finding's symbol.
    pub scope: String,
}

/// What the code says about one value: its text, its type or the typed value it is a field
/// of, the names around it, whether it is shown to be an integer, and which parameter of the
/// enclosing function it is. Rules decide from this whether it is a serial, and whose.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValueRef {
    /// The value as written (`member.id`, `uid`), for messages.
    pub text: String,
    /// The value's type where the code says it (a typed local or parameter).
    pub ty: Option<TypeRef>,
    /// For a field access `base.field` (also through `let uid = base.field;`): the base's
    /// type (where known) and the field.
    pub field: Option<(TypeRef, String)>,
    /// Names that say what the value is, innermost first: the field or variable, then the
    /// base (`member` of `member.id`).
    pub names: Vec<String>,
    /// Whether the code shows the value is an integer (`to_be_bytes`, `as u64`, XOR, a
    /// radix format, hashids, arithmetic).
    pub integer: bool,
    /// The position of the enclosing function's parameter the value is, if it is one: a
    /// helper's argument is followed to its callers.
    pub param: Option<u32>,
}

/// A reversible transform applied to a value: an encoding, an unkeyed digest, hashids,
/// radix formatting, XOR or arithmetic with constants, a name-based UUID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Encoding {
    /// The transform as written, for messages (`URL_SAFE_NO_PAD.encode`, `hex::encode`,
    /// `format!("{:x}")`, `^ 0x5bd1e995`).
    pub api: String,
    /// The encoded value.
    pub value: ValueRef,
    /// Names around the expression, innermost first (binding, field, function).
    pub target_names: Vec<String>,
    /// The transform expression.
    pub span: Span,
    /// The item path of the enclosing function (`api::users::UserService::create`): the
    /// scope of the finding's symbol.
    pub scope: String,
}

/// Several values put together without a key: a `format!`, a tuple, bit packing
/// (`(room << 32) | uid`), arithmetic (`room * 1_000_000 + uid`), string or byte
/// concatenation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Combination {
    /// The construction, for messages (`format!("{}-{}")`, `bit packing`).
    pub how: String,
    /// The values put together (literals and constants left out).
    pub parts: Vec<ValueRef>,
    /// Names around the expression, innermost first (binding, field, function).
    pub target_names: Vec<String>,
    /// The constructing expression.
    pub span: Span,
    /// The item path of the enclosing function (`api::users::UserService::create`): the
    /// scope of the finding's symbol.
    pub scope: String,
}

/// Why an encryption call is weak.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Weakness {
    /// What is wrong, for messages (`a fixed nonce`, `a key written in the source`).
    pub what: String,
    /// Where it is written.
    pub span: Span,
}

/// An encryption call (AEAD `encrypt`, block `encrypt_block`) and what is wrong with its
/// nonce, key or mode.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Encrypt {
    /// The call as written (`cipher.encrypt`).
    pub api: String,
    /// The plaintext, where it is a single value.
    pub plaintext: Option<ValueRef>,
    /// Fixed or zero nonces, literal keys, block-by-block encryption.
    pub weaknesses: Vec<Weakness>,
    /// Names around the call, innermost first (binding, field, function).
    pub target_names: Vec<String>,
    /// The call.
    pub span: Span,
    /// The item path of the enclosing function (`api::users::UserService::create`): the
    /// scope of the finding's symbol.
    pub scope: String,
}

/// A client-supplied value decoded or decrypted in an entry point, and where the result
/// leaves again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Echo {
    /// The decode routine as written (`decrypt_temp_id`, `sqids.decode`).
    pub api: String,
    /// The client-supplied value that is decoded (`token`, `body.temp_id`).
    pub input: String,
    /// The local the result is bound to.
    pub result: String,
    /// The decode call.
    pub span: Span,
    /// Where the result is sent back, and how (`json!`, `Json`, a formatted body).
    pub sinks: Vec<(String, Span)>,
    /// The item path of the enclosing function (`api::users::UserService::create`): the
    /// scope of the finding's symbol.
    pub scope: String,
}

/// A call of a function by name with arguments that may be keys: a helper's parameter is
/// followed to the values its callers pass.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallArg {
    /// The called function's name (last path segment or method name).
    pub callee: String,
    /// The argument's position (a method's receiver is not counted).
    pub position: u32,
    /// The argument.
    pub value: ValueRef,
    /// The names around the call, innermost first.
    pub target_names: Vec<String>,
    /// The argument as written.
    pub span: Span,
}

/// A type a handler body sends to the client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sent {
    /// How: `Json`, `HttpResponse::json`, `reply::json`, ...
    pub how: String,
    /// The type sent.
    pub ty: TypeRef,
    /// Where it is sent.
    pub span: Span,
}

/// A value a handler body sends that a call returns (see [`FnDecl::sent_calls`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentCall {
    /// How: `Json`, `HttpResponse::json`, `reply::json`, ...
    pub how: String,
    /// The callee as written: `["account_repository", "fetch_account"]`, `["Repo", "find"]`,
    /// or for a method call on a value, its name alone (`method` set).
    pub callee: Vec<String>,
    /// A method called on a value whose type the code does not say (`db.find_user(id)`).
    pub method: bool,
    /// For a call qualified by a type (`UserView::build(..)`), the type it names: what the
    /// call is taken to return when the project declares no such function (a library's
    /// constructor).
    pub qualifier_ty: Option<TypeRef>,
    /// Where it is sent.
    pub span: Span,
}

/// A function or method declared at module level or in an `impl` block whose return type
/// names a record ([`names_a_record`]): what a call to it returns, for following a value a
/// helper returns into a response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FnSig {
    /// Function name.
    pub name: String,
    /// Module path.
    pub module: String,
    /// The `Self` type for methods.
    pub self_ty: Option<String>,
    /// The trait it is a method of: declared in the trait (a default method, or a required
    /// one), or in an `impl Trait for Type` block.
    pub trait_name: Option<String>,
    /// For a method declared in a trait: the trait's generic parameters, in order.
    pub trait_generics: Vec<String>,
    /// The declared return type.
    pub ret: TypeRef,
    /// The name as written.
    pub span: Span,
}

/// An `impl Trait for Type` block, read with the signatures: what a trait method's return
/// type means for that type (`type Item = Order;` binds `Self::Item`,
/// `impl Store<Member> for Members` binds the trait's first generic parameter).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TraitImpl {
    /// The trait's name (last path segment).
    pub trait_name: String,
    /// The implementing type's name (last path segment).
    pub self_ty: String,
    /// The trait's generic arguments, in order.
    pub trait_args: Vec<TypeRef>,
    /// The associated types it binds, by name.
    pub assoc: Vec<(String, TypeRef)>,
    /// The implementing type as written.
    pub span: Span,
}

/// Type names that a function's return type may hold without naming a record of the
/// project: the standard wrappers and `Self`. The lexical declaration scan
/// (`prefilter::declared_names`) and lowering share the list, so that every signature
/// lowering records is one the scan found.
pub const NOT_RECORDS: &[&str] =
    &["Self", "Result", "Option", "Vec", "String", "Box", "Arc", "Rc", "Cow", "Error", "Ordering", "Duration"];

/// Whether a return type names a record: some path in it whose name could be one
/// ([`could_be_record`]).
pub fn names_a_record(ty: &TypeRef) -> bool {
    let mut found = false;
    ty.for_each_path(&mut |p| {
        if p.name().is_some_and(could_be_record) {
            found = true;
        }
    });
    found
}

/// Whether a name in a return type could name a record of the project: it starts with an
/// ASCII capital, is longer than a generic parameter's one letter, and is not one of
/// [`NOT_RECORDS`].
pub fn could_be_record(name: &str) -> bool {
    name.len() > 1 && name.starts_with(|c: char| c.is_ascii_uppercase()) && !NOT_RECORDS.contains(&name)
}

/// A single value a handler body sends: a `json!` entry (`"user_id": user.id`) or a
/// GraphQL `ID::from(user.id)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentValue {
    /// How: `json!` or `ID::from`.
    pub how: String,
    /// The `json!` key (`user_id`), if any.
    pub key: Option<String>,
    /// The value's type where the code says it (a typed local or parameter).
    pub ty: Option<TypeRef>,
    /// For a field access `base.field`: the base's type (where known) and the field.
    pub field: Option<(TypeRef, String)>,
    /// Where the value is written.
    pub span: Span,
}

/// A comparison (`a == b`, `a.ne(&b)`) or query filter in a handler body, reduced to the
/// identifiers on each side.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    /// Identifiers (variables, fields, path segments) of the left side; all of them for a filter.
    pub left: Vec<String>,
    /// Identifiers of the right side; empty for a filter.
    pub right: Vec<String>,
    /// Whether it is a query filter (`.filter(..)`, `WHERE` text) rather than a comparison.
    pub filter: bool,
    /// Where it is written.
    pub span: Span,
}

/// A `use` rename: `use a::b::Original as Alias;` (also plain imports with their path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseName {
    /// The name visible in the file.
    pub local: String,
    /// The full imported path.
    pub path: Vec<String>,
}

/// Why a file could not be analysed (fully).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemKind {
    /// The file could not be read.
    Unreadable,
    /// A directory could not be entered: none of its files were read.
    UnreadableDirectory,
    /// The file is larger than the size limit.
    TooLarge,
    /// The file is not valid UTF-8.
    NotUtf8,
    /// The file nests deeper than the nesting limit.
    TooDeep,
    /// The file does not parse as Rust.
    Syntax,
}

/// A problem reading or parsing a file. The `parse-error` rule reports these.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Problem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// Lowercase explanation without trailing period.
    pub message: String,
    /// Where, when known (syntax errors).
    pub span: Option<Span>,
}

/// An `// idguard: allow(RULE) reason` or `allow-file(RULE) reason` comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Where the directive is written (`idguard: ...` up to the end of the comment).
    pub span: Span,
    /// Rule names listed in the parentheses.
    pub rules: Vec<String>,
    /// The reason after the parentheses, if any.
    pub reason: Option<String>,
    /// `allow-file`: applies to the whole file.
    pub file_level: bool,
    /// Why the directive could not be understood, if it could not.
    pub malformed: Option<String>,
}

/// Everything known about one file after the parse stage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Whether the file was parsed (false when skipped or unparsable).
    pub parsed: bool,
    /// Struct, enum, union and alias declarations.
    pub types: Vec<TypeDecl>,
    /// Handlers, resolvers and service methods.
    pub fns: Vec<FnDecl>,
    /// Functions and methods whose return type names a record (see [`FnSig`]).
    pub sigs: Vec<FnSig>,
    /// `impl Trait for Type` blocks, read with the signatures (see [`TraitImpl`]).
    pub impls: Vec<TraitImpl>,
    /// Type names that API document attributes name (`#[openapi(components(schemas(User)))]`,
    /// `#[utoipa::path(.., body = User)]`): the schemas a document publishes
    /// (see `frameworks::documented_schemas`).
    pub documented: Vec<String>,
    /// Routes registered in function bodies.
    pub routes: Vec<RouteReg>,
    /// Route prefixes applied to other functions' routes.
    pub nests: Vec<Nest>,
    /// Typed segments of warp `path!` filters.
    pub segments: Vec<TypedSegment>,
    /// Tables keyed by auto-increment integers.
    pub tables: Vec<TableKey>,
    /// Predictable minting expressions in function bodies.
    pub mints: Vec<Mint>,
    /// Reversible transforms applied to values in function bodies.
    pub encodings: Vec<Encoding>,
    /// Unkeyed combinations of values in function bodies.
    pub combinations: Vec<Combination>,
    /// Encryption calls with a weakness.
    pub encrypts: Vec<Encrypt>,
    /// Client-supplied values decoded in entry points and sent back.
    pub echoes: Vec<Echo>,
    /// Calls passing possible keys to functions by name.
    pub calls: Vec<CallArg>,
    /// Names brought in by `use`.
    pub uses: Vec<UseName>,
    /// Read and parse problems.
    pub problems: Vec<Problem>,
    /// Suppression comments.
    pub suppressions: Vec<Suppression>,
    /// The file is test-only code (`#![cfg(test)]`).
    pub test_only: bool,
    /// Files (`a/b.rs`) and directories (`a/b/`) of modules this file declares under
    /// `#[cfg(test)]`: test-only code.
    pub test_modules: Vec<String>,
    /// For a template file: what it prints.
    pub template: Option<TemplateFile>,
}

/// Integer primitives and their non-zero forms.
pub fn is_integer(name: &str) -> bool {
    matches!(
        name,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "NonZeroI8"
            | "NonZeroI16"
            | "NonZeroI32"
            | "NonZeroI64"
            | "NonZeroI128"
            | "NonZeroIsize"
            | "NonZeroU8"
            | "NonZeroU16"
            | "NonZeroU32"
            | "NonZeroU64"
            | "NonZeroU128"
            | "NonZeroUsize"
    )
}
