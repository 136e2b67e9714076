//! `--format github`: GitHub Actions workflow commands, one per finding, errors first,
//! so findings show as annotations on the pull request.
//!
//! Escaping follows the workflow-command rules: in the message `%`, `\r` and `\n` are
//! percent-encoded; in properties `:` and `,` are too.

use std::fmt::Write as _;

use crate::diagnostic::Severity;
use crate::report::Report;

/// Renders the report as workflow commands, errors before warnings before notes.
pub fn render(report: &Report) -> String {
    let mut ordered: Vec<_> = report.diagnostics.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
    let mut out = String::new();
    for d in ordered {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let span = &d.location.span;
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&d.location.path),
            span.line,
            span.column,
            span.end_line,
            span.end_column,
            property(&format!("idguard {}", d.rule)),
            message(&format!("{} ({})", d.message, d.help)),
        );
    }
    out
}

/// Escapes a workflow-command message.
pub fn message(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
pub fn property(text: &str) -> String {
    message(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_workflow_command_rules() {
        assert_eq!(message("50% of\nusers"), "50%25 of%0Ausers");
        assert_eq!(property("a:b,c d"), "a%3Ab%2Cc d");
    }
}
