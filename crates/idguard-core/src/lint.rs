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
    /// Full documentation in Markdown with the fixed headings.
    pub doc: &'static str,
    /// The check.
    pub check: fn(&Context<'_>) -> Vec<Diagnostic>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The headings every rule document must have, in order.
pub const DOC_HEADINGS: &[&str] =
    &["What it does", "Why is this bad?", "Example", "Use instead", "Known limitations", "References"];

/// Runs every rule (in parallel) and returns their diagnostics, in rule order.
pub fn run(rules: &[Rule], ctx: &Context<'_>) -> Vec<Diagnostic> {
    let per_rule: Vec<Vec<Diagnostic>> = rules.par_iter().map(|rule| (rule.check)(ctx)).collect();
    per_rule.into_iter().flatten().collect()
}
