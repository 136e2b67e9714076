//! The pipeline, end to end: walk -> parse + lower (parallel) -> index -> lint
//! (parallel) -> report. Rendering is left to the caller.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::facts::{FileFacts, Problem, ProblemKind};
use crate::index::Index;
use crate::lint::{self, Context, Rule};
use crate::lower::{self, Limits};
use crate::report::{self, Report, ReportOptions, Summary};
use crate::subject::Vocabulary;
use crate::walk;

/// Stack size of the parse workers: address space reserved per thread, touched only as
/// deep as a file really nests. `syn` recurses once per nesting level; the nesting limit
/// keeps every accepted file far below this (see `Limits`).
pub const WORKER_STACK_SIZE: usize = 512 * 1024 * 1024;

/// Everything a scan needs.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The project root: everything under it is indexed.
    pub root: PathBuf,
    /// Worker threads (`None`: one per core).
    pub jobs: Option<usize>,
    /// Per-file resource bounds.
    pub limits: Limits,
    /// Directory names not descended into.
    pub excluded_dirs: Vec<String>,
    /// Globs of root-relative file paths not scanned (`[files] exclude`).
    pub exclude: Vec<String>,
    /// Extra vocabulary.
    pub vocab: Vocabulary,
    /// Types that are safe to expose.
    pub opaque_types: Vec<String>,
    /// Filtering of the findings.
    pub report: ReportOptions,
}

impl ScanOptions {
    /// Defaults for a root.
    pub fn new(root: PathBuf) -> Self {
        ScanOptions {
            root,
            jobs: None,
            limits: Limits::default(),
            excluded_dirs: walk::DEFAULT_EXCLUDED_DIRS.iter().map(|s| (*s).to_owned()).collect(),
            exclude: Vec::new(),
            vocab: Vocabulary::default(),
            opaque_types: Vec::new(),
            report: ReportOptions::default(),
        }
    }
}

/// Runs the pipeline and returns the report. Per-file problems are diagnostics (via the
/// rules); only failures of the tool itself are errors.
pub fn scan(options: &ScanOptions, rules: &[Rule]) -> Result<Report, Error> {
    std::fs::metadata(&options.root).map_err(|source| Error::Root { path: options.root.clone(), source })?;
    let walked = walk::walk(&options.root, &options.excluded_dirs, &options.exclude);
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_SIZE);
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = builder.build().map_err(|e| Error::Pool(e.to_string()))?;
    pool.install(|| {
        let mut files: Vec<FileFacts> =
            walked.files.par_iter().map(|f| lower::lower_file(&f.rel, &f.abs, &options.limits)).collect();
        exclude_test_modules(&mut files);
        let unanalysed = files.iter().filter(|f| !f.problems.is_empty()).count();
        let summary = Summary { files: files.len(), skipped: unanalysed + walked.skipped.len(), ..Summary::default() };
        for skipped in &walked.skipped {
            if skipped.report {
                files.push(FileFacts {
                    path: skipped.rel.clone(),
                    problems: vec![Problem {
                        kind: ProblemKind::Unreadable,
                        message: skipped.reason.clone(),
                        span: None,
                    }],
                    ..FileFacts::default()
                });
            }
        }
        let index = Index::build(&files, &options.opaque_types);
        let rule_names: Vec<&str> = rules.iter().map(|r| r.name).collect();
        let ctx = Context { index: &index, vocab: &options.vocab, rule_names: &rule_names };
        let diagnostics: Vec<Diagnostic> = lint::run(rules, &ctx);
        Ok(report::build(diagnostics, rules, &files, &options.report, summary))
    })
}

/// Clears the facts of test-only files: `#![cfg(test)]` files and the files of modules
/// declared under `#[cfg(test)]` elsewhere (`#[cfg(test)] mod tests;`), like `#[cfg(test)]`
/// items inside a file.
fn exclude_test_modules(files: &mut [FileFacts]) {
    let declared: Vec<String> = files.iter().flat_map(|f| f.test_modules.iter().cloned()).collect();
    for facts in files.iter_mut() {
        let declared_test = declared
            .iter()
            .any(|d| if d.ends_with('/') { facts.path.starts_with(d.as_str()) } else { facts.path == *d });
        if facts.test_only || declared_test {
            facts.types.clear();
            facts.fns.clear();
            facts.uses.clear();
            facts.problems.clear();
            facts.test_only = true;
        }
    }
}
