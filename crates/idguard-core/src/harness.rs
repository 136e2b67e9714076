//! Whole-pipeline checks on in-memory input, shared by the fuzz targets (`fuzz/`) and the
//! test that replays their regression inputs (`tests/fuzz_regressions.rs`): whatever the
//! bytes, idguard must not panic, hang or overflow, and every renderer must produce
//! well-formed output.

use std::path::Path;

use crate::engine::{ScanOptions, scan_sources};
use crate::isolate::INTERNAL_ERROR;
use crate::lint::Rule;
use crate::render;

/// Splits `data` into up to three files at `\0\0` separators (so cross-file resolution is
/// exercised), scans them with `rules` on one worker, renders every format, and panics if
/// anything is wrong: an internal error, a report that `--no-prefilter` does not repeat,
/// invalid JSON or SARIF JSON, or a GitHub line that is not a single workflow command.
pub fn pipeline(rules: &[Rule], data: &[u8]) {
    let names = ["src/lib.rs", "src/api/dto.rs", "src/ids.rs"];
    let sources: Vec<(String, Vec<u8>)> = data
        .split(|b| *b == 0)
        .filter(|part| !part.is_empty())
        .take(names.len())
        .enumerate()
        .map(|(i, part)| (names[i].to_owned(), part.to_vec()))
        .collect();
    let mut options = ScanOptions::new(Path::new("/nonexistent-idguard-root").to_path_buf());
    options.jobs = Some(1);
    options.report.show_notes = true;
    let report = scan_sources(&options, rules, &sources).expect("in-memory scans do not fail");
    assert!(
        !report.diagnostics.iter().any(|d| d.rule == INTERNAL_ERROR),
        "internal error: {:?}",
        report.diagnostics.iter().find(|d| d.rule == INTERNAL_ERROR)
    );
    let json = render::json::render(&report);
    serde_json::from_str::<serde_json::Value>(&json).expect("JSON output parses");
    // The prefilter never changes the report: parsing every file says the same.
    options.prefilter = false;
    let full = scan_sources(&options, rules, &sources).expect("in-memory scans do not fail");
    assert_eq!(render::json::render(&full), json, "--no-prefilter gives another report");
    options.prefilter = true;
    let sarif = render::sarif::render(&report, rules, "0.0.0");
    serde_json::from_str::<serde_json::Value>(&sarif).expect("SARIF output parses");
    let github = render::github::render(&report);
    assert_eq!(github.lines().count(), report.diagnostics.len(), "one workflow command per finding");
    assert!(github.lines().all(|l| l.starts_with("::")), "workflow commands only");
    let _ = render::human::render(&report, options.root.as_path(), false);
}

/// Parses `data` as an `idguard.toml` and as a `Cargo.toml`; errors must carry spans
/// inside the text, and rendering them must not panic.
pub fn config(rule_names: &[&str], data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for manifest in [false, true] {
        match crate::config::parse(Path::new("idguard.toml"), text, manifest, rule_names) {
            Ok(_) => {}
            Err(err) => {
                if let crate::Error::Config { span: Some(span), .. } = &err {
                    assert!(span.start <= span.end && span.end <= text.len(), "span {span:?} outside the text");
                }
                let _ = render::human::render_error(&err, false);
            }
        }
    }
}
