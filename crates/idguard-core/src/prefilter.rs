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

use crate::lex::{Lexer, Tok, is_ident_byte};
use crate::subject::Vocabulary;

use crate::surface::MINT_MARKERS;

/// A wrapper: followed by `<`, in a return type.
const WRAPPER: u8 = 1;
/// A responder: in a return type (counts only where a body sends something).
const RESPONDER: u8 = 2;
/// An extractor: followed by `<`, anywhere.
const EXTRACTOR: u8 = 4;
/// A route registration: a call (or `path!`) whose first argument is a string literal.
const ROUTE: u8 = 8;
/// A minting API (any occurrence of the word).
const MINT: u8 = 16;

struct Markers {
    /// Finds the parts of the markers (see [`marker_parts`]).
    parts: aho_corasick::packed::Searcher,
    /// Each marker (a whole identifier) and the ways it counts (`WRAPPER` | `ROUTE` | ...),
    /// sorted by marker.
    kinds: Vec<(&'static str, u8)>,
    /// Response sends in code (plain substrings).
    sends: AhoCorasick,
}

/// Substrings such that every marker contains one (`Respon` for `Response`, `IntoResponse`
/// and `Responder`...), derived from the markers: greedily, the substring of four bytes or
/// more that the most markers not yet covered contain (the longest, then the first in
/// byte order, among equals). Few parts keep the fast vectorised searcher: a match is
/// widened to its identifier, which counts if it is a marker. About twice as fast as
/// searching the markers themselves.
fn marker_parts(markers: &[&str]) -> Vec<String> {
    const MIN: usize = 4;
    let mut uncovered: Vec<&str> = markers.to_vec();
    let mut parts: Vec<String> = Vec::new();
    while !uncovered.is_empty() {
        let mut candidates: Vec<&str> = Vec::new();
        for m in &uncovered {
            if m.len() < MIN {
                candidates.push(m);
            }
            for len in MIN..=m.len() {
                for start in 0..=m.len() - len {
                    if m.is_char_boundary(start) && m.is_char_boundary(start + len) {
                        candidates.push(&m[start..start + len]);
                    }
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let best = candidates
            .iter()
            .max_by_key(|c| {
                let covered = uncovered.iter().filter(|m| m.contains(**c)).count();
                (covered, c.len(), std::cmp::Reverse(**c))
            })
            .copied()
            .unwrap_or(uncovered[0]);
        uncovered.retain(|m| !m.contains(best));
        parts.push(best.to_owned());
    }
    parts.sort_unstable();
    parts
}

fn markers() -> &'static Markers {
    static MARKERS: OnceLock<Markers> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut kinds: Vec<(&'static str, u8)> = Vec::new();
        let groups: [(&[&'static str], u8); 7] = [
            (crate::frameworks::response_wrappers(), WRAPPER),
            (crate::frameworks::responders(), RESPONDER),
            (crate::frameworks::route_markers(), ROUTE),
            (crate::frameworks::marker_words(), ROUTE),
            (crate::frameworks::declaration_macros(), ROUTE),
            (crate::frameworks::path_macros(), ROUTE),
            (MINT_MARKERS, MINT),
        ];
        let extractors = crate::frameworks::extractors().iter().map(|(w, _)| (*w, EXTRACTOR));
        for (word, kind) in
            groups.iter().flat_map(|(words, kind)| words.iter().map(move |w| (*w, *kind))).chain(extractors)
        {
            match kinds.iter_mut().find(|(w, _)| *w == word) {
                Some((_, k)) => *k |= kind,
                None => kinds.push((word, kind)),
            }
        }
        kinds.sort_unstable();
        let words: Vec<&str> = kinds.iter().map(|(w, _)| *w).collect();
        let parts =
            aho_corasick::packed::Searcher::new(marker_parts(&words)).expect("the marker parts fit a packed searcher");
        let sends = AhoCorasick::new(crate::frameworks::send_markers()).expect("valid send markers");
        Markers { parts, kinds, sends }
    })
}

/// The ways the whole-word markers of `text` count (`WRAPPER` | `ROUTE` | ...), in one pass.
fn marker_kinds(text: &str) -> u8 {
    marker_scan(text, None)
}

/// [`marker_kinds`], also collecting where each whole-word minting marker starts when
/// `mints` is given (then the whole text is searched).
fn marker_scan(text: &str, mut mints: Option<&mut Vec<usize>>) -> u8 {
    const ALL: u8 = WRAPPER | RESPONDER | EXTRACTOR | ROUTE | MINT;
    let bytes = text.as_bytes();
    let markers = markers();
    let mut found = 0u8;
    // The identifier last looked up: a part matched twice in one identifier counts once.
    let mut last = usize::MAX;
    for part in markers.parts.find_iter(bytes) {
        let (start, end) = identifier_around(bytes, part.start(), part.end());
        if start == last {
            continue;
        }
        last = start;
        let Ok(at) = markers.kinds.binary_search_by(|(w, _)| w.as_bytes().cmp(&bytes[start..end])) else { continue };
        let all = markers.kinds[at].1;
        let kind = if mints.is_some() && all & MINT != 0 { all & (!found | MINT) } else { all & !found };
        if kind == 0 {
            continue;
        }
        // `Json<T>`, `Json <T>`, or a comment between.
        let rest = skip_space(bytes, end);
        let generic = matches!(bytes.get(rest), Some(b'<' | b'/'));
        let word = &bytes[start..end];
        if kind & MINT != 0 {
            found |= MINT;
            if let Some(mints) = mints.as_deref_mut() {
                mints.push(start);
            }
        }
        if kind & ROUTE != 0 && registers(word, &bytes[rest..]) {
            found |= ROUTE;
        }
        if kind & EXTRACTOR != 0 && generic && extracts(word, &bytes[rest..]) {
            found |= EXTRACTOR;
        }
        if kind & (WRAPPER | RESPONDER) != 0 && in_return_type(bytes, start) {
            if kind & WRAPPER != 0 && generic {
                found |= WRAPPER;
            }
            found |= kind & RESPONDER;
        }
        if found == ALL && mints.is_none() {
            break;
        }
    }
    found
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// Whether an extractor occurrence can be one the parse stage records: a tonic
/// `Request<T>` only when `T` is not an HTTP body or a one-letter generic.
fn extracts(word: &[u8], rest: &[u8]) -> bool {
    if word != b"Request" {
        return true;
    }
    let arg_start = skip_space(rest, 1);
    let arg: &[u8] = &rest[arg_start..];
    let len = arg.iter().take_while(|b| is_ident_byte(**b)).count();
    let name = std::str::from_utf8(&arg[..len]).unwrap_or_default();
    let qualified = arg.get(len) == Some(&b':');
    qualified || (len > 1 && !crate::frameworks::http_bodies().contains(&name))
}

/// Whether the text has an attribute the parse stage records: a surface derive
/// (`#[derive(Serialize)]`, also under `cfg_attr`), a surface, resolver or handler attribute
/// macro (`#[Object]`, `#[handler]`), or a route attribute with arguments (`#[get("/")]`).
/// Scans each `#[` / `#![` (also inside comments and strings: that only selects more).
fn has_surface_attribute(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'#', b).any(|hash| {
        let mut i = skip_space(b, hash + 1);
        if b.get(i) == Some(&b'!') {
            i = skip_space(b, i + 1);
        }
        if b.get(i) != Some(&b'[') {
            return false;
        }
        attribute_counts(b, i + 1)
    })
}

/// Whether the attribute whose path starts at `i` (just after `[`) counts.
fn attribute_counts(b: &[u8], start: usize) -> bool {
    let (name, after) = attribute_path(b, start);
    match name {
        "derive" | "cfg_attr" => {
            // The words inside the attribute, up to its closing `]`: derive names, and the
            // attribute names `cfg_attr` applies.
            let end = group_end(b, after);
            let inner = &b[after..end];
            let mut i = 0;
            while i < inner.len() {
                if is_ident_byte(inner[i]) && (i == 0 || !is_ident_byte(inner[i - 1])) {
                    let len = inner[i..].iter().take_while(|c| is_ident_byte(**c)).count();
                    let word = std::str::from_utf8(&inner[i..i + len]).unwrap_or_default();
                    let next = inner.get(skip_space(inner, i + len)).copied();
                    if surface_attr_word(word, next) {
                        return true;
                    }
                    i += len;
                } else {
                    i += 1;
                }
            }
            false
        }
        name => surface_attr_word(name, b.get(after).copied()),
    }
}

/// Whether a word in attribute position counts: a derive or attribute macro of a surface,
/// a handler or resolver attribute, or a route attribute followed by its arguments.
fn surface_attr_word(word: &str, next: Option<u8>) -> bool {
    crate::frameworks::serialize_derives().contains(&word)
        || crate::frameworks::schema_derives().contains(&word)
        || crate::frameworks::resolver_attrs().contains(&word)
        || crate::frameworks::handler_attrs().contains(&word)
        || crate::frameworks::attr_macros().contains(&word)
        || crate::frameworks::selection_derives().contains(&word)
        || crate::frameworks::page_derives().contains(&word)
        || (crate::frameworks::route_attrs().contains(&word) && next == Some(b'('))
}

/// The last segment of the path at `start` (`actix_web::get` -> `get`) and where the text
/// after it (spaces skipped) starts.
fn attribute_path(b: &[u8], start: usize) -> (&str, usize) {
    let mut i = skip_space(b, start);
    let mut name = "";
    loop {
        let len = b[i.min(b.len())..].iter().take_while(|c| is_ident_byte(**c)).count();
        if len == 0 {
            break;
        }
        name = std::str::from_utf8(&b[i..i + len]).unwrap_or_default();
        i = skip_space(b, i + len);
        if b.get(i) == Some(&b':') && b.get(i + 1) == Some(&b':') {
            i = skip_space(b, i + 2);
        } else {
            break;
        }
    }
    (name, i)
}

/// Where the attribute that continues at `i` ends: its closing `]` (brackets counted), or
/// the end of the text.
fn group_end(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    for (k, c) in b.iter().enumerate().skip(i) {
        match c {
            b'[' | b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b']' if depth == 0 => return k,
            b']' => depth -= 1,
            _ => {}
        }
    }
    b.len()
}

/// Whether a route word is a registration: a call whose first argument is a string literal
/// (`route("..`, warp's `path("..`), a typed-route macro (`path!("..`), a declaration macro
/// (diesel's `table! { .. }`: persistence evidence), or a word that counts wherever it
/// stands (poem's `Route`, whose `.at("..", ..)` calls register). See `crate::frameworks`.
fn registers(word: &[u8], rest: &[u8]) -> bool {
    let is = |list: &[&str]| list.iter().any(|w| w.as_bytes() == word);
    if is(crate::frameworks::marker_words()) {
        return true;
    }
    let rest = match rest.first() {
        Some(b'!') if is(crate::frameworks::declaration_macros()) => return true,
        Some(b'!') if is(crate::frameworks::path_macros()) => &rest[skip_space(rest, 1)..],
        _ => rest,
    };
    if rest.first() != Some(&b'(') {
        return false;
    }
    let name = std::str::from_utf8(word).unwrap_or_default();
    crate::frameworks::path_positions(name)
        .into_iter()
        .any(|position| argument_start(rest, position).is_some_and(|at| matches!(rest.get(at), Some(b'"' | b'r'))))
}

/// Where argument `position` of the call whose `(` starts `rest` begins (spaces skipped):
/// past that many commas outside nested brackets and string literals.
fn argument_start(rest: &[u8], position: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut commas = 0usize;
    let mut i = 1;
    if position == 0 {
        return Some(skip_space(rest, 1));
    }
    while i < rest.len() {
        match rest[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return None,
            b')' | b']' | b'}' => depth -= 1,
            b'"' => {
                // Past the string (escapes skipped).
                i += 1;
                while i < rest.len() && rest[i] != b'"' {
                    i += if rest[i] == b'\\' { 2 } else { 1 };
                }
            }
            b',' if depth == 0 => {
                commas += 1;
                if commas == position {
                    return Some(skip_space(rest, i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the text may send a response body (`Json(`, `.json(`, `reply::json`, ...).
fn sends(text: &str) -> bool {
    markers().sends.is_match(text)
}

/// Whether the text has a surface attribute (see [`has_surface_attribute`]), a response
/// wrapper inside a function's return type (or a responder, where something is sent), a
/// request extractor with type arguments, or registers routes.
pub fn mentions_surface(text: &str, vocab: &Vocabulary) -> bool {
    let mut mints = Vec::new();
    let kinds = marker_scan(text, Some(&mut mints));
    has_surface_attribute(text)
        || kinds & (WRAPPER | EXTRACTOR | ROUTE) != 0
        || (kinds & RESPONDER != 0 && sends(text))
        || pushes(text)
        || migrates(text)
        || may_mint(text, &mints, vocab)
}

/// Whether a text may create a table with an auto-increment key in a migration
/// (`.auto_increment()`, `pk_auto(..)`, loco's `ColType::PkAuto`): persistence evidence
/// (`lower::persist`).
fn migrates(text: &str) -> bool {
    let b = text.as_bytes();
    [&b"auto_increment"[..], b"pk_auto", b"PkAuto"].iter().any(|m| memchr::memmem::find(b, m).is_some())
}

/// Whether a text may push a serialized value to connected clients: it calls
/// `serde_json::to_*` (as the send markers read it) and names a push call or verb
/// (`surface::is_push`), in any case. A superset of the functions the parse stage walks for
/// pushes (`lower::handler`).
fn pushes(text: &str) -> bool {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    let b = text.as_bytes();
    memchr::memmem::find(b, b"serde_json::to_").is_some() && {
        let words = WORDS.get_or_init(|| {
            let mut words: Vec<String> = crate::frameworks::push_calls().iter().map(|w| (*w).to_owned()).collect();
            for verb in crate::surface::PUSH_VERBS {
                let mut capital = (*verb).to_owned();
                capital[..1].make_ascii_uppercase();
                words.extend([(*verb).to_owned(), capital, verb.to_ascii_uppercase()]);
            }
            AhoCorasick::new(words).expect("push words build an automaton")
        });
        words.is_match(b)
    }
}

/// Whether a function of the text (whose minting markers start at `mints`) may mint or
/// transform a key (see [`mints_in`]): a superset of the bodies the parse stage keeps for
/// minting (see `keep_body`), found in one pass. The transforms and hints of the whole text
/// are found once, and each function outside other functions is judged by those inside
/// it; a function inside another is not looked at, since whatever makes it mint (markers,
/// hints, key names) is inside the outer one too, which then mints as well.
fn may_mint(text: &str, mints: &[usize], vocab: &Vocabulary) -> bool {
    let mut transforms = radix_or_xor(text);
    let hinted = hint_positions(text);
    if mints.is_empty() && transforms.is_empty() && hinted.is_empty() {
        return false;
    }
    transforms.extend_from_slice(mints);
    transforms.sort_unstable();
    let within = |hits: &[usize], range: std::ops::Range<usize>| {
        let first = hits.partition_point(|at| *at < range.start);
        hits.get(first).is_some_and(|at| *at < range.end)
    };
    let found = std::cell::Cell::new(false);
    crate::mask::blank_bodies(text, |kind, header, body| {
        if found.get() {
            return false;
        }
        if kind == crate::mask::Body::Fn {
            let header_at = offset_in(text, header);
            let body_at = offset_in(text, body);
            let transforms = within(&transforms, body_at..body_at + body.len());
            let named = within(&hinted, header_at..header_at + header.len());
            let hints_body = || within(&hinted, body_at..body_at + body.len());
            if (transforms && named)
                || ((transforms || named || hints_body()) && (names_a_key(header, vocab) || names_a_key(body, vocab)))
                || (transforms && signs_token(body))
            {
                found.set(true);
            }
        }
        // `impl`, `trait` and module blocks are looked into; function bodies are not.
        kind == crate::mask::Body::Impl
    });
    found.get()
}

/// The byte offset of `part` (a slice of `text`) in `text`.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Whether an identifier of the text says it holds the highest key so far
/// (`subject::names_predecessor`): only identifiers around a word such as `last` or `max`
/// are looked at.
fn names_a_predecessor(text: &str) -> bool {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["last", "max", "latest", "highest", "greatest", "top"])
            .expect("the predecessor words form a valid automaton")
    });
    let b = text.as_bytes();
    words.find_iter(b).any(|m| {
        let (start, end) = identifier_around(b, m.start(), m.end());
        crate::subject::names_predecessor(&text[start..end])
    })
}

/// `+ 1` and `+1`, for the highest key so far plus one (see [`radix_or_xor`]).
static PLUS_ONE: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();

/// Where the text may render a value in another radix (`{:x}`, `{:08X}`, `{:#o}`, `{id:b}`),
/// XOR it with a constant (`^ 0x5bd1`, `^ MASK`), multiply a key by a scrambling constant,
/// build a fake UUID or count with a sequence name: reversible transforms without a
/// word. Sorted offsets.
fn radix_or_xor(text: &str) -> Vec<usize> {
    static FINDERS: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();
    let [fake_uuid, increment] =
        FINDERS.get_or_init(|| [memchr::memmem::Finder::new(b"Uuid::from_u"), memchr::memmem::Finder::new(b"+= 1")]);
    let b = text.as_bytes();
    let mut hits = Vec::new();
    for at in memchr::memchr3_iter(b'}', b'*', b'^', b) {
        let hit = match b[at] {
            b'}' => {
                at >= 2
                    && matches!(b[at - 1], b'x' | b'X' | b'o' | b'b')
                    && (b[at - 2] == b':' || b[at - 2] == b'#' || b[at - 2].is_ascii_digit())
            }
            // `user_no * 0x9E37_79B9`, `uid * PRIME`: a key multiplied by a scrambling constant.
            b'*' => {
                let rest = &b[at + 1..];
                let start = rest.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(rest.len());
                let word = &rest[start..];
                let len = word.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
                len >= 4
                    && (word[0].is_ascii_digit() || word[..len].iter().all(|c| !c.is_ascii_lowercase()))
                    && crate::subject::tokens(ident_before(text, at)).iter().any(|t| crate::subject::is_id_token(t))
            }
            // `^ 0x5bd1`, `^ MASK`, `id ^ key`.
            _ => {
                let next = b[at + 1..].iter().copied().find(|c| !c.is_ascii_whitespace());
                matches!(next, Some(c) if c.is_ascii_digit() || c.is_ascii_uppercase())
                    || b[..at]
                        .iter()
                        .rev()
                        .copied()
                        .find(|c| !c.is_ascii_whitespace())
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b')')
            }
        };
        if hit {
            hits.push(at);
        }
    }
    // `Uuid::from_u128(id as u128)`, `Uuid::from_u64_pair(0, id)`: a fake UUID.
    hits.extend(fake_uuid.find_iter(b));
    // `self.next_member_no += 1`: a counter whose name says it numbers things.
    for at in increment.find_iter(b) {
        let name = ident_before(text, at).to_ascii_lowercase();
        if !b.get(at + 4).is_some_and(u8::is_ascii_digit)
            && ["next", "last", "seq", "serial", "_id", "_no", "_sn"].iter().any(|p| name.contains(p))
        {
            hits.push(at);
        }
    }
    // `max_id + 1`, `db.last_user_id().map(|u| u + 1)`: the highest key so far plus one
    // (`lower::mint` records it where a name in the text says so).
    let plus_one = PLUS_ONE.get_or_init(|| [memchr::memmem::Finder::new(b"+ 1"), memchr::memmem::Finder::new(b"+1")]);
    let sums: Vec<usize> = plus_one.iter().flat_map(|f| f.find_iter(b)).collect();
    if !sums.is_empty() && names_a_predecessor(text) {
        hits.extend(sums);
    }
    hits.sort_unstable();
    hits
}

/// The identifier that a match at `start..end` is part of, as its byte range.
fn identifier_around(b: &[u8], start: usize, end: usize) -> (usize, usize) {
    let from = b[..start].iter().rposition(|c| !is_ident_byte(*c)).map_or(0, |i| i + 1);
    let to = b[end..].iter().position(|c| !is_ident_byte(*c)).map_or(b.len(), |i| end + i);
    (from, to)
}

/// The identifier that ends right before `at`, spaces skipped (`next_id` of `next_id += 1`).
fn ident_before(text: &str, at: usize) -> &str {
    let b = text.as_bytes();
    let end = b[..at].iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |i| i + 1);
    let start = b[..end].iter().rposition(|c| !is_ident_byte(*c)).map_or(0, |i| i + 1);
    &text[start..end]
}

/// Whether a function body (whose marker kinds are `kinds`) may mint or transform an
/// identifier: a minting API or reversible transform, and a key name in the signature or
/// the body.
fn mints_in(header: &str, body: &str, kinds: u8, vocab: &Vocabulary) -> bool {
    let transforms = kinds & MINT != 0 || !radix_or_xor(body).is_empty();
    // A helper named for what it makes (`fn encode_ref(n: i64)`) transforms whatever its
    // callers pass: its callers name the key.
    let named = hints(header);
    (transforms && named)
        || ((transforms || named || hints(body)) && (names_a_key(header, vocab) || names_a_key(body, vocab)))
        || (transforms && signs_token(body))
}

/// Whether a body may sign a token of claims (a JWT: `jsonwebtoken::encode(&Header, &claims,
/// ..)`, jwt-simple's `Claims::with_custom_claims(..)`): the keys are in the claims' type,
/// not named in the body (see `lower::mint`).
fn signs_token(body: &str) -> bool {
    let b = body.as_bytes();
    let has = |m: &[u8]| memchr::memmem::find(b, m).is_some();
    has(b"with_custom_claims") || (has(b"encode") && has(b"Header"))
}

/// The identifiers of the text the value model looks for beyond minting APIs (see
/// `surface::VALUE_HINTS`): a pseudonym name or a helper named for what it makes; each as
/// the offset where the word matched.
fn hint_matches(text: &str) -> impl Iterator<Item = usize> + '_ {
    use crate::surface::{Hint, VALUE_HINTS};
    // Each word in snake case and capitalised (`temp_id`, `TempId`): a case-sensitive
    // automaton keeps the fast (vectorised) search, case folding does not.
    static HINTS: OnceLock<(aho_corasick::packed::Searcher, Vec<Hint>)> = OnceLock::new();
    let (searcher, kinds) = HINTS.get_or_init(|| {
        let mut words = Vec::new();
        let mut kinds = Vec::new();
        for (word, kind) in VALUE_HINTS {
            let mut capital = word.to_string();
            capital[..1].make_ascii_uppercase();
            for w in [word.to_string(), capital] {
                words.push(w);
                kinds.push(*kind);
            }
        }
        // A packed (vectorised) searcher alone: candidates are verified in place, without an
        // automaton, and the hint words are few.
        let searcher = aho_corasick::packed::Searcher::new(&words).expect("the hint words fit a packed searcher");
        (searcher, kinds)
    });
    let b = text.as_bytes();
    searcher.find_iter(b).filter_map(move |m| {
        let (start, end) = identifier_around(b, m.start(), m.end());
        let ident = &text[start..end];
        let counts = match kinds[m.pattern().as_usize()] {
            Hint::Pseudonym => crate::subject::is_pseudonym_name(ident),
            Hint::Helper => true,
            Hint::IdentityHelper => crate::subject::tokens(ident).iter().any(|t| crate::subject::is_id_token(t)),
        };
        counts.then_some(m.start())
    })
}

/// Whether the text has an identifier the value model looks for (see [`hint_matches`]).
fn hints(text: &str) -> bool {
    hint_matches(text).next().is_some()
}

/// Where the identifiers the value model looks for start matching (see [`hint_matches`]),
/// ascending.
fn hint_positions(text: &str) -> Vec<usize> {
    hint_matches(text).collect()
}

/// Whether a body calls a decode or decrypt routine (see `surface::DECODE_WORDS`).
fn decodes(body: &str) -> bool {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    WORDS
        .get_or_init(|| {
            let words = crate::surface::DECODE_WORDS.iter().flat_map(|w| {
                let mut capital = (*w).to_owned();
                capital[..1].make_ascii_uppercase();
                [(*w).to_owned(), capital]
            });
            AhoCorasick::new(words).expect("the decode words form a valid automaton")
        })
        .is_match(body)
}

/// Whether an identifier of the text is a key name with a person or personal-entity subject,
/// a reference to one (`participant_ref`), or a bare `id`.
fn names_a_key(text: &str, vocab: &Vocabulary) -> bool {
    Lexer::new(text).any(|tok| match tok {
        Tok::Ident(s, e) if vocab.could_be_key(&text.as_bytes()[s..e]) => {
            match crate::subject::key_name(&text[s..e], vocab) {
                Some(crate::subject::KeyName::Bare) => true,
                Some(crate::subject::KeyName::Own(subject)) => subject.class != crate::subject::SubjectClass::Content,
                None => crate::subject::is_reference_name(&text[s..e]),
            }
        }
        _ => false,
    })
}

/// Whether a function body or `impl` block must be parsed rather than blanked (see
/// `mask`): the item is a handler, resolver or service (its header or body names a
/// surface marker), or its body registers routes or sends a response body.
pub fn keep_body(kind: crate::mask::Body, header: &str, body: &str, vocab: &Vocabulary) -> bool {
    match kind {
        crate::mask::Body::Fn => {
            let entry = || signature_matters(header, vocab);
            let kinds = marker_kinds(body);
            // The header first: it is short, and most bodies belong to no entry point.
            (entry() && (sends(body) || mentions_checks(body) || decodes(body) || reads_by_hand(body)))
                || kinds & ROUTE != 0
                // A type declared in the body that a surface may reach (a page struct, a DTO).
                || has_surface_attribute(body)
                || pushes(body)
                || migrates(body)
                || mints_in(header, body, kinds, vocab)
        }
        crate::mask::Body::Impl => has_surface_attribute(header) || mentions_surface(body, vocab),
        crate::mask::Body::Const => false,
    }
}

/// Whether the header of a function (attributes, signature) may make it an entry point
/// the parse stage records (see `lower::handler`): a surface, route or handler attribute,
/// a response wrapper or responder in its return type, a request extractor among its
/// parameters, or a GraphQL `ID`. A function outside kept bodies whose header does not, and
/// whose body is not kept, records nothing: it is cut whole before parsing (`mask`).
/// (Signatures that return a record are read by a parse of their own when a handler calls
/// them, see `lower::signatures`.)
pub fn signature_matters(header: &str, vocab: &Vocabulary) -> bool {
    names_a_response_alias(header, vocab)
        || has_surface_attribute(header)
        || marker_kinds(header) & (WRAPPER | RESPONDER | EXTRACTOR) != 0
        || names_graphql_id(header)
}

/// Whether the text names one of the project's aliases of response wrappers (as a whole
/// identifier).
fn names_a_response_alias(text: &str, vocab: &Vocabulary) -> bool {
    if vocab.response_aliases.is_empty() {
        return false;
    }
    let aliases: Vec<&[u8]> = vocab.response_aliases.iter().map(String::as_bytes).collect();
    names_a_word(text.as_bytes(), &aliases)
}

/// Whether a signature names a GraphQL `ID` (a resolver building one from a serial).
fn names_graphql_id(header: &str) -> bool {
    names_a_word(header.as_bytes(), &[b"ID"])
}

/// Whether a handler body may read a request value by hand: a `.parse` of a text or map
/// entry, salvo's typed `req.param::<T>(..)` / `query::<T>` / `form::<T>`.
fn reads_by_hand(body: &str) -> bool {
    let b = body.as_bytes();
    [&b".parse"[..], b"param::<", b"query::<", b"form::<"].iter().any(|m| memchr::memmem::find(b, m).is_some())
}

/// Whether a handler body may hold authorization evidence: a comparison or a filter.
fn mentions_checks(body: &str) -> bool {
    let b = body.as_bytes();
    [&b"=="[..], b"!=", b".eq(", b".ne(", b".filter("].iter().any(|m| memchr::memmem::find(b, m).is_some())
}

/// How far back the return-type check looks before giving up (and answering yes, which
/// is always safe).
const LOOKBACK: usize = 1024;

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

/// The identifiers of `b` followed (spaces skipped) by `<`: the generic heads of a type;
/// with `params`, only those whose arguments name one of them (as a whole word).
fn generic_heads(b: &[u8], params: Option<&[&[u8]]>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    each_generic_head(b, params, &mut |word| out.push(word.to_owned()));
    out
}

/// [`generic_heads`], without allocating: `found` is called with each.
fn each_generic_head(b: &[u8], params: Option<&[&[u8]]>, found: &mut dyn FnMut(&str)) {
    let mut i = 0;
    while i < b.len() {
        if is_ident_byte(b[i]) && (i == 0 || !is_ident_byte(b[i - 1])) {
            let len = b[i..].iter().take_while(|c| is_ident_byte(**c)).count();
            let open = skip_space(b, i + len);
            if b.get(open) == Some(&b'<')
                && let Ok(word) = std::str::from_utf8(&b[i..i + len])
                && !word.as_bytes()[0].is_ascii_digit()
                && params.is_none_or(|params| names_a_word(&b[open..angle_end(b, open)], params))
            {
                found(word);
            }
            i += len;
        } else {
            i += 1;
        }
    }
}

/// Where the `<` at `open` is closed (past its `>`), or the end of `b`.
fn angle_end(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, c) in b.iter().enumerate().skip(open) {
        match c {
            b'<' => depth += 1,
            b'>' if k > 0 && b[k - 1] == b'-' => {}
            b'>' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    b.len()
}

/// Whether `b` has one of `words` as a whole identifier.
fn names_a_word(b: &[u8], words: &[&[u8]]) -> bool {
    words.iter().any(|w| {
        memchr::memmem::find_iter(b, w)
            .any(|at| (at == 0 || !is_ident_byte(b[at - 1])) && b.get(at + w.len()).is_none_or(|c| !is_ident_byte(*c)))
    })
}

/// The type parameters of generics written `<...>` (lifetimes and const parameters left
/// out): `T` and `B` of `<'a, T: Serialize, B = Body, const N: usize>`.
fn type_params(generics: &[u8]) -> Vec<&[u8]> {
    let inner = generics.get(1..generics.len().saturating_sub(1)).unwrap_or_default();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for k in 0..=inner.len() {
        let c = inner.get(k).copied();
        match c {
            Some(b'<' | b'(' | b'[') => depth += 1,
            Some(b'>' | b')' | b']') => depth = depth.saturating_sub(1),
            Some(b',') | None if depth == 0 => {
                let param = &inner[start..k];
                let param = &param[skip_space(param, 0)..];
                let len = param.iter().take_while(|c| is_ident_byte(**c)).count();
                if len > 0 && &param[..len] != b"const" {
                    out.push(&param[..len]);
                }
                start = k + 1;
            }
            _ => {}
        }
    }
    out
}

/// Generic type aliases the text declares (`type ApiJson<T> = axum::Json<Envelope<T>>;`),
/// each with the generic heads of its target whose arguments carry one of the alias's type
/// parameters (`Json`, `Envelope`): from these a project-wide pass learns which aliases
/// pass a type through to a response wrapper (see `surface::wrapper_aliases`). An alias
/// over lifetimes only (`type Result<'r> = Result<Response<'r>, Status>`) passes none.
/// Lexical: an over-approximation (comments and strings count too).
pub fn generic_aliases(text: &str) -> Vec<(String, Vec<String>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(b, b"type") {
        if at > 0 && is_ident_byte(b[at - 1]) {
            continue;
        }
        let name_at = skip_space(b, at + 4);
        if name_at == at + 4 {
            continue;
        }
        let len = b[name_at..].iter().take_while(|c| is_ident_byte(**c)).count();
        let open = skip_space(b, name_at + len);
        if len == 0 || b.get(open) != Some(&b'<') {
            continue;
        }
        let close = angle_end(b, open);
        let params = type_params(&b[open..close]);
        let eq = skip_space(b, close);
        if params.is_empty() || b.get(eq) != Some(&b'=') {
            continue;
        }
        let end = b[eq..].iter().position(|c| matches!(c, b';' | b'{' | b'}')).map_or(b.len(), |e| eq + e);
        let heads = generic_heads(&b[eq + 1..end], Some(&params));
        if let Ok(name) = std::str::from_utf8(&b[name_at..name_at + len])
            && !heads.is_empty()
        {
            out.push((name.strip_prefix("r#").unwrap_or(name).to_owned(), heads));
        }
    }
    out
}

/// How far a return type is read after `->`.
const RETURN_TYPE_SPAN: usize = 512;

/// The generic heads of the text's return types (`Result`, `ApiJson` in `-> Result<ApiJson<Card>,
/// E>`), sorted and deduplicated, without the response wrappers (they are known) and the
/// standard containers: what may name a project's alias of a response wrapper. Lexical.
pub fn return_heads(text: &str) -> Vec<String> {
    const COMMON: &[&str] = &[
        "Result",
        "Option",
        "Vec",
        "Box",
        "Pin",
        "Poll",
        "Arc",
        "Rc",
        "Cow",
        "HashMap",
        "BTreeMap",
        "HashSet",
        "Future",
        "Iterator",
        "IntoIterator",
        "Stream",
        "Ref",
        "RefMut",
        "Fn",
        "FnMut",
        "FnOnce",
        "PhantomData",
    ];
    let b = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    for at in memchr::memmem::find_iter(b, b"->") {
        let rest = &b[at + 2..b.len().min(at + 2 + RETURN_TYPE_SPAN)];
        let end = rest.iter().position(|c| matches!(c, b'{' | b';' | b'}')).unwrap_or(rest.len());
        each_generic_head(&rest[..end], None, &mut |head| {
            if !COMMON.contains(&head)
                && !crate::frameworks::response_wrappers().contains(&head)
                && !out.iter().any(|h| h == head)
            {
                out.push(head.to_owned());
            }
        });
    }
    out.sort_unstable();
    out.dedup();
    out
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
                out.push(name.strip_prefix("r#").unwrap_or(name).to_owned());
            }
        }
    }
    // Generated files declare thousands of names: sorted once rather than searched each time.
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `found` with the name of every function the text declares, lexically, whose
/// signature returns a type that could name a record ([`returns_a_record`]), until it
/// says stop (returns false). `facts::names_a_record` decides the same from the parsed
/// return type, so every signature lowering records is found here.
fn record_fns(bytes: &[u8], found: &mut dyn FnMut(&str) -> bool) {
    // `fn` and its name one space apart, as written everywhere (a signature split between
    // `fn` and its name is missed alike in every mode: signatures are only ever read for
    // the names found here).
    for at in memchr::memmem::find_iter(bytes, b"fn ") {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        let rest = &bytes[at + 3..];
        let name_len = rest.iter().take_while(|b| is_ident_byte(**b)).count();
        if name_len == 0 {
            continue;
        }
        let sig = &rest[name_len..];
        let sig = &sig[..memchr::memchr2(b'{', b';', sig).unwrap_or(sig.len())];
        if returns_a_record(sig)
            && let Ok(name) = std::str::from_utf8(&rest[..name_len])
            && !found(name.strip_prefix("r#").unwrap_or(name))
        {
            return;
        }
    }
}

/// The functions the text declares whose return type could name a record
/// (`fn find(..) -> Result<Account, E>`), found lexically, as `fn NAME`, and the traits it
/// implements for a type (`impl Controller for Orders`), as `impl TRAIT`, sorted: what the
/// index looks up for a handler sending what a helper returns (an over-approximation of
/// the signatures and impls `lower::signatures` records).
pub fn declared_fns(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    record_fns(text.as_bytes(), &mut |name| {
        out.push(format!("fn {name}"));
        true
    });
    trait_impls(text.as_bytes(), &mut |name| out.push(format!("impl {name}")));
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `found` with the trait's name of every `impl Trait for Type` header in the text,
/// lexically: the last identifier outside angle brackets before the header's `for`
/// (`impl<T> store::Store<T> for Members` names `Store`). Inherent impls, `impl Trait` in
/// types and `for<'a>` bounds name none.
fn trait_impls(bytes: &[u8], found: &mut dyn FnMut(&str)) {
    /// How far a header is read before it counts as no impl header.
    const MAX_HEADER: usize = 1024;
    for at in memchr::memmem::find_iter(bytes, b"impl") {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        let header = &bytes[at + 4..bytes.len().min(at + 4 + MAX_HEADER)];
        if header.first().is_some_and(|b| is_ident_byte(*b)) {
            continue;
        }
        let mut depth = 0usize;
        let mut last: Option<&[u8]> = None;
        let mut i = 0;
        while i < header.len() {
            let b = header[i];
            match b {
                b'{' | b';' => break,
                b'(' | b')' | b'=' if depth == 0 => break,
                b'<' => depth += 1,
                b'>' if i > 0 && header[i - 1] == b'-' => {}
                b'>' => depth = depth.saturating_sub(1),
                b'\'' => {
                    // A lifetime: skip its name.
                    i += 1 + header[i + 1..].iter().take_while(|b| is_ident_byte(**b)).count();
                    continue;
                }
                _ if is_ident_byte(b) => {
                    let len = header[i..].iter().take_while(|b| is_ident_byte(**b)).count();
                    let word = &header[i..i + len];
                    if depth == 0 {
                        if word == b"for" {
                            if let Some(name) = last.and_then(|w| std::str::from_utf8(w).ok()) {
                                found(name.strip_prefix("r#").unwrap_or(name));
                            }
                            break;
                        }
                        if word != b"dyn" && word != b"unsafe" {
                            last = Some(word);
                        }
                    }
                    i += len;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Whether a function's signature (from anywhere before its `->`) returns a type that
/// could name a record.
fn returns_a_record(header: &[u8]) -> bool {
    memchr::memmem::find(header, b"->").is_some_and(|arrow| returns_could_name_record(&header[arrow + 2..]))
}

/// Whether the text of a return type holds an identifier that could name a record
/// (`facts::could_be_record`) or a generic parameter (one capital: a trait's method may
/// return what an impl binds it to).
fn returns_could_name_record(ret: &[u8]) -> bool {
    let mut i = 0;
    while i < ret.len() {
        if is_ident_byte(ret[i]) {
            let len = ret[i..].iter().take_while(|b| is_ident_byte(**b)).count();
            let generic = len == 1 && ret[i].is_ascii_uppercase();
            if generic || std::str::from_utf8(&ret[i..i + len]).is_ok_and(crate::facts::could_be_record) {
                return true;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    false
}

/// Which of `names` the text declares as module-level types (`struct`, `enum`, `union` or
/// `type` directly in the file or in inline `mod x { .. }` blocks: where the parse stage
/// records declarations), rather than as associated types or inside functions; and which of
/// the `fn NAME` names it declares as module-level functions or as methods of a
/// module-level `impl` or `trait` block (where lowering records signatures). A small lexer
/// skips comments, strings, raw strings and character literals and tracks which braces are
/// module and `impl` or `trait` blocks; where it cannot follow the text (an unclosed string or
/// comment, unbalanced braces) every name counts as declared, so the file gets parsed.
pub fn module_level_declarations<'n>(text: &str, names: &[&'n str]) -> Vec<&'n str> {
    let b = text.as_bytes();
    let mut found: Vec<&'n str> = Vec::new();
    // Open module (false) and `impl` or `trait` (true) blocks; any other block is skipped whole:
    // nothing in it is at module level.
    let mut blocks: Vec<bool> = Vec::new();
    // 1 after `mod`, 2 after `mod NAME`: the next `{` opens a module block.
    let mut after_mod = 0u8;
    // After an item's `impl` or `trait`: the next `{` opens an `impl` (or `trait`) block.
    let mut after_impl = false;
    // At the start of an item (after `;`, `}`, `{`, an attribute, or nothing yet).
    let mut item_start = true;
    // After `struct`, `enum`, `union` or `type` (1), or `fn` (2): the next identifier is the
    // declared name.
    let mut after_keyword = 0u8;
    let mut lexer = Lexer::new(text);
    while let Some(tok) = lexer.next() {
        if let Tok::LineComment(..) = tok {
            continue;
        }
        let keyword = after_keyword;
        after_keyword = 0;
        let at_start = item_start;
        item_start = false;
        match tok {
            Tok::Unclosed => return names.to_vec(),
            Tok::Punct(b'{', at) => {
                if after_mod == 2 {
                    blocks.push(false);
                } else if after_impl && blocks.last() != Some(&true) {
                    blocks.push(true);
                } else if lexer.skip_braces(at).is_none() {
                    return names.to_vec();
                }
                after_mod = 0;
                after_impl = false;
                item_start = true;
            }
            Tok::Punct(b'}', _) => {
                if blocks.pop().is_none() {
                    return names.to_vec();
                }
                after_mod = 0;
                after_impl = false;
                item_start = true;
            }
            Tok::Punct(b';', _) => {
                after_mod = 0;
                after_impl = false;
                item_start = true;
            }
            Tok::Punct(b']', _) => item_start = true,
            Tok::Ident(s, e) => {
                let word = &b[s..e];
                let in_impl = blocks.last() == Some(&true);
                if keyword != 0 {
                    let name = &text[s..e];
                    let name = name.strip_prefix("r#").unwrap_or(name);
                    let hit = names.iter().find(|n| match n.strip_prefix("fn ") {
                        Some(f) => keyword == 2 && f == name,
                        None => keyword == 1 && !in_impl && **n == name,
                    });
                    if let Some(n) = hit
                        && !found.contains(n)
                    {
                        found.push(n);
                    }
                }
                if word == b"mod" && !in_impl {
                    after_mod = 1;
                    continue;
                }
                if after_mod == 1 {
                    after_mod = 2;
                    continue;
                }
                after_mod = 0;
                if matches!(word, b"impl" | b"trait") && at_start && !in_impl {
                    after_impl = true;
                }
                // Qualifiers keep an item at its start (`pub`, `unsafe impl`, `async fn`,
                // `auto trait`).
                item_start = at_start
                    && matches!(word, b"pub" | b"unsafe" | b"default" | b"async" | b"const" | b"extern" | b"auto");
                after_keyword = match word {
                    b"struct" | b"enum" | b"union" | b"type" => 1,
                    b"fn" => 2,
                    _ => 0,
                };
            }
            _ => {}
        }
    }
    if !blocks.is_empty() {
        return names.to_vec();
    }
    names.iter().copied().filter(|n| found.contains(n)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mentions_surface_default(text: &str) -> bool {
        mentions_surface(text, &Vocabulary::default())
    }

    /// Whether the text declares any of `names` at module level.
    fn declares(text: &str, names: &[&str]) -> bool {
        !module_level_declarations(text, names).is_empty()
    }

    #[test]
    fn generic_aliases_keep_the_heads_a_type_parameter_flows_into() {
        let text = "pub type ApiJson<T> = axum::Json<Envelope<T>>;\n\
                    type Result<'r> = std::result::Result<Response<'r>, Status>;\n\
                    type ClientRx<B> = Receiver<Request<B>, Response<IncomingBody>>;\n\
                    pub type Page<T: Serialize, const N: usize> = ApiJson<Vec<T>>;\n\
                    type Plain = Json<Card>;\n";
        let found = generic_aliases(text);
        let names: Vec<(&str, Vec<&str>)> =
            found.iter().map(|(n, h)| (n.as_str(), h.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            names,
            vec![
                ("ApiJson", vec!["Json", "Envelope"]),
                ("ClientRx", vec!["Receiver", "Request"]),
                ("Page", vec!["ApiJson", "Vec"])
            ]
        );
        assert_eq!(return_heads("fn a() -> Result<ApiJson<Card>, E> {}\nfn b() -> Vec<u8>;"), vec!["ApiJson"]);
    }

    #[test]
    fn module_level_declarations_answers_per_name() {
        let text = "pub struct A;\nimpl X { type B = u8; }\nmod m { pub type C = i64; }\n";
        assert_eq!(module_level_declarations(text, &["C", "B", "A", "D"]), vec!["C", "A"]);
        assert_eq!(module_level_declarations("struct A {", &["A", "Z"]), vec!["A", "Z"]);
    }

    #[test]
    fn every_marker_contains_a_part() {
        let words: Vec<&str> = markers().kinds.iter().map(|(w, _)| *w).collect();
        let parts = marker_parts(&words);
        for marker in &words {
            assert!(parts.iter().any(|p| marker.contains(p.as_str())), "no part of `{marker}`");
        }
        // Four bytes or more (the searcher's fingerprint), and few enough for its fast path.
        assert!(parts.iter().all(|p| p.len() >= 4) && parts.len() <= 40, "{parts:?}");
        // Whole identifiers only, however the part matched.
        assert_eq!(marker_kinds("fn f() -> Json<T> {}"), WRAPPER | EXTRACTOR);
        assert_eq!(marker_kinds("fn f() -> JsonValue<T> {} fn g() -> impl IntoResponse {}"), RESPONDER);
        assert_eq!(marker_kinds("let r = Router::new().route(\"/u\", get(h)); x.to_be_bytes()"), ROUTE | MINT);
        assert_eq!(marker_kinds("let outer = router; x.from_be_bytes_x()"), 0);
    }

    #[test]
    fn surface_markers_match_whole_identifiers() {
        assert!(mentions_surface_default("#[derive(serde::Serialize)] struct A;"));
        assert!(mentions_surface_default("#[cfg_attr(feature = \"serde\", derive(Debug, Serialize))] struct A;"));
        assert!(mentions_surface_default("#[async_graphql::Object]\nimpl Query {}"));
        assert!(mentions_surface_default("fn f() -> Json<A> {}"));
        assert!(mentions_surface_default("async fn f(x: u8) -> Result<(StatusCode, axum::Json <A>), E> {}"));
        assert!(!mentions_surface_default("fn f(j: Json) {} // a plain use of the name"));
        assert!(!mentions_surface_default("trait Serializer {} struct JsonValue;"));
        assert!(!mentions_surface_default("let response = client.get();"));
        assert!(!mentions_surface_default(
            "impl Serialize for A {}\nfn f<T: Serialize>(t: T) {}\nuse serde::Serialize;"
        ));
        assert!(!mentions_surface_default("let r: Response<Body> = x;\nstruct S { r: Response<Body> }"));
    }

    #[test]
    fn module_level_declarations_skip_associated_and_local_items() {
        let text = "impl Deref for A { type Target = B; }\nmod inner { pub type UserId = i64; }\nfn f() { struct Local; }\nconst S: &str = \"struct Fake\";";
        assert!(!declares(text, &["Target"]));
        assert!(declares(text, &["UserId"]));
        assert!(!declares(text, &["Local"]));
        assert!(!declares(text, &["Fake"]));
        assert!(declares("struct Unclosed {", &["Anything"]));
        assert!(!declares(
            "// type X = u8;\n/* type X /* nested */ = u8; */\nfn f() { let s = r#\"type X\"#; let c = '{'; let l: &'static str = \"}\"; }",
            &["X"]
        ));
        assert!(declares("fn f() { let c = '}'; }\npub(crate) struct X;", &["X"]));
        assert!(declares("#[cfg(test)]\nmod tests {\n    mod deeper {\n        pub type X = u8;\n    }\n}\n", &["X"]));
        assert!(!declares("trait T {\n    type X;\n}\nmacro_rules! m { () => { struct X; } }", &["X"]));
    }

    #[test]
    fn line_comments_skip_strings() {
        let text = "let a = \"// not\"; // yes\nlet b = r#\"// no\"#; let c = '/'; /* // no */ // also\n";
        let found: Vec<&str> = line_comments(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["// yes", "// also"]);
    }

    #[test]
    fn functions_returning_records_are_found_lexically_and_at_module_level() {
        let text = "pub async fn fetch(id: i32) -> Result<Account, DbError> { x }\nfn flag() -> bool { true }\nfn me() -> Self { x }\nfn get<T>() -> Option<T> { None }\nimpl Repo {\n    pub fn find(&self) -> Option<Member> { None }\n}\ntrait T {\n    fn default_user() -> User;\n}\nfn outer() {\n    fn inner() -> Member { x }\n}\nmod m {\n    impl X { fn nested(&self) -> Vec<Post> { v } }\n}\n";
        assert_eq!(
            declared_fns(text),
            ["fn default_user", "fn fetch", "fn find", "fn get", "fn inner", "fn nested"].map(String::from).to_vec()
        );
        let asked = ["fn fetch", "fn find", "fn default_user", "fn inner", "fn nested", "fn missing"];
        let mut found = module_level_declarations(text, &asked);
        found.sort_unstable();
        // A function inside a body is not what lowering records; a trait's method is.
        assert_eq!(found, ["fn default_user", "fn fetch", "fn find", "fn nested"]);
        // A type name is not a function name, nor the other way round.
        assert!(module_level_declarations("fn User() -> Account { x }", &["User"]).is_empty());
        assert!(module_level_declarations("struct fetch;", &["fn fetch"]).is_empty());
        // `-> impl Trait` in a signature opens no `impl` block.
        assert!(module_level_declarations("fn f() -> impl Responder { fn g() -> User { x } }", &["fn g"]).is_empty());
    }

    #[test]
    fn implemented_traits_are_found_lexically() {
        let text = "impl Controller for Orders { type Item = Order; }\n\
                    impl<'a, T: Into<u8>> store::Store<T> for Members<'a> where T: for<'b> Fn(&'b u8) {}\n\
                    impl<F: Fn(u8) -> u8, I: Iterator<Item = u8>> Apply<F> for Pair<I> {}\n\
                    impl Members { fn f(x: impl Iterator<Item = u8>) -> u8 { for i in x {} 0 } }\n\
                    unsafe impl Send for Members {}\n\
                    impl dyn Shape {}\n\
                    fn g() -> impl Fn(u8) -> u8 { |x| x }\n\
                    let implied = 1; for x in y {}\n";
        let impls: Vec<String> = declared_fns(text).into_iter().filter(|n| n.starts_with("impl ")).collect();
        assert_eq!(impls, ["impl Apply", "impl Controller", "impl Send", "impl Store"]);
    }

    #[test]
    fn declared_names_are_lexical() {
        let names = declared_names("pub struct MemberId(pub i64);\npub type RoomNo = u64;\nenum E {}\nlet x: Type;");
        // Sorted, each once.
        assert_eq!(names, ["E", "MemberId", "RoomNo"]);
    }
}
