//! Persistence evidence in Rust sources: diesel `table!` schemas and sea-orm entities
//! whose primary key is an auto-increment integer.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

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
