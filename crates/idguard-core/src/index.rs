//! The cross-file index: built once from all facts, read by every rule.
//!
//! It answers two questions the rules keep asking:
//! - what a type name denotes from a given file (through `use` renames, preferring the
//!   definition nearest to the file: same file, then same directory, then the longest
//!   shared path), and whether it resolves to a user serial (an integer through aliases,
//!   tuple newtypes and transparent wrappers, across files);
//! - which types reach an API surface, and through which chain (handler return type ->
//!   type -> field -> type ...).

use std::collections::{HashMap, VecDeque};

use crate::facts::{DeclKind, FileFacts, FnDecl, TypeDecl, TypeRef};
use crate::subject::Vocabulary;
use crate::surface::{is_serializable, schema_derives};

/// Identifies one declaration: file index and declaration index within the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeclId {
    /// Index into the files.
    pub file: u32,
    /// Index into the file's `types`.
    pub decl: u32,
}

/// Identifies one function: file index and function index within the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnId {
    /// Index into the files.
    pub file: u32,
    /// Index into the file's `fns`.
    pub func: u32,
}

/// Identifies one function signature: file index and index within the file's `sigs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SigId {
    /// Index into the files.
    pub file: u32,
    /// Index into the file's `sigs`.
    pub sig: u32,
}

/// Identifies one `impl Trait for Type` block: file index and index within the file's
/// `impls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImplId {
    /// Index into the files.
    pub file: u32,
    /// Index into the file's `impls`.
    pub imp: u32,
}

/// What a sent call resolves to (see [`Index::callee`]): the signature of the function it
/// calls, and for a trait's method called through an implementing type, the `impl` block
/// that says what the trait's `Self::Item` and generic parameters are for that type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Callee {
    /// The signature.
    pub sig: SigId,
    /// The binding `impl Trait for Type` block.
    pub imp: Option<ImplId>,
}

/// One step from a name to the integer it denotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialHop {
    /// The alias, newtype or transparent wrapper.
    pub decl: DeclId,
    /// How it wraps: `alias`, `newtype`, `transparent`.
    pub how: &'static str,
}

/// Why a type resolves to a user serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serial {
    /// The integer type at the end, e.g. `i64`, `NonZeroU64`.
    pub primitive: String,
    /// Aliases and wrappers passed through, outermost first.
    pub hops: Vec<SerialHop>,
}

/// Why a type is on an API surface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// Returned by a handler (`Json<T>` and friends in the return type).
    Handler {
        /// The handler.
        func: FnId,
        /// The response wrapper, e.g. `Json`.
        wrapper: String,
        /// Where the body sends it, when the return type does not name it
        /// (`Json(view)` in an `impl IntoResponse` handler).
        sent: Option<crate::facts::Span>,
        /// The helper whose return value the body sends, when the code names no type there
        /// (`HttpResponse::Ok().json(repo::fetch_account(..).await?)`).
        returned_by: Option<Callee>,
    },
    /// Derives or is annotated with an API schema/object trait (`SimpleObject`, `ToSchema`...).
    Schema {
        /// The derive or attribute name.
        derive: String,
    },
    /// A server-rendered page struct (askama's `#[derive(Template)]`): only the fields its
    /// template names are shown (see [`Index::shown_words`]).
    Page {
        /// The page struct.
        page: DeclId,
        /// The template for messages: its path in backticks, or `an inline template`.
        template: String,
        /// For a value a handler put into a page's context (tera `ctx.insert`, minijinja
        /// `context!`): the handler, where, and how.
        put: Option<(FnId, crate::facts::Span, String)>,
    },
}

/// How a type was reached from a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The root of the chain.
    pub root: Root,
    /// The parent type and field index through which it was reached (`None` at the root).
    pub via: Option<(DeclId, u32)>,
}

/// Generic containers that are transparent for serialization.
const CONTAINERS: &[&str] = &[
    "Option",
    "Vec",
    "VecDeque",
    "LinkedList",
    "HashSet",
    "BTreeSet",
    "IndexSet",
    "Box",
    "Rc",
    "Arc",
    "Cow",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "SmallVec",
    "ArrayVec",
    "Reverse",
    "Wrapping",
    "Saturating",
    "Spanned",
];

/// Maps whose values are serialized.
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap"];

pub use crate::facts::is_integer;

/// A name declared more often than this is resolved only within its own file.
const MAX_CANDIDATES: usize = 256;

/// Whether serial resolution handles the name itself (integers, `NonZero`, transparent
/// containers, maps) and never looks it up among the declarations.
pub fn is_builtin(name: &str) -> bool {
    is_integer(name) || name == "NonZero" || CONTAINERS.contains(&name) || MAPS.contains(&name)
}

/// The maximum number of aliases and wrappers followed for one name (cycles and
/// pathological chains end here).
const MAX_HOPS: usize = 32;

/// The names files not parsed yet may declare (found lexically), and which of them a
/// lookup asked for: the driver of on-demand parsing (the pipeline's `demand` stage). A name is
/// watched until its files are decided; a lookup of a watched name marks it, whether or
/// not a parsed file already declares it (a nearer declaration may still be unparsed).
#[derive(Debug, Default)]
pub struct Lookups {
    /// Per watched name: 0 watched, 1 asked for, 2 decided.
    names: foldhash::HashMap<String, std::sync::atomic::AtomicU8>,
    /// Signature keys (`fn NAME`, `impl TRAIT`: see [`is_signature_key`]), watched without
    /// a list up front (every file may declare some, and few are ever asked for): those
    /// asked for and not decided yet, and those decided.
    fns: std::sync::Mutex<(std::collections::BTreeSet<String>, std::collections::HashSet<String>)>,
}

const WATCHED: u8 = 0;
const ASKED: u8 = 1;
const DECIDED: u8 = 2;

impl Lookups {
    /// Watches `names`.
    pub fn new(names: impl IntoIterator<Item = String>) -> Self {
        Lookups {
            names: names.into_iter().map(|n| (n, std::sync::atomic::AtomicU8::new(WATCHED))).collect(),
            fns: std::sync::Mutex::default(),
        }
    }

    /// Records a lookup of a signature key (`fn NAME` for a function, `impl TRAIT` for the
    /// impls of a trait; see `demand::decide`), unless it is decided.
    fn touch_signature(&self, key: String) {
        if let Ok(mut fns) = self.fns.lock()
            && !fns.1.contains(&key)
        {
            fns.0.insert(key);
        }
    }

    fn touch(&self, name: &str) {
        use std::sync::atomic::Ordering;
        if let Some(state) = self.names.get(name)
            && state.load(Ordering::Relaxed) == WATCHED
        {
            state.store(ASKED, Ordering::Relaxed);
        }
    }

    /// Watches every name again, as a new set would (for a set kept between scans).
    pub fn reset(&self) {
        use std::sync::atomic::Ordering;
        for state in self.names.values() {
            state.store(WATCHED, Ordering::Relaxed);
        }
        if let Ok(mut fns) = self.fns.lock() {
            *fns = Default::default();
        }
    }

    /// Marks `names` decided without their being asked (a warm workspace decides up front
    /// what the previous scan asked for): they are no longer watched.
    pub fn decided(&self, names: &[String]) {
        use std::sync::atomic::Ordering;
        for name in names {
            if let Some(state) = self.names.get(name.as_str()) {
                state.store(DECIDED, Ordering::Relaxed);
            }
        }
        if let Ok(mut fns) = self.fns.lock() {
            for name in names.iter().filter(|n| is_signature_key(n)) {
                fns.0.remove(name);
                fns.1.insert(name.clone());
            }
        }
    }

    /// The watched names asked for since the last call, sorted; from now on they are
    /// decided (no longer watched).
    pub fn take_asked(&self) -> Vec<String> {
        use std::sync::atomic::Ordering;
        let mut out: Vec<String> = self
            .names
            .iter()
            .filter(|(_, state)| state.load(Ordering::Relaxed) == ASKED)
            .map(|(name, state)| {
                state.store(DECIDED, Ordering::Relaxed);
                name.clone()
            })
            .collect();
        if let Ok(mut fns) = self.fns.lock() {
            let asked = std::mem::take(&mut fns.0);
            fns.1.extend(asked.iter().cloned());
            out.extend(asked);
        }
        out.sort_unstable();
        out
    }
}

/// Whether an asked name is a signature key: `fn NAME` (the functions and methods named so)
/// or `impl TRAIT` (the `impl TRAIT for Type` blocks), decided by reading the signatures of
/// the files that declare it (`demand`), not their type declarations.
pub fn is_signature_key(name: &str) -> bool {
    name.starts_with("fn ") || name.starts_with("impl ")
}

/// The fields of a type that a template prints: those whose name is one of `words` (the
/// sorted identifiers of the templates that show the type, see [`Index::shown_words`]).
pub fn printed_fields<'d>(
    decl: &'d TypeDecl,
    words: &'d [String],
) -> impl Iterator<Item = (usize, &'d crate::facts::FieldDecl)> + 'd {
    decl.fields.iter().enumerate().filter(|(_, f)| f.name.as_ref().is_some_and(|n| words.binary_search(n).is_ok()))
}

/// Where a type expanded from an alias is written, and what the alias's generic
/// parameters stand for (each with the frame its argument is written in).
struct Frame<'a> {
    file: u32,
    binds: Vec<(&'a str, &'a TypeRef, usize)>,
}

/// The merged view of all files.
pub struct Index<'a> {
    files: &'a [FileFacts],
    by_name: HashMap<&'a str, Vec<DeclId>>,
    lookups: &'a Lookups,
    reach: HashMap<DeclId, Reach>,
    routes: HashMap<FnId, Vec<Route>>,
    requested: std::collections::HashSet<DeclId>,
    tables: HashMap<String, (u32, &'a crate::facts::TableKey)>,
    calls: HashMap<&'a str, Vec<(u32, &'a crate::facts::CallArg)>>,
    /// Function signatures by name (see [`Index::callee`]).
    sigs: HashMap<&'a str, Vec<SigId>>,
    /// `impl Trait for Type` blocks by trait name.
    impls: HashMap<&'a str, Vec<ImplId>>,
    /// The names of the auto-increment keyed tables, sorted (see [`Index::table_names`]).
    table_names: Vec<&'a str>,
    /// The names of the custom extractors the project declares (`TypeDecl::via`): files
    /// deriving them are always parsed (axum's selection derives).
    custom_extractors: std::collections::HashSet<&'a str>,
    /// The type names API documents name (see `FileFacts::documented`).
    documented: std::collections::HashSet<&'a str>,
    schema_packages: std::collections::HashSet<&'a str>,
    /// Per page struct: the identifiers its template (and what that includes or extends)
    /// uses, sorted.
    pages: HashMap<DeclId, Vec<String>>,
    /// Per type some page shows: the identifiers of every template that shows it, sorted.
    shown: HashMap<DeclId, Vec<String>>,
    /// Per value a handler put into a page's context: the first handler that did, where,
    /// how, and the templates it renders (see [`Root::Page`]).
    page_sites: HashMap<DeclId, (FnId, crate::facts::Span, String, Vec<String>)>,
    vocab: &'a Vocabulary,
}

/// A route that reaches a handler, with the prefixes statically visible applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`, ... or `ANY`.
    pub method: String,
    /// The full path template (`/api/users/{id}`).
    pub path: String,
    /// Where the route is declared: the attribute or the registration.
    pub file: u32,
    /// The span of the attribute path or the registering call.
    pub span: crate::facts::Span,
}

impl Route {
    /// The path parameters of the template, in order: `{id}`, `:id`, `<id>`, `<id..>`, `*rest`.
    pub fn params(&self) -> Vec<String> {
        let path = self.path.split('?').next().unwrap_or_default();
        path.split('/')
            .filter_map(|seg| {
                let name = seg
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                    .or_else(|| seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')))
                    .or_else(|| seg.strip_prefix(':'))
                    .or_else(|| seg.strip_prefix('*'))?;
                let name = name.trim_start_matches('*').trim_end_matches("..");
                Some(name.split(':').next().unwrap_or(name).to_owned())
            })
            .collect()
    }

    /// The literal segment right before the named parameter (`users` in `/users/{id}`).
    pub fn segment_before(&self, param: &str) -> Option<&str> {
        let path = self.path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        let at = segments.iter().position(|seg| {
            let trimmed = seg.trim_matches(|c| matches!(c, '{' | '}' | '<' | '>' | ':' | '*')).trim_end_matches("..");
            trimmed.split(':').next() == Some(param) && seg.len() > trimmed.len()
        })?;
        segments[..at].iter().rev().find(|s| !s.is_empty() && !s.contains(['{', '<', ':', '*'])).copied()
    }
}

/// Whether two names are equal with `_` and `-` taken as the same byte.
fn dash_equal(a: &str, b: &str) -> bool {
    let dash = |c: u8| if c == b'_' { b'-' } else { c };
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| dash(x) == dash(y))
}

/// Whether `a` equals `b` with each `_` of `b` written `-`.
fn dashed_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == if y == b'_' { b'-' } else { y })
}

/// The package a file belongs to, as far as its path tells: everything before its `src/`
/// directory (`crates/api/src/users.rs` -> `crates/api/`); a file outside any `src/` (a
/// loose script, a fixture) is a package of its own.
pub fn package_dir(path: &str) -> &str {
    match path.rfind("src/") {
        Some(at) if at == 0 || path.as_bytes()[at - 1] == b'/' => &path[..at],
        _ => path,
    }
}

impl<'a> Index<'a> {
    /// Builds the index: name table, reachability from every API surface, routes, request
    /// types, tables and calls. `opaque` names types that are safe to expose.
    pub fn build(files: &'a [FileFacts], vocab: &'a Vocabulary) -> Self {
        static NONE: std::sync::OnceLock<Lookups> = std::sync::OnceLock::new();
        Self::build_watching(files, vocab, NONE.get_or_init(Lookups::default))
    }

    /// [`Index::build`], recording in `lookups` every name it (and then the rules) looks up
    /// that `lookups` watches: the names files not parsed yet may declare (see
    /// [`Lookups`]).
    pub fn build_watching(files: &'a [FileFacts], vocab: &'a Vocabulary, lookups: &'a Lookups) -> Self {
        let mut by_name: HashMap<&str, Vec<DeclId>> = HashMap::new();
        for (f, facts) in files.iter().enumerate() {
            for (d, decl) in facts.types.iter().enumerate() {
                by_name.entry(decl.name.as_str()).or_default().push(DeclId { file: f as u32, decl: d as u32 });
            }
        }
        let mut sigs: HashMap<&str, Vec<SigId>> = HashMap::new();
        let mut impls: HashMap<&str, Vec<ImplId>> = HashMap::new();
        for (f, facts) in files.iter().enumerate() {
            for (i, sig) in facts.sigs.iter().enumerate() {
                sigs.entry(sig.name.as_str()).or_default().push(SigId { file: f as u32, sig: i as u32 });
            }
            for (i, imp) in facts.impls.iter().enumerate() {
                impls.entry(imp.trait_name.as_str()).or_default().push(ImplId { file: f as u32, imp: i as u32 });
            }
        }
        let documented = files.iter().flat_map(|f| f.documented.iter().map(String::as_str)).collect();
        let mut table_names: Vec<&str> = files.iter().flat_map(|f| f.tables.iter().map(|k| k.table.as_str())).collect();
        table_names.sort_unstable();
        table_names.dedup();
        let custom_extractors =
            files.iter().flat_map(|f| f.types.iter().filter(|d| d.via.is_some()).map(|d| d.name.as_str())).collect();
        let mut index = Index {
            files,
            by_name,
            sigs,
            impls,
            table_names,
            custom_extractors,
            documented,
            lookups,
            reach: HashMap::new(),
            routes: HashMap::new(),
            requested: std::collections::HashSet::new(),
            tables: HashMap::new(),
            calls: HashMap::new(),
            schema_packages: std::collections::HashSet::new(),
            pages: HashMap::new(),
            shown: HashMap::new(),
            page_sites: HashMap::new(),
            vocab,
        };
        (index.pages, index.page_sites) = index.compute_pages();
        index.shown = index.compute_shown();
        // Independent of each other: computed side by side (the resolve loop builds the index
        // once per pass, so its serial parts count against thread scaling).
        let (reach, (routes, (requested, tables))) = {
            let index = &index;
            rayon::join(
                || index.compute_reach(),
                || {
                    rayon::join(
                        || index.compute_routes(),
                        || rayon::join(|| index.compute_requested(), || index.compute_tables()),
                    )
                },
            )
        };
        index.reach = reach;
        index.routes = routes;
        index.requested = requested;
        index.tables = tables;
        let mut calls: HashMap<&str, Vec<(u32, &crate::facts::CallArg)>> = HashMap::new();
        for (f, facts) in files.iter().enumerate() {
            for call in &facts.calls {
                calls.entry(call.callee.as_str()).or_default().push((f as u32, call));
            }
        }
        index.calls = calls;
        index.schema_packages = files
            .iter()
            .filter(|f| {
                // Not prost's `Message`: generated code, and actix's actor messages share the name.
                f.types.iter().any(|d| schema_derives(d).any(|x| x.name != "Message"))
            })
            .map(|f| package_dir(&f.path))
            .collect();
        index
    }

    /// Whether the package of `file` marks its API types with a schema derive (`ToSchema`,
    /// ts-rs `TS`, `SimpleObject`...): then its other serializable types are not its API.
    pub fn declares_api(&self, file: u32) -> bool {
        self.schema_packages.contains(package_dir(self.path(file)))
    }

    /// The arguments passed (as possible keys) to functions of that name, in file order.
    pub fn calls_to(&self, name: &str) -> &[(u32, &'a crate::facts::CallArg)] {
        self.calls.get(name).map_or(&[], Vec::as_slice)
    }

    /// The first auto-increment table key (in file order) of a table whose rows are `token`
    /// (a subject token such as `user`: tables `users`, `user_`, `app_users`; see
    /// [`crate::subject::table_subject`]).
    pub fn table_key(&self, token: &str) -> Option<(u32, &'a crate::facts::TableKey)> {
        self.tables.get(token).copied()
    }

    fn compute_tables(&self) -> HashMap<String, (u32, &'a crate::facts::TableKey)> {
        let mut out = HashMap::new();
        let names = &self.table_names;
        for (f, facts) in self.files.iter().enumerate() {
            for key in &facts.tables {
                if let Some(subject) = crate::subject::table_subject_among(&key.table, names, self.vocab) {
                    out.entry(subject.token).or_insert((f as u32, key));
                }
            }
        }
        out
    }

    /// The names of the tables the project keys by auto-increment integers, sorted.
    pub fn table_names(&self) -> &[&'a str] {
        &self.table_names
    }

    /// Whether a type is taken from requests: the extracted type of a handler parameter
    /// (`Query<Params>`, a tonic `Request<GetUserRequest>`, a GraphQL input object).
    pub fn is_requested(&self, id: DeclId) -> bool {
        self.requested.contains(&id)
    }

    fn compute_requested(&self) -> std::collections::HashSet<DeclId> {
        let mut out = std::collections::HashSet::new();
        for (f, facts) in self.files.iter().enumerate() {
            for (i, func) in facts.fns.iter().enumerate() {
                let custom = self.extractor_params(FnId { file: f as u32, func: i as u32 });
                for param in func.params.iter().chain(&custom) {
                    param.ty.for_each_path(&mut |p| {
                        if let Some(id) = self.lookup(p, f as u32) {
                            out.insert(id);
                        }
                    });
                }
            }
        }
        out
    }

    /// A handler's parameters whose type is a custom extractor of the project
    /// (`params: ListParams` with `#[derive(FromRequestParts)] #[from_request(via(Query))]`):
    /// each takes its values from where the extractor it goes through does.
    pub fn extractor_params(&self, id: FnId) -> Vec<crate::facts::Param> {
        let func = self.func(id);
        let mut out = Vec::new();
        for (name, ty) in &func.inputs {
            let mut peeled = ty;
            while let TypeRef::Ref(inner) = peeled {
                peeled = inner;
            }
            // A custom extractor is a plain type (`ListParams`), not a framework's generic
            // wrapper (`Query<T>`, `State<S>`), which the parameters already say.
            let TypeRef::Path { span, args, .. } = peeled else { continue };
            if !args.is_empty()
                || !peeled.name().is_some_and(|n| self.custom_extractors.contains(n))
                || func.params.iter().any(|p| p.bindings.iter().any(|b| &b.name == name))
            {
                continue;
            }
            let Some(decl_id) = self.lookup(peeled, id.file) else { continue };
            let decl = self.decl(decl_id);
            let Some(via) = &decl.via else { continue };
            let Some(&(_, source)) = crate::frameworks::extractors().iter().find(|(e, _)| e == via) else { continue };
            out.push(crate::facts::Param {
                source,
                extractor: format!("{} (via `{via}`)", decl.name),
                ty: peeled.clone(),
                bindings: vec![crate::facts::Binding { name: name.clone(), span: *span }],
                span: *span,
            });
        }
        out
    }

    /// The routes that reach a handler: its own route attributes and the registrations
    /// naming it, with the prefixes of `nest`/`mount` calls applied.
    pub fn routes(&self, id: FnId) -> &[Route] {
        self.routes.get(&id).map_or(&[], Vec::as_slice)
    }

    fn compute_routes(&self) -> HashMap<FnId, Vec<Route>> {
        // Functions by name, for registrations and nests to find.
        let mut fns_by_name: HashMap<&str, Vec<FnId>> = HashMap::new();
        for (f, facts) in self.files.iter().enumerate() {
            for (i, func) in facts.fns.iter().enumerate() {
                fns_by_name.entry(func.name.as_str()).or_default().push(FnId { file: f as u32, func: i as u32 });
            }
        }
        // Prefixes applied to a function's routes by whoever nests or mounts it.
        let mut prefixes: HashMap<&str, Vec<&str>> = HashMap::new();
        for facts in self.files {
            for nest in &facts.nests {
                prefixes.entry(nest.target.as_str()).or_default().push(nest.prefix.as_str());
            }
        }
        let full_paths = |scope: &str, path: &str| -> Vec<String> {
            // Follow nests outward (bounded: a prefix chain longer than this is a cycle).
            let mut out = vec![(scope.to_owned(), path.to_owned())];
            for _ in 0..8 {
                let mut next = Vec::new();
                let mut changed = false;
                for (scope, path) in out {
                    match prefixes.get(scope.as_str()) {
                        Some(list) => {
                            changed = true;
                            for prefix in list {
                                next.push((String::new(), crate::surface::join_path(prefix, &path)));
                            }
                        }
                        None => next.push((String::new(), path)),
                    }
                }
                out = next;
                if !changed {
                    break;
                }
            }
            let mut paths: Vec<String> = out.into_iter().map(|(_, p)| p).collect();
            paths.sort();
            paths.dedup();
            paths
        };
        let mut routes: HashMap<FnId, Vec<Route>> = HashMap::new();
        for (f, facts) in self.files.iter().enumerate() {
            for (i, func) in facts.fns.iter().enumerate() {
                let id = FnId { file: f as u32, func: i as u32 };
                for attr in &func.routes {
                    for path in full_paths(&func.name, &attr.path) {
                        let route = Route { method: attr.method.clone(), path, file: f as u32, span: attr.span };
                        routes.entry(id).or_default().push(route);
                    }
                }
            }
        }
        for (f, facts) in self.files.iter().enumerate() {
            for reg in &facts.routes {
                let Some(name) = reg.handler.last() else { continue };
                let Some(candidates) = fns_by_name.get(name.as_str()) else { continue };
                let qualifiers = &reg.handler[..reg.handler.len() - 1];
                let from = self.path(f as u32);
                let Some(&id) = candidates.iter().max_by_key(|id| {
                    let func = self.func(**id);
                    let path = self.path(id.file);
                    let qualified = qualifiers
                        .iter()
                        .filter(|q| func.module.split("::").any(|m| m == q.as_str()) || path.contains(q.as_str()))
                        .count();
                    (id.file == f as u32, qualified, shared_prefix(path, from), std::cmp::Reverse(**id))
                }) else {
                    continue;
                };
                for path in full_paths(&reg.scope, &reg.path) {
                    let route = Route { method: reg.method.clone(), path, file: f as u32, span: reg.span };
                    routes.entry(id).or_default().push(route);
                }
            }
        }
        for list in routes.values_mut() {
            list.sort_by(|a, b| (a.file, a.span, &a.path, &a.method).cmp(&(b.file, b.span, &b.path, &b.method)));
            list.dedup();
        }
        routes
    }

    /// All files.
    pub fn files(&self) -> &'a [FileFacts] {
        self.files
    }

    /// A declaration by id.
    pub fn decl(&self, id: DeclId) -> &'a TypeDecl {
        &self.files[id.file as usize].types[id.decl as usize]
    }

    /// A function by id.
    pub fn func(&self, id: FnId) -> &'a FnDecl {
        &self.files[id.file as usize].fns[id.func as usize]
    }

    /// The path of a file.
    pub fn path(&self, file: u32) -> &'a str {
        &self.files[file as usize].path
    }

    /// The signature.
    pub fn sig(&self, id: SigId) -> &'a crate::facts::FnSig {
        &self.files[id.file as usize].sigs[id.sig as usize]
    }

    /// An `impl Trait for Type` block.
    pub fn imp(&self, id: ImplId) -> &'a crate::facts::TraitImpl {
        &self.files[id.file as usize].impls[id.imp as usize]
    }

    /// The function a handler's sent call (in `func`, written in `from_file`) calls, if the
    /// project declares it with a return type that names a record. A path call is resolved
    /// like a type name (`use` renames, then the nearest declaration), and its qualifier
    /// must agree: a capitalised one (`Account::find`, `Self::load`) names the `Self` type, a
    /// module one (`account_repository::fetch`) a module or file of the declaration. A
    /// capitalised qualifier that declares no such method itself calls a trait's method
    /// through a type that implements the trait (`Orders::get_by_id` with `impl Controller for
    /// Orders`): the impl binds what the trait's return type names (`Self::Item`, generic
    /// parameters). A method called on a value of unknown type (`db.find_user(id)`) resolves
    /// only when the project declares exactly one method of that name, or declares it in one
    /// trait and otherwise only in that trait's impls (the trait's declaration). Every lookup is
    /// recorded under `fn NAME` and `impl TRAIT` (see [`Lookups`]), so that every file
    /// declaring it is read for its signatures.
    pub fn callee(&self, call: &crate::facts::SentCall, func: &FnDecl, from_file: u32) -> Option<Callee> {
        let written = call.callee.last()?;
        let facts = &self.files[from_file as usize];
        let (name, qualifiers): (&str, &[String]) = match facts.uses.iter().find(|u| &u.local == written) {
            Some(u) if call.callee.len() == 1 && !call.method => {
                (u.path.last().map_or(written.as_str(), String::as_str), &u.path[..u.path.len() - 1])
            }
            _ => (written.as_str(), &call.callee[..call.callee.len() - 1]),
        };
        self.lookups.touch_signature(format!("fn {name}"));
        let candidates = self.sigs.get(name)?;
        if call.method {
            // Only methods: a free function is not called on a value.
            let candidates: Vec<SigId> = candidates
                .iter()
                .copied()
                .filter(|id| self.sig(*id).self_ty.is_some() || self.sig(*id).trait_name.is_some())
                .collect();
            return match candidates.as_slice() {
                [only] if self.sig(*only).self_ty.is_some() => Some(Callee { sig: *only, imp: None }),
                // A trait's method, declared once in the trait and otherwise only in its impls
                // (`layer.get_session(id)` on a `dyn ChatLayer`): what the trait declares.
                _ => {
                    let mut declared = candidates.iter().filter(|id| {
                        let sig = self.sig(**id);
                        sig.self_ty.is_none() && sig.trait_name.is_some()
                    });
                    let (Some(&decl), None) = (declared.next(), declared.next()) else { return None };
                    let trait_name = self.sig(decl).trait_name.as_deref();
                    candidates
                        .iter()
                        .all(|id| self.sig(*id).trait_name.as_deref() == trait_name)
                        .then_some(Callee { sig: decl, imp: None })
                }
            };
        }
        let qualifiers: Vec<&str> =
            qualifiers.iter().map(String::as_str).filter(|q| !matches!(*q, "crate" | "self" | "super")).collect();
        let self_ty = match qualifiers.last() {
            Some(&"Self") => Some(func.self_ty.as_deref()?),
            Some(q) if q.starts_with(|c: char| c.is_ascii_uppercase()) => Some(*q),
            _ => None,
        };
        let modules = &qualifiers[..qualifiers.len() - usize::from(self_ty.is_some())];
        let from_path = facts.path.as_str();
        let rank = |id: &SigId| {
            let path = self.path(id.file);
            (id.file == from_file, shared_prefix(path, from_path), std::cmp::Reverse(*id))
        };
        let in_module =
            |id: &SigId| modules.last().is_none_or(|q| qualifies(self.path(id.file), &self.sig(*id).module, q));
        let declared_in_trait = |sig: &crate::facts::FnSig| sig.self_ty.is_none() && sig.trait_name.is_some();
        let direct = candidates
            .iter()
            .copied()
            .filter(|id| {
                let sig = self.sig(*id);
                sig.self_ty.as_deref() == self_ty && !declared_in_trait(sig) && in_module(id)
            })
            .max_by_key(rank);
        if let Some(sig) = direct {
            // A method of an `impl Trait for Type` block may name `Self::Item` too.
            let imp =
                self.sig(sig).trait_name.as_deref().zip(self_ty).and_then(|(t, ty)| self.impl_for(t, ty, from_file));
            return Some(Callee { sig, imp });
        }
        let ty = self_ty?;
        candidates
            .iter()
            .copied()
            .filter(|id| declared_in_trait(self.sig(*id)) && in_module(id))
            .filter_map(|id| {
                let imp = self.impl_for(self.sig(id).trait_name.as_deref()?, ty, from_file)?;
                Some(Callee { sig: id, imp: Some(imp) })
            })
            .max_by_key(|c| rank(&c.sig))
    }

    /// The `impl trait_name for ty` block nearest to `from_file`, if the project has one.
    fn impl_for(&self, trait_name: &str, ty: &str, from_file: u32) -> Option<ImplId> {
        self.lookups.touch_signature(format!("impl {trait_name}"));
        let from_path = self.path(from_file);
        self.impls.get(trait_name)?.iter().copied().filter(|id| self.imp(*id).self_ty == ty).max_by_key(|id| {
            (id.file == from_file, shared_prefix(self.path(id.file), from_path), std::cmp::Reverse(*id))
        })
    }

    /// Visits every path of what a call returns (`Result<T, E>` returns `T`), with the file
    /// it is written in: the callee's declared return type, with a trait method's
    /// `Self::Item` and generic parameters replaced by what the binding impl says they are.
    pub fn returned_paths(&self, callee: Callee, visit: &mut dyn FnMut(&'a TypeRef, u32)) {
        let sig = self.sig(callee.sig);
        let mut ret = &sig.ret;
        while let TypeRef::Path { segments, args, .. } = ret
            && segments.last().is_some_and(|s| s == "Result")
            && let Some(ok) = args.first()
        {
            ret = ok;
        }
        let imp = callee.imp.map(|id| (id.file, self.imp(id)));
        ret.for_each_path(&mut |p| {
            let bound = imp.and_then(|(file, imp)| Some((file, bound_type(sig, imp, p)?)));
            match bound {
                Some((file, ty)) => ty.for_each_path(&mut |q| visit(q, file)),
                // `Self::Item` that no impl binds denotes no declaration of that name.
                None if matches!(p, TypeRef::Path { segments, .. } if segments.first().is_some_and(|s| s == "Self")) => {}
                None => visit(p, callee.sig.file),
            }
        });
    }

    /// Resolves a type name as seen from `from_file`: `use` renames first, then the
    /// nearest declaration by path.
    pub fn lookup(&self, ty: &TypeRef, from_file: u32) -> Option<DeclId> {
        let TypeRef::Path { segments, .. } = ty else { return None };
        let written = segments.last()?;
        let facts = &self.files[from_file as usize];
        // `use model::ids::UserId as Uid;` turns `Uid` into `UserId` qualified by `model::ids`.
        let (name, qualifiers): (&str, &[String]) = match facts.uses.iter().find(|u| &u.local == written) {
            Some(u) if segments.len() == 1 => {
                (u.path.last().map_or(written.as_str(), String::as_str), &u.path[..u.path.len() - 1])
            }
            _ => (written.as_str(), &segments[..segments.len() - 1]),
        };
        self.lookups.touch(name);
        let candidates = self.by_name.get(name)?;
        if candidates.len() == 1 {
            return candidates.first().copied();
        }
        if candidates.len() > MAX_CANDIDATES {
            // A name declared in hundreds of files (generated code): ranking them all for
            // every use would make the index quadratic. Only a same-file declaration counts.
            return candidates.iter().copied().find(|id| id.file == from_file);
        }
        let from_path = facts.path.as_str();
        let qualifiers: Vec<&str> =
            qualifiers.iter().map(String::as_str).filter(|q| !matches!(*q, "crate" | "self" | "super")).collect();
        candidates.iter().copied().max_by_key(|id| {
            let same_file = id.file == from_file;
            let path = self.path(id.file);
            let module = &self.decl(*id).module;
            let qualified = qualifiers.iter().filter(|q| qualifies(path, module, q)).count();
            (same_file, qualified, shared_prefix(path, from_path), std::cmp::Reverse(*id))
        })
    }

    /// Whether the type, as written in `from_file`, resolves to an integer user serial.
    pub fn serial_of(&self, ty: &TypeRef, from_file: u32) -> Option<Serial> {
        self.resolve_ty(ty, from_file, 0)
    }

    /// The serial resolution of a declaration (computed when asked: only the names a
    /// question leads to are looked up, which is what decides the files parsed on demand).
    pub fn decl_serial(&self, id: DeclId) -> Option<Serial> {
        self.resolve_decl(id, 0)
    }

    /// How a declaration reaches an API surface, if it does.
    pub fn reach(&self, id: DeclId) -> Option<&Reach> {
        self.reach.get(&id)
    }

    /// Whether the declaration is a single-field wrapper (tuple newtype or transparent
    /// struct) that serializes as its inner value.
    pub fn is_wrapper(decl: &TypeDecl) -> bool {
        decl.fields.len() == 1
            && (decl.kind == DeclKind::TupleStruct || (decl.kind == DeclKind::Struct && decl.transparent))
    }

    fn is_opaque(&self, name: &str) -> bool {
        self.vocab.is_opaque(name)
    }

    fn resolve_ty(&self, ty: &TypeRef, from_file: u32, depth: usize) -> Option<Serial> {
        if depth > MAX_HOPS {
            return None;
        }
        // Bytes (`[u8; 16]`, `&[u8]`, `Vec<u8>`: a buffer, a hash, an opaque handle) are data.
        let bytes = |inner: &TypeRef| inner.name().is_some_and(|n| n == "u8" || n == "i8");
        match ty {
            TypeRef::Slice(inner) | TypeRef::Array(inner) if bytes(inner) => None,
            TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
                self.resolve_ty(inner, from_file, depth + 1)
            }
            TypeRef::Path { segments, args, .. } => {
                let name = segments.last()?.as_str();
                if self.is_opaque(name) {
                    return None;
                }
                if is_integer(name) {
                    return Some(Serial { primitive: name.to_owned(), hops: Vec::new() });
                }
                if matches!(name, "Vec" | "VecDeque" | "Box" | "Bytes") && args.first().is_some_and(bytes) {
                    return None;
                }
                if name == "NonZero" || CONTAINERS.contains(&name) {
                    return args.first().and_then(|a| self.resolve_ty(a, from_file, depth + 1));
                }
                if MAPS.contains(&name) {
                    return args.get(1).and_then(|a| self.resolve_ty(a, from_file, depth + 1));
                }
                let id = self.lookup(ty, from_file)?;
                // A name written in a field starts a chain: its own hops count from zero.
                self.resolve_decl(id, if depth == 0 { 0 } else { depth + 1 })
            }
            _ => None,
        }
    }

    fn resolve_decl(&self, id: DeclId, depth: usize) -> Option<Serial> {
        if depth > MAX_HOPS {
            return None;
        }
        let decl = self.decl(id);
        if self.is_opaque(&decl.name) {
            return None;
        }
        let (inner, how) = match decl.kind {
            DeclKind::Alias => (decl.alias_of.as_ref()?, "alias"),
            _ if Self::is_wrapper(decl) => {
                (&decl.fields[0].ty, if decl.kind == DeclKind::TupleStruct { "newtype" } else { "transparent" })
            }
            _ => return None,
        };
        let mut serial = self.resolve_ty(inner, id.file, depth + 1)?;
        serial.hops.insert(0, SerialHop { decl: id, how });
        Some(serial)
    }

    /// The path nodes of the bodies a return type (written in `file`) sends to clients, each
    /// with its response wrapper and the file it is written in: the arguments of `Json<..>`
    /// and friends (`Result<Json<T>, E>` yields `T` only), through the project's generic
    /// aliases of response wrappers (`type ApiJson<T> = Json<Envelope<T>>`, declared in any
    /// file: `ApiJson<Card>` sends `Envelope<Card>`, `Envelope` resolved where the alias is
    /// written, `Card` where the return type is).
    pub fn response_paths(&self, ret: &'a TypeRef, file: u32, out: &mut Vec<(String, &'a TypeRef, u32)>) {
        let mut frames = vec![Frame { file, binds: Vec::new() }];
        self.visit_response(ret, 0, None, 0, &mut frames, out);
    }

    fn visit_response(
        &self,
        ty: &'a TypeRef,
        frame: usize,
        wrapper: Option<&str>,
        depth: usize,
        frames: &mut Vec<Frame<'a>>,
        out: &mut Vec<(String, &'a TypeRef, u32)>,
    ) {
        if depth > MAX_HOPS {
            return;
        }
        match ty {
            TypeRef::Path { segments, args, .. } => {
                let name = segments.last().map_or("", String::as_str);
                // A generic parameter of an alias being expanded: what it stands for.
                if segments.len() == 1
                    && let Some(&(_, bound, at)) = frames[frame].binds.iter().find(|(p, ..)| *p == name)
                {
                    self.visit_response(bound, at, wrapper, depth + 1, frames, out);
                    return;
                }
                if let Some(wrapper) = wrapper {
                    out.push((wrapper.to_owned(), ty, frames[frame].file));
                    for arg in args {
                        self.visit_response(arg, frame, Some(wrapper), depth + 1, frames, out);
                    }
                } else if crate::frameworks::response_wrappers().contains(&name) && !args.is_empty() {
                    for arg in args {
                        self.visit_response(arg, frame, Some(name), depth + 1, frames, out);
                    }
                } else if name == "Result" {
                    if let Some(ok) = args.first() {
                        self.visit_response(ok, frame, None, depth + 1, frames, out);
                    }
                } else if self.vocab.response_aliases.iter().any(|a| a == name)
                    && let Some(id) = self.lookup(ty, frames[frame].file)
                    && let decl = self.decl(id)
                    && let Some(target) = &decl.alias_of
                {
                    let binds =
                        decl.generics.iter().map(String::as_str).zip(args).map(|(p, a)| (p, a, frame)).collect();
                    frames.push(Frame { file: id.file, binds });
                    let inner = frames.len() - 1;
                    self.visit_response(target, inner, None, depth + 1, frames, out);
                } else {
                    for arg in args {
                        self.visit_response(arg, frame, None, depth + 1, frames, out);
                    }
                }
            }
            TypeRef::Tuple(items) | TypeRef::ImplTrait(items) => {
                for item in items {
                    self.visit_response(item, frame, wrapper, depth + 1, frames, out);
                }
            }
            TypeRef::Ref(inner) if wrapper.is_none() => self.visit_response(inner, frame, None, depth + 1, frames, out),
            TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => {
                if wrapper.is_some() {
                    self.visit_response(inner, frame, wrapper, depth + 1, frames, out);
                }
            }
            TypeRef::Other => {}
        }
    }

    /// The identifiers of every template that shows the type (the page struct itself, or a
    /// type one of its printed fields holds), if a page shows it: a field whose name is one
    /// of them is printed. Unlike the reach chain (the first path found), this is the union
    /// over every page, so a type two pages show is judged by both templates.
    pub fn shown_words(&self, id: DeclId) -> Option<&[String]> {
        self.shown.get(&id).map(Vec::as_slice)
    }

    fn compute_shown(&self) -> HashMap<DeclId, Vec<String>> {
        let mut shown: HashMap<DeclId, Vec<String>> = HashMap::new();
        let mut pages: Vec<(&DeclId, &Vec<String>)> = self.pages.iter().collect();
        pages.sort_unstable();
        for (&page, words) in pages {
            let mut seen: std::collections::HashSet<DeclId> = std::collections::HashSet::new();
            let mut queue = vec![page];
            while let Some(id) = queue.pop() {
                if !seen.insert(id) {
                    continue;
                }
                shown.entry(id).or_default().extend(words.iter().cloned());
                for (_, field) in printed_fields(self.decl(id), words) {
                    field.ty.for_each_path(&mut |p| {
                        if let Some(child) = self.lookup(p, id.file) {
                            queue.push(child);
                        }
                    });
                }
            }
        }
        for words in shown.values_mut() {
            words.sort_unstable();
            words.dedup();
        }
        shown
    }

    #[allow(clippy::type_complexity)]
    fn compute_pages(
        &self,
    ) -> (HashMap<DeclId, Vec<String>>, HashMap<DeclId, (FnId, crate::facts::Span, String, Vec<String>)>) {
        let templates: Vec<(&str, &crate::facts::TemplateFile)> =
            self.files.iter().filter_map(|f| f.template.as_ref().map(|t| (f.path.as_str(), t))).collect();
        // A template named `user.html` is the file `.../templates/user.html`; a name without
        // its extension (handlebars' `render("user", ..)`, Rocket's `Template::render("user",
        // ..)`) is that file with one.
        let find = |name: &str| {
            let wanted = format!("templates/{}", name.trim_start_matches('/'));
            templates
                .iter()
                .find(|(path, _)| path.ends_with(&wanted))
                .or_else(|| {
                    templates.iter().find(|(path, _)| {
                        path.split_once(&wanted).is_some_and(|(_, rest)| rest.starts_with('.') && !rest.contains('/'))
                    })
                })
                .map(|(_, t)| *t)
        };
        // The words of a template and of what it includes or extends, each once.
        let words_of = |name: &str, words: &mut Vec<String>| {
            let mut todo = vec![name.to_owned()];
            let mut seen: Vec<String> = Vec::new();
            while let Some(name) = todo.pop() {
                if seen.contains(&name) || seen.len() > 64 {
                    continue;
                }
                seen.push(name.clone());
                if let Some(t) = find(&name) {
                    words.extend(t.words.iter().cloned());
                    todo.extend(t.refs.iter().cloned());
                }
            }
        };
        let mut out: HashMap<DeclId, Vec<String>> = HashMap::new();
        for (f, facts) in self.files.iter().enumerate() {
            for (d, decl) in facts.types.iter().enumerate() {
                if !decl.derives.iter().any(|x| crate::frameworks::page_derives().contains(&x.name.as_str())) {
                    continue;
                }
                let mut words: Vec<String> = Vec::new();
                match &decl.template {
                    Some(crate::facts::TemplateRef::Inline(inline)) => words.extend(inline.iter().cloned()),
                    Some(crate::facts::TemplateRef::Path(path)) => words_of(path, &mut words),
                    None => {}
                }
                words.sort_unstable();
                words.dedup();
                out.insert(DeclId { file: f as u32, decl: d as u32 }, words);
            }
        }
        // Values a handler puts into a page's context: the fields the templates it renders
        // print (every template's, where it names none the project has).
        let mut sites = HashMap::new();
        for (f, facts) in self.files.iter().enumerate() {
            for (i, func) in facts.fns.iter().enumerate().filter(|(_, func)| !func.page_values.is_empty()) {
                let mut words: Vec<String> = Vec::new();
                for name in &func.templates {
                    words_of(name, &mut words);
                }
                if words.is_empty() {
                    words.extend(templates.iter().flat_map(|(_, t)| t.words.iter().cloned()));
                }
                for value in &func.page_values {
                    value.ty.for_each_path(&mut |p| {
                        if let Some(id) = self.lookup(p, f as u32) {
                            out.entry(id).or_default().extend(words.iter().cloned());
                            let handler = FnId { file: f as u32, func: i as u32 };
                            sites
                                .entry(id)
                                .or_insert_with(|| (handler, value.span, value.how.clone(), func.templates.clone()));
                        }
                    });
                }
            }
        }
        for words in out.values_mut() {
            words.sort_unstable();
            words.dedup();
        }
        (out, sites)
    }

    /// Breadth-first from every root (handler return types first, in file order, then
    /// schema derives), through non-hidden fields of serializable types. The first
    /// chain found is kept, so results do not depend on thread count.
    fn compute_reach(&self) -> HashMap<DeclId, Reach> {
        let mut reach: HashMap<DeclId, Reach> = HashMap::new();
        let mut queue: VecDeque<DeclId> = VecDeque::new();
        for (f, facts) in self.files.iter().enumerate() {
            for (i, func) in facts.fns.iter().enumerate() {
                let fid = FnId { file: f as u32, func: i as u32 };
                let mut paths = Vec::new();
                if let Some(ret) = &func.ret {
                    self.response_paths(ret, f as u32, &mut paths);
                }
                let returned = paths.into_iter().map(|(wrapper, p, file)| (wrapper, p, file, None));
                let sent = func.sent.iter().flat_map(|s| {
                    let mut nodes = Vec::new();
                    s.ty.for_each_path(&mut |p| nodes.push((s.how.clone(), p, f as u32, Some(s.span))));
                    nodes
                });
                // What a called helper returns (`Result<T, E>` sends `T`); a call the project
                // does not declare, qualified by a type (a library's `UserView::build(..)`),
                // returns that type.
                let helpers = func.sent_calls.iter().map(|call| {
                    let mut nodes = Vec::new();
                    match self.callee(call, func, f as u32) {
                        Some(callee) => self.returned_paths(callee, &mut |p, file| {
                            nodes.push((call.how.clone(), p, file, Some(call.span), Some(callee)));
                        }),
                        None => {
                            if let Some(ty) = &call.qualifier_ty {
                                ty.for_each_path(&mut |p| {
                                    nodes.push((call.how.clone(), p, f as u32, Some(call.span), None));
                                });
                            }
                        }
                    }
                    nodes
                });
                let direct = returned.chain(sent).map(|(wrapper, p, file, sent)| (wrapper, p, file, sent, None));
                for (wrapper, p, file, sent, returned_by) in direct.chain(helpers.flatten()) {
                    if let Some(id) = self.lookup(p, file)
                        && !reach.contains_key(&id)
                    {
                        reach.insert(
                            id,
                            Reach { root: Root::Handler { func: fid, wrapper, sent, returned_by }, via: None },
                        );
                        queue.push_back(id);
                    }
                }
            }
        }
        for (f, facts) in self.files.iter().enumerate() {
            for (d, decl) in facts.types.iter().enumerate() {
                let id = DeclId { file: f as u32, decl: d as u32 };
                // A schema that only a document publishes (utoipa's `ToSchema`) is on the
                // surface where a document names it.
                let schema = schema_derives(decl).find(|d| {
                    !crate::frameworks::documented_schemas().contains(&d.name.as_str())
                        || self.documented.contains(decl.name.as_str())
                });
                if let Some(derive) = schema
                    && !reach.contains_key(&id)
                {
                    reach.insert(id, Reach { root: Root::Schema { derive: derive.name.clone() }, via: None });
                    queue.push_back(id);
                }
            }
        }
        let mut pages: Vec<&DeclId> = self.pages.keys().collect();
        pages.sort_unstable();
        for &id in pages {
            if reach.contains_key(&id) {
                continue;
            }
            let site = self.page_sites.get(&id);
            let template = match (&self.decl(id).template, site) {
                (Some(crate::facts::TemplateRef::Path(path)), _) => format!("`{path}`"),
                (Some(crate::facts::TemplateRef::Inline(_)), _) => "an inline template".to_owned(),
                (None, Some((.., templates))) if !templates.is_empty() => {
                    templates.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                }
                (None, _) => "a template".to_owned(),
            };
            let put = site.map(|(func, span, how, _)| (*func, *span, how.clone()));
            reach.insert(id, Reach { root: Root::Page { page: id, template, put }, via: None });
            queue.push_back(id);
        }
        while let Some(id) = queue.pop_front() {
            let decl = self.decl(id);
            let root = reach[&id].root.clone();
            let mut next = |ty: &TypeRef, field: u32, reach: &mut HashMap<DeclId, Reach>| {
                ty.for_each_path(&mut |p| {
                    if let Some(child) = self.lookup(p, id.file)
                        && !reach.contains_key(&child)
                    {
                        reach.insert(child, Reach { root: root.clone(), via: Some((id, field)) });
                        queue.push_back(child);
                    }
                });
            };
            if decl.kind == DeclKind::Alias {
                if let Some(target) = &decl.alias_of {
                    next(target, u32::MAX, &mut reach);
                }
                continue;
            }
            // A page shows what its template names, serializable or not: its fields, and the
            // fields of the values they hold, that the template uses.
            if let Root::Page { .. } = &root {
                // Every template that shows the type says which of its fields are printed.
                for (i, field) in printed_fields(decl, self.shown_words(id).unwrap_or_default()) {
                    next(&field.ty, i as u32, &mut reach);
                }
                continue;
            }
            if !is_serializable(decl) {
                continue;
            }
            for (i, field) in decl.fields.iter().enumerate() {
                if !field.hidden {
                    next(&field.ty, i as u32, &mut reach);
                }
            }
            if let Some(into) = &decl.serde_into {
                next(into, u32::MAX, &mut reach);
            }
        }
        reach
    }
}

/// What an impl binds a path of a trait method's return type to: `Self::Item` to the impl's
/// `type Item = ..`, the trait's generic parameter `T` to the impl's argument for it.
fn bound_type<'a>(sig: &crate::facts::FnSig, imp: &'a crate::facts::TraitImpl, p: &TypeRef) -> Option<&'a TypeRef> {
    let TypeRef::Path { segments, .. } = p else { return None };
    if sig.trait_name.as_deref() != Some(imp.trait_name.as_str()) {
        return None;
    }
    match segments.as_slice() {
        [this, name] if this == "Self" => imp.assoc.iter().find(|(n, _)| n == name).map(|(_, ty)| ty),
        [name] => sig.trait_generics.iter().position(|g| g == name).and_then(|i| imp.trait_args.get(i)),
        _ => None,
    }
}

/// Whether a path qualifier names a component of a declaration's file path or module,
/// `_` and `-` alike (a file `name.rs` as the qualifier is written with `-` for `_`).
fn qualifies(path: &str, module: &str, q: &str) -> bool {
    path.split('/').any(|c| dash_equal(c, q) || c.strip_suffix(".rs").is_some_and(|c| dashed_equal(c, q)))
        || module.split("::").any(|m| dash_equal(m, q))
}

fn shared_prefix(a: &str, b: &str) -> usize {
    a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y).count()
}
