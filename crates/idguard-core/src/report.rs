//! The report stage: scope, dedupe, levels, suppressions, baseline, notes, sort, count.
//!
//! Order matters and is fixed: findings outside the reported paths are dropped; one
//! diagnostic is kept per primary span (the rule listed first in the registry wins);
//! levels turn rules off, cap or raise them; suppression comments hide what they name
//! (with a reason); the baseline hides known findings; notes are hidden unless asked for.

use std::collections::{BTreeMap, HashMap};

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::facts::FileFacts;
use crate::isolate::INTERNAL_ERROR;
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
    /// Fingerprints of the visible findings before the baseline was applied, sorted:
    /// what `--write-baseline` records.
    pub fingerprints: Vec<String>,
    /// Baseline entries that matched nothing (fixed, or moved to another file), sorted.
    pub stale_baseline: Vec<String>,
    /// How the scan went: stage timings and selection counts (`idguard --stats`). Never
    /// part of a rendered report: timings differ from run to run.
    pub stats: Stats,
    /// What the user should hear about the scan itself (a configuration file that is not
    /// read), for stderr; never part of a rendered report.
    pub notices: Vec<String>,
}

/// How a scan went, stage by stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Seconds to walk the tree.
    pub walk: f64,
    /// Seconds to read, prefilter and parse the selected files (with the cache).
    pub prepare: f64,
    /// Seconds of on-demand parsing and of the passes of index and rules.
    pub resolve: f64,
    /// Files considered.
    pub files: usize,
    /// Files the prefilter selected on their own account.
    pub selected: usize,
    /// Files parsed on demand for the declarations they supply.
    pub on_demand: usize,
    /// Passes of index and rules until nothing more was looked up.
    pub passes: usize,
    /// The project's generic aliases of response wrappers.
    pub response_aliases: usize,
    /// Files prepared again knowing them.
    pub prepared_again: usize,
    /// Files whose facts came from the cache.
    pub cached: usize,
}

impl Stats {
    /// One line per stage, for stderr.
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("walk {:.2}s", self.walk),
            format!(
                "read, prefilter and parse {:.2}s: {} files, {} selected, {} from the cache",
                self.prepare, self.files, self.selected, self.cached
            ),
            format!(
                "{} aliases of response wrappers, {} files prepared again",
                self.response_aliases, self.prepared_again
            ),
            format!(
                "on demand and rules {:.2}s: {} files parsed on demand, {} passes of index and rules",
                self.resolve, self.on_demand, self.passes
            ),
        ]
    }
}

/// How findings are filtered before rendering.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Show notes.
    pub show_notes: bool,
    /// Report only files under these root-relative prefixes (`None`: everything).
    pub only: Option<Vec<String>>,
    /// Levels by rule name (`all` for every rule); later entries win, rule names beat `all`.
    pub levels: Vec<(String, Level)>,
    /// Fingerprints of accepted findings (a multiset).
    pub baseline: Option<Vec<String>>,
    /// The rule under which suppressions that suppress nothing are reported.
    pub unused_suppression_rule: Option<&'static str>,
}

impl ReportOptions {
    /// The level for a rule: a rule-specific entry beats `all`; later entries beat earlier.
    pub fn level(&self, rule: &str) -> Option<Level> {
        crate::config::level_in(&self.levels, rule)
    }

    /// Whether a path is reported.
    pub fn in_scope(&self, path: &str) -> bool {
        self.only.as_ref().is_none_or(|only| {
            only.iter().any(|p| {
                p.is_empty()
                    || path == p
                    || (path.starts_with(p.as_str()) && path.as_bytes().get(p.len()) == Some(&b'/'))
            })
        })
    }
}

/// Builds the report from the rules' diagnostics.
pub fn build(
    diagnostics: Vec<Diagnostic>,
    rules: &[Rule],
    files: &[FileFacts],
    options: &ReportOptions,
    mut summary: Summary,
) -> Report {
    // idguard's own failures are never hidden.
    let (internal, mut diagnostics): (Vec<Diagnostic>, Vec<Diagnostic>) =
        diagnostics.into_iter().partition(|d| d.rule == INTERNAL_ERROR);
    summary.errors += internal.len();
    let priority: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.name, i)).collect();
    diagnostics.retain(|d| options.in_scope(&d.location.path));
    diagnostics.sort_by(|a, b| {
        (&a.location.path, a.location.span.start, a.location.span.end, priority.get(a.rule), &a.message).cmp(&(
            &b.location.path,
            b.location.span.start,
            b.location.span.end,
            priority.get(b.rule),
            &b.message,
        ))
    });
    // One diagnostic per span, the most specific rule's; a rule that stands with the winner
    // (another flaw at the same place) keeps its own.
    let stands_with: HashMap<&str, &[&str]> = rules.iter().map(|r| (r.name, r.stands_with)).collect();
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let same_span = |k: &Diagnostic| {
            d.location.has_span
                && k.location.path == d.location.path
                && k.location.span.start == d.location.span.start
                && k.location.span.end == d.location.span.end
        };
        // Sorted by span: the diagnostics of this span are at the end of `kept`.
        let replaced = kept
            .iter()
            .rev()
            .take_while(|k| same_span(k))
            .any(|k| k.rule == d.rule || !stands_with.get(d.rule).is_some_and(|rules| rules.contains(&k.rule)));
        if !replaced {
            kept.push(d);
        }
    }
    let mut diagnostics = kept;

    // Rules turned off are gone before anything else counts them.
    diagnostics.retain(|d| options.level(d.rule) != Some(Level::Allow));

    // Suppressions: a comment on the finding's line or the line above, or `allow-file`.
    let by_path: HashMap<&str, &FileFacts> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut used: HashMap<(&str, usize), bool> = HashMap::new();
    diagnostics.retain(|d| {
        if Some(d.rule) == options.unused_suppression_rule {
            return true;
        }
        let Some(file) = by_path.get(d.location.path.as_str()) else { return true };
        let line = d.location.span.line;
        let hit = file.suppressions.iter().position(|s| {
            s.malformed.is_none()
                && s.reason.is_some()
                && s.rules.iter().any(|r| r == d.rule || r == "all")
                && (s.file_level || s.span.line == line || s.span.line + 1 == line)
        });
        match hit {
            Some(index) => {
                used.insert((file.path.as_str(), index), true);
                summary.suppressed += 1;
                false
            }
            None => true,
        }
    });
    if let Some(rule) = options.unused_suppression_rule {
        for file in files.iter().filter(|f| options.in_scope(&f.path)) {
            for (index, s) in file.suppressions.iter().enumerate() {
                let all_off = s.rules.iter().all(|r| options.level(r) == Some(Level::Allow));
                let unknown = s.rules.iter().any(|r| r != "all" && !priority.contains_key(r.as_str()));
                if s.malformed.is_some()
                    || s.reason.is_none()
                    || all_off
                    || unknown
                    || used.contains_key(&(file.path.as_str(), index))
                {
                    continue;
                }
                let kind = if s.file_level { "allow-file" } else { "allow" };
                let names = s.rules.join(", ");
                diagnostics.push(Diagnostic {
                    rule,
                    severity: Severity::Warning,
                    message: format!("`{kind}({names})` suppresses nothing"),
                    location: Location::new(&file.path, s.span),
                    primary_label: "no finding of these rules on this line or the next".to_owned(),
                    labels: Vec::new(),
                    help: "remove the stale suppression".to_owned(),
                    symbol: None,
                    subject: None,
                    fingerprint: format!("{rule}:{}:unused:{kind}({names})", file.path),
                });
            }
        }
    }

    // Levels.
    let mut visible = Vec::with_capacity(diagnostics.len());
    for mut d in diagnostics {
        let level = options.level(d.rule);
        match level {
            Some(Level::Allow) => continue,
            Some(Level::Warn) => d.severity = d.severity.min(Severity::Warning),
            Some(Level::Deny) => d.severity = Severity::Error,
            None => {}
        }
        if d.severity == Severity::Note && !options.show_notes && level.is_none() {
            summary.hidden_notes += 1;
            continue;
        }
        visible.push(d);
    }

    // Baseline: a multiset of fingerprints.
    let mut fingerprints: Vec<String> = visible.iter().map(|d| d.fingerprint.clone()).collect();
    fingerprints.sort();
    let mut stale_baseline = Vec::new();
    if let Some(baseline) = &options.baseline {
        let mut remaining: BTreeMap<&str, usize> = BTreeMap::new();
        for f in baseline {
            *remaining.entry(f.as_str()).or_default() += 1;
        }
        visible.retain(|d| match remaining.get_mut(d.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                summary.baselined += 1;
                false
            }
            _ => true,
        });
        for (fingerprint, n) in remaining {
            stale_baseline.extend(std::iter::repeat_n(fingerprint.to_owned(), n));
        }
    }

    for d in &visible {
        match d.severity {
            _ if d.rule == INTERNAL_ERROR => {}
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Note => summary.notes += 1,
        }
    }
    visible.extend(internal);
    visible.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.message.cmp(&b.message)));
    Report { diagnostics: visible, summary, fingerprints, stale_baseline, stats: Stats::default(), notices: Vec::new() }
}
