//! A small Rust lexer for the byte-level stages (prefilter, body masking): it knows just
//! enough to never mistake the inside of a comment, string, raw string or character
//! literal for code. It never allocates and never recurses; what it cannot follow (an
//! unclosed string or comment) ends the token stream with [`Tok::Unclosed`], and callers
//! then fall back to the safe answer.

/// Whether a byte can be part of an identifier (non-ASCII counts: identifiers may be
/// Unicode, and nothing else outside literals and comments is non-ASCII).
pub fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// One token and where it ends; positions are byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword, `start..end` (raw identifiers keep their `r#`).
    Ident(usize, usize),
    /// One punctuation byte (`{`, `-`, `>`, ...) at the position.
    Punct(u8, usize),
    /// A `//` comment, to the end of its line (excluded).
    LineComment(usize, usize),
    /// A string, raw string, character literal, lifetime, block comment or number: nothing
    /// the byte-level stages look inside.
    Other,
    /// A string or block comment that never closes; the stream ends here.
    Unclosed,
}

pub struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Lexer { b: text.as_bytes(), pos: 0 }
    }

    /// Continues after a group or region the caller skipped on its own.
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// Past the `}` closing the `{` at `open` (which must be a brace seen by this lexer),
    /// or `None` when the text ends first or something inside never closes.
    pub fn skip_braces(&mut self, open: usize) -> Option<usize> {
        self.skip_braces_with(open, &mut |_, _| {})
    }

    /// [`Lexer::skip_braces`], telling `comment` where each `//` comment inside is.
    ///
    /// Inside braces only braces, literals and comments matter, so this jumps from one of
    /// `{ } " ' /` to the next instead of reading every token (the same answer, a few
    /// times faster: function bodies are most of a file).
    pub fn skip_braces_with(&mut self, open: usize, comment: &mut dyn FnMut(usize, usize)) -> Option<usize> {
        let b = self.b;
        let mut i = open + 1;
        let mut depth = 1usize;
        loop {
            i += b.get(i..)?.iter().position(|c| CLASS[*c as usize] & SPECIAL != 0)?;
            i = match b[i] {
                b'{' => {
                    depth += 1;
                    i + 1
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Some(i + 1);
                    }
                    i + 1
                }
                b'"' => match raw_string_start(b, i) {
                    Some(start) => match skip_raw_string(b, start) {
                        Raw::Ends(past) => past,
                        Raw::Unclosed | Raw::No => return None,
                    },
                    None => skip_string(b, i + 1)?,
                },
                b'\'' => skip_char_or_lifetime(b, i),
                _ => match b.get(i + 1) {
                    Some(b'/') => {
                        let stop = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
                        comment(i, stop);
                        stop
                    }
                    Some(b'*') => skip_block_comment(b, i)?,
                    _ => i + 1,
                },
            };
        }
    }
}

/// Where a raw string whose quote is at `quote` starts (its `r`, `br` or `cr`), if the
/// quote opens one: `r`, `br` or `cr` as a whole word, then hashes, then the quote.
fn raw_string_start(b: &[u8], quote: usize) -> Option<usize> {
    let hashes = b[..quote].iter().rev().take_while(|c| **c == b'#').count();
    let r = quote.checked_sub(hashes + 1)?;
    if b[r] != b'r' {
        return None;
    }
    let start = match r.checked_sub(1).map(|p| b[p]) {
        Some(b'b' | b'c') if r < 2 || !is_ident_byte(b[r - 2]) => r - 1,
        Some(c) if is_ident_byte(c) => return None,
        _ => r,
    };
    Some(start)
}

/// Byte classes of the lexer, looked up once per token start and per byte of a run.
const WS: u8 = 1;
const IDENT: u8 = 2;
const DIGIT: u8 = 4;
/// What matters inside braces: `{ } " ' /`.
const SPECIAL: u8 = 8;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = if c.is_ascii_whitespace() {
            WS
        } else if c.is_ascii_digit() {
            DIGIT | IDENT
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            IDENT
        } else if matches!(c, b'{' | b'}' | b'"' | b'\'' | b'/') {
            SPECIAL
        } else {
            0
        };
        i += 1;
    }
    table
};

/// The end of the run of bytes of class `class` that starts at `i`.
#[inline]
fn run_end(b: &[u8], mut i: usize, class: u8) -> usize {
    while i < b.len() && CLASS[b[i] as usize] & class != 0 {
        i += 1;
    }
    i
}

/// The byte ranges of the block comments (`/* .. */`, nested ones whole) of a text, outside
/// strings and line comments.
pub fn block_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut lexer = Lexer::new(text);
    loop {
        let start = run_end(b, lexer.pos, WS);
        let Some(tok) = lexer.next() else { break };
        if tok == Tok::Other && b[start..].starts_with(b"/*") {
            out.push(start..lexer.pos);
        }
    }
    out
}

impl Iterator for Lexer<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        let b = self.b;
        let end = b.len();
        let i = run_end(b, self.pos, WS);
        if i >= end {
            self.pos = end;
            return None;
        }
        let c = b[i];
        let class = CLASS[c as usize];
        let (tok, past) = if class & DIGIT != 0 {
            // Numbers (with suffixes, `1e-3` is close enough: `-` then `3`).
            let mut past = i + 1;
            while past < end && (CLASS[b[past] as usize] & IDENT != 0 || b[past] == b'.') {
                past += 1;
            }
            (Tok::Other, past)
        } else if class & IDENT != 0 {
            let raw = if matches!(c, b'r' | b'b' | b'c') { skip_raw_string(b, i) } else { Raw::No };
            match raw {
                Raw::Ends(past) => (Tok::Other, past),
                Raw::Unclosed => (Tok::Unclosed, end),
                Raw::No => {
                    let mut past = run_end(b, i + 1, IDENT);
                    // `r#ident`
                    if past == i + 1 && c == b'r' && b.get(i + 1) == Some(&b'#') {
                        past = run_end(b, i + 2, IDENT);
                    }
                    (Tok::Ident(i, past), past)
                }
            }
        } else {
            match c {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    let stop = memchr::memchr(b'\n', &b[i..]).map_or(end, |e| i + e);
                    (Tok::LineComment(i, stop), stop)
                }
                b'/' if b.get(i + 1) == Some(&b'*') => match skip_block_comment(b, i) {
                    Some(past) => (Tok::Other, past),
                    None => (Tok::Unclosed, end),
                },
                b'"' => match skip_string(b, i + 1) {
                    Some(past) => (Tok::Other, past),
                    None => (Tok::Unclosed, end),
                },
                b'\'' => {
                    let mut past = skip_char_or_lifetime(b, i);
                    if past == i + 1 {
                        // A lifetime or label: its name is part of it.
                        past = run_end(b, past, IDENT);
                    }
                    (Tok::Other, past)
                }
                c => (Tok::Punct(c, i), i + 1),
            }
        };
        self.pos = past;
        Some(tok)
    }
}

/// What starts at a position: a raw string that ends before `.0`, one never closed, or none.
enum Raw {
    Ends(usize),
    Unclosed,
    No,
}

/// Whether a raw string (`r".."`, `r#".."#`, `br#".."#`, `cr".."`) starts at `i`.
fn skip_raw_string(b: &[u8], i: usize) -> Raw {
    let at = match (b.get(i), b.get(i + 1)) {
        (Some(b'r'), _) => i + 1,
        (Some(b'b' | b'c'), Some(b'r')) => i + 2,
        _ => return Raw::No,
    };
    let hashes = b[at..].iter().take_while(|x| **x == b'#').count();
    if b.get(at + hashes) != Some(&b'"') {
        return Raw::No;
    }
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    match memchr::memmem::find(&b[at + hashes + 1..], &close) {
        Some(e) => Raw::Ends(at + hashes + 1 + e + close.len()),
        None => Raw::Unclosed,
    }
}

/// Past the (nested) block comment that starts at `i`; `None` when it is never closed.
fn skip_block_comment(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1;
    i += 2;
    while depth > 0 {
        // Only a `/` or a `*` can open or close a comment.
        i += memchr::memchr2(b'/', b'*', b.get(i..)?)?;
        match (b[i], b.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    Some(i)
}

/// The end of a string literal whose body starts at `i` (after the quote).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// Past a character literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`) or a lifetime (`'a`).
fn skip_char_or_lifetime(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'\\') {
        // The escaped character itself may be a quote (`'\''`).
        return b.get(i + 3..).and_then(|rest| memchr::memchr(b'\'', rest)).map_or(b.len(), |e| i + 3 + e + 1);
    }
    let len = match b.get(i + 1) {
        Some(x) if *x < 0x80 => 1,
        Some(x) if *x >= 0xF0 => 4,
        Some(x) if *x >= 0xE0 => 3,
        Some(_) => 2,
        None => return b.len(),
    };
    if b.get(i + 1 + len) == Some(&b'\'') { i + 2 + len } else { i + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: past the matching `}` by reading every token.
    fn skip_braces_by_tokens(text: &str, open: usize) -> Option<usize> {
        let mut lexer = Lexer::new(text);
        lexer.seek(open + 1);
        let mut depth = 1usize;
        loop {
            match lexer.next()? {
                Tok::Punct(b'{', _) => depth += 1,
                Tok::Punct(b'}', at) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                }
                Tok::Unclosed => return None,
                _ => {}
            }
        }
    }

    /// Every `{` token of `text`: the fast skip agrees with the token-by-token one.
    fn skips_agree(text: &str) {
        for tok in Lexer::new(text) {
            if let Tok::Punct(b'{', at) = tok {
                let fast = Lexer::new(text).skip_braces(at);
                assert_eq!(fast, skip_braces_by_tokens(text, at), "{text:?} at {at}");
            }
        }
    }

    #[test]
    fn fast_brace_skip_agrees_with_the_tokens() {
        for text in [
            "{ r#\"}\"# }",
            "{ r#\"a\"b}\"# }",
            "{ r\"\\\" } \" }",
            "{ br\"}\" cr#\"{\"# }",
            "{ bar\"}\" }",
            "{ '}' '\\'' b'\"' '{' }",
            "fn f<'a>(x: &'a str) { 'outer: loop { break 'outer; } }",
            "{ /* } /* { */ } */ }",
            "{ // }\n }",
            "{ \"\\\"}\" }",
            "{ r\"unclosed }",
            "{ { }",
            "{ 'é' '\\u{7D}' }",
        ] {
            skips_agree(text);
        }
        let words = [
            "{", "}", "r#\"{\"#", "r\"}\"", "br\"{\"", "\"}\"", "\"\\\"\"", "'{'", "'\\''", "'a", "b'}'", "/* { */",
            "/*", "*/", "// }\n", "x", "r", "#", "\"", "'", "/", "1.0", "é",
        ];
        crate::lower::token_soup(&words, 0x005e_edb7_ace5, 3_000, skips_agree);
    }

    /// Differential check over a tree of real sources (`IDGUARD_LEX_TREE=dir`; ignored by
    /// default: it needs the tree).
    #[test]
    #[ignore = "reads the tree named by IDGUARD_LEX_TREE"]
    fn fast_brace_skip_agrees_on_a_tree() {
        let Some(root) = std::env::var_os("IDGUARD_LEX_TREE") else { return };
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    skips_agree(&text);
                }
            }
        }
    }

    fn kinds(text: &str) -> Vec<String> {
        Lexer::new(text)
            .map(|t| match t {
                Tok::Ident(s, e) => text[s..e].to_owned(),
                Tok::Punct(c, _) => (c as char).to_string(),
                Tok::LineComment(..) => "//".to_owned(),
                Tok::Other => "~".to_owned(),
                Tok::Unclosed => "!".to_owned(),
            })
            .collect()
    }

    #[test]
    fn literals_and_comments_hide_their_contents() {
        assert_eq!(kinds(r#"a "{" '{' 'a b /* { */ c"#), ["a", "~", "~", "~", "b", "~", "c"]);
        assert_eq!(
            kinds("r#\"}\"# br\"{\" cr\"x\" r#fn 1.5e3 x // {\ny"),
            ["~", "~", "~", "r#fn", "~", "x", "//", "y"]
        );
        assert_eq!(kinds("'é' '\\u{7b}' '\\'' x"), ["~", "~", "~", "x"]);
        assert_eq!(kinds("a \"open"), ["a", "!"]);
        assert_eq!(kinds("/* /* */ still"), ["!"]);
    }

    #[test]
    fn skips_brace_groups() {
        let text = "{ a { \"}\" } '}' } b";
        let mut lexer = Lexer::new(text);
        assert_eq!(lexer.skip_braces(0), Some(text.len() - 2));
        assert_eq!(Lexer::new("{ {").skip_braces(0), None);
    }
}
