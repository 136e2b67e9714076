//! `sequential-id-in-response`: a user serial serialized to clients.

use idguard_core::facts::item_path;
use idguard_core::facts::{FieldDecl, FnDecl, FnKind, SentValue, TypeDecl};
use idguard_core::index::{DeclId, Index, Reach, Root, Serial};
use idguard_core::subject::{self, KeyName, Subject, SubjectClass};
use idguard_core::surface::is_serializable;
use idguard_core::{Context, Diagnostic, Label, Location, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "sequential-id-in-response",
    default_severity: Severity::Error,
    summary: "a sequential user serial (or personal-entity key) is serialized to clients",
    security_severity: Some("7.5"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r#"
## What it does
Finds integer keys of users (and of personal entities such as chat rooms, orders or
messages) in types that are serialized to clients: fields of types that derive `Serialize`,
async-graphql `SimpleObject`, juniper `GraphQLObject`, `prost::Message`, utoipa `ToSchema` (on
the surface where an OpenAPI document publishes it: `#[openapi(components(schemas(..)))]`, or
an operation's `#[utoipa::path(..)]` that uses it) or poem-openapi `Object`. A key is an integer (through `Option`, `Vec`, maps, references, type
aliases, tuple newtypes and `#[serde(transparent)]` wrappers, across files) whose name says
whose it is: `user_id`, `member_no`, `author_id`, `created_by`, or a bare `id` inside
`UserView`. The primary span is the field; the labels show the chain from the handler that
returns the type (`Json<T>` and friends), sends it, or sends what a helper it calls returns
(`let account = repo::fetch_account(..).await?; HttpResponse::Ok().json(account)`: the
helper's declared return type, through `?`, `.await`, unwrapping and `web::block` closures;
a trait's method called through an implementing type, with the impl's `type Item = ..`), or
pushes it to connected clients (`serde_json::to_string(&x)` handed to a WebSocket send such
as `ctx.text(..)` or `Message::Text(..)`, an SSE `Event::data(..)`, or a method named for
sending such as `send_to_room(room, json)`), or the schema derive, through every type in
between.

Severity: error for user keys on a traced API surface, warning for personal entities there,
note for other content keys and for keys in serializable types that no surface reaches
(exposure must be proven: a storage row that derives `Serialize` is not a response until a
handler, a schema derive or another surface sends it).
A `serialize_with`/`with` function idguard cannot see lowers the severity one step.

## Why is this bad?
An auto-increment user serial is a global join key. Anyone who sees `"id": 4817` can guess
`4818`, count your users, and join your responses with any other table keyed by the same
serial. This is how 65,000 KakaoTalk open-chat participants were de-anonymised in 2024: the
"temporary" IDs shown in rooms mapped to the global member serial, which attackers had
already linked to phone numbers. The regulator fined Kakao 15.1 billion won.

## Example
```rust
#[derive(Serialize)]
pub struct MemberView {
    pub id: i64,
    pub nickname: String,
}

pub async fn get_member(Path(token): Path<Uuid>) -> Json<MemberView> {
    todo!()
}
```

## Use instead
```rust
#[derive(Serialize)]
pub struct MemberView {
    pub id: Uuid, // random public ID, stored in its own column
    pub nickname: String,
}

pub async fn get_member(Path(token): Path<Uuid>) -> Json<MemberView> {
    todo!()
}
```

## Known limitations
- Types are resolved by name, nearest definition first; macro-generated types and
  `impl Serialize` written by hand are not inspected.
- Bodies built in `impl IntoResponse` handlers (`Json(x)`, `HttpResponse::Ok().json(x)`,
  `warp::reply::json(&x)`, `serde_json::to_*`, `json!` entries, GraphQL `ID::from(x)`) are
  traced when the code says the value's type: a struct literal, a typed local or
  parameter, `T::new(..)`; values returned by other functions are not followed.
- A single-field newtype (`struct MemberId(i64)`) is reported where it is used as a field,
  not at its own declaration.

## References
- CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
- CWE-359: Exposure of Private Personal Information to an Unauthorized Actor
- OWASP API3:2023 Broken Object Property Level Authorization
- PIPC decision on Kakao (May 2024)
"#;

const HELP: &str = "expose a random public ID (UUIDv4 or a 128-bit token in its own column) and keep the serial internal; build response DTOs field by field";

/// Field-name tokens that mark contact data next to a key.
const CONTACT_TOKENS: &[&str] = &["email", "mail", "phone", "mobile", "tel", "name", "nickname", "address", "addr"];

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let mut out = Vec::new();
    for func in &index.files()[file as usize].fns {
        out.extend(resolver_finding(ctx, file, func));
        for value in &func.values {
            out.extend(value_finding(ctx, file, func, value));
        }
    }
    for (d, decl) in index.files()[file as usize].types.iter().enumerate() {
        let id = DeclId { file, decl: d as u32 };
        let reach = index.reach(id);
        // A type a server-rendered page shows (and no handler or schema sends): the fields a
        // template that shows it names are sent.
        let sent_otherwise = reach.is_some_and(|r| !matches!(r.root, Root::Page { .. }));
        if let Some(words) = index.shown_words(id).filter(|_| !sent_otherwise) {
            for (_, field) in idguard_core::index::printed_fields(decl, words) {
                let Some(serial) = index.serial_of(&field.ty, id.file) else { continue };
                let Some(subject) = key_subject(ctx, decl, field, &serial, reach.is_some()) else { continue };
                out.push(diagnostic(index, id, field, &serial, &subject, reach));
            }
            continue;
        }
        if !is_serializable(decl) || Index::is_wrapper(decl) {
            continue;
        }
        // A request type that no handler sends back (only a schema derive, or nothing,
        // puts it on a surface): `sequential-id-in-request` reports its keys.
        if index.is_requested(id) && !matches!(reach.map(|r| &r.root), Some(Root::Handler { .. })) {
            continue;
        }
        for field in decl.fields.iter().filter(|f| !f.hidden) {
            let Some(serial) = index.serial_of(&field.ty, id.file) else { continue };
            let Some(subject) = key_subject(ctx, decl, field, &serial, reach.is_some()) else { continue };
            out.push(diagnostic(index, id, field, &serial, &subject, reach));
        }
    }
    out
}

/// Whose key the field is, or `None` when its name is not a key name.
/// `reached`: a surface reaches the record (then a `uid` next to a `gid` is still a user's:
/// the surface decides, not the shape).
fn key_subject(
    ctx: &Context<'_>,
    decl: &TypeDecl,
    field: &FieldDecl,
    serial: &Serial,
    reached: bool,
) -> Option<Subject> {
    if let Some(name) = &field.name {
        if subject::is_never_flag(&subject::tokens(name)) {
            return None;
        }
        if matches!(name.as_str(), "uid" | "uids") && in_process_context(decl) && !reached {
            return None;
        }
        // `thread_id` next to `span_id`: a telemetry record's thread, not a chat thread.
        if in_telemetry_context(decl)
            && matches!(subject::key_name(name, ctx.vocab), Some(KeyName::Own(s)) if s.class != SubjectClass::User)
        {
            return None;
        }
        match subject::field_key_name(name, ctx.vocab) {
            // `resolver_id: PersonId`: a role the vocabulary does not know, typed by a key
            // newtype that names its subject.
            Some(KeyName::Own(subject)) if subject.class == SubjectClass::Content => {
                return Some(type_subject(ctx, serial).filter(|s| s.class != SubjectClass::Content).unwrap_or(subject));
            }
            Some(KeyName::Own(subject)) => return Some(subject),
            Some(KeyName::Bare) => return Some(container_subject(ctx, decl, field)),
            None => {}
        }
        if let Some(subject) = subject::list_subject(name, subject::is_list_type(&field.ty), ctx.vocab) {
            return Some(subject);
        }
        // `sender: i64`, `from_account: i32`: a person named alone, typed as a plain integer.
        if serial.hops.is_empty()
            && !matches!(serial.primitive.as_str(), "u8" | "i8")
            && let Some(subject) = subject::person_reference(name)
        {
            return Some(subject);
        }
        // An abbreviation (`mid` in `MessageView`) takes its subject from its record.
        if subject::is_abbreviated_key(name) {
            return Some(container_subject(ctx, decl, field));
        }
    } else if is_sole_field(decl, field) {
        // The one position of a tuple variant: the variant names whose key it is
        // (`Principal::User(i64)`). Positions of wider tuples (`PunchCard(u8, u8, u32)`)
        // are not keys.
        let container = container_subject(ctx, decl, field);
        if container.class != SubjectClass::Content {
            return Some(container);
        }
    }
    // The field's name says nothing, but its type does: `owner: MemberId`.
    type_subject(ctx, serial)
}

/// The subject the serial's first newtype or alias names (`PersonId` -> person).
fn type_subject(ctx: &Context<'_>, serial: &Serial) -> Option<Subject> {
    let hop = serial.hops.first()?;
    match subject::key_name(&ctx.index.decl(hop.decl).name, ctx.vocab)? {
        KeyName::Own(subject) => Some(subject),
        KeyName::Bare => None,
    }
}

/// A single value a handler sends: a `json!` entry or a GraphQL `ID::from(..)`.
fn value_finding(ctx: &Context<'_>, file: u32, func: &FnDecl, value: &SentValue) -> Option<Diagnostic> {
    let index = ctx.index;
    // What the value is: a typed local, or a field of a value whose type is known.
    let (serial, name, container) = match (&value.ty, &value.field) {
        (Some(ty), _) => (index.serial_of(ty, file)?, value.key.clone()?, None),
        (None, Some((base, field))) => {
            let decl_id = index.lookup(base, file)?;
            let decl = index.decl(decl_id);
            let f = decl.fields.iter().find(|f| f.name.as_deref() == Some(field.as_str()))?;
            let serial = index.serial_of(&f.ty, decl_id.file)?;
            (serial, value.key.clone().unwrap_or_else(|| field.clone()), Some(decl))
        }
        (None, None) => return None,
    };
    let subject = match subject::key_name(&name, ctx.vocab)? {
        KeyName::Own(subject) => subject,
        KeyName::Bare => {
            let by_container = container.map(|d| subject::container_subject(&d.name, ctx.vocab));
            match by_container {
                Some(s) if s.class != SubjectClass::Content => s,
                _ => subject::container_subject(&func.name, ctx.vocab),
            }
        }
    };
    let path = index.path(file);
    let severity = severity(subject.class, true);
    let key = match subject.class {
        SubjectClass::User => "user serial",
        SubjectClass::Entity => "personal-entity serial",
        SubjectClass::Content => "sequential key",
    };
    let what = match (&value.key, container) {
        (Some(k), _) => format!("`{k}`"),
        (None, Some(d)) => format!("`{}.{name}`", d.name),
        (None, None) => format!("`{name}`"),
    };
    let carrier = match value.how.as_str() {
        "json!" => "in a `json!` response body",
        "html!" => "in a server-rendered page (`html!`)",
        _ => "as a GraphQL `ID` (`ID::from`)",
    };
    let message = format!("{key} {what} is sent to clients {carrier} by `{}`", func.name);
    let mut labels = vec![Label {
        location: Location::new(path, func.span),
        message: format!("`{}` handles the request", func.name),
    }];
    labels.extend(crate::common::hop_labels(index, &serial));
    labels.extend(crate::common::table_label(index, &subject.token));
    let symbol = format!("{}::{}({name})", crate::common::fn_path(func), value.how.trim_end_matches('!'));
    let finding = crate::common::Finding {
        rule: RULE.name,
        path,
        span: value.span,
        symbol,
        subject: subject.class,
        severity,
        message,
        primary_label: crate::common::serial_label(index, &serial),
        labels,
        help: HELP.to_owned(),
    };
    Some(finding.diagnostic())
}

/// A GraphQL resolver that is a key field of its object: `async fn id(&self) -> i32` in an
/// `#[Object] impl MemberNode` sends the member's serial as the object's `id` field.
fn resolver_finding(ctx: &Context<'_>, file: u32, func: &FnDecl) -> Option<Diagnostic> {
    use idguard_core::facts::TypeRef;
    if func.kind != FnKind::Resolver {
        return None;
    }
    let index = ctx.index;
    // What the field resolves to, through `Result<T>` (`async_graphql::Result<i32>`).
    let mut ret = func.ret.as_ref()?;
    while let TypeRef::Path { segments, args, .. } = ret
        && segments.last().is_some_and(|s| matches!(s.as_str(), "Result" | "FieldResult"))
        && let Some(ok) = args.first()
    {
        ret = ok;
    }
    let serial = index.serial_of(ret, file)?;
    let object = func.self_ty.as_deref().unwrap_or_default();
    let subject = match subject::key_name(&func.name, ctx.vocab)? {
        KeyName::Own(subject) => subject,
        KeyName::Bare => subject::container_subject(object, ctx.vocab),
    };
    let key = match subject.class {
        SubjectClass::User => "user serial",
        SubjectClass::Entity => "personal-entity serial",
        SubjectClass::Content => "sequential key",
    };
    let member = format!("{object}.{}", func.name);
    let path = index.path(file);
    let mut labels = crate::common::hop_labels(index, &serial);
    labels.extend(crate::common::table_label(index, &subject.token));
    let finding = crate::common::Finding {
        rule: RULE.name,
        path,
        span: func.span,
        symbol: item_path(&[&func.module, &member]),
        subject: subject.class,
        severity: severity(subject.class, true),
        message: format!("{key} `{member}` is exposed as a GraphQL field (a resolver of `{object}`)"),
        primary_label: crate::common::serial_label(index, &serial),
        labels,
        help: HELP.to_owned(),
    };
    Some(finding.diagnostic())
}

/// Whether the field is the only one of its struct or enum variant.
fn is_sole_field(decl: &TypeDecl, field: &FieldDecl) -> bool {
    decl.fields.iter().filter(|f| f.variant == field.variant).count() == 1
}

/// The subject of the record a bare `id` belongs to: the enum variant, the type name
/// (without DTO suffixes), the ORM table name, or the module of an ORM `Model`.
fn container_subject(ctx: &Context<'_>, decl: &TypeDecl, field: &FieldDecl) -> Subject {
    if let Some(variant) = &field.variant {
        let s = subject::container_subject(variant, ctx.vocab);
        if s.class != SubjectClass::Content {
            return s;
        }
    }
    // The record of an action on a person (`AdminPurgePerson`, table `admin_purge_person`):
    // its `id` is the event's, not the person's.
    if std::iter::once(decl.name.as_str()).chain(decl.table_name.as_deref()).any(names_an_event) {
        return Subject { class: SubjectClass::Content, token: decl.name.clone() };
    }
    let by_name = subject::container_subject(&decl.name, ctx.vocab);
    if by_name.class != SubjectClass::Content {
        return by_name;
    }
    // `MemberActivity { id, username, avatar_url, .. }`: a record named for something of a
    // person's that describes the person carries the person's key.
    if let Some(token) = subject::user_modifier(&decl.name)
        && decl.fields.iter().any(|f| !f.hidden && f.name.as_deref().is_some_and(subject::describes_person))
    {
        return Subject { class: SubjectClass::User, token };
    }
    if let Some(table) = &decl.table_name {
        let s = subject::container_subject(table, ctx.vocab);
        if s.class != SubjectClass::Content {
            return s;
        }
    }
    if matches!(decl.name.as_str(), "Model" | "Entity" | "ActiveModel")
        && let Some(module) = decl.module.rsplit("::").next()
    {
        let s = subject::container_subject(module, ctx.vocab);
        if s.class != SubjectClass::Content {
            return s;
        }
    }
    by_name
}

/// Verbs that make a record the log of an action (`AdminPurgePerson`, `ModBanFromCommunity`).
const ACTIONS: &[&str] = &[
    "purge",
    "ban",
    "add",
    "remove",
    "lock",
    "feature",
    "hide",
    "transfer",
    "block",
    "follow",
    "mention",
    "like",
    "save",
    "report",
    "vote",
    "subscribe",
    "invite",
    "mute",
    "kick",
    "restore",
    "delete",
    "edit",
    "update",
];

/// Whether a record's name says it logs an action on its subject: an action verb before the
/// last word (`admin_purge_person`), not a kind of the subject (`private_message`).
fn names_an_event(name: &str) -> bool {
    let toks = subject::tokens(name);
    toks.len() >= 2 && toks[..toks.len() - 1].iter().any(|t| ACTIONS.contains(&t.as_str()))
}

/// A tracing or telemetry record: it carries span or trace identifiers.
fn in_telemetry_context(decl: &TypeDecl) -> bool {
    decl.fields.iter().any(|f| {
        f.name.as_deref().is_some_and(|n| matches!(n, "span_id" | "trace_id" | "parent_span_id" | "parent_id" | "span"))
    })
}

/// `uid` next to `gid`/`pid` is a process or file owner, not an account key.
fn in_process_context(decl: &TypeDecl) -> bool {
    decl.fields.iter().any(|f| {
        f.name.as_deref().is_some_and(|n| matches!(n, "gid" | "pid" | "euid" | "egid" | "mode" | "inode" | "ino"))
    })
}

/// Exposure must be proven (RULES.md): a key in a type that only derives a serialization
/// trait, which no handler, schema derive or other surface reaches, is a note (storage rows,
/// job payloads, actor messages and unused DTOs are not responses until something sends them).
fn severity(class: SubjectClass, reached: bool) -> Severity {
    match (class, reached) {
        (SubjectClass::User, true) => Severity::Error,
        (SubjectClass::Entity, true) => Severity::Warning,
        _ => Severity::Note,
    }
}

fn diagnostic(
    index: &Index<'_>,
    id: DeclId,
    field: &FieldDecl,
    serial: &Serial,
    subject: &Subject,
    reach: Option<&Reach>,
) -> Diagnostic {
    let decl = index.decl(id);
    let path = index.path(id.file);
    let member = match (&field.variant, &field.name) {
        (Some(v), Some(n)) => format!("{}::{v}.{n}", decl.name),
        (Some(v), None) => format!("{}::{v}.{}", decl.name, field.index),
        (None, Some(n)) => format!("{}.{n}", decl.name),
        (None, None) => format!("{}.{}", decl.name, field.index),
    };
    let symbol = item_path(&[&decl.module, &member]);
    let mut severity = severity(subject.class, reach.is_some());
    // A package that marks its API types (`TS`, `ToSchema`...) says this unmarked, unreached
    // type is not one of them: a storage row or internal value.
    if reach.is_none() && index.declares_api(id.file) {
        severity = Severity::Note;
    }
    if field.serialize_with.is_some() {
        severity = severity.lowered();
    }
    let key = match subject.class {
        SubjectClass::User => "user serial",
        SubjectClass::Entity => "personal-entity serial",
        SubjectClass::Content => "sequential key",
    };
    let contact = contact_fields(decl);
    let mut message = match reach {
        Some(Reach { root: Root::Page { .. }, .. }) => format!("{key} `{member}` is shown in a server-rendered page"),
        Some(Reach { root: Root::Handler { func, .. }, .. }) if index.func(*func).kind == FnKind::Push => {
            format!("{key} `{member}` is pushed to connected clients")
        }
        Some(_) => format!("{key} `{member}` is exposed in API responses"),
        None => format!("{key} `{member}` is serializable and can reach clients"),
    };
    if subject.class == SubjectClass::User && !contact.is_empty() {
        let names: Vec<String> =
            contact.iter().map(|f| format!("`{}`", f.name.as_deref().unwrap_or_default())).collect();
        message = format!("{message} next to contact data ({})", names.join(", "));
    }
    let primary_label = crate::common::serial_label(index, serial);
    let mut labels = crate::common::hop_labels(index, serial);
    if let Some(derive) = exposing_derive(decl) {
        labels.push(Label {
            location: Location::new(path, derive.span),
            message: format!("`{}` is serialized by `#[derive({})]`", decl.name, derive.path),
        });
    }
    if let Some(reach) = reach {
        labels.extend(crate::common::chain_labels(index, id, reach));
    }
    // The table's key is this field's key when the field names its subject (`person_id`),
    // or is the bare `id` of the subject's own record (`Person.id`, not `AdminPurgePerson.id`).
    let own_key = field.name.as_deref().is_some_and(|n| !matches!(n, "id" | "pk" | "ids"));
    let record = std::iter::once(decl.name.as_str()).chain(field.variant.as_deref());
    if own_key || record.into_iter().any(|name| subject::is_record_of(name, &subject.token)) {
        labels.extend(crate::common::table_label(index, &subject.token));
    }
    if subject.class == SubjectClass::User {
        for f in contact.iter().take(2) {
            labels.push(Label {
                location: Location::new(path, f.span),
                message: "contact data in the same record makes the key a ready join".to_owned(),
            });
        }
    }
    let mut help = HELP.to_owned();
    if let Some(with) = &field.serialize_with {
        help = format!("{help}; if `{with}` encrypts with a secret key, suppress this finding with a reason");
    }
    let finding = crate::common::Finding {
        rule: RULE.name,
        path,
        span: field.span,
        symbol,
        subject: subject.class,
        severity,
        message,
        primary_label,
        labels,
        help,
    };
    finding.diagnostic()
}

fn exposing_derive(decl: &TypeDecl) -> Option<&idguard_core::facts::Derive> {
    let all = || decl.derives.iter().chain(&decl.attr_macros);
    idguard_core::surface::schema_derives(decl).next().or_else(|| all().find(|d| d.name == "Serialize"))
}

fn contact_fields(decl: &TypeDecl) -> Vec<&FieldDecl> {
    decl.fields
        .iter()
        .filter(|f| !f.hidden)
        .filter(|f| {
            f.name.as_deref().is_some_and(|n| {
                let toks = subject::tokens(n);
                toks.iter().any(|t| CONTACT_TOKENS.contains(&t.as_str()))
                    && !toks.iter().any(|t| matches!(t.as_str(), "id" | "type" | "kind" | "count"))
            })
        })
        .collect()
}
