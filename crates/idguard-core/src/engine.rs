//! The pipeline, end to end: walk -> parse + lower (parallel) -> index -> lint
//! (parallel, per file and rule) -> report. Rendering is left to the caller.
//!
//! A panic while lowering a file or while one rule checks one file is caught and becomes
//! an `internal-error` diagnostic naming the file (and the rule); the rest of the scan
//! completes, and the CLI exits with status 2.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::cache::{Cache, CacheOptions};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::facts::{FileFacts, Problem, ProblemKind};
use crate::index::Index;
use crate::lint::{self, Context, Rule};
use crate::lower::{self, Limits, Prepared};
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
    /// The vocabulary: built-in word lists plus `[identifiers]` (also the opaque types).
    pub vocab: Vocabulary,
    /// Filtering of the findings.
    pub report: ReportOptions,
    /// Parse only the files the prefilter selects (and what they use); `false` parses
    /// every file, for proving that the prefilter changes nothing.
    pub prefilter: bool,
    /// The facts cache (`None`: no cache).
    pub cache: Option<CacheOptions>,
    /// Counters a caller may watch to show progress (files read and parsed / total).
    pub progress: Option<std::sync::Arc<Progress>>,
    /// Testing hook: lowering the file at this root-relative path panics, to prove that
    /// a panic is isolated (set from `IDGUARD_INTERNAL_PANIC_ON` by the CLI).
    pub panic_on: Option<String>,
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
            report: ReportOptions::default(),
            prefilter: true,
            cache: None,
            progress: None,
            panic_on: None,
        }
    }
}

/// Progress of a scan, updated by the workers: files prepared out of the total.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files read, prefiltered and (if selected) parsed so far.
    pub done: std::sync::atomic::AtomicUsize,
    /// Files to read.
    pub total: std::sync::atomic::AtomicUsize,
}

/// Where a file's bytes come from.
enum Source<'a> {
    /// Read from disk.
    Path(&'a std::path::Path),
    /// Already in memory.
    Bytes(&'a [u8]),
}

/// Runs the pipeline over the files under `options.root`.
pub fn scan(options: &ScanOptions, rules: &[Rule]) -> Result<Report, Error> {
    std::fs::metadata(&options.root).map_err(|source| Error::Root { path: options.root.clone(), source })?;
    // The cache is read while the tree is walked.
    let loading = options.cache.as_ref().map(|c| {
        let (dir, key) = (c.dir.clone(), cache_key(c, options));
        std::thread::spawn(move || Cache::load(&dir, &key))
    });
    let started = std::time::Instant::now();
    let threads = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let walked = walk::walk(&options.root, &options.excluded_dirs, &options.exclude, threads);
    let walked_in = started.elapsed().as_secs_f64();
    let inputs: Vec<(&str, Source<'_>)> =
        walked.files.iter().map(|f| (f.rel.as_str(), Source::Path(f.abs.as_path()))).collect();
    // A loader that failed is an empty cache: only this run's speed is lost.
    let cache = loading.map(|loading| loading.join().unwrap_or_default());
    let mut report = run(options, rules, &inputs, &walked.skipped, cache.as_ref())?;
    report.stats.walk = walked_in;
    Ok(report)
}

/// Runs the pipeline over in-memory sources `(root-relative path, bytes)`, as if they
/// were the files of a root. Used by the fuzz targets and tests.
pub fn scan_sources(options: &ScanOptions, rules: &[Rule], sources: &[(String, Vec<u8>)]) -> Result<Report, Error> {
    let inputs: Vec<(&str, Source<'_>)> =
        sources.iter().map(|(path, bytes)| (path.as_str(), Source::Bytes(bytes.as_slice()))).collect();
    let cache = options.cache.as_ref().map(|c| Cache::load(&c.dir, &cache_key(c, options)));
    run(options, rules, &inputs, &[], cache.as_ref())
}

fn run(
    options: &ScanOptions,
    rules: &[Rule],
    inputs: &[(&str, Source<'_>)],
    skipped: &[walk::Skipped],
    cache: Option<&Cache>,
) -> Result<Report, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_SIZE);
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = builder.build().map_err(|e| Error::Pool(e.to_string()))?;
    let mut stats = crate::report::Stats::default();
    let preparing = std::time::Instant::now();
    pool.install(|| {
        if let Some(progress) = &options.progress {
            progress.total.store(inputs.len(), std::sync::atomic::Ordering::Relaxed);
        }
        let prepared: Vec<(Prepared, Option<u128>, Option<Diagnostic>, bool)> = inputs
            .par_iter()
            .map(|(rel, source)| {
                let out = prepare_isolated(rel, source, options, cache);
                if let Some(progress) = &options.progress {
                    progress.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                out
            })
            .collect();
        let mut internal: Vec<Diagnostic> = Vec::new();
        let mut hashes: Vec<Option<u128>> = Vec::with_capacity(prepared.len());
        let mut hits = 0usize;
        let mut prepared: Vec<Prepared> = prepared
            .into_iter()
            .map(|(p, hash, crash, hit)| {
                internal.extend(crash);
                hashes.push(hash);
                hits += usize::from(hit);
                p
            })
            .collect();
        // The project's aliases of response wrappers: a file returning one is lowered again
        // knowing it (unless its facts, from the cache, already were).
        let vocab = Vocabulary {
            response_aliases: crate::surface::wrapper_aliases(
                &prepared.iter().flat_map(|p| &p.aliases).collect::<Vec<_>>(),
            ),
            ..options.vocab.clone()
        };
        let redone = prepare_with_aliases(&mut prepared, inputs, options, &vocab.response_aliases, &mut internal);
        stats.response_aliases = vocab.response_aliases.len();
        stats.prepared_again = redone;
        let lowered_before = prepared.iter().filter(|p| p.lowered).count();
        let selected = prepared.iter().filter(|p| p.selected).count();
        stats.prepare = preparing.elapsed().as_secs_f64();
        stats.files = prepared.len();
        stats.selected = selected;
        stats.cached = hits;
        // The facts move out; `prepared` keeps the rest (selection, declared names).
        let mut files: Vec<FileFacts> = prepared.iter_mut().map(|p| std::mem::take(&mut p.facts)).collect();
        let mut relevant: Vec<bool> = prepared.iter().map(|p| p.selected).collect();
        // Test-only files (`#![cfg(test)]`, modules declared under `#[cfg(test)]`) are
        // cleared, as `#[cfg(test)]` items are; what they had is kept for the cache.
        let test_modules: Vec<String> = files.iter().flat_map(|f| f.test_modules.iter().cloned()).collect();
        let mut uncleared: HashMap<usize, FileFacts> = HashMap::new();
        for (i, facts) in files.iter_mut().enumerate() {
            if let Some(raw) = exclude_test_module(facts, &test_modules) {
                uncleared.insert(i, raw);
            }
        }
        for skipped in skipped.iter().filter(|s| s.report) {
            files.push(FileFacts {
                path: skipped.rel.clone(),
                problems: vec![Problem { kind: ProblemKind::Unreadable, message: skipped.reason.clone(), span: None }],
                ..FileFacts::default()
            });
        }
        // Syntax is checked where it matters: in files that can carry findings or declare what
        // such files use (the relevant ones). The syntax problems of the others are held
        // back, and given back to a file when it turns out to be relevant. The same under
        // `--no-prefilter`.
        let mut held: HashMap<usize, Vec<Problem>> = HashMap::new();
        for (i, facts) in files.iter_mut().enumerate().take(relevant.len()).filter(|(i, _)| !relevant[*i]) {
            let (syntax, rest) = std::mem::take(&mut facts.problems)
                .into_iter()
                .partition(|problem| matches!(problem.kind, ProblemKind::Syntax | ProblemKind::TooDeep));
            facts.problems = rest;
            if !syntax.is_empty() {
                held.insert(i, syntax);
            }
        }
        // Index and rules, until they look up nothing that an unparsed file may declare
        // (see `demand`): the last pass's findings are the report's.
        let resolving = std::time::Instant::now();
        let candidates = crate::demand::Candidates::new(&prepared);
        let lookups = candidates.lookups();
        let rule_names: Vec<&str> = rules.iter().map(|r| r.name).collect();
        let text = |f: usize| {
            let (path, bytes) = source_parts(&inputs[f].1);
            lower::source_text(path, bytes, &options.limits)
        };
        let rel = |f: usize| inputs[f].0;
        let settings = lower::Settings { limits: &options.limits, vocab: &options.vocab };
        let mut passes = 0usize;
        let mut diagnostics = loop {
            passes += 1;
            let index = Index::build_watching(&files, &vocab, &lookups);
            let mut asked = lookups.take_asked();
            let mut found = None;
            if asked.is_empty() {
                let ctx = Context { index: &index, vocab: &vocab, rule_names: &rule_names };
                found = Some(lint::run(rules, &ctx));
                asked = lookups.take_asked();
            }
            drop(index);
            if asked.is_empty() {
                break found.unwrap_or_default();
            }
            let mut demanded = crate::demand::Files {
                facts: &mut files[..prepared.len()],
                meta: &mut prepared,
                relevant: &mut relevant,
                held: &mut held,
            };
            let (_, crashes) = crate::demand::decide(&asked, &candidates, &mut demanded, &text, &rel, settings);
            internal.extend(crashes);
            for name in &asked {
                for &file in candidates.files_of(name) {
                    let f = file as usize;
                    if !uncleared.contains_key(&f)
                        && let Some(raw) = exclude_test_module(&mut files[f], &test_modules)
                    {
                        uncleared.insert(f, raw);
                    }
                }
            }
        };
        stats.resolve = resolving.elapsed().as_secs_f64();
        stats.on_demand = relevant.iter().filter(|r| **r).count() - selected;
        stats.passes = passes;
        // Rewritten only when something changed: a file read afresh, a file parsed on
        // demand for the first time, or entries to drop (files gone or renamed).
        let unchanged = cache.is_some_and(|c| {
            hits == prepared.len()
                && redone == 0
                && c.len() == prepared.len()
                && prepared.iter().filter(|p| p.lowered).count() == lowered_before
        });
        if let Some(options_cache) = options.cache.as_ref().filter(|_| !unchanged) {
            let entries: Vec<(String, u128, Prepared)> = prepared
                .iter()
                .enumerate()
                .zip(&hashes)
                .filter_map(|((i, p), hash)| {
                    let mut facts = uncleared.get(&i).unwrap_or(&files[i]).clone();
                    facts.problems.extend(held.get(&i).into_iter().flatten().cloned());
                    hash.map(|h| (facts.path.clone(), h, Prepared { facts, ..p.clone() }))
                })
                .collect();
            // A cache that cannot be written only costs the next run its speed.
            let _ = crate::cache::store(&options_cache.dir, &cache_key(options_cache, options), entries);
        }
        let unanalysed = files[..prepared.len()].iter().filter(|f| !f.problems.is_empty()).count();
        let summary = Summary {
            files: prepared.len(),
            skipped: unanalysed + skipped.len() + internal.len(),
            ..Summary::default()
        };
        diagnostics.extend(internal);
        let mut report = report::build(diagnostics, rules, &files, &options.report, summary);
        report.stats = stats;
        Ok(report)
    })
}

fn source_parts<'a>(source: &'a Source<'a>) -> (Option<&'a std::path::Path>, Option<&'a [u8]>) {
    match source {
        Source::Path(path) => (Some(path), None),
        Source::Bytes(bytes) => (None, Some(bytes)),
    }
}

thread_local! {
    /// Each worker reads its files into one buffer, reused from file to file.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Prefilters (and, if selected, parses) one file, or takes its facts from the cache;
/// a panic becomes empty facts plus an internal-error diagnostic. Returns the content
/// hash when the facts may be cached, and whether they came from the cache.
fn prepare_isolated(
    rel: &str,
    source: &Source<'_>,
    options: &ScanOptions,
    cache: Option<&Cache>,
) -> (Prepared, Option<u128>, Option<Diagnostic>, bool) {
    let result = crate::isolate::isolated(rel, None, || {
        assert!(options.panic_on.as_deref() != Some(rel), "IDGUARD_INTERNAL_PANIC_ON asked for a panic here");
        let prepare = |bytes: &[u8]| {
            let hash = cache.map(|_| crate::cache::hash(bytes));
            if let (Some(cache), Some(hash)) = (cache, hash)
                && let Some(hit) = cache.get(rel, hash)
                && (options.prefilter || (hit.lowered && !hit.declarations_only))
            {
                return (hit.clone(), Some(hash), true);
            }
            (lower::prepare(rel, bytes, &options.limits, &options.vocab, !options.prefilter), hash, false)
        };
        match source {
            Source::Bytes(bytes) => prepare(bytes),
            Source::Path(path) => {
                READ_BUFFER.with_borrow_mut(|buffer| match lower::read_into(path, &options.limits, buffer) {
                    Ok(()) => prepare(buffer),
                    Err(problem) => (lower::unreadable(rel, problem), None, false),
                })
            }
        }
    });
    match result {
        Ok((prepared, hash, hit)) => (prepared, hash, None, hit),
        Err(diagnostic) => {
            let facts = FileFacts { path: rel.to_owned(), ..FileFacts::default() };
            let prepared = Prepared { facts, lowered: true, ..Prepared::default() };
            (prepared, None, Some(*diagnostic), false)
        }
    }
}

/// The cache key: the version, the caller's configuration fingerprint and the limits
/// (the only options the facts depend on).
fn cache_key(cache: &CacheOptions, options: &ScanOptions) -> String {
    let limits = format!("{} {}", options.limits.max_file_size, options.limits.max_nesting);
    crate::cache::key(env!("CARGO_PKG_VERSION"), &format!("{}\n{limits}", cache.config))
}

/// One file's facts prepared again (if they change), or the crash.
type Again = Result<Option<Prepared>, Box<Diagnostic>>;

/// Prepares again, knowing the project's aliases of response wrappers (`aliases`), each
/// file whose return types name one of them and whose facts were not lowered with exactly
/// those (see `Vocabulary::response_aliases`). A file not yet checked against this alias set
/// is read again for its return types; most projects declare no such alias, and then only
/// files lowered with aliases in an earlier run (from the cache) are prepared again.
/// Returns how many files changed.
fn prepare_with_aliases(
    prepared: &mut [Prepared],
    inputs: &[(&str, Source<'_>)],
    options: &ScanOptions,
    aliases: &[String],
    internal: &mut Vec<Diagnostic>,
) -> usize {
    let checked = if aliases.is_empty() { 0 } else { crate::cache::hash(aliases.join("\n").as_bytes()) as u64 | 1 };
    let todo: Vec<usize> = prepared
        .iter()
        .enumerate()
        .filter(|(_, p)| if checked == 0 { !p.response_aliases.is_empty() } else { p.aliases_checked != checked })
        .map(|(i, _)| i)
        .collect();
    let redone: Vec<(usize, Again)> = todo
        .into_par_iter()
        .map(|i| {
            let (rel, source) = &inputs[i];
            let before = &prepared[i];
            let again = crate::isolate::isolated(rel, None, || {
                let (path, bytes) = source_parts(source);
                let text = match lower::source_text(path, bytes, &options.limits) {
                    Ok(text) => text,
                    Err(problem) => return Some(lower::unreadable(rel, problem)),
                };
                let needed: Vec<String> = if checked == 0 {
                    Vec::new()
                } else {
                    crate::prefilter::return_heads(&text)
                        .into_iter()
                        .filter(|h| aliases.binary_search(h).is_ok())
                        .collect()
                };
                let mut p = if needed == before.response_aliases {
                    None
                } else {
                    let vocab = Vocabulary { response_aliases: needed, ..options.vocab.clone() };
                    Some(lower::prepare(rel, text.as_bytes(), &options.limits, &vocab, !options.prefilter))
                };
                if let Some(p) = p.as_mut() {
                    p.aliases_checked = checked;
                }
                p
            });
            (i, again)
        })
        .collect();
    let mut changed = 0;
    for (i, again) in redone {
        match again {
            Ok(Some(p)) => {
                prepared[i] = p;
                changed += 1;
            }
            Ok(None) => {
                if prepared[i].aliases_checked != checked {
                    prepared[i].aliases_checked = checked;
                    changed += 1;
                }
            }
            Err(crash) => internal.push(*crash),
        }
    }
    changed
}

/// Clears the facts of a test-only file: a `#![cfg(test)]` file or the file of a module
/// declared under `#[cfg(test)]` elsewhere (`#[cfg(test)] mod tests;`; `test_modules` lists
/// them), as `#[cfg(test)]` items inside a file are. Returns what it had, if it was cleared.
fn exclude_test_module(facts: &mut FileFacts, test_modules: &[String]) -> Option<FileFacts> {
    let declared_test = test_modules
        .iter()
        .any(|d| if d.ends_with('/') { facts.path.starts_with(d.as_str()) } else { facts.path == *d });
    if !(facts.test_only || declared_test) {
        return None;
    }
    let cleared = FileFacts {
        path: facts.path.clone(),
        parsed: facts.parsed,
        suppressions: facts.suppressions.clone(),
        test_modules: facts.test_modules.clone(),
        test_only: true,
        ..FileFacts::default()
    };
    Some(std::mem::replace(facts, cleared))
}
