//! Pieces of diagnostics that several rules share: how a serial is described.

use idguard_core::facts::item_path;
use idguard_core::index::{Index, Serial};
use idguard_core::{Label, Location};

/// The primary label of a finding on a serial: its newtype or its integer.
pub fn serial_label(index: &Index<'_>, serial: &Serial) -> String {
    match serial.hops.first() {
        Some(hop) => format!("`{}` is a sequential `{}`", index.decl(hop.decl).name, serial.primitive),
        None => format!("a sequential `{}`: the next one is a guess away", serial.primitive),
    }
}

/// One label per alias, newtype or wrapper the serial passes through, outermost first.
pub fn hop_labels(index: &Index<'_>, serial: &Serial) -> Vec<Label> {
    serial
        .hops
        .iter()
        .map(|hop| {
            let decl = index.decl(hop.decl);
            Label {
                location: Location::new(index.path(hop.decl.file), decl.span),
                message: format!("`{}` is {} `{}`", decl.name, article(hop.how), serial.primitive),
            }
        })
        .collect()
}

fn article(how: &str) -> &'static str {
    match how {
        "alias" => "an alias of",
        "newtype" => "a newtype over",
        _ => "a transparent wrapper over",
    }
}

/// The persistence evidence for keys of a subject: a label at the first auto-increment
/// key of a table named for it (`members.id` for `member`).
pub fn table_label(index: &Index<'_>, token: &str) -> Option<Label> {
    let (file, key) = index.table_key(token)?;
    Some(Label {
        location: Location::new(index.path(file), key.span),
        message: format!("`{}.{}` is {}: keys are handed out in order", key.table, key.column, key.how),
    })
}

/// The item path of a function: module, `Self` type, name (`api::UserService::create`).
pub fn fn_path(func: &idguard_core::facts::FnDecl) -> String {
    item_path(&[&func.module, func.self_ty.as_deref().unwrap_or(""), &func.name])
}

/// A finding on a symbol, as the security rules report it: one place for the fingerprint
/// contract (`rule:path:symbol`, line-independent).
pub struct Finding<'a> {
    /// The rule's name.
    pub rule: &'static str,
    /// The file of the primary location.
    pub path: &'a str,
    /// The primary span.
    pub span: idguard_core::facts::Span,
    /// The item path of what is reported (`api::UserView.id`).
    pub symbol: String,
    /// Whose key it is.
    pub subject: idguard_core::subject::SubjectClass,
    /// The severity.
    pub severity: idguard_core::Severity,
    /// The message.
    pub message: String,
    /// The label of the primary span.
    pub primary_label: String,
    /// Secondary labels: the chain.
    pub labels: Vec<Label>,
    /// What to do instead.
    pub help: String,
}

impl Finding<'_> {
    /// The diagnostic.
    pub fn diagnostic(self) -> idguard_core::Diagnostic {
        idguard_core::Diagnostic {
            rule: self.rule,
            severity: self.severity,
            message: self.message,
            location: Location::new(self.path, self.span),
            primary_label: self.primary_label,
            labels: self.labels,
            help: self.help,
            fingerprint: format!("{}:{}:{}", self.rule, self.path, self.symbol),
            symbol: Some(self.symbol),
            subject: Some(self.subject),
        }
    }
}

/// A value the value model shows to be a key: its serial (when its type says so), whose key
/// it is, and, when it came through one helper's parameter, the call that passed it.
pub struct Key {
    /// The serial, when the value's type resolves to one.
    pub serial: Option<idguard_core::index::Serial>,
    /// Whose key it is.
    pub subject: idguard_core::subject::Subject,
    /// The value as written at the call that passed it to the helper, and that call's place.
    pub via: Option<(String, Location)>,
}

impl Key {
    /// The value's labels: the helper call it came through, the newtypes it passes through,
    /// the table it is a key of.
    pub fn labels(&self, index: &Index<'_>) -> Vec<Label> {
        let mut labels = Vec::new();
        if let Some((text, location)) = &self.via {
            labels.push(Label { location: location.clone(), message: format!("called with `{text}` here") });
        }
        if let Some(serial) = &self.serial {
            labels.extend(hop_labels(index, serial));
        }
        labels.extend(table_label(index, &self.subject.token));
        labels
    }

    /// The value as messages show it: `` `b` `` or, through a helper, `` `b` (called with `member.id`) ``.
    pub fn shown(&self, text: &str) -> String {
        match &self.via {
            Some((passed, _)) => format!("`{text}` (called with `{passed}`)"),
            None => format!("`{text}`"),
        }
    }

    /// The primary label's text: the serial's type, or the integer evidence.
    pub fn describe(&self, index: &Index<'_>) -> String {
        match &self.serial {
            Some(serial) => serial_label(index, serial),
            None => "an integer key: decode, add one, encode".to_owned(),
        }
    }
}

/// Whether the value (with the names it goes to, `targets`) is a key of a person or personal
/// entity: a serial by type, or an integer (or, when `named` is enough, any value) with a key
/// name. A parameter of the function `helper` that says nothing itself is followed to the
/// arguments its callers pass.
pub fn key_of(
    ctx: &idguard_core::Context<'_>,
    file: u32,
    value: &idguard_core::facts::ValueRef,
    targets: &[String],
    helper: Option<&str>,
    named: bool,
) -> Option<Key> {
    use idguard_core::subject::SubjectClass;
    let index = ctx.index;
    let direct = |v: &idguard_core::facts::ValueRef, targets: &[String], file: u32| {
        let serial = value_serial(index, file, v);
        if serial.is_none() && ((!v.integer && !named) || known_type(index, file, v)) {
            return None;
        }
        let subject = value_subject(ctx, v, targets)?;
        (subject.class != SubjectClass::Content).then_some(Key { serial, subject, via: None })
    };
    if let Some(key) = direct(value, targets, file) {
        return Some(key);
    }
    // One helper: `fn encode_public_id(x: i64) -> String { hex::encode(x.to_be_bytes()) }` called
    // as `encode_public_id(member.id)`.
    let position = value.param?;
    let package = idguard_core::index::package_dir(index.path(file));
    index.calls_to(helper?).iter().find_map(|&(caller_file, call)| {
        // A call of a function of that name in the same package (names such as `new` are
        // everywhere).
        if call.position != position || idguard_core::index::package_dir(index.path(caller_file)) != package {
            return None;
        }
        // The argument names a key itself (`member_id`, `member.id`): what the call is
        // assigned to says whose the result is, not whose the argument is.
        let keyish = call.value.field.is_some()
            || call.value.names.iter().any(|n| idguard_core::subject::key_name(n, ctx.vocab).is_some());
        if !keyish {
            return None;
        }
        let mut passed = call.value.clone();
        passed.integer |= value.integer || value_serial(index, file, value).is_some();
        let mut key = direct(&passed, &call.target_names, caller_file)?;
        key.via = Some((call.value.text.clone(), Location::new(index.path(caller_file), call.span)));
        Some(key)
    })
}

/// Whether the value's type resolves to a serial: a typed local, or a field of a typed value.
pub fn value_serial(
    index: &Index<'_>,
    file: u32,
    value: &idguard_core::facts::ValueRef,
) -> Option<idguard_core::index::Serial> {
    use idguard_core::facts::TypeRef;
    if let Some(ty) = &value.ty {
        // Bytes (`[u8; 32]`, `Vec<u8>`, `&[u8]`) are data, not a key.
        let mut inner = ty;
        while let TypeRef::Ref(t) = inner {
            inner = t;
        }
        if matches!(inner, TypeRef::Array(_) | TypeRef::Slice(_)) || inner.name() == Some("Vec") {
            return None;
        }
        return index.serial_of(ty, file);
    }
    let (base, field) = value.field.as_ref()?;
    let decl_id = index.lookup(base, file)?;
    let decl = index.decl(decl_id);
    let f = decl.fields.iter().find(|f| f.name.as_deref() == Some(field.as_str()))?;
    index.serial_of(&f.ty, decl_id.file)
}

/// Whether the value's type is known (so a value that is no serial is not a key): a built-in
/// or declared type, or a field of a declared type.
fn known_type(index: &Index<'_>, file: u32, value: &idguard_core::facts::ValueRef) -> bool {
    if let Some(ty) = &value.ty {
        return ty.name().is_some_and(|n| {
            idguard_core::index::is_builtin(n)
                || matches!(n, "String" | "str" | "Uuid" | "Ulid" | "bool" | "f32" | "f64")
        }) || index.lookup(ty, file).is_some();
    }
    value.field.as_ref().is_some_and(|(base, field)| {
        index
            .lookup(base, file)
            .is_some_and(|d| index.decl(d).fields.iter().any(|f| f.name.as_deref() == Some(field.as_str())))
    })
}

/// Whose key the value is: its own name (`member_id`, `uid`), or for a bare `id` the value
/// it belongs to (`member.id`), else the names it is assigned to (`public_member_ref`).
pub fn value_subject(
    ctx: &idguard_core::Context<'_>,
    value: &idguard_core::facts::ValueRef,
    targets: &[String],
) -> Option<idguard_core::subject::Subject> {
    use idguard_core::subject::{self, KeyName, Subject, SubjectClass};
    for (i, name) in value.names.iter().enumerate() {
        // The first name of a field access is the field's (`m.serial`).
        let key = if i == 0 && value.field.is_some() {
            subject::field_key_name(name, ctx.vocab)
        } else {
            subject::key_name(name, ctx.vocab)
        };
        match key {
            Some(KeyName::Own(s)) => return Some(s),
            Some(KeyName::Bare) => {
                // `m.serial` with `m: &Member`: the record's type says whose key it is.
                if i == 0
                    && let Some(name) = value.field.as_ref().and_then(|(base, _)| base_name(base))
                {
                    let s = subject::container_subject(name, ctx.vocab);
                    if s.class != SubjectClass::Content {
                        return Some(s);
                    }
                }
                let rest = value.names[i + 1..].iter().chain(targets);
                return rest
                    .map(|n| subject::strongest(n, ctx.vocab))
                    .find(|s| s.class != SubjectClass::Content)
                    .or(Some(Subject { class: SubjectClass::Content, token: name.clone() }));
            }
            None => {}
        }
    }
    targets.iter().find_map(|n| match subject::key_name(n, ctx.vocab) {
        Some(KeyName::Own(s)) if s.class != SubjectClass::Content => Some(s),
        _ if subject::is_reference_name(n) => Some(subject::strongest(n, ctx.vocab)),
        _ => None,
    })
}

/// The name of a record's type, through references and the standard wrappers.
fn base_name(ty: &idguard_core::facts::TypeRef) -> Option<&str> {
    use idguard_core::facts::TypeRef;
    match ty {
        TypeRef::Ref(inner) => base_name(inner),
        TypeRef::Path { segments, args, .. } => match segments.last().map(String::as_str) {
            Some("Box" | "Arc" | "Rc" | "Option") => args.first().and_then(base_name),
            other => other,
        },
        _ => None,
    }
}

/// Whether a name says it holds an ID: a key name (`member_id`, a bare `id`,
/// `encrypt_id`), a reference to a person or entity, or a pseudonym.
pub fn names_an_id(vocab: &idguard_core::subject::Vocabulary, name: &str) -> bool {
    use idguard_core::subject;
    subject::key_name(name, vocab).is_some() || subject::is_reference_name(name) || subject::is_pseudonym_name(name)
}

/// Labels from the type up to its root: the fields that carry it, then the handler or
/// schema derive. Bounded by the number of types (reachability is a tree).
pub fn chain_labels(
    index: &Index<'_>,
    id: idguard_core::index::DeclId,
    reach: &idguard_core::index::Reach,
) -> Vec<Label> {
    let mut labels = Vec::new();
    let mut current = id;
    let mut step = reach;
    let mut guard = 0;
    while let Some((parent, field)) = step.via {
        guard += 1;
        if guard > 64 {
            break;
        }
        let parent_decl = index.decl(parent);
        let child_name = &index.decl(current).name;
        let location = match parent_decl.fields.get(field as usize) {
            Some(f) => Location::new(index.path(parent.file), f.span),
            None => Location::new(index.path(parent.file), parent_decl.span),
        };
        let through = parent_decl.fields.get(field as usize).and_then(|f| f.name.clone()).map_or_else(
            || format!("`{}` carries `{child_name}`", parent_decl.name),
            |n| format!("`{}.{n}` carries `{child_name}`", parent_decl.name),
        );
        labels.push(Label { location, message: through });
        current = parent;
        match index.reach(parent) {
            Some(r) => step = r,
            None => break,
        }
    }
    match &step.root {
        idguard_core::index::Root::Handler { func, wrapper, sent: None, .. } => {
            let f = index.func(*func);
            let ret = f.ret.as_ref().map(idguard_core::facts::TypeRef::display).unwrap_or_default();
            labels.push(Label {
                location: Location::new(index.path(func.file), f.span),
                message: format!("`{}` returns `{ret}` (a `{wrapper}` response body)", f.name),
            });
        }
        idguard_core::index::Root::Handler { func, wrapper, sent: Some(at), returned_by } => {
            let f = index.func(*func);
            if let Some(helper) = returned_by {
                let sig = index.sig(helper.sig);
                labels.push(Label {
                    location: Location::new(index.path(helper.sig.file), sig.span),
                    message: format!("`{}` returns `{}`", sig.name, sig.ret.display()),
                });
                if let Some(id) = helper.imp {
                    let imp = index.imp(id);
                    let ret = sig.ret.display();
                    let bound: Vec<String> = imp
                        .assoc
                        .iter()
                        .filter(|(name, _)| ret.contains(&format!("Self::{name}")))
                        .map(|(name, ty)| format!("type {name} = {}", ty.display()))
                        .chain(
                            sig.trait_generics
                                .iter()
                                .zip(&imp.trait_args)
                                .map(|(name, ty)| format!("{name} = {}", ty.display())),
                        )
                        .collect();
                    let trait_name = &imp.trait_name;
                    let what = if bound.is_empty() { String::new() } else { format!(" (`{}`)", bound.join("`, `")) };
                    labels.push(Label {
                        location: Location::new(index.path(id.file), imp.span),
                        message: format!("`{}` implements `{trait_name}`{what}", imp.self_ty),
                    });
                }
            }
            let what = &index.decl(current).name;
            let message = if f.kind == idguard_core::facts::FnKind::Push {
                format!("`{}` pushes `{what}` to connected clients ({wrapper})", f.name)
            } else {
                format!("`{}` sends `{what}` as a response body (`{wrapper}`)", f.name)
            };
            labels.push(Label { location: Location::new(index.path(func.file), *at), message });
        }
        idguard_core::index::Root::Schema { derive } => {
            let root_decl = index.decl(current);
            if current != id
                && let Some(d) = root_decl.derives.iter().chain(&root_decl.attr_macros).find(|d| &d.name == derive)
            {
                labels.push(Label {
                    location: Location::new(index.path(current.file), d.span),
                    message: format!("`{}` is an API object (`{derive}`)", root_decl.name),
                });
            }
        }
        idguard_core::index::Root::Page { page, template, put: Some((func, at, how)) } => {
            let f = index.func(*func);
            labels.push(Label {
                location: Location::new(index.path(func.file), *at),
                message: format!(
                    "`{}` puts `{}` into a page rendered with {template} ({how})",
                    f.name,
                    index.decl(*page).name
                ),
            });
        }
        idguard_core::index::Root::Page { page, template, put: None } => {
            let page_decl = index.decl(*page);
            if let Some(d) = page_decl.derives.iter().find(|d| d.name == "Template") {
                labels.push(Label {
                    location: Location::new(index.path(page.file), d.span),
                    message: format!("`{}` is rendered into a page by {template}", page_decl.name),
                });
            }
        }
    }
    // The routes that reach the handler: the outer end of the chain.
    if let idguard_core::index::Root::Handler { func, .. } = &step.root {
        let f = index.func(*func);
        for route in index.routes(*func).iter().take(2) {
            labels.push(Label {
                location: Location::new(index.path(route.file), route.span),
                message: format!("`{} {}` is routed to `{}` here", route.method, route.path, f.name),
            });
        }
    }
    labels
}
