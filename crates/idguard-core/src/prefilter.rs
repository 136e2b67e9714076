//! The prefilter: a byte scan that finds the files that can matter, so that only those
//! are parsed.
//!
//! A file can produce facts that matter only by (a) naming a derive or attribute that puts
//! a type on an API surface (`Serialize`, `SimpleObject`, ...), (b) naming a response
//! wrapper with type arguments (`Json<..>`, `Response<..>`), (c) declaring an out-of-line
//! module under a `cfg` attribute (`#[cfg(test)] mod tests;`), or (d) declaring a type that
//! such a file uses (`type UserId = i64;`), which is found through [`declared_names`] and
//! parsed on demand. Each check matches whole identifiers, so the prefilter is sound: a
//! `--no-prefilter` run parses every file and must give identical output (a test and the
//! benchmark prove it).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::lex::{Lexer, Tok, is_ident_byte};

use crate::facts::{FileFacts, TypeRef};
use crate::surface::{RESPONSE_WRAPPERS, SCHEMA_DERIVES, SERIALIZE_DERIVES, is_serializable, response_bodies};

struct Markers {
    automaton: AhoCorasick,
    /// Per pattern: a response wrapper (must be followed by `<`) or a derive name.
    wrapper: Vec<bool>,
}

fn markers() -> &'static Markers {
    static MARKERS: OnceLock<Markers> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut words: Vec<&str> = Vec::new();
        let mut wrapper = Vec::new();
        for w in SERIALIZE_DERIVES.iter().chain(SCHEMA_DERIVES) {
            if !words.contains(w) {
                words.push(w);
                wrapper.push(false);
            }
        }
        for w in RESPONSE_WRAPPERS {
            words.push(w);
            wrapper.push(true);
        }
        // Every marker is a whole identifier, so the longest match at a position is the only
        // one that can be a whole word there, and a marker starting inside another match is
        // preceded by an identifier byte: a non-overlapping search finds every whole-word
        // occurrence, and (unlike an overlapping one) can skip ahead with its prefilter.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .expect("the marker words form a valid automaton");
        Markers { automaton, wrapper }
    })
}

/// Whether the text names an API-surface derive inside an attribute, or a response
/// wrapper with type arguments inside a function's return type.
pub fn mentions_surface(text: &str) -> bool {
    let bytes = text.as_bytes();
    let markers = markers();
    markers.automaton.find_iter(bytes).any(|m| {
        let before_ok = m.start() == 0 || !is_ident_byte(bytes[m.start() - 1]);
        let after = bytes.get(m.end()).copied();
        let after_ok = after.is_none_or(|b| !is_ident_byte(b));
        if !(before_ok && after_ok) {
            return false;
        }
        if markers.wrapper[m.pattern().as_usize()] {
            // `Json<T>`, `Json <T>`, or a comment between, in a return type.
            let rest = bytes[m.end()..].iter().copied().find(|b| !b.is_ascii_whitespace());
            matches!(rest, Some(b'<' | b'/')) && in_return_type(bytes, m.start())
        } else {
            in_attribute(bytes, m.start())
        }
    })
}

/// Whether the text names a response wrapper as a whole word: an `impl` block that does
/// not cannot hold a method the parse stage records.
pub fn mentions_wrapper(text: &str) -> bool {
    let bytes = text.as_bytes();
    let markers = markers();
    markers.automaton.find_iter(bytes).any(|m| {
        markers.wrapper[m.pattern().as_usize()]
            && (m.start() == 0 || !is_ident_byte(bytes[m.start() - 1]))
            && bytes.get(m.end()).is_none_or(|b| !is_ident_byte(*b))
    })
}

/// Whether the text names an API-surface derive inside an attribute (probe helper).
pub fn mentions_derive(text: &str) -> bool {
    let bytes = text.as_bytes();
    let markers = markers();
    markers.automaton.find_iter(bytes).any(|m| {
        !markers.wrapper[m.pattern().as_usize()]
            && (m.start() == 0 || !is_ident_byte(bytes[m.start() - 1]))
            && bytes.get(m.end()).is_none_or(|b| !is_ident_byte(*b))
            && in_attribute(bytes, m.start())
    })
}

/// How far back the attribute and return-type checks look before giving up (and
/// answering yes, which is always safe).
const LOOKBACK: usize = 1024;

/// Whether the word at `at` stands in an attribute: `#[derive(.., Word)]`,
/// `#[cfg_attr(.., derive(Word))]`, or an attribute macro `#[path::Word]`. The parse
/// stage records surface derives and attribute macros only there.
fn in_attribute(bytes: &[u8], at: usize) -> bool {
    let floor = at.saturating_sub(LOOKBACK);
    let Some(open) = bytes[floor..at].iter().rposition(|b| *b == b'[') else {
        return at - floor == LOOKBACK;
    };
    let between = &bytes[floor + open + 1..at];
    memchr::memmem::find(between, b"derive").is_some()
        || between.iter().all(|b| is_ident_byte(*b) || *b == b':' || b.is_ascii_whitespace())
}

/// Whether the word at `at` stands in a function's return type: going back over type
/// syntax only, an `->` comes before any `{`, `}`, `;` or `=`.
fn in_return_type(bytes: &[u8], at: usize) -> bool {
    let floor = at.saturating_sub(LOOKBACK);
    let mut i = at;
    while i > floor {
        i -= 1;
        match bytes[i] {
            b'>' if i > 0 && bytes[i - 1] == b'-' => return true,
            b'{' | b'}' | b';' | b'=' => return false,
            _ => {}
        }
    }
    // The start of the text: no `->`. The look-back limit: unknown, so yes.
    at - floor == LOOKBACK
}

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
                    test_only |= crate::lower::cfg_requires_test(&args.stream());
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
            out.extend(crate::lower::test_module_paths(file, &[], name, explicit.as_deref()));
        }
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    Some(out)
}

/// Type names the text declares (`struct NAME`, `enum NAME`, `union NAME`, `type NAME`),
/// found lexically: an over-approximation (comments and strings count too).
pub fn declared_names(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    for keyword in ["struct", "enum", "union", "type"] {
        for at in memchr::memmem::find_iter(bytes, keyword.as_bytes()) {
            if at > 0 && is_ident_byte(bytes[at - 1]) {
                continue;
            }
            let rest = &bytes[at + keyword.len()..];
            let spaces = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if spaces == 0 {
                continue;
            }
            let name_len = rest[spaces..].iter().take_while(|b| is_ident_byte(**b)).count();
            if name_len == 0 {
                continue;
            }
            if let Ok(name) = std::str::from_utf8(&rest[spaces..spaces + name_len]) {
                let name = name.strip_prefix("r#").unwrap_or(name);
                if !out.iter().any(|n| n == name) {
                    out.push(name.to_owned());
                }
            }
        }
    }
    out
}

/// Whether the text declares one of `names` as a module-level type (`struct`, `enum`,
/// `union` or `type` directly in the file or in inline `mod x { .. }` blocks: where the
/// parse stage records declarations), rather than as an associated type or inside a
/// function. A small lexer skips comments, strings, raw strings and character literals
/// and tracks which braces are module blocks; anything it cannot follow (an unclosed
/// string or comment, unbalanced braces) counts as declaring, so the file gets parsed.
pub fn declares_at_module_level(text: &str, names: &[&str]) -> bool {
    let b = text.as_bytes();
    // Braces that are not module blocks, and whether each open brace is one.
    let mut nested = 0usize;
    let mut stack: Vec<bool> = Vec::new();
    // 1 after `mod`, 2 after `mod NAME`: the next `{` opens a module block.
    let mut after_mod = 0u8;
    let mut lexer = Lexer::new(text).peekable();
    while let Some(tok) = lexer.next() {
        match tok {
            Tok::Unclosed => return true,
            Tok::Punct(b'{', _) => {
                let module = after_mod == 2;
                stack.push(module);
                if !module {
                    nested += 1;
                }
                after_mod = 0;
            }
            Tok::Punct(b'}', _) => {
                match stack.pop() {
                    Some(false) => nested -= 1,
                    Some(true) => {}
                    None => return true,
                }
                after_mod = 0;
            }
            Tok::Punct(b';', _) => after_mod = 0,
            Tok::Ident(s, e) => {
                let word = &b[s..e];
                if word == b"mod" {
                    after_mod = 1;
                    continue;
                }
                if after_mod == 1 {
                    after_mod = 2;
                    continue;
                }
                after_mod = 0;
                if nested == 0
                    && matches!(word, b"struct" | b"enum" | b"union" | b"type")
                    && let Some(Tok::Ident(s, e)) = lexer.peek()
                {
                    let name = &text[*s..*e];
                    if names.contains(&name.strip_prefix("r#").unwrap_or(name)) {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    !stack.is_empty()
}

/// The byte ranges of the `//` comments of a Rust text (from `//` to the end of the
/// line), skipping strings, raw strings, character literals and block comments, so
/// that `"// not a comment"` is not one.
pub fn line_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    Lexer::new(text)
        .filter_map(|tok| match tok {
            Tok::LineComment(start, end) => Some(start..end),
            _ => None,
        })
        .collect()
}

/// The names a parsed file looks up on its own account, mirroring what the index
/// resolves from it: the types of visible fields and `serde(into)` targets of
/// serializable types, and the response bodies of handlers; minus the names serial
/// resolution handles itself; plus the original name of each `use ... as` rename.
pub fn root_names(facts: &FileFacts) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for decl in facts.types.iter().filter(|d| is_serializable(d)) {
        for field in decl.fields.iter().filter(|f| !f.hidden) {
            push_names(&field.ty, &mut out);
        }
        if let Some(into) = &decl.serde_into {
            push_names(into, &mut out);
        }
    }
    for func in &facts.fns {
        if let Some(ret) = &func.ret {
            for (_, body) in response_bodies(ret) {
                push_names(body, &mut out);
            }
        }
    }
    with_renames(facts, out)
}

/// The names looking up `name` in this file leads to: the target of an alias and the
/// inner type of a single-field wrapper declared under that name.
pub fn follow_names<'a>(facts: &'a FileFacts, name: &str) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    for decl in facts.types.iter().filter(|d| d.name == name) {
        if let Some(alias) = &decl.alias_of {
            push_names(alias, &mut out);
        } else if crate::index::Index::is_wrapper(decl) {
            push_names(&decl.fields[0].ty, &mut out);
        }
    }
    with_renames(facts, out)
}

fn with_renames<'a>(facts: &'a FileFacts, mut out: Vec<&'a str>) -> Vec<&'a str> {
    let renamed: Vec<&str> = facts
        .uses
        .iter()
        .filter(|u| out.contains(&u.local.as_str()))
        .filter_map(|u| u.path.last().map(String::as_str))
        .collect();
    out.extend(renamed);
    out.sort_unstable();
    out.dedup();
    out
}

fn push_names<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    ty.for_each_path(&mut |p| {
        if let Some(name) = p.name()
            && !crate::index::is_builtin(name)
        {
            out.push(name);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surface_markers_match_whole_identifiers() {
        assert!(mentions_surface("#[derive(serde::Serialize)] struct A;"));
        assert!(mentions_surface("#[cfg_attr(feature = \"serde\", derive(Debug, Serialize))] struct A;"));
        assert!(mentions_surface("#[async_graphql::Object]\nimpl Query {}"));
        assert!(mentions_surface("fn f() -> Json<A> {}"));
        assert!(mentions_surface("async fn f(x: u8) -> Result<(StatusCode, axum::Json <A>), E> {}"));
        assert!(!mentions_surface("fn f(j: Json) {} // a plain use of the name"));
        assert!(!mentions_surface("trait Serializer {} struct JsonValue;"));
        assert!(!mentions_surface("let response = client.get();"));
        assert!(!mentions_surface("impl Serialize for A {}\nfn f<T: Serialize>(t: T) {}\nuse serde::Serialize;"));
        assert!(!mentions_surface("let r: Response<Body> = x;\nstruct S { r: Response<Body> }"));
    }

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

    #[test]
    fn module_level_declarations() {
        let text = "impl Deref for A { type Target = B; }\nmod inner { pub type UserId = i64; }\nfn f() { struct Local; }\nconst S: &str = \"struct Fake\";";
        assert!(!declares_at_module_level(text, &["Target"]));
        assert!(declares_at_module_level(text, &["UserId"]));
        assert!(!declares_at_module_level(text, &["Local"]));
        assert!(!declares_at_module_level(text, &["Fake"]));
        assert!(declares_at_module_level("struct Unclosed {", &["Anything"]));
        assert!(!declares_at_module_level(
            "// type X = u8;\n/* type X /* nested */ = u8; */\nfn f() { let s = r#\"type X\"#; let c = '{'; let l: &'static str = \"}\"; }",
            &["X"]
        ));
        assert!(declares_at_module_level("fn f() { let c = '}'; }\npub(crate) struct X;", &["X"]));
        assert!(declares_at_module_level(
            "#[cfg(test)]\nmod tests {\n    mod deeper {\n        pub type X = u8;\n    }\n}\n",
            &["X"]
        ));
        assert!(!declares_at_module_level("trait T {\n    type X;\n}\nmacro_rules! m { () => { struct X; } }", &["X"]));
    }

    #[test]
    fn line_comments_skip_strings() {
        let text = "let a = \"// not\"; // yes\nlet b = r#\"// no\"#; let c = '/'; /* // no */ // also\n";
        let found: Vec<&str> = line_comments(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["// yes", "// also"]);
    }

    #[test]
    fn declared_names_are_lexical() {
        let names = declared_names("pub struct MemberId(pub i64);\npub type RoomNo = u64;\nenum E {}\nlet x: Type;");
        assert_eq!(names, ["MemberId", "E", "RoomNo"]);
    }
}
