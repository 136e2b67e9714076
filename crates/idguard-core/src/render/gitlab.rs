//! GitLab Code Quality report (`--format gitlab`): a JSON array of issues, each with
//! `description`, `check_name` (the rule), `fingerprint` (unique per issue), `severity`
//! (`critical` for errors, `major` for warnings, `info` for notes) and `location` (path and
//! begin line). GitLab shows them in merge requests (`artifacts: reports: codequality`).

use serde_json::{Value, json};

use crate::diagnostic::Severity;
use crate::report::Report;

/// Renders the report as a Code Quality JSON array.
pub fn render(report: &Report) -> String {
    let mut seen: Vec<String> = Vec::new();
    let issues: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            // GitLab needs a fingerprint per issue: ours is per symbol, so a repeat (two
            // findings on one symbol) is numbered.
            let mut fingerprint = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(d.fingerprint.as_bytes()));
            let repeats = seen.iter().filter(|f| f.starts_with(&fingerprint)).count();
            if repeats > 0 {
                fingerprint = format!("{fingerprint}-{repeats}");
            }
            seen.push(fingerprint.clone());
            let severity = match d.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Note => "info",
            };
            json!({
                "description": d.message,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {
                    "path": d.location.path,
                    "lines": { "begin": d.location.span.line, "end": d.location.span.end_line.max(d.location.span.line) },
                },
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}
