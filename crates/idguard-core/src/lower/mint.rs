//! The value model of function bodies, and what it finds: minting sites (counters, clocks,
//! weak random generators, name-based UUIDs), reversible transforms of a value (encodings,
//! unkeyed digests, hashids, radix formats, XOR and arithmetic with constants), unkeyed
//! combinations of values assigned to pseudonym-named targets (`format!("{room}-{uid}")`,
//! `(room << 32) | uid`), encryption calls with a fixed nonce or a literal key, decoded
//! client values sent back by entry points, and calls passing keys to helpers.
//!
//! Values are followed within one function: a value is a parameter, a typed local, a field
//! of a typed value, or a local bound to one of those (`let uid = member.id;`), through
//! references, casts, `to_string`, `to_be_bytes` and friends. The rules decide from the
//! recorded `ValueRef`s (with the index) whether a value is a serial, and whose.

use std::collections::HashMap;

use proc_macro2::TokenTree;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::locals::Locals;
use super::{Lowerer, last_segment, path_string, unraw};
use crate::facts::{CallArg, Combination, Echo, Encoding, Encrypt, Mint, MintKind, ValueRef, Weakness};

/// How deep the walk follows nested expressions.
const MAX_DEPTH: u32 = 256;

/// Calls a value leaves the server through, by last path segment or method name: errors
/// here, and each framework's response bodies, redirects and headers
/// (`crate::frameworks`, `sinks`).
const SINKS: &[&str] = &["Err"];

/// Calls that pass a value on unchanged to where their result goes (`Ok(..)`, `Box::new`,
/// `.into()`, `.to_string()`).
const TRANSPARENT: &[&str] =
    &["Ok", "Some", "new", "from", "into", "into_response", "to_string", "to_owned", "clone", "as_str", "map"];

impl Lowerer<'_, '_> {
    /// Walks a function body with the value model. `client` holds the names a handler binds
    /// from the request (`None` when the function is no entry point).
    pub(super) fn mints(
        &mut self,
        sig: &syn::Signature,
        block: &syn::Block,
        client: Option<Vec<String>>,
        scope: String,
    ) {
        if block.stmts.is_empty() {
            return;
        }
        let locals = Locals::of_signature(self, sig, false);
        let mut params = HashMap::new();
        let mut position = 0u32;
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                if let syn::Pat::Ident(id) = &*pt.pat {
                    params.insert(unraw(&id.ident.to_string()), position);
                }
                position += 1;
            }
        }
        let mut walk = Mints {
            lowerer: self,
            names: vec![unraw(&sig.ident.to_string())],
            depth: 0,
            locals,
            params,
            scope,
            origins: HashMap::new(),
            fixed: HashMap::new(),
            random: std::collections::HashSet::new(),
            siv: std::collections::HashSet::new(),
            predecessor: None,
            client: client.unwrap_or_default(),
            tainted: HashMap::new(),
            claims: HashMap::new(),
            echoes: Vec::new(),
            sink: Vec::new(),
        };
        // The tail expression is what the function returns: a sink for decoded values.
        let (last, init) = block.stmts.split_last().map_or((None, &[][..]), |(l, i)| (Some(l), i));
        for stmt in init {
            walk.visit_stmt(stmt);
        }
        if let Some(last) = last {
            match last {
                syn::Stmt::Expr(e, None) => walk.with_sink(Some("returned".to_owned()), |w| w.visit_expr(e)),
                other => walk.visit_stmt(other),
            }
        }
        let echoes = std::mem::take(&mut walk.echoes);
        self.facts.echoes.extend(echoes.into_iter().filter(|e| !e.sinks.is_empty()));
    }
}

struct Mints<'l, 'f, 't> {
    lowerer: &'l mut Lowerer<'f, 't>,
    /// Names around the current expression, outermost first.
    names: Vec<String>,
    /// The function's item path.
    scope: String,
    depth: u32,
    /// Types of parameters and locals, where the code says them.
    locals: Locals,
    /// The function's parameters bound by a plain name, with their positions.
    params: HashMap<String, u32>,
    /// Locals bound to a field of another value (`let uid = member.id;`): the value.
    origins: HashMap<String, ValueRef>,
    /// Locals holding an AES-SIV cipher: deterministic by design, a fixed nonce is fine.
    siv: std::collections::HashSet<String>,
    /// Locals holding a random value (`rand::rng().random()`, `Uuid::new_v4()`): no key.
    random: std::collections::HashSet<String>,
    /// Inside the closures of a call chain that starts from the highest key so far
    /// (`db.last_user_id().map(|u| u + 1)`): that call's name.
    predecessor: Option<String>,
    /// Locals holding a fixed nonce or a literal key or a cipher built from one.
    fixed: HashMap<String, Weakness>,
    /// Names an entry point binds from the request.
    client: Vec<String>,
    /// Locals holding a decoded client value: the echo they came from.
    tainted: HashMap<String, usize>,
    /// Decoded client values of this function.
    echoes: Vec<Echo>,
    /// How the current expression leaves the server, innermost last (`None`: it does not).
    sink: Vec<Option<String>>,
    /// Locals holding jwt-simple claims (`Claims::with_custom_claims(user, ..)`, and what
    /// their builder methods return): the custom claims, signed into a JWT by `sign`.
    claims: HashMap<String, syn::Expr>,
}

/// The custom claims of jwt-simple claims an expression builds or holds:
/// `Claims::with_custom_claims(user, valid_for)` through builder methods
/// (`.with_issuer(..)`), or a local holding such claims.
fn custom_claims<'e>(expr: &'e syn::Expr, held: &'e HashMap<String, syn::Expr>) -> Option<&'e syn::Expr> {
    match expr {
        syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "with_custom_claims")) => {
            c.args.first()
        }
        syn::Expr::MethodCall(mc) => custom_claims(&mc.receiver, held),
        syn::Expr::Reference(r) => custom_claims(&r.expr, held),
        syn::Expr::Paren(p) => custom_claims(&p.expr, held),
        syn::Expr::Path(p) => held.get(&p.path.get_ident()?.to_string()),
        _ => None,
    }
}

/// Peels what does not change a value: references, parens, one-element arrays, byte and
/// string conversions, integer casts, XOR with a constant. Returns the value and whether
/// the peeling showed it is an integer.
fn peel(arg: &syn::Expr) -> (&syn::Expr, bool) {
    let mut integer = false;
    let mut expr = arg;
    loop {
        expr = match expr {
            syn::Expr::Reference(r) => &r.expr,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Group(g) => &g.expr,
            syn::Expr::Array(a) if a.elems.len() == 1 => &a.elems[0],
            // `&id.to_le_bytes()[..]`
            syn::Expr::Index(i) if matches!(&*i.index, syn::Expr::Range(_)) => &i.expr,
            // `uid ^ 0x5bd1_e995` rendered in hex: the value is the non-constant side.
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::BitXor(_)) => {
                integer = true;
                if is_constant(&b.right) { &b.left } else { &b.right }
            }
            syn::Expr::Cast(c) => {
                integer |= matches!(&*c.ty, syn::Type::Path(p) if crate::facts::is_integer(&last_segment(&p.path)));
                &c.expr
            }
            syn::Expr::MethodCall(mc) => match mc.method.to_string().as_str() {
                "to_be_bytes" | "to_le_bytes" | "to_ne_bytes" | "rotate_left" | "rotate_right" | "swap_bytes" => {
                    integer = true;
                    &mc.receiver
                }
                "to_string" | "as_bytes" | "clone" | "into" | "to_owned" | "as_ref" | "to_vec" | "as_str"
                | "into_bytes" | "unwrap" | "expect" | "unwrap_or_default" => &mc.receiver,
                _ => break,
            },
            syn::Expr::Try(t) => &t.expr,
            // `serde_json::to_vec(&(crate_id, user_id))`: what is serialized is what is encoded.
            syn::Expr::Call(c) if is_serializer(&c.func) && !c.args.is_empty() => &c.args[0],
            _ => break,
        };
    }
    (expr, integer)
}

/// Whether a called path serializes its first argument to bytes or text
/// (`serde_json::to_vec`, `bincode::serialize`, `postcard::to_allocvec`).
fn is_serializer(func: &syn::Expr) -> bool {
    let syn::Expr::Path(p) = func else { return false };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [.., krate, f] => {
            matches!(krate.as_str(), "serde_json" | "bincode" | "postcard" | "rmp_serde" | "serde_cbor" | "ciborium")
                && (f.starts_with("to_") || f == "serialize" || f == "into_writer")
        }
        _ => false,
    }
}

impl Mints<'_, '_, '_> {
    fn push(&mut self, kind: MintKind, api: String, own: Vec<String>, at: proc_macro2::Span) {
        // Innermost first: the binding or field it goes to, the counter's own name, then the
        // enclosing names out to the function.
        let mut names: Vec<String> = Vec::new();
        let (function, inner) = self.names.split_first().map_or((None, &[][..]), |(f, rest)| (Some(f), rest));
        names.extend(inner.last().cloned());
        names.extend(own);
        names.extend(inner.iter().rev().skip(1).cloned());
        names.extend(function.cloned());
        let span = self.lowerer.span(at);
        self.lowerer.facts.mints.push(Mint { kind, api, names, span, scope: self.scope.clone() });
    }

    /// The target names around the current expression, innermost first.
    fn targets(&self) -> Vec<String> {
        self.names.iter().rev().cloned().collect()
    }

    /// A path as the file names it: the first segment through the file's `use` renames
    /// (`use base64::encode as b64;` makes `b64` read `base64::encode`).
    fn canonical(&self, path: &syn::Path) -> Vec<String> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segments.first() else { return segments };
        match self.lowerer.facts.uses.iter().rev().find(|u| &u.local == first) {
            Some(used) if used.path.len() > 1 || used.path.first() != Some(first) => {
                used.path.iter().cloned().chain(segments[1..].iter().cloned()).collect()
            }
            _ => segments,
        }
    }

    /// What the code says about a value.
    fn value_ref(&self, arg: &syn::Expr, integer: bool) -> Option<ValueRef> {
        let (expr, peeled) = peel(arg);
        let integer = integer || peeled;
        match expr {
            syn::Expr::Field(f) => {
                let syn::Member::Named(member) = &f.member else { return None };
                let member = unraw(&member.to_string());
                let base_names = expr_names(&f.base);
                let mut names = vec![member.clone()];
                names.extend(base_names.iter().cloned());
                let text = format!("{}.{member}", base_names.first().map_or("_", String::as_str));
                let field = self.locals.type_of(self.lowerer, &f.base).map(|base| (base, member));
                Some(ValueRef { text, ty: None, field, names, integer, param: None })
            }
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = unraw(&p.path.segments[0].ident.to_string());
                if self.random.contains(&name) {
                    return None;
                }
                let ty = self.locals.type_of(self.lowerer, expr);
                if ty.is_none()
                    && let Some(origin) = self.origins.get(&name)
                {
                    let mut names = vec![name.clone()];
                    names.extend(origin.names.iter().cloned());
                    return Some(ValueRef { text: name, names, integer: integer || origin.integer, ..origin.clone() });
                }
                let param = self.params.get(&name).copied();
                Some(ValueRef { text: name.clone(), ty, field: None, names: vec![name], integer, param })
            }
            _ => None,
        }
    }

    /// Records a reversible transform of `arg`.
    fn encoding(&mut self, api: String, arg: &syn::Expr, at: proc_macro2::Span, integer: bool) {
        // A cursor or seek key: a tuple, array or record of values serialized and encoded
        // (`encode(serde_json::to_vec(&(crate_id, user_id))?)`) encodes each of them.
        let parts: Vec<&syn::Expr> = match peel(arg).0 {
            syn::Expr::Tuple(t) => t.elems.iter().collect(),
            syn::Expr::Array(a) if a.elems.len() > 1 => a.elems.iter().collect(),
            syn::Expr::Struct(s) => s.fields.iter().map(|f| &f.expr).collect(),
            _ => Vec::new(),
        };
        if !parts.is_empty() {
            if self.depth < MAX_DEPTH {
                self.depth += 1;
                for part in parts {
                    self.encoding(api.clone(), part, at, integer);
                }
                self.depth -= 1;
            }
            return;
        }
        let Some(value) = self.value_ref(arg, integer) else { return };
        let span = self.lowerer.span(at);
        let target_names = self.targets();
        self.lowerer.facts.encodings.push(Encoding { api, value, target_names, span, scope: self.scope.clone() });
    }

    /// Records an unkeyed combination of `parts` when it goes to a pseudonym-named target.
    fn combination(&mut self, how: String, parts: &[&syn::Expr], at: proc_macro2::Span, integer: bool) {
        let parts: Vec<ValueRef> = parts.iter().filter_map(|p| self.value_ref(p, integer)).collect();
        if parts.is_empty() {
            return;
        }
        let span = self.lowerer.span(at);
        let target_names = self.targets();
        self.lowerer.facts.combinations.push(Combination { how, parts, target_names, span, scope: self.scope.clone() });
    }

    fn named<T>(&mut self, name: Option<String>, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let pushed = name.is_some();
        if let Some(name) = name {
            self.names.push(name);
        }
        let out = f(self);
        if pushed {
            self.names.pop();
        }
        self.depth -= 1;
        Some(out)
    }

    /// Runs `f` with the current expression leaving the server as `how` (or, for `None`, not).
    fn with_sink(&mut self, how: Option<String>, f: impl FnOnce(&mut Self)) {
        self.sink.push(how);
        f(self);
        self.sink.pop();
    }

    /// How the arguments of a call of `name` leave the server: through it if it is a sink
    /// (described by `written`), as the call's result does if it passes them on unchanged,
    /// else not at all.
    fn sink_of(&self, name: &str, written: impl FnOnce() -> String) -> Option<String> {
        if SINKS.contains(&name) || crate::frameworks::sinks().contains(&name) {
            Some(written())
        } else if TRANSPARENT.contains(&name) {
            self.sinking().map(str::to_owned)
        } else {
            None
        }
    }

    /// How the current expression leaves the server, if it does.
    fn sinking(&self) -> Option<&str> {
        self.sink.last().and_then(Option::as_deref)
    }

    /// Visits a sub-expression one level deeper, if the depth allows.
    fn deeper(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            f(self);
            self.depth -= 1;
        }
    }

    /// Why an expression is a fixed nonce or a literal key, if it is one: a literal byte
    /// string or array, `Default::default()`, a `from_slice`/`new`/`into` of one, or a local
    /// bound to one.
    fn fixed_value(&self, expr: &syn::Expr) -> Option<Weakness> {
        let (expr, _) = peel(expr);
        let what = match expr {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::ByteStr(_) | syn::Lit::Str(_), .. }) => "a literal",
            syn::Expr::Array(_) | syn::Expr::Repeat(_) if is_literal_bytes(expr) => "a literal",
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                return self.fixed.get(&p.path.segments[0].ident.to_string()).cloned();
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(f) = &*c.func else { return None };
                let last = last_segment(&f.path);
                if c.args.is_empty() && last == "default" {
                    "all zeroes (`default()`)"
                } else if matches!(
                    last.as_str(),
                    "from_slice" | "from" | "new" | "new_from_slice" | "clone_from_slice" | "from_exact_iter"
                ) {
                    return c.args.first().and_then(|a| self.fixed_value(a));
                } else {
                    return None;
                }
            }
            syn::Expr::MethodCall(mc) if matches!(mc.method.to_string().as_str(), "into" | "try_into") => {
                return self.fixed_value(&mc.receiver);
            }
            syn::Expr::Try(t) => return self.fixed_value(&t.expr),
            syn::Expr::MethodCall(mc) if matches!(mc.method.to_string().as_str(), "unwrap" | "expect") => {
                return self.fixed_value(&mc.receiver);
            }
            _ => return None,
        };
        Some(Weakness { what: what.to_owned(), span: self.lowerer.span(expr.span()) })
    }

    /// Records an encryption call with its weaknesses: a fixed nonce, a cipher or key built
    /// from a literal, block-by-block (ECB) encryption.
    fn encrypt(&mut self, mc: &syn::ExprMethodCall) {
        let method = mc.method.to_string();
        let receiver = expr_names(&mc.receiver).into_iter().next().unwrap_or_else(|| "_".to_owned());
        let mut weaknesses = Vec::new();
        let plaintext = if method.starts_with("encrypt_block") {
            weaknesses.push(Weakness {
                what: "ECB (each block encrypted on its own)".to_owned(),
                span: self.lowerer.span(mc.method.span()),
            });
            mc.args.first()
        } else {
            if mc.args.len() < 2 {
                return;
            }
            if let Some(mut w) = self.fixed_value(&mc.args[0]).filter(|_| !self.siv.contains(&receiver)) {
                w.what = format!("a fixed nonce ({})", w.what);
                weaknesses.push(w);
            }
            Some(&mc.args[1])
        };
        if let Some(mut w) = self.fixed.get(&receiver).cloned() {
            w.what = format!("a key written in the source ({})", w.what);
            weaknesses.push(w);
        }
        if weaknesses.is_empty() {
            return;
        }
        let plaintext = plaintext.and_then(|p| match p {
            // `Payload { msg: .., aad: .. }`
            syn::Expr::Struct(s) => s
                .fields
                .iter()
                .find(|f| matches!(&f.member, syn::Member::Named(n) if n == "msg"))
                .and_then(|f| self.value_ref(&f.expr, false)),
            other => self.value_ref(other, false),
        });
        let span = self.lowerer.span(mc.method.span());
        let target_names = self.targets();
        let api = format!("`{receiver}.{method}`");
        self.lowerer.facts.encrypts.push(Encrypt {
            api,
            plaintext,
            weaknesses,
            target_names,
            span,
            scope: self.scope.clone(),
        });
    }

    /// Records the arguments of a call of a function by name (the rules decide which are
    /// keys: see `common::key_of` in the rules crate).
    fn call_args(&mut self, callee: &str, args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) {
        for (position, arg) in args.iter().enumerate() {
            let Some(value) = self.value_ref(arg, false) else { continue };
            let span = self.lowerer.span(arg.span());
            let target_names = self.targets();
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            self.lowerer.facts.calls.push(CallArg { callee: callee.to_owned(), position, value, target_names, span });
        }
    }

    /// The client value an expression decodes, if it is a decode routine applied to one:
    /// `decrypt_temp_id(&token)`, `sqids.decode(&body.temp_id)`, `STANDARD.decode(tid)`.
    fn decoded(&self, expr: &syn::Expr) -> Option<(String, String, proc_macro2::Span)> {
        if self.client.is_empty() {
            return None;
        }
        let (name, args, at): (String, Vec<&syn::Expr>, proc_macro2::Span) = match expr {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) => {
                    let text = self.canonical(&p.path).join("::");
                    (text, c.args.iter().collect(), p.path.segments.last()?.ident.span())
                }
                _ => return None,
            },
            syn::Expr::MethodCall(mc) => {
                let receiver = expr_names(&mc.receiver).into_iter().next().unwrap_or_else(|| "_".to_owned());
                let mut args: Vec<&syn::Expr> = mc.args.iter().collect();
                args.push(&mc.receiver);
                (format!("{receiver}.{}", mc.method), args, mc.method.span())
            }
            syn::Expr::Try(t) => return self.decoded(&t.expr),
            syn::Expr::Await(a) => return self.decoded(&a.base),
            _ => return None,
        };
        let routine = name.rsplit(['.', ':']).next().unwrap_or_default().to_lowercase();
        // A decode or decrypt routine's name starts with one of the words (`decrypt_temp_id`,
        // `open_token`, `sqids.decode`).
        if !crate::surface::DECODE_WORDS.iter().any(|p| routine.starts_with(p)) {
            // `decode(..).unwrap()`, `decrypt(..)?.first()`: look at the receiver.
            if let syn::Expr::MethodCall(mc) = expr {
                return self.decoded(&mc.receiver);
            }
            return None;
        }
        let input = args.iter().find_map(|a| {
            let mut found = None;
            mentions(a, &mut |n| {
                if found.is_none() && self.client.iter().any(|c| c == n) {
                    found = Some(n.to_owned());
                }
            });
            found.map(|_| quote_text(a))
        })?;
        Some((name, input, at))
    }

    /// Records a decoded client value sent back, if `names` mention one while in a sink.
    fn sink_names(&mut self, how: &str, names: &[String], at: proc_macro2::Span) {
        for name in names {
            if let Some(&echo) = self.tainted.get(name) {
                let span = self.lowerer.span(at);
                let sinks = &mut self.echoes[echo].sinks;
                if !sinks.iter().any(|(_, s)| *s == span) {
                    sinks.push((how.to_owned(), span));
                }
            }
        }
    }
}

/// The text of an expression, for messages (`body.temp_id`, `&token`).
fn quote_text(expr: &syn::Expr) -> String {
    let (expr, _) = peel(expr);
    match expr {
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(m) => {
                format!("{}.{}", expr_names(&f.base).first().map_or("_", String::as_str), unraw(&m.to_string()))
            }
            syn::Member::Unnamed(i) => format!("{}.{}", quote_text(&f.base), i.index),
        },
        syn::Expr::Path(p) => {
            p.path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect::<Vec<_>>().join("::")
        }
        _ => quote::ToTokens::to_token_stream(expr).to_string(),
    }
}

/// Calls `f` with every single-segment path an expression mentions (bounded depth).
fn mentions(expr: &syn::Expr, f: &mut dyn FnMut(&str)) {
    struct Names<'a> {
        f: &'a mut dyn FnMut(&str),
        depth: u32,
    }
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            if self.depth >= MAX_DEPTH {
                return;
            }
            if let syn::Expr::Path(p) = e
                && p.path.segments.len() == 1
            {
                (self.f)(&unraw(&p.path.segments[0].ident.to_string()));
            }
            self.depth += 1;
            syn::visit::visit_expr(self, e);
            self.depth -= 1;
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            token_idents(mac.tokens.clone(), self.f, 0);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    Names { f, depth: 0 }.visit_expr(expr);
}

/// Calls `f` with every identifier of a token stream (macro bodies such as `json!`).
fn token_idents(tokens: proc_macro2::TokenStream, f: &mut dyn FnMut(&str), depth: u32) {
    if depth >= MAX_DEPTH {
        return;
    }
    for tree in tokens {
        match tree {
            TokenTree::Ident(i) => f(&unraw(&i.to_string())),
            TokenTree::Group(g) => token_idents(g.stream(), f, depth + 1),
            _ => {}
        }
    }
}

/// Binds every identifier a pattern binds (`let (a, b) = ..`, `let [id] = ..`).
pub(super) fn pattern_names(pat: &syn::Pat, out: &mut Vec<String>) {
    match pat {
        syn::Pat::Ident(id) => out.push(unraw(&id.ident.to_string())),
        syn::Pat::Type(t) => pattern_names(&t.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| pattern_names(p, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pattern_names(p, out)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|p| pattern_names(p, out)),
        syn::Pat::Reference(r) => pattern_names(&r.pat, out),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pattern_names(&f.pat, out)),
        _ => {}
    }
}

/// Whether an expression builds an AES-SIV cipher (`Aes256SivAead::new(..)`, `Siv::new`).
fn names_siv(expr: &syn::Expr) -> bool {
    let text = quote::ToTokens::to_token_stream(expr).to_string();
    text.contains("Siv") || text.contains("siv")
}

/// Whether an expression draws a random value: `rand::rng().random()`, `OsRng.next_u64()`,
/// `Uuid::new_v4()`, `nanoid!()`.
fn is_random(expr: &syn::Expr) -> bool {
    fn walk(e: &syn::Expr, check: &mut dyn FnMut(&str), depth: u32) {
        if depth > 32 {
            return;
        }
        match e {
            syn::Expr::MethodCall(mc) => {
                check(&mc.method.to_string());
                walk(&mc.receiver, check, depth + 1);
            }
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = &*c.func {
                    p.path.segments.iter().for_each(|s| check(&s.ident.to_string()));
                }
            }
            syn::Expr::Path(p) => p.path.segments.iter().for_each(|s| check(&s.ident.to_string())),
            syn::Expr::Macro(m) => check(&last_segment(&m.mac.path)),
            syn::Expr::Try(t) => walk(&t.expr, check, depth + 1),
            syn::Expr::Cast(c) => walk(&c.expr, check, depth + 1),
            _ => {}
        }
    }
    let mut random = false;
    let mut check = |name: &str| {
        random |= matches!(
            name,
            "rng"
                | "thread_rng"
                | "OsRng"
                | "random"
                | "gen"
                | "new_v4"
                | "fill_bytes"
                | "next_u64"
                | "next_u32"
                | "nanoid"
                | "random_range"
                | "gen_range"
        );
    };
    walk(expr, &mut check, 0);
    random
}

/// The identifiers of a path or field expression (`NEXT_USER_ID`, `self.next_member`).
fn expr_names(expr: &syn::Expr) -> Vec<String> {
    match expr {
        syn::Expr::Path(p) => p.path.segments.iter().rev().take(1).map(|s| unraw(&s.ident.to_string())).collect(),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => vec![unraw(&n.to_string())],
            syn::Member::Unnamed(_) => expr_names(&f.base),
        },
        syn::Expr::Reference(r) => expr_names(&r.expr),
        syn::Expr::Paren(p) => expr_names(&p.expr),
        syn::Expr::Unary(u) => expr_names(&u.expr),
        syn::Expr::MethodCall(mc) => expr_names(&mc.receiver),
        syn::Expr::Await(a) => expr_names(&a.base),
        syn::Expr::Try(t) => expr_names(&t.expr),
        _ => Vec::new(),
    }
}

/// Whether names around a generator say it is a Snowflake (see `surface::SNOWFLAKE_WORDS`).
fn names_snowflake(names: &[String]) -> bool {
    names.iter().any(|n| {
        let n = n.to_ascii_lowercase();
        crate::surface::SNOWFLAKE_WORDS.iter().any(|w| n.contains(w))
    })
}

/// Whether names say they are an ID generator object (a Snowflake, or a name with a word of
/// `surface::GENERATOR_WORDS`).
fn names_generator(names: &[String]) -> bool {
    names_snowflake(names)
        || names
            .iter()
            .any(|n| crate::subject::tokens(n).iter().any(|t| crate::surface::GENERATOR_WORDS.contains(&t.as_str())))
}

/// A string literal argument's value.
fn lit_str(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
        syn::Expr::Reference(r) => lit_str(&r.expr),
        _ => None,
    }
}

/// What a stored counter's key says it counts: `users_count` counts users, `next_user_id`
/// is the next user's key (a trailing `_count`, `_counter`, `_seq` or `_sequence` is the
/// counter, not the thing counted).
fn counted(key: &str) -> String {
    let key = key.rsplit([':', '/', '.']).next().unwrap_or(key);
    ["_count", "_counter", "_seq", "_sequence"]
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .unwrap_or(key)
        .to_owned()
}

/// Whether an expression is the literal `1`.
fn is_one(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) if i.base10_digits() == "1")
}

/// The name of a value that holds the highest key so far: `max_id`, `last.user_id`,
/// `db.max_member_id().await?`.
fn value_predecessor(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Await(a) => value_predecessor(&a.base),
        syn::Expr::Try(t) => value_predecessor(&t.expr),
        syn::Expr::Paren(p) => value_predecessor(&p.expr),
        syn::Expr::MethodCall(m) => {
            let name = unraw(&m.method.to_string());
            if crate::subject::names_predecessor(&name) {
                Some(name)
            } else if matches!(name.as_str(), "unwrap" | "unwrap_or" | "unwrap_or_default" | "expect") {
                value_predecessor(&m.receiver)
            } else {
                None
            }
        }
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => {
                let name = unraw(&p.path.segments.last()?.ident.to_string());
                crate::subject::names_predecessor(&name).then_some(name)
            }
            _ => None,
        },
        other => expr_names(other).into_iter().next().filter(|n| crate::subject::names_predecessor(n)),
    }
}

/// The call a method chain starts from, if it fetches the highest key so far
/// (`db.last_user_id()`, `users.max_id()`): its name.
fn chain_predecessor(expr: &syn::Expr) -> Option<String> {
    let mut expr = expr;
    for _ in 0..32 {
        match expr {
            syn::Expr::MethodCall(m) => {
                let name = unraw(&m.method.to_string());
                if crate::subject::names_predecessor(&name) {
                    return Some(name);
                }
                expr = &m.receiver;
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else { return None };
                let name = unraw(&p.path.segments.last()?.ident.to_string());
                return crate::subject::names_predecessor(&name).then_some(name);
            }
            syn::Expr::Await(a) => expr = &a.base,
            syn::Expr::Try(t) => expr = &t.expr,
            _ => return None,
        }
    }
    None
}

/// Whether an expression is a constant: a literal or an `UPPER_CASE` path.
fn is_constant(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) => true,
        syn::Expr::Paren(p) => is_constant(&p.expr),
        syn::Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let n = s.ident.to_string();
            n.len() > 1 && n.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }),
        _ => false,
    }
}

/// Whether an expression is a constant that scrambles when multiplied or added: an
/// `UPPER_CASE` constant or an integer literal of at least 1,000 (`+ 1` is a successor,
/// `* 2` a size).
fn is_scrambling_constant(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) => i.base10_parse::<u128>().is_ok_and(|v| v >= 1000),
        syn::Expr::Paren(p) => is_scrambling_constant(&p.expr),
        syn::Expr::Lit(_) => false,
        other => is_constant(other),
    }
}

/// Whether an array expression is made of literals only (`[0u8; 12]`, `[1, 2, 3]`).
fn is_literal_bytes(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Array(a) => !a.elems.is_empty() && a.elems.iter().all(|x| matches!(x, syn::Expr::Lit(_))),
        syn::Expr::Repeat(r) => matches!(&*r.expr, syn::Expr::Lit(_)),
        _ => false,
    }
}

/// Which argument a format string's placeholder renders.
#[derive(Debug, PartialEq, Eq)]
enum FormatArg {
    /// `{}`: the next positional argument.
    Next,
    /// `{1}`: a positional argument by index.
    Index(usize),
    /// `{name}`: a named argument, or a variable captured inline.
    Name(String),
}

/// The placeholders of a format string, in order: which argument each renders, and whether
/// it renders it in another radix (`{:x}`, `{:08X}`, `{id:o}`, `{:#b}`, `{:x?}`). `{{` is a
/// brace, not a placeholder.
fn placeholders(fmt: &str) -> Vec<(FormatArg, bool)> {
    let mut out = Vec::new();
    let mut rest = fmt;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let inner = rest.split('}').next().unwrap_or_default();
        let (arg, spec) = inner.split_once(':').unwrap_or((inner, ""));
        let arg = arg.trim();
        let which = if arg.is_empty() {
            FormatArg::Next
        } else if let Ok(i) = arg.parse::<usize>() {
            FormatArg::Index(i)
        } else {
            FormatArg::Name(arg.to_owned())
        };
        let radix = spec.trim_end_matches('?').ends_with(['x', 'X', 'o', 'b']);
        out.push((which, radix));
    }
    out
}

/// The names a format string captures inline (`{room}-{uid:08}` captures `room`, `uid`).
fn inline_captures(fmt: &str) -> Vec<String> {
    placeholders(fmt)
        .into_iter()
        .filter_map(|(arg, _)| match arg {
            FormatArg::Name(name)
                if name.starts_with(|c: char| c.is_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_') =>
            {
                Some(name)
            }
            _ => None,
        })
        .collect()
}

/// The leaves of a tree of binary operators (`(room << 32) | uid` has `room`, `32`, `uid`),
/// with the operators seen. XOR subtrees are leaves (the value model peels them).
fn binary_leaves<'a>(e: &'a syn::Expr, leaves: &mut Vec<&'a syn::Expr>, ops: &mut Vec<&'static str>, depth: u32) {
    let e = match e {
        syn::Expr::Paren(p) => &*p.expr,
        other => other,
    };
    if depth < MAX_DEPTH
        && let syn::Expr::Binary(b) = e
    {
        let op = match b.op {
            syn::BinOp::Add(_) => Some("+"),
            syn::BinOp::Sub(_) => Some("-"),
            syn::BinOp::Mul(_) => Some("*"),
            syn::BinOp::Shl(_) => Some("<<"),
            syn::BinOp::BitOr(_) => Some("|"),
            _ => None,
        };
        if let Some(op) = op {
            ops.push(op);
            binary_leaves(&b.left, leaves, ops, depth + 1);
            binary_leaves(&b.right, leaves, ops, depth + 1);
            return;
        }
    }
    leaves.push(e);
}

/// Minting calls by path: time-based, time-ordered and name-based UUIDs, ULIDs, weak random
/// generators.
fn call_kind(segments: &[String]) -> Option<MintKind> {
    let last = segments.last()?.as_str();
    let owner = segments.len().checked_sub(2).map(|i| segments[i].as_str());
    match (owner, last) {
        (Some("Uuid"), "new_v1" | "now_v1" | "new_v6" | "now_v6") => Some(MintKind::Clock),
        (Some("Uuid"), "now_v7" | "new_v7") | (Some("Ulid"), "new") => Some(MintKind::TimeOrdered),
        (Some("Uuid"), "new_v3" | "new_v5") => Some(MintKind::NameBased),
        (Some("SmallRng"), _) | (Some("StdRng" | "ChaCha8Rng" | "ChaCha20Rng"), "seed_from_u64") => {
            Some(MintKind::WeakRandom)
        }
        _ if segments.first().is_some_and(|s| s == "fastrand") => Some(MintKind::WeakRandom),
        _ if segments.iter().any(|s| s == "non_secure") => Some(MintKind::WeakRandom),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Mints<'_, '_, '_> {
    fn visit_local(&mut self, local: &'ast syn::Local) {
        let (pat, declared) = match &local.pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(self.lowerer.ty(&pt.ty))),
            other => (other, None),
        };
        let name = match pat {
            syn::Pat::Ident(id) => Some(unraw(&id.ident.to_string())),
            _ => None,
        };
        let init = local.init.as_ref().map(|init| &*init.expr);
        self.locals.bind(self.lowerer, pat, declared.clone(), init);
        if let Some(name) = &name {
            match init.and_then(|init| custom_claims(init, &self.claims)).cloned() {
                Some(custom) => self.claims.insert(name.clone(), custom),
                None => self.claims.remove(name),
            };
        }
        if let (Some(name), Some(init)) = (&name, init) {
            // `let uid = member.id;`: the local is that field.
            if declared.is_none()
                && let Some(value) = self.value_ref(init, false)
                && value.field.is_some()
            {
                self.origins.insert(name.clone(), value);
            }
            if let Some(w) = self.fixed_value(init) {
                self.fixed.insert(name.clone(), w);
            }
            if names_siv(init) {
                self.siv.insert(name.clone());
            }
            if is_random(init) {
                self.random.insert(name.clone());
            } else {
                self.random.remove(name);
            }
        }
        // Decoded client values and what is computed from them.
        if let Some(init) = init {
            let mut bound = Vec::new();
            pattern_names(pat, &mut bound);
            let echo = if let Some((api, input, at)) = self.decoded(init) {
                let span = self.lowerer.span(at);
                self.echoes.push(Echo {
                    api,
                    input,
                    result: bound.join(", "),
                    span,
                    sinks: Vec::new(),
                    scope: self.scope.clone(),
                });
                Some(self.echoes.len() - 1)
            } else if self.tainted.is_empty() {
                None
            } else {
                let mut found = None;
                mentions(init, &mut |n| found = found.or_else(|| self.tainted.get(n).copied()));
                found
            };
            for b in bound {
                match echo {
                    Some(e) => {
                        self.tainted.insert(b, e);
                    }
                    None => {
                        self.tainted.remove(&b);
                    }
                }
            }
        }
        self.named(name, |walk| syn::visit::visit_local(walk, local));
    }

    fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
        let name = match &fv.member {
            syn::Member::Named(n) => Some(unraw(&n.to_string())),
            syn::Member::Unnamed(_) => None,
        };
        self.named(name, |walk| walk.visit_expr(&fv.expr));
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        // `MemberRef { id: .. }`: a bare field takes its subject from the struct.
        let name = s.path.segments.last().map(|seg| seg.ident.to_string());
        self.named(name, |walk| {
            for field in &s.fields {
                walk.visit_field_value(field);
            }
            if let Some(rest) = &s.rest {
                walk.visit_expr(rest);
            }
        });
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        let name = expr_names(&a.left).into_iter().next();
        self.named(name, |walk| walk.visit_expr(&a.right));
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.with_sink(Some("returned".to_owned()), |w| w.deeper(|w| w.visit_expr(e)));
        }
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if !self.tainted.is_empty()
            && p.path.segments.len() == 1
            && let Some(how) = self.sinking().map(str::to_owned)
        {
            let name = unraw(&p.path.segments[0].ident.to_string());
            self.sink_names(&how, &[name], p.span());
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        // Only a block's tail goes where the block's value goes.
        let (last, init) = block.stmts.split_last().map_or((None, &[][..]), |(l, i)| (Some(l), i));
        self.with_sink(None, |w| init.iter().for_each(|s| w.visit_stmt(s)));
        match last {
            Some(syn::Stmt::Expr(e, None)) => self.visit_expr(e),
            Some(other) => self.with_sink(None, |w| w.visit_stmt(other)),
            None => {}
        }
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        self.with_sink(None, |w| w.deeper(|w| w.visit_expr(&e.cond)));
        self.deeper(|w| w.visit_block(&e.then_branch));
        if let Some((_, other)) = &e.else_branch {
            self.deeper(|w| w.visit_expr(other));
        }
    }

    fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
        self.with_sink(None, |w| w.deeper(|w| w.visit_expr(&e.expr)));
        for arm in &e.arms {
            self.deeper(|w| w.visit_expr(&arm.body));
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.with_sink(None, |w| w.deeper(|w| w.visit_expr(&c.body)));
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        let method = mc.method.to_string();
        // `db.last_user_id().map_ok(|id| id.map(|u| u + 1))`: the closures of a chain that
        // starts from the highest key so far.
        if self.predecessor.is_none()
            && mc.args.iter().any(|a| matches!(a, syn::Expr::Closure(_)))
            && let Some(name) = chain_predecessor(&mc.receiver)
        {
            self.predecessor = Some(name);
            self.visit_expr_method_call(mc);
            self.predecessor = None;
            return;
        }
        match method.as_str() {
            // `NEXT_USER_ID.fetch_add(1, Ordering::Relaxed)`: the counter's name says what it counts.
            "fetch_add" => {
                let own = expr_names(&mc.receiver);
                let api = format!("`{}.fetch_add`", own.first().map_or("_", String::as_str));
                self.push(MintKind::Counter, api, own, mc.method.span());
            }
            // chrono `Utc::now().timestamp_millis()`, `SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis()`.
            "timestamp" | "timestamp_millis" | "timestamp_micros" | "timestamp_nanos" | "timestamp_nanos_opt" => {
                self.push(MintKind::Clock, format!("a timestamp (`{method}`)"), Vec::new(), mc.method.span());
            }
            "as_millis" | "as_micros" | "as_nanos" | "as_secs"
                if matches!(&*mc.receiver, syn::Expr::MethodCall(inner) if inner.method == "duration_since")
                    || matches!(&*mc.receiver, syn::Expr::Try(t) if matches!(&*t.expr, syn::Expr::MethodCall(inner) if inner.method == "duration_since"))
                    || matches!(&*mc.receiver, syn::Expr::MethodCall(u) if matches!(u.method.to_string().as_str(), "unwrap" | "expect" | "unwrap_or_default") && matches!(&*u.receiver, syn::Expr::MethodCall(inner) if inner.method == "duration_since")) =>
            {
                self.push(MintKind::Clock, format!("a timestamp (`{method}`)"), Vec::new(), mc.method.span());
            }
            // base64 engines (`URL_SAFE_NO_PAD.encode(..)`), hashids (`harsh.encode(&[id])`),
            // sqids, data-encoding (`HEXLOWER.encode(..)`).
            "encode" | "encode_u64" | "encode_string" | "encode_upper" if !mc.args.is_empty() => {
                let receiver = expr_names(&mc.receiver).into_iter().next().unwrap_or_else(|| "_".to_owned());
                let hashids =
                    ["harsh", "hashids", "sqids", "hasher"].iter().any(|h| receiver.to_lowercase().contains(h));
                let api = format!("`{receiver}.{method}`");
                self.encoding(api, &mc.args[0], mc.method.span(), hashids || method == "encode_u64");
            }
            // `uid.rotate_left(13)`: a bit rotation.
            "rotate_left" | "rotate_right" | "swap_bytes" | "reverse_bits" => {
                self.encoding(format!("a bit rotation (`{method}`)"), &mc.receiver, mc.method.span(), true);
            }
            // `[room.to_be_bytes(), uid.to_be_bytes()].concat()`, `[a, b].join("-")`.
            "concat" | "join" if matches!(&*mc.receiver, syn::Expr::Array(a) if a.elems.len() >= 2) => {
                if let syn::Expr::Array(a) = &*mc.receiver {
                    let parts: Vec<&syn::Expr> = a.elems.iter().collect();
                    self.combination(format!("concatenation (`.{method}()`)"), &parts, mc.method.span(), false);
                }
            }
            // jwt-simple `key_pair.sign(claims)`, `key.authenticate(claims)`: a JWT of the custom
            // claims (base64url JSON, signed, not encrypted).
            "sign" | "authenticate"
                if let Some(custom) = mc.args.first().and_then(|a| custom_claims(a, &self.claims)).cloned() =>
            {
                let api = format!("a JWT (jwt-simple `{method}`: signed, not encrypted)");
                self.encoding(api, &custom, mc.method.span(), false);
            }
            // `state.id_gen.lock()?.next_id()`, `snowflake.next_id()`: an ID
            // generator object, a Snowflake where a name around it says so.
            m if crate::surface::ID_GENERATOR_CALLS.contains(&m) && names_generator(&expr_names(&mc.receiver)) => {
                let own = expr_names(&mc.receiver);
                let kind = if names_snowflake(&own) { MintKind::Snowflake } else { MintKind::Generator };
                let api = format!("`{}.{m}()`", own.first().map_or("_", String::as_str));
                self.push(kind, api, own, mc.method.span());
            }
            // Redis `conn.incr("next_user_id", 1)`: a stored counter, named by its key.
            m if crate::surface::COUNTER_CALLS.contains(&m) => {
                let key = mc.args.iter().find_map(lit_str);
                let api =
                    format!("`.{m}({})`", key.as_deref().map_or_else(|| "..".to_owned(), |k| format!("{k:?}, ..")));
                self.push(MintKind::Counter, api, key.iter().map(|k| counted(k)).collect(), mc.method.span());
            }
            // ulid's monotonic `Generator::generate()`.
            "generate" if matches!(&*mc.receiver, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident.to_string().contains("gen"))) =>
            {
                self.push(MintKind::Counter, "a monotonic ULID generator".to_owned(), Vec::new(), mc.method.span());
            }
            m if m.starts_with("encrypt") => self.encrypt(mc),
            _ => {}
        }
        if matches!(&*mc.receiver, syn::Expr::Path(p) if p.path.is_ident("self")) {
            self.call_args(&method, &mc.args);
        }
        // The receiver goes where the result goes; arguments only into sinks.
        self.deeper(|w| w.visit_expr(&mc.receiver));
        let how = self.sink_of(&method, || format!("`.{method}(..)`"));
        self.with_sink(how, |w| w.deeper(|w| mc.args.iter().for_each(|a| w.visit_expr(a))));
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let canonical = match &*call.func {
            syn::Expr::Path(p) => Some((self.canonical(&p.path), p)),
            _ => None,
        };
        if let Some((segments, p)) = &canonical {
            let at = p.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            if let Some(kind) = call_kind(segments) {
                self.push(kind, format!("`{}`", segments.join("::")), Vec::new(), at);
            }
            // `IdInstance::next_id()`, `incr_id(&db, "users_count")`: a generator or a
            // stored counter called by path.
            let called = segments.last().map_or("", String::as_str);
            if crate::surface::ID_GENERATOR_CALLS.contains(&called) && names_generator(&segments[..segments.len() - 1])
            {
                let kind = if names_snowflake(segments) { MintKind::Snowflake } else { MintKind::Generator };
                self.push(kind, format!("`{}()`", segments.join("::")), Vec::new(), at);
            } else if crate::surface::COUNTER_CALLS.contains(&called) {
                let key = call.args.iter().find_map(lit_str);
                let api = format!(
                    "`{}({})`",
                    segments.join("::"),
                    key.as_deref().map_or_else(|| "..".to_owned(), |k| format!(".., {k:?}"))
                );
                self.push(MintKind::Counter, api, key.iter().map(|k| counted(k)).collect(), at);
            }
            let text = segments.join("::");
            let last = segments.last().map_or("", String::as_str);
            let first = segments.first().map_or("", String::as_str);
            // `Uuid::new_v5(&NS, uid.to_string().as_bytes())`: a name-based UUID of the value.
            if kind_is_name_based(segments)
                && let Some(name) = call.args.iter().nth(1)
            {
                self.encoding(format!("`{text}` (a name-based UUID)"), name, at, false);
            }
            // `jsonwebtoken::encode(&header, &claims, &key)`: the token's payload is the claims
            // as base64url JSON, signed but not encrypted: anyone holding it reads them.
            if first == "jsonwebtoken"
                && last == "encode"
                && let Some(claims) = call.args.iter().nth(1)
            {
                self.encoding("a JWT (`jsonwebtoken::encode`: signed, not encrypted)".to_owned(), claims, at, false);
            }
            // `Uuid::from_u128(id as u128)`, `Uuid::from_u64_pair(0, id)`: a fake UUID.
            if segments.len() >= 2
                && segments[segments.len() - 2] == "Uuid"
                && matches!(last, "from_u128" | "from_u64_pair" | "from_u128_le")
                && let Some(arg) = call.args.iter().last()
            {
                self.encoding(format!("`{text}` (a fake UUID)"), arg, at, true);
            }
            // `hex::encode(..)`, `base64::encode(..)`, `bs58::encode(..)`, unkeyed digests
            // (`Sha256::digest(..)`, `md5::compute(..)`, `blake3::hash(..)`), through renames.
            if segments.len() >= 2
                && let Some(arg) = call.args.first()
            {
                let transform = matches!(last, "encode" | "encode_config" | "encode_upper" | "digest")
                    || (first == "md5" && last == "compute")
                    || (first == "blake3" && last == "hash");
                if transform {
                    self.encoding(format!("`{text}`"), arg, at, false);
                }
            }
            // A helper called by name: its parameters are followed to these arguments.
            if segments.len() == 1 || first == "Self" || first == "self" || first == "crate" || first == "super" {
                self.call_args(last, &call.args);
            }
        }
        let called = canonical.as_ref().and_then(|(segments, _)| segments.last().cloned()).unwrap_or_default();
        let how = self.sink_of(&called, || {
            let written = canonical.as_ref().map(|(_, p)| path_string(&p.path));
            format!("`{}(..)`", written.unwrap_or_default())
        });
        self.with_sink(how, |w| w.deeper(|w| call.args.iter().for_each(|a| w.visit_expr(a))));
    }

    fn visit_expr_tuple(&mut self, t: &'ast syn::ExprTuple) {
        // `let temp_id = (room_id, member_id);`
        if t.elems.len() >= 2 {
            let parts: Vec<&syn::Expr> = t.elems.iter().collect();
            self.combination("a tuple".to_owned(), &parts, t.span(), false);
        }
        self.deeper(|w| syn::visit::visit_expr_tuple(w, t));
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        match b.op {
            // `uid ^ 0x5bd1_e995`, `member.id ^ SECRET_MASK`: XOR with a constant.
            syn::BinOp::BitXor(_) => {
                let at = b.op.span();
                if is_constant(&b.right) {
                    self.encoding("XOR with a constant".to_owned(), &b.left, at, true);
                } else if is_constant(&b.left) {
                    self.encoding("XOR with a constant".to_owned(), &b.right, at, true);
                }
            }
            // A comparison sends a `bool`, not its operands.
            syn::BinOp::Eq(_)
            | syn::BinOp::Ne(_)
            | syn::BinOp::Lt(_)
            | syn::BinOp::Le(_)
            | syn::BinOp::Gt(_)
            | syn::BinOp::Ge(_)
            | syn::BinOp::And(_)
            | syn::BinOp::Or(_) => {
                self.with_sink(None, |w| w.deeper(|w| syn::visit::visit_expr_binary(w, b)));
                return;
            }
            // `self.next_id += 1`: a counter.
            // Only the counter's own name says what it counts (`i += 1` in `fn sub` counts no
            // subscriber), and only a sequence name (`next_member_no`, `member_seq`), not a
            // quantity (`threads_number`, `retries`).
            syn::BinOp::AddAssign(_) if matches!(&*b.right, syn::Expr::Lit(_)) => {
                let own = expr_names(&b.left);
                let sequence = own.first().is_some_and(|n| {
                    crate::subject::tokens(n).iter().any(|t| {
                        matches!(t.as_str(), "next" | "last" | "seq" | "sequence" | "serial" | "id" | "no" | "sn")
                    })
                });
                if sequence {
                    let api = format!("`{} += {}`", own.first().map_or("_", String::as_str), quote_text(&b.right));
                    let span = self.lowerer.span(b.op.span());
                    self.lowerer.facts.mints.push(Mint {
                        kind: MintKind::Counter,
                        api,
                        names: own,
                        span,
                        scope: self.scope.clone(),
                    });
                }
            }
            syn::BinOp::Add(_)
            | syn::BinOp::Sub(_)
            | syn::BinOp::Mul(_)
            | syn::BinOp::Shl(_)
            | syn::BinOp::BitOr(_) => {
                let mut leaves = Vec::new();
                let mut ops = Vec::new();
                binary_leaves(&b.left, &mut leaves, &mut ops, 1);
                binary_leaves(&b.right, &mut leaves, &mut ops, 1);
                ops.push(match b.op {
                    syn::BinOp::Add(_) => "+",
                    syn::BinOp::Sub(_) => "-",
                    syn::BinOp::Mul(_) => "*",
                    syn::BinOp::Shl(_) => "<<",
                    _ => "|",
                });
                let values: Vec<&syn::Expr> = leaves.iter().copied().filter(|l| !is_constant(l)).collect();
                let strings =
                    leaves.iter().any(|l| matches!(l, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(_), .. })))
                        || leaves.iter().any(|l| matches!(peel(l).0, syn::Expr::MethodCall(_)))
                        || leaves.iter().any(|l| matches!(l, syn::Expr::MethodCall(m) if m.method == "to_string"));
                let packing = ops.iter().any(|o| matches!(*o, "<<" | "|"));
                let at = b.span();
                // `max_id + 1`, `last.id + 1`, `|u| u + 1` after `last_user_id()`: the next key
                // is the highest so far plus one, a counter kept in the database.
                if values.len() == 1 && ops.iter().all(|o| *o == "+") && leaves.iter().any(|l| is_one(l)) {
                    let named = value_predecessor(values[0]);
                    let bound = matches!(values[0], syn::Expr::Path(p) if p.path.segments.len() == 1);
                    let own = match (&self.predecessor, named) {
                        (_, Some(name)) => Some(vec![name]),
                        (Some(p), None) if bound => Some(vec![p.clone()]),
                        _ => None,
                    };
                    if let Some(own) = own {
                        let api = format!("`{} + 1`", own.first().map_or("_", String::as_str));
                        self.push(MintKind::Counter, api, own, at);
                    }
                }
                if values.len() >= 2 {
                    let how = if packing {
                        "bit packing"
                    } else if strings {
                        "string concatenation"
                    } else {
                        "arithmetic"
                    };
                    self.combination(how.to_owned(), &values, at, !strings);
                } else if values.len() == 1
                    && !strings
                    && ops.contains(&"*")
                    && leaves.iter().any(|l| is_scrambling_constant(l))
                {
                    // `uid * 7919 + SALT`: arithmetic with constants, undone by arithmetic (an
                    // offset alone, `BASE + id`, is index arithmetic).
                    self.encoding("arithmetic with constants".to_owned(), values[0], at, true);
                }
                // Leaves only: the inner operators are part of this tree.
                self.deeper(|w| leaves.iter().for_each(|l| w.visit_expr(l)));
                return;
            }
            _ => {}
        }
        self.deeper(|w| syn::visit::visit_expr_binary(w, b));
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = last_segment(&mac.path);
        // `json!({ "member_no": member_id })`: a decoded value in a JSON body.
        if name == "json" && !self.tainted.is_empty() {
            let mut names = Vec::new();
            token_idents(mac.tokens.clone(), &mut |n| names.push(n.to_owned()), 0);
            self.sink_names("`json!`", &names, mac.span());
        }
        if matches!(name.as_str(), "format" | "format_args" | "write" | "writeln")
            && let Ok(args) =
                mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            let mut args: Vec<syn::Expr> = args.into_iter().collect();
            if matches!(name.as_str(), "write" | "writeln") && !args.is_empty() {
                args.remove(0);
            }
            if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(fmt), .. })) = args.first().cloned() {
                let template = fmt.value();
                // Positional arguments (named ones by their value), then inline captures.
                let named_arg = |a: &syn::Expr| match a {
                    syn::Expr::Assign(assign) => match &*assign.left {
                        syn::Expr::Path(p) => p.path.get_ident().map(|i| (i.to_string(), (*assign.right).clone())),
                        _ => None,
                    },
                    _ => None,
                };
                let positional: Vec<&syn::Expr> = args[1..].iter().filter(|a| named_arg(a).is_none()).collect();
                let named: Vec<(String, syn::Expr)> = args[1..].iter().filter_map(named_arg).collect();
                let mut values: Vec<syn::Expr> = args[1..]
                    .iter()
                    .map(|a| match a {
                        syn::Expr::Assign(assign) => (*assign.right).clone(),
                        other => other.clone(),
                    })
                    .collect();
                // A variable captured inline, if the name is an identifier.
                let captured = |name: &str| {
                    let mut ident = syn::parse_str::<syn::Ident>(name).ok()?;
                    ident.set_span(fmt.span());
                    Some(syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: ident.into() }))
                };
                for name in inline_captures(&template) {
                    if !named.iter().any(|(n, _)| *n == name) {
                        values.extend(captured(&name));
                    }
                }
                let api = format!("`format!({template:?})`");
                // Only the arguments rendered in another radix are encoded (`{expire:x}_{uid}`
                // encodes `expire`, not `uid`).
                let mut next = 0;
                for (arg, radix) in placeholders(&template) {
                    let expr = match arg {
                        FormatArg::Next => {
                            next += 1;
                            positional.get(next - 1).map(|e| (*e).clone())
                        }
                        FormatArg::Index(i) => positional.get(i).map(|e| (*e).clone()),
                        FormatArg::Name(name) => named
                            .iter()
                            .find(|(n, _)| *n == name)
                            .map_or_else(|| captured(&name), |(_, e)| Some(e.clone())),
                    };
                    if radix && let Some(expr) = expr {
                        self.encoding(api.clone(), &expr, fmt.span(), true);
                    }
                }
                let refs: Vec<&syn::Expr> = values.iter().collect();
                self.combination(api, &refs, fmt.span(), false);
                for arg in &values {
                    self.visit_expr(arg);
                }
            }
        }
        // `nanoid::non_secure::nanoid!()` / `non_secure_nanoid!()`.
        let text = path_string(&mac.path);
        if text.contains("non_secure") || name.starts_with("non_secure") {
            let at = mac.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            self.push(MintKind::WeakRandom, format!("`{text}!`"), Vec::new(), at);
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether a call path is a name-based UUID constructor (`Uuid::new_v5`).
fn kind_is_name_based(segments: &[String]) -> bool {
    call_kind(segments) == Some(MintKind::NameBased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_say_which_argument_each_renders_and_how() {
        assert_eq!(
            placeholders("{expire:x}_{uid}_{{lit}}_{}_{1:#010b}_{:X?}"),
            vec![
                (FormatArg::Name("expire".into()), true),
                (FormatArg::Name("uid".into()), false),
                (FormatArg::Next, false),
                (FormatArg::Index(1), true),
                (FormatArg::Next, true),
            ]
        );
        assert_eq!(inline_captures("{room}-{uid:08}-{0}-{}"), ["room", "uid"]);
        // Unclosed or odd placeholders: no panic.
        for text in ["{", "{:", "{a.b:x}", "}{", "{{{x}"] {
            let _ = (placeholders(text), inline_captures(text));
        }
    }
}
