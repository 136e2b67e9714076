//! Replays the fuzz seeds and every crash the fuzzers found (`fuzz/regressions/`) through
//! the same checks the fuzz targets run, so fixed crashes stay fixed. CI does not fuzz.

use std::path::{Path, PathBuf};

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

#[test]
fn pipeline_regressions_and_seeds_pass() {
    let all: Vec<PathBuf> = [inputs("seeds/pipeline"), inputs("regressions/pipeline")].concat();
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
    let all: Vec<PathBuf> = [inputs("seeds/config"), inputs("regressions/config")].concat();
    assert!(all.len() >= 5, "seeds are missing");
    for path in all {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| idguard_core::harness::config(&names, &data));
        assert!(result.is_ok(), "{} fails", path.display());
    }
}
