//! Minting sites: expressions that produce a value predictably (counters, clocks,
//! non-cryptographic or seeded random generators, time-ordered IDs), with the names around
//! them that say what the value is (`let member_id = NEXT_MEMBER.fetch_add(1, ..)`,
//! `MemberRef { public_ref: fastrand::u64(..) }`, `fn new_user_id() -> u64 { .. }`).
//! The rule decides from those names whose identifier it is.

use syn::visit::Visit;

use super::{Lowerer, last_segment, unraw};
use crate::facts::{Mint, MintKind};

/// How deep the walk follows nested expressions.
const MAX_DEPTH: u32 = 256;

impl Lowerer<'_, '_> {
    /// Records the minting sites of a function body.
    pub(super) fn mints(&mut self, fn_name: &str, block: &syn::Block) {
        if block.stmts.is_empty() {
            return;
        }
        let mut walk = Mints { lowerer: self, names: vec![unraw(fn_name)], depth: 0 };
        walk.visit_block(block);
    }
}

struct Mints<'l, 'f, 't> {
    lowerer: &'l mut Lowerer<'f, 't>,
    /// Names around the current expression, outermost first.
    names: Vec<String>,
    depth: u32,
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
        let pat = match &local.pat {
            syn::Pat::Type(pt) => &*pt.pat,
            other => other,
        };
        let name = match pat {
            syn::Pat::Ident(id) => Some(unraw(&id.ident.to_string())),
            _ => None,
        };
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
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            syn::visit::visit_expr_call(self, call);
            self.depth -= 1;
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `nanoid::non_secure::nanoid!()` / `non_secure_nanoid!()`.
        let text = path_text(&mac.path);
        if text.contains("non_secure") || last_segment(&mac.path).starts_with("non_secure") {
            let at = mac.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            self.push(MintKind::WeakRandom, format!("`{text}!`"), Vec::new(), at);
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
