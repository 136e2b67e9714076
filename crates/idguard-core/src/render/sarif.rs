//! `--format sarif`: SARIF 2.1.0 for code scanning. Rule metadata comes from the rule
//! documents (short and full descriptions, help as text and Markdown, CWE tags,
//! `security-severity`); results carry the exposure chain as `relatedLocations` and the
//! line-independent fingerprint as `partialFingerprints`.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::lint::Rule;
use crate::report::Report;

/// The SARIF schema this output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn physical(location: &Location) -> Value {
    let span = &location.span;
    let mut region = json!({ "startLine": span.line, "startColumn": span.column });
    if location.has_span {
        region["endLine"] = json!(span.end_line);
        region["endColumn"] = json!(span.end_column);
    }
    json!({
        "artifactLocation": { "uri": uri(&location.path), "uriBaseId": "%SRCROOT%" },
        "region": region,
    })
}

/// A relative URI reference: path segments percent-encoded where RFC 3986 requires it.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            other => {
                let _ = write!(out, "%{other:02X}");
            }
        }
    }
    out
}

fn rule_descriptor(rule: &Rule) -> Value {
    let what = rule.doc_section("What it does").unwrap_or(rule.summary);
    let mut tags: Vec<String> = Vec::new();
    if rule.security_severity.is_some() {
        tags.push("security".to_owned());
    }
    tags.extend(rule.cwes().iter().map(|c| format!("external/cwe/{}", c.to_lowercase())));
    let mut properties = json!({ "tags": tags, "precision": "high" });
    if let Some(score) = rule.security_severity {
        properties["security-severity"] = json!(score);
    }
    json!({
        "id": rule.name,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": what },
        "help": { "text": rule.doc.trim(), "markdown": rule.doc.trim() },
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": properties,
    })
}

fn result(d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let related: Vec<Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut loc = json!({ "id": i, "physicalLocation": physical(&label.location) });
            loc["message"] = json!({ "text": label.message });
            loc
        })
        .collect();
    let mut out = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": format!("{}\n{}", d.message, d.help) },
        "locations": [{ "physicalLocation": physical(&d.location) }],
        "partialFingerprints": { "idguardFingerprint/v1": d.fingerprint },
    });
    if let Some(index) = rule_index {
        out["ruleIndex"] = json!(index);
    }
    if let Some(symbol) = &d.symbol {
        out["locations"][0]["logicalLocations"] = json!([{ "fullyQualifiedName": symbol }]);
    }
    if !related.is_empty() {
        out["relatedLocations"] = json!(related);
    }
    out
}

/// Renders the report as one SARIF log with one run.
pub fn render(report: &Report, rules: &[Rule], version: &str) -> String {
    let results: Vec<Value> =
        report.diagnostics.iter().map(|d| result(d, rules.iter().position(|r| r.name == d.rule))).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "idguard",
                "semanticVersion": version,
                "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("a JSON value always serializes");
    out.push('\n');
    out
}
