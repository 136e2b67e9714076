//! Lowering of entry points: which functions take values from requests (extractor
//! parameters, Rocket route arguments, GraphQL resolver arguments, tonic request
//! messages), the routes declared on them, what their bodies send back, the comparisons
//! in their bodies (authorization evidence), and the routes any function body registers
//! (`.route("/users/{id}", get(get_user))` and friends, with statically visible prefixes).

use std::collections::HashMap;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

use super::locals::Locals;
use super::{Lowerer, last_segment, literal_text, path_span, unraw};
use crate::facts::{
    Binding, Check, FnDecl, FnKind, Nest, Param, ParamSource, RouteAttr, RouteReg, Sent, SentCall, SentValue, TypeRef,
    TypedSegment,
};
use crate::surface::join_path;
use crate::surface::response_bodies;

use crate::frameworks::{METHODS, Shape};

/// How deep the registration walk follows nested expressions (router builders nest a few
/// levels; anything deeper is not a router).
const MAX_DEPTH: u32 = 64;

/// Where a function is declared.
pub(super) struct FnContext {
    /// The `Self` type of a method.
    pub self_ty: Option<String>,
    /// A method of a GraphQL resolver `impl` block.
    pub resolver: bool,
}

impl Lowerer<'_, '_> {
    /// Records a function if it is an entry point, and the routes its body registers.
    pub(super) fn func(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
        ctx: &FnContext,
        module: &str,
    ) {
        let scope = unraw(&sig.ident.to_string());
        if !block.stmts.is_empty() {
            let mut walk = Registrations { lowerer: self, scope: &scope, prefix: String::new(), depth: 0 };
            walk.visit_block(block);
        }
        let ret = match &sig.output {
            syn::ReturnType::Type(_, ty) => Some(self.ty(ty)),
            syn::ReturnType::Default => None,
        };
        let routes = self.route_attrs(attrs);
        self.documented(attrs);
        let handler_attr =
            attrs.iter().any(|a| crate::frameworks::handler_attrs().contains(&last_segment(a.path()).as_str()));
        let mut params = Vec::new();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input
                && let Some(param) = self.param(pt, ctx.resolver, &routes)
            {
                params.push(param);
            }
        }
        let sends = ret.as_ref().is_some_and(|r| !response_bodies(r, &self.vocab.response_aliases).is_empty());
        let responder = ret.as_ref().is_some_and(names_responder);
        let entry = sends || !routes.is_empty() || handler_attr || !params.is_empty() || ctx.resolver;
        // What an entry point takes from the request: its extractor bindings and arguments.
        let client = (entry || responder).then(|| {
            let mut names: Vec<String> =
                params.iter().flat_map(|p| p.bindings.iter().map(|b| b.name.clone())).collect();
            for input in &sig.inputs {
                if let syn::FnArg::Typed(pt) = input
                    && let syn::Pat::Ident(id) = &*pt.pat
                    && let syn::Type::Path(tp) = &*pt.ty
                    && matches!(last_segment(&tp.path).as_str(), "HttpRequest" | "Request" | "String" | "str")
                {
                    names.push(unraw(&id.ident.to_string()));
                }
            }
            names
        });
        if !block.stmts.is_empty() {
            let qualified = crate::facts::item_path(&[module, ctx.self_ty.as_deref().unwrap_or(""), &scope]);
            self.mints(sig, block, client, qualified);
            self.migration_keys(block);
        }
        // Any other function is walked for what it pushes to connected clients, if it
        // serializes anything (`serde_json::to_string(&x)` handed to `ctx.text(..)`).
        let pushes = !entry && !responder && serializes(block);
        if !entry && !responder && !pushes {
            return;
        }
        let mut body = Body {
            locals: Locals::of_signature(self, sig, true),
            lowerer: self,
            entry: entry || responder,
            push: None,
            serialized: HashMap::new(),
            page_values: Vec::new(),
            templates: Vec::new(),
            page_contexts: std::collections::HashSet::new(),
            sent: Vec::new(),
            sent_calls: Vec::new(),
            calls: HashMap::new(),
            values: Vec::new(),
            checks: Vec::new(),
            read: Vec::new(),
            raw: raw_request_values(&params),
            let_name: None,
        };
        body.visit_block(block);
        let (sent, sent_calls, values, checks) = (body.sent, body.sent_calls, body.values, body.checks);
        let (page_values, templates) = (body.page_values, body.templates);
        params.extend(body.read);
        // A responder's parameters may be custom extractors (see `Index::extractor_params`).
        let inputs = self.inputs(sig);
        if !entry
            && sent.is_empty()
            && sent_calls.is_empty()
            && values.is_empty()
            && params.is_empty()
            && page_values.is_empty()
            && inputs.is_empty()
        {
            // A responder that sends nothing idguard can see: not worth keeping.
            return;
        }
        let kind = if pushes {
            FnKind::Push
        } else if ctx.resolver {
            FnKind::Resolver
        } else if params.iter().any(|p| p.source == ParamSource::Message) {
            FnKind::Grpc
        } else {
            FnKind::Handler
        };
        self.facts.fns.push(FnDecl {
            name: scope,
            module: module.to_owned(),
            self_ty: ctx.self_ty.clone(),
            span: self.span(sig.ident.span()),
            ret,
            kind,
            params,
            routes,
            sent,
            sent_calls,
            values,
            checks,
            inputs,
            page_values,
            templates,
        });
    }

    /// The names a signature binds, each with its parameter's type: `claim: Claims`, and
    /// the bindings of a pattern (`AuthUser(user): AuthUser`, `Extension(me): Extension<Me>`).
    fn inputs(&self, sig: &syn::Signature) -> Vec<(String, TypeRef)> {
        let mut out = Vec::new();
        for input in &sig.inputs {
            let syn::FnArg::Typed(pt) = input else { continue };
            let mut names = Vec::new();
            super::mint::pattern_names(&pt.pat, &mut names);
            let ty = self.ty(&pt.ty);
            out.extend(names.into_iter().map(|n| (n, ty.clone())));
        }
        out
    }

    /// Routes declared by attributes: `#[get("/users/{id}")]` (actix-web, Rocket),
    /// `#[route("/x", method = "GET")]`, `#[oai(path = "/users/:id", method = "get")]`,
    /// `#[utoipa::path(get, path = "/users/{id}", params(("id" = i64, Path)))]`.
    fn route_attrs(&self, attrs: &[syn::Attribute]) -> Vec<RouteAttr> {
        let mut out = Vec::new();
        for attr in attrs {
            let name = last_segment(attr.path());
            if !crate::frameworks::route_attrs().contains(&name.as_str()) {
                continue;
            }
            let syn::Meta::List(list) = &attr.meta else { continue };
            let span = self.span(path_span(attr.path()));
            let mut path = None;
            let mut methods: Vec<String> = Vec::new();
            let mut declared = Vec::new();
            let mut first = true;
            for item in split_commas(&list.tokens) {
                match item.as_slice() {
                    [TokenTree::Literal(literal)] if first => {
                        path = Some(literal_text(&TokenTree::Literal(literal.clone())));
                    }
                    [TokenTree::Ident(m)] if METHODS.contains(&m.to_string().to_lowercase().as_str()) => {
                        methods.push(m.to_string().to_uppercase());
                    }
                    [TokenTree::Ident(key), TokenTree::Punct(eq), value] if eq.as_char() == '=' => {
                        match key.to_string().as_str() {
                            "path" => path = Some(literal_text(value)),
                            "method" => methods.push(literal_text(value).trim_matches('"').to_uppercase()),
                            _ => {}
                        }
                    }
                    [TokenTree::Ident(key), TokenTree::Group(group)] if key == "params" => {
                        declared.extend(self.declared_params(&group.stream()));
                    }
                    _ => {}
                }
                first = false;
            }
            // `#[path = ".."]` on a module is not a route; neither is `#[get]` without a path.
            let Some(path) = path else { continue };
            if methods.is_empty() {
                methods.push(if METHODS.contains(&name.as_str()) { name.to_uppercase() } else { "ANY".to_owned() });
            }
            for method in methods {
                out.push(RouteAttr { method, path: path.clone(), span, declared: declared.clone() });
            }
        }
        out
    }

    /// utoipa `params(("id" = i64, Path, description = ".."), ..)`: name and type of each.
    fn declared_params(&self, tokens: &TokenStream) -> Vec<(String, TypeRef)> {
        let mut out = Vec::new();
        for item in split_commas(tokens) {
            let [TokenTree::Group(group)] = item.as_slice() else { continue };
            let Some(first) = split_commas(&group.stream()).into_iter().next() else { continue };
            if let [TokenTree::Literal(name), TokenTree::Punct(eq), ty @ ..] = first.as_slice()
                && eq.as_char() == '='
                && let Ok(ty) = syn::parse2::<syn::Type>(ty.iter().cloned().collect())
            {
                out.push((literal_text(&TokenTree::Literal(name.clone())), self.ty(&ty)));
            }
        }
        out
    }

    /// A parameter that takes a value from the request, if this one does.
    fn param(&self, pt: &syn::PatType, resolver: bool, routes: &[RouteAttr]) -> Option<Param> {
        let declared = self.ty(&pt.ty);
        let span = self.span(super::type_span(&pt.ty));
        let bindings = self.bindings(&pt.pat);
        // `Path<T>`, `web::Query<T>`, `QueryParam<T, true>`, tonic `Request<T>`.
        let mut inner = &declared;
        while let TypeRef::Ref(t) = inner {
            inner = t;
        }
        // An optional or fallible extractor: `Option<Json<T>>` (a Rocket data guard, an axum
        // optional extractor), `Result<Query<T>, QueryRejection>`.
        if let TypeRef::Path { segments, args, .. } = inner
            && segments.last().is_some_and(|n| n == "Option" || n == "Result")
            && let Some(first) = args.first()
            && first.name().is_some_and(|n| crate::frameworks::extractors().iter().any(|(e, _)| *e == n))
        {
            inner = first;
        }
        if let TypeRef::Path { segments, args, .. } = inner
            && let Some(name) = segments.last()
            && let Some((_, source)) = crate::frameworks::extractors().iter().find(|(e, _)| e == name)
            && let Some(arg) = args.first()
        {
            // An HTTP request (`Request<Body>`, `Request<B>`), not a tonic message.
            if *source == ParamSource::Message
                && arg.name().is_none_or(|n| {
                    crate::frameworks::http_bodies().contains(&n) || (n.len() == 1 && segments_of(arg) == 1)
                })
            {
                return None;
            }
            return Some(Param { source: *source, extractor: segments.join("::"), ty: arg.clone(), bindings, span });
        }
        // GraphQL arguments are owned values; a reference is the context (`ctx: &Context<'_>`,
        // juniper's `context: &Database`).
        if resolver && !matches!(declared, TypeRef::Ref(_)) {
            return Some(Param {
                source: ParamSource::Argument,
                extractor: String::new(),
                ty: declared,
                bindings,
                span,
            });
        }
        // Rocket: a plain argument named by a `<name>` segment of the route.
        let name = bindings.first().map(|b| b.name.as_str())?;
        let source = routes.iter().find_map(|r| rocket_segment(&r.path, name))?;
        Some(Param { source, extractor: String::new(), ty: declared, bindings, span })
    }

    /// The names a parameter pattern binds: `id`, `Path(id)`, `Path((a, b))`,
    /// `Path(Params { user_id, .. })`, `web::Path(id)`.
    fn bindings(&self, pat: &syn::Pat) -> Vec<Binding> {
        let mut out = Vec::new();
        let mut stack = vec![pat];
        while let Some(pat) = stack.pop() {
            match pat {
                syn::Pat::Ident(id) => {
                    out.push(Binding { name: unraw(&id.ident.to_string()), span: self.span(id.ident.span()) });
                }
                syn::Pat::TupleStruct(ts) => stack.extend(ts.elems.iter().rev()),
                syn::Pat::Tuple(t) => stack.extend(t.elems.iter().rev()),
                syn::Pat::Paren(p) => stack.push(&p.pat),
                syn::Pat::Reference(r) => stack.push(&r.pat),
                syn::Pat::Struct(s) => {
                    for field in s.fields.iter().rev() {
                        stack.push(&field.pat);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Joins a registration's prefix and path.
    fn reg(
        &mut self,
        method: &str,
        prefix: &str,
        path: &str,
        handler: Vec<String>,
        at: proc_macro2::Span,
        scope: &str,
    ) {
        self.facts.routes.push(RouteReg {
            method: method.to_owned(),
            path: join_path(prefix, path),
            handler,
            span: self.span(at),
            scope: scope.to_owned(),
        });
    }
}

/// How many path segments a type has (`T` 1, `hyper::Body` 2).
fn segments_of(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::Path { segments, .. } => segments.len(),
        _ => 0,
    }
}

/// Whether a return type builds its response in the body: `impl IntoResponse`,
/// `HttpResponse`, `Result<impl Reply, Rejection>`.
fn names_responder(ret: &TypeRef) -> bool {
    let mut found = false;
    ret.for_each_path(&mut |p| found |= p.name().is_some_and(|n| crate::frameworks::responders().contains(&n)));
    found || matches!(ret, TypeRef::ImplTrait(_))
}

/// Where a Rocket route template takes `name` from: `<name>` / `<name..>` in the path,
/// `?<name>` / `&<name>` in the query.
fn rocket_segment(template: &str, name: &str) -> Option<ParamSource> {
    let (path, query) = template.split_once('?').unwrap_or((template, ""));
    let named = |part: &str| {
        part.split(['/', '&']).any(|seg| {
            seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')).is_some_and(|s| s.trim_end_matches("..") == name)
        })
    };
    if named(path) {
        Some(ParamSource::Path)
    } else if named(query) {
        Some(ParamSource::Query)
    } else {
        None
    }
}

/// The top-level comma-separated items of a token stream.
fn split_commas(tokens: &TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(Vec::new()),
            _ => out.last_mut().expect("never empty").push(tree),
        }
    }
    out.retain(|item| !item.is_empty());
    out
}

/// The string of a literal expression.
fn lit_str(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
        _ => None,
    }
}

/// The path of a handler expression (`get_user`, `users::get_user`, `Self::get`).
fn handler_path(expr: &syn::Expr) -> Option<Vec<String>> {
    let segments = |path: &syn::Path| path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect();
    match expr {
        syn::Expr::Path(p) => Some(segments(&p.path)),
        syn::Expr::Reference(r) => handler_path(&r.expr),
        // A macro that names the handler: Pavex `f!(crate::users::get_user)`.
        syn::Expr::Macro(m) => m.mac.parse_body::<syn::Path>().ok().map(|p| segments(&p)),
        _ => None,
    }
}

/// The innermost receiver of a method-call chain.
fn chain_base(mut expr: &syn::Expr) -> &syn::Expr {
    while let syn::Expr::MethodCall(mc) = expr {
        expr = &mc.receiver;
    }
    expr
}

/// The literal argument of a call to one of `names` at the base of a chain:
/// `web::scope("/api")`, `web::resource("/users/{id}")`, `Router::with_path("users")`.
fn base_call(expr: &syn::Expr, names: &[&str]) -> Option<String> {
    if let syn::Expr::Call(call) = chain_base(expr)
        && let syn::Expr::Path(p) = &*call.func
        && names.contains(&last_segment(&p.path).as_str())
    {
        return call.args.first().and_then(lit_str);
    }
    None
}

/// The literal of the last `path("..")` filter in a warp chain (`warp::path("users")`,
/// `.and(warp::path("users"))`).
fn last_path_literal(expr: &syn::Expr) -> Option<String> {
    let literal_of = |expr: &syn::Expr| match expr {
        syn::Expr::Call(call) => match &*call.func {
            syn::Expr::Path(p) if last_segment(&p.path) == "path" => call.args.first().and_then(lit_str),
            _ => None,
        },
        _ => None,
    };
    let mut expr = expr;
    loop {
        match expr {
            syn::Expr::MethodCall(mc) => {
                if let Some(found) = mc.args.first().and_then(literal_of) {
                    return Some(found);
                }
                expr = &mc.receiver;
            }
            other => return literal_of(other),
        }
    }
}

/// Whether a chain starts with a call on the type `name` (`Route::new()`).
fn base_is_type(expr: &syn::Expr, name: &str) -> bool {
    match chain_base(expr) {
        syn::Expr::Call(call) => match &*call.func {
            syn::Expr::Path(p) => p.path.segments.iter().any(|s| s.ident == name),
            _ => false,
        },
        _ => false,
    }
}

/// The (method, handler) pairs of a method router: `get(h)`, `get(h).post(h2)`,
/// `routing::get(h)`, actix `web::get().to(h)`, poem `get(h)`.
fn method_handlers(expr: &syn::Expr, out: &mut Vec<(String, Vec<String>)>) {
    let mut stack = vec![expr];
    while let Some(expr) = stack.pop() {
        match expr {
            syn::Expr::Call(call) => {
                if let syn::Expr::Path(p) = &*call.func {
                    let name = last_segment(&p.path);
                    if METHODS.contains(&name.as_str())
                        && let Some(h) = call.args.first().and_then(handler_path)
                    {
                        out.push((name.to_uppercase(), h));
                    }
                }
            }
            syn::Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                if name == "to"
                    && let Some(h) = mc.args.first().and_then(handler_path)
                {
                    // `web::get().to(h)`: the method is the receiver's call.
                    let method = match &*mc.receiver {
                        syn::Expr::Call(c) => match &*c.func {
                            syn::Expr::Path(p) => last_segment(&p.path).to_uppercase(),
                            _ => "ANY".to_owned(),
                        },
                        _ => "ANY".to_owned(),
                    };
                    out.push((
                        if METHODS.contains(&method.to_lowercase().as_str()) { method } else { "ANY".to_owned() },
                        h,
                    ));
                } else if METHODS.contains(&name.as_str())
                    && let Some(h) = mc.args.first().and_then(handler_path)
                {
                    out.push((name.to_uppercase(), h));
                }
                stack.push(&mc.receiver);
            }
            _ => {}
        }
    }
}

/// Walks a function body for route registrations.
struct Registrations<'l, 'f, 't> {
    lowerer: &'l mut Lowerer<'f, 't>,
    scope: &'l str,
    prefix: String,
    depth: u32,
}

impl Registrations<'_, '_, '_> {
    /// Visits `expr` with `extra` appended to the prefix.
    fn nested(&mut self, extra: &str, expr: &syn::Expr) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        let joined = join_path(&self.prefix, extra);
        let saved = std::mem::replace(&mut self.prefix, joined);
        self.depth += 1;
        self.visit_expr(expr);
        self.depth -= 1;
        self.prefix = saved;
    }

    fn push(&mut self, pairs: Vec<(String, Vec<String>)>, path: &str, at: proc_macro2::Span) {
        let prefix = self.prefix.clone();
        for (method, handler) in pairs {
            self.lowerer.reg(&method, &prefix, path, handler, at, self.scope);
        }
    }

    /// Records what a registration call of this shape says, if the call fits the shape.
    fn registration(&mut self, shape: Shape, name: &str, mc: &syn::ExprMethodCall, args: &[&syn::Expr]) -> bool {
        let at = mc.method.span();
        match (shape, args) {
            // axum `.route("/p", get(h))`, actix `.route("/p", web::get().to(h))`, poem
            // `Route::new().at("/p", get(h))`.
            (Shape::PathAndRouter { on }, [path, router])
                if lit_str(path).is_some() && on.is_none_or(|ty| base_is_type(&mc.receiver, ty)) =>
            {
                let mut pairs = Vec::new();
                method_handlers(router, &mut pairs);
                let path = lit_str(path).unwrap_or_default();
                let scope = base_call(&mc.receiver, crate::frameworks::scope_calls()).unwrap_or_default();
                self.push(pairs, &join_path(&scope, &path), at);
                true
            }
            // actix `web::resource("/p").route(web::get().to(h))` / `.to(h)`; salvo
            // `Router::with_path("p").get(h)`.
            (Shape::OnResource, [router]) => {
                let Some(path) = base_call(&mc.receiver, crate::frameworks::resource_calls()) else { return false };
                let mut pairs = Vec::new();
                if name == "route" {
                    method_handlers(router, &mut pairs);
                } else if let Some(h) = handler_path(router) {
                    let method = if METHODS.contains(&name) { name.to_uppercase() } else { "ANY".to_owned() };
                    pairs.push((method, h));
                }
                self.push(pairs, &path, at);
                true
            }
            // axum `.nest("/api", api_routes())` or an inline router.
            (Shape::Nest, [path, inner]) if lit_str(path).is_some() => {
                let path = lit_str(path).unwrap_or_default();
                match inner {
                    syn::Expr::Call(call) if matches!(&*call.func, syn::Expr::Path(_)) => {
                        if let syn::Expr::Path(p) = &*call.func {
                            let prefix = join_path(&self.prefix, &path);
                            let target = last_segment(&p.path);
                            let span = self.lowerer.span(at);
                            self.lowerer.facts.nests.push(Nest { prefix, target, span });
                        }
                    }
                    _ => self.nested(&path, inner),
                }
                true
            }
            // actix `web::scope("/api").service(..)`.
            (Shape::Scope, [inner]) => {
                let scope = base_call(&mc.receiver, crate::frameworks::scope_calls()).unwrap_or_default();
                self.nested(&scope, inner);
                true
            }
            // warp `warp::path("users").and(warp::path::param::<u64>())`.
            (Shape::TypedSegment, [syn::Expr::Call(call)]) => {
                if let syn::Expr::Path(p) = &*call.func
                    && let Some(last) = p.path.segments.last()
                    && last.ident == "param"
                    && let syn::PathArguments::AngleBracketed(targs) = &last.arguments
                    && let Some(syn::GenericArgument::Type(ty)) = targs.args.first()
                {
                    let before = last_path_literal(&mc.receiver).unwrap_or_default();
                    let span = self.lowerer.span(super::type_span(ty));
                    let ty = self.lowerer.ty(ty);
                    let route = join_path(&join_path(&self.prefix, &before), &format!("{{{}}}", ty.display()));
                    let scope = self.scope.to_owned();
                    self.lowerer.facts.segments.push(TypedSegment { route, before, ty, span, scope });
                    return true;
                }
                false
            }
            // Rocket `.mount("/api", routes![a, b])`.
            (Shape::Mount, [path, syn::Expr::Macro(m)]) if lit_str(path).is_some() => {
                let prefix = join_path(&self.prefix, &lit_str(path).unwrap_or_default());
                let span = self.lowerer.span(at);
                if let Ok(list) =
                    m.mac.parse_body_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                {
                    for handler in list {
                        let target = last_segment(&handler);
                        self.lowerer.facts.nests.push(Nest { prefix: prefix.clone(), target, span });
                    }
                }
                true
            }
            // Pavex `bp.route(GET, "/users/{id}", f!(crate::get_user))`.
            (Shape::MethodPathHandler { method, path, handler }, args)
                if args.len() > method.max(path).max(handler) =>
            {
                let (Some(route), Some(h)) = (lit_str(args[path]), handler_path(args[handler])) else { return false };
                let method = match args[method] {
                    syn::Expr::Path(p) => last_segment(&p.path).to_lowercase(),
                    _ => String::new(),
                };
                let method = if METHODS.contains(&method.as_str()) { method.to_uppercase() } else { "ANY".to_owned() };
                self.push(vec![(method, h)], &route, at);
                true
            }
            _ => false,
        }
    }
}

impl Registrations<'_, '_, '_> {
    /// One link of a method chain: a registration it makes, and its arguments.
    fn link(&mut self, mc: &syn::ExprMethodCall) {
        let name = mc.method.to_string();
        let args: Vec<&syn::Expr> = mc.args.iter().collect();
        // The shapes the frameworks give a call of this name (see `crate::frameworks`); the
        // first that fits the call is taken.
        for shape in crate::frameworks::shapes(&name) {
            if self.registration(shape, &name, mc, &args) {
                break;
            }
        }
        // Arguments not handled above.
        let nests = crate::frameworks::shapes(&name).any(|s| matches!(s, Shape::Nest | Shape::Scope));
        if !nests && self.depth < MAX_DEPTH {
            self.depth += 1;
            for arg in &mc.args {
                self.visit_expr(arg);
            }
            self.depth -= 1;
        }
    }
}

impl<'ast> Visit<'ast> for Registrations<'_, '_, '_> {
    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        // A builder chain (`Router::new().route(..).route(..)...`) is walked link by link:
        // its length is no nesting depth, so a long router loses no route. Only what a link
        // nests (its arguments, a receiver that is not a call) counts against `MAX_DEPTH`.
        let mut link = mc;
        loop {
            self.link(link);
            match &*link.receiver {
                syn::Expr::MethodCall(inner) => link = inner,
                other => {
                    if self.depth < MAX_DEPTH {
                        self.depth += 1;
                        self.visit_expr(other);
                        self.depth -= 1;
                    }
                    return;
                }
            }
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // warp `path!("users" / u64 / "posts")`: the typed segments.
        if !crate::frameworks::path_macros().contains(&last_segment(&mac.path).as_str()) {
            return;
        }
        let mut route = self.prefix.clone();
        let mut before = String::new();
        let mut tokens: Vec<TokenTree> = Vec::new();
        let mut segments: Vec<Vec<TokenTree>> = Vec::new();
        for tree in mac.tokens.clone() {
            match &tree {
                TokenTree::Punct(p) if p.as_char() == '/' => segments.push(std::mem::take(&mut tokens)),
                _ => tokens.push(tree),
            }
        }
        segments.push(tokens);
        for segment in segments {
            if let [TokenTree::Literal(lit)] = segment.as_slice() {
                let text = literal_text(&TokenTree::Literal(lit.clone()));
                route = join_path(&route, &text);
                before = text;
            } else if let Ok(ty) = syn::parse2::<syn::Type>(segment.iter().cloned().collect()) {
                let span = self.lowerer.span(super::type_span(&ty));
                let ty = self.lowerer.ty(&ty);
                route = join_path(&route, &format!("{{{}}}", ty.display()));
                self.lowerer.facts.segments.push(TypedSegment {
                    route: route.clone(),
                    before: before.clone(),
                    ty,
                    span,
                    scope: self.scope.to_owned(),
                });
            }
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        // Items nested in a body are not part of this function's routing.
    }
}

/// Walks a handler body for what it sends and what it compares; or any other function's
/// body for what it pushes to connected clients (see [`Body::entry`]).
struct Body<'l, 'f, 't> {
    lowerer: &'l Lowerer<'f, 't>,
    /// An entry point (handler, resolver, responder): what it sends is its response. Any
    /// other function only pushes: a serialization handed to a push call
    /// (`surface::is_push`) is all it records.
    entry: bool,
    /// Inside the arguments of a push call: its name.
    push: Option<String>,
    /// Locals bound to a serialization (`let json = serde_json::to_string(&notice)?;`): the
    /// serializer and what it serializes, pushed where the local is.
    serialized: HashMap<String, (String, syn::Expr)>,
    /// Values put into a server-rendered page's context (see `FnDecl::page_values`).
    page_values: Vec<Sent>,
    /// Templates rendered by name (see `FnDecl::templates`).
    templates: Vec<String>,
    /// Locals bound to a new tera context (`let mut ctx = tera::Context::new();`).
    page_contexts: std::collections::HashSet<String>,
    /// Types of parameters and local bindings, where the code says them.
    locals: Locals,
    sent: Vec<Sent>,
    sent_calls: Vec<SentCall>,
    /// Locals bound to what a call returns, where the code names no type: the callee as
    /// written, and whether it is a method called on a value (see [`Body::callee_of`]).
    calls: HashMap<String, (Vec<String>, bool)>,
    values: Vec<SentValue>,
    checks: Vec<Check>,
    /// Request values read by hand: `req.match_info().query("id").parse::<i64>()`,
    /// salvo `req.param::<i64>("id")`, a `Path<String>` or a query map parsed to an integer.
    read: Vec<Param>,
    /// The request values extracted as text (`Path(u): Path<String>`) or as a map of texts
    /// (`Query<HashMap<String, String>>`), and closure parameters bound to one entry of such
    /// a map (`query.get("after").and_then(|s| ..)`): where each comes from, and the name
    /// the request gives it.
    raw: HashMap<String, Raw>,
    /// The name of the `let` whose initialiser is being walked.
    let_name: Option<String>,
}

/// Calls that run the closure they are given and return what it returns (blocking-pool
/// helpers): `web::block(|| ..)`, `spawn_blocking(|| ..)`, deadpool's `conn.interact(|c| ..)`.
const BLOCKING: &[&str] = &["block", "spawn_blocking", "interact", "run_blocking"];

/// Methods whose result is their receiver's value for what a response shows: unwrapping or
/// copying it (not `into`: a conversion changes what is sent).
const PASS_THROUGH: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_default",
    "unwrap_or_else",
    "unwrap_or",
    "ok",
    "ok_or",
    "ok_or_else",
    "map_err",
    "context",
    "with_context",
    "into_inner",
    "clone",
    "to_owned",
];

/// A request value the handler takes as text.
#[derive(Clone)]
struct Raw {
    source: ParamSource,
    /// A map of texts (read by key), or one text.
    map: bool,
    /// The name the request gives it: the route segment or the query key.
    name: String,
}

/// The extracted request values a handler takes as text or as a map of texts.
fn raw_request_values(params: &[Param]) -> HashMap<String, Raw> {
    let text = |ty: &TypeRef| {
        let mut ty = ty;
        while let TypeRef::Ref(inner) = ty {
            ty = inner;
        }
        ty.name().is_some_and(|n| matches!(n, "String" | "str" | "Cow" | "SmolStr" | "CompactString"))
    };
    let mut out = HashMap::new();
    for p in params.iter().filter(|p| matches!(p.source, ParamSource::Path | ParamSource::Query | ParamSource::Body)) {
        let map = p.ty.name().is_some_and(|n| matches!(n, "HashMap" | "BTreeMap" | "IndexMap"))
            && matches!(&p.ty, TypeRef::Path { args, .. } if args.iter().all(text));
        let texts: Vec<bool> = match &p.ty {
            TypeRef::Tuple(items) => items.iter().map(text).collect(),
            ty => vec![text(ty)],
        };
        for (i, b) in p.bindings.iter().enumerate() {
            if map || texts.get(i).copied().unwrap_or(false) {
                out.insert(b.name.clone(), Raw { source: p.source, map, name: b.name.clone() });
            }
        }
    }
    out
}

impl Body<'_, '_, '_> {
    fn type_of(&self, expr: &syn::Expr) -> Option<TypeRef> {
        self.locals.type_of(self.lowerer, expr)
    }

    fn send(&mut self, how: &str, arg: &syn::Expr, at: proc_macro2::Span) {
        let how = match (&self.push, self.entry) {
            (_, true) => how.to_owned(),
            (Some(target), false) => format!("`{how}` into `{target}`"),
            (None, false) => return,
        };
        let how = how.as_str();
        let ty = self.type_of(arg);
        // A type the code says, unless it is only a call's qualifier (`Members::load(..)`):
        // then the call, with the qualifier for when the project does not declare it.
        let qualified = ty.is_some() && self.locals.is_qualified_call(arg);
        match (ty, qualified) {
            (Some(ty), false) => self.sent.push(Sent { how: how.to_owned(), ty, span: self.lowerer.span(at) }),
            (ty, _) => match self.callee_of(arg, 0) {
                Some((callee, method)) => self.sent_calls.push(SentCall {
                    how: how.to_owned(),
                    callee,
                    method,
                    qualifier_ty: ty,
                    span: self.lowerer.span(at),
                }),
                None => {
                    if let Some(ty) = ty {
                        self.sent.push(Sent { how: how.to_owned(), ty, span: self.lowerer.span(at) });
                    }
                }
            },
        }
    }

    /// The call whose return value an expression is, where the code names no type: a path
    /// call (`repo::fetch_account(&mut tx, id)`, `Account::find(id)`), a method called on a
    /// value (`db.find_user(id)`), through `.await`, `?`, `unwrap`-like methods, references,
    /// a local bound to such a call, and the closure a blocking helper runs
    /// (`web::block(move || actions::get_all(&conn)).await??`). Tuple structs and variants
    /// (`Json(x)`, `Some(x)`) are not calls.
    fn callee_of(&self, expr: &syn::Expr, depth: u32) -> Option<(Vec<String>, bool)> {
        if depth > 8 {
            return None;
        }
        match expr {
            syn::Expr::Reference(r) => self.callee_of(&r.expr, depth + 1),
            syn::Expr::Paren(p) => self.callee_of(&p.expr, depth + 1),
            syn::Expr::Try(t) => self.callee_of(&t.expr, depth + 1),
            syn::Expr::Await(a) => self.callee_of(&a.base, depth + 1),
            syn::Expr::Path(p) => self.calls.get(&p.path.get_ident()?.to_string()).cloned(),
            syn::Expr::Closure(c) => self.callee_of(&c.body, depth + 1),
            syn::Expr::Block(b) => match b.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.callee_of(tail, depth + 1),
                _ => None,
            },
            syn::Expr::Call(call) => {
                let syn::Expr::Path(p) = &*call.func else { return None };
                let callee: Vec<String> = p.path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect();
                let name = callee.last()?;
                if BLOCKING.contains(&name.as_str())
                    && let Some(closure @ syn::Expr::Closure(_)) = call.args.last()
                {
                    return self.callee_of(closure, depth + 1);
                }
                name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_').then_some((callee, false))
            }
            syn::Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                if PASS_THROUGH.contains(&name.as_str()) {
                    return self.callee_of(&mc.receiver, depth + 1);
                }
                if BLOCKING.contains(&name.as_str())
                    && let Some(closure @ syn::Expr::Closure(_)) = mc.args.last()
                {
                    return self.callee_of(closure, depth + 1);
                }
                Some((vec![unraw(&name)], true))
            }
            _ => None,
        }
    }

    /// Records a value put into a page's context, where the code says its type.
    fn page_value(&mut self, how: &str, arg: &syn::Expr, at: proc_macro2::Span) {
        if !self.entry {
            return;
        }
        if let Some(ty) = self.type_of(arg) {
            self.page_values.push(Sent { how: how.to_owned(), ty, span: self.lowerer.span(at) });
        }
    }

    /// Records a template rendered by name (a string literal argument).
    fn template(&mut self, arg: Option<&syn::Expr>) {
        if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) = arg
            && !self.templates.contains(&name.value())
        {
            self.templates.push(name.value());
        }
    }

    /// Walks the arguments of the push call `target` with `walk`.
    fn pushing(&mut self, target: String, walk: impl FnOnce(&mut Self)) {
        let outer = self.push.replace(target);
        walk(self);
        self.push = outer;
    }

    /// Records a single value sent to the client, with what the code says of its type.
    fn value(&mut self, how: &str, key: Option<String>, expr: &syn::Expr) {
        if !self.entry && self.push.is_none() {
            return;
        }
        let mut expr = expr;
        while let syn::Expr::Reference(r) = expr {
            expr = &r.expr;
        }
        // `user.id.to_string()`, `user.id.into()`: the value is the receiver.
        while let syn::Expr::MethodCall(mc) = expr
            && matches!(mc.method.to_string().as_str(), "to_string" | "into" | "clone" | "to_owned")
        {
            expr = &mc.receiver;
        }
        let span = self.lowerer.span(syn::spanned::Spanned::span(expr));
        let (ty, field) = match expr {
            syn::Expr::Field(f) => match (&f.member, self.type_of(&f.base)) {
                (syn::Member::Named(name), Some(base)) => (None, Some((base, unraw(&name.to_string())))),
                _ => return,
            },
            other => match self.type_of(other) {
                Some(ty) => (Some(ty), None),
                None => return,
            },
        };
        self.values.push(SentValue { how: how.to_owned(), key, ty, field, span });
    }

    /// The splices of a maud `html!` body, nested elements included: each parenthesised
    /// expression is a value shown in the page.
    fn splices(&mut self, tokens: &TokenStream, depth: u32) {
        if depth > 16 {
            return;
        }
        for tree in tokens.clone() {
            let TokenTree::Group(g) = tree else { continue };
            if g.delimiter() == proc_macro2::Delimiter::Parenthesis
                && let Ok(expr) = syn::parse2::<syn::Expr>(g.stream())
            {
                let key = match &expr {
                    syn::Expr::Path(p) => p.path.get_ident().map(|i| unraw(&i.to_string())),
                    _ => None,
                };
                self.value("html!", key, &expr);
            } else {
                self.splices(&g.stream(), depth + 1);
            }
        }
    }

    /// The entries of a `json!({ "key": value, .. })` object, nested objects included.
    fn json_object(&mut self, tokens: &TokenStream, depth: u32) {
        if depth > 16 {
            return;
        }
        for entry in split_commas(tokens) {
            let colon = entry.iter().position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':'));
            let Some(colon) = colon else { continue };
            let key = match entry.first() {
                Some(TokenTree::Literal(lit)) => literal_text(&TokenTree::Literal(lit.clone())),
                Some(TokenTree::Ident(id)) => id.to_string(),
                _ => continue,
            };
            let value: Vec<TokenTree> = entry[colon + 1..].to_vec();
            if let [TokenTree::Group(g)] = value.as_slice()
                && g.delimiter() == proc_macro2::Delimiter::Brace
            {
                self.json_object(&g.stream(), depth + 1);
            } else if let Ok(expr) = syn::parse2::<syn::Expr>(value.into_iter().collect()) {
                // A record (or what a call returns) is sent whole: `json!({ "users": owners })`.
                self.send("json!", &expr, syn::spanned::Spanned::span(&expr));
                self.value("json!", Some(key), &expr);
            }
        }
    }

    /// A request value read by hand, typed by a turbofish or by the local it is bound to:
    /// salvo `req.param::<i64>("id")`, actix-web `req.match_info().get("id")` then
    /// `.parse::<i64>()`.
    fn read_by_hand(&mut self, mc: &syn::ExprMethodCall, declared: Option<TypeRef>) {
        let turbofish = mc.turbofish.as_ref().and_then(|t| match t.args.first() {
            Some(syn::GenericArgument::Type(ty)) => Some(self.lowerer.ty(ty)),
            _ => None,
        });
        let name = mc.method.to_string();
        let (ty, key_call) = match name.as_str() {
            "param" | "query" | "form" if turbofish.is_some() => (turbofish, Some(mc)),
            "parse" => {
                // `.parse::<T>()` (or a typed `let`) of `match_info().get("id")`/`.query("id")`.
                let syn::Expr::MethodCall(inner) = &*mc.receiver else {
                    return self.parsed_text(mc, turbofish.or(declared));
                };
                let inner = match (inner.method.to_string().as_str(), &*inner.receiver) {
                    ("unwrap" | "expect" | "unwrap_or" | "unwrap_or_default", syn::Expr::MethodCall(i)) => i,
                    _ => inner,
                };
                let from_match_info = matches!(&*inner.receiver, syn::Expr::MethodCall(m) if m.method == "match_info");
                if !from_match_info || !matches!(inner.method.to_string().as_str(), "get" | "query") {
                    return self.parsed_text(mc, turbofish.or(declared));
                }
                (turbofish.or(declared), Some(inner))
            }
            _ => return,
        };
        let (Some(ty), Some(call)) = (ty, key_call) else { return };
        let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(key), .. })) = call.args.first() else { return };
        let source = if call.method == "query" && name != "parse" { ParamSource::Query } else { ParamSource::Path };
        let span = self.lowerer.span(key.span());
        self.read.push(Param {
            source,
            extractor: format!("{}(..)", call.method),
            ty,
            bindings: vec![Binding { name: key.value(), span }],
            span,
        });
    }

    /// `.parse::<T>()` of a request value taken as text: a `Path<String>` binding, an entry
    /// of a query map (`query.get("after")`), or a closure parameter bound to one. Named by
    /// the `let` it is bound to, else by the request's own name for it.
    fn parsed_text(&mut self, parse: &syn::ExprMethodCall, ty: Option<TypeRef>) {
        let Some(ty) = ty else { return };
        let mut expr = &*parse.receiver;
        loop {
            match expr {
                syn::Expr::Reference(r) => expr = &r.expr,
                syn::Expr::Paren(p) => expr = &p.expr,
                syn::Expr::MethodCall(m)
                    if matches!(
                        m.method.to_string().as_str(),
                        "as_str"
                            | "trim"
                            | "to_string"
                            | "clone"
                            | "unwrap"
                            | "expect"
                            | "unwrap_or_default"
                            | "as_ref"
                    ) =>
                {
                    expr = &m.receiver;
                }
                _ => break,
            }
        }
        let (raw, key, span) = match expr {
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let Some(raw) = self.raw.get(&p.path.segments[0].ident.to_string()) else { return };
                if raw.map {
                    return;
                }
                (raw.clone(), raw.name.clone(), parse.method.span())
            }
            syn::Expr::MethodCall(get) => {
                let Some(raw) = self.map_entry(get) else { return };
                let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(key), .. })) = get.args.first() else {
                    return;
                };
                (raw, key.value(), key.span())
            }
            _ => return,
        };
        let name = self.let_name.clone().unwrap_or(key);
        let span = self.lowerer.span(span);
        self.read.push(Param {
            source: raw.source,
            extractor: format!("{}.parse()", raw.name),
            ty,
            bindings: vec![Binding { name, span }],
            span,
        });
    }

    /// The request map a `MAP.get("key")` call reads, if it is one.
    fn map_entry(&self, get: &syn::ExprMethodCall) -> Option<Raw> {
        if !matches!(get.method.to_string().as_str(), "get" | "remove") {
            return None;
        }
        let mut receiver = &*get.receiver;
        while let syn::Expr::Reference(r) = receiver {
            receiver = &r.expr;
        }
        let syn::Expr::Path(p) = receiver else { return None };
        let raw = self.raw.get(&p.path.get_ident()?.to_string())?;
        raw.map.then(|| raw.clone())
    }

    fn check(&mut self, left: &syn::Expr, right: Option<&syn::Expr>, at: proc_macro2::Span) {
        if !self.entry {
            return;
        }
        let left = idents(left);
        let right = right.map(idents).unwrap_or_default();
        let filter = right.is_empty();
        self.checks.push(Check { left, right, filter, span: self.lowerer.span(at) });
    }
}

impl<'ast> Visit<'ast> for Body<'_, '_, '_> {
    fn visit_local(&mut self, local: &'ast syn::Local) {
        let (pat, declared) = match &local.pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(self.lowerer.ty(&pt.ty))),
            other => (other, None),
        };
        // `let id: i64 = req.match_info().query("id").parse()?;`
        if let (Some(ty), Some(init)) = (&declared, &local.init) {
            let mut expr = &*init.expr;
            while let syn::Expr::Try(t) = expr {
                expr = &t.expr;
            }
            while let syn::Expr::MethodCall(mc) = expr
                && matches!(mc.method.to_string().as_str(), "unwrap" | "expect" | "unwrap_or" | "unwrap_or_default")
            {
                expr = &mc.receiver;
            }
            if let syn::Expr::MethodCall(mc) = expr {
                self.read_by_hand(mc, Some(ty.clone()));
            }
        }
        let name = match pat {
            syn::Pat::Ident(id) => Some(unraw(&id.ident.to_string())),
            _ => None,
        };
        // A local bound to what a call returns (a new binding shadows the old one).
        if let Some(name) = &name {
            let init = local.init.as_ref().map(|init| &*init.expr);
            let typed = declared.is_some()
                || init.is_some_and(|e| self.type_of(e).is_some() && !self.locals.is_qualified_call(e));
            match init.filter(|_| !typed).and_then(|e| self.callee_of(e, 0)) {
                Some(callee) => self.calls.insert(name.clone(), callee),
                None => self.calls.remove(name),
            };
        }
        // A local bound to a new tera context: its inserts go into a page.
        if let Some(name) = &name {
            let new_context = local.init.as_ref().is_some_and(|init| {
                matches!(&*init.expr, syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p)
                    if p.path.segments.len() >= 2
                        && p.path.segments[p.path.segments.len() - 2].ident == "Context"
                        && matches!(p.path.segments[p.path.segments.len() - 1].ident.to_string().as_str(), "new" | "from_serialize")))
            });
            if new_context {
                self.page_contexts.insert(name.clone());
            } else {
                self.page_contexts.remove(name);
            }
        }
        // A local bound to a serialization, pushed where the local is (a new binding shadows it).
        if let Some(name) = &name {
            match local.init.as_ref().and_then(|init| serialization(&init.expr)) {
                Some((how, arg)) if !self.entry => self.serialized.insert(name.clone(), (how, arg.clone())),
                _ => self.serialized.remove(name),
            };
        }
        self.locals.bind(self.lowerer, pat, declared, local.init.as_ref().map(|init| &*init.expr));
        let outer = std::mem::replace(&mut self.let_name, name);
        syn::visit::visit_local(self, local);
        self.let_name = outer;
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        // `send_to_room(room, json)`, `Message::Text(json)`: what its arguments serialize is pushed.
        if !self.entry
            && let syn::Expr::Path(p) = &*call.func
            && let Some(name) = p.path.segments.last().map(|s| unraw(&s.ident.to_string()))
            && crate::surface::is_push(&name)
        {
            self.visit_expr(&call.func);
            self.pushing(name, |body| call.args.iter().for_each(|a| body.visit_expr(a)));
            return;
        }
        if let syn::Expr::Path(p) = &*call.func
            && let Some(arg) = call.args.first()
        {
            let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let tail: Vec<&str> = segments.iter().rev().take(2).map(String::as_str).collect();
            let at = p.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            let framework_send = crate::frameworks::send_calls().iter().find(|(name, qualifier, _)| {
                tail.first() == Some(name) && qualifier.is_none_or(|q| tail.get(1) == Some(&q))
            });
            match (tail.as_slice(), framework_send) {
                (["from_serialize", "Context"], _) => self.page_value("tera `Context::from_serialize`", arg, at),
                (["render", "Template"], _) => {
                    self.template(Some(arg));
                    if let Some(data) = call.args.iter().nth(1) {
                        self.page_value("`Template::render`", data, at);
                    }
                }
                (["from", "ID"], _) => self.value("ID::from", None, arg),
                (_, Some((_, _, how))) => self.send(how, arg, at),
                ([f, "serde_json"], _) if f.starts_with("to_") => self.send(&format!("serde_json::{f}"), arg, at),
                _ => {}
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        let name = mc.method.to_string();
        self.read_by_hand(mc, None);
        // `query.get("after").and_then(|s| s.parse::<i64>().ok())`: the closure's parameter
        // is that entry of the request map.
        if let (syn::Expr::MethodCall(get), Some(syn::Expr::Closure(closure))) = (&*mc.receiver, mc.args.first())
            && let Some(raw) = self.map_entry(get)
            && let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(key), .. })) = get.args.first()
            && let [syn::Pat::Ident(param)] = closure.inputs.iter().collect::<Vec<_>>().as_slice()
        {
            let param = unraw(&param.ident.to_string());
            let entry = Raw { source: raw.source, map: false, name: key.value() };
            let shadowed = self.raw.insert(param.clone(), entry);
            syn::visit::visit_expr_method_call(self, mc);
            match shadowed {
                Some(before) => self.raw.insert(param, before),
                None => self.raw.remove(&param),
            };
            return;
        }
        // Server-rendered pages (`frameworks::templates`): tera `ctx.insert("user", &user)` on
        // a `Context`, handlebars `hb.render("page", &data)`; the template a body renders by
        // name.
        match (name.as_str(), mc.args.len()) {
            ("insert", 2) if matches!(&*mc.receiver, syn::Expr::Path(p) if p.path.get_ident().is_some_and(|i| self.page_contexts.contains(&i.to_string()))) =>
            {
                self.page_value("tera `Context::insert`", &mc.args[1], mc.method.span());
            }
            ("render" | "render_template", 2) if lit_str_arg(&mc.args[0]) => {
                self.template(mc.args.first());
                // tera's `render("page", &ctx)` renders the context its inserts filled.
                if self.type_of(&mc.args[1]).is_some_and(|t| t.name() != Some("Context")) {
                    self.page_value(&format!("`{name}`"), &mc.args[1], mc.method.span());
                }
            }
            ("render" | "get_template" | "template", 1..) => self.template(mc.args.first()),
            _ => {}
        }
        // `ctx.text(json)`, `self.send_to_room(room, json)`: what its arguments serialize is pushed.
        if !self.entry && crate::surface::is_push(&name) {
            self.visit_expr(&mc.receiver);
            self.pushing(unraw(&name), |body| mc.args.iter().for_each(|a| body.visit_expr(a)));
            return;
        }
        let framework_send = crate::frameworks::send_methods().iter().find(|(method, _)| *method == name);
        match (name.as_str(), mc.args.first()) {
            (_, Some(arg)) if let Some((_, how)) = framework_send => self.send(how, arg, mc.method.span()),
            ("eq" | "ne", Some(arg)) => self.check(&mc.receiver, Some(arg), mc.method.span()),
            ("filter", Some(arg)) => self.check(arg, None, mc.method.span()),
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, mc);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `ctx.text(format!("{{\"user\":{}}}", serde_json::to_string(&user)?))`: the arguments
        // of a formatting macro in a handler or inside a push, where they may serialize or
        // name a serialized local (read only then: most never do).
        if (self.entry || self.push.is_some())
            && matches!(last_segment(&mac.path).as_str(), "format" | "format_args")
            && names_ident(
                &mac.tokens,
                &|i| i == "serde_json" || (self.push.is_some() && self.serialized.contains_key(i)),
                0,
            )
            && let Ok(args) =
                mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            args.iter().skip(1).for_each(|a| self.visit_expr(a));
            return;
        }
        // minijinja `context! { user => user, items }`: each value goes into the page.
        if last_segment(&mac.path) == "context" {
            for entry in split_commas(&mac.tokens) {
                let value: TokenStream =
                    match entry.iter().position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '=')) {
                        // `key => value`
                        Some(at) => entry[at + 2.min(entry.len() - at)..].iter().cloned().collect(),
                        None => entry.iter().cloned().collect(),
                    };
                if let Ok(expr) = syn::parse2::<syn::Expr>(value) {
                    self.page_value("minijinja `context!`", &expr, syn::spanned::Spanned::span(&expr));
                }
            }
            return;
        }
        // maud `html! { a href={"/members/" (member_id)} { .. } }`: each `( .. )` splice is shown.
        if last_segment(&mac.path) == "html" {
            self.splices(&mac.tokens, 0);
            return;
        }
        if last_segment(&mac.path) == "json"
            && let Some(TokenTree::Group(g)) = mac.tokens.clone().into_iter().next()
            && g.delimiter() == proc_macro2::Delimiter::Brace
        {
            self.json_object(&g.stream(), 0);
        }
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            self.check(&b.left, Some(&b.right), syn::spanned::Spanned::span(&b.op));
        }
        syn::visit::visit_expr_binary(self, b);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if self.push.is_some()
            && let Some(ident) = p.path.get_ident()
            && let Some((how, arg)) = self.serialized.get(&ident.to_string()).cloned()
        {
            self.send(&how, &arg, ident.span());
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether a token stream names an identifier `wanted` accepts, at any depth (bounded).
fn names_ident(tokens: &TokenStream, wanted: &dyn Fn(&str) -> bool, depth: u32) -> bool {
    depth < 64
        && tokens.clone().into_iter().any(|tree| match tree {
            TokenTree::Ident(i) => wanted(&i.to_string()),
            TokenTree::Group(g) => names_ident(&g.stream(), wanted, depth + 1),
            _ => false,
        })
}

/// Whether an expression is a string literal (a template's name).
fn lit_str_arg(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(_), .. }))
}

/// Whether a function body calls `serde_json::to_*` anywhere (closures included): the
/// functions worth walking for pushes (see [`Body::entry`]).
fn serializes(block: &syn::Block) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            self.0 |= serialization_call(call).is_some();
            if !self.0 {
                syn::visit::visit_expr_call(self, call);
            }
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            // A macro's arguments may serialize too (`format!("{}", serde_json::to_string(&x)?)`).
            self.0 |= names_ident(&mac.tokens, &|i| i == "serde_json", 0);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut finder = Finder(false);
    finder.visit_block(block);
    finder.0
}

/// `serde_json::to_string(arg)` (any `serde_json::to_*`): the serializer and its argument.
fn serialization_call(call: &syn::ExprCall) -> Option<(String, &syn::Expr)> {
    let syn::Expr::Path(p) = &*call.func else { return None };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [.., krate, f] if krate == "serde_json" && f.starts_with("to_") => {
            Some((format!("serde_json::{f}"), call.args.first()?))
        }
        _ => None,
    }
}

/// The serialization an expression is, through `?`, `.await`, unwrapping and `.into()`.
fn serialization(expr: &syn::Expr) -> Option<(String, &syn::Expr)> {
    match expr {
        syn::Expr::Call(call) => serialization_call(call),
        syn::Expr::Try(t) => serialization(&t.expr),
        syn::Expr::Paren(p) => serialization(&p.expr),
        syn::Expr::MethodCall(mc) if PASS_THROUGH.contains(&mc.method.to_string().as_str()) || mc.method == "into" => {
            serialization(&mc.receiver)
        }
        _ => None,
    }
}

/// The identifiers an expression mentions: variables, path segments, field names.
fn idents(expr: &syn::Expr) -> Vec<String> {
    struct Collect(Vec<String>);
    impl<'ast> Visit<'ast> for Collect {
        fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
            self.0.push(unraw(&ident.to_string()));
        }
    }
    let mut collect = Collect(Vec::new());
    collect.visit_expr(expr);
    collect.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_rocket_segments_resolve() {
        assert_eq!(join_path("", "users"), "/users");
        assert_eq!(join_path("/api/", "/users/{id}"), "/api/users/{id}");
        assert_eq!(join_path("/api", ""), "/api");
        assert_eq!(rocket_segment("/users/<id>?<page>", "id"), Some(ParamSource::Path));
        assert_eq!(rocket_segment("/users/<id>?<page>&<owner>", "owner"), Some(ParamSource::Query));
        assert_eq!(rocket_segment("/files/<path..>", "path"), Some(ParamSource::Path));
        assert_eq!(rocket_segment("/users/<id>", "name"), None);
    }
}
