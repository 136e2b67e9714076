//! Parse + lower: one file's bytes in, owned [`FileFacts`] out.
//!
//! Runs inside a rayon worker. Reads the file (bounded by the size limit), checks it is
//! UTF-8, tokenizes it with `proc_macro2` (iterative, so any nesting is safe), measures
//! how deep the syntax tree could get and refuses files past the nesting limit before
//! `syn` (recursive) sees them, parses, and lowers items into facts. Every span becomes a
//! [`Span`] here; proc-macro2's per-thread source map is cleared afterwards so a long scan
//! does not grow it without bound.

mod handler;
mod locals;
mod mint;
mod persist;
mod proto;
mod sql;

use std::path::Path;
use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;

use crate::facts::{
    DeclKind, Derive, FieldDecl, FileFacts, Problem, ProblemKind, Span, Suppression, TypeDecl, TypeRef, UseName,
};
use crate::subject::Vocabulary;

/// Resource bounds for one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files larger than this many bytes are skipped with a `parse-error` diagnostic.
    pub max_file_size: u64,
    /// Upper bound on the estimated syntax-tree depth; deeper files are skipped.
    pub max_nesting: u32,
}

impl Default for Limits {
    /// 8 MiB per file (the largest file in the reference corpus is under 3 MiB) and a
    /// nesting estimate of 5,000. Measured in a debug build, the costliest shape (nested
    /// generic types) needs about 43 KiB of stack per level, so 5,000 levels fit the
    /// 512 MiB worker stack with a wide margin; real code stays far below the limit.
    fn default() -> Self {
        Limits { max_file_size: 8 * 1024 * 1024, max_nesting: 5_000 }
    }
}

/// What lowering a file reads besides its text: the resource bounds and the vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// Per-file resource bounds.
    pub limits: &'a Limits,
    /// The scan's vocabulary.
    pub vocab: &'a Vocabulary,
}

/// A file after the prefilter stage.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Prepared {
    /// Facts: read problems and suppressions always; parsed facts if parsed.
    pub facts: FileFacts,
    /// The prefilter selected the file on its own account (see [`crate::prefilter`]).
    pub selected: bool,
    /// The file was parsed (selected, or every file under `--no-prefilter`, or on demand).
    pub lowered: bool,
    /// It was parsed on demand, for its declarations only: `--no-prefilter` parses it again.
    pub declarations_only: bool,
    /// Type names the file declares lexically (for on-demand parsing), less those that
    /// on-demand resolution found it does not declare at module level.
    pub declares: Vec<String>,
    /// `fn NAME` for the functions the file declares lexically whose return type could name
    /// a record (for on-demand signatures, every file), sorted, less those on-demand
    /// resolution found it does not declare at module level or in an `impl` block.
    pub fns: Vec<String>,
    /// Its function signatures were read (`lower::signatures`) into its facts' `sigs`.
    pub signatures: bool,
    /// Generic type aliases the file declares lexically, with the generic heads of their
    /// targets (see `prefilter::generic_aliases`).
    pub aliases: Vec<(String, Vec<String>)>,
    /// The project's aliases of response wrappers its return types name, which its facts
    /// were lowered with (see `Vocabulary::response_aliases`).
    pub response_aliases: Vec<String>,
    /// The hash of the project's alias set this file's return types were last checked
    /// against (0: never), so that a warm run need not read the file again.
    pub aliases_checked: u64,
}

/// Reads a file's bytes, bounded by the size limit.
pub fn read_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, Problem> {
    let mut bytes = Vec::new();
    read_into(path, limits, &mut bytes)?;
    Ok(bytes)
}

/// Reads a file into `bytes` (cleared first; a worker reuses one buffer for all its
/// files rather than allocating fresh memory for every file).
pub fn read_into(path: &Path, limits: &Limits, bytes: &mut Vec<u8>) -> Result<(), Problem> {
    use std::io::Read;
    bytes.clear();
    let unreadable = |e: std::io::Error| Problem {
        kind: ProblemKind::Unreadable,
        message: format!("cannot read file: {}", lowercase_first(&e.to_string())),
        span: None,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    if len > limits.max_file_size {
        return Err(too_large(len, limits.max_file_size));
    }
    // Read at most one byte past the limit: the file may have grown since `metadata`.
    bytes.reserve(len as usize + 1);
    file.take(limits.max_file_size + 1).read_to_end(bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limits.max_file_size {
        return Err(too_large(bytes.len() as u64, limits.max_file_size));
    }
    Ok(())
}

/// A file that could not be read: its facts hold the problem.
pub fn unreadable(rel_path: &str, problem: Problem) -> Prepared {
    let facts = FileFacts { path: rel_path.to_owned(), problems: vec![problem], ..FileFacts::default() };
    Prepared { facts, ..Prepared::default() }
}

/// Takes a file's bytes, finds its suppressions, runs the prefilter, and parses it if it
/// is selected or if `parse_all` is set.
pub fn prepare(rel_path: &str, bytes: &[u8], limits: &Limits, vocab: &Vocabulary, parse_all: bool) -> Prepared {
    if bytes.len() as u64 > limits.max_file_size {
        return unreadable(rel_path, too_large(bytes.len() as u64, limits.max_file_size));
    }
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(problem) => return unreadable(rel_path, problem),
    };
    if let Some(facts) = lower_other(rel_path, text) {
        // `.proto` and `.sql` files are few and small: always read in full.
        let selected = !(facts.tables.is_empty() && facts.types.is_empty() && facts.fns.is_empty());
        return Prepared { facts, selected, lowered: true, ..Prepared::default() };
    }
    let mut facts = FileFacts { path: rel_path.to_owned(), ..FileFacts::default() };
    facts.suppressions = suppressions(text);
    // Test modules of a file without inline modules come from a lexical scan, whether or
    // not the file is parsed, so that both modes agree; a file with inline modules is
    // parsed for them.
    let lexical_test_modules = crate::test_modules::cfg_test_modules(text, rel_path);
    // A file that returns a project's alias of a response wrapper is a handler's.
    let selected = !vocab.response_aliases.is_empty()
        || crate::prefilter::mentions_surface(text, vocab)
        || (lexical_test_modules.is_none() && crate::test_modules::declares_cfg_module(text));
    let declares = if selected { Vec::new() } else { crate::prefilter::declared_names(text) };
    let lowered = selected || parse_all;
    if lowered {
        lower_source(text, limits, vocab, &mut facts, if selected { Parse::Selected } else { Parse::Unselected });
    }
    if let Some(modules) = lexical_test_modules {
        facts.test_modules = modules;
    }
    Prepared {
        facts,
        selected,
        lowered,
        declares,
        fns: crate::prefilter::declared_fns(text),
        aliases: crate::prefilter::generic_aliases(text),
        response_aliases: vocab.response_aliases.clone(),
        ..Prepared::default()
    }
}

/// The text of a file the prefilter passed over, read again (or taken from memory).
pub fn source_text(abs_path: Option<&Path>, bytes: Option<&[u8]>, limits: &Limits) -> Result<String, Problem> {
    match (abs_path, bytes) {
        (_, Some(bytes)) => decode(bytes).map(str::to_owned),
        (Some(path), None) => read_source(path, limits),
        (None, None) => Ok(String::new()),
    }
}

/// Parses a file the prefilter passed over, because a parsed file uses a type it declares.
pub fn lower_on_demand(facts: &mut FileFacts, text: Result<String, Problem>, limits: &Limits, vocab: &Vocabulary) {
    match text {
        Ok(text) => lower_source(&text, limits, vocab, facts, Parse::Declarations),
        Err(problem) => facts.problems.push(problem),
    }
}

/// The signatures of the functions and methods (trait methods too) a Rust source declares
/// whose return type names a record (`facts::FnSig`), and its `impl Trait for Type` blocks
/// (`facts::TraitImpl`): read when a handler sends what one of them returns (see `demand`),
/// the same way in every mode. A file that does not parse has none.
pub fn signatures(rel_path: &str, text: &str, limits: &Limits, vocab: &Vocabulary) -> Signatures {
    let mut facts = FileFacts { path: rel_path.to_owned(), ..FileFacts::default() };
    lower_source(text, limits, vocab, &mut facts, Parse::Signatures);
    Signatures { sigs: facts.sigs, impls: facts.impls }
}

/// What [`signatures`] reads of a file.
#[derive(Debug, Default)]
pub struct Signatures {
    /// Functions and methods whose return type names a record.
    pub sigs: Vec<crate::facts::FnSig>,
    /// `impl Trait for Type` blocks.
    pub impls: Vec<crate::facts::TraitImpl>,
}

/// The facts of a `.proto` definition or a `.sql` migration; `None` for Rust sources.
fn lower_other(rel_path: &str, text: &str) -> Option<FileFacts> {
    let mut facts = FileFacts { path: rel_path.to_owned(), ..FileFacts::default() };
    let ext = Path::new(rel_path).extension().map(std::ffi::OsStr::to_ascii_lowercase);
    if ext.as_ref().is_some_and(|e| e == "proto") {
        facts.suppressions = suppressions(text);
        proto::lower(text, &mut facts);
    } else if crate::templates::is_template(Path::new(rel_path)) {
        // Server-rendered pages: what they print (see `templates`).
        facts.template = Some(crate::templates::read(text));
    } else if ext.as_ref().is_some_and(|e| e == "sql") {
        // `-- idguard: allow(..)` comments, read by the same scanner as `//` ones.
        facts.suppressions = suppressions(&text.replace("--", "//"));
        sql::lower(text, &mut facts);
    } else {
        return None;
    }
    Some(facts)
}

/// Parses and lowers source text that is already in memory.
pub fn lower_text(rel_path: &str, text: &str, limits: &Limits, vocab: &Vocabulary) -> FileFacts {
    if let Some(facts) = lower_other(rel_path, text) {
        return facts;
    }
    let mut facts = FileFacts { path: rel_path.to_owned(), ..FileFacts::default() };
    facts.suppressions = suppressions(text);
    lower_source(text, limits, vocab, &mut facts, Parse::Selected);
    facts
}

fn read_source(path: &Path, limits: &Limits) -> Result<String, Problem> {
    let bytes = read_bytes(path, limits)?;
    decode(&bytes)?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

fn decode(bytes: &[u8]) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let valid = &bytes[..at];
        let line = memchr::memchr_iter(b'\n', valid).count() + 1;
        Problem {
            kind: ProblemKind::NotUtf8,
            message: format!("file is not valid UTF-8 (first invalid byte at line {line}, byte offset {at})"),
            span: None,
        }
    })
}

fn too_large(len: u64, max: u64) -> Problem {
    Problem {
        kind: ProblemKind::TooLarge,
        message: format!("file skipped: {} exceeds the size limit of {}", human_size(len), human_size(max)),
        span: None,
    }
}

#[allow(clippy::cast_precision_loss)]
fn human_size(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 { format!("{:.1} MiB", bytes as f64 / MIB) } else { format!("{bytes} bytes") }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How a Rust file is parsed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Parse {
    /// A file the prefilter selected: function bodies the rules read are kept (see `mask`).
    Selected,
    /// A file parsed on demand for the declarations it supplies: its type declarations,
    /// `use` and `mod` items only (see `mask::declarations_only`), else as `Selected`.
    Declarations,
    /// A file the prefilter passed over, parsed in full by `--no-prefilter`; if it does not
    /// parse, as `Declarations` (what the prefilter's run sees of it, should it be reached).
    Unselected,
    /// Any file, for the signatures of its functions and methods that return a record
    /// (see [`signatures`]): types, uses and function signatures are kept (see
    /// `mask::declarations_only`), only signatures are recorded.
    Signatures,
}

fn lower_source(text: &str, limits: &Limits, vocab: &Vocabulary, facts: &mut FileFacts, how: Parse) {
    // Byte order mark: skipped, offsets shifted back when spans are converted.
    let (text, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3u32),
        None => (text, 0u32),
    };
    // A shebang line (`#!` not starting an inner attribute) is blanked so lines keep their numbers.
    let owned;
    let text = if text.starts_with("#!") && !text[2..].trim_start().starts_with('[') {
        owned = blank(text, text.find('\n').unwrap_or(text.len()));
        owned.as_str()
    } else {
        text
    };
    let blanked;
    let text = match frontmatter_end(text) {
        Some(end) => {
            blanked = blank(text, end);
            blanked.as_str()
        }
        None => text,
    };
    let mut result = parse_and_lower(text, base, limits, vocab, facts, how);
    if how == Parse::Unselected
        && result.as_ref().is_err_and(|problem| matches!(problem.kind, ProblemKind::Syntax | ProblemKind::TooDeep))
    {
        result = parse_and_lower(text, base, limits, vocab, facts, Parse::Declarations);
    }
    // Spans are positions in a per-thread source map that grows with every file parsed
    // on the thread; all spans of this file were converted, so clear it.
    proc_macro2::extra::invalidate_current_thread_spans();
    match result {
        Ok(()) => facts.parsed = true,
        Err(problem) => facts.problems.push(problem),
    }
}

/// The end of a cargo-script frontmatter block (`---cargo` ... `---`) at the start of the
/// file, after blank lines and a blanked shebang.
fn frontmatter_end(text: &str) -> Option<usize> {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if !rest.starts_with("---") {
        return None;
    }
    let mut offset = start + rest.find('\n')? + 1;
    for line in text[offset..].split_inclusive('\n') {
        offset += line.len();
        if line.trim_end().starts_with("---") {
            return Some(offset);
        }
    }
    None
}

/// `text` with its first `end` bytes replaced by spaces (newlines kept), so every later
/// byte offset, line and column stays where it was.
fn blank(text: &str, end: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text[..end].chars() {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out.push_str(&text[end..]);
    out
}

fn parse_and_lower(
    text: &str,
    base: u32,
    limits: &Limits,
    vocab: &Vocabulary,
    facts: &mut FileFacts,
    how: Parse,
) -> Result<(), Problem> {
    // What no stage reads is cut out first (see `mask`) and the masked text is parsed, its
    // spans mapped back to `text`; if it does not parse, the original is parsed so that the
    // error is the one the file really has.
    let parse_masked = |blanks: Option<crate::mask::Blanks>| {
        let masked = crate::mask::Masked::new(text, blanks?)?;
        let file = parse(&masked.text, SpanConv::masked(base, text, &masked), limits);
        // Spans of the masked text are converted while it is alive; the tree keeps none.
        Some(file.map(|file| (file, Some(masked))))
    };
    let declarations = match how {
        Parse::Declarations | Parse::Signatures => {
            match parse_masked(crate::mask::declarations_only(text, how == Parse::Signatures)) {
                Some(Ok(parsed)) => Some(parsed),
                Some(Err(problem)) if problem.kind == ProblemKind::TooDeep => return Err(problem),
                _ => None,
            }
        }
        Parse::Selected | Parse::Unselected => None,
    };
    let mut original_lines = Vec::new();
    let (file, masked) = if let Some(parsed) = declarations {
        parsed
    } else {
        // Only signatures that name an entry point are recorded (`func`): an `impl` or
        // `trait` block that holds none, and such a function, are cut whole.
        let keep = |kind, header: &str, body: &str| crate::prefilter::keep_body(kind, header, body, vocab);
        let blanks = crate::mask::mask_items(text, keep, |header| crate::prefilter::signature_matters(header, vocab));
        match parse_masked(blanks) {
            Some(Ok(parsed)) => parsed,
            Some(Err(problem)) if problem.kind == ProblemKind::TooDeep => return Err(problem),
            _ => {
                original_lines = crate::mask::line_starts(text);
                (parse(text, SpanConv { base, text, runs: &[], parsed: text, lines: &original_lines }, limits)?, None)
            }
        }
    };
    let conv = match &masked {
        Some(masked) => SpanConv::masked(base, text, masked),
        None => SpanConv { base, text, runs: &[], parsed: text, lines: &original_lines },
    };
    let module = module_of_path(&facts.path);
    if is_cfg_test(&file.attrs) {
        facts.test_only = true;
        return Ok(());
    }
    let mut lowerer = Lowerer { conv, facts, vocab, inline: Vec::new(), signatures: how == Parse::Signatures };
    lowerer.items(&file.items, &module);
    Ok(())
}

/// The name of an `impl` block's `Self` type (`Repo` for `impl<T> Trait for Repo<T>`).
fn impl_self_ty(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn parse(text: &str, conv: SpanConv<'_>, limits: &Limits) -> Result<syn::File, Problem> {
    let tokens = TokenStream::from_str(text).map_err(|e| Problem {
        kind: ProblemKind::Syntax,
        message: "cannot tokenize file: a delimiter, string or comment that starts here is never closed".to_owned(),
        span: Some(conv.span(e.span())),
    })?;
    let depth = nesting_estimate(&tokens);
    if depth > limits.max_nesting {
        return Err(Problem {
            kind: ProblemKind::TooDeep,
            message: format!("file skipped: nesting estimate {depth} exceeds the limit of {}", limits.max_nesting),
            span: None,
        });
    }
    syn::parse2(tokens).map_err(|e| Problem {
        kind: ProblemKind::Syntax,
        message: format!("cannot parse file: {}", lowercase_first(&e.to_string())),
        span: Some(conv.span(e.span())),
    })
}

/// Estimates how deep `syn`'s recursion (parse, visit, drop) can go for this token stream.
///
/// Three things deepen the tree: delimited groups; generic arguments (`Vec<Vec<T>>`,
/// counted as `<` not yet closed by `>`); and runs of prefix operators or keywords with
/// no operand in between (`&&&T`, `- - x`, `|| || 0`, `return return x`). Binary operator
/// chains, method chains and or-patterns are parsed iteratively and cost little, so an
/// operator that follows an operand does not count. Computed without recursion.
pub fn nesting_estimate(tokens: &TokenStream) -> u32 {
    let mut max = 0u32;
    let mut stack: Vec<(TokenStream, u32)> = vec![(tokens.clone(), 0)];
    while let Some((stream, base)) = stack.pop() {
        let mut angle = 0u32;
        let mut prefix = 0u32;
        let mut after_operand = false;
        let mut prev = ' ';
        for tree in stream {
            let this = match &tree {
                TokenTree::Punct(p) => p.as_char(),
                _ => ' ',
            };
            match tree {
                TokenTree::Group(group) => {
                    let child = base.saturating_add(1).saturating_add(angle).saturating_add(prefix);
                    max = max.max(child);
                    stack.push((group.stream(), child));
                    prefix = 0;
                    after_operand = true;
                }
                TokenTree::Punct(p) => match p.as_char() {
                    ';' | ',' => {
                        angle = 0;
                        prefix = 0;
                        after_operand = false;
                    }
                    '<' => {
                        angle = angle.saturating_add(1);
                        after_operand = false;
                    }
                    '>' if prev == '=' => {
                        angle = 0;
                        after_operand = false;
                    }
                    '>' if prev == '-' => after_operand = false,
                    '>' => {
                        angle = angle.saturating_sub(1);
                        after_operand = true;
                    }
                    '&' | '*' | '-' | '!' | '|' | '.' if !after_operand => prefix = prefix.saturating_add(1),
                    '\'' | '?' | ':' | '#' => {}
                    _ => after_operand = false,
                },
                TokenTree::Ident(ident) => {
                    if prev == '\'' {
                        // A lifetime: neither operand nor operator.
                    } else if ["return", "break", "yield", "move", "async", "box", "let", "await"]
                        .iter()
                        .any(|k| ident == k)
                    {
                        prefix = prefix.saturating_add(1);
                        after_operand = false;
                    } else if !["mut", "const", "dyn", "impl", "static", "ref", "unsafe", "raw"]
                        .iter()
                        .any(|k| ident == k)
                    {
                        after_operand = true;
                        prefix = 0;
                    }
                }
                TokenTree::Literal(_) => {
                    after_operand = true;
                    prefix = 0;
                }
            }
            prev = this;
            max = max.max(base.saturating_add(angle).saturating_add(prefix));
        }
    }
    max
}

/// Finds `idguard:` directives in line comments: `// idguard: allow(RULE, RULE) reason`
/// and `// idguard: allow-file(RULE) reason`.
pub fn suppressions(text: &str) -> Vec<Suppression> {
    // The spellings people write (the exact-case searches are vectorised; a case-folding
    // automaton over every file costs a tenth of a cold scan).
    let b = text.as_bytes();
    let mut out = Vec::new();
    if ["idguard:", "IDGUARD:", "Idguard:"].iter().all(|m| memchr::memmem::find(b, m.as_bytes()).is_none()) {
        return out;
    }
    let lines = crate::mask::line_starts(text);
    let span_of = |start: usize, stop: usize| {
        let line = lines.partition_point(|l| *l <= start).max(1);
        let line_start = lines[line - 1];
        let column = text[line_start..start].chars().count() as u32 + 1;
        let end_column = text[line_start..stop].chars().count() as u32 + 1;
        Span { start: start as u32, end: stop as u32, line: line as u32, column, end_line: line as u32, end_column }
    };
    for comment in crate::prefilter::line_comments(text) {
        let body = text[comment.start + 2..comment.end].trim_start_matches(['/', '!']).trim_start();
        let Some(prefix) = body.get(..8).filter(|p| p.eq_ignore_ascii_case("idguard:")) else { continue };
        let directive = &body[8..];
        let at = comment.end - body.len();
        // The directive ends at the end of the comment, or where a following `//` starts.
        let stop = body.find("//").map_or(comment.end, |i| at + i);
        let stop = at + text[at..stop].trim_end().len();
        let span = span_of(at, stop);
        if !looks_like_directive(directive) {
            // `// idguard: checked in CI` is a comment about idguard, not a directive.
            continue;
        }
        if prefix != "idguard:" {
            out.push(Suppression {
                span,
                rules: Vec::new(),
                reason: None,
                file_level: false,
                malformed: Some(format!("write `idguard:` in lowercase (not `{prefix}`): this suppresses nothing")),
            });
            continue;
        }
        out.push(parse_directive(directive.trim(), span));
    }
    // `/* idguard: allow(..) */`: not honoured (suppressions are line comments), so said.
    for comment in crate::lex::block_comments(text) {
        let body = text[comment.start + 2..comment.end.saturating_sub(2).max(comment.start + 2)]
            .trim_start_matches(['*', '!'])
            .trim_start();
        if body.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("idguard:")) && looks_like_directive(&body[8..]) {
            out.push(Suppression {
                span: span_of(comment.start, comment.end),
                rules: Vec::new(),
                reason: None,
                file_level: false,
                malformed: Some(
                    "suppressions are line comments: write `// idguard: allow(RULE) reason`; this block comment suppresses nothing"
                        .to_owned(),
                ),
            });
        }
    }
    out.sort_by_key(|s| s.span.start);
    out
}

/// Whether the text after `idguard:` is meant as a directive: it starts with `allow` (or a
/// word close to it, or another tool's word for it: `ignore`, `disable`, `suppress`) rather
/// than being prose about idguard.
fn looks_like_directive(directive: &str) -> bool {
    let word: String = directive.trim_start().chars().take_while(|c| c.is_ascii_alphabetic() || *c == '-').collect();
    let word = word.to_ascii_lowercase();
    word.starts_with("al")
        || word.contains("allow")
        || matches!(word.as_str(), "ignore" | "disable" | "suppress" | "skip" | "deny" | "noqa")
}

fn parse_directive(directive: &str, span: Span) -> Suppression {
    let malformed = |why: &str| Suppression {
        span,
        rules: Vec::new(),
        reason: None,
        file_level: false,
        malformed: Some(why.to_owned()),
    };
    let (file_level, rest) = if let Some(rest) = directive.strip_prefix("allow-file(") {
        (true, rest)
    } else if let Some(rest) = directive.strip_prefix("allow(") {
        (false, rest)
    } else {
        return malformed("expected `allow(RULE) reason` or `allow-file(RULE) reason`");
    };
    let Some(close) = rest.find(')') else { return malformed("the rule list is not closed with `)`") };
    let rules: Vec<String> =
        rest[..close].split(',').map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned).collect();
    if rules.is_empty() {
        return malformed("no rule named in the parentheses");
    }
    // The reason runs to the end of the comment, or to a following `//` comment.
    let after = &rest[close + 1..];
    let after = after.find("//").map_or(after, |end| &after[..end]);
    let reason = after.trim().trim_start_matches([':', '-', '\u{2014}']).trim();
    Suppression { span, rules, reason: (!reason.is_empty()).then(|| reason.to_owned()), file_level, malformed: None }
}

/// Module path of a file: the components after the last `src/`, without `lib.rs`,
/// `main.rs`, `mod.rs` and the `.rs` extension.
pub fn module_of_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let start = parts.iter().rposition(|p| *p == "src").map_or(0, |i| i + 1);
    let mut module: Vec<&str> = Vec::new();
    for (i, part) in parts[start..].iter().enumerate() {
        let last = start + i == parts.len() - 1;
        if last {
            let stem = part.strip_suffix(".rs").unwrap_or(part);
            if !matches!(stem, "lib" | "main" | "mod") {
                module.push(stem);
            }
        } else {
            module.push(part);
        }
    }
    module.join("::")
}

/// Converts spans of the parsed text to positions. Lines come from the span (masking
/// keeps them); byte offsets are found from the span's line and character column in the
/// parsed text, then mapped back to the original (see `mask::Masked`); columns are counted
/// in characters of the original text.
#[derive(Clone, Copy)]
struct SpanConv<'t> {
    base: u32,
    /// The original text.
    text: &'t str,
    /// The kept runs of the masked text that was parsed (see `mask::Masked`); empty when
    /// `text` itself was parsed.
    runs: &'t [(usize, usize)],
    /// The text that was parsed, and where its lines start.
    parsed: &'t str,
    lines: &'t [usize],
}

impl<'t> SpanConv<'t> {
    fn masked(base: u32, text: &'t str, masked: &'t crate::mask::Masked) -> Self {
        SpanConv { base, text, runs: masked.runs(), parsed: &masked.text, lines: masked.lines() }
    }

    fn span(self, s: proc_macro2::Span) -> Span {
        let (start, end) = (s.start(), s.end());
        let (from, to) = (
            crate::mask::original_offset(self.runs, self.offset(start)),
            crate::mask::original_offset(self.runs, self.offset(end)),
        );
        Span {
            start: from as u32 + self.base,
            end: to as u32 + self.base,
            line: start.line as u32,
            column: self.column(from),
            end_line: end.line as u32,
            end_column: self.column(to),
        }
    }

    /// The byte offset in the parsed text of a line and character column.
    fn offset(self, at: proc_macro2::LineColumn) -> usize {
        let Some(&line_start) = self.lines.get(at.line.saturating_sub(1)) else { return self.parsed.len() };
        let line = self.parsed.get(line_start..).unwrap_or_default();
        let ascii = line.as_bytes().get(..at.column).is_some_and(<[u8]>::is_ascii);
        let within = if ascii { at.column } else { line.char_indices().nth(at.column).map_or(line.len(), |(i, _)| i) };
        line_start + within
    }

    /// The 1-based character column of a byte offset.
    fn column(self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        let line_start = memchr::memrchr(b'\n', &self.text.as_bytes()[..offset]).map_or(0, |i| i + 1);
        let chars = self.text.get(line_start..offset).map_or(offset - line_start, |s| s.chars().count());
        chars as u32 + 1
    }
}

struct Lowerer<'f, 't> {
    conv: SpanConv<'t>,
    facts: &'f mut FileFacts,
    /// The scan's vocabulary (configured key names count where built-in ones do).
    vocab: &'t Vocabulary,
    /// Inline `mod name { .. }` blocks around the current item.
    inline: Vec<String>,
    /// Only the signatures of functions and methods are recorded (`Parse::Signatures`).
    signatures: bool,
}

impl Lowerer<'_, '_> {
    fn span(&self, s: proc_macro2::Span) -> Span {
        self.conv.span(s)
    }

    fn items(&mut self, items: &[syn::Item], module: &str) {
        if self.signatures {
            self.signatures(items, module);
            return;
        }
        for item in items {
            match item {
                syn::Item::Struct(s) if !is_cfg_test(&s.attrs) => self.strukt(s, module),
                syn::Item::Enum(e) if !is_cfg_test(&e.attrs) => self.enm(e, module),
                syn::Item::Union(u) if !is_cfg_test(&u.attrs) => self.union(u, module),
                syn::Item::Type(t) if !is_cfg_test(&t.attrs) => self.alias(t, module),
                syn::Item::Fn(f) if !is_cfg_test(&f.attrs) => {
                    let ctx = handler::FnContext { self_ty: None, resolver: false };
                    self.func(&f.attrs, &f.sig, &f.block, &ctx, module);
                    self.local_types(&f.block, module);
                }
                syn::Item::Impl(i) if !is_cfg_test(&i.attrs) => self.imp(i, module),
                syn::Item::Use(u) if !is_cfg_test(&u.attrs) => {
                    let mut prefix = Vec::new();
                    self.use_tree(&u.tree, &mut prefix);
                }
                syn::Item::Mod(m) if is_cfg_test(&m.attrs) && m.content.is_none() => self.test_module(m),
                syn::Item::Mod(m) if is_cfg_test(&m.attrs) => {}
                syn::Item::Macro(m) if !is_cfg_test(&m.attrs) => self.diesel_table(&m.mac),
                syn::Item::Mod(m) => self.inline_module(m, module, Self::items),
                _ => {}
            }
        }
    }

    /// Walks the items of an inline `mod name { .. }` with `walk`, as module `module::name`.
    fn inline_module(&mut self, m: &syn::ItemMod, module: &str, walk: fn(&mut Self, &[syn::Item], &str)) {
        if let Some((_, inner)) = &m.content {
            let name = m.ident.to_string();
            let nested = if module.is_empty() { name.clone() } else { format!("{module}::{name}") };
            self.inline.push(name);
            walk(self, inner, &nested);
            self.inline.pop();
        }
    }

    /// The signatures of the functions, `impl` methods and trait methods in `items` (inline
    /// modules included, test code not) whose return type names a record, and the `impl
    /// Trait for Type` blocks (what a trait method's `Self::Item` or generic parameter is for
    /// a type).
    fn signatures(&mut self, items: &[syn::Item], module: &str) {
        for item in items {
            match item {
                syn::Item::Fn(f) if !is_cfg_test(&f.attrs) => self.signature(&f.sig, None, None, module),
                syn::Item::Impl(i) if !is_cfg_test(&i.attrs) => {
                    let self_ty = impl_self_ty(i);
                    let trait_name = i.trait_.as_ref().and_then(|(path, _)| path.segments.last());
                    if let (Some(self_ty), Some(trait_seg)) = (&self_ty, trait_name) {
                        self.trait_impl(i, trait_seg, self_ty);
                    }
                    let on = trait_name.map(|t| (unraw(&t.ident.to_string()), Vec::new()));
                    for item in &i.items {
                        if let syn::ImplItem::Fn(f) = item
                            && !is_cfg_test(&f.attrs)
                        {
                            self.signature(&f.sig, self_ty.clone(), on.clone(), module);
                        }
                    }
                }
                syn::Item::Trait(t) if !is_cfg_test(&t.attrs) => {
                    let generics: Vec<String> = t.generics.type_params().map(|p| p.ident.to_string()).collect();
                    let on = Some((unraw(&t.ident.to_string()), generics));
                    for item in &t.items {
                        if let syn::TraitItem::Fn(f) = item
                            && !is_cfg_test(&f.attrs)
                        {
                            self.signature(&f.sig, None, on.clone(), module);
                        }
                    }
                }
                syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => self.inline_module(m, module, Self::signatures),
                _ => {}
            }
        }
    }

    /// `on`: the trait a method belongs to, with the trait's generic parameters when the
    /// method is declared in the trait itself.
    fn signature(
        &mut self,
        sig: &syn::Signature,
        self_ty: Option<String>,
        on: Option<(String, Vec<String>)>,
        module: &str,
    ) {
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            let ret = self.ty(ty);
            let (trait_name, trait_generics) = on.map_or((None, Vec::new()), |(t, g)| (Some(t), g));
            // A trait's method may return what an impl binds: `Self::Item`, or a generic
            // parameter of the trait (`fn load(..) -> Option<T>` in `trait Store<T>`).
            let mut bound = false;
            if trait_name.is_some() {
                ret.for_each_path(&mut |p| {
                    if let TypeRef::Path { segments, .. } = p {
                        bound |= segments.first().is_some_and(|s| s == "Self")
                            || (segments.len() == 1 && trait_generics.contains(&segments[0]));
                    }
                });
            }
            if bound || crate::facts::names_a_record(&ret) {
                self.facts.sigs.push(crate::facts::FnSig {
                    name: unraw(&sig.ident.to_string()),
                    module: module.to_owned(),
                    self_ty,
                    trait_name,
                    trait_generics,
                    ret,
                    span: self.span(sig.ident.span()),
                });
            }
        }
    }

    /// Records an `impl Trait for Type` block's generic arguments and associated types.
    fn trait_impl(&mut self, i: &syn::ItemImpl, trait_seg: &syn::PathSegment, self_ty: &str) {
        let trait_args = self.type_args(&trait_seg.arguments);
        let assoc: Vec<(String, TypeRef)> = i
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Type(t) if !is_cfg_test(&t.attrs) => Some((t.ident.to_string(), self.ty(&t.ty))),
                _ => None,
            })
            .collect();
        self.facts.impls.push(crate::facts::TraitImpl {
            trait_name: unraw(&trait_seg.ident.to_string()),
            self_ty: self_ty.to_owned(),
            trait_args,
            assoc,
            span: self.span(i.self_ty.span()),
        });
    }

    /// Records where the file of a `#[cfg(test)] mod name;` lives: `name.rs`,
    /// `name/mod.rs` and everything under `name/`, next to this file's module directory
    /// (or at its `#[path = ".."]`).
    fn test_module(&mut self, m: &syn::ItemMod) {
        let explicit = m.attrs.iter().find_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        let name = unraw(&m.ident.to_string());
        let paths = crate::test_modules::test_module_paths(&self.facts.path, &self.inline, &name, explicit.as_deref());
        self.facts.test_modules.extend(paths);
    }

    fn decl(
        &self,
        name: &syn::Ident,
        attrs: &[syn::Attribute],
        generics: &syn::Generics,
        module: &str,
        kind: DeclKind,
    ) -> TypeDecl {
        let mut decl = TypeDecl {
            name: name.to_string(),
            module: module.to_owned(),
            kind,
            span: self.span(name.span()),
            derives: Vec::new(),
            attr_macros: Vec::new(),
            transparent: false,
            serde_into: None,
            table_name: None,
            generics: generics
                .params
                .iter()
                .filter_map(|p| match p {
                    syn::GenericParam::Type(t) => Some(t.ident.to_string()),
                    _ => None,
                })
                .collect(),
            fields: Vec::new(),
            alias_of: None,
            template: None,
            via: None,
        };
        for attr in attrs {
            self.container_attr(attr.path(), &attr.meta, &mut decl);
        }
        decl
    }

    /// The crate a derive or attribute path comes from, where the code says: the path's
    /// first segment (`prost::Message`, `::prost::Message`), or that of the `use` that
    /// brings a one-segment name in (`use actix::Message;`).
    fn origin(&self, path: &syn::Path) -> Option<String> {
        let first = path.segments.first()?.ident.to_string();
        if path.segments.len() > 1 {
            return Some(first);
        }
        let used = self.facts.uses.iter().rev().find(|u| u.local == first)?;
        used.path.first().filter(|_| used.path.len() > 1).cloned()
    }

    fn container_attr(&self, path: &syn::Path, meta: &syn::Meta, decl: &mut TypeDecl) {
        let name = last_segment(path);
        match (name.as_str(), meta) {
            ("derive", syn::Meta::List(list)) => {
                let parsed =
                    list.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated);
                if let Ok(paths) = parsed {
                    for p in paths {
                        decl.derives.push(Derive {
                            name: last_segment(&p),
                            path: path_string(&p),
                            origin: self.origin(&p),
                            span: self.span(path_span(&p)),
                        });
                    }
                }
            }
            // axum-macros `#[from_request(via(axum::extract::Query))]`.
            ("from_request", syn::Meta::List(list)) => {
                let trees: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
                for pair in trees.windows(2) {
                    if let [TokenTree::Ident(key), TokenTree::Group(g)] = pair
                        && key == "via"
                    {
                        decl.via = g
                            .stream()
                            .into_iter()
                            .filter_map(|t| match t {
                                TokenTree::Ident(i) => Some(i.to_string()),
                                _ => None,
                            })
                            .last();
                    }
                }
            }
            ("cfg_attr", syn::Meta::List(list)) => {
                let parsed =
                    list.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated);
                if let Ok(metas) = parsed {
                    for inner in metas.iter().skip(1) {
                        self.container_attr(inner.path(), inner, decl);
                    }
                }
            }
            ("serde", syn::Meta::List(list)) => {
                for item in meta_items(&list.tokens) {
                    match (item.key.as_str(), &item.value) {
                        ("transparent", None) => decl.transparent = true,
                        ("into", Some(v)) => {
                            if let Ok(ty) = syn::parse_str::<syn::Type>(v) {
                                decl.serde_into = Some(self.ty(&ty));
                            }
                        }
                        _ => {}
                    }
                }
            }
            ("sqlx" | "diesel" | "sea_orm", syn::Meta::List(list)) => {
                for item in meta_items(&list.tokens) {
                    match (item.key.as_str(), &item.value) {
                        ("transparent", None) => decl.transparent = true,
                        ("table_name", Some(v)) => decl.table_name = Some(v.clone()),
                        _ => {}
                    }
                }
            }
            // askama/rinja `#[template(path = "user.html")]` or `#[template(source = "..", ext = "html")]`.
            ("template", syn::Meta::List(list)) => {
                for item in meta_items(&list.tokens) {
                    match (item.key.as_str(), &item.value) {
                        ("path", Some(v)) => decl.template = Some(crate::facts::TemplateRef::Path(v.clone())),
                        ("source", Some(v)) => {
                            decl.template = Some(crate::facts::TemplateRef::Inline(crate::templates::read(v).words));
                        }
                        _ => {}
                    }
                }
            }
            (other, _) if is_surface_attr_macro(other) => decl.attr_macros.push(Derive {
                name: other.to_owned(),
                path: path_string(path),
                origin: self.origin(path),
                span: self.span(path_span(path)),
            }),
            _ => {}
        }
    }

    fn fields(&self, fields: &syn::Fields, variant: Option<&str>, out: &mut Vec<FieldDecl>) {
        for (index, field) in fields.iter().enumerate() {
            if is_cfg_test(&field.attrs) {
                continue;
            }
            let ty = self.ty(&field.ty);
            let ty_span = self.span(type_span(&field.ty));
            let mut decl = FieldDecl {
                name: field.ident.as_ref().map(|i| unraw(&i.to_string())),
                index: index as u32,
                variant: variant.map(str::to_owned),
                span: field.ident.as_ref().map_or(ty_span, |i| self.span(i.span())),
                ty,
                ty_span,
                hidden: false,
                flatten: false,
                serialize_with: None,
                rename: None,
            };
            for attr in &field.attrs {
                field_attr(attr.path(), &attr.meta, &mut decl);
            }
            out.push(decl);
        }
    }

    fn strukt(&mut self, s: &syn::ItemStruct, module: &str) {
        let kind = match s.fields {
            syn::Fields::Named(_) => DeclKind::Struct,
            syn::Fields::Unnamed(_) => DeclKind::TupleStruct,
            syn::Fields::Unit => DeclKind::UnitStruct,
        };
        let mut decl = self.decl(&s.ident, &s.attrs, &s.generics, module, kind);
        self.documented(&s.attrs);
        self.fields(&s.fields, None, &mut decl.fields);
        if let Some(table) = decl.table_name.clone().filter(|_| decl.has_derive("DeriveEntityModel")) {
            self.sea_orm_keys(s, &table);
        }
        self.facts.types.push(decl);
    }

    fn enm(&mut self, e: &syn::ItemEnum, module: &str) {
        let mut decl = self.decl(&e.ident, &e.attrs, &e.generics, module, DeclKind::Enum);
        for variant in &e.variants {
            if is_cfg_test(&variant.attrs) || variant.attrs.iter().any(|a| is_hiding_attr(a.path(), &a.meta)) {
                continue;
            }
            let name = variant.ident.to_string();
            self.fields(&variant.fields, Some(&name), &mut decl.fields);
        }
        self.facts.types.push(decl);
    }

    fn union(&mut self, u: &syn::ItemUnion, module: &str) {
        let mut decl = self.decl(&u.ident, &u.attrs, &u.generics, module, DeclKind::Union);
        self.fields(&syn::Fields::Named(u.fields.clone()), None, &mut decl.fields);
        self.facts.types.push(decl);
    }

    fn alias(&mut self, t: &syn::ItemType, module: &str) {
        let mut decl = self.decl(&t.ident, &t.attrs, &t.generics, module, DeclKind::Alias);
        decl.alias_of = Some(self.ty(&t.ty));
        self.facts.types.push(decl);
    }

    /// Records the type names that API document attributes among `attrs` name (see
    /// `FileFacts::documented`): every identifier that starts with a capital, at any depth.
    fn documented(&mut self, attrs: &[syn::Attribute]) {
        fn names(tokens: TokenStream, out: &mut Vec<String>) {
            for tt in tokens {
                match tt {
                    TokenTree::Ident(id) => {
                        let id = unraw(&id.to_string());
                        if id.starts_with(|c: char| c.is_ascii_uppercase()) && !out.contains(&id) {
                            out.push(id);
                        }
                    }
                    TokenTree::Group(g) => names(g.stream(), out),
                    _ => {}
                }
            }
        }
        for attr in attrs {
            if crate::frameworks::document_attrs().contains(&last_segment(attr.path()).as_str())
                && let syn::Meta::List(list) = &attr.meta
            {
                names(list.tokens.clone(), &mut self.facts.documented);
            }
        }
    }

    fn imp(&mut self, i: &syn::ItemImpl, module: &str) {
        let self_ty = impl_self_ty(i);
        let resolver =
            i.attrs.iter().any(|a| crate::frameworks::resolver_attrs().contains(&last_segment(a.path()).as_str()));
        let ctx = handler::FnContext { self_ty, resolver };
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item
                && !is_cfg_test(&f.attrs)
            {
                self.func(&f.attrs, &f.sig, &f.block, &ctx, module);
                self.local_types(&f.block, module);
            }
        }
    }

    /// Type declarations made inside a function body (a page struct or a response DTO
    /// declared in its handler): recorded like the module's own. Only bodies that are kept
    /// hold any (see `prefilter::keep_body`: a body with a surface attribute is kept).
    fn local_types(&mut self, block: &syn::Block, module: &str) {
        for stmt in &block.stmts {
            if let syn::Stmt::Item(item) = stmt {
                match item {
                    syn::Item::Struct(s) if !is_cfg_test(&s.attrs) => self.strukt(s, module),
                    syn::Item::Enum(e) if !is_cfg_test(&e.attrs) => self.enm(e, module),
                    syn::Item::Type(t) if !is_cfg_test(&t.attrs) => self.alias(t, module),
                    _ => {}
                }
            }
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut path = prefix.clone();
                path.push(name.clone());
                self.facts.uses.push(UseName { local: name, path });
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                path.push(r.ident.to_string());
                self.facts.uses.push(UseName { local: r.rename.to_string(), path });
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(item, prefix);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }

    fn ty(&self, ty: &syn::Type) -> TypeRef {
        match ty {
            // `<T as Trait>::Output` and `Self::Error` are associated types: no declaration
            // by that name is what they denote. A signature keeps `Self::Item` (an impl of
            // the trait binds it, see `index::Callee`).
            syn::Type::Path(p)
                if self.signatures
                    && p.qself.is_none()
                    && p.path.segments.len() == 2
                    && p.path.segments[0].ident == "Self" =>
            {
                self.path_ty(&p.path)
            }
            syn::Type::Path(p) if p.qself.is_some() || p.path.segments.first().is_some_and(|s| s.ident == "Self") => {
                TypeRef::Other
            }
            syn::Type::Path(p) => self.path_ty(&p.path),
            syn::Type::Reference(r) => TypeRef::Ref(Box::new(self.ty(&r.elem))),
            syn::Type::Ptr(p) => TypeRef::Ref(Box::new(self.ty(&p.elem))),
            syn::Type::Slice(s) => TypeRef::Slice(Box::new(self.ty(&s.elem))),
            syn::Type::Array(a) => TypeRef::Array(Box::new(self.ty(&a.elem))),
            syn::Type::Paren(p) => self.ty(&p.elem),
            syn::Type::Group(g) => self.ty(&g.elem),
            syn::Type::Tuple(t) => TypeRef::Tuple(t.elems.iter().map(|e| self.ty(e)).collect()),
            syn::Type::ImplTrait(t) => TypeRef::ImplTrait(
                t.bounds
                    .iter()
                    .filter_map(|b| match b {
                        syn::TypeParamBound::Trait(tb) => Some(self.path_ty(&tb.path)),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => TypeRef::Other,
        }
    }

    fn path_ty(&self, path: &syn::Path) -> TypeRef {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let args = path.segments.last().map(|s| self.type_args(&s.arguments)).unwrap_or_default();
        TypeRef::Path { segments, args, span: self.span(path_span(path)) }
    }

    /// The type arguments of a path segment (`<T, U>`; lifetimes and constants left out).
    fn type_args(&self, arguments: &syn::PathArguments) -> Vec<TypeRef> {
        match arguments {
            syn::PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter_map(|arg| match arg {
                    syn::GenericArgument::Type(t) => Some(self.ty(t)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The span of a path from its first to its last token, without building its token
/// stream (`Spanned::span` does, which makes nested types quadratic).
fn path_span(path: &syn::Path) -> proc_macro2::Span {
    let first = match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(seg)) => seg.ident.span(),
        (None, None) => return proc_macro2::Span::call_site(),
    };
    let last = match path.segments.last() {
        Some(seg) => match &seg.arguments {
            syn::PathArguments::AngleBracketed(args) => args.gt_token.span,
            syn::PathArguments::Parenthesized(args) => args.paren_token.span.close(),
            syn::PathArguments::None => seg.ident.span(),
        },
        None => first,
    };
    first.join(last).unwrap_or(first)
}

/// The span of a type from its first to its last token, cheaply for the common shapes.
fn type_span(ty: &syn::Type) -> proc_macro2::Span {
    let (first, last) = match ty {
        syn::Type::Path(p) if p.qself.is_none() => return path_span(&p.path),
        syn::Type::Reference(r) => (r.and_token.span, type_span(&r.elem)),
        syn::Type::Slice(s) => return s.bracket_token.span.join(),
        syn::Type::Array(a) => return a.bracket_token.span.join(),
        syn::Type::Tuple(t) => return t.paren_token.span.join(),
        syn::Type::Paren(p) => return p.paren_token.span.join(),
        other => return other.span(),
    };
    first.join(last).unwrap_or(first)
}

/// Attribute macros that put a type on an API surface (besides derives).
fn is_surface_attr_macro(name: &str) -> bool {
    crate::frameworks::attr_macros().contains(&name)
}

fn field_attr(path: &syn::Path, meta: &syn::Meta, field: &mut FieldDecl) {
    let name = last_segment(path);
    let syn::Meta::List(list) = meta else { return };
    match name.as_str() {
        "serde" => {
            for item in meta_items(&list.tokens) {
                match (item.key.as_str(), item.value) {
                    ("skip" | "skip_serializing", None) => field.hidden = true,
                    ("flatten", None) => field.flatten = true,
                    ("with" | "serialize_with", Some(v)) => field.serialize_with = Some(v),
                    ("rename", Some(v)) => field.rename = Some(v),
                    _ => {}
                }
            }
        }
        "cfg_attr" => {
            let parsed =
                list.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated);
            if let Ok(metas) = parsed {
                for inner in metas.iter().skip(1) {
                    field_attr(inner.path(), inner, field);
                }
            }
        }
        _ => {
            if is_hiding_attr(path, meta) {
                field.hidden = true;
            }
        }
    }
}

/// `#[graphql(skip)]`, `#[oai(skip)]`, `#[schema(ignore)]`-style attributes that keep a
/// field or variant out of the API surface.
fn is_hiding_attr(path: &syn::Path, meta: &syn::Meta) -> bool {
    let name = last_segment(path);
    let syn::Meta::List(list) = meta else { return false };
    match name.as_str() {
        "serde" => meta_items(&list.tokens)
            .iter()
            .any(|i| i.value.is_none() && matches!(i.key.as_str(), "skip" | "skip_serializing")),
        "graphql" | "oai" | "salvo" | "schema" | "param" => {
            meta_items(&list.tokens).iter().any(|i| i.value.is_none() && matches!(i.key.as_str(), "skip" | "ignore"))
        }
        _ => false,
    }
}

/// One `key`, `key = "value"` or `key(...)` entry of an attribute list.
struct MetaItem {
    key: String,
    value: Option<String>,
}

/// Splits attribute arguments at top-level commas, tolerating any syntax.
fn meta_items(tokens: &TokenStream) -> Vec<MetaItem> {
    let mut items = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let flush = |current: &mut Vec<TokenTree>, items: &mut Vec<MetaItem>| {
        if let Some(TokenTree::Ident(key)) = current.first() {
            let value = match (current.get(1), current.get(2)) {
                (Some(TokenTree::Punct(p)), Some(v)) if p.as_char() == '=' => Some(literal_text(v)),
                _ => None,
            };
            items.push(MetaItem { key: key.to_string(), value });
        }
        current.clear();
    };
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => flush(&mut current, &mut items),
            _ => current.push(tree),
        }
    }
    flush(&mut current, &mut items);
    items
}

/// The text of a string literal without quotes, or the token as written.
fn literal_text(tree: &TokenTree) -> String {
    crate::test_modules::string_value(tree)
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        if !attr.path().is_ident("cfg") {
            return false;
        }
        let syn::Meta::List(list) = &attr.meta else { return false };
        crate::test_modules::cfg_requires_test(&list.tokens)
    })
}

fn last_segment(path: &syn::Path) -> String {
    path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

fn path_string(path: &syn::Path) -> String {
    path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::")
}

fn unraw(name: &str) -> String {
    name.strip_prefix("r#").unwrap_or(name).to_owned()
}

/// Random token soup for the small readers' tests: `runs` texts of up to 40 words drawn
/// from `words` (xorshift, fixed seed: the same texts every run).
#[cfg(test)]
pub(crate) fn token_soup(words: &[&str], mut seed: u64, runs: usize, mut each: impl FnMut(&str)) {
    for _ in 0..runs {
        let mut text = String::new();
        for _ in 0..(seed % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(words[(seed % words.len() as u64) as usize]);
            text.push(' ');
        }
        each(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments() {
        let text = "fn a() {}\n    pub id: i64, // idguard: allow(sequential-id-in-response) legacy mobile clients\n// idguard: allow-file(parse-error, sequential-id-in-response): generated\n// idguard: allow(x)\n// idguard: alow(x) typo\nconst DOC: &str = \"// idguard: allow(x) inside a string is not a directive\";\n";
        let found = suppressions(text);
        assert_eq!(found.len(), 4);
        assert_eq!(found[0].rules, ["sequential-id-in-response"]);
        assert_eq!(found[0].reason.as_deref(), Some("legacy mobile clients"));
        assert_eq!((found[0].span.line, found[0].span.column), (2, 21));
        assert!(text[found[0].span.start as usize..].starts_with("idguard: allow("));
        assert!(found[1].file_level);
        assert_eq!(found[1].rules.len(), 2);
        assert_eq!(found[1].reason.as_deref(), Some("generated"));
        assert_eq!(found[2].reason, None);
        assert!(found[3].malformed.is_some());
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_of_path("src/api/users.rs"), "api::users");
        assert_eq!(module_of_path("crates/app/src/lib.rs"), "");
        assert_eq!(module_of_path("crates/app/src/api/mod.rs"), "api");
        assert_eq!(module_of_path("dto.rs"), "dto");
    }

    #[test]
    fn nesting_estimate_counts_groups_and_chains() {
        let flat = TokenStream::from_str("fn f() { let a = 1; let b = 2; }").unwrap();
        assert!(nesting_estimate(&flat) < 5);
        let deep = TokenStream::from_str(&format!("const X: i32 = {}1{};", "(".repeat(100), ")".repeat(100))).unwrap();
        assert!(nesting_estimate(&deep) >= 100);
        // Binary chains and or-patterns are parsed iteratively: cheap.
        let chain = TokenStream::from_str(&format!("const X: i32 = 1{};", " + 1".repeat(300))).unwrap();
        assert!(nesting_estimate(&chain) < 5);
        let or =
            TokenStream::from_str(&format!("fn f(c: char) -> bool {{ matches!(c, 'a'{}) }}", " | 'b'".repeat(300)))
                .unwrap();
        assert!(nesting_estimate(&or) < 5);
        // Generic nesting, prefix operators and keyword chains recurse.
        let types = TokenStream::from_str(&format!("type T = {}i64{};", "Vec<".repeat(300), ">".repeat(300))).unwrap();
        assert!(nesting_estimate(&types) >= 300);
        let refs = TokenStream::from_str(&format!("type R<'a> = {}i64;", "&'a mut ".repeat(300))).unwrap();
        assert!(nesting_estimate(&refs) >= 300);
        let returns = TokenStream::from_str(&format!("fn f() {{ {}0; }}", "return ".repeat(300))).unwrap();
        assert!(nesting_estimate(&returns) >= 300);
        let list = TokenStream::from_str(&format!("const X: [i32; 300] = [{}];", "1, ".repeat(300))).unwrap();
        assert!(nesting_estimate(&list) < 5);
    }

    #[test]
    fn shebang_and_frontmatter_keep_positions() {
        let src = "#!/usr/bin/env -S cargo -Zscript\n---cargo\n[dependencies]\nserde = \"1\"\n---\n#[derive(Serialize)]\nstruct UserView {\n    id: i64,\n}\n";
        let facts = lower_text("script.rs", src, &Limits::default(), &Vocabulary::default());
        assert!(facts.parsed, "{:?}", facts.problems);
        let field = &facts.types[0].fields[0];
        assert_eq!((field.span.line, field.span.column), (8, 5));
        assert_eq!(&src[field.span.start as usize..field.span.end as usize], "id");
    }

    #[test]
    fn lowers_struct_with_serde_attrs() {
        let src = "#[derive(Serialize)]\n#[serde(rename_all = \"camelCase\")]\npub struct UserView {\n    pub id: i64,\n    #[serde(skip)]\n    pub pk: i64,\n}\n";
        let facts = lower_text("src/api.rs", src, &Limits::default(), &Vocabulary::default());
        assert!(facts.parsed, "{:?}", facts.problems);
        let decl = &facts.types[0];
        assert_eq!(decl.name, "UserView");
        assert_eq!(decl.module, "api");
        assert!(decl.has_derive("Serialize"));
        assert_eq!(decl.fields[0].span.line, 4);
        assert_eq!(decl.fields[0].span.column, 9);
        assert!(decl.fields[1].hidden);
    }
}
