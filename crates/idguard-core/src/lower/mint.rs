//! Minting sites: expressions that produce a value predictably (counters, clocks,
//! non-cryptographic or seeded random generators, time-ordered IDs), with the names around
//! them that say what the value is (`let member_id = NEXT_MEMBER.fetch_add(1, ..)`,
//! `MemberRef { public_ref: fastrand::u64(..) }`, `fn new_user_id() -> u64 { .. }`).
//! The rule decides from those names whose identifier it is.

use syn::visit::Visit;

use super::locals::Locals;
use super::{Lowerer, last_segment, unraw};
use crate::facts::{Encoding, Mint, MintKind, TypeRef};

/// How deep the walk follows nested expressions.
const MAX_DEPTH: u32 = 256;

impl Lowerer<'_, '_> {
    /// Records the minting sites and reversible transforms of a function body.
    pub(super) fn mints(&mut self, sig: &syn::Signature, block: &syn::Block) {
        if block.stmts.is_empty() {
            return;
        }
        let locals = Locals::of_signature(self, sig, false);
        let mut walk = Mints { lowerer: self, names: vec![unraw(&sig.ident.to_string())], depth: 0, locals };
        walk.visit_block(block);
    }
}

struct Mints<'l, 'f, 't> {
    lowerer: &'l mut Lowerer<'f, 't>,
    /// Names around the current expression, outermost first.
    names: Vec<String>,
    depth: u32,
    /// Types of parameters and locals, where the code says them.
    locals: Locals,
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
        self.lowerer.facts.mints.push(Mint { kind, api, names, span });
    }

    /// The target names around the current expression, innermost first.
    fn targets(&self) -> Vec<String> {
        self.names.iter().rev().cloned().collect()
    }

    fn type_of(&self, expr: &syn::Expr) -> Option<TypeRef> {
        self.locals.type_of(self.lowerer, expr)
    }

    /// Records a reversible transform of `arg`.
    fn encoding(&mut self, api: String, arg: &syn::Expr, at: proc_macro2::Span, integer: bool) {
        let mut integer = integer;
        let mut expr = arg;
        // Peel what does not change the value: references, parens, one-element arrays,
        // byte and string conversions, integer casts.
        loop {
            expr = match expr {
                syn::Expr::Reference(r) => &r.expr,
                syn::Expr::Paren(p) => &p.expr,
                syn::Expr::Array(a) if a.elems.len() == 1 => &a.elems[0],
                // `uid ^ 0x5bd1_e995` rendered in hex: the value is the non-constant side.
                syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::BitXor(_)) => {
                    integer = true;
                    if is_constant(&b.right) { &b.left } else { &b.right }
                }
                syn::Expr::Cast(c) => {
                    integer |= matches!(&*c.ty, syn::Type::Path(p) if crate::index::is_integer(&last_segment(&p.path)));
                    &c.expr
                }
                syn::Expr::MethodCall(mc) => match mc.method.to_string().as_str() {
                    "to_be_bytes" | "to_le_bytes" | "to_ne_bytes" => {
                        integer = true;
                        &mc.receiver
                    }
                    "to_string" | "as_bytes" | "clone" | "into" | "to_owned" => &mc.receiver,
                    _ => break,
                },
                _ => break,
            };
        }
        let (value, ty, field, value_names) = match expr {
            syn::Expr::Field(f) => {
                let syn::Member::Named(member) = &f.member else { return };
                let member = unraw(&member.to_string());
                let base_names = expr_names(&f.base);
                let mut names = vec![member.clone()];
                names.extend(base_names.iter().cloned());
                let value = format!("{}.{member}", base_names.first().map_or("_", String::as_str));
                let field = self.type_of(&f.base).map(|base| (base, member));
                (value, None, field, names)
            }
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = unraw(&p.path.segments[0].ident.to_string());
                (name.clone(), self.type_of(expr), None, vec![name])
            }
            _ => return,
        };
        let span = self.lowerer.span(at);
        let target_names = self.targets();
        self.lowerer.facts.encodings.push(Encoding { api, value, ty, field, value_names, integer, target_names, span });
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
        _ => Vec::new(),
    }
}

/// Whether an expression is a constant: a literal or an `UPPER_CASE` path.
fn is_constant(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) => true,
        syn::Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let n = s.ident.to_string();
            n.len() > 1 && n.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }),
        _ => false,
    }
}

/// Whether a format string renders an argument in another radix (`{:x}`, `{:08X}`,
/// `{id:o}`, `{:#b}`).
fn radix_format(fmt: &str) -> bool {
    fmt.split('{').skip(1).any(|piece| {
        let spec = piece.split('}').next().unwrap_or_default();
        spec.split_once(':').is_some_and(|(_, f)| f.ends_with(['x', 'X', 'o', 'b']))
    })
}

/// The text of a path (`Uuid::new_v1`).
fn path_text(path: &syn::Path) -> String {
    path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::")
}

/// Minting calls by path: time-based and time-ordered UUIDs, ULIDs, weak random generators.
fn call_kind(path: &syn::Path) -> Option<MintKind> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let last = segments.last()?.as_str();
    let owner = segments.len().checked_sub(2).map(|i| segments[i].as_str());
    match (owner, last) {
        (Some("Uuid"), "new_v1" | "now_v1" | "new_v6" | "now_v6") => Some(MintKind::Clock),
        (Some("Uuid"), "now_v7" | "new_v7") | (Some("Ulid"), "new") => Some(MintKind::TimeOrdered),
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
        self.locals.bind(self.lowerer, pat, declared, local.init.as_ref().map(|init| &*init.expr));
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

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        let method = mc.method.to_string();
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
            // ulid's monotonic `Generator::generate()`.
            "generate" if matches!(&*mc.receiver, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident.to_string().contains("gen"))) =>
            {
                self.push(MintKind::Counter, "a monotonic ULID generator".to_owned(), Vec::new(), mc.method.span());
            }
            _ => {}
        }
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            syn::visit::visit_expr_method_call(self, mc);
            self.depth -= 1;
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func
            && let Some(kind) = call_kind(&p.path)
        {
            let at = p.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            self.push(kind, format!("`{}`", path_text(&p.path)), Vec::new(), at);
        }
        // `hex::encode(..)`, `base64::encode(..)`, `bs58::encode(..)`, unkeyed digests
        // (`Sha256::digest(..)`, `md5::compute(..)`, `blake3::hash(..)`).
        if let syn::Expr::Path(p) = &*call.func
            && p.path.segments.len() >= 2
            && let Some(arg) = call.args.first()
        {
            let text = path_text(&p.path);
            let last = last_segment(&p.path);
            let first = p.path.segments[0].ident.to_string();
            let transform = matches!(last.as_str(), "encode" | "encode_config" | "encode_upper" | "digest")
                || (first == "md5" && last == "compute")
                || (first == "blake3" && last == "hash");
            if transform {
                let at = p.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
                self.encoding(format!("`{text}`"), arg, at, false);
            }
        }
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            syn::visit::visit_expr_call(self, call);
            self.depth -= 1;
        }
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        // `uid ^ 0x5bd1_e995`, `member.id ^ SECRET_MASK`: XOR with a constant.
        if matches!(b.op, syn::BinOp::BitXor(_)) {
            let at = syn::spanned::Spanned::span(&b.op);
            if is_constant(&b.right) {
                self.encoding("XOR with a constant".to_owned(), &b.left, at, true);
            } else if is_constant(&b.left) {
                self.encoding("XOR with a constant".to_owned(), &b.right, at, true);
            }
        }
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            syn::visit::visit_expr_binary(self, b);
            self.depth -= 1;
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `format!("U{:08X}", uid)`: a radix rendering of an integer.
        if matches!(last_segment(&mac.path).as_str(), "format" | "format_args" | "write" | "writeln")
            && let Ok(args) =
                mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            let mut args = args.into_iter();
            if matches!(last_segment(&mac.path).as_str(), "write" | "writeln") {
                args.next();
            }
            if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(fmt), .. })) = args.next()
                && radix_format(&fmt.value())
            {
                let api = format!("`format!({:?})`", fmt.value());
                for arg in args {
                    self.encoding(api.clone(), &arg, fmt.span(), true);
                    self.visit_expr(&arg);
                }
            }
        }
        // `nanoid::non_secure::nanoid!()` / `non_secure_nanoid!()`.
        let text = path_text(&mac.path);
        if text.contains("non_secure") || last_segment(&mac.path).starts_with("non_secure") {
            let at = mac.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            self.push(MintKind::WeakRandom, format!("`{text}!`"), Vec::new(), at);
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
