//! Per-file preparation: read a file (reusing one buffer per worker), take its facts from
//! the cache when its content hash matches, else prefilter and (if selected) parse and
//! lower it; a panic becomes an internal error. Also the second look at files whose return
//! types name the project's aliases of response wrappers.

use rayon::prelude::*;

use crate::cache::{Cache, CacheOptions};
use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::lower::{self, Prepared};
use crate::options::ScanOptions;
use crate::subject::Vocabulary;

/// Where a file's bytes come from.
pub(crate) enum Source<'a> {
    /// Read from disk.
    Path(&'a std::path::Path),
    /// Already in memory.
    Bytes(&'a [u8]),
    /// On disk, known not to have changed since it was read with this content hash (a warm
    /// workspace, see `engine`): its facts come from the cache without reading it.
    Unchanged(&'a std::path::Path, u128),
}

pub(crate) fn source_parts<'a>(source: &'a Source<'a>) -> (Option<&'a std::path::Path>, Option<&'a [u8]>) {
    match source {
        Source::Path(path) | Source::Unchanged(path, _) => (Some(path), None),
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
pub(crate) fn prepare_isolated(
    rel: &str,
    source: &Source<'_>,
    options: &ScanOptions,
    cache: Option<&Cache>,
) -> (Prepared, Option<u128>, Option<Diagnostic>, bool) {
    let result = crate::isolate::isolated(rel, None, || {
        assert!(options.panic_on.as_deref() != Some(rel), "IDGUARD_INTERNAL_PANIC_ON asked for a panic here");
        let usable =
            |hash: u128| cache?.get(rel, hash, |hit| options.prefilter || (hit.lowered && !hit.declarations_only));
        let prepare = |bytes: &[u8]| {
            let hash = cache.map(|_| crate::cache::hash(bytes));
            if let Some(hit) = hash.and_then(usable) {
                return (hit, hash, true);
            }
            (lower::prepare(rel, bytes, &options.limits, &options.vocab, !options.prefilter), hash, false)
        };
        if let Source::Unchanged(_, hash) = source
            && let Some(hit) = usable(*hash)
        {
            return (hit, Some(*hash), true);
        }
        match source {
            Source::Bytes(bytes) => prepare(bytes),
            Source::Path(path) | Source::Unchanged(path, _) => {
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
pub(crate) fn cache_key(cache: &CacheOptions, options: &ScanOptions) -> String {
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
pub(crate) fn prepare_with_aliases(
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
