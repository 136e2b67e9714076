//! `sequential-id-in-request`: a handler accepts a user serial from the client.

use idguard_core::facts::item_path;
use idguard_core::facts::{Check, FieldDecl, FnDecl, Param, ParamSource, Span, TypeRef, TypedSegment};
use idguard_core::index::{DeclId, FnId, Index, Route};
use idguard_core::subject::{self, KeyName, Subject, SubjectClass, singular};
use idguard_core::{Context, Diagnostic, Label, Location, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "sequential-id-in-request",
    default_severity: Severity::Error,
    summary: "a handler accepts a sequential user serial (or personal-entity key) from the client",
    security_severity: Some("8.1"),
    doc: DOC,
    stands_with: &["sequential-id-in-response"],
    check,
};

const DOC: &str = r#"
## What it does
Finds handlers that take an integer user key from the client: a path segment
(`/users/{id}` with axum `Path<i64>`, actix-web `web::Path<i64>`, Rocket `<id>`, poem and
poem-openapi `Path<i64>`, salvo `PathParam<i64>`, warp `path!("users" / u64)`), a query
string or form/JSON body field (`Query<Params>` whose `user_id: i64`), a GraphQL resolver
argument (async-graphql `#[Object]`, juniper `#[graphql_object]`), a tonic request message
field, or a utoipa `params(("id" = i64, Path))` declaration. Routes are found from route
attributes and router registrations (`.route("/users/{id}", get(get_user))`,
`web::resource(..)`, `.nest("/api", ..)`, Rocket `mount`), so the message names the route
and a label points at the registration.

A key is an integer (through aliases, newtypes and transparent wrappers, across files)
whose name says whose it is (`user_id`, `member_no`), or a bare `id` whose subject comes
from the route segment before it (`/users/{id}`), the handler's name (`get_user`) or the
resolver's type. Severity: error for user keys, warning for personal entities, note for
other content. Authorization evidence in the handler body lowers it: comparing the
requested ID with the authenticated subject (`if claims.sub != user_id`) makes it a note; an
ownership check or a query scoped by the caller (`.filter(owner_id.eq(me.id))`) makes it a
warning. The authenticated subject is decided by where a value comes from: a parameter typed
as claims, a session or an authenticated user (`claim: Claims`, `user: AuthUser`), whatever it
is named, or a value named so (`claims.sub`, `me.id`). An authentication extractor alone
changes nothing.

## Why is this bad?
A sequential key in a request is an invitation to enumerate: change `/users/4817` to
`/users/4818` and, unless every handler checks that the caller may see that object, you
read someone else's data (broken object-level authorization, OWASP API1). Even with the
check, the key confirms which accounts exist and how many there are, and it is the same
global join key the KakaoTalk open-chat leak used to de-anonymise 65,000 people.

## Example
```rust
#[derive(Deserialize)]
pub struct ProfileQuery {
    pub member_id: i64,
}

pub async fn get_user(Path(id): Path<i64>) -> Json<UserView> {
    todo!()
}

pub async fn profile(Query(q): Query<ProfileQuery>) -> Json<ProfileView> {
    todo!()
}

pub fn app() -> Router {
    Router::new().route("/users/{id}", get(get_user)).route("/profile", get(profile))
}
```

## Use instead
```rust
pub async fn get_user(Path(public_id): Path<Uuid>) -> Json<UserView> {
    todo!() // look the user up by a random public ID
}

pub async fn me(claims: Claims) -> Json<ProfileView> {
    todo!() // take the subject from the session, not from the client
}

pub fn app() -> Router {
    Router::new().route("/users/{public_id}", get(get_user)).route("/me", get(me))
}
```

## Known limitations
- Handlers are recognised by their parameters (extractor types by name), route attributes,
  resolver `impl` attributes and router registrations written in code; routes built by
  macros or from configuration are not seen, and a prefix is applied only where the nested
  router is a call to a named function or written inline.
- Request types are followed by name through the index; a parameter typed by a generic or
  an associated type is not.
- `req.match_info()` / `req.param::<i64>(..)` lookups inside bodies, and `.proto` files,
  are not read yet.
- Authorization evidence is read from comparisons and `.filter(..)` calls in the handler
  itself, by the names they mention; a check in a called helper or middleware is not seen
  (suppress with a reason).

## References
- CWE-639: Authorization Bypass Through User-Controlled Key
- CWE-340: Generation of Predictable Numbers or Identifiers
- OWASP API1:2023 Broken Object Level Authorization
- PIPC decision on Kakao (May 2024)
"#;

const HELP: &str = "look objects up by an unguessable public ID (UUIDv4 or a 128-bit token), take the subject from the session (`/me`), and check the caller may act on the object";

/// Name tokens of values that come from authentication.
const AUTH_TOKENS: &[&str] = &[
    "claims",
    "auth",
    "authed",
    "authenticated",
    "session",
    "current",
    "me",
    "identity",
    "principal",
    "viewer",
    "caller",
    "requester",
    "jwt",
    "login",
    "logged",
    "subject",
];

/// Names of record fields that say who owns a record.
const OWNER_TOKENS: &[&str] = &["owner", "author", "creator", "user", "member", "account", "uid", "sub"];

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let facts = &index.files()[file as usize];
    let mut out = Vec::new();
    for (i, func) in facts.fns.iter().enumerate() {
        let id = FnId { file, func: i as u32 };
        let routes = index.routes(id);
        let evidence = Evidence::of(func);
        for param in func.params.iter().chain(&index.extractor_params(id)) {
            out.extend(param_findings(ctx, id, func, param, routes, &evidence));
        }
        // utoipa `params(..)` declarations stand for path parameters the signature hides.
        if !func.params.iter().any(|p| p.source == ParamSource::Path) {
            for attr in &func.routes {
                for (name, ty) in &attr.declared {
                    let span = match ty {
                        TypeRef::Path { span, .. } => *span,
                        _ => attr.span,
                    };
                    let site = Site { name, ty, span, file, position: 0, source: ParamSource::Path, renamable: false };
                    out.extend(scalar_finding(ctx, id, func, &site, routes, &evidence));
                }
            }
        }
    }
    for segment in &facts.segments {
        out.extend(segment_finding(ctx, file, segment));
    }
    out
}

/// A value the client sends: its name, type and where it is written.
struct Site<'a> {
    name: &'a str,
    ty: &'a TypeRef,
    span: Span,
    file: u32,
    position: usize,
    source: ParamSource,
    /// Whether a generic name (`path`, `p`) may take the route's parameter name instead
    /// (not for values read by name: `match_info().get("size")`).
    renamable: bool,
}

fn param_findings(
    ctx: &Context<'_>,
    id: FnId,
    func: &FnDecl,
    param: &Param,
    routes: &[Route],
    evidence: &Evidence,
) -> Vec<Diagnostic> {
    let index = ctx.index;
    let mut out = Vec::new();
    // `Path<(i64, i64)>` bound as `Path((a, b))`: one site per element.
    let elements: Vec<&TypeRef> = match &param.ty {
        TypeRef::Tuple(items) => items.iter().collect(),
        ty => vec![ty],
    };
    let tuple = elements.len() > 1 || matches!(param.ty, TypeRef::Tuple(_));
    let count = elements.len();
    for (position, ty) in elements.into_iter().enumerate() {
        // `Path((a, b))` names each element; `path: Path<(A, B)>` names none of them.
        let binding = match tuple {
            true if param.bindings.len() == count => param.bindings.get(position),
            true => None,
            false => param.bindings.last(),
        };
        let fallback = if tuple { String::new() } else { String::from("_") };
        let name = binding.map_or(fallback.as_str(), |b| b.name.as_str());
        // Without a destructured name, a tuple element is pointed at by its type.
        let element_span = match ty {
            TypeRef::Path { span, .. } if tuple => *span,
            _ => param.span,
        };
        let span = binding.map_or(element_span, |b| b.span);
        let renamable = !param.extractor.ends_with("(..)");
        let site = Site { name, ty, span, file: id.file, position, source: param.source, renamable };
        if index.serial_of(ty, id.file).is_some() {
            out.extend(scalar_finding(ctx, id, func, &site, routes, evidence));
        } else if let Some(decl) = index.lookup(ty, id.file) {
            out.extend(struct_findings(ctx, id, func, param, decl, routes, evidence));
        }
    }
    out
}

/// A scalar parameter: `Path(id): Path<i64>`, `user_id: i32` (Rocket), a resolver argument.
fn scalar_finding(
    ctx: &Context<'_>,
    id: FnId,
    func: &FnDecl,
    site: &Site<'_>,
    routes: &[Route],
    evidence: &Evidence,
) -> Option<Diagnostic> {
    let index = ctx.index;
    let serial = index.serial_of(site.ty, id.file)?;
    // A generic binding (`path: web::Path<i64>`, `p`) takes its name from the route.
    let route_name = if site.source == ParamSource::Path && site.renamable {
        routes.iter().find_map(|r| r.params().get(site.position).cloned())
    } else {
        None
    };
    let name = match (subject::key_name(site.name, ctx.vocab), &route_name) {
        (None, Some(route_name)) => route_name.as_str(),
        _ => site.name,
    };
    // An abbreviation (`Path(mid): Path<u32>`) is a bare key: its context names whose.
    let key = subject::key_name(name, ctx.vocab).or_else(|| subject::is_abbreviated_key(name).then_some(KeyName::Bare));
    let subject = match key? {
        KeyName::Own(subject) => subject,
        KeyName::Bare => context_subject(ctx, func, name, routes),
    };
    let severity = evidence.severity(subject.class, &[name, site.name]);
    let message = accepts(func, routes, &format!("{name}: {}", site.ty.display()), subject.class, site.source);
    let mut labels = route_labels(index, id, func, routes);
    labels.extend(crate::common::hop_labels(index, &serial));
    labels.extend(evidence.labels(index.path(id.file), &[name, site.name]));
    labels.extend(crate::common::table_label(index, &subject.token));
    let symbol = item_path(&[&crate::common::fn_path(func), name]);
    Some(diagnostic(
        index,
        site.file,
        site.span,
        severity,
        message,
        crate::common::serial_label(index, &serial),
        labels,
        &symbol,
        &subject,
    ))
}

/// How deep a request body's nested records are followed (`RequestParam<Post, PostFilter>`
/// holds `filter: Option<PostFilter>`, whose fields the client sends too).
const MAX_NESTING: usize = 4;

/// A request type (`Query<Params>`, `Json<Body>`, a tonic message): every serial field the
/// client sends, in the type itself and in the records it holds (through `Option`, `Vec`
/// and the like), with generic parameters bound to what the handler's type names
/// (`RequestParam<Post, PostFilter>`).
fn struct_findings(
    ctx: &Context<'_>,
    id: FnId,
    func: &FnDecl,
    param: &Param,
    decl_id: DeclId,
    routes: &[Route],
    evidence: &Evidence,
) -> Vec<Diagnostic> {
    let index = ctx.index;
    let mut out = Vec::new();
    // The body's type as the handler writes it, for its generic arguments.
    let written = match &param.ty {
        TypeRef::Tuple(_) => None,
        ty => Some(ty),
    };
    let binds = written.map(|ty| generic_binds(index.decl(decl_id), ty, id.file)).unwrap_or_default();
    let body = Body { ctx, id, func, param, routes, evidence };
    let mut seen = vec![decl_id];
    body.walk(decl_id, &binds, &mut Vec::new(), &mut seen, &mut out);
    out
}

/// A record's generic parameters bound to the arguments of `ty` (written in `file`).
fn generic_binds<'a>(
    decl: &idguard_core::facts::TypeDecl,
    ty: &'a TypeRef,
    file: u32,
) -> Vec<(String, &'a TypeRef, u32)> {
    let TypeRef::Path { args, .. } = ty else { return Vec::new() };
    decl.generics.iter().zip(args).map(|(p, a)| (p.clone(), a, file)).collect()
}

/// Types a body holds as one value, not as a record of fields the client sends: text,
/// numbers, times, UUIDs, JSON values, URLs. They are not looked up (a library's own
/// `struct Uuid` is no request record).
fn is_leaf(ty: &TypeRef) -> bool {
    let Some(name) = ty.name() else { return true };
    matches!(
        name,
        "String"
            | "str"
            | "bool"
            | "char"
            | "f32"
            | "f64"
            | "Uuid"
            | "Ulid"
            | "DateTime"
            | "NaiveDateTime"
            | "NaiveDate"
            | "NaiveTime"
            | "Date"
            | "Time"
            | "OffsetDateTime"
            | "PrimitiveDateTime"
            | "Timestamp"
            | "Duration"
            | "Decimal"
            | "BigDecimal"
            | "Value"
            | "Url"
            | "IpAddr"
            | "PathBuf"
            | "Bytes"
            | "SecretString"
            | "Cow"
            | "HashMap"
            | "BTreeMap"
            | "IndexMap"
            | "Regex"
    )
}

/// `ty` with transparent containers peeled (`Option<Vec<T>>` is `T`).
fn peeled(ty: &TypeRef) -> &TypeRef {
    let mut ty = ty;
    loop {
        match ty {
            TypeRef::Path { segments, args, .. }
                if args.len() == 1
                    && segments.last().is_some_and(|n| {
                        matches!(
                            n.as_str(),
                            "Option" | "Vec" | "Box" | "Arc" | "Rc" | "HashSet" | "BTreeSet" | "VecDeque"
                        )
                    }) =>
            {
                ty = &args[0];
            }
            TypeRef::Ref(inner) | TypeRef::Slice(inner) | TypeRef::Array(inner) => ty = inner,
            _ => return ty,
        }
    }
}

/// One request body being walked.
struct Body<'c, 'a> {
    ctx: &'c Context<'a>,
    id: FnId,
    func: &'c FnDecl,
    param: &'c Param,
    routes: &'c [Route],
    evidence: &'c Evidence<'c>,
}

impl Body<'_, '_> {
    fn walk(
        &self,
        decl_id: DeclId,
        binds: &[(String, &TypeRef, u32)],
        via: &mut Vec<Label>,
        seen: &mut Vec<DeclId>,
        out: &mut Vec<Diagnostic>,
    ) {
        let (ctx, id, func, param, routes) = (self.ctx, self.id, self.func, self.param, self.routes);
        let index = ctx.index;
        let decl = index.decl(decl_id);
        // Only a record deserialized from the request carries the client's values into the
        // records it holds (an extractor's own type, `Uri` or `HeaderMap`, does not).
        let deserialized = idguard_core::surface::is_request_type(decl);
        for field in decl.fields.iter().filter(|f| f.variant.is_none()) {
            let Some(name) = field.name.as_deref() else { continue };
            // A field typed by a generic parameter (`filter: Option<F>`) holds what the
            // handler's type binds it to.
            let (ty, file) = match peeled(&field.ty) {
                TypeRef::Path { segments, args, .. } if segments.len() == 1 && args.is_empty() => {
                    match binds.iter().find(|(p, ..)| *p == segments[0]) {
                        Some(&(_, bound, at)) => (bound, at),
                        None => (&field.ty, decl_id.file),
                    }
                }
                _ => (&field.ty, decl_id.file),
            };
            let Some(serial) = index.serial_of(ty, file) else {
                // A record the body holds: its fields are sent too.
                if via.len() < MAX_NESTING
                    && deserialized
                    && !is_leaf(peeled(ty))
                    && let Some(inner) = index.lookup(peeled(ty), file)
                    && !seen.contains(&inner)
                {
                    let inner_binds = generic_binds(index.decl(inner), peeled(ty), file);
                    seen.push(inner);
                    via.push(Label {
                        location: Location::new(index.path(decl_id.file), field.span),
                        message: format!("`{}.{name}` holds `{}`", decl.name, index.decl(inner).name),
                    });
                    self.walk(inner, &inner_binds, via, seen, out);
                    via.pop();
                }
                continue;
            };
            let subject = match subject::field_key_name(name, ctx.vocab) {
                Some(KeyName::Own(subject)) => subject,
                Some(KeyName::Bare) => {
                    let by_type = subject::container_subject(&decl.name, ctx.vocab);
                    if by_type.class == SubjectClass::Content {
                        context_subject(ctx, func, name, routes)
                    } else {
                        by_type
                    }
                }
                None => match subject::list_subject(name, subject::is_list_type(&field.ty), ctx.vocab) {
                    Some(subject) => subject,
                    // `to_account: i32`: a person named alone, typed as a plain integer.
                    None => match subject::person_reference(name)
                        .filter(|_| serial.hops.is_empty() && !matches!(serial.primitive.as_str(), "u8" | "i8"))
                    {
                        Some(subject) => subject,
                        None => continue,
                    },
                },
            };
            let severity = self.evidence.severity(subject.class, &[name]);
            let member = format!("{}.{name}", decl.name);
            let message =
                accepts(func, routes, &format!("{member}: {}", field.ty.display()), subject.class, param.source);
            let outer = seen.first().map_or(decl_id, |d| *d);
            let mut labels = vec![Label {
                location: Location::new(index.path(id.file), param.span),
                message: format!("`{}` takes `{}` from {}", func.name, index.decl(outer).name, param.source.noun()),
            }];
            labels.extend(via.iter().cloned());
            labels.extend(route_labels(index, id, func, routes));
            labels.extend(crate::common::hop_labels(index, &serial));
            labels.extend(self.evidence.labels(index.path(id.file), &[name]));
            labels.extend(crate::common::table_label(index, &subject.token));
            let symbol = item_path(&[&decl.module, &member]);
            out.push(diagnostic(
                index,
                decl_id.file,
                field_span(field),
                severity,
                message,
                crate::common::serial_label(index, &serial),
                labels,
                &symbol,
                &subject,
            ));
        }
    }
}

/// A typed segment of a warp `path!`: `path!("users" / u64)`.
fn segment_finding(ctx: &Context<'_>, file: u32, segment: &TypedSegment) -> Option<Diagnostic> {
    let index = ctx.index;
    let serial = index.serial_of(&segment.ty, file)?;
    let subject = subject::container_subject(&singular(&segment.before), ctx.vocab);
    let severity = class_severity(subject.class);
    let message = format!(
        "`{}` accepts `{}`, a {} serial, from a path segment",
        segment.route,
        segment.ty.display(),
        noun(subject.class)
    );
    let module = idguard_core::lower::module_of_path(index.path(file));
    let symbol = format!("{}::{}", item_path(&[&module, &segment.scope]), segment.route);
    let labels = crate::common::hop_labels(index, &serial);
    Some(diagnostic(
        index,
        file,
        segment.span,
        severity,
        message,
        crate::common::serial_label(index, &serial),
        labels,
        &symbol,
        &subject,
    ))
}

fn field_span(field: &FieldDecl) -> Span {
    field.span
}

/// The subject of a bare `id`: the route segment before it, the handler's name, its
/// `Self` type (resolvers), the type it returns.
fn context_subject(ctx: &Context<'_>, func: &FnDecl, name: &str, routes: &[Route]) -> Subject {
    for route in routes {
        if let Some(segment) = route.segment_before(name) {
            let s = subject::container_subject(&singular(segment), ctx.vocab);
            if s.class != SubjectClass::Content {
                return s;
            }
        }
    }
    let by_name = subject::strongest(&func.name, ctx.vocab);
    if by_name.class != SubjectClass::Content {
        return by_name;
    }
    if let Some(self_ty) = &func.self_ty {
        let s = subject::container_subject(self_ty, ctx.vocab);
        if s.class != SubjectClass::Content {
            return s;
        }
    }
    if let Some(ret) = &func.ret {
        let mut found = None;
        ret.for_each_path(&mut |p| {
            // The type's name, then its module (`account::Model`, sea-orm's convention).
            if found.is_none()
                && let TypeRef::Path { segments, .. } = p
            {
                found = segments
                    .iter()
                    .rev()
                    .take(2)
                    .map(|n| subject::container_subject(n, ctx.vocab))
                    .find(|s| s.class != SubjectClass::Content);
            }
        });
        if let Some(s) = found {
            return s;
        }
    }
    Subject { class: SubjectClass::Content, token: func.name.clone() }
}

/// "`GET /users/{id}` accepts `id: i64`, a user serial, from a path segment" (the handler's
/// name where no route is known).
fn accepts(func: &FnDecl, routes: &[Route], what: &str, class: SubjectClass, source: ParamSource) -> String {
    let entry = routes.first().map_or_else(|| func.name.clone(), |r| format!("{} {}", r.method, r.path));
    format!("`{entry}` accepts `{what}`, a {} serial, from {}", noun(class), source.noun())
}

fn noun(class: SubjectClass) -> &'static str {
    match class {
        SubjectClass::User => "user",
        SubjectClass::Entity => "personal-entity",
        SubjectClass::Content => "sequential",
    }
}

fn class_severity(class: SubjectClass) -> Severity {
    match class {
        SubjectClass::User => Severity::Error,
        SubjectClass::Entity => Severity::Warning,
        SubjectClass::Content => Severity::Note,
    }
}

/// The route registrations (or attributes) and the handler itself.
fn route_labels(index: &Index<'_>, id: FnId, func: &FnDecl, routes: &[Route]) -> Vec<Label> {
    let mut labels: Vec<Label> = routes
        .iter()
        .take(3)
        .map(|r| Label {
            location: Location::new(index.path(r.file), r.span),
            message: format!("`{} {}` is routed to `{}` here", r.method, r.path, func.name),
        })
        .collect();
    labels.push(Label {
        location: Location::new(index.path(id.file), func.span),
        message: format!("`{}` handles the request", func.name),
    });
    labels
}

#[allow(clippy::too_many_arguments)]
fn diagnostic(
    index: &Index<'_>,
    file: u32,
    span: Span,
    severity: Severity,
    message: String,
    primary_label: String,
    labels: Vec<Label>,
    symbol: &str,
    subject: &Subject,
) -> Diagnostic {
    let finding = crate::common::Finding {
        rule: RULE.name,
        path: index.path(file),
        span,
        symbol: symbol.to_owned(),
        subject: subject.class,
        severity,
        message,
        primary_label,
        labels,
        help: HELP.to_owned(),
    };
    finding.diagnostic()
}

/// Authorization evidence in a handler body.
struct Evidence<'a> {
    checks: Vec<&'a Check>,
    /// The parameters bound to authenticated values.
    authenticated: Vec<&'a str>,
}

impl<'a> Evidence<'a> {
    fn of(func: &'a FnDecl) -> Self {
        // Values from an authentication extractor, whatever they are bound to: a parameter
        // whose type names authentication or a user (`claim: Claims`, `user: AuthUser`,
        // `Extension(me): Extension<CurrentUser>`); a handler takes a user record only from
        // the request's credentials.
        let authenticated = func
            .inputs
            .iter()
            .filter(|(_, ty)| {
                // Through `Option`, request extensions and pointers; not a request body or
                // app state (`Json<User>` is the client's, `Data<UserService>` the server's).
                let mut ty = ty;
                loop {
                    match ty {
                        TypeRef::Ref(inner) => ty = inner,
                        TypeRef::Path { segments, args, .. }
                            if matches!(
                                segments.last().map(String::as_str),
                                Some("Option" | "Extension" | "ReqData" | "Arc" | "Box")
                            ) && args.len() == 1 =>
                        {
                            ty = &args[0];
                        }
                        _ => break,
                    }
                }
                ty.name().is_some_and(|n| {
                    !idguard_core::frameworks::extractors().iter().any(|(e, _)| *e == n)
                        && !matches!(n, "Data" | "State")
                        && subject::tokens(n)
                            .iter()
                            .any(|t| AUTH_TOKENS.contains(&t.as_str()) || matches!(t.as_str(), "claim" | "user"))
                })
            })
            .map(|(name, _)| name.as_str())
            .collect();
        Evidence { checks: func.checks.iter().collect(), authenticated }
    }

    /// Whether a side of a check is the authenticated subject: a value from an
    /// authentication extractor (see [`Evidence::of`]) or named as one (`claims.sub`).
    fn is_auth(&self, idents: &[String]) -> bool {
        idents.first().is_some_and(|root| self.authenticated.contains(&root.as_str())) || is_auth(idents)
    }

    /// The comparison of one of `names` with the authenticated subject, if any.
    fn equality(&self, names: &[&str]) -> Option<&'a Check> {
        self.checks.iter().copied().find(|c| {
            !c.filter
                && ((mentions(&c.left, names) && self.is_auth(&c.right))
                    || (mentions(&c.right, names) && self.is_auth(&c.left)))
        })
    }

    /// An ownership check or a caller-scoped query, if any.
    fn ownership(&self) -> Option<&'a Check> {
        self.checks.iter().copied().find(|c| {
            if c.filter {
                self.is_auth(&c.left)
            } else {
                (self.is_auth(&c.left) && is_owner(&c.right)) || (self.is_auth(&c.right) && is_owner(&c.left))
            }
        })
    }

    fn severity(&self, class: SubjectClass, names: &[&str]) -> Severity {
        let base = class_severity(class);
        if self.equality(names).is_some() {
            Severity::Note
        } else if self.ownership().is_some() {
            // The catalog: an ownership check makes it a warning (a personal entity's key
            // stays one: the check may still be missing elsewhere).
            base.min(Severity::Warning)
        } else {
            base
        }
    }

    fn labels(&self, path: &str, names: &[&str]) -> Vec<Label> {
        if let Some(c) = self.equality(names) {
            return vec![Label {
                location: Location::new(path, c.span),
                message: "compared with the authenticated subject: severity lowered to note".to_owned(),
            }];
        }
        if let Some(c) = self.ownership() {
            return vec![Label {
                location: Location::new(path, c.span),
                message: "an ownership check or caller-scoped query: a warning at most".to_owned(),
            }];
        }
        Vec::new()
    }
}

fn mentions(idents: &[String], names: &[&str]) -> bool {
    idents.iter().any(|i| names.contains(&i.as_str()))
}

fn is_auth(idents: &[String]) -> bool {
    idents.iter().any(|i| subject::tokens(i).iter().any(|t| AUTH_TOKENS.contains(&t.as_str())))
}

fn is_owner(idents: &[String]) -> bool {
    idents.iter().any(|i| subject::tokens(i).iter().any(|t| OWNER_TOKENS.contains(&t.as_str())))
}
