//! The walk stage: discover `.rs` files (and `.proto` definitions and `.sql` migrations)
//! under the root.
//!
//! Respects `.gitignore`/`.ignore` (with or without a git repository), skips hidden
//! entries, `target/` and the directories excluded by default (`tests/`, `benches/`,
//! `examples/`), never follows symlinks (so it never leaves the root through one, and
//! loops cannot trap it), and skips non-regular files such as FIFOs. Output is sorted.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// A file to analyse.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Path to open.
    pub abs: PathBuf,
}

/// A `.rs` path that is not analysed, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Lowercase reason.
    pub reason: String,
    /// Whether the user should hear about it (a FIFO named `.rs`, an unreadable
    /// directory) or it is an expected skip (a symlink, not followed by design).
    pub report: bool,
}

/// The result of a walk.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Files to analyse, sorted by relative path.
    pub files: Vec<SourceFile>,
    /// Paths passed over, sorted by relative path.
    pub skipped: Vec<Skipped>,
}

/// Directory names never descended into below the root.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &["target", "tests", "benches", "examples"];

/// Walks `root` (a directory, or a single file). `exclude` holds globs of root-relative
/// file paths not to scan (already validated).
pub fn walk(root: &Path, excluded_dirs: &[String], exclude: &[String]) -> Walk {
    let mut out = Walk::default();
    let mut globs = globset::GlobSetBuilder::new();
    for glob in exclude {
        if let Ok(glob) = globset::Glob::new(glob) {
            globs.add(glob);
        }
    }
    let globs = globs.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let excluded: Vec<String> = excluded_dirs.to_vec();
    let walker = WalkBuilder::new(root)
        .hidden(true)
        .parents(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !excluded.iter().any(|d| entry.file_name() == d.as_str())
        })
        .build();
    for result in walker {
        match result {
            Ok(entry) => {
                let path = entry.path();
                let rel = relative(root, path);
                let Some(file_type) = entry.file_type() else { continue };
                if file_type.is_dir() {
                    continue;
                }
                if !is_source(path) || globs.is_match(&rel) {
                    continue;
                }
                if file_type.is_symlink() {
                    out.skipped.push(Skipped { rel, reason: "symlink not followed".into(), report: false });
                } else if file_type.is_file() {
                    out.files.push(SourceFile { rel, abs: path.to_path_buf() });
                } else {
                    out.skipped.push(Skipped { rel, reason: "file skipped: not a regular file".into(), report: true });
                }
            }
            Err(err) => {
                let rel = error_path(&err).map_or_else(|| ".".to_owned(), |p| relative(root, p));
                out.skipped.push(Skipped { rel, reason: format!("cannot walk: {err}"), report: true });
            }
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// The files idguard reads: Rust sources, `.proto` definitions and `.sql` migrations.
pub fn is_source(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs" || e.eq_ignore_ascii_case("proto") || e.eq_ignore_ascii_case("sql"))
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// The `/`-separated path of `path` relative to `root` (the file name when `root` is the file).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => Path::new(path.file_name().unwrap_or(path.as_os_str())),
        Ok(r) => r,
        Err(_) => path,
    };
    slash_path(rel)
}

/// A path with `/` separators, whatever the platform's.
pub fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
