//! cargo's JSON messages (`--format cargo-json`): one `{"reason": "compiler-message", ...}`
//! line per finding, its `message` shaped like rustc's JSON diagnostics (`level`,
//! `code.code` = the rule, `spans` with `is_primary` and the chain as labelled secondary
//! spans, a `help` child, `rendered`), then `{"reason": "build-finished"}`. Anything that
//! reads cargo's messages shows the findings: rust-analyzer's `check.overrideCommand`,
//! bacon, cargo-message viewers. Span paths are relative to the root (the workspace root,
//! where cargo runs), lines and columns 1-based, columns in characters.

use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostic::{Location, Severity};
use crate::report::Report;

/// Renders the report as cargo JSON message lines; `rendered` holds each diagnostic's
/// human rendering (see `human::render_each`).
pub fn render(report: &Report, root: &Path, rendered: &[Vec<u8>]) -> String {
    let manifest = root.join("Cargo.toml");
    let mut out = String::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        let span = |location: &Location, primary: bool, label: &str| {
            let s = location.span;
            json!({
                "file_name": location.path,
                "byte_start": s.start,
                "byte_end": s.end,
                "line_start": s.line,
                "line_end": s.end_line.max(s.line),
                "column_start": s.column,
                "column_end": if s.end_line > s.line { s.end_column } else { s.end_column.max(s.column) },
                "is_primary": primary,
                "text": [],
                "label": if label.is_empty() { Value::Null } else { Value::from(label) },
                "suggested_replacement": null,
                "suggestion_applicability": null,
                "expansion": null,
            })
        };
        let mut spans = vec![span(&d.location, true, &d.primary_label)];
        spans.extend(d.labels.iter().map(|l| span(&l.location, false, &l.message)));
        let children: Vec<Value> = if d.help.is_empty() {
            Vec::new()
        } else {
            vec![json!({
                "$message_type": "diagnostic",
                "message": d.help,
                "code": null,
                "level": "help",
                "spans": [],
                "children": [],
                "rendered": null,
            })]
        };
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let text = rendered.get(i).map(|r| String::from_utf8_lossy(r).into_owned()).unwrap_or_default();
        let line = json!({
            "reason": "compiler-message",
            "package_id": format!("path+file://{}#idguard", root.display()),
            "manifest_path": manifest.display().to_string(),
            "target": {
                "kind": ["lib"],
                "crate_types": ["lib"],
                "name": "idguard",
                "src_path": root.join(&d.location.path).display().to_string(),
                "edition": "2021",
                "doc": false,
                "doctest": false,
                "test": false,
            },
            "message": {
                "$message_type": "diagnostic",
                "message": d.message,
                "code": { "code": d.rule, "explanation": null },
                "level": level,
                "spans": spans,
                "children": children,
                "rendered": text,
            },
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    let success = !report.diagnostics.iter().any(|d| d.severity == Severity::Error);
    out.push_str(&json!({ "reason": "build-finished", "success": success }).to_string());
    out.push('\n');
    out
}
