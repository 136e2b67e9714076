//! The facts cache: what the parse stage learned about each file, keyed by the file's
//! content hash (xxh3-128), under a key made of idguard's version, the hash of the
//! sources that make the facts (computed by the build script, so no format number needs
//! bumping by hand) and the configuration. One file per key, written atomically; a missing, truncated or
//! corrupt cache is ignored and rebuilt, never trusted.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::lower::Prepared;

/// The hash of this crate's sources at build time: whatever the facts are and however the
/// parse stage makes them, a build that changes either gets another key.
const FACTS_HASH: &str = env!("IDGUARD_FACTS_HASH");

/// Where and under which key facts are cached.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// The directory holding cache files.
    pub dir: PathBuf,
    /// Everything besides file contents that the facts depend on (configuration, limits).
    pub config: String,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    key: String,
    entries: Vec<(String, u128, Prepared)>,
}

/// The facts of the previous run, by path.
#[derive(Debug, Default)]
pub struct Cache {
    entries: foldhash::HashMap<String, (u128, Mutex<Option<Prepared>>)>,
    /// A hit moves the facts out instead of copying them (a cache kept in memory, which the
    /// run hands back whole: see [`Cache::from_entries`]).
    moves: bool,
}

/// The cache key: idguard's version, the facts hash and the configuration, hashed.
pub fn key(version: &str, config: &str) -> String {
    let text = format!("idguard {version}\nfacts {FACTS_HASH}\n{config}");
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// The content hash of a file.
pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

fn file_of(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("facts-{key}.bin"))
}

impl Cache {
    /// Loads the cache for `key`; anything unreadable or inconsistent gives an empty cache.
    pub fn load(dir: &Path, key: &str) -> Cache {
        let Ok(bytes) = std::fs::read(file_of(dir, key)) else { return Cache::default() };
        match postcard::from_bytes::<CacheFile>(&bytes) {
            Ok(file) if file.key == key => Cache::of(file.entries, false),
            _ => Cache::default(),
        }
    }

    fn of(entries: Vec<(String, u128, Prepared)>, moves: bool) -> Cache {
        let entries =
            entries.into_iter().map(|(path, hash, prepared)| (path, (hash, Mutex::new(Some(prepared))))).collect();
        Cache { entries, moves }
    }

    /// A cache holding `entries` (path, content hash, facts), kept in memory between runs:
    /// a hit moves the facts out, so each entry serves one run.
    pub fn from_entries(entries: Vec<(String, u128, Prepared)>) -> Cache {
        Cache::of(entries, true)
    }

    /// The cached facts of `path` if its content hash is still `hash` and `usable` accepts
    /// them.
    pub fn get(&self, path: &str, hash: u128, usable: impl Fn(&Prepared) -> bool) -> Option<Prepared> {
        let (h, entry) = self.entries.get(path)?;
        if *h != hash {
            return None;
        }
        // A poisoned entry (a panic while it was held) is a miss.
        let mut entry = entry.lock().ok()?;
        if !usable(entry.as_ref()?) {
            return None;
        }
        if self.moves { entry.take() } else { entry.clone() }
    }

    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Writes the cache for `key` atomically (a temporary file renamed into place), and
/// removes cache files of other keys in the directory.
pub fn store(dir: &Path, key: &str, entries: Vec<(String, u128, Prepared)>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = CacheFile { key: key.to_owned(), entries };
    let bytes = postcard::to_stdvec(&file).map_err(std::io::Error::other)?;
    let target = file_of(dir, key);
    let temporary = dir.join(format!(".facts-{key}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, &target)?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("facts-") && name.ends_with(".bin") && entry.path() != target {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FileFacts;

    fn prepared(path: &str) -> Prepared {
        Prepared {
            facts: FileFacts { path: path.to_owned(), parsed: true, ..FileFacts::default() },
            selected: true,
            lowered: true,
            declares: vec!["UserId".into()],
            ..Prepared::default()
        }
    }

    #[test]
    fn round_trip_and_invalidation() {
        let dir = std::env::temp_dir().join(format!("idguard-cache-test-{}", std::process::id()));
        let k = key("1.0.0", "config A");
        store(&dir, &k, vec![("src/a.rs".into(), 7, prepared("src/a.rs"))]).unwrap();
        let cache = Cache::load(&dir, &k);
        assert_eq!(cache.len(), 1);
        assert!(cache.get("src/a.rs", 7, |_| true).is_some());
        assert!(cache.get("src/a.rs", 7, |_| true).is_some(), "a cache on disk serves a file more than once");
        assert!(cache.get("src/a.rs", 8, |_| true).is_none(), "a changed file misses");
        assert!(cache.get("src/a.rs", 7, |p| !p.lowered).is_none(), "unusable facts miss");
        assert!(Cache::load(&dir, &key("1.0.1", "config A")).is_empty(), "a new version misses");
        assert!(Cache::load(&dir, &key("1.0.0", "config B")).is_empty(), "a changed config misses");
        // Truncated and corrupt files are ignored.
        let path = file_of(&dir, &k);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(Cache::load(&dir, &k).is_empty());
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Cache::load(&dir, &k).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
