//! The lint driver: rules are plain values (metadata, documentation, check function)
//! that read the index and return diagnostics. Rules never print or do I/O.

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::index::Index;
use crate::subject::Vocabulary;

/// What a rule's check reads.
pub struct Context<'a> {
    /// The merged facts of every file.
    pub index: &'a Index<'a>,
    /// Built-in plus configured vocabularies.
    pub vocab: &'a Vocabulary,
    /// The names of all rules in the registry.
    pub rule_names: &'a [&'a str],
}

/// A rule: identity, documentation and check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Kebab-case name: rule identity in CLI, config, suppressions and SARIF.
    pub name: &'static str,
    /// The most severe level the rule reports at by default.
    pub default_severity: Severity,
    /// One line for `idguard rules`.
    pub summary: &'static str,
    /// CVSS-like score for code scanning (`properties.security-severity`); `None` for
    /// rules that report on the tool's own coverage rather than a weakness.
    pub security_severity: Option<&'static str>,
    /// Full documentation in Markdown with the fixed headings.
    pub doc: &'static str,
    /// Rules whose diagnostic on the same span does not replace this rule's: another flaw at
    /// the same place (a key clients both receive and send is an exposure and an
    /// object-level authorization risk). Any other rule listed earlier in the registry wins
    /// the span.
    pub stands_with: &'static [&'static str],
    /// The check, for one file (an index into `ctx.index.files()`): the driver runs
    /// every (file, rule) pair in parallel and isolates panics per pair.
    pub check: fn(&Context<'_>, u32) -> Vec<Diagnostic>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Rule {
    /// The text of one section of the documentation (without its heading).
    pub fn doc_section(&self, heading: &str) -> Option<&'static str> {
        let marker = format!("## {heading}\n");
        let start = self.doc.find(&marker)? + marker.len();
        let end = self.doc[start..].find("\n## ").map_or(self.doc.len(), |i| start + i + 1);
        Some(self.doc[start..end].trim())
    }

    /// CWE ids named in the References section, e.g. `["CWE-200", "CWE-359"]`.
    pub fn cwes(&self) -> Vec<String> {
        let refs = self.doc_section("References").unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        for (i, _) in refs.match_indices("CWE-") {
            let digits: String = refs[i + 4..].chars().take_while(char::is_ascii_digit).collect();
            let id = format!("CWE-{digits}");
            if !digits.is_empty() && !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

/// The headings every rule document must have, in order.
pub const DOC_HEADINGS: &[&str] =
    &["What it does", "Why is this bad?", "Example", "Use instead", "Known limitations", "References"];

/// Runs every rule on every file, in parallel. A panic in one rule on one file becomes an
/// `internal-error` diagnostic; the other pairs still run. Output order is fixed (file,
/// then rule), whatever the thread count.
pub fn run(rules: &[Rule], ctx: &Context<'_>) -> Vec<Diagnostic> {
    let files = ctx.index.files();
    let per_file: Vec<Vec<Diagnostic>> = (0..files.len())
        .into_par_iter()
        .map(|f| {
            let mut out = Vec::new();
            for rule in rules {
                match crate::isolate::isolated(&files[f].path, Some(rule.name), || (rule.check)(ctx, f as u32)) {
                    Ok(found) => out.extend(found),
                    Err(internal) => out.push(*internal),
                }
            }
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
}
