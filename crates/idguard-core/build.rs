//! The facts schema hash: the cache key is derived from the build, not from a constant
//! someone must remember to bump. Every source file of this crate is hashed (sorted by
//! path), so any change to what the parse stage records, or how, gives a new key and old
//! cache files are ignored.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    let mut text = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(root).unwrap_or(file);
        text.extend_from_slice(rel.to_string_lossy().as_bytes());
        text.push(0);
        text.extend(std::fs::read(file).unwrap_or_default());
        text.push(0);
    }
    let hash = xxhash_rust::xxh3::xxh3_128(&text);
    println!("cargo:rustc-env=IDGUARD_FACTS_HASH={hash:032x}");
    println!("cargo:rerun-if-changed=src");
}
