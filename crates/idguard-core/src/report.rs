//! The report stage: dedupe, filter by level and scope, sort, count.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;

/// Counts shown at the end of a run and in the JSON `summary`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files analysed (parsed or attempted).
    pub files: usize,
    /// Files skipped or not analysable (too large, not UTF-8, unparsable, symlinks, non-regular).
    pub skipped: usize,
    /// Visible errors.
    pub errors: usize,
    /// Visible warnings.
    pub warnings: usize,
    /// Visible notes.
    pub notes: usize,
    /// Findings hidden by suppressions.
    pub suppressed: usize,
    /// Findings hidden by the baseline.
    pub baselined: usize,
    /// Notes found but hidden because notes are not shown.
    pub hidden_notes: usize,
}

/// The result of a scan, ready to render.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Visible diagnostics, sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub summary: Summary,
}

/// How findings are filtered before rendering.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Show notes.
    pub show_notes: bool,
    /// Report only files under these root-relative prefixes (empty: everything).
    pub only: Vec<String>,
}

/// Dedupes (one diagnostic per primary span: the rule listed first in the registry
/// wins), scopes, hides notes unless asked for, sorts and counts.
pub fn build(
    mut diagnostics: Vec<Diagnostic>,
    rules: &[Rule],
    options: &ReportOptions,
    mut summary: Summary,
) -> Report {
    let priority: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.name, i)).collect();
    diagnostics.retain(|d| in_scope(&d.location.path, &options.only));
    diagnostics.sort_by(|a, b| {
        (&a.location.path, a.location.span.start, a.location.span.end, priority.get(a.rule), &a.message).cmp(&(
            &b.location.path,
            b.location.span.start,
            b.location.span.end,
            priority.get(b.rule),
            &b.message,
        ))
    });
    diagnostics.dedup_by(|later, earlier| {
        later.location.has_span
            && later.location.path == earlier.location.path
            && later.location.span.start == earlier.location.span.start
            && later.location.span.end == earlier.location.span.end
    });
    let mut visible = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        match d.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Note if options.show_notes => summary.notes += 1,
            Severity::Note => {
                summary.hidden_notes += 1;
                continue;
            }
        }
        visible.push(d);
    }
    visible.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.message.cmp(&b.message)));
    Report { diagnostics: visible, summary }
}

fn in_scope(path: &str, only: &[String]) -> bool {
    only.is_empty()
        || only.iter().any(|p| {
            p.is_empty() || path == p || (path.starts_with(p.as_str()) && path.as_bytes().get(p.len()) == Some(&b'/'))
        })
}
