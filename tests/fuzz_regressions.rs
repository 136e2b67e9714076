//! Replays the fuzz seeds (the fixtures' Rust files and `fuzz/seeds/`) and every crash
//! the fuzzers found (`fuzz/regressions/`) through the same checks the fuzz targets run,
//! so fixed crashes stay fixed. CI does not fuzz.

use std::path::{Path, PathBuf};

/// The files under `dir` (relative to the repository), recursively, sorted.
fn inputs(dir: &str) -> Vec<PathBuf> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    collect(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    files.sort();
    files
}

#[test]
fn pipeline_regressions_and_seeds_pass() {
    let fixtures: Vec<PathBuf> =
        inputs("fixtures").into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")).collect();
    let all: Vec<PathBuf> = [fixtures, inputs("fuzz/seeds/pipeline"), inputs("fuzz/regressions/pipeline")].concat();
    assert!(all.len() >= 5, "seeds are missing");
    for path in all {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| idguard_core::harness::pipeline(idguard_lints::REGISTRY, &data));
        assert!(result.is_ok(), "{} fails", path.display());
    }
}

#[test]
fn config_regressions_and_seeds_pass() {
    let names: Vec<&str> = idguard_lints::REGISTRY.iter().map(|r| r.name).collect();
    let all: Vec<PathBuf> = [inputs("fuzz/seeds/config"), inputs("fuzz/regressions/config")].concat();
    assert!(all.len() >= 5, "seeds are missing");
    for path in all {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| idguard_core::harness::config(&names, &data));
        assert!(result.is_ok(), "{} fails", path.display());
    }
}
