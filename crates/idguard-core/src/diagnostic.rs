//! Diagnostics: what a rule found, where, and the chain that explains it.

use crate::facts::Span;
use crate::subject::SubjectClass;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Evidence and low-risk content keys; hidden unless asked for.
    Note,
    /// Other personal or sensitive entity keys, heuristic findings, unparsable files.
    Warning,
    /// Incident-grade: user keys, linkable pseudonyms.
    Error,
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One step less severe (`note` stays `note`).
    #[must_use]
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Note => Severity::Note,
        }
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// The range; for whole-file findings, line 1 column 1 and an empty range.
    pub span: Span,
    /// False for whole-file findings (unreadable, too large): there is no snippet to show.
    pub has_span: bool,
}

impl Location {
    /// A location with a span.
    pub fn new(path: &str, span: Span) -> Self {
        Location { path: path.to_owned(), span, has_span: true }
    }

    /// A whole-file location.
    pub fn file(path: &str) -> Self {
        let span = Span { start: 0, end: 0, line: 1, column: 1, end_line: 1, end_column: 1 };
        Location { path: path.to_owned(), span, has_span: false }
    }
}

/// A secondary location with its explanation (one link of the exposure chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// Lowercase explanation.
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Kebab-case rule name.
    pub rule: &'static str,
    /// Severity after the rule's own computation (levels are applied by the report).
    pub severity: Severity,
    /// Lowercase, no trailing period, the concrete thing in backticks.
    pub message: String,
    /// The offending thing itself.
    pub location: Location,
    /// What the primary span is, shown under it.
    pub primary_label: String,
    /// The exposure chain and other evidence.
    pub labels: Vec<Label>,
    /// What to do instead.
    pub help: String,
    /// Item path such as `api::users::UserView.id`.
    pub symbol: Option<String>,
    /// Whose key it is.
    pub subject: Option<SubjectClass>,
    /// Line-independent identity: rule + path + symbol.
    pub fingerprint: String,
}

impl Diagnostic {
    /// Sort key: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.location.path, self.location.span.line, self.location.span.column, self.rule)
    }
}
