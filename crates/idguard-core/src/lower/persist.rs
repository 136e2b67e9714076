//! Persistence evidence in Rust sources: diesel `table!` schemas, sea-orm entities and
//! migrations (sea-orm-migration's `ColumnDef::new(Users::Id).auto_increment()` and
//! `pk_auto(Users::Id)`, loco's `("id", ColType::PkAuto)`) whose primary key is an
//! auto-increment integer.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::Visit;

use super::{Lowerer, last_segment};
use crate::facts::TableKey;

/// diesel SQL types that are integers.
const DIESEL_INTEGERS: &[&str] =
    &["Int2", "Int4", "Int8", "SmallInt", "Integer", "BigInt", "Serial", "BigSerial", "Unsigned", "TinyInt"];

impl Lowerer<'_, '_> {
    /// `diesel::table! { users (id) { id -> Int4, .. } }`: an integer primary key.
    pub(super) fn diesel_table(&mut self, mac: &syn::Macro) {
        if last_segment(&mac.path) != "table" {
            return;
        }
        let trees: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            // Attributes (`#[sql_name = ".."]`) and `schema.` prefixes are skipped.
            let Some(name_at) = trees[i..]
                .iter()
                .position(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
                .map(|p| i + p)
            else {
                return;
            };
            let head = &trees[i..name_at];
            let table = head.iter().rev().find_map(|t| match t {
                TokenTree::Ident(id) => Some(id.to_string()),
                _ => None,
            });
            let keys: Vec<String> = match head.iter().rev().find_map(|t| match t {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => Some(g.stream()),
                _ => None,
            }) {
                Some(stream) => stream
                    .into_iter()
                    .filter_map(|t| match t {
                        TokenTree::Ident(id) => Some(id.to_string()),
                        _ => None,
                    })
                    .collect(),
                None => vec!["id".to_owned()],
            };
            let TokenTree::Group(body) = &trees[name_at] else { return };
            if let Some(table) = table {
                self.diesel_columns(&table, &keys, &body.stream());
            }
            i = name_at + 1;
        }
    }

    fn diesel_columns(&mut self, table: &str, keys: &[String], body: &TokenStream) {
        let trees: Vec<TokenTree> = body.clone().into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            let TokenTree::Ident(column) = tree else { continue };
            let arrow = matches!((trees.get(i + 1), trees.get(i + 2)), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == '-' && b.as_char() == '>');
            if !arrow || !keys.iter().any(|k| column == k.as_str()) {
                continue;
            }
            // The type: the first identifier after `->` that is not `Nullable`.
            let ty = trees[i + 3..].iter().find_map(|t| match t {
                TokenTree::Ident(id) if id != "Nullable" => Some(id.to_string()),
                _ => None,
            });
            if let Some(ty) = ty.filter(|t| DIESEL_INTEGERS.contains(&t.as_str())) {
                let span = self.span(column.span());
                self.facts.tables.push(TableKey {
                    table: table.to_owned(),
                    column: column.to_string(),
                    how: format!("an integer `{ty}` primary key (diesel `table!`)"),
                    span,
                });
            }
        }
    }

    /// Auto-increment keys a migration's body creates (see the module doc).
    pub(super) fn migration_keys(&mut self, block: &syn::Block) {
        let mut found = MigrationKeys { keys: Vec::new(), table: None };
        found.visit_block(block);
        for (table, column, how, span) in found.keys {
            let span = self.span(span);
            self.facts.tables.push(TableKey { table, column, how: how.to_owned(), span });
        }
    }

    /// A sea-orm entity (`#[sea_orm(table_name = "users")]` on a `DeriveEntityModel`
    /// struct): its `#[sea_orm(primary_key)]` integer fields auto-increment unless they say
    /// `auto_increment = false`.
    pub(super) fn sea_orm_keys(&mut self, s: &syn::ItemStruct, table: &str) {
        for field in &s.fields {
            let Some(ident) = &field.ident else { continue };
            let mut primary = false;
            let mut auto = true;
            for attr in field.attrs.iter().filter(|a| last_segment(a.path()) == "sea_orm") {
                if let syn::Meta::List(list) = &attr.meta {
                    for item in super::meta_items(&list.tokens) {
                        match (item.key.as_str(), item.value.as_deref()) {
                            ("primary_key", None) => primary = true,
                            ("auto_increment", Some("false")) => auto = false,
                            _ => {}
                        }
                    }
                }
            }
            let integer = match &field.ty {
                syn::Type::Path(p) => crate::facts::is_integer(&last_segment(&p.path)),
                _ => false,
            };
            if primary && auto && integer {
                let span = self.span(ident.span());
                self.facts.tables.push(TableKey {
                    table: table.to_owned(),
                    column: super::unraw(&ident.to_string()),
                    how: "an auto-increment integer primary key (sea-orm entity)".to_owned(),
                    span,
                });
            }
        }
    }
}

/// Finds the auto-increment keys a migration creates: the table is the `Iden` enum of the
/// column (`Users::Id` in table `users`) or the literal a loco `create_table` names.
struct MigrationKeys {
    keys: Vec<(String, String, &'static str, proc_macro2::Span)>,
    /// Inside a loco `create_table(m, "users", ..)` call: its table.
    table: Option<String>,
}

impl MigrationKeys {
    /// `Users::Id`: the table (`users`, from the enum) and the column (`id`).
    fn iden(expr: &syn::Expr) -> Option<(String, String, proc_macro2::Span)> {
        let syn::Expr::Path(p) = expr else { return None };
        let n = p.path.segments.len();
        if n < 2 {
            return None;
        }
        let table = crate::subject::tokens(&p.path.segments[n - 2].ident.to_string()).join("_");
        let column = &p.path.segments[n - 1].ident;
        Some((table, crate::subject::tokens(&column.to_string()).join("_"), column.span()))
    }

    /// The column of the `ColumnDef::new(Users::Id)` at the base of a method chain.
    fn column_def(mut expr: &syn::Expr) -> Option<&syn::Expr> {
        loop {
            match expr {
                syn::Expr::MethodCall(mc) => expr = &mc.receiver,
                syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "new")) =>
                {
                    return c.args.first();
                }
                _ => return None,
            }
        }
    }
}

impl<'ast> Visit<'ast> for MigrationKeys {
    fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
        // `ColumnDef::new(Users::Id).integer().auto_increment().primary_key()`
        if mc.method == "auto_increment"
            && let Some((table, column, span)) = Self::column_def(&mc.receiver).and_then(Self::iden)
        {
            self.keys.push((table, column, "an auto-increment column (sea-orm migration)", span));
        }
        syn::visit::visit_expr_method_call(self, mc);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let name = match &*call.func {
            syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        match name.as_deref() {
            // `pk_auto(Users::Id)`: an auto-increment primary key.
            Some("pk_auto" | "big_pk_auto") => {
                if let Some((table, column, span)) = call.args.first().and_then(Self::iden) {
                    self.keys.push((table, column, "an auto-increment primary key (`pk_auto`)", span));
                }
            }
            // loco `create_table(m, "users", &[("id", ColType::PkAuto), ..], ..)`.
            Some("create_table") => {
                let table = call.args.iter().find_map(|a| match a {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                    _ => None,
                });
                let outer = std::mem::replace(&mut self.table, table);
                syn::visit::visit_expr_call(self, call);
                self.table = outer;
                return;
            }
            _ => {}
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_tuple(&mut self, t: &'ast syn::ExprTuple) {
        // `("id", ColType::PkAuto)` inside a loco `create_table`.
        if let (Some(table), [syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(column), .. }), syn::Expr::Path(ty)]) =
            (&self.table, t.elems.iter().collect::<Vec<_>>().as_slice())
            && ty.path.segments.last().is_some_and(|s| matches!(s.ident.to_string().as_str(), "PkAuto" | "PkAutoBig"))
        {
            self.keys.push((
                table.clone(),
                column.value(),
                "an auto-increment primary key (`ColType::PkAuto`)",
                column.span(),
            ));
        }
        syn::visit::visit_expr_tuple(self, t);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
