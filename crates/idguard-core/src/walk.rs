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
    /// It is a directory the walk could not enter (its files were not scanned).
    pub directory: bool,
}

/// The result of a walk.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Files to analyse, sorted by relative path.
    pub files: Vec<SourceFile>,
    /// Paths passed over, sorted by relative path.
    pub skipped: Vec<Skipped>,
    /// `idguard.toml` files below the root (not read: configuration is read at the root),
    /// sorted.
    pub stray_configs: Vec<String>,
}

/// Directory names never descended into below the root.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &["target", "tests", "benches", "examples"];

/// Walks `root` (a directory, or a single file) on `threads` threads. `exclude` holds
/// globs of root-relative file paths not to scan (already validated).
pub fn walk(root: &Path, excluded_dirs: &[String], exclude: &[String], threads: usize) -> Walk {
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
        .threads(threads.max(1))
        .filter_entry(move |entry| {
            entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !excluded.iter().any(|d| entry.file_name() == d.as_str())
        })
        .build_parallel();
    let out = std::sync::Mutex::new(Walk::default());
    walker.run(|| {
        let (globs, out) = (&globs, &out);
        Box::new(move |result| {
            let found = classify(root, globs, result);
            if let (Some(found), Ok(mut out)) = (found, out.lock()) {
                match found {
                    Entry::File(file) => out.files.push(file),
                    Entry::Skipped(skipped) => out.skipped.push(skipped),
                    Entry::StrayConfig(rel) => out.stray_configs.push(rel),
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut out = out.into_inner().unwrap_or_default();
    out.stray_configs.sort();
    // The threads finish in any order: sorted, the walk is the same every time.
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Whether a root-relative path that is not on disk would be walked if it were: a source
/// file outside hidden and excluded directories, matching no exclude glob (git's ignore
/// files are not consulted). For files that exist only in git's index (`--staged`).
pub fn would_walk(rel: &str, excluded_dirs: &[String], exclude: &[String]) -> bool {
    let components: Vec<&str> = rel.split('/').collect();
    let dirs = &components[..components.len().saturating_sub(1)];
    let hidden_or_excluded =
        components.iter().any(|c| c.starts_with('.')) || dirs.iter().any(|d| excluded_dirs.iter().any(|e| e == d));
    let globbed = exclude.iter().filter_map(|g| globset::Glob::new(g).ok()).any(|g| g.compile_matcher().is_match(rel));
    is_source(Path::new(rel)) && !hidden_or_excluded && !globbed
}

/// What one entry of the walk is, when it is something.
enum Entry {
    /// A file to analyse.
    File(SourceFile),
    /// A path passed over.
    Skipped(Skipped),
    /// An `idguard.toml` below the root (not read).
    StrayConfig(String),
}

/// What one entry of the walk is: a file to analyse, a path passed over, a configuration
/// file that is not read, or nothing (directories, other files).
fn classify(root: &Path, globs: &globset::GlobSet, result: Result<ignore::DirEntry, ignore::Error>) -> Option<Entry> {
    match result {
        Ok(entry) => {
            let path = entry.path();
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                return None;
            }
            if entry.depth() > 1 && entry.file_name() == "idguard.toml" {
                return Some(Entry::StrayConfig(relative(root, path)));
            }
            if !is_source(path) {
                return None;
            }
            // Judged again by the root-relative path (a `templates` directory above the root
            // does not make its files templates), as lowering judges it.
            let rel = relative(root, path);
            if !is_source(Path::new(&rel)) {
                return None;
            }
            if globs.is_match(&rel) {
                return None;
            }
            Some(if file_type.is_symlink() {
                Entry::Skipped(Skipped { rel, reason: "symlink not followed".into(), report: false, directory: false })
            } else if file_type.is_file() {
                Entry::File(SourceFile { rel, abs: path.to_path_buf() })
            } else {
                Entry::Skipped(Skipped {
                    rel,
                    reason: "file skipped: not a regular file".into(),
                    report: true,
                    directory: false,
                })
            })
        }
        Err(err) => {
            let rel = error_path(&err).map_or_else(|| ".".to_owned(), |p| relative(root, p));
            let directory = error_path(&err).is_some_and(Path::is_dir);
            // A directory that `[files] exclude` covers (`locked/**`) is not missed.
            if directory && (globs.is_match(&rel) || globs.is_match(format!("{rel}/"))) {
                return None;
            }
            Some(Entry::Skipped(Skipped { rel, reason: format!("cannot walk: {err}"), report: true, directory }))
        }
    }
}

/// The files idguard reads: Rust sources, `.proto` definitions and `.sql` migrations.
pub fn is_source(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs" || e.eq_ignore_ascii_case("proto") || e.eq_ignore_ascii_case("sql"))
        || crate::templates::is_template(path)
}

/// Glob patterns of the files [`is_source`] accepts (for a client that watches files for
/// idguard): Rust sources, `.sql`, `.proto`, and the template extensions under `templates/`.
pub fn source_globs() -> Vec<String> {
    let mut globs: Vec<String> = ["**/*.rs", "**/*.sql", "**/*.proto"].iter().map(|g| (*g).to_owned()).collect();
    globs.extend(crate::templates::EXTENSIONS.iter().map(|e| format!("**/templates/**/*.{e}")));
    globs
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
