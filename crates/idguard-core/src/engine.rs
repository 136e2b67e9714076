//! The pipeline, end to end: walk -> parse + lower (parallel) -> index -> lint
//! (parallel, per file and rule) -> report. Rendering is left to the caller.
//!
//! A panic while lowering a file or while one rule checks one file is caught and becomes
//! an `internal-error` diagnostic naming the file (and the rule); the rest of the scan
//! completes, and the CLI exits with status 2.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::cache::{Cache, CacheOptions};
use crate::diagnostic::{Diagnostic, Location, Severity};
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

/// The rule name of diagnostics about idguard's own failures. Not a rule of the
/// registry: levels, suppressions and the baseline never hide it.
pub const INTERNAL_ERROR: &str = "internal-error";

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
            opaque_types: Vec::new(),
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
    if std::env::var_os("IDGUARD_STATS").is_some() {
        eprintln!("idguard stats: walk {:.2}s", started.elapsed().as_secs_f64());
    }
    let inputs: Vec<(&str, Source<'_>)> =
        walked.files.iter().map(|f| (f.rel.as_str(), Source::Path(f.abs.as_path()))).collect();
    // A loader that failed is an empty cache: only this run's speed is lost.
    let cache = loading.map(|loading| loading.join().unwrap_or_default());
    run(options, rules, &inputs, &walked.skipped, cache.as_ref())
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
    let stats = std::env::var_os("IDGUARD_STATS").is_some();
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
        let lowered_before = prepared.iter().filter(|p| p.lowered).count();
        let selected = prepared.iter().filter(|p| p.selected).count();
        if stats {
            eprintln!("idguard stats: read, prefilter and parse {:.2}s", preparing.elapsed().as_secs_f64());
        }
        let started = std::time::Instant::now();
        let relevant = resolve_on_demand(&mut prepared, inputs, options, &mut internal);
        if stats {
            let relevant_count = relevant.iter().filter(|r| **r).count();
            eprintln!(
                "idguard stats: {} files, {selected} selected, {} parsed on demand, on-demand stage {:.2}s",
                prepared.len(),
                relevant_count - selected,
                started.elapsed().as_secs_f64()
            );
        }
        // Rewritten only when something changed: a file read afresh, a file parsed on
        // demand for the first time, or entries to drop (files gone or renamed).
        let unchanged = cache.is_some_and(|c| {
            hits == prepared.len()
                && c.len() == prepared.len()
                && prepared.iter().filter(|p| p.lowered).count() == lowered_before
        });
        if let Some(options_cache) = options.cache.as_ref().filter(|_| !unchanged) {
            let entries: Vec<(String, u128, Prepared)> = prepared
                .iter()
                .zip(&hashes)
                .filter_map(|(p, hash)| hash.map(|h| (p.facts.path.clone(), h, p.clone())))
                .collect();
            // A cache that cannot be written only costs the next run its speed.
            let _ = crate::cache::store(&options_cache.dir, &cache_key(options_cache, options), entries);
        }
        let mut files: Vec<FileFacts> = Vec::with_capacity(prepared.len());
        for (p, relevant) in prepared.into_iter().zip(relevant) {
            let mut facts = p.facts;
            if !relevant {
                // Syntax is checked where it matters: in files that can carry findings or
                // declare what such files use. The same under `--no-prefilter`.
                facts.problems.retain(|problem| !matches!(problem.kind, ProblemKind::Syntax | ProblemKind::TooDeep));
            }
            files.push(facts);
        }
        exclude_test_modules(&mut files);
        let unanalysed = files.iter().filter(|f| !f.problems.is_empty()).count();
        let summary =
            Summary { files: files.len(), skipped: unanalysed + skipped.len() + internal.len(), ..Summary::default() };
        for skipped in skipped.iter().filter(|s| s.report) {
            files.push(FileFacts {
                path: skipped.rel.clone(),
                problems: vec![Problem { kind: ProblemKind::Unreadable, message: skipped.reason.clone(), span: None }],
                ..FileFacts::default()
            });
        }
        let indexing = std::time::Instant::now();
        let index = Index::build(&files, &options.opaque_types);
        let rule_names: Vec<&str> = rules.iter().map(|r| r.name).collect();
        let ctx = Context { index: &index, vocab: &options.vocab, rule_names: &rule_names };
        let mut diagnostics: Vec<Diagnostic> = lint::run(rules, &ctx);
        if stats {
            eprintln!("idguard stats: index and rules {:.2}s", indexing.elapsed().as_secs_f64());
        }
        diagnostics.extend(internal);
        Ok(report::build(diagnostics, rules, &files, &options.report, summary))
    })
}

/// Runs `f`, turning a panic into an internal-error diagnostic for `rel`.
fn isolated<T>(rel: &str, f: impl FnOnce() -> T) -> Result<T, Box<Diagnostic>> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        // Spans of a half-lowered file must not leak into the next file's.
        proc_macro2::extra::invalidate_current_thread_spans();
        Box::new(internal_error(rel, None, &panic_message(payload.as_ref())))
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
    let result = isolated(rel, || {
        assert!(options.panic_on.as_deref() != Some(rel), "IDGUARD_INTERNAL_PANIC_ON asked for a panic here");
        let prepare = |bytes: &[u8]| {
            let hash = cache.map(|_| crate::cache::hash(bytes));
            if let (Some(cache), Some(hash)) = (cache, hash)
                && let Some(hit) = cache.get(rel, hash)
                && (options.prefilter || (hit.lowered && !hit.declarations_only))
            {
                return (hit.clone(), Some(hash), true);
            }
            (lower::prepare(rel, bytes, &options.limits, !options.prefilter), hash, false)
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
            let prepared =
                Prepared { facts, selected: false, lowered: true, declarations_only: false, declares: Vec::new() };
            (prepared, None, Some(*diagnostic), false)
        }
    }
}

/// Marks the files that matter: the selected ones, and every file declaring a name that
/// resolution reaches from them: the names their serializable types and handlers use,
/// then (until nothing changes) the names those declarations alias or wrap. A file the
/// prefilter passed over is parsed when it first declares a reached name. Returns the
/// relevance of each file.
fn resolve_on_demand(
    prepared: &mut [Prepared],
    inputs: &[(&str, Source<'_>)],
    options: &ScanOptions,
    internal: &mut Vec<Diagnostic>,
) -> Vec<bool> {
    let relevant: Vec<bool> = prepared.iter().map(|p| p.selected).collect();
    // Who declares what: the facts of selected files, the lexical scan of the others.
    let mut declared_by: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        if p.selected {
            for decl in &p.facts.types {
                declared_by.entry(decl.name.clone()).or_default().push(i);
            }
        } else {
            for name in &p.declares {
                declared_by.entry(name.clone()).or_default().push(i);
            }
        }
    }
    for files in declared_by.values_mut() {
        files.dedup();
    }
    let roots: Vec<String> = prepared
        .iter()
        .filter(|p| p.selected)
        .flat_map(|p| outside_names(&p.facts, crate::prefilter::root_names(&p.facts)))
        .collect();
    // A work queue rather than rounds: a file's follow-up names are searched as soon as its
    // facts are in, so no worker waits for the slowest file of a round. The closure (which
    // names, which files, which facts) does not depend on the order.
    let shared = OnDemand {
        relevant: relevant.into_iter().map(std::sync::atomic::AtomicBool::new).collect(),
        cells: prepared.iter_mut().map(|p| std::sync::Mutex::new(Cell { prepared: p, parsing: None })).collect(),
        declared_by,
        seen: std::sync::Mutex::new(HashSet::new()),
        crashes: std::sync::Mutex::new(Vec::new()),
        checked: std::sync::atomic::AtomicUsize::new(0),
        inputs,
        options,
    };
    rayon::scope(|scope| {
        for name in &roots {
            shared.visit(scope, name);
        }
    });
    if std::env::var_os("IDGUARD_STATS").is_some() {
        let names = shared.seen.lock().map_or(0, |s| s.len());
        let checked = shared.checked.load(std::sync::atomic::Ordering::Relaxed);
        eprintln!("  on demand: {names} names, {checked} file checks");
    }
    let mut crashes = shared.crashes.into_inner().unwrap_or_default();
    crashes.sort_by(|a, b| a.location.path.cmp(&b.location.path));
    internal.extend(crashes);
    shared.relevant.into_iter().map(std::sync::atomic::AtomicBool::into_inner).collect()
}

/// One file during on-demand resolution.
struct Cell<'p> {
    prepared: &'p mut Prepared,
    /// While a worker parses the file (its facts are out): the names reached meanwhile,
    /// which that worker follows once the facts are in.
    parsing: Option<Vec<String>>,
}

/// The shared state of on-demand resolution.
struct OnDemand<'p, 'i> {
    /// Per file: it is selected or declares a reached name (and then its facts are in,
    /// unless it is being parsed).
    relevant: Vec<std::sync::atomic::AtomicBool>,
    cells: Vec<std::sync::Mutex<Cell<'p>>>,
    declared_by: HashMap<String, Vec<usize>>,
    seen: std::sync::Mutex<HashSet<String>>,
    crashes: std::sync::Mutex<Vec<Diagnostic>>,
    checked: std::sync::atomic::AtomicUsize,
    inputs: &'i [(&'i str, Source<'i>)],
    options: &'i ScanOptions,
}

impl OnDemand<'_, '_> {
    /// A name reached for the first time: check every file that may declare it.
    fn visit<'s>(&'s self, scope: &rayon::Scope<'s>, name: &str) {
        let first = self.seen.lock().is_ok_and(|mut seen| seen.insert(name.to_owned()));
        if !first {
            return;
        }
        let files = self.declared_by.get(name).map(Vec::as_slice).unwrap_or_default();
        for &j in files {
            let name = name.to_owned();
            scope.spawn(move |scope| self.check(scope, j, name));
        }
    }

    /// Whether file `j` declares `name` (a lexical match may be an associated type or a
    /// local item: the tokens are checked), parsing it the first time it does; then the
    /// names its declaration of `name` leads to. No worker waits for another: the file is
    /// read and checked without its lock, and a name that reaches a file being parsed is
    /// left to the worker parsing it.
    fn check<'s>(&'s self, scope: &rayon::Scope<'s>, j: usize, name: String) {
        use std::sync::atomic::Ordering;
        if self.settled(scope, j, name.clone()) {
            return;
        }
        match self.known(j, &name) {
            Some(false) => return,
            Some(true) => {
                self.relevant[j].store(true, Ordering::Relaxed);
                self.settled(scope, j, name);
                return;
            }
            None => {}
        }
        self.checked.fetch_add(1, Ordering::Relaxed);
        let (rel, source) = &self.inputs[j];
        let (path, bytes) = source_parts(source);
        let read = isolated(rel, || {
            let text = lower::source_text(path, bytes, &self.options.limits);
            let declares = match &text {
                Ok(text) => crate::prefilter::declares_at_module_level(text, &[name.as_str()]),
                Err(_) => true,
            };
            (declares, text)
        });
        let text = match read {
            Ok((false, _)) => {
                // Not a module-level declaration (an associated type, a local item): the file
                // is no longer a candidate for `name`, here or (through the cache) next time.
                if let Ok(mut cell) = self.cells[j].lock() {
                    cell.prepared.declares.retain(|n| *n != name);
                }
                return;
            }
            Ok((true, text)) => Some(text),
            Err(diagnostic) => {
                self.crash(*diagnostic);
                None
            }
        };
        // The file declares `name` (or could not be checked): claim its parse, unless it is
        // parsed or being parsed.
        let Ok(mut cell) = self.cells[j].lock() else { return };
        if let Some(pending) = cell.parsing.as_mut() {
            pending.push(name);
            return;
        }
        let text = match text {
            Some(text) if !self.relevant[j].load(Ordering::Relaxed) && !cell.prepared.lowered => text,
            _ => {
                self.relevant[j].store(true, Ordering::Relaxed);
                drop(cell);
                self.settled(scope, j, name);
                return;
            }
        };
        cell.parsing = Some(Vec::new());
        let mut facts = std::mem::take(&mut cell.prepared.facts);
        drop(cell);
        let before = facts.clone();
        let lowered = isolated(rel, || lower::lower_on_demand(&mut facts, text, &self.options.limits));
        let Ok(mut cell) = self.cells[j].lock() else { return };
        // A file that crashed keeps the facts it had and stays unlowered (nothing partial is
        // used or cached).
        match lowered {
            Ok(()) => {
                cell.prepared.facts = facts;
                cell.prepared.lowered = true;
                cell.prepared.declarations_only = true;
            }
            Err(diagnostic) => {
                cell.prepared.facts = before;
                self.crash(*diagnostic);
            }
        }
        self.relevant[j].store(true, Ordering::Relaxed);
        let mut names = cell.parsing.take().unwrap_or_default();
        names.push(name);
        let next: Vec<String> = names
            .iter()
            .flat_map(|name| {
                outside_names(&cell.prepared.facts, crate::prefilter::follow_names(&cell.prepared.facts, name))
            })
            .collect();
        drop(cell);
        for name in &next {
            self.visit(scope, name);
        }
    }

    /// For a file already relevant: follows the names its declaration of `name` leads to
    /// (or leaves `name` to the worker parsing it) and answers true; false if the file is
    /// not relevant yet.
    fn settled<'s>(&'s self, scope: &rayon::Scope<'s>, j: usize, name: String) -> bool {
        let Ok(mut cell) = self.cells[j].lock() else { return true };
        if let Some(pending) = cell.parsing.as_mut() {
            pending.push(name);
            return true;
        }
        if !self.relevant[j].load(std::sync::atomic::Ordering::Relaxed) {
            return false;
        }
        let next = outside_names(&cell.prepared.facts, crate::prefilter::follow_names(&cell.prepared.facts, &name));
        drop(cell);
        for name in &next {
            self.visit(scope, name);
        }
        true
    }

    /// Whether file `j` declares `name`, when its facts tell: it is already parsed (from the
    /// cache, or under `--no-prefilter`) without a syntax problem. Its facts then hold every
    /// module-level declaration the rules can follow; one the text has beyond them (a
    /// `#[cfg(test)]` item) changes nothing, since being relevant only keeps syntax problems.
    /// Saves reading the file again.
    fn known(&self, j: usize, name: &str) -> Option<bool> {
        let Ok(cell) = self.cells[j].lock() else { return None };
        let facts = &cell.prepared.facts;
        let parsed = cell.prepared.lowered
            && cell.parsing.is_none()
            && !facts.problems.iter().any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::TooDeep));
        parsed.then(|| facts.types.iter().any(|d| d.name == name))
    }

    fn crash(&self, diagnostic: Diagnostic) {
        if let Ok(mut crashes) = self.crashes.lock() {
            crashes.push(diagnostic);
        }
    }
}

/// Of the names a file looks up, those it does not declare itself, following its own
/// declarations (aliases, wrappers) within the file. A name the file declares resolves
/// to that declaration, whatever other files declare, so only the others need a search.
fn outside_names<'a>(facts: &'a FileFacts, start: Vec<&'a str>) -> Vec<String> {
    let mut stack = start;
    let mut visited: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    while let Some(name) = stack.pop() {
        if !visited.insert(name) {
            continue;
        }
        if facts.types.iter().any(|d| d.name == name) {
            stack.extend(crate::prefilter::follow_names(facts, name));
        } else {
            out.push(name.to_owned());
        }
    }
    out
}

/// The cache key: the version, the caller's configuration fingerprint and the limits
/// (the only options the facts depend on).
fn cache_key(cache: &CacheOptions, options: &ScanOptions) -> String {
    let limits = format!("{} {}", options.limits.max_file_size, options.limits.max_nesting);
    crate::cache::key(env!("CARGO_PKG_VERSION"), &format!("{}\n{limits}", cache.config))
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// An `internal-error` diagnostic: idguard itself failed on this file (and rule).
pub fn internal_error(path: &str, rule: Option<&str>, message: &str) -> Diagnostic {
    let what = rule.map_or_else(|| "while parsing".to_owned(), |r| format!("in rule `{r}`"));
    Diagnostic {
        rule: INTERNAL_ERROR,
        severity: Severity::Error,
        message: format!("idguard failed on `{path}` {what}: {message}"),
        location: Location::file(path),
        primary_label: String::new(),
        labels: Vec::new(),
        help: "this is a bug in idguard: please report it with the file; the rest of the scan completed".to_owned(),
        symbol: None,
        subject: None,
        fingerprint: format!("{INTERNAL_ERROR}:{path}:{}", rule.unwrap_or("parse")),
    }
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
            facts.routes.clear();
            facts.nests.clear();
            facts.segments.clear();
            facts.tables.clear();
            facts.mints.clear();
            facts.encodings.clear();
            facts.combinations.clear();
            facts.encrypts.clear();
            facts.echoes.clear();
            facts.calls.clear();
            facts.uses.clear();
            facts.problems.clear();
            facts.test_only = true;
        }
    }
}
