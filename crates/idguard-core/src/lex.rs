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
    pub fn skip_braces_with(&mut self, open: usize, comment: &mut dyn FnMut(usize, usize)) -> Option<usize> {
        self.pos = open + 1;
        let mut depth = 1usize;
        loop {
            match self.next()? {
                Tok::Punct(b'{', _) => depth += 1,
                Tok::Punct(b'}', at) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                }
                Tok::Unclosed => return None,
                Tok::LineComment(s, e) => comment(s, e),
                _ => {}
            }
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        let b = self.b;
        let end = b.len();
        loop {
            let i = self.pos;
            if i >= end {
                return None;
            }
            let c = b[i];
            let (tok, past) = match c {
                c if c.is_ascii_whitespace() => {
                    self.pos = i + 1;
                    continue;
                }
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
                        past += b[past..].iter().take_while(|x| is_ident_byte(**x)).count();
                    }
                    (Tok::Other, past)
                }
                c if c.is_ascii_digit() => {
                    // Numbers (with suffixes, `1e-3` is close enough: `-` then `3`).
                    let len = b[i..].iter().take_while(|x| is_ident_byte(**x) || **x == b'.').count();
                    (Tok::Other, i + len)
                }
                c if is_ident_byte(c) => match skip_raw_string(b, i) {
                    Raw::Ends(past) => (Tok::Other, past),
                    Raw::Unclosed => (Tok::Unclosed, end),
                    Raw::No => {
                        let mut len = b[i..].iter().take_while(|x| is_ident_byte(**x)).count();
                        // `r#ident`
                        if len == 1 && c == b'r' && b.get(i + 1) == Some(&b'#') {
                            len = 2 + b[i + 2..].iter().take_while(|x| is_ident_byte(**x)).count();
                        }
                        (Tok::Ident(i, i + len), i + len)
                    }
                },
                c => (Tok::Punct(c, i), i + 1),
            };
            self.pos = past;
            return Some(tok);
        }
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
        match (b.get(i), b.get(i + 1)) {
            (Some(b'/'), Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (Some(b'*'), Some(b'/')) => {
                depth -= 1;
                i += 2;
            }
            (Some(_), _) => i += 1,
            (None, _) => return None,
        }
    }
    Some(i)
}

/// The end of a string literal whose body starts at `i` (after the quote).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
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
