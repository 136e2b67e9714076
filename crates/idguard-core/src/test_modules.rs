//! Test-only code across files: which out-of-line modules a file declares under a test
//! `cfg` (`#[cfg(test)] mod tests;`), and where their files live. Found without parsing the
//! whole file (the prefilter's lexical scan) and, for files with inline modules, by the
//! parse stage; both use the predicates here, so the two modes agree.
//!
//! A syntax-level leaf: it reads text and token streams, never syntax trees or facts.

use proc_macro2::{TokenStream, TokenTree};

use crate::lex::is_ident_byte;

/// Out-of-line module declarations whose attributes mention `cfg`: for each, the module
/// name and the attribute text in front of it (since the previous item ended).
fn cfg_module_declarations(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"mod ").filter_map(move |at| {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            return None;
        }
        let rest = &bytes[at + 4..];
        let name_len = rest.iter().take_while(|b| is_ident_byte(**b)).count();
        let after = rest[name_len..].iter().copied().find(|b| !b.is_ascii_whitespace());
        if name_len == 0 || after != Some(b';') {
            return None;
        }
        let start = bytes[..at].iter().rposition(|b| matches!(b, b';' | b'{' | b'}')).map_or(0, |i| i + 1);
        memchr::memmem::find(&bytes[start..at], b"cfg")?;
        Some((&text[at + 4..at + 4 + name_len], &text[start..at]))
    })
}

/// Whether the text declares an out-of-line module with a `cfg` attribute in front of it
/// (possibly `#[cfg(test)] mod tests;`), which decides whether other files are test code.
pub fn declares_cfg_module(text: &str) -> bool {
    cfg_module_declarations(text).next().is_some()
}

/// Whether the text opens an inline module (`mod name {`), whose items sit one directory
/// deeper for out-of-line submodules.
fn has_inline_module(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"mod ").any(|at| {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            return false;
        }
        let rest = &bytes[at + 4..];
        let name_len = rest.iter().take_while(|b| is_ident_byte(**b)).count();
        name_len > 0 && rest[name_len..].iter().copied().find(|b| !b.is_ascii_whitespace()) == Some(b'{')
    })
}

/// The files of the test-only modules a file declares (`#[cfg(test)] mod tests;`, with
/// `#[path]`), found without parsing the file; `None` when the file has inline modules
/// (then the parse stage finds them).
pub fn cfg_test_modules(text: &str, file: &str) -> Option<Vec<String>> {
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    use std::str::FromStr;
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"mod ").is_none() {
        return Some(Vec::new());
    }
    if has_inline_module(bytes) {
        return None;
    }
    let mut out = Vec::new();
    for (name, attributes) in cfg_module_declarations(text) {
        let Ok(attrs) = TokenStream::from_str(attributes) else { continue };
        let trees: Vec<TokenTree> = attrs.into_iter().collect();
        let mut test_only = false;
        let mut explicit: Option<String> = None;
        for pair in trees.windows(2) {
            let (TokenTree::Punct(hash), TokenTree::Group(group)) = (&pair[0], &pair[1]) else { continue };
            if hash.as_char() != '#' || group.delimiter() != Delimiter::Bracket {
                continue;
            }
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            match inner.as_slice() {
                [TokenTree::Ident(cfg), TokenTree::Group(args)] if cfg == "cfg" => {
                    test_only |= cfg_requires_test(&args.stream());
                }
                [TokenTree::Ident(path), TokenTree::Punct(eq), TokenTree::Literal(lit)]
                    if path == "path" && eq.as_char() == '=' =>
                {
                    explicit = syn::parse_str::<syn::LitStr>(&lit.to_string()).ok().map(|l| l.value());
                }
                _ => {}
            }
        }
        if test_only {
            let name = name.strip_prefix("r#").unwrap_or(name);
            out.extend(test_module_paths(file, &[], name, explicit.as_deref()));
        }
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    Some(out)
}

/// Where the file of an out-of-line test module lives: `name.rs`, `name/mod.rs` and
/// everything under `name/`, next to the declaring file's module directory (inside its
/// inline modules), or at its `#[path = ".."]`.
pub fn test_module_paths(file: &str, inline: &[String], name: &str, explicit: Option<&str>) -> Vec<String> {
    let (parent, stem) = match file.rsplit_once('/') {
        Some((dir, file)) => (format!("{dir}/"), file.trim_end_matches(".rs")),
        None => (String::new(), file.trim_end_matches(".rs")),
    };
    if let Some(explicit) = explicit {
        return vec![format!("{parent}{explicit}")];
    }
    let mut dir = parent;
    if !matches!(stem, "lib" | "main" | "mod") {
        dir.push_str(stem);
        dir.push('/');
    }
    for module in inline {
        dir.push_str(module);
        dir.push('/');
    }
    vec![format!("{dir}{name}.rs"), format!("{dir}{name}/")]
}

/// Whether a `cfg(...)` predicate can only hold in test builds: `test`, a test-only
/// feature (`feature = "test-utils"`, `"tests-cfg"`, `"mock"`), or `all(..)` holding one.
pub fn cfg_requires_test(tokens: &TokenStream) -> bool {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    match trees.as_slice() {
        [TokenTree::Ident(i)] => i == "test",
        [TokenTree::Ident(i), TokenTree::Punct(eq), value] if i == "feature" && eq.as_char() == '=' => {
            let value = string_value(value);
            crate::subject::tokens(&value)
                .iter()
                .any(|t| matches!(t.as_str(), "test" | "tests" | "testing" | "mock" | "mocks"))
        }
        [TokenTree::Ident(i), TokenTree::Group(g)] if i == "all" => {
            let mut part = TokenStream::new();
            let mut found = false;
            for tree in g.stream() {
                if matches!(&tree, TokenTree::Punct(p) if p.as_char() == ',') {
                    found |= cfg_requires_test(&part);
                    part = TokenStream::new();
                } else {
                    part.extend([tree]);
                }
            }
            found || cfg_requires_test(&part)
        }
        _ => false,
    }
}

/// The text of a string literal without quotes, or the token as written.
pub(crate) fn string_value(tree: &TokenTree) -> String {
    let raw = tree.to_string();
    if let TokenTree::Literal(_) = tree
        && let Ok(lit) = syn::parse_str::<syn::LitStr>(&raw)
    {
        return lit.value();
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_test_modules() {
        let text = "mod api;\n#[cfg(test)]\nmod tests;\n#[cfg(all(test, feature = \"x\"))]\n#[path = \"t/helpers.rs\"]\nmod helpers;\n#[cfg(feature = \"y\")]\nmod y;\n";
        assert_eq!(cfg_test_modules(text, "src/lib.rs").unwrap(), ["src/tests.rs", "src/tests/", "src/t/helpers.rs"]);
        assert_eq!(cfg_test_modules(text, "src/a.rs").unwrap()[0], "src/a/tests.rs");
        assert!(cfg_test_modules("mod inner {\n    #[cfg(test)]\n    mod t;\n}\n", "src/lib.rs").is_none());
    }

    #[test]
    fn cfg_modules() {
        assert!(declares_cfg_module("#[cfg(test)]\nmod tests;\n"));
        assert!(declares_cfg_module("mod a;\n#[cfg(feature = \"x\")]\npub mod b;"));
        assert!(!declares_cfg_module("mod a;\n#[cfg(test)]\nmod tests {\n}\n"));
        assert!(!declares_cfg_module("pub mod api;\nfn f() {}"));
    }
}
