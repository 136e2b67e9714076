//! `parse-error`: files that could not be read or parsed, or were skipped.

use idguard_core::facts::ProblemKind;
use idguard_core::{Context, Diagnostic, Location, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "parse-error",
    default_severity: Severity::Warning,
    summary: "a file could not be read or parsed, or was skipped; it was not analysed",
    security_severity: None,
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r"
## What it does
Reports every `.rs` file that idguard could not analyse: a file that cannot be read, is not
valid UTF-8, is larger than the size limit, or is not a regular file; and, among the files
idguard must parse (those that mention an API surface such as `#[derive(Serialize)]` or
`-> Json<T>`, and those declaring a type such a file uses), one that nests deeper than the
nesting limit or does not parse as Rust (with the location the parser gives).

## Why is this bad?
A security gate that quietly skips files gives false confidence: an exposed user ID in an
unparsed file would never be reported. The scan goes on, and this warning says what was not
covered.

## Example
```rust
#[derive(Serialize)]
pub struct UserView {
    pub id: i64,
    pub name: String
```

## Use instead
```rust
#[derive(Serialize)]
pub struct UserView {
    pub public_id: Uuid,
    pub name: String,
}
```

## Known limitations
Files rustc accepts but `syn` rejects (for example edition-2015 bare trait objects such as
`type Action = Fn(&siginfo_t) + Send;`) are reported here too: the file was not analysed,
whatever the reason.

## References
- CWE-1059: Insufficient Technical Documentation (coverage gaps in security tooling)
";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let file = &ctx.index.files()[file as usize];
    {
        for problem in &file.problems {
            let (location, label) = match problem.span {
                Some(span) => (Location::new(&file.path, span), "analysis stopped here"),
                None => (Location::file(&file.path), ""),
            };
            let what = match problem.kind {
                ProblemKind::Unreadable => "unreadable",
                ProblemKind::UnreadableDirectory => "unreadable-directory",
                ProblemKind::TooLarge => "too-large",
                ProblemKind::NotUtf8 => "not-utf8",
                ProblemKind::TooDeep => "too-deep",
                ProblemKind::Syntax => "syntax",
            };
            out.push(Diagnostic {
                rule: RULE.name,
                severity: Severity::Warning,
                message: format!("`{}` was not analysed: {}", file.path, problem.message),
                location,
                primary_label: label.to_owned(),
                labels: Vec::new(),
                help: help(problem.kind, &file.path),
                symbol: None,
                subject: None,
                fingerprint: format!("{}:{}:{what}", RULE.name, file.path),
            });
        }
    }
    out
}

fn help(kind: ProblemKind, path: &str) -> String {
    let text = match kind {
        ProblemKind::Unreadable => "make the file readable, or exclude it in `[files] exclude`",
        ProblemKind::UnreadableDirectory => {
            return format!(
                "none of the files under this directory were scanned: make it readable by the user running idguard, or exclude it with `[files] exclude = [\"{path}/**\"]`"
            );
        }
        ProblemKind::TooLarge | ProblemKind::TooDeep => {
            "generated code rarely exposes IDs; exclude it in `[files] exclude` to silence this"
        }
        ProblemKind::NotUtf8 => "Rust sources must be UTF-8; re-encode the file or exclude it",
        ProblemKind::Syntax => "fix the syntax error (does `cargo check` accept the file?)",
    };
    text.to_owned()
}
