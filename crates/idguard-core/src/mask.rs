//! Function-body masking: the parse stage records declarations, signatures and `use`
//! items, never what a function body says, and bodies are most of the tokens of a Rust
//! file (with doc comments, which are blanked too). So before parsing, the inside of every function body is replaced by spaces:
//! newlines and byte offsets stay where they were, so every span is unchanged, and `syn`
//! sees `fn f() -> T {}` for the price of lexing the whitespace.
//!
//! Masking is part of how idguard parses, in every mode (`--no-prefilter` included), so
//! it never makes two modes disagree. When the lexer cannot follow the text (an unclosed
//! string or brace) nothing is masked; when the masked text does not parse, the caller
//! parses the original, so a syntax error is reported as it always was.

use crate::lex::{Lexer, Tok};

/// What a blanked block is the body of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// A function or method.
    Fn,
    /// An `impl` or `trait` block.
    Impl,
    /// The value of a `const` or `static` item (never kept: no stage reads it).
    Const,
}

/// Where the scanner is relative to a function or `impl`/`trait` item.
enum State {
    /// Outside any signature or header.
    Idle,
    /// Just after the `fn` keyword: a name follows for an item, `(` for a pointer type.
    AfterFn,
    /// Just after `const` or `static`: `fn` may follow, or qualifiers, or the item's name.
    AfterConst,
    /// In a signature or header; `depth` counts the open `(`, `[` and `<` (not `->`).
    Header { body: Body, depth: u32 },
    /// In the value of a `const` or `static` item that starts at `start`; `depth` counts
    /// the open delimiters.
    Value { start: usize, depth: u32 },
}

/// Values shorter than this are left alone: blanking them saves nothing.
const MIN_VALUE: usize = 32;

/// `text` with the inside of each function body (and each `impl` or `trait` block) blanked,
/// or `None` when there is nothing to blank or the lexer cannot follow the text. A body
/// for which `keep(kind, header, body)` answers yes is left as it is, and the items in it
/// are masked in turn; `header` is the item up to its body (attributes, signature).
pub fn blank_bodies(text: &str, keep: impl Fn(Body, &str, &str) -> bool) -> Option<String> {
    let b = text.as_bytes();
    // Ranges to blank, and whether a `0` must stand in for a value there.
    let mut blank: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    let mut lexer = Lexer::new(text);
    let mut state = State::Idle;
    // Where the current item starts: after the previous `;`, `{` or `}` outside headers.
    let mut item_start = 0;
    while let Some(tok) = lexer.next() {
        state = match (state, tok) {
            (_, Tok::Unclosed) => return None,
            // Doc comments become `#[doc = ".."]` attributes: tokens and string literals that
            // no stage reads. Blanked wherever they are (the state does not change).
            (state, Tok::LineComment(start, end)) => {
                let comment = &b[start..end];
                if (comment.starts_with(b"///") && !comment.starts_with(b"////")) || comment.starts_with(b"//!") {
                    blank.push((start..end, false));
                }
                state
            }
            (State::Idle, Tok::Punct(b';' | b'{' | b'}', at)) => {
                item_start = at + 1;
                State::Idle
            }
            (State::Idle, Tok::Ident(s, e)) => match &b[s..e] {
                b"fn" => State::AfterFn,
                b"impl" | b"trait" => State::Header { body: Body::Impl, depth: 0 },
                b"const" | b"static" => State::AfterConst,
                _ => State::Idle,
            },
            (State::AfterFn, Tok::Ident(..)) => State::Header { body: Body::Fn, depth: 0 },
            (State::AfterConst, Tok::Ident(s, e)) => match &b[s..e] {
                b"fn" => State::AfterFn,
                b"unsafe" | b"async" | b"extern" => State::AfterConst,
                _ => State::Header { body: Body::Const, depth: 0 },
            },
            (State::AfterConst, Tok::Other) => State::AfterConst,
            (State::Idle | State::AfterFn | State::AfterConst, _) => State::Idle,
            // `const X: T = VALUE;`: the value starts after the first `=` outside brackets.
            // Anything else ends the item (a `*const T` pointer type, a const generic).
            (State::Header { body: Body::Const, depth }, Tok::Punct(c, at)) => match c {
                b'(' | b'[' | b'<' => State::Header { body: Body::Const, depth: depth + 1 },
                b'>' if at > 0 && b[at - 1] == b'-' => State::Header { body: Body::Const, depth },
                b')' | b']' | b'>' if depth > 0 => State::Header { body: Body::Const, depth: depth - 1 },
                b'=' if depth == 0 => State::Value { start: at + 1, depth: 0 },
                b':' | b'&' | b'*' | b'\'' | b'#' | b'!' => State::Header { body: Body::Const, depth },
                _ if depth > 0 => State::Header { body: Body::Const, depth },
                _ => State::Idle,
            },
            (State::Value { start, depth }, Tok::Punct(c, at)) => match c {
                b'(' | b'[' | b'{' => State::Value { start, depth: depth + 1 },
                b')' | b']' | b'}' if depth == 0 => State::Idle,
                b')' | b']' | b'}' => State::Value { start, depth: depth - 1 },
                b';' if depth == 0 => {
                    if at - start >= MIN_VALUE {
                        blank.push((start..at, true));
                    }
                    State::Idle
                }
                _ => State::Value { start, depth },
            },
            (State::Header { body, depth }, Tok::Punct(c, at)) => match c {
                b'(' | b'[' | b'<' => State::Header { body, depth: depth + 1 },
                // `->` is not a closing angle bracket.
                b'>' if at > 0 && b[at - 1] == b'-' => State::Header { body, depth },
                b')' | b']' | b'>' => State::Header { body, depth: depth.saturating_sub(1) },
                b';' if depth == 0 => State::Idle,
                b'{' => {
                    let close = lexer.skip_braces(at)? - 1;
                    if depth > 0 {
                        // A const-generic block (`Foo<{ N + 1 }>`): part of the signature.
                        State::Header { body, depth }
                    } else {
                        if keep(body, &text[item_start..at], &text[at + 1..close]) {
                            lexer.seek(at + 1);
                            item_start = at + 1;
                        } else {
                            if b[at + 1..close].iter().any(|c| !c.is_ascii_whitespace()) {
                                blank.push((at + 1..close, false));
                            }
                            item_start = close + 1;
                        }
                        State::Idle
                    }
                }
                _ => State::Header { body, depth },
            },
            (state @ (State::Header { .. } | State::Value { .. }), _) => state,
        };
    }
    if blank.is_empty() {
        return None;
    }
    let mut out = b.to_vec();
    for (range, placeholder) in blank {
        let mut zero = placeholder;
        for byte in &mut out[range] {
            if zero && !byte.is_ascii_whitespace() {
                *byte = b'0';
                zero = false;
            } else if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Whole UTF-8 sequences were replaced by ASCII spaces: still valid UTF-8.
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        blank_bodies(text, |body, _, _| body == Body::Impl).unwrap_or_else(|| text.to_owned())
    }

    #[test]
    fn blanks_bodies_and_keeps_offsets() {
        let text = "fn f(x: u8) -> Json<T> {\n    let y = \"}\";\n    y\n}\nstruct S;";
        let out = masked(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(out, "fn f(x: u8) -> Json<T> {\n                \n     \n}\nstruct S;");
    }

    #[test]
    fn signatures_with_braces_arrows_and_pointers() {
        // Const-generic blocks, `->` inside generics, fn pointer parameters, where clauses.
        let text = "fn f<const N: usize>(a: [u8; { N }], g: fn(u8) -> u8) -> Foo<{ N }> where F: Fn() -> u8 { body }";
        assert!(masked(text).ends_with("where F: Fn() -> u8 {      }"));
        // Trait methods without bodies, then a default method.
        let text = "trait T { fn a(&self) -> u8; fn b(&self) { x } }";
        assert_eq!(masked(text), "trait T { fn a(&self) -> u8; fn b(&self) {   } }");
        // A fn pointer type in a struct is not an item.
        let text = "struct S { f: fn(u8) -> u8 } impl S { fn g() { y } }";
        assert_eq!(masked(text), "struct S { f: fn(u8) -> u8 } impl S { fn g() {   } }");
    }

    #[test]
    fn kept_bodies_are_scanned_inside() {
        let text = "fn outer() { route(); fn inner() { z } }";
        let out = blank_bodies(text, |_, _, body| body.contains("route")).unwrap();
        assert_eq!(out, "fn outer() { route(); fn inner() {   } }");
        // Impl and trait blocks: blanked whole unless kept.
        let text = "impl<T: Fn() -> u8> S for T where T: X { fn a() -> Json<U> { b } } trait T { fn c(); }";
        let out = blank_bodies(text, |body, _, text| body == Body::Impl && text.contains("Json")).unwrap();
        assert_eq!(out, "impl<T: Fn() -> u8> S for T where T: X { fn a() -> Json<U> {   } } trait T {         }");
    }

    #[test]
    fn doc_comments_are_blanked() {
        let text = "//! crate doc\n/// item doc\n//// not a doc\nstruct S; // plain\n";
        assert_eq!(masked(text), "             \n            \n//// not a doc\nstruct S; // plain\n");
    }

    #[test]
    fn keep_sees_the_item_header() {
        let text = "use x;\n#[get(\"/u/{id}\")]\nasync fn get_user(id: Path<i64>) { check(id) }\nfn other() { y }";
        let out = blank_bodies(text, |_, header, _| header.contains("#[get")).unwrap();
        assert_eq!(
            out,
            "use x;\n#[get(\"/u/{id}\")]\nasync fn get_user(id: Path<i64>) { check(id) }\nfn other() {   }"
        );
    }

    #[test]
    fn long_const_and_static_values_become_zero() {
        let value = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]";
        let text =
            format!("pub const T: [u8; 15] =\n    {value};\nstatic mut S: &[u8] = &{value};\nconst fn f() {{ x }}");
        let out = masked(&text);
        assert_eq!(out.len(), text.len());
        let blank = " ".repeat(value.len() - 1);
        assert_eq!(
            out,
            format!("pub const T: [u8; 15] =\n    0{blank};\nstatic mut S: &[u8] = 0 {blank};\nconst fn f() {{   }}")
        );
        // Short values, pointer types and const generics are left alone.
        let text = "const A: u8 = 1; struct P { p: *const u8, q: *mut u8 } impl<const N: usize> X<N> { fn g() {} }";
        assert_eq!(masked(text), text);
    }

    #[test]
    fn unfollowable_text_is_left_alone() {
        assert_eq!(blank_bodies("fn f() { \"open }", |_, _, _| false), None);
        assert_eq!(blank_bodies("fn f() { {", |_, _, _| false), None);
        assert_eq!(blank_bodies("struct S;", |_, _, _| false), None);
        // Multi-byte characters become spaces byte for byte.
        assert_eq!(masked("fn f() { \"é\" }"), "fn f() {      }");
    }
}
