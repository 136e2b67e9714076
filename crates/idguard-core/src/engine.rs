//! The pipeline, end to end: walk -> parse + lower (parallel) -> index -> lint
//! (parallel, per file and rule) -> report. Rendering is left to the caller.
//!
//! A panic while lowering a file or while one rule checks one file is caught and becomes
//! an `internal-error` diagnostic naming the file (and the rule); the rest of the scan
//! completes, and the CLI exits with status 2.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::cache::Cache;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::facts::{FileFacts, Problem, ProblemKind};
use crate::index::Index;
use crate::lint::{self, Context, Rule};
use crate::lower::{self, Prepared};
use crate::prepare::{Source, cache_key, prepare_isolated, prepare_with_aliases, source_parts};
use crate::report::{self, Report, Summary};
use crate::subject::Vocabulary;
use crate::walk;

/// Stack size of the parse workers: address space reserved per thread, touched only as
/// deep as a file really nests. `syn` recurses once per nesting level; the nesting limit
/// keeps every accepted file far below this (see `Limits`).
pub const WORKER_STACK_SIZE: usize = 512 * 1024 * 1024;

pub use crate::options::{Progress, ScanOptions};

/// Runs the pipeline over the files under `options.root`.
pub fn scan(options: &ScanOptions, rules: &[Rule]) -> Result<Report, Error> {
    std::fs::metadata(&options.root).map_err(|source| Error::Root { path: options.root.clone(), source })?;
    // The cache is read while the tree is walked.
    let loading = options.cache.as_ref().map(|c| {
        let (dir, key) = (c.dir.clone(), cache_key(c, options));
        std::thread::spawn(move || Cache::load(&dir, &key))
    });
    let started = std::time::Instant::now();
    let walked = walk::walk(&options.root, &options.excluded_dirs, &options.exclude, threads(options));
    let walked_in = started.elapsed().as_secs_f64();
    let inputs = tree_inputs(options, &walked, |_| None);
    // A loader that failed is an empty cache: only this run's speed is lost.
    let cache = loading.map(|loading| loading.join().unwrap_or_default());
    let (mut report, _) = run(options, rules, &inputs, &walked.skipped, cache.as_ref(), Keep::Disk)?;
    report.stats.walk = walked_in;
    report.notices.extend(stray_notices(&walked));
    Ok(report)
}

fn threads(options: &ScanOptions) -> usize {
    options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// The inputs of a scan of the walked tree: each file read from disk, unless the overlay
/// stands in for it or `unchanged` knows its content hash; then the overlaid files the
/// working tree lacks (staged, then deleted or moved on disk; an editor's unsaved buffer).
fn tree_inputs<'a>(
    options: &'a ScanOptions,
    walked: &'a walk::Walk,
    unchanged: impl Fn(&str) -> Option<u128>,
) -> Vec<(&'a str, Source<'a>)> {
    let mut inputs: Vec<(&str, Source<'_>)> = walked
        .files
        .iter()
        .map(|f| match (options.overlay.get(&f.rel), unchanged(&f.rel)) {
            (Some(bytes), _) => (f.rel.as_str(), Source::Bytes(bytes.as_slice())),
            (None, Some(hash)) => (f.rel.as_str(), Source::Unchanged(f.abs.as_path(), hash)),
            (None, None) => (f.rel.as_str(), Source::Path(f.abs.as_path())),
        })
        .collect();
    for (rel, bytes) in &options.overlay {
        if !walked.files.iter().any(|f| &f.rel == rel)
            && !options.root.join(rel).exists()
            && crate::walk::would_walk(rel, &options.excluded_dirs, &options.exclude)
        {
            inputs.push((rel.as_str(), Source::Bytes(bytes.as_slice())));
        }
    }
    inputs.sort_by(|a, b| a.0.cmp(b.0));
    inputs
}

fn stray_notices(walked: &walk::Walk) -> impl Iterator<Item = String> + '_ {
    walked.stray_configs.iter().map(|c| {
        format!(
            "`{c}` is not read: idguard reads its configuration at the project root (`idguard.toml`, or `[workspace.metadata.idguard]` in `Cargo.toml`)"
        )
    })
}

/// A project kept indexed between scans, for an editor: each file's facts stay in memory,
/// so a scan after one file changed reads and parses that file only (and what on-demand
/// resolution newly asks for), then resolves and lints the whole project as [`scan`] does.
/// Its reports are those a cold [`scan`] of the same contents gives.
pub struct Workspace {
    options: ScanOptions,
    walked: walk::Walk,
    /// The facts of the last scan, by path and content hash.
    memory: Cache,
    /// The content hash of each file as it was on disk at the last scan; a file missing
    /// here is read again.
    on_disk: foldhash::HashMap<String, u128>,
    /// The workers, kept between scans.
    pool: rayon::ThreadPool,
    /// The names the last scan decided (see `Keep::Memory`).
    decided: Vec<String>,
    /// The last scan's lexical candidates (see `Lexical`).
    lexical: std::sync::Mutex<Option<Lexical>>,
}

impl Workspace {
    /// Walks the project under `options.root`; nothing is read until the first [`Workspace::scan`].
    /// `options.cache` is not used: the facts stay in memory.
    pub fn open(options: ScanOptions) -> Result<Workspace, Error> {
        std::fs::metadata(&options.root).map_err(|source| Error::Root { path: options.root.clone(), source })?;
        let walked = walk::walk(&options.root, &options.excluded_dirs, &options.exclude, threads(&options));
        let pool = thread_pool(&options)?;
        Ok(Workspace {
            options,
            walked,
            memory: Cache::default(),
            on_disk: foldhash::HashMap::default(),
            pool,
            decided: Vec::new(),
            lexical: std::sync::Mutex::new(None),
        })
    }

    /// Stands `text` in for the file at the root-relative path `rel` (an editor's buffer),
    /// or, with `None`, goes back to what is on disk.
    pub fn set_buffer(&mut self, rel: &str, text: Option<Vec<u8>>) {
        if let Some(text) = text {
            self.options.overlay.insert(rel.to_owned(), text);
        } else {
            self.options.overlay.remove(rel);
            self.on_disk.remove(rel);
        }
    }

    /// The file at `rel` changed on disk (saved, or changed by another program): the next
    /// scan reads it again.
    pub fn changed_on_disk(&mut self, rel: &str) {
        self.on_disk.remove(rel);
    }

    /// Walks the tree again (files were created, deleted or renamed); files still there
    /// keep their facts.
    pub fn rewalk(&mut self) {
        self.walked =
            walk::walk(&self.options.root, &self.options.excluded_dirs, &self.options.exclude, threads(&self.options));
    }

    /// Scans the project as it now is (buffers standing in for their files).
    pub fn scan(&mut self, rules: &[Rule]) -> Result<Report, Error> {
        let on_disk = &self.on_disk;
        let inputs = tree_inputs(&self.options, &self.walked, |rel| on_disk.get(rel).copied());
        let keep = Keep::Memory { pool: &self.pool, seed: &self.decided, lexical: &self.lexical };
        let (mut report, kept) = run(&self.options, rules, &inputs, &self.walked.skipped, Some(&self.memory), keep)?;
        let Kept { entries, decided } = kept.unwrap_or_default();
        self.decided = decided;
        // Both in path order: the hash of each file read from disk (not a buffer).
        let mut from_disk =
            inputs.iter().filter(|(_, source)| !matches!(source, Source::Bytes(_))).map(|(rel, _)| *rel);
        let mut next = from_disk.next();
        self.on_disk.clear();
        for (rel, hash, _) in &entries {
            while next.is_some_and(|r| r < rel.as_str()) {
                next = from_disk.next();
            }
            if next == Some(rel.as_str()) {
                self.on_disk.insert(rel.clone(), *hash);
            }
        }
        self.memory = Cache::from_entries(entries);
        report.notices.extend(stray_notices(&self.walked));
        Ok(report)
    }
}

/// Drops `value` on another thread: freeing tens of thousands of small allocations need
/// not delay a result.
fn dispose<T: Send + 'static>(value: T) {
    if std::thread::Builder::new().spawn(move || drop(value)).is_err() {
        // No thread to spare: it was dropped here, with the closure.
    }
}

/// What a run does with the facts it settles on (each file's, with what on-demand
/// resolution parsed): store them in the disk cache if they changed, or hand them back.
/// A workspace's run keeps its workers between runs, and decides up front the names the
/// previous run asked for (`seed`).
#[derive(Clone, Copy)]
enum Keep<'a> {
    Disk,
    Memory { pool: &'a rayon::ThreadPool, seed: &'a [String], lexical: &'a std::sync::Mutex<Option<Lexical>> },
}

/// The lexical candidates of a warm workspace's last scan and their watch set, with the
/// fingerprint of what they were built from (each file's path, selection and lexical
/// declarations): the next scan takes them again when nothing of that changed, instead of
/// building tens of thousands of names anew.
pub(crate) struct Lexical {
    fingerprint: u128,
    candidates: crate::demand::Candidates,
    lookups: crate::index::Lookups,
}

fn lexical_fingerprint(inputs: &[(&str, Source<'_>)], prepared: &[Prepared]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for ((rel, _), p) in inputs.iter().zip(prepared) {
        hasher.update(rel.as_bytes());
        hasher.update(&[0xff, u8::from(p.selected)]);
        for name in &p.declares {
            hasher.update(name.as_bytes());
            hasher.update(&[0xfe]);
        }
    }
    hasher.digest128()
}

/// What a workspace's run hands back: every file's settled facts, and the names it decided.
#[derive(Default)]
struct Kept {
    entries: Entries,
    decided: Vec<String>,
}

fn thread_pool(options: &ScanOptions) -> Result<rayon::ThreadPool, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_SIZE);
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    builder.build().map_err(|e| Error::Pool(e.to_string()))
}

type Entries = Vec<(String, u128, Prepared)>;

/// Runs the pipeline over in-memory sources `(root-relative path, bytes)`, as if they
/// were the files of a root. Used by the fuzz targets and tests.
pub fn scan_sources(options: &ScanOptions, rules: &[Rule], sources: &[(String, Vec<u8>)]) -> Result<Report, Error> {
    let inputs: Vec<(&str, Source<'_>)> =
        sources.iter().map(|(path, bytes)| (path.as_str(), Source::Bytes(bytes.as_slice()))).collect();
    let cache = options.cache.as_ref().map(|c| Cache::load(&c.dir, &cache_key(c, options)));
    run(options, rules, &inputs, &[], cache.as_ref(), Keep::Disk).map(|(report, _)| report)
}

fn run(
    options: &ScanOptions,
    rules: &[Rule],
    inputs: &[(&str, Source<'_>)],
    skipped: &[walk::Skipped],
    cache: Option<&Cache>,
    keep: Keep<'_>,
) -> Result<(Report, Option<Kept>), Error> {
    let built;
    let pool = match keep {
        Keep::Disk => {
            built = thread_pool(options)?;
            &built
        }
        Keep::Memory { pool, .. } => pool,
    };
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
        let signatures_before = prepared.iter().filter(|p| p.signatures).count();
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
        let test_modules: foldhash::HashSet<String> =
            files.iter().flat_map(|f| f.test_modules.iter().cloned()).collect();
        let mut uncleared: HashMap<usize, FileFacts> = HashMap::new();
        for (i, facts) in files.iter_mut().enumerate() {
            if let Some(raw) = exclude_test_module(facts, &test_modules) {
                uncleared.insert(i, raw);
            }
        }
        for skipped in skipped.iter().filter(|s| s.report) {
            files.push(FileFacts {
                path: skipped.rel.clone(),
                problems: vec![Problem {
                    kind: if skipped.directory { ProblemKind::UnreadableDirectory } else { ProblemKind::Unreadable },
                    message: skipped.reason.clone(),
                    span: None,
                }],
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
        // A warm workspace takes its last candidates again when nothing they were built from
        // changed (they are the same then); otherwise, and on the command line, they are built.
        let lexical = match keep {
            Keep::Memory { lexical, .. } => Some((lexical, lexical_fingerprint(inputs, &prepared))),
            Keep::Disk => None,
        };
        let reused =
            lexical.and_then(|(kept, fingerprint)| kept.lock().ok()?.take().filter(|l| l.fingerprint == fingerprint));
        let (candidates, lookups) = if let Some(Lexical { candidates, lookups, .. }) = reused {
            lookups.reset();
            (candidates, lookups)
        } else {
            let candidates = crate::demand::Candidates::new(&prepared);
            let lookups = candidates.lookups();
            (candidates, lookups)
        };
        let rule_names: Vec<&str> = rules.iter().map(|r| r.name).collect();
        let text = |f: usize| {
            let (path, bytes) = source_parts(&inputs[f].1);
            lower::source_text(path, bytes, &options.limits)
        };
        let rel = |f: usize| inputs[f].0;
        let settings = lower::Settings { limits: &options.limits, vocab: &options.vocab };
        let mut passes = 0usize;
        let mut decided_names: Vec<String> = Vec::new();
        let mut decide = |asked: &[String],
                          files: &mut Vec<FileFacts>,
                          prepared: &mut Vec<Prepared>,
                          relevant: &mut Vec<bool>,
                          held: &mut HashMap<usize, Vec<Problem>>,
                          uncleared: &mut HashMap<usize, FileFacts>| {
            let mut demanded =
                crate::demand::Files { facts: &mut files[..prepared.len()], meta: prepared, relevant, held };
            let crashes = crate::demand::decide(asked, &candidates, &mut demanded, &text, &rel, settings);
            for name in asked {
                for &file in candidates.files_of(name) {
                    let f = file as usize;
                    if !uncleared.contains_key(&f)
                        && let Some(raw) = exclude_test_module(&mut files[f], &test_modules)
                    {
                        uncleared.insert(f, raw);
                    }
                }
            }
            decided_names.extend(asked.iter().cloned());
            crashes
        };
        // Warm: what the previous scan asked for is decided now, where that cannot change
        // the report: every file declaring the name is parsed already and holds back no
        // syntax problem, so deciding it only marks those files relevant (which matters for
        // held problems alone) and drops names they do not declare at module level. The
        // passes that would have asked for it are saved; the report is the same.
        if let Keep::Memory { seed, .. } = keep {
            let seed: Vec<String> = seed
                .iter()
                .filter(|name| {
                    candidates.files_of(name).iter().all(|&f| {
                        let p = &prepared[f as usize];
                        // A signature key: its signatures are read already.
                        if crate::index::is_signature_key(name) {
                            p.signatures
                        } else {
                            p.lowered && !held.contains_key(&(f as usize))
                        }
                    })
                })
                .cloned()
                .collect();
            lookups.decided(&seed);
            let crashes = decide(&seed, &mut files, &mut prepared, &mut relevant, &mut held, &mut uncleared);
            internal.extend(crashes);
        }
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
            let crashes = decide(&asked, &mut files, &mut prepared, &mut relevant, &mut held, &mut uncleared);
            internal.extend(crashes);
        };
        stats.resolve = resolving.elapsed().as_secs_f64();
        match lexical {
            Some((kept, fingerprint)) => {
                if let Ok(mut kept) = kept.lock() {
                    *kept = Some(Lexical { fingerprint, candidates, lookups });
                }
            }
            None => dispose((candidates, lookups)),
        }
        stats.on_demand = relevant.iter().filter(|r| **r).count() - selected;
        stats.passes = passes;
        // Rewritten only when something changed: a file read afresh, a file parsed (or read
        // for its signatures) on demand for the first time, or entries to drop (files gone
        // or renamed).
        let unchanged = cache.is_some_and(|c| {
            hits == prepared.len()
                && redone == 0
                && c.len() == prepared.len()
                && prepared.iter().filter(|p| p.lowered).count() == lowered_before
                && prepared.iter().filter(|p| p.signatures).count() == signatures_before
        });
        let settle = |i: usize, facts: &FileFacts, hash: &Option<u128>, p: &Prepared| {
            let mut facts = uncleared.get(&i).unwrap_or(facts).clone();
            facts.problems.extend(held.get(&i).into_iter().flatten().cloned());
            hash.map(|h| (facts.path.clone(), h, Prepared { facts, ..p.clone() }))
        };
        if matches!(keep, Keep::Disk)
            && let Some(options_cache) = options.cache.as_ref().filter(|_| !unchanged)
        {
            let entries: Entries =
                prepared.iter().enumerate().zip(&hashes).filter_map(|((i, p), h)| settle(i, &files[i], h, p)).collect();
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
        // Kept in memory: the facts move back (the report is built), only test-cleared
        // files' originals and held syntax problems are restored.
        let kept = matches!(keep, Keep::Memory { .. }).then(|| {
            let mut entries = Entries::with_capacity(prepared.len());
            for (i, ((mut p, facts), hash)) in prepared.into_iter().zip(files).zip(hashes).enumerate() {
                let Some(hash) = hash else { continue };
                p.facts = uncleared.remove(&i).unwrap_or(facts);
                p.facts.problems.extend(held.remove(&i).into_iter().flatten());
                entries.push((p.facts.path.clone(), hash, p));
            }
            decided_names.sort_unstable();
            decided_names.dedup();
            Kept { entries, decided: decided_names }
        });
        report.stats = stats;
        Ok((report, kept))
    })
}

/// Clears the facts of a test-only file: a `#![cfg(test)]` file or the file of a module
/// declared under `#[cfg(test)]` elsewhere (`#[cfg(test)] mod tests;`; `test_modules` lists
/// them), as `#[cfg(test)]` items inside a file are. Returns what it had, if it was cleared.
/// A declared test module is a file path, or a directory path ending in `/` that holds it.
fn exclude_test_module(facts: &mut FileFacts, test_modules: &foldhash::HashSet<String>) -> Option<FileFacts> {
    let declared_test = !test_modules.is_empty()
        && (test_modules.contains(&facts.path)
            || facts.path.match_indices('/').any(|(at, _)| test_modules.contains(&facts.path[..=at])));
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
