//! What a function's code says about the types of its parameters and locals: a typed
//! parameter or `let`, a struct literal, (for handlers) `T::new(..)`. Shared by the body
//! walks of handlers (`handler`) and of minting and encoding sites (`mint`).

use std::collections::HashMap;

use super::Lowerer;
use crate::facts::TypeRef;

/// The types of a function's named values, where the code says them.
pub(super) struct Locals {
    types: HashMap<String, TypeRef>,
    /// The names whose type is only the qualifier of the call that initialised them
    /// (`let m = Members::load(..)`: a `Members`, unless `load` says otherwise).
    qualified: std::collections::HashSet<String>,
    /// Whether `T::new(..)`-style calls name their type (handler bodies).
    constructors: bool,
}

impl Locals {
    /// The parameters of `sig` bound by a plain name (`view: UserView`).
    pub(super) fn of_signature(lowerer: &Lowerer<'_, '_>, sig: &syn::Signature, constructors: bool) -> Self {
        let mut types = HashMap::new();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input
                && let syn::Pat::Ident(id) = &*pt.pat
            {
                types.insert(id.ident.to_string(), lowerer.ty(&pt.ty));
            }
        }
        Locals { types, qualified: std::collections::HashSet::new(), constructors }
    }

    /// Records `let NAME[: T] = INIT;`: the declared type, else the initialiser's.
    pub(super) fn bind(
        &mut self,
        lowerer: &Lowerer<'_, '_>,
        pat: &syn::Pat,
        declared: Option<TypeRef>,
        init: Option<&syn::Expr>,
    ) {
        if let syn::Pat::Ident(id) = pat {
            let name = id.ident.to_string();
            let qualified = declared.is_none() && init.is_some_and(|init| self.is_qualified_call(init));
            let ty = declared.or_else(|| init.and_then(|init| self.type_of(lowerer, init)));
            if let Some(ty) = ty {
                self.types.insert(name.clone(), ty);
            }
            if qualified {
                self.qualified.insert(name);
            } else {
                self.qualified.remove(&name);
            }
        }
    }

    /// Whether the type [`Locals::type_of`] gives an expression is only the qualifier of a
    /// call (`Members::load(..)`, or a local initialised so): the call's declared return
    /// type, where the project declares the function, says better.
    pub(super) fn is_qualified_call(&self, expr: &syn::Expr) -> bool {
        match expr {
            syn::Expr::Reference(r) => self.is_qualified_call(&r.expr),
            syn::Expr::Paren(p) => self.is_qualified_call(&p.expr),
            syn::Expr::Path(p) => p.path.get_ident().is_some_and(|id| self.qualified.contains(&id.to_string())),
            syn::Expr::Call(call) => {
                self.constructors && matches!(&*call.func, syn::Expr::Path(p) if p.path.segments.len() >= 2)
            }
            _ => false,
        }
    }

    /// The type of an expression, where the code says it: a struct literal, a typed or
    /// literal-initialised local, a parameter (references looked through), `T::new(..)`.
    pub(super) fn type_of(&self, lowerer: &Lowerer<'_, '_>, expr: &syn::Expr) -> Option<TypeRef> {
        match expr {
            syn::Expr::Struct(s) => Some(lowerer.path_ty(&s.path)),
            syn::Expr::Reference(r) => self.type_of(lowerer, &r.expr),
            syn::Expr::Paren(p) => self.type_of(lowerer, &p.expr),
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let mut ty = self.types.get(&p.path.segments[0].ident.to_string())?.clone();
                // A parameter `body: &Json<T>` used as a value: its `Json<T>`.
                while let TypeRef::Ref(inner) = ty {
                    ty = *inner;
                }
                Some(ty)
            }
            syn::Expr::Call(call) if self.constructors => match &*call.func {
                syn::Expr::Path(p) if p.path.segments.len() >= 2 => {
                    let name = p.path.segments[p.path.segments.len() - 2].ident.to_string();
                    if !name.starts_with(|c: char| c.is_ascii_uppercase()) || name == "Ok" || name == "Some" {
                        return None;
                    }
                    // `UserView::new(..)`: the path without the function.
                    let mut ty = lowerer.path_ty(&p.path);
                    if let TypeRef::Path { segments, args, .. } = &mut ty {
                        segments.pop();
                        args.clear();
                    }
                    Some(ty)
                }
                _ => None,
            },
            _ => None,
        }
    }
}
