//! Function-body masking: the parse stage records declarations, signatures and `use`
//! items, never what a function body says, and bodies are most of the tokens of a Rust
//! file (with doc comments, which are masked too). So before parsing, the inside of every
//! function body is cut out of the text ([`Masked`]): each cut leaves a space and the
//! newlines it had, so line numbers hold, and offsets are mapped back to the original
//! text, so every span is unchanged; `syn` sees `fn f() -> T { }` and the lexer never walks
//! the body.
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

/// Byte ranges of a text to blank, in any order (they may nest); `true` where a `0` must
/// stand in for the value that was there.
pub type Blanks = Vec<(std::ops::Range<usize>, bool)>;

/// The ranges of `text` to blank so that the inside of each function body (and each `impl`
/// or `trait` block) is gone, or `None` when there is nothing to blank or the lexer cannot
/// follow the text. A body for which `keep(kind, header, body)` answers yes is left as it
/// is, and the items in it are masked in turn; `header` is the item up to its body
/// (attributes, signature).
pub fn blank_bodies(text: &str, keep: impl Fn(Body, &str, &str) -> bool) -> Option<Blanks> {
    mask_items(text, keep, |_| true)
}

/// [`blank_bodies`], also cutting whole a function outside any kept body whose body is
/// not kept and whose header (attributes, signature) `signature_matters` says no stage
/// reads, when its start is certain.
pub fn mask_items(
    text: &str,
    keep: impl Fn(Body, &str, &str) -> bool,
    signature_matters: impl Fn(&str) -> bool,
) -> Option<Blanks> {
    let b = text.as_bytes();
    // Ranges to blank, and whether a `0` must stand in for a value there.
    let mut blank: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    let mut lexer = Lexer::new(text);
    let mut state = State::Idle;
    // Where the current item starts: after the previous `;`, `{` or `}` outside headers.
    let mut item_start = 0;
    // Where the keyword of the current `impl` or `trait` block, or function, is.
    let mut block_at = 0;
    // Where the kept bodies around the current position end (innermost last).
    let mut kept_until: Vec<usize> = Vec::new();
    while let Some(tok) = lexer.next() {
        state = match (state, tok) {
            (_, Tok::Unclosed) => return None,
            // Doc comments become `#[doc = ".."]` attributes: tokens and string literals that
            // no stage reads. Blanked wherever they are (the state does not change).
            (state, Tok::LineComment(start, end)) => {
                if is_doc_comment(&b[start..end]) {
                    blank.push((start..end, false));
                }
                state
            }
            (State::Idle, Tok::Punct(b';' | b'{' | b'}', at)) => {
                item_start = at + 1;
                State::Idle
            }
            (State::Idle, Tok::Ident(s, e)) => match &b[s..e] {
                b"fn" => {
                    block_at = s;
                    State::AfterFn
                }
                b"impl" | b"trait" => {
                    block_at = s;
                    State::Header { body: Body::Impl, depth: 0 }
                }
                b"const" | b"static" => State::AfterConst,
                _ => State::Idle,
            },
            (State::AfterFn, Tok::Ident(..)) => State::Header { body: Body::Fn, depth: 0 },
            (State::AfterConst, Tok::Ident(s, e)) => match &b[s..e] {
                b"fn" => {
                    block_at = s;
                    State::AfterFn
                }
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
                        while kept_until.last().is_some_and(|end| *end <= at) {
                            kept_until.pop();
                        }
                        let header = &text[item_start..at];
                        if keep(body, header, &text[at + 1..close]) {
                            lexer.seek(at + 1);
                            item_start = at + 1;
                            kept_until.push(close);
                        } else {
                            // No stage reads the header of an `impl` or `trait` block whose body
                            // is gone, nor of a function outside kept bodies (an `impl` of
                            // resolvers, say) whose signature does not matter: the whole item
                            // goes, when its start is certain (only attributes and qualifiers
                            // before the keyword).
                            let whole = match body {
                                Body::Impl => true,
                                Body::Fn => kept_until.is_empty() && !signature_matters(header),
                                Body::Const => false,
                            };
                            if whole && only_qualifiers(&text[item_start..block_at]) {
                                blank.push((item_start..close + 1, false));
                            } else if b[at + 1..close].iter().any(|c| !c.is_ascii_whitespace()) {
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
    Some(blank)
}

/// A masked text: the text with its blanked ranges cut out, each replaced by a space (a `0`
/// before it where a value stood) and the newlines it had, so line numbers hold and the
/// parser never walks the blanked bytes; offsets map back to the original text.
#[derive(Debug)]
pub struct Masked {
    /// The text to parse.
    pub text: String,
    /// Where each kept run starts: (offset in `text`, offset in the original), ascending.
    runs: Vec<(usize, usize)>,
    /// Where each line of `text` starts.
    lines: Vec<usize>,
}

/// Where each line of a text starts (the first at 0).
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect()
}

impl Masked {
    /// Cuts `blanks` out of `original`; `None` if a range does not fall on character
    /// boundaries (the lexer's ranges always do).
    pub fn new(original: &str, mut blanks: Blanks) -> Option<Masked> {
        blanks.sort_unstable_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
        let mut text = String::with_capacity(original.len() / 2);
        let mut runs = Vec::with_capacity(blanks.len() + 1);
        let mut pos = 0;
        for (range, zero) in blanks {
            // A range inside one already cut (a doc comment inside a constant's value).
            if range.end <= pos {
                continue;
            }
            let start = range.start.max(pos);
            runs.push((text.len(), pos));
            text.push_str(original.get(pos..start)?);
            if zero {
                text.push('0');
            }
            text.push(' ');
            let cut = original.get(start..range.end)?;
            text.extend(std::iter::repeat_n('\n', memchr::memchr_iter(b'\n', cut.as_bytes()).count()));
            pos = range.end;
        }
        runs.push((text.len(), pos));
        text.push_str(original.get(pos..)?);
        let lines = line_starts(&text);
        Some(Masked { text, runs, lines })
    }

    /// Where each line of the masked text starts.
    pub fn lines(&self) -> &[usize] {
        &self.lines
    }

    /// The kept runs: (offset in the masked text, offset in the original), ascending.
    pub fn runs(&self) -> &[(usize, usize)] {
        &self.runs
    }
}

/// The original offset of an offset of a masked text with these kept runs (see
/// [`Masked::runs`]); a position inside a cut maps to where the cut starts. No runs: the
/// offset itself.
pub fn original_offset(runs: &[(usize, usize)], offset: usize) -> usize {
    match runs.partition_point(|(masked, _)| *masked <= offset).checked_sub(1) {
        Some(i) => {
            let (masked, original) = runs[i];
            let next = runs.get(i + 1).map_or(usize::MAX, |r| r.1);
            (original + (offset - masked)).min(next)
        }
        None => offset,
    }
}

/// Whether the text before an item's keyword is only what may start the item: outer
/// attributes, `pub` (with its group), `unsafe`, `default`, `auto`, `async`, `const`,
/// `extern` with its ABI, and comments.
fn only_qualifiers(text: &str) -> bool {
    let b = text.as_bytes();
    let mut depth = 0u32;
    let mut after = b' ';
    for tok in Lexer::new(text) {
        match tok {
            Tok::LineComment(..) => continue,
            Tok::Punct(b'[' | b'(', _) if depth > 0 || after == b'#' || after == b'p' => depth += 1,
            Tok::Punct(b']' | b')', _) if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            Tok::Punct(b'#', _) => {}
            Tok::Ident(s, e)
                if matches!(&b[s..e], b"pub" | b"unsafe" | b"default" | b"auto" | b"async" | b"const" | b"extern") => {}
            // The ABI string after `extern`.
            Tok::Other if after == b'e' => {}
            _ => return false,
        }
        after = match tok {
            Tok::Punct(b'#', _) => b'#',
            Tok::Ident(s, e) if &b[s..e] == b"pub" => b'p',
            Tok::Ident(s, e) if &b[s..e] == b"extern" => b'e',
            _ => b' ',
        };
    }
    depth == 0
}

/// Whether a `//` comment is a doc comment (`///`, `//!`, not `////`).
fn is_doc_comment(comment: &[u8]) -> bool {
    (comment.starts_with(b"///") && !comment.starts_with(b"////")) || comment.starts_with(b"//!")
}

/// The ranges of `text` to blank so that every item is gone (attributes included) except what a file that only
/// supplies declarations to other files needs: `struct`, `enum`, `union` and `type`
/// items, `use` and `mod` items (inline modules are masked in turn), inner attributes and
/// diesel `table!` invocations; with `signatures`, also the signatures of functions and
/// of the methods of `impl` and `trait` blocks (what a call returns; their bodies are
/// blanked) and the associated types of those blocks. Functions, `impl` and `trait` blocks
/// (without `signatures`), constants, statics,
/// `extern` items and other macros are blanked whole. `None` when the lexer cannot follow
/// the text or an item is not one of these shapes: the caller then parses as usual.
///
/// Used for the files parsed on demand (the prefilter found nothing in them, so their
/// functions carry no facts); `--no-prefilter` parses those files in full, and its output
/// being identical proves that nothing was lost.
pub fn declarations_only(text: &str, signatures: bool) -> Option<Blanks> {
    let b = text.as_bytes();
    let mut blank: Vec<std::ops::Range<usize>> = Vec::new();
    let mut lexer = Lexer::new(text);
    // Inline `mod name {` blocks open around the current position.
    let mut modules = 0usize;
    loop {
        // At item level: the next item, after comments and stray semicolons.
        let (start, first) = loop {
            match lexer.next() {
                None if modules == 0 => return Some(blank.into_iter().map(|r| (r, false)).collect()),
                Some(Tok::LineComment(s, e)) => {
                    if is_doc_comment(&b[s..e]) {
                        blank.push(s..e);
                    }
                }
                Some(Tok::Other | Tok::Punct(b';', _)) => {}
                Some(Tok::Punct(b'}', _)) if modules > 0 => modules -= 1,
                Some(tok @ Tok::Ident(s, _)) => break (s, tok),
                Some(tok @ Tok::Punct(b'#', at)) => break (at, tok),
                // Text ended inside a module, an unclosed literal, or a stray token.
                None | Some(Tok::Unclosed | Tok::Punct(..)) => return None,
            }
        };
        let shape = item_shape(&mut lexer, b, first, &mut blank, signatures)?;
        match shape {
            Shape::InnerAttribute | Shape::Module | Shape::Impl => {
                if shape != Shape::InnerAttribute {
                    modules += 1;
                }
            }
            Shape::Signature { open, end } => {
                // Doc comments inside the body are in the range already.
                blank.retain(|r| r.start <= open);
                blank.push(open + 1..end - 1);
                lexer.seek(end);
            }
            Shape::Keep(end) => lexer.seek(end),
            Shape::Blank(end) => {
                // Doc comments inside the item are in the range already.
                blank.retain(|r| r.start < start);
                blank.push(start..end);
                lexer.seek(end);
            }
        }
    }
}

/// What an item is, once its attributes and qualifiers are read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    /// `#![..]`: kept; the scan goes on at item level.
    InnerAttribute,
    /// `mod name {`: kept; the scan goes on inside.
    Module,
    /// An item kept as it is, which ends before the offset.
    Keep(usize),
    /// An item to blank, which ends before the offset.
    Blank(usize),
    /// A function: its body (from the `{` at `open` to the item's end) is blanked.
    Signature {
        /// The body's `{`.
        open: usize,
        /// The end of the item, after its `}`.
        end: usize,
    },
    /// `impl .. {` or `trait .. {`: kept; the scan goes on inside (its methods' bodies are
    /// blanked).
    Impl,
}

/// How an item ends.
#[derive(Clone, Copy)]
enum Ends {
    /// At a `;` outside any group, or after its first `{ .. }` block outside parentheses,
    /// brackets and generics (functions, `impl`, `trait`, `struct`, `extern`).
    Braced,
    /// At a `;` outside any group (`use`, `type`, `const`, `static`).
    Semicolon,
    /// A macro invocation: after its `{ .. }` group, or at the `;` after a `( .. )` or `[ .. ]`.
    Macro,
}

/// Reads an item from its first token (`first`, already taken from `lexer`): attributes,
/// visibility and qualifiers, then its keyword; returns its shape, with the lexer left
/// where the scan must go on for kept modules and inner attributes. Doc comments inside
/// kept items are added to `blank`.
fn item_shape(
    lexer: &mut Lexer<'_>,
    b: &[u8],
    first: Tok,
    blank: &mut Vec<std::ops::Range<usize>>,
    signatures: bool,
) -> Option<Shape> {
    let mut tok = first;
    // After `const`/`static`: a `fn` may still follow (`const unsafe fn`).
    let mut constant = false;
    loop {
        match tok {
            Tok::Punct(b'#', _) => match lexer.next()? {
                Tok::Punct(b'[', at) => {
                    skip_group(lexer, b, at)?;
                }
                Tok::Punct(b'!', _) => {
                    let Tok::Punct(b'[', at) = lexer.next()? else { return None };
                    skip_group(lexer, b, at)?;
                    return Some(Shape::InnerAttribute);
                }
                _ => return None,
            },
            Tok::LineComment(s, e) => {
                if is_doc_comment(&b[s..e]) {
                    blank.push(s..e);
                }
            }
            Tok::Other => {
                // `extern "C"` (an ABI string) or a block comment.
            }
            Tok::Ident(s, e) => match &b[s..e] {
                b"pub" => {
                    // `pub(crate)`, `pub(in path)`: the group is part of the visibility.
                    let next = lexer.next()?;
                    if let Tok::Punct(b'(', at) = next {
                        skip_group(lexer, b, at)?;
                    } else {
                        tok = next;
                        continue;
                    }
                }
                b"unsafe" | b"async" | b"default" | b"auto" | b"safe" | b"extern" if !constant => {
                    if &b[s..e] == b"extern" {
                        // `extern crate x;`, `extern "C" { .. }`, `extern "C" fn`.
                        let end = item_end(lexer, b, Ends::Braced)?;
                        return Some(Shape::Blank(end));
                    }
                }
                b"unsafe" | b"async" | b"extern" => {}
                b"const" | b"static" => constant = true,
                b"struct" | b"enum" | b"union" if !constant => {
                    return item_end_doc(lexer, b, Ends::Braced, blank).map(Shape::Keep);
                }
                b"type" | b"use" if !constant => {
                    return item_end_doc(lexer, b, Ends::Semicolon, blank).map(Shape::Keep);
                }
                b"mod" if !constant => {
                    let Tok::Ident(..) = lexer.next()? else { return None };
                    return match lexer.next()? {
                        Tok::Punct(b';', at) => Some(Shape::Keep(at + 1)),
                        Tok::Punct(b'{', _) => Some(Shape::Module),
                        _ => None,
                    };
                }
                // A function keeps its signature (what a call to it returns), not its body;
                // an `impl` block is scanned for its methods in turn.
                b"fn" if signatures => {
                    let mut open = None;
                    let end = item_end_open(lexer, b, Ends::Braced, &mut |_, _| {}, &mut open)?;
                    return Some(match open {
                        Some(open) => Shape::Signature { open, end },
                        None => Shape::Keep(end),
                    });
                }
                b"impl" | b"trait" if signatures => return impl_open(lexer, b).map(|()| Shape::Impl),
                b"fn" | b"impl" | b"trait" => return item_end(lexer, b, Ends::Braced).map(Shape::Blank),
                _ if constant => return item_end(lexer, b, Ends::Semicolon).map(Shape::Blank),
                name => {
                    // A macro invocation: a path, `!`, then (for `macro_rules!`) a name and a group.
                    let mut last = name;
                    loop {
                        match lexer.next()? {
                            Tok::Punct(b':', _) => {}
                            Tok::Ident(s, e) => last = &b[s..e],
                            Tok::Punct(b'!', _) => break,
                            _ => return None,
                        }
                    }
                    let end = item_end(lexer, b, Ends::Macro)?;
                    return Some(if last == b"table" { Shape::Keep(end) } else { Shape::Blank(end) });
                }
            },
            _ => return None,
        }
        tok = lexer.next()?;
    }
}

/// Like [`item_end`], for a kept item: its doc comments are blanked.
fn item_end_doc(lexer: &mut Lexer<'_>, b: &[u8], ends: Ends, blank: &mut Vec<std::ops::Range<usize>>) -> Option<usize> {
    let from = blank.len();
    let mut docs = Vec::new();
    let end = item_end_with(lexer, b, ends, &mut |s, e| {
        if is_doc_comment(&b[s..e]) {
            docs.push(s..e);
        }
    })?;
    blank.truncate(from);
    blank.extend(docs);
    Some(end)
}

/// Where an item whose keyword the lexer has just passed ends (past its last byte).
fn item_end(lexer: &mut Lexer<'_>, b: &[u8], ends: Ends) -> Option<usize> {
    item_end_with(lexer, b, ends, &mut |_, _| {})
}

fn item_end_with(lexer: &mut Lexer<'_>, b: &[u8], ends: Ends, comment: &mut dyn FnMut(usize, usize)) -> Option<usize> {
    item_end_open(lexer, b, ends, comment, &mut None)
}

/// [`item_end_with`], also telling where the item's block opens (for `Ends::Braced`): a
/// function's body.
fn item_end_open(
    lexer: &mut Lexer<'_>,
    b: &[u8],
    ends: Ends,
    comment: &mut dyn FnMut(usize, usize),
    open: &mut Option<usize>,
) -> Option<usize> {
    // Open `(` and `[` (and, for `Ends::Semicolon`, `{`), and open generics.
    let mut depth = 0u32;
    let mut angles = 0u32;
    loop {
        match (ends, lexer.next()?) {
            // An unclosed literal, or a `}` closing what the item did not open.
            (_, Tok::Unclosed) | (Ends::Braced | Ends::Macro, Tok::Punct(b'}', _)) => return None,
            (_, Tok::LineComment(s, e)) => comment(s, e),
            (_, Tok::Punct(b'(' | b'[', _)) | (Ends::Semicolon, Tok::Punct(b'{', _)) => depth += 1,
            (_, Tok::Punct(b')' | b']', _)) | (Ends::Semicolon, Tok::Punct(b'}', _)) => {
                depth = depth.checked_sub(1)?;
            }
            (_, Tok::Punct(b';', at)) if depth == 0 && (angles == 0 || !matches!(ends, Ends::Braced)) => {
                return Some(at + 1);
            }
            (Ends::Braced, Tok::Punct(b'<', _)) if depth == 0 => angles += 1,
            // `->` is not a closing angle bracket.
            (Ends::Braced, Tok::Punct(b'>', at)) if depth == 0 && b[at - 1] != b'-' => {
                angles = angles.saturating_sub(1);
            }
            (Ends::Braced, Tok::Punct(b'{', at)) if depth == 0 && angles == 0 => {
                *open = Some(at);
                let end = lexer.skip_braces_with(at, comment)?;
                return Some(end);
            }
            (Ends::Braced, Tok::Punct(b'{', at)) => {
                // A const-generic block (`Foo<{ N }>`).
                let end = lexer.skip_braces_with(at, comment)?;
                lexer.seek(end);
            }
            (Ends::Macro, Tok::Punct(b'{', at)) if depth == 0 => return lexer.skip_braces_with(at, comment),
            (Ends::Macro, Tok::Punct(b'{', at)) => {
                let end = lexer.skip_braces_with(at, comment)?;
                lexer.seek(end);
            }
            _ => {}
        }
    }
}

/// Reads an `impl` or `trait` header to its block's `{` (generics, supertraits and `where`
/// clauses skipped), leaving
/// the lexer inside the block.
fn impl_open(lexer: &mut Lexer<'_>, b: &[u8]) -> Option<()> {
    let mut depth = 0u32;
    let mut angles = 0u32;
    loop {
        match lexer.next()? {
            Tok::Unclosed | Tok::Punct(b'}' | b';', _) => return None,
            Tok::Punct(b'(' | b'[', _) => depth += 1,
            Tok::Punct(b')' | b']', _) => depth = depth.checked_sub(1)?,
            Tok::Punct(b'<', _) if depth == 0 => angles += 1,
            Tok::Punct(b'>', at) if depth == 0 && b[at - 1] != b'-' => angles = angles.saturating_sub(1),
            Tok::Punct(b'{', _) if depth == 0 && angles == 0 => return Some(()),
            Tok::Punct(b'{', at) => {
                let end = lexer.skip_braces(at)?;
                lexer.seek(end);
            }
            _ => {}
        }
    }
}

/// Skips the `[ .. ]` or `( .. )` group opened at `open` (already read).
fn skip_group(lexer: &mut Lexer<'_>, b: &[u8], open: usize) -> Option<()> {
    let (o, c) = if b[open] == b'[' { (b'[', b']') } else { (b'(', b')') };
    let mut depth = 1u32;
    loop {
        match lexer.next()? {
            Tok::Unclosed => return None,
            Tok::Punct(x, _) if x == o => depth += 1,
            Tok::Punct(x, _) if x == c => {
                depth -= 1;
                if depth == 0 {
                    return Some(());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with the ranges replaced by spaces (newlines kept, a `0` first where a value
    /// stood): the same offsets as the original, easy to read in assertions.
    fn spaced(text: &str, blanks: Option<Blanks>) -> Option<String> {
        let mut out = text.as_bytes().to_vec();
        for (range, placeholder) in blanks? {
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
        String::from_utf8(out).ok()
    }

    fn masked(text: &str) -> String {
        spaced(text, blank_bodies(text, |body, _, _| body == Body::Impl)).unwrap_or_else(|| text.to_owned())
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
        let out = spaced(text, blank_bodies(text, |_, _, body| body.contains("route"))).unwrap();
        assert_eq!(out, "fn outer() { route(); fn inner() {   } }");
        // Impl and trait blocks: blanked whole unless kept.
        let text = "impl<T: Fn() -> u8> S for T where T: X { fn a() -> Json<U> { b } } trait T { fn c(); }";
        let out =
            spaced(text, blank_bodies(text, |body, _, text| body == Body::Impl && text.contains("Json"))).unwrap();
        assert_eq!(out, "impl<T: Fn() -> u8> S for T where T: X { fn a() -> Json<U> {   } }                    ");
    }

    #[test]
    fn unkept_impl_and_trait_blocks_go_whole() {
        let text = "struct S;\n#[async_trait]\nunsafe impl<T> X for S where T: Y {\n    fn a() {}\n}\npub(crate) trait T { fn b(); }\nfn f() { x }\n";
        let out = spaced(text, blank_bodies(text, |_, _, _| false)).unwrap();
        assert_eq!(
            out,
            "struct S;\n              \n                                   \n             \n \n                              \nfn f() {   }\n"
        );
        // After a `*const T` field the item start is not certain: only the body goes.
        let text = "struct P { p: *const u8 } impl X { fn a() {} }";
        let out = spaced(text, blank_bodies(text, |_, _, _| false)).unwrap();
        assert_eq!(out, "struct P { p: *const u8 } impl X {           }");
        assert!(only_qualifiers(" #[a(b)] pub(crate) unsafe "));
        assert!(!only_qualifiers("const X: u8 = 1; "));
        assert!(!only_qualifiers("#[a] x "));
    }

    #[test]
    fn functions_whose_signature_does_not_matter_go_whole() {
        let text = "/// Doc.\n#[inline]\npub(crate) const unsafe extern \"C\" fn a(x: u8) -> u8 { x }\n#[get(\"/\")]\nasync fn b() -> Json<T> { y }\n#[Object]\nimpl Q { async fn c(&self, id: i64) -> U { z } }\nfn d() { fn e() {} }\n";
        let blanks = mask_items(
            text,
            |kind, _, body| kind == Body::Impl || body.contains("fn e"),
            |header| header.contains("#[get") || header.contains("fn e"),
        );
        let out = spaced(text, blanks).unwrap();
        let kept: Vec<&str> = out.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        // `a` goes whole; `b`'s signature matters; `c` is inside a kept `impl`; `e` inside a
        // kept body.
        assert_eq!(
            kept,
            [
                "#[get(\"/\")]",
                "async fn b() -> Json<T> {   }",
                "#[Object]",
                "impl Q { async fn c(&self, id: i64) -> U {   } }",
                "fn d() { fn e() {} }"
            ]
        );
        assert!(only_qualifiers("\n#[a] pub async extern \"C\" "));
        assert!(!only_qualifiers("\"C\" "));
    }

    #[test]
    fn doc_comments_are_blanked() {
        let text = "//! crate doc\n/// item doc\n//// not a doc\nstruct S; // plain\n";
        assert_eq!(masked(text), "             \n            \n//// not a doc\nstruct S; // plain\n");
    }

    #[test]
    fn keep_sees_the_item_header() {
        let text = "use x;\n#[get(\"/u/{id}\")]\nasync fn get_user(id: Path<i64>) { check(id) }\nfn other() { y }";
        let out = spaced(text, blank_bodies(text, |_, header, _| header.contains("#[get"))).unwrap();
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
        // Multi-byte characters become spaces byte for byte (in `spaced`), or are cut.
        assert_eq!(masked("fn f() { \"é\" }"), "fn f() {      }");
    }

    #[test]
    fn declarations_only_keeps_types_uses_modules_and_signatures() {
        let text = "#![allow(x)]\n//! doc\nuse a::{b, c};\n/// A user.\n#[derive(Debug)]\npub(crate) struct User<T: Fn() -> u8> where T: X {\n    /// the id\n    id: i64,\n}\nimpl User { fn f(&self) -> u8 { 1 } }\n#[inline]\npub const fn g<const N: usize>() -> Foo<{ N }> { x }\nconst C: [u8; 3] = [1, 2, 3];\nstatic S: &str = \"}\";\ntype Id = i64;\nmod inner {\n    enum E { A = { 1 }, B }\n    fn h() {}\n}\nmod other;\nmacro_rules! m { () => {} }\nlazy_static::lazy_static! { static ref X: u8 = 1; }\nforeign!(struct Y;);\ndiesel::table! { users (id) { id -> Int8, } }\nextern crate alloc;\nextern \"C\" { fn k(); }\npub unsafe trait T { fn t(); }\nunion U { a: u8 }\nstruct P(pub u8);\n";
        let declarations = [
            "#![allow(x)]",
            "use a::{b, c};",
            "#[derive(Debug)]",
            "pub(crate) struct User<T: Fn() -> u8> where T: X {",
            "id: i64,",
            "}",
            "type Id = i64;",
            "mod inner {",
            "enum E { A = { 1 }, B }",
            "}",
            "mod other;",
            "diesel::table! { users (id) { id -> Int8, } }",
            "union U { a: u8 }",
            "struct P(pub u8);",
        ];
        // With signatures: functions, `impl` and `trait` methods keep theirs, bodies blanked.
        let mut signatures: Vec<&str> = declarations.to_vec();
        signatures.splice(
            6..6,
            [
                "impl User { fn f(&self) -> u8 {   } }",
                "#[inline]",
                "pub const fn g<const N: usize>() -> Foo<{ N }> {   }",
            ],
        );
        signatures.insert(signatures.iter().position(|l| l.starts_with("enum E")).unwrap() + 1, "fn h() {}");
        signatures.insert(
            signatures.iter().position(|l| l.starts_with("union U")).unwrap(),
            "pub unsafe trait T { fn t(); }",
        );
        for (with, expected) in [(false, declarations.to_vec()), (true, signatures)] {
            let out = spaced(text, declarations_only(text, with)).unwrap();
            assert_eq!(out.len(), text.len());
            let kept: Vec<&str> = out.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            assert_eq!(kept, expected, "signatures: {with}");
            assert!(syn::parse_file(&out).is_ok());
            let masked = Masked::new(text, declarations_only(text, with).unwrap()).unwrap();
            assert!(syn::parse_file(&masked.text).is_ok());
            assert_eq!(masked.text.lines().count(), text.lines().count());
        }
    }

    #[test]
    fn masked_text_maps_offsets_back() {
        let value = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]";
        let text = format!("/// doc\nfn f() {{\n  a();\n  b();\n}}\nconst C: [u8; 15] = {value}; // x\nstruct S;\n");
        let masked = Masked::new(&text, blank_bodies(&text, |_, _, _| false).unwrap()).unwrap();
        assert_eq!(masked.text, " \nfn f() { \n\n\n}\nconst C: [u8; 15] =0 ; // x\nstruct S;\n");
        for word in ["fn f", "}\nconst", "; // x", "struct S"] {
            let at = masked.text.find(word).unwrap();
            assert_eq!(original_offset(masked.runs(), at), text.find(word).unwrap(), "{word}");
        }
        // Inside a cut: where the cut starts.
        let zero = masked.text.find('0').unwrap();
        assert_eq!(original_offset(masked.runs(), zero), text.find(" [1,").unwrap());
        assert_eq!(original_offset(&[], 7), 7);
        // A range inside another (a doc comment in a value) is cut once.
        let nested = Masked::new("abcdef", vec![(1..5, false), (2..3, false)]).unwrap();
        assert_eq!(nested.text, "a f");
    }

    #[test]
    fn declarations_only_gives_up_on_what_it_cannot_follow() {
        assert_eq!(declarations_only("fn f() { \"open }", true), None);
        assert_eq!(declarations_only("struct S { a: u8 ", false), None);
        assert_eq!(declarations_only("mod m { struct S;", false), None);
        assert_eq!(declarations_only("} struct S;", false), None);
        assert_eq!(declarations_only("+ struct S;", false), None);
        // Attributes on their own, shebang-free token soup: never a panic.
        for text in ["#", "#[", "#!", "pub", "pub(", "mod", "mod m", "x!", "x! y", "struct", "fn f<", "const X"] {
            let _ = (declarations_only(text, false), declarations_only(text, true));
        }
    }
}
