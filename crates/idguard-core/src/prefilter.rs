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

use aho_corasick::AhoCorasick;

use crate::facts::{FileFacts, TypeRef};
use crate::surface::{RESPONSE_WRAPPERS, SCHEMA_DERIVES, SERIALIZE_DERIVES};

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

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
        let automaton = AhoCorasick::new(&words).expect("the marker words form a valid automaton");
        Markers { automaton, wrapper }
    })
}

/// Whether the text names an API-surface derive or a response wrapper with type arguments.
pub fn mentions_surface(text: &str) -> bool {
    let bytes = text.as_bytes();
    let markers = markers();
    markers.automaton.find_overlapping_iter(bytes).any(|m| {
        let before_ok = m.start() == 0 || !is_ident_byte(bytes[m.start() - 1]);
        let after = bytes.get(m.end()).copied();
        let after_ok = after.is_none_or(|b| !is_ident_byte(b));
        if !(before_ok && after_ok) {
            return false;
        }
        if !markers.wrapper[m.pattern().as_usize()] {
            return true;
        }
        // `Json<T>`, `Json <T>`, or a comment between: anything but a plain use of the name.
        let rest = bytes[m.end()..].iter().copied().find(|b| !b.is_ascii_whitespace());
        matches!(rest, Some(b'<' | b'/'))
    })
}

/// Whether the text declares an out-of-line module with a `cfg` attribute in front of it
/// (possibly `#[cfg(test)] mod tests;`), which decides whether other files are test code.
pub fn declares_cfg_module(text: &str) -> bool {
    let bytes = text.as_bytes();
    let finder = memchr::memmem::Finder::new(b"mod ");
    for at in finder.find_iter(bytes) {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        let rest = &bytes[at + 4..];
        let name_len = rest.iter().take_while(|b| is_ident_byte(**b)).count();
        let after = rest[name_len..].iter().copied().find(|b| !b.is_ascii_whitespace());
        if name_len == 0 || after != Some(b';') {
            continue;
        }
        // The attributes in front: the text since the previous item ended.
        let start = bytes[..at].iter().rposition(|b| matches!(b, b';' | b'{' | b'}')).map_or(0, |i| i + 1);
        if memchr::memmem::find(&bytes[start..at], b"cfg").is_some() {
            return true;
        }
    }
    false
}

/// Whether a file must be parsed on its own account.
pub fn selects(text: &str) -> bool {
    mentions_surface(text) || declares_cfg_module(text)
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

/// Names a parsed file refers to and may need declarations for: every path segment in
/// field types, alias targets, `serde(into)` targets and handler return types, and every
/// imported name.
pub fn referenced_names<'a>(facts: &'a FileFacts) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut add = |ty: &'a TypeRef| {
        ty.for_each_path(&mut |p| {
            if let TypeRef::Path { segments, .. } = p {
                out.extend(segments.iter().map(String::as_str));
            }
        });
    };
    for decl in &facts.types {
        for field in &decl.fields {
            add(&field.ty);
        }
        if let Some(alias) = &decl.alias_of {
            add(alias);
        }
        if let Some(into) = &decl.serde_into {
            add(into);
        }
    }
    for func in &facts.fns {
        if let Some(ret) = &func.ret {
            add(ret);
        }
    }
    out.extend(facts.uses.iter().flat_map(|u| u.path.iter().map(String::as_str)));
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surface_markers_match_whole_identifiers() {
        assert!(mentions_surface("#[derive(serde::Serialize)] struct A;"));
        assert!(mentions_surface("fn f() -> Json<A> {}"));
        assert!(mentions_surface("fn f() -> axum::Json <A> {}"));
        assert!(!mentions_surface("fn f(j: Json) {} // a plain use of the name"));
        assert!(!mentions_surface("trait Serializer {} struct JsonValue;"));
        assert!(!mentions_surface("let response = client.get();"));
    }

    #[test]
    fn cfg_modules() {
        assert!(declares_cfg_module("#[cfg(test)]\nmod tests;\n"));
        assert!(declares_cfg_module("mod a;\n#[cfg(feature = \"x\")]\npub mod b;"));
        assert!(!declares_cfg_module("mod a;\n#[cfg(test)]\nmod tests {\n}\n"));
        assert!(!declares_cfg_module("pub mod api;\nfn f() {}"));
    }

    #[test]
    fn declared_names_are_lexical() {
        let names = declared_names("pub struct MemberId(pub i64);\npub type RoomNo = u64;\nenum E {}\nlet x: Type;");
        assert_eq!(names, ["MemberId", "E", "RoomNo"]);
    }
}
