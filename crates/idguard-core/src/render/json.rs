//! `--format json`: one document, schema in `DESIGN.md` (version 1).

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::report::Report;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    symbol: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    help: &'a str,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    baselined: usize,
}

fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    let span = &d.location.span;
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        path: &d.location.path,
        line: span.line,
        column: span.column,
        end_line: span.end_line,
        end_column: span.end_column,
        symbol: d.symbol.as_deref(),
        subject: d.subject.and_then(crate::subject::SubjectClass::json_name),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel {
                path: &l.location.path,
                line: l.location.span.line,
                column: l.location.span.column,
                message: &l.message,
            })
            .collect(),
        help: &d.help,
        fingerprint: &d.fingerprint,
    }
}

/// Renders the report as a pretty-printed JSON document with a trailing newline.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let doc = Document {
        version: 1,
        diagnostics: report.diagnostics.iter().map(diagnostic).collect(),
        summary: JsonSummary {
            files: s.files,
            skipped: s.skipped,
            errors: s.errors,
            warnings: s.warnings,
            notes: s.notes,
            suppressed: s.suppressed,
            baselined: s.baselined,
        },
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("the document holds only strings and numbers");
    out.push('\n');
    out
}
