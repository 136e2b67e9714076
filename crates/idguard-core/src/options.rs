//! What a scan is asked to do: the root, threads, limits, vocabulary, report filtering,
//! selection mode, cache and progress counters. Read by the pipeline stages; built by the
//! CLI (from flags and configuration) or by tests.

use std::path::PathBuf;

use crate::cache::CacheOptions;
use crate::lower::Limits;
use crate::report::ReportOptions;
use crate::subject::Vocabulary;
use crate::walk;

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
    /// Contents that stand in for files of the tree, by root-relative path (what `--staged`
    /// reads from git's index): such a file is scanned with these bytes, also when the
    /// working tree lacks it; every other file is read from disk.
    pub overlay: std::collections::BTreeMap<String, Vec<u8>>,
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
            overlay: std::collections::BTreeMap::new(),
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
